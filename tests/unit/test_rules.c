/* Rule/site loading: the embedded default, layering, every error with its
 * exact message, prefixes, the dump, and catalogue/default consistency. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules/config.h"

#define BIG 8192

static imsec_config *new_cfg(void)
{
    char err[IMSEC_ERRBUF];
    imsec_config *c = imsec_config_new(err);
    if (!c)
        fail_msg("imsec_config_new: %s", err);
    return c;
}

static int load(imsec_config *c, const char *text, char *err)
{
    return rules_load_rules_mem(c, "t.json", text, strlen(text), err, BIG);
}

static void test_default_loads(void **state)
{
    (void)state;
    imsec_config *c = new_cfg();
    assert_true(imsec_config_rule_count(c) >= 2);
    assert_true(rules_rule_enabled(c, "SESS-PARALLEL-LIMIT"));
    assert_int_equal(rules_rule_sev(c, "SESS-PARALLEL-LIMIT"), IMSEC_SEV_MEDIUM);
    assert_int_equal(rules_param_int(c, "SESS-PARALLEL-LIMIT", "max"), 4);
    assert_true(rules_rule_enabled(c, "KEY-IMPI-OUTSIDE-REGISTER"));
    assert_int_equal(rules_rule_sev(c, "KEY-IMPI-OUTSIDE-REGISTER"), IMSEC_SEV_LOW);
    /* unknown ids/params are neutral, never a crash */
    assert_false(rules_rule_enabled(c, "NOPE"));
    assert_int_equal(rules_param_int(c, "SESS-PARALLEL-LIMIT", "nope"), 0);
    assert_int_equal(rules_param_int(c, "KEY-IMPI-OUTSIDE-REGISTER", "max"), 0);
    assert_int_equal(rules_param_strlist(c, "SESS-PARALLEL-LIMIT", "max")->n, 0);
    const rules_site *s = rules_config_site(c);
    assert_int_equal(s->home_domains.n, 0);
    assert_int_equal(s->ue_prefixes.n, 0);
    assert_int_equal(s->nprotected_links, 0);
    imsec_rule_info ri;
    size_t idx;
    assert_true(rules_config_find(c, "SESS-PARALLEL-LIMIT", &idx));
    assert_true(imsec_config_rule_at(c, idx, &ri));
    assert_string_equal(ri.rule, "SESS-PARALLEL-LIMIT");
    assert_int_equal(ri.sid, 4101);
    assert_string_equal(ri.category, "ims-session");
    assert_true(ri.enabled);
    assert_false(imsec_config_rule_at(c, imsec_config_rule_count(c), &ri));
    assert_false(imsec_config_show_secrets(c));
    imsec_config_set_show_secrets(c, true);
    assert_true(imsec_config_show_secrets(c));
    imsec_config_free(c);
    imsec_config_free(NULL);
}

static void test_table_consistent(void **state)
{
    (void)state;
    static const char *const cats[] = {"ims-key-setup", "ims-topology-hiding", "ims-privacy",
                                       "ims-media", "ims-transfer", "ims-session",
                                       "ims-registration", "sip-parsing", "sip-attack"};
    static const struct { const char *pfx; uint32_t lo, hi; } fam[] = {
        {"KEY-", 1001, 1999}, {"HIDE-", 2001, 2999}, {"PRIV-", 3001, 3099},
        {"MEDIA-", 3101, 3999}, {"XFER-", 4001, 4099}, {"SESS-", 4101, 4199},
        {"REG-", 4201, 4299}, {"SIP-", 5001, 5999}};
    imsec_config *c = new_cfg();
    char *dump = imsec_config_dump_json(c);
    assert_non_null(dump);
    json_object *root = json_tokener_parse(dump);
    assert_non_null(root);
    json_object *rules;
    assert_true(json_object_object_get_ex(root, "rules", &rules));
    size_t n = imsec_config_rule_count(c);
    for (size_t i = 0; i < n; i++) {
        const rules_def *e = rules_config_def_at(c, i);
        for (size_t j = i + 1; j < n; j++) {
            assert_string_not_equal(e->id, rules_config_def_at(c, j)->id);
            assert_true(e->sid < rules_config_def_at(c, j)->sid); /* listed in sid order */
        }
        bool cat_ok = false, fam_ok = false;
        for (size_t k = 0; k < sizeof cats / sizeof *cats; k++)
            cat_ok |= strcmp(e->category, cats[k]) == 0;
        for (size_t k = 0; k < sizeof fam / sizeof *fam; k++)
            fam_ok |= strncmp(e->id, fam[k].pfx, strlen(fam[k].pfx)) == 0 && e->sid >= fam[k].lo &&
                      e->sid <= fam[k].hi;
        assert_true(cat_ok);
        assert_true(fam_ok);
        assert_non_null(e->title);
        assert_null(strchr(e->title, '\n'));
        json_object *r;
        assert_true(json_object_object_get_ex(rules, e->id, &r));
        /* the effective default severity is the table's */
        assert_int_equal(rules_rule_sev(c, e->id), e->sev);
        for (size_t p = 0; p < e->nparams; p++) {
            json_object *v, *def = json_tokener_parse(e->params[p].def);
            assert_true(json_object_object_get_ex(r, e->params[p].name, &v));
            assert_non_null(def);
            assert_true(json_object_equal(v, def));
            json_object_put(def);
        }
    }
    json_object_put(root);
    free(dump);
    imsec_config_free(c);
}

