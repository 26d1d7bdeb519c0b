/* timers.c: "nvosim bench timers", the keepalive pattern: many timers,
 * each pushed back by every message and firing rarely.
 *
 * The model: T timers, each with a timeout (default 10 us) and a message
 * source: messages for timer i arrive at intervals Exp(1 us) (stream
 * "timers" of the seed, run 1; the first at Exp(1 us) from 0), and each
 * message restarts timer i to now + timeout.  A timer fires only when no
 * message came for a whole timeout (probability e^-10 per interval with
 * the defaults); its callback counts the fire.  The run first warms up
 * for one timeout of simulated time (so the queue reaches its steady
 * state, dead entries of the cancel mode included), untimed, then runs
 * until M more restarts were made (default 5,000,000), timed (wall and
 * CPU).
 *
 * Two ways of restarting (--mode):
 *   timer   nvo_timer_start() (engine.h): O(1) when pushed back, with one
 *           queue event per timer per timeout at most;
 *   cancel  nvo_engine_cancel() + nvo_engine_schedule() per message, as a
 *           model without timers (or an ns-3 user) does.
 * Either runs on any backend and scheduler; --compare runs a table of
 * them, each in its own forked child.  The same model as a plain ns-3
 * program is bench/ns3_timers.cc (ns3-timers). */
#include "bench.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/engine.h"
#include "core/rng.h"

#define MSG_MEAN_PS 1e6                  /* Exp(1 us) between messages */
#define DEFAULT_TIMERS 100000
#define DEFAULT_RESTARTS 5000000
#define DEFAULT_TIMEOUT (10 * NVO_US)

struct tcfg {
    const char *engine;
    const char *scheduler;      /* NULL = the backend's default */
    bool cancel_mode;
    uint64_t n_timers;
    uint64_t n_restarts;        /* timed restarts */
    nvo_time_t timeout;
    uint64_t seed;
};

struct tres {
    int error;
    uint64_t n_events;          /* executed in the timed phase */
    uint64_t n_restarts;        /* timed */
    uint64_t n_fires;           /* whole run */
    uint64_t n_pending;         /* engine's, at the end */
    uint64_t fingerprint;
    nvo_time_t end_time;
    double run_s, run_cpu_s, setup_s;
};

struct tbench;

struct tslot {
    struct tbench *b;
    struct nvo_timer timer;     /* --mode timer */
    nvo_event_id ev;            /* --mode cancel: the expiry event */
};

struct tbench {
    struct nvo_engine *e;
    struct nvo_rng rng;
    struct tslot *slots;
    bool cancel_mode;
    nvo_time_t timeout;
    uint64_t n_restarts;
    uint64_t stop_after;        /* stop when n_restarts reaches it */
    uint64_t n_fires;
};

static void
expire(void *arg)
{
    struct tslot *s = arg;
    s->b->n_fires++;
    s->ev = NVO_EVENT_NONE;
}

static void
message(void *arg)
{
    struct tslot *s = arg;
    struct tbench *b = s->b;
    if (b->cancel_mode) {
        nvo_engine_cancel(b->e, s->ev);
        s->ev = nvo_engine_schedule(b->e, b->timeout, expire, s);
    } else {
        nvo_timer_start(&s->timer, b->timeout);
    }
    nvo_engine_schedule(b->e,
                        (nvo_time_t) nvo_rng_exponential(&b->rng,
                                                         MSG_MEAN_PS),
                        message, s);
    if (++b->n_restarts == b->stop_after) {
        nvo_engine_stop(b->e);
    }
}

