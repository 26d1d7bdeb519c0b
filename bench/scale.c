/* scale.c: "nvosim bench scale", how the underlay grows with the number
 * of hypervisors: set-up time and memory, route recomputation after a
 * spine failure, and packet-hops per second, per fabric size.
 *
 * Each size is a <leaf-spine> topology (S spines, L leaves, H hypervisors
 * per leaf, optionally dual-homed) expanded by the topology generator
 * (config_topo.c, through nvo_topo_load() on a generated file), built into
 * a network as a scenario run builds it, in a forked child of its own, so
 * that its peak RSS (wait4) is its own.  Uplinks 40 Gb/s, access links
 * 10 Gb/s, 1 us, MTU 1500, 1 MiB queues; ECMP CRC-32 over the 5-tuple with
 * a seed per switch.
 *
 * Measured in the child, one after the other:
 *  - setup: loading the generated topology, building the network and its
 *    first routes (nvo_net_finalize), and the peak RSS by then;
 *  - routes: one more full route computation (nvo_net_compute_routes);
 *  - spine failure: spine1 goes down, routes converge (convergence delay
 *    0; the incremental update of routes.c), timed; then its repair;
 *  - traffic: every hypervisor sends one UDP flow of 1000-byte IP packets
 *    to a random permutation partner (traffic.c) at line rate, enough
 *    packets for about --packets in all and at least 1 us of sending; the
 *    run until the network is empty is timed, and packet-hops are the
 *    frames sent over all links.
 * Times are the child's CPU time (CLOCK_PROCESS_CPUTIME_ID), not wall
 * time, so that other processes on the machine do not count; they still
 * share its caches.
 *
 * Left out: repetitions (run again), 5-stage sizes (the same code paths),
 * the ns3 engine (its event costs are not the subject here). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "io/config.h"
#include "core/engine.h"
#include "fabric/net.h"
#include "traffic/traffic.h"
#include "wire/wire.h"

#define DEFAULT_SIZES "4x8x16,32x32x32,32x256x40,32x1024x100"
#define DEFAULT_PACKETS 200000
#define PKT_SIZE 1000
#define MAX_SIZES 16
#define DEFAULT_SENDERS 128

#define ROUTE_TYPES 8            /* route_types[] */

struct scale_size {
    uint32_t spines, leaves, hpl;
};

struct scale_result {
    int error;
    uint32_t n_nodes, n_links, n_hv, n_groups;
    double setup_s, routes_s, fail_s, repair_s;
    double load_s, links_s, finalize_s;     /* parts of setup_s */
    uint32_t fail_searched, fail_patched, repair_searched;
    uint64_t route_bytes;       /* routing state, counted (core/mem.h) */
    uint64_t type_bytes[ROUTE_TYPES];   /* by route_types[] */
    double leaf_bytes, spine_bytes;     /* mean per leaf, per spine */
    long setup_rss_kib;
    double run_s, sim_s, hops_per_s;
    uint64_t packet_hops, sent, delivered, events;
    /* The second run: a fixed number of senders. */
    double fixed_run_s, fixed_hops_per_s;
    uint64_t fixed_hops, fixed_sent, fixed_delivered;
    /* Most packets out of the pool at once (in queues and on links) in
     * each run: what the run's hops keep touching. */
    uint64_t peak_pkts, fixed_peak_pkts;
    uint64_t peak_bytes, fixed_peak_bytes;  /* their blocks (pkt.h) */
};

/* The fixed-senders run: 'n' sources, each a constant bit rate UDP flow
 * from a hypervisor to the one half the fabric away, sent through the
 * hypervisor's own forwarding (nvo_node_send). */
struct cbr {
    struct nvo_net *net;
    struct nvo_node *src;
    struct nvo_frame_spec spec;
    uint64_t id;
    nvo_time_t interval, stop;
    uint64_t *sent;
};

