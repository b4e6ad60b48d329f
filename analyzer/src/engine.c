/* engine: one imsec_engine ties the layers together for one input.
 *
 * Frames go down to net; net hands transport payloads back through the sink
 * below; SIP found there is parsed in place, applied to state, and shown to
 * the detectors; findings leave through the caller's callbacks. This file
 * is the only one that knows every layer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"
#include "imsec/imsec.h"
#include "net/net.h"
#include "sip/sip_msg.h"
#include "sip/sip_stream.h"
#include "sip/sip_view.h"
#include "base/imsec_str.h"
#include "rules/config.h"
#include "state/state.h"
#include "state/boundary.h"
#include "state/media.h"

struct imsec_engine {
    const imsec_config *cfg;
    imsec_callbacks cb;
    imsec_stats stats;
    net_decoder *net;
    st_state *st;
    detect_ctx *det;
    bnd_ctx *bnd;                    /* home network boundary (site profile or inferred) */
    media_tbl *media;                /* media flows matched to SDP endpoints */
    sip_hdr hdrs[SIP_MSG_MAX_HDRS];
    sip_view view;                   /* the parsed view of the message being analysed */
    unsigned esp_depth;              /* ESP opened inside opened ESP is not reopened */
    uint8_t esp_plain[65536];        /* plaintext of the ESP packet being decoded */
};

static void report_message(imsec_engine *e, const st_msg *ev, const uint8_t *raw)
{
    imsec_msg_rec r;
    memset(&r, 0, sizeof r);
    r.frame = ev->m->frame;
    r.ts = ev->m->ts;
    r.tuple = ev->m->t;
    r.is_request = ev->msg->is_request;
    const char *method = ev->msg->is_request ? sip_method_name(ev->msg->method)
                                             : sip_method_name(ev->cseq_method);
    if (ev->msg->is_request && ev->msg->method == SIP_M_OTHER)
        imsec_str_copy(ev->msg->method_str, r.method, sizeof r.method);
    else
        snprintf(r.method, sizeof r.method, "%s", method);
    r.status = ev->msg->status;
    imsec_str_copy(ev->call_id, r.call_id, sizeof r.call_id);
    r.data = raw;
    r.len = ev->msg->msg_len;
    r.in_esp = (ev->m->flags & NET_F_ESP) != 0;
    r.spi = ev->m->spi;
    if (ev->reg)
        snprintf(r.impi, sizeof r.impi, "%s", ev->reg->impi);
    else if (ev->sa.impi)
        snprintf(r.impi, sizeof r.impi, "%s", ev->sa.impi);
    if (ev->sa.set) { /* the SA pair this message travelled in, or that protects its endpoints */
        sa_set_label(ev->sa.set, r.sa, sizeof r.sa);
        r.sa_frame = ev->sa.set->agreed_frame;
    }
    r.src_role = bnd_role(e->bnd, &r.tuple.src);
    r.dst_role = bnd_role(e->bnd, &r.tuple.dst);
    e->cb.on_message(e->cb.ud, &r);
}

static void on_sip_message(imsec_engine *e, const net_meta *m, const sip_msg *msg,
                           const uint8_t *raw)
{
    st_msg ev;
    e->stats.sip_messages++;
    e->stats.sip_hdrs_dropped += msg->hdrs_dropped != 0;
    e->stats.sip_ambiguous += msg->conflicts != 0;
    e->stats.sip_bad_cl += msg->cl != 0;
    sip_view_reset(&e->view, msg);
    if (!st_on_sip(e->st, m, &e->view, &ev)) {
        e->stats.malformed_sip++; /* no Call-ID or CSeq: nothing can be attributed */
        return;
    }
    bnd_observe(e->bnd, m, &e->view);
    ev.dir = (int)bnd_direction(e->bnd, m); /* once, after the boundary learnt from m */
    if (e->cb.on_message)
        report_message(e, &ev, raw);
    media_on_sip(e->media, &ev);
    detect_on_sip(e->det, &ev);
}

static void on_datagram(void *ud, const net_meta *m, const uint8_t *p, uint32_t len)
{
    imsec_engine *e = ud;
    if (!sip_msg_looks_like_sip(p, len)) {
        media_on_packet(e->media, e->st, m, len); /* RTP/RTCP of a dialog, if SDP announced it */
        return;
    }
    sip_msg msg;
    int rc = sip_msg_parse(p, len, SIP_MODE_DATAGRAM, e->hdrs, SIP_MSG_MAX_HDRS, &msg);
    if (rc > 0)
        on_sip_message(e, m, &msg, p);
    else if (rc == IMSEC_E_LIMIT)
        e->stats.sip_limit++;
    else
        e->stats.malformed_sip++;
}

/* TCP framing (RFC 3261 §18.3): sip_stream finds Content-Length-delimited
 * messages, keep-alives and garbage to skip. A direction whose bytes never
 * show a start line is simply not SIP: skipped bytes count as malformed
 * SIP only where a message had started. */
