/* overlay.c: "nvosim bench overlay", what the overlay costs to build and
 * to run, each against the underlay alone on the same fabric in the same
 * command.
 *
 * Build (the default): a <leaf-spine> scenario (default 4 spines x 25
 * leaves x 40 hypervisors = 1,000 hypervisors) with <overlay> (default
 * 1,000 tenants x 100 VMs = 100,000 VMs, VXLAN, round-robin), written to
 * temporary files and built as "nvosim run" builds it: nvo_scenario_load()
 * (the schema, the checks, the topology generator) and nvo_sim_create()
 * (nodes, links, every hypervisor a PE, the VMs placed and added to the
 * PEs with their flood lists, routes), no traffic.  The reference is the
 * same scenario without <overlay>.  Each build runs in a forked child of
 * its own, so its peak RSS (wait4) is its own.  Reported: CPU time of the
 * load and of the build, peak RSS, the bytes the model counts
 * (core/mem.h), and per VM the overlay's extra peak RSS and counted bytes
 * over the reference; and the placement alone (nvo_overlay_place()).
 *
 * --hops: packet-hops per second of the same traffic as plain underlay
 * UDP and as VM traffic over VXLAN, on one leaf-spine (default 4 x 32 x
 * 4 = 128 hypervisors: four 10 Gb/s access links per leaf and four 40
 * Gb/s uplinks, so no link is ever offered more than its rate, whatever
 * the hashes do, and nothing is lost).  Underlay: every hypervisor sends one UDP flow
 * (traffic.c, permutation) of --packets / H packets of 1000 IP bytes at
 * line rate.  Overlay: one tenant with one VM per hypervisor (VM i on the
 * i-th), every VM one flow of as many 1000-byte inner IP packets
 * (permutation within the tenant: the same derangement), through the
 * PEs' virtual switches, encapsulated in VXLAN (outer frames 50 bytes
 * longer); the MAC tables are filled beforehand with every VM's location
 * (as after every VM has sent once), so every frame is known unicast
 * (checked: no flood).  Both runs build the network as a scenario run
 * does (the overlay with run/sim_overlay.c, its BUM taps on every port)
 * and are timed from the first flow to an empty network (CPU time);
 * packet-hops are the frames sent over all links.  Printed: both rates
 * and their ratio.
 *
 * Times are the child's CPU time (CLOCK_PROCESS_CPUTIME_ID), not wall
 * time, so that other processes on the shared machine do not count.
 * Left out: repetitions (run again), other encapsulations than VXLAN in
 * --hops (the same PE path; only push/pop differ), the ns3 engine. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "bench.h"
#include "core/engine.h"
#include "fabric/net.h"
#include "io/config.h"
#include "overlay/pe_node.h"
#include "run/overlay_place.h"
#include "run/sim.h"
#include "run/sim_overlay.h"
#include "traffic/traffic.h"

#define DEFAULT_BUILD_SIZE "4x25x40"
#define DEFAULT_HOPS_SIZE "4x32x4"
#define DEFAULT_TENANTS 1000
#define DEFAULT_VMS 100
#define DEFAULT_PACKETS 400000
#define PKT_SIZE 1000
#define TARGET_BUILD_S 5.0
#define TARGET_BUILD_BYTES (2.0 * 1024 * 1024 * 1024)
#define TARGET_RATIO 0.5

struct size3 {
    uint32_t spines, leaves, hpl;
};

static int
usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("nvosim bench overlay: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (see --help)\n", stderr);
    va_end(ap);
    return 2;
}

static void
usage(FILE *f)
{
    fprintf(f,
"usage: nvosim bench overlay [--size SxLxH] [--tenants T] [--vms V]\n"
"                            [--placement P]\n"
"       nvosim bench overlay --hops [--size SxLxH] [--packets N]\n"
"\n"
"Build: a leaf-spine scenario with T tenants of V VMs on its hypervisors,\n"
"loaded and built as \"nvosim run\" does, next to the same scenario\n"
"without <overlay>; each in a child process of its own.  Prints CPU time,\n"
"peak memory and bytes per VM.\n"
"\n"
"--hops: packet-hops per second of the same traffic as plain underlay UDP\n"
"and as VM traffic over VXLAN (known unicast), and their ratio.\n"
"\n"
"  --size SxLxH   spines, leaves, hypervisors per leaf (default " 
DEFAULT_BUILD_SIZE ",\n"
"                 1,000 hypervisors; with --hops " DEFAULT_HOPS_SIZE ")\n"
"  --tenants T    tenants (default %d)\n"
"  --vms V        VMs per tenant (default %d)\n"
"  --placement P  round-robin, random or packed-per-leaf (default\n"
"                 round-robin)\n"
"  --packets N    --hops: packets in all, spread over the hypervisors\n"
"                 (default %d)\n"
"  -h, --help     this text\n"
"\n"
"Exit status 0 if every run worked (and conserved its packets), 1 if not,\n"
"2 for a usage error.  docs/performance.md has the figures.\n",
            DEFAULT_TENANTS, DEFAULT_VMS, DEFAULT_PACKETS);
}

static bool
parse_size(const char *s, struct size3 *out)
{
    unsigned a, b, c;
    char tail;
    if (sscanf(s, "%ux%ux%u%c", &a, &b, &c, &tail) != 3 || !a || !b || !c
        || a > 10000 || b > 100000 || c > 10000
        || (uint64_t) b * c > 1000000) {
        return false;
    }
    *out = (struct size3) { a, b, c };
    return true;
}

/* ---- Build ------------------------------------------------------------- */

