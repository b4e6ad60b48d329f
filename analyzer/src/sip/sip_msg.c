/* sip_msg: zero-copy SIP message parser (RFC 3261 §7), after picohttpparser.
 *
 * One forward pass against one end pointer. Every dereference is preceded
 * by a bounds test (CHECK_EOF). Lines are found with memchr, which is the
 * hot loop; a second memchr over the same line looks for a stray CR, so a
 * header line costs two vectorised scans plus the name lookup.
 *
 * Invariant: every slice written into *m lies inside [buf, buf + len). */
#include "sip/sip_msg.h"

#include <string.h>

#include "sip/sip_lex.h"

/* ---- header names ------------------------------------------------------ */

/* Long names, indexed by sip_hdr_type (keep in the enum's order). */
static const char *const hdr_names[SIP_HDR__COUNT] = {
    [SIP_HDR_OTHER] = NULL,
    [SIP_HDR_VIA] = "Via",
    [SIP_HDR_FROM] = "From",
    [SIP_HDR_TO] = "To",
    [SIP_HDR_CALL_ID] = "Call-ID",
    [SIP_HDR_CSEQ] = "CSeq",
    [SIP_HDR_CONTACT] = "Contact",
    [SIP_HDR_MAX_FORWARDS] = "Max-Forwards",
    [SIP_HDR_ROUTE] = "Route",
    [SIP_HDR_RECORD_ROUTE] = "Record-Route",
    [SIP_HDR_PATH] = "Path",
    [SIP_HDR_SERVICE_ROUTE] = "Service-Route",
    [SIP_HDR_CONTENT_TYPE] = "Content-Type",
    [SIP_HDR_CONTENT_LENGTH] = "Content-Length",
    [SIP_HDR_EXPIRES] = "Expires",
    [SIP_HDR_AUTHORIZATION] = "Authorization",
    [SIP_HDR_WWW_AUTHENTICATE] = "WWW-Authenticate",
    [SIP_HDR_PROXY_AUTHORIZATION] = "Proxy-Authorization",
    [SIP_HDR_PROXY_AUTHENTICATE] = "Proxy-Authenticate",
    [SIP_HDR_AUTHENTICATION_INFO] = "Authentication-Info",
    [SIP_HDR_SECURITY_CLIENT] = "Security-Client",
    [SIP_HDR_SECURITY_SERVER] = "Security-Server",
    [SIP_HDR_SECURITY_VERIFY] = "Security-Verify",
    [SIP_HDR_REQUIRE] = "Require",
    [SIP_HDR_PROXY_REQUIRE] = "Proxy-Require",
    [SIP_HDR_SUPPORTED] = "Supported",
    [SIP_HDR_PRIVACY] = "Privacy",
    [SIP_HDR_P_ASSERTED_IDENTITY] = "P-Asserted-Identity",
    [SIP_HDR_P_PREFERRED_IDENTITY] = "P-Preferred-Identity",
    [SIP_HDR_P_ASSOCIATED_URI] = "P-Associated-URI",
    [SIP_HDR_P_CHARGING_VECTOR] = "P-Charging-Vector",
    [SIP_HDR_P_CHARGING_FUNCTION_ADDRESSES] = "P-Charging-Function-Addresses",
    [SIP_HDR_P_ACCESS_NETWORK_INFO] = "P-Access-Network-Info",
    [SIP_HDR_P_VISITED_NETWORK_ID] = "P-Visited-Network-ID",
    [SIP_HDR_P_CALLED_PARTY_ID] = "P-Called-Party-ID",
    [SIP_HDR_REFER_TO] = "Refer-To",
    [SIP_HDR_REFERRED_BY] = "Referred-By",
    [SIP_HDR_REPLACES] = "Replaces",
    [SIP_HDR_TARGET_DIALOG] = "Target-Dialog",
    [SIP_HDR_REMOTE_PARTY_ID] = "Remote-Party-ID",
    [SIP_HDR_EVENT] = "Event",
    [SIP_HDR_SUBSCRIPTION_STATE] = "Subscription-State",
    [SIP_HDR_USER_AGENT] = "User-Agent",
    [SIP_HDR_SERVER] = "Server",
    [SIP_HDR_WARNING] = "Warning",
    [SIP_HDR_ALLOW] = "Allow",
    [SIP_HDR_ACCEPT] = "Accept",
    [SIP_HDR_SUBJECT] = "Subject",
    [SIP_HDR_CONTENT_ENCODING] = "Content-Encoding",
    [SIP_HDR_ALLOW_EVENTS] = "Allow-Events",
    [SIP_HDR_SESSION_EXPIRES] = "Session-Expires",
    [SIP_HDR_ACCEPT_CONTACT] = "Accept-Contact",
    [SIP_HDR_REJECT_CONTACT] = "Reject-Contact",
    [SIP_HDR_REQUEST_DISPOSITION] = "Request-Disposition",
    [SIP_HDR_IDENTITY] = "Identity",
    [SIP_HDR_IDENTITY_INFO] = "Identity-Info",
    [SIP_HDR_REASON] = "Reason",
};

