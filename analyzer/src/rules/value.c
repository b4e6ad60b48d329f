#include "rules/value.h"

#include <stdlib.h>
#include <string.h>

void rules_value_strlist_free(rules_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

void rules_value_prefixlist_free(rules_prefixlist *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static void sevmap_free(rules_sevmap *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->sev);
    memset(m, 0, sizeof *m);
}

void rules_value_free(rules_value *v)
{
    free(v->s);
    rules_value_strlist_free(&v->sl);
    rules_value_prefixlist_free(&v->pl);
    sevmap_free(&v->sm);
    memset(v, 0, sizeof *v);
}

void rules_value_lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s + 32);
}

bool rules_value_strlist(rules_walk *w, json_object *o, const char *path, bool domains,
                         rules_strlist *out)
{
    memset(out, 0, sizeof *out);
    if (!rules_walk_array(w, o, path, "an array of strings"))
        return false;
    size_t n = json_object_array_length(o);
    bool ok = true;
    if (n && !(out->v = calloc(n, sizeof *out->v))) {
        w->nomem = true;
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char p[RULES_PATH_MAX];
        const char *s;
        size_t len;
        rules_walk_path_idx(p, sizeof p, path, i);
        if (!rules_walk_string(w, json_object_array_get_idx(o, i), p, &s, &len)) {
            ok = false;
            continue;
        }
        if (domains && !rules_walk_domain_ok(s, len)) {
            rules_diag_add(w->d, p, "not a domain name");
            ok = false;
            continue;
        }
        if (memchr(s, '\0', len)) {
            rules_diag_add(w->d, p, "contains a NUL character");
            ok = false;
            continue;
        }
        if (!(out->v[out->n] = rules_walk_dup(w, s, len))) {
            ok = false;
            break;
        }
        if (domains)
            rules_value_lower(out->v[out->n]);
        out->n++;
    }
    if (!ok)
        rules_value_strlist_free(out);
    return ok;
}

bool rules_value_prefix(rules_walk *w, json_object *o, const char *path, rules_prefix *out)
{
    const char *s;
    size_t len;
    if (!rules_walk_string(w, o, path, &s, &len))
        return false;
    if (!rules_prefix_parse(s, len, out)) {
        rules_diag_add(w->d, path, "not an IP prefix");
        return false;
    }
    return true;
}

bool rules_value_prefixlist(rules_walk *w, json_object *o, const char *path, rules_prefixlist *out)
{
    memset(out, 0, sizeof *out);
    if (!rules_walk_array(w, o, path, "an array of IP prefixes"))
        return false;
    size_t n = json_object_array_length(o);
    bool ok = true;
    if (n && !(out->v = calloc(n, sizeof *out->v))) {
        w->nomem = true;
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char p[RULES_PATH_MAX];
        rules_walk_path_idx(p, sizeof p, path, i);
        if (rules_value_prefix(w, json_object_array_get_idx(o, i), p, &out->v[out->n]))
            out->n++;
        else
            ok = false;
    }
    if (!ok)
        rules_value_prefixlist_free(out);
    return ok;
}

static bool parse_sevmap(rules_walk *w, json_object *o, const char *path, rules_sevmap *out)
{
    memset(out, 0, sizeof *out);
    if (!json_object_is_type(o, json_type_object)) {
        rules_diag_add(w->d, path, "expected an object of name -> severity, got %s",
                       rules_walk_type_name(o));
        return false;
    }
    size_t n = (size_t)json_object_object_length(o);
    bool ok = true;
    if (n && (!(out->keys = calloc(n, sizeof *out->keys)) ||
              !(out->sev = calloc(n, sizeof *out->sev)))) {
        w->nomem = true;
        sevmap_free(out);
        return false;
    }
    json_object_object_foreach(o, key, val)
    {
        char p[RULES_PATH_MAX];
        rules_walk_path_key(p, sizeof p, path, key);
        if (!rules_walk_severity(w, val, p, &out->sev[out->n])) {
            ok = false;
            continue;
        }
        if (!(out->keys[out->n] = rules_walk_dup(w, key, strlen(key)))) {
            ok = false;
            break;
        }
        out->n++;
    }
    if (!ok)
        sevmap_free(out);
    return ok;
}

