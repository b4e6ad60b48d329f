/* Milenage (3GPP TS 35.206 §4.1): the AKA functions f1, f1*, f2, f3, f4,
 * f5 and f5*, plus AUTN assembly and the UE-side AUTN check of TS 33.102
 * §6.3.2/§6.3.3. A passive analyzer that holds K and OP/OPc recomputes RES,
 * CK and IK from the RAND seen in a 401, which is how it gets the ESP keys.
 *
 * A milenage_ctx holds one AES-128 key schedule (K) and OPc. It is not
 * thread-safe (the EVP context is reused for every block); make one per
 * subscriber or per thread. All buffers are fixed-size byte arrays whose
 * sizes are the MILENAGE_*_LEN constants. Functions return IMSEC_OK or a
 * negative imsec_rc (IMSEC_E_CONFIG on an OpenSSL failure). */
#ifndef IMSEC_CRYPTO_MILENAGE_H
#define IMSEC_CRYPTO_MILENAGE_H
#include <stdbool.h>
#include <stdint.h>

#include "imsec/imsec.h"

#define MILENAGE_K_LEN 16
#define MILENAGE_OP_LEN 16
#define MILENAGE_RAND_LEN 16
#define MILENAGE_SQN_LEN 6
#define MILENAGE_AMF_LEN 2
#define MILENAGE_MAC_LEN 8
#define MILENAGE_RES_LEN 8
#define MILENAGE_CK_LEN 16
#define MILENAGE_IK_LEN 16
#define MILENAGE_AK_LEN 6
#define MILENAGE_AUTN_LEN 16
#define MILENAGE_AUTS_LEN 14

typedef struct milenage_ctx milenage_ctx;

/* Constructors: K with OPc, or K with OP (OPc = OP xor E_K(OP), TS 35.206
 * §4.1). Return NULL on allocation or OpenSSL failure. Keys are copied and
 * wiped on free. */
milenage_ctx *milenage_new(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_OP_LEN]);
milenage_ctx *milenage_new_op(const uint8_t k[MILENAGE_K_LEN], const uint8_t op[MILENAGE_OP_LEN]);
void milenage_free(milenage_ctx *m);

/* The OPc this context uses. */
void milenage_get_opc(const milenage_ctx *m, uint8_t opc[MILENAGE_OP_LEN]);

/* One-shot OPc from K and OP. */
IMSEC_NODISCARD int milenage_opc(const uint8_t k[MILENAGE_K_LEN], const uint8_t op[MILENAGE_OP_LEN],
                                 uint8_t opc[MILENAGE_OP_LEN]);

/* f1 (MAC-A) and f1* (MAC-S) from OUT1. Either output may be NULL. */
IMSEC_NODISCARD int milenage_f1(milenage_ctx *m, const uint8_t rand[MILENAGE_RAND_LEN],
                                const uint8_t sqn[MILENAGE_SQN_LEN],
                                const uint8_t amf[MILENAGE_AMF_LEN], uint8_t mac_a[MILENAGE_MAC_LEN],
                                uint8_t mac_s[MILENAGE_MAC_LEN]);

/* f2 (RES), f3 (CK), f4 (IK), f5 (AK) and f5* (AK*) from OUT2..OUT5. Any
 * output may be NULL; only the blocks needed are computed. */
IMSEC_NODISCARD int milenage_f2345(milenage_ctx *m, const uint8_t rand[MILENAGE_RAND_LEN],
                                   uint8_t res[MILENAGE_RES_LEN], uint8_t ck[MILENAGE_CK_LEN],
                                   uint8_t ik[MILENAGE_IK_LEN], uint8_t ak[MILENAGE_AK_LEN],
                                   uint8_t ak_star[MILENAGE_AK_LEN]);

/* Network side: AUTN = (SQN xor AK) || AMF || MAC-A (TS 33.102 §6.3.2). */
IMSEC_NODISCARD int milenage_autn(milenage_ctx *m, const uint8_t rand[MILENAGE_RAND_LEN],
                                  const uint8_t sqn[MILENAGE_SQN_LEN],
                                  const uint8_t amf[MILENAGE_AMF_LEN],
                                  uint8_t autn[MILENAGE_AUTN_LEN]);

/* What a UE derives from RAND and AUTN (TS 33.102 §6.3.3). */
typedef struct {
    bool mac_ok; /* XMAC-A == MAC-A (constant-time compare) */
    uint8_t sqn[MILENAGE_SQN_LEN];
    uint8_t amf[MILENAGE_AMF_LEN];
    uint8_t res[MILENAGE_RES_LEN];
    uint8_t ck[MILENAGE_CK_LEN];
    uint8_t ik[MILENAGE_IK_LEN];
    uint8_t ak[MILENAGE_AK_LEN];
} milenage_ue_result;

/* UE side: SQN = (SQN xor AK) xor AK, MAC-A check with the AMF taken from
 * AUTN, and RES/CK/IK. Returns IMSEC_OK when the computation ran, whatever
 * the MAC outcome (read out->mac_ok); SQN freshness is not checked. out is
 * zeroed on failure. */
IMSEC_NODISCARD int milenage_check_autn(milenage_ctx *m, const uint8_t rand[MILENAGE_RAND_LEN],
                                        const uint8_t autn[MILENAGE_AUTN_LEN],
                                        milenage_ue_result *out);

/* Resynchronisation (TS 33.102 §6.3.3): AUTS = (SQN_MS xor AK*) || MAC-S
 * with MAC-S = f1*(K, SQN_MS, RAND, AMF*) and the dummy AMF* = 0000
 * (§6.3.5). milenage_auts builds one; milenage_auts_decode recovers SQN_MS
 * and reports whether MAC-S verifies (*mac_ok). */
IMSEC_NODISCARD int milenage_auts(milenage_ctx *m, const uint8_t rand[MILENAGE_RAND_LEN],
                                  const uint8_t sqn_ms[MILENAGE_SQN_LEN],
                                  uint8_t auts[MILENAGE_AUTS_LEN]);
IMSEC_NODISCARD int milenage_auts_decode(milenage_ctx *m, const uint8_t rand[MILENAGE_RAND_LEN],
                                         const uint8_t auts[MILENAGE_AUTS_LEN],
                                         uint8_t sqn_ms[MILENAGE_SQN_LEN], bool *mac_ok);
#endif
