/* plot_run.c: the plots of one run's folder (FCT CDF from flows.csv,
 * utilization per tier and frames per ECMP next hop from results.xml),
 * through gnuplot as the sweep plots (plot.c's nvo_gnuplot_draw()).  See
 * plot_run.h.  Leaves out: time series (series.csv), BUM bytes per link,
 * several runs on one plot. */
#include "analysis/plot_run.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "analysis/plot.h"
#include "analysis/summarize.h"
#include "core/fileio.h"

static const char *const kind_names__[NVO_PLOT_RUN_KINDS] = {
    "fct", "tiers", "ecmp",
};

const char *
nvo_plot_run_kind_name(enum nvo_plot_run_kind k)
{
    return (unsigned) k < NVO_PLOT_RUN_KINDS ? kind_names__[k] : "?";
}

int
nvo_plot_run_kind_parse(const char *name)
{
    for (int k = 0; k < NVO_PLOT_RUN_KINDS; k++) {
        if (!strcmp(name, kind_names__[k])) {
            return k;
        }
    }
    return -1;
}

void
nvo_plot_run_result_clear(struct nvo_plot_run_result *res)
{
    if (!res) {
        return;
    }
    for (size_t k = 0; k < NVO_PLOT_RUN_KINDS; k++) {
        struct nvo_plot_run_item *it = &res->items[k];
        g_free(it->skipped);
        g_free(it->data);
        g_free(it->script);
        g_free(it->png);
        g_free(it->svg);
        g_free(it->gnuplot_messages);
    }
    memset(res, 0, sizeof *res);
}

static int
fail__(GError **error, int code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static int
fail__(GError **error, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error_literal(error, NVO_SUMMARY_ERROR, code, msg);
    g_free(msg);
    return code == NVO_SUMMARY_ERROR_PLOT ? EIO : EINVAL;
}

/* ---- What the run's files hold ---- */

struct link__ {
    char *name;                 /* "FROM:PORT" */
    double util;
};

struct tier__ {
    char *name;
    GArray *links;              /* struct link__ */
};

struct hop__ {
    unsigned long port;
    char *peer;
    uint64_t frames, bytes, flows;
};

struct switch__ {
    char *name;
    GArray *hops;               /* struct hop__ */
};

struct run__ {
    char *dir, *xml_path, *flows_path;
    char *label;                /* "SCENARIO, seed S, run R" */
    GArray *fct;                /* double, µs, sorted; NULL: no flows.csv */
    size_t flows_started;
    GPtrArray *tiers;           /* struct tier__ * */
    GPtrArray *switches;        /* struct switch__ * */
};

static void
tier_free__(gpointer p)
{
    struct tier__ *t = p;
    for (size_t i = 0; i < t->links->len; i++) {
        g_free(g_array_index(t->links, struct link__, i).name);
    }
    g_array_free(t->links, TRUE);
    g_free(t->name);
    g_free(t);
}

static void
switch_free__(gpointer p)
{
    struct switch__ *s = p;
    for (size_t i = 0; i < s->hops->len; i++) {
        g_free(g_array_index(s->hops, struct hop__, i).peer);
    }
    g_array_free(s->hops, TRUE);
    g_free(s->name);
    g_free(s);
}

static void
run_clear__(struct run__ *r)
{
    g_free(r->dir);
    g_free(r->xml_path);
    g_free(r->flows_path);
    g_free(r->label);
    if (r->fct) {
        g_array_free(r->fct, TRUE);
    }
    if (r->tiers) {
        g_ptr_array_free(r->tiers, TRUE);
    }
    if (r->switches) {
        g_ptr_array_free(r->switches, TRUE);
    }
}

/* The attribute 'name' of 'n' (xmlFree), or an error naming the
 * element's line. */
static int
attr__(const struct run__ *r, xmlNodePtr n, const char *name, char **value,
       GError **error)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *) name);
    if (!v) {
        return fail__(error, NVO_SUMMARY_ERROR_PARSE,
                      "%s:%ld: <%s> has no %s attribute", r->xml_path,
                      xmlGetLineNo(n), (const char *) n->name, name);
    }
    *value = (char *) v;
    return 0;
}

