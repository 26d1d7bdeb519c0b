/* fabric.c: "nvosim bench fabric", the packet-level leaf-spine benchmark:
 * packet-hops per second of nvosim's underlay (net.c, link.c) next to the
 * same fabric in plain ns-3 (bench/ns3_leafspine.cc).
 *
 * The fabric: S spines, L leaves, H hosts (hypervisors) per leaf; every
 * leaf linked to every spine, every host to its leaf; all links at one
 * rate and delay, MTU 1500, a byte-limited drop-tail queue per port.
 * Switches route on shortest paths with every equal-cost next hop and pick
 * one by their ECMP hash (CRC-32 over the 5-tuple, a seed per switch), or
 * per packet at random (--ecmp random, what ns-3 does).
 *
 * The traffic: every host sends F UDP flows (source ports 49152 + f) to
 * host h of leaf (l + 1) mod L, at constant bit rate: the host offers
 * load * rate in IP packets of pkt-size bytes, so each flow sends one
 * packet every F * pkt-size * 8 / (load * rate).  The G flows of the
 * fabric start at staggered offsets, flow g at interval * g / G; they
 * send while the time is below the duration, then the run goes on until
 * the network is empty.  ns3_leafspine.cc computes the same intervals and
 * offsets in picoseconds, so both sides send the same packets at the same
 * times.
 *
 * Counted: packet-hops = frames transmitted over all links (the sum of
 * every port's tx_frames), packets sent, delivered and dropped (by
 * reason), events executed.  Only the run phase is timed
 * (CLOCK_MONOTONIC); building the fabric and its routes is "setup".
 *
 * The fabric is built by the topology generator (<leaf-spine>, through
 * nvo_topo_load() on a generated file, bench/topo.c), as a scenario's
 * is; its node order, names, addresses and port order are those the
 * hand-built copy this file had before.
 *
 * --compare runs both sides as child programs (core/spawn.h), one after
 * the other: this nvosim binary (/proc/self/exe) with "bench fabric" and
 * the same options, then the ns3-leafspine program.  Each prints a
 * "result: key=value ..." line, which is parsed; each side's peak RSS is
 * its own whole process's (wait4), shared libraries included, so the two
 * are comparable.  (A forked child, bench/child.c, would count only the
 * pages it touches after the fork, not the shared libraries: exec keeps
 * the two sides' memory like for like.)  ns3-leafspine is looked for with --ns3-program, next
 * to the nvosim binary (BUILD/tools/nvosim -> BUILD/bench/ns3-leafspine,
 * or side by side), then at the path the build put it
 * (NVO_NS3_LEAFSPINE_PATH).
 *
 * Left out: repetitions and warm-up (run the command again); CPU pinning;
 * Poisson traffic (CBR only, so both sides send the same packets).
 * docs/performance.md has the figures. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "core/engine.h"
#include "core/spawn.h"
#include "fabric/net.h"
#include "io/progress.h"
#include "wire/wire.h"

#define DEFAULT_SPINES 4
#define DEFAULT_LEAVES 8
#define DEFAULT_HOSTS 4
#define DEFAULT_FLOWS 4
#define DEFAULT_RATE "10Gbps"
#define DEFAULT_DELAY "1us"
#define DEFAULT_PKT_SIZE 1000
#define DEFAULT_LOAD 0.5
#define DEFAULT_DURATION "20ms"
#define DEFAULT_QUEUE "1MiB"
#define DEFAULT_SEED 1
#define TARGET_RATIO 30.0
#define UDP_DPORT 9000
#define UDP_SPORT_BASE 49152

struct fabric_config {
    const char *engine;         /* nvosim's engine backend */
    const char *scheduler;      /* its event queue; NULL: the default */
    uint32_t n_spines, n_leaves, hosts_per_leaf, flows_per_host;
    uint64_t rate_bps;
    nvo_time_t delay;
    uint32_t pkt_size;          /* IP packet bytes */
    double load;                /* (0, 1] of the host link rate */
    nvo_time_t duration;        /* hosts send in [0, duration) */
    uint64_t queue_bytes;       /* data queue per port */
    enum nvo_hash_fn hash;
    uint64_t seed;
};

/* What one side reports (both sides; the ns-3 side fills what it has). */
struct fabric_result {
    int error;                  /* 0, or an errno */
    uint64_t packet_hops;
    uint64_t sent, delivered, dropped, in_flight;
    uint64_t drop_queue;        /* port drops: queue full */
    uint64_t drop_other;        /* MTU, link down, no route, TTL, ... */
    uint64_t events;
    uint64_t fingerprint;
    nvo_time_t end_time;
    double setup_s, run_s, hops_per_s;
    long maxrss_kib;            /* peak RSS of the process that ran it */
};

/* ---- the nvosim side ---- */

struct fabric;

