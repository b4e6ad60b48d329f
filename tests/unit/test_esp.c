/* ESP known answers and robustness.
 *
 * - tcpdump captures (testdata/esp/tcpdump): 3DES-CBC and AES-256-CBC tunnel
 *   mode, nested ESP, NAT-T on 4500 (with the espudp1 key trap), truncation.
 *   Their HMAC keys are unknown, so the SAs strip the 12-byte ICV unchecked.
 * - scapy/Linux vectors (testdata/esp/scapy): 3DES, AES-CBC, AES-CTR,
 *   AES-GCM (with and without ESN), NULL-GMAC (with and without ESN) and
 *   AES-CBC + HMAC-SHA2-256-128 with ESN (vector 11). DES, Blowfish and
 *   CAST5 (legacy provider) and AES-CCM are not supported and are skipped.
 * - IMS known answers built by tests/fuzz/seeds/esp/gen_ims_esp.py with an
 *   independent implementation (Python hmac + cryptography) from Milenage
 *   set 1 CK/IK via TS 33.203 Annex I: hmac-sha-1-96 + aes-cbc,
 *   hmac-md5-96 + des-ede3-cbc, hmac-sha-1-96/md5-96 + null, aes-gcm,
 *   aes-gmac.
 * Every esp_open case also runs on every prefix of its packet, copied
 * against a guard page, and with every single byte flipped where the SA
 * authenticates. The pcaps are read with libpcap and a minimal link/IPv4
 * skip written here, independent of the net layer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <pcap/pcap.h>

#include "crypto/esp.h"
#include "testutil.h"

#define OUTCAP 65536

static size_t hex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = strlen(s);
    assert_int_equal(n % 2, 0);
    assert_true(n / 2 <= cap);
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
    return n / 2;
}

static uint32_t be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static uint32_t be32(const uint8_t *p) { return be16(p) << 16 | be16(p + 2); }

/* ---- minimal capture reading (test-only) --------------------------------- */

typedef struct {
    uint8_t *esp;
    uint32_t len;
} esp_pkt;

/* IPv4 -> ESP (protocol 50, or UDP 4500 with a non-zero SPI, RFC 3948).
 * Lengths are clipped to the captured bytes. */
static bool ip_find_esp(const uint8_t *ip, uint32_t n, const uint8_t **esp, uint32_t *len)
{
    if (n < 20 || ip[0] >> 4 != 4)
        return false;
    uint32_t ihl = (uint32_t)(ip[0] & 15) * 4, tot = be16(ip + 2);
    if (ihl < 20 || tot < ihl || ihl > n)
        return false;
    if (tot > n)
        tot = n;
    const uint8_t *p = ip + ihl;
    uint32_t plen = tot - ihl;
    if (ip[9] == 50) {
        *esp = p;
        *len = plen;
        return true;
    }
    if (ip[9] == 17 && plen >= 8 && (be16(p) == 4500 || be16(p + 2) == 4500)) {
        uint32_t ul = be16(p + 4);
        if (ul < 8)
            return false;
        if (ul > plen)
            ul = plen;
        if (ul - 8 >= 4 && be32(p + 8) == 0)
            return false; /* non-ESP marker: IKE */
        if (ul - 8 == 1)
            return false; /* NAT keepalive */
        *esp = p + 8;
        *len = ul - 8;
        return true;
    }
    return false;
}

static size_t load_esp(const char *rel, esp_pkt *out, size_t max)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline(testdata_path(rel), err);
    if (pc == NULL)
        fail_msg("%s: %s", rel, err);
    int dlt = pcap_datalink(pc);
    struct pcap_pkthdr *h;
    const u_char *d;
    size_t n = 0;
    while (n < max && pcap_next_ex(pc, &h, &d) == 1) {
        uint32_t off = 0, cap = h->caplen;
        if (dlt == DLT_EN10MB) {
            off = 14;
            if (cap >= 18 && be16(d + 12) == 0x8100)
                off = 18;
            if (cap < off || be16(d + off - 2) != 0x0800)
                continue;
        } else if (dlt == DLT_NULL) {
            off = 4;
        } else if (dlt != DLT_RAW && dlt != 228 /* LINKTYPE_IPV4 */ && dlt != 101) {
            fail_msg("%s: link type %d", rel, dlt);
        }
        const uint8_t *e;
        uint32_t el;
        if (cap < off || !ip_find_esp(d + off, cap - off, &e, &el))
            continue;
        out[n].esp = malloc(el ? el : 1);
        assert_non_null(out[n].esp);
        memcpy(out[n].esp, e, el);
        out[n].len = el;
        n++;
    }
    pcap_close(pc);
    return n;
}

static void free_pkts(esp_pkt *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(p[i].esp);
}

static esp_sa *mk_sa(uint32_t spi, esp_enc_alg e, esp_auth_alg a, const char *ekey_hex,
                     const char *akey_hex, bool unchecked, bool esn, uint32_t esn_high)
{
    esp_sa_params p = {.spi = spi, .ealg = e, .aalg = a, .icv_unchecked = unchecked,
                       .esn = esn, .esn_high = esn_high};
    if (ekey_hex != NULL)
        p.keys.enc_key_len = (uint32_t)hex(ekey_hex, p.keys.enc_key, ESP_MAX_ENC_KEY);
    if (akey_hex != NULL)
        p.keys.auth_key_len = (uint32_t)hex(akey_hex, p.keys.auth_key, ESP_MAX_AUTH_KEY);
    char err[IMSEC_ERRBUF] = "";
    esp_sa *sa = esp_sa_new(&p, err);
    if (sa == NULL)
        fail_msg("esp_sa_new: %s", err);
    return sa;
}

