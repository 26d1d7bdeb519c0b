/* test_engine.c: the event engine, on the backend named by
 * $NVO_TEST_ENGINE and the scheduler named by $NVO_TEST_SCHEDULER (ctest
 * runs this suite once per backend and native scheduler): ordering,
 * equal-time ties, cancel, run-until, stop, determinism, that the native
 * and ns-3 backends execute exactly the same event sequence (both
 * registrations compare the two, where ns-3 is built), that every
 * scheduler executes the event sequence of the native heap4 scheduler
 * (also under a stress workload of bursts, ties, far-future events and
 * cancels), no allocation in steady state, and timers. */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>

#include "core/engine.h"
#include "core/rng.h"
#include "testutil.h"

static struct nvo_engine *
make_engine(void)
{
    struct nvo_engine *e = NULL;
    int error = nvo_engine_create(nvo_test_engine(), nvo_test_scheduler(),
                                  &e);
    ck_assert_msg(!error && e, "cannot create engine %s: %d",
                  nvo_test_engine(), error);
    ck_assert_str_eq(e->ops->name, nvo_test_engine());
    return e;
}

/* A log of which events ran, in order. */
struct log {
    struct nvo_engine *e;
    int order[4096];
    nvo_time_t when[4096];
    int n;
};

struct tag {
    struct log *log;
    int id;
};

static void
record(void *arg)
{
    struct tag *t = arg;
    struct log *l = t->log;
    l->when[l->n] = nvo_engine_now(l->e);
    l->order[l->n++] = t->id;
}

START_TEST(order_and_ties)
{
    struct nvo_engine *e = make_engine();
    static struct log log;
    static struct tag tags[1000];
    memset(&log, 0, sizeof log);
    log.e = e;
    struct nvo_rng rng;
    nvo_rng_init(&rng, 1, 1, "order");
    /* 1000 events at 50 distinct times, so many ties. */
    nvo_time_t at[1000];
    for (int i = 0; i < 1000; i++) {
        tags[i] = (struct tag) { &log, i };
        at[i] = (nvo_time_t) nvo_rng_below(&rng, 50) * NVO_NS;
        nvo_engine_schedule_at(e, at[i], record, &tags[i]);
    }
    ck_assert_uint_eq(nvo_engine_n_pending(e), 1000);
    ck_assert_uint_eq(nvo_engine_run(e, NVO_TIME_MAX), 1000);
    ck_assert_int_eq(log.n, 1000);
    for (int k = 1; k < 1000; k++) {
        int a = log.order[k - 1], b = log.order[k];
        ck_assert_int_le(at[a], at[b]);
        if (at[a] == at[b]) {
            ck_assert_int_lt(a, b);     /* scheduling order */
        }
        ck_assert_int_eq(log.when[k], at[b]);
    }
    ck_assert_uint_eq(e->n_executed, 1000);
    ck_assert_uint_eq(nvo_engine_n_pending(e), 0);
    nvo_engine_destroy(e);
}
END_TEST

/* An event scheduled at 'now' from inside an event runs after the events
 * already scheduled for that time. */
static struct log now_log;
static struct tag now_tags[4];

static void
schedule_now(void *arg)
{
    record(arg);
    nvo_engine_schedule(now_log.e, 0, record, &now_tags[3]);
}

START_TEST(schedule_at_now)
{
    struct nvo_engine *e = make_engine();
    memset(&now_log, 0, sizeof now_log);
    now_log.e = e;
    for (int i = 0; i < 4; i++) {
        now_tags[i] = (struct tag) { &now_log, i };
    }
    nvo_engine_schedule(e, 5 * NVO_US, schedule_now, &now_tags[0]);
    nvo_engine_schedule(e, 5 * NVO_US, record, &now_tags[1]);
    nvo_engine_schedule(e, 5 * NVO_US + 1, record, &now_tags[2]);
    nvo_engine_run(e, NVO_TIME_MAX);
    ck_assert_int_eq(now_log.n, 4);
    ck_assert_int_eq(now_log.order[0], 0);
    ck_assert_int_eq(now_log.order[1], 1);
    ck_assert_int_eq(now_log.order[2], 3);
    ck_assert_int_eq(now_log.order[3], 2);
    ck_assert_int_eq(now_log.when[2], 5 * NVO_US);
    ck_assert_int_eq(now_log.when[3], 5 * NVO_US + 1);
    nvo_engine_destroy(e);
}
END_TEST

