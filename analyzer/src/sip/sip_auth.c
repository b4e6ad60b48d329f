/* Digest credentials / challenges (RFC 2617 §3.2, RFC 3261 §25.1, RFC 3310,
 * TS 24.229 §7.2A.1-2) and the AKA nonce (RFC 3310 §3.2). Declared in
 * sip_hdr.h. */
#include <stddef.h>
#include <string.h>

#include "sip/sip_hdr.h"
#include "sip/sip_lex.h"

/* One auth-param: name LWS? "=" LWS? (token / quoted-string). */
static bool auth_param(imsec_str item, imsec_str *name, imsec_str *value)
{
    bool hv;
    if (!sip_lex_param_split(item, name, value, &hv) || !hv)
        return false;
    if (value->len && value->p[0] == '"') {
        if (sip_lex_quoted_end(*value, 0) != value->len)
            return false;
        *value = imsec_str_make(value->p + 1, value->len - 2);
        return true;
    }
    /* Unquoted values are tokens; "nc=00000001" and base64 '=' / '/' are
     * seen unquoted in the wild, so '/' and '=' are tolerated. */
    if (value->len == 0)
        return false;
    for (uint32_t i = 0; i < value->len; i++) {
        unsigned char c = (unsigned char)value->p[i];
        if (!sip_lex_is(c, SIP_LEX_TOKEN) && c != '/' && c != '=' && c != ':')
            return false;
    }
    return true;
}

/* auth-param names we keep (RFC 2617 §3.2.1-2, RFC 3310 §3.4 auts,
 * TS 24.229 §7.2A.1 ck/ik, §7.2A.2 integrity-protected). */
#define NO_FLAG SIZE_MAX
static const struct {
    const char *name;
    size_t off, has_off;
} digest_fields[] = {
    {"username", offsetof(sip_digest, username), offsetof(sip_digest, has_username)},
    {"realm", offsetof(sip_digest, realm), NO_FLAG},
    {"nonce", offsetof(sip_digest, nonce), offsetof(sip_digest, has_nonce)},
    {"uri", offsetof(sip_digest, uri), NO_FLAG},
    {"response", offsetof(sip_digest, response), offsetof(sip_digest, has_response)},
    {"algorithm", offsetof(sip_digest, algorithm), NO_FLAG},
    {"qop", offsetof(sip_digest, qop), NO_FLAG},
    {"nc", offsetof(sip_digest, nc), NO_FLAG},
    {"cnonce", offsetof(sip_digest, cnonce), NO_FLAG},
    {"opaque", offsetof(sip_digest, opaque), NO_FLAG},
    {"stale", offsetof(sip_digest, stale), NO_FLAG},
    {"auts", offsetof(sip_digest, auts), offsetof(sip_digest, has_auts)},
    {"ck", offsetof(sip_digest, ck), offsetof(sip_digest, has_ck)},
    {"ik", offsetof(sip_digest, ik), offsetof(sip_digest, has_ik)},
    {"integrity-protected", offsetof(sip_digest, integrity_protected),
     offsetof(sip_digest, has_integrity_protected)},
};

int sip_digest_parse(imsec_str s, sip_digest *d)
{
    memset(d, 0, sizeof(*d));
    s = imsec_str_trim(s);
    uint32_t i = 0;
    while (i < s.len && sip_lex_is((unsigned char)s.p[i], SIP_LEX_TOKEN))
        i++;
    d->scheme = imsec_str_make(s.p, i);
    if (i == 0)
        goto fail;
    if (i < s.len && !imsec_is_ws((unsigned char)s.p[i]))
        goto fail;
    bool digest = imsec_str_eq_cstr_ci(d->scheme, "Digest");
    imsec_str rest = imsec_str_make(s.p + i, s.len - i), item, name, value;
    while (imsec_str_list_next(&rest, &item)) {
        if (!auth_param(item, &name, &value)) {
            if (digest)
                goto fail;
            continue; /* other schemes (Basic token68, RFC 4475 §3.3.7) */
        }
        for (size_t k = 0; k < sizeof(digest_fields) / sizeof(digest_fields[0]); k++) {
            if (!imsec_str_eq_cstr_ci(name, digest_fields[k].name))
                continue;
            *(imsec_str *)((char *)d + digest_fields[k].off) = value;
            if (digest_fields[k].has_off != NO_FLAG)
                *(bool *)((char *)d + digest_fields[k].has_off) = true;
            break;
        }
    }
    return IMSEC_OK;
fail:
    memset(d, 0, sizeof(*d));
    return IMSEC_E_MALFORMED;
}

/* RAND(16) || AUTN(16) || server data, base64 (RFC 3310 §3.2). The server
 * part is bounded by what fits in a SIP message. */
#define AKA_NONCE_MAX 2048

int sip_aka_nonce_parse(imsec_str nonce, sip_aka_nonce *out)
{
    uint8_t buf[AKA_NONCE_MAX];
    memset(out, 0, sizeof(*out));
    nonce = imsec_str_unquote(imsec_str_trim(nonce));
    long n = imsec_base64_decode(nonce, buf, sizeof(buf));
    if (n < 32)
        return IMSEC_E_MALFORMED;
    memcpy(out->rand, buf, 16);
    memcpy(out->autn, buf + 16, 16);
    /* AUTN = SQN^AK (6) || AMF (2) || MAC (8), TS 33.102 §6.3.2 */
    memcpy(out->sqn_xor_ak, out->autn, 6);
    memcpy(out->amf, out->autn + 6, 2);
    memcpy(out->mac, out->autn + 8, 8);
    out->server_data_len = (uint32_t)(n - 32);
    return IMSEC_OK;
}
