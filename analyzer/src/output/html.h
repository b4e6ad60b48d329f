/* html: the self-contained forensic report (`imsec report`).
 *
 * The caller (the CLI) runs the engine and hands every finding, SIP message
 * and record to an html_report; html_report_write then renders one HTML
 * file: summary, a sortable/filterable findings table, a registration
 * timeline, and one ladder diagram (inline SVG) per registration, dialog or
 * other Call-ID, with the messages behind each finding highlighted and the
 * message text one click away. This module never calls the engine.
 *
 * Self-contained: inline CSS and JS only, no external resource, no network
 * (the page sets a Content-Security-Policy that forbids any fetch).
 * Deterministic: no clock, no locale, no hash order; sections are ordered by
 * first frame, findings by arrival (engine order).
 *
 * Memory is bounded (see the HTML_MAX_* limits): per-message summaries and a
 * capped copy of each message's text are kept per Call-ID; whatever a cap
 * drops is counted and the report says so.
 *
 * Wire bytes (SIP text, identities, Call-IDs, reasons) are UTF-8 repaired
 * and HTML-escaped wherever they appear; nothing from the wire reaches a
 * <script> element or an unquoted attribute. Secrets in message text are
 * redacted unless show_secrets: ck= and ik= parameter values (TS 33.203
 * §7.1, WWW-Authenticate on Mw, TS 24.229 §5.4.1.2.1), SDES inline keys
 * (RFC 4568 §6.1 "inline:") and a=key-mgmt lines (RFC 4567 MIKEY). */
#ifndef IMSEC_OUTPUT_HTML_H
#define IMSEC_OUTPUT_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imsec/imsec.h"
#include "output/html_escape.h" /* html_escape, html_sip_text */
#include "output/out.h"

/* Limits (memory and page size). */
#define HTML_MAX_FINDINGS 20000u    /* table rows kept */
#define HTML_MAX_MSGS 100000u       /* message summaries kept over the whole run */
#define HTML_MAX_FLOW_MSGS 200u     /* per Call-ID */
#define HTML_MAX_TEXT 6144u         /* bytes of one message's text kept */
#define HTML_TEXT_BUDGET (32u << 20) /* bytes of message text kept over the run */
#define HTML_MAX_FLOWS 100000u      /* Call-IDs tracked */
#define HTML_MAX_RECORDS 100000u    /* dialog + registration + txn records kept */
#define HTML_MAX_LANES 10u          /* lanes per diagram; more nodes share "other" */
#define HTML_DEFAULT_SECTIONS 300u  /* diagrams rendered */

typedef struct {
    const char *title;   /* page title; NULL = "imsec forensic report" */
    const char *inputs;  /* input names as shown in the header (caller's text), may be NULL */
    bool show_secrets;   /* message text unredacted */
    bool all_sections;   /* every dialog/registration, not only those with findings */
    uint32_t max_sections; /* 0 = HTML_DEFAULT_SECTIONS */
    uint64_t seed;       /* keys the Call-ID table (output never depends on it) */
} html_opts;

typedef struct html_report html_report;

/* NULL on allocation failure. o is copied (strings are borrowed and must
 * outlive the report). */
html_report *html_report_new(const html_opts *o);
void html_report_free(html_report *r);

/* Collectors, called from the engine callbacks (arguments are copied). */
void html_report_finding(html_report *r, const imsec_finding *f);
void html_report_message(html_report *r, const imsec_msg_rec *m);
void html_report_dialog(html_report *r, const imsec_dialog_rec *d);
void html_report_registration(html_report *r, const imsec_reg_rec *g);
void html_report_txn(html_report *r, const imsec_txn_rec *t);

/* Number of findings collected (including any beyond the table cap). */
uint64_t html_report_findings(const html_report *r);

/* Renders the page. damage: capture damage lines or NULL. Returns 0 or the
 * writer's sticky error. */
IMSEC_NODISCARD int html_report_write(html_report *r, out_writer *w, const imsec_stats *st,
                                      const char *damage);

#endif
