/* base/tbl: the bounded open-addressing table and its keyed hash.
 *
 * Forced hashes (the caller passes the hash to insert/find) put entries
 * into one probe run on purpose, so backward-shift deletion is tested on
 * runs that wrap around the end of the slot array; the hash itself is
 * tested on structured keys an attacker would try (zeros, one-byte
 * differences, prefixes of each other, counters in every byte). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/tbl.h"

typedef struct {
    tbl_node n;
    uint32_t id;
    char key[24];
} ent;

typedef struct {
    uint32_t evicted;
    uint32_t last;
} owner;

static const uint8_t HKEY[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

static void on_evict(void *o, tbl_node *n)
{
    owner *w = o;
    ent *e = TBL_ENTRY(n, ent, n);
    w->evicted++;
    w->last = e->id;
    free(e);
}

static ent *mk(uint32_t id)
{
    ent *e = calloc(1, sizeof *e);
    assert_non_null(e);
    e->id = id;
    int l = snprintf(e->key, sizeof e->key, "call-%u@host", id);
    e->n.key = (const uint8_t *)e->key;
    e->n.keylen = (uint32_t)l;
    return e;
}

static ent *get(tbl *t, uint32_t id)
{
    char k[24];
    int l = snprintf(k, sizeof k, "call-%u@host", id);
    tbl_node *n = tbl_find(t, k, (uint32_t)l, tbl_hash(t, k, (uint32_t)l));
    return n ? TBL_ENTRY(n, ent, n) : NULL;
}

static void test_lazy_insert_find_grow(void **state)
{
    (void)state;
    tbl t;
    owner w = {0};
    assert_true(tbl_init(&t, 1u << 20, HKEY, on_evict, &w));
    assert_int_equal(tbl_slot_bytes(&t), 0); /* nothing until the first insert */
    assert_null(get(&t, 1));
    size_t prev = 0;
    for (uint32_t i = 0; i < 20000; i++) {
        ent *e = mk(i);
        assert_false(tbl_insert(&t, &e->n, tbl_hash(&t, e->key, e->n.keylen)));
        assert_true(tbl_slot_bytes(&t) >= prev);
        prev = tbl_slot_bytes(&t);
        /* load never passes 7/8 */
        assert_true((size_t)t.count * 8 <= prev / sizeof(tbl_slot) * 7);
    }
    assert_int_equal(t.count, 20000);
    for (uint32_t i = 0; i < 20000; i++) {
        ent *e = get(&t, i);
        assert_non_null(e);
        assert_int_equal(e->id, i);
    }
    assert_null(get(&t, 20000));
    assert_null(get(&t, 99999));
    /* remove every third, the rest stays reachable */
    for (uint32_t i = 0; i < 20000; i += 3) {
        ent *e = get(&t, i);
        tbl_remove(&t, &e->n);
        free(e);
    }
    for (uint32_t i = 0; i < 20000; i++)
        assert_true((get(&t, i) != NULL) == (i % 3 != 0));
    tbl_drain(&t);
    assert_int_equal(w.evicted, 20000 - 6667);
    assert_int_equal(t.count, 0);
    assert_int_equal(tbl_slot_bytes(&t), 0);
}

