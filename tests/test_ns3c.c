/* test_ns3c.c: libns3c, the C API over ns-3's Simulator (ns3/ns3c.h),
 * tested directly: the time unit is the picosecond, ordering and
 * equal-time ties, cancel (also with stale handles), stop, run-until,
 * every scheduler name, and destroy + init again in the same process.
 *
 * Without ns-3 in the build, main() prints "ns3 not built" and returns 77
 * (ctest's SKIP_RETURN_CODE). */
#include <stdio.h>

#ifdef NVO_HAVE_NS3

#include <errno.h>
#include <stdlib.h>

#include "ns3c.h"
#include "core/nvo.h"
#include "testutil.h"

/* Each test case runs in its own forked process (Check's default), but
 * within a test a simulation is always destroyed before the next. */
static void
init(const char *scheduler)
{
    int error = ns3c_init(scheduler);
    ck_assert_msg(!error, "ns3c_init(%s): %d", scheduler ? scheduler : "NULL",
                  error);
}

/* A log of which events ran, when, in order. */
#define LOG_MAX 4096
static struct {
    int order[LOG_MAX];
    int64_t when[LOG_MAX];
    int64_t hook_t[LOG_MAX];
    int n;
    int n_hook;
} lg;

static int ids[LOG_MAX];

static double seconds_at_first;

static void
record(void *arg)
{
    int id = *(int *) arg;
    ck_assert_int_lt(lg.n, LOG_MAX);
    if (lg.n == 0) {
        seconds_at_first = ns3c_now_seconds();
    }
    lg.when[lg.n] = ns3c_now();
    lg.order[lg.n++] = id;
}

static void
hook(void *ctx, int64_t t)
{
    ck_assert_ptr_eq(ctx, &lg);
    lg.hook_t[lg.n_hook++] = t;
}

static void
reset_log(void)
{
    memset(&lg, 0, sizeof lg);
    for (int i = 0; i < LOG_MAX; i++) {
        ids[i] = i;
    }
}

START_TEST(time_unit_is_ps)
{
    reset_log();
    init(NULL);
    ns3c_set_hook(hook, &lg);
    ck_assert_int_eq(ns3c_now(), 0);
    ck_assert(ns3c_schedule_at(1500, record, &ids[0]) != NS3C_EVENT_NONE);
    /* 2^40 ps = 1.0995 s: beyond 32 bits, and not a whole nanosecond. */
    int64_t big = (int64_t) 1 << 40;
    ck_assert(ns3c_schedule(big, record, &ids[1]) != NS3C_EVENT_NONE);
    ck_assert_uint_eq(ns3c_n_pending(), 2);
    enum ns3c_run_end end = NS3C_RUN_UNTIL;
    ck_assert_int_eq(ns3c_run(&end), 0);
    ck_assert_int_eq(end, NS3C_RUN_EMPTY);
    ck_assert_int_eq(lg.n, 2);
    ck_assert_int_eq(lg.when[0], 1500);
    /* ns-3's own conversion: 1500 steps are 1.5 ns, so a step is 1 ps. */
    ck_assert_double_eq_tol(seconds_at_first, 1.5e-9, 1e-18);
    ck_assert_double_eq_tol(ns3c_now_seconds(), (double) big * 1e-12, 1e-15);
    ck_assert_int_eq(lg.when[1], big);
    ck_assert_int_eq(lg.n_hook, 2);
    ck_assert_int_eq(lg.hook_t[0], 1500);
    ck_assert_int_eq(lg.hook_t[1], big);
    ck_assert_int_eq(ns3c_now(), big);
    ck_assert_uint_eq(ns3c_n_executed(), 2);
    ck_assert_uint_eq(ns3c_n_pending(), 0);
    ns3c_destroy();
    ck_assert(!ns3c_is_initialized());
    ck_assert_int_eq(ns3c_now(), 0);
}
END_TEST

/* 2000 events at 40 distinct times (many ties), on every scheduler but
 * "list" (quadratic; it gets a smaller run). */
