/* The rule catalogue. Keep entries grouped by family, sids ascending. */
#include "rules/catalog.h"

#include <string.h>

#define PARAMS(...)                                                              \
    .params = (const rules_param_def[]){__VA_ARGS__},                            \
    .nparams = sizeof((const rules_param_def[]){__VA_ARGS__}) / sizeof(rules_param_def)
#define NO_PARAMS .params = NULL, .nparams = 0

static const rules_catalog_entry catalog[] = {
    /* KEY: authentication, security agreement, key setup (TS 33.203) */
    { .id = "KEY-UNPROTECTED-AFTER-SA", .sid = 1001,
      .title = "SIP sent outside the established SAs",
      .category = "ims-key-setup", .sev = IMSEC_SEV_HIGH, NO_PARAMS },
    { .id = "KEY-SECAGREE-DOWNGRADE", .sid = 1002,
      .title = "security agreement bid down or Security-Verify mismatch",
      .category = "ims-key-setup", .sev = IMSEC_SEV_CRITICAL, NO_PARAMS },
    { .id = "KEY-SECAGREE-MISSING", .sid = 1003,
      .title = "IMS AKA without the security agreement headers",
      .category = "ims-key-setup", .sev = IMSEC_SEV_MEDIUM, NO_PARAMS },
    { .id = "KEY-WEAK-ALGORITHM", .sid = 1004,
      .title = "SA agreed with a weak or null algorithm",
      .category = "ims-key-setup", .sev = IMSEC_SEV_MEDIUM,
      PARAMS({ .name = "severities", .type = RULES_P_SEVMAP,
               .doc = "severity per weak alg/ealg token (tokens not listed are not weak)",
               .def = "{\"null\":\"info\",\"hmac-md5-96\":\"medium\",\"des-ede3-cbc\":\"medium\"}" }) },
    { .id = "KEY-CK-IK-EXPOSED", .sid = 1005,
      .title = "CK/IK carried in clear where they must not be",
      .category = "ims-key-setup", .sev = IMSEC_SEV_CRITICAL, NO_PARAMS },
    { .id = "KEY-INTEGRITY-FLAG-SPOOF", .sid = 1006,
      .title = "integrity-protected set by the UE or set falsely",
      .category = "ims-key-setup", .sev = IMSEC_SEV_HIGH, NO_PARAMS },
    { .id = "KEY-REGISTER-UNAUTHENTICATED", .sid = 1007,
      .title = "registration accepted without authentication",
      .category = "ims-key-setup", .sev = IMSEC_SEV_HIGH, NO_PARAMS },
    { .id = "KEY-AKA-RAND-REUSE", .sid = 1008,
      .title = "AKA RAND challenged more than once",
      .category = "ims-key-setup", .sev = IMSEC_SEV_HIGH, NO_PARAMS },
    { .id = "KEY-AKA-RESPONSE-INVALID", .sid = 1009,
      .title = "AKA digest response does not match RES",
      .category = "ims-key-setup", .sev = IMSEC_SEV_HIGH, NO_PARAMS },
    { .id = "KEY-AKA-SYNC-STORM", .sid = 1010,
      .title = "burst of AKA synchronisation failures",
      .category = "ims-key-setup", .sev = IMSEC_SEV_MEDIUM,
      PARAMS({ .name = "max", .type = RULES_P_INT, .min = 1, .max = 1000,
               .doc = "synchronisation failures allowed within the window", .def = "3" },
             { .name = "window", .type = RULES_P_INT, .min = 1, .max = 86400,
               .doc = "window in seconds of packet time", .def = "60" }) },
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
