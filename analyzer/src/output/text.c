#include "output/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Escape buffer for one wire value: IMSEC_SUBJ_LEN-sized fields grow 4x. */
#define ESC_CAP (4 * IMSEC_REASON_LEN + 8)

static const char *const sev_upper[] = {"INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
static const char *const sev_sgr[] = {"\033[2m", "\033[36m", "\033[33m", "\033[31m", "\033[1;31m"};

static const char *sev_name(imsec_severity s)
{
    return (unsigned)s <= IMSEC_SEV_CRITICAL ? sev_upper[s] : "?";
}

void text_init(text_ctx *t, out_writer *w, bool color)
{
    memset(t, 0, sizeof *t);
    t->w = w;
    t->color = color;
}

void text_fini(text_ctx *t)
{
    free(t->regs.p);
    free(t->dialogs.p);
    free(t->txns.p);
    free(t->sas.p);
    memset(&t->sas, 0, sizeof t->sas);
    memset(&t->regs, 0, sizeof t->regs);
    memset(&t->dialogs, 0, sizeof t->dialogs);
    memset(&t->txns, 0, sizeof t->txns);
}

/* Escapes a NUL-terminated field of at most cap bytes. */
static const char *esc_field(const char *s, size_t cap, char *buf)
{
    return out_escape(s, s ? strnlen(s, cap) : 0, buf, ESC_CAP);
}

static void endpoint(const imsec_addr *a, uint16_t port, bool ports, char *buf, size_t cap)
{
    char ab[IMSEC_ADDRSTRLEN];
    imsec_addr_str(a, ab);
    int r;
    if (!ports)
        r = snprintf(buf, cap, "%s", ab);
    else if (a->family == 6)
        r = snprintf(buf, cap, "[%s]:%u", ab, (unsigned)port);
    else
        r = snprintf(buf, cap, "%s:%u", ab, (unsigned)port);
    if (r < 0)
        buf[0] = '\0';
}

static void count_rule(text_ctx *t, const char *rule, imsec_severity sev)
{
    for (size_t i = 0; i < t->nrules; i++)
        if (strncmp(t->by_rule[i].rule, rule, TEXT_RULE_LEN) == 0) {
            t->by_rule[i].n++;
            if (sev > t->by_rule[i].sev)
                t->by_rule[i].sev = sev;
            return;
        }
    if (t->nrules == TEXT_MAX_RULES) {
        t->other_rules++;
        return;
    }
    text_rule_count *c = &t->by_rule[t->nrules++];
    out_escape(rule, strlen(rule), c->rule, sizeof c->rule);
    c->sev = sev;
    c->n = 1;
}

int text_finding(text_ctx *t, const imsec_finding *f)
{
    out_writer *w = t->w;
    char esc[ESC_CAP], ts[OUT_TSLEN];
    const char *rule = f->rule ? f->rule : "?";
    imsec_severity sev = (unsigned)f->sev <= IMSEC_SEV_CRITICAL ? f->sev : IMSEC_SEV_INFO;
    t->findings++;
    t->by_sev[sev]++;
    count_rule(t, rule, sev);

    if (t->color)
        out_printf(w, "%s[%s]\033[0m ", sev_sgr[sev], sev_name(sev));
    else
        out_printf(w, "[%s] ", sev_name(sev));
    uint64_t trig = f->trigger_frame ? f->trigger_frame : f->nframes ? f->frames[0] : 0;
    out_printf(w, "%s  frame %llu  %s", out_escape(rule, strlen(rule), esc, sizeof esc),
               (unsigned long long)trig, out_ts_text(f->ts, ts));
    if (f->has_tuple) {
        char a[IMSEC_ADDRSTRLEN + 10], b[IMSEC_ADDRSTRLEN + 10], pb[8];
        bool ports = f->tuple.proto == IMSEC_PROTO_UDP || f->tuple.proto == IMSEC_PROTO_TCP ||
                     f->tuple.proto == IMSEC_PROTO_SCTP;
        endpoint(&f->tuple.src, f->tuple.sport, ports, a, sizeof a);
        endpoint(&f->tuple.dst, f->tuple.dport, ports, b, sizeof b);
        out_printf(w, "  %s -> %s %s", a, b, out_proto_str(f->tuple.proto, pb));
    }
    out_puts(w, "\n");
    out_printf(w, "    reason: %s\n", esc_field(f->reason, sizeof f->reason, esc));
    if (f->impi[0])
        out_printf(w, "    impi: %s\n", esc_field(f->impi, sizeof f->impi, esc));
    if (f->impu[0])
        out_printf(w, "    impu: %s\n", esc_field(f->impu, sizeof f->impu, esc));
    if (f->call_id[0])
        out_printf(w, "    call-id: %s\n", esc_field(f->call_id, sizeof f->call_id, esc));
    if (f->sa[0])
        out_printf(w, "    sa: %s\n", esc_field(f->sa, sizeof f->sa, esc));
    uint32_t nf = f->nframes < IMSEC_MAX_EVIDENCE ? f->nframes : IMSEC_MAX_EVIDENCE;
    if (nf) {
        out_puts(w, "    evidence frames: ");
        for (uint32_t i = 0; i < nf; i++)
            out_printf(w, "%s%llu", i ? ", " : "", (unsigned long long)f->frames[i]);
        out_puts(w, "\n");
    }
    return out_puts(w, "\n");
}

static int cmp_rule(const void *a, const void *b)
{
    const text_rule_count *x = a, *y = b;
    return strcmp(x->rule, y->rule);
}

/* Appends ", name N" for non-zero counters to a line; returns true if any. */
typedef struct {
    const char *name;
    uint64_t v;
} named_count;

static void nonzero_line(out_writer *w, const char *head, const named_count *c, size_t n)
{
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (!c[i].v)
            continue;
        out_printf(w, "%s%s %llu", any ? ", " : head, c[i].name, (unsigned long long)c[i].v);
        any = true;
    }
    if (any)
        out_puts(w, "\n");
}

