#include "output/html.h"

#include <stdlib.h>
#include <string.h>

#include "base/siphash.h"
#include "output/html_xfer.h"

/* ---- collected data ---- */

typedef struct {
    imsec_finding f;           /* rule/title/category pointers replaced below */
    char rule[48], title[160], category[48];
    uint32_t section;          /* 1-based section it links to, 0 none */
} html_fnd;

typedef struct {
    uint64_t frame;
    imsec_ts ts;
    imsec_tuple tuple;
    bool is_request, in_esp;
    uint16_t status;
    uint32_t spi;
    char method[24];
    char sa[48];
    char src_role[12], dst_role[12];
    char *text;                /* capped copy, NULL if over budget */
    uint32_t text_len, orig_len;
    uint32_t flow;             /* index into flows */
    uint32_t next;             /* next message of the same flow, UINT32_MAX none */
} html_msg;

typedef struct {
    char call_id[IMSEC_SUBJ_LEN];
    uint32_t first, last;      /* message indexes, UINT32_MAX none */
    uint32_t nmsgs, dropped;
    uint32_t released;         /* messages let go when the flow ended without a finding */
    bool used;                 /* referenced by a record */
    bool has_finding;          /* a finding cites its Call-ID or one of its frames */
    bool is_released;
} html_flow;

typedef enum { HTML_SEC_REG, HTML_SEC_DIALOG, HTML_SEC_TXN, HTML_SEC_ORPHAN } html_sec_kind;

typedef struct {
    html_sec_kind kind;
    union {                    /* heap copy of the record, freed with the report */
        imsec_dialog_rec *d;
        imsec_reg_rec *g;
        imsec_txn_rec *t;
        void *p;
    } u;
    char state[16];
    uint64_t first_frame;
    uint32_t flows[IMSEC_REC_MAX_CALLIDS];
    uint32_t nflows;
    bool flagged, shown;
    uint32_t id;               /* 1-based section number when shown */
} html_sec;

struct html_report {
    html_opts o;
    uint8_t key[16];
    html_fnd *fnd;
    size_t nfnd, capfnd;
    uint64_t fnd_total;
    uint64_t bysev[IMSEC_SEV_CRITICAL + 1];   /* over all findings, listed or not */
    struct {
        char rule[48];
        imsec_severity sev;
        uint64_t n;
    } rules[128];
    size_t nrules;
    html_msg *msg;
    size_t nmsg, capmsg;
    uint64_t msg_dropped, text_dropped, text_truncated;
    size_t text_used;
    html_flow *flow;
    size_t nflow, capflow;
    uint64_t flow_dropped;
    uint32_t *tab;             /* open addressing: flow index + 1, 0 empty */
    size_t tabcap;
    html_sec *sec;
    size_t nsec, capsec;
    uint64_t rec_dropped;
    uint64_t rec_skipped;      /* records of flows that ended without a finding (flagged mode) */
    uint64_t msg_released;     /* summaries held by released flows, reclaimed on compaction */
    size_t kept_plain;         /* sections without findings kept (all mode) */
    html_xfer *xf;             /* transfer chains (html_xfer.c) */
};


/* Copies a NUL-terminated string into a fixed field, truncating. */
static void copy_str(char *dst, size_t cap, const char *src)
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

static uint32_t flow_get(html_report *r, const char *cid, bool create);

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
        uint32_t fi = flow_get(r, f->call_id, false);
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
        copy_str(r->rules[j].rule, sizeof r->rules[j].rule, rule);
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
    copy_str(x->rule, sizeof x->rule, f->rule);
    copy_str(x->title, sizeof x->title, f->title);
    copy_str(x->category, sizeof x->category, f->category);
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
static uint32_t flow_get(html_report *r, const char *cid, bool create)
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
    copy_str(fl->call_id, sizeof fl->call_id, cid);
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
    uint32_t fi = flow_get(r, m->call_id, true);
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
    copy_str(x->method, sizeof x->method, m->method);
    copy_str(x->sa, sizeof x->sa, m->sa);
    copy_str(x->src_role, sizeof x->src_role, m->src_role);
    copy_str(x->dst_role, sizeof x->dst_role, m->dst_role);
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

static html_sec *sec_add(html_report *r, html_sec_kind kind, uint64_t first_frame, const void *rec,
                         size_t size)
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
        fis[i] = flow_get(r, cids[i], false);
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
    uint32_t fi = flow_get(r, cid, false);
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
    html_sec *s = sec_add(r, HTML_SEC_DIALOG, d->first_frame, d, sizeof *d);
    if (!s)
        return;
    s->u.d->state = NULL;
    copy_str(s->state, sizeof s->state, d->state);
    sec_link(r, s, d->call_id);
}

void html_report_registration(html_report *r, const imsec_reg_rec *g)
{
    uint32_t n = g->ncall_ids < IMSEC_REC_MAX_CALLIDS ? g->ncall_ids : IMSEC_REC_MAX_CALLIDS;
    /* Registrations are few and feed the timeline: always kept. */
    html_sec *s = sec_add(r, HTML_SEC_REG, g->first_frame, g, sizeof *g);
    if (!s)
        return;
    s->u.g->state = NULL;
    copy_str(s->state, sizeof s->state, g->state);
    s->u.g->ncall_ids = n;
    for (uint32_t i = 0; i < n; i++)
        sec_link(r, s, g->call_ids[i]);
}

void html_report_txn(html_report *r, const imsec_txn_rec *t)
{
    if (!keep_record(r, &t->call_id, 1))
        return;
    html_sec *s = sec_add(r, HTML_SEC_TXN, t->first_frame, t, sizeof *t);
    if (!s)
        return;
    sec_link(r, s, t->call_id);
}

/* ---- escaping ---- */

void html_escape(out_writer *w, const char *s, size_t n, bool attr)
{
    char small[1536];
    char *u = n <= sizeof small / 3 ? small : malloc(3 * n);
    if (!u) {
        out_puts(w, "\xef\xbf\xbd");
        return;
    }
    size_t un = out_utf8_sanitize(s, n, u);
    size_t run = 0; /* start of the pending verbatim run */
    for (size_t i = 0; i < un; i++) {
        unsigned char c = (unsigned char)u[i];
        const char *rep = NULL;
        char hex[8];
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case '\r': rep = ""; break;
        case '\n': rep = attr ? " " : NULL; break;
        case '\t': rep = attr ? " " : NULL; break;
        default:
            if (c < 0x20 || c == 0x7f) {
                static const char hx[] = "0123456789abcdef";
                hex[0] = '\\';
                hex[1] = 'x';
                hex[2] = hx[c >> 4];
                hex[3] = hx[c & 15];
                hex[4] = '\0';
                rep = hex;
            }
        }
        if (rep) {
            out_write(w, u + run, i - run);
            out_puts(w, rep);
            run = i + 1;
        }
    }
    out_write(w, u + run, un - run);
    if (u != small)
        free(u);
}

static void esc_str(out_writer *w, const char *s)
{
    html_escape(w, s, strlen(s), false);
}

static void esc_attr(out_writer *w, const char *s)
{
    html_escape(w, s, strlen(s), true);
}

static char lc(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }

static bool starts_ci(const char *p, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    if (k > n)
        return false;
    for (size_t i = 0; i < k; i++)
        if (lc(p[i]) != lit[i])
            return false;
    return true;
}

static bool is_sep(char c) { return c == ' ' || c == '\t' || c == ',' || c == ';' || c == ':'; }

/* Length of a parameter value at p: a quoted string (with its quotes) or a
 * token up to , ; whitespace or end of line. */
static size_t param_value_len(const char *p, size_t n)
{
    size_t i = 0;
    if (n && p[0] == '"') {
        for (i = 1; i < n && p[i] != '"' && p[i] != '\r' && p[i] != '\n'; i++) {
            if (p[i] == '\\' && i + 1 < n)
                i++;
        }
        return i < n && p[i] == '"' ? i + 1 : i;
    }
    while (i < n && p[i] != ',' && p[i] != ';' && p[i] != ' ' && p[i] != '\t' && p[i] != '\r' &&
           p[i] != '\n')
        i++;
    return i;
}

void html_sip_text(out_writer *w, const char *s, size_t n, bool show)
{
    if (show) {
        html_escape(w, s, n, false);
        return;
    }
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        bool bol = i == 0 || s[i - 1] == '\n';
        bool tokstart = i == 0 || is_sep(s[i - 1]);
        size_t kw = 0, vlen = 0;
        if (tokstart && (starts_ci(s + i, n - i, "ck=") || starts_ci(s + i, n - i, "ik="))) {
            kw = 3; /* TS 33.203 §7.1: CK/IK handed from S-CSCF to P-CSCF */
            vlen = param_value_len(s + i + kw, n - i - kw);
        } else if (tokstart && starts_ci(s + i, n - i, "inline:")) {
            kw = 7; /* RFC 4568 §6.1: key||salt up to '|' */
            while (vlen < n - i - kw) {
                char c = s[i + kw + vlen];
                if (c == '|' || c == ' ' || c == ';' || c == '\r' || c == '\n')
                    break;
                vlen++;
            }
        } else if (bol && starts_ci(s + i, n - i, "a=key-mgmt:")) {
            kw = 11; /* RFC 4567: MIKEY data, the whole attribute value */
            while (vlen < n - i - kw && s[i + kw + vlen] != '\r' && s[i + kw + vlen] != '\n')
                vlen++;
        }
        if (kw && vlen) {
            html_escape(w, s + run, i + kw - run, false);
            out_printf(w, "<span class=\"red\">&lt;redacted %zu chars&gt;</span>", vlen);
            i += kw + vlen - 1;
            run = i + 1;
        }
    }
    html_escape(w, s + run, n - run, false);
}

