/* The rule catalogue. Keep entries grouped by family, sids ascending. */
#include "rules/catalog.h"

#include <string.h>

#define PARAMS(...)                                                              \
    .params = (const rules_param_def[]){__VA_ARGS__},                            \
    .nparams = sizeof((const rules_param_def[]){__VA_ARGS__}) / sizeof(rules_param_def)
#define NO_PARAMS .params = NULL, .nparams = 0

static const rules_catalog_entry catalog[] = {
    /* KEY: authentication, security agreement, key setup (TS 33.203) */
    { .id = "KEY-UNPROTECTED-AFTER-SA", .sid = 1001,
      .title = "SIP sent outside the established SAs",
      .category = "ims-key-setup", .sev = IMSEC_SEV_HIGH, NO_PARAMS },
    { .id = "KEY-SECAGREE-DOWNGRADE", .sid = 1002,
      .title = "security agreement bid down or Security-Verify mismatch",
      .category = "ims-key-setup", .sev = IMSEC_SEV_CRITICAL, NO_PARAMS },
    { .id = "KEY-SECAGREE-MISSING", .sid = 1003,
      .title = "IMS AKA without the security agreement headers",
      .category = "ims-key-setup", .sev = IMSEC_SEV_MEDIUM, NO_PARAMS },
    { .id = "KEY-WEAK-ALGORITHM", .sid = 1004,
      .title = "SA agreed with a weak or null algorithm",
      .category = "ims-key-setup", .sev = IMSEC_SEV_MEDIUM,
      PARAMS({ .name = "severities", .type = RULES_P_SEVMAP,
               .doc = "severity per weak alg/ealg token (tokens not listed are not weak)",
               .def = "{\"null\":\"info\",\"hmac-md5-96\":\"medium\",\"des-ede3-cbc\":\"medium\"}" }) },
    { .id = "KEY-CK-IK-EXPOSED", .sid = 1005,
      .title = "CK/IK carried in clear where they must not be",
      .category = "ims-key-setup", .sev = IMSEC_SEV_CRITICAL, NO_PARAMS },
    { .id = "KEY-INTEGRITY-FLAG-SPOOF", .sid = 1006,
      .title = "integrity-protected set by the UE or set falsely",
      .category = "ims-key-setup", .sev = IMSEC_SEV_HIGH, NO_PARAMS },
    { .id = "KEY-REGISTER-UNAUTHENTICATED", .sid = 1007,
      .title = "registration accepted without authentication",
      .category = "ims-key-setup", .sev = IMSEC_SEV_HIGH, NO_PARAMS },
    { .id = "KEY-AKA-RAND-REUSE", .sid = 1008,
      .title = "AKA RAND challenged more than once",
      .category = "ims-key-setup", .sev = IMSEC_SEV_HIGH, NO_PARAMS },
    { .id = "KEY-AKA-RESPONSE-INVALID", .sid = 1009,
      .title = "AKA digest response does not match RES",
      .category = "ims-key-setup", .sev = IMSEC_SEV_HIGH, NO_PARAMS },
    { .id = "KEY-AKA-SYNC-STORM", .sid = 1010,
      .title = "burst of AKA synchronisation failures",
      .category = "ims-key-setup", .sev = IMSEC_SEV_MEDIUM,
      PARAMS({ .name = "max", .type = RULES_P_INT, .min = 1, .max = 1000,
               .doc = "synchronisation failures allowed within the window", .def = "3" },
             { .name = "window", .type = RULES_P_INT, .min = 1, .max = 86400,
               .doc = "window in seconds of packet time", .def = "60" }) },
    { .id = "KEY-IMPI-OUTSIDE-REGISTER", .sid = 1011,
      .title = "private identity used in a request other than REGISTER",
      .category = "ims-key-setup", .sev = IMSEC_SEV_LOW, NO_PARAMS },

    /* HIDE: topology hiding across the home network boundary (TS 24.229 §5.10.4) */
    { .id = "HIDE-TOPOLOGY-LEAK", .sid = 2001,
      .title = "home hops cross the boundary in clear",
      .category = "ims-topology-hiding", .sev = IMSEC_SEV_HIGH, NO_PARAMS },
    { .id = "HIDE-TOKEN-WEAK", .sid = 2002,
      .title = "topology hiding token is weak or misattributed",
      .category = "ims-topology-hiding", .sev = IMSEC_SEV_MEDIUM,
      PARAMS({ .name = "known_keys", .type = RULES_P_STRLIST,
               .doc = "published topoh mask keys (a token that opens with one hides nothing); "
                      "default: topoh's built-in mask_key (topoh.c _th_key)",
               .def = "[\"aL9.n8~Hm]Z\"]" },
             { .name = "min_token_len", .type = RULES_P_INT, .min = 1, .max = 1024,
               .doc = "shortest token a scheme may emit (shorter: too short to hide a hop)",
               .def = "16" },
             { .name = "topoh_uparam", .type = RULES_P_STRING,
               .doc = "Kamailio topoh URI parameter (topoh uparam_name; all HIDE rules)",
               .def = "\"line\"" },
             { .name = "topoh_uprefix", .type = RULES_P_STRING,
               .doc = "topoh URI parameter value prefix (uparam_prefix)", .def = "\"sr-\"" },
             { .name = "topoh_vprefix", .type = RULES_P_STRING,
               .doc = "topoh Via branch prefix (vparam_prefix)", .def = "\"z9hG4bKsr-\"" }) },
    { .id = "HIDE-CSCF-COUNT-EXPOSED", .sid = 2003,
      .title = "home CSCFs visible from outside the boundary",
      .category = "ims-topology-hiding", .sev = IMSEC_SEV_MEDIUM,
      PARAMS({ .name = "max", .type = RULES_P_INT, .min = 0, .max = 10000,
               .doc = "home CSCF identities allowed to be visible outside", .def = "0" }) },
    { .id = "HIDE-HEADER-LEAK", .sid = 2004,
      .title = "headers crossing the boundary reveal home topology",
      .category = "ims-topology-hiding", .sev = IMSEC_SEV_LOW, NO_PARAMS },
    { .id = "HIDE-TOKEN-UNDECRYPTABLE", .sid = 2005,
      .title = "hiding token does not open with the configured key",
      .category = "ims-topology-hiding", .sev = IMSEC_SEV_MEDIUM,
      PARAMS({ .name = "key", .type = RULES_P_STRING,
               .doc = "the operator's hiding key (topoh mask_key); empty: rule idle",
               .def = "\"\"" }) },

    /* PRIV: caller privacy (RFC 3323, RFC 3325) */
    { .id = "PRIV-ASSERTED-ID-LEAK", .sid = 3001,
      .title = "P-Asserted-Identity leaves the trust domain or ignores Privacy: id",
      .category = "ims-privacy", .sev = IMSEC_SEV_HIGH, NO_PARAMS },
    { .id = "PRIV-USER-LEAK", .sid = 3002,
      .title = "caller name or URI reaches the callee despite user privacy",
      .category = "ims-privacy", .sev = IMSEC_SEV_HIGH, NO_PARAMS },
    { .id = "PRIV-HEADER-LEAK", .sid = 3003,
      .title = "caller address in Via/Contact/Record-Route despite Privacy: header",
      .category = "ims-privacy", .sev = IMSEC_SEV_MEDIUM, NO_PARAMS },

    /* MEDIA: exposed media addresses and keys, anchoring bypass */
    { .id = "MEDIA-IP-EXPOSED", .sid = 3101,
      .title = "SDP exposes the UE's address where it must be hidden",
      .category = "ims-media", .sev = IMSEC_SEV_HIGH, NO_PARAMS },
    { .id = "MEDIA-BYPASS", .sid = 3102,
      .title = "media bypasses the declared anchors or outlives its dialog",
      .category = "ims-media", .sev = IMSEC_SEV_HIGH,
      PARAMS({ .name = "grace", .type = RULES_P_INT, .min = 0, .max = 3600,
               .doc = "seconds of media tolerated after the dialog ended (in-flight packets)",
               .def = "2" }) },
    { .id = "MEDIA-KEY-EXPOSED", .sid = 3103,
      .title = "SDES media keys sent without SA or TLS",
      .category = "ims-media", .sev = IMSEC_SEV_HIGH, NO_PARAMS },

    /* XFER: session transfers (RFC 3515, RFC 3891, RFC 3892, RFC 4538) */
    { .id = "XFER-PARALLEL-LIMIT", .sid = 4001,
      .title = "terminal runs more transferred sessions at once than allowed",
      .category = "ims-transfer", .sev = IMSEC_SEV_HIGH,
      PARAMS({ .name = "max", .type = RULES_P_INT, .min = 1, .max = 100000,
               .doc = "transferred sessions one transferor (its registration) may have alive at once",
               .def = "2" }) },
    { .id = "XFER-CHAIN", .sid = 4002,
      .title = "session transferred along a chain, or back to a party of it",
      .category = "ims-transfer", .sev = IMSEC_SEV_MEDIUM,
      PARAMS({ .name = "max_depth", .type = RULES_P_INT, .min = 1, .max = 1000,
               .doc = "transfers one session may go through (A->B->C is 1, A->B->C->D is 2)",
               .def = "1" }) },
    { .id = "XFER-REFERRED-BY-MISMATCH", .sid = 4003,
      .title = "Referred-By does not match the transferor's asserted identity",
      .category = "ims-transfer", .sev = IMSEC_SEV_HIGH, NO_PARAMS },
    { .id = "XFER-TOKEN-UNATTRIBUTED", .sid = 4004,
      .title = "Refer-To token does not name the network that made it",
      .category = "ims-transfer", .sev = IMSEC_SEV_MEDIUM,
      PARAMS({ .name = "min_len", .type = RULES_P_INT, .min = 8, .max = 1024,
               .doc = "shortest Refer-To user part treated as an opaque token", .def = "16" }) },
    { .id = "XFER-ORPHAN-SESSION", .sid = 4005,
      .title = "transferred session outlives the transferor's registration",
      .category = "ims-transfer", .sev = IMSEC_SEV_MEDIUM,
      PARAMS({ .name = "grace", .type = RULES_P_INT, .min = 0, .max = 86400,
               .doc = "seconds (packet time) the network may take to release it", .def = "32" }) },
    { .id = "XFER-PREMIUM-DESTINATION", .sid = 4006,
      .title = "transfer to a premium-rate or foreign number",
      .category = "ims-transfer", .sev = IMSEC_SEV_HIGH,
      PARAMS({ .name = "premium", .type = RULES_P_STRLIST,
               .doc = "premium-rate prefixes (E.164 with +, 00 or national digits; sip/tel normalised)",
               .def = "[\"+1900\",\"+1976\",\"+4490\",\"+4487\",\"+49900\",\"+33899\",\"+3989\",\"+881\",\"+882\",\"+883\",\"+979\"]" },
             { .name = "foreign", .type = RULES_P_STRLIST,
               .doc = "international prefixes not to be reached by a transfer (site choice)",
               .def = "[]" }) },
    { .id = "XFER-REFER-FLOOD", .sid = 4007,
      .title = "burst of REFERs from one identity",
      .category = "ims-transfer", .sev = IMSEC_SEV_MEDIUM,
      PARAMS({ .name = "max", .type = RULES_P_INT, .min = 1, .max = 63,
               .doc = "REFERs one identity may send within the window", .def = "10" },
             { .name = "window", .type = RULES_P_INT, .min = 1, .max = 86400,
               .doc = "window in seconds of packet time", .def = "60" }) },

    /* SESS: sessions per terminal */
    { .id = "SESS-PARALLEL-LIMIT", .sid = 4101,
      .title = "terminal has more sessions alive at once than allowed",
      .category = "ims-session", .sev = IMSEC_SEV_MEDIUM,
      PARAMS({ .name = "max", .type = RULES_P_INT, .min = 1, .max = 100000,
               .doc = "sessions one terminal may have alive at once", .def = "4" }) },
    { .id = "SESS-UNREGISTERED-IDENTITY", .sid = 4102,
      .title = "request from or to an unregistered identity of a registered subscription",
      .category = "ims-session", .sev = IMSEC_SEV_LOW,
      PARAMS({ .name = "origination", .type = RULES_P_STRING,
               .doc = "policy for originating from such an identity: \"deny\" (flag) or \"allow\"",
               .def = "\"deny\"" },
             { .name = "termination", .type = RULES_P_STRING,
               .doc = "policy for terminating toward such an identity: \"deny\" (flag) or \"allow\"",
               .def = "\"deny\"" }) },

    /* REG: registration routing */
    { .id = "REG-REREG-WRONG-SCSCF", .sid = 4201,
      .title = "re-registration answered by another S-CSCF than the serving one",
      .category = "ims-registration", .sev = IMSEC_SEV_MEDIUM, NO_PARAMS },

    /* SIP: parser-differential conditions on the wire (detect/sipwire.c) */
    { .id = "SIP-AMBIGUOUS-HEADER", .sid = 5001,
      .title = "single-valued header repeated with another value",
      .category = "sip-parsing", .sev = IMSEC_SEV_MEDIUM, NO_PARAMS },
    { .id = "SIP-OVERSIZED", .sid = 5002,
      .title = "message larger than SIP stacks read",
      .category = "sip-parsing", .sev = IMSEC_SEV_LOW,
      PARAMS({ .name = "max_bytes", .type = RULES_P_INT, .min = 1024, .max = 16777216,
               .doc = "largest message in bytes not reported (default: Kamailio's BUF_SIZE)",
               .def = "65535" }) },
    { .id = "SIP-HEADER-FLOOD", .sid = 5003,
      .title = "more header fields than real messages carry",
      .category = "sip-parsing", .sev = IMSEC_SEV_LOW,
      PARAMS({ .name = "max", .type = RULES_P_INT, .min = 1, .max = 100000,
               .doc = "header fields one message may carry (IMS registrations carry about 60)",
               .def = "100" }) },
    { .id = "SIP-BAD-CONTENT-LENGTH", .sid = 5004,
      .title = "Content-Length not a number or given twice with different values",
      .category = "sip-parsing", .sev = IMSEC_SEV_LOW, NO_PARAMS },
    /* SIP: attacks on any SIP service, seen in ordinary captures (issue 13) */
    { .id = "SIP-SCANNER", .sid = 5101,
      .title = "SIP scanner: known scanner User-Agent or a sweep across many users",
      .category = "sip-attack", .sev = IMSEC_SEV_MEDIUM,
      PARAMS({ .name = "user_agents", .type = RULES_P_STRLIST,
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
               .doc = "window in seconds of packet time", .def = "60" }) },
    { .id = "SIP-AUTH-BRUTEFORCE", .sid = 5102,
      .title = "digest password guessing: repeated refusals of supplied credentials",
      .category = "sip-attack", .sev = IMSEC_SEV_HIGH,
      PARAMS({ .name = "max", .type = RULES_P_INT, .min = 1, .max = 63,
               .doc = "refused credentialed requests (401/403/407, not stale) one source, or "
                      "one username from several sources, may have within the window "
                      "(fail2ban's asterisk jail: 5 in 10 minutes bans)",
               .def = "4" },
             { .name = "window", .type = RULES_P_INT, .min = 1, .max = 86400,
               .doc = "window in seconds of packet time", .def = "600" }) },
    { .id = "SIP-TOLL-FRAUD-PROBE", .sid = 5103,
      .title = "unauthenticated INVITE to an international or premium number refused",
      .category = "sip-attack", .sev = IMSEC_SEV_HIGH,
      PARAMS({ .name = "international", .type = RULES_P_STRLIST,
               .doc = "prefixes of international numbers (\"+\": any global number; 00 is "
                      "read as +; 011 is the NANP international prefix)",
               .def = "[\"+\",\"011\"]" },
             { .name = "premium", .type = RULES_P_STRLIST,
               .doc = "premium-rate prefixes (as XFER-PREMIUM-DESTINATION)",
               .def = "[\"+1900\",\"+1976\",\"+4490\",\"+4487\",\"+49900\",\"+33899\","
                      "\"+3989\",\"+881\",\"+882\",\"+883\",\"+979\"]" },
             { .name = "home", .type = RULES_P_STRLIST,
               .doc = "prefixes that are domestic for this site (e.g. \"+44\" in the UK): "
                      "not international", .def = "[]" }) },
    { .id = "SIP-SPOOFED-ORIGIN", .sid = 5104,
      .title = "request names loopback or the receiver itself as its origin",
      .category = "sip-attack", .sev = IMSEC_SEV_MEDIUM, NO_PARAMS },
    { .id = "SIP-INJECTION", .sid = 5105,
      .title = "SDP address or Call-ID holds characters its grammar forbids",
      .category = "sip-attack", .sev = IMSEC_SEV_HIGH, NO_PARAMS },
    { .id = "SIP-GHOST-CALLS", .sid = 5106,
      .title = "burst of INVITEs to one callee cancelled before it rang",
      .category = "sip-attack", .sev = IMSEC_SEV_MEDIUM,
      PARAMS({ .name = "max", .type = RULES_P_INT, .min = 1, .max = 63,
               .doc = "INVITEs one source may cancel toward one callee before a 180/183 or "
                      "final answer, within the window (a caller redialling and hanging up "
                      "early does so once or twice)",
               .def = "3" },
             { .name = "window", .type = RULES_P_INT, .min = 1, .max = 86400,
               .doc = "window in seconds of packet time", .def = "60" }) },
};

