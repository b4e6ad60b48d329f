/* render.c: turns the results stored per frame into tree items, expert
 * info and, for SIP that travelled inside ESP, a new data source handed to
 * Wireshark's own SIP dissector. Parses nothing itself: the security view
 * of the stored SIP bytes comes from libimsec (imsec_sip_describe).
 *
 * Items carry no byte range (offset 0, length 0): the stored message may be
 * a TCP reassembly or a decrypted ESP payload, not a span of this frame. */
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/exceptions.h>
#include <epan/show_exception.h>
#include <string.h>

#include "imsec/imsec.h"
#include "imsec/sipinfo.h"
#include "wsp.h"

static const char *str_dup(packet_info *pinfo, imsec_str s)
{
    return wmem_strndup(pinfo->pool, s.p ? s.p : "", s.len);
}

static void add_str(proto_tree *t, int hf, tvbuff_t *tvb, packet_info *pinfo, imsec_str s)
{
    if (s.len)
        proto_tree_add_string(t, hf, tvb, 0, 0, str_dup(pinfo, s));
}

static void add_cstr(proto_tree *t, int hf, tvbuff_t *tvb, const char *s)
{
    if (s && s[0])
        proto_tree_add_string(t, hf, tvb, 0, 0, s);
}

static expert_field *sev_expert(imsec_severity s)
{
    switch (s) {
    case IMSEC_SEV_CRITICAL: return &wsp_id.ei_crit;
    case IMSEC_SEV_HIGH: return &wsp_id.ei_high;
    case IMSEC_SEV_MEDIUM: return &wsp_id.ei_medium;
    case IMSEC_SEV_LOW: return &wsp_id.ei_low;
    default: return &wsp_id.ei_info;
    }
}

static void render_finding(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                           const wsp_finding *f)
{
    const char *sev = imsec_severity_str(f->sev);
    proto_item *ti = proto_tree_add_string_format(tree, wsp_id.rule, tvb, 0, 0, f->rule,
                                                  "Finding: %s [%s] %s", f->rule, sev, f->reason);
    proto_tree *ft = proto_item_add_subtree(ti, wsp_id.ett_finding);
    proto_tree_add_string(ft, wsp_id.severity, tvb, 0, 0, sev);
    proto_tree_add_string(ft, wsp_id.reason, tvb, 0, 0, f->reason);
    add_cstr(ft, wsp_id.title, tvb, f->title);
    add_cstr(ft, wsp_id.category, tvb, f->category);
    proto_tree_add_uint(ft, wsp_id.sid, tvb, 0, 0, f->sid);
    for (uint32_t i = 0; i < f->nframes; i++)
        if (f->frames[i])
            proto_tree_add_uint(ft, wsp_id.frame, tvb, 0, 0, f->frames[i]);
    add_cstr(ft, wsp_id.subj_impi, tvb, f->impi);
    add_cstr(ft, wsp_id.subj_impu, tvb, f->impu);
    add_cstr(ft, wsp_id.subj_call_id, tvb, f->call_id);
    add_cstr(ft, wsp_id.subj_sa, tvb, f->sa);
    expert_add_info_format(pinfo, ti, sev_expert(f->sev), "imsec %s: %s", f->rule, f->reason);
    col_append_fstr(pinfo->cinfo, COL_INFO, " [imsec %s]", f->rule);
}

/* One message's items (imsec_sip_describe order) become tree items under
 * t; identities and route entries get a subtree each, opened by their
 * BEGIN markers. Malformed elements become expert info on the message. */
typedef struct {
    tvbuff_t *tvb;
    packet_info *pinfo;
    proto_tree *t, *ident, *hide;
    proto_item *pi;
    bool show_secrets;
} render_ctx;

