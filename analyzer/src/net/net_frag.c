/* net_frag: IP fragment reassembly; see net_frag.h for bounds and policy. */
#include "net/net_frag.h"

#include <stdlib.h>
#include <string.h>

#include "base/siphash.h"

#define FRAG_KEYLEN 38       /* ver, proto, id[4], src[16], dst[16] */
#define FRAG_MAX_DGRAM 65535u
#define FRAG_BLOCKS ((FRAG_MAX_DGRAM + 8u) / 8u)
#define FRAG_NONE (-1)

typedef struct {
    uint8_t key[FRAG_KEYLEN];
    bool used, have_last, have_first;
    uint8_t proto;
    int32_t hnext;       /* bucket chain */
    int32_t prev, next;  /* age list, oldest first */
    uint32_t bucket;
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
    uint8_t hkey[16];
    uint32_t max_dgrams, max_bytes, timeout;
    uint64_t max_total, total;
    frag_ent *ents;
    int32_t *buckets;
    uint32_t nbuckets; /* power of two */
    int32_t free_head;
    int32_t old, young; /* age list ends */
    uint32_t used;
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

net_frag *net_frag_new(const net_limits *lim, const uint8_t hashkey[16], imsec_stats *st)
{
    net_frag *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->st = st;
    memcpy(f->hkey, hashkey, 16);
    f->max_dgrams = lim->frag_max_datagrams ? lim->frag_max_datagrams : 1;
    f->max_bytes = lim->frag_max_bytes < FRAG_MAX_DGRAM ? lim->frag_max_bytes : FRAG_MAX_DGRAM;
    f->max_total = lim->frag_max_total;
    f->timeout = lim->frag_timeout_s;
    f->nbuckets = 16;
    while (f->nbuckets < f->max_dgrams * 2u && f->nbuckets < (1u << 30))
        f->nbuckets <<= 1;
    f->ents = calloc(f->max_dgrams, sizeof *f->ents);
    f->buckets = malloc(f->nbuckets * sizeof *f->buckets);
    if (!f->ents || !f->buckets) {
        net_frag_free(f);
        return NULL;
    }
    for (uint32_t i = 0; i < f->nbuckets; i++)
        f->buckets[i] = FRAG_NONE;
    for (uint32_t i = 0; i < f->max_dgrams; i++)
        f->ents[i].hnext = i + 1 < f->max_dgrams ? (int32_t)(i + 1) : FRAG_NONE;
    f->free_head = 0;
    f->old = f->young = FRAG_NONE;
    return f;
}

static void frag_release(net_frag *f, int32_t i)
{
    frag_ent *e = &f->ents[i];
    /* unlink from its bucket */
    int32_t *pp = &f->buckets[e->bucket];
    while (*pp != i)
        pp = &f->ents[*pp].hnext;
    *pp = e->hnext;
    /* unlink from the age list */
    if (e->prev != FRAG_NONE)
        f->ents[e->prev].next = e->next;
    else
        f->old = e->next;
    if (e->next != FRAG_NONE)
        f->ents[e->next].prev = e->prev;
    else
        f->young = e->prev;
    f->total -= e->cap;
    free(e->buf);
    memset(e, 0, sizeof *e);
    e->hnext = f->free_head;
    f->free_head = i;
    f->used--;
}

void net_frag_free(net_frag *f)
{
    if (!f)
        return;
    if (f->ents)
        for (uint32_t i = 0; i < f->max_dgrams; i++)
            free(f->ents[i].buf);
    free(f->ents);
    free(f->buckets);
    free(f->done);
    free(f);
}

void net_frag_expire(net_frag *f, imsec_ts now)
{
    while (f->old != FRAG_NONE) {
        const frag_ent *e = &f->ents[f->old];
        if (now.sec - e->first.sec <= (int64_t)f->timeout)
            break;
        f->st->frag_timeouts++;
        frag_release(f, f->old);
    }
}

void net_frag_flush(net_frag *f)
{
    while (f->old != FRAG_NONE) {
        f->st->frag_timeouts++;
        frag_release(f, f->old);
    }
}

uint32_t net_frag_pending(const net_frag *f) { return f->used; }

static int32_t frag_find_or_make(net_frag *f, const uint8_t key[FRAG_KEYLEN], imsec_ts now)
{
    uint64_t h = siphash_24(f->hkey, key, FRAG_KEYLEN);
    uint32_t b = (uint32_t)h & (f->nbuckets - 1);
    for (int32_t i = f->buckets[b]; i != FRAG_NONE; i = f->ents[i].hnext)
        if (memcmp(f->ents[i].key, key, FRAG_KEYLEN) == 0)
            return i;
    if (f->free_head == FRAG_NONE) {
        f->st->ev_fragments++;
        frag_release(f, f->old);
    }
    int32_t i = f->free_head;
    frag_ent *e = &f->ents[i];
    f->free_head = e->hnext;
    memcpy(e->key, key, FRAG_KEYLEN);
    e->used = true;
    e->bucket = b;
    e->hnext = f->buckets[b];
    f->buckets[b] = i;
    e->first = now;
    e->prev = f->young;
    e->next = FRAG_NONE;
    if (f->young != FRAG_NONE)
        f->ents[f->young].next = i;
    else
        f->old = i;
    f->young = i;
    f->used++;
    return i;
}

/* Grow e's buffer to hold need bytes within the memory budget, evicting the
 * oldest other datagrams if needed. False: this datagram must be dropped. */
static bool frag_reserve(net_frag *f, int32_t i, uint32_t need)
{
    frag_ent *e = &f->ents[i];
    if (need <= e->cap)
        return true;
    uint32_t ncap = e->cap ? e->cap : 1024;
    while (ncap < need)
        ncap *= 2;
    if (ncap > f->max_bytes)
        ncap = f->max_bytes;
    uint64_t delta = ncap - e->cap;
    while (f->total + delta > f->max_total && f->old != FRAG_NONE && f->old != i) {
        f->st->ev_fragments++;
        frag_release(f, f->old);
    }
    if (f->total + delta > f->max_total) {
        /* The oldest is ourselves: walk past it for someone else to drop. */
        int32_t j = f->ents[i].next;
        while (f->total + delta > f->max_total && j != FRAG_NONE) {
            int32_t nx = f->ents[j].next;
            f->st->ev_fragments++;
            frag_release(f, j);
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
    int32_t i = frag_find_or_make(f, key, now);
    frag_ent *e = &f->ents[i];
    uint32_t end = off + len; /* off <= 65528 and len <= 65535: no overflow */

    if (end > FRAG_MAX_DGRAM || (more && (len % 8u) != 0) || (off % 8u) != 0 ||
        (more && len == 0)) {
        f->st->malformed_ip++; /* ping of death, or a hole that can never close */
        frag_release(f, i);
        return false;
    }
    if (end > f->max_bytes) {
        f->st->ev_fragments++;
        frag_release(f, i);
        return false;
    }
    if (!more) {
        if ((e->have_last && e->total != end) || e->max_end > end) {
            f->st->malformed_ip++;
            frag_release(f, i);
            return false;
        }
        e->have_last = true;
        e->total = end;
    } else if (e->have_last && end > e->total) {
        f->st->malformed_ip++;
        frag_release(f, i);
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
        if (!frag_reserve(f, i, end)) {
            f->st->ev_fragments++;
            frag_release(f, i);
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
    frag_release(f, i);
    return true;
}
