#include "state/netctx.h"

#include <stdio.h>

#include "sip/sip_msg.h"

void netctx_init(netctx *c, const rules_site *site)
{
    c->pinned = site && site->network != RULES_NET_AUTO;
    c->ims = site && site->network == RULES_NET_IMS;
    c->why = c->pinned ? "site profile" : NULL;
    c->why_frame = 0;
}

/* Headers only 3GPP networks send (RFC 7315; RFC 3329 in TS 24.229 use). */
static const struct {
    sip_hdr_type t;
    const char *why;
} ims_hdrs[] = {
    {SIP_HDR_SECURITY_CLIENT, "Security-Client"},
    {SIP_HDR_SECURITY_SERVER, "Security-Server"},
    {SIP_HDR_SECURITY_VERIFY, "Security-Verify"},
    {SIP_HDR_P_ASSOCIATED_URI, "P-Associated-URI"},
    {SIP_HDR_P_CHARGING_VECTOR, "P-Charging-Vector"},
    {SIP_HDR_P_CHARGING_FUNCTION_ADDRESSES, "P-Charging-Function-Addresses"},
    {SIP_HDR_P_ACCESS_NETWORK_INFO, "P-Access-Network-Info"},
    {SIP_HDR_P_VISITED_NETWORK_ID, "P-Visited-Network-ID"},
    {SIP_HDR_P_CALLED_PARTY_ID, "P-Called-Party-ID"},
};

static bool aka(const sip_digest *d)
{
    return d && imsec_str_starts_with_ci(d->algorithm, "AKAv");
}

static const char *evidence(const net_meta *m, const sip_view *v)
{
    const sip_msg *msg = sip_view_msg(v);
    for (size_t i = 0; i < sizeof ims_hdrs / sizeof *ims_hdrs; i++)
        if (sip_msg_hdr(msg, ims_hdrs[i].t))
            return ims_hdrs[i].why;
    if (m->flags & NET_F_ESP)
        return "SIP inside ESP";
    if (aka(msg->is_request ? sip_view_credentials(v, NULL) : sip_view_challenge(v, NULL)))
        return "Digest AKA";
    if (!msg->is_request && msg->status >= 200 && msg->status < 300 &&
        sip_view_method(v) == SIP_M_REGISTER && sip_msg_hdr(msg, SIP_HDR_SERVICE_ROUTE))
        return "Service-Route in a 2xx to REGISTER";
    return NULL;
}

void netctx_observe(netctx *c, const net_meta *m, const sip_view *v)
{
    if (c->pinned || c->ims)
        return;
    const char *why = evidence(m, v);
    if (why) {
        c->ims = true;
        c->why = why;
        c->why_frame = m->frame;
    }
}

const char *netctx_describe(const netctx *c, char *buf, size_t cap)
{
    int n;
    if (c->pinned)
        n = snprintf(buf, cap, "%s (site profile)", c->ims ? "IMS" : "plain SIP");
    else if (c->ims)
        n = snprintf(buf, cap, "IMS (%s in frame %llu)", c->why,
                     (unsigned long long)c->why_frame);
    else
        n = snprintf(buf, cap, "plain SIP (no IMS evidence: no Security-*, Digest AKA, 3GPP "
                               "P-headers, Service-Route or SIP inside ESP)");
    if (n < 0 && cap)
        buf[0] = '\0';
    return buf;
}
