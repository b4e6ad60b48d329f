#include "capture/cap_live.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

struct cap_live {
    pcap_t *p;
    int fd;
    int linktype;
    char iface[64];
    /* 32-bit pcap_stats counters widened (see cap_live_stats). */
    uint32_t last[3];
    uint64_t acc[3];
};

/* libpcap's error text for a failed pcap_set_* / activate call. */
static void set_err(char err[IMSEC_ERRBUF], const char *iface, const char *what, const char *why)
{
    if (snprintf(err, IMSEC_ERRBUF, "%s: %s: %s", iface, what, why) < 0)
        err[0] = '\0';
}

cap_live *cap_live_open(const cap_live_opts *o, char err[IMSEC_ERRBUF])
{
    char perr[PCAP_ERRBUF_SIZE] = "";
    struct bpf_program prog;
    bool have_prog = false;
    cap_live *c = calloc(1, sizeof *c);
    if (!c) {
        set_err(err, o->iface, "open", "out of memory");
        return NULL;
    }
    if (snprintf(c->iface, sizeof c->iface, "%s", o->iface) >= (int)sizeof c->iface) {
        set_err(err, o->iface, "open", "interface name too long");
        goto fail;
    }
    c->p = pcap_create(o->iface, perr);
    if (!c->p) {
        set_err(err, o->iface, "pcap_create", perr);
        goto fail;
    }
    int snap = o->snaplen > 0 ? o->snaplen : 262144;
    int bufb = (o->buffer_mib > 0 ? o->buffer_mib : 32);
    if (bufb > 2047)
        bufb = 2047;
    /* Buffered mode with a short timeout, not immediate mode. On Linux,
     * libpcap 1.10 uses TPACKET_V2 in immediate mode and TPACKET_V3
     * otherwise, and the difference decides the drop rate at high packet
     * rates:
     *  - TPACKET_V2 has fixed-size slots. With a full snaplen on an
     *    interface with offloads (veth, most NICs), libpcap sizes a slot
     *    for a 64 KiB aggregated packet, so a 64 MiB buffer holds only
     *    about 500 packets of any size: 2.5 ms at 200 k packets/s, and
     *    one scheduling hiccup of the capture thread drops packets. Each
     *    packet also wakes the thread.
     *  - TPACKET_V3 packs packets at their real size into blocks (256 KiB
     *    with libpcap's frame size), so the same buffer holds about 100 k
     *    SIP packets (0.5 s at 200 k/s), and the thread wakes once per
     *    block. The kernel hands over a partly filled block when the block
     *    timeout expires, so a packet waits at most CAP_LIVE_BLOCK_MS
     *    (pcap_set_timeout sets tp_retire_blk_tov); on a busy link blocks
     *    fill sooner.
     * The cost is that latency: up to CAP_LIVE_BLOCK_MS before a packet
     * reaches the engine, negligible for findings. */
    if (pcap_set_snaplen(c->p, snap) != 0 || pcap_set_promisc(c->p, o->promisc ? 1 : 0) != 0 ||
        pcap_set_immediate_mode(c->p, 0) != 0 || pcap_set_buffer_size(c->p, bufb << 20) != 0 ||
        pcap_set_timeout(c->p, CAP_LIVE_BLOCK_MS) != 0) {
        set_err(err, o->iface, "pcap_set", pcap_geterr(c->p));
        goto fail;
    }
    int rc = pcap_activate(c->p);
    if (rc < 0) {
        set_err(err, o->iface, "cannot capture", pcap_geterr(c->p)[0] ? pcap_geterr(c->p)
                                                                       : pcap_statustostr(rc));
        goto fail;
    }
    c->linktype = pcap_datalink(c->p);
    const char *flt = o->filter ? o->filter : CAP_LIVE_FILTER_DEFAULT;
    if (flt[0]) {
        if (pcap_compile(c->p, &prog, flt, 1, PCAP_NETMASK_UNKNOWN) != 0) {
            set_err(err, o->iface, "bad filter", pcap_geterr(c->p));
            goto fail;
        }
        have_prog = true;
        if (pcap_setfilter(c->p, &prog) != 0) {
            set_err(err, o->iface, "cannot set filter", pcap_geterr(c->p));
            goto fail;
        }
        pcap_freecode(&prog);
        have_prog = false;
    }
    if (pcap_setnonblock(c->p, 1, perr) != 0) {
        set_err(err, o->iface, "non-blocking", perr);
        goto fail;
    }
    c->fd = pcap_get_selectable_fd(c->p);
    if (c->fd < 0) {
        set_err(err, o->iface, "open", "no selectable descriptor");
        goto fail;
    }
    return c;
fail:
    if (have_prog)
        pcap_freecode(&prog);
    if (c->p)
        pcap_close(c->p);
    free(c);
    return NULL;
}

int cap_live_linktype(const cap_live *c) { return c->linktype; }
const char *cap_live_iface(const cap_live *c) { return c->iface; }

typedef struct {
    cap_live_cb cb;
    void *ud;
} poll_ctx;

static void on_pkt(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
    const poll_ctx *pc = (const poll_ctx *)(void *)user;
    imsec_ts ts = {.sec = (int64_t)h->ts.tv_sec, .usec = (uint32_t)h->ts.tv_usec};
    pc->cb(pc->ud, &ts, h->caplen, h->len, data);
}

int cap_live_poll(cap_live *c, int timeout_ms, int max, cap_live_cb cb, void *ud,
                  char err[IMSEC_ERRBUF])
{
    struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
    int pr = poll(&pfd, 1, timeout_ms);
    if (pr < 0) {
        if (errno == EINTR)
            return 0;
        set_err(err, c->iface, "poll", strerror(errno));
        return IMSEC_E_IO;
    }
    if (pr == 0)
        return 0;
    if (pfd.revents & (POLLERR | POLLNVAL)) {
        set_err(err, c->iface, "capture", "interface error (gone or down?)");
        return IMSEC_E_IO;
    }
    poll_ctx pc = {cb, ud};
    int n = pcap_dispatch(c->p, max > 0 ? max : -1, on_pkt, (u_char *)(void *)&pc);
    if (n == PCAP_ERROR) {
        set_err(err, c->iface, "capture", pcap_geterr(c->p));
        return IMSEC_E_IO;
    }
    return n < 0 ? 0 : n;
}

void cap_live_stats(cap_live *c, cap_live_counters *out)
{
    struct pcap_stat ps;
    if (pcap_stats(c->p, &ps) == 0) {
        const uint32_t now[3] = {ps.ps_recv, ps.ps_drop, ps.ps_ifdrop};
        for (int i = 0; i < 3; i++) {
            c->acc[i] += (uint32_t)(now[i] - c->last[i]); /* unsigned wrap is the point */
            c->last[i] = now[i];
        }
    }
    out->received = c->acc[0];
    out->dropped = c->acc[1];
    out->if_dropped = c->acc[2];
}

void cap_live_close(cap_live *c)
{
    if (!c)
        return;
    pcap_close(c->p);
    free(c);
}
