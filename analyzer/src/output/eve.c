#include "output/eve.h"

#include <stdlib.h>
#include <string.h>

#define EVE_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

json_object *eve_str(const char *s, size_t n)
{
    char small[3 * 256];
    small[0] = '\0';
    if (!s)
        n = 0;
    if (n > (size_t)INT32_MAX / 3)
        n = (size_t)INT32_MAX / 3;
    char *buf = n <= 256 ? small : malloc(3 * n);
    if (!buf)
        return NULL;
    size_t m = n ? out_utf8_sanitize(s, n, buf) : 0;
    json_object *o = json_object_new_string_len(buf, (int)m);
    if (buf != small)
        free(buf);
    return o;
}

json_object *eve_cstr(const char *s, size_t cap)
{
    return eve_str(s, s ? strnlen(s, cap) : 0);
}

#define CSTR(field) eve_cstr((field), sizeof(field))

int eve_alert_severity(imsec_severity s)
{
    return s >= IMSEC_SEV_HIGH ? 1 : s == IMSEC_SEV_MEDIUM ? 2 : 3;
}

static void add(json_object *o, const char *k, json_object *v)
{
    /* Keys are our literals, unique per object: skip json-c's lookup. */
    json_object_object_add_ex(o, k, v, JSON_C_OBJECT_ADD_KEY_IS_NEW | JSON_C_OBJECT_KEY_IS_CONSTANT);
}

static void add_ts(json_object *o, const char *k, imsec_ts ts)
{
    char b[OUT_TSLEN];
    add(o, k, json_object_new_string(out_ts_iso(ts, b)));
}

static void add_u64(json_object *o, const char *k, uint64_t v)
{
    add(o, k, json_object_new_uint64(v));
}

static void add_if(json_object *o, const char *k, const char *s, size_t cap)
{
    if (s && s[0])
        add(o, k, eve_cstr(s, cap));
}

json_object *eve_finding_obj(const imsec_finding *f)
{
    json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    add_ts(o, "timestamp", f->ts);
    add(o, "event_type", json_object_new_string("alert"));
    if (f->has_tuple) {
        char a[IMSEC_ADDRSTRLEN], pb[8];
        bool ports = f->tuple.proto == IMSEC_PROTO_UDP || f->tuple.proto == IMSEC_PROTO_TCP ||
                     f->tuple.proto == IMSEC_PROTO_SCTP;
        add(o, "src_ip", json_object_new_string(imsec_addr_str(&f->tuple.src, a)));
        if (ports)
            add(o, "src_port", json_object_new_int(f->tuple.sport));
        add(o, "dest_ip", json_object_new_string(imsec_addr_str(&f->tuple.dst, a)));
        if (ports)
            add(o, "dest_port", json_object_new_int(f->tuple.dport));
        add(o, "proto", json_object_new_string(out_proto_str(f->tuple.proto, pb)));
        add(o, "app_proto", json_object_new_string(ports ? "sip" : "esp"));
    }
    const char *rule = f->rule ? f->rule : "";
    const char *title = f->title ? f->title : "";
    json_object *al = json_object_new_object();
    add(o, "alert", al);
    if (al) {
        add(al, "action", json_object_new_string("allowed"));
        add(al, "gid", json_object_new_int(1));
        add(al, "signature_id", json_object_new_int64(f->sid));
        add(al, "rev", json_object_new_int(1));
        size_t rl = strlen(rule), tl = strlen(title);
        char *sig = malloc(rl + tl + 2);
        if (sig) {
            memcpy(sig, rule, rl);
            sig[rl] = ' ';
            memcpy(sig + rl + 1, title, tl);
            add(al, "signature", eve_str(sig, tl ? rl + tl + 1 : rl));
            free(sig);
        }
        add(al, "category", eve_str(f->category ? f->category : "",
                                    f->category ? strlen(f->category) : 0));
        add(al, "severity", json_object_new_int(eve_alert_severity(f->sev)));
    }
    json_object *im = json_object_new_object();
    add(o, "imsec", im);
    if (im) {
        add(im, "rule", eve_str(rule, strlen(rule)));
        add(im, "severity", json_object_new_string(imsec_severity_str(f->sev)));
        json_object *fr = json_object_new_array();
        uint32_t nf = f->nframes < IMSEC_MAX_EVIDENCE ? f->nframes : IMSEC_MAX_EVIDENCE;
        for (uint32_t i = 0; fr && i < nf; i++)
            json_object_array_add(fr, json_object_new_uint64(f->frames[i]));
        add(im, "frames", fr);
        /* The frame the finding is shown on (Wireshark expert info, text
         * output); absent for end-of-input findings that no frame triggered. */
        if (f->trigger_frame)
            add(im, "trigger_frame", json_object_new_uint64(f->trigger_frame));
        add(im, "reason", CSTR(f->reason));
        if (f->impi[0] || f->impu[0] || f->call_id[0] || f->sa[0]) {
            json_object *su = json_object_new_object();
            if (su) {
                add_if(su, "impi", f->impi, sizeof f->impi);
                add_if(su, "impu", f->impu, sizeof f->impu);
                add_if(su, "call_id", f->call_id, sizeof f->call_id);
                add_if(su, "sa", f->sa, sizeof f->sa);
            }
            add(im, "subject", su);
        }
    }
    return o;
}

