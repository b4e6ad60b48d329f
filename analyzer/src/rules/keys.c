/* Keys files: the imsec JSON format and Wireshark's esp_sa UAT (see keys.h). */
#include "rules/keys.h"

#include "rules/diag.h"
#include "rules/keys_json.h"
#include "rules/keys_uat.h"

int keys_load_mem(keys_set *k, const char *name, const uint8_t *buf, size_t len, rules_diag *d)
{
    (void)name;
    if (len > (16u << 20)) {
        rules_diag_add(d, NULL, "file too large");
        return IMSEC_E_CONFIG;
    }
    keys_set tmp;
    keys_set_init(&tmp);
    unsigned before = d->count;
    size_t i = 0;
    if (len >= 3 && buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf)
        i = 3; /* UTF-8 byte order mark */
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    if (i < len && buf[i] == '{')
        keys_json_load(d, buf + i, len - i, &tmp);
    else
        keys_uat_load(d, buf + i, len - i, &tmp);
    int rc = d->count > before ? IMSEC_E_CONFIG : keys_set_merge(k, &tmp);
    if (rc == IMSEC_E_NOMEM)
        rules_diag_add(d, NULL, "out of memory");
    else if (rc == IMSEC_E_LIMIT)
        rules_diag_add(d, NULL, "too many keys");
    keys_set_fini(&tmp);
    return rc;
}