/* ---- helpers for rendering ---- */

static const char *sev_name(imsec_severity s) { return imsec_severity_str(s); }

static void ts_text(imsec_ts ts, char buf[OUT_TSLEN]) { out_ts_text(ts, buf); }

static double ts_sub(imsec_ts a, imsec_ts b)
{
    return (double)(a.sec - b.sec) + ((double)a.usec - (double)b.usec) / 1e6;
}

/* (frame, index) pairs for binary search. */
typedef struct {
    uint64_t frame;
    uint32_t idx;
} html_pair;

static int pair_cmp(const void *a, const void *b)
{
    const html_pair *x = a, *y = b;
    if (x->frame != y->frame)
        return x->frame < y->frame ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* First pair with frame >= f. */
static size_t pair_lower(const html_pair *p, size_t n, uint64_t f)
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

static int sec_cmp(const void *a, const void *b)
{
    const html_sec *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->first_frame != y->first_frame)
        return x->first_frame < y->first_frame ? -1 : 1;
    return 0;
}

/* Messages of a section in capture order (message index order = arrival). */
static uint32_t *sec_msgs(const html_report *r, const html_sec *s, size_t *n)
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

/* ---- page chrome ---- */

static const char css[] =
    "body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1d2330;background:#f4f6f9}"
    "header{background:#1d2a44;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}"
    "header .meta{color:#b9c4da;font-size:12px;margin-top:4px}"
    "nav{background:#fff;border-bottom:1px solid #d5dbe5;padding:6px 24px;position:sticky;top:0;z-index:5}"
    "nav a{margin-right:18px;color:#1d4ed8;text-decoration:none;font-weight:600}"
    "main{padding:8px 24px 60px}section{margin-top:18px}h2{font-size:17px;margin:18px 0 8px;border-bottom:2px solid #d5dbe5;padding-bottom:4px}"
    ".cards{display:flex;flex-wrap:wrap;gap:10px}.card{background:#fff;border:1px solid #d5dbe5;border-radius:6px;padding:8px 12px;min-width:130px}"
    ".card .v{font-size:20px;font-weight:700}.card .k{font-size:12px;color:#5b6578}.card .s{font-size:11px;color:#5b6578}"
    "table{border-collapse:collapse;background:#fff}th,td{border:1px solid #d5dbe5;padding:4px 7px;text-align:left;vertical-align:top}"
    "th{background:#e9edf3;font-weight:600;white-space:nowrap}#findings th{cursor:pointer;user-select:none}"
    "#findings th.asc::after{content:' \\25B2'}#findings th.desc::after{content:' \\25BC'}"
    "td.reason{max-width:520px}td.mono.rule{word-break:normal;white-space:nowrap}td.mono,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}"
    ".sev{display:inline-block;padding:1px 7px;border-radius:9px;font-size:12px;font-weight:700;color:#fff}"
    ".sev-critical{background:#7f1d1d}.sev-high{background:#dc2626}.sev-medium{background:#ea8a0c}.sev-low{background:#2563eb}.sev-info{background:#6b7280}"
    ".filters{margin:6px 0;display:flex;gap:10px;align-items:center;flex-wrap:wrap}.filters input{width:260px}"
    ".note{color:#5b6578;font-size:12px}.warn{background:#fff7e6;border:1px solid #f3c77a;padding:6px 10px;border-radius:4px;margin:6px 0}"
    "details.flow{background:#fff;border:1px solid #d5dbe5;border-radius:6px;margin:10px 0;padding:0 12px 10px}"
    "details.flow>summary{cursor:pointer;padding:8px 0;font-weight:600}details.flow.flagged{border-left:5px solid #dc2626}"
    ".facts{font-size:12px;color:#38414f;margin:4px 0 8px}.facts span{margin-right:14px}"
    ".ladder{overflow-x:auto}svg.lad{font:12px system-ui,sans-serif}"
    "svg .lane{stroke:#9aa5b8;stroke-dasharray:4 4}svg .lanehd{fill:#e9edf3;stroke:#9aa5b8}"
    "svg .role{font-weight:700}svg .addr{font-size:11px;fill:#38414f}"
    "svg .bnd{stroke:#7c3aed;stroke-width:2;stroke-dasharray:8 4}svg .bndl{fill:#7c3aed;font-size:11px}"
    "g.arrow{cursor:pointer}g.arrow .hit{fill:transparent}g.arrow:hover .hit,g.arrow.sel .hit{fill:#e0ecff}"
    "g.arrow .ln{stroke:#4b5563;stroke-width:1.5}g.arrow .ah{fill:#4b5563}"
    "g.arrow.prot .ln{stroke:#15803d;stroke-width:3}g.arrow.prot .ah{fill:#15803d}"
    "g.arrow.hl .hit{fill:#fde8e8}g.arrow.hl .ln{stroke:#dc2626;stroke-width:3}g.arrow.hl .ah{fill:#dc2626}"
    "g.arrow.hl.prot .ln{stroke-dasharray:10 3}"
    "g.arrow .lbl{font-weight:600}g.arrow .spi{fill:#15803d;font-size:11px}g.arrow .clr{fill:#6b7280;font-size:11px}"
    "g.arrow .fr{fill:#1d4ed8;font-size:11px}g.arrow .dt{fill:#5b6578;font-size:11px}g.arrow .badge{fill:#dc2626;font-weight:700}"
    ".legend{font-size:12px;color:#38414f;margin:4px 0}.legend b{display:inline-block;width:26px;height:0;vertical-align:middle;margin:0 4px 0 10px}"
    ".msgview{border:1px solid #d5dbe5;background:#fbfcfe;margin-top:8px}.msgview .hd{background:#e9edf3;padding:4px 8px;font-size:12px}"
    ".msgview pre{margin:0;padding:8px;max-height:420px;overflow:auto;white-space:pre-wrap;word-break:break-all;font-size:12px}"
    ".boxes{display:flex;flex-wrap:wrap;gap:10px;margin-top:10px}.box{background:#fff;border:1px solid #d5dbe5;border-radius:6px;padding:0 12px 8px;max-width:420px}"
    ".box h3{font-size:13px;margin:8px 0 4px}.box p{margin:0}.box table.kv th{font-weight:400}"
    ".red{background:#fde68a;color:#7c2d12}tr.hidden{display:none}"
    "svg.tl .bar{stroke:#1d2330;stroke-width:.5}svg.tl text{font-size:12px}"
    ".xchain{background:#fff;border:1px solid #d5dbe5;border-radius:6px;margin:10px 0;padding:0 12px 10px}.xchain h3{font-size:14px;margin:8px 0 2px}"
    "svg.xfer{font:12px system-ui,sans-serif}svg.xfer .nb{fill:#f4f6fb;stroke:#64748b;stroke-width:1.5}"
    "svg.xfer g.chg .nb{stroke:#ea8a0c;stroke-width:2.5}svg.xfer a:hover .nb{fill:#e0ecff}"
    "svg.xfer .cid{font-family:ui-monospace,Menlo,Consolas,monospace;font-weight:700;fill:#1d4ed8}"
    "svg.xfer .pty{font-size:11px;fill:#1d2330}svg.xfer .sub{font-size:11px;fill:#5b6578}svg.xfer .chgl{font-size:11px;font-weight:700;fill:#b45309}"
    "svg.xfer .xl{fill:none;stroke:#7c3aed;stroke-width:2}svg.xfer .xh{fill:#7c3aed}"
    "svg.xfer .xt{font-weight:700;fill:#5b21b6}svg.xfer .xs{font-size:11px;fill:#5b6578}";

