/* KEY-* detectors: authentication, security agreement and key setup
 * (detections.md; facts in ims-security-reference.md §1-§4). */
#include <stdio.h>
#include <string.h>

#include "detect/detect.h"
#include "rules/config.h"

enum {
    /* call_entry latches */
    KEY_LATCH_IMPI_OUTSIDE = 1u << 0,
    KEY_LATCH_UNPROTECTED = 1u << 1,
    KEY_LATCH_CKIK = 1u << 2,
    /* sa_reg latches */
    KEY_LATCH_MISSING_CLIENT = 1u << 0,
    KEY_LATCH_MISSING_SERVER = 1u << 1,
    KEY_LATCH_MISSING_VERIFY = 1u << 2,
    KEY_LATCH_STORM = 1u << 3,
    /* sa_set latches */
    KEY_LATCH_WEAK = 1u << 0,
    KEY_LATCH_DOWNGRADE = 1u << 1,
};

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
    if (ev->call->det_flags & KEY_LATCH_UNPROTECTED)
        return;
    ev->call->det_flags |= KEY_LATCH_UNPROTECTED;
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
    sa_reg *sr = ev->reg->sec;
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
    sa_set *s = &sr->sets[sr->cur];
    if (s->det_flags & KEY_LATCH_DOWNGRADE)
        return;
    s->det_flags |= KEY_LATCH_DOWNGRADE;
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    detect_finding_frame(&f, sr->server.frame);
    detect_finding_frame(&f, sr->client.frame);
    subject_from(ev, &f, sr->impi);
    detect_finding_reason(&f, "%s", why);
    detect_emit(dc, &f);
}

/* ---- KEY-SECAGREE-MISSING ---- */

static void missing_emit(detect_ctx *dc, const detect_rule *r, const st_msg *ev, sa_reg *sr,
                         uint32_t latch, uint64_t extra, const char *why)
{
    if (sr->det_flags & latch)
        return;
    sr->det_flags |= latch;
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
    sa_reg *sr = ev->reg->sec;
    /* Only where the exchange shows IMS AKA (TS 33.203 §6.1 mandates sec-agree with it). */
    if (!ev->msg->is_request && ev->sa.challenge && ev->sa.aka) {
        if (!sr->client.present)
            missing_emit(dc, r, ev, sr, KEY_LATCH_MISSING_CLIENT, ev->reg->first_frame,
                         "IMS AKA registration without Security-Client from the UE");
        if (!ev->sa.server)
            missing_emit(dc, r, ev, sr, KEY_LATCH_MISSING_SERVER, 0,
                         "401 with an AKA challenge reaches the UE without Security-Server");
    }
    if (ev->msg->is_request && (ev->m->flags & NET_F_ESP) && ev->sa.response_present &&
        !ev->sa.verify && sr->aka)
        missing_emit(dc, r, ev, sr, KEY_LATCH_MISSING_VERIFY, sr->challenge_frame,
                     "protected REGISTER answering the AKA challenge lacks Security-Verify");
}

/* ---- KEY-WEAK-ALGORITHM ---- */

static void weak_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    if (!ev->sa.set_created || !ev->reg || !ev->reg->sec)
        return;
    sa_set *s = &ev->reg->sec->sets[ev->reg->sec->cur];
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
    if (!any || (s->det_flags & KEY_LATCH_WEAK))
        return;
    s->det_flags |= KEY_LATCH_WEAK;
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
    if (!ev->sa.ckik || (ev->call->det_flags & KEY_LATCH_CKIK))
        return;
    const imsec_config *cfg = detect_config(dc);
    const char *where;
    if (ev->sa.gm)
        where = "on the UE side: the P-CSCF did not strip them (TS 24.229 §5.2.2.3)";
    else if (!rules_site_link_protected(rules_config_site(cfg), &ev->m->t.src, &ev->m->t.dst))
        where = "on a link the site profile does not mark as protected";
    else
        return;
    ev->call->det_flags |= KEY_LATCH_CKIK;
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