static int
attr_number__(const struct run__ *r, xmlNodePtr n, const char *name,
              double *x, GError **error)
{
    char *v = NULL;
    int rc = attr__(r, n, name, &v, error);
    if (rc) {
        return rc;
    }
    if (!nvo_summary_parse_number(v, x) || *x < 0) {
        rc = fail__(error, NVO_SUMMARY_ERROR_PARSE,
                    "%s:%ld: <%s %s=\"%s\">: expected a number >= 0",
                    r->xml_path, xmlGetLineNo(n), (const char *) n->name,
                    name, v);
    }
    xmlFree(v);
    return rc;
}

static int
attr_count__(const struct run__ *r, xmlNodePtr n, const char *name,
             uint64_t *x, GError **error)
{
    char *v = NULL;
    int rc = attr__(r, n, name, &v, error);
    if (rc) {
        return rc;
    }
    char *end;
    errno = 0;
    unsigned long long u = g_ascii_strtoull(v, &end, 10);
    if (!g_ascii_isdigit(*v) || *end || errno) {
        rc = fail__(error, NVO_SUMMARY_ERROR_PARSE,
                    "%s:%ld: <%s %s=\"%s\">: expected a whole number >= 0",
                    r->xml_path, xmlGetLineNo(n), (const char *) n->name,
                    name, v);
    }
    *x = u;
    xmlFree(v);
    return rc;
}

static bool
is__(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE
           && !strcmp((const char *) n->name, name);
}

static int
read_links__(struct run__ *r, xmlNodePtr links, GError **error)
{
    for (xmlNodePtr n = links->children; n; n = n->next) {
        if (!is__(n, "link")) {
            continue;
        }
        char *tier = NULL, *from = NULL, *port = NULL;
        double util;
        int rc;
        if ((rc = attr__(r, n, "tier", &tier, error))
            || (rc = attr__(r, n, "from", &from, error))
            || (rc = attr__(r, n, "port", &port, error))
            || (rc = attr_number__(r, n, "utilization", &util, error))) {
            xmlFree(tier);
            xmlFree(from);
            xmlFree(port);
            return rc;
        }
        struct tier__ *t = NULL;
        for (size_t i = 0; i < r->tiers->len && !t; i++) {
            struct tier__ *u = r->tiers->pdata[i];
            t = strcmp(u->name, tier) ? NULL : u;
        }
        if (!t) {
            t = g_new0(struct tier__, 1);
            t->name = g_strdup(tier);
            t->links = g_array_new(FALSE, FALSE, sizeof(struct link__));
            g_ptr_array_add(r->tiers, t);
        }
        struct link__ l = { g_strdup_printf("%s:%s", from, port), util };
        g_array_append_val(t->links, l);
        xmlFree(tier);
        xmlFree(from);
        xmlFree(port);
    }
    return 0;
}

static int
read_ecmp__(struct run__ *r, xmlNodePtr ecmp, GError **error)
{
    for (xmlNodePtr n = ecmp->children; n; n = n->next) {
        if (!is__(n, "switch")) {
            continue;
        }
        char *name = NULL;
        int rc = attr__(r, n, "name", &name, error);
        if (rc) {
            return rc;
        }
        struct switch__ *s = g_new0(struct switch__, 1);
        s->name = g_strdup(name);
        xmlFree(name);
        s->hops = g_array_new(FALSE, FALSE, sizeof(struct hop__));
        g_ptr_array_add(r->switches, s);
        for (xmlNodePtr h = n->children; h; h = h->next) {
            if (!is__(h, "next-hop")) {
                continue;
            }
            struct hop__ hop = { 0 };
            uint64_t port;
            char *peer = NULL;
            if ((rc = attr_count__(r, h, "port", &port, error))
                || (rc = attr__(r, h, "peer", &peer, error))
                || (rc = attr_count__(r, h, "frames", &hop.frames, error))
                || (rc = attr_count__(r, h, "bytes", &hop.bytes, error))
                || (rc = attr_count__(r, h, "flows", &hop.flows, error))) {
                xmlFree(peer);
                return rc;
            }
            hop.port = (unsigned long) port;
            hop.peer = g_strdup(peer);
            xmlFree(peer);
            g_array_append_val(s->hops, hop);
        }
    }
    return 0;
}

