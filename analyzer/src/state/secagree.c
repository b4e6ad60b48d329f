#include "state/secagree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "crypto/aka.h"
#include "crypto/esp.h"
#include "crypto/milenage.h"
#include "rules/keys.h"
#include "sip/sip_hdr.h"
#include "base/tbl.h"

/* Index entries. Each points at the sa_reg that owns the set; sa_reg_free
 * and set replacement unlink them, so no entry outlives its owner. */
typedef struct {
    tbl_node n;
    uint8_t key[21]; /* family, address (16), SPI (4, big-endian) */
    sa_reg *owner;
    uint8_t slot, which;
} spi_entry;

typedef struct {
    tbl_node n;
    uint8_t key[34]; /* UE address, P-CSCF address */
    sa_reg *owner;
} pair_entry;

typedef struct {
    tbl_node n;
    uint8_t rand[17]; /* RAND and the leg: 1 toward the UE (Gm), 0 elsewhere */
    uint64_t txn;    /* hash of Call-ID and CSeq of the challenged REGISTER */
    uint64_t frame;
    char impi[IMSEC_SUBJ_LEN];
} rand_entry;

typedef struct {
    tbl_node n;
    char *nonce;
    uint8_t ck[16], ik[16];
} ckik_entry;

typedef struct {
    tbl_node n;
    uint8_t key[21];
    struct esp_sa *sa;
    bool null_enc;
} static_sa_entry;

struct sa_ctx {
    imsec_stats *stats;
    const keys_set *keys;
    uint8_t hkey[16];
    tbl spis, pairs, rands, ckiks, statics;
    uint64_t nsets;
    const imsec_callbacks *cb;
};

static const char *const sa_names[] = {"SA1", "SA2", "SA3", "SA4"};
const char *sa_name(unsigned which) { return which < SA__N ? sa_names[which] : "SA?"; }

static void free_node(void *owner, tbl_node *n) { (void)owner, free(n); }

/* Index entries leave the index by eviction (the index is full) or by
 * replacement; either way the owner must forget its pointer to them. */
static void spi_entry_drop(void *owner, tbl_node *n)
{
    (void)owner;
    spi_entry *e = TBL_ENTRY(n, spi_entry, n);
    e->owner->sets[e->slot].idx[e->which] = NULL;
    free(e);
}

static void pair_entry_drop(void *owner, tbl_node *n)
{
    (void)owner;
    pair_entry *e = TBL_ENTRY(n, pair_entry, n);
    if (e->owner->pair_idx == e)
        e->owner->pair_idx = NULL;
    free(e);
}
static void free_ckik(void *owner, tbl_node *n)
{
    (void)owner;
    ckik_entry *e = TBL_ENTRY(n, ckik_entry, n);
    OPENSSL_cleanse(e->ck, sizeof e->ck);
    OPENSSL_cleanse(e->ik, sizeof e->ik);
    free(e->nonce);
    free(e);
}

static void free_static(void *owner, tbl_node *n)
{
    (void)owner;
    static_sa_entry *e = TBL_ENTRY(n, static_sa_entry, n);
    esp_sa_free(e->sa);
    free(e);
}

sa_ctx *sa_ctx_new(const uint8_t hkey[16], imsec_stats *stats, const keys_set *keys)
{
    sa_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->stats = stats;
    c->keys = keys;
    memcpy(c->hkey, hkey, 16);
    /* SPI index entries are unlinked by their owners; the eviction callback
     * only runs if the index is full, when losing the oldest mapping is the
     * bounded-memory trade-off (its ESP then counts as unknown SPI). */
    if (!tbl_init(&c->spis, 1u << 18, hkey, spi_entry_drop, c) ||
        !tbl_init(&c->pairs, 1u << 17, hkey, pair_entry_drop, c) ||
        !tbl_init(&c->rands, 1u << 18, hkey, free_node, c) ||
        !tbl_init(&c->ckiks, 1u << 14, hkey, free_ckik, c) ||
        !tbl_init(&c->statics, 1u << 12, hkey, free_static, c)) {
        sa_ctx_free(c);
        return NULL;
    }
    return c;
}

void sa_ctx_free(sa_ctx *c)
{
    if (!c)
        return;
    tbl_drain(&c->spis);
    tbl_drain(&c->pairs);
    tbl_drain(&c->rands);
    tbl_drain(&c->ckiks);
    tbl_drain(&c->statics);
    free(c);
}

uint64_t sa_count(const sa_ctx *c) { return c->nsets; }

/* ---- keys of the indexes ---- */

