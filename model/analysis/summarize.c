/* summarize.c: reading sweep.csv (RFC 4180), grouping its rows by grid
 * point, and the statistics of each metric: mean, sample standard
 * deviation, Student-t 95% confidence interval of the mean, min and max.
 * See summarize.h; docs/analysis.md has the formulas.
 *
 * Student's t: the CDF is 1 - I_x(df/2, 1/2) / 2 with x = df / (df + t^2)
 * and I the regularized incomplete beta function, evaluated by its
 * continued fraction (modified Lentz; Numerical Recipes 6.4) with the
 * log-gamma ratio Gamma(a + 1/2) / Gamma(a) taken from its asymptotic
 * series for large a, so that large df lose no precision.  The quantile
 * solves tail(t) = min(p, 1 - p) by Newton steps kept inside a bracket
 * (bisection when a step leaves it).  Leaves out: weighted statistics,
 * other confidence levels on the command line. */
#include "analysis/summarize.h"

#include "core/fileio.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK(nvo-summary-error-quark, nvo_summary_error)

/* ---- CSV ---- */

void
nvo_csv_destroy(struct nvo_csv *csv)
{
    if (!csv) {
        return;
    }
    g_free(csv->file);
    g_strfreev(csv->header);
    if (csv->rows) {
        g_ptr_array_free(csv->rows, TRUE);
    }
    if (csv->lines) {
        g_array_free(csv->lines, TRUE);
    }
    g_free(csv);
}

/* True at a record end: LF, CRLF, or a CR that ends the text. */
static bool
at_eol__(const char *p, const char *end)
{
    return *p == '\n' || (*p == '\r' && (p + 1 == end || p[1] == '\n'));
}

struct nvo_csv *
nvo_csv_parse(const char *text, size_t size, const char *file, GError **error)
{
    /* A NUL byte would silently cut the field it is in. */
    const char *nul = memchr(text, '\0', size);
    if (nul) {
        unsigned nul_line = 1;
        for (const char *q = text; q < nul; q++) {
            nul_line += *q == '\n';
        }
        g_set_error(error, NVO_SUMMARY_ERROR, NVO_SUMMARY_ERROR_PARSE,
                    "%s:%u: a NUL byte: not a text file", file, nul_line);
        return NULL;
    }
    struct nvo_csv *csv = g_new0(struct nvo_csv, 1);
    csv->file = g_strdup(file);
    csv->rows = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
    csv->lines = g_array_new(FALSE, FALSE, sizeof(unsigned));
    const char *p = text, *end = text + size;
    if (size >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
        p += 3;
    }
    unsigned line = 1, header_line = 0;
    GString *field = g_string_new(NULL);
    GPtrArray *rec = NULL;

    while (p < end) {
        if (at_eol__(p, end)) {             /* an empty line */
            p += *p == '\r' ? 2 : 1;
            if (p > end) {
                p = end;
            }
            line++;
            continue;
        }
        unsigned rec_line = line;
        rec = g_ptr_array_new_with_free_func(g_free);
        for (;;) {                          /* one field */
            g_string_truncate(field, 0);
            unsigned n_field = rec->len + 1;
            if (p < end && *p == '"') {
                unsigned open_line = line;
                p++;
                for (;;) {
                    if (p >= end) {
                        g_set_error(error, NVO_SUMMARY_ERROR,
                                    NVO_SUMMARY_ERROR_PARSE,
                                    "%s:%u: field %u: the quoted field is "
                                    "never closed (no closing \")",
                                    file, open_line, n_field);
                        goto fail;
                    }
                    if (*p == '"') {
                        if (p + 1 < end && p[1] == '"') {
                            g_string_append_c(field, '"');
                            p += 2;
                            continue;
                        }
                        p++;
                        break;
                    }
                    if (*p == '\n') {
                        line++;
                    }
                    g_string_append_c(field, *p++);
                }
                if (p < end && *p != ',' && !at_eol__(p, end)) {
                    g_set_error(error, NVO_SUMMARY_ERROR,
                                NVO_SUMMARY_ERROR_PARSE,
                                "%s:%u: field %u: text after the closing "
                                "quote (a quote inside a quoted field is "
                                "written \"\")", file, line, n_field);
                    goto fail;
                }
            } else {
                while (p < end && *p != ',' && !at_eol__(p, end)) {
                    if (*p == '"') {
                        g_set_error(error, NVO_SUMMARY_ERROR,
                                    NVO_SUMMARY_ERROR_PARSE,
                                    "%s:%u: field %u: a quote inside an "
                                    "unquoted field (quote the whole field "
                                    "and write the quote as \"\")",
                                    file, line, n_field);
                        goto fail;
                    }
                    g_string_append_c(field, *p++);
                }
            }
            g_ptr_array_add(rec, g_strndup(field->str, field->len));
            if (p < end && *p == ',') {
                p++;
                continue;
            }
            if (p < end) {                  /* the record's end */
                p += *p == '\r' ? 2 : 1;
                if (p > end) {
                    p = end;
                }
                line++;
            }
            break;
        }
        if (!header_line) {
            header_line = rec_line;
            csv->header_line = rec_line;
            csv->n_cols = rec->len;
            g_ptr_array_add(rec, NULL);
            csv->header = (char **) g_ptr_array_steal(rec, NULL);
        } else if (rec->len != csv->n_cols) {
            g_set_error(error, NVO_SUMMARY_ERROR, NVO_SUMMARY_ERROR_PARSE,
                        "%s:%u: %u field%s, but the header (line %u) has %zu",
                        file, rec_line, rec->len, rec->len == 1 ? "" : "s",
                        header_line, csv->n_cols);
            goto fail;
        } else {
            g_ptr_array_add(rec, NULL);
            g_ptr_array_add(csv->rows, g_ptr_array_steal(rec, NULL));
            g_array_append_val(csv->lines, rec_line);
        }
        g_ptr_array_free(rec, TRUE);
        rec = NULL;
    }
    g_string_free(field, TRUE);
    if (!header_line) {
        g_set_error(error, NVO_SUMMARY_ERROR, NVO_SUMMARY_ERROR_PARSE,
                    "%s: empty: no header line", file);
        nvo_csv_destroy(csv);
        return NULL;
    }
    return csv;

fail:
    if (rec) {
        g_ptr_array_free(rec, TRUE);
    }
    g_string_free(field, TRUE);
    nvo_csv_destroy(csv);
    return NULL;
}

