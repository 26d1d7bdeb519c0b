/* test_frame_fate.c: the VMs' flow frames' fates per control event
 * (run/frame_fate.c; results.xml <event frames-*>, summary.csv
 * frames_lost_convergence): a PE failure, a VM move under EVPN, a link
 * failure with a surviving path and queue overflow, on small fabrics with
 * line-rate flows whose frame times and counts are worked out by hand. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "ctrl/bgp_speaker.h"
#include "fabric/net.h"
#include "io/config.h"
#include "overlay/pe_node.h"
#include "run/frame_fate.h"
#include "run/sim.h"
#include "run/sim_ctrl.h"
#include "run/sim_overlay.h"
#include "testutil.h"

struct run {
    struct nvo_scenario_cfg *cfg;
    struct nvo_sim *sim;
    char *dir, *out;
};

/* Writes topology 'topo' and scenario 'scen' (which names star.xml) in a
 * new directory and runs the scenario. */
static void
run_text(struct run *r, const char *topo, const char *scen)
{
    memset(r, 0, sizeof *r);
    r->dir = nvo_test_tmpdir("fate");
    char *tp = g_build_filename(r->dir, "star.xml", NULL);
    char *sp = g_build_filename(r->dir, "scen.xml", NULL);
    ck_assert(g_file_set_contents(tp, topo, -1, NULL));
    ck_assert(g_file_set_contents(sp, scen, -1, NULL));
    GError *error = NULL;
    r->cfg = nvo_scenario_load(sp, NULL, 0, &error);
    ck_assert_msg(r->cfg, "%s", error ? error->message : "?");
    r->out = g_build_filename(r->dir, "out", NULL);
    r->sim = nvo_sim_create(r->cfg, nvo_test_engine(), r->out, &error);
    ck_assert_msg(r->sim, "%s", error ? error->message : "?");
    g_free(tp);
    g_free(sp);
}

static void
run_go(struct run *r)
{
    nvo_test_sim_finish(r->sim);
}

static void
run_free(struct run *r)
{
    nvo_sim_destroy(r->sim);
    nvo_scenario_cfg_destroy(r->cfg);
    nvo_test_rmdir(r->dir);
    g_free(r->out);
}

static const struct nvo_frame_fate_counts *
ev(const struct run *r, uint32_t i)
{
    return nvo_frame_fate_event(r->sim->fate, i);
}

/* The earliest arrival of a flow from VM 'vm' (ps). */
static nvo_time_t
first_flow(const struct run *r, uint32_t vm)
{
    nvo_time_t t0 = -1;
    uint32_t src, dst;
    nvo_time_t start;
    for (uint64_t i = 0; nvo_traffic_flow(r->sim->traffic, i, &src, &dst,
                                          &start); i++) {
        if (src == vm && (t0 < 0 || start < t0)) {
            t0 = start;
        }
    }
    ck_assert_int_ge(t0, 0);
    return t0;
}

/* summary.csv's cell of column 'col'. */
static char *
summary_cell(const struct run *r, const char *col)
{
    char *path = g_build_filename(r->out, "summary.csv", NULL);
    char *text = NULL;
    ck_assert(g_file_get_contents(path, &text, NULL, NULL));
    g_free(path);
    char **lines = g_strsplit(text, "\n", 3);
    char **h = g_strsplit(lines[0], ",", -1);
    char **v = g_strsplit(lines[1], ",", -1);
    char *cell = NULL;
    for (int i = 0; h[i]; i++) {
        if (!strcmp(h[i], col)) {
            cell = g_strdup(v[i]);
        }
    }
    ck_assert_ptr_nonnull(cell);
    g_strfreev(h);
    g_strfreev(v);
    g_strfreev(lines);
    g_free(text);
    return cell;
}

/* Every frame of an event is delivered, lost, misdelivered, flooded or in
 * flight. */
static void
check_sum(const struct nvo_frame_fate_counts *k)
{
    ck_assert_uint_eq(k->sent, k->delivered + k->misdelivered
                      + nvo_frame_fate_lost(k) + k->flooded
                      + nvo_frame_fate_in_flight(k));
}

/* Frames t0 + k dt (k >= 0) in [a, b). */
static uint64_t
frames_in(nvo_time_t t0, nvo_time_t dt, nvo_time_t a, nvo_time_t b)
{
    uint64_t n = 0;
    for (nvo_time_t t = t0; t < b; t += dt) {
        n += t >= a;
    }
    return n;
}

