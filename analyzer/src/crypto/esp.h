/* ESP (RFC 4303) per-SA crypto: integrity check, decryption, trailer
 * validation, key derivation from IMS AKA CK/IK (TS 33.203 Annex I), and a
 * keyless heuristic for ESP-NULL.
 *
 * An esp_sa owns its OpenSSL contexts (EVP_CIPHER_CTX, EVP_MAC_CTX) with the
 * key schedules; per packet at most the IV/nonce is reset (CBC needs not
 * even that: it runs on an ECB context, see esp.c). SA lookup (by SPI,
 * destination, registration) belongs to the state layer; this module only
 * opens packets for one SA. An esp_sa is not thread-safe.
 *
 * esp_open never writes to the packet: the plaintext goes to a caller
 * buffer. On any error the result is zeroed and out holds no plaintext of
 * the packet (whatever was decrypted is wiped). */
#ifndef IMSEC_CRYPTO_ESP_H
#define IMSEC_CRYPTO_ESP_H
#include <stdbool.h>
#include <stdint.h>

#include "base/imsec_str.h"
#include "imsec/imsec.h"

/* Integrity algorithms (RFC 4303 §3.2.2). The ICV length is fixed by the
 * algorithm. */
typedef enum {
    ESP_AUTH_NULL = 0,         /* none (or provided by a combined-mode cipher) */
    ESP_AUTH_HMAC_MD5_96,      /* RFC 2403: ICV 12 */
    ESP_AUTH_HMAC_SHA1_96,     /* RFC 2404: ICV 12 */
    ESP_AUTH_HMAC_SHA256_128,  /* RFC 4868: ICV 16 */
    ESP_AUTH__COUNT
} esp_auth_alg;

/* Encryption / combined-mode algorithms. Keys for CTR, GCM and GMAC are
 * the AES key followed by the 4-byte salt/nonce (RFC 3686 §5.1, RFC 4106
 * §8.1, RFC 4543 §7.1), as Linux xfrm and Wireshark take them. */
typedef enum {
    ESP_ENC_NULL = 0,       /* RFC 2410 */
    ESP_ENC_AES_CBC,        /* RFC 3602: key 16/24/32, IV 16 */
    ESP_ENC_DES_EDE3_CBC,   /* RFC 2451: key 24, IV 8 */
    ESP_ENC_AES_CTR,        /* RFC 3686: key 16/24/32 + 4, IV 8 */
    ESP_ENC_AES_GCM_16,     /* RFC 4106: key 16/24/32 + 4, IV 8, ICV 16 */
    ESP_ENC_NULL_AES_GMAC,  /* RFC 4543 ENCR_NULL_AUTH_AES_GMAC: key 16/24/32 + 4, IV 8, ICV 16 */
    ESP_ENC__COUNT
} esp_enc_alg;

const char *esp_auth_str(esp_auth_alg a); /* IMS token, e.g. "hmac-sha-1-96" */
const char *esp_enc_str(esp_enc_alg e);   /* IMS token, e.g. "aes-cbc" */

/* Maps the ipsec-3gpp `alg` and `ealg` tokens (TS 33.203 Annex H;
 * ims-security-reference.md §2.1-2.2) to algorithms: "hmac-md5-96",
 * "hmac-sha-1-96", "hmac-sha-256-128", "aes-gmac" (-> ESP_ENC_NULL_AES_GMAC
 * with ealg null), "null" (only with ealg aes-gcm); ealg "null",
 * "des-ede3-cbc", "aes-cbc", "aes-gcm". An empty ealg means "null" (Annex H
 * default). Case-insensitive. Returns false for unknown tokens or a
 * combination Annex H does not allow. */
IMSEC_NODISCARD bool esp_ims_algs(imsec_str alg, imsec_str ealg, esp_enc_alg *enc,
                                  esp_auth_alg *auth);

#define ESP_MAX_ENC_KEY 36
#define ESP_MAX_AUTH_KEY 64

typedef struct {
    uint8_t enc_key[ESP_MAX_ENC_KEY];
    uint32_t enc_key_len;
    uint8_t auth_key[ESP_MAX_AUTH_KEY];
    uint32_t auth_key_len;
} esp_keys;

/* ESP keys from IMS AKA CK and IK, TS 33.203 Annex I as given in
 * ims-security-reference.md §2.6:
 *   hmac-md5-96:   IK_ESP = IK;  hmac-sha-1-96: IK_ESP = IK || 32 zero bits;
 *   aes-cbc:       CK_ESP = CK;  des-ede3-cbc:  CK_ESP = CK1 || CK2 || CK1;
 *   aes-gcm:       CK || salt, salt = last 32 bits of KDF(CK||IK, FC 0x59,
 *                  "AES_GCM_SALT");
 *   aes-gmac:      IK || salt, salt from FC 0x58, "AES_GMAC_SALT".
 * (KDF = TS 33.220 Annex B, HMAC-SHA-256.) The GCM/GMAC salts have a single
 * source (UNVERIFIED, reference §12 item 2). Combinations without a known
 * derivation (hmac-sha-256-128, aes-ctr) return IMSEC_E_CONFIG. out is
 * zeroed on failure. */
