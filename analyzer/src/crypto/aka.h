/* HTTP Digest AKA (RFC 3310 AKAv1-MD5, RFC 4169 AKAv2-MD5) over RFC 2617
 * Digest. Used to recompute or check the `response=` of an IMS REGISTER
 * from RES, and to open the nonce and `auts` parameters.
 *
 * Inputs are slices of already-unquoted parameter values (the SIP layer
 * removes the quotes); nothing is retained after a call returns. */
#ifndef IMSEC_CRYPTO_AKA_H
#define IMSEC_CRYPTO_AKA_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/imsec_str.h"
#include "crypto/milenage.h"
#include "imsec/imsec.h"

typedef enum {
    AKA_ALG_UNKNOWN = 0,
    AKA_ALG_MD5,       /* plain RFC 2617 ("MD5" or absent) */
    AKA_ALG_AKAV1_MD5, /* RFC 3310: password = raw RES bytes */
    AKA_ALG_AKAV2_MD5, /* RFC 4169: password = base64(HMAC-MD5(RES||IK||CK, ...)) */
    AKA_ALG__COUNT
} aka_alg;

/* Token to enum, case-insensitive; an empty token is AKA_ALG_MD5 (RFC 2617
 * §3.2.1 default). Unknown tokens give AKA_ALG_UNKNOWN. */
aka_alg aka_alg_from_token(imsec_str tok);
const char *aka_alg_str(aka_alg a);

/* Digest parameters as they appear in Authorization (unquoted). qop is
 * empty (RFC 2069 compatibility form), "auth" or "auth-int"; nc and cnonce
 * are used only with a qop; body only with auth-int. */
typedef struct {
    imsec_str username, realm, nonce, method, uri;
    imsec_str qop, nc, cnonce;
    imsec_str body;
} aka_digest_in;

#define AKA_DIGEST_HEX_LEN 32

/* RFC 2617 §3.2.2 request-digest with the given password bytes:
 * HA1 = MD5(username ":" realm ":" password), HA2 = MD5(method ":" uri
 * [":" MD5(body)]), response = MD5(HA1 ":" nonce [":" nc ":" cnonce ":" qop]
 * ":" HA2), lowercase hex in out (NUL-terminated). For AKAv1-MD5 pass RES;
 * for AKAv2-MD5 pass the output of aka_v2_password. Returns IMSEC_OK,
 * IMSEC_E_MALFORMED for an unknown qop, IMSEC_E_CONFIG on OpenSSL failure. */
IMSEC_NODISCARD int aka_digest_response(const aka_digest_in *in, const uint8_t *pw, size_t pw_len,
                                        char out[AKA_DIGEST_HEX_LEN + 1]);

/* Recomputes the response and compares it with `response` (32 hex digits,
 * either case) in constant time. *match is false on any failure. */
IMSEC_NODISCARD int aka_digest_verify(const aka_digest_in *in, const uint8_t *pw, size_t pw_len,
                                      imsec_str response, bool *match);

/* AKAv2-MD5 password (RFC 4169): base64(HMAC-MD5(key = RES || IK || CK,
 * "http-digest-akav2-password")), 24 characters plus NUL. res_len 4..16. */
#define AKA_V2_PASSWORD_LEN 24
IMSEC_NODISCARD int aka_v2_password(const uint8_t *res, size_t res_len,
                                    const uint8_t ik[MILENAGE_IK_LEN],
                                    const uint8_t ck[MILENAGE_CK_LEN],
                                    char out[AKA_V2_PASSWORD_LEN + 1]);

/* nonce = base64(RAND || AUTN || optional server data) (RFC 3310 §3.2).
 * Extra bytes after the first 32 are allowed and not examined. Returns
 * IMSEC_E_MALFORMED for bad base64 or fewer than 32 bytes. */
IMSEC_NODISCARD int aka_nonce_decode(imsec_str nonce, uint8_t rand[MILENAGE_RAND_LEN],
                                     uint8_t autn[MILENAGE_AUTN_LEN]);

/* Synchronisation failure (RFC 3310 §3.4): decodes the auts parameter
 * (base64 of 14 bytes; 28 hex digits are tolerated, as SIPp sends them),
 * then recovers SQN_MS = (SQN_MS xor AK*) xor f5*(RAND) and checks MAC-S =
 * f1*(SQN_MS, RAND, AMF* = 0000) (TS 33.102 §6.3.3). Returns
 * IMSEC_E_MALFORMED when auts does not decode to 14 bytes; otherwise
 * IMSEC_OK with *mac_ok telling whether MAC-S verified. */
IMSEC_NODISCARD int aka_auts_decode(milenage_ctx *m, const uint8_t rand[MILENAGE_RAND_LEN],
                                    imsec_str auts, uint8_t sqn_ms[MILENAGE_SQN_LEN],
                                    bool *mac_ok);
#endif
