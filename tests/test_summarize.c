/* test_summarize.c: sweep results per grid point (summarize.c) and their
 * plots (plot.c): CSV parsing with quoted fields and the exact messages
 * for malformed input; mean, standard deviation and Student-t confidence
 * intervals on known numbers, the t quantile against published values;
 * grouping by point; summary-stats.csv; a plot through gnuplot that
 * writes a PNG and an SVG, and the plot errors. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/plot.h"
#include "analysis/summarize.h"
#include "testutil.h"

/* ---- helpers ---- */

static struct nvo_csv *
parse_ok(const char *text)
{
    GError *error = NULL;
    struct nvo_csv *csv = nvo_csv_parse(text, strlen(text), "t.csv", &error);
    ck_assert_msg(csv, "%s", error ? error->message : "?");
    return csv;
}

static void
check_parse_error(const char *text, const char *message)
{
    GError *error = NULL;
    struct nvo_csv *csv = nvo_csv_parse(text, strlen(text), "t.csv", &error);
    ck_assert_msg(!csv, "parsed: %s", text);
    ck_assert_ptr_nonnull(error);
    ck_assert_str_eq(error->message, message);
    g_error_free(error);
}

static const char *
cell(const struct nvo_csv *csv, size_t row, size_t col)
{
    return ((char **) csv->rows->pdata[row])[col];
}

static struct nvo_summary *
sweep_ok(const char *text)
{
    struct nvo_csv *csv = parse_ok(text);
    GError *error = NULL;
    struct nvo_summary *sw = nvo_summary_from_csv(csv, &error);
    ck_assert_msg(sw, "%s", error ? error->message : "?");
    nvo_csv_destroy(csv);
    return sw;
}

static void
check_sweep_error(const char *text, const char *message)
{
    struct nvo_csv *csv = parse_ok(text);
    GError *error = NULL;
    struct nvo_summary *sw = nvo_summary_from_csv(csv, &error);
    ck_assert_msg(!sw, "accepted: %s", text);
    ck_assert_str_eq(error->message, message);
    g_error_free(error);
    nvo_csv_destroy(csv);
}

/* Removes the test directory 'dir' (flat) and frees the string. */
/* Relative difference. */
static double
rel(double a, double b)
{
    return fabs(a - b) / fabs(b);
}

/* ---- CSV ---- */

START_TEST(csv_plain_and_quoted)
{
    struct nvo_csv *csv = parse_ok(
        "a,b,c\r\n"
        "1,\"x,y\",3\r\n"
        "\n"
        "\"say \"\"hi\"\"\",,\"two\nlines\"\n"
        "4,5,\n"
        "\"\",\"q\",6");                      /* no final newline */
    ck_assert_uint_eq(csv->n_cols, 3);
    ck_assert_str_eq(csv->header[2], "c");
    ck_assert_uint_eq(csv->rows->len, 4);
    ck_assert_str_eq(cell(csv, 0, 0), "1");
    ck_assert_str_eq(cell(csv, 0, 1), "x,y");
    ck_assert_str_eq(cell(csv, 1, 0), "say \"hi\"");
    ck_assert_str_eq(cell(csv, 1, 1), "");
    ck_assert_str_eq(cell(csv, 1, 2), "two\nlines");
    ck_assert_str_eq(cell(csv, 2, 2), "");
    ck_assert_str_eq(cell(csv, 3, 0), "");
    ck_assert_str_eq(cell(csv, 3, 2), "6");
    /* Lines: an empty line skipped, a record over two lines. */
    ck_assert_uint_eq(g_array_index(csv->lines, unsigned, 0), 2);
    ck_assert_uint_eq(g_array_index(csv->lines, unsigned, 1), 4);
    ck_assert_uint_eq(g_array_index(csv->lines, unsigned, 2), 6);
    ck_assert_uint_eq(g_array_index(csv->lines, unsigned, 3), 7);
    ck_assert_int_eq(nvo_csv_column(csv, "b"), 1);
    ck_assert_int_eq(nvo_csv_column(csv, "z"), -1);
    nvo_csv_destroy(csv);

    /* A byte order mark; a quoted header. */
    csv = parse_ok("\xEF\xBB\xBF\"a\",b\n1,2\n");
    ck_assert_str_eq(csv->header[0], "a");
    nvo_csv_destroy(csv);
}
END_TEST

START_TEST(csv_malformed)
{
    static const struct {
        const char *text, *message;
    } cases[] = {
        { "a,b\n1,2,3\n", "t.csv:2: 3 fields, but the header (line 1) has 2" },
        { "a,b\n1,2\n1\n", "t.csv:3: 1 field, but the header (line 1) has 2" },
        { "\na,b\n1,2,\n",
          "t.csv:3: 3 fields, but the header (line 2) has 2" },
        { "a,b\n\"x\ny\",2\n1\n",
          "t.csv:4: 1 field, but the header (line 1) has 2" },
        { "a,b\n1,\"x\n",
          "t.csv:2: field 2: the quoted field is never closed (no closing "
          "\")" },
        { "a,b\n\"x\"y,2\n",
          "t.csv:2: field 1: text after the closing quote (a quote inside a "
          "quoted field is written \"\")" },
        { "a,b\n1,x\"y\n",
          "t.csv:2: field 2: a quote inside an unquoted field (quote the "
          "whole field and write the quote as \"\")" },
        { "", "t.csv: empty: no header line" },
        { "\n\r\n", "t.csv: empty: no header line" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        check_parse_error(cases[i].text, cases[i].message);
    }
    /* Found by fuzz_csv: a NUL byte used to cut its field short silently
     * ("a\0b" read as "a"). */
    static const char nul[] = "a,b\n1,2\nx\0y,3\n";
    GError *error = NULL;
    ck_assert_ptr_null(nvo_csv_parse(nul, sizeof nul - 1, "t.csv", &error));
    ck_assert_str_eq(error->message, "t.csv:3: a NUL byte: not a text file");
    g_error_free(error);
}
END_TEST

START_TEST(csv_quote_out)
{
    GString *s = g_string_new(NULL);
    static const char *const values[] = { "plain", "a,b", "say \"x\"",
                                          "two\nlines", " pad", "" };
    for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
        g_string_append(s, i ? "," : "");
        nvo_csv_append_field(s, values[i]);
    }
    ck_assert_str_eq(s->str, "plain,\"a,b\",\"say \"\"x\"\"\",\"two\nlines\","
                             "\" pad\",");
    /* And back. */
    char *text = g_strdup_printf("%s\n%s\n", s->str, s->str);
    struct nvo_csv *csv = parse_ok(text);
    for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
        ck_assert_str_eq(cell(csv, 0, i), values[i]);
    }
    nvo_csv_destroy(csv);
    g_free(text);
    g_string_free(s, TRUE);
}
END_TEST

