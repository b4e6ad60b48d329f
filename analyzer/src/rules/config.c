/* Rule/site configuration: loading, validation, layering and accessors.
 *
 * A file is walked twice with the same code: first with apply=false to
 * collect every error, then, only if there were none, with apply=true to
 * change the configuration. So a bad --rules file never leaves a half
 * applied configuration behind, and the user sees all problems at once. */
#include "rules/config.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/imsec_str.h"
#include "rules/diag.h"

extern const unsigned char imsec_default_rules[];
extern const size_t imsec_default_rules_len;

#define RULES_MAX_LIST 65536
#define PATH_MAX_LEN 192

typedef struct {
    char **keys;
    imsec_severity *sev;
    size_t n;
} rules_sevmap;

typedef struct {
    bool set;
    int64_t i;
    bool b;
    char *s;
    rules_strlist sl;
    rules_prefixlist pl;
    rules_sevmap sm;
} rules_value;

typedef struct {
    bool enabled, enabled_set;
    imsec_severity sev;
    bool sev_set;
    rules_value *vals; /* one per catalogue parameter */
} rules_state;

struct imsec_config {
    rules_state *rules; /* one per catalogue entry, same order */
    size_t nrules;
    rules_site site;
    keys_set keys;
    bool show_secrets;
};

/* ---- small owned-value helpers ---------------------------------------- */

static void strlist_free(rules_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static void prefixlist_free(rules_prefixlist *l)
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

static void value_free(rules_value *v)
{
    free(v->s);
    strlist_free(&v->sl);
    prefixlist_free(&v->pl);
    sevmap_free(&v->sm);
    memset(v, 0, sizeof *v);
}

static void site_free(rules_site *s)
{
    strlist_free(&s->home_domains);
    prefixlist_free(&s->internal_prefixes);
    prefixlist_free(&s->ue_prefixes);
    prefixlist_free(&s->trusted_peers.prefixes);
    strlist_free(&s->trusted_peers.domains);
    prefixlist_free(&s->media_anchors);
    free(s->protected_links);
    memset(s, 0, sizeof *s);
}

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static void lower_ascii(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s + 32);
}

/* ---- JSON walking ------------------------------------------------------- */

typedef struct {
    imsec_config *c;
    rules_diag *d;
    bool apply;
    bool nomem;
} walk;

static void path_key(char *dst, size_t cap, const char *parent, const char *key)
{
    char esc[96];
    rules_diag_esc(key, strlen(key), esc, sizeof esc);
    int r = parent && *parent ? snprintf(dst, cap, "%s.%s", parent, esc)
                              : snprintf(dst, cap, "%s", esc);
    if (r < 0 && cap)
        dst[0] = '\0'; /* a truncated path still names the place */
}

static void path_idx(char *dst, size_t cap, const char *parent, size_t i)
{
    if (snprintf(dst, cap, "%s[%zu]", parent, i) < 0 && cap)
        dst[0] = '\0';
}

static const char *jtype_name(json_object *o)
{
    switch (json_object_get_type(o)) {
    case json_type_null: return "null";
    case json_type_boolean: return "a boolean";
    case json_type_double: return "a number";
    case json_type_int: return "an integer";
    case json_type_object: return "an object";
    case json_type_array: return "an array";
    case json_type_string: return "a string";
    }
    return "?";
}

static bool domain_ok(const char *s, size_t n)
{
    if (n == 0 || n > 253 || s[0] == '.' || s[0] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_';
        if (!ok || (ch == '.' && i + 1 < n && s[i + 1] == '.'))
            return false;
    }
    return true;
}

/* An array of strings; each element goes through check (may be NULL).
 * Returns false (errors reported) or fills out when apply. */
static bool get_array(walk *w, json_object *o, const char *path, const char *what)
{
    if (!json_object_is_type(o, json_type_array)) {
        rules_diag_add(w->d, path, "expected %s, got %s", what, jtype_name(o));
        return false;
    }
    if (json_object_array_length(o) > RULES_MAX_LIST) {
        rules_diag_add(w->d, path, "too many entries (at most %d)", RULES_MAX_LIST);
        return false;
    }
    return true;
}

static bool elem_string(walk *w, json_object *e, const char *path, const char **s, size_t *n)
{
    if (!json_object_is_type(e, json_type_string)) {
        rules_diag_add(w->d, path, "expected a string, got %s", jtype_name(e));
        return false;
    }
    *s = json_object_get_string(e);
    *n = (size_t)json_object_get_string_len(e);
    return true;
}

