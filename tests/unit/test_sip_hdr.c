/* Typed SIP header parsers (sip_hdr.h): valid and invalid inputs, and every
 * prefix of every input against a guard page (no over-read, slices in bounds). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sip/sip_hdr.h"
#include "testutil.h"

static imsec_str g(const char *s)
{
    size_t n = strlen(s);
    return imsec_str_make((const char *)guard_copy(s, n), n);
}

static bool eq(imsec_str a, const char *b) { return imsec_str_eq_cstr(a, b); }

static bool inside(imsec_str s, imsec_str in)
{
    return s.len == 0 || (s.p >= in.p && s.len <= in.len && (size_t)(s.p - in.p) <= in.len - s.len);
}

/* ---- URI ---------------------------------------------------------------- */

typedef struct {
    const char *in;
    int rc;
    sip_uri_scheme scheme;
    const char *user, *host;
    uint16_t port;
    const char *params, *headers;
} uri_case;

static const uri_case uris[] = {
    {"sip:alice@example.com", IMSEC_OK, SIP_URI_SIP, "alice", "example.com", 0, "", ""},
    {"SIPS:bob:pw@10.0.0.1:5061;transport=tcp;lr?Subject=hi&X=y", IMSEC_OK, SIP_URI_SIPS, "bob",
     "10.0.0.1", 5061, "transport=tcp;lr", "Subject=hi&X=y"},
    {"sip:[2001:db8::10]:5070", IMSEC_OK, SIP_URI_SIP, "", "2001:db8::10", 5070, "", ""},
    {"sip:[2001:db8::10:5070]", IMSEC_OK, SIP_URI_SIP, "", "2001:db8::10:5070", 0, "", ""},
    {"sip:user;par=u%40example.net@example.com", IMSEC_OK, SIP_URI_SIP, "user;par=u%40example.net",
     "example.com", 0, "", ""},
    {"sip:%00@h", IMSEC_OK, SIP_URI_SIP, "%00", "h", 0, "", ""},
    {"tel:+1-201-555-0123;phone-context=example.com", IMSEC_OK, SIP_URI_TEL, "+1-201-555-0123", "", 0,
     "phone-context=example.com", ""},
    {"sip:user@example.com?Route=%3Csip:x%3E", IMSEC_OK, SIP_URI_SIP, "user", "example.com", 0, "",
     "Route=%3Csip:x%3E"},
    {"http://www.example.com", IMSEC_OK, SIP_URI_OTHER, "", "", 0, "", ""},
    {"sip:2001:db8::10", IMSEC_E_MALFORMED, 0, NULL, NULL, 0, NULL, NULL}, /* RFC 5118 §4.2 */
    {"sip:[2001:db8:::192.0.2.1]", IMSEC_E_MALFORMED, 0, NULL, NULL, 0, NULL, NULL},
    {"sip:a@b:99999", IMSEC_E_MALFORMED, 0, NULL, NULL, 0, NULL, NULL},
    {"sip:a@", IMSEC_E_MALFORMED, 0, NULL, NULL, 0, NULL, NULL},
    {"sip:@b", IMSEC_E_MALFORMED, 0, NULL, NULL, 0, NULL, NULL},
    {"sip:a b@c", IMSEC_E_MALFORMED, 0, NULL, NULL, 0, NULL, NULL},
    {" sip:a@b", IMSEC_E_MALFORMED, 0, NULL, NULL, 0, NULL, NULL},
    {"sip:a%zz@b", IMSEC_E_MALFORMED, 0, NULL, NULL, 0, NULL, NULL},
    {"sip:[::1", IMSEC_E_MALFORMED, 0, NULL, NULL, 0, NULL, NULL},
    {"sip:", IMSEC_E_MALFORMED, 0, NULL, NULL, 0, NULL, NULL},
    {"1sip:a", IMSEC_E_MALFORMED, 0, NULL, NULL, 0, NULL, NULL},
    {"", IMSEC_E_MALFORMED, 0, NULL, NULL, 0, NULL, NULL},
};

static void check_uri_bounds(const sip_uri *u, imsec_str in)
{
    assert_true(inside(u->user, in) && inside(u->password, in) && inside(u->host, in) &&
                inside(u->params, in) && inside(u->headers, in) && inside(u->scheme_str, in) &&
                inside(u->rest, in));
}

