/* hide_state: what the HIDE-* detectors remember across messages — the
 * distinct home CSCF identities seen outside the boundary (first frame of
 * each), in first-seen order. Bounded by HIDE_STATE_MAX. */
#ifndef IMSEC_DETECT_HIDE_STATE_H
#define IMSEC_DETECT_HIDE_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "base/imsec_str.h"
#include "imsec/imsec.h"

#define HIDE_STATE_MAX 64
#define HIDE_STATE_NAME 96

typedef struct hide_state hide_state;

hide_state *hide_state_new(void);
void hide_state_free(hide_state *h);
/* Adds a host (case-insensitive, first frame kept); beyond the cap: ignored. */
void hide_state_cscf_add(hide_state *h, imsec_str host, uint64_t frame, imsec_ts ts);
size_t hide_state_cscf_count(const hide_state *h);
const char *hide_state_cscf_at(const hide_state *h, size_t i, uint64_t *frame, imsec_ts *ts);

#endif