/* Every prefix of pkt, copied to end at a guard page: a clean error, never
 * a crash or over-read. When the SA authenticates, no prefix may open. */
static void sweep_prefixes(esp_sa *sa, const uint8_t *pkt, uint32_t len, bool authed)
{
    static uint8_t out[OUTCAP];
    for (uint32_t n = 0; n < len; n++) {
        const uint8_t *g = guard_copy(pkt, n);
        esp_result r;
        int rc = esp_open(sa, g, n, out, sizeof out, &r);
        if (rc == IMSEC_OK) {
            assert_false(authed);
            assert_true(r.payload_len <= n);
        } else {
            assert_true(rc < 0);
            assert_int_equal(r.payload_len, 0);
        }
    }
    guard_free();
}

/* Each single-byte change of an authenticated packet must be rejected. */
static void sweep_flips(esp_sa *sa, const uint8_t *pkt, uint32_t len)
{
    static uint8_t out[OUTCAP];
    uint8_t *m = malloc(len);
    assert_non_null(m);
    for (uint32_t i = 0; i < len; i++) {
        memcpy(m, pkt, len);
        m[i] ^= 0x01;
        esp_result r;
        int rc = esp_open(sa, m, len, out, sizeof out, &r);
        if (i < 4)
            assert_int_equal(rc, ESP_E_SPI);
        else if (rc != ESP_E_INTEGRITY)
            fail_msg("byte %u flipped: rc %d (%s)", i, rc, esp_rc_str(rc));
    }
    free(m);
}

/* Inner IPv4 ICMP echo request of the tcpdump captures (esp1.out):
 * 192.0.2.1 > 192.0.1.1, id 28416, seq 1280 + 256*i, ICMP length 64. */
static void check_icmp(const uint8_t *ip, uint32_t n, uint32_t i)
{
    static const uint8_t src[4] = {192, 0, 2, 1}, dst[4] = {192, 0, 1, 1};
    assert_true(n >= 28);
    assert_int_equal(ip[0], 0x45);
    assert_int_equal(be16(ip + 2), n);
    assert_int_equal(n, 84);
    assert_int_equal(ip[9], 1);
    assert_memory_equal(ip + 12, src, 4);
    assert_memory_equal(ip + 16, dst, 4);
    assert_int_equal(ip[20], 8); /* echo request */
    assert_int_equal(be16(ip + 24), 28416);
    assert_int_equal(be16(ip + 26), 1280 + 256 * i);
}

/* ---- tcpdump captures ---------------------------------------------------- */

#define KEY_ESP1 "4043434545464649494a4a4c4c4f4f515152525454575758"
#define KEY_ESP2_OUTER "43434545464649494a4a4c4c4f4f51515252545457575840"
#define KEY_ESP2_INNER "434545464649494a4a4c4c4f4f5151525254545757584043"
#define KEY_ESP5 "aaaabbbbccccdddd4043434545464649494a4a4c4c4f4f515152525454575758"

static void run_tunnel_icmp(const char *pcap, esp_sa *sa, size_t expect_pkts, uint32_t esp_len)
{
    esp_pkt pk[16];
    static uint8_t out[OUTCAP];
    size_t n = load_esp(pcap, pk, 16);
    assert_int_equal(n, expect_pkts);
    for (size_t i = 0; i < n; i++) {
        esp_result r;
        assert_int_equal(pk[i].len, esp_len);
        int rc = esp_open(sa, pk[i].esp, pk[i].len, out, sizeof out, &r);
        if (rc != IMSEC_OK)
            fail_msg("%s #%zu: %s", pcap, i + 1, esp_rc_str(rc));
        assert_int_equal(r.seq, i + 1);
        assert_int_equal(r.next_header, 4);
        assert_false(r.icv_checked);
        check_icmp(out, r.payload_len, (uint32_t)i);
        sweep_prefixes(sa, pk[i].esp, pk[i].len, false);
    }
    free_pkts(pk, n);
}

static void test_tcpdump_esp1_3des(void **state)
{
    (void)state;
    esp_sa *sa = mk_sa(0x12345678, ESP_ENC_DES_EDE3_CBC, ESP_AUTH_HMAC_SHA1_96, KEY_ESP1, NULL,
                       true, false, 0);
    run_tunnel_icmp("esp/tcpdump/02-sunrise-sunset-esp.pcap", sa, 8, 116);
    esp_sa_free(sa);
}

static void test_tcpdump_esp5_aes256(void **state)
{
    (void)state;
    esp_sa *sa = mk_sa(0xd1234567, ESP_ENC_AES_CBC, ESP_AUTH_HMAC_SHA1_96, KEY_ESP5, NULL, true,
                       false, 0);
    run_tunnel_icmp("esp/tcpdump/08-sunrise-sunset-aes.pcap", sa, 8, 132);
    esp_sa_free(sa);
}

