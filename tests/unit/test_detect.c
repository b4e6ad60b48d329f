/* detect: the registry (method gating, memory slots, table and schema
 * checks with file + JSON path errors) with made-up tables, and real
 * detectors driven through the engine API by small crafted SIP messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"
#include "imsec/imsec.h"
#include "rules/config.h"
#include "testutil.h"

#define BIG 8192

/* ---- made-up registries ------------------------------------------------ */

static unsigned calls[4];

static void on_a(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    (void)dc, (void)r, (void)ev;
    calls[0]++;
}
static void on_b(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    (void)dc, (void)r, (void)ev;
    calls[1]++;
}
static void on_c(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    (void)dc, (void)r, (void)ev;
    calls[2]++;
}
static void on_end_c(detect_ctx *dc, const detect_rule *r)
{
    (void)dc, (void)r;
    calls[3]++;
}

static const detect_def gate_defs[] = {
    {.rule = {.id = "T-REFER-REQ", .sid = 9001, .title = "a", .category = "test",
              .sev = IMSEC_SEV_LOW},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M(SIP_M_REFER),
     .on_sip = on_a},
    {.rule = {.id = "T-INVITE-RSP", .sid = 9002, .title = "b", .category = "test",
              .sev = IMSEC_SEV_LOW},
     .hooks = DETECT_HOOK_SIP,
     .rsp_methods = DETECT_M(SIP_M_INVITE),
     .on_sip = on_b},
    {.rule = {.id = "T-ALL", .sid = 9000, .title = "c", .category = "test", .sev = IMSEC_SEV_LOW},
     .hooks = DETECT_HOOK_SIP | DETECT_HOOK_END,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = DETECT_M_ALL,
     .on_sip = on_c,
     .on_end = on_end_c},
};
static const size_t gate_ndefs = sizeof gate_defs / sizeof *gate_defs;
static const detect_family gate_fam[] = {{gate_defs, &gate_ndefs}};

static imsec_config *fam_cfg(const detect_family *f)
{
    char err[BIG];
    imsec_config *c = detect_config_new(f, 1, err, sizeof err);
    if (!c)
        fail_msg("detect_config_new: %s", err);
    return c;
}

static detect_ctx *fam_ctx(const detect_family *f, const imsec_config *c, imsec_stats *st)
{
    char err[IMSEC_ERRBUF];
    detect_ctx *dc = detect_new_families(f, 1, c, NULL, st, NULL, NULL, err);
    if (!dc)
        fail_msg("detect_new_families: %s", err);
    return dc;
}

static void send(detect_ctx *dc, bool req, sip_method method, call_entry *call)
{
    sip_msg msg;
    memset(&msg, 0, sizeof msg);
    msg.is_request = req;
    msg.method = req ? method : SIP_M_OTHER;
    msg.status = req ? 0 : 200;
    st_msg ev;
    memset(&ev, 0, sizeof ev);
    ev.msg = &msg;
    ev.cseq_method = method;
    ev.call = call;
    detect_on_sip(dc, &ev);
}

