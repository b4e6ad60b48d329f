#include "live_opts.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void live_opts_init(live_opts *o)
{
    *o = (live_opts){.promisc = true, .stats_interval = 60.0, .ring_mb = 64, .ev_ring_mb = 64,
                     .ev_disk_mb = 1024};
    cli_shared_init(&o->c);
}

static const char live_usage[] =
    "usage: imsec live -i IFACE [-i IFACE...] [options]\n"
    "Try 'imsec live --help'.\n";

static const char live_help[] =
    "usage: imsec live -i IFACE [-i IFACE...] [options]\n"
    "\n"
    "Capture IMS traffic from interfaces (libpcap), analyse it as it comes and\n"
    "stream findings; runs until SIGINT/SIGTERM, -c or --duration.\n"
    "\n"
    "Capture:\n"
    "  -i IFACE            interface; repeat for several (merged by packet time).\n"
    "  -f BPF              capture filter (tcpdump syntax) instead of the default:\n"
    "                      SIP 5060-5199 and 6000-6199 (UDP/TCP), SCTP, ESP, UDP 4500,\n"
    "                      IPv4/IPv6 fragments, also inside VLAN tags. -f '' = all.\n"
    "  --media             default filter plus UDP 10000-65535 (RTP/RTCP).\n"
    "  -s SNAPLEN          bytes per packet (default 262144).\n"
    "  -B MiB              kernel capture buffer (default 32).\n"
    "  -p                  do not put the interface in promiscuous mode.\n"
    "  --ring MiB          per-interface queue between capture and analysis\n"
    "                      (default 64); a full queue drops and counts.\n"
    "  -c COUNT            stop after COUNT frames.   --duration S  stop after S s.\n"
    "  -Z USER             drop privileges to USER once captures and files are open.\n"
    "\n"
    "Output:\n"
    "  -o FILE             write EVE JSON lines to FILE (append); default: text on stdout.\n"
    "  --format text|eve   override the format.\n"
    "  -C SIZE             rotate -o when it passes SIZE million bytes, or SIZE with a\n"
    "                      k/m/g suffix (FILE, FILE1, FILE2, ...).\n"
    "  -G SECS             rotate -o every SECS s; FILE is an strftime pattern (UTC).\n"
    "  -W N                with -C: keep at most N files, then reuse FILE.\n"
    "                      SIGHUP reopens FILE (logrotate).\n"
    "  --syslog            also send each finding to syslog (daemon).\n"
    "  --stats-interval S  periodic stats record every S s (default 60, 0 = off);\n"
    "                      a final one is always written.\n"
    "  -w DIR              evidence: one pcap per finding, DIR/<finding id>.pcap, with\n"
    "                      the cited frames and their Call-ID/registration context.\n"
    "  --evidence-ring MiB recent packets kept for evidence (default 64).\n"
    "  --evidence-max MiB  total size of evidence files (default 1024; oldest deleted).\n"
    "  -Y GLOB, --rules FILE, --keys FILE, --show-secrets, --color, -q, -v\n"
    "                      as for 'imsec analyze'.\n"
    "\n"
    "Exit: 0 after a clean stop (signal, -c, --duration), 2 on usage or capture errors.\n";

static int live_usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "imsec live: %s%s\n%s", msg, arg ? arg : "", live_usage);
    return CLI_EXIT_USAGE;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    if (!s[0] || s[0] == '-')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return false;
    *out = v;
    return true;
}

static bool parse_secs(const char *s, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !(v >= 0) || v > 1e9)
        return false;
    *out = v;
    return true;
}

/* tcpdump -C: a bare number is millions of bytes; k/m/g suffixes are
 * 1024-based, as tcpdump 4.99 reads them. */
static bool parse_size(const char *s, uint64_t *out)
{
    char num[32];
    size_t n = strnlen(s, sizeof num);
    if (n == 0 || n >= sizeof num)
        return false;
    memcpy(num, s, n + 1);
    uint64_t mult = 1000000, v;
    char last = num[n - 1];
    if (last == 'k' || last == 'K')
        mult = 1024;
    else if (last == 'm' || last == 'M')
        mult = 1024 * 1024;
    else if (last == 'g' || last == 'G')
        mult = 1024 * 1024 * 1024;
    if (mult != 1000000)
        num[n - 1] = '\0';
    if (!parse_u64(num, UINT64_MAX / mult, &v))
        return false;
    *out = v * mult;
    return true;
}

enum { LO_DURATION = CLI_OPT_OWN, LO_RING, LO_STATS, LO_SYSLOG, LO_EVRING, LO_EVMAX, LO_MEDIA };