static void test_tcpdump_esp2_nested(void **state)
{
    (void)state;
    esp_sa *outer = mk_sa(0x12345678, ESP_ENC_DES_EDE3_CBC, ESP_AUTH_HMAC_SHA1_96,
                          KEY_ESP2_OUTER, NULL, true, false, 0);
    esp_sa *inner = mk_sa(0xabcdabcd, ESP_ENC_DES_EDE3_CBC, ESP_AUTH_HMAC_SHA1_96,
                          KEY_ESP2_INNER, NULL, true, false, 0);
    esp_pkt pk[16];
    static uint8_t out1[OUTCAP], out2[OUTCAP];
    size_t n = load_esp("esp/tcpdump/08-sunrise-sunset-esp2.pcap", pk, 16);
    assert_int_equal(n, 8);
    for (size_t i = 0; i < n; i++) {
        esp_result r;
        assert_int_equal(pk[i].len, 172);
        assert_int_equal(esp_open(outer, pk[i].esp, pk[i].len, out1, sizeof out1, &r), IMSEC_OK);
        assert_int_equal(r.next_header, 4);
        /* inner IPv4 192.1.2.23 > 192.0.1.1 carrying ESP 0xabcdabcd */
        static const uint8_t dst[4] = {192, 0, 1, 1};
        assert_memory_equal(out1 + 16, dst, 4);
        const uint8_t *e;
        uint32_t el;
        assert_true(ip_find_esp(out1, r.payload_len, &e, &el));
        assert_int_equal(el, 116);
        assert_int_equal(be32(e), 0xabcdabcd);
        assert_int_equal(esp_open(inner, e, el, out2, sizeof out2, &r), IMSEC_OK);
        assert_int_equal(r.next_header, 4);
        check_icmp(out2, r.payload_len, (uint32_t)i);
        /* The outer SA cannot open the inner packet (SPI differs). */
        assert_int_equal(esp_open(outer, e, el, out2, sizeof out2, &r), ESP_E_SPI);
    }
    free_pkts(pk, n);
    esp_sa_free(outer);
    esp_sa_free(inner);
}

/* Trap (testdata README): espudp1 belongs to the esp1 key; the secrets-file
 * key that tcpdump's own test uses gives garbage. */
static void test_tcpdump_espudp1(void **state)
{
    (void)state;
    esp_sa *good = mk_sa(0x12345678, ESP_ENC_DES_EDE3_CBC, ESP_AUTH_HMAC_SHA1_96, KEY_ESP1, NULL,
                         true, false, 0);
    esp_sa *wrong = mk_sa(0x12345678, ESP_ENC_DES_EDE3_CBC, ESP_AUTH_HMAC_SHA1_96,
                          KEY_ESP2_OUTER, NULL, true, false, 0);
    run_tunnel_icmp("esp/tcpdump/espudp1.pcap", good, 8, 116);
    esp_pkt pk[16];
    static uint8_t out[OUTCAP];
    size_t n = load_esp("esp/tcpdump/espudp1.pcap", pk, 16);
    size_t clean = 0, pad_err = 0;
    for (size_t i = 0; i < n; i++) {
        esp_result r;
        int rc = esp_open(wrong, pk[i].esp, pk[i].len, out, sizeof out, &r);
        if (rc == ESP_E_PADDING)
            pad_err++;
        else if (rc == IMSEC_OK && r.next_header == 4 && r.payload_len == 84 && out[0] == 0x45)
            clean++;
    }
    assert_int_equal(clean, 0);
    assert_true(pad_err >= 6);
    free_pkts(pk, n);
    esp_sa_free(good);
    esp_sa_free(wrong);
}

static void test_tcpdump_truncated(void **state)
{
    (void)state;
    esp_pkt pk[4];
    static uint8_t out[OUTCAP];
    size_t n = load_esp("esp/tcpdump/esp_truncated.pcap", pk, 4);
    assert_int_equal(n, 1);
    esp_sa *sa = mk_sa(0xc0f7d4c3, ESP_ENC_AES_CBC, ESP_AUTH_HMAC_SHA1_96,
                       "000102030405060708090a0b0c0d0e0f", "0001020304050607080900010203040506070809",
                       false, false, 0);
    esp_result r;
    const uint8_t *g = guard_copy(pk[0].esp, pk[0].len);
    assert_int_equal(esp_open(sa, g, pk[0].len, out, sizeof out, &r), ESP_E_TRUNC);
    esp_null_guess_result ng;
    assert_false(esp_null_guess(g, pk[0].len, &ng));
    guard_free();
    sweep_prefixes(sa, pk[0].esp, pk[0].len, true);
    free_pkts(pk, n);
    esp_sa_free(sa);
}

/* ---- scapy / Linux vectors ----------------------------------------------- */

