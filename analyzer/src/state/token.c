#include "state/token.h"

#include <string.h>

#include <openssl/evp.h>

static uint16_t crcitt(const char *s, size_t len)
{
    /* Reflected CRC-CCITT (poly 0x8408), init and final complement, as
     * Kamailio core crc.c crcitt_string. */
    uint16_t c = 0xFFFF;
    for (size_t i = 0; i < len; i++) {
        uint16_t x = (uint16_t)((c ^ (uint8_t)s[i]) & 0xff);
        for (int b = 0; b < 8; b++)
            x = (x & 1) ? (uint16_t)((x >> 1) ^ 0x8408) : (uint16_t)(x >> 1);
        c = (uint16_t)(x ^ (c >> 8));
    }
    return (uint16_t)~c;
}

void tok_topoh_key_init(tok_topoh_key *k, const char *key, size_t len)
{
    static const char base[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-";
    memcpy(k->enc, base, 64);
    memset(k->dec, -1, sizeof k->dec);
    uint8_t md5[EVP_MAX_MD_SIZE];
    unsigned int mlen = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1 &&
              EVP_DigestUpdate(ctx, key, len) == 1 && EVP_DigestUpdate(ctx, key, len) == 1 &&
              EVP_DigestFinal_ex(ctx, md5, &mlen) == 1 && mlen == 16;
    EVP_MD_CTX_free(ctx);
    if (ok && len > 0) { /* an empty key leaves the plain alphabet (topoh refuses one) */
        uint32_t mi[4];
        for (int i = 0; i < 4; i++) /* topoh reads the digest as host (x86: little-endian) ints */
            mi[i] = (uint32_t)md5[4 * i] | (uint32_t)md5[4 * i + 1] << 8 |
                    (uint32_t)md5[4 * i + 2] << 16 | (uint32_t)md5[4 * i + 3] << 24;
        uint32_t crc = crcitt(key, len);
        for (uint32_t last = 64; last > 1; last--) {
            uint32_t i = crc + last + (uint32_t)len;
            /* topoh adds the key byte as a (signed) char */
            int32_t kc = (signed char)key[i % len];
            uint32_t r = (mi[i % 4] + (uint32_t)kc) % last;
            char t = k->enc[r];
            k->enc[r] = k->enc[last - 1];
            k->enc[last - 1] = t;
        }
    }
    for (int i = 0; i < 64; i++)
        k->dec[(uint8_t)k->enc[i]] = (int8_t)i;
}

long tok_topoh_decode(const tok_topoh_key *k, imsec_str in, uint8_t *out, size_t cap)
{
    uint32_t n = in.len;
    while (n > 0 && in.p[n - 1] == '*')
        n--;
    uint32_t bits = 0, nb = 0;
    size_t o = 0;
    for (uint32_t i = 0; i < n; i++) {
        int8_t v = k->dec[(uint8_t)in.p[i]];
        if (v < 0)
            return -1;
        bits = (bits << 6 | (uint32_t)(uint8_t)v) & 0xffffffu;
        nb += 6;
        if (nb >= 8) {
            nb -= 8;
            if (o >= cap)
                return -1;
            out[o++] = (uint8_t)(bits >> nb);
        }
    }
    return (long)o;
}

bool tok_printable(const uint8_t *p, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x20 || p[i] > 0x7e)
            return false;
    return true;
}

bool tok_plain_sip(const uint8_t *p, size_t n)
{
    if (!tok_printable(p, n))
        return false;
    imsec_str s = imsec_str_make((const char *)p, n);
    return imsec_str_find_ci(s, "sip:") >= 0 || imsec_str_find_ci(s, "sips:") >= 0 ||
           imsec_str_find_ci(s, "SIP/2.0/") >= 0;
}

bool tok_trivial_encoding(imsec_str s, char *out, size_t cap)
{
    uint8_t buf[512];
    if (s.len >= 8 && s.len % 2 == 0 && s.len / 2 <= sizeof buf &&
        imsec_str_hex_decode(s, buf, s.len / 2) && tok_printable(buf, s.len / 2)) {
        imsec_str_copy(imsec_str_make((const char *)buf, s.len / 2), out, cap);
        return true;
    }
    long n = s.len >= 8 ? imsec_base64_decode(s, buf, sizeof buf) : -1;
    if (n >= 4 && tok_printable(buf, (size_t)n)) {
        /* readable and host-like: letters, digits, dots */
        size_t dots = 0;
        for (long i = 0; i < n; i++)
            dots += buf[i] == '.' || buf[i] == ':' || buf[i] == '@';
        if (dots) {
            imsec_str_copy(imsec_str_make((const char *)buf, (size_t)n), out, cap);
            return true;
        }
    }
    return false;
}

bool tok_opaque(imsec_str s, uint32_t minlen)
{
    if (s.len < minlen)
        return false;
    uint32_t digits = 0, dots = 0;
    for (uint32_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (imsec_is_digit(c))
            digits++;
        else if (c == '.')
            dots++;
        else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_' ||
                   c == '*' || c == '+' || c == '/' || c == '='))
            return false;
    }
    return digits + dots < s.len; /* not an IP literal or a number */
}
