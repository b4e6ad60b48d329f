#include "state/boundary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip_hdr.h"
#include "base/tbl.h"

/* Every REGISTER sender inferred to be a UE, for lookups; the first
 * BND_MAX_INFERRED are also kept in ue[] to describe the inference. */
typedef struct {
    tbl_node n;
    uint8_t key[17];
} ue_node;

#define BND_MAX_UES (1u << 16)

struct bnd_ctx {
    const rules_site *site;
    tbl ues;
    /* Several detectors ask about the same two addresses of each message:
     * the last answers, cleared whenever the UE set changes. */
    struct {
        imsec_addr a;
        bool ue, valid;
    } memo[4];
    unsigned memo_next;
    imsec_addr pcscf[BND_MAX_INFERRED], scscf[BND_MAX_INFERRED]; /* roles, for labels */
    size_t npcscf, nscscf;
    bool pinned; /* site names internal_prefixes or home_domains */
    imsec_addr cscf[BND_MAX_INFERRED];
    size_t ncscf;
    imsec_addr ue[BND_MAX_INFERRED]; /* senders of REGISTER: home subscribers */
    size_t nue;
    char domain[BND_MAX_INFERRED][BND_MAX_DOMAIN];
    size_t ndomain;
};

static void ue_evict(void *owner, tbl_node *n)
{
    (void)owner;
    free(TBL_ENTRY(n, ue_node, n));
}

bnd_ctx *bnd_new(const rules_site *site, const uint8_t hkey[16])
{
    bnd_ctx *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    if (!tbl_init(&b->ues, BND_MAX_UES, hkey, ue_evict, b)) {
        free(b);
        return NULL;
    }
    b->site = site;
    b->pinned = site && (site->internal_prefixes.n || site->home_domains.n);
    return b;
}

void bnd_free(bnd_ctx *b)
{
    if (!b)
        return;
    tbl_node *n;
    while ((n = tbl_pop_oldest(&b->ues)))
        ue_evict(b, n);
    tbl_fini(&b->ues);
    free(b);
}

static void ue_key(uint8_t k[17], const imsec_addr *a)
{
    k[0] = a->family;
    memcpy(k + 1, a->a, 16);
}

static bool ue_known(const bnd_ctx *b, const imsec_addr *a)
{
    bnd_ctx *m = (bnd_ctx *)b; /* the memo is a cache: answers do not change */
    for (unsigned i = 0; i < 4; i++)
        if (m->memo[i].valid && imsec_addr_eq(&m->memo[i].a, a))
            return m->memo[i].ue;
    uint8_t k[17];
    ue_key(k, a);
    bool ue = tbl_find(&m->ues, k, sizeof k, tbl_hash(&m->ues, k, sizeof k)) != NULL;
    unsigned slot = m->memo_next++ & 3;
    m->memo[slot].a = *a;
    m->memo[slot].ue = ue;
    m->memo[slot].valid = true;
    return ue;
}

static void add_ue(bnd_ctx *b, const imsec_addr *a)
{
    uint8_t k[17];
    ue_key(k, a);
    uint64_t h = tbl_hash(&b->ues, k, sizeof k);
    if (tbl_find(&b->ues, k, sizeof k, h))
        return;
    ue_node *u = calloc(1, sizeof *u);
    if (!u)
        return;
    memcpy(u->key, k, sizeof k);
    u->n.key = u->key;
    u->n.keylen = sizeof u->key;
    tbl_insert(&b->ues, &u->n, h);
    memset(b->memo, 0, sizeof b->memo); /* an eviction may have dropped a memoised UE */
    if (b->nue < BND_MAX_INFERRED)
        b->ue[b->nue++] = *a;
}

static bool addr_in(const imsec_addr *set, size_t n, const imsec_addr *a)
{
    for (size_t i = 0; i < n; i++)
        if (imsec_addr_eq(&set[i], a))
            return true;
    return false;
}

static void add_addr(imsec_addr *set, size_t *n, const imsec_addr *a)
{
    if (!addr_in(set, *n, a) && *n < BND_MAX_INFERRED)
        set[(*n)++] = *a;
}

static void add_cscf(bnd_ctx *b, const imsec_addr *a) { add_addr(b->cscf, &b->ncscf, a); }