static void test_scapy_kats(void **state)
{
    (void)state;
    static const struct {
        int idx;
        const char *pcap;
        esp_enc_alg e;
    } vecs[] = {
        {1, "01_IPv4_ESP_Transport_3DES_NULL.pcap", ESP_ENC_DES_EDE3_CBC},
        {2, "02_IPv4_ESP_Transport_AES_CBC_NULL.pcap", ESP_ENC_AES_CBC},
        {3, "03_IPv4_ESP_Transport_AES_CTR_NULL.pcap", ESP_ENC_AES_CTR},
        {6, "06_IPv4_ESP_Transport_AES_GCM_NULL.pcap", ESP_ENC_AES_GCM_16},
        {7, "07_IPv4_ESP_Transport_AES_GCM_NULL_ESN.pcap", ESP_ENC_AES_GCM_16},
        {8, "08_IPv4_ESP_Transport_AES_NULL_GMAC_NULL.pcap", ESP_ENC_NULL_AES_GMAC},
        {9, "09_IPv4_ESP_Transport_AES_NULL_GMAC_NULL_ESN.pcap", ESP_ENC_NULL_AES_GMAC},
    };
    json_object *root = json_object_from_file(testdata_path("esp/scapy/esp_kat.json"));
    assert_non_null(root);
    static uint8_t out[OUTCAP], want[4096];
    for (size_t v = 0; v < sizeof vecs / sizeof vecs[0]; v++) {
        json_object *e = json_object_array_get_idx(root, (size_t)vecs[v].idx);
        json_object *hi = json_object_object_get(e, "esn_high");
        bool esn = hi != NULL && !json_object_is_type(hi, json_type_null);
        uint32_t spi = (uint32_t)strtoul(json_object_get_string(json_object_object_get(e, "spi")),
                                         NULL, 16);
        const char *key = json_object_get_string(json_object_object_get(e, "crypt_key_hex"));
        esp_sa *sa = mk_sa(spi, vecs[v].e, ESP_AUTH_NULL, key, NULL, false, esn,
                           esn ? (uint32_t)json_object_get_int(hi) : 0);
        char path[256];
        snprintf(path, sizeof path, "esp/scapy/derived_pcaps/%s", vecs[v].pcap);
        esp_pkt pk[2];
        assert_int_equal(load_esp(path, pk, 2), 1);
        size_t wl = hex(json_object_get_string(json_object_object_get(e, "decrypted_inner_ipv4_hex")),
                        want, sizeof want);
        esp_result r;
        int rc = esp_open(sa, pk[0].esp, pk[0].len, out, sizeof out, &r);
        if (rc != IMSEC_OK)
            fail_msg("scapy vector %d: %s", vecs[v].idx, esp_rc_str(rc));
        assert_int_equal(r.next_header, 4);
        assert_int_equal(r.seq, json_object_get_int(json_object_object_get(e, "seq")));
        assert_int_equal(r.payload_len, wl);
        assert_memory_equal(out, want, wl);
        bool aead = vecs[v].e == ESP_ENC_AES_GCM_16 || vecs[v].e == ESP_ENC_NULL_AES_GMAC;
        assert_int_equal(r.icv_checked, aead);
        sweep_prefixes(sa, pk[0].esp, pk[0].len, aead);
        if (aead) {
            sweep_flips(sa, pk[0].esp, pk[0].len);
            /* ESN trap: the high bits belong in the AAD, and only with ESN. */
            esp_sa *other = mk_sa(spi, vecs[v].e, ESP_AUTH_NULL, key, NULL, false, !esn, 0);
            assert_int_equal(esp_open(other, pk[0].esp, pk[0].len, out, sizeof out, &r),
                             ESP_E_INTEGRITY);
            esp_sa_free(other);
            if (esn) {
                esp_sa_set_esn_high(sa, 0);
                assert_int_equal(esp_open(sa, pk[0].esp, pk[0].len, out, sizeof out, &r),
                                 ESP_E_INTEGRITY);
            }
        }
        free_pkts(pk, 1);
        esp_sa_free(sa);
    }
    json_object_put(root);
}

/* Vector 11: AES-128-CBC + HMAC-SHA2-256-128 with ESN high bits 68 appended
 * to the ICV input (RFC 4303 §3.3.3), transport mode, TCP "hello world". */
static void test_scapy_v11_sha256_esn(void **state)
{
    (void)state;
    esp_sa *sa = mk_sa(0xcf54ccdf, ESP_ENC_AES_CBC, ESP_AUTH_HMAC_SHA256_128,
                       "85ee354b4675a9c5d16e3d6f4118043b",
                       "6f79bf94da7dde3c86009934d9258f1b3fc2f5382aca9c9cb8e216eed235f34c", false,
                       true, 68);
    esp_pkt pk[2];
    static uint8_t out[OUTCAP];
    assert_int_equal(
        load_esp("esp/scapy/derived_pcaps/11_IPv4_ESP_Transport_AES_CBC_HMAC_SHA2_256_128_ESN_scapy_generated_full_.pcap",
                 pk, 2),
        1);
    esp_result r;
    assert_int_equal(esp_open(sa, pk[0].esp, pk[0].len, out, sizeof out, &r), IMSEC_OK);
    assert_true(r.icv_checked);
    assert_int_equal(r.icv_len, 16);
    assert_int_equal(r.next_header, 6);
    assert_int_equal(r.payload_len, 20 + 11);
    assert_int_equal(be16(out), 45012);
    assert_int_equal(be16(out + 2), 80);
    assert_memory_equal(out + 20, "hello world", 11);
    sweep_prefixes(sa, pk[0].esp, pk[0].len, true);
    sweep_flips(sa, pk[0].esp, pk[0].len);
    /* Without the high bits (as an ESN-unaware decoder) the ICV fails. */
    esp_sa_set_esn_high(sa, 0);
    assert_int_equal(esp_open(sa, pk[0].esp, pk[0].len, out, sizeof out, &r), ESP_E_INTEGRITY);
    esp_sa_free(sa);
    sa = mk_sa(0xcf54ccdf, ESP_ENC_AES_CBC, ESP_AUTH_HMAC_SHA256_128,
               "85ee354b4675a9c5d16e3d6f4118043b",
               "6f79bf94da7dde3c86009934d9258f1b3fc2f5382aca9c9cb8e216eed235f34c", false, false, 0);
    assert_int_equal(esp_open(sa, pk[0].esp, pk[0].len, out, sizeof out, &r), ESP_E_INTEGRITY);
    free_pkts(pk, 1);
    esp_sa_free(sa);
}

