/* sip_view: memoised typed fields of one SIP message (see sip_view.h). */
#include "sip/sip_view.h"

#include <string.h>

/* One bit per memoised scalar field: set in `memo` once computed, and in
 * `okb` when the field was present and valid. */
enum {
    M_FROM = 1u << 0, M_TO = 1u << 1, M_CSEQ = 1u << 2, M_RURI = 1u << 3, M_CRED = 1u << 4,
    M_CHAL = 1u << 5, M_PRIVACY = 1u << 6, M_RPID = 1u << 7, M_REPLACES = 1u << 8,
    M_TDIALOG = 1u << 9, M_CTYPE = 1u << 10, M_SDP = 1u << 11, M_VIA = 1u << 12,
    M_EXPIRES = 1u << 13, M_VIACOUNT = 1u << 14,
    M_VIATOP = 1u << 15,
};

/* The cache is logically part of the view's value: see "Logical
 * constness" in sip_view.h. */
static sip_view *mut(const sip_view *v) { return (sip_view *)(uintptr_t)v; }

void sip_view_reset(sip_view *v, const sip_msg *msg)
{
    v->msg = msg;
    v->memo = v->okb = 0;
    v->list_memo = v->first_memo = v->first_ok = 0;
    v->sec_memo = 0;
}

/* Runs fill() once per message for field bit b; returns whether it is valid. */
static bool memo(const sip_view *cv, uint32_t b, bool (*fill)(sip_view *))
{
    sip_view *v = mut(cv);
    if (!(v->memo & b)) {
        v->memo |= b;
        if (fill(v))
            v->okb |= b;
    }
    return (v->okb & b) != 0;
}

static bool fill_from(sip_view *v)
{
    const sip_hdr *h = sip_msg_hdr(v->msg, SIP_HDR_FROM);
    return h && sip_naddr_parse(h->value, &v->from) == IMSEC_OK;
}

static bool fill_to(sip_view *v)
{
    const sip_hdr *h = sip_msg_hdr(v->msg, SIP_HDR_TO);
    return h && sip_naddr_parse(h->value, &v->to) == IMSEC_OK;
}

const sip_naddr *sip_view_from(const sip_view *v)
{
    return memo(v, M_FROM, fill_from) ? &v->from : NULL;
}

const sip_naddr *sip_view_to(const sip_view *v)
{
    return memo(v, M_TO, fill_to) ? &v->to : NULL;
}

imsec_str sip_view_from_tag(const sip_view *v)
{
    const sip_naddr *n = sip_view_from(v);
    return n ? sip_naddr_tag(n) : IMSEC_STR_NULL;
}

imsec_str sip_view_to_tag(const sip_view *v)
{
    const sip_naddr *n = sip_view_to(v);
    return n ? sip_naddr_tag(n) : IMSEC_STR_NULL;
}

static bool fill_cseq(sip_view *v)
{
    const sip_hdr *h = sip_msg_hdr(v->msg, SIP_HDR_CSEQ);
    if (!h || sip_cseq_parse(h->value, &v->cseq, &v->cseq_method_str) != IMSEC_OK)
        return false;
    v->cseq_method = sip_method_lookup(v->cseq_method_str);
    return true;
}

bool sip_view_cseq(const sip_view *v, uint32_t *seq, sip_method *method)
{
    bool ok = memo(v, M_CSEQ, fill_cseq);
    if (seq)
        *seq = ok ? v->cseq : 0;
    if (method)
        *method = ok ? v->cseq_method : SIP_M_OTHER;
    return ok;
}

imsec_str sip_view_cseq_method_str(const sip_view *v)
{
    return memo(v, M_CSEQ, fill_cseq) ? v->cseq_method_str : IMSEC_STR_NULL;
}

sip_method sip_view_method(const sip_view *v)
{
    if (v->msg->is_request)
        return v->msg->method;
    sip_method m;
    return sip_view_cseq(v, NULL, &m) ? m : SIP_M_OTHER;
}

static bool fill_ruri(sip_view *v)
{
    return v->msg->is_request && sip_uri_parse(v->msg->ruri, &v->ruri) == IMSEC_OK;
}

