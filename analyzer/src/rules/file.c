#include "rules/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/walk.h"

uint8_t *rules_file_read(const char *path, size_t *len, rules_diag *d)
{
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        char eb[128];
        rules_diag_add(d, NULL, "cannot open: %s", strerror_r(errno, eb, sizeof eb));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            if (cap > RULES_MAX_FILE) {
                rules_diag_add(d, NULL, "file too large (more than %u bytes)", RULES_MAX_FILE);
                free(buf);
                buf = NULL;
                break;
            }
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            if (ferror(f)) {
                rules_diag_add(d, NULL, "read error");
                free(buf);
                buf = NULL;
            }
            break;
        }
    }
    if (!buf && d->count == 0)
        rules_diag_add(d, NULL, "out of memory");
    fclose(f);
    *len = n;
    return buf;
}
