/* tbl: the one bounded hash table of libimsec, for state keyed by bytes an
 * attacker chooses (Call-ID, IMPI, identities, SPIs, flow tuples, media
 * endpoints).
 *
 * Layout. Open addressing with linear probing in Robin Hood order over an
 * array of 16-byte slots {64-bit hash, entry pointer}; deletion shifts the
 * following run back (no tombstones, so probe runs never rot). Robin Hood
 * keeps runs short up to a load of 7/8, so the slots cost 18-37 bytes per
 * entry, and lets a miss stop as early as a hit. A lookup reads one slot
 * run, which is almost always one cache line, and touches an entry only
 * when the full 64-bit hash matches, so the key compare is the only other
 * memory access. Entries are the owner's structs with a tbl_node embedded;
 * the node points at the key the entry owns.
 *
 * Bounds. The table never holds more than `cap` entries: inserting into a
 * full table first unlinks the least recently touched entry (an intrusive
 * LRU list through the nodes) and hands it to the owner's evict callback,
 * which frees it and counts the eviction. LRU rather than clock eviction
 * because the victim must not depend on the slot order, which depends on
 * the per-engine random seed: the same capture must evict the same entries
 * on every run (determinism of findings and outputs).
 *
 * Growth. Nothing is allocated at init; the slot array appears with the
 * first insert (16 slots) and doubles whenever the load would pass 7/8, so a
 * table bounded at a million entries costs nothing until they exist. A
 * rehash moves every entry at once (amortised O(1) per insert).
 *
 * Order. The slot order is a function of the random seed: nobody iterates
 * it. The only walks are by recency (tbl_oldest, tbl_pop_oldest,
 * tbl_newer); outputs sort by first frame. */
#ifndef IMSEC_BASE_TBL_H
#define IMSEC_BASE_TBL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tbl_node {
    struct tbl_node *lru_prev, *lru_next; /* newest at the head */
    const uint8_t *key;                   /* owned by the entry */
    uint32_t keylen;
    uint32_t hlo;                         /* low half of the hash: finds the slot on removal */
} tbl_node;

typedef struct {
    uint64_t hash;
    tbl_node *n; /* NULL: empty */
} tbl_slot;

typedef void (*tbl_evict_fn)(void *owner, tbl_node *n);

typedef struct {
    tbl_slot *slots;   /* NULL until the first insert */
    uint32_t mask;     /* nslots - 1 (nslots a power of two), 0 without slots */
    uint32_t count, cap;
    tbl_node lru;      /* sentinel: lru.lru_next is the newest, lru.lru_prev the oldest */
    uint64_t seed[2];
    tbl_evict_fn evict;
    void *owner;
} tbl;

/* The keyed hash (see tbl.c for the design and why it replaced SipHash). */
uint64_t tbl_hash_seeded(const uint64_t seed[2], const void *key, size_t len);
/* Expands a 16-byte engine key into the two seed words. */
void tbl_seed(const uint8_t hkey[16], uint64_t seed[2]);

/* cap > 0 (0 is taken as 1). Allocates nothing; returns true (kept for the
 * callers that chain initialisations). */
bool tbl_init(tbl *t, uint32_t cap, const uint8_t hkey[16], tbl_evict_fn evict, void *owner);
/* Frees the slot array only: drain entries first with tbl_pop_oldest. */
void tbl_fini(tbl *t);
uint64_t tbl_hash(const tbl *t, const void *key, uint32_t len);
tbl_node *tbl_find(const tbl *t, const void *key, uint32_t len, uint64_t hash);
/* Links n (whose key/keylen are set; the key must not be present) as the
 * newest entry, evicting the oldest first if the table is full. Returns true
 * if an eviction happened. If the slot array cannot grow the entry is still
 * inserted while free slots remain; with none left, n itself is handed to the
 * evict callback (counted like any eviction) and true is returned. */
bool tbl_insert(tbl *t, tbl_node *n, uint64_t hash);
void tbl_remove(tbl *t, tbl_node *n);
void tbl_touch(tbl *t, tbl_node *n);
/* Oldest entry (least recently touched), or NULL. */
tbl_node *tbl_oldest(const tbl *t);
/* The entry touched next after n (towards the newest), or NULL. */
tbl_node *tbl_newer(const tbl *t, const tbl_node *n);
/* Unlinks and returns the oldest entry, or NULL (to drain at the end). */
tbl_node *tbl_pop_oldest(tbl *t);
/* Finds the entry of key, or allocates a zeroed one of sz bytes whose first
 * member is its tbl_node, copies the key to key_off inside it (len bytes,
 * the entry must hold them) and inserts it (*created = true). NULL only on
 * allocation failure. */
void *tbl_get_or_add(tbl *t, const void *key, uint32_t len, size_t sz, size_t key_off,
                     bool *created);
/* Hands every entry, oldest first, to the evict callback, then frees the
 * slot array. Safe on a zeroed (never initialised) table. */
void tbl_drain(tbl *t);
/* Bytes held by the slot array (for memory accounting). */
size_t tbl_slot_bytes(const tbl *t);

#define TBL_ENTRY(node, type, member) ((type *)(void *)((char *)(node)-offsetof(type, member)))

#endif
