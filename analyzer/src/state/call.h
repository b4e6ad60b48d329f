/* call: one entry per Call-ID, the unit sngrep and tshark group messages by.
 *
 * A Call-ID becomes a *dialog* when a dialog-creating request (INVITE,
 * SUBSCRIBE, or REFER outside a dialog, i.e. without To tag) is seen for it
 * (RFC 3261 §12; interface.md counts dialogs this way), a *registration*
 * Call-ID when it carries REGISTER, and otherwise stays a plain transaction
 * holder (OPTIONS, MESSAGE, out-of-dialog NOTIFY). */
#ifndef IMSEC_STATE_CALL_H
#define IMSEC_STATE_CALL_H

#include <stdbool.h>
#include <stdint.h>

#include "imsec/imsec.h"
#include "sip/sip_msg.h"
#include "base/tbl.h"

typedef enum { CALL_TXN = 0, CALL_DIALOG, CALL_REG } call_kind;
typedef enum {
    CALL_ST_TRYING = 0, /* request seen, no response that creates a dialog */
    CALL_ST_EARLY,      /* 1xx with To tag */
    CALL_ST_CONFIRMED,  /* 2xx to INVITE (or SUBSCRIBE/REFER) */
    CALL_ST_TERMINATED, /* BYE, or 2xx to CANCEL/final failure after confirm */
    CALL_ST_FAILED,     /* final non-2xx to the creating request */
    CALL_ST_CHALLENGED, /* 401/407 to the creating request: the UA may retry with
                         * credentials on the same Call-ID (RFC 3261 §22.2) */
} call_state;

const char *call_state_str(call_state s);

#define CALL_MAX_ID 512 /* longer Call-IDs are truncated for the key and counted */

typedef struct call_entry {
    tbl_node n;
    char *call_id;            /* owned, key */
    call_kind kind;
    call_state st;
    sip_method method;        /* creating (or first) request method */
    uint32_t msgs;
    uint64_t first_frame, last_frame, invite_frame;
    imsec_ts start, end;
    uint32_t create_cseq;
    uint16_t final_status;
    bool protected_any;
    bool challenged;          /* a request other than REGISTER got 401/407 (RFC 3261 §22.2) */
    bool session_alive;       /* counted in the terminals' session tables */
    char *from, *to;          /* canonical identities (owned) */
    char *orig_term, *term_term; /* terminal keys the session is counted under */
    char *impi;               /* registration this Call-ID belongs to (CALL_REG) */
    char caller_media[48], callee_media[48]; /* "addr:port"; an IPv6 literal and port fit in 46 */
    uint64_t media_pkts[2], media_bytes[2]; /* [0] toward the caller, [1] the callee (state/media) */
    uint32_t det_flags;       /* per-detector latches (one finding per Call-ID) */
} call_entry;

void call_entry_free(call_entry *c);
/* Fill a record for output (borrowed strings are copied). */
void call_to_dialog_rec(const call_entry *c, imsec_dialog_rec *r);
void call_to_txn_rec(const call_entry *c, imsec_txn_rec *r);

#endif
