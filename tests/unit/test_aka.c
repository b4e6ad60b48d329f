/* HTTP Digest AKA known answers (testdata/ims-aka-digest) and AUTS.
 *
 * Vectors 1 and 2 use the 3GPP TS 34.108 §8.1.2 XOR test algorithm, which is
 * test data and so lives here, not in libimsec. Vector 3 is the RFC 2617
 * §3.5 example. The no-qop and auth-int values were computed with Python's
 * hashlib from the RFC 2617 formulas. The AKAv2-MD5 password is checked
 * against ims-security-reference.md §4.4, which was derived with the same
 * recipe (no independent published vector was found). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "crypto/aka.h"
#include "testutil.h"

static void hex(const char *s, uint8_t *out, size_t n)
{
    assert_int_equal(strlen(s), 2 * n);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

static imsec_str S(const char *s) { return imsec_str_make(s, strlen(s)); }

/* TS 34.108 XOR test algorithm, with the conventions of the corpus README:
 * XDOUT = K xor RAND, RES = XDOUT (16 bytes), AK = XDOUT[3..8],
 * MAC = XDOUT[0..7] xor (SQN || AMF). */
static void xor_test_alg(const uint8_t k[16], const uint8_t rnd[16], const uint8_t sqn[6],
                         const uint8_t amf[2], uint8_t res[16], uint8_t autn[16])
{
    uint8_t xd[16], sqnamf[8];
    for (int i = 0; i < 16; i++)
        xd[i] = (uint8_t)(k[i] ^ rnd[i]);
    memcpy(res, xd, 16);
    memcpy(sqnamf, sqn, 6);
    memcpy(sqnamf + 6, amf, 2);
    for (int i = 0; i < 6; i++)
        autn[i] = (uint8_t)(sqn[i] ^ xd[3 + i]);
    memcpy(autn + 6, amf, 2);
    for (int i = 0; i < 8; i++)
        autn[8 + i] = (uint8_t)(xd[i] ^ sqnamf[i]);
}

struct xor_vec {
    const char *k, *rnd, *user, *realm, *uri, *cnonce, *nonce, *response;
};

static const struct xor_vec xor_vecs[] = {
    {"000102030405060708090a0b0c0d0e0f", "00000000000000000000000000000000",
     "466058041131504@ims.mnc005.mcc466.3gppnetwork.org", "ims.mnc005.mcc466.3gppnetwork.org",
     "sip:ims.mnc005.mcc466.3gppnetwork.org", "YD05duxy",
     "AAAAAAAAAAAAAAAAAAAAAAMEBQYHCAAAAAECAwQFBgc=", "c76c2c281a21c0d6131e667d61a6bdf5"},
    {"000102030405060708090a0b0c0d0e0f", "000102030405060708090a0b0c0d0e0f",
     "450050020150513@ims.mnc005.mcc450.3gppnetwork.org", "ims.mnc005.mcc450.3gppnetwork.org",
     "sip:ims.mnc005.mcc450.3gppnetwork.org", "v0KBLdbU",
     "AAECAwQFBgcICQoLDA0ODwAAAAAAAAAAAAAAAAAAAAA=", "c0c4c5a9cfc885bb697aa61a2a2c5466"},
};

static void test_akav1_xor_vectors(void **state)
{
    (void)state;
    for (size_t v = 0; v < sizeof xor_vecs / sizeof xor_vecs[0]; v++) {
        const struct xor_vec *x = &xor_vecs[v];
        uint8_t k[16], rnd[16], sqn[6] = {0}, amf[2] = {0}, res[16], autn[16];
        hex(x->k, k, 16);
        hex(x->rnd, rnd, 16);
        xor_test_alg(k, rnd, sqn, amf, res, autn);

        /* nonce = base64(RAND || AUTN), RFC 3310 §3.2 */
        uint8_t both[32];
        char b64[64];
        memcpy(both, rnd, 16);
        memcpy(both + 16, autn, 16);
        assert_int_equal(EVP_EncodeBlock((unsigned char *)b64, both, 32), 44);
        assert_string_equal(b64, x->nonce);
        uint8_t r2[16], a2[16];
        assert_int_equal(aka_nonce_decode(S(x->nonce), r2, a2), IMSEC_OK);
        assert_memory_equal(r2, rnd, 16);
        assert_memory_equal(a2, autn, 16);

        aka_digest_in in = {.username = S(x->user), .realm = S(x->realm),
                            .nonce = S(x->nonce), .method = S("REGISTER"),
                            .uri = S(x->uri), .qop = S("auth"), .nc = S("00000001"),
                            .cnonce = S(x->cnonce)};
        char out[AKA_DIGEST_HEX_LEN + 1];
        /* The password is the 16 raw RES bytes (RFC 3310 §3.3). */
        assert_int_equal(aka_digest_response(&in, res, 16, out), IMSEC_OK);
        assert_string_equal(out, x->response);
        bool match = false;
        assert_int_equal(aka_digest_verify(&in, res, 16, S(x->response), &match), IMSEC_OK);
        assert_true(match);
        /* Traps from the corpus README: RES cut to 8 bytes, or RES as hex. */
        assert_int_equal(aka_digest_verify(&in, res, 8, S(x->response), &match), IMSEC_OK);
        assert_false(match);
        char reshex[33];
        for (int i = 0; i < 16; i++)
            snprintf(reshex + 2 * i, 3, "%02x", res[i]);
        assert_int_equal(aka_digest_verify(&in, (const uint8_t *)reshex, 32, S(x->response),
                                           &match),
                         IMSEC_OK);
        assert_false(match);
    }
}

