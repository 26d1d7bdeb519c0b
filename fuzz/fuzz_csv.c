/* fuzz_csv.c: libFuzzer harness for the CSV reader of "nvosim summarize"
 * and "plot" (summarize.c: nvo_csv_parse(), nvo_summary_from_csv(),
 * nvo_summary_stats_csv()).
 *
 * Checks: a parse either fails with a "in.csv:LINE: ..." message or gives
 * a header and rows of equal width; writing the parsed fields back with
 * nvo_csv_append_field() and parsing that gives the same fields (except
 * where the format cannot say it: a one-column row or header whose value
 * is empty is an empty line, which the reader skips; a header starting
 * with a second byte order mark loses it).  A CSV that reads as a sweep
 * (point, seed and run columns) gives summary-stats.csv text that
 * parses again, with one row per grid point. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "fuzz_util.h"
#include "analysis/summarize.h"

static GString *
write_back__(const struct nvo_csv *csv, bool *representable)
{
    GString *s = g_string_new(NULL);
    *representable = strncmp(csv->header[0], "\xEF\xBB\xBF", 3) != 0
                     && (csv->n_cols > 1 || csv->header[0][0]);
    for (size_t c = 0; c < csv->n_cols; c++) {
        if (c) {
            g_string_append_c(s, ',');
        }
        nvo_csv_append_field(s, csv->header[c]);
    }
    g_string_append_c(s, '\n');
    for (guint r = 0; r < csv->rows->len; r++) {
        char **row = g_ptr_array_index(csv->rows, r);
        if (csv->n_cols == 1 && !row[0][0]) {
            *representable = false;
        }
        for (size_t c = 0; c < csv->n_cols; c++) {
            if (c) {
                g_string_append_c(s, ',');
            }
            nvo_csv_append_field(s, row[c]);
        }
        g_string_append_c(s, '\n');
    }
    return s;
}

static void
same_or_die__(const struct nvo_csv *a, const struct nvo_csv *b)
{
    bool same = a->n_cols == b->n_cols && a->rows->len == b->rows->len;
    for (size_t c = 0; same && c < a->n_cols; c++) {
        same = !strcmp(a->header[c], b->header[c]);
    }
    for (guint r = 0; same && r < a->rows->len; r++) {
        char **x = g_ptr_array_index(a->rows, r);
        char **y = g_ptr_array_index(b->rows, r);
        for (size_t c = 0; same && c < a->n_cols; c++) {
            same = !strcmp(x[c], y[c]);
        }
    }
    if (!same) {
        fprintf(stderr, "written back, the CSV reads differently\n");
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *error = NULL;
    struct nvo_csv *csv = nvo_csv_parse((const char *) data, size, "in.csv",
                                        &error);
    if (!csv) {
        if (!error || strncmp(error->message, "in.csv:", 7)) {
            fprintf(stderr, "no file:line message: %s\n",
                    error ? error->message : "(none)");
            abort();
        }
        g_error_free(error);
        return 0;
    }
    for (guint r = 0; r < csv->rows->len; r++) {
        char **row = g_ptr_array_index(csv->rows, r);
        if (g_strv_length(row) > csv->n_cols) {
            fprintf(stderr, "row %u is wider than the header\n", r);
            abort();
        }
    }
    bool representable;
    GString *back = write_back__(csv, &representable);
    struct nvo_csv *again = nvo_csv_parse(back->str, back->len, "back.csv",
                                          &error);
    if (!again && representable) {
        fprintf(stderr, "written back, the CSV does not parse: %s\n",
                error->message);
        abort();
    }
    g_clear_error(&error);
    if (again && representable) {
        same_or_die__(csv, again);
    }
    nvo_csv_destroy(again);
    g_string_free(back, TRUE);

    struct nvo_summary *sum = nvo_summary_from_csv(csv, &error);
    if (sum) {
        for (size_t m = 0; m < sum->n_metrics; m++) {
            if (nvo_summary_metric_index(sum, sum->metrics[m], NULL)
                != (int) m) {
                fprintf(stderr, "metric %s not found\n", sum->metrics[m]);
                abort();
            }
        }
        char *stats = nvo_summary_stats_csv(sum);
        struct nvo_csv *sc = nvo_csv_parse(stats, strlen(stats), "stats.csv",
                                           &error);
        if (!sc || sc->rows->len != sum->n_points) {
            fprintf(stderr, "summary-stats.csv: %s\n",
                    sc ? "wrong number of rows" : error->message);
            abort();
        }
        nvo_csv_destroy(sc);
        g_free(stats);
        nvo_summary_destroy(sum);
    } else {
        g_clear_error(&error);
    }
    nvo_csv_destroy(csv);
    return 0;
}
