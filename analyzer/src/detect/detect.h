/* detect: the detector registry (style.md §2.6).
 *
 * Each family file (key.c, sess.c, ...) exports one const table of
 * detect_def. At engine start the registry binds every def to its rule's
 * effective settings (enabled, severity, parameters) and builds one array
 * per hook, in table order, so no packet walks disabled detectors and the
 * call order — hence the output — is deterministic. Detectors read state
 * through const views, parse no bytes, and report through detect_emit. */
#ifndef IMSEC_DETECT_H
#define IMSEC_DETECT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "imsec/imsec.h"
#include "state/state.h"
#include "state/boundary.h"
#include "state/media.h"
#include "state/netctx.h"
#include "detect/attack_state.h"
#include "detect/hide_state.h"

enum { DETECT_HOOK_SIP = 1u << 0, DETECT_HOOK_END = 1u << 1 };

/* The context a rule needs to mean anything (issue 13). Without it the
 * registry does not call the rule, and the run summary lists it as idle
 * with the reason and the site-profile line that supplies the context:
 *   DETECT_NEED_IMS       an IMS network (state/netctx: evidence or site.network);
 *   DETECT_NEED_BOUNDARY  a known home-network boundary (site profile, or
 *                         inferred from registrar/proxy roles: state/boundary).
 * Rules with no needs apply to any SIP. */
enum { DETECT_NEED_IMS = 1u << 0, DETECT_NEED_BOUNDARY = 1u << 1 };

#define DETECT_MAX_PARAMS 4

typedef struct detect_ctx detect_ctx;
typedef struct detect_rule detect_rule;

typedef struct {
    const char *rule;                         /* id in rules/catalog */
    uint32_t hooks;
    uint32_t needs;                           /* DETECT_NEED_*: context the rule requires */
    const char *params[DETECT_MAX_PARAMS];    /* int parameters read at start, by name */
    void (*on_sip)(detect_ctx *dc, const detect_rule *r, const st_msg *ev);
    void (*on_end)(detect_ctx *dc, const detect_rule *r);
} detect_def;

struct detect_rule {
    const detect_def *def;
    const char *id, *title, *category;
    uint32_t sid;
    imsec_severity sev;
    int64_t p[DETECT_MAX_PARAMS];             /* values of def->params */
    bool ran;                                 /* its context held for at least one call */
};

/* Family tables. */
extern const detect_def detect_key_defs[];
extern const size_t detect_key_ndefs;
extern const detect_def detect_sess_defs[];
extern const size_t detect_sess_ndefs;
extern const detect_def detect_xfer_defs[];
extern const size_t detect_xfer_ndefs;
extern const detect_def detect_reg_defs[];
extern const size_t detect_reg_ndefs;
extern const detect_def detect_hide_defs[];
extern const size_t detect_hide_ndefs;
extern const detect_def detect_priv_defs[];
extern const size_t detect_priv_ndefs;
extern const detect_def detect_media_defs[];
extern const size_t detect_media_ndefs;
extern const detect_def detect_sipwire_defs[];
extern const size_t detect_sipwire_ndefs;
extern const detect_def detect_attack_defs[];
extern const size_t detect_attack_ndefs;

/* Finding sink, provided by the engine. */
typedef void (*detect_emit_fn)(void *ud, const imsec_finding *f);

/* Builds the hook arrays; err names a rule whose def and catalogue disagree. */
detect_ctx *detect_new(const imsec_config *cfg, st_state *st, imsec_stats *stats,
                       detect_emit_fn emit, void *ud, char err[IMSEC_ERRBUF]);
void detect_free(detect_ctx *dc);
void detect_on_sip(detect_ctx *dc, const st_msg *ev);
void detect_on_end(detect_ctx *dc);
/* Read-only access to state and configuration for detectors. */
st_state *detect_state(detect_ctx *dc);
const imsec_config *detect_config(detect_ctx *dc);
/* The home network boundary (state/boundary), set by the engine; NULL-safe. */
void detect_set_boundary(detect_ctx *dc, const bnd_ctx *b);
const bnd_ctx *detect_boundary(detect_ctx *dc);
/* Media flows matched to SDP endpoints (state/media), set by the engine. */
void detect_set_media(detect_ctx *dc, const media_tbl *mt);
const media_tbl *detect_media(detect_ctx *dc);
/* The network context (state/netctx), set by the engine. */
void detect_set_netctx(detect_ctx *dc, const netctx *nc);
/* At end of input: the enabled rules whose context never held, in
 * registry order, into stats->idle (capped, overflow counted). */
void detect_report_idle(detect_ctx *dc, imsec_stats *stats);
/* Cross-message memory of the HIDE-* family (detect/hide_state). */
hide_state *detect_hide_state(detect_ctx *dc);
/* Per-source memory of the SIP-* attack family (detect/attack_state). */
atk_state *detect_attack_state(detect_ctx *dc);

/* Start a finding for rule r triggered by the frame in m (may be NULL at end
 * of input): rule, severity, time, tuple and trigger frame are filled. */
void detect_finding_init(const detect_rule *r, const net_meta *m, imsec_finding *f);
/* Adds an evidence frame (kept sorted and unique, capped). */
void detect_finding_frame(imsec_finding *f, uint64_t frame);
void detect_finding_reason(imsec_finding *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void detect_emit(detect_ctx *dc, imsec_finding *f);

#endif
