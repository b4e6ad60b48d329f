/* keys_json: the imsec JSON keys file (interface.md "Keys file":
 * {"subscribers":[...], "sas":[...]}). Every error goes to the diag sink
 * with its JSON path; what parsed is added to out. */
#ifndef IMSEC_RULES_KEYS_JSON_H
#define IMSEC_RULES_KEYS_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/keys.h"
#include "rules/diag.h"

void keys_json_load(rules_diag *d, const uint8_t *buf, size_t len, keys_set *out);

#endif
