/* state/token (Kamailio topoh unmasking), state/boundary (site profile and
 * inference) and state/privacy helpers.
 *
 * topoh vectors: masks taken from the lab captures samples/kamailio-topoh
 * (mask_key "imsec-lab-thig-key") and kamailio-topoh-defkey (topoh's
 * built-in key "aL9.n8~Hm]Z", topoh.c _th_key), with the plaintext Kamailio
 * itself forwarded inside the home network in the same capture. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rules/config.h"
#include "sip/sip_msg.h"
#include "sip/sip_view.h"
#include "state/boundary.h"
#include "state/privacy.h"
#include "state/token.h"
#include "testutil.h"

static imsec_str S(const char *s) { return imsec_str_make(s, strlen(s)); }

static void check_unmask(const char *key, const char *tok, const char *want)
{
    tok_topoh_key k;
    tok_topoh_key_init(&k, key, strlen(key));
    uint8_t out[256];
    long n = tok_topoh_decode(&k, S(tok), out, sizeof out);
    assert_int_equal(n, (long)strlen(want));
    assert_memory_equal(out, want, strlen(want));
    assert_true(tok_plain_sip(out, (size_t)n));
    /* every prefix decodes or fails cleanly, never past cap */
    for (size_t l = 0; l < strlen(tok); l++) {
        long m = tok_topoh_decode(&k, imsec_str_make(tok, l), out, sizeof out);
        assert_true(m >= -1 && m <= (long)sizeof out);
    }
    assert_int_equal(tok_topoh_decode(&k, S(tok), out, 3), -1);
}

static void test_topoh_configured_key(void **st)
{
    (void)st;
    check_unmask("imsec-lab-thig-key", "K.OrgQFrnQFDNpIGg.zGodaDg.t14dKaNQKGNQZQ4dzSNB**",
                 "sip:10.1.0.2;lr=on;ftag=27225call1");
    check_unmask("imsec-lab-thig-key",
                 "91OBnylDNpaZVmf3N7fDTH9DNpIzNHh2NH4rg.eG4duQLH2wgd6qTsenn7lkNQl2n7FCNf**",
                 "SIP/2.0/UDP 10.45.0.10:5060;branch=z9hG4bK-27225-1-0");
}

static void test_topoh_default_key(void **st)
{
    (void)st;
    check_unmask(TOK_TOPOH_DEFAULT_KEY, "N6IAzBFAOBF7MGZLz6fLHRQ7z6g43RNQMBNuz.0B3RfdMP**",
                 "sip:10.1.0.2;lr=on;ftag=27590call1");
}

static void test_topoh_wrong_key(void **st)
{
    (void)st;
    tok_topoh_key k;
    tok_topoh_key_init(&k, TOK_TOPOH_DEFAULT_KEY, strlen(TOK_TOPOH_DEFAULT_KEY));
    uint8_t out[256];
    long n = tok_topoh_decode(&k, S("K.OrgQFrnQFDNpIGg.zGodaDg.t14dKaNQKGNQZQ4dzSNB**"), out,
                              sizeof out);
    assert_true(n < 0 || !tok_plain_sip(out, (size_t)n));
    assert_int_equal(tok_topoh_decode(&k, S("abc!def"), out, sizeof out), -1);
}

static void test_trivial_and_opaque(void **st)
{
    (void)st;
    char out[64];
    assert_true(tok_trivial_encoding(S("c2NzY2YuaG9tZTEubmV0"), out, sizeof out)); /* base64 */
    assert_string_equal(out, "scscf.home1.net");
    assert_true(tok_trivial_encoding(S("73637363662e686f6d65312e6e6574"), out, sizeof out));
    assert_false(tok_trivial_encoding(S("q7T9xZ2mKp"), out, sizeof out));
    assert_true(tok_opaque(S("Zm9vYmFyYmF6cXV4"), 16));
    assert_false(tok_opaque(S("10.1.0.2"), 4));
}

static void test_privacy_user_token(void **st)
{
    (void)st;
    assert_true(privacy_has_user(S("<sip:alice@10.45.0.10:5060>"), S("alice")));
    assert_false(privacy_has_user(S("<sip:malice@10.45.0.10>"), S("alice")));
    assert_false(privacy_has_user(S("<sip:alice2@x>"), S("alice")));
}

