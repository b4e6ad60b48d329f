/* SESS-* detectors: sessions per terminal (detections.md). */
#include <string.h>

#include "detect/detect.h"
#include "rules/config.h"

static void parallel_check(detect_ctx *dc, const detect_rule *r, const st_msg *ev,
                           const term_entry *t)
{
    int64_t max = r->p[0];
    if (!t)
        return;
    if ((int64_t)t->alive <= max) {
        detect_mem_set(r, DETECT_MEM_TERM, &t->det_flags, 0, false); /* episode over: may fire again */
        return;
    }
    if (!ev->session_started || detect_mem_get(r, DETECT_MEM_TERM, &t->det_flags, 0))
        return;
    detect_mem_set(r, DETECT_MEM_TERM, &t->det_flags, 0, true);
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    for (unsigned i = 0; i < t->ntracked; i++)
        detect_finding_frame(&f, t->frames[i]);
    bool is_impi = strncmp(t->key, "sip:", 4) != 0 && strncmp(t->key, "tel:", 4) != 0;
    imsec_str_copy(imsec_str_make(t->key, strlen(t->key)), is_impi ? f.impi : f.impu,
                   IMSEC_SUBJ_LEN);
    imsec_str_copy(ev->call_id, f.call_id, sizeof f.call_id);
    detect_finding_reason(&f, "terminal %s has %u sessions alive at once (limit %lld)", t->key,
                          t->alive, (long long)max);
    detect_emit(dc, &f);
}

static void parallel_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    if (!ev->session_started && !ev->session_ended)
        return;
    parallel_check(dc, r, ev, ev->orig_term);
    parallel_check(dc, r, ev, ev->term_term);
}

/* SESS-UNREGISTERED-IDENTITY: a request from, or toward, a public identity
 * that is not in its subscription's current registration set while another
 * identity of the same IMPI is registered (TS 24.229 §5.2.6.3.1, §5.4.3.2:
 * the P-CSCF/S-CSCF check the served identity; whether an unregistered
 * identity of a registered subscription may originate or terminate is left
 * to operator policy, hence the per-direction "deny"/"allow" parameters). */
static void unreg_one(detect_ctx *dc, const detect_rule *r, const st_msg *ev, const char *dir,
                      const char *id, const char *impi)
{
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    imsec_str_copy(imsec_str_make(id, strlen(id)), f.impu, sizeof f.impu);
    imsec_str_copy(imsec_str_make(impi, strlen(impi)), f.impi, sizeof f.impi);
    imsec_str_copy(ev->call_id, f.call_id, sizeof f.call_id);
    detect_finding_reason(&f, "%s %s %s, not in the registration set of %s while others of it are registered",
                          sip_method_name(ev->msg->method), dir, id, impi);
    detect_emit(dc, &f);
}

static void unreg_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    if (!ev->xf.unreg_orig && !ev->xf.unreg_term)
        return;
    const imsec_config *cfg = detect_config(dc);
    if (ev->xf.unreg_orig && strcmp(rules_param_string(cfg, r->id, "origination"), "allow") != 0)
        unreg_one(dc, r, ev, "originated from", ev->xf.unreg_id, ev->xf.unreg_impi);
    if (ev->xf.unreg_term && strcmp(rules_param_string(cfg, r->id, "termination"), "allow") != 0)
        unreg_one(dc, r, ev, "terminated toward", ev->xf.unreg_term_id, ev->xf.unreg_term_impi);
}

const detect_def detect_sess_defs[] = {
    {.rule = {.id = "SESS-PARALLEL-LIMIT", .sid = 4101,
              .title = "terminal has more sessions alive at once than allowed",
              .category = "ims-session", .sev = IMSEC_SEV_MEDIUM,
              RULES_PARAMS({ .name = "max", .type = RULES_P_INT, .min = 1, .max = 100000,
                       .doc = "sessions one terminal may have alive at once", .def = "4" })},
     .needs = DETECT_NEED_IMS,
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M(SIP_M_BYE),
     .rsp_methods = DETECT_M(SIP_M_INVITE),
     .mem = {{DETECT_MEM_TERM, 1}},
     .on_sip = parallel_on_sip},
    {.rule = {.id = "SESS-UNREGISTERED-IDENTITY", .sid = 4102,
              .title = "request from or to an unregistered identity of a registered subscription",
              .category = "ims-session", .sev = IMSEC_SEV_LOW,
              RULES_PARAMS({ .name = "origination", .type = RULES_P_STRING,
                       .doc = "policy for originating from such an identity: \"deny\" (flag) or \"allow\"",
                       .def = "\"deny\"" },
                     { .name = "termination", .type = RULES_P_STRING,
                       .doc = "policy for terminating toward such an identity: \"deny\" (flag) or \"allow\"",
                       .def = "\"deny\"" })},
     .needs = DETECT_NEED_IMS,
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL & ~(DETECT_M(SIP_M_REGISTER) | DETECT_M(SIP_M_ACK) |
                                     DETECT_M(SIP_M_CANCEL) | DETECT_M(SIP_M_NOTIFY)),
     .rsp_methods = 0,
     .on_sip = unreg_on_sip},
};
const size_t detect_sess_ndefs = sizeof detect_sess_defs / sizeof detect_sess_defs[0];
