#include "rules/keys_json.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/keys_val.h"

static bool jstring(rules_diag *d, json_object *o, const char *key, const char *path,
                    bool required, const char **s, size_t *n)
{
    json_object *v;
    char p[160];
    snprintf(p, sizeof p, "%s.%s", path, key);
    if (!json_object_object_get_ex(o, key, &v)) {
        if (required)
            rules_diag_add(d, p, "missing");
        return false;
    }
    if (!json_object_is_type(v, json_type_string)) {
        rules_diag_add(d, p, "expected a string");
        return false;
    }
    *s = json_object_get_string(v);
    *n = (size_t)json_object_get_string_len(v);
    return true;
}

static bool check_keys(rules_diag *d, json_object *o, const char *path, const char *const *allowed)
{
    bool ok = true;
    json_object_object_foreach(o, key, val)
    {
        (void)val;
        bool known = false;
        for (size_t i = 0; allowed[i]; i++)
            known |= strcmp(key, allowed[i]) == 0;
        if (!known) {
            char esc[64], p[160];
            snprintf(p, sizeof p, "%s.%s", path, rules_diag_esc(key, strlen(key), esc, sizeof esc));
            rules_diag_add(d, p, "unknown key");
            ok = false;
        }
    }
    return ok;
}

static bool json_hex_field(rules_diag *d, json_object *o, const char *key, const char *path,
                           bool required, uint8_t *out, size_t want, bool *present)
{
    const char *s;
    size_t n;
    *present = false;
    if (!jstring(d, o, key, path, required, &s, &n))
        return !required && !json_object_object_get_ex(o, key, NULL);
    char p[160];
    snprintf(p, sizeof p, "%s.%s", path, key);
    uint8_t tmp[64];
    long got = keys_val_hex(s, n, tmp, sizeof tmp);
    if (got < 0 || n % 2) {
        rules_diag_add(d, p, "not a hex string");
        return false;
    }
    if ((size_t)got != want) {
        rules_diag_add(d, p, "must be %zu bytes (%zu hex digits), got %ld", want, want * 2, got);
        return false;
    }
    memcpy(out, tmp, want);
    explicit_bzero(tmp, sizeof tmp);
    *present = true;
    return true;
}

static void json_subscriber(rules_diag *d, json_object *o, const char *path, keys_set *out)
{
    static const char *const allowed[] = {"impi", "k", "opc", "op", "amf", NULL};
    if (!json_object_is_type(o, json_type_object)) {
        rules_diag_add(d, path, "expected an object");
        return;
    }
    bool ok = check_keys(d, o, path, allowed);
    keys_subscriber s;
    memset(&s, 0, sizeof s);
    const char *impi;
    size_t n;
    if (jstring(d, o, "impi", path, true, &impi, &n)) {
        char p[160];
        snprintf(p, sizeof p, "%s.impi", path);
        if (n == 0 || n >= sizeof s.impi || memchr(impi, '\0', n)) {
            rules_diag_add(d, p, "must be 1..%zu characters without NUL", sizeof s.impi - 1);
            ok = false;
        } else {
            memcpy(s.impi, impi, n);
        }
    } else {
        ok = false;
    }
    bool have, have_opc = false, have_op = false;
    ok &= json_hex_field(d, o, "k", path, true, s.k, 16, &have);
    uint8_t op[16];
    ok &= json_hex_field(d, o, "opc", path, false, s.op_or_opc, 16, &have_opc);
    ok &= json_hex_field(d, o, "op", path, false, op, 16, &have_op);
    ok &= json_hex_field(d, o, "amf", path, false, s.amf, 2, &s.has_amf);
    if (have_opc && have_op) {
        rules_diag_add(d, path, "give either opc or op, not both");
        ok = false;
    } else if (!have_opc && !have_op && json_object_object_get_ex(o, "opc", NULL) == 0 &&
               json_object_object_get_ex(o, "op", NULL) == 0) {
        rules_diag_add(d, path, "missing opc or op");
        ok = false;
    }
    s.is_opc = have_opc;
    if (have_op)
        memcpy(s.op_or_opc, op, 16);
    explicit_bzero(op, sizeof op);
    if (ok && keys_set_add_sub(out, &s) != IMSEC_OK)
        rules_diag_add(d, path, "too many subscribers");
    explicit_bzero(&s, sizeof s);
}

static bool json_addr(rules_diag *d, json_object *o, const char *key, const char *path,
                      rules_prefix *out)
{
    const char *s;
    size_t n;
    if (!jstring(d, o, key, path, true, &s, &n))
        return false;
    if (n == 1 && s[0] == '*') {
        memset(out, 0, sizeof *out);
        return true;
    }
    if (!rules_prefix_parse(s, n, out)) {
        char p[160];
        snprintf(p, sizeof p, "%s.%s", path, key);
        rules_diag_add(d, p, "not an IP address");
        return false;
    }
    return true;
}

