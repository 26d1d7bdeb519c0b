/* test_series.c: the time series (series.csv, run/series.c) and the
 * per-flow records (flows.csv, run/flows_csv.c) of scenario runs: the
 * number of samples and their times, every link direction's bytes per
 * class summed over the intervals against results.xml's totals, MAC table
 * and Loc-RIB sizes at the last sample against the theory of
 * test_control.c, BGP and LDP messages summed over the intervals against
 * the speakers' totals; flows.csv's rows against the traffic's counters
 * and the FCT histogram's mean; both files off by default, in the run's
 * file list, and identical over two runs. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "core/fileio.h"
#include "ctrl/bgp_speaker.h"
#include "ctrl/ldp_speaker.h"
#include "io/config.h"
#include "overlay/mac_table.h"
#include "overlay/pe_node.h"
#include "run/series.h"
#include "run/sim.h"
#include "run/sim_ctrl.h"
#include "run/sim_overlay.h"
#include "testutil.h"

struct run {
    struct nvo_scenario_cfg *cfg;
    struct nvo_sim *sim;
    char *dir;
};

static void
run_scen(struct run *r, const char *rel, const char *const *sets,
         size_t n_sets)
{
    memset(r, 0, sizeof *r);
    nvo_test_scenario(nvo_test_src(rel), sets, n_sets, "series", true,
                      &r->cfg, &r->sim, &r->dir);
}

static void
run_free(struct run *r)
{
    nvo_test_scenario_free(r->cfg, r->sim, r->dir);
}

static char *
read_out(const struct run *r, const char *name, size_t *len)
{
    char *path = g_build_filename(r->dir, name, NULL);
    char *text = NULL;
    size_t l = 0;
    int err = nvo_file_read(path, 64u << 20, &text, &l);
    ck_assert_msg(!err, "%s: %s", path, g_strerror(err));
    g_free(path);
    if (len) {
        *len = l;
    }
    return text;
}

static bool
out_exists(const struct run *r, const char *name)
{
    char *path = g_build_filename(r->dir, name, NULL);
    bool e = g_file_test(path, G_FILE_TEST_EXISTS);
    g_free(path);
    return e;
}

static bool
in_files(const struct run *r, const char *name)
{
    for (guint i = 0; i < r->sim->files->len; i++) {
        char *b = g_path_get_basename(g_ptr_array_index(r->sim->files, i));
        bool eq = !strcmp(b, name);
        g_free(b);
        if (eq) {
            return true;
        }
    }
    return false;
}

/* series.csv parsed: per (kind, entity, metric) the sum of its values,
 * the value at the last sample, and how many rows; the distinct times in
 * order. */
struct series {
    GHashTable *sum, *last, *rows;  /* "kind,entity,metric" -> uint64_t * */
    GArray *times;                  /* int64_t, ps */
    uint64_t n_rows;
};

static int64_t
parse_us(const char *s)
{
    /* "1234" or "1234.5": microseconds, exactly, into ps. */
    char *end;
    int64_t us = strtoll(s, &end, 10);
    int64_t frac = 0;
    if (*end == '.') {
        const char *f = end + 1;
        int digits = 0;
        while (f[digits] >= '0' && f[digits] <= '9') {
            frac = frac * 10 + (f[digits] - '0');
            digits++;
        }
        ck_assert_int_le(digits, 6);
        for (; digits < 6; digits++) {
            frac *= 10;
        }
    }
    return us * NVO_US + frac;
}

static void
add_to(GHashTable *h, const char *key, uint64_t v, bool replace)
{
    uint64_t *p = g_hash_table_lookup(h, key);
    if (!p) {
        p = g_new0(uint64_t, 1);
        g_hash_table_insert(h, g_strdup(key), p);
    }
    *p = replace ? v : *p + v;
}

