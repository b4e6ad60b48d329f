/* net: link layers, IPv4/IPv6, transport dispatch (see net.h).
 *
 * Two kinds of damage are kept apart (Wireshark epan/exceptions.h): a header
 * or a declared length that runs past the captured bytes is "truncated"
 * (stats->truncated, a capture artefact: snaplen, damaged file); lengths that
 * contradict each other or broken structure are "malformed"
 * (stats->malformed_ip). Each frame counts at most one of the two, and
 * nothing of a damaged packet is delivered. */
#include "net/net.h"

#include <stdlib.h>
#include <string.h>

#include "net/net_cur.h"
#include "net/net_frag.h"
#include "net/net_tcp.h"

/* pcap LINKTYPE_* / DLT_* values (tcpdump.org/linktypes.html). */
enum {
    LT_NULL = 0,
    LT_EN10MB = 1,
    LT_RAW_DLT12 = 12,
    LT_RAW_DLT14 = 14,
    LT_RAW = 101,
    LT_LOOP = 108,
    LT_LINUX_SLL = 113,
    LT_IPV4 = 228,
    LT_IPV6 = 229,
    LT_LINUX_SLL2 = 276,
};

enum { ET_IPV4 = 0x0800, ET_IPV6 = 0x86dd, ET_VLAN = 0x8100, ET_QINQ = 0x88a8, ET_QINQ_OLD = 0x9100 };

#define NET_MAX_VLAN 8     /* stacked tags accepted before calling it malformed */
#define NET_MAX_EXTHDR 16  /* IPv6 extension headers walked per packet */
#define NET_IKE_PORT 4500  /* RFC 3948 §2.2 */

struct net_decoder {
    imsec_stats *st;
    net_sink sink;
    net_frag *frag;
    net_tcp *tcp;
    int depth; /* tunnel nesting (IP in ESP in IP...) */
};

typedef enum { R_OK = 0, R_TRUNC, R_MALFORMED } net_res;

void net_limits_default(net_limits *l)
{
    l->frag_max_datagrams = 4096;
    l->frag_max_bytes = 65535;
    l->frag_max_total = 64u << 20;
    l->frag_timeout_s = 30;        /* Linux ipfrag_time */
    l->tcp_max_flows = 65536;
    l->tcp_max_flow_bytes = 1u << 20;
    l->tcp_max_total = 512ull << 20;
    l->tcp_timeout_s = 600;
}

net_decoder *net_decoder_new(const net_limits *lim, const uint8_t hashkey[16],
                             imsec_stats *stats, const net_sink *sink)
{
    net_decoder *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->st = stats;
    d->sink = *sink;
    d->frag = net_frag_new(lim, hashkey, stats);
    d->tcp = net_tcp_new(lim, hashkey, stats, sink);
    if (!d->frag || !d->tcp) {
        net_decoder_free(d);
        return NULL;
    }
    return d;
}

void net_decoder_free(net_decoder *d)
{
    if (!d)
        return;
    net_frag_free(d->frag);
    net_tcp_free(d->tcp);
    free(d);
}

void net_decoder_flush(net_decoder *d)
{
    net_tcp_flush(d->tcp);
    net_frag_flush(d->frag);
}

uint64_t net_decoder_tcp_overlaps(const net_decoder *d) { return net_tcp_overlaps(d->tcp); }

/* ---- transport ----------------------------------------------------------- */

static net_res ip_decode(net_decoder *d, const net_meta *base, const uint8_t *p, uint32_t len,
                         int ver);

