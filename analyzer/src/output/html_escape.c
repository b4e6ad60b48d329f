#include "output/html_escape.h"

#include <stdlib.h>
#include <string.h>

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

void html_escape_str(out_writer *w, const char *s)
{
    html_escape(w, s, strlen(s), false);
}

void html_escape_attr(out_writer *w, const char *s)
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