static void render_secmech(const render_ctx *c, const imsec_sip_item *it)
{
    tvbuff_t *tvb = c->tvb;
    packet_info *pinfo = c->pinfo;
    proto_item *ti = proto_tree_add_string_format(c->t, wsp_id.sec, tvb, 0, 0,
                                                  str_dup(pinfo, it->value), "%s: %s", it->header,
                                                  str_dup(pinfo, it->value));
    proto_tree *t = proto_item_add_subtree(ti, wsp_id.ett_sec);
    proto_tree_add_string(t, wsp_id.sec_hdr, tvb, 0, 0, it->header);
    add_str(t, wsp_id.sec_mech, tvb, pinfo, it->u.sec.mech);
    add_str(t, wsp_id.sec_alg, tvb, pinfo, it->u.sec.alg);
    add_str(t, wsp_id.sec_ealg, tvb, pinfo, it->u.sec.ealg);
    add_str(t, wsp_id.sec_prot, tvb, pinfo, it->u.sec.prot);
    add_str(t, wsp_id.sec_mod, tvb, pinfo, it->u.sec.mod);
    if (it->u.sec.has_spi_c)
        proto_tree_add_uint(t, wsp_id.sec_spi_c, tvb, 0, 0, it->u.sec.spi_c);
    if (it->u.sec.has_spi_s)
        proto_tree_add_uint(t, wsp_id.sec_spi_s, tvb, 0, 0, it->u.sec.spi_s);
    if (it->u.sec.has_port_c)
        proto_tree_add_uint(t, wsp_id.sec_port_c, tvb, 0, 0, it->u.sec.port_c);
    if (it->u.sec.has_port_s)
        proto_tree_add_uint(t, wsp_id.sec_port_s, tvb, 0, 0, it->u.sec.port_s);
    if (it->u.sec.has_q)
        proto_tree_add_double(t, wsp_id.sec_q, tvb, 0, 0, it->u.sec.q / 1000.0);
}

/* Digest / AKA (RFC 2617, RFC 3310, TS 24.229 §7.2A.1, TS 33.203 §6.1) */
static void render_digest(const render_ctx *c, const imsec_sip_item *it)
{
    tvbuff_t *tvb = c->tvb;
    packet_info *pinfo = c->pinfo;
    proto_item *ti = proto_tree_add_string_format(c->t, wsp_id.auth, tvb, 0, 0, it->header,
                                                  "%s: %s", it->header,
                                                  str_dup(pinfo, it->u.auth.scheme));
    proto_tree *t = proto_item_add_subtree(ti, wsp_id.ett_auth);
    proto_tree_add_string(t, wsp_id.auth_hdr, tvb, 0, 0, it->header);
    if (it->u.auth.has_username)
        add_str(t, wsp_id.auth_username, tvb, pinfo, it->u.auth.username);
    add_str(t, wsp_id.auth_realm, tvb, pinfo, it->u.auth.realm);
    add_str(t, wsp_id.auth_algorithm, tvb, pinfo, it->u.auth.algorithm);
    if (it->u.auth.has_auts)
        add_str(t, wsp_id.auth_auts, tvb, pinfo, it->u.auth.auts);
    if (it->u.auth.has_integrity_protected)
        add_str(t, wsp_id.auth_integrity_protected, tvb, pinfo, it->u.auth.integrity_protected);
    proto_tree_add_boolean(t, wsp_id.auth_ck_present, tvb, 0, 0, it->u.auth.has_ck);
    proto_tree_add_boolean(t, wsp_id.auth_ik_present, tvb, 0, 0, it->u.auth.has_ik);
    if (c->show_secrets) {
        if (it->u.auth.has_ck)
            add_str(t, wsp_id.auth_ck, tvb, pinfo, it->u.auth.ck);
        if (it->u.auth.has_ik)
            add_str(t, wsp_id.auth_ik, tvb, pinfo, it->u.auth.ik);
    }
    if (!it->u.auth.aka)
        return; /* not an AKA nonce: nothing to split */
    ti = proto_tree_add_bytes_with_length(t, wsp_id.aka_rand, tvb, 0, 0, it->u.auth.rand,
                                          (gint)sizeof it->u.auth.rand);
    proto_tree *at = proto_item_add_subtree(ti, wsp_id.ett_aka);
    proto_tree_add_bytes_with_length(at, wsp_id.aka_autn, tvb, 0, 0, it->u.auth.autn,
                                     (gint)sizeof it->u.auth.autn);
    proto_tree_add_bytes_with_length(at, wsp_id.aka_sqn_ak, tvb, 0, 0, it->u.auth.sqn_xor_ak,
                                     (gint)sizeof it->u.auth.sqn_xor_ak);
    proto_tree_add_bytes_with_length(at, wsp_id.aka_amf, tvb, 0, 0, it->u.auth.amf,
                                     (gint)sizeof it->u.auth.amf);
    proto_tree_add_bytes_with_length(at, wsp_id.aka_mac, tvb, 0, 0, it->u.auth.mac,
                                     (gint)sizeof it->u.auth.mac);
    proto_tree_add_uint(at, wsp_id.aka_server_data_len, tvb, 0, 0, it->u.auth.server_data_len);
}

