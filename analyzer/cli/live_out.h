/* live_out: where `imsec live` streams its records.
 *
 * The byte destination under the text or EVE sink: stdout, or a file that
 * can rotate the way tcpdump's -w files do:
 *   -C MB    start a new file when the current one passed MB * 1,000,000
 *            bytes: NAME, NAME1, NAME2, ... (with -W N: wrap after N files,
 *            overwriting NAME again);
 *   -G SECS  start a new file every SECS seconds; NAME is passed through
 *            strftime (UTC), so "eve-%Y%m%d-%H%M%S.json" gives one file per
 *            period (the -C counter restarts each period);
 *   SIGHUP   close and reopen NAME (append), for logrotate's "rename, then
 *            signal" (live_out_reopen).
 * Every file is opened with O_NOFOLLOW: an output path that is a symbolic
 * link is refused, not written through. live_out_sink is the last sink of
 * the engine: after each record it checks rotation (so a record never
 * straddles two files) and optionally sends each finding to syslog (daemon
 * facility, priority from the severity). */
#ifndef IMSEC_CLI_LIVE_OUT_H
#define IMSEC_CLI_LIVE_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "imsec/imsec.h"
#include "imsec/output.h"
#include "imsec/sink.h"

typedef struct {
    const char *path;       /* NULL or "-": stdout */
    uint64_t rotate_bytes;  /* 0: off */
    uint32_t rotate_secs;   /* 0: off */
    uint32_t max_files;     /* -W; 0: unlimited */
    bool syslog;
} live_out_opts;

typedef struct live_out live_out;

live_out *live_out_open(const live_out_opts *o, time_t now, char err[IMSEC_ERRBUF]);
/* The writer the output sink writes through (valid until close). */
imsec_writer *live_out_writer(live_out *s);
/* The sink that follows the output sink: syslog, flush after stats, rotation. */
imsec_sink live_out_sink(live_out *s);
/* SIGHUP: reopen the current file. Time rotation check (call often). */
void live_out_reopen(live_out *s, time_t now);
void live_out_tick(live_out *s, time_t now);
/* Hands the current file to the user -Z switches to (before the switch). */
void live_out_chown(live_out *s, uid_t uid, gid_t gid);
/* Pushes buffered records to the file (call when idle). */
void live_out_flush(live_out *s);
/* Flush and close; non-zero with err set if any write failed. */
int live_out_close(live_out *s, char err[IMSEC_ERRBUF]);

#endif