static double
clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static int
timers_run(const struct tcfg *cfg, struct tres *res)
{
    memset(res, 0, sizeof *res);
    struct tbench b = {
        .cancel_mode = cfg->cancel_mode, .timeout = cfg->timeout,
        .stop_after = UINT64_MAX,
    };
    nvo_rng_init(&b.rng, cfg->seed, 1, "timers");
    double t0 = clock_s(CLOCK_MONOTONIC);
    int error = nvo_engine_create(cfg->engine, cfg->scheduler, &b.e);
    if (error) {
        res->error = error;
        return error;
    }
    b.slots = calloc(cfg->n_timers, sizeof *b.slots);
    if (!b.slots) {
        nvo_engine_destroy(b.e);
        res->error = ENOMEM;
        return ENOMEM;
    }
    for (uint64_t i = 0; i < cfg->n_timers; i++) {
        struct tslot *s = &b.slots[i];
        s->b = &b;
        nvo_timer_init(&s->timer, b.e, expire, s);
        nvo_engine_schedule_at(b.e,
                               (nvo_time_t) nvo_rng_exponential(&b.rng,
                                                                MSG_MEAN_PS),
                               message, s);
    }
    nvo_engine_run(b.e, cfg->timeout);                  /* warm-up */
    double t1 = clock_s(CLOCK_MONOTONIC);
    double c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    uint64_t e0 = b.e->n_executed, r0 = b.n_restarts;
    b.stop_after = b.n_restarts + cfg->n_restarts;
    nvo_engine_run(b.e, NVO_TIME_MAX);
    double t2 = clock_s(CLOCK_MONOTONIC);
    double c2 = clock_s(CLOCK_PROCESS_CPUTIME_ID);

    res->n_events = b.e->n_executed - e0;
    res->n_restarts = b.n_restarts - r0;
    res->n_fires = b.n_fires;
    res->n_pending = nvo_engine_n_pending(b.e);
    res->fingerprint = b.e->fingerprint;
    res->end_time = nvo_engine_now(b.e);
    res->setup_s = t1 - t0;
    res->run_s = t2 - t1;
    res->run_cpu_s = c2 - c1;
    for (uint64_t i = 0; i < cfg->n_timers; i++) {
        nvo_timer_stop(&b.slots[i].timer);
    }
    nvo_engine_destroy(b.e);
    free(b.slots);
    return 0;
}

/* ---- the command ---- */

static void
usage(FILE *f)
{
    fprintf(f,
"usage: nvosim bench timers [--engine ENGINE] [--scheduler NAME]\n"
"                           [--mode timer|cancel] [--timers T]\n"
"                           [--timeout D] [--restarts M] [--seed S]\n"
"       nvosim bench timers --compare [--timers T] [--timeout D]\n"
"                           [--restarts M] [--seed S]\n"
"\n"
"The keepalive pattern: T timers, each restarted to now + D by messages\n"
"that arrive for it every Exp(1us) (RNG stream \"timers\", seed S, run 1),\n"
"so that it fires only after a silence of D.  After a warm-up of D of\n"
"simulated time (untimed), the run goes on for M more restarts, timed:\n"
"prints events and restarts per second of wall time and of CPU time, the\n"
"fires, the peak resident memory and the event fingerprint.\n"
"\n"
"Options:\n"
"  --engine ENGINE     engine backend: %s (default: native)\n"
"  --scheduler NAME    the backend's event queue (default: the backend's\n"
"                      default; native: %s)\n"
"  --mode MODE         timer: nvo_timer_start() (default); cancel:\n"
"                      nvo_engine_cancel() + nvo_engine_schedule() per\n"
"                      message, as without a timer API\n"
"  --timers T          timers (default: %d)\n"
"  --timeout D         the timeout, a time with a unit (default: 10us)\n"
"  --restarts M        restarts in the timed phase (default: %d)\n"
"  --seed S            RNG master seed (default: 1)\n"
"  --compare           run native ladder and heap4 in both modes, and ns3\n"
"                      (ns-3's default scheduler) in both modes, each in\n"
"                      its own child process, one after the other; print a\n"
"                      table, ratios, and whether the runs of each mode\n"
"                      executed the same event sequence\n"
"  -h, --help          this text\n"
"\n"
"Exit status: 0; 1 if a run failed or fingerprints differ; 2 for a usage\n"
"error.\n", nvo_engine_names(), NVO_ENGINE_NATIVE_DEFAULT, DEFAULT_TIMERS,
            DEFAULT_RESTARTS);
}

static int NVO_PRINTF(1, 2)
usage_error(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fputs("nvosim bench timers: ", stderr);
    vfprintf(stderr, fmt, args);
    fputs(" (see --help)\n", stderr);
    va_end(args);
    return 2;
}

static void
timers_child__(void *cfg, void *r)
{
    timers_run(cfg, r);
}

static int
run_child(const struct tcfg *cfg, struct tres *res, long *maxrss_kib)
{
    int error = nvo_bench_run_child("timers: run", timers_child__,
                                    (void *) cfg, res, sizeof *res,
                                    maxrss_kib);
    return error ? error : res->error;
}