struct nvo_csv *
nvo_csv_load(const char *path, GError **error)
{
    /* A regular file only: a FIFO or device named by mistake would block
     * or never end (fileio.h). */
    char *text;
    size_t len;
    int err = nvo_file_read(path, NVO_CSV_MAX_SIZE, &text, &len);
    if (err) {
        g_set_error(error, NVO_SUMMARY_ERROR, NVO_SUMMARY_ERROR_IO,
                    "%s: cannot read: %s", path, nvo_file_strerror(path, err));
        return NULL;
    }
    struct nvo_csv *csv = nvo_csv_parse(text, len, path, error);
    g_free(text);
    return csv;
}

int
nvo_csv_column(const struct nvo_csv *csv, const char *name)
{
    for (size_t i = 0; i < csv->n_cols; i++) {
        if (!strcmp(csv->header[i], name)) {
            return (int) i;
        }
    }
    return -1;
}

void
nvo_csv_append_field(GString *s, const char *value)
{
    size_t len = strlen(value);
    bool quote = strpbrk(value, ",\"\r\n") != NULL
                 || (len && (value[0] == ' ' || value[0] == '\t'
                             || value[len - 1] == ' '
                             || value[len - 1] == '\t'));
    if (!quote) {
        g_string_append(s, value);
        return;
    }
    g_string_append_c(s, '"');
    for (const char *c = value; *c; c++) {
        if (*c == '"') {
            g_string_append_c(s, '"');
        }
        g_string_append_c(s, *c);
    }
    g_string_append_c(s, '"');
}

/* ---- Statistics ---- */

/* ln Gamma(a + 1/2) - ln Gamma(a), a > 0; the asymptotic series for
 * a >= 20 (error below 1e-16), lgamma() below. */
static double
lgamma_ratio_half__(double a)
{
    if (a < 20) {
        return lgamma(a + 0.5) - lgamma(a);
    }
    double r = 1 / a, r2 = r * r;
    return 0.5 * log(a)
           - r * (1.0 / 8 - r2 * (1.0 / 192 - r2 * (1.0 / 640
                  - r2 * (17.0 / 14336 - r2 * (31.0 / 18432)))));
}

/* The continued fraction of the incomplete beta function I_x(a, b)
 * (modified Lentz); converges fast for x < (a + 1) / (a + b + 2). */
static double
betacf__(double a, double b, double x)
{
    const double tiny = 1e-300, eps = 1e-16;
    double qab = a + b, qap = a + 1, qam = a - 1;
    double c = 1, d = 1 - qab * x / qap;
    if (fabs(d) < tiny) {
        d = tiny;
    }
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 100000; m++) {
        int m2 = 2 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1 + aa * d;
        d = fabs(d) < tiny ? tiny : d;
        c = 1 + aa / c;
        c = fabs(c) < tiny ? tiny : c;
        d = 1 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1 + aa * d;
        d = fabs(d) < tiny ? tiny : d;
        c = 1 + aa / c;
        c = fabs(c) < tiny ? tiny : c;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < eps) {
            break;
        }
    }
    return h;
}

