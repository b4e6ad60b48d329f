/* text: human output (the default --format text).
 *
 * One block per finding, a summary at the end, and the `imsec dialogs`
 * table (registrations, then dialogs, then other Call-IDs). All wire bytes
 * go through out_escape: one value, one line, no terminal control. Colour
 * (ANSI SGR on the severity tag) only when the caller asks for it; the CLI
 * asks only for a terminal. Output is deterministic: the summary lists
 * severities from critical down and rules in id order, whatever order the
 * findings came in. */
#ifndef IMSEC_OUTPUT_TEXT_H
#define IMSEC_OUTPUT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imsec/imsec.h"
#include "output/out.h"

#define TEXT_MAX_RULES 128
#define TEXT_RULE_LEN 48

typedef struct {
    char rule[TEXT_RULE_LEN];
    imsec_severity sev;
    uint64_t n;
} text_rule_count;

typedef struct {
    char *p;
    size_t len, cap;
    uint64_t rows;
} text_buf;

typedef struct {
    out_writer *w;
    bool color;
    uint64_t findings;
    uint64_t by_sev[IMSEC_SEV_CRITICAL + 1];
    text_rule_count by_rule[TEXT_MAX_RULES];
    size_t nrules;
    uint64_t other_rules;  /* findings of rules past TEXT_MAX_RULES */
    text_buf regs, dialogs, txns;  /* `dialogs` table rows until text_table_flush */
    text_buf sas;                  /* ims_sa rows (issue 4) */
    int err;
} text_ctx;

void text_init(text_ctx *t, out_writer *w, bool color);
void text_fini(text_ctx *t);

/* One finding block:
 *   [HIGH] RULE  frame N  2001-07-10 10:00:00.123456  10.1.0.10:5060 -> 10.1.0.1:5060 UDP
 *       reason: ...
 *       impi: ... / impu: ... / call-id: ... / sa: ...   (non-empty ones)
 *       evidence frames: 14, 22
 * followed by an empty line. Counts it for the summary. */
IMSEC_NODISCARD int text_finding(text_ctx *t, const imsec_finding *f);

/* The run summary. damage lines (e.g. "capture.pcap: truncated at frame
 * 812") come from the caller and are printed escaped, one per line. */
IMSEC_NODISCARD int text_summary(text_ctx *t, const imsec_stats *s, const char *const *damage,
                                 size_t ndamage);

/* `imsec dialogs`: rows are buffered and printed, grouped, by text_table_flush. */
IMSEC_NODISCARD int text_registration(text_ctx *t, const imsec_reg_rec *r);
/* One SA set row (no key bytes, ever). */
IMSEC_NODISCARD int text_sa(text_ctx *t, const imsec_sa_rec *s);
IMSEC_NODISCARD int text_dialog(text_ctx *t, const imsec_dialog_rec *d);
IMSEC_NODISCARD int text_txn(text_ctx *t, const imsec_txn_rec *x);
IMSEC_NODISCARD int text_table_flush(text_ctx *t);

#endif
