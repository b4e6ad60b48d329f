#include "state/xfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/imsec_str.h"
#include "sip/sip_hdr.h"
#include "state/call.h"
#include "state/reg.h"
#include "state/state.h"

#define XF_RING_N 256 /* recent REFERs kept for linking (bounded, oldest overwritten) */

/* Contact "host:port" -> IMPI, to tie a request to the registration its
 * terminal made (the UE sends from its registered contact, TS 24.229 §5.1.2A). */
typedef struct {
    tbl_node n;
    char *key, *impi;
} xf_contact;

struct xf_ctx {
    tbl sess, senders, regs, terms, contacts;
    xf_xfer ring[XF_RING_N];
    uint32_t ring_next;
};

/* ---- small helpers ---- */

static void cpy(char *dst, size_t cap, const char *src)
{
    imsec_str_copy(imsec_str_make(src ? src : "", src ? strlen(src) : 0), dst, cap);
}

static bool ts_after(imsec_ts a, imsec_ts b) /* a > b */
{
    return a.sec > b.sec || (a.sec == b.sec && a.usec > b.usec);
}

/* "host[:port]" of a URI, host lowercased. */
static void hostport(const sip_uri *u, char out[IDENT_MAX])
{
    char h[IDENT_MAX];
    imsec_str_copy(u->host, h, sizeof h);
    for (char *p = h; *p; p++)
        *p = (char)imsec_ascii_lower((unsigned char)*p);
    int n = u->has_port ? snprintf(out, IDENT_MAX, "%s:%u", h, (unsigned)u->port)
                        : snprintf(out, IDENT_MAX, "%s", h);
    if (n < 0)
        out[0] = '\0';
}

/* The first element of a name-addr list, from the message view. */
static bool first_naddr(const sip_view *v, sip_view_list l, sip_naddr *na)
{
    const sip_naddr *f = sip_view_list_first(v, l);
    if (f)
        *na = *f;
    return f != NULL;
}

static bool anonymous_id(const char *id)
{
    return strstr(id, "anonymous") != NULL;
}

/* ---- numbers (premium-rate / foreign prefix matching) ---- */

static size_t number_of(imsec_str user, bool tel, char out[IDENT_MAX])
{
    size_t n = 0, digits = 0;
    out[0] = '\0';
    uint32_t i = 0;
    /* A sip: user part may carry ;params of its own (RFC 3261 §19.1.6). */
    uint32_t end = user.len;
    for (uint32_t k = 0; k < user.len; k++)
        if (user.p[k] == ';') {
            end = k;
            break;
        }
    if (end && user.p[0] == '+') {
        out[n++] = '+';
        i = 1;
    }
    for (; i < end && n < IDENT_MAX - 1; i++) {
        char c = user.p[i];
        if (imsec_is_digit((unsigned char)c)) {
            out[n++] = c;
            digits++;
        } else if (c == '-' || c == '.' || c == '(' || c == ')' || c == ' ') {
            continue; /* visual separators, RFC 3966 §5.1.1 */
        } else {
            out[0] = '\0';
            return 0;
        }
    }
    out[n] = '\0';
    if (digits < 3 && !tel) {
        out[0] = '\0';
        return 0;
    }
    /* International prefix "00" (ITU-T E.164 Annex; most dialling plans) -> "+". */
    if (out[0] == '0' && out[1] == '0' && n > 2) {
        memmove(out + 1, out + 2, n - 1);
        out[0] = '+';
        n--;
    }
    return n;
}

size_t xf_number_of_uri(const sip_uri *u, char out[IDENT_MAX])
{
    out[0] = '\0';
    if (u->scheme == SIP_URI_TEL)
        return number_of(u->user, true, out);
    if (u->scheme == SIP_URI_SIP || u->scheme == SIP_URI_SIPS)
        return number_of(u->user, false, out);
    return 0;
}

size_t xf_number_of_str(const char *s, char out[IDENT_MAX])
{
    imsec_str v = imsec_str_make(s, strlen(s));
    sip_uri u;
    if ((imsec_str_starts_with_ci(v, "sip:") || imsec_str_starts_with_ci(v, "tel:") ||
         imsec_str_starts_with_ci(v, "sips:")) &&
        sip_uri_parse(v, &u) == IMSEC_OK)
        return xf_number_of_uri(&u, out);
    return number_of(v, true, out);
}

