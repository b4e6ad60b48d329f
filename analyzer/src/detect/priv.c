/* PRIV-* detectors: the caller's privacy request (RFC 3323 Privacy header,
 * RFC 3325 P-Asserted-Identity and trust domains, Remote-Party-ID privacy
 * levels of draft-ietf-sip-privacy-04 as deployed) against what reaches the
 * callee side or leaves the trust domain (detections.md "PRIV / MEDIA").
 *
 * "Callee side": a request hop that leaves the home network/trust domain
 * (state/boundary BND_OUT), or that is delivered to a UE other than the one
 * that sent it (the terminating P-CSCF -> callee UE hop). */
#include <stdio.h>
#include <string.h>

#include "detect/detect.h"
#include "state/privacy.h"
#include "rules/config.h"
#include "sip/sdp.h"
#include "sip/sip_hdr.h"

/* Appends "label value" to a reason list (at most 4 items, once each). */
static void priv_list_add(char *buf, size_t cap, unsigned *n, const char *label, imsec_str v)
{
    char item[160], val[96];
    bool cut = v.len > 60;
    imsec_str_copy(cut ? imsec_str_make(v.p, 60) : v, val, sizeof val);
    snprintf(item, sizeof item, "%s %s%s", label, val, cut ? "..." : "");
    if (strstr(buf, item)) /* our own NUL-terminated text */
        return;
    (*n)++;
    size_t o = strlen(buf);
    if (*n > 4) {
        if (*n == 5 && o + 6 < cap)
            snprintf(buf + o, cap - o, ", ...");
        return;
    }
    snprintf(buf + o, cap - o, "%s%s", o ? ", " : "", item);
}

/* ---- PRIV-ASSERTED-ID-LEAK ---- */

static void asserted_id_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const sip_msg *msg = ev->msg;
    if (!sip_msg_hdr(msg, SIP_HDR_P_ASSERTED_IDENTITY))
        return;
    const bnd_ctx *b = detect_boundary(dc);
    /* RFC 3325 §5: a proxy removes P-Asserted-Identity toward a host outside
     * the trust domain, and the trust domain is a matter of policy (Spec(T),
     * §2.3): only the site profile can state it. A boundary inferred from
     * traffic does not say whether the next hop is trusted, so there only
     * Privacy: id (RFC 3325 §9.3) can make the header a leak. */
    bool out = ev->dir == BND_OUT && !bnd_inferred(b);
    bool id = sip_view_privacy(ev->v) & SIP_PRIV_ID;
    bool callee = msg->is_request && privacy_callee_side(b, ev);
    if (!out && !(id && callee))
        return;
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    imsec_str_copy(ev->call_id, f.call_id, sizeof f.call_id);
    char pai[128], dst[IMSEC_ADDRSTRLEN];
    imsec_str_copy(sip_msg_value(msg, SIP_HDR_P_ASSERTED_IDENTITY), pai, sizeof pai);
    imsec_addr_str(&ev->m->t.dst, dst);
    if (out)
        detect_finding_reason(&f, "P-Asserted-Identity %s leaves the trust domain toward %s%s", pai,
                              dst, id ? " although Privacy: id was requested" : "");
    else
        detect_finding_reason(&f, "P-Asserted-Identity %s reaches the callee %s although Privacy: id "
                                  "was requested", pai, dst);
    detect_emit(dc, &f);
}

/* ---- PRIV-USER-LEAK ---- */

static bool anonymous_display(imsec_str d)
{
    return d.len == 0 || imsec_str_eq_cstr_ci(d, "Anonymous");
}

