/* net_tcp: TCP stream reassembly; see net_tcp.h for the contract and bounds.
 *
 * Sequence numbers are compared relative to the direction's next expected
 * byte (RFC 9293 §3.4 modular arithmetic): every byte held out of order lies
 * in [next_seq, next_seq + 2^31), so (seq - next_seq) as uint32 orders them. */
#include "net/net_tcp.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/siphash.h"

#define TCP_KEYLEN 37 /* family, addr A[16], port A[2], addr B[16], port B[2] */
#define TCP_NONE (-1)

typedef struct tcp_seg {
    struct tcp_seg *next;
    uint32_t seq, len;
    uint8_t data[];
} tcp_seg;

typedef struct {
    net_meta last; /* meta of this direction's latest segment */
    bool started, closed, fin_seen, tls_decided, tls, had_data, gap;
    uint32_t next_seq, fin_seq;
    uint8_t *buf;  /* unconsumed in-order bytes: buf[start .. start+len) */
    uint32_t start, len, cap;
    tcp_seg *ooo;  /* out of order, sorted, non-overlapping, all after next_seq */
    uint32_t ooo_bytes;
    int64_t ooo_since;
} tcp_dir;

typedef struct {
    uint8_t key[TCP_KEYLEN];
    bool used, tls_counted;
    int32_t hnext, prev, next; /* bucket chain; LRU list, least recent first */
    uint32_t bucket;
    int64_t last_sec;
    tcp_dir dir[2];
} tcp_flow;

struct net_tcp {
    imsec_stats *st;
    net_sink sink;
    uint8_t hkey[16];
    uint32_t max_flows, max_flow_bytes, timeout;
    uint64_t max_total, total, overlaps;
    tcp_flow *flows;
    int32_t *buckets;
    uint32_t nbuckets;
    int32_t free_head, lru_old, lru_new;
    uint32_t used;
};

net_tcp *net_tcp_new(const net_limits *lim, const uint8_t hashkey[16], imsec_stats *st,
                     const net_sink *sink)
{
    net_tcp *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->st = st;
    t->sink = *sink;
    memcpy(t->hkey, hashkey, 16);
    t->max_flows = lim->tcp_max_flows ? lim->tcp_max_flows : 1;
    t->max_flow_bytes = lim->tcp_max_flow_bytes ? lim->tcp_max_flow_bytes : 1;
    t->max_total = lim->tcp_max_total;
    t->timeout = lim->tcp_timeout_s;
    t->nbuckets = 16;
    while (t->nbuckets < t->max_flows * 2u && t->nbuckets < (1u << 30))
        t->nbuckets <<= 1;
    t->flows = calloc(t->max_flows, sizeof *t->flows);
    t->buckets = malloc(t->nbuckets * sizeof *t->buckets);
    if (!t->flows || !t->buckets) {
        free(t->flows);
        free(t->buckets);
        free(t);
        return NULL;
    }
    for (uint32_t i = 0; i < t->nbuckets; i++)
        t->buckets[i] = TCP_NONE;
    for (uint32_t i = 0; i < t->max_flows; i++)
        t->flows[i].hnext = i + 1 < t->max_flows ? (int32_t)(i + 1) : TCP_NONE;
    t->free_head = 0;
    t->lru_old = t->lru_new = TCP_NONE;
    return t;
}

uint64_t net_tcp_overlaps(const net_tcp *t) { return t->overlaps; }
uint32_t net_tcp_flows(const net_tcp *t) { return t->used; }

static uint32_t rel(const tcp_dir *d, uint32_t seq) { return seq - d->next_seq; }

static void dir_drop_ooo(net_tcp *t, tcp_dir *d)
{
    while (d->ooo) {
        tcp_seg *s = d->ooo;
        d->ooo = s->next;
        t->total -= s->len;
        free(s);
    }
    d->ooo_bytes = 0;
}

static void dir_free(net_tcp *t, tcp_dir *d)
{
    dir_drop_ooo(t, d);
    t->total -= d->cap;
    free(d->buf);
    d->buf = NULL;
    d->start = d->len = d->cap = 0;
}

/* Hand the held in-order bytes to the sink once; keep what it leaves. */
static void dir_offer(net_tcp *t, tcp_dir *d, uint32_t extra)
{
    if (!t->sink.on_tcp || (d->len == 0 && !(extra & NET_F_FIN)))
        return;
    net_meta m = d->last;
    m.flags |= extra | (d->gap ? NET_F_GAP : 0u);
    d->gap = false;
    d->had_data = true;
    uint32_t c = t->sink.on_tcp(t->sink.ud, &m, d->buf ? d->buf + d->start : (const uint8_t *)"",
                                d->len);
    if (c > d->len)
        c = d->len;
    d->start += c;
    d->len -= c;
    if (d->len == 0)
        d->start = 0;
    if (d->len > t->max_flow_bytes) {
        /* The consumer cannot frame this much: give up on it and resync. */
        t->st->tcp_resync++;
        d->gap = true;
        d->start = d->len = 0;
    }
}