/* ---- tables ---- */

static void sess_evict(void *o, tbl_node *n)
{
    (void)o;
    xf_sess *s = TBL_ENTRY(n, xf_sess, n);
    free(s->call_id);
    free(s);
}

static void sender_evict(void *o, tbl_node *n)
{
    (void)o;
    xf_sender *s = TBL_ENTRY(n, xf_sender, n);
    free(s->key);
    free(s);
}

static void reg_evict(void *o, tbl_node *n)
{
    (void)o;
    xf_reg *r = TBL_ENTRY(n, xf_reg, n);
    free(r->impi);
    free(r);
}

static void term_evict(void *o, tbl_node *n)
{
    (void)o;
    term_entry_free(TBL_ENTRY(n, term_entry, n));
}

static void contact_evict(void *o, tbl_node *n)
{
    (void)o;
    xf_contact *c = TBL_ENTRY(n, xf_contact, n);
    free(c->key);
    free(c->impi);
    free(c);
}

xf_ctx *xf_new(uint32_t cap, const uint8_t hkey[16])
{
    xf_ctx *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    bool ok = tbl_init(&x->sess, cap, hkey, sess_evict, x);
    ok = ok && tbl_init(&x->senders, cap, hkey, sender_evict, x);
    ok = ok && tbl_init(&x->regs, cap, hkey, reg_evict, x);
    ok = ok && tbl_init(&x->terms, cap, hkey, term_evict, x);
    ok = ok && tbl_init(&x->contacts, cap, hkey, contact_evict, x);
    if (!ok) {
        xf_free(x);
        return NULL;
    }
    return x;
}

void xf_free(xf_ctx *x)
{
    if (!x)
        return;
    tbl_drain(&x->sess);
    tbl_drain(&x->senders);
    tbl_drain(&x->regs);
    tbl_drain(&x->terms);
    tbl_drain(&x->contacts);
    free(x);
}

static tbl_node *find(tbl *t, const char *key, uint64_t *h)
{
    uint32_t len = (uint32_t)strlen(key);
    *h = tbl_hash(t, key, len);
    return tbl_find(t, key, len, *h);
}

/* Allocates an entry of size sz whose first member is a tbl_node and whose
 * owned key pointer lives at key_off; returns NULL on failure. */
static void *get_or_new(tbl *t, const char *key, size_t sz, size_t node_off, size_t key_off,
                        bool create)
{
    uint64_t h;
    tbl_node *n = find(t, key, &h);
    if (n) {
        tbl_touch(t, n);
        return (char *)n - node_off;
    }
    if (!create || !key[0])
        return NULL;
    char *e = calloc(1, sz);
    if (!e)
        return NULL;
    uint32_t len = (uint32_t)strlen(key);
    char *k = imsec_str_dup(imsec_str_make(key, len), len);
    if (!k) {
        free(e);
        return NULL;
    }
    memcpy(e + key_off, &k, sizeof k);
    tbl_node *nn = (tbl_node *)(void *)(e + node_off);
    nn->key = (const uint8_t *)k;
    nn->keylen = len;
    tbl_insert(t, nn, h);
    return e;
}

#define GET(t, key, type, keyfield, create)                                                    \
    ((type *)get_or_new((t), (key), sizeof(type), offsetof(type, n), offsetof(type, keyfield), \
                        (create)))

static xf_reg *xreg_get(xf_ctx *x, const char *impi, bool create)
{
    return GET(&x->regs, impi, xf_reg, impi, create);
}

static void reg_event(xf_reg *r, const net_meta *m, const char *what, const char *scscf,
                      const char *route)
{
    r->nev_total++;
    if (r->nev >= XF_REG_EVENTS) {
        /* keep the first events and the latest: overwrite the last slot */
        r->nev = XF_REG_EVENTS - 1;
    }
    xf_reg_event *e = &r->ev[r->nev++];
    memset(e, 0, sizeof *e);
    e->frame = m ? m->frame : 0;
    e->ts = m ? m->ts : r->gone_ts;
    e->what = what;
    e->expires = r->expires;
    e->nset = r->nset;
    cpy(e->scscf, sizeof e->scscf, scscf);
    cpy(e->route, sizeof e->route, route);
}