static void
print_header(void)
{
    printf("%-7s %-9s %-6s %11s %11s %11s %11s %7s %7s %6s %8s  %-18s\n",
           "engine", "scheduler", "mode", "events/s", "restarts/s",
           "ev/CPU s", "rst/CPU s", "run s", "CPU s", "fires", "peak MiB",
           "fingerprint");
}

static void
print_row(const struct tcfg *c, const struct tres *r, long maxrss_kib)
{
    printf("%-7s %-9s %-6s %11.0f %11.0f %11.0f %11.0f %7.3f %7.3f %6"
           PRIu64 " %8.1f  0x%016" PRIx64 "\n", c->engine,
           c->scheduler ? c->scheduler : "default",
           c->cancel_mode ? "cancel" : "timer",
           (double) r->n_events / r->run_s, (double) r->n_restarts / r->run_s,
           (double) r->n_events / r->run_cpu_s,
           (double) r->n_restarts / r->run_cpu_s, r->run_s, r->run_cpu_s,
           r->n_fires, (double) maxrss_kib / 1024.0, r->fingerprint);
}

static int
compare(const struct tcfg *base)
{
    struct {
        struct tcfg cfg;
        struct tres res;
        long maxrss_kib;
        int error;
    } runs[8];
    static const struct {
        const char *engine, *scheduler;
        bool cancel_mode;
    } plan[] = {
        { "native", "ladder", false }, { "native", "heap4", false },
        { "native", "ladder", true }, { "native", "heap4", true },
#ifdef NVO_HAVE_NS3
        { "ns3", "map", false }, { "ns3", "map", true },
#endif
    };
    size_t n_runs = NVO_ARRAY_SIZE(plan);
    char buf[NVO_TIME_STRLEN];
    printf("timers: T=%" PRIu64 " timers, timeout %s, messages every "
           "Exp(1us) per timer, M=%" PRIu64 " timed restarts, seed %" PRIu64
           "; each run in its own process\n\n", base->n_timers,
           nvo_time_format(base->timeout, buf, sizeof buf), base->n_restarts,
           base->seed);
    print_header();
    int status = 0;
    for (size_t i = 0; i < n_runs; i++) {
        runs[i].cfg = *base;
        runs[i].cfg.engine = plan[i].engine;
        runs[i].cfg.scheduler = plan[i].scheduler;
        runs[i].cfg.cancel_mode = plan[i].cancel_mode;
        runs[i].error = run_child(&runs[i].cfg, &runs[i].res,
                                  &runs[i].maxrss_kib);
        if (runs[i].error) {
            printf("%-7s %-9s %-6s failed: %s\n", plan[i].engine,
                   plan[i].scheduler, plan[i].cancel_mode ? "cancel"
                                                          : "timer",
                   strerror(runs[i].error));
            status = 1;
            continue;
        }
        print_row(&runs[i].cfg, &runs[i].res, runs[i].maxrss_kib);
        fflush(stdout);
    }

    printf("\n%-40s %9s %9s\n", "restarts per second, ratio", "wall",
           "CPU");
    for (size_t a = 0; a < n_runs; a++) {
        if (plan[a].cancel_mode || strcmp(plan[a].engine, "native")) {
            continue;
        }
        for (size_t i = 0; i < n_runs; i++) {
            if (i == a || runs[a].error || runs[i].error
                || (!plan[i].cancel_mode && !strcmp(plan[i].engine,
                                                    "native"))) {
                continue;
            }
            char label[80];
            snprintf(label, sizeof label, "%s timer / %s %s %s",
                     plan[a].scheduler, plan[i].engine, plan[i].scheduler,
                     plan[i].cancel_mode ? "cancel" : "timer");
            printf("%-40s %8.2fx %8.2fx\n", label,
                   runs[i].res.run_s / runs[a].res.run_s,
                   runs[i].res.run_cpu_s / runs[a].res.run_cpu_s);
        }
    }

    /* Each mode: the same event sequence on every backend and scheduler. */
    bool same = true;
    for (int mode = 0; mode < 2; mode++) {
        size_t first = SIZE_MAX;
        for (size_t i = 0; i < n_runs; i++) {
            if (runs[i].error || plan[i].cancel_mode != (mode == 1)) {
                continue;
            }
            if (first == SIZE_MAX) {
                first = i;
            } else if (runs[i].res.fingerprint != runs[first].res.fingerprint
                       || runs[i].res.n_fires != runs[first].res.n_fires
                       || runs[i].res.end_time != runs[first].res.end_time) {
                same = false;
            }
        }
    }
    printf("\nfingerprints %s: %s\n", same ? "match" : "DIFFER",
           same ? "the runs of each mode executed the same event sequence"
                : "runs of one mode executed different event sequences");
    return same ? status : 1;
}

