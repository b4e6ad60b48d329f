/* Unit tests for capture/cap_file: pcaps written with libpcap's pcap_dump,
 * a hand-built pcapng, ordering by first timestamp, damage, bad inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "capture/cap_file.h"

static char g_dir[256];

static const char *tpath(const char *name)
{
    static char buf[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", g_dir, name);
    return buf[k];
}

/* Writes a pcap with n packets; packet i has ts (sec0 + i, 10*i us) and
 * bytes {tag, i, i, ...} of length 20 + i. */
static void write_pcap(const char *path, int linktype, int64_t sec0, int n, uint8_t tag)
{
    pcap_t *dead = pcap_open_dead(linktype, 65535);
    assert_non_null(dead);
    pcap_dumper_t *dp = pcap_dump_open(dead, path);
    assert_non_null(dp);
    for (int i = 0; i < n; i++) {
        uint8_t b[64];
        memset(b, i, sizeof b);
        b[0] = tag;
        struct pcap_pkthdr h;
        memset(&h, 0, sizeof h);
        h.ts.tv_sec = (time_t)(sec0 + i);
        h.ts.tv_usec = 10 * i;
        h.caplen = h.len = (bpf_u_int32)(20 + i);
        pcap_dump((u_char *)dp, &h, b);
    }
    pcap_dump_close(dp);
    pcap_close(dead);
}

