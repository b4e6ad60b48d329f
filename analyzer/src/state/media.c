#include "state/media.h"

#include <stdlib.h>
#include <string.h>

#include "sip/sdp.h"
#include "sip/sip_hdr.h"

/* The endpoints one Call-ID's SDP announced. */
struct media_call {
    tbl_node n; /* key: call_id */
    media_ep *head;
    char call_id[]; /* NUL-terminated, as long as the call entry's key */
};

struct media_tbl {
    const bnd_ctx *bnd;
    tbl eps;          /* media_ep by (address, port); never touched: LRU = creation order */
    tbl calls;        /* media_call by Call-ID; an entry lives while it has endpoints */
    media_ep **order; /* creation order: order[head .. head + n) */
    size_t head, n, cap;
    uint64_t dropped;
};

static void ep_evict(void *owner, tbl_node *n);

media_tbl *media_new(const bnd_ctx *bnd, const uint8_t hkey[16])
{
    media_tbl *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->bnd = bnd;
    /* Nothing is allocated here: tables and the order array grow with the
     * endpoints (a capture without SDP costs nothing). */
    tbl_init(&t->eps, MEDIA_MAX_ENDPOINTS, hkey, ep_evict, t);
    /* A Call-ID record lives exactly while it has endpoints, so the endpoint
     * bound bounds them too: this table must never evict on its own. */
    tbl_init(&t->calls, UINT32_MAX, hkey, NULL, t);
    return t;
}

void media_free(media_tbl *t)
{
    if (!t)
        return;
    tbl_node *n;
    while ((n = tbl_pop_oldest(&t->eps))) {
        media_ep *e = TBL_ENTRY(n, media_ep, n);
        free(e->ev);
        free(e);
    }
    tbl_fini(&t->eps);
    while ((n = tbl_pop_oldest(&t->calls)))
        free(TBL_ENTRY(n, media_call, n));
    tbl_fini(&t->calls);
    free(t->order);
    free(t);
}

size_t media_count(const media_tbl *t) { return t ? t->n : 0; }
const media_ep *media_at(const media_tbl *t, size_t i)
{
    return t && i < t->n ? t->order[t->head + i] : NULL;
}
uint64_t media_dropped(const media_tbl *t) { return t ? t->dropped : 0; }
const char *media_ep_call_id(const media_ep *e) { return e->call ? e->call->call_id : ""; }

static void ep_key(const imsec_addr *a, uint16_t port, uint8_t key[19])
{
    memset(key, 0, 19);
    key[0] = a->family;
    memcpy(key + 1, a->a, a->family == 4 ? 4 : 16); /* as imsec_addr_eq compares */
    key[17] = (uint8_t)(port >> 8);
    key[18] = (uint8_t)port;
}

static media_ep *find(const media_tbl *t, const imsec_addr *a, uint16_t port)
{
    uint8_t k[19];
    ep_key(a, port, k);
    tbl_node *n = tbl_find(&t->eps, k, sizeof k, tbl_hash(&t->eps, k, sizeof k));
    return n ? TBL_ENTRY(n, media_ep, n) : NULL;
}

/* Takes e off its Call-ID's list, dropping the Call-ID record when empty. */
static void call_unlink(media_tbl *t, media_ep *e)
{
    media_call *c = e->call;
    if (!c)
        return;
    media_ep **pp = &c->head;
    while (*pp && *pp != e)
        pp = &(*pp)->call_next;
    if (*pp)
        *pp = e->call_next;
    e->call = NULL;
    e->call_next = NULL;
    if (!c->head) {
        tbl_remove(&t->calls, &c->n);
        free(c);
    }
}

static bool call_link(media_tbl *t, media_ep *e, const char *call_id)
{
    size_t l = strlen(call_id);
    bool created;
    media_call *c = tbl_get_or_add(&t->calls, call_id, (uint32_t)l, sizeof *c + l + 1,
                                   offsetof(media_call, call_id), &created);
    if (!c)
        return false;
    e->call = c;
    e->call_next = c->head;
    c->head = e;
    return true;
}

static void order_remove(media_tbl *t, const media_ep *e)
{
    if (t->n && t->order[t->head] == e) { /* eviction takes the oldest: O(1) */
        t->head++;
        t->n--;
        return;
    }
    for (size_t i = 0; i < t->n; i++)
        if (t->order[t->head + i] == e) {
            memmove(&t->order[t->head + i], &t->order[t->head + i + 1],
                    (t->n - i - 1) * sizeof *t->order);
            t->n--;
            return;
        }
}

static bool order_push(media_tbl *t, media_ep *e)
{
    if (t->head + t->n == t->cap) {
        if (t->head > t->n) { /* more than half is evicted space: slide down */
            memmove(t->order, t->order + t->head, t->n * sizeof *t->order);
            t->head = 0;
        } else {
            size_t nc = t->cap ? t->cap * 2 : 64;
            media_ep **o = realloc(t->order, nc * sizeof *o);
            if (!o)
                return false;
            t->order = o;
            t->cap = nc;
        }
    }
    t->order[t->head + t->n++] = e;
    return true;
}

