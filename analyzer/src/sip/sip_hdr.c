/* Typed header parsers: Via, CSeq, Security-*, Privacy, Replaces /
 * Target-Dialog, Remote-Party-ID, P-Charging-Vector, P-Access-Network-Info,
 * Content-Type. URIs and name-addr live in sip_uri.c, Digest in sip_auth.c. */
#include "sip/sip_hdr.h"

#include <string.h>

#include "sip/sip_lex.h"

/* Reads a token at s[*i] into *t; false if there is none. */
static bool take_token(imsec_str s, uint32_t *i, imsec_str *t)
{
    uint32_t j = *i;
    while (j < s.len && sip_lex_is((unsigned char)s.p[j], SIP_LEX_TOKEN))
        j++;
    if (j == *i)
        return false;
    *t = imsec_str_make(s.p + *i, j - *i);
    *i = j;
    return true;
}

/* SWS "/" SWS */
static bool take_slash(imsec_str s, uint32_t *i)
{
    uint32_t j = sip_lex_skip_lws(s, *i);
    if (j >= s.len || s.p[j] != '/')
        return false;
    *i = sip_lex_skip_lws(s, j + 1);
    return true;
}

/* ---- Via (RFC 3261 §20.42, §25.1 via-parm) ---------------------------- */

int sip_via_parse(imsec_str s, sip_via *v)
{
    memset(v, 0, sizeof(*v));
    s = imsec_str_trim(s);
    uint32_t i = 0;
    if (!take_token(s, &i, &v->proto_name) || !take_slash(s, &i) ||
        !take_token(s, &i, &v->proto_version))
        goto fail;
    v->protocol = imsec_str_make(v->proto_name.p,
                                 (size_t)(v->proto_version.p + v->proto_version.len - v->proto_name.p));
    if (!take_slash(s, &i) || !take_token(s, &i, &v->transport))
        goto fail;
    uint32_t j = sip_lex_skip_lws(s, i);
    if (j == i || j >= s.len)
        goto fail; /* LWS sent-by */
    /* sent-by runs to ';' (IPv6 references contain none) */
    uint32_t k = j;
    while (k < s.len && s.p[k] != ';')
        k++;
    imsec_str sent_by = imsec_str_trim(imsec_str_make(s.p + j, k - j));
    {
        /* host [COLON port], COLON = SWS ":" SWS */
        uint32_t h = 0;
        if (sent_by.len && sent_by.p[0] == '[') {
            const char *rb = memchr(sent_by.p, ']', sent_by.len);
            if (!rb)
                goto fail;
            v->host = imsec_str_make(sent_by.p + 1, (size_t)(rb - sent_by.p - 1));
            h = (uint32_t)(rb - sent_by.p) + 1;
            for (uint32_t q = 0; q < v->host.len; q++) {
                unsigned char c = (unsigned char)v->host.p[q];
                if (!imsec_is_hex(c) && c != ':' && c != '.')
                    goto fail;
            }
            if (v->host.len == 0)
                goto fail;
        } else {
            while (h < sent_by.len && sent_by.p[h] != ':' &&
                   !imsec_is_ws((unsigned char)sent_by.p[h])) {
                unsigned char c = (unsigned char)sent_by.p[h];
                if (!sip_lex_is(c, SIP_LEX_ALPHA | SIP_LEX_DIGIT) && c != '-' && c != '.')
                    goto fail;
                h++;
            }
            if (h == 0)
                goto fail;
            v->host = imsec_str_make(sent_by.p, h);
        }
        h = sip_lex_skip_lws(sent_by, h);
        if (h < sent_by.len) {
            if (sent_by.p[h] != ':')
                goto fail;
            imsec_str ps = imsec_str_trim(imsec_str_make(sent_by.p + h + 1, sent_by.len - h - 1));
            uint32_t pv;
            if (ps.len == 0 || ps.len > 5 || !imsec_str_to_u32(ps, &pv) || pv > 65535)
                goto fail;
            v->port = (uint16_t)pv;
            v->has_port = true;
        }
    }
    if (k < s.len) {
        v->params = imsec_str_trim(imsec_str_make(s.p + k + 1, s.len - k - 1));
        /* "192.0.2.15;;" (RFC 4475 §3.1.2.1) has an empty parameter. */
        if (v->params.len == 0 || !sip_lex_params_ok(v->params))
            goto fail;
        sip_param_get(v->params, "branch", &v->branch);
        sip_param_get(v->params, "received", &v->received);
        sip_param_get(v->params, "rport", &v->rport);
        sip_param_get(v->params, "maddr", &v->maddr);
    }
    return IMSEC_OK;
fail:
    memset(v, 0, sizeof(*v));
    return IMSEC_E_MALFORMED;
}