/* A registration that was not refreshed in time has expired (RFC 3261 §10.2.1). */
static void reg_refresh(xf_reg *r, imsec_ts now)
{
    if (!r->registered || !r->expires)
        return;
    imsec_ts until = {r->ok_ts.sec + (int64_t)r->expires, r->ok_ts.usec};
    if (!ts_after(now, until))
        return;
    r->registered = false;
    r->gone_ts = until;
    r->gone_frame = 0;
    r->gone_why = "expired";
    r->nset = 0;
    reg_event(r, NULL, "expired", "", "");
}

static bool in_set(const xf_reg *r, const char *id)
{
    for (unsigned i = 0; i < r->nset; i++)
        if (strcmp(r->set[i], id) == 0)
            return true;
    return false;
}

static void set_add(xf_reg *r, const char *id)
{
    if (!id[0] || in_set(r, id) || r->nset >= XF_MAX_REG_SET)
        return;
    cpy(r->set[r->nset++], IDENT_MAX, id);
}

/* Currently registered owner of an identity (any IMPI whose set holds it). */
static xf_reg *owner_of(xf_ctx *x, st_state *s, const char *id, imsec_ts now)
{
    reg_entry *re = id[0] ? st_reg_by_impu(s, id) : NULL;
    xf_reg *r = re ? xreg_get(x, re->impi, false) : NULL;
    if (r)
        reg_refresh(r, now);
    return r;
}

static xf_reg *owner_by_contact(xf_ctx *x, const char *hp, imsec_ts now)
{
    xf_contact *c = hp[0] ? GET(&x->contacts, hp, xf_contact, key, false) : NULL;
    xf_reg *r = c && c->impi ? xreg_get(x, c->impi, false) : NULL;
    if (r)
        reg_refresh(r, now);
    return r;
}

/* ---- registrations ---- */

static void on_register_req(xf_ctx *x, const sip_view *v, const reg_entry *reg)
{
    xf_reg *r = xreg_get(x, reg->impi, true);
    if (!r)
        return;
    sip_naddr na;
    r->pend_route[0] = '\0';
    if (first_naddr(v, SIP_VIEW_L_ROUTE, &na))
        hostport(&na.uri, r->pend_route);
    else if (sip_view_ruri(v))
        hostport(sip_view_ruri(v), r->pend_route);
    if (first_naddr(v, SIP_VIEW_L_CONTACT, &na) && !na.star) {
        char hp[IDENT_MAX];
        hostport(&na.uri, hp);
        if (hp[0]) {
            cpy(r->contact, sizeof r->contact, hp);
            xf_contact *c = GET(&x->contacts, hp, xf_contact, key, true);
            if (c) {
                char *d = imsec_str_dup(imsec_str_make(reg->impi, strlen(reg->impi)), IDENT_MAX);
                if (d) {
                    free(c->impi);
                    c->impi = d;
                }
            }
        }
    }
}

static void on_register_ok(xf_ctx *x, const net_meta *m, const sip_view *v,
                           const reg_entry *reg, const char *to_id, xf_event *out)
{
    xf_reg *r = xreg_get(x, reg->impi, true);
    if (!r)
        return;
    reg_refresh(r, m->ts);
    out->xreg = r;
    if (reg->st == REG_ST_DEREGISTERED) {
        if (!r->registered && r->gone_why && strcmp(r->gone_why, "de-registered") == 0)
            return; /* the same 2xx seen on another hop */
        r->registered = false;
        r->gone_ts = m->ts;
        r->gone_frame = m->frame;
        r->gone_why = "de-registered";
        r->nset = 0;
        r->expires = 0;
        r->serving[0] = '\0';
        reg_event(r, m, "de-registered", "", r->pend_route);
        return;
    }
    if (reg->st != REG_ST_REGISTERED)
        return;
    char answering[IDENT_MAX] = "";
    sip_naddr na;
    if (first_naddr(v, SIP_VIEW_L_SERVICE_ROUTE, &na))
        hostport(&na.uri, answering);
    /* The same 2xx on a second hop (S-CSCF -> P-CSCF -> UE) is not a new event. */
    if (r->registered && r->nev && r->ev[r->nev - 1].ts.sec == m->ts.sec &&
        m->ts.usec - r->ev[r->nev - 1].ts.usec < 500000u &&
        strcmp(r->ev[r->nev - 1].scscf, answering) == 0)
        return;
    bool was = r->registered;
    if (was && r->serving[0] && answering[0]) {
        out->rereg = true;
        cpy(out->serving, sizeof out->serving, r->serving);
        cpy(out->answering, sizeof out->answering, answering);
        cpy(out->rereg_route, sizeof out->rereg_route, r->pend_route);
    }
    if (!was || !r->serving[0])
        cpy(r->serving, sizeof r->serving, answering);
    r->nset = 0;
    set_add(r, to_id);
    /* The implicit registration set (RFC 7315 §4.1; TS 24.229 §5.4.1.2.2). */
    sip_view_naddrs pau = sip_view_list_get(v, SIP_VIEW_L_PAU);
    for (uint16_t i = 0; i < pau.n; i++) {
        char id[IDENT_MAX];
        if (ident_from_naddr(&pau.a[i], id))
            set_add(r, id);
    }
    r->registered = true;
    r->ok_ts = m->ts;
    r->expires = reg->expires;
    r->gone_why = NULL;
    reg_event(r, m, was ? "re-registered" : "registered", answering, r->pend_route);
}

