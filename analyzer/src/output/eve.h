/* eve: EVE JSON lines (interface.md "EVE JSON lines").
 *
 * One json-c object per line, keys in the fixed insertion order of the
 * contract, printed with JSON_C_TO_STRING_PLAIN | NOSLASHESCAPE and
 * terminated by "\n" (style.md §2.8). Every string from the wire is passed
 * through out_utf8_sanitize first, so each line is valid JSON whatever the
 * capture holds. Same input, same bytes. */
#ifndef IMSEC_OUTPUT_EVE_H
#define IMSEC_OUTPUT_EVE_H

#include <json-c/json.h>

#include "imsec/imsec.h"
#include "output/out.h"

/* Builders (caller owns the result, json_object_put). NULL on no memory. */
json_object *eve_finding_obj(const imsec_finding *f);
json_object *eve_dialog_obj(const imsec_dialog_rec *d);
json_object *eve_registration_obj(const imsec_reg_rec *r);
json_object *eve_txn_obj(const imsec_txn_rec *t);
/* event_type "ims_sa"; never carries key bytes. */
json_object *eve_sa_obj(const imsec_sa_rec *s);
json_object *eve_stats_obj(const imsec_stats *s);

/* Writers: one line each. Return 0 or a negative imsec_rc. */
IMSEC_NODISCARD int eve_finding(out_writer *w, const imsec_finding *f);
IMSEC_NODISCARD int eve_dialog(out_writer *w, const imsec_dialog_rec *d);
IMSEC_NODISCARD int eve_registration(out_writer *w, const imsec_reg_rec *r);
IMSEC_NODISCARD int eve_txn(out_writer *w, const imsec_txn_rec *t);
IMSEC_NODISCARD int eve_stats(out_writer *w, const imsec_stats *s);
/* Prints any object as one EVE line and releases it (o may be NULL: NOMEM). */
IMSEC_NODISCARD int eve_write_obj(out_writer *w, json_object *o);

/* A json-c string from wire bytes, invalid UTF-8 replaced by U+FFFD. */
json_object *eve_str(const char *s, size_t n);
/* Same for a NUL-terminated field of at most cap bytes (fixed arrays in records). */
json_object *eve_cstr(const char *s, size_t cap);

/* alert.severity: critical/high -> 1, medium -> 2, low/info -> 3. */
int eve_alert_severity(imsec_severity s);

#endif
