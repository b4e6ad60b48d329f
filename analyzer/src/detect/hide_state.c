#include "detect/hide_state.h"

#include <stdlib.h>

struct hide_state {
    char name[HIDE_STATE_MAX][HIDE_STATE_NAME];
    uint64_t frame[HIDE_STATE_MAX];
    imsec_ts ts[HIDE_STATE_MAX];
    size_t n;
};

hide_state *hide_state_new(void) { return calloc(1, sizeof(hide_state)); }
void hide_state_free(hide_state *h) { free(h); }

void hide_state_cscf_add(hide_state *h, imsec_str host, uint64_t frame, imsec_ts ts)
{
    if (!h || host.len == 0 || host.len >= HIDE_STATE_NAME)
        return;
    for (size_t i = 0; i < h->n; i++)
        if (imsec_str_eq_cstr_ci(host, h->name[i]))
            return;
    if (h->n == HIDE_STATE_MAX)
        return;
    imsec_str_copy(host, h->name[h->n], HIDE_STATE_NAME);
    h->ts[h->n] = ts;
    h->frame[h->n++] = frame;
}

size_t hide_state_cscf_count(const hide_state *h) { return h ? h->n : 0; }

const char *hide_state_cscf_at(const hide_state *h, size_t i, uint64_t *frame, imsec_ts *ts)
{
    imsec_ts zero = {0, 0};
    *ts = i < h->n ? h->ts[i] : zero;
    *frame = i < h->n ? h->frame[i] : 0;
    return i < h->n ? h->name[i] : "";
}
