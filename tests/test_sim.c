/* test_sim.c: whole runs (sim.c, results.c) on the engine named by
 * $NVO_TEST_ENGINE: every shipped scenario runs and conserves frames, and
 * its results.xml validates against docs/results.rng; two runs with the
 * same seed write identical results apart from wall-clock fields; the
 * native and ns-3 engines agree event for event; a spine failure
 * reconverges onto the other spine with the loss counted; the 4x16x8
 * fabric runs with every hash function and each balances its flows over
 * the spines within a balls-into-bins bound; a metric without samples is
 * missing (an empty cell, no attribute), never 0; warnings for hashed
 * fields the traffic lacks and for a run without traffic; the node list
 * of results.xml. */
#include <errno.h>
#include <glob.h>
#include <sys/wait.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xpath.h>

#include "io/config.h"
#include "run/sim.h"
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
    /* The suite's scheduler, unless the scenario or its --set chose one
     * (only for the suite's own engine). */
    if (!cfg->scheduler && !strcmp(engine, nvo_test_engine())) {
        cfg->scheduler = nvo_test_scheduler();
    }
    struct nvo_sim *sim = nvo_sim_create(cfg, engine, dir, &error);
    ck_assert_msg(sim, "%s: %s", rel, error ? error->message : "?");
    if (cfg->scheduler && sim->engine->ops->scheduler) {
        ck_assert_str_eq(sim->engine->ops->scheduler, cfg->scheduler);
    }
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

/* 'dir'/results.xml is well-formed XML: libxml2's parser reports no
 * error, and so does "xmllint --noout" where it is installed. */
static int n_parse_errors;

static void
count_error__(void *ctx, xmlErrorPtr e)
{
    (void) ctx;
    (void) e;
    n_parse_errors++;
}

static void
check_well_formed(const char *dir)
{
    char *path = g_build_filename(dir, "results.xml", NULL);
    n_parse_errors = 0;
    xmlSetStructuredErrorFunc(NULL, count_error__);
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    xmlSetStructuredErrorFunc(NULL, NULL);
    ck_assert_msg(doc && !n_parse_errors, "%s: not well-formed", path);
    xmlFreeDoc(doc);
    char *xmllint = g_find_program_in_path("xmllint");
    if (xmllint) {
        char *argv[] = { xmllint, "--noout", path, NULL };
        char *err = NULL;
        int status;
        ck_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, &err, &status, NULL));
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0
                      && !*err, "xmllint --noout %s: %s", path, err);
        g_free(err);
        g_free(xmllint);
    }
    g_free(path);
}

/* The value of the XPath expression 'expr' (a string or a number) in
 * DIR/results.xml, as text. */
static char *
xpath_text(const char *dir, const char *expr)
{
    char *path = g_build_filename(dir, "results.xml", NULL);
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    ck_assert_ptr_nonnull(doc);
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr obj = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    ck_assert_msg(obj, "%s", expr);
    xmlChar *v = xmlXPathCastToString(obj);
    char *out = g_strdup((const char *) v);
    xmlFree(v);
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    g_free(path);
    return out;
}

static void
check_xpath(const char *dir, const char *expr, const char *want)
{
    char *v = xpath_text(dir, expr);
    ck_assert_msg(!strcmp(v, want), "%s: \"%s\", expected \"%s\"", expr, v,
                  want);
    g_free(v);
}


static void
check_cell(const char *dir, const char *col, const char *want)
{
    char *v = nvo_test_summary_cell(dir, col);
    ck_assert_msg(!strcmp(v, want), "summary.csv %s: \"%s\", expected "
                  "\"%s\"", col, v, want);
    g_free(v);
}

static double
cell_number(const char *dir, const char *col)
{
    char *v = nvo_test_summary_cell(dir, col);
    ck_assert_msg(*v, "summary.csv %s is empty", col);
    double x = g_ascii_strtod(v, NULL);
    g_free(v);
    return x;
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
        check_well_formed(dir);
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
        nvo_test_scenario_free(cfg, sim, dir);
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
    nvo_test_scenario_free(cfg, sim, dir);
}

