/* hold.c: "nvosim bench hold", the classic hold benchmark of the event
 * engines.  See hold.h for the model and docs/performance.md for figures.
 *
 * One run happens in this process; --compare runs each engine (native,
 * then ns3 with each scheduler of --schedulers) in its own forked child,
 * one after the other, so that each has the machine to itself, its peak
 * RSS is its own (wait4's rusage), and ns-3's process-wide Simulator is
 * fresh.  Each child sends its nvo_hold_result back over a pipe.
 *
 * Left out: warm-up runs and repetitions (run the command again); CPU
 * pinning; a "list" default (ns3::ListScheduler is O(N) per insert). */
#include "bench.h"
#include "hold.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
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
#ifdef NVO_HAVE_NS3
#include "ns3c.h"
#endif

#define HOLD_MEAN_PS 1e6                 /* Exp(1 us) */
#define DEFAULT_PENDING 100000
#define DEFAULT_EVENTS 2000000
#define DEFAULT_SEED 1
#define DEFAULT_COMPARE "map,priority-queue,heap"
#define MAX_RUNS 10

struct hold {
    struct nvo_engine *e;
    struct nvo_rng rng;
    uint64_t left;              /* events still to execute */
};

static inline nvo_time_t
hold_delay(struct hold *h)
{
    return (nvo_time_t) nvo_rng_exponential(&h->rng, HOLD_MEAN_PS);
}

static void
hold_event(void *arg)
{
    struct hold *h = arg;
    nvo_engine_schedule(h->e, hold_delay(h), hold_event, h);
    if (--h->left == 0) {
        nvo_engine_stop(h->e);
    }
}

static double
mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/* CPU time of this process: on a shared machine, time spent waiting for
 * a CPU is not the engine's. */
static double
cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

int
nvo_hold_run(const struct nvo_hold_config *cfg, struct nvo_hold_result *res)
{
    memset(res, 0, sizeof *res);
    struct hold h = { .left = cfg->n_events };
    nvo_rng_init(&h.rng, cfg->seed, 1, "hold");

    double t0 = mono_s();
    int error = nvo_engine_create(cfg->engine, cfg->scheduler, &h.e);
    if (error) {
        res->error = error;
        return error;
    }
    for (uint64_t i = 0; i < cfg->n_pending; i++) {
        nvo_engine_schedule_at(h.e, hold_delay(&h), hold_event, &h);
    }
    double t1 = mono_s(), c1 = cpu_s();
    nvo_engine_run(h.e, NVO_TIME_MAX);
    double t2 = mono_s(), c2 = cpu_s();

    res->n_executed = h.e->n_executed;
    res->fingerprint = h.e->fingerprint;
    res->end_time = nvo_engine_now(h.e);
    res->setup_s = t1 - t0;
    res->run_s = t2 - t1;
    res->run_cpu_s = c2 - c1;
    res->events_per_s = res->run_s > 0 ? (double) res->n_executed / res->run_s
                                       : 0;
    res->events_per_cpu_s = res->run_cpu_s > 0
                            ? (double) res->n_executed / res->run_cpu_s : 0;
    nvo_engine_destroy(h.e);
    return 0;
}

/* ---- the command ---- */

