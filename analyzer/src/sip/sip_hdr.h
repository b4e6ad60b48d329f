/* sip_hdr: typed parsers for header values, run on demand.
 *
 * Each takes a slice (usually one header value, or one element of a comma
 * list from imsec_str_list_next) and fills a struct of slices into the same
 * buffer. Returns IMSEC_OK or IMSEC_E_MALFORMED; on error the output is
 * zeroed. CRLF followed by whitespace (folding) counts as whitespace.
 *
 * Implemented in three files of the sip layer: sip_uri.c (URIs, parameters,
 * name-addr), sip_auth.c (Digest, AKA nonce) and sip_hdr.c (the rest);
 * sip_lex.{h,c} holds the shared character classes. Input slices may be
 * empty with p == NULL. */
#ifndef IMSEC_SIP_HDR_H
#define IMSEC_SIP_HDR_H

#include <stdbool.h>
#include <stdint.h>

#include "base/imsec_str.h"
#include "imsec/imsec.h"

/* ---- URIs (RFC 3261 §19.1, RFC 3966) ---- */
typedef enum { SIP_URI_OTHER = 0, SIP_URI_SIP, SIP_URI_SIPS, SIP_URI_TEL } sip_uri_scheme;
typedef struct {
    sip_uri_scheme scheme;
    imsec_str scheme_str;
    imsec_str user;     /* sip: userinfo before '@' (without password); tel: the number */
    imsec_str password;
    imsec_str host;     /* without [] for IPv6 references */
    uint16_t port;      /* 0 if absent */
    bool has_port;
    imsec_str params;   /* after the first ';' up to '?' (without the leading ';') */
    imsec_str headers;  /* after '?' */
    imsec_str rest;     /* everything after "scheme:" (the opaque part of other schemes) */
} sip_uri;
IMSEC_NODISCARD int sip_uri_parse(imsec_str s, sip_uri *u);
/* Look up ;name[=value] in a parameter list "a=b;c;d=e" (name case-insensitive).
 * Returns true if present; *val is empty for a flag parameter. */
bool sip_param_get(imsec_str params, const char *name, imsec_str *val);
/* Look up name=value in an escaped URI header part "a=b&c=d" (Refer-To ?Replaces=). */
bool sip_uri_header_get(imsec_str headers, const char *name, imsec_str *val);
/* Percent-decoding into out (no NUL is appended; %00 stays a 0 byte);
 * returns length or -1 if cap is too small / bad escape. */
long sip_uri_unescape(imsec_str s, char *out, size_t cap);

/* ---- name-addr / addr-spec with header params (From, To, Contact, Route,
 *      Record-Route, Path, Service-Route, PAI, PPI, P-Associated-URI,
 *      Refer-To, Referred-By, Remote-Party-ID) ---- */
typedef struct {
    imsec_str display;  /* unquoted display name, may be empty */
    imsec_str uri_str;  /* inside <...> or the bare addr-spec */
    sip_uri uri;
    imsec_str params;   /* header params after the URI (without leading ';') */
    bool star;          /* Contact: * */
} sip_naddr;
IMSEC_NODISCARD int sip_naddr_parse(imsec_str s, sip_naddr *n);
/* The tag parameter of From/To, or empty. */
imsec_str sip_naddr_tag(const sip_naddr *n);

/* ---- Via (RFC 3261 §20.42) ---- */
typedef struct {
    imsec_str protocol;   /* "SIP/2.0" (raw: LWS around '/' is kept, RFC 3261 §25.1 SLASH) */
    imsec_str proto_name, proto_version; /* "SIP", "2.0" */
    imsec_str transport;  /* "UDP", "TCP", ... */
    imsec_str host;
    uint16_t port;
    bool has_port;
    imsec_str branch, received, rport, maddr;
    imsec_str params;     /* all params (without leading ';') */
} sip_via;
IMSEC_NODISCARD int sip_via_parse(imsec_str s, sip_via *v);

/* ---- CSeq ---- */
IMSEC_NODISCARD int sip_cseq_parse(imsec_str s, uint32_t *seq, imsec_str *method);

/* ---- Digest credentials and challenges (RFC 2617, RFC 3310, TS 24.229
 *      §7.2A.1 integrity-protected / ck / ik) ---- */