/* The largest results.xml read: 1 GiB. */
#define RESULTS_MAX_SIZE ((size_t) 1 << 30)

static int
read_results__(struct run__ *r, GError **error)
{
    char *text;
    size_t len;
    int err = nvo_file_read(r->xml_path, RESULTS_MAX_SIZE, &text, &len);
    if (err) {
        return fail__(error, NVO_SUMMARY_ERROR_IO, "%s: cannot read: %s",
                      r->xml_path, nvo_file_strerror(r->xml_path, err));
    }
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    xmlDocPtr doc = ctxt ? xmlCtxtReadMemory(ctxt, text, (int) MIN(len,
                                                                   INT32_MAX),
                                             r->xml_path, NULL,
                                             XML_PARSE_NONET
                                             | XML_PARSE_NOERROR
                                             | XML_PARSE_NOWARNING
                                             | XML_PARSE_BIG_LINES)
                         : NULL;
    g_free(text);
    int rc = 0;
    if (!doc) {
        const xmlError *xe = ctxt ? xmlCtxtGetLastError(ctxt) : NULL;
        char *msg = g_strdup(xe && xe->message ? xe->message
                                               : "not well-formed XML");
        g_strstrip(msg);
        rc = fail__(error, NVO_SUMMARY_ERROR_PARSE, "%s:%d: %s",
                    r->xml_path, xe ? xe->line : 0, msg);
        g_free(msg);
        xmlFreeParserCtxt(ctxt);
        return rc;
    }
    xmlFreeParserCtxt(ctxt);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || !is__(root, "results")) {
        rc = fail__(error, NVO_SUMMARY_ERROR_PARSE,
                    "%s:%ld: the root element is <%s>, not <results> (the "
                    "results.xml of nvosim run)", r->xml_path,
                    root ? xmlGetLineNo(root) : 1L,
                    root ? (const char *) root->name : "");
        xmlFreeDoc(doc);
        return rc;
    }
    r->tiers = g_ptr_array_new_with_free_func(tier_free__);
    r->switches = g_ptr_array_new_with_free_func(switch_free__);
    for (xmlNodePtr n = root->children; n && !rc; n = n->next) {
        if (is__(n, "run")) {
            xmlChar *sc = xmlGetProp(n, (const xmlChar *) "scenario"),
                    *seed = xmlGetProp(n, (const xmlChar *) "seed"),
                    *run = xmlGetProp(n, (const xmlChar *) "run");
            g_free(r->label);
            r->label = g_strdup_printf("%s, seed %s, run %s",
                                       sc ? (char *) sc : "?",
                                       seed ? (char *) seed : "?",
                                       run ? (char *) run : "?");
            xmlFree(sc);
            xmlFree(seed);
            xmlFree(run);
        } else if (is__(n, "links")) {
            rc = read_links__(r, n, error);
        } else if (is__(n, "ecmp")) {
            rc = read_ecmp__(r, n, error);
        }
    }
    xmlFreeDoc(doc);
    if (!r->label) {
        r->label = g_strdup(r->dir);
    }
    return rc;
}

