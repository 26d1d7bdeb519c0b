/* test_overlay.c: the overlay from a scenario file (<overlay>, run/
 * sim_overlay.c, traffic.c's VM mode): the shipped overlay-encap scenario
 * against ingress-replication theory (copies, drops, link bytes, overhead,
 * exact), all-pes flood lists and their unwanted deliveries, NVGRE on one
 * spine per PE pair where VXLAN uses both, VM placement counts for
 * 100,000 VMs and its determinism, and the semantic checks with file:line
 * errors. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/config.h"
#include "run/sim.h"
#include "run/sim_overlay.h"
#include "testutil.h"

/* The shipped overlay-encap scenario with 'sets', built (and with 'run'
 * run to the end) by nvo_test_scenario(). */
static void
scenario(const char *const *sets, size_t n_sets, bool run,
         struct nvo_scenario_cfg **cfg, struct nvo_sim **sim, char **dir)
{
    nvo_test_scenario(nvo_test_src("scenarios/overlay-encap.xml"), sets,
                      n_sets, "overlay", run, cfg, sim, dir);
}

/* The inner frame: 14 + 1028; VXLAN over IPv4 adds 50; links frame 24. */
#define INNER 1042u
#define VXLAN_OUTER (INNER + 50u)
#define FRAMING 24u

START_TEST(ingress_replication_theory)
{
    struct nvo_scenario_cfg *cfg;
    struct nvo_sim *sim;
    char *dir;
    scenario(NULL, 0, true, &cfg, &sim, &dir);
    struct nvo_sim_overlay *o = sim->overlay;
    ck_assert_ptr_nonnull(o);
    ck_assert_uint_eq(o->n_pes, 8);
    ck_assert_uint_eq(o->n_vms, 64);
    struct nvo_sim_overlay_totals t;
    nvo_sim_overlay_totals(o, &t);
    const struct nvo_pe_node_counters *c = &t.c;
    uint64_t floods = c->bum[NVO_BUM_UNKNOWN];
    ck_assert_uint_gt(floods, 0);
    ck_assert_uint_eq(c->bum[NVO_BUM_BROADCAST], 0);
    ck_assert_uint_eq(c->bum[NVO_BUM_MULTICAST], 0);
    /* Every VM frame is local, remote or flooded. */
    ck_assert_uint_eq(c->vm_frames,
                      c->local_unicast + c->remote_unicast + floods);
    /* Round-robin: each tenant on all 8 PEs, 4 VMs on each: a flood is 7
     * copies to PEs and 3 to local VMs; exactly one of those 10 is the
     * destination, 9 are dropped (no such VM). */
    for (uint32_t tn = 0; tn < 2; tn++) {
        ck_assert_uint_eq(o->tenant_n_pes[tn], 8);
    }
    ck_assert_uint_eq(c->bum_copies, floods * 7);
    ck_assert_uint_eq(c->bum_local_copies, floods * 3);
    ck_assert_uint_eq(c->drops[NVO_PE_DROP_NO_VM], floods * 9);
    ck_assert_uint_eq(c->unwanted, 0);
    /* Each copy crosses 2 links to the PE on the same leaf, 4 to the 6
     * others; every frame is the same size. */
    ck_assert_uint_eq(o->bum_link_frames, floods * (1 * 2 + 6 * 4));
    ck_assert_uint_eq(o->bum_link_bytes,
                      floods * 26 * (VXLAN_OUTER + FRAMING));
    /* Overhead: 50 bytes per underlay frame. */
    ck_assert_uint_eq(c->bytes_out - c->encap_bytes, c->frames_out * 50);
    ck_assert_uint_eq(c->frames_out, c->remote_unicast + c->bum_copies);
    /* Drained: every flow completed, each 100 frames, each delivered
     * once. */
    struct nvo_traffic_stats ts;
    nvo_traffic_get_stats(sim->traffic, &ts);
    ck_assert_uint_gt(ts.flows_started, 0);
    ck_assert_uint_eq(ts.flows_completed, ts.flows_started);
    ck_assert_uint_eq(c->vm_frames, ts.flows_started * 100);
    ck_assert_uint_eq(c->delivered, c->vm_frames);
    ck_assert_uint_eq(ts.pkts_delivered, c->vm_frames);
    ck_assert_uint_eq(ts.payload_delivered, ts.flows_started * 100000);
    /* Conservation counts the replicas: what the PEs sent is the whole
     * generated count. */
    ck_assert_uint_eq(sim->generated, c->frames_out);
    ck_assert_uint_eq(sim->delivered, sim->generated);
    /* A PE's table holds at most the 64 VMs. */
    ck_assert_uint_le(t.mac_entries_max, 64);
    ck_assert_uint_ge(t.mac_entries_max, 8);
    /* summary.csv: the overlay cells are there. */
    char *path = g_build_filename(dir, "summary.csv", NULL);
    char *csv;
    ck_assert(g_file_get_contents(path, &csv, NULL, NULL));
    char line[64];
    snprintf(line, sizeof line, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",",
             floods, floods * 7, o->bum_link_bytes);
    ck_assert_msg(strstr(csv, line), "%s not in %s", line, csv);
    g_free(csv);
    g_free(path);
    nvo_test_scenario_free(cfg, sim, dir);
}
END_TEST

