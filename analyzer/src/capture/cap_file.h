/* cap_file: offline frame source over libpcap (pcap and pcapng).
 *
 * Every file is opened up front, so a missing or non-capture file fails
 * before any analysis. Files are read one after the other, ordered by the
 * timestamp of their first packet (ties and empty files keep argument order;
 * empty files go last). Frame numbers count from 1 across all files, as
 * Wireshark numbers a merged capture. Timestamps are in microseconds.
 *
 * A truncated or corrupt file is read up to the damage; the damage is
 * recorded (cap_file_damage) and reading continues with the next file. */
#ifndef IMSEC_CAPTURE_CAP_FILE_H
#define IMSEC_CAPTURE_CAP_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "imsec/imsec.h"

typedef struct cap_file_set cap_file_set;

/* Opens paths[0..n). On failure returns NULL and err holds one line naming
 * the file. */
cap_file_set *cap_file_open(const char *const *paths, size_t n, char err[IMSEC_ERRBUF]);
/* 1: *out holds the next frame (data valid until the next call or close);
 * 0: end of all files. */
IMSEC_NODISCARD int cap_file_next(cap_file_set *s, imsec_frame *out);
/* Damage seen so far: one line per damaged file ("file X: truncated after
 * frame N: <pcap error>", N counting the frames of that file read intact),
 * "" if none; lines beyond IMSEC_ERRBUF are dropped. *count (may be NULL) gets the number
 * of damaged files. */
const char *cap_file_damage(const cap_file_set *s, uint32_t *count);
/* Sum of the input file sizes, and how far reading has got (for progress). */
uint64_t cap_file_bytes_total(const cap_file_set *s);
uint64_t cap_file_bytes_read(const cap_file_set *s);
void cap_file_close(cap_file_set *s);

#endif
