/* output/html: escaping, secret redaction and the rendered report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output/html.h"
#include "testutil.h"

typedef struct {
    char *p;
    size_t len, cap;
} membuf;

static int mem_write(void *ud, const char *p, size_t n)
{
    membuf *b = ud;
    if (b->len + n + 1 > b->cap) {
        size_t nc = (b->len + n + 1) * 2;
        char *q = realloc(b->p, nc);
        if (!q)
            return IMSEC_E_NOMEM;
        b->p = q;
        b->cap = nc;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

static void mem_init(membuf *b, out_writer *w)
{
    memset(b, 0, sizeof *b);
    w->write = mem_write;
    w->ud = b;
    w->err = 0;
    mem_write(b, "", 0);
}

static void test_escape_table(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        bool attr;
        const char *out;
    } cases[] = {
        {"<a href='x'>&\"", false, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;"},
        {"l1\r\nl2\tx", false, "l1\nl2\tx"},
        {"l1\r\nl2\tx", true, "l1 l2 x"},
        {"a\x01" "b\x7f", false, "a\\x01b\\x7f"},
        {"\xff" "ok", false, "\xef\xbf\xbd" "ok"},
        {"\xc3\xa9t\xc3\xa9", false, "\xc3\xa9t\xc3\xa9"},
        {"</script><script>", false, "&lt;/script&gt;&lt;script&gt;"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        membuf b;
        out_writer w;
        mem_init(&b, &w);
        html_escape(&w, cases[i].in, strlen(cases[i].in), cases[i].attr);
        assert_string_equal(b.p, cases[i].out);
        free(b.p);
    }
    /* NUL bytes are shown, not swallowed */
    membuf b;
    out_writer w;
    mem_init(&b, &w);
    html_escape(&w, "a\0b", 3, false);
    assert_string_equal(b.p, "a\\x00b");
    free(b.p);
}

static void test_redaction(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"WWW-Authenticate: Digest nonce=\"n\", ck=\"00112233\", ik=0a0b\r\n",
         "WWW-Authenticate: Digest nonce=&quot;n&quot;, ck=<span class=\"red\">&lt;redacted 10 chars&gt;</span>, "
         "ik=<span class=\"red\">&lt;redacted 4 chars&gt;</span>\n"},
        {"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:S2V5U2FsdA==|2^20|1:32\r\n",
         "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:<span class=\"red\">&lt;redacted 12 chars&gt;</span>|2^20|1:32\n"},
        {"v=0\r\na=key-mgmt:mikey AQEFgAAA\r\n", "v=0\na=key-mgmt:<span class=\"red\">&lt;redacted 14 chars&gt;</span>\n"},
        {"X-Back: back=1;track=2", "X-Back: back=1;track=2"},     /* not a ck= parameter */
        {"CK=\"ABCD\"", "CK=<span class=\"red\">&lt;redacted 6 chars&gt;</span>"},
        {"ck=", "ck="},                                            /* nothing to hide */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        membuf b;
        out_writer w;
        mem_init(&b, &w);
        html_sip_text(&w, cases[i].in, strlen(cases[i].in), false);
        assert_string_equal(b.p, cases[i].out);
        free(b.p);
    }
    membuf b;
    out_writer w;
    mem_init(&b, &w);
    html_sip_text(&w, "ck=\"0011\"", 9, true);
    assert_string_equal(b.p, "ck=&quot;0011&quot;");
    free(b.p);
}

/* Every prefix, ending at a guard page: no over-read in the scanners. */
static void test_prefixes_guarded(void **state)
{
    (void)state;
    static const char in[] = "ck=\"0011\" ik=\"a\\\"b\" inline:KEY|x\na=key-mgmt:m\r\n<\xe2\x82";
    for (size_t n = 0; n < sizeof in - 1; n++) {
        const uint8_t *p = guard_copy(in, n);
        membuf b;
        out_writer w;
        mem_init(&b, &w);
        html_sip_text(&w, (const char *)p, n, false);
        html_escape(&w, (const char *)p, n, true);
        assert_int_equal(w.err, 0);
        free(b.p);
    }
    guard_free();
}

static void add_msg(html_report *r, uint64_t frame, const char *cid, const char *method, uint16_t status,
                    const char *text, bool esp)
{
    imsec_msg_rec m;
    memset(&m, 0, sizeof m);
    m.frame = frame;
    m.ts.sec = 1000 + (int64_t)frame;
    m.tuple.proto = IMSEC_PROTO_UDP;
    imsec_addr_parse("10.0.0.1", 8, status ? &m.tuple.dst : &m.tuple.src);
    imsec_addr_parse("10.0.0.2", 8, status ? &m.tuple.src : &m.tuple.dst);
    m.tuple.sport = m.tuple.dport = 5060;
    m.is_request = status == 0;
    m.status = status;
    snprintf(m.method, sizeof m.method, "%s", method);
    snprintf(m.call_id, sizeof m.call_id, "%s", cid);
    m.data = (const uint8_t *)text;
    m.len = (uint32_t)strlen(text);
    m.in_esp = esp;
    m.spi = esp ? 0x1001 : 0;
    m.src_role = m.dst_role = "";
    html_report_message(r, &m);
}