IMSEC_NODISCARD int esp_keys_from_ck_ik(esp_enc_alg ealg, esp_auth_alg aalg, const uint8_t ck[16],
                                        const uint8_t ik[16], esp_keys *out);

typedef struct {
    uint32_t spi;
    imsec_addr src, dst; /* informational; not checked by esp_open */
    esp_enc_alg ealg;
    esp_auth_alg aalg;
    esp_keys keys;
    bool esn;            /* RFC 4303 §2.2.1 extended sequence numbers */
    uint32_t esn_high;   /* the 32 high bits, supplied by the caller */
    /* The ICV is present but the integrity key is unknown: strip it without
     * checking (tcpdump -E behaviour). esp_result.icv_checked tells. */
    bool icv_unchecked;
} esp_sa_params;

typedef struct esp_sa esp_sa;

/* Copies params (keys included; wiped on free). Returns NULL and fills err
 * on a bad key length, an invalid algorithm combination or OpenSSL
 * failure. */
esp_sa *esp_sa_new(const esp_sa_params *params, char err[IMSEC_ERRBUF]);
void esp_sa_free(esp_sa *sa);
const esp_sa_params *esp_sa_params_get(const esp_sa *sa);
void esp_sa_set_esn_high(esp_sa *sa, uint32_t esn_high);
/* Bytes esp_open needs around the payload: 8 + IV + ICV + 2. */
uint32_t esp_sa_overhead(const esp_sa *sa);

/* Return codes of esp_open (negative; IMSEC_OK = 0 on success). */
enum {
    ESP_E_TRUNC = IMSEC_E_TRUNC,  /* shorter than header + IV + trailer + ICV */
    ESP_E_LIMIT = IMSEC_E_LIMIT,  /* out buffer smaller than the ciphertext */
    ESP_E_INTEGRITY = -20,        /* ICV / AEAD tag mismatch */
    ESP_E_BLOCKSIZE = -21,        /* ciphertext not a whole number of blocks */
    ESP_E_PADDING = -22,          /* pad length too big or pad bytes not 1,2,3... */
    ESP_E_SPI = -23,              /* packet SPI differs from the SA's */
    ESP_E_CRYPTO = -24,           /* OpenSSL failure */
};
const char *esp_rc_str(int rc);

typedef struct {
    uint32_t spi, seq;    /* seq: the 32 bits on the wire */
    uint32_t payload_len; /* inner payload at out[0 .. payload_len) */
    uint8_t next_header;  /* 4 IPv4, 41 IPv6 (tunnel); 6, 17, 132 (transport); 59 dummy */
    uint8_t pad_len;
    uint8_t iv_len, icv_len;
    bool icv_checked;     /* integrity was verified (HMAC or AEAD tag) */
} esp_result;

/* Opens one ESP packet (pkt starts at the SPI; len = ESP bytes up to the end
 * of the ICV, i.e. as bounded by the IP/UDP length). Order (RFC 4303 §3.4):
 * ICV check with CRYPTO_memcmp over SPI .. end of ciphertext (+ ESN high
 * bits, §3.3.3 / RFC 4106 §5), block-size check, decryption with padding
 * disabled into out, then pad bytes and pad length (§2.4). For AES-GCM the
 * tag is verified by the same pass that decrypts; out is released only if
 * it verifies. With NULL encryption no alignment is enforced (RFC 4303
 * §2.4 asks for 4 bytes; lenient on purpose). Returns IMSEC_OK or an
 * ESP_E_* code; res is zeroed on error. */
IMSEC_NODISCARD int esp_open(esp_sa *sa, const uint8_t *pkt, uint32_t len, uint8_t *out,
                             uint32_t cap, esp_result *res);

/* Keyless guess for ESP with NULL encryption (ealg=null is legal in IMS):
 * tries ICV lengths 12, 16 and 0 and accepts one whose trailer is valid: the
 * ciphertext ends on a 4-byte boundary (RFC 4303 §2.4), the pad bytes are
 * 1..n, the next header is 6, 17 or 132, and the inner TCP/UDP/SCTP header
 * is consistent with the payload length. SPI 0 (the NAT-T non-ESP marker)
 * is rejected. */
typedef struct {
    uint32_t payload_off;  /* inner payload is pkt[payload_off .. +payload_len) */
    uint32_t payload_len;
    uint8_t icv_len, next_header, pad_len;
    uint8_t candidates;    /* ICV lengths that passed; > 1 means ambiguous */
} esp_null_guess_result;

bool esp_null_guess(const uint8_t *pkt, uint32_t len, esp_null_guess_result *out);
#endif
