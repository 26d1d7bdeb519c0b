/* ns3c.cc: libns3c, the C API over ns-3's Simulator.  See ns3c.h.
 *
 * One event = one ns3c_event (an ns-3 EventImpl subclass, 40 bytes,
 * holding the C callback, its argument and its slot; Notify() is the
 * trampoline into C) + one 16-byte slot in a pooled table that makes
 * handles safe.  ns-3 allocates and frees the EventImpl as for any event
 * (MakeEvent() would too); the slot table only grows (doubling), and freed
 * slots are reused last-in first-out, so the slot an event frees is the
 * one, still in the cache, that the next schedule takes.  The time given
 * to the hook is Simulator::Now(), which ns-3 has just set to the event's
 * timestamp.
 *
 * run_until: a private "stop event" at 'until' ends the run, and leaves
 * the clock at 'until', as Simulator::Stop(delay) does.  Events that are
 * scheduled at exactly 'until' after it would run after it (ns-3 ties go
 * by uid), so schedule counts them and the stop event, when it fires,
 * reschedules itself behind them until none is left.
 *
 * run (no limit): when the last pending event has run, the trampoline
 * stops the run at once, so the clock stays at that event and does not
 * move on to cancelled events still in ns-3's queue.
 *
 * Every extern "C" function catches all exceptions; ns-3's own fatal
 * errors terminate the process, as in any ns-3 program. */
#include "ns3c.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <ns3/event-impl.h>
#include <ns3/nstime.h>
#include <ns3/object-factory.h>
#include <ns3/simulator.h>

namespace {

class ns3c_event;

/* A handle's slot.  The generation changes each time the slot is taken,
 * so a handle (gen, index) is live iff the slot's 'ev' is set and its
 * generation is the handle's.  The trampoline only writes the slot (two
 * stores), so a run does not wait for a cache miss on the table. */
struct slot {
    ns3c_event *ev;             /* NULL when free */
    uint32_t gen;               /* never 0 */
    uint32_t next_free;         /* free-list link, NO_SLOT = end */
};

struct state {
    bool initialized;
    bool resolution_set;        /* Time::SetResolution done (once/process) */
    bool running;
    struct slot *slots;
    uint32_t n_slots;
    uint32_t free_head;
    uint64_t n_live;
    uint64_t n_executed;
    ns3c_hook_fn *hook;
    void *hook_ctx;
    ns3c_run_end end;
    bool end_set;
    /* run_until's stop event */
    ns3::EventImpl *stop_impl;  /* pending stop event, or NULL */
    int64_t stop_at;
    uint64_t n_at_stop;         /* events scheduled at stop_at behind it */
};

state g;

const uint32_t NO_SLOT = UINT32_MAX;

struct scheduler_name {
    const char *name;
    const char *type;
};

const scheduler_name schedulers[] = {
    {"map", "ns3::MapScheduler"},
    {"heap", "ns3::HeapScheduler"},
    {"list", "ns3::ListScheduler"},
    {"calendar", "ns3::CalendarScheduler"},
    {"priority-queue", "ns3::PriorityQueueScheduler"},
};

[[noreturn]] void
die(const char *what)
{
    std::fprintf(stderr, "ns3c: %s\n", what);
    std::abort();
}

void
end_run(ns3c_run_end end)
{
    if (!g.end_set) {
        g.end = end;
        g.end_set = true;
    }
    ns3::Simulator::Stop();
}

int64_t
now_ps()
{
    return ns3::Simulator::Now().GetTimeStep();
}

uint32_t
next_gen(uint32_t gen)
{
    return gen + 1 ? gen + 1 : 1;
}

/* An event: the callback and the slot of its handle.  The trampoline
 * frees the slot, then calls the hook and the callback. */
class ns3c_event : public ns3::EventImpl
{
  public:
    ns3c_event(ns3c_fn *fn, void *arg, uint32_t idx)
        : m_fn(fn), m_arg(arg), m_idx(idx)
    {
    }

    /* Frees the slot (stores only: see struct slot). */
    void FreeSlot()
    {
        struct slot *s = &g.slots[m_idx];
        s->ev = nullptr;
        s->next_free = g.free_head;
        g.free_head = m_idx;
        g.n_live--;
    }

