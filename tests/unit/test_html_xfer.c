/* output/html_xfer: the report's transfer-chain graph (grouping, loops,
 * caps, escaping, the "no transfers" note, links to ladders). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output/html_xfer.h"
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

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Renders x into a NUL-terminated heap string. */
static char *render(const html_xfer *x, html_xfer_link_fn link)
{
    membuf b = {0};
    out_writer w = {mem_write, &b, 0};
    mem_write(&b, "", 0);
    imsec_ts t0 = {1000, 0};
    html_xfer_write(x, &w, t0, link, NULL);
    assert_int_equal(w.err, 0);
    return b.p;
}

static void dialog(html_xfer *x, const char *cid, const char *refer_cid, const char *by, uint64_t frame)
{
    imsec_dialog_rec d;
    memset(&d, 0, sizeof d);
    snprintf(d.call_id, sizeof d.call_id, "%s", cid);
    snprintf(d.from, sizeof d.from, "sip:a@x");
    snprintf(d.to, sizeof d.to, "sip:b@x");
    d.first_frame = frame + 1;
    if (refer_cid) {
        snprintf(d.xfer_refer_call_id, sizeof d.xfer_refer_call_id, "%s", refer_cid);
        snprintf(d.xfer_by, sizeof d.xfer_by, "%s", by);
        snprintf(d.xfer_charged, sizeof d.xfer_charged, "%s", by);
        snprintf(d.xfer_linked_by, sizeof d.xfer_linked_by, "Referred-By");
        snprintf(d.xfer_chain, sizeof d.xfer_chain, "sip:a@x, %s", by);
        d.xfer_refer_frame = frame;
        d.xfer_depth = 1;
    }
    html_xfer_dialog(x, &d);
}

static uint32_t link_c1(void *ctx, const char *cid)
{
    (void)ctx;
    return strcmp(cid, "c1") == 0 ? 7 : 0;
}

static void test_none(void **state)
{
    (void)state;
    html_xfer *x = html_xfer_new();
    assert_non_null(x);
    dialog(x, "plain", NULL, NULL, 1);
    char *s = render(x, NULL);
    assert_non_null(strstr(s, "id=\"xfer-none\""));
    assert_null(strstr(s, "<svg"));
    assert_int_equal(html_xfer_count(x), 0);
    free(s);
    html_xfer_free(x);
}

static void test_chain_and_links(void **state)
{
    (void)state;
    html_xfer *x = html_xfer_new();
    imsec_msg_rec m;
    memset(&m, 0, sizeof m);
    m.is_request = true;
    snprintf(m.method, sizeof m.method, "REFER");
    m.frame = 4;
    m.ts = (imsec_ts){1002, 500000};
    html_xfer_message(x, &m);
    dialog(x, "c1", NULL, NULL, 1);
    dialog(x, "c3", "c2", "sip:carol@x", 15); /* arrives before its parent: order must not matter */
    dialog(x, "c2", "c1", "sip:bob@x", 4);
    dialog(x, "z2", "z1", "sip:zed@x", 30);   /* a second, separate chain */
    char *s = render(x, link_c1);
    assert_int_equal(count(s, "<svg class=\"xfer\""), 2);
    assert_int_equal(count(s, "<g class=\"xarrow\""), 3);
    assert_int_equal(count(s, "<g class=\"xnode"), 5);
    assert_int_equal(count(s, "<g class=\"xnode chg\""), 3);
    /* chains in REFER order: c1's chain first */
    assert_true(strstr(s, "data-cid=\"c1\"") < strstr(s, "data-cid=\"z1\""));
    assert_non_null(strstr(s, "data-cid=\"c1\" data-sec=\"7\"><a href=\"#sec-7\">"));
    assert_non_null(strstr(s, "data-cid=\"c2\" data-sec=\"0\">"));
    assert_non_null(strstr(s, "frame 4 \xc2\xb7 +2.500 s")); /* REFER time relative to t0 */
    assert_non_null(strstr(s, "Chain 1 &middot; 3 dialogs &middot; 2 transfers"));
    free(s);
    html_xfer_free(x);
}

