/* Milenage, TS 35.206 §4.1. Notation follows the spec: E_K is AES-128
 * under K, rot(x, r) rotates the 128-bit x by r bits towards the most
 * significant end (bit 0 is the MSB of byte 0). All r_i are multiples of 8,
 * so rotation is a byte rotation. */
#include "crypto/milenage.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

struct milenage_ctx {
    EVP_CIPHER_CTX *aes; /* AES-128-ECB keyed with K, padding off */
    uint8_t opc[MILENAGE_OP_LEN];
};

/* c1..c5 are 0,1,2,4,8 as 128-bit integers: only the last byte is set;
 * r1..r5 = 64, 0, 32, 64, 96 bits (TS 35.206 §4.1). */
static const uint8_t milenage_c[5] = {0x00, 0x01, 0x02, 0x04, 0x08};
static const uint8_t milenage_r[5] = {8, 0, 4, 8, 12}; /* in bytes */

static int milenage_e(milenage_ctx *m, const uint8_t in[16], uint8_t out[16])
{
    int n = 0;
    if (EVP_EncryptUpdate(m->aes, out, &n, in, 16) != 1 || n != 16)
        return IMSEC_E_CONFIG;
    return IMSEC_OK;
}

static EVP_CIPHER_CTX *milenage_aes_new(const uint8_t k[MILENAGE_K_LEN])
{
    EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (c == NULL || ctx == NULL || EVP_EncryptInit_ex2(ctx, c, k, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) {
        EVP_CIPHER_CTX_free(ctx);
        ctx = NULL;
    }
    EVP_CIPHER_free(c); /* the context keeps its own reference */
    return ctx;
}

milenage_ctx *milenage_new(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_OP_LEN])
{
    milenage_ctx *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    m->aes = milenage_aes_new(k);
    if (m->aes == NULL) {
        free(m);
        return NULL;
    }
    memcpy(m->opc, opc, MILENAGE_OP_LEN);
    return m;
}

milenage_ctx *milenage_new_op(const uint8_t k[MILENAGE_K_LEN], const uint8_t op[MILENAGE_OP_LEN])
{
    milenage_ctx *m = milenage_new(k, op);
    uint8_t t[16];
    if (m == NULL)
        return NULL;
    /* OPc = OP xor E_K(OP) */
    if (milenage_e(m, op, t) != IMSEC_OK) {
        milenage_free(m);
        return NULL;
    }
    for (size_t i = 0; i < 16; i++)
        m->opc[i] = (uint8_t)(t[i] ^ op[i]);
    OPENSSL_cleanse(t, sizeof t);
    return m;
}

void milenage_free(milenage_ctx *m)
{
    if (m == NULL)
        return;
    EVP_CIPHER_CTX_free(m->aes); /* cleanses the key schedule */
    OPENSSL_cleanse(m->opc, sizeof m->opc);
    free(m);
}

void milenage_get_opc(const milenage_ctx *m, uint8_t opc[MILENAGE_OP_LEN])
{
    memcpy(opc, m->opc, MILENAGE_OP_LEN);
}

int milenage_opc(const uint8_t k[MILENAGE_K_LEN], const uint8_t op[MILENAGE_OP_LEN],
                 uint8_t opc[MILENAGE_OP_LEN])
{
    milenage_ctx *m = milenage_new_op(k, op);
    if (m == NULL) {
        memset(opc, 0, MILENAGE_OP_LEN);
        return IMSEC_E_CONFIG;
    }
    milenage_get_opc(m, opc);
    milenage_free(m);
    return IMSEC_OK;
}

/* TEMP = E_K(RAND xor OPc) */
static int milenage_temp(milenage_ctx *m, const uint8_t rand[16], uint8_t temp[16])
{
    uint8_t x[16];
    for (size_t i = 0; i < 16; i++)
        x[i] = (uint8_t)(rand[i] ^ m->opc[i]);
    return milenage_e(m, x, temp);
}

/* OUTn = E_K(rot(TEMP xor OPc, rn) xor cn) xor OPc, n = 2..5 (idx = n-1) */
static int milenage_out(milenage_ctx *m, const uint8_t temp[16], unsigned idx, uint8_t out[16])
{
    uint8_t x[16], y[16];
    unsigned r = milenage_r[idx];
    for (unsigned i = 0; i < 16; i++)
        x[(i + 16 - r) % 16] = (uint8_t)(temp[i] ^ m->opc[i]);
    x[15] ^= milenage_c[idx];
    if (milenage_e(m, x, y) != IMSEC_OK)
        return IMSEC_E_CONFIG;
    for (unsigned i = 0; i < 16; i++)
        out[i] = (uint8_t)(y[i] ^ m->opc[i]);
    return IMSEC_OK;
}