static void
usage(FILE *f)
{
    fprintf(f,
"usage: nvosim bench hold [--engine ENGINE] [--scheduler NAME]\n"
"                         [--pending N] [--events M] [--seed S]\n"
"       nvosim bench hold --compare [--schedulers LIST] [--pending N]\n"
"                         [--events M] [--seed S]\n"
"\n"
"The hold model: N events are always pending; N start at times Exp(1us)\n"
"from 0, and each event that runs schedules one new event at\n"
"now + Exp(1us) (RNG stream \"hold\", seed S, run 1).  The run stops after\n"
"M events.  Prints the executed events per second of wall time of the run\n"
"phase only (CLOCK_MONOTONIC; scheduling the N initial events is not\n"
"timed), the same per second of the process's CPU time (what a shared\n"
"machine does not distort), the peak resident memory (ru_maxrss) and the\n"
"event fingerprint.\n"
"\n"
"Options:\n"
"  --engine ENGINE     engine backend: %s (default: native)\n"
"  --scheduler NAME    the backend's event queue (default: the backend's\n"
"                      default).  native: ladder, heap4 (default %s).\n"
"                      ns3: map (ns-3's\n"
"                      default, ns3::MapScheduler), heap, list, calendar,\n"
"                      priority-queue (ns3::PriorityQueueScheduler)\n"
"  --pending N         events pending at all times (default: %d)\n"
"  --events M          events to execute (default: %d)\n"
"  --seed S            RNG master seed (default: %d)\n"
"  --compare           run native with each of its schedulers, the\n"
"                      benchmark's own lean binary heap (bench heap2) and\n"
"                      ns3 with each scheduler of --schedulers, each in its\n"
"                      own child process, one after the other; print a\n"
"                      table, the speed ratios of ladder and heap4 to each\n"
"                      other row (by wall and by CPU time) and whether\n"
"                      every run executed the same event sequence (equal\n"
"                      fingerprints).\n"
"                      --engine and --scheduler are ignored.\n"
"  --schedulers LIST   ns3 schedulers for --compare, comma-separated\n"
"                      (default: %s)\n"
"  -h, --help          this text\n"
"\n"
"N and M are whole numbers, also written as 1e6 or 2.5e6.  The defaults\n"
"take a few seconds per engine; --compare with them, under half a minute.\n"
"Exit status: 0; 1 if a run failed or fingerprints differ; 2 for a usage\n"
"error.\n",
            nvo_engine_names(), NVO_ENGINE_NATIVE_DEFAULT, DEFAULT_PENDING,
            DEFAULT_EVENTS, DEFAULT_SEED, DEFAULT_COMPARE);
}

static int NVO_PRINTF(1, 2)
usage_error(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fputs("nvosim bench hold: ", stderr);
    vfprintf(stderr, fmt, args);
    fputs(" (see --help)\n", stderr);
    va_end(args);
    return 2;
}

static bool
ns3_built(void)
{
#ifdef NVO_HAVE_NS3
    return true;
#else
    return false;
#endif
}

static const char *
default_scheduler(const char *engine)
{
    return !strcmp(engine, "native") ? NVO_ENGINE_NATIVE_DEFAULT : "map";
}

static bool
scheduler_known(const char *engine, const char *scheduler)
{
    if (!strcmp(engine, "native")) {
        return !strcmp(scheduler, "heap4") || !strcmp(scheduler, "ladder");
    }
#ifdef NVO_HAVE_NS3
    return ns3c_scheduler_type(scheduler) != NULL;
#else
    return false;
#endif
}

static double
mib(long kib)
{
    return (double) kib / 1024.0;
}

static void
hold_child__(void *cfg_, void *r_)
{
    const struct nvo_hold_config *cfg = cfg_;
    if (!strcmp(cfg->engine, "bench")) {
        nvo_hold_run_lean(cfg, r_);
    } else {
        nvo_hold_run(cfg, r_);
    }
}

/* One run in a forked child.  Returns 0 and fills *res and *maxrss_kib, or
 * an errno (also when the child failed). */
static int
run_child(const struct nvo_hold_config *cfg, struct nvo_hold_result *res,
          long *maxrss_kib)
{
    char what[128];
    snprintf(what, sizeof what, "hold: %s run", cfg->engine);
    int error = nvo_bench_run_child(what, hold_child__, (void *) cfg, res,
                                    sizeof *res, maxrss_kib);
    return error ? error : res->error;
}

