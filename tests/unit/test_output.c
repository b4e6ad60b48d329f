/* Sinks: EVE lines byte-exact against interface.md, validity under hostile
 * bytes, terminal escaping, text blocks, summary and the dialogs table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/eve.h"
#include "output/out.h"
#include "output/text.h"

typedef struct {
    char *p;
    size_t len, cap;
} membuf;

static int mem_write(void *ud, const char *p, size_t n)
{
    membuf *m = ud;
    if (m->len + n + 1 > m->cap) {
        size_t nc = (m->len + n + 1) * 2;
        char *np = realloc(m->p, nc);
        if (!np)
            return IMSEC_E_NOMEM;
        m->p = np;
        m->cap = nc;
    }
    memcpy(m->p + m->len, p, n);
    m->len += n;
    m->p[m->len] = '\0';
    return 0;
}

static void mem_writer(out_writer *w, membuf *m)
{
    memset(m, 0, sizeof *m);
    w->write = mem_write;
    w->ud = m;
    w->err = 0;
}

static const imsec_ts T0 = {994759200, 123456}; /* 2001-07-10 10:00:00.123456 UTC */

static void example_finding(imsec_finding *f)
{
    memset(f, 0, sizeof *f);
    f->rule = "KEY-UNPROTECTED-AFTER-SA";
    f->sid = 1001;
    f->title = "SIP sent outside the established SAs";
    f->category = "ims-key-setup";
    f->sev = IMSEC_SEV_HIGH;
    f->ts = T0;
    f->has_tuple = true;
    assert_true(imsec_addr_parse("10.1.0.10", 9, &f->tuple.src));
    assert_true(imsec_addr_parse("10.1.0.1", 8, &f->tuple.dst));
    f->tuple.sport = 5060;
    f->tuple.dport = 5060;
    f->tuple.proto = IMSEC_PROTO_UDP;
    f->nframes = 2;
    f->frames[0] = 14;
    f->frames[1] = 22;
    f->trigger_frame = 14;
    strcpy(f->impi, "user1@home1.net");
    strcpy(f->impu, "sip:user1@home1.net");
    strcpy(f->call_id, "123456789@10.1.0.10");
    strcpy(f->sa, "0x1001/0x2002");
    strcpy(f->reason, "REGISTER from UE 10.1.0.10:5060 outside SA 0x1001/0x2002 agreed in frame 9");
}

static json_object *parse_strict(const char *s, size_t n)
{
    json_tokener *tok = json_tokener_new();
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    json_object *o = json_tokener_parse_ex(tok, s, (int)n);
    if (json_tokener_get_error(tok) != json_tokener_success) {
        json_object_put(o);
        o = NULL;
    }
    json_tokener_free(tok);
    return o;
}

/* Every line is valid strict JSON and has no raw control byte. */
static void check_lines(const char *buf)
{
    const char *p = buf;
    while (*p) {
        const char *nl = strchr(p, '\n');
        assert_non_null(nl);
        for (const char *q = p; q < nl; q++)
            assert_true((unsigned char)*q >= 0x20);
        json_object *o = parse_strict(p, (size_t)(nl - p));
        assert_non_null(o);
        json_object_put(o);
        p = nl + 1;
    }
}

