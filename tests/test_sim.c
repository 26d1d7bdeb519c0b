/* test_sim.c: whole runs (sim.c, results.c) on the engine named by
 * $NVO_TEST_ENGINE: every shipped scenario runs and conserves frames, and
 * its results.xml validates against docs/results.rng; two runs with the
 * same seed write identical results apart from wall-clock fields; the
 * native and ns-3 engines agree event for event; a spine failure
 * reconverges onto the other spine with the loss counted; the 4x16x8
 * fabric runs with every hash function and each balances its flows over
 * the spines within a balls-into-bins bound. */
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "config.h"
#include "sim.h"
#include "testutil.h"

/* Runs scenario 'rel' (relative to the source tree) with overrides into a
 * fresh directory; returns the finished sim (results written) and sets
 * *cfg_out; the caller destroys both. */
static struct nvo_sim *
run_scenario(const char *rel, const char *engine, const char *const *sets,
             size_t n_sets, struct nvo_scenario_cfg **cfg_out, char **dir_out)
{
    GError *error = NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s", rel[0] == '/' ? rel : nvo_test_src(rel));
    struct nvo_scenario_cfg *cfg = nvo_scenario_load(path, sets, n_sets,
                                                     &error);
    ck_assert_msg(cfg, "%s: %s", rel, error ? error->message : "?");
    char *dir = nvo_test_tmpdir("sim");
    struct nvo_sim *sim = nvo_sim_create(cfg, engine, dir, &error);
    ck_assert_msg(sim, "%s: %s", rel, error ? error->message : "?");
    int rc = nvo_sim_run(sim, false);
    ck_assert_msg(rc == 0, "%s: conservation: generated %" PRIu64
                  " delivered %" PRIu64 " dropped %" PRIu64 " in flight %"
                  PRIu64, rel, sim->generated, sim->delivered, sim->dropped,
                  sim->in_flight);
    ck_assert_msg(!nvo_sim_write_results(sim, &error), "%s: %s", rel,
                  error ? error->message : "?");
    *cfg_out = cfg;
    *dir_out = dir;
    return sim;
}

static char *
slurp(const char *dir, const char *name)
{
    char *path = g_build_filename(dir, name, NULL);
    char *text = NULL;
    ck_assert_msg(g_file_get_contents(path, &text, NULL, NULL), "%s", path);
    g_free(path);
    return text;
}

/* results.xml without its wall-clock fields. */
static char *
results_without_wall(const char *dir)
{
    char *text = slurp(dir, "results.xml");
    GRegex *re = g_regex_new(" (wall-seconds|events-per-second)=\"[^\"]*\"",
                             0, 0, NULL);
    char *out = g_regex_replace_literal(re, text, -1, 0, "", 0, NULL);
    g_regex_unref(re);
    g_free(text);
    return out;
}

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
    ck_assert_msg(xmlRelaxNGValidateDoc(vc, doc) == 0, "%s is not valid", path);
    xmlRelaxNGFreeValidCtxt(vc);
    xmlFreeDoc(doc);
    xmlRelaxNGFree(schema);
    xmlRelaxNGFreeParserCtxt(pc);
    g_free(path);
}

static void
remove_dir(char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    if (d) {
        const char *name;
        while ((name = g_dir_read_name(d))) {
            char *p = g_build_filename(dir, name, NULL);
            remove(p);
            g_free(p);
        }
        g_dir_close(d);
    }
    remove(dir);
    free(dir);
}

START_TEST(every_scenario_runs)
{
    glob_t g;
    ck_assert_int_eq(glob(nvo_test_src("scenarios/*.xml"), 0, NULL, &g), 0);
    ck_assert_uint_ge(g.gl_pathc, 3);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        struct nvo_scenario_cfg *cfg;
        char *dir;
        struct nvo_sim *sim = run_scenario(g.gl_pathv[i], nvo_test_engine(),
                                           NULL, 0, &cfg, &dir);
        ck_assert_uint_gt(sim->generated, 0);
        ck_assert_uint_gt(sim->delivered, 0);
        check_schema(dir);
        /* summary.csv: a header and one row with as many fields. */
        char *csv = slurp(dir, "summary.csv");
        char **lines = g_strsplit(csv, "\n", -1);
        ck_assert_uint_eq(g_strv_length(lines), 3);
        ck_assert_str_eq(lines[2], "");
        char **h = g_strsplit(lines[0], ",", -1);
        char **r = g_strsplit(lines[1], ",", -1);
        ck_assert_uint_eq(g_strv_length(h), g_strv_length(r));
        ck_assert_str_eq(h[0], "scenario");
        ck_assert_str_eq(r[0], cfg->name);
        g_strfreev(h);
        g_strfreev(r);
        g_strfreev(lines);
        g_free(csv);
        nvo_sim_destroy(sim);
        nvo_scenario_cfg_destroy(cfg);
        remove_dir(dir);
    }
    globfree(&g);
}
END_TEST

