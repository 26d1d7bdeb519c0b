/* test_tenants.c: tenants by count or explicit (<tenant>, <vm>) and the
 * placement policies (round-robin, random, packed-per-leaf,
 * tenants-per-hypervisor), with the exact hypervisor of every VM as the
 * definitions in docs/scenarios.md give it; explicit tenants that repeat
 * the counted ones place identically; the checks of bad tenants and VMs
 * with their file:line; the PE's (tenant, MAC) index of local VMs; an
 * MPLS tenant's label on the wire, decoded by tshark.
 *
 * Nodes of topologies/leaf-spine-small.xml: spine1-2 (0, 1), leaf1-4
 * (2..5), then hvL-K leaf by leaf: hv1-1 6, hv1-2 7, hv2-1 8, hv2-2 9,
 * hv3-1 10, hv3-2 11, hv4-1 12, hv4-2 13. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/config.h"
#include "overlay/vm_index.h"
#include "run/overlay_place.h"
#include "run/sim.h"
#include "run/sim_overlay.h"
#include "testutil.h"

static char *tmp_dir;

/* Removes directory 'dir' with the files in it, and frees 'dir'. */
/* Writes a scenario with <overlay ATTRS>BODY</overlay> on the small
 * leaf-spine; returns its path (g_free). */
static char *
write_scenario(const char *attrs, const char *body)
{
    if (!tmp_dir) {
        tmp_dir = nvo_test_tmpdir("tenants");
    }
    static int n;
    char *name = g_strdup_printf("s%d.xml", ++n);
    char *path = g_build_filename(tmp_dir, name, NULL);
    char *text = g_strdup_printf(
        "<scenario name=\"s\">\n"
        "  <topology file=\"%s\"/>\n"
        "  <run duration=\"1ms\" drain=\"true\"/>\n"
        "  <overlay %s>\n"
        "%s"
        "  </overlay>\n"
        "  <traffic>\n"
        "    <flows pattern=\"permutation\"><size fixed=\"10000\"/>"
        "<arrival rate=\"2000\"/><packet size=\"1000\"/></flows>\n"
        "  </traffic>\n"
        "</scenario>\n",
        nvo_test_src("topologies/leaf-spine-small.xml"), attrs, body);
    ck_assert(g_file_set_contents(path, text, -1, NULL));
    g_free(text);
    g_free(name);
    return path;
}

/* Loading fails with an error containing "PATH:LINE: want" (line > 0) or
 * "want" (line 0). */
static void
load_fails(const char *path, const char *const *sets, size_t n, int line,
           const char *want)
{
    GError *error = NULL;
    struct nvo_scenario_cfg *cfg = nvo_scenario_load(path, sets, n, &error);
    ck_assert_msg(!cfg, "accepted; expected %s", want);
    char *w = line ? g_strdup_printf("%s:%d: %s", path, line, want)
                   : g_strdup(want);
    ck_assert_msg(strstr(error->message, w), "\"%s\" not in: %s", w,
                  error->message);
    g_free(w);
    g_error_free(error);
}

static void
place(const struct nvo_scenario_cfg *cfg, struct nvo_overlay_placement *p)
{
    GError *error = NULL;
    ck_assert_msg(nvo_overlay_place(cfg, p, &error), "%s",
                  error ? error->message : "?");
}

static void
expect_nodes(const struct nvo_overlay_placement *p, const uint32_t *nodes,
             uint32_t n)
{
    ck_assert_uint_eq(p->n_vms, n);
    for (uint32_t k = 0; k < n; k++) {
        ck_assert_msg(p->vms[k].node == nodes[k], "VM %u on node %u, not %u",
                      k, p->vms[k].node, nodes[k]);
    }
}

static const char *const EXPLICIT =
    "    <tenant vni=\"100\" label=\"400\">\n"                          /* 5 */
    "      <vm mac=\"00:50:56:aa:00:01\" ip=\"192.168.0.1\" "
    "hypervisor=\"hv1-1\"/>\n"
    "      <vm hypervisor=\"hv3-2\"/>\n"
    "    </tenant>\n"
    "    <tenant vni=\"200\" vms=\"5\" placement=\"round-robin\"/>\n"  /* 9 */
    "    <tenant vni=\"300\" vms=\"4\" placement=\"packed-per-leaf\"/>\n";

