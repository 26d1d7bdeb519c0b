/* report.h: the run report, one self-contained HTML page for a run folder
 * or a sweep folder (nvosim report DIR, docs/report.md).
 *
 * A run folder (results.xml, summary.csv, optionally series.csv and
 * flows.csv) gives: the headline numbers, the fabric drawn as its tiers
 * with each link direction coloured by utilization and, in a second view,
 * by BUM bytes (hypervisors aggregated per leaf above
 * NVO_REPORT_AGG_HYPERVISORS), the tiers, ECMP bytes per next hop, the
 * flow completion time CDF, and control messages and table sizes over
 * time.  A sweep folder (sweep.csv) gives every metric per grid point:
 * mean ± 95% confidence half-width (n), as a table and a plot.  The page
 * holds inline SVG and CSS only: no script, no external resource. */
#ifndef NVO_REPORT_H
#define NVO_REPORT_H

#include <stddef.h>

#include <glib.h>

#define NVO_REPORT_ERROR nvo_report_error_quark()
GQuark nvo_report_error_quark(void);

enum nvo_report_error {
    NVO_REPORT_ERROR_IO,        /* a file cannot be read or written */
    NVO_REPORT_ERROR_PARSE,     /* malformed input, or not a run/sweep */
};

/* Above this many hypervisors, the fabric drawing shows the hypervisors
 * of each leaf as one box and their link directions to and from that
 * leaf as one line each way. */
#define NVO_REPORT_AGG_HYPERVISORS 64

/* Above this many completed flows, the FCT CDF is drawn through this
 * many evenly spaced quantiles (the last one the maximum, at 1). */
#define NVO_REPORT_CDF_POINTS 2000

/* Above this many samples of series.csv, each line of a time plot is
 * drawn through the largest value of each group of consecutive samples
 * (this many groups). */
#define NVO_REPORT_SERIES_POINTS 2000

/* The page for 'dir' (a run folder with results.xml, or a sweep folder
 * with sweep.csv).  Returns the HTML (g_free) or NULL with 'error' set:
 * "DIR: neither results.xml (a run) nor sweep.csv (a sweep)", or the
 * first problem of an input file ("FILE:LINE: what is wrong"). */
char *nvo_report_html(const char *dir, GError **error);

/* Writes the page for 'dir' to 'out' (NULL: DIR/report.html) through a
 * temporary file and a rename.  Returns 0 or -1 with 'error' set; on
 * error no file is left. */
int nvo_report_write(const char *dir, const char *out, GError **error);

#endif
