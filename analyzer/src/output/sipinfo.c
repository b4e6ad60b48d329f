/* sipinfo: imsec_sip_describe (imsec/sipinfo.h), the security view of one
 * SIP message for a viewer. The parsing is sip/'s; this module only walks
 * the headers in display order and classifies route hosts against the site
 * profile, so a viewer needs no private header. */
#include "imsec/sipinfo.h"

#include <stdio.h>
#include <string.h>

#include "base/imsec_str.h"
#include "rules/config.h"
#include "rules/prefix.h"
#include "sip/sip_hdr.h"
#include "sip/sip_msg.h"

typedef struct {
    const imsec_config *cfg;
    imsec_sip_item_cb cb;
    void *ud;
    const sip_msg *m;
} walk;

typedef struct {
    sip_hdr_type t;
    const char *name;
} hdr_name;

static void emit(walk *w, imsec_sip_item *it) { w->cb(w->ud, it); }

static void malformed(walk *w, const char *what, imsec_str v)
{
    imsec_sip_item it = {.kind = IMSEC_SIP_MALFORMED, .header = what, .value = v};
    emit(w, &it);
}

static void marker(walk *w, imsec_sip_item_kind k)
{
    imsec_sip_item it = {.kind = k};
    emit(w, &it);
}

static void secmechs(walk *w)
{
    static const hdr_name hs[] = {
        {SIP_HDR_SECURITY_CLIENT, "Security-Client"},
        {SIP_HDR_SECURITY_SERVER, "Security-Server"},
        {SIP_HDR_SECURITY_VERIFY, "Security-Verify"},
    };
    for (size_t i = 0; i < sizeof hs / sizeof *hs; i++)
        for (const sip_hdr *h = sip_msg_hdr(w->m, hs[i].t); h; h = sip_msg_hdr_next(w->m, h)) {
            imsec_str rest = h->value, item;
            while (imsec_str_list_next(&rest, &item)) {
                sip_secmech s;
                if (sip_secmech_parse(item, &s) != IMSEC_OK) {
                    malformed(w, hs[i].name, item);
                    continue;
                }
                imsec_sip_item it = {.kind = IMSEC_SIP_SECMECH, .header = hs[i].name, .value = item};
                it.u.sec.mech = s.mech;
                it.u.sec.alg = s.alg;
                it.u.sec.ealg = s.ealg;
                it.u.sec.prot = s.prot;
                it.u.sec.mod = s.mod;
                it.u.sec.spi_c = s.spi_c;
                it.u.sec.spi_s = s.spi_s;
                it.u.sec.q = s.q;
                it.u.sec.port_c = s.port_c;
                it.u.sec.port_s = s.port_s;
                it.u.sec.has_spi_c = s.has_spi_c;
                it.u.sec.has_spi_s = s.has_spi_s;
                it.u.sec.has_port_c = s.has_port_c;
                it.u.sec.has_port_s = s.has_port_s;
                it.u.sec.has_q = s.has_q;
                emit(w, &it);
            }
        }
}

static void digests(walk *w)
{
    static const hdr_name hs[] = {
        {SIP_HDR_AUTHORIZATION, "Authorization"},
        {SIP_HDR_PROXY_AUTHORIZATION, "Proxy-Authorization"},
        {SIP_HDR_WWW_AUTHENTICATE, "WWW-Authenticate"},
        {SIP_HDR_PROXY_AUTHENTICATE, "Proxy-Authenticate"},
    };
    for (size_t i = 0; i < sizeof hs / sizeof *hs; i++)
        for (const sip_hdr *h = sip_msg_hdr(w->m, hs[i].t); h; h = sip_msg_hdr_next(w->m, h)) {
            sip_digest d;
            if (sip_digest_parse(h->value, &d) != IMSEC_OK) {
                malformed(w, hs[i].name, h->value);
                continue;
            }
            imsec_sip_item it = {.kind = IMSEC_SIP_DIGEST, .header = hs[i].name, .value = h->value};
            it.u.auth.scheme = d.scheme;
            it.u.auth.username = d.username;
            it.u.auth.realm = d.realm;
            it.u.auth.algorithm = d.algorithm;
            it.u.auth.auts = d.auts;
            it.u.auth.integrity_protected = d.integrity_protected;
            it.u.auth.ck = d.ck;
            it.u.auth.ik = d.ik;
            it.u.auth.has_username = d.has_username;
            it.u.auth.has_auts = d.has_auts;
            it.u.auth.has_integrity_protected = d.has_integrity_protected;
            it.u.auth.has_ck = d.has_ck;
            it.u.auth.has_ik = d.has_ik;
            sip_aka_nonce n;
            if (d.has_nonce && sip_aka_nonce_parse(d.nonce, &n) == IMSEC_OK) {
                it.u.auth.aka = true;
                memcpy(it.u.auth.rand, n.rand, sizeof n.rand);
                memcpy(it.u.auth.autn, n.autn, sizeof n.autn);
                memcpy(it.u.auth.sqn_xor_ak, n.sqn_xor_ak, sizeof n.sqn_xor_ak);
                memcpy(it.u.auth.amf, n.amf, sizeof n.amf);
                memcpy(it.u.auth.mac, n.mac, sizeof n.mac);
                it.u.auth.server_data_len = n.server_data_len;
            }
            emit(w, &it);
        }
}

