/* cmd_plot.c: "nvosim plot DIR -x PATH -y METRIC": a metric of a sweep
 * against a varied path, mean and 95% confidence interval per grid point,
 * drawn by gnuplot as PNG and SVG (model/analysis/plot.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cmd.h"
#include "analysis/plot.h"
#include "analysis/summarize.h"


static void
usage(FILE *f)
{
    fprintf(f,
"usage: nvosim plot DIR -x PATH -y METRIC [OPTIONS]\n"
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
"Needs gnuplot (with the pngcairo terminal: the gnuplot-nox package).\n"
"Exit status: 0 on success; 1 if the sweep cannot be read, a path or\n"
"metric is unknown, another path varies, or gnuplot is missing or fails;\n"
"2 on usage errors.\n");
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
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct nvo_plot_opts o = { 0 };
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
            o.by = optarg;
            break;
        case 'w':
            g_ptr_array_add(where, optarg);
            break;
        case 'X':
            o.logx = true;
            break;
        case 'Y':
            o.logy = true;
            break;
        case 'o':
            if (!*optarg) {
                fprintf(stderr, "nvosim plot: --out: an empty path\n");
                g_ptr_array_free(where, TRUE);
                return 2;
            }
            o.out = optarg;
            break;
        case 't':
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
