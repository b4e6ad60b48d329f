/* Keys files: the imsec JSON format and Wireshark's esp_sa UAT. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules/config.h"
#include "rules/keys.h"

#define BIG 8192

static imsec_config *new_cfg(void)
{
    char err[IMSEC_ERRBUF];
    imsec_config *c = imsec_config_new(err);
    assert_non_null(c);
    return c;
}

static int load(imsec_config *c, const char *text, char *err)
{
    return rules_load_keys_mem(c, "k.txt", text, strlen(text), err, BIG);
}

static void test_json_ok(void **state)
{
    (void)state;
    char err[BIG];
    imsec_config *c = new_cfg();
    const char *txt =
        "{ \"subscribers\": [ { \"impi\": \"user1@home1.net\", \"k\": \"465b5ce8b199b49faa5f0a2ee238a6bc\",\n"
        "     \"opc\": \"cd63cb71954a9f4e48a5994e37a02baf\", \"amf\": \"b9b9\" },\n"
        "   { \"impi\": \"user2@home1.net\", \"k\": \"0x465b5ce8b199b49faa5f0a2ee238a6bc\",\n"
        "     \"op\": \"cdc202d5123e20f62b6d676ac72cb318\" } ],\n"
        "  \"sas\": [ { \"spi\": \"0x1001\", \"src\": \"10.1.0.10\", \"dst\": \"10.1.0.1\",\n"
        "     \"ealg\": \"aes-cbc\", \"ekey\": \"000102030405060708090a0b0c0d0e0f\",\n"
        "     \"alg\": \"hmac-sha-1-96\", \"akey\": \"000102030405060708090a0b0c0d0e0f10111213\" },\n"
        "   { \"spi\": 8194, \"src\": \"2001:db8::1\", \"dst\": \"*\", \"ealg\": \"null\",\n"
        "     \"alg\": \"hmac-md5-96\", \"akey\": \"00112233445566778899aabbccddeeff\" } ] }\n";
    assert_int_equal(load(c, txt, err), IMSEC_OK);
    const keys_set *k = rules_config_keys(c);
    assert_int_equal(k->nsubs, 2);
    assert_int_equal(k->nsas, 2);
    const keys_subscriber *s = keys_find_subscriber(k, "user1@home1.net", 15);
    assert_non_null(s);
    assert_true(s->is_opc);
    assert_true(s->has_amf);
    assert_int_equal(s->k[0], 0x46);
    assert_int_equal(s->k[15], 0xbc);
    assert_int_equal(s->op_or_opc[0], 0xcd);
    assert_int_equal(s->amf[0], 0xb9);
    s = keys_find_subscriber(k, "user2@home1.net", 15);
    assert_non_null(s);
    assert_false(s->is_opc);
    assert_false(s->has_amf);
    assert_int_equal(s->op_or_opc[15], 0x18);
    assert_null(keys_find_subscriber(k, "user1@home1.ne", 14));

    imsec_addr a, b;
    assert_true(imsec_addr_parse("10.1.0.10", 9, &a));
    assert_true(imsec_addr_parse("10.1.0.1", 8, &b));
    const keys_sa *sa = keys_find_sa(k, 0x1001, &a, &b);
    assert_non_null(sa);
    assert_int_equal(sa->ealg, KEYS_EALG_AES_CBC);
    assert_int_equal(sa->ekey_len, 16);
    assert_int_equal(sa->ekey[15], 0x0f);
    assert_int_equal(sa->aalg, KEYS_AALG_HMAC_SHA1_96);
    assert_int_equal(sa->akey_len, 20);
    assert_int_equal(keys_aalg_icv_len(sa->aalg), 12);
    assert_null(keys_find_sa(k, 0x1001, &b, &a)); /* direction matters */
    assert_true(imsec_addr_parse("2001:db8::1", 11, &a));
    sa = keys_find_sa(k, 0x2002, &a, &b);
    assert_non_null(sa);
    assert_int_equal(sa->ealg, KEYS_EALG_NULL);
    assert_int_equal(sa->ekey_len, 0);

    /* a second file replaces the same IMPI / the same SA, appends others */
    assert_int_equal(load(c,
                          "{\"subscribers\":[{\"impi\":\"user1@home1.net\",\"k\":\"00000000000000000000000000000001\","
                          "\"opc\":\"00000000000000000000000000000002\"}],"
                          "\"sas\":[{\"spi\":\"4097\",\"src\":\"10.1.0.10\",\"dst\":\"10.1.0.1\","
                          "\"ealg\":\"des-ede3-cbc\",\"ekey\":\"000102030405060708090a0b0c0d0e0f1011121314151617\","
                          "\"alg\":\"hmac-md5-96\",\"akey\":\"00112233445566778899aabbccddeeff\"}]}",
                          err),
                     IMSEC_OK);
    k = rules_config_keys(c);
    assert_int_equal(k->nsubs, 2);
    assert_int_equal(k->nsas, 2);
    assert_int_equal(keys_find_subscriber(k, "user1@home1.net", 15)->k[15], 1);
    assert_true(imsec_addr_parse("10.1.0.10", 9, &a));
    assert_int_equal(keys_find_sa(k, 0x1001, &a, &b)->ealg, KEYS_EALG_DES_EDE3_CBC);
    imsec_config_free(c);
}