/* Append to the held bytes. Compacts only when the dead prefix is at least
 * half of the buffer, so each byte moves O(1) times on average. */
static bool dir_push(net_tcp *t, tcp_dir *d, const uint8_t *p, uint32_t n)
{
    if (n == 0)
        return true;
    if ((uint64_t)d->len + n > t->max_flow_bytes && d->len > 0) {
        t->st->tcp_resync++;
        d->gap = true;
        d->start = d->len = 0;
    }
    if (d->start > 0 && (d->start >= d->cap / 2 || (uint64_t)d->start + d->len + n > d->cap)) {
        memmove(d->buf, d->buf + d->start, d->len);
        d->start = 0;
    }
    if ((uint64_t)d->start + d->len + n > d->cap) {
        uint64_t want = (uint64_t)d->len + n, ncap = d->cap ? d->cap : 512;
        while (ncap < want)
            ncap *= 2;
        if (ncap > UINT32_MAX)
            return false;
        uint8_t *nb = realloc(d->buf, (size_t)ncap);
        if (!nb)
            return false;
        t->total += ncap - d->cap;
        d->buf = nb;
        d->cap = (uint32_t)ncap;
    }
    memcpy(d->buf + d->start + d->len, p, n);
    d->len += n;
    return true;
}

/* Decide on the first in-order bytes whether the direction carries TLS.
 * 1: TLS, 0: not TLS, -1: too few bytes yet. */
static int dir_tls_check(const tcp_dir *d, const uint8_t *p, uint32_t n)
{
    uint8_t b[3];
    uint32_t k = 0;
    for (uint32_t i = 0; i < d->len && k < 3; i++)
        b[k++] = d->buf[d->start + i];
    for (uint32_t i = 0; i < n && k < 3; i++)
        b[k++] = p[i];
    if (k >= 1 && b[0] != 0x16)
        return 0;
    if (k >= 2 && b[1] != 0x03)
        return 0;
    if (k >= 3)
        return b[2] <= 0x04 ? 1 : 0;
    return -1;
}

/* New in-order bytes p/n (next_seq already moved past them). */
static void dir_data(net_tcp *t, tcp_flow *f, tcp_dir *d, const uint8_t *p, uint32_t n)
{
    if (d->tls || n == 0 || !t->sink.on_tcp)
        return;
    if (!d->tls_decided) {
        int r = dir_tls_check(d, p, n);
        if (r == 1) {
            d->tls = true;
            d->tls_decided = true;
            if (!f->tls_counted)
                t->st->tls++;
            f->tls_counted = true;
            dir_free(t, d);
            return;
        }
        if (r == -1) {
            (void)dir_push(t, d, p, n);
            return;
        }
        d->tls_decided = true;
    }
    if (d->len == 0) {
        /* Common case: offer straight from the packet, copy only the rest. */
        net_meta m = d->last;
        m.flags |= d->gap ? NET_F_GAP : 0u;
        d->gap = false;
        d->had_data = true;
        uint32_t c = t->sink.on_tcp(t->sink.ud, &m, p, n);
        if (c > n)
            c = n;
        if (n - c > t->max_flow_bytes) {
            t->st->tcp_resync++;
            d->gap = true;
            return;
        }
        (void)dir_push(t, d, p + c, n - c);
        return;
    }
    if (!dir_push(t, d, p, n))
        return;
    dir_offer(t, d, 0);
}

/* Move every out-of-order segment now contiguous into the stream. */
static void dir_pull(net_tcp *t, tcp_flow *f, tcp_dir *d)
{
    bool held = false;
    while (d->ooo && rel(d, d->ooo->seq) == 0) {
        tcp_seg *s = d->ooo;
        d->ooo = s->next;
        d->ooo_bytes -= s->len;
        t->total -= s->len;
        d->next_seq += s->len;
        /* Gather every contiguous piece, then offer once. */
        if (!d->tls_decided || d->tls || !t->sink.on_tcp)
            dir_data(t, f, d, s->data, s->len);
        else {
            if (held && (uint64_t)d->len + s->len > t->max_flow_bytes) {
                dir_offer(t, d, 0); /* let the consumer drain before the cap bites */
                held = false;
            }
            held |= dir_push(t, d, s->data, s->len);
        }
        free(s);
    }
    if (held)
        dir_offer(t, d, 0);
}

