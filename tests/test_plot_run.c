/* test_plot_run.c: the plots of one run's folder (analysis/plot_run.c,
 * "nvosim plot RUN_DIR"): on a 20 ms websearch run made here, the data
 * files hold exactly the run's numbers (the FCT CDF: the completed flows'
 * sorted completion_us - start_us with y = i / n up to 1; per tier the
 * link directions of results.xml and their utilizations; per ECMP next
 * hop its frames), the PNG and SVG exist; without flows.csv the FCT plot
 * says how to get it and the others are drawn; bad folders and files are
 * errors that leave no image; the command tells a run from a sweep. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "analysis/plot_run.h"
#include "analysis/summarize.h"
#include "core/spawn.h"
#include "io/config.h"
#include "run/sim.h"
#include "testutil.h"

/* websearch.xml for 20 ms (and its drain) with flows.csv, into a new
 * folder. */
static char *
make_run(void)
{
    const char *sets[] = { "run.duration=20ms", "output.flows=true" };
    struct nvo_scenario_cfg *cfg;
    struct nvo_sim *sim;
    char *dir;
    nvo_test_scenario(nvo_test_src("scenarios/websearch.xml"), sets, 2,
                      "plot-run", true, &cfg, &sim, &dir);
    nvo_sim_destroy(sim);
    nvo_scenario_cfg_destroy(cfg);
    return dir;
}

static void
require_gnuplot(void)
{
    char *gp = g_find_program_in_path("gnuplot");
    ck_assert_msg(gp, "gnuplot is not installed: nvosim plot needs it; run "
                      "scripts/setup (it installs gnuplot-nox)");
    g_free(gp);
}

static void
check_image(const char *path, const char *magic, size_t magic_size)
{
    char *text = NULL;
    gsize size = 0;
    ck_assert_msg(g_file_get_contents(path, &text, &size, NULL), "%s", path);
    ck_assert_msg(size > 1000, "%s: %zu bytes", path, (size_t) size);
    ck_assert_msg(g_strstr_len(text, (gssize) MIN(size, 400), magic) != NULL
                  && (magic_size == 0 || !memcmp(text, magic, magic_size)),
                  "%s: not the expected format", path);
    g_free(text);
}

/* The data lines of 'path' (no comments, no empty lines); blocks are
 * separated by a NULL entry. */
static GPtrArray *
data_lines(const char *path)
{
    char *text = NULL;
    ck_assert_msg(g_file_get_contents(path, &text, NULL, NULL), "%s", path);
    char **lines = g_strsplit(text, "\n", -1);
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    bool blank = false;
    for (char **l = lines; *l; l++) {
        if (!**l) {
            if (blank && out->len && out->pdata[out->len - 1]) {
                g_ptr_array_add(out, NULL);     /* two blank lines */
            }
            blank = true;
            continue;
        }
        blank = false;
        if (**l != '#') {
            g_ptr_array_add(out, g_strdup(*l));
        }
    }
    g_strfreev(lines);
    g_free(text);
    return out;
}

static char *
fmt(double x)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    return g_strdup(g_ascii_formatd(buf, sizeof buf, "%.10g", x));
}

static bool
exists(const char *dir, const char *name)
{
    char *p = g_build_filename(dir, name, NULL);
    bool e = g_file_test(p, G_FILE_TEST_EXISTS);
    g_free(p);
    return e;
}

static void
remove_in(const char *dir, const char *name)
{
    char *p = g_build_filename(dir, name, NULL);
    remove(p);
    g_free(p);
}

/* The CDF: the completed flows of flows.csv, as many as summary.csv's
 * flows_completed, their FCTs sorted, y = i / n, the last 1. */
