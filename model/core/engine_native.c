/* engine_native.c: the native engine backend, nvosim's default, and its
 * "heap4" scheduler.
 *
 * The native backend has two schedulers (event queues), chosen when the
 * engine is created, each with its own ops table (so no operation tests
 * which one it is): "heap4", here, and "ladder" (engine_ladder.c).  Both
 * order events by (time, sequence) and so execute identical event
 * sequences; see docs/engine.md for when each is faster.
 *
 * heap4: a 4-ary implicit min-heap of 24-byte entries (time, sequence,
 * slot), ordered by (time, sequence), so events at equal times run in the
 * order they were scheduled (engine_heap4.h).  Callbacks and arguments
 * live in a pool of event records indexed by slot; freed slots are reused
 * last-in first-out, so steady state does no allocation.  Cancelling
 * marks the record (lazy deletion, as ns-3 does): the heap entry is
 * dropped when it reaches the top.  A handle is (generation << 32 |
 * slot + 1); a record's generation changes each time it is freed, so
 * stale handles are harmless. */
#include "core/engine.h"
#include "core/engine_heap4.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>

struct event_rec {
    nvo_event_fn *fn;           /* NULL while free or once cancelled */
    void *arg;
    uint32_t gen;
    uint32_t next_free;         /* free list link, UINT32_MAX = end */
};

struct native_engine {
    struct nvo_engine up;
    struct nvo_heap4 q;
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

#define xrealloc__ nvo_heap4_xrealloc__

static int
native_create(const char *scheduler, struct nvo_engine **out)
{
    if (!scheduler || !*scheduler) {
        scheduler = NVO_ENGINE_NATIVE_DEFAULT;
    }
    if (!strcmp(scheduler, "ladder")) {
        return nvo_engine_ladder_create__(out);
    }
    if (strcmp(scheduler, "heap4")) {
        return ENOENT;
    }
    struct native_engine *ne = calloc(1, sizeof *ne);
    if (!ne) {
        return ENOMEM;
    }
    ne->up.ops = &nvo_engine_native_ops;
    ne->up.fingerprint = NVO_ENGINE_FINGERPRINT_INIT;
    ne->free_head = UINT32_MAX;
    nvo_heap4_init__(&ne->q, 1024);
    ne->recs_cap = 1024;
    ne->recs = xrealloc__(NULL, ne->recs_cap * sizeof *ne->recs);
    *out = &ne->up;
    return 0;
}

static void
native_destroy(struct nvo_engine *e)
{
    struct native_engine *ne = native_cast(e);
    free(ne->q.h);
    free(ne->recs);
    free(ne);
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
    nvo_heap4_push__(&ne->q, (struct nvo_heap4_entry) { at, ne->next_seq++,
                                                         slot });
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

static uint64_t
native_run(struct nvo_engine *e, nvo_time_t until)
{
    struct native_engine *ne = native_cast(e);
    uint64_t n0 = e->n_executed;
    if (until < e->now) {
        return 0;               /* the clock never goes back */
    }
    ne->stop_requested = false;
    while (ne->q.n > 0 && !ne->stop_requested) {
        struct nvo_heap4_entry top = ne->q.h[0];
        if (top.time > until) {
            e->now = until;
            break;
        }
        nvo_heap4_pop__(&ne->q);
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
    if (ne->q.n == 0 && !ne->stop_requested && until != NVO_TIME_MAX
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
    .scheduler = "heap4",
    .create = native_create,
    .destroy = native_destroy,
    .schedule = native_schedule,
    .cancel = native_cancel,
    .run = native_run,
    .stop = native_stop,
    .n_pending = native_n_pending,
};