START_TEST(explicit_tenants_exact)
{
    char *path = write_scenario("encap=\"vxlan\"", EXPLICIT);
    struct nvo_scenario_cfg *cfg = nvo_test_load(path, NULL, 0);
    ck_assert_uint_eq(cfg->overlay.n_tenants, 3);
    struct nvo_overlay_placement p;
    place(cfg, &p);
    /* Tenant 0: its two <vm>s.  Tenant 1, round-robin by VM number: VMs
     * 2..6 on hypervisors 2..6 (mod 8).  Tenant 2, packed-per-leaf: 11
     * VMs, C = ceil(11 / 8) = 2 per hypervisor, 4 per leaf: VM 7 is leaf
     * 2's 4th (its hv 3 mod 2 = hv2-2), VMs 8, 9, 10 leaf 3's 1st to 3rd
     * (hv3-1, hv3-2, hv3-1). */
    static const uint32_t nodes[] = { 6, 11, 8, 9, 10, 11, 12, 9, 10, 11, 10 };
    expect_nodes(&p, nodes, 11);
    ck_assert_uint_eq(p.tenant_first[0], 0);
    ck_assert_uint_eq(p.tenant_first[1], 2);
    ck_assert_uint_eq(p.tenant_first[2], 7);
    ck_assert_uint_eq(p.tenant_first[3], 11);
    static const uint8_t mac0[6] = { 0x00, 0x50, 0x56, 0xaa, 0x00, 0x01 };
    static const uint8_t mac1[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x01 };
    static const uint8_t mac6[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x06 };
    ck_assert_mem_eq(p.vms[0].mac, mac0, 6);
    ck_assert_uint_eq(p.vms[0].ip4, 0xc0a80001u);
    ck_assert_mem_eq(p.vms[1].mac, mac1, 6);       /* OUI:1 */
    ck_assert_uint_eq(p.vms[1].ip4, 0x0a000002u);  /* 10.0.0.2 */
    ck_assert_mem_eq(p.vms[6].mac, mac6, 6);
    ck_assert_uint_eq(p.vms[6].ip4, 0x0a000005u);  /* tenant 1's 5th */
    ck_assert_uint_eq(p.vms[7].group, 2);
    /* VXLAN carries the VNI; an MPLS encapsulation the label. */
    ck_assert_uint_eq(p.tenant_id[0], 100);
    ck_assert_uint_eq(p.tenant_vni[2], 300);
    nvo_overlay_placement_free(&p);

    /* The run: every PE hosts what the placement says; traffic within
     * the tenants is all delivered. */
    char *dir;
    struct nvo_sim *sim = nvo_test_sim(cfg, "tenants-run", true, &dir);
    const struct nvo_sim_overlay *o = sim->overlay;
    ck_assert_uint_eq(o->tenant_n_pes[0], 2);
    ck_assert_uint_eq(o->tenant_n_pes[1], 5);
    ck_assert_uint_eq(o->tenant_n_pes[2], 3);
    /* hv3-2 (PE 5) hosts all three tenants, hv1-2 (PE 1) none. */
    ck_assert_uint_eq(nvo_pe_node_n_tenants(o->pes[5]), 3);
    ck_assert_uint_eq(nvo_pe_node_n_tenants(o->pes[1]), 0);
    uint32_t lt;
    ck_assert_int_eq(nvo_pe_node_find_tenant(o->pes[0], 100, &lt), 0);
    struct nvo_sim_overlay_totals t;
    nvo_sim_overlay_totals(o, &t);
    ck_assert_uint_gt(t.c.vm_frames, 0);
    ck_assert_uint_eq(t.c.delivered, t.c.vm_frames);
    ck_assert_uint_eq(sim->delivered, sim->generated);
    nvo_test_scenario_free(cfg, sim, dir);

    /* MPLS: tenant 0's frames carry label 400. */
    cfg = nvo_test_load(path,
                        (const char *const[]) { "overlay.encap=mpls-udp" }, 1);
    place(cfg, &p);
    ck_assert_uint_eq(p.tenant_id[0], 400);
    ck_assert_uint_eq(p.tenant_id[1], 200);
    nvo_overlay_placement_free(&p);
    nvo_scenario_cfg_destroy(cfg);

    /* --set reaches the new attributes: tenant 2 with 2 more VMs. */
    cfg = nvo_test_load(path, (const char *const[]) {
                            "overlay.tenant[3].vms=6" }, 1);
    place(cfg, &p);
    ck_assert_uint_eq(p.n_vms, 13);
    nvo_overlay_placement_free(&p);
    nvo_scenario_cfg_destroy(cfg);
    g_free(path);
}
END_TEST

