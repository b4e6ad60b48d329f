#include "output/html_store.h"

#include <stdlib.h>
#include <string.h>

#include "base/siphash.h"

/* Copies a NUL-terminated string into a fixed field, truncating. */
void html_store_copy(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strnlen(src, cap - 1) : 0;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

html_report *html_report_new(const html_opts *o)
{
    html_report *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->o = *o;
    if (!r->o.max_sections)
        r->o.max_sections = HTML_DEFAULT_SECTIONS;
    for (int i = 0; i < 8; i++) {
        r->key[i] = (uint8_t)(o->seed >> (8 * i));
        r->key[8 + i] = (uint8_t)((o->seed >> (8 * i)) ^ 0x5a);
    }
    r->tabcap = 1024;
    r->tab = calloc(r->tabcap, sizeof *r->tab);
    r->xf = html_xfer_new();
    if (!r->tab || !r->xf) {
        free(r->tab);
        html_xfer_free(r->xf);
        free(r);
        return NULL;
    }
    return r;
}

void html_report_free(html_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nmsg; i++)
        free(r->msg[i].text);
    free(r->msg);
    free(r->fnd);
    free(r->flow);
    free(r->tab);
    html_xfer_free(r->xf);
    for (size_t i = 0; i < r->nsec; i++)
        free(r->sec[i].u.p);
    free(r->sec);
    free(r);
}

uint64_t html_report_findings(const html_report *r) { return r->fnd_total; }

uint32_t html_store_flow_get(html_report *r, const char *cid, bool create);

/* Kept messages are in arrival order, which is frame order: binary search. */
static uint32_t msg_by_frame(const html_report *r, uint64_t frame)
{
    size_t lo = 0, hi = r->nmsg;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->msg[mid].frame < frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->nmsg && r->msg[lo].frame == frame ? (uint32_t)lo : UINT32_MAX;
}

/* Flows a finding cites keep their messages when they end. */
static void mark_flows(html_report *r, const imsec_finding *f)
{
    if (f->call_id[0]) {
        uint32_t fi = html_store_flow_get(r, f->call_id, false);
        if (fi != UINT32_MAX)
            r->flow[fi].has_finding = true;
    }
    for (uint32_t k = 0; k <= f->nframes; k++) {
        uint64_t fr = k < f->nframes ? f->frames[k] : f->trigger_frame;
        for (uint32_t mi = msg_by_frame(r, fr); mi != UINT32_MAX && mi < r->nmsg && r->msg[mi].frame == fr; mi++)
            r->flow[r->msg[mi].flow].has_finding = true;
    }
}

/* Counts per rule over every finding (the table keeps only the first ones). */
static void count_rule(html_report *r, const imsec_finding *f)
{
    if (f->sev <= IMSEC_SEV_CRITICAL)
        r->bysev[f->sev]++;
    const char *rule = f->rule ? f->rule : "";
    size_t j = 0;
    while (j < r->nrules && strncmp(r->rules[j].rule, rule, sizeof r->rules[j].rule - 1) != 0)
        j++;
    if (j == r->nrules) {
        if (r->nrules >= sizeof r->rules / sizeof *r->rules)
            return;
        html_store_copy(r->rules[j].rule, sizeof r->rules[j].rule, rule);
        r->rules[j].sev = f->sev;
        r->rules[j].n = 0;
        r->nrules++;
    }
    r->rules[j].n++;
    if (f->sev > r->rules[j].sev)
        r->rules[j].sev = f->sev;
}

void html_report_finding(html_report *r, const imsec_finding *f)
{
    r->fnd_total++;
    count_rule(r, f);
    if (r->nfnd >= HTML_MAX_FINDINGS || !out_grow((void **)&r->fnd, &r->capfnd, r->nfnd + 1, sizeof *r->fnd))
        return;
    html_fnd *x = &r->fnd[r->nfnd++];
    memset(x, 0, sizeof *x);
    x->f = *f;
    html_store_copy(x->rule, sizeof x->rule, f->rule);
    html_store_copy(x->title, sizeof x->title, f->title);
    html_store_copy(x->category, sizeof x->category, f->category);
    x->f.rule = x->f.title = x->f.category = NULL;
    if (x->f.nframes > IMSEC_MAX_EVIDENCE)
        x->f.nframes = IMSEC_MAX_EVIDENCE;
    mark_flows(r, &x->f);
}

