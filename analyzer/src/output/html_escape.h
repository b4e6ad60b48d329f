/* html_escape: every wire byte that reaches the HTML report goes through
 * here (html.h describes the contract of html_escape and html_sip_text). */
#ifndef IMSEC_OUTPUT_HTML_ESCAPE_H
#define IMSEC_OUTPUT_HTML_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "output/out.h"

/* Writes s[0..n) HTML-escaped (text and quoted-attribute safe): invalid
 * UTF-8 becomes U+FFFD, & < > " ' become entities, control bytes other than
 * TAB/LF become \xNN, CR is dropped; with attr, LF and TAB become spaces. */
void html_escape(out_writer *w, const char *s, size_t n, bool attr);
/* The same for a NUL-terminated string, as text or as an attribute value. */
void html_escape_str(out_writer *w, const char *s);
void html_escape_attr(out_writer *w, const char *s);
/* Writes SIP message text escaped as html_escape, with secrets redacted
 * unless show: ck=/ik= values, SDES inline keys, a=key-mgmt lines. */
void html_sip_text(out_writer *w, const char *s, size_t n, bool show);

#endif
