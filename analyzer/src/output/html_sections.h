/* html_sections: the parts of the report page around the diagrams.
 *
 * The page head (inline CSS from html_assets/report.css, embedded at build
 * time), the summary cards, the sortable/filterable findings table, the
 * registration timeline, and one <details> section per registration,
 * dialog or other Call-ID with its facts and its ladder. */
#ifndef IMSEC_OUTPUT_HTML_SECTIONS_H
#define IMSEC_OUTPUT_HTML_SECTIONS_H

#include "output/html_store.h"

/* Embedded assets (generated from html_assets/ by scripts/embed.cmake). */
extern const unsigned char imsec_html_css[], imsec_html_js[];
extern const size_t imsec_html_css_len, imsec_html_js_len;

/* Transfer-chain nodes link to the shown section of their Call-ID. */
typedef struct {
    html_report *r;
    const uint32_t *flow_sec;
} html_link_ctx;

void html_sections_head(html_report *r, out_writer *w);
/* nshown sections drawn of ncand candidates, nflagged of them with findings. */
void html_sections_summary(html_report *r, out_writer *w, const imsec_stats *st,
                           const char *damage, size_t nshown, size_t nflagged, size_t ncand);
void html_sections_findings(html_report *r, out_writer *w);
void html_sections_timeline(html_report *r, out_writer *w, const imsec_stats *st);
/* A section's link text ("registration user@x", "dialog <Call-ID>", ...). */
void html_sections_name(const html_sec *s, out_writer *w);
void html_sections_write(html_report *r, out_writer *w, const html_sec *s, const html_pair *fp,
                         size_t nfp, bool open);
/* Adds a section for every Call-ID that carried messages but no record. */
void html_sections_add_orphans(html_report *r);
/* Section (index) of the message in frame f, or UINT32_MAX. */
uint32_t html_sections_frame_sec(const html_pair *mp, size_t nmp, uint64_t f);
/* html_xfer_link_fn over an html_link_ctx. */
uint32_t html_sections_link_sec(void *ctx, const char *call_id);

#endif