START_TEST(all_pes_flood_list)
{
    /* 8 tenants of 2 VMs: tenant t on the PEs 2t and 2t+1 (one leaf).
     * vni-pes: 1 copy per flood; all-pes: 7, 6 of them unwanted. */
    static const char *const vni[] = {
        "overlay.tenants.count=8", "overlay.tenants.vms-per-tenant=2",
    };
    static const char *const all[] = {
        "overlay.tenants.count=8", "overlay.tenants.vms-per-tenant=2",
        "overlay.flood-list=all-pes",
    };
    for (int k = 0; k < 2; k++) {
        struct nvo_scenario_cfg *cfg;
        struct nvo_sim *sim;
        char *dir;
        scenario(k ? all : vni, k ? 3 : 2, true, &cfg, &sim, &dir);
        struct nvo_sim_overlay_totals t;
        nvo_sim_overlay_totals(sim->overlay, &t);
        uint64_t floods = t.c.bum[NVO_BUM_UNKNOWN];
        ck_assert_uint_gt(floods, 0);
        ck_assert_uint_eq(sim->overlay->tenant_n_pes[3], 2);
        ck_assert_uint_eq(t.c.bum_copies, floods * (k ? 7 : 1));
        ck_assert_uint_eq(t.c.unwanted, k ? floods * 6 : 0);
        ck_assert_uint_eq(t.c.drops[NVO_PE_DROP_NO_TENANT], k ? floods * 6
                                                              : 0);
        /* Same leaf: 2 links per wanted copy, 4 per unwanted one. */
        ck_assert_uint_eq(sim->overlay->bum_link_frames,
                          floods * (2 + (k ? 6 * 4 : 0)));
        /* Each VM's one peer is on the other PE: no local unicast. */
        ck_assert_uint_eq(t.c.local_unicast, 0);
        nvo_test_scenario_free(cfg, sim, dir);
    }
}
END_TEST

