/* imsec — the command line around libimsec.
 *
 * Thin by design (architecture.md): it parses arguments, picks sources and
 * sinks, shows progress and maps the outcome to exit codes. All protocol
 * knowledge lives in the library. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_common.h"
#include "cli_opts.h"
#include "esp_export.h"
#include "imsec/imsec.h"
#include "imsec/output.h"
#include "imsec/sink.h"

enum { EXIT_CLEAN = CLI_EXIT_CLEAN, EXIT_FINDINGS = CLI_EXIT_FINDINGS, EXIT_USAGE = CLI_EXIT_USAGE };

typedef enum { CMD_ANALYZE, CMD_DIALOGS, CMD_RULES } command;

typedef struct {
    command cmd;
    cli_shared c;              /* the options analyze, report and live share */
    const char *rules_sub;     /* list | check */
    const char *export_esp_sa; /* dialogs: write derived SAs (Wireshark esp_sa UAT) */
    const char *evidence_path; /* -w: pcap of the frames findings cite, with context */
} cli_opts;

static const char usage_text[] =
    "usage: imsec [analyze] [options] FILE...     analyse pcap/pcapng captures (the default)\n"
    "       imsec dialogs [options] FILE...       registrations, SAs, dialogs, transfers found\n"
    "       imsec report -o FILE.html FILE...     HTML forensic report with call-flow diagrams\n"
    "       imsec live -i IFACE [options]         analyse live traffic (imsec live --help)\n"
    "       imsec rules list|check [FILE...]      show effective rules; validate rule files\n"
    "       imsec --help | --version\n";

static const char help_text[] =
    "\n"
    "imsec reads captured IMS traffic, rebuilds registrations, security\n"
    "agreements and dialogs, and reports what breaks the IMS security model.\n"
    "\n"
    "Examples:\n"
    "  imsec capture.pcap                      findings as text, summary at the end\n"
    "  imsec --format eve -o alerts.json a.pcap b.pcapng\n"
    "                                          EVE JSON lines (Suricata-style) for a SIEM\n"
    "  imsec -Y 'KEY-*' --fail-on medium x.pcap\n"
    "                                          only KEY rules; exit 1 on medium or worse\n"
    "  imsec dialogs --format eve x.pcap       one record per dialog / registration / SA\n"
    "  imsec -w evidence.pcap x.pcap           the frames behind every finding, for Wireshark\n"
    "  imsec report -o report.html x.pcap      call-flow diagrams with the findings on them\n"
    "  imsec rules check site.json             validate a site/rule file\n"
    "\n"
    "Options:\n"
    "  -r FILE             input capture (same as a FILE argument); repeatable.\n"
    "                      Several files are read in time order; frame numbers\n"
    "                      count on across files, as Wireshark numbers them.\n"
    "  -Y GLOB             keep only findings whose rule id matches (e.g. 'KEY-*');\n"
    "                      repeatable.\n"
    "  --format FMT        text (default, for people), eve (JSON lines) or html\n"
    "                      (the forensic report, as `imsec report`; needs -o).\n"
    "  -o FILE             write output to FILE ('-' = stdout).\n"
    "  -w FILE             evidence pcap: every frame a finding cites, with the\n"
    "                      other frames of the same Call-ID and registration.\n"
    "  --rules FILE        rule/site file layered over the built-in defaults;\n"
    "                      repeatable, later files win key by key.\n"
    "  --keys FILE         subscriber keys (IMPI, K, OPc/OP, AMF) and ESP SAs.\n"
    "  --show-secrets      print keys, CK and IK (redacted by default).\n"
    "  --export-esp-sa FILE  (dialogs) write the ESP SAs imsec derived, in\n"
    "                      Wireshark's esp_sa UAT format; needs --show-secrets.\n"
    "  --fail-on SEV       exit 1 if a finding is at or above SEV\n"
    "                      (info, low, medium, high, critical; default high).\n"
    "  --color             colour severities in text output.\n"
    "  -q                  quiet: no summary, no progress.\n"
    "  -v                  more detail in the summary.\n"
    "  -h, --help          this help.   --version  print the version.\n"
    "\n"
    "Exit codes: 0 ran, no finding at or above --fail-on; 1 ran, findings at or\n"
    "above it; 2 usage or input error (unreadable file, bad rule file).\n"
    "A truncated or corrupt capture is analysed up to the damage, which the\n"
    "summary reports.\n"
    "\n"
    "Rules: `imsec rules list` shows every rule with its severity; the rule\n"
    "catalogue and rule file format are described in README.md.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "imsec: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%sTry 'imsec --help'.\n", usage_text);
    return EXIT_USAGE;
}