static net_res udp_decode(net_decoder *d, net_meta *m, const uint8_t *p, uint32_t len)
{
    net_cur c = net_cur_make(p, len);
    m->t.sport = net_cur_be16(&c);
    m->t.dport = net_cur_be16(&c);
    uint16_t ulen = net_cur_be16(&c);
    net_cur_skip(&c, 2);
    if (c.err)
        return R_MALFORMED; /* the IP payload is complete: a short UDP header is inconsistent */
    if (ulen < 8 || ulen > len)
        return R_MALFORMED; /* RFC 768: length covers header and data */
    m->t.proto = IMSEC_PROTO_UDP;
    d->st->udp++;
    const uint8_t *pl = p + 8;
    uint32_t n = (uint32_t)ulen - 8;
    if (m->t.sport == NET_IKE_PORT || m->t.dport == NET_IKE_PORT) {
        /* RFC 3948 §2.2: 0xff alone is a NAT-keepalive; a zero non-ESP
         * marker starts IKE; anything else is ESP starting at the SPI. */
        if (n == 1 && pl[0] == 0xff)
            return R_OK;
        if (n >= 4 && pl[0] == 0 && pl[1] == 0 && pl[2] == 0 && pl[3] == 0)
            return R_OK;
        if (n < 8)
            return R_MALFORMED;
        m->spi = (uint32_t)pl[0] << 24 | (uint32_t)pl[1] << 16 | (uint32_t)pl[2] << 8 | pl[3];
        if (d->sink.on_esp)
            d->sink.on_esp(d->sink.ud, m, pl, n);
        return R_OK;
    }
    if (d->sink.on_udp)
        d->sink.on_udp(d->sink.ud, m, pl, n);
    return R_OK;
}

static net_res tcp_decode(net_decoder *d, net_meta *m, const uint8_t *p, uint32_t len)
{
    net_cur c = net_cur_make(p, len);
    m->t.sport = net_cur_be16(&c);
    m->t.dport = net_cur_be16(&c);
    uint32_t seq = net_cur_be32(&c);
    net_cur_skip(&c, 4); /* ack */
    uint8_t off = net_cur_u8(&c);
    uint8_t flags = net_cur_u8(&c);
    net_cur_skip(&c, 6); /* window, checksum, urgent pointer */
    if (c.err)
        return R_MALFORMED;
    uint32_t hlen = (uint32_t)(off >> 4) * 4u;
    if (hlen < 20 || hlen > len)
        return R_MALFORMED; /* RFC 9293 §3.1 data offset */
    m->t.proto = IMSEC_PROTO_TCP;
    d->st->tcp++;
    net_tcp_segment(d->tcp, m, seq, flags, p + hlen, len - hlen);
    return R_OK;
}

/* RFC 9260 §3: common header, then chunks padded to 4 bytes. */
static net_res sctp_decode(net_decoder *d, net_meta *m, const uint8_t *p, uint32_t len)
{
    net_cur c = net_cur_make(p, len);
    m->t.sport = net_cur_be16(&c);
    m->t.dport = net_cur_be16(&c);
    net_cur_skip(&c, 8); /* verification tag, checksum */
    if (c.err)
        return R_MALFORMED;
    m->t.proto = IMSEC_PROTO_SCTP;
    d->st->sctp++;
    while (net_cur_left(&c) >= 4) {
        const uint8_t *chunk = c.p;
        uint8_t type = net_cur_u8(&c);
        uint8_t cflags = net_cur_u8(&c);
        uint16_t clen = net_cur_be16(&c);
        if (clen < 4 || clen > net_cur_left(&c) + 4u)
            return R_MALFORMED;
        net_cur body = net_cur_make(chunk + 4, (size_t)clen - 4u);
        size_t pad = ((size_t)clen + 3u) / 4u * 4u - 4u;
        if (pad > net_cur_left(&c))
            pad = net_cur_left(&c); /* the last chunk's padding may be absent */
        net_cur_skip(&c, pad);
        uint32_t hdr;
        if (type == 0)
            hdr = 12; /* DATA: TSN, stream id, SSN, PPID (RFC 9260 §3.3.1) */
        else if (type == 64)
            hdr = 16; /* I-DATA: TSN, stream id, reserved, MID, PPID/FSN (RFC 8260 §2.1) */
        else
            continue;
        if (net_cur_left(&body) < hdr)
            return R_MALFORMED;
        /* Only whole user messages (B and E bits) go to the sink; an SCTP
         * message split over several chunks is not rebuilt. */
        if ((cflags & 0x03) != 0x03)
            continue;
        net_cur_skip(&body, hdr - 4);
        uint32_t ppid = net_cur_be32(&body);
        net_meta mm = *m;
        mm.spi = ppid;
        if (d->sink.on_sctp)
            d->sink.on_sctp(d->sink.ud, &mm, body.p, (uint32_t)net_cur_left(&body));
    }
    return R_OK;
}