static uint32_t on_stream(void *ud, const net_meta *m, const uint8_t *p, uint32_t len)
{
    imsec_engine *e = ud;
    sip_stream st;
    sip_stream_init(&st);
    bool gap = (m->flags & NET_F_GAP) != 0;
    uint32_t used = 0;
    sip_stream_item it;
    sip_msg msg;
    while (used < len &&
           sip_stream_next(&st, p + used, len - used, gap, e->hdrs, SIP_MSG_MAX_HDRS, &msg, &it) !=
               SIP_STREAM_NEED_MORE) {
        if (it.kind == SIP_STREAM_SKIP && it.cl) { /* bad Content-Length: cannot frame, resync */
            e->stats.sip_bad_cl++;
            e->stats.sip_unframed_cl++;
        }
        if (it.kind == SIP_STREAM_MSG)
            on_sip_message(e, m, &msg, p + used);
        else if (it.kind == SIP_STREAM_SKIP && it.rc == IMSEC_E_LIMIT)
            e->stats.sip_limit++;
        else if (it.kind == SIP_STREAM_SKIP && it.after_gap)
            e->stats.tcp_resync++;
        else if (it.kind == SIP_STREAM_SKIP && sip_msg_looks_like_sip(p + used, len - used))
            e->stats.malformed_sip++;
        used += it.len;
        gap = false;
    }
    return used;
}

/* ESP: attribute to the agreed SA by SPI, open it when keys are known (or
 * ESP-NULL is recognised), and send the inner transport payload down the
 * normal pipeline marked with the SPI (architecture.md step 4). */
static void on_esp(void *ud, const net_meta *m, const uint8_t *p, uint32_t len)
{
    imsec_engine *e = ud;
    e->stats.esp_packets++;
    if (e->esp_depth) {
        e->stats.esp_unknown_spi++;
        return;
    }
    sa_esp_result r;
    int rc = st_open_esp(e->st, m, p, len, e->esp_plain, sizeof e->esp_plain, &r);
    if (rc == -1) {
        e->stats.esp_integrity_failed++;
        return;
    }
    if (rc == -2)
        e->stats.esp_unknown_spi++;
    if (rc != 1)
        return;
    if (r.payload_off)
        e->stats.esp_null_decoded++;
    else
        e->stats.esp_decrypted++;
    net_meta inner = *m;
    inner.spi = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    const uint8_t *payload = r.payload_off ? p + r.payload_off : e->esp_plain;
    e->esp_depth++;
    net_decode_transport(e->net, &inner, r.next_header, payload, r.payload_len);
    e->esp_depth--;
}

static void emit_finding(void *ud, const imsec_finding *f)
{
    imsec_engine *e = ud;
    if (e->cb.on_finding)
        e->cb.on_finding(e->cb.ud, f);
}

imsec_engine *imsec_engine_new(const imsec_config *cfg, const imsec_callbacks *cb,
                               uint64_t seed, char err[IMSEC_ERRBUF])
{
    imsec_engine *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err, IMSEC_ERRBUF, "out of memory");
        return NULL;
    }
    e->cfg = cfg;
    if (cb)
        e->cb = *cb;
    uint8_t hkey[16];
    for (int i = 0; i < 8; i++) {
        hkey[i] = (uint8_t)(seed >> (8 * i));
        hkey[8 + i] = (uint8_t)((seed * 0x9e3779b97f4a7c15ULL) >> (8 * i));
    }
    net_limits nl;
    net_limits_default(&nl);
    net_sink sink = {.ud = e, .on_udp = on_datagram, .on_esp = on_esp, .on_tcp = on_stream,
                     .on_sctp = on_datagram};
    st_limits sl;
    st_limits_default(&sl);
    e->net = net_decoder_new(&nl, hkey, &e->stats, &sink);
    e->st = st_new(&sl, hkey, &e->stats, &e->cb, rules_config_keys(cfg));
    if (!e->net || !e->st) {
        snprintf(err, IMSEC_ERRBUF, "out of memory");
        goto fail;
    }
    e->det = detect_new(cfg, e->st, &e->stats, emit_finding, e, err);
    if (!e->det)
        goto fail;
    e->bnd = bnd_new(rules_config_site(cfg), hkey);
    if (!e->bnd) {
        snprintf(err, IMSEC_ERRBUF, "out of memory");
        goto fail;
    }
    detect_set_boundary(e->det, e->bnd);
    e->media = media_new(e->bnd);
    if (!e->media) {
        snprintf(err, IMSEC_ERRBUF, "out of memory");
        goto fail;
    }
    detect_set_media(e->det, e->media);
    return e;
fail:
    imsec_engine_free(e);
    return NULL;
}

void imsec_engine_free(imsec_engine *e)
{
    if (!e)
        return;
    detect_free(e->det);
    media_free(e->media);
    bnd_free(e->bnd);
    st_free(e->st);
    net_decoder_free(e->net);
    free(e);
}

void imsec_engine_feed(imsec_engine *e, const imsec_frame *f)
{
    if (e->stats.first_ts.sec == 0 && e->stats.first_ts.usec == 0)
        e->stats.first_ts = f->ts;
    e->stats.last_ts = f->ts;
    net_decode_frame(e->net, f);
}

void imsec_engine_finish(imsec_engine *e)
{
    net_decoder_flush(e->net);
    e->stats.tcp_overlaps = net_decoder_tcp_overlaps(e->net);
    detect_on_end(e->det);
    bnd_describe(e->bnd, e->stats.home_network, sizeof e->stats.home_network);
    st_finish(e->st);
}

const imsec_stats *imsec_engine_stats(const imsec_engine *e) { return &e->stats; }