START_TEST(cancel)
{
    struct nvo_engine *e = make_engine();
    static struct log log;
    static struct tag tags[100];
    memset(&log, 0, sizeof log);
    log.e = e;
    nvo_event_id ids[100];
    for (int i = 0; i < 100; i++) {
        tags[i] = (struct tag) { &log, i };
        ids[i] = nvo_engine_schedule(e, (i + 1) * NVO_NS, record, &tags[i]);
        ck_assert(ids[i] != NVO_EVENT_NONE);
    }
    for (int i = 0; i < 100; i += 2) {
        ck_assert(nvo_engine_cancel(e, ids[i]));
        ck_assert(!nvo_engine_cancel(e, ids[i]));   /* twice: no */
    }
    ck_assert(!nvo_engine_cancel(e, NVO_EVENT_NONE));
    ck_assert_uint_eq(e->n_cancelled, 50);
    nvo_engine_run(e, NVO_TIME_MAX);
    ck_assert_int_eq(log.n, 50);
    for (int k = 0; k < 50; k++) {
        ck_assert_int_eq(log.order[k], 2 * k + 1);
    }
    /* Handles of events that ran are stale: cancel says no, even after
     * their slots were reused by new events. */
    nvo_event_id fresh = nvo_engine_schedule(e, NVO_NS, record, &tags[0]);
    for (int i = 1; i < 100; i += 2) {
        ck_assert(!nvo_engine_cancel(e, ids[i]));
    }
    ck_assert(nvo_engine_cancel(e, fresh));
    ck_assert_uint_eq(nvo_engine_run(e, NVO_TIME_MAX), 0);
    ck_assert_int_eq(log.n, 50);
    nvo_engine_destroy(e);
}
END_TEST

START_TEST(run_until)
{
    struct nvo_engine *e = make_engine();
    static struct log log;
    static struct tag tags[10];
    memset(&log, 0, sizeof log);
    log.e = e;
    for (int i = 0; i < 10; i++) {
        tags[i] = (struct tag) { &log, i };
        nvo_engine_schedule(e, (i + 1) * NVO_US, record, &tags[i]);
    }
    /* Events at exactly 'until' run; now becomes 'until'. */
    ck_assert_uint_eq(nvo_engine_run(e, 4 * NVO_US), 4);
    ck_assert_int_eq(nvo_engine_now(e), 4 * NVO_US);
    ck_assert_uint_eq(nvo_engine_run(e, 4500 * NVO_NS), 0);
    ck_assert_int_eq(nvo_engine_now(e), 4500 * NVO_NS);
    ck_assert_uint_eq(nvo_engine_run(e, NVO_TIME_MAX), 6);
    ck_assert_int_eq(nvo_engine_now(e), 10 * NVO_US);
    /* With nothing left, running until a later time advances now. */
    ck_assert_uint_eq(nvo_engine_run(e, 20 * NVO_US), 0);
    ck_assert_int_eq(nvo_engine_now(e), 20 * NVO_US);
    nvo_engine_destroy(e);
}
END_TEST

static int stop_count;
static struct nvo_engine *stop_engine;

static void
count_and_stop(void *arg)
{
    (void) arg;
    if (++stop_count == 3) {
        nvo_engine_stop(stop_engine);
    }
}

START_TEST(stop)
{
    struct nvo_engine *e = make_engine();
    stop_engine = e;
    stop_count = 0;
    for (int i = 0; i < 10; i++) {
        nvo_engine_schedule(e, i * NVO_US, count_and_stop, NULL);
    }
    ck_assert_uint_eq(nvo_engine_run(e, NVO_TIME_MAX), 3);
    ck_assert_int_eq(stop_count, 3);
    ck_assert_int_eq(nvo_engine_now(e), 2 * NVO_US);
    ck_assert_uint_eq(nvo_engine_run(e, NVO_TIME_MAX), 7);
    ck_assert_int_eq(stop_count, 10);
    nvo_engine_destroy(e);
}
END_TEST

/* The hold model with cancels: each event schedules one new event at
 * now + Exp(1 us), and every tenth also schedules and cancels one. */
