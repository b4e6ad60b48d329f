/* secagree: IMS security agreement and the IPsec SAs it sets up.
 *
 * Per registration: the UE's Security-Client offer, the P-CSCF's
 * Security-Server (in the 401 toward the UE), the Security-Verify of the
 * protected REGISTER (RFC 3329 §2.3.1), the AKA challenge (RAND, AUTN) and,
 * when they can be had, CK and IK — from the subscriber's K/OPc in a keys
 * file through Milenage over the challenged RAND, or from ck=/ik= seen on
 * the S-CSCF -> P-CSCF leg (TS 24.229 §7.2A.1). From these come the four
 * SAs of TS 33.203 §7.1 (ims-security-reference.md §2.3):
 *
 *   SA1 UE:port_uc -> P:port_ps, SPI spi_ps     SA2 P:port_ps -> UE:port_uc, SPI spi_uc
 *   SA3 P:port_pc -> UE:port_us, SPI spi_us     SA4 UE:port_us -> P:port_pc, SPI spi_pc
 *
 * A re-authentication creates a new set while the old one stays usable
 * (TS 33.203 §7.4: old and new sets coexist until the new one is used);
 * two sets per registration are kept. ESP packets are attributed to a set
 * by (destination, SPI) and, when keys are known, opened with crypto/esp.
 *
 * Which hop is the UE side (Gm): a request from the UE, or a response to
 * it, carries exactly one Via (the UE's own); anything a proxy forwarded
 * carries two or more (RFC 3261 §16.6 step 8). */
#ifndef IMSEC_STATE_SECAGREE_H
#define IMSEC_STATE_SECAGREE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/imsec_str.h"
#include "imsec/imsec.h"
#include "net/net.h"
#include "sip/sip_hdr.h"
#include "sip/sip_msg.h"
#include "sip/sip_view.h"

struct esp_sa;
#include "rules/keys.h"

#define SA_MAX_MECHS 4

typedef struct {
    char mech[16], alg[24], ealg[24], prot[8], mod[12];
    uint32_t spi_c, spi_s, q;
    uint16_t port_c, port_s;
    bool has_q;
} sa_mech;

typedef struct {
    sa_mech m[SA_MAX_MECHS];
    uint8_t n;
    bool present;
    uint64_t frame;
} sa_mechs;

enum { SA_1 = 0, SA_2, SA_3, SA_4, SA__N };
const char *sa_name(unsigned which); /* "SA1".."SA4" */

typedef struct {
    bool used;                /* slot holds a set */
    bool established;         /* protected traffic seen on it */
    bool dead;                /* deregistered or replaced and expired */
    uint32_t gen;
    imsec_addr ue, pcscf;
    uint16_t port_uc, port_us, port_pc, port_ps;
    uint32_t spi_uc, spi_us, spi_pc, spi_ps;
    char alg[24], ealg[24];
    uint64_t agreed_frame, established_frame;
    int64_t expires_sec;      /* packet time when the SIP-level lifetime ends; 0: not yet set */
    bool keys;                /* ESP keys known: esp[] ready */
    const char *keys_source;  /* the sa_reg's ckik_source when the keys were derived */
    uint8_t ck[16], ik[16];   /* the CK/IK the keys came from (secret; for the ims_sa record) */
    struct esp_sa *esp[SA__N];
    uint64_t packets, decrypted, failed;
    uint32_t det_flags;       /* per-detector latches */
    void *idx[SA__N];         /* this set's SPI index entries (owned by sa_ctx) */
} sa_set;

/* The security state of one registration (allocated on first use). */
typedef struct sa_reg {
    char impi[IMSEC_SUBJ_LEN];
    sa_mechs client, server, verify;
    bool have_rand;
    uint8_t rand[16], autn[16];
    uint64_t challenge_frame;
    char nonce[64];           /* the challenged nonce (base64), for the digest check */
    char realm[IMSEC_SUBJ_LEN];
    bool aka;                 /* the challenge was Digest AKA */
    bool have_ckik, have_res;
    uint8_t ck[16], ik[16], res[16];
    uint8_t res_len;
    const char *ckik_source;  /* "keys file" or "capture" */
    sa_set sets[2];
    uint8_t cur;              /* index of the newest set */
    uint32_t gen;
    uint64_t ue_clear_register_frame; /* last REGISTER from the UE outside any SA */
    uint32_t ue_clear_register_cseq;
    uint32_t det_flags;
    uint64_t bad_response_frame; /* a response that failed the RES check, awaiting its outcome */
    /* KEY-AKA-SYNC-STORM bookkeeping: times of recent failures */
    int64_t fail_times[16];
    uint64_t fail_frames[16];
    uint8_t nfail;
    void *pair_idx;           /* the (UE, P-CSCF) index entry pointing here, if any */
} sa_reg;

