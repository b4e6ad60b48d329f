#include "rules/keys_val.h"

#include <string.h>

#include "base/imsec_str.h"

int keys_val_hexdigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Hex digits with optional 0x; odd counts get a leading zero nibble (as
 * Wireshark reads UAT keys). Returns byte count or -1 (bad digit / too long). */
long keys_val_hex(const char *s, size_t n, uint8_t *out, size_t cap)
{
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        n -= 2;
    }
    size_t nb = (n + 1) / 2;
    if (nb > cap)
        return -1;
    size_t i = 0, o = 0;
    if (n % 2) {
        int v = keys_val_hexdigit(s[0]);
        if (v < 0)
            return -1;
        out[o++] = (uint8_t)v;
        i = 1;
    }
    for (; i < n; i += 2) {
        int hi = keys_val_hexdigit(s[i]), lo = keys_val_hexdigit(s[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[o++] = (uint8_t)(hi << 4 | lo);
    }
    return (long)o;
}

bool keys_val_u32(const char *s, size_t n, uint32_t *out)
{
    uint64_t v = 0;
    bool hex = n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    size_t i = hex ? 2 : 0;
    if (i == n || n - i > (hex ? 8u : 10u))
        return false;
    for (; i < n; i++) {
        int d = keys_val_hexdigit(s[i]);
        if (d < 0 || (!hex && d > 9))
            return false;
        v = v * (hex ? 16u : 10u) + (unsigned)d;
    }
    if (v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* Returns NULL if the key length fits the algorithm, else a message. */
const char *keys_val_ekey_problem(keys_ealg a, uint32_t len)
{
    switch (a) {
    case KEYS_EALG_NULL: return len == 0 ? NULL : "must be empty for null encryption";
    case KEYS_EALG_DES_EDE3_CBC: return len == 24 ? NULL : "must be 24 bytes for des-ede3-cbc";
    case KEYS_EALG_DES_CBC: return len == 8 ? NULL : "must be 8 bytes for des-cbc";
    case KEYS_EALG_AES_CBC:
        return len == 16 || len == 24 || len == 32 ? NULL : "must be 16, 24 or 32 bytes for aes-cbc";
    case KEYS_EALG_AES_CTR:
        return len == 20 || len == 28 || len == 36 ? NULL
                                                   : "must be 20, 28 or 36 bytes (key + nonce) for aes-ctr";
    default:
        return len == 20 || len == 28 || len == 36 ? NULL
                                                   : "must be 20, 28 or 36 bytes (key + salt) for aes-gcm";
    }
}

const char *keys_val_akey_problem(keys_aalg a, uint32_t len)
{
    if (a == KEYS_AALG_NULL)
        return len == 0 ? NULL : "must be empty for null authentication";
    if (a >= KEYS_AALG_ANY_64)
        return NULL;
    return len > 0 ? NULL : "missing for an HMAC algorithm";
}

bool keys_val_eq_ci(const char *s, size_t n, const char *lit)
{
    return n <= UINT32_MAX && imsec_str_eq_cstr_ci(imsec_str_make(s, n), lit);
}
