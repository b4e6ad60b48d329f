/* net_tcp: per-flow, per-direction TCP stream reassembly (RFC 9293).
 *
 * Flows live in a fixed pool of tcp_max_flows entries, found through a keyed
 * SipHash table (O(1)), kept on an LRU list: when the pool is full the least
 * recently used flow is flushed and dropped (stats->ev_tcp_flows); a flow
 * idle longer than tcp_timeout_s (packet time) is flushed and dropped.
 *
 * Each direction starts from its SYN, or from the first segment seen
 * (mid-stream pickup). Delivery follows the sink contract of net.h: on_tcp
 * gets every unconsumed in-order byte and returns how many it used; the rest
 * is kept (buffer with a start offset, compacted only when the start passes
 * half of it, so repeated partial consumption stays linear).
 *
 * Overlaps and retransmissions: first-wins. Bytes already delivered or held
 * out of order are never replaced by a later copy (RFC 9293 leaves this to
 * the receiver; first-wins matches the BSD/Linux receive queue for data
 * already acknowledged). Each segment bringing any already-held byte counts
 * once in net_tcp_overlaps().
 *
 * Holes: when the out-of-order data plus the unconsumed data of a direction
 * exceeds tcp_max_flow_bytes, when a hole is older than NET_TCP_HOLE_TIMEOUT_S,
 * or at FIN/RST/flush/timeout, the hole is skipped: the unconsumed bytes
 * before it are dropped, stats->tcp_gaps counts it and the next delivery has
 * NET_F_GAP. Unconsumed in-order data beyond tcp_max_flow_bytes is dropped
 * (stats->tcp_resync) and the next delivery has NET_F_GAP.
 *
 * TLS: a direction whose first bytes look like a TLS record header
 * (0x16 0x03 0x00-0x04, RFC 8446 §5.1) is not delivered; stats->tls counts
 * the flow once.
 *
 * Close: when a direction's FIN is reached (all data before it delivered) or
 * on RST, the sink gets a last call with NET_F_FIN (len may be 0 when nothing
 * is left) if that direction ever carried data. */
#ifndef IMSEC_NET_TCP_H
#define IMSEC_NET_TCP_H

#include <stdint.h>

#include "imsec/imsec.h"
#include "net/net.h"

#define NET_TCP_HOLE_TIMEOUT_S 5

enum { NET_TCP_FIN = 0x01, NET_TCP_SYN = 0x02, NET_TCP_RST = 0x04 };

typedef struct net_tcp net_tcp;

net_tcp *net_tcp_new(const net_limits *lim, const uint8_t hashkey[16], imsec_stats *st,
                     const net_sink *sink);
void net_tcp_free(net_tcp *t);
/* One segment: m gives the tuple (src = sender), frame and time; flags are
 * the TCP header flags; p/len the segment payload (all captured). */
void net_tcp_segment(net_tcp *t, const net_meta *m, uint32_t seq, uint8_t flags,
                     const uint8_t *p, uint32_t len);
/* End of input: deliver what every flow holds (NET_F_FIN) and drop them. */
void net_tcp_flush(net_tcp *t);
/* Segments that overlapped bytes already held (first-wins). */
uint64_t net_tcp_overlaps(const net_tcp *t);
/* Flows currently tracked (for tests). */
uint32_t net_tcp_flows(const net_tcp *t);

#endif
