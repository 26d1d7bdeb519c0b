/* ns3_timers.cc: the timer benchmark ("nvosim bench timers", bench/timers.c)
 * as a plain ns-3 program (no nvosim, no libns3c): T timers, each
 * restarted to now + timeout by messages that arrive for it every
 * Exp(1 us), so it fires only after a silence of one timeout.  Restarting
 * is done the way ns-3 models do it, with an ns3::Timer per peer:
 * Timer::Cancel() then Timer::Schedule() (Timer has no restart; both are
 * Simulator::Cancel and Simulator::Schedule underneath, and the cancelled
 * event stays in the scheduler until its time).  After a warm-up of one
 * timeout of simulated time, M restarts are timed.  The draws come from
 * ns-3's ExponentialRandomVariable, so the event sequence is another
 * sample of the same model (comparable rates, no common fingerprint).
 *
 *   ns3-timers --timers=100000 --timeout-ps=10000000 --restarts=5000000 \
 *              --scheduler=map --seed=1 */
#include <time.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <sys/resource.h>

#include <ns3/command-line.h>
#include <ns3/double.h>
#include <ns3/nstime.h>
#include <ns3/object-factory.h>
#include <ns3/random-variable-stream.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>
#include <ns3/timer.h>

using namespace ns3;

namespace {

Ptr<ExponentialRandomVariable> g_exp;
Time g_timeout;
uint64_t g_restarts;
uint64_t g_stop_after = UINT64_MAX;
uint64_t g_fires;
std::vector<Timer>* g_timers;

void
Expire()
{
    g_fires++;
}

void
Message(uint32_t i)
{
    Timer& t = (*g_timers)[i];
    t.Cancel();
    t.Schedule(g_timeout);
    Simulator::Schedule(TimeStep(static_cast<int64_t>(g_exp->GetValue())), &Message, i);
    if (++g_restarts == g_stop_after) {
        Simulator::Stop();
    }
}

double
Clock(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

} // namespace

int
main(int argc, char** argv)
{
    uint32_t timers = 100000;
    uint64_t timeoutPs = 10000000;
    uint64_t restarts = 5000000;
    uint32_t seed = 1;
    std::string scheduler = "map";

    CommandLine cmd(__FILE__);
    cmd.AddValue("timers", "timers (T)", timers);
    cmd.AddValue("timeout-ps", "the timeout in ps", timeoutPs);
    cmd.AddValue("restarts", "timed restarts (M)", restarts);
    cmd.AddValue("seed", "ns-3 RngSeed", seed);
    cmd.AddValue("scheduler", "map, heap, calendar, priority-queue", scheduler);
    cmd.Parse(argc, argv);

    const char* type = nullptr;
    if (scheduler == "map") {
        type = "ns3::MapScheduler";
    } else if (scheduler == "heap") {
        type = "ns3::HeapScheduler";
    } else if (scheduler == "calendar") {
        type = "ns3::CalendarScheduler";
    } else if (scheduler == "priority-queue") {
        type = "ns3::PriorityQueueScheduler";
    } else {
        std::fprintf(stderr, "ns3-timers: unknown scheduler \"%s\"\n", scheduler.c_str());
        return 2;
    }
    if (timers == 0 || restarts == 0 || timeoutPs == 0) {
        std::fprintf(stderr, "ns3-timers: --timers, --restarts and --timeout-ps must be >= 1\n");
        return 2;
    }

    Time::SetResolution(Time::PS);
    RngSeedManager::SetSeed(seed);
    ObjectFactory factory;
    factory.SetTypeId(type);
    Simulator::SetScheduler(factory);
    g_exp = CreateObject<ExponentialRandomVariable>();
    g_exp->SetAttribute("Mean", DoubleValue(1e6)); // 1 us in ps
    g_timeout = TimeStep(static_cast<int64_t>(timeoutPs));

    double t0 = Clock(CLOCK_MONOTONIC);
    std::vector<Timer> all(timers, Timer(Timer::CANCEL_ON_DESTROY));
    g_timers = &all;
    for (uint32_t i = 0; i < timers; i++) {
        all[i].SetFunction(&Expire);
        Simulator::Schedule(TimeStep(static_cast<int64_t>(g_exp->GetValue())), &Message, i);
    }
    Simulator::Stop(g_timeout); // warm-up
    Simulator::Run();
    double t1 = Clock(CLOCK_MONOTONIC);
    double c1 = Clock(CLOCK_PROCESS_CPUTIME_ID);
    uint64_t e0 = Simulator::GetEventCount();
    uint64_t r0 = g_restarts;
    g_stop_after = g_restarts + restarts;
    Simulator::Run();
    double t2 = Clock(CLOCK_MONOTONIC);
    double c2 = Clock(CLOCK_PROCESS_CPUTIME_ID);
    uint64_t events = Simulator::GetEventCount() - e0;
    uint64_t done = g_restarts - r0;
    Time end = Simulator::Now();
    for (auto& t : all) {
        t.Cancel();
    }
    Simulator::Destroy();

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double run = t2 - t1, cpu = c2 - c1;
    std::printf("ns3-timers: plain ns-3, scheduler %s, T=%u timers, timeout %llu ps, M=%llu restarts, seed %u\n",
                scheduler.c_str(), timers, static_cast<unsigned long long>(timeoutPs),
                static_cast<unsigned long long>(restarts), seed);
    std::printf("  executed     %llu events, %llu restarts in %.3f s (%.3f s of CPU)\n",
                static_cast<unsigned long long>(events), static_cast<unsigned long long>(done), run, cpu);
    std::printf("  rate         %.0f events/s, %.0f restarts/s (per CPU second: %.0f, %.0f)\n",
                events / run, done / run, events / cpu, done / cpu);
    std::printf("  fires        %llu\n", static_cast<unsigned long long>(g_fires));
    std::printf("  setup        %.3f s (schedule T, warm-up)\n", t1 - t0);
    std::printf("  peak RSS     %.1f MiB\n", static_cast<double>(ru.ru_maxrss) / 1024.0);
    std::printf("  simulated    %lld ps\n", static_cast<long long>(end.GetTimeStep()));
    return 0;
}