START_TEST(csv_load_missing)
{
    GError *error = NULL;
    ck_assert_ptr_null(nvo_csv_load("/nonexistent/sweep.csv", &error));
    ck_assert_str_eq(error->message, "/nonexistent/sweep.csv: cannot read: "
                                     "No such file or directory");
    g_error_free(error);
}
END_TEST

/* A FIFO named as a sweep.csv is refused at once, not waited on; so is a
 * directory. */
START_TEST(csv_load_not_regular)
{
    char *dir = nvo_test_tmpdir("csvfifo");
    char *fifo = g_build_filename(dir, "sweep.csv", NULL);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    alarm(10);                  /* a blocking open() fails the test */
    GError *error = NULL;
    ck_assert_ptr_null(nvo_csv_load(fifo, &error));
    alarm(0);
    char *want = g_strdup_printf("%s: cannot read: a FIFO, not a regular "
                                 "file", fifo);
    ck_assert_str_eq(error->message, want);
    g_clear_error(&error);
    g_free(want);
    ck_assert_ptr_null(nvo_csv_load(dir, &error));
    want = g_strdup_printf("%s: cannot read: a directory, not a regular file",
                           dir);
    ck_assert_str_eq(error->message, want);
    g_clear_error(&error);
    g_free(want);
    unlink(fifo);
    g_free(fifo);
    rmdir(dir);
    g_free(dir);
}
END_TEST

/* ---- statistics ---- */

START_TEST(stat_known)
{
    struct nvo_stat st;
    const double one_to_five[] = { 1, 2, 3, 4, 5 };
    nvo_stat_compute(one_to_five, 5, &st);
    ck_assert_uint_eq(st.n, 5);
    ck_assert_double_eq_tol(st.mean, 3, 1e-15);
    ck_assert_double_eq_tol(st.sd, sqrt(2.5), 1e-15);
    /* t(0.975, 4) = 2.776445105; x sqrt(2.5) / sqrt(5) */
    ck_assert_double_eq_tol(st.ci95, 1.963243, 5e-7);
    ck_assert_double_eq_tol(st.ci95, 2.7764451052 * sqrt(0.5), 1e-9);
    ck_assert_double_eq(st.min, 1);
    ck_assert_double_eq(st.max, 5);

    const double two[] = { 3, 1 };
    nvo_stat_compute(two, 2, &st);
    ck_assert_double_eq_tol(st.mean, 2, 1e-15);
    ck_assert_double_eq_tol(st.sd, sqrt(2), 1e-15);
    /* t(0.975, 1) sqrt(2) / sqrt(2) */
    ck_assert_double_eq_tol(st.ci95, 12.706205, 5e-7);
    ck_assert_double_eq(st.min, 1);
    ck_assert_double_eq(st.max, 3);

    /* Ten values: mean 0.55, sd 0.30277, t(0.975, 9) = 2.262157. */
    double ten[10];
    for (int i = 0; i < 10; i++) {
        ten[i] = 0.1 * (i + 1);
    }
    nvo_stat_compute(ten, 10, &st);
    ck_assert_double_eq_tol(st.mean, 0.55, 1e-15);
    ck_assert_double_eq_tol(st.sd, sqrt(55.0 / 6) / 10, 1e-15);
    ck_assert_double_eq_tol(st.ci95, 2.2621571628 * st.sd / sqrt(10), 1e-10);

    /* Equal values: sd exactly 0, even where the sum rounds. */
    const double same[] = { 0.1, 0.1, 0.1 };
    nvo_stat_compute(same, 3, &st);
    ck_assert(st.mean == 0.1);
    ck_assert(st.sd == 0);
    ck_assert(st.ci95 == 0);

    /* Large offset: no cancellation. */
    const double big[] = { 1e9 + 1, 1e9 + 2, 1e9 + 3 };
    nvo_stat_compute(big, 3, &st);
    ck_assert_double_eq_tol(st.sd, 1, 1e-12);

    const double one[] = { 7 };
    nvo_stat_compute(one, 1, &st);
    ck_assert_uint_eq(st.n, 1);
    ck_assert_double_eq(st.mean, 7);
    ck_assert(isnan(st.sd) && isnan(st.ci95));
    ck_assert_double_eq(st.min, 7);

    nvo_stat_compute(NULL, 0, &st);
    ck_assert_uint_eq(st.n, 0);
    ck_assert(isnan(st.mean) && isnan(st.min) && isnan(st.max));
}
END_TEST