static char *render(uint64_t seed, bool all)
{
    html_opts o = {.title = "t<1>", .inputs = "x.pcap", .all_sections = all, .seed = seed};
    html_report *r = html_report_new(&o);
    assert_non_null(r);
    add_msg(r, 1, "c1", "INVITE", 0, "INVITE sip:b SIP/2.0\r\nX: <script>\r\n\r\n", false);
    add_msg(r, 2, "c2", "MESSAGE", 0, "MESSAGE sip:b SIP/2.0\r\n\r\n", true);
    add_msg(r, 3, "c1", "INVITE", 200, "SIP/2.0 200 OK\r\n\r\n", false);
    add_msg(r, 4, "c2", "MESSAGE", 200, "SIP/2.0 200 OK\r\n\r\n", true);
    imsec_finding f;
    memset(&f, 0, sizeof f);
    f.rule = "TEST-RULE";
    f.title = "a test";
    f.category = "test";
    f.sev = IMSEC_SEV_HIGH;
    f.nframes = 1;
    f.frames[0] = 3;
    f.trigger_frame = 3;
    snprintf(f.call_id, sizeof f.call_id, "c1");
    snprintf(f.reason, sizeof f.reason, "reason with \"quotes\" & <b>");
    html_report_finding(r, &f);
    imsec_dialog_rec d;
    memset(&d, 0, sizeof d);
    snprintf(d.call_id, sizeof d.call_id, "c1");
    snprintf(d.method, sizeof d.method, "INVITE");
    d.state = "confirmed";
    d.first_frame = 1;
    d.last_frame = 3;
    html_report_dialog(r, &d);
    imsec_txn_rec t;
    memset(&t, 0, sizeof t);
    snprintf(t.call_id, sizeof t.call_id, "c2");
    snprintf(t.method, sizeof t.method, "MESSAGE");
    t.first_frame = 2;
    t.last_frame = 4;
    html_report_txn(r, &t);
    imsec_stats st;
    memset(&st, 0, sizeof st);
    st.frames = 4;
    membuf b;
    out_writer w;
    mem_init(&b, &w);
    assert_int_equal(html_report_write(r, &w, &st, NULL), 0);
    assert_int_equal(html_report_findings(r), 1);
    html_report_free(r);
    return b.p;
}

static size_t count(const char *h, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(h, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void test_report(void **state)
{
    (void)state;
    char *a = render(1, false), *b = render(0xdeadbeef, false);
    assert_string_equal(a, b); /* the seed never shows */
    assert_int_equal(count(a, "<tr class=\"finding\""), 1);
    assert_int_equal(count(a, "<details class=\"flow"), 1); /* flagged only */
    assert_int_equal(count(a, "class=\"arrow hl\""), 1);
    assert_int_equal(count(a, "<script"), 1);
    assert_non_null(strstr(a, "<title>t&lt;1&gt;</title>"));
    assert_non_null(strstr(a, "reason with &quot;quotes&quot; &amp; &lt;b&gt;"));
    assert_non_null(strstr(a, "X: &lt;script&gt;"));
    char *c = render(1, true);
    assert_int_equal(count(c, "<details class=\"flow"), 2);
    assert_int_equal(count(c, "class=\"arrow prot\""), 2);
    assert_non_null(strstr(c, "ESP SPI 0x1001"));
    free(a);
    free(b);
    free(c);
}

/* With roles on every lane, lanes are ordered UE -> CSCFs -> peer and the
 * home network boundary is drawn before the first peer lane. */
static void test_roles_boundary(void **state)
{
    (void)state;
    html_opts o = {.all_sections = true, .seed = 3};
    html_report *r = html_report_new(&o);
    assert_non_null(r);
    static const char *const ips[] = {"10.9.9.9", "10.0.0.1", "10.0.0.2"};
    static const char *const roles[] = {"peer", "UE", "P-CSCF"};
    for (int i = 0; i < 3; i++) {
        imsec_msg_rec m;
        memset(&m, 0, sizeof m);
        m.frame = (uint64_t)i + 1;
        m.tuple.proto = IMSEC_PROTO_UDP;
        imsec_addr_parse(ips[i], strlen(ips[i]), &m.tuple.src);
        imsec_addr_parse(ips[(i + 1) % 3], strlen(ips[(i + 1) % 3]), &m.tuple.dst);
        m.is_request = true;
        snprintf(m.method, sizeof m.method, "MESSAGE");
        snprintf(m.call_id, sizeof m.call_id, "x");
        m.data = (const uint8_t *)"MESSAGE sip:a SIP/2.0\r\n\r\n";
        m.len = 25;
        m.src_role = roles[i];
        m.dst_role = roles[(i + 1) % 3];
        html_report_message(r, &m);
    }
    imsec_stats st;
    memset(&st, 0, sizeof st);
    membuf b;
    out_writer w;
    mem_init(&b, &w);
    assert_int_equal(html_report_write(r, &w, &st, NULL), 0);
    const char *ue = strstr(b.p, ">UE</text>"), *pc = strstr(b.p, ">P-CSCF</text>"),
               *peer = strstr(b.p, ">peer</text>"), *bnd = strstr(b.p, "home network boundary</text>");
    assert_non_null(ue);
    assert_non_null(pc);
    assert_non_null(peer);
    assert_non_null(bnd);
    assert_true(ue < pc && pc < peer);
    html_report_free(r);
    free(b.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_table),
        cmocka_unit_test(test_redaction),
        cmocka_unit_test(test_prefixes_guarded),
        cmocka_unit_test(test_report),
        cmocka_unit_test(test_roles_boundary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