static void
series_parse(struct series *s, const char *text)
{
    s->sum = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    s->last = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    s->rows = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    s->times = g_array_new(FALSE, FALSE, sizeof(int64_t));
    s->n_rows = 0;
    char **lines = g_strsplit(text, "\n", -1);
    ck_assert_str_eq(lines[0], "time_us,kind,entity,metric,value");
    for (int i = 1; lines[i] && *lines[i]; i++) {
        char **f = g_strsplit(lines[i], ",", -1);
        ck_assert_uint_eq(g_strv_length(f), 5);
        ck_assert_msg(*f[4], "an empty value in \"%s\"", lines[i]);
        int64_t t = parse_us(f[0]);
        if (!s->times->len
            || g_array_index(s->times, int64_t, s->times->len - 1) != t) {
            if (s->times->len) {
                ck_assert_int_gt(t, g_array_index(s->times, int64_t,
                                                  s->times->len - 1));
            }
            g_array_append_val(s->times, t);
        }
        char *key = g_strdup_printf("%s,%s,%s", f[1], f[2], f[3]);
        uint64_t v = g_ascii_strtoull(f[4], NULL, 10);
        add_to(s->sum, key, v, false);
        add_to(s->last, key, v, true);
        add_to(s->rows, key, 1, false);
        g_free(key);
        s->n_rows++;
        g_strfreev(f);
    }
    g_strfreev(lines);
}

static void
series_free(struct series *s)
{
    g_hash_table_destroy(s->sum);
    g_hash_table_destroy(s->last);
    g_hash_table_destroy(s->rows);
    g_array_free(s->times, TRUE);
}

static uint64_t
get(GHashTable *h, const char *kind, const char *entity, const char *metric)
{
    char *key = g_strdup_printf("%s,%s,%s", kind, entity, metric);
    const uint64_t *p = g_hash_table_lookup(h, key);
    ck_assert_msg(p, "series.csv has no %s", key);
    g_free(key);
    return *p;
}

/* Every link direction of results.xml: its tx bytes per class against
 * the series' sums, and every (link, metric) has one row per sample.
 * Returns the number of link directions. */
static uint32_t
check_links(const struct run *r, const struct series *s, uint64_t n_samples)
{
    char *path = g_build_filename(r->dir, "results.xml", NULL);
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    ck_assert_msg(doc, "%s", path);
    xmlXPathContextPtr xp = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(
        (const xmlChar *) "/results/links/link", xp);
    ck_assert(o && o->nodesetval);
    uint32_t n = (uint32_t) o->nodesetval->nodeNr;
    static const char *const cls[] = { "data", "bum", "control" };
    for (uint32_t i = 0; i < n; i++) {
        xmlNodePtr l = o->nodesetval->nodeTab[i];
        xmlChar *from = xmlGetProp(l, (const xmlChar *) "from");
        xmlChar *port = xmlGetProp(l, (const xmlChar *) "port");
        char *ent = g_strdup_printf("%s:%s", from, port);
        for (size_t c = 0; c < G_N_ELEMENTS(cls); c++) {
            char attr[64], metric[64];
            snprintf(attr, sizeof attr, "tx-bytes-%s", cls[c]);
            snprintf(metric, sizeof metric, "tx_bytes_%s", cls[c]);
            xmlChar *v = xmlGetProp(l, (const xmlChar *) attr);
            ck_assert_msg(v, "results.xml: %s has no %s", ent, attr);
            uint64_t want = g_ascii_strtoull((const char *) v, NULL, 10);
            ck_assert_msg(get(s->sum, "link", ent, metric) == want,
                          "%s %s: sum %" PRIu64 ", results.xml %" PRIu64,
                          ent, metric, get(s->sum, "link", ent, metric),
                          want);
            ck_assert_uint_eq(get(s->rows, "link", ent, metric), n_samples);
            xmlFree(v);
        }
        ck_assert_uint_eq(get(s->rows, "link", ent, "queue_bytes"),
                          n_samples);
        g_free(ent);
        xmlFree(from);
        xmlFree(port);
    }
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
    g_free(path);
    return n;
}

/* scenarios/overlay-evpn.xml (test_control.c has the theory): the small
 * leaf-spine, 8 hypervisors on 4 leaves, 2 spines: 8 + 8 = 16 links, 32
 * directions; 8 PEs, each with 8 MAC entries at the end (2 local VMs + 6
 * remote); 9 BGP speakers (8 PEs and the reflector spine1), each with a
 * Loc-RIB of 32 routes; 304 BGP messages in all.  Without a drain, over
 * 20 ms sampled every 3 ms: samples at 3, 6, 9, 12, 15 and 18 ms and the
 * last at the end, 20 ms: ceil(20 / 3) = 7 samples, none at 0.  Rows per
 * sample: 32 x 4 (three classes and the queue) + 8 (PEs) + 9 x 2 (Loc-RIB
 * and messages) = 154; 7 x 154 = 1078 rows. */
