/* reg: IMS registrations, one entry per private identity (IMPI).
 *
 * The IMPI is the Authorization username (TS 24.229 §5.1.1.2: the initial
 * REGISTER already carries it, with an empty response). A REGISTER with no
 * Authorization is filed provisionally under its To AOR and renamed when
 * the same Call-ID later reveals the username. Public identities are the
 * registered AOR plus the implicit set from P-Associated-URI (RFC 7315). */
#ifndef IMSEC_STATE_REG_H
#define IMSEC_STATE_REG_H

#include <stdbool.h>
#include <stdint.h>

#include "imsec/imsec.h"
#include "base/tbl.h"

typedef enum {
    REG_ST_PENDING = 0, /* REGISTER sent, no answer yet */
    REG_ST_CHALLENGED,  /* 401/407 seen */
    REG_ST_REGISTERED,
    REG_ST_DEREGISTERED,
    REG_ST_FAILED,
} reg_state;

const char *reg_state_str(reg_state s);

#define REG_MAX_IMPU 8
#define REG_MAX_CALLIDS IMSEC_REC_MAX_CALLIDS

typedef struct reg_entry {
    tbl_node n;
    char *impi;                 /* owned, key */
    bool provisional;           /* keyed by To AOR until a username is seen */
    reg_state st;
    uint32_t expires;
    char *impus[REG_MAX_IMPU];  /* canonical identities, explicit first */
    uint8_t nimpu;
    char *contact, *pcscf, *scscf;
    char sec_mech[32];
    imsec_tuple ue_tuple;       /* the REGISTER's tuple as the UE sent it */
    bool challenged;            /* a 401/407 was seen */
    bool responded;             /* a REGISTER with a non-empty response was seen after it */
    bool authenticated;         /* 200 OK after a challenge and a response */
    bool started_clear;         /* the first message seen was a REGISTER outside any SA */
    uint64_t first_frame, last_frame, last_ok_frame;
    imsec_ts start, end;
    uint32_t msgs;
    uint8_t ncall_ids;
    char *call_ids[REG_MAX_CALLIDS];
    uint32_t call_id_msgs[REG_MAX_CALLIDS];
    uint32_t call_ids_more, call_ids_more_msgs; /* Call-IDs past the list, and their messages */
    struct sa_reg *sec;         /* security agreement, SAs, AKA (secagree.h); owned */
    uint32_t det_flags;         /* per-detector latches */
} reg_entry;

/* Frees the entry; r->sec must have been released (sa_reg_free) before. */
void reg_entry_free(reg_entry *r);
/* Adds a public identity if new; returns false when the set is full. */
bool reg_add_impu(reg_entry *r, const char *impu);
bool reg_has_impu(const reg_entry *r, const char *impu);
/* Adds messages to the per-Call-ID counts (new Call-IDs past the cap are folded into the total only). */
void reg_count_call(reg_entry *r, const char *call_id, uint32_t msgs);
void reg_to_rec(const reg_entry *r, imsec_reg_rec *out);

#endif
