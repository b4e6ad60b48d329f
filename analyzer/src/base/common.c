/* Small shared pieces of the public API: names for codes, addresses. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "imsec/imsec.h"

const char *imsec_rc_str(int rc)
{
    switch (rc) {
    case IMSEC_OK: return "ok";
    case IMSEC_E_TRUNC: return "truncated";
    case IMSEC_E_MALFORMED: return "malformed";
    case IMSEC_E_LIMIT: return "limit reached";
    case IMSEC_E_NOMEM: return "out of memory";
    case IMSEC_E_IO: return "I/O error";
    case IMSEC_E_CONFIG: return "configuration error";
    case IMSEC_E_INCOMPLETE: return "incomplete";
    default: return rc > 0 ? "ok" : "unknown error";
    }
}

static const char *const sev_names[] = {"info", "low", "medium", "high", "critical"};

const char *imsec_severity_str(imsec_severity s)
{
    return (unsigned)s < sizeof sev_names / sizeof *sev_names ? sev_names[s] : "unknown";
}

bool imsec_severity_parse(const char *s, imsec_severity *out)
{
    for (unsigned i = 0; i < sizeof sev_names / sizeof *sev_names; i++)
        if (strcmp(s, sev_names[i]) == 0) {
            *out = (imsec_severity)i;
            return true;
        }
    return false;
}

const char *imsec_addr_str(const imsec_addr *a, char buf[IMSEC_ADDRSTRLEN])
{
    if (!a || (a->family != 4 && a->family != 6) ||
        !inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->a, buf, IMSEC_ADDRSTRLEN))
        snprintf(buf, IMSEC_ADDRSTRLEN, "?");
    return buf;
}

bool imsec_addr_parse(const char *s, size_t len, imsec_addr *out)
{
    char tmp[IMSEC_ADDRSTRLEN];
    if (len == 0 || len >= sizeof tmp)
        return false;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, tmp, out->a) == 1) {
        out->family = 4;
        return true;
    }
    if (inet_pton(AF_INET6, tmp, out->a) == 1) {
        out->family = 6;
        return true;
    }
    return false;
}

bool imsec_addr_eq(const imsec_addr *x, const imsec_addr *y)
{
    if (x->family != y->family)
        return false;
    return memcmp(x->a, y->a, x->family == 4 ? 4 : 16) == 0;
}

const char *imsec_version(void) { return IMSEC_VERSION; }
