/* SIP-* detectors: parser-differential conditions on the wire (issue 13).
 *
 * The parser (sip/sip_msg) analyses every message a stack would act on and
 * records where another parser may read it differently: a repeated
 * single-valued header, a Content-Length that frames nothing, more header
 * fields or bytes than stacks accept. Each of these lets an attacker show a
 * monitor (or a proxy) one message and the endpoint another, which is a
 * known evasion class; these rules report them. They read only what the
 * parser recorded in sip_msg and parse no bytes. */
#include <string.h>

#include "detect/detect.h"

/* A header value fit for a reason: printable ASCII only, cut at cap - 1. */
static const char *show(imsec_str v, char *buf, size_t cap)
{
    size_t n = 0;
    for (uint32_t i = 0; i < v.len && n + 1 < cap; i++) {
        unsigned char c = (unsigned char)v.p[i];
        buf[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    buf[n] = '\0';
    return buf;
}

/* The first indexed header of type t whose value differs from the first
 * one, or NULL (the differing one lies past the header index). */
static const sip_hdr *other_value(const sip_msg *msg, sip_hdr_type t)
{
    const sip_hdr *h0 = sip_msg_hdr(msg, t);
    for (const sip_hdr *h = sip_msg_hdr_next(msg, h0); h; h = sip_msg_hdr_next(msg, h))
        if (!imsec_str_eq(h->value, h0->value))
            return h;
    return NULL;
}

static void finding_start(const detect_rule *r, const st_msg *ev, imsec_finding *f)
{
    detect_finding_init(r, ev->m, f);
    imsec_str_copy(ev->call_id, f->call_id, sizeof f->call_id);
}

/* SIP-AMBIGUOUS-HEADER: Call-ID, CSeq, From or To twice with different
 * values (RFC 3261 §7.3, §20: no list form; RFC 4475 §3.3.8). imsec, like
 * Kamailio, uses the first one; a stack that uses the last one acts on
 * another dialog, transaction or identity than the one analysed. */
static void ambiguous_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    static const struct {
        sip_hdr_type t;
        const char *use; /* what an attacker gains where the other value wins */
    } kinds[] = {
        {SIP_HDR_TO, "a proxy that takes the last one routes a different dialog than the monitor sees"},
        {SIP_HDR_FROM, "a stack that takes the last one shows and authorises another caller than the monitor sees (identity spoofing past the monitor)"},
        {SIP_HDR_CALL_ID, "a stack that takes the last one puts the request in another dialog: an in-dialog BYE or re-INVITE escapes dialog tracking"},
        {SIP_HDR_CSEQ, "a stack that takes the last one matches another transaction: a new request passes here as a retransmission, or the reverse"},
    };
    const sip_msg *msg = ev->msg;
    if (!msg->conflicts)
        return;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (!(msg->conflicts & ((uint64_t)1 << kinds[i].t)))
            continue;
        const sip_hdr *h0 = sip_msg_hdr(msg, kinds[i].t), *h1 = other_value(msg, kinds[i].t);
        char a[64], b[64];
        imsec_finding f;
        finding_start(r, ev, &f);
        detect_finding_reason(&f, "two %s values, \"%s\" (analysed: the first wins) and \"%s\": %s",
                              sip_hdr_name(kinds[i].t), h0 ? show(h0->value, a, sizeof a) : "?",
                              h1 ? show(h1->value, b, sizeof b) : "(past the header index)",
                              kinds[i].use);
        detect_emit(dc, &f);
    }
}

/* SIP-BAD-CONTENT-LENGTH: a Content-Length that does not fit the datagram,
 * or that is not 1*DIGIT (RFC 3261
 * §20.14; RFC 4475 §3.1.2.3) or two that disagree (RFC 4475 §3.3.9). Only
 * datagrams reach here: the body was taken to the end of the datagram
 * (RFC 3261 §18.3). On a stream such a message cannot be framed; it is
 * resynchronised and counted (stats sip_unframed_cl), not analysed. */
static void bad_cl_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    const sip_msg *msg = ev->msg;
    if (!msg->cl)
        return;
    const sip_hdr *h0 = sip_msg_hdr(msg, SIP_HDR_CONTENT_LENGTH);
    char a[32], b[32];
    imsec_finding f;
    finding_start(r, ev, &f);
    if (msg->cl & SIP_CL_CONFLICT) {
        const sip_hdr *h1 = other_value(msg, SIP_HDR_CONTENT_LENGTH);
        detect_finding_reason(&f, "two Content-Length values, \"%s\" and \"%s\" (body of %u bytes taken to the datagram end): a proxy that frames by one of them forwards another body, and over TCP the rest becomes a smuggled second message",
                              h0 ? show(h0->value, a, sizeof a) : "?",
                              h1 ? show(h1->value, b, sizeof b) : "?", msg->body.len);
    } else if (msg->cl & SIP_CL_SHORT) {
        detect_finding_reason(&f, "Content-Length %s ends the body before the datagram does (RFC 3261 §18.3 discards the rest): a stack that ignores the value on UDP acts on bytes this analysis, and most inspectors, never read",
                              h0 ? show(h0->value, a, sizeof a) : "?");
    } else if (msg->cl & SIP_CL_LONG) {
        detect_finding_reason(&f, "Content-Length %s is more than the %u body bytes the datagram holds: strict stacks drop the message (RFC 3261 §18.3), tolerant ones act on it, so monitors and peers disagree on whether it happened",
                              h0 ? show(h0->value, a, sizeof a) : "?", msg->body.len);
    } else {
        detect_finding_reason(&f, "Content-Length \"%s\" is not a number (body of %u bytes taken to the datagram end): a stack that reads it as 0, or rejects the message, sees another body than one that ignores it",
                              h0 ? show(h0->value, a, sizeof a) : "?", msg->body.len);
    }
    detect_emit(dc, &f);
}