/* Idle rules, one line per reason (issue 13): which rules said nothing
 * because their context was absent, and the site line that would enable them. */
static void text_idle(out_writer *w, const imsec_stats *s)
{
    for (uint32_t i = 0; i < s->nidle;) {
        const char *why = s->idle[i].reason;
        uint32_t k = i, n = 0;
        while (k < s->nidle && s->idle[k].reason == why)
            k++, n++;
        out_printf(w, "  idle: %u rule%s, %s:", (unsigned)n, n == 1 ? "" : "s", why);
        for (uint32_t j = i; j < k; j++)
            out_printf(w, " %s", s->idle[j].rule);
        out_printf(w, "\n    to enable them, if that is wrong: --rules with %s\n", s->idle[i].enable);
        i = k;
    }
    if (s->idle_more)
        out_printf(w, "  idle: %u more rules\n", (unsigned)s->idle_more);
}

int text_summary(text_ctx *t, const imsec_stats *s, const char *const *damage, size_t ndamage)
{
    out_writer *w = t->w;
    out_puts(w, "Summary\n");
    out_printf(w, "  frames: %llu  bytes: %llu  SIP messages: %llu\n",
               (unsigned long long)s->frames, (unsigned long long)s->bytes,
               (unsigned long long)s->sip_messages);
    out_printf(w, "  dialogs: %llu  registrations: %llu  SAs: %llu\n",
               (unsigned long long)s->dialogs, (unsigned long long)s->registrations,
               (unsigned long long)s->sas);
    if (s->network[0])
        out_printf(w, "  network: %s\n", s->network);
    if (s->home_network[0]) /* pin an inferred boundary with a site file (interface.md) */
        out_printf(w, "  home network: %s\n", s->home_network);
    text_idle(w, s);
    out_printf(w, "  ESP: %llu packets, %llu decrypted, %llu ESP-NULL decoded, %llu integrity failed, "
                  "%llu unknown SPI\n",
               (unsigned long long)s->esp_packets, (unsigned long long)s->esp_decrypted,
               (unsigned long long)s->esp_null_decoded,
               (unsigned long long)s->esp_integrity_failed,
               (unsigned long long)s->esp_unknown_spi);
    out_printf(w, "  findings: %llu", (unsigned long long)t->findings);
    if (t->findings) {
        out_puts(w, " (");
        for (int i = IMSEC_SEV_CRITICAL; i >= IMSEC_SEV_INFO; i--)
            out_printf(w, "%s%s %llu", i == IMSEC_SEV_CRITICAL ? "" : ", ",
                       imsec_severity_str((imsec_severity)i), (unsigned long long)t->by_sev[i]);
        out_puts(w, ")");
    }
    out_puts(w, "\n");
    text_rule_count sorted[TEXT_MAX_RULES];
    memcpy(sorted, t->by_rule, t->nrules * sizeof *sorted);
    qsort(sorted, t->nrules, sizeof *sorted, cmp_rule);
    for (size_t i = 0; i < t->nrules; i++)
        out_printf(w, "    %-32s %-8s %llu\n", sorted[i].rule, imsec_severity_str(sorted[i].sev),
                   (unsigned long long)sorted[i].n);
    if (t->other_rules)
        out_printf(w, "    %-32s %-8s %llu\n", "(other rules)", "", (unsigned long long)t->other_rules);
    const named_count an[] = {
        {"truncated", s->truncated},         {"malformed SIP", s->malformed_sip},
        {"malformed IP", s->malformed_ip},   {"unsupported link", s->unsupported_link},
        {"TCP gaps", s->tcp_gaps},           {"TCP resyncs", s->tcp_resync},
        {"fragment overlaps", s->frag_overlaps}, {"fragment timeouts", s->frag_timeouts},
        {"TCP overlaps", s->tcp_overlaps},
        {"SIP limits hit", s->sip_limit},
    };
    nonzero_line(w, "  anomalies: ", an, sizeof an / sizeof *an);
    if (s->unsupported_link)
        out_printf(w, "    (first unsupported link type: %llu)\n",
                   (unsigned long long)s->first_unsupported_link);
    const named_count ev[] = {
        {"dialogs", s->ev_dialogs},     {"registrations", s->ev_registrations},
        {"TCP flows", s->ev_tcp_flows}, {"fragments", s->ev_fragments},
        {"calls", s->ev_calls},
    };
    nonzero_line(w, "  evictions: ", ev, sizeof ev / sizeof *ev);
    for (size_t i = 0; damage && i < ndamage; i++) {
        char esc[ESC_CAP];
        if (damage[i])
            out_printf(w, "  damage: %s\n", out_escape(damage[i], strlen(damage[i]), esc, sizeof esc));
    }
    return w->err;
}