static void test_rfc2617_example(void **state)
{
    (void)state;
    static const char pw[] = "Circle Of Life";
    aka_digest_in in = {.username = S("Mufasa"), .realm = S("testrealm@host.com"),
                        .nonce = S("dcd98b7102dd2f0e8b11d0f600bfb0c093"), .method = S("GET"),
                        .uri = S("/dir/index.html"), .qop = S("auth"), .nc = S("00000001"),
                        .cnonce = S("0a4f113b")};
    char out[AKA_DIGEST_HEX_LEN + 1];
    bool match;
    assert_int_equal(aka_digest_response(&in, (const uint8_t *)pw, 14, out), IMSEC_OK);
    assert_string_equal(out, "6629fae49393a05397450978507c4ef1");
    /* Upper-case hex is accepted; any other change is not. */
    assert_int_equal(aka_digest_verify(&in, (const uint8_t *)pw, 14,
                                       S("6629FAE49393A05397450978507C4EF1"), &match),
                     IMSEC_OK);
    assert_true(match);
    static const char *const bad[] = {"6629fae49393a05397450978507c4ef0",
                                      "6629fae49393a05397450978507c4ef", "",
                                      "6629fae49393a05397450978507c4ef1a"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(aka_digest_verify(&in, (const uint8_t *)pw, 14, S(bad[i]), &match),
                         IMSEC_OK);
        assert_false(match);
    }
    /* Without qop (RFC 2617 §3.2.2.1, RFC 2069 form). */
    in.qop = S("");
    assert_int_equal(aka_digest_response(&in, (const uint8_t *)pw, 14, out), IMSEC_OK);
    assert_string_equal(out, "670fd8c2df070c60b045671b8b24ff02");
    /* auth-int with body "v=0\r\n" (RFC 2617 §3.2.2.3). */
    in.qop = S("auth-int");
    in.body = S("v=0\r\n");
    assert_int_equal(aka_digest_response(&in, (const uint8_t *)pw, 14, out), IMSEC_OK);
    assert_string_equal(out, "151b6cabb7e59e0ac757207a039ff3d0");
    in.qop = S("auth-conf");
    assert_int_equal(aka_digest_response(&in, (const uint8_t *)pw, 14, out), IMSEC_E_MALFORMED);
    assert_string_equal(out, "");
}

static void test_alg_tokens(void **state)
{
    (void)state;
    assert_int_equal(aka_alg_from_token(S("AKAv1-MD5")), AKA_ALG_AKAV1_MD5);
    assert_int_equal(aka_alg_from_token(S("akav2-md5")), AKA_ALG_AKAV2_MD5);
    assert_int_equal(aka_alg_from_token(S("MD5")), AKA_ALG_MD5);
    assert_int_equal(aka_alg_from_token(S("")), AKA_ALG_MD5);
    assert_int_equal(aka_alg_from_token(S("AKAv3-MD5")), AKA_ALG_UNKNOWN);
    assert_string_equal(aka_alg_str(AKA_ALG_AKAV1_MD5), "AKAv1-MD5");
}