/* Header types by the first letter of their long name (generated from
 * hdr_names; keep in step): a lookup compares at most 13 candidates. */
static const uint8_t hdr_by_letter[26][14] = {
    ['a' - 'a'] = {SIP_HDR_AUTHORIZATION, SIP_HDR_AUTHENTICATION_INFO, SIP_HDR_ALLOW, SIP_HDR_ACCEPT, SIP_HDR_ALLOW_EVENTS, SIP_HDR_ACCEPT_CONTACT},
    ['c' - 'a'] = {SIP_HDR_CALL_ID, SIP_HDR_CSEQ, SIP_HDR_CONTACT, SIP_HDR_CONTENT_TYPE, SIP_HDR_CONTENT_LENGTH, SIP_HDR_CONTENT_ENCODING},
    ['e' - 'a'] = {SIP_HDR_EXPIRES, SIP_HDR_EVENT},
    ['f' - 'a'] = {SIP_HDR_FROM},
    ['i' - 'a'] = {SIP_HDR_IDENTITY, SIP_HDR_IDENTITY_INFO},
    ['m' - 'a'] = {SIP_HDR_MAX_FORWARDS},
    ['p' - 'a'] = {SIP_HDR_PATH, SIP_HDR_PROXY_AUTHORIZATION, SIP_HDR_PROXY_AUTHENTICATE, SIP_HDR_PROXY_REQUIRE, SIP_HDR_PRIVACY, SIP_HDR_P_ASSERTED_IDENTITY, SIP_HDR_P_PREFERRED_IDENTITY, SIP_HDR_P_ASSOCIATED_URI, SIP_HDR_P_CHARGING_VECTOR, SIP_HDR_P_CHARGING_FUNCTION_ADDRESSES, SIP_HDR_P_ACCESS_NETWORK_INFO, SIP_HDR_P_VISITED_NETWORK_ID, SIP_HDR_P_CALLED_PARTY_ID},
    ['r' - 'a'] = {SIP_HDR_ROUTE, SIP_HDR_RECORD_ROUTE, SIP_HDR_REQUIRE, SIP_HDR_REFER_TO, SIP_HDR_REFERRED_BY, SIP_HDR_REPLACES, SIP_HDR_REMOTE_PARTY_ID, SIP_HDR_REJECT_CONTACT, SIP_HDR_REQUEST_DISPOSITION, SIP_HDR_REASON},
    ['s' - 'a'] = {SIP_HDR_SERVICE_ROUTE, SIP_HDR_SECURITY_CLIENT, SIP_HDR_SECURITY_SERVER, SIP_HDR_SECURITY_VERIFY, SIP_HDR_SUPPORTED, SIP_HDR_SUBSCRIPTION_STATE, SIP_HDR_SERVER, SIP_HDR_SUBJECT, SIP_HDR_SESSION_EXPIRES},
    ['t' - 'a'] = {SIP_HDR_TO, SIP_HDR_TARGET_DIALOG},
    ['u' - 'a'] = {SIP_HDR_USER_AGENT},
    ['v' - 'a'] = {SIP_HDR_VIA},
    ['w' - 'a'] = {SIP_HDR_WWW_AUTHENTICATE, SIP_HDR_WARNING},
};

/* Compact forms, ims-security-reference.md §11.3 (RFC 3261 §7.3.3, RFC 3841,
 * 3892, 3515, 6665, 4028, 8224, 4474). Indexed by lower-case letter - 'a'. */