static void addr_key(uint8_t *k, const imsec_addr *a)
{
    k[0] = a->family;
    memcpy(k + 1, a->a, 16);
}

static void spi_key(uint8_t k[21], const imsec_addr *dst, uint32_t spi)
{
    addr_key(k, dst);
    k[17] = (uint8_t)(spi >> 24);
    k[18] = (uint8_t)(spi >> 16);
    k[19] = (uint8_t)(spi >> 8);
    k[20] = (uint8_t)spi;
}

static void pair_key(uint8_t k[34], const imsec_addr *ue, const imsec_addr *p)
{
    addr_key(k, ue);
    addr_key(k + 17, p);
}

void sa_ctx_set_callbacks(sa_ctx *c, const imsec_callbacks *cb) { c->cb = cb; }

/* The ims_sa record of a set (imsec.h imsec_sa_rec). */
static void set_to_rec(const sa_reg *r, const sa_set *s, imsec_sa_rec *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->impi, sizeof out->impi, "%s", r->impi);
    sa_set_label(s, out->sa, sizeof out->sa);
    out->ue = s->ue;
    out->pcscf = s->pcscf;
    out->port_uc = s->port_uc;
    out->port_us = s->port_us;
    out->port_pc = s->port_pc;
    out->port_ps = s->port_ps;
    out->spi_uc = s->spi_uc;
    out->spi_us = s->spi_us;
    out->spi_pc = s->spi_pc;
    out->spi_ps = s->spi_ps;
    snprintf(out->alg, sizeof out->alg, "%s", s->alg);
    snprintf(out->ealg, sizeof out->ealg, "%s", s->ealg);
    out->agreed_frame = s->agreed_frame;
    out->established = s->established;
    out->established_frame = s->established_frame;
    out->packets = s->packets;
    out->decrypted = s->decrypted;
    out->failed = s->failed;
    out->keys_source = "";
    esp_enc_alg enc;
    esp_auth_alg auth;
    esp_keys k;
    if (!s->keys ||
        !esp_ims_algs(imsec_str_make(s->alg, strlen(s->alg)), imsec_str_make(s->ealg, strlen(s->ealg)),
                      &enc, &auth) ||
        esp_keys_from_ck_ik(enc, auth, s->ck, s->ik, &k) != IMSEC_OK)
        return;
    out->keys = true;
    out->keys_source = s->keys_source ? s->keys_source : "";
    if (k.enc_key_len <= sizeof out->enc_key && k.auth_key_len <= sizeof out->auth_key) {
        memcpy(out->enc_key, k.enc_key, k.enc_key_len);
        out->enc_key_len = k.enc_key_len;
        memcpy(out->auth_key, k.auth_key, k.auth_key_len);
        out->auth_key_len = k.auth_key_len;
    }
    OPENSSL_cleanse(&k, sizeof k);
}

static void set_free(sa_ctx *c, sa_reg *r, unsigned slot)
{
    sa_set *s = &r->sets[slot];
    if (!s->used)
        return;
    /* Every set leaves as one ims_sa record: replaced, evicted or finished. */
    if (c->cb && c->cb->on_sa) {
        imsec_sa_rec rec;
        set_to_rec(r, s, &rec);
        c->cb->on_sa(c->cb->ud, &rec);
        OPENSSL_cleanse(&rec, sizeof rec);
    }
    for (unsigned i = 0; i < SA__N; i++) {
        if (s->idx[i]) {
            spi_entry *e = s->idx[i];
            tbl_remove(&c->spis, &e->n);
            free(e);
        }
        esp_sa_free(s->esp[i]);
    }
    OPENSSL_cleanse(s, sizeof *s); /* s->ck, s->ik */
}

void sa_reg_free(sa_ctx *c, sa_reg *r)
{
    if (!r)
        return;
    /* The older set first: records leave in agreed-frame order. */
    unsigned first = r->sets[0].used && r->sets[1].used && r->sets[1].agreed_frame < r->sets[0].agreed_frame;
    set_free(c, r, first);
    set_free(c, r, !first);
    if (r->pair_idx) {
        pair_entry *e = r->pair_idx;
        tbl_remove(&c->pairs, &e->n);
        free(e);
    }
    OPENSSL_cleanse(r->ck, sizeof r->ck);
    OPENSSL_cleanse(r->ik, sizeof r->ik);
    OPENSSL_cleanse(r->res, sizeof r->res);
    free(r);
}

/* ---- parsing helpers (the SIP layer parses; this keeps what state needs) ---- */

