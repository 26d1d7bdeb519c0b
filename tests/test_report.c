/* test_report.c: the run report (analysis/report.h, analysis/svg.h): the
 * colour scale and escaping on known values; on runs made here (the
 * overlay-evpn scenario with series.csv and flows.csv, and websearch on
 * the 128-hypervisor leaf-spine-4x16x8) the page's link elements against
 * results.xml's link directions (or the aggregated count), the colour of
 * the busiest direction, one ECMP bar per next hop, the FCT CDF ending at
 * 1 after one step per completed flow, the series plots, the headline
 * table's missing cells; a hostile node name escaped; a sweep's mean ±
 * half-width per point; bad folders and files refused with their
 * messages and no file left. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "analysis/report.h"
#include "analysis/svg.h"
#include "core/fileio.h"
#include "io/config.h"
#include "run/sim.h"
#include "testutil.h"

/* ---- helpers ---- */

static char *
run_into(const char *rel, const char *const *sets, size_t n_sets)
{
    struct nvo_scenario_cfg *cfg;
    struct nvo_sim *sim;
    char *dir;
    nvo_test_scenario(nvo_test_src(rel), sets, n_sets, "report", true, &cfg,
                      &sim, &dir);
    nvo_sim_destroy(sim);
    nvo_scenario_cfg_destroy(cfg);
    return dir;
}

static char *
slurp(const char *dir, const char *name)
{
    char *path = g_build_filename(dir, name, NULL);
    char *text = NULL;
    size_t len = 0;
    int err = nvo_file_read(path, 256u << 20, &text, &len);
    ck_assert_msg(!err, "%s: %s", path, g_strerror(err));
    g_free(path);
    return text;
}

static void
put(const char *dir, const char *name, const char *text)
{
    char *path = g_build_filename(dir, name, NULL);
    ck_assert(g_file_set_contents(path, text, -1, NULL));
    g_free(path);
}

static bool
exists(const char *dir, const char *name)
{
    char *path = g_build_filename(dir, name, NULL);
    bool e = g_file_test(path, G_FILE_TEST_EXISTS);
    g_free(path);
    return e;
}

static char *
report(const char *dir)
{
    GError *error = NULL;
    ck_assert_msg(!nvo_report_write(dir, NULL, &error), "%s",
                  error ? error->message : "?");
    return slurp(dir, "report.html");
}

/* Occurrences of 'needle' in [from, to). */
static size_t
count_in(const char *from, const char *to, const char *needle)
{
    size_t n = 0, len = strlen(needle);
    for (const char *p = strstr(from, needle); p && p + len <= to;
         p = strstr(p + len, needle)) {
        n++;
    }
    return n;
}

/* The text of the element <svg id=ID> ... </svg> in 'html': [*from,
 * *to). */
static void
svg_span(const char *html, const char *id, const char **from,
         const char **to)
{
    char *key = g_strdup_printf("id=\"%s\"", id);
    *from = strstr(html, key);
    ck_assert_msg(*from, "no %s in the page", key);
    *to = strstr(*from, "</svg>");
    ck_assert(*to);
    g_free(key);
}

/* XPath on results.xml. */
static double
xpath_num(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *) expr, ctx);
    ck_assert_msg(o, "%s", expr);
    double v = xmlXPathCastToNumber(o);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    return v;
}

static xmlDocPtr
results_doc(const char *dir)
{
    char *path = g_build_filename(dir, "results.xml", NULL);
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    ck_assert_msg(doc, "%s", path);
    g_free(path);
    return doc;
}

/* ---- svg.h on known values ---- */

