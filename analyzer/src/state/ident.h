/* ident: canonical forms of public identities, so that the same user is one
 * key whatever the header spelled (display names, params, case of host). */
#ifndef IMSEC_STATE_IDENT_H
#define IMSEC_STATE_IDENT_H

#include <stddef.h>

#include "base/imsec_str.h"
#include "sip/sip_hdr.h"

#define IDENT_MAX 160

/* From a parsed URI: "sip:user@host" (host lowercased, no port or params),
 * "tel:+number" (visual separators removed, RFC 3966 §5.1.1). Returns the
 * length written (0 if the URI has no usable identity). */
size_t ident_from_uri(const sip_uri *u, char out[IDENT_MAX]);
/* From a parsed name-addr (the view's list elements); NULL gives 0. */
size_t ident_from_naddr(const sip_naddr *na, char out[IDENT_MAX]);

#endif