/* SIP-OVERSIZED: a message longer than stacks read. Default 65535 bytes:
 * Kamailio's receive buffer (src/core/config.h BUF_SIZE, "avoid terror of
 * excessively huge messages"), about the largest UDP datagram too; only a
 * stream can carry more. A message past it is dropped by such a stack or a
 * size-capped inspector and acted on by a more tolerant one, and content
 * past the cap is not inspected. */
/* A datagram has a smaller bound: Asterisk's bundled pjproject reads at most
 * PJSIP_MAX_PKT_LEN = 6000 bytes (third-party/pjproject/patches/config_site.h),
 * so a larger UDP message is dropped by the most deployed PBX and acted on by
 * a proxy with a 64 KB buffer; RFC 3261 §18.1.1 moves any request over
 * 1300 bytes to a congestion-controlled transport anyway. */
static void oversized_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    bool datagram = ev->m->t.proto == IMSEC_PROTO_UDP;
    int64_t max = datagram && r->p[1] < r->p[0] ? r->p[1] : r->p[0];
    if ((int64_t)ev->msg->msg_len <= max)
        return;
    imsec_finding f;
    finding_start(r, ev, &f);
    detect_finding_reason(&f, "%s of %u bytes (body %u), more than the %lld bytes stacks read by default: a parser with that limit drops or truncates it while a tolerant stack acts on it, and content past the limit escapes size-capped inspection",
                          datagram ? "UDP message" : "message", ev->msg->msg_len, ev->msg->body.len,
                          (long long)max);
    detect_emit(dc, &f);
}

/* SIP-HEADER-FLOOD: more header fields than real messages carry. Default
 * 100: ordinary requests carry 10-30, an IMS registration with long Path,
 * Service-Route and P-Associated-URI lists about 60; padding past it aims at
 * a parser's header limit so that the message, or the headers after the
 * padding, are not seen. Also fires when fields were past imsec's own index
 * (sip_msg.hdrs_dropped), whatever the limit. */
static void flood_on_sip(detect_ctx *dc, const detect_rule *r, const st_msg *ev)
{
    int64_t max = r->p[0];
    const sip_msg *msg = ev->msg;
    if ((int64_t)msg->nlines <= max && !msg->hdrs_dropped)
        return;
    imsec_finding f;
    finding_start(r, ev, &f);
    detect_finding_reason(&f, "%u header fields (limit %lld; %u past the analyser's index, counted): padding pushes the headers that matter past a parser's header limit, so a monitor drops the message or misses them while the stack acts on it",
                          msg->nlines, (long long)max, msg->hdrs_dropped);
    detect_emit(dc, &f);
}

const detect_def detect_sipwire_defs[] = {
    {.rule = {.id = "SIP-AMBIGUOUS-HEADER", .sid = 5001,
              .title = "single-valued header repeated with another value",
              .category = "sip-parsing", .sev = IMSEC_SEV_MEDIUM},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = DETECT_M_ALL,
     .on_sip = ambiguous_on_sip},
    {.rule = {.id = "SIP-OVERSIZED", .sid = 5002,
              .title = "message larger than SIP stacks read",
              .category = "sip-parsing", .sev = IMSEC_SEV_LOW,
              RULES_PARAMS({ .name = "max_bytes", .type = RULES_P_INT, .min = 1024, .max = 16777216,
              .doc = "largest message in bytes not reported (default: Kamailio's BUF_SIZE)",
              .def = "65535" },
              { .name = "max_datagram_bytes", .type = RULES_P_INT, .min = 512, .max = 65535,
              .doc = "largest UDP message not reported (default: PJSIP_MAX_PKT_LEN of Asterisk's pjproject)",
              .def = "6000" })},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = DETECT_M_ALL,
     .on_sip = oversized_on_sip},
    {.rule = {.id = "SIP-HEADER-FLOOD", .sid = 5003,
              .title = "more header fields than real messages carry",
              .category = "sip-parsing", .sev = IMSEC_SEV_LOW,
              RULES_PARAMS({ .name = "max", .type = RULES_P_INT, .min = 1, .max = 100000,
              .doc = "header fields one message may carry (IMS registrations carry about 60)",
              .def = "100" })},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = DETECT_M_ALL,
     .on_sip = flood_on_sip},
    {.rule = {.id = "SIP-BAD-CONTENT-LENGTH", .sid = 5004,
              .title = "Content-Length not a number, given twice, or not fitting the datagram",
              .category = "sip-parsing", .sev = IMSEC_SEV_LOW},
     .hooks = DETECT_HOOK_SIP,
     .req_methods = DETECT_M_ALL,
     .rsp_methods = DETECT_M_ALL,
     .on_sip = bad_cl_on_sip},
};
const size_t detect_sipwire_ndefs = sizeof detect_sipwire_defs / sizeof detect_sipwire_defs[0];
