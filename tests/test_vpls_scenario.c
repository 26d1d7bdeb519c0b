/* test_vpls_scenario.c: LDP-signalled VPLS as a scenario run builds it
 * (run/sim_ctrl.c, io/config_ctrl.c): the MAC Address Withdraw a VM move
 * sends (<ldp mac-withdraw="list|empty|none">), counted, flushed and
 * timed by hand on a star, and decoded by tshark; and H-VPLS from <ldp
 * hubs> and <spoke> (sessions, Label Mappings, pseudowires, BUM copies
 * from a spoke and from a hub, the withdraw a hub relays), against the
 * theory; configuration errors at their file and line. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "ctrl/ldp_speaker.h"
#include "ctrl/vpls.h"
#include "io/config.h"
#include "overlay/pe_node.h"
#include "run/frame_fate.h"
#include "run/sim.h"
#include "run/sim_ctrl.h"
#include "run/sim_overlay.h"
#include "wire/ldp.h"
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
    nvo_test_scenario(path, sets, n_sets, "vpls-scen", true, &r->cfg, &r->sim,
                      &r->dir);
    nvo_sim_ctrl_totals(r->sim->ctrl, &r->t);
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

/* The VPLS, speaker and PE of the hypervisor named 'name'. */
static uint32_t
pe_ix(const struct run *r, const char *name)
{
    struct nvo_sim_overlay *o = r->sim->overlay;
    for (uint32_t h = 0; h < o->n_pes; h++) {
        if (!strcmp(nvo_pe_node_base(o->pes[h])->name, name)) {
            return h;
        }
    }
    ck_abort_msg("no PE %s", name);
    return 0;
}

static const struct nvo_vpls_counters *
vc(const struct run *r, const char *name)
{
    return nvo_vpls_counters(nvo_sim_ctrl_vpls(r->sim->ctrl, pe_ix(r, name)));
}

static const struct nvo_ldp_counters *
lc(const struct run *r, const char *name)
{
    return nvo_ldp_speaker_counters(nvo_sim_ctrl_ldp(r->sim->ctrl,
                                                     pe_ix(r, name)));
}

static nvo_time_t
move_convergence(const struct run *r, uint32_t want_move)
{
    for (uint32_t i = 0; i < nvo_sim_ctrl_n_events(r->sim->ctrl); i++) {
        const char *kind;
        uint32_t idx;
        nvo_time_t at, last;
        nvo_sim_ctrl_event(r->sim->ctrl, i, &kind, &idx, &at, &last);
        if (!strcmp(kind, "move") && idx == want_move) {
            return last < 0 ? -1 : last - at;
        }
    }
    ck_abort_msg("no move %u", want_move);
    return -1;
}

static uint64_t
vm_mac(const struct run *r, uint32_t k)
{
    uint64_t mac = 0;
    for (int i = 0; i < 6; i++) {
        mac = mac << 8 | r->sim->overlay->vms[k].mac[i];
    }
    return mac;
}

/* Where PE 'name' has VM k's MAC of VNI 'vni': its node index, or -1
 * (no entry), -2 (a local entry). */
static int64_t
mac_at(const struct run *r, const char *name, uint32_t vni, uint32_t k)
{
    struct nvo_pe_node *pe = r->sim->overlay->pes[pe_ix(r, name)];
    const struct nvo_mac_entry *e = nvo_mac_table_lookup(
        nvo_pe_node_mac_table(pe), vni, vm_mac(r, k),
        nvo_engine_now(r->sim->engine));
    if (!e) {
        return -1;
    }
    return e->flags & NVO_MAC_REMOTE ? (int64_t) e->loc : -2;
}

static uint32_t
node_of(const struct run *r, const char *name)
{
    return nvo_pe_node_index(r->sim->overlay->pes[pe_ix(r, name)]);
}

/* ---- MAC withdraw on a move, on a star ---------------------------------- */

static char *star_dir, *star_scen;

/* spine1 and three leaves with one hypervisor each (hv1-1, hv2-1,
 * hv3-1); access links 10 Gb/s, fabric 40 Gb/s, 500 ns each, 24 bytes of
 * framing.  One tenant (VNI 5000) of 3 VMs: VM k on hv(k+1)-1, MPLS over
 * GRE, VPLS-LDP (a full mesh of 3 PEs, default timers).  VM 0 and VM 2
 * announce themselves where they are (a <move> to their own hypervisor:
 * a RARP, no move) at 0.5 and 0.6 ms, so every PE knows them; at 1 ms VM
 * 0 moves to hv2-1 (move 2). */