/* Shared options that failed, worded as live always has. */
static int shared_error(cli_perr e, const char *arg)
{
    switch (e) {
    case CLI_PE_MANY_GLOBS: return live_usage_error("too many -Y", NULL);
    case CLI_PE_MANY_RULES: return live_usage_error("too many --rules", NULL);
    case CLI_PE_MANY_KEYS: return live_usage_error("too many --keys", NULL);
    case CLI_PE_FORMAT: return live_usage_error("unknown --format ", arg);
    default: return -1;
    }
}

int live_opts_parse(int argc, char **argv, live_opts *o)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(live_help, stdout);
            return CLI_EXIT_CLEAN;
        }
    static const struct option own[] = {
        {"duration", required_argument, NULL, LO_DURATION},
        {"ring", required_argument, NULL, LO_RING},
        {"stats-interval", required_argument, NULL, LO_STATS},
        {"syslog", no_argument, NULL, LO_SYSLOG},
        {"evidence-ring", required_argument, NULL, LO_EVRING},
        {"evidence-max", required_argument, NULL, LO_EVMAX},
        {"media", no_argument, NULL, LO_MEDIA},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct option lo[CLI_OPTS_MAX_LONG];
    char so[CLI_OPTS_MAX_SHORT];
    if (!cli_opts_build(CLI_CMD_LIVE, own, "i:f:s:B:c:C:G:W:w:Z:ph", lo, so))
        return CLI_EXIT_USAGE;
    uint64_t v;
    int c;
    cli_perr pe;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
        if (cli_opts_apply(CLI_CMD_LIVE, &o->c, c, optarg, &pe)) {
            if (pe != CLI_PE_NONE)
                return shared_error(pe, optarg);
            continue;
        }
        switch (c) {
        case 'i':
            if (o->nifaces >= LIVE_MAX_IFACES)
                return live_usage_error("too many -i (max 8)", NULL);
            o->ifaces[o->nifaces++] = optarg;
            break;
        case 'f': o->filter = optarg; break;
        case 's':
            if (!parse_u64(optarg, 262144, &v) || v < 64)
                return live_usage_error("bad -s (64..262144): ", optarg);
            o->snaplen = (int)v;
            break;
        case 'B':
            if (!parse_u64(optarg, 2047, &v) || v == 0)
                return live_usage_error("bad -B MiB (1..2047): ", optarg);
            o->buffer_mib = (int)v;
            break;
        case 'c':
            if (!parse_u64(optarg, UINT64_MAX, &o->count) || o->count == 0)
                return live_usage_error("bad -c: ", optarg);
            break;
        case 'C':
            if (!parse_size(optarg, &o->rotate_bytes) || o->rotate_bytes == 0)
                return live_usage_error("bad -C size (N million bytes, or Nk/Nm/Ng): ", optarg);
            break;
        case 'G':
            if (!parse_u64(optarg, 31u * 86400u, &v) || v == 0)
                return live_usage_error("bad -G seconds: ", optarg);
            o->rotate_secs = (uint32_t)v;
            break;
        case 'W':
            if (!parse_u64(optarg, 100000, &v) || v == 0)
                return live_usage_error("bad -W: ", optarg);
            o->max_files = (uint32_t)v;
            break;
        case 'w': o->evdir = optarg; break;
        case 'Z': o->user = optarg; break;
        case 'p': o->promisc = false; break;
        case 'h': fputs(live_help, stdout); return CLI_EXIT_CLEAN;
        case LO_MEDIA: o->media = true; break;
        case LO_SYSLOG: o->syslog = true; break;
        case LO_DURATION:
            if (!parse_secs(optarg, &o->duration))
                return live_usage_error("bad --duration: ", optarg);
            break;
        case LO_STATS:
            if (!parse_secs(optarg, &o->stats_interval))
                return live_usage_error("bad --stats-interval: ", optarg);
            break;
        case LO_RING:
            if (!parse_u64(optarg, 16384, &o->ring_mb) || o->ring_mb == 0)
                return live_usage_error("bad --ring MiB: ", optarg);
            break;
        case LO_EVRING:
            if (!parse_u64(optarg, 16384, &o->ev_ring_mb) || o->ev_ring_mb == 0)
                return live_usage_error("bad --evidence-ring MiB: ", optarg);
            break;
        case LO_EVMAX:
            if (!parse_u64(optarg, 1u << 24, &o->ev_disk_mb) || o->ev_disk_mb == 0)
                return live_usage_error("bad --evidence-max MiB: ", optarg);
            break;
        default:
            return live_usage_error("unknown or incomplete option ", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return live_usage_error("unexpected argument ", argv[optind]);
    if (o->nifaces == 0)
        return live_usage_error("no interface (-i)", NULL);
    if ((o->rotate_bytes || o->rotate_secs) && (!o->c.out_path || strcmp(o->c.out_path, "-") == 0))
        return live_usage_error("-C/-G need -o FILE", NULL);
    return -1;
}