static net_res esp_deliver(net_decoder *d, net_meta *m, const uint8_t *p, uint32_t len)
{
    if (len < 8)
        return R_MALFORMED; /* SPI and sequence number, RFC 4303 §2 */
    m->t.proto = IMSEC_PROTO_ESP;
    m->t.sport = m->t.dport = 0;
    m->spi = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    if (d->sink.on_esp)
        d->sink.on_esp(d->sink.ud, m, p, len);
    return R_OK;
}

/* The payload of one complete IP datagram (not truncated). */
static net_res l4_decode(net_decoder *d, net_meta *m, uint8_t proto, const uint8_t *p,
                         uint32_t len)
{
    switch (proto) {
    case IMSEC_PROTO_UDP:
        return udp_decode(d, m, p, len);
    case IMSEC_PROTO_TCP:
        return tcp_decode(d, m, p, len);
    case IMSEC_PROTO_SCTP:
        return sctp_decode(d, m, p, len);
    case IMSEC_PROTO_ESP:
        return esp_deliver(d, m, p, len);
    case 4:
    case 41:
        /* IP in IP (RFC 2003, RFC 2473): decode the inner packet. */
        if (d->depth >= 4)
            return R_OK;
        return ip_decode(d, m, p, len, proto == 4 ? 4 : 6);
    default:
        d->st->other_l4++;
        return R_OK;
    }
}

/* IPv6 extension header chain (RFC 8200 §4), starting at next header nh over
 * the bytes in c. frag: fragment header seen before (reassembled payload). */
static net_res ip6_chain(net_decoder *d, net_meta *m, uint8_t nh, net_cur c, bool reassembled)
{
    for (int i = 0; i < NET_MAX_EXTHDR; i++) {
        switch (nh) {
        case 0:   /* hop-by-hop options */
        case 43:  /* routing */
        case 60:  /* destination options */
        case 135: /* mobility (RFC 6275) */
        case 139: /* HIP */
        case 140: /* shim6 */
        {
            uint8_t next = net_cur_u8(&c);
            uint8_t hl = net_cur_u8(&c);
            net_cur_skip(&c, (size_t)hl * 8u + 6u);
            if (c.err)
                return R_MALFORMED;
            nh = next;
            continue;
        }
        case 51: { /* AH (RFC 4302 §2.2): length in 4-byte units minus 2 */
            uint8_t next = net_cur_u8(&c);
            uint8_t pl = net_cur_u8(&c);
            net_cur_skip(&c, (size_t)pl * 4u + 6u);
            if (c.err)
                return R_MALFORMED;
            nh = next;
            continue;
        }
        case 44: { /* fragment (RFC 8200 §4.5) */
            uint8_t next = net_cur_u8(&c);
            net_cur_skip(&c, 1);
            uint16_t offm = net_cur_be16(&c);
            uint32_t id = net_cur_be32(&c);
            if (c.err || reassembled)
                return R_MALFORMED;
            uint32_t off = offm & 0xfff8u;
            bool more = offm & 1u;
            if (off == 0 && !more) { /* atomic fragment (RFC 6946) */
                nh = next;
                continue;
            }
            d->st->ip_fragments++;
            net_frag_key k = {.src = m->t.src, .dst = m->t.dst, .id = id, .proto = 0, .ver = 6};
            const uint8_t *out;
            uint32_t outlen;
            uint8_t proto;
            if (!net_frag_add(d->frag, &k, m->ts, off, more, next, c.p,
                              (uint32_t)net_cur_left(&c), &out, &outlen, &proto))
                return R_OK;
            d->st->ip_reassembled++;
            m->flags |= NET_F_FRAGMENTED;
            return ip6_chain(d, m, proto, net_cur_make(out, outlen), true);
        }
        case 59: /* no next header */
            return R_OK;
        default:
            return l4_decode(d, m, nh, c.p, (uint32_t)net_cur_left(&c));
        }
    }
    return R_MALFORMED;
}