json_object *eve_dialog_obj(const imsec_dialog_rec *d)
{
    json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    add_ts(o, "timestamp", d->start);
    add(o, "event_type", json_object_new_string("sip_dialog"));
    json_object *r = json_object_new_object();
    add(o, "sip_dialog", r);
    if (!r)
        return o;
    add(r, "call_id", CSTR(d->call_id));
    add(r, "method", CSTR(d->method));
    add(r, "from", CSTR(d->from));
    add(r, "to", CSTR(d->to));
    add(r, "state", json_object_new_string(d->state ? d->state : ""));
    add(r, "final_status", json_object_new_int(d->final_status));
    add_u64(r, "first_frame", d->first_frame);
    add_u64(r, "last_frame", d->last_frame);
    add_ts(r, "start", d->start);
    add_ts(r, "end", d->end);
    add_u64(r, "sip_messages", d->sip_messages);
    add(r, "protected", json_object_new_boolean(d->protected_any));
    add_if(r, "caller_media", d->caller_media, sizeof d->caller_media);
    add_if(r, "callee_media", d->callee_media, sizeof d->callee_media);
    if (d->caller_media_pkts || d->callee_media_pkts) {
        json_object *mf = json_object_new_object();
        add(r, "media_flows", mf);
        if (mf) {
            add_u64(mf, "to_caller_packets", d->caller_media_pkts);
            add_u64(mf, "to_caller_bytes", d->caller_media_bytes);
            add_u64(mf, "to_callee_packets", d->callee_media_pkts);
            add_u64(mf, "to_callee_bytes", d->callee_media_bytes);
        }
    }
    if (d->xfer_by[0]) {
        json_object *x = json_object_new_object();
        add(r, "transfer", x);
        if (x) {
            add(x, "by", CSTR(d->xfer_by));
            add(x, "charged", CSTR(d->xfer_charged));
            add(x, "refer_call_id", CSTR(d->xfer_refer_call_id));
            add_u64(x, "refer_frame", d->xfer_refer_frame);
            add(x, "linked_by", CSTR(d->xfer_linked_by));
            add_u64(x, "depth", d->xfer_depth);
            add_u64(x, "notify_status", d->xfer_notify_status);
            add(x, "chain", CSTR(d->xfer_chain));
        }
    }
    return o;
}