int milenage_f1(milenage_ctx *m, const uint8_t rand[MILENAGE_RAND_LEN],
                const uint8_t sqn[MILENAGE_SQN_LEN], const uint8_t amf[MILENAGE_AMF_LEN],
                uint8_t mac_a[MILENAGE_MAC_LEN], uint8_t mac_s[MILENAGE_MAC_LEN])
{
    uint8_t temp[16], in1[16], x[16], out1[16];
    int rc = milenage_temp(m, rand, temp);
    if (rc != IMSEC_OK)
        goto done;
    /* IN1 = SQN || AMF || SQN || AMF */
    memcpy(in1, sqn, 6);
    memcpy(in1 + 6, amf, 2);
    memcpy(in1 + 8, sqn, 6);
    memcpy(in1 + 14, amf, 2);
    /* OUT1 = E_K(TEMP xor rot(IN1 xor OPc, r1) xor c1) xor OPc; c1 = 0 */
    for (unsigned i = 0; i < 16; i++)
        x[(i + 16 - milenage_r[0]) % 16] = (uint8_t)(in1[i] ^ m->opc[i]);
    for (unsigned i = 0; i < 16; i++)
        x[i] ^= temp[i];
    x[15] ^= milenage_c[0];
    rc = milenage_e(m, x, out1);
    if (rc != IMSEC_OK)
        goto done;
    for (unsigned i = 0; i < 16; i++)
        out1[i] ^= m->opc[i];
    if (mac_a != NULL)
        memcpy(mac_a, out1, 8);
    if (mac_s != NULL)
        memcpy(mac_s, out1 + 8, 8);
done:
    if (rc != IMSEC_OK) {
        if (mac_a != NULL)
            memset(mac_a, 0, MILENAGE_MAC_LEN);
        if (mac_s != NULL)
            memset(mac_s, 0, MILENAGE_MAC_LEN);
    }
    OPENSSL_cleanse(temp, sizeof temp);
    OPENSSL_cleanse(out1, sizeof out1);
    return rc;
}

int milenage_f2345(milenage_ctx *m, const uint8_t rand[MILENAGE_RAND_LEN],
                   uint8_t res[MILENAGE_RES_LEN], uint8_t ck[MILENAGE_CK_LEN],
                   uint8_t ik[MILENAGE_IK_LEN], uint8_t ak[MILENAGE_AK_LEN],
                   uint8_t ak_star[MILENAGE_AK_LEN])
{
    uint8_t temp[16], out[16];
    int rc = milenage_temp(m, rand, temp);
    if (rc == IMSEC_OK && (res != NULL || ak != NULL)) {
        rc = milenage_out(m, temp, 1, out); /* f5 = OUT2[0..47], f2 = OUT2[64..127] */
        if (rc == IMSEC_OK && ak != NULL)
            memcpy(ak, out, MILENAGE_AK_LEN);
        if (rc == IMSEC_OK && res != NULL)
            memcpy(res, out + 8, MILENAGE_RES_LEN);
    }
    if (rc == IMSEC_OK && ck != NULL)
        rc = milenage_out(m, temp, 2, ck); /* f3 = OUT3 */
    if (rc == IMSEC_OK && ik != NULL)
        rc = milenage_out(m, temp, 3, ik); /* f4 = OUT4 */
    if (rc == IMSEC_OK && ak_star != NULL) {
        rc = milenage_out(m, temp, 4, out); /* f5* = OUT5[0..47] */
        if (rc == IMSEC_OK)
            memcpy(ak_star, out, MILENAGE_AK_LEN);
    }
    if (rc != IMSEC_OK) {
        if (res != NULL)
            memset(res, 0, MILENAGE_RES_LEN);
        if (ck != NULL)
            memset(ck, 0, MILENAGE_CK_LEN);
        if (ik != NULL)
            memset(ik, 0, MILENAGE_IK_LEN);
        if (ak != NULL)
            memset(ak, 0, MILENAGE_AK_LEN);
        if (ak_star != NULL)
            memset(ak_star, 0, MILENAGE_AK_LEN);
    }
    OPENSSL_cleanse(temp, sizeof temp);
    OPENSSL_cleanse(out, sizeof out);
    return rc;
}