START_TEST(t_quantiles)
{
    /* Student's t quantiles, computed to 12 digits with mpmath (they agree
     * with the printed tables, e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2). */
    static const struct {
        double p, df, t;
    } cases[] = {
        { 0.975, 1, 12.7062047362 }, { 0.975, 2, 4.30265272975 },
        { 0.975, 3, 3.18244630528 }, { 0.975, 4, 2.7764451052 },
        { 0.975, 5, 2.57058183564 }, { 0.975, 7, 2.36462425159 },
        { 0.975, 10, 2.22813885199 }, { 0.975, 15, 2.13144954556 },
        { 0.975, 20, 2.08596344727 }, { 0.975, 30, 2.0422724563 },
        { 0.975, 31, 2.0395134464 }, { 0.975, 50, 2.0085591121 },
        { 0.975, 100, 1.98397151852 }, { 0.975, 1000, 1.96233908083 },
        { 0.975, 100000, 1.95998770753 },
        { 0.995, 1, 63.6567411629 }, { 0.995, 2, 9.92484320092 },
        { 0.995, 3, 5.84090930973 }, { 0.995, 5, 4.03214298356 },
        { 0.995, 10, 3.16927267262 }, { 0.995, 30, 2.74999565357 },
        { 0.995, 100, 2.62589052144 }, { 0.995, 1000, 2.58075469807 },
        { 0.95, 1, 6.31375151468 }, { 0.95, 2, 2.91998558035 },
        { 0.95, 4, 2.13184678633 }, { 0.95, 7, 1.89457860509 },
        { 0.95, 20, 1.72471824292 }, { 0.95, 31, 1.69551878255 },
        { 0.9, 1, 3.07768353718 }, { 0.9, 3, 1.6377443537 },
        { 0.9, 15, 1.34060560785 }, { 0.9, 100, 1.29007476135 },
        { 0.9, 100000, 1.28156003145 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        double t = nvo_t_quantile(cases[i].p, cases[i].df);
        ck_assert_msg(rel(t, cases[i].t) < 1e-10,
                      "t(%g, %g) = %.12g, expected %.12g", cases[i].p,
                      cases[i].df, t, cases[i].t);
        /* Symmetry, and the CDF inverts it. */
        double lo = nvo_t_quantile(1 - cases[i].p, cases[i].df);
        ck_assert_msg(rel(-lo, cases[i].t) < 1e-9, "t(%g, %g) = %.12g",
                      1 - cases[i].p, cases[i].df, lo);
        ck_assert_double_eq_tol(nvo_t_cdf(t, cases[i].df), cases[i].p,
                                1e-13);
    }
    /* Every df from 1 to 400: the CDF inverts the quantile. */
    for (int df = 1; df <= 400; df++) {
        double t = nvo_t_quantile(0.975, df);
        ck_assert_msg(fabs(nvo_t_cdf(t, df) - 0.975) < 1e-13, "df %d", df);
        ck_assert_msg(t > 1.959963 && (df == 1 || t < nvo_t_quantile(0.975,
                                                                     df - 1)),
                      "df %d: %.12g", df, t);
    }
    /* Non-integer df, the far tail, and the normal limit. */
    double t = nvo_t_quantile(0.975, 2.5);
    ck_assert_double_eq_tol(nvo_t_cdf(t, 2.5), 0.975, 1e-13);
    t = nvo_t_quantile(1e-9, 5);
    ck_assert_double_eq_tol(nvo_t_cdf(t, 5) / 1e-9, 1, 1e-9);
    ck_assert(rel(nvo_t_quantile(0.975, 1e9), 1.959963984540054) < 1e-8);
    ck_assert(rel(nvo_t_quantile(0.975, 2e7), 1.959963984540054) < 1e-7);
    ck_assert_double_eq(nvo_t_quantile(0.5, 3), 0);
    ck_assert(isnan(nvo_t_quantile(0, 3)) && isnan(nvo_t_quantile(1, 3))
              && isnan(nvo_t_quantile(0.9, 0)));
    ck_assert_double_eq_tol(nvo_t_cdf(0, 7), 0.5, 1e-15);

    ck_assert(rel(nvo_normal_quantile(0.975), 1.959963984540054) < 1e-14);
    ck_assert(rel(nvo_normal_quantile(0.5 + 1e-6), 2.506628275e-6) < 1e-8);
    ck_assert(rel(nvo_normal_quantile(1e-10), -6.361340902404056) < 1e-12);
}
END_TEST

START_TEST(numbers_and_units)
{
    double x;
    static const char *const good[] = { "0", "-1.5", "2e-3", "+7", ".5",
                                        "1E6" };
    for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
        ck_assert_msg(nvo_summary_parse_number(good[i], &x), "%s", good[i]);
    }
    static const char *const bad[] = { "", " 1", "1 ", "0x10", "inf", "nan",
                                       "2d7908b2b819a5ff", "e5", "1e999",
                                       "crc32", "-", "." };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        ck_assert_msg(!nvo_summary_parse_number(bad[i], &x), "%s", bad[i]);
    }
    ck_assert_str_eq(nvo_metric_unit("latency_p99_us"), "µs");
    ck_assert_str_eq(nvo_metric_unit("sim_time_s"), "s");
    ck_assert_str_eq(nvo_metric_unit("leaf_up_jain"), "Jain's index");
    ck_assert_str_eq(nvo_metric_unit("drop_rate"), "fraction");
    ck_assert_str_eq(nvo_metric_unit("spine_up_max_over_mean"), "max / mean");
    ck_assert_str_eq(nvo_metric_unit("frames_dropped"), "count");
    ck_assert_str_eq(nvo_metric_unit("rate_pps"), "packet/s");
    ck_assert_str_eq(nvo_metric_unit("traffic.flows.arrival.load"),
                     "fraction of the access link rate");
    ck_assert_ptr_null(nvo_metric_unit("underlay.ecmp.function"));

    /* Bounds: what the bars are clipped to. */
    static const struct {
        const char *name;
        bool bounded;
        double lo, hi;
    } bounds[] = {
        { "fct_mean_us", true, 0, INFINITY },
        { "sim_time_s", true, 0, INFINITY },
        { "frames_dropped", true, 0, INFINITY },
        { "flows_completed", true, 0, INFINITY },
        { "events", true, 0, INFINITY },
        { "rate_bps", true, 0, INFINITY },
        { "hello_pps", true, 0, INFINITY },
        { "drop_rate", true, 0, 1 },
        { "spine_up_jain", true, 0, 1 },
        { "leaf_up_max_over_mean", true, 1, INFINITY },
        { "underlay.ecmp.function", false, -INFINITY, INFINITY },
        { "fingerprint", false, -INFINITY, INFINITY },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bounds); i++) {
        double lo = 7, hi = 7;
        ck_assert_msg(nvo_metric_bounds(bounds[i].name, &lo, &hi)
                      == bounds[i].bounded, "%s", bounds[i].name);
        ck_assert_msg(lo == bounds[i].lo && hi == bounds[i].hi,
                      "%s: [%g, %g]", bounds[i].name, lo, hi);
    }
}
END_TEST

/* ---- sweeps ---- */

/* Out of order, with a missing value, a quoted value and a fingerprint. */
static const char sweep_text[] =
    "point,underlay.ecmp.function,traffic.flows.arrival.load,seed,run,"
    "latency_p99_us,drop_rate,fingerprint,wall_s\n"
    "2,crc32,0.5,1,1,10,0.5,00ab,0.1\n"
    "1,\"crc,16\",0.3,1,2,3,0,1234,0.1\n"
    "1,\"crc,16\",0.3,1,1,1,0,ffff,0.1\n"
    "2,crc32,0.5,1,3,20,,0001,0.1\n"
    "1,\"crc,16\",0.3,1,3,5,0,0002,0.1\n"
    "2,crc32,0.5,1,2,30,0.25,0003,0.1\n";

