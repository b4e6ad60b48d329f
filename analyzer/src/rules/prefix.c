#include "rules/prefix.h"

#include <stdio.h>
#include <string.h>

static void prefix_mask(rules_prefix *p)
{
    unsigned bits = p->addr.family == 4 ? 32u : 128u;
    for (unsigned i = p->len; i < bits; i++)
        p->addr.a[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
}

bool rules_prefix_parse(const char *s, size_t n, rules_prefix *out)
{
    memset(out, 0, sizeof *out);
    const char *slash = s ? memchr(s, '/', n) : NULL;
    size_t alen = slash ? (size_t)(slash - s) : n;
    if (!s || !imsec_addr_parse(s, alen, &out->addr))
        return false;
    unsigned bits = out->addr.family == 4 ? 32u : 128u;
    unsigned len = bits;
    if (slash) {
        const char *p = slash + 1, *end = s + n;
        if (p == end || end - p > 3 || (*p == '0' && end - p > 1))
            return false;
        len = 0;
        for (; p < end; p++) {
            if (*p < '0' || *p > '9')
                return false;
            len = len * 10 + (unsigned)(*p - '0');
        }
        if (len > bits)
            return false;
    }
    out->len = (uint8_t)len;
    prefix_mask(out);
    return true;
}

bool rules_prefix_match(const rules_prefix *p, const imsec_addr *a)
{
    if (p->addr.family == 0)
        return true;
    if (!a || a->family != p->addr.family)
        return false;
    unsigned full = p->len / 8u, rest = p->len % 8u;
    if (memcmp(p->addr.a, a->a, full) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t m = (uint8_t)(0xffu << (8 - rest));
    return (a->a[full] & m) == p->addr.a[full];
}

bool rules_prefix_list_match(const rules_prefix *list, size_t n, const imsec_addr *a)
{
    for (size_t i = 0; i < n; i++)
        if (rules_prefix_match(&list[i], a))
            return true;
    return false;
}

const char *rules_prefix_str(const rules_prefix *p, char buf[RULES_PREFIXSTRLEN])
{
    if (p->addr.family == 0) {
        snprintf(buf, RULES_PREFIXSTRLEN, "*");
        return buf;
    }
    char a[IMSEC_ADDRSTRLEN];
    imsec_addr_str(&p->addr, a);
    unsigned bits = p->addr.family == 4 ? 32u : 128u;
    if (p->len == bits)
        snprintf(buf, RULES_PREFIXSTRLEN, "%s", a);
    else
        snprintf(buf, RULES_PREFIXSTRLEN, "%s/%u", a, (unsigned)p->len);
    return buf;
}
