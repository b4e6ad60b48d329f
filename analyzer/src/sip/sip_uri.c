/* URIs (RFC 3261 §19.1, §25.1; RFC 3966 tel; RFC 5118 IPv6 references) and
 * name-addr / addr-spec (RFC 3261 §20.10, §20.20). Declared in sip_hdr.h. */
#include <string.h>

#include "sip/sip_hdr.h"
#include "sip/sip_lex.h"

static bool is_unreserved(unsigned char c)
{
    /* alphanum / mark: "-_.!~*'()" */
    return sip_lex_is(c, SIP_LEX_ALPHA | SIP_LEX_DIGIT) || c == '-' || c == '_' || c == '.' ||
           c == '!' || c == '~' || c == '*' || c == '\'' || c == '(' || c == ')';
}

/* Characters allowed in s besides unreserved and %HH escapes. */
static bool chars_ok(imsec_str s, const char *extra)
{
    for (uint32_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c == '%') {
            if (i + 2 >= s.len + 0u || !imsec_is_hex((unsigned char)s.p[i + 1]) ||
                !imsec_is_hex((unsigned char)s.p[i + 2]))
                return false;
            i += 2;
        } else if (!is_unreserved(c) && (c == 0 || !strchr(extra, c))) {
            return false;
        }
    }
    return true;
}

static bool port_parse(imsec_str s, uint16_t *port)
{
    uint32_t v;
    if (s.len == 0 || s.len > 5 || !imsec_str_to_u32(s, &v) || v > 65535)
        return false;
    *port = (uint16_t)v;
    return true;
}

static bool hostname_ok(imsec_str h)
{
    if (h.len == 0)
        return false;
    for (uint32_t i = 0; i < h.len; i++) {
        unsigned char c = (unsigned char)h.p[i];
        if (!sip_lex_is(c, SIP_LEX_ALPHA | SIP_LEX_DIGIT) && c != '-' && c != '.')
            return false;
    }
    return true;
}

/* IPv6reference contents: hex, ':' and '.' (embedded IPv4). ":::" is the
 * RFC 3261 ABNF bug of RFC 5118 §4.10; we reject it (strict). */
static bool ipv6_ok(imsec_str h)
{
    if (h.len < 2)
        return false;
    for (uint32_t i = 0; i < h.len; i++) {
        unsigned char c = (unsigned char)h.p[i];
        if (!imsec_is_hex(c) && c != ':' && c != '.')
            return false;
        if (c == ':' && i + 2 < h.len && h.p[i + 1] == ':' && h.p[i + 2] == ':')
            return false;
    }
    return true;
}

/* hostport = host [":" port]; host = hostname / IPv4address / IPv6reference.
 * Works for Via sent-by too (LWS around ':' is allowed there: allow_lws). */
static bool hostport_parse(imsec_str s, imsec_str *host, uint16_t *port, bool *has_port,
                           bool allow_lws)
{
    uint32_t i = 0;
    *has_port = false;
    *port = 0;
    if (s.len && s.p[0] == '[') {
        const char *rb = memchr(s.p, ']', s.len);
        if (!rb)
            return false;
        *host = imsec_str_make(s.p + 1, (size_t)(rb - s.p - 1));
        if (!ipv6_ok(*host))
            return false;
        i = (uint32_t)(rb - s.p) + 1;
    } else {
        while (i < s.len && s.p[i] != ':' && !(allow_lws && imsec_is_ws((unsigned char)s.p[i])))
            i++;
        *host = imsec_str_make(s.p, i);
        if (!hostname_ok(*host))
            return false;
    }
    if (allow_lws)
        i = sip_lex_skip_lws(s, i);
    if (i == s.len)
        return true;
    if (s.p[i] != ':')
        return false;
    i++;
    if (allow_lws)
        i = sip_lex_skip_lws(s, i);
    imsec_str ps = imsec_str_make(s.p + i, s.len - i);
    if (allow_lws)
        ps = imsec_str_trim(ps);
    if (!port_parse(ps, port))
        return false;
    *has_port = true;
    return true;
}