struct hold {
    struct nvo_engine *e;
    struct nvo_rng rng;
    uint64_t left;
};

static void
hold_event(void *arg)
{
    struct hold *h = arg;
    if (h->left == 0) {
        return;
    }
    h->left--;
    nvo_time_t d = (nvo_time_t) (nvo_rng_exponential(&h->rng, 1e6));
    nvo_engine_schedule(h->e, d, hold_event, h);
    if (h->left % 10 == 0) {
        nvo_event_id id = nvo_engine_schedule(h->e, d / 2, hold_event, h);
        nvo_engine_cancel(h->e, id);
    }
}

static uint64_t
hold_fingerprint(const char *engine, const char *scheduler, uint64_t seed,
                 uint64_t *n_exec, nvo_time_t *end)
{
    struct nvo_engine *e = NULL;
    ck_assert_int_eq(nvo_engine_create(engine, scheduler, &e), 0);
    struct hold h = { .e = e, .left = 20000 };
    nvo_rng_init(&h.rng, seed, 1, "hold");
    for (int i = 0; i < 1000; i++) {
        nvo_engine_schedule(e, (nvo_time_t) nvo_rng_exponential(&h.rng, 1e6),
                            hold_event, &h);
    }
    nvo_engine_run(e, NVO_TIME_MAX);
    uint64_t fp = e->fingerprint;
    *n_exec = e->n_executed;
    *end = nvo_engine_now(e);
    nvo_engine_destroy(e);
    return fp;
}

/* The hold model with 16 events 300 s ahead pending all along (as a PE's
 * MAC aging timers are): the ladder spawns rung after rung from the last
 * bucket of the one above (engine_ladder.c replaces that rung instead of
 * stacking under it); the order must stay heap4's. */
static uint64_t
far_future_fingerprint(const char *engine, const char *scheduler,
                       uint64_t *n_exec)
{
    struct nvo_engine *e = NULL;
    ck_assert_int_eq(nvo_engine_create(engine, scheduler, &e), 0);
    struct hold h = { .e = e, .left = 200000 };
    nvo_rng_init(&h.rng, 11, 1, "hold");
    for (int i = 0; i < 16; i++) {
        nvo_engine_schedule(e, 300 * NVO_SEC + i, hold_event, &h);
    }
    for (int i = 0; i < 1000; i++) {
        nvo_engine_schedule(e, (nvo_time_t) nvo_rng_exponential(&h.rng, 1e6),
                            hold_event, &h);
    }
    nvo_engine_run(e, NVO_TIME_MAX);
    uint64_t fp = e->fingerprint;
    *n_exec = e->n_executed;
    nvo_engine_destroy(e);
    return fp;
}

START_TEST(far_future_same_as_heap4)
{
    uint64_t n1, n2;
    uint64_t f1 = far_future_fingerprint(nvo_test_engine(),
                                         nvo_test_scheduler(), &n1);
    uint64_t f2 = far_future_fingerprint("native", "heap4", &n2);
    ck_assert_uint_gt(n1, 200000);
    ck_assert_uint_eq(n1, n2);
    ck_assert_uint_eq(f1, f2);
}
END_TEST

START_TEST(determinism)
{
    uint64_t n1, n2, n3;
    nvo_time_t t1, t2, t3;
    const char *e = nvo_test_engine(), *q = nvo_test_scheduler();
    uint64_t f1 = hold_fingerprint(e, q, 7, &n1, &t1);
    uint64_t f2 = hold_fingerprint(e, q, 7, &n2, &t2);
    uint64_t f3 = hold_fingerprint(e, q, 8, &n3, &t3);
    ck_assert_uint_eq(f1, f2);
    ck_assert_uint_eq(n1, n2);
    ck_assert_int_eq(t1, t2);
    ck_assert_uint_ne(f1, f3);
    /* 1000 initial events + 20000 rescheduled, none of the cancelled. */
    ck_assert_uint_eq(n1, 21000);
    ck_assert_uint_eq(n3, 21000);
}
END_TEST

/* The backend to compare the one under test with: native when ns-3 is
 * under test, ns-3 (where it is built) when native is, so that both
 * registrations compare two different backends.  NULL in a build without
 * ns-3: there is nothing to compare native with. */
