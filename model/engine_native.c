/* engine_native.c: the native engine backend, nvosim's default.
 *
 * A 4-ary implicit min-heap of 24-byte entries (time, sequence, slot),
 * ordered by (time, sequence), so events at equal times run in the order
 * they were scheduled.  Callbacks and arguments live in a pool of event
 * records indexed by slot; freed slots are reused last-in first-out, so
 * steady state does no allocation.  Cancelling marks the record (lazy
 * deletion, as ns-3 does): the heap entry is dropped when it reaches the
 * top.  A handle is (generation << 32 | slot + 1); a record's generation
 * changes each time it is freed, so stale handles are harmless.
 *
 * A 4-ary heap halves the depth of a binary heap and keeps a node's
 * children in 96 contiguous bytes, which matters once the queue outgrows
 * the caches (LaMarca and Ladner, "The influence of caches on the
 * performance of heaps", 1996). */
#include "engine.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>

struct heap_entry {
    nvo_time_t time;
    uint64_t seq;
    uint32_t slot;
};

struct event_rec {
    nvo_event_fn *fn;           /* NULL while free or once cancelled */
    void *arg;
    uint32_t gen;
    uint32_t next_free;         /* free list link, UINT32_MAX = end */
};

struct native_engine {
    struct nvo_engine up;
    struct heap_entry *heap;
    size_t n_heap, heap_cap;
    struct event_rec *recs;
    uint32_t n_recs, recs_cap;
    uint32_t free_head;
    uint64_t next_seq;
    uint64_t n_live;            /* scheduled, not yet run or cancelled */
    bool stop_requested;
};

static inline struct native_engine *
native_cast(const struct nvo_engine *e)
{
    return NVO_CONTAINER_OF(e, struct native_engine, up);
}

static void *
xrealloc__(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        abort();
    }
    return p;
}

static int
native_create(const char *scheduler, struct nvo_engine **out)
{
    if (scheduler && *scheduler && strcmp(scheduler, "heap4")) {
        return ENOENT;
    }
    struct native_engine *ne = calloc(1, sizeof *ne);
    if (!ne) {
        return ENOMEM;
    }
    ne->up.ops = &nvo_engine_native_ops;
    ne->up.fingerprint = NVO_ENGINE_FINGERPRINT_INIT;
    ne->free_head = UINT32_MAX;
    ne->heap_cap = 1024;
    ne->heap = xrealloc__(NULL, ne->heap_cap * sizeof *ne->heap);
    ne->recs_cap = 1024;
    ne->recs = xrealloc__(NULL, ne->recs_cap * sizeof *ne->recs);
    *out = &ne->up;
    return 0;
}

static void
native_destroy(struct nvo_engine *e)
{
    struct native_engine *ne = native_cast(e);
    free(ne->heap);
    free(ne->recs);
    free(ne);
}

/* (time, seq) order, computed without branches: the comparisons in a
 * sift-down are unpredictable, and mispredicted branches cost more than
 * the arithmetic. */
static inline bool
entry_less(const struct heap_entry *a, const struct heap_entry *b)
{
    /* time >= 0, so (time, seq) as one unsigned 128-bit number orders
     * like the pair; compilers compare it with cmp + sbb. */
    typedef unsigned __int128 u128;
    u128 ka = (u128) (uint64_t) a->time << 64 | a->seq;
    u128 kb = (u128) (uint64_t) b->time << 64 | b->seq;
    return ka < kb;
}

static inline uint32_t
rec_alloc(struct native_engine *ne)
{
    uint32_t slot = ne->free_head;
    if (slot != UINT32_MAX) {
        ne->free_head = ne->recs[slot].next_free;
        return slot;
    }
    if (ne->n_recs == ne->recs_cap) {
        if (ne->recs_cap >= UINT32_MAX / 2) {
            abort();
        }
        ne->recs_cap *= 2;
        ne->recs = xrealloc__(ne->recs, (size_t) ne->recs_cap
                              * sizeof *ne->recs);
    }
    slot = ne->n_recs++;
    ne->recs[slot].gen = 1;
    return slot;
}

static inline void
rec_free(struct native_engine *ne, uint32_t slot)
{
    struct event_rec *r = &ne->recs[slot];
    r->fn = NULL;
    r->gen++;
    r->next_free = ne->free_head;
    ne->free_head = slot;
}