static void
check_order(const char *scheduler, int n)
{
    reset_log();
    init(scheduler);
    ns3c_set_hook(hook, &lg);
    static int64_t at[LOG_MAX];
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        at[i] = (int64_t) (x % 40) * 1000 + 7;
        ck_assert(ns3c_schedule_at(at[i], record, &ids[i]));
    }
    ck_assert_uint_eq(ns3c_n_pending(), (uint64_t) n);
    ck_assert_int_eq(ns3c_run(NULL), 0);
    ck_assert_int_eq(lg.n, n);
    for (int k = 0; k < n; k++) {
        int b = lg.order[k];
        ck_assert_int_eq(lg.when[k], at[b]);
        ck_assert_int_eq(lg.hook_t[k], at[b]);
        if (k > 0) {
            int a = lg.order[k - 1];
            ck_assert_int_le(at[a], at[b]);
            if (at[a] == at[b]) {
                ck_assert_int_lt(a, b);         /* scheduling order */
            }
        }
    }
    ns3c_destroy();
}

static const char *const schedulers[] = {
    "map", "heap", "list", "calendar", "priority-queue",
};

START_TEST(order_and_ties)
{
    const char *s = schedulers[_i];
    check_order(s, strcmp(s, "list") ? 2000 : 500);
}
END_TEST

/* Events scheduled at 'now' from a callback run after those already
 * scheduled for that time. */
static void
schedule_now(void *arg)
{
    record(arg);
    ck_assert(ns3c_schedule(0, record, &ids[3]));
}

START_TEST(schedule_at_now)
{
    reset_log();
    init("map");
    ck_assert(ns3c_schedule(5000, schedule_now, &ids[0]));
    ck_assert(ns3c_schedule(5000, record, &ids[1]));
    ck_assert(ns3c_schedule(5001, record, &ids[2]));
    ck_assert_int_eq(ns3c_run(NULL), 0);
    ck_assert_int_eq(lg.n, 4);
    ck_assert_int_eq(lg.order[0], 0);
    ck_assert_int_eq(lg.order[1], 1);
    ck_assert_int_eq(lg.order[2], 3);
    ck_assert_int_eq(lg.order[3], 2);
    ck_assert_int_eq(lg.when[2], 5000);
    ns3c_destroy();
}
END_TEST

START_TEST(bad_arguments)
{
    ck_assert_int_eq(ns3c_init("no-such-scheduler"), ENOENT);
    ck_assert(!ns3c_is_initialized());
    ck_assert_ptr_null(ns3c_scheduler_type("fifo"));
    ck_assert_str_eq(ns3c_scheduler_type(NULL), "ns3::MapScheduler");
    ck_assert_str_eq(ns3c_scheduler_type("priority-queue"),
                     "ns3::PriorityQueueScheduler");
    /* Nothing works before init. */
    ck_assert(!ns3c_schedule(1, record, &ids[0]));
    ck_assert(!ns3c_cancel(((uint64_t) 1 << 32) | 0));
    ck_assert_int_eq(ns3c_run(NULL), EINVAL);
    ck_assert_int_eq(ns3c_run_until(5, NULL), EINVAL);
    ns3c_destroy();                             /* harmless */

    init("");
    ck_assert_int_eq(ns3c_init("heap"), EBUSY);
    ck_assert(!ns3c_schedule(-1, record, &ids[0]));
    ck_assert(!ns3c_schedule_at(5, NULL, NULL));
    ck_assert(ns3c_schedule_at(100, record, &ids[0]));
    ck_assert_int_eq(ns3c_run_until(50, NULL), 0);
    ck_assert(!ns3c_schedule_at(49, record, &ids[0]));  /* the past */
    ck_assert_int_eq(ns3c_run_until(49, NULL), EINVAL);
    ck_assert(!ns3c_cancel(NS3C_EVENT_NONE));
    ck_assert(!ns3c_cancel(~(uint64_t) 0));
    ns3c_destroy();
}
END_TEST

