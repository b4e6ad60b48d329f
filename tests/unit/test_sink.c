/* The public engine API: sinks see every event in order and can annotate a
 * finding for the sinks after them, the selector gates what reaches them,
 * the message record carries the Security-Verify verdict, and
 * imsec_sip_describe walks a message's security headers in display order.
 * Uses only the public headers, as the CLI and the plugin do. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "imsec/capture.h"
#include "imsec/imsec.h"
#include "imsec/output.h"
#include "imsec/sink.h"
#include "imsec/sipinfo.h"
#include "testutil.h"

typedef struct {
    int order;               /* which sink this is: 0 or 1 */
    uint64_t frames, msgs, findings, records[4], stats;
    uint64_t match, mismatch, no_server, last_server_frame;
    uint64_t noted;          /* findings that arrived with the first sink's note */
    int finished;
} counter;

static void c_frame(void *ud, const imsec_frame *f)
{
    (void)f;
    ((counter *)ud)->frames++;
}

static void c_message(void *ud, const imsec_msg_rec *m)
{
    counter *c = ud;
    c->msgs++;
    if (m->verify == IMSEC_VERIFY_MATCH)
        c->match++;
    else if (m->verify == IMSEC_VERIFY_MISMATCH)
        c->mismatch++;
    else if (m->verify == IMSEC_VERIFY_NO_SERVER)
        c->no_server++;
    if (m->verify != IMSEC_VERIFY_NA)
        c->last_server_frame = m->verify_server_frame;
}

static void c_finding(void *ud, const imsec_finding *f, imsec_finding_note *note)
{
    counter *c = ud;
    (void)f;
    c->findings++;
    if (c->order == 0)
        snprintf(note->evidence, sizeof note->evidence, "first.pcap");
    else if (strcmp(note->evidence, "first.pcap") == 0)
        c->noted++;
}

static void c_record(void *ud, const imsec_record *r) { ((counter *)ud)->records[r->kind]++; }

static void c_stats(void *ud, const imsec_stats *st, const imsec_stats_info *info)
{
    (void)st;
    (void)info;
    ((counter *)ud)->stats++;
}

static int c_finish(void *ud, char err[IMSEC_ERRBUF])
{
    (void)err;
    ((counter *)ud)->finished++;
    return IMSEC_OK;
}

static const imsec_sink_ops counter_ops = {
    .name = "counter", .on_frame = c_frame, .on_message = c_message, .on_finding = c_finding,
    .on_record = c_record, .on_stats = c_stats, .finish = c_finish,
};

typedef struct {
    uint64_t all, passed;
    bool pass;
} gate;

static bool gate_select(void *ud, const imsec_finding *f, imsec_finding_note *note)
{
    gate *g = ud;
    (void)f;
    snprintf(note->id, sizeof note->id, "id-%llu", (unsigned long long)g->passed);
    if (g->pass)
        g->passed++;
    return g->pass;
}

static void gate_all(void *ud, const imsec_finding *f)
{
    (void)f;
    ((gate *)ud)->all++;
}

static void run_sample(const char *name, bool pass, counter c[2], gate *g, imsec_stats *st)
{
    char path[1024], err[IMSEC_ERRBUF] = "";
    snprintf(path, sizeof path, "%s/samples/%s.pcap", IMSEC_SOURCE_DIR, name);
    char keys[1024];
    snprintf(keys, sizeof keys, "%s/samples/%s.keys.json", IMSEC_SOURCE_DIR, name);
    imsec_config *cfg = imsec_config_new(err);
    assert_non_null(cfg);
    FILE *kf = fopen(keys, "r");
    if (kf) {
        fclose(kf);
        assert_int_equal(imsec_config_load_keys(cfg, keys, err), IMSEC_OK);
    }
    const char *inputs[] = {path};
    imsec_capture *cap = imsec_capture_open(inputs, 1, err);
    assert_non_null(cap);
    memset(c, 0, 2 * sizeof *c);
    c[1].order = 1;
    memset(g, 0, sizeof *g);
    g->pass = pass;
    imsec_sink sinks[2] = {{&counter_ops, &c[0]}, {&counter_ops, &c[1]}};
    imsec_callbacks cb = {.ud = g, .on_finding = gate_all};
    imsec_engine_opts eo = {.cb = &cb, .select = gate_select, .select_ud = g, .sinks = sinks,
                            .nsinks = 2, .seed = 42};
    imsec_engine *e = imsec_engine_open(cfg, &eo, err);
    assert_non_null(e);
    imsec_frame fr;
    while (imsec_capture_next(cap, &fr) == 1)
        imsec_engine_feed(e, &fr);
    imsec_engine_finish(e);
    imsec_stats_info info = {0};
    imsec_engine_emit_stats(e, &info);
    assert_int_equal(imsec_engine_close_sinks(e, err), IMSEC_OK);
    *st = *imsec_engine_stats(e);
    imsec_engine_free(e);
    imsec_capture_close(cap);
    imsec_config_free(cfg);
}