static const char *const ptype_names[RULES_P__COUNT] = {
    [RULES_P_INT] = "int",           [RULES_P_BOOL] = "bool",
    [RULES_P_STRING] = "string",     [RULES_P_STRLIST] = "string list",
    [RULES_P_PREFIXLIST] = "prefix list", [RULES_P_SEVMAP] = "severity map",
};

const char *rules_ptype_str(rules_ptype t)
{
    return (unsigned)t < RULES_P__COUNT ? ptype_names[t] : "?";
}

size_t rules_catalog_count(void) { return sizeof catalog / sizeof *catalog; }

const rules_catalog_entry *rules_catalog_at(size_t i)
{
    return i < rules_catalog_count() ? &catalog[i] : NULL;
}

const rules_catalog_entry *rules_catalog_find_n(const char *id, size_t len, size_t idx[1])
{
    for (size_t i = 0; id && i < rules_catalog_count(); i++)
        if (strlen(catalog[i].id) == len && memcmp(catalog[i].id, id, len) == 0) {
            if (idx)
                *idx = i;
            return &catalog[i];
        }
    return NULL;
}

const rules_catalog_entry *rules_catalog_find(const char *id, size_t idx[1])
{
    return id ? rules_catalog_find_n(id, strlen(id), idx) : NULL;
}

const rules_param_def *rules_catalog_param(const rules_catalog_entry *e, const char *name,
                                           size_t idx[1])
{
    for (size_t i = 0; e && name && i < e->nparams; i++)
        if (strcmp(e->params[i].name, name) == 0) {
            if (idx)
                *idx = i;
            return &e->params[i];
        }
    return NULL;
}