static void
cbr_send(void *c_)
{
    struct cbr *c = c_;
    struct nvo_pkt *p = nvo_pkt_alloc(&c->net->pool, NVO_PKT_UNDERLAY_HEADROOM,
                                      128);
    p->payload_size = PKT_SIZE - 28;
    if (nvo_wire_build_frame(p, &c->spec)) {
        abort();                /* sizes are bounded by construction */
    }
    p->flow_id = c->id;
    p->tclass = NVO_TC_DATA;
    (*c->sent)++;
    nvo_node_send(c->src, p);
    struct nvo_engine *e = c->net->engine;
    if (nvo_engine_now(e) + c->interval < c->stop) {
        nvo_engine_schedule(e, c->interval, cbr_send, c);
    }
}

static void
cbr_deliver(void *ctx, struct nvo_node *n, struct nvo_pkt *p)
{
    uint64_t *delivered = ctx;
    (void) n;
    (*delivered)++;
    nvo_pkt_free(p);
}

static uint64_t
packet_hops(const struct nvo_net *net)
{
    uint64_t h = 0;
    for (uint32_t i = 0; i < nvo_net_n_nodes(net); i++) {
        const struct nvo_node *n = nvo_net_node(net, i);
        for (uint32_t p = 0; p < n->n_ports; p++) {
            for (int c = 0; c < NVO_TC_N; c++) {
                h += n->ports[p].st.tx_frames[c];
            }
        }
    }
    return h;
}

static int
usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("nvosim bench scale: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (see --help)\n", stderr);
    va_end(ap);
    return 2;
}

static void
usage(FILE *f)
{
    fprintf(f,
"usage: nvosim bench scale [--sizes LIST] [--packets N] [--dual-homed]\n"
"\n"
"Builds leaf-spine fabrics of growing size with the topology generator,\n"
"each in a child process of its own, and reports per size: set-up time and\n"
"peak memory, a full route computation, the incremental one after a spine\n"
"failure (and its repair), and packet-hops per second over two short\n"
"runs: every hypervisor sending at line rate, then --senders of them at\n"
"half rate (the same traffic on every size).\n"
"\n"
"  --sizes LIST   comma-separated SPINESxLEAVESxHYPERVISORS-PER-LEAF\n"
"                 (default " DEFAULT_SIZES ":\n"
"                 128, 1,024, 10,240 and 102,400 hypervisors)\n"
"  --packets N    packets to send in all per size, spread over the\n"
"                 hypervisors, at least 1 us of sending (default %d)\n"
"  --senders N    hypervisors that send in the second run (default %d)\n"
"  --dual-homed   every hypervisor on a pair of leaves\n"
"  -h, --help     this text\n"
"\n"
"Exit status 0 if every size ran and conserved its packets, 1 if not, 2\n"
"for a usage error.  docs/performance.md has the figures.\n",
            DEFAULT_PACKETS, DEFAULT_SENDERS);
}

static bool
parse_sizes(const char *s, struct scale_size *out, size_t *n)
{
    char **parts = g_strsplit(s, ",", -1);
    bool ok = parts[0] != NULL;
    *n = 0;
    for (char **p = parts; ok && *p; p++) {
        unsigned a, b, c;
        char tail;
        if (*n == MAX_SIZES
            || sscanf(*p, "%ux%ux%u%c", &a, &b, &c, &tail) != 3
            || !a || !b || !c || a > 100000 || b > 100000 || c > 10000
            || (uint64_t) b * c > 10000000) {
            ok = false;
            break;
        }
        out[(*n)++] = (struct scale_size) { a, b, c };
    }
    g_strfreev(parts);
    return ok;
}

/* This process's CPU time: the machine the figures come from is shared,
 * and wall-clock time would count the other processes' turns. */
static double
cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static double
mib(long kib)
{
    return (double) kib / 1024.0;
}

/* The memory types of the routing state (net.h; counted by routes.c). */
static const char *const route_types[] = {
    "fib", "nh-sets", "nh-pool", "nh-set-hash",
    "route-groups", "group-keys", "group-dists", "route-index",
};
#define N_ROUTE_TYPES G_N_ELEMENTS(route_types)
G_STATIC_ASSERT(N_ROUTE_TYPES == ROUTE_TYPES);