json_object *eve_sa_obj(const imsec_sa_rec *s)
{
    json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    add(o, "event_type", json_object_new_string("ims_sa"));
    json_object *r = json_object_new_object();
    add(o, "ims_sa", r);
    if (!r)
        return o;
    char a[IMSEC_ADDRSTRLEN];
    add(r, "sa", CSTR(s->sa));
    add(r, "impi", CSTR(s->impi));
    add(r, "ue", json_object_new_string(imsec_addr_str(&s->ue, a)));
    add(r, "pcscf", json_object_new_string(imsec_addr_str(&s->pcscf, a)));
    add_u64(r, "port_uc", s->port_uc);
    add_u64(r, "port_us", s->port_us);
    add_u64(r, "port_pc", s->port_pc);
    add_u64(r, "port_ps", s->port_ps);
    add_u64(r, "spi_uc", s->spi_uc);
    add_u64(r, "spi_us", s->spi_us);
    add_u64(r, "spi_pc", s->spi_pc);
    add_u64(r, "spi_ps", s->spi_ps);
    add(r, "alg", CSTR(s->alg));
    add(r, "ealg", CSTR(s->ealg));
    add_u64(r, "agreed_frame", s->agreed_frame);
    add(r, "established", json_object_new_boolean(s->established));
    add_u64(r, "established_frame", s->established_frame);
    add(r, "keys", json_object_new_boolean(s->keys));
    add(r, "keys_source", json_object_new_string(s->keys_source ? s->keys_source : ""));
    json_object *e = json_object_new_object();
    add(r, "esp", e);
    if (e) {
        add_u64(e, "packets", s->packets);
        add_u64(e, "decrypted", s->decrypted);
        add_u64(e, "failed", s->failed);
    }
    return o;
}

json_object *eve_registration_obj(const imsec_reg_rec *g)
{
    json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    add_ts(o, "timestamp", g->start);
    add(o, "event_type", json_object_new_string("ims_registration"));
    json_object *r = json_object_new_object();
    add(o, "ims_registration", r);
    if (!r)
        return o;
    add(r, "impi", CSTR(g->impi));
    json_object *impus = json_object_new_array();
    uint32_t ni = g->nimpus < 4 ? g->nimpus : 4;
    for (uint32_t i = 0; impus && i < ni; i++)
        json_object_array_add(impus, CSTR(g->impus[i]));
    add(r, "impus", impus);
    add_if(r, "contact", g->contact, sizeof g->contact);
    add_if(r, "pcscf", g->pcscf, sizeof g->pcscf);
    add_if(r, "scscf", g->scscf, sizeof g->scscf);
    add(r, "state", json_object_new_string(g->state ? g->state : ""));
    add_u64(r, "expires", g->expires);
    add_if(r, "sec_mech", g->sec_mech, sizeof g->sec_mech);
    add_u64(r, "first_frame", g->first_frame);
    add_u64(r, "last_frame", g->last_frame);
    add_ts(r, "start", g->start);
    add_ts(r, "end", g->end);
    add_u64(r, "sip_messages", g->sip_messages);
    json_object *cids = json_object_new_array();
    uint32_t nc = g->ncall_ids < IMSEC_REC_MAX_CALLIDS ? g->ncall_ids : IMSEC_REC_MAX_CALLIDS;
    for (uint32_t i = 0; cids && i < nc; i++) {
        json_object *c = json_object_new_object();
        if (!c)
            break;
        add(c, "call_id", CSTR(g->call_ids[i]));
        add_u64(c, "sip_messages", g->call_id_msgs[i]);
        json_object_array_add(cids, c);
    }
    add(r, "call_ids", cids);
    if (g->call_ids_more) { /* only when the bounded list overflowed: goldens stay as they were */
        add_u64(r, "call_ids_more", g->call_ids_more);
        add_u64(r, "call_ids_more_messages", g->call_ids_more_msgs);
    }
    uint32_t ne = g->nevents < IMSEC_REC_MAX_REG_EVENTS ? g->nevents : IMSEC_REC_MAX_REG_EVENTS;
    if (ne) {
        json_object *tl = json_object_new_array();
        for (uint32_t i = 0; tl && i < ne; i++) {
            json_object *e = json_object_new_object();
            if (!e)
                break;
            add_u64(e, "frame", g->events[i].frame);
            add_ts(e, "ts", g->events[i].ts);
            add(e, "event", json_object_new_string(g->events[i].what ? g->events[i].what : ""));
            add_u64(e, "expires", g->events[i].expires);
            add_u64(e, "set_size", g->events[i].nset);
            add_if(e, "route", g->events[i].route, sizeof g->events[i].route);
            add_if(e, "scscf", g->events[i].scscf, sizeof g->events[i].scscf);
            json_object_array_add(tl, e);
        }
        add(r, "timeline", tl);
    }
    return o;
}

