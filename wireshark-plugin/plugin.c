/* plugin.c: registers the imsec post-dissector, owns the libimsec engine
 * and stores what it reports per frame. Follows the 4.0 plugin contract of
 * doc/plugins.example/hello.c. See style.md §2.7.
 *
 * Life cycle: the init routine (run when a file is opened and on every
 * re-dissection, e.g. after a preference change) builds a config from the
 * preferences and a fresh engine; the cleanup routine frees them. Frames are
 * fed on the first pass only, in frame order; the callbacks copy results
 * into wmem file scope; every pass renders only what was stored. */
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/expert.h>
#include <epan/wmem_scopes.h>
#include <wiretap/wtap.h>
#include <wsutil/report_message.h>
#include <ws_version.h>
#include <string.h>

#include "imsec/imsec.h"
#include "wsp.h"

#ifndef WS_DLL_PUBLIC_DEF
#define WS_DLL_PUBLIC_DEF __attribute__((visibility("default")))
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = IMSEC_PLUGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;
WS_DLL_PUBLIC_DEF void plugin_register(void);

wsp_ids wsp_id = {.proto = -1};

/* Preferences (names are a contract: `tshark -o imsec.keys_file:...`). */
static const char *pref_rules_file = "";
static const char *pref_keys_file = "";
static gboolean pref_show_secrets = FALSE;

/* File-scope analysis state. Wireshark dissects one file at a time in one
 * thread; these are the plugin's equivalent of packet-snort.c's session. */
typedef struct {
    imsec_config *cfg;
    imsec_engine *eng;
    guint32 last_fed;          /* guards against feeding a frame twice */
    guint32 cur_frame;         /* frame being fed */
    bool finished;             /* imsec_engine_finish ran: feed no more */
} wsp_session;

static wsp_session sess;
static wmem_tree_t *frames_tree; /* frame number -> wsp_frame*, reset per file */
static dissector_handle_t imsec_handle, sip_handle;

/* WTAP_ENCAP_* -> pcap LINKTYPE_*. 4.0 exports only the other direction. */
static int link_from_encap(int encap)
{
    static const struct { int encap, linktype; } tbl[] = {
        {WTAP_ENCAP_ETHERNET, 1},  {WTAP_ENCAP_NULL, 0},      {WTAP_ENCAP_LOOP, 108},
        {WTAP_ENCAP_RAW_IP, 101},  {WTAP_ENCAP_RAW_IP4, 228}, {WTAP_ENCAP_RAW_IP6, 229},
        {WTAP_ENCAP_SLL, 113},     {WTAP_ENCAP_SLL2, 276},    {WTAP_ENCAP_PPP, 9},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(tbl); i++)
        if (tbl[i].encap == encap)
            return tbl[i].linktype;
    return -1; /* counted by libimsec as an unsupported link */
}

static wsp_frame *frame_get(guint32 num)
{
    wsp_frame *fr = (wsp_frame *)wmem_tree_lookup32(frames_tree, num);
    if (!fr) {
        fr = wmem_new0(wmem_file_scope(), wsp_frame);
        wmem_tree_insert32(frames_tree, num, fr);
    }
    return fr;
}

static char *fdup(const char *s) { return wmem_strdup(wmem_file_scope(), s ? s : ""); }

static guint32 frame32(uint64_t f) { return f > G_MAXUINT32 ? 0 : (guint32)f; }