/* Network-initiated de-registration via the reg event package (RFC 3680
 * §5.2; TS 24.229 §5.4.1.5): every <registration> terminated. */
static void on_reg_notify(xf_ctx *x, st_state *s, const net_meta *m, const sip_view *v,
                          const char *to_id)
{
    const sip_msg *msg = sip_view_msg(v);
    reg_entry *re = to_id[0] ? st_reg_by_impu(s, to_id) : NULL;
    if (!re)
        return;
    xf_reg *r = xreg_get(x, re->impi, true);
    if (!r)
        return;
    bool terminated = imsec_str_find_ci(msg->body, "state=\"terminated\"") >= 0;
    bool active = imsec_str_find_ci(msg->body, "state=\"active\"") >= 0;
    if (terminated && !active && r->registered) {
        r->registered = false;
        r->gone_ts = m->ts;
        r->gone_frame = m->frame;
        r->gone_why = "network-deregistered";
        r->nset = 0;
        r->expires = 0;
        reg_event(r, m, "network-deregistered", "", "");
    } else if (!terminated || active) {
        reg_event(r, m, "reg-event", "", "");
    }
}

/* ---- transfers ---- */

static xf_xfer *ring_find(xf_ctx *x, const char *cid, uint32_t cseq)
{
    for (uint32_t k = 0; k < XF_RING_N; k++) {
        xf_xfer *t = &x->ring[k];
        if (t->used && t->refer_cseq == cseq && strcmp(t->refer_call_id, cid) == 0)
            return t;
    }
    return NULL;
}

static void party_add(xf_xfer *t, const char *id)
{
    if (!id[0])
        return;
    for (unsigned i = 0; i < t->nparties; i++)
        if (strcmp(t->parties[i], id) == 0)
            return;
    if (t->nparties < XF_MAX_PARTIES)
        cpy(t->parties[t->nparties++], IDENT_MAX, id);
}

static bool party_has(const xf_xfer *t, const char *id)
{
    for (unsigned i = 0; i < t->nparties; i++)
        if (strcmp(t->parties[i], id) == 0)
            return true;
    return false;
}

/* An opaque token in the user part (RFC 3261 §19.1.1 allows any unreserved
 * characters): long, mixing letters and digits, not a number. Returns its
 * length, 0 if the user part does not look like one. */
static uint32_t token_len(imsec_str user)
{
    uint32_t letters = 0, digits = 0;
    for (uint32_t i = 0; i < user.len; i++) {
        unsigned char c = (unsigned char)user.p[i];
        if (imsec_is_digit(c))
            digits++;
        else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            letters++;
        else if (c == '\0' || !strchr("-_.~+/=%!*'()", c))
            return 0;
    }
    return letters >= 2 && digits >= 2 && user.len >= 8 ? user.len : 0;
}