/* What secagree learned from one message (read by the KEY detectors). */
typedef struct {
    bool gm;                  /* UE side: exactly one Via */
    bool via_count_known;
    const char *impi;         /* owner of `set` */
    const sa_set *set;        /* the set this message travelled in (ESP) or
                               * that protects its two endpoints (clear) */
    unsigned which;           /* SA index when in ESP */
    bool challenge;           /* a 401/407 to REGISTER carrying a nonce */
    bool aka;                 /* ...with algorithm AKAv1-MD5/AKAv2-MD5 */
    bool ckik;                /* WWW-Authenticate carries ck= or ik= */
    imsec_str ck_value;
    bool client, server, verify; /* the Security-* headers present in this message */
    bool integrity_protected; /* Authorization carries integrity-protected */
    imsec_str integrity_value;
    bool auts;
    bool response_present;    /* Authorization with non-empty response */
    int response_ok;          /* 1 matches RES, -1 does not, 0 unknown (no keys) */
    bool set_created;         /* this 401 created a new SA set */
    uint64_t rand_first_frame;  /* RAND seen before in another transaction (0: new) */
    char rand_first_impi[IMSEC_SUBJ_LEN];
} sa_event;

/* RFC 3329 §2.3.1: the same mechanisms, element by element, in order. */
bool sa_mechs_same(const sa_mechs *a, const sa_mechs *b);
/* The Security-Verify of request msg against the Security-Server r was
 * last challenged with (r may be NULL); *server_frame gets that 401's frame. */
imsec_verify sa_verify_verdict(const sa_reg *r, const sip_view *v, uint64_t *server_frame);

typedef struct sa_ctx sa_ctx;

sa_ctx *sa_ctx_new(const uint8_t hkey[16], imsec_stats *stats, const keys_set *keys);
void sa_ctx_free(sa_ctx *c);
/* Where ims_sa records go: each SA set is reported (cb->on_sa) when it is
 * released — replaced by a newer set, or its registration evicted or
 * finished. cb is borrowed (the state's copy) and may be NULL. */
void sa_ctx_set_callbacks(sa_ctx *c, const imsec_callbacks *cb);
void sa_reg_free(sa_ctx *c, sa_reg *r);

/* Apply a REGISTER request/response of registration `impi` (*rp may be
 * NULL; it is allocated on demand). auth: the request's parsed
 * Authorization, or NULL. */
void sa_on_register(sa_ctx *c, sa_reg **rp, const char *impi, const net_meta *m,
                    const sip_view *v, const sip_digest *auth, sa_event *ev);
/* Attach the SA context of any other SIP message (clear or protected). */
void sa_on_message(sa_ctx *c, const net_meta *m, const sip_view *v, sa_event *ev);
/* A 200 OK to REGISTER on the UE side: the SIP-level lifetime of the newest
 * set becomes expires + 30 s (ims-security-reference.md §2.4 step 7);
 * expires 0 ends every set of the registration. */
void sa_on_registered(sa_ctx *c, sa_reg *r, const net_meta *m, uint32_t expires);

/* ESP: find the set and SA for (dst, SPI) and open the packet. Returns
 * 1 with plaintext in out[0..res_len) and *next_header set; 0 when the
 * packet was attributed but not opened (no keys, or encrypted without
 * keys); -1 when it failed integrity or decoding; -2 for an unknown SPI.
 * *set_out/which_out name the SA when attributed. */
typedef struct {
    const sa_set *set;
    unsigned which;
    const char *impi;
    uint32_t payload_len;
    uint8_t next_header;
    uint32_t payload_off;     /* ESP-NULL guessed: payload is pkt[payload_off..] */
    bool from_keys_file;      /* opened with an explicit SA from --keys */
} sa_esp_result;
int sa_open_esp(sa_ctx *c, const net_meta *m, const uint8_t *pkt, uint32_t len, uint8_t *out,
                uint32_t cap, sa_esp_result *res);

/* Formats "0x1001/0x2002" (the UE's spi-c/spi-s) for a set. */
void sa_set_label(const sa_set *s, char *buf, size_t cap);

/* Number of SA sets created (stats.sas). */
uint64_t sa_count(const sa_ctx *c);

#endif