static gint
double_cmp__(gconstpointer a, gconstpointer b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

/* The completed flows' FCTs from flows.csv, sorted; r->fct stays NULL
 * without the file. */
static int
read_flows__(struct run__ *r, GError **error)
{
    if (!g_file_test(r->flows_path, G_FILE_TEST_EXISTS)) {
        return 0;
    }
    struct nvo_csv *csv = nvo_csv_load(r->flows_path, error);
    if (!csv) {
        return EINVAL;
    }
    int si = nvo_csv_column(csv, "start_us"),
        ci = nvo_csv_column(csv, "completion_us");
    int rc = 0;
    if (si < 0 || ci < 0) {
        rc = fail__(error, NVO_SUMMARY_ERROR_PARSE,
                    "%s:%u: no %s column in the header (flows.csv of nvosim "
                    "run has start_us and completion_us)", r->flows_path,
                    csv->header_line, si < 0 ? "start_us" : "completion_us");
        nvo_csv_destroy(csv);
        return rc;
    }
    r->fct = g_array_new(FALSE, FALSE, sizeof(double));
    r->flows_started = csv->rows->len;
    for (size_t i = 0; i < csv->rows->len && !rc; i++) {
        char **row = csv->rows->pdata[i];
        unsigned line = g_array_index(csv->lines, unsigned, i);
        double s, c;
        if (!*row[ci]) {
            continue;           /* not completed */
        }
        if (!nvo_summary_parse_number(row[si], &s)
            || !nvo_summary_parse_number(row[ci], &c) || c < s) {
            rc = fail__(error, NVO_SUMMARY_ERROR_PARSE,
                        "%s:%u: start_us \"%s\", completion_us \"%s\": "
                        "expected two numbers, the completion not before "
                        "the start", r->flows_path, line, row[si], row[ci]);
            break;
        }
        double fct = c - s;
        g_array_append_val(r->fct, fct);
    }
    g_array_sort(r->fct, double_cmp__);
    nvo_csv_destroy(csv);
    return rc;
}

/* ---- The plots ---- */

static void
fmt__(GString *s, double x)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append(s, g_ascii_formatd(buf, sizeof buf, "%.10g", x));
}

/* A name as a data file's string column: in double quotes (a '"' in it
 * becomes '_'). */
static void
dat_string__(GString *s, const char *text)
{
    g_string_append_c(s, '"');
    for (const char *c = text; *c; c++) {
        g_string_append_c(s, *c == '"' || (unsigned char) *c < 0x20 ? '_'
                                                                     : *c);
    }
    g_string_append_c(s, '"');
}

/* The script's head: output variables, data file, title, labels. */
static void
script_head__(GString *gp, const struct nvo_plot_run_item *it,
              const char *what, const char *title, const char *xl,
              const char *yl)
{
    g_string_append_printf(gp, "# nvosim plot: %s.\n# Rerun with: gnuplot "
                           "%s\nset encoding utf8\n", what, it->script);
    g_string_append(gp, "if (!exists('png_out')) png_out = ");
    nvo_gp_quote(gp, it->png);
    g_string_append(gp, "\nif (!exists('svg_out')) svg_out = ");
    nvo_gp_quote(gp, it->svg);
    g_string_append(gp, "\ndata = ");
    nvo_gp_quote(gp, it->data);
    g_string_append(gp, "\nset title ");
    nvo_gp_quote(gp, title);
    g_string_append(gp, "\nset xlabel ");
    nvo_gp_quote(gp, xl);
    g_string_append(gp, "\nset ylabel ");
    nvo_gp_quote(gp, yl);
    g_string_append(gp, "\nset grid\nset key below\n");
}

static void
script_terminals__(GString *gp, int w, int h, const char *plot)
{
    g_string_append_printf(gp, "set terminal pngcairo noenhanced size %d,%d "
                           "font 'Sans,10'\nset output png_out\n%s\n"
                           "set terminal svg noenhanced size %d,%d dynamic "
                           "font 'Sans,10' background rgb 'white'\n"
                           "set output svg_out\nreplot\nunset output\n", w, h,
                           plot, w, h);
}

/* The FCT CDF: x the sorted FCTs, y = i / n. */
static void
fct_files__(const struct run__ *r, const struct nvo_plot_run_item *it,
            int w, int h, GString *data, GString *gp)
{
    size_t n = r->fct->len;
    const double *v = (const double *) r->fct->data;
    g_string_append_printf(data, "# nvosim plot: flow completion time CDF "
                           "of %s, from %s\n# %zu of %zu flows completed "
                           "(flows without completion_us are left out)\n"
                           "# columns: fct_us (completion_us - start_us, "
                           "sorted), cumulative fraction of the completed "
                           "flows (i / n)\n", r->label, r->flows_path, n,
                           r->flows_started);
    for (size_t i = 0; i < n; i++) {
        fmt__(data, v[i]);
        g_string_append_c(data, ' ');
        fmt__(data, (double) (i + 1) / (double) n);
        g_string_append_c(data, '\n');
    }
    char *title = g_strdup_printf("flow completion time CDF: %zu of %zu "
                                  "flows completed; %s", n, r->flows_started,
                                  r->label);
    script_head__(gp, it, "flow completion time CDF", title,
                  "flow completion time (µs)",
                  "fraction of completed flows");
    g_free(title);
    /* Flow sizes span decades: a log axis when the FCTs do. */
    if (v[0] > 0 && v[n - 1] / v[0] >= 100) {
        g_string_append(gp, "set logscale x\n");
    }
    g_string_append(gp, "set yrange [0:1.02]\n");
    script_terminals__(gp, w, h,
                       "plot data using 1:2 with steps linewidth 1.5 "
                       "title 'completed flows'");
}