/* <tenant vms="V" placement=P> x T places exactly as <tenants count=T
 * vms-per-tenant=V placement=P first-vni=F>. */
START_TEST(explicit_equals_counted)
{
    static const char *const pls[] = { "round-robin", "random",
                                       "packed-per-leaf" };
    for (size_t i = 0; i < G_N_ELEMENTS(pls); i++) {
        char *counted_body = g_strdup_printf(
            "    <tenants count=\"3\" vms-per-tenant=\"7\" first-vni=\"40\" "
            "placement=\"%s\"/>\n", pls[i]);
        GString *eb = g_string_new("");
        for (int t = 0; t < 3; t++) {
            g_string_append_printf(eb, "    <tenant vni=\"%d\" vms=\"7\" "
                                   "placement=\"%s\"/>\n", 40 + t, pls[i]);
        }
        char *a = write_scenario("", counted_body);
        char *b = write_scenario("", eb->str);
        struct nvo_scenario_cfg *ca = nvo_test_load(a, NULL, 0);
        struct nvo_scenario_cfg *cb = nvo_test_load(b, NULL, 0);
        struct nvo_overlay_placement pa, pb;
        place(ca, &pa);
        place(cb, &pb);
        ck_assert_uint_eq(pa.n_vms, 21);
        ck_assert_uint_eq(pb.n_vms, 21);
        ck_assert_mem_eq(pa.vms, pb.vms, 21 * sizeof *pa.vms);
        ck_assert_mem_eq(pa.tenant_vni, pb.tenant_vni, 3 * sizeof(uint32_t));
        ck_assert_mem_eq(pa.tenant_first, pb.tenant_first,
                         4 * sizeof(uint32_t));
        nvo_overlay_placement_free(&pa);
        nvo_overlay_placement_free(&pb);
        nvo_scenario_cfg_destroy(ca);
        nvo_scenario_cfg_destroy(cb);
        g_free(a);
        g_free(b);
        g_free(counted_body);
        g_string_free(eb, TRUE);
    }
}
END_TEST

START_TEST(packed_per_leaf_exact)
{
    /* 2 tenants of 5: N = 10, C = 2 per hypervisor, 4 per leaf: VMs 0..3
     * on leaf 1 (hv1-1, hv1-2, hv1-1, hv1-2), 4..7 on leaf 2, 8, 9 on
     * leaf 3. */
    char *path = write_scenario("", "    <tenants count=\"2\" "
                                "vms-per-tenant=\"5\" "
                                "placement=\"packed-per-leaf\"/>\n");
    struct nvo_scenario_cfg *cfg = nvo_test_load(path, NULL, 0);
    struct nvo_overlay_placement p;
    place(cfg, &p);
    static const uint32_t nodes[] = { 6, 7, 6, 7, 8, 9, 8, 9, 10, 11 };
    expect_nodes(&p, nodes, 10);
    nvo_overlay_placement_free(&p);
    nvo_scenario_cfg_destroy(cfg);
    /* 8 x 1: one per hypervisor, like round-robin. */
    cfg = nvo_test_load(path, (const char *const[]) {
                      "overlay.tenants.count=1",
                      "overlay.tenants.vms-per-tenant=8" }, 2);
    place(cfg, &p);
    static const uint32_t one[] = { 6, 7, 8, 9, 10, 11, 12, 13 };
    expect_nodes(&p, one, 8);
    nvo_overlay_placement_free(&p);
    nvo_scenario_cfg_destroy(cfg);
    g_free(path);
}
END_TEST