static void copy_mech(const sip_secmech *in, sa_mech *out)
{
    memset(out, 0, sizeof *out);
    imsec_str_copy(in->mech, out->mech, sizeof out->mech);
    imsec_str_copy(in->alg, out->alg, sizeof out->alg);
    imsec_str_copy(in->ealg, out->ealg, sizeof out->ealg);
    imsec_str_copy(in->prot, out->prot, sizeof out->prot);
    imsec_str_copy(in->mod, out->mod, sizeof out->mod);
    out->spi_c = in->spi_c;
    out->spi_s = in->spi_s;
    out->port_c = in->port_c;
    out->port_s = in->port_s;
    out->q = in->q;
    out->has_q = in->has_q;
}

/* Copies the view's Security-* list into the SA's own bounded form. */
static bool parse_mechs(const sip_view *v, sip_view_sec t, sa_mechs *out, uint64_t frame)
{
    sip_view_mechs l = sip_view_sec_mechs(v, t);
    if (!l.present)
        return false;
    memset(out, 0, sizeof *out);
    out->present = true;
    out->frame = frame;
    for (uint16_t i = 0; i < l.n && out->n < SA_MAX_MECHS; i++)
        copy_mech(&l.a[i], &out->m[out->n++]);
    return true;
}

static bool mech_eq(const sa_mech *x, const sa_mech *y)
{
    return strcmp(x->mech, y->mech) == 0 && strcmp(x->alg, y->alg) == 0 &&
           strcmp(x->ealg, y->ealg) == 0 && strcmp(x->prot, y->prot) == 0 &&
           strcmp(x->mod, y->mod) == 0 && x->spi_c == y->spi_c && x->spi_s == y->spi_s &&
           x->port_c == y->port_c && x->port_s == y->port_s && x->q == y->q;
}

bool sa_mechs_same(const sa_mechs *a, const sa_mechs *b)
{
    bool same = a->n == b->n;
    for (unsigned i = 0; same && i < a->n; i++)
        same = mech_eq(&a->m[i], &b->m[i]);
    return same;
}

imsec_verify sa_verify_verdict(const sa_reg *r, const sip_view *view, uint64_t *server_frame)
{
    *server_frame = 0;
    sa_mechs v;
    if (!sip_view_msg(view)->is_request || !parse_mechs(view, SIP_VIEW_SEC_VERIFY, &v, 0))
        return IMSEC_VERIFY_NA;
    if (!r || !r->server.present)
        return IMSEC_VERIFY_NO_SERVER;
    *server_frame = r->server.frame;
    return sa_mechs_same(&v, &r->server) ? IMSEC_VERIFY_MATCH : IMSEC_VERIFY_MISMATCH;
}

static const sa_mech *first_ipsec(const sa_mechs *l)
{
    const sa_mech *best = NULL;
    /* The most preferred ipsec-3gpp entry: highest q, first on ties
     * (RFC 3329 §2.2: q orders preference). */
    for (unsigned i = 0; i < l->n; i++)
        if (strcmp(l->m[i].mech, "ipsec-3gpp") == 0 && (!best || l->m[i].q > best->q))
            best = &l->m[i];
    return best;
}

/* ---- the SA set ---- */

static void set_keys(sa_set *s, const sa_reg *r)
{
    esp_enc_alg enc;
    esp_auth_alg auth;
    esp_keys keys;
    if (s->keys || !r->have_ckik ||
        !esp_ims_algs(imsec_str_make(s->alg, strlen(s->alg)), imsec_str_make(s->ealg, strlen(s->ealg)),
                      &enc, &auth) ||
        esp_keys_from_ck_ik(enc, auth, r->ck, r->ik, &keys) != IMSEC_OK)
        return;
    /* One CK_ESP/IK_ESP serves all four SAs (TS 33.203 §7.1). */
    const uint32_t spis[SA__N] = {s->spi_ps, s->spi_uc, s->spi_us, s->spi_pc};
    for (unsigned i = 0; i < SA__N; i++) {
        esp_sa_params p;
        memset(&p, 0, sizeof p);
        p.spi = spis[i];
        p.ealg = enc;
        p.aalg = auth;
        p.keys = keys;
        char err[IMSEC_ERRBUF];
        s->esp[i] = esp_sa_new(&p, err);
    }
    OPENSSL_cleanse(&keys, sizeof keys);
    s->keys = s->esp[0] != NULL;
    if (s->keys) {
        memcpy(s->ck, r->ck, sizeof s->ck);
        memcpy(s->ik, r->ik, sizeof s->ik);
        s->keys_source = r->ckik_source;
    }
}