static void on_finding(void *ud, const imsec_finding *f)
{
    (void)ud;
    wsp_finding *w = wmem_new0(wmem_file_scope(), wsp_finding);
    w->rule = fdup(f->rule);
    w->title = fdup(f->title);
    w->category = fdup(f->category);
    w->sid = f->sid;
    w->sev = f->sev;
    w->reason = fdup(f->reason);
    w->impi = fdup(f->impi);
    w->impu = fdup(f->impu);
    w->call_id = fdup(f->call_id);
    w->sa = fdup(f->sa);
    w->nframes = f->nframes < IMSEC_MAX_EVIDENCE ? f->nframes : IMSEC_MAX_EVIDENCE;
    w->frames = wmem_alloc0_array(wmem_file_scope(), guint32, w->nframes ? w->nframes : 1);
    for (uint32_t i = 0; i < w->nframes; i++)
        w->frames[i] = frame32(f->frames[i]);
    /* The trigger frame is the frame being fed when the detector fired. A
     * finding without one (end-of-input detectors, at imsec_engine_finish)
     * goes to its first evidence frame, the frame the CLI's text output
     * names for it, else to the last frame fed. */
    guint32 at = frame32(f->trigger_frame);
    if (at == 0)
        at = w->nframes ? w->frames[0] : sess.cur_frame ? sess.cur_frame : sess.last_fed;
    if (at == 0)
        return;
    wsp_frame *fr = frame_get(at);
    if (fr->findings_tail)
        fr->findings_tail->next = w;
    else
        fr->findings = w;
    fr->findings_tail = w;
}

static void on_message(void *ud, const imsec_msg_rec *m)
{
    (void)ud;
    guint32 at = frame32(m->frame);
    if (at == 0 || !m->data || m->len == 0)
        return;
    wsp_msg *w = wmem_new0(wmem_file_scope(), wsp_msg);
    w->data = (uint8_t *)wmem_memdup(wmem_file_scope(), m->data, m->len);
    w->len = m->len;
    w->is_request = m->is_request;
    w->in_esp = m->in_esp;
    w->spi = m->spi;
    w->status = m->status;
    w->method = fdup(m->method);
    w->call_id = fdup(m->call_id);
    w->sa = fdup(m->sa);
    w->impi = fdup(m->impi);
    w->src_role = fdup(m->src_role);
    w->dst_role = fdup(m->dst_role);
    w->sa_frame = frame32(m->sa_frame);
    w->verify = m->verify;
    w->server_frame = frame32(m->verify_server_frame);
    wsp_frame *fr = frame_get(at);
    if (fr->msgs_tail)
        fr->msgs_tail->next = w;
    else
        fr->msgs = w;
    fr->msgs_tail = w;
}

static void on_log(void *ud, imsec_log_level lvl, const char *module, const char *msg)
{
    (void)ud;
    if (lvl <= IMSEC_LOG_WARN)
        ws_log("imsec", LOG_LEVEL_WARNING, "%s: %s", module ? module : "", msg ? msg : "");
}

static void session_free(void)
{
    imsec_engine_free(sess.eng);
    imsec_config_free(sess.cfg);
    memset(&sess, 0, sizeof sess);
}

static void imsec_init(void)
{
    char err[IMSEC_ERRBUF] = "";
    session_free();
    sess.cfg = imsec_config_new(err);
    if (!sess.cfg) {
        report_failure("imsec: %s", err);
        return;
    }
    if (pref_rules_file && pref_rules_file[0] &&
        imsec_config_load_rules(sess.cfg, pref_rules_file, err) != IMSEC_OK) {
        report_failure("imsec: rules file: %s", err);
        session_free();
        return;
    }
    if (pref_keys_file && pref_keys_file[0] &&
        imsec_config_load_keys(sess.cfg, pref_keys_file, err) != IMSEC_OK) {
        report_failure("imsec: keys file: %s", err);
        session_free();
        return;
    }
    imsec_config_set_show_secrets(sess.cfg, pref_show_secrets != FALSE);
    imsec_callbacks cb = {.on_finding = on_finding, .on_message = on_message, .log = on_log};
    /* Any seed gives the same output; a fixed one keeps runs identical. */
    sess.eng = imsec_engine_new(sess.cfg, &cb, UINT64_C(0x696d736563577321), err);
    if (!sess.eng) {
        report_failure("imsec: %s", err);
        session_free();
    }
}

