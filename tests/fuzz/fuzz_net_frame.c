/* libFuzzer target: one captured frame through the link/IP/transport
 * decoder. The first input byte picks the link type, the rest is the frame.
 * The sink reads every byte it is given (so ASan sees any over-read) and
 * feeds ESP payloads back through net_decode_transport. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "net/net.h"

static const int link_types[] = {1, 113, 276, 12, 14, 101, 228, 229, 0, 108, 147};

typedef struct {
    net_decoder *d;
    int depth;
    uint32_t sum;
} fz;

static void touch(fz *z, const uint8_t *p, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        z->sum += p[i];
}
static void on_udp(void *ud, const net_meta *m, const uint8_t *p, uint32_t len)
{
    (void)m;
    touch(ud, p, len);
}
static void on_sctp(void *ud, const net_meta *m, const uint8_t *p, uint32_t len)
{
    (void)m;
    touch(ud, p, len);
}
static uint32_t on_tcp(void *ud, const net_meta *m, const uint8_t *p, uint32_t len)
{
    (void)m;
    touch(ud, p, len);
    return len ? (uint32_t)(p[0] % (len + 1)) : 0;
}
static void on_esp(void *ud, const net_meta *m, const uint8_t *p, uint32_t len)
{
    fz *z = ud;
    touch(z, p, len);
    /* Pretend the payload decrypted to itself: SPI+seq (8), then data, and
     * the last byte is the next header. */
    if (len > 9 && z->depth < 8) {
        z->depth++;
        net_decode_transport(z->d, m, p[len - 1], p + 8, len - 9);
        z->depth--;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static imsec_stats st;
    memset(&st, 0, sizeof st);
    net_limits lim;
    net_limits_default(&lim);
    lim.tcp_max_flows = 8;
    lim.frag_max_datagrams = 8;
    lim.tcp_max_flow_bytes = 512;
    uint8_t key[16] = {0};
    fz z = {0};
    net_sink s = {.ud = &z, .on_udp = on_udp, .on_esp = on_esp, .on_tcp = on_tcp, .on_sctp = on_sctp};
    z.d = net_decoder_new(&lim, key, &st, &s);
    if (!z.d)
        return 0;
    imsec_frame f = {.frame_no = 1,
                     .ts = {1, 0},
                     .linktype = link_types[data[0] % (sizeof link_types / sizeof link_types[0])],
                     .caplen = (uint32_t)(size - 1),
                     .wirelen = (uint32_t)(size - 1),
                     .data = data + 1};
    net_decode_frame(z.d, &f);
    net_decoder_flush(z.d);
    net_decoder_free(z.d);
    return 0;
}