struct flow_src {
    struct fabric *fab;
    struct nvo_node *src;
    struct nvo_frame_spec spec;
    uint64_t id;
    nvo_time_t interval;
};

struct fabric {
    const struct fabric_config *cfg;
    struct nvo_engine *e;
    struct nvo_net *net;
    struct flow_src *flows;
    uint32_t n_flows;
    uint64_t sent, delivered;
};

/* The interval between two packets of one flow, in ps (same formula as
 * ns3_leafspine.cc). */
static nvo_time_t
flow_interval(const struct fabric_config *cfg)
{
    double host_ps = (double) cfg->pkt_size * 8.0 * 1e12
                     / (cfg->load * (double) cfg->rate_bps);
    return (nvo_time_t) llround(host_ps) * cfg->flows_per_host;
}

static void
flow_send(void *arg)
{
    struct flow_src *fs = arg;
    struct fabric *fab = fs->fab;
    struct nvo_net *net = fab->net;
    nvo_time_t now = nvo_engine_now(fab->e);

    struct nvo_pkt *p = nvo_pkt_alloc(&net->pool, NVO_PKT_UNDERLAY_HEADROOM, 64);
    p->payload_size = fab->cfg->pkt_size - NVO_IPV4_LEN - NVO_UDP_LEN;
    fs->spec.ip_id++;
    int error = nvo_wire_build_frame(p, &fs->spec);
    if (error) {
        abort();            /* sizes were checked at configuration */
    }
    p->flow_id = fs->id;
    p->created = now;
    fab->sent++;
    nvo_node_send(fs->src, p);

    if (now + fs->interval < fab->cfg->duration) {
        nvo_engine_schedule(fab->e, fs->interval, flow_send, fs);
    }
}

static void
host_deliver(void *fab_, struct nvo_node *n, struct nvo_pkt *p)
{
    struct fabric *fab = fab_;
    (void) n;
    fab->delivered++;
    nvo_pkt_free(p);
}

/* Builds the fabric and schedules the flows' first packets. */
static int
fabric_build(struct fabric *fab, const struct fabric_config *cfg)
{
    memset(fab, 0, sizeof *fab);
    fab->cfg = cfg;
    int error = nvo_engine_create(cfg->engine, cfg->scheduler, &fab->e);
    if (error) {
        return error;
    }
    struct nvo_net_cfg ncfg;
    memset(&ncfg, 0, sizeof ncfg);
    ncfg.convergence_delay = 0;
    ncfg.ecmp.fn = cfg->hash;
    ncfg.ecmp.fields = NVO_ECMP_5TUPLE;
    ncfg.ecmp.parser_depth = 128;
    ncfg.seed_mode = NVO_SEED_PER_SWITCH;
    ncfg.seed = cfg->seed;
    ncfg.run = 1;
    fab->net = nvo_net_create(fab->e, &ncfg);

    struct nvo_link_cfg lcfg;
    nvo_link_cfg_default(&lcfg);
    lcfg.rate_bps = cfg->rate_bps;
    lcfg.delay = cfg->delay;
    lcfg.queue_bytes = cfg->queue_bytes;

    /* The topology generator's <leaf-spine>: nodes spines, leaves, hosts
     * leaf by leaf; links leaf-spine, then host-leaf (the order
     * ns3_leafspine.cc follows). */
    struct nvo_bench_leaf_spine ls = {
        .spines = cfg->n_spines, .leaves = cfg->n_leaves,
        .hosts_per_leaf = cfg->hosts_per_leaf,
        .uplink = lcfg, .access = lcfg,
    };
    uint32_t n_hosts = cfg->n_leaves * cfg->hosts_per_leaf;
    uint32_t host0 = cfg->n_spines + cfg->n_leaves;
    error = nvo_bench_leaf_spine_build(fab->net, &ls, "fabric");
    if (!error) {
        error = nvo_net_finalize(fab->net);
    }
    if (error) {
        return error;
    }

    /* Flows: host h of leaf l -> host h of leaf l + 1 mod L. */
    nvo_time_t interval = flow_interval(cfg);
    fab->n_flows = n_hosts * cfg->flows_per_host;
    fab->flows = calloc(fab->n_flows, sizeof *fab->flows);
    if (!fab->flows) {
        return ENOMEM;
    }
    for (uint32_t h = 0; h < n_hosts; h++) {
        struct nvo_node *src = nvo_net_node(fab->net, host0 + h);
        uint32_t l = h / cfg->hosts_per_leaf;
        uint32_t dh = (l + 1) % cfg->n_leaves * cfg->hosts_per_leaf
                      + h % cfg->hosts_per_leaf;
        struct nvo_node *dst = nvo_net_node(fab->net, host0 + dh);
        nvo_node_bind_udp(src, UDP_DPORT, host_deliver, fab);
        for (uint32_t f = 0; f < cfg->flows_per_host; f++) {
            uint32_t g = h * cfg->flows_per_host + f;
            struct flow_src *fs = &fab->flows[g];
            fs->fab = fab;
            fs->src = src;
            fs->id = g + 1;
            fs->interval = interval;
            struct nvo_frame_spec *s = &fs->spec;
            memcpy(s->src_mac, src->mac, 6);
            /* The leaf's MAC: net.c rewrites both addresses per hop. */
            memcpy(s->dst_mac, nvo_net_node(fab->net, src->peer[0])->mac, 6);
            s->src_ip4 = src->addr4;
            s->dst_ip4 = dst->addr4;
            s->proto = NVO_IPPROTO_UDP;
            s->sport = (uint16_t) (UDP_SPORT_BASE + f);
            s->dport = UDP_DPORT;
            nvo_time_t offset = (nvo_time_t) ((unsigned __int128) interval
                                              * g / fab->n_flows);
            if (offset < cfg->duration) {
                nvo_engine_schedule_at(fab->e, offset, flow_send, fs);
            }
        }
    }
    return 0;
}