/* rules/default.json is the rule table's defaults as a file. It is kept
 * by hand (readable layout, reviewed diffs, the template users copy) and
 * checked here rather than generated at build time, which would need a
 * host tool linking every detector before the library exists. Adding a
 * rule means adding its block there; this test names the first JSON path
 * that differs (same keys, same order, same values). */
static bool first_diff(json_object *a, json_object *b, const char *path, char *out, size_t cap)
{
    if (json_object_get_type(a) != json_object_get_type(b)) {
        snprintf(out, cap, "%s: type differs", path);
        return true;
    }
    if (json_object_is_type(a, json_type_object)) {
        struct json_object_iterator ia = json_object_iter_begin(a), ea = json_object_iter_end(a);
        struct json_object_iterator ib = json_object_iter_begin(b), eb = json_object_iter_end(b);
        for (; !json_object_iter_equal(&ia, &ea) || !json_object_iter_equal(&ib, &eb);
             json_object_iter_next(&ia), json_object_iter_next(&ib)) {
            if (json_object_iter_equal(&ia, &ea) || json_object_iter_equal(&ib, &eb)) {
                snprintf(out, cap, "%s: %s", path,
                         json_object_iter_equal(&ia, &ea) ? "the table has more keys"
                                                          : "default.json has more keys");
                return true;
            }
            char p[256];
            snprintf(p, sizeof p, "%s.%s", path, json_object_iter_peek_name(&ia));
            if (strcmp(json_object_iter_peek_name(&ia), json_object_iter_peek_name(&ib)) != 0) {
                snprintf(out, cap, "%s: the table has %s here", p, json_object_iter_peek_name(&ib));
                return true;
            }
            if (first_diff(json_object_iter_peek_value(&ia), json_object_iter_peek_value(&ib), p,
                           out, cap))
                return true;
        }
        return false;
    }
    if (!json_object_equal(a, b)) {
        snprintf(out, cap, "%s: default.json has %s, the table %s", path,
                 json_object_to_json_string(a), json_object_to_json_string(b));
        return true;
    }
    return false;
}

static void test_default_json_is_table(void **state)
{
    (void)state;
    imsec_config *c = new_cfg();
    char *dump = imsec_config_dump_json(c);
    json_object *table = json_tokener_parse(dump);
    json_object *file = json_object_from_file(IMSEC_SOURCE_DIR "/rules/default.json");
    assert_non_null(table);
    assert_non_null(file);
    char why[512];
    if (first_diff(file, table, "rules/default.json", why, sizeof why))
        fail_msg("%s", why);
    json_object_put(file);
    json_object_put(table);
    free(dump);
    imsec_config_free(c);
}

