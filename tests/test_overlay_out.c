/* test_overlay_out.c: what a scenario run with <overlay> reports (run/
 * sim_overlay.c, run/results.c): the PEs' CPU cycles from <overlay><cpu>
 * equal to the cost formulas over the counted frames (docs/cpu.md), BUM
 * frames and bytes per tier on a 2-spine, 2-leaf, 2-hypervisor-per-leaf
 * fabric as counted by hand, the <cpu> checks with file:line errors, and a
 * pcap of a PE's uplink for each of the nine encapsulations decoded by
 * tshark: every frame carries the VNI (VSID, label) that the placement
 * gives the inner frame's VMs, the inner IPv4 addresses are theirs, and
 * tshark reports no malformed frame and no expert info. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "io/config.h"
#include "run/sim.h"
#include "run/sim_overlay.h"
#include "testutil.h"

/* overlay-encap.xml on 2 spines x 2 leaves x 2 hypervisors, with 'sets'
 * after those. */
/* overlay-encap.xml's sets for a small fabric (2 leaves, 2 spines, 2
 * hypervisors per leaf) then 'sets', into all[] (32); returns their
 * number. */
static size_t
small_sets(const char *const *sets, size_t n_sets, const char *all[32])
{
    static const char *const small[] = {
        "topology.leaves=2", "topology.spines=2",
        "topology.hypervisors-per-leaf=2",
    };
    ck_assert_uint_le(n_sets, 29);
    memcpy(all, small, sizeof small);
    for (size_t i = 0; i < n_sets; i++) {
        all[3 + i] = sets[i];
    }
    return 3 + n_sets;
}

static struct nvo_scenario_cfg *
load(const char *const *sets, size_t n_sets, GError **error)
{
    const char *all[32];
    size_t n = small_sets(sets, n_sets, all);
    return nvo_scenario_load(nvo_test_src("scenarios/overlay-encap.xml"),
                             all, n, error);
}

static struct nvo_sim *
run(const char *const *sets, size_t n_sets, struct nvo_scenario_cfg **cfg,
    char **dir)
{
    const char *all[32];
    size_t n = small_sets(sets, n_sets, all);
    struct nvo_sim *sim;
    nvo_test_scenario(nvo_test_src("scenarios/overlay-encap.xml"), all, n,
                      "overlay-out", true, cfg, &sim, dir);
    return sim;
}

/* 'dir'/results.xml is valid against docs/results.rng. */
static void
check_schema(const char *dir)
{
    xmlRelaxNGParserCtxtPtr pc =
        xmlRelaxNGNewParserCtxt(nvo_test_src("docs/results.rng"));
    xmlRelaxNGPtr schema = xmlRelaxNGParse(pc);
    ck_assert_ptr_nonnull(schema);
    char *path = g_build_filename(dir, "results.xml", NULL);
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    ck_assert_ptr_nonnull(doc);
    xmlRelaxNGValidCtxtPtr vc = xmlRelaxNGNewValidCtxt(schema);
    ck_assert_msg(xmlRelaxNGValidateDoc(vc, doc) == 0, "%s is not valid",
                  path);
    xmlRelaxNGFreeValidCtxt(vc);
    xmlFreeDoc(doc);
    xmlRelaxNGFree(schema);
    xmlRelaxNGFreeParserCtxt(pc);
    g_free(path);
}

static char *
read_out(const char *dir, const char *name)
{
    char *path = g_build_filename(dir, name, NULL);
    char *text;
    ck_assert(g_file_get_contents(path, &text, NULL, NULL));
    g_free(path);
    return text;
}

/* The inner frame: 14 + 1028; VXLAN over IPv4 adds 50; links frame 24. */
#define INNER 1042u
#define WIRE (INNER + 50u + 24u)

#define CPU_SETS                                                            \
    "overlay.cpu.encap-frame-cycles=1000",                                  \
    "overlay.cpu.encap-byte-cycles=0.5",                                    \
    "overlay.cpu.decap-frame-cycles=800",                                   \
    "overlay.cpu.decap-byte-cycles=0.25",                                   \
    "overlay.cpu.replica-frame-cycles=300",                                 \
    "overlay.cpu.replica-byte-cycles=0.125"

/* Every tenant frame is INNER bytes, so with offloads the cycles are
 * encap_frames * (1000 + 1042 * 0.5) + bum_copies * (300 + 1042 *
 * 0.125) + rx_decap * (800 + 1042 * 0.25), and without checksum offload
 * (2.5 per byte) (encap_frames + rx_decap) * 1042 * 2.5 more. */
