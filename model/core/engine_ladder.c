/* engine_ladder.c: the native backend's "ladder" scheduler, a ladder
 * queue (W. T. Tang, R. S. M. Goh and I. L.-J. Thng, "Ladder queue: An
 * O(1) priority queue structure for large-scale discrete event
 * simulation", ACM TOMACS 15(3), 2005).
 *
 * Three tiers, each holding the events of one range of times:
 *   Top     an unsorted list of the events at or after top_start (the far
 *           future), with their minimum and maximum time;
 *   Ladder  up to LADDER_MAX_RUNGS rungs of buckets; a bucket is an
 *           unsorted list of the events of one time interval, and a rung's
 *           buckets split one interval of the rung above (rung 0 splits
 *           the interval of the Top it was made from);
 *   Bottom  the earliest events, in a small 4-ary heap ordered by (time,
 *           sequence) (engine_heap4.h).
 * Where an event goes is a function of its time alone: Top if time >=
 * top_start, else the first rung (from rung 0 down) whose current bucket
 * starts at or before it, else Bottom.  Events are taken from Bottom; when
 * it is empty, the lowest rung's next non-empty bucket is handed down: to
 * Bottom if it holds at most LADDER_THRES events (or all at one time, or
 * no rung is left), else spread over a new rung below.  When the ladder
 * is empty, Top becomes rung 0.  Each event is thus moved a small,
 * bounded number of times, whatever the number pending, and the heap only
 * ever holds a few dozen entries: O(1) amortized per event, where a heap
 * of N entries is O(log N) cache misses.  Bottom being a heap rather than
 * the paper's sorted list keeps the worst case (many events at one time,
 * or more rungs than LADDER_MAX_RUNGS would need) at O(log N).
 *
 * Order: within Bottom by (time, sequence); between tiers by time, and
 * equal times always share a tier and a bucket, so events run in exactly
 * the heap4 scheduler's (time, sequence) order: same fingerprints.
 *
 * Deviations from the paper: a new rung spans the actual minimum to
 * maximum time of the bucket it splits (one more pass over a short list,
 * which the split reads anyway) with about one bucket per event (the
 * bucket width rounded up to a power of 2, so that placing an event is a
 * shift, not a division: between one half and one bucket per event), and
 * its last bucket extends to the end of the parent bucket; Top becomes
 * rung 0 likewise.
 *
 * Records: an event record (40 bytes: time, sequence, callback, argument,
 * generation, list link) per scheduled event, from a pool reused last-in
 * first-out; the lists of Top and the buckets are linked through the
 * records.  Handles and lazy cancel are as in heap4 (engine_native.c); a
 * cancelled record is freed at the latest when its event reaches Bottom's
 * top, and earlier when its list is handed down.  Bucket arrays and the
 * heap grow (with headroom) and are kept, so steady state allocates
 * nothing. */
#include "core/engine.h"
#include "core/engine_heap4.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>

#define LADDER_THRES 50         /* a bucket with more events is split */
#define LADDER_MAX_RUNGS 8
#define LADDER_BOTTOM_MAX 2048  /* Bottom larger than this becomes a rung */
#define NIL UINT32_MAX

struct lrec {
    nvo_time_t time;
    uint64_t seq;
    nvo_event_fn *fn;           /* NULL while free or once cancelled */
    void *arg;
    uint32_t gen;
    uint32_t next_free;         /* free list link */
};

/* A bucket (and Top) is a list of chunks of record slots: the first chunk
 * holds (n - 1) % CHUNK_SLOTS + 1 slots, every other one CHUNK_SLOTS.
 * Reading a chunk names several records at once, so their cache misses
 * overlap (a list linked through the records would take one miss after
 * the other); chunks are small enough to stay in the caches. */
#define CHUNK_SLOTS 7
struct chunk {
    uint32_t next;              /* next chunk, or the free list's */
    uint32_t slot[CHUNK_SLOTS];
};

struct bucket {
    uint32_t head;              /* first chunk, NIL if empty */
    uint32_t n;                 /* slots in the list */
};

struct rung {
    struct bucket *b;
    uint32_t n_buckets, cap;
    uint32_t cur;               /* first bucket not yet handed down */
    uint64_t start;             /* time of bucket 0 */
    uint64_t width;             /* 2^shift; the last bucket reaches 'end' */
    unsigned shift;
    uint64_t end;               /* the rung covers [start, end) */
    uint64_t cur_time;          /* start of bucket 'cur' */
};

