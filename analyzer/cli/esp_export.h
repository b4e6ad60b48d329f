/* esp_export: `imsec dialogs --export-esp-sa FILE` — the SAs imsec derived
 * (TS 33.203 §7.1, keys per Annex I) written in Wireshark's esp_sa UAT
 * format, one SA per line, so Wireshark/tshark can decrypt the same ESP:
 *   "IPv4","SRC","DST","0xSPI","AES-CBC [RFC3602]","0xCK_ESP","HMAC-SHA-1-96 [RFC2404]","0xIK_ESP"
 * The file holds secrets; the CLI writes it only with --show-secrets.
 * imsec's own --keys reads the same format back. */
#ifndef IMSEC_CLI_ESP_EXPORT_H
#define IMSEC_CLI_ESP_EXPORT_H

#include <stdio.h>

#include "imsec/imsec.h"

typedef struct {
    FILE *f;
    unsigned long written, skipped; /* SA lines; sets without keys or unknown algorithms */
    int err;
} esp_export;

/* Opens (creates, mode 0600, no symlink following) path. */
IMSEC_NODISCARD int esp_export_open(esp_export *x, const char *path, char err[IMSEC_ERRBUF]);
/* Writes the four SAs of one set (nothing when its keys are unknown). */
void esp_export_add(esp_export *x, const imsec_sa_rec *s);
IMSEC_NODISCARD int esp_export_close(esp_export *x, char err[IMSEC_ERRBUF]);

#endif
