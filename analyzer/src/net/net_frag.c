/* net_frag: IP fragment reassembly; see net_frag.h for bounds and policy. */
#include "net/net_frag.h"

#include <stdlib.h>
#include <string.h>

#include "base/tbl.h"

#define FRAG_KEYLEN 38       /* ver, proto, id[4], src[16], dst[16] */
#define FRAG_MAX_DGRAM 65535u
#define FRAG_BLOCKS ((FRAG_MAX_DGRAM + 8u) / 8u)

/* A datagram being reassembled; allocated with its first fragment and
 * freed when it completes or goes (a pool of frag_max_datagrams entries used
 * to be allocated at start, 4.7 MB at the default limits). Never touched
 * after insertion, so the table's LRU order is the age order. */
typedef struct {
    tbl_node n;
    uint8_t key[FRAG_KEYLEN];
    bool have_last, have_first;
    uint8_t proto;
    imsec_ts first;
    uint32_t total;      /* datagram length once the last fragment is seen */
    uint32_t max_end;    /* highest byte end received */
    uint32_t nblocks;    /* 8-byte blocks held */
    uint8_t *buf;
    uint32_t cap;
    uint8_t map[FRAG_BLOCKS / 8 + 1];
} frag_ent;

struct net_frag {
    imsec_stats *st;
    uint32_t max_bytes, timeout;
    uint64_t max_total, total;
    tbl ents;
    uint8_t *done;      /* last completed datagram, handed out by net_frag_add */
};

static void frag_pack(const net_frag_key *k, uint8_t out[FRAG_KEYLEN])
{
    memset(out, 0, FRAG_KEYLEN);
    out[0] = k->ver;
    out[1] = k->proto;
    out[2] = (uint8_t)(k->id >> 24);
    out[3] = (uint8_t)(k->id >> 16);
    out[4] = (uint8_t)(k->id >> 8);
    out[5] = (uint8_t)k->id;
    size_t n = k->ver == 6 ? 16 : 4;
    memcpy(out + 6, k->src.a, n);
    memcpy(out + 22, k->dst.a, n);
}

static void frag_evict(void *owner, tbl_node *n);

net_frag *net_frag_new(const net_limits *lim, const uint8_t hashkey[16], imsec_stats *st)
{
    net_frag *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->st = st;
    f->max_bytes = lim->frag_max_bytes < FRAG_MAX_DGRAM ? lim->frag_max_bytes : FRAG_MAX_DGRAM;
    f->max_total = lim->frag_max_total;
    f->timeout = lim->frag_timeout_s;
    tbl_init(&f->ents, lim->frag_max_datagrams, hashkey, frag_evict, f);
    return f;
}

/* Frees an entry that is already out of the table. */
static void frag_drop(net_frag *f, frag_ent *e)
{
    f->total -= e->cap;
    free(e->buf);
    free(e);
}

static void frag_release(net_frag *f, frag_ent *e)
{
    tbl_remove(&f->ents, &e->n);
    frag_drop(f, e);
}

/* The table is full (frag_max_datagrams): the oldest datagram goes. */
static void frag_evict(void *owner, tbl_node *n)
{
    net_frag *f = owner;
    f->st->ev_fragments++;
    frag_drop(f, TBL_ENTRY(n, frag_ent, n));
}

static frag_ent *frag_oldest(const net_frag *f)
{
    tbl_node *n = tbl_oldest(&f->ents);
    return n ? TBL_ENTRY(n, frag_ent, n) : NULL;
}

void net_frag_free(net_frag *f)
{
    if (!f)
        return;
    tbl_node *n;
    while ((n = tbl_pop_oldest(&f->ents)))
        frag_drop(f, TBL_ENTRY(n, frag_ent, n));
    tbl_fini(&f->ents);
    free(f->done);
    free(f);
}

void net_frag_expire(net_frag *f, imsec_ts now)
{
    frag_ent *e;
    while ((e = frag_oldest(f))) {
        if (now.sec - e->first.sec <= (int64_t)f->timeout)
            break;
        f->st->frag_timeouts++;
        frag_release(f, e);
    }
}

void net_frag_flush(net_frag *f)
{
    frag_ent *e;
    while ((e = frag_oldest(f))) {
        f->st->frag_timeouts++;
        frag_release(f, e);
    }
}

uint32_t net_frag_pending(const net_frag *f) { return f->ents.count; }

