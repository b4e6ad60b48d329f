/* imsec live: capture from interfaces, stream findings, keep evidence.
 *
 * Threads: one capture thread per interface (cap_live_poll -> live_ring
 * push) and this thread, the only one that touches the engine, the
 * evidence ring and the sinks (imsec_engine is not thread-safe). The rings
 * decouple them: if analysis or the output falls behind, the ring fills and
 * new packets are dropped and counted, the capture threads never block, so
 * the kernel buffer keeps draining. Signals are handled here only (the
 * capture threads block them): SIGINT/SIGTERM stop, SIGHUP reopens -o.
 *
 * Several interfaces are merged by packet timestamp (the oldest head of the
 * rings goes first), and frames are numbered from 1 in that order. All
 * engine timeouts run on those packet times. */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "capture/cap_live.h"
#include "cli_common.h"
#include "live_ring.h"
#include "live_sink.h"
#include "output/eve.h"
#include "output/evidence.h"

#define LIVE_MAX_IFACES 8

/* Signal flags: the only process-wide mutable state, as a signal handler
 * can reach nothing else. */
static volatile sig_atomic_t live_stop_sig, live_hup_sig;

static void on_stop_signal(int sig) { live_stop_sig = sig; }
static void on_hup_signal(int sig) { (void)sig; live_hup_sig = 1; }

typedef struct {
    const char *ifaces[LIVE_MAX_IFACES];
    int nifaces;
    const char *filter;
    bool media;
    int snaplen, buffer_mib;
    bool promisc;
    uint64_t count;
    double duration;
    const char *out_path;
    int format; /* -1 auto */
    uint64_t rotate_bytes;
    uint32_t rotate_secs, max_files;
    bool syslog;
    const char *evdir;
    uint64_t ev_disk_mb, ev_ring_mb;
    uint64_t ring_mb;
    double stats_interval;
    const char *user;
    const char *globs[16];
    int nglobs;
    const char *rules[16];
    int nrules;
    const char *keys[8];
    int nkeys;
    bool show_secrets, quiet, verbose, color;
} live_opts;

typedef struct {
    cap_live *cap;
    live_ring *ring;
    pthread_t th;
    bool started;
    atomic_bool stop;
    atomic_bool failed;
    /* kernel counters, published by the capture thread */
    _Atomic uint64_t k_recv, k_drop, k_ifdrop;
    char err[IMSEC_ERRBUF];
} live_iface;

typedef struct {
    const live_opts *o;
    live_sink *sink;
    evidence *ev;
    imsec_engine *eng;
    live_iface *ifs;
    int nifs;
    uint64_t seq;
    long long id_epoch;
    uint64_t shown;
    bool ev_warned;
} live_ctx;

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

enum {
    LO_FORMAT = 300, LO_RULES, LO_KEYS, LO_SHOW, LO_COLOR, LO_DURATION, LO_RING, LO_STATS,
    LO_SYSLOG, LO_EVRING, LO_EVMAX, LO_MEDIA
};