json_object *eve_txn_obj(const imsec_txn_rec *t)
{
    json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    add(o, "event_type", json_object_new_string("sip_txn"));
    json_object *r = json_object_new_object();
    add(o, "sip_txn", r);
    if (!r)
        return o;
    add(r, "call_id", CSTR(t->call_id));
    add(r, "method", CSTR(t->method));
    add_u64(r, "first_frame", t->first_frame);
    add_u64(r, "last_frame", t->last_frame);
    add_u64(r, "sip_messages", t->sip_messages);
    return o;
}

json_object *eve_stats_obj(const imsec_stats *s)
{
    json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    add(o, "event_type", json_object_new_string("stats"));
    json_object *st = json_object_new_object();
    add(o, "stats", st);
    if (!st)
        return o;
    add_u64(st, "frames", s->frames);
    add_u64(st, "bytes", s->bytes);
    add_u64(st, "sip_messages", s->sip_messages);
    add_u64(st, "dialogs", s->dialogs);
    add_u64(st, "registrations", s->registrations);
    add_u64(st, "sas", s->sas);
    if (s->home_network[0])
        add(st, "home_network", json_object_new_string(s->home_network));
    if (s->network[0])
        add(st, "network", json_object_new_string(s->network));
    json_object *idle = json_object_new_array();
    add(st, "idle_rules", idle);
    for (uint32_t i = 0; idle && i < s->nidle; i++) {
        json_object *r = json_object_new_object();
        if (!r)
            break;
        add(r, "id", json_object_new_string(s->idle[i].rule)); /* not "rule": greps for alerts count that key */
        add(r, "reason", json_object_new_string(s->idle[i].reason));
        add(r, "enable", json_object_new_string(s->idle[i].enable));
        json_object_array_add(idle, r);
    }
    json_object *esp = json_object_new_object();
    add(st, "esp", esp);
    if (esp) {
        add_u64(esp, "packets", s->esp_packets);
        add_u64(esp, "decrypted", s->esp_decrypted);
        add_u64(esp, "integrity_failed", s->esp_integrity_failed);
        add_u64(esp, "unknown_spi", s->esp_unknown_spi);
        add_u64(esp, "null_decoded", s->esp_null_decoded);
    }
    json_object *an = json_object_new_object();
    add(st, "anomalies", an);
    if (an) {
        add_u64(an, "truncated", s->truncated);
        add_u64(an, "malformed_sip", s->malformed_sip);
        add_u64(an, "malformed_ip", s->malformed_ip);
        add_u64(an, "unsupported_link", s->unsupported_link);
        add_u64(an, "tcp_gaps", s->tcp_gaps);
        add_u64(an, "tcp_resync", s->tcp_resync);
        add_u64(an, "frag_overlaps", s->frag_overlaps);
        add_u64(an, "tcp_overlaps", s->tcp_overlaps);
        add_u64(an, "frag_timeouts", s->frag_timeouts);
        add_u64(an, "sip_limit", s->sip_limit);
    }
    json_object *ev = json_object_new_object();
    add(st, "evictions", ev);
    if (ev) {
        add_u64(ev, "dialogs", s->ev_dialogs);
        add_u64(ev, "registrations", s->ev_registrations);
        add_u64(ev, "tcp_flows", s->ev_tcp_flows);
        add_u64(ev, "fragments", s->ev_fragments);
        add_u64(ev, "calls", s->ev_calls);
    }
    /* Extensions after the documented prefix (interface.md allows extending). */
    add_u64(st, "findings", s->findings);
    json_object *tr = json_object_new_object();
    add(st, "transport", tr);
    if (tr) {
        add_u64(tr, "udp", s->udp);
        add_u64(tr, "tcp", s->tcp);
        add_u64(tr, "sctp", s->sctp);
        add_u64(tr, "tls", s->tls);
        add_u64(tr, "other", s->other_l4);
    }
    json_object *ip = json_object_new_object();
    add(st, "ip", ip);
    if (ip) {
        add_u64(ip, "fragments", s->ip_fragments);
        add_u64(ip, "reassembled", s->ip_reassembled);
    }
    return o;
}