static const uint8_t compact_forms[26] = {
    ['a' - 'a'] = SIP_HDR_ACCEPT_CONTACT,   ['b' - 'a'] = SIP_HDR_REFERRED_BY,
    ['c' - 'a'] = SIP_HDR_CONTENT_TYPE,     ['d' - 'a'] = SIP_HDR_REQUEST_DISPOSITION,
    ['e' - 'a'] = SIP_HDR_CONTENT_ENCODING, ['f' - 'a'] = SIP_HDR_FROM,
    ['i' - 'a'] = SIP_HDR_CALL_ID,          ['j' - 'a'] = SIP_HDR_REJECT_CONTACT,
    ['k' - 'a'] = SIP_HDR_SUPPORTED,        ['l' - 'a'] = SIP_HDR_CONTENT_LENGTH,
    ['m' - 'a'] = SIP_HDR_CONTACT,          ['n' - 'a'] = SIP_HDR_IDENTITY_INFO,
    ['o' - 'a'] = SIP_HDR_EVENT,            ['r' - 'a'] = SIP_HDR_REFER_TO,
    ['s' - 'a'] = SIP_HDR_SUBJECT,          ['t' - 'a'] = SIP_HDR_TO,
    ['u' - 'a'] = SIP_HDR_ALLOW_EVENTS,     ['v' - 'a'] = SIP_HDR_VIA,
    ['x' - 'a'] = SIP_HDR_SESSION_EXPIRES,  ['y' - 'a'] = SIP_HDR_IDENTITY,
};

const char *sip_hdr_name(sip_hdr_type t)
{
    if ((unsigned)t >= SIP_HDR__COUNT)
        return NULL;
    return hdr_names[t];
}

sip_hdr_type sip_hdr_lookup(imsec_str name)
{
    if (name.len == 0)
        return SIP_HDR_OTHER;
    unsigned char c0 = imsec_ascii_lower((unsigned char)name.p[0]);
    if (name.len == 1) {
        if (c0 >= 'a' && c0 <= 'z')
            return (sip_hdr_type)compact_forms[c0 - 'a'];
        return SIP_HDR_OTHER;
    }
    if (c0 < 'a' || c0 > 'z')
        return SIP_HDR_OTHER;
    /* First letter, then length, reject almost every candidate before the compare. */
    for (const uint8_t *t = hdr_by_letter[c0 - 'a']; *t; t++) {
        const char *n = hdr_names[*t];
        size_t nl = strlen(n); /* our own constant table, not packet bytes */
        if (nl == name.len && imsec_str_eq_ci(name, imsec_str_make(n, nl)))
            return (sip_hdr_type)*t;
    }
    return SIP_HDR_OTHER;
}

/* ---- methods ------------------------------------------------------------ */

static const char *const method_names[SIP_M__COUNT] = {
    [SIP_M_OTHER] = NULL,         [SIP_M_INVITE] = "INVITE",   [SIP_M_ACK] = "ACK",
    [SIP_M_BYE] = "BYE",          [SIP_M_CANCEL] = "CANCEL",   [SIP_M_REGISTER] = "REGISTER",
    [SIP_M_OPTIONS] = "OPTIONS",  [SIP_M_PRACK] = "PRACK",     [SIP_M_SUBSCRIBE] = "SUBSCRIBE",
    [SIP_M_NOTIFY] = "NOTIFY",    [SIP_M_PUBLISH] = "PUBLISH", [SIP_M_INFO] = "INFO",
    [SIP_M_REFER] = "REFER",      [SIP_M_MESSAGE] = "MESSAGE", [SIP_M_UPDATE] = "UPDATE",
};

const char *sip_method_name(sip_method m)
{
    if ((unsigned)m >= SIP_M__COUNT)
        return NULL;
    return method_names[m];
}

sip_method sip_method_lookup(imsec_str s)
{
    for (unsigned i = 1; i < SIP_M__COUNT; i++)
        if (imsec_str_eq_cstr(s, method_names[i]))
            return (sip_method)i;
    return SIP_M_OTHER;
}

/* ---- start line ---------------------------------------------------------- */

/* SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT (RFC 3261 §25.1; "SIP" is
 * case-insensitive as every ABNF literal). */
static bool version_ok(const uint8_t *p, size_t n)
{
    if (n < 7 || imsec_ascii_lower(p[0]) != 's' || imsec_ascii_lower(p[1]) != 'i' ||
        imsec_ascii_lower(p[2]) != 'p' || p[3] != '/')
        return false;
    size_t i = 4, d1 = 0, d2 = 0;
    while (i < n && imsec_is_digit(p[i]))
        i++, d1++;
    if (d1 == 0 || i >= n || p[i] != '.')
        return false;
    i++;
    while (i < n && imsec_is_digit(p[i]))
        i++, d2++;
    return d2 > 0 && i == n;
}

/* Request-URI = SIP-URI / SIPS-URI / absoluteURI: a scheme then ':' and
 * visible ASCII only (no LWS inside, RFC 4475 §3.1.2.7/3.1.2.8). */