static void
star_setup(void)
{
    star_dir = nvo_test_tmpdir("vpls-star");
    char *topo = g_build_filename(star_dir, "star.xml", NULL);
    star_scen = g_build_filename(star_dir, "move.xml", NULL);
    ck_assert(g_file_set_contents(topo,
        "<?xml version=\"1.0\"?>\n<topology name=\"star\">\n"
        "  <defaults>\n"
        "    <fabric rate=\"40Gbps\" delay=\"500ns\" mtu=\"9000\"/>\n"
        "    <access rate=\"10Gbps\" delay=\"500ns\" mtu=\"9000\"/>\n"
        "  </defaults>\n"
        "  <leaf-spine spines=\"1\" leaves=\"3\" hypervisors-per-leaf=\"1\"/>\n"
        "</topology>\n", -1, NULL));
    ck_assert(g_file_set_contents(star_scen,
        "<?xml version=\"1.0\"?>\n<scenario name=\"vpls-move\">\n"
        "  <topology file=\"star.xml\"/>\n"
        "  <run duration=\"2ms\" seed=\"1\" run=\"1\"/>\n"
        "  <underlay ip=\"ipv4\"/>\n"
        "  <overlay encap=\"mpls-gre\" control=\"vpls-ldp\">\n"
        "    <tenants count=\"1\" vms-per-tenant=\"3\" first-vni=\"5000\"\n"
        "             placement=\"round-robin\"/>\n"
        "    <move vm=\"0\" to=\"hv1-1\" at=\"500us\"/>\n"
        "    <move vm=\"2\" to=\"hv3-1\" at=\"600us\"/>\n"
        "    <move vm=\"0\" to=\"hv2-1\" at=\"1ms\"/>\n"
        "    <ldp/>\n"
        "  </overlay>\n"
        "  <output>\n"
        "    <pcap node=\"hv3-1\"/>\n"
        "  </output>\n"
        "</scenario>\n", -1, NULL));
    g_free(topo);
}

static void
star_teardown(void)
{
    nvo_test_rmdir(star_dir);
    g_free(star_scen);
}

/* At 1 ms hv2-1 adds VM 0 and sends an Address Withdraw for VSI 5000 to
 * each of its n - 1 = 2 peers (with the list: VM 0's MAC, a 34-byte
 * message, 28 + 6; empty: 28), then floods the VM's RARP to hv1-1 and
 * hv3-1 (ingress replication, in node order).  On hv2-1's uplink (10
 * Gb/s): the first RARP copy (84 bytes: outer Ethernet 14, IPv4 20, GRE
 * 4, label 4, the 42-byte RARP; + 24 of framing: 86.4 ns) is on the wire
 * when the withdraws are handed to TCP at the end of the event (packed:
 * one PDU per session, 10 + 34 = 44 bytes, in a 98-byte segment with
 * Ethernet, IPv4 and a 20-byte TCP header: (98 + 24) x 0.8 = 97.6 ns);
 * the control queue goes first (strict priority), so the two segments
 * leave at 86.4 -> 184.0 and 184.0 -> 281.6 ns, the second RARP copy
 * after them.  The later segment then crosses leaf2 -> spine1 -> leaf ->
 * hv at 40, 40, 10 Gb/s: 500 + 24.4 + 500 + 24.4 + 500 + 97.6 + 500, so
 * it arrives at 281.6 + 2146.4 = 2428.0 ns (the same path length to
 * either receiver): the move converges 2428.0 ns after it (the empty
 * list: 6 bytes less, 4.8 ns on each access link and 1.2 on each fabric
 * one, twice over for the later segment's start: 2428.0 - 4.8 - (4.8 +
 * 1.2 + 1.2 + 4.8) = 2411.2 ns).  With a 10 us processing delay at every
 * speaker: + 10,000 ns.
 * What is flushed: hv1-1 learned VM 0 at hv2-1 from the first RARP copy
 * (2216 ns) before the withdraw (2330.4 ns): an entry at the sender is
 * kept (both forms); it knows VM 2 at hv3-1, which only the empty list
 * flushes.  hv3-1's withdraw comes before its RARP copy (which left
 * behind both segments): its stale VM 0 at hv1-1 goes (both forms); it
 * has nothing at hv2-1 to keep.  So list: 0 + 1, empty: 1 + 1.  With
 * the processing delay the RARP, 86.4 ns behind, is learned 10 us before
 * the withdraw is processed: hv3-1 then has VM 0 at the sender and keeps
 * it (list: 0 + 0, empty: 1 + 0).  In the end every PE has VM 0 at
 * hv2-1 (hv1-1 and hv3-1 from the RARP).  With
 * mac-withdraw="none": no withdraw, no label message after the move,
 * no convergence time (the RARP alone moves the MAC). */