/* The books must balance: a frame ended twice fails the run's
 * conservation.  The star of pe_failure without the failure, each VM
 * flows of 3 frames (3486 bytes in 1162-byte packets; the flows that
 * arrive in [1.5 ms, 1.501 ms), F in all, 3F frames, each NIC making
 * one every 1 ms; F is a few tens) in a 200 ms run: all 3F delivered,
 * none in flight at the end, so the start event balances (check -1) and
 * the run conserves.  The same run with 2 extra deliveries of a frame
 * created at 0, made at 190 ms (after the last real frame), ends 3F + 2
 * frames of 3F sent: the
 * check names event 0 with 2 too many, nvo_sim_run() fails with EPROTO
 * and results.xml says ok="false" (no summary.csv). */
struct fake_ctx {
    struct nvo_sim *sim;
    struct nvo_pkt pkt;
};

static void
fake_delivery(void *arg)
{
    struct fake_ctx *c = arg;
    nvo_frame_fate_delivered(c->sim->fate, &c->pkt, true);
}

/* The star of pe_failure and overcount_fails: spine1, leaf1 and leaf2
 * with one hypervisor each, 40 Gb/s fabric links, 10 Mb/s access links,
 * 500 ns each. */
static const char *star_10mbps_topo =
    "<?xml version=\"1.0\"?>\n<topology name=\"star\">\n"
    "  <defaults>\n"
    "    <fabric rate=\"40Gbps\" delay=\"500ns\" mtu=\"9000\"/>\n"
    "    <access rate=\"10Mbps\" delay=\"500ns\" mtu=\"9000\"/>\n"
    "  </defaults>\n"
    "  <leaf-spine spines=\"1\" leaves=\"2\" hypervisors-per-leaf=\"1\"/>\n"
    "</topology>\n";

static const char *overcount_scen =
    "<?xml version=\"1.0\"?>\n<scenario name=\"fate-over\">\n"
    "  <topology file=\"star.xml\"/>\n"
    "  <run duration=\"200ms\" seed=\"1\" run=\"1\"/>\n"
    "  <underlay ip=\"ipv4\"/>\n"
    "  <overlay encap=\"vxlan\" control=\"evpn\">\n"
    "    <tenants count=\"1\" vms-per-tenant=\"2\" first-vni=\"5000\"\n"
    "             placement=\"round-robin\"/>\n"
    "  </overlay>\n"
    "  <traffic>\n"
    "    <flows pattern=\"permutation\" start=\"1500us\" stop=\"1501us\">\n"
    "      <size fixed=\"3486\"/>\n"
    "      <arrival rate=\"1e7\"/>\n"
    "      <packet size=\"1162\"/>\n"
    "    </flows>\n"
    "  </traffic>\n"
    "</scenario>\n";