START_TEST(evpn_series)
{
    const char *sets[] = { "output.series=3ms", "run.drain=false" };
    struct run r;
    run_scen(&r, "scenarios/overlay-evpn.xml", sets, G_N_ELEMENTS(sets));
    ck_assert(in_files(&r, "series.csv"));
    ck_assert(!in_files(&r, "flows.csv"));
    ck_assert(!out_exists(&r, "flows.csv"));
    ck_assert_uint_eq(nvo_series_n_samples(r.sim->series), 7);
    char *text = read_out(&r, "series.csv", NULL);
    struct series s;
    series_parse(&s, text);
    ck_assert_uint_eq(s.times->len, 7);
    for (int k = 0; k < 6; k++) {
        ck_assert_int_eq(g_array_index(s.times, int64_t, k),
                         (int64_t) (k + 1) * 3 * NVO_MS);
    }
    ck_assert_int_eq(g_array_index(s.times, int64_t, 6), 20 * NVO_MS);
    ck_assert_uint_eq(s.n_rows, 1078);
    ck_assert_uint_eq(check_links(&r, &s, 7), 32);

    const struct nvo_sim_overlay *o = r.sim->overlay;
    ck_assert_uint_eq(o->n_pes, 8);
    for (uint32_t i = 0; i < o->n_pes; i++) {
        const char *name = nvo_pe_node_base(o->pes[i])->name;
        const struct nvo_mac_counters *mc =
            nvo_mac_table_counters(nvo_pe_node_mac_table(o->pes[i]));
        ck_assert_uint_eq(mc->entries, 8);
        ck_assert_uint_eq(get(s.last, "pe", name, "mac_entries"), 8);
        ck_assert_uint_eq(get(s.rows, "pe", name, "mac_entries"), 7);
    }
    uint32_t nb = nvo_sim_ctrl_n_bgp(r.sim->ctrl);
    ck_assert_uint_eq(nb, 9);
    uint64_t msgs = 0;
    for (uint32_t i = 0; i < nb; i++) {
        bool rr;
        const struct nvo_bgp_speaker *b = nvo_sim_ctrl_bgp(r.sim->ctrl, i,
                                                           &rr);
        const char *name = nvo_bgp_speaker_node(b)->name;
        uint64_t sum = get(s.sum, "bgp", name, "msgs_out");
        ck_assert_uint_eq(sum, nvo_bgp_counters_msgs_out(
                                   nvo_bgp_speaker_counters(b)));
        ck_assert_uint_eq(get(s.last, "bgp", name, "loc_rib"), 32);
        msgs += sum;
    }
    ck_assert_uint_eq(msgs, 304);
    /* The control plane converged before the flows started (5 ms): every
     * BGP message was sent in the first interval, (0, 3 ms]. */
    uint64_t first = 0;
    char **lines = g_strsplit(text, "\n", -1);
    for (int i = 1; lines[i]; i++) {
        if (g_str_has_prefix(lines[i], "3000,bgp,")
            && strstr(lines[i], ",msgs_out,")) {
            first += g_ascii_strtoull(strrchr(lines[i], ',') + 1, NULL, 10);
        }
    }
    g_strfreev(lines);
    ck_assert_uint_eq(first, 304);
    series_free(&s);
    g_free(text);
    run_free(&r);
}
END_TEST

/* The same with the drain (the scenario's): the last sample is at the
 * drain's end, after 20 ms, and still every byte is in some interval. */
START_TEST(evpn_series_drain)
{
    const char *sets[] = { "output.series=1ms" };
    struct run r;
    run_scen(&r, "scenarios/overlay-evpn.xml", sets, G_N_ELEMENTS(sets));
    char *text = read_out(&r, "series.csv", NULL);
    struct series s;
    series_parse(&s, text);
    /* 1, 2, ..., 19 ms and the drain's end: 20 samples. */
    ck_assert_uint_eq(s.times->len, 20);
    ck_assert_int_eq(g_array_index(s.times, int64_t, 18), 19 * NVO_MS);
    ck_assert_int_ge(g_array_index(s.times, int64_t, 19), 20 * NVO_MS);
    ck_assert_int_eq(g_array_index(s.times, int64_t, 19),
                     nvo_engine_now(r.sim->engine));
    ck_assert_uint_eq(s.n_rows, 20 * 154);
    ck_assert_uint_eq(check_links(&r, &s, 20), 32);
    series_free(&s);
    g_free(text);
    run_free(&r);
}
END_TEST

