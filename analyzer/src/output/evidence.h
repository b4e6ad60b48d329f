/* evidence: a bounded ring of recent frames and, per finding, a pcap with
 * the cited frames and their context, named by the finding id.
 *
 * Used by `imsec live -w DIR`. Every frame given to the engine is also given
 * to evidence_add (same frame numbers, ascending, none skipped); the engine's
 * on_message callback tags frames with the Call-ID and the private identity
 * of the SIP message they carried (evidence_tag). When a finding comes,
 * evidence_write selects from the ring the cited frames plus every frame of
 * the same Call-ID or registration (IMPI) still held — the dialog or the
 * registration so far — and writes them, in frame order, to DIR/<id>.pcap,
 * so an analyst opens the finding in Wireshark at once.
 *
 * Bounds: the ring holds at most ring_bytes of packet data and ring_frames
 * frames (the oldest are overwritten); one file holds at most max_context
 * frames (cited frames always win); files written by this instance are
 * deleted oldest first to keep their total under disk_bytes.
 *
 * Files are created with openat(dirfd, O_CREAT|O_EXCL|O_NOFOLLOW) under a
 * directory opened once with O_DIRECTORY|O_NOFOLLOW: an existing file or a
 * planted symlink is never written through, and the directory can no longer
 * be swapped for a link after start. Call-ID and IMPI are attacker-chosen,
 * so tags are keyed SipHash values; a collision only adds a context frame.
 *
 * Not thread-safe: the engine thread owns it. imsec_evidence_sink
 * (imsec/output.h) wraps it as a sink. */
#ifndef IMSEC_OUTPUT_EVIDENCE_H
#define IMSEC_OUTPUT_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imsec/imsec.h"
#include "imsec/output.h"

typedef imsec_evidence_opts evidence_opts;
typedef imsec_evidence_counters evidence_counters;

typedef struct evidence evidence;

/* Result of one evidence_write. */
#define EVIDENCE_NAME_LEN IMSEC_EVIDENCE_NAME_LEN
typedef struct {
    char name[EVIDENCE_NAME_LEN];          /* file name inside dir ("<id>.pcap") */
    uint32_t nframes;                      /* frames in the file */
    uint64_t bytes;                        /* file size */
    /* For each f->frames[i]: its 1-based packet number in the file, 0 if it
     * had already left the ring (or had another link type). */
    uint32_t cited_in_file[IMSEC_MAX_EVIDENCE];
} evidence_result;

/* NULL with err set if dir cannot be opened as a directory (symlinks refused). */
evidence *evidence_new(const evidence_opts *o, char err[IMSEC_ERRBUF]);
void evidence_free(evidence *ev);
/* Copies the frame into the ring (caplen is cut to the ring size). */
void evidence_add(evidence *ev, const imsec_frame *f);
/* Tags a frame still in the ring with a message's Call-ID and IMPI (either
 * may be "" or NULL). At most two Call-IDs per frame are remembered. */
void evidence_tag(evidence *ev, uint64_t frame_no, const char *call_id, const char *impi);
/* Writes DIR/<id>.pcap for f. id must be [A-Za-z0-9._-]+. 0, or a negative
 * imsec_rc (IMSEC_E_IO with err set, IMSEC_E_CONFIG for a bad id). */
IMSEC_NODISCARD int evidence_write(evidence *ev, const imsec_finding *f, const char *id,
                                   evidence_result *out, char err[IMSEC_ERRBUF]);
void evidence_get_counters(const evidence *ev, evidence_counters *out);

#endif
