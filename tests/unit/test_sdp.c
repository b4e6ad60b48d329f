/* sdp: fields security analysis needs, malformed bodies, every prefix
 * against a guard page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sip/sdp.h"
#include "testutil.h"

static bool eq(imsec_str a, const char *b) { return imsec_str_eq_cstr(a, b); }

static int parse(const char *s, size_t n, sdp_desc *d)
{
    const char *p = (const char *)guard_copy(s, n);
    return sdp_parse(p, (uint32_t)n, d);
}

static const char offer[] =
    "v=0\r\n"
    "o=- 3711 1 IN IP4 10.1.2.3\r\n"
    "s=-\r\n"
    "c=IN IP4 192.0.2.10/127\r\n"
    "t=0 0\r\n"
    "m=audio 49170 RTP/SAVP 0 8 101\r\n"
    "a=rtcp:53020 IN IP4 198.51.100.9\r\n"
    "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32\r\n"
    "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj UNENCRYPTED_SRTCP\r\n"
    "a=sendonly\r\n"
    "a=candidate:1 1 UDP 2130706431 10.0.1.1 8998 typ host\r\n"
    "a=candidate:2 1 UDP 1694498815 203.0.113.7 45664 typ srflx raddr 10.0.1.1 rport 8998\r\n"
    "m=video 0/2 RTP/AVP 31\r\n"
    "c=IN IP6 2001:db8::1\r\n";

static void test_offer(void **state)
{
    (void)state;
    sdp_desc d;
    assert_int_equal(parse(offer, sizeof(offer) - 1, &d), IMSEC_OK);
    assert_true(eq(d.version, "0") && eq(d.o_username, "-") && eq(d.o_sess_id, "3711"));
    assert_true(eq(d.o_sess_version, "1") && eq(d.origin.addr, "10.1.2.3") && eq(d.origin.addrtype, "IP4"));
    assert_true(eq(d.session_name, "-") && d.conn.present && eq(d.conn.addr, "192.0.2.10"));
    assert_int_equal(d.nmedia, 2);
    const sdp_media *a = &d.media[0], *v = &d.media[1];
    assert_true(eq(a->media, "audio") && a->port == 49170 && a->nports == 1 && eq(a->proto, "RTP/SAVP"));
    assert_true(eq(a->fmts, "0 8 101") && eq(a->line, "m=audio 49170 RTP/SAVP 0 8 101"));
    assert_true(a->has_rtcp && a->rtcp_port == 53020 && eq(a->rtcp_conn.addr, "198.51.100.9"));
    assert_int_equal(a->ncrypto, 2);
    assert_true(a->crypto[0].tag == 1 && eq(a->crypto[0].suite, "AES_CM_128_HMAC_SHA1_80"));
    assert_true(eq(a->crypto[0].key_params, "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32"));
    assert_true(eq(a->direction, "sendonly"));
    assert_int_equal(a->ncand, 2);
    assert_true(eq(a->cand[1].addr, "203.0.113.7") && a->cand[1].port == 45664 && eq(a->cand[1].type, "srflx"));
    assert_true(a->cand[0].priority == 2130706431u && eq(a->cand[0].transport, "UDP"));
    assert_ptr_equal(sdp_media_conn(&d, a), &d.conn);
    assert_true(v->port == 0 && v->nports == 2 && v->conn.present && eq(v->conn.addrtype, "IP6"));
    assert_ptr_equal(sdp_media_conn(&d, v), &v->conn);

    /* every prefix: OK or MALFORMED, never past the end */
    for (size_t k = 0; k < sizeof(offer) - 1; k++) {
        int rc = parse(offer, k, &d);
        assert_true(rc == IMSEC_OK || rc == IMSEC_E_MALFORMED);
        assert_true(d.nmedia <= 2);
    }
}

static void test_lf_and_limits(void **state)
{
    (void)state;
    sdp_desc d;
    static const char lf[] = "v=0\no=u 1 2 IN IP4 1.2.3.4\ns=x\nm=audio 1 RTP/AVP 0\n\n";
    assert_int_equal(parse(lf, sizeof(lf) - 1, &d), IMSEC_OK);
    assert_int_equal(d.nmedia, 1);
    char many[2048];
    size_t n = (size_t)snprintf(many, sizeof many, "v=0\r\nc=IN IP4 1.1.1.1\r\n");
    for (int i = 0; i < SDP_MAX_MEDIA + 3; i++)
        n += (size_t)snprintf(many + n, sizeof many - n,
                              "m=audio %d RTP/AVP 0\r\nc=IN IP4 9.9.9.%d\r\na=crypto:1 X inline:k\r\n",
                              1000 + i, i);
    assert_int_equal(parse(many, n, &d), IMSEC_OK);
    assert_int_equal(d.nmedia, SDP_MAX_MEDIA);
    assert_true(d.truncated_media);
    assert_true(eq(d.media[SDP_MAX_MEDIA - 1].conn.addr, "9.9.9.7"));
    assert_int_equal(d.media[SDP_MAX_MEDIA - 1].ncrypto, 1);
    /* more a=crypto / a=candidate lines than the arrays hold */
    char crypt[4096];
    n = (size_t)snprintf(crypt, sizeof crypt, "v=0\r\nm=audio 5 RTP/SAVP 0\r\n");
    for (int i = 0; i < 20; i++)
        n += (size_t)snprintf(crypt + n, sizeof crypt - n,
                              "a=crypto:%d S inline:k\r\na=candidate:1 1 UDP 1 10.0.0.%d 9 typ host\r\n", i, i);
    assert_int_equal(parse(crypt, n, &d), IMSEC_OK);
    assert_int_equal(d.media[0].ncrypto, SDP_MAX_CRYPTO);
    assert_int_equal(d.media[0].ncand, SDP_MAX_CANDIDATES);
}

static void test_bad(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",                                   /* empty */
        "o=- 1 1 IN IP4 1.2.3.4\r\nv=0\r\n",  /* v= not first */
        "v=0\r\nthis is not sdp\r\n",         /* no '=' */
        "v=0\r\nm=audio\r\n",                 /* short m= */
        "v=0\r\nm=audio 99999 RTP/AVP 0\r\n", /* port */
        "v=0\r\nm=audio 9/x RTP/AVP 0\r\n",   /* count */
        "v=0\r\nc=IN IP4\r\n",                /* short c= */
        "v=0\r\no=a b\r\n",                   /* short o= */
        "\r\n\r\n",                           /* no v= */
    };
    sdp_desc d;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (parse(bad[i], strlen(bad[i]), &d) != IMSEC_E_MALFORMED)
            fail_msg("sdp case %zu accepted", i);
    assert_int_equal(d.nmedia, 0);
    assert_int_equal(sdp_parse(NULL, 0, &d), IMSEC_E_MALFORMED);
    /* unknown and garbage attributes are ignored, not fatal */
    static const char odd[] = "v=0\r\nx=whatever\r\nm=audio 1 RTP/AVP 0\r\na=rtcp:bad\r\na=crypto:x\r\n"
                              "a=candidate:1\r\na=\r\na=rtcp\r\na=crypto\r\na=candidate\r\n";
    assert_int_equal(parse(odd, sizeof(odd) - 1, &d), IMSEC_OK);
    assert_false(d.media[0].has_rtcp);
    assert_int_equal(d.media[0].ncrypto, 0);
    assert_int_equal(d.media[0].ncand, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_offer),
        cmocka_unit_test(test_lf_and_limits),
        cmocka_unit_test(test_bad),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    guard_free();
    return rc;
}
