/* attack_state: what the SIP-* attack detectors (detect/attack.c) remember
 * across messages, per source address: rejected users (a sweep), requests
 * that carried credentials and the failures answering them (password
 * guessing), whether the source ever authenticated or registered, and
 * challenged INVITEs toward international numbers that were never re-sent
 * with credentials (toll-fraud probes), and INVITEs cancelled before the
 * callee rang (ghost calls).
 *
 * The source of a request is its packet source; of a response, its packet
 * destination (the response goes back to the client, RFC 3261 §18.2.2).
 * Refused usernames are kept the same way, across sources. The tables are
 * bounded (ATK_MAX_SRC sources, ATK_MAX_USER usernames, fixed rings inside
 * each): the least recently seen entry is forgotten when a new one arrives,
 * and the number forgotten is counted so findings can say their counts may
 * be low. */
#ifndef IMSEC_DETECT_ATTACK_STATE_H
#define IMSEC_DETECT_ATTACK_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "imsec/imsec.h"
#include "state/state.h"
#include "base/tbl.h"

#define ATK_MAX_SRC 256
#define ATK_MAX_USER 256 /* usernames whose credentials were refused */
#define ATK_RING 64      /* rejected users / auth failures kept per source */
#define ATK_CRED 16      /* credentialed requests awaiting their answer */
#define ATK_PEND 8       /* challenged INVITEs awaiting a credentialed retry */
#define ATK_NAME 64
#define ATK_INV 16       /* recent INVITEs, to tell a CANCEL before ringing */

typedef struct {
    uint64_t key;        /* hash of the user (sweep) or of the username (failures) */
    imsec_ts ts;
    uint64_t frame;
} atk_mark;

typedef struct {
    uint64_t cid;        /* hash of the Call-ID (an authenticated retry keeps it) */
    uint64_t txn;        /* client transaction (its answer matches it) */
    uint64_t frame, resp_frame;
    imsec_ts ts, resp_ts;
    imsec_tuple resp_tuple;   /* of the answer: the finding's time and tuple at the end */
    uint16_t status;
    char number[ATK_NAME];
    char call_id[ATK_NAME];
} atk_pending;

typedef struct {
    uint64_t cid, callee;     /* hashes of the Call-ID and of the Request-URI user@host */
    uint64_t frame;
    bool rang;                /* a 180/183 or a final answer came back */
} atk_invite;

typedef struct {
    tbl_node n;               /* index by address (key: family + 16 bytes) */
    uint8_t key[17];
    imsec_addr addr;
    bool used;
    bool known;               /* got a 2xx to REGISTER or to a credentialed request */
    uint32_t latch;           /* rule bits already reported for this source */
    atk_mark rej[ATK_RING];   /* rejected out-of-dialog requests, by user */
    uint32_t nrej, rej_next;
    atk_mark cred[ATK_CRED];  /* key: the client transaction */
    uint64_t cred_user[ATK_CRED];
    uint32_t cred_next;
    atk_mark fail[ATK_RING];  /* failures answering credentialed requests */
    uint32_t nfail, fail_next;
    char last_user[ATK_NAME]; /* the last username that failed */
    atk_pending pend[ATK_PEND];
    uint32_t npend;
    atk_invite inv[ATK_INV];  /* ring */
    uint32_t inv_next;
    atk_mark ghost[ATK_RING]; /* CANCELs before ringing; key: callee */
    uint32_t nghost, ghost_next;
    char ghost_callee[ATK_NAME]; /* the callee of the last one */
} atk_src;

/* Refusals of one username's credentials, from any source (distributed
 * guessing: each source stays under the per-source limit). */
typedef struct {
    uint64_t key;             /* hash of the digest username */
    bool used;
    uint64_t seen;
    uint32_t latch;
    atk_mark fail[ATK_RING];  /* key: hash of the source address */
    uint32_t nfail, fail_next;
    char name[ATK_NAME];      /* the To user of the last refusal */
} atk_user;

/* What this message changed (filled by atk_observe, read by detectors). */
typedef struct {
    atk_src *src;             /* the client side of this transaction, never NULL after observe */
    bool rejected_user;       /* a rejection (403/404/484/485/604) added a user to src->rej */
    bool auth_failed;         /* a failure answering a credentialed request was added */
    atk_user *user;           /* ...and to this username's record */
    atk_pending *pending;     /* a pending INVITE got its rejecting final answer */
    bool ghost;               /* a CANCEL before ringing was added to src->ghost */
    uint64_t ghost_key;       /* ...its callee */
} atk_event;

typedef struct atk_state atk_state;

atk_state *atk_state_new(void);
void atk_state_free(atk_state *a);
/* Apply one SIP message (before the detectors run). */
void atk_observe(atk_state *a, const st_msg *ev);
const atk_event *atk_last(const atk_state *a);
/* Sources and usernames forgotten because a table was full. */
uint64_t atk_evicted(const atk_state *a);
/* Sources, for the end-of-input pass (unused slots have used == false). */
atk_src *atk_src_at(atk_state *a, size_t i);

#endif