static void
check_fct(const char *dir, const struct nvo_plot_run_item *it)
{
    char *flows = g_build_filename(dir, "flows.csv", NULL);
    GError *error = NULL;
    struct nvo_csv *csv = nvo_csv_load(flows, &error);
    ck_assert_msg(csv, "%s", error ? error->message : "?");
    int si = nvo_csv_column(csv, "start_us"),
        ci = nvo_csv_column(csv, "completion_us");
    GArray *fct = g_array_new(FALSE, FALSE, sizeof(double));
    for (size_t i = 0; i < csv->rows->len; i++) {
        char **row = csv->rows->pdata[i];
        if (*row[ci]) {
            double v = g_ascii_strtod(row[ci], NULL)
                       - g_ascii_strtod(row[si], NULL);
            g_array_append_val(fct, v);
        }
    }
    char *completed = nvo_test_summary_cell(dir, "flows_completed");
    ck_assert_uint_eq(fct->len, strtoul(completed, NULL, 10));
    ck_assert_uint_gt(fct->len, 10);
    ck_assert_uint_lt(fct->len, csv->rows->len + 1);
    ck_assert_uint_eq(it->n, fct->len);
    /* Sorted by hand (insertion), not by the code under test's sort. */
    double *v = (double *) fct->data;
    for (size_t i = 1; i < fct->len; i++) {
        for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    }
    GPtrArray *lines = data_lines(it->data);
    ck_assert_uint_eq(lines->len, fct->len);
    for (size_t i = 0; i < fct->len; i++) {
        char *x = fmt(v[i]), *y = fmt((double) (i + 1) / fct->len);
        char *want = g_strdup_printf("%s %s", x, y);
        ck_assert_str_eq(lines->pdata[i], want);
        g_free(x);
        g_free(y);
        g_free(want);
    }
    ck_assert_msg(g_str_has_suffix(lines->pdata[fct->len - 1], " 1"), "%s",
                  (char *) lines->pdata[fct->len - 1]);
    g_ptr_array_free(lines, TRUE);
    g_array_free(fct, TRUE);
    g_free(completed);
    nvo_csv_destroy(csv);
    g_free(flows);
}

static xmlDocPtr
results(const char *dir)
{
    char *p = g_build_filename(dir, "results.xml", NULL);
    xmlDocPtr doc = xmlReadFile(p, NULL, XML_PARSE_NONET);
    ck_assert_ptr_nonnull(doc);
    g_free(p);
    return doc;
}

static xmlNodePtr
child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE
            && !strcmp((const char *) c->name, name)) {
            return c;
        }
    }
    ck_abort_msg("no <%s> in <%s>", name, (const char *) n->name);
    return NULL;
}

static char *
prop(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *) name);
    ck_assert_ptr_nonnull(v);
    char *s = g_strdup((const char *) v);
    xmlFree(v);
    return s;
}

/* Per tier of <tiers>, its "links" link directions of <links>, each with
 * its utilization; the tier's min, mean and max of them. */
static void
check_tiers(const char *dir, const struct nvo_plot_run_item *it)
{
    xmlDocPtr doc = results(dir);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr links = child(root, "links"), tiers = child(root, "tiers");
    GPtrArray *lines = data_lines(it->data);
    size_t ti = 0, li = 0, total = 0;
    while (ti < lines->len && lines->pdata[ti]) {
        ti++;
    }
    li = ti + 1;                /* block 1 */
    size_t k = 0;
    for (xmlNodePtr t = tiers->children; t; t = t->next) {
        if (t->type != XML_ELEMENT_NODE) {
            continue;
        }
        char *name = prop(t, "name"), *nlinks = prop(t, "links");
        double lo = INFINITY, hi = -INFINITY, sum = 0;
        size_t n = 0;
        for (xmlNodePtr l = links->children; l; l = l->next) {
            if (l->type != XML_ELEMENT_NODE) {
                continue;
            }
            char *tier = prop(l, "tier");
            if (!strcmp(tier, name)) {
                char *u = prop(l, "utilization"), *from = prop(l, "from"),
                     *port = prop(l, "port");
                double x = g_ascii_strtod(u, NULL);
                lo = fmin(lo, x);
                hi = fmax(hi, x);
                sum += x;
                char *fx = fmt(x);
                char *want = g_strdup_printf("%zu %s \"%s:%s\"", k, fx, from,
                                             port);
                ck_assert_uint_lt(li, lines->len);
                ck_assert_str_eq(lines->pdata[li], want);
                li++;
                n++;
                g_free(fx);
                g_free(want);
                g_free(u);
                g_free(from);
                g_free(port);
            }
            g_free(tier);
        }
        ck_assert_uint_eq(n, strtoul(nlinks, NULL, 10));
        char *flo = fmt(lo), *fmean = fmt(sum / n), *fhi = fmt(hi);
        char *want = g_strdup_printf("%zu \"%s\" %zu %s %s %s", k, name, n,
                                     flo, fmean, fhi);
        ck_assert_uint_lt(k, ti);
        ck_assert_str_eq(lines->pdata[k], want);
        g_free(flo);
        g_free(fmean);
        g_free(fhi);
        g_free(want);
        g_free(name);
        g_free(nlinks);
        total += n;
        k++;
    }
    /* The small leaf-spine: 4 tiers of 8 link directions. */
    ck_assert_uint_eq(k, 4);
    ck_assert_uint_eq(ti, 4);
    ck_assert_uint_eq(total, 32);
    ck_assert_uint_eq(li, lines->len);
    ck_assert_uint_eq(it->n, total);
    g_ptr_array_free(lines, TRUE);
    xmlFreeDoc(doc);
}

