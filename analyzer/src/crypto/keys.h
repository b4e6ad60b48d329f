/* keys: the key store — subscriber secrets (K, OP/OPc, AMF for Milenage,
 * TS 35.206) and explicit ESP SAs, as loaded from --keys files by
 * rules/keys.h. Everything is owned bytes; key bytes are wiped on fini.
 *
 * The SA selectors are rules_prefix values (an address with a prefix
 * length, "any" for a "*" wildcard): the same prefix type the site profile
 * uses, so a keys file and a rules file spell addresses alike. */
#ifndef IMSEC_CRYPTO_KEYS_H
#define IMSEC_CRYPTO_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imsec/imsec.h"
#include "rules/prefix.h"

/* ESP encryption transforms (RFC 4303; TS 33.203 §6.3 lists des-ede3-cbc,
 * aes-cbc and null for IMS). */
typedef enum {
    KEYS_EALG_NULL = 0,
    KEYS_EALG_DES_EDE3_CBC,
    KEYS_EALG_AES_CBC,
    KEYS_EALG_AES_CTR,     /* key includes the 4-byte nonce (RFC 3686) */
    KEYS_EALG_DES_CBC,
    KEYS_EALG_AES_GCM_8,   /* key includes the 4-byte salt (RFC 4106) */
    KEYS_EALG_AES_GCM_12,
    KEYS_EALG_AES_GCM_16,
    KEYS_EALG__COUNT
} keys_ealg;

typedef enum {
    KEYS_AALG_NULL = 0,
    KEYS_AALG_HMAC_MD5_96,
    KEYS_AALG_HMAC_SHA1_96,
    KEYS_AALG_HMAC_SHA256_96,
    KEYS_AALG_HMAC_SHA256_128,
    KEYS_AALG_HMAC_SHA384_192,
    KEYS_AALG_HMAC_SHA512_256,
    KEYS_AALG_ANY_64,      /* ICV of that many bits, not checked */
    KEYS_AALG_ANY_96,
    KEYS_AALG_ANY_128,
    KEYS_AALG_ANY_192,
    KEYS_AALG_ANY_256,
    KEYS_AALG__COUNT
} keys_aalg;

/* Canonical names as in the JSON keys file: "null", "des-ede3-cbc",
 * "aes-cbc", "aes-ctr", "des-cbc", "aes-gcm-8", "aes-gcm-12", "aes-gcm-16";
 * "null", "hmac-md5-96", "hmac-sha-1-96", "hmac-sha-256-96",
 * "hmac-sha-256-128", "hmac-sha-384-192", "hmac-sha-512-256", "any-64".."any-256". */
const char *keys_ealg_str(keys_ealg a);
const char *keys_aalg_str(keys_aalg a);
bool keys_ealg_parse(const char *s, size_t n, keys_ealg *out);
bool keys_aalg_parse(const char *s, size_t n, keys_aalg *out);
/* ICV length in bytes (0 for null); for AES-GCM the ICV comes from the ealg. */
uint32_t keys_aalg_icv_len(keys_aalg a);

#define KEYS_MAX_EKEY 36
#define KEYS_MAX_AKEY 64
#define KEYS_IMPI_MAX 256

typedef struct {
    char impi[KEYS_IMPI_MAX];  /* NUL-terminated */
    uint8_t k[16];
    uint8_t op_or_opc[16];
    bool is_opc;               /* op_or_opc holds OPc (else OP; Milenage derives OPc) */
    uint8_t amf[2];
    bool has_amf;
} keys_subscriber;

typedef struct {
    uint32_t spi;
    bool spi_any;
    rules_prefix src, dst;    /* family 0 = any ("*") */
    keys_ealg ealg;
    uint8_t ekey[KEYS_MAX_EKEY];
    uint32_t ekey_len;
    keys_aalg aalg;
    uint8_t akey[KEYS_MAX_AKEY];
    uint32_t akey_len;
    bool esn;                  /* 64-bit sequence numbers (RFC 4303 §2.2.1) */
    uint32_t esn_high;
    uint32_t source_line;      /* line in a UAT file, 0 for JSON */
} keys_sa;

typedef struct {
    keys_subscriber *subs;
    size_t nsubs;
    keys_sa *sas;
    size_t nsas;
} keys_set;

/* Limits per keys_set: far beyond a lab capture, small enough for memory. */
#define KEYS_MAX_SUBS 100000
#define KEYS_MAX_SAS 100000

void keys_set_init(keys_set *k);
void keys_set_fini(keys_set *k);  /* wipes key bytes */
const keys_subscriber *keys_find_subscriber(const keys_set *k, const char *impi, size_t len);
/* Best SA for an ESP packet: exact SPI before wildcard, in load order. NULL if none. */
const keys_sa *keys_find_sa(const keys_set *k, uint32_t spi, const imsec_addr *src,
                            const imsec_addr *dst);
/* Moves the entries of src into dst, replacing same IMPI / same SA
 * (IMSEC_E_LIMIT past KEYS_MAX_*, IMSEC_E_NOMEM). */
IMSEC_NODISCARD int keys_set_merge(keys_set *dst, keys_set *src);
/* Appends one entry (copied). */
IMSEC_NODISCARD int keys_set_add_sub(keys_set *k, const keys_subscriber *s);
IMSEC_NODISCARD int keys_set_add_sa(keys_set *k, const keys_sa *s);

#endif
