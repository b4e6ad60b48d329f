#include "cli_common.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

int cli_load_config(const char *const *rules, int nrules, const char *const *keys, int nkeys,
                    bool show_secrets, imsec_config **out)
{
    char err[IMSEC_ERRBUF] = "";
    imsec_config *cfg = imsec_config_new(err);
    if (!cfg) {
        fprintf(stderr, "imsec: built-in rules: %s\n", err);
        return CLI_EXIT_USAGE;
    }
    for (int i = 0; i < nrules; i++)
        if (imsec_config_load_rules(cfg, rules[i], err) != IMSEC_OK)
            goto fail;
    for (int i = 0; i < nkeys; i++)
        if (imsec_config_load_keys(cfg, keys[i], err) != IMSEC_OK)
            goto fail;
    imsec_config_set_show_secrets(cfg, show_secrets);
    *out = cfg;
    return CLI_EXIT_CLEAN;
fail:
    fprintf(stderr, "imsec: %s\n", err);
    imsec_config_free(cfg);
    return CLI_EXIT_USAGE;
}

/* Hash keys only need to be unknown to whoever sent the traffic; records are
 * ordered by frame and eviction by recency, so output never depends on it. */
uint64_t cli_seed(void)
{
    return (uint64_t)0x696d7365632d3031u ^ (uint64_t)(uint32_t)getpid() ^
           (uint64_t)(uint32_t)time(NULL) << 32;
}