static void on_refer(xf_ctx *x, st_state *s, const net_meta *m, const sip_view *v,
                     const call_entry *c, const char *from_id, const char *to_id,
                     xf_event *out)
{
    uint32_t cseq = 0;
    if (!sip_view_cseq(v, &cseq, NULL))
        return;
    if (ring_find(x, c->call_id, cseq))
        return; /* retransmission, or the same REFER on another hop */
    sip_naddr rt;
    if (!first_naddr(v, SIP_VIEW_L_REFER_TO, &rt))
        return;
    xf_xfer *t = &x->ring[x->ring_next];
    x->ring_next = (x->ring_next + 1) % XF_RING_N;
    memset(t, 0, sizeof *t);
    t->used = true;
    cpy(t->refer_call_id, sizeof t->refer_call_id, c->call_id);
    t->refer_cseq = cseq;
    t->refer_frame = m->frame;
    t->refer_ts = m->ts;
    ident_from_naddr(sip_view_list_first(v, SIP_VIEW_L_PAI), t->referrer_pai);
    cpy(t->referrer_from, sizeof t->referrer_from, from_id);
    cpy(t->referrer, sizeof t->referrer, t->referrer_pai[0] ? t->referrer_pai : from_id);
    ident_from_naddr(sip_view_list_first(v, SIP_VIEW_L_REFERRED_BY), t->referred_by);
    cpy(t->referee, sizeof t->referee, to_id);
    ident_from_uri(&rt.uri, t->target);
    /* Attended transfer: Refer-To <...?Replaces=callid%3Bto-tag%3D..> (RFC 3891 §7). */
    imsec_str rv;
    if (sip_uri_header_get(rt.uri.headers, "Replaces", &rv)) {
        char buf[512];
        long n = sip_uri_unescape(rv, buf, sizeof buf);
        sip_replaces rp;
        if (n > 0 && sip_replaces_parse(imsec_str_make(buf, (size_t)n), &rp) == IMSEC_OK)
            imsec_str_copy(rp.call_id, t->replaces, sizeof t->replaces);
    }
    /* Who pays: the transferor's registration (its IMPI) when known. */
    reg_entry *re = st_reg_by_impu(s, t->referrer);
    cpy(t->charged, sizeof t->charged, re ? re->impi : t->referrer);
    /* The chain: a REFER inside a dialog that itself came from a transfer. */
    xf_sess *parent = GET(&x->sess, c->call_id, xf_sess, call_id, false);
    if (parent) {
        t->depth = parent->x.depth + 1;
        memcpy(t->parties, parent->x.parties, sizeof t->parties);
        t->nparties = parent->x.nparties;
    } else {
        t->depth = 1;
        if (c->kind == CALL_DIALOG && c->method == SIP_M_INVITE) {
            party_add(t, c->from ? c->from : "");
            party_add(t, c->to ? c->to : "");
        }
    }
    party_add(t, t->referee);
    party_add(t, t->referrer);
    t->loop = t->target[0] && party_has(t, t->target);
    party_add(t, t->target);
    out->refer = t;

    xf_number_of_uri(&rt.uri, out->target_number);
    uint32_t tl = rt.uri.scheme == SIP_URI_TEL ? 0 : token_len(rt.uri.user);
    if (tl && !out->target_number[0]) {
        out->target_token = true;
        out->token_len = tl;
        imsec_str_copy(rt.uri.host, out->token_host, sizeof out->token_host);
        imsec_addr a;
        out->token_host_ip = imsec_addr_parse(rt.uri.host.p, rt.uri.host.len, &a);
    }
    const char *at = strchr(t->referrer, '@');
    cpy(out->referrer_domain, sizeof out->referrer_domain, at ? at + 1 : "");

    xf_sender *sd = GET(&x->senders, t->referrer, xf_sender, key, true);
    if (sd) {
        sd->ts[sd->next] = m->ts;
        sd->frame[sd->next] = m->frame;
        sd->next = (sd->next + 1) % XF_HIST;
        if (sd->count < XF_HIST)
            sd->count++;
        out->sender = sd;
    }
}

static void on_refer_response(xf_ctx *x, const sip_view *v, const call_entry *c)
{
    const sip_msg *msg = sip_view_msg(v);
    uint32_t cseq = 0;
    if (msg->status < 200 || !sip_view_cseq(v, &cseq, NULL))
        return;
    xf_xfer *t = ring_find(x, c->call_id, cseq);
    if (t && !t->accept_status)
        t->accept_status = msg->status;
}

