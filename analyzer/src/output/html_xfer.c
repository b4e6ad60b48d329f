#include "output/html_xfer.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "output/html.h"

#define XF_PARTY 96u /* bytes of From/To kept per dialog summary */

typedef struct {
    char call_id[IMSEC_SUBJ_LEN];
    char from[XF_PARTY], to[XF_PARTY];
} xf_dlg;

typedef struct {
    char call_id[IMSEC_SUBJ_LEN];     /* resulting dialog */
    char refer_cid[IMSEC_SUBJ_LEN];   /* dialog the REFER travelled in */
    char by[IMSEC_SUBJ_LEN], charged[IMSEC_SUBJ_LEN];
    char linked_by[16];
    char chain[IMSEC_REASON_LEN];
    uint64_t refer_frame, first_frame;
    imsec_ts start;
    uint32_t depth;
    uint16_t notify;
} xf_rec;

typedef struct {
    uint64_t frame;
    imsec_ts ts;
} xf_refer;

struct html_xfer {
    xf_rec *x;
    size_t nx, capx;
    uint64_t total, x_dropped;
    xf_dlg *d;
    size_t nd, capd;
    uint64_t d_dropped;
    xf_refer *rf;
    size_t nrf, caprf;
};


static void xf_copy(char *dst, size_t cap, const char *src, size_t srccap)
{
    size_t n = strnlen(src, srccap < cap ? srccap : cap - 1);
    if (n >= cap)
        n = cap - 1;
    /* never end inside a UTF-8 sequence (RFC 3629 §3: continuation bytes 10xxxxxx) */
    if (n < strnlen(src, srccap))
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

html_xfer *html_xfer_new(void) { return calloc(1, sizeof(html_xfer)); }

void html_xfer_free(html_xfer *x)
{
    if (!x)
        return;
    free(x->x);
    free(x->d);
    free(x->rf);
    free(x);
}

uint64_t html_xfer_count(const html_xfer *x) { return x ? x->total : 0; }

void html_xfer_message(html_xfer *x, const imsec_msg_rec *m)
{
    /* REFER requests (RFC 3515 §2.4.1); responses carry the CSeq method. */
    if (!x || !m->is_request || strcmp(m->method, "REFER") != 0 || x->nrf >= HTML_XFER_MAX_REFERS)
        return;
    if (!out_grow((void **)&x->rf, &x->caprf, x->nrf + 1, sizeof *x->rf))
        return;
    x->rf[x->nrf++] = (xf_refer){m->frame, m->ts};
}

void html_xfer_dialog(html_xfer *x, const imsec_dialog_rec *d)
{
    if (!x)
        return;
    if (x->nd < HTML_XFER_MAX_DIALOGS && out_grow((void **)&x->d, &x->capd, x->nd + 1, sizeof *x->d)) {
        xf_dlg *s = &x->d[x->nd++];
        xf_copy(s->call_id, sizeof s->call_id, d->call_id, sizeof d->call_id);
        xf_copy(s->from, sizeof s->from, d->from, sizeof d->from);
        xf_copy(s->to, sizeof s->to, d->to, sizeof d->to);
    } else {
        x->d_dropped++;
    }
    if (!d->xfer_by[0])
        return;
    x->total++;
    if (x->nx >= HTML_XFER_MAX_XFERS || !out_grow((void **)&x->x, &x->capx, x->nx + 1, sizeof *x->x)) {
        x->x_dropped++;
        return;
    }
    xf_rec *r = &x->x[x->nx++];
    memset(r, 0, sizeof *r);
    xf_copy(r->call_id, sizeof r->call_id, d->call_id, sizeof d->call_id);
    xf_copy(r->refer_cid, sizeof r->refer_cid, d->xfer_refer_call_id, sizeof d->xfer_refer_call_id);
    xf_copy(r->by, sizeof r->by, d->xfer_by, sizeof d->xfer_by);
    xf_copy(r->charged, sizeof r->charged, d->xfer_charged, sizeof d->xfer_charged);
    xf_copy(r->linked_by, sizeof r->linked_by, d->xfer_linked_by, sizeof d->xfer_linked_by);
    xf_copy(r->chain, sizeof r->chain, d->xfer_chain, sizeof d->xfer_chain);
    r->refer_frame = d->xfer_refer_frame;
    r->first_frame = d->first_frame;
    r->start = d->start;
    r->depth = d->xfer_depth;
    r->notify = d->xfer_notify_status;
}

/* ---- rendering ---- */

static void esc(out_writer *w, const char *s) { html_escape(w, s, strlen(s), false); }
static void esc_a(out_writer *w, const char *s) { html_escape(w, s, strlen(s), true); }

/* Escaped text cut to max bytes on a UTF-8 boundary, with an ellipsis. */
static void esc_cut(out_writer *w, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) {
        html_escape(w, s, n, false);
        return;
    }
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    html_escape(w, s, max, false);
    out_puts(w, "\xe2\x80\xa6");
}

