/* rules_config: the effective rule settings, site profile and keys behind
 * the public imsec_config_* API.
 *
 * imsec_config_new loads the embedded rules/default.json; each
 * imsec_config_load_rules layers one file over it key by key: a rule's
 * "enabled", "severity" and each parameter override separately, a site key
 * replaces that one list. A file is validated completely before anything is
 * applied, so a file with errors changes nothing, and every error is
 * reported ("FILE: JSON.PATH: problem", one per line; Suricata
 * detect-engine-loader.c keeps going the same way).
 *
 * Accessors below are for the detect and state layers. Rule ids and
 * parameter names are programmer input (from the catalogue), not file input:
 * asking for an unknown one is a bug, answered with a neutral value
 * (disabled, INFO, 0, empty list) and caught by IMSEC_ASSERT-style tests. */
#ifndef IMSEC_RULES_CONFIG_H
#define IMSEC_RULES_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imsec/imsec.h"
#include "rules/catalog.h"
#include "rules/prefix.h"
#include "rules/keys.h"

typedef struct {
    char **v;
    size_t n;
} rules_strlist;

typedef struct {
    rules_prefix *v;
    size_t n;
} rules_prefixlist;

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

/* Site profile (interface.md "Rule and site files"). Empty lists mean
 * "infer from the traffic". */
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

const rules_site *rules_config_site(const imsec_config *c);
/* True if a->b or b->a is declared protected below SIP (NDS/IP). */
bool rules_site_link_protected(const rules_site *s, const imsec_addr *a, const imsec_addr *b);
/* Case-insensitive; a domain matches itself and its subdomains. */
bool rules_site_home_domain(const rules_site *s, const char *dom, size_t len);

/* ---- per-rule settings ---- */
bool rules_rule_enabled(const imsec_config *c, const char *id);
imsec_severity rules_rule_sev(const imsec_config *c, const char *id);
int64_t rules_param_int(const imsec_config *c, const char *rule, const char *name);
bool rules_param_bool(const imsec_config *c, const char *rule, const char *name);
/* Borrowed, valid while c is; "" if unset. */
const char *rules_param_string(const imsec_config *c, const char *rule, const char *name);
const rules_strlist *rules_param_strlist(const imsec_config *c, const char *rule, const char *name);
const rules_prefixlist *rules_param_prefixlist(const imsec_config *c, const char *rule,
                                               const char *name);
/* Severity-map parameter lookup; false if the key is not in the map. */
bool rules_param_sevmap(const imsec_config *c, const char *rule, const char *name,
                        const char *key, imsec_severity *out);

/* ---- keys ---- */
/* Subscribers and SAs from every --keys file, in load order (a later entry
 * with the same IMPI, or the same SPI/src/dst, replaced the earlier one). */
const keys_set *rules_config_keys(const imsec_config *c);

bool imsec_config_show_secrets(const imsec_config *c);

/* Redacts a secret for output: "ck=<redacted 32 hex>" unless show_secrets,
 * then "ck=<hex as given>". Non-hex bytes in val are escaped. Returns buf. */
const char *rules_redact_hex(const imsec_config *c, const char *label, const char *val, size_t len,
                             char *buf, size_t cap);

/* Internal (used by the fuzzers and tests): layer rules from memory.
 * name is used in error messages in place of a path. */
IMSEC_NODISCARD int imsec_config_load_rules_mem(imsec_config *c, const char *name,
                                                const void *buf, size_t len,
                                                char err[IMSEC_ERRBUF]);
IMSEC_NODISCARD int imsec_config_load_keys_mem(imsec_config *c, const char *name,
                                               const void *buf, size_t len,
                                               char err[IMSEC_ERRBUF]);

/* The same with a caller-sized error buffer (imsec rules check wants every
 * error, not the first IMSEC_ERRBUF bytes). */
IMSEC_NODISCARD int rules_load_rules_mem(imsec_config *c, const char *name, const void *buf,
                                         size_t len, char *err, size_t cap);
IMSEC_NODISCARD int rules_load_rules_file(imsec_config *c, const char *path, char *err, size_t cap);
IMSEC_NODISCARD int rules_load_keys_mem(imsec_config *c, const char *name, const void *buf,
                                        size_t len, char *err, size_t cap);
IMSEC_NODISCARD int rules_load_keys_file(imsec_config *c, const char *path, char *err, size_t cap);

/* Files larger than this are refused (a rule or key file is small). */
#define RULES_MAX_FILE (16u << 20)

#endif
