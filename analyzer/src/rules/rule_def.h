/* rules_def: what a rule is — the schema half of a detector's table entry.
 *
 * Each detector's table entry (detect/<family>.c, detect_def) embeds one
 * rules_def: stable id, EVE signature id, title, category, default severity
 * and the parameter schema with each parameter's default. That entry is the
 * rule's single definition; nothing else lists rules.
 *
 * Layering: rules/ (config loading) sits below detect/, so it cannot include
 * the detector tables. This header holds only plain data types, and the
 * detect layer hands its table to the loader (rules_config_new, called by
 * imsec_config_new in detect/detect.c). The loader validates files against
 * whatever table it was given, which also lets unit tests load a made-up
 * table.
 *
 * sid families: KEY 1001.., HIDE 2001.., PRIV 3001.., MEDIA 3101..,
 * XFER 4001.., SESS 4101.., REG 4201.. Ids and sids never change meaning;
 * `imsec rules list` and dumps list rules in sid order. */
#ifndef IMSEC_RULES_RULE_DEF_H
#define IMSEC_RULES_RULE_DEF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imsec/imsec.h"

typedef enum {
    RULES_P_INT = 0,     /* JSON integer within [min, max] */
    RULES_P_BOOL,        /* JSON true/false */
    RULES_P_STRING,      /* JSON string */
    RULES_P_STRLIST,     /* array of strings */
    RULES_P_PREFIXLIST,  /* array of "addr" or "addr/len" */
    RULES_P_SEVMAP,      /* object: name -> "info".."critical" */
    RULES_P__COUNT
} rules_ptype;

/* "int", "bool", "string", "string list", "prefix list", "severity map". */
const char *rules_ptype_str(rules_ptype t);

typedef struct {
    const char *name;
    rules_ptype type;
    int64_t min, max;   /* RULES_P_INT only */
    const char *doc;    /* one line, for `imsec rules list -v` */
    const char *def;    /* the default, as JSON text: authoritative (checked against the schema) */
} rules_param_def;

typedef struct {
    const char *id;        /* stable rule id, e.g. "SESS-PARALLEL-LIMIT" */
    uint32_t sid;          /* EVE alert.signature_id */
    const char *title;     /* one line, no id */
    const char *category;  /* "ims-key-setup", "ims-session", ... */
    imsec_severity sev;    /* default severity */
    bool off;              /* disabled unless a rule file enables it */
    const rules_param_def *params;
    size_t nparams;
} rules_def;

/* In a rules_def initializer: .params and .nparams from one list. */
#define RULES_PARAMS(...)                                                        \
    .params = (const rules_param_def[]){__VA_ARGS__},                            \
    .nparams = sizeof((const rules_param_def[]){__VA_ARGS__}) / sizeof(rules_param_def)

/* Parameter by name (exact); NULL if the rule has none. idx (optional) gets its index. */
const rules_param_def *rules_def_param(const rules_def *d, const char *name, size_t idx[1]);

#endif