struct build_job {
    const char *path;           /* the scenario */
    bool overlay;
};

struct build_result {
    int error;
    double load_s, create_s, place_s;
    long rss_kib;               /* after the build */
    uint64_t counted;           /* bytes the model counts (core/mem.h) */
    uint32_t n_nodes, n_links, n_pes, n_vms;
    uint64_t pe_tenants;        /* (PE, tenant) pairs */
};

static void
build_child__(void *job_, void *res_)
{
    const struct build_job *job = job_;
    struct build_result *r = res_;
    memset(r, 0, sizeof *r);
    struct nvo_bench_build b;
    r->error = nvo_bench_build_scenario("overlay", job->path, &b);
    if (r->error) {
        return;
    }
    struct nvo_sim *sim = b.sim;
    struct nvo_scenario_cfg *cfg = b.cfg;
    r->rss_kib = b.rss_kib;
    r->load_s = b.load_s;
    r->create_s = b.create_s;
    r->counted = nvo_mem_acct_bytes(&sim->net->mem);
    r->n_nodes = nvo_net_n_nodes(sim->net);
    r->n_links = sim->net->links->len;
    if (sim->overlay) {
        const struct nvo_sim_overlay *o = sim->overlay;
        r->n_pes = o->n_pes;
        r->n_vms = o->n_vms;
        for (uint32_t i = 0; i < o->n_pes; i++) {
            r->pe_tenants += nvo_pe_node_n_tenants(o->pes[i]);
        }
        /* The placement alone, again (after the RSS was taken). */
        struct nvo_overlay_placement pl;
        double t3 = nvo_bench_cpu_seconds();
        if (!nvo_overlay_place(cfg, &pl, NULL)) {
            r->error = EINVAL;
        }
        r->place_s = nvo_bench_cpu_seconds() - t3;
        nvo_overlay_placement_free(&pl);
    }
    nvo_bench_build_done(&b);
}

/* Writes DIR/topology.xml and the scenario DIR/NAME.xml (with <overlay>
 * if tenants > 0); returns the scenario's path or NULL. */