enum { OPT_VERSION = CLI_OPT_OWN, OPT_EXPORT_ESP_SA };

/* Shared options that failed, worded as analyze always has. */
static int shared_error(cli_perr e, const char *arg)
{
    switch (e) {
    case CLI_PE_MANY_INPUTS: return usage_error("too many input files%s", "");
    case CLI_PE_MANY_GLOBS: return usage_error("too many -Y patterns%s", "");
    case CLI_PE_MANY_RULES: return usage_error("too many --rules files%s", "");
    case CLI_PE_MANY_KEYS: return usage_error("too many --keys files%s", "");
    case CLI_PE_FORMAT: return usage_error("unknown --format '%s' (text, eve or html)", arg);
    case CLI_PE_SEVERITY: return usage_error("unknown severity '%s' for --fail-on", arg);
    default: return -1;
    }
}

static int parse_args(int argc, char **argv, cli_opts *o)
{
    static const struct option own[] = {
        {"export-esp-sa", required_argument, NULL, OPT_EXPORT_ESP_SA},
        {"version", no_argument, NULL, OPT_VERSION},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct option lo[CLI_OPTS_MAX_LONG];
    char so[CLI_OPTS_MAX_SHORT];
    if (!cli_opts_build(CLI_CMD_ANALYZE, own, "w:h", lo, so))
        return EXIT_USAGE;
    int c;
    cli_perr pe;
    opterr = 0;
    while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
        if (cli_opts_apply(CLI_CMD_ANALYZE, &o->c, c, optarg, &pe)) {
            if (pe != CLI_PE_NONE)
                return shared_error(pe, optarg);
            continue;
        }
        switch (c) {
        case 'w': o->evidence_path = optarg; break;
        case 'h':
            fputs(usage_text, stdout);
            fputs(help_text, stdout);
            exit(EXIT_CLEAN);
        case OPT_VERSION:
            printf("imsec %s\n", imsec_version());
            exit(EXIT_CLEAN);
        case OPT_EXPORT_ESP_SA: o->export_esp_sa = optarg; break;
        default:
            return usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    pe = cli_opts_operands(&o->c, argc, argv);
    return pe != CLI_PE_NONE ? shared_error(pe, NULL) : -1;
}

/* ---- the analysis run ----
 * Sinks, in call order: the output (text or EVE) and, with -w, the
 * evidence file. The selector applies -Y and --fail-on ahead of both. */

typedef struct {
    const cli_opts *o;
    bool fail;
    uint64_t shown;
    esp_export *exp;
} run_ctx;

static bool select_finding(void *ud, const imsec_finding *f, imsec_finding_note *note)
{
    run_ctx *r = ud;
    (void)note;
    if (!cli_rule_selected(r->o->c.globs, r->o->c.nglobs, f->rule))
        return false;
    r->shown++;
    if (f->sev >= r->o->c.fail_on)
        r->fail = true;
    return true;
}

static void on_sa(void *ud, const imsec_sa_rec *s)
{
    run_ctx *r = ud;
    if (r->exp)
        esp_export_add(r->exp, s);
}

static void on_log(void *ud, imsec_log_level lvl, const char *module, const char *msg)
{
    const run_ctx *r = ud;
    cli_log_stderr(r->o->c.quiet, r->o->c.verbose, lvl, module, msg);
}

static int load_config(const cli_opts *o, imsec_config **out)
{
    return cli_load_config(o->c.rules, o->c.nrules, o->c.keys, o->c.nkeys, o->c.show_secrets, out);
}

/* The output sink for -o (or stdout): text or EVE, findings for analyze,
 * the records table for dialogs. */
static int output_sink(const cli_opts *o, imsec_writer *w, imsec_sink *out)
{
    bool dialogs = o->cmd == CMD_DIALOGS;
    if (o->c.format == CLI_EVE) {
        imsec_eve_opts eo = {.findings = !dialogs, .records = dialogs};
        return imsec_eve_sink(&eo, w, out);
    }
    imsec_text_opts to = {.color = o->c.color, .findings = !dialogs, .table = dialogs,
                          .summary = !o->c.quiet};
    return imsec_text_sink(&to, w, out);
}

static int run_analysis(const cli_opts *o)
{
    int rc = EXIT_USAGE;
    char err[IMSEC_ERRBUF] = "";
    imsec_config *cfg = NULL;
    cli_run run = {0};
    FILE *f = NULL;
    imsec_writer w = {0};
    imsec_sink sinks[2] = {{0}};
    size_t nsinks = 0;
    esp_export exp = {0};
    if (o->c.ninputs == 0)
        return usage_error("no input file%s", "");
    if (o->export_esp_sa && o->cmd != CMD_DIALOGS)
        return usage_error("--export-esp-sa belongs to 'imsec dialogs'%s", "");
    if (o->export_esp_sa && !o->c.show_secrets) {
        fprintf(stderr, "imsec: --export-esp-sa writes ESP keys (secrets) to %s; "
                        "add --show-secrets to confirm\n", o->export_esp_sa);
        return EXIT_USAGE;
    }
    if (load_config(o, &cfg) != EXIT_CLEAN)
        return EXIT_USAGE;
    f = !o->c.out_path || strcmp(o->c.out_path, "-") == 0 ? stdout : cli_open_output(o->c.out_path, err);
    if (!f || output_sink(o, &w, &sinks[nsinks++]) != IMSEC_OK) {
        fprintf(stderr, "imsec: %s\n", f ? "out of memory" : err);
        goto done;
    }
    imsec_writer_file(&w, f);
    if (o->export_esp_sa && esp_export_open(&exp, o->export_esp_sa, err) != 0) {
        fprintf(stderr, "imsec: %s\n", err);
        goto done;
    }
    run_ctx r = {.o = o, .exp = o->export_esp_sa ? &exp : NULL};
    imsec_sink *evidence = NULL;
    if (o->evidence_path) {
        imsec_evidence_file_opts eo = {.path = o->evidence_path, .inputs = o->c.inputs,
                                       .ninputs = (size_t)o->c.ninputs, .cfg = cfg,
                                       .seed = cli_seed()};
        evidence = &sinks[nsinks];
        if (imsec_evidence_file_sink(&eo, evidence, err) != IMSEC_OK) {
            fprintf(stderr, "imsec: %s\n", err);
            goto done;
        }
        nsinks++;
    }
    imsec_callbacks cb = {.ud = &r, .log = on_log, .on_sa = r.exp ? on_sa : NULL};
    imsec_engine_opts eo = {.cb = &cb, .select = select_finding, .select_ud = &r,
                            .sinks = sinks, .nsinks = nsinks, .seed = cli_seed()};
    if (cli_run_open(&run, o->c.inputs, o->c.ninputs) != CLI_EXIT_CLEAN ||
        cli_run_files(&run, cfg, &eo, !o->c.quiet, &r.shown) != CLI_EXIT_CLEAN)
        goto done;
    uint32_t ndamage = 0;
    const char *damage = cli_run_damage(&run, &ndamage);
    imsec_stats_info info = {.damage = ndamage ? damage : NULL};
    imsec_engine_emit_stats(run.e, &info);
    if (ndamage && !o->c.quiet && o->c.format != CLI_TEXT)
        fprintf(stderr, "imsec: %s", damage);
    rc = r.fail ? EXIT_FINDINGS : EXIT_CLEAN;
    if (evidence) {
        uint64_t written, skipped;
        if (evidence->ops->finish(evidence->ud, err) != IMSEC_OK) {
            fprintf(stderr, "imsec: %s\n", err);
            rc = EXIT_USAGE;
        } else if (imsec_evidence_file_counts(evidence, &written, &skipped), !o->c.quiet) {
            fprintf(stderr, "imsec: %llu evidence frames written to %s%s\n",
                    (unsigned long long)written, o->evidence_path,
                    skipped ? " (frames of another link type left out)" : "");
        }
    }
done:
    if (f) {
        int serr = sinks[0].ops ? sinks[0].ops->finish(sinks[0].ud, err) : IMSEC_OK;
        bool bad = serr != IMSEC_OK || w.err;
        if (fflush(f) != 0 || (f != stdout && fclose(f) != 0))
            bad = true;
        if (bad) {
            fprintf(stderr, "imsec: error writing output: %s\n",
                    errno ? strerror(errno) : imsec_rc_str(serr ? serr : w.err));
            rc = EXIT_USAGE;
        }
    }
    cli_run_close(&run); /* before the export closes: SA records leave with the engine */
    for (size_t i = 0; i < nsinks; i++)
        imsec_sink_free(&sinks[i]);
    if (esp_export_close(&exp, err) != 0) {
        fprintf(stderr, "imsec: %s\n", err);
        rc = EXIT_USAGE;
    } else if (o->export_esp_sa && !o->c.quiet && exp.written + exp.skipped) {
        fprintf(stderr, "imsec: %lu ESP SAs written to %s%s\n", exp.written, o->export_esp_sa,
                exp.skipped ? " (SA sets without keys skipped)" : "");
    }
    imsec_config_free(cfg);
    return rc;
}

static int run_rules(const cli_opts *o)
{
    if (!o->rules_sub || (strcmp(o->rules_sub, "list") != 0 && strcmp(o->rules_sub, "check") != 0))
        return usage_error("rules: say 'list' or 'check'%s", "");
    imsec_config *cfg = NULL;
    char err[IMSEC_ERRBUF] = "";
    cfg = imsec_config_new(err);
    if (!cfg) {
        fprintf(stderr, "imsec: built-in rules: %s\n", err);
        return EXIT_USAGE;
    }
    int rc = EXIT_CLEAN;
    /* `rules check` validates every file and reports all of them. */
    for (int i = 0; i < o->c.ninputs; i++) {
        if (imsec_config_load_rules(cfg, o->c.inputs[i], err) != IMSEC_OK) {
            fprintf(stderr, "imsec: %s\n", err);
            rc = EXIT_USAGE;
        } else if (strcmp(o->rules_sub, "check") == 0) {
            printf("%s: ok\n", o->c.inputs[i]);
        }
    }
    if (strcmp(o->rules_sub, "check") == 0) {
        if (o->c.ninputs == 0)
            printf("built-in rules: ok (%zu rules)\n", imsec_config_rule_count(cfg));
    } else if (rc == EXIT_CLEAN) {
        if (o->c.format == CLI_EVE) {
            char *js = imsec_config_dump_json(cfg);
            if (js)
                puts(js);
            free(js);
        } else {
            printf("%-28s %-6s %-9s %-8s %s\n", "RULE", "SID", "SEVERITY", "ENABLED", "TITLE");
            imsec_rule_info ri;
            for (size_t i = 0; imsec_config_rule_at(cfg, i, &ri); i++)
                printf("%-28s %-6u %-9s %-8s %s\n", ri.rule, ri.sid, imsec_severity_str(ri.sev),
                       ri.enabled ? "yes" : "no", ri.title);
        }
    }
    imsec_config_free(cfg);
    return rc;
}

/* `analyze --format html` is the report: same inputs and options, one page.
 * Returns the report's exit code, or -1 when the format is not html. */
static int html_format(int argc, char **argv)
{
    int at = -1;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--format=html") == 0)
            at = i;
        else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc && strcmp(argv[i + 1], "html") == 0)
            at = i;
    }
    if (at < 0)
        return -1;
    int drop = strcmp(argv[at], "--format") == 0 ? 2 : 1;
    char **rargv = calloc((size_t)argc + 2, sizeof *rargv);
    if (!rargv)
        return EXIT_USAGE;
    int n = 0;
    rargv[n++] = (char *)"report";
    for (int i = 0; i < argc; i++)
        if (i < at || i >= at + drop)
            rargv[n++] = argv[i];
    int rc = cmd_report(n, rargv);
    free(rargv);
    return rc;
}

