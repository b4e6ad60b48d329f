#include "state/reg.h"

#include <stdlib.h>
#include <string.h>

#include "base/imsec_str.h"

static const char *const reg_names[] = {"pending", "challenged", "registered", "deregistered",
                                        "failed"};

const char *reg_state_str(reg_state s)
{
    return (unsigned)s < sizeof reg_names / sizeof *reg_names ? reg_names[s] : "unknown";
}

void reg_entry_free(reg_entry *r)
{
    if (!r)
        return;
    free(r->impi);
    for (unsigned i = 0; i < r->nimpu; i++)
        free(r->impus[i]);
    for (unsigned i = 0; i < r->ncall_ids; i++)
        free(r->call_ids[i]);
    free(r->contact);
    free(r->pcscf);
    free(r->scscf);
    free(r);
}

bool reg_has_impu(const reg_entry *r, const char *impu)
{
    for (unsigned i = 0; i < r->nimpu; i++)
        if (strcmp(r->impus[i], impu) == 0)
            return true;
    return false;
}

bool reg_add_impu(reg_entry *r, const char *impu)
{
    if (!impu[0] || reg_has_impu(r, impu))
        return true;
    if (r->nimpu >= REG_MAX_IMPU)
        return false;
    char *d = imsec_str_dup(imsec_str_make(impu, strlen(impu)), 256);
    if (!d)
        return false;
    r->impus[r->nimpu++] = d;
    return true;
}

void reg_count_call(reg_entry *r, const char *call_id, uint32_t msgs)
{
    r->msgs += msgs;
    for (unsigned i = 0; i < r->ncall_ids; i++)
        if (strcmp(r->call_ids[i], call_id) == 0) {
            r->call_id_msgs[i] += msgs;
            return;
        }
    char *d = r->ncall_ids < REG_MAX_CALLIDS
                  ? imsec_str_dup(imsec_str_make(call_id, strlen(call_id)), 512)
                  : NULL;
    if (d) {
        r->call_ids[r->ncall_ids] = d;
        r->call_id_msgs[r->ncall_ids++] = msgs;
    } else { /* the list is bounded; what it leaves out is counted, not lost */
        r->call_ids_more++;
        r->call_ids_more_msgs += msgs;
    }
}

static void cp(char *dst, size_t cap, const char *src)
{
    imsec_str_copy(imsec_str_make(src ? src : "", src ? strlen(src) : 0), dst, cap);
}

void reg_to_rec(const reg_entry *r, imsec_reg_rec *out)
{
    memset(out, 0, sizeof *out);
    cp(out->impi, sizeof out->impi, r->impi);
    for (unsigned i = 0; i < r->nimpu && i < 4; i++)
        cp(out->impus[i], sizeof out->impus[i], r->impus[i]);
    out->nimpus = r->nimpu < 4 ? r->nimpu : 4;
    cp(out->contact, sizeof out->contact, r->contact);
    cp(out->pcscf, sizeof out->pcscf, r->pcscf);
    cp(out->scscf, sizeof out->scscf, r->scscf);
    out->state = reg_state_str(r->st);
    out->expires = r->expires;
    out->first_frame = r->first_frame;
    out->last_frame = r->last_frame;
    out->start = r->start;
    out->end = r->end;
    out->ncall_ids = r->ncall_ids;
    out->call_ids_more = r->call_ids_more;
    out->call_ids_more_msgs = r->call_ids_more_msgs;
    for (unsigned i = 0; i < r->ncall_ids; i++) {
        cp(out->call_ids[i], sizeof out->call_ids[i], r->call_ids[i]);
        out->call_id_msgs[i] = r->call_id_msgs[i];
    }
    out->sip_messages = r->msgs;
    cp(out->sec_mech, sizeof out->sec_mech, r->sec_mech);
}
