/* imsec — public API of libimsec.
 *
 * One imsec_engine holds all analysis state; the library has no global
 * mutable state, never prints, and never exits. The CLI, the Wireshark
 * plugin and the tests each create their own engine.
 *
 * Life cycle: imsec_config_new -> imsec_config_load_* -> imsec_engine_new
 * (or imsec_engine_open with sinks, imsec/sink.h) -> imsec_engine_feed (per
 * frame, in capture order) -> imsec_engine_finish -> imsec_engine_free.
 * Findings and records are delivered through callbacks and sinks while
 * frames are fed; the structs passed to them are borrowed and valid only
 * during the call.
 *
 * The public headers are all a program needs: imsec.h (engine, records,
 * config), sink.h (the sink interface), output.h (text, EVE, HTML and
 * evidence sinks), capture.h (capture files and live interfaces) and
 * sipinfo.h (the security view of one SIP message, for viewers). */
#ifndef IMSEC_IMSEC_H
#define IMSEC_IMSEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define IMSEC_NODISCARD __attribute__((warn_unused_result))
#else
#define IMSEC_NODISCARD
#endif

/* Return codes. Stream parsers return a byte count >= 0 on success. */
typedef enum {
    IMSEC_OK = 0,
    IMSEC_E_TRUNC = -1,      /* declared length beyond captured bytes (capture artefact) */
    IMSEC_E_MALFORMED = -2,  /* broken structure or inconsistent lengths */
    IMSEC_E_LIMIT = -3,      /* one of our bounds was hit */
    IMSEC_E_NOMEM = -4,
    IMSEC_E_IO = -5,
    IMSEC_E_CONFIG = -6,
    IMSEC_E_INCOMPLETE = -7, /* need more bytes (stream parsers) */
} imsec_rc;

const char *imsec_rc_str(int rc);

#define IMSEC_ERRBUF 512

typedef enum {
    IMSEC_SEV_INFO = 0,
    IMSEC_SEV_LOW,
    IMSEC_SEV_MEDIUM,
    IMSEC_SEV_HIGH,
    IMSEC_SEV_CRITICAL,
} imsec_severity;

const char *imsec_severity_str(imsec_severity s);
/* Parses "info".."critical"; false if unknown. */
bool imsec_severity_parse(const char *s, imsec_severity *out);

typedef struct {
    int64_t sec;
    uint32_t usec;
} imsec_ts;

/* A counted slice into a buffer someone else owns (no NUL); valid only
 * while that buffer is. libimsec's own string helpers are private. */
typedef struct {
    const char *p;
    uint32_t len;
} imsec_str;

/* An IP address: family 4 or 6, bytes in network order (v4 in a[0..3]). */
typedef struct {
    uint8_t family;
    uint8_t a[16];
} imsec_addr;

enum { IMSEC_PROTO_TCP = 6, IMSEC_PROTO_UDP = 17, IMSEC_PROTO_ESP = 50, IMSEC_PROTO_SCTP = 132 };

typedef struct {
    imsec_addr src, dst;
    uint16_t sport, dport;
    uint8_t proto; /* IMSEC_PROTO_* */
} imsec_tuple;

/* Formats an address into buf ("10.0.0.1", "2001:db8::1"); returns buf. */
#define IMSEC_ADDRSTRLEN 46
const char *imsec_addr_str(const imsec_addr *a, char buf[IMSEC_ADDRSTRLEN]);
/* Parses a textual IPv4/IPv6 address (no port, no brackets). */
bool imsec_addr_parse(const char *s, size_t len, imsec_addr *out);
bool imsec_addr_eq(const imsec_addr *x, const imsec_addr *y);

/* One captured frame, as a source hands it to the engine.
 * linktype is a pcap LINKTYPE_* / DLT value. frame_no is 1-based over all
 * inputs, as Wireshark numbers frames. */
typedef struct {
    uint64_t frame_no;
    imsec_ts ts;
    int linktype;
    uint32_t caplen, wirelen;
    const uint8_t *data;
} imsec_frame;

/* ---- findings ---------------------------------------------------------- */

#define IMSEC_MAX_EVIDENCE 16
#define IMSEC_SUBJ_LEN 160
#define IMSEC_REASON_LEN 320

