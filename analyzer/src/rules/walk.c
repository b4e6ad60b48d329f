#include "rules/walk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rules_walk_path_key(char *dst, size_t cap, const char *parent, const char *key)
{
    char esc[96];
    rules_diag_esc(key, strlen(key), esc, sizeof esc);
    int r = parent && *parent ? snprintf(dst, cap, "%s.%s", parent, esc)
                              : snprintf(dst, cap, "%s", esc);
    if (r < 0 && cap)
        dst[0] = '\0'; /* a truncated path still names the place */
}

void rules_walk_path_idx(char *dst, size_t cap, const char *parent, size_t i)
{
    if (snprintf(dst, cap, "%s[%zu]", parent, i) < 0 && cap)
        dst[0] = '\0';
}

const char *rules_walk_type_name(json_object *o)
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

bool rules_walk_domain_ok(const char *s, size_t n)
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

char *rules_walk_dup(rules_walk *w, const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) {
        w->nomem = true;
        return NULL;
    }
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

bool rules_walk_array(rules_walk *w, json_object *o, const char *path, const char *what)
{
    if (!json_object_is_type(o, json_type_array)) {
        rules_diag_add(w->d, path, "expected %s, got %s", what, rules_walk_type_name(o));
        return false;
    }
    if (json_object_array_length(o) > RULES_MAX_LIST) {
        rules_diag_add(w->d, path, "too many entries (at most %d)", RULES_MAX_LIST);
        return false;
    }
    return true;
}

bool rules_walk_string(rules_walk *w, json_object *o, const char *path, const char **s, size_t *n)
{
    if (!json_object_is_type(o, json_type_string)) {
        rules_diag_add(w->d, path, "expected a string, got %s", rules_walk_type_name(o));
        return false;
    }
    *s = json_object_get_string(o);
    *n = (size_t)json_object_get_string_len(o);
    return true;
}

bool rules_walk_severity(rules_walk *w, json_object *o, const char *path, imsec_severity *out)
{
    if (!json_object_is_type(o, json_type_string)) {
        rules_diag_add(w->d, path, "expected a severity string, got %s", rules_walk_type_name(o));
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

json_object *rules_walk_parse_json(const char *buf, size_t len, rules_diag *d)
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
