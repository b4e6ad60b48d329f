#include "sip/sip_lex.h"

/* Generated from the RFC 3261 §25.1 character sets; see the enum in sip_lex.h. */
const uint8_t sip_lex_class[256] = {
     0,  0,  0,  0,  0,  0,  0,  0,  0, 32,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
    32,  3,  2,  2,  2,  3,  2,  3,  2,  2,  3, 19,  2, 19, 19,  2,
    23, 23, 23, 23, 23, 23, 23, 23, 23, 23,  2,  2,  2,  2,  2,  2,
     2, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27,
    27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27,  2,  2,  2,  2,  3,
     3, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27,
    27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27,  2,  2,  2,  3,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
};

bool sip_lex_is_token(imsec_str s)
{
    if (s.len == 0)
        return false;
    for (uint32_t i = 0; i < s.len; i++)
        if (!sip_lex_is((unsigned char)s.p[i], SIP_LEX_TOKEN))
            return false;
    return true;
}

uint32_t sip_lex_skip_lws(imsec_str s, uint32_t i)
{
    while (i < s.len) {
        unsigned char c = (unsigned char)s.p[i];
        if (c == ' ' || c == '\t') {
            i++;
        } else if (c == '\r' && i + 2 < s.len && s.p[i + 1] == '\n' &&
                   (s.p[i + 2] == ' ' || s.p[i + 2] == '\t')) {
            i += 3;
        } else if (c == '\n' && i + 1 < s.len && (s.p[i + 1] == ' ' || s.p[i + 1] == '\t')) {
            i += 2;
        } else {
            break;
        }
    }
    return i;
}

uint32_t sip_lex_quoted_end(imsec_str s, uint32_t i)
{
    if (i >= s.len || s.p[i] != '"')
        return 0;
    for (i++; i < s.len; i++) {
        char c = s.p[i];
        if (c == '\\') {
            /* quoted-pair (RFC 3261 §25.1): any char except CR/LF may follow */
            if (i + 1 >= s.len || s.p[i + 1] == '\r' || s.p[i + 1] == '\n')
                return 0;
            i++;
        } else if (c == '"') {
            return i + 1;
        } else if (c == '\r' || c == '\n') {
            uint32_t j = sip_lex_skip_lws(s, i);
            if (j == i)
                return 0;
            i = j - 1;
        }
    }
    return 0;
}

bool sip_lex_eq_nows_ci(imsec_str s, const char *lit)
{
    uint32_t i = 0;
    for (;; lit++) {
        while (i < s.len && imsec_is_ws((unsigned char)s.p[i]))
            i++;
        if (*lit == '\0')
            return i == s.len;
        if (i >= s.len ||
            imsec_ascii_lower((unsigned char)s.p[i]) != imsec_ascii_lower((unsigned char)*lit))
            return false;
        i++;
    }
}

bool sip_lex_param_next(imsec_str *rest, imsec_str *item)
{
    if (!rest->p || rest->len == 0)
        return false;
    uint32_t i = 0;
    bool inq = false;
    for (; i < rest->len; i++) {
        char c = rest->p[i];
        if (inq) {
            if (c == '\\' && i + 1 < rest->len)
                i++;
            else if (c == '"')
                inq = false;
        } else if (c == '"') {
            inq = true;
        } else if (c == ';') {
            break;
        }
    }
    *item = imsec_str_trim(imsec_str_make(rest->p, i));
    if (i < rest->len) {
        rest->p += i + 1;
        rest->len -= i + 1;
    } else {
        rest->p += i;
        rest->len = 0;
    }
    return true;
}

bool sip_lex_param_split(imsec_str item, imsec_str *name, imsec_str *value, bool *has_value)
{
    uint32_t i = 0;
    while (i < item.len && item.p[i] != '=')
        i++;
    *name = imsec_str_trim(imsec_str_make(item.p, i));
    if (i < item.len) {
        *has_value = true;
        *value = imsec_str_trim(imsec_str_make(item.p + i + 1, item.len - i - 1));
    } else {
        *has_value = false;
        *value = imsec_str_make(item.p + item.len, 0);
    }
    return sip_lex_is_token(*name);
}

static bool gen_value_ok(imsec_str v)
{
    if (v.len == 0)
        return false;
    if (v.p[0] == '"')
        return sip_lex_quoted_end(v, 0) == v.len;
    for (uint32_t i = 0; i < v.len; i++) {
        unsigned char c = (unsigned char)v.p[i];
        if (!sip_lex_is(c, SIP_LEX_TOKEN) && c != '[' && c != ']' && c != ':')
            return false;
    }
    return true;
}

bool sip_lex_params_ok(imsec_str params)
{
    if (params.len == 0)
        return true;
    /* A list that ends in ';' has an empty last element. */
    imsec_str t = imsec_str_trim(params);
    if (t.len == 0 || t.p[t.len - 1] == ';')
        return false;
    imsec_str rest = t, item, name, value;
    bool hv;
    while (rest.len) {
        if (!sip_lex_param_next(&rest, &item) || item.len == 0)
            return false;
        if (!sip_lex_param_split(item, &name, &value, &hv))
            return false;
        if (hv && !gen_value_ok(value))
            return false;
    }
    return true;
}
