/* sip_msg: zero-copy SIP message parser (RFC 3261 §7).
 *
 * One forward pass over the buffer produces slices: start line, a
 * caller-provided array of headers (capacity in, count out, as in
 * picohttpparser), O(1) access to the first header of each known type, and
 * a chain through repeated headers. Nothing is allocated or copied; every
 * slice points into buf and is valid as long as buf is. */
#ifndef IMSEC_SIP_MSG_H
#define IMSEC_SIP_MSG_H

#include <stdbool.h>
#include <stdint.h>

#include "base/imsec_str.h"
#include "imsec/imsec.h"

/* Known header types. Compact forms map to their long form. Keep the name
 * table in sip_msg.c in the same order. */
typedef enum {
    SIP_HDR_OTHER = 0,
    SIP_HDR_VIA, SIP_HDR_FROM, SIP_HDR_TO, SIP_HDR_CALL_ID, SIP_HDR_CSEQ,
    SIP_HDR_CONTACT, SIP_HDR_MAX_FORWARDS, SIP_HDR_ROUTE, SIP_HDR_RECORD_ROUTE,
    SIP_HDR_PATH, SIP_HDR_SERVICE_ROUTE, SIP_HDR_CONTENT_TYPE, SIP_HDR_CONTENT_LENGTH,
    SIP_HDR_EXPIRES, SIP_HDR_AUTHORIZATION, SIP_HDR_WWW_AUTHENTICATE,
    SIP_HDR_PROXY_AUTHORIZATION, SIP_HDR_PROXY_AUTHENTICATE, SIP_HDR_AUTHENTICATION_INFO,
    SIP_HDR_SECURITY_CLIENT, SIP_HDR_SECURITY_SERVER, SIP_HDR_SECURITY_VERIFY,
    SIP_HDR_REQUIRE, SIP_HDR_PROXY_REQUIRE, SIP_HDR_SUPPORTED,
    SIP_HDR_PRIVACY, SIP_HDR_P_ASSERTED_IDENTITY, SIP_HDR_P_PREFERRED_IDENTITY,
    SIP_HDR_P_ASSOCIATED_URI, SIP_HDR_P_CHARGING_VECTOR, SIP_HDR_P_CHARGING_FUNCTION_ADDRESSES,
    SIP_HDR_P_ACCESS_NETWORK_INFO, SIP_HDR_P_VISITED_NETWORK_ID, SIP_HDR_P_CALLED_PARTY_ID,
    SIP_HDR_REFER_TO, SIP_HDR_REFERRED_BY, SIP_HDR_REPLACES, SIP_HDR_TARGET_DIALOG,
    SIP_HDR_REMOTE_PARTY_ID, SIP_HDR_EVENT, SIP_HDR_SUBSCRIPTION_STATE,
    SIP_HDR_USER_AGENT, SIP_HDR_SERVER, SIP_HDR_WARNING, SIP_HDR_ALLOW, SIP_HDR_ACCEPT,
    SIP_HDR_SUBJECT, SIP_HDR_CONTENT_ENCODING, SIP_HDR_ALLOW_EVENTS, SIP_HDR_SESSION_EXPIRES,
    SIP_HDR_ACCEPT_CONTACT, SIP_HDR_REJECT_CONTACT, SIP_HDR_REQUEST_DISPOSITION,
    SIP_HDR_IDENTITY, SIP_HDR_IDENTITY_INFO, SIP_HDR_REASON,
    SIP_HDR__COUNT
} sip_hdr_type;

/* Long header name for a type ("Via"), or NULL for SIP_HDR_OTHER. */
const char *sip_hdr_name(sip_hdr_type t);
/* Resolve a header name (case-insensitive, compact forms folded). */
sip_hdr_type sip_hdr_lookup(imsec_str name);

typedef enum {
    SIP_M_OTHER = 0, SIP_M_INVITE, SIP_M_ACK, SIP_M_BYE, SIP_M_CANCEL, SIP_M_REGISTER,
    SIP_M_OPTIONS, SIP_M_PRACK, SIP_M_SUBSCRIBE, SIP_M_NOTIFY, SIP_M_PUBLISH, SIP_M_INFO,
    SIP_M_REFER, SIP_M_MESSAGE, SIP_M_UPDATE,
    SIP_M__COUNT
} sip_method;

const char *sip_method_name(sip_method m);
sip_method sip_method_lookup(imsec_str s); /* case-sensitive, as RFC 3261 says */

#define SIP_NO_HDR UINT16_MAX

typedef struct {
    uint16_t type;      /* sip_hdr_type */
    uint16_t next_same; /* index of the next header of the same type, or SIP_NO_HDR */
    imsec_str name;
    imsec_str value;    /* trimmed; folded continuation lines stay inside */
} sip_hdr;

/* Content-Length problems (sip_msg.cl). Either one makes the framing
 * ambiguous: a peer that reads another value sees another message boundary. */
enum {
    SIP_CL_NONNUMERIC = 1u << 0, /* a Content-Length value is not 1*DIGIT (or overflows) */
    SIP_CL_CONFLICT = 1u << 1,   /* two Content-Length values differ */
    /* Datagrams only: the value does not fit the datagram (RFC 3261 §18.3). */
    SIP_CL_SHORT = 1u << 2,      /* more bytes than it declares follow the headers */
    SIP_CL_LONG = 1u << 3,       /* it declares more than the datagram holds */
};
/* The flags that make framing impossible on a stream. */
#define SIP_CL_UNFRAMEABLE (SIP_CL_NONNUMERIC | SIP_CL_CONFLICT)

