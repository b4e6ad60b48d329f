#include "state/state.h"

#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "base/imsec_str.h"
#include "sip/sdp.h"

/* IMPU -> IMPI index, so a session from any public identity of a
 * subscription is accounted to the one terminal. */
typedef struct {
    tbl_node n;
    char *impu, *impi;
} impu_entry;

struct st_state {
    st_limits lim;
    imsec_stats *stats;
    imsec_callbacks cb;
    tbl calls, regs, terms, impus;
    sa_ctx *sa;
    xf_ctx *xf;
    imsec_ts now;
    int64_t last_tick;
};

void st_limits_default(st_limits *l)
{
    l->max_calls = 1u << 20;
    l->max_regs = 1u << 18;
    l->max_terms = 1u << 18;
    l->call_idle_s = 4 * 3600; /* long calls are legitimate; BYE usually ends them */
    l->call_linger_s = 32;     /* RFC 3261 Timer D/J: retransmissions may still arrive */
}

/* ---- records ---- */

static void emit_reg(st_state *s, const reg_entry *r)
{
    if (!s->cb.on_registration)
        return;
    imsec_reg_rec rec;
    reg_to_rec(r, &rec);
    xf_fill_reg_rec(s->xf, r->impi, &rec);
    s->cb.on_registration(s->cb.ud, &rec);
}

static term_entry *term_find(st_state *s, const char *key)
{
    if (!key || !key[0])
        return NULL;
    uint32_t len = (uint32_t)strlen(key);
    tbl_node *n = tbl_find(&s->terms, key, len, tbl_hash(&s->terms, key, len));
    return n ? TBL_ENTRY(n, term_entry, n) : NULL;
}

static void end_session(st_state *s, call_entry *c)
{
    if (!c->session_alive)
        return;
    c->session_alive = false;
    const char *keys[2] = {c->orig_term, c->term_term};
    for (int i = 0; i < 2; i++) {
        if (!keys[i] || (i == 1 && c->orig_term && strcmp(keys[0], keys[1]) == 0))
            continue;
        uint32_t len = (uint32_t)strlen(keys[i]);
        tbl_node *n = tbl_find(&s->terms, keys[i], len, tbl_hash(&s->terms, keys[i], len));
        if (n)
            term_session_del(TBL_ENTRY(n, term_entry, n), c->invite_frame);
    }
}

/* A Call-ID leaves the table: its record goes out (a registration Call-ID
 * is folded into its registration's record instead). */
static void call_retire(st_state *s, call_entry *c)
{
    end_session(s, c);
    if (c->kind == CALL_REG) {
        reg_entry *r = c->impi ? st_reg_by_impi(s, c->impi) : NULL;
        if (r)
            reg_count_call(r, c->call_id, c->msgs);
    } else if (c->kind == CALL_DIALOG) {
        if (s->cb.on_dialog) {
            imsec_dialog_rec rec;
            call_to_dialog_rec(c, &rec);
            xf_fill_dialog_rec(s->xf, c->call_id, &rec);
            s->cb.on_dialog(s->cb.ud, &rec);
        }
    } else if (s->cb.on_txn) {
        imsec_txn_rec rec;
        call_to_txn_rec(c, &rec);
        s->cb.on_txn(s->cb.ud, &rec);
    }
    call_entry_free(c);
}

static void call_evict(void *owner, tbl_node *n)
{
    st_state *s = owner;
    call_entry *c = TBL_ENTRY(n, call_entry, n);
    s->stats->ev_calls++;
    if (c->kind == CALL_DIALOG && c->st != CALL_ST_TERMINATED && c->st != CALL_ST_FAILED)
        s->stats->ev_dialogs++;
    call_retire(s, c);
}

static void reg_release(st_state *s, reg_entry *r)
{
    sa_reg_free(s->sa, r->sec);
    r->sec = NULL;
    reg_entry_free(r);
}

static void reg_evict(void *owner, tbl_node *n)
{
    st_state *s = owner;
    reg_entry *r = TBL_ENTRY(n, reg_entry, n);
    s->stats->ev_registrations++;
    emit_reg(s, r);
    reg_release(s, r);
}

static void term_evict(void *owner, tbl_node *n)
{
    (void)owner;
    term_entry_free(TBL_ENTRY(n, term_entry, n));
}

