/* SIP-* attack detectors: what ordinary captures of Internet-facing SIP
 * show (issue 13 class 8) — scanners, digest password guessing, toll-fraud
 * probes, spoofed origins, injection and ghost calls. They judge plain RFC 3261
 * behaviour, so they need no IMS context. Cross-message memory is per
 * source address in detect/attack_state (bounded); each rule reports once
 * per source, with the frames that prove it. */
#include <string.h>

#include "detect/detect.h"
#include "rules/config.h"
#include "state/xfer.h"

enum {
    ATK_LATCH_SCAN = 1u << 0,
    ATK_LATCH_BRUTE = 1u << 1,
    ATK_LATCH_SPOOF = 1u << 2,
    ATK_LATCH_INJECT = 1u << 3,
    ATK_LATCH_GHOST = 1u << 4,
    ATK_LATCH_TOLL = 1u << 5,
};


/* SIP-SCANNER's int parameters, by their index in its schema (the table
 * at the end of this file): r->p[] holds ints by schema index. */
enum { SCAN_P_MAX_USERS = 1, SCAN_P_WINDOW = 2 };

static void finding_source(imsec_finding *f, const atk_src *s, const char *user)
{
    char a[IMSEC_ADDRSTRLEN];
    const char *v = user && user[0] ? user : imsec_addr_str(&s->addr, a);
    imsec_str_copy(imsec_str_make(v, strlen(v)), f->impu, sizeof f->impu);
}

/* Starts the one finding rule r makes for source s (latch bit), on ev. */
static void source_finding(const detect_rule *r, const st_msg *ev, atk_src *s, uint32_t latch,
                           imsec_finding *f)
{
    s->latch |= latch;
    detect_finding_init(r, ev->m, f);
    finding_source(f, s, NULL);
    imsec_str_copy(ev->call_id, f->call_id, sizeof f->call_id);
}

/* How long ago (microseconds) ts was, at packet time now. */
static int64_t age_us(imsec_ts now, imsec_ts ts)
{
    return (now.sec - ts.sec) * 1000000 + ((int64_t)now.usec - (int64_t)ts.usec);
}

/* Marks of a ring inside the window ending at now, newest first; returns
 * how many are distinct by key (distinct == false: all of them). */
static uint32_t ring_window(const atk_mark *ring, uint32_t n, uint32_t next, imsec_ts now,
                            int64_t window_s, bool distinct, imsec_finding *f)
{
    uint64_t keys[ATK_RING];
    uint32_t count = 0;
    for (uint32_t i = 0; i < n; i++) {
        const atk_mark *mk = &ring[(next + ATK_RING - 1 - i) % ATK_RING];
        if (age_us(now, mk->ts) >= window_s * 1000000)
            break;
        bool dup = false;
        for (uint32_t j = 0; distinct && j < count; j++)
            dup |= keys[j] == mk->key;
        if (dup)
            continue;
        keys[count++] = mk->key;
        detect_finding_frame(f, mk->frame);
    }
    return count;
}

static const char *evicted_note(detect_ctx *dc)
{
    return atk_evicted(detect_attack_state(dc)) ? " (source table overflowed: counts may be low)"
                                                : "";
}

/* ---- SIP-SCANNER ---- */

/* A known scanner User-Agent: case-insensitive substring, because the
 * tools append versions ("friendly-scanner", "sipcli/v1.8"). */
static const char *scanner_ua(const imsec_config *cfg, const char *rule, imsec_str ua)
{
    const rules_strlist *l = rules_param_strlist(cfg, rule, "user_agents");
    for (size_t i = 0; l && ua.len && i < l->n; i++)
        if (l->v[i][0] && imsec_str_find_ci(ua, l->v[i]) >= 0)
            return l->v[i];
    return NULL;
}

