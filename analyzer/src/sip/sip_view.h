/* sip_view: the parsed view of one SIP message, built once and shared by
 * every module that reads it (issue 12: "one parse per message").
 *
 * sip_msg (sip_msg.h) tokenises the message into header slices; the view
 * adds the typed fields on top of it and memoises each on first use, as
 * Kamailio's `if (msg->from->parsed) return 0;` does: From/To with their
 * tags, CSeq, the Request-URI, the Via list, the name-addr lists (Contact,
 * Route, Record-Route, Path, Service-Route, P-Asserted-Identity, ...),
 * credentials and challenges, Privacy, Remote-Party-ID, Security-*,
 * Replaces/Target-Dialog, Content-Type and SDP. State, detectors and
 * outputs read fields through the accessors below instead of re-parsing
 * header text; before this, a message cost ~3 name-addr parses, ~3.5 URI
 * parses and up to six SDP parses.
 *
 * Logical constness: accessors take `const sip_view *` because reading a
 * field never changes the message. The memo cache behind the view is
 * filled on first use (the view is owned, never a const object, so this is
 * well defined). A view is used by one thread at a time: the engine's.
 *
 * Lifetime: slices point into the message buffer; the view is valid while
 * that buffer and its sip_msg are. sip_view_reset() is O(1): it forgets the
 * memo bits and does not touch the (large) field storage, so an engine can
 * keep one view and reset it per message.
 *
 * Lists keep the first SIP_VIEW_MAX_LIST elements of a kind across all
 * header lines of that kind (comma-separated elements included) and count
 * the rest in `dropped`: nothing is discarded silently. An element that does
 * not parse is counted in `malformed` and left out of the array. */
#ifndef IMSEC_SIP_VIEW_H
#define IMSEC_SIP_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "base/imsec_str.h"
#include "sip/sdp.h"
#include "sip/sip_hdr.h"
#include "sip/sip_msg.h"

#define SIP_VIEW_MAX_LIST 16
#define SIP_VIEW_MAX_VIA 32
#define SIP_VIEW_MAX_MECHS 8

/* Header kinds whose values are lists of name-addrs. */
typedef enum {
    SIP_VIEW_L_CONTACT = 0, SIP_VIEW_L_ROUTE, SIP_VIEW_L_RECORD_ROUTE, SIP_VIEW_L_PATH,
    SIP_VIEW_L_SERVICE_ROUTE, SIP_VIEW_L_PAI, SIP_VIEW_L_PPI, SIP_VIEW_L_PAU,
    SIP_VIEW_L_REFER_TO, SIP_VIEW_L_REFERRED_BY, SIP_VIEW_L_CALLED_PARTY,
    SIP_VIEW_L__COUNT
} sip_view_list;

typedef struct {
    const sip_naddr *a;   /* parsed elements, in header order */
    uint16_t n;
    uint16_t dropped;     /* elements past SIP_VIEW_MAX_LIST */
    uint16_t malformed;   /* elements that did not parse */
} sip_view_naddrs;

typedef struct {
    const sip_via *a;
    uint16_t n, dropped, malformed;
} sip_view_vias;

typedef struct {
    const sip_secmech *a;
    uint16_t n, dropped, malformed;
    bool present;         /* the header kind appears at all (even empty) */
} sip_view_mechs;

/* Security-Client, -Server, -Verify (RFC 3329 §2.2). */
typedef enum { SIP_VIEW_SEC_CLIENT = 0, SIP_VIEW_SEC_SERVER, SIP_VIEW_SEC_VERIFY,
               SIP_VIEW_SEC__COUNT } sip_view_sec;

typedef struct sip_view sip_view;