static void impu_evict(void *owner, tbl_node *n)
{
    (void)owner;
    impu_entry *i = TBL_ENTRY(n, impu_entry, n);
    free(i->impu);
    free(i->impi);
    free(i);
}

st_state *st_new(const st_limits *lim, const uint8_t hkey[16], imsec_stats *stats,
                 const imsec_callbacks *cb, const keys_set *keys)
{
    st_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->lim = *lim;
    s->stats = stats;
    if (cb)
        s->cb = *cb;
    if (!tbl_init(&s->calls, lim->max_calls, hkey, call_evict, s))
        goto fail;
    if (!tbl_init(&s->regs, lim->max_regs, hkey, reg_evict, s))
        goto fail_calls;
    if (!tbl_init(&s->terms, lim->max_terms, hkey, term_evict, s))
        goto fail_regs;
    if (!tbl_init(&s->impus, lim->max_regs * 2, hkey, impu_evict, s))
        goto fail_terms;
    s->sa = sa_ctx_new(hkey, stats, keys);
    if (!s->sa)
        goto fail_impus;
    sa_ctx_set_callbacks(s->sa, &s->cb);
    s->xf = xf_new(lim->max_regs, hkey);
    if (!s->xf) {
        sa_ctx_free(s->sa);
        goto fail_impus;
    }
    return s;
fail_impus:
    tbl_fini(&s->impus);
fail_terms:
    tbl_fini(&s->terms);
fail_regs:
    tbl_fini(&s->regs);
fail_calls:
    tbl_fini(&s->calls);
fail:
    free(s);
    return NULL;
}

void st_free(st_state *s)
{
    if (!s)
        return;
    /* Records were emitted by st_finish; here we only release memory. */
    s->cb.on_dialog = NULL;
    s->cb.on_registration = NULL;
    s->cb.on_txn = NULL;
    s->cb.on_sa = NULL;
    tbl_node *n;
    while ((n = tbl_pop_oldest(&s->calls)))
        call_entry_free(TBL_ENTRY(n, call_entry, n));
    while ((n = tbl_pop_oldest(&s->regs)))
        reg_release(s, TBL_ENTRY(n, reg_entry, n));
    tbl_drain(&s->terms);
    tbl_drain(&s->impus);
    tbl_fini(&s->calls);
    tbl_fini(&s->regs);
    tbl_fini(&s->terms);
    tbl_fini(&s->impus);
    sa_ctx_free(s->sa);
    xf_free(s->xf);
    free(s);
}

int st_open_esp(st_state *s, const net_meta *m, const uint8_t *pkt, uint32_t len, uint8_t *out,
                uint32_t cap, sa_esp_result *res)
{
    return sa_open_esp(s->sa, m, pkt, len, out, cap, res);
}

/* ---- lookups ---- */

call_entry *st_call_by_id(st_state *s, const char *id, size_t len)
{
    uint32_t l = len < CALL_MAX_ID ? (uint32_t)len : CALL_MAX_ID;
    tbl_node *n = tbl_find(&s->calls, id, l, tbl_hash(&s->calls, id, l));
    return n ? TBL_ENTRY(n, call_entry, n) : NULL;
}

reg_entry *st_reg_by_impi(st_state *s, const char *impi)
{
    uint32_t len = (uint32_t)strlen(impi);
    tbl_node *n = tbl_find(&s->regs, impi, len, tbl_hash(&s->regs, impi, len));
    return n ? TBL_ENTRY(n, reg_entry, n) : NULL;
}

reg_entry *st_reg_by_impu(st_state *s, const char *impu)
{
    uint32_t len = (uint32_t)strlen(impu);
    tbl_node *n = tbl_find(&s->impus, impu, len, tbl_hash(&s->impus, impu, len));
    return n ? st_reg_by_impi(s, TBL_ENTRY(n, impu_entry, n)->impi) : NULL;
}