static void scanner_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const atk_event *ae = atk_last(detect_attack_state(dc));
    atk_src *s = ae->src;
    if (s->latch & ATK_LATCH_SCAN)
        return;
    imsec_finding f;
    if (ev->msg->is_request) {
        imsec_str ua = sip_msg_value(ev->msg, SIP_HDR_USER_AGENT);
        const char *hit = scanner_ua(detect_config(dc), r->id, ua);
        if (!hit)
            return;
        source_finding(r, ev, s, ATK_LATCH_SCAN, &f);
        char uas[80];
        imsec_str_copy(ua, uas, sizeof uas);
        detect_finding_reason(&f, "%s from a known SIP scanner: User-Agent \"%s\" matches \"%s\" "
                              "(scanners probe for live extensions to attack their passwords)",
                              sip_method_name(ev->msg->method), uas, hit);
        detect_emit(dc, &f);
        return;
    }
    if (!ae->rejected_user)
        return;
    detect_finding_init(r, ev->m, &f);
    uint32_t n = ring_window(s->rej, s->nrej, s->rej_next, ev->m->ts, r->p[SCAN_P_WINDOW], true, &f);
    if ((int64_t)n <= r->p[SCAN_P_MAX_USERS])
        return;
    s->latch |= ATK_LATCH_SCAN;
    finding_source(&f, s, NULL);
    imsec_str_copy(ev->call_id, f.call_id, sizeof f.call_id); /* f keeps the window's frames */
    char a[IMSEC_ADDRSTRLEN];
    detect_finding_reason(&f, "%s swept %u distinct users within %llds, each rejected as unknown "
                          "or forbidden (limit %lld): extension enumeration%s",
                          imsec_addr_str(&s->addr, a), n, (long long)r->p[SCAN_P_WINDOW], (long long)r->p[SCAN_P_MAX_USERS],
                          evicted_note(dc));
    detect_emit(dc, &f);
}

/* ---- SIP-AUTH-BRUTEFORCE ---- */

/* Distributed guessing: more than max refusals for one username within
 * the window, from two sources or more (one source alone is reported per
 * source above). */
static void brute_user(detect_ctx *dc, const detect_rule *r, const st_msg *ev, atk_user *u)
{
    if (!u || (u->latch & ATK_LATCH_BRUTE))
        return;
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    uint32_t n = ring_window(u->fail, u->nfail, u->fail_next, ev->m->ts, r->p[1], false, &f);
    imsec_finding scratch;
    memset(&scratch, 0, sizeof scratch);
    uint32_t nsrc = ring_window(u->fail, u->nfail, u->fail_next, ev->m->ts, r->p[1], true,
                                &scratch);
    if ((int64_t)n <= r->p[0] || nsrc < 2)
        return;
    u->latch |= ATK_LATCH_BRUTE;
    imsec_str_copy(imsec_str_make(u->name, strlen(u->name)), f.impu, sizeof f.impu);
    imsec_str_copy(ev->call_id, f.call_id, sizeof f.call_id);
    detect_finding_reason(&f, "%u requests carrying digest credentials for %s were refused "
                          "(401/403/407) within %llds (limit %lld), from %u sources: distributed "
                          "password guessing%s",
                          n, u->name, (long long)r->p[1], (long long)r->p[0], nsrc,
                          evicted_note(dc));
    detect_emit(dc, &f);
}

static void brute_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const atk_event *ae = atk_last(detect_attack_state(dc));
    atk_src *s = ae->src;
    if (!ae->auth_failed)
        return;
    brute_user(dc, r, ev, ae->user);
    if (s->latch & ATK_LATCH_BRUTE)
        return;
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    uint32_t n = ring_window(s->fail, s->nfail, s->fail_next, ev->m->ts, r->p[1], false, &f);
    if ((int64_t)n <= r->p[0])
        return;
    s->latch |= ATK_LATCH_BRUTE;
    imsec_finding scratch; /* the frames are in f already */
    memset(&scratch, 0, sizeof scratch);
    uint32_t nu = ring_window(s->fail, s->nfail, s->fail_next, ev->m->ts, r->p[1], true, &scratch);
    finding_source(&f, s, nu == 1 ? s->last_user : NULL);
    imsec_str_copy(ev->call_id, f.call_id, sizeof f.call_id);
    char a[IMSEC_ADDRSTRLEN];
    detect_finding_reason(&f, "%u requests from %s that carried digest credentials were refused "
                          "(401/403/407) within %llds (limit %lld), for %u username%s%s%s: "
                          "password guessing%s",
                          n, imsec_addr_str(&s->addr, a), (long long)r->p[1], (long long)r->p[0],
                          nu, nu == 1 ? "" : "s", nu == 1 ? ", last " : "",
                          nu == 1 ? s->last_user : "", evicted_note(dc));
    detect_emit(dc, &f);
}

