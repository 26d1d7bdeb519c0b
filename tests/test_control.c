/* test_control.c: the overlay control planes as scenario runs build them
 * (run/sim_ctrl.c, io/config_ctrl.c, run/results_ctrl.c): EVPN over BGP
 * with one reflector, two (with their own or a shared cluster id) or a
 * full mesh, and LDP-signalled VPLS, on the shipped scenarios, against
 * the counts theory gives (sessions, routes, UPDATEs, RIB sizes,
 * pseudowires, label mappings and their bytes); flood-and-learn's BUM
 * frames that EVPN and ARP suppression remove; a VM move's MAC mobility
 * and its convergence time against the path's transmission, propagation
 * and processing delays worked out by hand; MRT files; summary.csv cells
 * missing where a plane does not apply; and configuration errors. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "ctrl/bgp_speaker.h"
#include "ctrl/evpn.h"
#include "ctrl/ldp_speaker.h"
#include "ctrl/vpls.h"
#include "ctrl/vpls_bgp.h"
#include "io/config.h"
#include "io/mrt_read.h"
#include "overlay/pe_node.h"
#include "run/sim.h"
#include "run/sim_ctrl.h"
#include "run/sim_overlay.h"
#include "wire/ldp_mesh.h"
#include "testutil.h"

struct run {
    struct nvo_scenario_cfg *cfg;
    struct nvo_sim *sim;
    char *dir;
    struct nvo_sim_ctrl_totals t;
};

static void
run_file(struct run *r, const char *path, const char *const *sets,
         size_t n_sets)
{
    memset(r, 0, sizeof *r);
    nvo_test_scenario(path, sets, n_sets, "control", true, &r->cfg, &r->sim,
                      &r->dir);
    nvo_sim_ctrl_totals(r->sim->ctrl, &r->t);
}

static void
run_scen(struct run *r, const char *rel, const char *const *sets, size_t n)
{
    run_file(r, nvo_test_src(rel), sets, n);
}

static void
run_free(struct run *r)
{
    nvo_test_scenario_free(r->cfg, r->sim, r->dir);
}

static void
cell_is(const struct run *r, const char *col, const char *want)
{
    char *c = nvo_test_summary_cell(r->dir, col);
    ck_assert_msg(!strcmp(c, want), "%s: \"%s\", want \"%s\"", col, c, want);
    g_free(c);
}

/* scenarios/overlay-evpn.xml: 8 PEs (2 per leaf), 4 tenants of 4 VMs,
 * round-robin, so each PE hosts 2 tenants with one VM each and each
 * tenant is on 4 PEs; one reflector (spine1).
 *  - sessions: 8 (PE-RR);
 *  - routes: a type-3 per VNI on each PE, 8 x 2 = 16; a type-2 (MAC+IP)
 *    per VM, 16; 32 in all;
 *  - every PE receives the other 28 (no RT-constrain): Loc-RIB 32 at
 *    every PE and at the RR; it imports 6 type-2 (its 2 VNIs' 3 other
 *    VMs each): MAC table 2 local + 6 remote = 8;
 *  - no two routes share attributes (the route target is per VNI, the
 *    PMSI label is the VNI, a type-2's MAC Mobility community none), so a
 *    PE sends 4 UPDATEs + End-of-RIB = 5 and the RR sends each PE 28 + 1:
 *    8 x 5 + 8 x 29 = 272 UPDATEs; with an OPEN and a KEEPALIVE each way
 *    per session (the 60 s keepalive never comes in 20 ms): 272 + 16 + 16
 *    = 304 messages;
 *  - every VM's one ARP request is answered by its PE (16 suppressed):
 *    no BUM frame at all, against flood-and-learn's 16 ARP broadcasts of
 *    3 copies each. */
START_TEST(evpn_one_reflector)
{
    struct run r;
    run_scen(&r, "scenarios/overlay-evpn.xml", NULL, 0);
    ck_assert_int_eq(r.t.control, NVO_CONTROL_EVPN);
    ck_assert_uint_eq(r.t.n_rr, 1);
    ck_assert_uint_eq(r.t.bgp_sessions, 8);
    ck_assert_uint_eq(r.t.evpn_type3, 16);
    ck_assert_uint_eq(r.t.evpn_type2, 16);
    ck_assert_uint_eq(r.t.rib_max, 32);
    ck_assert_uint_eq(r.t.rr_rib_max, 32);
    ck_assert_uint_eq(r.t.bgp_updates, 272);
    ck_assert_uint_eq(r.t.bgp_messages, 304);
    ck_assert_uint_eq(r.t.arp_suppressed, 16);
    for (uint32_t i = 0; i < nvo_sim_ctrl_n_bgp(r.sim->ctrl); i++) {
        bool rr;
        const struct nvo_bgp_speaker *s = nvo_sim_ctrl_bgp(r.sim->ctrl, i,
                                                           &rr);
        ck_assert_uint_eq(nvo_bgp_speaker_loc_rib_size(s), 32);
        ck_assert_uint_eq(nvo_bgp_speaker_adj_in_size(s), rr ? 32 : 28);
        if (!rr) {
            const struct nvo_evpn *e = nvo_sim_ctrl_evpn(r.sim->ctrl, i);
            ck_assert_uint_eq(nvo_evpn_counters(e)->remote_installed, 6);
            ck_assert_uint_eq(nvo_evpn_flood_size(e, 0), 3);
            ck_assert_uint_eq(nvo_evpn_flood_size(e, 1), 3);
        }
    }
    struct nvo_sim_overlay_totals ot;
    nvo_sim_overlay_totals(r.sim->overlay, &ot);
    uint64_t bum = 0;
    for (int k = 0; k < NVO_BUM_N; k++) {
        bum += ot.c.bum[k];
    }
    ck_assert_uint_eq(bum, 0);
    ck_assert_uint_eq(ot.mac_entries_max, 8);
    ck_assert(r.t.n_converged >= 1);
    cell_is(&r, "control_plane", "evpn");
    cell_is(&r, "bgp_sessions", "8");
    cell_is(&r, "bgp_updates", "272");
    cell_is(&r, "evpn_type2_routes", "16");
    cell_is(&r, "rr_rib_entries", "32");
    cell_is(&r, "ldp_sessions", "");        /* missing, not 0 */
    cell_is(&r, "pseudowires", "");
    cell_is(&r, "arp_suppressed", "16");
    cell_is(&r, "frames_lost_convergence", "0");
    run_free(&r);

    const char *const none[] = { "overlay.control=none" };
    run_scen(&r, "scenarios/overlay-evpn.xml", none, 1);
    ck_assert_ptr_null(r.sim->ctrl);
    nvo_sim_overlay_totals(r.sim->overlay, &ot);
    ck_assert_uint_eq(ot.c.bum[NVO_BUM_BROADCAST], 16);
    ck_assert_uint_eq(ot.c.bum_copies, 48);
    cell_is(&r, "control_plane", "none");
    cell_is(&r, "bgp_sessions", "");
    cell_is(&r, "convergence_max_ms", "");
    cell_is(&r, "arp_suppressed", "");
    run_free(&r);
}
END_TEST