typedef struct {
    bool is_request;
    sip_method method;  /* requests; SIP_M_OTHER for any other token (RFC 3261 §27.4 extension) */
    imsec_str method_str, ruri, version;
    uint16_t status;    /* responses */
    imsec_str reason;
    sip_hdr *hdrs;      /* caller's array */
    uint16_t nhdrs, cap;
    uint16_t first[SIP_HDR__COUNT]; /* index of the first header of each type, or SIP_NO_HDR */
    imsec_str body;
    uint32_t content_length;  /* valid if has_content_length */
    bool has_content_length;  /* a usable Content-Length framed the body */
    bool bare_lf;             /* some line ended with LF alone (tolerated, reported) */
    uint32_t msg_len;         /* bytes of the whole message (headers + body) */
    /* Parser-differential evidence: the message is analysed, these say where
     * another parser may see something else (detect/sipwire.c). */
    uint32_t nlines;          /* header fields in the message, indexed or not */
    uint32_t hdrs_dropped;    /* header fields not indexed because hdrs was full */
    uint64_t conflicts;       /* bit t: single-valued header type t repeated with another value */
    uint8_t cl;               /* SIP_CL_* flags; kept on IMSEC_E_MALFORMED too */
} sip_msg;

/* Index capacity the engine and tools use. Not a message limit: headers past
 * it are counted in hdrs_dropped, and the last slots are kept for the first
 * header of each known type (see sip_msg.c, header_slot_ok). */
#define SIP_MSG_MAX_HDRS 128
/* Sanity bound on one message read from a stream (headers + Content-Length
 * body): larger messages are not waited for (IMSEC_E_LIMIT). It is far above
 * what any stack sends (Kamailio's BUF_SIZE is 65535); in practice the TCP
 * reassembly buffer (net_limits.tcp_max_flow_bytes) is the tighter bound.
 * Datagrams have no bound but their own length. */
#define SIP_MSG_STREAM_MAX (16u << 20)

typedef enum {
    SIP_MODE_DATAGRAM, /* UDP/SCTP: the buffer is one message; body runs to the end without Content-Length */
    SIP_MODE_STREAM,   /* TCP: Content-Length frames the message; may return IMSEC_E_INCOMPLETE */
} sip_mode;

/* Parse one message at the start of buf.
 * Returns bytes consumed (> 0), IMSEC_E_INCOMPLETE (stream: need more),
 * IMSEC_E_MALFORMED, IMSEC_E_LIMIT (stream: message past
 * SIP_MSG_STREAM_MAX). On error *m is zeroed except hdrs/cap, first[] =
 * SIP_NO_HDR and cl (why a stream message could not be framed).
 * Leading CRLFs (keep-alives) are consumed and counted in the returned
 * length. In datagram mode bytes after Content-Length are not consumed
 * (RFC 3261 §18.3: ignored), so the result may be < len.
 *
 * Nothing a stack would act on is refused for our own reasons:
 *  - more header fields than cap: the rest are counted (hdrs_dropped);
 *  - a repeated single-valued header (Call-ID, CSeq, From, To) with another
 *    value: the first one is used and the type is flagged in conflicts;
 *  - a non-numeric or conflicting Content-Length (cl): a datagram's body runs
 *    to its end (§18.3); a stream cannot be framed: IMSEC_E_MALFORMED;
 *  - any method token: SIP_M_OTHER. */
IMSEC_NODISCARD int sip_msg_parse(const uint8_t *buf, uint32_t len, sip_mode mode,
                                  sip_hdr *hdrs, uint16_t cap, sip_msg *m);

/* Same as sip_msg_parse; on IMSEC_E_INCOMPLETE with the header section
 * complete, *need (if not NULL) is the total number of bytes from buf that
 * the message needs (Content-Length known), else 0. Lets a stream reader
 * wait without re-parsing (anti-quadratic). */
IMSEC_NODISCARD int sip_msg_parse_need(const uint8_t *buf, uint32_t len, sip_mode mode,
                                       sip_hdr *hdrs, uint16_t cap, sip_msg *m, uint32_t *need);

/* For stream resynchronisation: offset of the next plausible start line
 * (request "METHOD sip:... SIP/2.0" or "SIP/2.0 NNN") at a line start
 * at or after `from`, or -1. */
long sip_msg_find_start(const uint8_t *buf, uint32_t len, uint32_t from);

/* Cheap test: could this datagram be SIP? (start line shape only) */
bool sip_msg_looks_like_sip(const uint8_t *buf, uint32_t len);

/* First header of a type, or NULL. Next one of the same type, or NULL. */
const sip_hdr *sip_msg_hdr(const sip_msg *m, sip_hdr_type t);
const sip_hdr *sip_msg_hdr_next(const sip_msg *m, const sip_hdr *h);
/* Value of the first header of a type, or an empty slice. */
imsec_str sip_msg_value(const sip_msg *m, sip_hdr_type t);
/* Find a header by name among SIP_HDR_OTHER ones (case-insensitive). */
const sip_hdr *sip_msg_hdr_by_name(const sip_msg *m, const char *name);

#endif
