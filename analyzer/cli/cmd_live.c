/* imsec live: capture from interfaces, stream findings, keep evidence.
 *
 * Threads: one capture thread per interface (live_cap: poll -> live_ring
 * push) and this thread, the only one that touches the engine and its
 * sinks (imsec_engine is not thread-safe). The rings decouple them: if
 * analysis or the output falls behind, the ring fills and new packets are
 * dropped and counted, the capture threads never block, so the kernel
 * buffer keeps draining. Signals are handled here only (the capture
 * threads block them): SIGINT/SIGTERM stop, SIGHUP reopens -o.
 *
 * Several interfaces are merged by packet timestamp (the oldest head of the
 * rings goes first), and frames are numbered from 1 in that order. All
 * engine timeouts run on those packet times.
 *
 * Sinks, in call order: the evidence ring (-w DIR; names the pcap in the
 * finding's note), the output (text or EVE), live_out (syslog, rotation). */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli_common.h"
#include "imsec/output.h"
#include "imsec/sink.h"
#include "live_cap.h"
#include "live_opts.h"
#include "live_out.h"

/* Signal flags: the only process-wide mutable state, as a signal handler
 * can reach nothing else. */
static volatile sig_atomic_t live_stop_sig, live_hup_sig;

static void on_stop_signal(int sig) { live_stop_sig = sig; }
static void on_hup_signal(int sig) { (void)sig; live_hup_sig = 1; }

typedef struct {
    const live_opts *o;
    live_out *out;
    imsec_sink *ev;          /* the evidence sink, or NULL */
    imsec_engine *eng;
    live_cap *ifs;
    int nifs;
    uint64_t seq;
    long long id_epoch;
    uint64_t shown;
    bool ev_warned;
    double uptime;           /* for the stats record being written */
    bool final;
} live_ctx;

/* -Y, and every shown finding gets an id ("<start time>-<seq>") that names
 * its evidence file and appears in the EVE record. */
static bool select_finding(void *ud, const imsec_finding *f, imsec_finding_note *note)
{
    live_ctx *x = ud;
    if (!cli_rule_selected(x->o->c.globs, x->o->c.nglobs, f->rule))
        return false;
    x->shown++;
    snprintf(note->id, sizeof note->id, "%lld-%06llu", x->id_epoch, (unsigned long long)++x->seq);
    return true;
}

static void on_log(void *ud, imsec_log_level lvl, const char *module, const char *msg)
{
    live_ctx *x = ud;
    cli_log_stderr(x->o->c.quiet, x->o->c.verbose, lvl, module, msg);
}

/* One line, not a flood: the evidence counters keep the rest. */
static void warn_evidence(live_ctx *x)
{
    char err[IMSEC_ERRBUF];
    if (!x->ev || !imsec_evidence_sink_error(x->ev, err)[0] || x->ev_warned || x->o->c.quiet)
        return;
    fprintf(stderr, "imsec live: %s\n", err);
    x->ev_warned = true;
}

static void add_u64(json_object *o, const char *k, uint64_t v)
{
    json_object_object_add(o, k, json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v));
}

/* What only live mode adds to the engine's stats record: capture and ring
 * counters per interface and in total, evidence counters, uptime. */
static void add_live_stats(void *ud, json_object *st)
{
    const live_ctx *x = ud;
    json_object *cap = json_object_new_object();
    json_object *arr = json_object_new_array();
    uint64_t kr = 0, kd = 0, kid = 0, rp = 0, rd = 0;
    for (int i = 0; i < x->nifs; i++) {
        const live_cap *li = &x->ifs[i];
        json_object *one = json_object_new_object();
        json_object_object_add(one, "interface", json_object_new_string(imsec_live_iface(li->cap)));
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
        imsec_evidence_counters ec;
        imsec_evidence_sink_counters(x->ev, &ec);
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
    json_object_object_add(l, "uptime_s", json_object_new_double(x->uptime));
    add_u64(l, "findings_shown", x->shown);
    json_object_object_add(l, "final", json_object_new_boolean(x->final));
    json_object_object_add(st, "live", l);
}

static void emit_stats(live_ctx *x, double uptime, bool final)
{
    imsec_stats_info info = {.periodic = !final, .add_json = add_live_stats, .ud = x};
    for (int i = 0; i < x->nifs; i++) {
        info.kernel_dropped += atomic_load(&x->ifs[i].k_drop);
        info.ring_dropped += live_ring_dropped(x->ifs[i].ring);
    }
    x->uptime = uptime;
    x->final = final;
    imsec_engine_emit_stats(x->eng, &info);
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
                          .linktype = imsec_live_linktype(x->ifs[best].cap), .caplen = bp.caplen,
                          .wirelen = bp.wirelen, .data = bp.data};
        imsec_engine_feed(x->eng, &fr);
        live_ring_pop(x->ifs[best].ring);
        n++;
    }
    if (n)
        warn_evidence(x);
    return n;
}

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