/* Without reflectors, a full iBGP mesh of the 8 PEs: 8 x 7 / 2 = 28
 * sessions; each PE sends its 4 routes + End-of-RIB to each of 7 peers:
 * 8 x 7 x 5 = 280 UPDATEs, 280 + 56 OPENs + 56 KEEPALIVEs = 392
 * messages; Loc-RIB 32; no reflector RIB (missing).  Against one
 * reflector's 8 sessions and 272 UPDATEs. */
START_TEST(evpn_full_mesh)
{
    struct run r;
    const char *const sets[] = { "overlay.bgp.reflectors=none" };
    run_scen(&r, "scenarios/overlay-evpn.xml", sets, 1);
    ck_assert_uint_eq(r.t.n_rr, 0);
    ck_assert_uint_eq(r.t.bgp_sessions, 28);
    ck_assert_uint_eq(r.t.bgp_updates, 280);
    ck_assert_uint_eq(r.t.bgp_messages, 392);
    ck_assert_uint_eq(r.t.rib_max, 32);
    cell_is(&r, "rr_rib_entries", "");
    cell_is(&r, "bgp_sessions", "28");
    run_free(&r);
}
END_TEST

/* RT-constrain (RFC 4684) on every speaker: each PE imports the route
 * targets of its 2 VNIs and hears only their routes: per VNI the 3 other
 * PEs' type-2 and type-3, 12 in all, so its EVPN Loc-RIB is its 4 + 12 =
 * 16 (against 32 without); the reflector still holds all 32 and keeps
 * back from each PE the 28 - 12 = 16 routes of VNIs it does not host:
 * 8 x 16 = 128.  Nothing changes in the data plane: 6 remote MACs per
 * PE, no BUM frame. */
START_TEST(evpn_rt_constrain)
{
    struct run r;
    const char *const sets[] = { "overlay.bgp.rt-constrain=true" };
    run_scen(&r, "scenarios/overlay-evpn.xml", sets, 1);
    ck_assert_uint_eq(r.t.bgp_sessions, 8);
    ck_assert_uint_eq(r.t.rib_max, 16);
    ck_assert_uint_eq(r.t.rr_rib_max, 32);
    for (uint32_t i = 0; i < nvo_sim_ctrl_n_bgp(r.sim->ctrl); i++) {
        bool rr;
        const struct nvo_bgp_speaker *s = nvo_sim_ctrl_bgp(r.sim->ctrl, i,
                                                           &rr);
        ck_assert_uint_eq(nvo_bgp_speaker_n_routes(s, 25, 70), rr ? 32 : 16);
        if (rr) {
            ck_assert_uint_eq(nvo_bgp_speaker_counters(s)->routes_rt_filtered,
                              128);
        } else {
            ck_assert_uint_eq(nvo_bgp_speaker_n_import_rts(s), 2);
            const struct nvo_evpn *e = nvo_sim_ctrl_evpn(r.sim->ctrl, i);
            ck_assert_uint_eq(nvo_evpn_counters(e)->remote_installed, 6);
            ck_assert_uint_eq(nvo_evpn_counters(e)->not_imported, 0);
        }
    }
    struct nvo_sim_overlay_totals ot;
    nvo_sim_overlay_totals(r.sim->overlay, &ot);
    ck_assert_uint_eq(ot.c.bum[NVO_BUM_BROADCAST] + ot.c.bum[NVO_BUM_UNKNOWN],
                      0);
    cell_is(&r, "rib_entries_max", "16");
    run_free(&r);
}
END_TEST

/* Two reflectors, spine1 and spine2: 8 x 2 client sessions + 1 between
 * them = 17.  Each PE hears each of the 28 other routes from both: Adj-
 * RIB-In 56, Loc-RIB still 32.  With their own cluster ids each
 * reflector also accepts the other's reflections of the 32 client routes
 * (Adj-RIB-In 32 + 32 = 64); with one shared cluster id it refuses all
 * 32 as loops (RFC 4456 8) and keeps only its clients' (32). */
