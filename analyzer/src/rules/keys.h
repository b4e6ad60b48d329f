/* keys: subscriber secrets and explicit ESP SAs from --keys files.
 *
 * Two formats, told apart by content: the imsec JSON keys file
 * (interface.md "Keys file": {"subscribers":[...], "sas":[...]}) and
 * Wireshark's esp_sa UAT file as Wireshark writes it (Preferences >
 * Protocols > ESP > ESP SAs; one CSV line per SA, each field a quoted
 * string). The UAT columns in Wireshark 4.0 (epan/dissectors/packet-ipsec.c,
 * esp_uat_flds) are: protocol ("IPv4"/"IPv6"/"Any"), src IP, dst IP, SPI,
 * encryption algorithm label, encryption key, authentication algorithm
 * label, authentication key, SN length ("32-bit"/"64-bit"), ESN high bits
 * (hex). Older releases write only the first eight; both are accepted.
 * Addresses may be "*" or end in ".*" wildcards, the SPI may be "*". A key
 * starting with 0x is hex, otherwise its ASCII bytes are the key (as
 * Wireshark's compute_ascii_key does).
 *
 * The two formats are parsed by keys_json and keys_uat into the key store
 * (crypto/keys.h), which this header brings along for its users. */
#ifndef IMSEC_RULES_KEYS_H
#define IMSEC_RULES_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/keys.h"
#include "imsec/imsec.h"

/* Error sink shared with the rule loader (rules/diag.h). */
struct rules_diag;

/* Parses one keys file (either format) and merges it into k. On any error
 * nothing is merged; every error goes to d. */
IMSEC_NODISCARD int keys_load_mem(keys_set *k, const char *name, const uint8_t *buf, size_t len,
                                  struct rules_diag *d);

#endif
