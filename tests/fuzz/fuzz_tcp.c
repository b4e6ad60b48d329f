/* libFuzzer target: TCP reassembly of one flow. The input is cut at the
 * separator "SEG!" into segments; each segment is
 *   byte 0: bit0 direction, bit1 SYN, bit2 FIN, bit3 RST (only if bits 4-7
 *           are all set, to keep RSTs rare), bits 4-6 seconds to advance;
 *   bytes 1-2: signed sequence delta from the direction's running base;
 *   rest: payload.
 * The sink reads every byte and consumes a pseudo-random number of them. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "net/net.h"

typedef struct {
    uint32_t rng, sum;
} fz;

static uint32_t on_tcp(void *ud, const net_meta *m, const uint8_t *p, uint32_t len)
{
    fz *z = ud;
    (void)m;
    for (uint32_t i = 0; i < len; i++)
        z->sum += p[i];
    z->rng = z->rng * 1103515245u + 12345u;
    return len ? (z->rng >> 8) % (len + 1) : 0;
}

static const uint8_t *find_sep(const uint8_t *p, const uint8_t *end)
{
    for (; (size_t)(end - p) >= 4; p++)
        if (p[0] == 'S' && p[1] == 'E' && p[2] == 'G' && p[3] == '!')
            return p;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static imsec_stats st;
    static uint8_t pkt[70000];
    memset(&st, 0, sizeof st);
    net_limits lim;
    net_limits_default(&lim);
    lim.tcp_max_flows = 2;
    lim.tcp_max_flow_bytes = 300;
    lim.tcp_max_total = 4096;
    lim.tcp_timeout_s = 20;
    lim.frag_max_datagrams = 4;
    uint8_t key[16] = {3};
    fz z = {.rng = 1};
    net_sink s = {.ud = &z, .on_tcp = on_tcp};
    net_decoder *d = net_decoder_new(&lim, key, &st, &s);
    if (!d)
        return 0;
    uint32_t base[2] = {0xfffffff0u, 1000};
    uint64_t frame = 0;
    int64_t now = 1;
    const uint8_t *p = data, *end = data + size;
    while (p < end) {
        const uint8_t *sep = find_sep(p, end);
        const uint8_t *stop = sep ? sep : end;
        size_t n = (size_t)(stop - p);
        if (n >= 3) {
            uint8_t ctl = p[0];
            int dir = ctl & 1;
            int16_t delta = (int16_t)(uint16_t)(p[1] << 8 | p[2]);
            uint32_t seq = base[dir] + (uint32_t)(int32_t)delta;
            uint32_t len = (uint32_t)(n - 3);
            if (len > 60000)
                len = 60000;
            uint8_t fl = 0x10;
            if (ctl & 2) fl |= 0x02;
            if (ctl & 4) fl |= 0x01;
            if ((ctl & 8) && (ctl & 0xf0) == 0xf0) fl |= 0x04;
            now += (ctl >> 4) & 7;
            base[dir] = seq + len;
            uint32_t tot = 40 + len, k = 0;
            pkt[k++] = 0x45; pkt[k++] = 0;
            pkt[k++] = (uint8_t)(tot >> 8); pkt[k++] = (uint8_t)tot;
            memset(pkt + k, 0, 4); k += 4;
            pkt[k++] = 64; pkt[k++] = 6; pkt[k++] = 0; pkt[k++] = 0;
            uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2};
            memcpy(pkt + k, dir ? b : a, 4); k += 4;
            memcpy(pkt + k, dir ? a : b, 4); k += 4;
            pkt[k++] = dir ? 0x13 : 0x9c; pkt[k++] = dir ? 0xc4 : 0x40;
            pkt[k++] = dir ? 0x9c : 0x13; pkt[k++] = dir ? 0x40 : 0xc4;
            pkt[k++] = (uint8_t)(seq >> 24); pkt[k++] = (uint8_t)(seq >> 16);
            pkt[k++] = (uint8_t)(seq >> 8); pkt[k++] = (uint8_t)seq;
            memset(pkt + k, 0, 4); k += 4;
            pkt[k++] = 0x50; pkt[k++] = fl;
            pkt[k++] = 0xff; pkt[k++] = 0xff;
            memset(pkt + k, 0, 4); k += 4;
            memcpy(pkt + k, p + 3, len);
            k += len;
            imsec_frame f = {.frame_no = ++frame, .ts = {now, 0}, .linktype = 228, .caplen = k,
                             .wirelen = k, .data = pkt};
            net_decode_frame(d, &f);
        }
        p = sep ? sep + 4 : end;
    }
    net_decoder_flush(d);
    net_decoder_free(d);
    return 0;
}
