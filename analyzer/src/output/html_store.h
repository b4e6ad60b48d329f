/* html_store: what the HTML report collects while the engine runs.
 *
 * Findings (capped table rows), per-message summaries with a capped copy of
 * each message's text, one flow per Call-ID (found through an
 * open-addressing table keyed by SipHash under the report's seed: Call-IDs
 * are attacker-chosen), and one section per registration, dialog or other
 * Call-ID record. Memory is bounded by the HTML_MAX_* limits of html.h;
 * what a cap drops is counted for the page to say so. Shared by the
 * rendering modules (html_sections, html_ladder), which only read it. */
#ifndef IMSEC_OUTPUT_HTML_STORE_H
#define IMSEC_OUTPUT_HTML_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output/html.h"
#include "output/html_xfer.h"

typedef struct {
    imsec_finding f;           /* rule/title/category pointers replaced below */
    char rule[48], title[160], category[48];
    uint32_t section;          /* 1-based section it links to, 0 none */
} html_fnd;

typedef struct {
    uint64_t frame;
    imsec_ts ts;
    imsec_tuple tuple;
    bool is_request, in_esp;
    uint16_t status;
    uint32_t spi;
    char method[24];
    char sa[48];
    char src_role[12], dst_role[12];
    char *text;                /* capped copy, NULL if over budget */
    uint32_t text_len, orig_len;
    uint32_t flow;             /* index into flows */
    uint32_t next;             /* next message of the same flow, UINT32_MAX none */
} html_msg;

typedef struct {
    char call_id[IMSEC_SUBJ_LEN];
    uint32_t first, last;      /* message indexes, UINT32_MAX none */
    uint32_t nmsgs, dropped;
    uint32_t released;         /* messages let go when the flow ended without a finding */
    bool used;                 /* referenced by a record */
    bool has_finding;          /* a finding cites its Call-ID or one of its frames */
    bool is_released;
} html_flow;

typedef enum { HTML_SEC_REG, HTML_SEC_DIALOG, HTML_SEC_TXN, HTML_SEC_ORPHAN } html_sec_kind;

typedef struct {
    html_sec_kind kind;
    union {                    /* heap copy of the record, freed with the report */
        imsec_dialog_rec *d;
        imsec_reg_rec *g;
        imsec_txn_rec *t;
        void *p;
    } u;
    char state[16];
    uint64_t first_frame;
    uint32_t flows[IMSEC_REC_MAX_CALLIDS];
    uint32_t nflows;
    bool flagged, shown;
    uint32_t id;               /* 1-based section number when shown */
} html_sec;

struct html_report {
    html_opts o;
    uint8_t key[16];
    html_fnd *fnd;
    size_t nfnd, capfnd;
    uint64_t fnd_total;
    uint64_t bysev[IMSEC_SEV_CRITICAL + 1];   /* over all findings, listed or not */
    struct {
        char rule[48];
        imsec_severity sev;
        uint64_t n;
    } rules[128];
    size_t nrules;
    html_msg *msg;
    size_t nmsg, capmsg;
    uint64_t msg_dropped, text_dropped, text_truncated;
    size_t text_used;
    html_flow *flow;
    size_t nflow, capflow;
    uint64_t flow_dropped;
    uint32_t *tab;             /* open addressing: flow index + 1, 0 empty */
    size_t tabcap;
    html_sec *sec;
    size_t nsec, capsec;
    uint64_t rec_dropped;
    uint64_t rec_skipped;      /* records of flows that ended without a finding (flagged mode) */
    uint64_t msg_released;     /* summaries held by released flows, reclaimed on compaction */
    size_t kept_plain;         /* sections without findings kept (all mode) */
    html_xfer *xf;             /* transfer chains (html_xfer.c) */
};


/* (frame, index) pairs for binary search. */
typedef struct {
    uint64_t frame;
    uint32_t idx;
} html_pair;

/* Copies a NUL-terminated string into a fixed field, truncating. */
void html_store_copy(char *dst, size_t cap, const char *src);
/* Flow index of a Call-ID (created when asked and there is room), or UINT32_MAX. */
uint32_t html_store_flow_get(html_report *r, const char *cid, bool create);
/* A new section holding a heap copy of rec (size bytes); NULL when full. */
html_sec *html_store_sec_add(html_report *r, html_sec_kind kind, uint64_t first_frame,
                             const void *rec, size_t size);
/* Messages of a section in capture order (message index order = arrival);
 * caller frees; NULL with *n = 0 when none. */
uint32_t *html_store_sec_msgs(const html_report *r, const html_sec *s, size_t *n);
/* qsort orders: pairs by (frame, idx); sections by (kind, first frame). */
int html_store_pair_cmp(const void *a, const void *b);
int html_store_sec_cmp(const void *a, const void *b);
/* First pair with frame >= f. */
size_t html_store_pair_lower(const html_pair *p, size_t n, uint64_t f);
/* a - b in seconds. */
double html_store_ts_sub(imsec_ts a, imsec_ts b);

#endif
