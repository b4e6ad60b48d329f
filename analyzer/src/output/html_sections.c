#include "output/html_sections.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/html_escape.h"
#include "output/html_ladder.h"

static const char *sev_name(imsec_severity s) { return imsec_severity_str(s); }
static void ts_text(imsec_ts ts, char buf[OUT_TSLEN]) { out_ts_text(ts, buf); }

/* ---- page chrome ---- */

void html_sections_head(html_report *r, out_writer *w)
{
    const char *title = r->o.title && r->o.title[0] ? r->o.title : "imsec forensic report";
    out_puts(w, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
                "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
                "<meta name=\"generator\" content=\"imsec ");
    html_escape_attr(w, imsec_version());
    out_puts(w, "\">\n<title>");
    html_escape_str(w, title);
    out_puts(w, "</title>\n<style>");
    out_write(w, (const char *)imsec_html_css, imsec_html_css_len);
    out_puts(w, "</style>\n</head>\n<body>\n<header><h1>");
    html_escape_str(w, title);
    out_puts(w, "</h1><div class=\"meta\">imsec ");
    html_escape_str(w, imsec_version());
    if (r->o.inputs && r->o.inputs[0]) {
        out_puts(w, " &middot; input: ");
        html_escape_str(w, r->o.inputs);
    }
    out_puts(w, r->o.show_secrets ? " &middot; secrets SHOWN (--show-secrets)"
                                  : " &middot; secrets redacted");
    out_puts(w, "</div></header>\n<nav><a href=\"#summary\">Summary</a><a href=\"#sec-findings\">Findings</a>"
                "<a href=\"#timeline\">Registration timeline</a><a href=\"#transfers\">Transfers</a><a href=\"#flows\">Call flows</a><span id=\"navmsg\" class=\"note\"></span></nav>\n<main>\n");
}