static void test_sinks_see_everything_in_order(void **state)
{
    (void)state;
    counter c[2];
    gate g;
    imsec_stats st;
    run_sample("ims-aka-verify-mismatch", true, c, &g, &st);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(c[i].frames, st.frames);
        assert_int_equal(c[i].msgs, st.sip_messages);
        assert_int_equal(c[i].findings, g.all);
        assert_int_equal(c[i].records[IMSEC_REC_REGISTRATION], 1);
        assert_int_equal(c[i].stats, 1);
        assert_int_equal(c[i].finished, 1);
    }
    assert_true(g.all > 0);
    /* The first sink's note reached the second. */
    assert_int_equal(c[1].noted, g.all);
    /* RFC 3329 §2.3.1: the protected REGISTER's Verify differs from the 401's Server. */
    assert_true(c[0].mismatch >= 1);
    assert_int_equal(c[0].match, 0);
    assert_true(c[0].last_server_frame > 0);
}

static void test_verdict_match(void **state)
{
    (void)state;
    counter c[2];
    gate g;
    imsec_stats st;
    run_sample("ims-aka-register", true, c, &g, &st);
    assert_true(c[0].match >= 1);
    assert_int_equal(c[0].mismatch, 0);
}

static void test_selector_gates_sinks_not_callbacks(void **state)
{
    (void)state;
    counter c[2];
    gate g;
    imsec_stats st;
    run_sample("ims-aka-verify-mismatch", false, c, &g, &st);
    assert_true(g.all > 0);
    assert_int_equal(c[0].findings, 0);
    assert_int_equal(c[1].findings, 0);
    assert_int_equal(st.findings, g.all);
}

/* ---- imsec_sip_describe ---- */

typedef struct {
    imsec_sip_item_kind kinds[32];
    char what[32][32];
    size_t n;
    uint32_t spi_c;
    char network[16];
} item_log;

static void log_item(void *ud, const imsec_sip_item *it)
{
    item_log *l = ud;
    if (l->n >= 32)
        return;
    l->kinds[l->n] = it->kind;
    snprintf(l->what[l->n], sizeof l->what[l->n], "%s", it->header ? it->header : "");
    l->n++;
    if (it->kind == IMSEC_SIP_SECMECH && it->u.sec.has_spi_c)
        l->spi_c = it->u.sec.spi_c;
    if (it->kind == IMSEC_SIP_HIDE)
        snprintf(l->network, sizeof l->network, "%s", it->u.hide.network);
}

static const char msg[] =
    "REGISTER sip:home1.net SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.45.0.10:5100;branch=z9hG4bK1\r\n"
    "From: <sip:user1@home1.net>;tag=1\r\n"
    "To: <sip:user1@home1.net>\r\n"
    "Call-ID: c1\r\n"
    "CSeq: 1 REGISTER\r\n"
    "P-Asserted-Identity: <sip:user1@home1.net>\r\n"
    "Security-Client: ipsec-3gpp;alg=hmac-sha-1-96;spi-c=4097;spi-s=4098;port-c=5100;port-s=5101, ;;\r\n"
    "Authorization: Digest username=\"user1@home1.net\",realm=\"home1.net\",nonce=\"\",uri=\"sip:home1.net\",response=\"\"\r\n"
    "Content-Length: 0\r\n\r\n";

static void test_describe_order(void **state)
{
    (void)state;
    item_log l = {0};
    const uint8_t *p = guard_copy(msg, sizeof msg - 1);
    int rc = imsec_sip_describe(p, (uint32_t)(sizeof msg - 1), NULL, log_item, &l);
    assert_int_equal(rc, (int)(sizeof msg - 1));
    const imsec_sip_item_kind want[] = {IMSEC_SIP_SECMECH, IMSEC_SIP_MALFORMED, IMSEC_SIP_DIGEST,
                                        IMSEC_SIP_IDENT_BEGIN, IMSEC_SIP_PAI, IMSEC_SIP_HIDE_BEGIN,
                                        IMSEC_SIP_HIDE};
    assert_int_equal(l.n, sizeof want / sizeof *want);
    for (size_t i = 0; i < l.n; i++)
        assert_int_equal(l.kinds[i], want[i]);
    assert_string_equal(l.what[1], "Security-Client");
    assert_int_equal(l.spi_c, 4097);
    assert_string_equal(l.network, "unknown"); /* no site profile */
    /* Every prefix: no over-read, and no items unless the whole message parsed. */
    for (size_t n = 0; n + 1 < sizeof msg - 1; n++) {
        item_log k = {0};
        p = guard_copy(msg, n);
        (void)imsec_sip_describe(p, (uint32_t)n, NULL, log_item, &k);
    }
    guard_free();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sinks_see_everything_in_order),
        cmocka_unit_test(test_verdict_match),
        cmocka_unit_test(test_selector_gates_sinks_not_callbacks),
        cmocka_unit_test(test_describe_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
