/* live_ring: a bounded single-producer single-consumer packet ring.
 *
 * One capture thread pushes, the engine thread pops. A full ring drops the
 * new packet and counts it: capture never waits for analysis, so a slow
 * sink or a burst of expensive messages costs packets we can count rather
 * than kernel drops we only learn about later, and memory stays bounded.
 *
 * Records are variable-length and 8-byte aligned in one byte buffer; the
 * positions are free-running 64-bit counters published with
 * release/acquire atomics (no locks on the packet path). */
#ifndef IMSEC_CLI_LIVE_RING_H
#define IMSEC_CLI_LIVE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imsec/imsec.h"

typedef struct live_ring live_ring;

typedef struct {
    imsec_ts ts;
    uint32_t caplen, wirelen;
    const uint8_t *data; /* valid until live_ring_pop */
} live_pkt;

/* bytes: capacity (rounded up to 64 KiB, at least 1 MiB). NULL on no memory. */
live_ring *live_ring_new(size_t bytes);
void live_ring_free(live_ring *r);
/* Producer. false: ring full, packet dropped and counted. */
bool live_ring_push(live_ring *r, const imsec_ts *ts, uint32_t caplen, uint32_t wirelen,
                    const uint8_t *data);
/* Consumer: the oldest packet, or false if empty. */
bool live_ring_peek(live_ring *r, live_pkt *out);
void live_ring_pop(live_ring *r);
/* Counters (any thread). */
uint64_t live_ring_pushed(const live_ring *r);
uint64_t live_ring_dropped(const live_ring *r);
/* Bytes currently queued (any thread; approximate). */
uint64_t live_ring_used(const live_ring *r);

#endif
