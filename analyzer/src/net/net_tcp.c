/* net_tcp: TCP stream reassembly; see net_tcp.h for the contract and bounds.
 *
 * Sequence numbers are compared relative to the direction's next expected
 * byte (RFC 9293 §3.4 modular arithmetic): every byte held out of order lies
 * in [next_seq, next_seq + 2^31), so (seq - next_seq) as uint32 orders them. */
#include "net/net_tcp.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/tbl.h"

#define TCP_KEYLEN 37 /* family, addr A[16], port A[2], addr B[16], port B[2] */

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

/* Flows are allocated when their first segment arrives and freed when they
 * end: a capture with no TCP costs nothing (a pool of max_flows flows used
 * to be allocated at start, 23 MB at the default limits). */
typedef struct {
    tbl_node n; /* key = key[], LRU = least recently seen first */
    uint8_t key[TCP_KEYLEN];
    bool tls_counted;
    int64_t last_sec;
    tcp_dir dir[2];
} tcp_flow;

struct net_tcp {
    imsec_stats *st;
    net_sink sink;
    uint32_t max_flow_bytes, timeout;
    uint64_t max_total, total, overlaps;
    tbl flows;
};

static void flow_evict(void *owner, tbl_node *n);

net_tcp *net_tcp_new(const net_limits *lim, const uint8_t hashkey[16], imsec_stats *st,
                     const net_sink *sink)
{
    net_tcp *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->st = st;
    t->sink = *sink;
    t->max_flow_bytes = lim->tcp_max_flow_bytes ? lim->tcp_max_flow_bytes : 1;
    t->max_total = lim->tcp_max_total;
    t->timeout = lim->tcp_timeout_s;
    tbl_init(&t->flows, lim->tcp_max_flows, hashkey, flow_evict, t);
    return t;
}

uint64_t net_tcp_overlaps(const net_tcp *t) { return t->overlaps; }
uint32_t net_tcp_flows(const net_tcp *t) { return t->flows.count; }

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

/* Deliver what the flow holds (NET_F_FIN), then free it; the flow is
 * already out of the table. */
static void flow_close(net_tcp *t, tcp_flow *f)
{
    dir_close(t, f, &f->dir[0]);
    dir_close(t, f, &f->dir[1]);
    free(f);
}

static void flow_end(net_tcp *t, tcp_flow *f)
{
    tbl_remove(&t->flows, &f->n);
    flow_close(t, f);
}

/* The table is full (tcp_max_flows): the least recently seen flow goes. */
static void flow_evict(void *owner, tbl_node *n)
{
    net_tcp *t = owner;
    t->st->ev_tcp_flows++;
    flow_close(t, TBL_ENTRY(n, tcp_flow, n));
}

static tcp_flow *flow_oldest(const net_tcp *t)
{
    tbl_node *n = tbl_oldest(&t->flows);
    return n ? TBL_ENTRY(n, tcp_flow, n) : NULL;
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

/* NULL only when a new flow cannot be allocated (the segment is dropped). */
static tcp_flow *flow_get(net_tcp *t, const uint8_t key[TCP_KEYLEN])
{
    bool created;
    return tbl_get_or_add(&t->flows, key, TCP_KEYLEN, sizeof(tcp_flow), offsetof(tcp_flow, key),
                          &created);
}

static void tcp_expire(net_tcp *t, int64_t now)
{
    tcp_flow *f;
    while ((f = flow_oldest(t)) && now - f->last_sec > (int64_t)t->timeout)
        flow_end(t, f);
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
    tcp_flow *f = flow_get(t, key);
    if (!f)
        return;
    tcp_dir *d = &f->dir[di];
    if ((flags & NET_TCP_SYN) && d->closed) {
        /* A new connection reusing the ports (RFC 9293 §3.6.1 TIME-WAIT). */
        flow_end(t, f);
        f = flow_get(t, key);
        if (!f)
            return;
        d = &f->dir[di];
    }
    f->last_sec = now;
    tbl_touch(&t->flows, &f->n);
    d->last = *m;
    d->last.flags &= ~(uint32_t)(NET_F_GAP | NET_F_FIN);

    if (flags & NET_TCP_RST) {
        /* RST aborts both directions (RFC 9293 §3.10.7.4). */
        f->dir[di ^ 1].last.frame = m->frame;
        f->dir[di ^ 1].last.ts = m->ts;
        flow_end(t, f);
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
        tcp_flow *o;
        while (t->total > t->max_total && (o = flow_oldest(t)) && o != f) {
            t->st->ev_tcp_flows++;
            flow_end(t, o);
        }
    }
    if (d->fin_seen && !d->closed &&
        (d->tls || ((int32_t)(d->fin_seq - d->next_seq) <= 0 && !d->ooo)))
        dir_close(t, f, d);
    if (f->dir[0].closed && f->dir[1].closed)
        flow_end(t, f);
}

void net_tcp_flush(net_tcp *t)
{
    tcp_flow *f;
    while ((f = flow_oldest(t)))
        flow_end(t, f);
}

void net_tcp_free(net_tcp *t)
{
    if (!t)
        return;
    tbl_node *n;
    while ((n = tbl_pop_oldest(&t->flows))) {
        tcp_flow *f = TBL_ENTRY(n, tcp_flow, n);
        dir_free(t, &f->dir[0]);
        dir_free(t, &f->dir[1]);
        free(f);
    }
    tbl_fini(&t->flows);
    free(t);
}
