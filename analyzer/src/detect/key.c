/* KEY-* detectors: authentication, security agreement and key setup
 * (detections.md; facts in ims-security-reference.md §1-§4). */
#include <stdio.h>
#include <string.h>

#include "detect/detect.h"
#include "rules/config.h"

/* KEY-SECAGREE-MISSING's three latch bits (its .mem asks for 3 per sa_reg). */
enum { KEY_MISSING_CLIENT = 0, KEY_MISSING_SERVER = 1, KEY_MISSING_VERIFY = 2 };

static void subject_from(const st_msg *ev, imsec_finding *f, const char *impi)
{
    if (impi && impi[0])
        snprintf(f->impi, sizeof f->impi, "%s", impi);
    else if (ev->reg)
        snprintf(f->impi, sizeof f->impi, "%s", ev->reg->impi);
    snprintf(f->impu, sizeof f->impu, "%s", ev->msg->is_request ? ev->from_id : ev->to_id);
    imsec_str_copy(ev->call_id, f->call_id, sizeof f->call_id);
    if (ev->sa.set)
        sa_set_label(ev->sa.set, f->sa, sizeof f->sa);
}

static const char *what(const st_msg *ev, char *buf, size_t cap)
{
    if (ev->msg->is_request)
        snprintf(buf, cap, "%s", sip_method_name(ev->msg->method));
    else
        snprintf(buf, cap, "%u response to %s", ev->msg->status, sip_method_name(ev->cseq_method));
    return buf;
}

/* ---- KEY-UNPROTECTED-AFTER-SA ---- */

static bool is_emergency(const sip_msg *msg)
{
    /* Emergency sessions may go unprotected (TS 24.229 §5.1.6, TS 23.167). */
    return msg->is_request && imsec_str_starts_with_ci(msg->ruri, "urn:service:sos");
}

static void unprotected_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const sa_set *s = ev->sa.set;
    if ((ev->m->flags & NET_F_ESP) || !s || !s->established)
        return;
    /* A REGISTER transaction may always run in clear: initial registration,
     * re-registration after the SAs were lost, or re-authentication after a
     * failure (ims-security-reference.md §2.5; TS 24.229 §5.1.1.4.1). */
    if (ev->cseq_method == SIP_M_REGISTER || is_emergency(ev->msg))
        return;
    if (detect_mem_get(r, DETECT_MEM_CALL, &ev->call->det_flags, 0))
        return;
    detect_mem_set(r, DETECT_MEM_CALL, &ev->call->det_flags, 0, true);
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    detect_finding_frame(&f, s->agreed_frame);
    detect_finding_frame(&f, s->established_frame);
    subject_from(ev, &f, ev->sa.impi);
    char w[48], a[IMSEC_ADDRSTRLEN], b[IMSEC_ADDRSTRLEN];
    detect_finding_reason(&f, "%s from %s:%u to %s:%u outside SA %s agreed in frame %llu", what(ev, w, sizeof w),
                          imsec_addr_str(&ev->m->t.src, a), ev->m->t.sport,
                          imsec_addr_str(&ev->m->t.dst, b), ev->m->t.dport, f.sa,
                          (unsigned long long)s->agreed_frame);
    detect_emit(dc, &f);
}

/* ---- KEY-SECAGREE-DOWNGRADE ---- */

static bool offered(const sa_mechs *client, const sa_mech *m)
{
    for (unsigned i = 0; i < client->n; i++)
        if (strcmp(client->m[i].mech, m->mech) == 0 &&
            (strcmp(m->mech, "ipsec-3gpp") != 0 ||
             (strcmp(client->m[i].alg, m->alg) == 0 &&
              (!m->ealg[0] || !client->m[i].ealg[0] || strcmp(client->m[i].ealg, m->ealg) == 0))))
            return true;
    return false;
}