/* Milenage set 1: nonce, AKAv2 password, AUTS (reference §4.4, §4.5). */
static void test_set1_akav2_and_auts(void **state)
{
    (void)state;
    uint8_t k[16], opc[16], rnd[16], autn[16], res[8], ck[16], ik[16];
    hex("465b5ce8b199b49faa5f0a2ee238a6bc", k, 16);
    hex("cd63cb71954a9f4e48a5994e37a02baf", opc, 16);
    milenage_ctx *m = milenage_new(k, opc);
    assert_non_null(m);
    assert_int_equal(aka_nonce_decode(S("I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M="), rnd, autn),
                     IMSEC_OK);
    milenage_ue_result ue;
    assert_int_equal(milenage_check_autn(m, rnd, autn, &ue), IMSEC_OK);
    assert_true(ue.mac_ok);
    uint8_t want[8];
    hex("ff9bb4d0b607", want, 6);
    assert_memory_equal(ue.sqn, want, 6);
    assert_int_equal(milenage_f2345(m, rnd, res, ck, ik, NULL, NULL), IMSEC_OK);
    char pw[AKA_V2_PASSWORD_LEN + 1];
    assert_int_equal(aka_v2_password(res, 8, ik, ck, pw), IMSEC_OK);
    assert_string_equal(pw, "shzt3q8CWaZnCAWqs3WmEQ==");
    assert_int_equal(aka_v2_password(res, 3, ik, ck, pw), IMSEC_E_MALFORMED);

    /* Nonce with server data after AUTN is fine; short or bad base64 is not. */
    assert_int_equal(
        aka_nonce_decode(S("I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7MAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="),
                         rnd, autn),
        IMSEC_OK);
    assert_int_equal(aka_nonce_decode(S("I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7"), rnd, autn),
                     IMSEC_E_MALFORMED);
    assert_int_equal(aka_nonce_decode(S("I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M!"), rnd, autn),
                     IMSEC_E_MALFORMED);
    assert_int_equal(aka_nonce_decode(S(""), rnd, autn), IMSEC_E_MALFORMED);

    hex("23553cbe9637a89d218ae64dae47bf35", rnd, 16);
    uint8_t sqn_ms[6];
    bool ok = false;
    assert_int_equal(aka_auts_decode(m, rnd, S("uoU/PBI8z0TpNZbjVcY="), sqn_ms, &ok), IMSEC_OK);
    assert_true(ok);
    assert_memory_equal(sqn_ms, want, 6);
    assert_int_equal(aka_auts_decode(m, rnd, S("ba853f3c123ccf44e93596e355c6"), sqn_ms, &ok),
                     IMSEC_OK); /* SIPp's hex form */
    assert_true(ok);
    assert_int_equal(aka_auts_decode(m, rnd, S("uoU/PBI8z0TpNZbjVdY="), sqn_ms, &ok), IMSEC_OK);
    assert_false(ok);
    assert_int_equal(aka_auts_decode(m, rnd, S("uoU/PBI8z0TpNZbjVc=="), sqn_ms, &ok),
                     IMSEC_E_MALFORMED);
    assert_int_equal(aka_auts_decode(m, rnd, S(""), sqn_ms, &ok), IMSEC_E_MALFORMED);
    assert_false(ok);
    milenage_free(m);
}

/* Every prefix of a nonce and an auts must give a clean result. */
static void test_prefixes(void **state)
{
    (void)state;
    static const char nonce[] = "I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=";
    static const char auts[] = "uoU/PBI8z0TpNZbjVcY=";
    uint8_t k[16] = {0}, rnd[16], autn[16], sqn[6];
    milenage_ctx *m = milenage_new(k, k);
    assert_non_null(m);
    for (size_t n = 0; n < sizeof nonce - 1; n++) {
        const char *p = (const char *)guard_copy(nonce, n);
        int rc = aka_nonce_decode(imsec_str_make(p, n), rnd, autn);
        assert_true(rc == IMSEC_OK ? n >= 43 : rc == IMSEC_E_MALFORMED);
    }
    for (size_t n = 0; n < sizeof auts - 1; n++) {
        const char *p = (const char *)guard_copy(auts, n);
        bool ok;
        int rc = aka_auts_decode(m, rnd, imsec_str_make(p, n), sqn, &ok);
        assert_true(rc == IMSEC_OK ? n >= 19 : rc == IMSEC_E_MALFORMED);
    }
    guard_free();
    milenage_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_akav1_xor_vectors), cmocka_unit_test(test_rfc2617_example),
        cmocka_unit_test(test_alg_tokens),        cmocka_unit_test(test_set1_akav2_and_auts),
        cmocka_unit_test(test_prefixes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