static void test_layering(void **state)
{
    (void)state;
    char err[BIG];
    imsec_config *c = new_cfg();
    assert_int_equal(load(c,
                          "{\"version\":1,\"site\":{\"home_domains\":[\"Home1.NET\"],"
                          "\"ue_prefixes\":[\"10.45.0.0/16\"],"
                          "\"protected_links\":[[\"10.1.0.1\",\"10.1.0.3\"]],"
                          "\"trusted_peers\":[\"peer.example.org\",\"192.0.2.0/24\"]},"
                          "\"rules\":{\"SESS-PARALLEL-LIMIT\":{\"max\":8,\"severity\":\"high\"}}}",
                          err),
                     IMSEC_OK);
    assert_int_equal(load(c,
                          "{\"version\":1,\"site\":{\"ue_prefixes\":[]},"
                          "\"rules\":{\"SESS-PARALLEL-LIMIT\":{\"enabled\":false}}}",
                          err),
                     IMSEC_OK);
    assert_false(rules_rule_enabled(c, "SESS-PARALLEL-LIMIT"));
    assert_int_equal(rules_rule_sev(c, "SESS-PARALLEL-LIMIT"), IMSEC_SEV_HIGH);
    assert_int_equal(rules_param_int(c, "SESS-PARALLEL-LIMIT", "max"), 8);
    const rules_site *s = rules_config_site(c);
    assert_int_equal(s->home_domains.n, 1);
    assert_string_equal(s->home_domains.v[0], "home1.net");
    assert_true(rules_site_home_domain(s, "home1.net", 9));
    assert_true(rules_site_home_domain(s, "pcscf.HOME1.net", 15));
    assert_false(rules_site_home_domain(s, "xhome1.net", 10));
    assert_int_equal(s->ue_prefixes.n, 0); /* replaced by the later file */
    imsec_addr a, b;
    assert_true(imsec_addr_parse("10.1.0.3", 8, &a));
    assert_true(imsec_addr_parse("10.1.0.1", 8, &b));
    assert_true(rules_site_link_protected(s, &a, &b));
    assert_true(rules_site_link_protected(s, &b, &a));
    assert_true(imsec_addr_parse("10.1.0.4", 8, &a));
    assert_false(rules_site_link_protected(s, &a, &b));
    assert_int_equal(s->trusted_peers.domains.n, 1);
    assert_int_equal(s->trusted_peers.prefixes.n, 1);

    /* the dump reloads to the same configuration */
    char *d1 = imsec_config_dump_json(c);
    assert_non_null(d1);
    imsec_config *c2 = new_cfg();
    assert_int_equal(load(c2, d1, err), IMSEC_OK);
    char *d2 = imsec_config_dump_json(c2);
    assert_string_equal(d1, d2);
    free(d1);
    free(d2);
    imsec_config_free(c2);
    imsec_config_free(c);
}