static void downgrade_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    if (!ev->reg || !ev->reg->sec || !ev->msg->is_request || !ev->sa.gm)
        return;
    const sa_reg *sr = ev->reg->sec;
    char why[160] = "";
    if (ev->sa.verify && sr->server.present) {
        /* RFC 3329 §2.3.1: Security-Verify must copy the server's list. */
        if (!sa_mechs_same(&sr->verify, &sr->server))
            snprintf(why, sizeof why, "Security-Verify does not match the Security-Server of frame %llu",
                     (unsigned long long)sr->server.frame);
    }
    if (!why[0] && ev->sa.verify && sr->client.present) {
        /* Bidding-down: the server chose something the UE never offered. */
        for (unsigned i = 0; i < sr->server.n && !why[0]; i++)
            if (!offered(&sr->client, &sr->server.m[i]))
                snprintf(why, sizeof why, "server mechanism %s alg=%s ealg=%s was not offered by the UE",
                         sr->server.m[i].mech, sr->server.m[i].alg, sr->server.m[i].ealg);
    }
    if (!why[0])
        return;
    const sa_set *s = &sr->sets[sr->cur];
    if (detect_mem_get(r, DETECT_MEM_SA_SET, &s->det_flags, 0))
        return;
    detect_mem_set(r, DETECT_MEM_SA_SET, &s->det_flags, 0, true);
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    detect_finding_frame(&f, sr->server.frame);
    detect_finding_frame(&f, sr->client.frame);
    subject_from(ev, &f, sr->impi);
    detect_finding_reason(&f, "%s", why);
    detect_emit(dc, &f);
}

/* ---- KEY-SECAGREE-MISSING ---- */

static void missing_emit(detect_ctx *dc, const detect_rule *r, const st_msg *ev,
                         const sa_reg *sr, unsigned latch, uint64_t extra, const char *why)
{
    if (detect_mem_get(r, DETECT_MEM_SA_REG, &sr->det_flags, latch))
        return;
    detect_mem_set(r, DETECT_MEM_SA_REG, &sr->det_flags, latch, true);
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    detect_finding_frame(&f, extra);
    subject_from(ev, &f, sr->impi);
    detect_finding_reason(&f, "%s", why);
    detect_emit(dc, &f);
}

static void missing_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    if (!ev->reg || !ev->reg->sec || !ev->sa.gm)
        return;
    const sa_reg *sr = ev->reg->sec;
    /* Only where the exchange shows IMS AKA (TS 33.203 §6.1 mandates sec-agree with it). */
    if (!ev->msg->is_request && ev->sa.challenge && ev->sa.aka) {
        if (!sr->client.present)
            missing_emit(dc, r, ev, sr, KEY_MISSING_CLIENT, ev->reg->first_frame,
                         "IMS AKA registration without Security-Client from the UE");
        if (!ev->sa.server)
            missing_emit(dc, r, ev, sr, KEY_MISSING_SERVER, 0,
                         "401 with an AKA challenge reaches the UE without Security-Server");
    }
    if (ev->msg->is_request && (ev->m->flags & NET_F_ESP) && ev->sa.response_present &&
        !ev->sa.verify && sr->aka)
        missing_emit(dc, r, ev, sr, KEY_MISSING_VERIFY, sr->challenge_frame,
                     "protected REGISTER answering the AKA challenge lacks Security-Verify");
}

/* ---- KEY-WEAK-ALGORITHM ---- */

static void weak_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    if (!ev->sa.set_created || !ev->reg || !ev->reg->sec)
        return;
    const sa_set *s = &ev->reg->sec->sets[ev->reg->sec->cur];
    const imsec_config *cfg = detect_config(dc);
    const char *tokens[2] = {s->alg, s->ealg};
    imsec_severity worst = IMSEC_SEV_INFO;
    char list[96] = "";
    bool any = false;
    for (unsigned i = 0; i < 2; i++) {
        imsec_severity sev;
        if (!rules_param_sevmap(cfg, r->id, "severities", tokens[i], &sev))
            continue;
        size_t n = strlen(list);
        snprintf(list + n, sizeof list - n, "%s%s=%s", any ? ", " : "", i ? "ealg" : "alg", tokens[i]);
        if (!any || sev > worst)
            worst = sev;
        any = true;
    }
    if (!any || detect_mem_get(r, DETECT_MEM_SA_SET, &s->det_flags, 0))
        return;
    detect_mem_set(r, DETECT_MEM_SA_SET, &s->det_flags, 0, true);
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    f.sev = worst;
    subject_from(ev, &f, ev->reg->impi);
    sa_set_label(s, f.sa, sizeof f.sa);
    detect_finding_reason(&f, "SA %s agreed with weak algorithm %s", f.sa, list);
    detect_emit(dc, &f);
}

