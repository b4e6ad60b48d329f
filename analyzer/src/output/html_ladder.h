/* html_ladder: one call-flow (ladder) diagram as inline SVG.
 *
 * Lanes are the nodes the messages travelled between (at most
 * HTML_MAX_LANES, the rest share "other"), ordered by role (UE, P-CSCF,
 * S-CSCF, peers) then first appearance; one arrow per message, the ones a
 * finding cites highlighted, each a click away from its (escaped,
 * redacted) text, which html_ladder_texts writes as <template> elements. */
#ifndef IMSEC_OUTPUT_HTML_LADDER_H
#define IMSEC_OUTPUT_HTML_LADDER_H

#include "output/html_store.h"

/* The message texts of mv[0..n) (message indexes). */
void html_ladder_texts(const html_report *r, out_writer *w, const uint32_t *mv, size_t n);
/* The diagram of section s over messages mv[0..n); fp[0..nfp) are the
 * (frame, finding) pairs sorted by frame, for the highlights. */
void html_ladder_write(html_report *r, out_writer *w, const html_sec *s, const uint32_t *mv,
                       size_t n, const html_pair *fp, size_t nfp);

#endif