static bool ruri_ok(const uint8_t *p, size_t n)
{
    if (n < 2 || !sip_lex_is(p[0], SIP_LEX_ALPHA))
        return false;
    size_t i = 1;
    while (i < n && sip_lex_is(p[i], SIP_LEX_SCHEME))
        i++;
    if (i >= n || p[i] != ':')
        return false;
    for (; i < n; i++)
        if (!sip_lex_is(p[i], SIP_LEX_GRAPH))
            return false;
    return true;
}

/* Parses the start line [p, eol) (eol excludes CR/LF). */
static int parse_start_line(const uint8_t *p, const uint8_t *eol, sip_msg *m)
{
    size_t n = (size_t)(eol - p);
    if (n >= 4 && imsec_ascii_lower(p[0]) == 's' && imsec_ascii_lower(p[1]) == 'i' &&
        imsec_ascii_lower(p[2]) == 'p' && p[3] == '/') {
        /* Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (§7.2) */
        const uint8_t *sp = memchr(p, ' ', n);
        if (!sp || !version_ok(p, (size_t)(sp - p)))
            return IMSEC_E_MALFORMED;
        const uint8_t *c = sp + 1;
        if (eol - c < 3 || !imsec_is_digit(c[0]) || !imsec_is_digit(c[1]) || !imsec_is_digit(c[2]))
            return IMSEC_E_MALFORMED;
        if (c[0] < '1' || c[0] > '6')
            return IMSEC_E_MALFORMED;
        /* Exactly three digits: "4294967301" (RFC 4475 §3.1.2.19) is not a code. */
        const uint8_t *r = c + 3;
        if (r < eol && *r != ' ')
            return IMSEC_E_MALFORMED;
        m->is_request = false;
        m->version = imsec_str_make((const char *)p, (size_t)(sp - p));
        m->status = (uint16_t)((c[0] - '0') * 100 + (c[1] - '0') * 10 + (c[2] - '0'));
        /* An empty reason phrase with or without its SP is tolerated (§3.1.1.13). */
        if (r < eol)
            r++;
        m->reason = imsec_str_make((const char *)r, (size_t)(eol - r));
        return IMSEC_OK;
    }
    /* Request-Line = Method SP Request-URI SP SIP-Version (§7.1); exactly one
     * SP between elements, nothing after the version (§3.1.2.9, §3.1.2.10). */
    size_t i = 0;
    while (i < n && sip_lex_is(p[i], SIP_LEX_TOKEN))
        i++;
    if (i == 0 || i >= n || p[i] != ' ')
        return IMSEC_E_MALFORMED;
    size_t u0 = i + 1;
    const uint8_t *sp2 = memchr(p + u0, ' ', n - u0);
    if (!sp2)
        return IMSEC_E_MALFORMED;
    size_t u1 = (size_t)(sp2 - p);
    if (!ruri_ok(p + u0, u1 - u0) || !version_ok(sp2 + 1, (size_t)(eol - sp2 - 1)))
        return IMSEC_E_MALFORMED;
    m->is_request = true;
    m->method_str = imsec_str_make((const char *)p, i);
    m->method = sip_method_lookup(m->method_str);
    m->ruri = imsec_str_make((const char *)p + u0, u1 - u0);
    m->version = imsec_str_make((const char *)sp2 + 1, (size_t)(eol - sp2 - 1));
    return IMSEC_OK;
}

/* ---- the parser ---------------------------------------------------------- */

static void msg_reset(sip_msg *m, sip_hdr *hdrs, uint16_t cap)
{
    memset(m, 0, sizeof(*m));
    m->hdrs = hdrs;
    m->cap = cap;
    for (unsigned i = 0; i < SIP_HDR__COUNT; i++)
        m->first[i] = SIP_NO_HDR;
}

/* Headers that occur once (RFC 3261 §7.3: only a comma-separated list
 * header may repeat; §20 gives these no list form). A repeat with another
 * value makes the dialog ambiguous (RFC 4475 §3.3.8 multi01: "accept,
 * application rejects"). Stacks commonly keep the first occurrence
 * (Kamailio's parse_headers sets msg->callid/from/to/cseq only while still
 * unset), so the first one wins here too and the conflict is recorded for
 * SIP-AMBIGUOUS-HEADER: a stack that takes the last one sees another dialog
 * than this monitor. Content-Length is apart (framing, sip_msg.cl; RFC 4475
 * §3.3.9 mcl01, §3.1.2.3). */
static bool single_valued(unsigned t)
{
    return t == SIP_HDR_CALL_ID || t == SIP_HDR_CSEQ || t == SIP_HDR_FROM || t == SIP_HDR_TO;
}