START_TEST(move_withdraw_star)
{
    static const char *const modes[3] = { "list", "empty", "none" };
    for (int m = 0; m < 3; m++) {
        for (int delayed = 0; delayed < 2; delayed++) {
            if (m == 2 && delayed) {
                continue;
            }
            char mw[64];
            snprintf(mw, sizeof mw, "overlay.ldp.mac-withdraw=%s", modes[m]);
            const char *const sets[] = { mw, "overlay.ldp.proc-delay=10us" };
            struct run r;
            run_file(&r, star_scen, sets, delayed ? 2 : 1);
            uint64_t sent = 0, rcvd = 0, sent_msgs = 0, bytes = 0;
            for (uint32_t i = 0; i < 3; i++) {
                const struct nvo_vpls_counters *v = nvo_vpls_counters(
                    nvo_sim_ctrl_vpls(r.sim->ctrl, i));
                sent += v->mac_withdraws_sent;
                rcvd += v->mac_withdraws_rcvd;
                ck_assert_uint_eq(v->mac_withdraws_relayed, 0);
                const struct nvo_ldp_counters *k = nvo_ldp_speaker_counters(
                    nvo_sim_ctrl_ldp(r.sim->ctrl, i));
                sent_msgs += k->msgs_out[NVO_LDP_K_ADDRESS_WITHDRAW];
                bytes += k->msg_bytes_out[NVO_LDP_K_ADDRESS_WITHDRAW];
            }
            ck_assert_uint_eq(sent, m == 2 ? 0 : 2);
            ck_assert_uint_eq(sent_msgs, sent);
            ck_assert_uint_eq(rcvd, sent);
            ck_assert_uint_eq(vc(&r, "hv2-1")->mac_withdraws_sent,
                              m == 2 ? 0 : 2);
            ck_assert_uint_eq(vc(&r, "hv1-1")->mac_withdraws_rcvd,
                              m == 2 ? 0 : 1);
            ck_assert_uint_eq(vc(&r, "hv3-1")->mac_withdraws_rcvd,
                              m == 2 ? 0 : 1);
            ck_assert_uint_eq(bytes, m == 0 ? 2 * 34 : m == 1 ? 2 * 28 : 0);
            ck_assert_uint_eq(vc(&r, "hv1-1")->macs_flushed, m == 1 ? 1 : 0);
            ck_assert_uint_eq(vc(&r, "hv3-1")->macs_flushed,
                              m == 2 || delayed ? 0 : 1);
            ck_assert_uint_eq(vc(&r, "hv2-1")->macs_flushed, 0);
            nvo_time_t want = m == 0 ? 24280 * NVO_NS / 10
                            : m == 1 ? 24112 * NVO_NS / 10 : -1;
            if (delayed) {
                want += 10 * NVO_US;
            }
            ck_assert_int_eq(move_convergence(&r, 2), want);
            /* The announcements alone change nothing in the control
             * plane. */
            ck_assert_int_eq(move_convergence(&r, 0), -1);
            ck_assert_int_eq(move_convergence(&r, 1), -1);
            uint32_t hv21 = node_of(&r, "hv2-1");
            ck_assert_int_eq(mac_at(&r, "hv1-1", 5000, 0), hv21);
            ck_assert_int_eq(mac_at(&r, "hv3-1", 5000, 0), hv21);
            ck_assert_int_eq(mac_at(&r, "hv2-1", 5000, 0), -2);
            ck_assert_int_eq(mac_at(&r, "hv1-1", 5000, 2),
                             m == 1 ? -1 : (int64_t) node_of(&r, "hv3-1"));
            run_free(&r);
        }
    }
}
END_TEST

/* tshark on hv3-1's port (the <pcap> of the star): the Address Withdraw
 * hv2-1 sent on the move, message type 0x0301, FEC 128 with PW ID 5000
 * and the MAC TLV with VM 0's MAC; with the empty list the same message
 * with no MAC; no malformed frame, no expert error. */