/* ---- `imsec dialogs` table ------------------------------------------------ */

__attribute__((format(printf, 3, 4))) static void tb_printf(text_ctx *t, text_buf *b,
                                                             const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0 || t->err)
        return;
    size_t ln = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    if (b->len + ln + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 4096;
        while (nc < b->len + ln + 1)
            nc *= 2;
        char *np = realloc(b->p, nc);
        if (!np) {
            t->err = IMSEC_E_NOMEM;
            return;
        }
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->len, line, ln);
    b->len += ln;
    b->p[b->len] = '\0';
}

static void frames_str(uint64_t a, uint64_t b, char *buf, size_t cap)
{
    int r = a == b ? snprintf(buf, cap, "%llu", (unsigned long long)a)
                   : snprintf(buf, cap, "%llu-%llu", (unsigned long long)a, (unsigned long long)b);
    if (r < 0)
        buf[0] = '\0';
}

int text_registration(text_ctx *t, const imsec_reg_rec *r)
{
    char e1[ESC_CAP], fr[48];
    text_buf *b = &t->regs;
    frames_str(r->first_frame, r->last_frame, fr, sizeof fr);
    b->rows++;
    tb_printf(t, b, "  %-32s %-12s %-13s %6u", esc_field(r->impi, sizeof r->impi, e1),
              r->state ? r->state : "-", fr, (unsigned)r->sip_messages);
    if (r->expires)
        tb_printf(t, b, "  expires %u", (unsigned)r->expires);
    if (r->sec_mech[0])
        tb_printf(t, b, "  sec %s", esc_field(r->sec_mech, sizeof r->sec_mech, e1));
    tb_printf(t, b, "\n");
    uint32_t ni = r->nimpus < 4 ? r->nimpus : 4;
    for (uint32_t i = 0; i < ni; i++)
        tb_printf(t, b, "      impu %s\n", esc_field(r->impus[i], sizeof r->impus[i], e1));
    if (r->contact[0])
        tb_printf(t, b, "      contact %s\n", esc_field(r->contact, sizeof r->contact, e1));
    if (r->pcscf[0])
        tb_printf(t, b, "      p-cscf %s\n", esc_field(r->pcscf, sizeof r->pcscf, e1));
    if (r->scscf[0])
        tb_printf(t, b, "      s-cscf %s\n", esc_field(r->scscf, sizeof r->scscf, e1));
    uint32_t nc = r->ncall_ids < IMSEC_REC_MAX_CALLIDS ? r->ncall_ids : IMSEC_REC_MAX_CALLIDS;
    for (uint32_t i = 0; i < nc; i++)
        tb_printf(t, b, "      call-id %s (%u messages)\n",
                  esc_field(r->call_ids[i], sizeof r->call_ids[i], e1), (unsigned)r->call_id_msgs[i]);
    if (r->call_ids_more)
        tb_printf(t, b, "      %u more call-ids (%u messages) not listed\n",
                  (unsigned)r->call_ids_more, (unsigned)r->call_ids_more_msgs);
    uint32_t ne = r->nevents < IMSEC_REC_MAX_REG_EVENTS ? r->nevents : IMSEC_REC_MAX_REG_EVENTS;
    for (uint32_t i = 0; i < ne; i++) {
        char tsb[OUT_TSLEN];
        tb_printf(t, b, "      %s frame %llu %s set %u expires %u", out_ts_text(r->events[i].ts, tsb),
                  (unsigned long long)r->events[i].frame, r->events[i].what ? r->events[i].what : "-",
                  (unsigned)r->events[i].nset, (unsigned)r->events[i].expires);
        if (r->events[i].route[0])
            tb_printf(t, b, " via %s", esc_field(r->events[i].route, sizeof r->events[i].route, e1));
        if (r->events[i].scscf[0])
            tb_printf(t, b, " s-cscf %s", esc_field(r->events[i].scscf, sizeof r->events[i].scscf, e1));
        tb_printf(t, b, "\n");
    }
    return t->err;
}