int main(int argc, char **argv)
{
    cli_opts o = {.cmd = CMD_ANALYZE};
    cli_shared_init(&o.c);
    int argi = 1;
    if (argc > 1) {
        const char *w = argv[1];
        if (strcmp(w, "analyze") == 0) {
            argi = 2;
        } else if (strcmp(w, "dialogs") == 0) {
            o.cmd = CMD_DIALOGS;
            argi = 2;
        } else if (strcmp(w, "rules") == 0) {
            o.cmd = CMD_RULES;
            argi = 2;
            if (argc > 2 && argv[2][0] != '-') {
                o.rules_sub = argv[2];
                argi = 3;
            }
        } else if (strcmp(w, "live") == 0) {
            return cmd_live(argc - 1, argv + 1);
        } else if (strcmp(w, "report") == 0) {
            return cmd_report(argc - 1, argv + 1);
        }
    } else {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    if (o.cmd == CMD_ANALYZE) {
        int rc = html_format(argc - argi, argv + argi);
        if (rc >= 0)
            return rc;
    }
    /* getopt_long sees the arguments after the command word. */
    argv[argi - 1] = argv[0];
    int prc = parse_args(argc - argi + 1, argv + argi - 1, &o);
    if (prc >= 0)
        return prc;
    if (o.c.format < 0)
        o.c.format = CLI_TEXT;
    if (o.cmd == CMD_RULES)
        return run_rules(&o);
    return run_analysis(&o);
}