static void test_uri(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(uris) / sizeof(uris[0]); i++) {
        const uri_case *c = &uris[i];
        sip_uri u;
        imsec_str in = g(c->in);
        int rc = sip_uri_parse(in, &u);
        if (rc != c->rc)
            fail_msg("uri '%s': rc %d", c->in, rc);
        if (rc == IMSEC_OK) {
            check_uri_bounds(&u, in);
            assert_int_equal(u.scheme, c->scheme);
            if (c->scheme != SIP_URI_OTHER) {
                assert_true(eq(u.user, c->user));
                assert_true(eq(u.host, c->host));
                assert_int_equal(u.port, c->port);
                assert_true(eq(u.params, c->params));
                assert_true(eq(u.headers, c->headers));
            }
        } else {
            assert_int_equal(u.scheme, 0);
            assert_int_equal(u.host.len, 0);
        }
        size_t n = strlen(c->in);
        for (size_t k = 0; k < n; k++) {
            imsec_str pre = imsec_str_make((const char *)guard_copy(c->in, k), k);
            if (sip_uri_parse(pre, &u) == IMSEC_OK)
                check_uri_bounds(&u, pre);
        }
    }
}

static void test_params(void **state)
{
    (void)state;
    imsec_str v;
    imsec_str p = g("transport=tcp ; lr;  TAG = abc ;x=\"a;b\"");
    assert_true(sip_param_get(p, "lr", &v) && v.len == 0);
    assert_true(sip_param_get(p, "tag", &v) && eq(v, "abc"));
    assert_true(sip_param_get(p, "x", &v) && eq(v, "\"a;b\""));
    assert_false(sip_param_get(p, "b", &v));
    assert_false(sip_param_get(IMSEC_STR_NULL, "a", &v));
    imsec_str h = g("Replaces=abc%40h%3Bto-tag%3D1%3Bfrom-tag%3D2&Subject=x");
    assert_true(sip_uri_header_get(h, "replaces", &v));
    char buf[64];
    long n = sip_uri_unescape(v, buf, sizeof buf);
    assert_int_equal(n, (long)strlen("abc@h;to-tag=1;from-tag=2"));
    assert_memory_equal(buf, "abc@h;to-tag=1;from-tag=2", (size_t)n);
    sip_replaces r;
    assert_int_equal(sip_replaces_parse(imsec_str_make(buf, (size_t)n), &r), IMSEC_OK);
    assert_true(eq(r.call_id, "abc@h") && eq(r.to_tag, "1") && eq(r.from_tag, "2"));
    assert_false(r.early_only);
    assert_true(sip_uri_header_get(h, "Subject", &v) && eq(v, "x"));
    assert_false(sip_uri_header_get(h, "Route", &v));
    assert_int_equal(sip_uri_unescape(g("%00a"), buf, sizeof buf), 2);
    assert_int_equal(buf[0], 0);
    assert_int_equal(sip_uri_unescape(g("%0"), buf, sizeof buf), -1);
    assert_int_equal(sip_uri_unescape(g("%zz"), buf, sizeof buf), -1);
    assert_int_equal(sip_uri_unescape(g("abcd"), buf, 3), -1);
}

/* ---- name-addr ----------------------------------------------------------- */

typedef struct {
    const char *in;
    int rc;
    const char *display, *uri, *params, *tag;
} naddr_case;