static bool parse_strlist(walk *w, json_object *o, const char *path, bool domains,
                          rules_strlist *out)
{
    memset(out, 0, sizeof *out);
    if (!get_array(w, o, path, "an array of strings"))
        return false;
    size_t n = json_object_array_length(o);
    bool ok = true;
    if (n && !(out->v = calloc(n, sizeof *out->v))) {
        w->nomem = true;
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char p[PATH_MAX_LEN];
        const char *s;
        size_t len;
        path_idx(p, sizeof p, path, i);
        if (!elem_string(w, json_object_array_get_idx(o, i), p, &s, &len)) {
            ok = false;
            continue;
        }
        if (domains && !domain_ok(s, len)) {
            rules_diag_add(w->d, p, "not a domain name");
            ok = false;
            continue;
        }
        if (memchr(s, '\0', len)) {
            rules_diag_add(w->d, p, "contains a NUL character");
            ok = false;
            continue;
        }
        if (!(out->v[out->n] = dup_n(s, len))) {
            w->nomem = true;
            ok = false;
            break;
        }
        if (domains)
            lower_ascii(out->v[out->n]);
        out->n++;
    }
    if (!ok)
        strlist_free(out);
    return ok;
}

static bool parse_prefix_elem(walk *w, json_object *e, const char *p, rules_prefix *out)
{
    const char *s;
    size_t len;
    if (!elem_string(w, e, p, &s, &len))
        return false;
    if (!rules_prefix_parse(s, len, out)) {
        rules_diag_add(w->d, p, "not an IP prefix");
        return false;
    }
    return true;
}

static bool parse_prefixlist(walk *w, json_object *o, const char *path, rules_prefixlist *out)
{
    memset(out, 0, sizeof *out);
    if (!get_array(w, o, path, "an array of IP prefixes"))
        return false;
    size_t n = json_object_array_length(o);
    bool ok = true;
    if (n && !(out->v = calloc(n, sizeof *out->v))) {
        w->nomem = true;
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char p[PATH_MAX_LEN];
        path_idx(p, sizeof p, path, i);
        if (parse_prefix_elem(w, json_object_array_get_idx(o, i), p, &out->v[out->n]))
            out->n++;
        else
            ok = false;
    }
    if (!ok)
        prefixlist_free(out);
    return ok;
}

static bool parse_peers(walk *w, json_object *o, const char *path, rules_peers *out)
{
    memset(out, 0, sizeof *out);
    if (!get_array(w, o, path, "an array of addresses, prefixes or domain names"))
        return false;
    size_t n = json_object_array_length(o);
    bool ok = true;
    if (n && (!(out->prefixes.v = calloc(n, sizeof *out->prefixes.v)) ||
              !(out->domains.v = calloc(n, sizeof *out->domains.v)))) {
        w->nomem = true;
        prefixlist_free(&out->prefixes);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char p[PATH_MAX_LEN];
        const char *s;
        size_t len;
        path_idx(p, sizeof p, path, i);
        if (!elem_string(w, json_object_array_get_idx(o, i), p, &s, &len)) {
            ok = false;
            continue;
        }
        if (rules_prefix_parse(s, len, &out->prefixes.v[out->prefixes.n])) {
            out->prefixes.n++;
        } else if (domain_ok(s, len) && memchr(s, ':', len) == NULL) {
            if (!(out->domains.v[out->domains.n] = dup_n(s, len))) {
                w->nomem = true;
                ok = false;
                break;
            }
            lower_ascii(out->domains.v[out->domains.n++]);
        } else {
            rules_diag_add(w->d, p, "not an address, prefix or domain name");
            ok = false;
        }
    }
    if (!ok) {
        prefixlist_free(&out->prefixes);
        strlist_free(&out->domains);
    }
    return ok;
}

