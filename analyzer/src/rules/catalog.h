/* rules_catalog: the const table of every rule imsec ships.
 *
 * One entry per rule id (detections.md): EVE signature id, one-line title,
 * category, default severity and the parameter schema against which rule
 * files are validated at load time (style.md §2.6). Detectors bind to an
 * entry by id; nothing else switches on rule ids. Adding a rule is one entry
 * here plus its block in rules/default.json (the loader refuses a default
 * that misses a rule or a parameter, so the two cannot drift apart).
 *
 * sid families: KEY 1001.., HIDE 2001.., PRIV 3001.., MEDIA 3101..,
 * XFER 4001.., SESS 4101.., REG 4201.., SIP 5001.. Ids and sids never
 * change meaning. */
#ifndef IMSEC_RULES_CATALOG_H
#define IMSEC_RULES_CATALOG_H

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
    const char *def;    /* documented default as JSON text; default.json is authoritative */
} rules_param_def;

typedef struct {
    const char *id;        /* stable rule id, e.g. "SESS-PARALLEL-LIMIT" */
    uint32_t sid;          /* EVE alert.signature_id */
    const char *title;     /* one line, no id */
    const char *category;  /* "ims-key-setup", "ims-session", ... */
    imsec_severity sev;    /* documented default severity */
    const rules_param_def *params;
    size_t nparams;
} rules_catalog_entry;

size_t rules_catalog_count(void);
/* Entry i in catalogue order (the order of `imsec rules list` and of dumps); NULL past the end. */
const rules_catalog_entry *rules_catalog_at(size_t i);
/* Entry by id (exact, case-sensitive); NULL if unknown. idx (optional) gets its index. */
const rules_catalog_entry *rules_catalog_find(const char *id, size_t idx[1]);
/* Same for a counted id (bytes from a rule file may hold NUL). */
const rules_catalog_entry *rules_catalog_find_n(const char *id, size_t len, size_t idx[1]);
/* Parameter by name within an entry; NULL if the rule has none of that name. */
const rules_param_def *rules_catalog_param(const rules_catalog_entry *e, const char *name, size_t idx[1]);

#endif