int text_dialog(text_ctx *t, const imsec_dialog_rec *d)
{
    char e1[ESC_CAP], e2[ESC_CAP], fr[48];
    text_buf *b = &t->dialogs;
    frames_str(d->first_frame, d->last_frame, fr, sizeof fr);
    b->rows++;
    tb_printf(t, b, "  %-32s %-9s %-10s %3u %-13s %6u%s\n",
              esc_field(d->call_id, sizeof d->call_id, e1),
              esc_field(d->method, sizeof d->method, e2), d->state ? d->state : "-",
              (unsigned)d->final_status, fr, (unsigned)d->sip_messages,
              d->protected_any ? "  protected" : "");
    tb_printf(t, b, "      %s", esc_field(d->from, sizeof d->from, e1));
    tb_printf(t, b, " -> %s\n", esc_field(d->to, sizeof d->to, e2));
    if (d->caller_media[0] || d->callee_media[0]) {
        tb_printf(t, b, "      media %s", d->caller_media[0] ? esc_field(d->caller_media, sizeof d->caller_media, e1) : "-");
        tb_printf(t, b, " <-> %s\n", d->callee_media[0] ? esc_field(d->callee_media, sizeof d->callee_media, e2) : "-");
    }
    if (d->caller_media_pkts || d->callee_media_pkts)
        tb_printf(t, b, "      media flows: to caller %llu pkts/%llu bytes, to callee %llu pkts/%llu bytes\n",
                  (unsigned long long)d->caller_media_pkts, (unsigned long long)d->caller_media_bytes,
                  (unsigned long long)d->callee_media_pkts, (unsigned long long)d->callee_media_bytes);
    if (d->xfer_by[0]) {
        /* Transfer (RFC 3515): who referred, how the INVITE was linked, who pays. */
        int64_t us = (d->end.sec - d->start.sec) * 1000000 + ((int64_t)d->end.usec - (int64_t)d->start.usec);
        tb_printf(t, b, "      transfer by %s", esc_field(d->xfer_by, sizeof d->xfer_by, e1));
        tb_printf(t, b, " (REFER frame %llu in %s", (unsigned long long)d->xfer_refer_frame,
                  esc_field(d->xfer_refer_call_id, sizeof d->xfer_refer_call_id, e2));
        tb_printf(t, b, ", linked by %s, depth %u, notify %u, duration %lld.%03llds)\n",
                  esc_field(d->xfer_linked_by, sizeof d->xfer_linked_by, e1), (unsigned)d->xfer_depth,
                  (unsigned)d->xfer_notify_status, (long long)(us / 1000000),
                  (long long)((us % 1000000) / 1000));
        tb_printf(t, b, "      charged %s", esc_field(d->xfer_charged, sizeof d->xfer_charged, e1));
        tb_printf(t, b, "  chain %s\n", esc_field(d->xfer_chain, sizeof d->xfer_chain, e2));
    }
    return t->err;
}

