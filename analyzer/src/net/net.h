/* net: raw frame -> link -> IPv4/IPv6 -> fragments -> UDP / TCP / SCTP / ESP.
 *
 * The decoder owns the fragment and TCP reassembly tables (bounded, with
 * timeouts on packet time) and hands transport payloads to a sink. It knows
 * nothing about SIP: a TCP consumer says how many bytes it used, and the
 * decoder keeps the rest (Suricata's AppLayerResult contract).
 * Payload pointers passed to the sink are valid only during the callback. */
#ifndef IMSEC_NET_H
#define IMSEC_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "imsec/imsec.h"

enum {
    NET_F_FRAGMENTED = 1u << 0, /* payload rebuilt from IP fragments */
    NET_F_ESP = 1u << 1,        /* payload came out of ESP (decrypted or NULL) */
    NET_F_GAP = 1u << 2,        /* TCP: bytes were lost before this data; resync */
    NET_F_FIN = 1u << 3,        /* TCP: the direction is closing (FIN/RST/flush) */
};

typedef struct {
    uint64_t frame;      /* frame that delivered / completed this payload */
    imsec_ts ts;
    imsec_tuple t;       /* addresses, ports, transport protocol */
    uint32_t flags;      /* NET_F_* */
    uint32_t spi;        /* with NET_F_ESP: SPI of the outer ESP header */
    uint8_t ip_ver;      /* 4 or 6 */
    uint8_t ttl;         /* IPv4 TTL / IPv6 hop limit */
} net_meta;

typedef struct {
    void *ud;
    /* One UDP datagram's payload. */
    void (*on_udp)(void *ud, const net_meta *m, const uint8_t *p, uint32_t len);
    /* ESP (IP proto 50, or UDP-encapsulated on 4500 after the non-ESP
     * marker check): p points at the SPI field. */
    void (*on_esp)(void *ud, const net_meta *m, const uint8_t *p, uint32_t len);
    /* TCP: all contiguous, in-order, not yet consumed bytes of one direction.
     * Return how many bytes were consumed (0..len); the rest is offered again,
     * with more, when the next in-order data arrives. */
    uint32_t (*on_tcp)(void *ud, const net_meta *m, const uint8_t *p, uint32_t len);
    /* SCTP: the user data of one DATA chunk (p = payload, ppid in m->spi). */
    void (*on_sctp)(void *ud, const net_meta *m, const uint8_t *p, uint32_t len);
} net_sink;

typedef struct {
    uint32_t frag_max_datagrams;   /* concurrent reassemblies */
    uint32_t frag_max_bytes;       /* per datagram (<= 65535 + header) */
    uint64_t frag_max_total;       /* all reassembly buffers together */
    uint32_t frag_timeout_s;       /* on packet time */
    uint32_t tcp_max_flows;
    uint32_t tcp_max_flow_bytes;   /* buffered per direction (in order + out of order) */
    uint64_t tcp_max_total;
    uint32_t tcp_timeout_s;        /* idle flow timeout, on packet time */
} net_limits;

/* Sensible defaults for offline analysis of multi-GB captures. */
void net_limits_default(net_limits *l);

typedef struct net_decoder net_decoder;

/* stats is borrowed: the decoder adds to its counters (frames, bytes, udp,
 * tcp, sctp, tls, ip_fragments, truncated, malformed_ip, unsupported_link,
 * tcp_gaps, frag_*, ev_tcp_flows, ev_fragments...). */
net_decoder *net_decoder_new(const net_limits *lim, const uint8_t hashkey[16],
                             imsec_stats *stats, const net_sink *sink);
void net_decoder_free(net_decoder *d);
/* Decode one captured frame and deliver its payloads to the sink. */
void net_decode_frame(net_decoder *d, const imsec_frame *f);
/* Re-enter at the transport layer with a transport-mode ESP payload:
 * outer gives addresses, frame and time; next_header is the ESP trailer's.
 * Delivered meta carries NET_F_ESP and outer->spi. */
void net_decode_transport(net_decoder *d, const net_meta *outer, uint8_t next_header,
                          const uint8_t *p, uint32_t len);
/* End of input: hand over what TCP still holds (with NET_F_FIN), drop
 * incomplete fragments (counted as timeouts). */
void net_decoder_flush(net_decoder *d);
/* TCP segments that overlapped bytes already held (first-wins policy); not
 * in imsec_stats, which has no field for it. */
uint64_t net_decoder_tcp_overlaps(const net_decoder *d);

#endif
