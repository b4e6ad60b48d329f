#include "detect/detect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/imsec_str.h"
#include "rules/config.h"

/* Registry: the family tables, in the order their findings are reported. */
static const detect_family families[] = {
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

#define NDIR 2 /* 0: responses, 1: requests */

struct detect_ctx {
    const imsec_config *cfg;
    st_state *st;
    imsec_stats *stats;
    detect_emit_fn emit;
    void *ud;
    detect_rule *rules;
    size_t nrules;
    /* on SIP: by_method[(dir * SIP_M__COUNT + method) * nrules + i], i < n_sip[dir][method] */
    const detect_rule **by_method;
    size_t n_sip[NDIR][SIP_M__COUNT];
    const detect_rule **on_end;
    size_t n_end;
    const bnd_ctx *bnd;
    const media_tbl *media;
    const netctx *nc;
    uint32_t have_ever;   /* DETECT_NEED_* bits that held at some message */
    atk_state *atk;
    bool atk_on;          /* some SIP-* attack rule is enabled: keep its memory */
};

static size_t count_defs(const detect_family *fams, size_t nfam)
{
    size_t total = 0;
    for (size_t f = 0; f < nfam; f++)
        total += *fams[f].ndefs;
    return total;
}

imsec_config *detect_config_new(const detect_family *fams, size_t nfam, char *err, size_t cap)
{
    size_t n = count_defs(fams, nfam), k = 0;
    const rules_def **defs = calloc(n ? n : 1, sizeof *defs);
    if (!defs) {
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    for (size_t f = 0; f < nfam; f++)
        for (size_t i = 0; i < *fams[f].ndefs; i++)
            defs[k++] = &fams[f].defs[i].rule;
    imsec_config *c = rules_config_new(defs, n, err, cap);
    free(defs);
    return c;
}

imsec_config *imsec_config_new(char err[IMSEC_ERRBUF])
{
    return detect_config_new(families, sizeof families / sizeof *families, err, IMSEC_ERRBUF);
}

/* Settings from the configuration (which holds d's rule); memory bits
 * from used[] (bits already taken per subject kind, in table order). */
static bool bind_rule(const imsec_config *cfg, const detect_def *d, detect_rule *r,
                      uint8_t used[DETECT_MEM__COUNT], char err[IMSEC_ERRBUF])
{
    const rules_def *e = &d->rule;
    if ((d->hooks & DETECT_HOOK_SIP) && (!d->on_sip || !(d->req_methods | d->rsp_methods))) {
        snprintf(err, IMSEC_ERRBUF, "detector %s hooks SIP without a callback or methods", e->id);
        return false;
    }
    if (((d->hooks & DETECT_HOOK_END) && !d->on_end) || e->nparams > DETECT_MAX_PARAMS) {
        snprintf(err, IMSEC_ERRBUF, "detector %s: bad definition", e->id);
        return false;
    }
    r->def = d;
    r->id = e->id;
    r->title = e->title;
    r->category = e->category;
    r->sid = e->sid;
    r->sev = rules_rule_sev(cfg, e->id);
    for (size_t i = 0; i < e->nparams; i++)
        if (e->params[i].type == RULES_P_INT)
            r->p[i] = rules_param_int(cfg, e->id, e->params[i].name);
    for (size_t i = 0; i < DETECT_MAX_MEM; i++) {
        const detect_mem_req *m = &d->mem[i];
        if (!m->bits)
            continue;
        if ((unsigned)m->kind >= DETECT_MEM__COUNT || r->mem_bits[m->kind] ||
            used[m->kind] + m->bits > DETECT_MEM_WORD_BITS) {
            snprintf(err, IMSEC_ERRBUF, "detector %s: no room for %u memory bits of kind %d",
                     e->id, m->bits, (int)m->kind);
            return false;
        }
        r->mem_off[m->kind] = used[m->kind];
        r->mem_bits[m->kind] = m->bits;
        used[m->kind] = (uint8_t)(used[m->kind] + m->bits);
    }
    if (d->ctx_new && !(r->ctx = d->ctx_new())) {
        snprintf(err, IMSEC_ERRBUF, "out of memory");
        return false;
    }
    return true;
}

detect_ctx *detect_new_families(const detect_family *fams, size_t nfam, const imsec_config *cfg,
                                st_state *st, imsec_stats *stats, detect_emit_fn emit, void *ud,
                                char err[IMSEC_ERRBUF])
{
    size_t total = count_defs(fams, nfam);
    size_t cap = total ? total : 1;
    detect_ctx *dc = calloc(1, sizeof *dc);
    if (!dc) {
        snprintf(err, IMSEC_ERRBUF, "out of memory");
        return NULL;
    }
    dc->rules = calloc(cap, sizeof *dc->rules);
    dc->on_end = calloc(cap, sizeof *dc->on_end);
    if (!dc->rules || !dc->on_end) {
        snprintf(err, IMSEC_ERRBUF, "out of memory");
        goto fail;
    }
    dc->cfg = cfg;
    dc->st = st;
    dc->stats = stats;
    dc->emit = emit;
    dc->ud = ud;
    dc->atk = atk_state_new();
    if (!dc->atk) {
        snprintf(err, IMSEC_ERRBUF, "out of memory");
        goto fail;
    }
    uint8_t used[DETECT_MEM__COUNT] = {0};
    for (size_t f = 0; f < nfam; f++) {
        for (size_t i = 0; i < *fams[f].ndefs; i++) {
            const detect_def *d = &fams[f].defs[i];
            size_t idx;
            if (!rules_config_find(cfg, d->rule.id, &idx) ||
                rules_config_def_at(cfg, idx) != &d->rule) {
                snprintf(err, IMSEC_ERRBUF, "detector %s is not in the configuration's rule table",
                         d->rule.id);
                goto fail;
            }
            if (!rules_rule_enabled(cfg, d->rule.id))
                continue;
            if (!bind_rule(cfg, d, &dc->rules[dc->nrules], used, err)) {
                dc->nrules++; /* its ctx, if any, is freed with the rest */
                goto fail;
            }
            dc->nrules++;
            dc->atk_on |= fams[f].defs == detect_attack_defs;
        }
    }
    /* Call arrays, filled in table order. */
    size_t stride = dc->nrules ? dc->nrules : 1;
    dc->by_method = calloc(NDIR * SIP_M__COUNT * stride, sizeof *dc->by_method);
    if (!dc->by_method) {
        snprintf(err, IMSEC_ERRBUF, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < dc->nrules; i++) {
        const detect_rule *r = &dc->rules[i];
        const detect_def *d = r->def;
        if (d->hooks & DETECT_HOOK_SIP)
            for (unsigned dir = 0; dir < NDIR; dir++)
                for (unsigned m = 0; m < SIP_M__COUNT; m++)
                    if ((dir ? d->req_methods : d->rsp_methods) & DETECT_M(m))
                        dc->by_method[(dir * SIP_M__COUNT + m) * stride + dc->n_sip[dir][m]++] = r;
        if (d->hooks & DETECT_HOOK_END)
            dc->on_end[dc->n_end++] = r;
    }
    return dc;
fail:
    detect_free(dc);
    return NULL;
}

detect_ctx *detect_new(const imsec_config *cfg, st_state *st, imsec_stats *stats,
                       detect_emit_fn emit, void *ud, char err[IMSEC_ERRBUF])
{
    return detect_new_families(families, sizeof families / sizeof *families, cfg, st, stats, emit,
                               ud, err);
}

void detect_free(detect_ctx *dc)
{
    if (!dc)
        return;
    for (size_t i = 0; dc->rules && i < dc->nrules; i++)
        if (dc->rules[i].ctx && dc->rules[i].def && dc->rules[i].def->ctx_free)
            dc->rules[i].def->ctx_free(dc->rules[i].ctx);
    free(dc->rules);
    free(dc->by_method);
    free(dc->on_end);
    atk_state_free(dc->atk);
    free(dc);
}

const st_state *detect_state(const detect_ctx *dc) { return dc->st; }
const reg_entry *detect_reg_by_impi(detect_ctx *dc, const char *impi)
{
    return st_reg_by_impi(dc->st, impi);
}
const imsec_config *detect_config(const detect_ctx *dc) { return dc->cfg; }
void detect_set_boundary(detect_ctx *dc, const bnd_ctx *b) { dc->bnd = b; }
const bnd_ctx *detect_boundary(detect_ctx *dc) { return dc->bnd; }
void detect_set_media(detect_ctx *dc, const media_tbl *mt) { dc->media = mt; }
const media_tbl *detect_media(detect_ctx *dc) { return dc->media; }
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

/* Whether r may run in context have. */
static bool in_context(const detect_rule *r, uint32_t have)
{
    return (r->def->needs & have) == r->def->needs;
}


bool detect_mem_get(const detect_rule *r, detect_mem_kind k, const uint32_t *word, unsigned bit)
{
    if ((unsigned)k >= DETECT_MEM__COUNT || bit >= r->mem_bits[k])
        return false;
    return (*word >> (r->mem_off[k] + bit)) & 1u;
}

void detect_mem_set(const detect_rule *r, detect_mem_kind k, const uint32_t *word, unsigned bit,
                    bool on)
{
    if ((unsigned)k >= DETECT_MEM__COUNT || bit >= r->mem_bits[k])
        return;
    /* The one write through a const state view: the word is detector
     * memory lent by the registry (see detect.h), never state's own. */
    uint32_t *w = (uint32_t *)(uintptr_t)word;
    uint32_t mask = 1u << (r->mem_off[k] + bit);
    *w = on ? (*w | mask) : (*w & ~mask);
}

void *detect_rule_ctx(const detect_rule *r) { return r->ctx; }

void detect_on_sip(detect_ctx *dc, const st_msg *ev)
{
    if (dc->atk_on) /* shared memory of the SIP-* rules, updated once per message */
        atk_observe(dc->atk, ev);
    unsigned dir = ev->msg->is_request ? 1u : 0u;
    unsigned m = dir ? (unsigned)ev->msg->method : (unsigned)ev->cseq_method;
    if (m >= SIP_M__COUNT)
        return;
    uint32_t have = context_now(dc);
    dc->have_ever |= have;
    size_t stride = dc->nrules ? dc->nrules : 1;
    const detect_rule *const *v = dc->by_method + (dir * SIP_M__COUNT + m) * stride;
    for (size_t i = 0; i < dc->n_sip[dir][m]; i++)
        if (in_context(v[i], have))
            v[i]->def->on_sip(dc, v[i], ev);
}

void detect_on_end(detect_ctx *dc)
{
    uint32_t have = context_now(dc);
    dc->have_ever |= have;
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
    uint32_t have = dc->have_ever | context_now(dc);
    stats->nidle = stats->idle_more = 0;
    for (size_t i = 0; i < dc->nrules; i++) {
        const detect_rule *r = &dc->rules[i];
        uint32_t missing = r->def->needs & ~have;
        if (!missing)
            continue;
        if (stats->nidle == IMSEC_MAX_IDLE) {
            stats->idle_more++;
            continue;
        }
        imsec_idle_rule *o = &stats->idle[stats->nidle++];
        o->rule = r->id;
        idle_reason(missing, o);
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