static char *
write_files(const char *dir, const struct size3 *sz, uint32_t tenants,
            uint32_t vms, const char *placement, const char *name)
{
    char *topo = g_build_filename(dir, "topology.xml", NULL);
    char *text = g_strdup_printf(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<topology name=\"bench-overlay\">\n"
        "  <defaults>\n"
        "    <fabric rate=\"40Gbps\" delay=\"1us\" mtu=\"1500\" "
        "queue=\"1MiB\"/>\n"
        "    <access rate=\"10Gbps\" delay=\"1us\" mtu=\"1500\" "
        "queue=\"1MiB\"/>\n"
        "  </defaults>\n"
        "  <leaf-spine spines=\"%u\" leaves=\"%u\" "
        "hypervisors-per-leaf=\"%u\"/>\n"
        "</topology>\n", sz->spines, sz->leaves, sz->hpl);
    bool ok = g_file_set_contents(topo, text, -1, NULL);
    g_free(text);
    g_free(topo);
    char *ov = tenants
        ? g_strdup_printf("  <overlay encap=\"vxlan\">\n"
                          "    <tenants count=\"%u\" vms-per-tenant=\"%u\" "
                          "placement=\"%s\"/>\n"
                          "  </overlay>\n", tenants, vms, placement)
        : g_strdup("");
    text = g_strdup_printf(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<scenario name=\"bench-overlay\">\n"
        "  <topology file=\"topology.xml\"/>\n"
        "  <underlay flow-stats=\"false\"/>\n"
        "%s"
        "</scenario>\n", ov);
    char *base = g_strdup_printf("%s.xml", name);
    char *path = g_build_filename(dir, base, NULL);
    ok = ok && g_file_set_contents(path, text, -1, NULL);
    g_free(base);
    g_free(text);
    g_free(ov);
    if (!ok) {
        g_free(path);
        return NULL;
    }
    return path;
}

static double
mib(double bytes)
{
    return bytes / 1048576.0;
}

static int
run_build(const struct size3 *sz, uint32_t tenants, uint32_t vms,
          const char *placement)
{
    uint64_t n_hv = (uint64_t) sz->leaves * sz->hpl;
    printf("overlay build: %ux%ux%u leaf-spine (%" PRIu64 " hypervisors), "
           "%u tenants x %u VMs = %" PRIu64 " VMs, vxlan, %s; loaded and "
           "built as \"nvosim run\" does, each in its own process; CPU "
           "times\n\n", sz->spines, sz->leaves, sz->hpl, n_hv, tenants, vms,
           (uint64_t) tenants * vms, placement);
    char *dir = g_dir_make_tmp("nvosim-bench-overlay-XXXXXX", NULL);
    if (!dir) {
        fprintf(stderr, "nvosim bench overlay: cannot make a temporary "
                "directory\n");
        return 1;
    }
    char *under = write_files(dir, sz, 0, 0, placement, "underlay");
    char *over = write_files(dir, sz, tenants, vms, placement, "overlay");
    struct build_result r[2];
    long rss[2] = { 0, 0 };
    int status = 0;
    const char *names[2] = { "underlay only", "overlay" };
    printf("%-14s %7s %7s %8s %8s %8s %10s %12s %6s %11s\n", "build",
           "nodes", "links", "load s", "build s", "total s", "peak MiB",
           "counted MiB", "PEs", "PE-tenants");
    for (int k = 0; k < 2; k++) {
        struct build_job job = { k ? over : under, k == 1 };
        int error = job.path ? nvo_bench_run_child("overlay build",
                                                   build_child__, &job, &r[k],
                                                   sizeof r[k], &rss[k])
                             : EIO;
        error = error ? error : r[k].error;
        if (error) {
            printf("%-14s failed: %s\n", names[k], strerror(error));
            status = 1;
            continue;
        }
        printf("%-14s %7u %7u %8.3f %8.3f %8.3f %10.1f %12.2f %6u %11"
               PRIu64 "\n", names[k], r[k].n_nodes, r[k].n_links, r[k].load_s, r[k].create_s,
               r[k].load_s + r[k].create_s, mib(rss[k] * 1024.0),
               mib((double) r[k].counted), r[k].n_pes, r[k].pe_tenants);
    }
    if (!status && r[1].n_vms) {
        double d_s = r[1].load_s + r[1].create_s - r[0].load_s
                     - r[0].create_s;
        double d_rss = (double) (rss[1] - rss[0]) * 1024.0;
        double d_cnt = (double) r[1].counted - (double) r[0].counted;
        printf("\noverlay - underlay: %.3f s, %.1f MiB peak, %.1f MiB "
               "counted: %.0f bytes per VM (peak RSS), %.0f counted; %.0f "
               "bytes per (PE, tenant) pair (peak RSS)\n", d_s, mib(d_rss),
               mib(d_cnt), d_rss / r[1].n_vms, d_cnt / r[1].n_vms,
               r[1].pe_tenants ? d_rss / (double) r[1].pe_tenants : 0);
        printf("placement alone (nvo_overlay_place): %.3f s for %u VMs\n",
               r[1].place_s, r[1].n_vms);
        double total = r[1].load_s + r[1].create_s;
        printf("\ntargets:\n  build under %.0f s: %.2f s, %s\n  build "
               "under 2 GiB: %.2f GiB peak, %s\n", TARGET_BUILD_S, total,
               total < TARGET_BUILD_S ? "met" : "NOT met",
               rss[1] / 1048576.0,
               rss[1] * 1024.0 < TARGET_BUILD_BYTES ? "met" : "NOT met");
    }
    if (under) {
        g_unlink(under);
    }
    if (over) {
        g_unlink(over);
    }
    char *topo = g_build_filename(dir, "topology.xml", NULL);
    g_unlink(topo);
    g_free(topo);
    g_rmdir(dir);
    g_free(dir);
    g_free(under);
    g_free(over);
    return status;
}