/* scenarios/overlay-vpls.xml (LDP-signalled VPLS): each LDP speaker's
 * messages summed over the intervals are its total, and their sum the
 * run's ldp_messages. */
START_TEST(vpls_series)
{
    const char *sets[] = { "output.series=2ms" };
    struct run r;
    run_scen(&r, "scenarios/overlay-vpls.xml", sets, G_N_ELEMENTS(sets));
    char *text = read_out(&r, "series.csv", NULL);
    struct series s;
    series_parse(&s, text);
    uint32_t nl = nvo_sim_ctrl_n_vpls(r.sim->ctrl);
    ck_assert_uint_eq(nl, 8);
    uint64_t sum = 0;
    for (uint32_t i = 0; i < nl; i++) {
        const struct nvo_ldp_speaker *l = nvo_sim_ctrl_ldp(r.sim->ctrl, i);
        const struct nvo_ldp_counters *k = nvo_ldp_speaker_counters(l);
        uint64_t want = 0;
        for (int m = 0; m < NVO_LDP_K_N; m++) {
            want += k->msgs_out[m];
        }
        uint64_t got = get(s.sum, "ldp", nvo_ldp_speaker_node(l)->name,
                           "msgs_out");
        ck_assert_uint_eq(got, want);
        sum += got;
    }
    struct nvo_sim_ctrl_totals t;
    nvo_sim_ctrl_totals(r.sim->ctrl, &t);
    ck_assert_uint_gt(sum, 0);
    ck_assert_uint_eq(sum, t.ldp_messages);
    /* 10 samples (2, 4, ..., 18 ms, the drain's end); no BGP rows. */
    ck_assert_uint_eq(s.times->len, 10);
    ck_assert_ptr_null(strstr(text, ",bgp,"));
    check_links(&r, &s, 10);
    series_free(&s);
    g_free(text);
    run_free(&r);
}
END_TEST

/* flows.csv against the traffic's counters: one row per flow started;
 * the completed ones' completion - start has the FCT histogram's count
 * and mean; packets sent and delivered sum to the traffic's; every row
 * has sent = delivered + in the network + lost. */
static void
check_flows(const struct run *r, bool vms)
{
    struct nvo_traffic_stats ts;
    nvo_traffic_get_stats(r->sim->traffic, &ts);
    char *text = read_out(r, "flows.csv", NULL);
    char **lines = g_strsplit(text, "\n", -1);
    ck_assert_str_eq(lines[0], "id,src,dst,src_vm,dst_vm,vni,size_bytes,"
                               "start_us,completion_us,packets_sent,"
                               "packets_delivered,packets_in_network,"
                               "drops");
    uint64_t rows = 0, completed = 0, sent = 0, delivered = 0, lost = 0;
    int64_t fct_sum = 0;
    for (int i = 1; lines[i] && *lines[i]; i++) {
        char **f = g_strsplit(lines[i], ",", -1);
        ck_assert_uint_eq(g_strv_length(f), 13);
        rows++;
        ck_assert_uint_eq(g_ascii_strtoull(f[0], NULL, 10), rows);
        ck_assert(*f[1] && *f[2]);
        ck_assert(vms ? *f[3] && *f[4] && *f[5] : !*f[3] && !*f[4] && !*f[5]);
        uint64_t ps = g_ascii_strtoull(f[9], NULL, 10);
        uint64_t pd = g_ascii_strtoull(f[10], NULL, 10);
        uint64_t pn = g_ascii_strtoull(f[11], NULL, 10);
        uint64_t pl = g_ascii_strtoull(f[12], NULL, 10);
        ck_assert_uint_eq(ps, pd + pn + pl);
        if (*f[8]) {
            completed++;
            fct_sum += parse_us(f[8]) - parse_us(f[7]);
            ck_assert_uint_eq(pn + pl, 0);
        }
        sent += ps;
        delivered += pd;
        lost += pl;
        g_strfreev(f);
    }
    ck_assert_uint_eq(rows, ts.flows_started);
    ck_assert_uint_gt(rows, 0);
    ck_assert_uint_eq(completed, ts.flows_completed);
    ck_assert_uint_eq(completed, ts.fct->n);
    ck_assert_uint_gt(completed, 0);
    double mean = (double) fct_sum / (double) completed;
    double hmean = nvo_hist_mean(ts.fct);
    ck_assert_msg(fabs(mean - hmean) <= 1e-9 * hmean, "FCT mean %.3f ps, "
                  "histogram %.3f ps", mean, hmean);
    ck_assert_uint_eq(sent, ts.pkts_sent);
    ck_assert_uint_eq(delivered, ts.pkts_delivered);
    (void) lost;
    g_strfreev(lines);
    g_free(text);
}

