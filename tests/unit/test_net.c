/* Unit tests for net: link layers, IPv4/IPv6, fragments, UDP/TCP/SCTP/ESP.
 * Packets are built here byte by byte; every decoder test also decodes each
 * prefix of its frame from a guard-page copy (no crash, no delivery of a
 * cut packet, truncated counted). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/net.h"
#include "net/net_frag.h"
#include "testutil.h"

/* ---- packet builder ------------------------------------------------------- */

typedef struct {
    uint8_t b[70000];
    uint32_t n;
} pkt;

static void put8(pkt *p, unsigned v) { p->b[p->n++] = (uint8_t)v; }
static void put16(pkt *p, unsigned v)
{
    put8(p, v >> 8);
    put8(p, v);
}
static void put32(pkt *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p, v & 0xffff);
}
static void putb(pkt *p, const void *d, size_t n)
{
    memcpy(p->b + p->n, d, n);
    p->n += (uint32_t)n;
}
static void puts_(pkt *p, const char *s) { putb(p, s, strlen(s)); }

static const uint8_t V4A[4] = {10, 0, 0, 1}, V4B[4] = {10, 0, 0, 2};
static const uint8_t V6A[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
static const uint8_t V6B[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};

static void udp_hdr(pkt *p, unsigned sp, unsigned dp, uint32_t plen)
{
    put16(p, sp);
    put16(p, dp);
    put16(p, 8 + plen);
    put16(p, 0);
}
static void udp(pkt *p, unsigned sp, unsigned dp, const void *d, uint32_t n)
{
    udp_hdr(p, sp, dp, n);
    putb(p, d, n);
}
static void tcp_hdr(pkt *p, unsigned sp, unsigned dp, uint32_t seq, unsigned flags)
{
    put16(p, sp);
    put16(p, dp);
    put32(p, seq);
    put32(p, 0);
    put8(p, 5 << 4);
    put8(p, flags);
    put16(p, 65535);
    put32(p, 0);
}
/* IPv4 header with total length for plen payload bytes; options = olen bytes of NOP. */
static void ip4_hdr(pkt *p, uint8_t proto, uint32_t plen, unsigned id, unsigned fo, unsigned olen)
{
    put8(p, 0x40 | (5 + olen / 4));
    put8(p, 0);
    put16(p, 20 + olen + plen);
    put16(p, id);
    put16(p, fo);
    put8(p, 64);
    put8(p, proto);
    put16(p, 0);
    putb(p, V4A, 4);
    putb(p, V4B, 4);
    for (unsigned i = 0; i < olen; i++)
        put8(p, 1);
}
static void ip6_hdr(pkt *p, uint8_t nh, uint32_t plen)
{
    put32(p, 0x60000000);
    put16(p, plen);
    put8(p, nh);
    put8(p, 55);
    putb(p, V6A, 16);
    putb(p, V6B, 16);
}
static void eth(pkt *p, unsigned et)
{
    for (int i = 0; i < 12; i++)
        put8(p, i);
    put16(p, et);
}

/* A UDP/IPv4 packet from V4A:5060 to V4B:5060 carrying "hello". */
static void v4_udp(pkt *p)
{
    ip4_hdr(p, 17, 8 + 5, 1, 0, 0);
    udp(p, 5060, 5060, "hello", 5);
}
static void v6_udp(pkt *p)
{
    ip6_hdr(p, 17, 8 + 5);
    udp(p, 5060, 5061, "hello", 5);
}

/* ---- recording sink ----------------------------------------------------------- */

enum { K_UDP = 1, K_ESP, K_TCP, K_SCTP };

typedef struct {
    int kind;
    net_meta m;
    uint32_t off, len; /* into rec.data */
} call;

typedef struct {
    call c[256];
    int n;
    uint8_t data[1 << 20];
    uint32_t dn;
    /* TCP consumer policy: -1 = all; k >= 0 = at most k bytes per call;
     * -2 = consume up to and including the last '|' */
    int consume;
} rec;

static void rec_add(rec *r, int kind, const net_meta *m, const uint8_t *p, uint32_t len)
{
    if (r->n >= 256 || r->dn + len > sizeof r->data)
        fail_msg("recorder full");
    call *c = &r->c[r->n++];
    c->kind = kind;
    c->m = *m;
    c->off = r->dn;
    c->len = len;
    memcpy(r->data + r->dn, p, len);
    r->dn += len;
}
static void on_udp(void *ud, const net_meta *m, const uint8_t *p, uint32_t len) { rec_add(ud, K_UDP, m, p, len); }
static void on_esp(void *ud, const net_meta *m, const uint8_t *p, uint32_t len) { rec_add(ud, K_ESP, m, p, len); }
static void on_sctp(void *ud, const net_meta *m, const uint8_t *p, uint32_t len) { rec_add(ud, K_SCTP, m, p, len); }
static uint32_t on_tcp(void *ud, const net_meta *m, const uint8_t *p, uint32_t len)
{
    rec *r = ud;
    rec_add(r, K_TCP, m, p, len);
    if (r->consume == -1)
        return len;
    if (r->consume == -2) {
        uint32_t k = len;
        while (k > 0 && p[k - 1] != '|')
            k--;
        return k;
    }
    return (uint32_t)r->consume < len ? (uint32_t)r->consume : len;
}

typedef struct {
    rec r;
    imsec_stats st;
    net_decoder *d;
    net_limits lim;
    uint64_t frame;
} env;

static const uint8_t KEY[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

static env *env_new(const net_limits *lim)
{
    env *e = calloc(1, sizeof *e);
    assert_non_null(e);
    e->r.consume = -1;
    if (lim)
        e->lim = *lim;
    else {
        /* small tables: check_prefixes builds hundreds of decoders */
        net_limits_default(&e->lim);
        e->lim.tcp_max_flows = 64;
        e->lim.frag_max_datagrams = 64;
    }
    net_sink s = {.ud = &e->r, .on_udp = on_udp, .on_esp = on_esp, .on_tcp = on_tcp, .on_sctp = on_sctp};
    e->d = net_decoder_new(&e->lim, KEY, &e->st, &s);
    assert_non_null(e->d);
    return e;
}
static void env_free(env *e)
{
    net_decoder_free(e->d);
    free(e);
}
static void feed_at(env *e, int lt, const pkt *p, int64_t sec)
{
    imsec_frame f = {.frame_no = ++e->frame, .ts = {sec, 0}, .linktype = lt, .caplen = p->n,
                     .wirelen = p->n, .data = guard_copy(p->b, p->n)};
    net_decode_frame(e->d, &f);
}
static void feed(env *e, int lt, const pkt *p) { feed_at(e, lt, p, 1000); }

static const uint8_t *cdata(const env *e, int i) { return e->r.data + e->r.c[i].off; }

/* Every strict prefix of a valid IP frame: never crashes (the bytes end at a
 * guard page), never delivers, and counts exactly one truncated frame. */
static void check_prefixes(int lt, const pkt *p)
{
    for (uint32_t k = 0; k < p->n; k++) {
        env *e = env_new(NULL);
        pkt q;
        memcpy(q.b, p->b, k);
        q.n = k;
        feed(e, lt, &q);
        net_decoder_flush(e->d);
        assert_int_equal(e->r.n, 0);
        /* the declared lengths are intact, so a cut is truncation, never malformation */
        assert_int_equal(e->st.truncated, 1);
        assert_int_equal(e->st.malformed_ip, 0);
        env_free(e);
    }
}

/* Decode one frame and expect exactly one UDP "hello" with tuple/version. */
static void expect_udp_hello(int lt, const pkt *p, int ver)
{
    env *e = env_new(NULL);
    feed(e, lt, p);
    assert_int_equal(e->r.n, 1);
    assert_int_equal(e->r.c[0].kind, K_UDP);
    assert_int_equal(e->r.c[0].len, 5);
    assert_memory_equal(cdata(e, 0), "hello", 5);
    assert_int_equal(e->r.c[0].m.ip_ver, ver);
    assert_int_equal(e->r.c[0].m.t.src.family, ver);
    assert_int_equal(e->r.c[0].m.t.proto, IMSEC_PROTO_UDP);
    assert_int_equal(e->r.c[0].m.t.sport, 5060);
    if (ver == 4)
        assert_memory_equal(e->r.c[0].m.t.dst.a, V4B, 4);
    else
        assert_memory_equal(e->r.c[0].m.t.dst.a, V6B, 16);
    assert_int_equal(e->st.udp, 1);
    assert_int_equal(e->st.frames, 1);
    assert_int_equal(e->st.bytes, p->n);
    assert_int_equal(e->st.truncated + e->st.malformed_ip + e->st.unsupported_link, 0);
    env_free(e);
    check_prefixes(lt, p);
}

/* ---- link layers ---------------------------------------------------------------- */

static void test_link_ethernet(void **st)
{
    (void)st;
    pkt p = {.n = 0};
    eth(&p, 0x0800);
    v4_udp(&p);
    expect_udp_hello(1, &p, 4);
    p.n = 0;
    eth(&p, 0x86dd);
    v6_udp(&p);
    expect_udp_hello(1, &p, 6);
    /* Ethernet padding after the IP datagram is ignored. */
    p.n = 0;
    eth(&p, 0x0800);
    v4_udp(&p);
    for (int i = 0; i < 20; i++)
        put8(&p, 0);
    env *e = env_new(NULL);
    feed(e, 1, &p);
    assert_int_equal(e->r.n, 1);
    assert_int_equal(e->r.c[0].len, 5);
    env_free(e);
    /* ARP: not IP, nothing delivered, no anomaly. */
    p.n = 0;
    eth(&p, 0x0806);
    for (int i = 0; i < 28; i++)
        put8(&p, 0);
    e = env_new(NULL);
    feed(e, 1, &p);
    assert_int_equal(e->r.n + (int)e->st.truncated + (int)e->st.malformed_ip, 0);
    env_free(e);
}

static void test_link_vlan(void **st)
{
    (void)st;
    static const unsigned tpids[][3] = {{0x8100, 0, 0}, {0x88a8, 0x8100, 0}, {0x9100, 0x8100, 0},
                                        {0x88a8, 0x88a8, 0x8100}};
    for (size_t t = 0; t < sizeof tpids / sizeof tpids[0]; t++) {
        pkt p = {.n = 0};
        for (int i = 0; i < 12; i++)
            put8(&p, i);
        for (int i = 0; i < 3 && tpids[t][i]; i++) {
            put16(&p, tpids[t][i]);
            put16(&p, 100 + (unsigned)i);
        }
        put16(&p, 0x0800);
        v4_udp(&p);
        expect_udp_hello(1, &p, 4);
    }
    /* Ten stacked tags: malformed. */
    pkt p = {.n = 0};
    for (int i = 0; i < 12; i++)
        put8(&p, i);
    for (int i = 0; i < 10; i++) {
        put16(&p, 0x8100);
        put16(&p, 1);
    }
    put16(&p, 0x0800);
    v4_udp(&p);
    env *e = env_new(NULL);
    feed(e, 1, &p);
    assert_int_equal(e->r.n, 0);
    assert_int_equal(e->st.malformed_ip, 1);
    env_free(e);
}

static void test_link_sll(void **st)
{
    (void)st;
    pkt p = {.n = 0};
    put16(&p, 0); /* packet type */
    put16(&p, 1); /* ARPHRD_ETHER */
    put16(&p, 6);
    for (int i = 0; i < 8; i++)
        put8(&p, i);
    put16(&p, 0x0800);
    v4_udp(&p);
    expect_udp_hello(113, &p, 4);

    p.n = 0;
    put16(&p, 0x86dd);
    put16(&p, 0);
    put32(&p, 3);
    put16(&p, 1);
    put8(&p, 4);
    put8(&p, 6);
    for (int i = 0; i < 8; i++)
        put8(&p, i);
    v6_udp(&p);
    expect_udp_hello(276, &p, 6);
}

static void test_link_raw(void **st)
{
    (void)st;
    pkt p4 = {.n = 0}, p6 = {.n = 0};
    v4_udp(&p4);
    v6_udp(&p6);
    static const int raw[] = {12, 14, 101};
    for (size_t i = 0; i < 3; i++) {
        expect_udp_hello(raw[i], &p4, 4);
        expect_udp_hello(raw[i], &p6, 6);
    }
    expect_udp_hello(228, &p4, 4);
    expect_udp_hello(229, &p6, 6);
    /* LINKTYPE_IPV4 holding an IPv6 packet: malformed. */
    env *e = env_new(NULL);
    feed(e, 228, &p6);
    assert_int_equal(e->r.n, 0);
    assert_int_equal(e->st.malformed_ip, 1);
    env_free(e);
}

static void test_link_null_loop(void **st)
{
    (void)st;
    static const uint32_t fam6[] = {10, 24, 28, 30};
    for (int lt = 0; lt <= 108; lt += 108) {
        for (int order = 0; order < 2; order++) {
            pkt p = {.n = 0};
            if (order)
                put32(&p, 2);
            else {
                put8(&p, 2);
                put8(&p, 0);
                put16(&p, 0);
            }
            v4_udp(&p);
            expect_udp_hello(lt, &p, 4);
            for (size_t f = 0; f < 4; f++) {
                p.n = 0;
                if (order)
                    put32(&p, fam6[f]);
                else {
                    put8(&p, fam6[f]);
                    put8(&p, 0);
                    put16(&p, 0);
                }
                v6_udp(&p);
                expect_udp_hello(lt, &p, 6);
            }
        }
    }
}

static void test_link_unsupported(void **st)
{
    (void)st;
    env *e = env_new(NULL);
    pkt p = {.n = 0};
    v4_udp(&p);
    feed(e, 147, &p);
    feed(e, 105, &p);
    assert_int_equal(e->st.unsupported_link, 2);
    assert_int_equal(e->st.first_unsupported_link, 147);
    assert_int_equal(e->r.n, 0);
    env_free(e);
}

/* ---- IP ------------------------------------------------------------------------- */

static void test_ip4_options_and_damage(void **st)
{
    (void)st;
    pkt p = {.n = 0};
    ip4_hdr(&p, 17, 8 + 5, 1, 0, 12);
    udp(&p, 5060, 5060, "hello", 5);
    expect_udp_hello(228, &p, 4);

    /* Snaplen cut inside the UDP payload: truncated, not malformed. */
    env *e = env_new(NULL);
    pkt q = p;
    q.n -= 2;
    feed(e, 228, &q);
    assert_int_equal(e->st.truncated, 1);
    assert_int_equal(e->st.malformed_ip, 0);
    assert_int_equal(e->r.n, 0);

    /* Total length smaller than the header: malformed. */
    q = p;
    q.b[2] = 0;
    q.b[3] = 10;
    feed(e, 228, &q);
    assert_int_equal(e->st.malformed_ip, 1);
    /* IHL below 5: malformed. */
    q = p;
    q.b[0] = 0x44;
    feed(e, 228, &q);
    assert_int_equal(e->st.malformed_ip, 2);
    /* UDP length beyond the IP payload: malformed (all bytes captured). */
    q.n = 0;
    ip4_hdr(&q, 17, 8 + 5, 1, 0, 0);
    udp_hdr(&q, 1, 2, 50);
    puts_(&q, "hello");
    feed(e, 228, &q);
    assert_int_equal(e->st.malformed_ip, 3);
    /* UDP length below 8: malformed. */
    q.b[20 + 5] = 4;
    feed(e, 228, &q);
    assert_int_equal(e->st.malformed_ip, 4);
    assert_int_equal(e->st.truncated, 1);
    assert_int_equal(e->r.n, 0);
    env_free(e);

    /* Total length 0 (captured before segmentation offload): use what was captured. */
    q.n = 0;
    v4_udp(&q);
    q.b[2] = q.b[3] = 0;
    e = env_new(NULL);
    feed(e, 228, &q);
    assert_int_equal(e->r.n, 1);
    assert_int_equal(e->r.c[0].len, 5);
    env_free(e);
}

static void test_ip6_ext_headers(void **st)
{
    (void)st;
    pkt p = {.n = 0};
    /* HBH(8) -> routing(24) -> dest opts(16) -> AH(24) -> UDP */
    ip6_hdr(&p, 0, 8 + 24 + 16 + 24 + 8 + 5);
    put8(&p, 43);
    put8(&p, 0);
    for (int i = 0; i < 6; i++)
        put8(&p, 0);
    put8(&p, 60);
    put8(&p, 2);
    for (int i = 0; i < 22; i++)
        put8(&p, 0);
    put8(&p, 51);
    put8(&p, 1);
    for (int i = 0; i < 14; i++)
        put8(&p, 0);
    put8(&p, 17);
    put8(&p, 4); /* AH: (4+2)*4 = 24 bytes */
    for (int i = 0; i < 22; i++)
        put8(&p, 0xaa);
    udp(&p, 5060, 5061, "hello", 5);
    expect_udp_hello(229, &p, 6);

    /* ESP ends the chain; no next header ends it silently. */
    env *e = env_new(NULL);
    p.n = 0;
    ip6_hdr(&p, 60, 8 + 16);
    put8(&p, 50);
    put8(&p, 0);
    for (int i = 0; i < 6; i++)
        put8(&p, 0);
    put32(&p, 0x1234abcd);
    put32(&p, 7);
    put32(&p, 0xdeadbeef);
    put32(&p, 0);
    feed(e, 229, &p);
    assert_int_equal(e->r.n, 1);
    assert_int_equal(e->r.c[0].kind, K_ESP);
    assert_int_equal(e->r.c[0].m.spi, 0x1234abcd);
    assert_int_equal(e->r.c[0].len, 16);
    assert_int_equal(e->r.c[0].m.t.proto, IMSEC_PROTO_ESP);
    check_prefixes(229, &p);
    p.n = 0;
    ip6_hdr(&p, 59, 4);
    put32(&p, 0);
    feed(e, 229, &p);
    assert_int_equal(e->r.n, 1);
    /* Extension header running past the payload length: malformed. */
    p.n = 0;
    ip6_hdr(&p, 0, 8);
    put8(&p, 17);
    put8(&p, 3);
    for (int i = 0; i < 6; i++)
        put8(&p, 0);
    feed(e, 229, &p);
    assert_int_equal(e->st.malformed_ip, 1);
    /* Payload length 0 (jumbogram): malformed. */
    p.n = 0;
    ip6_hdr(&p, 17, 0);
    feed(e, 229, &p);
    assert_int_equal(e->st.malformed_ip, 2);
    env_free(e);
}

/* ---- fragments -------------------------------------------------------------------- */

/* The UDP datagram "hello world, this is a fragmented message!" split into
 * IPv4 fragments of 16 bytes (after the 8-byte UDP header). */
static const char FRAG_MSG[] = "hello world, this is a fragmented message!";

static void frag4(pkt *p, unsigned id, const uint8_t *dgram, uint32_t off, uint32_t len, int more)
{
    p->n = 0;
    ip4_hdr(p, 17, len, id, (more ? 0x2000u : 0) | off / 8, 0);
    putb(p, dgram + off, len);
}

static uint32_t make_dgram(uint8_t *out)
{
    pkt u = {.n = 0};
    udp(&u, 5060, 5060, FRAG_MSG, sizeof FRAG_MSG - 1);
    memcpy(out, u.b, u.n);
    return u.n;
}

static void test_frag4_orders(void **st)
{
    (void)st;
    uint8_t dg[128];
    uint32_t n = make_dgram(dg); /* 50 bytes: fragments 0,16,32(18) */
    static const int orders[][4] = {{0, 1, 2, -1}, {2, 1, 0, -1}, {1, 2, 0, -1}, {0, 0, 2, 1}, {2, 2, 1, 0}};
    for (size_t o = 0; o < sizeof orders / sizeof orders[0]; o++) {
        env *e = env_new(NULL);
        for (int i = 0; i < 4 && orders[o][i] >= 0; i++) {
            int k = orders[o][i];
            uint32_t off = (uint32_t)k * 16, len = k == 2 ? n - 32 : 16;
            pkt p;
            frag4(&p, 77, dg, off, len, k != 2);
            feed(e, 228, &p);
        }
        assert_int_equal(e->r.n, 1);
        assert_int_equal(e->r.c[0].len, sizeof FRAG_MSG - 1);
        assert_memory_equal(cdata(e, 0), FRAG_MSG, sizeof FRAG_MSG - 1);
        assert_true(e->r.c[0].m.flags & NET_F_FRAGMENTED);
        assert_int_equal(e->r.c[0].m.frame, e->frame);
        assert_int_equal(e->st.ip_reassembled, 1);
        assert_int_equal(e->st.ip_fragments, e->frame);
        /* a duplicate counts as an overlap */
        assert_int_equal(e->st.frag_overlaps, orders[o][3] >= 0 ? 1 : 0);
        env_free(e);
    }
    /* prefixes of a fragment */
    pkt p;
    frag4(&p, 77, dg, 16, 16, 1);
    check_prefixes(228, &p);
}

static void test_frag6(void **st)
{
    (void)st;
    uint8_t dg[128];
    uint32_t n = make_dgram(dg);
    env *e = env_new(NULL);
    for (int k = 1; k >= 0; k--) {
        uint32_t off = k ? 24 : 0, len = k ? n - 24 : 24;
        pkt p = {.n = 0};
        ip6_hdr(&p, 0, 8 + 8 + len); /* HBH before the fragment header */
        put8(&p, 44);
        put8(&p, 0);
        for (int i = 0; i < 6; i++)
            put8(&p, 0);
        put8(&p, k ? 6 /* ignored: only offset 0 counts */ : 17);
        put8(&p, 0);
        put16(&p, off | (k ? 0 : 1));
        put32(&p, 0xabcdef01);
        putb(&p, dg + off, len);
        feed(e, 229, &p);
        if (k)
            check_prefixes(229, &p);
    }
    assert_int_equal(e->r.n, 1);
    assert_int_equal(e->r.c[0].len, sizeof FRAG_MSG - 1);
    assert_memory_equal(cdata(e, 0), FRAG_MSG, sizeof FRAG_MSG - 1);
    assert_true(e->r.c[0].m.flags & NET_F_FRAGMENTED);
    assert_int_equal(e->r.c[0].m.ip_ver, 6);
    /* atomic fragment (RFC 6946) is delivered at once */
    pkt p = {.n = 0};
    ip6_hdr(&p, 44, 8 + 13);
    put8(&p, 17);
    put8(&p, 0);
    put16(&p, 0);
    put32(&p, 5);
    udp(&p, 5060, 5061, "hello", 5);
    feed(e, 229, &p);
    assert_int_equal(e->r.n, 2);
    assert_int_equal(e->st.ip_fragments, 2);
    env_free(e);
}

/* Sturges/Novak overlap vectors (as in Suricata src/defrag.c), first policy:
 * fragments (offset, length, fill byte); the last one has MF=0. */
static void test_frag_novak_first(void **st)
{
    (void)st;
    static const struct { unsigned off, len; char c; } v[] = {
        {0, 24, 'A'},   {32, 16, 'B'},  {48, 24, 'C'},  {80, 8, 'D'},   {104, 16, 'E'},
        {120, 24, 'F'}, {144, 16, 'G'}, {160, 16, 'H'}, {176, 8, 'I'},  {8, 32, 'J'},
        {48, 24, 'K'},  {72, 24, 'L'},  {96, 24, 'M'},  {128, 8, 'N'},  {152, 8, 'O'},
        {160, 8, 'P'},  {176, 16, 'Q'},
    };
    static const char expect[] = "AAAAAAAA" "AAAAAAAA" "AAAAAAAA" "JJJJJJJJ" "BBBBBBBB" "BBBBBBBB"
                                 "CCCCCCCC" "CCCCCCCC" "CCCCCCCC" "LLLLLLLL" "DDDDDDDD" "LLLLLLLL"
                                 "MMMMMMMM" "EEEEEEEE" "EEEEEEEE" "FFFFFFFF" "FFFFFFFF" "FFFFFFFF"
                                 "GGGGGGGG" "GGGGGGGG" "HHHHHHHH" "HHHHHHHH" "IIIIIIII" "QQQQQQQQ";
    for (int ver = 4; ver <= 6; ver += 2) {
        imsec_stats s;
        memset(&s, 0, sizeof s);
        net_limits lim;
        net_limits_default(&lim);
        net_frag *f = net_frag_new(&lim, KEY, &s);
        net_frag_key k = {.id = 9, .ver = (uint8_t)ver, .proto = ver == 4 ? 1 : 0};
        k.src.family = k.dst.family = (uint8_t)ver;
        size_t nv = sizeof v / sizeof v[0];
        for (size_t i = 0; i < nv; i++) {
            uint8_t buf[64];
            memset(buf, v[i].c, v[i].len);
            const uint8_t *out;
            uint32_t olen;
            uint8_t proto;
            bool done = net_frag_add(f, &k, (imsec_ts){1, 0}, v[i].off, i + 1 < nv, 1, buf,
                                     v[i].len, &out, &olen, &proto);
            assert_int_equal(done, i + 1 == nv);
            if (done) {
                assert_int_equal(olen, sizeof expect - 1);
                assert_memory_equal(out, expect, olen);
                assert_int_equal(proto, 1);
            }
        }
        /* J, K, L, M, N, O, P, Q overlap held bytes */
        assert_int_equal(s.frag_overlaps, 8);
        assert_int_equal(net_frag_pending(f), 0);
        net_frag_free(f);
    }
}

static void test_frag_limits(void **st)
{
    (void)st;
    uint8_t dg[128];
    (void)make_dgram(dg);
    net_limits lim;
    net_limits_default(&lim);
    lim.frag_max_datagrams = 2;
    env *e = env_new(&lim);
    pkt p;
    for (unsigned id = 1; id <= 3; id++) {
        frag4(&p, id, dg, 0, 16, 1);
        feed(e, 228, &p);
    }
    assert_int_equal(e->st.ev_fragments, 1); /* id 1 evicted */
    frag4(&p, 1, dg, 16, 16, 1);              /* id 1 again: evicts id 2 */
    feed(e, 228, &p);
    assert_int_equal(e->st.ev_fragments, 2);
    /* timeout on packet time */
    frag4(&p, 9, dg, 16, 16, 1);
    feed_at(e, 228, &p, 1000 + 31);
    assert_int_equal(e->st.frag_timeouts, 2);
    net_decoder_flush(e->d);
    assert_int_equal(e->st.frag_timeouts, 3);
    assert_int_equal(e->r.n, 0);
    env_free(e);

    /* Per-datagram cap. */
    net_limits_default(&lim);
    lim.frag_max_bytes = 1024;
    e = env_new(&lim);
    p.n = 0;
    ip4_hdr(&p, 17, 16, 5, 0x2000u | 2048 / 8, 0);
    for (int i = 0; i < 16; i++)
        put8(&p, 0);
    feed(e, 228, &p);
    assert_int_equal(e->st.ev_fragments, 1);
    /* Ping of death: offset 65528 + 16 bytes > 65535. */
    p.n = 0;
    ip4_hdr(&p, 17, 16, 6, 65528 / 8, 0);
    for (int i = 0; i < 16; i++)
        put8(&p, 0);
    feed(e, 228, &p);
    assert_int_equal(e->st.malformed_ip, 1);
    /* Non-final fragment of a length that is not a multiple of 8. */
    p.n = 0;
    ip4_hdr(&p, 17, 13, 7, 0x2000u, 0);
    for (int i = 0; i < 13; i++)
        put8(&p, 0);
    feed(e, 228, &p);
    assert_int_equal(e->st.malformed_ip, 2);
    /* Two different ends. */
    frag4(&p, 8, dg, 32, 18, 0);
    feed(e, 228, &p);
    frag4(&p, 8, dg, 16, 16, 0);
    feed(e, 228, &p);
    assert_int_equal(e->st.malformed_ip, 3);
    env_free(e);

    /* Total memory cap: the oldest datagram goes. */
    net_limits_default(&lim);
    lim.frag_max_total = 3000;
    e = env_new(&lim);
    for (unsigned id = 1; id <= 3; id++) {
        p.n = 0;
        ip4_hdr(&p, 17, 16, id, 0x2000u | 1024 / 8, 0);
        for (int i = 0; i < 16; i++)
            put8(&p, 0);
        feed(e, 228, &p);
    }
    assert_true(e->st.ev_fragments >= 1);
    env_free(e);
}

/* ---- UDP special ports, ESP, SCTP ---------------------------------------------------------- */

static void test_esp_dispatch(void **st)
{
    (void)st;
    env *e = env_new(NULL);
    pkt p = {.n = 0};
    ip4_hdr(&p, 50, 24, 1, 0, 0);
    put32(&p, 0x01020304);
    put32(&p, 1);
    for (int i = 0; i < 16; i++)
        put8(&p, i);
    feed(e, 228, &p);
    assert_int_equal(e->r.n, 1);
    assert_int_equal(e->r.c[0].kind, K_ESP);
    assert_int_equal(e->r.c[0].m.spi, 0x01020304);
    assert_int_equal(e->r.c[0].len, 24);
    check_prefixes(228, &p);

    /* NAT-T: ESP in UDP 4500 */
    uint8_t esp[24] = {0xaa, 0xbb, 0xcc, 0xdd, 0, 0, 0, 1};
    p.n = 0;
    ip4_hdr(&p, 17, 8 + 24, 1, 0, 0);
    udp(&p, 4500, 4500, esp, 24);
    feed(e, 228, &p);
    assert_int_equal(e->r.n, 2);
    assert_int_equal(e->r.c[1].kind, K_ESP);
    assert_int_equal(e->r.c[1].m.spi, 0xaabbccdd);
    assert_int_equal(e->r.c[1].m.t.dport, 4500);
    /* IKE behind the non-ESP marker, and the NAT keepalive: skipped */
    uint8_t ike[32] = {0};
    ike[4] = 0x11;
    p.n = 0;
    ip4_hdr(&p, 17, 8 + 32, 1, 0, 0);
    udp(&p, 4500, 4500, ike, 32);
    feed(e, 228, &p);
    uint8_t ka = 0xff;
    p.n = 0;
    ip4_hdr(&p, 17, 8 + 1, 1, 0, 0);
    udp(&p, 4500, 4500, &ka, 1);
    feed(e, 228, &p);
    assert_int_equal(e->r.n, 2);
    assert_int_equal(e->st.udp, 3);
    assert_int_equal(e->st.malformed_ip, 0);
    /* short ESP: malformed */
    p.n = 0;
    ip4_hdr(&p, 50, 4, 1, 0, 0);
    put32(&p, 1);
    feed(e, 228, &p);
    assert_int_equal(e->st.malformed_ip, 1);
    /* unknown protocol */
    p.n = 0;
    ip4_hdr(&p, 47, 4, 1, 0, 0);
    put32(&p, 1);
    feed(e, 228, &p);
    assert_int_equal(e->st.other_l4, 1);
    env_free(e);
}

static void sctp_chunk(pkt *p, unsigned type, unsigned flags, uint32_t ppid, const char *data)
{
    uint32_t n = (uint32_t)strlen(data);
    unsigned hdr = type == 0 ? 16 : 20;
    put8(p, type);
    put8(p, flags);
    put16(p, hdr + n);
    put32(p, 1); /* TSN */
    put16(p, 0);
    put16(p, 0);
    if (type == 64)
        put32(p, 0); /* MID */
    put32(p, ppid);
    puts_(p, data);
    while (p->n % 4)
        put8(p, 0);
}

static void test_sctp(void **st)
{
    (void)st;
    pkt s = {.n = 0};
    put16(&s, 5060);
    put16(&s, 5060);
    put32(&s, 0x11111111);
    put32(&s, 0);
    put8(&s, 3); /* SACK-ish chunk: skipped */
    put8(&s, 0);
    put16(&s, 8);
    put32(&s, 0);
    sctp_chunk(&s, 0, 3, 46, "INVITE");
    sctp_chunk(&s, 0, 1, 46, "partial"); /* B only: not a whole message */
    sctp_chunk(&s, 64, 3, 47, "abc");
    pkt p = {.n = 0};
    ip4_hdr(&p, 132, s.n, 1, 0, 0);
    putb(&p, s.b, s.n);
    env *e = env_new(NULL);
    feed(e, 228, &p);
    assert_int_equal(e->r.n, 2);
    assert_int_equal(e->r.c[0].kind, K_SCTP);
    assert_int_equal(e->r.c[0].m.spi, 46);
    assert_int_equal(e->r.c[0].len, 6);
    assert_memory_equal(cdata(e, 0), "INVITE", 6);
    assert_int_equal(e->r.c[1].m.spi, 47);
    assert_memory_equal(cdata(e, 1), "abc", 3);
    assert_int_equal(e->r.c[1].m.t.proto, IMSEC_PROTO_SCTP);
    assert_int_equal(e->st.sctp, 1);
    check_prefixes(228, &p);
    /* chunk length beyond the packet: malformed */
    p.b[20 + 12 + 2] = 0x40;
    feed(e, 228, &p);
    assert_int_equal(e->st.malformed_ip, 1);
    env_free(e);
}

/* ---- TCP ----------------------------------------------------------------------------- */

static void seg(env *e, int dir, uint32_t seq, unsigned flags, const char *data, int64_t sec)
{
    pkt p = {.n = 0};
    uint32_t n = (uint32_t)strlen(data);
    put8(&p, 0x45);
    put8(&p, 0);
    put16(&p, 40 + n);
    put32(&p, 0);
    put8(&p, 64);
    put8(&p, 6);
    put16(&p, 0);
    putb(&p, dir ? V4B : V4A, 4);
    putb(&p, dir ? V4A : V4B, 4);
    tcp_hdr(&p, dir ? 5060 : 40000, dir ? 40000 : 5060, seq, flags);
    putb(&p, data, n);
    feed_at(e, 228, &p, sec);
}

/* Concatenate what the recorder got for TCP in direction dport. */
static void tcp_text(const env *e, unsigned dport, char *out, size_t cap)
{
    size_t k = 0;
    for (int i = 0; i < e->r.n; i++)
        if (e->r.c[i].kind == K_TCP && e->r.c[i].m.t.dport == dport && k + e->r.c[i].len + 1 < cap) {
            if (e->r.c[i].m.flags & NET_F_GAP)
                out[k++] = '#';
            memcpy(out + k, cdata(e, i), e->r.c[i].len);
            k += e->r.c[i].len;
        }
    out[k] = '\0';
}

enum { SYN = 2, FIN = 1, RST = 4, ACK = 16 };

static void test_tcp_in_order_and_ooo(void **st)
{
    (void)st;
    env *e = env_new(NULL);
    char t[256];
    seg(e, 0, 100, SYN, "", 1000);
    seg(e, 1, 900, SYN | ACK, "", 1000);
    seg(e, 0, 101, ACK, "aaaa", 1000);
    seg(e, 0, 109, ACK, "cccc", 1000); /* out of order */
    seg(e, 0, 113, ACK, "dddd", 1000);
    seg(e, 0, 105, ACK, "bbbb", 1000); /* fills the hole */
    seg(e, 1, 901, ACK, "reply", 1000);
    tcp_text(e, 5060, t, sizeof t);
    assert_string_equal(t, "aaaabbbbccccdddd");
    tcp_text(e, 40000, t, sizeof t);
    assert_string_equal(t, "reply");
    assert_int_equal(e->r.n, 3);
    assert_int_equal(e->r.c[1].len, 12); /* one offer after the hole closed */
    assert_int_equal(e->r.c[1].m.frame, 6);
    assert_int_equal(e->st.tcp, 7);
    assert_int_equal(e->st.tcp_gaps, 0);
    /* FIN: a last call with NET_F_FIN for each direction that carried data */
    seg(e, 0, 117, FIN | ACK, "", 1000);
    assert_int_equal(e->r.n, 4);
    assert_true(e->r.c[3].m.flags & NET_F_FIN);
    assert_int_equal(e->r.c[3].len, 0);
    seg(e, 1, 906, FIN | ACK, "", 1000);
    assert_int_equal(e->r.n, 5);
    env_free(e);
}

static void test_tcp_retransmit_overlap(void **st)
{
    (void)st;
    env *e = env_new(NULL);
    char t[256];
    seg(e, 0, 1, SYN, "", 1000);
    seg(e, 0, 2, ACK, "abcd", 1000);
    seg(e, 0, 2, ACK, "XXXXefgh", 1000);   /* retransmission, different old bytes */
    seg(e, 0, 14, ACK, "mnop", 1000);      /* ooo */
    seg(e, 0, 12, ACK, "YYYYYYqr", 1000);  /* overlaps the held ooo bytes: first wins */
    seg(e, 0, 10, ACK, "ijkl", 1000);
    tcp_text(e, 5060, t, sizeof t);
    assert_string_equal(t, "abcdefghijYYmnopqr");
    assert_int_equal(net_decoder_tcp_overlaps(e->d), 3);
    env_free(e);
}

static void test_tcp_midstream_partial(void **st)
{
    (void)st;
    env *e = env_new(NULL);
    e->r.consume = -2; /* consume through the last '|' */
    seg(e, 0, 5000, ACK, "msg1|ms", 1000); /* no SYN: mid-stream pickup */
    seg(e, 0, 5007, ACK, "g2|msg3", 1000);
    seg(e, 0, 5014, ACK, "|", 1000);
    assert_int_equal(e->r.n, 3);
    assert_int_equal(e->r.c[0].len, 7);
    assert_int_equal(e->r.c[1].len, 9);
    assert_memory_equal(cdata(e, 1), "msg2|msg3", 9);
    assert_int_equal(e->r.c[2].len, 5);
    assert_memory_equal(cdata(e, 2), "msg3|", 5);
    /* RST: what is left goes with NET_F_FIN */
    seg(e, 0, 5015, ACK, "tail", 1000);
    seg(e, 1, 1, RST, "", 1000);
    assert_int_equal(e->r.n, 5);
    assert_true(e->r.c[4].m.flags & NET_F_FIN);
    assert_memory_equal(cdata(e, 4), "tail", 4);
    assert_int_equal(e->r.c[4].m.frame, 5);
    env_free(e);

    /* Partial consumption over many segments stays correct (compaction). */
    e = env_new(NULL);
    e->r.consume = 3;
    uint32_t seq = 1;
    for (int i = 0; i < 100; i++) {
        seg(e, 0, seq, ACK, "0123456789", 1000);
        seq += 10;
    }
    assert_int_equal(e->r.n, 100);
    /* each call offers what is left: 10*i - 3*i + 10 bytes... starts at offset 3*i mod 10 */
    const call *c = &e->r.c[99];
    assert_int_equal(c->len, 1000 - 3 * 99);
    assert_int_equal(cdata(e, 99)[0], '0' + (3 * 99) % 10);
    env_free(e);
}

static void test_tcp_gaps(void **st)
{
    (void)st;
    char t[256];
    /* Gap through the per-flow cap. */
    net_limits lim;
    net_limits_default(&lim);
    lim.tcp_max_flow_bytes = 10;
    env *e = env_new(&lim);
    seg(e, 0, 1, SYN, "", 1000);
    seg(e, 0, 2, ACK, "ab", 1000);
    seg(e, 0, 10, ACK, "ijklmn", 1000);  /* hole 4..9 */
    seg(e, 0, 16, ACK, "opqrst", 1000);  /* 12 bytes held: over the cap */
    tcp_text(e, 5060, t, sizeof t);
    assert_string_equal(t, "ab#ijklmnopqrst");
    assert_int_equal(e->st.tcp_gaps, 1);
    /* Resync: the consumer keeps everything and the cap is passed. */
    e->r.consume = 0;
    seg(e, 0, 22, ACK, "uvwxyz", 1000);
    seg(e, 0, 28, ACK, "ABCDEF", 1000);
    assert_int_equal(e->st.tcp_resync, 1);
    assert_true(e->r.c[e->r.n - 1].m.flags & NET_F_GAP);
    assert_int_equal(e->r.c[e->r.n - 1].len, 6);
    assert_memory_equal(cdata(e, e->r.n - 1), "ABCDEF", 6);
    env_free(e);

    /* Gap at flush, and at the hole timeout. */
    e = env_new(NULL);
    seg(e, 0, 1, SYN, "", 1000);
    seg(e, 0, 2, ACK, "ab", 1000);
    seg(e, 0, 10, ACK, "ij", 1000);
    net_decoder_flush(e->d);
    tcp_text(e, 5060, t, sizeof t);
    assert_string_equal(t, "ab#ij");
    assert_true(e->r.c[e->r.n - 1].m.flags & NET_F_FIN);
    assert_int_equal(e->st.tcp_gaps, 1);
    env_free(e);

    e = env_new(NULL);
    seg(e, 0, 1, SYN, "", 1000);
    seg(e, 0, 2, ACK, "ab", 1000);
    seg(e, 0, 10, ACK, "ij", 1000);
    seg(e, 0, 12, ACK, "kl", 1010);
    tcp_text(e, 5060, t, sizeof t);
    assert_string_equal(t, "ab#ijkl");
    assert_int_equal(e->st.tcp_gaps, 1);
    /* FIN after a hole: the hole is skipped when the flow ends. */
    seg(e, 0, 30, FIN | ACK, "zz", 1010);
    seg(e, 1, 1, RST, "", 1011);
    tcp_text(e, 5060, t, sizeof t);
    assert_string_equal(t, "ab#ijkl#zz");
    env_free(e);
}

static void test_tcp_tls_and_flows(void **st)
{
    (void)st;
    env *e = env_new(NULL);
    seg(e, 0, 1, SYN, "", 1000);
    seg(e, 0, 2, ACK, "\x16\x03\x01\x02\x00", 1000);
    seg(e, 0, 7, ACK, "more", 1000);
    seg(e, 1, 1, SYN | ACK, "", 1000);
    seg(e, 1, 2, ACK, "\x16\x03\x03", 1000);
    assert_int_equal(e->r.n, 0);
    assert_int_equal(e->st.tls, 1);
    env_free(e);
    /* A lone 0x16 waits for more bytes before deciding. */

    e = env_new(NULL);
    seg(e, 0, 1, ACK, "\x16", 1000);
    assert_int_equal(e->r.n, 0);
    seg(e, 0, 2, ACK, "xy", 1000);
    assert_int_equal(e->r.n, 1);
    assert_int_equal(e->r.c[0].len, 3);
    assert_int_equal(e->st.tls, 0);
    env_free(e);

    /* LRU eviction and idle timeout. */
    net_limits lim;
    net_limits_default(&lim);
    lim.tcp_max_flows = 2;
    lim.tcp_timeout_s = 60;
    e = env_new(&lim);
    for (unsigned i = 0; i < 3; i++) {
        pkt p = {.n = 0};
        ip4_hdr(&p, 6, 20 + 1, 1, 0, 0);
        tcp_hdr(&p, 1000 + i, 5060, 1, ACK);
        put8(&p, 'x');
        feed(e, 228, &p);
    }
    assert_int_equal(e->st.ev_tcp_flows, 1);
    assert_int_equal(e->r.n, 3 + 1); /* the evicted flow got its FIN call */
    seg(e, 0, 1, ACK, "late", 2000);     /* the others time out first */
    assert_int_equal(e->st.ev_tcp_flows, 1);
    env_free(e);
}

static void test_tcp_prefixes(void **st)
{
    (void)st;
    pkt p = {.n = 0};
    ip4_hdr(&p, 6, 20 + 4, 1, 0, 0);
    tcp_hdr(&p, 1, 2, 1, ACK);
    puts_(&p, "data");
    check_prefixes(228, &p);
    /* data offset below 5: malformed */
    p.b[20 + 12] = 0x40;
    env *e = env_new(NULL);
    feed(e, 228, &p);
    assert_int_equal(e->st.malformed_ip, 1);
    env_free(e);
}

/* ---- re-entry after ESP --------------------------------------------------------------- */

static void test_decode_transport(void **st)
{
    (void)st;
    env *e = env_new(NULL);
    net_meta outer;
    memset(&outer, 0, sizeof outer);
    outer.frame = 42;
    outer.ip_ver = 4;
    outer.spi = 0x55;
    outer.t.src.family = outer.t.dst.family = 4;
    memcpy(outer.t.src.a, V4A, 4);
    memcpy(outer.t.dst.a, V4B, 4);
    outer.t.proto = IMSEC_PROTO_ESP;
    pkt p = {.n = 0};
    udp(&p, 5062, 5063, "hello", 5);
    net_decode_transport(e->d, &outer, 17, p.b, p.n);
    assert_int_equal(e->r.n, 1);
    assert_true(e->r.c[0].m.flags & NET_F_ESP);
    assert_int_equal(e->r.c[0].m.spi, 0x55);
    assert_int_equal(e->r.c[0].m.frame, 42);
    assert_int_equal(e->r.c[0].m.t.proto, IMSEC_PROTO_UDP);
    assert_int_equal(e->r.c[0].m.t.dport, 5063);
    p.n = 0;
    tcp_hdr(&p, 5062, 5063, 10, ACK);
    puts_(&p, "tcp!");
    net_decode_transport(e->d, &outer, 6, p.b, p.n);
    assert_int_equal(e->r.n, 2);
    assert_int_equal(e->r.c[1].kind, K_TCP);
    assert_true(e->r.c[1].m.flags & NET_F_ESP);
    /* tunnel mode */
    p.n = 0;
    v6_udp(&p);
    net_decode_transport(e->d, &outer, 41, p.b, p.n);
    assert_int_equal(e->r.n, 3);
    assert_int_equal(e->r.c[2].m.ip_ver, 6);
    assert_true(e->r.c[2].m.flags & NET_F_ESP);
    net_decode_transport(e->d, &outer, 59, p.b, p.n);
    net_decode_transport(e->d, &outer, 17, p.b, 3);
    assert_int_equal(e->r.n, 3);
    assert_int_equal(e->st.malformed_ip, 1);
    env_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_link_ethernet),
        cmocka_unit_test(test_link_vlan),
        cmocka_unit_test(test_link_sll),
        cmocka_unit_test(test_link_raw),
        cmocka_unit_test(test_link_null_loop),
        cmocka_unit_test(test_link_unsupported),
        cmocka_unit_test(test_ip4_options_and_damage),
        cmocka_unit_test(test_ip6_ext_headers),
        cmocka_unit_test(test_frag4_orders),
        cmocka_unit_test(test_frag6),
        cmocka_unit_test(test_frag_novak_first),
        cmocka_unit_test(test_frag_limits),
        cmocka_unit_test(test_esp_dispatch),
        cmocka_unit_test(test_sctp),
        cmocka_unit_test(test_tcp_in_order_and_ooo),
        cmocka_unit_test(test_tcp_retransmit_overlap),
        cmocka_unit_test(test_tcp_midstream_partial),
        cmocka_unit_test(test_tcp_gaps),
        cmocka_unit_test(test_tcp_tls_and_flows),
        cmocka_unit_test(test_tcp_prefixes),
        cmocka_unit_test(test_decode_transport),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    guard_free();
    return r;
}