/* NOTIFY of the implicit refer subscription: message/sipfrag "SIP/2.0 NNN"
 * (RFC 3515 §2.4.5). */
static void on_refer_notify(xf_ctx *x, const net_meta *m, const sip_view *v,
                            const call_entry *c)
{
    const sip_msg *msg = sip_view_msg(v);
    imsec_str b = imsec_str_trim(msg->body);
    if (!imsec_str_starts_with_ci(b, "SIP/2.0 ") || b.len < 11)
        return;
    uint32_t code;
    if (!imsec_str_to_u32(imsec_str_make(b.p + 8, 3), &code) || code < 100 || code > 699)
        return;
    uint32_t id = 0;
    imsec_str ev = sip_msg_value(msg, SIP_HDR_EVENT), idv;
    bool has_id = sip_param_get(ev, "id", &idv) && imsec_str_to_u32(idv, &id);
    xf_xfer *best = NULL;
    for (uint32_t k = 0; k < XF_RING_N; k++) {
        xf_xfer *t = &x->ring[k];
        if (!t->used || strcmp(t->refer_call_id, c->call_id) != 0 ||
            (has_id && t->refer_cseq != id))
            continue;
        if (!best || t->refer_frame > best->refer_frame)
            best = t;
    }
    if (!best)
        return;
    best->notify_status = (uint16_t)code;
    best->notify_frame = m->frame;
    xf_sess *ss = best->linked ? GET(&x->sess, best->result_call_id, xf_sess, call_id, false)
                               : NULL;
    if (ss)
        ss->x.notify_status = (uint16_t)code;
}

/* The INVITE a transfer produced (RFC 3515 §2.4.2, RFC 3892 §3, RFC 3891,
 * RFC 4538 §4). */
static void link_invite(xf_ctx *x, const net_meta *m, const sip_view *v, const call_entry *c,
                        const char *from_id, const char *to_id, xf_event *out)
{
    char rep[IDENT_MAX] = "", td[IDENT_MAX] = "", rb[IDENT_MAX] = "", ruri_id[IDENT_MAX] = "";
    const sip_replaces *rp;
    if ((rp = sip_view_replaces(v)))
        imsec_str_copy(rp->call_id, rep, sizeof rep);
    if ((rp = sip_view_target_dialog(v)))
        imsec_str_copy(rp->call_id, td, sizeof td);
    ident_from_naddr(sip_view_list_first(v, SIP_VIEW_L_REFERRED_BY), rb);
    const sip_uri *ru = sip_view_ruri(v);
    if (ru)
        ident_from_uri(ru, ruri_id);
    xf_xfer *best = NULL;
    const char *how = NULL;
    for (uint32_t k = 0; k < XF_RING_N; k++) {
        xf_xfer *t = &x->ring[k];
        if (!t->used || t->linked || strcmp(t->refer_call_id, c->call_id) == 0)
            continue;
        const char *h = NULL;
        if (rep[0] && t->replaces[0] && strcmp(rep, t->replaces) == 0)
            h = "Replaces";
        else if (td[0] && strcmp(td, t->refer_call_id) == 0)
            h = "Target-Dialog";
        else if (m->ts.sec - t->refer_ts.sec <= XF_LINK_WINDOW_S &&
                 !ts_after(t->refer_ts, m->ts) && strcmp(t->referee, from_id) == 0 &&
                 (strcmp(t->target, to_id) == 0 || strcmp(t->target, ruri_id) == 0))
            h = rb[0] ? "Referred-By" : "identity";
        if (h && (!best || t->refer_frame > best->refer_frame)) {
            best = t;
            how = h;
        }
    }
    if (!best)
        return;
    xf_sess *ss = GET(&x->sess, c->call_id, xf_sess, call_id, true);
    if (!ss)
        return;
    best->linked = true;
    cpy(best->result_call_id, sizeof best->result_call_id, c->call_id);
    ss->x = *best;
    ss->linked_by = how;
    cpy(ss->invite_referred_by, sizeof ss->invite_referred_by, rb);
    if (ru)
        xf_number_of_uri(ru, ss->ruri_number);
    ss->invite_frame = m->frame;
    ss->start = m->ts;
    out->sess = ss;
    out->sess_linked = true;
}

/* ---- identities (SESS-UNREGISTERED-IDENTITY) ---- */