/* The headers that frame a message and name its dialog (RFC 3261 §8.1.1,
 * §18.3): their first occurrence must stay reachable however many header
 * fields precede it. */
static bool core_type(unsigned t)
{
    return t == SIP_HDR_VIA || t == SIP_HDR_FROM || t == SIP_HDR_TO || t == SIP_HDR_CALL_ID ||
           t == SIP_HDR_CSEQ || t == SIP_HDR_CONTENT_LENGTH;
}

/* Index slots held back when the caller's array is large enough: the last
 * SIP_RES_CORE for the first header of each core type, the SIP_RES_KNOWN
 * before them for the first header of any other known type. */
#define SIP_RES_CORE 6u
#define SIP_RES_KNOWN 24u

_Static_assert(SIP_HDR__COUNT <= 64, "sip_msg.conflicts has one bit per header type");

/* Where the line starting at p ends: *lf is the LF, the return value the end
 * of content (before CR). Returns NULL if there is no LF before end, or
 * sets *bad if a CR is not immediately followed by LF. */
static const uint8_t *line_end(const uint8_t *p, const uint8_t *end, const uint8_t **lf, bool *bad)
{
    const uint8_t *l = memchr(p, '\n', (size_t)(end - p));
    if (!l)
        return NULL;
    *lf = l;
    const uint8_t *e = l;
    if (e > p && e[-1] == '\r')
        e--;
    if (e > p && memchr(p, '\r', (size_t)(e - p)))
        *bad = true;
    return e;
}

/* Parser context: one forward pass, p < end tested before every read. */
typedef struct {
    const uint8_t *p, *end;
    int run_out; /* what running out of bytes means in this mode / window */
    sip_msg *m;
    sip_hdr *hdrs;
    uint16_t cap;
    uint16_t last[SIP_HDR__COUNT];  /* last indexed header of each type, for next_same */
    imsec_str seen[SIP_HDR__COUNT]; /* value of the first header of each type, indexed or not */
    bool has_seen[SIP_HDR__COUNT];
} pctx;

/* May a header of type t (first of its type or not) take the next slot?
 * Padding a message with 120 "X-Pn: y" lines before the real headers
 * (issue 13) must neither discard it nor hide its Call-ID, so unknown and
 * repeated headers stop short of the reserved slots. A message with fewer
 * header fields than cap - reserves sees a plain array in message order. */
static bool header_slot_ok(const pctx *c, unsigned t, bool first)
{
    unsigned n = c->m->nhdrs, cap = c->cap;
    unsigned core = cap >= 8 * SIP_RES_CORE ? SIP_RES_CORE : 0;
    unsigned known = cap >= 4 * SIP_RES_KNOWN ? SIP_RES_KNOWN : 0;
    if (first && core_type(t))
        return n < cap;
    if (first && t != SIP_HDR_OTHER)
        return n + core < cap;
    return n + core + known < cap;
}

/* Content-Length (RFC 3261 §20.14: 1*DIGIT). The first numeric value frames
 * the body unless another one disagrees; "-999" (RFC 4475 §3.1.2.3),
 * "bad" and overflow are flagged, never fatal here (frame_body decides). */
static void content_length(pctx *c, imsec_str value, bool first)
{
    sip_msg *m = c->m;
    uint32_t v;
    bool num = imsec_str_to_u32(value, &v);
    if (!num)
        m->cl |= SIP_CL_NONNUMERIC;
    if (first) {
        if (num) {
            m->content_length = v;
            m->has_content_length = true;
        }
        return;
    }
    uint32_t v0;
    bool num0 = imsec_str_to_u32(c->seen[SIP_HDR_CONTENT_LENGTH], &v0);
    if (num && num0 ? v != v0 : !imsec_str_eq(c->seen[SIP_HDR_CONTENT_LENGTH], value))
        m->cl |= SIP_CL_CONFLICT;
}

/* Records one header field: indexes and chains it if a slot is left for it,
 * else counts it; notes conflicting single-valued repeats either way. */
