/* imsec/sipinfo.h — the 3GPP security view of one SIP message, decoded by
 * libimsec for a viewer (the Wireshark plugin shows it as tree items).
 *
 * imsec_sip_describe parses the message once and calls back once per item,
 * in display order: every Security-Client/-Server/-Verify element
 * (RFC 3329 §2.2, TS 33.203 §7.2), every Digest/AKA challenge or
 * credential (RFC 2617, RFC 3310, TS 24.229 §7.2A.1), then, behind an
 * IDENT_BEGIN marker, the identities and privacy (RFC 3325 §9, RFC 3323
 * §4.2, RFC 7315), then, behind a HIDE_BEGIN marker, each
 * Via/Record-Route/Path/Service-Route entry (TS 24.229 §5.10.4). An element
 * that does not parse comes as MALFORMED in its place. Slices point into
 * the caller's message bytes; items are valid only during the callback. */
#ifndef IMSEC_SIPINFO_H
#define IMSEC_SIPINFO_H

#include "imsec/imsec.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    IMSEC_SIP_SECMECH,
    IMSEC_SIP_DIGEST,
    IMSEC_SIP_IDENT_BEGIN,
    IMSEC_SIP_PAI,
    IMSEC_SIP_PPI,
    IMSEC_SIP_PAU,           /* P-Associated-URI entry */
    IMSEC_SIP_PRIVACY,
    IMSEC_SIP_RPID,
    IMSEC_SIP_HIDE_BEGIN,
    IMSEC_SIP_HIDE,
    IMSEC_SIP_MALFORMED,     /* header names what, value is the element */
} imsec_sip_item_kind;

typedef struct {
    imsec_sip_item_kind kind;
    const char *header;      /* "Security-Client", "Authorization", "Via", ... */
    imsec_str value;         /* the element or header value as on the wire */
    union {
        struct {
            imsec_str mech, alg, ealg, prot, mod;
            uint32_t spi_c, spi_s, q; /* q * 1000 */
            uint16_t port_c, port_s;
            bool has_spi_c, has_spi_s, has_port_c, has_port_s, has_q;
        } sec;
        struct {
            imsec_str scheme, username, realm, algorithm, auts, integrity_protected, ck, ik;
            bool has_username, has_auts, has_integrity_protected, has_ck, has_ik;
            bool aka;         /* the nonce is an AKA nonce (RFC 3310 §3.2): fields below */
            uint8_t rand[16], autn[16], sqn_xor_ak[6], amf[2], mac[8];
            uint32_t server_data_len;
        } auth;
        struct {
            imsec_str uri;    /* PAI, PPI, PAU, RPID */
            const char *rpid_privacy; /* RPID: "", "off", "name", "uri", "full" */
        } ident;
        struct {
            char obliges[512]; /* what the values ask of the network, "; " separated */
        } privacy;
        struct {
            imsec_str host, tokenized_by;
            bool tokenized;   /* replaced by a THIG/IBCF token (tokenized-by) */
            /* "home", "foreign" (site profile home_domains / internal_prefixes),
             * or "unknown" when the profile lists nothing to decide with */
            const char *network;
        } hide;
    } u;
} imsec_sip_item;

typedef void (*imsec_sip_item_cb)(void *ud, const imsec_sip_item *it);

/* cfg (may be NULL) gives the site profile for hide.network. Returns the
 * message length (> 0), or 0 or a negative imsec_rc when the bytes are not
 * a SIP message (then nothing was called back). */
int imsec_sip_describe(const uint8_t *data, uint32_t len, const imsec_config *cfg,
                       imsec_sip_item_cb cb, void *ud);

#ifdef __cplusplus
}
#endif
#endif
