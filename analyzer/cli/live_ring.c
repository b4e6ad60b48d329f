#include "live_ring.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Record header; data follows, total size rounded up to 8. A header whose
 * size is WRAP means "the rest of the buffer is unused, continue at 0". */
typedef struct {
    uint32_t size, caplen, wirelen, usec;
    int64_t sec;
} rec_hdr;

#define WRAP UINT32_MAX
#define HDR ((uint64_t)sizeof(rec_hdr))

struct live_ring {
    uint8_t *buf;
    uint64_t cap;
    _Alignas(64) _Atomic uint64_t head; /* written by the producer */
    _Alignas(64) _Atomic uint64_t tail; /* written by the consumer */
    _Alignas(64) _Atomic uint64_t pushed, dropped;
};

live_ring *live_ring_new(size_t bytes)
{
    live_ring *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    uint64_t cap = bytes < ((size_t)1 << 20) ? (uint64_t)1 << 20 : (uint64_t)bytes;
    cap = (cap + 65535) & ~(uint64_t)65535;
    r->buf = malloc((size_t)cap);
    if (!r->buf) {
        free(r);
        return NULL;
    }
    r->cap = cap;
    return r;
}

void live_ring_free(live_ring *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r);
}

bool live_ring_push(live_ring *r, const imsec_ts *ts, uint32_t caplen, uint32_t wirelen,
                    const uint8_t *data)
{
    uint64_t need = (HDR + caplen + 7) & ~(uint64_t)7;
    uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    uint64_t off = head % r->cap, skip = 0;
    if (r->cap - off < need)
        skip = r->cap - off; /* never split a record across the end */
    if (need > r->cap / 2 || r->cap - (head - tail) < skip + need) {
        atomic_fetch_add_explicit(&r->dropped, 1, memory_order_relaxed);
        return false;
    }
    if (skip) {
        /* skip >= 8 (everything is 8-aligned), enough for the size word. */
        uint32_t w = WRAP;
        memcpy(r->buf + off, &w, sizeof w);
        head += skip;
        off = 0;
    }
    rec_hdr h = {.size = (uint32_t)need, .caplen = caplen, .wirelen = wirelen,
                 .usec = ts->usec, .sec = ts->sec};
    memcpy(r->buf + off, &h, sizeof h);
    memcpy(r->buf + off + HDR, data, caplen);
    atomic_store_explicit(&r->head, head + need, memory_order_release);
    atomic_fetch_add_explicit(&r->pushed, 1, memory_order_relaxed);
    return true;
}

bool live_ring_peek(live_ring *r, live_pkt *out)
{
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    for (;;) {
        if (tail == head)
            return false;
        uint64_t off = tail % r->cap;
        rec_hdr h;
        memcpy(&h.size, r->buf + off, sizeof h.size);
        if (h.size == WRAP) {
            tail += r->cap - off;
            atomic_store_explicit(&r->tail, tail, memory_order_release);
            continue;
        }
        memcpy(&h, r->buf + off, sizeof h);
        out->ts.sec = h.sec;
        out->ts.usec = h.usec;
        out->caplen = h.caplen;
        out->wirelen = h.wirelen;
        out->data = r->buf + off + HDR;
        return true;
    }
}

void live_ring_pop(live_ring *r)
{
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    uint32_t size;
    memcpy(&size, r->buf + tail % r->cap, sizeof size);
    atomic_store_explicit(&r->tail, tail + size, memory_order_release);
}

uint64_t live_ring_pushed(const live_ring *r)
{
    return atomic_load_explicit(&((live_ring *)r)->pushed, memory_order_relaxed);
}

uint64_t live_ring_dropped(const live_ring *r)
{
    return atomic_load_explicit(&((live_ring *)r)->dropped, memory_order_relaxed);
}

uint64_t live_ring_used(const live_ring *r)
{
    live_ring *m = (live_ring *)r;
    return atomic_load_explicit(&m->head, memory_order_relaxed) -
           atomic_load_explicit(&m->tail, memory_order_relaxed);
}
