/* ns3_hold.cc: the hold benchmark as a plain ns-3 program (no nvosim, no
 * libns3c), to show what libns3c adds on top of ns-3 itself.
 *
 * Same model as "nvosim bench hold" (bench/hold.h): N events always
 * pending, N starting at Exp(1 us) from 0, each event scheduling one new
 * event at now + Exp(1 us), stopping after M events; time resolution ps;
 * only the run phase is timed.  The draws come from ns-3's own
 * ExponentialRandomVariable (MRG32k3a), so the event sequence is not the
 * one nvosim's runs execute -- it is statistically the same model, and
 * the rate is comparable, the fingerprint is not.  Events are scheduled
 * the ordinary ns-3 way, Simulator::Schedule(delay, &function).
 *
 *   ns3-hold --pending=100000 --events=2000000 --scheduler=map --seed=1 */
#include <sys/resource.h>
#include <time.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include <ns3/command-line.h>
#include <ns3/double.h>
#include <ns3/nstime.h>
#include <ns3/object-factory.h>
#include <ns3/random-variable-stream.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>

using namespace ns3;

namespace {

Ptr<ExponentialRandomVariable> g_exp;
uint64_t g_left;

void
Hold()
{
    Simulator::Schedule(TimeStep(static_cast<int64_t>(g_exp->GetValue())),
                        &Hold);
    if (--g_left == 0) {
        Simulator::Stop();
    }
}

double
MonoSeconds()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

} // namespace

int
main(int argc, char** argv)
{
    uint64_t pending = 100000;
    uint64_t events = 2000000;
    uint32_t seed = 1;
    std::string scheduler = "map";

    CommandLine cmd(__FILE__);
    cmd.AddValue("pending", "events pending at all times (N)", pending);
    cmd.AddValue("events", "events to execute (M)", events);
    cmd.AddValue("seed", "ns-3 RngSeed", seed);
    cmd.AddValue("scheduler", "map, heap, list, calendar, priority-queue", scheduler);
    cmd.Parse(argc, argv);

    const char* type = nullptr;
    if (scheduler == "map") {
        type = "ns3::MapScheduler";
    } else if (scheduler == "heap") {
        type = "ns3::HeapScheduler";
    } else if (scheduler == "list") {
        type = "ns3::ListScheduler";
    } else if (scheduler == "calendar") {
        type = "ns3::CalendarScheduler";
    } else if (scheduler == "priority-queue") {
        type = "ns3::PriorityQueueScheduler";
    } else {
        std::fprintf(stderr, "ns3-hold: unknown scheduler \"%s\"\n", scheduler.c_str());
        return 2;
    }
    if (pending == 0 || events == 0) {
        std::fprintf(stderr, "ns3-hold: --pending and --events must be >= 1\n");
        return 2;
    }

    Time::SetResolution(Time::PS);
    RngSeedManager::SetSeed(seed);
    ObjectFactory factory;
    factory.SetTypeId(type);
    Simulator::SetScheduler(factory);

    g_exp = CreateObject<ExponentialRandomVariable>();
    g_exp->SetAttribute("Mean", DoubleValue(1e6)); // 1 us in ps
    g_left = events;

    double t0 = MonoSeconds();
    for (uint64_t i = 0; i < pending; i++) {
        Simulator::Schedule(TimeStep(static_cast<int64_t>(g_exp->GetValue())), &Hold);
    }
    double t1 = MonoSeconds();
    Simulator::Run();
    double t2 = MonoSeconds();
    uint64_t executed = Simulator::GetEventCount();
    Time end = Simulator::Now();
    Simulator::Destroy();

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double run = t2 - t1;
    std::printf("ns3-hold: plain ns-3, scheduler %s, N=%llu pending, M=%llu events, seed %u\n",
                scheduler.c_str(),
                static_cast<unsigned long long>(pending),
                static_cast<unsigned long long>(events),
                seed);
    std::printf("  executed     %llu events in %.3f s (run phase)\n",
                static_cast<unsigned long long>(executed),
                run);
    std::printf("  rate         %.0f events/s\n", run > 0 ? static_cast<double>(executed) / run : 0.0);
    std::printf("  setup        %.3f s (schedule N)\n", t1 - t0);
    std::printf("  peak RSS     %.1f MiB\n", static_cast<double>(ru.ru_maxrss) / 1024.0);
    std::printf("  simulated    %lld ps\n", static_cast<long long>(end.GetTimeStep()));
    return 0;
}