START_TEST(move_withdraw_tshark)
{
    FILE *f = popen("tshark -v 2>/dev/null", "r");
    char buf[4096];
    bool ok = f && fgets(buf, sizeof buf, f) && strstr(buf, "TShark");
    if (f) {
        pclose(f);
    }
    ck_assert_msg(ok, "tshark is required (apt-get install tshark)");
    for (int empty = 0; empty < 2; empty++) {
        const char *const sets[] = { empty ? "overlay.ldp.mac-withdraw=empty"
                                           : "overlay.ldp.mac-withdraw=list" };
        struct run r;
        run_file(&r, star_scen, sets, 1);
        char *pcap = g_build_filename(r.dir, "hv3-1-1.pcap", NULL);
        ck_assert_msg(g_file_test(pcap, G_FILE_TEST_IS_REGULAR), "%s", pcap);
        char cmd[8192];
        snprintf(cmd, sizeof cmd, "tshark -r '%s' -Y 'ldp.msg.type == "
                 "0x0301' -T fields -E occurrence=a -e ldp.msg.type "
                 "-e ldp.msg.tlv.fec.pw.pwid -e ldp.msg.tlv.mac "
                 "2>/dev/null", pcap);
        f = popen(cmd, "r");
        ck_assert_ptr_nonnull(f);
        int n = 0;
        char want[128];
        const uint8_t *m = r.sim->overlay->vms[0].mac;
        snprintf(want, sizeof want, "0x0301\t5000\t%s%02x:%02x:%02x:%02x:"
                 "%02x:%02x", "", m[0], m[1], m[2], m[3], m[4], m[5]);
        if (empty) {
            snprintf(want, sizeof want, "0x0301\t5000\t");
        }
        while (fgets(buf, sizeof buf, f)) {
            buf[strcspn(buf, "\n")] = '\0';
            ck_assert_msg(!strcmp(buf, want), "tshark: \"%s\", want \"%s\"",
                          buf, want);
            n++;
        }
        ck_assert_int_eq(pclose(f), 0);
        ck_assert_int_eq(n, 1);
        snprintf(cmd, sizeof cmd, "tshark -r '%s' -Y '_ws.malformed || "
                 "_ws.expert.severity >= error' -T fields -e frame.number "
                 "2>/dev/null | wc -l", pcap);
        f = popen(cmd, "r");
        ck_assert_ptr_nonnull(f);
        ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
        ck_assert_int_eq(pclose(f), 0);
        ck_assert_int_eq(atoi(buf), 0);
        g_free(pcap);
        run_free(&r);
    }
}
END_TEST

/* ---- H-VPLS from a scenario ---------------------------------------------- */

/* The small leaf-spine's 8 hypervisors (hv1-1, hv1-2 on leaf1, ...,
 * hv4-2), 2 tenants of 8 VMs round-robin: VM t*8 + j on the j-th
 * hypervisor, every tenant on every PE.  Hubs hv1-1 and hv3-1 (h = 2);
 * hv4-2 a spoke of hv1-1 by its <spoke>; the other 5 in node order take
 * the hubs in turn: hv1-2 -> hv1-1, hv2-1 -> hv3-1, hv2-2 -> hv1-1,
 * hv3-2 -> hv3-1, hv4-1 -> hv1-1.  So hv1-1 has 4 spokes (hv1-2, hv2-2,
 * hv4-1, hv4-2) and hv3-1 2 (hv2-1, hv3-2): s = 6.  Announcements: VM
 * 0 (tenant 0, on hub hv1-1) at 0.5 ms, VM 1 (on spoke hv1-2) at 0.6
 * ms; at 1 ms VM 1 moves to hv2-1 (a spoke of the other hub). */
static const char *hvpls_xml =
    "<?xml version=\"1.0\"?>\n<scenario name=\"hvpls\">\n"
    "  <topology file=\"%s\"/>\n"
    "  <run duration=\"2ms\" seed=\"1\" run=\"1\"/>\n"
    "  <underlay ip=\"ipv4\"/>\n"
    "  <overlay encap=\"mpls-gre\" control=\"vpls-ldp\">\n"
    "    <tenants count=\"2\" vms-per-tenant=\"8\" first-vni=\"5000\"\n"
    "             placement=\"round-robin\"/>\n"
    "    <move vm=\"0\" to=\"hv1-1\" at=\"500us\"/>\n"
    "    <move vm=\"1\" to=\"hv1-2\" at=\"600us\"/>\n"
    "    <move vm=\"1\" to=\"hv2-1\" at=\"1ms\"/>\n"
    "    <ldp hubs=\"hv1-1 hv3-1\"%s>\n"
    "      %s\n"
    "    </ldp>\n"
    "  </overlay>\n"
    "</scenario>\n";

static char *
hvpls_file(const char *dir, const char *ldp_attrs, const char *children)
{
    char *path = g_build_filename(dir, "hvpls.xml", NULL);
    char *text = g_strdup_printf(hvpls_xml,
                                 nvo_test_src("topologies/leaf-spine-small.xml"),
                                 ldp_attrs, children);
    ck_assert(g_file_set_contents(path, text, -1, NULL));
    g_free(text);
    return path;
}