/* The script reads only the DOM; no wire byte is ever placed in it. */
static const char js[] =
    "(function(){'use strict';\n"
    "var tb=document.querySelector('#findings tbody');\n"
    "var rows=tb?Array.prototype.slice.call(tb.rows):[];\n"
    "var fs=document.getElementById('f-sev'),fr=document.getElementById('f-rule'),fq=document.getElementById('f-q'),fc=document.getElementById('f-count');\n"
    "var PG=500,page=0,pp=document.getElementById('f-prev'),pn=document.getElementById('f-next');\n"
    "function apply(keep){var ms=fs?+fs.value:0,mr=fr?fr.value:'',q=fq?fq.value.toLowerCase():'',m=[];if(!keep)page=0;\n"
    " rows.forEach(function(r){var ok=+r.dataset.sev>=ms&&(!mr||r.dataset.rule===mr)&&(!q||r.textContent.toLowerCase().indexOf(q)>=0);\n"
    "  if(ok)m.push(r);r.classList.add('hidden');});\n"
    " var np=Math.max(1,Math.ceil(m.length/PG));if(page>=np)page=np-1;\n"
    " m.slice(page*PG,page*PG+PG).forEach(function(r){r.classList.remove('hidden');});\n"
    " if(fc)fc.textContent=m.length+' of '+rows.length+' match'+(np>1?' \\u00b7 page '+(page+1)+' of '+np:'');\n"
    " if(pp){pp.hidden=np<2;pp.disabled=page<1;}if(pn){pn.hidden=np<2;pn.disabled=page>=np-1;}}\n"
    "if(pp)pp.addEventListener('click',function(){page--;apply(true);});\n"
    "if(pn)pn.addEventListener('click',function(){page++;apply(true);});\n"
    "[fs,fr,fq].forEach(function(e){if(e)e.addEventListener('input',function(){apply(false);});});\n"
    "document.querySelectorAll('#findings th').forEach(function(th,ci){th.addEventListener('click',function(){\n"
    " var asc=!th.classList.contains('asc');document.querySelectorAll('#findings th').forEach(function(h){h.classList.remove('asc','desc');});\n"
    " th.classList.add(asc?'asc':'desc');var num=th.dataset.t==='n';\n"
    " rows.sort(function(a,b){var x=a.cells[ci].dataset.v||a.cells[ci].textContent,y=b.cells[ci].dataset.v||b.cells[ci].textContent;\n"
    "  var c=num?(+x)-(+y):(x<y?-1:x>y?1:0);if(!c)c=(+a.dataset.id)-(+b.dataset.id);return asc?c:-c;});\n"
    " rows.forEach(function(r){tb.appendChild(r);});apply(true);});});\n"
    "function openTarget(){var h=location.hash.slice(1);if(!h)return;\n"
    " if(h.indexOf('frame-')===0){var g=document.querySelector('g.arrow[data-frame=\"'+(+h.slice(6))+'\"]');\n"
    "  if(!g){var nm=document.getElementById('navmsg');if(nm)nm.textContent='frame '+(+h.slice(6))+' is not drawn in any call flow of this report';return;}\n"
    "  var d=g.closest('details');if(d)d.open=true;show(g);g.scrollIntoView({block:'nearest'});return;}\n"
    " var e=document.getElementById(h);\n"
    " if(e&&e.classList.contains('finding')){if(fs)fs.value='0';if(fr)fr.value='';if(fq)fq.value='';\n"
    "  page=Math.floor(rows.indexOf(e)/PG);apply(true);e.scrollIntoView({block:'nearest'});return;}\n"
    " while(e){if(e.tagName==='DETAILS')e.open=true;e=e.parentElement;}}\n"
    "function show(g){var sec=g.closest('details');var v=sec.querySelector('.msgview');var t=document.getElementById('m-'+g.dataset.m);\n"
    " sec.querySelectorAll('g.arrow.sel').forEach(function(x){x.classList.remove('sel');});g.classList.add('sel');\n"
    " v.querySelector('.hd').textContent=g.dataset.info;var p=v.querySelector('pre');p.textContent='';\n"
    " if(t){p.appendChild(t.content?t.content.cloneNode(true):document.createTextNode(t.textContent));}else{p.textContent='(message text not kept: report limit)';}}\n"
    "document.querySelectorAll('g.arrow').forEach(function(g){g.addEventListener('click',function(){show(g);});\n"
    " g.addEventListener('keydown',function(ev){if(ev.key==='Enter'||ev.key===' '){ev.preventDefault();show(g);}});});\n"
    "window.addEventListener('hashchange',openTarget);openTarget();\n"
    "apply(false);document.body.setAttribute('data-ready','1');})();\n";

static void write_head(html_report *r, out_writer *w)
{
    const char *title = r->o.title && r->o.title[0] ? r->o.title : "imsec forensic report";
    out_puts(w, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
                "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
                "<meta name=\"generator\" content=\"imsec ");
    esc_attr(w, imsec_version());
    out_puts(w, "\">\n<title>");
    esc_str(w, title);
    out_puts(w, "</title>\n<style>");
    out_puts(w, css);
    out_puts(w, "</style>\n</head>\n<body>\n<header><h1>");
    esc_str(w, title);
    out_puts(w, "</h1><div class=\"meta\">imsec ");
    esc_str(w, imsec_version());
    if (r->o.inputs && r->o.inputs[0]) {
        out_puts(w, " &middot; input: ");
        esc_str(w, r->o.inputs);
    }
    out_puts(w, r->o.show_secrets ? " &middot; secrets SHOWN (--show-secrets)"
                                  : " &middot; secrets redacted");
    out_puts(w, "</div></header>\n<nav><a href=\"#summary\">Summary</a><a href=\"#sec-findings\">Findings</a>"
                "<a href=\"#timeline\">Registration timeline</a><a href=\"#transfers\">Transfers</a><a href=\"#flows\">Call flows</a><span id=\"navmsg\" class=\"note\"></span></nav>\n<main>\n");
}

static void card(out_writer *w, const char *k, const char *v, const char *sub)
{
    out_puts(w, "<div class=\"card\"><div class=\"v\">");
    esc_str(w, v);
    out_puts(w, "</div><div class=\"k\">");
    esc_str(w, k);
    out_puts(w, "</div>");
    if (sub && sub[0]) {
        out_puts(w, "<div class=\"s\">");
        esc_str(w, sub);
        out_puts(w, "</div>");
    }
    out_puts(w, "</div>\n");
}

static void card_u(out_writer *w, const char *k, uint64_t v, const char *sub)
{
    char b[32];
    snprintf(b, sizeof b, "%llu", (unsigned long long)v);
    card(w, k, b, sub);
}

typedef struct {
    const char *name;
    uint64_t v;
} html_kv;

static void kv_table(out_writer *w, const char *what, const html_kv *kv, size_t n)
{
    bool any = false;
    for (size_t i = 0; i < n; i++)
        any |= kv[i].v != 0;
    out_printf(w, "<div class=\"box\"><h3>%s</h3>", what);
    if (!any) {
        out_puts(w, "<p class=\"note\">none</p></div>\n");
        return;
    }
    out_puts(w, "<table class=\"kv\">");
    for (size_t i = 0; i < n; i++)
        if (kv[i].v)
            out_printf(w, "<tr><th>%s</th><td>%llu</td></tr>", kv[i].name, (unsigned long long)kv[i].v);
    out_puts(w, "</table></div>\n");
}

/* Rule counts in rule-id order (deterministic whatever the arrival order). */
typedef struct {
    const char *rule;
    imsec_severity sev;
    uint64_t n;
} html_rc;

static int rc_cmp(const void *a, const void *b)
{
    return strcmp(((const html_rc *)a)->rule, ((const html_rc *)b)->rule);
}

static html_rc *rule_counts(const html_report *r, size_t *n)
{
    *n = 0;
    html_rc *v = r->nrules ? malloc(r->nrules * sizeof *v) : NULL;
    if (!v)
        return NULL;
    for (size_t i = 0; i < r->nrules; i++)
        v[i] = (html_rc){r->rules[i].rule, r->rules[i].sev, r->rules[i].n};
    *n = r->nrules;
    qsort(v, *n, sizeof *v, rc_cmp);
    return v;
}