static void json_sa(rules_diag *d, json_object *o, const char *path, keys_set *out)
{
    static const char *const allowed[] = {"spi", "src", "dst", "ealg", "ekey", "alg", "akey", NULL};
    if (!json_object_is_type(o, json_type_object)) {
        rules_diag_add(d, path, "expected an object");
        return;
    }
    bool ok = check_keys(d, o, path, allowed);
    keys_sa sa;
    memset(&sa, 0, sizeof sa);
    char p[160];
    json_object *v;
    snprintf(p, sizeof p, "%s.spi", path);
    if (!json_object_object_get_ex(o, "spi", &v)) {
        rules_diag_add(d, p, "missing");
        ok = false;
    } else if (json_object_is_type(v, json_type_int)) {
        int64_t x = json_object_get_int64(v);
        if (x < 1 || x > (int64_t)UINT32_MAX) {
            rules_diag_add(d, p, "out of range [1, 4294967295]");
            ok = false;
        } else {
            sa.spi = (uint32_t)x;
        }
    } else if (json_object_is_type(v, json_type_string)) {
        const char *s = json_object_get_string(v);
        size_t n = (size_t)json_object_get_string_len(v);
        if (!keys_val_u32(s, n, &sa.spi) || sa.spi == 0) {
            rules_diag_add(d, p, "not an SPI (\"0x1001\" or 4097, not 0)");
            ok = false;
        }
    } else {
        rules_diag_add(d, p, "expected a string or an integer");
        ok = false;
    }
    ok &= json_addr(d, o, "src", path, &sa.src);
    ok &= json_addr(d, o, "dst", path, &sa.dst);
    const char *s;
    size_t n;
    bool have_ealg = false, have_aalg = false;
    if (jstring(d, o, "ealg", path, true, &s, &n)) {
        if (!(have_ealg = keys_ealg_parse(s, n, &sa.ealg))) {
            snprintf(p, sizeof p, "%s.ealg", path);
            rules_diag_add(d, p, "unknown encryption algorithm");
        }
    }
    if (jstring(d, o, "alg", path, true, &s, &n)) {
        if (!(have_aalg = keys_aalg_parse(s, n, &sa.aalg))) {
            snprintf(p, sizeof p, "%s.alg", path);
            rules_diag_add(d, p, "unknown integrity algorithm");
        }
    }
    ok &= have_ealg && have_aalg;
    const char *keyname[2] = {"ekey", "akey"};
    for (int i = 0; i < 2; i++) {
        uint8_t *dst = i == 0 ? sa.ekey : sa.akey;
        size_t cap = i == 0 ? sizeof sa.ekey : sizeof sa.akey;
        long got = 0;
        snprintf(p, sizeof p, "%s.%s", path, keyname[i]);
        if (jstring(d, o, keyname[i], path, false, &s, &n)) {
            got = keys_val_hex(s, n, dst, cap);
            if (got < 0 || n % 2) {
                rules_diag_add(d, p, "not a hex string of at most %zu bytes", cap);
                ok = false;
                continue;
            }
        } else if (json_object_object_get_ex(o, keyname[i], NULL)) {
            ok = false;
            continue;
        }
        if (i == 0)
            sa.ekey_len = (uint32_t)got;
        else
            sa.akey_len = (uint32_t)got;
        const char *why = i == 0 ? (have_ealg ? keys_val_ekey_problem(sa.ealg, (uint32_t)got) : NULL)
                                 : (have_aalg ? keys_val_akey_problem(sa.aalg, (uint32_t)got) : NULL);
        if (why) {
            rules_diag_add(d, p, "%s", why);
            ok = false;
        }
    }
    if (ok && keys_set_add_sa(out, &sa) != IMSEC_OK)
        rules_diag_add(d, path, "too many SAs");
    explicit_bzero(&sa, sizeof sa);
}

void keys_json_load(rules_diag *d, const uint8_t *buf, size_t len, keys_set *out)
{
    json_tokener *tok = json_tokener_new_ex(32);
    if (!tok) {
        rules_diag_add(d, NULL, "out of memory");
        return;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    json_object *root = json_tokener_parse_ex(tok, (const char *)buf, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    if (root && jerr == json_tokener_success)
        for (size_t i = end; i < len; i++)
            if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' && buf[i] != '\n') {
                jerr = json_tokener_error_parse_unexpected;
                end = i;
                break;
            }
    if (!root || jerr != json_tokener_success) {
        unsigned line = 1;
        if (jerr == json_tokener_continue)
            end = len;
        for (size_t i = 0; i < end && i < len; i++)
            line += buf[i] == '\n';
        rules_diag_add(d, NULL, "line %u: JSON syntax error: %s", line,
                       jerr == json_tokener_continue ? "unexpected end of file"
                                                     : json_tokener_error_desc(jerr));
        json_object_put(root);
        json_tokener_free(tok);
        return;
    }
    json_tokener_free(tok);
    if (!json_object_is_type(root, json_type_object)) {
        rules_diag_add(d, NULL, "expected a JSON object at the top level");
        json_object_put(root);
        return;
    }
    json_object_object_foreach(root, key, val)
    {
        bool subs = strcmp(key, "subscribers") == 0, sas = strcmp(key, "sas") == 0;
        if (!subs && !sas) {
            char esc[64];
            rules_diag_add(d, rules_diag_esc(key, strlen(key), esc, sizeof esc),
                           "unknown top-level key (expected subscribers or sas)");
            continue;
        }
        if (!json_object_is_type(val, json_type_array)) {
            rules_diag_add(d, key, "expected an array");
            continue;
        }
        for (size_t i = 0; i < json_object_array_length(val); i++) {
            char p[64];
            snprintf(p, sizeof p, "%s[%zu]", key, i);
            if (subs)
                json_subscriber(d, json_object_array_get_idx(val, i), p, out);
            else
                json_sa(d, json_object_array_get_idx(val, i), p, out);
            if (d->count > 1000)
                break;
        }
    }
    json_object_put(root);
}