/* One line per <next-hop> of every <switch> of <ecmp>, with its frames. */
static void
check_ecmp(const char *dir, const struct nvo_plot_run_item *it)
{
    xmlDocPtr doc = results(dir);
    xmlNodePtr ecmp = child(xmlDocGetRootElement(doc), "ecmp");
    GPtrArray *lines = data_lines(it->data);
    size_t row = 0, si = 0;
    for (xmlNodePtr s = ecmp->children; s; s = s->next) {
        if (s->type != XML_ELEMENT_NODE
            || strcmp((const char *) s->name, "switch")) {
            continue;
        }
        char *name = prop(s, "name");
        size_t j = 0;
        for (xmlNodePtr h = s->children; h; h = h->next) {
            if (h->type != XML_ELEMENT_NODE) {
                continue;
            }
            char *port = prop(h, "port"), *peer = prop(h, "peer"),
                 *frames = prop(h, "frames"), *bytes = prop(h, "bytes"),
                 *flows = prop(h, "flows");
            /* Two next hops per leaf: x = leaf -+ 0.2. */
            char *x = fmt((double) si + (j ? 0.2 : -0.2));
            char *want = g_strdup_printf("%s %zu %zu \"%s\" %s \"%s\" %s %s "
                                         "%s", x, si, j, name, port, peer,
                                         frames, bytes, flows);
            ck_assert_uint_lt(row, lines->len);
            ck_assert_str_eq(lines->pdata[row], want);
            row++;
            j++;
            g_free(x);
            g_free(want);
            g_free(port);
            g_free(peer);
            g_free(frames);
            g_free(bytes);
            g_free(flows);
        }
        ck_assert_uint_eq(j, 2);
        g_free(name);
        si++;
    }
    ck_assert_uint_eq(si, 4);   /* the 4 leaves, 2 spines each */
    ck_assert_uint_eq(row, lines->len);
    ck_assert_uint_eq(it->n, 8);
    g_ptr_array_free(lines, TRUE);
    xmlFreeDoc(doc);
}

