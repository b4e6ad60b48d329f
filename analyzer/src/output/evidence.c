#include "output/evidence.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/siphash.h"
#include "output/pcap_out.h"

/* One frame in the ring. Data lives in the byte ring at [off, off+caplen). */
typedef struct {
    uint64_t frame_no;
    imsec_ts ts;
    uint32_t caplen, wirelen;
    int linktype;
    size_t off;
    uint64_t cid[2]; /* Call-ID tags, 0 = none */
    uint64_t impi;   /* IMPI tag, 0 = none */
    /* Previous frame with the same tag (0 = none): a finding's context is
     * found by walking these chains, O(context) instead of a ring scan. */
    uint64_t prev_cid[2], prev_impi;
} ev_slot;

/* Chain heads: direct-mapped by tag hash. A collision replaces the head, so
 * the older tag loses the context gathered so far; it never mixes chains,
 * because every step re-checks the tag. */
#define EV_HEADS 65536u
typedef struct {
    uint64_t tag, frame_no;
} ev_head;

typedef struct {
    char name[EVIDENCE_NAME_LEN];
    uint64_t bytes;
} ev_written;

struct evidence {
    int dirfd;
    uint8_t key[16];
    /* Byte ring: data of slots tail..head-1 in circular order; placement is
     * always contiguous (a frame never straddles the end), so a frame's
     * bytes can be written with one call. */
    uint8_t *buf;
    size_t bufcap, wpos;
    ev_slot *slots;
    uint32_t slotcap, tail, count;
    uint64_t disk_cap;
    uint32_t max_context;
    /* FIFO of files this instance wrote, oldest at whead. */
    ev_written *files;
    size_t fcap, fhead, fcount;
    uint32_t *pick; /* scratch: slot indices for one file */
    uint64_t *cand; /* scratch: candidate frame numbers */
    size_t ncand_cap;
    ev_head *heads;
    evidence_counters ctr;
};

evidence *evidence_new(const evidence_opts *o, char err[IMSEC_ERRBUF])
{
    evidence *ev = calloc(1, sizeof *ev);
    if (!ev)
        goto nomem;
    ev->dirfd = -1;
    ev->bufcap = o->ring_bytes ? o->ring_bytes : (size_t)64 << 20;
    if (ev->bufcap < 65536)
        ev->bufcap = 65536;
    ev->slotcap = o->ring_frames ? o->ring_frames : 262144;
    ev->disk_cap = o->disk_bytes ? o->disk_bytes : (uint64_t)1 << 30;
    ev->max_context = o->max_context ? o->max_context : 4096;
    if (ev->max_context < IMSEC_MAX_EVIDENCE)
        ev->max_context = IMSEC_MAX_EVIDENCE;
    ev->fcap = 4096;
    for (int i = 0; i < 8; i++) {
        ev->key[i] = (uint8_t)(o->seed >> (8 * i));
        ev->key[8 + i] = (uint8_t)((o->seed * 0x9e3779b97f4a7c15u) >> (8 * i));
    }
    ev->buf = malloc(ev->bufcap);
    ev->slots = calloc(ev->slotcap, sizeof *ev->slots);
    ev->files = calloc(ev->fcap, sizeof *ev->files);
    ev->pick = calloc(ev->max_context, sizeof *ev->pick);
    ev->ncand_cap = 2 * (size_t)ev->max_context + IMSEC_MAX_EVIDENCE + 1;
    ev->cand = calloc(ev->ncand_cap, sizeof *ev->cand);
    ev->heads = calloc(EV_HEADS, sizeof *ev->heads);
    if (!ev->buf || !ev->slots || !ev->files || !ev->pick || !ev->cand || !ev->heads)
        goto nomem;
    ev->dirfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (ev->dirfd < 0) {
        snprintf(err, IMSEC_ERRBUF, "%s: evidence directory: %s", o->dir,
                 errno == ELOOP || errno == ENOTDIR ? "not a directory (symbolic links refused)"
                                                     : strerror(errno));
        evidence_free(ev);
        return NULL;
    }
    return ev;
nomem:
    snprintf(err, IMSEC_ERRBUF, "%s: evidence ring: out of memory", o->dir);
    evidence_free(ev);
    return NULL;
}

void evidence_free(evidence *ev)
{
    if (!ev)
        return;
    if (ev->dirfd >= 0)
        close(ev->dirfd);
    free(ev->buf);
    free(ev->slots);
    free(ev->files);
    free(ev->pick);
    free(ev->cand);
    free(ev->heads);
    free(ev);
}

static void drop_oldest(evidence *ev)
{
    ev->ctr.ring_bytes -= ev->slots[ev->tail].caplen;
    ev->tail = (ev->tail + 1) % ev->slotcap;
    ev->count--;
    if (ev->count == 0)
        ev->wpos = 0;
}

