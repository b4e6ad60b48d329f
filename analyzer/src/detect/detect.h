/* detect: the detector registry (style.md §2.6).
 *
 * Each family file (key.c, sess.c, ...) exports one const table of
 * detect_def. An entry is everything about one rule: its definition
 * (rules_def: id, sid, title, category, default severity, parameter schema
 * with defaults), the hooks and SIP methods it examines, the per-subject
 * memory it needs, and its callbacks. Adding a rule is one entry (plus its
 * block in rules/default.json, which a unit test keeps equal to the table).
 *
 * The rules layer below cannot see these tables, so this layer hands them
 * down: imsec_config_new (defined here) builds the configuration from the
 * registry's rule definitions, and file validation runs against that.
 *
 * At engine start detect_new binds every enabled def to its effective
 * settings and builds one call array per hook and, for SIP, per direction
 * and method, in table order: a message reaches only the detectors that
 * examine its method, and the call order — hence the output — is
 * deterministic. The method of a response is its CSeq method.
 *
 * Detectors read state through const views, parse no bytes, and report
 * through detect_emit. The one thing they write is their memory: latch bits
 * per subject (call, registration, SA set, terminal, transferred session,
 * REFER sender) in the subject's det_flags word, assigned by the registry
 * at start so no two detectors share a bit, and an optional per-engine
 * context. Both are reached only through the accessors below. */
#ifndef IMSEC_DETECT_H
#define IMSEC_DETECT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "imsec/imsec.h"
#include "rules/rule_def.h"
#include "state/state.h"
#include "state/boundary.h"
#include "state/media.h"
#include "state/netctx.h"
#include "detect/attack_state.h"

enum { DETECT_HOOK_SIP = 1u << 0, DETECT_HOOK_END = 1u << 1 };

/* The context a rule needs to mean anything (issue 13). Without it the
 * registry does not call the rule, and the run summary lists it as idle
 * with the reason and the site-profile line that supplies the context:
 *   DETECT_NEED_IMS       an IMS network (state/netctx: evidence or site.network);
 *   DETECT_NEED_BOUNDARY  a known home-network boundary (site profile, or
 *                         inferred from registrar/proxy roles: state/boundary).
 * Rules with no needs apply to any SIP. */
enum { DETECT_NEED_IMS = 1u << 0, DETECT_NEED_BOUNDARY = 1u << 1 };

/* SIP method sets, one bit per sip_method (SIP_M_OTHER included). */
#define DETECT_M(m) (1u << (m))
#define DETECT_M_ALL ((1u << SIP_M__COUNT) - 1u)

/* Subjects that carry detector memory: the det_flags word of ... */
typedef enum {
    DETECT_MEM_CALL = 0,     /* call_entry: per Call-ID */
    DETECT_MEM_SA_REG,       /* sa_reg: per registration's security state */
    DETECT_MEM_SA_SET,       /* sa_set: per SA pair */
    DETECT_MEM_TERM,         /* term_entry: per terminal */
    DETECT_MEM_XF_SESS,      /* xf_sess: per transferred session */
    DETECT_MEM_XF_SENDER,    /* xf_sender: per REFER-sending identity */
    DETECT_MEM__COUNT
} detect_mem_kind;

#define DETECT_MEM_WORD_BITS 32  /* det_flags is a uint32_t in every subject */
#define DETECT_MAX_MEM 2
#define DETECT_MAX_PARAMS 8

typedef struct {
    detect_mem_kind kind;
    uint8_t bits;            /* 0: unused entry */
} detect_mem_req;

typedef struct detect_ctx detect_ctx;
typedef struct detect_rule detect_rule;

typedef struct {
    rules_def rule;                          /* the rule's one definition */
    uint32_t hooks;
    uint32_t needs;                          /* DETECT_NEED_*: context the rule requires */
    uint32_t req_methods, rsp_methods;       /* DETECT_HOOK_SIP: requests of / responses to */
    detect_mem_req mem[DETECT_MAX_MEM];      /* latch bits wanted per subject */
    void *(*ctx_new)(void);                  /* optional per-engine memory */
    void (*ctx_free)(void *ctx);
    void (*on_sip)(detect_ctx *dc, const detect_rule *r, const st_msg *ev);
    void (*on_end)(detect_ctx *dc, const detect_rule *r);
} detect_def;

struct detect_rule {
    const detect_def *def;
    const char *id, *title, *category;
    uint32_t sid;
    imsec_severity sev;
    int64_t p[DETECT_MAX_PARAMS];            /* int parameters, by schema index (others 0) */
    uint8_t mem_off[DETECT_MEM__COUNT], mem_bits[DETECT_MEM__COUNT];
    void *ctx;                               /* from def->ctx_new */
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

/* A registry: family tables in call order. detect.c holds the real one;
 * tests build their own. */
typedef struct {
    const detect_def *defs;
    const size_t *ndefs;
} detect_family;

/* A configuration for the rules of fams (rules_config_new with their defs). */
imsec_config *detect_config_new(const detect_family *fams, size_t nfam, char *err, size_t cap);

/* Finding sink, provided by the engine. */
typedef void (*detect_emit_fn)(void *ud, const imsec_finding *f);

/* Builds the call arrays and assigns memory for the real registry; cfg
 * must come from imsec_config_new. err names the detector at fault (not in
 * cfg's rule table, no method declared, memory words full). */
detect_ctx *detect_new(const imsec_config *cfg, st_state *st, imsec_stats *stats,
                       detect_emit_fn emit, void *ud, char err[IMSEC_ERRBUF]);
/* The same for another registry (tests); cfg from detect_config_new(fams). */
detect_ctx *detect_new_families(const detect_family *fams, size_t nfam, const imsec_config *cfg,
                                st_state *st, imsec_stats *stats, detect_emit_fn emit, void *ud,
                                char err[IMSEC_ERRBUF]);
void detect_free(detect_ctx *dc);
void detect_on_sip(detect_ctx *dc, const st_msg *ev);
void detect_on_end(detect_ctx *dc);
/* Read-only access to state and configuration for detectors. */
const st_state *detect_state(const detect_ctx *dc);
/* st_reg_by_impi, as a const view. */
const reg_entry *detect_reg_by_impi(detect_ctx *dc, const char *impi);
const imsec_config *detect_config(const detect_ctx *dc);
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
/* Per-source memory of the SIP-* attack family (detect/attack_state). */
atk_state *detect_attack_state(detect_ctx *dc);

/* Detector memory. word is the det_flags of a subject of kind k (e.g.
 * &ev->call->det_flags); bit counts within the bits r asked for. The state
 * entry is const to detectors; its det_flags word is not state's (state
 * never reads it) but memory the registry lends, kept in the entry so it
 * lives and is evicted with its subject. A bit r did not ask for reads
 * false and is never written. */
bool detect_mem_get(const detect_rule *r, detect_mem_kind k, const uint32_t *word, unsigned bit);
void detect_mem_set(const detect_rule *r, detect_mem_kind k, const uint32_t *word, unsigned bit,
                    bool on);
/* r's per-engine memory (def->ctx_new), NULL if it has none. */
void *detect_rule_ctx(const detect_rule *r);

/* Start a finding for rule r triggered by the frame in m (may be NULL at end
 * of input): rule, severity, time, tuple and trigger frame are filled. */
void detect_finding_init(const detect_rule *r, const net_meta *m, imsec_finding *f);
/* Adds an evidence frame (kept sorted and unique, capped). */
void detect_finding_frame(imsec_finding *f, uint64_t frame);
void detect_finding_reason(imsec_finding *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void detect_emit(detect_ctx *dc, imsec_finding *f);

#endif