START_TEST(cpu_cycles_in_results)
{
    bool csum = _i == 0;
    const char *sets[] = { CPU_SETS, "overlay.cpu.ghz=2.5",
                           "overlay.cpu.csum-offload=off",
                           "overlay.cpu.csum-byte-cycles=2.5" };
    struct nvo_scenario_cfg *cfg;
    char *dir;
    struct nvo_sim *sim = run(sets, csum ? 7 : 9, &cfg, &dir);
    struct nvo_sim_overlay_totals t;
    nvo_sim_overlay_totals(sim->overlay, &t);
    const struct nvo_pe_node_counters *c = &t.c;
    ck_assert_uint_gt(c->bum_copies, 0);
    ck_assert_uint_gt(c->remote_unicast, 0);
    uint64_t x = csum ? 0 : INNER * 2500;
    ck_assert_uint_eq(c->cpu_encap_mc,
                      c->encap_frames * (1000000 + INNER * 500 + x));
    ck_assert_uint_eq(c->cpu_replica_mc,
                      c->bum_copies * (300000 + INNER * 125));
    ck_assert_uint_eq(c->cpu_decap_mc,
                      c->rx_decap * (800000 + INNER * 250 + x));
    uint64_t total = c->cpu_encap_mc + c->cpu_replica_mc + c->cpu_decap_mc;
    check_schema(dir);
    /* results.xml: in <totals>, cycles with three decimals. */
    char *xml = read_out(dir, "results.xml");
    char want[256];
    snprintf(want, sizeof want, "cpu-cycles=\"%" PRIu64 ".%03" PRIu64 "\" "
             "cpu-encap-cycles=\"%" PRIu64 ".%03" PRIu64 "\"",
             total / 1000, total % 1000, c->cpu_encap_mc / 1000,
             c->cpu_encap_mc % 1000);
    ck_assert_msg(strstr(xml, want), "%s not in results.xml", want);
    snprintf(want, sizeof want, "cpu-seconds=\"%.6g\"",
             (double) total / 1000 / 2.5e9);
    ck_assert_msg(strstr(xml, want), "%s not in results.xml", want);
    snprintf(want, sizeof want, "cpu-cycles-per-frame=\"%.6g\"",
             (double) total / 1000 / (double) c->vm_frames);
    ck_assert_msg(strstr(xml, want), "%s not in results.xml", want);
    /* One <pe> per PE with its own cycles. */
    const struct nvo_pe_node_counters *p0 =
        nvo_pe_node_counters(sim->overlay->pes[0]);
    uint64_t t0 = p0->cpu_encap_mc + p0->cpu_replica_mc + p0->cpu_decap_mc;
    snprintf(want, sizeof want, "cpu-cycles=\"%" PRIu64 ".%03" PRIu64 "\"",
             t0 / 1000, t0 % 1000);
    ck_assert_msg(strstr(xml, want), "%s not in results.xml", want);
    g_free(xml);
    /* summary.csv: the sum and the cycles per VM frame. */
    char *csv = read_out(dir, "summary.csv");
    ck_assert(strstr(csv, ",pe_cpu_cycles,pe_cpu_cycles_per_frame,"));
    snprintf(want, sizeof want, ",%" PRIu64 ".%03" PRIu64 ",%.6g,",
             total / 1000, total % 1000,
             (double) total / 1000 / (double) c->vm_frames);
    ck_assert_msg(strstr(csv, want), "%s not in %s", want, csv);
    g_free(csv);
    nvo_test_scenario_free(cfg, sim, dir);
}
END_TEST

#define BYTE_AND_REPLICA_SETS                                               \
    "overlay.cpu.encap-byte-cycles=0.5",                                    \
    "overlay.cpu.decap-byte-cycles=0.25",                                   \
    "overlay.cpu.replica-frame-cycles=300",                                 \
    "overlay.cpu.replica-byte-cycles=0.125"

/* The cited defaults in a run (docs/cpu.md, "Defaults and sources"), the
 * byte and replica costs as in CPU_SETS.  Geneve, checksum offload off,
 * no frame or checksum costs given: encap 48.5 + 1042 * (0.5 + 0.044),
 * decap 33.2 + 1042 * (0.25 + 0.044) (1042 * 0.044 = 45.848 cycles,
 * exact in millicycles).  VXLAN-GPE with decap-frame-cycles 800 (it has
 * no cited decap cost), offloads on: encap 37.6 + 1042 * 0.5, decap 800 +
 * 1042 * 0.25.  Replicas 300 + 1042 * 0.125 in both. */
