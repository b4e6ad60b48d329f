/* tbl: see tbl.h for the layout, bounds and order rules.
 *
 * The hash, and why it replaced SipHash-2-4.
 *
 * Every SIP message did about seven table lookups, and every RTP packet
 * one or two; SipHash-2-4 costs two SipRounds per 8 input bytes plus four
 * finalisation rounds, about 55-65 cycles for a 40-byte Call-ID, with a
 * dependency chain no out-of-order core can shorten. That was a tenth of
 * the per-message budget (issue 12: ~1 us per message) spent on hashing.
 *
 * What we need from the hash is narrower than what SipHash gives. The
 * attacker picks keys (Call-IDs, tags, identities, ports) but never sees a
 * hash value: nothing we output, and no timing an attacker on the wire can
 * measure from a passive analyzer, depends on it. So the goal is that keys
 * chosen without the per-engine seed do not land in one probe run (blind
 * hash flooding), not that the hash is a PRF against an adaptive adversary
 * who reads outputs. And if flooding did succeed, the damage is bounded:
 * every table has a capacity, so a probe run is at most `cap` slots and the
 * LRU keeps evicting.
 *
 * So we use a keyed multiply-fold hash of the wyhash/rapidhash family,
 * written here from the idea, not from their code: each step takes 16 input
 * bytes as two 64-bit words, XORs one with a seed word and the other with
 * the running state, multiplies them into a 128-bit product and folds it
 * (high half XOR low half). One 64x64->128 multiply (3-4 cycles) consumes
 * 16 bytes, against 2 SipRounds per 8 bytes: a 40-byte key costs four
 * multiplies. The seed enters every step, so without it an attacker cannot
 * predict which inputs zero a factor (the known weakness of this family:
 * a factor of zero loses the other operand) or where two keys meet.
 * SipHash-1-3 was the other candidate: it halves SipHash's rounds but keeps
 * the 8-bytes-per-round structure, so it stays about 2-3x slower on the
 * 20-60 byte keys we hash, for a PRF property we do not use.
 *
 * Measured (callgrind, a 6 MB SIP-only generated capture, 52 k hashes of
 * Call-IDs, identities and tuples): 398 instructions per SipHash-2-4 call
 * before, 75 per call of this hash.
 *
 * The output never reaches any report: it only picks slots, and nothing
 * iterates slots for output, so a different seed per run changes no byte of
 * any output. */
#include "base/tbl.h"

#include <stdlib.h>
#include <string.h>

/* Odd constants with balanced bits (golden ratio and two of its kin), so a
 * zero seed word or a zero input word still gives non-trivial factors. */
#define TBL_K0 0x9e3779b97f4a7c15ull
#define TBL_K1 0xd6e8feb86659fd93ull
#define TBL_K2 0xca5a826395121157ull

#define TBL_MIN_SLOTS 16u
#define TBL_MAX_SLOTS (1u << 31)