int
nvo_bench_timers_main(int argc, char **argv)
{
    struct tcfg cfg = {
        .engine = "native", .n_timers = DEFAULT_TIMERS,
        .n_restarts = DEFAULT_RESTARTS, .timeout = DEFAULT_TIMEOUT,
        .seed = 1,
    };
    bool do_compare = false;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(opt, "--compare")) {
            do_compare = true;
            continue;
        }
        static const char *const with_value[] = {
            "--engine", "--scheduler", "--mode", "--timers", "--timeout",
            "--restarts", "--seed",
        };
        const char *val = NULL;
        int k = nvo_bench_opt_value(argc, argv, &i, with_value,
                                    NVO_ARRAY_SIZE(with_value), &val);
        if (k < 0) {
            return usage_error("%s needs a value", opt);
        }
        if (k == (int) NVO_ARRAY_SIZE(with_value)) {
            return usage_error("unknown option \"%s\"", opt);
        }
        switch (k) {
        case 0:
            cfg.engine = val;
            break;
        case 1:
            cfg.scheduler = val;
            break;
        case 2:
            if (strcmp(val, "timer") && strcmp(val, "cancel")) {
                return usage_error("--mode: \"%s\" is neither timer nor "
                                   "cancel", val);
            }
            cfg.cancel_mode = !strcmp(val, "cancel");
            break;
        case 3:
            if (!nvo_bench_parse_count(val, 1, 100000000, &cfg.n_timers)) {
                return usage_error("--timers: \"%s\" is not a whole number "
                                   "from 1 to 100000000", val);
            }
            break;
        case 4:
            if (nvo_time_parse(val, &cfg.timeout) || cfg.timeout <= 0
                || cfg.timeout > NVO_SEC) {
                return usage_error("--timeout: \"%s\" is not a time from "
                                   "1ps to 1s with a unit (ps, ns, us, ms, "
                                   "s)", val);
            }
            break;
        case 5:
            if (!nvo_bench_parse_count(val, 1, INT64_MAX,
                                       &cfg.n_restarts)) {
                return usage_error("--restarts: \"%s\" is not a whole "
                                   "number >= 1", val);
            }
            break;
        default:
            if (!nvo_bench_parse_count(val, 0, UINT64_MAX, &cfg.seed)) {
                return usage_error("--seed: \"%s\" is not a whole number "
                                   ">= 0", val);
            }
            break;
        }
    }
    if (do_compare) {
        return compare(&cfg);
    }
    if (!nvo_engine_lookup(cfg.engine)) {
        return usage_error("--engine: unknown engine \"%s\" (built in: %s)",
                           cfg.engine, nvo_engine_names());
    }
    struct tres r;
    int error = timers_run(&cfg, &r);
    if (error == ENOENT) {
        return usage_error("--scheduler: engine %s has no scheduler \"%s\"",
                           cfg.engine, cfg.scheduler);
    }
    if (error) {
        fprintf(stderr, "nvosim bench timers: cannot run: %s\n",
                strerror(error));
        return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    char buf[NVO_TIME_STRLEN];
    printf("timers: T=%" PRIu64 " timers, timeout %s, M=%" PRIu64
           " timed restarts, seed %" PRIu64 "\n", cfg.n_timers,
           nvo_time_format(cfg.timeout, buf, sizeof buf), cfg.n_restarts,
           cfg.seed);
    print_header();
    print_row(&cfg, &r, ru.ru_maxrss);
    printf("(%" PRIu64 " events and %" PRIu64 " restarts timed; %" PRIu64
           " pending at the end; simulated time reached %s)\n", r.n_events,
           r.n_restarts, r.n_pending,
           nvo_time_format(r.end_time, buf, sizeof buf));
    return 0;
}