/* ---- IMS known answers (gen_ims_esp.py) ---------------------------------- */

/* generated by tests/fuzz/seeds/esp/gen_ims_esp.py */
static const char *const ims_kat_hex[] = {
    /* sha1_aescbc spi 0x1001 seq 7 */
    "0000100100000007101112131415161718191a1b1c1d1e1f7e2f193e1755fc31efeea5d5758c135efffb55fa2761ae2a"
    "e2177aa6b191d2ece582e46693162ac6071cd02511b392a71f7f88ac2d18ada24a7c73cb92b9b28aba5052e008d8f7b3"
    "ef16e0518b30b8d321b5087c2b64d0c780565fcf0de078f3440de94e1a08e1108c1f7a68a0cf1aab6425c0d94d7f4943"
    "57af04491aaa5341a7b0a5fc825dac16cf730fcd7f38f85d7baba932b28eebf42d4f633b"
    ,
    /* md5_3des spi 0x1002 seq 8 */
    "0000100200000008a0a1a2a3a4a5a6a7f5a32a8bba43c4e3cc922b209d077d306ef8ea477252bfda1fdbe7847afe8ba7"
    "87cd9ee8d4e78e933a367fc252aa5d2aedb5bbfc9615c826e9e2c374991f3827d238d39a02754d291b33d2ad359d54c3"
    "8195d3de8f9a38060153d3f3e03f209685b71583cd6d33af35fcaf76b1a1ffde92e8519b458ba55acb690a27697c402a"
    "2405921294546e7e7098c88385a79c03c0f906cb"
    ,
    /* sha1_null_udp spi 0x1003 seq 9 */
    "000010030000000913ed13ef008300004f5054494f4e53207369703a70637363662e6578616d706c65205349502f322e"
    "300d0a5669613a205349502f322e302f5544502031302e392e302e313a353130310d0a43616c6c2d49443a206573702d"
    "6b61740d0a435365713a2031204f5054494f4e530d0a436f6e74656e742d4c656e6774683a20300d0a0d0a0102030311"
    "f080da717e29df77bdc598eb"
    ,
    /* md5_null_tcp spi 0x1004 seq 10 */
    "000010040000000a13ed13ef00000001000000005018ffff000000004f5054494f4e53207369703a70637363662e6578"
    "616d706c65205349502f322e300d0a5669613a205349502f322e302f5544502031302e392e302e313a353130310d0a43"
    "616c6c2d49443a206573702d6b61740d0a435365713a2031204f5054494f4e530d0a436f6e74656e742d4c656e677468"
    "3a20300d0a0d0a01020303065f56fcf9806bb4dd0effc863"
    ,
    /* gcm spi 0x1005 seq 11 */
    "000010050000000ba0a1a2a3a4a5a6a77b8f98c5c9785f63fb4f90435d0e2524ab049654061e5721ae08a8adc33303b0"
    "a442ab8f7f302c738a9ea8b5f985449fe7a5815bbccba465f28fcb3bc3b777e36ee9e61a2c12e57af36d8d84facf512c"
    "e14fd10ace441f9e4c69ef5351cc02f66c03437c7ebddddacd071041b6818c5f786750678333203851276255696f59b9"
    "bfac20fa71d185279c213c6283d3aae9ec76f98355ffd2c2"
    ,
    /* gmac spi 0x1006 seq 12 */
    "000010060000000ca0a1a2a3a4a5a6a713ed13ef008300004f5054494f4e53207369703a70637363662e6578616d706c"
    "65205349502f322e300d0a5669613a205349502f322e302f5544502031302e392e302e313a353130310d0a43616c6c2d"
    "49443a206573702d6b61740d0a435365713a2031204f5054494f4e530d0a436f6e74656e742d4c656e6774683a20300d"
    "0a0d0a0102030311edbfb559992db1c27496d1b28530fd38"
    ,
};
/* GCM salt 89273db6, GMAC salt dbc2b1c2 */

static const uint8_t set1_ck[16] = {0xb4, 0x0b, 0xa9, 0xa3, 0xc5, 0x8b, 0x2a, 0x05,
                                    0xbb, 0xf0, 0xd9, 0x87, 0xb2, 0x1b, 0xf8, 0xcb};
static const uint8_t set1_ik[16] = {0xf7, 0x69, 0xbc, 0xd7, 0x51, 0x04, 0x46, 0x04,
                                    0x12, 0x76, 0x72, 0x71, 0x1c, 0x6d, 0x34, 0x41};

static const char ims_sip[] =
    "OPTIONS sip:pcscf.example SIP/2.0\r\nVia: SIP/2.0/UDP 10.9.0.1:5101\r\n"
    "Call-ID: esp-kat\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