static int parse_live_args(int argc, char **argv, live_opts *o)
{
    static const struct option lo[] = {
        {"format", required_argument, NULL, LO_FORMAT},
        {"rules", required_argument, NULL, LO_RULES},
        {"keys", required_argument, NULL, LO_KEYS},
        {"show-secrets", no_argument, NULL, LO_SHOW},
        {"color", no_argument, NULL, LO_COLOR},
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
    uint64_t v;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+i:f:s:B:c:o:C:G:W:w:Z:Y:pqvh", lo, NULL)) != -1) {
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
        case 'o': o->out_path = optarg; break;
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
        case 'Y':
            if (o->nglobs >= 16)
                return live_usage_error("too many -Y", NULL);
            o->globs[o->nglobs++] = optarg;
            break;
        case 'p': o->promisc = false; break;
        case 'q': o->quiet = true; break;
        case 'v': o->verbose = true; break;
        case 'h': fputs(live_help, stdout); return CLI_EXIT_CLEAN;
        case LO_FORMAT:
            if (strcmp(optarg, "text") == 0)
                o->format = CLI_TEXT;
            else if (strcmp(optarg, "eve") == 0 || strcmp(optarg, "json") == 0)
                o->format = CLI_EVE;
            else
                return live_usage_error("unknown --format ", optarg);
            break;
        case LO_RULES:
            if (o->nrules >= 16)
                return live_usage_error("too many --rules", NULL);
            o->rules[o->nrules++] = optarg;
            break;
        case LO_KEYS:
            if (o->nkeys >= 8)
                return live_usage_error("too many --keys", NULL);
            o->keys[o->nkeys++] = optarg;
            break;
        case LO_SHOW: o->show_secrets = true; break;
        case LO_COLOR: o->color = true; break;
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
    if ((o->rotate_bytes || o->rotate_secs) && (!o->out_path || strcmp(o->out_path, "-") == 0))
        return live_usage_error("-C/-G need -o FILE", NULL);
    return -1;
}

/* ---- capture threads ---- */

static void on_cap_pkt(void *ud, const imsec_ts *ts, uint32_t caplen, uint32_t wirelen,
                       const uint8_t *data)
{
    live_iface *li = ud;
    (void)live_ring_push(li->ring, ts, caplen, wirelen, data); /* a drop is counted by the ring */
}

static void publish_kstats(live_iface *li)
{
    cap_live_counters kc;
    cap_live_stats(li->cap, &kc);
    atomic_store(&li->k_recv, kc.received);
    atomic_store(&li->k_drop, kc.dropped);
    atomic_store(&li->k_ifdrop, kc.if_dropped);
}

static void *capture_main(void *arg)
{
    live_iface *li = arg;
    struct timespec last, now;
    clock_gettime(CLOCK_MONOTONIC, &last);
    while (!atomic_load(&li->stop)) {
        int n = cap_live_poll(li->cap, 100, 4096, on_cap_pkt, li, li->err);
        if (n < 0) {
            atomic_store(&li->failed, true);
            break;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec != last.tv_sec) {
            publish_kstats(li);
            last = now;
        }
    }
    /* Packets already in the kernel buffer when stop came are still read,
     * including the partly filled block the kernel hands over only when
     * its timeout expires. */
    for (int i = 0; i < 64 && !atomic_load(&li->failed); i++)
        if (cap_live_poll(li->cap, 2 * CAP_LIVE_BLOCK_MS, 4096, on_cap_pkt, li, li->err) <= 0)
            break;
    publish_kstats(li);
    return NULL;
}

/* ---- engine side ---- */

static bool rule_selected(const live_opts *o, const char *rule)
{
    if (o->nglobs == 0)
        return true;
    for (int i = 0; i < o->nglobs; i++)
        if (fnmatch(o->globs[i], rule, 0) == 0)
            return true;
    return false;
}

static void on_finding(void *ud, const imsec_finding *f)
{
    live_ctx *x = ud;
    if (!rule_selected(x->o, f->rule))
        return;
    x->shown++;
    char id[48];
    snprintf(id, sizeof id, "%lld-%06llu", x->id_epoch, (unsigned long long)++x->seq);
    evidence_file ef;
    bool have_ev = false;
    if (x->ev) {
        char err[IMSEC_ERRBUF] = "";
        int rc = evidence_write(x->ev, f, id, &ef, err);
        have_ev = rc == 0;
        if (rc != 0 && !x->ev_warned && !x->o->quiet) {
            fprintf(stderr, "imsec live: %s\n", err[0] ? err : imsec_rc_str(rc));
            x->ev_warned = true; /* one line, not a flood: the counters keep the rest */
        }
    }
    live_sink_finding(x->sink, f, id, have_ev ? &ef : NULL, x->o->evdir);
}

static void on_message(void *ud, const imsec_msg_rec *m)
{
    live_ctx *x = ud;
    if (x->ev)
        evidence_tag(x->ev, m->frame, m->call_id, m->impi);
}

static void on_log(void *ud, imsec_log_level lvl, const char *module, const char *msg)
{
    live_ctx *x = ud;
    if (lvl == IMSEC_LOG_DEBUG && !x->o->verbose)
        return;
    if (!x->o->quiet || lvl == IMSEC_LOG_ERROR)
        fprintf(stderr, "imsec: %s: %s\n", module, msg);
}

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void add_u64(json_object *o, const char *k, uint64_t v)
{
    json_object_object_add(o, k, json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v));
}

/* The engine's stats record plus what only live mode knows: capture and
 * ring counters per interface and in total, evidence counters, uptime. */
