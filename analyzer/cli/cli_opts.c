#include "cli_opts.h"

#include <string.h>

#include "cli_common.h"

typedef struct {
    const char *name;   /* long name, NULL for a short-only option */
    int has_arg;
    int val;            /* the short letter, or a CLI_OPT_* value */
    unsigned cmds;      /* CLI_CMD_* that take it */
} cli_optdef;

#define ALL (CLI_CMD_ANALYZE | CLI_CMD_REPORT | CLI_CMD_LIVE)

static const cli_optdef shared[] = {
    {NULL, required_argument, 'r', CLI_CMD_ANALYZE | CLI_CMD_REPORT},
    {NULL, required_argument, 'Y', ALL},
    {NULL, required_argument, 'o', ALL},
    {NULL, no_argument, 'q', ALL},
    {NULL, no_argument, 'v', CLI_CMD_ANALYZE | CLI_CMD_LIVE},
    {"rules", required_argument, CLI_OPT_RULES, ALL},
    {"keys", required_argument, CLI_OPT_KEYS, ALL},
    {"show-secrets", no_argument, CLI_OPT_SHOW_SECRETS, ALL},
    {"fail-on", required_argument, CLI_OPT_FAIL_ON, CLI_CMD_ANALYZE | CLI_CMD_REPORT},
    {"format", required_argument, CLI_OPT_FORMAT, CLI_CMD_ANALYZE | CLI_CMD_LIVE},
    {"color", no_argument, CLI_OPT_COLOR, CLI_CMD_ANALYZE | CLI_CMD_LIVE},
};

void cli_shared_init(cli_shared *s)
{
    memset(s, 0, sizeof *s);
    s->fail_on = IMSEC_SEV_HIGH;
    s->format = -1;
}

bool cli_opts_build(unsigned cmd, const struct option *own_long, const char *own_short,
                    struct option lo[CLI_OPTS_MAX_LONG], char so[CLI_OPTS_MAX_SHORT])
{
    size_t nl = 0, ns = 0;
    so[ns++] = '+'; /* stop at the first operand, as POSIX getopt does */
    for (size_t i = 0; i < sizeof shared / sizeof *shared; i++) {
        const cli_optdef *d = &shared[i];
        if (!(d->cmds & cmd))
            continue;
        if (d->name)
            lo[nl++] = (struct option){d->name, d->has_arg, NULL, d->val};
        else {
            so[ns++] = (char)d->val;
            if (d->has_arg == required_argument)
                so[ns++] = ':';
        }
    }
    for (; own_long && own_long->name; own_long++) {
        if (nl + 1 >= CLI_OPTS_MAX_LONG)
            return false;
        lo[nl++] = *own_long;
    }
    size_t n = own_short ? strlen(own_short) : 0;
    if (ns + n + 1 > CLI_OPTS_MAX_SHORT)
        return false;
    memcpy(so + ns, own_short, n);
    so[ns + n] = '\0';
    lo[nl] = (struct option){NULL, 0, NULL, 0};
    return true;
}

static bool push(const char **v, int *n, int cap, const char *arg)
{
    if (*n >= cap)
        return false;
    v[(*n)++] = arg;
    return true;
}

static bool takes(unsigned cmd, int c)
{
    for (size_t i = 0; i < sizeof shared / sizeof *shared; i++)
        if (shared[i].val == c)
            return (shared[i].cmds & cmd) != 0;
    return false;
}

bool cli_opts_apply(unsigned cmd, cli_shared *s, int c, const char *arg, cli_perr *err)
{
    *err = CLI_PE_NONE;
    if (!takes(cmd, c))
        return false;
    switch (c) {
    case 'r':
        if (!push(s->inputs, &s->ninputs, CLI_MAX_INPUTS, arg))
            *err = CLI_PE_MANY_INPUTS;
        break;
    case 'Y':
        if (!push(s->globs, &s->nglobs, CLI_MAX_GLOBS, arg))
            *err = CLI_PE_MANY_GLOBS;
        break;
    case 'o': s->out_path = arg; break;
    case 'q': s->quiet = true; break;
    case 'v': s->verbose = true; break;
    case CLI_OPT_RULES:
        if (!push(s->rules, &s->nrules, CLI_MAX_RULES, arg))
            *err = CLI_PE_MANY_RULES;
        break;
    case CLI_OPT_KEYS:
        if (!push(s->keys, &s->nkeys, CLI_MAX_KEYS, arg))
            *err = CLI_PE_MANY_KEYS;
        break;
    case CLI_OPT_SHOW_SECRETS: s->show_secrets = true; break;
    case CLI_OPT_COLOR: s->color = true; break;
    case CLI_OPT_FAIL_ON:
        if (!imsec_severity_parse(arg, &s->fail_on))
            *err = CLI_PE_SEVERITY;
        break;
    case CLI_OPT_FORMAT:
        if (strcmp(arg, "text") == 0)
            s->format = CLI_TEXT;
        else if (strcmp(arg, "eve") == 0 || strcmp(arg, "json") == 0)
            s->format = CLI_EVE;
        else
            *err = CLI_PE_FORMAT;
        break;
    default: return false;
    }
    return true;
}

cli_perr cli_opts_operands(cli_shared *s, int argc, char **argv)
{
    for (; optind < argc; optind++)
        if (!push(s->inputs, &s->ninputs, CLI_MAX_INPUTS, argv[optind]))
            return CLI_PE_MANY_INPUTS;
    return CLI_PE_NONE;
}