/* P(T > t) for t >= 0: I_x(df/2, 1/2) / 2 with x = df / (df + t^2) and
 * 1 - x = t^2 / (df + t^2) computed without cancellation. */
static double
t_tail__(double t, double df)
{
    if (t <= 0) {
        return 0.5;
    }
    if (isinf(t)) {
        return 0;
    }
    double a = df / 2, b = 0.5;
    double t2 = t * t;
    double x = df / (df + t2), y = t2 / (df + t2);
    /* ln(x^a y^b / (a B(a, b))) with B(a, 1/2) = G(a) G(1/2) / G(a + 1/2) */
    double lbt = lgamma_ratio_half__(a) - 0.5 * log(M_PI)
                 - a * log1p(t2 / df) + b * log(y);
    if (x < (a + 1) / (a + b + 2)) {
        return 0.5 * exp(lbt) * betacf__(a, b, x) / a;
    }
    return 0.5 * (1 - exp(lbt) * betacf__(b, a, y) / b);
}

/* The density of Student's t. */
static double
t_pdf__(double t, double df)
{
    return exp(lgamma_ratio_half__(df / 2) - 0.5 * log(df * M_PI)
               - (df + 1) / 2 * log1p(t * t / df));
}

double
nvo_t_cdf(double t, double df)
{
    if (isnan(t) || !(df > 0)) {
        return NAN;
    }
    double tail = t_tail__(fabs(t), df);
    return t > 0 ? 1 - tail : tail;
}

double
nvo_normal_quantile(double p)
{
    /* P. J. Acklam's rational approximation (relative error 1.15e-9). */
    static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
        -2.759285104469687e+02, 1.383577518672690e+02,
        -3.066479806614716e+01, 2.506628277459239e+00 };
    static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
        -1.556989798598866e+02, 6.680131188771972e+01,
        -1.328068155288572e+01 };
    static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01,
        -2.400758277161838e+00, -2.549732539343734e+00,
        4.374664141464968e+00, 2.938163982698783e+00 };
    static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01,
        2.445134137142996e+00, 3.754408661907416e+00 };
    if (!(p > 0 && p < 1)) {
        return NAN;
    }
    const double p_low = 0.02425;
    double x;
    if (p < p_low || p > 1 - p_low) {
        double q = sqrt(-2 * log(p < p_low ? p : 1 - p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q
             + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        if (p > 1 - p_low) {
            x = -x;
        }
    } else {
        double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r
             + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r
                             + b[4]) * r + 1);
    }
    /* One Halley step on Phi(x) = p. */
    double e = 0.5 * erfc(-x / M_SQRT2) - p;
    double u = e * sqrt(2 * M_PI) * exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

/* The Cornish-Fisher expansion of the t quantile around the normal one
 * (Abramowitz and Stegun 26.7.5), terms to df^-4. */
static double
t_cornish_fisher__(double z, double df)
{
    double z2 = z * z;
    double g1 = (z2 + 1) * z / 4;
    double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
    double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
    double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z
                / 92160;
    return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
}

double
nvo_t_quantile(double p, double df)
{
    if (!(p > 0 && p < 1) || !(df > 0)) {
        return NAN;
    }
    if (p == 0.5) {
        return 0;
    }
    double q = p < 0.5 ? p : 1 - p;     /* the tail beyond |t| */
    double sign = p < 0.5 ? -1 : 1;
    double t;
    if (df == 1) {
        t = tan(M_PI * (0.5 - q));
    } else if (df == 2) {
        t = (1 - 2 * q) / sqrt(2 * q * (1 - q));
    } else if (df > 1e7) {
        t = t_cornish_fisher__(-nvo_normal_quantile(q), df);
    } else {
        /* Solve t_tail__(t) = q on a bracket [lo, hi]. */
        double lo = 0, hi = t_cornish_fisher__(-nvo_normal_quantile(q), df);
        if (!(hi > 0) || !isfinite(hi)) {
            hi = 1;
        }
        while (t_tail__(hi, df) > q) {
            lo = hi;
            hi *= 2;
        }
        t = hi;
        for (int i = 0; i < 300; i++) {
            double f = t_tail__(t, df) - q;     /* decreasing in t */
            if (f > 0) {
                lo = t;
            } else {
                hi = t;
            }
            double next = t + f / t_pdf__(t, df);
            if (!(next > lo && next < hi)) {
                next = (lo + hi) / 2;
            }
            double step = fabs(next - t);
            t = next;
            if (step <= 1e-14 * t || hi - lo <= 1e-15 * hi) {
                break;
            }
        }
    }
    return sign * t;
}

