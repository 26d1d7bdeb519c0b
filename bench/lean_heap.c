/* lean_heap.c: the reference queue of "nvosim bench hold --compare": a
 * plain array binary heap of (time, sequence, index) entries, written for
 * the benchmark, the textbook structure an engine has to beat.
 *
 * It runs the hold model of hold.h itself, without an engine: no ops
 * table, no callbacks, no event records, no cancel; an entry's index names
 * the event's payload (for the hold model, always the one hold state).
 * The draws, their order and the (time, sequence) order are those of the
 * engine runs, so it executes the same event sequence and its
 * fingerprint, folded as engine.h's nvo_engine_account__() folds it, is
 * the engines'.  Allocation: the array, once (N entries are pending at
 * all times). */
#include "hold.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/engine.h"
#include "core/rng.h"

struct lean_entry {
    nvo_time_t time;
    uint64_t seq;
    uint32_t index;
};

struct lean_heap {
    struct lean_entry *a;
    size_t n;
    uint64_t next_seq;
};

static inline bool
lean_less(const struct lean_entry *x, const struct lean_entry *y)
{
    return x->time < y->time || (x->time == y->time && x->seq < y->seq);
}

static void
lean_push(struct lean_heap *h, nvo_time_t t, uint32_t index)
{
    struct lean_entry e = { t, h->next_seq++, index };
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!lean_less(&e, &h->a[p])) {
            break;
        }
        h->a[i] = h->a[p];
        i = p;
    }
    h->a[i] = e;
}

static struct lean_entry
lean_pop(struct lean_heap *h)
{
    struct lean_entry top = h->a[0];
    struct lean_entry last = h->a[--h->n];
    size_t n = h->n, i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) {
            break;
        }
        if (c + 1 < n && lean_less(&h->a[c + 1], &h->a[c])) {
            c++;
        }
        if (!lean_less(&h->a[c], &last)) {
            break;
        }
        h->a[i] = h->a[c];
        i = c;
    }
    if (n > 0) {
        h->a[i] = last;
    }
    return top;
}

static double
clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

int
nvo_hold_run_lean(const struct nvo_hold_config *cfg,
                  struct nvo_hold_result *res)
{
    memset(res, 0, sizeof *res);
    struct nvo_rng rng;
    nvo_rng_init(&rng, cfg->seed, 1, "hold");

    double t0 = clock_s(CLOCK_MONOTONIC);
    struct lean_heap h = { .a = malloc(cfg->n_pending * sizeof *h.a) };
    if (!h.a) {
        res->error = ENOMEM;
        return ENOMEM;
    }
    for (uint64_t i = 0; i < cfg->n_pending; i++) {
        lean_push(&h, (nvo_time_t) nvo_rng_exponential(&rng, 1e6), 0);
    }
    double t1 = clock_s(CLOCK_MONOTONIC), c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    uint64_t fp = NVO_ENGINE_FINGERPRINT_INIT;
    nvo_time_t now = 0;
    for (uint64_t k = 0; k < cfg->n_events; k++) {
        struct lean_entry e = lean_pop(&h);
        uint64_t x = (fp ^ (uint64_t) e.time) * 0x100000001b3ull;
        fp = x ^ (x >> 29);
        now = e.time;
        /* The event: schedule one more, as hold.c's hold_event does. */
        lean_push(&h, now + (nvo_time_t) nvo_rng_exponential(&rng, 1e6),
                  e.index);
    }
    double t2 = clock_s(CLOCK_MONOTONIC), c2 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    free(h.a);

    res->n_executed = cfg->n_events;
    res->fingerprint = fp;
    res->end_time = now;
    res->setup_s = t1 - t0;
    res->run_s = t2 - t1;
    res->run_cpu_s = c2 - c1;
    res->events_per_s = res->run_s > 0 ? (double) cfg->n_events / res->run_s
                                       : 0;
    res->events_per_cpu_s = res->run_cpu_s > 0
                            ? (double) cfg->n_events / res->run_cpu_s : 0;
    return 0;
}