static void add_header(pctx *c, imsec_str name, imsec_str value)
{
    sip_msg *m = c->m;
    unsigned t = sip_hdr_lookup(name);
    bool first = t != SIP_HDR_OTHER && !c->has_seen[t];
    m->nlines++;
    if (t == SIP_HDR_CONTENT_LENGTH)
        content_length(c, value, first);
    else if (!first && single_valued(t) && !imsec_str_eq(c->seen[t], value))
        m->conflicts |= (uint64_t)1 << t;
    if (first) {
        c->seen[t] = value;
        c->has_seen[t] = true;
    }
    if (!header_slot_ok(c, t, first)) {
        m->hdrs_dropped++;
        return;
    }
    uint16_t idx = m->nhdrs;
    if (t != SIP_HDR_OTHER) {
        if (c->last[t] == SIP_NO_HDR)
            m->first[t] = idx;
        else
            c->hdrs[c->last[t]].next_same = idx;
        c->last[t] = idx;
    }
    c->hdrs[idx] = (sip_hdr){.type = (uint16_t)t, .next_same = SIP_NO_HDR, .name = name, .value = value};
    m->nhdrs++;
}

/* One header field (RFC 3261 §7.3): name *WS ':' value, where continuation
 * lines start with SP/HTAB and stay inside the value. */
static int parse_header(pctx *c)
{
    const uint8_t *p = c->p, *end = c->end, *lf, *eol;
    bool bad = false;
    const uint8_t *n0 = p;
    while (p < end && sip_lex_is(*p, SIP_LEX_TOKEN))
        p++;
    if (p >= end)
        return c->run_out;
    const uint8_t *n1 = p;
    if (n1 == n0)
        return IMSEC_E_MALFORMED; /* continuation without a header, or junk */
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (p >= end)
        return c->run_out;
    if (*p != ':')
        return IMSEC_E_MALFORMED; /* "Foobar roobar" (test.dat) */
    p++;
    const uint8_t *v0 = p, *v1;
    for (;;) {
        eol = line_end(p, end, &lf, &bad);
        if (!eol)
            return c->run_out;
        if (bad)
            return IMSEC_E_MALFORMED;
        if (lf == eol)
            c->m->bare_lf = true;
        if (lf + 1 >= end)
            return c->run_out; /* cannot tell a fold from the next header yet */
        p = lf + 1;
        if (*p != ' ' && *p != '\t') {
            v1 = eol;
            break;
        }
    }
    c->p = p;
    imsec_str value = imsec_str_trim(imsec_str_make((const char *)v0, (size_t)(v1 - v0)));
    if (value.len == 0)
        value.p = (const char *)v1; /* never NULL, always inside the message */
    add_header(c, imsec_str_make((const char *)n0, (size_t)(n1 - n0)), value);
    return IMSEC_OK;
}

/* The header section up to and including the empty line. */
static int parse_headers(pctx *c)
{
    for (unsigned i = 0; i < SIP_HDR__COUNT; i++) {
        c->last[i] = SIP_NO_HDR;
        c->has_seen[i] = false;
    }
    for (;;) {
        if (c->p >= c->end)
            return c->run_out;
        if (*c->p == '\r') {
            if (c->p + 1 >= c->end)
                return c->run_out;
            if (c->p[1] != '\n')
                return IMSEC_E_MALFORMED;
            c->p += 2;
            return IMSEC_OK;
        }
        if (*c->p == '\n') {
            c->m->bare_lf = true;
            c->p++;
            return IMSEC_OK;
        }
        int rc = parse_header(c);
        if (rc != IMSEC_OK)
            return rc;
    }
}

/* Body framing (RFC 3261 §18.3): Content-Length frames streams and must be
 * present there; a datagram's body runs to its end without it, and a
 * Content-Length past the end means a truncated datagram (discarded by
 * stacks too: §18.3 "considered an error"). A Content-Length that is not a
 * number or disagrees with another one frames nothing: a datagram's body
 * then runs to its end as if there were none (what a stack that ignores the
 * bad value does), while a stream cannot be framed and is resynchronised by
 * the caller (m->cl says why). */
/* Only CR, LF, SP or HTAB in [p, end): padding, not content. */
static bool only_ws(const uint8_t *p, const uint8_t *end)
{
    for (; p < end; p++)
        if (*p != '\r' && *p != '\n' && *p != ' ' && *p != '\t')
            return false;
    return true;
}

