/* media: media flows correlated with the SDP endpoints of dialogs.
 *
 * Every SDP offer/answer (RFC 3264) seen in SIP registers its m= endpoints
 * (effective c= address and port) under the Call-ID, on the caller side
 * (SDP in a request) or the callee side (SDP in a response). Non-SIP UDP
 * datagrams are matched by destination address and port (the RTP port, or
 * the next port for RTCP, RFC 3550 §11) and counted on the call entry
 * (packets/bytes toward each side, shown by `imsec dialogs`).
 *
 * For MEDIA-BYPASS it remembers, per endpoint, the first packet that flows
 * straight between the two sides' addresses with no declared media anchor
 * on either end, and packets that arrive after the dialog ended.
 *
 * Endpoints live in a base/tbl keyed by (address, port), so a datagram is
 * matched, or dismissed as outside every known flow, with one or two
 * lookups however many dialogs are up. Each endpoint is also on its
 * Call-ID's list (the other side's addresses, ending a dialog), and on an
 * array in creation order, the order the end-of-input detector reads them
 * in. Bounded by MEDIA_MAX_ENDPOINTS (a memory bound, ~130 B each): when
 * full the oldest endpoint goes, counted in media_dropped. */
#ifndef IMSEC_STATE_MEDIA_H
#define IMSEC_STATE_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/tbl.h"
#include "imsec/imsec.h"
#include "net/net.h"
#include "state/boundary.h"
#include "state/state.h"

#ifndef MEDIA_MAX_ENDPOINTS /* overridable to test eviction */
#define MEDIA_MAX_ENDPOINTS (1u << 20)
#endif

typedef struct media_call media_call;

/* What MEDIA-BYPASS reports; allocated with the first such packet, since
 * almost no endpoint ever has one (keeps an endpoint at 104 bytes). */
typedef struct {
    /* first packet straight from the other side's address (no anchor) */
    uint64_t direct_frame;
    imsec_ts direct_ts;
    imsec_tuple direct_tuple;
    /* packets after the dialog ended: first and last */
    uint64_t late_first_frame, late_last_frame;
    imsec_ts late_first_ts, late_last_ts;
    imsec_tuple late_tuple;
} media_ev;

typedef struct media_ep {
    tbl_node n;                   /* key: key[] */
    uint8_t key[19];              /* family, address (v4 in 4 bytes, rest 0), port (BE) */
    uint8_t side;                 /* 0: caller (SDP in a request), 1: callee */
    bool ended;                   /* the dialog ended (BYE/failure) */
    media_call *call;             /* Call-ID: media_ep_call_id() */
    struct media_ep *call_next;   /* next endpoint of the same Call-ID */
    uint64_t sdp_frame;
    int64_t end_sec;              /* packet time the dialog ended (seconds) */
    uint64_t pkts;
    media_ev *ev;                 /* NULL until a direct or late packet */
} media_ep;

typedef struct media_tbl media_tbl;

/* hkey: the engine's table key (SDP addresses and ports are chosen by the sender). */
media_tbl *media_new(const bnd_ctx *bnd, const uint8_t hkey[16]);
void media_free(media_tbl *t);
/* SDP of one SIP message (after st_on_sip). */
void media_on_sip(media_tbl *t, const st_msg *ev);
/* One non-SIP UDP datagram; len is the UDP payload length. */
void media_on_packet(media_tbl *t, st_state *st, const net_meta *m, uint32_t len);
size_t media_count(const media_tbl *t);
const char *media_ep_call_id(const media_ep *e);
const media_ep *media_at(const media_tbl *t, size_t i);
uint64_t media_dropped(const media_tbl *t);

#endif
