#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "imsec/imsec.h"

static void *g_map;
static size_t g_maplen;

void guard_free(void)
{
    if (g_map)
        munmap(g_map, g_maplen);
    g_map = NULL;
    g_maplen = 0;
}

const uint8_t *guard_copy(const void *data, size_t len)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t body = (len + page - 1) / page * page;
    if (body == 0)
        body = page;
    guard_free();
    g_maplen = body + page;
    g_map = mmap(NULL, g_maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g_map == MAP_FAILED) {
        g_map = NULL;
        abort();
    }
    uint8_t *guard = (uint8_t *)g_map + body;
    mprotect(guard, page, PROT_NONE);
    uint8_t *dst = guard - len;
    if (len)
        memcpy(dst, data, len);
    return dst;
}

uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        if (r == 0)
            break;
        n += r;
    }
    fclose(f);
    *len = n;
    return buf;
}

const char *testdata_path(const char *rel)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", IMSEC_TESTDATA, rel);
    return buf;
}

/* One UDP datagram 10.0.0.1:5060 -> 10.0.0.2:5060 on LINKTYPE_IPV4. */
void tu_feed_sip(imsec_engine *e, uint64_t no, int64_t sec, const char *sip)
{
    size_t n = strlen(sip), tot = 28 + n;
    uint8_t *b = calloc(1, tot);
    if (!b)
        abort(); /* test helper: out of memory ends the test run */
    b[0] = 0x45;
    b[2] = (uint8_t)(tot >> 8);
    b[3] = (uint8_t)tot;
    b[8] = 64;
    b[9] = 17;
    const uint8_t src[4] = {10, 0, 0, 1}, dst[4] = {10, 0, 0, 2};
    memcpy(b + 12, src, 4);
    memcpy(b + 16, dst, 4);
    b[20] = 0x13, b[21] = 0xc4, b[22] = 0x13, b[23] = 0xc4;
    b[24] = (uint8_t)((n + 8) >> 8);
    b[25] = (uint8_t)(n + 8);
    memcpy(b + 28, sip, n);
    imsec_frame f = {.frame_no = no, .ts = {sec, 0}, .linktype = 228,
                     .caplen = (uint32_t)tot, .wirelen = (uint32_t)tot,
                     .data = guard_copy(b, tot)};
    imsec_engine_feed(e, &f);
    free(b);
}

