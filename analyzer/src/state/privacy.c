#include "state/privacy.h"

#include <string.h>

#include "sip/sdp.h"

uint32_t privacy_flags(const sip_msg *msg)
{
    uint32_t f = 0;
    for (const sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_PRIVACY); h; h = sip_msg_hdr_next(msg, h))
        f |= sip_privacy_parse(h->value);
    return f;
}

void privacy_user_level(const sip_msg *msg, bool *hide_name, bool *hide_uri)
{
    *hide_name = *hide_uri = false;
    if (privacy_flags(msg) & SIP_PRIV_USER)
        *hide_name = *hide_uri = true;
    sip_rpid rp;
    imsec_str v = sip_msg_value(msg, SIP_HDR_REMOTE_PARTY_ID);
    if (v.len && sip_rpid_parse(v, &rp) == IMSEC_OK) {
        if (rp.privacy == SIP_RPID_PRIV_FULL || rp.privacy == SIP_RPID_PRIV_NAME)
            *hide_name = true;
        if (rp.privacy == SIP_RPID_PRIV_FULL || rp.privacy == SIP_RPID_PRIV_URI)
            *hide_uri = true;
    }
}

bool privacy_callee_side(const bnd_ctx *b, const st_msg *ev)
{
    if (bnd_direction(b, ev->m) == BND_OUT)
        return true;
    return bnd_addr_ue(b, &ev->m->t.dst) && !bnd_addr_ue(b, &ev->m->t.src);
}

bool privacy_anonymous_uri(const sip_uri *u)
{
    return imsec_str_eq_cstr_ci(u->user, "anonymous") ||
           imsec_str_eq_cstr_ci(u->host, "anonymous.invalid");
}

imsec_str privacy_caller_user(const st_msg *ev)
{
    imsec_str none = imsec_str_make(NULL, 0);
    const char *id = ev->call ? ev->call->from : NULL;
    if (!id)
        return none;
    const char *colon = strchr(id, ':'), *at = strchr(id, '@'); /* our own NUL-terminated copy */
    if (!colon || !at || at <= colon + 1)
        return none;
    imsec_str u = imsec_str_make(colon + 1, (size_t)(at - colon - 1));
    return imsec_str_eq_cstr_ci(u, "anonymous") ? none : u;
}

static bool name_char(unsigned char c)
{
    return imsec_is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
           c == '_' || c == '-' || c == '+';
}

bool privacy_has_user(imsec_str v, imsec_str user)
{
    if (user.len == 0 || user.len > v.len)
        return false;
    for (uint32_t i = 0; i + user.len <= v.len; i++) {
        if (!imsec_str_eq_ci(imsec_str_make(v.p + i, user.len), user))
            continue;
        bool left = i == 0 || !name_char((unsigned char)v.p[i - 1]);
        bool right = i + user.len == v.len || !name_char((unsigned char)v.p[i + user.len]);
        if (left && right)
            return true;
    }
    return false;
}

imsec_str privacy_sdp_origin_user(const sip_msg *msg)
{
    sip_ctype ct;
    sdp_desc d;
    if (msg->body.len &&
        sip_ctype_parse(sip_msg_value(msg, SIP_HDR_CONTENT_TYPE), &ct) == IMSEC_OK &&
        sip_ctype_is(&ct, "application", "sdp") &&
        sdp_parse(msg->body.p, msg->body.len, &d) == IMSEC_OK)
        return d.o_username;
    return imsec_str_make(NULL, 0);
}

imsec_str privacy_bottom_via_host(const sip_msg *msg)
{
    imsec_str host = imsec_str_make(NULL, 0);
    for (const sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_VIA); h; h = sip_msg_hdr_next(msg, h)) {
        imsec_str rest = h->value, item;
        sip_via v;
        while (imsec_str_list_next(&rest, &item))
            if (sip_via_parse(imsec_str_trim(item), &v) == IMSEC_OK)
                host = v.host;
    }
    return host;
}
