/* sip_stream: finds SIP messages in the in-order bytes of one TCP direction.
 *
 * The TCP layer (net.h on_tcp) hands over all unconsumed contiguous bytes and
 * offers the rest again when more arrive. The caller loops:
 *
 *     sip_stream_item it;
 *     while (sip_stream_next(&st, p, len, gap, hdrs, cap, &m, &it) != SIP_STREAM_NEED_MORE) {
 *         if (it.kind == SIP_STREAM_MSG) handle(&m);
 *         p += it.len; len -= it.len; used += it.len; gap = false;
 *     }
 *     return used;
 *
 * Every item except NEED_MORE must be consumed exactly (it.len bytes).
 * sip_stream keeps how far it already searched for the end of the header
 * section and, once the headers are complete, how many bytes the message
 * needs, so bytes are not rescanned from the start on every segment
 * (picohttpparser's last_len). Nothing is buffered here. */
#ifndef IMSEC_SIP_STREAM_H
#define IMSEC_SIP_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "imsec/imsec.h"
#include "sip/sip_msg.h"

typedef enum {
    SIP_STREAM_NEED_MORE = 0, /* nothing complete yet: consume nothing */
    SIP_STREAM_MSG,           /* *m holds one message of it.len bytes (leading CRLFs included) */
    SIP_STREAM_KEEPALIVE,     /* it.len CR/LF bytes before a message (RFC 5626 §4.4.1, RFC 3261 §7.5) */
    SIP_STREAM_SKIP,          /* it.len bytes that are not SIP were skipped; it.rc says why */
} sip_stream_kind;

typedef struct {
    uint32_t scanned; /* bytes at the start of the buffer already searched for CRLFCRLF */
    uint32_t need;    /* bytes the pending message needs (0: unknown yet) */
    bool resync;      /* after a gap or an error: the next bytes must start a message */
} sip_stream;

typedef struct {
    sip_stream_kind kind;
    uint32_t len; /* bytes to consume */
    int rc;       /* SKIP: IMSEC_E_MALFORMED (garbage / bad message) or IMSEC_E_LIMIT */
    bool after_gap; /* SKIP: the skipped bytes followed a gap */
    uint8_t cl;     /* SKIP: SIP_CL_* when a bad Content-Length made the message unframeable */
} sip_stream_item;

void sip_stream_init(sip_stream *st);

/* Looks at buf[0..len) (the unconsumed bytes). gap: bytes were lost before
 * buf (NET_F_GAP), so buf may start inside a message. On SIP_STREAM_MSG, *m
 * is parsed in SIP_MODE_STREAM into hdrs/cap and its slices point into buf.
 * Returns the item kind (also in out->kind). */
sip_stream_kind sip_stream_next(sip_stream *st, const uint8_t *buf, uint32_t len, bool gap,
                                sip_hdr *hdrs, uint16_t cap, sip_msg *m, sip_stream_item *out);

#endif