struct ladder_engine {
    struct nvo_engine up;
    struct lrec *recs;
    uint32_t n_recs, recs_cap;
    uint32_t free_head;
    uint64_t next_seq;
    uint64_t n_live;            /* scheduled, not yet run or cancelled */
    bool stop_requested;

    struct chunk *chunks;
    uint32_t n_chunks, chunks_cap;
    uint32_t chunk_free;

    /* Top. */
    struct bucket top;
    uint64_t top_min, top_max;
    uint64_t top_start;

    /* Ladder. */
    uint32_t n_rungs;
    struct rung rungs[LADDER_MAX_RUNGS];

    /* Bottom. */
    struct nvo_heap4 bottom;
    size_t bottom_limit;        /* a bigger Bottom becomes a rung */
};

static const struct nvo_engine_ops ladder_ops;

static inline struct ladder_engine *
ladder_cast(const struct nvo_engine *e)
{
    return NVO_CONTAINER_OF(e, struct ladder_engine, up);
}

int
nvo_engine_ladder_create__(struct nvo_engine **out)
{
    struct ladder_engine *le = calloc(1, sizeof *le);
    if (!le) {
        return ENOMEM;
    }
    /* The ops table is native's: same backend, another queue. */
    le->up.ops = &ladder_ops;
    le->up.fingerprint = NVO_ENGINE_FINGERPRINT_INIT;
    le->free_head = NIL;
    le->recs_cap = 1024;
    le->recs = nvo_heap4_xrealloc__(NULL, le->recs_cap * sizeof *le->recs);
    le->chunks_cap = 1024;
    le->chunks = nvo_heap4_xrealloc__(NULL, le->chunks_cap
                                      * sizeof *le->chunks);
    le->chunk_free = NIL;
    le->top.head = NIL;
    le->top_min = UINT64_MAX;
    nvo_heap4_init__(&le->bottom, 2 * LADDER_BOTTOM_MAX);
    le->bottom_limit = LADDER_BOTTOM_MAX;
    *out = &le->up;
    return 0;
}

static void
ladder_destroy(struct nvo_engine *e)
{
    struct ladder_engine *le = ladder_cast(e);
    for (size_t i = 0; i < LADDER_MAX_RUNGS; i++) {
        free(le->rungs[i].b);
    }
    free(le->bottom.h);
    free(le->chunks);
    free(le->recs);
    free(le);
}

static inline uint32_t
rec_alloc(struct ladder_engine *le)
{
    uint32_t slot = le->free_head;
    if (slot != NIL) {
        le->free_head = le->recs[slot].next_free;
        return slot;
    }
    if (le->n_recs == le->recs_cap) {
        if (le->recs_cap >= UINT32_MAX / 2) {
            abort();
        }
        le->recs_cap *= 2;
        le->recs = nvo_heap4_xrealloc__(le->recs, (size_t) le->recs_cap
                                        * sizeof *le->recs);
    }
    slot = le->n_recs++;
    le->recs[slot].gen = 1;
    return slot;
}

static inline void
rec_free(struct ladder_engine *le, uint32_t slot)
{
    struct lrec *r = &le->recs[slot];
    r->fn = NULL;
    r->gen++;
    r->next_free = le->free_head;
    le->free_head = slot;
}

static inline uint32_t
chunk_alloc(struct ladder_engine *le)
{
    uint32_t c = le->chunk_free;
    if (c != NIL) {
        le->chunk_free = le->chunks[c].next;
        return c;
    }
    if (le->n_chunks == le->chunks_cap) {
        if (le->chunks_cap >= UINT32_MAX / 2) {
            abort();
        }
        le->chunks_cap *= 2;
        le->chunks = nvo_heap4_xrealloc__(le->chunks, (size_t) le->chunks_cap
                                          * sizeof *le->chunks);
    }
    return le->n_chunks++;
}

static inline void
chunk_free(struct ladder_engine *le, uint32_t c)
{
    le->chunks[c].next = le->chunk_free;
    le->chunk_free = c;
}

/* The bucket of rung 'r' for time 't' (r->cur_time <= t < r->end). */
static inline struct bucket *
rung_bucket(struct rung *r, uint64_t t)
{
    uint64_t k = (t - r->start) >> r->shift;   /* no division per event */
    if (k >= r->n_buckets) {
        k = r->n_buckets - 1;
    }
    return &r->b[k];
}

