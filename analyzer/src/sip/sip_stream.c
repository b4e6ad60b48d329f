#include "sip/sip_stream.h"

#include <string.h>

/* How far into a candidate first line we look for its LF before calling the
 * bytes garbage. Longer request lines exist only in attacks. */
#define SIP_STREAM_LINE_MAX 8192u

void sip_stream_init(sip_stream *st)
{
    memset(st, 0, sizeof(*st));
}

static void reset(sip_stream *st)
{
    st->scanned = 0;
    st->need = 0;
}

/* Offset just after the empty line ending the header section, searching
 * from `from`; 0 if not found. Accepts CRLF CRLF and tolerated bare LFs. */
static uint32_t header_end(const uint8_t *buf, uint32_t len, uint32_t from)
{
    uint32_t i = from;
    while (i < len) {
        const uint8_t *l = memchr(buf + i, '\n', len - i);
        if (!l)
            return 0;
        uint32_t k = (uint32_t)(l - buf) + 1;
        if (k < len && buf[k] == '\n')
            return k + 1;
        if (k + 1 < len && buf[k] == '\r' && buf[k + 1] == '\n')
            return k + 2;
        i = k;
    }
    return 0;
}

/* Skip to the next plausible start line after offset 0 (or everything). */
static sip_stream_kind skip(sip_stream *st, const uint8_t *buf, uint32_t len, int rc,
                            sip_stream_item *out)
{
    long off = sip_msg_find_start(buf, len, 1);
    reset(st);
    st->resync = true;
    out->kind = SIP_STREAM_SKIP;
    out->len = off > 0 ? (uint32_t)off : len;
    out->rc = rc;
    return out->kind;
}

sip_stream_kind sip_stream_next(sip_stream *st, const uint8_t *buf, uint32_t len, bool gap,
                                sip_hdr *hdrs, uint16_t cap, sip_msg *m, sip_stream_item *out)
{
    memset(out, 0, sizeof(*out));
    out->kind = SIP_STREAM_NEED_MORE;
    if (gap) {
        reset(st);
        st->resync = true;
        out->after_gap = true;
    }
    if (!buf || len == 0)
        return out->kind;

    /* Keep-alives and stray line ends between messages (RFC 3261 §7.5). */
    if (buf[0] == '\r' || buf[0] == '\n') {
        uint32_t n = 0;
        while (n < len && (buf[n] == '\r' || buf[n] == '\n'))
            n++;
        reset(st);
        out->kind = SIP_STREAM_KEEPALIVE;
        out->len = n;
        return out->kind;
    }

    /* Waiting for a body of known length: O(1) until it is there. */
    if (st->need && len < st->need)
        return out->kind;

    /* The first line must be (the beginning of) a start line; otherwise the
     * bytes are garbage or the middle of a message after a gap. */
    if (st->scanned == 0 || st->resync) {
        uint32_t look = len < SIP_STREAM_LINE_MAX ? len : SIP_STREAM_LINE_MAX;
        const uint8_t *l = memchr(buf, '\n', look);
        if (!l && look == SIP_STREAM_LINE_MAX)
            return skip(st, buf, len, IMSEC_E_LIMIT, out);
        if (sip_msg_find_start(buf, l ? (uint32_t)(l - buf) + 1 : look, 0) != 0)
            return skip(st, buf, len, IMSEC_E_MALFORMED, out);
        if (!l)
            return out->kind; /* a plausible partial start line */
        st->resync = false;
    }

    uint32_t he = 0;
    if (!st->need) {
        he = header_end(buf, len, st->scanned > 3 ? st->scanned - 3 : 0);
        if (!he) {
            if (len > SIP_MSG_STREAM_MAX)
                return skip(st, buf, len, IMSEC_E_LIMIT, out);
            st->scanned = len;
            return out->kind;
        }
    }

    uint32_t need = 0;
    int rc = sip_msg_parse_need(buf, len, SIP_MODE_STREAM, hdrs, cap, m, &need);
    if (rc > 0) {
        reset(st);
        out->kind = SIP_STREAM_MSG;
        out->len = (uint32_t)rc;
        return out->kind;
    }
    if (rc == IMSEC_E_INCOMPLETE) {
        st->scanned = len;
        st->need = need;
        return out->kind;
    }
    skip(st, buf, len, rc, out);
    out->cl = m->cl; /* a bad Content-Length is why the message could not be framed */
    return out->kind;
}
