/* ctrl.c: "nvosim bench ctrl", what an overlay control plane costs to
 * build and to converge at scale: BGP EVPN with route reflectors, or
 * LDP-signalled VPLS in a full mesh of pseudowires.
 *
 * A <leaf-spine> scenario with <overlay control="evpn|vpls-ldp"> (EVPN:
 * --vnis tenants of --vms / --vnis VMs each, round-robin, VXLAN, the
 * reflectors spine1..R; VPLS: --vsis tenants with one VM on every PE, so
 * that every VSI spans every PE, MPLS over GRE) is written to temporary
 * files and run as "nvosim run" runs it: nvo_scenario_load(),
 * nvo_sim_create() (nodes, links, PEs and VMs, the TCP stacks, speakers,
 * EVPN or VPLS instances and their sessions), nvo_sim_run() for --duration
 * of simulated time (no VM traffic; the control plane starts at 0: TCP
 * handshakes, OPEN / Initialization, every route or label mapping).  The
 * reference is the same scenario with control="none" (flood-and-learn),
 * built and run in the same command.  Each run is a forked child of its
 * own (peak RSS from wait4).
 *
 * Reported: CPU time of the build (load + create) and of the run, the
 * simulated convergence time (the last control-plane change after the
 * start, run/sim_ctrl.h), peak RSS, messages and bytes sent, sessions,
 * RIB sizes; and whether the control plane converged: every session up
 * and every RIB as big as the arithmetic says (below), with the last
 * change before the end of the run.
 *
 * Arithmetic.  EVPN with P PEs, V VMs of T tenants round-robin: a tenant's
 * VMs sit on min(V/T, P) PEs, so sum over PEs of the VNIs hosted is H =
 * T * min(V/T, P); routes R = V type-2 (MAC+IP) + H type-3; every PE and
 * reflector has all R in its Loc-RIB (without RT-constrain); sessions
 * P * RR + RR(RR-1)/2 (a full mesh: P(P-1)/2).  VPLS with P PEs and S
 * VSIs on every PE: P(P-1)/2 sessions, S * P(P-1)/2 pseudowires.
 *
 * Times are the child's CPU time (CLOCK_PROCESS_CPUTIME_ID), not wall
 * time.  Left out: VM traffic; repetitions. */
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
#include "core/mem.h"
#include "fabric/net.h"
#include "io/config.h"
#include "overlay/pe_node.h"
#include "run/sim.h"
#include "run/sim_ctrl.h"
#include "run/sim_overlay.h"

#define TARGET_S 60.0
#define TARGET_BYTES (4.0 * 1024 * 1024 * 1024)
#define MAX_HPL 40

enum plane { PLANE_EVPN, PLANE_VPLS };

struct ctrl_opts {
    enum plane plane;
    uint32_t pes, vms, vnis, rr, vsis;
    bool full_mesh;
    bool rtc;                   /* RT-constrain (RFC 4684) */
    bool rtc_default;           /* ... reflectors send the default RT only */
    nvo_time_t duration;
    char duration_s[32];
    char ctrl_queue[32];        /* the links' control queue, e.g. 64KiB */
    char delack[32];            /* <overlay><tcp delack>; "" for none */
    bool reference;
    bool no_fork;               /* run in this process (for profilers) */
};

static int
usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("nvosim bench ctrl: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (see --help)\n", stderr);
    va_end(ap);
    return 2;
}