static const struct {
    const char *alg, *ealg;
    uint32_t spi, seq;
    uint8_t nh;
    bool null_enc;
} ims_sas[] = {
    {"hmac-sha-1-96", "aes-cbc", 0x1001, 7, 17, false},
    {"hmac-md5-96", "des-ede3-cbc", 0x1002, 8, 17, false},
    {"hmac-sha-1-96", "null", 0x1003, 9, 17, true},
    {"hmac-md5-96", "", 0x1004, 10, 6, true},
    {"null", "aes-gcm", 0x1005, 11, 17, false},
    {"aes-gmac", "null", 0x1006, 12, 17, true},
};

static esp_sa *ims_sa(size_t i, bool esn)
{
    esp_sa_params p = {.spi = ims_sas[i].spi, .esn = esn};
    imsec_str a = imsec_str_make(ims_sas[i].alg, strlen(ims_sas[i].alg));
    imsec_str e = imsec_str_make(ims_sas[i].ealg, strlen(ims_sas[i].ealg));
    assert_true(esp_ims_algs(a, e, &p.ealg, &p.aalg));
    assert_int_equal(esp_keys_from_ck_ik(p.ealg, p.aalg, set1_ck, set1_ik, &p.keys), IMSEC_OK);
    char err[IMSEC_ERRBUF];
    esp_sa *sa = esp_sa_new(&p, err);
    if (sa == NULL)
        fail_msg("%s", err);
    return sa;
}

static void test_ims_kats(void **state)
{
    (void)state;
    static uint8_t pkt[2048], out[OUTCAP];
    assert_int_equal(sizeof ims_kat_hex / sizeof ims_kat_hex[0], 6);
    for (size_t i = 0; i < 6; i++) {
        uint32_t len = (uint32_t)hex(ims_kat_hex[i], pkt, sizeof pkt);
        esp_sa *sa = ims_sa(i, false);
        esp_result r;
        int rc = esp_open(sa, pkt, len, out, sizeof out, &r);
        if (rc != IMSEC_OK)
            fail_msg("IMS KAT %zu (%s/%s): %s", i, ims_sas[i].alg, ims_sas[i].ealg, esp_rc_str(rc));
        assert_true(r.icv_checked);
        assert_int_equal(r.spi, ims_sas[i].spi);
        assert_int_equal(r.seq, ims_sas[i].seq);
        assert_int_equal(r.next_header, ims_sas[i].nh);
        uint32_t hl = r.next_header == 17 ? 8 : 20;
        assert_int_equal(r.payload_len, hl + sizeof ims_sip - 1);
        assert_int_equal(be16(out), 5101);
        assert_int_equal(be16(out + 2), 5103);
        assert_memory_equal(out + hl, ims_sip, sizeof ims_sip - 1);
        sweep_prefixes(sa, pkt, len, true);
        sweep_flips(sa, pkt, len);
        /* Output buffer one byte short of the ciphertext. */
        uint32_t clen = len - 8 - r.iv_len - r.icv_len;
        assert_int_equal(esp_open(sa, pkt, len, out, clen - 1, &r), ESP_E_LIMIT);
        esp_sa_free(sa);
        /* An SA that wrongly expects ESN rejects it. */
        sa = ims_sa(i, true);
        assert_int_equal(esp_open(sa, pkt, len, out, sizeof out, &r), ESP_E_INTEGRITY);
        esp_sa_free(sa);

        /* Keyless ESP-NULL guess: exact for the null-encryption HMAC SAs,
         * nothing for the encrypted ones. */
        esp_null_guess_result g;
        bool found = esp_null_guess(pkt, len, &g);
        if (ims_sas[i].null_enc && i != 5) {
            assert_true(found);
            assert_int_equal(g.icv_len, 12);
            assert_int_equal(g.candidates, 1);
            assert_int_equal(g.next_header, ims_sas[i].nh);
            assert_int_equal(g.payload_off, 8);
            assert_int_equal(g.payload_len, hl + sizeof ims_sip - 1);
        } else if (i == 5) {
            /* GMAC: the IV sits before the payload, so the guess (which
             * assumes no IV) may or may not fire; it must stay in bounds. */
            if (found)
                assert_true(g.payload_off + g.payload_len + g.pad_len + 2u + g.icv_len == len);
        } else {
            assert_false(found);
        }
    }
}

static void test_null_guess_edges(void **state)
{
    (void)state;
    static uint8_t pkt[2048];
    uint32_t len = (uint32_t)hex(ims_kat_hex[2], pkt, sizeof pkt);
    esp_null_guess_result g;
    for (uint32_t n = 0; n < len; n++) {
        const uint8_t *c = guard_copy(pkt, n);
        if (esp_null_guess(c, n, &g))
            assert_true(g.payload_off + g.payload_len + g.pad_len + 2u + g.icv_len == n);
    }
    guard_free();
    /* SPI 0 is the NAT-T non-ESP marker, never ESP. */
    uint8_t z[2048];
    memcpy(z, pkt, len);
    memset(z, 0, 4);
    assert_false(esp_null_guess(z, len, &g));
    /* Wrong pad byte. */
    memcpy(z, pkt, len);
    z[len - 12 - 3] ^= 0xff;
    assert_false(esp_null_guess(z, len, &g));
}