/* The PEs that host each tenant, from a run's overlay. */
static void
check_per_pe(const char *path, const char *const *sets, size_t n, uint32_t K,
             const uint32_t *tenant_pes, uint32_t T)
{
    struct nvo_scenario_cfg *cfg = nvo_test_load(path, sets, n);
    ck_assert_uint_eq(cfg->overlay.tenants_per_pe, K);
    char *dir;
    struct nvo_sim *sim = nvo_test_sim(cfg, "tenants-pe", false, &dir);
    const struct nvo_sim_overlay *o = sim->overlay;
    for (uint32_t i = 0; i < o->n_pes; i++) {
        ck_assert_uint_eq(nvo_pe_node_n_tenants(o->pes[i]), K);
    }
    for (uint32_t t = 0; t < T; t++) {
        ck_assert_uint_eq(o->tenant_n_pes[t], tenant_pes[t]);
    }
    nvo_test_scenario_free(cfg, sim, dir);
}

START_TEST(tenants_per_hypervisor_exact)
{
    /* T = 4, K = 2, H = 8: position p hosts tenants 2p, 2p + 1 (mod 4):
     * tenants 0 and 1 on the even positions, 2 and 3 on the odd ones, one
     * VM on each. */
    char *path = write_scenario("", "    <tenants count=\"4\" "
                                "vms-per-tenant=\"4\" "
                                "tenants-per-hypervisor=\"2\"/>\n");
    struct nvo_scenario_cfg *cfg = nvo_test_load(path, NULL, 0);
    struct nvo_overlay_placement p;
    place(cfg, &p);
    static const uint32_t nodes[] = {
        6, 8, 10, 12,   6, 8, 10, 12,   7, 9, 11, 13,   7, 9, 11, 13,
    };
    expect_nodes(&p, nodes, 16);
    nvo_overlay_placement_free(&p);
    nvo_scenario_cfg_destroy(cfg);
    static const uint32_t four[] = { 4, 4, 4, 4 };
    check_per_pe(path, NULL, 0, 2, four, 4);

    /* T = 3, K = 2: p hosts 2p, 2p + 1 mod 3: tenant 0 at positions 0, 1,
     * 3, 4, 6, 7; tenant 1 at 0, 2, 3, 5, 6; tenant 2 at 1, 2, 4, 5, 7.
     * Six VMs each, round-robin over them: tenant 1's sixth VM back on
     * position 0. */
    static const char *const three[] = {
        "overlay.tenants.count=3", "overlay.tenants.vms-per-tenant=6",
    };
    cfg = nvo_test_load(path, three, 2);
    place(cfg, &p);
    static const uint32_t n3[] = {
        6, 7, 9, 10, 12, 13,    6, 8, 9, 11, 12, 6,    7, 8, 10, 11, 13, 7,
    };
    expect_nodes(&p, n3, 18);
    nvo_overlay_placement_free(&p);
    nvo_scenario_cfg_destroy(cfg);
    static const uint32_t pes3[] = { 6, 5, 5 };
    check_per_pe(path, three, 2, 2, pes3, 3);
    /* A seeded shuffle of the hypervisors keeps every PE at K tenants and
     * the tenants' PE counts. */
    static const char *const shuffled[] = {
        "overlay.tenants.count=3", "overlay.tenants.vms-per-tenant=6",
        "overlay.tenants.placement=random",
    };
    check_per_pe(path, shuffled, 3, 2, pes3, 3);

    /* What cannot be met. */
    load_fails(path, (const char *const[]) {
                   "overlay.tenants.tenants-per-hypervisor=5" }, 1, 0,
               "<tenants tenants-per-hypervisor=\"5\">: at most the number "
               "of tenants (count=\"4\")");
    load_fails(path, (const char *const[]) {
                   "overlay.tenants.count=20",
                   "overlay.tenants.tenants-per-hypervisor=2" }, 2, 0,
               "8 hypervisors x 2 tenants each host fewer than the 20 "
               "tenants: at least 3");
    load_fails(path, (const char *const[]) {
                   "overlay.tenants.vms-per-tenant=3" }, 1, 5,
               "<tenants tenants-per-hypervisor=\"2\">: 8 hypervisors x 2 "
               "tenants each put a tenant on up to 4 hypervisors, more than its "
               "vms-per-tenant=\"3\"");
    g_free(path);
}
END_TEST

