/* Rule/site configuration: the aggregate behind the public imsec_config_*
 * API — per-rule settings (ruleset), site profile (site) and keys (keys) —
 * plus file loading and the accessors the detect and state layers use.
 *
 * A file is validated completely before anything is applied (two walks,
 * rules/walk.h), so a bad --rules file never leaves a half applied
 * configuration behind, and the user sees all problems at once. */
#include "rules/config.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/imsec_str.h"
#include "rules/diag.h"
#include "rules/file.h"
#include "rules/ruleset.h"
#include "rules/walk.h"

struct imsec_config {
    rules_ruleset rules;
    rules_site site;
    keys_set keys;
    bool show_secrets;
};

static void walk_root(rules_walk *w, imsec_config *c, json_object *root)
{
    if (!json_object_is_type(root, json_type_object)) {
        rules_diag_add(w->d, NULL, "expected a JSON object at the top level, got %s",
                       rules_walk_type_name(root));
        return;
    }
    json_object *ver = NULL;
    if (!json_object_object_get_ex(root, "version", &ver)) {
        rules_diag_add(w->d, "version", "missing (expected 1)");
    } else if (!json_object_is_type(ver, json_type_int)) {
        rules_diag_add(w->d, "version", "expected an integer, got %s", rules_walk_type_name(ver));
    } else if (json_object_get_int64(ver) != 1) {
        rules_diag_add(w->d, "version", "unsupported version %lld (expected 1)",
                       (long long)json_object_get_int64(ver));
    }
    json_object_object_foreach(root, key, val)
    {
        if (strcmp(key, "version") == 0)
            continue;
        if (strcmp(key, "site") == 0) {
            rules_site_walk(w, val, &c->site);
        } else if (strcmp(key, "rules") == 0) {
            rules_ruleset_walk(w, val, &c->rules);
        } else {
            char p[RULES_PATH_MAX];
            rules_walk_path_key(p, sizeof p, NULL, key);
            rules_diag_add(w->d, p, "unknown key (expected version, site, rules)");
        }
    }
}

static int load_rules_buf(imsec_config *c, const char *name, const void *buf, size_t len,
                          rules_diag *d)
{
    json_object *root = rules_walk_parse_json(buf, len, d);
    if (!root)
        return IMSEC_E_CONFIG;
    rules_walk w = {.d = d, .apply = false};
    walk_root(&w, c, root);
    if (d->count == 0 && !w.nomem) {
        w.apply = true;
        walk_root(&w, c, root);
    }
    json_object_put(root);
    (void)name;
    if (w.nomem) {
        rules_diag_add(d, NULL, "out of memory");
        return IMSEC_E_NOMEM;
    }
    return d->count ? IMSEC_E_CONFIG : IMSEC_OK;
}

int rules_load_rules_mem(imsec_config *c, const char *name, const void *buf, size_t len,
                         char *err, size_t cap)
{
    rules_diag d;
    rules_diag_init(&d, err, cap, name);
    int rc = c ? load_rules_buf(c, name, buf, len, &d) : IMSEC_E_CONFIG;
    rules_diag_finish(&d);
    return rc;
}

int imsec_config_load_rules_mem(imsec_config *c, const char *name, const void *buf, size_t len,
                                char err[IMSEC_ERRBUF])
{
    return rules_load_rules_mem(c, name, buf, len, err, IMSEC_ERRBUF);
}

static int load_file(imsec_config *c, const char *path, char *err, size_t cap, bool keys)
{
    rules_diag d;
    rules_diag_init(&d, err, cap, path);
    size_t len;
    uint8_t *buf = c && path ? rules_file_read(path, &len, &d) : NULL;
    int rc = IMSEC_E_IO;
    if (buf) {
        rc = keys ? keys_load_mem(&c->keys, path, buf, len, &d)
                  : load_rules_buf(c, path, buf, len, &d);
        explicit_bzero(buf, len);
        free(buf);
    } else if (!c || !path) {
        rules_diag_add(&d, NULL, "no configuration or path");
        rc = IMSEC_E_CONFIG;
    }
    rules_diag_finish(&d);
    return rc;
}

int rules_load_rules_file(imsec_config *c, const char *path, char *err, size_t cap)
{
    return load_file(c, path, err, cap, false);
}

int imsec_config_load_rules(imsec_config *c, const char *path, char err[IMSEC_ERRBUF])
{
    return load_file(c, path, err, IMSEC_ERRBUF, false);
}

int rules_load_keys_mem(imsec_config *c, const char *name, const void *buf, size_t len, char *err,
                        size_t cap)
{
    rules_diag d;
    rules_diag_init(&d, err, cap, name);
    int rc = c ? keys_load_mem(&c->keys, name, buf, len, &d) : IMSEC_E_CONFIG;
    rules_diag_finish(&d);
    return rc;
}

int imsec_config_load_keys_mem(imsec_config *c, const char *name, const void *buf, size_t len,
                               char err[IMSEC_ERRBUF])
{
    return rules_load_keys_mem(c, name, buf, len, err, IMSEC_ERRBUF);
}

int rules_load_keys_file(imsec_config *c, const char *path, char *err, size_t cap)
{
    return load_file(c, path, err, cap, true);
}

int imsec_config_load_keys(imsec_config *c, const char *path, char err[IMSEC_ERRBUF])
{
    return load_file(c, path, err, IMSEC_ERRBUF, true);
}

/* ---- life cycle ---------------------------------------------------------- */

void imsec_config_free(imsec_config *c)
{
    if (!c)
        return;
    rules_ruleset_fini(&c->rules);
    rules_site_free(&c->site);
    keys_set_fini(&c->keys);
    free(c);
}

