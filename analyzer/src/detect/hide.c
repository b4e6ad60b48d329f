/* HIDE-* detectors: topology hiding (THIG) across the home network's
 * boundary (detections.md "HIDE"; TS 24.229 §5.10.4, TS 23.228 §4.14 THIG;
 * Kamailio topoh/topos). The boundary comes from state/boundary, token
 * recognition and topoh unmasking from state/token; this file only judges. */
#include <stdio.h>
#include <string.h>

#include "detect/detect.h"
#include "detect/hide_state.h"
#include "rules/config.h"
#include "sip/sdp.h"
#include "sip/sip_hdr.h"
#include "state/boundary.h"
#include "state/token.h"

#define HIDE_REASON_ITEMS 4

/* One hop-revealing entry of a routing header. */
typedef struct {
    sip_hdr_type type;
    imsec_str host;
    imsec_str params;    /* Via params or URI params */
    imsec_str uri_user;
} hide_entry;

typedef bool (*hide_entry_fn)(void *ud, const hide_entry *e);

/* Walks Via, Record-Route, Path, Service-Route and Contact entries. */
static void walk_entries(const sip_view *v, hide_entry_fn fn, void *ud)
{
    sip_view_vias vias = sip_view_via(v);
    for (uint16_t i = 0; i < vias.n; i++) {
        hide_entry e = {.type = SIP_HDR_VIA, .host = vias.a[i].host, .params = vias.a[i].params};
        if (!fn(ud, &e))
            return;
    }
    static const struct { sip_view_list l; sip_hdr_type t; } lists[] = {
        {SIP_VIEW_L_RECORD_ROUTE, SIP_HDR_RECORD_ROUTE}, {SIP_VIEW_L_PATH, SIP_HDR_PATH},
        {SIP_VIEW_L_SERVICE_ROUTE, SIP_HDR_SERVICE_ROUTE}, {SIP_VIEW_L_CONTACT, SIP_HDR_CONTACT}};
    for (size_t t = 0; t < sizeof lists / sizeof *lists; t++) {
        sip_view_naddrs l = sip_view_list_get(v, lists[t].l);
        for (uint16_t i = 0; i < l.n; i++) {
            const sip_naddr *n = &l.a[i];
            if (n->star)
                continue;
            hide_entry e = {.type = lists[t].t, .host = n->uri.host, .params = n->uri.params,
                            .uri_user = n->uri.user};
            if (!fn(ud, &e))
                return;
        }
    }
}

static bool host_is(imsec_str host, const imsec_addr *a)
{
    imsec_addr x;
    return imsec_addr_parse(host.p, host.len, &x) && imsec_addr_eq(&x, a);
}

static const bnd_ctx *outward(detect_ctx *dc, const st_msg *ev)
{
    const bnd_ctx *b = detect_boundary(dc);
    return ev->dir == BND_OUT ? b : NULL;
}

static void finding_subject(imsec_finding *f, const st_msg *ev)
{
    imsec_str_copy(ev->call_id, f->call_id, sizeof f->call_id);
}

/* Appends "label value" to a reason list of at most HIDE_REASON_ITEMS. */
static void list_add(char *buf, size_t cap, unsigned *n, const char *label, imsec_str v)
{
    char item[160];
    char val0[96];
    bool cut0 = v.len > 40; /* tokens are long and say nothing more past this */
    imsec_str_copy(cut0 ? imsec_str_make(v.p, 40) : v, val0, sizeof val0);
    snprintf(item, sizeof item, "%s%s%s%s", label, label[0] ? " " : "", val0, cut0 ? "..." : "");
    if (strstr(buf, item)) /* our own NUL-terminated text: the same item once */
        return;
    (*n)++;
    size_t o = strlen(buf);
    if (*n > HIDE_REASON_ITEMS) {
        if (*n == HIDE_REASON_ITEMS + 1 && o + 6 < cap)
            snprintf(buf + o, cap - o, ", ...");
        return;
    }
    snprintf(buf + o, cap - o, "%s%s", o ? ", " : "", item);
}

/* ---- HIDE-TOPOLOGY-LEAK ---- */

typedef struct {
    const bnd_ctx *b;
    const net_meta *m;
    imsec_str self;  /* a request's top Via host: the sending node's own name */
    char list[256];
    unsigned n;
} leak_walk;