/* ---- SIP-TOLL-FRAUD-PROBE ---- */

/* The first entry of l that num starts with ("+" alone: any global
 * number); entries are normalised like the number (sip/tel, "00" -> "+"). */
static const char *prefix_in(const rules_strlist *l, const char *num)
{
    for (size_t i = 0; l && i < l->n; i++) {
        char p[IDENT_MAX];
        size_t n = 1;
        if (strcmp(l->v[i], "+") == 0)
            p[0] = '+', p[1] = '\0';
        else
            n = xf_number_of_str(l->v[i], p);
        if (n && strncmp(num, p, n) == 0)
            return l->v[i];
    }
    return NULL;
}

/* Which list the number falls in ("premium-rate" or "international"), or NULL. */
static const char *toll_class(const imsec_config *cfg, const char *rule, const char *num,
                              const char **hit)
{
    if ((*hit = prefix_in(rules_param_strlist(cfg, rule, "premium"), num)))
        return "premium-rate";
    if (prefix_in(rules_param_strlist(cfg, rule, "home"), num))
        return NULL;
    if ((*hit = prefix_in(rules_param_strlist(cfg, rule, "international"), num)))
        return "international";
    return NULL;
}

static void toll_report(detect_ctx *dc, const detect_rule *r, const net_meta *m, atk_src *s,
                        atk_pending *p)
{
    const char *hit = NULL;
    const char *cls = toll_class(detect_config(dc), r->id, p->number, &hit);
    if (!cls || s->known || (s->latch & ATK_LATCH_TOLL))
        return; /* once per source; a source known by now was a peer all along */
    s->latch |= ATK_LATCH_TOLL;
    imsec_finding f;
    detect_finding_init(r, m, &f);
    detect_finding_frame(&f, p->frame);
    detect_finding_frame(&f, p->resp_frame);
    if (!m) { /* end of input: no frame triggered it (the challenge is its evidence) */
        f.ts = p->resp_ts;
        f.tuple = p->resp_tuple;
        f.has_tuple = true;
    }
    imsec_str_copy(imsec_str_make(p->number, strlen(p->number)), f.impu, sizeof f.impu);
    imsec_str_copy(imsec_str_make(p->call_id, strlen(p->call_id)), f.call_id, sizeof f.call_id);
    char a[IMSEC_ADDRSTRLEN];
    bool challenge = p->status == 401 || p->status == 407;
    detect_finding_reason(&f, "INVITE without credentials from %s, which never registered or "
                          "authenticated, to %s number %s (prefix %s) was %s %u%s: probing "
                          "for a route that places paid calls",
                          imsec_addr_str(&s->addr, a), cls, p->number, hit,
                          challenge ? "challenged" : "rejected", p->status,
                          challenge ? " and never re-sent with credentials" : "");
    detect_emit(dc, &f);
}

static void toll_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const atk_event *ae = atk_last(detect_attack_state(dc));
    atk_pending *p = ae->pending;
    if (!p || p->status == 401 || p->status == 407) /* challenges: decided at the end */
        return;
    toll_report(dc, r, ev->m, ae->src, p);
    *p = ae->src->pend[--ae->src->npend];
}

static void toll_on_end(detect_ctx *dc, const detect_rule *r)
{
    atk_state *a = detect_attack_state(dc);
    /* Report in frame order (determinism): collect the challenged ones. */
    for (;;) {
        atk_src *best_s = NULL;
        uint32_t best_i = 0;
        for (size_t i = 0; i < ATK_MAX_SRC; i++) {
            atk_src *s = atk_src_at(a, i);
            for (uint32_t k = 0; s->used && k < s->npend; k++)
                if (s->pend[k].status &&
                    (!best_s || s->pend[k].frame < best_s->pend[best_i].frame)) {
                    best_s = s;
                    best_i = k;
                }
        }
        if (!best_s)
            return;
        toll_report(dc, r, NULL, best_s, &best_s->pend[best_i]);
        best_s->pend[best_i] = best_s->pend[--best_s->npend];
    }
}