static void test_json_errors(void **state)
{
    (void)state;
    char err[BIG];
    imsec_config *c = new_cfg();
    const char *bad =
        "{\"subscribers\":[{\"impi\":\"\",\"k\":\"465b\",\"opc\":\"zz\",\"x\":1},\n"
        "  {\"impi\":\"a@b\",\"k\":\"465b5ce8b199b49faa5f0a2ee238a6bc\"},\n"
        "  {\"impi\":\"c@d\",\"k\":\"465b5ce8b199b49faa5f0a2ee238a6bc\",\"op\":\"cdc202d5123e20f62b6d676ac72cb318\","
        "\"opc\":\"cdc202d5123e20f62b6d676ac72cb318\",\"amf\":\"b9\"}],\n"
        " \"sas\":[{\"spi\":\"0\",\"src\":\"10.1.0.300\",\"dst\":\"10.1.0.1\",\"ealg\":\"rot13\","
        "\"alg\":\"hmac-sha-1-96\"},\n"
        "  {\"spi\":\"0x1001\",\"src\":\"10.1.0.1\",\"dst\":\"10.1.0.2\",\"ealg\":\"aes-cbc\","
        "\"ekey\":\"0011\",\"alg\":\"null\",\"akey\":\"00\"}],\n"
        " \"extra\":[]}";
    assert_int_equal(load(c, bad, err), IMSEC_E_CONFIG);
    assert_string_equal(
        err,
        "k.txt: subscribers[0].x: unknown key\n"
        "k.txt: subscribers[0].impi: must be 1..255 characters without NUL\n"
        "k.txt: subscribers[0].k: must be 16 bytes (32 hex digits), got 2\n"
        "k.txt: subscribers[0].opc: not a hex string\n"
        "k.txt: subscribers[1]: missing opc or op\n"
        "k.txt: subscribers[2].amf: must be 2 bytes (4 hex digits), got 1\n"
        "k.txt: subscribers[2]: give either opc or op, not both\n"
        "k.txt: sas[0].spi: not an SPI (\"0x1001\" or 4097, not 0)\n"
        "k.txt: sas[0].src: not an IP address\n"
        "k.txt: sas[0].ealg: unknown encryption algorithm\n"
        "k.txt: sas[0].akey: missing for an HMAC algorithm\n"
        "k.txt: sas[1].ekey: must be 16, 24 or 32 bytes for aes-cbc\n"
        "k.txt: sas[1].akey: must be empty for null authentication\n"
        "k.txt: extra: unknown top-level key (expected subscribers or sas)");
    assert_int_equal(rules_config_keys(c)->nsubs, 0); /* nothing merged */
    assert_int_equal(rules_config_keys(c)->nsas, 0);
    assert_int_equal(load(c, "{\"sas\":{}}", err), IMSEC_E_CONFIG);
    assert_string_equal(err, "k.txt: sas: expected an array");
    assert_int_equal(load(c, "{\"sas\":[}", err), IMSEC_E_CONFIG);
    assert_string_equal(err, "k.txt: line 1: JSON syntax error: unexpected character");
    assert_int_equal(load(c, "   \n# only a comment\n", err), IMSEC_E_CONFIG);
    assert_string_equal(err, "k.txt: no keys: neither a JSON keys file nor esp_sa records");
    imsec_config_free(c);
}

