/* ns3_leafspine.cc: the leaf-spine packet benchmark as a plain ns-3
 * program (ns-3's own models only: no nvosim, no libns3c), the reference
 * that "nvosim bench fabric --compare" runs next to nvosim's fabric.
 *
 * The same fabric and traffic as bench/fabric.c: S spines, L leaves, H
 * hosts per leaf; every leaf linked to every spine, every host to its
 * leaf, all links PointToPointHelper at the same rate and delay with a
 * byte-limited DropTail device queue.  Every host runs F UdpClient flows
 * (constant bit rate) to host h of leaf (L + 1) mod leaves, each to that
 * host's UdpServer; the flows of the whole fabric start at staggered
 * offsets within one interval and stop at the duration, then the run goes
 * on until the network is empty.  The intervals and offsets are computed
 * with the same formulas, in picoseconds, as on the nvosim side, so both
 * sides send the same packets at the same times.
 *
 * ns-3 specifics:
 *   - routing: Ipv4GlobalRoutingHelper::PopulateRoutingTables() with
 *     ns3::Ipv4GlobalRouting::RandomEcmpRouting = true.  ns-3 3.37 has
 *     only this random per-packet choice among equal-cost routes, no
 *     flow hash.
 *   - the root queue discs that Ipv4AddressHelper::Assign installs by
 *     default (TrafficControlHelper::Default(): an FqCoDelQueueDisc per
 *     device) are removed with TrafficControlHelper::Uninstall, so each
 *     port has one drop-tail queue as in nvosim (--traffic-control=true
 *     keeps them).
 *   - framing: PPP adds 2 bytes per frame; there is no Ethernet header,
 *     FCS, preamble or inter-frame gap.
 *   - UdpClient's PacketSize is the UDP payload; it is set to
 *     pkt-size - 28 so that IP packets are pkt-size bytes.
 *
 * Counted: packet-hops = packets that left a device = for each device
 * queue, packets enqueued - dropped after dequeue - still queued (DropTail
 * drops before enqueue, which ns-3 does not count as enqueued; the queues
 * are empty when the run ends); sent = UdpClient::GetTotalTx / PacketSize; delivered =
 * UdpServer::GetReceived; dropped = device queue drops + queue-disc drops
 * + IPv4 drops (no route, TTL).  Only the run phase (Simulator::Run) is
 * timed.  The last output line is machine-readable, "result: key=value
 * ...", for "nvosim bench fabric --compare".
 *
 *   ns3-leafspine --spines=4 --leaves=8 --hosts-per-leaf=4 --rate=10Gbps
 *       --delay=1us --pkt-size=1000 --load=0.5 --duration=20ms
 *       --flows-per-host=4 --queue=1048576B */
#include <sys/resource.h>
#include <time.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <ns3/applications-module.h>
#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-module.h>
#include <ns3/traffic-control-module.h>

using namespace ns3;

namespace {

const uint16_t kServerPort = 9000;

uint64_t g_ipDrops;

void
IpDrop(const Ipv4Header&, Ptr<const Packet>, Ipv4L3Protocol::DropReason, Ptr<Ipv4>, uint32_t)
{
    g_ipDrops++;
}

double
MonoSeconds()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/* Interval between two packets of one flow, in ps: the host sends
 * load * rate in IP packets of pkt_size bytes, spread over 'flows' flows.
 * The same formula as fabric.c's. */
int64_t
FlowIntervalPs(uint32_t pktSize, double load, uint64_t rateBps, uint32_t flows)
{
    double hostPs =
        static_cast<double>(pktSize) * 8.0 * 1e12 / (load * static_cast<double>(rateBps));
    return static_cast<int64_t>(std::llround(hostPs)) * flows;
}

} // namespace

