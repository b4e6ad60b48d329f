/* MEDIA-* detectors: SDP addresses and keys that reach where they should
 * not, and media that bypasses the declared anchors (detections.md
 * "PRIV / MEDIA"; RFC 3323 §5.2 "session" privacy, RFC 4568 SDES,
 * TS 33.328 §6/7 on SDES over protected signalling only). */
#include <stdio.h>
#include <string.h>

#include "detect/detect.h"
#include "rules/config.h"
#include "sip/sdp.h"
#include "sip/sip_hdr.h"
#include "state/media.h"
#include "state/privacy.h"

/* ---- MEDIA-IP-EXPOSED ---- */

typedef struct {
    const bnd_ctx *b;
    imsec_str caller;
    char list[256];
    unsigned n;
} ip_walk;

static void ip_check(ip_walk *w, const char *line, imsec_str addr)
{
    imsec_addr a;
    if (!addr.len)
        return;
    bool ue = imsec_addr_parse(addr.p, addr.len, &a) && bnd_addr_ue(w->b, &a);
    if (!ue && !(w->caller.len && imsec_str_eq_ci(addr, w->caller)))
        return;
    char item[96], v[IMSEC_ADDRSTRLEN];
    imsec_str_copy(addr, v, sizeof v);
    snprintf(item, sizeof item, "%s %s", line, v);
    if (strstr(w->list, item) || ++w->n > 4)
        return;
    size_t o = strlen(w->list);
    snprintf(w->list + o, sizeof w->list - o, "%s%s", o ? ", " : "", item);
}

static void ip_exposed_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const sip_msg *msg = ev->msg;
    const bnd_ctx *b = detect_boundary(dc);
    const sdp_desc *d = sip_view_sdp(ev->v);
    if (!d)
        return;
    uint32_t pf = sip_view_privacy(ev->v);
    const sip_naddr *from = sip_view_from(ev->v);
    bool anon = from && privacy_anonymous_uri(&from->uri);
    bool asks = (pf & (SIP_PRIV_SESSION | SIP_PRIV_ID | SIP_PRIV_USER)) || anon;
    bool policy = bnd_has_anchors(b);
    bool toward = msg->is_request ? privacy_callee_side(b, ev)
                                  : ev->dir == BND_OUT;
    if (!toward || (!policy && !(asks && msg->is_request)))
        return;
    ip_walk w = {.b = b};
    if (msg->is_request)
        w.caller = privacy_bottom_via_host(ev->v);
    if (d->origin.present)
        ip_check(&w, "o=", d->origin.addr);
    if (d->conn.present)
        ip_check(&w, "c=", d->conn.addr);
    for (uint8_t i = 0; i < d->nmedia; i++) {
        if (d->media[i].conn.present)
            ip_check(&w, "c=", d->media[i].conn.addr);
        if (d->media[i].has_rtcp && d->media[i].rtcp_conn.present)
            ip_check(&w, "a=rtcp", d->media[i].rtcp_conn.addr);
        for (uint8_t k = 0; k < d->media[i].ncand; k++)
            ip_check(&w, "a=candidate", d->media[i].cand[k].addr);
    }
    if (!w.n)
        return;
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    imsec_str_copy(ev->call_id, f.call_id, sizeof f.call_id);
    char dst[IMSEC_ADDRSTRLEN];
    detect_finding_reason(&f, "SDP toward %s exposes the UE's address (%s): %s",
                          imsec_addr_str(&ev->m->t.dst, dst),
                          asks && msg->is_request ? "privacy requested" : "site anchors media",
                          w.list);
    detect_emit(dc, &f);
}

/* ---- MEDIA-KEY-EXPOSED ---- */