static bool parse_links(walk *w, json_object *o, const char *path, rules_link **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (!get_array(w, o, path, "an array of pairs [A, B]"))
        return false;
    size_t n = json_object_array_length(o);
    bool ok = true;
    rules_link *v = n ? calloc(n, sizeof *v) : NULL;
    if (n && !v) {
        w->nomem = true;
        return false;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char p[PATH_MAX_LEN], q[PATH_MAX_LEN];
        json_object *e = json_object_array_get_idx(o, i);
        path_idx(p, sizeof p, path, i);
        if (!json_object_is_type(e, json_type_array) || json_object_array_length(e) != 2) {
            rules_diag_add(w->d, p, "expected a pair [A, B] of addresses or prefixes");
            ok = false;
            continue;
        }
        path_idx(q, sizeof q, p, 0);
        bool a = parse_prefix_elem(w, json_object_array_get_idx(e, 0), q, &v[k].a);
        path_idx(q, sizeof q, p, 1);
        bool b = parse_prefix_elem(w, json_object_array_get_idx(e, 1), q, &v[k].b);
        if (a && b)
            k++;
        else
            ok = false;
    }
    if (!ok) {
        free(v);
        return false;
    }
    *out = v;
    *nout = k;
    return true;
}

static bool parse_severity(walk *w, json_object *o, const char *path, imsec_severity *out)
{
    if (!json_object_is_type(o, json_type_string)) {
        rules_diag_add(w->d, path, "expected a severity string, got %s", jtype_name(o));
        return false;
    }
    const char *s = json_object_get_string(o);
    size_t n = (size_t)json_object_get_string_len(o);
    if (strlen(s) != n || !imsec_severity_parse(s, out)) {
        char esc[64];
        rules_diag_add(w->d, path,
                       "bad severity \"%s\" (expected info, low, medium, high or critical)",
                       rules_diag_esc(s, n, esc, sizeof esc));
        return false;
    }
    return true;
}

static bool parse_sevmap(walk *w, json_object *o, const char *path, rules_sevmap *out)
{
    memset(out, 0, sizeof *out);
    if (!json_object_is_type(o, json_type_object)) {
        rules_diag_add(w->d, path, "expected an object of name -> severity, got %s",
                       jtype_name(o));
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
        char p[PATH_MAX_LEN];
        path_key(p, sizeof p, path, key);
        if (!parse_severity(w, val, p, &out->sev[out->n])) {
            ok = false;
            continue;
        }
        if (!(out->keys[out->n] = dup_n(key, strlen(key)))) {
            w->nomem = true;
            ok = false;
            break;
        }
        out->n++;
    }
    if (!ok)
        sevmap_free(out);
    return ok;
}

