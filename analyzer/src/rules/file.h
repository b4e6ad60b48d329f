/* rules_file: reading a rule or key file whole, with a size cap (a rule or
 * key file is small; a huge one is a mistake or an attack). */
#ifndef IMSEC_RULES_FILE_H
#define IMSEC_RULES_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "rules/diag.h"

/* The whole file (malloc'd, caller frees; *len its size), at most
 * RULES_MAX_FILE bytes; NULL after reporting the problem to d. */
uint8_t *rules_file_read(const char *path, size_t *len, rules_diag *d);

#endif