/* ---- keys, tokens, parameters, synthetic errors -------------------------- */

static void test_keys_from_ck_ik(void **state)
{
    (void)state;
    esp_keys k;
    uint8_t want[40];
    /* ims-security-reference.md §2.6, derived example for Milenage set 1. */
    assert_int_equal(esp_keys_from_ck_ik(ESP_ENC_DES_EDE3_CBC, ESP_AUTH_HMAC_SHA1_96, set1_ck,
                                         set1_ik, &k),
                     IMSEC_OK);
    assert_int_equal(k.auth_key_len, 20);
    hex("f769bcd751044604127672711c6d344100000000", want, sizeof want);
    assert_memory_equal(k.auth_key, want, 20);
    assert_int_equal(k.enc_key_len, 24);
    hex("b40ba9a3c58b2a05bbf0d987b21bf8cbb40ba9a3c58b2a05", want, sizeof want);
    assert_memory_equal(k.enc_key, want, 24);

    assert_int_equal(esp_keys_from_ck_ik(ESP_ENC_AES_CBC, ESP_AUTH_HMAC_MD5_96, set1_ck,
                                         set1_ik, &k),
                     IMSEC_OK);
    assert_int_equal(k.auth_key_len, 16);
    assert_memory_equal(k.auth_key, set1_ik, 16);
    assert_int_equal(k.enc_key_len, 16);
    assert_memory_equal(k.enc_key, set1_ck, 16);

    assert_int_equal(esp_keys_from_ck_ik(ESP_ENC_NULL, ESP_AUTH_HMAC_SHA1_96, set1_ck, set1_ik,
                                         &k),
                     IMSEC_OK);
    assert_int_equal(k.enc_key_len, 0);

    assert_int_equal(esp_keys_from_ck_ik(ESP_ENC_AES_GCM_16, ESP_AUTH_NULL, set1_ck, set1_ik, &k),
                     IMSEC_OK);
    assert_int_equal(k.enc_key_len, 20);
    assert_memory_equal(k.enc_key, set1_ck, 16);
    hex("89273db6", want, sizeof want);
    assert_memory_equal(k.enc_key + 16, want, 4);
    assert_int_equal(k.auth_key_len, 0);

    assert_int_equal(esp_keys_from_ck_ik(ESP_ENC_NULL_AES_GMAC, ESP_AUTH_NULL, set1_ck, set1_ik,
                                         &k),
                     IMSEC_OK);
    assert_memory_equal(k.enc_key, set1_ik, 16);
    hex("dbc2b1c2", want, sizeof want);
    assert_memory_equal(k.enc_key + 16, want, 4);

    /* No known derivation: refuse rather than guess. */
    assert_int_equal(esp_keys_from_ck_ik(ESP_ENC_AES_CBC, ESP_AUTH_HMAC_SHA256_128, set1_ck,
                                         set1_ik, &k),
                     IMSEC_E_CONFIG);
    assert_int_equal(k.enc_key_len, 0);
    assert_int_equal(esp_keys_from_ck_ik(ESP_ENC_AES_CTR, ESP_AUTH_HMAC_SHA1_96, set1_ck,
                                         set1_ik, &k),
                     IMSEC_E_CONFIG);
    assert_int_equal(esp_keys_from_ck_ik(ESP_ENC_AES_GCM_16, ESP_AUTH_HMAC_SHA1_96, set1_ck,
                                         set1_ik, &k),
                     IMSEC_E_CONFIG);
}

static imsec_str S(const char *s) { return imsec_str_make(s, strlen(s)); }

static void test_ims_tokens(void **state)
{
    (void)state;
    esp_enc_alg e;
    esp_auth_alg a;
    assert_true(esp_ims_algs(S("hmac-sha-1-96"), S("aes-cbc"), &e, &a));
    assert_int_equal(e, ESP_ENC_AES_CBC);
    assert_int_equal(a, ESP_AUTH_HMAC_SHA1_96);
    assert_true(esp_ims_algs(S("HMAC-MD5-96"), S(""), &e, &a));
    assert_int_equal(e, ESP_ENC_NULL);
    assert_int_equal(a, ESP_AUTH_HMAC_MD5_96);
    assert_true(esp_ims_algs(S("hmac-md5-96"), S("des-ede3-cbc"), &e, &a));
    assert_int_equal(e, ESP_ENC_DES_EDE3_CBC);
    assert_true(esp_ims_algs(S("null"), S("aes-gcm"), &e, &a));
    assert_int_equal(e, ESP_ENC_AES_GCM_16);
    assert_int_equal(a, ESP_AUTH_NULL);
    assert_true(esp_ims_algs(S("aes-gmac"), S("null"), &e, &a));
    assert_int_equal(e, ESP_ENC_NULL_AES_GMAC);
    assert_false(esp_ims_algs(S("null"), S("null"), &e, &a));
    assert_false(esp_ims_algs(S("null"), S("aes-cbc"), &e, &a));
    assert_false(esp_ims_algs(S("hmac-sha-1-96"), S("aes-gcm"), &e, &a));
    assert_false(esp_ims_algs(S("aes-gmac"), S("aes-cbc"), &e, &a));
    assert_false(esp_ims_algs(S("hmac-sha-1"), S("aes-cbc"), &e, &a));
    assert_false(esp_ims_algs(S("hmac-sha-1-96"), S("blowfish"), &e, &a));
    assert_string_equal(esp_auth_str(ESP_AUTH_HMAC_SHA1_96), "hmac-sha-1-96");
    assert_string_equal(esp_enc_str(ESP_ENC_DES_EDE3_CBC), "des-ede3-cbc");
    assert_string_equal(esp_rc_str(ESP_E_PADDING), "bad padding");
}