/* Theory (h = 2 hubs, s = 6 spokes, V = 2 VSIs each on all 8 PEs):
 *  - LDP sessions h(h-1)/2 + s = 1 + 6 = 7 (a full mesh: 28);
 *  - pseudowires per VSI the same 7, 14 in all; Label Mappings per VSI
 *    h(h-1) + 2s = 2 + 12 = 14, 28 in all (a full mesh: 56 per VSI);
 *  - VM 0's RARP from hub hv1-1: hv1-1 copies it to its 4 spokes and
 *    the other hub (5), hv3-1 (from a mesh pseudowire) to its 2 spokes
 *    only (2); VM 1's from spoke hv1-2: 1 copy to its hub, hv1-1 sends
 *    it on to its 3 other spokes and hv3-1 (4), hv3-1 to its 2 spokes
 *    (2).  Every other PE gets each frame once: n - 1 = 7 copies per
 *    frame, but 5 + 1 (against 7 + 7) made at the sending PEs;
 *  - the move at 1 ms: hv2-1 (a spoke) sends its one Address Withdraw
 *    to hub hv3-1, which relays it on its mesh pseudowire to hv1-1: 2
 *    sent, 1 relayed, 2 received, none flushed with the list (the RARP
 *    went first on the same pseudowires: hv3-1 has VM 1 at hv2-1, hv1-1
 *    at hv3-1, both at the sender); with the empty list hv3-1 flushes
 *    VM 0 (at hv1-1) and hv1-1 nothing (VM 0 is its own, VM 1 at the
 *    sender);
 *  - the move's RARP from spoke hv2-1: 1 copy to hv3-1, which sends it
 *    on to hv3-2 and hv1-1 (from a spoke: every other pseudowire, 2),
 *    and hv1-1 to its 4 spokes (from the mesh, 4).  In all, copies made
 *    (transit: those of frames from a pseudowire): hv1-1 5 + 4 + 4 = 13
 *    (8), hv3-1 2 + 2 + 2 = 6 (6), hv1-2 1, hv2-1 1, the others 0. */
