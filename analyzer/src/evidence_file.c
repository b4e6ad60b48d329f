/* evidence_file: the offline evidence sink (`-w FILE`, imsec/output.h).
 *
 * Two passes, because context is only known once the findings are: while
 * analysing, the sink remembers the cited frames and the Call-IDs / IMPIs
 * they concern (bounded); its finish reads the inputs again through a fresh
 * engine and writes every frame that is cited or carries a SIP message of a
 * cited Call-ID or IMPI, through the one pcap writer (output/pcap_out).
 * It sits beside engine.c because it drives an engine of its own. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/cap_file.h"
#include "imsec/output.h"
#include "output/pcap_out.h"

/* Bounds: a capture with findings on every message must not turn the
 * evidence bookkeeping into a copy of the capture in memory. */
#define EV_MAX_FRAMES (1u << 20)
#define EV_MAX_KEYS 65536

typedef struct {
    char **v;
    size_t n, cap;
} strset;

typedef struct {
    imsec_evidence_file_opts o;
    uint64_t *frames;      /* cited frames, sorted and unique after pass one */
    size_t nframes, capframes;
    strset keys;           /* cited Call-IDs and IMPIs */
    FILE *out;             /* opened up front */
    char *path;
    bool mark;             /* pass two: the frame being fed carries a message of a cited key */
    uint64_t written, skipped;
} evfile;

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

static void evf_finding(void *ud, const imsec_finding *f, imsec_finding_note *note)
{
    evfile *ev = ud;
    (void)note;
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

static bool has_key(const evfile *ev, const char *k)
{
    if (!k[0])
        return false;
    return bsearch(&k, ev->keys.v, ev->keys.n, sizeof *ev->keys.v, cmp_str) != NULL;
}

static bool has_frame(const evfile *ev, uint64_t frame)
{
    return bsearch(&frame, ev->frames, ev->nframes, sizeof *ev->frames, cmp_u64) != NULL;
}

static void pass2_message(void *ud, const imsec_msg_rec *m)
{
    evfile *ev = ud;
    if (has_key(ev, m->call_id) || has_key(ev, m->impi))
        ev->mark = true;
}

static int evf_finish(void *ud, char err[IMSEC_ERRBUF])
{
    evfile *ev = ud;
    FILE *out = ev->out;
    if (!out)
        return IMSEC_OK; /* finished already */
    ev->out = NULL;
    qsort(ev->frames, ev->nframes, sizeof *ev->frames, cmp_u64);
    qsort(ev->keys.v, ev->keys.n, sizeof *ev->keys.v, cmp_str);
    int rc = IMSEC_E_IO;
    imsec_callbacks cb = {.ud = ev, .on_message = pass2_message};
    cap_file_set *cs = cap_file_open(ev->o.inputs, ev->o.ninputs, err);
    imsec_engine *e = cs ? imsec_engine_new(ev->o.cfg, &cb, ev->o.seed, err) : NULL;
    if (!e)
        goto done;
    int linktype = -1;
    bool ok = true;
    imsec_frame fr;
    while (ok && cap_file_next(cs, &fr) == 1) {
        ev->mark = false;
        imsec_engine_feed(e, &fr);
        if (!ev->mark && !has_frame(ev, fr.frame_no))
            continue;
        if (linktype < 0) {
            linktype = fr.linktype;
            ok = pcap_out_header(out, linktype);
        }
        if (fr.linktype != linktype) {
            ev->skipped++;
            continue;
        }
        ok = ok && pcap_out_record(out, fr.ts, fr.caplen, fr.wirelen, fr.data);
        ev->written++;
    }
    /* No finding: still a valid, empty pcap, so scripts can open it. */
    if (ok && linktype < 0)
        ok = pcap_out_header(out, 1);
    if (fflush(out) != 0)
        ok = false;
    if (!ok) {
        snprintf(err, IMSEC_ERRBUF, "%s: write failed", ev->path);
        goto done;
    }
    rc = IMSEC_OK;
done:
    if (fclose(out) != 0 && rc == IMSEC_OK) {
        snprintf(err, IMSEC_ERRBUF, "%s: write failed", ev->path);
        rc = IMSEC_E_IO;
    }
    imsec_engine_free(e);
    cap_file_close(cs);
    return rc;
}

static void evf_free(void *ud)
{
    evfile *ev = ud;
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

static const imsec_sink_ops evfile_ops = {
    .name = "evidence-file", .on_finding = evf_finding, .finish = evf_finish, .free = evf_free,
};

/* Outputs often go to shared folders, where a planted link would redirect
 * them: a symbolic link is refused, not written through. */
int imsec_evidence_file_sink(const imsec_evidence_file_opts *o, imsec_sink *out,
                             char err[IMSEC_ERRBUF])
{
    out->ops = NULL;
    evfile *ev = calloc(1, sizeof *ev);
    if (!ev || !(ev->path = strdup(o->path))) {
        snprintf(err, IMSEC_ERRBUF, "out of memory");
        free(ev);
        return IMSEC_E_NOMEM;
    }
    ev->o = *o;
    int fd = open(o->path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 || !(ev->out = fdopen(fd, "w"))) {
        snprintf(err, IMSEC_ERRBUF, "%s: cannot write: %s", o->path,
                 errno == ELOOP ? "is a symbolic link" : strerror(errno));
        if (fd >= 0)
            close(fd);
        evf_free(ev);
        return IMSEC_E_IO;
    }
    *out = (imsec_sink){.ops = &evfile_ops, .ud = ev};
    return IMSEC_OK;
}

void imsec_evidence_file_counts(const imsec_sink *s, uint64_t *written, uint64_t *skipped)
{
    const evfile *ev = s->ud;
    *written = ev->written;
    *skipped = ev->skipped;
}