/* As Wireshark 4.0 writes ~/.config/wireshark/esp_sa. */
static const char uat40[] =
    "# This file is automatically generated, DO NOT MODIFY.\n"
    "\"IPv4\",\"10.1.0.10\",\"10.1.0.1\",\"0x00001001\",\"AES-CBC [RFC3602]\","
    "\"0x000102030405060708090a0b0c0d0e0f\",\"HMAC-SHA-1-96 [RFC2404]\","
    "\"0x000102030405060708090a0b0c0d0e0f10111213\",\"32-bit\",\"0\"\r\n"
    "\"IPv6\",\"2001:db8::1\",\"*\",\"0x00002002\",\"NULL\",\"\",\"HMAC-MD5-96 [RFC2403]\","
    "\"0x00112233445566778899aabbccddeeff\",\"64-bit\",\"1a\"\n"
    "\"Any\",\"*\",\"*\",\"*\",\"AES-GCM with 16 octet ICV [RFC4106]\","
    "\"0x000102030405060708090a0b0c0d0e0f10111213\",\"NULL\",\"\",\"32-bit\",\"0\"\n"
    "\"IPv4\",\"10.45.*.*\",\"10.1.0.1\",\"0x3003\",\"TripleDES-CBC [RFC2451]\","
    "\"abcdefghijklmnopqrstuvwx\",\"ANY 96 bit authentication [no checking]\",\"\"\n";

static void test_uat(void **state)
{
    (void)state;
    char err[BIG];
    imsec_config *c = new_cfg();
    assert_int_equal(load(c, uat40, err), IMSEC_OK);
    const keys_set *k = rules_config_keys(c);
    assert_int_equal(k->nsas, 4);
    const keys_sa *s = &k->sas[0];
    assert_int_equal(s->spi, 0x1001);
    assert_int_equal(s->ealg, KEYS_EALG_AES_CBC);
    assert_int_equal(s->ekey_len, 16);
    assert_int_equal(s->aalg, KEYS_AALG_HMAC_SHA1_96);
    assert_int_equal(s->akey_len, 20);
    assert_int_equal(s->akey[19], 0x13);
    assert_false(s->esn);
    assert_int_equal(s->source_line, 2);
    s = &k->sas[1];
    assert_int_equal(s->src.addr.family, 6);
    assert_int_equal(s->dst.addr.family, 0);
    assert_true(s->esn);
    assert_int_equal(s->esn_high, 0x1a);
    assert_int_equal(s->aalg, KEYS_AALG_HMAC_MD5_96);
    s = &k->sas[2];
    assert_true(s->spi_any);
    assert_int_equal(s->ealg, KEYS_EALG_AES_GCM_16);
    assert_int_equal(s->ekey_len, 20);
    s = &k->sas[3]; /* eight-column row from an older Wireshark, ASCII key */
    assert_int_equal(s->ealg, KEYS_EALG_DES_EDE3_CBC);
    assert_int_equal(s->ekey_len, 24);
    assert_memory_equal(s->ekey, "abcdefghijklmnopqrstuvwx", 24);
    assert_int_equal(s->src.len, 16);
    assert_int_equal(s->aalg, KEYS_AALG_ANY_96);

    imsec_addr a, b;
    assert_true(imsec_addr_parse("10.45.7.9", 9, &a));
    assert_true(imsec_addr_parse("10.1.0.1", 8, &b));
    assert_int_equal(keys_find_sa(k, 0x3003, &a, &b)->ealg, KEYS_EALG_DES_EDE3_CBC);
    /* exact SPI wins over the wildcard row regardless of order */
    assert_true(imsec_addr_parse("10.1.0.10", 9, &a));
    assert_int_equal(keys_find_sa(k, 0x1001, &a, &b)->spi, 0x1001);
    assert_true(keys_find_sa(k, 0x7777, &a, &b)->spi_any);
    imsec_config_free(c);
}