static bool leak_entry(void *ud, const hide_entry *e)
{
    leak_walk *w = ud;
    imsec_str tb;
    if (!bnd_host_home(w->b, e->host) || host_is(e->host, &w->m->t.src))
        return true; /* the sender's own address is on the wire anyway */
    /* The exit node (THIG/IBCF) sends its own Via, and its own name in
     * Record-Route/Path, in clear: that entry names the sender, which the
     * next hop must reach (TS 24.229 §5.10.4, RFC 3261 §16.6). */
    if (w->self.len && imsec_str_eq_ci(e->host, w->self))
        return true;
    if (sip_param_get(e->params, "tokenized-by", &tb))
        return true;
    imsec_addr a;
    /* Contact only of a CSCF (detections.md); the UE's own Contact is a
     * privacy matter (PRIV-HEADER-LEAK). */
    if (e->type == SIP_HDR_CONTACT && imsec_addr_parse(e->host.p, e->host.len, &a) &&
        bnd_addr_ue(w->b, &a))
        return true;
    list_add(w->list, sizeof w->list, &w->n, sip_hdr_name(e->type), e->host);
    return true;
}

static void topology_leak_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const bnd_ctx *b = outward(dc, ev);
    if (!b)
        return;
    leak_walk w = {.b = b, .m = ev->m};
    const sip_via *top = ev->msg->is_request ? sip_view_via_top(ev->v) : NULL;
    if (top)
        w.self = top->host;
    walk_entries(ev->v, leak_entry, &w);
    if (!w.n)
        return;
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    finding_subject(&f, ev);
    char dst[IMSEC_ADDRSTRLEN];
    detect_finding_reason(&f, "home hops cross the boundary in clear toward %s: %s",
                          imsec_addr_str(&ev->m->t.dst, dst), w.list);
    detect_emit(dc, &f);
}

/* ---- tokens: topoh masks, tokenized-by, trivial encodings ---- */

typedef struct {
    imsec_str uparam, uprefix, vprefix;
} topoh_conv;

static imsec_str cstr(const char *s) { return imsec_str_make(s, strlen(s)); }

static void topoh_conv_get(detect_ctx *dc, topoh_conv *c)
{
    const imsec_config *cfg = detect_config(dc);
    c->uparam = cstr(rules_param_string(cfg, "HIDE-TOKEN-WEAK", "topoh_uparam"));
    c->uprefix = cstr(rules_param_string(cfg, "HIDE-TOKEN-WEAK", "topoh_uprefix"));
    c->vprefix = cstr(rules_param_string(cfg, "HIDE-TOKEN-WEAK", "topoh_vprefix"));
}

/* The topoh mask carried by an entry (without prefix), if any. */
static bool topoh_token(const topoh_conv *c, const hide_entry *e, imsec_str *tok)
{
    imsec_str v;
    char name[32];
    if (e->type == SIP_HDR_VIA) {
        if (!sip_param_get(e->params, "branch", &v))
            return false;
        if (v.len <= c->vprefix.len ||
            memcmp(v.p, c->vprefix.p, c->vprefix.len) != 0)
            return false;
        *tok = imsec_str_make(v.p + c->vprefix.len, v.len - c->vprefix.len);
        return true;
    }
    imsec_str_copy(c->uparam, name, sizeof name);
    if (!sip_param_get(e->params, name, &v) || v.len <= c->uprefix.len ||
        memcmp(v.p, c->uprefix.p, c->uprefix.len) != 0)
        return false;
    *tok = imsec_str_make(v.p + c->uprefix.len, v.len - c->uprefix.len);
    return true;
}

typedef struct {
    detect_ctx *dc;
    const bnd_ctx *b;
    topoh_conv conv;
    const rules_strlist *known;
    tok_topoh_key keys[4];
    size_t nkeys;
    tok_topoh_key cfg_key;
    bool has_cfg_key;
    int64_t min_len;
    char list[320];
    unsigned n;
} tok_walk;

static void tok_walk_init(detect_ctx *dc, const bnd_ctx *b, tok_walk *w)
{
    const imsec_config *cfg = detect_config(dc);
    memset(w, 0, sizeof *w);
    w->dc = dc;
    w->b = b;
    topoh_conv_get(dc, &w->conv);
    w->known = rules_param_strlist(cfg, "HIDE-TOKEN-WEAK", "known_keys");
    for (size_t i = 0; w->known && i < w->known->n && w->nkeys < 4; i++)
        tok_topoh_key_init(&w->keys[w->nkeys++], w->known->v[i], strlen(w->known->v[i]));
    const char *k = rules_param_string(cfg, "HIDE-TOKEN-UNDECRYPTABLE", "key");
    if (k[0]) {
        tok_topoh_key_init(&w->cfg_key, k, strlen(k));
        w->has_cfg_key = true;
    }
    w->min_len = rules_param_int(cfg, "HIDE-TOKEN-WEAK", "min_token_len");
}

