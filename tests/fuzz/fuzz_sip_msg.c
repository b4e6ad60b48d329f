/* libFuzzer: sip_msg_parse in both modes, then every typed parser on every
 * header value (and every element of comma lists), SDP on the body, and the
 * cheap detectors. Invariants: consumed <= size, every slice in the input,
 * header chains consistent. */
#include <stddef.h>
#include <stdint.h>

#include "sip/sdp.h"
#include "sip/sip_hdr.h"
#include "sip/sip_msg.h"

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if (!(x))                                                                                  \
            __builtin_trap();                                                                      \
    } while (0)

static void in_bounds(imsec_str s, const uint8_t *p, size_t n)
{
    CHECK(s.len == 0 || ((const uint8_t *)s.p >= p && (const uint8_t *)s.p + s.len <= p + n));
}

static void typed(const sip_hdr *h)
{
    imsec_str rest = h->value, item;
    int rc = 0;
    switch (h->type) {
    case SIP_HDR_VIA:
        while (imsec_str_list_next(&rest, &item)) {
            sip_via v;
            rc |= sip_via_parse(item, &v);
        }
        break;
    case SIP_HDR_CSEQ: {
        uint32_t seq;
        imsec_str m;
        rc |= sip_cseq_parse(h->value, &seq, &m);
        break;
    }
    case SIP_HDR_AUTHORIZATION:
    case SIP_HDR_PROXY_AUTHORIZATION:
    case SIP_HDR_WWW_AUTHENTICATE:
    case SIP_HDR_PROXY_AUTHENTICATE:
    case SIP_HDR_AUTHENTICATION_INFO: {
        sip_digest d;
        sip_aka_nonce an;
        if (sip_digest_parse(h->value, &d) == IMSEC_OK && d.has_nonce)
            rc |= sip_aka_nonce_parse(d.nonce, &an);
        break;
    }
    case SIP_HDR_SECURITY_CLIENT:
    case SIP_HDR_SECURITY_SERVER:
    case SIP_HDR_SECURITY_VERIFY:
        while (imsec_str_list_next(&rest, &item)) {
            sip_secmech m;
            rc |= sip_secmech_parse(item, &m);
        }
        break;
    case SIP_HDR_PRIVACY:
        (void)sip_privacy_parse(h->value);
        break;
    case SIP_HDR_REPLACES:
    case SIP_HDR_TARGET_DIALOG: {
        sip_replaces r;
        rc |= sip_replaces_parse(h->value, &r);
        break;
    }
    case SIP_HDR_REMOTE_PARTY_ID:
        while (imsec_str_list_next(&rest, &item)) {
            sip_rpid r;
            rc |= sip_rpid_parse(item, &r);
        }
        break;
    case SIP_HDR_P_CHARGING_VECTOR: {
        sip_pcv v;
        rc |= sip_pcv_parse(h->value, &v);
        break;
    }
    case SIP_HDR_P_ACCESS_NETWORK_INFO: {
        sip_pani p;
        rc |= sip_pani_parse(h->value, &p);
        break;
    }
    case SIP_HDR_CONTENT_TYPE: {
        sip_ctype c;
        rc |= sip_ctype_parse(h->value, &c);
        break;
    }
    case SIP_HDR_REFER_TO: {
        sip_naddr n;
        imsec_str v;
        if (sip_naddr_parse(h->value, &n) == IMSEC_OK && sip_uri_header_get(n.uri.headers, "Replaces", &v)) {
            char buf[1024];
            long k = sip_uri_unescape(v, buf, sizeof buf);
            sip_replaces r;
            if (k >= 0)
                rc |= sip_replaces_parse(imsec_str_make(buf, (size_t)k), &r);
        }
        break;
    }
    default:
        /* every other header: try the address parser on each element */
        while (imsec_str_list_next(&rest, &item)) {
            sip_naddr n;
            rc |= sip_naddr_parse(item, &n);
        }
        break;
    }
    (void)rc;
}

static void one(const uint8_t *data, size_t size, sip_mode mode)
{
    sip_hdr hdrs[SIP_MSG_MAX_HDRS];
    sip_msg m;
    int rc = sip_msg_parse(data, (uint32_t)size, mode, hdrs, SIP_MSG_MAX_HDRS, &m);
    if (rc <= 0) {
        CHECK(m.nhdrs == 0 && m.hdrs == hdrs);
        return;
    }
    CHECK((size_t)rc <= size && m.msg_len <= (uint32_t)rc);
    in_bounds(m.ruri, data, size), in_bounds(m.method_str, data, size);
    in_bounds(m.reason, data, size), in_bounds(m.body, data, size);
    if (m.is_request) {
        sip_uri u;
        (void)!sip_uri_parse(m.ruri, &u);
    }
    for (uint16_t i = 0; i < m.nhdrs; i++) {
        in_bounds(m.hdrs[i].name, data, size), in_bounds(m.hdrs[i].value, data, size);
        typed(&m.hdrs[i]);
    }
    for (int t = 1; t < SIP_HDR__COUNT; t++)
        for (const sip_hdr *h = sip_msg_hdr(&m, (sip_hdr_type)t); h; h = sip_msg_hdr_next(&m, h))
            CHECK(h->type == t);
    sdp_desc d;
    if (m.body.len)
        (void)!sdp_parse(m.body.p, m.body.len, &d);
    (void)sip_msg_hdr_by_name(&m, "X-Unknown");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 200000)
        return 0;
    one(data, size, SIP_MODE_DATAGRAM);
    one(data, size, SIP_MODE_STREAM);
    (void)sip_msg_looks_like_sip(data, (uint32_t)size);
    long off = sip_msg_find_start(data, (uint32_t)size, size ? data[0] % 8 : 0);
    CHECK(off < (long)size);
    return 0;
}