static void
tiers_files__(const struct run__ *r, const struct nvo_plot_run_item *it,
              int w, int h, GString *data, GString *gp)
{
    g_string_append_printf(data, "# nvosim plot: utilization per tier of %s, "
                           "from %s (<links>)\n# utilization: the fraction "
                           "of the run a link direction spent serializing\n"
                           "# block 0, one line per tier: index, tier, link "
                           "directions, min, mean, max utilization\n",
                           r->label, r->xml_path);
    GString *links = g_string_new("# block 1, one line per link direction: "
                                  "tier index, utilization, FROM:PORT\n");
    GString *tics = g_string_new("set xtics (");
    for (size_t i = 0; i < r->tiers->len; i++) {
        const struct tier__ *t = r->tiers->pdata[i];
        double lo = INFINITY, hi = -INFINITY, sum = 0;
        for (size_t j = 0; j < t->links->len; j++) {
            const struct link__ *l = &g_array_index(t->links, struct link__,
                                                    j);
            lo = fmin(lo, l->util);
            hi = fmax(hi, l->util);
            sum += l->util;
            g_string_append_printf(links, "%zu ", i);
            fmt__(links, l->util);
            g_string_append_c(links, ' ');
            dat_string__(links, l->name);
            g_string_append_c(links, '\n');
        }
        g_string_append_printf(data, "%zu ", i);
        dat_string__(data, t->name);
        g_string_append_printf(data, " %u ", t->links->len);
        fmt__(data, lo);
        g_string_append_c(data, ' ');
        fmt__(data, sum / t->links->len);
        g_string_append_c(data, ' ');
        fmt__(data, hi);
        g_string_append_c(data, '\n');
        g_string_append(tics, i ? ", " : "");
        char *label = g_strdup_printf("%s (%u)", t->name, t->links->len);
        nvo_gp_quote(tics, label);
        g_free(label);
        g_string_append_printf(tics, " %zu", i);
    }
    g_string_append(data, "\n\n");
    g_string_append_len(data, links->str, links->len);
    g_string_free(links, TRUE);
    char *title = g_strdup_printf("utilization per tier: min to max, mean, "
                                  "every link direction; %s", r->label);
    script_head__(gp, it, "utilization per tier", title,
                  "tier (link directions)",
                  "utilization (fraction of the time serializing)");
    g_free(title);
    g_string_append_printf(gp, "%s)\nset xrange [-0.5:%zu.5]\n"
                           "set yrange [0:*]\nset boxwidth 0.5\n"
                           "set style fill transparent solid 0.25\n",
                           tics->str, (size_t) r->tiers->len - 1);
    g_string_free(tics, TRUE);
    script_terminals__(gp, w, h,
                       "plot data index 0 using 1:4:4:6:6 with candlesticks "
                       "linewidth 1.5 title 'min to max', \\\n"
                       "    data index 0 using 1:5:5:5:5 with candlesticks "
                       "linewidth 3 title 'mean', \\\n"
                       "    data index 1 using 1:2 with points pointtype 7 "
                       "pointsize 0.6 title 'a link direction'");
}