void
nvo_stat_compute(const double *x, size_t n, struct nvo_stat *st)
{
    st->n = n;
    st->mean = st->sd = st->ci95 = st->min = st->max = NAN;
    if (!n) {
        return;
    }
    /* Shifted by the first value, so that equal values give sd 0. */
    double shift = x[0], sum = 0;
    st->min = st->max = x[0];
    for (size_t i = 0; i < n; i++) {
        sum += x[i] - shift;
        st->min = x[i] < st->min ? x[i] : st->min;
        st->max = x[i] > st->max ? x[i] : st->max;
    }
    double dmean = sum / (double) n;
    st->mean = shift + dmean;
    if (n < 2) {
        return;
    }
    double ss = 0;
    for (size_t i = 0; i < n; i++) {
        double dx = x[i] - shift - dmean;
        ss += dx * dx;
    }
    st->sd = sqrt(ss / (double) (n - 1));
    st->ci95 = nvo_t_quantile(0.975, (double) (n - 1)) * st->sd
               / sqrt((double) n);
}

bool
nvo_summary_parse_number(const char *s, double *x)
{
    if (!*s || strspn(s, "0123456789+-.eE") != strlen(s)
        || !strpbrk(s, "0123456789")) {
        return false;
    }
    char *end;
    errno = 0;
    double v = g_ascii_strtod(s, &end);
    if (*end || !isfinite(v)) {
        return false;
    }
    *x = v;
    return true;
}

