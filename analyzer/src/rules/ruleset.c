#include "rules/ruleset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool rules_ruleset_find(const rules_ruleset *rs, const char *id, size_t len, size_t *idx)
{
    for (size_t i = 0; id && i < rs->n; i++)
        if (strlen(rs->defs[i]->id) == len && memcmp(rs->defs[i]->id, id, len) == 0) {
            if (idx)
                *idx = i;
            return true;
        }
    return false;
}

const rules_value *rules_ruleset_value(const rules_ruleset *rs, const char *rule, const char *name,
                                       rules_ptype type)
{
    size_t ri, pi;
    if (!rule || !rules_ruleset_find(rs, rule, strlen(rule), &ri))
        return NULL;
    const rules_param_def *def = rules_def_param(rs->defs[ri], name, &pi);
    return def && def->type == type ? &rs->set[ri].vals[pi] : NULL;
}

void rules_ruleset_fini(rules_ruleset *rs)
{
    for (size_t i = 0; rs->set && i < rs->n; i++) {
        for (size_t j = 0; rs->set[i].vals && j < rs->defs[i]->nparams; j++)
            rules_value_free(&rs->set[i].vals[j]);
        free(rs->set[i].vals);
    }
    free(rs->set);
    free(rs->defs);
    memset(rs, 0, sizeof *rs);
}

/* The table's own consistency: what a file could not fix. */
static bool check_def(const rules_ruleset *rs, size_t i, rules_diag *d)
{
    const rules_def *e = rs->defs[i];
    char p[RULES_PATH_MAX];
    rules_walk_path_key(p, sizeof p, "rules", e->id ? e->id : "");
    unsigned before = d->count;
    if (!e->id || !e->id[0] || !e->title || !e->category || !e->sid ||
        (unsigned)e->sev > IMSEC_SEV_CRITICAL)
        rules_diag_add(d, p, "incomplete definition (id, sid, title, category, severity)");
    for (size_t j = 0; j < i; j++) {
        if (e->id && strcmp(rs->defs[j]->id, e->id) == 0)
            rules_diag_add(d, p, "rule id defined twice");
        if (rs->defs[j]->sid == e->sid)
            rules_diag_add(d, p, "sid %u already used by %s", e->sid, rs->defs[j]->id);
    }
    for (size_t k = 0; k < e->nparams; k++) {
        const rules_param_def *pd = &e->params[k];
        if (!pd->name || !pd->def || strcmp(pd->name, "enabled") == 0 ||
            strcmp(pd->name, "severity") == 0 || (pd->type == RULES_P_INT && pd->min > pd->max)) {
            rules_diag_add(d, p, "parameter %zu: bad definition", k);
            continue;
        }
        for (size_t m = 0; m < k; m++)
            if (strcmp(e->params[m].name, pd->name) == 0)
                rules_diag_add(d, p, "parameter \"%s\" defined twice", pd->name);
    }
    return d->count == before;
}

/* A parameter's default, parsed against its own schema. */
static bool apply_default(rules_walk *w, const rules_def *e, size_t k, rules_value *out)
{
    const rules_param_def *pd = &e->params[k];
    char p[RULES_PATH_MAX], q[RULES_PATH_MAX];
    rules_walk_path_key(q, sizeof q, "rules", e->id);
    rules_walk_path_key(p, sizeof p, q, pd->name);
    json_object *o = json_tokener_parse(pd->def);
    if (!o && strcmp(pd->def, "null") != 0) {
        rules_diag_add(w->d, p, "default is not JSON");
        return false;
    }
    bool ok = rules_value_parse(w, pd, o, p, out);
    json_object_put(o);
    return ok;
}

