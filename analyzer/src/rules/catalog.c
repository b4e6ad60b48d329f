/* The rule catalogue. Keep entries grouped by family, sids ascending. */
#include "rules/catalog.h"

#include <string.h>

#define PARAMS(...)                                                              \
    .params = (const rules_param_def[]){__VA_ARGS__},                            \
    .nparams = sizeof((const rules_param_def[]){__VA_ARGS__}) / sizeof(rules_param_def)
#define NO_PARAMS .params = NULL, .nparams = 0

static const rules_catalog_entry catalog[] = {
    /* KEY: authentication, security agreement, key setup (TS 33.203) */
    { .id = "KEY-IMPI-OUTSIDE-REGISTER", .sid = 1011,
      .title = "private identity used in a request other than REGISTER",
      .category = "ims-key-setup", .sev = IMSEC_SEV_LOW, NO_PARAMS },

    /* SESS: sessions per terminal */
    { .id = "SESS-PARALLEL-LIMIT", .sid = 4101,
      .title = "terminal has more sessions alive at once than allowed",
      .category = "ims-session", .sev = IMSEC_SEV_MEDIUM,
      PARAMS({ .name = "max", .type = RULES_P_INT, .min = 1, .max = 100000,
               .doc = "sessions one terminal may have alive at once", .def = "4" }) },
};

static const char *const ptype_names[RULES_P__COUNT] = {
    [RULES_P_INT] = "int",           [RULES_P_BOOL] = "bool",
    [RULES_P_STRING] = "string",     [RULES_P_STRLIST] = "string list",
    [RULES_P_PREFIXLIST] = "prefix list", [RULES_P_SEVMAP] = "severity map",
};

const char *rules_ptype_str(rules_ptype t)
{
    return (unsigned)t < RULES_P__COUNT ? ptype_names[t] : "?";
}

size_t rules_catalog_count(void) { return sizeof catalog / sizeof *catalog; }

const rules_catalog_entry *rules_catalog_at(size_t i)
{
    return i < rules_catalog_count() ? &catalog[i] : NULL;
}

const rules_catalog_entry *rules_catalog_find_n(const char *id, size_t len, size_t idx[1])
{
    for (size_t i = 0; id && i < rules_catalog_count(); i++)
        if (strlen(catalog[i].id) == len && memcmp(catalog[i].id, id, len) == 0) {
            if (idx)
                *idx = i;
            return &catalog[i];
        }
    return NULL;
}

const rules_catalog_entry *rules_catalog_find(const char *id, size_t idx[1])
{
    return id ? rules_catalog_find_n(id, strlen(id), idx) : NULL;
}

const rules_param_def *rules_catalog_param(const rules_catalog_entry *e, const char *name,
                                           size_t idx[1])
{
    for (size_t i = 0; e && name && i < e->nparams; i++)
        if (strcmp(e->params[i].name, name) == 0) {
            if (idx)
                *idx = i;
            return &e->params[i];
        }
    return NULL;
}