/* NULL only when a new entry cannot be allocated. */
static frag_ent *frag_find_or_make(net_frag *f, const uint8_t key[FRAG_KEYLEN], imsec_ts now)
{
    bool created;
    frag_ent *e = tbl_get_or_add(&f->ents, key, FRAG_KEYLEN, sizeof *e, offsetof(frag_ent, key),
                                 &created);
    if (e && created)
        e->first = now;
    return e;
}

/* Grow e's buffer to hold need bytes within the memory budget, evicting the
 * oldest other datagrams if needed. False: this datagram must be dropped. */
static bool frag_reserve(net_frag *f, frag_ent *e, uint32_t need)
{
    if (need <= e->cap)
        return true;
    uint32_t ncap = e->cap ? e->cap : 1024;
    while (ncap < need)
        ncap *= 2;
    if (ncap > f->max_bytes)
        ncap = f->max_bytes;
    uint64_t delta = ncap - e->cap;
    frag_ent *o;
    while (f->total + delta > f->max_total && (o = frag_oldest(f)) && o != e) {
        f->st->ev_fragments++;
        frag_release(f, o);
    }
    if (f->total + delta > f->max_total) {
        /* The oldest is ourselves: walk past it for someone else to drop. */
        tbl_node *j = tbl_newer(&f->ents, &e->n);
        while (f->total + delta > f->max_total && j) {
            tbl_node *nx = tbl_newer(&f->ents, j);
            f->st->ev_fragments++;
            frag_release(f, TBL_ENTRY(j, frag_ent, n));
            j = nx;
        }
        if (f->total + delta > f->max_total)
            return false;
    }
    uint8_t *nb = realloc(e->buf, ncap);
    if (!nb)
        return false;
    e->buf = nb;
    e->cap = ncap;
    f->total += delta;
    return true;
}

static bool frag_bit(const frag_ent *e, uint32_t b)
{
    return (((unsigned)e->map[b >> 3] >> (b & 7u)) & 1u) != 0;
}

bool net_frag_add(net_frag *f, const net_frag_key *k, imsec_ts now, uint32_t off, bool more,
                  uint8_t proto, const uint8_t *p, uint32_t len, const uint8_t **out,
                  uint32_t *outlen, uint8_t *proto_out)
{
    *out = NULL;
    *outlen = 0;
    *proto_out = 0;
    net_frag_expire(f, now);

    uint8_t key[FRAG_KEYLEN];
    frag_pack(k, key);
    frag_ent *e = frag_find_or_make(f, key, now);
    if (!e)
        return false;
    uint32_t end = off + len; /* off <= 65528 and len <= 65535: no overflow */

    if (end > FRAG_MAX_DGRAM || (more && (len % 8u) != 0) || (off % 8u) != 0 ||
        (more && len == 0)) {
        f->st->malformed_ip++; /* ping of death, or a hole that can never close */
        frag_release(f, e);
        return false;
    }
    if (end > f->max_bytes) {
        f->st->ev_fragments++;
        frag_release(f, e);
        return false;
    }
    if (!more) {
        if ((e->have_last && e->total != end) || e->max_end > end) {
            f->st->malformed_ip++;
            frag_release(f, e);
            return false;
        }
        e->have_last = true;
        e->total = end;
    } else if (e->have_last && end > e->total) {
        f->st->malformed_ip++;
        frag_release(f, e);
        return false;
    }
    if (end > e->max_end)
        e->max_end = end;
    if (off == 0) {
        if (!e->have_first)
            e->proto = proto;
        e->have_first = true;
    }
    if (len > 0) {
        if (!frag_reserve(f, e, end)) {
            f->st->ev_fragments++;
            frag_release(f, e);
            return false;
        }
        bool overlap = false;
        for (uint32_t b = off / 8u; b * 8u < end; b++) {
            if (frag_bit(e, b)) {
                overlap = true; /* first-wins: keep what we hold */
                continue;
            }
            uint32_t bs = b * 8u, be = bs + 8u < end ? bs + 8u : end;
            memcpy(e->buf + bs, p + (bs - off), be - bs);
            e->map[b >> 3] = (uint8_t)(e->map[b >> 3] | (1u << (b & 7)));
            e->nblocks++;
        }
        if (overlap)
            f->st->frag_overlaps++;
    }
    if (!e->have_last || !e->have_first || e->nblocks != (e->total + 7u) / 8u)
        return false;

    /* Complete: move the buffer out so the slot can be reused at once. */
    free(f->done);
    f->done = e->buf;
    *out = e->buf ? e->buf : (const uint8_t *)"";
    *outlen = e->total;
    *proto_out = e->proto;
    e->buf = NULL;
    f->total -= e->cap;
    e->cap = 0;
    frag_release(f, e);
    return true;
}
