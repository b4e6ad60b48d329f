#include "base/imsec_str.h"

#include <stdlib.h>

bool imsec_str_eq(imsec_str a, imsec_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool imsec_str_eq_ci(imsec_str a, imsec_str b)
{
    if (a.len != b.len)
        return false;
    for (uint32_t i = 0; i < a.len; i++)
        if (imsec_ascii_lower((unsigned char)a.p[i]) != imsec_ascii_lower((unsigned char)b.p[i]))
            return false;
    return true;
}

/* Literal compares walk the literal once and stop at the first difference:
 * parsers try a dozen parameter names per parameter, and most differ in
 * their first byte. */
bool imsec_str_eq_cstr_ci(imsec_str a, const char *lit)
{
    uint32_t i = 0;
    for (; i < a.len; i++) {
        unsigned char c = (unsigned char)lit[i];
        if (!c || imsec_ascii_lower((unsigned char)a.p[i]) != imsec_ascii_lower(c))
            return false;
    }
    return lit[i] == '\0';
}

bool imsec_str_eq_cstr(imsec_str a, const char *lit)
{
    uint32_t i = 0;
    for (; i < a.len; i++)
        if (!lit[i] || a.p[i] != lit[i])
            return false;
    return lit[i] == '\0';
}

bool imsec_str_starts_with_ci(imsec_str a, const char *lit)
{
    size_t n = strlen(lit);
    return n <= a.len && imsec_str_eq_ci(imsec_str_make(a.p, n), imsec_str_make(lit, n));
}

long imsec_str_find_ci(imsec_str hay, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0)
        return 0;
    if (n > hay.len)
        return -1;
    for (size_t i = 0; i + n <= hay.len; i++)
        if (imsec_str_eq_ci(imsec_str_make(hay.p + i, n), imsec_str_make(needle, n)))
            return (long)i;
    return -1;
}

imsec_str imsec_str_trim(imsec_str s)
{
    while (s.len && imsec_is_ws((unsigned char)s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len && imsec_is_ws((unsigned char)s.p[s.len - 1]))
        s.len--;
    return s;
}

imsec_str imsec_str_unquote(imsec_str s)
{
    if (s.len >= 2 && s.p[0] == '"' && s.p[s.len - 1] == '"') {
        s.p++;
        s.len -= 2;
    }
    return s;
}

bool imsec_str_to_u64(imsec_str s, uint64_t *out)
{
    uint64_t v = 0;
    if (s.len == 0 || s.len > 20)
        return false;
    for (uint32_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (!imsec_is_digit(c))
            return false;
        uint64_t d = (uint64_t)(c - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

bool imsec_str_to_u32(imsec_str s, uint32_t *out)
{
    uint64_t v;
    if (!imsec_str_to_u64(s, &v) || v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = imsec_ascii_lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

bool imsec_str_hex_to_u32(imsec_str s, uint32_t *out)
{
    if (s.len > 2 && s.p[0] == '0' && (s.p[1] == 'x' || s.p[1] == 'X')) {
        s.p += 2;
        s.len -= 2;
    }
    if (s.len == 0 || s.len > 8)
        return false;
    uint32_t v = 0;
    for (uint32_t i = 0; i < s.len; i++) {
        int d = hexval((unsigned char)s.p[i]);
        if (d < 0)
            return false;
        v = (v << 4) | (uint32_t)d;
    }
    *out = v;
    return true;
}

bool imsec_str_hex_decode(imsec_str s, uint8_t *out, size_t out_len)
{
    if (s.len > 2 && s.p[0] == '0' && (s.p[1] == 'x' || s.p[1] == 'X')) {
        s.p += 2;
        s.len -= 2;
    }
    if ((size_t)s.len != out_len * 2)
        return false;
    for (size_t i = 0; i < out_len; i++) {
        int hi = hexval((unsigned char)s.p[2 * i]), lo = hexval((unsigned char)s.p[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

static int b64val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

long imsec_base64_decode(imsec_str s, uint8_t *out, size_t cap)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t n = 0;
    uint32_t i = 0;
    for (; i < s.len && s.p[i] != '='; i++) {
        int v = b64val((unsigned char)s.p[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n >= cap)
                return -1;
            out[n++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    for (; i < s.len; i++)
        if (s.p[i] != '=')
            return -1;
    return (long)n;
}

/* Bytes that can change the splitting state; everything else is skipped in
 * a tight loop (lists are split on every message, so this is a hot path). */
static const uint8_t split_special[256] = {['"'] = 1, ['\\'] = 1, ['<'] = 1, ['>'] = 1};

static bool split_next(imsec_str *rest, char sep, imsec_str *item, bool angle)
{
    while (rest->len) {
        const char *p = rest->p;
        uint32_t len = rest->len, i = 0;
        bool inq = false;
        int depth = 0;
        for (;;) {
            while (i < len && !split_special[(unsigned char)p[i]] && p[i] != sep)
                i++;
            if (i >= len)
                break;
            char c = p[i];
            if (inq) {
                if (c == '\\' && i + 1 < len)
                    i++;
                else if (c == '"')
                    inq = false;
            } else if (c == '"') {
                inq = true;
            } else if (angle && c == '<') {
                depth++;
            } else if (angle && c == '>' && depth > 0) {
                depth--;
            } else if (c == sep && depth == 0) {
                break;
            }
            i++;
        }
        imsec_str it = imsec_str_trim(imsec_str_make(p, i));
        if (i < len) {
            rest->p += i + 1;
            rest->len -= i + 1;
        } else {
            rest->p += i;
            rest->len = 0;
        }
        if (it.len) {
            *item = it;
            return true;
        }
    }
    return false;
}

bool imsec_str_list_next(imsec_str *rest, imsec_str *item)
{
    return split_next(rest, ',', item, true);
}

bool imsec_str_split_next(imsec_str *rest, char sep, imsec_str *item)
{
    return split_next(rest, sep, item, sep == ',');
}

char *imsec_str_copy(imsec_str s, char *dst, size_t cap)
{
    if (cap == 0)
        return dst;
    size_t n = s.len < cap - 1 ? s.len : cap - 1;
    if (n)
        memcpy(dst, s.p, n);
    dst[n] = '\0';
    return dst;
}

char *imsec_str_dup(imsec_str s, size_t cap)
{
    size_t n = s.len < cap ? s.len : cap;
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    if (n)
        memcpy(d, s.p, n);
    d[n] = '\0';
    return d;
}