/* Host hidden in a decoded topoh mask ("sip:10.1.0.2;lr" or a Via value). */
static imsec_str decoded_host(const uint8_t *p, size_t n)
{
    imsec_str s = imsec_str_make((const char *)p, n);
    sip_via v;
    sip_uri u;
    if (imsec_str_starts_with_ci(s, "SIP/") && sip_via_parse(s, &v) == IMSEC_OK)
        return v.host;
    if (sip_uri_parse(s, &u) == IMSEC_OK)
        return u.host;
    return imsec_str_make(NULL, 0);
}

static bool weak_entry(void *ud, const hide_entry *e)
{
    tok_walk *w = ud;
    imsec_str tok, tb;
    uint8_t out[512];
    char text[128];
    if (topoh_token(&w->conv, e, &tok)) {
        for (size_t i = 0; i < w->nkeys; i++) {
            long n = tok_topoh_decode(&w->keys[i], tok, out, sizeof out);
            if (n > 0 && tok_plain_sip(out, (size_t)n)) {
                list_add(w->list, sizeof w->list, &w->n, "topoh mask opens with a published key:",
                         decoded_host(out, (size_t)n));
                return true;
            }
        }
        if ((int64_t)tok.len < w->min_len)
            list_add(w->list, sizeof w->list, &w->n, "short topoh mask", tok);
        return true;
    }
    if (sip_param_get(e->params, "tokenized-by", &tb)) {
        if (tb.len == 0 || !bnd_host_home(w->b, tb))
            list_add(w->list, sizeof w->list, &w->n, "tokenized-by names a foreign domain", tb);
        else if ((int64_t)e->host.len < w->min_len && (int64_t)e->uri_user.len < w->min_len)
            list_add(w->list, sizeof w->list, &w->n, "short token", e->host);
        else if (tok_trivial_encoding(e->uri_user, text, sizeof text) ||
                 tok_trivial_encoding(e->host, text, sizeof text))
            list_add(w->list, sizeof w->list, &w->n, "token decodes to", cstr(text));
    }
    return true;
}

static void token_weak_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const bnd_ctx *b = outward(dc, ev);
    if (!b)
        return;
    tok_walk w;
    tok_walk_init(dc, b, &w);
    walk_entries(ev->v, weak_entry, &w);
    if (!w.n)
        return;
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    finding_subject(&f, ev);
    detect_finding_reason(&f, "weak hiding tokens cross the boundary: %s", w.list);
    detect_emit(dc, &f);
}

static bool undecryptable_entry(void *ud, const hide_entry *e)
{
    tok_walk *w = ud;
    imsec_str tok;
    uint8_t out[512];
    if (!topoh_token(&w->conv, e, &tok))
        return true;
    long n = tok_topoh_decode(&w->cfg_key, tok, out, sizeof out);
    if (n <= 0 || !tok_plain_sip(out, (size_t)n))
        list_add(w->list, sizeof w->list, &w->n, sip_hdr_name(e->type), tok);
    return true;
}

static void token_undecryptable_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const bnd_ctx *b = outward(dc, ev);
    if (!b)
        return;
    tok_walk w;
    tok_walk_init(dc, b, &w);
    if (!w.has_cfg_key)
        return;
    walk_entries(ev->v, undecryptable_entry, &w);
    if (!w.n)
        return;
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    finding_subject(&f, ev);
    detect_finding_reason(&f, "tokens do not open with the configured hiding key: %s", w.list);
    detect_emit(dc, &f);
}

/* ---- HIDE-CSCF-COUNT-EXPOSED ---- */

typedef struct {
    tok_walk tw;
    hide_state *hs;
    const net_meta *m;
} count_walk;

static bool count_entry(void *ud, const hide_entry *e)
{
    count_walk *w = ud;
    imsec_str tok, host = e->host;
    uint8_t out[512];
    imsec_addr a;
    if (topoh_token(&w->tw.conv, e, &tok)) {
        host = imsec_str_make(NULL, 0);
        for (size_t i = 0; i < w->tw.nkeys && !host.len; i++) {
            long n = tok_topoh_decode(&w->tw.keys[i], tok, out, sizeof out);
            if (n > 0 && tok_plain_sip(out, (size_t)n))
                host = decoded_host(out, (size_t)n);
        }
        if (!host.len)
            return true;
    } else if (e->type == SIP_HDR_CONTACT) {
        return true; /* a Contact names the endpoint, not a CSCF hop */
    }
    if (!bnd_host_home(w->tw.b, host) || host_is(host, &w->m->t.src))
        return true;
    if (imsec_addr_parse(host.p, host.len, &a) && bnd_addr_ue(w->tw.b, &a))
        return true;
    hide_state_cscf_add(w->hs, host, w->m->frame, w->m->ts);
    return true;
}

