/* sdp: zero-copy SDP parser (RFC 8866 §5). One pass over the lines; each
 * line is "<type>=<value>" and only the types analysis needs are decoded.
 * Unknown lines are skipped, as RFC 8866 §5 tells parsers to do. */
#include "sip/sdp.h"

#include <string.h>

/* Next space-separated field of s (runs of SP collapse). */
static bool field_next(imsec_str *s, imsec_str *f)
{
    uint32_t i = 0;
    if (s->len == 0)
        return false; /* s->p may be NULL: no pointer arithmetic on it */
    while (i < s->len && (s->p[i] == ' ' || s->p[i] == '\t'))
        i++;
    if (i >= s->len) {
        s->p += s->len;
        s->len = 0;
        return false;
    }
    uint32_t j = i;
    while (j < s->len && s->p[j] != ' ' && s->p[j] != '\t')
        j++;
    *f = imsec_str_make(s->p + i, j - i);
    s->p += j;
    s->len -= j;
    return true;
}

static bool u16_parse(imsec_str s, uint16_t *out)
{
    uint32_t v;
    if (s.len > 5 || !imsec_str_to_u32(s, &v) || v > 65535)
        return false;
    *out = (uint16_t)v;
    return true;
}

/* "<nettype> <addrtype> <address>[/ttl][/count]" (RFC 8866 §5.7) */
static bool conn_parse(imsec_str v, sdp_conn *c)
{
    sdp_conn t;
    memset(&t, 0, sizeof(t));
    if (!field_next(&v, &t.nettype) || !field_next(&v, &t.addrtype) || !field_next(&v, &t.addr))
        return false;
    const char *slash = memchr(t.addr.p, '/', t.addr.len);
    if (slash)
        t.addr.len = (uint32_t)(slash - t.addr.p);
    if (t.addr.len == 0)
        return false;
    t.present = true;
    *c = t;
    return true;
}

/* a=candidate:<foundation> <component> <transport> <priority> <addr> <port>
 * typ <type> ... (RFC 8839 §5.1) */
static bool cand_parse(imsec_str v, sdp_candidate *c)
{
    imsec_str comp, prio, port, typ;
    memset(c, 0, sizeof(*c));
    if (!field_next(&v, &c->foundation) || !field_next(&v, &comp) ||
        !field_next(&v, &c->transport) || !field_next(&v, &prio) || !field_next(&v, &c->addr) ||
        !field_next(&v, &port))
        return false;
    if (!imsec_str_to_u32(prio, &c->priority) || !u16_parse(port, &c->port))
        return false;
    if (field_next(&v, &typ) && imsec_str_eq_cstr_ci(typ, "typ"))
        (void)field_next(&v, &c->type);
    return true;
}

/* a=crypto:<tag> <crypto-suite> <key-params> [<session-params>] (RFC 4568 §9.1) */
static bool crypto_parse(imsec_str v, sdp_crypto *c)
{
    imsec_str tag;
    memset(c, 0, sizeof(*c));
    if (!field_next(&v, &tag) || !imsec_str_to_u32(tag, &c->tag) || !field_next(&v, &c->suite) ||
        !field_next(&v, &c->key_params))
        return false;
    return true;
}

static void attr_parse(imsec_str v, sdp_media *m)
{
    const char *colon = memchr(v.p, ':', v.len);
    imsec_str name = colon ? imsec_str_make(v.p, (size_t)(colon - v.p)) : v;
    imsec_str val = colon ? imsec_str_make(colon + 1, v.len - name.len - 1) : IMSEC_STR_NULL;
    if (!m)
        return; /* session-level attributes are not needed yet */
    if (imsec_str_eq_cstr_ci(name, "rtcp")) {
        /* a=rtcp:<port> [<nettype> <addrtype> <connection-address>] (RFC 3605) */
        imsec_str port;
        if (field_next(&val, &port) && u16_parse(port, &m->rtcp_port)) {
            m->has_rtcp = true;
            if (!conn_parse(val, &m->rtcp_conn))
                memset(&m->rtcp_conn, 0, sizeof(m->rtcp_conn));
        }
    } else if (imsec_str_eq_cstr_ci(name, "crypto")) {
        if (m->ncrypto < SDP_MAX_CRYPTO && crypto_parse(val, &m->crypto[m->ncrypto]))
            m->ncrypto++;
    } else if (imsec_str_eq_cstr_ci(name, "candidate")) {
        if (m->ncand < SDP_MAX_CANDIDATES && cand_parse(val, &m->cand[m->ncand]))
            m->ncand++;
    } else if (!colon && (imsec_str_eq_cstr_ci(name, "sendrecv") || imsec_str_eq_cstr_ci(name, "sendonly") ||
                          imsec_str_eq_cstr_ci(name, "recvonly") || imsec_str_eq_cstr_ci(name, "inactive"))) {
        m->direction = name;
    }
}

