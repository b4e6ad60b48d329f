/* rules_config: the effective rule settings, site profile and keys behind
 * the public imsec_config_* API.
 *
 * imsec_config_new starts from the rule table's defaults (rules/default.json
 * is the same, as a file: a unit test keeps them equal); each
 * imsec_config_load_rules layers one file over it key by key: a rule's
 * "enabled", "severity" and each parameter override separately, a site key
 * replaces that one list. A file is validated completely before anything is
 * applied, so a file with errors changes nothing, and every error is
 * reported ("FILE: JSON.PATH: problem", one per line; Suricata
 * detect-engine-loader.c keeps going the same way).
 *
 * Accessors below are for the detect and state layers. Rule ids and
 * parameter names are programmer input (from the rule table), not file input:
 * asking for an unknown one is a bug, answered with a neutral value
 * (disabled, INFO, 0, empty list) and caught by IMSEC_ASSERT-style tests. */
#ifndef IMSEC_RULES_CONFIG_H
#define IMSEC_RULES_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imsec/imsec.h"
#include "rules/keys.h"
#include "rules/prefix.h"
#include "rules/rule_def.h"
#include "rules/site.h"
#include "rules/value.h"

/* A configuration for the rule table defs[0..n) (borrowed: static tables
 * that outlive it), with every rule at its table defaults and an empty site
 * profile. The detect layer calls it with its registry (imsec_config_new in
 * detect/detect.c); tests may pass a table of their own. NULL with err
 * filled if the table is inconsistent or memory runs out. */
imsec_config *rules_config_new(const rules_def *const *defs, size_t n, char *err, size_t cap);
/* Rule i of the table, in sid order (the order of imsec_config_rule_at); NULL past the end. */
const rules_def *rules_config_def_at(const imsec_config *c, size_t i);
/* Index of rule id (exact) in that order; false if the table has no such rule. */
bool rules_config_find(const imsec_config *c, const char *id, size_t idx[1]);

const rules_site *rules_config_site(const imsec_config *c);

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

#endif