/* Storage for a view. Callers treat it as opaque and use the accessors. */
struct sip_view {
    const sip_msg *msg;
    uint32_t memo;                                /* fields computed (SIP_VIEW_M_* in sip_view.c) */
    uint32_t okb;                                 /* ...and found valid */
    sip_naddr from, to;
    uint32_t cseq;
    sip_method cseq_method;
    imsec_str cseq_method_str;
    sip_uri ruri;
    sip_digest cred, chal;
    bool cred_proxy, chal_proxy;
    uint32_t privacy;
    sip_rpid rpid;
    sip_replaces replaces, target_dialog;
    sip_ctype ctype;
    sdp_desc sdp;
    uint32_t expires;
    uint32_t list_memo;                           /* bit per sip_view_list */
    uint32_t first_memo, first_ok;                /* ...its first element alone */
    sip_view_naddrs lists[SIP_VIEW_L__COUNT];
    sip_naddr list_store[SIP_VIEW_L__COUNT][SIP_VIEW_MAX_LIST];
    uint32_t via_count;
    sip_via via_top;
    sip_view_vias vias;
    sip_via via_store[SIP_VIEW_MAX_VIA];
    uint32_t sec_memo;
    sip_view_mechs mechs[SIP_VIEW_SEC__COUNT];
    sip_secmech mech_store[SIP_VIEW_SEC__COUNT][SIP_VIEW_MAX_MECHS];
};

/* Point the view at a parsed message and forget every memoised field. */
void sip_view_reset(sip_view *v, const sip_msg *msg);
static inline const sip_msg *sip_view_msg(const sip_view *v) { return v->msg; }

/* From / To (RFC 3261 §20.20, §20.39): NULL when absent or malformed. */
const sip_naddr *sip_view_from(const sip_view *v);
const sip_naddr *sip_view_to(const sip_view *v);
/* Their tag parameters, or empty. */
imsec_str sip_view_from_tag(const sip_view *v);
imsec_str sip_view_to_tag(const sip_view *v);
/* CSeq: false when absent or malformed. method may be NULL. */
bool sip_view_cseq(const sip_view *v, uint32_t *seq, sip_method *method);
/* CSeq method as written (for methods sip_method does not name). */
imsec_str sip_view_cseq_method_str(const sip_view *v);
/* The method a request carries, or the one a response answers (CSeq). */
sip_method sip_view_method(const sip_view *v);
/* Request-URI of a request; NULL for responses or when malformed. */
const sip_uri *sip_view_ruri(const sip_view *v);
/* Credentials of a request: Authorization, else Proxy-Authorization
 * (*proxy tells which; may be NULL). NULL when none parses. */
const sip_digest *sip_view_credentials(const sip_view *v, bool *proxy);
/* Challenge of a response: WWW-Authenticate, else Proxy-Authenticate. */
const sip_digest *sip_view_challenge(const sip_view *v, bool *proxy);
/* SIP_PRIV_* bits of every Privacy header (RFC 3323 §4.2). */
uint32_t sip_view_privacy(const sip_view *v);
/* First Remote-Party-ID, or NULL. */
const sip_rpid *sip_view_rpid(const sip_view *v);
/* Replaces (RFC 3891) and Target-Dialog (RFC 4538), or NULL. */
const sip_replaces *sip_view_replaces(const sip_view *v);
const sip_replaces *sip_view_target_dialog(const sip_view *v);
/* Content-Type, or NULL when absent or malformed. */
const sip_ctype *sip_view_ctype(const sip_view *v);
/* The body as SDP when Content-Type is application/sdp and it parses. */
const sdp_desc *sip_view_sdp(const sip_view *v);
/* Expiry a REGISTER or its 2xx states: the first Contact's expires
 * parameter, else the Expires header (RFC 3261 §10.2.1.1). */
bool sip_view_expires(const sip_view *v, uint32_t *out);

/* Every Via entry, top first (RFC 3261 §20.42). */
sip_view_vias sip_view_via(const sip_view *v);
/* The topmost / bottom-most parsed Via, or NULL. */
const sip_via *sip_view_via_top(const sip_view *v);
const sip_via *sip_view_via_bottom(const sip_view *v);
/* Number of Via entries including dropped ones (malformed ones count too:
 * a stack would see them as hops). */
uint32_t sip_view_via_count(const sip_view *v);
/* Name-addr lists. */
sip_view_naddrs sip_view_list_get(const sip_view *v, sip_view_list l);
/* First element of a list, or NULL. */
const sip_naddr *sip_view_list_first(const sip_view *v, sip_view_list l);
/* Security-* mechanisms. */
sip_view_mechs sip_view_sec_mechs(const sip_view *v, sip_view_sec s);

#endif