static void index_spi(sa_ctx *c, sa_reg *r, unsigned slot, unsigned which, const imsec_addr *dst,
                      uint32_t spi)
{
    spi_entry *e = calloc(1, sizeof *e);
    if (!e)
        return;
    spi_key(e->key, dst, spi);
    uint64_t h = tbl_hash(&c->spis, e->key, sizeof e->key);
    tbl_node *old = tbl_find(&c->spis, e->key, sizeof e->key, h);
    if (old) { /* the SPI was reused: the newest agreement wins */
        tbl_remove(&c->spis, old);
        spi_entry_drop(c, old);
    }
    e->owner = r;
    e->slot = (uint8_t)slot;
    e->which = (uint8_t)which;
    r->sets[slot].idx[which] = e;
    e->n.key = e->key;
    e->n.keylen = sizeof e->key;
    tbl_insert(&c->spis, &e->n, h);
}

static void index_pair(sa_ctx *c, sa_reg *r, const imsec_addr *ue, const imsec_addr *p)
{
    uint8_t k[34];
    pair_key(k, ue, p);
    uint64_t h = tbl_hash(&c->pairs, k, sizeof k);
    tbl_node *n = tbl_find(&c->pairs, k, sizeof k, h);
    if (n) {
        /* The pair now belongs to the newest registration agreed on it. */
        pair_entry *e = TBL_ENTRY(n, pair_entry, n);
        if (e->owner != r) {
            if (e->owner->pair_idx == e)
                e->owner->pair_idx = NULL;
            e->owner = r;
        }
        if (r->pair_idx && r->pair_idx != e) {
            pair_entry *mine = r->pair_idx;
            tbl_remove(&c->pairs, &mine->n);
            free(mine);
        }
        r->pair_idx = e;
        return;
    }
    pair_entry *e = calloc(1, sizeof *e);
    if (!e)
        return;
    memcpy(e->key, k, sizeof k);
    e->owner = r;
    if (r->pair_idx) {
        pair_entry *mine = r->pair_idx;
        tbl_remove(&c->pairs, &mine->n);
        free(mine);
    }
    r->pair_idx = e;
    e->n.key = e->key;
    e->n.keylen = sizeof e->key;
    tbl_insert(&c->pairs, &e->n, h);
}

static sa_set *new_set(sa_ctx *c, sa_reg *r, const net_meta *m)
{
    const sa_mech *cl = first_ipsec(&r->client), *sv = first_ipsec(&r->server);
    if (!cl || !sv)
        return NULL;
    unsigned slot = r->sets[r->cur].used ? (unsigned)!r->cur : r->cur;
    set_free(c, r, slot);
    sa_set *s = &r->sets[slot];
    s->used = true;
    s->gen = ++r->gen;
    /* The 401 travels P-CSCF -> UE. */
    s->ue = m->t.dst;
    s->pcscf = m->t.src;
    s->port_uc = cl->port_c;
    s->port_us = cl->port_s;
    s->spi_uc = cl->spi_c;
    s->spi_us = cl->spi_s;
    s->port_pc = sv->port_c;
    s->port_ps = sv->port_s;
    s->spi_pc = sv->spi_c;
    s->spi_ps = sv->spi_s;
    /* The P-CSCF's choice is what its Security-Server lists (TS 33.203 §7.2). */
    snprintf(s->alg, sizeof s->alg, "%s", sv->alg[0] ? sv->alg : cl->alg);
    snprintf(s->ealg, sizeof s->ealg, "%s", sv->ealg[0] ? sv->ealg : "null");
    s->agreed_frame = m->frame;
    r->cur = (uint8_t)slot;
    index_spi(c, r, slot, SA_1, &s->pcscf, s->spi_ps);
    index_spi(c, r, slot, SA_2, &s->ue, s->spi_uc);
    index_spi(c, r, slot, SA_3, &s->ue, s->spi_us);
    index_spi(c, r, slot, SA_4, &s->pcscf, s->spi_pc);
    index_pair(c, r, &s->ue, &s->pcscf);
    set_keys(s, r);
    c->nsets++;
    c->stats->sas++;
    return s;
}

/* ---- AKA ---- */

static void learn_ckik_from_keys(sa_ctx *c, sa_reg *r, const char *impi)
{
    if (!c->keys || r->have_ckik)
        return;
    const keys_subscriber *sub = keys_find_subscriber(c->keys, impi, strlen(impi));
    if (!sub)
        return;
    milenage_ctx *mc = sub->is_opc ? milenage_new(sub->k, sub->op_or_opc)
                                   : milenage_new_op(sub->k, sub->op_or_opc);
    if (!mc)
        return;
    uint8_t res[8];
    if (milenage_f2345(mc, r->rand, res, r->ck, r->ik, NULL, NULL) == IMSEC_OK) {
        r->have_ckik = true;
        r->have_res = true;
        memcpy(r->res, res, sizeof res);
        r->res_len = sizeof res;
        r->ckik_source = "keys file";
    }
    OPENSSL_cleanse(res, sizeof res);
    milenage_free(mc);
}

