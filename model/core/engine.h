/* engine.h: the discrete-event engine that every model runs on.
 *
 * An event is (time, sequence number, callback, argument).  Events run in
 * time order; events at equal times run in the order they were scheduled,
 * so a run is deterministic.  An event can be cancelled by its handle until
 * it has run.
 *
 * The engine is reached through one small ops table so that the same models
 * run on two backends:
 *   native  nvosim's own queues, with pooled event records: a ladder
 *           queue (engine_ladder.c) or a 4-ary heap (engine_native.c);
 *   ns3     ns-3's Simulator through libns3c (ns3/engine_ns3.c).
 *
 * Models call the nvo_engine_*() inline wrappers, never the ops directly. */
#ifndef NVO_ENGINE_H
#define NVO_ENGINE_H

#include "core/nvo.h"
#include "core/units.h"

struct nvo_engine;

/* An event callback.  'arg' is whatever was passed to schedule. */
typedef void nvo_event_fn(void *arg);

/* A handle to a scheduled event; NVO_EVENT_NONE is never a valid handle.
 * A handle stays safe to cancel after the event ran or was cancelled (the
 * cancel then returns false). */
typedef uint64_t nvo_event_id;
#define NVO_EVENT_NONE ((nvo_event_id) 0)

struct nvo_engine_ops {
    const char *name;           /* "native", "ns3" */
    const char *scheduler;      /* the queue this table runs ("ladder",
                                 * "heap4"), or NULL if the backend picks
                                 * it at run time (ns3) */

    /* Creates the backend.  'scheduler' selects the backend's queue
     * (NULL or "" means the backend's default; native:
     * NVO_ENGINE_NATIVE_SCHEDULERS).  Returns 0 and sets *out, or a
     * positive errno: ENOENT for an unknown scheduler name, ENOMEM.  May
     * be NULL in an ops table that only the backend's create installs
     * (the native backend has one table per scheduler). */
    int (*create)(const char *scheduler, struct nvo_engine **out);

    /* Frees the engine and every event still pending. May not be NULL. */
    void (*destroy)(struct nvo_engine *);

    /* Schedules 'fn(arg)' at absolute time 'at' (>= now).  Cannot fail
     * (an allocation failure aborts).  Returns the event's handle. */
    nvo_event_id (*schedule)(struct nvo_engine *, nvo_time_t at,
                             nvo_event_fn *fn, void *arg);

    /* Cancels a pending event.  Returns true if it was pending, false if it
     * had already run or been cancelled. */
    bool (*cancel)(struct nvo_engine *, nvo_event_id);

    /* Runs events until none is left, stop() is called, or the next event
     * is later than 'until' (then now becomes 'until').  Updates the base
     * struct's 'now', 'n_executed' and 'fingerprint' as each event runs.
     * Returns the number of events executed by this call. */
    uint64_t (*run)(struct nvo_engine *, nvo_time_t until);

    /* Asks run() to return after the event that is running now. */
    void (*stop)(struct nvo_engine *);

    /* Number of events pending (cancelled ones may still count until their
     * time comes, as in ns-3). */
    uint64_t (*n_pending)(const struct nvo_engine *);
};

/* The base of every backend's engine struct (embedded as first member). */
struct nvo_engine {
    const struct nvo_engine_ops *ops;
    nvo_time_t now;             /* time of the event running or last run */
    uint64_t n_executed;        /* events executed so far */
    uint64_t n_scheduled;       /* events scheduled so far */
    uint64_t n_cancelled;       /* successful cancels */
    uint64_t fingerprint;       /* hash of the executed events' times, in
                                 * order; equal runs give equal values */
};

extern const struct nvo_engine_ops nvo_engine_native_ops;

/* The native backend's schedulers (docs/engine.md): "ladder", a ladder
 * queue, and "heap4", a 4-ary heap.  Both run events in the same (time,
 * sequence) order, so a run gives the same fingerprint on either. */
#define NVO_ENGINE_NATIVE_SCHEDULERS "ladder, heap4"
#define NVO_ENGINE_NATIVE_DEFAULT "ladder"
#ifdef NVO_HAVE_NS3
extern const struct nvo_engine_ops nvo_engine_ns3_ops;
#endif

/* Looks up a backend by name ("native", "ns3").  NULL if unknown or not
 * built into this binary. */
const struct nvo_engine_ops *nvo_engine_lookup(const char *name);

/* Names of the backends built in, separated by ", " (for --help). */
const char *nvo_engine_names(void);

/* Creates an engine: backend 'name' (NULL = "native") with 'scheduler'
 * (NULL = the backend's default).  Returns 0 or ENOENT (unknown backend or
 * scheduler), ENOMEM. */
int nvo_engine_create(const char *name, const char *scheduler,
                      struct nvo_engine **out);

static inline void
nvo_engine_destroy(struct nvo_engine *e)
{
    if (e) {
        e->ops->destroy(e);
    }
}

static inline nvo_time_t
nvo_engine_now(const struct nvo_engine *e)
{
    return e->now;
}

/* Schedules fn(arg) after 'delay' (>= 0) from now. */
static inline nvo_event_id
nvo_engine_schedule(struct nvo_engine *e, nvo_time_t delay,
                    nvo_event_fn *fn, void *arg)
{
    return e->ops->schedule(e, e->now + delay, fn, arg);
}

