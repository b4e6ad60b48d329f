/* XFER-* detectors: session transfers (detections.md; RFC 3515, 3891, 3892).
 * State (state/xfer.c) builds the transfer graph; these read st_msg.xf. */
#include <string.h>

#include "detect/detect.h"
#include "rules/config.h"

static void subject_id(imsec_finding *f, const char *id)
{
    bool is_impi = strncmp(id, "sip:", 4) != 0 && strncmp(id, "tel:", 4) != 0;
    imsec_str_copy(imsec_str_make(id, strlen(id)), is_impi ? f->impi : f->impu, IMSEC_SUBJ_LEN);
}

static void subject_call(imsec_finding *f, const st_msg *ev)
{
    imsec_str_copy(ev->call_id, f->call_id, sizeof f->call_id);
}

/* ---- XFER-PARALLEL-LIMIT: transferred sessions alive per transferor terminal ---- */

static void parallel_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const term_entry *t = ev->xf.xterm;
    if (!t || (!ev->xf.sess_started && !ev->xf.sess_ended))
        return;
    int64_t max = r->p[0];
    if ((int64_t)t->alive <= max) {
        detect_mem_set(r, DETECT_MEM_TERM, &t->det_flags, 0, false);
        return;
    }
    if (!ev->xf.sess_started || detect_mem_get(r, DETECT_MEM_TERM, &t->det_flags, 0))
        return;
    detect_mem_set(r, DETECT_MEM_TERM, &t->det_flags, 0, true);
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    for (unsigned i = 0; i < t->ntracked; i++)
        detect_finding_frame(&f, t->frames[i]);
    subject_id(&f, t->key);
    subject_call(&f, ev);
    detect_finding_reason(&f, "transferor %s has %u transferred sessions alive at once (limit %lld)",
                          t->key, t->alive, (long long)max);
    detect_emit(dc, &f);
}

/* ---- XFER-CHAIN: depth and loops ---- */

static void chain_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const xf_xfer *x = ev->xf.refer;
    if (!x)
        return;
    int64_t max = r->p[0];
    bool deep = (int64_t)x->depth > max;
    if (!deep && !x->loop)
        return;
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    subject_id(&f, x->referrer);
    subject_call(&f, ev);
    if (x->loop)
        detect_finding_reason(&f, "transfer %u of the chain loops back to %s, already a party (%s referred %s)",
                              x->depth, x->target, x->referrer, x->referee);
    else
        detect_finding_reason(&f, "session transferred %u times in a chain (limit %lld): %s refers %s to %s",
                              x->depth, (long long)max, x->referrer, x->referee, x->target);
    detect_emit(dc, &f);
}

/* ---- XFER-REFERRED-BY-MISMATCH (RFC 3892 §3) ---- */

static void refby_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const xf_xfer *x = ev->xf.refer;
    if (x && x->referred_by[0] && strcmp(x->referred_by, x->referrer) != 0) {
        imsec_finding f;
        detect_finding_init(r, ev->m, &f);
        subject_id(&f, x->referrer);
        subject_call(&f, ev);
        detect_finding_reason(&f, "REFER Referred-By %s does not match its sender's %s %s",
                              x->referred_by, x->referrer_pai[0] ? "asserted identity" : "From",
                              x->referrer);
        detect_emit(dc, &f);
    }
    const xf_sess *s = ev->xf.sess;
    if (ev->xf.sess_linked && s && s->invite_referred_by[0] &&
        strcmp(s->invite_referred_by, s->x.referrer) != 0) {
        imsec_finding f;
        detect_finding_init(r, ev->m, &f);
        detect_finding_frame(&f, s->x.refer_frame);
        subject_id(&f, s->x.referrer);
        subject_call(&f, ev);
        detect_finding_reason(&f, "transferred INVITE claims Referred-By %s, but the REFER (frame %llu) was sent by %s",
                              s->invite_referred_by, (unsigned long long)s->x.refer_frame,
                              s->x.referrer);
        detect_emit(dc, &f);
    }
}

/* ---- XFER-TOKEN-UNATTRIBUTED ---- */

static bool domain_matches(const char *host, const char *dom)
{
    size_t hl = strlen(host), dl = strlen(dom);
    if (!hl || !dl)
        return false;
    const char *a = hl >= dl ? host : dom, *b = hl >= dl ? dom : host;
    size_t al = hl >= dl ? hl : dl, bl = hl >= dl ? dl : hl;
    for (size_t i = 0; i < bl; i++)
        if (imsec_ascii_lower((unsigned char)a[al - bl + i]) != imsec_ascii_lower((unsigned char)b[i]))
            return false;
    return al == bl || a[al - bl - 1] == '.';
}

