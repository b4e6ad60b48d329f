/* libFuzzer: the SIP stream framer fed like a TCP direction. The input is
 * cut into segments at "\r\n--SEG--" (Suricata's fuzz_applayerparserparse
 * idea); a segment that starts with "!" follows a gap (the unconsumed bytes
 * are dropped, as a reassembler with a hole would). Unconsumed bytes are
 * kept and offered again with the next segment, per net.h on_tcp. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip_stream.h"

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if (!(x))                                                                                  \
            __builtin_trap();                                                                      \
    } while (0)

static const char SEP[] = "\r\n--SEG--";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 300000)
        return 0;
    uint8_t *buf = malloc(size + 1);
    if (!buf)
        return 0;
    size_t have = 0, pos = 0;
    sip_stream st;
    sip_stream_init(&st);
    static sip_hdr hdrs[SIP_MSG_MAX_HDRS];
    while (pos < size) {
        const uint8_t *e = memmem(data + pos, size - pos, SEP, sizeof(SEP) - 1);
        size_t seg = e ? (size_t)(e - (data + pos)) : size - pos;
        const uint8_t *s = data + pos;
        pos += seg + (e ? sizeof(SEP) - 1 : 0);
        bool gap = false;
        if (seg && s[0] == '!') {
            gap = true;
            have = 0;
            s++, seg--;
        }
        memcpy(buf + have, s, seg);
        have += seg;
        /* Offer an exact-size copy so ASan sees any over-read. */
        for (;;) {
            uint8_t *view = malloc(have ? have : 1);
            if (!view)
                break;
            memcpy(view, buf, have);
            sip_msg m;
            sip_stream_item it;
            sip_stream_kind k = sip_stream_next(&st, view, (uint32_t)have, gap, hdrs, SIP_MSG_MAX_HDRS, &m, &it);
            free(view);
            gap = false;
            CHECK(k == it.kind);
            if (k == SIP_STREAM_NEED_MORE)
                break;
            CHECK(it.len > 0 && it.len <= have);
            if (k == SIP_STREAM_MSG)
                CHECK(m.msg_len <= it.len);
            memmove(buf, buf + it.len, have - it.len);
            have -= it.len;
        }
    }
    free(buf);
    return 0;
}
