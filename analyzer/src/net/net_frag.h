/* net_frag: IPv4 and IPv6 fragment reassembly (RFC 791 §3.2, RFC 8200 §4.5).
 *
 * A bounded table of datagrams under reassembly, keyed by (version, src, dst,
 * id, proto) and hashed with keyed SipHash (attackers choose the ids).
 * Bounds: frag_max_datagrams concurrent datagrams, frag_max_bytes per
 * datagram (never more than 65535), frag_max_total over all buffers. When the
 * table or the memory budget is full the oldest datagram is dropped
 * (stats->ev_fragments). A datagram older than frag_timeout_s (packet time,
 * from its first fragment, as Linux ipfrag_time) is dropped
 * (stats->frag_timeouts).
 *
 * Overlap policy: first-wins. Bytes already received are never overwritten by
 * a later fragment; every fragment that brings any already-held byte counts
 * once in stats->frag_overlaps. Because offsets are multiples of 8 and every
 * non-final fragment's length is too (RFC 791, RFC 8200), coverage is kept as
 * a bitmap of 8-byte blocks. Inconsistent fragments (a second, different end;
 * data beyond the end; a datagram over 65535 bytes; a non-final fragment whose
 * length is not a multiple of 8) drop the datagram (stats->malformed_ip). */
#ifndef IMSEC_NET_FRAG_H
#define IMSEC_NET_FRAG_H

#include <stdbool.h>
#include <stdint.h>

#include "imsec/imsec.h"
#include "net/net.h"

typedef struct {
    imsec_addr src, dst;
    uint32_t id;   /* IPv4: 16-bit Identification; IPv6: 32-bit */
    uint8_t proto; /* IPv4: protocol (part of the key); IPv6: 0 */
    uint8_t ver;   /* 4 or 6 */
} net_frag_key;

typedef struct net_frag net_frag;

net_frag *net_frag_new(const net_limits *lim, const uint8_t hashkey[16], imsec_stats *st);
void net_frag_free(net_frag *f);

/* Add one fragment. off is the byte offset of p in the datagram payload, more
 * the MF bit; proto is the protocol this fragment announces (IPv6: the
 * fragment header's next header; kept from the offset-0 fragment).
 * Returns true when this fragment completed the datagram: *out (valid until
 * the next call on f), *outlen and *proto_out describe the rebuilt payload. */
IMSEC_NODISCARD bool net_frag_add(net_frag *f, const net_frag_key *k, imsec_ts now, uint32_t off,
                                  bool more, uint8_t proto, const uint8_t *p, uint32_t len,
                                  const uint8_t **out, uint32_t *outlen, uint8_t *proto_out);

/* Drop datagrams whose first fragment is older than the timeout at now. */
void net_frag_expire(net_frag *f, imsec_ts now);
/* End of input: drop every incomplete datagram (counted as timeouts). */
void net_frag_flush(net_frag *f);
/* Datagrams currently held (for tests). */
uint32_t net_frag_pending(const net_frag *f);

#endif
