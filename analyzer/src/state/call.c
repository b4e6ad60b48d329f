#include "state/call.h"

#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {"trying", "early", "confirmed", "terminated", "failed",
                                           "challenged"};

const char *call_state_str(call_state s)
{
    return (unsigned)s < sizeof state_names / sizeof *state_names ? state_names[s] : "unknown";
}

void call_entry_free(call_entry *c)
{
    if (!c)
        return;
    if (c->call_id != (char *)(c + 1)) /* the key usually shares the entry's allocation */
        free(c->call_id);
    free(c->from);
    free(c->to);
    free(c->orig_term);
    free(c->term_term);
    free(c->impi);
    free(c);
}

static void cp(char *dst, size_t cap, const char *src)
{
    imsec_str_copy(imsec_str_make(src ? src : "", src ? strlen(src) : 0), dst, cap);
}

void call_to_dialog_rec(const call_entry *c, imsec_dialog_rec *r)
{
    memset(r, 0, sizeof *r);
    cp(r->call_id, sizeof r->call_id, c->call_id);
    cp(r->from, sizeof r->from, c->from);
    cp(r->to, sizeof r->to, c->to);
    cp(r->method, sizeof r->method, sip_method_name(c->method));
    r->state = call_state_str(c->st);
    r->first_frame = c->first_frame;
    r->last_frame = c->last_frame;
    r->start = c->start;
    r->end = c->end;
    r->sip_messages = c->msgs;
    r->final_status = c->final_status;
    r->protected_any = c->protected_any;
    cp(r->caller_media, sizeof r->caller_media, c->caller_media);
    cp(r->callee_media, sizeof r->callee_media, c->callee_media);
    r->caller_media_pkts = c->media_pkts[0];
    r->caller_media_bytes = c->media_bytes[0];
    r->callee_media_pkts = c->media_pkts[1];
    r->callee_media_bytes = c->media_bytes[1];
}

void call_to_txn_rec(const call_entry *c, imsec_txn_rec *r)
{
    memset(r, 0, sizeof *r);
    cp(r->call_id, sizeof r->call_id, c->call_id);
    cp(r->method, sizeof r->method, sip_method_name(c->method));
    r->first_frame = c->first_frame;
    r->last_frame = c->last_frame;
    r->sip_messages = c->msgs;
}
