#include "detect/detect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/imsec_str.h"
#include "rules/catalog.h"
#include "rules/config.h"

typedef struct {
    const detect_def *defs;
    const size_t *ndefs;
} family;

/* Registry: the family tables, in the order their findings are reported. */
static const family families[] = {
    {detect_key_defs, &detect_key_ndefs},
    {detect_xfer_defs, &detect_xfer_ndefs},
    {detect_sess_defs, &detect_sess_ndefs},
    {detect_reg_defs, &detect_reg_ndefs},
    {detect_hide_defs, &detect_hide_ndefs},
    {detect_priv_defs, &detect_priv_ndefs},
    {detect_media_defs, &detect_media_ndefs},
    {detect_sipwire_defs, &detect_sipwire_ndefs},
    {detect_attack_defs, &detect_attack_ndefs},
};

struct detect_ctx {
    const imsec_config *cfg;
    st_state *st;
    imsec_stats *stats;
    detect_emit_fn emit;
    void *ud;
    detect_rule *rules;
    size_t nrules;
    const detect_rule **on_sip, **on_end;
    size_t n_sip, n_end;
    const bnd_ctx *bnd;
    const media_tbl *media;
    const netctx *nc;
    hide_state *hide;
    atk_state *atk;
    bool atk_on;          /* some SIP-* attack rule is enabled: keep its memory */
};

static bool bind_rule(const imsec_config *cfg, const detect_def *d, detect_rule *r,
                      char err[IMSEC_ERRBUF])
{
    const rules_catalog_entry *ce = rules_catalog_find(d->rule, NULL);
    if (!ce) {
        snprintf(err, IMSEC_ERRBUF, "detector %s has no catalogue entry", d->rule);
        return false;
    }
    r->def = d;
    r->id = ce->id;
    r->title = ce->title;
    r->category = ce->category;
    r->sid = ce->sid;
    r->sev = rules_rule_sev(cfg, d->rule);
    for (int i = 0; i < DETECT_MAX_PARAMS && d->params[i]; i++)
        r->p[i] = rules_param_int(cfg, d->rule, d->params[i]);
    return true;
}

detect_ctx *detect_new(const imsec_config *cfg, st_state *st, imsec_stats *stats,
                       detect_emit_fn emit, void *ud, char err[IMSEC_ERRBUF])
{
    size_t total = 0;
    for (size_t f = 0; f < sizeof families / sizeof *families; f++)
        total += *families[f].ndefs;
    detect_ctx *dc = calloc(1, sizeof *dc);
    if (!dc)
        return NULL;
    dc->rules = calloc(total ? total : 1, sizeof *dc->rules);
    dc->on_sip = calloc(total ? total : 1, sizeof *dc->on_sip);
    dc->on_end = calloc(total ? total : 1, sizeof *dc->on_end);
    if (!dc->rules || !dc->on_sip || !dc->on_end)
        goto fail;
    dc->cfg = cfg;
    dc->st = st;
    dc->stats = stats;
    dc->emit = emit;
    dc->ud = ud;
    dc->hide = hide_state_new();
    dc->atk = atk_state_new();
    if (!dc->hide || !dc->atk)
        goto fail;
    for (size_t f = 0; f < sizeof families / sizeof *families; f++) {
        for (size_t i = 0; i < *families[f].ndefs; i++) {
            const detect_def *d = &families[f].defs[i];
            if (!rules_rule_enabled(cfg, d->rule))
                continue;
            detect_rule *r = &dc->rules[dc->nrules];
            if (!bind_rule(cfg, d, r, err))
                goto fail;
            dc->nrules++;
            dc->atk_on |= families[f].defs == detect_attack_defs;
            if ((d->hooks & DETECT_HOOK_SIP) && d->on_sip)
                dc->on_sip[dc->n_sip++] = r;
            if ((d->hooks & DETECT_HOOK_END) && d->on_end)
                dc->on_end[dc->n_end++] = r;
        }
    }
    return dc;
fail:
    detect_free(dc);
    return NULL;
}

void detect_free(detect_ctx *dc)
{
    if (!dc)
        return;
    free(dc->rules);
    free(dc->on_sip);
    free(dc->on_end);
    hide_state_free(dc->hide);
    atk_state_free(dc->atk);
    free(dc);
}

st_state *detect_state(detect_ctx *dc) { return dc->st; }
const imsec_config *detect_config(detect_ctx *dc) { return dc->cfg; }
void detect_set_boundary(detect_ctx *dc, const bnd_ctx *b) { dc->bnd = b; }
const bnd_ctx *detect_boundary(detect_ctx *dc) { return dc->bnd; }
void detect_set_media(detect_ctx *dc, const media_tbl *mt) { dc->media = mt; }
const media_tbl *detect_media(detect_ctx *dc) { return dc->media; }
hide_state *detect_hide_state(detect_ctx *dc) { return dc->hide; }
atk_state *detect_attack_state(detect_ctx *dc) { return dc->atk; }