static void key_exposed_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const sdp_desc *d = sip_view_sdp(ev->v);
    if (!d)
        return;
    if (ev->m->flags & NET_F_ESP)
        return; /* inside an SA (TS 33.203) */
    const imsec_config *cfg = detect_config(dc);
    if (rules_site_link_protected(rules_config_site(cfg), &ev->m->t.src, &ev->m->t.dst))
        return; /* NDS/IP below SIP, declared by the site (TS 33.210) */
    for (uint8_t i = 0; i < d->nmedia; i++)
        for (uint8_t k = 0; k < d->media[i].ncrypto; k++) {
            imsec_str kp = d->media[i].crypto[k].key_params;
            if (!imsec_str_starts_with_ci(kp, "inline:"))
                continue;
            imsec_finding f;
            detect_finding_init(r, ev->m, &f);
            imsec_str_copy(ev->call_id, f.call_id, sizeof f.call_id);
            char suite[48], key[128];
            imsec_str_copy(d->media[i].crypto[k].suite, suite, sizeof suite);
            imsec_str inl = imsec_str_make(kp.p + 7, kp.len - 7);
            if (imsec_config_show_secrets(cfg))
                imsec_str_copy(inl, key, sizeof key);
            else
                snprintf(key, sizeof key, "<redacted %u chars>", (unsigned)inl.len);
            detect_finding_reason(&f, "SDES key (a=crypto:%u %s inline:%s) travels without SA or TLS",
                                  (unsigned)d->media[i].crypto[k].tag, suite, key);
            detect_emit(dc, &f);
            return; /* one finding per message */
        }
}

/* ---- MEDIA-BYPASS ---- */

static void bypass_emit(detect_ctx *dc, const detect_rule *r, const media_ep *e, uint64_t frame,
                        imsec_ts ts, const imsec_tuple *t, const char *what)
{
    imsec_finding f;
    detect_finding_init(r, NULL, &f);
    f.ts = ts;
    f.tuple = *t;
    f.has_tuple = true;
    f.trigger_frame = frame;
    detect_finding_frame(&f, frame);
    detect_finding_frame(&f, e->sdp_frame);
    snprintf(f.call_id, sizeof f.call_id, "%s", media_ep_call_id(e));
    char s[IMSEC_ADDRSTRLEN], d[IMSEC_ADDRSTRLEN];
    detect_finding_reason(&f, "%s: %s:%u -> %s:%u (%s SDP endpoint, frame %llu; %llu packets)",
                          what, imsec_addr_str(&t->src, s), (unsigned)t->sport,
                          imsec_addr_str(&t->dst, d), (unsigned)t->dport,
                          e->side ? "callee" : "caller", (unsigned long long)e->sdp_frame,
                          (unsigned long long)e->pkts);
    detect_emit(dc, &f);
}

static void bypass_on_end(detect_ctx *dc, const detect_rule *r)
{
    const media_tbl *mt = detect_media(dc);
    const bnd_ctx *b = detect_boundary(dc);
    int64_t grace = r->p[0];
    for (size_t i = 0; i < media_count(mt); i++) {
        const media_ep *e = media_at(mt, i);
        const media_ev *v = e->ev;
        if (!v)
            continue;
        if (v->direct_frame && bnd_has_anchors(b))
            bypass_emit(dc, r, e, v->direct_frame, v->direct_ts, &v->direct_tuple,
                        "media flows straight between the dialog's endpoints, past the declared "
                        "anchors");
        if (v->late_last_frame &&
            (v->late_last_ts.sec - e->end_sec) > grace)
            bypass_emit(dc, r, e, v->late_first_frame, v->late_first_ts, &v->late_tuple,
                        "media sent to an address learned from a dialog after it ended");
    }
}

const detect_def detect_media_defs[] = {
    {.rule = {.id = "MEDIA-IP-EXPOSED", .sid = 3101,
              .title = "SDP exposes the UE's address where it must be hidden",
              .category = "ims-media", .sev = IMSEC_SEV_HIGH},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = DETECT_M_ALL,
     .on_sip = ip_exposed_on_sip},
    {.rule = {.id = "MEDIA-BYPASS", .sid = 3102,
              .title = "media bypasses the declared anchors or outlives its dialog",
              .category = "ims-media", .sev = IMSEC_SEV_HIGH,
              RULES_PARAMS({ .name = "grace", .type = RULES_P_INT, .min = 0, .max = 3600,
                       .doc = "seconds of media tolerated after the dialog ended (in-flight packets)",
                       .def = "2" })},
     .hooks = DETECT_HOOK_END,
     .on_end = bypass_on_end},
    {.rule = {.id = "MEDIA-KEY-EXPOSED", .sid = 3103,
              .title = "SDES media keys sent without SA or TLS",
              .category = "ims-media", .sev = IMSEC_SEV_HIGH},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = DETECT_M_ALL,
     .on_sip = key_exposed_on_sip},
};
const size_t detect_media_ndefs = sizeof detect_media_defs / sizeof detect_media_defs[0];
