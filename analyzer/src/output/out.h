/* out: what every sink shares: a byte writer, UTF-8 repair for JSON,
 * terminal escaping for text, time formatting and secret redaction.
 *
 * Sinks never write to stdout/stderr themselves (style.md §2.8): they write
 * through an out_writer the caller sets up, so the CLI, the tests and the
 * plugin decide where bytes go. Output must be deterministic: nothing here
 * reads the clock, the locale or the environment. */
#ifndef IMSEC_OUTPUT_OUT_H
#define IMSEC_OUTPUT_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "imsec/imsec.h"
#include "imsec/output.h"

/* The public byte writer (imsec/output.h) under the module's own name. */
typedef imsec_writer out_writer;

/* A writer over a stdio stream (not closed by the writer). */
void out_writer_file(out_writer *w, FILE *f);
/* Writes bytes; after a failure, further writes are dropped and w->err stays. */
int out_write(out_writer *w, const char *p, size_t n);
int out_puts(out_writer *w, const char *s);
int out_printf(out_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Grows *arr (elements of elem bytes, *cap of them) so that it holds need
 * elements, doubling from 64; false (array untouched) on allocation failure.
 * The sinks that collect records before writing share this. */
bool out_grow(void **arr, size_t *cap, size_t need, size_t elem);

/* Copies s[0..n) to dst replacing every ill-formed UTF-8 sequence
 * (RFC 3629 §4: overlongs, surrogates, > U+10FFFF, truncated) with U+FFFD,
 * one replacement per maximal ill-formed subpart. NUL bytes are kept (json-c
 * escapes them as \u0000). Returns the output length; dst needs 3*n bytes. */
size_t out_utf8_sanitize(const char *s, size_t n, char *dst);

/* Escapes bytes for a terminal: printable ASCII is kept, '\\' is doubled,
 * everything else (controls, DEL, bytes >= 0x80) becomes \xNN, so one wire
 * value stays one line and cannot drive the terminal (tcpdump
 * fn_print_char). Truncates with "..." to fit cap; always NUL-terminates.
 * Returns dst. */
char *out_escape(const char *s, size_t n, char *dst, size_t cap);

/* "2001-07-10T10:00:00.123456+0000" (EVE) and "2001-07-10 10:00:00.123456"
 * (text), in UTC. Times gmtime cannot represent print as the epoch. */
#define OUT_TSLEN 40
const char *out_ts_iso(imsec_ts ts, char buf[OUT_TSLEN]);
const char *out_ts_text(imsec_ts ts, char buf[OUT_TSLEN]);

/* "UDP", "TCP", "SCTP", "ESP", else the number. */
const char *out_proto_str(uint8_t proto, char buf[8]);

/* A secret for output: "ck=<redacted 32 hex>" (len = hex digits given)
 * unless show, then "ck=<escaped value>". Returns buf. */
const char *out_redact_hex(const char *label, const char *val, size_t len, bool show, char *buf,
                           size_t cap);

#endif
