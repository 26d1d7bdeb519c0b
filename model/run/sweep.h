/* sweep.h: the rows of a parameter sweep's sweep.csv: a run's summary.csv
 * row prefixed by its grid point, and sweep.csv rebuilt from the runs'
 * folders.  The grid itself (value lists, points, the definition) is
 * io/sweep_grid.h; the commands that run sweeps are in tools/cmd_sweep.c;
 * docs/sweeps.md describes the syntax and the files. */
#ifndef NVO_SWEEP_H
#define NVO_SWEEP_H

#include "io/sweep_grid.h"

/* sweep.csv's header: "point,PATH1,...,PATHn,seed,run," then the columns
 * of nvo_sim_summary_header() after its "run" column.  No newline;
 * g_free. */
char *nvo_sweep_def_csv_header(const struct nvo_sweep_def *);

/* The sweep.csv row of run (point, run) from the text of the run's
 * summary.csv (header line, data line): "point,values...,seed,run,
 * metrics...", no newline.  NULL with *err set (g_free) if the text is
 * not a summary.csv of this nvosim (another header, a broken row) or is
 * the summary of another run number. */
char *nvo_sweep_def_csv_row(const struct nvo_sweep_def *, size_t point,
                            uint32_t run, const char *summary, char **err);

/* Rebuilds sweep.csv from the runs' folders under 'dir': the header,
 * then the row of every complete run (its folder has a valid
 * summary.csv) in (point, run) order, each line ending "\n".  If 'done'
 * is not NULL it has nvo_sweep_def_n_runs() entries, and done[(point - 1) *
 * runs + (run - 1)] is set to whether that run is complete.  *n_done (if
 * not NULL) is the number of complete runs.  g_free. */
char *nvo_sweep_def_rebuild(const struct nvo_sweep_def *, const char *dir,
                            bool *done, size_t *n_done);


#endif /* NVO_SWEEP_H */