/* ---- Hops -------------------------------------------------------------- */

struct hops_job {
    struct size3 sz;
    uint64_t packets;
    bool overlay;
};

struct hops_result {
    int error;
    uint32_t n_hv;
    double run_s, sim_s, hops_per_s;
    uint64_t hops, sent, delivered, events;
    uint64_t vm_frames, remote_unicast, floods, frames_out;
    uint64_t peak_pkts;         /* most packets out of the pool at once */
};

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

/* Every PE learns every remote VM of the one tenant, as after each VM
 * has sent once. */
static void
prelearn(struct nvo_sim_overlay *o, uint32_t vni)
{
    nvo_time_t now = nvo_engine_now(o->net->engine);
    for (uint32_t i = 0; i < o->n_pes; i++) {
        struct nvo_pe_node *pe = o->pes[i];
        uint32_t self = nvo_pe_node_index(pe);
        for (uint32_t k = 0; k < o->n_vms; k++) {
            const struct nvo_traffic_vm *v = &o->vms[k];
            if (v->node != self) {
                nvo_mac_table_learn(nvo_pe_node_mac_table(pe), vni,
                                    nvo_mac_from_bytes(v->mac),
                                    (struct nvo_mac_loc) { true, v->node },
                                    NVO_MAC_ORIGIN_DATA, 0, 0, now, NULL);
            }
        }
    }
}