static void cscf_count_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const bnd_ctx *b = outward(dc, ev);
    if (!b)
        return;
    count_walk w;
    tok_walk_init(dc, b, &w.tw);
    w.hs = detect_rule_ctx(r);
    /* The border's own address (the source) is necessarily visible; every
     * other home CSCF named in the message counts. */
    w.m = ev->m;
    walk_entries(ev->v, count_entry, &w);
}

static void cscf_count_on_end(detect_ctx *dc, const detect_rule *r)
{
    const hide_state *hs = detect_rule_ctx(r);
    size_t n = hide_state_cscf_count(hs);
    if ((int64_t)n <= r->p[0])
        return;
    imsec_finding f;
    detect_finding_init(r, NULL, &f);
    char list[256] = "";
    unsigned k = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t fr;
        imsec_ts ts;
        const char *name = hide_state_cscf_at(hs, i, &fr, &ts);
        detect_finding_frame(&f, fr);
        if (i == 0)
            f.ts = ts;
        list_add(list, sizeof list, &k, "", cstr(name));
    }
    f.trigger_frame = f.nframes ? f.frames[0] : 0;
    detect_finding_reason(&f, "%zu home CSCF identities visible outside the boundary (allowed %lld): %s",
                          n, (long long)r->p[0], list);
    detect_emit(dc, &f);
}

/* ---- HIDE-HEADER-LEAK ---- */

/* An address literal (not a name: names in Call-ID/o= hide nothing less
 * than the domain already in From) inside home, other than the sender. */
static bool sdp_internal_addr(const bnd_ctx *b, imsec_str s, const imsec_addr *src)
{
    imsec_addr a;
    return imsec_addr_parse(s.p, s.len, &a) && bnd_addr_home(b, &a) && !imsec_addr_eq(&a, src) &&
           !bnd_addr_anchor(b, &a); /* a declared media anchor is meant to be seen */
}

static void header_leak_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const bnd_ctx *b = outward(dc, ev);
    if (!b)
        return;
    const sip_msg *msg = ev->msg;
    const imsec_addr *src = &ev->m->t.src;
    char list[320] = "";
    unsigned n = 0;
    imsec_str v;
    /* Call-ID "local@host" (RFC 3261 §8.1.1.4): the host part. */
    long at = -1;
    for (uint32_t i = 0; i < ev->call_id.len; i++)
        if (ev->call_id.p[i] == '@')
            at = (long)i;
    if (at >= 0) {
        imsec_str h = imsec_str_make(ev->call_id.p + at + 1, ev->call_id.len - (uint32_t)at - 1);
        imsec_addr a;
        if (imsec_addr_parse(h.p, h.len, &a) && bnd_addr_home(b, &a) && !imsec_addr_eq(&a, src))
            list_add(list, sizeof list, &n, "Call-ID host", h);
    }
    if (sip_msg_hdr(msg, SIP_HDR_P_CHARGING_FUNCTION_ADDRESSES))
        list_add(list, sizeof list, &n, "P-Charging-Function-Addresses",
                 sip_msg_value(msg, SIP_HDR_P_CHARGING_FUNCTION_ADDRESSES));
    v = sip_msg_value(msg, SIP_HDR_P_CHARGING_VECTOR);
    imsec_str gen;
    if (v.len && sip_param_get(v, "icid-generated-at", &gen) && bnd_host_home(b, gen) &&
        !host_is(gen, src))
        list_add(list, sizeof list, &n, "P-Charging-Vector icid-generated-at", gen);
    for (const sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_WARNING); h; h = sip_msg_hdr_next(msg, h)) {
        /* warn-code SP warn-agent SP warn-text (RFC 3261 §20.43) */
        imsec_str rest = h->value, code, agent;
        if (imsec_str_split_next(&rest, ' ', &code) && imsec_str_split_next(&rest, ' ', &agent)) {
            imsec_str host = agent;
            for (uint32_t i = 0; i < agent.len; i++)
                if (agent.p[i] == ':') {
                    host.len = i;
                    break;
                }
            if (bnd_host_home(b, host) && !host_is(host, src))
                list_add(list, sizeof list, &n, "Warning agent", agent);
        }
    }
    if (!msg->is_request && !bnd_addr_ue(b, src) && sip_msg_hdr(msg, SIP_HDR_SERVER))
        list_add(list, sizeof list, &n, "Server of a home node", sip_msg_value(msg, SIP_HDR_SERVER));
    const sdp_desc *d = sip_view_sdp(ev->v);
    if (d && d->origin.present && sdp_internal_addr(b, d->origin.addr, src))
        list_add(list, sizeof list, &n, "SDP o=", d->origin.addr);
    if (!n)
        return;
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    finding_subject(&f, ev);
    detect_finding_reason(&f, "headers crossing the boundary name home nodes: %s", list);
    detect_emit(dc, &f);
}