static void index_impu(st_state *s, const char *impu, const char *impi)
{
    uint32_t len = (uint32_t)strlen(impu);
    uint64_t h = tbl_hash(&s->impus, impu, len);
    tbl_node *n = tbl_find(&s->impus, impu, len, h);
    if (n) {
        impu_entry *e = TBL_ENTRY(n, impu_entry, n);
        if (strcmp(e->impi, impi) != 0) {
            char *d = imsec_str_dup(imsec_str_make(impi, strlen(impi)), 256);
            if (d) {
                free(e->impi);
                e->impi = d;
            }
        }
        tbl_touch(&s->impus, n);
        return;
    }
    impu_entry *e = calloc(1, sizeof *e);
    if (!e)
        return;
    e->impu = imsec_str_dup(imsec_str_make(impu, len), 256);
    e->impi = imsec_str_dup(imsec_str_make(impi, strlen(impi)), 256);
    if (!e->impu || !e->impi) {
        impu_evict(s, &e->n);
        return;
    }
    e->n.key = (const uint8_t *)e->impu;
    e->n.keylen = len;
    tbl_insert(&s->impus, &e->n, h);
}

static call_entry *call_get(st_state *s, imsec_str id, const net_meta *m, bool *created)
{
    uint32_t len = id.len < CALL_MAX_ID ? id.len : CALL_MAX_ID;
    uint64_t h = tbl_hash(&s->calls, id.p, len);
    tbl_node *n = tbl_find(&s->calls, id.p, len, h);
    *created = false;
    if (n) {
        tbl_touch(&s->calls, n);
        return TBL_ENTRY(n, call_entry, n);
    }
    call_entry *c = calloc(1, sizeof *c + len + 1); /* the Call-ID lives after the entry */
    if (!c)
        return NULL;
    c->call_id = (char *)(c + 1);
    memcpy(c->call_id, id.p, len);
    c->n.key = (const uint8_t *)c->call_id;
    c->n.keylen = len;
    c->first_frame = m->frame;
    c->start = m->ts;
    tbl_insert(&s->calls, &c->n, h);
    *created = true;
    return c;
}

static reg_entry *reg_get(st_state *s, const char *impi, const net_meta *m)
{
    reg_entry *r = st_reg_by_impi(s, impi);
    if (r) {
        tbl_touch(&s->regs, &r->n);
        return r;
    }
    r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    uint32_t len = (uint32_t)strlen(impi);
    r->impi = imsec_str_dup(imsec_str_make(impi, len), len);
    if (!r->impi) {
        free(r);
        return NULL;
    }
    r->n.key = (const uint8_t *)r->impi;
    r->n.keylen = len;
    r->first_frame = m->frame;
    r->start = m->ts;
    tbl_insert(&s->regs, &r->n, tbl_hash(&s->regs, impi, len));
    s->stats->registrations++;
    return r;
}

/* A provisional registration (keyed by AOR) learns its username: re-key it,
 * or merge into the entry that already holds that IMPI. */
static reg_entry *reg_rename(st_state *s, reg_entry *r, const char *impi)
{
    reg_entry *other = st_reg_by_impi(s, impi);
    if (other == r)
        return r;
    if (other) {
        for (unsigned i = 0; i < r->nimpu; i++)
            reg_add_impu(other, r->impus[i]);
        for (unsigned i = 0; i < r->ncall_ids; i++)
            reg_count_call(other, r->call_ids[i], r->call_id_msgs[i]);
        other->call_ids_more += r->call_ids_more;
        other->call_ids_more_msgs += r->call_ids_more_msgs;
        if (r->first_frame < other->first_frame) {
            other->first_frame = r->first_frame;
            other->start = r->start;
        }
        if (!other->sec) {
            other->sec = r->sec;
            r->sec = NULL;
        }
        tbl_remove(&s->regs, &r->n);
        reg_release(s, r);
        s->stats->registrations--;
        return other;
    }
    uint32_t len = (uint32_t)strlen(impi);
    char *d = imsec_str_dup(imsec_str_make(impi, len), len);
    if (!d)
        return r;
    tbl_remove(&s->regs, &r->n);
    free(r->impi);
    r->impi = d;
    r->n.key = (const uint8_t *)d;
    r->n.keylen = len;
    r->provisional = false;
    tbl_insert(&s->regs, &r->n, tbl_hash(&s->regs, d, len));
    return r;
}

static void set_str(char **dst, imsec_str v, size_t cap)
{
    char *d = imsec_str_dup(v, cap);
    if (d) {
        free(*dst);
        *dst = d;
    }
}

static void set_cstr(char **dst, const char *v)
{
    set_str(dst, imsec_str_make(v, strlen(v)), IDENT_MAX);
}

/* ---- registrations ---- */