/* ---- Call-ID table ---- */

static uint64_t cid_hash(const html_report *r, const char *cid)
{
    return siphash_24(r->key, cid, strnlen(cid, IMSEC_SUBJ_LEN));
}

static bool tab_rehash(html_report *r)
{
    size_t nc = r->tabcap * 2;
    uint32_t *t = calloc(nc, sizeof *t);
    if (!t)
        return false;
    for (size_t i = 0; i < r->nflow; i++) {
        size_t h = (size_t)cid_hash(r, r->flow[i].call_id) & (nc - 1);
        while (t[h])
            h = (h + 1) & (nc - 1);
        t[h] = (uint32_t)i + 1;
    }
    free(r->tab);
    r->tab = t;
    r->tabcap = nc;
    return true;
}

/* Index of the flow for cid, or UINT32_MAX; creates it when create. */
uint32_t html_store_flow_get(html_report *r, const char *cid, bool create)
{
    size_t h = (size_t)cid_hash(r, cid) & (r->tabcap - 1);
    while (r->tab[h]) {
        uint32_t i = r->tab[h] - 1;
        if (strncmp(r->flow[i].call_id, cid, IMSEC_SUBJ_LEN) == 0)
            return i;
        h = (h + 1) & (r->tabcap - 1);
    }
    if (!create)
        return UINT32_MAX;
    if (r->nflow >= HTML_MAX_FLOWS ||
        !out_grow((void **)&r->flow, &r->capflow, r->nflow + 1, sizeof *r->flow)) {
        r->flow_dropped++;
        return UINT32_MAX;
    }
    uint32_t i = (uint32_t)r->nflow++;
    html_flow *fl = &r->flow[i];
    memset(fl, 0, sizeof *fl);
    html_store_copy(fl->call_id, sizeof fl->call_id, cid);
    fl->first = fl->last = UINT32_MAX;
    r->tab[h] = i + 1;
    if (r->nflow * 2 > r->tabcap && !tab_rehash(r)) {
        /* The table still works when fuller; it only gets slower. */
    }
    return i;
}

/* A flow that ended without a finding gives its memory back: texts now,
 * summaries at the next compaction. A finding that arrives later still
 * lists, but its flow is drawn without those messages (the page says so).
 * This is what keeps `--report-dialogs flagged` bounded on long captures. */
static void flow_release(html_report *r, uint32_t fi)
{
    html_flow *fl = &r->flow[fi];
    if (fl->is_released || fl->has_finding)
        return;
    for (uint32_t m = fl->first; m != UINT32_MAX; m = r->msg[m].next) {
        r->text_used -= r->msg[m].text_len;
        free(r->msg[m].text);
        r->msg[m].text = NULL;
        r->msg[m].text_len = 0;
    }
    fl->is_released = true;
    fl->released += fl->nmsgs;
    r->msg_released += fl->nmsgs;
    fl->nmsgs = 0;
    fl->first = fl->last = UINT32_MAX;
}

/* Drops the summaries of released flows and relinks the rest (order kept). */
static void compact(html_report *r)
{
    size_t o = 0;
    for (size_t i = 0; i < r->nflow; i++)
        if (!r->flow[i].is_released)
            r->flow[i].first = r->flow[i].last = UINT32_MAX;
    for (size_t i = 0; i < r->nmsg; i++) {
        html_flow *fl = &r->flow[r->msg[i].flow];
        if (fl->is_released)
            continue;
        r->msg[o] = r->msg[i];
        r->msg[o].next = UINT32_MAX;
        if (fl->last != UINT32_MAX)
            r->msg[fl->last].next = (uint32_t)o;
        else
            fl->first = (uint32_t)o;
        fl->last = (uint32_t)o;
        o++;
    }
    r->nmsg = o;
    r->msg_released = 0;
}

/* Full in 'flagged' mode: flows without a finding whose last kept message
 * is in the older half go (long-lived registrations, idle dialogs), so the
 * recent context of a finding still to come stays drawable. */