/* ---- CSeq (RFC 3261 §20.16): 1*DIGIT LWS Method ------------------------ */

int sip_cseq_parse(imsec_str s, uint32_t *seq, imsec_str *method)
{
    s = imsec_str_trim(s);
    uint32_t i = 0;
    while (i < s.len && imsec_is_digit((unsigned char)s.p[i]))
        i++;
    uint32_t j = sip_lex_skip_lws(s, i);
    imsec_str m;
    uint32_t k = j;
    /* "MUST be expressible as a 32-bit unsigned integer" (§20.16; RFC 4475
     * §3.1.2.4/5 overflow it). */
    if (i == 0 || j == i || !imsec_str_to_u32(imsec_str_make(s.p, i), seq) ||
        !take_token(s, &k, &m) || k != s.len) {
        *seq = 0;
        *method = IMSEC_STR_NULL;
        return IMSEC_E_MALFORMED;
    }
    *method = m;
    return IMSEC_OK;
}

/* ---- Security-Client/-Server/-Verify (RFC 3329 §2.2, TS 33.203 Annex H) */

/* qvalue = ("0" ["." 0*3DIGIT]) / ("1" ["." 0*3("0")]), as q * 1000. */
static bool qvalue_parse(imsec_str v, uint32_t *q)
{
    if (v.len == 0 || v.len > 5 || (v.p[0] != '0' && v.p[0] != '1'))
        return false;
    uint32_t r = (uint32_t)(v.p[0] - '0') * 1000, scale = 100;
    if (v.len > 1) {
        if (v.p[1] != '.')
            return false;
        for (uint32_t i = 2; i < v.len; i++) {
            if (!imsec_is_digit((unsigned char)v.p[i]))
                return false;
            r += (uint32_t)(v.p[i] - '0') * scale;
            scale /= 10;
        }
    }
    if (r > 1000)
        return false;
    *q = r;
    return true;
}

int sip_secmech_parse(imsec_str s, sip_secmech *m)
{
    memset(m, 0, sizeof(*m));
    s = imsec_str_trim(s);
    imsec_str rest = s, item, name, value;
    bool hv;
    if (!sip_lex_param_next(&rest, &item) || !sip_lex_is_token(item))
        goto fail;
    m->mech = item;
    if (s.len > item.len) {
        m->params = imsec_str_trim(rest);
        if (!sip_lex_params_ok(m->params) || m->params.len == 0)
            goto fail;
    }
    while (sip_lex_param_next(&rest, &item)) {
        sip_lex_param_split(item, &name, &value, &hv);
        imsec_str uv = imsec_str_unquote(value);
        uint32_t n;
        if (imsec_str_eq_cstr_ci(name, "q")) {
            if (!qvalue_parse(uv, &m->q))
                goto fail;
            m->has_q = true;
        } else if (imsec_str_eq_cstr_ci(name, "alg")) {
            m->alg = uv;
        } else if (imsec_str_eq_cstr_ci(name, "ealg")) {
            m->ealg = uv;
        } else if (imsec_str_eq_cstr_ci(name, "prot")) {
            m->prot = uv;
        } else if (imsec_str_eq_cstr_ci(name, "mod")) {
            m->mod = uv;
        } else if (imsec_str_eq_cstr_ci(name, "d-alg")) {
            m->d_alg = uv;
        } else if (imsec_str_eq_cstr_ci(name, "d-qop")) {
            m->d_qop = uv;
        } else if (imsec_str_eq_cstr_ci(name, "d-ver")) {
            m->d_ver = uv;
        } else if (imsec_str_eq_cstr_ci(name, "spi-c") || imsec_str_eq_cstr_ci(name, "spi-s")) {
            /* spivalue: 1..10 digits, at most 2^32-1 (reference §2.1) */
            if (uv.len > 10 || !imsec_str_to_u32(uv, &n))
                goto fail;
            if (name.p[4] == 'c' || name.p[4] == 'C')
                m->spi_c = n, m->has_spi_c = true;
            else
                m->spi_s = n, m->has_spi_s = true;
        } else if (imsec_str_eq_cstr_ci(name, "port-c") || imsec_str_eq_cstr_ci(name, "port-s")) {
            if (uv.len > 5 || !imsec_str_to_u32(uv, &n) || n > 65535)
                goto fail;
            if (name.p[5] == 'c' || name.p[5] == 'C')
                m->port_c = (uint16_t)n, m->has_port_c = true;
            else
                m->port_s = (uint16_t)n, m->has_port_s = true;
        }
    }
    return IMSEC_OK;
fail:
    memset(m, 0, sizeof(*m));
    return IMSEC_E_MALFORMED;
}

