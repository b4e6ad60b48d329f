#include "cli_out.h"

#include "cli_common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "output/eve.h"
#include "output/out.h"
#include "output/text.h"

/* `dialogs --format eve` lines are held until the end and written ordered
 * by first frame (registrations after dialogs on a tie), so the record
 * order does not depend on when an entry happened to be evicted. */
typedef struct {
    uint64_t first_frame;
    int kind;
    char *line;
    size_t len;
} held_line;

struct cli_out {
    FILE *f;
    bool own;
    cli_format fmt;
    bool dialogs;
    out_writer w;
    text_ctx text;
    held_line *held;
    size_t nheld, capheld;
    int err;
};

cli_out *cli_out_open(const char *path, cli_format fmt, bool dialogs, bool color,
                      const imsec_config *cfg, char err[IMSEC_ERRBUF])
{
    (void)cfg;
    cli_out *o = calloc(1, sizeof *o);
    if (!o) {
        snprintf(err, IMSEC_ERRBUF, "out of memory");
        return NULL;
    }
    o->fmt = fmt;
    o->dialogs = dialogs;
    if (!path || strcmp(path, "-") == 0) {
        o->f = stdout;
    } else {
        o->f = cli_open_output(path, err);
        if (!o->f) {
            free(o);
            return NULL;
        }
        o->own = true;
    }
    out_writer_file(&o->w, o->f);
    text_init(&o->text, &o->w, color);
    return o;
}

/* Captures one EVE line into memory. */
typedef struct {
    char *p;
    size_t len, cap;
} membuf;

static int mem_write(void *ud, const char *p, size_t n)
{
    membuf *m = ud;
    if (m->len + n > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 512;
        while (cap < m->len + n)
            cap *= 2;
        char *np = realloc(m->p, cap);
        if (!np)
            return IMSEC_E_NOMEM;
        m->p = np;
        m->cap = cap;
    }
    memcpy(m->p + m->len, p, n);
    m->len += n;
    return 0;
}

static void hold(cli_out *o, uint64_t first_frame, int kind, json_object *obj)
{
    membuf m = {0};
    out_writer mw = {.write = mem_write, .ud = &m};
    if (eve_write_obj(&mw, obj) != 0 || mw.err) {
        free(m.p);
        o->err = IMSEC_E_NOMEM;
        return;
    }
    if (o->nheld == o->capheld) {
        size_t cap = o->capheld ? o->capheld * 2 : 64;
        held_line *nh = realloc(o->held, cap * sizeof *nh);
        if (!nh) {
            free(m.p);
            o->err = IMSEC_E_NOMEM;
            return;
        }
        o->held = nh;
        o->capheld = cap;
    }
    o->held[o->nheld++] = (held_line){first_frame, kind, m.p, m.len};
}

void cli_out_finding(cli_out *o, const imsec_finding *f)
{
    int rc = o->fmt == CLI_EVE ? eve_finding(&o->w, f) : text_finding(&o->text, f);
    if (rc && !o->err)
        o->err = rc;
}

void cli_out_dialog(cli_out *o, const imsec_dialog_rec *d)
{
    if (o->fmt == CLI_EVE)
        hold(o, d->first_frame, 0, eve_dialog_obj(d));
    else if (text_dialog(&o->text, d) && !o->err)
        o->err = IMSEC_E_IO;
}

void cli_out_registration(cli_out *o, const imsec_reg_rec *r)
{
    if (o->fmt == CLI_EVE)
        hold(o, r->first_frame, 1, eve_registration_obj(r));
    else if (text_registration(&o->text, r) && !o->err)
        o->err = IMSEC_E_IO;
}

void cli_out_txn(cli_out *o, const imsec_txn_rec *t)
{
    if (o->fmt == CLI_EVE)
        hold(o, t->first_frame, 2, eve_txn_obj(t));
    else if (text_txn(&o->text, t) && !o->err)
        o->err = IMSEC_E_IO;
}

void cli_out_sa(cli_out *o, const imsec_sa_rec *s)
{
    if (o->fmt == CLI_EVE)
        hold(o, s->agreed_frame, 3, eve_sa_obj(s));
    else if (text_sa(&o->text, s) && !o->err)
        o->err = IMSEC_E_IO;
}

static int by_frame(const void *a, const void *b)
{
    const held_line *x = a, *y = b;
    if (x->first_frame != y->first_frame)
        return x->first_frame < y->first_frame ? -1 : 1;
    return x->kind - y->kind;
}

void cli_out_finish(cli_out *o, const imsec_stats *st, const char *damage, bool summary,
                    bool verbose)
{
    (void)verbose;
    if (o->fmt == CLI_EVE) {
        if (o->nheld)
            qsort(o->held, o->nheld, sizeof *o->held, by_frame);
        for (size_t i = 0; i < o->nheld; i++)
            out_write(&o->w, o->held[i].line, o->held[i].len);
        if (eve_stats(&o->w, st) && !o->err)
            o->err = IMSEC_E_IO;
        return;
    }
    if (o->dialogs && text_table_flush(&o->text) && !o->err)
        o->err = IMSEC_E_IO;
    if (!summary)
        return;
    /* One damage line per damaged file, as cap_file reports them. */
    const char *lines[64];
    size_t n = 0;
    char *copy = damage ? strdup(damage) : NULL;
    for (char *save = NULL, *l = copy ? strtok_r(copy, "\n", &save) : NULL; l && n < 64;
         l = strtok_r(NULL, "\n", &save))
        lines[n++] = l;
    if (text_summary(&o->text, st, lines, n) && !o->err)
        o->err = IMSEC_E_IO;
    free(copy);
}

int cli_out_close(cli_out *o, char err[IMSEC_ERRBUF])
{
    int rc = o->err || o->w.err;
    text_fini(&o->text);
    for (size_t i = 0; i < o->nheld; i++)
        free(o->held[i].line);
    free(o->held);
    if (fflush(o->f) != 0)
        rc = 1;
    if (o->own && fclose(o->f) != 0)
        rc = 1;
    if (rc)
        snprintf(err, IMSEC_ERRBUF, "error writing output: %s",
                 errno ? strerror(errno) : imsec_rc_str(o->err));
    free(o);
    return rc;
}