/* Give up on the hole before the first out-of-order segment. */
static void dir_skip_hole(net_tcp *t, tcp_flow *f, tcp_dir *d)
{
    if (!d->ooo)
        return;
    t->st->tcp_gaps++;
    d->gap = true;
    d->start = d->len = 0; /* a message cut by the hole cannot complete */
    d->next_seq = d->ooo->seq;
    dir_pull(t, f, d);
}

/* Insert [seq, seq+n) keeping bytes already held (first-wins). */
static void dir_insert(net_tcp *t, tcp_dir *d, uint32_t seq, const uint8_t *p, uint32_t n,
                       int64_t now)
{
    uint32_t s = rel(d, seq), e = s + n, s0 = s;
    bool overlap = false;
    tcp_seg **pp = &d->ooo;
    if (!d->ooo)
        d->ooo_since = now;
    while (s < e) {
        tcp_seg *cur = *pp;
        uint32_t cs = cur ? rel(d, cur->seq) : e, ce = cur ? cs + cur->len : e;
        if (cur && ce <= s) {
            pp = &cur->next;
            continue;
        }
        uint32_t piece_end = cs < e ? cs : e;
        if (s < piece_end) {
            uint32_t len = piece_end - s;
            tcp_seg *ns = malloc(sizeof *ns + len);
            if (!ns)
                return;
            ns->seq = d->next_seq + s;
            ns->len = len;
            memcpy(ns->data, p + (s - s0), len);
            ns->next = cur;
            *pp = ns;
            pp = &ns->next;
            d->ooo_bytes += len;
            t->total += len;
        }
        if (!cur)
            break;
        if (cs < e) {
            overlap = true;
            s = ce;
            pp = &cur->next;
        } else {
            break;
        }
    }
    if (overlap)
        t->overlaps++;
}

static void dir_close(net_tcp *t, tcp_flow *f, tcp_dir *d)
{
    if (d->closed)
        return;
    if (d->started && !d->tls) {
        while (d->ooo)
            dir_skip_hole(t, f, d);
        if (d->had_data || d->len > 0)
            dir_offer(t, d, NET_F_FIN);
    }
    dir_free(t, d);
    d->closed = true;
}

static void flow_unlink_lru(net_tcp *t, int32_t i)
{
    tcp_flow *f = &t->flows[i];
    if (f->prev != TCP_NONE)
        t->flows[f->prev].next = f->next;
    else
        t->lru_old = f->next;
    if (f->next != TCP_NONE)
        t->flows[f->next].prev = f->prev;
    else
        t->lru_new = f->prev;
    f->prev = f->next = TCP_NONE;
}

static void flow_link_new(net_tcp *t, int32_t i)
{
    tcp_flow *f = &t->flows[i];
    f->prev = t->lru_new;
    f->next = TCP_NONE;
    if (t->lru_new != TCP_NONE)
        t->flows[t->lru_new].next = i;
    else
        t->lru_old = i;
    t->lru_new = i;
}

/* Deliver what the flow holds (NET_F_FIN), then return it to the pool. */
static void flow_end(net_tcp *t, int32_t i)
{
    tcp_flow *f = &t->flows[i];
    dir_close(t, f, &f->dir[0]);
    dir_close(t, f, &f->dir[1]);
    int32_t *pp = &t->buckets[f->bucket];
    while (*pp != i)
        pp = &t->flows[*pp].hnext;
    *pp = f->hnext;
    flow_unlink_lru(t, i);
    memset(f, 0, sizeof *f);
    f->hnext = t->free_head;
    t->free_head = i;
    t->used--;
}

/* Canonical key: the lower (address, port) endpoint first, so both
 * directions find the same flow. *di is the sender's direction index. */
static void tcp_key(const imsec_tuple *tu, uint8_t key[TCP_KEYLEN], int *di)
{
    uint8_t a[18], b[18];
    memcpy(a, tu->src.a, 16);
    a[16] = (uint8_t)(tu->sport >> 8);
    a[17] = (uint8_t)tu->sport;
    memcpy(b, tu->dst.a, 16);
    b[16] = (uint8_t)(tu->dport >> 8);
    b[17] = (uint8_t)tu->dport;
    *di = memcmp(a, b, 18) <= 0 ? 0 : 1;
    key[0] = tu->src.family;
    memcpy(key + 1, *di ? b : a, 18);
    memcpy(key + 19, *di ? a : b, 18);
}

static int32_t flow_get(net_tcp *t, const uint8_t key[TCP_KEYLEN])
{
    uint64_t h = siphash_24(t->hkey, key, TCP_KEYLEN);
    uint32_t b = (uint32_t)h & (t->nbuckets - 1);
    for (int32_t i = t->buckets[b]; i != TCP_NONE; i = t->flows[i].hnext)
        if (memcmp(t->flows[i].key, key, TCP_KEYLEN) == 0)
            return i;
    if (t->free_head == TCP_NONE) {
        t->st->ev_tcp_flows++;
        flow_end(t, t->lru_old);
    }
    int32_t i = t->free_head;
    tcp_flow *f = &t->flows[i];
    t->free_head = f->hnext;
    memset(f, 0, sizeof *f);
    memcpy(f->key, key, TCP_KEYLEN);
    f->used = true;
    f->bucket = b;
    f->hnext = t->buckets[b];
    t->buckets[b] = i;
    f->prev = f->next = TCP_NONE;
    flow_link_new(t, i);
    t->used++;
    return i;
}

