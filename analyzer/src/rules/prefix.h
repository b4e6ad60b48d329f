/* rules_prefix: IP prefixes from rule, site and keys files. */
#ifndef IMSEC_RULES_PREFIX_H
#define IMSEC_RULES_PREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imsec/imsec.h"

/* addr with the bits past len cleared. family 0 (len 0) matches any
 * address; len 0 with a family matches every address of that family. */
typedef struct {
    imsec_addr addr;
    uint8_t len;
} rules_prefix;

#define RULES_PREFIXSTRLEN (IMSEC_ADDRSTRLEN + 4)

/* "10.0.0.0/8", "2001:db8::/32", or a bare address (full length). Host bits
 * past len are cleared. No spaces, no leading zeros in the length. */
bool rules_prefix_parse(const char *s, size_t n, rules_prefix *out);
bool rules_prefix_match(const rules_prefix *p, const imsec_addr *a);
bool rules_prefix_list_match(const rules_prefix *list, size_t n, const imsec_addr *a);
/* "10.0.0.0/8", "10.0.0.1" for a full-length prefix, "*" for any. Returns buf. */
const char *rules_prefix_str(const rules_prefix *p, char buf[RULES_PREFIXSTRLEN]);

#endif