/* Runs a scenario and keeps only what the determinism checks compare,
 * so that one run is finished before the next starts (the ns3 backend
 * allows one simulation per process). */
struct outcome {
    uint64_t fingerprint, n_executed, delivered;
    char *results;              /* results.xml without wall-clock fields */
};

static void
run_outcome(const char *rel, const char *engine, const char *const *sets,
            size_t n_sets, struct outcome *o)
{
    struct nvo_scenario_cfg *cfg;
    char *dir;
    struct nvo_sim *sim = run_scenario(rel, engine, sets, n_sets, &cfg, &dir);
    o->fingerprint = sim->engine->fingerprint;
    o->n_executed = sim->engine->n_executed;
    o->delivered = sim->delivered;
    o->results = results_without_wall(dir);
    nvo_sim_destroy(sim);
    nvo_scenario_cfg_destroy(cfg);
    remove_dir(dir);
}

START_TEST(every_topology_runs)
{
    /* Every shipped topology carries the web-search workload. */
    glob_t g;
    ck_assert_int_eq(glob(nvo_test_src("topologies/*.xml"), 0, NULL, &g), 0);
    ck_assert_uint_ge(g.gl_pathc, 4);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        char *base = g_path_get_basename(g.gl_pathv[i]);
        char *set = g_strdup_printf("topology.file=../topologies/%s", base);
        const char *const sets[] = { set, "run.duration=300us" };
        struct nvo_scenario_cfg *cfg;
        char *dir;
        struct nvo_sim *sim = run_scenario("scenarios/websearch.xml",
                                           nvo_test_engine(), sets, 2, &cfg,
                                           &dir);
        ck_assert_msg(sim->delivered > 0, "%s delivered nothing", base);
        ck_assert_uint_eq(nvo_net_n_nodes(sim->net), cfg->topo->n_nodes);
        nvo_sim_destroy(sim);
        nvo_scenario_cfg_destroy(cfg);
        remove_dir(dir);
        g_free(set);
        g_free(base);
    }
    globfree(&g);
}
END_TEST

START_TEST(determinism)
{
    static const char *const sets[] = { "run.duration=1ms" };
    struct outcome o1, o2, o3;
    run_outcome("scenarios/websearch.xml", nvo_test_engine(), sets, 1, &o1);
    run_outcome("scenarios/websearch.xml", nvo_test_engine(), sets, 1, &o2);
    ck_assert_str_eq(o1.results, o2.results);
    ck_assert_uint_eq(o1.fingerprint, o2.fingerprint);
    /* Another run number: other flows, another fingerprint. */
    static const char *const sets3[] = { "run.duration=1ms", "run.run=2" };
    run_outcome("scenarios/websearch.xml", nvo_test_engine(), sets3, 2, &o3);
    ck_assert_uint_ne(o1.fingerprint, o3.fingerprint);
    g_free(o1.results);
    g_free(o2.results);
    g_free(o3.results);
}
END_TEST

/* The backend to compare the one under test with: native when ns-3 is
 * under test, ns-3 (where it is built) when native is, so that both
 * registrations compare two different backends; NULL without ns-3. */
static const char *
other_engine(void)
{
    if (strcmp(nvo_test_engine(), "native")) {
        return "native";
    }
    return nvo_engine_lookup("ns3") ? "ns3" : NULL;
}

