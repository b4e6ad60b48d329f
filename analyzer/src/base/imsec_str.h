/* imsec_str: a counted slice into a buffer someone else owns (no NUL).
 *
 * Slices are valid only while the buffer they point into is. All functions
 * are bounds-safe for any (p, len) with p readable for len bytes; a slice
 * with len == 0 may have p == NULL. Comparisons are ASCII-only, never the
 * locale (packet bytes are not text in the C library's sense). */
#ifndef IMSEC_BASE_STR_H
#define IMSEC_BASE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "imsec/imsec.h" /* the imsec_str type itself is public */

#define IMSEC_STR_NULL ((imsec_str){NULL, 0})
/* A slice over a string literal. */
#define IMSEC_STR_LIT(s) ((imsec_str){(s), (uint32_t)(sizeof(s) - 1)})

static inline imsec_str imsec_str_make(const char *p, size_t len)
{
    imsec_str s = {p, (uint32_t)len};
    return s;
}
static inline bool imsec_str_empty(imsec_str s) { return s.len == 0; }

static inline unsigned char imsec_ascii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}
static inline bool imsec_is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static inline bool imsec_is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
static inline bool imsec_is_hex(unsigned char c)
{
    return imsec_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool imsec_str_eq(imsec_str a, imsec_str b);
bool imsec_str_eq_ci(imsec_str a, imsec_str b);
/* Case-insensitive compare against a NUL-terminated literal. */
bool imsec_str_eq_cstr_ci(imsec_str a, const char *lit);
bool imsec_str_eq_cstr(imsec_str a, const char *lit);
bool imsec_str_starts_with_ci(imsec_str a, const char *lit);
/* Case-insensitive substring search; returns offset or -1. */
long imsec_str_find_ci(imsec_str hay, const char *needle);
/* Strips leading/trailing SP, HTAB, CR, LF (folding included). */
imsec_str imsec_str_trim(imsec_str s);
/* Removes one pair of surrounding double quotes, if present. */
imsec_str imsec_str_unquote(imsec_str s);
/* Decimal without sign or spaces; false on empty, non-digit or overflow. */
bool imsec_str_to_u32(imsec_str s, uint32_t *out);
bool imsec_str_to_u64(imsec_str s, uint64_t *out);
/* Hex digits (optional 0x prefix) to an integer; false on overflow. */
bool imsec_str_hex_to_u32(imsec_str s, uint32_t *out);
/* Hex string to bytes; exactly out_len bytes must result. */
bool imsec_str_hex_decode(imsec_str s, uint8_t *out, size_t out_len);
/* Standard base64 (padding optional, whitespace rejected). Writes at most
 * cap bytes; returns decoded length or -1 on bad input / overflow. */
long imsec_base64_decode(imsec_str s, uint8_t *out, size_t cap);
/* Quote-aware split: returns the next element of a comma list, skipping
 * commas inside "quoted strings" (with \-escapes) and <angle brackets>.
 * Advances *rest. Returns false when no element is left. Elements are trimmed. */
bool imsec_str_list_next(imsec_str *rest, imsec_str *item);
/* Same, with an arbitrary separator (';' for parameters). */
bool imsec_str_split_next(imsec_str *rest, char sep, imsec_str *item);
/* Copies s into a NUL-terminated buffer of size cap, truncating; returns dst. */
char *imsec_str_copy(imsec_str s, char *dst, size_t cap);

/* An owned string with its length: copies of wire bytes kept in state. */
typedef struct {
    char *p;
    uint32_t len;
} imsec_ostr;



/* Heap copy, NUL-terminated, at most cap bytes kept (state keeps copies
 * with size caps, never slices). Returns NULL on allocation failure. */
char *imsec_str_dup(imsec_str s, size_t cap);
#endif