/* ---- SIP-SPOOFED-ORIGIN ---- */

static bool addr_loopback(const imsec_addr *a)
{
    static const uint8_t v6lo[16] = {[15] = 1};
    static const uint8_t mapped[12] = {[10] = 0xff, [11] = 0xff};
    if (a->family == 4)
        return a->a[0] == 127;
    return memcmp(a->a, v6lo, 16) == 0 || (memcmp(a->a, mapped, 12) == 0 && a->a[12] == 127);
}

/* Why host (an IP literal, else not judged) cannot be the sender's own
 * address: loopback from a non-loopback packet, or the receiver's own
 * address from another host. NULL when plausible. */
static const char why_loopback[] = "a loopback address";

static const char *spoof_why(imsec_str host, const imsec_tuple *t)
{
    imsec_addr h;
    if (!host.len || !imsec_addr_parse(host.p, host.len, &h))
        return NULL;
    if (addr_loopback(&h) && !addr_loopback(&t->src))
        return why_loopback;
    if (imsec_addr_eq(&h, &t->dst) && !imsec_addr_eq(&t->src, &t->dst))
        return "the receiver's own address";
    return NULL;
}

static void spoof_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    atk_src *s = atk_last(detect_attack_state(dc))->src;
    if (!ev->msg->is_request || (s->latch & ATK_LATCH_SPOOF))
        return;
    const sip_via *via = sip_view_via_top(ev->v);
    const sip_naddr *ct = sip_view_list_first(ev->v, SIP_VIEW_L_CONTACT);
    const sip_naddr *from = sip_view_from(ev->v);
    const char *what = NULL, *why = NULL;
    imsec_str host = IMSEC_STR_NULL;
    if (via && (why = spoof_why(via->host, &ev->m->t)))
        what = "top Via sent-by", host = via->host;
    else if (ct && (why = spoof_why(ct->uri.host, &ev->m->t)))
        what = "Contact", host = ct->uri.host;
    /* From naming the receiver is ordinary (a REGISTER's AOR domain is often
     * the registrar's address): only loopback is judged there. */
    else if (from && (why = spoof_why(from->uri.host, &ev->m->t)) && why == why_loopback)
        what = "From host", host = from->uri.host;
    if (!what)
        return;
    imsec_finding f;
    source_finding(r, ev, s, ATK_LATCH_SPOOF, &f);
    char h[IMSEC_ADDRSTRLEN], a[IMSEC_ADDRSTRLEN];
    imsec_str_copy(host, h, sizeof h);
    detect_finding_reason(&f, "%s from %s names %s as its %s, which is %s: a forged origin "
                          "(responses and callbacks go to the victim, or loop inside it)",
                          sip_method_name(ev->msg->method), imsec_addr_str(&ev->m->t.src, a), h,
                          what, why);
    detect_emit(dc, &f);
}

/* ---- SIP-INJECTION ---- */

/* RFC 4566 §9: unicast-address is an IPv4/IPv6 address or an FQDN — letters,
 * digits, '.', '-', ':' (and '%' for an IPv6 zone; '[' ']' because some
 * stacks bracket IPv6 there as in a URI, which is wrong but harmless). */
static bool sdp_addr_ok(imsec_str s)
{
    for (uint32_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || imsec_is_digit(c) ||
              c == '.' || c == '-' || c == ':' || c == '%' || c == '[' || c == ']'))
            return false;
    }
    return true;
}

/* RFC 3261 §25.1: callid = word [ "@" word ], word = 1*(alphanum / "-" /
 * "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" / "(" / ")" / "<" /
 * ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}"). The view
 * already refuses such characters in tags, branches and other parameters
 * (the header then does not parse); the Call-ID is taken as written, so
 * it is checked here. '=' is tolerated: it pads the base64 Call-IDs some
 * stacks make, and alone it injects nothing. */
static bool callid_ok(imsec_str s)
{
    bool at = false;
    for (uint32_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c == '@' && !at && i > 0 && i + 1 < s.len) {
            at = true;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || imsec_is_digit(c) ||
              (c && strchr("-.!%*_+`'~()<>:\\\"/[]?{}=", c))))
            return false;
    }
    return true;
}

