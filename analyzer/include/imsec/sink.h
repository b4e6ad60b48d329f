/* imsec/sink.h — where an engine's results go.
 *
 * A sink is a const table of callbacks plus its own context, the shape of
 * Suricata's output modules: text, EVE JSON, the HTML report and the
 * evidence pcaps are sinks (imsec/output.h builds them), and a later sink
 * (Redis, NATS, ...) is one more table. Sinks are given to the engine when
 * it is opened and called in that order for every event, so an earlier sink
 * can annotate a finding for the later ones (the evidence sink names the
 * pcap it wrote, the EVE sink prints that name).
 *
 * Everything passed to a callback is borrowed and valid only during the
 * call. The engine never frees a sink: its creator does (imsec_sink_free),
 * after the engine. */
#ifndef IMSEC_SINK_H
#define IMSEC_SINK_H

#include "imsec/imsec.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_object;

/* A dialog, registration, other Call-ID or SA set that left the state. */
typedef enum {
    IMSEC_REC_DIALOG,
    IMSEC_REC_REGISTRATION,
    IMSEC_REC_TXN,
    IMSEC_REC_SA,
} imsec_rec_kind;

typedef struct {
    imsec_rec_kind kind;
    union {
        const imsec_dialog_rec *dialog;
        const imsec_reg_rec *reg;
        const imsec_txn_rec *txn;
        const imsec_sa_rec *sa;
    } u;
} imsec_record;

/* What the sinks add to one finding as it passes through them, zeroed per
 * finding. id is set by the selector (imsec_engine_opts.select), the
 * evidence fields by an evidence sink. */
#define IMSEC_FINDING_ID_LEN 48
#define IMSEC_EVIDENCE_NAME_LEN 96
typedef struct {
    char id[IMSEC_FINDING_ID_LEN];             /* "" when findings carry no id */
    char evidence[IMSEC_EVIDENCE_NAME_LEN];    /* pcap file name, "" if none written */
    const char *evidence_dir;                  /* folder holding it */
    uint32_t evidence_packets;                 /* packets in that file */
    /* For each finding frames[i]: its 1-based packet number in the file, 0
     * if it had already left the evidence ring. */
    uint32_t cited_in_file[IMSEC_MAX_EVIDENCE];
} imsec_finding_note;

/* Context of a stats event: the end of a run, or a periodic record (live). */
typedef struct {
    bool periodic;
    const char *damage;    /* capture damage, one line per damaged file; NULL if none */
    /* Live capture counters, for the one-line periodic text record. */
    uint64_t kernel_dropped, ring_dropped;
    /* EVE: called with the record's "stats" object (a json-c object) so
     * the caller can add members after the engine's own; may be NULL. */
    void (*add_json)(void *ud, struct json_object *stats);
    void *ud;
} imsec_stats_info;

typedef struct {
    const char *name;
    void (*on_frame)(void *ud, const imsec_frame *f);       /* every frame, before the engine */
    void (*on_message)(void *ud, const imsec_msg_rec *m);   /* every SIP message */
    void (*on_finding)(void *ud, const imsec_finding *f, imsec_finding_note *note);
    void (*on_record)(void *ud, const imsec_record *r);
    void (*on_stats)(void *ud, const imsec_stats *st, const imsec_stats_info *info);
    /* End of output: write what was collected and flush. 0, or a negative
     * imsec_rc with err set. */
    int (*finish)(void *ud, char err[IMSEC_ERRBUF]);
    void (*free)(void *ud);
} imsec_sink_ops;

typedef struct {
    const imsec_sink_ops *ops; /* NULL: no sink */
    void *ud;
} imsec_sink;

/* Releases a sink made by one of the imsec_*_sink constructors (s may hold NULL). */
void imsec_sink_free(imsec_sink *s);

#define IMSEC_MAX_SINKS 8

typedef struct {
    const imsec_callbacks *cb;     /* may be NULL */
    /* Which findings reach the sinks (all when NULL); may name the finding
     * in note->id. The callbacks' on_finding still sees every finding. */
    bool (*select)(void *ud, const imsec_finding *f, imsec_finding_note *note);
    void *select_ud;
    const imsec_sink *sinks;       /* borrowed; must outlive the engine */
    size_t nsinks;                 /* at most IMSEC_MAX_SINKS */
    uint64_t seed;                 /* as for imsec_engine_new */
} imsec_engine_opts;

/* imsec_engine_new with sinks. NULL with err set. */
imsec_engine *imsec_engine_open(const imsec_config *cfg, const imsec_engine_opts *o,
                                char err[IMSEC_ERRBUF]);
/* Hands the current stats to every sink (after imsec_engine_finish for the
 * final record; any time for a periodic one). */
void imsec_engine_emit_stats(imsec_engine *e, const imsec_stats_info *info);
/* Calls every sink's finish, in order; the first error is returned. */
IMSEC_NODISCARD int imsec_engine_close_sinks(imsec_engine *e, char err[IMSEC_ERRBUF]);

#ifdef __cplusplus
}
#endif
#endif