static void
hops_child__(void *job_, void *res_)
{
    const struct hops_job *job = job_;
    struct hops_result *r = res_;
    memset(r, 0, sizeof *r);
    struct nvo_bench_leaf_spine ls = {
        .spines = job->sz.spines, .leaves = job->sz.leaves,
        .hosts_per_leaf = job->sz.hpl,
    };
    nvo_link_cfg_default(&ls.uplink);
    ls.uplink.rate_bps = 40000000000ull;
    ls.uplink.delay = NVO_US;
    ls.uplink.mtu = 1500;
    ls.uplink.queue_bytes = 1u << 20;
    ls.access = ls.uplink;
    ls.access.rate_bps = 10000000000ull;
    struct nvo_topo_cfg *topo = nvo_bench_leaf_spine_load(&ls, "overlay",
                                                          &r->error);
    if (!topo) {
        return;
    }
    struct nvo_engine *e;
    r->error = nvo_engine_create("native", NULL, &e);
    if (r->error) {
        nvo_topo_cfg_destroy(topo);
        return;
    }
    struct nvo_net_cfg nc;
    memset(&nc, 0, sizeof nc);
    nc.convergence_delay = 0;
    nc.ecmp.fn = NVO_HASH_CRC32;
    nc.ecmp.fields = NVO_ECMP_5TUPLE;
    nc.ecmp.parser_depth = 128;
    nc.seed_mode = NVO_SEED_PER_SWITCH;
    nc.seed = nc.run = 1;
    struct nvo_net *net = nvo_net_create(e, &nc);
    r->n_hv = topo->n_role[NVO_ROLE_HYPERVISOR];
    /* The overlay as a scenario run has it: one tenant, one VM per
     * hypervisor, round-robin (VM i on the i-th). */
    struct nvo_scenario_cfg sc;
    memset(&sc, 0, sizeof sc);
    sc.path = (char *) "bench-overlay";
    sc.topo = topo;
    sc.seed = sc.run = 1;
    sc.overlay.enabled = true;
    sc.overlay.encap = "vxlan";
    sc.overlay.flood_list = NVO_FLOOD_VNI_PES;
    sc.overlay.n_tenants = 1;
    sc.overlay.vms_per_tenant = r->n_hv;
    sc.overlay.first_vni = 5000;
    sc.overlay.placement = NVO_PLACE_ROUND_ROBIN;
    sc.overlay.vm_oui = NVO_VM_OUI_VMWARE;
    struct nvo_sim_overlay *o = NULL;
    GError *gerr = NULL;
    int error = 0;
    if (job->overlay) {
        o = nvo_sim_overlay_create(&sc, net, &gerr);
        error = o ? 0 : EINVAL;
        for (size_t i = 0; !error && i < topo->n_links; i++) {
            const struct nvo_topo_link_cfg *l = &topo->links[i];
            error = nvo_net_add_link(net, l->a, l->b, &l->cfg);
        }
        if (!error && !nvo_sim_overlay_populate(o, &sc, &gerr)) {
            error = EINVAL;
        }
    } else {
        error = nvo_bench_topo_add(net, topo);
    }
    if (!error) {
        error = nvo_net_finalize(net);
    }
    if (gerr) {
        fprintf(stderr, "nvosim bench overlay: %s\n", gerr->message);
        g_error_free(gerr);
    }
    uint64_t per_host = (job->packets + r->n_hv - 1) / r->n_hv;
    struct nvo_traffic_cfg tc;
    memset(&tc, 0, sizeof tc);
    tc.name = "overlay";
    tc.pattern = NVO_PATTERN_PERMUTATION;
    tc.incast_target = -1;
    tc.size_dist = NVO_SIZE_FIXED;
    tc.size_bytes = (double) (per_host * (PKT_SIZE - 28));
    tc.flows_per_sec = 1e9;          /* every flow starts within ns */
    tc.pkt_dist = NVO_PKTSIZE_FIXED;
    tc.pkt_size = PKT_SIZE;
    tc.proto = 17;
    tc.dport = 5001;
    tc.start = nvo_engine_now(e);
    tc.stop = tc.start + NVO_US;
    tc.max_flows = 1;
    struct nvo_traffic *tr = NULL;
    if (!error && o) {
        nvo_sim_overlay_attach_taps(o);
        prelearn(o, sc.overlay.first_vni);
        struct nvo_traffic_vms v;
        nvo_sim_overlay_traffic_vms(o, &v);
        tr = nvo_traffic_create_vms(net, &tc, 1, &v);
        o->traffic = tr;
    } else if (!error) {
        tr = nvo_traffic_create(net, &tc, 1);
    }
    if (!error && !tr) {
        error = errno ? errno : EINVAL;
    }
    if (error) {
        r->error = error;
        nvo_net_destroy(net);
        nvo_sim_overlay_destroy(o);
        nvo_engine_destroy(e);
        nvo_topo_cfg_destroy(topo);
        return;
    }
    nvo_net_start(net);
    uint64_t ev0 = e->n_executed, hops0 = packet_hops(net);
    net->pool.n_peak = net->pool.n_live;
    nvo_time_t sim0 = nvo_engine_now(e);
    double t0 = nvo_bench_cpu_seconds();
    if (o) {
        /* The PEs' MAC aging timers keep events pending: run until the
         * traffic is done and the network empty, 10 us at a time. */
        for (nvo_time_t t = sim0 + 10 * NVO_US; ; t += 10 * NVO_US) {
            nvo_engine_run(e, t);
            if (nvo_net_in_flight(net) == 0 && nvo_traffic_idle(tr)) {
                break;
            }
        }
    } else {
        nvo_engine_run(e, NVO_TIME_MAX);
    }
    r->run_s = nvo_bench_cpu_seconds() - t0;
    r->sim_s = (double) (nvo_engine_now(e) - sim0) / (double) NVO_SEC;
    r->events = e->n_executed - ev0;
    r->hops = packet_hops(net) - hops0;
    r->hops_per_s = r->run_s > 0 ? (double) r->hops / r->run_s : 0;
    r->peak_pkts = net->pool.n_peak;
    struct nvo_traffic_stats st;
    nvo_traffic_get_stats(tr, &st);
    r->sent = st.pkts_sent;
    r->delivered = st.pkts_delivered;
    if (!r->sent || r->sent != r->delivered) {
        r->error = EPROTO;      /* nothing may be lost or left */
    }
    if (o) {
        struct nvo_sim_overlay_totals t;
        nvo_sim_overlay_totals(o, &t);
        r->vm_frames = t.c.vm_frames;
        r->remote_unicast = t.c.remote_unicast;
        r->frames_out = t.c.frames_out;
        for (int k = 0; k < NVO_BUM_N; k++) {
            r->floods += t.c.bum[k];
        }
        if (r->floods || r->remote_unicast != r->vm_frames) {
            r->error = EPROTO;  /* every frame known unicast */
        }
    }
    nvo_net_stop(net);
    nvo_traffic_destroy(tr);
    nvo_net_destroy(net);
    nvo_sim_overlay_destroy(o);
    nvo_engine_destroy(e);
    nvo_topo_cfg_destroy(topo);
}