START_TEST(same_as_other_backend)
{
    /* The native and ns-3 backends execute exactly the same event
     * sequence: same fingerprint, same counters, same results. */
    static const char *const sets[] = { "run.duration=1ms" };
    const char *other = other_engine();
    ck_assert_ptr_nonnull(other);
    ck_assert_str_ne(other, nvo_test_engine());
    struct outcome o1, o2;
    run_outcome("scenarios/spine-failure.xml", nvo_test_engine(), sets, 1, &o1);
    run_outcome("scenarios/spine-failure.xml", other, sets, 1, &o2);
    ck_assert_uint_gt(o1.n_executed, 1000);
    ck_assert_uint_eq(o1.fingerprint, o2.fingerprint);
    ck_assert_uint_eq(o1.n_executed, o2.n_executed);
    ck_assert_uint_eq(o1.delivered, o2.delivered);
    /* Only the engine's name differs in the results. */
    GRegex *re = g_regex_new(" engine=\"[a-z0-9]+\"", 0, 0, NULL);
    char *a = g_regex_replace_literal(re, o1.results, -1, 0, "", 0, NULL);
    char *b = g_regex_replace_literal(re, o2.results, -1, 0, "", 0, NULL);
    ck_assert_str_eq(a, b);
    g_regex_unref(re);
    g_free(a);
    g_free(b);
    g_free(o1.results);
    g_free(o2.results);
}
END_TEST

START_TEST(spine_failure)
{
    /* spine1 dies at 1ms and returns at 2ms; routes converge 200us after
     * each change. */
    struct nvo_scenario_cfg *cfg;
    char *dir;
    struct nvo_sim *sim = run_scenario("scenarios/spine-failure.xml",
                                       nvo_test_engine(), NULL, 0, &cfg, &dir);
    struct nvo_net *net = sim->net;
    uint64_t port_drops[NVO_DROP_N], node_drops[NVO_NODE_DROP_N];
    uint64_t drops = nvo_net_drops(net, port_drops, node_drops);
    /* The loss is counted, and only as failure loss. */
    ck_assert_uint_gt(drops, 0);
    ck_assert_uint_eq(drops, port_drops[NVO_DROP_LINK_DOWN]
                             + node_drops[NVO_NODE_DROP_NODE_DOWN]
                             + port_drops[NVO_DROP_QUEUE]);
    ck_assert_uint_gt(port_drops[NVO_DROP_LINK_DOWN]
                      + node_drops[NVO_NODE_DROP_NODE_DOWN], 0);
    /* Start, after the failure, after the repair. */
    ck_assert_uint_eq(net->n_route_computations, 3);
    ck_assert_int_eq(net->last_convergence, 2200 * NVO_US);
    /* Loss is bounded by the 200us convergence window: far fewer frames
     * lost than delivered. */
    ck_assert_uint_lt(drops * 20, sim->delivered);
    nvo_sim_destroy(sim);
    nvo_scenario_cfg_destroy(cfg);
    remove_dir(dir);

    /* With spine1 down for good, after convergence only spine2 carries
     * traffic: leaf1's uplink to spine1 sends nothing after 1.2ms. */
    static const char *const sets[] = { "events.node-up[1].at=10s",
                                        "run.duration=1200us" };
    sim = run_scenario("scenarios/spine-failure.xml", nvo_test_engine(),
                       sets, 2, &cfg, &dir);
    int leaf1 = nvo_net_find(sim->net, "leaf1");
    int spine1 = nvo_net_find(sim->net, "spine1");
    ck_assert_int_ge(leaf1, 0);
    struct nvo_node *l1 = nvo_net_node(sim->net, (uint32_t) leaf1);
    uint32_t to_spine1 = UINT32_MAX;
    for (uint32_t p = 0; p < l1->n_ports; p++) {
        if (l1->peer[p] == (uint32_t) spine1) {
            to_spine1 = p;
        }
    }
    ck_assert_uint_ne(to_spine1, UINT32_MAX);
    uint64_t before = l1->ports[to_spine1].st.tx_frames[NVO_TC_DATA];
    nvo_engine_run(sim->engine, 3 * NVO_MS);
    ck_assert_uint_eq(l1->ports[to_spine1].st.tx_frames[NVO_TC_DATA], before);
    ck_assert_uint_eq(nvo_node_n_next_hops(l1, (uint32_t) nvo_net_find(sim->net,
                                                                       "leaf2")), 1);
    nvo_sim_destroy(sim);
    nvo_scenario_cfg_destroy(cfg);
    remove_dir(dir);
}
END_TEST