START_TEST(sweep_group)
{
    struct nvo_summary *sw = sweep_ok(sweep_text);
    ck_assert_uint_eq(sw->n_rows, 6);
    ck_assert_uint_eq(sw->n_paths, 2);
    ck_assert_str_eq(sw->paths[0], "underlay.ecmp.function");
    ck_assert_str_eq(sw->paths[1], "traffic.flows.arrival.load");
    ck_assert_uint_eq(sw->n_metrics, 3);
    ck_assert_str_eq(sw->metrics[0], "latency_p99_us");
    ck_assert_str_eq(sw->metrics[1], "drop_rate");
    ck_assert_str_eq(sw->metrics[2], "wall_s");
    ck_assert_str_eq(sw->others[0], "fingerprint");
    ck_assert_ptr_null(sw->others[1]);
    ck_assert_uint_eq(sw->n_points, 2);

    const struct nvo_summary_point *p1 = &sw->points[0], *p2 = &sw->points[1];
    ck_assert_uint_eq(p1->point, 1);
    ck_assert_uint_eq(p1->line, 3);
    ck_assert_str_eq(p1->values[0], "crc,16");
    ck_assert_str_eq(p1->values[1], "0.3");
    ck_assert_uint_eq(p1->n_runs, 3);
    ck_assert_uint_eq(p1->stats[0].n, 3);
    ck_assert_double_eq_tol(p1->stats[0].mean, 3, 1e-15);
    ck_assert_double_eq_tol(p1->stats[0].sd, 2, 1e-15);
    ck_assert_double_eq_tol(p1->stats[0].ci95, 4.30265272975 * 2 / sqrt(3),
                            1e-10);
    ck_assert(p1->stats[1].sd == 0);

    ck_assert_uint_eq(p2->point, 2);
    ck_assert_uint_eq(p2->n_runs, 3);
    ck_assert_double_eq_tol(p2->stats[0].mean, 20, 1e-14);
    ck_assert_double_eq_tol(p2->stats[0].sd, 10, 1e-14);
    /* The empty drop_rate is missing, not zero. */
    ck_assert_uint_eq(p2->stats[1].n, 2);
    ck_assert_double_eq_tol(p2->stats[1].mean, 0.375, 1e-15);
    ck_assert_double_eq_tol(p2->stats[1].ci95,
                            12.7062047362 * sqrt(0.03125) / sqrt(2), 1e-9);
    ck_assert_double_eq(p2->stats[1].min, 0.25);
    ck_assert_double_eq(p2->stats[1].max, 0.5);

    GError *error = NULL;
    ck_assert_int_eq(nvo_summary_metric_index(sw, "drop_rate", &error), 1);
    ck_assert_int_eq(nvo_summary_metric_index(sw, "fingerprint", &error), -1);
    ck_assert_str_eq(error->message, "t.csv: column \"fingerprint\" is not a "
                     "numeric metric (metrics: latency_p99_us, drop_rate, "
                     "wall_s)");
    g_clear_error(&error);
    ck_assert_int_eq(nvo_summary_metric_index(sw, "underlay.ecmp.function",
                                            &error), -1);
    ck_assert_str_eq(error->message, "t.csv: \"underlay.ecmp.function\" is a "
                     "varied path, not a metric (metrics: latency_p99_us, "
                     "drop_rate, wall_s)");
    g_clear_error(&error);
    ck_assert_int_eq(nvo_summary_metric_index(sw, "nope", &error), -1);
    ck_assert_str_eq(error->message, "t.csv: no metric \"nope\" (metrics: "
                     "latency_p99_us, drop_rate, wall_s)");
    g_clear_error(&error);
    nvo_summary_destroy(sw);
}
END_TEST

START_TEST(sweep_stats_csv)
{
    struct nvo_summary *sw = sweep_ok(sweep_text);
    char *text = nvo_summary_stats_csv(sw);
    ck_assert_str_eq(text,
        "point,underlay.ecmp.function,traffic.flows.arrival.load,"
        "latency_p99_us_n,latency_p99_us_mean,latency_p99_us_sd,"
        "latency_p99_us_ci95,latency_p99_us_min,latency_p99_us_max,"
        "drop_rate_n,drop_rate_mean,drop_rate_sd,drop_rate_ci95,"
        "drop_rate_min,drop_rate_max,"
        "wall_s_n,wall_s_mean,wall_s_sd,wall_s_ci95,wall_s_min,wall_s_max\n"
        "1,\"crc,16\",0.3,3,3,2,4.968275424,1,5,3,0,0,0,0,0,"
        "3,0.1,0,0,0.1,0.1\n"
        "2,crc32,0.5,3,20,10,24.84137712,10,30,2,0.375,0.1767766953,"
        "1.588275592,0.25,0.5,3,0.1,0,0,0.1,0.1\n");
    g_free(text);

    /* Written through a temporary name; an unwritable place says why. */
    char *dir = nvo_test_tmpdir("summarize");
    char *path = g_build_filename(dir, "summary-stats.csv", NULL);
    GError *error = NULL;
    ck_assert_int_eq(nvo_summary_write_stats(sw, path, &error), 0);
    ck_assert(g_file_test(path, G_FILE_TEST_IS_REGULAR));
    char *tmp = g_strconcat(path, ".tmp", NULL);
    ck_assert(!g_file_test(tmp, G_FILE_TEST_EXISTS));
    ck_assert_int_eq(nvo_summary_write_stats(sw, "/nonexistent/s.csv", &error),
                     ENOENT);
    ck_assert_str_eq(error->message, "/nonexistent/s.csv: cannot write: No "
                                     "such file or directory");
    g_error_free(error);

    /* nvo_summary_load() takes the directory or the file. */
    char *csv = g_build_filename(dir, "sweep.csv", NULL);
    ck_assert(g_file_set_contents(csv, sweep_text, -1, NULL));
    struct nvo_summary *a = nvo_summary_load(dir, NULL);
    struct nvo_summary *b = nvo_summary_load(csv, NULL);
    ck_assert(a && b);
    ck_assert_str_eq(a->file, csv);
    ck_assert_uint_eq(a->n_points, 2);
    ck_assert_uint_eq(b->n_points, 2);
    nvo_summary_destroy(a);
    nvo_summary_destroy(b);
    g_free(csv);
    g_free(tmp);
    g_free(path);
    nvo_test_rmdir(dir);
    nvo_summary_destroy(sw);
}
END_TEST

/* Runs without a sample of a metric (no completed flow: no FCT; nothing
 * offered: no drop rate) leave its cell empty. */