static void
usage(FILE *f)
{
    fprintf(f,
"usage: nvosim bench ctrl [--plane evpn|vpls-ldp] [--pes N] [--vms N]\n"
"                         [--vnis N] [--reflectors N] [--rt-constrain]\n"
"                         [--rtc-default] [--vsis N]\n"
"                         [--duration T] [--ctrl-queue B] [--delack T]\n"
"                         [--no-reference] [--no-fork]\n"
"\n"
"A leaf-spine scenario with an overlay control plane, loaded, built and\n"
"run as \"nvosim run\" does (no VM traffic) until the control plane has\n"
"converged, next to the same scenario with control=\"none\"; each in a\n"
"child process of its own.  Prints CPU times of the build and the run,\n"
"simulated convergence time, peak memory, messages, bytes, sessions and\n"
"RIB sizes, checked against the arithmetic.\n"
"\n"
"  --plane P       evpn (default) or vpls-ldp\n"
"  --pes N         PEs (hypervisors; default 1000)\n"
"  --vms N         evpn: VMs in all, a multiple of --vnis (default 10 per\n"
"                  PE)\n"
"  --vnis N        evpn: VNIs (tenants; default 4 per 10 PEs)\n"
"  --reflectors N  evpn: route reflectors on spine1..N (default 2; 0: a\n"
"                  full iBGP mesh of the PEs)\n"
"  --rt-constrain  evpn: RFC 4684 at every speaker (<bgp rt-constrain>)\n"
"  --rtc-default   with --rt-constrain: the reflectors send only the default\n"
"                  RT membership (<bgp rt-constrain-default>)\n"
"  --vsis N        vpls-ldp: VSIs, each on every PE (default 1)\n"
"  --duration T    simulated run time, e.g. 5s or 500ms (default 5s)\n"
"  --ctrl-queue B  every link's control (strict-priority) queue (default\n"
"                  64KiB, the links' default)\n"
"  --delack T      every TCP stack's delayed-ACK timer (<overlay><tcp\n"
"                  delack>), e.g. 40ms as Linux: an ACK for every second\n"
"                  data segment, else after T (default 0: every segment\n"
"                  acknowledged at once)\n"
"  --no-reference  skip the control=\"none\" run\n"
"  --no-fork       run in this process (for perf or heaptrack; the peak\n"
"                  RSS is then the process's so far)\n"
"  -h, --help      this text\n"
"\n"
"NVO_PROGRESS=1 (or a terminal) shows a progress line during the run.\n"
"Exit status 0 if every run worked and converged, 1 if not, 2 for a\n"
"usage error.  docs/performance.md has the figures.\n");
}

/* ---- Scenario ------------------------------------------------------------ */

/* The largest hypervisors-per-leaf up to MAX_HPL that divides n. */
static uint32_t
hpl_for(uint32_t n)
{
    for (uint32_t d = n < MAX_HPL ? n : MAX_HPL; d > 1; d--) {
        if (n % d == 0) {
            return d;
        }
    }
    return 1;
}