int eve_write_obj(out_writer *w, json_object *o)
{
    if (!o)
        return w->err = IMSEC_E_NOMEM;
    size_t n = 0;
    const char *s = json_object_to_json_string_length(o, EVE_FLAGS, &n);
    int rc = s ? out_write(w, s, n) : (w->err = IMSEC_E_NOMEM);
    if (rc == 0)
        rc = out_write(w, "\n", 1);
    json_object_put(o);
    return rc;
}

int eve_finding(out_writer *w, const imsec_finding *f) { return eve_write_obj(w, eve_finding_obj(f)); }
int eve_dialog(out_writer *w, const imsec_dialog_rec *d) { return eve_write_obj(w, eve_dialog_obj(d)); }
int eve_registration(out_writer *w, const imsec_reg_rec *r)
{
    return eve_write_obj(w, eve_registration_obj(r));
}
int eve_txn(out_writer *w, const imsec_txn_rec *t) { return eve_write_obj(w, eve_txn_obj(t)); }
int eve_stats(out_writer *w, const imsec_stats *s) { return eve_write_obj(w, eve_stats_obj(s)); }

/* ---- the EVE sink (imsec/output.h) ----
 * `dialogs --format eve` lines are held until the end and written ordered
 * by first frame (registrations after dialogs on a tie), so the record
 * order does not depend on when an entry happened to be evicted. */

typedef struct {
    uint64_t first_frame;
    int kind;
    char *line;
    size_t len;
} eve_held;

typedef struct {
    imsec_eve_opts o;
    out_writer *w;
    eve_held *held;
    size_t nheld, capheld;
    int err;
} eve_sink;

typedef struct {
    char *p;
    size_t len, cap;
} eve_membuf;

static int mem_write(void *ud, const char *p, size_t n)
{
    eve_membuf *m = ud;
    if (m->len + n > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 512;
        while (cap < m->len + n)
            cap *= 2;
        char *np = realloc(m->p, cap);
        if (!np)
            return IMSEC_E_NOMEM;
        m->p = np;
        m->cap = cap;
    }
    memcpy(m->p + m->len, p, n);
    m->len += n;
    return 0;
}

static void es_hold(eve_sink *s, uint64_t first_frame, int kind, json_object *obj)
{
    eve_membuf m = {0};
    out_writer mw = {.write = mem_write, .ud = &m};
    if (eve_write_obj(&mw, obj) != 0 || mw.err ||
        !out_grow((void **)&s->held, &s->capheld, s->nheld + 1, sizeof *s->held)) {
        free(m.p);
        s->err = IMSEC_E_NOMEM;
        return;
    }
    s->held[s->nheld++] = (eve_held){first_frame, kind, m.p, m.len};
}

