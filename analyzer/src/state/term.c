#include "state/term.h"

#include <stdlib.h>

void term_entry_free(term_entry *t)
{
    if (!t)
        return;
    if (t->key != (char *)(t + 1)) /* a key stored after the entry goes with it */
        free(t->key);
    if (t->frames != &t->frame1)
        free(t->frames);
    free(t);
}

void term_session_add(term_entry *t, uint64_t frame)
{
    t->alive++;
    if (t->alive > t->peak)
        t->peak = t->alive;
    if (!t->frames)
        t->frames = &t->frame1;
    if (t->ntracked == 1 && t->frames == &t->frame1) {
        uint64_t *a = malloc(TERM_MAX_TRACKED * sizeof *a);
        if (!a)
            return; /* not tracked as evidence; still counted */
        a[0] = t->frame1;
        t->frames = a;
    }
    if (t->ntracked < TERM_MAX_TRACKED)
        t->frames[t->ntracked++] = frame;
}

void term_session_del(term_entry *t, uint64_t frame)
{
    if (t->alive)
        t->alive--;
    for (unsigned i = 0; i < t->ntracked; i++)
        if (t->frames[i] == frame) {
            t->frames[i] = t->frames[--t->ntracked];
            break;
        }
}