/* ---- KEY-CK-IK-EXPOSED ---- */

static void ckik_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    if (!ev->sa.ckik || detect_mem_get(r, DETECT_MEM_CALL, &ev->call->det_flags, 0))
        return;
    const imsec_config *cfg = detect_config(dc);
    const char *where;
    if (ev->sa.gm)
        where = "on the UE side: the P-CSCF did not strip them (TS 24.229 §5.2.2.3)";
    else if (!rules_site_link_protected(rules_config_site(cfg), &ev->m->t.src, &ev->m->t.dst))
        where = "on a link the site profile does not mark as protected";
    else
        return;
    detect_mem_set(r, DETECT_MEM_CALL, &ev->call->det_flags, 0, true);
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    subject_from(ev, &f, NULL);
    char red[96];
    rules_redact_hex(cfg, "ck", ev->sa.ck_value.p, ev->sa.ck_value.len, red, sizeof red);
    detect_finding_reason(&f, "401 carries ck/ik (%s) %s", red, where);
    detect_emit(dc, &f);
}

/* ---- KEY-INTEGRITY-FLAG-SPOOF ---- */

static void intflag_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    if (!ev->msg->is_request || ev->msg->method != SIP_M_REGISTER || !ev->sa.integrity_protected)
        return;
    char why[IMSEC_REASON_LEN];
    uint64_t other = 0;
    if (ev->sa.gm) {
        /* Only the P-CSCF inserts integrity-protected (TS 24.229 §5.2.2.3). */
        snprintf(why, sizeof why, "REGISTER from the UE already carries integrity-protected=\"%.*s\"",
                 (int)(ev->sa.integrity_value.len > 32 ? 32 : ev->sa.integrity_value.len),
                 ev->sa.integrity_value.p);
    } else {
        const sa_reg *sr = ev->reg ? ev->reg->sec : NULL;
        if (!sr || !imsec_str_eq_cstr_ci(ev->sa.integrity_value, "yes") ||
            sr->ue_clear_register_cseq != ev->cseq || !sr->ue_clear_register_frame)
            return;
        other = sr->ue_clear_register_frame;
        snprintf(why, sizeof why,
                 "forwarded REGISTER says integrity-protected=\"yes\" but the UE sent it outside any SA (frame %llu)",
                 (unsigned long long)other);
    }
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    detect_finding_frame(&f, other);
    subject_from(ev, &f, NULL);
    detect_finding_reason(&f, "%s", why);
    detect_emit(dc, &f);
}

/* ---- KEY-REGISTER-UNAUTHENTICATED ---- */

static void unauth_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const reg_entry *g = ev->reg;
    /* Only where the capture shows the whole registration: its first
     * message was the UE's REGISTER in clear. A re-registration inside the
     * SAs may legitimately be accepted without a new challenge. */
    if (!ev->reg_first_ok || !g || g->challenged || !g->started_clear)
        return;
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    detect_finding_frame(&f, g->first_frame);
    subject_from(ev, &f, g->impi);
    /* Any SIP, not only IMS: a registrar that binds without challenge lets
     * anyone redirect the identity's calls (RFC 3261 §26.1.1). */
    detect_finding_reason(&f, "200 OK registers %s without any authentication challenge since frame "
                              "%llu: anyone can bind this identity to their own Contact",
                          g->impi, (unsigned long long)g->first_frame);
    detect_emit(dc, &f);
}