static net_res ip4_decode(net_decoder *d, net_meta *m, net_cur c)
{
    uint8_t vihl = net_cur_u8(&c);
    net_cur_skip(&c, 1);
    uint16_t tot = net_cur_be16(&c);
    uint16_t id = net_cur_be16(&c);
    uint16_t fo = net_cur_be16(&c);
    uint8_t ttl = net_cur_u8(&c);
    uint8_t proto = net_cur_u8(&c);
    net_cur_skip(&c, 2);
    m->t.src.family = m->t.dst.family = 4;
    memset(m->t.src.a, 0, 16);
    memset(m->t.dst.a, 0, 16);
    net_cur_bytes(&c, m->t.src.a, 4);
    net_cur_bytes(&c, m->t.dst.a, 4);
    if (c.err)
        return R_TRUNC;
    uint32_t hl = (uint32_t)(vihl & 0x0f) * 4u;
    if (tot == 0 && !(fo & 0x3fffu)) {
        /* Total length 0 on a captured segmentation-offload packet (the
         * host captured before the NIC split it): take what was captured,
         * as Wireshark does. */
        size_t avail = net_cur_left(&c) + 20u;
        tot = (uint16_t)(avail > 65535u ? 65535u : avail);
    }
    if ((vihl >> 4) != 4 || hl < 20 || tot < hl)
        return R_MALFORMED; /* RFC 791 §3.1 */
    net_cur_skip(&c, hl - 20); /* options */
    if (c.err)
        return R_TRUNC;
    int trunc;
    net_cur body = net_cur_sub(&c, (size_t)tot - hl, &trunc);
    if (trunc)
        return R_TRUNC;
    m->ip_ver = 4;
    m->ttl = ttl;
    const uint8_t *p = body.p;
    uint32_t len = (uint32_t)net_cur_left(&body);
    uint32_t off = (uint32_t)(fo & 0x1fffu) * 8u;
    bool more = (fo & 0x2000u) != 0;
    if (off || more) {
        d->st->ip_fragments++;
        net_frag_key k = {.src = m->t.src, .dst = m->t.dst, .id = id, .proto = proto, .ver = 4};
        const uint8_t *out;
        uint32_t outlen;
        uint8_t pr;
        if (!net_frag_add(d->frag, &k, m->ts, off, more, proto, p, len, &out, &outlen, &pr))
            return R_OK;
        d->st->ip_reassembled++;
        m->flags |= NET_F_FRAGMENTED;
        p = out;
        len = outlen;
    }
    if (proto == 51) { /* AH in IPv4 (RFC 4302 §2.2) */
        net_cur a = net_cur_make(p, len);
        proto = net_cur_u8(&a);
        uint8_t al = net_cur_u8(&a);
        net_cur_skip(&a, (size_t)al * 4u + 6u);
        if (a.err)
            return R_MALFORMED;
        p = a.p;
        len = (uint32_t)net_cur_left(&a);
    }
    return l4_decode(d, m, proto, p, len);
}

static net_res ip6_decode(net_decoder *d, net_meta *m, net_cur c)
{
    uint32_t vtf = net_cur_be32(&c);
    uint16_t plen = net_cur_be16(&c);
    uint8_t nh = net_cur_u8(&c);
    uint8_t hlim = net_cur_u8(&c);
    m->t.src.family = m->t.dst.family = 6;
    net_cur_bytes(&c, m->t.src.a, 16);
    net_cur_bytes(&c, m->t.dst.a, 16);
    if (c.err)
        return R_TRUNC;
    if ((vtf >> 28) != 6 || plen == 0)
        return R_MALFORMED; /* jumbograms (RFC 2675) are not supported */
    int trunc;
    net_cur body = net_cur_sub(&c, plen, &trunc);
    if (trunc)
        return R_TRUNC;
    m->ip_ver = 6;
    m->ttl = hlim;
    return ip6_chain(d, m, nh, body, false);
}

static net_res ip_decode(net_decoder *d, const net_meta *base, const uint8_t *p, uint32_t len,
                         int ver)
{
    net_meta m = *base;
    net_cur c = net_cur_make(p, len);
    if (ver == 0) {
        if (len == 0)
            return R_TRUNC;
        ver = p[0] >> 4;
    }
    d->depth++;
    net_res r = ver == 4 ? ip4_decode(d, &m, c) : ver == 6 ? ip6_decode(d, &m, c) : R_MALFORMED;
    d->depth--;
    return r;
}

/* ---- link layers ----------------------------------------------------------- */

static void count(net_decoder *d, net_res r)
{
    if (r == R_TRUNC)
        d->st->truncated++;
    else if (r == R_MALFORMED)
        d->st->malformed_ip++;
}

