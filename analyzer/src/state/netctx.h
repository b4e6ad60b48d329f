/* netctx: what kind of network a capture shows, decided from evidence
 * (issue 13: "rules declare the context they need, and the engine decides
 * it from evidence").
 *
 * Many rules only mean something in an IMS core: a digest username outside
 * REGISTER is ordinary RFC 3261 authentication on a plain SIP trunk, while
 * in IMS it is a private identity (IMPI) that must stay on the registration
 * (TS 33.203 §6.1). The capture is IMS when the site profile says so
 * (site.network "ims") or when a message shows what only 3GPP networks send:
 * sec-agree headers (RFC 3329, TS 33.203 §7.1), Digest AKA (RFC 3310), the
 * 3GPP P-headers of RFC 7315 (P-Associated-URI, P-Charging-Vector,
 * P-Charging-Function-Addresses, P-Access-Network-Info, P-Visited-Network-ID,
 * P-Called-Party-ID), Service-Route in a 2xx to REGISTER (RFC 3608, the
 * S-CSCF's route), or SIP carried inside ESP. P-Asserted-Identity and Path
 * alone are not evidence: plain SIP carriers and edge proxies use them.
 *
 * The decision is latched on the first evidence and is per capture (a
 * capture with several segments is decided as one). The first evidence is
 * kept so the summary can say why. */
#ifndef IMSEC_STATE_NETCTX_H
#define IMSEC_STATE_NETCTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/net.h"
#include "rules/config.h"
#include "sip/sip_view.h"

typedef struct {
    bool pinned;          /* the site profile decides */
    bool ims;             /* IMS evidence seen (or pinned "ims") */
    const char *why;      /* first evidence, static text */
    uint64_t why_frame;
} netctx;

void netctx_init(netctx *c, const rules_site *site);
/* Looks for IMS evidence in one message (no-op once decided or pinned). */
void netctx_observe(netctx *c, const net_meta *m, const sip_view *v);
static inline bool netctx_ims(const netctx *c) { return c->ims; }
/* "IMS (Security-Client in frame 3)", "plain SIP (site profile)", ... */
const char *netctx_describe(const netctx *c, char *buf, size_t cap);

#endif