START_TEST(colour_scale)
{
    char c[8];
    ck_assert_str_eq(nvo_svg_colour(c, 0), "#440154");
    ck_assert_str_eq(nvo_svg_colour(c, 0.5), "#21918c");
    ck_assert_str_eq(nvo_svg_colour(c, 1), "#fde725");
    ck_assert_str_eq(nvo_svg_colour(c, -3), "#440154");
    ck_assert_str_eq(nvo_svg_colour(c, 7), "#fde725");
    ck_assert_str_eq(nvo_svg_colour(c, NAN), "#bbbbbb");
    /* Half-way between the first two stops #440154 and #472d7b:
     * (68 + 71) / 2 = 69.5 -> 70, (1 + 45) / 2 = 23, (84 + 123) / 2 =
     * 103.5 -> 104. */
    ck_assert_str_eq(nvo_svg_colour(c, 1.0 / 16), "#461768");
    /* 0.8: 0.4 of the way from stop 6 (#5ec962) to stop 7 (#addc30):
     * 94 + 79 * 0.4 = 125.6 -> 126, 201 + 19 * 0.4 = 208.6 -> 209,
     * 98 - 50 * 0.4 = 78. */
    ck_assert_str_eq(nvo_svg_colour(c, 0.8), "#7ed14e");

    ck_assert(nvo_svg_nice_ceil(0.0617113) == 0.08);
    ck_assert(nvo_svg_nice_ceil(20010) == 25000);
    ck_assert(nvo_svg_nice_ceil(0.3) == 0.3);
    ck_assert(nvo_svg_nice_ceil(1) == 1);
    ck_assert(nvo_svg_nice_ceil(0) == 1);
    ck_assert(nvo_svg_nice_ceil(NAN) == 1);

    struct nvo_svg_axis a = { .p0 = 100, .p1 = 200 };
    nvo_svg_axis_fit(&a, 0, 0.0617);
    ck_assert(a.lo == 0 && a.hi == 0.08);
    double t[16];
    size_t n = nvo_svg_ticks(&a, t, 16);
    ck_assert_uint_eq(n, 5);            /* 0, 0.02, ..., 0.08 */
    ck_assert(fabs(t[4] - 0.08) < 1e-15);
    ck_assert(nvo_svg_map(&a, 0.04) == 150);
    ck_assert(nvo_svg_map(&a, 1) == 200);       /* clamped */
    struct nvo_svg_axis l = { .log = true, .p0 = 0, .p1 = 300 };
    nvo_svg_axis_fit(&l, 5.9, 24450);
    ck_assert(l.lo == 1 && l.hi == 100000);
    ck_assert_uint_eq(nvo_svg_ticks(&l, t, 16), 6);
    ck_assert(fabs(nvo_svg_map(&l, 100) - 120) < 1e-9);
}
END_TEST