START_TEST(run_plots)
{
    require_gnuplot();
    char *dir = make_run();
    struct nvo_plot_run_opts o = { .dir = dir };
    struct nvo_plot_run_result res;
    GError *error = NULL;
    int rc = nvo_plot_run(&o, &res, &error);
    ck_assert_msg(rc == 0, "%s", error ? error->message : "?");
    for (int k = 0; k < NVO_PLOT_RUN_KINDS; k++) {
        const struct nvo_plot_run_item *it = &res.items[k];
        ck_assert_msg(it->drawn && !it->skipped, "%d: %s", k,
                      it->skipped ? it->skipped : "not drawn");
        char *base = g_strdup_printf("plot-%s", nvo_plot_run_kind_name(k));
        char *png = g_strconcat(base, ".png", NULL);
        ck_assert(g_str_has_suffix(it->png, png));
        ck_assert(g_file_test(it->script, G_FILE_TEST_IS_REGULAR));
        check_image(it->png, "\x89PNG\r\n\x1a\n", 8);
        check_image(it->svg, "<svg", 0);
        char *tmp = g_strconcat(it->png, ".tmp", NULL);
        ck_assert(!g_file_test(tmp, G_FILE_TEST_EXISTS));
        g_free(tmp);
        g_free(png);
        g_free(base);
    }
    check_fct(dir, &res.items[NVO_PLOT_RUN_FCT]);
    check_tiers(dir, &res.items[NVO_PLOT_RUN_TIERS]);
    check_ecmp(dir, &res.items[NVO_PLOT_RUN_ECMP]);
    /* The script reruns on its own, to the images it names. */
    remove(res.items[NVO_PLOT_RUN_TIERS].png);
    const char *argv[] = { "gnuplot", res.items[NVO_PLOT_RUN_TIERS].script,
                           NULL };
    struct nvo_spawn_opts so = { .argv = argv, .in = NVO_SPAWN_NULL,
                                 .out = NVO_SPAWN_NULL, .err = NVO_SPAWN_NULL };
    struct nvo_spawn_result sr;
    ck_assert_int_eq(nvo_spawn_run(&so, &sr), 0);
    ck_assert(nvo_spawn_succeeded(sr.status));
    nvo_spawn_result_clear(&sr);
    check_image(res.items[NVO_PLOT_RUN_TIERS].png, "\x89PNG\r\n\x1a\n", 8);
    nvo_plot_run_result_clear(&res);

    /* Without flows.csv: the FCT plot says how to get it, the others are
     * drawn. */
    const char *kinds[] = { "fct", "tiers", "ecmp" };
    for (size_t k = 0; k < 3; k++) {
        const char *ext[] = { ".png", ".svg", ".dat", ".gp" };
        for (size_t e = 0; e < 4; e++) {
            char *f = g_strconcat("plot-", kinds[k], ext[e], NULL);
            remove_in(dir, f);
            g_free(f);
        }
    }
    remove_in(dir, "flows.csv");
    rc = nvo_plot_run(&o, &res, &error);
    ck_assert_msg(rc == 0, "%s", error ? error->message : "?");
    char *want = g_strdup_printf("%s/flows.csv: not found: the flow "
                                 "completion time CDF needs the per-flow "
                                 "records; rerun the run with --set "
                                 "output.flows=true", dir);
    ck_assert_ptr_nonnull(res.items[NVO_PLOT_RUN_FCT].skipped);
    ck_assert_str_eq(res.items[NVO_PLOT_RUN_FCT].skipped, want);
    ck_assert(!res.items[NVO_PLOT_RUN_FCT].drawn);
    ck_assert(res.items[NVO_PLOT_RUN_TIERS].drawn);
    ck_assert(res.items[NVO_PLOT_RUN_ECMP].drawn);
    ck_assert(!exists(dir, "plot-fct.png") && !exists(dir, "plot-fct.dat"));
    ck_assert(exists(dir, "plot-tiers.png") && exists(dir, "plot-ecmp.svg"));
    nvo_plot_run_result_clear(&res);
    /* Asked for alone, it is an error. */
    o.kinds = 1u << NVO_PLOT_RUN_FCT;
    rc = nvo_plot_run(&o, &res, &error);
    ck_assert_int_ne(rc, 0);
    ck_assert_str_eq(error->message, want);
    g_clear_error(&error);
    ck_assert(!exists(dir, "plot-fct.png"));
    g_free(want);
    nvo_plot_run_result_clear(&res);

    /* The command: a run's folder without -x; --only. */
    remove_in(dir, "plot-ecmp.png");
    char *cli = g_build_filename(NVO_BUILD_DIR, "tools", "nvosim", NULL);
    const char *argv2[] = { cli, "plot", dir, "--only", "ecmp", NULL };
    struct nvo_spawn_opts so2 = { .argv = argv2, .in = NVO_SPAWN_NULL,
                                  .out = NVO_SPAWN_CAPTURE,
                                  .err = NVO_SPAWN_CAPTURE };
    ck_assert_int_eq(nvo_spawn_run(&so2, &sr), 0);
    ck_assert_msg(nvo_spawn_succeeded(sr.status), "%s", sr.err);
    ck_assert_msg(strstr(sr.out, "nvosim plot: ecmp: 8 next hops\n"), "%s",
                  sr.out);
    ck_assert(exists(dir, "plot-ecmp.png"));
    nvo_spawn_result_clear(&sr);
    const char *argv3[] = { cli, "plot", dir, "--only", "fct,bars", NULL };
    so2.argv = argv3;
    ck_assert_int_eq(nvo_spawn_run(&so2, &sr), 0);
    ck_assert_int_eq(WEXITSTATUS(sr.status), 2);
    ck_assert_str_eq(sr.err, "nvosim plot: --only fct,bars: \"bars\" is not "
                             "a plot of a run (fct, tiers, ecmp)\n");
    nvo_spawn_result_clear(&sr);
    /* A sweep's folder keeps its usage: -x is needed. */
    char *sweep = g_build_filename(dir, "sweep.csv", NULL);
    ck_assert(g_file_set_contents(sweep, "point,x,seed,run,m\n1,1,1,1,2\n",
                                  -1, NULL));
    const char *argv4[] = { cli, "plot", dir, NULL };
    so2.argv = argv4;
    ck_assert_int_eq(nvo_spawn_run(&so2, &sr), 0);
    ck_assert_int_eq(WEXITSTATUS(sr.status), 2);
    ck_assert_str_eq(sr.err, "nvosim plot: which path on the x axis? (-x "
                             "PATH) (nvosim plot --help)\n");
    nvo_spawn_result_clear(&sr);
    remove(sweep);
    g_free(sweep);
    g_free(cli);
    nvo_test_rmdir(dir);
}
END_TEST