static void
fabric_destroy(struct fabric *fab)
{
    nvo_net_destroy(fab->net);
    nvo_engine_destroy(fab->e);
    free(fab->flows);
}

/* Runs the nvosim side once in this process. */
static int
fabric_run(const struct fabric_config *cfg, struct fabric_result *res)
{
    memset(res, 0, sizeof *res);
    struct fabric fab;
    double t0 = nvo_wall_seconds();
    int error = fabric_build(&fab, cfg);
    if (error) {
        fabric_destroy(&fab);
        res->error = error;
        return error;
    }
    double t1 = nvo_wall_seconds();
    nvo_engine_run(fab.e, NVO_TIME_MAX);
    double t2 = nvo_wall_seconds();

    const struct nvo_net *net = fab.net;
    for (uint32_t i = 0; i < nvo_net_n_nodes(net); i++) {
        const struct nvo_node *n = nvo_net_node(net, i);
        for (uint32_t p = 0; p < n->n_ports; p++) {
            for (int tc = 0; tc < NVO_TC_N; tc++) {
                res->packet_hops += n->ports[p].st.tx_frames[tc];
            }
        }
    }
    uint64_t port_drops[NVO_DROP_N], node_drops[NVO_NODE_DROP_N];
    res->dropped = nvo_net_drops(net, port_drops, node_drops);
    res->drop_queue = port_drops[NVO_DROP_QUEUE];
    res->drop_other = res->dropped - res->drop_queue;
    res->in_flight = nvo_net_in_flight(net);
    res->sent = fab.sent;
    res->delivered = fab.delivered;
    res->events = fab.e->n_executed;
    res->fingerprint = fab.e->fingerprint;
    res->end_time = nvo_engine_now(fab.e);
    res->setup_s = t1 - t0;
    res->run_s = t2 - t1;
    res->hops_per_s = res->run_s > 0
                      ? (double) res->packet_hops / res->run_s : 0;
    fabric_destroy(&fab);
    if (res->sent != res->delivered + res->dropped + res->in_flight) {
        res->error = EPROTO;    /* conservation violated */
    }
    return res->error;
}

/* ---- the command ---- */