START_TEST(flood_and_learn_reference)
{
    /* One-packet flows far apart in time: each frame is delivered (and
     * learned from) before the next starts, so a reference model of
     * flood-and-learn replayed over the flows in order predicts every
     * flood: X's frame to Y floods iff X's PE has not yet learned Y (from
     * a flood of Y's, a frame of Y's unicast to it, or Y being local and
     * having sent); a flood teaches every PE of the tenant X's MAC, a
     * unicast only Y's PE. */
    static const char *const sets[] = {
        "run.duration=5s", "overlay.tenants.vms-per-tenant=8",
        "traffic.flows.size.fixed=1", "traffic.flows.arrival.rate=2",
    };
    struct nvo_scenario_cfg *cfg;
    struct nvo_sim *sim;
    char *dir;
    scenario(sets, 4, true, &cfg, &sim, &dir);
    struct nvo_sim_overlay *o = sim->overlay;
    ck_assert_uint_eq(o->n_vms, 16);
    /* known[pe position][vm] */
    bool known[8][16];
    memset(known, 0, sizeof known);
    uint64_t floods = 0, n = 0;
    uint32_t src, dst;
    nvo_time_t start, prev = 0;
    for (; nvo_traffic_flow(sim->traffic, n, &src, &dst, &start); n++) {
        ck_assert_msg(n == 0 || start - prev > 50 * NVO_US,
                      "flows %" PRIu64 " and %" PRIu64 " overlap", n - 1, n);
        prev = start;
        ck_assert_uint_eq(o->vms[src].group, o->vms[dst].group);
        uint32_t sp = o->vms[src].node, dp = o->vms[dst].node;
        /* PE positions: node order; the 8 hypervisors. */
        uint32_t s_i = 0, d_i = 0;
        for (uint32_t i = 0; i < o->n_pes; i++) {
            s_i = nvo_pe_node_index(o->pes[i]) == sp ? i : s_i;
            d_i = nvo_pe_node_index(o->pes[i]) == dp ? i : d_i;
        }
        known[s_i][src] = true;
        if (!known[s_i][dst]) {
            floods++;
            for (uint32_t i = 0; i < o->n_pes; i++) {
                known[i][src] = true;   /* the tenant is on every PE */
            }
        } else {
            known[d_i][src] = true;
        }
    }
    ck_assert_uint_gt(n, 100);
    struct nvo_sim_overlay_totals t;
    nvo_sim_overlay_totals(o, &t);
    ck_assert_uint_eq(t.c.vm_frames, n);
    ck_assert_uint_eq(t.c.bum[NVO_BUM_UNKNOWN], floods);
    ck_assert_uint_eq(t.c.bum_copies, floods * 7);
    ck_assert_uint_lt(floods, n);
    nvo_test_scenario_free(cfg, sim, dir);
}
END_TEST

/* Spines each (outer source, outer destination) pair was sent to, seen
 * on the leaves' uplinks. */
struct spines {
    GHashTable *pairs;          /* "src>dst" -> bit mask of spines */
    struct nvo_net *net;
};

static void
uplink_tap(void *ctx, enum nvo_tap_event ev, nvo_time_t now,
           const struct nvo_port *port, const struct nvo_pkt *p,
           const char *reason)
{
    struct spines *s = ctx;
    (void) ev;
    (void) now;
    (void) reason;
    ck_assert(p->l3_ofs != NVO_PKT_OFS_NONE);
    const uint8_t *ip = nvo_pkt_at(p, p->l3_ofs);
    uint32_t src = (uint32_t) ip[12] << 24 | (uint32_t) ip[13] << 16
                   | (uint32_t) ip[14] << 8 | ip[15];
    uint32_t dst = (uint32_t) ip[16] << 24 | (uint32_t) ip[17] << 16
                   | (uint32_t) ip[18] << 8 | ip[19];
    uintptr_t key = (uintptr_t) src << 32 | dst;
    uint32_t spine = port->link->a == port ? port->link->b->node->index
                                           : port->link->a->node->index;
    gpointer old = g_hash_table_lookup(s->pairs, (gpointer) key);
    uintptr_t mask = GPOINTER_TO_UINT(old) | (1u << (spine % 31));
    g_hash_table_insert(s->pairs, (gpointer) key, GUINT_TO_POINTER(mask));
}

/* Runs overlay-encap with 'encap'; returns the pairs seen on 2 spines and
 * sets *n_pairs. */