static void test_gating(void **state)
{
    (void)state;
    imsec_config *c = fam_cfg(gate_fam);
    imsec_stats st = {0};
    detect_ctx *dc = fam_ctx(gate_fam, c, &st);
    memset(calls, 0, sizeof calls);
    send(dc, true, SIP_M_REFER, NULL);    /* a, c */
    send(dc, false, SIP_M_REFER, NULL);   /* c: a response to REFER is not a REFER request */
    send(dc, true, SIP_M_INVITE, NULL);   /* c */
    send(dc, false, SIP_M_INVITE, NULL);  /* b, c: a response goes by its CSeq method */
    send(dc, true, SIP_M_OTHER, NULL);    /* c */
    assert_int_equal(calls[0], 1);
    assert_int_equal(calls[1], 1);
    assert_int_equal(calls[2], 5);
    detect_on_end(dc);
    assert_int_equal(calls[3], 1);
    detect_free(dc);

    /* A disabled rule is in no call array. */
    char err[BIG];
    const char *off = "{\"version\":1,\"rules\":{\"T-ALL\":{\"enabled\":false}}}";
    assert_int_equal(rules_load_rules_mem(c, "off.json", off, strlen(off), err, sizeof err),
                     IMSEC_OK);
    dc = fam_ctx(gate_fam, c, &st);
    memset(calls, 0, sizeof calls);
    send(dc, true, SIP_M_REFER, NULL);
    send(dc, false, SIP_M_INVITE, NULL);
    detect_on_end(dc);
    assert_int_equal(calls[0], 1);
    assert_int_equal(calls[1], 1);
    assert_int_equal(calls[2], 0);
    assert_int_equal(calls[3], 0);
    detect_free(dc);

    /* The config lists rules in sid order whatever the table order. */
    assert_string_equal(rules_config_def_at(c, 0)->id, "T-ALL");
    assert_string_equal(rules_config_def_at(c, 2)->id, "T-INVITE-RSP");
    imsec_config_free(c);
}

/* ---- memory slots ---------------------------------------------------- */

static void latch_all(const detect_rule *r, const st_msg *ev, unsigned bits)
{
    for (unsigned b = 0; b < bits; b++) {
        assert_false(detect_mem_get(r, DETECT_MEM_CALL, &ev->call->det_flags, b));
        detect_mem_set(r, DETECT_MEM_CALL, &ev->call->det_flags, b, true);
        assert_true(detect_mem_get(r, DETECT_MEM_CALL, &ev->call->det_flags, b));
    }
    /* A bit not asked for: reads false, never written. */
    uint32_t before = ev->call->det_flags;
    detect_mem_set(r, DETECT_MEM_CALL, &ev->call->det_flags, bits, true);
    assert_false(detect_mem_get(r, DETECT_MEM_CALL, &ev->call->det_flags, bits));
    assert_int_equal(ev->call->det_flags, before);
    /* ...nor of a kind not asked for. */
    assert_false(detect_mem_get(r, DETECT_MEM_XF_SENDER, &ev->call->det_flags, 0));
}

static void on_m1(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    (void)dc;
    latch_all(r, ev, 2);
}
static void on_m2(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    (void)dc;
    latch_all(r, ev, 1);
}

static const detect_def mem_defs[] = {
    {.rule = {.id = "T-M1", .sid = 9101, .title = "m1", .category = "test"},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .mem = {{DETECT_MEM_CALL, 2}},
     .on_sip = on_m1},
    {.rule = {.id = "T-M2", .sid = 9102, .title = "m2", .category = "test"},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .mem = {{DETECT_MEM_TERM, 3}, {DETECT_MEM_CALL, 1}},
     .on_sip = on_m2},
};
static const size_t mem_ndefs = sizeof mem_defs / sizeof *mem_defs;
static const detect_family mem_fam[] = {{mem_defs, &mem_ndefs}};

static const detect_def full_defs[] = {
    {.rule = {.id = "T-F1", .sid = 9201, .title = "f1", .category = "test"},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .mem = {{DETECT_MEM_SA_SET, 20}},
     .on_sip = on_m1},
    {.rule = {.id = "T-F2", .sid = 9202, .title = "f2", .category = "test"},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .mem = {{DETECT_MEM_SA_SET, 13}},
     .on_sip = on_m2},
};
static const size_t full_ndefs = sizeof full_defs / sizeof *full_defs;
static const detect_family full_fam[] = {{full_defs, &full_ndefs}};

