/* html: html_report_write puts the page together from the store
 * (html_store), the page parts (html_sections), the diagrams (html_ladder)
 * and the transfer chains (html_xfer); and the report as a sink. */
#include "output/html.h"

#include <stdlib.h>
#include <string.h>

#include "output/html_sections.h"
#include "output/html_store.h"
#include "output/html_xfer.h"

int html_report_write(html_report *r, out_writer *w, const imsec_stats *st, const char *damage)
{
    html_sections_add_orphans(r);
    if (r->nsec > 1)
        qsort(r->sec, r->nsec, sizeof *r->sec, html_store_sec_cmp);
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
    qsort(mp, nmp, sizeof *mp, html_store_pair_cmp);

    /* Which sections carry findings, and where each finding links to. */
    uint32_t *fsec = malloc((r->nfnd ? r->nfnd : 1) * sizeof *fsec);
    if (!fsec) {
        free(flow_sec);
        free(mp);
        return w->err = IMSEC_E_NOMEM;
    }
    for (size_t i = 0; i < r->nfnd; i++) {
        const imsec_finding *f = &r->fnd[i].f;
        uint32_t prim = html_sections_frame_sec(mp, nmp, f->trigger_frame);
        for (uint32_t k = 0; k < f->nframes; k++) {
            uint32_t sidx = html_sections_frame_sec(mp, nmp, f->frames[k]);
            if (sidx != UINT32_MAX) {
                r->sec[sidx].flagged = true;
                if (prim == UINT32_MAX)
                    prim = sidx;
            }
        }
        if (f->call_id[0]) {
            uint32_t fi = html_store_flow_get(r, f->call_id, false);
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
    qsort(fp, nfp, sizeof *fp, html_store_pair_cmp);

    html_sections_head(r, w);
    html_sections_summary(r, w, st, damage, nshown, nflagged, r->nsec);
    html_sections_findings(r, w);
    html_sections_timeline(r, w, st);
    html_link_ctx lc_ = {r, flow_sec};
    html_xfer_write(r->xf, w, st->first_ts, html_sections_link_sec, &lc_);

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
            html_sections_write(r, w, &r->sec[i], fp, nfp, open_all && (r->sec[i].flagged || nshown <= 8));
    if (!nshown)
        out_puts(w, "<p>No flow to draw.</p>\n");
    out_puts(w, "</section>\n</main>\n<script>");
    out_write(w, (const char *)imsec_html_js, imsec_html_js_len);
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
