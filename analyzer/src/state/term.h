/* term: live sessions per terminal (a registration's private identity when
 * the public identity is known to belong to one, else the public identity
 * itself), for parallel-session accounting (detections.md SESS-/XFER-). */
#ifndef IMSEC_STATE_TERM_H
#define IMSEC_STATE_TERM_H

#include <stdbool.h>
#include <stdint.h>

#include "base/tbl.h"

/* Live sessions remembered as evidence per terminal: enough to cite every
 * session of a limit breach at the default limits (max 4 sessions, 2
 * transfers), small because some captures hold a terminal per dialog. */
#define TERM_MAX_TRACKED 6

typedef struct term_entry {
    tbl_node n;
    char *key;                          /* owned; may live in the same allocation */
    uint32_t alive;                     /* sessions alive now */
    uint32_t peak;
    /* creating frames of tracked live sessions: frames[0 .. ntracked). Most
     * terminals have one session at a time, so the first lives in frame1 and
     * an array of TERM_MAX_TRACKED is allocated for a second one. */
    uint64_t *frames;                   /* NULL, &frame1, or owned */
    uint64_t frame1;
    uint8_t ntracked;
    uint32_t det_flags;                 /* per-detector latches (e.g. limit reported) */
} term_entry;

void term_entry_free(term_entry *t);
void term_session_add(term_entry *t, uint64_t frame);
void term_session_del(term_entry *t, uint64_t frame);

#endif
