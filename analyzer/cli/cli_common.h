/* cli_common: pieces shared by the imsec subcommands (analyze, dialogs,
 * live, report, rules). */
#ifndef IMSEC_CLI_COMMON_H
#define IMSEC_CLI_COMMON_H

#include <stdbool.h>

#include "imsec/imsec.h"

enum { CLI_EXIT_CLEAN = 0, CLI_EXIT_FINDINGS = 1, CLI_EXIT_USAGE = 2 };

/* Built-in rules, then each --rules file, then each --keys file. On error
 * prints one line naming the file and returns CLI_EXIT_USAGE. */
int cli_load_config(const char *const *rules, int nrules, const char *const *keys, int nkeys,
                    bool show_secrets, imsec_config **out);

/* Per-process seed for the engine's hash keys (output never depends on it). */
uint64_t cli_seed(void);

/* Subcommands implemented in their own files: argv[0] is the command word. */
int cmd_live(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
