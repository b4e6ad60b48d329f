/* cli_common: pieces shared by the imsec subcommands (analyze, dialogs,
 * live, report, rules). */
#ifndef IMSEC_CLI_COMMON_H
#define IMSEC_CLI_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "imsec/capture.h"
#include "imsec/imsec.h"
#include "imsec/sink.h"

enum { CLI_EXIT_CLEAN = 0, CLI_EXIT_FINDINGS = 1, CLI_EXIT_USAGE = 2 };

typedef enum { CLI_TEXT, CLI_EVE } cli_format;

/* Built-in rules, then each --rules file, then each --keys file. On error
 * prints one line naming the file and returns CLI_EXIT_USAGE. */
int cli_load_config(const char *const *rules, int nrules, const char *const *keys, int nkeys,
                    bool show_secrets, imsec_config **out);

/* Per-process seed for the engine's hash keys (output never depends on it). */
uint64_t cli_seed(void);

/* True when rule matches one of the -Y globs (or there are none). */
bool cli_rule_selected(const char *const *globs, int nglobs, const char *rule);

/* The engine's log callback for a terminal: errors always, the rest unless
 * quiet, debug only when verbose. */
void cli_log_stderr(bool quiet, bool verbose, imsec_log_level lvl, const char *module,
                    const char *msg);

/* Opens an output file for writing, refusing to follow a symlink: outputs
 * often go to shared folders, where a planted link would redirect them. */
FILE *cli_open_output(const char *path, char err[IMSEC_ERRBUF]);

/* One offline run: inputs opened (time order), an engine with the caller's
 * callbacks and sinks fed every frame, then finished. Progress goes to
 * stderr when asked, stderr is a terminal and the input is big enough to
 * wait for. */
typedef struct {
    imsec_capture *cs;
    imsec_engine *e;
} cli_run;
/* Opens the inputs only (so a bad capture fails before any output is
 * created). On error prints one line and returns CLI_EXIT_USAGE. */
int cli_run_open(cli_run *run, const char *const *inputs, int ninputs);
/* Engine over the opened inputs, every frame fed, finished. On error
 * prints one line naming the problem and returns CLI_EXIT_USAGE; *shown
 * (may be NULL) is the caller's finding count for the progress line. */
int cli_run_files(cli_run *run, const imsec_config *cfg, const imsec_engine_opts *eo,
                  bool progress, const uint64_t *shown);
/* Capture damage ("" if none) and its count, after the run. */
const char *cli_run_damage(const cli_run *run, uint32_t *count);
void cli_run_close(cli_run *run);

/* Subcommands implemented in their own files: argv[0] is the command word. */
int cmd_live(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