static inline void
bucket_push(struct ladder_engine *le, struct bucket *b, uint32_t slot)
{
    uint32_t k = b->n % CHUNK_SLOTS;
    if (k == 0) {
        uint32_t c = chunk_alloc(le);
        le->chunks[c].next = b->head;
        b->head = c;
    }
    le->chunks[b->head].slot[k] = slot;
    b->n++;
}

/* Takes the slots of list 'b' a chunk at a time into 'out' (room for
 * CHUNK_SLOTS), freeing each chunk, and prefetches their records.
 * Returns the number taken, 0 at the end.  '*c' and '*k' keep the place:
 * start with *c = b.head, *k = (b.n - 1) % CHUNK_SLOTS + 1. */
static inline uint32_t
chunk_take(struct ladder_engine *le, uint32_t *c, uint32_t *k, uint32_t *out)
{
    if (*c == NIL) {
        return 0;
    }
    const struct chunk *ch = &le->chunks[*c];
    uint32_t n = *k;
    for (uint32_t i = 0; i < n; i++) {
        out[i] = ch->slot[i];
        __builtin_prefetch(&le->recs[out[i]]);
    }
    uint32_t next = ch->next;
    chunk_free(le, *c);
    *c = next;
    *k = CHUNK_SLOTS;
    return n;
}

static void bottom_to_rung(struct ladder_engine *);

/* Puts record 'slot' (time and sequence set) where its time belongs. */
static inline void
ladder_insert(struct ladder_engine *le, uint32_t slot)
{
    struct lrec *r = &le->recs[slot];
    uint64_t t = (uint64_t) r->time;
    if (t >= le->top_start) {
        bucket_push(le, &le->top, slot);
        le->top_min = t < le->top_min ? t : le->top_min;
        le->top_max = t > le->top_max ? t : le->top_max;
        return;
    }
    for (uint32_t i = 0; i < le->n_rungs; i++) {
        struct rung *g = &le->rungs[i];
        if (t >= g->cur_time) {
            bucket_push(le, rung_bucket(g, t), slot);
            return;
        }
    }
    nvo_heap4_push__(&le->bottom, (struct nvo_heap4_entry) {
        r->time, r->seq, slot });
    if (NVO_UNLIKELY(le->bottom.n > le->bottom_limit)) {
        bottom_to_rung(le);
    }
}

static nvo_event_id
ladder_schedule(struct nvo_engine *e, nvo_time_t at, nvo_event_fn *fn,
                void *arg)
{
    struct ladder_engine *le = ladder_cast(e);
    assert(at >= e->now);       /* the clock never goes back */
    uint32_t slot = rec_alloc(le);
    struct lrec *r = &le->recs[slot];
    r->fn = fn;
    r->arg = arg;
    r->time = at;
    r->seq = le->next_seq++;
    ladder_insert(le, slot);
    le->n_live++;
    e->n_scheduled++;
    return ((uint64_t) r->gen << 32) | (slot + 1u);
}

static bool
ladder_cancel(struct nvo_engine *e, nvo_event_id id)
{
    struct ladder_engine *le = ladder_cast(e);
    uint32_t slot = (uint32_t) id - 1u;
    uint32_t gen = (uint32_t) (id >> 32);
    if (slot >= le->n_recs) {
        return false;
    }
    struct lrec *r = &le->recs[slot];
    if (r->gen != gen || !r->fn) {
        return false;
    }
    /* The record stays in its list or heap until it is handed down or
     * reaches the top; it is marked. */
    r->fn = NULL;
    le->n_live--;
    e->n_cancelled++;
    return true;
}

/* Moves list 'b' into Bottom, freeing cancelled records. */
static void
list_to_bottom(struct ladder_engine *le, struct bucket b)
{
    uint32_t c = b.head, k = (b.n - 1) % CHUNK_SLOTS + 1;
    uint32_t slots[CHUNK_SLOTS], n;
    while ((n = chunk_take(le, &c, &k, slots)) > 0) {
        for (uint32_t i = 0; i < n; i++) {
            struct lrec *r = &le->recs[slots[i]];
            if (!r->fn) {
                rec_free(le, slots[i]);
                continue;
            }
            nvo_heap4_push__(&le->bottom, (struct nvo_heap4_entry) {
                r->time, r->seq, slots[i] });
        }
    }
}

/* Makes rung 'g' span [lo, end) with about 'n' buckets for times lo..hi
 * (lo < hi < end), all empty. */