/* Where len contiguous bytes fit after evicting the fewest oldest frames. */
static size_t make_room(evidence *ev, size_t len)
{
    for (;;) {
        if (ev->count == 0) {
            ev->wpos = 0;
            return 0;
        }
        size_t toff = ev->slots[ev->tail].off;
        if (ev->wpos > toff) {
            /* data is [toff, wpos): free space at the end, then before toff */
            if (len <= ev->bufcap - ev->wpos)
                return ev->wpos;
            if (len <= toff)
                return 0;
        } else if (len <= toff - ev->wpos) {
            /* wrapped: data is [toff, end) + [0, wpos) */
            return ev->wpos;
        }
        drop_oldest(ev);
    }
}

void evidence_add(evidence *ev, const imsec_frame *f)
{
    size_t len = f->caplen;
    if (len > ev->bufcap)
        len = ev->bufcap;
    if (ev->count == ev->slotcap)
        drop_oldest(ev);
    size_t off = make_room(ev, len);
    uint32_t idx = (ev->tail + ev->count) % ev->slotcap;
    ev->slots[idx] = (ev_slot){.frame_no = f->frame_no, .ts = f->ts, .caplen = (uint32_t)len,
                               .wirelen = f->wirelen, .linktype = f->linktype, .off = off};
    if (len)
        memcpy(ev->buf + off, f->data, len);
    ev->wpos = off + len;
    if (ev->wpos == ev->bufcap)
        ev->wpos = 0;
    ev->count++;
    ev->ctr.ring_bytes += len;
}

/* A zero-length frame at wpos makes [toff, wpos) ambiguous; make_room treats
 * wpos == toff with count > 0 as "wrapped and full up to toff", which only
 * evicts more than needed, never overwrites live data. */

static uint64_t tag_hash(const evidence *ev, const char *s)
{
    if (!s || !s[0])
        return 0;
    uint64_t h = siphash_24(ev->key, s, strnlen(s, IMSEC_SUBJ_LEN));
    return h ? h : 1;
}

static ev_slot *find_slot(evidence *ev, uint64_t frame_no)
{
    if (ev->count == 0)
        return NULL;
    uint64_t first = ev->slots[ev->tail].frame_no;
    if (frame_no < first || frame_no - first >= ev->count)
        return NULL;
    ev_slot *s = &ev->slots[(ev->tail + (uint32_t)(frame_no - first)) % ev->slotcap];
    return s->frame_no == frame_no ? s : NULL;
}

/* Links frame_no into tag's chain; returns the previous frame of the chain. */
static uint64_t link_head(evidence *ev, uint64_t tag, uint64_t frame_no)
{
    ev_head *h = &ev->heads[tag & (EV_HEADS - 1)];
    uint64_t prev = h->tag == tag && h->frame_no < frame_no ? h->frame_no : 0;
    h->tag = tag;
    h->frame_no = frame_no;
    return prev;
}

void evidence_tag(evidence *ev, uint64_t frame_no, const char *call_id, const char *impi)
{
    ev_slot *s = find_slot(ev, frame_no);
    if (!s)
        return;
    uint64_t c = tag_hash(ev, call_id), i = tag_hash(ev, impi);
    if (c && s->cid[0] != c && s->cid[1] != c) {
        int k = !s->cid[0] ? 0 : !s->cid[1] ? 1 : -1;
        if (k >= 0) {
            s->cid[k] = c;
            s->prev_cid[k] = link_head(ev, c, frame_no);
        }
    }
    if (i && !s->impi) {
        s->impi = i;
        s->prev_impi = link_head(ev, i, frame_no);
    }
}