static void test_evict_lru(void **state)
{
    (void)state;
    tbl t;
    owner w = {0};
    tbl_init(&t, 4, HKEY, on_evict, &w);
    for (uint32_t i = 0; i < 4; i++) {
        ent *e = mk(i);
        assert_false(tbl_insert(&t, &e->n, tbl_hash(&t, e->key, e->n.keylen)));
    }
    tbl_touch(&t, &get(&t, 0)->n); /* 0 becomes the newest: 1 is the oldest */
    ent *e = mk(4);
    assert_true(tbl_insert(&t, &e->n, tbl_hash(&t, e->key, e->n.keylen)));
    assert_int_equal(w.evicted, 1);
    assert_int_equal(w.last, 1);
    assert_null(get(&t, 1));
    assert_int_equal(t.count, 4);
    /* recency walk: 2, 3, 0, 4 */
    const uint32_t want[] = {2, 3, 0, 4};
    uint32_t k = 0;
    for (tbl_node *n = tbl_oldest(&t); n; n = tbl_newer(&t, n))
        assert_int_equal(TBL_ENTRY(n, ent, n)->id, want[k++]);
    assert_int_equal(k, 4);
    tbl_node *o = tbl_pop_oldest(&t);
    assert_int_equal(TBL_ENTRY(o, ent, n)->id, 2);
    free(TBL_ENTRY(o, ent, n));
    assert_null(get(&t, 2));
    assert_non_null(get(&t, 3));
    tbl_drain(&t);
    assert_int_equal(w.evicted, 4);
}

/* Every entry gets one forced hash, all in one run that wraps around the
 * end of the slot array; deleting in any order keeps the others found. */
static void test_forced_collisions_wrap(void **state)
{
    (void)state;
    for (uint32_t order = 0; order < 3; order++) {
        tbl t;
        owner w = {0};
        tbl_init(&t, 64, HKEY, on_evict, &w);
        ent *es[11];
        for (uint32_t i = 0; i < 11; i++) {
            es[i] = mk(i);
            /* the first slot array has 16 slots: homes 14, 15, 0 mix */
            uint64_t h = (i % 3 == 0) ? 14 : (i % 3 == 1) ? 15 : 0x100;
            tbl_insert(&t, &es[i]->n, h | ((uint64_t)i << 40));
        }
        bool gone[11] = {false};
        for (uint32_t k = 0; k < 11; k++) {
            uint32_t i = order == 0 ? k : order == 1 ? 10 - k : (k * 7) % 11;
            tbl_remove(&t, &es[i]->n);
            free(es[i]);
            gone[i] = true;
            for (uint32_t j = 0; j < 11; j++) {
                if (gone[j])
                    continue;
                uint64_t h = ((j % 3 == 0) ? 14 : (j % 3 == 1) ? 15 : 0x100) | ((uint64_t)j << 40);
                tbl_node *n = tbl_find(&t, es[j]->key, es[j]->n.keylen, h);
                assert_ptr_equal(n, &es[j]->n);
            }
        }
        assert_int_equal(t.count, 0);
        tbl_fini(&t);
    }
}

/* Keys that are prefixes of one another, zero-length and zero-filled keys,
 * keys that differ in one byte: all distinct entries, none found for
 * another. */
static void test_prefixes_and_zero_keys(void **state)
{
    (void)state;
    static uint8_t buf[64];
    static uint8_t zeros[64];
    memset(buf, 'a', sizeof buf);
    tbl t;
    owner w = {0};
    tbl_init(&t, 1000, HKEY, NULL, &w);
    static tbl_node nodes[2][65];
    for (uint32_t l = 0; l <= 64; l++) {
        nodes[0][l].key = buf;
        nodes[0][l].keylen = l;
        nodes[1][l].key = zeros;
        nodes[1][l].keylen = l;
        assert_null(tbl_find(&t, buf, l, tbl_hash(&t, buf, l)));
        tbl_insert(&t, &nodes[0][l], tbl_hash(&t, buf, l));
        if (l) /* the empty key is the same key for both buffers */
            tbl_insert(&t, &nodes[1][l], tbl_hash(&t, zeros, l));
    }
    for (uint32_t l = 0; l <= 64; l++) {
        assert_ptr_equal(tbl_find(&t, buf, l, tbl_hash(&t, buf, l)), &nodes[0][l]);
        if (l)
            assert_ptr_equal(tbl_find(&t, zeros, l, tbl_hash(&t, zeros, l)), &nodes[1][l]);
    }
    /* one byte changed anywhere: not found */
    uint8_t k[64];
    memset(k, 'a', sizeof k);
    for (uint32_t i = 0; i < 64; i++) {
        k[i] = 'b';
        assert_null(tbl_find(&t, k, 64, tbl_hash(&t, k, 64)));
        k[i] = 'a';
    }
    /* hashes of the prefixes are pairwise distinct */
    for (uint32_t a = 0; a <= 64; a++)
        for (uint32_t b = a + 1; b <= 64; b++) {
            assert_true(tbl_hash(&t, buf, a) != tbl_hash(&t, buf, b));
            assert_true(tbl_hash(&t, zeros, a) != tbl_hash(&t, zeros, b));
        }
    while (tbl_pop_oldest(&t))
        ;
    tbl_fini(&t);
}