static nvo_event_id
native_schedule(struct nvo_engine *e, nvo_time_t at, nvo_event_fn *fn,
                void *arg)
{
    struct native_engine *ne = native_cast(e);
    assert(at >= e->now);       /* the clock never goes back */
    uint32_t slot = rec_alloc(ne);
    struct event_rec *r = &ne->recs[slot];
    r->fn = fn;
    r->arg = arg;

    if (ne->n_heap == ne->heap_cap) {
        ne->heap_cap *= 2;
        ne->heap = xrealloc__(ne->heap, ne->heap_cap * sizeof *ne->heap);
    }
    struct heap_entry ent = { at, ne->next_seq++, slot };
    struct heap_entry *h = ne->heap;
    size_t i = ne->n_heap++;
    while (i > 0) {
        size_t parent = (i - 1) >> 2;
        if (!entry_less(&ent, &h[parent])) {
            break;
        }
        h[i] = h[parent];
        i = parent;
    }
    h[i] = ent;
    ne->n_live++;
    e->n_scheduled++;
    return ((uint64_t) r->gen << 32) | (slot + 1u);
}

static bool
native_cancel(struct nvo_engine *e, nvo_event_id id)
{
    struct native_engine *ne = native_cast(e);
    uint32_t slot = (uint32_t) id - 1u;
    uint32_t gen = (uint32_t) (id >> 32);
    if (slot >= ne->n_recs) {
        return false;
    }
    struct event_rec *r = &ne->recs[slot];
    if (r->gen != gen || !r->fn) {
        return false;
    }
    /* The heap entry stays until its time; the record is marked. */
    r->fn = NULL;
    ne->n_live--;
    e->n_cancelled++;
    return true;
}

/* Removes the top entry. */
static inline void
heap_pop(struct native_engine *ne)
{
    struct heap_entry *h = ne->heap;
    size_t n = --ne->n_heap;
    if (n == 0) {
        return;
    }
    struct heap_entry last = h[n];
    size_t i = 0;
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= n) {
            break;
        }
        /* The next level's groups are far away in a big heap: fetch them
         * while this level is compared. */
        if (n > 8192 && 4 * c + 16 <= ne->heap_cap) {
            __builtin_prefetch(&h[4 * c + 1]);
            __builtin_prefetch(&h[4 * c + 5]);
            __builtin_prefetch(&h[4 * c + 9]);
            __builtin_prefetch(&h[4 * c + 13]);
        }
        size_t best;
        if (c + 4 <= n) {
            /* A full group: a tournament, two independent compares then
             * one, all turned into conditional moves. */
            size_t a = c + entry_less(&h[c + 1], &h[c]);
            size_t b = c + 2 + entry_less(&h[c + 3], &h[c + 2]);
            best = entry_less(&h[b], &h[a]) ? b : a;
        } else {
            best = c;
            for (size_t k = c + 1; k < n; k++) {
                best = entry_less(&h[k], &h[best]) ? k : best;
            }
        }
        if (!entry_less(&h[best], &last)) {
            break;
        }
        h[i] = h[best];
        i = best;
    }
    h[i] = last;
}

static uint64_t
native_run(struct nvo_engine *e, nvo_time_t until)
{
    struct native_engine *ne = native_cast(e);
    uint64_t n0 = e->n_executed;
    if (until < e->now) {
        return 0;               /* the clock never goes back */
    }
    ne->stop_requested = false;
    while (ne->n_heap > 0 && !ne->stop_requested) {
        struct heap_entry top = ne->heap[0];
        if (top.time > until) {
            e->now = until;
            break;
        }
        heap_pop(ne);
        struct event_rec *r = &ne->recs[top.slot];
        nvo_event_fn *fn = r->fn;
        void *arg = r->arg;
        bool live = fn != NULL;
        if (live) {
            ne->n_live--;
        } else {
            /* Cancelled: cancel() already uncounted it.  Its record was not
             * freed then, because the heap still referred to it. */
        }
        rec_free(ne, top.slot);
        if (live) {
            nvo_engine_account__(e, top.time);
            fn(arg);
        }
    }
    if (ne->n_heap == 0 && !ne->stop_requested && until != NVO_TIME_MAX
        && e->now < until) {
        e->now = until;
    }
    return e->n_executed - n0;
}

static void
native_stop(struct nvo_engine *e)
{
    native_cast(e)->stop_requested = true;
}

static uint64_t
native_n_pending(const struct nvo_engine *e)
{
    return native_cast(e)->n_live;
}

const struct nvo_engine_ops nvo_engine_native_ops = {
    .name = "native",
    .create = native_create,
    .destroy = native_destroy,
    .schedule = native_schedule,
    .cancel = native_cancel,
    .run = native_run,
    .stop = native_stop,
    .n_pending = native_n_pending,
};
