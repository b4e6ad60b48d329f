#include "rules/keys_uat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/keys_val.h"

/* ---- Wireshark esp_sa UAT ---------------------------------------------------------
 * Wireshark writes each field as "..." with bytes outside printable ASCII,
 * '"' and '\\' as \xNN (epan/uat.c uat_esc); records are lines; '#' starts a
 * comment line. */

#define UAT_MAX_FIELDS 12
#define UAT_FIELD_CAP 512

typedef struct {
    char v[UAT_MAX_FIELDS][UAT_FIELD_CAP];
    size_t len[UAT_MAX_FIELDS];
    size_t n;
} uat_row;

/* Splits one line into fields; false with a message on malformed input. */
static bool uat_split(const char *p, const char *end, uat_row *r, const char **why)
{
    r->n = 0;
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (r->n == UAT_MAX_FIELDS) {
            *why = "too many fields";
            return false;
        }
        size_t o = 0;
        char *dst = r->v[r->n];
        if (p < end && *p == '"') {
            p++;
            for (;;) {
                if (p >= end) {
                    *why = "unterminated quoted field";
                    return false;
                }
                char ch = *p++;
                if (ch == '"')
                    break;
                if (ch == '\\') {
                    if (p < end && *p == 'x' && end - p >= 3 && keys_val_hexdigit(p[1]) >= 0 &&
                        keys_val_hexdigit(p[2]) >= 0) {
                        ch = (char)(keys_val_hexdigit(p[1]) << 4 | keys_val_hexdigit(p[2]));
                        p += 3;
                    } else if (p < end) {
                        ch = *p++;
                    } else {
                        *why = "bad escape";
                        return false;
                    }
                }
                if (o + 1 >= UAT_FIELD_CAP) {
                    *why = "field too long";
                    return false;
                }
                dst[o++] = ch;
            }
        } else {
            while (p < end && *p != ',' && *p != ' ' && *p != '\t') {
                if (o + 1 >= UAT_FIELD_CAP) {
                    *why = "field too long";
                    return false;
                }
                dst[o++] = *p++;
            }
        }
        dst[o] = '\0';
        r->len[r->n++] = o;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (p == end)
            return true;
        if (*p != ',') {
            *why = "expected ',' between fields";
            return false;
        }
        p++;
    }
}

/* "1.2.3.4", "*", "10.1.*.*" (whole trailing octets as wildcards), an
 * IPv6 address, or "*". */
static bool uat_addr(const char *s, size_t n, rules_prefix *out)
{
    memset(out, 0, sizeof *out);
    if (n == 1 && s[0] == '*')
        return true;
    if (!memchr(s, '*', n))
        return rules_prefix_parse(s, n, out) && out->len == (out->addr.family == 4 ? 32 : 128);
    char tmp[16];
    unsigned wild = 0;
    if (n >= sizeof tmp)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '*') {
            if ((i > 0 && s[i - 1] != '.') || (i + 1 < n && s[i + 1] != '.'))
                return false;
            wild++;
            tmp[i] = '0';
        } else {
            if (wild && s[i] != '.')
                return false; /* only trailing octets may be wildcards */
            tmp[i] = s[i];
        }
    }
    if (!rules_prefix_parse(tmp, n, out) || out->addr.family != 4 || wild > 4)
        return false;
    out->len = (uint8_t)(32 - 8 * wild);
    if (out->len == 0)
        memset(out, 0, sizeof *out);
    return true;
}

/* A key: "0x" + hex, or the ASCII bytes themselves (Wireshark compute_ascii_key). */
static long uat_key(const char *s, size_t n, uint8_t *out, size_t cap)
{
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        return keys_val_hex(s, n, out, cap);
    if (n > cap)
        return -1;
    memcpy(out, s, n);
    return (long)n;
}