static void check_orig(xf_ctx *x, st_state *s, const net_meta *m, const sip_view *v,
                       const char *from_id, xf_event *out)
{
    char ids[3][IDENT_MAX];
    ident_from_naddr(sip_view_list_first(v, SIP_VIEW_L_PPI), ids[0]);
    ident_from_naddr(sip_view_list_first(v, SIP_VIEW_L_PAI), ids[1]);
    cpy(ids[2], IDENT_MAX, from_id);
    /* Whose terminal sent it: its registered contact, else a claimed identity
     * that is registered. */
    xf_reg *owner = NULL;
    sip_naddr na;
    if (first_naddr(v, SIP_VIEW_L_CONTACT, &na)) {
        char hp[IDENT_MAX];
        hostport(&na.uri, hp);
        owner = owner_by_contact(x, hp, m->ts);
    }
    for (int i = 0; i < 3 && !owner; i++) {
        xf_reg *r = owner_of(x, s, ids[i], m->ts);
        if (r && r->registered && in_set(r, ids[i]))
            owner = r;
    }
    if (!owner || !owner->registered || !owner->nset)
        return;
    for (int i = 0; i < 3; i++) {
        if (!ids[i][0] || anonymous_id(ids[i]) || in_set(owner, ids[i]))
            continue;
        xf_reg *other = owner_of(x, s, ids[i], m->ts);
        if (other && other != owner && other->registered && in_set(other, ids[i]))
            continue; /* registered by another subscription: not this rule's case */
        out->unreg_orig = true;
        cpy(out->unreg_id, sizeof out->unreg_id, ids[i]);
        cpy(out->unreg_impi, sizeof out->unreg_impi, owner->impi);
        return;
    }
}

static void check_term(xf_ctx *x, st_state *s, const net_meta *m, const sip_view *v,
                       const char *to_id, xf_event *out)
{
    char id[IDENT_MAX];
    if (!ident_from_naddr(sip_view_list_first(v, SIP_VIEW_L_CALLED_PARTY), id))
        cpy(id, sizeof id, to_id);
    if (!id[0] || anonymous_id(id))
        return;
    xf_reg *owner = owner_of(x, s, id, m->ts);
    if (!owner || !owner->registered) {
        char hp[IDENT_MAX];
        if (sip_view_ruri(v)) {
            hostport(sip_view_ruri(v), hp);
            xf_reg *o2 = owner_by_contact(x, hp, m->ts);
            if (o2)
                owner = o2;
        }
    }
    if (!owner || !owner->registered || !owner->nset || in_set(owner, id))
        return;
    out->unreg_term = true;
    cpy(out->unreg_term_id, sizeof out->unreg_term_id, id);
    cpy(out->unreg_term_impi, sizeof out->unreg_term_impi, owner->impi);
}

/* ---- sessions ---- */

static void sess_update(xf_ctx *x, const net_meta *m, bool started, bool ended, xf_sess *ss,
                        xf_event *out)
{
    out->sess = ss;
    term_entry *t = GET(&x->terms, ss->x.charged, term_entry, key, true);
    out->xterm = t;
    if (started && !ss->alive && !ss->ended) {
        ss->alive = true;
        ss->ok_frame = m->frame;
        out->sess_started = true;
        if (t)
            term_session_add(t, ss->invite_frame);
    }
    if (ended && ss->alive) {
        ss->alive = false;
        ss->ended = true;
        ss->end = m->ts;
        out->sess_ended = true;
        if (t)
            term_session_del(t, ss->invite_frame);
    }
    if (ss->alive || out->sess_ended)
        ss->end = m->ts;
    /* The transferor's registration ended while this session was up. */
    xf_reg *r = xreg_get(x, ss->x.charged, false);
    if (r && !ss->transferor_gone) {
        reg_refresh(r, m->ts);
        if (!r->registered && r->gone_why && ss->ok_frame && !ts_after(ss->start, r->gone_ts)) {
            ss->transferor_gone = true;
            ss->gone_why = r->gone_why;
            ss->gone_ts = r->gone_ts;
            ss->gone_frame = r->gone_frame;
        }
    }
}