static int
compare(struct nvo_hold_config base, const char *schedulers)
{
    struct {
        struct nvo_hold_config cfg;
        struct nvo_hold_result res;
        long maxrss_kib;
        int error;
    } runs[MAX_RUNS];
    static const char *const natives[][2] = {
        { "native", "ladder" }, { "native", "heap4" }, { "bench", "heap2" },
    };
    enum { N_NATIVE = 2 };      /* the rows compared with the others */
    char names[256];
    size_t n_runs = 0;

    if (strlen(schedulers) >= sizeof names) {
        return usage_error("--schedulers: list too long");
    }
    strcpy(names, schedulers);
    for (size_t i = 0; i < NVO_ARRAY_SIZE(natives); i++) {
        runs[n_runs++].cfg = (struct nvo_hold_config) {
            .engine = natives[i][0], .scheduler = natives[i][1],
            .n_pending = base.n_pending, .n_events = base.n_events,
            .seed = base.seed,
        };
    }
    for (char *save = NULL, *s = strtok_r(names, ",", &save); s;
         s = strtok_r(NULL, ",", &save)) {
        if (!scheduler_known("ns3", s)) {
            return usage_error("--schedulers: unknown ns3 scheduler \"%s\" "
                               "(known: map, heap, list, calendar, "
                               "priority-queue)", s);
        }
        if (n_runs == MAX_RUNS) {
            return usage_error("--schedulers: at most %d",
                               MAX_RUNS - (int) NVO_ARRAY_SIZE(natives));
        }
        runs[n_runs] = runs[0];
        runs[n_runs].cfg.engine = "ns3";
        runs[n_runs].cfg.scheduler = s;
        n_runs++;
    }

    printf("hold: N=%" PRIu64 " pending, M=%" PRIu64 " events, seed %" PRIu64
           "; each run in its own process, one after the other\n"
           "(bench heap2: the benchmark's own lean binary heap, no engine)"
           "\n\n", base.n_pending, base.n_events, base.seed);
    printf("%-7s %-15s %12s %12s %8s %8s %8s %9s  %-18s\n", "engine",
           "scheduler", "events/s", "per CPU s", "run s", "CPU s",
           "setup s", "peak MiB", "fingerprint");
    int status = 0;
    for (size_t i = 0; i < n_runs; i++) {
        runs[i].error = run_child(&runs[i].cfg, &runs[i].res,
                                  &runs[i].maxrss_kib);
        const struct nvo_hold_result *r = &runs[i].res;
        if (runs[i].error) {
            printf("%-7s %-15s  failed: %s\n", runs[i].cfg.engine,
                   runs[i].cfg.scheduler, strerror(runs[i].error));
            status = 1;
            continue;
        }
        printf("%-7s %-15s %12.0f %12.0f %8.3f %8.3f %8.3f %9.1f  "
               "0x%016" PRIx64 "\n", runs[i].cfg.engine,
               runs[i].cfg.scheduler, r->events_per_s, r->events_per_cpu_s,
               r->run_s, r->run_cpu_s, r->setup_s, mib(runs[i].maxrss_kib),
               r->fingerprint);
        fflush(stdout);
    }

    /* Ratios of rates, by wall time and by CPU time (on a shared machine
     * the second is the engine's own). */
    printf("\n%-30s %9s %9s %8s\n", "ratio", "wall", "CPU", "memory");
    for (size_t a = 0; a < N_NATIVE; a++) {
        for (size_t i = a + 1; i < n_runs; i++) {
            const struct nvo_hold_result *x = &runs[a].res, *y = &runs[i].res;
            if (runs[a].error || runs[i].error || y->events_per_s <= 0
                || y->events_per_cpu_s <= 0) {
                continue;
            }
            char label[64];
            snprintf(label, sizeof label, "%s / %s-%s", runs[a].cfg.scheduler,
                     runs[i].cfg.engine, runs[i].cfg.scheduler);
            printf("%-30s %8.2fx %8.2fx %7.2fx\n", label,
                   x->events_per_s / y->events_per_s,
                   x->events_per_cpu_s / y->events_per_cpu_s,
                   (double) runs[a].maxrss_kib
                   / (double) (runs[i].maxrss_kib ? runs[i].maxrss_kib : 1));
        }
    }

    bool same = true;
    size_t n_ok = 0, first = 0;
    for (size_t i = 0; i < n_runs; i++) {
        if (runs[i].error) {
            continue;
        }
        if (n_ok++ == 0) {
            first = i;
        } else if (runs[i].res.fingerprint != runs[first].res.fingerprint
                   || runs[i].res.n_executed != runs[first].res.n_executed
                   || runs[i].res.end_time != runs[first].res.end_time) {
            same = false;
        }
    }
    char buf[NVO_TIME_STRLEN];
    if (n_ok > 1) {
        printf("\nfingerprints %s: %s\n", same ? "match" : "DIFFER",
               same ? "every run executed the same event sequence"
                    : "the runs executed different event sequences");
        printf("(%" PRIu64 " events, simulated time reached %s)\n",
               runs[first].res.n_executed,
               nvo_time_format(runs[first].res.end_time, buf, sizeof buf));
    }
    return same ? status : 1;
}