START_TEST(hvpls_scenario)
{
    char *dir = nvo_test_tmpdir("hvpls");
    char *scen = hvpls_file(dir, "", "<spoke pe=\"hv4-2\" hub=\"hv1-1\"/>");
    for (int empty = 0; empty < 2; empty++) {
        const char *const sets[] = { "overlay.ldp.mac-withdraw=empty" };
        struct run r;
        run_file(&r, scen, sets, empty ? 1 : 0);
        ck_assert_uint_eq(r.t.ldp_sessions, 7);
        ck_assert_uint_eq(r.t.pseudowires, 14);
        uint64_t maps = 0;
        for (uint32_t i = 0; i < nvo_sim_ctrl_n_vpls(r.sim->ctrl); i++) {
            maps += nvo_vpls_counters(nvo_sim_ctrl_vpls(r.sim->ctrl, i))
                        ->mappings_sent;
        }
        ck_assert_uint_eq(maps, 28);
        static const char *const hubs[2] = { "hv1-1", "hv3-1" };
        static const char *const spokes1[4] = { "hv1-2", "hv2-2", "hv4-1",
                                                "hv4-2" };
        static const char *const spokes3[2] = { "hv2-1", "hv3-2" };
        ck_assert_uint_eq(nvo_ldp_speaker_n_sessions(
            nvo_sim_ctrl_ldp(r.sim->ctrl, pe_ix(&r, hubs[0]))), 5);
        ck_assert_uint_eq(nvo_ldp_speaker_n_sessions(
            nvo_sim_ctrl_ldp(r.sim->ctrl, pe_ix(&r, hubs[1]))), 3);
        for (int i = 0; i < 4; i++) {
            ck_assert_uint_eq(vc(&r, spokes1[i])->pws_up, 2);
            ck_assert_uint_eq(nvo_vpls_remote_label(
                nvo_sim_ctrl_vpls(r.sim->ctrl, pe_ix(&r, spokes1[i])), 0,
                node_of(&r, "hv1-1")) != 0, 1);
        }
        for (int i = 0; i < 2; i++) {
            ck_assert_uint_eq(vc(&r, spokes3[i])->pws_up, 2);
        }
        /* Spoke pseudowires (results.xml spoke-pseudowires): a hub's to
         * its spokes, a spoke's to its hub, per VSI. */
        ck_assert_uint_eq(nvo_vpls_n_spoke_pws(nvo_sim_ctrl_vpls(
            r.sim->ctrl, pe_ix(&r, "hv1-1"))), 2 * 4);
        ck_assert_uint_eq(nvo_vpls_n_spoke_pws(nvo_sim_ctrl_vpls(
            r.sim->ctrl, pe_ix(&r, "hv3-1"))), 2 * 2);
        ck_assert_uint_eq(nvo_vpls_n_spoke_pws(nvo_sim_ctrl_vpls(
            r.sim->ctrl, pe_ix(&r, "hv4-2"))), 2);
        ck_assert_uint_eq(vc(&r, "hv1-1")->pws_up, 2 * 5);
        ck_assert_uint_eq(vc(&r, "hv3-1")->pws_up, 2 * 3);
        /* BUM copies made per PE (tenant 0) and sent on (transit). */
        struct { const char *pe; uint64_t copies, transit; } want[] = {
            { "hv1-1", 13, 8 }, { "hv3-1", 6, 6 }, { "hv1-2", 1, 0 },
            { "hv2-1", 1, 0 }, { "hv2-2", 0, 0 }, { "hv3-2", 0, 0 },
            { "hv4-1", 0, 0 }, { "hv4-2", 0, 0 },
        };
        for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
            struct nvo_pe_node *pe = r.sim->overlay->pes[pe_ix(&r,
                                                               want[i].pe)];
            uint32_t t;
            ck_assert_int_eq(nvo_pe_node_find_tenant(pe, 5000, &t), 0);
            ck_assert_msg(nvo_pe_node_tenant_counters(pe, t)->bum_copies
                          == want[i].copies, "%s: %" PRIu64 " copies",
                          want[i].pe,
                          nvo_pe_node_tenant_counters(pe, t)->bum_copies);
            ck_assert_uint_eq(nvo_pe_node_pw_counters(pe)->transit,
                              want[i].transit);
        }
        /* The withdraw of the move, relayed by the hub. */
        ck_assert_uint_eq(vc(&r, "hv2-1")->mac_withdraws_sent, 1);
        ck_assert_uint_eq(vc(&r, "hv3-1")->mac_withdraws_rcvd, 1);
        ck_assert_uint_eq(vc(&r, "hv3-1")->mac_withdraws_sent, 1);
        ck_assert_uint_eq(vc(&r, "hv3-1")->mac_withdraws_relayed, 1);
        ck_assert_uint_eq(vc(&r, "hv1-1")->mac_withdraws_rcvd, 1);
        ck_assert_uint_eq(vc(&r, "hv1-1")->mac_withdraws_sent, 0);
        uint64_t sent = 0, flushed = 0;
        for (uint32_t i = 0; i < nvo_sim_ctrl_n_vpls(r.sim->ctrl); i++) {
            const struct nvo_vpls_counters *v =
                nvo_vpls_counters(nvo_sim_ctrl_vpls(r.sim->ctrl, i));
            sent += v->mac_withdraws_sent;
            flushed += v->macs_flushed;
        }
        ck_assert_uint_eq(sent, 2);
        ck_assert_uint_eq(lc(&r, "hv3-1")->msgs_out[
                              NVO_LDP_K_ADDRESS_WITHDRAW], 1);
        ck_assert_uint_eq(vc(&r, "hv3-1")->macs_flushed, empty ? 1 : 0);
        ck_assert_uint_eq(flushed, empty ? 1 : 0);
        ck_assert(move_convergence(&r, 2) > 0);
        ck_assert_int_eq(mac_at(&r, "hv1-1", 5000, 1),
                         node_of(&r, "hv3-1"));
        ck_assert_int_eq(mac_at(&r, "hv3-1", 5000, 1),
                         node_of(&r, "hv2-1"));
        cell_is(&r, "ldp_sessions", "7");
        cell_is(&r, "pseudowires", "14");
        run_free(&r);
    }
    g_free(scen);
    nvo_test_rmdir(dir);
}
END_TEST

/* scenarios/overlay-hvpls.xml: the same 8 PEs and 2 VSIs, hubs hv1-1
 * and hv3-1, the 6 spokes round-robin (hv1-2, hv2-2, hv4-1 of hv1-1;
 * hv2-1, hv3-2, hv4-2 of hv3-1): 7 sessions, 14 pseudowires, 28 Label
 * Mappings; a hub's spoke pseudowires 3 x 2 = 6, a spoke's 2.  The move
 * of VM 1 (hv1-2) to hv2-1 at 10 ms: 1 withdraw from hv2-1, relayed once
 * by hv3-1, received by hv3-1 and hv1-1.  Messages sent: per session a
 * Hello, an Initialization and a KeepAlive each way (6) and 2 Label
 * Mappings each way (4): 7 x 10 = 70, and the 2 Address Withdraws: 72.
 * With hubs="none" the full mesh: 28 sessions, 56 pseudowires, 112
 * mappings, and the move's withdraw goes to all 7 peers. */