static void remember_ckik(sa_ctx *c, imsec_str nonce, imsec_str ck, imsec_str ik)
{
    uint8_t ckb[16], ikb[16];
    if (!imsec_str_hex_decode(ck, ckb, 16) || !imsec_str_hex_decode(ik, ikb, 16))
        return;
    uint64_t h = tbl_hash(&c->ckiks, nonce.p, nonce.len);
    tbl_node *n = tbl_find(&c->ckiks, nonce.p, nonce.len, h);
    ckik_entry *e = n ? TBL_ENTRY(n, ckik_entry, n) : calloc(1, sizeof *e);
    if (!e)
        return;
    memcpy(e->ck, ckb, 16);
    memcpy(e->ik, ikb, 16);
    OPENSSL_cleanse(ckb, sizeof ckb);
    OPENSSL_cleanse(ikb, sizeof ikb);
    if (n)
        return;
    e->nonce = imsec_str_dup(nonce, 256);
    if (!e->nonce) {
        free(e);
        return;
    }
    e->n.key = (const uint8_t *)e->nonce;
    e->n.keylen = (uint32_t)strlen(e->nonce);
    tbl_insert(&c->ckiks, &e->n, tbl_hash(&c->ckiks, e->nonce, e->n.keylen));
}

static void learn_ckik_from_capture(sa_ctx *c, sa_reg *r, imsec_str nonce)
{
    if (r->have_ckik)
        return;
    tbl_node *n = tbl_find(&c->ckiks, nonce.p, nonce.len, tbl_hash(&c->ckiks, nonce.p, nonce.len));
    if (!n)
        return;
    ckik_entry *e = TBL_ENTRY(n, ckik_entry, n);
    memcpy(r->ck, e->ck, 16);
    memcpy(r->ik, e->ik, 16);
    r->have_ckik = true;
    r->ckik_source = "capture";
}

static void check_rand(sa_ctx *c, const sip_aka_nonce *an, const char *impi, const sip_msg *msg,
                       uint64_t frame, sa_event *ev)
{
    /* A transaction is (Call-ID, CSeq): a retransmitted 401 is one
     * challenge, not a reuse. The same challenge relayed from Mw to Gm may
     * change Call-ID (a B2BUA P-CSCF), so each leg is compared only with
     * challenges on the same kind of leg. */
    imsec_str cid = imsec_str_trim(sip_msg_value(msg, SIP_HDR_CALL_ID));
    imsec_str cseq = imsec_str_trim(sip_msg_value(msg, SIP_HDR_CSEQ));
    uint64_t txn = tbl_hash(&c->rands, cid.p, cid.len) ^ (tbl_hash(&c->rands, cseq.p, cseq.len) * 31);
    uint8_t key[17];
    memcpy(key, an->rand, 16);
    key[16] = ev->gm;
    uint64_t h = tbl_hash(&c->rands, key, sizeof key);
    tbl_node *n = tbl_find(&c->rands, key, sizeof key, h);
    if (n) {
        rand_entry *e = TBL_ENTRY(n, rand_entry, n);
        if (e->txn != txn) {
            ev->rand_first_frame = e->frame;
            memcpy(ev->rand_first_impi, e->impi, sizeof e->impi);
        }
        return;
    }
    rand_entry *e = calloc(1, sizeof *e);
    if (!e)
        return;
    memcpy(e->rand, key, sizeof key);
    e->txn = txn;
    e->frame = frame;
    snprintf(e->impi, sizeof e->impi, "%s", impi);
    e->n.key = e->rand;
    e->n.keylen = sizeof e->rand;
    tbl_insert(&c->rands, &e->n, h);
}

static void check_response(sa_reg *r, const sip_digest *d, sa_event *ev)
{
    if (!r->have_res || !d->nonce.len || !imsec_str_eq_cstr(d->nonce, r->nonce))
        return;
    aka_digest_in in = {.username = d->username, .realm = d->realm, .nonce = d->nonce,
                        .method = IMSEC_STR_LIT("REGISTER"), .uri = d->uri, .qop = d->qop,
                        .nc = d->nc, .cnonce = d->cnonce};
    bool match = false;
    if (aka_digest_verify(&in, r->res, r->res_len, d->response, &match) == IMSEC_OK)
        ev->response_ok = match ? 1 : -1;
}

/* ---- message hooks ---- */