START_TEST(flows_vm)
{
    const char *sets[] = { "output.flows=true" };
    struct run r;
    run_scen(&r, "scenarios/overlay-evpn.xml", sets, G_N_ELEMENTS(sets));
    ck_assert(in_files(&r, "flows.csv"));
    ck_assert(!in_files(&r, "series.csv"));
    ck_assert(!out_exists(&r, "series.csv"));
    check_flows(&r, true);
    /* The first flow's row: VM numbers and the tenant's VNI (4 tenants
     * from 5000: 5000..5003), the scenario's fixed size 20000. */
    char *text = read_out(&r, "flows.csv", NULL);
    char **lines = g_strsplit(text, "\n", 3);
    char **f = g_strsplit(lines[1], ",", -1);
    uint64_t vni = g_ascii_strtoull(f[5], NULL, 10);
    ck_assert(vni >= 5000 && vni <= 5003);
    ck_assert_str_eq(f[6], "20000");
    uint32_t src, dst;
    nvo_time_t start;
    ck_assert(nvo_traffic_flow(r.sim->traffic, 0, &src, &dst, &start));
    ck_assert_uint_eq(g_ascii_strtoull(f[3], NULL, 10), src);
    ck_assert_uint_eq(g_ascii_strtoull(f[4], NULL, 10), dst);
    ck_assert_int_eq(parse_us(f[7]), start);
    ck_assert_uint_eq(vni, r.sim->overlay->tenant_vni[
                               r.sim->overlay->vms[src].group]);
    g_strfreev(f);
    g_strfreev(lines);
    g_free(text);
    run_free(&r);
}
END_TEST

/* Without VMs (scenarios/ecmp-permutation.xml): hosts as endpoints, the
 * VM and tenant cells empty; series every 300 us over 2 ms: 300, 600,
 * ..., 1800 us and 2 ms, ceil(2000 / 300) = 7 samples, and no PE or
 * control rows. */
START_TEST(flows_hosts)
{
    const char *sets[] = { "output.flows=true", "output.series=300us" };
    struct run r;
    run_scen(&r, "scenarios/ecmp-permutation.xml", sets,
             G_N_ELEMENTS(sets));
    check_flows(&r, false);
    char *text = read_out(&r, "series.csv", NULL);
    struct series s;
    series_parse(&s, text);
    ck_assert_uint_eq(s.times->len, 7);
    ck_assert_int_eq(g_array_index(s.times, int64_t, 0), 300 * NVO_US);
    ck_assert_int_eq(g_array_index(s.times, int64_t, 6), 2 * NVO_MS);
    uint32_t dirs = check_links(&r, &s, 7);
    ck_assert_uint_eq(s.n_rows, 7 * 4 * dirs);
    series_free(&s);
    g_free(text);
    run_free(&r);
}
END_TEST

/* scenarios/spine-failure.xml (underlay traffic only, a spine fails
 * mid-run, no drain): every frame is a flow's, so the rows' drops sum to
 * the run's frames dropped and their packets in the network to its
 * frames in flight; a flow with a drop is a lost flow, and a row without
 * a completion is a running or lost flow. */
