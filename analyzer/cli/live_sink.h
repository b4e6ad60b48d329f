/* live_sink: where `imsec live` streams findings and stats.
 *
 * Text (for a terminal) or EVE JSON lines, to stdout or to a file that can
 * rotate the way tcpdump's -w files do:
 *   -C MB    start a new file when the current one passed MB * 1,000,000
 *            bytes: NAME, NAME1, NAME2, ... (with -W N: wrap after N files,
 *            overwriting NAME again);
 *   -G SECS  start a new file every SECS seconds; NAME is passed through
 *            strftime (UTC), so "eve-%Y%m%d-%H%M%S.json" gives one file per
 *            period (the -C counter restarts each period);
 *   SIGHUP   close and reopen NAME (append), for logrotate's "rename, then
 *            signal" (live_sink_reopen).
 * Every file is opened with O_NOFOLLOW: an output path that is a symbolic
 * link is refused, not written through. Optionally each finding also goes
 * to syslog (daemon facility, priority from the severity). */
#ifndef IMSEC_CLI_LIVE_SINK_H
#define IMSEC_CLI_LIVE_SINK_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "cli_out.h"
#include "imsec/imsec.h"
#include "output/evidence.h"

typedef struct {
    const char *path;       /* NULL or "-": stdout */
    cli_format fmt;
    bool color;
    uint64_t rotate_bytes;  /* 0: off */
    uint32_t rotate_secs;   /* 0: off */
    uint32_t max_files;     /* -W; 0: unlimited */
    bool syslog;
} live_sink_opts;

typedef struct live_sink live_sink;

live_sink *live_sink_open(const live_sink_opts *o, time_t now, char err[IMSEC_ERRBUF]);
/* One finding; id and ev (NULL: no evidence file) are added to EVE as
 * imsec.id and imsec.evidence, and to text as two more lines. */
void live_sink_finding(live_sink *s, const imsec_finding *f, const char *id,
                       const evidence_file *ev, const char *evdir);
/* EVE: writes the stats object (takes it). Text: one "stats" line built from
 * the same object (periodic) or the summary (final). */
void live_sink_stats(live_sink *s, json_object *stats, const imsec_stats *st, bool final);
/* SIGHUP: reopen the current file. Time rotation check (call often). */
void live_sink_reopen(live_sink *s, time_t now);
void live_sink_tick(live_sink *s, time_t now);
/* Hands the current file to the user -Z switches to (before the switch). */
void live_sink_chown(live_sink *s, uid_t uid, gid_t gid);
/* Pushes buffered records to the file (call when idle). */
void live_sink_flush(live_sink *s);
/* Lines written and files opened so far. */
uint64_t live_sink_rotations(const live_sink *s);
/* Flush and close; non-zero with err set if any write failed. */
int live_sink_close(live_sink *s, char err[IMSEC_ERRBUF]);

#endif
