/* Keys files: the imsec JSON format and Wireshark's esp_sa UAT (see keys.h). */
#include "rules/keys.h"

#include "base/imsec_str.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/diag.h"

static const char *const ealg_names[KEYS_EALG__COUNT] = {
    [KEYS_EALG_NULL] = "null",           [KEYS_EALG_DES_EDE3_CBC] = "des-ede3-cbc",
    [KEYS_EALG_AES_CBC] = "aes-cbc",     [KEYS_EALG_AES_CTR] = "aes-ctr",
    [KEYS_EALG_DES_CBC] = "des-cbc",     [KEYS_EALG_AES_GCM_8] = "aes-gcm-8",
    [KEYS_EALG_AES_GCM_12] = "aes-gcm-12", [KEYS_EALG_AES_GCM_16] = "aes-gcm-16",
};

static const char *const aalg_names[KEYS_AALG__COUNT] = {
    [KEYS_AALG_NULL] = "null",
    [KEYS_AALG_HMAC_MD5_96] = "hmac-md5-96",
    [KEYS_AALG_HMAC_SHA1_96] = "hmac-sha-1-96",
    [KEYS_AALG_HMAC_SHA256_96] = "hmac-sha-256-96",
    [KEYS_AALG_HMAC_SHA256_128] = "hmac-sha-256-128",
    [KEYS_AALG_HMAC_SHA384_192] = "hmac-sha-384-192",
    [KEYS_AALG_HMAC_SHA512_256] = "hmac-sha-512-256",
    [KEYS_AALG_ANY_64] = "any-64",
    [KEYS_AALG_ANY_96] = "any-96",
    [KEYS_AALG_ANY_128] = "any-128",
    [KEYS_AALG_ANY_192] = "any-192",
    [KEYS_AALG_ANY_256] = "any-256",
};

/* Wireshark's esp_sa labels (packet-ipsec.c value_strings), without the
 * " [RFCxxxx]" suffix, compared case-insensitively. */
static const struct {
    const char *label;
    keys_ealg alg;
} ealg_ws[] = {
    {"NULL", KEYS_EALG_NULL},
    {"TripleDES-CBC", KEYS_EALG_DES_EDE3_CBC},
    {"AES-CBC", KEYS_EALG_AES_CBC},
    {"AES-CTR", KEYS_EALG_AES_CTR},
    {"DES-CBC", KEYS_EALG_DES_CBC},
    {"AES-GCM", KEYS_EALG_AES_GCM_16}, /* deprecated label without ICV length: 16 octets */
    {"AES-GCM with 8 octet ICV", KEYS_EALG_AES_GCM_8},
    {"AES-GCM with 12 octet ICV", KEYS_EALG_AES_GCM_12},
    {"AES-GCM with 16 octet ICV", KEYS_EALG_AES_GCM_16},
    {"aes-gcm", KEYS_EALG_AES_GCM_16},
};

static const struct {
    const char *label;
    keys_aalg alg;
} aalg_ws[] = {
    {"NULL", KEYS_AALG_NULL},
    {"HMAC-SHA-1-96", KEYS_AALG_HMAC_SHA1_96},
    {"HMAC-SHA-256-96", KEYS_AALG_HMAC_SHA256_96},
    {"HMAC-SHA-256-128", KEYS_AALG_HMAC_SHA256_128},
    {"HMAC-SHA-384-192", KEYS_AALG_HMAC_SHA384_192},
    {"HMAC-SHA-512-256", KEYS_AALG_HMAC_SHA512_256},
    {"HMAC-MD5-96", KEYS_AALG_HMAC_MD5_96},
    {"ANY 64 bit authentication", KEYS_AALG_ANY_64},
    {"ANY 96 bit authentication", KEYS_AALG_ANY_96},
    {"ANY 128 bit authentication", KEYS_AALG_ANY_128},
    {"ANY 192 bit authentication", KEYS_AALG_ANY_192},
    {"ANY 256 bit authentication", KEYS_AALG_ANY_256},
};

const char *keys_ealg_str(keys_ealg a)
{
    return (unsigned)a < KEYS_EALG__COUNT ? ealg_names[a] : "?";
}

const char *keys_aalg_str(keys_aalg a)
{
    return (unsigned)a < KEYS_AALG__COUNT ? aalg_names[a] : "?";
}