static unsigned
spines_per_pair(const char *encap, unsigned *n_pairs)
{
    char set[64];
    snprintf(set, sizeof set, "overlay.encap=%s", encap);
    const char *const sets[] = { set };
    struct nvo_scenario_cfg *cfg;
    struct nvo_sim *sim;
    char *dir;
    scenario(sets, 1, false, &cfg, &sim, &dir);
    struct spines s = { g_hash_table_new(NULL, NULL), sim->net };
    for (uint32_t i = 0; i < nvo_net_n_nodes(sim->net); i++) {
        struct nvo_node *n = nvo_net_node(sim->net, i);
        if (n->role != NVO_ROLE_LEAF) {
            continue;
        }
        for (uint32_t p = 0; p < n->n_ports; p++) {
            if (nvo_net_node(sim->net, n->peer[p])->role == NVO_ROLE_SPINE) {
                nvo_port_add_tap(&n->ports[p], uplink_tap, &s,
                                 NVO_TAP_MASK_SEND);
            }
        }
    }
    nvo_test_sim_finish(sim);
    GHashTableIter it;
    gpointer k, v;
    unsigned two = 0;
    g_hash_table_iter_init(&it, s.pairs);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        two += __builtin_popcount(GPOINTER_TO_UINT(v)) >= 2;
    }
    *n_pairs = g_hash_table_size(s.pairs);
    g_hash_table_destroy(s.pairs);
    nvo_test_scenario_free(cfg, sim, dir);
    return two;
}

START_TEST(nvgre_one_spine_per_pe_pair)
{
    unsigned pairs;
    /* NVGRE: no ports in the outer header, the 5-tuple hash sees only the
     * PE addresses: every pair on one spine. */
    ck_assert_uint_eq(spines_per_pair("nvgre", &pairs), 0);
    /* 8 PEs, 2 per leaf: 8 * 6 ordered cross-leaf pairs, all talking
     * (floods reach every PE of the tenant). */
    ck_assert_uint_eq(pairs, 48);
    /* VXLAN: the source port's entropy spreads a pair's flows. */
    unsigned two = spines_per_pair("vxlan", &pairs);
    ck_assert_uint_eq(pairs, 48);
    ck_assert_uint_gt(two, 24);
}
END_TEST

START_TEST(hundred_thousand_vms)
{
    static const char *const sets[] = {
        "overlay.tenants.count=1000", "overlay.tenants.vms-per-tenant=100",
        "overlay.tenants.placement=random", "run.duration=1us",
    };
    struct nvo_scenario_cfg *cfg;
    struct nvo_sim *sim;
    char *dir;
    scenario(sets, 4, false, &cfg, &sim, &dir);
    struct nvo_sim_overlay *o = sim->overlay;
    ck_assert_uint_eq(o->n_vms, 100000);
    uint64_t tenants = 0, n_pes = 0;
    for (uint32_t i = 0; i < o->n_pes; i++) {
        tenants += nvo_pe_node_n_tenants(o->pes[i]);
    }
    for (uint32_t t = 0; t < 1000; t++) {
        n_pes += o->tenant_n_pes[t];
        ck_assert_uint_le(o->tenant_n_pes[t], 8);
    }
    ck_assert_uint_eq(tenants, n_pes);
    /* VM 12345: tenant 123, the 46th of it: MAC 00:50:56 + 12345, IP
     * 10.0.0.46. */
    const struct nvo_traffic_vm *v = &o->vms[12345];
    ck_assert_uint_eq(v->group, 123);
    ck_assert_uint_eq(v->ip4, 0x0a00002eu);
    static const uint8_t mac[6] = { 0x00, 0x50, 0x56, 0x00, 0x30, 0x39 };
    ck_assert_mem_eq(v->mac, mac, 6);
    /* The placement is the run's: the same again, another with run=2. */
    uint32_t *nodes = g_new(uint32_t, o->n_vms);
    for (uint32_t i = 0; i < o->n_vms; i++) {
        nodes[i] = o->vms[i].node;
    }
    struct nvo_scenario_cfg *cfg2;
    struct nvo_sim *again;
    char *dir2;
    scenario(sets, 4, false, &cfg2, &again, &dir2);
    uint32_t same = 0;
    for (uint32_t i = 0; i < o->n_vms; i++) {
        same += again->overlay->vms[i].node == nodes[i];
    }
    ck_assert_uint_eq(same, 100000);
    nvo_test_scenario_free(cfg2, again, dir2);
    struct nvo_sim *other;
    scenario((const char *const[]) { sets[0], sets[1], sets[2], "run.run=2" },
             4, false, &cfg2, &other, &dir2);
    same = 0;
    for (uint32_t i = 0; i < o->n_vms; i++) {
        same += other->overlay->vms[i].node == nodes[i];
    }
    ck_assert_uint_lt(same, 100000 / 8 + 1000);    /* about 1/8 by chance */
    nvo_test_scenario_free(cfg2, other, dir2);
    g_free(nodes);
    nvo_test_scenario_free(cfg, sim, dir);
}
END_TEST

