/* libFuzzer: the HTML report renderer (output/html). The input is split at
 * "\n--\n" into SIP message texts; each becomes a message whose Call-ID,
 * method and frame come from its first bytes, every third message is cited
 * by a finding, and the whole report is rendered to a sink that checks the
 * page never contains a raw "<script" besides its own. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "output/html.h"

typedef struct {
    size_t len, scripts;
    char tail[8];
} sink;

static int sink_write(void *ud, const char *p, size_t n)
{
    sink *s = ud;
    /* count "<script" across write boundaries */
    char buf[32];
    for (size_t i = 0; i < n; i++) {
        memmove(s->tail, s->tail + 1, sizeof s->tail - 1);
        s->tail[sizeof s->tail - 1] = p[i];
        memcpy(buf, s->tail, sizeof s->tail);
        if (memcmp(buf + 1, "<script", 7) == 0)
            s->scripts++;
    }
    s->len += n;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    html_opts o = {.title = "fuzz", .all_sections = (size & 1) != 0, .seed = 7, .max_sections = 50};
    html_report *r = html_report_new(&o);
    if (!r)
        return 0;
    const char *p = (const char *)data, *end = p + size;
    uint64_t frame = 1;
    while (p < end) {
        const char *sep = memmem(p, (size_t)(end - p), "\n--\n", 4);
        const char *e = sep ? sep : end;
        size_t n = (size_t)(e - p);
        imsec_msg_rec m;
        memset(&m, 0, sizeof m);
        m.frame = frame;
        m.ts.sec = (int64_t)frame;
        m.tuple.src.family = m.tuple.dst.family = 4;
        m.tuple.src.a[3] = n ? (uint8_t)(p[0] & 3) : 0;
        m.tuple.dst.a[3] = n > 1 ? (uint8_t)(p[1] & 3) : 1;
        m.tuple.sport = 5060;
        m.tuple.dport = (uint16_t)(5060 + (n & 1));
        m.tuple.proto = IMSEC_PROTO_UDP;
        m.is_request = (frame & 1) != 0;
        m.status = m.is_request ? 0 : 200;
        size_t k = n < 20 ? n : 20;
        memcpy(m.method, p, k < sizeof m.method ? k : sizeof m.method - 1);
        memcpy(m.call_id, p, n < 3 ? n : 3); /* few distinct Call-IDs */
        m.data = (const uint8_t *)p;
        m.len = (uint32_t)n;
        m.in_esp = (frame % 4) == 0;
        m.spi = (uint32_t)frame;
        m.src_role = (frame % 5) == 0 ? "peer" : "";
        m.dst_role = "";
        html_report_message(r, &m);
        if (frame % 3 == 0) {
            imsec_finding f;
            memset(&f, 0, sizeof f);
            f.rule = "FUZZ-RULE";
            f.title = "fuzz";
            f.category = "fuzz";
            f.sev = (imsec_severity)(frame % 5);
            f.nframes = 2;
            f.frames[0] = frame - 1;
            f.frames[1] = frame;
            f.trigger_frame = frame;
            memcpy(f.call_id, m.call_id, sizeof f.call_id);
            memcpy(f.reason, p, n < sizeof f.reason - 1 ? n : sizeof f.reason - 1);
            html_report_finding(r, &f);
        }
        if (frame % 7 == 0) {
            imsec_dialog_rec d;
            memset(&d, 0, sizeof d);
            memcpy(d.call_id, m.call_id, sizeof d.call_id);
            memcpy(d.from, p, n < sizeof d.from - 1 ? n : sizeof d.from - 1);
            d.state = "confirmed";
            d.first_frame = frame;
            d.last_frame = frame;
            html_report_dialog(r, &d);
        }
        frame++;
        p = sep ? sep + 4 : end;
    }
    imsec_stats st;
    memset(&st, 0, sizeof st);
    st.frames = frame;
    st.last_ts.sec = (int64_t)frame;
    sink s = {0};
    out_writer w = {.write = sink_write, .ud = &s};
    if (html_report_write(r, &w, &st, NULL) != 0 || s.scripts != 1)
        __builtin_trap();
    html_report_free(r);
    return 0;
}