/* The bytes of routing state, as counted (core/mem.h): per type in the
 * network, and the mean bytes per leaf and per spine. */
static void
route_bytes(const struct nvo_net *net, struct scale_result *r)
{
    uint64_t role_bytes[NVO_ROLE_N] = { 0 }, role_n[NVO_ROLE_N] = { 0 };
    r->route_bytes = 0;
    for (size_t k = 0; k < N_ROUTE_TYPES; k++) {
        nvo_mem_type t = nvo_mem_type_register(route_types[k]);
        r->type_bytes[k] = nvo_mem_acct_get(&net->mem, t).bytes;
        r->route_bytes += r->type_bytes[k];
        for (uint32_t i = 0; i < nvo_net_n_nodes(net); i++) {
            const struct nvo_node *n = nvo_net_node(net, i);
            role_bytes[n->role] += nvo_mem_acct_get(&n->mem, t).bytes;
            role_n[n->role] += k == 0;
        }
    }
    r->leaf_bytes = role_n[NVO_ROLE_LEAF]
                    ? (double) role_bytes[NVO_ROLE_LEAF]
                      / (double) role_n[NVO_ROLE_LEAF] : 0;
    r->spine_bytes = role_n[NVO_ROLE_SPINE]
                     ? (double) role_bytes[NVO_ROLE_SPINE]
                       / (double) role_n[NVO_ROLE_SPINE] : 0;
}

static int
build(const struct scale_size *sz, bool dual, struct nvo_engine *e,
      struct nvo_net **out, struct scale_result *r)
{
    double t0 = cpu_seconds();
    /* Uplinks 40 Gb/s, access links 10 Gb/s; 1 us, MTU 1500, 1 MiB. */
    struct nvo_bench_leaf_spine ls = {
        .spines = sz->spines, .leaves = sz->leaves,
        .hosts_per_leaf = sz->hpl, .dual = dual,
    };
    nvo_link_cfg_default(&ls.uplink);
    ls.uplink.rate_bps = 40000000000ull;
    ls.uplink.delay = NVO_US;
    ls.uplink.mtu = 1500;
    ls.uplink.queue_bytes = 1u << 20;
    ls.access = ls.uplink;
    ls.access.rate_bps = 10000000000ull;
    int error;
    struct nvo_topo_cfg *topo = nvo_bench_leaf_spine_load(&ls, "scale",
                                                          &error);
    if (!topo) {
        return error;
    }
    double t1 = cpu_seconds();
    r->load_s = t1 - t0;
    struct nvo_net_cfg nc;
    memset(&nc, 0, sizeof nc);
    nc.convergence_delay = 0;
    nc.ecmp.fn = NVO_HASH_CRC32;
    nc.ecmp.fields = NVO_ECMP_5TUPLE;
    nc.ecmp.parser_depth = 128;
    nc.seed_mode = NVO_SEED_PER_SWITCH;
    nc.seed = nc.run = 1;
    struct nvo_net *net = nvo_net_create(e, &nc);
    error = nvo_bench_topo_add(net, topo);
    nvo_topo_cfg_destroy(topo);
    double t2 = cpu_seconds();
    r->links_s = t2 - t1;
    if (!error) {
        error = nvo_net_finalize(net);
    }
    r->finalize_s = cpu_seconds() - t2;
    if (error) {
        nvo_net_destroy(net);
        return error;
    }
    *out = net;
    return 0;
}