static void
expect_error(const char *const *sets, size_t n, const char *want)
{
    GError *error = NULL;
    struct nvo_scenario_cfg *cfg = nvo_scenario_load(
        nvo_test_src("scenarios/overlay-encap.xml"), sets, n, &error);
    ck_assert_msg(!cfg && error, "%s: accepted", sets[n - 1]);
    ck_assert_msg(strstr(error->message, want), "\"%s\" not in: %s", want,
                  error->message);
    g_error_free(error);
}

START_TEST(bad_overlays)
{
    /* In a file: its name and the line of <tenants>. */
    char *dir = nvo_test_tmpdir("overlay-bad");
    char *path = g_build_filename(dir, "s.xml", NULL);
    char *text = g_strdup_printf(
        "<scenario name=\"s\">\n"
        "  <topology file=\"%s\"/>\n"
        "  <overlay encap=\"nvgre\">\n"
        "    <tenants count=\"2\" vms-per-tenant=\"2\" first-vni=\"7\"/>\n"
        "  </overlay>\n"
        "</scenario>\n", nvo_test_src("topologies/leaf-spine-small.xml"));
    ck_assert(g_file_set_contents(path, text, -1, NULL));
    GError *error = NULL;
    ck_assert_ptr_null(nvo_scenario_load(path, NULL, 0, &error));
    char *want = g_strdup_printf("%s:4: <tenants>: VNIs 7..8 are not all "
                                 "ids nvgre carries", path);
    ck_assert_msg(strstr(error->message, want), "%s", error->message);
    g_free(want);
    g_error_free(error);
    remove(path);
    g_free(path);
    g_free(text);
    nvo_test_rmdir(dir);

    /* NVGRE's VSIDs below 0x1000 are reserved: at the <tenants> line. */
    expect_error((const char *const[]) { "overlay.encap=nvgre",
                                         "overlay.tenants.first-vni=5" }, 2,
                 "first-vni");
    expect_error((const char *const[]) { "overlay.encap=nvgre",
                                         "overlay.tenants.first-vni=5" }, 2,
                 "are not all ids nvgre carries");
    /* Over 24 bits. */
    expect_error((const char *const[]) {
                     "overlay.tenants.first-vni=16777215" }, 1,
                 "VNIs 16777215..16777216");
    expect_error((const char *const[]) { "overlay.encap=bogus" }, 1,
                 "encap");
    expect_error((const char *const[]) { "overlay.tenants.count=0" }, 1,
                 "count");
    expect_error((const char *const[]) { "traffic.flows.pattern=incast" }, 1,
                 "incast is not yet supported between VMs");
    expect_error((const char *const[]) {
                     "overlay.tenants.count=65536",
                     "overlay.tenants.vms-per-tenant=257" }, 2,
                 "allow at most 16777216");
    expect_error((const char *const[]) { "overlay.tenants.count=1",
                                         "overlay.tenants.vms-per-tenant=2",
                                         "overlay.flood=flooding" }, 3,
                 "flood");
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("overlay");
    TCase *tc = tcase_create("overlay");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, ingress_replication_theory);
    tcase_add_test(tc, all_pes_flood_list);
    tcase_add_test(tc, flood_and_learn_reference);
    tcase_add_test(tc, nvgre_one_spine_per_pe_pair);
    tcase_add_test(tc, hundred_thousand_vms);
    tcase_add_test(tc, bad_overlays);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