static json_object *live_stats_obj(const live_ctx *x, double uptime, bool final)
{
    json_object *o = eve_stats_obj(imsec_engine_stats(x->eng));
    json_object *st = NULL;
    if (!o || !json_object_object_get_ex(o, "stats", &st))
        return o;
    json_object *cap = json_object_new_object();
    json_object *arr = json_object_new_array();
    uint64_t kr = 0, kd = 0, kid = 0, rp = 0, rd = 0;
    for (int i = 0; i < x->nifs; i++) {
        const live_iface *li = &x->ifs[i];
        json_object *one = json_object_new_object();
        json_object_object_add(one, "interface",
                               json_object_new_string(cap_live_iface(li->cap)));
        uint64_t a = atomic_load(&li->k_recv), b = atomic_load(&li->k_drop),
                 c = atomic_load(&li->k_ifdrop), d = live_ring_pushed(li->ring),
                 e = live_ring_dropped(li->ring);
        add_u64(one, "kernel_received", a);
        add_u64(one, "kernel_dropped", b);
        add_u64(one, "if_dropped", c);
        add_u64(one, "ring_packets", d);
        add_u64(one, "ring_dropped", e);
        add_u64(one, "ring_used_bytes", live_ring_used(li->ring));
        json_object_array_add(arr, one);
        kr += a, kd += b, kid += c, rp += d, rd += e;
    }
    add_u64(cap, "kernel_received", kr);
    add_u64(cap, "kernel_dropped", kd);
    add_u64(cap, "if_dropped", kid);
    add_u64(cap, "ring_packets", rp);
    add_u64(cap, "ring_dropped", rd);
    json_object_object_add(cap, "interfaces", arr);
    json_object_object_add(st, "capture", cap);
    if (x->ev) {
        evidence_counters ec;
        evidence_get_counters(x->ev, &ec);
        json_object *e = json_object_new_object();
        add_u64(e, "files_written", ec.files_written);
        add_u64(e, "files_deleted", ec.files_deleted);
        add_u64(e, "bytes_on_disk", ec.bytes_on_disk);
        add_u64(e, "write_errors", ec.write_errors);
        add_u64(e, "cited_frames_missing", ec.frames_missing);
        add_u64(e, "ring_frames", ec.ring_frames);
        add_u64(e, "ring_bytes", ec.ring_bytes);
        json_object_object_add(st, "evidence", e);
    }
    json_object *l = json_object_new_object();
    json_object_object_add(l, "uptime_s", json_object_new_double(uptime));
    add_u64(l, "findings_shown", x->shown);
    json_object_object_add(l, "final", json_object_new_boolean(final));
    json_object_object_add(st, "live", l);
    return o;
}

/* Feeds up to max frames, oldest packet time first across the rings. */
static uint64_t drain(live_ctx *x, uint64_t *frame_no, uint64_t max)
{
    uint64_t n = 0;
    while (n < max) {
        int best = -1;
        live_pkt bp = {0}, p;
        for (int i = 0; i < x->nifs; i++) {
            if (!live_ring_peek(x->ifs[i].ring, &p))
                continue;
            if (best < 0 || p.ts.sec < bp.ts.sec ||
                (p.ts.sec == bp.ts.sec && p.ts.usec < bp.ts.usec)) {
                best = i;
                bp = p;
            }
        }
        if (best < 0)
            break;
        imsec_frame fr = {.frame_no = ++*frame_no, .ts = bp.ts,
                          .linktype = cap_live_linktype(x->ifs[best].cap), .caplen = bp.caplen,
                          .wirelen = bp.wirelen, .data = bp.data};
        if (x->ev)
            evidence_add(x->ev, &fr);
        imsec_engine_feed(x->eng, &fr);
        live_ring_pop(x->ifs[best].ring);
        n++;
    }
    return n;
}

static int drop_privileges(const struct passwd *pw)
{
    if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
        setuid(pw->pw_uid) != 0)
        return -1;
    /* Make sure it stuck: regaining root must be impossible. */
    if (pw->pw_uid != 0 && (setuid(0) == 0 || geteuid() == 0))
        return -1;
    return 0;
}