START_TEST(escaping)
{
    GString *s = g_string_new(NULL);
    nvo_svg_escape(s, "<script>alert('x') & \"y\"</script>");
    ck_assert_str_eq(s->str, "&lt;script&gt;alert(&#39;x&#39;) &amp; "
                     "&quot;y&quot;&lt;/script&gt;");
    g_string_truncate(s, 0);
    nvo_svg_escape(s, "a\x01" "b\xff" "c µs");
    ck_assert_str_eq(s->str, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c µs");
    g_string_free(s, TRUE);
    char b[32];
    ck_assert_str_eq(nvo_svg_num(b, NAN, 4), "\xe2\x80\x93");
    ck_assert_str_eq(nvo_svg_num(b, 0.0617113, 4), "0.06171");
    ck_assert_str_eq(nvo_svg_num(b, -0.0, 4), "0");
}
END_TEST

/* ---- a run with everything ---- */

START_TEST(run_page)
{
    static const char *const sets[] = { "output.series=1ms",
                                        "output.flows=true" };
    char *dir = run_into("scenarios/overlay-evpn.xml", sets, 2);
    char *html = report(dir);
    xmlDocPtr doc = results_doc(dir);
    ck_assert(!strstr(html, "<script"));
    ck_assert(!strstr(html, "http://") || !strstr(html, "src=\"http"));
    ck_assert(!strstr(html, "<link "));         /* no external style */

    /* One element per link direction in each view: 16 links, 32
     * directions. */
    size_t dirs = (size_t) xpath_num(doc, "count(/results/links/link)");
    ck_assert_uint_eq(dirs, 32);
    ck_assert_uint_eq((size_t) xpath_num(doc, "number(/results/network/"
                                         "@links)") * 2, dirs);
    const char *from, *to;
    svg_span(html, "fabric-util", &from, &to);
    ck_assert_uint_eq(count_in(from, to, "class=\"link\""), dirs);
    ck_assert_uint_eq(count_in(from, to, "<rect class=\"node\""),
                      (size_t) xpath_num(doc, "count(/results/network/"
                                         "node)"));
    const char *bf, *bt;
    svg_span(html, "fabric-bum", &bf, &bt);
    ck_assert_uint_eq(count_in(bf, bt, "class=\"link\""), dirs);

    /* The busiest direction: its colour is the scale at u / the scale's
     * top, nvo_svg_nice_ceil(u). */
    double umax = xpath_num(doc, "number(/results/links/link[not(@utilization"
                            " < ../link/@utilization)][1]/@utilization)");
    ck_assert(umax > 0 && umax < 1);
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)
        "/results/links/link[not(@utilization < ../link/@utilization)][1]",
        ctx);
    ck_assert(o && o->nodesetval && o->nodesetval->nodeNr >= 1);
    xmlNodePtr busiest = o->nodesetval->nodeTab[0];
    xmlChar *bfrom = xmlGetProp(busiest, (const xmlChar *) "from");
    xmlChar *bport = xmlGetProp(busiest, (const xmlChar *) "port");
    xmlChar *bto = xmlGetProp(busiest, (const xmlChar *) "to");
    char want[8];
    nvo_svg_colour(want, umax / nvo_svg_nice_ceil(umax));
    char *title = g_strdup_printf("<title>%s port %s \xe2\x86\x92 %s (",
                                  (char *) bfrom, (char *) bport,
                                  (char *) bto);
    const char *t = strstr(from, title);
    ck_assert_msg(t && t < to, "no %s", title);
    /* The element's attributes are just before its <title>. */
    const char *el = t;
    while (el > from && strncmp(el, "<line", 5)) {
        el--;
    }
    char *stroke = g_strdup_printf("stroke=\"%s\"", want);
    char *el_text = g_strndup(el, t - el);
    ck_assert_msg(strstr(el_text, stroke), "%s: want %s", el_text, stroke);
    /* In the BUM view, every direction carried 0 BUM bytes here
     * (bum_link_bytes 0): all at the bottom of the scale. */
    char *cell = nvo_test_summary_cell(dir, "bum_link_bytes");
    ck_assert_str_eq(cell, "0");
    g_free(cell);
    ck_assert_uint_eq(count_in(bf, bt, "stroke=\"#440154\""), dirs);
    g_free(el_text);
    g_free(stroke);
    g_free(title);
    xmlFree(bfrom);
    xmlFree(bport);
    xmlFree(bto);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);

    /* One bar per next hop: 4 leaves x 2 spines. */
    size_t nh = (size_t) xpath_num(doc, "count(/results/ecmp/switch/"
                                   "next-hop)");
    ck_assert_uint_eq(nh, 8);
    ck_assert_uint_eq(count_in(html, html + strlen(html),
                               "class=\"ecmp-bar"), nh);

    /* The CDF: one step per completed flow, the last at 1 (the y of the
     * axis' grid line for 1). */
    char *fc = nvo_test_summary_cell(dir, "flows_completed");
    size_t completed = strtoul(fc, NULL, 10);
    g_free(fc);
    ck_assert_uint_eq(completed, 479);
    svg_span(html, "fct-cdf", &from, &to);
    const char *grid = strstr(from, "<line class=\"grid\" data-value=\"1\"");
    ck_assert(grid && grid < to);
    const char *y1 = strstr(grid, "y1=\"");
    double ytop = strtod(y1 + 4, NULL);
    const char *d = strstr(from, "id=\"fct-cdf-line\"");
    ck_assert(d && d < to);
    d = strstr(d, " d=\"") + 4;
    const char *dend = strchr(d, '"');
    char *path = g_strndup(d, dend - d);
    /* "Mx y Lx y" then "Lx y Lx y" per flow: 2 points per flow. */
    size_t points = 0;
    for (const char *p = path; *p; p++) {
        points += *p == 'M' || *p == 'L';
    }
    ck_assert_uint_eq(points, 2 * completed);
    const char *last = strrchr(path, ' ');
    double ylast = strtod(last + 1, NULL);
    ck_assert_msg(fabs(ylast - ytop) < 1e-9, "last y %g, 1 at %g", ylast,
                  ytop);
    g_free(path);

    /* The series: BGP and MAC plots; no LDP rows in an EVPN run. */
    ck_assert(strstr(html, "id=\"series-bgp-msgs\""));
    ck_assert(strstr(html, "id=\"series-bgp-rib\""));
    ck_assert(strstr(html, "id=\"series-pe-mac\""));
    ck_assert(strstr(html, "id=\"series-link-bytes\""));
    ck_assert(!strstr(html, "id=\"series-ldp-msgs\""));
    ck_assert(strstr(html, "series.csv has no <code>ldp msgs_out</code> "
                     "rows"));
    ck_assert(strstr(html, "series.csv: 20 samples"));

    /* The headline tables: every column, an empty cell shown as the
     * missing mark. */
    char *sum = slurp(dir, "summary.csv");
    char **lines = g_strsplit(sum, "\n", 3);
    char **head = g_strsplit(lines[0], ",", -1);
    char **row = g_strsplit(lines[1], ",", -1);
    size_t empty = 0;
    for (size_t i = 0; head[i]; i++) {
        char *key = g_strdup_printf("<tr><td><code>%s</code></td>", head[i]);
        ck_assert_msg(strstr(html, key), "%s", key);
        g_free(key);
        empty += !*row[i];
    }
    ck_assert_uint_gt(empty, 0);
    ck_assert_uint_eq(count_in(html, html + strlen(html),
                               "<td class=\"num missing\">\xe2\x80\x93"
                               "</td>"), empty);
    g_strfreev(head);
    g_strfreev(row);
    g_strfreev(lines);
    g_free(sum);

    /* Deterministic: the same folder gives the same page. */
    char *again = nvo_report_html(dir, NULL);
    ck_assert_str_eq(again, html);
    g_free(again);

    xmlFreeDoc(doc);
    g_free(html);
    nvo_test_rmdir(dir);
}
END_TEST