static const char *
other_engine(void)
{
    if (strcmp(nvo_test_engine(), "native")) {
        return "native";
    }
    return nvo_engine_lookup("ns3") ? "ns3" : NULL;
}

START_TEST(same_as_other_backend)
{
    const char *other = other_engine();
    ck_assert_ptr_nonnull(other);
    ck_assert_str_ne(other, nvo_test_engine());
    uint64_t n1, n2;
    nvo_time_t t1, t2;
    uint64_t f1 = hold_fingerprint(nvo_test_engine(), nvo_test_scheduler(),
                                   42, &n1, &t1);
    uint64_t f2 = hold_fingerprint(other, NULL, 42, &n2, &t2);
    ck_assert_uint_eq(f1, f2);
    ck_assert_uint_eq(n1, n2);
    ck_assert_int_eq(t1, t2);
    ck_assert_uint_eq(n1, 21000);
    /* The fingerprints are not equal by construction: another seed
     * (other event times) gives another. */
    uint64_t n3;
    nvo_time_t t3;
    ck_assert_uint_ne(hold_fingerprint(other, NULL, 43, &n3, &t3), f1);
}
END_TEST

START_TEST(steady_state_allocates_nothing)
{
    /* The hold model keeps 1000 events pending: once the native queue
     * (either scheduler: the ladder's rungs, chunks and Bottom too) and its
     * event records have grown, running on allocates no memory. */
    if (strcmp(nvo_test_engine(), "native")) {
        return;                 /* ns-3: steady_state_same_as_native */
    }
    struct nvo_engine *e = make_engine();
    struct hold h = { .e = e, .left = 10000000 };
    nvo_rng_init(&h.rng, 3, 1, "hold");
    for (int i = 0; i < 1000; i++) {
        nvo_engine_schedule(e, (nvo_time_t) nvo_rng_exponential(&h.rng, 1e6),
                            hold_event, &h);
    }
    nvo_engine_run(e, 100 * NVO_US);                /* warm up */
    struct mallinfo2 before = mallinfo2();
    uint64_t n0 = e->n_executed;
    nvo_engine_run(e, 400 * NVO_US);
    struct mallinfo2 after = mallinfo2();
    ck_assert_uint_gt(e->n_executed - n0, 100000);
    ck_assert_uint_eq(after.uordblks, before.uordblks);
    ck_assert_uint_eq(after.hblkhd, before.hblkhd);
    nvo_engine_destroy(e);
}
END_TEST

START_TEST(steady_state_same_as_native)
{
    /* ns-3 allocates an EventImpl per event, so it cannot be held to the
     * native queue's no-allocation bound; instead it must run the same
     * long hold model event for event: the same count and fingerprint at
     * each stop of run-until (100us, 400us), and the same time. */
    if (!strcmp(nvo_test_engine(), "native")) {
        return;                 /* native: steady_state_allocates_nothing */
    }
    struct nvo_engine *e[2] = { make_engine(), NULL };
    ck_assert_int_eq(nvo_engine_create("native", NULL, &e[1]), 0);
    struct hold h[2];
    for (int k = 0; k < 2; k++) {
        h[k] = (struct hold) { .e = e[k], .left = 10000000 };
        nvo_rng_init(&h[k].rng, 3, 1, "hold");
        for (int i = 0; i < 1000; i++) {
            nvo_engine_schedule(e[k], (nvo_time_t)
                                nvo_rng_exponential(&h[k].rng, 1e6),
                                hold_event, &h[k]);
        }
    }
    static const nvo_time_t stops[] = { 100 * NVO_US, 400 * NVO_US };
    for (size_t s = 0; s < NVO_ARRAY_SIZE(stops); s++) {
        nvo_engine_run(e[0], stops[s]);
        nvo_engine_run(e[1], stops[s]);
        ck_assert_uint_eq(e[0]->n_executed, e[1]->n_executed);
        ck_assert_uint_eq(e[0]->fingerprint, e[1]->fingerprint);
        ck_assert_int_eq(nvo_engine_now(e[0]), nvo_engine_now(e[1]));
        ck_assert_uint_eq(h[0].left, h[1].left);
    }
    /* The comparison covered the steady state, not only the warm-up. */
    ck_assert_uint_gt(e[0]->n_executed, 100000);
    nvo_engine_destroy(e[0]);
    nvo_engine_destroy(e[1]);
}
END_TEST