int milenage_autn(milenage_ctx *m, const uint8_t rand[MILENAGE_RAND_LEN],
                  const uint8_t sqn[MILENAGE_SQN_LEN], const uint8_t amf[MILENAGE_AMF_LEN],
                  uint8_t autn[MILENAGE_AUTN_LEN])
{
    uint8_t ak[MILENAGE_AK_LEN];
    int rc = milenage_f2345(m, rand, NULL, NULL, NULL, ak, NULL);
    if (rc == IMSEC_OK)
        rc = milenage_f1(m, rand, sqn, amf, autn + 8, NULL);
    if (rc != IMSEC_OK) {
        memset(autn, 0, MILENAGE_AUTN_LEN);
        return rc;
    }
    for (size_t i = 0; i < MILENAGE_SQN_LEN; i++)
        autn[i] = (uint8_t)(sqn[i] ^ ak[i]);
    memcpy(autn + 6, amf, MILENAGE_AMF_LEN);
    return IMSEC_OK;
}

int milenage_check_autn(milenage_ctx *m, const uint8_t rand[MILENAGE_RAND_LEN],
                        const uint8_t autn[MILENAGE_AUTN_LEN], milenage_ue_result *out)
{
    uint8_t xmac[MILENAGE_MAC_LEN];
    memset(out, 0, sizeof *out);
    int rc = milenage_f2345(m, rand, out->res, out->ck, out->ik, out->ak, NULL);
    if (rc != IMSEC_OK)
        goto fail;
    for (size_t i = 0; i < MILENAGE_SQN_LEN; i++)
        out->sqn[i] = (uint8_t)(autn[i] ^ out->ak[i]);
    memcpy(out->amf, autn + 6, MILENAGE_AMF_LEN);
    rc = milenage_f1(m, rand, out->sqn, out->amf, xmac, NULL);
    if (rc != IMSEC_OK)
        goto fail;
    out->mac_ok = CRYPTO_memcmp(xmac, autn + 8, MILENAGE_MAC_LEN) == 0;
    return IMSEC_OK;
fail:
    OPENSSL_cleanse(out, sizeof *out);
    return rc;
}

int milenage_auts(milenage_ctx *m, const uint8_t rand[MILENAGE_RAND_LEN],
                  const uint8_t sqn_ms[MILENAGE_SQN_LEN], uint8_t auts[MILENAGE_AUTS_LEN])
{
    static const uint8_t amf_star[MILENAGE_AMF_LEN] = {0, 0}; /* TS 33.102 §6.3.3 */
    uint8_t ak_star[MILENAGE_AK_LEN];
    int rc = milenage_f2345(m, rand, NULL, NULL, NULL, NULL, ak_star);
    if (rc == IMSEC_OK)
        rc = milenage_f1(m, rand, sqn_ms, amf_star, NULL, auts + 6);
    if (rc != IMSEC_OK) {
        memset(auts, 0, MILENAGE_AUTS_LEN);
        return rc;
    }
    for (size_t i = 0; i < MILENAGE_SQN_LEN; i++)
        auts[i] = (uint8_t)(sqn_ms[i] ^ ak_star[i]);
    return IMSEC_OK;
}

int milenage_auts_decode(milenage_ctx *m, const uint8_t rand[MILENAGE_RAND_LEN],
                         const uint8_t auts[MILENAGE_AUTS_LEN], uint8_t sqn_ms[MILENAGE_SQN_LEN],
                         bool *mac_ok)
{
    static const uint8_t amf_star[MILENAGE_AMF_LEN] = {0, 0};
    uint8_t ak_star[MILENAGE_AK_LEN], xmac_s[MILENAGE_MAC_LEN];
    *mac_ok = false;
    int rc = milenage_f2345(m, rand, NULL, NULL, NULL, NULL, ak_star);
    if (rc != IMSEC_OK) {
        memset(sqn_ms, 0, MILENAGE_SQN_LEN);
        return rc;
    }
    for (size_t i = 0; i < MILENAGE_SQN_LEN; i++)
        sqn_ms[i] = (uint8_t)(auts[i] ^ ak_star[i]);
    rc = milenage_f1(m, rand, sqn_ms, amf_star, NULL, xmac_s);
    if (rc != IMSEC_OK) {
        memset(sqn_ms, 0, MILENAGE_SQN_LEN);
        return rc;
    }
    *mac_ok = CRYPTO_memcmp(xmac_s, auts + 6, MILENAGE_MAC_LEN) == 0;
    return IMSEC_OK;
}