/* The URI of a list's first element, copied for state to keep. */
static bool first_uri(const sip_view *v, sip_view_list l, char *out, size_t cap)
{
    const sip_naddr *na = sip_view_list_first(v, l);
    if (!na)
        return false;
    imsec_str_copy(na->uri_str, out, cap);
    return true;
}

static void on_register_request(st_state *s, st_msg *ev, call_entry *c)
{
    /* The IMPI is the username of Authorization, not Proxy-Authorization. */
    const sip_digest *d = ev->auth;
    bool have_auth = ev->has_auth && !ev->auth_is_proxy && d->has_username && d->username.len;

    char impi[IDENT_MAX];
    reg_entry *r = NULL;
    if (have_auth) {
        imsec_str_copy(d->username, impi, sizeof impi);
        r = c->impi ? st_reg_by_impi(s, c->impi) : NULL;
        if (r && r->provisional)
            r = reg_rename(s, r, impi);
        else
            r = reg_get(s, impi, ev->m);
    } else {
        r = c->impi ? st_reg_by_impi(s, c->impi) : NULL;
        if (!r && ev->to_id[0]) {
            r = reg_get(s, ev->to_id, ev->m);
            if (r && r->first_frame == ev->m->frame)
                r->provisional = true;
        }
    }
    if (!r)
        return;
    if (r->first_frame == ev->m->frame && !(ev->m->flags & NET_F_ESP))
        r->started_clear = true;
    set_cstr(&c->impi, r->impi);
    ev->reg = r;
    r->last_frame = ev->m->frame;
    r->end = ev->m->ts;
    if (ev->sa.gm)
        r->ue_tuple = ev->m->t;
    sa_on_register(s->sa, &r->sec, r->impi, ev->m, ev->v,
                   ev->has_auth && !ev->auth_is_proxy ? d : NULL, &ev->sa);
    if (ev->to_id[0]) {
        reg_add_impu(r, ev->to_id);
        index_impu(s, ev->to_id, r->impi);
    }
    char buf[IDENT_MAX];
    if (first_uri(ev->v, SIP_VIEW_L_CONTACT, buf, sizeof buf))
        set_cstr(&r->contact, buf);
    if (have_auth && d->has_response && d->response.len && r->challenged)
        r->responded = true;
    /* The mechanism in use: what the UE verified, else what it offered. */
    if (r->sec) {
        const sa_mechs *ml = r->sec->verify.n ? &r->sec->verify : &r->sec->client;
        if (ml->n)
            snprintf(r->sec_mech, sizeof r->sec_mech, "%s", ml->m[0].mech);
    }
    if (r->st != REG_ST_REGISTERED)
        r->st = REG_ST_PENDING;
}

static void on_register_response(st_state *s, st_msg *ev, call_entry *c)
{
    const sip_msg *msg = ev->msg;
    reg_entry *r = c->impi ? st_reg_by_impi(s, c->impi) : NULL;
    if (!r)
        return;
    ev->reg = r;
    r->last_frame = ev->m->frame;
    r->end = ev->m->ts;
    sa_on_register(s->sa, &r->sec, r->impi, ev->m, ev->v, NULL, &ev->sa);
    uint16_t code = msg->status;
    if (code == 401 || code == 407) {
        r->challenged = true;
        r->responded = false;
        if (r->st != REG_ST_REGISTERED)
            r->st = REG_ST_CHALLENGED;
    } else if (code >= 200 && code < 300) {
        uint32_t exp;
        bool found = sip_view_expires(ev->v, &exp);
        r->expires = exp;
        if (found && exp == 0) {
            r->st = REG_ST_DEREGISTERED;
        } else {
            ev->reg_ok = true;
            ev->reg_first_ok = r->last_ok_frame == 0;
            r->st = REG_ST_REGISTERED;
            r->last_ok_frame = ev->m->frame;
            if (r->challenged && r->responded)
                r->authenticated = true;
        }
        if (ev->sa.gm)
            sa_on_registered(s->sa, r->sec, ev->m, found ? exp : 600);
        /* The implicit registration set (RFC 7315 §4.1; TS 24.229 §5.4.1.2.2). */
        sip_view_naddrs pau = sip_view_list_get(ev->v, SIP_VIEW_L_PAU);
        for (uint16_t i = 0; i < pau.n; i++) {
            char id[IDENT_MAX];
            if (ident_from_uri(&pau.a[i].uri, id) && reg_add_impu(r, id))
                index_impu(s, id, r->impi);
        }
        char buf[IDENT_MAX];
        if (first_uri(ev->v, SIP_VIEW_L_SERVICE_ROUTE, buf, sizeof buf))
            set_cstr(&r->scscf, buf);
        if (first_uri(ev->v, SIP_VIEW_L_PATH, buf, sizeof buf))
            set_cstr(&r->pcscf, buf);
    } else if (code >= 300) {
        if (r->st != REG_ST_REGISTERED)
            r->st = REG_ST_FAILED;
    }
}