START_TEST(every_scenario_same_as_heap4)
{
    /* Every shipped scenario, whole: the engine and scheduler under test
     * execute exactly the native heap4 scheduler's event sequence. */
    static const char *const heap4[] = { "run.scheduler=heap4" };
    glob_t g;
    ck_assert_int_eq(glob(nvo_test_src("scenarios/*.xml"), 0, NULL, &g), 0);
    ck_assert_uint_ge(g.gl_pathc, 3);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        struct outcome o1, o2;
        run_outcome(g.gl_pathv[i], nvo_test_engine(), NULL, 0, &o1);
        run_outcome(g.gl_pathv[i], "native", heap4, 1, &o2);
        ck_assert_msg(o1.fingerprint == o2.fingerprint, "%s: fingerprint "
                      "%016" PRIx64 " against heap4's %016" PRIx64,
                      g.gl_pathv[i], o1.fingerprint, o2.fingerprint);
        ck_assert_uint_eq(o1.n_executed, o2.n_executed);
        ck_assert_uint_eq(o1.delivered, o2.delivered);
        ck_assert_uint_gt(o1.n_executed, 1000);
        g_free(o1.results);
        g_free(o2.results);
    }
    globfree(&g);
}
END_TEST

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
        nvo_test_scenario_free(cfg, sim, dir);
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
    nvo_test_scenario_free(cfg, sim, dir);

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
    nvo_test_scenario_free(cfg, sim, dir);
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
    struct nvo_scenario_cfg *cfg;
    struct nvo_sim *sim;
    char *dir;
    nvo_test_scenario(nvo_test_src("scenarios/spine-failure.xml"), sets, 4,
                      "failover", false, &cfg, &sim, &dir);
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
    nvo_test_scenario_free(cfg, sim, dir);
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
            nvo_test_scenario_free(cfg, sim, dir);
        }
    }
}
END_TEST

START_TEST(missing_metrics)
{
    /* A 3-stage fabric in 100us: one flow started, none completed, and no
     * super-spines above the spines. */
    static const char *const sets[] = { "run.duration=100us" };
    struct nvo_scenario_cfg *cfg;
    char *dir;
    struct nvo_sim *sim = run_scenario("scenarios/spine-failure.xml",
                                       nvo_test_engine(), sets, 1, &cfg,
                                       &dir);
    check_schema(dir);
    check_cell(dir, "flows_completed", "0");
    static const char *const empty[] = {
        "fct_mean_us", "fct_p50_us", "fct_p99_us", "spine_up_jain",
        "spine_up_max_over_mean",
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(empty); i++) {
        check_cell(dir, empty[i], "");
    }
    /* What was measured is there: the leaves' 2 up-links each. */
    double jain = cell_number(dir, "leaf_up_jain");
    ck_assert(jain >= 1.0 / 8 && jain <= 1);
    ck_assert(cell_number(dir, "latency_p50_us") > 0);
    ck_assert(cell_number(dir, "drop_rate") == 0);
    /* results.xml: a count of 0 and no values; no spine role. */
    check_xpath(dir, "string(//flow-completion/@count)", "0");
    check_xpath(dir, "count(//flow-completion/@*)", "1");
    check_xpath(dir, "count(//ecmp/role[@name='spine'])", "0");
    check_xpath(dir, "count(//ecmp/role[@name='leaf']/@jain)", "1");
    /* The spines' switch elements are absent too: no up-links. */
    check_xpath(dir, "count(//ecmp/switch[@role='spine'])", "0");
    /* No warning: the traffic carries the 5-tuple it hashes. */
    ck_assert_uint_eq(sim->warnings->len, 0);
    check_xpath(dir, "count(/results/warning)", "0");
    nvo_test_scenario_free(cfg, sim, dir);

    /* A 5-stage fabric measures the spines' up-links (8 of them). */
    static const char *const five[] = {
        "topology.file=../topologies/five-stage-small.xml",
        "run.duration=2ms",
    };
    sim = run_scenario("scenarios/websearch.xml", nvo_test_engine(), five,
                       2, &cfg, &dir);
    check_schema(dir);
    jain = cell_number(dir, "spine_up_jain");
    ck_assert(jain >= 1.0 / 8 && jain <= 1);
    ck_assert(cell_number(dir, "spine_up_max_over_mean") >= 1);
    check_xpath(dir, "string(//ecmp/role[@name='spine']/@n)", "8");
    /* Jain's index of each spine, averaged over those that carried
     * traffic up. */
    char *measured = xpath_text(dir, "string(//ecmp/role[@name='spine']"
                                "/@switches-measured)");
    char *expr = g_strdup_printf("count(//ecmp/switch[@role='spine'][@jain])"
                                 " = %s", measured);
    check_xpath(dir, expr, "true");
    g_free(expr);
    g_free(measured);
    nvo_test_scenario_free(cfg, sim, dir);
}
END_TEST