/* A stress workload: bursts of events at one time, events at "now",
 * near and far future events, cancels of pending events, run() in slices.
 * Every executed event folds (time, its id) into a hash, so the order of
 * equal-time events counts too. */
struct stress {
    struct nvo_engine *e;
    struct nvo_rng rng;
    uint64_t hash;
    uint64_t left;              /* events still to schedule */
    uint64_t next_id;
    nvo_event_id ring[4096];    /* recent handles, to cancel */
    uint32_t n_ring;
};

static struct stress *stress_state;

static void stress_event(void *arg);

static void
stress_add(struct stress *st, nvo_time_t delay)
{
    if (st->left == 0) {
        return;
    }
    st->left--;
    uintptr_t id = (uintptr_t) ++st->next_id;
    nvo_event_id h = nvo_engine_schedule(st->e, delay, stress_event,
                                         (void *) id);
    st->ring[st->n_ring++ % NVO_ARRAY_SIZE(st->ring)] = h;
}

static void
stress_event(void *arg)
{
    struct stress *st = stress_state;
    uint64_t x = (st->hash ^ (uint64_t) (uintptr_t) arg)
                 * 0x100000001b3ull;
    x = (x ^ (uint64_t) nvo_engine_now(st->e)) * 0x100000001b3ull;
    st->hash = x ^ (x >> 29);
    uint64_t r = nvo_rng_below(&st->rng, 100);
    if (r < 55) {
        stress_add(st, (nvo_time_t) nvo_rng_exponential(&st->rng, 1e6));
    } else if (r < 65) {
        stress_add(st, 0);
    } else if (r < 70) {
        /* A burst: 60 events at one time (more than a bucket holds). */
        nvo_time_t d = (nvo_time_t) nvo_rng_exponential(&st->rng, 1e7);
        for (int i = 0; i < 60; i++) {
            stress_add(st, d);
        }
    } else if (r < 73) {
        stress_add(st, (nvo_time_t) nvo_rng_exponential(&st->rng, 1e12));
    } else if (r < 90) {
        uint32_t n = NVO_MIN(st->n_ring, (uint32_t) NVO_ARRAY_SIZE(st->ring));
        if (n > 0) {
            nvo_engine_cancel(st->e,
                              st->ring[nvo_rng_below(&st->rng, n)]);
        }
        stress_add(st, (nvo_time_t) nvo_rng_exponential(&st->rng, 2e6));
    } else {
        stress_add(st, (nvo_time_t) nvo_rng_exponential(&st->rng, 5e5));
        stress_add(st, (nvo_time_t) nvo_rng_exponential(&st->rng, 5e6));
    }
}

struct stress_outcome {
    uint64_t hash, n_executed, n_cancelled, fingerprint;
    nvo_time_t end;
};

static void
stress_run(const char *engine, const char *scheduler,
           struct stress_outcome *o)
{
    static struct stress st;
    memset(&st, 0, sizeof st);
    ck_assert_int_eq(nvo_engine_create(engine, scheduler, &st.e), 0);
    stress_state = &st;
    nvo_rng_init(&st.rng, 5, 1, "stress");
    st.left = 400000;
    /* 30000 spread out, 3000 at time 0, 2000 at exactly 5us. */
    for (int i = 0; i < 30000; i++) {
        stress_add(&st, (nvo_time_t) nvo_rng_exponential(&st.rng, 2e6));
    }
    for (int i = 0; i < 3000; i++) {
        stress_add(&st, 0);
    }
    for (int i = 0; i < 2000; i++) {
        stress_add(&st, 5 * NVO_US);
    }
    /* Slices of 3us, then the rest. */
    while (nvo_engine_n_pending(st.e) > 0
           && nvo_engine_now(st.e) < 200 * NVO_US) {
        nvo_engine_run(st.e, nvo_engine_now(st.e) + 3 * NVO_US);
    }
    nvo_engine_run(st.e, NVO_TIME_MAX);
    o->hash = st.hash;
    o->n_executed = st.e->n_executed;
    o->n_cancelled = st.e->n_cancelled;
    o->fingerprint = st.e->fingerprint;
    o->end = nvo_engine_now(st.e);
    ck_assert_uint_eq(nvo_engine_n_pending(st.e), 0);
    ck_assert_uint_eq(st.e->n_scheduled, 400000);
    ck_assert_uint_eq(o->n_executed + o->n_cancelled, 400000);
    nvo_engine_destroy(st.e);
}

