#include "live_cap.h"

#include <stdio.h>
#include <time.h>

bool live_cap_open(live_cap *c, const imsec_live_opts *o, size_t ring_bytes)
{
    char err[IMSEC_ERRBUF] = "";
    c->cap = imsec_live_open(o, err);
    if (!c->cap) {
        fprintf(stderr, "imsec live: %s\n", err);
        return false;
    }
    c->ring = live_ring_new(ring_bytes);
    if (!c->ring) {
        fprintf(stderr, "imsec live: %s: ring: out of memory\n", o->iface);
        return false;
    }
    return true;
}

static void on_cap_pkt(void *ud, const imsec_ts *ts, uint32_t caplen, uint32_t wirelen,
                       const uint8_t *data)
{
    live_cap *c = ud;
    (void)live_ring_push(c->ring, ts, caplen, wirelen, data); /* a drop is counted by the ring */
}

static void publish_kstats(live_cap *c)
{
    imsec_live_counters kc;
    imsec_live_stats(c->cap, &kc);
    atomic_store(&c->k_recv, kc.received);
    atomic_store(&c->k_drop, kc.dropped);
    atomic_store(&c->k_ifdrop, kc.if_dropped);
}

static void *capture_main(void *arg)
{
    live_cap *c = arg;
    struct timespec last, now;
    clock_gettime(CLOCK_MONOTONIC, &last);
    while (!atomic_load(&c->stop)) {
        int n = imsec_live_poll(c->cap, 100, 4096, on_cap_pkt, c, c->err);
        if (n < 0) {
            atomic_store(&c->failed, true);
            break;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec != last.tv_sec) {
            publish_kstats(c);
            last = now;
        }
    }
    /* Packets already in the kernel buffer when stop came are still read,
     * including the partly filled block the kernel hands over only when
     * its timeout expires. */
    for (int i = 0; i < 64 && !atomic_load(&c->failed); i++)
        if (imsec_live_poll(c->cap, 2 * IMSEC_LIVE_BLOCK_MS, 4096, on_cap_pkt, c, c->err) <= 0)
            break;
    publish_kstats(c);
    return NULL;
}

bool live_cap_start(live_cap *c)
{
    c->started = pthread_create(&c->th, NULL, capture_main, c) == 0;
    return c->started;
}

void live_cap_request_stop(live_cap *c) { atomic_store(&c->stop, true); }

void live_cap_join(live_cap *c)
{
    if (c->started)
        pthread_join(c->th, NULL);
    c->started = false;
}

void live_cap_close(live_cap *c)
{
    if (c->cap)
        imsec_live_close(c->cap);
    live_ring_free(c->ring);
    c->cap = NULL;
    c->ring = NULL;
}