imsec_config *rules_config_new(const rules_def *const *defs, size_t n, char *err, size_t cap)
{
    rules_diag d;
    rules_diag_init(&d, err, cap, "rule table (built in)");
    imsec_config *c = calloc(1, sizeof *c);
    if (!c) {
        rules_diag_add(&d, NULL, "out of memory");
    } else {
        keys_set_init(&c->keys);
        if (!rules_ruleset_init(&c->rules, defs, n, &d)) {
            imsec_config_free(c);
            c = NULL;
        }
    }
    rules_diag_finish(&d);
    return c;
}

void imsec_config_set_show_secrets(imsec_config *c, bool on)
{
    if (c)
        c->show_secrets = on;
}

bool imsec_config_show_secrets(const imsec_config *c) { return c && c->show_secrets; }

/* ---- accessors ------------------------------------------------------------ */

static const rules_setting *setting_of(const imsec_config *c, const char *id)
{
    size_t idx;
    return c && id && rules_ruleset_find(&c->rules, id, strlen(id), &idx) ? &c->rules.set[idx]
                                                                           : NULL;
}

static const rules_value *value_of(const imsec_config *c, const char *rule, const char *name,
                                   rules_ptype type)
{
    return c ? rules_ruleset_value(&c->rules, rule, name, type) : NULL;
}

bool rules_rule_enabled(const imsec_config *c, const char *id)
{
    const rules_setting *st = setting_of(c, id);
    return st && st->enabled;
}

imsec_severity rules_rule_sev(const imsec_config *c, const char *id)
{
    const rules_setting *st = setting_of(c, id);
    return st ? st->sev : IMSEC_SEV_INFO;
}

int64_t rules_param_int(const imsec_config *c, const char *rule, const char *name)
{
    const rules_value *v = value_of(c, rule, name, RULES_P_INT);
    return v ? v->i : 0;
}

bool rules_param_bool(const imsec_config *c, const char *rule, const char *name)
{
    const rules_value *v = value_of(c, rule, name, RULES_P_BOOL);
    return v && v->b;
}

const char *rules_param_string(const imsec_config *c, const char *rule, const char *name)
{
    const rules_value *v = value_of(c, rule, name, RULES_P_STRING);
    return v && v->s ? v->s : "";
}

static const rules_strlist empty_strlist;
static const rules_prefixlist empty_prefixlist;

const rules_strlist *rules_param_strlist(const imsec_config *c, const char *rule, const char *name)
{
    const rules_value *v = value_of(c, rule, name, RULES_P_STRLIST);
    return v ? &v->sl : &empty_strlist;
}

const rules_prefixlist *rules_param_prefixlist(const imsec_config *c, const char *rule,
                                               const char *name)
{
    const rules_value *v = value_of(c, rule, name, RULES_P_PREFIXLIST);
    return v ? &v->pl : &empty_prefixlist;
}

bool rules_param_sevmap(const imsec_config *c, const char *rule, const char *name, const char *key,
                        imsec_severity *out)
{
    const rules_value *v = value_of(c, rule, name, RULES_P_SEVMAP);
    for (size_t i = 0; v && key && i < v->sm.n; i++)
        if (strcmp(v->sm.keys[i], key) == 0) {
            *out = v->sm.sev[i];
            return true;
        }
    return false;
}

const rules_site *rules_config_site(const imsec_config *c) { return &c->site; }

const keys_set *rules_config_keys(const imsec_config *c) { return &c->keys; }

const char *rules_redact_hex(const imsec_config *c, const char *label, const char *val, size_t len,
                             char *buf, size_t cap)
{
    if (cap == 0)
        return buf;
    if (imsec_config_show_secrets(c)) {
        char esc[256];
        snprintf(buf, cap, "%s=%s", label, rules_diag_esc(val, len, esc, sizeof esc));
    } else {
        snprintf(buf, cap, "%s=<redacted %zu hex>", label, len);
    }
    return buf;
}

/* ---- rule table view and dump ------------------------------------------- */

size_t imsec_config_rule_count(const imsec_config *c) { return c ? c->rules.n : 0; }

const rules_def *rules_config_def_at(const imsec_config *c, size_t i)
{
    return c && i < c->rules.n ? c->rules.defs[i] : NULL;
}

bool rules_config_find(const imsec_config *c, const char *id, size_t idx[1])
{
    size_t i;
    if (!c || !id || !rules_ruleset_find(&c->rules, id, strlen(id), &i))
        return false;
    if (idx)
        *idx = i;
    return true;
}

bool imsec_config_rule_at(const imsec_config *c, size_t i, imsec_rule_info *out)
{
    const rules_def *e = rules_config_def_at(c, i);
    if (!e) {
        if (out)
            memset(out, 0, sizeof *out);
        return false;
    }
    out->rule = e->id;
    out->title = e->title;
    out->category = e->category;
    out->sid = e->sid;
    out->sev = c->rules.set[i].sev;
    out->enabled = c->rules.set[i].enabled;
    return true;
}

char *imsec_config_dump_json(const imsec_config *c)
{
    if (!c)
        return NULL;
    json_object *root = json_object_new_object();
    if (!root)
        return NULL;
    json_object_object_add(root, "version", json_object_new_int(1));
    json_object_object_add(root, "site", rules_site_dump(&c->site));
    json_object_object_add(root, "rules", rules_ruleset_dump(&c->rules));
    const char *s = json_object_to_json_string_ext(
        root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
    char *out = s ? strdup(s) : NULL;
    json_object_put(root);
    return out;
}
