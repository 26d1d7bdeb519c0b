/* engine_heap4.h: the native backend's 4-ary implicit min-heap of
 * (time, sequence, slot) entries, shared by the heap4 scheduler
 * (engine_native.c, the whole queue) and the ladder scheduler
 * (engine_ladder.c, its Bottom).  Internal to the native backend.
 *
 * Entries are ordered by (time, seq), so events at equal times come out
 * in the order they were scheduled.  The array grows by doubling and
 * never shrinks; an allocation failure aborts (as schedule cannot fail).
 *
 * A 4-ary heap halves the depth of a binary heap and keeps a node's
 * children in 96 contiguous bytes, which matters once the queue outgrows
 * the caches (LaMarca and Ladner, "The influence of caches on the
 * performance of heaps", 1996). */
#ifndef NVO_ENGINE_HEAP4_H
#define NVO_ENGINE_HEAP4_H

#include <stdlib.h>

#include "core/units.h"

struct nvo_heap4_entry {
    nvo_time_t time;
    uint64_t seq;
    uint32_t slot;
};

struct nvo_heap4 {
    struct nvo_heap4_entry *h;
    size_t n, cap;
};

static inline void *
nvo_heap4_xrealloc__(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        abort();
    }
    return p;
}

static inline void
nvo_heap4_init__(struct nvo_heap4 *q, size_t cap)
{
    q->n = 0;
    q->cap = cap;
    q->h = nvo_heap4_xrealloc__(NULL, cap * sizeof *q->h);
}

/* (time, seq) order, computed without branches: the comparisons in a
 * sift-down are unpredictable, and mispredicted branches cost more than
 * the arithmetic. */
static inline bool
nvo_heap4_less__(const struct nvo_heap4_entry *a,
                 const struct nvo_heap4_entry *b)
{
    /* time >= 0, so (time, seq) as one unsigned 128-bit number orders
     * like the pair; compilers compare it with cmp + sbb. */
    typedef unsigned __int128 u128;
    u128 ka = (u128) (uint64_t) a->time << 64 | a->seq;
    u128 kb = (u128) (uint64_t) b->time << 64 | b->seq;
    return ka < kb;
}

static inline void
nvo_heap4_push__(struct nvo_heap4 *q, struct nvo_heap4_entry ent)
{
    if (q->n == q->cap) {
        q->cap *= 2;
        q->h = nvo_heap4_xrealloc__(q->h, q->cap * sizeof *q->h);
    }
    struct nvo_heap4_entry *h = q->h;
    size_t i = q->n++;
    while (i > 0) {
        size_t parent = (i - 1) >> 2;
        if (!nvo_heap4_less__(&ent, &h[parent])) {
            break;
        }
        h[i] = h[parent];
        i = parent;
    }
    h[i] = ent;
}

/* Removes the top entry (q->n > 0). */
static inline void
nvo_heap4_pop__(struct nvo_heap4 *q)
{
    struct nvo_heap4_entry *h = q->h;
    size_t n = --q->n;
    if (n == 0) {
        return;
    }
    struct nvo_heap4_entry last = h[n];
    size_t i = 0;
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= n) {
            break;
        }
        /* The next level's groups are far away in a big heap: fetch them
         * while this level is compared. */
        if (n > 8192 && 4 * c + 16 <= q->cap) {
            __builtin_prefetch(&h[4 * c + 1]);
            __builtin_prefetch(&h[4 * c + 5]);
            __builtin_prefetch(&h[4 * c + 9]);
            __builtin_prefetch(&h[4 * c + 13]);
        }
        size_t best;
        if (c + 4 <= n) {
            /* A full group: a tournament, two independent compares then
             * one, all turned into conditional moves. */
            size_t a = c + nvo_heap4_less__(&h[c + 1], &h[c]);
            size_t b = c + 2 + nvo_heap4_less__(&h[c + 3], &h[c + 2]);
            best = nvo_heap4_less__(&h[b], &h[a]) ? b : a;
        } else {
            best = c;
            for (size_t k = c + 1; k < n; k++) {
                best = nvo_heap4_less__(&h[k], &h[best]) ? k : best;
            }
        }
        if (!nvo_heap4_less__(&h[best], &last)) {
            break;
        }
        h[i] = h[best];
        i = best;
    }
    h[i] = last;
}

struct nvo_engine;

/* Creates a native engine with the ladder scheduler (engine_ladder.c).
 * Returns 0 or ENOMEM. */
int nvo_engine_ladder_create__(struct nvo_engine **out);

#endif /* NVO_ENGINE_HEAP4_H */