/* val widened to the end of its line, staying inside body. */
static imsec_str line_of(imsec_str val, imsec_str body)
{
    const char *end = body.p + body.len;
    if (val.p < body.p || val.p > end)
        return val;
    uint32_t n = 0;
    while (val.p + n < end && val.p[n] != '\r' && val.p[n] != '\n')
        n++;
    return imsec_str_make(val.p, n);
}

static void inject_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    atk_src *s = atk_last(detect_attack_state(dc))->src;
    if (s->latch & ATK_LATCH_INJECT)
        return;
    const char *what = NULL;
    imsec_str val = IMSEC_STR_NULL;
    const sdp_desc *sdp = sip_view_sdp(ev->v);
    if (sdp && !sdp_addr_ok(sdp->origin.addr))
        what = "SDP o= address", val = sdp->origin.addr;
    else if (sdp && !sdp_addr_ok(sdp->conn.addr))
        what = "SDP c= address", val = sdp->conn.addr;
    for (uint8_t i = 0; sdp && !what && i < sdp->nmedia; i++)
        if (!sdp_addr_ok(sdp->media[i].conn.addr))
            what = "SDP media c= address", val = sdp->media[i].conn.addr;
    if (!what && !callid_ok(ev->call_id))
        what = "Call-ID", val = ev->call_id;
    if (!what)
        return;
    if (what[0] == 'S') /* the parser cut the address at '/' (TTL): show the whole line */
        val = line_of(val, ev->msg->body);
    imsec_finding f;
    source_finding(r, ev, s, ATK_LATCH_INJECT, &f);
    char v[96];
    imsec_str_copy(val, v, sizeof v);
    detect_finding_reason(&f, "%s \"%s\" holds characters its grammar forbids (%s): an injection "
                          "attempt against systems that store or pass the field on (SQL, shell, "
                          "log)",
                          what, v, what[0] == 'S' ? "an address or host name, RFC 4566 §9"
                                                  : "a Call-ID, RFC 3261 §25.1");
    detect_emit(dc, &f);
}

/* ---- SIP-GHOST-CALLS ---- */

static void ghost_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const atk_event *ae = atk_last(detect_attack_state(dc));
    atk_src *s = ae->src;
    if (!ae->ghost || (s->latch & ATK_LATCH_GHOST))
        return;
    imsec_finding f;
    detect_finding_init(r, ev->m, &f);
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->nghost; i++) {
        const atk_mark *mk = &s->ghost[(s->ghost_next + ATK_RING - 1 - i) % ATK_RING];
        if (age_us(ev->m->ts, mk->ts) >= r->p[1] * 1000000)
            break;
        if (mk->key == ae->ghost_key) {
            n++;
            detect_finding_frame(&f, mk->frame);
        }
    }
    if ((int64_t)n <= r->p[0])
        return;
    s->latch |= ATK_LATCH_GHOST;
    finding_source(&f, s, s->ghost_callee);
    imsec_str_copy(ev->call_id, f.call_id, sizeof f.call_id); /* f keeps the window's frames */
    char a[IMSEC_ADDRSTRLEN];
    detect_finding_reason(&f, "%s cancelled %u INVITEs to %s within %llds before any of them rang "
                          "(limit %lld): ghost calls, which flash the phone or probe it without "
                          "a call ever being set up%s",
                          imsec_addr_str(&s->addr, a), n, s->ghost_callee, (long long)r->p[1],
                          (long long)r->p[0], evicted_note(dc));
    detect_emit(dc, &f);
}