static void token_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const xf_xfer *x = ev->xf.refer;
    if (!x || !ev->xf.target_token || (int64_t)ev->xf.token_len < r->p[0])
        return;
    const char *host = ev->xf.token_host;
    const rules_site *site = rules_config_site(detect_config(dc));
    bool named = !ev->xf.token_host_ip && host[0] &&
                 (domain_matches(host, ev->xf.referrer_domain) ||
                  rules_site_home_domain(site, host, strlen(host)));
    if (named)
        return;
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    subject_id(&f, x->referrer);
    subject_call(&f, ev);
    detect_finding_reason(&f, "Refer-To token (%u chars) at %s%s does not name the transferor's network %s",
                          ev->xf.token_len, host[0] ? host : "(no host)",
                          ev->xf.token_host_ip ? " (an address)" : "",
                          ev->xf.referrer_domain[0] ? ev->xf.referrer_domain : "(unknown)");
    detect_emit(dc, &f);
}

/* ---- XFER-ORPHAN-SESSION ---- */

static void orphan_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const xf_sess *s = ev->xf.sess;
    if (!s || !s->transferor_gone || detect_mem_get(r, DETECT_MEM_XF_SESS, &s->det_flags, 0))
        return;
    if (!s->alive && !ev->xf.sess_ended)
        return;
    int64_t grace = r->p[0];
    if (ev->m->ts.sec - s->gone_ts.sec <= grace)
        return;
    detect_mem_set(r, DETECT_MEM_XF_SESS, &s->det_flags, 0, true);
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    detect_finding_frame(&f, s->invite_frame);
    detect_finding_frame(&f, s->x.refer_frame);
    detect_finding_frame(&f, s->gone_frame);
    subject_id(&f, s->x.charged);
    subject_call(&f, ev);
    detect_finding_reason(&f, "transferred session still up %llds after the transferor's registration %s %s (grace %llds)",
                          (long long)(ev->m->ts.sec - s->gone_ts.sec), s->x.charged,
                          s->gone_why ? s->gone_why : "ended", (long long)grace);
    detect_emit(dc, &f);
}

/* ---- XFER-PREMIUM-DESTINATION ---- */

static const char *prefix_hit(const rules_strlist *l, const char *num)
{
    for (size_t i = 0; l && i < l->n; i++) {
        char p[IDENT_MAX];
        size_t n = xf_number_of_str(l->v[i], p);
        if (n && strncmp(num, p, n) == 0)
            return l->v[i];
    }
    return NULL;
}

static void premium_check(detect_ctx *dc, const detect_rule *r, const st_msg *ev, const char *num,
                          const char *what, const char *who, uint64_t extra)
{
    if (!num[0])
        return;
    const imsec_config *cfg = detect_config(dc);
    const char *hit = prefix_hit(rules_param_strlist(cfg, r->id, "premium"), num);
    const char *list = "premium-rate";
    if (!hit) {
        hit = prefix_hit(rules_param_strlist(cfg, r->id, "foreign"), num);
        list = "foreign";
    }
    if (!hit)
        return;
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    detect_finding_frame(&f, extra);
    subject_id(&f, who);
    subject_call(&f, ev);
    detect_finding_reason(&f, "%s %s matches %s prefix %s (transfer by %s)", what, num, list, hit, who);
    detect_emit(dc, &f);
}

static void premium_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    if (ev->xf.refer) {
        premium_check(dc, r, ev, ev->xf.target_number, "Refer-To target", ev->xf.refer->referrer, 0);
        return;
    }
    const xf_sess *s = ev->xf.sess;
    /* The transferred INVITE, when its Request-URI is not what the REFER named. */
    if (ev->xf.sess_linked && s && s->ruri_number[0]) {
        char tn[IDENT_MAX];
        xf_number_of_str(s->x.target, tn);
        if (strcmp(tn, s->ruri_number) != 0)
            premium_check(dc, r, ev, s->ruri_number, "transferred INVITE Request-URI",
                          s->x.referrer, s->x.refer_frame);
    }
}

/* ---- XFER-REFER-FLOOD ---- */

static void flood_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const xf_sender *sd = ev->xf.sender;
    if (!ev->xf.refer || !sd)
        return;
    int64_t max = r->p[0], window = r->p[1];
    uint32_t n = 0;
    uint64_t frames[XF_HIST];
    for (uint32_t i = 0; i < sd->count; i++) {
        uint32_t k = (sd->next + XF_HIST - 1 - i) % XF_HIST;
        int64_t age_us = (ev->m->ts.sec - sd->ts[k].sec) * 1000000 +
                         ((int64_t)ev->m->ts.usec - (int64_t)sd->ts[k].usec);
        if (age_us >= window * 1000000)
            break;
        frames[n++] = sd->frame[k];
    }
    if ((int64_t)n <= max) {
        detect_mem_set(r, DETECT_MEM_XF_SENDER, &sd->det_flags, 0, false);
        return;
    }
    if (detect_mem_get(r, DETECT_MEM_XF_SENDER, &sd->det_flags, 0))
        return;
    detect_mem_set(r, DETECT_MEM_XF_SENDER, &sd->det_flags, 0, true);
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    for (uint32_t i = 0; i < n; i++)
        detect_finding_frame(&f, frames[i]);
    subject_id(&f, sd->key);
    subject_call(&f, ev);
    detect_finding_reason(&f, "%u REFERs from %s within %llds (limit %lld)", n, sd->key,
                          (long long)window, (long long)max);
    detect_emit(dc, &f);
}

