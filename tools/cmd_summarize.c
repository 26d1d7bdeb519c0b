/* cmd_summarize.c: "nvosim summarize DIR": per grid point of a sweep, the
 * mean and 95% confidence interval over its replications of each metric;
 * prints a table and writes DIR/summary-stats.csv (model/analysis/summarize.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "analysis/summarize.h"


static const char *const default_metrics[] = {
    "drop_rate", "latency_p99_us", "fct_mean_us", "leaf_up_jain",
};

static void
usage(FILE *f)
{
    fprintf(f,
"usage: nvosim summarize DIR [OPTIONS]\n"
"\n"
"Reads DIR/sweep.csv (written by nvosim sweep; DIR may also be the CSV\n"
"file itself) and, for every grid point, summarizes each metric over the\n"
"point's runs: n, mean, sample standard deviation, 95%% confidence\n"
"half-width of the mean (Student's t, n - 1 degrees of freedom), min, max.\n"
"Prints one line per point (the varied values, the number of runs, and\n"
"mean ± half-width (n=N) of the chosen metrics) and writes every statistic\n"
"of every metric to DIR/summary-stats.csv (docs/analysis.md).  An empty\n"
"cell (a metric a run has no sample of: the FCT of no completed flow) is\n"
"missing: it is left out of the mean and the interval, and N counts the\n"
"runs that have a value; a point with none shows \"- (n=0)\".\n"
"\n"
"Options:\n"
"  --metrics A,B,...  the metrics to print [those of drop_rate,\n"
"                     latency_p99_us, fct_mean_us, leaf_up_jain that the\n"
"                     sweep has]; \"all\" prints every metric\n"
"  --csv FILE         write the statistics to FILE [DIR/summary-stats.csv]\n"
"  -h, --help         this help\n"
"\n"
"Exit status: 0 on success, 1 if the sweep cannot be read (FILE:LINE: what\n"
"is wrong), a metric is unknown or the CSV cannot be written, 2 on usage\n"
"errors.\n");
}

int
nvo_cmd_summarize_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "metrics", required_argument, NULL, 'm' },
        { "csv", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *metrics_arg = NULL, *csv_out = NULL;
    int c;
    optind = 1;
    opterr = 0;                 /* nvo_cli_bad_option() says what is wrong */
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'm':
            metrics_arg = optarg;
            break;
        case 'c':
            if (!*optarg) {
                fprintf(stderr, "nvosim summarize: --csv: an empty path\n");
                return 2;
            }
            csv_out = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            nvo_cli_bad_option("summarize", argv, longopts, "h");
            return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, optind == argc
                ? "nvosim summarize: which sweep directory? (nvosim "
                  "summarize --help)\n"
                : "nvosim summarize: one sweep directory at a time\n");
        return 2;
    }
    const char *dir = argv[optind];

    GError *error = NULL;
    struct nvo_summary *sw = nvo_summary_load(dir, &error);
    if (!sw) {
        fprintf(stderr, "nvosim summarize: %s\n", error->message);
        g_error_free(error);
        return 1;
    }

    /* The metrics to print. */
    GArray *shown = g_array_new(FALSE, FALSE, sizeof(int));
    int rc = 0;
    if (metrics_arg && !strcmp(metrics_arg, "all")) {
        for (size_t m = 0; m < sw->n_metrics; m++) {
            int i = (int) m;
            g_array_append_val(shown, i);
        }
    } else if (metrics_arg) {
        gchar **names = g_strsplit(metrics_arg, ",", -1);
        for (gchar **n = names; *n; n++) {
            g_strstrip(*n);
            if (!**n) {
                continue;
            }
            int i = nvo_summary_metric_index(sw, *n, &error);
            if (i < 0) {
                fprintf(stderr, "nvosim summarize: --metrics: %s\n",
                        error->message);
                g_clear_error(&error);
                rc = 1;
                break;
            }
            g_array_append_val(shown, i);
        }
        g_strfreev(names);
    } else {
        for (size_t k = 0; k < G_N_ELEMENTS(default_metrics); k++) {
            int i = nvo_summary_metric_index(sw, default_metrics[k], NULL);
            if (i >= 0) {
                g_array_append_val(shown, i);
            }
        }
        for (int i = 0; !shown->len && i < (int) MIN(sw->n_metrics, 4); i++) {
            g_array_append_val(shown, i);
        }
    }

    if (!rc) {
        printf("%s: %zu runs, %zu grid points; mean ± 95%% confidence "
               "half-width (Student's t) over the n runs that have a value "
               "(an empty cell is missing, not 0)\n", sw->file, sw->n_rows,
               sw->n_points);
        char *table = nvo_summary_table(sw, (const int *) (void *)
                                        shown->data, shown->len);
        fputs(table, stdout);
        g_free(table);

        /* Beside sweep.csv, unless --csv says otherwise. */
        char *out;
        if (csv_out) {
            out = g_strdup(csv_out);
        } else {
            char *d = g_file_test(dir, G_FILE_TEST_IS_DIR)
                      ? g_strdup(dir) : g_path_get_dirname(dir);
            out = g_build_filename(d, "summary-stats.csv", NULL);
            g_free(d);
        }
        if (nvo_summary_write_stats(sw, out, &error)) {
            fprintf(stderr, "nvosim summarize: %s\n", error->message);
            g_clear_error(&error);
            rc = 1;
        } else {
            printf("wrote %s (every metric: n, mean, sd, ci95, min, max)\n",
                   out);
        }
        g_free(out);
    }
    g_array_free(shown, TRUE);
    nvo_summary_destroy(sw);
    return rc;
}