const detect_def detect_attack_defs[] = {
    {.rule = {.id = "SIP-SCANNER", .sid = 5101,
              .title = "SIP scanner: known scanner User-Agent or a sweep across many users",
              .category = "sip-attack", .sev = IMSEC_SEV_MEDIUM,
              RULES_PARAMS({ .name = "user_agents", .type = RULES_P_STRLIST,
              .doc = "User-Agent substrings (case-insensitive) of scanning tools: SIPVicious "
              "(friendly-scanner, sipvicious), sipcli, VaxSIPUserAgent, sundayddr, iWar, "
              "SIPScan/sip-scan, pplsip (the list Kamailio/fail2ban setups block)",
              .def = "[\"friendly-scanner\",\"sipvicious\",\"sipcli\",\"VaxSIPUserAgent\","
              "\"sundayddr\",\"iWar\",\"SIPScan\",\"sip-scan\",\"pplsip\"]" },
              { .name = "max_users", .type = RULES_P_INT, .min = 1, .max = 63,
              .doc = "distinct users one source may have rejected as unknown or forbidden "
              "(403/404/484/485/604 to OPTIONS/REGISTER/INVITE) within the window",
              .def = "10" },
              { .name = "window", .type = RULES_P_INT, .min = 1, .max = 86400,
              .doc = "window in seconds of packet time", .def = "60" })},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = DETECT_M_ALL,
     .on_sip = scanner_on_sip},
    {.rule = {.id = "SIP-AUTH-BRUTEFORCE", .sid = 5102,
              .title = "digest password guessing: repeated refusals of supplied credentials",
              .category = "sip-attack", .sev = IMSEC_SEV_HIGH,
              RULES_PARAMS({ .name = "max", .type = RULES_P_INT, .min = 1, .max = 63,
              .doc = "refused credentialed requests (401/403/407, not stale) one source, or "
              "one username from several sources, may have within the window "
              "(fail2ban's asterisk jail: 5 in 10 minutes bans)",
              .def = "4" },
              { .name = "window", .type = RULES_P_INT, .min = 1, .max = 86400,
              .doc = "window in seconds of packet time", .def = "600" })},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = DETECT_M_ALL,
     .on_sip = brute_on_sip},
    {.rule = {.id = "SIP-TOLL-FRAUD-PROBE", .sid = 5103,
              .title = "unauthenticated INVITE to an international or premium number refused",
              .category = "sip-attack", .sev = IMSEC_SEV_HIGH,
              RULES_PARAMS({ .name = "international", .type = RULES_P_STRLIST,
              .doc = "prefixes of international numbers (\"+\": any global number; 00 is "
              "read as +; 011 is the NANP international prefix)",
              .def = "[\"+\",\"011\"]" },
              { .name = "premium", .type = RULES_P_STRLIST,
              .doc = "premium-rate prefixes (as XFER-PREMIUM-DESTINATION)",
              .def = "[\"+1900\",\"+1976\",\"+4490\",\"+4487\",\"+49900\",\"+33899\","
              "\"+3989\",\"+881\",\"+882\",\"+883\",\"+979\"]" },
              { .name = "home", .type = RULES_P_STRLIST,
              .doc = "prefixes that are domestic for this site (e.g. \"+44\" in the UK): "
              "not international", .def = "[]" })},
     .hooks = DETECT_HOOK_SIP | DETECT_HOOK_END,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = DETECT_M_ALL,
     .on_sip = toll_on_sip,
     .on_end = toll_on_end},
    {.rule = {.id = "SIP-SPOOFED-ORIGIN", .sid = 5104,
              .title = "request names loopback or the receiver itself as its origin",
              .category = "sip-attack", .sev = IMSEC_SEV_MEDIUM},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = 0,
     .on_sip = spoof_on_sip},
    {.rule = {.id = "SIP-INJECTION", .sid = 5105,
              .title = "SDP address or Call-ID holds characters its grammar forbids",
              .category = "sip-attack", .sev = IMSEC_SEV_HIGH},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = DETECT_M_ALL,
     .on_sip = inject_on_sip},
    {.rule = {.id = "SIP-GHOST-CALLS", .sid = 5106,
              .title = "burst of INVITEs to one callee cancelled before it rang",
              .category = "sip-attack", .sev = IMSEC_SEV_MEDIUM,
              RULES_PARAMS({ .name = "max", .type = RULES_P_INT, .min = 1, .max = 63,
              .doc = "INVITEs one source may cancel toward one callee before a 180/183 or "
              "final answer, within the window (a caller redialling and hanging up "
              "early does so once or twice)",
              .def = "3" },
              { .name = "window", .type = RULES_P_INT, .min = 1, .max = 86400,
              .doc = "window in seconds of packet time", .def = "60" })},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = DETECT_M_ALL,
     .on_sip = ghost_on_sip},
};
const size_t detect_attack_ndefs = sizeof detect_attack_defs / sizeof detect_attack_defs[0];
