#include "rules/rule_def.h"

#include <string.h>

static const char *const ptype_names[RULES_P__COUNT] = {
    [RULES_P_INT] = "int",           [RULES_P_BOOL] = "bool",
    [RULES_P_STRING] = "string",     [RULES_P_STRLIST] = "string list",
    [RULES_P_PREFIXLIST] = "prefix list", [RULES_P_SEVMAP] = "severity map",
};

const char *rules_ptype_str(rules_ptype t)
{
    return (unsigned)t < RULES_P__COUNT ? ptype_names[t] : "?";
}

const rules_param_def *rules_def_param(const rules_def *d, const char *name, size_t idx[1])
{
    for (size_t i = 0; d && name && i < d->nparams; i++)
        if (strcmp(d->params[i].name, name) == 0) {
            if (idx)
                *idx = i;
            return &d->params[i];
        }
    return NULL;
}
