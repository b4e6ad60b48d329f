/* evidence_file: `-w FILE` for the offline commands — one pcap with every
 * frame a finding cites plus its context, the other frames of the same
 * Call-ID and registration (interface.md "Common options").
 *
 * Two passes, because context is only known once the findings are: while
 * analysing, evidence_file_note() remembers the cited frames and the
 * Call-IDs / IMPIs they concern (bounded); evidence_file_write() then reads
 * the inputs again through a fresh engine and writes every frame that is
 * cited or carries a SIP message of a cited Call-ID or IMPI. */
#ifndef IMSEC_CLI_EVIDENCE_FILE_H
#define IMSEC_CLI_EVIDENCE_FILE_H

#include <stdbool.h>
#include <stdint.h>

#include "imsec/imsec.h"

typedef struct evidence_file evidence_file;

/* Opens path at once, so a bad path fails before any analysis; NULL with err set. */
evidence_file *evidence_file_open(const char *path, char err[IMSEC_ERRBUF]);
void evidence_file_free(evidence_file *ev);
/* Pass one: remember what a finding cites. */
void evidence_file_note(evidence_file *ev, const imsec_finding *f);
/* Pass two. Returns 0, or CLI_EXIT_USAGE with a message on stderr. *written
 * gets the number of frames written, *skipped those left out because their
 * link type differs from the first one written (a pcap has one link type). */
int evidence_file_write(evidence_file *ev, const char *const *inputs,
                        int ninputs, const imsec_config *cfg, uint64_t *written, uint64_t *skipped);

#endif