static void test_errors_exact(void **state)
{
    (void)state;
    char err[BIG];
    imsec_config *c = new_cfg();
    const char *bad =
        "{\"version\": 2, \"bogus\": 1,\n"
        " \"site\": {\"ue_prefixes\": [\"10.0.0.0/8\", \"10.1.0.0/16\", \"nope\"],\n"
        "          \"home_domains\": [\"ok.net\", 5], \"colour\": [],\n"
        "          \"internal_prefixes\": \"10.0.0.0/8\",\n"
        "          \"media_anchors\": [\"10.0.0.1/33\"],\n"
        "          \"protected_links\": [[\"10.0.0.1\"], [\"10.0.0.1\", \"x\"]],\n"
        "          \"trusted_peers\": [\"peer.example.net\", \"1.2.3.0/24\", \"bad peer\"]},\n"
        " \"rules\": {\"NOPE\": {}, \"SESS-PARALLEL-LIMIT\": {\"max\": 0, \"enabled\": \"yes\",\n"
        "           \"severity\": \"urgent\", \"foo\": 1},\n"
        "           \"KEY-IMPI-OUTSIDE-REGISTER\": {\"max\": 3}}}\n";
    assert_int_equal(load(c, bad, err), IMSEC_E_CONFIG);
    assert_string_equal(
        err,
        "t.json: version: unsupported version 2 (expected 1)\n"
        "t.json: bogus: unknown key (expected version, site, rules)\n"
        "t.json: site.ue_prefixes[2]: not an IP prefix\n"
        "t.json: site.home_domains[1]: expected a string, got an integer\n"
        "t.json: site.colour: unknown key (expected network, home_domains, internal_prefixes, "
        "ue_prefixes, trusted_peers, media_anchors, protected_links)\n"
        "t.json: site.internal_prefixes: expected an array of IP prefixes, got a string\n"
        "t.json: site.media_anchors[0]: not an IP prefix\n"
        "t.json: site.protected_links[0]: expected a pair [A, B] of addresses or prefixes\n"
        "t.json: site.protected_links[1][1]: not an IP prefix\n"
        "t.json: site.trusted_peers[2]: not an address, prefix or domain name\n"
        "t.json: rules.NOPE: unknown rule id\n"
        "t.json: rules.SESS-PARALLEL-LIMIT.max: 0 is out of range [1, 100000]\n"
        "t.json: rules.SESS-PARALLEL-LIMIT.enabled: expected true or false, got a string\n"
        "t.json: rules.SESS-PARALLEL-LIMIT.severity: bad severity \"urgent\" (expected info, "
        "low, medium, high or critical)\n"
        "t.json: rules.SESS-PARALLEL-LIMIT.foo: unknown key (expected enabled, severity, max)\n"
        "t.json: rules.KEY-IMPI-OUTSIDE-REGISTER.max: unknown key (expected enabled, severity)");
    /* nothing was applied */
    assert_true(rules_rule_enabled(c, "SESS-PARALLEL-LIMIT"));
    assert_int_equal(rules_param_int(c, "SESS-PARALLEL-LIMIT", "max"), 4);

    /* the public API truncates to IMSEC_ERRBUF but says how many */
    char small[IMSEC_ERRBUF];
    assert_int_equal(imsec_config_load_rules_mem(c, "t.json", bad, strlen(bad), small),
                     IMSEC_E_CONFIG);
    assert_true(strlen(small) < IMSEC_ERRBUF);
    assert_non_null(strstr(small, "... (16 errors)"));
    assert_int_equal(strncmp(small, "t.json: version: unsupported version 2", 38), 0);

    struct { const char *in, *msg; } cases[] = {
        {"{\"version\":1,\"rules\":{\"SESS-PARALLEL-LIMIT\":{\"max\":1.5}}}",
         "t.json: rules.SESS-PARALLEL-LIMIT.max: expected an integer, got a number"},
        {"{\"version\":1,\"rules\":{\"SESS-PARALLEL-LIMIT\":{\"max\":99999999999999999999}}}",
         "t.json: rules.SESS-PARALLEL-LIMIT.max: out of range [1, 100000]"},
        {"{\"version\":1,\"rules\":{\"SESS-PARALLEL-LIMIT\":{\"max\":-3}}}",
         "t.json: rules.SESS-PARALLEL-LIMIT.max: -3 is out of range [1, 100000]"},
        {"{\"version\":1,\"rules\":{\"SESS-PARALLEL-LIMIT\":true}}",
         "t.json: rules.SESS-PARALLEL-LIMIT: expected an object, got a boolean"},
        {"{\"version\":1,\"rules\":[]}", "t.json: rules: expected an object, got an array"},
        {"{\"version\":1,\"site\":null}", "t.json: site: expected an object, got null"},
        {"{\"version\":\"1\"}", "t.json: version: expected an integer, got a string"},
        {"{\"site\":{}}", "t.json: version: missing (expected 1)"},
        {"[1]", "t.json: expected a JSON object at the top level, got an array"},
        {"{\"version\":1,\n\"site\":{,}}", "t.json: line 2: JSON syntax error: quoted object property name expected"},
        {"{\"version\":1", "t.json: line 1: JSON syntax error: unexpected end of file"},
        {"{\"version\":1} x", "t.json: line 1: JSON syntax error: unexpected character"},
        {"", "t.json: line 1: JSON syntax error: unexpected end of file"},
        {"{\"version\":1,\"rules\":{\"SESS-PARALLEL-LIMIT\":{\"severity\":\"HIGH\"}}}",
         "t.json: rules.SESS-PARALLEL-LIMIT.severity: bad severity \"HIGH\" (expected info, low, "
         "medium, high or critical)"},
        {"{\"version\":1,\"rules\":{\"SESS\\u0001\":{}}}", "t.json: rules.SESS\\x01: unknown rule id"},
        {"{\"version\":1,\"site\":{\"home_domains\":[\"a..b\"]}}",
         "t.json: site.home_domains[0]: not a domain name"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int rc = load(c, cases[i].in, err);
        if (rc != IMSEC_E_CONFIG || strcmp(err, cases[i].msg) != 0)
            fail_msg("case %zu: rc %d, got \"%s\", want \"%s\"", i, rc, err, cases[i].msg);
    }
    imsec_config_free(c);
}

static void test_files(void **state)
{
    (void)state;
    char err[IMSEC_ERRBUF];
    imsec_config *c = new_cfg();
    assert_int_equal(imsec_config_load_rules(c, "/nonexistent/r.json", err), IMSEC_E_IO);
    assert_string_equal(err, "/nonexistent/r.json: cannot open: No such file or directory");
    char path[] = "/tmp/imsec_rules_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *txt = "{\"version\":1,\"rules\":{\"SESS-PARALLEL-LIMIT\":{\"max\":2}}}\n";
    assert_int_equal(write(fd, txt, strlen(txt)), (ssize_t)strlen(txt));
    close(fd);
    assert_int_equal(imsec_config_load_rules(c, path, err), IMSEC_OK);
    assert_string_equal(err, "");
    assert_int_equal(rules_param_int(c, "SESS-PARALLEL-LIMIT", "max"), 2);
    unlink(path);
    /* the shipped default file itself, loaded as a layer */
    assert_int_equal(imsec_config_load_rules(c, IMSEC_SOURCE_DIR "/rules/default.json", err),
                     IMSEC_OK);
    assert_int_equal(rules_param_int(c, "SESS-PARALLEL-LIMIT", "max"), 4);
    imsec_config_free(c);
}

static void test_prefix(void **state)
{
    (void)state;
    rules_prefix p;
    imsec_addr a;
    char b[RULES_PREFIXSTRLEN];
    assert_true(rules_prefix_parse("10.45.3.7/16", 12, &p));
    assert_string_equal(rules_prefix_str(&p, b), "10.45.0.0/16");
    assert_true(imsec_addr_parse("10.45.200.1", 11, &a));
    assert_true(rules_prefix_match(&p, &a));
    assert_true(imsec_addr_parse("10.46.0.1", 9, &a));
    assert_false(rules_prefix_match(&p, &a));
    assert_true(rules_prefix_parse("10.0.0.1", 8, &p));
    assert_int_equal(p.len, 32);
    assert_string_equal(rules_prefix_str(&p, b), "10.0.0.1");
    assert_true(rules_prefix_parse("2001:db8::/33", 13, &p));
    assert_true(imsec_addr_parse("2001:db8:7fff::1", 16, &a));
    assert_true(rules_prefix_match(&p, &a));
    assert_true(imsec_addr_parse("2001:db8:8000::1", 16, &a));
    assert_false(rules_prefix_match(&p, &a));
    assert_true(imsec_addr_parse("10.0.0.1", 8, &a));
    assert_false(rules_prefix_match(&p, &a)); /* family differs */
    assert_true(rules_prefix_parse("0.0.0.0/0", 9, &p));
    assert_true(rules_prefix_match(&p, &a));
    assert_true(rules_prefix_parse("10.1.2.3/31", 11, &p));
    assert_string_equal(rules_prefix_str(&p, b), "10.1.2.2/31");
    const char *bad[] = {"", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/08", "10.0.0.0/ 8",
                         "10.0.0.0/8x", "::/129", "10.0.0", "host", "10.0.0.0/-1", "10.0.0.0/1234"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (rules_prefix_parse(bad[i], strlen(bad[i]), &p))
            fail_msg("accepted \"%s\"", bad[i]);
}

static void test_redact(void **state)
{
    (void)state;
    imsec_config *c = new_cfg();
    char b[128];
    const char *ck = "00112233445566778899aabbccddeeff";
    assert_string_equal(rules_redact_hex(c, "ck", ck, 32, b, sizeof b), "ck=<redacted 32 hex>");
    imsec_config_set_show_secrets(c, true);
    assert_string_equal(rules_redact_hex(c, "ck", ck, 32, b, sizeof b),
                        "ck=00112233445566778899aabbccddeeff");
    assert_string_equal(rules_redact_hex(c, "ik", "\x1b[2J", 4, b, sizeof b), "ik=\\x1b[2J");
    imsec_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_loads), cmocka_unit_test(test_table_consistent),
        cmocka_unit_test(test_default_json_is_table),
        cmocka_unit_test(test_layering),      cmocka_unit_test(test_errors_exact),
        cmocka_unit_test(test_files),         cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_redact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
