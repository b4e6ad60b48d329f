/* Fuzz the topology-hiding token decoders (state/token): the tokens come
 * from Via/Record-Route/Contact of hostile traffic. Input: first byte picks
 * the key length (1..31), then the key, then the token. */
#include <stddef.h>
#include <stdint.h>

#include "state/token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t klen = 1 + data[0] % 31; /* tok_topoh_key_init needs a key */
    if (klen > size - 1)
        klen = size - 1;
    const char *key = (const char *)data + 1;
    imsec_str tok = imsec_str_make((const char *)data + 1 + klen, size - 1 - klen);
    tok_topoh_key k;
    tok_topoh_key_init(&k, key, klen);
    uint8_t out[1024];
    long n = tok_topoh_decode(&k, tok, out, sizeof out);
    if (n > 0) {
        (void)tok_plain_sip(out, (size_t)n);
        (void)tok_printable(out, (size_t)n);
    }
    char text[256];
    (void)tok_trivial_encoding(tok, text, sizeof text);
    (void)tok_opaque(tok, 16);
    return 0;
}
