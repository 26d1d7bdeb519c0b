/* summarize.h: the results of a parameter sweep, per grid point.
 *
 * A sweep (nvosim sweep) writes DIR/sweep.csv: one row per run, with the
 * columns
 *
 *     point, PATH1, PATH2, ..., seed, run, METRIC1, METRIC2, ...
 *
 * 'point' is the 1-based grid point, PATHi the value given to each varied
 * --set PATH, 'seed' and 'run' the replication, and the metrics those of
 * summary.csv (nvo_sim_summary_header() after its 'run' column).  This
 * module reads that file (RFC 4180 CSV), groups the rows by grid point and
 * gives, for every numeric metric, the number of values, mean, sample
 * standard deviation, the half-width of the 95% confidence interval of
 * the mean (Student's t with n - 1 degrees of freedom), minimum and
 * maximum.  A column after 'run' is a metric when every non-empty value in
 * it is a finite decimal number (a column of empty values too: a metric
 * no run measured); others (the hexadecimal 'fingerprint') are kept but
 * not summarized.  An empty value is a missing one (summary.csv leaves a
 * metric without samples empty): it is not counted in that metric's n,
 * and a point without values has n = 0 and no mean.
 *
 * Errors in the input are reported as "FILE:LINE: what is wrong" (GError
 * domain NVO_SUMMARY_ERROR); everything else here is a pure function.
 * docs/analysis.md describes the formulas and the files. */
#ifndef NVO_SUMMARIZE_H
#define NVO_SUMMARIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

#define NVO_SUMMARY_ERROR nvo_summary_error_quark()
GQuark nvo_summary_error_quark(void);

enum nvo_summary_error {
    NVO_SUMMARY_ERROR_IO,       /* a file cannot be read or written */
    NVO_SUMMARY_ERROR_PARSE,    /* bad CSV, or not a sweep.csv */
    NVO_SUMMARY_ERROR_ARG,      /* unknown column, bad filter, ... */
    NVO_SUMMARY_ERROR_PLOT,     /* gnuplot missing or failing */
};

/* ---- CSV (RFC 4180) ----
 *
 * Records end with LF or CRLF; a field that starts with '"' is quoted: it
 * may hold commas, line breaks and '""' (one quote), and must end with a
 * '"' followed by a comma or the end of the record.  A quote inside an
 * unquoted field is an error, and so is a record whose number of fields
 * differs from the header's, and so is a NUL byte anywhere.  Empty lines
 * are skipped; a UTF-8 byte order mark is ignored. */
struct nvo_csv {
    char *file;             /* as named in messages */
    size_t n_cols;
    char **header;          /* n_cols names (NULL-terminated) */
    unsigned header_line;   /* the header's line (1 unless empty lines) */
    GPtrArray *rows;        /* char **: n_cols values (NULL-terminated) */
    GArray *lines;          /* unsigned: the line each row starts on */
};

/* Parses 'size' bytes of 'text'; 'file' names it in messages.  Returns
 * NULL with 'error' set (NVO_SUMMARY_ERROR_PARSE) on the first problem:
 * "FILE:LINE: 3 fields, but the header (line 1) has 5". */
struct nvo_csv *nvo_csv_parse(const char *text, size_t size,
                              const char *file, GError **error);

/* The largest CSV file nvo_csv_load() reads: 1 GiB (a sweep.csv of
 * about four million runs). */
#define NVO_CSV_MAX_SIZE ((size_t) 1 << 30)

/* Reads and parses the file 'path', a regular file of at most
 * NVO_CSV_MAX_SIZE bytes: "PATH: cannot read: a FIFO, not a regular
 * file" otherwise (NVO_SUMMARY_ERROR_IO). */
struct nvo_csv *nvo_csv_load(const char *path, GError **error);

/* Accepts NULL. */
void nvo_csv_destroy(struct nvo_csv *);

/* The index of column 'name', or -1. */
int nvo_csv_column(const struct nvo_csv *, const char *name);

/* Appends 'value' to 's' as one CSV field, quoted if it holds a comma, a
 * quote, a line break or leading or trailing blanks. */
void nvo_csv_append_field(GString *s, const char *value);

/* ---- Statistics ---- */

struct nvo_stat {
    size_t n;               /* number of values */
    double mean;            /* NAN if n == 0 */
    double sd;              /* sample standard deviation (divisor n - 1);
                             * NAN if n < 2 */
    double ci95;            /* t(0.975, n - 1) sd / sqrt(n); NAN if n < 2 */
    double min, max;        /* NAN if n == 0 */
};

/* Summarizes the 'n' values 'x' (two passes, so no cancellation). */
void nvo_stat_compute(const double *x, size_t n, struct nvo_stat *);

/* Student's t distribution with 'df' > 0 degrees of freedom (not
 * necessarily whole): the cumulative distribution function, and its
 * inverse for 0 < p < 1.  The CDF comes from the regularized incomplete
 * beta function (continued fraction); the quantile inverts it by
 * safeguarded Newton steps to a relative error below 1e-12, closed forms
 * serving df = 1 and 2 and a Cornish-Fisher expansion df > 1e7.  They
 * agree with published tables to every printed digit (tests compare 7
 * significant digits for df 1..100000). */
