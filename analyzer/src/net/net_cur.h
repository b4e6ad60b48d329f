/* net_cur: bounds-checked reader over captured bytes (style.md §2.3).
 *
 * Read the fields of a header, then test c.err once. After the first
 * failure the error sticks, reads return 0 and the cursor does not move.
 * Invariant: c.p <= c.end always; no read ever touches bytes >= end. */
#ifndef IMSEC_NET_CUR_H
#define IMSEC_NET_CUR_H

#include <stddef.h>
#include <stdint.h>

#include "imsec/imsec.h"

typedef struct {
    const uint8_t *p, *end;
    int err; /* 0 or IMSEC_E_TRUNC / IMSEC_E_MALFORMED */
} net_cur;

static inline net_cur net_cur_make(const uint8_t *p, size_t len)
{
    net_cur c = {p, p + len, 0};
    return c;
}
static inline size_t net_cur_left(const net_cur *c) { return (size_t)(c->end - c->p); }
static inline int net_cur_need(net_cur *c, size_t n)
{
    if (c->err)
        return 0;
    if (n > net_cur_left(c)) {
        c->err = IMSEC_E_TRUNC;
        return 0;
    }
    return 1;
}
static inline uint8_t net_cur_u8(net_cur *c)
{
    if (!net_cur_need(c, 1))
        return 0;
    return *c->p++;
}
static inline uint16_t net_cur_be16(net_cur *c)
{
    if (!net_cur_need(c, 2))
        return 0;
    uint16_t v = (uint16_t)(c->p[0] << 8 | c->p[1]);
    c->p += 2;
    return v;
}
static inline uint16_t net_cur_le16(net_cur *c)
{
    if (!net_cur_need(c, 2))
        return 0;
    uint16_t v = (uint16_t)(c->p[1] << 8 | c->p[0]);
    c->p += 2;
    return v;
}
static inline uint32_t net_cur_be32(net_cur *c)
{
    if (!net_cur_need(c, 4))
        return 0;
    uint32_t v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 | (uint32_t)c->p[2] << 8 | c->p[3];
    c->p += 4;
    return v;
}
static inline uint32_t net_cur_le32(net_cur *c)
{
    if (!net_cur_need(c, 4))
        return 0;
    uint32_t v = (uint32_t)c->p[3] << 24 | (uint32_t)c->p[2] << 16 | (uint32_t)c->p[1] << 8 | c->p[0];
    c->p += 4;
    return v;
}
/* Copies n bytes out; on failure dst is left untouched. */
static inline void net_cur_bytes(net_cur *c, uint8_t *dst, size_t n)
{
    if (!net_cur_need(c, n))
        return;
    for (size_t i = 0; i < n; i++)
        dst[i] = c->p[i];
    c->p += n;
}
static inline void net_cur_skip(net_cur *c, size_t n)
{
    if (net_cur_need(c, n))
        c->p += n;
}
/* A child cursor over the next n bytes; the parent moves past them. If fewer
 * than n bytes were captured the child covers what exists and carries
 * IMSEC_E_TRUNC in trunc_out (declared length beyond capture). */
static inline net_cur net_cur_sub(net_cur *c, size_t n, int *trunc_out)
{
    net_cur s = {c->p, c->p, c->err};
    *trunc_out = 0;
    if (c->err)
        return s;
    if (n > net_cur_left(c)) {
        *trunc_out = IMSEC_E_TRUNC;
        n = net_cur_left(c);
    }
    s.end = c->p + n;
    c->p += n;
    return s;
}

#endif