START_TEST(no_traffic)
{
    /* A flow every 20s or so: none in 3ms. */
    static const char *const sets[] = { "traffic.flows.arrival.load=1e-5" };
    struct nvo_scenario_cfg *cfg;
    char *dir;
    struct nvo_sim *sim = run_scenario("scenarios/spine-failure.xml",
                                       nvo_test_engine(), sets, 1, &cfg,
                                       &dir);
    ck_assert_uint_eq(sim->generated, 0);
    check_schema(dir);
    /* Nothing offered: no drop rate, no latency, no balance. */
    static const char *const empty[] = {
        "drop_rate", "latency_mean_us", "latency_p50_us", "latency_p99_us",
        "fct_mean_us", "fct_p50_us", "fct_p99_us", "leaf_up_jain",
        "leaf_up_max_over_mean", "spine_up_jain", "spine_up_max_over_mean",
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(empty); i++) {
        check_cell(dir, empty[i], "");
    }
    check_cell(dir, "frames_generated", "0");
    check_cell(dir, "flows_started", "0");
    check_xpath(dir, "count(//packet-latency/@*)", "1");
    /* The leaves' up-links carried nothing: a balance of n entries and no
     * measures. */
    check_xpath(dir, "count(//ecmp/role[@name='leaf']/@*)", "4");
    check_xpath(dir, "string(//ecmp/role[@name='leaf']/@switches-measured)",
                "0");
    check_xpath(dir, "string(//ecmp/role[@name='leaf']/@n)", "8");
    /* No queueing was measured on any link. */
    check_xpath(dir, "count(//link/@mean-queue-delay-us)", "0");
    /* The warning: kept once, in results.xml too. */
    ck_assert_uint_eq(sim->warnings->len, 1);
    const struct nvo_sim_warning *w = g_ptr_array_index(sim->warnings, 0);
    ck_assert_str_eq(w->about, "no-traffic");
    ck_assert_str_eq(w->text, "no traffic: 0 frames generated in 3ms (no "
                     "flow started before the end); rates, latencies, "
                     "completion times and balance are missing");
    check_xpath(dir, "count(/results/warning)", "1");
    check_xpath(dir, "string(/results/warning/@about)", "no-traffic");
    check_xpath(dir, "string(/results/warning)", w->text);
    nvo_sim_warn(sim, "no-traffic", "%s", w->text);
    ck_assert_uint_eq(sim->warnings->len, 1);
    nvo_test_scenario_free(cfg, sim, dir);
}
END_TEST