static bool parse_int(rules_walk *w, const rules_param_def *def, json_object *o, const char *path,
                      int64_t *out)
{
    if (!json_object_is_type(o, json_type_int)) {
        rules_diag_add(w->d, path, "expected an integer, got %s", rules_walk_type_name(o));
        return false;
    }
    int64_t v = json_object_get_int64(o);
    /* json-c keeps integers above INT64_MAX as uint64; get_int64 clamps them. */
    if (v < def->min || v > def->max) {
        if (v == INT64_MAX)
            rules_diag_add(w->d, path, "out of range [%lld, %lld]", (long long)def->min,
                           (long long)def->max);
        else
            rules_diag_add(w->d, path, "%lld is out of range [%lld, %lld]", (long long)v,
                           (long long)def->min, (long long)def->max);
        return false;
    }
    *out = v;
    return true;
}

bool rules_value_parse(rules_walk *w, const rules_param_def *def, json_object *o, const char *path,
                       rules_value *out)
{
    memset(out, 0, sizeof *out);
    switch (def->type) {
    case RULES_P_INT:
        if (!parse_int(w, def, o, path, &out->i))
            return false;
        break;
    case RULES_P_BOOL:
        if (!json_object_is_type(o, json_type_boolean)) {
            rules_diag_add(w->d, path, "expected true or false, got %s", rules_walk_type_name(o));
            return false;
        }
        out->b = json_object_get_boolean(o);
        break;
    case RULES_P_STRING: {
        const char *s;
        size_t n;
        if (!rules_walk_string(w, o, path, &s, &n))
            return false;
        if (memchr(s, '\0', n)) {
            rules_diag_add(w->d, path, "contains a NUL character");
            return false;
        }
        if (!(out->s = rules_walk_dup(w, s, n)))
            return false;
        break;
    }
    case RULES_P_STRLIST:
        if (!rules_value_strlist(w, o, path, false, &out->sl))
            return false;
        break;
    case RULES_P_PREFIXLIST:
        if (!rules_value_prefixlist(w, o, path, &out->pl))
            return false;
        break;
    case RULES_P_SEVMAP:
        if (!parse_sevmap(w, o, path, &out->sm))
            return false;
        break;
    default:
        return false;
    }
    out->set = true;
    return true;
}

static json_object *jstr(const char *s) { return json_object_new_string(s); }

json_object *rules_value_strlist_dump(const rules_strlist *l)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; a && i < l->n; i++)
        json_object_array_add(a, jstr(l->v[i]));
    return a;
}

json_object *rules_value_prefixlist_dump(const rules_prefixlist *l)
{
    json_object *a = json_object_new_array();
    char b[RULES_PREFIXSTRLEN];
    for (size_t i = 0; a && i < l->n; i++)
        json_object_array_add(a, jstr(rules_prefix_str(&l->v[i], b)));
    return a;
}

json_object *rules_value_dump(const rules_param_def *def, const rules_value *v)
{
    switch (def->type) {
    case RULES_P_INT: return json_object_new_int64(v->i);
    case RULES_P_BOOL: return json_object_new_boolean(v->b);
    case RULES_P_STRING: return jstr(v->s ? v->s : "");
    case RULES_P_STRLIST: return rules_value_strlist_dump(&v->sl);
    case RULES_P_PREFIXLIST: return rules_value_prefixlist_dump(&v->pl);
    case RULES_P_SEVMAP: {
        json_object *o = json_object_new_object();
        for (size_t i = 0; o && i < v->sm.n; i++)
            json_object_object_add(o, v->sm.keys[i], jstr(imsec_severity_str(v->sm.sev[i])));
        return o;
    }
    default: return NULL;
    }
}