void xf_on_sip(xf_ctx *x, st_state *s, const net_meta *m, const sip_view *v,
               const call_entry *c, const reg_entry *reg, bool session_started,
               bool session_ended, const char *from_id, const char *to_id, imsec_str to_tag,
               xf_event *out)
{
    if (!x || !c)
        return;
    const sip_msg *msg = sip_view_msg(v);
    bool first = c->first_frame == m->frame;
    if (msg->is_request) {
        switch (msg->method) {
        case SIP_M_REFER:
            on_refer(x, s, m, v, c, from_id, to_id, out);
            break;
        case SIP_M_NOTIFY: {
            imsec_str ev = imsec_str_trim(sip_msg_value(msg, SIP_HDR_EVENT));
            if (imsec_str_starts_with_ci(ev, "refer"))
                on_refer_notify(x, m, v, c);
            else if (imsec_str_starts_with_ci(ev, "reg") &&
                     (ev.len == 3 || ev.p[3] == ';' || ev.p[3] == ' '))
                on_reg_notify(x, s, m, v, to_id);
            break;
        }
        case SIP_M_REGISTER:
            if (reg)
                on_register_req(x, v, reg);
            break;
        default:
            break;
        }
        if (first && to_tag.len == 0 && msg->method != SIP_M_REGISTER &&
            msg->method != SIP_M_ACK && msg->method != SIP_M_CANCEL &&
            msg->method != SIP_M_NOTIFY) {
            check_orig(x, s, m, v, from_id, out);
            check_term(x, s, m, v, to_id, out);
        }
        if (first && to_tag.len == 0 && msg->method == SIP_M_INVITE)
            link_invite(x, m, v, c, from_id, to_id, out);
    } else if (c->kind == CALL_REG || reg) {
        if (reg && msg->status >= 200 && msg->status < 300)
            on_register_ok(x, m, v, reg, to_id, out);
    } else {
        sip_method cm;
        if (sip_view_cseq(v, NULL, &cm) && cm == SIP_M_REFER)
            on_refer_response(x, v, c);
    }
    if (!out->sess) {
        xf_sess *ss = GET(&x->sess, c->call_id, xf_sess, call_id, false);
        if (ss)
            out->sess = ss;
    }
    if (out->sess)
        sess_update(x, m, session_started, session_ended, out->sess, out);
}

/* ---- records ---- */

void xf_fill_dialog_rec(xf_ctx *x, const char *call_id, imsec_dialog_rec *r)
{
    xf_sess *ss = x && call_id ? GET(&x->sess, call_id, xf_sess, call_id, false) : NULL;
    if (!ss)
        return;
    cpy(r->xfer_by, sizeof r->xfer_by, ss->x.referrer);
    cpy(r->xfer_charged, sizeof r->xfer_charged, ss->x.charged);
    cpy(r->xfer_refer_call_id, sizeof r->xfer_refer_call_id, ss->x.refer_call_id);
    cpy(r->xfer_linked_by, sizeof r->xfer_linked_by, ss->linked_by);
    r->xfer_refer_frame = ss->x.refer_frame;
    r->xfer_depth = ss->x.depth;
    r->xfer_notify_status = ss->x.notify_status;
    size_t n = 0;
    r->xfer_chain[0] = '\0';
    for (unsigned i = 0; i < ss->x.nparties; i++) {
        int k = snprintf(r->xfer_chain + n, sizeof r->xfer_chain - n, "%s%s", i ? ", " : "",
                         ss->x.parties[i]);
        if (k < 0 || (size_t)k >= sizeof r->xfer_chain - n)
            break;
        n += (size_t)k;
    }
}

void xf_fill_reg_rec(xf_ctx *x, const char *impi, imsec_reg_rec *r)
{
    xf_reg *g = x && impi ? xreg_get(x, impi, false) : NULL;
    if (!g)
        return;
    r->nevents = g->nev;
    for (unsigned i = 0; i < g->nev; i++) {
        r->events[i].frame = g->ev[i].frame;
        r->events[i].ts = g->ev[i].ts;
        r->events[i].what = g->ev[i].what;
        r->events[i].expires = g->ev[i].expires;
        r->events[i].nset = g->ev[i].nset;
        cpy(r->events[i].scscf, sizeof r->events[i].scscf, g->ev[i].scscf);
        cpy(r->events[i].route, sizeof r->events[i].route, g->ev[i].route);
    }
}