static int
single(const struct nvo_hold_config *cfg)
{
    struct nvo_hold_result r;
    int error = nvo_hold_run(cfg, &r);
    if (error == EBUSY) {
        fprintf(stderr, "nvosim bench hold: an ns3 engine exists already\n");
        return 1;
    }
    if (error) {
        return usage_error("cannot create engine %s with scheduler %s: %s",
                           cfg->engine, cfg->scheduler, strerror(error));
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    char buf[NVO_TIME_STRLEN];
    printf("hold: engine %s, scheduler %s, N=%" PRIu64 " pending, M=%" PRIu64
           " events, seed %" PRIu64 "\n", cfg->engine, cfg->scheduler,
           cfg->n_pending, cfg->n_events, cfg->seed);
    printf("  executed     %" PRIu64 " events in %.3f s (run phase)\n",
           r.n_executed, r.run_s);
    printf("  rate         %.0f events/s (%.0f per CPU second, %.3f s "
           "of CPU)\n", r.events_per_s, r.events_per_cpu_s, r.run_cpu_s);
    printf("  setup        %.3f s (create, schedule N)\n", r.setup_s);
    printf("  peak RSS     %.1f MiB\n", mib(ru.ru_maxrss));
    printf("  fingerprint  0x%016" PRIx64 " (simulated time reached %s)\n",
           r.fingerprint, nvo_time_format(r.end_time, buf, sizeof buf));
    return r.n_executed == cfg->n_events ? 0 : 1;
}

int
nvo_bench_hold_main(int argc, char **argv)
{
    struct nvo_hold_config cfg = {
        .engine = "native",
        .scheduler = NULL,
        .n_pending = DEFAULT_PENDING,
        .n_events = DEFAULT_EVENTS,
        .seed = DEFAULT_SEED,
    };
    const char *schedulers = DEFAULT_COMPARE;
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
        /* Options with a value: "--opt VALUE" or "--opt=VALUE". */
        static const char *const with_value[] = {
            "--engine", "--scheduler", "--pending", "--events", "--seed",
            "--schedulers",
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
            if (!nvo_bench_parse_count(val, 1, UINT32_MAX / 2, &cfg.n_pending)) {
                return usage_error("--pending: \"%s\" is not a whole number "
                                   "from 1 to %u", val, UINT32_MAX / 2);
            }
            break;
        case 3:
            if (!nvo_bench_parse_count(val, 1, INT64_MAX, &cfg.n_events)) {
                return usage_error("--events: \"%s\" is not a whole number "
                                   ">= 1", val);
            }
            break;
        case 4:
            if (!nvo_bench_parse_count(val, 0, UINT64_MAX, &cfg.seed)) {
                return usage_error("--seed: \"%s\" is not a whole number "
                                   ">= 0", val);
            }
            break;
        default:
            schedulers = val;
            break;
        }
    }

    if (do_compare) {
        if (!ns3_built()) {
            return usage_error("--compare needs the ns3 engine, and this "
                               "nvosim was built without ns-3 (install "
                               "libns3-dev and libgsl-dev, configure with "
                               "-DNVO_WITH_NS3=ON)");
        }
        return compare(cfg, schedulers);
    }

    if (!strcmp(cfg.engine, "ns3") && !ns3_built()) {
        return usage_error("--engine ns3: this nvosim was built without "
                           "ns-3 (install libns3-dev and libgsl-dev, "
                           "configure with -DNVO_WITH_NS3=ON)");
    }
    if (!nvo_engine_lookup(cfg.engine)) {
        return usage_error("--engine: unknown engine \"%s\" (known: %s)",
                           cfg.engine, nvo_engine_names());
    }
    if (!cfg.scheduler || !*cfg.scheduler) {
        cfg.scheduler = default_scheduler(cfg.engine);
    }
    if (!scheduler_known(cfg.engine, cfg.scheduler)) {
        return usage_error("--scheduler: engine %s has no scheduler \"%s\" "
                           "(known: %s)", cfg.engine, cfg.scheduler,
                           !strcmp(cfg.engine, "native")
                           ? NVO_ENGINE_NATIVE_SCHEDULERS
                           : "map, heap, list, calendar, priority-queue");
    }
    return single(&cfg);
}