/* End of the sequential first pass: Wireshark calls the "postseq cleanup"
 * routines once every frame has been read and dissected in order (after
 * loading a file in the GUI, at the end of a live capture, between the two
 * passes of `tshark -2`). That is the end of input for libimsec, so the
 * end-of-input detectors run here; their findings show on every later pass
 * (not in single-pass tshark output, which is printed while reading). */
static void imsec_postseq(void)
{
    if (!sess.eng || sess.finished)
        return;
    imsec_engine_finish(sess.eng);
    sess.finished = true;
}

static void imsec_cleanup(void)
{
    session_free();
}

static void feed(tvbuff_t *tvb, packet_info *pinfo)
{
    if (!sess.eng || sess.finished || !pinfo->rec || pinfo->rec->rec_type != REC_TYPE_PACKET)
        return;
    if (pinfo->num <= sess.last_fed)
        return;
    sess.last_fed = pinfo->num;
    guint caplen = tvb_captured_length(tvb);
    imsec_frame f = {
        .frame_no = pinfo->num,
        .ts = {.sec = (int64_t)pinfo->abs_ts.secs, .usec = (uint32_t)(pinfo->abs_ts.nsecs / 1000)},
        .linktype = link_from_encap(pinfo->rec->rec_header.packet_header.pkt_encap),
        .caplen = caplen,
        .wirelen = pinfo->fd->pkt_len,
        .data = caplen ? tvb_get_ptr(tvb, 0, (gint)caplen) : NULL,
    };
    sess.cur_frame = pinfo->num;
    imsec_engine_feed(sess.eng, &f);
    sess.cur_frame = 0;
}

static int dissect_imsec(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    (void)data;
    if (!PINFO_FD_VISITED(pinfo))
        feed(tvb, pinfo);
    const wsp_frame *fr = (const wsp_frame *)wmem_tree_lookup32(frames_tree, pinfo->num);
    if (!fr)
        return 0;
    wsp_render(tvb, pinfo, tree, fr, sip_handle, sess.cfg, pref_show_secrets != FALSE);
    return (int)tvb_captured_length(tvb);
}

static void imsec_prefs_apply(void)
{
    /* Nothing to do here: Wireshark re-dissects after a preference change,
     * which runs imsec_init again with the new values. */
}

static void proto_register_imsec(void)
{
    wsp_id.proto = proto_register_protocol("IMS security analysis (imsec)", "imsec", "imsec");
    wsp_register_fields(wsp_id.proto);

    module_t *mod = prefs_register_protocol(wsp_id.proto, imsec_prefs_apply);
    prefs_register_filename_preference(mod, "rules_file", "Rules/site file",
        "imsec rule/site JSON layered over the built-in rules (like imsec --rules)",
        &pref_rules_file, FALSE);
    prefs_register_filename_preference(mod, "keys_file", "Keys file",
        "imsec keys JSON: subscriber keys and/or explicit ESP SAs (like imsec --keys)",
        &pref_keys_file, FALSE);
    prefs_register_bool_preference(mod, "show_secrets", "Show secrets",
        "Show CK/IK and other key material in clear (redacted by default)", &pref_show_secrets);

    frames_tree = wmem_tree_new_autoreset(wmem_epan_scope(), wmem_file_scope());
    register_init_routine(imsec_init);
    register_cleanup_routine(imsec_cleanup);
    register_postseq_cleanup_routine(imsec_postseq);
    imsec_handle = create_dissector_handle(dissect_imsec, wsp_id.proto);
    register_postdissector(imsec_handle);
}

static void proto_reg_handoff_imsec(void)
{
    sip_handle = find_dissector("sip");
}

void plugin_register(void)
{
    static proto_plugin plug;
    plug.register_protoinfo = proto_register_imsec;
    plug.register_handoff = proto_reg_handoff_imsec;
    proto_register_plugin(&plug);
}