static void test_eve_finding_golden(void **state)
{
    (void)state;
    imsec_finding f;
    example_finding(&f);
    out_writer w;
    membuf m;
    mem_writer(&w, &m);
    assert_int_equal(eve_finding(&w, &f), 0);
    assert_string_equal(
        m.p,
        "{\"timestamp\":\"2001-07-10T10:00:00.123456+0000\",\"event_type\":\"alert\","
        "\"src_ip\":\"10.1.0.10\",\"src_port\":5060,\"dest_ip\":\"10.1.0.1\",\"dest_port\":5060,"
        "\"proto\":\"UDP\",\"app_proto\":\"sip\","
        "\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":1001,\"rev\":1,"
        "\"signature\":\"KEY-UNPROTECTED-AFTER-SA SIP sent outside the established SAs\","
        "\"category\":\"ims-key-setup\",\"severity\":1},"
        "\"imsec\":{\"rule\":\"KEY-UNPROTECTED-AFTER-SA\",\"severity\":\"high\",\"frames\":[14,22],\"trigger_frame\":14,"
        "\"reason\":\"REGISTER from UE 10.1.0.10:5060 outside SA 0x1001/0x2002 agreed in frame 9\","
        "\"subject\":{\"impi\":\"user1@home1.net\",\"impu\":\"sip:user1@home1.net\","
        "\"call_id\":\"123456789@10.1.0.10\",\"sa\":\"0x1001/0x2002\"}}}\n");
    check_lines(m.p);

    /* only non-empty subject fields; medium -> 2, low/info -> 3; IPv6; ESP without ports */
    free(m.p);
    mem_writer(&w, &m);
    f.impu[0] = f.sa[0] = '\0';
    f.sev = IMSEC_SEV_MEDIUM;
    assert_int_equal(eve_finding(&w, &f), 0);
    assert_non_null(strstr(m.p, "\"subject\":{\"impi\":\"user1@home1.net\",\"call_id\":\"123456789@10.1.0.10\"}}}\n"));
    assert_non_null(strstr(m.p, "\"severity\":2}"));
    f.impi[0] = f.call_id[0] = '\0';
    f.sev = IMSEC_SEV_INFO;
    f.tuple.proto = IMSEC_PROTO_ESP;
    assert_true(imsec_addr_parse("2001:db8::1", 11, &f.tuple.src));
    assert_int_equal(eve_finding(&w, &f), 0);
    const char *second = strchr(m.p, '\n') + 1;
    assert_non_null(strstr(second, "\"src_ip\":\"2001:db8::1\",\"dest_ip\":\"10.1.0.1\",\"proto\":\"ESP\",\"app_proto\":\"esp\""));
    assert_null(strstr(second, "subject"));
    assert_non_null(strstr(second, "\"severity\":3}"));
    f.has_tuple = false;
    assert_int_equal(eve_finding(&w, &f), 0);
    second = strchr(m.p, '\n') + 1; /* m.p may have moved */
    const char *third = strchr(second, '\n') + 1;
    assert_int_equal(strncmp(third, "{\"timestamp\":\"2001-07-10T10:00:00.123456+0000\",\"event_type\":\"alert\",\"alert\":", 76), 0);
    check_lines(m.p);
    free(m.p);
}

static void test_eve_hostile_bytes(void **state)
{
    (void)state;
    static const char hostile[] = "a\x01\"\\/\n\r\t\x7f\xff\xc3(\xed\xa0\x80\xe2\x82" "end";
    imsec_finding f;
    example_finding(&f);
    memcpy(f.impi, hostile, sizeof hostile);
    memcpy(f.impu, hostile, sizeof hostile);
    memcpy(f.call_id, hostile, sizeof hostile);
    memcpy(f.sa, hostile, sizeof hostile);
    memcpy(f.reason, hostile, sizeof hostile);
    /* fields filled to capacity, without a NUL */
    memset(f.call_id, 0xff, sizeof f.call_id);
    out_writer w;
    membuf m;
    mem_writer(&w, &m);
    assert_int_equal(eve_finding(&w, &f), 0);
    check_lines(m.p);
    char clean[3 * sizeof hostile];
    size_t cl = out_utf8_sanitize(hostile, sizeof hostile - 1, clean);
    json_object *o = parse_strict(m.p, m.len - 1), *im, *su, *v;
    assert_non_null(o);
    assert_true(json_object_object_get_ex(o, "imsec", &im));
    assert_true(json_object_object_get_ex(im, "reason", &v));
    assert_int_equal(json_object_get_string_len(v), (int)cl);
    assert_memory_equal(json_object_get_string(v), clean, cl);
    assert_true(json_object_object_get_ex(im, "subject", &su));
    assert_true(json_object_object_get_ex(su, "impi", &v));
    assert_memory_equal(json_object_get_string(v), clean, cl);
    assert_true(json_object_object_get_ex(su, "call_id", &v));
    assert_int_equal(json_object_get_string_len(v), 3 * IMSEC_SUBJ_LEN);
    json_object_put(o);

    imsec_reg_rec r;
    memset(&r, 0xff, sizeof r);
    r.state = "registered";
    r.nimpus = 99;
    r.ncall_ids = 99;
    r.nevents = 99;
    for (int i = 0; i < IMSEC_REC_MAX_REG_EVENTS; i++)
        r.events[i].what = "registered";
    imsec_dialog_rec d;
    memset(&d, 0x80, sizeof d);
    d.state = NULL;
    d.protected_any = false; /* a bool must hold 0 or 1 (UBSan) */
    imsec_txn_rec x;
    memset(&x, 0x01, sizeof x);
    assert_int_equal(eve_registration(&w, &r), 0);
    assert_int_equal(eve_dialog(&w, &d), 0);
    assert_int_equal(eve_txn(&w, &x), 0);
    check_lines(m.p);
    free(m.p);
}

