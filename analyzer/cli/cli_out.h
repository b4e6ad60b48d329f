/* cli_out: where the CLI's results go — one FILE, one format.
 *
 * For `analyze`, findings stream out as they are found and the summary (text)
 * or stats record (EVE) closes the output. For `dialogs`, records are
 * collected and written ordered by first frame, then the summary/stats. */
#ifndef IMSEC_CLI_OUT_H
#define IMSEC_CLI_OUT_H

#include <stdbool.h>

#include "imsec/imsec.h"

typedef enum { CLI_TEXT, CLI_EVE } cli_format;

typedef struct cli_out cli_out;

cli_out *cli_out_open(const char *path, cli_format fmt, bool dialogs, bool color,
                      const imsec_config *cfg, char err[IMSEC_ERRBUF]);
void cli_out_finding(cli_out *o, const imsec_finding *f);
void cli_out_dialog(cli_out *o, const imsec_dialog_rec *d);
void cli_out_registration(cli_out *o, const imsec_reg_rec *r);
void cli_out_txn(cli_out *o, const imsec_txn_rec *t);
void cli_out_sa(cli_out *o, const imsec_sa_rec *s);
/* Writes collected records, then the summary (text, if summary) or the stats record (EVE). */
void cli_out_finish(cli_out *o, const imsec_stats *st, const char *damage, bool summary,
                    bool verbose);
/* Flushes and closes; non-zero with err set on a write error. */
int cli_out_close(cli_out *o, char err[IMSEC_ERRBUF]);

#endif