const sip_uri *sip_view_ruri(const sip_view *v)
{
    return memo(v, M_RURI, fill_ruri) ? &v->ruri : NULL;
}

/* First header of kind a, else of kind b, parsed as Digest. */
static bool digest_of(const sip_msg *msg, sip_hdr_type a, sip_hdr_type b, sip_digest *d,
                      bool *second)
{
    const sip_hdr *h = sip_msg_hdr(msg, a);
    *second = !h;
    if (!h)
        h = sip_msg_hdr(msg, b);
    return h && sip_digest_parse(h->value, d) == IMSEC_OK;
}

static bool fill_cred(sip_view *v)
{
    return v->msg->is_request && digest_of(v->msg, SIP_HDR_AUTHORIZATION,
                                           SIP_HDR_PROXY_AUTHORIZATION, &v->cred, &v->cred_proxy);
}

static bool fill_chal(sip_view *v)
{
    return !v->msg->is_request && digest_of(v->msg, SIP_HDR_WWW_AUTHENTICATE,
                                            SIP_HDR_PROXY_AUTHENTICATE, &v->chal, &v->chal_proxy);
}

const sip_digest *sip_view_credentials(const sip_view *v, bool *proxy)
{
    bool ok = memo(v, M_CRED, fill_cred);
    if (proxy)
        *proxy = v->cred_proxy;
    return ok ? &v->cred : NULL;
}

const sip_digest *sip_view_challenge(const sip_view *v, bool *proxy)
{
    bool ok = memo(v, M_CHAL, fill_chal);
    if (proxy)
        *proxy = v->chal_proxy;
    return ok ? &v->chal : NULL;
}

static bool fill_privacy(sip_view *v)
{
    v->privacy = 0;
    for (const sip_hdr *h = sip_msg_hdr(v->msg, SIP_HDR_PRIVACY); h; h = sip_msg_hdr_next(v->msg, h))
        v->privacy |= sip_privacy_parse(h->value);
    return true;
}

uint32_t sip_view_privacy(const sip_view *v)
{
    memo(v, M_PRIVACY, fill_privacy);
    return v->privacy;
}

static bool fill_rpid(sip_view *v)
{
    imsec_str s = sip_msg_value(v->msg, SIP_HDR_REMOTE_PARTY_ID);
    return s.len && sip_rpid_parse(s, &v->rpid) == IMSEC_OK;
}

const sip_rpid *sip_view_rpid(const sip_view *v)
{
    return memo(v, M_RPID, fill_rpid) ? &v->rpid : NULL;
}

static bool fill_replaces(sip_view *v)
{
    const sip_hdr *h = sip_msg_hdr(v->msg, SIP_HDR_REPLACES);
    return h && sip_replaces_parse(h->value, &v->replaces) == IMSEC_OK;
}

static bool fill_tdialog(sip_view *v)
{
    const sip_hdr *h = sip_msg_hdr(v->msg, SIP_HDR_TARGET_DIALOG);
    return h && sip_replaces_parse(h->value, &v->target_dialog) == IMSEC_OK;
}

const sip_replaces *sip_view_replaces(const sip_view *v)
{
    return memo(v, M_REPLACES, fill_replaces) ? &v->replaces : NULL;
}

const sip_replaces *sip_view_target_dialog(const sip_view *v)
{
    return memo(v, M_TDIALOG, fill_tdialog) ? &v->target_dialog : NULL;
}

static bool fill_ctype(sip_view *v)
{
    const sip_hdr *h = sip_msg_hdr(v->msg, SIP_HDR_CONTENT_TYPE);
    return h && sip_ctype_parse(h->value, &v->ctype) == IMSEC_OK;
}

const sip_ctype *sip_view_ctype(const sip_view *v)
{
    return memo(v, M_CTYPE, fill_ctype) ? &v->ctype : NULL;
}

static bool fill_sdp(sip_view *v)
{
    const sip_ctype *ct = sip_view_ctype(v);
    return v->msg->body.len && ct && sip_ctype_is(ct, "application", "sdp") &&
           sdp_parse(v->msg->body.p, v->msg->body.len, &v->sdp) == IMSEC_OK;
}

const sdp_desc *sip_view_sdp(const sip_view *v)
{
    return memo(v, M_SDP, fill_sdp) ? &v->sdp : NULL;
}

