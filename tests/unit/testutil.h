/* Helpers shared by the unit tests. */
#ifndef IMSEC_TESTUTIL_H
#define IMSEC_TESTUTIL_H
#include <stddef.h>
#include <stdint.h>

/* Copy len bytes so that they end exactly at a PROT_NONE guard page: a
 * one-byte over-read faults even without ASan (picohttpparser test.c).
 * Returns a pointer valid until the next call from this thread's test or
 * guard_free(). */
const uint8_t *guard_copy(const void *data, size_t len);
void guard_free(void);

/* Read a whole file; returns malloc'd bytes (caller frees) or NULL. */
uint8_t *read_file(const char *path, size_t *len);

/* Path under the shared testdata directory (static buffer). */
const char *testdata_path(const char *rel);
/* Feeds one UDP datagram 10.0.0.1:5060 -> 10.0.0.2:5060 (LINKTYPE_IPV4)
 * carrying sip to the engine as frame no at time sec. */
struct imsec_engine;
void tu_feed_sip(struct imsec_engine *e, uint64_t no, int64_t sec, const char *sip);
#endif