static void write_summary(html_report *r, out_writer *w, const imsec_stats *st, const char *damage,
                          size_t nshown, size_t nflagged, size_t ncand)
{
    char a[OUT_TSLEN], b[OUT_TSLEN], sub[160];
    out_puts(w, "<section id=\"summary\"><h2>Summary</h2>\n<div class=\"cards\">\n");
    if (st->frames) {
        ts_text(st->first_ts, a);
        ts_text(st->last_ts, b);
        char dur[48];
        snprintf(dur, sizeof dur, "%.3f s", ts_sub(st->last_ts, st->first_ts));
        snprintf(sub, sizeof sub, "%s \xe2\x80\x93 %s UTC", a, b);
        card(w, "capture span", dur, sub);
    }
    snprintf(sub, sizeof sub, "%llu bytes", (unsigned long long)st->bytes);
    card_u(w, "packets", st->frames, sub);
    card_u(w, "SIP messages", st->sip_messages, "");
    card_u(w, "registrations", st->registrations, "private identities");
    snprintf(sub, sizeof sub, "ESP %llu pkts, %llu decrypted, %llu unknown SPI",
             (unsigned long long)st->esp_packets, (unsigned long long)st->esp_decrypted,
             (unsigned long long)st->esp_unknown_spi);
    card_u(w, "security associations", st->sas, sub);
    card_u(w, "dialogs", st->dialogs, "");
    card_u(w, "transfers", html_xfer_count(r->xf), "dialogs started by a REFER");
    snprintf(sub, sizeof sub, "%zu with findings, %zu drawn", nflagged, nshown);
    card_u(w, "call flows", ncand, sub);
    card_u(w, "findings", r->fnd_total, "");
    out_puts(w, "</div>\n");

    /* by severity and by rule */
    const uint64_t *bysev = r->bysev;
    out_puts(w, "<h3>Findings by severity</h3><p>");
    for (int s = IMSEC_SEV_CRITICAL; s >= IMSEC_SEV_INFO; s--)
        out_printf(w, "<span class=\"sev sev-%s\">%s %llu</span> ", sev_name((imsec_severity)s),
                   sev_name((imsec_severity)s), (unsigned long long)bysev[s]);
    out_puts(w, "</p>\n");
    size_t nrc = 0;
    html_rc *rc = rule_counts(r, &nrc);
    if (nrc) {
        out_puts(w, "<h3>Findings by rule</h3><table id=\"rules\"><tr><th>rule</th><th>severity</th><th>count</th></tr>");
        for (size_t i = 0; i < nrc; i++) {
            out_puts(w, "<tr><td class=\"mono\">");
            esc_str(w, rc[i].rule);
            out_printf(w, "</td><td><span class=\"sev sev-%s\">%s</span></td><td>%llu</td></tr>",
                       sev_name(rc[i].sev), sev_name(rc[i].sev), (unsigned long long)rc[i].n);
        }
        out_puts(w, "</table>\n");
    }
    free(rc);

    /* Roles say where the home network ends (UE/P-CSCF/I-CSCF/S-CSCF inside,
     * "peer" outside); without them no boundary is drawn. */
    bool roles = false, peer = false;
    for (size_t i = 0; i < r->nmsg; i++) {
        roles |= r->msg[i].src_role[0] || r->msg[i].dst_role[0];
        peer |= strcmp(r->msg[i].src_role, "peer") == 0 || strcmp(r->msg[i].dst_role, "peer") == 0;
    }
    out_puts(w, "<div class=\"boxes\"><div class=\"box\"><h3>Home network boundary</h3><p class=\"note\">");
    if (!roles)
        out_puts(w, "Not known for this capture: the engine assigned no node roles, so lanes are "
                    "labelled by address and no boundary line is drawn.");
    else if (!peer)
        out_puts(w, "Every node seen has a home-network role (UE, P-CSCF, I-CSCF, S-CSCF); no peer "
                    "network was seen.");
    else
        out_puts(w, "Drawn in the diagrams as a dashed purple line between home-network nodes and "
                    "peer nodes (roles inferred by the engine from the site profile and traffic).");
    out_puts(w, "</p></div>\n");

    const html_kv anom[] = {
        {"truncated frames", st->truncated},       {"malformed SIP", st->malformed_sip},
        {"malformed IP", st->malformed_ip},         {"unsupported link type", st->unsupported_link},
        {"TCP gaps", st->tcp_gaps},                 {"TCP resyncs", st->tcp_resync},
        {"TCP overlaps", st->tcp_overlaps},         {"fragment overlaps", st->frag_overlaps},
        {"fragment timeouts", st->frag_timeouts},   {"SIP limits hit", st->sip_limit},
        {"ESP integrity failures", st->esp_integrity_failed},
    };
    kv_table(w, "Anomalies", anom, sizeof anom / sizeof *anom);
    const html_kv ev[] = {
        {"dialogs", st->ev_dialogs},       {"registrations", st->ev_registrations},
        {"TCP flows", st->ev_tcp_flows},   {"fragments", st->ev_fragments},
        {"calls", st->ev_calls},
    };
    kv_table(w, "Evictions (engine tables full)", ev, sizeof ev / sizeof *ev);
    const html_kv lim[] = {
        {"findings not listed (table cap)", r->fnd_total - r->nfnd},
        {"SIP messages not kept (per-Call-ID or total cap)", r->msg_dropped},
        {"message texts not kept (text budget)", r->text_dropped},
        {"message texts cut to " "6144" " bytes", r->text_truncated},
        {"Call-IDs not tracked (cap)", r->flow_dropped},
        {"records not kept (cap)", r->rec_dropped},
        {"flows that ended without a finding, not kept", r->rec_skipped},
    };
    kv_table(w, "Report limits reached", lim, sizeof lim / sizeof *lim);
    out_puts(w, "</div>\n");
    if (damage && damage[0]) {
        out_puts(w, "<div class=\"warn\"><b>Capture damage:</b> <span class=\"mono\">");
        esc_str(w, damage);
        out_puts(w, "</span></div>\n");
    }
    out_puts(w, "</section>\n");
}

static void section_name(const html_sec *s, out_writer *w)
{
    switch (s->kind) {
    case HTML_SEC_REG:
        out_puts(w, "registration ");
        esc_str(w, s->u.g->impi[0] ? s->u.g->impi : "(no IMPI)");
        break;
    case HTML_SEC_DIALOG:
        out_puts(w, "dialog ");
        esc_str(w, s->u.d->method);
        out_puts(w, " ");
        esc_str(w, s->u.d->call_id);
        break;
    case HTML_SEC_TXN:
        esc_str(w, s->u.t->method);
        out_puts(w, " ");
        esc_str(w, s->u.t->call_id);
        break;
    case HTML_SEC_ORPHAN:
        out_puts(w, "Call-ID ");
        esc_str(w, s->u.t->call_id);
        break;
    }
}

static void write_findings(html_report *r, out_writer *w)
{
    out_puts(w, "<section id=\"sec-findings\"><h2>Findings</h2>\n");
    if (!r->fnd_total) {
        out_puts(w, "<p>No findings.</p>\n");
    }
    out_puts(w, "<div class=\"filters\"><label>severity &ge; <select id=\"f-sev\">"
                "<option value=\"0\">all</option><option value=\"1\">low</option>"
                "<option value=\"2\">medium</option><option value=\"3\">high</option>"
                "<option value=\"4\">critical</option></select></label>"
                "<label>rule <select id=\"f-rule\"><option value=\"\">all</option>");
    size_t nrc = 0;
    html_rc *rc = rule_counts(r, &nrc);
    for (size_t i = 0; i < nrc; i++) {
        out_puts(w, "<option value=\"");
        esc_attr(w, rc[i].rule);
        out_puts(w, "\">");
        esc_str(w, rc[i].rule);
        out_puts(w, "</option>");
    }
    free(rc);
    out_puts(w, "</select></label><label>search <input id=\"f-q\" type=\"search\" "
                "placeholder=\"identity, Call-ID, reason, frame\"></label>"
                "<button id=\"f-prev\" hidden>&larr; prev</button><button id=\"f-next\" hidden>next &rarr;</button>"
                "<span id=\"f-count\" class=\"note\"></span></div>\n"
                "<p class=\"note\">Click a column to sort. Frames are Wireshark frame numbers "
                "(bold: the triggering frame); click one to see that message in its call flow. &ldquo;Where&rdquo; opens the call flow with the "
                "finding&rsquo;s messages highlighted.</p>\n");
    out_puts(w, "<table id=\"findings\"><thead><tr><th data-t=\"n\">ID</th><th data-t=\"n\">Severity</th>"
                "<th>Rule</th><th data-t=\"n\">Time (UTC)</th><th>Identity</th><th>Call-ID</th>"
                "<th data-t=\"n\">Frames</th><th>Reason</th><th>Where</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < r->nfnd; i++) {
        const html_fnd *x = &r->fnd[i];
        const imsec_finding *f = &x->f;
        const char *sv = sev_name(f->sev);
        char t[OUT_TSLEN];
        ts_text(f->ts, t);
        out_printf(w, "<tr class=\"finding\" id=\"F%zu\" data-id=\"%zu\" data-sev=\"%d\" data-rule=\"", i + 1,
                   i + 1, (int)f->sev);
        esc_attr(w, x->rule);
        out_printf(w, "\"><td data-v=\"%zu\">F%zu</td><td data-v=\"%d\"><span class=\"sev sev-%s\">%s</span></td>"
                      "<td class=\"mono rule\" title=\"",
                   i + 1, i + 1, (int)f->sev, sv, sv);
        esc_attr(w, x->title);
        out_puts(w, "\">");
        esc_str(w, x->rule);
        out_printf(w, "</td><td data-v=\"%lld.%06u\">%s</td><td class=\"mono\">", (long long)f->ts.sec,
                   f->ts.usec, t);
        if (f->impi[0]) {
            esc_str(w, f->impi);
            out_puts(w, "<br>");
        }
        esc_str(w, f->impu);
        if (f->sa[0]) {
            out_puts(w, "<br>SA ");
            esc_str(w, f->sa);
        }
        out_puts(w, "</td><td class=\"mono\">");
        esc_str(w, f->call_id);
        out_printf(w, "</td><td data-v=\"%llu\">", (unsigned long long)f->trigger_frame);
        bool trig_listed = false;
        for (uint32_t k = 0; k < f->nframes; k++) {
            bool tr = f->frames[k] == f->trigger_frame;
            trig_listed |= tr;
            out_printf(w, "%s%s<a href=\"#frame-%llu\">%llu</a>%s", k ? ", " : "", tr ? "<b>" : "",
                       (unsigned long long)f->frames[k], (unsigned long long)f->frames[k], tr ? "</b>" : "");
        }
        if (!trig_listed && f->trigger_frame)
            out_printf(w, "%s<b><a href=\"#frame-%llu\">%llu</a></b>", f->nframes ? ", " : "",
                       (unsigned long long)f->trigger_frame, (unsigned long long)f->trigger_frame);
        out_puts(w, "</td><td class=\"reason\">");
        esc_str(w, f->reason);
        out_puts(w, "</td><td>");
        if (x->section)
            out_printf(w, "<a href=\"#sec-%u\">flow %u</a>", x->section, x->section);
        else
            out_puts(w, "<span class=\"note\">not drawn</span>");
        out_puts(w, "</td></tr>\n");
    }
    out_puts(w, "</tbody></table>\n");
    if (r->fnd_total > r->nfnd)
        out_printf(w, "<div class=\"warn\">%llu more findings were not listed (report cap %u).</div>\n",
                   (unsigned long long)(r->fnd_total - r->nfnd), HTML_MAX_FINDINGS);
    out_puts(w, "</section>\n");
}