START_TEST(stress_same_as_heap4)
{
    struct stress_outcome a, b;
    stress_run(nvo_test_engine(), nvo_test_scheduler(), &a);
    stress_run("native", "heap4", &b);
    ck_assert_uint_gt(a.n_cancelled, 10000);
    ck_assert_uint_eq(a.hash, b.hash);
    ck_assert_uint_eq(a.fingerprint, b.fingerprint);
    ck_assert_uint_eq(a.n_executed, b.n_executed);
    ck_assert_uint_eq(a.n_cancelled, b.n_cancelled);
    ck_assert_int_eq(a.end, b.end);
}
END_TEST

/* Times at both ends of the range, ties at NVO_TIME_MAX, and one batch
 * scheduled while others run: the order is heap4's. */
static uint64_t
extremes_hash(const char *engine, const char *scheduler, nvo_time_t *last)
{
    struct nvo_engine *e = NULL;
    ck_assert_int_eq(nvo_engine_create(engine, scheduler, &e), 0);
    static struct log log;
    static struct tag tags[400];
    memset(&log, 0, sizeof log);
    log.e = e;
    const nvo_time_t at[] = {
        NVO_TIME_MAX, 0, 1, NVO_TIME_MAX - 1, NVO_TIME_MAX / 2, 0,
        NVO_TIME_MAX, 3 * NVO_US, NVO_TIME_MAX / 2 + 1, 2,
    };
    for (int i = 0; i < 400; i++) {
        tags[i] = (struct tag) { &log, i };
        nvo_engine_schedule_at(e, at[i % NVO_ARRAY_SIZE(at)], record,
                               &tags[i]);
    }
    ck_assert_uint_eq(nvo_engine_run(e, NVO_TIME_MAX), 400);
    uint64_t h = NVO_ENGINE_FINGERPRINT_INIT;
    for (int k = 0; k < log.n; k++) {
        h = (h ^ (uint64_t) log.order[k]) * 0x100000001b3ull;
        if (k > 0) {
            ck_assert_int_le(log.when[k - 1], log.when[k]);
        }
    }
    *last = log.when[log.n - 1];
    nvo_engine_destroy(e);
    return h;
}

START_TEST(extreme_times)
{
    nvo_time_t l1, l2;
    uint64_t h1 = extremes_hash(nvo_test_engine(), nvo_test_scheduler(), &l1);
    uint64_t h2 = extremes_hash("native", "heap4", &l2);
    ck_assert_uint_eq(h1, h2);
    ck_assert_int_eq(l1, NVO_TIME_MAX);
    ck_assert_int_eq(l2, NVO_TIME_MAX);
}
END_TEST

/* ---- timers ---- */

struct fire_log {
    struct nvo_engine *e;
    int n;
    nvo_time_t at[16];
};

static void
fire(void *arg)
{
    struct fire_log *l = arg;
    l->at[l->n++] = nvo_engine_now(l->e);
}

START_TEST(timer_pushed_back)
{
    struct nvo_engine *e = make_engine();
    struct fire_log log = { .e = e };
    struct nvo_timer t;
    nvo_timer_init(&t, e, fire, &log);
    ck_assert(!nvo_timer_is_armed(&t));
    nvo_timer_start(&t, 10 * NVO_US);
    ck_assert_uint_eq(e->n_scheduled, 1);
    /* Pushed back three times: no queue operation. */
    nvo_timer_start(&t, 12 * NVO_US);
    nvo_timer_start(&t, 15 * NVO_US);
    nvo_timer_start_at(&t, 20 * NVO_US);
    ck_assert_uint_eq(e->n_scheduled, 1);
    ck_assert_uint_eq(e->n_cancelled, 0);
    ck_assert(nvo_timer_is_armed(&t));
    ck_assert_int_eq(nvo_timer_expiry(&t), 20 * NVO_US);
    ck_assert_uint_eq(nvo_engine_n_pending(e), 1);
    /* At 10us its event runs and queues one at 20us; nothing fires. */
    nvo_engine_run(e, 19 * NVO_US);
    ck_assert_int_eq(log.n, 0);
    ck_assert_uint_eq(e->n_executed, 1);
    ck_assert_uint_eq(e->n_scheduled, 2);
    nvo_engine_run(e, NVO_TIME_MAX);
    ck_assert_int_eq(log.n, 1);
    ck_assert_int_eq(log.at[0], 20 * NVO_US);
    ck_assert(!nvo_timer_is_armed(&t));
    ck_assert_uint_eq(e->n_executed, 2);
    /* Expired: a start queues again. */
    nvo_timer_start(&t, 1 * NVO_US);
    nvo_engine_run(e, NVO_TIME_MAX);
    ck_assert_int_eq(log.n, 2);
    ck_assert_int_eq(log.at[1], 21 * NVO_US);
    nvo_engine_destroy(e);
}
END_TEST