START_TEST(flows_lost)
{
    const char *sets[] = { "output.flows=true" };
    struct run r;
    run_scen(&r, "scenarios/spine-failure.xml", sets, G_N_ELEMENTS(sets));
    check_flows(&r, false);
    char *text = read_out(&r, "flows.csv", NULL);
    char **lines = g_strsplit(text, "\n", -1);
    uint64_t drops = 0, in_net = 0, with_drops = 0, open = 0;
    for (int i = 1; lines[i] && *lines[i]; i++) {
        char **f = g_strsplit(lines[i], ",", -1);
        uint64_t d = g_ascii_strtoull(f[12], NULL, 10);
        drops += d;
        with_drops += d > 0;
        in_net += g_ascii_strtoull(f[11], NULL, 10);
        open += !*f[8];
        g_strfreev(f);
    }
    ck_assert_uint_gt(r.sim->dropped, 0);
    ck_assert_uint_eq(drops, r.sim->dropped);
    ck_assert_uint_eq(in_net, r.sim->in_flight);
    ck_assert_uint_gt(r.sim->flows_lost, 0);
    ck_assert_uint_eq(with_drops, r.sim->flows_lost);
    ck_assert_uint_eq(open, r.sim->flows_running + r.sim->flows_lost);
    g_strfreev(lines);
    g_free(text);
    run_free(&r);
}
END_TEST

START_TEST(off_by_default)
{
    struct run r;
    run_scen(&r, "scenarios/overlay-evpn.xml", NULL, 0);
    ck_assert(!out_exists(&r, "series.csv"));
    ck_assert(!out_exists(&r, "flows.csv"));
    ck_assert(!in_files(&r, "series.csv"));
    ck_assert(!in_files(&r, "flows.csv"));
    ck_assert_ptr_null(r.sim->series);
    run_free(&r);
}
END_TEST

START_TEST(deterministic)
{
    /* One run after the other (the ns-3 backend has one simulator). */
    const char *sets[] = { "output.series=500us", "output.flows=true" };
    static const char *const names[] = { "series.csv", "flows.csv" };
    char *t[2][2];
    size_t l[2][2];
    for (int k = 0; k < 2; k++) {
        struct run r;
        run_scen(&r, "scenarios/overlay-evpn.xml", sets, G_N_ELEMENTS(sets));
        for (int i = 0; i < 2; i++) {
            t[k][i] = read_out(&r, names[i], &l[k][i]);
        }
        run_free(&r);
    }
    for (int i = 0; i < 2; i++) {
        ck_assert_uint_gt(l[0][i], 100);
        ck_assert_msg(l[0][i] == l[1][i] && !memcmp(t[0][i], t[1][i],
                                                    l[0][i]),
                      "%s differs", names[i]);
        g_free(t[0][i]);
        g_free(t[1][i]);
    }
}
END_TEST

/* Sampling changes nothing it samples: the run with series every 3 ms
 * (no drain, 20 ms) has the same summary.csv as the run without, but for
 * the timer's 6 events (at 3, 6, ..., 18 ms; the last sample is no
 * event), the fingerprint of the events and the wall time. */
START_TEST(no_effect)
{
    const char *sets[] = { "run.drain=false", "output.series=3ms" };
    struct run a, b;
    run_scen(&a, "scenarios/overlay-evpn.xml", sets, 1);
    char *ta = read_out(&a, "summary.csv", NULL);
    run_free(&a);
    run_scen(&b, "scenarios/overlay-evpn.xml", sets, 2);
    char *tb = read_out(&b, "summary.csv", NULL);
    run_free(&b);
    char **la = g_strsplit(ta, "\n", -1), **lb = g_strsplit(tb, "\n", -1);
    char **h = g_strsplit(la[0], ",", -1);
    char **ra = g_strsplit(la[1], ",", -1), **rb = g_strsplit(lb[1], ",", -1);
    ck_assert_uint_eq(g_strv_length(ra), g_strv_length(h));
    ck_assert_uint_eq(g_strv_length(rb), g_strv_length(h));
    for (guint i = 0; h[i]; i++) {
        if (!strcmp(h[i], "events")) {
            ck_assert_uint_eq(g_ascii_strtoull(rb[i], NULL, 10),
                              g_ascii_strtoull(ra[i], NULL, 10) + 6);
        } else if (strcmp(h[i], "fingerprint") && strcmp(h[i], "wall_s")) {
            ck_assert_msg(!strcmp(ra[i], rb[i]), "%s: %s without series, "
                          "%s with", h[i], ra[i], rb[i]);
        }
    }
    g_strfreev(h);
    g_strfreev(ra);
    g_strfreev(rb);
    g_strfreev(la);
    g_strfreev(lb);
    g_free(ta);
    g_free(tb);
}
END_TEST