/* Hiding (TS 24.229 §5.10.4 topology hiding, §7.2A tokenized-by): each
 * entry tokenized or clear, and whether its host is in the home network of
 * the site profile. */
static void render_hide(const render_ctx *c, const imsec_sip_item *it)
{
    tvbuff_t *tvb = c->tvb;
    packet_info *pinfo = c->pinfo;
    bool tokenized = it->u.hide.tokenized;
    const char *net = it->u.hide.network;
    proto_item *ti = proto_tree_add_string_format(
        c->hide, wsp_id.hide, tvb, 0, 0, str_dup(pinfo, it->value), "%s: %s [%s, %s]", it->header,
        str_dup(pinfo, it->value), tokenized ? "tokenized" : "clear", net);
    proto_tree *t = proto_item_add_subtree(ti, wsp_id.ett_hide);
    proto_tree_add_string(t, wsp_id.hide_hdr, tvb, 0, 0, it->header);
    add_str(t, wsp_id.hide_host, tvb, pinfo, it->u.hide.host);
    proto_tree_add_boolean(t, wsp_id.hide_tokenized, tvb, 0, 0, tokenized);
    if (tokenized)
        add_str(t, wsp_id.hide_tokenized_by, tvb, pinfo, it->u.hide.tokenized_by);
    proto_tree_add_string(t, wsp_id.hide_home, tvb, 0, 0, net);
}

static void render_item(void *ud, const imsec_sip_item *it)
{
    render_ctx *c = ud;
    tvbuff_t *tvb = c->tvb;
    packet_info *pinfo = c->pinfo;
    switch (it->kind) {
    case IMSEC_SIP_SECMECH: render_secmech(c, it); break;
    case IMSEC_SIP_DIGEST: render_digest(c, it); break;
    case IMSEC_SIP_IDENT_BEGIN:
        c->ident = proto_tree_add_subtree(c->t, tvb, 0, 0, wsp_id.ett_ident, NULL,
                                          "Identities and privacy");
        break;
    case IMSEC_SIP_PAI: add_str(c->ident, wsp_id.pai, tvb, pinfo, it->u.ident.uri); break;
    case IMSEC_SIP_PPI: add_str(c->ident, wsp_id.ppi, tvb, pinfo, it->u.ident.uri); break;
    case IMSEC_SIP_PAU: add_str(c->ident, wsp_id.impu, tvb, pinfo, it->u.ident.uri); break;
    case IMSEC_SIP_PRIVACY:
        add_str(c->ident, wsp_id.privacy, tvb, pinfo, it->value);
        proto_tree_add_string(c->ident, wsp_id.privacy_obliges, tvb, 0, 0,
                              wmem_strdup(pinfo->pool, it->u.privacy.obliges));
        break;
    case IMSEC_SIP_RPID:
        add_str(c->ident, wsp_id.rpid, tvb, pinfo, it->u.ident.uri);
        add_cstr(c->ident, wsp_id.rpid_privacy, tvb, it->u.ident.rpid_privacy);
        break;
    case IMSEC_SIP_HIDE_BEGIN:
        c->hide = proto_tree_add_subtree(c->t, tvb, 0, 0, wsp_id.ett_hide, NULL, "Topology hiding");
        break;
    case IMSEC_SIP_HIDE: render_hide(c, it); break;
    case IMSEC_SIP_MALFORMED:
        expert_add_info_format(pinfo, c->pi, &wsp_id.ei_malformed, "imsec: malformed %s: %s",
                               it->header, str_dup(pinfo, it->value));
        break;
    }
}

