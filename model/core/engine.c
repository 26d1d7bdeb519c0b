/* engine.c: the registry of engine backends, and timers (on any backend,
 * through the ops).  See engine.h. */
#include "core/engine.h"

#include <errno.h>

static const struct nvo_engine_ops *const backends[] = {
    &nvo_engine_native_ops,
#ifdef NVO_HAVE_NS3
    &nvo_engine_ns3_ops,
#endif
};

const struct nvo_engine_ops *
nvo_engine_lookup(const char *name)
{
    for (size_t i = 0; i < NVO_ARRAY_SIZE(backends); i++) {
        if (!strcmp(backends[i]->name, name)) {
            return backends[i];
        }
    }
    return NULL;
}

const char *
nvo_engine_names(void)
{
#ifdef NVO_HAVE_NS3
    return "native, ns3";
#else
    return "native";
#endif
}

int
nvo_engine_create(const char *name, const char *scheduler,
                  struct nvo_engine **out)
{
    const struct nvo_engine_ops *ops = nvo_engine_lookup(name ? name
                                                         : "native");
    if (!ops) {
        return ENOENT;
    }
    return ops->create(scheduler, out);
}

/* ---- Timers ---- */

static void timer_event__(void *);

static void
timer_queue__(struct nvo_timer *t, nvo_time_t at)
{
    t->ev = nvo_engine_schedule_at(t->e, at, timer_event__, t);
    t->event_at = at;
}

/* The timer's queued event: it expires, or it was pushed back and queues
 * itself again at the expiry. */
static void
timer_event__(void *arg)
{
    struct nvo_timer *t = arg;
    t->ev = NVO_EVENT_NONE;
    if (!t->armed) {
        return;                 /* cannot happen: stop cancels */
    }
    if (t->expiry > t->e->now) {
        timer_queue__(t, t->expiry);
        return;
    }
    t->armed = false;
    t->fn(t->arg);
}

void
nvo_timer_init(struct nvo_timer *t, struct nvo_engine *e, nvo_event_fn *fn,
               void *arg)
{
    *t = (struct nvo_timer) {
        .e = e, .fn = fn, .arg = arg, .ev = NVO_EVENT_NONE,
    };
}

void
nvo_timer_start_at(struct nvo_timer *t, nvo_time_t at)
{
    t->expiry = at;
    t->armed = true;
    if (t->ev != NVO_EVENT_NONE) {
        if (t->event_at <= at) {
            return;             /* the queued event will catch up */
        }
        nvo_engine_cancel(t->e, t->ev);
    }
    timer_queue__(t, at);
}

void
nvo_timer_stop(struct nvo_timer *t)
{
    t->armed = false;
    if (t->ev != NVO_EVENT_NONE) {
        nvo_engine_cancel(t->e, t->ev);
        t->ev = NVO_EVENT_NONE;
    }
}