START_TEST(overcount_fails)
{
    struct run r;
    run_text(&r, star_10mbps_topo, overcount_scen);
    ck_assert_int_eq(nvo_sim_run(r.sim, false), 0);
    uint64_t over = 99;
    ck_assert_int_eq(nvo_frame_fate_check(r.sim->fate, &over), -1);
    ck_assert_uint_eq(over, 0);
    uint64_t sent = ev(&r, 0)->sent;
    ck_assert_uint_gt(sent, 0);
    ck_assert_uint_eq(sent % 3, 0);
    ck_assert_uint_eq(ev(&r, 0)->sent, sent);
    ck_assert_uint_eq(ev(&r, 0)->delivered, sent);
    ck_assert_uint_eq(nvo_frame_fate_in_flight(ev(&r, 0)), 0);
    ck_assert(r.sim->conserved);
    run_free(&r);

    run_text(&r, star_10mbps_topo, overcount_scen);
    struct fake_ctx c = { .sim = r.sim };
    c.pkt.flow_id = 1;
    c.pkt.created = 0;
    c.pkt.tclass = NVO_TC_DATA;
    nvo_engine_schedule_at(r.sim->engine, 190 * NVO_MS, fake_delivery, &c);
    nvo_engine_schedule_at(r.sim->engine, 190 * NVO_MS, fake_delivery, &c);
    ck_assert_int_eq(nvo_sim_run(r.sim, false), EPROTO);
    ck_assert(!r.sim->conserved);
    ck_assert_int_eq(nvo_frame_fate_check(r.sim->fate, &over), 0);
    ck_assert_uint_eq(over, 2);
    ck_assert_uint_eq(ev(&r, 0)->sent, sent);
    ck_assert_uint_eq(ev(&r, 0)->delivered, sent + 2);
    ck_assert_uint_eq(nvo_frame_fate_overcount(ev(&r, 0)), 2);
    ck_assert_uint_eq(nvo_frame_fate_in_flight(ev(&r, 0)), 0);
    GError *error = NULL;
    ck_assert_int_eq(nvo_sim_write_results(r.sim, &error), 0);
    char *res = g_build_filename(r.out, "results.xml", NULL);
    char *text = NULL;
    ck_assert(g_file_get_contents(res, &text, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(text, "ok=\"false\""));
    char *csv = g_build_filename(r.out, "summary.csv", NULL);
    ck_assert(!g_file_test(csv, G_FILE_TEST_EXISTS));
    g_free(csv);
    g_free(text);
    g_free(res);
    run_free(&r);
}
END_TEST

/* A PE failure under EVPN on a star: spine1 (the reflector), leaf1 and
 * leaf2 with one hypervisor each (hv1-1, hv2-1), fabric links 40 Gb/s,
 * access links 10 Mb/s, 500 ns each, 24 bytes of framing; BGP hold time
 * 3 s, keepalive 1 s; underlay convergence delay 1 ms (the default).
 * One tenant of 2 VMs (VM 0 on hv1-1, VM 1 on hv2-1), each sending to
 * the other from 1.5 ms (flows arriving in [1.5 ms, 1.501 ms), each of
 * 10,000 packets of 1162 IP bytes, more than the run can send): a tenant
 * frame of 1176 bytes, 1226 with VXLAN's 50 over IPv4, 1250 on the wire:
 * 1250 x 8 / 10 Mb/s = 1 ms, so each hypervisor's NIC makes a frame
 * exactly every 1 ms from its first flow's arrival t0.  hv2-1 fails at
 * T = 1.5 s.
 *  - The start event: the frames made before T, 1499 from each VM (t0 <
 *    1.501 ms: k = 0 .. 1498); lost when hv2-1's links go down: hv1-1's
 *    frame on leaf2 -> hv2-1 (made at t0 + 1497 ms, being serialized from
 *    about 1.4995 s), hv1-1's next (made at t0 + 1498 ms, on its uplink
 *    until 1.5005 s, then
 *    at leaf2 before the routes change at 1.501 s: sent to the down link)
 *    and hv2-1's own on its uplink: 3 link-down losses; the rest, 2995,
 *    delivered.
 *  - The failure: VM 0's frames from T until hv1-1 withdraws VM 1's MAC
 *    (t_w: the reflector's hold timer for hv2-1 expires 3 s after the
 *    last keepalive it had from hv2-1, sent at the start's last UPDATE
 *    (t_e < 1.1 ms) + 1 s, at most one 1 ms frame late behind hv2-1's
 *    data; then its withdrawal reaches hv1-1 within a few hundred us:
 *    4 s < t_w < 4.0025 s) are lost for the forwarding state: the first
 *    reaches leaf1 after the routes changed (no route to hv2-1), the rest
 *    has no route at hv1-1: "route".  From t_w on, VM 1's MAC is
 *    unknown: hv1-1 floods the frames, to nobody (hv2-1's IMET route is
 *    gone too): "flooded", and the NIC, given 0 bytes, is busy for the
 *    frame's 1176 bytes: a frame every 1176 x 0.8 us = 940.8 us until
 *    the run ends at 4.5 s.  Nothing delivered, misdelivered or in
 *    flight.  hv1-1's last Loc-RIB change is t_w.
 *  summary.csv frames_lost_convergence: 3 + the failure's losses. */
START_TEST(pe_failure)
{
    struct run r;
    run_text(&r,
        star_10mbps_topo,
        "<?xml version=\"1.0\"?>\n<scenario name=\"fate-pe\">\n"
        "  <topology file=\"star.xml\"/>\n"
        "  <run duration=\"4500ms\" seed=\"1\" run=\"1\"/>\n"
        "  <underlay ip=\"ipv4\"/>\n"
        "  <overlay encap=\"vxlan\" control=\"evpn\">\n"
        "    <tenants count=\"1\" vms-per-tenant=\"2\" first-vni=\"5000\"\n"
        "             placement=\"round-robin\"/>\n"
        "    <bgp hold-time=\"3s\" keepalive=\"1s\"/>\n"
        "  </overlay>\n"
        "  <traffic>\n"
        "    <flows pattern=\"permutation\" start=\"1500us\" stop=\"1501us\">\n"
        "      <size fixed=\"11340000\"/>\n"
        "      <arrival rate=\"1e7\"/>\n"
        "      <packet size=\"1162\"/>\n"
        "    </flows>\n"
        "  </traffic>\n"
        "  <events>\n"
        "    <node-down at=\"1500ms\" node=\"hv2-1\"/>\n"
        "  </events>\n"
        "</scenario>\n");
    run_go(&r);
    ck_assert_uint_eq(nvo_sim_ctrl_n_events(r.sim->ctrl), 2);
    nvo_time_t t0 = first_flow(&r, 0), T = 1500 * NVO_MS;
    ck_assert_int_ge(t0, 1500 * NVO_US);
    ck_assert_int_lt(t0, 1501 * NVO_US);
    ck_assert_int_ge(first_flow(&r, 1), 1500 * NVO_US);
    ck_assert_int_lt(first_flow(&r, 1), 1501 * NVO_US);
    bool rr;
    nvo_time_t tw = nvo_bgp_speaker_last_change(
        nvo_sim_ctrl_bgp(r.sim->ctrl, 0, &rr));
    ck_assert(!rr);
    ck_assert_int_gt(tw, 4 * NVO_SEC);
    ck_assert_int_lt(tw, 4 * NVO_SEC + 2500 * NVO_US);

    const struct nvo_frame_fate_counts *s = ev(&r, 0), *f = ev(&r, 1);
    ck_assert_uint_eq(s->sent, 2 * 1499);
    ck_assert_uint_eq(s->delivered, 2995);
    ck_assert_uint_eq(s->lost[NVO_FATE_LOST_LINK], 3);
    ck_assert_uint_eq(nvo_frame_fate_lost(s), 3);
    ck_assert_uint_eq(s->misdelivered + s->flooded, 0);
    check_sum(s);

    uint64_t lost = frames_in(t0, NVO_MS, T, tw);
    /* The first flooded frame: the first of the 1 ms ones at or after
     * t_w; then every 940.8 us. */
    nvo_time_t first = t0 + (nvo_time_t) (1499 + lost) * NVO_MS;
    uint64_t flooded = frames_in(first, 9408 * NVO_US / 10, first,
                                 4500 * NVO_MS);
    ck_assert_uint_eq(f->sent, lost + flooded);
    ck_assert_uint_eq(f->lost[NVO_FATE_LOST_ROUTE], lost);
    ck_assert_uint_eq(nvo_frame_fate_lost(f), lost);
    ck_assert_uint_eq(f->flooded, flooded);
    ck_assert_uint_eq(f->delivered + f->misdelivered, 0);
    ck_assert_uint_eq(nvo_frame_fate_in_flight(f), 0);
    /* 2 s 500 us to 2 s 502.5 ms at one frame a millisecond. */
    ck_assert_uint_ge(lost, 2500);
    ck_assert_uint_le(lost, 2503);
    check_sum(f);
    char *cell = summary_cell(&r, "frames_lost_convergence");
    char want[32];
    g_snprintf(want, sizeof want, "%" PRIu64, 3 + lost);
    ck_assert_str_eq(cell, want);
    g_free(cell);
    run_free(&r);
}
END_TEST

/* Watches PE 'pe''s MAC entry of (vni, mac) every nanosecond until
 * 'until': when it went (t_gone) and when it pointed at node 'to'
 * (t_n). */
struct probe {
    struct nvo_engine *e;
    struct nvo_pe_node *pe;
    uint32_t vni;
    uint64_t mac;
    uint32_t to;
    nvo_time_t until, t_gone, t_n;
};

static void
probe__(void *p_)
{
    struct probe *p = p_;
    nvo_time_t now = nvo_engine_now(p->e);
    const struct nvo_mac_entry *me = nvo_mac_table_lookup(
        nvo_pe_node_mac_table(p->pe), p->vni, p->mac, now);
    if (!me && p->t_gone < 0) {
        p->t_gone = now;
    }
    if (me && me->loc == p->to && p->t_n < 0) {
        p->t_n = now;
    }
    if (now < p->until) {
        nvo_engine_schedule_at(p->e, now + NVO_NS, probe__, p);
    }
}

/* A VM move under EVPN on a star: spine1 (the reflector), leaf1..3 with
 * one hypervisor each (hv1-1, hv2-1, hv3-1), fabric 40 Gb/s, access
 * 10 Gb/s, 500 ns each, 24 bytes of framing, proc-delay 10 us at every
 * speaker.  One tenant of 3 VMs (VM k on hv(k+1)-1); seed 1's
 * permutation sends VM 0 -> VM 1 -> VM 2 -> VM 0, flows arriving in
 * [300 us, 301 us), packets of 1500 IP bytes: 1514 + 50 (VXLAN) + 24 =
 * 1588 wire bytes, a frame every 1588 x 0.8 ns = 1270.4 ns from each
 * NIC.  At T = 400 us VM 0 moves from hv1-1 to hv2-1; VM 2's frames from
 * hv3-1 go on to hv1-1 until hv3-1 learns the new route (t_n, hv3-1's
 * last Loc-RIB change).
 *  - Misdelivered, charged to the start: VM 2's frames made before T
 *    that reach hv1-1 after T.  hv3-1 -> hv1-1 takes D = 1270.4 + 500
 *    (access) + 2 x (317.6 + 500) (fabric) + 1270.4 + 500 (access) =
 *    5176 ns on idle queues, so those made in (T - D, T).
 *  - The move's: VM 2's frames made in [T, t_n) are misdelivered while
 *    hv3-1 still has hv1-1's route (until t_g, when it decides hv1-1's
 *    withdrawal, which the reflector passes on first; a probe event
 *    every nanosecond watches hv3-1's MAC entry), then flooded until
 *    t_n: two copies (hv1-1, hv2-1), so the NIC makes them every 2 x
 *    1270.4 ns; a flooded frame's copy to hv1-1 is dropped there as well
 *    (no VM), so hv1-1's no-VM drops = both misdelivered counts + the
 *    move's flooded frames.  The UPDATE reaches hv3-1 while it decides
 *    the withdrawal, so t_n = t_g + 10 us: 4 flooded frames; t_g - T =
 *    23.7 us: 19 misdelivered.  t_n - T: the reflector decides the UPDATE
 *    at 21,146 ns (tests/test_control.c, evpn_move_convergence), hv3-1
 *    receives it 1207 ns later and decides it 10 us after that: 32,353
 *    ns, each of the three 10 Gb/s hops (hv2-1 up, leaf3 down) at most
 *    one data frame (1270.4 ns) later.
 *  Nothing is lost; summary.csv frames_lost_convergence = the two
 *  misdelivered counts. */
START_TEST(evpn_move)
{
    struct run r;
    nvo_time_t T = 400 * NVO_US;
    run_text(&r,
        "<?xml version=\"1.0\"?>\n<topology name=\"star\">\n"
        "  <defaults>\n"
        "    <fabric rate=\"40Gbps\" delay=\"500ns\" mtu=\"9000\"/>\n"
        "    <access rate=\"10Gbps\" delay=\"500ns\" mtu=\"9000\"/>\n"
        "  </defaults>\n"
        "  <leaf-spine spines=\"1\" leaves=\"3\" hypervisors-per-leaf=\"1\"/>\n"
        "</topology>\n",
        "<?xml version=\"1.0\"?>\n<scenario name=\"fate-move\">\n"
        "  <topology file=\"star.xml\"/>\n"
        "  <run duration=\"600us\" seed=\"1\" run=\"1\"/>\n"
        "  <underlay ip=\"ipv4\"/>\n"
        "  <overlay encap=\"vxlan\" control=\"evpn\">\n"
        "    <tenants count=\"1\" vms-per-tenant=\"3\" first-vni=\"5000\"\n"
        "             placement=\"round-robin\"/>\n"
        "    <move vm=\"0\" to=\"hv2-1\" at=\"400us\"/>\n"
        "    <bgp proc-delay=\"10us\"/>\n"
        "  </overlay>\n"
        "  <traffic>\n"
        "    <flows pattern=\"permutation\" start=\"300us\" stop=\"301us\">\n"
        "      <size fixed=\"14720000\"/>\n"
        "      <arrival rate=\"1e7\"/>\n"
        "      <packet size=\"1500\"/>\n"
        "    </flows>\n"
        "  </traffic>\n"
        "</scenario>\n");
    struct probe pr = { r.sim->engine, r.sim->overlay->pes[2], 5000, 0,
                        nvo_pe_node_index(r.sim->overlay->pes[1]),
                        T + 40 * NVO_US, -1, -1 };
    for (int i = 0; i < 6; i++) {
        pr.mac = pr.mac << 8 | r.sim->overlay->vms[0].mac[i];
    }
    nvo_engine_schedule_at(r.sim->engine, T, probe__, &pr);
    run_go(&r);
    ck_assert_uint_eq(nvo_sim_ctrl_n_events(r.sim->ctrl), 2);
    uint32_t src, dst;
    nvo_time_t start;
    for (uint64_t i = 0; nvo_traffic_flow(r.sim->traffic, i, &src, &dst,
                                          &start); i++) {
        ck_assert_uint_eq(dst, (src + 1) % 3);
    }
    nvo_time_t t2 = first_flow(&r, 2);
    nvo_time_t dt = 12704 * NVO_NS / 10, D = 5176 * NVO_NS;
    ck_assert_int_ge(t2, 300 * NVO_US);
    ck_assert_int_lt(t2, 301 * NVO_US);
    ck_assert_int_ne((T - D - t2) % dt, 0);     /* no arrival at T */
    bool rr;
    nvo_time_t tn = nvo_bgp_speaker_last_change(
        nvo_sim_ctrl_bgp(r.sim->ctrl, 2, &rr));
    ck_assert_int_ge(tn - T, 32353 * NVO_NS);
    ck_assert_int_le(tn - T, 32353 * NVO_NS + 3 * dt);

    const struct nvo_frame_fate_counts *s = ev(&r, 0), *m = ev(&r, 1);
    uint64_t early = frames_in(t2, dt, T - D + 1, T);
    ck_assert_uint_eq(s->misdelivered, early);
    ck_assert_uint_eq(early, 4);    /* D / dt = 4.07 */
    ck_assert_uint_eq(nvo_frame_fate_lost(s) + s->flooded, 0);
    ck_assert_uint_eq(nvo_frame_fate_in_flight(s), 0);
    check_sum(s);
    /* hv3-1's forwarding state for VM 0 as the probe saw it. */
    ck_assert_int_ge(pr.t_n, tn);      /* seen within the nanosecond */
    ck_assert_int_lt(pr.t_n, tn + NVO_NS);
    ck_assert_int_gt(pr.t_gone, T);
    ck_assert_int_lt(pr.t_gone, tn);
    uint64_t mis = frames_in(t2, dt, T, pr.t_gone);
    nvo_time_t first = t2 + (nvo_time_t) frames_in(t2, dt, 0, pr.t_gone) * dt;
    ck_assert_uint_eq(m->misdelivered, mis);
    ck_assert_uint_eq(m->flooded, frames_in(first, 2 * dt, first, tn));
    /* The UPDATE reached hv3-1 while it was deciding the withdrawal:
     * decided one proc-delay after it. */
    ck_assert_int_ge(pr.t_gone, tn - 10 * NVO_US);
    ck_assert_int_lt(pr.t_gone, tn - 10 * NVO_US + NVO_NS);
    ck_assert_uint_eq(mis, 19);         /* 23.7 us / 1270.4 ns */
    ck_assert_uint_eq(m->flooded, 4);   /* 10 us / 2540.8 ns */
    ck_assert_uint_eq(nvo_frame_fate_lost(m), 0);
    check_sum(m);
    const struct nvo_pe_node_counters *pc =
        nvo_pe_node_counters(r.sim->overlay->pes[0]);
    ck_assert_uint_eq(pc->drops[NVO_PE_DROP_NO_VM],
                      s->misdelivered + m->misdelivered + m->flooded);
    char *cell = summary_cell(&r, "frames_lost_convergence");
    char want[32];
    g_snprintf(want, sizeof want, "%" PRIu64,
               s->misdelivered + m->misdelivered);
    ck_assert_str_eq(cell, want);
    g_free(cell);
    run_free(&r);
}
END_TEST

/* The flow frames in the network at the end, by the traffic's count. */
static uint64_t
in_network(const struct run *r)
{
    uint64_t n, sum = 0;
    struct nvo_traffic_flow_rec *rec =
        nvo_traffic_flow_records(r->sim->traffic, &n);
    for (uint64_t i = 0; i < n; i++) {
        sum += rec[i].pkts_in_net;
    }
    g_free(rec);
    return sum;
}

/* Data bytes sent by node 'from' on its link to node 'to'. */
static uint64_t
data_bytes(const struct run *r, const char *from, const char *to)
{
    const struct nvo_net *net = r->sim->net;
    int a = nvo_net_find(net, from), b = nvo_net_find(net, to);
    ck_assert(a >= 0 && b >= 0);
    int l = nvo_net_find_link(net, (uint32_t) a, (uint32_t) b);
    ck_assert_int_ge(l, 0);
    const struct nvo_net_link *nl = nvo_net_link(net, (uint32_t) l);
    uint32_t port = nl->a == (uint32_t) a ? nl->a_port : nl->b_port;
    return nvo_net_node(net, (uint32_t) a)->ports[port].st
        .tx_bytes[NVO_TC_DATA];
}

static const char *const topo2__ =
    "<?xml version=\"1.0\"?>\n<topology name=\"star\">\n"
    "  <defaults>\n"
    "    <fabric rate=\"%s\" delay=\"500ns\" mtu=\"9000\" queue=\"64KiB\"/>\n"
    "    <access rate=\"10Gbps\" delay=\"500ns\" mtu=\"9000\"/>\n"
    "  </defaults>\n"
    "  <leaf-spine spines=\"%d\" leaves=\"2\" hypervisors-per-leaf=\"1\"/>\n"
    "</topology>\n";

/* A link failure with a surviving path: spine1 (the reflector) and
 * spine2, leaf1 and leaf2 with one hypervisor each, fabric 40 Gb/s,
 * access 10 Gb/s, 500 ns each; ECMP on the outer addresses only, so all
 * of hv1-1 -> hv2-1 takes one spine and all of hv2-1 -> hv1-1 one
 * spine; underlay convergence delay 0.  VM 0 (hv1-1) and VM 1 (hv2-1)
 * send to each other at line rate from 300 us (1588-byte frames every
 * 1270.4 ns from each NIC, as in evpn_move); at T = 400 us the link
 * leaf1 - spineX fails (X = 1, then 2).  The routes change at once, no
 * BGP session is lost (the reflector is reached through the other
 * spine), so the event's frames are all delivered (or in flight at the
 * end: the traffic's own count of its frames in the network): no loss of
 * any kind.  The start's frames lost: those on the
 * failed link's wires at T (no queue: 10 Gb/s into 40 Gb/s): hv1-1's
 * frame made at t is on leaf1 -> spineX from t + 1270.4 + 500 = t +
 * 1770.4 ns until t + 1770.4 + 317.6 + 500 = t + 2588 ns, hv2-1's on
 * spineX -> leaf1 from t + 2588 to t + 3405.6 ns: at most one each way,
 * if that direction's path is that spine (its data bytes on the link). */
START_TEST(link_failure)
{
    bool fwd_used[2], rev_used[2];
    for (int x = 0; x < 2; x++) {
        struct run r;
        char *topo = g_strdup_printf(topo2__, "40Gbps", 2);
        char *scen = g_strdup_printf(
            "<?xml version=\"1.0\"?>\n<scenario name=\"fate-link\">\n"
            "  <topology file=\"star.xml\"/>\n"
            "  <run duration=\"500us\" seed=\"1\" run=\"1\"/>\n"
            "  <underlay ip=\"ipv4\" convergence-delay=\"0s\">\n"
            "    <ecmp fields=\"src-ip dst-ip\"/>\n"
            "  </underlay>\n"
            "  <overlay encap=\"vxlan\" control=\"evpn\">\n"
            "    <tenants count=\"1\" vms-per-tenant=\"2\" first-vni=\"5000\"\n"
            "             placement=\"round-robin\"/>\n"
            "    <bgp reflectors=\"spine1\"/>\n"
            "  </overlay>\n"
            "  <traffic>\n"
            "    <flows pattern=\"permutation\" start=\"300us\" stop=\"301us\">\n"
            "      <size fixed=\"14720000\"/>\n"
            "      <arrival rate=\"1e7\"/>\n"
            "      <packet size=\"1500\"/>\n"
            "    </flows>\n"
            "  </traffic>\n"
            "  <events>\n"
            "    <link-down at=\"400us\" a=\"leaf1\" b=\"spine%d\"/>\n"
            "  </events>\n"
            "</scenario>\n", x + 1);
        run_text(&r, topo, scen);
        g_free(topo);
        g_free(scen);
        run_go(&r);
        char spine[8];
        g_snprintf(spine, sizeof spine, "spine%d", x + 1);
        fwd_used[x] = data_bytes(&r, "leaf1", spine) > 0;
        rev_used[x] = data_bytes(&r, spine, "leaf1") > 0;
        nvo_time_t T = 400 * NVO_US, dt = 12704 * NVO_NS / 10;
        nvo_time_t t0 = first_flow(&r, 0), t1 = first_flow(&r, 1);
        uint64_t want = (fwd_used[x]
                         ? frames_in(t0, dt, T - 2588 * NVO_NS + 1,
                                     T - 17704 * NVO_NS / 10 + 1) : 0)
                        + (rev_used[x]
                           ? frames_in(t1, dt, T - 34056 * NVO_NS / 10 + 1,
                                       T - 2588 * NVO_NS + 1) : 0);
        const struct nvo_frame_fate_counts *s = ev(&r, 0), *f = ev(&r, 1);
        ck_assert_uint_eq(s->lost[NVO_FATE_LOST_LINK], want);
        ck_assert_uint_eq(nvo_frame_fate_lost(s), want);
        ck_assert_uint_eq(s->misdelivered + s->flooded, 0);
        ck_assert_uint_eq(nvo_frame_fate_in_flight(s), 0);
        check_sum(s);
        ck_assert_uint_eq(nvo_frame_fate_lost(f) + f->misdelivered
                          + f->flooded, 0);
        /* In flight at the end: what the traffic finds in the network,
         * about the path's 5176 ns (evpn_move's D) of frames each way. */
        ck_assert_uint_eq(nvo_frame_fate_in_flight(f), in_network(&r));
        ck_assert_uint_ge(nvo_frame_fate_in_flight(f), 8);
        ck_assert_uint_le(nvo_frame_fate_in_flight(f), 10);
        ck_assert_uint_eq(f->delivered + nvo_frame_fate_in_flight(f),
                          f->sent);
        check_sum(f);
        /* The summary counts the start's in-flight losses too. */
        char *cell = summary_cell(&r, "frames_lost_convergence");
        char w[32];
        g_snprintf(w, sizeof w, "%" PRIu64, want);
        ck_assert_str_eq(cell, w);
        g_free(cell);
        run_free(&r);
    }
    /* Each direction took exactly one of the spines. */
    ck_assert(fwd_used[0] != fwd_used[1]);
    ck_assert(rev_used[0] != rev_used[1]);
}
END_TEST

/* Queue overflow, no control event: the star of pe_failure with 10 Gb/s
 * access links and 5 Gb/s fabric links of 64 KiB queues; VM 0 and VM 1
 * send to each other at line rate from 300 us to the end at 1 ms: each
 * leaf's uplink takes a 1588-byte frame every 1270.4 ns and sends one
 * every 2540.8 ns, so once its queue holds 41 frames (41 x 1564 bytes
 * <= 64 KiB < 42 x 1564) every other frame is dropped.  The run's queue
 * drops (the ports' counters: control frames have their own queue) are
 * all the start event's flow frames, lost to the queue, none to the
 * forwarding state: frames_lost_convergence 0.  Of 551 frames a leaf
 * takes in the 700 us, about half less the queue's 41 are dropped.  The
 * same run with control="none" has no events: the column is missing. */
START_TEST(queue_overflow)
{
    struct run r;
    char *topo = g_strdup_printf(topo2__, "5Gbps", 1);
    run_text(&r, topo,
        "<?xml version=\"1.0\"?>\n<scenario name=\"fate-queue\">\n"
        "  <topology file=\"star.xml\"/>\n"
        "  <run duration=\"1ms\" seed=\"1\" run=\"1\"/>\n"
        "  <underlay ip=\"ipv4\"/>\n"
        "  <overlay encap=\"vxlan\" control=\"evpn\">\n"
        "    <tenants count=\"1\" vms-per-tenant=\"2\" first-vni=\"5000\"\n"
        "             placement=\"round-robin\"/>\n"
        "    <bgp/>\n"
        "  </overlay>\n"
        "  <traffic>\n"
        "    <flows pattern=\"permutation\" start=\"300us\" stop=\"301us\">\n"
        "      <size fixed=\"14720000\"/>\n"
        "      <arrival rate=\"1e7\"/>\n"
        "      <packet size=\"1500\"/>\n"
        "    </flows>\n"
        "  </traffic>\n"
        "</scenario>\n");
    g_free(topo);
    run_go(&r);
    ck_assert_uint_eq(nvo_sim_ctrl_n_events(r.sim->ctrl), 1);
    uint64_t port_drops[NVO_DROP_N];
    nvo_net_drops(r.sim->net, port_drops, NULL);
    const struct nvo_frame_fate_counts *s = ev(&r, 0);
    ck_assert_uint_gt(port_drops[NVO_DROP_QUEUE], 0);
    ck_assert_uint_eq(s->lost[NVO_FATE_LOST_QUEUE],
                      port_drops[NVO_DROP_QUEUE]);
    ck_assert_uint_eq(nvo_frame_fate_lost(s), port_drops[NVO_DROP_QUEUE]);
    ck_assert_uint_eq(nvo_frame_fate_lost_forwarding(s) + s->misdelivered
                      + s->flooded, 0);
    check_sum(s);
    /* 2 x (551 / 2 - 41), within a frame each way. */
    ck_assert_uint_ge(port_drops[NVO_DROP_QUEUE], 2 * (275 - 41) - 2);
    ck_assert_uint_le(port_drops[NVO_DROP_QUEUE], 2 * (276 - 41) + 2);
    char *cell = summary_cell(&r, "frames_lost_convergence");
    ck_assert_str_eq(cell, "0");
    g_free(cell);
    run_free(&r);
    /* Without a control plane there are no events to charge: no counts,
     * and the column is missing. */
    topo = g_strdup_printf(topo2__, "5Gbps", 1);
    run_text(&r, topo,
        "<?xml version=\"1.0\"?>\n<scenario name=\"fate-none\">\n"
        "  <topology file=\"star.xml\"/>\n"
        "  <run duration=\"1ms\" seed=\"1\" run=\"1\"/>\n"
        "  <underlay ip=\"ipv4\"/>\n"
        "  <overlay encap=\"vxlan\" control=\"none\">\n"
        "    <tenants count=\"1\" vms-per-tenant=\"2\" first-vni=\"5000\"\n"
        "             placement=\"round-robin\"/>\n"
        "  </overlay>\n"
        "  <traffic>\n"
        "    <flows pattern=\"permutation\" start=\"300us\" stop=\"301us\">\n"
        "      <size fixed=\"14720000\"/>\n"
        "      <arrival rate=\"1e7\"/>\n"
        "      <packet size=\"1500\"/>\n"
        "    </flows>\n"
        "  </traffic>\n"
        "</scenario>\n");
    g_free(topo);
    run_go(&r);
    ck_assert_ptr_null(r.sim->fate);
    cell = summary_cell(&r, "frames_lost_convergence");
    ck_assert_str_eq(cell, "");
    g_free(cell);
    run_free(&r);
}
END_TEST

static Suite *
frame_fate_suite(void)
{
    Suite *s = suite_create("frame_fate");
    TCase *tc = tcase_create("events");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, pe_failure);
    tcase_add_test(tc, evpn_move);
    tcase_add_test(tc, link_failure);
    tcase_add_test(tc, queue_overflow);
    tcase_add_test(tc, overcount_fails);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return nvo_test_run(frame_fate_suite());
}