const detect_def detect_xfer_defs[] = {
    {.rule = {.id = "XFER-PARALLEL-LIMIT", .sid = 4001,
              .title = "terminal runs more transferred sessions at once than allowed",
              .category = "ims-transfer", .sev = IMSEC_SEV_HIGH,
              RULES_PARAMS({ .name = "max", .type = RULES_P_INT, .min = 1, .max = 100000,
                       .doc = "transferred sessions one transferor (its registration) may have alive at once",
                       .def = "2" })},
     .needs = DETECT_NEED_IMS,
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = DETECT_M_ALL,
     .mem = {{DETECT_MEM_TERM, 1}},
     .on_sip = parallel_on_sip},
    {.rule = {.id = "XFER-CHAIN", .sid = 4002,
              .title = "session transferred along a chain, or back to a party of it",
              .category = "ims-transfer", .sev = IMSEC_SEV_MEDIUM,
              RULES_PARAMS({ .name = "max_depth", .type = RULES_P_INT, .min = 1, .max = 1000,
                       .doc = "transfers one session may go through (A->B->C is 1, A->B->C->D is 2)",
                       .def = "1" })},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M(SIP_M_REFER),
     .rsp_methods = 0,
     .on_sip = chain_on_sip},
    {.rule = {.id = "XFER-REFERRED-BY-MISMATCH", .sid = 4003,
              .title = "Referred-By does not match the transferor's asserted identity",
              .category = "ims-transfer", .sev = IMSEC_SEV_HIGH},
     .needs = DETECT_NEED_IMS,
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M(SIP_M_REFER) | DETECT_M(SIP_M_INVITE),
     .rsp_methods = 0,
     .on_sip = refby_on_sip},
    {.rule = {.id = "XFER-TOKEN-UNATTRIBUTED", .sid = 4004,
              .title = "Refer-To token does not name the network that made it",
              .category = "ims-transfer", .sev = IMSEC_SEV_MEDIUM,
              RULES_PARAMS({ .name = "min_len", .type = RULES_P_INT, .min = 8, .max = 1024,
                       .doc = "shortest Refer-To user part treated as an opaque token", .def = "16" })},
     .needs = DETECT_NEED_IMS,
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M(SIP_M_REFER),
     .rsp_methods = 0,
     .on_sip = token_on_sip},
    {.rule = {.id = "XFER-ORPHAN-SESSION", .sid = 4005,
              .title = "transferred session outlives the transferor's registration",
              .category = "ims-transfer", .sev = IMSEC_SEV_MEDIUM,
              RULES_PARAMS({ .name = "grace", .type = RULES_P_INT, .min = 0, .max = 86400,
                       .doc = "seconds (packet time) the network may take to release it", .def = "32" })},
     .needs = DETECT_NEED_IMS,
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = DETECT_M_ALL,
     .mem = {{DETECT_MEM_XF_SESS, 1}},
     .on_sip = orphan_on_sip},
    {.rule = {.id = "XFER-PREMIUM-DESTINATION", .sid = 4006,
              .title = "transfer to a premium-rate or foreign number",
              .category = "ims-transfer", .sev = IMSEC_SEV_HIGH,
              RULES_PARAMS({ .name = "premium", .type = RULES_P_STRLIST,
                       .doc = "premium-rate prefixes (E.164 with +, 00 or national digits; sip/tel normalised)",
                       .def = "[\"+1900\",\"+1976\",\"+4490\",\"+4487\",\"+49900\",\"+33899\",\"+3989\",\"+881\",\"+882\",\"+883\",\"+979\"]" },
                     { .name = "foreign", .type = RULES_P_STRLIST,
                       .doc = "international prefixes not to be reached by a transfer (site choice)",
                       .def = "[]" })},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M(SIP_M_REFER) | DETECT_M(SIP_M_INVITE),
     .rsp_methods = 0,
     .on_sip = premium_on_sip},
    {.rule = {.id = "XFER-REFER-FLOOD", .sid = 4007,
              .title = "burst of REFERs from one identity",
              .category = "ims-transfer", .sev = IMSEC_SEV_MEDIUM,
              RULES_PARAMS({ .name = "max", .type = RULES_P_INT, .min = 1, .max = 63,
                       .doc = "REFERs one identity may send within the window", .def = "10" },
                     { .name = "window", .type = RULES_P_INT, .min = 1, .max = 86400,
                       .doc = "window in seconds of packet time", .def = "60" })},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M(SIP_M_REFER),
     .rsp_methods = 0,
     .mem = {{DETECT_MEM_XF_SENDER, 1}},
     .on_sip = flood_on_sip},
};
const size_t detect_xfer_ndefs = sizeof detect_xfer_defs / sizeof detect_xfer_defs[0];