static sa_reg *reg_alloc(sa_reg **rp, const char *impi)
{
    if (!*rp) {
        *rp = calloc(1, sizeof **rp);
        if (*rp)
            snprintf((*rp)->impi, sizeof (*rp)->impi, "%s", impi);
    }
    return *rp;
}

static void on_register_request(sa_reg **rp, const char *impi, const net_meta *m,
                                const sip_view *v, const sip_digest *d, sa_event *ev)
{
    sa_mechs tmp;
    ev->client = parse_mechs(v, SIP_VIEW_SEC_CLIENT, &tmp, m->frame);
    if (ev->client && ev->gm && reg_alloc(rp, impi))
        (*rp)->client = tmp;
    ev->verify = parse_mechs(v, SIP_VIEW_SEC_VERIFY, &tmp, m->frame);
    if (ev->verify && ev->gm && reg_alloc(rp, impi))
        (*rp)->verify = tmp;
    if (d) {
        ev->integrity_protected = d->has_integrity_protected;
        ev->integrity_value = d->integrity_protected;
        ev->auts = d->has_auts && d->auts.len;
        ev->response_present = d->has_response && d->response.len;
        if (ev->response_present && *rp) {
            check_response(*rp, d, ev);
            if (ev->response_ok < 0)
                (*rp)->bad_response_frame = m->frame;
        }
    }
    if (ev->gm && !(m->flags & NET_F_ESP) && reg_alloc(rp, impi)) {
        uint32_t seq = 0;
        (*rp)->ue_clear_register_frame = m->frame;
        if (sip_view_cseq(v, &seq, NULL))
            (*rp)->ue_clear_register_cseq = seq;
    }
}

static void on_challenge(sa_ctx *c, sa_reg **rp, const char *impi, const net_meta *m,
                         const sip_view *v, sa_event *ev)
{
    const sip_digest *pd = sip_view_challenge(v, NULL);
    bool have_digest = pd && pd->has_nonce;
    sip_digest d;
    if (have_digest)
        d = *pd;
    sip_aka_nonce an;
    bool have_nonce = have_digest && sip_aka_nonce_parse(d.nonce, &an) == IMSEC_OK;
    if (have_digest) {
        ev->challenge = true;
        ev->aka = imsec_str_starts_with_ci(d.algorithm, "AKAv");
        ev->ckik = d.has_ck || d.has_ik;
        ev->ck_value = d.ck;
        if (d.has_ck && d.has_ik)
            remember_ckik(c, d.nonce, d.ck, d.ik);
    }
    if (have_nonce && ev->aka)
        check_rand(c, &an, impi, sip_view_msg(v), m->frame, ev);
    sa_mechs server;
    ev->server = parse_mechs(v, SIP_VIEW_SEC_SERVER, &server, m->frame);
    if (!ev->gm || !(have_nonce || ev->server) || !reg_alloc(rp, impi))
        return;
    sa_reg *r = *rp;
    if (have_nonce) {
        /* A new challenge: keys of the previous one no longer apply. */
        if (!r->have_rand || memcmp(r->rand, an.rand, 16) != 0) {
            r->have_ckik = r->have_res = false;
            r->ckik_source = NULL;
        }
        memcpy(r->rand, an.rand, 16);
        memcpy(r->autn, an.autn, 16);
        r->have_rand = true;
        r->aka = ev->aka;
        r->challenge_frame = m->frame;
        imsec_str_copy(d.nonce, r->nonce, sizeof r->nonce);
        imsec_str_copy(d.realm, r->realm, sizeof r->realm);
        learn_ckik_from_capture(c, r, d.nonce);
        learn_ckik_from_keys(c, r, impi);
    }
    if (ev->server) {
        r->server = server;
        if (new_set(c, r, m))
            ev->set_created = true;
    }
}

static const sa_set *live_set(const sa_reg *r, int64_t now)
{
    const sa_set *best = NULL;
    for (unsigned i = 0; i < 2; i++) {
        const sa_set *s = &r->sets[i];
        if (!s->used || s->dead || !s->established)
            continue;
        if (s->expires_sec && now > s->expires_sec)
            continue;
        if (!best || s->gen > best->gen)
            best = s;
    }
    return best;
}