/* The command line: "nvosim run" lists both files, and they belong to
 * the run's files: a folder holding only an old series.csv is an
 * earlier run (exit 2), and --force removes it. */
static int
nvosim_run(char **out, char **err, const char *dir, const char *set1,
           const char *set2, bool force)
{
    const char *argv[12];
    int k = 0;
    argv[k++] = NVO_BUILD_DIR "/tools/nvosim";
    argv[k++] = "run";
    argv[k++] = nvo_test_src("scenarios/ecmp-permutation.xml");
    argv[k++] = "--out";
    argv[k++] = dir;
    if (set1) {
        argv[k++] = "--set";
        argv[k++] = set1;
    }
    if (set2) {
        argv[k++] = "--set";
        argv[k++] = set2;
    }
    if (force) {
        argv[k++] = "--force";
    }
    argv[k] = NULL;
    int status = 0;
    GError *error = NULL;
    char *a2 = g_strdup(argv[2]);
    argv[2] = a2;
    ck_assert_msg(g_spawn_sync(NULL, (char **) argv, NULL,
                               G_SPAWN_DEFAULT, NULL, NULL, out, err,
                               &status, &error),
                  "%s", error ? error->message : "?");
    g_free(a2);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

START_TEST(cli_files)
{
    char *base = nvo_test_tmpdir("series-cli");
    char *d = g_build_filename(base, "r", NULL);
    char *out = NULL, *err = NULL;
    int rc = nvosim_run(&out, &err, d, "output.series=1ms",
                        "output.flows=true", false);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    char *want = g_strdup_printf("  wrote %s/results.xml\n  wrote %s/"
                                 "summary.csv\n  wrote %s/series.csv\n  "
                                 "wrote %s/flows.csv\n", d, d, d, d);
    ck_assert_msg(g_str_has_suffix(out, want), "%s", out);
    g_free(want);
    g_free(out);
    g_free(err);
    static const char *const rm[] = { "results.xml", "summary.csv",
                                      "flows.csv" };
    for (size_t i = 0; i < G_N_ELEMENTS(rm); i++) {
        char *p = g_build_filename(d, rm[i], NULL);
        ck_assert_int_eq(g_unlink(p), 0);
        g_free(p);
    }
    rc = nvosim_run(&out, &err, d, NULL, NULL, false);
    ck_assert_int_eq(rc, 2);
    want = g_strdup_printf("nvosim run: %s holds an earlier run "
                           "(series.csv): add --force to replace it, or "
                           "choose another --out\n", d);
    ck_assert_msg(strstr(err, want), "%s", err);
    g_free(want);
    g_free(out);
    g_free(err);
    rc = nvosim_run(&out, &err, d, NULL, NULL, true);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    char *p = g_build_filename(d, "series.csv", NULL);
    ck_assert(!g_file_test(p, G_FILE_TEST_EXISTS));
    g_free(p);
    g_free(out);
    g_free(err);
    char *dd = g_strdup(d);
    nvo_test_rmdir(dd);
    g_free(d);
    nvo_test_rmdir(base);
}
END_TEST

START_TEST(bad_input)
{
    static const char *const bad[] = { "output.series=0s",
                                       "output.series=fast",
                                       "output.flows=maybe" };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        GError *error = NULL;
        struct nvo_scenario_cfg *cfg = nvo_scenario_load(
            nvo_test_src("scenarios/overlay-evpn.xml"), &bad[i], 1, &error);
        ck_assert_msg(!cfg, "%s accepted", bad[i]);
        ck_assert(error);
        g_clear_error(&error);
    }
}
END_TEST

static Suite *
series_suite(void)
{
    Suite *s = suite_create("series");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, evpn_series);
    tcase_add_test(tc, evpn_series_drain);
    tcase_add_test(tc, vpls_series);
    tcase_add_test(tc, flows_vm);
    tcase_add_test(tc, flows_hosts);
    tcase_add_test(tc, flows_lost);
    tcase_add_test(tc, off_by_default);
    tcase_add_test(tc, deterministic);
    tcase_add_test(tc, no_effect);
    tcase_add_test(tc, cli_files);
    tcase_add_test(tc, bad_input);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return nvo_test_run(series_suite());
}
