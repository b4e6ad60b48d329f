/* Rule/site files: any bytes must load or fail with messages, never crash,
 * leak or leave a half-applied configuration. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imsec/imsec.h"
#include "rules/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[IMSEC_ERRBUF];
    imsec_config *c = imsec_config_new(err);
    if (!c)
        abort(); /* the built-in default must always load */
    char *before = imsec_config_dump_json(c);
    int rc = imsec_config_load_rules_mem(c, "fuzz.json", data, size, err);
    if (strlen(err) >= IMSEC_ERRBUF)
        abort();
    char *after = imsec_config_dump_json(c);
    if (!before || !after)
        abort();
    if (rc != IMSEC_OK) {
        if (err[0] == '\0' || strcmp(before, after) != 0)
            abort(); /* errors are reported and nothing is applied */
    } else {
        /* an accepted file's effective config reloads to itself */
        imsec_config *c2 = imsec_config_new(err);
        if (!c2 || imsec_config_load_rules_mem(c2, "dump", after, strlen(after), err) != IMSEC_OK)
            abort();
        char *again = imsec_config_dump_json(c2);
        if (!again || strcmp(again, after) != 0)
            abort();
        free(again);
        imsec_config_free(c2);
        (void)rules_param_int(c, "SESS-PARALLEL-LIMIT", "max");
        const rules_site *s = rules_config_site(c);
        imsec_addr a = {.family = 4, .a = {10, 1, 0, 1}};
        (void)rules_site_link_protected(s, &a, &a);
        (void)rules_prefix_list_match(s->ue_prefixes.v, s->ue_prefixes.n, &a);
    }
    free(before);
    free(after);
    imsec_config_free(c);
    return 0;
}