static void uat_line(rules_diag *d, unsigned line, const char *p, const char *end, keys_set *out)
{
    char where[32];
    snprintf(where, sizeof where, "line %u", line);
    uat_row *r = calloc(1, sizeof *r);
    if (!r) {
        rules_diag_add(d, where, "out of memory");
        return;
    }
    const char *why = NULL;
    keys_sa sa;
    memset(&sa, 0, sizeof sa);
    sa.source_line = line;
    long got;
    if (!uat_split(p, end, r, &why)) {
        rules_diag_add(d, where, "%s", why);
        goto done;
    }
    if (r->n != 8 && r->n != 10) {
        rules_diag_add(d, where, "expected 8 or 10 esp_sa fields, got %zu", r->n);
        goto done;
    }
    bool ok = true;
    uint8_t fam = 0;
    if (keys_val_eq_ci(r->v[0], r->len[0], "IPv4"))
        fam = 4;
    else if (keys_val_eq_ci(r->v[0], r->len[0], "IPv6"))
        fam = 6;
    else if (!keys_val_eq_ci(r->v[0], r->len[0], "Any")) {
        rules_diag_add(d, where, "protocol: expected IPv4, IPv6 or Any");
        ok = false;
    }
    for (int i = 1; i <= 2; i++) {
        rules_prefix *pf = i == 1 ? &sa.src : &sa.dst;
        if (!uat_addr(r->v[i], r->len[i], pf) ||
            (fam && pf->addr.family && pf->addr.family != fam)) {
            rules_diag_add(d, where, "%s: not an IPv%c address or wildcard",
                           i == 1 ? "src IP" : "dest IP", fam == 6 ? '6' : '4');
            ok = false;
        }
    }
    if (r->len[3] == 1 && r->v[3][0] == '*') {
        sa.spi_any = true;
    } else if (!keys_val_u32(r->v[3], r->len[3], &sa.spi) || sa.spi == 0) {
        rules_diag_add(d, where, "SPI: not a 32-bit SPI (\"0x00001001\")");
        ok = false;
    }
    bool have_e = keys_ealg_parse(r->v[4], r->len[4], &sa.ealg);
    bool have_a = keys_aalg_parse(r->v[6], r->len[6], &sa.aalg);
    if (!have_e) {
        char esc[64];
        rules_diag_add(d, where, "encryption: unsupported algorithm \"%s\"",
                       rules_diag_esc(r->v[4], r->len[4], esc, sizeof esc));
        ok = false;
    }
    if (!have_a) {
        char esc[64];
        rules_diag_add(d, where, "authentication: unsupported algorithm \"%s\"",
                       rules_diag_esc(r->v[6], r->len[6], esc, sizeof esc));
        ok = false;
    }
    got = uat_key(r->v[5], r->len[5], sa.ekey, sizeof sa.ekey);
    if (got < 0) {
        rules_diag_add(d, where, "encryption key: not hex or longer than %d bytes", KEYS_MAX_EKEY);
        ok = false;
    } else {
        sa.ekey_len = (uint32_t)got;
        const char *w = have_e ? keys_val_ekey_problem(sa.ealg, sa.ekey_len) : NULL;
        if (w) {
            rules_diag_add(d, where, "encryption key: %s", w);
            ok = false;
        }
    }
    got = uat_key(r->v[7], r->len[7], sa.akey, sizeof sa.akey);
    if (got < 0) {
        rules_diag_add(d, where, "authentication key: not hex or longer than %d bytes",
                       KEYS_MAX_AKEY);
        ok = false;
    } else {
        sa.akey_len = (uint32_t)got;
        const char *w = have_a ? keys_val_akey_problem(sa.aalg, sa.akey_len) : NULL;
        if (w) {
            rules_diag_add(d, where, "authentication key: %s", w);
            ok = false;
        }
    }
    if (r->n == 10) {
        const char *sn = r->v[8];
        size_t sl = r->len[8];
        if (keys_val_eq_ci(sn, sl, "64-bit") || keys_val_eq_ci(sn, sl, "64"))
            sa.esn = true;
        else if (!(sl == 0 || keys_val_eq_ci(sn, sl, "32-bit") || keys_val_eq_ci(sn, sl, "32") ||
                   keys_val_eq_ci(sn, sl, "0"))) {
            rules_diag_add(d, where, "SN: expected 32-bit or 64-bit");
            ok = false;
        }
        char hx[16];
        size_t hl = r->len[9];
        if (hl && !(hl >= 2 && r->v[9][0] == '0' && (r->v[9][1] == 'x' || r->v[9][1] == 'X')) &&
            hl + 2 < sizeof hx) {
            hx[0] = '0';
            hx[1] = 'x';
            memcpy(hx + 2, r->v[9], hl);
            hl += 2;
        } else if (hl < sizeof hx) {
            memcpy(hx, r->v[9], hl);
        } else {
            hl = sizeof hx; /* too long: fails below */
        }
        if (r->len[9] && (hl >= sizeof hx || !keys_val_u32(hx, hl, &sa.esn_high))) {
            rules_diag_add(d, where, "ESN high bits: not a 32-bit hex number");
            ok = false;
        }
    }
    if (ok && keys_set_add_sa(out, &sa) != IMSEC_OK)
        rules_diag_add(d, where, "too many SAs");
done:
    explicit_bzero(&sa, sizeof sa);
    explicit_bzero(r, sizeof *r);
    free(r);
}

void keys_uat_load(rules_diag *d, const uint8_t *buf, size_t len, keys_set *out)
{
    const char *p = (const char *)buf, *end = p + len;
    unsigned line = 0;
    size_t records = 0;
    while (p < end && d->count <= 1000) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        line++;
        const char *q = p;
        if (le > q && le[-1] == '\r')
            le--;
        while (q < le && (*q == ' ' || *q == '\t'))
            q++;
        if (q < le && *q != '#') {
            records++;
            uat_line(d, line, q, le, out);
        }
        p = nl ? nl + 1 : end;
    }
    if (records == 0 && d->count == 0)
        rules_diag_add(d, NULL, "no keys: neither a JSON keys file nor esp_sa records");
}
