#include "output/html_ladder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/html_escape.h"

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
                html_store_copy(lanes[i].role, sizeof lanes[i].role, role);
            lane_port(&lanes[i], port);
            return i;
        }
    if (*nl >= HTML_MAX_LANES) {
        /* last lane becomes the shared "other" lane */
        html_lane *o = &lanes[HTML_MAX_LANES - 1];
        html_store_copy(o->key, sizeof o->key, "other nodes");
        o->role[0] = '\0';
        o->nports = 0;
        return HTML_MAX_LANES - 1;
    }
    html_lane *l = &lanes[(*nl)++];
    html_store_copy(l->key, sizeof l->key, key);
    html_store_copy(l->role, sizeof l->role, role);
    l->addr = *a;
    l->nports = 0;
    lane_port(l, port);
    return *nl - 1;
}

void html_ladder_texts(const html_report *r, out_writer *w, const uint32_t *mv, size_t n)
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

void html_ladder_write(html_report *r, out_writer *w, const html_sec *s, const uint32_t *mv,
                       size_t n, const html_pair *fp, size_t nfp)
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
        html_escape_str(w, l->role[0] ? l->role : l->key);
        out_printf(w, "</text><text class=\"addr\" x=\"%.0f\" y=\"36\" text-anchor=\"middle\">", x);
        if (l->role[0]) {
            html_escape_str(w, l->key);
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
        size_t lo = html_store_pair_lower(fp, nfp, m->frame), hi = lo;
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
        html_escape_attr(w, imsec_addr_str(&m->tuple.src, sa));
        out_printf(w, ":%u -&gt; ", m->tuple.sport);
        html_escape_attr(w, imsec_addr_str(&m->tuple.dst, da));
        out_printf(w, ":%u", m->tuple.dport);
        if (m->in_esp)
            out_printf(w, "  inside ESP SPI 0x%x", m->spi);
        else
            out_puts(w, "  unprotected");
        if (m->sa[0]) {
            out_puts(w, "  SA ");
            html_escape_attr(w, m->sa);
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
        out_printf(w, "<text class=\"dt\" x=\"6\" y=\"%.0f\">+%.3f s</text>", y + 11, html_store_ts_sub(m->ts, t0));
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

