/* report_data.c: reading a run's folder for the run report
 * (report_data.h): results.xml through libxml2 (no network, no entity
 * expansion), summary.csv through the sweep CSV reader, series.csv and
 * flows.csv line by line (they can be large) into the few numbers the
 * report draws. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "analysis/report.h"
#include "analysis/report_data.h"
#include "core/fileio.h"

/* results.xml of 100,000 hypervisors is about 200 MB. */
#define RESULTS_MAX_SIZE ((size_t) 1 << 31)

struct xml_ctx {
    const char *file;
    GError **error;
};

static bool
is_el__(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *) n->name,
                                                   name);
}

static const xmlNode *
child__(const xmlNode *n, const char *name)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next) {
        if (is_el__(c, name)) {
            return c;
        }
    }
    return NULL;
}

static char *
attr__(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *) name);
    if (!v) {
        return NULL;
    }
    char *s = g_strdup((const char *) v);
    xmlFree(v);
    return s;
}

static bool
fail__(struct xml_ctx *x, const xmlNode *n, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

static bool
fail__(struct xml_ctx *x, const xmlNode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(x->error, NVO_REPORT_ERROR, NVO_REPORT_ERROR_PARSE,
                "%s:%ld: <%s>: %s", x->file, n ? xmlGetLineNo(n) : 0L,
                n ? (const char *) n->name : "?", msg);
    g_free(msg);
    return false;
}

/* A required text attribute. */
static bool
attr_req__(struct xml_ctx *x, const xmlNode *n, const char *name, char **out)
{
    *out = attr__(n, name);
    if (!*out) {
        return fail__(x, n, "missing attribute %s", name);
    }
    return true;
}

static bool
attr_u64__(struct xml_ctx *x, const xmlNode *n, const char *name,
         uint64_t *out)
{
    char *s = attr__(n, name);
    if (!s) {
        return fail__(x, n, "missing attribute %s", name);
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    bool ok = *s >= '0' && *s <= '9' && !*end && !errno;
    if (!ok) {
        fail__(x, n, "%s=\"%s\": not a whole number", name, s);
    }
    g_free(s);
    *out = v;
    return ok;
}

/* A number attribute; missing is NAN unless 'required'. */
static bool
attr_num__(struct xml_ctx *x, const xmlNode *n, const char *name,
         bool required, double *out)
{
    *out = NAN;
    char *s = attr__(n, name);
    if (!s) {
        return required ? fail__(x, n, "missing attribute %s", name) : true;
    }
    double v;
    bool ok = nvo_summary_parse_number(s, &v);
    if (!ok) {
        fail__(x, n, "%s=\"%s\": not a number", name, s);
    }
    g_free(s);
    *out = v;
    return ok;
}

static bool
node_index__(struct xml_ctx *x, const xmlNode *n, GHashTable *by_name,
           const char *name, size_t *ix)
{
    char *v;
    if (!attr_req__(x, n, name, &v)) {
        return false;
    }
    gpointer p = g_hash_table_lookup(by_name, v);
    if (!p) {
        fail__(x, n, "%s=\"%s\": no such node in <network>", name, v);
        g_free(v);
        return false;
    }
    g_free(v);
    *ix = GPOINTER_TO_SIZE(p) - 1;
    return true;
}

static bool
read_network__(struct xml_ctx *x, struct nvo_rep_run *r, const xmlNode *root,
             GHashTable *by_name)
{
    const xmlNode *net = child__(root, "network");
    if (!net) {
        return fail__(x, root, "no <network> element (not a results.xml of "
                    "nvosim run?)");
    }
    for (const xmlNode *c = net->children; c; c = c->next) {
        if (!is_el__(c, "node")) {
            continue;
        }
        struct nvo_rep_node nd = { 0 };
        if (!attr_req__(x, c, "name", &nd.name)) {
            return false;
        }
        if (!attr_req__(x, c, "role", &nd.role)) {
            g_free(nd.name);
            return false;
        }
        if (g_hash_table_contains(by_name, nd.name)) {
            fail__(x, c, "name=\"%s\": a second node of that name", nd.name);
            g_free(nd.name);
            g_free(nd.role);
            return false;
        }
        g_array_append_val(r->nodes, nd);
        g_hash_table_insert(by_name, nd.name,
                            GSIZE_TO_POINTER(r->nodes->len));
    }
    return true;
}

static bool
read_links__(struct xml_ctx *x, struct nvo_rep_run *r, const xmlNode *root,
           GHashTable *by_name)
{
    const xmlNode *links = child__(root, "links");
    if (!links) {
        return fail__(x, root, "no <links> element (not a results.xml of "
                    "nvosim run?)");
    }
    for (const xmlNode *c = links->children; c; c = c->next) {
        if (!is_el__(c, "link")) {
            continue;
        }
        struct nvo_rep_link l = { 0 };
        uint64_t port;
        char *up = NULL;
        if (!node_index__(x, c, by_name, "from", &l.from)
            || !node_index__(x, c, by_name, "to", &l.to)
            || !attr_u64__(x, c, "port", &port)
            || !attr_num__(x, c, "utilization", true, &l.utilization)
            || !attr_u64__(x, c, "tx-bytes-data", &l.bytes_data)
            || !attr_u64__(x, c, "tx-bytes-bum", &l.bytes_bum)
            || !attr_u64__(x, c, "tx-bytes-control", &l.bytes_control)
            || !attr_u64__(x, c, "tx-frames-data", &l.frames_data)
            || !attr_u64__(x, c, "tx-frames-bum", &l.frames_bum)
            || !attr_u64__(x, c, "tx-frames-control", &l.frames_control)) {
            return false;
        }
        if (port > 65535) {
            return fail__(x, c, "port=\"%" G_GUINT64_FORMAT "\": not a port",
                        port);
        }
        l.port = (unsigned) port;
        l.tier = attr__(c, "tier");
        if (!l.tier) {
            l.tier = g_strdup("other");
        }
        up = attr__(c, "up");
        l.up = !up || strcmp(up, "false");
        g_free(up);
        g_array_append_val(r->links, l);
    }
    return true;
}

static bool
read_tiers__(struct xml_ctx *x, struct nvo_rep_run *r, const xmlNode *root)
{
    const xmlNode *tiers = child__(root, "tiers");
    for (const xmlNode *c = tiers ? tiers->children : NULL; c; c = c->next) {
        if (!is_el__(c, "tier")) {
            continue;
        }
        struct nvo_rep_tier t = { 0 };
        if (!attr_req__(x, c, "name", &t.name)) {
            return false;
        }
        g_array_append_val(r->tiers, t);
        struct nvo_rep_tier *tp = &g_array_index(r->tiers, struct
                                                 nvo_rep_tier,
                                                 r->tiers->len - 1);
        const xmlNode *b = child__(c, "balance");
        tp->jain = tp->max_over_mean = NAN;
        if (!attr_u64__(x, c, "links", &tp->links)
            || !attr_u64__(x, c, "tx-bytes-data", &tp->bytes_data)
            || !attr_u64__(x, c, "tx-bytes-bum", &tp->bytes_bum)
            || !attr_u64__(x, c, "tx-bytes-control", &tp->bytes_control)
            || !attr_num__(x, c, "mean-utilization", false, &tp->mean_util)
            || !attr_num__(x, c, "max-utilization", false, &tp->max_util)
            || (b && !attr_num__(x, b, "jain", false, &tp->jain))
            || (b && !attr_num__(x, b, "max-over-mean", false,
                               &tp->max_over_mean))) {
            return false;
        }
    }
    return true;
}

static bool
read_ecmp__(struct xml_ctx *x, struct nvo_rep_run *r, const xmlNode *root)
{
    const xmlNode *ecmp = child__(root, "ecmp");
    if (!ecmp) {
        return true;
    }
    r->ecmp_function = attr__(ecmp, "function");
    r->ecmp_fields = attr__(ecmp, "fields");
    for (const xmlNode *c = ecmp->children; c; c = c->next) {
        if (!is_el__(c, "switch")) {
            continue;
        }
        struct nvo_rep_switch s = { 0 };
        if (!attr_req__(x, c, "name", &s.name)) {
            return false;
        }
        s.role = attr__(c, "role");
        g_array_append_val(r->switches, s);
        struct nvo_rep_switch *sp = &g_array_index(r->switches, struct
                                                   nvo_rep_switch,
                                                   r->switches->len - 1);
        if (!attr_num__(x, c, "jain", false, &sp->jain)
            || !attr_num__(x, c, "max-over-mean", false, &sp->max_over_mean)) {
            return false;
        }
        size_t n = 0;
        for (const xmlNode *h = c->children; h; h = h->next) {
            n += is_el__(h, "next-hop");
        }
        sp->nh = g_new0(struct nvo_rep_nh, n ? n : 1);
        for (const xmlNode *h = c->children; h; h = h->next) {
            if (!is_el__(h, "next-hop")) {
                continue;
            }
            struct nvo_rep_nh *nh = &sp->nh[sp->n_nh++];
            uint64_t port;
            if (!attr_u64__(x, h, "port", &port)
                || !attr_req__(x, h, "peer", &nh->peer)
                || !attr_u64__(x, h, "frames", &nh->frames)
                || !attr_u64__(x, h, "bytes", &nh->bytes)
                || !attr_u64__(x, h, "flows", &nh->flows)) {
                return false;
            }
            nh->port = (unsigned) MIN(port, 65535);
            r->n_next_hops++;
        }
    }
    return true;
}

/* The first error libxml2 reports (the later ones follow from it). */
struct first_error {
    int line;
    char *msg;
};

static void
first_error_handler__(void *ctx, xmlErrorPtr e)
{
    struct first_error *fe = ctx;
    if (!fe->msg && e && e->level >= XML_ERR_ERROR) {
        fe->line = e->line;
        fe->msg = g_strdup(e->message ? e->message : "not XML");
        g_strchomp(fe->msg);
    }
}

static bool
read_results__(struct nvo_rep_run *r, GError **error)
{
    char *text;
    size_t len;
    int err = nvo_file_read(r->results_path, RESULTS_MAX_SIZE, &text, &len);
    if (err) {
        g_set_error(error, NVO_REPORT_ERROR, NVO_REPORT_ERROR_IO,
                    "%s: cannot read: %s", r->results_path,
                    nvo_file_strerror(r->results_path, err));
        return false;
    }
    if (len > INT_MAX) {
        g_free(text);
        g_set_error(error, NVO_REPORT_ERROR, NVO_REPORT_ERROR_IO,
                    "%s: larger than 2 GiB", r->results_path);
        return false;
    }
    struct first_error fe = { 0 };
    xmlStructuredErrorFunc old_handler = xmlStructuredError;
    void *old_ctx = xmlStructuredErrorContext;
    xmlSetStructuredErrorFunc(&fe, first_error_handler__);
    xmlDocPtr doc = xmlReadMemory(text, (int) len, r->results_path, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOWARNING
                                  | XML_PARSE_HUGE);
    xmlSetStructuredErrorFunc(old_ctx, old_handler);
    g_free(text);
    if (!doc || fe.msg) {
        g_set_error(error, NVO_REPORT_ERROR, NVO_REPORT_ERROR_PARSE,
                    "%s:%d: not well-formed XML: %s", r->results_path,
                    fe.line, fe.msg ? fe.msg : "not XML");
        g_free(fe.msg);
        xmlFreeDoc(doc);
        return false;
    }
    struct xml_ctx x = { .file = r->results_path, .error = error };
    const xmlNode *root = xmlDocGetRootElement(doc);
    GHashTable *by_name = g_hash_table_new(g_str_hash, g_str_equal);
    bool ok = true;
    if (!root || !is_el__(root, "results")) {
        g_set_error(error, NVO_REPORT_ERROR, NVO_REPORT_ERROR_PARSE,
                    "%s:%ld: the root element is <%s>, not <results> (not a "
                    "results.xml of nvosim run?)", r->results_path,
                    root ? xmlGetLineNo(root) : 1L,
                    root ? (const char *) root->name : "");
        ok = false;
    }
    if (ok) {
        const xmlNode *run = child__(root, "run");
        if (run) {
            r->scenario = attr__(run, "scenario");
            r->file = attr__(run, "file");
            r->engine = attr__(run, "engine");
            r->seed = attr__(run, "seed");
            r->run = attr__(run, "run");
            r->sim_time = attr__(run, "sim-time");
            r->events = attr__(run, "events");
            r->fingerprint = attr__(run, "fingerprint");
        }
        const xmlNode *topo = child__(child__(root, "scenario-as-run"),
                                    "topology");
        if (topo) {
            r->topology = attr__(topo, "name");
        }
        for (const xmlNode *c = root->children; c; c = c->next) {
            if (is_el__(c, "warning")) {
                char *about = attr__(c, "about");
                xmlChar *t = xmlNodeGetContent(c);
                g_ptr_array_add(r->warnings, g_strdup_printf(
                    "%s: %s", about ? about : "warning",
                    t ? (const char *) t : ""));
                xmlFree(t);
                g_free(about);
            }
        }
        ok = read_network__(&x, r, root, by_name)
             && read_links__(&x, r, root, by_name)
             && read_tiers__(&x, r, root)
             && read_ecmp__(&x, r, root);
    }
    g_hash_table_destroy(by_name);
    xmlFreeDoc(doc);
    return ok;
}

/* ---- series.csv and flows.csv, line by line ---- */

static bool
line_fail__(GError **error, const char *file, uint64_t line, const char *fmt,
          ...) G_GNUC_PRINTF(4, 5);

static bool
line_fail__(GError **error, const char *file, uint64_t line, const char *fmt,
          ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, NVO_REPORT_ERROR, NVO_REPORT_ERROR_PARSE,
                "%s:%" G_GUINT64_FORMAT ": %s", file, line, msg);
    g_free(msg);
    return false;
}

/* Opens 'path' if it exists (a regular file): 1 opened, 0 absent, -1
 * error. */
static int
open_optional__(const char *path, FILE **f, GError **error)
{
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        return 0;
    }
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, NVO_REPORT_ERROR, NVO_REPORT_ERROR_IO,
                    "%s: cannot read: not a regular file", path);
        return -1;
    }
    *f = fopen(path, "r");
    if (!*f) {
        g_set_error(error, NVO_REPORT_ERROR, NVO_REPORT_ERROR_IO,
                    "%s: cannot read: %s", path, g_strerror(errno));
        return -1;
    }
    return 1;
}