static char *
write_files(const char *dir, const struct ctrl_opts *o, bool control,
            const char *name)
{
    uint32_t hpl = hpl_for(o->pes);
    uint32_t spines = o->rr > 4 ? o->rr : 4;
    char *topo = g_build_filename(dir, "topology.xml", NULL);
    char *text = g_strdup_printf(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<topology name=\"bench-ctrl\">\n"
        "  <defaults>\n"
        "    <fabric rate=\"40Gbps\" delay=\"1us\" mtu=\"1500\" "
        "queue=\"1MiB\" ctrl-queue=\"%s\"/>\n"
        "    <access rate=\"10Gbps\" delay=\"1us\" mtu=\"1500\" "
        "queue=\"1MiB\" ctrl-queue=\"%s\"/>\n"
        "  </defaults>\n"
        "  <leaf-spine spines=\"%u\" leaves=\"%u\" "
        "hypervisors-per-leaf=\"%u\"/>\n"
        "</topology>\n", o->ctrl_queue, o->ctrl_queue, spines,
        o->pes / hpl, hpl);
    bool ok = g_file_set_contents(topo, text, -1, NULL);
    g_free(text);
    g_free(topo);
    char tcp[80] = "";
    if (o->delack[0]) {
        snprintf(tcp, sizeof tcp, "    <tcp delack=\"%s\"/>\n", o->delack);
    }
    char *ov;
    if (o->plane == PLANE_EVPN) {
        GString *rr = g_string_new(NULL);
        if (o->full_mesh) {
            g_string_append(rr, "none");
        }
        for (uint32_t r = 0; !o->full_mesh && r < o->rr; r++) {
            g_string_append_printf(rr, "%sspine%u", r ? " " : "", r + 1);
        }
        ov = g_strdup_printf(
            "  <overlay encap=\"vxlan\" control=\"%s\">\n"
            "    <tenants count=\"%u\" vms-per-tenant=\"%u\" "
            "first-vni=\"5000\" placement=\"round-robin\"/>\n"
            "%s%s%s%s"
            "  </overlay>\n", control ? "evpn" : "none", o->vnis,
            o->vms / o->vnis, control ? "    <bgp reflectors=\"" : "",
            control ? rr->str : "",
            !control ? "" : o->rtc_default
                ? "\" rt-constrain=\"true\" rt-constrain-default=\"true\"/>\n"
                : o->rtc ? "\" rt-constrain=\"true\"/>\n" : "\"/>\n",
            control ? tcp : "");
        g_string_free(rr, TRUE);
    } else {
        ov = g_strdup_printf(
            "  <overlay encap=\"mpls-gre\" control=\"%s\">\n"
            "    <tenants count=\"%u\" vms-per-tenant=\"%u\" "
            "first-vni=\"5000\" placement=\"round-robin\"/>\n"
            "%s%s"
            "  </overlay>\n", control ? "vpls-ldp" : "none", o->vsis,
            o->pes, control ? "    <ldp/>\n" : "", control ? tcp : "");
    }
    text = g_strdup_printf(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<scenario name=\"bench-ctrl\">\n"
        "  <topology file=\"topology.xml\"/>\n"
        "  <run duration=\"%s\" seed=\"1\" run=\"1\" drain=\"false\"/>\n"
        "  <underlay ip=\"ipv4\" flow-stats=\"false\"/>\n"
        "%s"
        "  <output trace=\"false\"/>\n"
        "</scenario>\n", o->duration_s, ov);
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

/* ---- One run (in a child) ---------------------------------------------- */

struct ctrl_job {
    const char *path;
};

struct ctrl_result {
    int error;
    double load_s, create_s, run_s;
    long build_rss_kib;         /* after the build */
    long end_rss_kib;           /* resident at the end of the run */
    uint64_t peak_pkts;         /* most packets out of the pool at once */
    uint64_t counted;           /* bytes the model counts (core/mem.h) */
    uint64_t events;
    uint64_t drops;             /* frames dropped (queues full, ...) */
    uint64_t port_drops[NVO_DROP_N], node_drops[NVO_NODE_DROP_N];
    uint64_t type_bytes[NVO_MEM_TYPES_MAX];     /* counted, by type */
    char type_name[NVO_MEM_TYPES_MAX][24];      /* (registered in the
                                                 * child) */
    uint32_t n_types;
    uint32_t n_nodes, n_links, n_pes, n_vms;
    uint64_t pe_tenants;        /* (PE, tenant) pairs: sum of VNIs hosted */
    struct nvo_sim_ctrl_totals t;
    uint32_t n_bgp;
};

/* Resident memory now (/proc/self/statm), KiB; 0 if unknown. */
static long
rss_now_kib(void)
{
    long pages = 0, size;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &size, &pages) != 2) {
            pages = 0;
        }
        fclose(f);
    }
    return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

static void
ctrl_child__(void *job_, void *res_)
{
    const struct ctrl_job *job = job_;
    struct ctrl_result *r = res_;
    memset(r, 0, sizeof *r);
    struct nvo_bench_build b;
    r->error = nvo_bench_build_scenario("ctrl", job->path, &b);
    if (r->error) {
        return;
    }
    struct nvo_sim *sim = b.sim;
    r->build_rss_kib = b.rss_kib;
    r->load_s = b.load_s;
    r->create_s = b.create_s;
    r->n_nodes = nvo_net_n_nodes(sim->net);
    r->n_links = sim->net->links->len;
    const struct nvo_sim_overlay *o = sim->overlay;
    r->n_pes = o->n_pes;
    r->n_vms = o->n_vms;
    for (uint32_t i = 0; i < o->n_pes; i++) {
        r->pe_tenants += nvo_pe_node_n_tenants(o->pes[i]);
    }
    uint64_t ev0 = sim->engine->n_executed;
    double t3 = nvo_bench_cpu_seconds();
    /* No traffic: frames are control frames only, all delivered or in
     * flight; EPROTO would mean some were lost uncounted. */
    r->error = nvo_sim_run(sim, true);
    r->run_s = nvo_bench_cpu_seconds() - t3;
    r->events = sim->engine->n_executed - ev0;
    r->counted = nvo_mem_acct_bytes(&sim->net->mem);
    r->end_rss_kib = rss_now_kib();
    r->peak_pkts = sim->net->pool.n_peak;
    r->n_types = nvo_mem_n_types();
    for (uint32_t t = 0; t < r->n_types; t++) {
        r->type_bytes[t] = nvo_mem_acct_get(&sim->net->mem, t).bytes;
        g_strlcpy(r->type_name[t], nvo_mem_type_name(t),
                  sizeof r->type_name[t]);
    }
    r->drops = nvo_net_drops(sim->net, r->port_drops, r->node_drops);
    nvo_sim_ctrl_totals(sim->ctrl, &r->t);
    r->n_bgp = nvo_sim_ctrl_n_bgp(sim->ctrl);
    nvo_bench_build_done(&b);
}

