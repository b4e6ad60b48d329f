/* keys_uat: Wireshark's esp_sa UAT file as Wireshark writes it
 * (Preferences > Protocols > ESP > ESP SAs): one CSV line per SA, each
 * field a quoted string with bytes outside printable ASCII, '"' and '\\'
 * as \xNN (epan/uat.c uat_esc); '#' starts a comment line. Every error goes
 * to the diag sink with its line; what parsed is added to out. */
#ifndef IMSEC_RULES_KEYS_UAT_H
#define IMSEC_RULES_KEYS_UAT_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/keys.h"
#include "rules/diag.h"

void keys_uat_load(rules_diag *d, const uint8_t *buf, size_t len, keys_set *out);

#endif
