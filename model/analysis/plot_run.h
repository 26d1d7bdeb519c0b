/* plot_run.h: the plots of one run's folder ("nvosim plot RUN_DIR"),
 * drawn by gnuplot as PNG and SVG like the sweep plots (plot.h):
 *
 *   fct    the empirical CDF of the flow completion times of the completed
 *          flows in flows.csv (written with --set output.flows=true);
 *   tiers  per tier of results.xml's <links>, each link direction's
 *          utilization: a bar from the tier's minimum to its maximum, the
 *          mean marked, every link a point;
 *   ecmp   per switch of results.xml's <ecmp>, one bar per next hop: the
 *          frames it was sent.
 *
 * Every input is read before anything is drawn, so a bad results.xml or
 * flows.csv leaves no image.  Each plot writes RUN_DIR/plot-KIND.dat (the
 * data), RUN_DIR/plot-KIND.gp (the script, rerunnable on its own) and
 * RUN_DIR/plot-KIND.png and .svg, through temporary names and renames.
 * A plot that has nothing to draw (no flows.csv, no completed flow, no
 * switch with two up-links) is skipped with the reason; asked for alone
 * (only one kind), that is an error.  docs/analysis.md describes the
 * files. */
#ifndef NVO_PLOT_RUN_H
#define NVO_PLOT_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

enum nvo_plot_run_kind {
    NVO_PLOT_RUN_FCT,
    NVO_PLOT_RUN_TIERS,
    NVO_PLOT_RUN_ECMP,
    NVO_PLOT_RUN_KINDS
};

/* "fct", "tiers", "ecmp". */
const char *nvo_plot_run_kind_name(enum nvo_plot_run_kind);

/* The kind named 'name', or -1. */
int nvo_plot_run_kind_parse(const char *name);

struct nvo_plot_run_opts {
    const char *dir;            /* the run's folder (holds results.xml) */
    unsigned kinds;             /* bit (1u << kind) per plot; 0: all */
    const char *gnuplot;        /* the program; NULL: "gnuplot" on PATH */
    int width, height;          /* image size in pixels; 0: 800 x 500 */
};

struct nvo_plot_run_item {
    bool drawn;
    char *skipped;              /* why not drawn (when !drawn), or NULL */
    char *data, *script, *png, *svg;
    size_t n;                   /* flows, link directions, next hops */
    char *gnuplot_messages;     /* what gnuplot printed, or NULL */
};

struct nvo_plot_run_result {
    struct nvo_plot_run_item items[NVO_PLOT_RUN_KINDS];
};

/* Draws the plots of 'kinds'.  Returns 0 (some plots may be skipped: see
 * res->items[k].skipped), or an errno with 'error' set (domain
 * NVO_SUMMARY_ERROR): the folder or its results.xml cannot be read
 * ("FILE:LINE: what is wrong"), flows.csv is malformed, the only plot
 * asked for has nothing to draw, gnuplot is missing or fails.  Plots
 * drawn before a gnuplot failure stay. */
int nvo_plot_run(const struct nvo_plot_run_opts *,
                 struct nvo_plot_run_result *res, GError **error);

/* Frees the strings of 'res' (which may be zeroed). */
void nvo_plot_run_result_clear(struct nvo_plot_run_result *res);

#endif