int text_sa(text_ctx *t, const imsec_sa_rec *s)
{
    char e1[ESC_CAP], ue[IMSEC_ADDRSTRLEN], p[IMSEC_ADDRSTRLEN];
    text_buf *b = &t->sas;
    b->rows++;
    tb_printf(t, b, "  %-15s %-32s %-13s %-6llu %s/%s\n", s->sa, esc_field(s->impi, sizeof s->impi, e1),
              s->established ? "established" : "agreed", (unsigned long long)s->agreed_frame, s->alg,
              s->ealg);
    tb_printf(t, b, "      UE %s port-c %u port-s %u spi-c 0x%x spi-s 0x%x\n", imsec_addr_str(&s->ue, ue),
              (unsigned)s->port_uc, (unsigned)s->port_us, s->spi_uc, s->spi_us);
    tb_printf(t, b, "      P-CSCF %s port-c %u port-s %u spi-c 0x%x spi-s 0x%x\n",
              imsec_addr_str(&s->pcscf, p), (unsigned)s->port_pc, (unsigned)s->port_ps, s->spi_pc, s->spi_ps);
    tb_printf(t, b, "      keys %s%s%s  esp packets %llu decrypted %llu failed %llu", s->keys ? "known (" : "unknown",
              s->keys && s->keys_source ? s->keys_source : "", s->keys ? ")" : "", (unsigned long long)s->packets, (unsigned long long)s->decrypted, (unsigned long long)s->failed);
    if (s->established_frame)
        tb_printf(t, b, "  first esp frame %llu", (unsigned long long)s->established_frame);
    tb_printf(t, b, "\n");
    return t->err;
}

int text_txn(text_ctx *t, const imsec_txn_rec *x)
{
    char e1[ESC_CAP], e2[ESC_CAP], fr[48];
    text_buf *b = &t->txns;
    frames_str(x->first_frame, x->last_frame, fr, sizeof fr);
    b->rows++;
    tb_printf(t, b, "  %-32s %-9s %-13s %6u\n", esc_field(x->call_id, sizeof x->call_id, e1),
              esc_field(x->method, sizeof x->method, e2), fr, (unsigned)x->sip_messages);
    return t->err;
}

int text_table_flush(text_ctx *t)
{
    out_writer *w = t->w;
    if (t->err)
        return t->err;
    out_printf(w, "Registrations (%llu)\n", (unsigned long long)t->regs.rows);
    if (t->regs.rows) {
        out_printf(w, "  %-32s %-12s %-13s %6s\n", "IMPI", "STATE", "FRAMES", "MSGS");
        out_write(w, t->regs.p, t->regs.len);
    }
    if (t->sas.rows) {
        out_printf(w, "\nSecurity associations (%llu)\n", (unsigned long long)t->sas.rows);
        out_printf(w, "  %-15s %-32s %-13s %-6s %s\n", "SA", "IMPI", "STATE", "FRAME", "ALG/EALG");
        out_write(w, t->sas.p, t->sas.len);
    }
    out_printf(w, "\nDialogs (%llu)\n", (unsigned long long)t->dialogs.rows);
    if (t->dialogs.rows) {
        out_printf(w, "  %-32s %-9s %-10s %3s %-13s %6s\n", "CALL-ID", "METHOD", "STATE", "ST",
                   "FRAMES", "MSGS");
        out_write(w, t->dialogs.p, t->dialogs.len);
    }
    if (t->txns.rows) {
        out_printf(w, "\nOther Call-IDs (%llu)\n", (unsigned long long)t->txns.rows);
        out_printf(w, "  %-32s %-9s %-13s %6s\n", "CALL-ID", "METHOD", "FRAMES", "MSGS");
        out_write(w, t->txns.p, t->txns.len);
    }
    int rc = w->err;
    text_fini(t);
    return rc;
}