static void render_msg(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const wsp_msg *w,
                       const imsec_config *cfg, bool show_secrets)
{
    proto_item *ti = proto_tree_add_string_format(
        tree, wsp_id.msg, tvb, 0, 0, w->method, "SIP %s%s%s%s%s%s", w->method,
        w->is_request ? "" : " response ", w->is_request ? "" : wmem_strdup_printf(pinfo->pool, "%u", w->status),
        w->src_role[0] ? wmem_strdup_printf(pinfo->pool, " (%s -> %s)", w->src_role,
                                            w->dst_role[0] ? w->dst_role : "?") : "",
        w->in_esp ? wmem_strdup_printf(pinfo->pool, " inside ESP spi 0x%x", w->spi) : "",
        w->sa[0] ? wmem_strdup_printf(pinfo->pool, " SA %s", w->sa) : "");
    proto_tree *t = proto_item_add_subtree(ti, wsp_id.ett_msg);
    add_cstr(t, wsp_id.method, tvb, w->method);
    if (!w->is_request)
        proto_tree_add_uint(t, wsp_id.status, tvb, 0, 0, w->status);
    add_cstr(t, wsp_id.call_id, tvb, w->call_id);
    add_cstr(t, wsp_id.src_role, tvb, w->src_role);
    add_cstr(t, wsp_id.dst_role, tvb, w->dst_role);
    proto_tree_add_boolean(t, wsp_id.in_esp, tvb, 0, 0, w->in_esp);
    if (w->in_esp)
        proto_tree_add_uint(t, wsp_id.spi, tvb, 0, 0, w->spi);
    add_cstr(t, wsp_id.sa, tvb, w->sa);
    if (w->sa_frame)
        proto_tree_add_uint(t, wsp_id.sa_frame, tvb, 0, 0, w->sa_frame);
    add_cstr(t, wsp_id.reg_impi, tvb, w->impi);

    if (w->verify != IMSEC_VERIFY_NA) {
        proto_item *vi = proto_tree_add_boolean(t, wsp_id.sec_verify_match, tvb, 0, 0,
                                                w->verify == IMSEC_VERIFY_MATCH);
        if (w->verify == IMSEC_VERIFY_NO_SERVER)
            proto_item_append_text(vi, " (no Security-Server seen before)");
        if (w->server_frame)
            proto_tree_add_uint(t, wsp_id.sec_verify_server_frame, tvb, 0, 0, w->server_frame);
    }

    render_ctx c = {.tvb = tvb, .pinfo = pinfo, .t = t, .pi = ti, .show_secrets = show_secrets};
    int rc = imsec_sip_describe(w->data, w->len, cfg, render_item, &c);
    if (rc <= 0)
        expert_add_info_format(pinfo, ti, &wsp_id.ei_malformed,
                               "imsec: SIP message not parseable (%s)", imsec_rc_str(rc));
}

/* Decrypted SIP becomes a data source for Wireshark's SIP dissector, so the
 * packet list and every sip.* filter see it. Wireshark's own ESP SA table
 * (esp_sa_record_add_from_dissector) holds only 16 SAs, too few for IMS. */
static void call_sip(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const wsp_msg *w,
                     dissector_handle_t sip)
{
    tvbuff_t *child = tvb_new_child_real_data(tvb, w->data, w->len, (gint)w->len);
    add_new_data_source(pinfo, child, "imsec: SIP decrypted from ESP");
    TRY {
        call_dissector(sip, child, pinfo, tree);
    }
    CATCH_NONFATAL_ERRORS {
        show_exception(child, pinfo, tree, EXCEPT_CODE, GET_MESSAGE);
    }
    ENDTRY;
}

