/* u64map.h: a map from 64-bit keys to non-NULL pointers, by open
 * addressing.
 *
 * For the small, hot tables keyed by a number (the BGP speaker's
 * route-target indexes, ctrl/bgp_rib.c): one array of (key, value)
 * entries, linear probing from a mixed hash of the key, at most half
 * full, removal by shifting the following entries back (no tombstones).
 * A lookup touches one cache line in the common case and calls nothing;
 * a GHashTable with g_int64_hash keys follows a pointer to the key and
 * calls the hash and equality functions.  A NULL value marks an empty
 * slot, so values are never NULL (store a count as GUINT_TO_POINTER of
 * a count above zero).  Iteration is in slot order: deterministic for
 * the same sequence of operations, not sorted. */
#ifndef NVO_U64MAP_H
#define NVO_U64MAP_H

#include "core/nvo.h"

struct nvo_u64map_entry {
    uint64_t key;
    void *val;                  /* NULL: empty */
};

struct nvo_u64map {
    struct nvo_u64map_entry *e;
    uint32_t cap;               /* 0 or a power of two */
    uint32_t n;
};

/* An empty map (no allocation until the first insertion). */
#define NVO_U64MAP_INIT { NULL, 0, 0 }
void nvo_u64map_init(struct nvo_u64map *);
/* Frees the entries (not what the values point to). */
void nvo_u64map_fini(struct nvo_u64map *);
/* Removes every entry, keeping the capacity. */
void nvo_u64map_clear(struct nvo_u64map *);

static inline uint32_t
nvo_u64map_size(const struct nvo_u64map *m)
{
    return m->n;
}

/* The hash of a key: the 64-bit finalizer of SplitMix64 (Steele, Lea,
 * Flood 2014), so that keys differing in a few bits (route targets of
 * consecutive VNIs) spread over the table. */
static inline uint64_t
nvo_u64map_hash(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

/* The value of 'key', or NULL. */
static inline void *
nvo_u64map_get(const struct nvo_u64map *m, uint64_t key)
{
    if (m->n == 0) {
        return NULL;
    }
    uint32_t mask = m->cap - 1;
    for (uint32_t i = (uint32_t) nvo_u64map_hash(key) & mask;;
         i = (i + 1) & mask) {
        const struct nvo_u64map_entry *x = &m->e[i];
        if (!x->val || x->key == key) {
            return x->val;
        }
    }
}

/* Sets 'key' to 'val' (not NULL); returns the value it replaced, or NULL
 * if the key was new. */
void *nvo_u64map_set(struct nvo_u64map *, uint64_t key, void *val);
/* Removes 'key'; returns its value, or NULL if it was not there. */
void *nvo_u64map_remove(struct nvo_u64map *, uint64_t key);

/* Iteration: start with *pos = 0; each call gives the next entry and
 * returns true, or false at the end.  The map must not change meanwhile
 * (setting an existing key's value is allowed). */
bool nvo_u64map_next(const struct nvo_u64map *, uint32_t *pos,
                     uint64_t *key, void **val);

#endif /* NVO_U64MAP_H */
