/* sip_lex: character classes and small lexical helpers shared by the SIP
 * parsers (RFC 3261 §25.1). Internal to the sip layer.
 *
 * One 256-entry table answers "is this byte a token / URI / digit / alpha /
 * scheme / LWS character" in one load, as picohttpparser's token_char_map. */
#ifndef IMSEC_SIP_LEX_H
#define IMSEC_SIP_LEX_H

#include <stdbool.h>
#include <stdint.h>

#include "base/imsec_str.h"

enum {
    SIP_LEX_TOKEN = 1,   /* RFC 3261 token: alphanum / "-.!%*_+`'~" */
    SIP_LEX_GRAPH = 2,   /* visible ASCII 0x21..0x7e */
    SIP_LEX_DIGIT = 4,
    SIP_LEX_ALPHA = 8,
    SIP_LEX_SCHEME = 16, /* alphanum / "+-." (URI scheme after the first char) */
    SIP_LEX_WS = 32,     /* SP / HTAB */
};

extern const uint8_t sip_lex_class[256];

static inline bool sip_lex_is(unsigned char c, uint8_t cls) { return (sip_lex_class[c] & cls) != 0; }

/* True if every byte of s is a token character and s is not empty. */
bool sip_lex_is_token(imsec_str s);

/* Skips LWS (SP, HTAB, and CRLF/LF followed by SP/HTAB: folding, RFC 3261
 * §7.3.1) from index i; returns the new index (<= s.len). */
uint32_t sip_lex_skip_lws(imsec_str s, uint32_t i);

/* Trim LWS (including folding line breaks) at both ends. */
static inline imsec_str sip_lex_trim(imsec_str s) { return imsec_str_trim(s); }

/* Scan a quoted-string starting at s.p[i] == '"'. Returns the index just
 * after the closing quote, or 0 if unterminated or it contains a bare CR/LF
 * that is not folding. */
uint32_t sip_lex_quoted_end(imsec_str s, uint32_t i);

/* Compare two slices ignoring all LWS (for "SIP / 2.0" style values). */
bool sip_lex_eq_nows_ci(imsec_str s, const char *lit);


/* Validates a header parameter list "a=b ; c ; d = "x"" (without the leading
 * ';', RFC 3261 §25.1 generic-param): every element non-empty, a token name,
 * an optional value that is a token, a host (IPv6 reference allowed) or a
 * quoted-string. LWS (folding included) may surround ';' and '='. */
bool sip_lex_params_ok(imsec_str params);

/* Next ';'-separated element of a parameter list, quote-aware; empty
 * elements are returned too (unlike imsec_str_split_next). Elements are
 * trimmed. Returns false at the end. */
bool sip_lex_param_next(imsec_str *rest, imsec_str *item);

/* Splits "name = value" (LWS allowed around '='); value empty if absent.
 * Returns false if name is not a token. */
bool sip_lex_param_split(imsec_str item, imsec_str *name, imsec_str *value, bool *has_value);

#endif