/* No image of any kind in 'dir'. */
static void
check_no_images(const char *dir)
{
    const char *kinds[] = { "fct", "tiers", "ecmp" };
    for (size_t k = 0; k < 3; k++) {
        char *png = g_strdup_printf("plot-%s.png", kinds[k]),
             *svg = g_strdup_printf("plot-%s.svg", kinds[k]);
        ck_assert_msg(!exists(dir, png) && !exists(dir, svg), "%s", png);
        g_free(png);
        g_free(svg);
    }
}

static void
check_error(const char *dir, unsigned kinds, const char *message)
{
    struct nvo_plot_run_opts o = { .dir = dir, .kinds = kinds };
    struct nvo_plot_run_result res;
    GError *error = NULL;
    int rc = nvo_plot_run(&o, &res, &error);
    ck_assert_int_ne(rc, 0);
    ck_assert_ptr_nonnull(error);
    /* A message ending in '*': its start (libxml2's own words follow). */
    size_t n = strlen(message);
    if (n && message[n - 1] == '*') {
        ck_assert_msg(!strncmp(error->message, message, n - 1), "%s",
                      error->message);
    } else {
        ck_assert_str_eq(error->message, message);
    }
    g_error_free(error);
    nvo_plot_run_result_clear(&res);
    check_no_images(dir);
}

static void
put(const char *dir, const char *name, const char *text)
{
    char *p = g_build_filename(dir, name, NULL);
    ck_assert(g_file_set_contents(p, text, -1, NULL));
    g_free(p);
}