static void add_domain(bnd_ctx *b, imsec_str d)
{
    if (d.len == 0 || d.len >= BND_MAX_DOMAIN)
        return;
    imsec_addr ip;
    if (imsec_addr_parse(d.p, d.len, &ip))
        return; /* a registrar addressed by IP names no domain */
    for (uint32_t i = 0; i < d.len; i++) {
        unsigned char c = (unsigned char)d.p[i]; /* host names only (RFC 3261 §25.1 hostname) */
        if (!(imsec_is_digit(c) || c == '.' || c == '-' || (c >= 'a' && c <= 'z') ||
              (c >= 'A' && c <= 'Z')))
            return;
    }
    for (size_t i = 0; i < b->ndomain; i++)
        if (imsec_str_eq_cstr_ci(d, b->domain[i]))
            return;
    if (b->ndomain < BND_MAX_INFERRED) {
        char *o = b->domain[b->ndomain++];
        for (uint32_t i = 0; i < d.len; i++)
            o[i] = (char)imsec_ascii_lower((unsigned char)d.p[i]);
        o[d.len] = '\0';
    }
}

/* Record-Route entry naming the sender itself: the sender is a proxy on the
 * path (RFC 3261 §16.6 step 4). */
static bool rr_names_sender(const sip_view *v, const net_meta *m)
{
    const sip_naddr *n = sip_view_list_first(v, SIP_VIEW_L_RECORD_ROUTE);
    imsec_addr a;
    return n && imsec_addr_parse(n->uri.host.p, n->uri.host.len, &a) &&
           imsec_addr_eq(&a, &m->t.src);
}

/* Roles from REGISTER routing: the UE sends its REGISTER, with its own Via
 * only, to the P-CSCF (TS 24.229 §5.1.1.2); a REGISTER forwarded with more
 * Vias goes on toward the registrar. I- and S-CSCF cannot be told apart
 * from SIP alone (the I-CSCF asks the HSS), so that hop is labelled S-CSCF. */
static void observe_roles(bnd_ctx *b, const net_meta *m, const sip_view *v)
{
    uint32_t vias = sip_view_via_count(v);
    if (!vias)
        return;
    if (vias == 1)
        add_addr(b->pcscf, &b->npcscf, &m->t.dst);
    else if (!addr_in(b->pcscf, b->npcscf, &m->t.dst))
        add_addr(b->scscf, &b->nscscf, &m->t.dst);
}

const char *bnd_role(const bnd_ctx *b, const imsec_addr *a)
{
    if (!b)
        return "";
    if (addr_in(b->pcscf, b->npcscf, a))
        return "P-CSCF";
    if (addr_in(b->scscf, b->nscscf, a))
        return "S-CSCF";
    if (bnd_addr_ue(b, a))
        return "UE";
    if (bnd_known(b) && !bnd_addr_home(b, a) && !bnd_addr_trusted(b, a))
        return "peer";
    return "";
}

void bnd_observe(bnd_ctx *b, const net_meta *m, const sip_view *v)
{
    if (!b)
        return;
    const sip_msg *msg = sip_view_msg(v);
    sip_method cseq_method = sip_view_method(v);
    if (msg->is_request && msg->method == SIP_M_REGISTER)
        observe_roles(b, m, v);
    if (b->pinned)
        return;
    if (msg->is_request && msg->method == SIP_M_REGISTER) {
        const sip_uri *u = sip_view_ruri(v);
        if (u)
            add_domain(b, u->host);
        /* A REGISTER goes to a CSCF (P-CSCF or registrar). Its sender is a
         * subscriber (UE), unless it is a proxy: already a CSCF, or it
         * inserted Path (RFC 3327 §5.2). */
        add_cscf(b, &m->t.dst);
        if (sip_msg_hdr(msg, SIP_HDR_PATH))
            add_cscf(b, &m->t.src);
        else if (!addr_in(b->cscf, b->ncscf, &m->t.src) && !rr_names_sender(v, m))
            add_ue(b, &m->t.src);
    } else if (!msg->is_request && cseq_method == SIP_M_REGISTER &&
               (msg->status == 401 || (msg->status >= 200 && msg->status < 300))) {
        add_cscf(b, &m->t.src); /* the registrar, or the P-CSCF relaying its answer */
    }
    if (msg->is_request && rr_names_sender(v, m))
        add_cscf(b, &m->t.src);
}

bool bnd_known(const bnd_ctx *b) { return b && (b->pinned || b->ncscf || b->ndomain); }
bool bnd_inferred(const bnd_ctx *b) { return b && !b->pinned && (b->ncscf || b->ndomain); }