static void
usage(FILE *f)
{
    fprintf(f,
"usage: nvosim bench fabric [--spines N] [--leaves N] [--hosts-per-leaf N]\n"
"                           [--flows-per-host N] [--rate RATE] [--delay T]\n"
"                           [--pkt-size BYTES] [--load X] [--duration T]\n"
"                           [--queue SIZE] [--ecmp HASH] [--seed S]\n"
"                           [--engine ENGINE] [--scheduler ladder|heap4]\n"
"                           [--compare [--ns3-program P]]\n"
"\n"
"The packet-level leaf-spine benchmark.  Spines x leaves x hosts-per-leaf,\n"
"every leaf linked to every spine, every host to its leaf, all links at\n"
"RATE with delay T, MTU 1500 and a drop-tail queue of SIZE per port.\n"
"Every host sends UDP flows at constant bit rate (together LOAD x RATE in\n"
"IP packets of BYTES) to the same host of the next leaf; flows send for\n"
"the duration, then the network drains.  Prints the packet-hops (frames\n"
"sent over all links) per second of wall time of the run phase, packets\n"
"sent / delivered / dropped, events and peak resident memory.\n"
"\n"
"Options:\n"
"  --spines N          spine switches (default: %d)\n"
"  --leaves N          leaf switches, >= 2 (default: %d)\n"
"  --hosts-per-leaf N  hosts on each leaf (default: %d)\n"
"  --flows-per-host N  UDP flows per host, source ports 49152.. so ECMP\n"
"                      spreads them (default: %d)\n"
"  --rate RATE         link rate (default: %s)\n"
"  --delay T           link propagation delay (default: %s)\n"
"  --pkt-size BYTES    IP packet size, 40 to 1500 (default: %d)\n"
"  --load X            offered load per host, 0 < X <= 1 (default: %g)\n"
"  --duration T        time the hosts send (default: %s)\n"
"  --queue SIZE        data queue per port (default: %s)\n"
"  --ecmp HASH         nvosim's ECMP: crc32, crc16, toeplitz, xor-fold,\n"
"                      jenkins over the 5-tuple with a seed per switch, or\n"
"                      random (per packet, as ns-3) (default: crc32)\n"
"  --seed S            RNG master seed (default: %d)\n"
"  --engine ENGINE     nvosim's engine backend: %s (default: native)\n"
"  --scheduler NAME    the native engine's event queue: ladder or heap4\n"
"                      (default: ladder)\n"
"  --compare           run nvosim and then the plain ns-3 program\n"
"                      ns3-leafspine with the same parameters, each in its\n"
"                      own process; print both, the ratio nvosim / ns-3 and\n"
"                      whether both did the same work\n"
"  --ns3-program P     the ns3-leafspine binary (default: next to nvosim\n"
"                      in the build tree)\n"
"  -h, --help          this text\n"
"\n"
"With the defaults nvosim runs for about half a second and ns-3 for about\n"
"15 seconds on a 2-core machine.  The last line of a run is\n"
"machine-readable (\"result: key=value ...\").  Exit status: 0; 1 if a run\n"
"failed or packets went unaccounted; 2 for a usage error.\n",
            DEFAULT_SPINES, DEFAULT_LEAVES, DEFAULT_HOSTS, DEFAULT_FLOWS,
            DEFAULT_RATE, DEFAULT_DELAY, DEFAULT_PKT_SIZE, DEFAULT_LOAD,
            DEFAULT_DURATION, DEFAULT_QUEUE, DEFAULT_SEED, nvo_engine_names());
}

static int NVO_PRINTF(1, 2)
usage_error(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fputs("nvosim bench fabric: ", stderr);
    vfprintf(stderr, fmt, args);
    fputs(" (see --help)\n", stderr);
    va_end(args);
    return 2;
}

static bool
parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *s == '-' || *s == '+' || *end || errno || v < lo || v > hi) {
        return false;
    }
    *out = (uint32_t) v;
    return true;
}

static double
mib(long kib)
{
    return (double) kib / 1024.0;
}

static const char *
ecmp_desc(const struct fabric_config *cfg)
{
    static char buf[64];
    snprintf(buf, sizeof buf, "%s%s", nvo_hash_fn_name(cfg->hash),
             cfg->hash == NVO_HASH_RANDOM ? " (per packet)"
                                          : " over the 5-tuple, seed per "
                                            "switch");
    return buf;
}

static void
describe(const struct fabric_config *cfg)
{
    char rate[32], delay[NVO_TIME_STRLEN], dur[NVO_TIME_STRLEN];
    printf("fabric: %" PRIu32 " spines x %" PRIu32 " leaves x %" PRIu32
           " hosts, %s links, %s, %" PRIu32 "-byte IP packets, load %g, %"
           PRIu32 " UDP flows/host to the next leaf, send %s, queue %"
           PRIu64 " B\n", cfg->n_spines, cfg->n_leaves, cfg->hosts_per_leaf,
           nvo_rate_format(cfg->rate_bps, rate, sizeof rate),
           nvo_time_format(cfg->delay, delay, sizeof delay), cfg->pkt_size,
           cfg->load, cfg->flows_per_host,
           nvo_time_format(cfg->duration, dur, sizeof dur), cfg->queue_bytes);
}