static int
run_hops(const struct size3 *sz, uint64_t packets)
{
    uint64_t n_hv = (uint64_t) sz->leaves * sz->hpl;
    printf("overlay hops: %ux%ux%u leaf-spine (%" PRIu64 " hypervisors), "
           "uplinks 40Gbps, access 10Gbps, 1us; one flow per hypervisor "
           "(permutation) of %" PRIu64 " packets of %d IP bytes; underlay "
           "UDP, then one VM per hypervisor over VXLAN (known unicast); "
           "CPU time of the run\n\n", sz->spines, sz->leaves, sz->hpl, n_hv,
           (packets + n_hv - 1) / n_hv, PKT_SIZE);
    printf("%-9s %10s %10s %12s %9s %11s %12s %9s\n", "run", "packets",
           "delivered", "packet-hops", "events", "run CPU s", "hops/s",
           "sim us");
    struct hops_result r[2];
    int status = 0;
    const char *names[2] = { "underlay", "overlay" };
    for (int k = 0; k < 2; k++) {
        struct hops_job job = { *sz, packets, k == 1 };
        long rss;
        int error = nvo_bench_run_child("overlay hops", hops_child__, &job,
                                        &r[k], sizeof r[k], &rss);
        error = error ? error : r[k].error;
        if (error) {
            printf("%-9s failed: %s\n", names[k], strerror(error));
            status = 1;
            continue;
        }
        printf("%-9s %10" PRIu64 " %10" PRIu64 " %12" PRIu64 " %9" PRIu64
               " %11.3f %12.0f %9.1f\n", names[k], r[k].sent, r[k].delivered,
               r[k].hops, r[k].events, r[k].run_s, r[k].hops_per_s,
               r[k].sim_s * 1e6);
        fflush(stdout);
    }
    if (!status) {
        double ratio = r[1].hops_per_s / r[0].hops_per_s;
        printf("\noverlay: %" PRIu64 " VM frames, %" PRIu64 " known remote "
               "unicast, %" PRIu64 " flooded, %" PRIu64 " VXLAN frames out; "
               "events per packet-hop: underlay %.2f, overlay %.2f; packets "
               "in flight at most: underlay %" PRIu64 ", overlay %" PRIu64
               "\n", r[1].vm_frames, r[1].remote_unicast, r[1].floods,
               r[1].frames_out, (double) r[0].events / (double) r[0].hops,
               (double) r[1].events / (double) r[1].hops, r[0].peak_pkts,
               r[1].peak_pkts);
        printf("the same packet-hops in both runs (the same pairs and "
               "packets): %s\n", r[0].hops == r[1].hops ? "yes" : "NO");
        printf("\ntargets:\n  overlay packet-hops/s at least %.1f of the "
               "underlay's: %.2f, %s\n", TARGET_RATIO, ratio,
               ratio >= TARGET_RATIO ? "met" : "NOT met");
    }
    return status;
}

