#include "rules/diag.h"

#include <stdio.h>
#include <string.h>

void rules_diag_init(rules_diag *d, char *buf, size_t cap, const char *file)
{
    memset(d, 0, sizeof *d);
    d->buf = buf;
    d->cap = buf ? cap : 0;
    d->file = file ? file : "(input)";
    if (d->cap)
        d->buf[0] = '\0';
}

char *rules_diag_esc(const char *s, size_t n, char *dst, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    if (cap == 0)
        return dst;
    size_t o = 0;
    bool cut = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        char tmp[4];
        size_t k = 0;
        if (ch == '\\') {
            tmp[k++] = '\\';
            tmp[k++] = '\\';
        } else if (ch >= 0x20 && ch < 0x7f) {
            tmp[k++] = (char)ch;
        } else {
            tmp[k++] = '\\';
            tmp[k++] = 'x';
            tmp[k++] = hex[ch >> 4];
            tmp[k++] = hex[ch & 15];
        }
        if (o + k + 1 > cap) {
            cut = true;
            break;
        }
        memcpy(dst + o, tmp, k);
        o += k;
    }
    if (cut && cap >= 4) {
        while (o + 4 > cap)
            o--;
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = '\0';
    return dst;
}

void rules_diag_add(rules_diag *d, const char *path, const char *fmt, ...)
{
    d->count++;
    if (!d->buf || d->full)
        return;
    char msg[256], file[128], line[IMSEC_ERRBUF];
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (m < 0)
        msg[0] = '\0';
    rules_diag_esc(d->file, strlen(d->file), file, sizeof file);
    int n = path ? snprintf(line, sizeof line, "%s: %s: %s\n", file, path, msg)
                 : snprintf(line, sizeof line, "%s: %s\n", file, msg);
    if (n < 0)
        return;
    size_t ln = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    /* Keep 24 bytes for the "... (N errors)" tail. */
    if (d->len + ln + 24 >= d->cap) {
        d->full = true;
        return;
    }
    memcpy(d->buf + d->len, line, ln);
    d->len += ln;
    d->buf[d->len] = '\0';
}

void rules_diag_finish(rules_diag *d)
{
    if (!d->buf || d->cap == 0)
        return;
    if (d->full) {
        int n = snprintf(d->buf + d->len, d->cap - d->len, "... (%u errors)\n", d->count);
        if (n > 0)
            d->len += (size_t)n < d->cap - d->len ? (size_t)n : d->cap - d->len - 1;
    }
    /* A one-line message is what the CLI prints; drop the final newline. */
    if (d->len && d->buf[d->len - 1] == '\n')
        d->buf[--d->len] = '\0';
}