static int
single(const struct fabric_config *cfg)
{
    struct fabric_result r;
    int error = fabric_run(cfg, &r);
    if (error == EBUSY) {
        fprintf(stderr, "nvosim bench fabric: an ns3 engine exists already\n");
        return 1;
    }
    if (error && error != EPROTO) {
        fprintf(stderr, "nvosim bench fabric: cannot build the fabric: %s\n",
                strerror(error));
        return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    char buf[NVO_TIME_STRLEN];
    describe(cfg);
    printf("  nvosim, engine %s%s%s, ECMP %s\n", cfg->engine,
           cfg->scheduler ? ", scheduler " : "",
           cfg->scheduler ? cfg->scheduler : "", ecmp_desc(cfg));
    printf("  packet-hops  %" PRIu64 " in %.3f s (run phase)\n",
           r.packet_hops, r.run_s);
    printf("  rate         %.0f packet-hops/s\n", r.hops_per_s);
    printf("  packets      %" PRIu64 " sent, %" PRIu64 " delivered, %" PRIu64
           " dropped (%" PRIu64 " queue full, %" PRIu64 " other), %" PRIu64
           " in flight\n", r.sent, r.delivered, r.dropped, r.drop_queue,
           r.drop_other, r.in_flight);
    printf("  events       %" PRIu64 " (fingerprint 0x%016" PRIx64 ")\n",
           r.events, r.fingerprint);
    printf("  setup        %.3f s (build, routes, flows)\n", r.setup_s);
    printf("  peak RSS     %.1f MiB\n", mib(ru.ru_maxrss));
    printf("  simulated    %s\n",
           nvo_time_format(r.end_time, buf, sizeof buf));
    /* The same machine-readable line as ns3-leafspine's. */
    printf("result: engine=nvosim-%s packet_hops=%" PRIu64 " run_s=%.6f "
           "setup_s=%.6f events=%" PRIu64 " sent=%" PRIu64 " delivered=%"
           PRIu64 " dropped=%" PRIu64 " sim_end_ps=%" PRId64
           " peak_rss_kib=%ld\n", cfg->engine, r.packet_hops, r.run_s,
           r.setup_s, r.events, r.sent, r.delivered, r.dropped, r.end_time,
           ru.ru_maxrss);
    if (error == EPROTO) {
        fprintf(stderr, "nvosim bench fabric: conservation violated: sent != "
                "delivered + dropped + in flight\n");
        return 1;
    }
    return 0;
}

/* ---- --compare: both sides as child processes ---- */

static bool
executable(const char *path)
{
    return path && *path && access(path, X_OK) == 0;
}

/* Appends ", path" (or "path") to the list 'tried' of 'size' bytes. */
static void
add_tried(char *tried, size_t size, const char *path)
{
    size_t used = strlen(tried);
    if (used + 1 < size) {
        snprintf(tried + used, size - used, "%s%s", used ? ", " : "", path);
    }
}

/* Finds ns3-leafspine: 'given'; or, from the directory of this binary
 * (/proc/self/exe), ../bench/ns3-leafspine (the build tree: BUILD/tools/
 * nvosim, BUILD/bench/ns3-leafspine) or ./ns3-leafspine (installed side
 * by side); or where the build put it.  Returns a malloc'ed path or NULL,
 * and lists the paths tried in 'tried'. */
static char *
find_ns3_program(const char *given, char *tried, size_t size)
{
    tried[0] = '\0';
    if (given) {
        add_tried(tried, size, given);
        return executable(given) ? strdup(given) : NULL;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash = n > 0 ? (exe[n] = '\0', strrchr(exe, '/')) : NULL;
    if (slash) {
        *slash = '\0';
        static const char *const rel[] = {
            "/../bench/ns3-leafspine", "/ns3-leafspine",
        };
        for (size_t i = 0; i < NVO_ARRAY_SIZE(rel); i++) {
            char path[PATH_MAX + 32];
            snprintf(path, sizeof path, "%s%s", exe, rel[i]);
            add_tried(tried, size, path);
            if (executable(path)) {
                return realpath(path, NULL);
            }
        }
    }
#ifdef NVO_NS3_LEAFSPINE_PATH
    add_tried(tried, size, NVO_NS3_LEAFSPINE_PATH);
    if (executable(NVO_NS3_LEAFSPINE_PATH)) {
        return strdup(NVO_NS3_LEAFSPINE_PATH);
    }
#endif
    return NULL;
}

/* Reads the number 'key' of "key=value" in the "result:" line. */
static bool
result_field(const char *line, const char *key, double *out)
{
    size_t klen = strlen(key);
    const char *eol = strchr(line, '\n');
    for (const char *p = line; (p = strstr(p, key)) && (!eol || p < eol);
         p += klen) {
        if (p[-1] == ' ' && p[klen] == '=') {
            char *end;
            errno = 0;
            *out = strtod(p + klen + 1, &end);
            return !errno && end != p + klen + 1;
        }
    }
    return false;
}

/* Parses the last "result: " line of 'out' into *res. */
static bool
parse_result(const char *out, struct fabric_result *res)
{
    const char *line = NULL;
    for (const char *p = out; (p = strstr(p, "result: ")); p++) {
        if (p == out || p[-1] == '\n') {
            line = p;
        }
    }
    static const char *const keys[] = {
        "packet_hops", "run_s", "setup_s", "events", "sent", "delivered",
        "dropped", "sim_end_ps", "peak_rss_kib",
    };
    double v[NVO_ARRAY_SIZE(keys)];
    for (size_t i = 0; i < NVO_ARRAY_SIZE(keys); i++) {
        if (!line || !result_field(line, keys[i], &v[i])) {
            return false;
        }
    }
    res->packet_hops = (uint64_t) v[0];
    res->run_s = v[1];
    res->setup_s = v[2];
    res->events = (uint64_t) v[3];
    res->sent = (uint64_t) v[4];
    res->delivered = (uint64_t) v[5];
    res->dropped = (uint64_t) v[6];
    res->end_time = (nvo_time_t) v[7];
    res->hops_per_s = res->run_s > 0
                      ? (double) res->packet_hops / res->run_s : 0;
    return true;
}

/* Runs 'argv' (argv[0] is the program's path) with its standard output
 * captured (core/spawn.h), and parses its "result:" line into *res, with
 * the peak RSS from wait4().  Returns 0; EPROTO if it ran but reported
 * failure or no result (its output then goes to stderr); or an errno. */
static int
run_program(const char *const *argv, struct fabric_result *res)
{
    memset(res, 0, sizeof *res);
    struct nvo_spawn_opts so = {
        .argv = argv, .in = NVO_SPAWN_NULL, .out = NVO_SPAWN_CAPTURE,
        .err = NVO_SPAWN_INHERIT,
    };
    struct nvo_spawn_result sr;
    int error = nvo_spawn_run(&so, &sr);
    if (error) {
        return error;
    }
    bool parsed = parse_result(sr.out, res);
    res->maxrss_kib = sr.rusage.ru_maxrss;
    char how[64];
    if (WIFSIGNALED(sr.status)) {
        fprintf(stderr, "nvosim bench fabric: %s %s\n", argv[0],
                nvo_spawn_status_text(sr.status, how, sizeof how));
        error = EIO;
    } else if (!parsed || !nvo_spawn_succeeded(sr.status)) {
        fprintf(stderr, "nvosim bench fabric: %s %s (%s); its output:\n%s",
                argv[0], parsed ? "reported a failure" : "printed no result "
                "line", nvo_spawn_status_text(sr.status, how, sizeof how),
                sr.out);
        error = parsed ? EPROTO : EIO;
    }
    nvo_spawn_result_clear(&sr);
    return error;
}

/* The options both programs take, "--name=value", exactly (times in ps,
 * rates in bps, sizes in bytes, the load to 17 digits). */
#define N_COMMON_ARGS 11
static void
common_args(const struct fabric_config *cfg, char a[N_COMMON_ARGS][64])
{
    snprintf(a[0], 64, "--spines=%" PRIu32, cfg->n_spines);
    snprintf(a[1], 64, "--leaves=%" PRIu32, cfg->n_leaves);
    snprintf(a[2], 64, "--hosts-per-leaf=%" PRIu32, cfg->hosts_per_leaf);
    snprintf(a[3], 64, "--flows-per-host=%" PRIu32, cfg->flows_per_host);
    snprintf(a[4], 64, "--rate=%" PRIu64 "bps", cfg->rate_bps);
    snprintf(a[5], 64, "--delay=%" PRId64 "ps", cfg->delay);
    snprintf(a[6], 64, "--pkt-size=%" PRIu32, cfg->pkt_size);
    snprintf(a[7], 64, "--load=%.17g", cfg->load);
    snprintf(a[8], 64, "--duration=%" PRId64 "ps", cfg->duration);
    snprintf(a[9], 64, "--queue=%" PRIu64 "B", cfg->queue_bytes);
    snprintf(a[10], 64, "--seed=%" PRIu64, cfg->seed);
}

static void
print_row(const char *side, const struct fabric_result *r)
{
    printf("%-17s %12" PRIu64 " %8.3f %12.0f %11" PRIu64 " %8" PRIu64 " %9"
           PRIu64 " %7" PRIu64 " %8.1f\n", side, r->packet_hops, r->run_s,
           r->hops_per_s, r->events, r->sent, r->delivered, r->dropped,
           mib(r->maxrss_kib));
}

static int
compare(const struct fabric_config *cfg, const char *ns3_program)
{
    char tried[3 * PATH_MAX];
    char *ns3 = find_ns3_program(ns3_program, tried, sizeof tried);
    if (!ns3) {
        fprintf(stderr, "nvosim bench fabric: --compare needs the plain ns-3 "
                "program ns3-leafspine, and there is none at %s.  Build it "
                "(cmake --build BUILD --target ns3-leafspine; it needs "
                "libns3-dev) or name it with --ns3-program.\n", tried);
        return 1;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        fprintf(stderr, "nvosim bench fabric: cannot find this program "
                "(/proc/self/exe): %s\n", strerror(errno));
        free(ns3);
        return 1;
    }
    exe[n] = '\0';

    char a[N_COMMON_ARGS][64];
    common_args(cfg, a);
    char ecmp[64], engine[64], sched[64];
    snprintf(ecmp, sizeof ecmp, "--ecmp=%s", nvo_hash_fn_name(cfg->hash));
    snprintf(engine, sizeof engine, "--engine=%s", cfg->engine);
    snprintf(sched, sizeof sched, "--scheduler=%s",
             cfg->scheduler ? cfg->scheduler : "");
    const char *nv_argv[N_COMMON_ARGS + 7], *ns_argv[N_COMMON_ARGS + 2];
    size_t k = 0;
    nv_argv[k++] = exe;
    nv_argv[k++] = "bench";
    nv_argv[k++] = "fabric";
    for (size_t i = 0; i < N_COMMON_ARGS; i++) {
        nv_argv[k++] = a[i];
        ns_argv[i + 1] = a[i];
    }
    nv_argv[k++] = ecmp;
    nv_argv[k++] = engine;
    if (cfg->scheduler) {
        nv_argv[k++] = sched;
    }
    nv_argv[k] = NULL;
    ns_argv[0] = ns3;
    ns_argv[N_COMMON_ARGS + 1] = NULL;

    describe(cfg);
    printf("nvosim: engine %s%s%s, ECMP %s\n", cfg->engine,
           cfg->scheduler ? ", scheduler " : "",
           cfg->scheduler ? cfg->scheduler : "", ecmp_desc(cfg));
    printf("ns-3:   %s: ns-3 3.37 point-to-point links, Ipv4GlobalRouting "
           "with random per-packet ECMP, no queue discs\n", ns3);
    printf("each side in its own process, one after the other\n\n");
    printf("%-17s %12s %8s %12s %11s %8s %9s %7s %8s\n", "side",
           "packet-hops", "run s", "hops/s", "events", "sent", "delivered",
           "dropped", "peak MiB");

    struct fabric_result nv, ns;
    char label[32];
    snprintf(label, sizeof label, "nvosim (%s)",
             cfg->scheduler ? cfg->scheduler : cfg->engine);
    int nv_error = run_program(nv_argv, &nv);
    if (nv_error && nv_error != EPROTO) {
        printf("%-17s failed: %s\n", label, strerror(nv_error));
    } else {
        print_row(label, &nv);
    }
    fflush(stdout);
    int ns_error = run_program(ns_argv, &ns);
    if (ns_error && ns_error != EPROTO) {
        printf("%-17s failed: %s\n", "ns-3 (plain)", strerror(ns_error));
    } else {
        print_row("ns-3 (plain)", &ns);
    }
    free(ns3);
    if ((nv_error && nv_error != EPROTO) || (ns_error && ns_error != EPROTO)
        || !(ns.hops_per_s > 0)) {
        return 1;
    }

    double ratio = nv.hops_per_s / ns.hops_per_s;
    printf("\nnvosim / ns-3: %.1fx the packet-hops per second, %.2fx the "
           "memory, %.2fx the events\n", ratio,
           (double) nv.maxrss_kib / (double) (ns.maxrss_kib ? ns.maxrss_kib
                                                             : 1),
           (double) nv.events / (double) (ns.events ? ns.events : 1));
    if (nv.sent == ns.sent && nv.delivered == ns.delivered
        && nv.dropped == ns.dropped && nv.packet_hops == ns.packet_hops) {
        printf("same work: each sent %" PRIu64 " packets, delivered %"
               PRIu64 ", dropped %" PRIu64 ", over %" PRIu64
               " packet-hops\n", nv.sent, nv.delivered, nv.dropped,
               nv.packet_hops);
    } else {
        printf("different work: nvosim - ns-3 = %+" PRId64 " sent, %+" PRId64
               " delivered, %+" PRId64 " dropped, %+" PRId64
               " packet-hops\n", (int64_t) (nv.sent - ns.sent),
               (int64_t) (nv.delivered - ns.delivered),
               (int64_t) (nv.dropped - ns.dropped),
               (int64_t) (nv.packet_hops - ns.packet_hops));
    }
    printf("target: at least %.0fx ns-3's packet-hops per second: %s\n",
           TARGET_RATIO, ratio >= TARGET_RATIO ? "met" : "NOT met");
    return nv_error || ns_error ? 1 : 0;
}

int
nvo_bench_fabric_main(int argc, char **argv)
{
    struct fabric_config cfg = {
        .engine = "native",
        .n_spines = DEFAULT_SPINES,
        .n_leaves = DEFAULT_LEAVES,
        .hosts_per_leaf = DEFAULT_HOSTS,
        .flows_per_host = DEFAULT_FLOWS,
        .pkt_size = DEFAULT_PKT_SIZE,
        .load = DEFAULT_LOAD,
        .hash = NVO_HASH_CRC32,
        .seed = DEFAULT_SEED,
    };
    nvo_rate_parse(DEFAULT_RATE, &cfg.rate_bps);
    nvo_time_parse(DEFAULT_DELAY, &cfg.delay);
    nvo_time_parse(DEFAULT_DURATION, &cfg.duration);
    nvo_size_parse(DEFAULT_QUEUE, &cfg.queue_bytes);
    const char *ns3_program = NULL;
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
            "--spines", "--leaves", "--hosts-per-leaf", "--flows-per-host",
            "--rate", "--delay", "--pkt-size", "--load", "--duration",
            "--queue", "--ecmp", "--seed", "--engine", "--ns3-program",
            "--scheduler",
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
        char *end;
        switch (k) {
        case 0:
            if (!parse_u32(val, 1, 1000, &cfg.n_spines)) {
                return usage_error("--spines: \"%s\" is not a whole number "
                                   "from 1 to 1000", val);
            }
            break;
        case 1:
            if (!parse_u32(val, 2, 10000, &cfg.n_leaves)) {
                return usage_error("--leaves: \"%s\" is not a whole number "
                                   "from 2 to 10000", val);
            }
            break;
        case 2:
            if (!parse_u32(val, 1, 1000, &cfg.hosts_per_leaf)) {
                return usage_error("--hosts-per-leaf: \"%s\" is not a whole "
                                   "number from 1 to 1000", val);
            }
            break;
        case 3:
            if (!parse_u32(val, 1, 1000, &cfg.flows_per_host)) {
                return usage_error("--flows-per-host: \"%s\" is not a whole "
                                   "number from 1 to 1000", val);
            }
            break;
        case 4:
            if (nvo_rate_parse(val, &cfg.rate_bps)) {
                return usage_error("--rate: \"%s\" is not a rate with a unit "
                                   "(e.g. 10Gbps)", val);
            }
            break;
        case 5:
            if (nvo_time_parse(val, &cfg.delay) || cfg.delay < 0) {
                return usage_error("--delay: \"%s\" is not a time with a "
                                   "unit (e.g. 1us)", val);
            }
            break;
        case 6:
            if (!parse_u32(val, 40, 1500, &cfg.pkt_size)) {
                return usage_error("--pkt-size: \"%s\" is not a whole number "
                                   "of bytes from 40 to 1500", val);
            }
            break;
        case 7:
            errno = 0;
            cfg.load = strtod(val, &end);
            if (!*val || *end || errno || !(cfg.load > 0) || cfg.load > 1) {
                return usage_error("--load: \"%s\" is not a number in (0, 1]",
                                   val);
            }
            break;
        case 8:
            if (nvo_time_parse(val, &cfg.duration) || cfg.duration <= 0) {
                return usage_error("--duration: \"%s\" is not a time > 0 with "
                                   "a unit (e.g. 20ms)", val);
            }
            break;
        case 9:
            if (nvo_size_parse(val, &cfg.queue_bytes)
                || cfg.queue_bytes < 1500 + 18) {
                return usage_error("--queue: \"%s\" is not a size of at least "
                                   "1518 bytes (e.g. 1MiB)", val);
            }
            break;
        case 10:
            if (!nvo_hash_fn_from_name(val, &cfg.hash)) {
                return usage_error("--ecmp: unknown hash \"%s\" (known: "
                                   "crc32, crc16, toeplitz, xor-fold, "
                                   "jenkins, random)", val);
            }
            break;
        case 11:
            errno = 0;
            cfg.seed = strtoull(val, &end, 10);
            if (!*val || *val == '-' || *end || errno) {
                return usage_error("--seed: \"%s\" is not a whole number "
                                   ">= 0", val);
            }
            break;
        case 12:
            cfg.engine = val;
            break;
        case 13:
            ns3_program = val;
            break;
        default:
            cfg.scheduler = val;
            break;
        }
    }
    if (!nvo_engine_lookup(cfg.engine)) {
        return usage_error("--engine: unknown engine \"%s\" (built in: %s)",
                           cfg.engine, nvo_engine_names());
    }
    if (cfg.scheduler && strcmp(cfg.engine, "native")) {
        return usage_error("--scheduler: only for the native engine (not "
                           "\"%s\")", cfg.engine);
    }
    if (cfg.scheduler && strcmp(cfg.scheduler, "ladder")
        && strcmp(cfg.scheduler, "heap4")) {
        return usage_error("--scheduler: unknown scheduler \"%s\" (native "
                           "has: %s)", cfg.scheduler,
                           NVO_ENGINE_NATIVE_SCHEDULERS);
    }
    if ((uint64_t) cfg.n_leaves * cfg.hosts_per_leaf + cfg.n_leaves
        + cfg.n_spines > 1000000) {
        return usage_error("at most a million nodes");
    }
    /* One interval must be a picosecond or more and fit in time. */
    double host_ps = (double) cfg.pkt_size * 8.0 * 1e12
                     / (cfg.load * (double) cfg.rate_bps);
    if (!(host_ps >= 1) || host_ps * cfg.flows_per_host > 1e18) {
        return usage_error("--rate, --load and --pkt-size give no usable "
                           "packet interval");
    }
    return do_compare ? compare(&cfg, ns3_program) : single(&cfg);
}
