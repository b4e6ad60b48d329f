/* imsec report: the self-contained HTML forensic report.
 *
 * This file runs the engine over the inputs with the HTML sink
 * (imsec/output.h), which collects every finding, message and record and
 * renders the page; all layout and escaping live there. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "cli_opts.h"
#include "imsec/imsec.h"
#include "imsec/output.h"
#include "imsec/sink.h"

typedef struct {
    cli_shared c;        /* the options analyze, report and live share */
    const char *title;
    bool all;
    uint32_t max_flows;
} report_opts;

static const char report_usage[] =
    "usage: imsec report -o FILE.html [options] FILE...\n";

static const char report_help[] =
    "\n"
    "Writes one self-contained HTML file (no external scripts, fonts or network\n"
    "access): a summary, a sortable and filterable findings table, a\n"
    "registration timeline, and a ladder diagram per registration and dialog\n"
    "with the messages behind each finding highlighted. Click an arrow to read\n"
    "the message (escaped; keys redacted unless --show-secrets).\n"
    "\n"
    "Options:\n"
    "  -o FILE                 output file (required; '-' = stdout).\n"
    "  -r FILE                 input capture (same as a FILE argument); repeatable.\n"
    "  -Y GLOB                 keep only findings whose rule id matches; repeatable.\n"
    "  --rules FILE            rule/site file over the built-in rules; repeatable.\n"
    "  --keys FILE             subscriber keys and ESP SAs.\n"
    "  --report-dialogs WHICH  'flagged' (default): draw only flows a finding cites;\n"
    "                          'all': draw every registration, dialog and Call-ID.\n"
    "  --max-flows N           draw at most N flows (default 300); the report\n"
    "                          notes what it left out.\n"
    "  --title TEXT            page title.\n"
    "  --show-secrets          show CK, IK and SDES/MIKEY keys in message text.\n"
    "  --fail-on SEV           exit 1 if a finding is at or above SEV (default high).\n"
    "  -q                      quiet: no closing line on stderr.\n"
    "\n"
    "Exit codes: 0 written, no finding at or above --fail-on; 1 written, findings\n"
    "at or above it; 2 usage, input or write error.\n";

enum { OPT_DIALOGS = CLI_OPT_OWN, OPT_TITLE, OPT_MAX_FLOWS };

static int report_usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "imsec report: %s%s\n%sTry 'imsec report --help'.\n", what, arg, report_usage);
    return CLI_EXIT_USAGE;
}

/* Shared options that failed, worded as report always has. */
static int shared_error(cli_perr e, const char *arg)
{
    switch (e) {
    case CLI_PE_MANY_INPUTS: return report_usage_error("too many input files", "");
    case CLI_PE_MANY_GLOBS: return report_usage_error("too many -Y patterns", "");
    case CLI_PE_MANY_RULES: return report_usage_error("too many --rules files", "");
    case CLI_PE_MANY_KEYS: return report_usage_error("too many --keys files", "");
    case CLI_PE_SEVERITY: return report_usage_error("unknown severity for --fail-on: ", arg);
    default: return -1;
    }
}

