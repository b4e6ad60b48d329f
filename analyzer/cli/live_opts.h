/* live_opts: the options of `imsec live` and their parsing. */
#ifndef IMSEC_CLI_LIVE_OPTS_H
#define IMSEC_CLI_LIVE_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "cli_common.h"
#include "cli_opts.h"

#define LIVE_MAX_IFACES 8

typedef struct {
    const char *ifaces[LIVE_MAX_IFACES];
    int nifaces;
    const char *filter;
    bool media;
    int snaplen, buffer_mib;
    bool promisc;
    uint64_t count;
    double duration;
    uint64_t rotate_bytes;
    uint32_t rotate_secs, max_files;
    bool syslog;
    const char *evdir;
    uint64_t ev_disk_mb, ev_ring_mb;
    uint64_t ring_mb;
    double stats_interval;
    const char *user;
    cli_shared c;  /* -o, --format (-1: auto), -Y, --rules, --keys, ... as for analyze */
} live_opts;

/* Defaults for every option. */
void live_opts_init(live_opts *o);
/* -1 when the run should go on; else the exit code (help printed, or a
 * usage error reported on stderr). */
int live_opts_parse(int argc, char **argv, live_opts *o);

#endif