static void response_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    if (ev->msg->is_request || ev->cseq_method != SIP_M_REGISTER || !ev->reg || !ev->reg->sec)
        return;
    sa_reg *sr = ev->reg->sec;
    uint16_t code = ev->msg->status;
    if (!sr->bad_response_frame || code < 200)
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
    sr->bad_response_frame = 0;
    detect_emit(dc, &f);
}

/* ---- KEY-AKA-SYNC-STORM ---- */

static void storm_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    if (!ev->sa.auts || !ev->reg || !ev->reg->sec)
        return;
    sa_reg *sr = ev->reg->sec;
    int64_t max = r->p[0], window = r->p[1];
    unsigned first = 0;
    while (first < sr->nfail && sr->fail_times[first] < ev->m->ts.sec - window)
        first++;
    unsigned n = sr->nfail - first;
    if ((int64_t)n <= max) {
        sr->det_flags &= ~(uint32_t)KEY_LATCH_STORM;
        return;
    }
    if (sr->det_flags & KEY_LATCH_STORM)
        return;
    sr->det_flags |= KEY_LATCH_STORM;
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
    if (ev->call->det_flags & KEY_LATCH_IMPI_OUTSIDE)
        return;
    char user[IMSEC_SUBJ_LEN];
    imsec_str_copy(ev->auth_username, user, sizeof user);
    bool nai = memchr(ev->auth_username.p, '@', ev->auth_username.len) != NULL;
    reg_entry *reg = st_reg_by_impi(detect_state(dc), user);
    if (!nai && !reg)
        return;
    /* Credentials the network asked for (a 401/407 earlier in this Call-ID)
     * are SIP Digest authentication of the request (RFC 3261 §22.2; TS 24.229
     * §5.4.3.2 with SIP Digest), not a leak. IMS AKA never authenticates
     * requests other than REGISTER, so with an AKA registration it still is. */
    bool aka_reg = reg && reg->sec && reg->sec->aka;
    if (ev->call->challenged && !aka_reg)
        return;
    ev->call->det_flags |= KEY_LATCH_IMPI_OUTSIDE;
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
    {.rule = "KEY-UNPROTECTED-AFTER-SA", .needs = DETECT_NEED_IMS, .hooks = DETECT_HOOK_SIP, .on_sip = unprotected_on_sip},
    {.rule = "KEY-SECAGREE-DOWNGRADE", .needs = DETECT_NEED_IMS, .hooks = DETECT_HOOK_SIP, .on_sip = downgrade_on_sip},
    {.rule = "KEY-SECAGREE-MISSING", .needs = DETECT_NEED_IMS, .hooks = DETECT_HOOK_SIP, .on_sip = missing_on_sip},
    {.rule = "KEY-WEAK-ALGORITHM", .needs = DETECT_NEED_IMS, .hooks = DETECT_HOOK_SIP, .on_sip = weak_on_sip},
    {.rule = "KEY-CK-IK-EXPOSED", .needs = DETECT_NEED_IMS, .hooks = DETECT_HOOK_SIP, .on_sip = ckik_on_sip},
    {.rule = "KEY-INTEGRITY-FLAG-SPOOF", .needs = DETECT_NEED_IMS, .hooks = DETECT_HOOK_SIP, .on_sip = intflag_on_sip},
    {.rule = "KEY-REGISTER-UNAUTHENTICATED", .hooks = DETECT_HOOK_SIP, .on_sip = unauth_on_sip},
    {.rule = "KEY-AKA-RAND-REUSE", .needs = DETECT_NEED_IMS, .hooks = DETECT_HOOK_SIP, .on_sip = rand_on_sip},
    {.rule = "KEY-AKA-RESPONSE-INVALID", .needs = DETECT_NEED_IMS, .hooks = DETECT_HOOK_SIP, .on_sip = response_on_sip},
    {.rule = "KEY-AKA-SYNC-STORM", .needs = DETECT_NEED_IMS, .hooks = DETECT_HOOK_SIP, .params = {"max", "window"},
     .on_sip = storm_on_sip},
    {.rule = "KEY-IMPI-OUTSIDE-REGISTER", .needs = DETECT_NEED_IMS, .hooks = DETECT_HOOK_SIP, .on_sip = impi_outside_on_sip},
};
const size_t detect_key_ndefs = sizeof detect_key_defs / sizeof detect_key_defs[0];