START_TEST(ecmp_field_warnings)
{
    static const struct {
        const char *fields, *text;      /* NULL: no warning */
    } cases[] = {
        { "5-tuple", NULL },
        { "src-ip,dst-ip", NULL },
        { "5-tuple,gre-key", "the ECMP hash fields gre-key are not in this "
          "run's frames (plain UDP/TCP underlay traffic has no GRE key, "
          "MPLS entropy label or inner headers): the switches hash "
          "src-ip,dst-ip,proto,src-port,dst-port alone" },
        { "src-ip,mpls-el,inner", "the ECMP hash fields mpls-el,inner are "
          "not in this run's frames (plain UDP/TCP underlay traffic has no "
          "GRE key, MPLS entropy label or inner headers): the switches hash "
          "src-ip alone" },
        { "gre-key", "the ECMP hash fields gre-key are not in this run's "
          "frames (plain UDP/TCP underlay traffic has no GRE key, MPLS "
          "entropy label or inner headers): the switches hash nothing that "
          "differs between flows, so all flows hash alike" },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(cases); i++) {
        char f[128];
        snprintf(f, sizeof f, "underlay.ecmp.fields=%s", cases[i].fields);
        const char *const sets[] = { f, "run.duration=200us" };
        struct nvo_scenario_cfg *cfg;
        char *dir;
        struct nvo_sim *sim = run_scenario("scenarios/spine-failure.xml",
                                           nvo_test_engine(), sets, 2, &cfg,
                                           &dir);
        check_schema(dir);
        if (!cases[i].text) {
            ck_assert_msg(sim->warnings->len == 0, "%s: warned", f);
            check_xpath(dir, "count(/results/warning)", "0");
        } else {
            ck_assert_msg(sim->warnings->len == 1, "%s: %u warnings", f,
                          sim->warnings->len);
            const struct nvo_sim_warning *w =
                g_ptr_array_index(sim->warnings, 0);
            ck_assert_str_eq(w->about, "ecmp-fields");
            ck_assert_str_eq(w->text, cases[i].text);
            check_xpath(dir, "string(/results/warning[@about="
                        "'ecmp-fields'])", cases[i].text);
        }
        nvo_test_scenario_free(cfg, sim, dir);
    }
    /* Random spraying hashes no field: nothing to warn about. */
    const char *const sets[] = { "underlay.ecmp.fields=gre-key",
                                 "underlay.ecmp.function=random",
                                 "run.duration=200us" };
    struct nvo_scenario_cfg *cfg;
    char *dir;
    struct nvo_sim *sim = run_scenario("scenarios/spine-failure.xml",
                                       nvo_test_engine(), sets, 3, &cfg,
                                       &dir);
    ck_assert_uint_eq(sim->warnings->len, 0);
    nvo_test_scenario_free(cfg, sim, dir);
}
END_TEST
/* The value of attribute 'attr' of the first element 'elem' in
 * 'dir'/results.xml (g_free). */
static char *
result_attr(const char *dir, const char *elem, const char *attr)
{
    char *path = g_build_filename(dir, "results.xml", NULL);
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    ck_assert_ptr_nonnull(doc);
    char *v = NULL;
    for (xmlNode *n = xmlDocGetRootElement(doc)->children; n && !v;
         n = n->next) {
        if (n->type == XML_ELEMENT_NODE && !strcmp((char *) n->name, elem)) {
            xmlChar *x = xmlGetProp(n, BAD_CAST attr);
            ck_assert_msg(x, "<%s> has no %s", elem, attr);
            v = g_strdup((char *) x);
            xmlFree(x);
        }
    }
    ck_assert_msg(v, "no <%s> in %s", elem, path);
    xmlFreeDoc(doc);
    g_free(path);
    return v;
}

/* The value of column 'col' of 'dir'/summary.csv (g_free). */
static char *
summary_value(const char *dir, const char *col)
{
    char *csv = slurp(dir, "summary.csv");
    char **lines = g_strsplit(csv, "\n", -1);
    char **h = g_strsplit(lines[0], ",", -1);
    char **r = g_strsplit(lines[1], ",", -1);
    char *v = NULL;
    for (guint i = 0; h[i] && r[i] && !v; i++) {
        if (!strcmp(h[i], col)) {
            v = g_strdup(r[i]);
        }
    }
    ck_assert_msg(v, "summary.csv has no %s", col);
    g_strfreev(h);
    g_strfreev(r);
    g_strfreev(lines);
    g_free(csv);
    return v;
}

static void
assert_u64_attr(const char *dir, const char *elem, const char *attr,
                uint64_t want)
{
    char *v = result_attr(dir, elem, attr);
    char *w = g_strdup_printf("%" PRIu64, want);
    ck_assert_msg(!strcmp(v, w), "<%s %s=\"%s\">, expected %s", elem, attr,
                  v, w);
    g_free(v);
    g_free(w);
}

