/* engine_ns3.c: the "ns3" engine backend: model/core/engine.h on ns-3's
 * Simulator, through libns3c (ns3c.h).
 *
 * Scheduler names are libns3c's: "map" (ns3::MapScheduler, ns-3's default
 * and this backend's), "heap", "list", "calendar", "priority-queue".
 *
 * One engine at a time.  ns-3's Simulator is a process-wide singleton, so
 * only one ns3 engine may exist in a process at a time: create returns
 * EBUSY while another one exists; destroy it first (Simulator::Destroy()
 * then lets a new one start from time 0).
 *
 * Same events as native.  Handles, cancel and n_pending map one to one onto
 * libns3c's (pending = scheduled, not run, not cancelled).  libns3c calls
 * a hook just before each callback with the event's time, and the hook
 * calls nvo_engine_account__(), so now, n_executed and the fingerprint
 * evolve exactly as on the native backend for the same event sequence;
 * ns-3 breaks equal-time ties by uid, i.e. in scheduling order, as native
 * does by sequence number.  run(until) has the native backend's semantics:
 * every event at <= until runs; then, unless stop() ended the run, now
 * becomes 'until' (also when no event was left; ns-3's clock moves with it,
 * as with Simulator::Stop(delay)).  until == NVO_TIME_MAX runs until no
 * event is left and leaves now at the last event.
 *
 * This file lives in libns3c, a shared library that libnvosim links, so it
 * uses only the inline parts of engine.h, nvo.h and units.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/engine.h"
#include "ns3c.h"

struct ns3_engine {
    struct nvo_engine up;
};

static void
ns3_account(void *ctx, int64_t t)
{
    nvo_engine_account__(ctx, t);
}

static int
ns3_create(const char *scheduler, struct nvo_engine **out)
{
    if (!ns3c_scheduler_type(scheduler)) {
        return ENOENT;
    }
    if (ns3c_is_initialized()) {
        return EBUSY;
    }
    struct ns3_engine *ne = calloc(1, sizeof *ne);
    if (!ne) {
        return ENOMEM;
    }
    int error = ns3c_init(scheduler);
    if (error) {
        free(ne);
        return error;
    }
    ne->up.ops = &nvo_engine_ns3_ops;
    ne->up.fingerprint = NVO_ENGINE_FINGERPRINT_INIT;
    ns3c_set_hook(ns3_account, &ne->up);
    *out = &ne->up;
    return 0;
}

static void
ns3_destroy(struct nvo_engine *e)
{
    ns3c_destroy();
    free(NVO_CONTAINER_OF(e, struct ns3_engine, up));
}

static nvo_event_id
ns3_schedule(struct nvo_engine *e, nvo_time_t at, nvo_event_fn *fn,
             void *arg)
{
    nvo_event_id id = ns3c_schedule_at(at, fn, arg);
    if (NVO_UNLIKELY(id == NVO_EVENT_NONE)) {
        fprintf(stderr, "nvosim: ns3 engine: cannot schedule an event at "
                "%lld ps (now %lld ps)\n", (long long) at,
                (long long) e->now);
        abort();
    }
    e->n_scheduled++;
    return id;
}

static bool
ns3_cancel(struct nvo_engine *e, nvo_event_id id)
{
    if (!ns3c_cancel(id)) {
        return false;
    }
    e->n_cancelled++;
    return true;
}

static uint64_t
ns3_run(struct nvo_engine *e, nvo_time_t until)
{
    uint64_t n0 = e->n_executed;
    enum ns3c_run_end end;
    if (until < e->now || ns3c_run_until(until, &end)) {
        return 0;
    }
    if (end == NS3C_RUN_UNTIL) {
        e->now = until;
    }
    return e->n_executed - n0;
}

static void
ns3_stop(struct nvo_engine *e)
{
    (void) e;
    ns3c_stop();
}

static uint64_t
ns3_n_pending(const struct nvo_engine *e)
{
    (void) e;
    return ns3c_n_pending();
}

const struct nvo_engine_ops nvo_engine_ns3_ops = {
    .name = "ns3",
    .create = ns3_create,
    .destroy = ns3_destroy,
    .schedule = ns3_schedule,
    .cancel = ns3_cancel,
    .run = ns3_run,
    .stop = ns3_stop,
    .n_pending = ns3_n_pending,
};