static bool
ends_with__(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

const char *
nvo_metric_unit(const char *name)
{
    static const struct {
        const char *suffix, *unit;
    } units[] = {
        { "_ps", "ps" }, { "_ns", "ns" }, { "_us", "µs" }, { "_ms", "ms" },
        { "_s", "s" },
        { "_jain", "Jain's index" },
        { "_max_over_mean", "max / mean" },
        { "_rate", "fraction" }, { "_ratio", "fraction" },
        { "_share", "fraction" }, { "_fraction", "fraction" },
        { "_bytes", "bytes" }, { "_bps", "bit/s" }, { "_pps", "packet/s" },
    };
    const char *dot = strrchr(name, '.');
    const char *last = dot ? dot + 1 : name;
    for (size_t i = 0; i < G_N_ELEMENTS(units); i++) {
        if (ends_with__(last, units[i].suffix)) {
            return units[i].unit;
        }
    }
    if (!strcmp(last, "load")) {
        return "fraction of the access link rate";
    }
    if (!strcmp(last, "events") || g_str_has_prefix(last, "frames_")
        || g_str_has_prefix(last, "flows_")) {
        return "count";
    }
    return NULL;
}

bool
nvo_metric_bounds(const char *name, double *lo, double *hi)
{
    static const char *const fractions[] = {
        "_jain", "_rate", "_ratio", "_share", "_fraction",
    };
    static const char *const nonnegative[] = {
        "_ps", "_ns", "_us", "_ms", "_s", "_bytes", "_bps", "_pps",
    };
    const char *dot = strrchr(name, '.');
    const char *last = dot ? dot + 1 : name;
    *lo = -INFINITY;
    *hi = INFINITY;
    for (size_t i = 0; i < G_N_ELEMENTS(fractions); i++) {
        if (ends_with__(last, fractions[i])) {
            *lo = 0;
            *hi = 1;
            return true;
        }
    }
    if (ends_with__(last, "_max_over_mean")) {
        *lo = 1;
        return true;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(nonnegative); i++) {
        if (ends_with__(last, nonnegative[i])) {
            *lo = 0;
            return true;
        }
    }
    if (!strcmp(last, "events") || g_str_has_prefix(last, "frames_")
        || g_str_has_prefix(last, "flows_")) {
        *lo = 0;
        return true;
    }
    return false;
}

/* ---- Sweeps ---- */

void
nvo_summary_destroy(struct nvo_summary *sw)
{
    if (!sw) {
        return;
    }
    for (size_t i = 0; i < sw->n_points; i++) {
        g_strfreev(sw->points[i].values);
        g_free(sw->points[i].stats);
    }
    g_free(sw->points);
    g_strfreev(sw->paths);
    g_strfreev(sw->metrics);
    g_strfreev(sw->others);
    g_free(sw->file);
    g_free(sw);
}

struct group__ {
    unsigned long point;
    GArray *rows;               /* size_t row indexes */
};

static gint
group_cmp__(gconstpointer a, gconstpointer b)
{
    const struct group__ *x = a, *y = b;
    return x->point < y->point ? -1 : x->point > y->point;
}

struct nvo_summary *
nvo_summary_from_csv(const struct nvo_csv *csv, GError **error)
{
    const char *file = csv->file;
    unsigned hline = csv->header_line;
    int col_point = nvo_csv_column(csv, "point");
    int col_seed = nvo_csv_column(csv, "seed");
    int col_run = nvo_csv_column(csv, "run");
    const char *missing = col_point < 0 ? "point"
                          : col_seed < 0 ? "seed" : col_run < 0 ? "run" : NULL;
    if (missing) {
        g_set_error(error, NVO_SUMMARY_ERROR, NVO_SUMMARY_ERROR_PARSE,
                    "%s:%u: no \"%s\" column in the header (a sweep.csv "
                    "header is: point, the varied paths, seed, run, then the "
                    "metrics)", file, hline, missing);
        return NULL;
    }
    if (!(col_point < col_seed && col_seed < col_run)) {
        g_set_error(error, NVO_SUMMARY_ERROR, NVO_SUMMARY_ERROR_PARSE,
                    "%s:%u: the header has point, seed and run out of order "
                    "(a sweep.csv header is: point, the varied paths, seed, "
                    "run, then the metrics)", file, hline);
        return NULL;
    }
    for (size_t i = 0; i < csv->n_cols; i++) {
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(csv->header[i], csv->header[j])) {
                g_set_error(error, NVO_SUMMARY_ERROR,
                            NVO_SUMMARY_ERROR_PARSE,
                            "%s:%u: column \"%s\" appears twice in the header "
                            "(columns %zu and %zu)", file, hline,
                            csv->header[i],
                            j + 1, i + 1);
                return NULL;
            }
        }
    }
    /* Names and values end up in gnuplot scripts and data files, where a
     * newline would end a command: no control characters anywhere. */
    for (size_t r = 0; r <= csv->rows->len; r++) {
        char **f = r ? g_ptr_array_index(csv->rows, r - 1) : csv->header;
        unsigned line = r ? g_array_index(csv->lines, unsigned, r - 1) : hline;
        for (size_t i = 0; i < csv->n_cols; i++) {
            for (const char *c = f[i]; *c; c++) {
                if ((unsigned char) *c < 0x20 || *c == 0x7f) {
                    g_set_error(error, NVO_SUMMARY_ERROR,
                                NVO_SUMMARY_ERROR_PARSE,
                                "%s:%u: field %zu holds a control character "
                                "(0x%02x): names and values must be "
                                "printable", file, line, i + 1,
                                (unsigned) (unsigned char) *c);
                    return NULL;
                }
            }
        }
    }
    if (!csv->rows->len) {
        g_set_error(error, NVO_SUMMARY_ERROR, NVO_SUMMARY_ERROR_PARSE,
                    "%s: no runs yet: the file has only its header", file);
        return NULL;
    }

    struct nvo_summary *sw = g_new0(struct nvo_summary, 1);
    sw->file = g_strdup(file);
    sw->n_rows = csv->rows->len;
    sw->n_paths = (size_t) (col_seed - col_point - 1);
    sw->paths = g_new0(char *, sw->n_paths + 1);
    for (size_t i = 0; i < sw->n_paths; i++) {
        sw->paths[i] = g_strdup(csv->header[col_point + 1 + i]);
    }

    /* Metrics: the numeric columns after 'run'.  The event fingerprint is
     * hexadecimal text, which could be all decimal digits by chance.  A
     * column with no value at all (spine_up_jain of a 3-stage fabric) is
     * a metric missing everywhere. */
    GArray *metric_cols = g_array_new(FALSE, FALSE, sizeof(size_t));
    GPtrArray *metrics = g_ptr_array_new();
    GPtrArray *others = g_ptr_array_new();
    for (size_t c = (size_t) col_run + 1; c < csv->n_cols; c++) {
        bool numeric = strcmp(csv->header[c], "fingerprint") != 0;
        for (size_t r = 0; numeric && r < csv->rows->len; r++) {
            const char *v = ((char **) csv->rows->pdata[r])[c];
            double x;
            if (*v) {
                numeric = nvo_summary_parse_number(v, &x);
            }
        }
        if (numeric) {
            g_array_append_val(metric_cols, c);
            g_ptr_array_add(metrics, g_strdup(csv->header[c]));
        } else {
            g_ptr_array_add(others, g_strdup(csv->header[c]));
        }
    }
    sw->n_metrics = metrics->len;
    g_ptr_array_add(metrics, NULL);
    g_ptr_array_add(others, NULL);
    sw->metrics = (char **) g_ptr_array_free(metrics, FALSE);
    sw->others = (char **) g_ptr_array_free(others, FALSE);

    /* Group the rows by point; check that a point's rows agree and that
     * no replication is there twice. */
    GHashTable *by_point = g_hash_table_new(g_direct_hash, g_direct_equal);
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                             NULL);
    GArray *groups = g_array_new(FALSE, TRUE, sizeof(struct group__));
    bool ok = true;
    for (size_t r = 0; ok && r < csv->rows->len; r++) {
        char **row = csv->rows->pdata[r];
        unsigned line = g_array_index(csv->lines, unsigned, r);
        const char *pv = row[col_point];
        char *end;
        errno = 0;
        unsigned long point = strtoul(pv, &end, 10);
        if (!g_ascii_isdigit(pv[0]) || *end || errno || point == 0
            || point > G_MAXUINT32) {
            g_set_error(error, NVO_SUMMARY_ERROR, NVO_SUMMARY_ERROR_PARSE,
                        "%s:%u: point \"%s\": expected a whole number >= 1",
                        file, line, pv);
            ok = false;
            break;
        }
        char *key = g_strdup_printf("%lu\x1f%s\x1f%s", point, row[col_seed],
                                    row[col_run]);
        gpointer first = g_hash_table_lookup(seen, key);
        if (first) {
            g_set_error(error, NVO_SUMMARY_ERROR, NVO_SUMMARY_ERROR_PARSE,
                        "%s:%u: point %lu, seed %s, run %s is repeated (first "
                        "on line %u)", file, line, point, row[col_seed],
                        row[col_run], GPOINTER_TO_UINT(first));
            g_free(key);
            ok = false;
            break;
        }
        g_hash_table_insert(seen, key, GUINT_TO_POINTER(line));
        gpointer gi;
        if (!g_hash_table_lookup_extended(by_point, GSIZE_TO_POINTER(point),
                                          NULL, &gi)) {
            struct group__ g = { point,
                                 g_array_new(FALSE, FALSE, sizeof(size_t)) };
            gi = GSIZE_TO_POINTER(groups->len);
            g_array_append_val(groups, g);
            g_hash_table_insert(by_point, GSIZE_TO_POINTER(point), gi);
        }
        struct group__ *g = &g_array_index(groups, struct group__,
                                           GPOINTER_TO_SIZE(gi));
        if (g->rows->len) {
            size_t r0 = g_array_index(g->rows, size_t, 0);
            char **row0 = csv->rows->pdata[r0];
            for (size_t i = 0; i < sw->n_paths; i++) {
                size_t c = (size_t) col_point + 1 + i;
                if (strcmp(row[c], row0[c])) {
                    g_set_error(error, NVO_SUMMARY_ERROR,
                                NVO_SUMMARY_ERROR_PARSE,
                                "%s:%u: point %lu has %s=%s here but %s=%s "
                                "on line %u", file, line, point,
                                sw->paths[i], row[c], sw->paths[i], row0[c],
                                g_array_index(csv->lines, unsigned, r0));
                    ok = false;
                    break;
                }
            }
        }
        g_array_append_val(g->rows, r);
    }
    g_hash_table_destroy(by_point);
    g_hash_table_destroy(seen);

    if (ok) {
        g_array_sort(groups, group_cmp__);
        sw->n_points = groups->len;
        sw->points = g_new0(struct nvo_summary_point, sw->n_points);
        double *x = g_new(double, csv->rows->len);
        for (size_t i = 0; i < sw->n_points; i++) {
            struct group__ *g = &g_array_index(groups, struct group__, i);
            struct nvo_summary_point *pt = &sw->points[i];
            size_t r0 = g_array_index(g->rows, size_t, 0);
            char **row0 = csv->rows->pdata[r0];
            pt->point = g->point;
            pt->line = g_array_index(csv->lines, unsigned, r0);
            pt->n_runs = g->rows->len;
            pt->values = g_new0(char *, sw->n_paths + 1);
            for (size_t k = 0; k < sw->n_paths; k++) {
                pt->values[k] = g_strdup(row0[col_point + 1 + k]);
            }
            pt->stats = g_new0(struct nvo_stat, sw->n_metrics);
            for (size_t m = 0; m < sw->n_metrics; m++) {
                size_t c = g_array_index(metric_cols, size_t, m), n = 0;
                for (size_t k = 0; k < g->rows->len; k++) {
                    char **row = csv->rows->pdata[g_array_index(g->rows,
                                                                size_t, k)];
                    if (*row[c]) {
                        nvo_summary_parse_number(row[c], &x[n++]);
                    }
                }
                nvo_stat_compute(x, n, &pt->stats[m]);
            }
        }
        g_free(x);
    }
    for (size_t i = 0; i < groups->len; i++) {
        g_array_free(g_array_index(groups, struct group__, i).rows, TRUE);
    }
    g_array_free(groups, TRUE);
    g_array_free(metric_cols, TRUE);
    if (!ok) {
        nvo_summary_destroy(sw);
        return NULL;
    }
    return sw;
}