START_TEST(cpu_cited_defaults_in_run)
{
    bool geneve = _i == 0;
    const char *sets_geneve[] = { "overlay.encap=geneve",
                                  BYTE_AND_REPLICA_SETS,
                                  "overlay.cpu.csum-offload=off" };
    const char *sets_gpe[] = { "overlay.encap=vxlan-gpe",
                               BYTE_AND_REPLICA_SETS,
                               "overlay.cpu.decap-frame-cycles=800" };
    struct nvo_scenario_cfg *cfg;
    char *dir;
    struct nvo_sim *sim = run(geneve ? sets_geneve : sets_gpe, 6, &cfg,
                              &dir);
    ck_assert_str_eq(cfg->overlay.encap, geneve ? "geneve" : "vxlan-gpe");
    struct nvo_sim_overlay_totals t;
    nvo_sim_overlay_totals(sim->overlay, &t);
    const struct nvo_pe_node_counters *c = &t.c;
    ck_assert_uint_gt(c->bum_copies, 0);
    ck_assert_uint_gt(c->remote_unicast, 0);
    ck_assert_uint_gt(c->rx_decap, 0);
    uint64_t x = geneve ? INNER * 44 : 0;
    ck_assert_uint_eq(c->cpu_encap_mc, c->encap_frames
                      * ((geneve ? 48500 : 37600) + INNER * 500 + x));
    ck_assert_uint_eq(c->cpu_decap_mc, c->rx_decap
                      * ((geneve ? 33200 : 800000) + INNER * 250 + x));
    ck_assert_uint_eq(c->cpu_replica_mc,
                      c->bum_copies * (300000 + INNER * 125));
    nvo_test_scenario_free(cfg, sim, dir);
}
END_TEST

/* Without <cpu>: no cpu attribute, empty cells. */
START_TEST(cpu_absent_is_missing)
{
    struct nvo_scenario_cfg *cfg;
    char *dir;
    struct nvo_sim *sim = run(NULL, 0, &cfg, &dir);
    char *xml = read_out(dir, "results.xml");
    ck_assert_ptr_null(strstr(xml, "cpu-"));
    g_free(xml);
    char *csv = read_out(dir, "summary.csv");
    char *row = strchr(csv, '\n') + 1;
    char *head = g_strndup(csv, (gsize) (row - 1 - csv));
    g_strchomp(row);
    char **names = g_strsplit(head, ",", -1);
    char **cells = g_strsplit(row, ",", -1);
    guint n = g_strv_length(cells);
    ck_assert_uint_eq(n, g_strv_length(names));
    /* The cells by their column's name. */
    const char *want[][2] = {
        { "pe_cpu_cycles", "" }, { "pe_cpu_cycles_per_frame", "" },
        { "goodput_efficiency", NULL },     /* NULL: not empty */
    };
    for (size_t k = 0; k < G_N_ELEMENTS(want); k++) {
        guint i = 0;
        while (i < n && strcmp(names[i], want[k][0])) {
            i++;
        }
        ck_assert_msg(i < n, "no column %s", want[k][0]);
        if (want[k][1]) {
            ck_assert_str_eq(cells[i], want[k][1]);
        } else {
            ck_assert_str_ne(cells[i], "");
        }
    }
    g_strfreev(names);
    g_strfreev(cells);
    g_free(head);
    g_free(csv);
    nvo_test_scenario_free(cfg, sim, dir);
}
END_TEST

/* Ingress replication on 4 PEs (hv1-1, hv1-2 on leaf1; hv2-1, hv2-2 on
 * leaf2), every tenant on all four: a flood from any PE is 3 copies, one
 * to the PE on its leaf (PE -> leaf -> PE) and two across (PE -> leaf ->
 * spine -> leaf -> PE).  Per flood: access-up 3 frames, fabric-up 2,
 * fabric-down 2, access-down 3, each WIRE bytes. */