START_TEST(bad_dirs)
{
    char *dir = nvo_test_tmpdir("plot-run-bad");
    char *msg;
    msg = g_strdup_printf("%s/none: no such directory", dir);
    char *none = g_build_filename(dir, "none", NULL);
    check_error(none, 0, msg);
    g_free(none);
    g_free(msg);
    msg = g_strdup_printf("%s: no results.xml: not a run's folder (nvosim "
                          "run --out DIR writes one)", dir);
    check_error(dir, 0, msg);
    g_free(msg);
    /* Cut short: the parser's line. */
    put(dir, "results.xml", "<results>\n  <links>\n    <link from=\"a\"\n");
    msg = g_strdup_printf("%s/results.xml:4: *", dir);
    check_error(dir, 0, msg);
    g_free(msg);
    put(dir, "results.xml", "<?xml version=\"1.0\"?>\n<scenario/>\n");
    msg = g_strdup_printf("%s/results.xml:2: the root element is <scenario>, "
                          "not <results> (the results.xml of nvosim run)",
                          dir);
    check_error(dir, 0, msg);
    g_free(msg);
    put(dir, "results.xml", "<results>\n<links>\n<link from=\"a\" port=\"1\" "
                            "tier=\"access-up\" utilization=\"x\"/>\n"
                            "</links>\n</results>\n");
    msg = g_strdup_printf("%s/results.xml:3: <link utilization=\"x\">: "
                          "expected a number >= 0", dir);
    check_error(dir, 0, msg);
    g_free(msg);
    put(dir, "results.xml", "<results>\n<ecmp>\n<switch name=\"l1\">\n"
                            "<next-hop port=\"1\" peer=\"s1\" frames=\"-3\" "
                            "bytes=\"0\" flows=\"0\"/>\n</switch>\n</ecmp>\n"
                            "</results>\n");
    msg = g_strdup_printf("%s/results.xml:4: <next-hop frames=\"-3\">: "
                          "expected a whole number >= 0", dir);
    check_error(dir, 0, msg);
    g_free(msg);
    /* A good results.xml and a malformed flows.csv: nothing drawn. */
    put(dir, "results.xml", "<results>\n<links>\n<link from=\"a\" port=\"1\" "
                            "tier=\"access-up\" utilization=\"0.5\"/>\n"
                            "</links>\n</results>\n");
    put(dir, "flows.csv", "id,start_us,completion_us\n1,5,3\n");
    msg = g_strdup_printf("%s/flows.csv:2: start_us \"5\", completion_us "
                          "\"3\": expected two numbers, the completion not "
                          "before the start", dir);
    check_error(dir, 0, msg);
    g_free(msg);
    put(dir, "flows.csv", "id,start,completion_us\n1,5,3\n");
    msg = g_strdup_printf("%s/flows.csv:1: no start_us column in the header "
                          "(flows.csv of nvosim run has start_us and "
                          "completion_us)", dir);
    check_error(dir, 0, msg);
    g_free(msg);
    /* No switch with two up-links: --only ecmp says so. */
    remove_in(dir, "flows.csv");
    msg = g_strdup_printf("%s/results.xml: no <switch> in <ecmp>: no switch "
                          "has two or more up-links (hypervisors and "
                          "switches with one up-link do not choose)", dir);
    check_error(dir, 1u << NVO_PLOT_RUN_ECMP, msg);
    g_free(msg);
    /* No gnuplot: the error names the data and script, no image. */
    struct nvo_plot_run_opts o = { .dir = dir, .gnuplot = "/nonexistent/gp",
                                   .kinds = 1u << NVO_PLOT_RUN_TIERS };
    struct nvo_plot_run_result res;
    GError *error = NULL;
    ck_assert_int_ne(nvo_plot_run(&o, &res, &error), 0);
    ck_assert_msg(g_str_has_prefix(error->message, "/nonexistent/gp: not "
                                   "found: nvosim plot needs gnuplot"), "%s",
                  error->message);
    g_error_free(error);
    nvo_plot_run_result_clear(&res);
    check_no_images(dir);
    ck_assert(exists(dir, "plot-tiers.dat"));
    nvo_test_rmdir(dir);
}
END_TEST

static Suite *
plot_run_suite(void)
{
    Suite *s = suite_create("plot_run");
    TCase *tc = tcase_create("plot_run");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, run_plots);
    tcase_add_test(tc, bad_dirs);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return nvo_test_run(plot_run_suite());
}