/* HIDE-CSCF-COUNT-EXPOSED's per-engine memory: the CSCFs seen outside. */
static void *cscf_ctx_new(void) { return hide_state_new(); }
static void cscf_ctx_free(void *ctx) { hide_state_free(ctx); }

const detect_def detect_hide_defs[] = {
    {.rule = {.id = "HIDE-TOPOLOGY-LEAK", .sid = 2001,
              .title = "home hops cross the boundary in clear",
              .category = "ims-topology-hiding", .sev = IMSEC_SEV_HIGH},
     .needs = DETECT_NEED_IMS | DETECT_NEED_BOUNDARY,
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = DETECT_M_ALL,
     .on_sip = topology_leak_on_sip},
    {.rule = {.id = "HIDE-TOKEN-WEAK", .sid = 2002,
              .title = "topology hiding token is weak or misattributed",
              .category = "ims-topology-hiding", .sev = IMSEC_SEV_MEDIUM,
              RULES_PARAMS({ .name = "known_keys", .type = RULES_P_STRLIST,
                       .doc = "published topoh mask keys (a token that opens with one hides nothing); "
                              "default: topoh's built-in mask_key (topoh.c _th_key)",
                       .def = "[\"aL9.n8~Hm]Z\"]" },
                     { .name = "min_token_len", .type = RULES_P_INT, .min = 1, .max = 1024,
                       .doc = "shortest token a scheme may emit (shorter: too short to hide a hop)",
                       .def = "16" },
                     { .name = "topoh_uparam", .type = RULES_P_STRING,
                       .doc = "Kamailio topoh URI parameter (topoh uparam_name; all HIDE rules)",
                       .def = "\"line\"" },
                     { .name = "topoh_uprefix", .type = RULES_P_STRING,
                       .doc = "topoh URI parameter value prefix (uparam_prefix)", .def = "\"sr-\"" },
                     { .name = "topoh_vprefix", .type = RULES_P_STRING,
                       .doc = "topoh Via branch prefix (vparam_prefix)", .def = "\"z9hG4bKsr-\"" })},
     .needs = DETECT_NEED_IMS | DETECT_NEED_BOUNDARY,
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = DETECT_M_ALL,
     .on_sip = token_weak_on_sip},
    {.rule = {.id = "HIDE-CSCF-COUNT-EXPOSED", .sid = 2003,
              .title = "home CSCFs visible from outside the boundary",
              .category = "ims-topology-hiding", .sev = IMSEC_SEV_MEDIUM,
              RULES_PARAMS({ .name = "max", .type = RULES_P_INT, .min = 0, .max = 10000,
                       .doc = "home CSCF identities allowed to be visible outside", .def = "0" })},
     .needs = DETECT_NEED_IMS | DETECT_NEED_BOUNDARY,
     .hooks = DETECT_HOOK_SIP | DETECT_HOOK_END,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = DETECT_M_ALL,
     .ctx_new = cscf_ctx_new,
     .ctx_free = cscf_ctx_free,
     .on_sip = cscf_count_on_sip,
     .on_end = cscf_count_on_end},
    {.rule = {.id = "HIDE-HEADER-LEAK", .sid = 2004,
              .title = "headers crossing the boundary reveal home topology",
              .category = "ims-topology-hiding", .sev = IMSEC_SEV_LOW},
     .needs = DETECT_NEED_IMS | DETECT_NEED_BOUNDARY,
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = DETECT_M_ALL,
     .on_sip = header_leak_on_sip},
    {.rule = {.id = "HIDE-TOKEN-UNDECRYPTABLE", .sid = 2005,
              .title = "hiding token does not open with the configured key",
              .category = "ims-topology-hiding", .sev = IMSEC_SEV_MEDIUM,
              RULES_PARAMS({ .name = "key", .type = RULES_P_STRING,
                       .doc = "the operator's hiding key (topoh mask_key); empty: rule idle",
                       .def = "\"\"" })},
     .needs = DETECT_NEED_IMS | DETECT_NEED_BOUNDARY,
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = DETECT_M_ALL,
     .on_sip = token_undecryptable_on_sip},
};
const size_t detect_hide_ndefs = sizeof detect_hide_defs / sizeof detect_hide_defs[0];