static bool fill_expires(sip_view *v)
{
    imsec_str pv;
    const sip_naddr *c = sip_view_list_first(v, SIP_VIEW_L_CONTACT);
    if (c && sip_param_get(c->params, "expires", &pv) && imsec_str_to_u32(pv, &v->expires))
        return true;
    return imsec_str_to_u32(imsec_str_trim(sip_msg_value(v->msg, SIP_HDR_EXPIRES)), &v->expires);
}

bool sip_view_expires(const sip_view *v, uint32_t *out)
{
    bool ok = memo(v, M_EXPIRES, fill_expires);
    *out = ok ? v->expires : 0;
    return ok;
}

/* ---- lists ---- */

/* Walks every element of every header of type t: the quote-aware comma
 * split, so "a, b" in one line and two lines read the same (RFC 3261 §7.3.1). */
typedef struct {
    const sip_msg *msg;
    const sip_hdr *h;
    imsec_str rest;
} elem_iter;

static void elem_begin(elem_iter *it, const sip_msg *msg, sip_hdr_type t)
{
    it->msg = msg;
    it->h = sip_msg_hdr(msg, t);
    it->rest = it->h ? it->h->value : IMSEC_STR_NULL;
}

static bool elem_next(elem_iter *it, imsec_str *item)
{
    while (it->h) {
        if (imsec_str_list_next(&it->rest, item))
            return true;
        it->h = sip_msg_hdr_next(it->msg, it->h);
        it->rest = it->h ? it->h->value : IMSEC_STR_NULL;
    }
    return false;
}

static const sip_hdr_type list_hdr[SIP_VIEW_L__COUNT] = {
    [SIP_VIEW_L_CONTACT] = SIP_HDR_CONTACT,
    [SIP_VIEW_L_ROUTE] = SIP_HDR_ROUTE,
    [SIP_VIEW_L_RECORD_ROUTE] = SIP_HDR_RECORD_ROUTE,
    [SIP_VIEW_L_PATH] = SIP_HDR_PATH,
    [SIP_VIEW_L_SERVICE_ROUTE] = SIP_HDR_SERVICE_ROUTE,
    [SIP_VIEW_L_PAI] = SIP_HDR_P_ASSERTED_IDENTITY,
    [SIP_VIEW_L_PPI] = SIP_HDR_P_PREFERRED_IDENTITY,
    [SIP_VIEW_L_PAU] = SIP_HDR_P_ASSOCIATED_URI,
    [SIP_VIEW_L_REFER_TO] = SIP_HDR_REFER_TO,
    [SIP_VIEW_L_REFERRED_BY] = SIP_HDR_REFERRED_BY,
    [SIP_VIEW_L_CALLED_PARTY] = SIP_HDR_P_CALLED_PARTY_ID,
};

sip_view_naddrs sip_view_list_get(const sip_view *cv, sip_view_list l)
{
    sip_view *v = mut(cv);
    sip_view_naddrs *out = &v->lists[l];
    if (v->list_memo & (1u << l))
        return *out;
    v->list_memo |= 1u << l;
    memset(out, 0, sizeof *out);
    out->a = v->list_store[l];
    elem_iter it;
    imsec_str item;
    elem_begin(&it, v->msg, list_hdr[l]);
    while (elem_next(&it, &item)) {
        if (out->n == SIP_VIEW_MAX_LIST) {
            out->dropped++;
            continue;
        }
        if (sip_naddr_parse(item, &v->list_store[l][out->n]) == IMSEC_OK)
            out->n++;
        else
            out->malformed++;
    }
    return *out;
}

/* Most readers want only the first element (the registering Contact, the
 * S-CSCF's Service-Route, the asserted identity): parse just that one into
 * the list's first slot, which the whole list would fill the same way. */