/* Structured keys (a counter in one byte position of an otherwise fixed
 * key, for several lengths) spread over the slots: no home slot gets far
 * more than the Poisson expectation, whatever the seed, including zero. */
static void test_hash_spread(void **state)
{
    (void)state;
    static const uint8_t seeds[3][16] = {{0}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
                                         {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};
    static uint32_t bins[4096];
    for (int s = 0; s < 3; s++) {
        uint64_t seed[2];
        tbl_seed(seeds[s], seed);
        for (size_t len = 4; len <= 40; len += 9) {
            for (size_t pos = 0; pos + 2 <= len; pos += 3) {
                memset(bins, 0, sizeof bins);
                uint8_t key[40] = {0};
                for (uint32_t i = 0; i < 4096; i++) {
                    key[pos] = (uint8_t)i;
                    key[pos + 1] = (uint8_t)(i >> 8);
                    bins[tbl_hash_seeded(seed, key, len) & 4095]++;
                }
                uint32_t mx = 0;
                for (uint32_t i = 0; i < 4096; i++)
                    mx = bins[i] > mx ? bins[i] : mx;
                /* 4096 balls in 4096 bins: the max load is ~6-7; a weak mix gives dozens */
                if (mx > 10)
                    fprintf(stderr, "seed %d len %zu pos %zu: max %u\n", s, len, pos, mx);
                assert_true(mx <= 10);
            }
        }
    }
    /* a different seed moves a key */
    uint64_t s1[2], s2[2];
    tbl_seed(seeds[1], s1);
    tbl_seed(seeds[2], s2);
    assert_true(tbl_hash_seeded(s1, "call@x", 6) != tbl_hash_seeded(s2, "call@x", 6));
}

/* Random inserts and removals against a reference set: the Robin Hood order
 * and the backward shift keep every present key found, every absent one
 * not, through growth and at high load. */
static void test_churn(void **state)
{
    (void)state;
    enum { IDS = 3000, OPS = 60000 };
    static ent *have[IDS];
    memset(have, 0, sizeof have);
    tbl t;
    owner w = {0};
    tbl_init(&t, IDS, HKEY, on_evict, &w);
    uint32_t x = 12345;
    for (uint32_t op = 0; op < OPS; op++) {
        x = x * 1103515245u + 12345u;
        uint32_t id = (x >> 8) % IDS;
        if (have[id]) {
            tbl_remove(&t, &have[id]->n);
            free(have[id]);
            have[id] = NULL;
        } else {
            have[id] = mk(id);
            assert_false(tbl_insert(&t, &have[id]->n, tbl_hash(&t, have[id]->key, have[id]->n.keylen)));
        }
        if (op % 5000 == 0)
            for (uint32_t i = 0; i < IDS; i++)
                assert_ptr_equal(get(&t, i), have[i]);
    }
    for (uint32_t i = 0; i < IDS; i++)
        assert_ptr_equal(get(&t, i), have[i]);
    tbl_drain(&t);
    assert_int_equal(t.count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lazy_insert_find_grow),
        cmocka_unit_test(test_evict_lru),
        cmocka_unit_test(test_forced_collisions_wrap),
        cmocka_unit_test(test_prefixes_and_zero_keys),
        cmocka_unit_test(test_hash_spread),
        cmocka_unit_test(test_churn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
