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
#include "imsec/sink.h"
#include "net/net.h"
#include "sip/sip_msg.h"
#include "sip/sip_stream.h"
#include "sip/sip_view.h"
#include "base/imsec_str.h"
#include "rules/config.h"
#include "state/state.h"
#include "state/boundary.h"
#include "state/media.h"
#include "state/netctx.h"
#include "state/reg.h"
#include "state/secagree.h"

struct imsec_engine {
    const imsec_config *cfg;
    imsec_callbacks cb;              /* the caller's */
    imsec_callbacks inner;           /* what state calls: the caller's plus the sinks */
    bool (*select)(void *ud, const imsec_finding *f, imsec_finding_note *note);
    void *select_ud;
    imsec_sink sinks[IMSEC_MAX_SINKS];
    size_t nsinks;
    bool want_msgs, want_frames;     /* some sink or callback takes messages / frames */
    imsec_stats stats;
    net_decoder *net;
    st_state *st;
    detect_ctx *det;
    bnd_ctx *bnd;                    /* home network boundary (site profile or inferred) */
    media_tbl *media;                /* media flows matched to SDP endpoints */
    netctx nctx;                     /* IMS or plain SIP, from evidence or the site */
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
    if (ev->msg->is_request && sip_msg_hdr(ev->msg, SIP_HDR_SECURITY_VERIFY))
        r.verify = sa_verify_verdict(ev->reg ? ev->reg->sec : NULL, ev->v,
                                     &r.verify_server_frame);
    if (e->cb.on_message)
        e->cb.on_message(e->cb.ud, &r);
    for (size_t i = 0; i < e->nsinks; i++)
        if (e->sinks[i].ops->on_message)
            e->sinks[i].ops->on_message(e->sinks[i].ud, &r);
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
    netctx_observe(&e->nctx, m, &e->view);
    ev.dir = (int)bnd_direction(e->bnd, m); /* once, after the boundary learnt from m */
    if (e->want_msgs)
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
    if (!e->nsinks)
        return;
    imsec_finding_note note;
    memset(&note, 0, sizeof note);
    if (e->select && !e->select(e->select_ud, f, &note))
        return;
    for (size_t i = 0; i < e->nsinks; i++)
        if (e->sinks[i].ops->on_finding)
            e->sinks[i].ops->on_finding(e->sinks[i].ud, f, &note);
}

/* State reports records through e->inner; each goes to the caller's
 * callback, then to every sink. */
static void emit_record(imsec_engine *e, const imsec_record *r)
{
    for (size_t i = 0; i < e->nsinks; i++)
        if (e->sinks[i].ops->on_record)
            e->sinks[i].ops->on_record(e->sinks[i].ud, r);
}

static void on_dialog_rec(void *ud, const imsec_dialog_rec *d)
{
    imsec_engine *e = ud;
    if (e->cb.on_dialog)
        e->cb.on_dialog(e->cb.ud, d);
    emit_record(e, &(imsec_record){.kind = IMSEC_REC_DIALOG, .u.dialog = d});
}

static void on_reg_rec(void *ud, const imsec_reg_rec *g)
{
    imsec_engine *e = ud;
    if (e->cb.on_registration)
        e->cb.on_registration(e->cb.ud, g);
    emit_record(e, &(imsec_record){.kind = IMSEC_REC_REGISTRATION, .u.reg = g});
}

static void on_txn_rec(void *ud, const imsec_txn_rec *t)
{
    imsec_engine *e = ud;
    if (e->cb.on_txn)
        e->cb.on_txn(e->cb.ud, t);
    emit_record(e, &(imsec_record){.kind = IMSEC_REC_TXN, .u.txn = t});
}

static void on_sa_rec(void *ud, const imsec_sa_rec *s)
{
    imsec_engine *e = ud;
    if (e->cb.on_sa)
        e->cb.on_sa(e->cb.ud, s);
    emit_record(e, &(imsec_record){.kind = IMSEC_REC_SA, .u.sa = s});
}

static void on_log(void *ud, imsec_log_level lvl, const char *module, const char *msg)
{
    imsec_engine *e = ud;
    e->cb.log(e->cb.ud, lvl, module, msg);
}

/* State builds a record only when its callback is set, so the inner table
 * gets an entry only where someone listens. */