START_TEST(evpn_two_reflectors)
{
    for (int shared = 0; shared < 2; shared++) {
        struct run r;
        const char *const sets[] = {
            "overlay.bgp.reflectors=spine1 spine2",
            shared ? "overlay.bgp.cluster-id=shared"
                   : "overlay.bgp.cluster-id=per-rr",
        };
        run_scen(&r, "scenarios/overlay-evpn.xml", sets, 2);
        ck_assert_uint_eq(r.t.n_rr, 2);
        ck_assert_uint_eq(r.t.bgp_sessions, 17);
        ck_assert_uint_eq(r.t.rr_rib_max, 32);
        for (uint32_t i = 0; i < nvo_sim_ctrl_n_bgp(r.sim->ctrl); i++) {
            bool rr;
            const struct nvo_bgp_speaker *s =
                nvo_sim_ctrl_bgp(r.sim->ctrl, i, &rr);
            ck_assert_uint_eq(nvo_bgp_speaker_loc_rib_size(s), 32);
            ck_assert_uint_eq(nvo_bgp_speaker_adj_in_size(s),
                              rr ? (shared ? 32 : 64) : 56);
            ck_assert_uint_eq(nvo_bgp_speaker_counters(s)->routes_looped,
                              rr && shared ? 32 : 0);
        }
        run_free(&r);
    }
}
END_TEST

/* scenarios/overlay-vpls.xml: the same 8 PEs and tenants over MPLS in
 * GRE with LDP-signalled VPLS.  A PE shares both its tenants with the 3
 * other PEs of its leaf pair and none with the rest: 2 groups of n = 4
 * PEs in V = 2 VSIs.  Per group (wire/ldp_mesh.h): n(n-1)/2 = 6 targeted
 * sessions, n(n-1)/2 = 6 pseudowires per VSI (12), n(n-1)V = 24 Label
 * Mappings; in all 12 sessions, 24 pseudowires, 48 mappings.  Messages
 * per PE: a Hello, an Initialization and a KeepAlive to each of 3 peers
 * and 6 mappings: 15, 120 in all; PDU bytes per group: Hellos + set-up +
 * the packed mappings as ldp_mesh counts them, 2040 (the VPLS suite's
 * n = 4, V = 2 case), 4080 in all. */
START_TEST(vpls_mesh)
{
    struct run r;
    run_scen(&r, "scenarios/overlay-vpls.xml", NULL, 0);
    ck_assert_int_eq(r.t.control, NVO_CONTROL_VPLS_LDP);
    struct nvo_ldp_mesh m;
    ck_assert_int_eq(nvo_ldp_mesh_cost(4, 2, true, 4096, &m), 0);
    ck_assert_uint_eq(r.t.ldp_sessions, 2 * m.sessions);
    ck_assert_uint_eq(r.t.ldp_sessions, 12);
    ck_assert_uint_eq(r.t.pseudowires, 2 * m.pseudowires);
    ck_assert_uint_eq(r.t.pseudowires, 24);
    ck_assert_uint_eq(r.t.ldp_messages, 120);
    ck_assert_uint_eq(r.t.ldp_bytes, 4080);
    uint64_t mappings = 0;
    for (uint32_t i = 0; i < nvo_sim_ctrl_n_vpls(r.sim->ctrl); i++) {
        const struct nvo_vpls *v = nvo_sim_ctrl_vpls(r.sim->ctrl, i);
        mappings += nvo_vpls_counters(v)->mappings_sent;
        ck_assert_uint_eq(nvo_vpls_counters(v)->pws_up, 6);
        ck_assert_uint_eq(nvo_ldp_speaker_n_sessions(
                              nvo_sim_ctrl_ldp(r.sim->ctrl, i)), 3);
    }
    ck_assert_uint_eq(mappings, 2 * m.label_mappings);
    ck_assert_uint_eq(mappings, 48);
    cell_is(&r, "control_plane", "vpls-ldp");
    cell_is(&r, "ldp_sessions", "12");
    cell_is(&r, "pseudowires", "24");
    cell_is(&r, "bgp_sessions", "");
    cell_is(&r, "arp_suppressed", "");
    run_free(&r);
}
END_TEST

/* The same 8 PEs and VSIs with BGP signalling (RFC 4761) through the
 * reflector: a NLRI per PE and VSI, 8 x 2 = 16 (against LDP's 48 Label
 * Mappings above), every PE hears all 16 (no RT-constrain; it imports the
 * 6 of its 2 VSIs' other members); the same 24 pseudowires (6 per VSI),
 * over 8 sessions instead of 12.  UPDATEs: a PE sends its 2 NLRI (one
 * route target each: 2 UPDATEs) and an End-of-RIB for each of its two
 * families (L2VPN EVPN and VPLS): 4; the reflector sends each PE the 14
 * others + 2 End-of-RIBs: 16; 8 x 4 + 8 x 16 = 160.  Data plane as with
 * LDP: the VMs' 16 ARP broadcasts, 3 copies each. */
START_TEST(vpls_bgp_mesh)
{
    struct run r;
    const char *const sets[] = { "overlay.control=vpls-bgp" };
    run_scen(&r, "scenarios/overlay-vpls.xml", sets, 1);
    ck_assert_int_eq(r.t.control, NVO_CONTROL_VPLS_BGP);
    ck_assert_uint_eq(r.t.bgp_sessions, 8);
    ck_assert_uint_eq(r.t.vpls_nlri, 16);
    ck_assert_uint_eq(r.t.pseudowires, 24);
    ck_assert_uint_eq(r.t.rib_max, 16);
    ck_assert_uint_eq(r.t.rr_rib_max, 16);
    ck_assert_uint_eq(r.t.bgp_updates, 160);
    for (uint32_t i = 0; i < nvo_sim_ctrl_n_bgp(r.sim->ctrl); i++) {
        const struct nvo_vpls_bgp *vb = nvo_sim_ctrl_vpls_bgp(r.sim->ctrl, i);
        if (vb) {
            ck_assert_uint_eq(nvo_vpls_bgp_counters(vb)->pws_up, 6);
            ck_assert_uint_eq(nvo_vpls_bgp_counters(vb)->nlri_advertised, 2);
        }
    }
    struct nvo_sim_overlay_totals ot;
    nvo_sim_overlay_totals(r.sim->overlay, &ot);
    ck_assert_uint_eq(ot.c.bum[NVO_BUM_BROADCAST], 16);
    ck_assert_uint_eq(ot.c.bum_copies, 48);
    cell_is(&r, "control_plane", "vpls-bgp");
    cell_is(&r, "pseudowires", "24");
    cell_is(&r, "bgp_sessions", "8");
    cell_is(&r, "evpn_type2_routes", "");
    cell_is(&r, "ldp_sessions", "");
    run_free(&r);
}
END_TEST

