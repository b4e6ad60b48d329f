/* libFuzzer target: IP fragment reassembly. The input is cut at the
 * separator "FRAG" into pieces; each piece is one fragment:
 *   byte 0: bit0 IPv6, bit1 MF, bit2 second datagram id, bits 3-7 seconds to
 *           advance the clock; bytes 1-2: offset in 8-byte units; rest: data.
 * The fragments go through the full decoder (raw IP link type); complete
 * datagrams reach a sink that reads every byte. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "net/net.h"

static uint32_t g_sum;

static void touch(const uint8_t *p, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        g_sum += p[i];
}
static void on_udp(void *ud, const net_meta *m, const uint8_t *p, uint32_t len)
{
    (void)ud;
    (void)m;
    touch(p, len);
}
static uint32_t on_tcp(void *ud, const net_meta *m, const uint8_t *p, uint32_t len)
{
    (void)ud;
    (void)m;
    touch(p, len);
    return len;
}

static const uint8_t *find_sep(const uint8_t *p, const uint8_t *end)
{
    for (; (size_t)(end - p) >= 4; p++)
        if (p[0] == 'F' && p[1] == 'R' && p[2] == 'A' && p[3] == 'G')
            return p;
    return NULL;
}

static void feed(net_decoder *d, const uint8_t *piece, size_t n, uint64_t *frame, int64_t *now)
{
    static uint8_t pkt[70000];
    if (n < 3)
        return;
    uint8_t ctl = piece[0];
    uint32_t off = (uint32_t)(piece[1] << 8 | piece[2]);
    const uint8_t *pl = piece + 3;
    uint32_t len = (uint32_t)(n - 3);
    if (len > 65000)
        len = 65000;
    *now += ctl >> 3;
    uint32_t id = (ctl & 4) ? 2 : 1;
    uint32_t k = 0;
    if (ctl & 1) {
        uint32_t plen = 8 + len;
        pkt[k++] = 0x60; pkt[k++] = 0; pkt[k++] = 0; pkt[k++] = 0;
        pkt[k++] = (uint8_t)(plen >> 8); pkt[k++] = (uint8_t)plen;
        pkt[k++] = 44; pkt[k++] = 64;
        memset(pkt + k, 0x11, 32);
        k += 32;
        uint32_t fo = ((off & 0x1fffu) << 3) | ((ctl & 2) ? 1u : 0u);
        pkt[k++] = 17; pkt[k++] = 0;
        pkt[k++] = (uint8_t)(fo >> 8); pkt[k++] = (uint8_t)fo;
        pkt[k++] = 0; pkt[k++] = 0; pkt[k++] = 0; pkt[k++] = (uint8_t)id;
    } else {
        uint32_t tot = 20 + len;
        if (tot > 65535)
            return;
        uint32_t fo = (off & 0x1fffu) | ((ctl & 2) ? 0x2000u : 0u);
        pkt[k++] = 0x45; pkt[k++] = 0;
        pkt[k++] = (uint8_t)(tot >> 8); pkt[k++] = (uint8_t)tot;
        pkt[k++] = 0; pkt[k++] = (uint8_t)id;
        pkt[k++] = (uint8_t)(fo >> 8); pkt[k++] = (uint8_t)fo;
        pkt[k++] = 64; pkt[k++] = 17; pkt[k++] = 0; pkt[k++] = 0;
        memset(pkt + k, 0x22, 8);
        k += 8;
    }
    memcpy(pkt + k, pl, len);
    k += len;
    imsec_frame f = {.frame_no = ++*frame, .ts = {*now, 0}, .linktype = 101, .caplen = k,
                     .wirelen = k, .data = pkt};
    net_decode_frame(d, &f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static imsec_stats st;
    memset(&st, 0, sizeof st);
    net_limits lim;
    net_limits_default(&lim);
    lim.frag_max_datagrams = 2;
    lim.frag_max_total = 8192;
    lim.frag_max_bytes = size > 0 && (data[0] & 1) ? 65535 : 4096;
    lim.frag_timeout_s = 5;
    lim.tcp_max_flows = 4;
    uint8_t key[16] = {7};
    net_sink s = {.on_udp = on_udp, .on_tcp = on_tcp};
    net_decoder *d = net_decoder_new(&lim, key, &st, &s);
    if (!d)
        return 0;
    uint64_t frame = 0;
    int64_t now = 100;
    const uint8_t *p = data, *end = data + size;
    while (p < end) {
        const uint8_t *sep = find_sep(p, end);
        const uint8_t *stop = sep ? sep : end;
        feed(d, p, (size_t)(stop - p), &frame, &now);
        p = sep ? sep + 4 : end;
    }
    net_decoder_flush(d);
    net_decoder_free(d);
    return 0;
}
