/* testutil.h: helpers shared by the Check suites. */
#ifndef NVO_TESTUTIL_H
#define NVO_TESTUTIL_H

#include <check.h>
#include "core/nvo.h"

/* Runs 'suite' with Check and returns the process exit status (0 when
 * every test passed). */
int nvo_test_run(Suite *suite);

/* The engine backend the suite should use: $NVO_TEST_ENGINE, or "native". */
const char *nvo_test_engine(void);

/* The backend's scheduler the suite should use: $NVO_TEST_SCHEDULER, or
 * NULL (the backend's default).  Pass it to nvo_engine_create() with
 * nvo_test_engine(). */
const char *nvo_test_scheduler(void);

/* A fresh temporary directory for the test's outputs (under $TMPDIR or
 * /tmp); the caller frees the string.  Never NULL. */
char *nvo_test_tmpdir(const char *tag);

/* Removes the files in 'dir' (one level, as the tests write them) and
 * 'dir' itself, and frees 'dir' (a nvo_test_tmpdir() string). */
void nvo_test_rmdir(char *dir);

/* The cell of column 'col' in the one-row summary.csv of the run in
 * 'dir' (fails the test if there is no such column, or the header and
 * the row differ in length); the caller frees it. */
char *nvo_test_summary_cell(const char *dir, const char *col);

struct nvo_scenario_cfg;
struct nvo_sim;
/* Loads the scenario at 'path' with its 'n_sets' --set strings; fails the
 * test on an error. */
struct nvo_scenario_cfg *nvo_test_load(const char *path,
                                       const char *const *sets,
                                       size_t n_sets);
/* Builds 'cfg' on nvo_test_engine() with its outputs in a fresh temporary
 * directory (*dir, from nvo_test_tmpdir(tag)); with 'run', also runs it to
 * the end and writes its results (nvo_test_sim_finish()).  Fails the test
 * on any error. */
struct nvo_sim *nvo_test_sim(const struct nvo_scenario_cfg *cfg,
                             const char *tag, bool run, char **dir);
/* A scenario run for a test: nvo_test_load() then nvo_test_sim(). */
void nvo_test_scenario(const char *path, const char *const *sets,
                       size_t n_sets, const char *tag, bool run,
                       struct nvo_scenario_cfg **cfg, struct nvo_sim **sim,
                       char **dir);
/* Runs 'sim' to the end and writes its results; fails the test on an
 * error. */
void nvo_test_sim_finish(struct nvo_sim *sim);
/* Destroys a nvo_test_scenario()'s run and removes its directory. */
void nvo_test_scenario_free(struct nvo_scenario_cfg *cfg, struct nvo_sim *sim,
                            char *dir);

/* Path of a source file: NVO_SOURCE_DIR "/" rel; static buffer. */
const char *nvo_test_src(const char *rel);

#endif
