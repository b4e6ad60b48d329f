#include "evidence_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture/cap_file.h"
#include "cli_common.h"

/* Bounds: a capture with findings on every message must not turn the
 * evidence bookkeeping into a copy of the capture in memory. */
#define EV_MAX_FRAMES (1u << 20)
#define EV_MAX_KEYS 65536

typedef struct {
    char **v;
    size_t n, cap;
} strset;

struct evidence_file {
    uint64_t *frames;      /* cited frames, sorted and unique after pass one */
    size_t nframes, capframes;
    strset keys;           /* cited Call-IDs and IMPIs */
    FILE *out;             /* opened up front; NULL once handed to the pcap dumper */
    char *path;
    /* pass two */
    bool mark;             /* the frame being fed carries a message of a cited key */
};

evidence_file *evidence_file_open(const char *path, char err[IMSEC_ERRBUF])
{
    evidence_file *ev = calloc(1, sizeof *ev);
    if (!ev || !(ev->path = strdup(path))) {
        snprintf(err, IMSEC_ERRBUF, "out of memory");
        free(ev);
        return NULL;
    }
    ev->out = cli_open_output(path, err);
    if (!ev->out) {
        free(ev->path);
        free(ev);
        return NULL;
    }
    return ev;
}

void evidence_file_free(evidence_file *ev)
{
    if (!ev)
        return;
    for (size_t i = 0; i < ev->keys.n; i++)
        free(ev->keys.v[i]);
    free(ev->keys.v);
    free(ev->frames);
    if (ev->out)
        fclose(ev->out);
    free(ev->path);
    free(ev);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void add_key(strset *s, const char *k)
{
    if (!k[0] || s->n >= EV_MAX_KEYS)
        return;
    for (size_t i = 0; i < s->n; i++) /* few keys per capture: findings are rare */
        if (strcmp(s->v[i], k) == 0)
            return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        char **nv = realloc(s->v, cap * sizeof *nv);
        if (!nv)
            return;
        s->v = nv;
        s->cap = cap;
    }
    char *d = strdup(k);
    if (d)
        s->v[s->n++] = d;
}

void evidence_file_note(evidence_file *ev, const imsec_finding *f)
{
    for (uint32_t i = 0; i < f->nframes && ev->nframes < EV_MAX_FRAMES; i++) {
        if (ev->nframes == ev->capframes) {
            size_t cap = ev->capframes ? ev->capframes * 2 : 64;
            uint64_t *nf = realloc(ev->frames, cap * sizeof *nf);
            if (!nf)
                return;
            ev->frames = nf;
            ev->capframes = cap;
        }
        ev->frames[ev->nframes++] = f->frames[i];
    }
    add_key(&ev->keys, f->call_id);
    add_key(&ev->keys, f->impi);
}

static bool has_key(const evidence_file *ev, const char *k)
{
    if (!k[0])
        return false;
    return bsearch(&k, ev->keys.v, ev->keys.n, sizeof *ev->keys.v, cmp_str) != NULL;
}

static bool has_frame(const evidence_file *ev, uint64_t frame)
{
    return bsearch(&frame, ev->frames, ev->nframes, sizeof *ev->frames, cmp_u64) != NULL;
}

static void on_message(void *ud, const imsec_msg_rec *m)
{
    evidence_file *ev = ud;
    if (has_key(ev, m->call_id) || has_key(ev, m->impi))
        ev->mark = true;
}

int evidence_file_write(evidence_file *ev, const char *const *inputs,
                        int ninputs, const imsec_config *cfg, uint64_t *written, uint64_t *skipped)
{
    const char *path = ev->path;
    *written = *skipped = 0;
    qsort(ev->frames, ev->nframes, sizeof *ev->frames, cmp_u64);
    qsort(ev->keys.v, ev->keys.n, sizeof *ev->keys.v, cmp_str);
    char err[IMSEC_ERRBUF] = "";
    int rc = CLI_EXIT_USAGE;
    FILE *out = ev->out;
    ev->out = NULL;
    if (!out)
        return rc;
    pcap_t *dead = NULL;
    pcap_dumper_t *dump = NULL;
    imsec_callbacks cb = {.ud = ev, .on_message = on_message};
    cap_file_set *cs = cap_file_open(inputs, (size_t)ninputs, err);
    imsec_engine *e = cs ? imsec_engine_new(cfg, &cb, cli_seed(), err) : NULL;
    if (!e) {
        fprintf(stderr, "imsec: %s\n", err);
        goto done;
    }
    int linktype = -1;
    imsec_frame fr;
    while (cap_file_next(cs, &fr) == 1) {
        ev->mark = false;
        imsec_engine_feed(e, &fr);
        if (!ev->mark && !has_frame(ev, fr.frame_no))
            continue;
        if (!dump) {
            linktype = fr.linktype;
            dead = pcap_open_dead(linktype, 262144);
            dump = dead ? pcap_dump_fopen(dead, out) : NULL;
            if (!dump) {
                fprintf(stderr, "imsec: %s: cannot write a pcap\n", path);
                goto done;
            }
            out = NULL; /* owned by the dumper now */
        }
        if (fr.linktype != linktype) {
            (*skipped)++;
            continue;
        }
        struct pcap_pkthdr h = {.caplen = fr.caplen, .len = fr.wirelen};
        h.ts.tv_sec = (time_t)fr.ts.sec;
        h.ts.tv_usec = (suseconds_t)fr.ts.usec;
        pcap_dump((u_char *)dump, &h, fr.data);
        (*written)++;
    }
    if (!dump && out) {
        /* No finding: still a valid, empty pcap, so scripts can open it. */
        dead = pcap_open_dead(1, 262144);
        dump = dead ? pcap_dump_fopen(dead, out) : NULL;
        if (dump)
            out = NULL;
    }
    rc = CLI_EXIT_CLEAN;
done:
    if (dump && pcap_dump_flush(dump) != 0) {
        fprintf(stderr, "imsec: %s: write failed\n", path);
        rc = CLI_EXIT_USAGE;
    }
    if (dump)
        pcap_dump_close(dump);
    if (dead)
        pcap_close(dead);
    if (out)
        fclose(out);
    imsec_engine_free(e);
    cap_file_close(cs);
    return rc;
}