static int parse(int argc, char **argv, report_opts *o)
{
    static const struct option own[] = {
        {"report-dialogs", required_argument, NULL, OPT_DIALOGS},
        {"title", required_argument, NULL, OPT_TITLE},
        {"max-flows", required_argument, NULL, OPT_MAX_FLOWS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct option lo[CLI_OPTS_MAX_LONG];
    char so[CLI_OPTS_MAX_SHORT];
    if (!cli_opts_build(CLI_CMD_REPORT, own, "h", lo, so))
        return CLI_EXIT_USAGE;
    int c;
    cli_perr pe;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
        if (cli_opts_apply(CLI_CMD_REPORT, &o->c, c, optarg, &pe)) {
            if (pe != CLI_PE_NONE)
                return shared_error(pe, optarg);
            continue;
        }
        switch (c) {
        case 'h':
            fputs(report_usage, stdout);
            fputs(report_help, stdout);
            return CLI_EXIT_CLEAN;
        case OPT_DIALOGS:
            if (strcmp(optarg, "all") == 0)
                o->all = true;
            else if (strcmp(optarg, "flagged") == 0)
                o->all = false;
            else
                return report_usage_error("--report-dialogs takes 'all' or 'flagged', not ", optarg);
            break;
        case OPT_TITLE: o->title = optarg; break;
        case OPT_MAX_FLOWS: {
            char *end = NULL;
            unsigned long v = strtoul(optarg, &end, 10);
            if (!end || *end || v == 0 || v > 100000)
                return report_usage_error("--max-flows takes 1..100000, not ", optarg);
            o->max_flows = (uint32_t)v;
            break;
        }
        default:
            return report_usage_error("unknown or incomplete option ", argv[optind - 1]);
        }
    }
    pe = cli_opts_operands(&o->c, argc, argv);
    if (pe != CLI_PE_NONE)
        return shared_error(pe, NULL);
    if (!o->c.out_path)
        return report_usage_error("-o FILE is required", "");
    if (o->c.ninputs == 0)
        return report_usage_error("no input file", "");
    return -1;
}

typedef struct {
    const report_opts *o;
    bool fail;
    uint64_t findings;
} report_ctx;

static bool select_finding(void *ud, const imsec_finding *f, imsec_finding_note *note)
{
    report_ctx *r = ud;
    (void)note;
    if (!cli_rule_selected(r->o->c.globs, r->o->c.nglobs, f->rule))
        return false;
    r->findings++;
    if (f->sev >= r->o->c.fail_on)
        r->fail = true;
    return true;
}

static void on_log(void *ud, imsec_log_level lvl, const char *module, const char *msg)
{
    const report_ctx *r = ud;
    cli_log_stderr(r->o->c.quiet, false, lvl, module, msg);
}

/* Input names for the page header: base names only, so the same captures
 * give the same bytes wherever they sit. */
static void input_names(const report_opts *o, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < o->c.ninputs && used + 1 < cap; i++) {
        const char *b = strrchr(o->c.inputs[i], '/');
        b = b ? b + 1 : o->c.inputs[i];
        int n = snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", b);
        if (n < 0)
            break;
        used += (size_t)n;
        if (used >= cap) {
            used = cap - 1;
            buf[used] = '\0';
        }
    }
}

int cmd_report(int argc, char **argv)
{
    report_opts o = {0};
    cli_shared_init(&o.c);
    int prc = parse(argc, argv, &o);
    if (prc >= 0)
        return prc;

    int rc = CLI_EXIT_USAGE;
    char err[IMSEC_ERRBUF] = "";
    char names[1024];
    imsec_config *cfg = NULL;
    cli_run run = {0};
    imsec_sink h = {0};
    imsec_writer w = {0};
    FILE *f = NULL;
    bool to_stdout = strcmp(o.c.out_path, "-") == 0;

    if (cli_load_config(o.c.rules, o.c.nrules, o.c.keys, o.c.nkeys, o.c.show_secrets, &cfg) != CLI_EXIT_CLEAN)
        return CLI_EXIT_USAGE;
    input_names(&o, names, sizeof names);
    imsec_html_opts ho = {.title = o.title, .inputs = names, .show_secrets = o.c.show_secrets,
                          .all_sections = o.all, .max_sections = o.max_flows, .seed = cli_seed()};
    if (imsec_html_sink(&ho, &w, &h) != IMSEC_OK) {
        fprintf(stderr, "imsec: out of memory\n");
        goto done;
    }
    report_ctx r = {.o = &o};
    imsec_callbacks cb = {.ud = &r, .log = on_log};
    imsec_engine_opts eo = {.cb = &cb, .select = select_finding, .select_ud = &r, .sinks = &h,
                            .nsinks = 1, .seed = cli_seed()};
    if (cli_run_open(&run, o.c.inputs, o.c.ninputs) != CLI_EXIT_CLEAN ||
        cli_run_files(&run, cfg, &eo, !o.c.quiet, &r.findings) != CLI_EXIT_CLEAN)
        goto done;

    /* The page is written once the run is complete, so a failed run
     * leaves no half-written file behind. */
    f = to_stdout ? stdout : cli_open_output(o.c.out_path, err);
    if (!f) {
        fprintf(stderr, "imsec: %s\n", err);
        goto done;
    }
    imsec_writer_file(&w, f);
    uint32_t ndamage = 0;
    const char *damage = cli_run_damage(&run, &ndamage);
    imsec_stats_info info = {.damage = ndamage ? damage : NULL};
    imsec_engine_emit_stats(run.e, &info);
    int wrc = imsec_engine_close_sinks(run.e, err);
    int crc = to_stdout ? fflush(f) : fclose(f);
    f = NULL;
    if (wrc != 0 || crc != 0) {
        fprintf(stderr, "imsec: %s: write failed\n", o.c.out_path);
        goto done;
    }
    if (!o.c.quiet) {
        if (ndamage)
            fprintf(stderr, "imsec: %s", damage);
        fprintf(stderr, "imsec: report written to %s: %llu findings\n", o.c.out_path,
                (unsigned long long)r.findings);
    }
    rc = r.fail ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAN;
done:
    if (f && !to_stdout)
        fclose(f);
    cli_run_close(&run);
    imsec_sink_free(&h);
    imsec_config_free(cfg);
    return rc;
}