/* A VM move under EVPN on a star: spine1 (the reflector) and two
 * leaves, one hypervisor each (hv1-1 on leaf1, hv2-1 on leaf2); access
 * links 10 Gb/s, fabric 40 Gb/s, 500 ns each, 24 bytes of framing per
 * frame.  One tenant of 2 VMs (VM 0 on hv1-1, VM 1 on hv2-1); at T = 1 ms
 * VM 0 moves to hv2-1.  hv2-1 advertises VM 0's MAC+IP route with MAC
 * Mobility sequence 1 (the old route's 0 + 1) and hv1-1 withdraws its
 * own.  The last control-plane change is hv1-1 installing the new route:
 *   hv2-1's uplink first sends the VM's RARP (92 bytes, the move's
 *     announcement, sent in the move's event before the UPDATE's):
 *     (92 + 24) x 8 / 10 Gb/s = 92.8 ns;
 *   the UPDATE, 115 bytes (the 107 of a MAC+IPv4 route + the 8-byte MAC
 *     Mobility community) in a 169-byte frame: 193 x 0.8 = 154.4 ns,
 *     + 500 ns; leaf2 -> spine1: 193 x 0.2 = 38.6 ns + 500 ns;
 *   spine1 reflects it with ORIGINATOR_ID and CLUSTER_LIST (+14: a
 *     183-byte frame): 207 x 0.2 = 41.4 ns + 500 ns to leaf1, then
 *     207 x 0.8 = 165.6 ns + 500 ns to hv1-1;
 *   total 92.8 + 154.4 + 500 + 38.6 + 500 + 41.4 + 500 + 165.6 + 500 =
 *   2492.8 ns.
 * With proc-delay 10 us at every speaker (one message at a time, in
 * arrival order): hv1-1's withdrawal (68 bytes, a 122-byte frame: 146 x
 * 0.8 = 116.8 ns + 500 + 146 x 0.2 = 29.2 ns + 500) reaches spine1 at
 * 1146 ns, before the UPDATE (1285.8 ns), so spine1 decides the
 * withdrawal at 11,146 ns and the UPDATE at 21,146 ns, which reaches
 * hv1-1 1207 ns later (the 183-byte frame's path above) and is decided
 * there 10 us after that: 32,353 ns. */
START_TEST(evpn_move_convergence)
{
    char *dir = nvo_test_tmpdir("control-star");
    char *topo = g_build_filename(dir, "star.xml", NULL);
    char *scen = g_build_filename(dir, "move.xml", NULL);
    ck_assert(g_file_set_contents(topo,
        "<?xml version=\"1.0\"?>\n<topology name=\"star\">\n"
        "  <defaults>\n"
        "    <fabric rate=\"40Gbps\" delay=\"500ns\" mtu=\"9000\"/>\n"
        "    <access rate=\"10Gbps\" delay=\"500ns\" mtu=\"9000\"/>\n"
        "  </defaults>\n"
        "  <leaf-spine spines=\"1\" leaves=\"2\" hypervisors-per-leaf=\"1\"/>\n"
        "</topology>\n", -1, NULL));
    ck_assert(g_file_set_contents(scen,
        "<?xml version=\"1.0\"?>\n<scenario name=\"evpn-move\">\n"
        "  <topology file=\"star.xml\"/>\n"
        "  <run duration=\"2ms\" seed=\"1\" run=\"1\"/>\n"
        "  <underlay ip=\"ipv4\"/>\n"
        "  <overlay encap=\"vxlan\" control=\"evpn\">\n"
        "    <tenants count=\"1\" vms-per-tenant=\"2\" first-vni=\"5000\"\n"
        "             placement=\"round-robin\"/>\n"
        "    <move vm=\"0\" to=\"hv2-1\" at=\"1ms\"/>\n"
        "    <bgp/>\n"
        "  </overlay>\n"
        "</scenario>\n", -1, NULL));
    for (int delayed = 0; delayed < 2; delayed++) {
        struct run r;
        const char *const sets[] = { "overlay.bgp.proc-delay=10us" };
        run_file(&r, scen, sets, delayed ? 1 : 0);
        ck_assert_uint_eq(nvo_sim_ctrl_n_events(r.sim->ctrl), 2);
        const char *kind;
        uint32_t move;
        nvo_time_t at, last;
        nvo_sim_ctrl_event(r.sim->ctrl, 1, &kind, &move, &at, &last);
        ck_assert_str_eq(kind, "move");
        ck_assert_uint_eq(move, 0);
        ck_assert_int_eq(at, NVO_MS);
        ck_assert_int_eq(last - at, delayed ? 32353 * NVO_NS
                                            : 24928 * NVO_NS / 10);
        /* MAC mobility: hv2-1 (speaker 1) advertises VM 0 with sequence
         * 1; hv1-1 withdrew its route and points the MAC at hv2-1. */
        const struct nvo_traffic_vm *vm = &r.sim->overlay->vms[0];
        uint64_t mac = 0;
        for (int i = 0; i < 6; i++) {
            mac = mac << 8 | vm->mac[i];
        }
        const struct nvo_evpn *e1 = nvo_sim_ctrl_evpn(r.sim->ctrl, 0);
        const struct nvo_evpn *e2 = nvo_sim_ctrl_evpn(r.sim->ctrl, 1);
        ck_assert_int_eq(nvo_evpn_local_seq(e2, 5000, mac), 1);
        ck_assert_int_eq(nvo_evpn_local_seq(e1, 5000, mac), -1);
        ck_assert_uint_eq(nvo_evpn_counters(e1)->type2_withdrawn, 1);
        struct nvo_pe_node *pe1 = r.sim->overlay->pes[0];
        const struct nvo_mac_entry *me = nvo_mac_table_lookup(
            nvo_pe_node_mac_table(pe1), 5000, mac, nvo_engine_now(
                r.sim->engine));
        ck_assert_ptr_nonnull(me);
        ck_assert_uint_eq(me->loc, nvo_pe_node_index(r.sim->overlay->pes[1]));
        ck_assert_uint_eq(me->seq, 1);
        run_free(&r);
    }
    g_free(topo);
    g_free(scen);
    nvo_test_rmdir(dir);
}
END_TEST

