/* tbl: bounded hash table with an intrusive LRU list, for state keyed by
 * attacker-chosen bytes (Call-ID, IMPI, identities).
 *
 * Keys are hashed with SipHash under the engine's key, so collisions cannot
 * be forced. The table never holds more than `cap` entries: inserting into a
 * full table first evicts the least recently touched entry through the
 * owner's evict callback, which must unlink nothing itself (the table has
 * already unlinked the node) and free the entry. Iteration order is never
 * used for output; owners sort by first-seen frame (determinism). */
#ifndef IMSEC_STATE_TBL_H
#define IMSEC_STATE_TBL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tbl_node {
    struct tbl_node *hnext;              /* bucket chain */
    struct tbl_node *lru_prev, *lru_next; /* most recent at head */
    uint64_t hash;
    const uint8_t *key;                  /* owned by the entry */
    uint32_t keylen;
} tbl_node;

typedef void (*tbl_evict_fn)(void *owner, tbl_node *n);

typedef struct {
    tbl_node **buckets;
    uint32_t nbuckets; /* power of two */
    uint32_t count, cap;
    tbl_node lru;      /* sentinel: lru.lru_next is the newest, lru.lru_prev the oldest */
    uint8_t hkey[16];
    tbl_evict_fn evict;
    void *owner;
} tbl;

/* cap > 0. Returns false on allocation failure. */
bool tbl_init(tbl *t, uint32_t cap, const uint8_t hkey[16], tbl_evict_fn evict, void *owner);
/* Frees nothing but the bucket array: drain entries first with tbl_pop_oldest. */
void tbl_fini(tbl *t);
uint64_t tbl_hash(const tbl *t, const void *key, uint32_t len);
tbl_node *tbl_find(tbl *t, const void *key, uint32_t len, uint64_t hash);
/* Links n (whose key/keylen are set) as the newest entry, evicting the
 * oldest if the table is full. Returns true if an eviction happened. */
bool tbl_insert(tbl *t, tbl_node *n, uint64_t hash);
void tbl_remove(tbl *t, tbl_node *n);
void tbl_touch(tbl *t, tbl_node *n);
/* Oldest entry (least recently touched), or NULL. */
tbl_node *tbl_oldest(const tbl *t);
/* Unlinks and returns the oldest entry, or NULL (to drain at the end). */
tbl_node *tbl_pop_oldest(tbl *t);

#define TBL_ENTRY(node, type, member) ((type *)(void *)((char *)(node)-offsetof(type, member)))

#endif