typedef struct {
    const char *rule;      /* stable rule id, e.g. "KEY-UNPROTECTED-AFTER-SA" */
    uint32_t sid;          /* EVE signature_id */
    const char *title;     /* one-line rule description */
    const char *category;  /* e.g. "ims-key-setup" */
    imsec_severity sev;
    imsec_ts ts;           /* time of the triggering frame */
    imsec_tuple tuple;     /* 5-tuple of the triggering frame */
    bool has_tuple;
    uint32_t nframes;      /* evidence frames, first frame first, ascending */
    uint64_t frames[IMSEC_MAX_EVIDENCE];
    uint64_t trigger_frame;
    /* Subject: empty strings when unknown. Bytes come from the wire: sinks escape them. */
    char impi[IMSEC_SUBJ_LEN];
    char impu[IMSEC_SUBJ_LEN];
    char call_id[IMSEC_SUBJ_LEN];
    char sa[48];
    char reason[IMSEC_REASON_LEN];
} imsec_finding;

/* ---- records for `imsec dialogs` ---------------------------------------- */

#define IMSEC_REC_MAX_CALLIDS 8
#define IMSEC_REC_MAX_REG_EVENTS 8

typedef struct {
    char call_id[IMSEC_SUBJ_LEN];
    char from[IMSEC_SUBJ_LEN], to[IMSEC_SUBJ_LEN];
    char method[24];            /* the dialog-creating method */
    const char *state;          /* "early", "confirmed", "terminated", "failed", "trying" */
    uint64_t first_frame, last_frame;
    imsec_ts start, end;
    uint32_t sip_messages;      /* SIP messages seen with this Call-ID */
    uint16_t final_status;      /* final response to the dialog-creating request, 0 if none */
    bool protected_any;         /* any message travelled inside an SA */
    /* offer/answer media endpoints, textual "addr:port" */
    char caller_media[64], callee_media[64];
    /* Media flows (UDP/RTP) correlated with the SDP endpoints of this dialog:
     * packets and bytes (UDP payload) toward the caller's / callee's side. */
    uint64_t caller_media_pkts, caller_media_bytes, callee_media_pkts, callee_media_bytes;
    /* Set when the dialog resulted from a transfer (RFC 3515; empty/0 otherwise). */
    char xfer_by[IMSEC_SUBJ_LEN];           /* transferor: who sent the REFER */
    char xfer_charged[IMSEC_SUBJ_LEN];      /* who pays: the transferor's registration (IMPI) */
    char xfer_refer_call_id[IMSEC_SUBJ_LEN];/* the REFER's Call-ID */
    char xfer_linked_by[16];                /* "Replaces", "Target-Dialog", "Referred-By", "identity" */
    char xfer_chain[IMSEC_REASON_LEN];      /* parties of the chain, in order, ", " separated */
    uint64_t xfer_refer_frame;
    uint32_t xfer_depth;                    /* transfers in the chain up to this dialog */
    uint16_t xfer_notify_status;            /* last NOTIFY sipfrag status, 0 if none */
} imsec_dialog_rec;

typedef struct {
    char impi[IMSEC_SUBJ_LEN];
    char impus[4][IMSEC_SUBJ_LEN];  /* explicit and implicit set (first four) */
    uint32_t nimpus;
    char contact[IMSEC_SUBJ_LEN];
    char pcscf[IMSEC_SUBJ_LEN];     /* from Path */
    char scscf[IMSEC_SUBJ_LEN];     /* from Service-Route */
    const char *state;              /* "registered", "challenged", "deregistered", "failed", "pending" */
    uint32_t expires;
    uint64_t first_frame, last_frame;
    imsec_ts start, end;
    uint32_t ncall_ids;
    char call_ids[IMSEC_REC_MAX_CALLIDS][IMSEC_SUBJ_LEN];
    uint32_t call_id_msgs[IMSEC_REC_MAX_CALLIDS];
    uint32_t call_ids_more, call_ids_more_msgs; /* Call-IDs not listed, and their messages */
    uint32_t sip_messages;
    char sec_mech[32];              /* agreed mechanism, e.g. "ipsec-3gpp" */
    /* Registration timeline: the first IMSEC_REC_MAX_REG_EVENTS-1 events and the latest. */
    uint32_t nevents;
    struct {
        uint64_t frame;
        imsec_ts ts;
        const char *what;           /* "registered", "re-registered", "de-registered", "expired", "network-deregistered", "reg-event" */
        uint32_t expires, nset;     /* expiry granted; size of the registration set after it */
        char scscf[IMSEC_SUBJ_LEN]; /* answering S-CSCF (Service-Route) */
        char route[IMSEC_SUBJ_LEN]; /* the REGISTER's first Route, else Request-URI */
    } events[IMSEC_REC_MAX_REG_EVENTS];
} imsec_reg_rec;

/* Call-IDs that carry neither a dialog nor a registration (OPTIONS, MESSAGE…). */
typedef struct {
    char call_id[IMSEC_SUBJ_LEN];
    char method[24];
    uint64_t first_frame, last_frame;
    uint32_t sip_messages;
} imsec_txn_rec;