START_TEST(dual_homed_failover)
{
    /* leaf1 dies for good at 1ms; the hypervisors homed on leaf1 and leaf2
     * move their flows to leaf2 once routes converge (200us): nothing is
     * left waiting on the dead uplinks, and they keep sending. */
    static const char *const sets[] = {
        "topology.file=../topologies/dual-homed.xml",
        "events.node-down.node=leaf1", "events.node-up.node=leaf1",
        "events.node-up.at=10s",
    };
    GError *error = NULL;
    struct nvo_scenario_cfg *cfg = nvo_scenario_load(
        nvo_test_src("scenarios/spine-failure.xml"), sets, 4, &error);
    ck_assert_msg(cfg, "%s", error ? error->message : "?");
    char *dir = nvo_test_tmpdir("failover");
    struct nvo_sim *sim = nvo_sim_create(cfg, nvo_test_engine(), dir, &error);
    ck_assert_msg(sim, "%s", error ? error->message : "?");
    nvo_engine_run(sim->engine, 1300 * NVO_US);
    int hv = nvo_net_find(sim->net, "hv1-1");
    int leaf2 = nvo_net_find(sim->net, "leaf2");
    ck_assert_int_ge(hv, 0);
    struct nvo_node *h = nvo_net_node(sim->net, (uint32_t) hv);
    uint32_t up = UINT32_MAX;
    for (uint32_t p = 0; p < h->n_ports; p++) {
        if (h->peer[p] == (uint32_t) leaf2) {
            up = p;
        }
    }
    ck_assert_uint_ne(up, UINT32_MAX);
    uint64_t before = h->ports[up].st.tx_frames[NVO_TC_DATA];
    ck_assert_int_eq(nvo_sim_run(sim, false), 0);
    ck_assert_uint_gt(h->ports[up].st.tx_frames[NVO_TC_DATA], before);
    struct nvo_traffic_stats ts;
    nvo_traffic_get_stats(sim->traffic, &ts);
    ck_assert_uint_eq(ts.flows_stalled, 0);
    ck_assert_uint_eq(sim->net->n_route_computations, 2);
    nvo_sim_destroy(sim);
    nvo_scenario_cfg_destroy(cfg);
    remove_dir(dir);
}
END_TEST

/* Balls into bins: F balls thrown independently and uniformly into k
 * bins.  Each bin's load is Binomial(F, 1/k): mean F/k, standard
 * deviation sigma = sqrt(F (1/k) (1 - 1/k)).  By the normal approximation
 * (F/k is in the hundreds here) one bin leaves mean +- z sigma with
 * probability 2 P(Z > z); z = 5 gives 5.7e-7 per bin, so with 4 bins and
 * 12 hash/seed runs the chance that a uniform hash fails is below 3e-5
 * (and the runs are deterministic: it passes or fails the same way every
 * time).  The bound on the spread of max/mean is then
 * z sigma / (F/k) = z sqrt((k - 1) / F): 0.17 for F = 2456, k = 4.
 * A hash that sends every flow to one spine has max/mean = k = 4, and one
 * that uses only two of four has 2: both are far outside.  Returns true
 * if every bin of x[0..k-1] is within the bound. */
static bool
balls_in_bins_ok(const uint64_t *x, uint32_t k, double z, double *worst_z)
{
    uint64_t f = 0;
    for (uint32_t j = 0; j < k; j++) {
        f += x[j];
    }
    double mean = (double) f / k;
    double sigma = sqrt((double) f * (1.0 / k) * (1.0 - 1.0 / k));
    *worst_z = 0;
    for (uint32_t j = 0; j < k; j++) {
        double dz = fabs((double) x[j] - mean) / sigma;
        *worst_z = fmax(*worst_z, dz);
    }
    return f > 0 && *worst_z <= z;
}