static void test_slots(void **state)
{
    (void)state;
    imsec_config *c = fam_cfg(mem_fam);
    imsec_stats st = {0};
    detect_ctx *dc = fam_ctx(mem_fam, c, &st);
    call_entry call;
    memset(&call, 0, sizeof call);
    send(dc, true, SIP_M_INVITE, &call);
    /* T-M1 got bits 0-1 of the call word, T-M2 bit 2: no sharing. */
    assert_int_equal(call.det_flags, 0x7);
    detect_free(dc);
    imsec_config_free(c);

    /* 20 + 13 bits do not fit one 32-bit word: refused at start. */
    c = fam_cfg(full_fam);
    char err[IMSEC_ERRBUF];
    assert_null(detect_new_families(full_fam, 1, c, NULL, &st, NULL, NULL, err));
    assert_string_equal(err, "detector T-F2: no room for 13 memory bits of kind 2");
    /* ...but they do when one of them is disabled. */
    const char *off = "{\"version\":1,\"rules\":{\"T-F1\":{\"enabled\":false}}}";
    assert_int_equal(rules_load_rules_mem(c, "off.json", off, strlen(off), err, sizeof err),
                     IMSEC_OK);
    dc = fam_ctx(full_fam, c, &st);
    detect_free(dc);
    imsec_config_free(c);
}

/* ---- definition checks ----------------------------------------------- */

static const detect_def nomethod_defs[] = {
    {.rule = {.id = "T-NONE", .sid = 9301, .title = "n", .category = "test"},
     .hooks = DETECT_HOOK_SIP,
     .on_sip = on_a},
};
static const size_t nomethod_ndefs = 1;
static const detect_family nomethod_fam[] = {{nomethod_defs, &nomethod_ndefs}};

static void test_bad_defs(void **state)
{
    (void)state;
    imsec_stats st = {0};
    char err[IMSEC_ERRBUF];
    imsec_config *c = fam_cfg(nomethod_fam);
    assert_null(detect_new_families(nomethod_fam, 1, c, NULL, &st, NULL, NULL, err));
    assert_string_equal(err, "detector T-NONE hooks SIP without a callback or methods");
    imsec_config_free(c);
    /* A registry bound to a configuration made from another table. */
    c = fam_cfg(gate_fam);
    assert_null(detect_new_families(mem_fam, 1, c, NULL, &st, NULL, NULL, err));
    assert_string_equal(err, "detector T-M1 is not in the configuration's rule table");
    imsec_config_free(c);
    /* The real registry binds to the real configuration. */
    c = imsec_config_new(err);
    assert_non_null(c);
    detect_ctx *dc = detect_new(c, NULL, &st, NULL, NULL, err);
    assert_non_null(dc);
    detect_free(dc);
    imsec_config_free(c);
}

/* ---- parameter schema -------------------------------------------------- */

static const detect_def schema_defs[] = {
    {.rule = {.id = "T-SCHEMA", .sid = 9401, .title = "s", .category = "test",
              .sev = IMSEC_SEV_HIGH,
              RULES_PARAMS({.name = "n", .type = RULES_P_INT, .min = 1, .max = 10, .def = "3"},
                           {.name = "on", .type = RULES_P_BOOL, .def = "true"},
                           {.name = "s", .type = RULES_P_STRING, .def = "\"x\""},
                           {.name = "l", .type = RULES_P_STRLIST, .def = "[\"a\"]"},
                           {.name = "p", .type = RULES_P_PREFIXLIST, .def = "[\"10.0.0.0/8\"]"},
                           {.name = "m", .type = RULES_P_SEVMAP, .def = "{\"k\":\"low\"}"})},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .on_sip = on_a},
};
static const size_t schema_ndefs = 1;
static const detect_family schema_fam[] = {{schema_defs, &schema_ndefs}};

static const detect_def badtable_defs[] = {
    {.rule = {.id = "T-BAD", .sid = 9501, .title = "b", .category = "test",
              RULES_PARAMS({.name = "n", .type = RULES_P_INT, .min = 1, .max = 10, .def = "0"})},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .on_sip = on_a},
    {.rule = {.id = "T-BAD", .sid = 9501, .title = "b", .category = "test",
              RULES_PARAMS({.name = "severity", .type = RULES_P_INT, .max = 1, .def = "0"})},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .on_sip = on_a},
};
static const size_t badtable_ndefs = 2;
static const detect_family badtable_fam[] = {{badtable_defs, &badtable_ndefs}};