static void test_eve_records_golden(void **state)
{
    (void)state;
    out_writer w;
    membuf m;
    mem_writer(&w, &m);
    imsec_reg_rec r;
    memset(&r, 0, sizeof r);
    strcpy(r.impi, "user1@home1.net");
    strcpy(r.impus[0], "sip:user1@home1.net");
    strcpy(r.impus[1], "tel:+1234");
    r.nimpus = 2;
    strcpy(r.contact, "sip:user1@10.1.0.10:5060");
    strcpy(r.pcscf, "sip:pcscf.home1.net");
    r.state = "registered";
    r.expires = 600000;
    strcpy(r.sec_mech, "ipsec-3gpp");
    r.first_frame = 1;
    r.last_frame = 9;
    r.start = T0;
    r.end = (imsec_ts){T0.sec + 2, 5};
    r.sip_messages = 6;
    r.ncall_ids = 2;
    strcpy(r.call_ids[0], "a@1");
    r.call_id_msgs[0] = 4;
    strcpy(r.call_ids[1], "b@1");
    r.call_id_msgs[1] = 2;
    assert_int_equal(eve_registration(&w, &r), 0);
    assert_string_equal(
        m.p,
        "{\"timestamp\":\"2001-07-10T10:00:00.123456+0000\",\"event_type\":\"ims_registration\","
        "\"ims_registration\":{\"impi\":\"user1@home1.net\",\"impus\":[\"sip:user1@home1.net\","
        "\"tel:+1234\"],\"contact\":\"sip:user1@10.1.0.10:5060\",\"pcscf\":\"sip:pcscf.home1.net\","
        "\"state\":\"registered\",\"expires\":600000,\"sec_mech\":\"ipsec-3gpp\",\"first_frame\":1,"
        "\"last_frame\":9,\"start\":\"2001-07-10T10:00:00.123456+0000\","
        "\"end\":\"2001-07-10T10:00:02.000005+0000\",\"sip_messages\":6,"
        "\"call_ids\":[{\"call_id\":\"a@1\",\"sip_messages\":4},{\"call_id\":\"b@1\",\"sip_messages\":2}]}}\n");
    free(m.p);

    mem_writer(&w, &m);
    imsec_dialog_rec d;
    memset(&d, 0, sizeof d);
    strcpy(d.call_id, "c1@10.1.0.10");
    strcpy(d.from, "sip:alice@home1.net");
    strcpy(d.to, "sip:bob@home1.net");
    strcpy(d.method, "INVITE");
    d.state = "confirmed";
    d.first_frame = 20;
    d.last_frame = 31;
    d.start = T0;
    d.end = T0;
    d.sip_messages = 7;
    d.final_status = 200;
    d.protected_any = true;
    strcpy(d.caller_media, "10.45.0.2:4000");
    assert_int_equal(eve_dialog(&w, &d), 0);
    imsec_txn_rec x;
    memset(&x, 0, sizeof x);
    strcpy(x.call_id, "o1");
    strcpy(x.method, "OPTIONS");
    x.first_frame = 3;
    x.last_frame = 4;
    x.sip_messages = 2;
    assert_int_equal(eve_txn(&w, &x), 0);
    assert_string_equal(
        m.p,
        "{\"timestamp\":\"2001-07-10T10:00:00.123456+0000\",\"event_type\":\"sip_dialog\","
        "\"sip_dialog\":{\"call_id\":\"c1@10.1.0.10\",\"method\":\"INVITE\","
        "\"from\":\"sip:alice@home1.net\",\"to\":\"sip:bob@home1.net\",\"state\":\"confirmed\","
        "\"final_status\":200,\"first_frame\":20,\"last_frame\":31,"
        "\"start\":\"2001-07-10T10:00:00.123456+0000\",\"end\":\"2001-07-10T10:00:00.123456+0000\","
        "\"sip_messages\":7,\"protected\":true,\"caller_media\":\"10.45.0.2:4000\"}}\n"
        "{\"event_type\":\"sip_txn\",\"sip_txn\":{\"call_id\":\"o1\",\"method\":\"OPTIONS\","
        "\"first_frame\":3,\"last_frame\":4,\"sip_messages\":2}}\n");
    free(m.p);
}