static const char reg[] = "REGISTER sip:home1.net SIP/2.0\r\n"
                          "Via: SIP/2.0/UDP 10.45.0.10:5060;branch=z9hG4bK-1\r\n"
                          "From: <sip:alice@home1.net>;tag=1\r\nTo: <sip:alice@home1.net>\r\n"
                          "Call-ID: r1\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n";

static void test_boundary_inferred(void **st)
{
    (void)st;
    static const uint8_t hkey[16] = {1, 2, 3};
    bnd_ctx *b = bnd_new(NULL, hkey);
    assert_non_null(b);
    assert_false(bnd_known(b));
    sip_hdr hdrs[SIP_MSG_MAX_HDRS];
    sip_msg msg;
    assert_true(sip_msg_parse((const uint8_t *)reg, sizeof reg - 1, SIP_MODE_DATAGRAM, hdrs,
                              SIP_MSG_MAX_HDRS, &msg) > 0);
    net_meta m;
    memset(&m, 0, sizeof m);
    assert_true(imsec_addr_parse("10.45.0.10", 10, &m.t.src));
    assert_true(imsec_addr_parse("10.1.0.1", 8, &m.t.dst));
    static sip_view view; /* large: keep it off the stack */
    sip_view_reset(&view, &msg);
    bnd_observe(b, &m, &view);
    assert_true(bnd_inferred(b));
    assert_true(bnd_host_home(b, S("home1.net")));
    assert_true(bnd_host_home(b, S("pcscf.home1.net")));
    assert_false(bnd_host_home(b, S("evilhome1.net")));
    assert_true(bnd_host_home(b, S("10.1.0.1")));
    assert_true(bnd_addr_ue(b, &m.t.src));
    net_meta out = m;
    assert_true(imsec_addr_parse("10.1.0.1", 8, &out.t.src));
    assert_true(imsec_addr_parse("192.0.2.9", 9, &out.t.dst));
    assert_int_equal(bnd_direction(b, &out), BND_OUT);
    char buf[256];
    assert_string_equal(bnd_describe(b, buf, sizeof buf),
                        "inferred: home_domains [\"home1.net\"], cscf addresses [\"10.1.0.1\"], "
                        "ue addresses [\"10.45.0.10\"]");
    bnd_free(b);
}

static void level_of(const char *rpid_privacy_hdrs, bool *name, bool *uri)
{
    static char buf[512];
    int n = snprintf(buf, sizeof buf,
                     "INVITE sip:bob@home1.net SIP/2.0\r\nVia: SIP/2.0/UDP 10.45.0.10;branch=z9hG4bK1\r\n"
                     "From: <sip:alice@home1.net>;tag=1\r\nTo: <sip:bob@home1.net>\r\n"
                     "Call-ID: c1\r\nCSeq: 1 INVITE\r\n%sContent-Length: 0\r\n\r\n",
                     rpid_privacy_hdrs);
    sip_hdr hdrs[SIP_MSG_MAX_HDRS];
    sip_msg msg;
    assert_true(sip_msg_parse((const uint8_t *)buf, (uint32_t)n, SIP_MODE_DATAGRAM, hdrs,
                              SIP_MSG_MAX_HDRS, &msg) > 0);
    static sip_view view;
    sip_view_reset(&view, &msg);
    privacy_user_level(&view, name, uri);
}

static void test_privacy_levels(void **st)
{
    (void)st;
    bool name, uri;
    level_of("Privacy: user\r\n", &name, &uri);
    assert_true(name && uri);
    level_of("Privacy: id\r\n", &name, &uri);
    assert_false(name || uri);
    level_of("Remote-Party-ID: \"A\" <sip:alice@home1.net>;party=calling;privacy=full\r\n", &name, &uri);
    assert_true(name && uri);
    level_of("Remote-Party-ID: <sip:alice@home1.net>;privacy=name\r\n", &name, &uri);
    assert_true(name && !uri);
    level_of("Remote-Party-ID: <sip:alice@home1.net>;privacy=uri\r\n", &name, &uri);
    assert_true(!name && uri);
    level_of("Remote-Party-ID: <sip:alice@home1.net>;privacy=off\r\n", &name, &uri);
    assert_false(name || uri);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_topoh_configured_key),
        cmocka_unit_test(test_topoh_default_key),
        cmocka_unit_test(test_topoh_wrong_key),
        cmocka_unit_test(test_trivial_and_opaque),
        cmocka_unit_test(test_privacy_user_token),
        cmocka_unit_test(test_privacy_levels),
        cmocka_unit_test(test_boundary_inferred),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