static void user_leak_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const sip_msg *msg = ev->msg;
    if (!msg->is_request)
        return;
    bool hide_name = false, hide_uri = false;
    privacy_user_level(ev->v, &hide_name, &hide_uri);
    if ((!hide_name && !hide_uri) || !privacy_callee_side(detect_boundary(dc), ev))
        return;
    char list[320] = "";
    unsigned n = 0;
    const sip_naddr *from = sip_view_from(ev->v);
    if (from) {
        if (hide_name && !anonymous_display(from->display))
            priv_list_add(list, sizeof list, &n, "From display name", from->display);
        if (hide_uri && !privacy_anonymous_uri(&from->uri))
            priv_list_add(list, sizeof list, &n, "From URI", from->uri_str);
    }
    /* The caller's user part as first seen in this Call-ID (state's From). */
    imsec_str user = privacy_caller_user(ev);
    if (hide_uri && user.len) {
        static const sip_hdr_type hs[] = {SIP_HDR_CONTACT, SIP_HDR_P_ASSERTED_IDENTITY,
                                          SIP_HDR_REMOTE_PARTY_ID};
        for (size_t i = 0; i < sizeof hs / sizeof *hs; i++) {
            imsec_str v = sip_msg_value(msg, hs[i]);
            if (v.len && privacy_has_user(v, user))
                priv_list_add(list, sizeof list, &n, sip_hdr_name(hs[i]), v);
        }
        if (privacy_has_user(ev->call_id, user))
            priv_list_add(list, sizeof list, &n, "Call-ID", ev->call_id);
        imsec_str o = privacy_sdp_origin_user(ev->v);
        if (o.len && imsec_str_eq_ci(o, user))
            priv_list_add(list, sizeof list, &n, "SDP o= user", o);
    }
    if (!n)
        return;
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    imsec_str_copy(ev->call_id, f.call_id, sizeof f.call_id);
    detect_finding_reason(&f, "caller asked to hide its %s, yet the callee side gets %s",
                          hide_name && hide_uri ? "name and URI" : hide_name ? "name" : "URI", list);
    detect_emit(dc, &f);
}

/* ---- PRIV-HEADER-LEAK ---- */

typedef struct {
    const bnd_ctx *b;
    const imsec_addr *src;
    imsec_str caller;  /* host of the bottom-most Via: the originating UA */
    char list[256];
    unsigned n;
} hdr_walk;

static void header_check(hdr_walk *w, const char *label, imsec_str host)
{
    imsec_addr a;
    bool is_ip = imsec_addr_parse(host.p, host.len, &a);
    if (is_ip && imsec_addr_eq(&a, w->src))
        return;
    if ((is_ip && bnd_addr_ue(w->b, &a)) || (w->caller.len && imsec_str_eq_ci(host, w->caller)))
        priv_list_add(w->list, sizeof w->list, &w->n, label, host);
}

static void header_leak_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const sip_msg *msg = ev->msg;
    const bnd_ctx *b = detect_boundary(dc);
    if (!msg->is_request || !(sip_view_privacy(ev->v) & SIP_PRIV_HEADER) ||
        !privacy_callee_side(b, ev))
        return;
    hdr_walk w = {.b = b, .src = &ev->m->t.src};
    w.caller = privacy_bottom_via_host(ev->v);
    sip_view_vias vias = sip_view_via(ev->v);
    for (uint16_t i = 0; i < vias.n; i++)
        header_check(&w, "Via", vias.a[i].host);
    static const struct { sip_view_list l; const char *label; } hs[] = {
        {SIP_VIEW_L_CONTACT, "Contact"}, {SIP_VIEW_L_RECORD_ROUTE, "Record-Route"}};
    for (size_t i = 0; i < sizeof hs / sizeof *hs; i++) {
        sip_view_naddrs l = sip_view_list_get(ev->v, hs[i].l);
        for (uint16_t k = 0; k < l.n; k++)
            if (!l.a[k].star)
                header_check(&w, hs[i].label, l.a[k].uri.host);
    }
    if (!w.n)
        return;
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    imsec_str_copy(ev->call_id, f.call_id, sizeof f.call_id);
    detect_finding_reason(&f, "Privacy: header requested, yet the callee side gets the caller's "
                              "address in %s", w.list);
    detect_emit(dc, &f);
}

const detect_def detect_priv_defs[] = {
    {.rule = {.id = "PRIV-ASSERTED-ID-LEAK", .sid = 3001,
              .title = "P-Asserted-Identity leaves the trust domain or ignores Privacy: id",
              .category = "ims-privacy", .sev = IMSEC_SEV_HIGH},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = DETECT_M_ALL,
     .on_sip = asserted_id_on_sip},
    {.rule = {.id = "PRIV-USER-LEAK", .sid = 3002,
              .title = "caller name or URI reaches the callee despite user privacy",
              .category = "ims-privacy", .sev = IMSEC_SEV_HIGH},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = 0,
     .on_sip = user_leak_on_sip},
    {.rule = {.id = "PRIV-HEADER-LEAK", .sid = 3003,
              .title = "caller address in Via/Contact/Record-Route despite Privacy: header",
              .category = "ims-privacy", .sev = IMSEC_SEV_MEDIUM},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = 0,
     .on_sip = header_leak_on_sip},
};
const size_t detect_priv_ndefs = sizeof detect_priv_defs / sizeof detect_priv_defs[0];