static void naddr_list(walk *w, sip_hdr_type type, imsec_sip_item_kind kind, const char *what)
{
    for (const sip_hdr *h = sip_msg_hdr(w->m, type); h; h = sip_msg_hdr_next(w->m, h)) {
        imsec_str rest = h->value, item;
        while (imsec_str_list_next(&rest, &item)) {
            sip_naddr n;
            if (sip_naddr_parse(item, &n) != IMSEC_OK) {
                malformed(w, what, item);
                continue;
            }
            imsec_sip_item it = {.kind = kind, .header = what, .value = item};
            it.u.ident.uri = n.uri_str;
            it.u.ident.rpid_privacy = "";
            emit(w, &it);
        }
    }
}

/* RFC 3323 §4.2 and RFC 3325 §9.3: what each priv-value obliges. */
static void privacy_obliges(uint32_t bits, char *buf, size_t cap)
{
    static const struct { uint32_t bit; const char *text; } ob[] = {
        {SIP_PRIV_NONE, "none: apply no privacy"},
        {SIP_PRIV_HEADER, "header: obscure headers that reveal the user (Via, Contact, Record-Route)"},
        {SIP_PRIV_SESSION, "session: anonymise the media (anonymising media relay)"},
        {SIP_PRIV_USER, "user: remove user-level identity added by intermediaries"},
        {SIP_PRIV_ID, "id: remove P-Asserted-Identity when leaving the trust domain"},
        {SIP_PRIV_HISTORY, "history: withhold History-Info"},
        {SIP_PRIV_CRITICAL, "critical: fail the request if privacy cannot be given"},
        {SIP_PRIV_UNKNOWN, "unknown value"},
    };
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof ob / sizeof *ob; i++) {
        if (!(bits & ob[i].bit))
            continue;
        int n = snprintf(buf + used, cap - used, "%s%s", used ? "; " : "", ob[i].text);
        if (n < 0 || (size_t)n >= cap - used)
            return; /* the table fits the buffer; truncation keeps what fitted */
        used += (size_t)n;
    }
}

static void identities(walk *w)
{
    const sip_msg *m = w->m;
    if (!sip_msg_hdr(m, SIP_HDR_P_ASSERTED_IDENTITY) && !sip_msg_hdr(m, SIP_HDR_P_PREFERRED_IDENTITY) &&
        !sip_msg_hdr(m, SIP_HDR_P_ASSOCIATED_URI) && !sip_msg_hdr(m, SIP_HDR_PRIVACY) &&
        !sip_msg_hdr(m, SIP_HDR_REMOTE_PARTY_ID))
        return;
    marker(w, IMSEC_SIP_IDENT_BEGIN);
    naddr_list(w, SIP_HDR_P_ASSERTED_IDENTITY, IMSEC_SIP_PAI, "P-Asserted-Identity");
    naddr_list(w, SIP_HDR_P_PREFERRED_IDENTITY, IMSEC_SIP_PPI, "P-Preferred-Identity");
    naddr_list(w, SIP_HDR_P_ASSOCIATED_URI, IMSEC_SIP_PAU, "P-Associated-URI");
    for (const sip_hdr *h = sip_msg_hdr(m, SIP_HDR_PRIVACY); h; h = sip_msg_hdr_next(m, h)) {
        imsec_sip_item it = {.kind = IMSEC_SIP_PRIVACY, .header = "Privacy", .value = h->value};
        privacy_obliges(sip_privacy_parse(h->value), it.u.privacy.obliges,
                        sizeof it.u.privacy.obliges);
        emit(w, &it);
    }
    static const char *const rpid_priv[] = {"", "off", "name", "uri", "full"};
    for (const sip_hdr *h = sip_msg_hdr(m, SIP_HDR_REMOTE_PARTY_ID); h; h = sip_msg_hdr_next(m, h)) {
        sip_rpid r;
        if (sip_rpid_parse(h->value, &r) != IMSEC_OK) {
            malformed(w, "Remote-Party-ID", h->value);
            continue;
        }
        imsec_sip_item it = {.kind = IMSEC_SIP_RPID, .header = "Remote-Party-ID", .value = h->value};
        it.u.ident.uri = r.addr.uri_str;
        it.u.ident.rpid_privacy =
            (unsigned)r.privacy < sizeof rpid_priv / sizeof *rpid_priv ? rpid_priv[r.privacy] : "";
        emit(w, &it);
    }
}