static const naddr_case naddrs[] = {
    {"\"Alice A.\" <sip:alice@example.com>;tag=12", IMSEC_OK, "Alice A.", "sip:alice@example.com",
     "tag=12", "12"},
    {"Bob <sips:bob@b.example>", IMSEC_OK, "Bob", "sips:bob@b.example", "", ""},
    {"caller<sip:caller@example.com>;tag=323", IMSEC_OK, "caller", "sip:caller@example.com", "tag=323", "323"},
    {"sip:u@h;tag=x", IMSEC_OK, "", "sip:u@h", "tag=x", "x"},
    {"sip:vivekg@chair.example.com ;   tag    = 1918181833n", IMSEC_OK, "", "sip:vivekg@chair.example.com",
     "tag    = 1918181833n", "1918181833n"},
    {"\"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8", IMSEC_OK,
     "J Rosenberg \\\\\\\"", "sip:jdrosen@example.com", "tag = 98asjd8", "98asjd8"},
    {"<tel:+15551234>", IMSEC_OK, "", "tel:+15551234", "", ""},
    {"isbn:2983792873", IMSEC_OK, "", "isbn:2983792873", "", ""},
    {"*", IMSEC_OK, "", "", "", ""},
    {"\"Mr. J. User <sip:j.user@example.com>", IMSEC_E_MALFORMED, NULL, NULL, NULL, NULL},
    {"Bell, Alexander <sip:a.g.bell@example.com>;tag=43", IMSEC_E_MALFORMED, NULL, NULL, NULL, NULL},
    {"\"Watson, Thomas\" < sip:t.watson@example.org >", IMSEC_E_MALFORMED, NULL, NULL, NULL, NULL},
    {"sip:user@example.com?Route=%3Csip:sip.example.com%3E", IMSEC_E_MALFORMED, NULL, NULL, NULL, NULL},
    {"<sip:joe@example.org>;;;;", IMSEC_E_MALFORMED, NULL, NULL, NULL, NULL},
    {"<sip:joe@example.org>;", IMSEC_E_MALFORMED, NULL, NULL, NULL, NULL},
    {"<sip:joe@example.org> junk", IMSEC_E_MALFORMED, NULL, NULL, NULL, NULL},
    {"<sip:joe@example.org", IMSEC_E_MALFORMED, NULL, NULL, NULL, NULL},
    {"", IMSEC_E_MALFORMED, NULL, NULL, NULL, NULL},
};

static void test_naddr(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(naddrs) / sizeof(naddrs[0]); i++) {
        const naddr_case *c = &naddrs[i];
        sip_naddr n;
        imsec_str in = g(c->in);
        int rc = sip_naddr_parse(in, &n);
        if (rc != c->rc)
            fail_msg("naddr '%s': rc %d", c->in, rc);
        if (rc == IMSEC_OK) {
            if (!eq(n.display, c->display) || !eq(n.uri_str, c->uri) || !eq(n.params, c->params) ||
                !eq(sip_naddr_tag(&n), c->tag))
                fail_msg("naddr '%s': fields", c->in);
        }
        size_t len = strlen(c->in);
        for (size_t k = 0; k < len; k++) {
            imsec_str pre = imsec_str_make((const char *)guard_copy(c->in, k), k);
            if (sip_naddr_parse(pre, &n) == IMSEC_OK)
                assert_true(inside(n.display, pre) && inside(n.uri_str, pre) && inside(n.params, pre));
        }
    }
}

/* ---- Via, CSeq ----------------------------------------------------------- */