/* One IPsec SA set of an IMS registration: the four SAs of TS 33.203 §7.1
 * agreed by one 401 (Security-Client x Security-Server), from `imsec
 * dialogs` (event_type "ims_sa"), emitted when its registration leaves
 * the state (finish or eviction), ordered by agreed_frame.
 *   SA1 UE:port_uc -> P:port_ps, SPI spi_ps   SA2 P:port_ps -> UE:port_uc, SPI spi_uc
 *   SA3 P:port_pc -> UE:port_us, SPI spi_us   SA4 UE:port_us -> P:port_pc, SPI spi_pc */
#define IMSEC_SA_KEY_MAX 40
typedef struct {
    char impi[IMSEC_SUBJ_LEN];
    char sa[48];                /* label, "0x1001/0x2002" (the UE's spi-c/spi-s) */
    imsec_addr ue, pcscf;
    uint16_t port_uc, port_us, port_pc, port_ps;
    uint32_t spi_uc, spi_us, spi_pc, spi_ps;
    char alg[24], ealg[24];     /* ipsec-3gpp tokens, e.g. "hmac-sha-1-96", "aes-cbc" */
    uint64_t agreed_frame;      /* the 401 that carried the Security-Server */
    uint64_t established_frame; /* first ESP packet on it, 0 if never */
    bool established;
    bool keys;                  /* ESP keys known (derived from CK/IK) */
    const char *keys_source;    /* "keys file" (Milenage over the RAND), "capture" (ck=/ik=), "" */
    uint64_t packets, decrypted, failed;
    /* SECRET, valid with `keys`: CK_ESP / IK_ESP (TS 33.203 Annex I), one
     * pair for all four SAs. Outputs must not print these unless the user
     * asked (--show-secrets). */
    uint8_t enc_key[IMSEC_SA_KEY_MAX], auth_key[IMSEC_SA_KEY_MAX];
    uint32_t enc_key_len, auth_key_len;
} imsec_sa_rec;

/* Security-Verify of a request versus the Security-Server list of the
 * 401/407 its registration was last challenged with (RFC 3329 §2.3.1:
 * Verify must repeat Server element by element). */
typedef enum {
    IMSEC_VERIFY_NA = 0,      /* the message carries no Security-Verify */
    IMSEC_VERIFY_MATCH,
    IMSEC_VERIFY_MISMATCH,
    IMSEC_VERIFY_NO_SERVER,   /* no Security-Server seen for its registration */
} imsec_verify;

/* One SIP message as the engine saw it (for the plugin, the report and
 * `--log-sip`). Borrowed: valid only during the callback. */
typedef struct {
    uint64_t frame;             /* frame that delivered/completed the message */
    imsec_ts ts;
    imsec_tuple tuple;
    bool is_request;
    char method[24];            /* request method, or the CSeq method of a response */
    uint16_t status;            /* responses */
    char call_id[IMSEC_SUBJ_LEN];
    const uint8_t *data;        /* the SIP message bytes; inside ESP: the plaintext */
    uint32_t len;
    bool in_esp;                /* travelled inside ESP (decrypted or ESP-NULL) */
    uint32_t spi;               /* with in_esp */
    char sa[48];                /* "0x1001/0x2002" when the message is tied to an SA pair */
    uint64_t sa_frame;          /* frame where that SA was agreed, 0 if unknown */
    char impi[IMSEC_SUBJ_LEN];  /* registration the message belongs to, if any */
    const char *src_role, *dst_role; /* "UE", "P-CSCF", "S-CSCF", "peer" or "" */
    imsec_verify verify;        /* requests with Security-Verify */
    uint64_t verify_server_frame; /* the Security-Server compared with, 0 if none */
} imsec_msg_rec;

/* ---- statistics ---------------------------------------------------------- */

/* A rule that never ran because the context it needs was absent (issue 13):
 * static strings. `enable` is a site-file fragment that supplies it. */
typedef struct {
    const char *rule, *reason, *enable;
} imsec_idle_rule;
#define IMSEC_MAX_IDLE 64