static const char sparse_text[] =
    "point,traffic.flows.arrival.load,seed,run,fct_mean_us,drop_rate,"
    "leaf_up_jain,fingerprint\n"
    "1,0.1,1,1,10,0,0.98,aa\n"
    "1,0.1,1,2,,0,0.99,ab\n"
    "1,0.1,1,3,20,0,1,ac\n"
    "1,0.1,1,4,,0,0.97,ad\n"
    "2,0.4,1,1,,0.5,0.9,ba\n"
    "2,0.4,1,2,,0.25,0.9,bb\n"
    "3,0.8,1,1,7.5,,0.5,ca\n";

START_TEST(sweep_missing_cells)
{
    struct nvo_summary *sw = sweep_ok(sparse_text);
    ck_assert_uint_eq(sw->n_metrics, 3);
    /* The mean of the values present, and their number. */
    const struct nvo_stat *fct1 = &sw->points[0].stats[0];
    ck_assert_uint_eq(sw->points[0].n_runs, 4);
    ck_assert_uint_eq(fct1->n, 2);
    ck_assert(fct1->mean == 15);
    ck_assert(fct1->sd == sqrt(50));
    ck_assert(fct1->min == 10 && fct1->max == 20);
    ck_assert_double_eq_tol(fct1->ci95, 12.7062047362 * 5, 1e-9);
    ck_assert_uint_eq(sw->points[0].stats[1].n, 4);
    ck_assert(sw->points[0].stats[1].mean == 0);
    const struct nvo_stat *fct2 = &sw->points[1].stats[0];
    ck_assert_uint_eq(fct2->n, 0);
    ck_assert(isnan(fct2->mean) && isnan(fct2->ci95) && isnan(fct2->min));
    ck_assert_uint_eq(sw->points[2].stats[0].n, 1);
    ck_assert(sw->points[2].stats[0].mean == 7.5);
    ck_assert(isnan(sw->points[2].stats[0].ci95));
    ck_assert_uint_eq(sw->points[2].stats[1].n, 0);

    /* The printed table says n per point and metric. */
    const int shown[] = { 0, 1 };
    char *table = nvo_summary_table(sw, shown, 2);
    ck_assert_str_eq(table,
        "point  traffic.flows.arrival.load  runs  fct_mean_us    "
        "drop_rate\n"
        "1      0.1                         4     15 ± 64 (n=2)  "
        "0 ± 0 (n=4)\n"
        "2      0.4                         2     - (n=0)        "
        "0.375 ± 1.6 (n=2)\n"
        "3      0.8                         1     7.5 (n=1)      "
        "- (n=0)\n");
    g_free(table);

    /* summary-stats.csv: n, and empty statistics where undefined. */
    char *csv = nvo_summary_stats_csv(sw);
    char **lines = g_strsplit(csv, "\n", -1);
    ck_assert_uint_eq(g_strv_length(lines), 5);
    ck_assert(g_str_has_prefix(lines[0], "point,traffic.flows.arrival.load,"
                               "fct_mean_us_n,fct_mean_us_mean,"
                               "fct_mean_us_sd,fct_mean_us_ci95,"
                               "fct_mean_us_min,fct_mean_us_max,"
                               "drop_rate_n,"));
    ck_assert_msg(g_str_has_prefix(lines[1], "1,0.1,2,15,7.071067812,"
                                   "63.53102368,10,20,4,0,0,0,0,0,"),
                  "%s", lines[1]);
    ck_assert_msg(g_str_has_prefix(lines[2], "2,0.4,0,,,,,,2,0.375,"),
                  "%s", lines[2]);
    ck_assert_msg(g_str_has_prefix(lines[3], "3,0.8,1,7.5,,,7.5,7.5,0,,,,,,"),
                  "%s", lines[3]);
    g_strfreev(lines);
    g_free(csv);
    nvo_summary_destroy(sw);

    /* A column no run has a value in is a metric missing everywhere. */
    sw = sweep_ok("point,x,seed,run,spine_up_jain,fingerprint\n"
                  "1,a,1,1,,00\n1,a,1,2,,01\n");
    ck_assert_uint_eq(sw->n_metrics, 1);
    ck_assert_str_eq(sw->metrics[0], "spine_up_jain");
    ck_assert_uint_eq(sw->points[0].stats[0].n, 0);
    ck_assert(isnan(sw->points[0].stats[0].mean));
    table = nvo_summary_table(sw, shown, 1);
    ck_assert_str_eq(table, "point  x  runs  spine_up_jain\n"
                            "1      a  2     - (n=0)\n");
    g_free(table);
    nvo_summary_destroy(sw);
}
END_TEST

START_TEST(sweep_malformed)
{
    check_sweep_error("pt,x,seed,run,m\n1,a,1,1,2\n",
                      "t.csv:1: no \"point\" column in the header (a "
                      "sweep.csv header is: point, the varied paths, seed, "
                      "run, then the metrics)");
    check_sweep_error("\npoint,x,run,m\n1,a,1,2\n",
                      "t.csv:2: no \"seed\" column in the header (a "
                      "sweep.csv header is: point, the varied paths, seed, "
                      "run, then the metrics)");
    check_sweep_error("point,x,seed,m\n1,a,1,2\n",
                      "t.csv:1: no \"run\" column in the header (a "
                      "sweep.csv header is: point, the varied paths, seed, "
                      "run, then the metrics)");
    check_sweep_error("point,x,run,seed,m\n1,a,1,1,2\n",
                      "t.csv:1: the header has point, seed and run out of "
                      "order (a sweep.csv header is: point, the varied "
                      "paths, seed, run, then the metrics)");
    check_sweep_error("point,x,seed,run,m,x\n1,a,1,1,2,3\n",
                      "t.csv:1: column \"x\" appears twice in the header "
                      "(columns 2 and 6)");
    check_sweep_error("point,x,seed,run,m\n",
                      "t.csv: no runs yet: the file has only its header");
    /* A newline inside a quoted value would end a gnuplot command. */
    check_sweep_error("point,x,seed,run,m\n1,\"a\n!touch /tmp/x\",1,1,2\n",
                      "t.csv:2: field 2 holds a control character (0x0a): "
                      "names and values must be printable");
    check_sweep_error("point,\"x\ty\",seed,run,m\n1,a,1,1,2\n",
                      "t.csv:1: field 2 holds a control character (0x09): "
                      "names and values must be printable");
    check_sweep_error("point,x,seed,run,m\n1,a,1,1,2\n0,a,1,2,2\n",
                      "t.csv:3: point \"0\": expected a whole number >= 1");
    check_sweep_error("point,x,seed,run,m\n1,a,1,1,2\n-1,a,1,2,2\n",
                      "t.csv:3: point \"-1\": expected a whole number >= 1");
    check_sweep_error("point,x,seed,run,m\n1.5,a,1,1,2\n",
                      "t.csv:2: point \"1.5\": expected a whole number >= 1");
    check_sweep_error("point,x,seed,run,m\n1,a,1,1,2\n2,b,1,1,2\n1,c,1,2,2\n",
                      "t.csv:4: point 1 has x=c here but x=a on line 2");
    check_sweep_error("point,x,seed,run,m\n1,a,1,1,2\n1,a,1,2,2\n1,a,1,1,3\n",
                      "t.csv:4: point 1, seed 1, run 1 is repeated (first on "
                      "line 2)");
    /* No varied path at all is fine: one point, replications only. */
    struct nvo_summary *sw = sweep_ok("point,seed,run,m\n1,1,1,2\n1,1,2,4\n");
    ck_assert_uint_eq(sw->n_paths, 0);
    ck_assert_uint_eq(sw->n_points, 1);
    ck_assert_double_eq_tol(sw->points[0].stats[0].mean, 3, 1e-15);
    nvo_summary_destroy(sw);
}
END_TEST

