/* state: what the network did, rebuilt from SIP messages — Call-IDs and
 * dialogs, registrations, sessions per terminal.
 *
 * st_on_sip() applies one parsed message and fills an st_msg event that the
 * detectors read (const). Every table is bounded; on overflow the least
 * recently used entry is evicted, its record emitted, and the eviction
 * counted. Idle entries expire on packet time, never the wall clock. */
#ifndef IMSEC_STATE_STATE_H
#define IMSEC_STATE_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "imsec/imsec.h"
#include "net/net.h"
#include "sip/sip_hdr.h"
#include "sip/sip_msg.h"
#include "sip/sip_view.h"
#include "state/call.h"
#include "state/ident.h"
#include "state/reg.h"
#include "state/secagree.h"
#include "state/term.h"
#include "state/xfer.h"

typedef struct {
    uint32_t max_calls, max_regs, max_terms;
    uint32_t call_idle_s;        /* an unanswered or confirmed Call-ID with no traffic */
    uint32_t call_linger_s;      /* after termination/failure, before the record is emitted */
} st_limits;

void st_limits_default(st_limits *l);

typedef struct st_state st_state;

/* One SIP message, as the detectors see it after the state was updated. */
typedef struct {
    const net_meta *m;
    const sip_msg *msg;           /* == sip_view_msg(v) */
    const sip_view *v;            /* the parsed view: read fields here, never re-parse */
    imsec_str call_id;
    uint32_t cseq;
    sip_method cseq_method;       /* the method a response answers */
    imsec_str from_tag, to_tag;
    char from_id[IDENT_MAX], to_id[IDENT_MAX];
    call_entry *call;             /* never NULL after st_on_sip returned true */
    reg_entry *reg;               /* registration concerned, or NULL */
    bool dialog_created;          /* this request created a dialog */
    bool session_started;         /* this 2xx confirmed an INVITE session */
    bool session_ended;
    term_entry *orig_term, *term_term; /* terminals of a session that started or ended */
    imsec_str auth_username;      /* requests: Authorization / Proxy-Authorization username */
    bool auth_is_proxy;           /* ...taken from Proxy-Authorization */
    bool has_auth;                /* requests: auth points at the parsed credentials */
    const sip_digest *auth;       /* the view's credentials (valid when has_auth) */
    sa_event sa;                  /* security agreement view of this message */
    bool reg_ok;                  /* a 2xx to REGISTER that (re)registered */
    bool reg_first_ok;            /* ...the first one of this registration */
    xf_event xf;                  /* transfers, identities, registration timeline (xfer.h) */
    int dir;                      /* bnd_dir of this hop, set by the engine after the boundary
                                   * observed the message (detectors read it, never recompute) */
} st_msg;

st_state *st_new(const st_limits *lim, const uint8_t hkey[16], imsec_stats *stats,
                 const imsec_callbacks *cb, const keys_set *keys);
void st_free(st_state *s);
/* Apply a message. Returns false if it lacks what state needs (no Call-ID,
 * no CSeq): counted as malformed by the caller. */
bool st_on_sip(st_state *s, const net_meta *m, const sip_view *v, st_msg *ev);
/* Expire idle entries up to packet time now. */
void st_tick(st_state *s, imsec_ts now);
/* Emit every remaining record, ordered by first frame. */
void st_finish(st_state *s);
/* Registration whose public identities include impu (canonical), or NULL. */
reg_entry *st_reg_by_impu(st_state *s, const char *impu);
reg_entry *st_reg_by_impi(st_state *s, const char *impi);
/* The Call-ID's entry, or NULL (no LRU touch: media packets do not keep a
 * dialog alive). */
call_entry *st_call_by_id(st_state *s, const char *id, size_t len);
/* ESP: attribute to an SA and open (see sa_open_esp). */
int st_open_esp(st_state *s, const net_meta *m, const uint8_t *pkt, uint32_t len, uint8_t *out,
                uint32_t cap, sa_esp_result *res);

#endif
