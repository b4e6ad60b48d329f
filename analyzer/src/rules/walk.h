/* rules_walk: the JSON side of loading a rule/site file — strict parsing,
 * JSON paths for messages, and checks of the shapes every section uses.
 *
 * A file is walked twice with the same code: first with apply=false to
 * collect every error, then, only if there were none, with apply=true to
 * change the configuration. Checkers report through the walk's diag and
 * return false; they never stop the walk, so the user sees every problem
 * at once (Suricata detect-engine-loader.c keeps going the same way). */
#ifndef IMSEC_RULES_WALK_H
#define IMSEC_RULES_WALK_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "imsec/imsec.h"
#include "rules/diag.h"

#define RULES_MAX_LIST 65536   /* entries in one JSON array */
#define RULES_PATH_MAX 192     /* a JSON path in a message ("rules.ID.param[3]") */
/* Files larger than this are refused (a rule or key file is small). */
#define RULES_MAX_FILE (16u << 20)

typedef struct {
    rules_diag *d;
    bool apply;   /* second pass: the file is valid, change the configuration */
    bool nomem;
} rules_walk;

/* "parent.key" (key escaped) or "key" without parent; truncated paths still name the place. */
void rules_walk_path_key(char *dst, size_t cap, const char *parent, const char *key);
void rules_walk_path_idx(char *dst, size_t cap, const char *parent, size_t i);
/* "a string", "an integer", ... for "expected X, got Y" messages. */
const char *rules_walk_type_name(json_object *o);
/* Parses buf as strict JSON (RFC 8259: no comments, no trailing bytes);
 * NULL after reporting "line N: JSON syntax error: ...". */
json_object *rules_walk_parse_json(const char *buf, size_t len, rules_diag *d);

/* o is an array of at most RULES_MAX_LIST entries; what names the expected shape. */
bool rules_walk_array(rules_walk *w, json_object *o, const char *path, const char *what);
/* o is a string: s and n borrow it (may hold NUL bytes). */
bool rules_walk_string(rules_walk *w, json_object *o, const char *path, const char **s, size_t *n);
bool rules_walk_severity(rules_walk *w, json_object *o, const char *path, imsec_severity *out);
/* A DNS name: letters, digits, '-', '_', dots between labels. */
bool rules_walk_domain_ok(const char *s, size_t n);
/* NUL-terminated heap copy of n bytes; NULL (and w->nomem) when out of memory. */
char *rules_walk_dup(rules_walk *w, const char *s, size_t n);

#endif