/* ---- registration timeline ---- */

static void write_timeline(html_report *r, out_writer *w, const imsec_stats *st)
{
    out_puts(w, "<section id=\"timeline\"><h2>Registration timeline</h2>\n");
    size_t n = 0;
    for (size_t i = 0; i < r->nsec; i++)
        n += r->sec[i].kind == HTML_SEC_REG;
    if (!n) {
        out_puts(w, "<p class=\"note\">No registrations in this capture.</p></section>\n");
        return;
    }
    if (n > 200)
        n = 200;
    const double W = 1000, L = 260, RH = 40;
    double span = ts_sub(st->last_ts, st->first_ts);
    if (span <= 0)
        span = 1;
    out_printf(w, "<p class=\"note\">One row per private identity: the bar runs from its first to its "
                  "last message (%.3f s capture span); colour is the final state; the registered "
                  "IMPUs follow the bar.</p>\n", span);
    out_printf(w, "<svg class=\"tl\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\">\n",
               W + L + 20, 30 + RH * (double)n);
    out_printf(w, "<text x=\"%.0f\" y=\"14\">+0 s</text><text x=\"%.0f\" y=\"14\" text-anchor=\"end\">+%.3f s</text>\n",
               L, L + W, span);
    size_t row = 0;
    for (size_t i = 0; i < r->nsec && row < n; i++) {
        const html_sec *s = &r->sec[i];
        if (s->kind != HTML_SEC_REG)
            continue;
        double y = 24 + RH * (double)row++;
        double x0 = L + W * ts_sub(s->u.g->start, st->first_ts) / span;
        double x1 = L + W * ts_sub(s->u.g->end, st->first_ts) / span;
        if (x1 - x0 < 4)
            x1 = x0 + 4;
        const char *col = strcmp(s->state, "registered") == 0   ? "#16a34a"
                          : strcmp(s->state, "challenged") == 0 ? "#f59e0b"
                          : strcmp(s->state, "deregistered") == 0 ? "#6b7280"
                          : strcmp(s->state, "failed") == 0     ? "#dc2626"
                                                                : "#60a5fa";
        if (s->shown)
            out_printf(w, "<a href=\"#sec-%u\">", s->id);
        out_printf(w, "<text x=\"0\" y=\"%.0f\" class=\"mono\">", y + 14);
        esc_str(w, s->u.g->impi);
        out_printf(w, "</text><rect class=\"bar\" x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>",
                   x0, y, x1 - x0, col);
        out_printf(w, "<text x=\"0\" y=\"%.0f\" font-size=\"11\" fill=\"#5b6578\">", y + 30);
        esc_str(w, s->state);
        out_printf(w, ", frames %llu-%llu</text>", (unsigned long long)s->u.g->first_frame,
                   (unsigned long long)s->u.g->last_frame);
        out_printf(w, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\">", x1 + 6 > L + W - 200 ? L : x1 + 6, y + 32);
        for (uint32_t k = 0; k < s->u.g->nimpus && k < 4; k++) {
            if (k)
                out_puts(w, ", ");
            esc_str(w, s->u.g->impus[k]);
        }
        out_puts(w, "</text>");
        if (s->shown)
            out_puts(w, "</a>");
        out_puts(w, "\n");
    }
    out_puts(w, "</svg>\n</section>\n");
}

/* ---- ladder diagrams ---- */

typedef struct {
    char key[IMSEC_ADDRSTRLEN + 8];
    char role[12];
    imsec_addr addr;
    uint16_t ports[4];
    uint32_t nports;
} html_lane;

static void lane_key(const imsec_addr *a, uint16_t port, bool with_port, char *out, size_t cap)
{
    char ab[IMSEC_ADDRSTRLEN];
    imsec_addr_str(a, ab);
    if (!with_port)
        snprintf(out, cap, "%s", ab);
    else if (a->family == 6)
        snprintf(out, cap, "[%s]:%u", ab, port);
    else
        snprintf(out, cap, "%s:%u", ab, port);
}

static int role_rank(const char *role)
{
    static const char *const order[] = {"UE", "P-CSCF", "I-CSCF", "S-CSCF", "peer"};
    for (int i = 0; i < 5; i++)
        if (strcmp(role, order[i]) == 0)
            return i;
    return 5;
}

/* Addresses whose host talks to itself in this section (loopback labs) are
 * split by port; elsewhere a node is one address, so a UE's protected and
 * unprotected ports share one lane. Collected once per section. */
typedef struct {
    imsec_addr a[8];
    uint32_t n;
} html_selfset;

static void selfset_build(const html_report *r, const uint32_t *mv, size_t n, html_selfset *ss)
{
    ss->n = 0;
    for (size_t i = 0; i < n; i++) {
        const imsec_tuple *t = &r->msg[mv[i]].tuple;
        if (!imsec_addr_eq(&t->src, &t->dst))
            continue;
        bool have = false;
        for (uint32_t k = 0; k < ss->n && !have; k++)
            have = imsec_addr_eq(&ss->a[k], &t->src);
        if (!have && ss->n < 8)
            ss->a[ss->n++] = t->src;
    }
}

static bool needs_port(const html_selfset *ss, const imsec_addr *a)
{
    for (uint32_t k = 0; k < ss->n; k++)
        if (imsec_addr_eq(&ss->a[k], a))
            return true;
    return false;
}

static void lane_port(html_lane *l, uint16_t port)
{
    for (uint32_t i = 0; i < l->nports; i++)
        if (l->ports[i] == port)
            return;
    if (l->nports < 4)
        l->ports[l->nports++] = port;
}

static uint32_t lane_of(html_lane *lanes, uint32_t *nl, const char *key, const char *role,
                        const imsec_addr *a, uint16_t port)
{
    for (uint32_t i = 0; i < *nl; i++)
        if (strcmp(lanes[i].key, key) == 0) {
            if (!lanes[i].role[0] && role[0])
                copy_str(lanes[i].role, sizeof lanes[i].role, role);
            lane_port(&lanes[i], port);
            return i;
        }
    if (*nl >= HTML_MAX_LANES) {
        /* last lane becomes the shared "other" lane */
        html_lane *o = &lanes[HTML_MAX_LANES - 1];
        copy_str(o->key, sizeof o->key, "other nodes");
        o->role[0] = '\0';
        o->nports = 0;
        return HTML_MAX_LANES - 1;
    }
    html_lane *l = &lanes[(*nl)++];
    copy_str(l->key, sizeof l->key, key);
    copy_str(l->role, sizeof l->role, role);
    l->addr = *a;
    l->nports = 0;
    lane_port(l, port);
    return *nl - 1;
}

static void write_texts(const html_report *r, out_writer *w, const uint32_t *mv, size_t n)
{
    out_puts(w, "<div class=\"texts\" hidden>\n");
    for (size_t i = 0; i < n; i++) {
        const html_msg *m = &r->msg[mv[i]];
        if (!m->text)
            continue;
        out_printf(w, "<template id=\"m-%u\">", mv[i]);
        html_sip_text(w, m->text, m->text_len, r->o.show_secrets);
        if (m->text_len < m->orig_len)
            out_printf(w, "\n[... %u more bytes not kept by the report]", m->orig_len - m->text_len);
        out_puts(w, "</template>\n");
    }
    out_puts(w, "</div>\n");
}