/* ---- dialogs and sessions ---- */

static void media_of(const sip_view *v, char *out, size_t cap)
{
    const sdp_desc *sd = sip_view_sdp(v);
    if (!sd || sd->nmedia == 0)
        return;
    const sdp_conn *cn = sdp_media_conn(sd, &sd->media[0]);
    char addr[IMSEC_ADDRSTRLEN] = "";
    if (cn && cn->present)
        imsec_str_copy(cn->addr, addr, sizeof addr);
    int n = snprintf(out, cap, "%s:%u", addr, (unsigned)sd->media[0].port);
    if (n < 0 || (size_t)n >= cap)
        out[cap - 1] = '\0';
}

static term_entry *term_get(st_state *s, const char *key)
{
    uint32_t len = (uint32_t)strlen(key);
    uint64_t h = tbl_hash(&s->terms, key, len);
    tbl_node *n = tbl_find(&s->terms, key, len, h);
    if (n) {
        tbl_touch(&s->terms, n);
        return TBL_ENTRY(n, term_entry, n);
    }
    /* One allocation for entry and key: a capture can hold a terminal per dialog. */
    term_entry *t = calloc(1, sizeof *t + len + 1);
    if (!t)
        return NULL;
    t->key = (char *)(t + 1);
    memcpy(t->key, key, len);
    t->n.key = (const uint8_t *)t->key;
    t->n.keylen = len;
    tbl_insert(&s->terms, &t->n, h);
    return t;
}

/* The terminal a public identity belongs to: its registration's IMPI when
 * known (one subscription, one terminal), otherwise the identity itself. */
static void terminal_key(st_state *s, const char *impu, char out[IDENT_MAX])
{
    reg_entry *r = impu[0] ? st_reg_by_impu(s, impu) : NULL;
    imsec_str_copy(imsec_str_make(r ? r->impi : impu, strlen(r ? r->impi : impu)), out, IDENT_MAX);
}

static void start_session(st_state *s, st_msg *ev, call_entry *c)
{
    if (c->session_alive)
        return;
    c->session_alive = true;
    ev->session_started = true;
    if (c->orig_term && c->orig_term[0]) {
        ev->orig_term = term_get(s, c->orig_term);
        if (ev->orig_term)
            term_session_add(ev->orig_term, c->invite_frame);
    }
    if (c->term_term && c->term_term[0] &&
        !(c->orig_term && strcmp(c->orig_term, c->term_term) == 0)) {
        ev->term_term = term_get(s, c->term_term);
        if (ev->term_term)
            term_session_add(ev->term_term, c->invite_frame);
    }
}

/* Another attempt of the dialog-creating request on a Call-ID that already
 * had one: the request re-sent with credentials after 401/407 (RFC 3261
 * §22.2: same Call-ID, higher CSeq), or a new call reusing the Call-ID of
 * a finished one (seen from real UAs). Retransmissions keep their CSeq. */
static bool dialog_retry(const call_entry *c, const st_msg *ev, sip_method me)
{
    return c->kind == CALL_DIALOG && c->method == me && ev->cseq > c->create_cseq &&
           (c->st == CALL_ST_CHALLENGED || c->st == CALL_ST_FAILED ||
            c->st == CALL_ST_TERMINATED);
}