/* ---- KEY-AKA-RAND-REUSE ---- */

static void rand_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    if (!ev->sa.rand_first_frame)
        return;
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    detect_finding_frame(&f, ev->sa.rand_first_frame);
    subject_from(ev, &f, NULL);
    const char *impi = ev->reg ? ev->reg->impi : "";
    if (strcmp(ev->sa.rand_first_impi, impi) == 0)
        detect_finding_reason(&f, "RAND challenged again for %s (first in frame %llu)", impi,
                              (unsigned long long)ev->sa.rand_first_frame);
    else
        detect_finding_reason(&f, "RAND challenged to %s was already challenged to %s in frame %llu", impi,
                              ev->sa.rand_first_impi, (unsigned long long)ev->sa.rand_first_frame);
    detect_emit(dc, &f);
}

/* ---- KEY-AKA-RESPONSE-INVALID ---- */

/* One finding per wrong response, at its final outcome: the latch (detector
 * memory, not state) is set when reported and cleared by the next REGISTER
 * whose response fails the check. */
static void response_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    if (!ev->reg || !ev->reg->sec)
        return;
    const sa_reg *sr = ev->reg->sec;
    if (ev->msg->is_request) {
        if (ev->msg->method == SIP_M_REGISTER && ev->sa.response_ok < 0)
            detect_mem_set(r, DETECT_MEM_SA_REG, &sr->det_flags, 0, false);
        return;
    }
    uint16_t code = ev->msg->status;
    if (ev->cseq_method != SIP_M_REGISTER || !sr->bad_response_frame || code < 200 ||
        detect_mem_get(r, DETECT_MEM_SA_REG, &sr->det_flags, 0))
        return;
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    detect_finding_frame(&f, sr->bad_response_frame);
    subject_from(ev, &f, sr->impi);
    if (code < 300) {
        detect_finding_reason(&f, "digest response of frame %llu does not match RES from the subscriber's keys, yet the registration succeeded",
                              (unsigned long long)sr->bad_response_frame);
    } else {
        /* detections.md: a rejected wrong response is informational. */
        f.sev = IMSEC_SEV_INFO;
        detect_finding_reason(&f, "digest response of frame %llu does not match RES; the registration was rejected (%u)",
                              (unsigned long long)sr->bad_response_frame, code);
    }
    detect_mem_set(r, DETECT_MEM_SA_REG, &sr->det_flags, 0, true);
    detect_emit(dc, &f);
}

/* ---- KEY-AKA-SYNC-STORM ---- */

static void storm_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    if (!ev->sa.auts || !ev->reg || !ev->reg->sec)
        return;
    const sa_reg *sr = ev->reg->sec;
    int64_t max = r->p[0], window = r->p[1];
    unsigned first = 0;
    while (first < sr->nfail && sr->fail_times[first] < ev->m->ts.sec - window)
        first++;
    unsigned n = sr->nfail - first;
    if ((int64_t)n <= max) {
        detect_mem_set(r, DETECT_MEM_SA_REG, &sr->det_flags, 0, false);
        return;
    }
    if (detect_mem_get(r, DETECT_MEM_SA_REG, &sr->det_flags, 0))
        return;
    detect_mem_set(r, DETECT_MEM_SA_REG, &sr->det_flags, 0, true);
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    for (unsigned i = first; i < sr->nfail; i++)
        detect_finding_frame(&f, sr->fail_frames[i]);
    subject_from(ev, &f, sr->impi);
    detect_finding_reason(&f, "%u synchronisation failures (auts) for %s within %lld s (limit %lld)", n,
                          sr->impi, (long long)window, (long long)max);
    detect_emit(dc, &f);
}

/* ---- KEY-IMPI-OUTSIDE-REGISTER ---- */

/* A private identity is a NAI, username@realm (TS 23.003 §13.3); it belongs
 * in REGISTER only (TS 24.229 §5.1.1.2.1). A username that is not a NAI is
 * ordinary SIP Digest (RFC 3261 §22) unless a registration used it as IMPI. */
