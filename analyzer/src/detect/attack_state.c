#include "detect/attack_state.h"

#include <stdlib.h>
#include <string.h>

#include "base/imsec_str.h"
#include "state/xfer.h"

struct atk_state {
    atk_src src[ATK_MAX_SRC];
    tbl index;                /* over src[0..nsrc), LRU order */
    uint32_t nsrc;
    atk_user users[ATK_MAX_USER];
    uint64_t clock, evicted;
    atk_event last;
};

static void no_evict(void *owner, tbl_node *n)
{
    (void)owner;
    (void)n; /* never called: src_get pops the oldest itself before inserting */
}

atk_state *atk_state_new(void)
{
    /* The detectors have no access to the engine's key; a fixed key only
     * lets someone who controls many source addresses lengthen one chain,
     * which costs at most the ATK_MAX_SRC compares a linear table would. */
    static const uint8_t hkey[16] = {0x61, 0x74, 0x6b, 0x2d, 0x73, 0x72, 0x63, 0x2d,
                                     0x69, 0x6d, 0x73, 0x65, 0x63, 0x2d, 0x31, 0x33};
    atk_state *a = calloc(1, sizeof(atk_state));
    if (a && !tbl_init(&a->index, ATK_MAX_SRC, hkey, no_evict, a)) {
        free(a);
        return NULL;
    }
    return a;
}

void atk_state_free(atk_state *a)
{
    if (a)
        tbl_fini(&a->index);
    free(a);
}
const atk_event *atk_last(const atk_state *a) { return &a->last; }
uint64_t atk_evicted(const atk_state *a) { return a->evicted; }
atk_src *atk_src_at(atk_state *a, size_t i) { return i < ATK_MAX_SRC ? &a->src[i] : NULL; }

/* FNV-1a: the hashes only tell users and transactions apart inside one
 * source's small rings (no table is indexed by them, so a forced collision
 * can only merge two of the attacker's own entries). */
static uint64_t hash_str(imsec_str s, uint64_t h)
{
    for (uint32_t i = 0; i < s.len; i++) {
        h ^= (unsigned char)s.p[i];
        h *= 1099511628211ULL;
    }
    return h;
}
#define ATK_FNV_BASIS 14695981039346656037ULL

/* The client transaction a message belongs to (RFC 3261 §17.1.3): the top
 * Via branch and the CSeq method when the branch is RFC 3261 style, else
 * (RFC 2543 peers) Call-ID, CSeq number and method. A response is matched
 * by branch even when a middlebox rewrote its Call-ID or From tag. */
static uint64_t txn_key(const st_msg *ev)
{
    const sip_via *via = sip_view_via_top(ev->v);
    uint64_t h;
    if (via && imsec_str_starts_with_ci(via->branch, "z9hG4bK"))
        h = hash_str(via->branch, ATK_FNV_BASIS);
    else
        h = hash_str(ev->call_id, ATK_FNV_BASIS) ^ ((uint64_t)ev->cseq << 8);
    return (h ^ (uint64_t)ev->cseq_method) * 1099511628211ULL;
}

static atk_src *src_get(atk_state *a, const imsec_addr *addr)
{
    uint8_t key[17] = {addr->family};
    memcpy(key + 1, addr->a, addr->family == 4 ? 4 : 16);
    uint64_t h = tbl_hash(&a->index, key, sizeof key);
    tbl_node *n = tbl_find(&a->index, key, sizeof key, h);
    if (n) {
        tbl_touch(&a->index, n);
        return TBL_ENTRY(n, atk_src, n);
    }
    atk_src *victim;
    if (a->nsrc < ATK_MAX_SRC) {
        victim = &a->src[a->nsrc++];
    } else {
        victim = TBL_ENTRY(tbl_pop_oldest(&a->index), atk_src, n);
        a->evicted++;
    }
    /* Reset what is read without a count (the rings behind nrej, nfail,
     * npend and nghost are dead once those are 0): an Internet-wide sweep
     * evicts on nearly every message, and the entry is ~9 KB. */
    victim->known = false;
    victim->latch = 0;
    victim->nrej = victim->rej_next = victim->nfail = victim->fail_next = 0;
    victim->npend = victim->nghost = victim->ghost_next = 0;
    victim->cred_next = victim->inv_next = 0;
    memset(victim->cred, 0, sizeof victim->cred);
    memset(victim->inv, 0, sizeof victim->inv);
    victim->last_user[0] = victim->ghost_callee[0] = '\0';
    victim->used = true;
    victim->addr = *addr;
    memcpy(victim->key, key, sizeof key);
    victim->n.key = victim->key;
    victim->n.keylen = sizeof key;
    tbl_insert(&a->index, &victim->n, h);
    return victim;
}

