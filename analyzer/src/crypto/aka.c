/* HTTP Digest AKA, RFC 3310 / RFC 4169, on top of RFC 2617 Digest. */
#include "crypto/aka.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

static const char *const aka_alg_names[AKA_ALG__COUNT] = {
    [AKA_ALG_UNKNOWN] = "unknown",
    [AKA_ALG_MD5] = "MD5",
    [AKA_ALG_AKAV1_MD5] = "AKAv1-MD5",
    [AKA_ALG_AKAV2_MD5] = "AKAv2-MD5",
};

const char *aka_alg_str(aka_alg a)
{
    return (unsigned)a < AKA_ALG__COUNT ? aka_alg_names[a] : "unknown";
}

aka_alg aka_alg_from_token(imsec_str tok)
{
    tok = imsec_str_trim(tok);
    if (tok.len == 0)
        return AKA_ALG_MD5;
    for (unsigned a = AKA_ALG_MD5; a < AKA_ALG__COUNT; a++)
        if (imsec_str_eq_cstr_ci(tok, aka_alg_names[a]))
            return (aka_alg)a;
    return AKA_ALG_UNKNOWN;
}

static void aka_hex(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0x0f];
    }
}

/* One MD5 over a list of pieces, joined by ':' (RFC 2617 §3.2.2.1/.2/.3),
 * written as 32 lowercase hex digits. */
static int aka_md5_hex(EVP_MD_CTX *ctx, const EVP_MD *md, const imsec_str *parts, size_t n,
                       char hex[AKA_DIGEST_HEX_LEN])
{
    uint8_t d[EVP_MAX_MD_SIZE];
    unsigned dl = 0;
    if (EVP_DigestInit_ex2(ctx, md, NULL) != 1)
        return IMSEC_E_CONFIG;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && EVP_DigestUpdate(ctx, ":", 1) != 1)
            return IMSEC_E_CONFIG;
        if (parts[i].len > 0 && EVP_DigestUpdate(ctx, parts[i].p, parts[i].len) != 1)
            return IMSEC_E_CONFIG;
    }
    if (EVP_DigestFinal_ex(ctx, d, &dl) != 1 || dl != 16)
        return IMSEC_E_CONFIG;
    aka_hex(d, 16, hex);
    OPENSSL_cleanse(d, sizeof d);
    return IMSEC_OK;
}

int aka_digest_response(const aka_digest_in *in, const uint8_t *pw, size_t pw_len,
                        char out[AKA_DIGEST_HEX_LEN + 1])
{
    char ha1[AKA_DIGEST_HEX_LEN], ha2[AKA_DIGEST_HEX_LEN], hbody[AKA_DIGEST_HEX_LEN];
    int rc = IMSEC_E_CONFIG;
    bool qop_none = in->qop.len == 0;
    bool qop_int = imsec_str_eq_cstr_ci(in->qop, "auth-int");
    memset(out, 0, AKA_DIGEST_HEX_LEN + 1);
    if (!qop_none && !qop_int && !imsec_str_eq_cstr_ci(in->qop, "auth"))
        return IMSEC_E_MALFORMED;
    if (pw_len > UINT32_MAX)
        return IMSEC_E_LIMIT;

    EVP_MD *md = EVP_MD_fetch(NULL, "MD5", NULL);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (md == NULL || ctx == NULL)
        goto fail;
    /* The password may hold any byte (RFC 3310 uses raw RES), so it is a
     * counted slice, never a C string. */
    imsec_str a1[3] = {in->username, in->realm, {(const char *)pw, (uint32_t)pw_len}};
    if ((rc = aka_md5_hex(ctx, md, a1, 3, ha1)) != IMSEC_OK)
        goto fail;
    if (qop_int) {
        /* RFC 2617 §3.2.2.3: A2 = Method ":" digest-uri ":" H(entity-body) */
        if ((rc = aka_md5_hex(ctx, md, &in->body, 1, hbody)) != IMSEC_OK)
            goto fail;
        imsec_str a2[3] = {in->method, in->uri, {hbody, AKA_DIGEST_HEX_LEN}};
        rc = aka_md5_hex(ctx, md, a2, 3, ha2);
    } else {
        imsec_str a2[2] = {in->method, in->uri};
        rc = aka_md5_hex(ctx, md, a2, 2, ha2);
    }
    if (rc != IMSEC_OK)
        goto fail;
    imsec_str h1 = {ha1, AKA_DIGEST_HEX_LEN}, h2 = {ha2, AKA_DIGEST_HEX_LEN};
    if (qop_none) {
        imsec_str r[3] = {h1, in->nonce, h2}; /* RFC 2617 §3.2.2.1, RFC 2069 form */
        rc = aka_md5_hex(ctx, md, r, 3, out);
    } else {
        imsec_str r[6] = {h1, in->nonce, in->nc, in->cnonce, in->qop, h2};
        rc = aka_md5_hex(ctx, md, r, 6, out);
    }
fail:
    if (rc != IMSEC_OK)
        memset(out, 0, AKA_DIGEST_HEX_LEN + 1);
    OPENSSL_cleanse(ha1, sizeof ha1);
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
    return rc;
}