/* ---- Privacy (RFC 3323 §4.2, RFC 3325 §9.3, RFC 7044) ------------------- */

uint32_t sip_privacy_parse(imsec_str s)
{
    static const struct {
        const char *name;
        uint32_t bit;
    } vals[] = {
        {"header", SIP_PRIV_HEADER}, {"session", SIP_PRIV_SESSION}, {"user", SIP_PRIV_USER},
        {"none", SIP_PRIV_NONE},     {"critical", SIP_PRIV_CRITICAL}, {"id", SIP_PRIV_ID},
        {"history", SIP_PRIV_HISTORY},
    };
    uint32_t bits = 0;
    uint32_t i = 0;
    while (i < s.len) {
        uint32_t j = i;
        while (j < s.len && s.p[j] != ';' && s.p[j] != ',')
            j++;
        imsec_str t = imsec_str_trim(imsec_str_make(s.p + i, j - i));
        if (t.len) {
            uint32_t b = SIP_PRIV_UNKNOWN;
            for (size_t k = 0; k < sizeof(vals) / sizeof(vals[0]); k++)
                if (imsec_str_eq_cstr_ci(t, vals[k].name))
                    b = vals[k].bit;
            bits |= b;
        }
        i = j + 1;
    }
    return bits;
}

/* ---- Replaces (RFC 3891 §6.1) / Target-Dialog (RFC 4538 §7) ------------- */

int sip_replaces_parse(imsec_str s, sip_replaces *r)
{
    memset(r, 0, sizeof(*r));
    s = imsec_str_trim(s);
    imsec_str rest = s, item, name, value;
    bool hv;
    if (!sip_lex_param_next(&rest, &item) || item.len == 0)
        goto fail;
    /* callid = word ["@" word]: visible characters, no ';' */
    for (uint32_t i = 0; i < item.len; i++)
        if (!sip_lex_is((unsigned char)item.p[i], SIP_LEX_GRAPH))
            goto fail;
    r->call_id = item;
    if (s.len > item.len && !sip_lex_params_ok(rest))
        goto fail;
    while (sip_lex_param_next(&rest, &item)) {
        sip_lex_param_split(item, &name, &value, &hv);
        /* Target-Dialog's local-tag is the recipient's tag, as to-tag is in
         * Replaces; remote-tag corresponds to from-tag. */
        if (imsec_str_eq_cstr_ci(name, "to-tag") || imsec_str_eq_cstr_ci(name, "local-tag"))
            r->to_tag = value;
        else if (imsec_str_eq_cstr_ci(name, "from-tag") || imsec_str_eq_cstr_ci(name, "remote-tag"))
            r->from_tag = value;
        else if (imsec_str_eq_cstr_ci(name, "early-only"))
            r->early_only = true;
    }
    return IMSEC_OK;
fail:
    memset(r, 0, sizeof(*r));
    return IMSEC_E_MALFORMED;
}

/* ---- Remote-Party-ID (draft-ietf-sip-privacy-04; reference §7.3) ------- */