static void wire_callbacks(imsec_engine *e)
{
    bool recs = false;
    for (size_t i = 0; i < e->nsinks; i++) {
        const imsec_sink_ops *ops = e->sinks[i].ops;
        recs |= ops->on_record != NULL;
        e->want_msgs |= ops->on_message != NULL;
        e->want_frames |= ops->on_frame != NULL;
    }
    e->want_msgs |= e->cb.on_message != NULL;
    e->inner = (imsec_callbacks){
        .ud = e,
        .on_dialog = recs || e->cb.on_dialog ? on_dialog_rec : NULL,
        .on_registration = recs || e->cb.on_registration ? on_reg_rec : NULL,
        .on_txn = recs || e->cb.on_txn ? on_txn_rec : NULL,
        .on_sa = recs || e->cb.on_sa ? on_sa_rec : NULL,
        .log = e->cb.log ? on_log : NULL,
    };
}

imsec_engine *imsec_engine_new(const imsec_config *cfg, const imsec_callbacks *cb,
                               uint64_t seed, char err[IMSEC_ERRBUF])
{
    imsec_engine_opts o = {.cb = cb, .seed = seed};
    return imsec_engine_open(cfg, &o, err);
}

imsec_engine *imsec_engine_open(const imsec_config *cfg, const imsec_engine_opts *o,
                                char err[IMSEC_ERRBUF])
{
    if (o->nsinks > IMSEC_MAX_SINKS) {
        snprintf(err, IMSEC_ERRBUF, "more than %d sinks", IMSEC_MAX_SINKS);
        return NULL;
    }
    imsec_engine *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err, IMSEC_ERRBUF, "out of memory");
        return NULL;
    }
    e->cfg = cfg;
    if (o->cb)
        e->cb = *o->cb;
    e->select = o->select;
    e->select_ud = o->select_ud;
    for (size_t i = 0; i < o->nsinks; i++)
        if (o->sinks[i].ops)
            e->sinks[e->nsinks++] = o->sinks[i];
    wire_callbacks(e);
    uint64_t seed = o->seed;
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
    e->st = st_new(&sl, hkey, &e->stats, &e->inner, rules_config_keys(cfg));
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
    netctx_init(&e->nctx, rules_config_site(cfg));
    detect_set_netctx(e->det, &e->nctx);
    e->media = media_new(e->bnd, hkey);
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
    if (e->want_frames)
        for (size_t i = 0; i < e->nsinks; i++)
            if (e->sinks[i].ops->on_frame)
                e->sinks[i].ops->on_frame(e->sinks[i].ud, f);
    net_decode_frame(e->net, f);
}

void imsec_engine_finish(imsec_engine *e)
{
    net_decoder_flush(e->net);
    e->stats.tcp_overlaps = net_decoder_tcp_overlaps(e->net);
    detect_on_end(e->det);
    bnd_describe(e->bnd, e->stats.home_network, sizeof e->stats.home_network);
    netctx_describe(&e->nctx, e->stats.network, sizeof e->stats.network);
    detect_report_idle(e->det, &e->stats);
    st_finish(e->st);
}

const imsec_stats *imsec_engine_stats(const imsec_engine *e) { return &e->stats; }

void imsec_engine_emit_stats(imsec_engine *e, const imsec_stats_info *info)
{
    for (size_t i = 0; i < e->nsinks; i++)
        if (e->sinks[i].ops->on_stats)
            e->sinks[i].ops->on_stats(e->sinks[i].ud, &e->stats, info);
}

int imsec_engine_close_sinks(imsec_engine *e, char err[IMSEC_ERRBUF])
{
    int rc = IMSEC_OK;
    for (size_t i = 0; i < e->nsinks; i++) {
        char one[IMSEC_ERRBUF] = "";
        int r = e->sinks[i].ops->finish ? e->sinks[i].ops->finish(e->sinks[i].ud, one) : IMSEC_OK;
        if (r != IMSEC_OK && rc == IMSEC_OK) {
            rc = r;
            snprintf(err, IMSEC_ERRBUF, "%s", one);
        }
    }
    return rc;
}

void imsec_sink_free(imsec_sink *s)
{
    if (s && s->ops && s->ops->free)
        s->ops->free(s->ud);
    if (s)
        s->ops = NULL;
}
