/* libFuzzer: typed SIP header parsers. The first byte picks the parser, the
 * rest is the header value. Results must lie inside the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip_hdr.h"

static void in_bounds(imsec_str s, const char *p, size_t n)
{
    if (s.len && (s.p < p || s.p + s.len > p + n))
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    const char *p = (const char *)data + 1;
    size_t n = size - 1;
    imsec_str s = imsec_str_make(p, n), item, rest = s;
    switch (data[0] % 14) {
    case 0: {
        sip_uri u;
        if (sip_uri_parse(s, &u) == IMSEC_OK) {
            in_bounds(u.user, p, n), in_bounds(u.host, p, n), in_bounds(u.params, p, n);
            in_bounds(u.headers, p, n), in_bounds(u.password, p, n), in_bounds(u.rest, p, n);
            imsec_str v;
            (void)sip_param_get(u.params, "transport", &v);
            in_bounds(v, p, n);
            if (sip_uri_header_get(u.headers, "Replaces", &v)) {
                char buf[512];
                long k = sip_uri_unescape(v, buf, sizeof buf);
                sip_replaces r;
                if (k >= 0 && sip_replaces_parse(imsec_str_make(buf, (size_t)k), &r) == IMSEC_OK)
                    in_bounds(r.call_id, buf, (size_t)k);
            }
        }
        break;
    }
    case 1:
        while (imsec_str_list_next(&rest, &item)) {
            sip_naddr a;
            if (sip_naddr_parse(item, &a) == IMSEC_OK) {
                in_bounds(a.display, p, n), in_bounds(a.uri_str, p, n), in_bounds(a.params, p, n);
                in_bounds(sip_naddr_tag(&a), p, n);
            }
        }
        break;
    case 2:
        while (imsec_str_list_next(&rest, &item)) {
            sip_via v;
            if (sip_via_parse(item, &v) == IMSEC_OK)
                in_bounds(v.host, p, n), in_bounds(v.branch, p, n), in_bounds(v.protocol, p, n);
        }
        break;
    case 3: {
        uint32_t seq;
        imsec_str m;
        if (sip_cseq_parse(s, &seq, &m) == IMSEC_OK)
            in_bounds(m, p, n);
        break;
    }
    case 4: {
        sip_digest d;
        if (sip_digest_parse(s, &d) == IMSEC_OK) {
            in_bounds(d.nonce, p, n), in_bounds(d.realm, p, n), in_bounds(d.ck, p, n);
            sip_aka_nonce an;
            (void)sip_aka_nonce_parse(d.nonce, &an);
        }
        break;
    }
    case 5: {
        sip_aka_nonce an;
        (void)sip_aka_nonce_parse(s, &an);
        break;
    }
    case 6:
        while (imsec_str_list_next(&rest, &item)) {
            sip_secmech m;
            if (sip_secmech_parse(item, &m) == IMSEC_OK)
                in_bounds(m.mech, p, n), in_bounds(m.params, p, n), in_bounds(m.alg, p, n);
        }
        break;
    case 7:
        (void)sip_privacy_parse(s);
        break;
    case 8: {
        sip_replaces r;
        if (sip_replaces_parse(s, &r) == IMSEC_OK)
            in_bounds(r.call_id, p, n), in_bounds(r.to_tag, p, n), in_bounds(r.from_tag, p, n);
        break;
    }
    case 9:
        while (imsec_str_list_next(&rest, &item)) {
            sip_rpid r;
            if (sip_rpid_parse(item, &r) == IMSEC_OK)
                in_bounds(r.party, p, n);
        }
        break;
    case 10: {
        sip_pcv v;
        if (sip_pcv_parse(s, &v) == IMSEC_OK)
            in_bounds(v.icid, p, n);
        break;
    }
    case 11: {
        sip_pani a;
        if (sip_pani_parse(s, &a) == IMSEC_OK)
            in_bounds(a.access_type, p, n), in_bounds(a.params, p, n);
        break;
    }
    case 12: {
        sip_ctype c;
        if (sip_ctype_parse(s, &c) == IMSEC_OK)
            in_bounds(c.params, p, n), (void)sip_ctype_is(&c, "application", "sdp");
        break;
    }
    default: {
        char buf[256];
        (void)sip_uri_unescape(s, buf, sizeof buf);
        imsec_str v;
        (void)sip_param_get(s, "tag", &v);
        in_bounds(v, p, n);
        break;
    }
    }
    return 0;
}
