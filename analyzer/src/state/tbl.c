#include "state/tbl.h"

#include <stdlib.h>
#include <string.h>

#include "base/siphash.h"

bool tbl_init(tbl *t, uint32_t cap, const uint8_t hkey[16], tbl_evict_fn evict, void *owner)
{
    memset(t, 0, sizeof *t);
    uint32_t nb = 16;
    while (nb < cap && nb < (1u << 30))
        nb <<= 1; /* load factor <= 1 at capacity */
    t->buckets = calloc(nb, sizeof *t->buckets);
    if (!t->buckets)
        return false;
    t->nbuckets = nb;
    t->cap = cap ? cap : 1;
    t->lru.lru_next = t->lru.lru_prev = &t->lru;
    memcpy(t->hkey, hkey, 16);
    t->evict = evict;
    t->owner = owner;
    return true;
}

void tbl_fini(tbl *t)
{
    free(t->buckets);
    t->buckets = NULL;
    t->count = 0;
}

uint64_t tbl_hash(const tbl *t, const void *key, uint32_t len)
{
    return siphash_24(t->hkey, key, len);
}

tbl_node *tbl_find(tbl *t, const void *key, uint32_t len, uint64_t hash)
{
    for (tbl_node *n = t->buckets[hash & (t->nbuckets - 1)]; n; n = n->hnext)
        if (n->hash == hash && n->keylen == len && memcmp(n->key, key, len) == 0)
            return n;
    return NULL;
}

static void lru_unlink(tbl_node *n)
{
    n->lru_prev->lru_next = n->lru_next;
    n->lru_next->lru_prev = n->lru_prev;
}

static void lru_push_head(tbl *t, tbl_node *n)
{
    n->lru_next = t->lru.lru_next;
    n->lru_prev = &t->lru;
    t->lru.lru_next->lru_prev = n;
    t->lru.lru_next = n;
}

void tbl_remove(tbl *t, tbl_node *n)
{
    tbl_node **pp = &t->buckets[n->hash & (t->nbuckets - 1)];
    while (*pp && *pp != n)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = n->hnext;
    lru_unlink(n);
    n->hnext = n->lru_next = n->lru_prev = NULL;
    t->count--;
}

bool tbl_insert(tbl *t, tbl_node *n, uint64_t hash)
{
    bool evicted = false;
    if (t->count >= t->cap) {
        tbl_node *old = tbl_pop_oldest(t);
        if (old && t->evict)
            t->evict(t->owner, old);
        evicted = true;
    }
    n->hash = hash;
    tbl_node **b = &t->buckets[hash & (t->nbuckets - 1)];
    n->hnext = *b;
    *b = n;
    lru_push_head(t, n);
    t->count++;
    return evicted;
}

void tbl_touch(tbl *t, tbl_node *n)
{
    if (t->lru.lru_next == n)
        return;
    lru_unlink(n);
    lru_push_head(t, n);
}

tbl_node *tbl_oldest(const tbl *t)
{
    return t->lru.lru_prev == &t->lru ? NULL : t->lru.lru_prev;
}

tbl_node *tbl_pop_oldest(tbl *t)
{
    tbl_node *n = tbl_oldest(t);
    if (n)
        tbl_remove(t, n);
    return n;
}