/* Delayed ACKs (<overlay><tcp delack>, docs/tcp.md "ACKs") on the star
 * of evpn_move_convergence without the move: spine1 the reflector, hv1-1
 * and hv2-1 one VM of the one tenant each; spine1 opens both sessions.
 * Both sessions are alike (the PEs' timings are the same); per session
 * the handshake is 3 segments (SYN, SYN-ACK, ACK) and the data segments,
 * one BGP message each, are 5 each way: the reflector's OPEN, KEEPALIVE,
 * End-of-RIB (it has no route when the session comes up), then the other
 * PE's type-3 (113 bytes) and type-2 (121) reflected; the PE's OPEN,
 * KEEPALIVE, its type-3 (99), type-2 (107), End-of-RIB.  Only an OPEN is
 * answered inside the receive callback (the KEEPALIVE, which carries
 * the ACK); every other message is answered, if at all, by a later event
 * of the same instant (the speaker's flush), after the stack's ACK
 * decision.
 *  - Immediate ACKs (the default): every data segment but the two OPENs
 *    gets a pure ACK: 4 from each end, 8 per session; 3 + 10 + 8 = 21
 *    segments per session, 42 in all, 20 with data.
 *  - delack 40 ms (RFC 1122 4.2.3.2 / RFC 5681 4.2: ACK every second data
 *    segment at once, else when the timer expires; the timer, once
 *    armed, runs to its end, a piggy-backed ACK does not stop it: an ACK
 *    waits at most 40 ms):
 *      at the reflector: the PE's KEEPALIVE arms the timer, its own
 *      End-of-RIB carries the ACK; the PE's type-3 arrives as the other
 *      PE's type-3 does, whose reflection to this PE carries the ACK, and
 *      so for the type-2; the PE's End-of-RIB then waits for the timer,
 *      which expires 40 ms after the KEEPALIVE: 1 pure ACK;
 *      at the PE: the reflector's KEEPALIVE arms the timer and the PE's
 *      own type-3 carries the ACK; the reflector's End-of-RIB is the
 *      first unacknowledged segment, the reflected type-3 the second: an
 *      ACK at once; the reflected type-2 waits for the timer, 40 ms
 *      after the KEEPALIVE: 2 pure ACKs;
 *    3 + 10 + 3 = 16 segments per session, 32 in all, 20 with data.
 *  - In a 2 ms run with delack every connection (2 sessions x 2 ends) is
 *    left with its last segment unacknowledged (the reflector's type-2,
 *    the PE's End-of-RIB): 4 pending, no convergence time in
 *    summary.csv; without delack none.
 *  - Convergence: the window (65,535 bytes) never fills, so a delayed ACK
 *    never holds data back; the ACKs it removes only stop queueing ahead
 *    of the UPDATEs.  So with delack the last change comes no later than
 *    without, and earlier by at most the transmission of the 10 pure ACKs
 *    removed (78 bytes on the wire each, over a 10 Gb/s access link and a
 *    40 Gb/s fabric link: 62.4 + 15.6 = 78 ns): 780 ns.  Here it is
 *    strictly earlier: the PE's pure ACK of the reflector's KEEPALIVE
 *    (62.4 ns on its uplink) no longer goes ahead of its type-3. */