START_TEST(hvpls_shipped)
{
    struct run r;
    run_file(&r, nvo_test_src("scenarios/overlay-hvpls.xml"), NULL, 0);
    ck_assert_uint_eq(r.t.ldp_sessions, 7);
    ck_assert_uint_eq(r.t.pseudowires, 14);
    ck_assert_uint_eq(r.t.ldp_messages, 72);
    uint64_t maps = 0;
    for (uint32_t i = 0; i < nvo_sim_ctrl_n_vpls(r.sim->ctrl); i++) {
        const struct nvo_vpls *v = nvo_sim_ctrl_vpls(r.sim->ctrl, i);
        maps += nvo_vpls_counters(v)->mappings_sent;
        const char *name = nvo_pe_node_base(nvo_vpls_pe(
            (struct nvo_vpls *) v))->name;
        bool hub = !strcmp(name, "hv1-1") || !strcmp(name, "hv3-1");
        ck_assert_uint_eq(nvo_vpls_n_spoke_pws(v), hub ? 6 : 2);
    }
    ck_assert_uint_eq(maps, 28);
    ck_assert_uint_eq(vc(&r, "hv2-1")->mac_withdraws_sent, 1);
    ck_assert_uint_eq(vc(&r, "hv3-1")->mac_withdraws_relayed, 1);
    ck_assert_uint_eq(vc(&r, "hv3-1")->mac_withdraws_rcvd, 1);
    ck_assert_uint_eq(vc(&r, "hv1-1")->mac_withdraws_rcvd, 1);
    ck_assert(move_convergence(&r, 0) > 0);
    cell_is(&r, "ldp_sessions", "7");
    cell_is(&r, "pseudowires", "14");
    cell_is(&r, "ldp_messages", "72");
    run_free(&r);

    const char *const mesh[] = { "overlay.ldp.hubs=none" };
    run_file(&r, nvo_test_src("scenarios/overlay-hvpls.xml"), mesh, 1);
    ck_assert_uint_eq(r.t.ldp_sessions, 28);
    ck_assert_uint_eq(r.t.pseudowires, 56);
    maps = 0;
    for (uint32_t i = 0; i < nvo_sim_ctrl_n_vpls(r.sim->ctrl); i++) {
        const struct nvo_vpls *v = nvo_sim_ctrl_vpls(r.sim->ctrl, i);
        maps += nvo_vpls_counters(v)->mappings_sent;
        ck_assert_uint_eq(nvo_vpls_n_spoke_pws(v), 0);
    }
    ck_assert_uint_eq(maps, 112);
    ck_assert_uint_eq(vc(&r, "hv2-1")->mac_withdraws_sent, 7);
    run_free(&r);
}
END_TEST

/* ---- Configuration errors ------------------------------------------------ */

static void
expect_error(const char *path, const char *const *sets, size_t n,
             const char *want)
{
    GError *error = NULL;
    struct nvo_scenario_cfg *cfg = nvo_scenario_load(path, sets, n, &error);
    ck_assert_msg(!cfg, "%s: accepted", want);
    ck_assert_msg(error, "%s: no error", want);
    ck_assert_msg(strstr(error->message, want), "\"%s\" not in: %s", want,
                  error->message);
    g_error_free(error);
}

/* Frame fates under H-VPLS (run/frame_fate.c): the shipped scenario
 * drains (no frame is left in the network at the end) and drops nothing,
 * so every flow frame of every event has exactly one end: delivered,
 * misdelivered, lost or flooded (by the ingress PE, or by a hub that did
 * not know the destination: the frame ends there, its copies are BUM).
 * A hub forwarding a flood's copy as a known unicast keeps it a copy (it
 * is not counted again as delivered).  With the empty MAC list the move
 * flushes the hubs' tables, so hubs flood transit unicast; with the full
 * mesh nothing transits.  'Unwanted' BUM deliveries: a hub that carries a
 * tenant only to relay it between pseudowires does not count them, so
 * the count is the full mesh's. */
static void
fates_exact(const struct run *r)
{
    for (uint32_t i = 0; i < nvo_sim_ctrl_n_events(r->sim->ctrl); i++) {
        const struct nvo_frame_fate_counts *k =
            nvo_frame_fate_event(r->sim->fate, i);
        uint64_t ended = k->delivered + k->misdelivered
                         + nvo_frame_fate_lost(k) + k->flooded;
        ck_assert_uint_eq(ended, k->sent);
        ck_assert_uint_eq(nvo_frame_fate_lost(k), 0);
    }
}

static uint64_t
unwanted(const struct run *r)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < nvo_net_n_nodes(r->sim->net); i++) {
        struct nvo_pe_node *pe =
            nvo_pe_node_of((struct nvo_node *) nvo_net_node(r->sim->net, i));
        if (pe) {
            n += nvo_pe_node_counters(pe)->unwanted;
        }
    }
    return n;
}