int sip_rpid_parse(imsec_str s, sip_rpid *r)
{
    memset(r, 0, sizeof(*r));
    if (sip_naddr_parse(s, &r->addr) != IMSEC_OK || r->addr.star)
        goto fail;
    imsec_str rest = r->addr.params, item, name, value;
    bool hv;
    while (sip_lex_param_next(&rest, &item)) {
        sip_lex_param_split(item, &name, &value, &hv);
        if (imsec_str_eq_cstr_ci(name, "party")) {
            r->party = value;
        } else if (imsec_str_eq_cstr_ci(name, "screen")) {
            r->screen = value;
        } else if (imsec_str_eq_cstr_ci(name, "id-type")) {
            r->id_type = value;
        } else if (imsec_str_eq_cstr_ci(name, "privacy")) {
            /* 1#(full / name / uri / off / token ["-" token]); sofia-sip also
             * takes a quoted list. Combine: name + uri hides as much as full. */
            bool hide_name = false, hide_uri = false, off = false;
            imsec_str l = imsec_str_unquote(value), e;
            while (imsec_str_list_next(&l, &e)) {
                const char *dash = memchr(e.p, '-', e.len);
                imsec_str w = dash ? imsec_str_make(e.p, (size_t)(dash - e.p)) : e;
                if (imsec_str_eq_cstr_ci(w, "full"))
                    hide_name = hide_uri = true;
                else if (imsec_str_eq_cstr_ci(w, "name"))
                    hide_name = true;
                else if (imsec_str_eq_cstr_ci(w, "uri"))
                    hide_uri = true;
                else if (imsec_str_eq_cstr_ci(w, "off"))
                    off = true;
            }
            r->privacy = hide_name && hide_uri ? SIP_RPID_PRIV_FULL
                         : hide_name           ? SIP_RPID_PRIV_NAME
                         : hide_uri            ? SIP_RPID_PRIV_URI
                         : off                 ? SIP_RPID_PRIV_OFF
                                               : SIP_RPID_PRIV_NONE;
        }
    }
    return IMSEC_OK;
fail:
    memset(r, 0, sizeof(*r));
    return IMSEC_E_MALFORMED;
}

/* ---- P-Charging-Vector (RFC 7315 §5.6) ---------------------------------- */

int sip_pcv_parse(imsec_str s, sip_pcv *v)
{
    memset(v, 0, sizeof(*v));
    v->params = imsec_str_trim(s);
    if (v->params.len == 0 || !sip_lex_params_ok(v->params))
        goto fail;
    imsec_str rest = v->params, item, name, value;
    bool hv, icid = false;
    while (sip_lex_param_next(&rest, &item)) {
        sip_lex_param_split(item, &name, &value, &hv);
        if (imsec_str_eq_cstr_ci(name, "icid-value")) {
            v->icid = imsec_str_unquote(value);
            icid = hv && v->icid.len;
        } else if (imsec_str_eq_cstr_ci(name, "icid-generated-at")) {
            v->icid_generated_at = imsec_str_unquote(value);
        } else if (imsec_str_eq_cstr_ci(name, "orig-ioi")) {
            v->orig_ioi = imsec_str_unquote(value);
        } else if (imsec_str_eq_cstr_ci(name, "term-ioi")) {
            v->term_ioi = imsec_str_unquote(value);
        }
    }
    if (!icid)
        goto fail; /* icid-value is mandatory */
    return IMSEC_OK;
fail:
    memset(v, 0, sizeof(*v));
    return IMSEC_E_MALFORMED;
}

/* ---- P-Access-Network-Info (RFC 7315 §5.4, RFC 7913, TS 24.229 §7.2A.4) */

int sip_pani_parse(imsec_str s, sip_pani *p)
{
    memset(p, 0, sizeof(*p));
    s = imsec_str_trim(s);
    imsec_str rest = s, item;
    if (!sip_lex_param_next(&rest, &item) || !sip_lex_is_token(item))
        goto fail;
    p->access_type = item;
    if (s.len > item.len) {
        p->params = imsec_str_trim(rest);
        if (p->params.len == 0 || !sip_lex_params_ok(p->params))
            goto fail;
    }
    return IMSEC_OK;
fail:
    memset(p, 0, sizeof(*p));
    return IMSEC_E_MALFORMED;
}

/* ---- Content-Type (RFC 3261 §20.15): m-type SLASH m-subtype *(SEMI m-parameter) */

int sip_ctype_parse(imsec_str s, sip_ctype *c)
{
    memset(c, 0, sizeof(*c));
    s = imsec_str_trim(s);
    uint32_t i = 0;
    if (!take_token(s, &i, &c->type) || !take_slash(s, &i) || !take_token(s, &i, &c->subtype))
        goto fail;
    i = sip_lex_skip_lws(s, i);
    if (i < s.len) {
        if (s.p[i] != ';')
            goto fail;
        c->params = imsec_str_trim(imsec_str_make(s.p + i + 1, s.len - i - 1));
        if (c->params.len == 0 || !sip_lex_params_ok(c->params))
            goto fail;
    }
    return IMSEC_OK;
fail:
    memset(c, 0, sizeof(*c));
    return IMSEC_E_MALFORMED;
}

bool sip_ctype_is(const sip_ctype *c, const char *type, const char *subtype)
{
    return c && imsec_str_eq_cstr_ci(c->type, type) && imsec_str_eq_cstr_ci(c->subtype, subtype);
}