START_TEST(every_hash_on_4x16x8)
{
    /* Permutation traffic of 16 KB flows (so ~2,500 flows in 500us) on the
     * 4x16x8 fabric.  Only leaves choose among next hops (a spine has one
     * link to each leaf); the balls are the flows a leaf sends up, the
     * bins the four spines (pooled over the 16 leaves: each flow's choice
     * is independent of the others').  "random" sprays each packet, so
     * there the balls are the frames. */
    static const char *const fns[] = { "crc32", "crc16", "toeplitz",
                                       "xor-fold", "jenkins", "random" };
    enum { K = 4 };
    const double z = 5;

    /* The bound rejects a hash that sends every flow to one spine, or that
     * leaves one spine idle, at this test's flow count. */
    double wz;
    const uint64_t one_spine[K] = { 2456, 0, 0, 0 };
    ck_assert(!balls_in_bins_ok(one_spine, K, z, &wz));
    ck_assert_double_gt(wz, 50);
    const uint64_t three_spines[K] = { 819, 819, 818, 0 };
    ck_assert(!balls_in_bins_ok(three_spines, K, z, &wz));
    const uint64_t even[K] = { 614, 614, 614, 614 };
    ck_assert(balls_in_bins_ok(even, K, z, &wz));
    ck_assert_double_eq(wz, 0);

    for (size_t i = 0; i < NVO_ARRAY_SIZE(fns); i++) {
        for (int fabric = 0; fabric < 2; fabric++) {
            char f[64], s[64];
            snprintf(f, sizeof f, "underlay.ecmp.function=%s", fns[i]);
            snprintf(s, sizeof s, "underlay.ecmp.seed=%s",
                     fabric ? "fabric" : "per-switch");
            const char *const sets[] = { f, s, "run.duration=500us",
                                         "traffic.flows.size.fixed=16KB" };
            struct nvo_scenario_cfg *cfg;
            char *dir;
            struct nvo_sim *sim = run_scenario("scenarios/ecmp-permutation.xml",
                                               nvo_test_engine(), sets, 4,
                                               &cfg, &dir);
            ck_assert_uint_eq(nvo_net_n_nodes(sim->net), 4 + 16 + 128);
            ck_assert_str_eq(nvo_hash_fn_name(sim->net->cfg.ecmp.fn), fns[i]);
            ck_assert_uint_gt(sim->delivered, 1000);
            bool spray = sim->net->cfg.ecmp.fn == NVO_HASH_RANDOM;
            uint64_t bins[K] = { 0 };
            uint32_t spines[K], n_spines = 0;   /* node index of each bin */
            uint32_t n_leaves = 0;
            for (uint32_t n = 0; n < nvo_net_n_nodes(sim->net); n++) {
                const struct nvo_node *leaf = nvo_net_node(sim->net, n);
                if (leaf->role != NVO_ROLE_LEAF) {
                    continue;
                }
                n_leaves++;
                uint32_t j = 0;
                for (uint32_t p = 0; p < leaf->n_ports; p++) {
                    const struct nvo_node *peer = nvo_net_node(sim->net,
                                                               leaf->peer[p]);
                    if (peer->role != NVO_ROLE_SPINE) {
                        continue;
                    }
                    ck_assert_uint_lt(j, K);
                    /* Bin by spine, not by port number. */
                    uint32_t b = 0;
                    while (b < n_spines && spines[b] != leaf->peer[p]) {
                        b++;
                    }
                    if (b == n_spines) {
                        ck_assert_uint_lt(n_spines, K);
                        spines[n_spines++] = leaf->peer[p];
                    }
                    bins[b] += spray ? leaf->ports[p].st.tx_frames[NVO_TC_DATA]
                                     : leaf->port_flows[p];
                    j++;
                }
                ck_assert_uint_eq(j, K);
            }
            ck_assert_uint_eq(n_leaves, 16);
            ck_assert_uint_eq(n_spines, K);
            uint64_t balls = bins[0] + bins[1] + bins[2] + bins[3];
            /* Enough balls for the bound to be tight (max/mean within
             * 1 + 5 sqrt(3/2000) = 1.19). */
            ck_assert_uint_gt(balls, 2000);
            ck_assert_msg(balls_in_bins_ok(bins, K, z, &wz),
                          "%s %s: %" PRIu64 " %s per spine %" PRIu64 " %"
                          PRIu64 " %" PRIu64 " %" PRIu64 ": %.2f sigma from "
                          "the mean (bound %.0f)", fns[i], s,
                          balls, spray ? "frames" : "flows", bins[0], bins[1],
                          bins[2], bins[3], wz, z);
            nvo_sim_destroy(sim);
            nvo_scenario_cfg_destroy(cfg);
            remove_dir(dir);
        }
    }
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("sim");
    TCase *tc = tcase_create(nvo_test_engine());
    tcase_add_test(tc, every_scenario_runs);
    tcase_add_test(tc, every_topology_runs);
    tcase_add_test(tc, determinism);
    if (other_engine()) {
        tcase_add_test(tc, same_as_other_backend);
    }
    tcase_add_test(tc, spine_failure);
    tcase_add_test(tc, dual_homed_failover);
    tcase_add_test(tc, every_hash_on_4x16x8);
    tcase_set_timeout(tc, 600);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
