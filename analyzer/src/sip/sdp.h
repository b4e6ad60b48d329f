/* sdp: zero-copy SDP parser (RFC 8866) for the lines security analysis
 * needs: v o s c t m, and per media c, a=rtcp, a=crypto, a=candidate. */
#ifndef IMSEC_SIP_SDP_H
#define IMSEC_SIP_SDP_H

#include <stdbool.h>
#include <stdint.h>

#include "base/imsec_str.h"
#include "imsec/imsec.h"

#define SDP_MAX_MEDIA 8
#define SDP_MAX_CANDIDATES 8
#define SDP_MAX_CRYPTO 4

typedef struct {
    imsec_str nettype, addrtype, addr; /* "IN" "IP4" "10.0.0.1" (ttl/count stripped) */
    bool present;
} sdp_conn;

typedef struct {
    imsec_str foundation, transport, addr, type;
    uint16_t port;
    uint32_t priority;
} sdp_candidate;

typedef struct {
    uint32_t tag;
    imsec_str suite, key_params; /* key_params holds "inline:..." (secret) */
} sdp_crypto;

typedef struct {
    imsec_str media, proto, fmts;  /* m=<media> <port> <proto> <fmt...> */
    uint16_t port;
    uint16_t nports;               /* from "port/n", 1 if absent */
    sdp_conn conn;                 /* media-level c= */
    uint16_t rtcp_port;            /* a=rtcp:port [IN IP4 addr] */
    bool has_rtcp;
    sdp_conn rtcp_conn;
    imsec_str direction;           /* sendrecv / sendonly / recvonly / inactive, if given */
    sdp_crypto crypto[SDP_MAX_CRYPTO];
    uint8_t ncrypto;
    sdp_candidate cand[SDP_MAX_CANDIDATES];
    uint8_t ncand;
    imsec_str line;                /* the m= line, for evidence */
} sdp_media;

typedef struct {
    imsec_str version;
    imsec_str o_username, o_sess_id, o_sess_version;
    sdp_conn origin;               /* o= address */
    imsec_str session_name;
    sdp_conn conn;                 /* session-level c= */
    sdp_media media[SDP_MAX_MEDIA];
    uint8_t nmedia;
    bool truncated_media;          /* more m= lines than SDP_MAX_MEDIA */
} sdp_desc;

/* Parse an SDP body. Returns IMSEC_OK or IMSEC_E_MALFORMED (no v= line,
 * a line without '=' ...). Lines may end in CRLF or LF. */
IMSEC_NODISCARD int sdp_parse(const char *p, uint32_t len, sdp_desc *d);
/* The effective connection of a media (its own c= or the session's). */
const sdp_conn *sdp_media_conn(const sdp_desc *d, const sdp_media *m);

#endif