/* "home", "foreign", or "unknown" when the site profile lists nothing to
 * decide with (empty lists mean "infer from the traffic" to the engine,
 * and that inference belongs to a run, not to one message). */
static const char *host_network(const imsec_config *cfg, imsec_str host)
{
    if (!cfg || imsec_str_empty(host))
        return "unknown";
    const rules_site *site = rules_config_site(cfg);
    imsec_addr a;
    if (imsec_addr_parse(host.p, host.len, &a)) {
        if (site->internal_prefixes.n == 0)
            return "unknown";
        return rules_prefix_list_match(site->internal_prefixes.v, site->internal_prefixes.n, &a)
                   ? "home" : "foreign";
    }
    if (site->home_domains.n == 0)
        return "unknown";
    return rules_site_home_domain(site, host.p, host.len) ? "home" : "foreign";
}

static void hiding(walk *w)
{
    static const hdr_name hs[] = {
        {SIP_HDR_VIA, "Via"}, {SIP_HDR_RECORD_ROUTE, "Record-Route"},
        {SIP_HDR_PATH, "Path"}, {SIP_HDR_SERVICE_ROUTE, "Service-Route"},
    };
    bool begun = false;
    for (size_t i = 0; i < sizeof hs / sizeof *hs; i++)
        for (const sip_hdr *h = sip_msg_hdr(w->m, hs[i].t); h; h = sip_msg_hdr_next(w->m, h)) {
            imsec_str rest = h->value, item;
            while (imsec_str_list_next(&rest, &item)) {
                if (!begun)
                    marker(w, IMSEC_SIP_HIDE_BEGIN);
                begun = true;
                imsec_sip_item it = {.kind = IMSEC_SIP_HIDE, .header = hs[i].name, .value = item};
                imsec_str tok = IMSEC_STR_NULL;
                if (hs[i].t == SIP_HDR_VIA) {
                    sip_via v;
                    if (sip_via_parse(item, &v) != IMSEC_OK) {
                        malformed(w, hs[i].name, item);
                        continue;
                    }
                    it.u.hide.host = v.host;
                    it.u.hide.tokenized = sip_param_get(v.params, "tokenized-by", &tok);
                } else {
                    sip_naddr n;
                    if (sip_naddr_parse(item, &n) != IMSEC_OK) {
                        malformed(w, hs[i].name, item);
                        continue;
                    }
                    it.u.hide.host = n.uri.host;
                    it.u.hide.tokenized = sip_param_get(n.uri.params, "tokenized-by", &tok) ||
                                          sip_param_get(n.params, "tokenized-by", &tok);
                }
                it.u.hide.tokenized_by = tok;
                it.u.hide.network = host_network(w->cfg, it.u.hide.host);
                emit(w, &it);
            }
        }
}

int imsec_sip_describe(const uint8_t *data, uint32_t len, const imsec_config *cfg,
                       imsec_sip_item_cb cb, void *ud)
{
    sip_hdr hdrs[SIP_MSG_MAX_HDRS];
    sip_msg m;
    int rc = sip_msg_parse(data, len, SIP_MODE_DATAGRAM, hdrs, SIP_MSG_MAX_HDRS, &m);
    if (rc <= 0)
        return rc;
    walk w = {.cfg = cfg, .cb = cb, .ud = ud, .m = &m};
    secmechs(&w);
    digests(&w);
    identities(&w);
    hiding(&w);
    return rc;
}
