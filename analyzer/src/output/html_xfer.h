/* html_xfer: the "Transfer chains" section of the HTML report.
 *
 * Collects, from the dialog records, every dialog that resulted from a
 * transfer (RFC 3515 REFER; the engine fills imsec_dialog_rec.xfer_*) and a
 * short summary of every dialog (parties), plus the time of each REFER
 * message. html_xfer_write groups the transfers into chains (dialogs linked
 * REFER Call-ID -> resulting dialog; one chain = one connected group) and
 * draws each as a small inline SVG: one node per dialog (Call-ID, From, To,
 * a link to its ladder section when drawn), one arrow per transfer labelled
 * with the referrer, REFER frame and time, and the charged party marked on
 * the resulting dialog's node.
 *
 * Bounded (HTML_XFER_MAX_*): what a cap drops is counted and noted.
 * Deterministic: chains ordered by their first REFER frame, nodes by
 * breadth-first order from the chain's root. Wire strings are escaped with
 * html_escape (text and quoted attributes only). */
#ifndef IMSEC_OUTPUT_HTML_XFER_H
#define IMSEC_OUTPUT_HTML_XFER_H

#include <stdint.h>

#include "imsec/imsec.h"
#include "output/out.h"

#define HTML_XFER_MAX_XFERS 4096u    /* transfer records kept */
#define HTML_XFER_MAX_DIALOGS 8192u  /* dialog summaries kept (node labels) */
#define HTML_XFER_MAX_REFERS 8192u   /* REFER frame times kept */
#define HTML_XFER_MAX_CHAINS 50u     /* chains drawn */
#define HTML_XFER_MAX_NODES 24u      /* dialogs drawn per chain */

typedef struct html_xfer html_xfer;

/* Shown ladder section number for a Call-ID, 0 when it is not drawn. */
typedef uint32_t (*html_xfer_link_fn)(void *ctx, const char *call_id);

html_xfer *html_xfer_new(void); /* NULL on allocation failure */
void html_xfer_free(html_xfer *x);
void html_xfer_message(html_xfer *x, const imsec_msg_rec *m);
void html_xfer_dialog(html_xfer *x, const imsec_dialog_rec *d);
/* Transfers seen (including any beyond the cap). */
uint64_t html_xfer_count(const html_xfer *x);
/* Writes <section id="transfers">. t0: capture start (times are shown
 * relative to it). */
void html_xfer_write(const html_xfer *x, out_writer *w, imsec_ts t0, html_xfer_link_fn link, void *ctx);

#endif
