/* rules_site: the site profile of a rule file ("site": home domains,
 * internal and UE prefixes, trusted peers, media anchors, protected links;
 * interface.md "Rule and site files"). Empty lists mean "infer from the
 * traffic". Each key a file names replaces that one list. */
#ifndef IMSEC_RULES_SITE_H
#define IMSEC_RULES_SITE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "imsec/imsec.h"
#include "rules/prefix.h"
#include "rules/value.h"
#include "rules/walk.h"

/* trusted_peers entries are addresses/prefixes or domain names. */
typedef struct {
    rules_prefixlist prefixes;
    rules_strlist domains;  /* lower-cased */
} rules_peers;

typedef struct {
    rules_prefix a, b;
} rules_link;

/* What the site says its network is (site.network): "auto" decides from
 * the traffic (state/netctx), "ims" and "sip" pin it. */
typedef enum { RULES_NET_AUTO = 0, RULES_NET_IMS, RULES_NET_SIP } rules_network;

typedef struct {
    rules_network network;
    rules_strlist home_domains;     /* lower-cased */
    rules_prefixlist internal_prefixes;
    rules_prefixlist ue_prefixes;
    rules_peers trusted_peers;
    rules_prefixlist media_anchors;
    rules_link *protected_links;
    size_t nprotected_links;
} rules_site;

void rules_site_free(rules_site *s);
/* The "site" object of a file: checked, and applied to s when w->apply. */
void rules_site_walk(rules_walk *w, json_object *o, rules_site *s);
/* Every key, in file order (the dump reloads to itself). */
json_object *rules_site_dump(const rules_site *s);

/* True if a->b or b->a is declared protected below SIP (NDS/IP). */
bool rules_site_link_protected(const rules_site *s, const imsec_addr *a, const imsec_addr *b);
/* Case-insensitive; a domain matches itself and its subdomains. */
bool rules_site_home_domain(const rules_site *s, const char *dom, size_t len);

#endif