static int xf_cmp(const void *a, const void *b)
{
    const xf_rec *x = a, *y = b;
    if (x->refer_frame != y->refer_frame)
        return x->refer_frame < y->refer_frame ? -1 : 1;
    if (x->first_frame != y->first_frame)
        return x->first_frame < y->first_frame ? -1 : 1;
    return strcmp(x->call_id, y->call_id);
}

static const xf_dlg *dlg_find(const html_xfer *x, const char *cid)
{
    for (size_t i = 0; i < x->nd; i++)
        if (strcmp(x->d[i].call_id, cid) == 0)
            return &x->d[i];
    return NULL;
}

static bool refer_ts(const html_xfer *x, uint64_t frame, imsec_ts *ts)
{
    for (size_t i = 0; i < x->nrf; i++)
        if (x->rf[i].frame == frame) {
            *ts = x->rf[i].ts;
            return true;
        }
    return false;
}

static double ts_diff(imsec_ts a, imsec_ts b)
{
    return (double)(a.sec - b.sec) + ((double)a.usec - (double)b.usec) / 1e6;
}

typedef struct {
    const char *cid;   /* borrowed from an xf_rec */
    uint32_t comp;     /* union-find parent, then chain index */
    uint32_t col, row; /* layout */
    bool placed;
} xf_node;

static uint32_t uf_find(xf_node *n, uint32_t i)
{
    while (n[i].comp != i) {
        n[i].comp = n[n[i].comp].comp;
        i = n[i].comp;
    }
    return i;
}

static uint32_t node_of(xf_node *n, size_t nn, const char *cid)
{
    for (size_t i = 0; i < nn; i++)
        if (strcmp(n[i].cid, cid) == 0)
            return (uint32_t)i;
    return UINT32_MAX;
}

/* Layout constants (px). */
#define NW 250.0
#define NH 84.0
#define GAP 240.0
#define RGAP 18.0
#define PAD 10.0

static void write_node(const html_xfer *x, out_writer *w, const xf_node *nd, const xf_rec *in,
                       html_xfer_link_fn link, void *ctx)
{
    double nx = PAD + nd->col * (NW + GAP), ny = PAD + nd->row * (NH + RGAP);
    uint32_t sec = link ? link(ctx, nd->cid) : 0;
    const xf_dlg *dl = dlg_find(x, nd->cid);
    out_puts(w, "<g class=\"xnode");
    if (in)
        out_puts(w, " chg");
    out_puts(w, "\" data-cid=\"");
    esc_a(w, nd->cid);
    out_printf(w, "\" data-sec=\"%u\">", sec);
    if (sec)
        out_printf(w, "<a href=\"#sec-%u\">", sec);
    out_printf(w, "<rect class=\"nb\" x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" rx=\"6\"/>", nx, ny, NW, NH);
    out_printf(w, "<text class=\"cid\" x=\"%.0f\" y=\"%.0f\">", nx + 8, ny + 16);
    esc_cut(w, nd->cid, 34);
    out_printf(w, "</text><text class=\"pty\" x=\"%.0f\" y=\"%.0f\">from ", nx + 8, ny + 32);
    esc_cut(w, dl ? dl->from : "?", 32);
    out_printf(w, "</text><text class=\"pty\" x=\"%.0f\" y=\"%.0f\">to ", nx + 8, ny + 47);
    esc_cut(w, dl ? dl->to : "?", 34);
    out_printf(w, "</text><text class=\"%s\" x=\"%.0f\" y=\"%.0f\">", in ? "chgl" : "sub", nx + 8, ny + 63);
    if (in) {
        out_puts(w, "\xe2\x98\x85 charged: "); /* star marks the charged party */
        esc_cut(w, in->charged[0] ? in->charged : "(unknown)", 26);
    } else {
        out_puts(w, "original dialog");
    }
    out_printf(w, "</text><text class=\"sub\" x=\"%.0f\" y=\"%.0f\">", nx + 8, ny + 78);
    if (sec)
        out_printf(w, "ladder: Flow %u \xe2\x86\x92", sec);
    else
        out_puts(w, "ladder not drawn (--report-dialogs all)");
    out_puts(w, "</text>");
    if (sec)
        out_puts(w, "</a>");
    out_puts(w, "</g>\n");
}