static void test_schema(void **state)
{
    (void)state;
    imsec_config *c = fam_cfg(schema_fam);
    /* Defaults come from the table. */
    assert_int_equal(rules_param_int(c, "T-SCHEMA", "n"), 3);
    assert_true(rules_param_bool(c, "T-SCHEMA", "on"));
    assert_string_equal(rules_param_string(c, "T-SCHEMA", "s"), "x");
    assert_int_equal(rules_param_strlist(c, "T-SCHEMA", "l")->n, 1);
    assert_int_equal(rules_param_prefixlist(c, "T-SCHEMA", "p")->n, 1);
    imsec_severity sev;
    assert_true(rules_param_sevmap(c, "T-SCHEMA", "m", "k", &sev));
    assert_int_equal(sev, IMSEC_SEV_LOW);
    assert_int_equal(rules_rule_sev(c, "T-SCHEMA"), IMSEC_SEV_HIGH);
    /* Every value is checked against its schema; all errors, file and path. */
    const char *bad = "{\"version\":1,\"rules\":{\"T-SCHEMA\":{\"n\":11,\"on\":1,\"s\":[],"
                      "\"l\":[\"a\",2],\"p\":[\"10.0.0.300\"],\"m\":{\"k\":\"huge\"},"
                      "\"zz\":0}}}";
    char err[BIG];
    assert_int_equal(rules_load_rules_mem(c, "site.json", bad, strlen(bad), err, sizeof err),
                     IMSEC_E_CONFIG);
    assert_string_equal(err,
        "site.json: rules.T-SCHEMA.n: 11 is out of range [1, 10]\n"
        "site.json: rules.T-SCHEMA.on: expected true or false, got an integer\n"
        "site.json: rules.T-SCHEMA.s: expected a string, got an array\n"
        "site.json: rules.T-SCHEMA.l[1]: expected a string, got an integer\n"
        "site.json: rules.T-SCHEMA.p[0]: not an IP prefix\n"
        "site.json: rules.T-SCHEMA.m.k: bad severity \"huge\" (expected info, low, medium, high or critical)\n"
        "site.json: rules.T-SCHEMA.zz: unknown key (expected enabled, severity, n, on, s, l, p, m)");
    /* Nothing of the bad file was applied. */
    assert_int_equal(rules_param_int(c, "T-SCHEMA", "n"), 3);
    const char *good = "{\"version\":1,\"rules\":{\"T-SCHEMA\":{\"n\":10}}}";
    assert_int_equal(rules_load_rules_mem(c, "site.json", good, strlen(good), err, sizeof err),
                     IMSEC_OK);
    assert_int_equal(rules_param_int(c, "T-SCHEMA", "n"), 10);
    imsec_config_free(c);

    /* A table whose own definitions are wrong never makes a configuration. */
    assert_null(detect_config_new(badtable_fam, 1, err, sizeof err));
    assert_string_equal(err,
        "rule table (built in): rules.T-BAD.n: 0 is out of range [1, 10]\n"
        "rule table (built in): rules.T-BAD: rule id defined twice\n"
        "rule table (built in): rules.T-BAD: sid 9501 already used by T-BAD\n"
        "rule table (built in): rules.T-BAD: parameter 0: bad definition");
}

/* ---- real detectors through the engine -------------------------------- */

typedef struct {
    unsigned n;
    char rule[8][40];
    uint64_t frame[8];
    char reason[8][256];
} found;

static void on_finding(void *ud, const imsec_finding *f)
{
    found *fo = ud;
    if (fo->n < 8) {
        snprintf(fo->rule[fo->n], sizeof fo->rule[0], "%s", f->rule);
        fo->frame[fo->n] = f->trigger_frame;
        snprintf(fo->reason[fo->n], sizeof fo->reason[0], "%s", f->reason);
    }
    fo->n++;
}