const sip_naddr *sip_view_list_first(const sip_view *cv, sip_view_list l)
{
    sip_view *v = mut(cv);
    if (v->list_memo & (1u << l))
        return v->lists[l].n ? &v->lists[l].a[0] : NULL;
    if (!(v->first_memo & (1u << l))) {
        v->first_memo |= 1u << l;
        elem_iter it;
        imsec_str item;
        elem_begin(&it, v->msg, list_hdr[l]);
        while (elem_next(&it, &item))
            if (sip_naddr_parse(item, &v->list_store[l][0]) == IMSEC_OK) {
                v->first_ok |= 1u << l;
                break;
            }
    }
    return (v->first_ok & (1u << l)) ? &v->list_store[l][0] : NULL;
}

static bool fill_via(sip_view *v)
{
    sip_view_vias *out = &v->vias;
    memset(out, 0, sizeof *out);
    out->a = v->via_store;
    elem_iter it;
    imsec_str item;
    elem_begin(&it, v->msg, SIP_HDR_VIA);
    while (elem_next(&it, &item)) {
        if (out->n == SIP_VIEW_MAX_VIA)
            out->dropped++;
        else if (sip_via_parse(item, &v->via_store[out->n]) == IMSEC_OK)
            out->n++;
        else
            out->malformed++;
    }
    return true;
}

sip_view_vias sip_view_via(const sip_view *v)
{
    memo(v, M_VIA, fill_via);
    return v->vias;
}

/* The top Via alone (the sender's, RFC 3261 §16.6 step 8; the transaction's
 * branch, §17.1.3) is what most readers want: parse just that entry. Like
 * the list, the first entry that parses counts. */
static bool fill_via_top(sip_view *v)
{
    if (v->memo & M_VIA) {
        if (!v->vias.n)
            return false;
        v->via_top = v->vias.a[0];
        return true;
    }
    elem_iter it;
    imsec_str item;
    elem_begin(&it, v->msg, SIP_HDR_VIA);
    while (elem_next(&it, &item))
        if (sip_via_parse(item, &v->via_top) == IMSEC_OK)
            return true;
    return false;
}

const sip_via *sip_view_via_top(const sip_view *v)
{
    return memo(v, M_VIATOP, fill_via_top) ? &v->via_top : NULL;
}

const sip_via *sip_view_via_bottom(const sip_view *v)
{
    sip_view_vias l = sip_view_via(v);
    return l.n && !l.dropped ? &l.a[l.n - 1] : NULL;
}

/* Counting needs no parse: most callers only ask "one Via or several"
 * (state's Gm test runs on every message), and parsing every entry's
 * parameters to answer that cost a third of the per-message work. */
uint32_t sip_view_via_count(const sip_view *cv)
{
    sip_view *v = mut(cv);
    if (v->memo & M_VIA)
        return (uint32_t)v->vias.n + v->vias.dropped + v->vias.malformed;
    if (!(v->memo & M_VIACOUNT)) {
        v->memo |= M_VIACOUNT;
        v->via_count = 0;
        elem_iter it;
        imsec_str item;
        elem_begin(&it, v->msg, SIP_HDR_VIA);
        while (elem_next(&it, &item))
            v->via_count++;
    }
    return v->via_count;
}

static const sip_hdr_type sec_hdr[SIP_VIEW_SEC__COUNT] = {
    [SIP_VIEW_SEC_CLIENT] = SIP_HDR_SECURITY_CLIENT,
    [SIP_VIEW_SEC_SERVER] = SIP_HDR_SECURITY_SERVER,
    [SIP_VIEW_SEC_VERIFY] = SIP_HDR_SECURITY_VERIFY,
};

sip_view_mechs sip_view_sec_mechs(const sip_view *cv, sip_view_sec s)
{
    sip_view *v = mut(cv);
    sip_view_mechs *out = &v->mechs[s];
    if (v->sec_memo & (1u << s))
        return *out;
    v->sec_memo |= 1u << s;
    memset(out, 0, sizeof *out);
    out->a = v->mech_store[s];
    out->present = sip_msg_hdr(v->msg, sec_hdr[s]) != NULL;
    elem_iter it;
    imsec_str item;
    elem_begin(&it, v->msg, sec_hdr[s]);
    while (elem_next(&it, &item)) {
        if (out->n == SIP_VIEW_MAX_MECHS)
            out->dropped++;
        else if (sip_secmech_parse(item, &v->mech_store[s][out->n]) == IMSEC_OK)
            out->n++;
        else
            out->malformed++;
    }
    return *out;
}
