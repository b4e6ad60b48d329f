/* wsp: shared types of the imsec Wireshark plugin (plugin.c registers and
 * feeds libimsec, render.c turns the stored results into tree items).
 *
 * Results are computed once, on the first pass in frame order, copied into
 * wmem file scope and stored per frame (as packet-snort.c does); every pass
 * renders only what was stored, so clicking, filtering and re-dissection
 * show the same thing. Nothing here parses protocol bytes: render.c hands
 * the stored SIP bytes to libimsec (imsec_sip_describe), and the
 * Security-Verify verdict comes with the engine's message record. */
#ifndef IMSEC_WSP_H
#define IMSEC_WSP_H

#include <epan/packet.h>
#include <epan/expert.h>
#include <stdbool.h>
#include <stdint.h>

#include "imsec/imsec.h"

/* One finding, attached to its trigger frame. */
typedef struct wsp_finding {
    const char *rule, *title, *category; /* copies */
    uint32_t sid;
    imsec_severity sev;
    char *reason, *impi, *impu, *call_id, *sa;
    uint32_t nframes;
    guint32 *frames;          /* evidence frames, ascending */
    struct wsp_finding *next;
} wsp_finding;

/* One SIP message the engine saw, attached to the frame that completed it. */
typedef struct wsp_msg {
    uint8_t *data;            /* the SIP bytes; inside ESP the plaintext */
    uint32_t len;
    bool is_request, in_esp;
    uint32_t spi;
    uint16_t status;
    char *method, *call_id, *sa, *impi, *src_role, *dst_role;
    guint32 sa_frame;
    imsec_verify verify;      /* the engine's Security-Verify verdict */
    guint32 server_frame;     /* frame of the Security-Server the Verify was compared with */
    struct wsp_msg *next;
} wsp_msg;

typedef struct {
    wsp_finding *findings, *findings_tail;
    wsp_msg *msgs, *msgs_tail;
} wsp_frame;

/* Header field and expert ids, registered in plugin.c and used by render.c. */
typedef struct {
    int proto;
    gint ett_imsec, ett_finding, ett_msg, ett_sec, ett_auth, ett_aka, ett_ident, ett_hide;
    /* findings */
    int rule, severity, reason, frame, sid, category, title, subj_impi, subj_impu,
        subj_call_id, subj_sa;
    /* message / state */
    int msg, in_esp, spi, sa, sa_frame, reg_impi, call_id, src_role, dst_role, method, status;
    /* security agreement (RFC 3329, TS 33.203 §7.2) */
    int sec, sec_hdr, sec_mech, sec_alg, sec_ealg, sec_prot, sec_mod, sec_spi_c, sec_spi_s,
        sec_port_c, sec_port_s, sec_q, sec_verify_match, sec_verify_server_frame;
    /* Digest / AKA (RFC 3310, TS 24.229 §7.2A.1) */
    int auth, auth_hdr, auth_username, auth_realm, auth_algorithm, auth_auts,
        auth_integrity_protected, auth_ck_present, auth_ik_present, auth_ck, auth_ik,
        aka_rand, aka_autn, aka_sqn_ak, aka_amf, aka_mac, aka_server_data_len;
    /* identities and privacy (RFC 3325, RFC 3323, RFC 7315) */
    /* hiding (TS 24.229 §5.10.4) */
    int hide, hide_hdr, hide_host, hide_tokenized, hide_tokenized_by, hide_home;
    int pai, ppi, impu, privacy, privacy_obliges, rpid, rpid_privacy;
    expert_field ei_crit, ei_high, ei_medium, ei_low, ei_info, ei_malformed;
} wsp_ids;

extern wsp_ids wsp_id;

/* Render everything stored for this frame. tvb is the frame; sip is the
 * SIP dissector (or NULL), called on each decrypted ESP payload. */
void wsp_render(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const wsp_frame *fr,
                dissector_handle_t sip, const imsec_config *cfg, bool show_secrets);

/* Fields for proto_register_field_array / expert_register_field_array. */
void wsp_register_fields(int proto);

#endif