/* No flows.csv, no series.csv: said so, with how to get them. */
START_TEST(missing_parts)
{
    char *dir = run_into("scenarios/overlay-evpn.xml", NULL, 0);
    char *html = report(dir);
    ck_assert(strstr(html, "id=\"fct-missing\""));
    ck_assert(strstr(html, "<code>--set output.flows=true</code>"));
    ck_assert(strstr(html, "id=\"series-missing\""));
    ck_assert(strstr(html, "<code>--set output.series=1ms</code>"));
    ck_assert(!strstr(html, "id=\"fct-cdf\""));
    g_free(html);
    nvo_test_rmdir(dir);
}
END_TEST

/* A node name that is markup (results.xml edited, or written by another
 * tool): escaped everywhere it appears. */
START_TEST(hostile_name)
{
    char *dir = run_into("scenarios/overlay-evpn.xml", NULL, 0);
    char *xml = slurp(dir, "results.xml");
    char *bad = nvo_test_tmpdir("report-hostile");
    gchar **parts = g_strsplit(xml, "\"hv1-1\"", -1);
    size_t uses = g_strv_length(parts) - 1;
    ck_assert_uint_ge(uses, 4);         /* node, links, pe, speaker */
    char *evil = g_strjoinv("\"&lt;script&gt;alert(1)&lt;/script&gt;\"",
                            parts);
    /* And the topology's name. */
    gchar **tparts = g_strsplit(evil, "<topology name=\"leaf-spine-small\"",
                                -1);
    ck_assert_uint_eq(g_strv_length(tparts), 2);
    char *evil2 = g_strjoinv("<topology name=\"&lt;script&gt;topo&amp;"
                             "&quot;\"", tparts);
    g_strfreev(tparts);
    put(bad, "results.xml", evil2);
    g_free(evil2);
    char *sum = slurp(dir, "summary.csv");
    put(bad, "summary.csv", sum);
    char *html = report(bad);
    ck_assert(!strstr(html, "<script"));
    ck_assert(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    /* In each of the two views: the node box's title and the titles of
     * its two link directions (the name is too long for the box's
     * label). */
    ck_assert_uint_eq(count_in(html, html + strlen(html), "&lt;script&gt;"
                               "alert(1)&lt;/script&gt;"), 6);
    ck_assert(strstr(html, "topology <code>&lt;script&gt;topo&amp;&quot;"
                     "</code>"));
    g_free(html);
    g_free(sum);
    g_free(evil);
    g_strfreev(parts);
    g_free(xml);
    nvo_test_rmdir(bad);
    nvo_test_rmdir(dir);
}
END_TEST

/* 128 hypervisors on 16 leaves and 4 spines: the hypervisors of a leaf are
 * one box, and their directions one line each way. */
START_TEST(aggregated)
{
    char topo[4096];
    snprintf(topo, sizeof topo, "topology.file=%s",
             nvo_test_src("topologies/leaf-spine-4x16x8.xml"));
    const char *sets[] = { topo, "run.duration=2ms" };
    char *dir = run_into("scenarios/websearch.xml", sets, 2);
    char *html = report(dir);
    xmlDocPtr doc = results_doc(dir);
    size_t hv = (size_t) xpath_num(doc, "count(/results/network/node[@role="
                                   "'hypervisor'])");
    ck_assert_uint_eq(hv, 128);
    ck_assert_uint_gt(hv, NVO_REPORT_AGG_HYPERVISORS);
    /* 16 x 4 leaf-spine links, two directions each, and per leaf one line
     * up and one down. */
    size_t fabric = (size_t) xpath_num(doc, "count(/results/links/link["
                                       "starts-with(@tier, 'fabric')])");
    ck_assert_uint_eq(fabric, 128);
    size_t leaves = (size_t) xpath_num(doc, "count(/results/network/node["
                                       "@role='leaf'])");
    ck_assert_uint_eq(leaves, 16);
    const char *from, *to;
    svg_span(html, "fabric-util", &from, &to);
    ck_assert_uint_eq(count_in(from, to, "class=\"link\""),
                      fabric + 2 * leaves);
    ck_assert_uint_eq(count_in(from, to, "<rect class=\"node agg\""), leaves);
    ck_assert(strstr(html, "<strong>Aggregated:</strong> the 128 "
                     "hypervisors"));
    ck_assert(strstr(html, "(160 lines in all)"));
    /* 16 leaves x 4 spines next hops. */
    ck_assert_uint_eq(count_in(html, html + strlen(html), "class=\"ecmp-bar"),
                      (size_t) xpath_num(doc, "count(/results/ecmp/switch/"
                                         "next-hop)"));
    ck_assert_uint_eq((size_t) xpath_num(doc, "count(/results/ecmp/switch/"
                                         "next-hop)"), 64);
    xmlFreeDoc(doc);
    g_free(html);
    nvo_test_rmdir(dir);
}
END_TEST

/* A sweep: mean ± half-width (n) per point from summarize.h. */
START_TEST(sweep_page)
{
    char *dir = nvo_test_tmpdir("report-sweep");
    put(dir, "sweep.csv",
        "point,topology.spines,seed,run,fct_p50_us,spine_up_jain\n"
        "1,2,1,1,1,\n1,2,1,2,2,\n1,2,1,3,3,\n1,2,1,4,4,\n1,2,1,5,5,\n"
        "2,4,1,1,10,\n2,4,1,2,,\n");
    char *html = report(dir);
    /* 1..5: mean 3, half-width 2.776445 x sqrt(2.5) / sqrt(5) = 1.963
     * (2 significant digits); point 2 has one value. */
    ck_assert(strstr(html, "<td class=\"num\">3 \xc2\xb1 2 (n=5)</td>"));
    ck_assert(strstr(html, "<td class=\"num\">10 (n=1)</td>"));
    ck_assert(strstr(html, "id=\"sweep-fct_p50_us\""));
    const char *from, *to;
    svg_span(html, "sweep-fct_p50_us", &from, &to);
    ck_assert_uint_eq(count_in(from, to, "<circle class=\"mean\""), 2);
    ck_assert_uint_eq(count_in(from, to, "<path class=\"ci\""), 1);
    ck_assert(strstr(from, "point 1 (2): 3 \xc2\xb1 2 (n=5)"));
    /* No value at all: said so, no plot. */
    ck_assert(!strstr(html, "id=\"sweep-spine_up_jain\""));
    ck_assert(strstr(html, "No run has a value of it"));
    g_free(html);
    nvo_test_rmdir(dir);
}
END_TEST

static void
refused(const char *dir, const char *want)
{
    GError *error = NULL;
    ck_assert_int_eq(nvo_report_write(dir, NULL, &error), -1);
    ck_assert(error);
    ck_assert_msg(!strcmp(error->message, want), "got \"%s\"\nwant \"%s\"",
                  error->message, want);
    g_error_free(error);
    ck_assert(!exists(dir, "report.html"));
    ck_assert(!exists(dir, "report.html.tmp"));
}

START_TEST(bad_folders)
{
    char *dir = nvo_test_tmpdir("report-bad");
    char *msg = g_strdup_printf("%s: neither results.xml (a run) nor "
                                "sweep.csv (a sweep)", dir);
    refused(dir, msg);
    g_free(msg);

    /* Not well-formed: libxml2's line and message. */
    put(dir, "results.xml", "<?xml version=\"1.0\"?>\n<results>\n"
        "<network nodes=\"1\">\n</results>\n");
    put(dir, "summary.csv", "scenario\nx\n");
    msg = g_strdup_printf("%s/results.xml:4: not well-formed XML: Opening "
                          "and ending tag mismatch: network line 3 and "
                          "results", dir);
    refused(dir, msg);
    g_free(msg);

    /* Well-formed but wrong. */
    put(dir, "results.xml", "<results>\n<network>\n<node name=\"a\" "
        "role=\"leaf\"/>\n<node name=\"b\" role=\"spine\"/>\n</network>\n"
        "<links>\n<link from=\"a\" port=\"1\" to=\"b\" tier=\"fabric-up\" "
        "utilization=\"lots\" tx-bytes-data=\"1\" tx-bytes-bum=\"0\" "
        "tx-bytes-control=\"0\" tx-frames-data=\"1\" tx-frames-bum=\"0\" "
        "tx-frames-control=\"0\"/>\n</links>\n</results>\n");
    msg = g_strdup_printf("%s/results.xml:7: <link>: utilization=\"lots\": "
                          "not a number", dir);
    refused(dir, msg);
    g_free(msg);
    put(dir, "results.xml", "<results>\n<network>\n<node name=\"a\" "
        "role=\"leaf\"/>\n</network>\n<links>\n<link from=\"a\" port=\"1\" "
        "to=\"zz\"/>\n</links>\n</results>\n");
    msg = g_strdup_printf("%s/results.xml:6: <link>: to=\"zz\": no such node "
                          "in <network>", dir);
    refused(dir, msg);
    g_free(msg);
    put(dir, "results.xml", "<sweep/>\n");
    msg = g_strdup_printf("%s/results.xml:1: the root element is <sweep>, "
                          "not <results> (not a results.xml of nvosim run?)",
                          dir);
    refused(dir, msg);
    g_free(msg);

    /* A good results.xml, then bad companions. */
    char *run = run_into("scenarios/overlay-evpn.xml", NULL, 0);
    char *xml = slurp(run, "results.xml");
    char *sum = slurp(run, "summary.csv");
    put(dir, "results.xml", xml);
    char *sp = g_build_filename(dir, "summary.csv", NULL);
    g_unlink(sp);
    msg = g_strdup_printf("%s: cannot read: No such file or directory "
                          "(nvosim run writes summary.csv last, only when "
                          "the run succeeded)", sp);
    refused(dir, msg);
    g_free(msg);
    put(dir, "summary.csv", sum);
    put(dir, "flows.csv", "id,src,dst,src_vm,dst_vm,vni,size_bytes,start_us,"
        "completion_us,packets_sent,packets_delivered,packets_in_network,"
        "drops\n1,a,b,,,,100,5,7,1,1,0,0\n2,a,b,,,,100,5\n");
    msg = g_strdup_printf("%s/flows.csv:3: 8 fields, but the header (line "
                          "1) has 13", dir);
    refused(dir, msg);
    g_free(msg);
    put(dir, "flows.csv", "id,start_us,completion_us\n1,10,4\n");
    msg = g_strdup_printf("%s/flows.csv:2: completion_us \"4\": not a time "
                          "at or after start_us", dir);
    refused(dir, msg);
    g_free(msg);
    char *fp = g_build_filename(dir, "flows.csv", NULL);
    g_unlink(fp);
    g_free(fp);
    put(dir, "series.csv", "time_us,kind,entity,metric,value\n"
        "1000,pe,hv1-1,mac_entries,3\n500,pe,hv1-1,mac_entries,3\n");
    msg = g_strdup_printf("%s/series.csv:3: time_us 500 is before the "
                          "previous row's", dir);
    refused(dir, msg);
    g_free(msg);
    put(dir, "series.csv", "time_us,kind,entity,metric,value\n"
        "1000,pe,hv1-1,mac_entries\n");
    msg = g_strdup_printf("%s/series.csv:2: 4 fields, but the header has 5",
                          dir);
    refused(dir, msg);
    g_free(msg);
    char *ser = g_build_filename(dir, "series.csv", NULL);
    static const char nul[] = "time_us,kind,entity,metric,value\n"
                              "1000,pe,hv1-1,mac_entries,3\0" "9\n";
    ck_assert(g_file_set_contents(ser, nul, sizeof nul - 1, NULL));
    msg = g_strdup_printf("%s/series.csv:2: a NUL byte", dir);
    refused(dir, msg);
    g_free(msg);
    g_unlink(ser);
    g_free(ser);

    /* Now good: the page is written, and --out elsewhere too. */
    GError *error = NULL;
    ck_assert(!nvo_report_write(dir, NULL, &error));
    ck_assert(exists(dir, "report.html"));
    char *other = g_build_filename(dir, "other.html", NULL);
    ck_assert(!nvo_report_write(dir, other, &error));
    ck_assert(exists(dir, "other.html"));
    g_free(other);

    /* A bad sweep.csv: summarize's message. */
    char *sw = nvo_test_tmpdir("report-badsweep");
    put(sw, "sweep.csv", "point,seed,run,x\n1,1,1,2\n1,1,1\n");
    msg = g_strdup_printf("%s/sweep.csv:3: 3 fields, but the header (line 1) "
                          "has 4", sw);
    refused(sw, msg);
    g_free(msg);
    nvo_test_rmdir(sw);
    /* Not a folder. */
    refused("/nonexistent/run", "/nonexistent/run: not a directory (give a "
            "run folder with results.xml, or a sweep folder with "
            "sweep.csv)");

    g_free(sp);
    g_free(xml);
    g_free(sum);
    nvo_test_rmdir(run);
    nvo_test_rmdir(dir);
}
END_TEST

static Suite *
report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("report");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, colour_scale);
    tcase_add_test(tc, escaping);
    tcase_add_test(tc, run_page);
    tcase_add_test(tc, missing_parts);
    tcase_add_test(tc, hostile_name);
    tcase_add_test(tc, aggregated);
    tcase_add_test(tc, sweep_page);
    tcase_add_test(tc, bad_folders);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return nvo_test_run(report_suite());
}