struct nvo_summary *
nvo_summary_load(const char *path, GError **error)
{
    char *file = g_file_test(path, G_FILE_TEST_IS_DIR)
                 ? g_build_filename(path, "sweep.csv", NULL) : g_strdup(path);
    struct nvo_csv *csv = nvo_csv_load(file, error);
    g_free(file);
    if (!csv) {
        return NULL;
    }
    struct nvo_summary *sw = nvo_summary_from_csv(csv, error);
    nvo_csv_destroy(csv);
    return sw;
}

int
nvo_summary_path_index(const struct nvo_summary *sw, const char *path)
{
    for (size_t i = 0; i < sw->n_paths; i++) {
        if (!strcmp(sw->paths[i], path)) {
            return (int) i;
        }
    }
    return -1;
}

static char *
join_names__(char **names, size_t n)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < n; i++) {
        g_string_append_printf(s, "%s%s", i ? ", " : "", names[i]);
    }
    return g_string_free(s, FALSE);
}

int
nvo_summary_metric_index(const struct nvo_summary *sw, const char *name,
                       GError **error)
{
    for (size_t i = 0; i < sw->n_metrics; i++) {
        if (!strcmp(sw->metrics[i], name)) {
            return (int) i;
        }
    }
    char *list = join_names__(sw->metrics, sw->n_metrics);
    if (nvo_summary_path_index(sw, name) >= 0) {
        g_set_error(error, NVO_SUMMARY_ERROR, NVO_SUMMARY_ERROR_ARG,
                    "%s: \"%s\" is a varied path, not a metric (metrics: %s)",
                    sw->file, name, list);
    } else if (g_strv_contains((const char *const *) sw->others, name)
               || !strcmp(name, "seed") || !strcmp(name, "run")
               || !strcmp(name, "point")) {
        g_set_error(error, NVO_SUMMARY_ERROR, NVO_SUMMARY_ERROR_ARG,
                    "%s: column \"%s\" is not a numeric metric (metrics: %s)",
                    sw->file, name, list);
    } else {
        g_set_error(error, NVO_SUMMARY_ERROR, NVO_SUMMARY_ERROR_ARG,
                    "%s: no metric \"%s\" (metrics: %s)", sw->file, name,
                    list);
    }
    g_free(list);
    return -1;
}

