/* imsec/capture.h — frame sources: capture files and live interfaces.
 *
 * Files: every file is opened up front, so a missing or non-capture file
 * fails before any analysis; files are read ordered by the time of their
 * first packet, and frames are numbered from 1 across all of them, as
 * Wireshark numbers a merged capture. A truncated or corrupt file is read
 * up to the damage, which is recorded, and reading goes on with the next.
 *
 * Live: one libpcap handle per interface, opened (with privileges) before
 * the caller drops them, then read from its own thread: imsec_live_poll
 * waits on the handle with a timeout and hands every waiting packet to a
 * callback. One thread per handle; nothing here touches global state. */
#ifndef IMSEC_CAPTURE_H
#define IMSEC_CAPTURE_H

#include "imsec/imsec.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct imsec_capture imsec_capture;

/* NULL with err naming the file on failure. */
imsec_capture *imsec_capture_open(const char *const *paths, size_t n, char err[IMSEC_ERRBUF]);
/* 1: *out holds the next frame (data valid until the next call or close); 0: the end. */
IMSEC_NODISCARD int imsec_capture_next(imsec_capture *c, imsec_frame *out);
/* Damage so far, one line per damaged file ("" if none); *count (may be
 * NULL) gets the number of damaged files. */
const char *imsec_capture_damage(const imsec_capture *c, uint32_t *count);
/* Sum of the file sizes and how far reading has got (progress). */
uint64_t imsec_capture_bytes_total(const imsec_capture *c);
uint64_t imsec_capture_bytes_read(const imsec_capture *c);
void imsec_capture_close(imsec_capture *c);

typedef struct {
    const char *iface;
    const char *filter;  /* NULL: imsec_live_filter(false); "": no filter */
    int snaplen;         /* 0: 262144 */
    int buffer_mib;      /* kernel buffer; 0: 32 MiB */
    bool promisc;
} imsec_live_opts;

typedef struct imsec_live imsec_live;

typedef void (*imsec_live_cb)(void *ud, const imsec_ts *ts, uint32_t caplen, uint32_t wirelen,
                              const uint8_t *data);

typedef struct {
    uint64_t received;    /* packets that passed the filter */
    uint64_t dropped;     /* dropped by the kernel for lack of buffer */
    uint64_t if_dropped;  /* dropped by the interface */
} imsec_live_counters;

/* The default capture filter (SIP, ESP, SCTP, fragments, also under VLAN
 * tags), with RTP/RTCP added when media. */
const char *imsec_live_filter(bool media);
/* NULL with err naming the interface and the problem. */
imsec_live *imsec_live_open(const imsec_live_opts *o, char err[IMSEC_ERRBUF]);
int imsec_live_linktype(const imsec_live *c);
const char *imsec_live_iface(const imsec_live *c);
/* Packets may wait this long in a partly filled kernel block before they
 * can be read (TPACKET_V3 block timeout): a reader draining a handle at stop
 * polls at least this long once. */
#define IMSEC_LIVE_BLOCK_MS 10
/* Waits up to timeout_ms and delivers at most max packets: the number
 * delivered, or IMSEC_E_IO with err set (the interface went away). */
IMSEC_NODISCARD int imsec_live_poll(imsec_live *c, int timeout_ms, int max, imsec_live_cb cb,
                                    void *ud, char err[IMSEC_ERRBUF]);
/* Kernel counters since open (from the reading thread only). */
void imsec_live_stats(imsec_live *c, imsec_live_counters *out);
void imsec_live_close(imsec_live *c);

#ifdef __cplusplus
}
#endif
#endif