typedef struct {
    imsec_str scheme;     /* "Digest" */
    imsec_str username, realm, nonce, uri, response, algorithm, qop, nc, cnonce, opaque;
    imsec_str auts, ck, ik, integrity_protected, stale;
    bool has_username, has_nonce, has_response, has_auts, has_ck, has_ik, has_integrity_protected;
} sip_digest;
/* Values are unquoted. */
IMSEC_NODISCARD int sip_digest_parse(imsec_str s, sip_digest *d);

/* AKA nonce (RFC 3310 §3.2): base64(RAND(16) || AUTN(16) || server data).
 * AUTN = SQN^AK(6) || AMF(2) || MAC(8). */
typedef struct {
    uint8_t rand[16], autn[16];
    uint8_t sqn_xor_ak[6], amf[2], mac[8];
    uint32_t server_data_len;
} sip_aka_nonce;
IMSEC_NODISCARD int sip_aka_nonce_parse(imsec_str nonce, sip_aka_nonce *out);

/* ---- Security-Client / -Server / -Verify (RFC 3329 §2.2, TS 33.203 §7.2) ---- */
typedef struct {
    imsec_str mech;          /* "ipsec-3gpp", "tls", "digest", ... */
    uint32_t q;              /* q * 1000 (0..1000); 0 if absent */
    bool has_q;
    imsec_str alg, ealg, prot, mod, d_alg, d_qop, d_ver;
    uint32_t spi_c, spi_s;
    uint16_t port_c, port_s;
    bool has_spi_c, has_spi_s, has_port_c, has_port_s;
    imsec_str params;        /* every parameter (without leading ';') */
} sip_secmech;
/* One element of the comma list. */
IMSEC_NODISCARD int sip_secmech_parse(imsec_str s, sip_secmech *m);

/* ---- Privacy (RFC 3323 §4.2, RFC 3325 id) ---- */
enum {
    SIP_PRIV_HEADER = 1u << 0, SIP_PRIV_SESSION = 1u << 1, SIP_PRIV_USER = 1u << 2,
    SIP_PRIV_NONE = 1u << 3, SIP_PRIV_CRITICAL = 1u << 4, SIP_PRIV_ID = 1u << 5,
    SIP_PRIV_HISTORY = 1u << 6, SIP_PRIV_UNKNOWN = 1u << 7,
};
/* Bitmask of SIP_PRIV_*; values separated by ';' (and tolerated ','). */
uint32_t sip_privacy_parse(imsec_str s);

/* ---- Replaces (RFC 3891) and Target-Dialog (RFC 4538) ---- */
typedef struct {
    imsec_str call_id, to_tag, from_tag;
    bool early_only;
} sip_replaces;
IMSEC_NODISCARD int sip_replaces_parse(imsec_str s, sip_replaces *r);

/* ---- Remote-Party-ID (draft-ietf-sip-privacy-04) ---- */
typedef enum { SIP_RPID_PRIV_NONE = 0, SIP_RPID_PRIV_OFF, SIP_RPID_PRIV_NAME, SIP_RPID_PRIV_URI,
               SIP_RPID_PRIV_FULL } sip_rpid_privacy;
typedef struct {
    sip_naddr addr;
    sip_rpid_privacy privacy;
    imsec_str party, screen, id_type;
} sip_rpid;
IMSEC_NODISCARD int sip_rpid_parse(imsec_str s, sip_rpid *r);

/* ---- P-Charging-Vector / P-Charging-Function-Addresses (RFC 7315) ---- */
typedef struct {
    imsec_str icid, icid_generated_at, orig_ioi, term_ioi;
    imsec_str params;
} sip_pcv;
IMSEC_NODISCARD int sip_pcv_parse(imsec_str s, sip_pcv *v);
/* P-Charging-Function-Addresses: use sip_param_get(value, "ccf"/"ecf", ...);
 * repeated names: iterate with imsec_str_split_next(';'). */

/* ---- P-Access-Network-Info ---- */
typedef struct {
    imsec_str access_type;
    imsec_str params;
} sip_pani;
IMSEC_NODISCARD int sip_pani_parse(imsec_str s, sip_pani *p);

/* ---- Expires, Content-Length, Max-Forwards: use imsec_str_to_u32 ---- */

/* ---- Content-Type (media type and params) ---- */
typedef struct {
    imsec_str type, subtype, params;
} sip_ctype;
IMSEC_NODISCARD int sip_ctype_parse(imsec_str s, sip_ctype *c);
bool sip_ctype_is(const sip_ctype *c, const char *type, const char *subtype);

#endif