/* Case-insensitive ASCII compare of a counted token with a literal (base layer). */
static bool eq_ci(const char *s, size_t n, const char *lit)
{
    return n <= UINT32_MAX && imsec_str_eq_cstr_ci(imsec_str_make(s, n), lit);
}

/* Drops a trailing " [RFC...]" / " [no checking]" annotation. */
static size_t strip_annotation(const char *s, size_t n)
{
    const char *b = memchr(s, '[', n);
    if (!b)
        return n;
    size_t k = (size_t)(b - s);
    while (k > 0 && s[k - 1] == ' ')
        k--;
    return k;
}

bool keys_ealg_parse(const char *s, size_t n, keys_ealg *out)
{
    for (unsigned i = 0; i < KEYS_EALG__COUNT; i++)
        if (eq_ci(s, n, ealg_names[i])) {
            *out = (keys_ealg)i;
            return true;
        }
    size_t k = strip_annotation(s, n);
    for (size_t i = 0; i < sizeof ealg_ws / sizeof *ealg_ws; i++)
        if (eq_ci(s, k, ealg_ws[i].label)) {
            *out = ealg_ws[i].alg;
            return true;
        }
    return false;
}

bool keys_aalg_parse(const char *s, size_t n, keys_aalg *out)
{
    for (unsigned i = 0; i < KEYS_AALG__COUNT; i++)
        if (eq_ci(s, n, aalg_names[i])) {
            *out = (keys_aalg)i;
            return true;
        }
    size_t k = strip_annotation(s, n);
    for (size_t i = 0; i < sizeof aalg_ws / sizeof *aalg_ws; i++)
        if (eq_ci(s, k, aalg_ws[i].label)) {
            *out = aalg_ws[i].alg;
            return true;
        }
    return false;
}

uint32_t keys_aalg_icv_len(keys_aalg a)
{
    switch (a) {
    case KEYS_AALG_HMAC_MD5_96:
    case KEYS_AALG_HMAC_SHA1_96:
    case KEYS_AALG_HMAC_SHA256_96:
    case KEYS_AALG_ANY_96: return 12;
    case KEYS_AALG_ANY_64: return 8;
    case KEYS_AALG_HMAC_SHA256_128:
    case KEYS_AALG_ANY_128: return 16;
    case KEYS_AALG_HMAC_SHA384_192:
    case KEYS_AALG_ANY_192: return 24;
    case KEYS_AALG_HMAC_SHA512_256:
    case KEYS_AALG_ANY_256: return 32;
    default: return 0;
    }
}

/* ---- the set ---------------------------------------------------------------- */

void keys_set_init(keys_set *k) { memset(k, 0, sizeof *k); }

void keys_set_fini(keys_set *k)
{
    if (!k)
        return;
    if (k->subs)
        explicit_bzero(k->subs, k->nsubs * sizeof *k->subs);
    if (k->sas)
        explicit_bzero(k->sas, k->nsas * sizeof *k->sas);
    free(k->subs);
    free(k->sas);
    memset(k, 0, sizeof *k);
}

const keys_subscriber *keys_find_subscriber(const keys_set *k, const char *impi, size_t len)
{
    for (size_t i = 0; impi && i < k->nsubs; i++)
        if (strlen(k->subs[i].impi) == len && memcmp(k->subs[i].impi, impi, len) == 0)
            return &k->subs[i];
    return NULL;
}

const keys_sa *keys_find_sa(const keys_set *k, uint32_t spi, const imsec_addr *src,
                            const imsec_addr *dst)
{
    const keys_sa *wild = NULL;
    for (size_t i = 0; i < k->nsas; i++) {
        const keys_sa *s = &k->sas[i];
        if ((!s->spi_any && s->spi != spi) || !rules_prefix_match(&s->src, src) ||
            !rules_prefix_match(&s->dst, dst))
            continue;
        if (!s->spi_any)
            return s;
        if (!wild)
            wild = s;
    }
    return wild;
}