static void write_ladder(html_report *r, out_writer *w, const html_sec *s, const uint32_t *mv, size_t n,
                         const html_pair *fp, size_t nfp)
{
    html_lane lanes[HTML_MAX_LANES];
    uint32_t nl = 0;
    uint32_t *from = malloc((n ? n : 1) * 2 * sizeof *from);
    if (!from) {
        out_puts(w, "<p class=\"warn\">diagram not drawn: out of memory</p>");
        return;
    }
    uint32_t *to = from + n;
    html_selfset ss;
    selfset_build(r, mv, n, &ss);
    for (size_t i = 0; i < n; i++) {
        const html_msg *m = &r->msg[mv[i]];
        char k[IMSEC_ADDRSTRLEN + 8];
        lane_key(&m->tuple.src, m->tuple.sport, needs_port(&ss, &m->tuple.src), k, sizeof k);
        from[i] = lane_of(lanes, &nl, k, m->src_role, &m->tuple.src, m->tuple.sport);
        lane_key(&m->tuple.dst, m->tuple.dport, needs_port(&ss, &m->tuple.dst), k, sizeof k);
        to[i] = lane_of(lanes, &nl, k, m->dst_role, &m->tuple.dst, m->tuple.dport);
    }
    /* With roles on every lane, order lanes UE → P-CSCF → I-CSCF → S-CSCF →
     * peer (stable), so the boundary is one line. */
    uint32_t pos[HTML_MAX_LANES];
    bool all_roles = nl > 0;
    for (uint32_t i = 0; i < nl; i++) {
        pos[i] = i;
        all_roles &= lanes[i].role[0] != '\0';
    }
    if (all_roles) {
        for (uint32_t i = 1; i < nl; i++)
            for (uint32_t j = i; j > 0 && role_rank(lanes[pos[j - 1]].role) > role_rank(lanes[pos[j]].role); j--) {
                uint32_t t = pos[j];
                pos[j] = pos[j - 1];
                pos[j - 1] = t;
            }
    }
    uint32_t col[HTML_MAX_LANES];
    for (uint32_t i = 0; i < nl; i++)
        col[pos[i]] = i;

    const double GUT = 120, LW = 210, H0 = 58, RH = 40;
    double W = GUT + LW * (double)(nl ? nl : 1) + 60, H = H0 + RH * (double)n + 16;
    out_printf(w, "<div class=\"ladder\"><svg class=\"lad\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
                  "height=\"%.0f\" data-lanes=\"%u\">\n", W, H, nl);
    for (uint32_t c = 0; c < nl; c++) {
        const html_lane *l = &lanes[pos[c]];
        double x = GUT + LW * (double)c + LW / 2;
        out_printf(w, "<g class=\"lanegrp\"><rect class=\"lanehd\" x=\"%.0f\" y=\"4\" width=\"%.0f\" height=\"40\" rx=\"4\"/>",
                   x - LW / 2 + 8, LW - 16);
        /* Without a role the address is the name; the ports seen tell
         * protected (RFC 3329 port-c/port-s) from plain SIP ports. */
        out_printf(w, "<text class=\"role\" x=\"%.0f\" y=\"20\" text-anchor=\"middle\">", x);
        esc_str(w, l->role[0] ? l->role : l->key);
        out_printf(w, "</text><text class=\"addr\" x=\"%.0f\" y=\"36\" text-anchor=\"middle\">", x);
        if (l->role[0]) {
            esc_str(w, l->key);
        } else if (strchr(l->key, ':') && l->key[0] != '[' && !strchr(strchr(l->key, ':') + 1, ':')) {
            out_puts(w, "role not known");
        } else if (l->nports) {
            out_puts(w, l->nports > 1 ? "ports " : "port ");
            for (uint32_t k = 0; k < l->nports; k++)
                out_printf(w, "%s%u", k ? ", " : "", l->ports[k]);
        }
        out_printf(w, "</text><line class=\"lane\" x1=\"%.0f\" y1=\"44\" x2=\"%.0f\" y2=\"%.0f\"/></g>\n", x, x, H);
    }
    if (all_roles) {
        for (uint32_t c = 1; c < nl; c++)
            if (strcmp(lanes[pos[c]].role, "peer") == 0 && strcmp(lanes[pos[c - 1]].role, "peer") != 0) {
                double x = GUT + LW * (double)c;
                out_printf(w, "<line class=\"bnd\" x1=\"%.0f\" y1=\"2\" x2=\"%.0f\" y2=\"%.0f\"/>"
                              "<text class=\"bndl\" x=\"%.0f\" y=\"%.0f\">home network boundary</text>\n",
                           x, x, H, x + 4, H - 4);
                break;
            }
    }
    imsec_ts t0 = n ? r->msg[mv[0]].ts : (imsec_ts){0, 0};
    for (size_t i = 0; i < n; i++) {
        const html_msg *m = &r->msg[mv[i]];
        double y = H0 + RH * (double)i + 22;
        double x1 = GUT + LW * (double)col[from[i]] + LW / 2;
        double x2 = GUT + LW * (double)col[to[i]] + LW / 2;
        /* findings citing this frame */
        size_t lo = pair_lower(fp, nfp, m->frame), hi = lo;
        while (hi < nfp && fp[hi].frame == m->frame)
            hi++;
        char label[64];
        if (m->is_request)
            snprintf(label, sizeof label, "%s", m->method);
        else
            snprintf(label, sizeof label, "%u (%s)", m->status, m->method);
        char pb[8], sa[IMSEC_ADDRSTRLEN], da[IMSEC_ADDRSTRLEN], tsb[OUT_TSLEN];
        out_printf(w, "<g class=\"arrow%s%s\" tabindex=\"0\" data-m=\"%u\" data-frame=\"%llu\"", m->in_esp ? " prot" : "",
                   hi > lo ? " hl" : "", mv[i], (unsigned long long)m->frame);
        if (hi > lo) {
            out_puts(w, " data-f=\"");
            for (size_t k = lo; k < hi; k++)
                out_printf(w, "%sF%u", k > lo ? " " : "", fp[k].idx + 1);
            out_puts(w, "\"");
        }
        out_printf(w, " data-info=\"frame %llu  %s  %s ", (unsigned long long)m->frame, out_ts_text(m->ts, tsb),
                   out_proto_str(m->tuple.proto, pb));
        esc_attr(w, imsec_addr_str(&m->tuple.src, sa));
        out_printf(w, ":%u -&gt; ", m->tuple.sport);
        esc_attr(w, imsec_addr_str(&m->tuple.dst, da));
        out_printf(w, ":%u", m->tuple.dport);
        if (m->in_esp)
            out_printf(w, "  inside ESP SPI 0x%x", m->spi);
        else
            out_puts(w, "  unprotected");
        if (m->sa[0]) {
            out_puts(w, "  SA ");
            esc_attr(w, m->sa);
        }
        out_printf(w, "  %u bytes", m->orig_len);
        if (hi > lo) {
            out_puts(w, "  findings:");
            for (size_t k = lo; k < hi; k++)
                out_printf(w, " F%u", fp[k].idx + 1);
        }
        out_puts(w, "\">");
        out_printf(w, "<rect class=\"hit\" x=\"0\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\"/>", y - 22, W, RH);
        out_printf(w, "<text class=\"fr\" x=\"6\" y=\"%.0f\">#%llu</text>", y - 4, (unsigned long long)m->frame);
        out_printf(w, "<text class=\"dt\" x=\"6\" y=\"%.0f\">+%.3f s</text>", y + 11, ts_sub(m->ts, t0));
        double mid;
        if (from[i] == to[i]) {
            out_printf(w, "<path class=\"ln\" fill=\"none\" d=\"M%.0f %.0f h40 v12 h-40\"/>", x1, y - 6);
            out_printf(w, "<polygon class=\"ah\" points=\"%.0f,%.0f %.0f,%.0f %.0f,%.0f\"/>", x1, y + 6, x1 + 9,
                       y + 2, x1 + 9, y + 10);
            mid = x1 + 50;
            out_printf(w, "<text class=\"lbl\" x=\"%.0f\" y=\"%.0f\">", mid, y - 4);
        } else {
            double dir = x2 > x1 ? 1 : -1;
            out_printf(w, "<line class=\"ln\" x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>", x1, y,
                       x2 - dir * 9, y);
            out_printf(w, "<polygon class=\"ah\" points=\"%.0f,%.0f %.0f,%.0f %.0f,%.0f\"/>", x2, y, x2 - dir * 10,
                       y - 5, x2 - dir * 10, y + 5);
            mid = (x1 + x2) / 2;
            out_printf(w, "<text class=\"lbl\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">", mid, y - 5);
        }
        html_escape(w, label, strlen(label), false);
        out_puts(w, "</text>");
        const char *anchor = from[i] == to[i] ? "start" : "middle";
        if (m->in_esp)
            out_printf(w, "<text class=\"spi\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"%s\">ESP SPI 0x%x</text>", mid,
                       y + 14, anchor, m->spi);
        else
            out_printf(w, "<text class=\"clr\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"%s\">unprotected</text>", mid,
                       y + 14, anchor);
        if (hi > lo) {
            double bx = (x1 > x2 ? x1 : x2) + (from[i] == to[i] ? 110 : 12);
            out_printf(w, "<text class=\"badge\" x=\"%.0f\" y=\"%.0f\">", bx, y + 4);
            for (size_t k = lo; k < hi; k++)
                out_printf(w, "%sF%u", k > lo ? " " : "", fp[k].idx + 1);
            out_puts(w, "</text>");
        }
        out_puts(w, "</g>\n");
    }
    out_puts(w, "</svg></div>\n");
    free(from);
    (void)s;
}

/* ---- sections ---- */

static const char *kind_name(html_sec_kind k)
{
    switch (k) {
    case HTML_SEC_REG: return "registration";
    case HTML_SEC_DIALOG: return "dialog";
    case HTML_SEC_TXN: return "transaction";
    case HTML_SEC_ORPHAN: return "call-id";
    }
    return "";
}

static void write_facts(out_writer *w, const html_sec *s)
{
    out_puts(w, "<div class=\"facts mono\">");
    if (s->kind == HTML_SEC_REG) {
        const imsec_reg_rec *g = s->u.g;
        out_puts(w, "<span>IMPUs: ");
        for (uint32_t k = 0; k < g->nimpus && k < 4; k++) {
            if (k)
                out_puts(w, ", ");
            esc_str(w, g->impus[k]);
        }
        out_puts(w, "</span><span>contact: ");
        esc_str(w, g->contact);
        if (g->pcscf[0]) {
            out_puts(w, "</span><span>P-CSCF (Path): ");
            esc_str(w, g->pcscf);
        }
        if (g->scscf[0]) {
            out_puts(w, "</span><span>S-CSCF (Service-Route): ");
            esc_str(w, g->scscf);
        }
        out_puts(w, "</span><span>security: ");
        esc_str(w, g->sec_mech[0] ? g->sec_mech : "none agreed");
        char tb[OUT_TSLEN];
        out_printf(w, "</span><span>expires %u</span><span>start %s UTC, %.3f s</span><br><span>Call-IDs: ",
                   g->expires, out_ts_text(g->start, tb), ts_sub(g->end, g->start));
        for (uint32_t k = 0; k < g->ncall_ids; k++) {
            if (k)
                out_puts(w, ", ");
            esc_str(w, g->call_ids[k]);
            out_printf(w, " (%u msgs)", g->call_id_msgs[k]);
        }
        out_puts(w, "</span>");
    } else if (s->kind == HTML_SEC_DIALOG) {
        const imsec_dialog_rec *d = s->u.d;
        out_puts(w, "<span>from ");
        esc_str(w, d->from);
        out_puts(w, "</span><span>to ");
        esc_str(w, d->to);
        char tb[OUT_TSLEN];
        out_printf(w, "</span><span>final status %u</span><span>%s</span><span>start %s UTC, %.3f s</span>",
                   d->final_status, d->protected_any ? "some messages inside an SA" : "no message inside an SA",
                   out_ts_text(d->start, tb), ts_sub(d->end, d->start));
        if (d->caller_media[0] || d->callee_media[0]) {
            out_puts(w, "<span>media ");
            esc_str(w, d->caller_media);
            out_puts(w, " &harr; ");
            esc_str(w, d->callee_media);
            out_puts(w, "</span>");
        }
        out_puts(w, "<br><span>Call-ID: ");
        esc_str(w, d->call_id);
        out_puts(w, "</span>");
    } else {
        out_puts(w, "<span>Call-ID: ");
        esc_str(w, s->u.t->call_id);
        out_puts(w, "</span>");
    }
    out_puts(w, "</div>\n");
}

static void write_section(html_report *r, out_writer *w, const html_sec *s, const html_pair *fp, size_t nfp,
                          bool open)
{
    size_t n = 0;
    uint32_t *mv = sec_msgs(r, s, &n);
    uint64_t msgs = 0, dropped = 0, f0 = s->first_frame, f1 = 0;
    for (uint32_t i = 0; i < s->nflows; i++) {
        msgs += r->flow[s->flows[i]].nmsgs;
        dropped += r->flow[s->flows[i]].dropped;
    }
    if (s->kind == HTML_SEC_REG)
        f1 = s->u.g->last_frame;
    else if (s->kind == HTML_SEC_DIALOG)
        f1 = s->u.d->last_frame;
    else
        f1 = s->u.t->last_frame;
    out_printf(w, "<details class=\"flow%s\" id=\"sec-%u\" data-kind=\"%s\"%s><summary>Flow %u &middot; ",
               s->flagged ? " flagged" : "", s->id, kind_name(s->kind), open ? " open" : "", s->id);
    section_name(s, w);
    if (s->state[0]) {
        out_puts(w, " &middot; ");
        esc_str(w, s->state);
    }
    out_printf(w, " &middot; frames %llu&ndash;%llu &middot; %llu messages", (unsigned long long)f0,
               (unsigned long long)f1, (unsigned long long)(msgs + dropped));
    /* findings that cite a message of this flow */
    bool *seen = r->nfnd ? calloc(r->nfnd, 1) : NULL;
    size_t nf = 0;
    if (seen) {
        for (size_t i = 0; i < n; i++) {
            size_t lo = pair_lower(fp, nfp, r->msg[mv[i]].frame);
            for (; lo < nfp && fp[lo].frame == r->msg[mv[i]].frame; lo++)
                if (!seen[fp[lo].idx]) {
                    seen[fp[lo].idx] = true;
                    nf++;
                }
        }
        for (size_t i = 0; i < r->nfnd; i++)
            if (r->fnd[i].section == s->id && !seen[i]) {
                seen[i] = true;
                nf++;
            }
    }
    if (nf) {
        out_puts(w, " &middot; findings:");
        for (size_t i = 0; i < r->nfnd; i++)
            if (seen[i])
                out_printf(w, " <a href=\"#F%zu\" class=\"sev sev-%s\">F%zu</a>", i + 1, sev_name(r->fnd[i].f.sev),
                           i + 1);
    }
    free(seen);
    out_puts(w, "</summary>\n");
    write_facts(w, s);
    if (n) {
        out_puts(w, "<div class=\"legend\">Arrows:<b style=\"border-top:2px solid #4b5563\"></b>unprotected"
                    "<b style=\"border-top:3px solid #15803d\"></b>inside an IPsec SA (ESP, SPI shown)"
                    "<b style=\"border-top:3px solid #dc2626\"></b>cited by a finding (id at the right). "
                    "Click an arrow (or focus it and press Enter) to read the message.</div>\n");
        write_ladder(r, w, s, mv, n, fp, nfp);
        out_puts(w, "<div class=\"msgview\"><div class=\"hd\">Click an arrow above to read that message here.</div><pre></pre></div>\n");
        write_texts(r, w, mv, n);
    } else {
        out_puts(w, "<p class=\"note\">No SIP message of this flow was kept (report limit).</p>\n");
    }
    if (dropped)
        out_printf(w, "<div class=\"warn\">%llu further messages of this flow are not drawn (limit %u per Call-ID).</div>\n",
                   (unsigned long long)dropped, HTML_MAX_FLOW_MSGS);
    out_puts(w, "</details>\n");
    free(mv);
}

/* Adds a section for every Call-ID that carried messages but no record. */
static void add_orphans(html_report *r)
{
    for (size_t i = 0; i < r->nflow; i++) {
        html_flow *fl = &r->flow[i];
        if (fl->used || fl->first == UINT32_MAX)
            continue;
        if (!fl->has_finding && !r->o.all_sections)
            continue;
        imsec_txn_rec t;
        memset(&t, 0, sizeof t);
        html_sec *s = sec_add(r, HTML_SEC_ORPHAN, r->msg[fl->first].frame, &t, sizeof t);
        if (!s)
            return;
        copy_str(s->u.t->call_id, sizeof s->u.t->call_id, fl->call_id);
        copy_str(s->u.t->method, sizeof s->u.t->method, r->msg[fl->first].method);
        s->u.t->first_frame = r->msg[fl->first].frame;
        s->u.t->last_frame = r->msg[fl->last].frame;
        s->u.t->sip_messages = fl->nmsgs;
        s->flows[0] = (uint32_t)i;
        s->nflows = 1;
        fl->used = true;
    }
}

/* Section (index) of the message in frame f, or UINT32_MAX. */
static uint32_t frame_sec(const html_pair *mp, size_t nmp, uint64_t f)
{
    size_t k = pair_lower(mp, nmp, f);
    return k < nmp && mp[k].frame == f ? mp[k].idx : UINT32_MAX;
}

/* Transfer-chain nodes link to the shown section of their Call-ID. */
typedef struct {
    html_report *r;
    const uint32_t *flow_sec;
} html_link_ctx;

static uint32_t link_sec(void *ctx, const char *call_id)
{
    const html_link_ctx *c = ctx;
    uint32_t fi = flow_get(c->r, call_id, false);
    if (fi == UINT32_MAX || c->flow_sec[fi] == UINT32_MAX)
        return 0;
    const html_sec *s = &c->r->sec[c->flow_sec[fi]];
    return s->shown ? s->id : 0;
}

int html_report_write(html_report *r, out_writer *w, const imsec_stats *st, const char *damage)
{
    add_orphans(r);
    if (r->nsec > 1)
        qsort(r->sec, r->nsec, sizeof *r->sec, sec_cmp);
    /* flow -> first section using it; message frame -> section */
    uint32_t *flow_sec = malloc((r->nflow ? r->nflow : 1) * sizeof *flow_sec);
    html_pair *mp = malloc((r->nmsg ? r->nmsg : 1) * sizeof *mp);
    html_pair *fp = NULL;
    size_t nmp = 0, nfp = 0;
    if (!flow_sec || !mp) {
        free(flow_sec);
        free(mp);
        return w->err = IMSEC_E_NOMEM;
    }
    for (size_t i = 0; i < r->nflow; i++)
        flow_sec[i] = UINT32_MAX;
    for (size_t i = r->nsec; i-- > 0;)
        for (uint32_t k = 0; k < r->sec[i].nflows; k++)
            flow_sec[r->sec[i].flows[k]] = (uint32_t)i;
    for (size_t i = 0; i < r->nmsg; i++)
        if (flow_sec[r->msg[i].flow] != UINT32_MAX)
            mp[nmp++] = (html_pair){r->msg[i].frame, flow_sec[r->msg[i].flow]};
    qsort(mp, nmp, sizeof *mp, pair_cmp);

    /* Which sections carry findings, and where each finding links to. */
    uint32_t *fsec = malloc((r->nfnd ? r->nfnd : 1) * sizeof *fsec);
    if (!fsec) {
        free(flow_sec);
        free(mp);
        return w->err = IMSEC_E_NOMEM;
    }
    for (size_t i = 0; i < r->nfnd; i++) {
        const imsec_finding *f = &r->fnd[i].f;
        uint32_t prim = frame_sec(mp, nmp, f->trigger_frame);
        for (uint32_t k = 0; k < f->nframes; k++) {
            uint32_t sidx = frame_sec(mp, nmp, f->frames[k]);
            if (sidx != UINT32_MAX) {
                r->sec[sidx].flagged = true;
                if (prim == UINT32_MAX)
                    prim = sidx;
            }
        }
        if (f->call_id[0]) {
            uint32_t fi = flow_get(r, f->call_id, false);
            if (fi != UINT32_MAX && flow_sec[fi] != UINT32_MAX) {
                r->sec[flow_sec[fi]].flagged = true;
                if (prim == UINT32_MAX)
                    prim = flow_sec[fi];
            }
        }
        if (prim == UINT32_MAX && f->impi[0])
            for (size_t k = 0; k < r->nsec && k < 4096; k++)
                if (r->sec[k].kind == HTML_SEC_REG && strcmp(r->sec[k].u.g->impi, f->impi) == 0) {
                    prim = (uint32_t)k;
                    break;
                }
        if (prim != UINT32_MAX)
            r->sec[prim].flagged = true;
        fsec[i] = prim;
    }
    size_t nshown = 0, nflagged = 0, hidden_flagged = 0, hidden_other = 0;
    for (size_t i = 0; i < r->nsec; i++) {
        html_sec *s = &r->sec[i];
        nflagged += s->flagged;
        if ((s->flagged || r->o.all_sections) && nshown < r->o.max_sections) {
            s->shown = true;
            s->id = (uint32_t)++nshown;
        } else if (s->flagged || r->o.all_sections) {
            hidden_flagged += s->flagged;
            hidden_other += !s->flagged;
        } else {
            hidden_other++;
        }
    }
    for (size_t i = 0; i < r->nfnd; i++)
        r->fnd[i].section = fsec[i] != UINT32_MAX && r->sec[fsec[i]].shown ? r->sec[fsec[i]].id : 0;
    free(fsec);

    /* (frame, finding) pairs: every evidence frame and the trigger. */
    size_t capfp = 0;
    for (size_t i = 0; i < r->nfnd; i++)
        capfp += r->fnd[i].f.nframes + 1;
    fp = malloc((capfp ? capfp : 1) * sizeof *fp);
    if (!fp) {
        free(flow_sec);
        free(mp);
        return w->err = IMSEC_E_NOMEM;
    }
    for (size_t i = 0; i < r->nfnd; i++) {
        const imsec_finding *f = &r->fnd[i].f;
        bool trig = false;
        for (uint32_t k = 0; k < f->nframes; k++) {
            fp[nfp++] = (html_pair){f->frames[k], (uint32_t)i};
            trig |= f->frames[k] == f->trigger_frame;
        }
        if (!trig && f->trigger_frame)
            fp[nfp++] = (html_pair){f->trigger_frame, (uint32_t)i};
    }
    qsort(fp, nfp, sizeof *fp, pair_cmp);

    write_head(r, w);
    write_summary(r, w, st, damage, nshown, nflagged, r->nsec);
    write_findings(r, w);
    write_timeline(r, w, st);
    html_link_ctx lc_ = {r, flow_sec};
    html_xfer_write(r->xf, w, st->first_ts, link_sec, &lc_);

    out_puts(w, "<section id=\"flows\"><h2>Call flows</h2>\n<p class=\"note\">");
    out_printf(w, "%zu registrations, dialogs and other Call-IDs in the capture; %zu cite a finding; "
                  "%zu drawn below (%s). Ladders read top to bottom in capture order; the left column "
                  "gives the Wireshark frame number and the time since the flow&rsquo;s first message.</p>\n",
               r->nsec, nflagged, nshown,
               r->o.all_sections ? "--report-dialogs all" : "only those with findings; --report-dialogs all draws every one");
    if (hidden_flagged)
        out_printf(w, "<div class=\"warn\">%zu flows with findings are not drawn: the report draws at most %u "
                      "flows.</div>\n", hidden_flagged, r->o.max_sections);
    if (r->o.all_sections && hidden_other)
        out_printf(w, "<div class=\"warn\">%zu further flows are not drawn: the report draws at most %u "
                      "flows.</div>\n", hidden_other, r->o.max_sections);
    bool open_all = nshown <= 30;
    for (size_t i = 0; i < r->nsec; i++)
        if (r->sec[i].shown)
            write_section(r, w, &r->sec[i], fp, nfp, open_all && (r->sec[i].flagged || nshown <= 8));
    if (!nshown)
        out_puts(w, "<p>No flow to draw.</p>\n");
    out_puts(w, "</section>\n</main>\n<script>");
    out_puts(w, js);
    out_puts(w, "</script>\n</body>\n</html>\n");
    free(fp);
    free(flow_sec);
    free(mp);
    return w->err;
}

/* ---- the HTML sink (imsec/output.h) ---- */

typedef struct {
    html_report *h;
    out_writer *w;
    int rc;
} html_sink;

static void hs_finding(void *ud, const imsec_finding *f, imsec_finding_note *note)
{
    (void)note;
    html_report_finding(((html_sink *)ud)->h, f);
}

static void hs_message(void *ud, const imsec_msg_rec *m) { html_report_message(((html_sink *)ud)->h, m); }

static void hs_record(void *ud, const imsec_record *r)
{
    html_report *h = ((html_sink *)ud)->h;
    switch (r->kind) {
    case IMSEC_REC_DIALOG: html_report_dialog(h, r->u.dialog); break;
    case IMSEC_REC_REGISTRATION: html_report_registration(h, r->u.reg); break;
    case IMSEC_REC_TXN: html_report_txn(h, r->u.txn); break;
    case IMSEC_REC_SA: break; /* the report draws SAs from the messages */
    }
}

static void hs_stats(void *ud, const imsec_stats *st, const imsec_stats_info *info)
{
    html_sink *s = ud;
    if (info && info->periodic)
        return;
    s->rc = html_report_write(s->h, s->w, st, info ? info->damage : NULL);
}

static int hs_finish(void *ud, char err[IMSEC_ERRBUF])
{
    html_sink *s = ud;
    if (s->rc)
        snprintf(err, IMSEC_ERRBUF, "%s", imsec_rc_str(s->rc));
    return s->rc;
}

static void hs_free(void *ud)
{
    html_sink *s = ud;
    if (!s)
        return;
    html_report_free(s->h);
    free(s);
}

static const imsec_sink_ops html_sink_ops = {
    .name = "html", .on_finding = hs_finding, .on_message = hs_message, .on_record = hs_record,
    .on_stats = hs_stats, .finish = hs_finish, .free = hs_free,
};

int imsec_html_sink(const imsec_html_opts *o, imsec_writer *w, imsec_sink *out)
{
    out->ops = NULL;
    html_sink *s = calloc(1, sizeof *s);
    html_opts ho = {.title = o->title, .inputs = o->inputs, .show_secrets = o->show_secrets,
                    .all_sections = o->all_sections, .max_sections = o->max_sections,
                    .seed = o->seed};
    if (!s || !(s->h = html_report_new(&ho))) {
        free(s);
        return IMSEC_E_NOMEM;
    }
    s->w = w;
    *out = (imsec_sink){.ops = &html_sink_ops, .ud = s};
    return IMSEC_OK;
}