/* Splits a line (its end stripped) at commas into at most 'max' fields;
 * returns the number of fields, or max + 1 when there are more. */
static size_t
split__(char *line, char **f, size_t max)
{
    size_t n = 0;
    line[strcspn(line, "\r\n")] = 0;
    char *p = line;
    for (;;) {
        if (n == max) {
            return max + 1;
        }
        f[n++] = p;
        char *c = strchr(p, ',');
        if (!c) {
            return n;
        }
        *c = 0;
        p = c + 1;
    }
}

static int
series_metric__(const char *kind, const char *metric)
{
    static const struct {
        const char *kind, *metric;
    } m[NVO_REP_SERIES_N] = {
        [NVO_REP_BGP_MSGS] = { "bgp", "msgs_out" },
        [NVO_REP_BGP_LOC_RIB] = { "bgp", "loc_rib" },
        [NVO_REP_PE_MAC] = { "pe", "mac_entries" },
        [NVO_REP_LDP_MSGS] = { "ldp", "msgs_out" },
        [NVO_REP_LINK_DATA] = { "link", "tx_bytes_data" },
        [NVO_REP_LINK_BUM] = { "link", "tx_bytes_bum" },
        [NVO_REP_LINK_CONTROL] = { "link", "tx_bytes_control" },
    };
    for (int i = 0; i < NVO_REP_SERIES_N; i++) {
        if (!strcmp(kind, m[i].kind) && !strcmp(metric, m[i].metric)) {
            return i;
        }
    }
    return -1;
}