int sip_uri_parse(imsec_str s, sip_uri *u)
{
    memset(u, 0, sizeof(*u));
    if (!s.p || s.len < 2 || !sip_lex_is((unsigned char)s.p[0], SIP_LEX_ALPHA))
        goto fail;
    uint32_t i = 1;
    while (i < s.len && sip_lex_is((unsigned char)s.p[i], SIP_LEX_SCHEME))
        i++;
    if (i >= s.len || s.p[i] != ':')
        goto fail;
    u->scheme_str = imsec_str_make(s.p, i);
    imsec_str r = imsec_str_make(s.p + i + 1, s.len - i - 1);
    u->rest = r;
    /* No LWS or control bytes anywhere in a URI (RFC 4475 §3.1.2.14). */
    for (uint32_t k = 0; k < r.len; k++)
        if (!sip_lex_is((unsigned char)r.p[k], SIP_LEX_GRAPH))
            goto fail;
    if (imsec_str_eq_cstr_ci(u->scheme_str, "sip"))
        u->scheme = SIP_URI_SIP;
    else if (imsec_str_eq_cstr_ci(u->scheme_str, "sips"))
        u->scheme = SIP_URI_SIPS;
    else if (imsec_str_eq_cstr_ci(u->scheme_str, "tel"))
        u->scheme = SIP_URI_TEL;
    else
        return r.len ? IMSEC_OK : IMSEC_E_MALFORMED;

    if (r.len == 0)
        goto fail;
    /* headers after '?': '?' may occur in the user part, so look after '@'. */
    if (u->scheme == SIP_URI_TEL) {
        /* telephone-subscriber *( ";" par ) (RFC 3966 §3) */
        const char *semi = memchr(r.p, ';', r.len);
        uint32_t n = semi ? (uint32_t)(semi - r.p) : r.len;
        u->user = imsec_str_make(r.p, n);
        if (n == 0 || !chars_ok(u->user, "+-.()*#"))
            goto fail;
        if (semi) {
            u->params = imsec_str_make(semi + 1, r.len - n - 1);
            if (!chars_ok(u->params, "[]/:&+$=;"))
                goto fail;
        }
        return IMSEC_OK;
    }
    /* userinfo: no raw '@' elsewhere in a SIP URI, so the first '@' ends it. */
    const char *at = memchr(r.p, '@', r.len);
    imsec_str hp = r;
    if (at) {
        imsec_str ui = imsec_str_make(r.p, (size_t)(at - r.p));
        const char *colon = memchr(ui.p, ':', ui.len);
        if (colon) {
            u->user = imsec_str_make(ui.p, (size_t)(colon - ui.p));
            u->password = imsec_str_make(colon + 1, ui.len - u->user.len - 1);
        } else {
            u->user = ui;
        }
        if (u->user.len == 0 || !chars_ok(u->user, "&=+$,;?/") ||
            !chars_ok(u->password, "&=+$,"))
            goto fail;
        hp = imsec_str_make(at + 1, r.len - ui.len - 1);
    }
    /* hostport ends at ';' or '?' (an IPv6 reference contains neither) */
    uint32_t k = 0;
    while (k < hp.len && hp.p[k] != ';' && hp.p[k] != '?')
        k++;
    if (!hostport_parse(imsec_str_make(hp.p, k), &u->host, &u->port, &u->has_port, false))
        goto fail;
    if (k < hp.len && hp.p[k] == ';') {
        uint32_t q = k + 1;
        while (q < hp.len && hp.p[q] != '?')
            q++;
        u->params = imsec_str_make(hp.p + k + 1, q - k - 1);
        k = q;
        if (!chars_ok(u->params, "[]/:&+$=;"))
            goto fail;
    }
    if (k < hp.len && hp.p[k] == '?') {
        u->headers = imsec_str_make(hp.p + k + 1, hp.len - k - 1);
        if (!chars_ok(u->headers, "[]/?:+$=&"))
            goto fail;
    }
    return IMSEC_OK;
fail:
    memset(u, 0, sizeof(*u));
    return IMSEC_E_MALFORMED;
}

bool sip_param_get(imsec_str params, const char *name, imsec_str *val)
{
    imsec_str rest = params, item, n, v;
    bool hv;
    imsec_str want = imsec_str_make(name, strlen(name));
    while (sip_lex_param_next(&rest, &item)) {
        sip_lex_param_split(item, &n, &v, &hv);
        if (imsec_str_eq_ci(n, want)) {
            if (val)
                *val = v;
            return true;
        }
    }
    if (val)
        *val = IMSEC_STR_NULL;
    return false;
}