int cmd_live(int argc, char **argv)
{
    live_opts o = {.format = -1, .promisc = true, .stats_interval = 60.0, .ring_mb = 64,
                   .ev_ring_mb = 64, .ev_disk_mb = 1024};
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(live_help, stdout);
            return CLI_EXIT_CLEAN;
        }
    int prc = parse_live_args(argc, argv, &o);
    if (prc >= 0)
        return prc;

    int rc = CLI_EXIT_USAGE;
    char err[IMSEC_ERRBUF] = "";
    imsec_config *cfg = NULL;
    live_iface ifs[LIVE_MAX_IFACES];
    memset(ifs, 0, sizeof ifs);
    live_ctx x = {.o = &o, .ifs = ifs, .nifs = 0};
    struct passwd *pw = NULL;
    double start = mono_now();
    uint64_t frame_no = 0;

    if (o.user) {
        pw = getpwnam(o.user);
        if (!pw) {
            fprintf(stderr, "imsec live: -Z %s: no such user\n", o.user);
            return CLI_EXIT_USAGE;
        }
    }
    if (cli_load_config(o.rules, o.nrules, o.keys, o.nkeys, o.show_secrets, &cfg) != CLI_EXIT_CLEAN)
        return CLI_EXIT_USAGE;

    /* Everything that needs privileges is opened first: captures, output, evidence. */
    for (int i = 0; i < o.nifaces; i++) {
        cap_live_opts co = {.iface = o.ifaces[i], .filter = o.filter, .snaplen = o.snaplen,
                            .buffer_mib = o.buffer_mib, .promisc = o.promisc};
        if (!o.filter && o.media)
            co.filter = CAP_LIVE_FILTER_MEDIA;
        ifs[i].cap = cap_live_open(&co, err);
        if (!ifs[i].cap) {
            fprintf(stderr, "imsec live: %s\n", err);
            goto done;
        }
        x.nifs = i + 1;
        ifs[i].ring = live_ring_new((size_t)o.ring_mb << 20);
        if (!ifs[i].ring) {
            fprintf(stderr, "imsec live: %s: ring: out of memory\n", o.ifaces[i]);
            goto done;
        }
    }
    time_t t0 = time(NULL);
    x.id_epoch = (long long)t0;
    live_sink_opts so = {.path = o.out_path, .color = o.color, .rotate_bytes = o.rotate_bytes,
                         .rotate_secs = o.rotate_secs, .max_files = o.max_files, .syslog = o.syslog};
    so.fmt = o.format >= 0 ? (cli_format)o.format
                           : (o.out_path && strcmp(o.out_path, "-") != 0 ? CLI_EVE : CLI_TEXT);
    x.sink = live_sink_open(&so, t0, err);
    if (!x.sink) {
        fprintf(stderr, "imsec live: %s\n", err);
        goto done;
    }
    if (o.evdir) {
        if (mkdir(o.evdir, 0750) == 0 && pw && chown(o.evdir, pw->pw_uid, pw->pw_gid) != 0) {
            fprintf(stderr, "imsec live: %s: chown: %s\n", o.evdir, strerror(errno));
            goto done;
        }
        evidence_opts eo = {.dir = o.evdir, .ring_bytes = (size_t)o.ev_ring_mb << 20,
                            .disk_bytes = o.ev_disk_mb << 20, .seed = cli_seed()};
        x.ev = evidence_new(&eo, err);
        if (!x.ev) {
            fprintf(stderr, "imsec live: %s\n", err);
            goto done;
        }
    }
    if (pw) {
        live_sink_chown(x.sink, pw->pw_uid, pw->pw_gid);
        if (drop_privileges(pw) != 0) {
            fprintf(stderr, "imsec live: -Z %s: cannot drop privileges: %s\n", o.user,
                    strerror(errno));
            goto done;
        }
    } else if (geteuid() == 0 && o.verbose) {
        fprintf(stderr, "imsec live: running as root; -Z USER drops privileges after opening\n");
    }

    imsec_callbacks cb = {.ud = &x, .on_finding = on_finding, .log = on_log,
                          .on_message = x.ev ? on_message : NULL};
    x.eng = imsec_engine_new(cfg, &cb, cli_seed(), err);
    if (!x.eng) {
        fprintf(stderr, "imsec live: %s\n", err);
        goto done;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_hup_signal;
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* Capture threads inherit a mask with our signals blocked. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    for (int i = 0; i < x.nifs; i++) {
        if (pthread_create(&ifs[i].th, NULL, capture_main, &ifs[i]) != 0) {
            pthread_sigmask(SIG_SETMASK, &old, NULL);
            fprintf(stderr, "imsec live: cannot start capture thread\n");
            goto stop;
        }
        ifs[i].started = true;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!o.quiet)
        for (int i = 0; i < x.nifs; i++)
            fprintf(stderr, "imsec live: listening on %s, link-type %d, filter %s\n",
                    o.ifaces[i], cap_live_linktype(ifs[i].cap),
                    o.filter ? (o.filter[0] ? o.filter : "none") : (o.media ? "default+media" : "default"));

    start = mono_now();
    double next_stats = start + o.stats_interval;
    long idle_ns = 0;
    double next_flush = start;
    for (;;) {
        uint64_t budget = o.count ? o.count - frame_no : 8192;
        if (budget > 8192)
            budget = 8192;
        uint64_t n = drain(&x, &frame_no, budget);
        if (live_hup_sig) {
            live_hup_sig = 0;
            live_sink_reopen(x.sink, time(NULL));
        }
        double now = mono_now();
        if (o.stats_interval > 0 && now >= next_stats) {
            live_sink_stats(x.sink, live_stats_obj(&x, now - start, false),
                            imsec_engine_stats(x.eng), false);
            next_stats = now + o.stats_interval;
        }
        live_sink_tick(x.sink, time(NULL));
        if (live_stop_sig || (o.count && frame_no >= o.count) ||
            (o.duration > 0 && now - start >= o.duration))
            break;
        bool all_failed = true;
        for (int i = 0; i < x.nifs; i++)
            if (!atomic_load(&ifs[i].failed))
                all_failed = false;
        if (all_failed && n == 0)
            break;
        /* Idle: back off from 0.25 ms to 4 ms so a quiet link costs almost no
         * CPU, while a busy one (n > 0) is drained without sleeping. The ring
         * absorbs the wake-up latency (4 ms at 100k packets/s = 400 packets). */
        if (n == 0 || now >= next_flush) {
            live_sink_flush(x.sink);
            next_flush = now + 0.1;
        }
        if (n == 0) {
            if (idle_ns < 4000000)
                idle_ns = idle_ns ? idle_ns * 2 : 250000;
            struct timespec nap = {0, idle_ns};
            nanosleep(&nap, NULL);
        } else {
            idle_ns = 0;
        }
    }
    rc = CLI_EXIT_CLEAN;
stop:
    for (int i = 0; i < x.nifs; i++)
        atomic_store(&ifs[i].stop, true);
    for (int i = 0; i < x.nifs; i++)
        if (ifs[i].started)
            pthread_join(ifs[i].th, NULL);
    for (int i = 0; i < x.nifs; i++)
        if (atomic_load(&ifs[i].failed)) {
            fprintf(stderr, "imsec live: %s\n", ifs[i].err);
            rc = CLI_EXIT_USAGE;
        }
    /* Flush: what the rings still hold is analysed (up to -c), then the end of input. */
    if (!o.count || frame_no < o.count)
        (void)drain(&x, &frame_no, o.count ? o.count - frame_no : UINT64_MAX);
    imsec_engine_finish(x.eng);
    live_sink_stats(x.sink, live_stats_obj(&x, mono_now() - start, true), imsec_engine_stats(x.eng),
                    true);
    if (!o.quiet) {
        uint64_t kd = 0, rd = 0;
        for (int i = 0; i < x.nifs; i++) {
            kd += atomic_load(&ifs[i].k_drop);
            rd += live_ring_dropped(ifs[i].ring);
        }
        fprintf(stderr, "imsec live: %llu frames, %llu findings, %llu kernel drops, %llu ring drops\n",
                (unsigned long long)frame_no, (unsigned long long)x.shown, (unsigned long long)kd,
                (unsigned long long)rd);
    }
done:
    if (x.sink && live_sink_close(x.sink, err) != 0) {
        fprintf(stderr, "imsec live: %s\n", err);
        rc = CLI_EXIT_USAGE;
    }
    imsec_engine_free(x.eng);
    evidence_free(x.ev);
    for (int i = 0; i < LIVE_MAX_IFACES; i++) {
        cap_live_close(ifs[i].cap);
        live_ring_free(ifs[i].ring);
    }
    imsec_config_free(cfg);
    return rc;
}