static void test_eve_stats_golden(void **state)
{
    (void)state;
    imsec_stats s;
    memset(&s, 0, sizeof s);
    s.frames = 38;
    s.bytes = 9120;
    s.sip_messages = 21;
    s.dialogs = 3;
    s.tcp_gaps = 1;
    s.ev_calls = 2;
    s.udp = 30;
    s.findings = 1;
    s.esp_packets = UINT64_MAX;
    out_writer w;
    membuf m;
    mem_writer(&w, &m);
    assert_int_equal(eve_stats(&w, &s), 0);
    assert_string_equal(
        m.p,
        "{\"event_type\":\"stats\",\"stats\":{\"frames\":38,\"bytes\":9120,\"sip_messages\":21,"
        "\"dialogs\":3,\"registrations\":0,\"sas\":0,\"idle_rules\":[],"
        "\"esp\":{\"packets\":18446744073709551615,\"decrypted\":0,\"integrity_failed\":0,\"unknown_spi\":0,\"null_decoded\":0},"
        "\"anomalies\":{\"truncated\":0,\"malformed_sip\":0,\"malformed_ip\":0,\"unsupported_link\":0,"
        "\"tcp_gaps\":1,\"tcp_resync\":0,\"frag_overlaps\":0,\"tcp_overlaps\":0,\"frag_timeouts\":0,\"sip_limit\":0},"
        "\"evictions\":{\"dialogs\":0,\"registrations\":0,\"tcp_flows\":0,\"fragments\":0,\"calls\":2},"
        "\"findings\":1,\"transport\":{\"udp\":30,\"tcp\":0,\"sctp\":0,\"tls\":0,\"other\":0},"
        "\"ip\":{\"fragments\":0,\"reassembled\":0}}}\n");
    free(m.p);
}