static int frame_body(const uint8_t *buf, const uint8_t *start, const uint8_t *body,
                      const uint8_t *real_end, sip_mode mode, sip_msg *m, uint32_t *need)
{
    uint32_t hdr_len = (uint32_t)(body - start);
    uint32_t avail = (uint32_t)(real_end - body);
    uint32_t body_len;
    if (m->cl) {
        if (mode == SIP_MODE_STREAM)
            return IMSEC_E_MALFORMED;
        m->has_content_length = false;
    }
    if (m->has_content_length) {
        if (mode == SIP_MODE_STREAM && m->content_length > SIP_MSG_STREAM_MAX - hdr_len)
            return IMSEC_E_LIMIT;
        if (m->content_length > avail && mode == SIP_MODE_STREAM) {
            *need = (uint32_t)(start - buf) + hdr_len + m->content_length;
            return IMSEC_E_INCOMPLETE;
        }
        if (m->content_length > avail) {
            /* RFC 3261 §18.3 tells a UDP stack to discard this; tolerant
             * stacks (and tshark) act on it with the bytes there are, so it
             * is analysed that way and the mismatch is reported. */
            m->cl |= SIP_CL_LONG;
            body_len = avail;
        } else {
            body_len = m->content_length;
            if (mode == SIP_MODE_DATAGRAM && !only_ws(body + body_len, real_end))
                m->cl |= SIP_CL_SHORT; /* ignored by §18.3, read by stacks that ignore the value */
        }
    } else {
        if (mode == SIP_MODE_STREAM)
            return IMSEC_E_MALFORMED;
        body_len = avail;
    }
    m->body = imsec_str_make((const char *)body, body_len);
    m->msg_len = hdr_len + body_len;
    return (int)((uint32_t)(start - buf) + m->msg_len);
}

static int parse_impl(const uint8_t *buf, uint32_t len, sip_mode mode, sip_hdr *hdrs,
                      uint16_t cap, sip_msg *m, uint32_t *need)
{
    const uint8_t *p = buf, *const real_end = buf + len;
    *need = 0;
    /* The consumed length is returned as an int. */
    if (len > (uint32_t)INT32_MAX)
        return IMSEC_E_LIMIT;
    /* Leading CRLFs are keep-alives or stray line ends (RFC 3261 §7.5). */
    while (p < real_end && (*p == '\r' || *p == '\n')) {
        p++;
        if (mode == SIP_MODE_STREAM && p - buf > (long)SIP_MSG_STREAM_MAX)
            return IMSEC_E_LIMIT;
    }
    pctx c = {.p = p, .end = real_end, .m = m, .hdrs = hdrs, .cap = cap};
    /* On a stream nothing of the message may lie beyond start +
     * SIP_MSG_STREAM_MAX: this bounds the bytes a stream reader waits for.
     * A datagram is bounded by its own length. */
    c.run_out = mode == SIP_MODE_STREAM ? IMSEC_E_INCOMPLETE : IMSEC_E_MALFORMED;
    if (mode == SIP_MODE_STREAM && (size_t)(real_end - p) > SIP_MSG_STREAM_MAX) {
        c.end = p + SIP_MSG_STREAM_MAX;
        c.run_out = IMSEC_E_LIMIT;
    }
    const uint8_t *const start = p;
    if (p >= c.end)
        return c.run_out;
    const uint8_t *lf;
    bool bad = false;
    const uint8_t *eol = line_end(p, c.end, &lf, &bad);
    if (!eol)
        return c.run_out;
    if (bad)
        return IMSEC_E_MALFORMED;
    if (lf == eol)
        m->bare_lf = true;
    int rc = parse_start_line(p, eol, m);
    if (rc != IMSEC_OK)
        return rc;
    c.p = lf + 1;
    rc = parse_headers(&c);
    if (rc != IMSEC_OK)
        return rc;
    return frame_body(buf, start, c.p, real_end, mode, m, need);
}

int sip_msg_parse_need(const uint8_t *buf, uint32_t len, sip_mode mode, sip_hdr *hdrs,
                       uint16_t cap, sip_msg *m, uint32_t *need)
{
    uint32_t dummy;
    if (!need)
        need = &dummy;
    msg_reset(m, hdrs, cap);
    if (!buf && len)
        return IMSEC_E_MALFORMED;
    int rc = parse_impl(buf, len, mode, hdrs, cap, m, need);
    if (rc <= 0) {
        uint8_t cl = m->cl;
        msg_reset(m, hdrs, cap);
        m->cl = cl;
        if (rc == 0)
            rc = IMSEC_E_MALFORMED;
    }
    return rc;
}

int sip_msg_parse(const uint8_t *buf, uint32_t len, sip_mode mode, sip_hdr *hdrs, uint16_t cap,
                  sip_msg *m)
{
    return sip_msg_parse_need(buf, len, mode, hdrs, cap, m, NULL);
}

/* ---- start-line detection -------------------------------------------- */

/* Could [p, p+n) be (the beginning of) a start line? If `complete`, n is the
 * whole line without its line end and the check is full; otherwise only a
 * prefix was seen and it must be consistent with a start line. */
