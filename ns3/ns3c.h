/* ns3c.h: libns3c, a thin C API over ns-3's Simulator.
 *
 * Scope: what a discrete-event engine needs from ns-3 and nothing more:
 * pick a scheduler, schedule a C callback at a time in picoseconds, cancel
 * it by handle, read the clock, run (to the end, or up to a time), stop,
 * and destroy so that a new simulation can start in the same process.
 * ns-3 models (links, queues, pcap) are not wrapped here.
 *
 * Time.  The first ns3c_init() in a process sets ns-3's time resolution to
 * picoseconds (Time::SetResolution(Time::PS)) before ns-3 is used; every
 * time here is then an int64 count of picoseconds, as nvo_time_t.  ns-3
 * allows that only once per process and only before the first
 * Simulator::Run(), so a process must not use ns-3 directly before it.
 *
 * Singleton.  ns-3's Simulator is one per process, so libns3c has one
 * simulation at a time: between ns3c_init() and ns3c_destroy().  Nothing
 * here is thread-safe; use it from one thread.
 *
 * Events.  Equal-time events run in the order they were scheduled (ns-3
 * orders by (timestamp, uid), and uids grow with each schedule; ns-3's uid
 * is 32 bits, so this holds for the first 2^32 events of a simulation).  A
 * handle is (generation << 32 | slot) into a pooled slot table; a slot is
 * freed when its event runs or is cancelled and gets a new generation when
 * it is reused, so a stale handle is always safe to cancel.  A cancelled event
 * stays in ns-3's queue, marked cancelled, until its time (EventImpl::
 * Cancel(), as Simulator::Cancel() does); it no longer counts as pending.
 *
 * Cost per event on top of plain ns-3: a 16-byte slot in the table (no
 * allocation on the C side once the table has grown), a trampoline call
 * and a Simulator::Now() call; the EventImpl that ns-3 allocates per
 * event, as for any event, is a 40-byte subclass holding the callback.
 *
 * Errors: functions return 0 or a positive errno, a bool, or a handle
 * that is 0 on a caller error.  No C++ exception crosses this API; memory
 * exhaustion inside ns-3 or the slot table aborts the process. */
#ifndef NS3C_H
#define NS3C_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A handle to a scheduled event; 0 (NS3C_EVENT_NONE) is never valid. */
typedef uint64_t ns3c_event_id;
#define NS3C_EVENT_NONE ((ns3c_event_id) 0)

/* An event callback; 'arg' is what was given to schedule. */
typedef void ns3c_fn(void *arg);

/* Called just before each event's callback with the event's time 't' (ps);
 * ns3c_now() == t at that point.  The ns3 engine backend counts events and
 * updates its clock here. */
typedef void ns3c_hook_fn(void *ctx, int64_t t);

/* Scheduler names: "map" (ns3::MapScheduler, ns-3's default), "heap",
 * "list", "calendar", "priority-queue" (ns3::PriorityQueueScheduler). */
#define NS3C_SCHEDULER_DEFAULT "map"

/* The ns-3 TypeId name for scheduler 'name' ("map" ->
 * "ns3::MapScheduler"); NULL or "" means the default.  NULL if unknown. */
const char *ns3c_scheduler_type(const char *name);

/* The scheduler names, separated by ", " (for --help). */
const char *ns3c_scheduler_names(void);

/* Starts a simulation at time 0 with scheduler 'name' (NULL or "" = "map").
 * Returns 0, ENOENT for an unknown scheduler, EBUSY if a simulation exists
 * already (call ns3c_destroy() first), ENOMEM. */
int ns3c_init(const char *scheduler);

/* Ends the simulation: Simulator::Destroy(), which frees the events still
 * pending without running them; then a new ns3c_init() may follow.  The
 * hook is cleared.  Does nothing if no simulation exists.  Must not be
 * called from a callback (aborts). */
void ns3c_destroy(void);

/* True between ns3c_init() and ns3c_destroy(). */
bool ns3c_is_initialized(void);

/* Sets the hook called before each callback (NULL to remove). */
void ns3c_set_hook(ns3c_hook_fn *hook, void *ctx);

/* Schedules fn(arg) at absolute time 'at' (>= ns3c_now()), or after
 * 'delay' (>= 0) from now.  Returns the handle, or NS3C_EVENT_NONE if no
 * simulation exists, 'fn' is NULL or the time is in the past. */
ns3c_event_id ns3c_schedule_at(int64_t at, ns3c_fn *fn, void *arg);
ns3c_event_id ns3c_schedule(int64_t delay, ns3c_fn *fn, void *arg);

/* Cancels a pending event.  True if it was pending; false if it already
 * ran or was cancelled, or 'id' is NS3C_EVENT_NONE or not a handle of
 * this simulation. */
bool ns3c_cancel(ns3c_event_id id);

/* True if 'id' is scheduled and has neither run nor been cancelled. */
bool ns3c_is_pending(ns3c_event_id id);

/* Simulator::Now() in picoseconds; 0 if no simulation exists. */
int64_t ns3c_now(void);

/* Simulator::Now().GetSeconds(): the clock as ns-3 itself converts it
 * from its time steps (a check that the steps are picoseconds). */
double ns3c_now_seconds(void);

/* Number of events scheduled and neither run nor cancelled. */
uint64_t ns3c_n_pending(void);

/* Events executed (callbacks called) since ns3c_init(). */
uint64_t ns3c_n_executed(void);

/* Why a run returned. */
enum ns3c_run_end {
    NS3C_RUN_EMPTY,             /* no pending event is left */
    NS3C_RUN_STOPPED,           /* ns3c_stop() was called */
    NS3C_RUN_UNTIL,             /* ns3c_run_until() reached 'until' */
};

/* Runs events in (time, scheduling) order until none is pending or
 * ns3c_stop() is called (Simulator::Run()).  Sets *end (if not NULL).
 * Returns 0, EINVAL if no simulation exists, EBUSY from a callback. */
int ns3c_run(enum ns3c_run_end *end);

/* Runs every event at a time <= 'until', in (time, scheduling) order,
 * then advances the clock to 'until' (ns3c_now() == until) and returns
 * NS3C_RUN_UNTIL -- also when no event is left -- unless ns3c_stop() was
 * called first (NS3C_RUN_STOPPED; the clock stays at the stopping event).
 * This is Simulator::Stop(until - now) + Simulator::Run(), except that
 * events scheduled during the run at exactly 'until' also run (with
 * Stop(delay), those scheduled after its stop event would wait for the
 * next run).  'until' == INT64_MAX means no limit: as ns3c_run().
 * Returns 0, EINVAL if no simulation exists or 'until' <
 * now, EBUSY from a callback. */
int ns3c_run_until(int64_t until, enum ns3c_run_end *end);

/* Makes the current run return after the running callback
 * (Simulator::Stop()).  Outside a run it does nothing. */
void ns3c_stop(void);

#ifdef __cplusplus
}
#endif

#endif /* NS3C_H */