static void on_dialog_request(st_state *s, st_msg *ev, call_entry *c, bool created_call)
{
    const sip_msg *msg = ev->msg;
    sip_method me = msg->method;
    bool creating = (me == SIP_M_INVITE || me == SIP_M_SUBSCRIBE || me == SIP_M_REFER) &&
                    ev->to_tag.len == 0;
    bool retry = creating && dialog_retry(c, ev, me);
    /* A Call-ID first used for REGISTER can carry a call too (some UAs
     * reuse it): the INVITE makes it a dialog; c->impi keeps the link to
     * the registration for the REGISTERs that may follow on it. */
    bool fresh = creating && (c->kind == CALL_TXN || (c->kind == CALL_REG && me == SIP_M_INVITE));
    if (fresh || retry) {
        if (fresh) {
            s->stats->dialogs++; /* dialogs are counted per Call-ID (interface.md) */
            ev->dialog_created = true;
        } else {
            end_session(s, c);
        }
        c->kind = CALL_DIALOG;
        c->method = me;
        c->st = CALL_ST_TRYING;
        c->final_status = 0;
        c->create_cseq = ev->cseq;
        c->invite_frame = ev->m->frame;
        set_cstr(&c->from, ev->from_id);
        set_cstr(&c->to, ev->to_id);
        if (me == SIP_M_INVITE) {
            char id[IDENT_MAX], key[IDENT_MAX];
            /* The network-asserted identity wins over what the UE claimed
             * (RFC 3325 §9.1); fall back to From. */
            if (!ident_from_naddr(sip_view_list_first(ev->v, SIP_VIEW_L_PAI), id))
                imsec_str_copy(imsec_str_make(ev->from_id, strlen(ev->from_id)), id, sizeof id);
            terminal_key(s, id, key);
            set_cstr(&c->orig_term, key);
            if (!ident_from_naddr(sip_view_list_first(ev->v, SIP_VIEW_L_CALLED_PARTY), id))
                imsec_str_copy(imsec_str_make(ev->to_id, strlen(ev->to_id)), id, sizeof id);
            terminal_key(s, id, key);
            set_cstr(&c->term_term, key);
            media_of(ev->v, c->caller_media, sizeof c->caller_media);
        }
    } else if (created_call) {
        c->method = me;
    }
    if (c->kind != CALL_DIALOG)
        return;
    if (me == SIP_M_BYE && c->st != CALL_ST_TERMINATED) {
        c->st = CALL_ST_TERMINATED;
        ev->session_ended = c->session_alive;
        end_session(s, c);
        if (ev->session_ended) {
            ev->orig_term = term_find(s, c->orig_term);
            ev->term_term = term_find(s, c->term_term);
        }
    }
}

static void on_dialog_response(st_state *s, st_msg *ev, call_entry *c)
{
    const sip_msg *msg = ev->msg;
    uint16_t code = msg->status;
    if (code == 401 || code == 407)
        c->challenged = true;
    if (c->kind != CALL_DIALOG)
        return;
    if (ev->cseq_method == c->method && ev->cseq == c->create_cseq) {
        if (code >= 101 && code < 200 && ev->to_tag.len && c->st == CALL_ST_TRYING)
            c->st = CALL_ST_EARLY;
        else if (code >= 200 && code < 300) {
            if (c->st == CALL_ST_TRYING || c->st == CALL_ST_EARLY) {
                c->st = CALL_ST_CONFIRMED;
                c->final_status = code;
                if (c->method == SIP_M_INVITE) {
                    media_of(ev->v, c->callee_media, sizeof c->callee_media);
                    start_session(s, ev, c);
                }
            }
        } else if (code >= 300 && (c->st == CALL_ST_TRYING || c->st == CALL_ST_EARLY)) {
            c->st = code == 401 || code == 407 ? CALL_ST_CHALLENGED : CALL_ST_FAILED;
            c->final_status = code;
        }
    }
}