static void
measure(const struct scale_size *sz, bool dual, uint64_t packets,
        uint32_t senders, struct scale_result *r)
{
    memset(r, 0, sizeof *r);
    struct nvo_engine *e;
    r->error = nvo_engine_create("native", NULL, &e);
    if (r->error) {
        return;
    }
    struct nvo_net *net = NULL;
    double t0 = cpu_seconds();
    r->error = build(sz, dual, e, &net, r);
    double t1 = cpu_seconds();
    if (r->error) {
        nvo_engine_destroy(e);
        return;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    r->setup_rss_kib = ru.ru_maxrss;
    r->setup_s = t1 - t0;
    r->n_nodes = nvo_net_n_nodes(net);
    r->n_links = net->links->len;
    for (uint32_t i = 0; i < r->n_nodes; i++) {
        r->n_hv += nvo_net_node(net, i)->role == NVO_ROLE_HYPERVISOR;
    }
    for (uint32_t g = 0; g < net->rt.n_groups; g++) {
        r->n_groups += net->rt.groups[g].key != NULL;
    }
    route_bytes(net, r);

    t0 = cpu_seconds();
    nvo_net_compute_routes(net);
    r->routes_s = cpu_seconds() - t0;

    /* A spine fails; with no convergence delay the update is the only
     * event. */
    uint32_t spine = (uint32_t) nvo_net_find(net, "spine1");
    nvo_net_set_node_up(net, spine, false);
    t0 = cpu_seconds();
    nvo_engine_run(e, NVO_TIME_MAX);
    r->fail_s = cpu_seconds() - t0;
    r->fail_searched = net->rt.last_groups_searched;
    r->fail_patched = net->rt.last_groups_patched;
    nvo_net_set_node_up(net, spine, true);
    t0 = cpu_seconds();
    nvo_engine_run(e, NVO_TIME_MAX);
    r->repair_s = cpu_seconds() - t0;
    r->repair_searched = net->rt.last_groups_searched;

    /* First run: about 'packets' packets from 'senders' hypervisors only,
     * at half their line rate: the offered traffic, and so the packets in
     * flight, do not grow with the fabric. */
    nvo_time_t pkt_time = (nvo_time_t) (PKT_SIZE + 14 + 24) * 8 * NVO_SEC
                          / 10000000000ll;

    uint32_t n_src = senders < r->n_hv ? senders : r->n_hv;
    struct nvo_node **hv = g_new(struct nvo_node *, r->n_hv);
    for (uint32_t i = 0, k = 0; i < r->n_nodes; i++) {
        struct nvo_node *n = nvo_net_node(net, i);
        if (n->role == NVO_ROLE_HYPERVISOR) {
            hv[k++] = n;
            nvo_node_bind_udp(n, 4789, cbr_deliver, &r->fixed_delivered);
        }
    }
    struct cbr *cbr = g_new0(struct cbr, n_src);
    nvo_time_t now = nvo_engine_now(e);
    nvo_time_t interval = 2 * pkt_time;
    uint64_t per_src = (packets + n_src - 1) / n_src;
    uint64_t hops0 = packet_hops(net);
    net->pool.n_peak = net->pool.n_live;
    net->pool.bytes_peak = net->pool.bytes_live;
    for (uint32_t k = 0; k < n_src; k++) {
        struct cbr *c = &cbr[k];
        uint32_t a = (uint32_t) ((uint64_t) k * r->n_hv / n_src);
        uint32_t b = (a + r->n_hv / 2) % r->n_hv;
        c->net = net;
        c->src = hv[a];
        c->id = k + 1;
        c->interval = interval;
        c->stop = now + (nvo_time_t) per_src * interval;
        c->sent = &r->fixed_sent;
        memcpy(c->spec.src_mac, hv[a]->mac, 6);
        c->spec.src_ip4 = hv[a]->addr4;
        c->spec.dst_ip4 = hv[b]->addr4;
        c->spec.proto = 17;
        c->spec.sport = (uint16_t) (49152 + k % 16384);
        c->spec.dport = 4789;
        nvo_engine_schedule_at(e, now + interval * k / n_src, cbr_send, c);
    }
    t0 = cpu_seconds();
    nvo_engine_run(e, NVO_TIME_MAX);
    r->fixed_run_s = cpu_seconds() - t0;
    r->fixed_hops = packet_hops(net) - hops0;
    r->fixed_peak_pkts = net->pool.n_peak;
    r->fixed_peak_bytes = net->pool.bytes_peak;
    r->fixed_hops_per_s = r->fixed_run_s > 0
                          ? (double) r->fixed_hops / r->fixed_run_s : 0;
    if (!r->fixed_sent || r->fixed_sent != r->fixed_delivered) {
        r->error = EPROTO;      /* half rate: nothing may be lost */
    }
    for (uint32_t k = 0; k < r->n_hv; k++) {
        nvo_node_unbind_udp(hv[k], 4789);     /* the traffic sink's next */
    }
    g_free(cbr);
    g_free(hv);

    /* Second run: one flow per hypervisor, line rate, about 'packets' in
     * all, at least 1 us of sending. */
    uint64_t per_host = (packets + r->n_hv - 1) / r->n_hv;
    if (per_host * (uint64_t) pkt_time < (uint64_t) NVO_US) {
        per_host = (uint64_t) (NVO_US + pkt_time - 1) / (uint64_t) pkt_time;
    }
    struct nvo_traffic_cfg tc;
    memset(&tc, 0, sizeof tc);
    tc.name = "scale";
    tc.pattern = NVO_PATTERN_PERMUTATION;
    tc.incast_target = -1;
    tc.size_dist = NVO_SIZE_FIXED;
    tc.size_bytes = (double) (per_host * (PKT_SIZE - 28));
    tc.flows_per_sec = 1e9;          /* every flow starts within ns */
    tc.pkt_dist = NVO_PKTSIZE_FIXED;
    tc.pkt_size = PKT_SIZE;
    tc.proto = 17;
    tc.dport = 4789;
    tc.start = nvo_engine_now(e);
    tc.stop = tc.start + NVO_US;
    tc.max_flows = 1;
    struct nvo_traffic *tr = nvo_traffic_create(net, &tc, 1);
    if (!tr) {
        r->error = errno;
        nvo_net_destroy(net);
        nvo_engine_destroy(e);
        return;
    }
    uint64_t ev0 = e->n_executed, hops1 = packet_hops(net);
    net->pool.n_peak = net->pool.n_live;
    net->pool.bytes_peak = net->pool.bytes_live;
    nvo_time_t sim0 = nvo_engine_now(e);
    t0 = cpu_seconds();
    nvo_engine_run(e, NVO_TIME_MAX);
    r->run_s = cpu_seconds() - t0;
    r->sim_s = (double) (nvo_engine_now(e) - sim0) / (double) NVO_SEC;
    r->events = e->n_executed - ev0;
    r->packet_hops = packet_hops(net) - hops1;
    r->hops_per_s = r->run_s > 0 ? (double) r->packet_hops / r->run_s : 0;
    r->peak_pkts = net->pool.n_peak;
    r->peak_bytes = net->pool.bytes_peak;
    struct nvo_traffic_stats st;
    nvo_traffic_get_stats(tr, &st);
    r->sent = st.pkts_sent;
    r->delivered = st.pkts_delivered;
    uint64_t lost = nvo_net_drops(net, NULL, NULL) + nvo_net_in_flight(net);
    /* The first run lost nothing (checked below). */
    if (r->sent != r->delivered + lost || !r->sent) {
        r->error = EPROTO;
    }
    /* The traffic's hooks stay on the hypervisors' ports: the network
     * goes right after. */
    nvo_traffic_destroy(tr);

    nvo_net_destroy(net);
    nvo_engine_destroy(e);
}

struct scale_job {
    const struct scale_size *sz;
    bool dual;
    uint64_t packets;
    uint32_t senders;
};

static void
scale_child__(void *job_, void *r)
{
    const struct scale_job *job = job_;
    measure(job->sz, job->dual, job->packets, job->senders, r);
}

/* One size in a forked child; fills *r and its whole peak RSS. */
static int
run_child(const struct scale_size *sz, bool dual, uint64_t packets,
          uint32_t senders, struct scale_result *r, long *maxrss_kib)
{
    struct scale_job job = { sz, dual, packets, senders };
    char what[128];
    snprintf(what, sizeof what, "scale: %ux%ux%u", sz->spines, sz->leaves,
             sz->hpl);
    int error = nvo_bench_run_child(what, scale_child__, &job, r, sizeof *r,
                                    maxrss_kib);
    return error ? error : r->error;
}

struct row {
    struct scale_size sz;
    struct scale_result r;
    long rss_kib;
    bool ok;
};

static const struct row *
find_row(const struct row *rows, size_t n, uint32_t n_hv)
{
    for (size_t i = 0; i < n; i++) {
        if (rows[i].ok && rows[i].r.n_hv == n_hv) {
            return &rows[i];
        }
    }
    return NULL;
}

static void
targets(const struct row *rows, size_t n)
{
    const struct row *a = find_row(rows, n, 128);
    const struct row *b = find_row(rows, n, 1024);
    const struct row *c = find_row(rows, n, 10240);
    const struct row *d = find_row(rows, n, 102400);
    printf("\ntargets:\n");
    if (c) {
        printf("  setup of 10,240 hv under 400 MB peak: %.1f MB, %s\n",
               c->r.setup_rss_kib * 1024.0 / 1e6,
               c->r.setup_rss_kib * 1024.0 < 400e6 ? "met" : "NOT met");
        printf("  spine failure under 1/20 of a full computation: "
               "1/%.0f, %s\n", c->r.routes_s / c->r.fail_s,
               c->r.fail_s * 20 < c->r.routes_s ? "met" : "NOT met");
    }
    if (b && c) {
        printf("  setup of 10,240 hv at most 20x that of 1,024: %.1fx, %s "
               "(without adding the links: %.1fx)\n",
               c->r.setup_s / b->r.setup_s,
               c->r.setup_s <= 20 * b->r.setup_s ? "met" : "NOT met",
               (c->r.setup_s - c->r.links_s) / (b->r.setup_s - b->r.links_s));
    }
    if (d) {
        printf("  102,400 hv set up and run in under 4 GiB: %.2f GiB, %s\n",
               d->rss_kib / 1048576.0,
               d->rss_kib < 4l * 1048576 ? "met" : "NOT met");
    }
    if (a && c) {
        printf("  packet-hops/s at 10,240 hv at least half of 128's: "
               "all sending %.2f, %s; the same senders %.2f, %s\n",
               c->r.hops_per_s / a->r.hops_per_s,
               2 * c->r.hops_per_s >= a->r.hops_per_s ? "met" : "NOT met",
               c->r.fixed_hops_per_s / a->r.fixed_hops_per_s,
               2 * c->r.fixed_hops_per_s >= a->r.fixed_hops_per_s ? "met"
                                                                 : "NOT met");
    }
}

int
nvo_bench_scale_main(int argc, char **argv)
{
    struct scale_size sizes[MAX_SIZES];
    size_t n_sizes = 0;
    parse_sizes(DEFAULT_SIZES, sizes, &n_sizes);
    uint64_t packets = DEFAULT_PACKETS;
    uint32_t senders = DEFAULT_SENDERS;
    bool dual = false;
    static const char *const names[] = { "--sizes", "--packets",
                                         "--senders" };
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i], *val = NULL;
        if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(opt, "--dual-homed")) {
            dual = true;
            continue;
        }
        int k = nvo_bench_opt_value(argc, argv, &i, names, 3, &val);
        if (k < 0) {
            return usage_error("%s needs a value", opt);
        }
        if (k == 0) {
            if (!parse_sizes(val, sizes, &n_sizes)) {
                return usage_error("--sizes \"%s\": expected up to %d "
                                   "SxLxH, e.g. 32x256x40", val, MAX_SIZES);
            }
        } else if (k == 1) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(val, &end, 10);
            if (errno || *end || !v || v > 1000000000ull || val[0] == '-') {
                return usage_error("--packets \"%s\": expected 1 to "
                                   "1000000000", val);
            }
            packets = v;
        } else if (k == 2) {
            char *end;
            errno = 0;
            unsigned long v = strtoul(val, &end, 10);
            if (errno || *end || !v || v > 10000000ul || val[0] == '-') {
                return usage_error("--senders \"%s\": expected 1 to "
                                   "10000000", val);
            }
            senders = (uint32_t) v;
        } else {
            return usage_error("unknown option \"%s\"", opt);
        }
    }
    printf("scale: leaf-spine fabrics%s, uplinks 40Gbps, access 10Gbps, "
           "1us; %d-byte UDP packets, one flow per hypervisor "
           "(permutation), about %" PRIu64 " packets per size; each size "
           "in its own process\n\n", dual ? " (dual-homed)" : "", PKT_SIZE,
           packets);
    printf("%-12s %7s %7s %6s %8s %9s %9s %8s %8s %8s %8s %8s %8s %10s "
           "%10s\n",
           "size", "hv", "nodes", "groups", "setup s", "setup MiB",
           "route MiB", "KiB/leaf", "KiB/spn", "routes s", "fail s",
           "repair s", "peak MiB", "hops/s all", "hops/s N");
    struct row rows[MAX_SIZES];
    int status = 0;
    for (size_t i = 0; i < n_sizes; i++) {
        struct row *w = &rows[i];
        w->sz = sizes[i];
        int error = run_child(&sizes[i], dual, packets, senders, &w->r,
                              &w->rss_kib);
        char name[48];
        g_snprintf(name, sizeof name, "%ux%ux%u", sizes[i].spines,
                   sizes[i].leaves, sizes[i].hpl);
        w->ok = !error;
        if (error) {
            printf("%-12s failed: %s\n", name, strerror(error));
            status = 1;
            continue;
        }
        const struct scale_result *r = &w->r;
        printf("%-12s %7u %7u %6u %8.3f %9.1f %9.2f %8.1f %8.1f %8.4f "
               "%8.5f %8.5f %8.1f %10.0f %10.0f\n", name, r->n_hv,
               r->n_nodes, r->n_groups, r->setup_s, mib(r->setup_rss_kib),
               (double) r->route_bytes / 1048576.0, r->leaf_bytes / 1024.0,
               r->spine_bytes / 1024.0, r->routes_s, r->fail_s,
               r->repair_s, mib(w->rss_kib), r->hops_per_s,
               r->fixed_hops_per_s);
        fflush(stdout);
    }
    printf("\nper size: set-up parts (topology generator; adding nodes and "
           "links; finalize with the first routes); groups searched again "
           "after the spine failure / patched, after its repair searched; "
           "traffic\n");
    for (size_t i = 0; i < n_sizes; i++) {
        if (!rows[i].ok) {
            continue;
        }
        const struct scale_result *r = &rows[i].r;
        printf("  %ux%ux%u: set-up %.3f + %.3f + %.3f s; failure %u searched "
               "/ %u patched, repair %u searched; all send: %" PRIu64
               " packets, %" PRIu64 " delivered, %" PRIu64 " packet-hops, %"
               PRIu64 " events, %.2f us simulated, %.3f s; %u send: %"
               PRIu64 " packets, %" PRIu64 " packet-hops, %.3f s\n",
               rows[i].sz.spines, rows[i].sz.leaves, rows[i].sz.hpl,
               r->load_s, r->links_s, r->finalize_s,
               r->fail_searched, r->fail_patched, r->repair_searched,
               r->sent, r->delivered, r->packet_hops, r->events,
               r->sim_s * 1e6, r->run_s,
               senders < r->n_hv ? senders : r->n_hv, r->fixed_sent,
               r->fixed_hops, r->fixed_run_s);
        printf("    packets in flight at most: all send %" PRIu64 " (%.1f MiB "
               "of packet structs), %u send %" PRIu64 " (%.1f MiB); events "
               "per packet-hop, all send: %.2f\n", r->peak_pkts,
               (double) r->peak_bytes / 1048576.0,
               senders < r->n_hv ? senders : r->n_hv, r->fixed_peak_pkts,
               (double) r->fixed_peak_bytes / 1048576.0,
               r->packet_hops ? (double) r->events / (double) r->packet_hops
                              : 0);
        printf("    route state %" PRIu64 " bytes (requested; allocator "
               "overhead not counted):", r->route_bytes);
        for (size_t k = 0; k < N_ROUTE_TYPES; k++) {
            printf("%s %s %" PRIu64, k ? "," : "", route_types[k],
                   r->type_bytes[k]);
        }
        printf("\n");
    }
    targets(rows, n_sizes);
    return status;
}