/* m=<media> <port>[/<number of ports>] <proto> <fmt> ... (RFC 8866 §5.14) */
static bool media_parse(imsec_str line, imsec_str v, sdp_media *m)
{
    imsec_str port;
    memset(m, 0, sizeof(*m));
    m->line = line;
    if (!field_next(&v, &m->media) || !field_next(&v, &port) || !field_next(&v, &m->proto))
        return false;
    const char *slash = memchr(port.p, '/', port.len);
    m->nports = 1;
    if (slash) {
        imsec_str n = imsec_str_make(slash + 1, port.len - (size_t)(slash - port.p) - 1);
        port.len = (uint32_t)(slash - port.p);
        if (!u16_parse(n, &m->nports))
            return false;
    }
    if (!u16_parse(port, &m->port))
        return false;
    m->fmts = imsec_str_trim(v);
    return true;
}

int sdp_parse(const char *p, uint32_t len, sdp_desc *d)
{
    memset(d, 0, sizeof(*d));
    if (!p || len == 0)
        return IMSEC_E_MALFORMED;
    uint32_t i = 0;
    bool seen_v = false, dropped = false;
    sdp_media *cur = NULL;
    while (i < len) {
        const char *lf = memchr(p + i, '\n', len - i);
        uint32_t e = lf ? (uint32_t)(lf - p) : len;
        imsec_str line = imsec_str_make(p + i, e - i);
        i = lf ? e + 1 : len;
        if (line.len && line.p[line.len - 1] == '\r')
            line.len--;
        if (line.len == 0)
            continue; /* tolerate blank lines (trailing CRLF of a SIP body) */
        if (line.len < 2 || line.p[1] != '=')
            goto fail;
        char type = line.p[0];
        imsec_str v = imsec_str_make(line.p + 2, line.len - 2);
        if (!seen_v) {
            /* The description starts with v= (RFC 8866 §5). */
            if (type != 'v')
                goto fail;
            seen_v = true;
            d->version = v;
            continue;
        }
        switch (type) {
        case 'o': {
            imsec_str f = v;
            if (!field_next(&f, &d->o_username) || !field_next(&f, &d->o_sess_id) ||
                !field_next(&f, &d->o_sess_version) || !conn_parse(f, &d->origin))
                goto fail;
            break;
        }
        case 's':
            d->session_name = v;
            break;
        case 'c':
            if (dropped)
                break;
            if (!conn_parse(v, cur ? &cur->conn : &d->conn))
                goto fail;
            break;
        case 'm':
            if (d->nmedia >= SDP_MAX_MEDIA) {
                /* Later c= / a= lines of a dropped media must land nowhere. */
                d->truncated_media = true;
                dropped = true;
                break;
            }
            cur = &d->media[d->nmedia];
            if (!media_parse(line, v, cur))
                goto fail;
            d->nmedia++;
            break;
        case 'a':
            if (dropped)
                break;
            attr_parse(v, cur);
            break;
        default:
            break;
        }
    }
    if (!seen_v)
        goto fail;
    return IMSEC_OK;
fail:
    memset(d, 0, sizeof(*d));
    return IMSEC_E_MALFORMED;
}

const sdp_conn *sdp_media_conn(const sdp_desc *d, const sdp_media *m)
{
    if (m && m->conn.present)
        return &m->conn;
    return d ? &d->conn : NULL;
}
