/* keys_val: value parsers shared by the two keys-file formats
 * (keys_json, keys_uat): hex key bytes, numbers, key lengths per algorithm. */
#ifndef IMSEC_RULES_KEYS_VAL_H
#define IMSEC_RULES_KEYS_VAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/keys.h"

/* 0..15, or -1 for a non-hex character. */
int keys_val_hexdigit(char c);
/* Hex digits with optional 0x; odd counts get a leading zero nibble (as
 * Wireshark reads UAT keys). Returns byte count or -1 (bad digit / too long). */
long keys_val_hex(const char *s, size_t n, uint8_t *out, size_t cap);
/* Decimal or 0x hex, no sign; false on anything else or overflow. */
bool keys_val_u32(const char *s, size_t n, uint32_t *out);
/* Why len bytes cannot key algorithm a, or NULL when they can. */
const char *keys_val_ekey_problem(keys_ealg a, uint32_t len);
const char *keys_val_akey_problem(keys_aalg a, uint32_t len);
/* Case-insensitive ASCII compare of a counted token with a literal. */
bool keys_val_eq_ci(const char *s, size_t n, const char *lit);

#endif