static void test_sa_params(void **state)
{
    (void)state;
    char err[IMSEC_ERRBUF];
    esp_sa_params p = {.spi = 1, .ealg = ESP_ENC_AES_CBC, .aalg = ESP_AUTH_HMAC_SHA1_96};
    p.keys.enc_key_len = 15;
    p.keys.auth_key_len = 20;
    assert_null(esp_sa_new(&p, err));
    assert_non_null(strstr(err, "key length"));
    p.keys.enc_key_len = 32; /* AES-256 */
    esp_sa *sa = esp_sa_new(&p, err);
    assert_non_null(sa);
    assert_int_equal(esp_sa_overhead(sa), 8 + 16 + 12 + 2);
    assert_int_equal(esp_sa_params_get(sa)->spi, 1);
    esp_sa_free(sa);
    p.keys.auth_key_len = 0; /* HMAC without a key, not marked unchecked */
    assert_null(esp_sa_new(&p, err));
    p.ealg = ESP_ENC_AES_GCM_16;
    p.keys.enc_key_len = 20;
    p.keys.auth_key_len = 20;
    assert_null(esp_sa_new(&p, err)); /* GCM with an HMAC */
    p.aalg = ESP_AUTH_NULL;
    p.icv_unchecked = true;
    assert_null(esp_sa_new(&p, err)); /* AEAD tag cannot be skipped */
    p.ealg = (esp_enc_alg)99;
    assert_null(esp_sa_new(&p, err));
    esp_sa_free(NULL);
}

/* BLOCKSIZE, PADDING, TRUNC, SPI on hand-made packets without integrity. */
static void test_synthetic_errors(void **state)
{
    (void)state;
    static uint8_t out[OUTCAP];
    esp_result r;
    esp_sa *nul = mk_sa(0x42, ESP_ENC_NULL, ESP_AUTH_NULL, NULL, NULL, false, false, 0);
    /* SPI 0x42, seq 1, payload "ab", pad 1 2, pad len 2, next header 17 */
    uint8_t p[] = {0, 0, 0, 0x42, 0, 0, 0, 1, 'a', 'b', 1, 2, 2, 17};
    assert_int_equal(esp_open(nul, p, sizeof p, out, sizeof out, &r), IMSEC_OK);
    assert_int_equal(r.payload_len, 2);
    assert_int_equal(r.pad_len, 2);
    assert_int_equal(r.next_header, 17);
    assert_false(r.icv_checked);
    p[11] = 3; /* pad bytes must be 1, 2, ... */
    assert_int_equal(esp_open(nul, p, sizeof p, out, sizeof out, &r), ESP_E_PADDING);
    assert_int_equal(r.payload_len, 0);
    p[11] = 2;
    p[12] = 5; /* pad length beyond the payload */
    assert_int_equal(esp_open(nul, p, sizeof p, out, sizeof out, &r), ESP_E_PADDING);
    p[12] = 2;
    p[3] = 0x43;
    assert_int_equal(esp_open(nul, p, sizeof p, out, sizeof out, &r), ESP_E_SPI);
    p[3] = 0x42;
    assert_int_equal(esp_open(nul, p, 9, out, sizeof out, &r), ESP_E_TRUNC);
    /* 2 bytes after the header: pad length 'a' (97) cannot fit */
    assert_int_equal(esp_open(nul, p, 10, out, sizeof out, &r), ESP_E_PADDING);
    esp_sa_free(nul);

    esp_sa *cbc = mk_sa(0x42, ESP_ENC_AES_CBC, ESP_AUTH_NULL, "000102030405060708090a0b0c0d0e0f",
                        NULL, false, false, 0);
    uint8_t c[8 + 16 + 33];
    memset(c, 0, sizeof c);
    c[3] = 0x42;
    assert_int_equal(esp_open(cbc, c, sizeof c, out, sizeof out, &r), ESP_E_BLOCKSIZE);
    assert_int_equal(esp_open(cbc, c, 8 + 16 + 17, out, sizeof out, &r), ESP_E_BLOCKSIZE);
    assert_int_equal(esp_open(cbc, c, 8 + 16 + 1, out, sizeof out, &r), ESP_E_TRUNC);
    esp_sa_free(cbc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcpdump_esp1_3des),   cmocka_unit_test(test_tcpdump_esp5_aes256),
        cmocka_unit_test(test_tcpdump_esp2_nested), cmocka_unit_test(test_tcpdump_espudp1),
        cmocka_unit_test(test_tcpdump_truncated),   cmocka_unit_test(test_scapy_kats),
        cmocka_unit_test(test_scapy_v11_sha256_esn), cmocka_unit_test(test_ims_kats),
        cmocka_unit_test(test_null_guess_edges),    cmocka_unit_test(test_keys_from_ck_ik),
        cmocka_unit_test(test_ims_tokens),          cmocka_unit_test(test_sa_params),
        cmocka_unit_test(test_synthetic_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