static void test_utf8_sanitize(void **state)
{
    (void)state;
    static const struct { const char *in; size_t n; const char *out; } cases[] = {
        {"abc", 3, "abc"},
        {"\xc3\xa9", 2, "\xc3\xa9"},
        {"\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80"},
        {"\xef\xbf\xbd", 3, "\xef\xbf\xbd"},
        {"\xc3", 1, "\xef\xbf\xbd"},
        {"\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd"},
        {"\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        {"\xf4\x90\x80\x80", 4, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        {"\xe2\x82" "A", 3, "\xef\xbf\xbd" "A"},
        {"\xf0\x9f\x98", 3, "\xef\xbf\xbd"},
        {"\xff\xfe", 2, "\xef\xbf\xbd\xef\xbf\xbd"},
        {"\x80", 1, "\xef\xbf\xbd"},
        {"a\0b", 3, "a\0b"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[64];
        size_t n = out_utf8_sanitize(cases[i].in, cases[i].n, out);
        size_t want = cases[i].n == 3 && i == 12 ? 3 : strlen(cases[i].out);
        if (n != want || memcmp(out, cases[i].out, n) != 0)
            fail_msg("case %zu", i);
    }
    /* every byte value alone, and every pair: output is always valid UTF-8 */
    for (unsigned a = 0; a < 256; a++)
        for (unsigned b = 0; b < 256; b++) {
            char in[2] = {(char)a, (char)b}, out[6];
            size_t n = out_utf8_sanitize(in, 2, out);
            json_object *o = json_object_new_string_len(out, (int)n);
            const char *js = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
            json_object *back = parse_strict(js, strlen(js));
            assert_non_null(back);
            json_object_put(back);
            json_object_put(o);
        }
}

static void test_escape_and_helpers(void **state)
{
    (void)state;
    char b[64];
    assert_string_equal(out_escape("ok \x1b[31m\n\\\xff", 11, b, sizeof b), "ok \\x1b[31m\\x0a\\\\\\xff");
    assert_string_equal(out_escape("abcdefghij", 10, b, 8), "abcd...");
    assert_string_equal(out_escape("abc", 3, b, 4), "abc");
    assert_string_equal(out_escape("\x01\x02\x03", 3, b, 8), "\\x01...");
    assert_string_equal(out_escape("\x01\x02\x03", 3, b, 7), "...");
    for (size_t cap = 1; cap < 20; cap++) {
        out_escape("\x01\x02\x03\x04" "abcdef", 10, b, cap);
        assert_true(strlen(b) < cap);
    }
    char ts[OUT_TSLEN];
    assert_string_equal(out_ts_iso(T0, ts), "2001-07-10T10:00:00.123456+0000");
    assert_string_equal(out_ts_text(T0, ts), "2001-07-10 10:00:00.123456");
    assert_string_equal(out_ts_iso((imsec_ts){-5, 7}, ts), "1970-01-01T00:00:00.000000+0000");
    assert_string_equal(out_ts_iso((imsec_ts){INT64_MAX, 9999999}, ts), "1970-01-01T00:00:00.000000+0000");
    char r[96];
    assert_string_equal(out_redact_hex("ck", "00112233445566778899aabbccddeeff", 32, false, r, sizeof r),
                        "ck=<redacted 32 hex>");
    assert_string_equal(out_redact_hex("ck", "0011", 4, true, r, sizeof r), "ck=0011");
    char pb[8];
    assert_string_equal(out_proto_str(99, pb), "99");
}

static void test_text_finding_and_summary(void **state)
{
    (void)state;
    imsec_finding f;
    example_finding(&f);
    out_writer w;
    membuf m;
    mem_writer(&w, &m);
    text_ctx t;
    text_init(&t, &w, false);
    assert_int_equal(text_finding(&t, &f), 0);
    f.sev = IMSEC_SEV_CRITICAL;
    f.rule = "KEY-CK-IK-EXPOSED";
    strcpy(f.reason, "401 with ck=<redacted 32 hex>\x1b[2J\r\nfake line");
    f.impu[0] = f.call_id[0] = f.sa[0] = '\0';
    f.nframes = 1;
    f.has_tuple = true;
    assert_true(imsec_addr_parse("2001:db8::1", 11, &f.tuple.src));
    f.tuple.proto = IMSEC_PROTO_TCP;
    assert_int_equal(text_finding(&t, &f), 0);
    f.rule = "KEY-UNPROTECTED-AFTER-SA";
    f.sev = IMSEC_SEV_HIGH;
    f.has_tuple = false;
    f.nframes = 0;
    assert_int_equal(text_finding(&t, &f), 0);
    imsec_stats s;
    memset(&s, 0, sizeof s);
    s.frames = 38;
    s.bytes = 9120;
    s.sip_messages = 21;
    s.dialogs = 3;
    s.truncated = 1;
    s.unsupported_link = 2;
    s.first_unsupported_link = 147;
    s.ev_dialogs = 5;
    const char *damage[] = {"cap.pcap: truncated at frame 38\x07"};
    assert_int_equal(text_summary(&t, &s, damage, 1), 0);
    assert_string_equal(
        m.p,
        "[HIGH] KEY-UNPROTECTED-AFTER-SA  frame 14  2001-07-10 10:00:00.123456  10.1.0.10:5060 -> 10.1.0.1:5060 UDP\n"
        "    reason: REGISTER from UE 10.1.0.10:5060 outside SA 0x1001/0x2002 agreed in frame 9\n"
        "    impi: user1@home1.net\n"
        "    impu: sip:user1@home1.net\n"
        "    call-id: 123456789@10.1.0.10\n"
        "    sa: 0x1001/0x2002\n"
        "    evidence frames: 14, 22\n"
        "\n"
        "[CRITICAL] KEY-CK-IK-EXPOSED  frame 14  2001-07-10 10:00:00.123456  [2001:db8::1]:5060 -> 10.1.0.1:5060 TCP\n"
        "    reason: 401 with ck=<redacted 32 hex>\\x1b[2J\\x0d\\x0afake line\n"
        "    impi: user1@home1.net\n"
        "    evidence frames: 14\n"
        "\n"
        "[HIGH] KEY-UNPROTECTED-AFTER-SA  frame 14  2001-07-10 10:00:00.123456\n"
        "    reason: 401 with ck=<redacted 32 hex>\\x1b[2J\\x0d\\x0afake line\n"
        "    impi: user1@home1.net\n"
        "\n"
        "Summary\n"
        "  frames: 38  bytes: 9120  SIP messages: 21\n"
        "  dialogs: 3  registrations: 0  SAs: 0\n"
        "  ESP: 0 packets, 0 decrypted, 0 ESP-NULL decoded, 0 integrity failed, 0 unknown SPI\n"
        "  findings: 3 (critical 1, high 2, medium 0, low 0, info 0)\n"
        "    KEY-CK-IK-EXPOSED                critical 1\n"
        "    KEY-UNPROTECTED-AFTER-SA         high     2\n"
        "  anomalies: truncated 1, unsupported link 2\n"
        "    (first unsupported link type: 147)\n"
        "  evictions: dialogs 5\n"
        "  damage: cap.pcap: truncated at frame 38\\x07\n");
    free(m.p);

    /* colour only when asked */
    mem_writer(&w, &m);
    text_init(&t, &w, true);
    assert_int_equal(text_finding(&t, &f), 0);
    assert_int_equal(strncmp(m.p, "\033[31m[HIGH]\033[0m KEY-UNPROTECTED-AFTER-SA", 40), 0);
    free(m.p);
    text_fini(&t);
}

static void test_text_table(void **state)
{
    (void)state;
    out_writer w;
    membuf m;
    mem_writer(&w, &m);
    text_ctx t;
    text_init(&t, &w, false);
    imsec_dialog_rec d;
    memset(&d, 0, sizeof d);
    strcpy(d.call_id, "c1@10.1.0.10");
    strcpy(d.from, "sip:alice@home1.net");
    strcpy(d.to, "sip:bob@home1.net\n");
    strcpy(d.method, "INVITE");
    d.state = "confirmed";
    d.first_frame = 20;
    d.last_frame = 31;
    d.sip_messages = 7;
    d.final_status = 200;
    assert_int_equal(text_dialog(&t, &d), 0); /* arrives before the registration */
    imsec_reg_rec r;
    memset(&r, 0, sizeof r);
    strcpy(r.impi, "user1@home1.net");
    strcpy(r.impus[0], "sip:user1@home1.net");
    r.nimpus = 1;
    r.state = "registered";
    r.expires = 600;
    r.first_frame = 1;
    r.last_frame = 9;
    r.sip_messages = 4;
    r.ncall_ids = 1;
    strcpy(r.call_ids[0], "a@1");
    r.call_id_msgs[0] = 4;
    assert_int_equal(text_registration(&t, &r), 0);
    imsec_txn_rec x;
    memset(&x, 0, sizeof x);
    strcpy(x.call_id, "o1");
    strcpy(x.method, "OPTIONS");
    x.first_frame = x.last_frame = 3;
    x.sip_messages = 1;
    assert_int_equal(text_txn(&t, &x), 0);
    assert_int_equal(text_table_flush(&t), 0);
    assert_string_equal(
        m.p,
        "Registrations (1)\n"
        "  IMPI                             STATE        FRAMES          MSGS\n"
        "  user1@home1.net                  registered   1-9                4  expires 600\n"
        "      impu sip:user1@home1.net\n"
        "      call-id a@1 (4 messages)\n"
        "\n"
        "Dialogs (1)\n"
        "  CALL-ID                          METHOD    STATE       ST FRAMES          MSGS\n"
        "  c1@10.1.0.10                     INVITE    confirmed  200 20-31              7\n"
        "      sip:alice@home1.net -> sip:bob@home1.net\\x0a\n"
        "\n"
        "Other Call-IDs (1)\n"
        "  CALL-ID                          METHOD    FRAMES          MSGS\n"
        "  o1                               OPTIONS   3                  1\n");
    free(m.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eve_finding_golden), cmocka_unit_test(test_eve_hostile_bytes),
        cmocka_unit_test(test_eve_records_golden), cmocka_unit_test(test_eve_stats_golden),
        cmocka_unit_test(test_utf8_sanitize),      cmocka_unit_test(test_escape_and_helpers),
        cmocka_unit_test(test_text_finding_and_summary), cmocka_unit_test(test_text_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