static bool same_sa(const keys_sa *a, const keys_sa *b)
{
    return a->spi_any == b->spi_any && a->spi == b->spi && a->src.len == b->src.len &&
           a->dst.len == b->dst.len && a->src.addr.family == b->src.addr.family &&
           a->dst.addr.family == b->dst.addr.family &&
           memcmp(a->src.addr.a, b->src.addr.a, 16) == 0 &&
           memcmp(a->dst.addr.a, b->dst.addr.a, 16) == 0;
}

/* Moves the parsed entries of src into dst (replacing same IMPI / same SA). */
static int keys_merge(keys_set *dst, keys_set *src)
{
    if (dst->nsubs + src->nsubs > KEYS_MAX_SUBS || dst->nsas + src->nsas > KEYS_MAX_SAS)
        return IMSEC_E_LIMIT;
    keys_subscriber *ns = src->nsubs ? realloc(dst->subs, (dst->nsubs + src->nsubs) * sizeof *ns)
                                     : dst->subs;
    if (src->nsubs && !ns)
        return IMSEC_E_NOMEM;
    dst->subs = ns;
    keys_sa *na = src->nsas ? realloc(dst->sas, (dst->nsas + src->nsas) * sizeof *na) : dst->sas;
    if (src->nsas && !na)
        return IMSEC_E_NOMEM;
    dst->sas = na;
    for (size_t i = 0; i < src->nsubs; i++) {
        keys_subscriber *old = (keys_subscriber *)keys_find_subscriber(
            dst, src->subs[i].impi, strlen(src->subs[i].impi));
        if (old)
            *old = src->subs[i];
        else
            dst->subs[dst->nsubs++] = src->subs[i];
    }
    for (size_t i = 0; i < src->nsas; i++) {
        size_t j = 0;
        while (j < dst->nsas && !same_sa(&dst->sas[j], &src->sas[i]))
            j++;
        dst->sas[j] = src->sas[i];
        if (j == dst->nsas)
            dst->nsas++;
    }
    return IMSEC_OK;
}

static int add_sub(keys_set *k, const keys_subscriber *s)
{
    if (k->nsubs >= KEYS_MAX_SUBS)
        return IMSEC_E_LIMIT;
    keys_subscriber *n = realloc(k->subs, (k->nsubs + 1) * sizeof *n);
    if (!n)
        return IMSEC_E_NOMEM;
    k->subs = n;
    k->subs[k->nsubs++] = *s;
    return IMSEC_OK;
}

static int add_sa(keys_set *k, const keys_sa *s)
{
    if (k->nsas >= KEYS_MAX_SAS)
        return IMSEC_E_LIMIT;
    keys_sa *n = realloc(k->sas, (k->nsas + 1) * sizeof *n);
    if (!n)
        return IMSEC_E_NOMEM;
    k->sas = n;
    k->sas[k->nsas++] = *s;
    return IMSEC_OK;
}

/* ---- value parsers shared by both formats -------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Hex digits with optional 0x; odd counts get a leading zero nibble (as
 * Wireshark reads UAT keys). Returns byte count or -1 (bad digit / too long). */
static long hex_bytes(const char *s, size_t n, uint8_t *out, size_t cap)
{
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        n -= 2;
    }
    size_t nb = (n + 1) / 2;
    if (nb > cap)
        return -1;
    size_t i = 0, o = 0;
    if (n % 2) {
        int v = hexval(s[0]);
        if (v < 0)
            return -1;
        out[o++] = (uint8_t)v;
        i = 1;
    }
    for (; i < n; i += 2) {
        int hi = hexval(s[i]), lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[o++] = (uint8_t)(hi << 4 | lo);
    }
    return (long)o;
}

