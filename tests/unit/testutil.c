#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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
