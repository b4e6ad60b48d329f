/* xfer: session transfers (RFC 3515 REFER, RFC 3892 Referred-By, RFC 3891
 * Replaces, RFC 4538 Target-Dialog) and the registration timeline per
 * private identity (RFC 3261 §10, RFC 3680 reg-event, TS 24.229 §5.4.1).
 *
 * The transfer graph: every REFER (in or out of a dialog) becomes a transfer
 * record holding the transferor (REFER sender: P-Asserted-Identity, else
 * From), the transferee (the REFER's To), the target (Refer-To, with an
 * embedded Replaces unescaped from the URI headers), its NOTIFY sipfrag
 * progress, and who pays (the transferor's registration, TS 24.229 keeps
 * charging with the party that invoked the service). The transferred
 * INVITE is linked to it by Replaces, Target-Dialog, Referred-By, or — with
 * none of them — by identity (From = transferee, To = target) within
 * XF_LINK_WINDOW_S of packet time. A transfer made inside a dialog that was
 * itself the result of a transfer extends that chain (A->B->C->D).
 *
 * The registration timeline keeps, per IMPI, the current registration set
 * (explicit AOR + P-Associated-URI implicit set), its expiry, the serving
 * S-CSCF (Service-Route of the first 2xx, TS 24.229 §5.4.1.2.2) and each
 * re-registration's route (Route / Request-URI) and answering S-CSCF.
 *
 * Everything here is filled by st_on_sip (state.c) into st_msg.xf, which
 * the detectors read; they parse no bytes. Tables are bounded (tbl LRU). */
#ifndef IMSEC_STATE_XFER_H
#define IMSEC_STATE_XFER_H

#include <stdbool.h>
#include <stdint.h>

#include "imsec/imsec.h"
#include "net/net.h"
#include "sip/sip_msg.h"
#include "sip/sip_view.h"
#include "state/ident.h"
#include "base/tbl.h"
#include "state/term.h"

/* A transferred INVITE must follow its REFER within this packet time to be
 * linked by identity alone (RFC 3261 Timer B/F, 64*T1 = 32 s). */
#define XF_LINK_WINDOW_S 32
#define XF_MAX_PARTIES 8      /* parties remembered per chain */
#define XF_HIST 64            /* REFER times remembered per sender (flood window) */
#define XF_MAX_REG_SET 8

typedef struct xf_xfer {
    bool used;
    char refer_call_id[IDENT_MAX];
    uint32_t refer_cseq;
    uint64_t refer_frame;
    imsec_ts refer_ts;
    char referrer[IDENT_MAX];      /* asserted identity of the sender, else From */
    char referrer_pai[IDENT_MAX];  /* P-Asserted-Identity of the REFER, "" if none */
    char referrer_from[IDENT_MAX];
    char referred_by[IDENT_MAX];   /* the REFER's Referred-By, "" if none */
    char referee[IDENT_MAX];       /* To of the REFER: who is asked to call */
    char target[IDENT_MAX];        /* Refer-To identity */
    char replaces[IDENT_MAX];      /* Call-ID from an embedded Replaces, "" if none */
    char charged[IDENT_MAX];       /* the transferor's registration (IMPI), else identity */
    uint16_t accept_status;        /* final response to the REFER */
    uint16_t notify_status;        /* last sipfrag status (RFC 3515 §2.4.5) */
    uint64_t notify_frame;
    bool linked;
    char result_call_id[IDENT_MAX];
    uint32_t depth;                /* 1 for the first transfer of a session */
    char parties[XF_MAX_PARTIES][IDENT_MAX];
    uint8_t nparties;
    bool loop;                     /* the target already took part in the chain */
} xf_xfer;

/* A dialog that resulted from a transfer. */
typedef struct xf_sess {
    tbl_node n;
    char *call_id;                 /* owned, key */
    xf_xfer x;                     /* copy of the transfer that produced it */
    const char *linked_by;         /* "Replaces", "Target-Dialog", "Referred-By", "identity" */
    char invite_referred_by[IDENT_MAX];
    char ruri_number[IDENT_MAX];   /* normalised number of the INVITE's Request-URI */
    uint64_t invite_frame, ok_frame;
    imsec_ts start, end;
    bool alive, ended;
    /* the transferor's registration ended while the session was alive */
    bool transferor_gone;
    const char *gone_why;
    imsec_ts gone_ts;
    uint64_t gone_frame;
    uint32_t det_flags;
} xf_sess;