/* ---- Report -------------------------------------------------------------- */

static double
mib(double bytes)
{
    return bytes / 1048576.0;
}

/* What the arithmetic says (see the top of the file). */
struct expect {
    uint64_t sessions, routes, type2, type3, pseudowires;
};

static void
expected(const struct ctrl_opts *o, struct expect *x)
{
    memset(x, 0, sizeof *x);
    uint64_t p = o->pes;
    if (o->plane == PLANE_EVPN) {
        uint64_t per = o->vms / o->vnis;
        uint64_t hosts = per < p ? per : p;
        x->type2 = o->vms;
        x->type3 = (uint64_t) o->vnis * hosts;
        x->routes = x->type2 + x->type3;
        uint64_t r = o->full_mesh ? 0 : o->rr;
        x->sessions = r ? p * r + r * (r - 1) / 2 : p * (p - 1) / 2;
    } else {
        x->sessions = p * (p - 1) / 2;
        x->pseudowires = (uint64_t) o->vsis * x->sessions;
    }
}

static bool
converged(const struct ctrl_opts *o, const struct ctrl_result *r,
          const struct expect *x)
{
    const struct nvo_sim_ctrl_totals *t = &r->t;
    /* The last change before the end, and nothing left in flight: no
     * TCP connection with data to send or acknowledge. */
    bool before_end = t->n_converged == 1
                      && t->convergence_max < o->duration && !t->pending;
    if (o->plane == PLANE_EVPN) {
        bool ribs = o->rtc
            /* A reflector holds every EVPN route, a PE fewer. */
            ? (o->full_mesh || t->rr_rib_max == x->routes)
            : t->rib_max == x->routes
              && (o->full_mesh || t->rr_rib_max == x->routes);
        return before_end && t->bgp_sessions == x->sessions
               && t->evpn_type2 == x->type2 && t->evpn_type3 == x->type3
               && ribs;
    }
    return before_end && t->ldp_sessions == x->sessions
           && t->pseudowires == x->pseudowires;
}