static void attach_set(sa_ctx *c, const net_meta *m, sa_event *ev)
{
    uint8_t k[34];
    if (m->flags & NET_F_ESP) {
        uint8_t sk[21];
        spi_key(sk, &m->t.dst, m->spi);
        tbl_node *n = tbl_find(&c->spis, sk, sizeof sk, tbl_hash(&c->spis, sk, sizeof sk));
        if (n) {
            spi_entry *e = TBL_ENTRY(n, spi_entry, n);
            ev->set = &e->owner->sets[e->slot];
            ev->which = e->which;
            ev->impi = e->owner->impi;
        }
        return;
    }
    /* In clear: the live set between these two endpoints, either direction. */
    for (int dir = 0; dir < 2 && !ev->set; dir++) {
        pair_key(k, dir ? &m->t.dst : &m->t.src, dir ? &m->t.src : &m->t.dst);
        tbl_node *n = tbl_find(&c->pairs, k, sizeof k, tbl_hash(&c->pairs, k, sizeof k));
        if (n) {
            const sa_reg *o = TBL_ENTRY(n, pair_entry, n)->owner;
            ev->set = live_set(o, m->ts.sec);
            ev->impi = o->impi;
        }
    }
}

void sa_on_message(sa_ctx *c, const net_meta *m, const sip_view *v, sa_event *ev)
{
    memset(ev, 0, sizeof *ev);
    uint32_t vias = sip_view_via_count(v);
    ev->via_count_known = vias > 0;
    ev->gm = vias == 1;
    attach_set(c, m, ev);
}

void sa_on_register(sa_ctx *c, sa_reg **rp, const char *impi, const net_meta *m,
                    const sip_view *v, const sip_digest *auth, sa_event *ev)
{
    const sip_msg *msg = sip_view_msg(v);
    if (msg->is_request)
        on_register_request(rp, impi, m, v, auth, ev);
    else if (msg->status == 401 || msg->status == 407)
        on_challenge(c, rp, impi, m, v, ev);
    if (*rp && msg->is_request && ev->auts) {
        sa_reg *r = *rp;
        if (r->nfail == 16) {
            memmove(r->fail_times, r->fail_times + 1, 15 * sizeof r->fail_times[0]);
            memmove(r->fail_frames, r->fail_frames + 1, 15 * sizeof r->fail_frames[0]);
            r->nfail--;
        }
        r->fail_times[r->nfail] = m->ts.sec;
        r->fail_frames[r->nfail++] = m->frame;
    }
}

void sa_on_registered(sa_ctx *c, sa_reg *r, const net_meta *m, uint32_t expires)
{
    (void)c;
    if (!r)
        return;
    for (unsigned i = 0; i < 2; i++) {
        sa_set *s = &r->sets[i];
        if (!s->used)
            continue;
        if (expires == 0)
            s->dead = true;
        else if (i == r->cur)
            s->expires_sec = m->ts.sec + (int64_t)expires + 30;
    }
}

/* ---- ESP ---- */

static bool null_ealg(const sa_set *s) { return strcmp(s->ealg, "null") == 0; }

static int open_with(struct esp_sa *sa, const net_meta *m, const uint8_t *pkt, uint32_t len,
                     uint8_t *out, uint32_t cap, sa_esp_result *res)
{
    (void)m;
    esp_result er;
    int rc = esp_open(sa, pkt, len, out, cap, &er);
    if (rc != IMSEC_OK)
        return -1;
    res->payload_len = er.payload_len;
    res->next_header = er.next_header;
    return 1;
}

/* k and h: the SPI key and its hash, shared with the spis table (same
 * hash key), so a packet is hashed once. */