START_TEST(sweep_where)
{
    struct nvo_summary *sw = sweep_ok(sweep_text);
    GError *error = NULL;
    ck_assert_int_eq(nvo_summary_filter(sw, "traffic.flows.arrival.load=0.50",
                                      &error), 0);
    ck_assert_uint_eq(sw->n_points, 1);
    ck_assert_uint_eq(sw->points[0].point, 2);
    nvo_summary_destroy(sw);

    sw = sweep_ok(sweep_text);
    ck_assert_int_eq(nvo_summary_filter(sw, "underlay.ecmp.function=crc,16",
                                      &error), 0);
    ck_assert_uint_eq(sw->n_points, 1);
    ck_assert_uint_eq(sw->points[0].point, 1);
    nvo_summary_destroy(sw);

    static const struct {
        const char *filter, *message;
    } bad[] = {
        { "underlay.ecmp.function", "--where underlay.ecmp.function: "
          "expected PATH=VALUE" },
        { "run.seed=1", "--where run.seed=1: run.seed is not a varied path "
          "of t.csv (varied: underlay.ecmp.function, "
          "traffic.flows.arrival.load)" },
        { "underlay.ecmp.function=toeplitz", "--where "
          "underlay.ecmp.function=toeplitz: no point has "
          "underlay.ecmp.function=toeplitz (values: crc,16, crc32)" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        sw = sweep_ok(sweep_text);
        ck_assert_int_eq(nvo_summary_filter(sw, bad[i].filter, &error),
                         EINVAL);
        ck_assert_str_eq(error->message, bad[i].message);
        g_clear_error(&error);
        nvo_summary_destroy(sw);
    }
}
END_TEST

/* ---- plots ---- */

/* A sweep directory: x = hash (categories) or load (numbers), by = seed
 * mode, 3 runs per point, metrics latency_p99_us and leaf_up_jain. */
static char *
plot_sweep_dir(void)
{
    char *dir = nvo_test_tmpdir("plot");
    GString *s = g_string_new("point,underlay.ecmp.function,"
                              "underlay.ecmp.seed,traffic.flows.arrival.load,"
                              "seed,run,latency_p99_us,leaf_up_jain,"
                              "fingerprint\n");
    static const char *const fns[] = { "crc32", "toeplitz", "random" };
    static const char *const seeds[] = { "fabric", "per-switch" };
    static const char *const loads[] = { "0.1", "0.4" };
    unsigned point = 0;
    for (size_t f = 0; f < 3; f++) {
        for (size_t k = 0; k < 2; k++) {
            for (size_t l = 0; l < 2; l++) {
                point++;
                for (int r = 1; r <= 3; r++) {
                    g_string_append_printf(
                        s, "%u,%s,%s,%s,1,%d,%g,%g,%04x\n", point, fns[f],
                        seeds[k], loads[l], r, 5.0 * (l + 1) + r + f,
                        0.6 + 0.1 * (double) f + 0.01 * r - 0.05 * k,
                        point * 10 + r);
                }
            }
        }
    }
    char *path = g_build_filename(dir, "sweep.csv", NULL);
    ck_assert(g_file_set_contents(path, s->str, (gssize) s->len, NULL));
    g_free(path);
    g_string_free(s, TRUE);
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

START_TEST(plot_categories)
{
    require_gnuplot();
    char *dir = plot_sweep_dir();
    const char *where[] = { "traffic.flows.arrival.load=0.4" };
    struct nvo_plot_opts o = {
        .sweep = dir, .x = "underlay.ecmp.function", .y = "leaf_up_jain",
        .by = "underlay.ecmp.seed", .where = where, .n_where = 1,
    };
    struct nvo_plot_result res;
    GError *error = NULL;
    int rc = nvo_plot(&o, &res, &error);
    ck_assert_msg(rc == 0, "%s", error ? error->message : "?");
    ck_assert_uint_eq(res.n_series, 2);
    ck_assert_uint_eq(res.n_points, 6);
    char *png = g_build_filename(dir, "plot-leaf_up_jain-vs-underlay.ecmp."
                                 "function-by-underlay.ecmp.seed.png", NULL);
    ck_assert_str_eq(res.png, png);
    check_image(res.png, "\x89PNG\r\n\x1a\n", 8);
    check_image(res.svg, "<svg", 0);
    char *svg = NULL;
    ck_assert(g_file_get_contents(res.svg, &svg, NULL, NULL));
    ck_assert_msg(strstr(svg, "underlay.ecmp.seed=per-switch")
                  && strstr(svg, "toeplitz")
                  && strstr(svg, "leaf_up_jain (Jain's index)"),
                  "the SVG lacks the legend, tics or axis label");
    g_free(svg);

    /* The data: categories in grid order, one block per series; point 4 is
     * crc32, per-switch, load 0.4: jain 0.56, 0.57, 0.58. */
    char *data = NULL;
    ck_assert(g_file_get_contents(res.data, &data, NULL, NULL));
    ck_assert_msg(strstr(data, "# x is the index of a category: 0=crc32 "
                               "1=toeplitz 2=random\n"), "%s", data);
    char *block = strstr(data, "# index 1: underlay.ecmp.seed=per-switch\n");
    ck_assert_ptr_nonnull(block);
    double half = 4.30265272975 * 0.01 / sqrt(3);
    char *line = g_strdup_printf("0 0.57 %.10g %.10g %.10g 3 4\n",
                                 0.57 - half, 0.57 + half, half);
    ck_assert_msg(strstr(block, line), "%s", block);
    g_free(line);
    g_free(data);
    ck_assert(g_file_test(res.script, G_FILE_TEST_IS_REGULAR));
    char *tmp = g_strconcat(res.png, ".tmp", NULL);
    ck_assert(!g_file_test(tmp, G_FILE_TEST_EXISTS));
    g_free(tmp);
    nvo_plot_result_clear(&res);
    g_free(png);
    nvo_test_rmdir(dir);
}
END_TEST

/* An SVG that cannot be put in place is named in the error, and the PNG
 * of the same plot is not left behind. */
START_TEST(plot_svg_unwritable)
{
    require_gnuplot();
    char *dir = plot_sweep_dir();
    const char *where[] = { "traffic.flows.arrival.load=0.4" };
    struct nvo_plot_opts o = {
        .sweep = dir, .x = "underlay.ecmp.function", .y = "leaf_up_jain",
        .by = "underlay.ecmp.seed", .where = where, .n_where = 1,
    };
    char *base = g_build_filename(dir, "plot-leaf_up_jain-vs-underlay.ecmp."
                                  "function-by-underlay.ecmp.seed", NULL);
    char *svg = g_strconcat(base, ".svg", NULL);
    char *png = g_strconcat(base, ".png", NULL);
    ck_assert_int_eq(mkdir(svg, 0755), 0);   /* rename() onto it fails */
    struct nvo_plot_result res;
    GError *error = NULL;
    int rc = nvo_plot(&o, &res, &error);
    ck_assert_int_ne(rc, 0);
    ck_assert_ptr_nonnull(error);
    char *expect = g_strconcat(svg, ": cannot write: ", NULL);
    ck_assert_msg(g_str_has_prefix(error->message, expect), "%s",
                  error->message);
    ck_assert(!g_file_test(png, G_FILE_TEST_EXISTS));
    g_free(expect);
    g_error_free(error);
    nvo_plot_result_clear(&res);
    ck_assert_int_eq(rmdir(svg), 0);
    g_free(png);
    g_free(svg);
    g_free(base);
    nvo_test_rmdir(dir);
}
END_TEST

START_TEST(plot_numeric)
{
    require_gnuplot();
    char *dir = plot_sweep_dir();
    char *out = g_build_filename(dir, "lat", NULL);
    const char *where[] = { "underlay.ecmp.function=random",
                            "underlay.ecmp.seed=fabric" };
    struct nvo_plot_opts o = {
        .sweep = dir, .x = "traffic.flows.arrival.load",
        .y = "latency_p99_us", .where = where, .n_where = 2, .logx = true,
        .logy = true, .out = out, .title = "p99 latency",
        .width = 640, .height = 400,
    };
    struct nvo_plot_result res;
    GError *error = NULL;
    int rc = nvo_plot(&o, &res, &error);
    ck_assert_msg(rc == 0, "%s", error ? error->message : "?");
    ck_assert_uint_eq(res.n_series, 1);
    ck_assert_uint_eq(res.n_points, 2);
    char *name = g_strconcat(out, ".png", NULL);
    ck_assert_str_eq(res.png, name);
    g_free(name);
    name = g_build_filename(dir, "lat.dat", NULL);
    ck_assert_str_eq(res.data, name);
    g_free(name);
    check_image(res.png, "\x89PNG\r\n\x1a\n", 8);
    check_image(res.svg, "<svg", 0);
    char *gp = NULL;
    ck_assert(g_file_get_contents(res.script, &gp, NULL, NULL));
    ck_assert(strstr(gp, "set logscale x\n") && strstr(gp, "set logscale y\n")
              && strstr(gp, "set title 'p99 latency'\n")
              && strstr(gp, "set ylabel 'latency_p99_us (µs)'\n"));
    g_free(gp);
    nvo_plot_result_clear(&res);
    g_free(out);
    nvo_test_rmdir(dir);
}
END_TEST

START_TEST(plot_clipped_bars)
{
    require_gnuplot();
    char *dir = nvo_test_tmpdir("plot");
    char *path = g_build_filename(dir, "sweep.csv", NULL);
    ck_assert(g_file_set_contents(path, sparse_text, -1, NULL));
    g_free(path);
    struct nvo_plot_opts o = {
        .sweep = dir, .x = "traffic.flows.arrival.load", .y = "fct_mean_us",
    };
    struct nvo_plot_result res;
    GError *error = NULL;
    int rc = nvo_plot(&o, &res, &error);
    ck_assert_msg(rc == 0, "%s", error ? error->message : "?");
    ck_assert_uint_eq(res.n_points, 3);
    char *data = NULL;
    ck_assert(g_file_get_contents(res.data, &data, NULL, NULL));
    /* 15 -+ 63.5 is clipped below at 0, no FCT being negative; the point
     * with no FCT at all is missing; one value has no interval. */
    double half = nvo_t_quantile(0.975, 1) * sqrt(50) / sqrt(2);
    char *want = g_strdup_printf(
        "# the bars are clipped to [0, inf], the values fct_mean_us can "
        "take\n"
        "0.1 15 0 %.10g %.10g 2 1\n"
        "0.4 NaN NaN NaN NaN 0 2\n"
        "0.8 7.5 7.5 7.5 0 1 3\n", 15 + half, half);
    ck_assert_msg(strstr(data, want), "%s", data);
    g_free(want);
    g_free(data);
    char *gp = NULL;
    ck_assert(g_file_get_contents(res.script, &gp, NULL, NULL));
    ck_assert_msg(strstr(gp, "data index 0 using 1:2:3:4 ")
                  && strstr(gp, "n = 0-2 per point"), "%s", gp);
    g_free(gp);
    nvo_plot_result_clear(&res);

    /* Jain's index: clipped above at 1 (0.985 + 0.0205). */
    o.y = "leaf_up_jain";
    rc = nvo_plot(&o, &res, &error);
    ck_assert_msg(rc == 0, "%s", error ? error->message : "?");
    ck_assert(g_file_get_contents(res.data, &data, NULL, NULL));
    const double x[] = { 0.98, 0.99, 1, 0.97 };
    struct nvo_stat st;
    nvo_stat_compute(x, 4, &st);
    ck_assert(st.mean + st.ci95 > 1);
    want = g_strdup_printf("0.1 %.10g %.10g 1 %.10g 4 1\n"
                           "0.4 0.9 0.9 0.9 0 2 2\n", st.mean,
                           st.mean - st.ci95, st.ci95);
    ck_assert_msg(strstr(data, want), "%s", data);
    g_free(want);
    g_free(data);
    nvo_plot_result_clear(&res);
    nvo_test_rmdir(dir);
}
END_TEST

START_TEST(plot_errors)
{
    char *dir = plot_sweep_dir();
    char *csv = g_build_filename(dir, "sweep.csv", NULL);
    const char *w_load[] = { "traffic.flows.arrival.load=0.1" };
    const char *w_both[] = { "traffic.flows.arrival.load=0.1",
                             "underlay.ecmp.seed=fabric" };
    static const char *const metrics =
        "(metrics: latency_p99_us, leaf_up_jain)";
    struct {
        struct nvo_plot_opts o;
        char *message;
    } cases[] = {
        { { .sweep = dir, .x = "underlay.ecmp.function", .y = "nope",
            .by = "underlay.ecmp.seed", .where = w_load, .n_where = 1 },
          g_strdup_printf("-y nope: %s: no metric \"nope\" %s", csv,
                          metrics) },
        { { .sweep = dir, .x = "underlay.ecmp.function", .y = "fingerprint",
            .where = w_both, .n_where = 2 },
          g_strdup_printf("-y fingerprint: %s: column \"fingerprint\" is not "
                          "a numeric metric %s", csv, metrics) },
        { { .sweep = dir, .x = "leaf_up_jain", .y = "latency_p99_us" },
          g_strdup_printf("-x leaf_up_jain: not a varied path of %s (varied: "
                          "underlay.ecmp.function, underlay.ecmp.seed, "
                          "traffic.flows.arrival.load)", csv) },
        { { .sweep = dir, .x = "underlay.ecmp.function", .y = "leaf_up_jain",
            .by = "underlay.ecmp.function" },
          g_strdup("--by underlay.ecmp.function: already the x axis "
                   "(varied: underlay.ecmp.function, underlay.ecmp.seed, "
                   "traffic.flows.arrival.load)") },
        { { .sweep = dir, .x = "underlay.ecmp.function",
            .y = "leaf_up_jain" },
          g_strdup_printf("%s: besides underlay.ecmp.function, these paths "
                          "vary: underlay.ecmp.seed (fabric, per-switch); "
                          "traffic.flows.arrival.load (0.1, 0.4); draw one "
                          "line per value with --by PATH, or keep one value "
                          "with --where PATH=VALUE", csv) },
        { { .sweep = dir, .x = "underlay.ecmp.function", .y = "leaf_up_jain",
            .by = "underlay.ecmp.seed" },
          g_strdup_printf("%s: besides underlay.ecmp.function and "
                          "underlay.ecmp.seed, these paths vary: "
                          "traffic.flows.arrival.load (0.1, 0.4); draw one "
                          "line per value with --by PATH (instead of the one "
                          "given), or keep one value with --where "
                          "PATH=VALUE", csv) },
        { { .sweep = dir, .x = "underlay.ecmp.function", .y = "leaf_up_jain",
            .by = "underlay.ecmp.seed", .where = w_load, .n_where = 1,
            .logx = true },
          g_strdup("--logx: the values of underlay.ecmp.function are not all "
                   "numbers (crc32)") },
        { { .sweep = dir, .x = "underlay.ecmp.function", .y = "leaf_up_jain",
            .by = "underlay.ecmp.seed", .where = w_load, .n_where = 1,
            .gnuplot = "/nonexistent/gnuplot" },
          NULL },       /* below */
        { { .sweep = "/nonexistent", .x = "a", .y = "b" },
          g_strdup("/nonexistent: cannot read: No such file or directory") },
    };
    size_t n_cases = G_N_ELEMENTS(cases);
    for (size_t i = 0; i < n_cases; i++) {
        struct nvo_plot_result res;
        GError *error = NULL;
        int rc = nvo_plot(&cases[i].o, &res, &error);
        ck_assert_msg(rc != 0, "case %zu succeeded", i);
        ck_assert_ptr_nonnull(error);
        if (cases[i].message) {
            ck_assert_str_eq(error->message, cases[i].message);
        } else {
            /* No gnuplot: says so, and where the data and script are. */
            char *m = g_strdup_printf(
                "/nonexistent/gnuplot: not found: nvosim plot needs gnuplot "
                "(install it: scripts/setup, or apt-get install gnuplot-nox); "
                "the data and script are in %s and %s", res.data, res.script);
            ck_assert_str_eq(error->message, m);
            ck_assert(g_file_test(res.script, G_FILE_TEST_IS_REGULAR));
            g_free(m);
        }
        g_error_free(error);
        nvo_plot_result_clear(&res);
        g_free(cases[i].message);
    }
    g_free(csv);
    nvo_test_rmdir(dir);
}
END_TEST

static Suite *
summarize_suite(void)
{
    Suite *s = suite_create("summarize");
    TCase *tc = tcase_create("csv");
    tcase_add_test(tc, csv_plain_and_quoted);
    tcase_add_test(tc, csv_malformed);
    tcase_add_test(tc, csv_quote_out);
    tcase_add_test(tc, csv_load_missing);
    tcase_add_test(tc, csv_load_not_regular);
    suite_add_tcase(s, tc);
    tc = tcase_create("stats");
    tcase_add_test(tc, stat_known);
    tcase_add_test(tc, t_quantiles);
    tcase_add_test(tc, numbers_and_units);
    suite_add_tcase(s, tc);
    tc = tcase_create("sweep");
    tcase_add_test(tc, sweep_group);
    tcase_add_test(tc, sweep_stats_csv);
    tcase_add_test(tc, sweep_missing_cells);
    tcase_add_test(tc, sweep_malformed);
    tcase_add_test(tc, sweep_where);
    suite_add_tcase(s, tc);
    tc = tcase_create("plot");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, plot_categories);
    tcase_add_test(tc, plot_numeric);
    tcase_add_test(tc, plot_clipped_bars);
    tcase_add_test(tc, plot_errors);
    tcase_add_test(tc, plot_svg_unwritable);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return nvo_test_run(summarize_suite());
}
