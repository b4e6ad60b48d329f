#include "state/media.h"

#include <stdlib.h>
#include <string.h>

#include "sip/sdp.h"
#include "sip/sip_hdr.h"

struct media_tbl {
    const bnd_ctx *bnd;
    media_ep ep[MEDIA_MAX_EP];
    size_t n, next_reuse;
    uint64_t dropped;
};

media_tbl *media_new(const bnd_ctx *bnd)
{
    media_tbl *t = calloc(1, sizeof *t);
    if (t)
        t->bnd = bnd;
    return t;
}

void media_free(media_tbl *t) { free(t); }
size_t media_count(const media_tbl *t) { return t ? t->n : 0; }
const media_ep *media_at(const media_tbl *t, size_t i) { return t && i < t->n ? &t->ep[i] : NULL; }
uint64_t media_dropped(const media_tbl *t) { return t ? t->dropped : 0; }

static media_ep *find(media_tbl *t, const imsec_addr *a, uint16_t port)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->ep[i].port == port && imsec_addr_eq(&t->ep[i].addr, a))
            return &t->ep[i];
    return NULL;
}

static void add_ep(media_tbl *t, const imsec_addr *a, uint16_t port, uint8_t side,
                   const char *call_id, uint64_t frame)
{
    media_ep *e = find(t, a, port);
    if (e && e->side == side && strcmp(e->call_id, call_id) == 0)
        return; /* re-offer of the same endpoint: keep the counters */
    if (!e) {
        if (t->n < MEDIA_MAX_EP) {
            e = &t->ep[t->n++];
        } else {
            e = &t->ep[t->next_reuse];
            t->next_reuse = (t->next_reuse + 1) % MEDIA_MAX_EP;
            t->dropped++;
        }
    }
    memset(e, 0, sizeof *e);
    e->addr = *a;
    e->port = port;
    e->side = side;
    e->sdp_frame = frame;
    size_t l = strlen(call_id);
    if (l >= sizeof e->call_id)
        l = sizeof e->call_id - 1;
    memcpy(e->call_id, call_id, l);
    e->call_id[l] = '\0';
}

void media_on_sip(media_tbl *t, const st_msg *ev)
{
    if (!t || !ev->call)
        return;
    const sip_msg *msg = ev->msg;
    const call_entry *c = ev->call;
    if (ev->session_ended || c->st == CALL_ST_TERMINATED || c->st == CALL_ST_FAILED) {
        for (size_t i = 0; i < t->n; i++)
            if (!t->ep[i].ended && strcmp(t->ep[i].call_id, c->call_id) == 0) {
                t->ep[i].ended = true;
                t->ep[i].end_ts = ev->m->ts;
                t->ep[i].end_frame = ev->m->frame;
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
static bool other_side_addr(const media_tbl *t, const media_ep *e, const imsec_addr *a)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->ep[i].side != e->side && imsec_addr_eq(&t->ep[i].addr, a) &&
            strcmp(t->ep[i].call_id, e->call_id) == 0)
            return true;
    return false;
}

void media_on_packet(media_tbl *t, st_state *st, const net_meta *m, uint32_t len)
{
    if (!t || m->t.proto != IMSEC_PROTO_UDP)
        return;
    media_ep *e = find(t, &m->t.dst, m->t.dport);
    if (!e && (m->t.dport & 1u))
        e = find(t, &m->t.dst, (uint16_t)(m->t.dport - 1)); /* RTCP on port + 1 */
    if (!e)
        return;
    e->pkts++;
    e->bytes += len;
    call_entry *c = st ? st_call_by_id(st, e->call_id, strlen(e->call_id)) : NULL;
    if (c) {
        c->media_pkts[e->side ? 1 : 0]++;
        c->media_bytes[e->side ? 1 : 0] += len;
    }
    if (e->ended) {
        if (!e->late_first_frame) {
            e->late_first_frame = m->frame;
            e->late_first_ts = m->ts;
            e->late_tuple = m->t;
        }
        e->late_last_frame = m->frame;
        e->late_last_ts = m->ts;
    }
    if (!e->direct_frame && !bnd_addr_anchor(t->bnd, &m->t.dst) &&
        !bnd_addr_anchor(t->bnd, &m->t.src) && other_side_addr(t, e, &m->t.src)) {
        e->direct_frame = m->frame;
        e->direct_ts = m->ts;
        e->direct_tuple = m->t;
    }
}
