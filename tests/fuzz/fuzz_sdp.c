/* libFuzzer: SDP bodies. */
#include <stddef.h>
#include <stdint.h>

#include "sip/sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    sdp_desc d;
    if (sdp_parse((const char *)data, (uint32_t)size, &d) == IMSEC_OK) {
        if (d.nmedia > SDP_MAX_MEDIA)
            __builtin_trap();
        for (unsigned i = 0; i < d.nmedia; i++) {
            const sdp_conn *c = sdp_media_conn(&d, &d.media[i]);
            if (!c || d.media[i].ncrypto > SDP_MAX_CRYPTO || d.media[i].ncand > SDP_MAX_CANDIDATES)
                __builtin_trap();
            if (c->addr.len && ((const uint8_t *)c->addr.p < data ||
                                (const uint8_t *)c->addr.p + c->addr.len > data + size))
                __builtin_trap();
        }
    }
    return 0;
}