/* The output sink: EVE to a file by default, text to a terminal. */
static int output_sink(const live_opts *o, live_out *out, imsec_sink *s)
{
    int fmt = o->c.format >= 0 ? o->c.format
                             : (o->c.out_path && strcmp(o->c.out_path, "-") != 0 ? CLI_EVE : CLI_TEXT);
    if (fmt == CLI_EVE) {
        imsec_eve_opts eo = {.findings = true};
        return imsec_eve_sink(&eo, live_out_writer(out), s);
    }
    imsec_text_opts to = {.color = o->c.color, .findings = true, .summary = true};
    return imsec_text_sink(&to, live_out_writer(out), s);
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_hup_signal;
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* Capture threads inherit a mask with our signals blocked. */
static bool start_captures(live_ctx *x)
{
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    bool ok = true;
    for (int i = 0; i < x->nifs && ok; i++)
        ok = live_cap_start(&x->ifs[i]);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!ok)
        fprintf(stderr, "imsec live: cannot start capture thread\n");
    return ok;
}

/* The engine loop: until a signal, -c, --duration, or every capture failed. */
static void run_loop(live_ctx *x, uint64_t *frame_no, double start)
{
    const live_opts *o = x->o;
    double next_stats = start + o->stats_interval;
    long idle_ns = 0;
    double next_flush = start;
    for (;;) {
        uint64_t budget = o->count ? o->count - *frame_no : 8192;
        if (budget > 8192)
            budget = 8192;
        uint64_t n = drain(x, frame_no, budget);
        if (live_hup_sig) {
            live_hup_sig = 0;
            live_out_reopen(x->out, time(NULL));
        }
        double now = mono_now();
        if (o->stats_interval > 0 && now >= next_stats) {
            emit_stats(x, now - start, false);
            next_stats = now + o->stats_interval;
        }
        live_out_tick(x->out, time(NULL));
        if (live_stop_sig || (o->count && *frame_no >= o->count) ||
            (o->duration > 0 && now - start >= o->duration))
            break;
        bool all_failed = true;
        for (int i = 0; i < x->nifs; i++)
            if (!atomic_load(&x->ifs[i].failed))
                all_failed = false;
        if (all_failed && n == 0)
            break;
        /* Idle: back off from 0.25 ms to 4 ms so a quiet link costs almost no
         * CPU, while a busy one (n > 0) is drained without sleeping. The ring
         * absorbs the wake-up latency (4 ms at 100k packets/s = 400 packets). */
        if (n == 0 || now >= next_flush) {
            live_out_flush(x->out);
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
}

int cmd_live(int argc, char **argv)
{
    live_opts o;
    live_opts_init(&o);
    int prc = live_opts_parse(argc, argv, &o);
    if (prc >= 0)
        return prc;

    int rc = CLI_EXIT_USAGE;
    char err[IMSEC_ERRBUF] = "";
    imsec_config *cfg = NULL;
    live_cap ifs[LIVE_MAX_IFACES];
    memset(ifs, 0, sizeof ifs);
    imsec_sink sinks[3] = {{0}};
    size_t nsinks = 0;
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
    if (cli_load_config(o.c.rules, o.c.nrules, o.c.keys, o.c.nkeys, o.c.show_secrets, &cfg) != CLI_EXIT_CLEAN)
        return CLI_EXIT_USAGE;

    /* Everything that needs privileges is opened first: captures, output, evidence. */
    for (int i = 0; i < o.nifaces; i++) {
        imsec_live_opts co = {.iface = o.ifaces[i], .filter = o.filter, .snaplen = o.snaplen,
                              .buffer_mib = o.buffer_mib, .promisc = o.promisc};
        if (!o.filter && o.media)
            co.filter = imsec_live_filter(true);
        x.nifs = i + 1;
        if (!live_cap_open(&ifs[i], &co, (size_t)o.ring_mb << 20))
            goto done;
    }
    time_t t0 = time(NULL);
    x.id_epoch = (long long)t0;
    live_out_opts so = {.path = o.c.out_path, .rotate_bytes = o.rotate_bytes,
                        .rotate_secs = o.rotate_secs, .max_files = o.max_files, .syslog = o.syslog};
    x.out = live_out_open(&so, t0, err);
    if (!x.out) {
        fprintf(stderr, "imsec live: %s\n", err);
        goto done;
    }
    if (o.evdir) {
        if (mkdir(o.evdir, 0750) == 0 && pw && chown(o.evdir, pw->pw_uid, pw->pw_gid) != 0) {
            fprintf(stderr, "imsec live: %s: chown: %s\n", o.evdir, strerror(errno));
            goto done;
        }
        imsec_evidence_opts eo = {.dir = o.evdir, .ring_bytes = (size_t)o.ev_ring_mb << 20,
                                  .disk_bytes = o.ev_disk_mb << 20, .seed = cli_seed()};
        if (imsec_evidence_sink(&eo, &sinks[nsinks], err) != IMSEC_OK) {
            fprintf(stderr, "imsec live: %s\n", err);
            goto done;
        }
        x.ev = &sinks[nsinks++];
    }
    if (output_sink(&o, x.out, &sinks[nsinks]) != IMSEC_OK) {
        fprintf(stderr, "imsec live: out of memory\n");
        goto done;
    }
    nsinks++;
    sinks[nsinks++] = live_out_sink(x.out);
    if (pw) {
        live_out_chown(x.out, pw->pw_uid, pw->pw_gid);
        if (drop_privileges(pw) != 0) {
            fprintf(stderr, "imsec live: -Z %s: cannot drop privileges: %s\n", o.user,
                    strerror(errno));
            goto done;
        }
    } else if (geteuid() == 0 && o.c.verbose) {
        fprintf(stderr, "imsec live: running as root; -Z USER drops privileges after opening\n");
    }

    imsec_callbacks cb = {.ud = &x, .log = on_log};
    imsec_engine_opts eo = {.cb = &cb, .select = select_finding, .select_ud = &x, .sinks = sinks,
                            .nsinks = nsinks, .seed = cli_seed()};
    x.eng = imsec_engine_open(cfg, &eo, err);
    if (!x.eng) {
        fprintf(stderr, "imsec live: %s\n", err);
        goto done;
    }

    install_signals();
    if (!start_captures(&x))
        goto stop;
    if (!o.c.quiet)
        for (int i = 0; i < x.nifs; i++)
            fprintf(stderr, "imsec live: listening on %s, link-type %d, filter %s\n",
                    o.ifaces[i], imsec_live_linktype(ifs[i].cap),
                    o.filter ? (o.filter[0] ? o.filter : "none") : (o.media ? "default+media" : "default"));

    start = mono_now();
    run_loop(&x, &frame_no, start);
    rc = CLI_EXIT_CLEAN;
stop:
    for (int i = 0; i < x.nifs; i++)
        live_cap_request_stop(&ifs[i]);
    for (int i = 0; i < x.nifs; i++)
        live_cap_join(&ifs[i]);
    for (int i = 0; i < x.nifs; i++)
        if (atomic_load(&ifs[i].failed)) {
            fprintf(stderr, "imsec live: %s\n", ifs[i].err);
            rc = CLI_EXIT_USAGE;
        }
    /* Flush: what the rings still hold is analysed (up to -c), then the end of input. */
    if (!o.count || frame_no < o.count)
        (void)drain(&x, &frame_no, o.count ? o.count - frame_no : UINT64_MAX);
    imsec_engine_finish(x.eng);
    emit_stats(&x, mono_now() - start, true);
    if (!o.c.quiet) {
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
    if (x.out && live_out_close(x.out, err) != 0) {
        fprintf(stderr, "imsec live: %s\n", err);
        rc = CLI_EXIT_USAGE;
    }
    imsec_engine_free(x.eng);
    for (size_t i = 0; i < nsinks; i++)
        imsec_sink_free(&sinks[i]);
    for (int i = 0; i < LIVE_MAX_IFACES; i++)
        live_cap_close(&ifs[i]);
    imsec_config_free(cfg);
    return rc;
}
