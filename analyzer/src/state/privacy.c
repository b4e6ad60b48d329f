#include "state/privacy.h"

#include <string.h>

#include "sip/sdp.h"

void privacy_user_level(const sip_view *v, bool *hide_name, bool *hide_uri)
{
    *hide_name = *hide_uri = false;
    if (sip_view_privacy(v) & SIP_PRIV_USER)
        *hide_name = *hide_uri = true;
    const sip_rpid *rp = sip_view_rpid(v);
    if (rp) {
        if (rp->privacy == SIP_RPID_PRIV_FULL || rp->privacy == SIP_RPID_PRIV_NAME)
            *hide_name = true;
        if (rp->privacy == SIP_RPID_PRIV_FULL || rp->privacy == SIP_RPID_PRIV_URI)
            *hide_uri = true;
    }
}

bool privacy_callee_side(const bnd_ctx *b, const st_msg *ev)
{
    if (ev->dir == BND_OUT)
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

imsec_str privacy_sdp_origin_user(const sip_view *v)
{
    const sdp_desc *d = sip_view_sdp(v);
    return d ? d->o_username : IMSEC_STR_NULL;
}

imsec_str privacy_bottom_via_host(const sip_view *v)
{
    const sip_via *b = sip_view_via_bottom(v);
    return b ? b->host : IMSEC_STR_NULL;
}
