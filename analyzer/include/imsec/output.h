/* imsec/output.h — the built-in sinks (imsec/sink.h) and the byte writer
 * they write through.
 *
 * Sinks never open files or touch stdout themselves: each writes through an
 * imsec_writer its creator sets up, so the CLI decides where bytes go (a
 * file, a rotating file, stdout) and the tests capture them in memory.
 * Output is deterministic: same capture, same bytes. */
#ifndef IMSEC_OUTPUT_H
#define IMSEC_OUTPUT_H

#include <stdio.h>

#include "imsec/imsec.h"
#include "imsec/sink.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct imsec_writer {
    /* Writes n bytes; returns 0 or a negative imsec_rc. */
    int (*write)(void *ud, const char *p, size_t n);
    void *ud;
    int err; /* first error, sticky: later writes are dropped */
} imsec_writer;

/* A writer over a stdio stream (never closed by the writer). */
void imsec_writer_file(imsec_writer *w, FILE *f);

/* Escapes bytes for a terminal or a log line: printable ASCII stays, '\\'
 * doubles, everything else becomes \xNN; truncates with "..." to fit cap;
 * always NUL-terminates. Returns dst. */
char *imsec_escape(const char *s, size_t n, char *dst, size_t cap);

/* ---- text (people) ---- */
typedef struct {
    bool color;      /* ANSI colour on severities */
    bool findings;   /* one block per finding (`analyze`, `live`) */
    bool table;      /* the `dialogs` table from the records, written at the end */
    bool summary;    /* the run summary from the final stats */
} imsec_text_opts;
/* w is borrowed and must outlive the sink. IMSEC_OK or IMSEC_E_NOMEM. */
IMSEC_NODISCARD int imsec_text_sink(const imsec_text_opts *o, imsec_writer *w, imsec_sink *out);

/* ---- EVE JSON lines (machines) ---- */
typedef struct {
    bool findings;   /* alert records */
    /* dialog/registration/txn/SA records, held and written at the end
     * ordered by first frame, so the order does not depend on eviction */
    bool records;
} imsec_eve_opts;
IMSEC_NODISCARD int imsec_eve_sink(const imsec_eve_opts *o, imsec_writer *w, imsec_sink *out);

/* ---- HTML forensic report ---- */
typedef struct {
    const char *title;     /* page title; NULL = "imsec forensic report" */
    const char *inputs;    /* input names as shown in the header, may be NULL */
    bool show_secrets;     /* message text unredacted */
    bool all_sections;     /* every dialog/registration, not only those with findings */
    uint32_t max_sections; /* 0 = default (300) */
    uint64_t seed;         /* keys the Call-ID table (output never depends on it) */
} imsec_html_opts;
/* Collects everything; the page is rendered into w by the final stats
 * event, so w need not be usable before then. Strings in o are borrowed. */
IMSEC_NODISCARD int imsec_html_sink(const imsec_html_opts *o, imsec_writer *w, imsec_sink *out);

/* ---- evidence pcaps ---- */

/* Live: a bounded ring of recent frames and, per finding, DIR/<id>.pcap
 * with the cited frames and the other frames of the same Call-ID and
 * registration still held. Names the file in the finding's note (the id
 * comes from the selector). Files are created O_EXCL|O_NOFOLLOW under a
 * directory opened once; the total on disk is bounded, oldest deleted. */
typedef struct {
    const char *dir;       /* existing directory */
    size_t ring_bytes;     /* packet bytes kept in memory; 0: 64 MiB */
    uint32_t ring_frames;  /* frames kept; 0: 262144 */
    uint64_t disk_bytes;   /* evidence files on disk; 0: 1 GiB */
    uint32_t max_context;  /* frames per file; 0: 4096 */
    uint64_t seed;         /* keys the tag hash */
} imsec_evidence_opts;
typedef struct {
    uint64_t files_written, files_deleted, bytes_on_disk, write_errors, frames_missing;
    uint64_t ring_frames, ring_bytes;  /* current occupancy */
} imsec_evidence_counters;
/* Failures to write one file are counted, and the first is kept for
 * imsec_evidence_sink_error. */
IMSEC_NODISCARD int imsec_evidence_sink(const imsec_evidence_opts *o, imsec_sink *out,
                                        char err[IMSEC_ERRBUF]);
void imsec_evidence_sink_counters(const imsec_sink *s, imsec_evidence_counters *out);
/* The first write error since the last call ("" if none); clears it. */
const char *imsec_evidence_sink_error(const imsec_sink *s, char buf[IMSEC_ERRBUF]);

/* Offline (-w FILE): one pcap with every cited frame plus the other frames
 * of the cited Call-IDs and registrations. Context is only known once the
 * findings are, so the sink remembers what findings cite and its finish
 * reads the inputs again through a fresh engine and writes the file. The
 * output is opened at once, refusing symbolic links, so a bad path fails
 * before any analysis. */
typedef struct {
    const char *path;
    const char *const *inputs;   /* the captures analysed (borrowed) */
    size_t ninputs;
    const imsec_config *cfg;     /* borrowed */
    uint64_t seed;
} imsec_evidence_file_opts;
IMSEC_NODISCARD int imsec_evidence_file_sink(const imsec_evidence_file_opts *o, imsec_sink *out,
                                             char err[IMSEC_ERRBUF]);
/* After finish: frames written, and those left out because their link type
 * differs from the first one written (a pcap has one link type). */
void imsec_evidence_file_counts(const imsec_sink *s, uint64_t *written, uint64_t *skipped);

#ifdef __cplusplus
}
#endif
#endif
