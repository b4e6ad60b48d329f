/* sip_msg and sip_stream: table-driven parser tests, every prefix of every
 * input against a guard page (picohttpparser test.c), and the stream framer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sip/sip_msg.h"
#include "sip/sip_stream.h"
#include "testutil.h"

#define S(x) x, sizeof(x) - 1

static sip_hdr g_hdrs[SIP_MSG_MAX_HDRS];

static bool in_buf(imsec_str s, const uint8_t *buf, uint32_t len)
{
    if (s.len == 0)
        return true;
    const uint8_t *p = (const uint8_t *)s.p;
    return p >= buf && s.len <= len && (size_t)(p - buf) <= len - s.len;
}

/* Every slice of a parsed message lies inside the message. */
static void check_bounds(const sip_msg *m, const uint8_t *buf, uint32_t len)
{
    assert_true(in_buf(m->method_str, buf, len));
    assert_true(in_buf(m->ruri, buf, len));
    assert_true(in_buf(m->version, buf, len));
    assert_true(in_buf(m->reason, buf, len));
    assert_true(in_buf(m->body, buf, len));
    for (uint16_t i = 0; i < m->nhdrs; i++) {
        assert_true(in_buf(m->hdrs[i].name, buf, len));
        assert_true(in_buf(m->hdrs[i].value, buf, len));
    }
}

static int parse(const char *s, size_t n, sip_mode mode, sip_msg *m)
{
    const uint8_t *b = guard_copy(s, n);
    int rc = sip_msg_parse(b, (uint32_t)n, mode, g_hdrs, SIP_MSG_MAX_HDRS, m);
    if (rc > 0) {
        assert_true((uint32_t)rc <= n);
        check_bounds(m, b, (uint32_t)n);
    }
    return rc;
}

/* Every strict prefix: stream mode must say INCOMPLETE for a message that is
 * valid in full; datagram mode may parse a shorter message but never reads
 * past the end (guard page) and never returns more than it was given. */
static void prefixes(const char *s, size_t n, bool valid_stream)
{
    sip_msg m;
    for (size_t k = 0; k < n; k++) {
        int rc = parse(s, k, SIP_MODE_STREAM, &m);
        if (valid_stream)
            assert_int_equal(rc, IMSEC_E_INCOMPLETE);
        else
            assert_true(rc == IMSEC_E_INCOMPLETE || rc == IMSEC_E_MALFORMED || rc == IMSEC_E_LIMIT ||
                        (rc > 0 && (size_t)rc <= k));
        rc = parse(s, k, SIP_MODE_DATAGRAM, &m);
        assert_true(rc == IMSEC_E_MALFORMED || rc == IMSEC_E_LIMIT || (rc > 0 && (size_t)rc <= k));
    }
}

#define OK_ALL 1 /* consumed == whole input */

typedef struct {
    const char *name;
    const char *in;
    size_t len;
    sip_mode mode;
    int want; /* OK_ALL, a positive byte count, or an IMSEC_E_* code */
} pcase;

#define REQ0 "INVITE sip:bob@example.com SIP/2.0\r\n"
#define HDRS0                                                                                     \
    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\n"                                          \
    "From: <sip:alice@example.com>;tag=1\r\n"                                                     \
    "To: <sip:bob@example.com>\r\n"                                                               \
    "Call-ID: abc@10.0.0.1\r\n"                                                                   \
    "CSeq: 1 INVITE\r\n"

