/* SipHash-2-4 (Aumasson & Bernstein): keyed hash for tables whose keys the
 * attacker chooses (Call-ID, IMPI, tags), so bucket collisions cannot be
 * forced without knowing the per-engine key. */
#ifndef IMSEC_BASE_SIPHASH_H
#define IMSEC_BASE_SIPHASH_H
#include <stddef.h>
#include <stdint.h>

uint64_t siphash_24(const uint8_t key[16], const void *data, size_t len);

#endif
