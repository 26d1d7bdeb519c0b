/* hold.h: the classic hold benchmark of an event engine.
 *
 * N events are pending at all times: N start at times Exp(1 us) from 0,
 * and each event that runs schedules one new event at now + Exp(1 us)
 * (stream "hold" of the given seed, run 1).  The run stops after M events.
 * The figure of merit is executed events per second of wall time in the
 * run phase (the N initial schedules are not timed).  Both backends draw
 * the same numbers in the same order, so they execute the same event
 * sequence and end with the same fingerprint.
 *
 * "nvosim bench hold --help" lists the options; docs/performance.md has
 * the figures measured with it. */
#ifndef NVO_BENCH_HOLD_H
#define NVO_BENCH_HOLD_H

#include "core/nvo.h"
#include "core/units.h"

struct nvo_hold_config {
    const char *engine;         /* "native", "ns3" */
    const char *scheduler;      /* NULL or "" = the backend's default */
    uint64_t n_pending;         /* N, >= 1 */
    uint64_t n_events;          /* M, >= 1 */
    uint64_t seed;
};

struct nvo_hold_result {
    int error;                  /* 0, or the errno of engine creation */
    uint64_t n_executed;        /* == M on success */
    uint64_t fingerprint;       /* the engine's event fingerprint */
    nvo_time_t end_time;        /* simulated time when the run stopped */
    double setup_s;             /* wall time to create + schedule N */
    double run_s;               /* wall time of the run phase */
    double run_cpu_s;           /* CPU time of the run phase (the
                                 * process's, CLOCK_PROCESS_CPUTIME_ID) */
    double events_per_s;        /* n_executed / run_s */
    double events_per_cpu_s;    /* n_executed / run_cpu_s */
};

/* Runs the hold model once in this process.  Returns 0 or the errno of
 * nvo_engine_create() (ENOENT: unknown engine or scheduler; EBUSY). */
int nvo_hold_run(const struct nvo_hold_config *, struct nvo_hold_result *);

/* Runs the hold model on the benchmark's own lean binary heap
 * (lean_heap.c) instead of an engine: the textbook reference.  Same
 * result fields, same fingerprint as the engines.  Returns 0 or ENOMEM. */
int nvo_hold_run_lean(const struct nvo_hold_config *,
                      struct nvo_hold_result *);

/* "nvosim bench hold ...": argv[0] is "hold".  Returns the exit status:
 * 0, 1 if a run failed or --compare saw different fingerprints, 2 for a
 * usage error. */
int nvo_bench_hold_main(int argc, char **argv);

#endif /* NVO_BENCH_HOLD_H */