static void impi_outside_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const sip_msg *msg = ev->msg;
    if (!msg->is_request || msg->method == SIP_M_REGISTER || !ev->auth_username.len)
        return;
    if (detect_mem_get(r, DETECT_MEM_CALL, &ev->call->det_flags, 0))
        return;
    char user[IMSEC_SUBJ_LEN];
    imsec_str_copy(ev->auth_username, user, sizeof user);
    bool nai = memchr(ev->auth_username.p, '@', ev->auth_username.len) != NULL;
    const reg_entry *reg = detect_reg_by_impi(dc, user);
    if (!nai && !reg)
        return;
    /* Credentials the network asked for (a 401/407 earlier in this Call-ID)
     * are SIP Digest authentication of the request (RFC 3261 §22.2; TS 24.229
     * §5.4.3.2 with SIP Digest), not a leak. IMS AKA never authenticates
     * requests other than REGISTER, so with an AKA registration it still is. */
    bool aka_reg = reg && reg->sec && reg->sec->aka;
    if (ev->call->challenged && !aka_reg)
        return;
    detect_mem_set(r, DETECT_MEM_CALL, &ev->call->det_flags, 0, true);
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    if (reg)
        detect_finding_frame(&f, reg->first_frame);
    memcpy(f.impi, user, sizeof f.impi);
    imsec_str_copy(imsec_str_make(ev->from_id, strlen(ev->from_id)), f.impu, sizeof f.impu);
    imsec_str_copy(ev->call_id, f.call_id, sizeof f.call_id);
    detect_finding_reason(&f, "private identity %s in the %s of %s%s", user,
                          ev->auth_is_proxy ? "Proxy-Authorization" : "Authorization",
                          sip_method_name(msg->method),
                          reg ? " (registered earlier as IMPI)" : "");
    detect_emit(dc, &f);
}