static void test_via(void **state)
{
    (void)state;
    sip_via v;
    assert_int_equal(sip_via_parse(g("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK77;rport;received=1.2.3.4"), &v),
                     IMSEC_OK);
    assert_true(eq(v.protocol, "SIP/2.0") && eq(v.proto_name, "SIP") && eq(v.proto_version, "2.0"));
    assert_true(eq(v.transport, "UDP") && eq(v.host, "10.0.0.1") && v.has_port && v.port == 5060);
    assert_true(eq(v.branch, "z9hG4bK77") && eq(v.received, "1.2.3.4") && v.rport.len == 0);
    assert_true(eq(v.params, "branch=z9hG4bK77;rport;received=1.2.3.4"));
    assert_int_equal(sip_via_parse(g("SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw"), &v), IMSEC_OK);
    assert_true(eq(v.transport, "UDP") && eq(v.host, "192.0.2.2") && !v.has_port);
    assert_int_equal(sip_via_parse(g("SIP/2.0/TLS [2001:db8::9:1] : 5061 ;received=[2001:db8::9:255]"), &v),
                     IMSEC_OK);
    assert_true(eq(v.host, "2001:db8::9:1") && v.port == 5061 && eq(v.received, "[2001:db8::9:255]"));
    static const char *const bad[] = {
        "SIP/2.0/UDP 192.0.2.15;;", "SIP/2.0/UDP", "SIP/2.0 host", "SIP/2.0/UDP host:99999",
        "SIP/2.0/UDP host;", "SIP/2.0/UDP ho<st", "SIP/2.0/UDP [::1", "/2.0/UDP h", "",
        "SIP/2.0/UDPhost",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (sip_via_parse(g(bad[i]), &v) != IMSEC_E_MALFORMED)
            fail_msg("via '%s' accepted", bad[i]);
    static const char full[] = "SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bKa;maddr=\"x\"";
    for (size_t k = 0; k <= sizeof(full) - 1; k++) {
        imsec_str pre = imsec_str_make((const char *)guard_copy(full, k), k);
        if (sip_via_parse(pre, &v) == IMSEC_OK)
            assert_true(inside(v.host, pre) && inside(v.params, pre) && inside(v.branch, pre));
    }

    uint32_t seq;
    imsec_str m;
    assert_int_equal(sip_cseq_parse(g("0009\r\n  INVITE"), &seq, &m), IMSEC_OK);
    assert_int_equal(seq, 9);
    assert_true(eq(m, "INVITE"));
    assert_int_equal(sip_cseq_parse(g("4294967295 ACK"), &seq, &m), IMSEC_OK);
    static const char *const badc[] = {"36893488147419103232 REGISTER", "4294967296 ACK", "1",
                                       "1INVITE", "x INVITE", "1 INVITE extra", "", "-1 ACK"};
    for (size_t i = 0; i < sizeof(badc) / sizeof(badc[0]); i++) {
        if (sip_cseq_parse(g(badc[i]), &seq, &m) != IMSEC_E_MALFORMED)
            fail_msg("cseq '%s' accepted", badc[i]);
        assert_int_equal(seq, 0);
    }
}

/* ---- Digest / AKA -------------------------------------------------------- */

static void test_digest(void **state)
{
    (void)state;
    sip_digest d;
    static const char www[] =
        "Digest realm=\"ims.example.net\", nonce=\"I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=\","
        " algorithm=AKAv1-MD5, qop=\"auth,auth-int\", ck=\"00112233445566778899aabbccddeeff\","
        "\r\n ik=\"ffeeddccbbaa99887766554433221100\", opaque=\"x,y\"";
    assert_int_equal(sip_digest_parse(g(www), &d), IMSEC_OK);
    assert_true(eq(d.scheme, "Digest") && eq(d.realm, "ims.example.net") && d.has_nonce);
    assert_true(eq(d.algorithm, "AKAv1-MD5") && eq(d.qop, "auth,auth-int") && eq(d.opaque, "x,y"));
    assert_true(d.has_ck && d.has_ik && eq(d.ik, "ffeeddccbbaa99887766554433221100"));
    assert_false(d.has_username || d.has_response || d.has_auts || d.has_integrity_protected);
    sip_aka_nonce an;
    assert_int_equal(sip_aka_nonce_parse(d.nonce, &an), IMSEC_OK);
    static const uint8_t autn[16] = {0x55, 0xf3, 0x28, 0xb4, 0x35, 0x77, 0xb9, 0xb9,
                                     0x4a, 0x9f, 0xfa, 0xc3, 0x54, 0xdf, 0xaf, 0xb3};
    assert_memory_equal(an.autn, autn, 16);
    assert_memory_equal(an.sqn_xor_ak, autn, 6);
    assert_memory_equal(an.amf, autn + 6, 2);
    assert_memory_equal(an.mac, autn + 8, 8);
    assert_int_equal(an.server_data_len, 0);
    assert_int_equal(sip_aka_nonce_parse(g("\"AAAA\""), &an), IMSEC_E_MALFORMED);
    assert_int_equal(sip_aka_nonce_parse(g("!!!"), &an), IMSEC_E_MALFORMED);

    static const char auth[] = "Digest username=\"u@ims.example.net\", realm=\"ims.example.net\", "
                               "uri=\"sip:ims.example.net\", nonce=\"abc\", response=\"\", "
                               "integrity-protected=\"yes\", auts=\"uoU/PBI8z0TpNZbjVcY=\", nc=00000001";
    assert_int_equal(sip_digest_parse(g(auth), &d), IMSEC_OK);
    assert_true(d.has_username && eq(d.username, "u@ims.example.net") && d.has_response && d.response.len == 0);
    assert_true(d.has_integrity_protected && eq(d.integrity_protected, "yes"));
    assert_true(d.has_auts && eq(d.auts, "uoU/PBI8z0TpNZbjVcY=") && eq(d.nc, "00000001"));
    assert_int_equal(sip_digest_parse(g("Digest integrity-protected=no"), &d), IMSEC_OK);
    assert_true(eq(d.integrity_protected, "no"));
    assert_int_equal(sip_digest_parse(g("NoOneKnowsThisScheme opaque-data=here"), &d), IMSEC_OK);
    assert_int_equal(sip_digest_parse(g("Basic dXNlcjpwYXNz"), &d), IMSEC_OK);
    static const char *const bad[] = {"Digest realm=\"unterminated", "Digest realm", "Digest =x",
                                      "Digest realm=a b", "", "\"x\""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (sip_digest_parse(g(bad[i]), &d) != IMSEC_E_MALFORMED)
            fail_msg("digest '%s' accepted", bad[i]);
    for (size_t k = 0; k < sizeof(www) - 1; k++) {
        imsec_str pre = imsec_str_make((const char *)guard_copy(www, k), k);
        if (sip_digest_parse(pre, &d) == IMSEC_OK) {
            assert_true(inside(d.nonce, pre) && inside(d.realm, pre) && inside(d.ik, pre));
            if (sip_aka_nonce_parse(d.nonce, &an) == IMSEC_OK)
                assert_true(an.server_data_len < k);
        }
    }
}

/* ---- Security-* ---------------------------------------------------------- */

static void test_secmech(void **state)
{
    (void)state;
    sip_secmech m;
    static const char sc[] = "ipsec-3gpp; alg=hmac-sha-1-96; ealg=aes-cbc; prot=esp; mod=trans; "
                             "spi-c=4294967295; spi-s=11111; port-c=5062; port-s=5064; q=0.1";
    assert_int_equal(sip_secmech_parse(g(sc), &m), IMSEC_OK);
    assert_true(eq(m.mech, "ipsec-3gpp") && eq(m.alg, "hmac-sha-1-96") && eq(m.ealg, "aes-cbc"));
    assert_true(eq(m.prot, "esp") && eq(m.mod, "trans"));
    assert_true(m.has_spi_c && m.spi_c == 4294967295u && m.has_spi_s && m.spi_s == 11111);
    assert_true(m.has_port_c && m.port_c == 5062 && m.has_port_s && m.port_s == 5064);
    assert_true(m.has_q && m.q == 100);
    assert_true(imsec_str_starts_with_ci(m.params, "alg=hmac"));
    assert_int_equal(sip_secmech_parse(g("digest;d-alg=md5;d-qop=auth-int;d-ver=\"0123456789abcdef0123456789abcdef\";q=1"), &m),
                     IMSEC_OK);
    assert_true(eq(m.d_alg, "md5") && eq(m.d_qop, "auth-int") && eq(m.d_ver, "0123456789abcdef0123456789abcdef"));
    assert_int_equal(m.q, 1000);
    assert_int_equal(sip_secmech_parse(g("tls"), &m), IMSEC_OK);
    assert_true(eq(m.mech, "tls") && !m.has_q && m.params.len == 0);
    static const char *const bad[] = {"ipsec-3gpp;spi-c=4294967296", "ipsec-3gpp;port-s=70000",
                                      "ipsec-3gpp;q=1.5",            "ipsec-3gpp;q=2",
                                      "ipsec-3gpp;;alg=x",           "ipsec-3gpp;",
                                      "",                            "ipsec 3gpp",
                                      "ipsec-3gpp;spi-c=-1",         "ipsec-3gpp;q=0.1234"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (sip_secmech_parse(g(bad[i]), &m) != IMSEC_E_MALFORMED)
            fail_msg("secmech '%s' accepted", bad[i]);
    for (size_t k = 0; k < sizeof(sc) - 1; k++) {
        imsec_str pre = imsec_str_make((const char *)guard_copy(sc, k), k);
        if (sip_secmech_parse(pre, &m) == IMSEC_OK)
            assert_true(inside(m.mech, pre) && inside(m.params, pre) && inside(m.alg, pre));
    }
}

/* ---- the rest ------------------------------------------------------------ */

static void test_misc(void **state)
{
    (void)state;
    assert_int_equal(sip_privacy_parse(g("id;header ; user")), SIP_PRIV_ID | SIP_PRIV_HEADER | SIP_PRIV_USER);
    assert_int_equal(sip_privacy_parse(g("none")), SIP_PRIV_NONE);
    assert_int_equal(sip_privacy_parse(g("session,critical;history;bogus")),
                     SIP_PRIV_SESSION | SIP_PRIV_CRITICAL | SIP_PRIV_HISTORY | SIP_PRIV_UNKNOWN);
    assert_int_equal(sip_privacy_parse(g("")), 0);

    sip_replaces r;
    assert_int_equal(sip_replaces_parse(g("425928@bobster.example.org;to-tag=7743;from-tag=6472;early-only"), &r),
                     IMSEC_OK);
    assert_true(eq(r.call_id, "425928@bobster.example.org") && eq(r.to_tag, "7743") &&
                eq(r.from_tag, "6472") && r.early_only);
    assert_int_equal(sip_replaces_parse(g("abc;local-tag=1;remote-tag=2"), &r), IMSEC_OK);
    assert_true(eq(r.to_tag, "1") && eq(r.from_tag, "2"));
    assert_int_equal(sip_replaces_parse(g(";to-tag=1"), &r), IMSEC_E_MALFORMED);
    assert_int_equal(sip_replaces_parse(g("a b;to-tag=1"), &r), IMSEC_E_MALFORMED);
    assert_int_equal(sip_replaces_parse(g("ab;;"), &r), IMSEC_E_MALFORMED);

    sip_rpid rp;
    assert_int_equal(sip_rpid_parse(g("\"A\" <sip:+1555@gw>;party=calling;screen=yes;privacy=full"), &rp),
                     IMSEC_OK);
    assert_true(rp.privacy == SIP_RPID_PRIV_FULL && eq(rp.party, "calling") && eq(rp.screen, "yes"));
    assert_true(eq(rp.addr.uri.user, "+1555"));
    assert_int_equal(sip_rpid_parse(g("<sip:a@b>;privacy=uri-network;id-type=subscriber"), &rp), IMSEC_OK);
    assert_true(rp.privacy == SIP_RPID_PRIV_URI && eq(rp.id_type, "subscriber"));
    assert_int_equal(sip_rpid_parse(g("<sip:a@b>;privacy=\"name,uri\""), &rp), IMSEC_OK);
    assert_int_equal(rp.privacy, SIP_RPID_PRIV_FULL);
    assert_int_equal(sip_rpid_parse(g("<sip:a@b>;privacy=name"), &rp), IMSEC_OK);
    assert_int_equal(rp.privacy, SIP_RPID_PRIV_NAME);
    assert_int_equal(sip_rpid_parse(g("<sip:a@b>;privacy=off"), &rp), IMSEC_OK);
    assert_int_equal(rp.privacy, SIP_RPID_PRIV_OFF);
    assert_int_equal(sip_rpid_parse(g("<sip:a@b>"), &rp), IMSEC_OK);
    assert_int_equal(rp.privacy, SIP_RPID_PRIV_NONE);
    assert_int_equal(sip_rpid_parse(g("*"), &rp), IMSEC_E_MALFORMED);

    sip_pcv v;
    assert_int_equal(sip_pcv_parse(g("icid-value=\"AyretyU0dm+6O2IrT5tAFrbHLso=023551024\";"
                                     " icid-generated-at=192.0.6.8; orig-ioi=home1.net; term-ioi=x"),
                                   &v),
                     IMSEC_OK);
    assert_true(eq(v.icid, "AyretyU0dm+6O2IrT5tAFrbHLso=023551024") && eq(v.icid_generated_at, "192.0.6.8"));
    assert_true(eq(v.orig_ioi, "home1.net") && eq(v.term_ioi, "x"));
    assert_int_equal(sip_pcv_parse(g("orig-ioi=a"), &v), IMSEC_E_MALFORMED);
    assert_int_equal(sip_pcv_parse(g("icid-value="), &v), IMSEC_E_MALFORMED);

    sip_pani p;
    assert_int_equal(sip_pani_parse(g("3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=2620100014A3B2C01; network-provided"), &p),
                     IMSEC_OK);
    assert_true(eq(p.access_type, "3GPP-E-UTRAN-FDD"));
    imsec_str cell;
    assert_true(sip_param_get(p.params, "utran-cell-id-3gpp", &cell) && eq(cell, "2620100014A3B2C01"));
    assert_int_equal(sip_pani_parse(g("IEEE-802.11"), &p), IMSEC_OK);
    assert_int_equal(sip_pani_parse(g("bad type;x"), &p), IMSEC_E_MALFORMED);

    sip_ctype c;
    assert_int_equal(sip_ctype_parse(g("application/SDP"), &c), IMSEC_OK);
    assert_true(sip_ctype_is(&c, "application", "sdp"));
    assert_int_equal(sip_ctype_parse(g("multipart/mixed ; boundary=\"unique-boundary-1\""), &c), IMSEC_OK);
    assert_true(sip_ctype_is(&c, "multipart", "mixed") && eq(c.params, "boundary=\"unique-boundary-1\""));
    assert_int_equal(sip_ctype_parse(g("application"), &c), IMSEC_E_MALFORMED);
    assert_int_equal(sip_ctype_parse(g("application/sdp x"), &c), IMSEC_E_MALFORMED);
    assert_false(sip_ctype_is(&c, "application", "sdp"));
}

/* Every prefix of inputs for the parsers without their own prefix loop:
 * OK results keep their slices inside the prefix. */
static void test_misc_prefixes(void **state)
{
    (void)state;
    static const char *const in[] = {
        "id;header;user",
        "425928@bobster.example.org;to-tag=7743;from-tag=6472;early-only",
        "\"A\" <sip:+1555@gw>;party=calling;screen=yes;privacy=\"full,uri-network\"",
        "icid-value=\"AyretyU0dm+6O2IrT5tAFrbHLso=023551024\";icid-generated-at=192.0.6.8;orig-ioi=h",
        "3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=2620100014A3B2C01; network-provided",
        "multipart/mixed ; boundary=\"unique-boundary-1\"",
    };
    for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
        size_t n = strlen(in[i]);
        for (size_t k = 0; k <= n; k++) {
            imsec_str pre = imsec_str_make((const char *)guard_copy(in[i], k), k);
            sip_replaces r;
            sip_rpid rp;
            sip_pcv v;
            sip_pani p;
            sip_ctype c;
            (void)sip_privacy_parse(pre);
            if (sip_replaces_parse(pre, &r) == IMSEC_OK)
                assert_true(inside(r.call_id, pre) && inside(r.to_tag, pre) && inside(r.from_tag, pre));
            if (sip_rpid_parse(pre, &rp) == IMSEC_OK)
                assert_true(inside(rp.party, pre) && inside(rp.addr.uri_str, pre));
            if (sip_pcv_parse(pre, &v) == IMSEC_OK)
                assert_true(inside(v.icid, pre) && inside(v.orig_ioi, pre));
            if (sip_pani_parse(pre, &p) == IMSEC_OK)
                assert_true(inside(p.access_type, pre) && inside(p.params, pre));
            if (sip_ctype_parse(pre, &c) == IMSEC_OK)
                assert_true(inside(c.subtype, pre) && inside(c.params, pre));
        }
    }
    /* NULL slices are valid empty inputs everywhere */
    sip_uri u;
    sip_naddr na;
    sip_via via;
    sip_digest d;
    sip_secmech sm;
    uint32_t seq;
    imsec_str m;
    assert_int_equal(sip_uri_parse(IMSEC_STR_NULL, &u), IMSEC_E_MALFORMED);
    assert_int_equal(sip_naddr_parse(IMSEC_STR_NULL, &na), IMSEC_E_MALFORMED);
    assert_int_equal(sip_via_parse(IMSEC_STR_NULL, &via), IMSEC_E_MALFORMED);
    assert_int_equal(sip_digest_parse(IMSEC_STR_NULL, &d), IMSEC_E_MALFORMED);
    assert_int_equal(sip_secmech_parse(IMSEC_STR_NULL, &sm), IMSEC_E_MALFORMED);
    assert_int_equal(sip_cseq_parse(IMSEC_STR_NULL, &seq, &m), IMSEC_E_MALFORMED);
    assert_int_equal(sip_privacy_parse(IMSEC_STR_NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uri),    cmocka_unit_test(test_params), cmocka_unit_test(test_naddr),
        cmocka_unit_test(test_via),    cmocka_unit_test(test_digest), cmocka_unit_test(test_secmech),
        cmocka_unit_test(test_misc),   cmocka_unit_test(test_misc_prefixes),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    guard_free();
    return rc;
}