static void
ecmp_files__(const struct run__ *r, const struct nvo_plot_run_item *it,
             int w, int h, GString *data, GString *gp)
{
    size_t max_hops = 1;
    for (size_t i = 0; i < r->switches->len; i++) {
        const struct switch__ *s = r->switches->pdata[i];
        max_hops = MAX(max_hops, (size_t) s->hops->len);
    }
    double bw = 0.8 / (double) max_hops;
    g_string_append_printf(data, "# nvosim plot: frames per ECMP next hop of "
                           "%s, from %s (<ecmp>)\n# one line per next hop "
                           "of a switch with two or more up-links: x (the "
                           "switch's index, the next hops side by side), "
                           "switch index, next hop index, switch, port, "
                           "peer, frames, bytes, flows\n", r->label,
                           r->xml_path);
    GString *tics = g_string_new("set xtics (");
    for (size_t i = 0; i < r->switches->len; i++) {
        const struct switch__ *s = r->switches->pdata[i];
        size_t n = s->hops->len;
        for (size_t j = 0; j < n; j++) {
            const struct hop__ *hp = &g_array_index(s->hops, struct hop__,
                                                    j);
            fmt__(data, (double) i + ((double) j - (double) (n - 1) / 2)
                                     * bw);
            g_string_append_printf(data, " %zu %zu ", i, j);
            dat_string__(data, s->name);
            g_string_append_printf(data, " %lu ", hp->port);
            dat_string__(data, hp->peer);
            g_string_append_printf(data, " %" PRIu64 " %" PRIu64 " %" PRIu64
                                   "\n", hp->frames, hp->bytes, hp->flows);
        }
        g_string_append(tics, i ? ", " : "");
        nvo_gp_quote(tics, s->name);
        g_string_append_printf(tics, " %zu", i);
    }
    char *title = g_strdup_printf("frames per ECMP next hop, per switch with "
                                  "two or more up-links; %s", r->label);
    script_head__(gp, it, "frames per ECMP next hop", title,
                  "switch (its next hops side by side, in port order)",
                  "frames sent to the next hop (count)");
    g_free(title);
    g_string_append_printf(gp, "%s)\n%sset xrange [-0.5:%u.5]\n"
                           "set yrange [0:*]\nset boxwidth ",
                           tics->str, r->switches->len > 12
                                      ? "set xtics rotate by -45\n" : "",
                           r->switches->len - 1);
    fmt__(gp, bw * 0.9);
    g_string_append(gp, "\nset style fill solid 0.6 border -1\n"
                        "unset key\n");
    g_string_free(tics, TRUE);
    script_terminals__(gp, w, h,
                       "plot data using 1:7:($3+1) with boxes linecolor "
                       "variable title 'frames'");
}

static int
draw__(const struct run__ *r, enum nvo_plot_run_kind k,
       const struct nvo_plot_run_opts *o, struct nvo_plot_run_item *it,
       GError **error)
{
    char *base = g_strdup_printf("plot-%s", kind_names__[k]);
    char *rel = g_build_filename(r->dir, base, NULL);
    char *abs = g_canonicalize_filename(rel, NULL);
    it->data = g_strconcat(abs, ".dat", NULL);
    it->script = g_strconcat(abs, ".gp", NULL);
    it->png = g_strconcat(abs, ".png", NULL);
    it->svg = g_strconcat(abs, ".svg", NULL);
    g_free(base);
    g_free(rel);
    g_free(abs);
    int w = o->width > 0 ? o->width : 800, h = o->height > 0 ? o->height
                                                               : 500;
    GString *data = g_string_new(NULL), *gp = g_string_new(NULL);
    switch (k) {
    case NVO_PLOT_RUN_FCT:
        fct_files__(r, it, w, h, data, gp);
        it->n = r->fct->len;
        break;
    case NVO_PLOT_RUN_TIERS:
        tiers_files__(r, it, w, h, data, gp);
        for (size_t i = 0; i < r->tiers->len; i++) {
            it->n += ((struct tier__ *) r->tiers->pdata[i])->links->len;
        }
        break;
    default:
        ecmp_files__(r, it, w, h, data, gp);
        for (size_t i = 0; i < r->switches->len; i++) {
            it->n += ((struct switch__ *) r->switches->pdata[i])->hops->len;
        }
        break;
    }
    int rc;
    if (!(rc = nvo_summary_write_file(it->data, data->str, data->len, error))
        && !(rc = nvo_summary_write_file(it->script, gp->str, gp->len,
                                         error))) {
        rc = nvo_gnuplot_draw(o->gnuplot, it->data, it->script, it->png,
                              it->svg, &it->gnuplot_messages, error);
    }
    it->drawn = !rc;
    g_string_free(data, TRUE);
    g_string_free(gp, TRUE);
    return rc;
}