static inline uint64_t fold(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
    unsigned __int128 r = (unsigned __int128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
    /* Portable 64x64->128 from four 32x32 products. */
    uint64_t al = a & 0xffffffffu, ah = a >> 32, bl = b & 0xffffffffu, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
    uint64_t lo = (ll & 0xffffffffu) | (mid << 32);
    uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    return lo ^ hi;
#endif
}

/* Unaligned native-order loads; the byte order only changes which slot a
 * key lands in, never an output. */
static inline uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint64_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

uint64_t tbl_hash_seeded(const uint64_t seed[2], const void *key, size_t len)
{
    const uint8_t *p = key;
    size_t n = len;
    /* The length enters first: the short-key tail reads overlap, so "ab"
     * and "abb" would otherwise feed the same words. */
    uint64_t h = fold(seed[0] ^ TBL_K0, (uint64_t)len ^ TBL_K1);
    while (n > 16) {
        /* Feeding h forward as well means a zero factor (a word equal to
         * the seed) loses one block, not everything hashed before it. */
        h ^= fold(rd64(p) ^ seed[1], rd64(p + 8) ^ h);
        p += 16;
        n -= 16;
    }
    uint64_t a = 0, b = 0;
    if (n >= 8) { /* 8..16 bytes: two reads that may overlap */
        a = rd64(p);
        b = rd64(p + n - 8);
    } else if (n >= 4) {
        a = rd32(p);
        b = rd32(p + n - 4);
    } else if (n > 0) {
        a = (uint64_t)p[0] << 16 | (uint64_t)p[n >> 1] << 8 | p[n - 1];
    }
    h = fold(a ^ seed[1] ^ TBL_K1, b ^ h ^ TBL_K2);
    return fold(h ^ TBL_K0, seed[0] ^ TBL_K2);
}

void tbl_seed(const uint8_t hkey[16], uint64_t seed[2])
{
    /* The constants keep an all-zero key (tests, a failed RNG) from giving
     * zero seed words, which would zero a factor on every zero key word. */
    seed[0] = rd64(hkey) ^ TBL_K1;
    seed[1] = rd64(hkey + 8) ^ TBL_K2;
}

bool tbl_init(tbl *t, uint32_t cap, const uint8_t hkey[16], tbl_evict_fn evict, void *owner)
{
    memset(t, 0, sizeof *t);
    t->cap = cap ? cap : 1;
    t->lru.lru_next = t->lru.lru_prev = &t->lru;
    tbl_seed(hkey, t->seed);
    t->evict = evict;
    t->owner = owner;
    return true;
}

void tbl_fini(tbl *t)
{
    free(t->slots);
    t->slots = NULL;
    t->mask = 0;
    t->count = 0;
}

uint64_t tbl_hash(const tbl *t, const void *key, uint32_t len)
{
    return tbl_hash_seeded(t->seed, key, len);
}

size_t tbl_slot_bytes(const tbl *t)
{
    return t->slots ? ((size_t)t->mask + 1) * sizeof(tbl_slot) : 0;
}

/* How far slot i is from the home slot of hash (Robin Hood distance). */
static inline uint32_t dist(const tbl *t, uint32_t i, uint64_t hash)
{
    return (i - (uint32_t)hash) & t->mask;
}

tbl_node *tbl_find(const tbl *t, const void *key, uint32_t len, uint64_t hash)
{
    if (!t->slots)
        return NULL;
    /* Robin Hood order: along a run, entries sit no closer to their home
     * than the ones before them, so meeting one closer to home than we are
     * to ours proves the key absent. A miss (RTP outside any flow) stops
     * as early as a hit; an empty slot ends every run (load <= 7/8). */
    for (uint32_t i = (uint32_t)hash & t->mask, d = 0;; i = (i + 1) & t->mask, d++) {
        const tbl_slot *s = &t->slots[i];
        if (!s->n || dist(t, i, s->hash) < d)
            return NULL;
        if (s->hash == hash && s->n->keylen == len && (len == 0 || memcmp(s->n->key, key, len) == 0))
            return s->n;
    }
}

static void lru_unlink(tbl_node *n)
{
    n->lru_prev->lru_next = n->lru_next;
    n->lru_next->lru_prev = n->lru_prev;
    n->lru_prev = n->lru_next = NULL;
}

static void lru_push_head(tbl *t, tbl_node *n)
{
    n->lru_next = t->lru.lru_next;
    n->lru_prev = &t->lru;
    t->lru.lru_next->lru_prev = n;
    t->lru.lru_next = n;
}

/* Empties slot i and shifts the rest of the run back by one until an
 * entry that sits at its home (or an empty slot): no tombstones, and the
 * Robin Hood order holds. */
static void slot_delete(tbl *t, uint32_t i)
{
    for (uint32_t j = (i + 1) & t->mask; t->slots[j].n && dist(t, j, t->slots[j].hash) > 0;
         j = (j + 1) & t->mask) {
        t->slots[i] = t->slots[j];
        i = j;
    }
    t->slots[i].n = NULL;
    t->slots[i].hash = 0;
}

void tbl_remove(tbl *t, tbl_node *n)
{
    if (t->slots) {
        for (uint32_t i = n->hlo & t->mask;; i = (i + 1) & t->mask) {
            if (!t->slots[i].n)
                break; /* never placed (no slot array when it was inserted) */
            if (t->slots[i].n == n) {
                slot_delete(t, i);
                break;
            }
        }
    }
    lru_unlink(n);
    t->count--;
}

/* Robin Hood insertion: walking the run, the newcomer takes the slot of the
 * first entry closer to its home than the newcomer is to its own, and that
 * entry walks on. Probe lengths stay short and even at 7/8 load. */
static void slot_put(tbl_slot *slots, uint32_t mask, tbl_node *n, uint64_t hash)
{
    tbl_slot cur = {hash, n};
    for (uint32_t i = (uint32_t)hash & mask, d = 0;; i = (i + 1) & mask, d++) {
        if (!slots[i].n) {
            slots[i] = cur;
            return;
        }
        uint32_t di = (i - (uint32_t)slots[i].hash) & mask;
        if (di < d) {
            tbl_slot tmp = slots[i];
            slots[i] = cur;
            cur = tmp;
            d = di;
        }
    }
}

/* Doubles the slot array (or makes the first one). A failed allocation
 * keeps the old array; tbl_insert copes. */
static bool grow(tbl *t)
{
    uint32_t old = t->slots ? t->mask + 1 : 0;
    if (old >= TBL_MAX_SLOTS)
        return false;
    uint32_t nn = old ? old * 2 : TBL_MIN_SLOTS;
    tbl_slot *s = calloc(nn, sizeof *s);
    if (!s)
        return false;
    for (uint32_t i = 0; i < old; i++)
        if (t->slots[i].n)
            slot_put(s, nn - 1, t->slots[i].n, t->slots[i].hash);
    free(t->slots);
    t->slots = s;
    t->mask = nn - 1;
    return true;
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
    uint64_t nslots = t->slots ? (uint64_t)t->mask + 1 : 0;
    if ((uint64_t)(t->count + 1) * 8 > nslots * 7 && !grow(t)) {
        /* Out of memory for slots: the table keeps the size it has and
         * evicts its oldest entries instead (counted by the owner). */
        while (t->slots && (uint64_t)t->count + 2 > nslots) {
            tbl_node *old = tbl_pop_oldest(t);
            if (!old)
                break;
            if (t->evict)
                t->evict(t->owner, old);
            evicted = true;
        }
    }
    n->hlo = (uint32_t)hash;
    if (t->slots && (uint64_t)t->count + 2 <= (uint64_t)t->mask + 1)
        slot_put(t->slots, t->mask, n, hash);
    /* else: no slot array at all (first allocation failed). The entry is
     * only on the LRU list: never found, but drained and freed as usual. */
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

tbl_node *tbl_newer(const tbl *t, const tbl_node *n)
{
    return n->lru_prev == &t->lru ? NULL : n->lru_prev;
}

tbl_node *tbl_pop_oldest(tbl *t)
{
    tbl_node *n = tbl_oldest(t);
    if (n)
        tbl_remove(t, n);
    return n;
}

void tbl_drain(tbl *t)
{
    tbl_node *n;
    if (t->lru.lru_next)
        while ((n = tbl_pop_oldest(t)))
            if (t->evict)
                t->evict(t->owner, n);
    tbl_fini(t);
}

void *tbl_get_or_add(tbl *t, const void *key, uint32_t len, size_t sz, size_t key_off,
                     bool *created)
{
    uint64_t h = tbl_hash(t, key, len);
    tbl_node *n = tbl_find(t, key, len, h);
    *created = false;
    if (n)
        return n;
    uint8_t *e = calloc(1, sz);
    if (!e)
        return NULL;
    memcpy(e + key_off, key, len);
    n = (tbl_node *)(void *)e;
    n->key = e + key_off;
    n->keylen = len;
    tbl_insert(t, n, h);
    *created = true;
    return e;
}