/* What the flow accounting tests compare between two runs. */
struct fates {
    uint64_t started, completed, running, lost, dropped, in_flight;
    nvo_time_t end;
};

/* websearch.xml with 64KiB queues everywhere (so that the fabric drops),
 * flows arriving for 'duration', with or without a drain: every flow is
 * completed, running or lost, in the sim, in results.xml and in
 * summary.csv alike; FCTs cover the completed ones. */
static void
run_fates(const char *duration, bool drain, const char *limit,
          struct fates *f, char **drain_end)
{
    char *d = g_strdup_printf("run.duration=%s", duration);
    char *l = g_strdup_printf("run.drain-limit=%s", limit ? limit : "1s");
    const char *const sets[] = {
        d, drain ? "run.drain=true" : "run.drain=false", l,
        "topology.defaults.access.queue=64KiB",
        "topology.defaults.fabric.queue=64KiB",
    };
    struct nvo_scenario_cfg *cfg;
    char *dir;
    struct nvo_sim *sim = run_scenario("scenarios/websearch.xml",
                                       nvo_test_engine(), sets, 5, &cfg,
                                       &dir);
    struct nvo_traffic_stats ts;
    nvo_traffic_get_stats(sim->traffic, &ts);
    f->started = ts.flows_started;
    f->completed = ts.flows_completed;
    f->running = ts.flows_running;
    f->lost = ts.flows_lost;
    f->dropped = sim->dropped;
    f->in_flight = sim->in_flight;
    f->end = nvo_engine_now(sim->engine);
    ck_assert_uint_eq(ts.flows_unaccounted, 0);
    ck_assert_uint_eq(f->started, f->completed + f->running + f->lost);
    ck_assert_uint_eq(ts.fct->n, f->completed);
    /* A lost flow lost at least one frame; a drop loses a flow. */
    ck_assert_uint_le(f->lost, f->dropped);
    ck_assert_uint_eq(f->lost > 0, f->dropped > 0);
    assert_u64_attr(dir, "traffic", "flows-started", f->started);
    assert_u64_attr(dir, "traffic", "flows-completed", f->completed);
    assert_u64_attr(dir, "traffic", "flows-running", f->running);
    assert_u64_attr(dir, "traffic", "flows-lost", f->lost);
    static const char *const cols[] = { "flows_started", "flows_completed",
                                        "flows_running", "flows_lost" };
    const uint64_t vals[] = { f->started, f->completed, f->running,
                              f->lost };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(cols); i++) {
        char *v = summary_value(dir, cols[i]);
        ck_assert_uint_eq(g_ascii_strtoull(v, NULL, 10), vals[i]);
        g_free(v);
    }
    char *dr = result_attr(dir, "run", "drain");
    ck_assert_str_eq(dr, drain ? "true" : "false");
    g_free(dr);
    *drain_end = drain ? result_attr(dir, "run", "drain-end") : NULL;
    check_schema(dir);
    nvo_test_scenario_free(cfg, sim, dir);
    g_free(d);
    g_free(l);
}

START_TEST(flows_accounted)
{
    /* Cut off at 20ms: some flows lost, some still running. */
    struct fates cut, drained, limited;
    char *end = NULL;
    run_fates("20ms", false, NULL, &cut, &end);
    ck_assert_uint_gt(cut.lost, 0);
    ck_assert_uint_gt(cut.running, 0);
    ck_assert_int_eq(cut.end, 20 * NVO_MS);

    /* Drained: the same flows (arrivals stop at 20ms either way), none
     * running, the network empty, later than 20ms.  Whatever completed
     * or was lost by 20ms still is. */
    run_fates("20ms", true, NULL, &drained, &end);
    ck_assert_str_eq(end, "empty");
    g_free(end);
    ck_assert_uint_eq(drained.started, cut.started);
    ck_assert_uint_eq(drained.running, 0);
    ck_assert_uint_eq(drained.in_flight, 0);
    ck_assert_uint_eq(drained.completed, drained.started - drained.lost);
    ck_assert_uint_ge(drained.completed, cut.completed);
    ck_assert_uint_ge(drained.lost, cut.lost);
    ck_assert_int_gt(drained.end, 20 * NVO_MS);

    /* A drain limit of 10us: it stops there, with flows still running. */
    run_fates("20ms", true, "10us", &limited, &end);
    ck_assert_str_eq(end, "limit");
    g_free(end);
    ck_assert_uint_eq(limited.started, cut.started);
    ck_assert_uint_gt(limited.running, 0);
    ck_assert_int_ge(limited.end, 20 * NVO_MS + 10 * NVO_US);
    ck_assert_int_lt(limited.end, 20 * NVO_MS + 20 * NVO_US);
}
END_TEST

