#include "state/ident.h"

static size_t put(char *out, size_t n, const char *p, size_t len, bool lower)
{
    for (size_t i = 0; i < len && n < IDENT_MAX - 1; i++) {
        unsigned char c = (unsigned char)p[i];
        out[n++] = (char)(lower ? imsec_ascii_lower(c) : c);
    }
    out[n] = '\0';
    return n;
}

size_t ident_from_uri(const sip_uri *u, char out[IDENT_MAX])
{
    size_t n = 0;
    out[0] = '\0';
    if (u->scheme == SIP_URI_TEL) {
        n = put(out, 0, "tel:", 4, false);
        /* Visual separators carry no meaning in a tel number (RFC 3966 §5.1.1). */
        for (uint32_t i = 0; i < u->user.len && n < IDENT_MAX - 1; i++) {
            char c = u->user.p[i];
            if (c != '-' && c != '.' && c != '(' && c != ')')
                out[n++] = c;
        }
        out[n] = '\0';
        return n;
    }
    if (u->scheme != SIP_URI_SIP && u->scheme != SIP_URI_SIPS)
        return 0;
    /* sips and sip name the same identity for session accounting. */
    n = put(out, 0, "sip:", 4, false);
    if (u->user.len) {
        n = put(out, n, u->user.p, u->user.len, false);
        n = put(out, n, "@", 1, false);
    }
    return put(out, n, u->host.p, u->host.len, true);
}

size_t ident_from_naddr(const sip_naddr *na, char out[IDENT_MAX])
{
    out[0] = '\0';
    return na ? ident_from_uri(&na->uri, out) : 0;
}