bool sip_uri_header_get(imsec_str headers, const char *name, imsec_str *val)
{
    imsec_str rest = headers, item;
    imsec_str want = imsec_str_make(name, strlen(name));
    while (imsec_str_split_next(&rest, '&', &item)) {
        const char *eq = memchr(item.p, '=', item.len);
        imsec_str n = eq ? imsec_str_make(item.p, (size_t)(eq - item.p)) : item;
        if (imsec_str_eq_ci(n, want)) {
            if (val)
                *val = eq ? imsec_str_make(eq + 1, item.len - n.len - 1) : IMSEC_STR_NULL;
            return true;
        }
    }
    if (val)
        *val = IMSEC_STR_NULL;
    return false;
}

static int hexval(unsigned char c)
{
    if (imsec_is_digit(c))
        return c - '0';
    c = imsec_ascii_lower(c);
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

long sip_uri_unescape(imsec_str s, char *out, size_t cap)
{
    size_t n = 0;
    for (uint32_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c == '%') {
            if (i + 2 >= s.len + 0u)
                return -1;
            int hi = hexval((unsigned char)s.p[i + 1]), lo = hexval((unsigned char)s.p[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            c = (unsigned char)(hi << 4 | lo);
            i += 2;
        }
        if (n >= cap)
            return -1;
        out[n++] = (char)c;
    }
    return (long)n;
}

/* ---- name-addr / addr-spec ---------------------------------------------- */

int sip_naddr_parse(imsec_str s, sip_naddr *n)
{
    memset(n, 0, sizeof(*n));
    s = imsec_str_trim(s);
    if (!s.p || s.len == 0)
        goto fail;
    if (s.len == 1 && s.p[0] == '*') {
        n->star = true; /* Contact: * (RFC 3261 §20.10) */
        return IMSEC_OK;
    }
    uint32_t i = 0, after;
    if (s.p[0] == '"') {
        uint32_t q = sip_lex_quoted_end(s, 0);
        if (q == 0)
            goto fail; /* RFC 4475 §3.1.2.6 */
        n->display = imsec_str_make(s.p + 1, q - 2);
        i = sip_lex_skip_lws(s, q);
        if (i >= s.len || s.p[i] != '<')
            goto fail;
    } else {
        /* display-name = *(token LWS): only tokens and LWS may precede '<'. */
        uint32_t j = 0;
        while (j < s.len && (sip_lex_is((unsigned char)s.p[j], SIP_LEX_TOKEN | SIP_LEX_WS) ||
                             s.p[j] == '\r' || s.p[j] == '\n'))
            j++;
        if (j < s.len && s.p[j] == '<') {
            n->display = imsec_str_trim(imsec_str_make(s.p, j));
            i = j;
        } else {
            i = UINT32_MAX; /* bare addr-spec */
        }
    }
    if (i != UINT32_MAX) {
        const char *gt = memchr(s.p + i, '>', s.len - i);
        if (!gt)
            goto fail;
        n->uri_str = imsec_str_make(s.p + i + 1, (size_t)(gt - s.p - i - 1));
        after = (uint32_t)(gt - s.p) + 1;
    } else {
        /* addr-spec without <>: its ';' params belong to the header, and a
         * URI with ',', '?' or ';' must be enclosed (RFC 3261 §20;
         * RFC 4475 §3.1.2.13). */
        uint32_t j = 0;
        while (j < s.len && s.p[j] != ';' && !imsec_is_ws((unsigned char)s.p[j]))
            j++;
        n->uri_str = imsec_str_make(s.p, j);
        if (memchr(n->uri_str.p, '?', n->uri_str.len) || memchr(n->uri_str.p, ',', n->uri_str.len))
            goto fail;
        after = j;
    }
    if (sip_uri_parse(n->uri_str, &n->uri) != IMSEC_OK)
        goto fail;
    after = sip_lex_skip_lws(s, after);
    if (after < s.len) {
        if (s.p[after] != ';')
            goto fail;
        n->params = imsec_str_trim(imsec_str_make(s.p + after + 1, s.len - after - 1));
        if (!sip_lex_params_ok(n->params) || n->params.len == 0)
            goto fail;
    }
    return IMSEC_OK;
fail:
    memset(n, 0, sizeof(*n));
    return IMSEC_E_MALFORMED;
}

imsec_str sip_naddr_tag(const sip_naddr *n)
{
    imsec_str v = IMSEC_STR_NULL;
    if (n && sip_param_get(n->params, "tag", &v))
        return v;
    return IMSEC_STR_NULL;
}