static imsec_engine *engine(const char *rules, found *fo, imsec_config **cfg)
{
    char err[IMSEC_ERRBUF];
    *cfg = imsec_config_new(err);
    assert_non_null(*cfg);
    if (rules)
        assert_int_equal(imsec_config_load_rules_mem(*cfg, "t.json", rules, strlen(rules), err),
                         IMSEC_OK);
    imsec_callbacks cb = {.ud = fo, .on_finding = on_finding};
    imsec_engine *e = imsec_engine_new(*cfg, &cb, 1, err);
    assert_non_null(e);
    return e;
}

/* ims: carry P-Access-Network-Info, evidence of an IMS network (netctx). */
static void invite_ctx(char *buf, size_t cap, const char *call_id, unsigned cseq, bool ims)
{
    snprintf(buf, cap,
             "INVITE sip:bob@home.net SIP/2.0\r\n"
             "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK%s%u\r\n"
             "From: <sip:alice@home.net>;tag=a1\r\n"
             "To: <sip:bob@home.net>\r\n"
             "Call-ID: %s\r\n"
             "CSeq: %u INVITE\r\n"
             "%s"
             "Authorization: Digest username=\"alice@home.net\", realm=\"home.net\", "
             "nonce=\"n\", uri=\"sip:bob@home.net\", response=\"00\"\r\n"
             "Content-Length: 0\r\n\r\n",
             call_id, cseq, call_id, cseq,
             ims ? "P-Access-Network-Info: 3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=0010100010019B01\r\n"
                 : "");
}

static void invite(char *buf, size_t cap, const char *call_id, unsigned cseq)
{
    invite_ctx(buf, cap, call_id, cseq, true);
}

/* KEY-IMPI-OUTSIDE-REGISTER: a NAI in the Authorization of an INVITE, once
 * per Call-ID (its latch bit in the call's detector memory). */
static void test_engine_impi_outside(void **state)
{
    (void)state;
    found fo = {0};
    imsec_config *cfg;
    imsec_engine *e = engine(NULL, &fo, &cfg);
    char m[1024];
    invite(m, sizeof m, "c1@10.0.0.1", 1);
    tu_feed_sip(e, 1, 100, m);
    invite(m, sizeof m, "c1@10.0.0.1", 2);
    tu_feed_sip(e, 2, 100, m);
    invite(m, sizeof m, "c2@10.0.0.1", 1);
    tu_feed_sip(e, 3, 101, m);
    imsec_engine_finish(e);
    unsigned hits = 0;
    for (unsigned i = 0; i < fo.n && i < 8; i++)
        if (strcmp(fo.rule[i], "KEY-IMPI-OUTSIDE-REGISTER") == 0) {
            assert_int_equal(fo.frame[i], hits ? 3 : 1);
            hits++;
        }
    assert_int_equal(hits, 2);
    imsec_engine_free(e);
    imsec_config_free(cfg);
}

/* The same INVITEs in a plain SIP capture: the IMS-only rule stays idle and
 * the run says so (issue 13: rules declare their context). */
static void test_engine_context_idle(void **state)
{
    (void)state;
    found fo = {0};
    imsec_config *cfg;
    imsec_engine *e = engine(NULL, &fo, &cfg);
    char m[1024];
    invite_ctx(m, sizeof m, "c1@10.0.0.1", 1, false);
    tu_feed_sip(e, 1, 100, m);
    imsec_engine_finish(e);
    for (unsigned i = 0; i < fo.n && i < 8; i++)
        assert_string_not_equal(fo.rule[i], "KEY-IMPI-OUTSIDE-REGISTER");
    const imsec_stats *st = imsec_engine_stats(e);
    bool idle = false;
    for (uint32_t i = 0; i < st->nidle; i++)
        idle |= strcmp(st->idle[i].rule, "KEY-IMPI-OUTSIDE-REGISTER") == 0;
    assert_true(idle);
    assert_non_null(strstr(st->network, "plain SIP"));
    imsec_engine_free(e);
    imsec_config_free(cfg);
}

/* HIDE-TOPOLOGY-LEAK: the exit node's own entries (its name in the top Via,
 * and in Record-Route) are the sender's and stay in clear (TS 24.229
 * §5.10.4); an S-CSCF behind it is a leak. 10.0.0.1 is home, 10.0.0.2 not. */