static atk_user *user_get(atk_state *a, uint64_t key)
{
    atk_user *victim = &a->users[0];
    for (size_t i = 0; i < ATK_MAX_USER; i++) {
        atk_user *u = &a->users[i];
        if (u->used && u->key == key) {
            u->seen = ++a->clock;
            return u;
        }
        if (!u->used || (victim->used && u->seen < victim->seen))
            victim = u;
    }
    if (victim->used)
        a->evicted++;
    memset(victim, 0, sizeof *victim);
    victim->used = true;
    victim->key = key;
    victim->seen = ++a->clock;
    return victim;
}

static void mark_add(atk_mark *ring, uint32_t *n, uint32_t *next, uint64_t key, const net_meta *m)
{
    ring[*next] = (atk_mark){.key = key, .ts = m->ts, .frame = m->frame};
    *next = (*next + 1) % ATK_RING;
    if (*n < ATK_RING)
        (*n)++;
}

/* Rejections that say "no such user here" or "not for you": what a sweep
 * collects (RFC 3261 §21.4.4 403, §21.4.5 404, §21.4.22 484, §21.4.23 485,
 * §21.6.3 604). 401/407 are the normal first step of digest
 * authentication and 486/480/487 answer real callers all day. */
static bool sweep_status(uint16_t st)
{
    return st == 403 || st == 404 || st == 484 || st == 485 || st == 604;
}

static atk_invite *inv_find(atk_src *s, uint64_t cid)
{
    for (uint32_t i = 0; i < ATK_INV; i++)
        if (s->inv[i].frame && s->inv[i].cid == cid)
            return &s->inv[i];
    return NULL;
}

/* Ghost calls: an INVITE cancelled before any 180/183 or final answer
 * (RFC 3261 §9.1: CANCEL only matters while no final response came). */
static void ghost_request(atk_state *a, atk_src *s, const st_msg *ev, sip_method me)
{
    uint64_t cid = hash_str(ev->call_id, ATK_FNV_BASIS);
    atk_invite *iv = inv_find(s, cid);
    if (me == SIP_M_INVITE && !iv) {
        const sip_uri *ru = sip_view_ruri(ev->v);
        iv = &s->inv[s->inv_next];
        s->inv_next = (s->inv_next + 1) % ATK_INV;
        *iv = (atk_invite){.cid = cid, .frame = ev->m->frame,
                           .callee = ru ? hash_str(ru->host, hash_str(ru->user, ATK_FNV_BASIS)) : 0};
        return;
    }
    if (me != SIP_M_CANCEL || !iv || iv->rang)
        return;
    iv->rang = true; /* one CANCEL per INVITE (retransmissions count once) */
    mark_add(s->ghost, &s->nghost, &s->ghost_next, iv->callee, ev->m);
    const sip_uri *ru = sip_view_ruri(ev->v);
    if (ru)
        imsec_str_copy(ru->user, s->ghost_callee, sizeof s->ghost_callee);
    a->last.ghost = true;
    a->last.ghost_key = iv->callee;
}

static void on_request(atk_state *a, atk_src *s, const st_msg *ev)
{
    const sip_view *v = ev->v;
    sip_method me = ev->msg->method;
    if (ev->to_tag.len == 0)
        ghost_request(a, s, ev, me);
    /* A password attempt is credentials with a response computed from a
     * nonce. IMS UEs send Authorization with an empty nonce/response in the
     * initial REGISTER (TS 24.229 §5.1.1.2.1), and an AKA resynchronisation
     * carries auts (RFC 3310 §3.4): neither is a guess. */
    if (ev->has_auth && ev->auth->response.len && ev->auth->nonce.len &&
        imsec_str_unquote(ev->auth->response).len && !ev->auth->auts.len) {
        uint32_t k = s->cred_next;
        s->cred[k] = (atk_mark){.key = txn_key(ev), .ts = ev->m->ts, .frame = ev->m->frame};
        s->cred_user[k] = hash_str(ev->auth_username, ATK_FNV_BASIS);
        s->cred_next = (k + 1) % ATK_CRED;
    }
    if (me != SIP_M_INVITE || ev->to_tag.len)
        return;
    uint64_t cid = hash_str(ev->call_id, ATK_FNV_BASIS);
    for (uint32_t i = 0; i < s->npend; i++)
        if (s->pend[i].cid == cid) {
            if (ev->has_auth) /* the challenge was answered: an authenticated retry */
                s->pend[i] = s->pend[--s->npend];
            return;
        }
    if (s->known || ev->has_auth)
        return;
    const sip_uri *ru = sip_view_ruri(v);
    char num[IDENT_MAX];
    if (!ru || xf_number_of_uri(ru, num) == 0)
        return;
    if (s->npend == ATK_PEND) /* keep the newest: drop the oldest */
        memmove(&s->pend[0], &s->pend[1], (ATK_PEND - 1) * sizeof s->pend[0]);
    else
        s->npend++;
    atk_pending *p = &s->pend[s->npend - 1];
    memset(p, 0, sizeof *p);
    p->cid = cid;
    p->txn = txn_key(ev);
    p->frame = ev->m->frame;
    p->ts = ev->m->ts;
    imsec_str_copy(imsec_str_make(num, strlen(num)), p->number, sizeof p->number);
    imsec_str_copy(ev->call_id, p->call_id, sizeof p->call_id);
}