/* Maps an ethertype to an IP version; 0 if not IP. */
static int ethertype_ver(uint16_t et) { return et == ET_IPV4 ? 4 : et == ET_IPV6 ? 6 : 0; }

/* Strips the link header off c. Returns the IP version announced by the link
 * (4, 6; 0 = look at the first nibble) or -1 when there is nothing for us
 * (not IP, damaged or unsupported link; counted here). */
static int link_strip(net_decoder *d, const imsec_frame *f, net_cur *c)
{
    uint16_t et = 0;
    switch (f->linktype) {
    case LT_EN10MB:
        net_cur_skip(c, 12);
        et = net_cur_be16(c);
        for (int i = 0; (et == ET_VLAN || et == ET_QINQ || et == ET_QINQ_OLD) && !c->err; i++) {
            if (i == NET_MAX_VLAN) {
                count(d, R_MALFORMED);
                return -1;
            }
            net_cur_skip(c, 2); /* TCI (IEEE 802.1Q) */
            et = net_cur_be16(c);
        }
        break;
    case LT_LINUX_SLL: /* packet type, ARPHRD, addr len, addr[8], protocol */
        net_cur_skip(c, 14);
        et = net_cur_be16(c);
        break;
    case LT_LINUX_SLL2: /* protocol, reserved, ifindex, ARPHRD, type, addr len, addr[8] */
        et = net_cur_be16(c);
        net_cur_skip(c, 18);
        break;
    case LT_RAW_DLT12:
    case LT_RAW_DLT14:
    case LT_RAW:
        return 0;
    case LT_IPV4:
        return 4;
    case LT_IPV6:
        return 6;
    case LT_NULL:
    case LT_LOOP: {
        /* The family is in the capturing host's byte order for NULL and in
         * network order for LOOP; accept either. AF_INET is 2 everywhere,
         * AF_INET6 is 10 (Linux), 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (Darwin). */
        uint32_t fam = net_cur_be32(c);
        if (c->err) {
            count(d, R_TRUNC);
            return -1;
        }
        if (fam & 0xffff0000u)
            fam = (fam >> 24) | ((fam >> 8) & 0xff00u) | ((fam << 8) & 0xff0000u) | (fam << 24);
        return fam == 2 ? 4 : (fam == 10 || fam == 24 || fam == 28 || fam == 30) ? 6 : -1;
    }
    default:
        if (d->st->unsupported_link++ == 0)
            d->st->first_unsupported_link = (uint64_t)(int64_t)f->linktype;
        return -1;
    }
    if (c->err) {
        count(d, R_TRUNC);
        return -1;
    }
    int ver = ethertype_ver(et);
    return ver ? ver : -1; /* ARP, LLDP...: nothing for us */
}

void net_decode_frame(net_decoder *d, const imsec_frame *f)
{
    d->st->frames++;
    d->st->bytes += f->caplen;
    if (d->st->frames == 1 || f->ts.sec < d->st->first_ts.sec ||
        (f->ts.sec == d->st->first_ts.sec && f->ts.usec < d->st->first_ts.usec))
        d->st->first_ts = f->ts;
    if (f->ts.sec > d->st->last_ts.sec ||
        (f->ts.sec == d->st->last_ts.sec && f->ts.usec > d->st->last_ts.usec))
        d->st->last_ts = f->ts;

    net_cur c = net_cur_make(f->data, f->caplen);
    int ver = link_strip(d, f, &c);
    if (ver < 0)
        return;
    net_meta m;
    memset(&m, 0, sizeof m);
    m.frame = f->frame_no;
    m.ts = f->ts;
    count(d, ip_decode(d, &m, c.p, (uint32_t)net_cur_left(&c), ver));
}

void net_decode_transport(net_decoder *d, const net_meta *outer, uint8_t next_header,
                          const uint8_t *p, uint32_t len)
{
    net_meta m = *outer;
    m.flags |= NET_F_ESP;
    net_res r;
    switch (next_header) {
    case 4:
    case 41: /* tunnel mode: the inner packet, RFC 4303 §3.1.2 */
        if (d->depth >= 4)
            return;
        r = ip_decode(d, &m, p, len, next_header == 4 ? 4 : 6);
        break;
    case 59:
        return; /* dummy packet (RFC 4303 §2.6) */
    default:
        r = l4_decode(d, &m, next_header, p, len);
        break;
    }
    count(d, r);
}