static bool parse_param(walk *w, const rules_param_def *def, json_object *o, const char *path,
                        rules_value *out)
{
    memset(out, 0, sizeof *out);
    switch (def->type) {
    case RULES_P_INT: {
        if (!json_object_is_type(o, json_type_int)) {
            rules_diag_add(w->d, path, "expected an integer, got %s", jtype_name(o));
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
        out->i = v;
        break;
    }
    case RULES_P_BOOL:
        if (!json_object_is_type(o, json_type_boolean)) {
            rules_diag_add(w->d, path, "expected true or false, got %s", jtype_name(o));
            return false;
        }
        out->b = json_object_get_boolean(o);
        break;
    case RULES_P_STRING: {
        const char *s;
        size_t n;
        if (!elem_string(w, o, path, &s, &n))
            return false;
        if (memchr(s, '\0', n)) {
            rules_diag_add(w->d, path, "contains a NUL character");
            return false;
        }
        if (!(out->s = dup_n(s, n))) {
            w->nomem = true;
            return false;
        }
        break;
    }
    case RULES_P_STRLIST:
        if (!parse_strlist(w, o, path, false, &out->sl))
            return false;
        break;
    case RULES_P_PREFIXLIST:
        if (!parse_prefixlist(w, o, path, &out->pl))
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

static void walk_rule(walk *w, size_t idx, const rules_catalog_entry *e, json_object *o,
                      const char *path)
{
    if (!json_object_is_type(o, json_type_object)) {
        rules_diag_add(w->d, path, "expected an object, got %s", jtype_name(o));
        return;
    }
    rules_state *st = &w->c->rules[idx];
    json_object_object_foreach(o, key, val)
    {
        char p[PATH_MAX_LEN];
        path_key(p, sizeof p, path, key);
        if (strcmp(key, "enabled") == 0) {
            if (!json_object_is_type(val, json_type_boolean)) {
                rules_diag_add(w->d, p, "expected true or false, got %s", jtype_name(val));
            } else if (w->apply) {
                st->enabled = json_object_get_boolean(val);
                st->enabled_set = true;
            }
        } else if (strcmp(key, "severity") == 0) {
            imsec_severity sev;
            if (parse_severity(w, val, p, &sev) && w->apply) {
                st->sev = sev;
                st->sev_set = true;
            }
        } else {
            size_t pi;
            const rules_param_def *def = rules_catalog_param(e, key, &pi);
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
            if (!parse_param(w, def, val, p, &v))
                continue;
            if (w->apply) {
                value_free(&st->vals[pi]);
                st->vals[pi] = v;
            } else {
                value_free(&v);
            }
        }
    }
}

static void walk_rules(walk *w, json_object *o)
{
    if (!json_object_is_type(o, json_type_object)) {
        rules_diag_add(w->d, "rules", "expected an object, got %s", jtype_name(o));
        return;
    }
    json_object_object_foreach(o, key, val)
    {
        char p[PATH_MAX_LEN];
        size_t idx;
        path_key(p, sizeof p, "rules", key);
        const rules_catalog_entry *e = rules_catalog_find(key, &idx);
        if (!e) {
            rules_diag_add(w->d, p, "unknown rule id");
            continue;
        }
        walk_rule(w, idx, e, val, p);
    }
}

static void walk_site(walk *w, json_object *o)
{
    if (!json_object_is_type(o, json_type_object)) {
        rules_diag_add(w->d, "site", "expected an object, got %s", jtype_name(o));
        return;
    }
    rules_site *s = &w->c->site;
    json_object_object_foreach(o, key, val)
    {
        char p[PATH_MAX_LEN];
        path_key(p, sizeof p, "site", key);
        if (strcmp(key, "home_domains") == 0) {
            rules_strlist l;
            if (parse_strlist(w, val, p, true, &l)) {
                if (w->apply) {
                    strlist_free(&s->home_domains);
                    s->home_domains = l;
                } else {
                    strlist_free(&l);
                }
            }
        } else if (strcmp(key, "internal_prefixes") == 0 || strcmp(key, "ue_prefixes") == 0 ||
                   strcmp(key, "media_anchors") == 0) {
            rules_prefixlist l;
            rules_prefixlist *dst = key[0] == 'i'   ? &s->internal_prefixes
                                    : key[0] == 'u' ? &s->ue_prefixes
                                                    : &s->media_anchors;
            if (parse_prefixlist(w, val, p, &l)) {
                if (w->apply) {
                    prefixlist_free(dst);
                    *dst = l;
                } else {
                    prefixlist_free(&l);
                }
            }
        } else if (strcmp(key, "trusted_peers") == 0) {
            rules_peers pe;
            if (parse_peers(w, val, p, &pe)) {
                if (w->apply) {
                    prefixlist_free(&s->trusted_peers.prefixes);
                    strlist_free(&s->trusted_peers.domains);
                    s->trusted_peers = pe;
                } else {
                    prefixlist_free(&pe.prefixes);
                    strlist_free(&pe.domains);
                }
            }
        } else if (strcmp(key, "network") == 0) {
            const char *v = json_object_is_type(val, json_type_string) ? json_object_get_string(val)
                                                                      : NULL;
            rules_network n = RULES_NET_AUTO;
            if (v && strcmp(v, "ims") == 0)
                n = RULES_NET_IMS;
            else if (v && strcmp(v, "sip") == 0)
                n = RULES_NET_SIP;
            else if (!v || strcmp(v, "auto") != 0)
                rules_diag_add(w->d, p, "expected \"auto\", \"ims\" or \"sip\"");
            if (w->apply)
                s->network = n;
        } else if (strcmp(key, "protected_links") == 0) {
            rules_link *l;
            size_t n;
            if (parse_links(w, val, p, &l, &n)) {
                if (w->apply) {
                    free(s->protected_links);
                    s->protected_links = l;
                    s->nprotected_links = n;
                } else {
                    free(l);
                }
            }
        } else {
            rules_diag_add(w->d, p,
                           "unknown key (expected network, home_domains, internal_prefixes, "
                           "ue_prefixes, trusted_peers, media_anchors, protected_links)");
        }
    }
}

static void walk_root(walk *w, json_object *root)
{
    if (!json_object_is_type(root, json_type_object)) {
        rules_diag_add(w->d, NULL, "expected a JSON object at the top level, got %s",
                       jtype_name(root));
        return;
    }
    json_object *ver = NULL;
    if (!json_object_object_get_ex(root, "version", &ver)) {
        rules_diag_add(w->d, "version", "missing (expected 1)");
    } else if (!json_object_is_type(ver, json_type_int)) {
        rules_diag_add(w->d, "version", "expected an integer, got %s", jtype_name(ver));
    } else if (json_object_get_int64(ver) != 1) {
        rules_diag_add(w->d, "version", "unsupported version %lld (expected 1)",
                       (long long)json_object_get_int64(ver));
    }
    json_object_object_foreach(root, key, val)
    {
        if (strcmp(key, "version") == 0)
            continue;
        if (strcmp(key, "site") == 0) {
            walk_site(w, val);
        } else if (strcmp(key, "rules") == 0) {
            walk_rules(w, val);
        } else {
            char p[PATH_MAX_LEN];
            path_key(p, sizeof p, NULL, key);
            rules_diag_add(w->d, p, "unknown key (expected version, site, rules)");
        }
    }
}

/* Parses buf as strict JSON (RFC 8259: no comments, no trailing bytes). */
static json_object *parse_json(const char *buf, size_t len, rules_diag *d)
{
    if (len > RULES_MAX_FILE || len > (size_t)INT32_MAX) {
        rules_diag_add(d, NULL, "file too large (more than %u bytes)", RULES_MAX_FILE);
        return NULL;
    }
    json_tokener *tok = json_tokener_new_ex(64);
    if (!tok) {
        rules_diag_add(d, NULL, "out of memory");
        return NULL;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    json_object *o = json_tokener_parse_ex(tok, buf, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    if (o && jerr == json_tokener_success && end < len) {
        /* Only whitespace may follow the value. */
        for (size_t i = end; i < len; i++)
            if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' && buf[i] != '\n') {
                jerr = json_tokener_error_parse_unexpected;
                end = i;
                break;
            }
    }
    if (!o || jerr != json_tokener_success) {
        if (jerr == json_tokener_continue)
            end = len;
        unsigned line = 1;
        for (size_t i = 0; i < end && i < len; i++)
            line += buf[i] == '\n';
        rules_diag_add(d, NULL, "line %u: JSON syntax error: %s", line,
                       jerr == json_tokener_continue ? "unexpected end of file"
                                                     : json_tokener_error_desc(jerr));
        json_object_put(o);
        o = NULL;
    }
    json_tokener_free(tok);
    return o;
}

static int load_rules_buf(imsec_config *c, const char *name, const void *buf, size_t len,
                          rules_diag *d)
{
    json_object *root = parse_json(buf, len, d);
    if (!root)
        return IMSEC_E_CONFIG;
    walk w = {.c = c, .d = d, .apply = false};
    walk_root(&w, root);
    if (d->count == 0 && !w.nomem) {
        w.apply = true;
        walk_root(&w, root);
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

/* Reads a whole regular file, at most RULES_MAX_FILE bytes. */
static uint8_t *slurp(const char *path, size_t *len, rules_diag *d)
{
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        char eb[128];
        rules_diag_add(d, NULL, "cannot open: %s", strerror_r(errno, eb, sizeof eb));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            if (cap > RULES_MAX_FILE) {
                rules_diag_add(d, NULL, "file too large (more than %u bytes)", RULES_MAX_FILE);
                free(buf);
                buf = NULL;
                break;
            }
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            if (ferror(f)) {
                rules_diag_add(d, NULL, "read error");
                free(buf);
                buf = NULL;
            }
            break;
        }
    }
    if (!buf && d->count == 0)
        rules_diag_add(d, NULL, "out of memory");
    fclose(f);
    *len = n;
    return buf;
}

static int load_file(imsec_config *c, const char *path, char *err, size_t cap, bool keys)
{
    rules_diag d;
    rules_diag_init(&d, err, cap, path);
    size_t len;
    uint8_t *buf = c && path ? slurp(path, &len, &d) : NULL;
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
    for (size_t i = 0; c->rules && i < c->nrules; i++) {
        const rules_catalog_entry *e = rules_catalog_at(i);
        for (size_t j = 0; c->rules[i].vals && j < e->nparams; j++)
            value_free(&c->rules[i].vals[j]);
        free(c->rules[i].vals);
    }
    free(c->rules);
    site_free(&c->site);
    keys_set_fini(&c->keys);
    free(c);
}

imsec_config *imsec_config_new(char err[IMSEC_ERRBUF])
{
    rules_diag d;
    rules_diag_init(&d, err, IMSEC_ERRBUF, "rules/default.json (built in)");
    imsec_config *c = calloc(1, sizeof *c);
    if (!c)
        goto nomem;
    keys_set_init(&c->keys);
    c->nrules = rules_catalog_count();
    c->rules = calloc(c->nrules ? c->nrules : 1, sizeof *c->rules);
    if (!c->rules)
        goto nomem;
    for (size_t i = 0; i < c->nrules; i++) {
        const rules_catalog_entry *e = rules_catalog_at(i);
        c->rules[i].sev = e->sev;
        if (e->nparams && !(c->rules[i].vals = calloc(e->nparams, sizeof *c->rules[i].vals)))
            goto nomem;
    }
    if (load_rules_buf(c, d.file, imsec_default_rules, imsec_default_rules_len, &d) != IMSEC_OK)
        goto fail;
    /* The built-in default is the single source of defaults: it must name
     * every catalogue rule with every parameter. */
    for (size_t i = 0; i < c->nrules; i++) {
        const rules_catalog_entry *e = rules_catalog_at(i);
        char p[PATH_MAX_LEN];
        path_key(p, sizeof p, "rules", e->id);
        if (!c->rules[i].enabled_set)
            rules_diag_add(&d, p, "missing \"enabled\"");
        if (!c->rules[i].sev_set)
            rules_diag_add(&d, p, "missing \"severity\"");
        for (size_t j = 0; j < e->nparams; j++)
            if (!c->rules[i].vals[j].set)
                rules_diag_add(&d, p, "missing parameter \"%s\"", e->params[j].name);
    }
    if (d.count)
        goto fail;
    rules_diag_finish(&d);
    return c;
nomem:
    rules_diag_add(&d, NULL, "out of memory");
fail:
    rules_diag_finish(&d);
    imsec_config_free(c);
    return NULL;
}

void imsec_config_set_show_secrets(imsec_config *c, bool on)
{
    if (c)
        c->show_secrets = on;
}

bool imsec_config_show_secrets(const imsec_config *c) { return c && c->show_secrets; }

/* ---- accessors ------------------------------------------------------------ */

static const rules_state *state_of(const imsec_config *c, const char *id,
                                   const rules_catalog_entry **e)
{
    size_t idx;
    *e = c ? rules_catalog_find(id, &idx) : NULL;
    return *e ? &c->rules[idx] : NULL;
}

static const rules_value *value_of(const imsec_config *c, const char *rule, const char *name,
                                   rules_ptype type)
{
    const rules_catalog_entry *e;
    const rules_state *st = state_of(c, rule, &e);
    size_t pi;
    const rules_param_def *def = st ? rules_catalog_param(e, name, &pi) : NULL;
    if (!def || def->type != type)
        return NULL;
    return &st->vals[pi];
}

bool rules_rule_enabled(const imsec_config *c, const char *id)
{
    const rules_catalog_entry *e;
    const rules_state *st = state_of(c, id, &e);
    return st && st->enabled;
}

imsec_severity rules_rule_sev(const imsec_config *c, const char *id)
{
    const rules_catalog_entry *e;
    const rules_state *st = state_of(c, id, &e);
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

bool rules_site_link_protected(const rules_site *s, const imsec_addr *a, const imsec_addr *b)
{
    for (size_t i = 0; i < s->nprotected_links; i++) {
        const rules_link *l = &s->protected_links[i];
        if ((rules_prefix_match(&l->a, a) && rules_prefix_match(&l->b, b)) ||
            (rules_prefix_match(&l->a, b) && rules_prefix_match(&l->b, a)))
            return true;
    }
    return false;
}


bool rules_site_home_domain(const rules_site *s, const char *dom, size_t len)
{
    for (size_t i = 0; dom && i < s->home_domains.n; i++) {
        const char *h = s->home_domains.v[i];
        size_t hl = strlen(h);
        if (len == hl && imsec_str_eq_ci(imsec_str_make(dom, len), imsec_str_make(h, len)))
            return true;
        if (len > hl && dom[len - hl - 1] == '.' && imsec_str_eq_ci(imsec_str_make(dom + len - hl, hl), imsec_str_make(h, hl)))
            return true;
    }
    return false;
}

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

/* ---- catalogue view and dump -------------------------------------------- */

size_t imsec_config_rule_count(const imsec_config *c) { return c ? c->nrules : 0; }

bool imsec_config_rule_at(const imsec_config *c, size_t i, imsec_rule_info *out)
{
    const rules_catalog_entry *e = rules_catalog_at(i);
    if (!c || !e || i >= c->nrules) {
        if (out)
            memset(out, 0, sizeof *out);
        return false;
    }
    out->rule = e->id;
    out->title = e->title;
    out->category = e->category;
    out->sid = e->sid;
    out->sev = c->rules[i].sev;
    out->enabled = c->rules[i].enabled;
    return true;
}

static json_object *jstr(const char *s) { return json_object_new_string(s); }

static json_object *dump_strlist(const rules_strlist *l)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; a && i < l->n; i++)
        json_object_array_add(a, jstr(l->v[i]));
    return a;
}

static json_object *dump_prefixlist(const rules_prefixlist *l)
{
    json_object *a = json_object_new_array();
    char b[RULES_PREFIXSTRLEN];
    for (size_t i = 0; a && i < l->n; i++)
        json_object_array_add(a, jstr(rules_prefix_str(&l->v[i], b)));
    return a;
}

static json_object *dump_value(const rules_param_def *def, const rules_value *v)
{
    switch (def->type) {
    case RULES_P_INT: return json_object_new_int64(v->i);
    case RULES_P_BOOL: return json_object_new_boolean(v->b);
    case RULES_P_STRING: return jstr(v->s ? v->s : "");
    case RULES_P_STRLIST: return dump_strlist(&v->sl);
    case RULES_P_PREFIXLIST: return dump_prefixlist(&v->pl);
    case RULES_P_SEVMAP: {
        json_object *o = json_object_new_object();
        for (size_t i = 0; o && i < v->sm.n; i++)
            json_object_object_add(o, v->sm.keys[i], jstr(imsec_severity_str(v->sm.sev[i])));
        return o;
    }
    default: return NULL;
    }
}

char *imsec_config_dump_json(const imsec_config *c)
{
    if (!c)
        return NULL;
    json_object *root = json_object_new_object();
    if (!root)
        return NULL;
    json_object_object_add(root, "version", json_object_new_int(1));
    json_object *site = json_object_new_object();
    json_object_object_add(root, "site", site);
    static const char *const nets[] = {"auto", "ims", "sip"};
    json_object_object_add(site, "network", jstr(nets[c->site.network]));
    json_object_object_add(site, "home_domains", dump_strlist(&c->site.home_domains));
    json_object_object_add(site, "internal_prefixes", dump_prefixlist(&c->site.internal_prefixes));
    json_object_object_add(site, "ue_prefixes", dump_prefixlist(&c->site.ue_prefixes));
    json_object *peers = dump_prefixlist(&c->site.trusted_peers.prefixes);
    for (size_t i = 0; peers && i < c->site.trusted_peers.domains.n; i++)
        json_object_array_add(peers, jstr(c->site.trusted_peers.domains.v[i]));
    json_object_object_add(site, "trusted_peers", peers);
    json_object_object_add(site, "media_anchors", dump_prefixlist(&c->site.media_anchors));
    json_object *links = json_object_new_array();
    for (size_t i = 0; links && i < c->site.nprotected_links; i++) {
        char a[RULES_PREFIXSTRLEN], b[RULES_PREFIXSTRLEN];
        json_object *pair = json_object_new_array();
        json_object_array_add(pair, jstr(rules_prefix_str(&c->site.protected_links[i].a, a)));
        json_object_array_add(pair, jstr(rules_prefix_str(&c->site.protected_links[i].b, b)));
        json_object_array_add(links, pair);
    }
    json_object_object_add(site, "protected_links", links);
    json_object *rules = json_object_new_object();
    json_object_object_add(root, "rules", rules);
    for (size_t i = 0; rules && i < c->nrules; i++) {
        const rules_catalog_entry *e = rules_catalog_at(i);
        json_object *r = json_object_new_object();
        json_object_object_add(r, "enabled", json_object_new_boolean(c->rules[i].enabled));
        json_object_object_add(r, "severity", jstr(imsec_severity_str(c->rules[i].sev)));
        for (size_t j = 0; r && j < e->nparams; j++)
            json_object_object_add(r, e->params[j].name,
                                   dump_value(&e->params[j], &c->rules[i].vals[j]));
        json_object_object_add(rules, e->id, r);
    }
    const char *s = json_object_to_json_string_ext(
        root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
    char *out = s ? strdup(s) : NULL;
    json_object_put(root);
    return out;
}