/* Why plot 'k' has nothing to draw, or NULL. */
static char *
skip_reason__(const struct run__ *r, enum nvo_plot_run_kind k)
{
    switch (k) {
    case NVO_PLOT_RUN_FCT:
        if (!r->fct) {
            return g_strdup_printf("%s: not found: the flow completion time "
                                   "CDF needs the per-flow records; rerun "
                                   "the run with --set output.flows=true",
                                   r->flows_path);
        }
        if (!r->fct->len) {
            return g_strdup_printf("%s: none of its %zu flows completed: no "
                                   "flow completion time to draw",
                                   r->flows_path, r->flows_started);
        }
        return NULL;
    case NVO_PLOT_RUN_TIERS:
        return r->tiers->len ? NULL
                             : g_strdup_printf("%s: no <link> in <links>: "
                                               "no utilization to draw",
                                               r->xml_path);
    default:
        for (size_t i = 0; i < r->switches->len; i++) {
            if (((struct switch__ *) r->switches->pdata[i])->hops->len) {
                return NULL;
            }
        }
        return g_strdup_printf("%s: no <switch> in <ecmp>: no switch has "
                               "two or more up-links (hypervisors and "
                               "switches with one up-link do not choose)",
                               r->xml_path);
    }
}

int
nvo_plot_run(const struct nvo_plot_run_opts *o,
             struct nvo_plot_run_result *res_out, GError **error)
{
    struct nvo_plot_run_result res0 = { 0 }, *res = res_out ? res_out : &res0;
    memset(res, 0, sizeof *res);
    struct run__ r = { 0 };
    int rc = 0;
    unsigned kinds = o->kinds ? o->kinds : (1u << NVO_PLOT_RUN_KINDS) - 1;
    if (!g_file_test(o->dir, G_FILE_TEST_IS_DIR)) {
        rc = fail__(error, NVO_SUMMARY_ERROR_IO, "%s: %s", o->dir,
                    g_file_test(o->dir, G_FILE_TEST_EXISTS)
                    ? "not a directory (a run's folder holds results.xml)"
                    : "no such directory");
        goto out;
    }
    r.dir = g_strdup(o->dir);
    r.xml_path = g_build_filename(o->dir, "results.xml", NULL);
    r.flows_path = g_build_filename(o->dir, "flows.csv", NULL);
    if (!g_file_test(r.xml_path, G_FILE_TEST_EXISTS)) {
        rc = fail__(error, NVO_SUMMARY_ERROR_IO,
                    "%s: no results.xml: not a run's folder (nvosim run "
                    "--out DIR writes one)", o->dir);
        goto out;
    }
    /* Everything read before anything is drawn. */
    if ((rc = read_results__(&r, error))
        || ((kinds & (1u << NVO_PLOT_RUN_FCT))
            && (rc = read_flows__(&r, error)))) {
        goto out;
    }
    bool one = !(kinds & (kinds - 1));
    for (int k = 0; k < NVO_PLOT_RUN_KINDS; k++) {
        if (!(kinds & (1u << k))) {
            continue;
        }
        char *why = skip_reason__(&r, k);
        if (why && one) {
            rc = fail__(error, NVO_SUMMARY_ERROR_ARG, "%s", why);
            g_free(why);
            goto out;
        }
        res->items[k].skipped = why;
    }
    for (int k = 0; k < NVO_PLOT_RUN_KINDS; k++) {
        if ((kinds & (1u << k)) && !res->items[k].skipped
            && (rc = draw__(&r, k, o, &res->items[k], error))) {
            goto out;
        }
    }
out:
    run_clear__(&r);
    if (res == &res0) {
        nvo_plot_run_result_clear(&res0);
    }
    return rc;
}