void wsp_render(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const wsp_frame *fr,
                dissector_handle_t sip, const imsec_config *cfg, bool show_secrets)
{
    /* Computed before we add any SIP layer ourselves: if Wireshark already
     * dissected SIP in this frame (ESP-NULL heuristics, user-entered SAs),
     * don't show it twice. */
    bool had_sip = proto_is_frame_protocol(pinfo->layers, "sip");
    proto_item *ti = proto_tree_add_item(tree, wsp_id.proto, tvb, 0, 0, ENC_NA);
    proto_tree *t = proto_item_add_subtree(ti, wsp_id.ett_imsec);
    for (const wsp_finding *f = fr->findings; f; f = f->next)
        render_finding(tvb, pinfo, t, f);
    /* Without a tree (no filter, no detail wanted) only expert info, the
     * Info column and the decrypted-SIP data source matter. */
    if (tree)
        for (const wsp_msg *w = fr->msgs; w; w = w->next)
            render_msg(tvb, pinfo, t, w, cfg, show_secrets);
    if (!sip || had_sip)
        return;
    for (const wsp_msg *w = fr->msgs; w; w = w->next)
        if (w->in_esp)
            call_sip(tvb, pinfo, tree, w, sip);
}

/* ---- registration ---- */
void wsp_register_fields(int proto)
{
    static hf_register_info hf[] = {
        {&wsp_id.rule, {"Rule", "imsec.rule", FT_STRING, BASE_NONE, NULL, 0, "Stable imsec rule id (detections.md)", HFILL}},
        {&wsp_id.severity, {"Severity", "imsec.severity", FT_STRING, BASE_NONE, NULL, 0, "info, low, medium, high, critical", HFILL}},
        {&wsp_id.reason, {"Reason", "imsec.reason", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.frame, {"Evidence frame", "imsec.frame", FT_FRAMENUM, BASE_NONE, NULL, 0, "Frame cited by the finding", HFILL}},
        {&wsp_id.sid, {"Signature id", "imsec.sid", FT_UINT32, BASE_DEC, NULL, 0, "EVE signature_id", HFILL}},
        {&wsp_id.category, {"Category", "imsec.category", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.title, {"Title", "imsec.title", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.subj_impi, {"Subject IMPI", "imsec.subject.impi", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.subj_impu, {"Subject IMPU", "imsec.subject.impu", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.subj_call_id, {"Subject Call-ID", "imsec.subject.call_id", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.subj_sa, {"Subject SA", "imsec.subject.sa", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},

        {&wsp_id.msg, {"SIP message", "imsec.msg", FT_STRING, BASE_NONE, NULL, 0, "SIP message as libimsec saw it", HFILL}},
        {&wsp_id.method, {"Method", "imsec.method", FT_STRING, BASE_NONE, NULL, 0, "Request method or CSeq method of a response", HFILL}},
        {&wsp_id.status, {"Status", "imsec.status", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&wsp_id.call_id, {"Call-ID", "imsec.call_id", FT_STRING, BASE_NONE, NULL, 0, "Dialog/transaction the message belongs to", HFILL}},
        {&wsp_id.src_role, {"Source role", "imsec.src_role", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.dst_role, {"Destination role", "imsec.dst_role", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.in_esp, {"Inside ESP", "imsec.in_esp", FT_BOOLEAN, BASE_NONE, NULL, 0, "Travelled inside ESP (decrypted or ESP-NULL)", HFILL}},
        {&wsp_id.spi, {"SPI", "imsec.spi", FT_UINT32, BASE_HEX, NULL, 0, NULL, HFILL}},
        {&wsp_id.sa, {"Security association", "imsec.sa", FT_STRING, BASE_NONE, NULL, 0, "SPI pair of the SA the frame travelled in", HFILL}},
        {&wsp_id.sa_frame, {"SA agreed in frame", "imsec.sa_frame", FT_FRAMENUM, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.reg_impi, {"Registration IMPI", "imsec.reg.impi", FT_STRING, BASE_NONE, NULL, 0, "Registration the message belongs to", HFILL}},

        {&wsp_id.sec, {"Security mechanism", "imsec.sec", FT_STRING, BASE_NONE, NULL, 0, "One element of Security-Client/Server/Verify", HFILL}},
        {&wsp_id.sec_hdr, {"Header", "imsec.sec.header", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.sec_mech, {"Mechanism", "imsec.sec.mechanism", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.sec_alg, {"alg", "imsec.sec.alg", FT_STRING, BASE_NONE, NULL, 0, "Integrity algorithm", HFILL}},
        {&wsp_id.sec_ealg, {"ealg", "imsec.sec.ealg", FT_STRING, BASE_NONE, NULL, 0, "Encryption algorithm", HFILL}},
        {&wsp_id.sec_prot, {"prot", "imsec.sec.prot", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.sec_mod, {"mod", "imsec.sec.mod", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.sec_spi_c, {"spi-c", "imsec.sec.spi_c", FT_UINT32, BASE_DEC_HEX, NULL, 0, NULL, HFILL}},
        {&wsp_id.sec_spi_s, {"spi-s", "imsec.sec.spi_s", FT_UINT32, BASE_DEC_HEX, NULL, 0, NULL, HFILL}},
        {&wsp_id.sec_port_c, {"port-c", "imsec.sec.port_c", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&wsp_id.sec_port_s, {"port-s", "imsec.sec.port_s", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&wsp_id.sec_q, {"q", "imsec.sec.q", FT_DOUBLE, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.sec_verify_match, {"Security-Verify matches Security-Server", "imsec.sec.verify_match", FT_BOOLEAN, BASE_NONE, NULL, 0, "RFC 3329 2.3.1: Verify repeats the Server list of the 401", HFILL}},
        {&wsp_id.sec_verify_server_frame, {"Security-Server in frame", "imsec.sec.server_frame", FT_FRAMENUM, BASE_NONE, NULL, 0, NULL, HFILL}},

        {&wsp_id.auth, {"Authentication header", "imsec.auth", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.auth_hdr, {"Header", "imsec.auth.header", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.auth_username, {"Username (IMPI)", "imsec.auth.username", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.auth_realm, {"Realm", "imsec.auth.realm", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.auth_algorithm, {"Algorithm", "imsec.auth.algorithm", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.auth_auts, {"AUTS", "imsec.auth.auts", FT_STRING, BASE_NONE, NULL, 0, "Resynchronisation token (RFC 3310 3.4)", HFILL}},
        {&wsp_id.auth_integrity_protected, {"integrity-protected", "imsec.auth.integrity_protected", FT_STRING, BASE_NONE, NULL, 0, "TS 24.229 7.2A.1", HFILL}},
        {&wsp_id.auth_ck_present, {"CK present", "imsec.auth.ck_present", FT_BOOLEAN, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.auth_ik_present, {"IK present", "imsec.auth.ik_present", FT_BOOLEAN, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.auth_ck, {"CK", "imsec.auth.ck", FT_STRING, BASE_NONE, NULL, 0, "Shown only with imsec.show_secrets", HFILL}},
        {&wsp_id.auth_ik, {"IK", "imsec.auth.ik", FT_STRING, BASE_NONE, NULL, 0, "Shown only with imsec.show_secrets", HFILL}},
        {&wsp_id.aka_rand, {"RAND", "imsec.aka.rand", FT_BYTES, BASE_NONE, NULL, 0, "AKA nonce: RAND (RFC 3310 3.2)", HFILL}},
        {&wsp_id.aka_autn, {"AUTN", "imsec.aka.autn", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.aka_sqn_ak, {"SQN xor AK", "imsec.aka.sqn_xor_ak", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.aka_amf, {"AMF", "imsec.aka.amf", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.aka_mac, {"MAC", "imsec.aka.mac", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.aka_server_data_len, {"Server data length", "imsec.aka.server_data_len", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL}},

        {&wsp_id.hide, {"Route entry", "imsec.hide", FT_STRING, BASE_NONE, NULL, 0, "Via/Record-Route/Path/Service-Route entry", HFILL}},
        {&wsp_id.hide_hdr, {"Header", "imsec.hide.header", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.hide_host, {"Host", "imsec.hide.host", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.hide_tokenized, {"Tokenized", "imsec.hide.tokenized", FT_BOOLEAN, BASE_NONE, NULL, 0, "Entry replaced by a THIG/IBCF token", HFILL}},
        {&wsp_id.hide_tokenized_by, {"tokenized-by", "imsec.hide.tokenized_by", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.hide_home, {"Network", "imsec.hide.network", FT_STRING, BASE_NONE, NULL, 0, "home, foreign (site profile home_domains/internal_prefixes) or unknown (no site profile)", HFILL}},
        {&wsp_id.pai, {"P-Asserted-Identity", "imsec.id.pai", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.ppi, {"P-Preferred-Identity", "imsec.id.ppi", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.impu, {"Associated IMPU", "imsec.id.impu", FT_STRING, BASE_NONE, NULL, 0, "P-Associated-URI entry", HFILL}},
        {&wsp_id.privacy, {"Privacy", "imsec.id.privacy", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.privacy_obliges, {"Privacy obliges", "imsec.id.privacy_obliges", FT_STRING, BASE_NONE, NULL, 0, "RFC 3323 4.2, RFC 3325 9.3", HFILL}},
        {&wsp_id.rpid, {"Remote-Party-ID", "imsec.id.rpid", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&wsp_id.rpid_privacy, {"Remote-Party-ID privacy", "imsec.id.rpid_privacy", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
    };
    static gint *ett[] = {&wsp_id.ett_imsec, &wsp_id.ett_finding, &wsp_id.ett_msg,
                          &wsp_id.ett_sec, &wsp_id.ett_auth, &wsp_id.ett_aka, &wsp_id.ett_ident,
                          &wsp_id.ett_hide};
    static ei_register_info ei[] = {
        {&wsp_id.ei_crit, {"imsec.finding.critical", PI_SECURITY, PI_ERROR, "imsec finding (critical)", EXPFILL}},
        {&wsp_id.ei_high, {"imsec.finding.high", PI_SECURITY, PI_ERROR, "imsec finding (high)", EXPFILL}},
        {&wsp_id.ei_medium, {"imsec.finding.medium", PI_SECURITY, PI_WARN, "imsec finding (medium)", EXPFILL}},
        {&wsp_id.ei_low, {"imsec.finding.low", PI_SECURITY, PI_NOTE, "imsec finding (low)", EXPFILL}},
        {&wsp_id.ei_info, {"imsec.finding.info", PI_SECURITY, PI_CHAT, "imsec finding (info)", EXPFILL}},
        {&wsp_id.ei_malformed, {"imsec.malformed", PI_MALFORMED, PI_ERROR, "imsec: malformed SIP element", EXPFILL}},
    };
    /* hf ids start at -1 and expert fields at EI_INIT, as Wireshark expects. */
    for (size_t i = 0; i < G_N_ELEMENTS(hf); i++)
        *hf[i].p_id = -1;
    for (size_t i = 0; i < G_N_ELEMENTS(ett); i++)
        *ett[i] = -1;
    for (size_t i = 0; i < G_N_ELEMENTS(ei); i++) {
        ei[i].ids->ei = EI_INIT_EI;
        ei[i].ids->hf = EI_INIT_HF;
    }
    proto_register_field_array(proto, hf, (int)G_N_ELEMENTS(hf));
    proto_register_subtree_array(ett, (int)G_N_ELEMENTS(ett));
    expert_module_t *em = expert_register_protocol(proto);
    expert_register_field_array(em, ei, (int)G_N_ELEMENTS(ei));
}