/* ---- the text sink (imsec/output.h) ---- */

typedef struct {
    imsec_text_opts o;
    text_ctx t;
    int err;
} text_sink;

static void ts_note(text_sink *s, int rc)
{
    if (rc && !s->err)
        s->err = rc;
}

static void ts_finding(void *ud, const imsec_finding *f, imsec_finding_note *note)
{
    text_sink *s = ud;
    if (!s->o.findings)
        return;
    ts_note(s, text_finding(&s->t, f));
    if (note->evidence[0])
        ts_note(s, out_printf(s->t.w, "    finding id: %s  evidence: %s/%s\n\n", note->id,
                              note->evidence_dir ? note->evidence_dir : ".", note->evidence));
}

static void ts_record(void *ud, const imsec_record *r)
{
    text_sink *s = ud;
    if (!s->o.table)
        return;
    int rc = 0;
    switch (r->kind) {
    case IMSEC_REC_DIALOG: rc = text_dialog(&s->t, r->u.dialog); break;
    case IMSEC_REC_REGISTRATION: rc = text_registration(&s->t, r->u.reg); break;
    case IMSEC_REC_TXN: rc = text_txn(&s->t, r->u.txn); break;
    case IMSEC_REC_SA: rc = text_sa(&s->t, r->u.sa); break;
    }
    if (rc)
        ts_note(s, IMSEC_E_IO);
}

/* One damage line per damaged file, as the capture reports them. */
static int ts_summary(text_sink *s, const imsec_stats *st, const char *damage)
{
    const char *lines[64];
    size_t n = 0;
    char *copy = damage ? strdup(damage) : NULL;
    for (char *l = copy; l && *l && n < 64;) {
        char *nl = strchr(l, '\n');
        if (nl)
            *nl++ = '\0';
        if (*l)
            lines[n++] = l;
        l = nl;
    }
    int rc = text_summary(&s->t, st, lines, n);
    free(copy);
    return rc;
}

static void ts_stats(void *ud, const imsec_stats *st, const imsec_stats_info *info)
{
    text_sink *s = ud;
    if (info && info->periodic) {
        ts_note(s, out_printf(s->t.w,
                              "-- stats: %llu frames, %llu SIP messages, %llu findings, "
                              "%llu kernel drops, %llu ring drops\n",
                              (unsigned long long)st->frames, (unsigned long long)st->sip_messages,
                              (unsigned long long)st->findings,
                              (unsigned long long)info->kernel_dropped,
                              (unsigned long long)info->ring_dropped));
        return;
    }
    if (s->o.table && text_table_flush(&s->t))
        ts_note(s, IMSEC_E_IO);
    if (s->o.summary && ts_summary(s, st, info ? info->damage : NULL))
        ts_note(s, IMSEC_E_IO);
}

static int ts_finish(void *ud, char err[IMSEC_ERRBUF])
{
    text_sink *s = ud;
    int rc = s->err ? s->err : s->t.w->err;
    if (rc)
        snprintf(err, IMSEC_ERRBUF, "%s", imsec_rc_str(rc));
    return rc;
}

static void ts_free(void *ud)
{
    text_sink *s = ud;
    if (!s)
        return;
    text_fini(&s->t);
    free(s);
}

/* Without the table the ops have no on_record, so the state does not
 * build records nobody prints. */
static const imsec_sink_ops text_sink_ops = {
    .name = "text", .on_finding = ts_finding, .on_record = ts_record, .on_stats = ts_stats,
    .finish = ts_finish, .free = ts_free,
};
static const imsec_sink_ops text_sink_ops_norec = {
    .name = "text", .on_finding = ts_finding, .on_stats = ts_stats, .finish = ts_finish,
    .free = ts_free,
};

int imsec_text_sink(const imsec_text_opts *o, imsec_writer *w, imsec_sink *out)
{
    out->ops = NULL;
    text_sink *s = calloc(1, sizeof *s);
    if (!s)
        return IMSEC_E_NOMEM;
    s->o = *o;
    text_init(&s->t, w, o->color);
    *out = (imsec_sink){.ops = o->table ? &text_sink_ops : &text_sink_ops_norec, .ud = s};
    return IMSEC_OK;
}