static void write_arrow(const html_xfer *x, out_writer *w, const xf_rec *e, const xf_node *a, const xf_node *b,
                        imsec_ts t0)
{
    double x1 = PAD + a->col * (NW + GAP) + NW, y1 = PAD + a->row * (NH + RGAP) + NH / 2;
    double x2 = PAD + b->col * (NW + GAP), y2 = PAD + b->row * (NH + RGAP) + NH / 2;
    out_puts(w, "<g class=\"xarrow\" data-from=\"");
    esc_a(w, e->refer_cid);
    out_puts(w, "\" data-to=\"");
    esc_a(w, e->call_id);
    out_printf(w, "\" data-frame=\"%llu\" data-by=\"", (unsigned long long)e->refer_frame);
    esc_a(w, e->by);
    out_puts(w, "\" data-charged=\"");
    esc_a(w, e->charged);
    out_puts(w, "\">");
    if (x2 > x1) {
        out_printf(w, "<path class=\"xl\" d=\"M%.0f %.0f C%.0f %.0f %.0f %.0f %.0f %.0f\"/>", x1, y1, x1 + 60, y1,
                   x2 - 60, y2, x2 - 8, y2);
        out_printf(w, "<path class=\"xh\" d=\"M%.0f %.0f l-9 -5 v10 z\"/>", x2, y2);
    } else { /* back edge (a loop of Call-IDs): bend below the boxes */
        double yb = (y1 > y2 ? y1 : y2) + NH / 2 + 8;
        out_printf(w, "<path class=\"xl\" d=\"M%.0f %.0f C%.0f %.0f %.0f %.0f %.0f %.0f\"/>", x1 - NW / 2, y1 + NH / 2,
                   x1 - NW / 2, yb, x2 + NW / 2, yb, x2 + NW / 2, y2 + NH / 2 + 8);
        out_printf(w, "<path class=\"xh\" d=\"M%.0f %.0f l-5 9 h10 z\"/>", x2 + NW / 2, y2 + NH / 2);
    }
    double lx = x2 > x1 ? (x1 + x2) / 2 : (x1 + x2) / 2, ly = x2 > x1 ? (y1 + y2) / 2 - 22 : y1 + NH / 2 + 20;
    out_printf(w, "<text class=\"xt\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">REFER by ", lx, ly);
    esc_cut(w, e->by, 22);
    imsec_ts ts;
    bool have = refer_ts(x, e->refer_frame, &ts);
    out_printf(w, "</text><text class=\"xs\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">frame %llu", lx, ly + 14,
               (unsigned long long)e->refer_frame);
    if (have)
        out_printf(w, " \xc2\xb7 +%.3f s", ts_diff(ts, t0));
    else
        out_printf(w, " \xc2\xb7 INVITE +%.3f s", ts_diff(e->start, t0));
    out_printf(w, "</text><text class=\"xs\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">", lx, ly + 40);
    esc(w, e->linked_by[0] ? e->linked_by : "unlinked");
    if (e->notify)
        out_printf(w, " \xc2\xb7 NOTIFY %u", e->notify);
    out_puts(w, "</text></g>\n");
}

void html_xfer_write(const html_xfer *x, out_writer *w, imsec_ts t0, html_xfer_link_fn link, void *ctx)
{
    out_puts(w, "<section id=\"transfers\"><h2>Transfer chains</h2>\n");
    if (!x || !x->total) {
        out_puts(w, "<p class=\"note\" id=\"xfer-none\">No transfers in this capture (no dialog resulted "
                    "from a REFER, RFC 3515).</p></section>\n");
        return;
    }
    size_t n = x->nx;
    xf_rec *e = malloc((n ? n : 1) * sizeof *e);
    xf_node *nd = malloc((2 * n + 1) * sizeof *nd);
    uint32_t *ea = malloc((n ? n : 1) * sizeof *ea), *eb = malloc((n ? n : 1) * sizeof *eb);
    if (!e || !nd || !ea || !eb) {
        free(e);
        free(nd);
        free(ea);
        free(eb);
        w->err = IMSEC_E_NOMEM;
        return;
    }
    memcpy(e, x->x, n * sizeof *e);
    qsort(e, n, sizeof *e, xf_cmp);
    size_t nn = 0;
    for (size_t i = 0; i < n; i++) {
        const char *ends[2] = {e[i].refer_cid, e[i].call_id};
        uint32_t id[2];
        for (int k = 0; k < 2; k++) {
            id[k] = node_of(nd, nn, ends[k]);
            if (id[k] == UINT32_MAX) {
                id[k] = (uint32_t)nn;
                nd[nn++] = (xf_node){ends[k], (uint32_t)id[k], 0, 0, false};
            }
        }
        ea[i] = id[0];
        eb[i] = id[1];
        uint32_t ra = uf_find(nd, id[0]), rb = uf_find(nd, id[1]);
        if (ra != rb)
            nd[ra > rb ? ra : rb].comp = ra < rb ? ra : rb; /* lowest (earliest) node is the root */
    }
    /* Chains in order of their first node (= first REFER frame, edges are sorted). */
    uint32_t *chain_of = malloc((nn ? nn : 1) * sizeof *chain_of);
    uint32_t *queue = malloc((nn ? nn : 1) * sizeof *queue);
    bool *has_in = calloc(nn ? nn : 1, sizeof *has_in);
    if (!chain_of || !queue || !has_in) {
        free(e), free(nd), free(ea), free(eb), free(chain_of), free(queue), free(has_in);
        w->err = IMSEC_E_NOMEM;
        return;
    }
    uint32_t nchains = 0;
    for (size_t i = 0; i < n; i++)
        has_in[eb[i]] = true;
    for (size_t i = 0; i < nn; i++)
        chain_of[i] = UINT32_MAX;
    for (size_t i = 0; i < nn; i++) {
        uint32_t root = uf_find(nd, (uint32_t)i);
        if (chain_of[root] == UINT32_MAX)
            chain_of[root] = nchains++;
        chain_of[i] = chain_of[root];
    }
    out_printf(w, "<p class=\"note\">%llu dialog%s resulted from a transfer (REFER, RFC 3515 &sect;2.4.1), in "
                  "%u chain%s. Each box is a dialog (click it for its ladder); each arrow is a REFER sent in "
                  "the dialog at its tail, leading to the dialog at its head, labelled with the referrer "
                  "(Referred-By / REFER sender), the REFER frame and time since capture start, how the "
                  "new INVITE was linked, and the NOTIFY status. &#9733; marks the party charged for the "
                  "resulting dialog.</p>\n",
               (unsigned long long)x->total, x->total == 1 ? "" : "s", nchains, nchains == 1 ? "" : "s");
    if (x->x_dropped)
        out_printf(w, "<div class=\"warn\">%llu further transfers are not drawn (limit %u).</div>\n",
                   (unsigned long long)x->x_dropped, HTML_XFER_MAX_XFERS);
    if (nchains > HTML_XFER_MAX_CHAINS)
        out_printf(w, "<div class=\"warn\" id=\"xfer-cap\">%u further chains are not drawn: the report draws at "
                      "most %u transfer chains.</div>\n", nchains - HTML_XFER_MAX_CHAINS, HTML_XFER_MAX_CHAINS);
    for (uint32_t c = 0; c < nchains && c < HTML_XFER_MAX_CHAINS; c++) {
        /* Breadth-first from the chain's roots (nodes nobody referred to),
         * then from any node left (a loop of Call-IDs has no root). */
        size_t qn = 0, cn = 0, ce = 0;
        for (size_t i = 0; i < nn; i++)
            if (chain_of[i] == c)
                cn++;
        for (size_t i = 0; i < n; i++)
            ce += chain_of[ea[i]] == c;
        uint32_t rows[HTML_XFER_MAX_NODES + 1] = {0}, maxcol = 0, maxrow = 0, drawn = 0;
        for (int pass = 0; pass < 2; pass++)
            for (size_t s = 0; s < nn && drawn < HTML_XFER_MAX_NODES; s++) {
                if (chain_of[s] != c || nd[s].placed)
                    continue;
                if (pass == 0 && has_in[s])
                    continue;
                size_t qh = qn;
                nd[s].placed = true;
                nd[s].col = 0;
                queue[qn++] = (uint32_t)s;
                drawn++;
                while (qh < qn) {
                    uint32_t u = queue[qh++];
                    for (size_t i = 0; i < n && drawn < HTML_XFER_MAX_NODES; i++)
                        if (ea[i] == u && !nd[eb[i]].placed) {
                            nd[eb[i]].placed = true;
                            nd[eb[i]].col = nd[u].col + 1;
                            queue[qn++] = eb[i];
                            drawn++;
                        }
                }
            }
        for (size_t q = 0; q < qn; q++) {
            xf_node *v = &nd[queue[q]];
            uint32_t col = v->col < HTML_XFER_MAX_NODES ? v->col : HTML_XFER_MAX_NODES;
            v->col = col;
            v->row = rows[col]++;
            if (col > maxcol)
                maxcol = col;
            if (v->row > maxrow)
                maxrow = v->row;
        }
        bool loop = false;
        for (size_t i = 0; i < n; i++)
            loop |= chain_of[ea[i]] == c && nd[ea[i]].placed && nd[eb[i]].placed && nd[eb[i]].col <= nd[ea[i]].col;
        double W = 2 * PAD + (maxcol + 1) * NW + maxcol * GAP, H = 2 * PAD + (maxrow + 1) * NH + maxrow * RGAP + (loop ? 60 : 0);
        const xf_rec *last = NULL;
        for (size_t i = 0; i < n; i++)
            if (chain_of[ea[i]] == c && (!last || e[i].depth >= last->depth))
                last = &e[i];
        out_printf(w, "<div class=\"xchain\" id=\"xfer-%u\"><h3>Chain %u &middot; %zu dialogs &middot; %zu "
                      "transfer%s</h3>\n<p class=\"mono note\">parties: ", c + 1, c + 1, cn, ce, ce == 1 ? "" : "s");
        esc(w, last && last->chain[0] ? last->chain : "?");
        out_puts(w, "</p>\n");
        if (cn > drawn)
            out_printf(w, "<div class=\"warn\">%zu further dialogs of this chain are not drawn (limit %u per "
                          "chain).</div>\n", cn - drawn, HTML_XFER_MAX_NODES);
        out_printf(w, "<div class=\"ladder\"><svg class=\"xfer\" data-chain=\"%u\" xmlns=\"http://www.w3.org/2000/svg\" "
                      "width=\"%.0f\" height=\"%.0f\">\n", c + 1, W, H);
        for (size_t i = 0; i < n; i++)
            if (chain_of[ea[i]] == c && nd[ea[i]].placed && nd[eb[i]].placed)
                write_arrow(x, w, &e[i], &nd[ea[i]], &nd[eb[i]], t0);
        for (size_t q = 0; q < qn; q++) {
            const xf_rec *in = NULL;
            for (size_t i = 0; i < n && !in; i++)
                if (eb[i] == queue[q])
                    in = &e[i];
            write_node(x, w, &nd[queue[q]], in, link, ctx);
        }
        out_puts(w, "</svg></div></div>\n");
    }
    out_puts(w, "</section>\n");
    free(e);
    free(nd);
    free(ea);
    free(eb);
    free(chain_of);
    free(queue);
    free(has_in);
}
