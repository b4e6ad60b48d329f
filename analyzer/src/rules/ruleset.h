/* rules_ruleset: the effective settings of every rule — enabled, severity
 * and parameter values — for the rule table the configuration was made
 * from (rule_def.h). Defaults come from the table itself; a file's "rules"
 * object overrides key by key ("enabled", "severity", each parameter). */
#ifndef IMSEC_RULES_RULESET_H
#define IMSEC_RULES_RULESET_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "imsec/imsec.h"
#include "rules/diag.h"
#include "rules/rule_def.h"
#include "rules/value.h"
#include "rules/walk.h"

typedef struct {
    bool enabled;
    imsec_severity sev;
    rules_value *vals;   /* one per parameter of the def */
} rules_setting;

typedef struct {
    const rules_def **defs;  /* sid order; the defs are borrowed (static tables) */
    rules_setting *set;      /* same order */
    size_t n;
} rules_ruleset;

/* Takes the table defs[0..n) (any order): checks it (ids and sids unique,
 * parameter names unique and not "enabled"/"severity", every default valid
 * against its own schema) and applies the defaults. Table errors are
 * programmer errors, reported under "rules.ID..." like file errors.
 * False on any error (rs then holds nothing to free beyond fini). */
bool rules_ruleset_init(rules_ruleset *rs, const rules_def *const *defs, size_t n, rules_diag *d);
void rules_ruleset_fini(rules_ruleset *rs);
/* The "rules" object of a file: checked, and applied when w->apply. */
void rules_ruleset_walk(rules_walk *w, json_object *o, rules_ruleset *rs);
/* {"ID": {"enabled":..,"severity":..,params...}, ...} in sid order. */
json_object *rules_ruleset_dump(const rules_ruleset *rs);
/* Index of the rule with this id (exact, counted); false if unknown. */
bool rules_ruleset_find(const rules_ruleset *rs, const char *id, size_t len, size_t *idx);
/* The value of rule's parameter name if it has that type; NULL otherwise. */
const rules_value *rules_ruleset_value(const rules_ruleset *rs, const char *rule, const char *name,
                                       rules_ptype type);

#endif