int aka_digest_verify(const aka_digest_in *in, const uint8_t *pw, size_t pw_len,
                      imsec_str response, bool *match)
{
    char want[AKA_DIGEST_HEX_LEN + 1], got[AKA_DIGEST_HEX_LEN];
    *match = false;
    int rc = aka_digest_response(in, pw, pw_len, want);
    if (rc != IMSEC_OK)
        return rc;
    if (response.len != AKA_DIGEST_HEX_LEN)
        return IMSEC_OK;
    /* RFC 2617 asks for LHEX; accept upper case too, then compare in
     * constant time so the check leaks nothing about the expected value. */
    for (uint32_t i = 0; i < AKA_DIGEST_HEX_LEN; i++)
        got[i] = (char)imsec_ascii_lower((unsigned char)response.p[i]);
    *match = CRYPTO_memcmp(got, want, AKA_DIGEST_HEX_LEN) == 0;
    return IMSEC_OK;
}

int aka_v2_password(const uint8_t *res, size_t res_len, const uint8_t ik[MILENAGE_IK_LEN],
                    const uint8_t ck[MILENAGE_CK_LEN], char out[AKA_V2_PASSWORD_LEN + 1])
{
    static const char label[] = "http-digest-akav2-password";
    uint8_t key[16 + MILENAGE_IK_LEN + MILENAGE_CK_LEN], mac[EVP_MAX_MD_SIZE];
    size_t maclen = 0;
    int rc = IMSEC_E_CONFIG;
    memset(out, 0, AKA_V2_PASSWORD_LEN + 1);
    if (res_len < 4 || res_len > 16)
        return IMSEC_E_MALFORMED;
    /* RFC 4169 §3: PRF(RES || IK || CK, "http-digest-akav2-password"),
     * PRF = HMAC-MD5 for AKAv2-MD5. */
    memcpy(key, res, res_len);
    memcpy(key + res_len, ik, MILENAGE_IK_LEN);
    memcpy(key + res_len + MILENAGE_IK_LEN, ck, MILENAGE_CK_LEN);
    if (EVP_Q_mac(NULL, "HMAC", NULL, "MD5", NULL, key, res_len + 32, (const uint8_t *)label,
                  sizeof label - 1, mac, sizeof mac, &maclen) != NULL &&
        maclen == 16 && EVP_EncodeBlock((unsigned char *)out, mac, 16) == AKA_V2_PASSWORD_LEN)
        rc = IMSEC_OK;
    else
        memset(out, 0, AKA_V2_PASSWORD_LEN + 1);
    OPENSSL_cleanse(key, sizeof key);
    OPENSSL_cleanse(mac, sizeof mac);
    return rc;
}

int aka_nonce_decode(imsec_str nonce, uint8_t rand[MILENAGE_RAND_LEN],
                     uint8_t autn[MILENAGE_AUTN_LEN])
{
    /* Only the first 32 bytes matter and server-specific data may follow
     * (RFC 3310 §3.2), so decode just the first 44 characters (a whole
     * number of base64 quanta, 32 or 33 bytes); the rest is not ours to
     * judge and its length cannot make us work harder. */
    uint8_t buf[36];
    if (nonce.len > 44)
        nonce.len = 44;
    long n = imsec_base64_decode(nonce, buf, sizeof buf);
    if (n < MILENAGE_RAND_LEN + MILENAGE_AUTN_LEN) {
        memset(rand, 0, MILENAGE_RAND_LEN);
        memset(autn, 0, MILENAGE_AUTN_LEN);
        return IMSEC_E_MALFORMED;
    }
    memcpy(rand, buf, MILENAGE_RAND_LEN);
    memcpy(autn, buf + MILENAGE_RAND_LEN, MILENAGE_AUTN_LEN);
    return IMSEC_OK;
}

int aka_auts_decode(milenage_ctx *m, const uint8_t rand[MILENAGE_RAND_LEN], imsec_str auts,
                    uint8_t sqn_ms[MILENAGE_SQN_LEN], bool *mac_ok)
{
    uint8_t raw[MILENAGE_AUTS_LEN + 4];
    *mac_ok = false;
    memset(sqn_ms, 0, MILENAGE_SQN_LEN);
    auts = imsec_str_trim(auts);
    bool ok = false;
    if (auts.len == 2 * MILENAGE_AUTS_LEN)
        ok = imsec_str_hex_decode(auts, raw, MILENAGE_AUTS_LEN); /* SIPp's hex form */
    if (!ok)
        ok = imsec_base64_decode(auts, raw, sizeof raw) == MILENAGE_AUTS_LEN;
    if (!ok)
        return IMSEC_E_MALFORMED;
    return milenage_auts_decode(m, rand, raw, sqn_ms, mac_ok);
}