void detect_set_netctx(detect_ctx *dc, const netctx *nc) { dc->nc = nc; }

/* The DETECT_NEED_* bits that hold now. */
static uint32_t context_now(const detect_ctx *dc)
{
    uint32_t have = 0;
    if (dc->nc && netctx_ims(dc->nc))
        have |= DETECT_NEED_IMS;
    if (bnd_known(dc->bnd))
        have |= DETECT_NEED_BOUNDARY;
    return have;
}

/* Whether r may run now; remembers that it did, for detect_report_idle. */
static bool in_context(const detect_rule *cr, uint32_t have)
{
    detect_rule *r = (detect_rule *)(uintptr_t)cr; /* registry-owned bookkeeping */
    if ((r->def->needs & have) != r->def->needs)
        return false;
    r->ran = true;
    return true;
}

void detect_on_sip(detect_ctx *dc, const st_msg *ev)
{
    uint32_t have = context_now(dc);
    if (dc->atk_on) /* shared memory of the SIP-* rules, updated once per message */
        atk_observe(dc->atk, ev);
    for (size_t i = 0; i < dc->n_sip; i++)
        if (in_context(dc->on_sip[i], have))
            dc->on_sip[i]->def->on_sip(dc, dc->on_sip[i], ev);
}

void detect_on_end(detect_ctx *dc)
{
    uint32_t have = context_now(dc);
    for (size_t i = 0; i < dc->n_end; i++)
        if (in_context(dc->on_end[i], have))
            dc->on_end[i]->def->on_end(dc, dc->on_end[i]);
}

/* Why a rule was idle, and the site-profile line that gives it context. */
static void idle_reason(uint32_t missing, imsec_idle_rule *out)
{
    if (missing & DETECT_NEED_IMS) {
        out->reason = "no IMS evidence in the capture";
        out->enable = "{\"site\": {\"network\": \"ims\"}}";
    } else {
        out->reason = "home-network boundary unknown (not in the site profile, and no registrar "
                      "or proxy role seen)";
        out->enable = "{\"site\": {\"internal_prefixes\": [\"10.0.0.0/8\"]}}";
    }
}

void detect_report_idle(detect_ctx *dc, imsec_stats *stats)
{
    uint32_t have = context_now(dc);
    stats->nidle = stats->idle_more = 0;
    for (size_t i = 0; i < dc->nrules; i++) {
        const detect_rule *r = &dc->rules[i];
        if (r->ran || !r->def->needs)
            continue;
        if (stats->nidle == IMSEC_MAX_IDLE) {
            stats->idle_more++;
            continue;
        }
        imsec_idle_rule *o = &stats->idle[stats->nidle++];
        o->rule = r->id;
        idle_reason(r->def->needs & ~have ? r->def->needs & ~have : r->def->needs, o);
    }
}

void detect_finding_init(const detect_rule *r, const net_meta *m, imsec_finding *f)
{
    memset(f, 0, sizeof *f);
    f->rule = r->id;
    f->sid = r->sid;
    f->title = r->title;
    f->category = r->category;
    f->sev = r->sev;
    if (m) {
        f->ts = m->ts;
        f->tuple = m->t;
        f->has_tuple = true;
        f->trigger_frame = m->frame;
        detect_finding_frame(f, m->frame);
    }
}

void detect_finding_frame(imsec_finding *f, uint64_t frame)
{
    if (frame == 0)
        return;
    uint32_t i = 0;
    while (i < f->nframes && f->frames[i] < frame)
        i++;
    if (i < f->nframes && f->frames[i] == frame)
        return;
    if (f->nframes == IMSEC_MAX_EVIDENCE) {
        if (i == f->nframes)
            return; /* keep the earliest frames: the first proof matters most */
        f->nframes--;
    }
    memmove(&f->frames[i + 1], &f->frames[i], (f->nframes - i) * sizeof f->frames[0]);
    f->frames[i] = frame;
    f->nframes++;
}

void detect_finding_reason(imsec_finding *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(f->reason, sizeof f->reason, fmt, ap);
    va_end(ap);
    if (n < 0)
        f->reason[0] = '\0';
}

void detect_emit(detect_ctx *dc, imsec_finding *f)
{
    dc->stats->findings++;
    if (dc->emit)
        dc->emit(dc->ud, f);
}