static void
rung_setup(struct rung *g, uint64_t lo, uint64_t hi, uint64_t end,
           uint32_t n)
{
    /* The width a power of 2 (at most twice (hi - lo) / n + 1), so that
     * finding an event's bucket is a shift. */
    uint64_t want = (hi - lo) / n + 1;
    unsigned shift = 0;
    while ((UINT64_C(1) << shift) < want) {
        shift++;
    }
    uint64_t width = UINT64_C(1) << shift;
    uint64_t n_buckets = ((hi - lo) >> shift) + 1;  /* <= n */
    if (n_buckets > g->cap) {
        /* Headroom, so that a steady state does not grow it again. */
        uint64_t cap = 2 * n_buckets;
        if (cap > UINT32_MAX) {
            cap = UINT32_MAX;
        }
        free(g->b);
        g->b = nvo_heap4_xrealloc__(NULL, cap * sizeof *g->b);
        g->cap = (uint32_t) cap;
    }
    g->n_buckets = (uint32_t) n_buckets;
    for (uint32_t k = 0; k < g->n_buckets; k++) {
        g->b[k].head = NIL;
        g->b[k].n = 0;
    }
    g->cur = 0;
    g->start = lo;
    g->width = width;
    g->shift = shift;
    g->end = end;
    g->cur_time = lo;
}

/* Spreads list 'b' over the buckets of rung 'g', freeing cancelled
 * records. */
static void
list_to_rung(struct ladder_engine *le, struct bucket b, struct rung *g)
{
    uint32_t c = b.head, k = (b.n - 1) % CHUNK_SLOTS + 1;
    uint32_t slots[CHUNK_SLOTS], n;
    while ((n = chunk_take(le, &c, &k, slots)) > 0) {
        for (uint32_t i = 0; i < n; i++) {
            struct lrec *r = &le->recs[slots[i]];
            if (!r->fn) {
                rec_free(le, slots[i]);
                continue;
            }
            bucket_push(le, rung_bucket(g, (uint64_t) r->time), slots[i]);
        }
    }
}

/* Bottom has grown past its limit (events keep arriving before the
 * lowest rung's current bucket, or before top_start with no rung): its
 * events become a new lowest rung from their earliest time to where the
 * rung above (or Top) begins, as the paper does.  Not possible with all
 * events at one time or every rung in use: then the heap keeps them, and
 * the limit doubles until Bottom empties. */
static void
bottom_to_rung(struct ladder_engine *le)
{
    struct nvo_heap4 *q = &le->bottom;
    uint64_t lo = (uint64_t) q->h[0].time, hi = lo;
    for (size_t i = 1; i < q->n; i++) {
        uint64_t t = (uint64_t) q->h[i].time;
        hi = t > hi ? t : hi;
    }
    uint64_t end = le->n_rungs ? le->rungs[le->n_rungs - 1].cur_time
                               : le->top_start;
    if (lo == hi || le->n_rungs == LADDER_MAX_RUNGS) {
        le->bottom_limit = 2 * q->n;
        return;
    }
    struct rung *g = &le->rungs[le->n_rungs++];
    rung_setup(g, lo, hi, end, (uint32_t) q->n);
    for (size_t i = 0; i < q->n; i++) {
        uint32_t slot = q->h[i].slot;
        if (!le->recs[slot].fn) {
            rec_free(le, slot);
            continue;
        }
        bucket_push(le, rung_bucket(g, (uint64_t) q->h[i].time), slot);
    }
    q->n = 0;
}

/* Fills an empty Bottom from the ladder or Top.  Returns false if no
 * event is left anywhere. */
