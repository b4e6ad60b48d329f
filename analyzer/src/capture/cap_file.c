/* cap_file: offline source over libpcap; see cap_file.h. */
#include "capture/cap_file.h"

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    const char *path; /* borrowed from the caller's array */
    pcap_t *pc;
    size_t argi;
    uint64_t size;
    uint64_t nframes;           /* frames handed out from this file */
    bool has_first, done;
    struct pcap_pkthdr first_hdr;
    const uint8_t *first_data;  /* first packet, read at open, not yet handed out */
    char *path_copy;
} cap_in;

struct cap_file_set {
    cap_in *in;
    size_t n, cur;
    uint64_t frame_no;
    uint64_t bytes_total, bytes_done; /* bytes_done: files finished */
    uint32_t ndamage;
    char damage[IMSEC_ERRBUF];
};

static void cap_damage(cap_file_set *s, const cap_in *in, const char *why)
{
    size_t used = strlen(s->damage);
    if (used + 1 < sizeof s->damage) {
        int w = snprintf(s->damage + used, sizeof s->damage - used,
                         "%sfile %s: truncated after frame %llu: %s", used ? "\n" : "",
                         in->path_copy, (unsigned long long)in->nframes, why);
        if (w < 0)
            s->damage[used] = '\0';
    }
    s->ndamage++;
}

static int cap_cmp(const void *a, const void *b)
{
    const cap_in *x = a, *y = b;
    if (x->has_first != y->has_first)
        return x->has_first ? -1 : 1;
    if (x->has_first) {
        if (x->first_hdr.ts.tv_sec != y->first_hdr.ts.tv_sec)
            return x->first_hdr.ts.tv_sec < y->first_hdr.ts.tv_sec ? -1 : 1;
        if (x->first_hdr.ts.tv_usec != y->first_hdr.ts.tv_usec)
            return x->first_hdr.ts.tv_usec < y->first_hdr.ts.tv_usec ? -1 : 1;
    }
    return x->argi < y->argi ? -1 : x->argi > y->argi ? 1 : 0; /* stable */
}

void cap_file_close(cap_file_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        if (s->in[i].pc)
            pcap_close(s->in[i].pc);
        free(s->in[i].path_copy);
    }
    free(s->in);
    free(s);
}

cap_file_set *cap_file_open(const char *const *paths, size_t n, char err[IMSEC_ERRBUF])
{
    err[0] = '\0';
    cap_file_set *s = calloc(1, sizeof *s);
    if (!s || (n && !(s->in = calloc(n, sizeof *s->in)))) {
        snprintf(err, IMSEC_ERRBUF, "out of memory");
        free(s);
        return NULL;
    }
    s->n = n;
    char pe[PCAP_ERRBUF_SIZE];
    for (size_t i = 0; i < n; i++) {
        cap_in *in = &s->in[i];
        in->argi = i;
        in->path = paths[i];
        in->path_copy = strdup(paths[i]);
        if (!in->path_copy) {
            snprintf(err, IMSEC_ERRBUF, "out of memory");
            goto fail;
        }
        pe[0] = '\0';
        in->pc = pcap_open_offline_with_tstamp_precision(paths[i], PCAP_TSTAMP_PRECISION_MICRO, pe);
        if (!in->pc) {
            snprintf(err, IMSEC_ERRBUF, "%s: cannot read capture: %s", paths[i], pe);
            goto fail;
        }
        struct stat sb;
        if (stat(paths[i], &sb) == 0)
            in->size = (uint64_t)sb.st_size;
        s->bytes_total += in->size;
        struct pcap_pkthdr *h;
        const u_char *data;
        int r = pcap_next_ex(in->pc, &h, &data);
        if (r == 1) {
            in->has_first = true;
            in->first_hdr = *h;
            in->first_data = data;
        } else if (r == PCAP_ERROR) {
            cap_damage(s, in, pcap_geterr(in->pc));
            in->done = true;
        } else {
            in->done = true; /* empty */
        }
    }
    if (n > 1)
        qsort(s->in, n, sizeof *s->in, cap_cmp);
    return s;
fail:
    cap_file_close(s);
    return NULL;
}

static uint64_t cap_pos(const cap_in *in)
{
    FILE *fp = in->pc ? pcap_file(in->pc) : NULL;
    long off = fp ? ftell(fp) : -1;
    return off < 0 ? 0 : (uint64_t)off;
}

static void cap_finish(cap_file_set *s, cap_in *in)
{
    in->done = true;
    s->bytes_done += in->size;
    if (in->pc)
        pcap_close(in->pc);
    in->pc = NULL;
    s->cur++;
}

int cap_file_next(cap_file_set *s, imsec_frame *out)
{
    memset(out, 0, sizeof *out);
    while (s->cur < s->n) {
        cap_in *in = &s->in[s->cur];
        const struct pcap_pkthdr *h = NULL;
        const uint8_t *data = NULL;
        if (in->has_first) {
            in->has_first = false;
            h = &in->first_hdr;
            data = in->first_data;
        } else if (!in->done) {
            struct pcap_pkthdr *hh;
            const u_char *dd;
            int r = pcap_next_ex(in->pc, &hh, &dd);
            if (r == 1) {
                h = hh;
                data = dd;
            } else {
                if (r == PCAP_ERROR)
                    cap_damage(s, in, pcap_geterr(in->pc));
                cap_finish(s, in);
                continue;
            }
        } else {
            cap_finish(s, in);
            continue;
        }
        in->nframes++;
        out->frame_no = ++s->frame_no;
        out->ts.sec = (int64_t)h->ts.tv_sec;
        out->ts.usec = (uint32_t)h->ts.tv_usec;
        out->linktype = pcap_datalink(in->pc);
        out->caplen = h->caplen;
        out->wirelen = h->len;
        out->data = data;
        return 1;
    }
    return 0;
}

const char *cap_file_damage(const cap_file_set *s, uint32_t *count)
{
    if (count)
        *count = s->ndamage;
    return s->damage;
}

uint64_t cap_file_bytes_total(const cap_file_set *s) { return s->bytes_total; }

uint64_t cap_file_bytes_read(const cap_file_set *s)
{
    uint64_t r = s->bytes_done;
    if (s->cur < s->n && s->in[s->cur].pc)
        r += cap_pos(&s->in[s->cur]);
    return r;
}