const detect_def detect_key_defs[] = {
    {.rule = {.id = "KEY-UNPROTECTED-AFTER-SA", .sid = 1001,
              .title = "SIP sent outside the established SAs",
              .category = "ims-key-setup", .sev = IMSEC_SEV_HIGH},
     .needs = DETECT_NEED_IMS,
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = DETECT_M_ALL & ~DETECT_M(SIP_M_REGISTER),
     .mem = {{DETECT_MEM_CALL, 1}},
     .on_sip = unprotected_on_sip},
    {.rule = {.id = "KEY-SECAGREE-DOWNGRADE", .sid = 1002,
              .title = "security agreement bid down or Security-Verify mismatch",
              .category = "ims-key-setup", .sev = IMSEC_SEV_CRITICAL},
     .needs = DETECT_NEED_IMS,
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M(SIP_M_REGISTER),
     .rsp_methods = 0,
     .mem = {{DETECT_MEM_SA_SET, 1}},
     .on_sip = downgrade_on_sip},
    {.rule = {.id = "KEY-SECAGREE-MISSING", .sid = 1003,
              .title = "IMS AKA without the security agreement headers",
              .category = "ims-key-setup", .sev = IMSEC_SEV_MEDIUM},
     .needs = DETECT_NEED_IMS,
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M(SIP_M_REGISTER),
     .rsp_methods = DETECT_M(SIP_M_REGISTER),
     .mem = {{DETECT_MEM_SA_REG, 3}},
     .on_sip = missing_on_sip},
    {.rule = {.id = "KEY-WEAK-ALGORITHM", .sid = 1004,
              .title = "SA agreed with a weak or null algorithm",
              .category = "ims-key-setup", .sev = IMSEC_SEV_MEDIUM,
              RULES_PARAMS({ .name = "severities", .type = RULES_P_SEVMAP,
                       .doc = "severity per weak alg/ealg token (tokens not listed are not weak)",
                       .def = "{\"null\":\"info\",\"hmac-md5-96\":\"medium\",\"des-ede3-cbc\":\"medium\"}" })},
     .needs = DETECT_NEED_IMS,
     .hooks = DETECT_HOOK_SIP,
     .req_methods = 0,
     .rsp_methods = DETECT_M(SIP_M_REGISTER),
     .mem = {{DETECT_MEM_SA_SET, 1}},
     .on_sip = weak_on_sip},
    {.rule = {.id = "KEY-CK-IK-EXPOSED", .sid = 1005,
              .title = "CK/IK carried in clear where they must not be",
              .category = "ims-key-setup", .sev = IMSEC_SEV_CRITICAL},
     .needs = DETECT_NEED_IMS,
     .hooks = DETECT_HOOK_SIP,
     .req_methods = 0,
     .rsp_methods = DETECT_M(SIP_M_REGISTER),
     .mem = {{DETECT_MEM_CALL, 1}},
     .on_sip = ckik_on_sip},
    {.rule = {.id = "KEY-INTEGRITY-FLAG-SPOOF", .sid = 1006,
              .title = "integrity-protected set by the UE or set falsely",
              .category = "ims-key-setup", .sev = IMSEC_SEV_HIGH},
     .needs = DETECT_NEED_IMS,
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M(SIP_M_REGISTER),
     .rsp_methods = 0,
     .on_sip = intflag_on_sip},
    {.rule = {.id = "KEY-REGISTER-UNAUTHENTICATED", .sid = 1007,
              .title = "registration accepted without authentication",
              .category = "ims-key-setup", .sev = IMSEC_SEV_HIGH},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = 0,
     .rsp_methods = DETECT_M(SIP_M_REGISTER),
     .on_sip = unauth_on_sip},
    {.rule = {.id = "KEY-AKA-RAND-REUSE", .sid = 1008,
              .title = "AKA RAND challenged more than once",
              .category = "ims-key-setup", .sev = IMSEC_SEV_HIGH},
     .needs = DETECT_NEED_IMS,
     .hooks = DETECT_HOOK_SIP,
     .req_methods = 0,
     .rsp_methods = DETECT_M(SIP_M_REGISTER),
     .on_sip = rand_on_sip},
    {.rule = {.id = "KEY-AKA-RESPONSE-INVALID", .sid = 1009,
              .title = "AKA digest response does not match RES",
              .category = "ims-key-setup", .sev = IMSEC_SEV_HIGH},
     .needs = DETECT_NEED_IMS,
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M(SIP_M_REGISTER),
     .rsp_methods = DETECT_M(SIP_M_REGISTER),
     .mem = {{DETECT_MEM_SA_REG, 1}},
     .on_sip = response_on_sip},
    {.rule = {.id = "KEY-AKA-SYNC-STORM", .sid = 1010,
              .title = "burst of AKA synchronisation failures",
              .category = "ims-key-setup", .sev = IMSEC_SEV_MEDIUM,
              RULES_PARAMS({ .name = "max", .type = RULES_P_INT, .min = 1, .max = 1000,
                       .doc = "synchronisation failures allowed within the window", .def = "3" },
                     { .name = "window", .type = RULES_P_INT, .min = 1, .max = 86400,
                       .doc = "window in seconds of packet time", .def = "60" })},
     .needs = DETECT_NEED_IMS,
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M(SIP_M_REGISTER),
     .rsp_methods = 0,
     .mem = {{DETECT_MEM_SA_REG, 1}},
     .on_sip = storm_on_sip},
    {.rule = {.id = "KEY-IMPI-OUTSIDE-REGISTER", .sid = 1011,
              .title = "private identity used in a request other than REGISTER",
              .category = "ims-key-setup", .sev = IMSEC_SEV_LOW},
     .needs = DETECT_NEED_IMS,
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL & ~DETECT_M(SIP_M_REGISTER),
     .rsp_methods = 0,
     .mem = {{DETECT_MEM_CALL, 1}},
     .on_sip = impi_outside_on_sip},
};
const size_t detect_key_ndefs = sizeof detect_key_defs / sizeof detect_key_defs[0];