static void ep_release(media_tbl *t, media_ep *e)
{
    call_unlink(t, e);
    order_remove(t, e);
    free(e->ev);
    free(e);
}

static void ep_evict(void *owner, tbl_node *n)
{
    media_tbl *t = owner;
    t->dropped++;
    ep_release(t, TBL_ENTRY(n, media_ep, n));
}

static void add_ep(media_tbl *t, const imsec_addr *a, uint16_t port, uint8_t side,
                   const char *call_id, uint64_t frame)
{
    uint8_t k[19];
    ep_key(a, port, k);
    bool created;
    media_ep *e = tbl_get_or_add(&t->eps, k, sizeof k, sizeof *e, offsetof(media_ep, key), &created);
    if (!e)
        return;
    if (created) {
        if (!order_push(t, e)) {
            tbl_remove(&t->eps, &e->n);
            free(e);
            return;
        }
    } else {
        if (e->side == side && e->call && strcmp(e->call->call_id, call_id) == 0)
            return; /* re-offer of the same endpoint: keep the counters */
        /* Another dialog (or side) took the endpoint over: start afresh, in place. */
        call_unlink(t, e);
        free(e->ev);
        size_t off = offsetof(media_ep, side);
        memset((char *)e + off, 0, sizeof *e - off);
    }
    e->side = side;
    e->sdp_frame = frame;
    if (!call_link(t, e, call_id)) {
        tbl_remove(&t->eps, &e->n);
        ep_release(t, e);
    }
}

void media_on_sip(media_tbl *t, const st_msg *ev)
{
    if (!t || !ev->call)
        return;
    const sip_msg *msg = ev->msg;
    const call_entry *c = ev->call;
    if (ev->session_ended || c->st == CALL_ST_TERMINATED || c->st == CALL_ST_FAILED) {
        uint32_t l = (uint32_t)strlen(c->call_id);
        tbl_node *n = tbl_find(&t->calls, c->call_id, l, tbl_hash(&t->calls, c->call_id, l));
        for (media_ep *e = n ? TBL_ENTRY(n, media_call, n)->head : NULL; e; e = e->call_next)
            if (!e->ended) {
                e->ended = true;
                e->end_sec = ev->m->ts.sec;
            }
        return;
    }
    const sdp_desc *d = sip_view_sdp(ev->v);
    if (!d)
        return;
    uint8_t side = msg->is_request ? 0 : 1; /* offer in INVITE, answer in its response */
    for (uint8_t i = 0; i < d->nmedia; i++) {
        const sdp_conn *cn = sdp_media_conn(d, &d->media[i]);
        imsec_addr a;
        if (!d->media[i].port || !cn || !cn->present ||
            !imsec_addr_parse(cn->addr.p, cn->addr.len, &a))
            continue;
        add_ep(t, &a, d->media[i].port, side, c->call_id, ev->m->frame);
    }
}

/* Is a an SDP address of the other side of e's call? */
static bool other_side_addr(const media_ep *e, const imsec_addr *a)
{
    uint8_t k[19];
    ep_key(a, 0, k);
    for (const media_ep *o = e->call ? e->call->head : NULL; o; o = o->call_next)
        if (o->side != e->side && memcmp(o->key, k, 17) == 0) /* family and address */
            return true;
    return false;
}

static media_ev *ep_ev(media_ep *e)
{
    if (!e->ev)
        e->ev = calloc(1, sizeof *e->ev);
    return e->ev;
}

void media_on_packet(media_tbl *t, st_state *st, const net_meta *m, uint32_t len)
{
    if (!t || m->t.proto != IMSEC_PROTO_UDP || t->eps.count == 0)
        return; /* no SDP seen yet: every datagram is outside any flow */
    media_ep *e = find(t, &m->t.dst, m->t.dport);
    if (!e && (m->t.dport & 1u))
        e = find(t, &m->t.dst, (uint16_t)(m->t.dport - 1)); /* RTCP on port + 1 */
    if (!e)
        return;
    e->pkts++;
    const char *cid = e->call->call_id;
    call_entry *c = st ? st_call_by_id(st, cid, strlen(cid)) : NULL;
    if (c) {
        c->media_pkts[e->side ? 1 : 0]++;
        c->media_bytes[e->side ? 1 : 0] += len;
    }
    media_ev *v;
    if (e->ended && (v = ep_ev(e))) {
        if (!v->late_first_frame) {
            v->late_first_frame = m->frame;
            v->late_first_ts = m->ts;
            v->late_tuple = m->t;
        }
        v->late_last_frame = m->frame;
        v->late_last_ts = m->ts;
    }
    if (!(e->ev && e->ev->direct_frame) && !bnd_addr_anchor(t->bnd, &m->t.dst) &&
        !bnd_addr_anchor(t->bnd, &m->t.src) && other_side_addr(e, &m->t.src) && (v = ep_ev(e))) {
        v->direct_frame = m->frame;
        v->direct_ts = m->ts;
        v->direct_tuple = m->t;
    }
}