/* A drain runs no timed event later than the duration: spine1, down at
 * 1ms, stays down (its node-up at 2ms is after the 1500us duration), and
 * the run ends once the network is empty. */
START_TEST(drain_skips_later_events)
{
    static const char *const sets[] = { "run.duration=1500us",
                                        "run.drain=true" };
    struct nvo_scenario_cfg *cfg;
    char *dir;
    struct nvo_sim *sim = run_scenario("scenarios/spine-failure.xml",
                                       nvo_test_engine(), sets, 2, &cfg,
                                       &dir);
    int spine1 = nvo_net_find(sim->net, "spine1");
    ck_assert_int_ge(spine1, 0);
    ck_assert(!nvo_net_node(sim->net, (uint32_t) spine1)->up);
    ck_assert(!sim->drain_limit_hit);
    ck_assert_uint_eq(sim->flows_running, 0);
    ck_assert_uint_eq(sim->in_flight, 0);
    ck_assert_uint_eq(sim->flows_completed + sim->flows_lost,
                      sim->flows_started);
    ck_assert_uint_eq(nvo_engine_n_pending(sim->engine), 0);
    ck_assert_int_gt(nvo_engine_now(sim->engine), 1500 * NVO_US);
    nvo_test_scenario_free(cfg, sim, dir);
}
END_TEST

START_TEST(node_list)
{
    for (int v6 = 0; v6 < 2; v6++) {
        const char *const sets[] = { "run.duration=100us",
                                     v6 ? "underlay.ip=ipv6"
                                        : "underlay.ip=ipv4" };
        struct nvo_scenario_cfg *cfg;
        char *dir;
        struct nvo_sim *sim = run_scenario("scenarios/spine-failure.xml",
                                           nvo_test_engine(), sets, 2, &cfg,
                                           &dir);
        check_schema(dir);
        /* leaf-spine-small: 2 spines, 4 leaves, 8 hypervisors. */
        check_xpath(dir, "count(/results/network/node)", "14");
        check_xpath(dir, "count(/results/network/node[@role='hypervisor'])",
                    "8");
        check_xpath(dir, "count(/results/network/node[@role='spine'])", "2");
        /* In topology order; leaf1 is the third node: its loopback and
         * MAC from its index, as in the frames it sends. */
        check_xpath(dir, "string(/results/network/node[3]/@name)", "leaf1");
        check_xpath(dir, "string(/results/network/node[3]/@role)", "leaf");
        check_xpath(dir, "string(/results/network/node[3]/@address)",
                    v6 ? "fd00::3" : "10.0.0.3");
        check_xpath(dir, "string(/results/network/node[3]/@mac)",
                    "02:fe:00:00:00:03");
        /* Every node's address is the one the network gave it. */
        for (uint32_t i = 0; i < nvo_net_n_nodes(sim->net); i++) {
            const struct nvo_node *n = nvo_net_node(sim->net, i);
            char expr[128], want[64];
            snprintf(expr, sizeof expr, "string(/results/network/node[@name="
                     "'%s']/@address)", n->name);
            if (v6) {
                snprintf(want, sizeof want, "fd00::%x", i + 1);
            } else {
                snprintf(want, sizeof want, "%u.%u.%u.%u", n->addr4 >> 24,
                         (n->addr4 >> 16) & 255, (n->addr4 >> 8) & 255,
                         n->addr4 & 255);
            }
            check_xpath(dir, expr, want);
        }
        nvo_test_scenario_free(cfg, sim, dir);
    }
}
END_TEST
/* An empty output directory is refused (it used to be read past its
 * end), and nothing is created. */
