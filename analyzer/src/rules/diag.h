/* rules_diag: collects load errors ("FILE: PATH: problem", one per line)
 * into a caller's IMSEC_ERRBUF, counting all of them even when the text no
 * longer fits (the text then ends with "... (N errors)"). File names and
 * JSON keys come from the user or the file and are escaped to one printable
 * line. */
#ifndef IMSEC_RULES_DIAG_H
#define IMSEC_RULES_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "imsec/imsec.h"

typedef struct rules_diag {
    char *buf;        /* caller's buffer (IMSEC_ERRBUF) or NULL */
    size_t cap, len;
    unsigned count;
    bool full;
    const char *file; /* name used as the first field */
} rules_diag;

void rules_diag_init(rules_diag *d, char *buf, size_t cap, const char *file);
/* Adds "FILE: PATH: message". path may be NULL (then "FILE: message"). */
void rules_diag_add(rules_diag *d, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Writes the final "(N errors)" marker if some did not fit. */
void rules_diag_finish(rules_diag *d);

/* Escapes n bytes into dst (printable ASCII kept, others \xNN, '\\' doubled),
 * truncating with "..." to cap; always NUL-terminates. Returns dst. */
char *rules_diag_esc(const char *s, size_t n, char *dst, size_t cap);

#endif