START_TEST(cancel)
{
    reset_log();
    init("heap");
    ns3c_set_hook(hook, &lg);
    ns3c_event_id h[100];
    for (int i = 0; i < 100; i++) {
        h[i] = ns3c_schedule((i + 1) * 1000, record, &ids[i]);
        ck_assert(h[i] != NS3C_EVENT_NONE);
        ck_assert(ns3c_is_pending(h[i]));
    }
    for (int i = 0; i < 100; i += 2) {
        ck_assert(ns3c_cancel(h[i]));
        ck_assert(!ns3c_is_pending(h[i]));
        ck_assert(!ns3c_cancel(h[i]));          /* twice: no */
    }
    ck_assert_uint_eq(ns3c_n_pending(), 50);
    ck_assert_int_eq(ns3c_run(NULL), 0);
    ck_assert_int_eq(lg.n, 50);
    ck_assert_int_eq(lg.n_hook, 50);            /* no hook for cancelled */
    for (int k = 0; k < 50; k++) {
        ck_assert_int_eq(lg.order[k], 2 * k + 1);
    }
    ck_assert_int_eq(ns3c_now(), 100000);
    /* Stale handles (events that ran, or were cancelled) stay false even
     * after their slots are reused by new events. */
    ns3c_event_id fresh[100];
    for (int i = 0; i < 100; i++) {
        fresh[i] = ns3c_schedule(1, record, &ids[i]);
    }
    for (int i = 0; i < 100; i++) {
        ck_assert(!ns3c_cancel(h[i]));
        ck_assert(!ns3c_is_pending(h[i]));
    }
    for (int i = 0; i < 100; i++) {
        ck_assert(ns3c_cancel(fresh[i]));
    }
    ck_assert_uint_eq(ns3c_n_pending(), 0);
    enum ns3c_run_end end = NS3C_RUN_STOPPED;
    ck_assert_int_eq(ns3c_run(&end), 0);
    ck_assert_int_eq(end, NS3C_RUN_EMPTY);
    ck_assert_int_eq(lg.n, 50);
    ck_assert_int_eq(ns3c_now(), 100000);       /* no pending: no move */
    ns3c_destroy();
}
END_TEST

/* A callback cancels a later event, and one at the same time. */
static ns3c_event_id victims[2];

static void
cancel_victims(void *arg)
{
    record(arg);
    ck_assert(ns3c_cancel(victims[0]));
    ck_assert(ns3c_cancel(victims[1]));
}

START_TEST(cancel_from_callback)
{
    reset_log();
    init("priority-queue");
    ck_assert(ns3c_schedule_at(10, cancel_victims, &ids[0]));
    victims[0] = ns3c_schedule_at(10, record, &ids[1]);
    ck_assert(ns3c_schedule_at(20, record, &ids[2]));
    victims[1] = ns3c_schedule_at(30, record, &ids[3]);
    ck_assert_int_eq(ns3c_run(NULL), 0);
    ck_assert_int_eq(lg.n, 2);
    ck_assert_int_eq(lg.order[1], 2);
    /* The run ends with the last pending event, not at the cancelled one
     * at 30 that is still in ns-3's queue. */
    ck_assert_int_eq(ns3c_now(), 20);
    ns3c_destroy();
}
END_TEST

static int n_stop_calls;

static void
count_and_stop(void *arg)
{
    record(arg);
    if (++n_stop_calls == 3) {
        ns3c_stop();
    }
}

START_TEST(stop)
{
    reset_log();
    init("map");
    n_stop_calls = 0;
    for (int i = 0; i < 10; i++) {
        ck_assert(ns3c_schedule(i * 1000, count_and_stop, &ids[i]));
    }
    enum ns3c_run_end end = NS3C_RUN_EMPTY;
    ck_assert_int_eq(ns3c_run(&end), 0);
    ck_assert_int_eq(end, NS3C_RUN_STOPPED);
    ck_assert_int_eq(lg.n, 3);
    ck_assert_int_eq(ns3c_now(), 2000);
    ck_assert_uint_eq(ns3c_n_pending(), 7);
    /* Stop outside a run does nothing. */
    ns3c_stop();
    ck_assert_int_eq(ns3c_run(&end), 0);
    ck_assert_int_eq(end, NS3C_RUN_EMPTY);
    ck_assert_int_eq(lg.n, 10);
    ck_assert_int_eq(ns3c_now(), 9000);
    ns3c_destroy();
}
END_TEST

START_TEST(stop_in_run_until)
{
    reset_log();
    init("calendar");
    n_stop_calls = 0;
    for (int i = 0; i < 10; i++) {
        ck_assert(ns3c_schedule(i * 1000, count_and_stop, &ids[i]));
    }
    enum ns3c_run_end end = NS3C_RUN_EMPTY;
    ck_assert_int_eq(ns3c_run_until(5000, &end), 0);
    ck_assert_int_eq(end, NS3C_RUN_STOPPED);
    ck_assert_int_eq(ns3c_now(), 2000);
    ck_assert_int_eq(ns3c_run_until(7000, &end), 0);
    ck_assert_int_eq(end, NS3C_RUN_UNTIL);
    ck_assert_int_eq(lg.n, 8);
    ck_assert_int_eq(ns3c_now(), 7000);
    ck_assert_int_eq(ns3c_run(&end), 0);
    ck_assert_int_eq(lg.n, 10);
    ns3c_destroy();
}
END_TEST