static void es_finding(void *ud, const imsec_finding *f, imsec_finding_note *note)
{
    eve_sink *s = ud;
    if (!s->o.findings)
        return;
    json_object *o = eve_finding_obj(f);
    json_object *im = NULL;
    if (o && note->id[0] && json_object_object_get_ex(o, "imsec", &im)) {
        json_object_object_add(im, "id", json_object_new_string(note->id));
        if (note->evidence[0]) {
            json_object *e = json_object_new_object();
            char path[1200];
            snprintf(path, sizeof path, "%s/%s", note->evidence_dir ? note->evidence_dir : ".",
                     note->evidence);
            json_object_object_add(e, "pcap", json_object_new_string(path));
            json_object_object_add(e, "packets", json_object_new_int64(note->evidence_packets));
            /* Where each imsec.frames entry sits in the evidence pcap (1-based). */
            json_object *a = json_object_new_array();
            for (uint32_t i = 0; i < f->nframes && i < IMSEC_MAX_EVIDENCE; i++)
                json_object_array_add(a, json_object_new_int64(note->cited_in_file[i]));
            json_object_object_add(e, "frames_in_pcap", a);
            json_object_object_add(im, "evidence", e);
        }
    }
    int rc = eve_write_obj(s->w, o);
    if (rc && !s->err)
        s->err = rc;
}

static void es_record(void *ud, const imsec_record *r)
{
    eve_sink *s = ud;
    if (!s->o.records)
        return;
    switch (r->kind) {
    case IMSEC_REC_DIALOG: es_hold(s, r->u.dialog->first_frame, 0, eve_dialog_obj(r->u.dialog)); break;
    case IMSEC_REC_REGISTRATION: es_hold(s, r->u.reg->first_frame, 1, eve_registration_obj(r->u.reg)); break;
    case IMSEC_REC_TXN: es_hold(s, r->u.txn->first_frame, 2, eve_txn_obj(r->u.txn)); break;
    case IMSEC_REC_SA: es_hold(s, r->u.sa->agreed_frame, 3, eve_sa_obj(r->u.sa)); break;
    }
}

static int by_frame(const void *a, const void *b)
{
    const eve_held *x = a, *y = b;
    if (x->first_frame != y->first_frame)
        return x->first_frame < y->first_frame ? -1 : 1;
    return x->kind - y->kind;
}

static void es_stats(void *ud, const imsec_stats *st, const imsec_stats_info *info)
{
    eve_sink *s = ud;
    if (!(info && info->periodic)) {
        if (s->nheld)
            qsort(s->held, s->nheld, sizeof *s->held, by_frame);
        for (size_t i = 0; i < s->nheld; i++) {
            out_write(s->w, s->held[i].line, s->held[i].len);
            free(s->held[i].line);
        }
        s->nheld = 0;
    }
    json_object *o = eve_stats_obj(st), *inner = NULL;
    if (o && info && info->add_json && json_object_object_get_ex(o, "stats", &inner))
        info->add_json(info->ud, inner);
    if (eve_write_obj(s->w, o) && !s->err)
        s->err = IMSEC_E_IO;
}

static int es_finish(void *ud, char err[IMSEC_ERRBUF])
{
    eve_sink *s = ud;
    int rc = s->err ? s->err : s->w->err;
    if (rc)
        snprintf(err, IMSEC_ERRBUF, "%s", imsec_rc_str(rc));
    return rc;
}

static void es_free(void *ud)
{
    eve_sink *s = ud;
    if (!s)
        return;
    for (size_t i = 0; i < s->nheld; i++)
        free(s->held[i].line);
    free(s->held);
    free(s);
}

/* Without records the table has no on_record, so the state does not build
 * them (live mode emits none). */
static const imsec_sink_ops eve_sink_ops = {
    .name = "eve", .on_finding = es_finding, .on_record = es_record, .on_stats = es_stats,
    .finish = es_finish, .free = es_free,
};
static const imsec_sink_ops eve_sink_ops_norec = {
    .name = "eve", .on_finding = es_finding, .on_stats = es_stats, .finish = es_finish,
    .free = es_free,
};

int imsec_eve_sink(const imsec_eve_opts *o, imsec_writer *w, imsec_sink *out)
{
    out->ops = NULL;
    eve_sink *s = calloc(1, sizeof *s);
    if (!s)
        return IMSEC_E_NOMEM;
    s->o = *o;
    s->w = w;
    *out = (imsec_sink){.ops = o->records ? &eve_sink_ops : &eve_sink_ops_norec, .ud = s};
    return IMSEC_OK;
}