bool
nvo_summary_values_equal(const char *a, const char *b)
{
    double x, y;
    return !strcmp(a, b)
           || (nvo_summary_parse_number(a, &x)
               && nvo_summary_parse_number(b, &y) && x == y);
}

int
nvo_summary_filter(struct nvo_summary *sw, const char *filter, GError **error)
{
    const char *eq = strchr(filter, '=');
    if (!eq || eq == filter) {
        g_set_error(error, NVO_SUMMARY_ERROR, NVO_SUMMARY_ERROR_ARG,
                    "--where %s: expected PATH=VALUE", filter);
        return EINVAL;
    }
    char *path = g_strndup(filter, (size_t) (eq - filter));
    const char *value = eq + 1;
    int k = nvo_summary_path_index(sw, path);
    if (k < 0) {
        char *list = join_names__(sw->paths, sw->n_paths);
        g_set_error(error, NVO_SUMMARY_ERROR, NVO_SUMMARY_ERROR_ARG,
                    "--where %s: %s is not a varied path of %s (%s%s)",
                    filter, path, sw->file,
                    sw->n_paths ? "varied: " : "nothing varies", list);
        g_free(list);
        g_free(path);
        return EINVAL;
    }
    size_t kept = 0;
    GPtrArray *seen = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; i < sw->n_points; i++) {
        struct nvo_summary_point *pt = &sw->points[i];
        const char *v = pt->values[k];
        if (!g_ptr_array_find_with_equal_func(seen, v, g_str_equal, NULL)) {
            g_ptr_array_add(seen, g_strdup(v));
        }
        if (nvo_summary_values_equal(v, value)) {
            sw->points[kept++] = *pt;
        } else {
            g_strfreev(pt->values);
            g_free(pt->stats);
        }
    }
    int err = 0;
    if (!kept) {
        char *list = join_names__((char **) seen->pdata, seen->len);
        g_set_error(error, NVO_SUMMARY_ERROR, NVO_SUMMARY_ERROR_ARG,
                    "--where %s: no point has %s=%s (values: %s)", filter,
                    path, value, list);
        g_free(list);
        err = EINVAL;
    }
    sw->n_points = kept;
    g_ptr_array_free(seen, TRUE);
    g_free(path);
    return err;
}

static char *
mean_ci_text__(const struct nvo_stat *st)
{
    if (!st->n) {
        return g_strdup("- (n=0)");
    }
    if (st->n < 2) {
        return g_strdup_printf("%.4g (n=1)", st->mean);
    }
    return g_strdup_printf("%.4g ± %.2g (n=%zu)", st->mean, st->ci95,
                           st->n);
}