START_TEST(empty_out_dir)
{
    GError *error = NULL;
    struct nvo_scenario_cfg *cfg = nvo_scenario_load(
        nvo_test_src("scenarios/spine-failure.xml"), NULL, 0, &error);
    ck_assert_ptr_nonnull(cfg);
    struct nvo_sim *sim = nvo_sim_create(cfg, nvo_test_engine(), "", &error);
    ck_assert_ptr_null(sim);
    ck_assert_str_eq(error->message, "\"\": cannot create the output "
                     "directory: Invalid argument");
    g_error_free(error);
    nvo_scenario_cfg_destroy(cfg);
}
END_TEST

/* An entity in a scenario: the scenario echoed in results.xml has its
 * value, and the file is well-formed. */
START_TEST(entity_echoed)
{
    char *dir = nvo_test_tmpdir("entity");
    char *text = g_strdup_printf(
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE scenario [\n<!ENTITY d \"300us\">\n"
        "<!ENTITY who \"a&amp;b &lt;c&gt;\">\n]>\n"
        "<scenario name=\"entity\">\n"
        "<!-- &who; -->\n"
        "<topology file=\"%s\"/>\n"
        "<run duration=\"&d;\"/>\n"
        "<traffic>\n<flows pattern=\"permutation\">\n"
        "<size fixed=\"20KB\"/>\n<arrival load=\"0.3\"/>\n</flows>\n"
        "</traffic>\n"
        "<output dir=\"x&who;\"/>\n"
        "</scenario>\n", nvo_test_src("topologies/leaf-spine-small.xml"));
    char *path = g_build_filename(dir, "e.xml", NULL);
    ck_assert(g_file_set_contents(path, text, -1, NULL));
    g_free(text);
    struct nvo_scenario_cfg *cfg;
    char *out;
    struct nvo_sim *sim = run_scenario(path, nvo_test_engine(), NULL, 0, &cfg,
                                       &out);
    ck_assert_int_eq(cfg->duration, 300 * NVO_US);
    ck_assert_int_eq(nvo_engine_now(sim->engine), 300 * NVO_US);
    check_well_formed(out);
    char *xml = slurp(out, "results.xml");
    ck_assert_msg(strstr(xml, "<run duration=\"300us\"/>"), "%s", xml);
    ck_assert_msg(strstr(xml, "<output dir=\"xa&amp;b &lt;c&gt;\"/>"), "%s",
                  xml);
    ck_assert_ptr_null(strstr(xml, "&d;"));
    g_free(xml);
    nvo_test_scenario_free(cfg, sim, out);
    remove(path);
    g_free(path);
    remove(dir);
    g_free(dir);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("sim");
    TCase *tc = tcase_create(nvo_test_engine());
    tcase_add_test(tc, every_scenario_runs);
    tcase_add_test(tc, every_scenario_same_as_heap4);
    tcase_add_test(tc, every_topology_runs);
    tcase_add_test(tc, determinism);
    if (other_engine()) {
        tcase_add_test(tc, same_as_other_backend);
    }
    tcase_add_test(tc, spine_failure);
    tcase_add_test(tc, dual_homed_failover);
    tcase_add_test(tc, every_hash_on_4x16x8);
    tcase_add_test(tc, missing_metrics);
    tcase_add_test(tc, no_traffic);
    tcase_add_test(tc, ecmp_field_warnings);
    tcase_add_test(tc, node_list);
    tcase_add_test(tc, flows_accounted);
    tcase_add_test(tc, drain_skips_later_events);
    tcase_add_test(tc, entity_echoed);
    tcase_add_test(tc, empty_out_dir);
    tcase_set_timeout(tc, 600);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