static void test_uat_errors(void **state)
{
    (void)state;
    char err[BIG];
    imsec_config *c = new_cfg();
    const char *bad =
        "\"IPv4\",\"10.1.0.10\",\"10.1.0.1\",\"0x1001\",\"CAST5-CBC [RFC2144]\",\"0x00\","
        "\"MAC-RIPEMD-160-96 [RFC2857]\",\"0x00\",\"32-bit\",\"0\"\n"
        "\"IPv4\",\"10.1.0.10\",\"2001:db8::1\",\"zz\",\"AES-CBC [RFC3602]\",\"0x0011\","
        "\"NULL\",\"\",\"48-bit\",\"xyz\"\n"
        "\"IPv4\",\"10.1.0.10\"\n"
        "\"IPv4\",\"10.1.*.3\",\"10.1.0.1\",\"0x1\",\"NULL\",\"\",\"NULL\",\"\"\n"
        "\"IPv4\",\"unterminated\n";
    assert_int_equal(load(c, bad, err), IMSEC_E_CONFIG);
    assert_string_equal(
        err,
        "k.txt: line 1: encryption: unsupported algorithm \"CAST5-CBC [RFC2144]\"\n"
        "k.txt: line 1: authentication: unsupported algorithm \"MAC-RIPEMD-160-96 [RFC2857]\"\n"
        "k.txt: line 2: dest IP: not an IPv4 address or wildcard\n"
        "k.txt: line 2: SPI: not a 32-bit SPI (\"0x00001001\")\n"
        "k.txt: line 2: encryption key: must be 16, 24 or 32 bytes for aes-cbc\n"
        "k.txt: line 2: SN: expected 32-bit or 64-bit\n"
        "k.txt: line 2: ESN high bits: not a 32-bit hex number\n"
        "k.txt: line 3: expected 8 or 10 esp_sa fields, got 2\n"
        "k.txt: line 4: src IP: not an IPv4 address or wildcard\n"
        "k.txt: line 5: unterminated quoted field");
    assert_int_equal(rules_config_keys(c)->nsas, 0);
    imsec_config_free(c);
}

static void test_keys_file(void **state)
{
    (void)state;
    char err[IMSEC_ERRBUF];
    imsec_config *c = new_cfg();
    char path[] = "/tmp/imsec_keys_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, uat40, sizeof uat40 - 1), (ssize_t)(sizeof uat40 - 1));
    close(fd);
    assert_int_equal(imsec_config_load_keys(c, path, err), IMSEC_OK);
    assert_int_equal(rules_config_keys(c)->nsas, 4);
    unlink(path);
    assert_int_equal(imsec_config_load_keys(c, path, err), IMSEC_E_IO);
    assert_non_null(strstr(err, "cannot open"));
    imsec_config_free(c);
}

static void test_alg_names(void **state)
{
    (void)state;
    for (int i = 0; i < KEYS_EALG__COUNT; i++) {
        keys_ealg e;
        const char *n = keys_ealg_str((keys_ealg)i);
        assert_true(keys_ealg_parse(n, strlen(n), &e));
        assert_int_equal(e, i);
    }
    for (int i = 0; i < KEYS_AALG__COUNT; i++) {
        keys_aalg a;
        const char *n = keys_aalg_str((keys_aalg)i);
        assert_true(keys_aalg_parse(n, strlen(n), &a));
        assert_int_equal(a, i);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_ok),    cmocka_unit_test(test_json_errors),
        cmocka_unit_test(test_uat),        cmocka_unit_test(test_uat_errors),
        cmocka_unit_test(test_keys_file),  cmocka_unit_test(test_alg_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
