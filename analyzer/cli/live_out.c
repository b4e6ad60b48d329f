#include "live_out.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>


struct live_out {
    live_out_opts o;
    char pattern[1024];  /* -o as given */
    char cur[1100];      /* current file name */
    FILE *f;
    bool own;
    imsec_writer w;
    uint64_t written;    /* bytes in the current file */
    uint32_t counter;    /* -C suffix */
    time_t period_start;
    uint64_t opened;
    int err;
    char errmsg[IMSEC_ERRBUF];
};

/* First error wins; later ones are consequences. Truncation is acceptable. */
static void set_err(live_out *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(live_out *s, const char *fmt, ...)
{
    if (s->err)
        return;
    s->err = IMSEC_E_IO;
    va_list ap;
    va_start(ap, fmt);
    if (vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap) < 0)
        s->errmsg[0] = '\0';
    va_end(ap);
}

static int sink_write(void *ud, const char *p, size_t n)
{
    live_out *s = ud;
    if (!s->f || fwrite(p, 1, n, s->f) != n)
        return IMSEC_E_IO;
    s->written += n;
    return 0;
}

/* A new file starts with a clean writer: an error on the old one is kept
 * in s->err already. */
static void bind_writer(live_out *s)
{
    if (s->w.err)
        set_err(s, "%s: write failed: %s", s->own ? s->cur : "stdout", strerror(errno));
    s->w = (imsec_writer){.write = sink_write, .ud = s};
}

/* NAME or NAME<k>, after strftime when -G is on. */
static bool make_name(live_out *s, time_t now, char *out, size_t cap)
{
    char base[1024];
    if (s->o.rotate_secs) {
        struct tm tm;
        if (!gmtime_r(&now, &tm) || strftime(base, sizeof base, s->pattern, &tm) == 0)
            return false;
    } else if (snprintf(base, sizeof base, "%s", s->pattern) >= (int)sizeof base) {
        return false;
    }
    int n = s->counter ? snprintf(out, cap, "%s%u", base, s->counter) : snprintf(out, cap, "%s", base);
    return n > 0 && (size_t)n < cap;
}

/* Appends to an existing file (a restart must not wipe alerts); a file
 * reached by rotation is started afresh. Symbolic links are refused. */
static bool open_file(live_out *s, const char *name, bool trunc, char err[IMSEC_ERRBUF])
{
    int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (trunc ? O_TRUNC : O_APPEND);
    int fd = open(name, flags, 0640);
    if (fd < 0) {
        snprintf(err, IMSEC_ERRBUF, "%.400s: cannot write: %s", name,
                 errno == ELOOP ? "is a symbolic link" : strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, IMSEC_ERRBUF, "%.400s: cannot write: not a regular file", name);
        close(fd);
        return false;
    }
    FILE *f = fdopen(fd, "a");
    if (!f) {
        snprintf(err, IMSEC_ERRBUF, "%.400s: %s", name, strerror(errno));
        close(fd);
        return false;
    }
    /* Fully buffered: a write per record would cap the alert rate; the
     * engine loop calls live_out_flush whenever the rings run empty (and at
     * least every 100 ms), so `tail -f` and shippers still see records at once. */
    setvbuf(f, NULL, _IOFBF, 1 << 16);
    s->f = f;
    s->written = (uint64_t)st.st_size;
    snprintf(s->cur, sizeof s->cur, "%s", name);
    s->opened++;
    return true;
}

live_out *live_out_open(const live_out_opts *o, time_t now, char err[IMSEC_ERRBUF])
{
    live_out *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, IMSEC_ERRBUF, "out of memory");
        return NULL;
    }
    s->o = *o;
    s->period_start = now;
    if (!o->path || strcmp(o->path, "-") == 0) {
        s->f = stdout;
        s->o.rotate_bytes = 0;
        s->o.rotate_secs = 0;
    } else {
        if (snprintf(s->pattern, sizeof s->pattern, "%s", o->path) >= (int)sizeof s->pattern) {
            snprintf(err, IMSEC_ERRBUF, "%s: name too long", o->path);
            goto fail;
        }
        char name[sizeof s->cur];
        if (!make_name(s, now, name, sizeof name)) {
            snprintf(err, IMSEC_ERRBUF, "%s: bad file name pattern", o->path);
            goto fail;
        }
        if (!open_file(s, name, false, err))
            goto fail;
        s->own = true;
    }
    bind_writer(s);
    if (o->syslog)
        openlog("imsec", LOG_PID | LOG_NDELAY, LOG_DAEMON);
    return s;