/* Appends the frames of tag's chain (newest first) to cand, at most max. */
static size_t walk_chain(evidence *ev, uint64_t tag, bool impi, size_t n, size_t max)
{
    if (!tag)
        return n;
    const ev_head *h = &ev->heads[tag & (EV_HEADS - 1)];
    uint64_t f = h->tag == tag ? h->frame_no : 0;
    size_t taken = 0;
    while (f && taken < max && n < ev->ncand_cap) {
        const ev_slot *s = find_slot(ev, f);
        if (!s)
            break; /* left the ring: everything older has too */
        uint64_t next;
        if (impi && s->impi == tag)
            next = s->prev_impi;
        else if (!impi && s->cid[0] == tag)
            next = s->prev_cid[0];
        else if (!impi && s->cid[1] == tag)
            next = s->prev_cid[1];
        else
            break;
        ev->cand[n++] = f;
        taken++;
        if (next >= f)
            break;
        f = next;
    }
    return n;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static bool valid_id(const char *id)
{
    size_t n = strnlen(id, EVIDENCE_NAME_LEN);
    if (n == 0 || n + sizeof ".pcap" > EVIDENCE_NAME_LEN || id[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = id[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-'))
            return false;
    }
    return true;
}

static bool is_cited(const imsec_finding *f, uint64_t frame_no)
{
    for (uint32_t i = 0; i < f->nframes && i < IMSEC_MAX_EVIDENCE; i++)
        if (f->frames[i] == frame_no)
            return true;
    return frame_no == f->trigger_frame;
}

/* Oldest-first deletion of our own files until `need` more bytes fit. */
static void make_disk_room(evidence *ev, uint64_t need)
{
    while (ev->fcount && ev->ctr.bytes_on_disk + need > ev->disk_cap) {
        ev_written *w = &ev->files[ev->fhead];
        if (unlinkat(ev->dirfd, w->name, 0) == 0 || errno == ENOENT)
            ev->ctr.files_deleted++;
        ev->ctr.bytes_on_disk -= w->bytes;
        ev->fhead = (ev->fhead + 1) % ev->fcap;
        ev->fcount--;
    }
}

int evidence_write(evidence *ev, const imsec_finding *f, const char *id, evidence_result *out,
                   char err[IMSEC_ERRBUF])
{
    memset(out, 0, sizeof *out);
    if (!valid_id(id))
        return IMSEC_E_CONFIG;
    uint64_t cid = tag_hash(ev, f->call_id), impi = tag_hash(ev, f->impi);
    /* The file's link type is the trigger frame's (else the first cited). */
    const ev_slot *ts = find_slot(ev, f->trigger_frame);
    for (uint32_t i = 0; !ts && i < f->nframes && i < IMSEC_MAX_EVIDENCE; i++)
        ts = find_slot(ev, f->frames[i]);
    int linktype = ts ? ts->linktype : 1;
    /* Candidates: cited frames plus the Call-ID and IMPI chains; sorted,
     * unique. When over the cap, the oldest context goes first; cited frames
     * always stay. pick[] gets slot indices newest first. */
    size_t nc = 0;
    for (uint32_t i = 0; i < f->nframes && i < IMSEC_MAX_EVIDENCE; i++)
        ev->cand[nc++] = f->frames[i];
    if (f->trigger_frame)
        ev->cand[nc++] = f->trigger_frame;
    nc = walk_chain(ev, cid, false, nc, ev->max_context);
    nc = walk_chain(ev, impi, true, nc, ev->max_context);
    qsort(ev->cand, nc, sizeof *ev->cand, cmp_u64);
    uint32_t n = 0, ncited_left = 0;
    for (uint32_t i = 0; i < f->nframes && i < IMSEC_MAX_EVIDENCE; i++)
        if (find_slot(ev, f->frames[i]))
            ncited_left++;
    for (size_t k = nc; k-- > 0;) {
        if (k + 1 < nc && ev->cand[k] == ev->cand[k + 1])
            continue;
        const ev_slot *s = find_slot(ev, ev->cand[k]);
        if (!s || s->linktype != linktype)
            continue;
        bool cited = is_cited(f, s->frame_no);
        if (cited) {
            if (ncited_left)
                ncited_left--;
        } else if (n + ncited_left >= ev->max_context) {
            continue;
        }
        if (n < ev->max_context)
            ev->pick[n++] = (uint32_t)(s - ev->slots);
    }
    uint64_t size = PCAP_OUT_HDR_LEN;
    for (uint32_t i = 0; i < n; i++)
        size += PCAP_OUT_REC_LEN + ev->slots[ev->pick[i]].caplen;
    make_disk_room(ev, size);
    if (ev->ctr.bytes_on_disk + size > ev->disk_cap) {
        snprintf(err, IMSEC_ERRBUF, "evidence %s: over the disk bound", id);
        ev->ctr.write_errors++;
        return IMSEC_E_LIMIT;
    }
    snprintf(out->name, sizeof out->name, "%s.pcap", id);
    int fd = openat(ev->dirfd, out->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    0640);
    if (fd < 0) {
        snprintf(err, IMSEC_ERRBUF, "evidence %s: %s", out->name,
                 errno == EEXIST || errno == ELOOP ? "exists (not overwritten)" : strerror(errno));
        ev->ctr.write_errors++;
        return IMSEC_E_IO;
    }
    FILE *fp = fdopen(fd, "wb");
    if (!fp) {
        close(fd);
        unlinkat(ev->dirfd, out->name, 0);
        ev->ctr.write_errors++;
        snprintf(err, IMSEC_ERRBUF, "evidence %s: %s", out->name, strerror(errno));
        return IMSEC_E_IO;
    }
    bool ok = pcap_out_header(fp, linktype);
    /* pick[] is newest first: write it backwards for frame order. */
    uint32_t pktno = 0;
    for (uint32_t i = n; ok && i-- > 0;) {
        const ev_slot *s = &ev->slots[ev->pick[i]];
        ok = pcap_out_record(fp, s->ts, s->caplen, s->wirelen, ev->buf + s->off);
        pktno++;
        for (uint32_t c = 0; c < f->nframes && c < IMSEC_MAX_EVIDENCE; c++)
            if (f->frames[c] == s->frame_no)
                out->cited_in_file[c] = pktno;
    }
    if (fclose(fp) != 0)
        ok = false;
    if (!ok) {
        unlinkat(ev->dirfd, out->name, 0);
        ev->ctr.write_errors++;
        snprintf(err, IMSEC_ERRBUF, "evidence %s: write failed: %s", out->name, strerror(errno));
        return IMSEC_E_IO;
    }
    for (uint32_t c = 0; c < f->nframes && c < IMSEC_MAX_EVIDENCE; c++)
        if (!out->cited_in_file[c])
            ev->ctr.frames_missing++;
    out->nframes = pktno;
    out->bytes = size;
    if (ev->fcount == ev->fcap) {
        /* FIFO full: delete the oldest file so every file we wrote stays accounted. */
        ev_written *old = &ev->files[ev->fhead];
        if (unlinkat(ev->dirfd, old->name, 0) == 0 || errno == ENOENT)
            ev->ctr.files_deleted++;
        ev->ctr.bytes_on_disk -= old->bytes;
        ev->fhead = (ev->fhead + 1) % ev->fcap;
        ev->fcount--;
    }
    ev_written *w = &ev->files[(ev->fhead + ev->fcount) % ev->fcap];
    memcpy(w->name, out->name, sizeof w->name);
    w->bytes = size;
    ev->fcount++;
    ev->ctr.bytes_on_disk += size;
    ev->ctr.files_written++;
    return 0;
}

void evidence_get_counters(const evidence *ev, evidence_counters *out)
{
    *out = ev->ctr;
    out->ring_frames = ev->count;
}

/* ---- the live evidence sink (imsec/output.h) ---- */

typedef struct {
    evidence *ev;
    char dir[1024];
    char err[IMSEC_ERRBUF]; /* first write error not yet collected */
} ev_sink;

static void evs_frame(void *ud, const imsec_frame *f) { evidence_add(((ev_sink *)ud)->ev, f); }

static void evs_message(void *ud, const imsec_msg_rec *m)
{
    evidence_tag(((ev_sink *)ud)->ev, m->frame, m->call_id, m->impi);
}

static void evs_finding(void *ud, const imsec_finding *f, imsec_finding_note *note)
{
    ev_sink *s = ud;
    evidence_result r;
    char err[IMSEC_ERRBUF] = "";
    int rc = evidence_write(s->ev, f, note->id, &r, err);
    if (rc != 0) {
        if (!s->err[0])
            snprintf(s->err, sizeof s->err, "%s", err[0] ? err : imsec_rc_str(rc));
        return;
    }
    memcpy(note->evidence, r.name, sizeof note->evidence);
    note->evidence_dir = s->dir;
    note->evidence_packets = r.nframes;
    memcpy(note->cited_in_file, r.cited_in_file, sizeof note->cited_in_file);
}

static void evs_free(void *ud)
{
    ev_sink *s = ud;
    if (!s)
        return;
    evidence_free(s->ev);
    free(s);
}

static const imsec_sink_ops ev_sink_ops = {
    .name = "evidence", .on_frame = evs_frame, .on_message = evs_message,
    .on_finding = evs_finding, .free = evs_free,
};

int imsec_evidence_sink(const imsec_evidence_opts *o, imsec_sink *out, char err[IMSEC_ERRBUF])
{
    out->ops = NULL;
    ev_sink *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, IMSEC_ERRBUF, "%s: evidence ring: out of memory", o->dir);
        return IMSEC_E_NOMEM;
    }
    snprintf(s->dir, sizeof s->dir, "%s", o->dir);
    s->ev = evidence_new(o, err);
    if (!s->ev) {
        free(s);
        return IMSEC_E_IO;
    }
    *out = (imsec_sink){.ops = &ev_sink_ops, .ud = s};
    return IMSEC_OK;
}

void imsec_evidence_sink_counters(const imsec_sink *s, imsec_evidence_counters *out)
{
    evidence_get_counters(((const ev_sink *)s->ud)->ev, out);
}

const char *imsec_evidence_sink_error(const imsec_sink *s, char buf[IMSEC_ERRBUF])
{
    ev_sink *e = s->ud;
    snprintf(buf, IMSEC_ERRBUF, "%s", e->err);
    e->err[0] = '\0';
    return buf;
}
