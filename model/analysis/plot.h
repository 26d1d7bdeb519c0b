/* plot.h: a plot of one metric of a sweep against one varied path, with
 * 95% confidence intervals, drawn by gnuplot as PNG and SVG.
 *
 * From a sweep (summarize.h) the points are filtered (--where), then
 * every varied path other than x and the series path ('by') must be
 * constant; each value of 'by' becomes one line, in grid order, labelled
 * "PATH=value", its points the per-point mean of the metric with error
 * bars of the 95% confidence half-width (gnuplot "yerrorlines").  If
 * every x value is a number the x axis is numeric (points sorted by x);
 * otherwise the values are categories (hash functions, say), in grid
 * order, as labelled tics.  The axes are labelled with the path or metric
 * name and the unit its suffix gives (nvo_metric_unit()).
 *
 * Files: a data file and a gnuplot script (NAME.dat, NAME.gp) in the
 * sweep's directory, and the images BASENAME.png (pngcairo) and
 * BASENAME.svg.  The script can be edited and rerun on its own ("gnuplot
 * NAME.gp"); nvosim runs it with temporary image names and renames the
 * images when both are complete.  docs/analysis.md shows examples. */
#ifndef NVO_PLOT_H
#define NVO_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

struct nvo_plot_opts {
    const char *sweep;          /* the sweep's directory, or its CSV file */
    const char *x;              /* a varied path */
    const char *y;              /* a metric */
    const char *by;             /* a varied path, one line per value, or
                                 * NULL */
    const char *const *where;   /* n_where filters "PATH=VALUE" */
    size_t n_where;
    bool logx, logy;
    const char *out;            /* images' BASENAME; NULL: the sweep's
                                 * directory/NAME, NAME being
                                 * plot-Y-vs-X[-by-BY] */
    const char *title;          /* NULL: "Y vs X (mean and 95% CI ...)" */
    const char *gnuplot;        /* the program; NULL: "gnuplot" on PATH */
    int width, height;          /* image size in pixels; 0: 800 x 500 */
};

struct nvo_plot_result {
    char *data, *script;        /* the files written */
    char *png, *svg;
    size_t n_series, n_points;  /* lines drawn, points on them */
    char *gnuplot_messages;     /* what gnuplot printed (warnings), or NULL */
};

/* Makes the plot.  Returns 0, or an errno with 'error' set: the sweep
 * cannot be read, -x or --by is not a varied path, -y not a metric, a
 * filter matches nothing, another path varies ("name it with --by or pick
 * a value with --where"), a log axis gets a value <= 0, gnuplot is
 * missing or fails (domain NVO_SUMMARY_ERROR).  'res' (may be NULL) gets
 * the files; free it with nvo_plot_result_clear(). */
int nvo_plot(const struct nvo_plot_opts *, struct nvo_plot_result *res,
             GError **error);

/* Frees the strings of 'res' (which may be zeroed). */
void nvo_plot_result_clear(struct nvo_plot_result *res);

/* ---- Drawing with gnuplot, shared by the run plots (plot_run.h) ---- */

/* Appends 'text' to 's' as a gnuplot string literal (single quotes;
 * control characters become spaces). */
void nvo_gp_quote(GString *s, const char *text);

/* Runs 'prog' (NULL: "gnuplot" on PATH) on 'script', which draws to the
 * gnuplot variables png_out and svg_out (set with -e to PNG.tmp and
 * SVG.tmp), then renames both images into place: both or neither.
 * 'data' names the data file in the message when gnuplot is missing.
 * What gnuplot printed on stderr goes to *messages (g_free; NULL if
 * nothing or 'messages' is NULL).  Returns 0, or an errno with 'error'
 * set (NVO_SUMMARY_ERROR_PLOT: missing, failed, wrote no image;
 * NVO_SUMMARY_ERROR_IO: a rename failed). */
int nvo_gnuplot_draw(const char *prog, const char *data, const char *script,
                     const char *png, const char *svg, char **messages,
                     GError **error);

#endif