fail:
    free(s);
    return NULL;
}

static void rotate(live_out *s, time_t now, bool new_period)
{
    if (!s->own)
        return;
    fclose(s->f);
    s->f = NULL;
    if (new_period) {
        s->counter = 0;
        s->period_start = now;
    } else {
        s->counter++;
        if (s->o.max_files && s->counter >= s->o.max_files)
            s->counter = 0;
    }
    char name[sizeof s->cur], err[IMSEC_ERRBUF];
    if (!make_name(s, now, name, sizeof name) || !open_file(s, name, true, err)) {
        set_err(s, "rotation: %s", err);
        return;
    }
    bind_writer(s);
}

void live_out_tick(live_out *s, time_t now)
{
    if (!s->own)
        return;
    if (s->o.rotate_secs && now - s->period_start >= (time_t)s->o.rotate_secs)
        rotate(s, now, true);
    else if (s->o.rotate_bytes && s->written >= s->o.rotate_bytes)
        rotate(s, now, false);
}

void live_out_reopen(live_out *s, time_t now)
{
    (void)now;
    if (!s->own)
        return;
    char name[sizeof s->cur], err[IMSEC_ERRBUF];
    snprintf(name, sizeof name, "%s", s->cur);
    if (s->f)
        fclose(s->f);
    s->f = NULL;
    if (!open_file(s, name, false, err)) {
        set_err(s, "reopen: %s", err);
        return;
    }
    bind_writer(s);
}

static int syslog_prio(imsec_severity sev)
{
    switch (sev) {
    case IMSEC_SEV_CRITICAL: return LOG_CRIT;
    case IMSEC_SEV_HIGH: return LOG_ERR;
    case IMSEC_SEV_MEDIUM: return LOG_WARNING;
    case IMSEC_SEV_LOW: return LOG_NOTICE;
    default: return LOG_INFO;
    }
}

static void lo_finding(void *ud, const imsec_finding *f, imsec_finding_note *note)
{
    live_out *s = ud;
    if (s->o.syslog) {
        char reason[IMSEC_REASON_LEN * 4 + 8];
        imsec_escape(f->reason, strnlen(f->reason, IMSEC_REASON_LEN), reason, sizeof reason);
        syslog(syslog_prio(f->sev), "%s [%s] id=%s %s", f->rule, imsec_severity_str(f->sev),
               note->id, reason);
    }
    live_out_tick(s, time(NULL));
}

static void lo_stats(void *ud, const imsec_stats *st, const imsec_stats_info *info)
{
    live_out *s = ud;
    (void)st;
    (void)info;
    if (s->f)
        fflush(s->f);
    live_out_tick(s, time(NULL));
}

static const imsec_sink_ops live_out_ops = {
    .name = "live-out", .on_finding = lo_finding, .on_stats = lo_stats,
};

imsec_sink live_out_sink(live_out *s) { return (imsec_sink){.ops = &live_out_ops, .ud = s}; }

imsec_writer *live_out_writer(live_out *s) { return &s->w; }

void live_out_chown(live_out *s, uid_t uid, gid_t gid)
{
    if (s->own && s->f && fchown(fileno(s->f), uid, gid) != 0)
        set_err(s, "%s: chown: %s", s->cur, strerror(errno));
}

void live_out_flush(live_out *s)
{
    if (s->f && fflush(s->f) != 0)
        set_err(s, "%s: write failed: %s", s->own ? s->cur : "stdout", strerror(errno));
}

int live_out_close(live_out *s, char err[IMSEC_ERRBUF])
{
    int rc = s->err != 0;
    if (rc)
        snprintf(err, IMSEC_ERRBUF, "%s", s->errmsg);
    if (!rc && s->w.err) {
        rc = 1;
        snprintf(err, IMSEC_ERRBUF, "%.400s: write failed: %s", s->own ? s->cur : "stdout",
                 imsec_rc_str(s->w.err));
    }
    if (s->f && fflush(s->f) != 0 && !rc) {
        rc = 1;
        snprintf(err, IMSEC_ERRBUF, "error writing output: %s", strerror(errno));
    }
    if (s->own && s->f)
        fclose(s->f);
    if (s->o.syslog)
        closelog();
    free(s);
    return rc;
}