char *
nvo_summary_table(const struct nvo_summary *sw, const int *metrics,
                  size_t n_metrics)
{
    /* Cells first, to size the columns. */
    size_t n_cols = 1 + sw->n_paths + 1 + n_metrics;
    GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(cells, g_strdup("point"));
    for (size_t k = 0; k < sw->n_paths; k++) {
        g_ptr_array_add(cells, g_strdup(sw->paths[k]));
    }
    g_ptr_array_add(cells, g_strdup("runs"));
    for (size_t j = 0; j < n_metrics; j++) {
        g_ptr_array_add(cells, g_strdup(sw->metrics[metrics[j]]));
    }
    for (size_t i = 0; i < sw->n_points; i++) {
        const struct nvo_summary_point *pt = &sw->points[i];
        g_ptr_array_add(cells, g_strdup_printf("%lu", pt->point));
        for (size_t k = 0; k < sw->n_paths; k++) {
            g_ptr_array_add(cells, g_strdup(pt->values[k]));
        }
        g_ptr_array_add(cells, g_strdup_printf("%zu", pt->n_runs));
        for (size_t j = 0; j < n_metrics; j++) {
            g_ptr_array_add(cells, mean_ci_text__(&pt->stats[metrics[j]]));
        }
    }
    size_t *width = g_new0(size_t, n_cols);
    for (guint i = 0; i < cells->len; i++) {
        size_t n = (size_t) g_utf8_strlen(cells->pdata[i], -1);
        width[i % n_cols] = MAX(width[i % n_cols], n);
    }
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < cells->len; i++) {
        const char *c = cells->pdata[i];
        g_string_append(s, c);
        if (i % n_cols == n_cols - 1) {
            g_string_append_c(s, '\n');
        } else {
            for (size_t k = (size_t) g_utf8_strlen(c, -1);
                 k < width[i % n_cols] + 2; k++) {
                g_string_append_c(s, ' ');
            }
        }
    }
    g_free(width);
    g_ptr_array_free(cells, TRUE);
    return g_string_free(s, FALSE);
}

static void
append_number__(GString *s, double x)
{
    if (isnan(x)) {
        return;                         /* undefined: an empty field */
    }
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append(s, g_ascii_formatd(buf, sizeof buf, "%.10g", x));
}

char *
nvo_summary_stats_csv(const struct nvo_summary *sw)
{
    static const char *const cols[] = { "n", "mean", "sd", "ci95", "min",
                                        "max" };
    GString *s = g_string_new("point");
    for (size_t i = 0; i < sw->n_paths; i++) {
        g_string_append_c(s, ',');
        nvo_csv_append_field(s, sw->paths[i]);
    }
    for (size_t m = 0; m < sw->n_metrics; m++) {
        for (size_t k = 0; k < G_N_ELEMENTS(cols); k++) {
            g_string_append_c(s, ',');
            char *name = g_strdup_printf("%s_%s", sw->metrics[m], cols[k]);
            nvo_csv_append_field(s, name);
            g_free(name);
        }
    }
    g_string_append_c(s, '\n');
    for (size_t i = 0; i < sw->n_points; i++) {
        const struct nvo_summary_point *pt = &sw->points[i];
        g_string_append_printf(s, "%lu", pt->point);
        for (size_t k = 0; k < sw->n_paths; k++) {
            g_string_append_c(s, ',');
            nvo_csv_append_field(s, pt->values[k]);
        }
        for (size_t m = 0; m < sw->n_metrics; m++) {
            const struct nvo_stat *st = &pt->stats[m];
            g_string_append_printf(s, ",%zu,", st->n);
            append_number__(s, st->mean);
            g_string_append_c(s, ',');
            append_number__(s, st->sd);
            g_string_append_c(s, ',');
            append_number__(s, st->ci95);
            g_string_append_c(s, ',');
            append_number__(s, st->min);
            g_string_append_c(s, ',');
            append_number__(s, st->max);
        }
        g_string_append_c(s, '\n');
    }
    return g_string_free(s, FALSE);
}

int
nvo_summary_write_file(const char *path, const char *text, size_t size,
                       GError **error)
{
    int err = nvo_file_write_atomic(path, text, size);
    if (err) {
        g_set_error(error, NVO_SUMMARY_ERROR, NVO_SUMMARY_ERROR_IO,
                    "%s: cannot write: %s", path, g_strerror(err));
    }
    return err;
}

int
nvo_summary_write_stats(const struct nvo_summary *sw, const char *path,
                      GError **error)
{
    char *text = nvo_summary_stats_csv(sw);
    int err = nvo_summary_write_file(path, text, strlen(text), error);
    g_free(text);
    return err;
}