START_TEST(evpn_delayed_acks)
{
    char *dir = nvo_test_tmpdir("control-delack");
    char *topo = g_build_filename(dir, "star.xml", NULL);
    char *scen = g_build_filename(dir, "star-evpn.xml", NULL);
    ck_assert(g_file_set_contents(topo,
        "<?xml version=\"1.0\"?>\n<topology name=\"star\">\n"
        "  <defaults>\n"
        "    <fabric rate=\"40Gbps\" delay=\"500ns\" mtu=\"9000\"/>\n"
        "    <access rate=\"10Gbps\" delay=\"500ns\" mtu=\"9000\"/>\n"
        "  </defaults>\n"
        "  <leaf-spine spines=\"1\" leaves=\"2\" hypervisors-per-leaf=\"1\"/>\n"
        "</topology>\n", -1, NULL));
    ck_assert(g_file_set_contents(scen,
        "<?xml version=\"1.0\"?>\n<scenario name=\"evpn-delack\">\n"
        "  <topology file=\"star.xml\"/>\n"
        "  <run duration=\"100ms\" seed=\"1\" run=\"1\"/>\n"
        "  <underlay ip=\"ipv4\"/>\n"
        "  <overlay encap=\"vxlan\" control=\"evpn\">\n"
        "    <tenants count=\"1\" vms-per-tenant=\"2\" first-vni=\"5000\"\n"
        "             placement=\"round-robin\"/>\n"
        "    <bgp/>\n"
        "  </overlay>\n"
        "</scenario>\n", -1, NULL));
    nvo_time_t conv[2];
    for (int delayed = 0; delayed < 2; delayed++) {
        struct run r;
        const char *const sets[] = { "overlay.tcp.delack=40ms" };
        run_file(&r, scen, sets, delayed ? 1 : 0);
        ck_assert_int_eq(r.cfg->overlay.tcp.delack,
                         delayed ? 40 * NVO_MS : 0);
        ck_assert_uint_eq(r.t.bgp_sessions, 2);
        ck_assert_uint_eq(r.t.bgp_messages, 20);
        ck_assert_uint_eq(r.t.tcp_data_segs, 20);
        ck_assert_uint_eq(r.t.tcp_segs, delayed ? 32 : 42);
        ck_assert_uint_eq(r.t.pending, 0);
        ck_assert_uint_eq(r.t.n_converged, 1);
        conv[delayed] = r.t.convergence_max;
        run_free(&r);
    }
    ck_assert_int_lt(conv[1], conv[0]);
    ck_assert_int_le(conv[0] - conv[1], 780 * NVO_NS);
    for (int delayed = 0; delayed < 2; delayed++) {
        struct run r;
        const char *const sets[] = { "run.duration=2ms",
                                     "overlay.tcp.delack=40ms" };
        run_file(&r, scen, sets, delayed ? 2 : 1);
        ck_assert_uint_eq(r.t.tcp_data_segs, 20);
        ck_assert_uint_eq(r.t.pending, delayed ? 4 : 0);
        if (delayed) {
            cell_is(&r, "convergence_max_ms", "");  /* not claimed */
        }
        run_free(&r);
    }
    /* The same <tcp> reaches LDP's stacks: VPLS-LDP between the two PEs
     * (a single session), the same data segments, fewer segments. */
    uint64_t segs[2], data[2];
    for (int delayed = 0; delayed < 2; delayed++) {
        struct run r;
        const char *const sets[] = { "overlay.control=vpls-ldp",
                                     "overlay.encap=mpls-gre",
                                     "overlay.label=per-pe",
                                     "overlay.tcp.delack=40ms" };
        run_file(&r, scen, sets, delayed ? 4 : 3);
        ck_assert_uint_eq(r.t.ldp_sessions, 1);
        ck_assert_uint_eq(r.t.pending, 0);
        segs[delayed] = r.t.tcp_segs;
        data[delayed] = r.t.tcp_data_segs;
        run_free(&r);
    }
    ck_assert_uint_eq(data[1], data[0]);
    ck_assert_uint_lt(segs[1], segs[0]);
    g_free(topo);
    g_free(scen);
    nvo_test_rmdir(dir);
}
END_TEST

/* Failures with two reflectors (spine1, spine2), hold time 3 s and
 * keepalives every 1 s, on the small leaf-spine of overlay-evpn.xml (8
 * PEs, 4 tenants each on 4 PEs, one VM per PE and tenant), no VM
 * traffic, an event at 1 s:
 *  - hv1-1 fails: its last message reached the reflectors when the
 *    sessions came up (within the first 20 us; its next keepalive would
 *    leave at about 1 s, after it failed), so both reflectors' hold
 *    timers expire 3 s after it, they withdraw its 4 routes and the 3
 *    other PEs of each of its 2 tenants remove its MAC and take it out of
 *    the flood list: the last change 2 s + at most 20 us + the
 *    withdrawal's few microseconds after the event; the 3 PEs that share
 *    both its tenants keep 6 - 2 = 4 remote MACs and flood lists of 2,
 *    the others their 6 and 3, and the reflectors each lose one session;
 *  - spine1 (a reflector, and half the fabric) fails: every PE's session
 *    to it times out 3 s after its last keepalive from spine1 (sent at
 *    about 0 s + n x 1 s before 1 s: at most 1 s before the failure), the
 *    routes heard from spine1 go, the same routes from spine2 remain:
 *    every PE still has its 6 remote MACs and its flood lists of 3; the
 *    last change 2 s to 3 s after the event;
 *  - the link leaf1 - spine1 fails: the underlay reroutes (hv1-1 and
 *    hv1-2 reach spine1 through spine2 and another leaf), no session is
 *    lost, no route changes: the event causes no change at all. */
