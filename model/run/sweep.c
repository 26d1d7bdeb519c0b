/* sweep.c: the rows of sweep.csv from the runs' summary.csv files.  See
 * sweep.h and docs/sweeps.md. */
#include "run/sweep.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/sim.h"

/* The index of column 'name' in 'cols', or -1. */
static int
column__(char **cols, const char *name)
{
    for (int i = 0; cols[i]; i++) {
        if (!strcmp(cols[i], name)) {
            return i;
        }
    }
    return -1;
}

char *
nvo_sweep_def_csv_header(const struct nvo_sweep_def *s)
{
    char *head = nvo_sim_summary_header();
    char **cols = g_strsplit(head, ",", -1);
    int run = column__(cols, "run");
    GString *t = g_string_new("point");
    for (guint i = 0; i < s->dims->len; i++) {
        const struct nvo_sweep_dim *d = s->dims->pdata[i];
        g_string_append_c(t, ',');
        nvo_sweep_csv_field(t, d->path);
    }
    g_string_append(t, ",seed,run");
    for (int i = run + 1; cols[i]; i++) {
        g_string_append_printf(t, ",%s", cols[i]);
    }
    g_strfreev(cols);
    g_free(head);
    return g_string_free(t, FALSE);
}

char *
nvo_sweep_def_csv_row(const struct nvo_sweep_def *s, size_t point,
                      uint32_t run, const char *summary, char **err)
{
    *err = NULL;
    char *head = nvo_sim_summary_header();
    char **lines = g_strsplit(summary, "\n", -1);
    char **hcols = g_strsplit(head, ",", -1);
    char **vals = NULL;
    GString *t = NULL;
    int seed_col = column__(hcols, "seed"), run_col = column__(hcols, "run");
    guint n_lines = g_strv_length(lines);
    char want_run[24];
    snprintf(want_run, sizeof want_run, "%" PRIu32, run);

    /* Exactly a header line, a data line and the final newline. */
    if (n_lines != 3 || *lines[2] || strcmp(lines[0], head)) {
        *err = g_strdup("not a summary.csv of this version of nvosim");
        goto out;
    }
    vals = nvo_sweep_csv_split(lines[1]);
    if (!vals || g_strv_length(vals) != g_strv_length(hcols)) {
        *err = g_strdup("its row is malformed");
        goto out;
    }
    if (strcmp(vals[run_col], want_run)) {
        *err = g_strdup_printf("it is the summary of run %s, not run %s",
                               vals[run_col], want_run);
        goto out;
    }
    t = g_string_new(NULL);
    g_string_append_printf(t, "%zu", point);
    for (guint i = 0; i < s->dims->len; i++) {
        g_string_append_c(t, ',');
        nvo_sweep_csv_field(t, nvo_sweep_def_value(s, point, i));
    }
    g_string_append_c(t, ',');
    nvo_sweep_csv_field(t, vals[seed_col]);
    g_string_append_c(t, ',');
    nvo_sweep_csv_field(t, vals[run_col]);
    for (int i = run_col + 1; vals[i]; i++) {
        g_string_append_c(t, ',');
        nvo_sweep_csv_field(t, vals[i]);
    }
out:
    g_strfreev(vals);
    g_strfreev(hcols);
    g_strfreev(lines);
    g_free(head);
    return t ? g_string_free(t, FALSE) : NULL;
}

char *
nvo_sweep_def_rebuild(const struct nvo_sweep_def *s, const char *dir,
                      bool *done, size_t *n_done)
{
    char *head = nvo_sweep_def_csv_header(s);
    GString *t = g_string_new(head);
    g_string_append_c(t, '\n');
    g_free(head);
    size_t n_points = nvo_sweep_def_n_points(s), count = 0;
    for (size_t p = 1; p <= n_points; p++) {
        for (uint32_t r = 1; r <= s->runs; r++) {
            char *rd = nvo_sweep_run_dir(dir, p, r);
            char *path = g_build_filename(rd, "summary.csv", NULL);
            char *text = NULL, *err = NULL, *row = NULL;
            if (g_file_get_contents(path, &text, NULL, NULL)) {
                row = nvo_sweep_def_csv_row(s, p, r, text, &err);
            }
            if (row) {
                g_string_append(t, row);
                g_string_append_c(t, '\n');
                count++;
            }
            if (done) {
                done[(p - 1) * s->runs + (r - 1)] = row != NULL;
            }
            g_free(row);
            g_free(err);
            g_free(text);
            g_free(path);
            g_free(rd);
        }
    }
    if (n_done) {
        *n_done = count;
    }
    return g_string_free(t, FALSE);
}