static void test_callid_loop_terminates(void **state)
{
    (void)state;
    html_xfer *x = html_xfer_new();
    dialog(x, "a", "b", "sip:p@x", 5);
    dialog(x, "b", "a", "sip:q@x", 6);
    dialog(x, "a", "a", "sip:r@x", 7); /* self loop */
    char *s = render(x, NULL);
    assert_int_equal(count(s, "<svg class=\"xfer\""), 1);
    assert_int_equal(count(s, "<g class=\"xnode"), 2);
    assert_int_equal(count(s, "<g class=\"xarrow\""), 3);
    free(s);
    html_xfer_free(x);
}

static void test_escaping(void **state)
{
    (void)state;
    html_xfer *x = html_xfer_new();
    dialog(x, "<script>alert(1)</script>\"'", "p\"><img src=x>", "sip:\"<b>\"@x", 3);
    char *s = render(x, NULL);
    assert_null(strstr(s, "<script>"));
    assert_null(strstr(s, "<img"));
    assert_null(strstr(s, "<b>"));
    assert_non_null(strstr(s, "data-cid=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;\""));
    free(s);
    html_xfer_free(x);
}

static void test_caps(void **state)
{
    (void)state;
    html_xfer *x = html_xfer_new();
    char a[32], b[32];
    for (unsigned i = 0; i < HTML_XFER_MAX_CHAINS + 10; i++) {
        snprintf(a, sizeof a, "p%u", i);
        snprintf(b, sizeof b, "q%u", i);
        dialog(x, b, a, "sip:r@x", 10 + i);
    }
    for (unsigned i = 0; i < HTML_XFER_MAX_NODES + 6; i++) { /* one long chain, last REFER frames */
        snprintf(a, sizeof a, "L%u", i);
        snprintf(b, sizeof b, "L%u", i + 1);
        dialog(x, b, a, "sip:r@x", 1000 + i);
    }
    char *s = render(x, NULL);
    assert_int_equal(count(s, "<svg class=\"xfer\""), HTML_XFER_MAX_CHAINS);
    assert_non_null(strstr(s, "id=\"xfer-cap\""));
    assert_non_null(strstr(s, "11 further chains are not drawn"));
    html_xfer_free(x);
    free(s);

    /* The long chain alone: nodes capped with a note. */
    x = html_xfer_new();
    for (unsigned i = 0; i < HTML_XFER_MAX_NODES + 6; i++) {
        snprintf(a, sizeof a, "L%u", i);
        snprintf(b, sizeof b, "L%u", i + 1);
        dialog(x, b, a, "sip:r@x", 1000 + i);
    }
    s = render(x, NULL);
    assert_int_equal(count(s, "<g class=\"xnode"), HTML_XFER_MAX_NODES);
    assert_int_equal(count(s, "<g class=\"xarrow\""), HTML_XFER_MAX_NODES - 1);
    assert_non_null(strstr(s, "7 further dialogs of this chain are not drawn"));
    free(s);
    html_xfer_free(x);
}

static void test_utf8_cut(void **state)
{
    (void)state;
    html_xfer *x = html_xfer_new();
    /* 33 ASCII bytes then a 2-byte character straddling the 34-byte cut */
    dialog(x, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9zzzz", "p", "sip:r@x", 3);
    char *s = render(x, NULL);
    assert_null(strstr(s, "\xef\xbf\xbd")); /* no U+FFFD from a split sequence */
    assert_non_null(strstr(s, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xe2\x80\xa6</text>"));
    free(s);
    html_xfer_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_none),
        cmocka_unit_test(test_chain_and_links),
        cmocka_unit_test(test_callid_loop_terminates),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_utf8_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