  protected:
    void Notify() override
    {
        FreeSlot();
        g.n_executed++;
        if (g.hook) {
            g.hook(g.hook_ctx, now_ps());
        }
        m_fn(m_arg);
        if (g.n_live == 0 && !g.stop_impl) {
            end_run(NS3C_RUN_EMPTY);
        }
    }

  private:
    ns3c_fn *m_fn;
    void *m_arg;
    uint32_t m_idx;
};

void schedule_stop(int64_t delay);

class stop_event : public ns3::EventImpl
{
  protected:
    void Notify() override
    {
        g.stop_impl = nullptr;
        if (g.n_at_stop) {
            /* Events at 'until' were scheduled behind us: go behind them. */
            g.n_at_stop = 0;
            schedule_stop(0);
        } else {
            end_run(NS3C_RUN_UNTIL);
        }
    }
};

void
schedule_stop(int64_t delay)
{
    stop_event *ev = new stop_event;
    ns3::Simulator::Schedule(ns3::TimeStep(delay),
                             ns3::Ptr<ns3::EventImpl>(ev, false));
    g.stop_impl = ev;
}

void
grow_slots()
{
    uint64_t n = g.n_slots ? (uint64_t) g.n_slots * 2 : 1024;
    if (n > NO_SLOT) {
        n = NO_SLOT;
    }
    if (n <= g.n_slots) {
        die("too many pending events");
    }
    void *p = std::realloc(g.slots, n * sizeof *g.slots);
    if (!p) {
        die("out of memory");
    }
    g.slots = static_cast<struct slot *>(p);
    /* Chain the new slots so that the lowest index comes out first. */
    for (uint64_t i = n; i-- > g.n_slots;) {
        g.slots[i].ev = nullptr;
        g.slots[i].gen = 1;
        g.slots[i].next_free = g.free_head;
        g.free_head = (uint32_t) i;
    }
    g.n_slots = (uint32_t) n;
}

void
free_slots()
{
    std::free(g.slots);
    g.slots = nullptr;
    g.n_slots = 0;
    g.free_head = NO_SLOT;
    g.n_live = 0;
}

/* The slot of a live handle, or NULL. */
struct slot *
live_slot(ns3c_event_id id)
{
    uint32_t idx = (uint32_t) id;
    uint32_t gen = (uint32_t) (id >> 32);
    if (!g.initialized || idx >= g.n_slots) {
        return nullptr;
    }
    struct slot *s = &g.slots[idx];
    return s->ev && s->gen == gen ? s : nullptr;
}

ns3c_event_id
schedule_delay(int64_t delay, int64_t at, ns3c_fn *fn, void *arg)
{
    if (g.free_head == NO_SLOT) {
        grow_slots();
    }
    uint32_t idx = g.free_head;
    struct slot *s = &g.slots[idx];
    ns3c_event *ev = new ns3c_event(fn, arg, idx);
    g.free_head = s->next_free;
    s->gen = next_gen(s->gen);
    s->ev = ev;
    g.n_live++;
    if (g.stop_impl && at == g.stop_at) {
        g.n_at_stop++;
    }
    ns3::Simulator::Schedule(ns3::TimeStep(delay),
                             ns3::Ptr<ns3::EventImpl>(ev, false));
    return ((uint64_t) s->gen << 32) | idx;
}

int
run(int64_t until, ns3c_run_end *end)
{
    if (!g.initialized) {
        return EINVAL;
    }
    if (g.running) {
        return EBUSY;
    }
    int64_t now = now_ps();
    if (until < now) {
        return EINVAL;
    }
    g.end = NS3C_RUN_EMPTY;
    g.end_set = false;
    if (g.n_live || until != INT64_MAX) {
        if (until != INT64_MAX) {
            g.stop_at = until;
            g.n_at_stop = 0;
            schedule_stop(until - now);
        }
        g.running = true;
        ns3::Simulator::Run();
        g.running = false;
        if (g.stop_impl) {
            g.stop_impl->Cancel();
            g.stop_impl = nullptr;
        }
    }
    if (end) {
        *end = g.end;
    }
    return 0;
}

} // namespace