static int setup(void **st)
{
    (void)st;
    snprintf(g_dir, sizeof g_dir, "/tmp/imsec_test_cap_XXXXXX");
    assert_non_null(mkdtemp(g_dir));
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    char cmd[512];
    if (getenv("IMSEC_KEEP_TMP"))
        return 0;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_order_and_numbering(void **st)
{
    (void)st;
    write_pcap(tpath("a.pcap"), 1, 300, 2, 'a');
    write_pcap(tpath("b.pcap"), 1, 100, 3, 'b');
    write_pcap(tpath("c.pcap"), 228, 200, 1, 'c');
    write_pcap(tpath("d.pcap"), 1, 100, 1, 'd'); /* ties with b: argument order */
    write_pcap(tpath("e.pcap"), 1, 0, 0, 'e');   /* empty */
    const char *paths[] = {tpath("e.pcap"), tpath("a.pcap"), tpath("b.pcap"), tpath("c.pcap"),
                           tpath("d.pcap")};
    char err[IMSEC_ERRBUF];
    cap_file_set *s = cap_file_open(paths, 5, err);
    assert_non_null(s);
    assert_true(cap_file_bytes_total(s) > 0);
    static const char want_tag[] = "bbbdcaa";
    static const int want_lt[] = {1, 1, 1, 1, 228, 1, 1};
    static const int64_t want_sec[] = {100, 101, 102, 100, 200, 300, 301};
    imsec_frame f;
    for (int i = 0; i < 7; i++) {
        assert_int_equal(cap_file_next(s, &f), 1);
        assert_int_equal(f.frame_no, (uint64_t)i + 1);
        assert_int_equal(f.data[0], want_tag[i]);
        assert_int_equal(f.linktype, want_lt[i]);
        assert_int_equal(f.ts.sec, want_sec[i]);
        assert_int_equal(f.caplen, 20 + (want_sec[i] % 100));
        assert_int_equal(f.ts.usec, 10 * (want_sec[i] % 100));
    }
    assert_int_equal(cap_file_next(s, &f), 0);
    assert_int_equal(cap_file_next(s, &f), 0);
    uint32_t nd;
    assert_string_equal(cap_file_damage(s, &nd), "");
    assert_int_equal(nd, 0);
    assert_int_equal(cap_file_bytes_read(s), cap_file_bytes_total(s));
    cap_file_close(s);
}

static void test_truncated(void **st)
{
    (void)st;
    write_pcap(tpath("t.pcap"), 1, 10, 3, 't');
    write_pcap(tpath("u.pcap"), 1, 50, 2, 'u');
    /* cut the last packet of t.pcap in half */
    FILE *fp = fopen(tpath("t.pcap"), "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long sz = ftell(fp);
    fclose(fp);
    assert_int_equal(truncate(tpath("t.pcap"), sz - 10), 0);
    const char *paths[] = {tpath("u.pcap"), tpath("t.pcap")};
    char err[IMSEC_ERRBUF];
    cap_file_set *s = cap_file_open(paths, 2, err);
    assert_non_null(s);
    imsec_frame f;
    int n = 0;
    char tags[8] = {0};
    while (cap_file_next(s, &f) == 1)
        tags[n++] = (char)f.data[0];
    assert_string_equal(tags, "ttuu");
    uint32_t nd;
    const char *dmg = cap_file_damage(s, &nd);
    assert_int_equal(nd, 1);
    assert_non_null(strstr(dmg, "t.pcap: truncated after frame 2: "));
    assert_null(strchr(dmg, '\n'));
    cap_file_close(s);

    /* A file cut inside its first packet: read nothing from it, go on. */
    write_pcap(tpath("v.pcap"), 1, 5, 1, 'v');
    assert_int_equal(truncate(tpath("v.pcap"), 24 + 16 + 3), 0);
    const char *p2[] = {tpath("v.pcap"), tpath("u.pcap")};
    s = cap_file_open(p2, 2, err);
    assert_non_null(s);
    n = 0;
    while (cap_file_next(s, &f) == 1)
        n++;
    assert_int_equal(n, 2);
    assert_non_null(strstr(cap_file_damage(s, &nd), "v.pcap: truncated after frame 0"));
    assert_int_equal(nd, 1);
    cap_file_close(s);
}

static void put_le32(FILE *fp, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    fwrite(b, 1, 4, fp);
}
static void put_le16(FILE *fp, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    fwrite(b, 1, 2, fp);
}

/* pcapng (draft-ietf-opsawg-pcapng): SHB, IDB (LINKTYPE_RAW, default
 * microsecond resolution), two EPBs. */
static void write_pcapng(const char *path)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    put_le32(fp, 0x0a0d0d0a);
    put_le32(fp, 28);
    put_le32(fp, 0x1a2b3c4d);
    put_le16(fp, 1);
    put_le16(fp, 0);
    put_le32(fp, 0xffffffff);
    put_le32(fp, 0xffffffff);
    put_le32(fp, 28);
    put_le32(fp, 1); /* IDB */
    put_le32(fp, 20);
    put_le16(fp, 101);
    put_le16(fp, 0);
    put_le32(fp, 0);
    put_le32(fp, 20);
    for (uint32_t i = 0; i < 2; i++) {
        uint64_t ts = (uint64_t)(1000 + i) * 1000000u + 250u;
        uint32_t len = 5 + i, padded = (len + 3) / 4 * 4, blen = 32 + padded;
        put_le32(fp, 6); /* EPB */
        put_le32(fp, blen);
        put_le32(fp, 0);
        put_le32(fp, (uint32_t)(ts >> 32));
        put_le32(fp, (uint32_t)ts);
        put_le32(fp, len);
        put_le32(fp, len + 100);
        for (uint32_t k = 0; k < padded; k++)
            fputc(k < len ? 'p' + (int)i : 0, fp);
        put_le32(fp, blen);
    }
    fclose(fp);
}

static void test_pcapng(void **st)
{
    (void)st;
    write_pcapng(tpath("n.pcapng"));
    write_pcap(tpath("early.pcap"), 1, 500, 1, 'e');
    const char *paths[] = {tpath("n.pcapng"), tpath("early.pcap")};
    char err[IMSEC_ERRBUF];
    cap_file_set *s = cap_file_open(paths, 2, err);
    assert_non_null(s);
    imsec_frame f;
    assert_int_equal(cap_file_next(s, &f), 1);
    assert_int_equal(f.data[0], 'e');
    assert_int_equal(cap_file_next(s, &f), 1);
    assert_int_equal(f.frame_no, 2);
    assert_true(f.linktype == 101 || f.linktype == 12); /* libpcap maps LINKTYPE_RAW to DLT_RAW */
    assert_int_equal(f.ts.sec, 1000);
    assert_int_equal(f.ts.usec, 250);
    assert_int_equal(f.caplen, 5);
    assert_int_equal(f.wirelen, 105);
    assert_memory_equal(f.data, "ppppp", 5);
    assert_int_equal(cap_file_next(s, &f), 1);
    assert_int_equal(f.ts.sec, 1001);
    assert_memory_equal(f.data, "qqqqqq", 6);
    assert_int_equal(cap_file_next(s, &f), 0);
    cap_file_close(s);
}

static void test_bad_inputs(void **st)
{
    (void)st;
    char err[IMSEC_ERRBUF];
    FILE *fp = fopen(tpath("junk.txt"), "wb");
    assert_non_null(fp);
    fputs("this is not a capture file at all, sorry\n", fp);
    fclose(fp);
    write_pcap(tpath("ok.pcap"), 1, 1, 1, 'o');
    const char *p1[] = {tpath("ok.pcap"), tpath("junk.txt")};
    assert_null(cap_file_open(p1, 2, err));
    assert_non_null(strstr(err, "junk.txt"));
    assert_null(strchr(err, '\n'));
    const char *p2[] = {tpath("missing.pcap")};
    assert_null(cap_file_open(p2, 1, err));
    assert_non_null(strstr(err, "missing.pcap"));
    /* no files: an empty source */
    cap_file_set *s = cap_file_open(NULL, 0, err);
    assert_non_null(s);
    imsec_frame f;
    assert_int_equal(cap_file_next(s, &f), 0);
    cap_file_close(s);
    cap_file_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_numbering),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_pcapng),
        cmocka_unit_test(test_bad_inputs),
    };
    int r = cmocka_run_group_tests(tests, setup, teardown);
    return r;
}