static struct esp_sa *static_sa(sa_ctx *c, const net_meta *m, uint32_t spi, const uint8_t k[21],
                                uint64_t h)
{
    tbl_node *n = tbl_find(&c->statics, k, 21, h);
    if (n)
        return TBL_ENTRY(n, static_sa_entry, n)->sa;
    const keys_sa *ks = c->keys ? keys_find_sa(c->keys, spi, &m->t.src, &m->t.dst) : NULL;
    if (!ks)
        return NULL;
    static const esp_enc_alg encs[KEYS_EALG__COUNT] = {
        [KEYS_EALG_NULL] = ESP_ENC_NULL, [KEYS_EALG_DES_EDE3_CBC] = ESP_ENC_DES_EDE3_CBC,
        [KEYS_EALG_AES_CBC] = ESP_ENC_AES_CBC, [KEYS_EALG_AES_CTR] = ESP_ENC_AES_CTR,
        [KEYS_EALG_AES_GCM_16] = ESP_ENC_AES_GCM_16};
    esp_sa_params p;
    memset(&p, 0, sizeof p);
    p.spi = spi;
    p.src = m->t.src;
    p.dst = m->t.dst;
    p.ealg = encs[ks->ealg];
    if (ks->ealg == KEYS_EALG_DES_CBC || ks->ealg == KEYS_EALG_AES_GCM_8 ||
        ks->ealg == KEYS_EALG_AES_GCM_12)
        return NULL; /* not supported by crypto/esp */
    switch (ks->aalg) {
    case KEYS_AALG_NULL: p.aalg = ESP_AUTH_NULL; break;
    case KEYS_AALG_HMAC_MD5_96: p.aalg = ESP_AUTH_HMAC_MD5_96; break;
    case KEYS_AALG_HMAC_SHA1_96: p.aalg = ESP_AUTH_HMAC_SHA1_96; break;
    case KEYS_AALG_HMAC_SHA256_128: p.aalg = ESP_AUTH_HMAC_SHA256_128; break;
    case KEYS_AALG_ANY_96: p.aalg = ESP_AUTH_HMAC_SHA1_96; p.icv_unchecked = true; break;
    case KEYS_AALG_ANY_128: p.aalg = ESP_AUTH_HMAC_SHA256_128; p.icv_unchecked = true; break;
    default: return NULL;
    }
    if (ks->ekey_len > sizeof p.keys.enc_key || ks->akey_len > sizeof p.keys.auth_key)
        return NULL;
    memcpy(p.keys.enc_key, ks->ekey, ks->ekey_len);
    p.keys.enc_key_len = ks->ekey_len;
    memcpy(p.keys.auth_key, ks->akey, ks->akey_len);
    p.keys.auth_key_len = ks->akey_len;
    p.esn = ks->esn;
    p.esn_high = ks->esn_high;
    char err[IMSEC_ERRBUF];
    struct esp_sa *sa = esp_sa_new(&p, err);
    OPENSSL_cleanse(&p.keys, sizeof p.keys);
    if (!sa)
        return NULL;
    static_sa_entry *e = calloc(1, sizeof *e);
    if (!e) {
        esp_sa_free(sa);
        return NULL;
    }
    memcpy(e->key, k, sizeof e->key);
    e->sa = sa;
    e->n.key = e->key;
    e->n.keylen = sizeof e->key;
    tbl_insert(&c->statics, &e->n, h);
    return sa;
}

static int guess_null(const uint8_t *pkt, uint32_t len, sa_esp_result *res)
{
    esp_null_guess_result g;
    if (!esp_null_guess(pkt, len, &g) || g.candidates != 1)
        return 0;
    res->payload_off = g.payload_off;
    res->payload_len = g.payload_len;
    res->next_header = g.next_header;
    return 1;
}

int sa_open_esp(sa_ctx *c, const net_meta *m, const uint8_t *pkt, uint32_t len, uint8_t *out,
                uint32_t cap, sa_esp_result *res)
{
    memset(res, 0, sizeof *res);
    if (len < 8)
        return -1;
    uint32_t spi = (uint32_t)pkt[0] << 24 | (uint32_t)pkt[1] << 16 | (uint32_t)pkt[2] << 8 | pkt[3];
    uint8_t k[21];
    spi_key(k, &m->t.dst, spi);
    uint64_t h = tbl_hash(&c->spis, k, sizeof k);
    tbl_node *n = tbl_find(&c->spis, k, sizeof k, h);
    /* An explicit SA from --keys wins: the user said exactly how to open it. */
    struct esp_sa *st = static_sa(c, m, spi, k, h);
    if (n) {
        spi_entry *e = TBL_ENTRY(n, spi_entry, n);
        sa_set *s = &e->owner->sets[e->slot];
        res->set = s;
        res->which = e->which;
        res->impi = e->owner->impi;
        s->packets++;
        int rc = 0;
        if (st) {
            rc = open_with(st, m, pkt, len, out, cap, res);
            res->from_keys_file = true;
        } else if (s->keys && s->esp[e->which]) {
            rc = open_with(s->esp[e->which], m, pkt, len, out, cap, res);
        } else if (null_ealg(s)) {
            rc = guess_null(pkt, len, res);
        }
        if (rc == 1) {
            s->decrypted++;
            if (!s->established) {
                s->established = true;
                s->established_frame = m->frame;
            }
        } else if (rc < 0) {
            s->failed++;
        } else if (!s->established) {
            /* ESP on the agreed SPIs proves the SAs are in use even unopened. */
            s->established = true;
            s->established_frame = m->frame;
        }
        return rc;
    }
    if (st) {
        res->from_keys_file = true;
        return open_with(st, m, pkt, len, out, cap, res);
    }
    return guess_null(pkt, len, res) ? 1 : -2;
}

void sa_set_label(const sa_set *s, char *buf, size_t cap)
{
    snprintf(buf, cap, "0x%x/0x%x", s->spi_uc, s->spi_us);
}
