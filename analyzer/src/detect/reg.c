/* REG-* detectors: registration routing (detections.md). */
#include <string.h>

#include "detect/detect.h"

/* REG-REREG-WRONG-SCSCF: the S-CSCF assigned at the initial registration
 * keeps serving the UE until de-registration (TS 24.229 §5.4.1.2; TS 23.228
 * §5.3.2.1: the I-CSCF re-selects only when the HSS names no S-CSCF). A
 * re-registration answered by another S-CSCF (its Service-Route names a
 * different one) means the route bypassed the serving S-CSCF. */
static void rereg_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    if (!ev->xf.rereg || strcmp(ev->xf.serving, ev->xf.answering) == 0)
        return;
    const xf_reg *g = ev->xf.xreg;
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    if (g) {
        for (unsigned i = 0; i < g->nev; i++)
            if (g->ev[i].scscf[0] && strcmp(g->ev[i].scscf, ev->xf.serving) == 0) {
                detect_finding_frame(&f, g->ev[i].frame);
                break;
            }
        imsec_str_copy(imsec_str_make(g->impi, strlen(g->impi)), f.impi, sizeof f.impi);
    }
    imsec_str_copy(ev->call_id, f.call_id, sizeof f.call_id);
    detect_finding_reason(&f, "re-registration answered by S-CSCF %s, but %s serves this registration (REGISTER routed via %s)",
                          ev->xf.answering, ev->xf.serving,
                          ev->xf.rereg_route[0] ? ev->xf.rereg_route : "?");
    detect_emit(dc, &f);
}

const detect_def detect_reg_defs[] = {
    {.rule = {.id = "REG-REREG-WRONG-SCSCF", .sid = 4201,
              .title = "re-registration answered by another S-CSCF than the serving one",
              .category = "ims-registration", .sev = IMSEC_SEV_MEDIUM},
     .needs = DETECT_NEED_IMS,
     .hooks = DETECT_HOOK_SIP,
     .req_methods = 0,
     .rsp_methods = DETECT_M(SIP_M_REGISTER),
     .on_sip = rereg_on_sip},
};
const size_t detect_reg_ndefs = sizeof detect_reg_defs / sizeof detect_reg_defs[0];