static void card(out_writer *w, const char *k, const char *v, const char *sub)
{
    out_puts(w, "<div class=\"card\"><div class=\"v\">");
    html_escape_str(w, v);
    out_puts(w, "</div><div class=\"k\">");
    html_escape_str(w, k);
    out_puts(w, "</div>");
    if (sub && sub[0]) {
        out_puts(w, "<div class=\"s\">");
        html_escape_str(w, sub);
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

void html_sections_summary(html_report *r, out_writer *w, const imsec_stats *st,
                           const char *damage, size_t nshown, size_t nflagged, size_t ncand)
{
    char a[OUT_TSLEN], b[OUT_TSLEN], sub[160];
    out_puts(w, "<section id=\"summary\"><h2>Summary</h2>\n<div class=\"cards\">\n");
    if (st->frames) {
        ts_text(st->first_ts, a);
        ts_text(st->last_ts, b);
        char dur[48];
        snprintf(dur, sizeof dur, "%.3f s", html_store_ts_sub(st->last_ts, st->first_ts));
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
            html_escape_str(w, rc[i].rule);
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
        html_escape_str(w, damage);
        out_puts(w, "</span></div>\n");
    }
    out_puts(w, "</section>\n");
}

void html_sections_name(const html_sec *s, out_writer *w)
{
    switch (s->kind) {
    case HTML_SEC_REG:
        out_puts(w, "registration ");
        html_escape_str(w, s->u.g->impi[0] ? s->u.g->impi : "(no IMPI)");
        break;
    case HTML_SEC_DIALOG:
        out_puts(w, "dialog ");
        html_escape_str(w, s->u.d->method);
        out_puts(w, " ");
        html_escape_str(w, s->u.d->call_id);
        break;
    case HTML_SEC_TXN:
        html_escape_str(w, s->u.t->method);
        out_puts(w, " ");
        html_escape_str(w, s->u.t->call_id);
        break;
    case HTML_SEC_ORPHAN:
        out_puts(w, "Call-ID ");
        html_escape_str(w, s->u.t->call_id);
        break;
    }
}

void html_sections_findings(html_report *r, out_writer *w)
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
        html_escape_attr(w, rc[i].rule);
        out_puts(w, "\">");
        html_escape_str(w, rc[i].rule);
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
        html_escape_attr(w, x->rule);
        out_printf(w, "\"><td data-v=\"%zu\">F%zu</td><td data-v=\"%d\"><span class=\"sev sev-%s\">%s</span></td>"
                      "<td class=\"mono rule\" title=\"",
                   i + 1, i + 1, (int)f->sev, sv, sv);
        html_escape_attr(w, x->title);
        out_puts(w, "\">");
        html_escape_str(w, x->rule);
        out_printf(w, "</td><td data-v=\"%lld.%06u\">%s</td><td class=\"mono\">", (long long)f->ts.sec,
                   f->ts.usec, t);
        if (f->impi[0]) {
            html_escape_str(w, f->impi);
            out_puts(w, "<br>");
        }
        html_escape_str(w, f->impu);
        if (f->sa[0]) {
            out_puts(w, "<br>SA ");
            html_escape_str(w, f->sa);
        }
        out_puts(w, "</td><td class=\"mono\">");
        html_escape_str(w, f->call_id);
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
        html_escape_str(w, f->reason);
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

void html_sections_timeline(html_report *r, out_writer *w, const imsec_stats *st)
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
    double span = html_store_ts_sub(st->last_ts, st->first_ts);
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
        double x0 = L + W * html_store_ts_sub(s->u.g->start, st->first_ts) / span;
        double x1 = L + W * html_store_ts_sub(s->u.g->end, st->first_ts) / span;
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
        html_escape_str(w, s->u.g->impi);
        out_printf(w, "</text><rect class=\"bar\" x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>",
                   x0, y, x1 - x0, col);
        out_printf(w, "<text x=\"0\" y=\"%.0f\" font-size=\"11\" fill=\"#5b6578\">", y + 30);
        html_escape_str(w, s->state);
        out_printf(w, ", frames %llu-%llu</text>", (unsigned long long)s->u.g->first_frame,
                   (unsigned long long)s->u.g->last_frame);
        out_printf(w, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\">", x1 + 6 > L + W - 200 ? L : x1 + 6, y + 32);
        for (uint32_t k = 0; k < s->u.g->nimpus && k < 4; k++) {
            if (k)
                out_puts(w, ", ");
            html_escape_str(w, s->u.g->impus[k]);
        }
        out_puts(w, "</text>");
        if (s->shown)
            out_puts(w, "</a>");
        out_puts(w, "\n");
    }
    out_puts(w, "</svg>\n</section>\n");
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
            html_escape_str(w, g->impus[k]);
        }
        out_puts(w, "</span><span>contact: ");
        html_escape_str(w, g->contact);
        if (g->pcscf[0]) {
            out_puts(w, "</span><span>P-CSCF (Path): ");
            html_escape_str(w, g->pcscf);
        }
        if (g->scscf[0]) {
            out_puts(w, "</span><span>S-CSCF (Service-Route): ");
            html_escape_str(w, g->scscf);
        }
        out_puts(w, "</span><span>security: ");
        html_escape_str(w, g->sec_mech[0] ? g->sec_mech : "none agreed");
        char tb[OUT_TSLEN];
        out_printf(w, "</span><span>expires %u</span><span>start %s UTC, %.3f s</span><br><span>Call-IDs: ",
                   g->expires, out_ts_text(g->start, tb), html_store_ts_sub(g->end, g->start));
        for (uint32_t k = 0; k < g->ncall_ids; k++) {
            if (k)
                out_puts(w, ", ");
            html_escape_str(w, g->call_ids[k]);
            out_printf(w, " (%u msgs)", g->call_id_msgs[k]);
        }
        out_puts(w, "</span>");
    } else if (s->kind == HTML_SEC_DIALOG) {
        const imsec_dialog_rec *d = s->u.d;
        out_puts(w, "<span>from ");
        html_escape_str(w, d->from);
        out_puts(w, "</span><span>to ");
        html_escape_str(w, d->to);
        char tb[OUT_TSLEN];
        out_printf(w, "</span><span>final status %u</span><span>%s</span><span>start %s UTC, %.3f s</span>",
                   d->final_status, d->protected_any ? "some messages inside an SA" : "no message inside an SA",
                   out_ts_text(d->start, tb), html_store_ts_sub(d->end, d->start));
        if (d->caller_media[0] || d->callee_media[0]) {
            out_puts(w, "<span>media ");
            html_escape_str(w, d->caller_media);
            out_puts(w, " &harr; ");
            html_escape_str(w, d->callee_media);
            out_puts(w, "</span>");
        }
        out_puts(w, "<br><span>Call-ID: ");
        html_escape_str(w, d->call_id);
        out_puts(w, "</span>");
    } else {
        out_puts(w, "<span>Call-ID: ");
        html_escape_str(w, s->u.t->call_id);
        out_puts(w, "</span>");
    }
    out_puts(w, "</div>\n");
}