START_TEST(timer_brought_forward_and_stopped)
{
    struct nvo_engine *e = make_engine();
    struct fire_log log = { .e = e };
    struct nvo_timer t;
    nvo_timer_init(&t, e, fire, &log);
    nvo_timer_start(&t, 20 * NVO_US);
    /* Earlier: one cancel, one schedule. */
    nvo_timer_start(&t, 5 * NVO_US);
    ck_assert_uint_eq(e->n_scheduled, 2);
    ck_assert_uint_eq(e->n_cancelled, 1);
    ck_assert_uint_eq(nvo_engine_n_pending(e), 1);
    nvo_engine_run(e, NVO_TIME_MAX);
    ck_assert_int_eq(log.n, 1);
    ck_assert_int_eq(log.at[0], 5 * NVO_US);
    ck_assert_uint_eq(e->n_executed, 1);
    /* Stopped: nothing pending, nothing fires; stopping twice is fine. */
    nvo_timer_start(&t, 3 * NVO_US);
    nvo_timer_stop(&t);
    nvo_timer_stop(&t);
    ck_assert(!nvo_timer_is_armed(&t));
    ck_assert_uint_eq(nvo_engine_n_pending(e), 0);
    nvo_engine_run(e, NVO_TIME_MAX);
    ck_assert_int_eq(log.n, 1);
    ck_assert_uint_eq(e->n_executed, 1);
    nvo_engine_destroy(e);
}
END_TEST

static struct nvo_timer periodic_timer;

static void
periodic(void *arg)
{
    struct fire_log *l = arg;
    fire(l);
    if (l->n < 5) {
        nvo_timer_start(&periodic_timer, NVO_US);   /* from its callback */
    }
}

START_TEST(timer_restarted_from_callback)
{
    struct nvo_engine *e = make_engine();
    struct fire_log log = { .e = e };
    nvo_timer_init(&periodic_timer, e, periodic, &log);
    nvo_timer_start(&periodic_timer, NVO_US);
    nvo_engine_run(e, NVO_TIME_MAX);
    ck_assert_int_eq(log.n, 5);
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(log.at[i], (i + 1) * NVO_US);
    }
    ck_assert_uint_eq(e->n_executed, 5);
    ck_assert(!nvo_timer_is_armed(&periodic_timer));
    nvo_engine_destroy(e);
}
END_TEST

/* The keepalive pattern of "nvosim bench timers", small: 500 timers with
 * a 10us timeout, messages every Exp(1us) per timer restarting them. */
struct ka {
    struct nvo_engine *e;
    struct nvo_rng rng;
    struct nvo_timer t[500];
    uint64_t n_restarts, n_fires;
};

static struct ka *ka_state;

static void
ka_fire(void *arg)
{
    (void) arg;
    ka_state->n_fires++;
}

static void
ka_message(void *arg)
{
    struct nvo_timer *t = arg;
    struct ka *k = ka_state;
    nvo_timer_start(t, 10 * NVO_US);
    k->n_restarts++;
    /* Every 50th message is a long silence: the timer fires. */
    nvo_time_t gap = (nvo_time_t) nvo_rng_exponential(&k->rng, 1e6);
    if (nvo_rng_below(&k->rng, 50) == 0) {
        gap += 10 * NVO_US;
    }
    nvo_engine_schedule(k->e, gap, ka_message, t);
}

