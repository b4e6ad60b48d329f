/* cap_live: one live libpcap capture (one interface).
 *
 * A thin, checked wrapper around pcap_create/pcap_activate so the CLI can
 * open every interface before it drops privileges, then read each one from
 * its own thread. The handle is non-blocking: cap_live_poll waits on the
 * selectable fd with a timeout and hands every waiting packet to a callback,
 * so a reader thread can notice a stop request within the timeout.
 *
 * Not thread-safe per handle: one thread reads a handle; cap_live_stats may
 * be called from that thread only (the CLI copies the numbers into its own
 * atomics). Nothing here touches global state. */
#ifndef IMSEC_CAPTURE_CAP_LIVE_H
#define IMSEC_CAPTURE_CAP_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "imsec/imsec.h"
#include "imsec/capture.h"

/* The default capture filter (tcpdump syntax), chosen to keep everything the
 * engine can use and to drop bulk traffic it cannot:
 *  - SIP on 5060-5061 (RFC 3261 §18.1, UDP/TCP) and the IMS AKA protected
 *    ports: port_c/port_s are chosen by the UE and the P-CSCF (TS 33.203
 *    §7.1, RFC 3329 Security-Client/Server); P-CSCFs commonly take them
 *    just above 5060 (e.g. 5062-5063, 5100-5104) or around 6100, so
 *    5060-5199 and 6000-6199 are kept, UDP and TCP;
 *  - ESP (IP proto 50) and UDP 4500 (ESP in UDP, RFC 3948) because
 *    protected SIP travels there;
 *  - every SCTP packet (IP proto 132; SIP over SCTP, RFC 4168);
 *  - every IPv4 fragment after the first (no ports to match) and IPv6
 *    fragments (next header 44), since SIP over UDP is often fragmented;
 *  - RTP/RTCP in the even/odd UDP range 10000-65535 is NOT kept by default
 *    (it is most of the volume and only SDP matters to the detectors); add
 *    it with CAP_LIVE_FILTER_MEDIA or -f.
 * Each part is also applied to VLAN-tagged frames ("or (vlan and ...)"). */
#define CAP_LIVE_FILTER_CORE                                                                    \
    "(udp portrange 5060-5199 or tcp portrange 5060-5199 or sctp or "                          \
    "udp portrange 6000-6199 or tcp portrange 6000-6199 or ip proto 50 or ip6 proto 50 or "     \
    "udp port 4500 or (ip[6:2] & 0x1fff != 0) or ip6[6] == 44)"
#define CAP_LIVE_FILTER_DEFAULT CAP_LIVE_FILTER_CORE " or (vlan and " CAP_LIVE_FILTER_CORE ")"
/* Adds RTP/RTCP (the usual dynamic range) for media detectors. */
#define CAP_LIVE_FILTER_MEDIA CAP_LIVE_FILTER_DEFAULT " or udp portrange 10000-65535"

typedef struct {
    const char *iface;
    const char *filter;  /* NULL: CAP_LIVE_FILTER_DEFAULT; "" : no filter */
    int snaplen;         /* 0: 262144 */
    int buffer_mib;      /* kernel buffer; 0: 32 MiB */
    bool promisc;
} cap_live_opts;

typedef struct cap_live cap_live;

/* Called for each packet; data is valid only during the call. */
typedef void (*cap_live_cb)(void *ud, const imsec_ts *ts, uint32_t caplen, uint32_t wirelen,
                            const uint8_t *data);

typedef struct {
    uint64_t received;    /* pcap_stats ps_recv (packets that passed the filter) */
    uint64_t dropped;     /* ps_drop: dropped by the kernel for lack of buffer */
    uint64_t if_dropped;  /* ps_ifdrop */
} cap_live_counters;

/* Longest time a captured packet waits in a partly filled kernel block
 * before it can be read (TPACKET_V3 block timeout; see cap_live_open). A
 * reader that drains the handle at stop polls at least this long once. */
#define CAP_LIVE_BLOCK_MS IMSEC_LIVE_BLOCK_MS

/* Opens, activates (buffered TPACKET_V3 with a CAP_LIVE_BLOCK_MS block
 * timeout, non-blocking) and installs the filter.
 * NULL with err naming the interface and the problem. */
cap_live *cap_live_open(const cap_live_opts *o, char err[IMSEC_ERRBUF]);
/* pcap link type (DLT_*) of the handle. */
int cap_live_linktype(const cap_live *c);
const char *cap_live_iface(const cap_live *c);
/* Waits up to timeout_ms for packets and delivers at most max of them.
 * Returns the number delivered (>= 0) or IMSEC_E_IO (err holds why; the
 * interface went away). */
IMSEC_NODISCARD int cap_live_poll(cap_live *c, int timeout_ms, int max, cap_live_cb cb, void *ud,
                                  char err[IMSEC_ERRBUF]);
/* Kernel counters since open; pcap_stats counters are 32 bit on Linux and
 * wrap, so successive calls are widened to 64 bits here. */
void cap_live_stats(cap_live *c, cap_live_counters *out);
void cap_live_close(cap_live *c);

#endif