extern "C" {

const char *
ns3c_scheduler_type(const char *name)
{
    if (!name || !*name) {
        name = NS3C_SCHEDULER_DEFAULT;
    }
    for (const scheduler_name &s : schedulers) {
        if (!std::strcmp(s.name, name)) {
            return s.type;
        }
    }
    return nullptr;
}

const char *
ns3c_scheduler_names(void)
{
    return "map, heap, list, calendar, priority-queue";
}

int
ns3c_init(const char *scheduler)
{
    if (g.initialized) {
        return EBUSY;
    }
    const char *type = ns3c_scheduler_type(scheduler);
    if (!type) {
        return ENOENT;
    }
    try {
        ns3::TypeId tid;
        if (!ns3::TypeId::LookupByNameFailSafe(type, &tid)) {
            return ENOENT;
        }
        if (!g.resolution_set) {
            ns3::Time::SetResolution(ns3::Time::PS);
            g.resolution_set = true;
        }
        ns3::ObjectFactory factory;
        factory.SetTypeId(tid);
        ns3::Simulator::SetScheduler(factory);
    } catch (...) {
        return ENOMEM;
    }
    free_slots();
    g.n_executed = 0;
    g.hook = nullptr;
    g.hook_ctx = nullptr;
    g.stop_impl = nullptr;
    g.initialized = true;
    return 0;
}

void
ns3c_destroy(void)
{
    if (!g.initialized) {
        return;
    }
    if (g.running) {
        die("ns3c_destroy() called from an event callback");
    }
    try {
        ns3::Simulator::Destroy();
    } catch (...) {
        die("Simulator::Destroy() threw");
    }
    free_slots();
    g.hook = nullptr;
    g.hook_ctx = nullptr;
    g.stop_impl = nullptr;
    g.initialized = false;
}

bool
ns3c_is_initialized(void)
{
    return g.initialized;
}

void
ns3c_set_hook(ns3c_hook_fn *hook, void *ctx)
{
    g.hook = hook;
    g.hook_ctx = ctx;
}

ns3c_event_id
ns3c_schedule_at(int64_t at, ns3c_fn *fn, void *arg)
{
    if (!g.initialized || !fn) {
        return NS3C_EVENT_NONE;
    }
    try {
        int64_t now = now_ps();
        if (at < now) {
            return NS3C_EVENT_NONE;
        }
        return schedule_delay(at - now, at, fn, arg);
    } catch (...) {
        die("out of memory");
    }
}

ns3c_event_id
ns3c_schedule(int64_t delay, ns3c_fn *fn, void *arg)
{
    if (!g.initialized || !fn || delay < 0) {
        return NS3C_EVENT_NONE;
    }
    try {
        int64_t now = now_ps();
        if (delay > INT64_MAX - now) {
            return NS3C_EVENT_NONE;
        }
        return schedule_delay(delay, now + delay, fn, arg);
    } catch (...) {
        die("out of memory");
    }
}

bool
ns3c_cancel(ns3c_event_id id)
{
    struct slot *s = live_slot(id);
    if (!s) {
        return false;
    }
    s->ev->Cancel();
    s->ev->FreeSlot();
    return true;
}

bool
ns3c_is_pending(ns3c_event_id id)
{
    return live_slot(id) != nullptr;
}

int64_t
ns3c_now(void)
{
    if (!g.initialized) {
        return 0;
    }
    try {
        return now_ps();
    } catch (...) {
        return 0;
    }
}

double
ns3c_now_seconds(void)
{
    if (!g.initialized) {
        return 0;
    }
    try {
        return ns3::Simulator::Now().GetSeconds();
    } catch (...) {
        return 0;
    }
}

uint64_t
ns3c_n_pending(void)
{
    return g.n_live;
}

uint64_t
ns3c_n_executed(void)
{
    return g.n_executed;
}

int
ns3c_run(enum ns3c_run_end *end)
{
    try {
        return run(INT64_MAX, end);
    } catch (...) {
        g.running = false;
        return ENOMEM;
    }
}

int
ns3c_run_until(int64_t until, enum ns3c_run_end *end)
{
    try {
        return run(until, end);
    } catch (...) {
        g.running = false;
        return ENOMEM;
    }
}

void
ns3c_stop(void)
{
    if (g.running) {
        if (!g.end_set) {
            g.end = NS3C_RUN_STOPPED;
            g.end_set = true;
        }
        ns3::Simulator::Stop();
    }
}

} // extern "C"
