/* boundary: which addresses and hosts belong to the home network, and so
 * which SIP hops cross its boundary (detections.md "Terms").
 *
 * From the site profile when it names internal_prefixes or home_domains
 * (interface.md "Rule and site files"); otherwise inferred from the traffic:
 * the domain in the Request-URI of REGISTER is the home domain, and the
 * addresses that answer REGISTER (registrar, TS 24.229 §5.4.1) or insert a
 * Record-Route naming themselves (proxies, RFC 3261 §16.6 step 4) act as
 * home CSCFs. What was inferred is available as text so a user can pin it
 * in a site file. Bounded: at most BND_MAX_INFERRED addresses/domains. */
#ifndef IMSEC_STATE_BOUNDARY_H
#define IMSEC_STATE_BOUNDARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/imsec_str.h"
#include "imsec/imsec.h"
#include "net/net.h"
#include "rules/config.h"
#include "sip/sip_msg.h"
#include "sip/sip_view.h"

#define BND_MAX_INFERRED 16
#define BND_MAX_DOMAIN 128

typedef enum {
    BND_INTERNAL = 0, /* both ends home (or nothing known) */
    BND_OUT,          /* home -> outside: the hop leaves the home network */
    BND_IN,           /* outside -> home */
    BND_EXTERNAL,     /* neither end home */
} bnd_dir;

typedef struct bnd_ctx bnd_ctx;

bnd_ctx *bnd_new(const rules_site *site, const uint8_t hkey[16]);
void bnd_free(bnd_ctx *b);
/* Inference from one message (no-op when the site profile pins the home
 * network). */
void bnd_observe(bnd_ctx *b, const net_meta *m, const sip_view *v);
/* True when the home network is known (pinned or inferred). */
bool bnd_known(const bnd_ctx *b);
bool bnd_inferred(const bnd_ctx *b);
bool bnd_addr_home(const bnd_ctx *b, const imsec_addr *a);
bool bnd_addr_ue(const bnd_ctx *b, const imsec_addr *a);
bool bnd_addr_trusted(const bnd_ctx *b, const imsec_addr *a);
bool bnd_addr_anchor(const bnd_ctx *b, const imsec_addr *a);
bool bnd_has_anchors(const bnd_ctx *b);
/* A host from a header (IP literal or domain name) that belongs to home. */
bool bnd_host_home(const bnd_ctx *b, imsec_str host);
/* Direction of the hop m travels; a destination in trusted_peers counts as
 * home (RFC 3325 §2 trust domain). */
bnd_dir bnd_direction(const bnd_ctx *b, const net_meta *m);
/* Role of an address for labels: "UE", "P-CSCF", "S-CSCF", "peer", or ""
 * when nothing is known. Borrowed static string. */
const char *bnd_role(const bnd_ctx *b, const imsec_addr *a);
/* "inferred: domains home1.net; cscf 10.1.0.2 10.1.0.3" or "site profile";
 * returns buf. */
const char *bnd_describe(const bnd_ctx *b, char *buf, size_t cap);

#endif