/* Schedules more events at exactly 'until' from inside the run: they run
 * in the same run_until call. */
static void
chain_at_until(void *arg)
{
    record(arg);
    int id = *(int *) arg;
    if (id < 5) {
        ck_assert(ns3c_schedule(0, chain_at_until, &ids[id + 1]));
    }
}

START_TEST(run_until)
{
    const char *s = schedulers[_i];
    reset_log();
    init(s);
    for (int i = 0; i < 10; i++) {
        ck_assert(ns3c_schedule((i + 1) * 1000000, record, &ids[100 + i]));
    }
    enum ns3c_run_end end = NS3C_RUN_EMPTY;
    /* Events at exactly 'until' run; the clock becomes 'until'. */
    ck_assert_int_eq(ns3c_run_until(4000000, &end), 0);
    ck_assert_int_eq(end, NS3C_RUN_UNTIL);
    ck_assert_int_eq(lg.n, 4);
    ck_assert_int_eq(ns3c_now(), 4000000);
    ck_assert_int_eq(ns3c_run_until(4500000, &end), 0);
    ck_assert_int_eq(lg.n, 4);
    ck_assert_int_eq(ns3c_now(), 4500000);
    /* A chain of events at the limit, each scheduled by the previous one
     * at time 'until' itself. */
    ck_assert(ns3c_schedule_at(6000000, chain_at_until, &ids[0]));
    ck_assert_int_eq(ns3c_run_until(6000000, &end), 0);
    ck_assert_int_eq(end, NS3C_RUN_UNTIL);
    ck_assert_int_eq(lg.n, 4 + 2 + 6);          /* 5 ms, 6 ms, chain of 6 */
    ck_assert_int_eq(lg.order[lg.n - 1], 5);
    ck_assert_int_eq(ns3c_now(), 6000000);
    ck_assert_uint_eq(ns3c_n_pending(), 4);
    ck_assert_int_eq(ns3c_run_until(INT64_MAX, &end), 0);
    ck_assert_int_eq(end, NS3C_RUN_EMPTY);
    ck_assert_int_eq(ns3c_now(), 10000000);
    /* Nothing left: run_until still moves the clock (as Stop(delay)). */
    ck_assert_int_eq(ns3c_run_until(20000000, &end), 0);
    ck_assert_int_eq(end, NS3C_RUN_UNTIL);
    ck_assert_int_eq(ns3c_now(), 20000000);
    ck_assert(ns3c_schedule(1, record, &ids[0]));
    ck_assert_int_eq(ns3c_run(NULL), 0);
    ck_assert_int_eq(lg.when[lg.n - 1], 20000001);
    ns3c_destroy();
}
END_TEST

/* Destroy frees pending events without running them; a new simulation
 * starts at time 0, with another scheduler, in the same process. */
START_TEST(destroy_and_init_again)
{
    for (int round = 0; round < 5; round++) {
        reset_log();
        init(schedulers[round % 5]);
        ck_assert_int_eq(ns3c_now(), 0);
        ck_assert_uint_eq(ns3c_n_executed(), 0);
        for (int i = 0; i < 100; i++) {
            ck_assert(ns3c_schedule((i + 1) * 10, record, &ids[i]));
        }
        ck_assert_int_eq(ns3c_run_until(500, NULL), 0);
        ck_assert_int_eq(lg.n, 50);
        ck_assert_uint_eq(ns3c_n_pending(), 50);
        ns3c_destroy();
        ck_assert_int_eq(lg.n, 50);
        ck_assert_uint_eq(ns3c_n_pending(), 0);
    }
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("ns3c");
    TCase *tc = tcase_create("ns3c");
    tcase_add_test(tc, time_unit_is_ps);
    tcase_add_loop_test(tc, order_and_ties, 0, NVO_ARRAY_SIZE(schedulers));
    tcase_add_test(tc, schedule_at_now);
    tcase_add_test(tc, bad_arguments);
    tcase_add_test(tc, cancel);
    tcase_add_test(tc, cancel_from_callback);
    tcase_add_test(tc, stop);
    tcase_add_test(tc, stop_in_run_until);
    tcase_add_loop_test(tc, run_until, 0, NVO_ARRAY_SIZE(schedulers));
    tcase_add_test(tc, destroy_and_init_again);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}

#else /* !NVO_HAVE_NS3 */

int
main(void)
{
    printf("ns3 not built\n");
    return 77;
}

#endif /* NVO_HAVE_NS3 */