static int
run_all(const struct ctrl_opts *o)
{
    struct expect x;
    expected(o, &x);
    uint32_t hpl = hpl_for(o->pes);
    if (o->plane == PLANE_EVPN) {
        printf("ctrl evpn: %u PEs (%u leaves x %u), %u VMs, %u VNIs (%u VMs "
               "each, round-robin), %s%u reflectors%s, %s; run "
               "%s simulated, no VM traffic; control queues %s; TCP ACKs "
               "%s%s; CPU times\n", o->pes,
               o->pes / hpl, hpl, o->vms, o->vnis, o->vms / o->vnis,
               o->full_mesh ? "full mesh, " : "", o->full_mesh ? 0 : o->rr,
               o->full_mesh ? "" : " (spine1..)",
               o->rtc_default ? "RT-constrain, reflectors send the default RT"
               : o->rtc ? "RT-constrain" : "no RT-constrain", o->duration_s,
               o->ctrl_queue, o->delack[0] ? "delayed " : "immediate",
               o->delack);
        if (o->rtc) {
            printf("expected: %" PRIu64 " sessions, %" PRIu64 " type-2 + %"
                   PRIu64 " type-3 = %" PRIu64 " EVPN routes; a PE "
                   "receives those of its VNIs only\n\n", x.sessions,
                   x.type2, x.type3, x.routes);
        } else {
            printf("expected: %" PRIu64 " sessions, %" PRIu64 " type-2 + %"
                   PRIu64 " type-3 = %" PRIu64 " routes in every Loc-RIB\n\n",
                   x.sessions, x.type2, x.type3, x.routes);
        }
    } else {
        printf("ctrl vpls-ldp: %u PEs (%u leaves x %u) in a full mesh, %u "
               "VSIs on every PE; run %s simulated, no VM traffic; "
               "control queues %s; TCP ACKs %s%s; CPU times\n", o->pes,
               o->pes / hpl, hpl, o->vsis, o->duration_s, o->ctrl_queue,
               o->delack[0] ? "delayed " : "immediate", o->delack);
        printf("expected: %" PRIu64 " LDP sessions, %" PRIu64
               " pseudowires, %" PRIu64 " label mappings\n\n", x.sessions,
               x.pseudowires, 2 * x.pseudowires);
    }
    fflush(stdout);
    char *dir = g_dir_make_tmp("nvosim-bench-ctrl-XXXXXX", NULL);
    if (!dir) {
        fprintf(stderr, "nvosim bench ctrl: cannot make a temporary "
                "directory\n");
        return 1;
    }
    char *paths[2] = { o->reference ? write_files(dir, o, false, "none")
                                    : NULL,
                       write_files(dir, o, true, "ctrl") };
    const char *names[2] = { "none", o->plane == PLANE_EVPN ? "evpn"
                                                            : "vpls-ldp" };
    struct ctrl_result r[2];
    long rss[2] = { 0, 0 };
    bool ok[2] = { false, false };
    int status = 0;
    printf("%-9s %8s %8s %8s %8s %10s %10s %14s %11s %9s\n", "control",
           "load s", "create s", "run s", "total s", "build MiB",
           "peak MiB", "sim conv", "events", "drops");
    for (int k = o->reference ? 0 : 1; k < 2; k++) {
        struct ctrl_job job = { paths[k] };
        int error = EIO;
        if (job.path && o->no_fork) {
            ctrl_child__(&job, &r[k]);
            struct rusage ru;
            getrusage(RUSAGE_SELF, &ru);
            rss[k] = ru.ru_maxrss;
            error = 0;
        } else if (job.path) {
            error = nvo_bench_run_child("ctrl", ctrl_child__, &job, &r[k],
                                        sizeof r[k], &rss[k]);
        }
        error = error ? error : r[k].error;
        if (error) {
            printf("%-9s failed: %s\n", names[k], strerror(error));
            status = 1;
            continue;
        }
        ok[k] = true;
        char conv[NVO_TIME_STRLEN] = "-";
        if (k == 1 && r[k].t.n_converged) {
            nvo_time_format(r[k].t.convergence_max, conv, sizeof conv);
        }
        printf("%-9s %8.3f %8.3f %8.3f %8.3f %10.1f %10.1f %14s %11"
               PRIu64 " %9" PRIu64 "\n", names[k], r[k].load_s,
               r[k].create_s, r[k].run_s,
               r[k].load_s + r[k].create_s + r[k].run_s,
               r[k].build_rss_kib / 1024.0, rss[k] / 1024.0, conv,
               r[k].events, r[k].drops);
        fflush(stdout);
    }
    if (ok[1]) {
        const struct nvo_sim_ctrl_totals *t = &r[1].t;
        if (o->plane == PLANE_EVPN) {
            printf("\nbgp: %" PRIu64 " sessions, %" PRIu64 " messages (%"
                   PRIu64 " UPDATEs), %" PRIu64 " bytes sent; %" PRIu64
                   " type-2 and %" PRIu64 " type-3 routes advertised; "
                   "largest Loc-RIB: PE %" PRIu64 ", reflector %" PRIu64
                   "; control bytes over links %" PRIu64 "\n",
                   t->bgp_sessions, t->bgp_messages, t->bgp_updates,
                   t->bgp_bytes, t->evpn_type2, t->evpn_type3, t->rib_max,
                   t->rr_rib_max, t->control_link_bytes);
        } else {
            printf("\nldp: %" PRIu64 " sessions, %" PRIu64 " messages, %"
                   PRIu64 " PDU bytes sent; %" PRIu64 " pseudowires; "
                   "control bytes over links %" PRIu64 "\n",
                   t->ldp_sessions, t->ldp_messages, t->ldp_bytes,
                   t->pseudowires, t->control_link_bytes);
        }
        printf("tcp: %" PRIu64 " segments sent, %" PRIu64 " with data, %"
               PRIu64 " without (ACKs, SYNs, FINs)\n", t->tcp_segs,
               t->tcp_data_segs, t->tcp_segs - t->tcp_data_segs);
        if (r[1].drops) {
            printf("drops:");
            for (int d = 0; d < NVO_DROP_N; d++) {
                if (r[1].port_drops[d]) {
                    printf(" %s %" PRIu64, nvo_drop_reason_name(d),
                           r[1].port_drops[d]);
                }
            }
            for (int d = 0; d < NVO_NODE_DROP_N; d++) {
                if (r[1].node_drops[d]) {
                    printf(" %s %" PRIu64, nvo_node_drop_name(d),
                           r[1].node_drops[d]);
                }
            }
            printf("\n");
        }
        /* The model's counted memory, largest types first. */
        uint32_t nt = r[1].n_types, order[NVO_MEM_TYPES_MAX];
        for (uint32_t t = 0; t < nt; t++) {
            order[t] = t;
        }
        for (uint32_t a = 0; a < nt; a++) {
            for (uint32_t b = a + 1; b < nt; b++) {
                if (r[1].type_bytes[order[b]] > r[1].type_bytes[order[a]]) {
                    uint32_t tmp = order[a];
                    order[a] = order[b];
                    order[b] = tmp;
                }
            }
        }
        printf("resident at the end %.1f MiB; packets in flight at most %"
               PRIu64 "; counted memory at the end: %.1f MiB; largest:",
               r[1].end_rss_kib / 1024.0, r[1].peak_pkts,
               mib((double) r[1].counted));
        for (uint32_t a = 0; a < nt && a < 8 && r[1].type_bytes[order[a]];
             a++) {
            printf(" %s %.1f MiB", r[1].type_name[order[a]],
                   mib((double) r[1].type_bytes[order[a]]));
        }
        printf("\n");
        bool conv = converged(o, &r[1], &x);
        printf("converged (sessions, routes and RIBs as expected, last "
               "change before the end): %s\n", conv ? "yes" : "NO");
        if (!conv) {
            status = 1;
        }
        double sessions = (double) x.sessions;
        double total = r[1].load_s + r[1].create_s + r[1].run_s;
        if (ok[0]) {
            double d_rss = (double) (rss[1] - rss[0]) * 1024.0;
            double tr = r[0].load_s + r[0].create_s + r[0].run_s;
            printf("over control=\"none\": %.3f s CPU (x%.1f), %.1f MiB "
                   "peak (x%.2f): %.0f bytes and %.1f us CPU per session\n",
                   total - tr, tr > 0 ? total / tr : 0, mib(d_rss),
                   rss[0] ? (double) rss[1] / (double) rss[0] : 0,
                   sessions ? d_rss / sessions : 0,
                   sessions ? (total - tr) * 1e6 / sessions : 0);
        }
        if (o->plane == PLANE_EVPN && x.routes && !o->rtc) {
            double entries = (double) x.routes * (double) r[1].n_bgp;
            printf("Loc-RIB entries over all speakers: %.0f; peak bytes "
                   "per entry %.0f\n", entries,
                   entries ? (double) rss[1] * 1024.0 / entries : 0);
        }
        printf("\ntargets:\n  build and converge under %.0f s: %.2f s, %s\n"
               "  under 4 GiB: %.2f GiB peak, %s\n", TARGET_S, total,
               conv && total < TARGET_S ? "met"
               : conv ? "NOT met" : "NOT met (not converged)",
               rss[1] / 1048576.0,
               rss[1] * 1024.0 < TARGET_BYTES ? "met" : "NOT met");
    }
    for (int k = 0; k < 2; k++) {
        if (paths[k]) {
            g_unlink(paths[k]);
        }
        g_free(paths[k]);
    }
    char *topo = g_build_filename(dir, "topology.xml", NULL);
    g_unlink(topo);
    g_free(topo);
    g_rmdir(dir);
    g_free(dir);
    return status;
}