static bool parse_u32(const char *s, size_t n, uint32_t *out)
{
    uint64_t v = 0;
    bool hex = n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    size_t i = hex ? 2 : 0;
    if (i == n || n - i > (hex ? 8u : 10u))
        return false;
    for (; i < n; i++) {
        int d = hexval(s[i]);
        if (d < 0 || (!hex && d > 9))
            return false;
        v = v * (hex ? 16u : 10u) + (unsigned)d;
    }
    if (v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* Returns NULL if the key length fits the algorithm, else a message. */
static const char *ekey_len_problem(keys_ealg a, uint32_t len)
{
    switch (a) {
    case KEYS_EALG_NULL: return len == 0 ? NULL : "must be empty for null encryption";
    case KEYS_EALG_DES_EDE3_CBC: return len == 24 ? NULL : "must be 24 bytes for des-ede3-cbc";
    case KEYS_EALG_DES_CBC: return len == 8 ? NULL : "must be 8 bytes for des-cbc";
    case KEYS_EALG_AES_CBC:
        return len == 16 || len == 24 || len == 32 ? NULL : "must be 16, 24 or 32 bytes for aes-cbc";
    case KEYS_EALG_AES_CTR:
        return len == 20 || len == 28 || len == 36 ? NULL
                                                   : "must be 20, 28 or 36 bytes (key + nonce) for aes-ctr";
    default:
        return len == 20 || len == 28 || len == 36 ? NULL
                                                   : "must be 20, 28 or 36 bytes (key + salt) for aes-gcm";
    }
}

static const char *akey_len_problem(keys_aalg a, uint32_t len)
{
    if (a == KEYS_AALG_NULL)
        return len == 0 ? NULL : "must be empty for null authentication";
    if (a >= KEYS_AALG_ANY_64)
        return NULL;
    return len > 0 ? NULL : "missing for an HMAC algorithm";
}

/* ---- JSON keys file ------------------------------------------------------------ */

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
    long got = hex_bytes(s, n, tmp, sizeof tmp);
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
    if (ok && add_sub(out, &s) != IMSEC_OK)
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
        if (!parse_u32(s, n, &sa.spi) || sa.spi == 0) {
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
            got = hex_bytes(s, n, dst, cap);
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
        const char *why = i == 0 ? (have_ealg ? ekey_len_problem(sa.ealg, (uint32_t)got) : NULL)
                                 : (have_aalg ? akey_len_problem(sa.aalg, (uint32_t)got) : NULL);
        if (why) {
            rules_diag_add(d, p, "%s", why);
            ok = false;
        }
    }
    if (ok && add_sa(out, &sa) != IMSEC_OK)
        rules_diag_add(d, path, "too many SAs");
    explicit_bzero(&sa, sizeof sa);
}

static void load_json(rules_diag *d, const uint8_t *buf, size_t len, keys_set *out)
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

/* ---- Wireshark esp_sa UAT ---------------------------------------------------------
 * Wireshark writes each field as "..." with bytes outside printable ASCII,
 * '"' and '\\' as \xNN (epan/uat.c uat_esc); records are lines; '#' starts a
 * comment line. */

#define UAT_MAX_FIELDS 12
#define UAT_FIELD_CAP 512

typedef struct {
    char v[UAT_MAX_FIELDS][UAT_FIELD_CAP];
    size_t len[UAT_MAX_FIELDS];
    size_t n;
} uat_row;

/* Splits one line into fields; false with a message on malformed input. */
static bool uat_split(const char *p, const char *end, uat_row *r, const char **why)
{
    r->n = 0;
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (r->n == UAT_MAX_FIELDS) {
            *why = "too many fields";
            return false;
        }
        size_t o = 0;
        char *dst = r->v[r->n];
        if (p < end && *p == '"') {
            p++;
            for (;;) {
                if (p >= end) {
                    *why = "unterminated quoted field";
                    return false;
                }
                char ch = *p++;
                if (ch == '"')
                    break;
                if (ch == '\\') {
                    if (p < end && *p == 'x' && end - p >= 3 && hexval(p[1]) >= 0 &&
                        hexval(p[2]) >= 0) {
                        ch = (char)(hexval(p[1]) << 4 | hexval(p[2]));
                        p += 3;
                    } else if (p < end) {
                        ch = *p++;
                    } else {
                        *why = "bad escape";
                        return false;
                    }
                }
                if (o + 1 >= UAT_FIELD_CAP) {
                    *why = "field too long";
                    return false;
                }
                dst[o++] = ch;
            }
        } else {
            while (p < end && *p != ',' && *p != ' ' && *p != '\t') {
                if (o + 1 >= UAT_FIELD_CAP) {
                    *why = "field too long";
                    return false;
                }
                dst[o++] = *p++;
            }
        }
        dst[o] = '\0';
        r->len[r->n++] = o;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (p == end)
            return true;
        if (*p != ',') {
            *why = "expected ',' between fields";
            return false;
        }
        p++;
    }
}

