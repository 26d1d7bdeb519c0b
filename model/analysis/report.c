/* report.c: the run report's page (report.h): the HTML around the
 * drawings, the headline and tier tables, ECMP bars, the FCT CDF, the
 * time series, and for a sweep the per-point statistics and their plots;
 * and writing the page atomically. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/report.h"
#include "analysis/report_data.h"
#include "analysis/report_fabric.h"
#include "analysis/summarize.h"
#include "analysis/svg.h"
#include "core/fileio.h"
#include "core/nvo.h"

G_DEFINE_QUARK(nvo-report-error-quark, nvo_report_error)

static const char css__[] =
"body{font-family:sans-serif;margin:1.5em auto;max-width:1200px;color:#111;"
"line-height:1.4;padding:0 1em}\n"
"h1{font-size:1.5em}h2{font-size:1.25em;border-bottom:1px solid #999;"
"margin-top:1.6em}h3{font-size:1.05em}\n"
"table{border-collapse:collapse;margin:0.5em 0;font-size:0.9em}\n"
"th,td{border:1px solid #bbb;padding:2px 6px;text-align:left;"
"vertical-align:top}td.num{text-align:right;font-variant-numeric:"
"tabular-nums}\n"
".missing{color:#555;font-style:italic}\n"
"figure{margin:0.6em 0;overflow-x:auto}figcaption{font-size:0.85em;"
"color:#333}\n"
"svg{font-size:10px;background:#fff;max-width:100%;height:auto}svg .frame{fill:none;stroke:#000;"
"stroke-width:0.8}\n"
"svg .grid{stroke:#ddd;stroke-width:0.6}svg .tick{stroke:#000;"
"stroke-width:0.6}svg text.tick{stroke:none;fill:#111}\n"
"svg .axis-label,svg .row-label{font-size:11px;fill:#111}\n"
"svg rect.node{fill:#f4f4f4;stroke:#333;stroke-width:0.8}svg rect.agg"
"{fill:#e4e4f4}\n"
"svg .node-label{font-size:9px}svg .bar{stroke:#000;stroke-width:0.4}\n"
"svg .ci{stroke:#000;stroke-width:1}svg .series{fill:none;stroke-width:"
"1.6}\n"
".tables{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}\n"
".ecmp-grid{display:flex;flex-wrap:wrap;gap:6px}.ecmp-grid figure"
"{margin:0}\n"
"nav ul{columns:2;font-size:0.9em}\n"
"@media print{body{max-width:none;margin:0;font-size:10pt}nav{display:"
"none}section{break-inside:auto}figure,table{break-inside:avoid}"
"figure{overflow:visible}svg{max-width:100%;height:auto}"
"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

static void
esc__(GString *out, const char *s)
{
    nvo_svg_escape(out, s);
}

static void
page_begin__(GString *out, const char *title)
{
    g_string_append(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                    "<meta charset=\"utf-8\">\n<title>");
    esc__(out, title);
    g_string_append_printf(out, "</title>\n<style>\n%s</style>\n</head>\n"
                           "<body>\n<h1>", css__);
    esc__(out, title);
    g_string_append(out, "</h1>\n");
}

static void
page_end__(GString *out, const char *dir)
{
    g_string_append_printf(out, "<footer><p>Written by nvosim %s report "
                           "from <code>", NVO_VERSION);
    esc__(out, dir);
    g_string_append(out, "</code>; every number on this page comes from "
                    "the files there (docs/report.md says how it is "
                    "drawn).</p></footer>\n</body>\n</html>\n");
}

/* The unit of a summary.csv column, for the headline table. */
static const char *
column_unit__(const char *name)
{
    static const struct {
        const char *name, *unit;
    } named[] = {
        { "scenario", "text" }, { "engine", "text" }, { "seed", "number" },
        { "run", "number" }, { "fingerprint", "hexadecimal" },
        { "control_plane", "text" }, { "overlay_vtep", "text" },
        { "goodput_efficiency", "fraction" },
        { "pe_cpu_cycles", "CPU cycles" },
        { "pe_cpu_cycles_per_frame", "CPU cycles / frame" },
        { "bum_link_bytes", "bytes" }, { "encap_overhead_bytes", "bytes" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(named); i++) {
        if (!strcmp(name, named[i].name)) {
            return named[i].unit;
        }
    }
    const char *u = nvo_metric_unit(name);
    return u ? u : "count";
}

static void
headline__(GString *out, const struct nvo_rep_run *r)
{
    const struct nvo_csv *c = r->summary;
    char **row = g_ptr_array_index(c->rows, 0);
    g_string_append(out, "<section id=\"headline\"><h2>Headline numbers"
                    "</h2>\n<p>summary.csv, one row (docs/outputs.md); "
                    "\xe2\x80\x93 is a missing value (no sample), never "
                    "0.</p>\n<div class=\"tables\">");
    /* Three tables side by side (one on narrow screens). */
    size_t per = (c->n_cols + 2) / 3;
    for (size_t i = 0; i < c->n_cols; i++) {
        if (i % per == 0) {
            g_string_append_printf(out, "%s<table class=\"headline-table\">"
                                   "<thead><tr><th>column</th><th>value</th>"
                                   "<th>unit</th></tr></thead><tbody>\n",
                                   i ? "</tbody></table>\n" : "");
        }
        bool missing = !*row[i];
        g_string_append(out, "<tr><td><code>");
        esc__(out, c->header[i]);
        g_string_append_printf(out, "</code></td><td class=\"num%s\">",
                               missing ? " missing" : "");
        esc__(out, missing ? "\xe2\x80\x93" : row[i]);
        g_string_append(out, "</td><td>");
        esc__(out, column_unit__(c->header[i]));
        g_string_append(out, "</td></tr>\n");
    }
    g_string_append(out, "</tbody></table></div></section>\n");
}

static void
td_num__(GString *out, double v, int digits)
{
    char b[32];
    g_string_append_printf(out, "<td class=\"num%s\">%s</td>",
                           isnan(v) ? " missing" : "",
                           nvo_svg_num(b, v, digits));
}

static void
tiers_table__(GString *out, const struct nvo_rep_run *r)
{
    g_string_append(out, "<section id=\"tiers\"><h2>Tiers</h2>\n");
    if (!r->tiers->len) {
        g_string_append(out, "<p class=\"missing\">results.xml has no "
                        "<code>&lt;tiers&gt;</code>.</p></section>\n");
        return;
    }
    g_string_append(out, "<table id=\"tiers-table\"><thead><tr><th>tier"
                    "</th><th>link directions</th><th>data bytes</th>"
                    "<th>BUM bytes</th><th>control bytes</th><th>mean "
                    "utilization (fraction)</th><th>max utilization "
                    "(fraction)</th><th>Jain's index of bytes</th>"
                    "<th>max / mean of bytes</th></tr></thead><tbody>\n");
    for (guint i = 0; i < r->tiers->len; i++) {
        const struct nvo_rep_tier *t = &g_array_index(r->tiers,
                                                      struct nvo_rep_tier, i);
        g_string_append(out, "<tr><td>");
        esc__(out, t->name);
        g_string_append_printf(out, "</td><td class=\"num\">%" G_GUINT64_FORMAT
                               "</td><td class=\"num\">%" G_GUINT64_FORMAT
                               "</td><td class=\"num\">%" G_GUINT64_FORMAT
                               "</td><td class=\"num\">%" G_GUINT64_FORMAT
                               "</td>", t->links, t->bytes_data, t->bytes_bum,
                               t->bytes_control);
        td_num__(out, t->mean_util, 4);
        td_num__(out, t->max_util, 4);
        td_num__(out, t->jain, 4);
        td_num__(out, t->max_over_mean, 4);
        g_string_append(out, "</tr>\n");
    }
    g_string_append(out, "</tbody></table></section>\n");
}

static void
ecmp_section__(GString *out, const struct nvo_rep_run *r)
{
    char b[32], b2[32], c[8];
    g_string_append(out, "<section id=\"ecmp\"><h2>ECMP: bytes per next "
                    "hop</h2>\n");
    if (!r->switches->len) {
        g_string_append(out, "<p class=\"missing\">No switch has two or more "
                        "up-links (results.xml <code>&lt;ecmp&gt;</code> "
                        "lists none): nothing to balance.</p></section>\n");
        return;
    }
    g_string_append(out, "<p>Hash function <code>");
    esc__(out, r->ecmp_function ? r->ecmp_function : "\xe2\x80\x93");
    g_string_append(out, "</code> over <code>");
    esc__(out, r->ecmp_fields ? r->ecmp_fields : "\xe2\x80\x93");
    g_string_append_printf(out, "</code>.  One chart per switch with two or "
                           "more up-links (%u switches, %zu next hops): a "
                           "bar per next hop, its height the bytes sent to "
                           "it as a share of the switch's up-link bytes "
                           "(the number above the bar, in %%); an even "
                           "spread puts every bar at the dashed line.</p>\n"
                           "<div class=\"ecmp-grid\">\n",
                           r->switches->len, r->n_next_hops);
    for (guint i = 0; i < r->switches->len; i++) {
        const struct nvo_rep_switch *s = &g_array_index(r->switches,
                                                        struct nvo_rep_switch,
                                                        i);
        uint64_t total = 0;
        for (size_t k = 0; k < s->n_nh; k++) {
            total += s->nh[k].bytes;
        }
        double bar = 26, gap = 6;
        size_t longest = 0;
        for (size_t k = 0; k < s->n_nh; k++) {
            longest = MAX(longest, strlen(s->nh[k].peer));
        }
        /* Peer names at 45 degrees under the bars: about 4.3 px down and
         * across per character. */
        double lab = 4.3 * (double) MIN(longest, (size_t) 40);
        double top = 34, bottom = 120;
        double w = fmax(50 + s->n_nh * (bar + gap) + lab,
                        5.6 * (double) (strlen(s->name) + 30) + 10);
        double h = bottom + 14 + lab;
        g_string_append(out, "<figure><svg xmlns=\"http://www.w3.org/2000/svg"
                        "\" class=\"ecmp-switch\" ");
        g_string_append_printf(out, "width=\"%.0f\" height=\"%.0f\" "
                               "viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
                               "aria-label=\"", w, h, w, h);
        esc__(out, s->name);
        g_string_append(out, ": bytes per next hop\"><text class=\"axis-label\""
                        " x=\"4\" y=\"14\">");
        esc__(out, s->name);
        g_string_append_printf(out, " (Jain %s, max/mean %s)</text>\n",
                               nvo_svg_num(b, s->jain, 3),
                               nvo_svg_num(b2, s->max_over_mean, 3));
        g_string_append_printf(out, "<line class=\"frame\" x1=\"20\" "
                               "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                               bottom, w - 4, bottom);
        double maxshare = 0;
        for (size_t k = 0; k < s->n_nh; k++) {
            maxshare = fmax(maxshare, total ? (double) s->nh[k].bytes
                            / (double) total : 0);
        }
        double scale = nvo_svg_nice_ceil(fmax(maxshare, s->n_nh
                                              ? 1.0 / (double) s->n_nh : 1));
        if (s->n_nh) {
            double ey = bottom - (bottom - top) / (double) s->n_nh / scale;
            g_string_append_printf(out, "<line class=\"even\" x1=\"20\" "
                                   "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                                   "stroke=\"#000\" stroke-dasharray=\"3 2\">"
                                   "<title>an even share: %s%%</title>"
                                   "</line>\n", ey, w - 4, ey,
                                   nvo_svg_num(b, 100.0 / (double) s->n_nh,
                                               4));
        }
        for (size_t k = 0; k < s->n_nh; k++) {
            const struct nvo_rep_nh *nh = &s->nh[k];
            double share = total ? (double) nh->bytes / (double) total : NAN;
            double bh = total ? (bottom - top) * share / scale : 0;
            double x = 26 + k * (bar + gap);
            g_string_append_printf(out, "<rect class=\"ecmp-bar bar\" "
                                   "x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" "
                                   "height=\"%.1f\" fill=\"%s\"><title>",
                                   x, bottom - bh, bar, bh,
                                   nvo_svg_colour(c, 0.35));
            GString *t = g_string_new(NULL);
            g_string_append_printf(t, "%s port %u \xe2\x86\x92 %s: %"
                                   G_GUINT64_FORMAT " bytes, %"
                                   G_GUINT64_FORMAT " frames, %"
                                   G_GUINT64_FORMAT " flows; %s%% of the "
                                   "switch's up-link bytes", s->name,
                                   nh->port, nh->peer, nh->bytes, nh->frames,
                                   nh->flows,
                                   nvo_svg_num(b, share * 100, 4));
            esc__(out, t->str);
            g_string_free(t, TRUE);
            g_string_append_printf(out, "</title></rect><text class=\"tick\" "
                                   "font-size=\"8\" x=\"%.1f\" y=\"%.1f\" "
                                   "text-anchor=\"middle\">%s</text>",
                                   x + bar / 2, bottom - bh - 3,
                                   nvo_svg_num(b, share * 100, 2));
            g_string_append_printf(out, "<text class=\"tick\" x=\"%.1f\" "
                                   "y=\"%.1f\" text-anchor=\"start\" "
                                   "transform=\"rotate(45 %.1f %.1f)\">",
                                   x + bar / 2 - 3, bottom + 10,
                                   x + bar / 2 - 3, bottom + 10);
            esc__(out, nh->peer);
            g_string_append(out, "</text>\n");
        }
        g_string_append(out, "</svg></figure>\n");
    }
    g_string_append(out, "</div></section>\n");
}

static void
fct_section__(GString *out, const struct nvo_rep_run *r)
{
    char b[32];
    g_string_append(out, "<section id=\"fct\"><h2>Flow completion time "
                    "CDF</h2>\n");
    if (!r->has_flows) {
        g_string_append(out, "<p class=\"missing\" id=\"fct-missing\">Missing:"
                        " the run has no flows.csv.  Run it again with "
                        "<code>--set output.flows=true</code> (or "
                        "<code>&lt;output flows=\"true\"&gt;</code>) to "
                        "get one row per flow.</p></section>\n");
        return;
    }
    size_t n = r->fct_us->len;
    if (!n) {
        g_string_append_printf(out, "<p class=\"missing\" id=\"fct-missing\">"
                               "No flow completed (%zu flows in flows.csv): "
                               "there is no completion time to draw.</p>"
                               "</section>\n", r->flows);
        return;
    }
    const double *f = (const double *) (void *) r->fct_us->data;
    double lo = f[0], hi = f[n - 1];
    struct nvo_svg_plot p = { .width = 720, .height = 340 };
    p.x.log = lo > 0 && hi / lo >= 100;
    nvo_svg_axis_fit(&p.x, p.x.log ? lo : 0, hi > lo ? hi : lo + 1);
    p.y.lo = 0;
    p.y.hi = 1;
    nvo_svg_plot_begin(out, &p, "fct-cdf", "Flow completion time CDF",
                       p.x.log ? "flow completion time (µs, log scale)"
                       : "flow completion time (µs)",
                       "fraction of completed flows \xe2\x89\xa4 x");
    /* A step function: at each FCT the fraction rises by 1/n.  Above
     * NVO_REPORT_CDF_POINTS flows, through evenly spaced quantiles. */
    size_t pts = MIN(n, (size_t) NVO_REPORT_CDF_POINTS);
    g_string_append(out, "<path id=\"fct-cdf-line\" class=\"series\" "
                    "stroke=\"#21918c\" d=\"");
    double prev_y = nvo_svg_map(&p.y, 0);
    for (size_t k = 1; k <= pts; k++) {
        size_t i = pts == n ? k - 1 : (size_t) ceil((double) k
                                                    * (double) n
                                                    / (double) pts) - 1;
        double frac = (double) (i + 1) / (double) n;
        double x = nvo_svg_map(&p.x, f[i]);
        double y = nvo_svg_map(&p.y, frac);
        g_string_append_printf(out, "%s%.2f %.2f L%.2f %.2f ",
                               k == 1 ? "M" : "L", x, prev_y, x, y);
        prev_y = y;
    }
    out->str[out->len - 1] = '"';
    g_string_append(out, "/>\n");
    nvo_svg_plot_end(out);
    g_string_append_printf(out, "<p>%zu completed flows of %zu in flows.csv "
                           "(the running and lost flows have no completion "
                           "time)%s.  Min %s µs, ", n, r->flows,
                           pts < n ? "; drawn through "
                           G_STRINGIFY(NVO_REPORT_CDF_POINTS)
                           " evenly spaced quantiles" : "",
                           nvo_svg_num(b, lo, 6));
    static const double q[] = { 0.5, 0.9, 0.99 };
    for (size_t k = 0; k < G_N_ELEMENTS(q); k++) {
        size_t i = (size_t) ceil(q[k] * (double) n) - 1;
        g_string_append_printf(out, "p%g %s µs, ", q[k] * 100,
                               nvo_svg_num(b, f[i], 6));
    }
    g_string_append_printf(out, "max %s µs (the smallest FCT with at least "
                           "that fraction of flows at or below it).</p>"
                           "</section>\n", nvo_svg_num(b, hi, 6));
}

enum { MODE_SUM, MODE_MAX, MODE_MEAN };

/* A sample's value of a metric: the sum over the entities, the largest,
 * or the mean (sum / entities). */
static double
series_value__(const struct nvo_rep_series *s, int m, int mode, size_t i)
{
    if (mode == MODE_MAX) {
        return g_array_index(s->max[m], double, i);
    }
    double sum = g_array_index(s->sum[m], double, i);
    if (mode == MODE_SUM) {
        return sum;
    }
    guint c = g_array_index(s->count[m], guint, i);
    return c ? sum / c : NAN;
}

/* One time-series plot: up to three lines, each a metric and a mode. */
static void
series_plot__(GString *out, const struct nvo_rep_series *s, const char *id,
            const char *title, const char *ylabel, const int *metrics,
            const int *modes, const char *const *names, size_t n_lines)
{
    static const char *const colours[] = { "#3b528b", "#5ec962",
                                           "#21918c" };
    static const char *const dashes[] = { "", " stroke-dasharray=\"6 3\"",
                                          " stroke-dasharray=\"2 2\"" };
    size_t nt = s->times->len;
    double tmax = nt ? g_array_index(s->times, double, nt - 1) : 1;
    double vmax = 0;
    for (size_t l = 0; l < n_lines; l++) {
        for (size_t i = 0; i < nt; i++) {
            double v = series_value__(s, metrics[l], modes[l], i);
            if (!isnan(v)) {
                vmax = fmax(vmax, v);
            }
        }
    }
    /* Milliseconds from 10 ms on. */
    double tdiv = tmax >= 10000 ? 1000 : 1;
    struct nvo_svg_plot p = { .width = 720, .height = 300 };
    nvo_svg_axis_fit(&p.x, 0, tmax / tdiv);
    nvo_svg_axis_fit(&p.y, 0, vmax > 0 ? vmax : 1);
    nvo_svg_plot_begin(out, &p, id, title, tdiv > 1 ? "simulated time (ms)"
                       : "simulated time (µs)", ylabel);
    for (size_t l = 0; l < n_lines; l++) {
        g_string_append_printf(out, "<path class=\"series\" stroke=\"%s\"%s "
                               "d=\"", colours[l % 3], dashes[l % 3]);
        /* Above NVO_REPORT_SERIES_POINTS samples, each point is the
         * largest value of a group of consecutive samples (at the group's
         * last time), so that peaks survive. */
        size_t group = (nt + NVO_REPORT_SERIES_POINTS - 1)
                       / NVO_REPORT_SERIES_POINTS;
        group = group ? group : 1;
        bool pen = false;
        for (size_t g0 = 0; g0 < nt; g0 += group) {
            double v = NAN;
            size_t i = g0;
            for (size_t k = g0; k < nt && k < g0 + group; k++) {
                double x = series_value__(s, metrics[l], modes[l], k);
                if (!isnan(x) && (isnan(v) || x > v)) {
                    v = x;
                }
                i = k;
            }
            if (isnan(v)) {
                pen = false;    /* no entity at these samples: a gap */
                continue;
            }
            g_string_append_printf(out, "%s%.2f %.2f ", pen ? "L" : "M",
                                   nvo_svg_map(&p.x, g_array_index(
                                       s->times, double, i) / tdiv),
                                   nvo_svg_map(&p.y, v));
            pen = true;
        }
        g_string_append(out, "\"><title>");
        esc__(out, names[l]);
        g_string_append(out, "</title></path>\n");
        /* The legend: a line sample and the name. */
        double ly = 40 + 14 * l;
        g_string_append_printf(out, "<line x1=\"%.1f\" y1=\"%.1f\" "
                               "x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                               "stroke-width=\"2\"%s/><text class=\"tick\" "
                               "x=\"%.1f\" y=\"%.1f\">", p.x.p0 + 10, ly,
                               p.x.p0 + 34, ly, colours[l % 3],
                               dashes[l % 3], p.x.p0 + 40, ly + 3.5);
        esc__(out, names[l]);
        g_string_append(out, "</text>\n");
    }
    nvo_svg_plot_end(out);
}

static bool
series_has__(const struct nvo_rep_series *s, int m)
{
    for (guint i = 0; i < s->times->len; i++) {
        if (g_array_index(s->count[m], guint, i)) {
            return true;
        }
    }
    return false;
}

static void
series_section__(GString *out, const struct nvo_rep_run *r)
{
    g_string_append(out, "<section id=\"series\"><h2>Over time: control "
                    "messages, table sizes, bytes by class</h2>\n");
    if (!r->has_series) {
        g_string_append(out, "<p class=\"missing\" id=\"series-missing\">"
                        "Missing: the run has no series.csv.  Run it again "
                        "with <code>--set output.series=1ms</code> (an "
                        "interval of simulated time; or <code>&lt;output "
                        "series=\"1ms\"&gt;</code>) to sample link bytes, "
                        "MAC tables, RIBs and control messages.</p>"
                        "</section>\n");
        return;
    }
    const struct nvo_rep_series *s = &r->series;
    g_string_append_printf(out, "<p>series.csv: %u samples, %" G_GUINT64_FORMAT
                           " rows.  Messages are per interval (since the "
                           "previous sample); sizes are at the sample.</p>\n",
                           s->times->len, s->rows);
    static const struct {
        int m;
        const char *what, *id, *title, *ylabel, *how;
        bool sized;             /* a size: max and mean; else sum and max */
    } plots[] = {
        { NVO_REP_BGP_MSGS, "bgp msgs_out", "series-bgp-msgs",
          "BGP messages sent per interval", "messages per interval",
          "a BGP control plane (<code>overlay.control=evpn</code> or "
          "<code>vpls-bgp</code>)", false },
        { NVO_REP_BGP_LOC_RIB, "bgp loc_rib", "series-bgp-rib",
          "BGP Loc-RIB size", "routes (NLRI with a best path)",
          "a BGP control plane", true },
        { NVO_REP_PE_MAC, "pe mac_entries", "series-pe-mac",
          "PE MAC table size", "MAC entries", "an <code>&lt;overlay&gt;"
          "</code>", true },
        { NVO_REP_LDP_MSGS, "ldp msgs_out", "series-ldp-msgs",
          "LDP messages sent per interval", "messages per interval",
          "<code>overlay.control=vpls-ldp</code>", false },
    };
    for (size_t k = 0; k < G_N_ELEMENTS(plots); k++) {
        g_string_append_printf(out, "<h3>%s</h3>\n", plots[k].title);
        if (!series_has__(s, plots[k].m)) {
            g_string_append_printf(out, "<p class=\"missing\">Missing: "
                                   "series.csv has no <code>%s</code> rows "
                                   "(the run has no such speaker or table; "
                                   "they need %s).</p>\n", plots[k].what,
                                   plots[k].how);
            continue;
        }
        int ms[2] = { plots[k].m, plots[k].m };
        int mode[2] = { plots[k].sized ? MODE_MAX : MODE_SUM,
                        plots[k].sized ? MODE_MEAN : MODE_MAX };
        const char *names[2] = {
            plots[k].sized ? "the largest, at any node" : "all speakers "
            "together", plots[k].sized ? "the mean over the nodes"
            : "the busiest speaker" };
        series_plot__(out, s, plots[k].id, plots[k].title, plots[k].ylabel,
                    ms, mode, names, 2);
    }
    g_string_append(out, "<h3>Bytes sent on every link direction, by "
                    "class</h3>\n");
    if (!series_has__(s, NVO_REP_LINK_DATA)) {
        g_string_append(out, "<p class=\"missing\">Missing: series.csv has "
                        "no link rows.</p>\n");
    } else {
        int ms[3] = { NVO_REP_LINK_DATA, NVO_REP_LINK_BUM,
                      NVO_REP_LINK_CONTROL };
        int mode[3] = { MODE_SUM, MODE_SUM, MODE_SUM };
        const char *names[3] = { "data", "BUM", "control" };
        series_plot__(out, s, "series-link-bytes", "Bytes sent per interval "
                    "over every link direction, by class",
                    "bytes per interval", ms, mode, names, 3);
    }
    g_string_append(out, "</section>\n");
}

static void
run_page__(GString *out, const struct nvo_rep_run *r)
{
    char *title = g_strdup_printf("nvosim run report: %s",
                                  r->scenario ? r->scenario : "?");
    page_begin__(out, title);
    g_free(title);
    g_string_append(out, "<p class=\"meta\" id=\"run\">Scenario <code>");
    esc__(out, r->file ? r->file : "\xe2\x80\x93");
    g_string_append(out, "</code>, topology <code>");
    esc__(out, r->topology ? r->topology : "\xe2\x80\x93");
    g_string_append(out, "</code>, engine ");
    esc__(out, r->engine ? r->engine : "\xe2\x80\x93");
    g_string_append(out, ", seed ");
    esc__(out, r->seed ? r->seed : "\xe2\x80\x93");
    g_string_append(out, ", run ");
    esc__(out, r->run ? r->run : "\xe2\x80\x93");
    g_string_append(out, "; simulated time ");
    esc__(out, r->sim_time ? r->sim_time : "\xe2\x80\x93");
    g_string_append(out, ", ");
    esc__(out, r->events ? r->events : "\xe2\x80\x93");
    g_string_append(out, " events, fingerprint <code>");
    esc__(out, r->fingerprint ? r->fingerprint : "\xe2\x80\x93");
    g_string_append(out, "</code>.</p>\n");
    for (guint i = 0; i < r->warnings->len; i++) {
        g_string_append(out, "<p class=\"warning\"><strong>Warning</strong> ");
        esc__(out, g_ptr_array_index(r->warnings, i));
        g_string_append(out, "</p>\n");
    }
    g_string_append(out, "<nav><ul><li><a href=\"#headline\">Headline "
                    "numbers</a></li><li><a href=\"#fabric\">The fabric"
                    "</a></li><li><a href=\"#tiers\">Tiers</a></li><li>"
                    "<a href=\"#ecmp\">ECMP next hops</a></li><li><a "
                    "href=\"#fct\">Flow completion times</a></li><li><a "
                    "href=\"#series\">Over time</a></li></ul></nav>\n");
    headline__(out, r);
    g_string_append(out, "<section id=\"fabric\"><h2>The fabric</h2>\n");
    nvo_rep_fabric(out, r);
    g_string_append(out, "</section>\n");
    tiers_table__(out, r);
    ecmp_section__(out, r);
    fct_section__(out, r);
    series_section__(out, r);
    page_end__(out, r->dir);
}

/* ---- A sweep ---- */

static void
id_of__(GString *out, const char *prefix, const char *name)
{
    g_string_append(out, prefix);
    for (const char *p = name; *p; p++) {
        g_string_append_c(out, g_ascii_isalnum(*p) || *p == '_' ? *p : '-');
    }
}

static void
point_label__(GString *out, const struct nvo_summary *sw,
            const struct nvo_summary_point *pt)
{
    for (size_t k = 0; k < sw->n_paths; k++) {
        if (k) {
            g_string_append(out, ", ");
        }
        g_string_append(out, pt->values[k]);
    }
}

static void
sweep_metric__(GString *out, const struct nvo_summary *sw, size_t m)
{
    char b[32], b2[32];
    const char *name = sw->metrics[m];
    const char *unit = nvo_metric_unit(name);
    double lo = INFINITY, hi = -INFINITY;
    size_t with = 0;
    for (size_t i = 0; i < sw->n_points; i++) {
        const struct nvo_stat *st = &sw->points[i].stats[m];
        if (!st->n) {
            continue;
        }
        with++;
        double h = isnan(st->ci95) ? 0 : st->ci95;
        lo = fmin(lo, st->mean - h);
        hi = fmax(hi, st->mean + h);
    }
    double blo, bhi;
    nvo_metric_bounds(name, &blo, &bhi);
    GString *sid = g_string_new(NULL);
    id_of__(sid, "sweep-", name);
    g_string_append_printf(out, "<h3 id=\"%s-h\"><code>", sid->str);
    esc__(out, name);
    g_string_append(out, "</code>");
    if (unit) {
        g_string_append(out, " (");
        esc__(out, unit);
        g_string_append(out, ")");
    }
    g_string_append(out, "</h3>\n");
    if (!with) {
        g_string_append(out, "<p class=\"missing\">No run has a value of it "
                        "(every cell is empty: missing, not 0).</p>\n");
        g_string_free(sid, TRUE);
        return;
    }
    lo = fmax(lo, blo);
    hi = fmin(hi, bhi);
    /* x: the value of a single numeric varied path, else the points in
     * grid order. */
    bool numeric = sw->n_paths == 1;
    double xmin = INFINITY, xmax = -INFINITY;
    for (size_t i = 0; numeric && i < sw->n_points; i++) {
        double v;
        numeric = nvo_summary_parse_number(sw->points[i].values[0], &v);
        xmin = fmin(xmin, v);
        xmax = fmax(xmax, v);
    }
    struct nvo_svg_plot p = { .width = 720, .height = numeric ? 300 : 340 };
    if (numeric) {
        p.x.log = xmin > 0 && xmax / xmin >= 100;
        nvo_svg_axis_fit(&p.x, p.x.log ? xmin : fmin(0, xmin),
                         xmax > xmin ? xmax : xmin + 1);
    } else {
        p.x_categories = true;
        p.x.lo = 0.5;
        p.x.hi = (double) sw->n_points + 0.5;
    }
    nvo_svg_axis_fit(&p.y, fmin(0, lo), hi > fmin(0, lo) ? hi
                     : fmin(0, lo) + 1);
    GString *xl = g_string_new(NULL);
    for (size_t k = 0; k < sw->n_paths; k++) {
        g_string_append_printf(xl, "%s%s", k ? ", " : "", sw->paths[k]);
        const char *u = nvo_metric_unit(sw->paths[k]);
        if (u && numeric) {
            g_string_append_printf(xl, " (%s)", u);
        }
    }
    GString *yl = g_string_new(NULL);
    g_string_append_printf(yl, "%s%s%s%s, mean \xc2\xb1 95%% CI", name,
                           unit ? " (" : "", unit ? unit : "",
                           unit ? ")" : "");
    nvo_svg_plot_begin(out, &p, sid->str, yl->str, xl->str, yl->str);
    GString *line = g_string_new(NULL);
    for (size_t i = 0; i < sw->n_points; i++) {
        const struct nvo_summary_point *pt = &sw->points[i];
        const struct nvo_stat *st = &pt->stats[m];
        double xv = (double) (i + 1);
        if (numeric) {
            nvo_summary_parse_number(pt->values[0], &xv);
        }
        double x = nvo_svg_map(&p.x, xv);
        if (p.x_categories) {
            GString *lab = g_string_new(NULL);
            point_label__(lab, sw, pt);
            g_string_append_printf(out, "<text class=\"tick\" x=\"%.1f\" "
                                   "y=\"%.1f\" text-anchor=\"end\" "
                                   "transform=\"rotate(-30 %.1f %.1f)\">",
                                   x, p.y.p0 + 14, x, p.y.p0 + 14);
            esc__(out, lab->str);
            g_string_append(out, "</text>\n");
            g_string_free(lab, TRUE);
        }
        if (!st->n) {
            continue;
        }
        double y = nvo_svg_map(&p.y, st->mean);
        g_string_append_printf(line, "%s%.2f %.2f ", line->len ? "L" : "M",
                               x, y);
        if (!isnan(st->ci95)) {
            double y0 = nvo_svg_map(&p.y, fmax(st->mean - st->ci95, blo));
            double y1 = nvo_svg_map(&p.y, fmin(st->mean + st->ci95, bhi));
            g_string_append_printf(out, "<path class=\"ci\" d=\"M%.2f %.2f "
                                   "L%.2f %.2f M%.2f %.2f L%.2f %.2f M%.2f "
                                   "%.2f L%.2f %.2f\"/>\n", x, y0, x, y1,
                                   x - 4, y0, x + 4, y0, x - 4, y1, x + 4,
                                   y1);
        }
        g_string_append_printf(out, "<circle class=\"mean\" cx=\"%.2f\" "
                               "cy=\"%.2f\" r=\"3\" fill=\"#3b528b\">"
                               "<title>point %lu (", x, y, pt->point);
        GString *lab = g_string_new(NULL);
        point_label__(lab, sw, pt);
        esc__(out, lab->str);
        g_string_free(lab, TRUE);
        g_string_append_printf(out, "): %s \xc2\xb1 %s (n=%zu)</title>"
                               "</circle>\n", nvo_svg_num(b, st->mean, 6),
                               nvo_svg_num(b2, st->ci95, 2), st->n);
    }
    if (line->len) {
        line->str[line->len - 1] = 0;
        g_string_append_printf(out, "<path class=\"series\" stroke=\"#3b528b"
                               "\" d=\"%s\"/>\n", line->str);
    }
    nvo_svg_plot_end(out);
    g_string_free(line, TRUE);
    g_string_free(xl, TRUE);
    g_string_free(yl, TRUE);

    /* The table. */
    g_string_append_printf(out, "<table class=\"sweep-table\" id=\"%s-t\">"
                           "<thead><tr><th>point</th>", sid->str);
    for (size_t k = 0; k < sw->n_paths; k++) {
        g_string_append(out, "<th><code>");
        esc__(out, sw->paths[k]);
        g_string_append(out, "</code></th>");
    }
    g_string_append(out, "<th>runs</th><th>mean \xc2\xb1 95% half-width "
                    "(n)</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < sw->n_points; i++) {
        const struct nvo_summary_point *pt = &sw->points[i];
        const struct nvo_stat *st = &pt->stats[m];
        g_string_append_printf(out, "<tr><td class=\"num\">%lu</td>",
                               pt->point);
        for (size_t k = 0; k < sw->n_paths; k++) {
            g_string_append(out, "<td>");
            esc__(out, pt->values[k]);
            g_string_append(out, "</td>");
        }
        g_string_append_printf(out, "<td class=\"num\">%zu</td>", pt->n_runs);
        if (!st->n) {
            g_string_append(out, "<td class=\"num missing\">\xe2\x80\x93 "
                            "(n=0)</td>");
        } else if (st->n == 1) {
            g_string_append_printf(out, "<td class=\"num\">%s (n=1)</td>",
                                   nvo_svg_num(b, st->mean, 6));
        } else {
            g_string_append_printf(out, "<td class=\"num\">%s \xc2\xb1 %s "
                                   "(n=%zu)</td>",
                                   nvo_svg_num(b, st->mean, 6),
                                   nvo_svg_num(b2, st->ci95, 2), st->n);
        }
        g_string_append(out, "</tr>\n");
    }
    g_string_append(out, "</tbody></table>\n");
    g_string_free(sid, TRUE);
}

static void
sweep_page__(GString *out, const char *dir, const struct nvo_summary *sw)
{
    page_begin__(out, "nvosim sweep report");
    g_string_append(out, "<section id=\"sweep\"><p class=\"meta\"><code>");
    esc__(out, sw->file);
    g_string_append_printf(out, "</code>: %zu runs, %zu grid points, %zu "
                           "metrics.  Per grid point, each metric's mean "
                           "over the point's runs \xc2\xb1 the half-width "
                           "of its 95%% confidence interval (Student's t, "
                           "n \xe2\x88\x92 1 degrees of freedom; nvosim "
                           "summarize), n the runs that have a value: an "
                           "empty cell is missing, not 0.  Error bars are "
                           "clipped to the values a metric can take.  "
                           "Varied: ", sw->n_rows, sw->n_points,
                           sw->n_metrics);
    for (size_t k = 0; k < sw->n_paths; k++) {
        g_string_append(out, k ? ", <code>" : "<code>");
        esc__(out, sw->paths[k]);
        g_string_append(out, "</code>");
    }
    g_string_append(out, ".</p>\n<nav><ul>");
    for (size_t m = 0; m < sw->n_metrics; m++) {
        GString *sid = g_string_new(NULL);
        id_of__(sid, "sweep-", sw->metrics[m]);
        g_string_append_printf(out, "<li><a href=\"#%s-h\">", sid->str);
        esc__(out, sw->metrics[m]);
        g_string_append(out, "</a></li>");
        g_string_free(sid, TRUE);
    }
    g_string_append(out, "</ul></nav>\n");
    for (size_t m = 0; m < sw->n_metrics; m++) {
        sweep_metric__(out, sw, m);
    }
    g_string_append(out, "</section>\n");
    page_end__(out, dir);
}

char *
nvo_report_html(const char *dir, GError **error)
{
    char *results = g_build_filename(dir, "results.xml", NULL);
    char *sweep = g_build_filename(dir, "sweep.csv", NULL);
    bool is_run = g_file_test(results, G_FILE_TEST_EXISTS);
    bool is_sweep = g_file_test(sweep, G_FILE_TEST_EXISTS);
    g_free(results);
    char *html = NULL;
    if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        g_set_error(error, NVO_REPORT_ERROR, NVO_REPORT_ERROR_IO,
                    "%s: not a directory (give a run folder with "
                    "results.xml, or a sweep folder with sweep.csv)", dir);
    } else if (is_run) {
        struct nvo_rep_run *r = nvo_rep_run_load(dir, error);
        if (r) {
            GString *out = g_string_new(NULL);
            run_page__(out, r);
            html = g_string_free(out, FALSE);
            nvo_rep_run_destroy(r);
        }
    } else if (is_sweep) {
        GError *e = NULL;
        struct nvo_summary *sw = nvo_summary_load(sweep, &e);
        if (!sw) {
            g_set_error_literal(error, NVO_REPORT_ERROR,
                                e->code == NVO_SUMMARY_ERROR_IO
                                ? NVO_REPORT_ERROR_IO
                                : NVO_REPORT_ERROR_PARSE, e->message);
            g_error_free(e);
        } else {
            GString *out = g_string_new(NULL);
            sweep_page__(out, dir, sw);
            html = g_string_free(out, FALSE);
            nvo_summary_destroy(sw);
        }
    } else {
        g_set_error(error, NVO_REPORT_ERROR, NVO_REPORT_ERROR_PARSE,
                    "%s: neither results.xml (a run) nor sweep.csv (a "
                    "sweep)", dir);
    }
    g_free(sweep);
    return html;
}

int
nvo_report_write(const char *dir, const char *out, GError **error)
{
    char *html = nvo_report_html(dir, error);
    if (!html) {
        return -1;
    }
    char *path = out ? g_strdup(out) : g_build_filename(dir, "report.html",
                                                        NULL);
    int err = nvo_file_write_atomic(path, html, strlen(html));
    g_free(html);
    if (err) {
        g_set_error(error, NVO_REPORT_ERROR, NVO_REPORT_ERROR_IO,
                    "%s: cannot write: %s", path, g_strerror(err));
        g_free(path);
        return -1;
    }
    g_free(path);
    return 0;
}