static void
keepalive_run(const char *engine, const char *scheduler,
              uint64_t *fingerprint, uint64_t *n_fires, uint64_t *n_sched,
              uint64_t *n_restarts)
{
    static struct ka k;
    memset(&k, 0, sizeof k);
    ka_state = &k;
    ck_assert_int_eq(nvo_engine_create(engine, scheduler, &k.e), 0);
    nvo_rng_init(&k.rng, 9, 1, "keepalive");
    for (int i = 0; i < 500; i++) {
        nvo_timer_init(&k.t[i], k.e, ka_fire, NULL);
        nvo_engine_schedule(k.e, (nvo_time_t) nvo_rng_exponential(&k.rng,
                                                                  1e6),
                            ka_message, &k.t[i]);
    }
    nvo_engine_run(k.e, 200 * NVO_US);
    *fingerprint = k.e->fingerprint;
    *n_fires = k.n_fires;
    *n_sched = k.e->n_scheduled;
    *n_restarts = k.n_restarts;
    for (int i = 0; i < 500; i++) {
        nvo_timer_stop(&k.t[i]);
    }
    nvo_engine_destroy(k.e);
}

START_TEST(timer_keepalive_same_as_heap4)
{
    uint64_t f1, n1, s1, r1, f2, n2, s2, r2;
    keepalive_run(nvo_test_engine(), nvo_test_scheduler(), &f1, &n1, &s1,
                  &r1);
    keepalive_run("native", "heap4", &f2, &n2, &s2, &r2);
    ck_assert_uint_eq(f1, f2);
    ck_assert_uint_eq(n1, n2);
    ck_assert_uint_eq(s1, s2);
    ck_assert_uint_eq(r1, r2);
    /* 500 timers x 200us / 1.2us mean gap (1us + 10us / 50) = 83,333
     * restarts; the fires are the long silences, 1 in 50. */
    ck_assert_uint_gt(r1, 80000);
    ck_assert_uint_lt(r1, 86000);
    ck_assert_uint_gt(n1, 1000);
    ck_assert_uint_lt(n1, 3000);
    /* Schedules: one per message, plus far fewer than one per restart for
     * the timers (cancel + schedule would be one per restart). */
    ck_assert_uint_lt(s1 - r1 - 500, r1 / 5);
}
END_TEST

START_TEST(lookup)
{
    struct nvo_engine *e = NULL;
    ck_assert_int_eq(nvo_engine_create("no-such-engine", NULL, &e), ENOENT);
    ck_assert_ptr_null(e);
    ck_assert_int_eq(nvo_engine_create(nvo_test_engine(), "no-such-sched",
                                       &e), ENOENT);
    /* Both native schedulers exist, and neither is an ns3 one. */
    ck_assert_int_eq(nvo_engine_create("native", "map", &e), ENOENT);
    const char *const natives[] = { "ladder", "heap4", NULL, "" };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(natives); i++) {
        ck_assert_int_eq(nvo_engine_create("native", natives[i], &e), 0);
        ck_assert_str_eq(e->ops->name, "native");
        ck_assert_str_eq(e->ops->scheduler, natives[i] && *natives[i]
                         ? natives[i] : NVO_ENGINE_NATIVE_DEFAULT);
        nvo_engine_destroy(e);
    }
    ck_assert_ptr_nonnull(nvo_engine_lookup("native"));
    ck_assert_ptr_null(nvo_engine_lookup("ns2"));
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create(nvo_test_engine());
    tcase_add_test(tc, order_and_ties);
    tcase_add_test(tc, schedule_at_now);
    tcase_add_test(tc, cancel);
    tcase_add_test(tc, run_until);
    tcase_add_test(tc, stop);
    tcase_add_test(tc, determinism);
    if (other_engine()) {
        tcase_add_test(tc, same_as_other_backend);
    }
    tcase_add_test(tc, steady_state_allocates_nothing);
    tcase_add_test(tc, steady_state_same_as_native);
    tcase_add_test(tc, stress_same_as_heap4);
    tcase_add_test(tc, far_future_same_as_heap4);
    tcase_add_test(tc, extreme_times);
    tcase_add_test(tc, timer_pushed_back);
    tcase_add_test(tc, timer_brought_forward_and_stopped);
    tcase_add_test(tc, timer_restarted_from_callback);
    tcase_add_test(tc, timer_keepalive_same_as_heap4);
    tcase_add_test(tc, lookup);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
