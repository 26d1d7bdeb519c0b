/* cmd_plot.c: "nvosim plot DIR -x PATH -y METRIC": a metric of a sweep
 * against a varied path, mean and 95% confidence interval per grid point
 * (model/analysis/plot.h); "nvosim plot RUN_DIR [--only KIND]": the plots
 * of one run (model/analysis/plot_run.h); both drawn by gnuplot as PNG
 * and SVG. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cmd.h"
#include "analysis/plot.h"
#include "analysis/plot_run.h"
#include "analysis/summarize.h"


static void
usage(FILE *f)
{
    fprintf(f,
"usage: nvosim plot DIR -x PATH -y METRIC [OPTIONS]     (a sweep)\n"
"       nvosim plot RUN_DIR [--only fct|tiers|ecmp] [--size WxH]  (a run)\n"
"\n"
"Plots METRIC against the varied path PATH from DIR/sweep.csv (written by\n"
"nvosim sweep; DIR may also be the CSV file): per grid point the mean over\n"
"its runs, with error bars of the 95%% confidence interval (Student's t).\n"
"Numeric x values make a numeric axis; others (hash function names, ...)\n"
"are categories in grid order.  Writes DIR/NAME.dat (the data) and\n"
"DIR/NAME.gp (the gnuplot script, which can be edited and rerun), and\n"
"runs gnuplot to draw BASENAME.png and BASENAME.svg (docs/analysis.md).\n"
"\n"
"Options:\n"
"  -x PATH            the x axis: a varied --set path, e.g.\n"
"                     underlay.ecmp.function\n"
"  -y METRIC          the y axis: a metric column, e.g. latency_p99_us\n"
"  --by PATH          one line per value of another varied path (legend\n"
"                     \"PATH=value\")\n"
"  --where PATH=VALUE keep only the grid points where PATH has VALUE;\n"
"                     repeatable.  Every varied path other than -x and --by\n"
"                     must be constant after filtering\n"
"  --logx, --logy     logarithmic axes\n"
"  --out BASENAME     the images' name without .png/.svg, and NAME is its\n"
"                     last component [DIR/plot-METRIC-vs-PATH[-by-PATH]]\n"
"  --title TEXT       the title [METRIC vs PATH: mean and 95%% CI, ...]\n"
"  --size WxH         image size in pixels [800x500]\n"
"  -h, --help         this help\n"
"\n"
"A run's folder (RUN_DIR holds results.xml, no sweep.csv), without -x and\n"
"-y: draws RUN_DIR/plot-fct (the CDF of the completed flows' completion\n"
"times, from flows.csv: run with --set output.flows=true), plot-tiers (per\n"
"tier of results.xml's links, the utilization of each link direction: min\n"
"to max, mean) and plot-ecmp (per switch with two or more up-links, the\n"
"frames sent to each next hop), each as .dat, .gp, .png and .svg.  A plot\n"
"with nothing to draw (no flows.csv, ...) is skipped with the reason.\n"
"  --only KIND        draw only fct, tiers or ecmp (comma-separated list);\n"
"                     asked for alone, nothing to draw is an error\n"
"\n"
"Needs gnuplot (with the pngcairo terminal: the gnuplot-nox package).\n"
"Exit status: 0 on success; 1 if the sweep or run cannot be read, a path or\n"
"metric is unknown, another path varies, or gnuplot is missing or fails;\n"
"2 on usage errors.\n");
}

/* The plots of the run in 'dir', unless it is a sweep: returns the exit
 * status; -1 for a sweep (then the sweep usage applies, as before run
 * plots existed). */
static int
run_plots(const char *dir, const char *only, bool sweep_opts, int width,
          int height)
{
    char *sweep = g_build_filename(dir, "sweep.csv", NULL);
    /* A sweep is a folder with sweep.csv, or the CSV file itself;
     * anything else is taken for a run's folder (and nvo_plot_run() says
     * what is wrong with it). */
    bool is_run = !g_file_test(dir, G_FILE_TEST_IS_REGULAR)
                  && !g_file_test(sweep, G_FILE_TEST_EXISTS);
    g_free(sweep);
    if (!is_run) {
        return -1;
    }
    if (sweep_opts) {
        fprintf(stderr, "nvosim plot: %s is a run's folder: --by, --where, "
                "--logx, --logy, --out and --title are for sweep plots "
                "(-x and -y); a run's plots take --only and --size\n", dir);
        return 2;
    }
    struct nvo_plot_run_opts o = { .dir = dir, .width = width,
                                   .height = height };
    if (only) {
        char **names = g_strsplit(only, ",", -1);
        for (char **n = names; *n; n++) {
            int k = nvo_plot_run_kind_parse(*n);
            if (k < 0) {
                fprintf(stderr, "nvosim plot: --only %s: \"%s\" is not a "
                        "plot of a run (fct, tiers, ecmp)\n", only, *n);
                g_strfreev(names);
                return 2;
            }
            o.kinds |= 1u << k;
        }
        g_strfreev(names);
    }
    struct nvo_plot_run_result res;
    GError *error = NULL;
    int err = nvo_plot_run(&o, &res, &error);
    for (int k = 0; k < NVO_PLOT_RUN_KINDS; k++) {
        const struct nvo_plot_run_item *it = &res.items[k];
        const char *name = nvo_plot_run_kind_name(k);
        if (it->gnuplot_messages) {
            fprintf(stderr, "gnuplot (%s): %s\n", name, it->gnuplot_messages);
        }
        if (it->skipped) {
            fprintf(stderr, "nvosim plot: %s: not drawn: %s\n", name,
                    it->skipped);
        } else if (it->drawn) {
            printf("nvosim plot: %s: %zu %s\n  wrote %s\n  wrote %s\n"
                   "  data %s, script %s\n", name, it->n,
                   k == NVO_PLOT_RUN_FCT ? "completed flows"
                   : k == NVO_PLOT_RUN_TIERS ? "link directions"
                                             : "next hops",
                   it->png, it->svg, it->data, it->script);
        }
    }
    nvo_plot_run_result_clear(&res);
    if (err) {
        fprintf(stderr, "nvosim plot: %s\n", error->message);
        g_error_free(error);
        return 1;
    }
    return 0;
}

