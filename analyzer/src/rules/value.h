/* rules_value: typed parameter values and the lists the site profile shares
 * with them, parsed from JSON against a rules_param_def, freed, and dumped
 * back to JSON. Values own their memory; a failed parse leaves nothing to
 * free. */
#ifndef IMSEC_RULES_VALUE_H
#define IMSEC_RULES_VALUE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imsec/imsec.h"
#include "rules/prefix.h"
#include "rules/rule_def.h"
#include "rules/walk.h"

typedef struct {
    char **v;
    size_t n;
} rules_strlist;

typedef struct {
    rules_prefix *v;
    size_t n;
} rules_prefixlist;

typedef struct {
    char **keys;
    imsec_severity *sev;
    size_t n;
} rules_sevmap;

/* One parameter's value; the member for its def's type is meaningful. */
typedef struct {
    bool set;
    int64_t i;
    bool b;
    char *s;
    rules_strlist sl;
    rules_prefixlist pl;
    rules_sevmap sm;
} rules_value;

void rules_value_strlist_free(rules_strlist *l);
void rules_value_prefixlist_free(rules_prefixlist *l);
void rules_value_free(rules_value *v);
/* ASCII lower-casing in place (domain names). */
void rules_value_lower(char *s);

/* An array of strings (domains: each a domain name, stored lower-cased). */
bool rules_value_strlist(rules_walk *w, json_object *o, const char *path, bool domains,
                         rules_strlist *out);
/* One "addr" or "addr/len" string. */
bool rules_value_prefix(rules_walk *w, json_object *o, const char *path, rules_prefix *out);
bool rules_value_prefixlist(rules_walk *w, json_object *o, const char *path,
                            rules_prefixlist *out);
/* o checked against def; out filled (and set) on success. */
bool rules_value_parse(rules_walk *w, const rules_param_def *def, json_object *o, const char *path,
                       rules_value *out);

json_object *rules_value_strlist_dump(const rules_strlist *l);
json_object *rules_value_prefixlist_dump(const rules_prefixlist *l);
json_object *rules_value_dump(const rules_param_def *def, const rules_value *v);

#endif