START_TEST(hvpls_fates)
{
    /* The last: 2 tenants of 3 VMs, so that a hub carries a tenant it
     * hosts no VM of (to relay it for its spokes). */
    static const char *const sets[][3] = {
        { NULL },
        { "overlay.ldp.mac-withdraw=empty" },
        { "overlay.ldp.hubs=none" },
        { "overlay.tenants.vms-per-tenant=3", "overlay.tenants.count=2" },
    };
    const char *path = nvo_test_src("scenarios/overlay-hvpls.xml");
    uint64_t flooded[4];
    for (int c = 0; c < 4; c++) {
        struct run r;
        size_t n = 0;
        while (n < 3 && sets[c][n]) {
            n++;
        }
        run_file(&r, path, sets[c], n);
        ck_assert_uint_eq(nvo_sim_ctrl_n_events(r.sim->ctrl), 2);
        fates_exact(&r);
        const struct nvo_frame_fate_counts *m =
            nvo_frame_fate_event(r.sim->fate, 1);
        flooded[c] = m->flooded;
        ck_assert_uint_gt(m->sent, 0);
        ck_assert_uint_eq(unwanted(&r), 0);
        run_free(&r);
    }
    /* The empty list flushes more: more frames flooded after the move. */
    ck_assert_uint_gt(flooded[1], flooded[0]);
}
END_TEST

START_TEST(hvpls_bad_input)
{
    char *dir = nvo_test_tmpdir("hvpls-bad");
    struct { const char *attrs, *children, *want; } cases[] = {
        { "", "<spoke pe=\"hv4-2\" hub=\"hv2-1\"/>",
          "hvpls.xml:13: <spoke hub=\"hv2-1\">: \"hv2-1\" is not one of "
          "<ldp hubs>" },
        { "", "<spoke pe=\"hv1-1\" hub=\"hv3-1\"/>",
          "hvpls.xml:13: <spoke pe=\"hv1-1\">: \"hv1-1\" is a hub, not a "
          "spoke" },
        { "", "<spoke pe=\"nosuch\" hub=\"hv3-1\"/>",
          "hvpls.xml:13: <spoke pe=\"nosuch\">: unknown node \"nosuch\"" },
        { "", "<spoke pe=\"leaf1\" hub=\"hv3-1\"/>",
          "hvpls.xml:13: <spoke pe=\"leaf1\">: \"leaf1\" is not a "
          "hypervisor" },
        { "", "<spoke pe=\"hv4-2\" hub=\"hv1-1\"/><spoke pe=\"hv4-2\" "
          "hub=\"hv3-1\"/>", "\"hv4-2\" has a <spoke> already (line 13)" },
        { " mac-withdraw=\"all\"", "", "hvpls.xml:12" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *scen = hvpls_file(dir, cases[i].attrs, cases[i].children);
        expect_error(scen, NULL, 0, cases[i].want);
        g_free(scen);
    }
    char *scen = hvpls_file(dir, "", "");
    const char *const a[] = { "overlay.ldp.hubs=hv1-1 spine1" };
    expect_error(scen, a, 1, "--set overlay.ldp.hubs=hv1-1 spine1: <ldp "
                 "hubs=\"hv1-1 spine1\">: \"spine1\" is not a hypervisor");
    const char *const b[] = { "overlay.ldp.hubs=hv1-1 hv1-1" };
    expect_error(scen, b, 1, "\"hv1-1\" is named twice");
    const char *const c[] = { "overlay.ldp.hubs= " };
    expect_error(scen, c, 1, "no hub named");
    g_free(scen);
    scen = hvpls_file(dir, "", "<spoke pe=\"hv4-2\" hub=\"hv1-1\"/>");
    const char *const e[] = { "overlay.ldp.hubs=none" };
    expect_error(scen, e, 1, "hvpls.xml:13: <spoke> needs <ldp "
                 "hubs=\"PE ...\"> (H-VPLS)");
    g_free(scen);
    nvo_test_rmdir(dir);
}
END_TEST

static Suite *
vpls_scenario_suite(void)
{
    Suite *s = suite_create("vpls_scenario");
    TCase *tc = tcase_create("move");
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, star_setup, star_teardown);
    tcase_add_test(tc, move_withdraw_star);
    tcase_add_test(tc, move_withdraw_tshark);
    suite_add_tcase(s, tc);
    TCase *th = tcase_create("hvpls");
    tcase_set_timeout(th, 120);
    tcase_add_test(th, hvpls_scenario);
    tcase_add_test(th, hvpls_shipped);
    tcase_add_test(th, hvpls_fates);
    tcase_add_test(th, hvpls_bad_input);
    suite_add_tcase(s, th);
    return s;
}

int
main(void)
{
    return nvo_test_run(vpls_scenario_suite());
}