static void
series_add_sample__(struct nvo_rep_series *s, double t)
{
    g_array_append_val(s->times, t);
    double z = 0;
    guint c = 0;
    for (int i = 0; i < NVO_REP_SERIES_N; i++) {
        g_array_append_val(s->sum[i], z);
        g_array_append_val(s->max[i], z);
        g_array_append_val(s->count[i], c);
    }
}

static bool
read_series__(struct nvo_rep_run *r, GError **error)
{
    char *path = g_build_filename(r->dir, "series.csv", NULL);
    FILE *f = NULL;
    int o = open_optional__(path, &f, error);
    if (o <= 0) {
        g_free(path);
        return o == 0;
    }
    r->has_series = true;
    struct nvo_rep_series *s = &r->series;
    char *line = NULL;
    size_t cap = 0;
    uint64_t ln = 0;
    bool ok = true;
    ssize_t got;
    while (ok && (got = getline(&line, &cap, f)) != -1) {
        ln++;
        char *fl[6];
        if ((size_t) got != strlen(line)) {
            ok = line_fail__(error, path, ln, "a NUL byte");
            break;
        }
        if (ln == 1) {
            line[strcspn(line, "\r\n")] = 0;
            if (strcmp(line, "time_us,kind,entity,metric,value")) {
                ok = line_fail__(error, path, ln, "the header is not "
                               "time_us,kind,entity,metric,value");
            }
            continue;
        }
        if (line[0] == '\n' || line[0] == '\r' || !line[0]) {
            continue;
        }
        size_t n = split__(line, fl, 5);
        if (n != 5) {
            ok = line_fail__(error, path, ln, "%s fields, but the header has 5",
                           n > 5 ? "more than 5" : n == 1 ? "1"
                           : n == 2 ? "2" : n == 3 ? "3" : "4");
            break;
        }
        double t, v;
        if (!nvo_summary_parse_number(fl[0], &t) || t < 0) {
            ok = line_fail__(error, path, ln, "time_us \"%s\": not a time",
                           fl[0]);
            break;
        }
        if (!nvo_summary_parse_number(fl[4], &v)) {
            ok = line_fail__(error, path, ln, "value \"%s\": not a number",
                           fl[4]);
            break;
        }
        size_t k = s->times->len;
        if (!k || g_array_index(s->times, double, k - 1) != t) {
            if (k && t < g_array_index(s->times, double, k - 1)) {
                ok = line_fail__(error, path, ln, "time_us %s is before the "
                               "previous row's", fl[0]);
                break;
            }
            series_add_sample__(s, t);
            k++;
        }
        s->rows++;
        int m = series_metric__(fl[1], fl[3]);
        if (m < 0) {
            continue;
        }
        g_array_index(s->sum[m], double, k - 1) += v;
        double *mx = &g_array_index(s->max[m], double, k - 1);
        guint *c = &g_array_index(s->count[m], guint, k - 1);
        if (!*c || v > *mx) {
            *mx = v;
        }
        (*c)++;
    }
    if (ok && ferror(f)) {
        ok = line_fail__(error, path, ln + 1, "cannot read: %s",
                       g_strerror(errno));
    }
    if (ok && ln == 0) {
        ok = line_fail__(error, path, 1, "empty: no header line");
    }
    free(line);
    fclose(f);
    g_free(path);
    return ok;
}

