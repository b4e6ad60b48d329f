/* Keys files (JSON or Wireshark esp_sa UAT): any bytes must load or fail
 * with messages; nothing is merged on failure. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imsec/imsec.h"
#include "rules/config.h"
#include "rules/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[IMSEC_ERRBUF];
    imsec_config *c = imsec_config_new(err);
    if (!c)
        abort();
    int rc = imsec_config_load_keys_mem(c, "fuzz.keys", data, size, err);
    if (strlen(err) >= IMSEC_ERRBUF)
        abort();
    const keys_set *k = rules_config_keys(c);
    if (rc != IMSEC_OK && (err[0] == '\0' || k->nsubs || k->nsas))
        abort();
    for (size_t i = 0; i < k->nsas; i++) {
        const keys_sa *s = &k->sas[i];
        if (s->ekey_len > KEYS_MAX_EKEY || s->akey_len > KEYS_MAX_AKEY ||
            (unsigned)s->ealg >= KEYS_EALG__COUNT || (unsigned)s->aalg >= KEYS_AALG__COUNT)
            abort();
        imsec_addr a = s->src.addr, b = s->dst.addr;
        if (!s->spi_any && !keys_find_sa(k, s->spi, &a, &b))
            abort();
    }
    for (size_t i = 0; i < k->nsubs; i++)
        if (keys_find_subscriber(k, k->subs[i].impi, strlen(k->subs[i].impi)) != &k->subs[i])
            abort();
    /* load the same bytes again: replaces, never grows */
    size_t nsubs = k->nsubs, nsas = k->nsas;
    if (rc == IMSEC_OK && (imsec_config_load_keys_mem(c, "again", data, size, err) != IMSEC_OK ||
                           k->nsubs != nsubs || k->nsas != nsas))
        abort();
    imsec_config_free(c);
    return 0;
}
