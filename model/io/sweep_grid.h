/* sweep_grid.h: a parameter sweep's definition: the grid of --vary
 * values, its replications, the definition text, and CSV fields.  The
 * rows of sweep.csv, which hold a run's summary, are in run/sweep.h.
 *
 * A sweep runs one scenario at every point of a grid, R times per point
 * (run numbers 1..R).  Each dimension of the grid is a --set PATH and a
 * list of values; the grid is the cartesian product of the lists.  Points
 * are numbered from 1 in a fixed order: the last dimension varies fastest
 * (as nested loops with the first dimension outermost).  Run (P, R) is
 * the scenario loaded with the sweep's --set overrides, then PATH=VALUE
 * for each dimension at point P, then "run.run=R", and writes its results
 * into DIR/runs/P<P>-R<R>/.
 *
 * The functions here are pure (no processes, no global state): expanding
 * value lists and ranges, the grid, the definition text kept in
 * DIR/sweep.def, CSV fields and rows, and rebuilding sweep.csv from the
 * runs' summary.csv files (which reads files, nothing else).  The
 * commands that run sweeps are in tools/cmd_sweep.c; docs/sweeps.md
 * describes the syntax and the files. */
#ifndef NVO_SWEEP_GRID_H
#define NVO_SWEEP_GRID_H

#include <glib.h>

#include "core/nvo.h"

/* At most this many values in one range, and runs in one sweep. */
#define NVO_SWEEP_MAX_RANGE 100000
#define NVO_SWEEP_MAX_RUNS 10000000

/* ---- Value lists ----------------------------------------------------- */

/* Expands a comma-separated list of values and ranges, appending each
 * value (a new string) to 'out' in order.  An item with a ':' is a range
 * (an optional unit suffix, the same on START and END, is kept):
 *   START:END        START, START+1, ... up to END
 *   START:END:+STEP  START + i*STEP up to END (also -STEP, counting down)
 *   START:END:xF     START * F^i up to END (START > 0, F > 1)
 * e.g. "2:64:x2" is 2,4,8,16,32,64; "0.1:0.9:+0.2" is 0.1,0.3,...,0.9;
 * "100us:300us:+100us" is 100us,200us,300us.  Numbers are printed in the
 * shortest "%g" form of 15 significant digits, so steps do not drift
 * (0.7, not 0.7000000000000001).  Any other item is a value as written.
 * Returns true, or false with *err set to what is wrong (g_free) and
 * nothing appended: an empty item, a bad range, a value listed twice, a
 * control character. */
bool nvo_sweep_expand(const char *list, GPtrArray *out, char **err);

/* ---- The sweep ------------------------------------------------------- */

struct nvo_sweep_dim {
    char *path;                 /* the --set PATH */
    char *list;                 /* the list as written */
    char **values;              /* expanded, NULL-terminated */
    size_t n_values;
};

struct nvo_sweep_def {
    char *scenario;             /* the scenario file (absolute path) */
    char *content;              /* identifies the scenario's content (a
                                 * hash, see nvo_sweep_def_text()); may
                                 * be NULL */
    uint32_t runs;              /* replications per point, >= 1 */
    GPtrArray *sets;            /* "PATH=VALUE" overrides (char *) */
    GPtrArray *dims;            /* struct nvo_sweep_dim *, in order */
};

/* A sweep of 'scenario' with one point (no dimension) and 1 run. */
struct nvo_sweep_def *nvo_sweep_def_create(const char *scenario);
void nvo_sweep_def_destroy(struct nvo_sweep_def *);

/* Adds a dimension PATH with the values of 'list' (nvo_sweep_expand()),
 * or, if PATH is one already, replaces its values in place.  PATH may
 * not be "run.run" (run numbers are the replications).  Returns true, or
 * false with *err set (g_free); the sweep is then unchanged. */
bool nvo_sweep_def_vary(struct nvo_sweep_def *, const char *path,
                        const char *list, char **err);

/* The same from "PATH=LIST", as --vary takes it. */
bool nvo_sweep_def_vary_arg(struct nvo_sweep_def *, const char *arg,
                            char **err);

/* Grid points (the product of the dimensions' sizes; 1 without any), and
 * runs in all (points * runs); 0 if over NVO_SWEEP_MAX_RUNS. */
size_t nvo_sweep_def_n_points(const struct nvo_sweep_def *);
size_t nvo_sweep_def_n_runs(const struct nvo_sweep_def *);

/* The value of dimension 'dim' at 1-based point 'point'. */
const char *nvo_sweep_def_value(const struct nvo_sweep_def *, size_t point,
                                size_t dim);

/* The --set overrides of run (point, run): the sweep's sets, then
 * "PATH=VALUE" per dimension, then "run.run=RUN".  A new GPtrArray of
 * strings (it frees them). */
GPtrArray *nvo_sweep_def_run_sets(const struct nvo_sweep_def *, size_t point,
                              uint32_t run);

/* DIR/runs/P<point>-R<run> (g_free). */
char *nvo_sweep_run_dir(const char *dir, size_t point, uint32_t run);

/* ---- Definition (DIR/sweep.def) -------------------------------------- */

/* The sweep's definition as text, one "key=value" line each: the
 * scenario, its content, runs, each set, each dimension with its
 * expanded values.  Two invocations make the same sweep iff their texts
 * are equal (so "2:8:x2" and "2,4,8" are the same dimension). */
char *nvo_sweep_def_text(const struct nvo_sweep_def *);

/* NULL if 'old' and 'cur' are the same definition, else a sentence
 * saying how they differ (g_free). */
char *nvo_sweep_def_diff(const char *old, const char *cur);

/* ---- CSV ------------------------------------------------------------- */

/* Appends 'field' to 's', quoted ("a,b" -> "\"a,b\"", quotes doubled) if
 * it holds a comma, a quote, a CR or an LF. */
void nvo_sweep_csv_field(GString *s, const char *field);

/* Splits one CSV line (no line break at the end) into its fields,
 * unquoting them.  NULL if malformed (an unterminated quote, text after a
 * closing quote).  g_strfreev. */
char **nvo_sweep_csv_split(const char *line);

#endif /* NVO_SWEEP_GRID_H */
