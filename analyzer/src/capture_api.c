/* capture_api: the public frame sources (imsec/capture.h) over the
 * capture layer. The public handles are the capture layer's own objects
 * under public names, so nothing here copies or buffers. */
#include "imsec/capture.h"

#include "capture/cap_file.h"
#include "capture/cap_live.h"

struct imsec_capture; /* is a cap_file_set */
struct imsec_live;    /* is a cap_live */

#define CS(c) ((cap_file_set *)(void *)(c))
#define CCS(c) ((const cap_file_set *)(const void *)(c))
#define LV(c) ((cap_live *)(void *)(c))
#define CLV(c) ((const cap_live *)(const void *)(c))

imsec_capture *imsec_capture_open(const char *const *paths, size_t n, char err[IMSEC_ERRBUF])
{
    return (imsec_capture *)(void *)cap_file_open(paths, n, err);
}

int imsec_capture_next(imsec_capture *c, imsec_frame *out) { return cap_file_next(CS(c), out); }

const char *imsec_capture_damage(const imsec_capture *c, uint32_t *count)
{
    return cap_file_damage(CCS(c), count);
}

uint64_t imsec_capture_bytes_total(const imsec_capture *c) { return cap_file_bytes_total(CCS(c)); }
uint64_t imsec_capture_bytes_read(const imsec_capture *c) { return cap_file_bytes_read(CCS(c)); }
void imsec_capture_close(imsec_capture *c) { cap_file_close(CS(c)); }

const char *imsec_live_filter(bool media)
{
    return media ? CAP_LIVE_FILTER_MEDIA : CAP_LIVE_FILTER_DEFAULT;
}

imsec_live *imsec_live_open(const imsec_live_opts *o, char err[IMSEC_ERRBUF])
{
    cap_live_opts co = {.iface = o->iface, .filter = o->filter, .snaplen = o->snaplen,
                        .buffer_mib = o->buffer_mib, .promisc = o->promisc};
    return (imsec_live *)(void *)cap_live_open(&co, err);
}

int imsec_live_linktype(const imsec_live *c) { return cap_live_linktype(CLV(c)); }
const char *imsec_live_iface(const imsec_live *c) { return cap_live_iface(CLV(c)); }

int imsec_live_poll(imsec_live *c, int timeout_ms, int max, imsec_live_cb cb, void *ud,
                    char err[IMSEC_ERRBUF])
{
    return cap_live_poll(LV(c), timeout_ms, max, cb, ud, err);
}

void imsec_live_stats(imsec_live *c, imsec_live_counters *out)
{
    cap_live_counters k;
    cap_live_stats(LV(c), &k);
    *out = (imsec_live_counters){k.received, k.dropped, k.if_dropped};
}

void imsec_live_close(imsec_live *c) { cap_live_close(LV(c)); }