START_TEST(bad_tenants)
{
    struct {
        const char *body;
        int line;
        const char *want;
    } cases[] = {
        { "    <tenant vni=\"1\" vms=\"2\"/>\n"
          "    <tenant vni=\"1\" vms=\"2\"/>\n", 6,
          "<tenant vni=\"1\">: duplicate VNI: also the tenant's at line 5" },
        { "    <tenant vni=\"1\">\n"
          "      <vm mac=\"00:50:56:00:00:09\" hypervisor=\"hv1-1\"/>\n"
          "      <vm mac=\"00:50:56:00:00:09\" hypervisor=\"hv1-2\"/>\n"
          "    </tenant>\n", 7,
          "<vm>: MAC 00:50:56:00:00:09 is also the tenant's VM at line 6" },
        { "    <tenant vni=\"1\" vms=\"3\">\n"
          "      <vm mac=\"00:50:56:00:00:02\" hypervisor=\"hv1-1\"/>\n"
          "    </tenant>\n", 6,
          "<vm>: MAC 00:50:56:00:00:02 is also the tenant's generated VM 2" },
        { "    <tenant vni=\"1\"><vm hypervisor=\"hv9-1\"/></tenant>\n", 5,
          "<vm hypervisor=\"hv9-1\">: unknown hypervisor" },
        { "    <tenant vni=\"1\"><vm hypervisor=\"leaf1\"/></tenant>\n", 5,
          "<vm hypervisor=\"leaf1\">: \"leaf1\" is a leaf, not a hypervisor" },
        { "    <tenant vni=\"1\">\n"
          "      <vm mac=\"00:50:56:00:00\" hypervisor=\"hv1-1\"/>\n"
          "    </tenant>\n", 6,
          "<vm mac=\"00:50:56:00:00\">: expected a MAC address" },
        { "    <tenant vni=\"1\">\n"
          "      <vm mac=\"01:00:5e:00:00:01\" hypervisor=\"hv1-1\"/>\n"
          "    </tenant>\n", 6,
          "<vm mac=\"01:00:5e:00:00:01\">: a group (multicast) address" },
        { "    <tenant vni=\"1\">\n"
          "      <vm ip=\"10.0.0.256\" hypervisor=\"hv1-1\"/>\n"
          "    </tenant>\n", 6,
          "<vm ip=\"10.0.0.256\">: expected an IPv4 address" },
        { "    <tenant vni=\"1\">\n"
          "      <vm ip=\"224.1.1.1\" hypervisor=\"hv1-1\"/>\n"
          "    </tenant>\n", 6, "<vm ip=\"224.1.1.1\">: not a unicast address" },
        { "    <tenant vni=\"1\">\n"
          "      <vm ip=\"10.1.1.1\" hypervisor=\"hv1-1\"/>\n"
          "      <vm ip=\"10.1.1.1\" hypervisor=\"hv1-1\"/>\n"
          "    </tenant>\n", 7,
          "<vm>: IP 10.1.1.1 is also the tenant's VM at line 6" },
        { "    <tenant vni=\"1\"/>\n", 5,
          "<tenant>: no VMs: give <vm> children or vms=\"N\"" },
        { "    <tenant vni=\"1\" placement=\"random\">"
          "<vm hypervisor=\"hv1-1\"/></tenant>\n", 5,
          "<tenant placement=\"random\">: only with vms=\"N\"" },
        { "    <tenant vni=\"1\" label=\"15\" vms=\"1\"/>\n", 5,
          "<tenant label=\"15\">: must be at least 16" },
        { "    <tenant vni=\"1\" label=\"99\" vms=\"1\"/>\n"
          "    <tenant vni=\"2\" label=\"99\" vms=\"1\"/>\n", 6,
          "<tenant label=\"99\">: duplicate label: also the tenant's at "
          "line 5" },
        { "    <tenant vni=\"16777216\" vms=\"1\"/>\n", 5,
          "<tenant>: 16777216 is not an id vxlan carries" },
        { "    <tenant vni=\"1\" vms=\"16777215\"/>\n", 5,
          "<tenant>: 16777215 VMs; at most 16777214" },
        { "    <tenant vni=\"1\" vms=\"16777214\"/>\n"
          "    <tenant vni=\"2\" vms=\"3\"/>\n", 4,
          "<overlay>: 16777217 VMs; the VM MACs" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *path = write_scenario("encap=\"vxlan\"", cases[i].body);
        load_fails(path, NULL, 0, cases[i].line, cases[i].want);
        g_free(path);
    }
    /* The same MAC in two tenants is fine (the tables key on the VNI). */
    char *path = write_scenario("",
        "    <tenant vni=\"1\"><vm mac=\"00:50:56:00:00:09\" "
        "hypervisor=\"hv1-1\"/></tenant>\n"
        "    <tenant vni=\"2\"><vm mac=\"00:50:56:00:00:09\" "
        "hypervisor=\"hv1-1\"/></tenant>\n");
    nvo_scenario_cfg_destroy(nvo_test_load(path, NULL, 0));
    g_free(path);
    /* MPLS: a tenant without a label carries its VNI as one. */
    path = write_scenario("encap=\"mpls-udp\"",
                          "    <tenant vni=\"300\" vms=\"1\"/>\n"
                          "    <tenant vni=\"301\" label=\"300\" "
                          "vms=\"1\"/>\n");
    load_fails(path, NULL, 0, 5, "<tenant vni=\"300\">: with mpls-udp this "
               "tenant's label is its VNI, which is also the label of the "
               "tenant at line 6");
    g_free(path);
    /* Both kinds at once is the schema's error. */
    path = write_scenario("", "    <tenants count=\"1\" "
                          "vms-per-tenant=\"2\"/>\n"
                          "    <tenant vni=\"1\" vms=\"1\"/>\n");
    load_fails(path, NULL, 0, 0, "tenant");
    g_free(path);
}
END_TEST

/* With MPLS-in-UDP a tenant's label is what its frames carry: tshark
 * decodes label 400 on every frame of hv1-1's uplink (only tenant 0 is
 * there), as many as the PE sent and received. */
START_TEST(mpls_label_on_the_wire)
{
    if (!tmp_dir) {
        tmp_dir = nvo_test_tmpdir("tenants");
    }
    char *path = g_build_filename(tmp_dir, "mpls.xml", NULL);
    char *text = g_strdup_printf(
        "<scenario name=\"m\">\n"
        "  <topology file=\"%s\"/>\n"
        "  <run duration=\"200us\" drain=\"true\"/>\n"
        "  <overlay encap=\"mpls-udp\">\n"
        "    <tenant vni=\"100\" label=\"400\"><vm hypervisor=\"hv1-1\"/>"
        "<vm hypervisor=\"hv3-2\"/></tenant>\n"
        "    <tenant vni=\"200\" vms=\"2\"/>\n"
        "  </overlay>\n"
        "  <traffic><flows pattern=\"permutation\"><size fixed=\"3000\"/>"
        "<arrival rate=\"20000\"/><packet size=\"1000\"/></flows>"
        "</traffic>\n"
        "  <output><pcap node=\"hv1-1\"/></output>\n"
        "</scenario>\n", nvo_test_src("topologies/leaf-spine-small.xml"));
    ck_assert(g_file_set_contents(path, text, -1, NULL));
    struct nvo_scenario_cfg *cfg = nvo_test_load(path, NULL, 0);
    char *dir;
    struct nvo_sim *sim = nvo_test_sim(cfg, "tenants-mpls", true, &dir);
    const struct nvo_sim_overlay *o = sim->overlay;
    ck_assert_uint_eq(o->tenant_id[0], 400);
    uint32_t lt;
    ck_assert_int_eq(nvo_pe_node_find_tenant(o->pes[0], 400, &lt), 0);
    ck_assert_int_eq(nvo_pe_node_find_tenant(o->pes[0], 100, &lt), ENOENT);
    const struct nvo_pe_node_counters *c = nvo_pe_node_counters(o->pes[0]);
    uint64_t want = c->frames_out + c->rx_frames;
    ck_assert_uint_gt(c->frames_out, 0);
    ck_assert_uint_gt(c->rx_frames, 0);
    char *pcap = g_build_filename(dir, "hv1-1-1.pcap", NULL);
    char *cmd = g_strdup_printf("tshark -r '%s' -T fields -e mpls.label "
                                "2>/dev/null", pcap);
    FILE *f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    char line[256];
    uint64_t n = 0, wrong = 0;
    while (fgets(line, sizeof line, f)) {
        n++;
        wrong += strcmp(line, "400\n") != 0;
    }
    ck_assert_msg(pclose(f) == 0, "tshark failed (apt-get install tshark): "
                  "%s", cmd);
    ck_assert_uint_eq(n, want);
    ck_assert_uint_eq(wrong, 0);
    g_free(cmd);
    g_free(pcap);
    nvo_test_scenario_free(cfg, sim, dir);
    g_free(text);
    g_free(path);
}
END_TEST

START_TEST(vm_index)
{
    struct nvo_mem_acct acct;
    nvo_mem_acct_init(&acct, NULL);
    struct nvo_vm_index x;
    nvo_vm_index_init(&x, &acct);
    ck_assert_int_eq(nvo_vm_index_find(&x, 0, 1), -1);
    /* 20,000 VMs in 3 tenants, the same MACs in each. */
    for (uint32_t t = 0; t < 3; t++) {
        for (uint32_t v = 0; v < 20000; v++) {
            ck_assert_int_eq(nvo_vm_index_add(&x, t, 0x005056000000ull + v,
                                              v + t), 0);
        }
    }
    ck_assert_uint_eq(x.n, 60000);
    ck_assert_uint_eq(x.cap, 131072);       /* at most half full */
    ck_assert_uint_eq(nvo_mem_acct_bytes(&acct), 131072 * 16);
    for (uint32_t t = 0; t < 3; t++) {
        for (uint32_t v = 0; v < 20000; v += 7) {
            ck_assert_int_eq(nvo_vm_index_find(&x, t, 0x005056000000ull + v),
                             v + t);
        }
    }
    ck_assert_int_eq(nvo_vm_index_find(&x, 3, 0x005056000000ull), -1);
    ck_assert_int_eq(nvo_vm_index_find(&x, 0, 0x005056000000ull + 20000),
                     -1);
    ck_assert_int_eq(nvo_vm_index_add(&x, 1, 0x005056000005ull, 9), EEXIST);
    ck_assert_int_eq(nvo_vm_index_find(&x, 1, 0x005056000005ull), 6);
    /* Remove every third of tenant 1: gone; every other entry still
     * found (the shifts kept the probe runs whole); removing again is
     * ENOENT; re-adding works. */
    for (uint32_t v = 0; v < 20000; v += 3) {
        ck_assert_int_eq(nvo_vm_index_remove(&x, 1, 0x005056000000ull + v),
                         0);
    }
    ck_assert_uint_eq(x.n, 60000 - 6667);
    for (uint32_t t = 0; t < 3; t++) {
        for (uint32_t v = 0; v < 20000; v++) {
            int64_t want = t == 1 && v % 3 == 0 ? -1 : (int64_t) (v + t);
            ck_assert_int_eq(nvo_vm_index_find(&x, t, 0x005056000000ull + v),
                             want);
        }
    }
    ck_assert_int_eq(nvo_vm_index_remove(&x, 1, 0x005056000000ull), ENOENT);
    ck_assert_int_eq(nvo_vm_index_remove(&x, 7, 0x005056000001ull), ENOENT);
    ck_assert_int_eq(nvo_vm_index_add(&x, 1, 0x005056000000ull, 77), 0);
    ck_assert_int_eq(nvo_vm_index_find(&x, 1, 0x005056000000ull), 77);
    nvo_vm_index_fini(&x);
    ck_assert(nvo_mem_acct_fini(&acct));
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("tenants");
    TCase *tc = tcase_create("tenants");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, explicit_tenants_exact);
    tcase_add_test(tc, explicit_equals_counted);
    tcase_add_test(tc, packed_per_leaf_exact);
    tcase_add_test(tc, tenants_per_hypervisor_exact);
    tcase_add_test(tc, bad_tenants);
    tcase_add_test(tc, vm_index);
    tcase_add_test(tc, mpls_label_on_the_wire);
    suite_add_tcase(s, tc);
    tmp_dir = nvo_test_tmpdir("tenants");  /* before the tests fork */
    int rc = nvo_test_run(s);
    if (tmp_dir) {
        nvo_test_rmdir(tmp_dir);
    }
    return rc;
}