double nvo_t_cdf(double t, double df);
double nvo_t_quantile(double p, double df);

/* The standard normal quantile, 0 < p < 1, to full double precision
 * (Acklam's rational approximation refined by one Halley step). */
double nvo_normal_quantile(double p);

/* Parses a whole finite decimal number (strtod syntax without
 * hexadecimal, infinities and NaN, no blanks).  Returns true and sets *x
 * if 's' is one. */
bool nvo_summary_parse_number(const char *s, double *x);

/* The unit of a metric or parameter, from its name: "µs" for *_us, "s"
 * for *_s, "Jain's index" for *_jain, "fraction" for drop_rate, ...;
 * NULL when the name says nothing. */
const char *nvo_metric_unit(const char *name);

/* The interval a metric's values lie in, from its name as for
 * nvo_metric_unit(): times, sizes, bit and packet rates and counts are
 * >= 0; fractions (drop_rate, *_share, ...) and Jain's indices (in
 * [1/n, 1], n unknown here) lie in [0, 1]; max / mean is >= 1.  Sets *lo
 * and *hi (-INFINITY, INFINITY when unbounded) and returns whether the
 * name gave a bound. */
bool nvo_metric_bounds(const char *name, double *lo, double *hi);

/* ---- Sweep results per grid point ---- */

struct nvo_summary_point {
    unsigned long point;    /* the 'point' column: 1, 2, ... */
    unsigned line;          /* the line of its first row */
    char **values;          /* n_paths values of the varied paths */
    size_t n_runs;          /* rows */
    struct nvo_stat *stats; /* n_metrics */
};

struct nvo_summary {
    char *file;             /* the sweep.csv read */
    size_t n_paths;
    char **paths;           /* the varied --set paths, in column order */
    size_t n_metrics;
    char **metrics;         /* numeric columns after 'run' */
    char **others;          /* the other columns after 'run'
                             * (NULL-terminated) */
    size_t n_rows;
    size_t n_points;
    struct nvo_summary_point *points;     /* by point number */
};

/* Reads a sweep: 'path' is the sweep's directory (its sweep.csv is read)
 * or a CSV file.  Returns NULL with 'error' set: the file cannot be read,
 * bad CSV, a missing point, seed or run column ("FILE:1: no \"seed\"
 * column ..."), a point that is not a whole number >= 1, two rows of one
 * point with different varied values, a repeated (point, seed, run). */
struct nvo_summary *nvo_summary_load(const char *path, GError **error);

/* The same from a parsed CSV. */
struct nvo_summary *nvo_summary_from_csv(const struct nvo_csv *,
                                         GError **error);

/* Accepts NULL. */
void nvo_summary_destroy(struct nvo_summary *);

/* The index of varied path 'path', or -1. */
int nvo_summary_path_index(const struct nvo_summary *, const char *path);

/* The index of metric 'name'; or -1 with 'error' set to a message that
 * says why ("not a metric: it is a varied path", "not numeric", "no such
 * column", listing the metrics). */
int nvo_summary_metric_index(const struct nvo_summary *, const char *name,
                           GError **error);

/* Keeps only the points whose varied path PATH has the value VALUE
 * ('filter' is "PATH=VALUE"; numbers compare by value, so 0.30 matches
 * 0.3).  Returns 0, or EINVAL with 'error' set: no '=', not a varied
 * path, or a value no point has (the message lists those there are). */
int nvo_summary_filter(struct nvo_summary *, const char *filter,
                       GError **error);

/* Whether two values of a varied path are the same (as text, or as
 * numbers). */
bool nvo_summary_values_equal(const char *a, const char *b);

/* The table "nvosim summarize" prints, without its title line: a header
 * (point, the varied paths, runs, the metrics), then one line per point,
 * columns aligned (UTF-8 aware), each metric's cell "MEAN ± HALF (n=N)"
 * with N the number of runs that have a value for it ("MEAN (n=1)"; a
 * point without any value shows "- (n=0)").  'metrics' holds 'n_metrics'
 * metric indexes. */
char *nvo_summary_table(const struct nvo_summary *, const int *metrics,
                        size_t n_metrics);

/* The text of summary-stats.csv: a header line, then one line per point:
 * point, the varied values, then for every metric M the columns M_n,
 * M_mean, M_sd, M_ci95, M_min, M_max (an undefined value is empty). */
char *nvo_summary_stats_csv(const struct nvo_summary *);

/* Writes 'size' bytes of 'text' to 'path' through PATH.tmp and a rename,
 * so that no reader ever sees half a file.  Returns 0 or an errno with
 * 'error' set ("PATH: cannot write: REASON"). */
int nvo_summary_write_file(const char *path, const char *text, size_t size,
                           GError **error);

/* Writes nvo_summary_stats_csv() to 'path' through a temporary file and a
 * rename.  Returns 0 or an errno with 'error' set. */
int nvo_summary_write_stats(const struct nvo_summary *, const char *path,
                          GError **error);

#endif