static atk_mark *cred_find(atk_src *s, uint64_t key, uint64_t *user)
{
    for (uint32_t i = 0; i < ATK_CRED; i++)
        if (s->cred[i].frame && s->cred[i].key == key) {
            *user = s->cred_user[i];
            return &s->cred[i];
        }
    return NULL;
}

/* Toll-fraud probe bookkeeping: the final answer to a pending INVITE. */
static void pend_answer(atk_state *a, atk_src *s, const st_msg *ev, uint16_t st)
{
    uint64_t txn = txn_key(ev);
    for (uint32_t i = 0; i < s->npend; i++) {
        atk_pending *p = &s->pend[i];
        if (p->txn != txn || p->status)
            continue;
        if (st == 401 || st == 407 || st == 403 || st == 404 || st == 488 || st == 603) {
            p->status = st;
            p->resp_frame = ev->m->frame;
            p->resp_ts = ev->m->ts;
            p->resp_tuple = ev->m->t;
            a->last.pending = p;
        } else {
            s->pend[i] = s->pend[--s->npend]; /* answered otherwise: not a probe */
        }
        return;
    }
}

static void on_response(atk_state *a, atk_src *s, const st_msg *ev)
{
    uint16_t st = ev->msg->status;
    if (ev->cseq_method == SIP_M_INVITE && (st == 180 || st == 183 || st >= 200)) {
        atk_invite *iv = inv_find(s, hash_str(ev->call_id, ATK_FNV_BASIS));
        if (iv)
            iv->rang = true;
    }
    if (st < 200)
        return;
    uint64_t user = 0;
    atk_mark *cr = cred_find(s, txn_key(ev), &user);
    /* Known: registered, authenticated, or a peer whose calls get answered
     * (an IP-authenticated trunk never registers, and a rejected call of a
     * working peer is a misroute, not a probe). */
    if (st < 300 && (cr || ev->cseq_method == SIP_M_REGISTER || ev->cseq_method == SIP_M_INVITE))
        s->known = true;
    /* A challenge with stale=true says the nonce expired, not that the
     * password was wrong (RFC 7616 §3.3, RFC 2617 §3.2.1). */
    bool proxy;
    const sip_digest *ch = sip_view_challenge(ev->v, &proxy);
    bool stale = ch && imsec_str_eq_cstr_ci(imsec_str_unquote(ch->stale), "true");
    const sip_naddr *to = sip_view_to(ev->v);
    if (cr && (st == 401 || st == 403 || st == 407) && !stale) {
        mark_add(s->fail, &s->nfail, &s->fail_next, user, ev->m);
        cr->frame = 0; /* a retransmitted answer is not a second failure */
        atk_user *u = user_get(a, user);
        uint64_t src_key = hash_str(imsec_str_make((const char *)s->addr.a, sizeof s->addr.a),
                                    ATK_FNV_BASIS);
        mark_add(u->fail, &u->nfail, &u->fail_next, src_key, ev->m);
        if (to) {
            imsec_str_copy(to->uri.user, s->last_user, sizeof s->last_user);
            imsec_str_copy(to->uri.user, u->name, sizeof u->name);
        }
        a->last.auth_failed = true;
        a->last.user = u;
    }
    sip_method cm = ev->cseq_method;
    bool sweepable = cm == SIP_M_OPTIONS || cm == SIP_M_REGISTER || cm == SIP_M_INVITE;
    if (sweepable && sweep_status(st) && to && to->uri.user.len) {
        mark_add(s->rej, &s->nrej, &s->rej_next, hash_str(to->uri.user, ATK_FNV_BASIS), ev->m);
        a->last.rejected_user = true;
    }
    if (cm == SIP_M_INVITE)
        pend_answer(a, s, ev, st);
}

void atk_observe(atk_state *a, const st_msg *ev)
{
    memset(&a->last, 0, sizeof a->last);
    const imsec_addr *client = ev->msg->is_request ? &ev->m->t.src : &ev->m->t.dst;
    atk_src *s = src_get(a, client);
    a->last.src = s;
    if (ev->msg->is_request)
        on_request(a, s, ev);
    else
        on_response(a, s, ev);
}