void html_sections_write(html_report *r, out_writer *w, const html_sec *s, const html_pair *fp,
                         size_t nfp, bool open)
{
    size_t n = 0;
    uint32_t *mv = html_store_sec_msgs(r, s, &n);
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
    html_sections_name(s, w);
    if (s->state[0]) {
        out_puts(w, " &middot; ");
        html_escape_str(w, s->state);
    }
    out_printf(w, " &middot; frames %llu&ndash;%llu &middot; %llu messages", (unsigned long long)f0,
               (unsigned long long)f1, (unsigned long long)(msgs + dropped));
    /* findings that cite a message of this flow */
    bool *seen = r->nfnd ? calloc(r->nfnd, 1) : NULL;
    size_t nf = 0;
    if (seen) {
        for (size_t i = 0; i < n; i++) {
            size_t lo = html_store_pair_lower(fp, nfp, r->msg[mv[i]].frame);
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
        html_ladder_write(r, w, s, mv, n, fp, nfp);
        out_puts(w, "<div class=\"msgview\"><div class=\"hd\">Click an arrow above to read that message here.</div><pre></pre></div>\n");
        html_ladder_texts(r, w, mv, n);
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
void html_sections_add_orphans(html_report *r)
{
    for (size_t i = 0; i < r->nflow; i++) {
        html_flow *fl = &r->flow[i];
        if (fl->used || fl->first == UINT32_MAX)
            continue;
        if (!fl->has_finding && !r->o.all_sections)
            continue;
        imsec_txn_rec t;
        memset(&t, 0, sizeof t);
        html_sec *s = html_store_sec_add(r, HTML_SEC_ORPHAN, r->msg[fl->first].frame, &t, sizeof t);
        if (!s)
            return;
        html_store_copy(s->u.t->call_id, sizeof s->u.t->call_id, fl->call_id);
        html_store_copy(s->u.t->method, sizeof s->u.t->method, r->msg[fl->first].method);
        s->u.t->first_frame = r->msg[fl->first].frame;
        s->u.t->last_frame = r->msg[fl->last].frame;
        s->u.t->sip_messages = fl->nmsgs;
        s->flows[0] = (uint32_t)i;
        s->nflows = 1;
        fl->used = true;
    }
}

/* Section (index) of the message in frame f, or UINT32_MAX. */
uint32_t html_sections_frame_sec(const html_pair *mp, size_t nmp, uint64_t f)
{
    size_t k = html_store_pair_lower(mp, nmp, f);
    return k < nmp && mp[k].frame == f ? mp[k].idx : UINT32_MAX;
}


uint32_t html_sections_link_sec(void *ctx, const char *call_id)
{
    const html_link_ctx *c = ctx;
    uint32_t fi = html_store_flow_get(c->r, call_id, false);
    if (fi == UINT32_MAX || c->flow_sec[fi] == UINT32_MAX)
        return 0;
    const html_sec *s = &c->r->sec[c->flow_sec[fi]];
    return s->shown ? s->id : 0;
}