int
nvo_cmd_plot_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "by", required_argument, NULL, 'b' },
        { "where", required_argument, NULL, 'w' },
        { "logx", no_argument, NULL, 'X' },
        { "logy", no_argument, NULL, 'Y' },
        { "out", required_argument, NULL, 'o' },
        { "title", required_argument, NULL, 't' },
        { "size", required_argument, NULL, 's' },
        { "only", required_argument, NULL, 'O' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct nvo_plot_opts o = { 0 };
    const char *only = NULL;
    bool sweep_opts = false;    /* an option only a sweep plot has */
    GPtrArray *where = g_ptr_array_new();
    int c;
    optind = 1;
    opterr = 0;                 /* nvo_cli_bad_option() says what is wrong */
    while ((c = getopt_long(argc, argv, "hx:y:", longopts, NULL)) != -1) {
        switch (c) {
        case 'x':
            o.x = optarg;
            break;
        case 'y':
            o.y = optarg;
            break;
        case 'b':
            sweep_opts = true;
            o.by = optarg;
            break;
        case 'w':
            sweep_opts = true;
            g_ptr_array_add(where, optarg);
            break;
        case 'X':
            sweep_opts = true;
            o.logx = true;
            break;
        case 'Y':
            sweep_opts = true;
            o.logy = true;
            break;
        case 'O':
            only = optarg;
            break;
        case 'o':
            sweep_opts = true;
            if (!*optarg) {
                fprintf(stderr, "nvosim plot: --out: an empty path\n");
                g_ptr_array_free(where, TRUE);
                return 2;
            }
            o.out = optarg;
            break;
        case 't':
            sweep_opts = true;
            o.title = optarg;
            break;
        case 's': {
            char tail;
            if (sscanf(optarg, "%dx%d%c", &o.width, &o.height, &tail) != 2
                || o.width < 100 || o.height < 100 || o.width > 10000
                || o.height > 10000) {
                fprintf(stderr, "nvosim plot: --size %s: expected "
                        "WIDTHxHEIGHT in pixels, 100 to 10000, e.g. "
                        "800x500\n", optarg);
                g_ptr_array_free(where, TRUE);
                return 2;
            }
            break;
        }
        case 'h':
            usage(stdout);
            g_ptr_array_free(where, TRUE);
            return 0;
        default:
            nvo_cli_bad_option("plot", argv, longopts, "hx:y:");
            g_ptr_array_free(where, TRUE);
            return 2;
        }
    }
    const char *missing = optind == argc ? "which sweep directory?"
                          : optind < argc - 1 ? "one sweep directory at a time"
                          : NULL;
    if (!missing && !o.x && !o.y) {
        int rc = run_plots(argv[optind], only, sweep_opts, o.width, o.height);
        if (rc >= 0) {
            g_ptr_array_free(where, TRUE);
            return rc;
        }
    }
    if (!missing && only) {
        fprintf(stderr, "nvosim plot: --only is for a run's folder, not "
                "with -x and -y (nvosim plot --help)\n");
        g_ptr_array_free(where, TRUE);
        return 2;
    }
    missing = missing ? missing
                          : !o.x ? "which path on the x axis? (-x PATH)"
                          : !o.y ? "which metric on the y axis? (-y METRIC)"
                          : NULL;
    if (missing) {
        fprintf(stderr, "nvosim plot: %s (nvosim plot --help)\n", missing);
        g_ptr_array_free(where, TRUE);
        return 2;
    }
    o.sweep = argv[optind];
    o.where = (const char *const *) where->pdata;
    o.n_where = where->len;

    struct nvo_plot_result res;
    GError *error = NULL;
    int rc = 0;
    int err = nvo_plot(&o, &res, &error);
    if (res.gnuplot_messages) {
        fprintf(stderr, "gnuplot: %s\n", res.gnuplot_messages);
    }
    if (err) {
        fprintf(stderr, "nvosim plot: %s\n", error->message);
        g_error_free(error);
        rc = 1;
    } else {
        printf("nvosim plot: %s vs %s: %zu line%s, %zu points\n"
               "  wrote %s\n  wrote %s\n  data %s, script %s\n", o.y, o.x,
               res.n_series, res.n_series == 1 ? "" : "s", res.n_points,
               res.png, res.svg, res.data, res.script);
    }
    nvo_plot_result_clear(&res);
    g_ptr_array_free(where, TRUE);
    return rc;
}