/* "1.2.3.4", "*", "10.1.*.*" (whole trailing octets as wildcards), an
 * IPv6 address, or "*". */
static bool uat_addr(const char *s, size_t n, rules_prefix *out)
{
    memset(out, 0, sizeof *out);
    if (n == 1 && s[0] == '*')
        return true;
    if (!memchr(s, '*', n))
        return rules_prefix_parse(s, n, out) && out->len == (out->addr.family == 4 ? 32 : 128);
    char tmp[16];
    unsigned wild = 0;
    if (n >= sizeof tmp)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '*') {
            if ((i > 0 && s[i - 1] != '.') || (i + 1 < n && s[i + 1] != '.'))
                return false;
            wild++;
            tmp[i] = '0';
        } else {
            if (wild && s[i] != '.')
                return false; /* only trailing octets may be wildcards */
            tmp[i] = s[i];
        }
    }
    if (!rules_prefix_parse(tmp, n, out) || out->addr.family != 4 || wild > 4)
        return false;
    out->len = (uint8_t)(32 - 8 * wild);
    if (out->len == 0)
        memset(out, 0, sizeof *out);
    return true;
}

/* A key: "0x" + hex, or the ASCII bytes themselves (Wireshark compute_ascii_key). */
static long uat_key(const char *s, size_t n, uint8_t *out, size_t cap)
{
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        return hex_bytes(s, n, out, cap);
    if (n > cap)
        return -1;
    memcpy(out, s, n);
    return (long)n;
}

static void uat_line(rules_diag *d, unsigned line, const char *p, const char *end, keys_set *out)
{
    char where[32];
    snprintf(where, sizeof where, "line %u", line);
    uat_row *r = calloc(1, sizeof *r);
    if (!r) {
        rules_diag_add(d, where, "out of memory");
        return;
    }
    const char *why = NULL;
    keys_sa sa;
    memset(&sa, 0, sizeof sa);
    sa.source_line = line;
    long got;
    if (!uat_split(p, end, r, &why)) {
        rules_diag_add(d, where, "%s", why);
        goto done;
    }
    if (r->n != 8 && r->n != 10) {
        rules_diag_add(d, where, "expected 8 or 10 esp_sa fields, got %zu", r->n);
        goto done;
    }
    bool ok = true;
    uint8_t fam = 0;
    if (eq_ci(r->v[0], r->len[0], "IPv4"))
        fam = 4;
    else if (eq_ci(r->v[0], r->len[0], "IPv6"))
        fam = 6;
    else if (!eq_ci(r->v[0], r->len[0], "Any")) {
        rules_diag_add(d, where, "protocol: expected IPv4, IPv6 or Any");
        ok = false;
    }
    for (int i = 1; i <= 2; i++) {
        rules_prefix *pf = i == 1 ? &sa.src : &sa.dst;
        if (!uat_addr(r->v[i], r->len[i], pf) ||
            (fam && pf->addr.family && pf->addr.family != fam)) {
            rules_diag_add(d, where, "%s: not an IPv%c address or wildcard",
                           i == 1 ? "src IP" : "dest IP", fam == 6 ? '6' : '4');
            ok = false;
        }
    }
    if (r->len[3] == 1 && r->v[3][0] == '*') {
        sa.spi_any = true;
    } else if (!parse_u32(r->v[3], r->len[3], &sa.spi) || sa.spi == 0) {
        rules_diag_add(d, where, "SPI: not a 32-bit SPI (\"0x00001001\")");
        ok = false;
    }
    bool have_e = keys_ealg_parse(r->v[4], r->len[4], &sa.ealg);
    bool have_a = keys_aalg_parse(r->v[6], r->len[6], &sa.aalg);
    if (!have_e) {
        char esc[64];
        rules_diag_add(d, where, "encryption: unsupported algorithm \"%s\"",
                       rules_diag_esc(r->v[4], r->len[4], esc, sizeof esc));
        ok = false;
    }
    if (!have_a) {
        char esc[64];
        rules_diag_add(d, where, "authentication: unsupported algorithm \"%s\"",
                       rules_diag_esc(r->v[6], r->len[6], esc, sizeof esc));
        ok = false;
    }
    got = uat_key(r->v[5], r->len[5], sa.ekey, sizeof sa.ekey);
    if (got < 0) {
        rules_diag_add(d, where, "encryption key: not hex or longer than %d bytes", KEYS_MAX_EKEY);
        ok = false;
    } else {
        sa.ekey_len = (uint32_t)got;
        const char *w = have_e ? ekey_len_problem(sa.ealg, sa.ekey_len) : NULL;
        if (w) {
            rules_diag_add(d, where, "encryption key: %s", w);
            ok = false;
        }
    }
    got = uat_key(r->v[7], r->len[7], sa.akey, sizeof sa.akey);
    if (got < 0) {
        rules_diag_add(d, where, "authentication key: not hex or longer than %d bytes",
                       KEYS_MAX_AKEY);
        ok = false;
    } else {
        sa.akey_len = (uint32_t)got;
        const char *w = have_a ? akey_len_problem(sa.aalg, sa.akey_len) : NULL;
        if (w) {
            rules_diag_add(d, where, "authentication key: %s", w);
            ok = false;
        }
    }
    if (r->n == 10) {
        const char *sn = r->v[8];
        size_t sl = r->len[8];
        if (eq_ci(sn, sl, "64-bit") || eq_ci(sn, sl, "64"))
            sa.esn = true;
        else if (!(sl == 0 || eq_ci(sn, sl, "32-bit") || eq_ci(sn, sl, "32") ||
                   eq_ci(sn, sl, "0"))) {
            rules_diag_add(d, where, "SN: expected 32-bit or 64-bit");
            ok = false;
        }
        char hx[16];
        size_t hl = r->len[9];
        if (hl && !(hl >= 2 && r->v[9][0] == '0' && (r->v[9][1] == 'x' || r->v[9][1] == 'X')) &&
            hl + 2 < sizeof hx) {
            hx[0] = '0';
            hx[1] = 'x';
            memcpy(hx + 2, r->v[9], hl);
            hl += 2;
        } else if (hl < sizeof hx) {
            memcpy(hx, r->v[9], hl);
        } else {
            hl = sizeof hx; /* too long: fails below */
        }
        if (r->len[9] && (hl >= sizeof hx || !parse_u32(hx, hl, &sa.esn_high))) {
            rules_diag_add(d, where, "ESN high bits: not a 32-bit hex number");
            ok = false;
        }
    }
    if (ok && add_sa(out, &sa) != IMSEC_OK)
        rules_diag_add(d, where, "too many SAs");
done:
    explicit_bzero(&sa, sizeof sa);
    explicit_bzero(r, sizeof *r);
    free(r);
}