/* ---- Options ------------------------------------------------------------- */

int
nvo_bench_ctrl_main(int argc, char **argv)
{
    struct ctrl_opts o;
    memset(&o, 0, sizeof o);
    o.plane = PLANE_EVPN;
    o.reference = true;
    uint64_t pes = 1000, vms = 0, vnis = 0, rr = 2, vsis = 1;
    const char *dur = "5s";
    g_strlcpy(o.ctrl_queue, "64KiB", sizeof o.ctrl_queue);
    static const char *const names[] = { "--plane", "--pes", "--vms",
                                         "--vnis", "--reflectors", "--vsis",
                                         "--duration", "--ctrl-queue",
                                         "--delack" };
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i], *val = NULL;
        if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(opt, "--no-reference")) {
            o.reference = false;
            continue;
        }
        if (!strcmp(opt, "--no-fork")) {
            o.no_fork = true;
            continue;
        }
        if (!strcmp(opt, "--rt-constrain")) {
            o.rtc = true;
            continue;
        }
        if (!strcmp(opt, "--rtc-default")) {
            o.rtc = o.rtc_default = true;
            continue;
        }
        int k = nvo_bench_opt_value(argc, argv, &i, names, 9, &val);
        if (k < 0) {
            return usage_error("%s needs a value", opt);
        }
        if (k == 0) {
            if (!strcmp(val, "evpn")) {
                o.plane = PLANE_EVPN;
            } else if (!strcmp(val, "vpls-ldp")) {
                o.plane = PLANE_VPLS;
            } else {
                return usage_error("--plane \"%s\": expected evpn or "
                                   "vpls-ldp", val);
            }
        } else if (k == 1) {
            if (!nvo_bench_parse_count(val, 2, 1000000, &pes)) {
                return usage_error("--pes \"%s\": expected 2 to 1000000",
                                   val);
            }
        } else if (k == 2) {
            if (!nvo_bench_parse_count(val, 1, 1u << 24, &vms)) {
                return usage_error("--vms \"%s\": expected 1 to 16777216",
                                   val);
            }
        } else if (k == 3) {
            if (!nvo_bench_parse_count(val, 1, 1u << 24, &vnis)) {
                return usage_error("--vnis \"%s\": expected 1 to 16777216",
                                   val);
            }
        } else if (k == 4) {
            if (!nvo_bench_parse_count(val, 0, 64, &rr)) {
                return usage_error("--reflectors \"%s\": expected 0 to 64",
                                   val);
            }
        } else if (k == 5) {
            if (!nvo_bench_parse_count(val, 1, 65536, &vsis)) {
                return usage_error("--vsis \"%s\": expected 1 to 65536",
                                   val);
            }
        } else if (k == 6) {
            dur = val;
        } else if (k == 7) {
            uint64_t b;
            if (nvo_size_parse(val, &b) || b < 1518 || b > (1ull << 32)) {
                return usage_error("--ctrl-queue \"%s\": expected a size "
                                   "such as 64KiB or 16MiB, 1518B to 4GiB",
                                   val);
            }
            g_strlcpy(o.ctrl_queue, val, sizeof o.ctrl_queue);
        } else if (k == 8) {
            nvo_time_t d;
            if (nvo_time_parse(val, &d) || d < 0 || d > 500 * NVO_MS
                || strlen(val) >= sizeof o.delack) {
                return usage_error("--delack \"%s\": expected a time from "
                                   "0 to 500ms (RFC 1122 4.2.3.2), e.g. "
                                   "40ms", val);
            }
            if (d > 0) {        /* 0: the default, immediate ACKs */
                g_strlcpy(o.delack, val, sizeof o.delack);
            }
        } else {
            return usage_error("unknown option \"%s\"", opt);
        }
    }
    if (nvo_time_parse(dur, &o.duration) || o.duration <= 0) {
        return usage_error("--duration \"%s\": expected a time such as 2s "
                           "or 500ms", dur);
    }
    g_strlcpy(o.duration_s, dur, sizeof o.duration_s);
    if (!vnis) {
        vnis = pes * 4 / 10 ? pes * 4 / 10 : 1;
    }
    if (!vms) {
        vms = pes * 10;
    }
    if (vms % vnis) {
        return usage_error("--vms %" PRIu64 " is not a multiple of --vnis %"
                           PRIu64, vms, vnis);
    }
    if (o.plane == PLANE_VPLS && vsis * pes > (1u << 24)) {
        return usage_error("--vsis x --pes: %" PRIu64 " VMs; at most "
                           "16777216", vsis * pes);
    }
    o.pes = (uint32_t) pes;
    o.vms = (uint32_t) vms;
    o.vnis = (uint32_t) vnis;
    o.rr = (uint32_t) rr;
    o.full_mesh = rr == 0;
    o.vsis = (uint32_t) vsis;
    return run_all(&o);
}