START_TEST(bum_bytes_per_tier)
{
    struct nvo_scenario_cfg *cfg;
    char *dir;
    struct nvo_sim *sim = run(NULL, 0, &cfg, &dir);
    const struct nvo_sim_overlay *o = sim->overlay;
    ck_assert_uint_eq(o->n_pes, 4);
    struct nvo_sim_overlay_totals t;
    nvo_sim_overlay_totals(o, &t);
    uint64_t floods = t.c.bum[NVO_BUM_UNKNOWN];
    ck_assert_uint_gt(floods, 0);
    ck_assert_uint_eq(t.c.bum_copies, 3 * floods);
    static const struct { const char *name; uint64_t per_flood; } tiers[] = {
        { "fabric-up", 2 }, { "fabric-down", 2 },
        { "access-up", 3 }, { "access-down", 3 },
    };
    char *xml = read_out(dir, "results.xml");
    char want[256];
    const char *at = xml;
    for (size_t i = 0; i < G_N_ELEMENTS(tiers); i++) {
        /* In this order: the order of <tiers>. */
        snprintf(want, sizeof want, "<bum-tier name=\"%s\" frames=\"%"
                 PRIu64 "\" bytes=\"%" PRIu64 "\"/>", tiers[i].name,
                 floods * tiers[i].per_flood,
                 floods * tiers[i].per_flood * WIRE);
        const char *hit = strstr(at, want);
        ck_assert_msg(hit, "%s not in results.xml (after %zu)", want,
                      (size_t) (at - xml));
        at = hit + 1;
    }
    check_schema(dir);
    /* The tiers add up to the links' total: 10 frames per flood. */
    ck_assert_uint_eq(o->bum_link_frames, 10 * floods);
    ck_assert_uint_eq(o->bum_link_bytes, 10 * floods * WIRE);
    g_free(xml);
    nvo_test_scenario_free(cfg, sim, dir);
}
END_TEST

static void
expect_error(const char *const *sets, size_t n, const char *what)
{
    GError *error = NULL;
    struct nvo_scenario_cfg *cfg = load(sets, n, &error);
    ck_assert_ptr_null(cfg);
    ck_assert_msg(strstr(error->message, what), "'%s' not in: %s", what,
                  error->message);
    g_error_free(error);
}

START_TEST(bad_cpu)
{
    /* In a file: its name and the line of <cpu>. */
    char *dir = nvo_test_tmpdir("cpu-bad");
    char *path = g_build_filename(dir, "s.xml", NULL);
    char *text = g_strdup_printf(
        "<scenario name=\"s\">\n"
        "  <topology file=\"%s\"/>\n"
        "  <overlay>\n"
        "    <tenants count=\"2\" vms-per-tenant=\"2\"/>\n"
        "    <cpu encap-frame-cycles=\"1\" encap-byte-cycles=\"1\"\n"
        "         decap-frame-cycles=\"1\" decap-byte-cycles=\"1\"\n"
        "         replica-frame-cycles=\"1\"/>\n"
        "  </overlay>\n"
        "</scenario>\n", nvo_test_src("topologies/leaf-spine-small.xml"));
    ck_assert(g_file_set_contents(path, text, -1, NULL));
    GError *error = NULL;
    ck_assert_ptr_null(nvo_scenario_load(path, NULL, 0, &error));
    char *want = g_strdup_printf("%s:5:", path);
    ck_assert_msg(strstr(error->message, want), "%s", error->message);
    ck_assert_msg(strstr(error->message, "replica-byte-cycles"), "%s",
                  error->message);
    g_free(want);
    g_error_free(error);
    remove(path);
    g_free(path);
    g_free(text);
    nvo_test_rmdir(dir);

    /* csum-byte-cycles is no longer required with csum-offload="off":
     * the cited 0.044 cycles per byte (44 millicycles). */
    GError *err = NULL;
    struct nvo_scenario_cfg *cfg = load((const char *const[]) {
                                            CPU_SETS,
                                            "overlay.cpu.csum-offload=off" },
                                        7, &err);
    ck_assert_msg(cfg, "%s", err ? err->message : "?");
    ck_assert_uint_eq(cfg->overlay.cpu.csum_byte, 44);
    nvo_scenario_cfg_destroy(cfg);
    /* VXLAN's per-frame costs are cited (54.3 and 30.4 cycles), its
     * per-byte ones are not. */
    cfg = load((const char *const[]) {
                   "overlay.cpu.encap-byte-cycles=0.5",
                   "overlay.cpu.decap-byte-cycles=0.25",
                   "overlay.cpu.replica-frame-cycles=300",
                   "overlay.cpu.replica-byte-cycles=0.125" }, 4, &err);
    ck_assert_msg(cfg, "%s", err ? err->message : "?");
    ck_assert_uint_eq(cfg->overlay.cpu.encap_frame, 54300);
    ck_assert_uint_eq(cfg->overlay.cpu.decap_frame, 30400);
    nvo_scenario_cfg_destroy(cfg);
    expect_error((const char *const[]) {
                     "overlay.cpu.encap-frame-cycles=1000",
                     "overlay.cpu.decap-frame-cycles=800",
                     "overlay.cpu.decap-byte-cycles=0.25",
                     "overlay.cpu.replica-frame-cycles=300",
                     "overlay.cpu.replica-byte-cycles=0.125" }, 5,
                 "<cpu>: encap-byte-cycles is required with "
                 "encap=\"vxlan\": no published measurement gives it a "
                 "default for vxlan");
    expect_error((const char *const[]) { CPU_SETS,
                                         "overlay.cpu.tso=maybe" }, 7,
                 "tso");
    expect_error((const char *const[]) { CPU_SETS,
                                         "overlay.cpu.encap-byte-cycles="
                                         "0.0005" }, 7,
                 "<cpu encap-byte-cycles=\"0.0005\">: expected cycles from 0 "
                 "to 1e9 with at most three decimals");
    expect_error((const char *const[]) { CPU_SETS,
                                         "overlay.cpu.decap-frame-cycles=-1" },
                 7, "decap-frame-cycles");
    expect_error((const char *const[]) { CPU_SETS,
                                         "overlay.cpu.replica-frame-cycles="
                                         "2e9" }, 7, "replica-frame-cycles");
    expect_error((const char *const[]) { CPU_SETS, "overlay.cpu.ghz=0" }, 7,
                 "<cpu ghz=\"0\">: expected a clock rate in GHz above 0");
    expect_error((const char *const[]) { CPU_SETS, "overlay.cpu.ghz=x" }, 7,
                 "ghz");
}
END_TEST