static void hide_case(const char *extra, found *fo)
{
    static const char site[] =
        "{\"version\": 1, \"site\": {\"network\": \"ims\", \"home_domains\": [\"home.net\"], "
        "\"internal_prefixes\": [\"10.0.0.1/32\"]}}";
    imsec_config *cfg;
    imsec_engine *e = engine(site, fo, &cfg);
    char m[1024];
    snprintf(m, sizeof m,
             "INVITE sip:bob@peer.example SIP/2.0\r\n"
             "Via: SIP/2.0/UDP ibcf.home.net;branch=z9hG4bKx1\r\n%s"
             "Record-Route: <sip:ibcf.home.net;lr>\r\n"
             "From: <sip:alice@home.net>;tag=a1\r\nTo: <sip:bob@peer.example>\r\n"
             "Call-ID: h1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
             extra);
    tu_feed_sip(e, 1, 100, m);
    imsec_engine_finish(e);
    imsec_engine_free(e);
    imsec_config_free(cfg);
}

static void test_hide_exit_node_own_entries(void **state)
{
    (void)state;
    found fo = {0};
    hide_case("", &fo);
    for (unsigned i = 0; i < fo.n && i < 8; i++)
        assert_string_not_equal(fo.rule[i], "HIDE-TOPOLOGY-LEAK");
    found leak = {0};
    hide_case("Via: SIP/2.0/UDP scscf.home.net;branch=z9hG4bKx0\r\n", &leak);
    bool hit = false;
    for (unsigned i = 0; i < leak.n && i < 8; i++)
        if (strcmp(leak.rule[i], "HIDE-TOPOLOGY-LEAK") == 0) {
            hit = true;
            assert_non_null(strstr(leak.reason[i], "scscf.home.net"));
            assert_null(strstr(leak.reason[i], "ibcf.home.net"));
        }
    assert_true(hit);
}

static void refer(char *buf, size_t cap, unsigned cseq)
{
    snprintf(buf, cap,
             "REFER sip:bob@home.net SIP/2.0\r\n"
             "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKr%u\r\n"
             "From: <sip:alice@home.net>;tag=a1\r\n"
             "To: <sip:bob@home.net>;tag=b1\r\n"
             "Call-ID: d1@10.0.0.1\r\n"
             "CSeq: %u REFER\r\n"
             "Refer-To: <sip:carol@home.net>\r\n"
             "Content-Length: 0\r\n\r\n",
             cseq, cseq);
}

/* XFER-REFER-FLOOD with max 2: the third REFER within the window fires,
 * the fourth does not (latched per sender), and only REFERs reach it. */
static void test_engine_refer_flood(void **state)
{
    (void)state;
    found fo = {0};
    imsec_config *cfg;
    imsec_engine *e = engine("{\"version\":1,\"rules\":{\"XFER-REFER-FLOOD\":{\"max\":2}}}",
                             &fo, &cfg);
    char m[1024];
    for (unsigned i = 1; i <= 4; i++) {
        refer(m, sizeof m, i);
        tu_feed_sip(e, i, 200 + i, m);
    }
    imsec_engine_finish(e);
    unsigned hits = 0;
    for (unsigned i = 0; i < fo.n && i < 8; i++)
        if (strcmp(fo.rule[i], "XFER-REFER-FLOOD") == 0) {
            assert_int_equal(fo.frame[i], 3);
            hits++;
        }
    assert_int_equal(hits, 1);
    imsec_engine_free(e);
    imsec_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gating),     cmocka_unit_test(test_slots),
        cmocka_unit_test(test_bad_defs),   cmocka_unit_test(test_schema),
        cmocka_unit_test(test_engine_impi_outside),
        cmocka_unit_test(test_engine_context_idle),
        cmocka_unit_test(test_hide_exit_node_own_entries),
        cmocka_unit_test(test_engine_refer_flood),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
