#include "esp_export.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>


int esp_export_open(esp_export *x, const char *path, char err[IMSEC_ERRBUF])
{
    memset(x, 0, sizeof *x);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, IMSEC_ERRBUF, "%s: cannot write: %s", path,
                 errno == ELOOP ? "is a symbolic link" : strerror(errno));
        return -1;
    }
    x->f = fdopen(fd, "w");
    if (!x->f) {
        close(fd);
        snprintf(err, IMSEC_ERRBUF, "%s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Wireshark's names for the ipsec-3gpp algorithms (packet-esp.c UAT). */
static const char *ws_enc(const char *ealg)
{
    if (strcmp(ealg, "aes-cbc") == 0)
        return "AES-CBC [RFC3602]";
    if (strcmp(ealg, "des-ede3-cbc") == 0)
        return "TripleDES-CBC [RFC2451]";
    if (strcmp(ealg, "null") == 0)
        return "NULL";
    return NULL;
}

static const char *ws_auth(const char *alg)
{
    if (strcmp(alg, "hmac-sha-1-96") == 0)
        return "HMAC-SHA-1-96 [RFC2404]";
    if (strcmp(alg, "hmac-md5-96") == 0)
        return "HMAC-MD5-96 [RFC2403]";
    return NULL;
}

static void hex(FILE *f, const uint8_t *p, uint32_t n)
{
    if (n)
        fputs("0x", f);
    for (uint32_t i = 0; i < n; i++)
        fprintf(f, "%02x", p[i]);
}

static void line(esp_export *x, const imsec_sa_rec *s, const imsec_addr *src, const imsec_addr *dst,
                 uint32_t spi, const char *enc, const char *auth)
{
    char a[IMSEC_ADDRSTRLEN], b[IMSEC_ADDRSTRLEN];
    fprintf(x->f, "\"%s\",\"%s\",\"%s\",\"0x%08x\",\"%s\",\"", src->family == 6 ? "IPv6" : "IPv4",
            imsec_addr_str(src, a), imsec_addr_str(dst, b), spi, enc);
    hex(x->f, s->enc_key, s->enc_key_len);
    fprintf(x->f, "\",\"%s\",\"", auth);
    hex(x->f, s->auth_key, s->auth_key_len);
    fputs("\"\n", x->f);
    x->written++;
}

void esp_export_add(esp_export *x, const imsec_sa_rec *s)
{
    const char *enc = ws_enc(s->ealg), *auth = ws_auth(s->alg);
    if (!x->f || !s->keys || !enc || !auth || !s->auth_key_len) {
        x->skipped++;
        return;
    }
    /* TS 33.203 §7.1: SA1 UE->P (spi_ps), SA2 P->UE (spi_uc),
     * SA3 P->UE (spi_us), SA4 UE->P (spi_pc). */
    line(x, s, &s->ue, &s->pcscf, s->spi_ps, enc, auth);
    line(x, s, &s->pcscf, &s->ue, s->spi_uc, enc, auth);
    line(x, s, &s->pcscf, &s->ue, s->spi_us, enc, auth);
    line(x, s, &s->ue, &s->pcscf, s->spi_pc, enc, auth);
}

int esp_export_close(esp_export *x, char err[IMSEC_ERRBUF])
{
    if (!x->f)
        return 0;
    int bad = ferror(x->f);
    if (fclose(x->f) != 0)
        bad = 1;
    x->f = NULL;
    if (bad) {
        snprintf(err, IMSEC_ERRBUF, "write error on the esp_sa export");
        return -1;
    }
    return 0;
}