/* ---- A PE's uplink in tshark, every encapsulation ---------------------- */

static void
require_tshark(void)
{
    int st = system("tshark -v >/dev/null 2>&1");
    ck_assert_msg(st == 0, "tshark is not installed or does not run: this "
                  "test needs it (Debian/Ubuntu: apt-get install tshark)");
}

/* 2 tenants of V = 8 VMs (VNIs 5000, 5001), 10-packet flows; a pcap of
 * hv1-1's uplink.  VM k (MAC 00:50:56 + k) is the j = k mod V-th VM of
 * tenant k / V, IPv4 10.0.0.(j + 1): every frame must carry 5000 + k / V
 * for the VMs of its inner MACs and their addresses. */
START_TEST(pcap_every_encap)
{
    static const char *const encaps[] = {
        "vxlan", "vxlan-gpe", "geneve", "gre-udp", "nvgre", "stt",
        "mpls-gre", "mpls-ip", "mpls-udp",
    };
    const char *encap = encaps[_i];
    require_tshark();
    char set_encap[64];
    snprintf(set_encap, sizeof set_encap, "overlay.encap=%s", encap);
    const char *sets[] = { set_encap, "overlay.tenants.vms-per-tenant=8",
                           "traffic.flows.size.fixed=10280",
                           "output.pcap.node=hv1-1" };
    struct nvo_scenario_cfg *cfg;
    char *dir;
    struct nvo_sim *sim = run(sets, 4, &cfg, &dir);
    const struct nvo_pe_node_counters *pc =
        nvo_pe_node_counters(sim->overlay->pes[0]);
    ck_assert_str_eq(nvo_pe_node_base(sim->overlay->pes[0])->name, "hv1-1");
    ck_assert_uint_gt(pc->frames_out, 0);
    ck_assert_uint_gt(pc->rx_frames, 0);

    const char *field = "vxlan.vni";
    if (!strcmp(encap, "geneve")) {
        field = "geneve.vni";
    } else if (!strcmp(encap, "gre-udp") || !strcmp(encap, "nvgre")) {
        field = "gre.key";      /* VSID << 8 | FlowID: Wireshark 4.0 has
                                 * no nvgre.vsid field */
    } else if (!strcmp(encap, "stt")) {
        field = "stt.context_id";
    } else if (!strncmp(encap, "mpls", 4)) {
        field = "mpls.label";
    }
    char *cmd = g_strdup_printf(
        "tshark -r '%s/hv1-1-1.pcap' -o ip.try_heuristic_first:TRUE "
        "-T fields -E separator=/t -E occurrence=a -e %s -e eth.src "
        "-e eth.dst -e ip.src -e ip.dst 2>/dev/null", dir, field);
    FILE *f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    char line[1024];
    uint64_t n = 0, by_vni[2] = { 0, 0 };
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char **col = g_strsplit(line, "\t", -1);
        ck_assert_msg(g_strv_length(col) == 5, "%s: %s", encap, line);
        /* The id: the last value of the field (MPLS: the bottom label). */
        const char *idv = strrchr(col[0], ',') ? strrchr(col[0], ',') + 1
                                               : col[0];
        unsigned long id = strtoul(idv, NULL, 0);
        if (!strcmp(field, "gre.key")) {
            id >>= 8;
        }
        /* The inner Ethernet addresses: the last of each. */
        const char *src = strrchr(col[1], ',');
        const char *dst = strrchr(col[2], ',');
        ck_assert_msg(src && dst, "%s: no inner Ethernet: %s", encap, line);
        src++;
        dst++;
        unsigned a[6];
        ck_assert_int_eq(sscanf(src, "%x:%x:%x:%x:%x:%x", &a[0], &a[1], &a[2],
                                &a[3], &a[4], &a[5]), 6);
        ck_assert_msg(a[0] == 0x00 && a[1] == 0x50 && a[2] == 0x56,
                      "%s: inner source %s", encap, src);
        unsigned k = a[3] << 16 | a[4] << 8 | a[5];
        ck_assert_uint_lt(k, 16);
        ck_assert_msg(id == 5000 + k / 8, "%s: VNI %lu for VM %u: %s", encap,
                      id, k, line);
        by_vni[k / 8]++;
        /* A (flooded or known) unicast to a VM of the same tenant. */
        ck_assert_int_eq(sscanf(dst, "%x:%x:%x:%x:%x:%x", &a[0], &a[1],
                                &a[2], &a[3], &a[4], &a[5]), 6);
        unsigned kd = a[3] << 16 | a[4] << 8 | a[5];
        ck_assert_msg(kd / 8 == k / 8, "%s: VM %u to VM %u", encap, k, kd);
        /* The inner IPv4 addresses are the VMs' (the last ip.src/dst). */
        char want[64];
        snprintf(want, sizeof want, "10.0.0.%u", k % 8 + 1);
        const char *isrc = strrchr(col[3], ',');
        ck_assert_msg(isrc && !strcmp(isrc + 1, want), "%s: inner ip.src "
                      "%s, VM %u", encap, col[3], k);
        snprintf(want, sizeof want, "10.0.0.%u", kd % 8 + 1);
        const char *idst = strrchr(col[4], ',');
        ck_assert_msg(idst && !strcmp(idst + 1, want), "%s: inner ip.dst "
                      "%s, VM %u", encap, col[4], kd);
        g_strfreev(col);
        n++;
    }
    ck_assert_int_eq(pclose(f), 0);
    g_free(cmd);
    ck_assert_uint_gt(n, 0);
    /* Every frame the PE sent or received crossed its one uplink. */
    ck_assert_uint_eq(n, pc->frames_out + pc->rx_frames);
    /* tshark has nothing to say about any of them: no malformed frame,
     * no expert note, warning or error. */
    cmd = g_strdup_printf(
        "tshark -r '%s/hv1-1-1.pcap' -o ip.try_heuristic_first:TRUE "
        "-Y '_ws.expert || _ws.malformed' 2>/dev/null | wc -l", dir);
    f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    ck_assert_int_eq(pclose(f), 0);
    ck_assert_msg(strtoul(line, NULL, 10) == 0, "%s: tshark's expert info "
                  "on %s frames", encap, line);
    g_free(cmd);
    ck_assert_uint_gt(by_vni[0], 0);
    ck_assert_uint_gt(by_vni[1], 0);
    nvo_test_scenario_free(cfg, sim, dir);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("overlay_out");
    TCase *tc = tcase_create("overlay_out");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, cpu_cycles_in_results, 0, 2);
    tcase_add_loop_test(tc, cpu_cited_defaults_in_run, 0, 2);
    tcase_add_test(tc, cpu_absent_is_missing);
    tcase_add_test(tc, bum_bytes_per_tier);
    tcase_add_test(tc, bad_cpu);
    tcase_add_loop_test(tc, pcap_every_encap, 0, 9);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
