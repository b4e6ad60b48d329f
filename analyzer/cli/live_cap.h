/* live_cap: one capture thread per interface for `imsec live`.
 *
 * Each thread polls its libpcap handle (imsec/capture.h) and pushes every
 * packet into its own live_ring; it never waits for analysis, so the
 * kernel buffer keeps draining and an overloaded engine costs counted ring
 * drops. Kernel counters are published once a second through atomics, so
 * the engine thread can read them without touching the handle. */
#ifndef IMSEC_CLI_LIVE_CAP_H
#define IMSEC_CLI_LIVE_CAP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "imsec/capture.h"
#include "live_ring.h"

typedef struct {
    imsec_live *cap;
    live_ring *ring;
    pthread_t th;
    bool started;
    atomic_bool stop;
    atomic_bool failed;
    /* kernel counters, published by the capture thread */
    _Atomic uint64_t k_recv, k_drop, k_ifdrop;
    char err[IMSEC_ERRBUF];
} live_cap;

/* Opens the interface and its ring (ring_bytes). false with a message on stderr. */
bool live_cap_open(live_cap *c, const imsec_live_opts *o, size_t ring_bytes);
/* Starts the thread; false if it could not be created. */
bool live_cap_start(live_cap *c);
/* Asks the thread to stop (it still reads what the kernel holds). */
void live_cap_request_stop(live_cap *c);
void live_cap_join(live_cap *c);
void live_cap_close(live_cap *c);

#endif