static int
cmp_double__(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

static bool
read_flows__(struct nvo_rep_run *r, GError **error)
{
    char *path = g_build_filename(r->dir, "flows.csv", NULL);
    FILE *f = NULL;
    int o = open_optional__(path, &f, error);
    if (o <= 0) {
        g_free(path);
        return o == 0;
    }
    r->has_flows = true;
    char *line = NULL;
    size_t cap = 0;
    uint64_t ln = 0;
    bool ok = true;
    enum { MAXF = 32 };
    char *fl[MAXF + 1];
    size_t n_cols = 0;
    int c_start = -1, c_done = -1;
    ssize_t got;
    while (ok && (got = getline(&line, &cap, f)) != -1) {
        ln++;
        if ((size_t) got != strlen(line)) {
            ok = line_fail__(error, path, ln, "a NUL byte");
            break;
        }
        if (ln > 1 && (line[0] == '\n' || line[0] == '\r' || !line[0])) {
            continue;
        }
        size_t n = split__(line, fl, MAXF);
        if (ln == 1) {
            n_cols = n;
            for (size_t i = 0; i < n && i < MAXF; i++) {
                if (!strcmp(fl[i], "start_us")) {
                    c_start = (int) i;
                } else if (!strcmp(fl[i], "completion_us")) {
                    c_done = (int) i;
                }
            }
            if (c_start < 0 || c_done < 0) {
                ok = line_fail__(error, path, ln, "no %s column in the header",
                               c_start < 0 ? "start_us" : "completion_us");
            }
            continue;
        }
        if (n != n_cols) {
            ok = line_fail__(error, path, ln, "%zu fields, but the header "
                           "(line 1) has %zu", n > MAXF ? (size_t) MAXF + 1
                           : n, n_cols);
            break;
        }
        r->flows++;
        double a, b;
        if (!nvo_summary_parse_number(fl[c_start], &a)) {
            ok = line_fail__(error, path, ln, "start_us \"%s\": not a time",
                           fl[c_start]);
            break;
        }
        if (!*fl[c_done]) {
            continue;           /* not completed: no FCT */
        }
        if (!nvo_summary_parse_number(fl[c_done], &b) || b < a) {
            ok = line_fail__(error, path, ln, "completion_us \"%s\": not a "
                           "time at or after start_us", fl[c_done]);
            break;
        }
        double fct = b - a;
        g_array_append_val(r->fct_us, fct);
    }
    if (ok && ln == 0) {
        ok = line_fail__(error, path, 1, "empty: no header line");
    }
    free(line);
    fclose(f);
    g_free(path);
    if (ok) {
        qsort(r->fct_us->data, r->fct_us->len, sizeof(double), cmp_double__);
    }
    return ok;
}

struct nvo_rep_run *
nvo_rep_run_load(const char *dir, GError **error)
{
    struct nvo_rep_run *r = g_new0(struct nvo_rep_run, 1);
    r->dir = g_strdup(dir);
    r->results_path = g_build_filename(dir, "results.xml", NULL);
    r->warnings = g_ptr_array_new_with_free_func(g_free);
    r->nodes = g_array_new(FALSE, FALSE, sizeof(struct nvo_rep_node));
    r->links = g_array_new(FALSE, FALSE, sizeof(struct nvo_rep_link));
    r->tiers = g_array_new(FALSE, FALSE, sizeof(struct nvo_rep_tier));
    r->switches = g_array_new(FALSE, FALSE, sizeof(struct nvo_rep_switch));
    r->fct_us = g_array_new(FALSE, FALSE, sizeof(double));
    r->series.times = g_array_new(FALSE, FALSE, sizeof(double));
    for (int i = 0; i < NVO_REP_SERIES_N; i++) {
        r->series.sum[i] = g_array_new(FALSE, FALSE, sizeof(double));
        r->series.max[i] = g_array_new(FALSE, FALSE, sizeof(double));
        r->series.count[i] = g_array_new(FALSE, FALSE, sizeof(guint));
    }
    bool ok = read_results__(r, error);
    if (ok) {
        char *sp = g_build_filename(dir, "summary.csv", NULL);
        GError *e = NULL;
        r->summary = nvo_csv_load(sp, &e);
        if (!r->summary) {
            g_set_error(error, NVO_REPORT_ERROR, e->code
                        == NVO_SUMMARY_ERROR_IO ? NVO_REPORT_ERROR_IO
                        : NVO_REPORT_ERROR_PARSE, "%s%s", e->message,
                        e->code == NVO_SUMMARY_ERROR_IO
                        ? " (nvosim run writes summary.csv last, only when "
                          "the run succeeded)" : "");
            g_error_free(e);
            ok = false;
        } else if (r->summary->rows->len != 1) {
            g_set_error(error, NVO_REPORT_ERROR, NVO_REPORT_ERROR_PARSE,
                        "%s: %u rows, expected one (a run's summary.csv)",
                        sp, r->summary->rows->len);
            ok = false;
        }
        g_free(sp);
    }
    ok = ok && read_series__(r, error) && read_flows__(r, error);
    if (!ok) {
        nvo_rep_run_destroy(r);
        return NULL;
    }
    return r;
}

void
nvo_rep_run_destroy(struct nvo_rep_run *r)
{
    if (!r) {
        return;
    }
    for (guint i = 0; i < r->nodes->len; i++) {
        struct nvo_rep_node *n = &g_array_index(r->nodes, struct nvo_rep_node,
                                                i);
        g_free(n->name);
        g_free(n->role);
    }
    for (guint i = 0; i < r->links->len; i++) {
        g_free(g_array_index(r->links, struct nvo_rep_link, i).tier);
    }
    for (guint i = 0; i < r->tiers->len; i++) {
        g_free(g_array_index(r->tiers, struct nvo_rep_tier, i).name);
    }
    for (guint i = 0; i < r->switches->len; i++) {
        struct nvo_rep_switch *s = &g_array_index(r->switches, struct
                                                  nvo_rep_switch, i);
        for (size_t k = 0; k < s->n_nh; k++) {
            g_free(s->nh[k].peer);
        }
        g_free(s->nh);
        g_free(s->name);
        g_free(s->role);
    }
    g_array_free(r->nodes, TRUE);
    g_array_free(r->links, TRUE);
    g_array_free(r->tiers, TRUE);
    g_array_free(r->switches, TRUE);
    g_array_free(r->fct_us, TRUE);
    g_array_free(r->series.times, TRUE);
    for (int i = 0; i < NVO_REP_SERIES_N; i++) {
        g_array_free(r->series.sum[i], TRUE);
        g_array_free(r->series.max[i], TRUE);
        g_array_free(r->series.count[i], TRUE);
    }
    g_ptr_array_free(r->warnings, TRUE);
    nvo_csv_destroy(r->summary);
    g_free(r->ecmp_function);
    g_free(r->ecmp_fields);
    g_free(r->scenario);
    g_free(r->file);
    g_free(r->engine);
    g_free(r->seed);
    g_free(r->run);
    g_free(r->sim_time);
    g_free(r->events);
    g_free(r->fingerprint);
    g_free(r->topology);
    g_free(r->results_path);
    g_free(r->dir);
    g_free(r);
}