START_TEST(evpn_failures)
{
    char *dir = nvo_test_tmpdir("control-fail");
    char *scen = g_build_filename(dir, "fail.xml", NULL);
    static const char *const ev[3] = {
        "<node-down at=\"1s\" node=\"hv1-1\"/>",
        "<node-down at=\"1s\" node=\"spine1\"/>",
        "<link-down at=\"1s\" a=\"leaf1\" b=\"spine1\"/>",
    };
    for (int k = 0; k < 3; k++) {
        char *text = g_strdup_printf(
            "<?xml version=\"1.0\"?>\n<scenario name=\"evpn-fail\">\n"
            "  <topology file=\"%s\"/>\n"
            "  <run duration=\"6s\" seed=\"1\" run=\"1\"/>\n"
            "  <underlay ip=\"ipv4\"/>\n"
            "  <overlay encap=\"vxlan\" control=\"evpn\">\n"
            "    <tenants count=\"4\" vms-per-tenant=\"4\" first-vni=\"5000\"\n"
            "             placement=\"round-robin\"/>\n"
            "    <bgp reflectors=\"spine1 spine2\" hold-time=\"3s\"\n"
            "         keepalive=\"1s\"/>\n"
            "  </overlay>\n"
            "  <events>\n    %s\n  </events>\n"
            "</scenario>\n",
            nvo_test_src("topologies/leaf-spine-small.xml"), ev[k]);
        ck_assert(g_file_set_contents(scen, text, -1, NULL));
        g_free(text);
        struct run r;
        run_file(&r, scen, NULL, 0);
        ck_assert_uint_eq(nvo_sim_ctrl_n_events(r.sim->ctrl), 2);
        const char *kind;
        uint32_t idx;
        nvo_time_t at, last;
        nvo_sim_ctrl_event(r.sim->ctrl, 1, &kind, &idx, &at, &last);
        ck_assert_str_eq(kind, k == 2 ? "link-down" : "node-down");
        ck_assert_int_eq(at, NVO_SEC);
        if (k == 0) {
            ck_assert_int_ge(last - at, 2 * NVO_SEC);
            ck_assert_int_lt(last - at, 2 * NVO_SEC + 40 * NVO_US);
        } else if (k == 1) {
            ck_assert_int_ge(last - at, 2 * NVO_SEC);
            ck_assert_int_le(last - at, 3 * NVO_SEC);
        } else {
            ck_assert_int_eq(last, -1);
        }
        struct nvo_sim_overlay *o = r.sim->overlay;
        uint32_t hv11 = nvo_pe_node_index(o->pes[0]);
        uint64_t lost = 0;
        for (uint32_t i = 0; i < nvo_sim_ctrl_n_bgp(r.sim->ctrl); i++) {
            bool rr;
            const struct nvo_bgp_speaker *s =
                nvo_sim_ctrl_bgp(r.sim->ctrl, i, &rr);
            lost += nvo_bgp_speaker_counters(s)->sessions_lost;
            if (rr || (k == 0 && i == 0)) {
                continue;
            }
            /* Remote MACs left at this PE, and whether any is hv1-1's. */
            struct nvo_pe_node *pe = o->pes[i];
            uint32_t n_remote = 0, at_hv11 = 0;
            for (uint32_t v = 0; v < o->n_vms; v++) {
                uint64_t mac = 0;
                for (int b = 0; b < 6; b++) {
                    mac = mac << 8 | o->vms[v].mac[b];
                }
                const struct nvo_mac_entry *me = nvo_mac_table_lookup(
                    nvo_pe_node_mac_table(pe), o->tenant_vni[o->vms[v].group],
                    mac, nvo_engine_now(r.sim->engine));
                if (me && (me->flags & NVO_MAC_REMOTE)) {
                    n_remote++;
                    at_hv11 += me->loc == hv11;
                }
            }
            /* hv1-1 hosts tenants 0 and 2 (VMs 0 and 8): a PE sharing
             * both (hv1-2, hv2-1, hv2-2: leaves 1-2) loses 2 MACs; hv1-1
             * itself (when it is up) has none of its own as remote. */
            bool shares = i > 0 && nvo_pe_node_base(pe)->name[2] <= '2';
            ck_assert_uint_eq(n_remote, k == 0 && shares ? 4 : 6);
            const struct nvo_evpn *e = nvo_sim_ctrl_evpn(r.sim->ctrl, i);
            for (uint32_t t = 0; t < 2; t++) {
                ck_assert_uint_eq(nvo_evpn_flood_size(e, t),
                                  k == 0 && shares ? 2 : 3);
            }
            ck_assert_msg(at_hv11 == (k == 0 ? 0u : (shares ? 2u : 0u)), "k %d %s: %u of hv1-1", k, nvo_pe_node_base(pe)->name, at_hv11);
        }
        /* Sessions lost, counted at both ends (a failed node's speaker
         * keeps its timers: its hold timers expire too): hv1-1's 2 at
         * both ends; spine1's 9 (8 PEs, spine2) at both ends. */
        ck_assert_uint_eq(lost, k == 0 ? 4 : k == 1 ? 18 : 0);
        run_free(&r);
    }
    g_free(scen);
    nvo_test_rmdir(dir);
}
END_TEST

/* MRT dumps (bgp mrt="true"): one file per speaker, a record per message
 * it sent or received: at the reflector of overlay-evpn.xml 8 x (29 + 1
 * + 1) = 248 sent (BGP4MP_ET, subtype MESSAGE_AS4_LOCAL, 7) and 8 x (5 +
 * 1 + 1) = 56 received (MESSAGE_AS4, 4), each message starting with the
 * 16-byte marker; and nvosim's own MRT reader (io/mrt_read.h) reads the
 * file back with the same counts. */
START_TEST(mrt_files)
{
    struct run r;
    const char *const sets[] = { "overlay.bgp.mrt=true" };
    run_scen(&r, "scenarios/overlay-evpn.xml", sets, 1);
    char *path = g_build_filename(r.dir, "spine1.mrt", NULL);
    gchar *data;
    gsize len;
    ck_assert(g_file_get_contents(path, &data, &len, NULL));
    const uint8_t *p = (const uint8_t *) data;
    size_t off = 0, n = 0, n_sent = 0;
    while (off + 12 <= len) {
        uint32_t rec = (uint32_t) p[off + 8] << 24 | (uint32_t) p[off + 9] << 16
                       | (uint32_t) p[off + 10] << 8 | p[off + 11];
        ck_assert_uint_eq((p[off + 4] << 8 | p[off + 5]), 17);
        unsigned sub = (unsigned) (p[off + 6] << 8 | p[off + 7]);
        ck_assert(sub == 4 || sub == 7);
        n_sent += sub == 7;
        /* After microseconds 4, ASes 8, interface 2, AFI 2, IPs 8. */
        ck_assert_uint_ge(rec, 24 + 19);
        ck_assert_uint_eq(p[off + 12 + 24], 0xff);
        ck_assert_uint_eq(p[off + 12 + 24 + 15], 0xff);
        off += 12 + rec;
        n++;
    }
    ck_assert_uint_eq(off, len);
    ck_assert_uint_eq(n, 304);
    ck_assert_uint_eq(n_sent, 248);
    struct nvo_mrt_reader rd = nvo_mrt_reader_init(p, len);
    struct nvo_mrt_record rec;
    char err[256];
    size_t by_type[6] = { 0 }, sent = 0, k = 0;
    int rc;
    while ((rc = nvo_mrt_next(&rd, &rec, err, sizeof err)) == 0) {
        k++;
        sent += rec.sent;
        ck_assert_uint_lt(rec.msg_type, 6);
        by_type[rec.msg_type]++;
    }
    ck_assert_int_eq(rc, ENOENT);
    ck_assert_uint_eq(k, 304);
    ck_assert_uint_eq(sent, 248);
    ck_assert_uint_eq(by_type[1], 16);          /* OPEN */
    ck_assert_uint_eq(by_type[2], 8 * 29 + 8 * 5);  /* UPDATE */
    ck_assert_uint_eq(by_type[4], 16);          /* KEEPALIVE */
    g_free(data);
    g_free(path);
    path = g_build_filename(r.dir, "hv1-1.mrt", NULL);
    ck_assert(g_file_test(path, G_FILE_TEST_IS_REGULAR));
    g_free(path);
    run_free(&r);
}
END_TEST