bool bnd_addr_home(const bnd_ctx *b, const imsec_addr *a)
{
    if (!b)
        return false;
    if (b->pinned)
        return rules_prefix_list_match(b->site->internal_prefixes.v, b->site->internal_prefixes.n,
                                       a) ||
               rules_prefix_list_match(b->site->ue_prefixes.v, b->site->ue_prefixes.n, a);
    return addr_in(b->cscf, b->ncscf, a) || ue_known(b, a);
}

bool bnd_addr_ue(const bnd_ctx *b, const imsec_addr *a)
{
    if (!b)
        return false;
    if (!b->pinned && ue_known(b, a))
        return true;
    return b->site && rules_prefix_list_match(b->site->ue_prefixes.v, b->site->ue_prefixes.n, a);
}

bool bnd_addr_trusted(const bnd_ctx *b, const imsec_addr *a)
{
    return b && b->site &&
           rules_prefix_list_match(b->site->trusted_peers.prefixes.v,
                                   b->site->trusted_peers.prefixes.n, a);
}

bool bnd_addr_anchor(const bnd_ctx *b, const imsec_addr *a)
{
    return b && b->site &&
           rules_prefix_list_match(b->site->media_anchors.v, b->site->media_anchors.n, a);
}

bool bnd_has_anchors(const bnd_ctx *b) { return b && b->site && b->site->media_anchors.n; }

bool bnd_host_home(const bnd_ctx *b, imsec_str host)
{
    if (!b || host.len == 0)
        return false;
    imsec_addr a;
    if (imsec_addr_parse(host.p, host.len, &a))
        return bnd_addr_home(b, &a);
    if (b->pinned)
        return rules_site_home_domain(b->site, host.p, host.len);
    for (size_t i = 0; i < b->ndomain; i++) {
        size_t dl = strlen(b->domain[i]);
        if (host.len < dl)
            continue;
        imsec_str tail = imsec_str_make(host.p + host.len - dl, dl);
        if (imsec_str_eq_cstr_ci(tail, b->domain[i]) &&
            (host.len == dl || host.p[host.len - dl - 1] == '.'))
            return true;
    }
    return false;
}

bnd_dir bnd_direction(const bnd_ctx *b, const net_meta *m)
{
    if (!bnd_known(b))
        return BND_INTERNAL;
    bool s = bnd_addr_home(b, &m->t.src) || bnd_addr_trusted(b, &m->t.src);
    bool d = bnd_addr_home(b, &m->t.dst) || bnd_addr_trusted(b, &m->t.dst);
    if (s && d)
        return BND_INTERNAL;
    if (s)
        return BND_OUT;
    return d ? BND_IN : BND_EXTERNAL;
}

const char *bnd_describe(const bnd_ctx *b, char *buf, size_t cap)
{
    if (!cap)
        return buf;
    buf[0] = '\0';
    if (!b || b->pinned || (!b->ncscf && !b->ndomain)) {
        snprintf(buf, cap, "%s", b && b->pinned ? "site profile" : "");
        return buf;
    }
    size_t o = 0;
    int n = snprintf(buf, cap, "inferred: home_domains [");
    o = n > 0 ? (size_t)n : 0;
    for (size_t i = 0; i < b->ndomain && o < cap; i++) {
        n = snprintf(buf + o, cap - o, "%s\"%s\"", i ? ", " : "", b->domain[i]);
        o += n > 0 ? (size_t)n : 0;
    }
    if (o < cap) {
        n = snprintf(buf + o, cap - o, "], cscf addresses [");
        o += n > 0 ? (size_t)n : 0;
    }
    for (size_t i = 0; i < b->ncscf && o < cap; i++) {
        char as[IMSEC_ADDRSTRLEN];
        n = snprintf(buf + o, cap - o, "%s\"%s\"", i ? ", " : "", imsec_addr_str(&b->cscf[i], as));
        o += n > 0 ? (size_t)n : 0;
    }
    if (o < cap) {
        n = snprintf(buf + o, cap - o, "], ue addresses [");
        o += n > 0 ? (size_t)n : 0;
    }
    for (size_t i = 0; i < b->nue && o < cap; i++) {
        char as[IMSEC_ADDRSTRLEN];
        n = snprintf(buf + o, cap - o, "%s\"%s\"", i ? ", " : "", imsec_addr_str(&b->ue[i], as));
        o += n > 0 ? (size_t)n : 0;
    }
    if (o < cap)
        snprintf(buf + o, cap - o, "]");
    return buf;
}