/* Per REFER-sending identity: recent REFER times (packet time). */
typedef struct xf_sender {
    tbl_node n;
    char *key;
    imsec_ts ts[XF_HIST];
    uint64_t frame[XF_HIST];
    uint32_t next, count;          /* ring position, entries held (<= XF_HIST) */
    uint32_t det_flags;
} xf_sender;

typedef struct {
    uint64_t frame;
    imsec_ts ts;
    const char *what;              /* "registered", "re-registered", "de-registered", ... */
    uint32_t expires, nset;
    char scscf[IDENT_MAX];         /* answering S-CSCF (Service-Route) */
    char route[IDENT_MAX];         /* the REGISTER's first Route, else its Request-URI */
} xf_reg_event;

#define XF_REG_EVENTS IMSEC_REC_MAX_REG_EVENTS

/* Registration timeline for one IMPI. */
typedef struct xf_reg {
    tbl_node n;
    char *impi;
    bool registered;
    imsec_ts ok_ts, gone_ts;
    uint64_t gone_frame;
    const char *gone_why;
    uint32_t expires;
    char set[XF_MAX_REG_SET][IDENT_MAX]; /* current registration set */
    uint8_t nset;
    char contact[IDENT_MAX];       /* registered contact "host:port" */
    char serving[IDENT_MAX];       /* serving S-CSCF of this registration */
    char pend_route[IDENT_MAX];    /* route of the REGISTER in flight */
    xf_reg_event ev[XF_REG_EVENTS];
    uint32_t nev, nev_total;
    uint32_t det_flags;
} xf_reg;

/* What one message did (st_msg.xf). Pointers are valid during the callback. */
typedef struct {
    /* REFER */
    const xf_xfer *refer;          /* this message is a REFER request */
    bool target_token;             /* Refer-To names an opaque token */
    uint32_t token_len;
    bool token_host_ip;            /* ...whose host is an address literal */
    char token_host[IDENT_MAX];
    char referrer_domain[IDENT_MAX];
    char target_number[IDENT_MAX]; /* normalised Refer-To number ("+E164" or digits) */
    xf_sender *sender;            /* the REFER sender's recent REFERs */
    /* the message belongs to (or created) a transferred dialog */
    xf_sess *sess;
    bool sess_linked;              /* this INVITE was just linked to its REFER */
    bool sess_started, sess_ended;
    term_entry *xterm;             /* the charged terminal's transferred sessions */
    /* identities (initial requests, first time a Call-ID is seen) */
    bool unreg_orig, unreg_term;
    char unreg_id[IDENT_MAX];
    char unreg_impi[IDENT_MAX];
    char unreg_term_id[IDENT_MAX];
    char unreg_term_impi[IDENT_MAX];
    /* registration */
    bool rereg;                    /* 2xx to a re-registration */
    char serving[IDENT_MAX];       /* S-CSCF serving before this re-registration */
    char answering[IDENT_MAX];     /* S-CSCF named by this 2xx's Service-Route */
    char rereg_route[IDENT_MAX];
    xf_reg *xreg;
} xf_event;

typedef struct xf_ctx xf_ctx;
struct st_state;
struct call_entry;
struct reg_entry;

xf_ctx *xf_new(uint32_t cap, const uint8_t hkey[16]);
void xf_free(xf_ctx *x);
/* After state.c processed the message (ev->reg, ev->call, session flags set). */
void xf_on_sip(xf_ctx *x, struct st_state *s, const net_meta *m, const sip_view *v,
               const struct call_entry *c, const struct reg_entry *reg, bool session_started,
               bool session_ended, const char *from_id, const char *to_id, imsec_str to_tag,
               xf_event *out);
/* Output: transfer fields of a dialog record, timeline of a registration record. */
void xf_fill_dialog_rec(xf_ctx *x, const char *call_id, imsec_dialog_rec *r);
void xf_fill_reg_rec(xf_ctx *x, const char *impi, imsec_reg_rec *r);

/* Number of a sip/tel URI for prefix matching: "+" and digits for a global
 * number (tel:+..., sip:+...;user=phone, or a leading international "00"),
 * the digits otherwise; "" when the user part is not a number. Visual
 * separators (RFC 3966 §5.1.1) are dropped. */
size_t xf_number_of_uri(const sip_uri *u, char out[IDENT_MAX]);
size_t xf_number_of_str(const char *s, char out[IDENT_MAX]);

#endif