typedef struct {
    uint64_t frames, bytes, sip_messages;
    uint64_t dialogs, registrations, sas;
    uint64_t esp_packets, esp_decrypted, esp_integrity_failed, esp_unknown_spi;
    uint64_t esp_null_decoded;  /* ESP-NULL recognised without keys and decoded */
    uint64_t udp, tcp, sctp, tls, other_l4;
    uint64_t tcp_overlaps;
    uint64_t ip_fragments, ip_reassembled;
    uint64_t findings;
    /* anomalies */
    uint64_t truncated, malformed_sip, malformed_ip, unsupported_link, tcp_gaps,
             tcp_resync, frag_overlaps, frag_timeouts, sip_limit;
    /* SIP analysed despite parser-differential conditions (findings SIP-*) */
    uint64_t sip_hdrs_dropped;  /* messages with header fields past the index (counted, not indexed) */
    uint64_t sip_ambiguous;     /* messages with a single-valued header repeated with another value */
    uint64_t sip_bad_cl;        /* messages with a non-numeric or conflicting Content-Length */
    uint64_t sip_unframed_cl;   /* of those, stream messages that could not be framed (resynced) */
    /* evictions */
    uint64_t ev_dialogs, ev_registrations, ev_tcp_flows, ev_fragments, ev_calls;
    uint64_t first_unsupported_link; /* a link type counted there (reported once) */
    imsec_ts first_ts, last_ts;
    /* The home network boundary used by the HIDE/PRIV/MEDIA rules: "" when
     * unknown, "site profile", or what was inferred from the traffic, e.g.
     * `inferred: home_domains ["home1.net"], cscf addresses ["10.1.0.2"]`
     * (set by imsec_engine_finish). */
    char home_network[512];
    /* The network the rules judged: "IMS (Security-Client in frame 1)",
     * "plain SIP (no IMS evidence: ...)" or "... (site profile)". */
    char network[192];
    imsec_idle_rule idle[IMSEC_MAX_IDLE];
    uint32_t nidle, idle_more;
} imsec_stats;

/* ---- configuration (rules, site profile, keys) ------------------------- */

typedef struct imsec_config imsec_config;

/* A config starts with the built-in rules/default.json. */
imsec_config *imsec_config_new(char err[IMSEC_ERRBUF]);
void imsec_config_free(imsec_config *c);
/* Layer a rule/site file over what is loaded; errors name file and JSON path.
 * All errors are collected into err (one per line, truncated to IMSEC_ERRBUF). */
IMSEC_NODISCARD int imsec_config_load_rules(imsec_config *c, const char *path, char err[IMSEC_ERRBUF]);
IMSEC_NODISCARD int imsec_config_load_keys(imsec_config *c, const char *path, char err[IMSEC_ERRBUF]);
void imsec_config_set_show_secrets(imsec_config *c, bool on);

/* ---- the engine ----------------------------------------------------------- */

typedef struct imsec_engine imsec_engine;

typedef enum { IMSEC_LOG_ERROR, IMSEC_LOG_WARN, IMSEC_LOG_INFO, IMSEC_LOG_DEBUG } imsec_log_level;

typedef struct {
    void *ud;
    void (*on_finding)(void *ud, const imsec_finding *f);
    void (*on_dialog)(void *ud, const imsec_dialog_rec *d);   /* when a dialog ends or at finish */
    void (*on_registration)(void *ud, const imsec_reg_rec *r);
    void (*on_txn)(void *ud, const imsec_txn_rec *t);
    void (*on_message)(void *ud, const imsec_msg_rec *m);    /* every SIP message, in order */
    void (*log)(void *ud, imsec_log_level lvl, const char *module, const char *msg);
    void (*on_sa)(void *ud, const imsec_sa_rec *s);          /* each SA set, when its registration ends */
} imsec_callbacks;

/* cfg is borrowed and must outlive the engine. seed keys the hash tables
 * (attacker-chosen keys); any value gives the same output. */
imsec_engine *imsec_engine_new(const imsec_config *cfg, const imsec_callbacks *cb,
                               uint64_t seed, char err[IMSEC_ERRBUF]);
void imsec_engine_free(imsec_engine *e);
/* Feed one frame. Never fails on hostile input: problems become counters. */
void imsec_engine_feed(imsec_engine *e, const imsec_frame *f);
/* End of input: flush reassembly, run end-of-input detectors, emit the
 * remaining dialog/registration records ordered by first frame. */
void imsec_engine_finish(imsec_engine *e);
const imsec_stats *imsec_engine_stats(const imsec_engine *e);

/* Rule catalogue (for `imsec rules list`): effective settings. */
typedef struct {
    const char *rule, *title, *category;
    uint32_t sid;
    imsec_severity sev;
    bool enabled;
} imsec_rule_info;
size_t imsec_config_rule_count(const imsec_config *c);
bool imsec_config_rule_at(const imsec_config *c, size_t i, imsec_rule_info *out);
/* Effective rules + site as JSON text (caller frees with free()). */
char *imsec_config_dump_json(const imsec_config *c);

const char *imsec_version(void);

#ifdef __cplusplus
}
#endif
#endif