static bool
ladder_refill(struct ladder_engine *le)
{
    le->bottom_limit = LADDER_BOTTOM_MAX;
    for (;;) {
        if (le->n_rungs == 0) {
            if (le->top.n == 0) {
                return false;
            }
            struct bucket top = le->top;
            uint64_t lo = le->top_min, hi = le->top_max;
            uint32_t n = top.n;
            le->top.head = NIL;
            le->top.n = 0;
            le->top_min = UINT64_MAX;
            le->top_max = 0;
            if (n <= LADDER_THRES || lo == hi) {
                le->top_start = hi + 1;     /* hi <= INT64_MAX */
                list_to_bottom(le, top);
                if (le->bottom.n > 0) {
                    return true;
                }
                continue;                   /* all were cancelled */
            }
            struct rung *g = &le->rungs[0];
            /* end = start + n_buckets * width, > hi; at most
             * INT64_MAX + width <= 2^64 - 1. */
            rung_setup(g, lo, hi, 0, n);
            g->end = g->start + (uint64_t) g->n_buckets * g->width;
            le->top_start = g->end;
            le->n_rungs = 1;
            list_to_rung(le, top, g);
        }

        struct rung *g = &le->rungs[le->n_rungs - 1];
        while (g->cur < g->n_buckets && g->b[g->cur].n == 0) {
            g->cur++;
        }
        if (g->cur == g->n_buckets) {
            le->n_rungs--;          /* its whole interval was handed down */
            continue;
        }
        struct bucket b = g->b[g->cur];
        g->b[g->cur].head = NIL;
        g->b[g->cur].n = 0;
        g->cur++;
        g->cur_time = g->cur == g->n_buckets ? g->end
                      : g->start + (uint64_t) g->cur * g->width;
        uint64_t b_end = g->cur_time;

        if (b.n > LADDER_THRES && le->n_rungs < LADDER_MAX_RUNGS) {
            /* The times the bucket really holds. */
            uint64_t lo = UINT64_MAX, hi = 0;
            uint32_t n = 0;
            uint32_t k = (b.n - 1) % CHUNK_SLOTS + 1;
            for (uint32_t c = b.head; c != NIL; c = le->chunks[c].next) {
                for (uint32_t i = 0; i < k; i++) {
                    const struct lrec *r = &le->recs[le->chunks[c].slot[i]];
                    if (r->fn) {
                        uint64_t t = (uint64_t) r->time;
                        lo = t < lo ? t : lo;
                        hi = t > hi ? t : hi;
                        n++;
                    }
                }
                k = CHUNK_SLOTS;
            }
            if (n > LADDER_THRES && lo < hi) {
                /* A rung whose last bucket this was is done: the new
                 * rung takes its place rather than stacking under it
                 * (else each spawned rung would keep its exhausted parent,
                 * and a far-future event, such as a MAC aging timer, would
                 * soon use up every rung and leave Bottom holding
                 * everything). */
                if (g->cur == g->n_buckets) {
                    le->n_rungs--;
                }
                struct rung *c = &le->rungs[le->n_rungs++];
                rung_setup(c, lo, hi, b_end, n);
                list_to_rung(le, b, c);
                continue;
            }
        }
        list_to_bottom(le, b);
        if (le->bottom.n > 0) {
            return true;
        }
    }
}

static uint64_t
ladder_run(struct nvo_engine *e, nvo_time_t until)
{
    struct ladder_engine *le = ladder_cast(e);
    uint64_t n0 = e->n_executed;
    if (until < e->now) {
        return 0;               /* the clock never goes back */
    }
    le->stop_requested = false;
    bool empty = false;
    while (!le->stop_requested) {
        if (le->bottom.n == 0 && !ladder_refill(le)) {
            empty = true;
            break;
        }
        struct nvo_heap4_entry top = le->bottom.h[0];
        if (top.time > until) {
            e->now = until;
            break;
        }
        nvo_heap4_pop__(&le->bottom);
        struct lrec *r = &le->recs[top.slot];
        nvo_event_fn *fn = r->fn;
        void *arg = r->arg;
        if (fn) {
            le->n_live--;
        }
        rec_free(le, top.slot);
        if (le->bottom.n) {
            /* The next event's argument (a port, a timer's owner): its
             * first line comes in while this event runs. */
            __builtin_prefetch(le->recs[le->bottom.h[0].slot].arg);
        }
        if (fn) {
            nvo_engine_account__(e, top.time);
            fn(arg);
        }
    }
    if (empty && until != NVO_TIME_MAX && e->now < until) {
        e->now = until;
    }
    return e->n_executed - n0;
}

static void
ladder_stop(struct nvo_engine *e)
{
    ladder_cast(e)->stop_requested = true;
}

static uint64_t
ladder_n_pending(const struct nvo_engine *e)
{
    return ladder_cast(e)->n_live;
}

static const struct nvo_engine_ops ladder_ops = {
    .name = "native",
    .scheduler = "ladder",
    .create = NULL,             /* created through nvo_engine_native_ops */
    .destroy = ladder_destroy,
    .schedule = ladder_schedule,
    .cancel = ladder_cancel,
    .run = ladder_run,
    .stop = ladder_stop,
    .n_pending = ladder_n_pending,
};