static void release_old(html_report *r)
{
    uint32_t half = (uint32_t)(r->nmsg / 2);
    for (size_t i = 0; i < r->nflow; i++) {
        html_flow *fl = &r->flow[i];
        if (!fl->is_released && !fl->has_finding && fl->last != UINT32_MAX && fl->last < half)
            flow_release(r, (uint32_t)i);
    }
}

void html_report_message(html_report *r, const imsec_msg_rec *m)
{
    html_xfer_message(r->xf, m);
    uint32_t fi = html_store_flow_get(r, m->call_id, true);
    if (fi == UINT32_MAX) {
        r->msg_dropped++;
        return;
    }
    /* Retried only every 4096 drops: when every flow has a finding there is
     * nothing to release, and scanning the flows per message would be quadratic. */
    if (r->nmsg >= HTML_MAX_MSGS && !r->msg_released && !r->o.all_sections && (r->msg_dropped & 4095) == 0)
        release_old(r);
    if (r->nmsg >= HTML_MAX_MSGS && r->msg_released)
        compact(r);
    html_flow *fl = &r->flow[fi];
    if (fl->is_released) {
        fl->released++;
        return;
    }
    if (fl->nmsgs >= HTML_MAX_FLOW_MSGS || r->nmsg >= HTML_MAX_MSGS ||
        !out_grow((void **)&r->msg, &r->capmsg, r->nmsg + 1, sizeof *r->msg)) {
        fl->dropped++;
        r->msg_dropped++;
        return;
    }
    uint32_t mi = (uint32_t)r->nmsg++;
    html_msg *x = &r->msg[mi];
    memset(x, 0, sizeof *x);
    x->frame = m->frame;
    x->ts = m->ts;
    x->tuple = m->tuple;
    x->is_request = m->is_request;
    x->in_esp = m->in_esp;
    x->status = m->status;
    x->spi = m->spi;
    html_store_copy(x->method, sizeof x->method, m->method);
    html_store_copy(x->sa, sizeof x->sa, m->sa);
    html_store_copy(x->src_role, sizeof x->src_role, m->src_role);
    html_store_copy(x->dst_role, sizeof x->dst_role, m->dst_role);
    x->flow = fi;
    x->next = UINT32_MAX;
    x->orig_len = m->len;
    uint32_t keep = m->len < HTML_MAX_TEXT ? m->len : HTML_MAX_TEXT;
    if (m->data && keep > 0) {
        if (r->text_used + keep > HTML_TEXT_BUDGET) {
            r->text_dropped++;
        } else if ((x->text = malloc(keep)) != NULL) {
            memcpy(x->text, m->data, keep);
            x->text_len = keep;
            r->text_used += keep;
            if (keep < m->len)
                r->text_truncated++;
        } else {
            r->text_dropped++;
        }
    }
    if (fl->last != UINT32_MAX)
        r->msg[fl->last].next = mi;
    else
        fl->first = mi;
    fl->last = mi;
    fl->nmsgs++;
}

