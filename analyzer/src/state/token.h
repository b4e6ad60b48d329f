/* token: recognising and opening topology-hiding tokens (THIG).
 *
 * - 3GPP THIG (TS 24.229 §5.10.4, TS 33.203 Annex): an encrypted entry
 *   carries a `tokenized-by=<domain>` parameter naming the network that
 *   produced it.
 * - Kamailio topoh: the whole Via value is masked into the branch parameter
 *   behind a prefix (default "z9hG4bKsr-"), Record-Route/Contact URIs into a
 *   URI parameter (default `line=sr-...`), Call-ID behind "!!:". The mask is
 *   base64 over a 64-character alphabet shuffled by an MD5/CRC-CCITT keyed
 *   permutation (topoh th_mask.c: th_shuffle, th_mask_encode), padding '*'.
 *   It is a keyed substitution, not encryption: anyone with the key (the
 *   module's documented default "aL9.n8~Hm]Z" included)
 *   reads the hidden entry.
 * - Kamailio topos strips the entries instead (nothing to decode).
 * - Opaque: any other long high-entropy parameter in place of a host. */
#ifndef IMSEC_STATE_TOKEN_H
#define IMSEC_STATE_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/imsec_str.h"

#define TOK_TOPOH_DEFAULT_KEY "aL9.n8~Hm]Z"

typedef struct {
    char enc[64];      /* shuffled alphabet */
    int8_t dec[256];   /* inverse, -1 = not in the alphabet */
} tok_topoh_key;

/* Builds the alphabet for key (len > 0) as topoh's th_mask_init does. */
void tok_topoh_key_init(tok_topoh_key *k, const char *key, size_t len);
/* Decodes a topoh mask (without its prefix). Returns the decoded length, or
 * -1 when a character is outside the alphabet or out is too small. */
long tok_topoh_decode(const tok_topoh_key *k, imsec_str in, uint8_t *out, size_t cap);
/* True if a decoded mask reads as what topoh hides: printable text holding
 * "sip:", "sips:" or "SIP/2.0/" (a URI or a Via value). */
bool tok_plain_sip(const uint8_t *p, size_t n);
/* True if the bytes are printable ASCII (a token that decodes to text). */
bool tok_printable(const uint8_t *p, size_t n);
/* Plain base64 or hex of readable text (a token that hides nothing). */
bool tok_trivial_encoding(imsec_str s, char *out, size_t cap);
/* A parameter value that looks like an opaque token: at least minlen
 * characters from the token alphabets, not a host or number. */
bool tok_opaque(imsec_str s, uint32_t minlen);

#endif