static const pcase cases[] = {
    {"minimal request", S(REQ0 HDRS0 "Content-Length: 0\r\n\r\n"), SIP_MODE_STREAM, OK_ALL},
    {"minimal response", S("SIP/2.0 200 OK\r\n" HDRS0 "l: 0\r\n\r\n"), SIP_MODE_STREAM, OK_ALL},
    {"body", S(REQ0 "Content-Length: 4\r\n\r\nv=0\n"), SIP_MODE_STREAM, OK_ALL},
    {"body datagram no CL", S(REQ0 "Via: x\r\n\r\nv=0\r\n"), SIP_MODE_DATAGRAM, OK_ALL},
    {"no CL on stream", S(REQ0 "Via: x\r\n\r\n"), SIP_MODE_STREAM, IMSEC_E_MALFORMED},
    {"CL too big datagram", S(REQ0 "l: 10\r\n\r\nabc"), SIP_MODE_DATAGRAM, OK_ALL},
    {"CL too big stream", S(REQ0 "l: 10\r\n\r\nabc"), SIP_MODE_STREAM, IMSEC_E_INCOMPLETE},
    {"CL smaller datagram", S(REQ0 "l: 1\r\n\r\nabc"), SIP_MODE_DATAGRAM, (int)sizeof(REQ0 "l: 1\r\n\r\na") - 1},
    /* A bad or conflicting Content-Length: a datagram's body runs to its end
     * (RFC 3261 §18.3), a stream cannot be framed. */
    {"CL negative datagram", S(REQ0 "l: -1\r\n\r\n"), SIP_MODE_DATAGRAM, OK_ALL},
    {"CL negative stream", S(REQ0 "l: -1\r\n\r\n"), SIP_MODE_STREAM, IMSEC_E_MALFORMED},
    {"CL overflow datagram", S(REQ0 "l: 99999999999\r\n\r\nab"), SIP_MODE_DATAGRAM, OK_ALL},
    {"CL word datagram", S(REQ0 "Content-Length: bad\r\n\r\nv=0\r\n"), SIP_MODE_DATAGRAM, OK_ALL},
    {"CL word stream", S(REQ0 "Content-Length: bad\r\n\r\nv=0\r\n"), SIP_MODE_STREAM, IMSEC_E_MALFORMED},
    {"CL 64 KB stream", S(REQ0 "l: 70000\r\n\r\n"), SIP_MODE_STREAM, IMSEC_E_INCOMPLETE},
    {"CL over stream max", S(REQ0 "l: 16777216\r\n\r\n"), SIP_MODE_STREAM, IMSEC_E_LIMIT},
    {"two CL same", S(REQ0 "l: 0\r\nContent-Length: 0\r\n\r\n"), SIP_MODE_STREAM, OK_ALL},
    {"two CL same number", S(REQ0 "l: 0\r\nContent-Length: 00\r\n\r\n"), SIP_MODE_STREAM, OK_ALL},
    {"two CL differ stream", S(REQ0 "l: 0\r\nContent-Length: 5\r\n\r\nhello"), SIP_MODE_STREAM, IMSEC_E_MALFORMED},
    {"two CL differ datagram", S(REQ0 "l: 0\r\nContent-Length: 5\r\n\r\nhello"), SIP_MODE_DATAGRAM, OK_ALL},
    /* Repeated single-valued headers: analysed, first wins (test_ambiguous). */
    {"two Call-ID differ", S(REQ0 "i: a\r\nCall-ID: b\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, OK_ALL},
    {"two CSeq differ", S(REQ0 "CSeq: 1 INVITE\r\nCSeq: 2 INVITE\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, OK_ALL},
    {"two From differ", S(REQ0 "f: <sip:a@b>\r\nFrom: <sip:c@d>\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, OK_ALL},
    {"two To differ", S(REQ0 "t: <sip:a@b>\r\nTo: <sip:c@d>\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, OK_ALL},
    /* Any method token, however long (RFC 3261 §25.1 Method = extension-method = token). */
    {"long method", S("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMN sip:a@b SIP/2.0\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, OK_ALL},
    {"leading CRLF", S("\r\n\r\n" REQ0 "l: 0\r\n\r\n"), SIP_MODE_STREAM, OK_ALL},
    {"only CRLF stream", S("\r\n\r\n"), SIP_MODE_STREAM, IMSEC_E_INCOMPLETE},
    {"only CRLF datagram", S("\r\n\r\n"), SIP_MODE_DATAGRAM, IMSEC_E_MALFORMED},
    {"bare LF", S("OPTIONS sip:a@b SIP/2.0\nl: 0\n\n"), SIP_MODE_STREAM, OK_ALL},
    {"bare CR", S("OPTIONS sip:a@b SIP/2.0\r\nVia: a\rb\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, IMSEC_E_MALFORMED},
    {"folding", S(REQ0 "Subject: a\r\n b\r\n\tc\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, OK_ALL},
    {"fold first", S(REQ0 " Subject: a\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, IMSEC_E_MALFORMED},
    {"no colon", S(REQ0 "Foobar roobar\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, IMSEC_E_MALFORMED},
    {"space before colon", S(REQ0 "Via  : x\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, OK_ALL},
    {"empty value", S(REQ0 "Subject:\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, OK_ALL},
    {"no version", S("INVITE sip:a@b\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, IMSEC_E_MALFORMED},
    {"bad version", S("INVITE sip:a@b SIP/2\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, IMSEC_E_MALFORMED},
    {"other version", S("INVITE sip:a@b SIP/7.0\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, OK_ALL},
    {"double SP", S("INVITE  sip:a@b SIP/2.0\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, IMSEC_E_MALFORMED},
    {"trailing SP", S("INVITE sip:a@b SIP/2.0 \r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, IMSEC_E_MALFORMED},
    {"ruri in <>", S("INVITE <sip:a@b> SIP/2.0\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, IMSEC_E_MALFORMED},
    {"ruri no scheme", S("INVITE ab SIP/2.0\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, IMSEC_E_MALFORMED},
    {"bad method char", S("INV(TE sip:a@b SIP/2.0\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, IMSEC_E_MALFORMED},
    {"status 4 digits", S("SIP/2.0 4000 x\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, IMSEC_E_MALFORMED},
    {"status 099", S("SIP/2.0 099 x\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, IMSEC_E_MALFORMED},
    {"status no reason", S("SIP/2.0 180\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, OK_ALL},
    {"status utf8 reason", S("SIP/2.0 200 \xc3\xa9t\xc3\xa9\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, OK_ALL},
    {"NUL in value", S(REQ0 "X-A: a\0b\r\nl: 0\r\n\r\n"), SIP_MODE_STREAM, OK_ALL},
    {"garbage", S("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"), SIP_MODE_DATAGRAM, IMSEC_E_MALFORMED},
    {"empty", "", 0, SIP_MODE_DATAGRAM, IMSEC_E_MALFORMED},
};

static void test_parse_table(void **state)
{
    (void)state;
    sip_msg m;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const pcase *c = &cases[i];
        int rc = parse(c->in, c->len, c->mode, &m);
        int want = c->want == OK_ALL ? (int)c->len : c->want;
        if (rc != want)
            fail_msg("case '%s': rc %d, want %d", c->name, rc, want);
        prefixes(c->in, c->len, c->want == OK_ALL && c->mode == SIP_MODE_STREAM);
    }
}

/* A datagram's Content-Length that does not fit: analysed, and flagged. */
static void test_cl_fit(void **state)
{
    (void)state;
    static const struct { const char *in; size_t len; uint8_t cl; uint32_t body; } cs[] = {
        {S(REQ0 "l: 10\r\n\r\nabc"), SIP_CL_LONG, 3},
        {S(REQ0 "l: 3\r\n\r\nabcdef"), SIP_CL_SHORT, 3},
        {S(REQ0 "l: 3\r\n\r\nabc\r\n"), 0, 3}, /* trailing CRLF is padding */
        {S(REQ0 "l: 3\r\n\r\nabc"), 0, 3},
    };
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
        sip_msg m;
        assert_true(parse(cs[i].in, cs[i].len, SIP_MODE_DATAGRAM, &m) > 0);
        assert_int_equal(m.cl, cs[i].cl);
        assert_int_equal(m.body.len, cs[i].body);
    }
}

static void test_fields(void **state)
{
    (void)state;
    static const char msg[] = "\r\nREGISTER sips:ims.example.net SIP/2.0\r\n"
                              "v: SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bKa\r\n"
                              "Via: SIP/2.0/TCP 10.0.0.2;branch=z9hG4bKb\r\n"
                              "f: <sip:u@ims.example.net>;tag=x\r\n"
                              "TO: <sip:u@ims.example.net>\r\n"
                              "Call-ID: c1\r\n"
                              "CSeq: 7 REGISTER\r\n"
                              "Security-Client: ipsec-3gpp;alg=hmac-sha-1-96\r\n"
                              "security-client: ipsec-3gpp;alg=hmac-md5-96\r\n"
                              "X-Custom:   spaced  \r\n"
                              "   folded\r\n"
                              "b: <sip:r@x>\r\nr: <sip:t@x>\r\no: refer\r\nu: refer\r\nx: 90\r\n"
                              "k: path\r\na: *\r\nj: *\r\nd: proxy\r\ny: abc\r\nn: <http://x>\r\n"
                              "c: application/sdp\r\ne: gzip\r\ns: hi\r\nm: <sip:u@1.2.3.4>\r\n"
                              "l: 3\r\n\r\nabcEXTRA";
    sip_msg m;
    int rc = parse(msg, sizeof(msg) - 1, SIP_MODE_DATAGRAM, &m);
    assert_int_equal(rc, (int)(sizeof(msg) - 1 - 5));
    assert_true(m.is_request);
    assert_int_equal(m.method, SIP_M_REGISTER);
    assert_true(imsec_str_eq_cstr(m.ruri, "sips:ims.example.net"));
    assert_true(imsec_str_eq_cstr(m.version, "SIP/2.0"));
    assert_int_equal(m.msg_len, (uint32_t)rc - 2);
    assert_true(imsec_str_eq_cstr(m.body, "abc"));
    assert_int_equal(m.content_length, 3);
    const sip_hdr *v = sip_msg_hdr(&m, SIP_HDR_VIA);
    assert_non_null(v);
    assert_true(imsec_str_eq_cstr(v->name, "v"));
    v = sip_msg_hdr_next(&m, v);
    assert_non_null(v);
    assert_true(imsec_str_eq_cstr(v->value, "SIP/2.0/TCP 10.0.0.2;branch=z9hG4bKb"));
    assert_null(sip_msg_hdr_next(&m, v));
    const sip_hdr *sc = sip_msg_hdr(&m, SIP_HDR_SECURITY_CLIENT);
    assert_non_null(sc);
    assert_non_null(sip_msg_hdr_next(&m, sc));
    assert_true(imsec_str_eq_cstr(sip_msg_value(&m, SIP_HDR_TO), "<sip:u@ims.example.net>"));
    const sip_hdr *x = sip_msg_hdr_by_name(&m, "x-custom");
    assert_non_null(x);
    assert_true(imsec_str_eq_cstr(x->value, "spaced  \r\n   folded"));
    static const struct {
        sip_hdr_type t;
        const char *v;
    } compact[] = {
        {SIP_HDR_REFERRED_BY, "<sip:r@x>"}, {SIP_HDR_REFER_TO, "<sip:t@x>"},
        {SIP_HDR_EVENT, "refer"},           {SIP_HDR_ALLOW_EVENTS, "refer"},
        {SIP_HDR_SESSION_EXPIRES, "90"},    {SIP_HDR_SUPPORTED, "path"},
        {SIP_HDR_ACCEPT_CONTACT, "*"},      {SIP_HDR_REJECT_CONTACT, "*"},
        {SIP_HDR_REQUEST_DISPOSITION, "proxy"}, {SIP_HDR_IDENTITY, "abc"},
        {SIP_HDR_IDENTITY_INFO, "<http://x>"},  {SIP_HDR_CONTENT_TYPE, "application/sdp"},
        {SIP_HDR_CONTENT_ENCODING, "gzip"}, {SIP_HDR_SUBJECT, "hi"},
        {SIP_HDR_CONTACT, "<sip:u@1.2.3.4>"}, {SIP_HDR_FROM, "<sip:u@ims.example.net>;tag=x"},
        {SIP_HDR_CALL_ID, "c1"},
    };
    for (size_t i = 0; i < sizeof(compact) / sizeof(compact[0]); i++)
        if (!imsec_str_eq_cstr(sip_msg_value(&m, compact[i].t), compact[i].v))
            fail_msg("compact %s", sip_hdr_name(compact[i].t));
    assert_null(sip_msg_hdr(&m, SIP_HDR_ROUTE));
    assert_int_equal(sip_msg_value(&m, SIP_HDR_ROUTE).len, 0);
    assert_false(m.bare_lf);

    /* response fields */
    static const char resp[] = "SIP/2.0 401 Unauthorized\r\nl: 0\r\n\r\n";
    rc = parse(resp, sizeof(resp) - 1, SIP_MODE_STREAM, &m);
    assert_int_equal(rc, (int)sizeof(resp) - 1);
    assert_false(m.is_request);
    assert_int_equal(m.status, 401);
    assert_true(imsec_str_eq_cstr(m.reason, "Unauthorized"));

    static const char lf[] = "OPTIONS sip:a@b SIP/2.0\nl: 0\n\n";
    rc = parse(lf, sizeof(lf) - 1, SIP_MODE_STREAM, &m);
    assert_int_equal(rc, (int)sizeof(lf) - 1);
    assert_true(m.bare_lf);
}

/* Appends fmt to a growing test buffer. */
static size_t put(char *buf, size_t cap, size_t n, const char *fmt, int i)
{
    int w = snprintf(buf + n, cap - n, fmt, i);
    assert_true(w >= 0 && (size_t)w < cap - n);
    return n + (size_t)w;
}

static void test_limits(void **state)
{
    (void)state;
    char buf[8192];
    size_t n = put(buf, sizeof buf, 0, REQ0, 0);
    for (int i = 0; i < 10; i++)
        n = put(buf, sizeof buf, n, "X-H%d: v\r\n", i);
    n = put(buf, sizeof buf, n, "l: 2\r\n\r\nab", 0);
    sip_msg m;
    const uint8_t *b = guard_copy(buf, n);
    /* A small array: the first 5 fields are indexed, the rest counted, and
     * Content-Length still frames the message. */
    assert_int_equal(sip_msg_parse(b, (uint32_t)n, SIP_MODE_STREAM, g_hdrs, 5, &m), (int)n);
    assert_int_equal(m.nhdrs, 5);
    assert_int_equal(m.nlines, 11);
    assert_int_equal(m.hdrs_dropped, 6);
    assert_true(m.has_content_length);
    assert_true(imsec_str_eq_cstr(m.body, "ab"));
    assert_ptr_equal(m.hdrs, g_hdrs);
    assert_int_equal(sip_msg_parse(b, (uint32_t)n, SIP_MODE_STREAM, g_hdrs, 11, &m), (int)n);
    assert_int_equal(m.nhdrs, 11);
    assert_int_equal(m.hdrs_dropped, 0);

    /* A header section longer than SIP_MSG_STREAM_MAX: LIMIT, not
     * INCOMPLETE (a stream reader must not wait forever); the same bytes as
     * a datagram parse (no Content-Length: the rest is the body). */
    size_t big = SIP_MSG_STREAM_MAX + 100;
    char *huge = malloc(big);
    assert_non_null(huge);
    memcpy(huge, REQ0 "X: ", sizeof(REQ0 "X: ") - 1);
    memset(huge + sizeof(REQ0 "X: ") - 1, 'a', big - (sizeof(REQ0 "X: ") - 1));
    assert_int_equal(sip_msg_parse((const uint8_t *)huge, (uint32_t)big, SIP_MODE_STREAM, g_hdrs,
                                   SIP_MSG_MAX_HDRS, &m),
                     IMSEC_E_LIMIT);
    free(huge);
}

/* 120 "X-Pn: y" lines before the real headers (issue 13): the message is
 * analysed, its framing and dialog headers stay reachable, the padding past
 * the index is counted. Every prefix against the guard page. */
static void test_padding(void **state)
{
    (void)state;
    static char buf[16384];
    size_t n = put(buf, sizeof buf, 0, "MESSAGE sip:bob@example.com SIP/2.0\r\n", 0);
    for (int i = 0; i < 120; i++)
        n = put(buf, sizeof buf, n, "X-P%d: y\r\n", i);
    n = put(buf, sizeof buf, n, HDRS0 "Subject: s%d\r\n", 1);
    for (int i = 0; i < 40; i++) /* repeats of a known type do not use the reserve */
        n = put(buf, sizeof buf, n, "Route: <sip:r%d@x>\r\n", i);
    n = put(buf, sizeof buf, n, "Contact: <sip:a@10.0.0.1>\r\nContent-Length: %d\r\n\r\nhello", 5);
    sip_msg m;
    assert_int_equal(parse(buf, n, SIP_MODE_STREAM, &m), (int)n);
    assert_int_equal(m.method, SIP_M_MESSAGE);
    assert_int_equal(m.nlines, 120 + 6 + 40 + 2);
    /* 98 X-P (128 - 6 - 24 reserved), then the first of each known type */
    assert_int_equal(m.nhdrs, 98 + 9);
    static const sip_hdr_type must[] = {SIP_HDR_VIA, SIP_HDR_FROM, SIP_HDR_TO, SIP_HDR_CALL_ID,
                                        SIP_HDR_CSEQ, SIP_HDR_CONTENT_LENGTH, SIP_HDR_SUBJECT,
                                        SIP_HDR_ROUTE, SIP_HDR_CONTACT};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        if (!sip_msg_hdr(&m, must[i]))
            fail_msg("%s not reachable", sip_hdr_name(must[i]));
    assert_true(imsec_str_eq_cstr(sip_msg_value(&m, SIP_HDR_CALL_ID), "abc@10.0.0.1"));
    assert_true(imsec_str_eq_cstr(sip_msg_value(&m, SIP_HDR_ROUTE), "<sip:r0@x>"));
    assert_null(sip_msg_hdr_next(&m, sip_msg_hdr(&m, SIP_HDR_ROUTE)));
    assert_int_equal(m.hdrs_dropped, m.nlines - m.nhdrs);
    assert_true(imsec_str_eq_cstr(m.body, "hello"));
    /* the index keeps message order */
    for (uint16_t i = 1; i < m.nhdrs; i++)
        assert_true(m.hdrs[i - 1].name.p < m.hdrs[i].name.p);
    prefixes(buf, n, true);
    assert_int_equal(parse(buf, n, SIP_MODE_DATAGRAM, &m), (int)n);
    assert_int_equal(m.conflicts, 0);

    /* The first of each core type keeps a slot even after the slots for
     * other known types are used up by distinct known headers. */
    static const char *const known[] = {
        "Route", "Record-Route", "Path", "Service-Route", "Content-Type", "Expires",
        "Authorization", "WWW-Authenticate", "Proxy-Authorization", "Proxy-Authenticate",
        "Authentication-Info", "Security-Client", "Security-Server", "Security-Verify",
        "Require", "Proxy-Require", "Supported", "Privacy", "P-Asserted-Identity",
        "P-Preferred-Identity", "P-Associated-URI", "P-Charging-Vector",
        "P-Access-Network-Info", "P-Visited-Network-ID", "P-Called-Party-ID", "Refer-To",
        "Referred-By", "Event", "User-Agent", "Server", "Warning", "Allow", "Accept"};
    n = put(buf, sizeof buf, 0, "MESSAGE sip:bob@example.com SIP/2.0\r\n", 0);
    for (int i = 0; i < 200; i++)
        n = put(buf, sizeof buf, n, "X-P%d: y\r\n", i);
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        int w = snprintf(buf + n, sizeof buf - n, "%s: v%d\r\n", known[i], (int)i);
        assert_true(w > 0 && (size_t)w < sizeof buf - n);
        n += (size_t)w;
    }
    n = put(buf, sizeof buf, n, HDRS0 "l: %d\r\n\r\n", 0);
    assert_int_equal(parse(buf, n, SIP_MODE_STREAM, &m), (int)n);
    for (size_t i = 0; i < 6; i++)
        if (!sip_msg_hdr(&m, must[i]))
            fail_msg("%s not reachable behind known headers", sip_hdr_name(must[i]));
    assert_int_equal(m.nhdrs, SIP_MSG_MAX_HDRS);
    assert_int_equal(m.nlines, 200 + sizeof known / sizeof known[0] + 6);
    prefixes(buf, n, true);

    /* Past the index, Content-Length still frames and its conflicts count. */
    n = put(buf, sizeof buf, 0, REQ0, 0);
    for (int i = 0; i < 10; i++)
        n = put(buf, sizeof buf, n, "X-H%d: v\r\n", i);
    n = put(buf, sizeof buf, n, "l: 2\r\nContent-Length: 3\r\n\r\nabc", 0);
    const uint8_t *g = guard_copy(buf, n);
    assert_int_equal(sip_msg_parse(g, (uint32_t)n, SIP_MODE_DATAGRAM, g_hdrs, 5, &m), (int)n);
    assert_int_equal(m.cl, SIP_CL_CONFLICT);
    assert_int_equal(m.hdrs_dropped, 7);
    assert_true(imsec_str_eq_cstr(m.body, "abc"));
}

/* Repeated single-valued headers and Content-Length problems are analysed
 * and recorded; the first occurrence wins. */
static void test_ambiguous(void **state)
{
    (void)state;
    sip_msg m;
    static const char to2[] = REQ0 "t: <sip:a@b>\r\nTo: <sip:c@d>\r\nCall-ID: x\r\ni: x\r\n"
                              "CSeq: 1 INVITE\r\nCSeq: 2 INVITE\r\nl: 0\r\n\r\n";
    assert_int_equal(parse(to2, sizeof to2 - 1, SIP_MODE_STREAM, &m), (int)sizeof to2 - 1);
    assert_int_equal(m.conflicts, (1ull << SIP_HDR_TO) | (1ull << SIP_HDR_CSEQ));
    assert_true(imsec_str_eq_cstr(sip_msg_value(&m, SIP_HDR_TO), "<sip:a@b>"));
    assert_true(imsec_str_eq_cstr(sip_msg_value(&m, SIP_HDR_CSEQ), "1 INVITE"));
    assert_int_equal(m.cl, 0);

    static const char cl2[] = REQ0 "l: 0\r\nContent-Length: 5\r\n\r\nhello";
    assert_int_equal(parse(cl2, sizeof cl2 - 1, SIP_MODE_DATAGRAM, &m), (int)sizeof cl2 - 1);
    assert_int_equal(m.cl, SIP_CL_CONFLICT);
    assert_false(m.has_content_length);
    assert_true(imsec_str_eq_cstr(m.body, "hello"));
    assert_int_equal(m.conflicts, 0);
    /* on a stream the same bytes cannot be framed; cl survives the error */
    assert_int_equal(parse(cl2, sizeof cl2 - 1, SIP_MODE_STREAM, &m), IMSEC_E_MALFORMED);
    assert_int_equal(m.cl, SIP_CL_CONFLICT);
    assert_int_equal(m.nhdrs, 0);

    static const char bad[] = "SIP/2.0 200 OK\r\nContent-Length: xyz\r\n\r\nv=0\r\n";
    assert_int_equal(parse(bad, sizeof bad - 1, SIP_MODE_DATAGRAM, &m), (int)sizeof bad - 1);
    assert_int_equal(m.cl, SIP_CL_NONNUMERIC);
    assert_true(imsec_str_eq_cstr(m.body, "v=0\r\n"));
    static const char bad2[] = REQ0 "l: 3\r\nContent-Length: -3\r\n\r\nabc";
    assert_int_equal(parse(bad2, sizeof bad2 - 1, SIP_MODE_DATAGRAM, &m), (int)sizeof bad2 - 1);
    assert_int_equal(m.cl, SIP_CL_NONNUMERIC | SIP_CL_CONFLICT);

    prefixes(to2, sizeof to2 - 1, true);
    prefixes(cl2, sizeof cl2 - 1, false);
    prefixes(bad, sizeof bad - 1, false);
    prefixes(bad2, sizeof bad2 - 1, false);

    /* a long extension method is a request like any other */
    static const char lm[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMN sip:a@b SIP/2.0\r\nl: 0\r\n\r\n";
    assert_int_equal(parse(lm, sizeof lm - 1, SIP_MODE_DATAGRAM, &m), (int)sizeof lm - 1);
    assert_int_equal(m.method, SIP_M_OTHER);
    assert_int_equal(m.method_str.len, 40);
    assert_true(sip_msg_looks_like_sip(guard_copy(lm, sizeof lm - 1), sizeof lm - 1));
    prefixes(lm, sizeof lm - 1, true);

    /* a 64 KB body over a stream is framed by Content-Length */
    size_t body = 65536, hl = sizeof(REQ0 "l: 65536\r\n\r\n") - 1;
    char *big = malloc(hl + body);
    assert_non_null(big);
    memcpy(big, REQ0 "l: 65536\r\n\r\n", hl);
    memset(big + hl, 'a', body);
    assert_int_equal(parse(big, hl + body, SIP_MODE_STREAM, &m), (int)(hl + body));
    assert_int_equal(m.body.len, body);
    assert_int_equal(parse(big, hl + body, SIP_MODE_DATAGRAM, &m), (int)(hl + body));
    free(big);
}

static void test_names(void **state)
{
    (void)state;
    for (int t = 1; t < SIP_HDR__COUNT; t++) {
        const char *n = sip_hdr_name((sip_hdr_type)t);
        assert_non_null(n);
        assert_int_equal(sip_hdr_lookup(imsec_str_make(n, strlen(n))), t);
    }
    assert_null(sip_hdr_name(SIP_HDR_OTHER));
    assert_int_equal(sip_hdr_lookup(IMSEC_STR_LIT("cALL-id")), SIP_HDR_CALL_ID);
    assert_int_equal(sip_hdr_lookup(IMSEC_STR_LIT("I")), SIP_HDR_CALL_ID);
    assert_int_equal(sip_hdr_lookup(IMSEC_STR_LIT("q")), SIP_HDR_OTHER);
    assert_int_equal(sip_hdr_lookup(IMSEC_STR_LIT("Vias")), SIP_HDR_OTHER);
    assert_int_equal(sip_hdr_lookup(IMSEC_STR_NULL), SIP_HDR_OTHER);
    for (int i = 1; i < SIP_M__COUNT; i++) {
        const char *n = sip_method_name((sip_method)i);
        assert_int_equal(sip_method_lookup(imsec_str_make(n, strlen(n))), i);
    }
    assert_int_equal(sip_method_lookup(IMSEC_STR_LIT("invite")), SIP_M_OTHER); /* case-sensitive */
    assert_int_equal(sip_method_lookup(IMSEC_STR_LIT("RE%47IST%45R")), SIP_M_OTHER);
}

static void test_find_start(void **state)
{
    (void)state;
    static const char a[] = "garbage\r\nmore junk\r\nSIP/2.0 200 OK\r\n";
    assert_int_equal(sip_msg_find_start((const uint8_t *)a, sizeof(a) - 1, 0), 20);
    assert_int_equal(sip_msg_find_start((const uint8_t *)a, sizeof(a) - 1, 21), -1);
    static const char b[] = "xx\r\nINVITE sip:a@b SIP/2.0\r\n";
    assert_int_equal(sip_msg_find_start((const uint8_t *)b, sizeof(b) - 1, 1), 4);
    static const char c[] = "xx\r\nINVITE sip:a@b SIP/2.0 junk\r\n";
    assert_int_equal(sip_msg_find_start((const uint8_t *)c, sizeof(c) - 1, 0), -1);
    static const char d[] = "xx\nINVITE sip:a@b SI"; /* a partial start line may still become one */
    assert_int_equal(sip_msg_find_start((const uint8_t *)d, sizeof(d) - 1, 0), 3);
    assert_int_equal(sip_msg_find_start((const uint8_t *)d, sizeof(d) - 1, 100), -1);

    assert_true(sip_msg_looks_like_sip((const uint8_t *)REQ0, sizeof(REQ0) - 1));
    assert_true(sip_msg_looks_like_sip((const uint8_t *)"SIP/2.0 200 OK\r\n", 16));
    assert_false(sip_msg_looks_like_sip((const uint8_t *)"HTTP/1.1 200 OK\r\n", 17));
    assert_false(sip_msg_looks_like_sip((const uint8_t *)"\r\n\r\n", 4));
    assert_false(sip_msg_looks_like_sip((const uint8_t *)"GET / HTTP/1.1\r\n", 16));
    for (size_t k = 0; k < sizeof(REQ0) - 1; k++) {
        const uint8_t *g = guard_copy(REQ0, k);
        (void)sip_msg_looks_like_sip(g, (uint32_t)k);
        (void)sip_msg_find_start(g, (uint32_t)k, 0);
    }
}

/* ---- stream framer --------------------------------------------------- */

typedef struct {
    int msgs, keepalives, skips;
    uint32_t skipped;
    char first_callid[32];
} frame_res;

/* Feeds `in` to the framer in chunks of `chunk` bytes, as a TCP layer that
 * keeps unconsumed bytes would. */
static void run_stream(const char *in, size_t n, size_t chunk, frame_res *r)
{
    sip_stream st;
    sip_stream_init(&st);
    memset(r, 0, sizeof(*r));
    size_t have = 0, off = 0;
    while (have < n) {
        have = have + chunk < n ? have + chunk : n;
        for (;;) {
            const uint8_t *b = guard_copy(in + off, have - off);
            sip_msg m;
            sip_stream_item it;
            sip_stream_kind k = sip_stream_next(&st, b, (uint32_t)(have - off), false, g_hdrs,
                                                SIP_MSG_MAX_HDRS, &m, &it);
            assert_int_equal(k, it.kind);
            if (k == SIP_STREAM_NEED_MORE)
                break;
            assert_true(it.len > 0 && it.len <= have - off);
            if (k == SIP_STREAM_MSG) {
                if (r->msgs == 0)
                    imsec_str_copy(sip_msg_value(&m, SIP_HDR_CALL_ID), r->first_callid,
                                   sizeof(r->first_callid));
                check_bounds(&m, b, it.len);
                r->msgs++;
            } else if (k == SIP_STREAM_KEEPALIVE) {
                r->keepalives++;
            } else {
                r->skips++;
                r->skipped += it.len;
            }
            off += it.len;
        }
    }
}

#define M1 "INVITE sip:b@x SIP/2.0\r\nCall-ID: one\r\nContent-Length: 5\r\n\r\nhello"
#define M2 "SIP/2.0 200 OK\r\nCall-ID: two\r\nl: 0\r\n\r\n"

static void test_stream(void **state)
{
    (void)state;
    static const char two[] = M1 M2;
    frame_res r;
    for (size_t chunk = 1; chunk <= sizeof(two); chunk++) {
        run_stream(two, sizeof(two) - 1, chunk, &r);
        assert_int_equal(r.msgs, 2);
        assert_int_equal(r.skips, 0);
        assert_string_equal(r.first_callid, "one");
    }
    static const char ka[] = "\r\n\r\n" M1 "\r\n" M2 "\r\n\r\n";
    run_stream(ka, sizeof(ka) - 1, sizeof(ka), &r);
    assert_int_equal(r.msgs, 2);
    assert_true(r.keepalives >= 2);
    static const char junk[] = "junk junk\r\nmore\r\n" M1 "\x01\x02\r\n" M2;
    for (size_t chunk = 1; chunk <= sizeof(junk); chunk += 7) {
        run_stream(junk, sizeof(junk) - 1, chunk, &r);
        assert_int_equal(r.msgs, 2);
        /* Depending on where chunks end, a line end after garbage may be
         * skipped with it or reported as a keep-alive. */
        assert_true(r.skipped >= 17 && r.skipped <= 17 + 4);
    }
    /* no Content-Length on a stream: skipped, the next message still found */
    static const char nocl[] = "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: z\r\n\r\n" M2;
    run_stream(nocl, sizeof(nocl) - 1, sizeof(nocl), &r);
    assert_int_equal(r.msgs, 1);
    assert_int_equal(r.skips, 1);

    /* a non-numeric Content-Length cannot frame a stream: skipped, counted
     * through it.cl, and the next message still found */
    static const char badcl[] = "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: z\r\nl: bad\r\n\r\n" M2;
    run_stream(badcl, sizeof(badcl) - 1, sizeof(badcl), &r);
    assert_int_equal(r.msgs, 1);
    assert_int_equal(r.skips, 1);
    {
        sip_stream s2;
        sip_stream_init(&s2);
        sip_msg m2;
        sip_stream_item i2;
        assert_int_equal(sip_stream_next(&s2, guard_copy(badcl, sizeof(badcl) - 1), sizeof(badcl) - 1,
                                         false, g_hdrs, SIP_MSG_MAX_HDRS, &m2, &i2),
                         SIP_STREAM_SKIP);
        assert_int_equal(i2.cl, SIP_CL_NONNUMERIC);
        assert_int_equal(i2.len, sizeof(badcl) - 1 - (sizeof(M2) - 1));
    }

    /* gap: the bytes start mid-message */
    sip_stream st;
    sip_stream_init(&st);
    static const char mid[] = "ength: 6\r\n\r\nhello\n" M2;
    const uint8_t *b = guard_copy(mid, sizeof(mid) - 1);
    sip_msg m;
    sip_stream_item it;
    assert_int_equal(sip_stream_next(&st, b, sizeof(mid) - 1, true, g_hdrs, SIP_MSG_MAX_HDRS, &m, &it),
                     SIP_STREAM_SKIP);
    assert_true(it.after_gap);
    assert_int_equal(it.len, sizeof(mid) - 1 - (sizeof(M2) - 1));
    assert_int_equal(sip_stream_next(&st, b + it.len, sizeof(M2) - 1, false, g_hdrs,
                                     SIP_MSG_MAX_HDRS, &m, &it),
                     SIP_STREAM_MSG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table), cmocka_unit_test(test_fields),
        cmocka_unit_test(test_limits),      cmocka_unit_test(test_names),
        cmocka_unit_test(test_padding),     cmocka_unit_test(test_ambiguous),
        cmocka_unit_test(test_find_start),  cmocka_unit_test(test_stream), cmocka_unit_test(test_cl_fit),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    guard_free();
    return rc;
}
