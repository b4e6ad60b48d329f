#include "state/tbl.h"

#include <stdlib.h>
#include <string.h>

#include "base/siphash.h"

bool tbl_init(tbl *t, uint32_t cap, const uint8_t hkey[16], tbl_evict_fn evict, void *owner)
{
    memset(t, 0, sizeof *t);
    /* Buckets grow with the entries (load factor <= 1), so a table sized
     * for a million dialogs costs nothing until they exist, and a small
     * working set stays in cache. */
    uint32_t nb = 64;
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

/* Doubles the bucket array and relinks every entry. Growth is amortised
 * O(1) per insert; a failed allocation keeps the old array (longer chains,
 * still correct). */
static void grow(tbl *t)
{
    uint32_t nb = t->nbuckets * 2;
    tbl_node **b = calloc(nb, sizeof *b);
    if (!b)
        return;
    for (uint32_t i = 0; i < t->nbuckets; i++) {
        tbl_node *n = t->buckets[i];
        while (n) {
            tbl_node *next = n->hnext;
            tbl_node **slot = &b[n->hash & (nb - 1)];
            n->hnext = *slot;
            *slot = n;
            n = next;
        }
    }
    free(t->buckets);
    t->buckets = b;
    t->nbuckets = nb;
}

bool tbl_insert(tbl *t, tbl_node *n, uint64_t hash)
{
    bool evicted = false;
    if (t->count >= t->nbuckets && t->nbuckets < (1u << 30))
        grow(t);
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