bool rules_ruleset_init(rules_ruleset *rs, const rules_def *const *defs, size_t n, rules_diag *d)
{
    memset(rs, 0, sizeof *rs);
    rules_walk w = {.d = d, .apply = true};
    rs->defs = calloc(n ? n : 1, sizeof *rs->defs);
    rs->set = calloc(n ? n : 1, sizeof *rs->set);
    if (!rs->defs || !rs->set)
        goto nomem;
    /* sid order: the order of `imsec rules list` and of dumps (insertion
     * sort: a table is a few dozen rules, checked once at start). */
    for (size_t i = 0; i < n; i++) {
        size_t k = i;
        while (k > 0 && rs->defs[k - 1]->sid > defs[i]->sid) {
            rs->defs[k] = rs->defs[k - 1];
            k--;
        }
        rs->defs[k] = defs[i];
    }
    rs->n = n;
    for (size_t i = 0; i < n; i++) {
        const rules_def *e = rs->defs[i];
        if (!check_def(rs, i, d))
            continue;
        rs->set[i].enabled = !e->off;
        rs->set[i].sev = e->sev;
        if (e->nparams && !(rs->set[i].vals = calloc(e->nparams, sizeof *rs->set[i].vals)))
            goto nomem;
        for (size_t k = 0; k < e->nparams; k++)
            if (!apply_default(&w, e, k, &rs->set[i].vals[k]) && w.nomem)
                goto nomem;
    }
    return d->count == 0;
nomem:
    rules_diag_add(d, NULL, "out of memory");
    return false;
}

static void walk_rule(rules_walk *w, const rules_def *e, rules_setting *st, json_object *o,
                      const char *path)
{
    if (!json_object_is_type(o, json_type_object)) {
        rules_diag_add(w->d, path, "expected an object, got %s", rules_walk_type_name(o));
        return;
    }
    json_object_object_foreach(o, key, val)
    {
        char p[RULES_PATH_MAX];
        rules_walk_path_key(p, sizeof p, path, key);
        if (strcmp(key, "enabled") == 0) {
            if (!json_object_is_type(val, json_type_boolean))
                rules_diag_add(w->d, p, "expected true or false, got %s",
                               rules_walk_type_name(val));
            else if (w->apply)
                st->enabled = json_object_get_boolean(val);
        } else if (strcmp(key, "severity") == 0) {
            imsec_severity sev;
            if (rules_walk_severity(w, val, p, &sev) && w->apply)
                st->sev = sev;
        } else {
            size_t pi;
            const rules_param_def *def = rules_def_param(e, key, &pi);
            if (!def) {
                char names[160] = "enabled, severity";
                size_t used = strlen(names);
                for (size_t i = 0; i < e->nparams && used < sizeof names; i++) {
                    int r = snprintf(names + used, sizeof names - used, ", %s", e->params[i].name);
                    if (r < 0)
                        break;
                    used += (size_t)r;
                }
                rules_diag_add(w->d, p, "unknown key (expected %s)", names);
                continue;
            }
            rules_value v;
            if (!rules_value_parse(w, def, val, p, &v))
                continue;
            if (w->apply) {
                rules_value_free(&st->vals[pi]);
                st->vals[pi] = v;
            } else {
                rules_value_free(&v);
            }
        }
    }
}

void rules_ruleset_walk(rules_walk *w, json_object *o, rules_ruleset *rs)
{
    if (!json_object_is_type(o, json_type_object)) {
        rules_diag_add(w->d, "rules", "expected an object, got %s", rules_walk_type_name(o));
        return;
    }
    json_object_object_foreach(o, key, val)
    {
        char p[RULES_PATH_MAX];
        size_t idx;
        rules_walk_path_key(p, sizeof p, "rules", key);
        if (!rules_ruleset_find(rs, key, strlen(key), &idx)) {
            rules_diag_add(w->d, p, "unknown rule id");
            continue;
        }
        walk_rule(w, rs->defs[idx], &rs->set[idx], val, p);
    }
}

json_object *rules_ruleset_dump(const rules_ruleset *rs)
{
    json_object *rules = json_object_new_object();
    for (size_t i = 0; rules && i < rs->n; i++) {
        const rules_def *e = rs->defs[i];
        json_object *r = json_object_new_object();
        json_object_object_add(r, "enabled", json_object_new_boolean(rs->set[i].enabled));
        json_object_object_add(r, "severity",
                               json_object_new_string(imsec_severity_str(rs->set[i].sev)));
        for (size_t j = 0; r && j < e->nparams; j++)
            json_object_object_add(r, e->params[j].name,
                                   rules_value_dump(&e->params[j], &rs->set[i].vals[j]));
        json_object_object_add(rules, e->id, r);
    }
    return rules;
}
