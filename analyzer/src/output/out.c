#include "output/out.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int file_write(void *ud, const char *p, size_t n)
{
    return fwrite(p, 1, n, (FILE *)ud) == n ? 0 : IMSEC_E_IO;
}

void out_writer_file(out_writer *w, FILE *f)
{
    w->write = file_write;
    w->ud = f;
    w->err = 0;
}

void imsec_writer_file(imsec_writer *w, FILE *f) { out_writer_file(w, f); }

int out_write(out_writer *w, const char *p, size_t n)
{
    if (w->err)
        return w->err;
    if (n == 0)
        return 0;
    int rc = w->write(w->ud, p, n);
    if (rc < 0)
        w->err = rc;
    return rc < 0 ? rc : 0;
}

int out_puts(out_writer *w, const char *s) { return out_write(w, s, strlen(s)); }

int out_printf(out_writer *w, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return w->err = IMSEC_E_IO;
    if ((size_t)n < sizeof small)
        return out_write(w, small, (size_t)n);
    char *big = malloc((size_t)n + 1);
    if (!big)
        return w->err = IMSEC_E_NOMEM;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    int rc = out_write(w, big, (size_t)n);
    free(big);
    return rc;
}

/* Length of the well-formed UTF-8 sequence at s (Unicode Table 3-7), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c == 0xe0) {
        len = 3;
        lo = 0xa0;
    } else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef)
        len = 3;
    else if (c == 0xed) {
        len = 3;
        hi = 0x9f; /* no surrogates */
    } else if (c == 0xf0) {
        len = 4;
        lo = 0x90;
    } else if (c >= 0xf1 && c <= 0xf3)
        len = 4;
    else if (c == 0xf4) {
        len = 4;
        hi = 0x8f;
    } else
        return 0;
    /* Returns 0 for ill-formed; the caller replaces the maximal subpart. */
    for (size_t i = 1; i < len; i++) {
        if (i >= n)
            return 0;
        unsigned char b = s[i];
        unsigned char l = i == 1 ? lo : 0x80, h = i == 1 ? hi : 0xbf;
        if (b < l || b > h)
            return 0;
    }
    return len;
}

/* Length of the maximal ill-formed subpart at s (at least 1). */
static size_t utf8_bad_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c == 0xe0) {
        len = 3;
        lo = 0xa0;
    } else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef)
        len = 3;
    else if (c == 0xed) {
        len = 3;
        hi = 0x9f;
    } else if (c == 0xf0) {
        len = 4;
        lo = 0x90;
    } else if (c >= 0xf1 && c <= 0xf3)
        len = 4;
    else if (c == 0xf4) {
        len = 4;
        hi = 0x8f;
    } else
        return 1;
    size_t i = 1;
    for (; i < len && i < n; i++) {
        unsigned char l = i == 1 ? lo : 0x80, h = i == 1 ? hi : 0xbf;
        if (s[i] < l || s[i] > h)
            break;
    }
    return i;
}

size_t out_utf8_sanitize(const char *s, size_t n, char *dst)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o = 0;
    while (i < n) {
        size_t k = utf8_seq(p + i, n - i);
        if (k) {
            memcpy(dst + o, p + i, k);
            o += k;
            i += k;
        } else {
            dst[o++] = (char)0xef;
            dst[o++] = (char)0xbf;
            dst[o++] = (char)0xbd;
            i += utf8_bad_len(p + i, n - i);
        }
    }
    return o;
}

static size_t esc_one(unsigned char ch, char tmp[4])
{
    static const char hex[] = "0123456789abcdef";
    if (ch == '\\') {
        tmp[0] = tmp[1] = '\\';
        return 2;
    }
    if (ch >= 0x20 && ch < 0x7f) {
        tmp[0] = (char)ch;
        return 1;
    }
    tmp[0] = '\\';
    tmp[1] = 'x';
    tmp[2] = hex[ch >> 4];
    tmp[3] = hex[ch & 15];
    return 4;
}

char *out_escape(const char *s, size_t n, char *dst, size_t cap)
{
    if (cap == 0)
        return dst;
    size_t total = 0;
    char tmp[4];
    for (size_t i = 0; i < n && total < cap; i++)
        total += esc_one((unsigned char)s[i], tmp);
    /* Whole value if it fits, else as much as fits before "...". */
    size_t limit = total < cap ? cap - 1 : (cap > 4 ? cap - 4 : 0);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = esc_one((unsigned char)s[i], tmp);
        if (o + k > limit)
            break;
        memcpy(dst + o, tmp, k);
        o += k;
    }
    if (total >= cap && cap >= 4) {
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = '\0';
    return dst;
}

static bool ts_tm(imsec_ts ts, struct tm *tm, uint32_t *usec)
{
    *usec = ts.usec < 1000000 ? ts.usec : 999999;
    /* year 9999 at most keeps every field within its printed width */
    if (ts.sec < 0 || ts.sec > 253402300799LL) {
        memset(tm, 0, sizeof *tm);
        tm->tm_year = 70;
        tm->tm_mday = 1;
        *usec = 0;
        return false;
    }
    time_t t = (time_t)ts.sec;
    if (!gmtime_r(&t, tm)) {
        memset(tm, 0, sizeof *tm);
        tm->tm_year = 70;
        tm->tm_mday = 1;
        return false;
    }
    return true;
}

const char *out_ts_iso(imsec_ts ts, char buf[OUT_TSLEN])
{
    struct tm tm;
    uint32_t us;
    ts_tm(ts, &tm, &us);
    if (snprintf(buf, OUT_TSLEN, "%04d-%02d-%02dT%02d:%02d:%02d.%06u+0000", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)us) < 0)
        buf[0] = '\0';
    return buf;
}

const char *out_ts_text(imsec_ts ts, char buf[OUT_TSLEN])
{
    struct tm tm;
    uint32_t us;
    ts_tm(ts, &tm, &us);
    if (snprintf(buf, OUT_TSLEN, "%04d-%02d-%02d %02d:%02d:%02d.%06u", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)us) < 0)
        buf[0] = '\0';
    return buf;
}

const char *out_proto_str(uint8_t proto, char buf[8])
{
    switch (proto) {
    case IMSEC_PROTO_UDP: return "UDP";
    case IMSEC_PROTO_TCP: return "TCP";
    case IMSEC_PROTO_SCTP: return "SCTP";
    case IMSEC_PROTO_ESP: return "ESP";
    default:
        if (snprintf(buf, 8, "%u", (unsigned)proto) < 0)
            buf[0] = '\0';
        return buf;
    }
}

const char *out_redact_hex(const char *label, const char *val, size_t len, bool show, char *buf,
                           size_t cap)
{
    if (cap == 0)
        return buf;
    int r;
    if (show) {
        char esc[256];
        r = snprintf(buf, cap, "%s=%s", label, out_escape(val, len, esc, sizeof esc));
    } else {
        r = snprintf(buf, cap, "%s=<redacted %zu hex>", label, len);
    }
    if (r < 0)
        buf[0] = '\0';
    return buf;
}

bool out_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t nc = *cap ? *cap * 2 : 64;
    while (nc < need)
        nc *= 2;
    void *p = realloc(*arr, nc * elem);
    if (!p)
        return false;
    *arr = p;
    *cap = nc;
    return true;
}

char *imsec_escape(const char *s, size_t n, char *dst, size_t cap)
{
    return out_escape(s, n, dst, cap);
}
