/* state: the dialog and registration model seen through the engine's
 * records (RFC 3261 §12, §22.2; issue 13 "a dialog and transaction model"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "imsec/imsec.h"
#include "testutil.h"

typedef struct {
    unsigned ndialogs, nregs;
    char state[4][16];
    uint16_t final_status[4];
    uint32_t msgs[4];
    uint32_t ncall_ids, more, more_msgs;
} recs;

static void on_dialog(void *ud, const imsec_dialog_rec *d)
{
    recs *r = ud;
    if (r->ndialogs < 4) {
        snprintf(r->state[r->ndialogs], sizeof r->state[0], "%s", d->state);
        r->final_status[r->ndialogs] = d->final_status;
        r->msgs[r->ndialogs] = d->sip_messages;
    }
    r->ndialogs++;
}

static void on_registration(void *ud, const imsec_reg_rec *g)
{
    recs *r = ud;
    r->nregs++;
    r->ncall_ids = g->ncall_ids;
    r->more = g->call_ids_more;
    r->more_msgs = g->call_ids_more_msgs;
}

static imsec_engine *engine(recs *r, imsec_config **cfg)
{
    char err[IMSEC_ERRBUF];
    *cfg = imsec_config_new(err);
    assert_non_null(*cfg);
    imsec_callbacks cb = {.ud = r, .on_dialog = on_dialog, .on_registration = on_registration};
    imsec_engine *e = imsec_engine_new(*cfg, &cb, 1, err);
    assert_non_null(e);
    return e;
}

static void msg(char *b, size_t cap, const char *start, const char *cid, unsigned cseq,
                const char *method, const char *to_tag, const char *extra)
{
    snprintf(b, cap,
             "%s\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK%s%u\r\n"
             "From: <sip:alice@home.net>;tag=a1\r\nTo: <sip:bob@home.net>%s%s\r\n"
             "Call-ID: %s\r\nCSeq: %u %s\r\n%sContent-Length: 0\r\n\r\n",
             start, cid, cseq, to_tag[0] ? ";tag=" : "", to_tag, cid, cseq, method, extra);
}

/* INVITE -> 407 -> INVITE with credentials (CSeq 2) -> 200 -> BYE: one
 * dialog, confirmed by the retry's 200, not "failed 407". */
static void test_challenged_invite_retry(void **state)
{
    (void)state;
    recs r = {0};
    imsec_config *cfg;
    imsec_engine *e = engine(&r, &cfg);
    char b[1024];
    const char *inv = "INVITE sip:bob@home.net SIP/2.0";
    msg(b, sizeof b, inv, "d1", 1, "INVITE", "", "");
    tu_feed_sip(e, 1, 100, b);
    msg(b, sizeof b, "SIP/2.0 407 Proxy Authentication Required", "d1", 1, "INVITE", "p1",
        "Proxy-Authenticate: Digest realm=\"home.net\", nonce=\"n1\"\r\n");
    tu_feed_sip(e, 2, 100, b);
    msg(b, sizeof b, inv, "d1", 2, "INVITE", "",
        "Proxy-Authorization: Digest username=\"alice\", realm=\"home.net\", nonce=\"n1\", "
        "uri=\"sip:bob@home.net\", response=\"00\"\r\n");
    tu_feed_sip(e, 3, 100, b);
    msg(b, sizeof b, "SIP/2.0 200 OK", "d1", 2, "INVITE", "b1", "");
    tu_feed_sip(e, 4, 101, b);
    imsec_engine_finish(e);
    assert_int_equal(r.ndialogs, 1);
    assert_string_equal(r.state[0], "confirmed");
    assert_int_equal(r.final_status[0], 200);
    imsec_engine_free(e);
    imsec_config_free(cfg);
}

/* A 401/407 never retried leaves the dialog "challenged". */
static void test_challenged_not_retried(void **state)
{
    (void)state;
    recs r = {0};
    imsec_config *cfg;
    imsec_engine *e = engine(&r, &cfg);
    char b[1024];
    msg(b, sizeof b, "INVITE sip:bob@home.net SIP/2.0", "d2", 1, "INVITE", "", "");
    tu_feed_sip(e, 1, 100, b);
    msg(b, sizeof b, "SIP/2.0 401 Unauthorized", "d2", 1, "INVITE", "p1", "");
    tu_feed_sip(e, 2, 100, b);
    imsec_engine_finish(e);
    assert_int_equal(r.ndialogs, 1);
    assert_string_equal(r.state[0], "challenged");
    assert_int_equal(r.final_status[0], 401);
    imsec_engine_free(e);
    imsec_config_free(cfg);
}

/* An INVITE reusing the Call-ID of a REGISTER is a dialog of its own. */
static void test_invite_on_register_call_id(void **state)
{
    (void)state;
    recs r = {0};
    imsec_config *cfg;
    imsec_engine *e = engine(&r, &cfg);
    char b[1024];
    msg(b, sizeof b, "REGISTER sip:home.net SIP/2.0", "r1", 1, "REGISTER", "", "");
    tu_feed_sip(e, 1, 100, b);
    msg(b, sizeof b, "SIP/2.0 200 OK", "r1", 1, "REGISTER", "g1", "");
    tu_feed_sip(e, 2, 100, b);
    msg(b, sizeof b, "INVITE sip:bob@home.net SIP/2.0", "r1", 2, "INVITE", "", "");
    tu_feed_sip(e, 3, 101, b);
    msg(b, sizeof b, "SIP/2.0 200 OK", "r1", 2, "INVITE", "b1", "");
    tu_feed_sip(e, 4, 101, b);
    imsec_engine_finish(e);
    assert_int_equal(r.ndialogs, 1);
    assert_string_equal(r.state[0], "confirmed");
    assert_int_equal(r.msgs[0], 4);
    imsec_engine_free(e);
    imsec_config_free(cfg);
}

/* A registration's Call-ID list is bounded; what it leaves out is counted. */
static void test_reg_call_ids_counted(void **state)
{
    (void)state;
    recs r = {0};
    imsec_config *cfg;
    imsec_engine *e = engine(&r, &cfg);
    char b[1024], cid[16];
    unsigned n = IMSEC_REC_MAX_CALLIDS + 3;
    for (unsigned i = 0; i < n; i++) {
        snprintf(cid, sizeof cid, "rc%u", i);
        msg(b, sizeof b, "REGISTER sip:home.net SIP/2.0", cid, 1, "REGISTER", "", "");
        tu_feed_sip(e, 2 * i + 1, 100 + i, b);
        msg(b, sizeof b, "SIP/2.0 200 OK", cid, 1, "REGISTER", "g1", "");
        tu_feed_sip(e, 2 * i + 2, 100 + i, b);
    }
    imsec_engine_finish(e);
    assert_int_equal(r.nregs, 1);
    assert_int_equal(r.ncall_ids + r.more, n);
    assert_int_equal(r.more, 3);
    assert_int_equal(r.more_msgs, 6);
    imsec_engine_free(e);
    imsec_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_challenged_invite_retry),
        cmocka_unit_test(test_challenged_not_retried),
        cmocka_unit_test(test_invite_on_register_call_id),
        cmocka_unit_test(test_reg_call_ids_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