static void load_uat(rules_diag *d, const uint8_t *buf, size_t len, keys_set *out)
{
    const char *p = (const char *)buf, *end = p + len;
    unsigned line = 0;
    size_t records = 0;
    while (p < end && d->count <= 1000) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        line++;
        const char *q = p;
        if (le > q && le[-1] == '\r')
            le--;
        while (q < le && (*q == ' ' || *q == '\t'))
            q++;
        if (q < le && *q != '#') {
            records++;
            uat_line(d, line, q, le, out);
        }
        p = nl ? nl + 1 : end;
    }
    if (records == 0 && d->count == 0)
        rules_diag_add(d, NULL, "no keys: neither a JSON keys file nor esp_sa records");
}

int keys_load_mem(keys_set *k, const char *name, const uint8_t *buf, size_t len, rules_diag *d)
{
    (void)name;
    if (len > (16u << 20)) {
        rules_diag_add(d, NULL, "file too large");
        return IMSEC_E_CONFIG;
    }
    keys_set tmp;
    keys_set_init(&tmp);
    unsigned before = d->count;
    size_t i = 0;
    if (len >= 3 && buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf)
        i = 3; /* UTF-8 byte order mark */
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    if (i < len && buf[i] == '{')
        load_json(d, buf + i, len - i, &tmp);
    else
        load_uat(d, buf + i, len - i, &tmp);
    int rc = d->count > before ? IMSEC_E_CONFIG : keys_merge(k, &tmp);
    if (rc == IMSEC_E_NOMEM)
        rules_diag_add(d, NULL, "out of memory");
    else if (rc == IMSEC_E_LIMIT)
        rules_diag_add(d, NULL, "too many keys");
    keys_set_fini(&tmp);
    return rc;
}
