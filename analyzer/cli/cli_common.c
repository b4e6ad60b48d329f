#include "cli_common.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


int cli_load_config(const char *const *rules, int nrules, const char *const *keys, int nkeys,
                    bool show_secrets, imsec_config **out)
{
    char err[IMSEC_ERRBUF] = "";
    imsec_config *cfg = imsec_config_new(err);
    if (!cfg) {
        fprintf(stderr, "imsec: built-in rules: %s\n", err);
        return CLI_EXIT_USAGE;
    }
    for (int i = 0; i < nrules; i++)
        if (imsec_config_load_rules(cfg, rules[i], err) != IMSEC_OK)
            goto fail;
    for (int i = 0; i < nkeys; i++)
        if (imsec_config_load_keys(cfg, keys[i], err) != IMSEC_OK)
            goto fail;
    imsec_config_set_show_secrets(cfg, show_secrets);
    *out = cfg;
    return CLI_EXIT_CLEAN;
fail:
    fprintf(stderr, "imsec: %s\n", err);
    imsec_config_free(cfg);
    return CLI_EXIT_USAGE;
}

/* Hash keys only need to be unknown to whoever sent the traffic; records are
 * ordered by frame and eviction by recency, so output never depends on it. */
uint64_t cli_seed(void)
{
    return (uint64_t)0x696d7365632d3031u ^ (uint64_t)(uint32_t)getpid() ^
           (uint64_t)(uint32_t)time(NULL) << 32;
}

bool cli_rule_selected(const char *const *globs, int nglobs, const char *rule)
{
    if (nglobs == 0)
        return true;
    for (int i = 0; i < nglobs; i++)
        if (fnmatch(globs[i], rule, 0) == 0)
            return true;
    return false;
}

void cli_log_stderr(bool quiet, bool verbose, imsec_log_level lvl, const char *module,
                    const char *msg)
{
    if (lvl == IMSEC_LOG_DEBUG && !verbose)
        return;
    if (!quiet || lvl == IMSEC_LOG_ERROR)
        fprintf(stderr, "imsec: %s: %s\n", module, msg);
}

FILE *cli_open_output(const char *path, char err[IMSEC_ERRBUF])
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, IMSEC_ERRBUF, "%s: cannot write: %s", path,
                 errno == ELOOP ? "is a symbolic link" : strerror(errno));
        return NULL;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        snprintf(err, IMSEC_ERRBUF, "%s: %s", path, strerror(errno));
    }
    return f;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wall-clock driven, but it never touches the output: results stay
 * byte-identical whether or not progress was shown. */
static void progress_line(const imsec_capture *cs, const imsec_stats *st, uint64_t shown)
{
    uint64_t total = imsec_capture_bytes_total(cs), done = imsec_capture_bytes_read(cs);
    double pct = total ? 100.0 * (double)done / (double)total : 0.0;
    fprintf(stderr, "\r  %5.1f%%  %.1f/%.1f MB  %llu frames  %llu SIP  %llu findings ", pct,
            (double)done / 1e6, (double)total / 1e6, (unsigned long long)st->frames,
            (unsigned long long)st->sip_messages, (unsigned long long)shown);
}

int cli_run_open(cli_run *run, const char *const *inputs, int ninputs)
{
    char err[IMSEC_ERRBUF] = "";
    run->cs = imsec_capture_open(inputs, (size_t)ninputs, err);
    if (!run->cs) {
        fprintf(stderr, "imsec: %s\n", err);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_CLEAN;
}

int cli_run_files(cli_run *run, const imsec_config *cfg, const imsec_engine_opts *eo,
                  bool progress, const uint64_t *shown)
{
    char err[IMSEC_ERRBUF] = "";
    run->e = imsec_engine_open(cfg, eo, err);
    if (!run->e) {
        fprintf(stderr, "imsec: %s\n", err);
        return CLI_EXIT_USAGE;
    }
    bool show = progress && isatty(STDERR_FILENO) && imsec_capture_bytes_total(run->cs) > (32u << 20);
    double next = now_s() + 0.5;
    imsec_frame fr;
    while (imsec_capture_next(run->cs, &fr) == 1) {
        imsec_engine_feed(run->e, &fr);
        if (show && (fr.frame_no & 0x3fff) == 0 && now_s() >= next) {
            progress_line(run->cs, imsec_engine_stats(run->e), shown ? *shown : 0);
            next = now_s() + 0.5;
        }
    }
    imsec_engine_finish(run->e);
    if (show)
        fprintf(stderr, "\r%70s\r", "");
    return CLI_EXIT_CLEAN;
}

const char *cli_run_damage(const cli_run *run, uint32_t *count)
{
    return imsec_capture_damage(run->cs, count);
}

void cli_run_close(cli_run *run)
{
    imsec_engine_free(run->e);
    imsec_capture_close(run->cs);
    run->e = NULL;
    run->cs = NULL;
}
