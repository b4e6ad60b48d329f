/* privacy: what a message asks to hide and who sees it (RFC 3323 §4.2
 * Privacy values, RFC 3325 §9.3 "id", Remote-Party-ID privacy levels
 * full/name/uri/off), as views for the PRIV-* and MEDIA-* detectors. */
#ifndef IMSEC_STATE_PRIVACY_H
#define IMSEC_STATE_PRIVACY_H

#include <stdbool.h>
#include <stdint.h>

#include "base/imsec_str.h"
#include "sip/sip_hdr.h"
#include "sip/sip_msg.h"
#include "state/boundary.h"
#include "state/state.h"

/* What user-level privacy hides: Privacy: user -> name and URI; RPID
 * privacy=full -> both, name -> display name, uri -> URI, off -> none. */
void privacy_user_level(const sip_view *v, bool *hide_name, bool *hide_uri);
/* The hop delivers toward the callee side: it leaves the home network /
 * trust domain, or it is delivered to a UE by a node that is not a UE. */
bool privacy_callee_side(const bnd_ctx *b, const st_msg *ev);
/* RFC 3323 §4.1.1.3 anonymous URI (user "anonymous" or host
 * "anonymous.invalid"). */
bool privacy_anonymous_uri(const sip_uri *u);
/* User part of the From first seen in this Call-ID (state's canonical
 * identity); empty if unknown or anonymous. Borrowed from ev->call. */
imsec_str privacy_caller_user(const st_msg *ev);
/* v names user as a whole token (bounded by non-name characters). */
bool privacy_has_user(imsec_str v, imsec_str user);
/* SDP o= user name of the message body, or empty. */
imsec_str privacy_sdp_origin_user(const sip_view *v);
/* Host of the bottom-most Via: the originating UA (RFC 3261 §8.1.1.7). */
imsec_str privacy_bottom_via_host(const sip_view *v);

#endif