static void
expect_error(const char *rel, const char *const *sets, size_t n,
             const char *want)
{
    GError *error = NULL;
    struct nvo_scenario_cfg *cfg = nvo_scenario_load(nvo_test_src(rel), sets,
                                                     n, &error);
    if (cfg) {
        char *dir = nvo_test_tmpdir("control-err");
        struct nvo_sim *sim = nvo_sim_create(cfg, nvo_test_engine(), dir,
                                             &error);
        ck_assert_msg(!sim, "%s: accepted", sets[0]);
        nvo_scenario_cfg_destroy(cfg);
        nvo_test_rmdir(dir);
    }
    ck_assert_msg(error, "%s: accepted", sets[0]);
    ck_assert_msg(strstr(error->message, want), "\"%s\" not in: %s", want,
                  error->message);
    g_error_free(error);
}

START_TEST(bad_input)
{
    /* A value from the file is reported at its line, one from --set at
     * the --set. */
    const char *const a0[] = { "overlay.encap=vxlan" };
    expect_error("scenarios/overlay-vpls.xml", a0, 1, "overlay-vpls.xml:29: "
                 "<overlay control=\"vpls-ldp\">: \"vpls-ldp\" signals MPLS "
                 "pseudowires: use encap=\"mpls-gre\", \"mpls-ip\" or "
                 "\"mpls-udp\" (not \"vxlan\")");
    const char *const a[] = { "overlay.control=vpls-ldp" };
    expect_error("scenarios/overlay-evpn.xml", a, 1, "--set overlay.control="
                 "vpls-ldp: <overlay control=\"vpls-ldp\">: \"vpls-ldp\" "
                 "signals MPLS pseudowires");
    const char *const b[] = { "overlay.bgp.reflectors=spine1 nosuch" };
    expect_error("scenarios/overlay-evpn.xml", b, 1, "unknown node "
                 "\"nosuch\"");
    const char *const c[] = { "overlay.bgp.reflectors=hv1-1" };
    expect_error("scenarios/overlay-evpn.xml", c, 1, "is a hypervisor");
    const char *const d[] = { "overlay.control=bgp" };
    expect_error("scenarios/overlay-evpn.xml", d, 1, "control");
    const char *const e[] = { "overlay.bgp.keepalive=90s" };
    expect_error("scenarios/overlay-evpn.xml", e, 1, "keepalive");
    const char *const f[] = { "overlay.control=evpn", "overlay.vtep=leaf" };
    expect_error("scenarios/overlay-flooding.xml", f, 2, "runs on "
                 "hypervisor PEs");
    const char *const g[] = { "overlay.control=evpn", "overlay.pim=bidir" };
    expect_error("scenarios/overlay-flooding.xml", g, 2, "not with "
                 "pim=\"bidir\"");
    const char *const h[] = { "overlay.ldp.hello=60s" };
    expect_error("scenarios/overlay-vpls.xml", h, 1, "under the hold time");
    /* A move to a PE that does not host the VM's tenant. */
    const char *const j[] = { "overlay.control=evpn",
                              "overlay.tenants.count=8",
                              "overlay.tenants.vms-per-tenant=1" };
    expect_error("scenarios/overlay-vm-move.xml", j, 3, "moves only to a "
                 "hypervisor that hosts its tenant");
    /* <tcp delack>: at most 500 ms (RFC 1122 4.2.3.2), a time. */
    const char *const k[] = { "overlay.tcp.delack=501ms" };
    expect_error("scenarios/overlay-evpn.xml", k, 1, "--set overlay.tcp."
                 "delack=501ms: <tcp delack=\"501ms\">: tcp delack: expected "
                 "0 to 500 ms (RFC 1122 4.2.3.2)");
    const char *const l[] = { "overlay.tcp.delack=40" };
    expect_error("scenarios/overlay-vpls.xml", l, 1, "<tcp delack=\"40\">: "
                 "bad time");
    const char *const m[] = { "overlay.tcp.delack=-1ms" };
    expect_error("scenarios/overlay-evpn.xml", m, 1, "must not be negative");
}
END_TEST

static Suite *
control_suite(void)
{
    Suite *s = suite_create("control");
    TCase *tc = tcase_create("scenario");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, evpn_one_reflector);
    tcase_add_test(tc, evpn_full_mesh);
    tcase_add_test(tc, evpn_rt_constrain);
    tcase_add_test(tc, evpn_two_reflectors);
    tcase_add_test(tc, vpls_mesh);
    tcase_add_test(tc, vpls_bgp_mesh);
    tcase_add_test(tc, evpn_move_convergence);
    tcase_add_test(tc, evpn_delayed_acks);
    tcase_add_test(tc, evpn_failures);
    tcase_add_test(tc, mrt_files);
    tcase_add_test(tc, bad_input);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return nvo_test_run(control_suite());
}