static bool start_plausible(const uint8_t *p, size_t n, bool complete)
{
    static const char sipv[] = "SIP/2.0";
    if (n == 0)
        return !complete;
    if (memcmp(p, sipv, n < 7 ? n : 7) == 0) {
        /* "SIP/2.0 NNN" (a shorter prefix may also begin a method: plausible) */
        if (n <= 7)
            return !complete;
        if (p[7] != ' ')
            return false;
        for (size_t i = 8; i < 11; i++) {
            if (i >= n)
                return !complete;
            if (!imsec_is_digit(p[i]))
                return false;
        }
        return true;
    }
    /* METHOD SP scheme ':' ... SP "SIP/2.0" */
    size_t i = 0;
    /* Any token length: a 33-character extension method is still a request
     * a stack answers (405/501, RFC 3261 §8.2.1), so it is analysed. */
    while (i < n && sip_lex_is(p[i], SIP_LEX_TOKEN))
        i++;
    if (i == n)
        return !complete;
    if (i == 0 || p[i] != ' ')
        return false;
    i++;
    if (i == n)
        return !complete;
    if (!sip_lex_is(p[i], SIP_LEX_ALPHA))
        return false;
    while (i < n && sip_lex_is(p[i], SIP_LEX_SCHEME))
        i++;
    if (i == n)
        return !complete;
    if (p[i] != ':')
        return false;
    while (i < n && sip_lex_is(p[i], SIP_LEX_GRAPH))
        i++;
    if (i == n)
        return !complete;
    if (p[i] != ' ')
        return false;
    size_t rest = n - i - 1;
    if (rest > 7)
        return false;
    if (memcmp(p + i + 1, sipv, rest) != 0)
        return false;
    return rest == 7 || !complete;
}

long sip_msg_find_start(const uint8_t *buf, uint32_t len, uint32_t from)
{
    if (!buf || from >= len)
        return -1;
    uint32_t i = from;
    if (i > 0 && buf[i - 1] != '\n') {
        const uint8_t *l = memchr(buf + i, '\n', len - i);
        if (!l)
            return -1;
        i = (uint32_t)(l - buf) + 1;
    }
    while (i < len) {
        const uint8_t *l = memchr(buf + i, '\n', len - i);
        size_t n = l ? (size_t)(l - (buf + i)) : len - i;
        size_t c = n;
        if (c > 0 && buf[i + c - 1] == '\r')
            c--;
        if (c > 0 && start_plausible(buf + i, c, l != NULL))
            return (long)i;
        if (!l)
            break;
        i = (uint32_t)(l - buf) + 1;
    }
    return -1;
}

bool sip_msg_looks_like_sip(const uint8_t *buf, uint32_t len)
{
    /* Only the first line is looked at, and only its first 1024 bytes: this
     * runs on every UDP datagram. */
    if (!buf || len < 12)
        return false;
    uint32_t n = len < 1024 ? len : 1024;
    const uint8_t *l = memchr(buf, '\n', n);
    if (!l)
        return false;
    size_t c = (size_t)(l - buf);
    if (c > 0 && buf[c - 1] == '\r')
        c--;
    return c > 0 && start_plausible(buf, c, true);
}

/* ---- access ---------------------------------------------------------- */

const sip_hdr *sip_msg_hdr(const sip_msg *m, sip_hdr_type t)
{
    if (!m || (unsigned)t >= SIP_HDR__COUNT || t == SIP_HDR_OTHER)
        return NULL;
    uint16_t i = m->first[t];
    if (i == SIP_NO_HDR || i >= m->nhdrs)
        return NULL;
    return &m->hdrs[i];
}

const sip_hdr *sip_msg_hdr_next(const sip_msg *m, const sip_hdr *h)
{
    if (!m || !h || h->next_same == SIP_NO_HDR || h->next_same >= m->nhdrs)
        return NULL;
    return &m->hdrs[h->next_same];
}

imsec_str sip_msg_value(const sip_msg *m, sip_hdr_type t)
{
    const sip_hdr *h = sip_msg_hdr(m, t);
    return h ? h->value : IMSEC_STR_NULL;
}

const sip_hdr *sip_msg_hdr_by_name(const sip_msg *m, const char *name)
{
    if (!m || !name)
        return NULL;
    imsec_str n = imsec_str_make(name, strlen(name));
    for (uint16_t i = 0; i < m->nhdrs; i++)
        if (m->hdrs[i].type == SIP_HDR_OTHER && imsec_str_eq_ci(m->hdrs[i].name, n))
            return &m->hdrs[i];
    return NULL;
}
