/* keys: the key store (see keys.h). */
#include "crypto/keys.h"

#include <stdlib.h>
#include <string.h>

#include "base/imsec_str.h"

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

int keys_set_merge(keys_set *dst, keys_set *src)
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

int keys_set_add_sub(keys_set *k, const keys_subscriber *s)
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

int keys_set_add_sa(keys_set *k, const keys_sa *s)
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
