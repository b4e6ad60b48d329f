/* libFuzzer target for crypto/esp: input = [selector][ESP packet].
 * The low 4 bits of the selector pick one of the SA configurations below
 * (fixed keys); bit 7 switches the HMAC SAs to "ICV unchecked" so that
 * decryption and trailer checks are reached without a valid ICV; bit 6
 * overwrites the packet's SPI with the SA's, so mutations are not all
 * stopped by the SPI check. Every
 * input also goes through esp_null_guess. Seeds: tests/fuzz/seeds/esp/. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crypto/esp.h"

static const uint8_t ck[16] = {0xb4, 0x0b, 0xa9, 0xa3, 0xc5, 0x8b, 0x2a, 0x05,
                               0xbb, 0xf0, 0xd9, 0x87, 0xb2, 0x1b, 0xf8, 0xcb};
static const uint8_t ik[16] = {0xf7, 0x69, 0xbc, 0xd7, 0x51, 0x04, 0x46, 0x04,
                               0x12, 0x76, 0x72, 0x71, 0x1c, 0x6d, 0x34, 0x41};

static const struct {
    esp_enc_alg e;
    esp_auth_alg a;
    uint32_t spi;
    bool esn;
} sets[] = {
    /* 0-5 match gen_ims_esp.py (keys from set-1 CK/IK, TS 33.203 Annex I) */
    {ESP_ENC_AES_CBC, ESP_AUTH_HMAC_SHA1_96, 0x1001, false},
    {ESP_ENC_DES_EDE3_CBC, ESP_AUTH_HMAC_MD5_96, 0x1002, false},
    {ESP_ENC_NULL, ESP_AUTH_HMAC_SHA1_96, 0x1003, false},
    {ESP_ENC_NULL, ESP_AUTH_HMAC_MD5_96, 0x1004, false},
    {ESP_ENC_AES_GCM_16, ESP_AUTH_NULL, 0x1005, false},
    {ESP_ENC_NULL_AES_GMAC, ESP_AUTH_NULL, 0x1006, false},
    /* extra shapes: ESN, CTR, SHA-256, no integrity */
    {ESP_ENC_AES_CBC, ESP_AUTH_HMAC_SHA256_128, 0x1007, true},
    {ESP_ENC_AES_CTR, ESP_AUTH_NULL, 0x1008, false},
    {ESP_ENC_AES_GCM_16, ESP_AUTH_NULL, 0x1009, true},
    {ESP_ENC_AES_CBC, ESP_AUTH_NULL, 0x100a, false},
    {ESP_ENC_NULL, ESP_AUTH_NULL, 0x100b, false},
};
#define NSETS (sizeof sets / sizeof sets[0])

static esp_sa *make(size_t i, bool unchecked)
{
    esp_sa_params p = {.spi = sets[i].spi, .ealg = sets[i].e, .aalg = sets[i].a,
                       .esn = sets[i].esn, .esn_high = 68};
    if (esp_keys_from_ck_ik(sets[i].e == ESP_ENC_AES_CTR ? ESP_ENC_AES_CBC : sets[i].e,
                            sets[i].a == ESP_AUTH_HMAC_SHA256_128 ? ESP_AUTH_HMAC_SHA1_96
                                                                  : sets[i].a,
                            ck, ik, &p.keys) != IMSEC_OK)
        return NULL;
    if (sets[i].a == ESP_AUTH_HMAC_SHA256_128) {
        memcpy(p.keys.auth_key + 16, ik, 16); /* any 32-byte key */
        p.keys.auth_key_len = 32;
    }
    if (sets[i].e == ESP_ENC_AES_CTR) {
        memcpy(p.keys.enc_key + 16, ik, 4); /* key || nonce */
        p.keys.enc_key_len = 20;
    }
    p.icv_unchecked = unchecked && p.aalg != ESP_AUTH_NULL;
    return esp_sa_new(&p, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* SAs are built once per process: creating OpenSSL contexts per input
     * would dominate the run. libimsec itself keeps no global state. */
    static esp_sa *sas[NSETS][2];
    static bool init;
    static uint8_t out[65536];
    if (!init) {
        for (size_t i = 0; i < NSETS; i++)
            for (int u = 0; u < 2; u++)
                sas[i][u] = make(i, u != 0);
        init = true;
    }
    if (size < 1 || size - 1 > UINT32_MAX)
        return 0;
    size_t i = (data[0] & 0x0f) % NSETS;
    int u = data[0] >> 7;
    static uint8_t buf[65536];
    const uint8_t *pkt = data + 1;
    uint32_t len = (uint32_t)(size - 1);
    if ((data[0] & 0x40) && len >= 4 && len <= sizeof buf) {
        memcpy(buf, pkt, len);
        buf[0] = (uint8_t)(sets[i].spi >> 24);
        buf[1] = (uint8_t)(sets[i].spi >> 16);
        buf[2] = (uint8_t)(sets[i].spi >> 8);
        buf[3] = (uint8_t)sets[i].spi;
        pkt = buf;
    }
    if (sas[i][u] != NULL) {
        esp_result r;
        if (esp_open(sas[i][u], pkt, len, out, sizeof out, &r) == IMSEC_OK &&
            r.payload_len > len)
            __builtin_trap();
        /* a small output buffer exercises the limit path */
        if (esp_open(sas[i][u], pkt, len, out, len / 2, &r) == IMSEC_OK && r.payload_len > len / 2)
            __builtin_trap();
    }
    esp_null_guess_result g;
    if (esp_null_guess(pkt, len, &g) &&
        (uint64_t)g.payload_off + g.payload_len + g.pad_len + 2u + g.icv_len != len)
        __builtin_trap();
    return 0;
}