html_sec *html_store_sec_add(html_report *r, html_sec_kind kind, uint64_t first_frame,
                             const void *rec, size_t size)
{
    if (r->nsec >= HTML_MAX_RECORDS || !out_grow((void **)&r->sec, &r->capsec, r->nsec + 1, sizeof *r->sec)) {
        r->rec_dropped++;
        return NULL;
    }
    void *copy = malloc(size);
    if (!copy) {
        r->rec_dropped++;
        return NULL;
    }
    memcpy(copy, rec, size);
    html_sec *s = &r->sec[r->nsec++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->first_frame = first_frame;
    s->u.p = copy;
    return s;
}

/* Whether a record for these Call-IDs is worth keeping. Flows with a
 * finding always are; otherwise 'flagged' mode lets them go, and 'all' mode
 * keeps as many as it will draw. */
static bool keep_record(html_report *r, const char (*cids)[IMSEC_SUBJ_LEN], uint32_t n)
{
    uint32_t fis[IMSEC_REC_MAX_CALLIDS];
    bool flagged = false;
    for (uint32_t i = 0; i < n; i++) {
        fis[i] = html_store_flow_get(r, cids[i], false);
        if (fis[i] != UINT32_MAX)
            flagged |= r->flow[fis[i]].has_finding;
    }
    if (flagged)
        return true;
    if (r->o.all_sections && r->kept_plain < r->o.max_sections) {
        r->kept_plain++;
        return true;
    }
    for (uint32_t i = 0; i < n; i++)
        if (fis[i] != UINT32_MAX) {
            flow_release(r, fis[i]);
            r->flow[fis[i]].used = true; /* no orphan section for it either */
        }
    r->rec_skipped++;
    return false;
}

static void sec_link(html_report *r, html_sec *s, const char *cid)
{
    uint32_t fi = html_store_flow_get(r, cid, false);
    if (fi == UINT32_MAX || s->nflows >= IMSEC_REC_MAX_CALLIDS)
        return;
    for (uint32_t i = 0; i < s->nflows; i++)
        if (s->flows[i] == fi)
            return;
    s->flows[s->nflows++] = fi;
    r->flow[fi].used = true;
}

void html_report_dialog(html_report *r, const imsec_dialog_rec *d)
{
    html_xfer_dialog(r->xf, d); /* every dialog, kept for a ladder or not */
    if (!keep_record(r, &d->call_id, 1))
        return;
    html_sec *s = html_store_sec_add(r, HTML_SEC_DIALOG, d->first_frame, d, sizeof *d);
    if (!s)
        return;
    s->u.d->state = NULL;
    html_store_copy(s->state, sizeof s->state, d->state);
    sec_link(r, s, d->call_id);
}

void html_report_registration(html_report *r, const imsec_reg_rec *g)
{
    uint32_t n = g->ncall_ids < IMSEC_REC_MAX_CALLIDS ? g->ncall_ids : IMSEC_REC_MAX_CALLIDS;
    /* Registrations are few and feed the timeline: always kept. */
    html_sec *s = html_store_sec_add(r, HTML_SEC_REG, g->first_frame, g, sizeof *g);
    if (!s)
        return;
    s->u.g->state = NULL;
    html_store_copy(s->state, sizeof s->state, g->state);
    s->u.g->ncall_ids = n;
    for (uint32_t i = 0; i < n; i++)
        sec_link(r, s, g->call_ids[i]);
}

void html_report_txn(html_report *r, const imsec_txn_rec *t)
{
    if (!keep_record(r, &t->call_id, 1))
        return;
    html_sec *s = html_store_sec_add(r, HTML_SEC_TXN, t->first_frame, t, sizeof *t);
    if (!s)
        return;
    sec_link(r, s, t->call_id);
}




double html_store_ts_sub(imsec_ts a, imsec_ts b)
{
    return (double)(a.sec - b.sec) + ((double)a.usec - (double)b.usec) / 1e6;
}


int html_store_pair_cmp(const void *a, const void *b)
{
    const html_pair *x = a, *y = b;
    if (x->frame != y->frame)
        return x->frame < y->frame ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* First pair with frame >= f. */
size_t html_store_pair_lower(const html_pair *p, size_t n, uint64_t f)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p[mid].frame < f)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int html_store_sec_cmp(const void *a, const void *b)
{
    const html_sec *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->first_frame != y->first_frame)
        return x->first_frame < y->first_frame ? -1 : 1;
    return 0;
}

/* Messages of a section in capture order (message index order = arrival). */
uint32_t *html_store_sec_msgs(const html_report *r, const html_sec *s, size_t *n)
{
    size_t total = 0;
    for (uint32_t i = 0; i < s->nflows; i++)
        total += r->flow[s->flows[i]].nmsgs;
    *n = 0;
    if (!total)
        return NULL;
    uint32_t *v = malloc(total * sizeof *v);
    if (!v)
        return NULL;
    for (uint32_t i = 0; i < s->nflows; i++)
        for (uint32_t m = r->flow[s->flows[i]].first; m != UINT32_MAX; m = r->msg[m].next)
            v[(*n)++] = m;
    /* Flows are each in order; merge them by index (small n: insertion sort
     * is fine for one flow, sort otherwise). */
    if (s->nflows > 1) {
        for (size_t i = 1; i < *n; i++) {
            uint32_t x = v[i];
            size_t j = i;
            while (j > 0 && v[j - 1] > x) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = x;
        }
    }
    return v;
}