int
nvo_bench_overlay_main(int argc, char **argv)
{
    struct size3 sz;
    bool size_set = false, hops = false;
    uint64_t tenants = DEFAULT_TENANTS, vms = DEFAULT_VMS;
    uint64_t packets = DEFAULT_PACKETS;
    const char *placement = "round-robin";
    static const char *const names[] = { "--size", "--tenants", "--vms",
                                         "--placement", "--packets" };
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i], *val = NULL;
        if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(opt, "--hops")) {
            hops = true;
            continue;
        }
        int k = nvo_bench_opt_value(argc, argv, &i, names, 5, &val);
        if (k < 0) {
            return usage_error("%s needs a value", opt);
        }
        if (k == 0) {
            if (!parse_size(val, &sz)) {
                return usage_error("--size \"%s\": expected SxLxH, e.g. "
                                   "4x25x40 (at most 1,000,000 hypervisors)",
                                   val);
            }
            size_set = true;
        } else if (k == 1) {
            if (!nvo_bench_parse_count(val, 1, 1u << 24, &tenants)) {
                return usage_error("--tenants \"%s\": expected 1 to "
                                   "16777216", val);
            }
        } else if (k == 2) {
            if (!nvo_bench_parse_count(val, 1, (1u << 24) - 2, &vms)) {
                return usage_error("--vms \"%s\": expected 1 to 16777214",
                                   val);
            }
        } else if (k == 3) {
            if (strcmp(val, "round-robin") && strcmp(val, "random")
                && strcmp(val, "packed-per-leaf")) {
                return usage_error("--placement \"%s\": expected "
                                   "round-robin, random or packed-per-leaf",
                                   val);
            }
            placement = val;
        } else if (k == 4) {
            if (!nvo_bench_parse_count(val, 1, 1000000000ull, &packets)) {
                return usage_error("--packets \"%s\": expected 1 to "
                                   "1000000000", val);
            }
        } else {
            return usage_error("unknown option \"%s\"", opt);
        }
    }
    if (!size_set) {
        parse_size(hops ? DEFAULT_HOPS_SIZE : DEFAULT_BUILD_SIZE, &sz);
    }
    if (!hops && tenants * vms > (1u << 24)) {
        return usage_error("--tenants x --vms: %" PRIu64 " VMs; at most "
                           "16777216", tenants * vms);
    }
    return hops ? run_hops(&sz, packets)
                : run_build(&sz, (uint32_t) tenants, (uint32_t) vms,
                            placement);
}
