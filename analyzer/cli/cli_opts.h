/* cli_opts: the options analyze/dialogs, report and live share, in one
 * table.
 *
 * Each command builds its getopt tables from the shared table (the rows
 * its mask selects) plus its own options, hands every option to
 * cli_opts_apply first, and handles what that declines. A shared option
 * that fails comes back as a cli_perr, which the command words in its own
 * usage style. */
#ifndef IMSEC_CLI_OPTS_H
#define IMSEC_CLI_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "imsec/imsec.h"

#define CLI_MAX_INPUTS 256
#define CLI_MAX_GLOBS 16
#define CLI_MAX_RULES 16
#define CLI_MAX_KEYS 8

/* What the shared options set. */
typedef struct {
    const char *out_path;                  /* -o */
    const char *inputs[CLI_MAX_INPUTS];    /* -r and FILE arguments */
    int ninputs;
    const char *globs[CLI_MAX_GLOBS];      /* -Y */
    int nglobs;
    const char *rules[CLI_MAX_RULES];      /* --rules */
    int nrules;
    const char *keys[CLI_MAX_KEYS];        /* --keys */
    int nkeys;
    imsec_severity fail_on;                /* --fail-on; default high */
    int format;                            /* --format: -1 not given, else a cli_format */
    bool show_secrets, quiet, verbose, color;
} cli_shared;

/* Commands, as masks of the table rows they take. */
enum { CLI_CMD_ANALYZE = 1u, CLI_CMD_REPORT = 2u, CLI_CMD_LIVE = 4u };

/* getopt values of the shared long options; a command's own long options
 * start at CLI_OPT_OWN. */
enum {
    CLI_OPT_RULES = 256, CLI_OPT_KEYS, CLI_OPT_SHOW_SECRETS, CLI_OPT_FAIL_ON, CLI_OPT_FORMAT,
    CLI_OPT_COLOR, CLI_OPT_OWN = 300
};

typedef enum {
    CLI_PE_NONE = 0,
    CLI_PE_MANY_INPUTS,
    CLI_PE_MANY_GLOBS,
    CLI_PE_MANY_RULES,
    CLI_PE_MANY_KEYS,
    CLI_PE_FORMAT,       /* not text, eve or json */
    CLI_PE_SEVERITY,     /* --fail-on */
} cli_perr;

void cli_shared_init(cli_shared *s);

/* getopt tables for cmd: the shared rows, then own_long (NULL-terminated,
 * may be NULL) and own_short. lo needs CLI_OPTS_MAX_LONG entries, so
 * CLI_OPTS_MAX_SHORT bytes; false if the command's own tables do not fit. */
#define CLI_OPTS_MAX_LONG 32
#define CLI_OPTS_MAX_SHORT 64
bool cli_opts_build(unsigned cmd, const struct option *own_long, const char *own_short,
                    struct option lo[CLI_OPTS_MAX_LONG], char so[CLI_OPTS_MAX_SHORT]);

/* Applies option c (a getopt result) if it is a shared option cmd takes:
 * true when it was one (*err then says whether it failed), false when the
 * command must handle it itself. */
bool cli_opts_apply(unsigned cmd, cli_shared *s, int c, const char *arg, cli_perr *err);

/* Appends the operands argv[optind..argc) to the inputs. */
cli_perr cli_opts_operands(cli_shared *s, int argc, char **argv);

#endif