/* Schedules fn(arg) at absolute time 'at' (>= now). */
static inline nvo_event_id
nvo_engine_schedule_at(struct nvo_engine *e, nvo_time_t at,
                       nvo_event_fn *fn, void *arg)
{
    return e->ops->schedule(e, at, fn, arg);
}

static inline bool
nvo_engine_cancel(struct nvo_engine *e, nvo_event_id id)
{
    return id != NVO_EVENT_NONE && e->ops->cancel(e, id);
}

static inline uint64_t
nvo_engine_run(struct nvo_engine *e, nvo_time_t until)
{
    return e->ops->run(e, until);
}

static inline void
nvo_engine_stop(struct nvo_engine *e)
{
    e->ops->stop(e);
}

static inline uint64_t
nvo_engine_n_pending(const struct nvo_engine *e)
{
    return e->ops->n_pending(e);
}

/* ---- Timers ----
 *
 * A timer is a deadline that is moved often and reached rarely: a
 * keepalive, hold or aging timer that every received message pushes back.
 * Restarting it with cancel + schedule would cost two queue operations per
 * message (and, with lazy cancel, leave a dead entry in the queue each
 * time).  A timer instead keeps its expiry itself and at most one event in
 * the queue, at or before the expiry:
 *
 *   - restart to a time at or after the queued event's: only the expiry
 *     changes, O(1), no queue operation;
 *   - restart to an earlier time: the event is cancelled and one is
 *     scheduled at the new expiry (one cancel, one schedule);
 *   - when the queued event runs before the expiry (the timer was pushed
 *     back), it schedules one event at the expiry (lazy rescheduling): a
 *     timer restarted k times within one timeout costs one queue
 *     operation, not k;
 *   - when it runs at the expiry, the timer stops and its callback runs.
 *
 * Built only on nvo_engine_schedule_at() and nvo_engine_cancel(), so it
 * works on every backend, and a run gives the same fingerprint on every
 * backend.  The queued events are ordinary events: they count in
 * n_executed, n_scheduled and the fingerprint (a pushed-back timer's
 * rescheduling event too), and in n_pending while queued.
 *
 * Order: a timer's callback runs at its expiry, among the events of that
 * time in the position of its queued event, whose sequence number is that
 * of the schedule that queued it (the start, the last earlier restart, or
 * the rescheduling event): deterministic and the same on every backend,
 * but not always the position a cancel + schedule at the last restart
 * would give.
 *
 * The struct is the caller's (embed it; no allocation); its fields are
 * private.  A timer must be stopped (or never started) before its memory
 * or its engine goes away. */
struct nvo_timer {
    struct nvo_engine *e;
    nvo_event_fn *fn;           /* the callback, fn(arg) at expiry */
    void *arg;
    nvo_time_t expiry;          /* while armed: when fn runs */
    nvo_time_t event_at;        /* while ev is set: the queued event's time */
    nvo_event_id ev;            /* the queued event, or NVO_EVENT_NONE */
    bool armed;                 /* started, not yet expired or stopped */
};

/* Initializes a stopped timer on engine 'e' that calls fn(arg) when it
 * expires.  No queue operation; cannot fail. */
void nvo_timer_init(struct nvo_timer *, struct nvo_engine *e,
                    nvo_event_fn *fn, void *arg);

/* Starts or restarts the timer to expire at absolute time 'at' (>= now),
 * whether it was stopped, armed or expired.  O(1) with no queue operation
 * when the timer already has an event queued at or before 'at'; else one
 * schedule (and one cancel if a later event was queued).  May be called
 * from the timer's own callback. */
void nvo_timer_start_at(struct nvo_timer *, nvo_time_t at);

/* Starts or restarts the timer to expire 'delay' (>= 0) from now. */
static inline void
nvo_timer_start(struct nvo_timer *t, nvo_time_t delay)
{
    nvo_timer_start_at(t, t->e->now + delay);
}

/* Stops the timer: its callback will not run.  Cancels the queued event
 * (O(1) on every backend), so a stopped timer leaves nothing pending.
 * Does nothing to a stopped timer. */
void nvo_timer_stop(struct nvo_timer *);

/* True if the timer is started and has neither expired nor been stopped. */
static inline bool
nvo_timer_is_armed(const struct nvo_timer *t)
{
    return t->armed;
}

/* The time the timer expires (meaningful while armed). */
static inline nvo_time_t
nvo_timer_expiry(const struct nvo_timer *t)
{
    return t->expiry;
}

/* For backends: account one executed event at time 't' (sets now, counts
 * it, folds 't' into the fingerprint).  Call just before the callback. */
static inline void
nvo_engine_account__(struct nvo_engine *e, nvo_time_t t)
{
    uint64_t h = (e->fingerprint ^ (uint64_t) t) * 0x100000001b3ull;
    e->fingerprint = h ^ (h >> 29);
    e->now = t;
    e->n_executed++;
}

/* For backends: the initial fingerprint value. */
#define NVO_ENGINE_FINGERPRINT_INIT 0xcbf29ce484222325ull

#endif /* NVO_ENGINE_H */