static void tcp_expire(net_tcp *t, int64_t now)
{
    while (t->lru_old != TCP_NONE && now - t->flows[t->lru_old].last_sec > (int64_t)t->timeout)
        flow_end(t, t->lru_old);
}

static void dir_bound(net_tcp *t, tcp_flow *f, tcp_dir *d, int64_t now)
{
    if (d->ooo && now - d->ooo_since > NET_TCP_HOLE_TIMEOUT_S) {
        dir_skip_hole(t, f, d);
        d->ooo_since = now;
    }
    while (d->ooo && (uint64_t)d->len + d->ooo_bytes > t->max_flow_bytes)
        dir_skip_hole(t, f, d);
}

void net_tcp_segment(net_tcp *t, const net_meta *m, uint32_t seq, uint8_t flags,
                     const uint8_t *p, uint32_t len)
{
    int64_t now = m->ts.sec;
    tcp_expire(t, now);
    uint8_t key[TCP_KEYLEN];
    int di;
    tcp_key(&m->t, key, &di);
    int32_t fi = flow_get(t, key);
    tcp_flow *f = &t->flows[fi];
    tcp_dir *d = &f->dir[di];
    if ((flags & NET_TCP_SYN) && d->closed) {
        /* A new connection reusing the ports (RFC 9293 §3.6.1 TIME-WAIT). */
        flow_end(t, fi);
        fi = flow_get(t, key);
        f = &t->flows[fi];
        d = &f->dir[di];
    }
    f->last_sec = now;
    flow_unlink_lru(t, fi);
    flow_link_new(t, fi);
    d->last = *m;
    d->last.flags &= ~(uint32_t)(NET_F_GAP | NET_F_FIN);

    if (flags & NET_TCP_RST) {
        /* RST aborts both directions (RFC 9293 §3.10.7.4). */
        f->dir[di ^ 1].last.frame = m->frame;
        f->dir[di ^ 1].last.ts = m->ts;
        flow_end(t, fi);
        return;
    }
    if (d->closed)
        return;
    uint32_t dseq = seq;
    if (flags & NET_TCP_SYN) {
        dseq = seq + 1; /* SYN occupies one sequence number (RFC 9293 §3.4) */
        if (!d->started) {
            d->started = true;
            d->next_seq = dseq;
        }
    } else if (!d->started) {
        d->started = true; /* mid-stream pickup */
        d->next_seq = seq;
    }
    if (flags & NET_TCP_FIN) {
        d->fin_seen = true;
        d->fin_seq = dseq + len;
    }
    if (len > 0 && !d->tls) {
        int32_t diff = (int32_t)(dseq - d->next_seq);
        if (diff < 0) {
            /* Retransmission of delivered bytes: the first copy won. */
            uint32_t old = (uint32_t)-(int64_t)diff;
            t->overlaps++;
            if (old >= len)
                len = 0;
            else {
                p += old;
                len -= old;
                dseq += old;
            }
        }
        if (len > 0) {
            if (!d->ooo && dseq == d->next_seq) {
                d->next_seq += len;
                dir_data(t, f, d, p, len);
            } else {
                dir_insert(t, d, dseq, p, len, now);
                dir_pull(t, f, d);
            }
        }
    }
    dir_bound(t, f, d, now);
    if (t->total > t->max_total) {
        while (t->total > t->max_total && t->lru_old != TCP_NONE && t->lru_old != fi) {
            t->st->ev_tcp_flows++;
            flow_end(t, t->lru_old);
        }
    }
    if (d->fin_seen && !d->closed &&
        (d->tls || ((int32_t)(d->fin_seq - d->next_seq) <= 0 && !d->ooo)))
        dir_close(t, f, d);
    if (f->dir[0].closed && f->dir[1].closed)
        flow_end(t, fi);
}

void net_tcp_flush(net_tcp *t)
{
    while (t->lru_old != TCP_NONE)
        flow_end(t, t->lru_old);
}

void net_tcp_free(net_tcp *t)
{
    if (!t)
        return;
    for (uint32_t i = 0; i < t->max_flows; i++)
        if (t->flows[i].used) {
            dir_free(t, &t->flows[i].dir[0]);
            dir_free(t, &t->flows[i].dir[1]);
        }
    free(t->flows);
    free(t->buckets);
    free(t);
}