int
main(int argc, char** argv)
{
    /* Picoseconds, as nvosim: before any Time is made. */
    Time::SetResolution(Time::PS);

    uint32_t spines = 4;
    uint32_t leaves = 8;
    uint32_t hostsPerLeaf = 4;
    uint32_t flowsPerHost = 4;
    std::string rate = "10Gbps";
    std::string delay = "1us";
    std::string duration = "20ms";
    std::string queue = "1048576B";
    uint32_t pktSize = 1000;
    double load = 0.5;
    uint32_t seed = 1;
    bool trafficControl = false;

    CommandLine cmd(__FILE__);
    cmd.AddValue("spines", "spine switches", spines);
    cmd.AddValue("leaves", "leaf switches (>= 2)", leaves);
    cmd.AddValue("hosts-per-leaf", "hosts on each leaf", hostsPerLeaf);
    cmd.AddValue("flows-per-host", "UDP flows each host sends", flowsPerHost);
    cmd.AddValue("rate", "link rate (ns-3 DataRate)", rate);
    cmd.AddValue("delay", "link propagation delay", delay);
    cmd.AddValue("pkt-size", "IP packet size, bytes", pktSize);
    cmd.AddValue("load", "offered load per host, fraction of the link rate", load);
    cmd.AddValue("duration", "time the hosts send; then the network drains", duration);
    cmd.AddValue("queue", "device queue size (ns-3 QueueSize, e.g. 1048576B)", queue);
    cmd.AddValue("seed", "ns-3 RngSeed (the random ECMP draws)", seed);
    cmd.AddValue("traffic-control", "keep the default FqCoDel queue discs", trafficControl);
    cmd.Parse(argc, argv);

    if (spines < 1 || leaves < 2 || hostsPerLeaf < 1 || flowsPerHost < 1 || flowsPerHost > 1000 ||
        pktSize < 40 || pktSize > 1500 || !(load > 0) || load > 1) {
        std::fprintf(stderr,
                     "ns3-leafspine: need spines >= 1, leaves >= 2, hosts-per-leaf >= 1, "
                     "flows-per-host 1..1000, pkt-size 40..1500, 0 < load <= 1\n");
        return 2;
    }
    DataRate dataRate(rate);
    Time linkDelay(delay);
    Time sendTime(duration);
    if (dataRate.GetBitRate() == 0 || sendTime <= Time(0)) {
        std::fprintf(stderr, "ns3-leafspine: rate and duration must be > 0\n");
        return 2;
    }
    RngSeedManager::SetSeed(seed);
    Config::SetDefault("ns3::Ipv4GlobalRouting::RandomEcmpRouting", BooleanValue(true));

    double t0 = MonoSeconds();

    /* Nodes: spines, leaves, then hosts leaf by leaf. */
    NodeContainer spineNodes;
    NodeContainer leafNodes;
    NodeContainer hostNodes;
    spineNodes.Create(spines);
    leafNodes.Create(leaves);
    hostNodes.Create(leaves * hostsPerLeaf);
    InternetStackHelper stack;
    stack.InstallAll();

    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", DataRateValue(dataRate));
    p2p.SetChannelAttribute("Delay", TimeValue(linkDelay));
    p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize(queue)));

    /* A /30 per link, in the order nvosim adds its links. */
    Ipv4AddressHelper addr("10.0.0.0", "255.255.255.252");
    NetDeviceContainer allDevices;
    std::vector<Ipv4Address> hostAddr(hostNodes.GetN());
    for (uint32_t l = 0; l < leaves; l++) {
        for (uint32_t s = 0; s < spines; s++) {
            NetDeviceContainer d = p2p.Install(leafNodes.Get(l), spineNodes.Get(s));
            addr.Assign(d);
            addr.NewNetwork();
            allDevices.Add(d);
        }
    }
    for (uint32_t l = 0; l < leaves; l++) {
        for (uint32_t h = 0; h < hostsPerLeaf; h++) {
            uint32_t hi = l * hostsPerLeaf + h;
            NetDeviceContainer d = p2p.Install(hostNodes.Get(hi), leafNodes.Get(l));
            Ipv4InterfaceContainer ifs = addr.Assign(d);
            addr.NewNetwork();
            hostAddr[hi] = ifs.GetAddress(0);
            allDevices.Add(d);
        }
    }
    if (!trafficControl) {
        TrafficControlHelper tch;
        tch.Uninstall(allDevices);
    }
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    Config::ConnectWithoutContext("/NodeList/*/$ns3::Ipv4L3Protocol/Drop", MakeCallback(&IpDrop));

    /* Traffic: host h of leaf l -> host h of leaf l+1 mod leaves; flow g
     * of the fabric (g = host * flows + f) starts at interval * g / G. */
    int64_t intervalPs = FlowIntervalPs(pktSize, load, dataRate.GetBitRate(), flowsPerHost);
    uint64_t nFlows = static_cast<uint64_t>(hostNodes.GetN()) * flowsPerHost;
    std::vector<Ptr<UdpServer>> servers;
    std::vector<Ptr<UdpClient>> clients;
    for (uint32_t hi = 0; hi < hostNodes.GetN(); hi++) {
        Ptr<UdpServer> server = CreateObject<UdpServer>();
        server->SetAttribute("Port", UintegerValue(kServerPort));
        hostNodes.Get(hi)->AddApplication(server);
        server->SetStartTime(Time(0));
        servers.push_back(server);
    }
    for (uint32_t hi = 0; hi < hostNodes.GetN(); hi++) {
        uint32_t l = hi / hostsPerLeaf;
        uint32_t dst = ((l + 1) % leaves) * hostsPerLeaf + hi % hostsPerLeaf;
        for (uint32_t f = 0; f < flowsPerHost; f++) {
            uint64_t g = static_cast<uint64_t>(hi) * flowsPerHost + f;
            int64_t offset = static_cast<int64_t>(
                static_cast<unsigned __int128>(intervalPs) * g / nFlows);
            Ptr<UdpClient> client = CreateObject<UdpClient>();
            client->SetAttribute("RemoteAddress", AddressValue(hostAddr[dst]));
            client->SetAttribute("RemotePort", UintegerValue(kServerPort));
            client->SetAttribute("MaxPackets", UintegerValue(UINT32_MAX));
            client->SetAttribute("Interval", TimeValue(TimeStep(intervalPs)));
            client->SetAttribute("PacketSize", UintegerValue(pktSize - 28));
            hostNodes.Get(hi)->AddApplication(client);
            client->SetStartTime(TimeStep(offset));
            client->SetStopTime(sendTime);
            clients.push_back(client);
        }
    }

    double t1 = MonoSeconds();
    Simulator::Run();
    double t2 = MonoSeconds();
    uint64_t events = Simulator::GetEventCount();
    Time end = Simulator::Now();

    uint64_t hops = 0;
    uint64_t queueDrops = 0;
    for (uint32_t i = 0; i < allDevices.GetN(); i++) {
        Ptr<PointToPointNetDevice> dev = DynamicCast<PointToPointNetDevice>(allDevices.Get(i));
        Ptr<Queue<Packet>> q = dev->GetQueue();
        hops += q->GetTotalReceivedPackets() - q->GetTotalDroppedPacketsAfterDequeue() -
                q->GetNPackets();
        queueDrops += q->GetTotalDroppedPackets();
        Ptr<TrafficControlLayer> tc = dev->GetNode()->GetObject<TrafficControlLayer>();
        Ptr<QueueDisc> qd = tc ? tc->GetRootQueueDiscOnDevice(dev) : nullptr;
        if (qd) {
            queueDrops += qd->GetStats().nTotalDroppedPackets;
        }
    }
    uint64_t sent = 0;
    for (const auto& c : clients) {
        sent += c->GetTotalTx() / (pktSize - 28);
    }
    uint64_t delivered = 0;
    for (const auto& s : servers) {
        delivered += s->GetReceived();
    }
    uint64_t dropped = queueDrops + g_ipDrops;
    Simulator::Destroy();

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double run = t2 - t1;
    double hopsPerS = run > 0 ? static_cast<double>(hops) / run : 0.0;
    std::printf("ns3-leafspine: plain ns-3, %u spines x %u leaves x %u hosts, %s, %s, "
                "%u-byte IP packets, load %g, %u flows/host, send %s, random ECMP, %s\n",
                spines,
                leaves,
                hostsPerLeaf,
                rate.c_str(),
                delay.c_str(),
                pktSize,
                load,
                flowsPerHost,
                duration.c_str(),
                trafficControl ? "FqCoDel queue discs" : "no queue discs");
    std::printf("  packet-hops  %llu in %.3f s (run phase)\n",
                static_cast<unsigned long long>(hops),
                run);
    std::printf("  rate         %.0f packet-hops/s\n", hopsPerS);
    std::printf("  packets      %llu sent, %llu delivered, %llu dropped "
                "(%llu in queues, %llu by IPv4)\n",
                static_cast<unsigned long long>(sent),
                static_cast<unsigned long long>(delivered),
                static_cast<unsigned long long>(dropped),
                static_cast<unsigned long long>(queueDrops),
                static_cast<unsigned long long>(g_ipDrops));
    std::printf("  events       %llu\n", static_cast<unsigned long long>(events));
    std::printf("  setup        %.3f s (build, routes, applications)\n", t1 - t0);
    std::printf("  peak RSS     %.1f MiB\n", static_cast<double>(ru.ru_maxrss) / 1024.0);
    std::printf("  simulated    %lld ps\n", static_cast<long long>(end.GetTimeStep()));
    std::printf("result: engine=ns-3 packet_hops=%llu run_s=%.6f setup_s=%.6f events=%llu "
                "sent=%llu delivered=%llu dropped=%llu sim_end_ps=%lld peak_rss_kib=%ld\n",
                static_cast<unsigned long long>(hops),
                run,
                t1 - t0,
                static_cast<unsigned long long>(events),
                static_cast<unsigned long long>(sent),
                static_cast<unsigned long long>(delivered),
                static_cast<unsigned long long>(dropped),
                static_cast<long long>(end.GetTimeStep()),
                ru.ru_maxrss);
    return sent == delivered + dropped ? 0 : 1;
}