bool st_on_sip(st_state *s, const net_meta *m, const sip_view *v, st_msg *ev)
{
    const sip_msg *msg = sip_view_msg(v);
    memset(ev, 0, sizeof *ev);
    ev->m = m;
    ev->msg = msg;
    ev->v = v;
    ev->call_id = imsec_str_trim(sip_msg_value(msg, SIP_HDR_CALL_ID));
    if (!ev->call_id.len || !sip_view_cseq(v, &ev->cseq, &ev->cseq_method))
        return false;
    const sip_naddr *na = sip_view_from(v);
    if (na) {
        ev->from_tag = sip_naddr_tag(na);
        ident_from_uri(&na->uri, ev->from_id);
    }
    if ((na = sip_view_to(v))) {
        ev->to_tag = sip_naddr_tag(na);
        ident_from_uri(&na->uri, ev->to_id);
    }
    if (msg->is_request) {
        ev->auth = sip_view_credentials(v, &ev->auth_is_proxy);
        if (ev->auth) {
            ev->has_auth = true;
            if (ev->auth->has_username)
                ev->auth_username = ev->auth->username;
        }
    }
    if (m->ts.sec > s->last_tick)
        st_tick(s, m->ts);
    sa_on_message(s->sa, m, v, &ev->sa);

    bool created;
    call_entry *c = call_get(s, ev->call_id, m, &created);
    if (!c)
        return false;
    ev->call = c;
    c->msgs++;
    c->last_frame = m->frame;
    c->end = m->ts;
    if (m->flags & NET_F_ESP)
        c->protected_any = true;

    sip_method me = msg->is_request ? msg->method : ev->cseq_method;
    if (me == SIP_M_REGISTER) {
        if (c->kind == CALL_TXN) {
            c->kind = CALL_REG;
            c->method = SIP_M_REGISTER;
        }
        if (msg->is_request)
            on_register_request(s, ev, c);
        else
            on_register_response(s, ev, c);
    } else if (msg->is_request) {
        on_dialog_request(s, ev, c, created);
    } else {
        on_dialog_response(s, ev, c);
    }
    xf_on_sip(s->xf, s, m, v, c, ev->reg, ev->session_started, ev->session_ended, ev->from_id,
              ev->to_id, ev->to_tag, &ev->xf);
    return true;
}

static uint32_t call_timeout(const st_state *s, const call_entry *c)
{
    if (c->st == CALL_ST_TERMINATED || c->st == CALL_ST_FAILED || c->kind != CALL_DIALOG)
        return s->lim.call_linger_s;
    return s->lim.call_idle_s;
}

/* The LRU list is ordered by last activity, so expiry walks from the oldest
 * end and stops at the first entry still inside its timeout. An entry with
 * a long timeout can shield younger short-timeout ones behind it for a while;
 * that delays their records but never loses them. */
void st_tick(st_state *s, imsec_ts now)
{
    s->now = now;
    s->last_tick = now.sec;
    tbl_node *n;
    while ((n = tbl_oldest(&s->calls))) {
        call_entry *c = TBL_ENTRY(n, call_entry, n);
        if (now.sec - c->end.sec <= (int64_t)call_timeout(s, c))
            break;
        tbl_remove(&s->calls, n);
        call_retire(s, c);
    }
}

static int by_first_frame_call(const void *a, const void *b)
{
    const call_entry *x = *(call_entry *const *)a, *y = *(call_entry *const *)b;
    return x->first_frame < y->first_frame ? -1 : x->first_frame > y->first_frame;
}

static int by_first_frame_reg(const void *a, const void *b)
{
    const reg_entry *x = *(reg_entry *const *)a, *y = *(reg_entry *const *)b;
    return x->first_frame < y->first_frame ? -1 : x->first_frame > y->first_frame;
}

void st_finish(st_state *s)
{
    uint32_t n = s->calls.count, i = 0;
    call_entry **cs = calloc(n ? n : 1, sizeof *cs);
    tbl_node *node;
    while ((node = tbl_pop_oldest(&s->calls))) {
        if (cs)
            cs[i++] = TBL_ENTRY(node, call_entry, n);
        else
            call_retire(s, TBL_ENTRY(node, call_entry, n));
    }
    if (cs) {
        qsort(cs, i, sizeof *cs, by_first_frame_call);
        for (uint32_t k = 0; k < i; k++)
            call_retire(s, cs[k]);
        free(cs);
    }
    n = s->regs.count;
    i = 0;
    reg_entry **rs = calloc(n ? n : 1, sizeof *rs);
    while ((node = tbl_pop_oldest(&s->regs))) {
        reg_entry *r = TBL_ENTRY(node, reg_entry, n);
        if (rs) {
            rs[i++] = r;
        } else {
            emit_reg(s, r);
            reg_release(s, r);
        }
    }
    if (rs) {
        qsort(rs, i, sizeof *rs, by_first_frame_reg);
        for (uint32_t k = 0; k < i; k++) {
            emit_reg(s, rs[k]);
            reg_release(s, rs[k]);
        }
        free(rs);
    }
}
