/* runner.h: the runs of "nvosim batch" and "nvosim sweep", each in a
 * child process.
 *
 * A run is "nvosim run SCENARIO --quiet --out DIR --set ..." started with
 * nvo_spawn_start() (core/spawn.h, posix_spawn) from this same binary
 * (/proc/self/exe): a crash, an abort or a leak in one run cannot touch
 * the others or the command that started it, every run has a fresh
 * process (the ns3 engine allows one per process), and nothing of the
 * parent's memory is touched by the child before exec (which MPI
 * transports that register memory need).
 * The child's stdin is /dev/null; its stdout and stderr go to
 * DIR/run.log, which is removed when the run succeeds and left empty.
 * The child gets --force: the caller decided that DIR may be used (a
 * sweep's own run folder, or a batch folder it checked with
 * nvo_runner_old_run()), so an earlier run's files there are replaced
 * whole, never mixed with the new run's.
 *
 * A run's files, in the sense of nvo_runner_old_run(): results.xml,
 * summary.csv, trace.txt, series.csv, flows.csv, any *.pcap and *.mrt,
 * and each of them with ".tmp". */
#ifndef NVO_RUNNER_H
#define NVO_RUNNER_H

#include <stdbool.h>
#include <sys/types.h>

#include <glib.h>

/* The nvosim binary running now (/proc/self/exe); NULL if unknown. */
const char *nvo_runner_self(void);

/* Creates 'out_dir' and starts the run of 'scenario' in it with the
 * n_sets "PATH=VALUE" overrides.  Returns 0 with *pid set, or an errno
 * with *reason set (g_free). */
int nvo_runner_start(const char *scenario, const char *out_dir,
                     const char *const *sets, size_t n_sets, pid_t *pid,
                     char **reason);

/* Names the one descriptor, besides stdin, stdout and stderr, that runs
 * inherit (as their descriptor 3): the sweep's lock, so that it is held
 * while any run lives.  -1 (the default): none.  Every other descriptor is
 * closed in the child. */
void nvo_runner_inherit_fd(int fd);

/* Waits for one of the n children 'pids' to end: polls them, then sleeps
 * in steps of 2 ms until one has ended or 'timeout_ms' have passed (-1:
 * no limit).  Returns its index with *status set (waitpid()), or -1.  A
 * signal cuts the wait short.  A child that was reaped elsewhere (the
 * caller ignores SIGCHLD) counts as ended with exit status 1. */
int nvo_runner_wait(const pid_t *pids, size_t n, int timeout_ms,
                    int *status);

/* After the child that ran into 'out_dir' ended with 'status': NULL if
 * the run succeeded (exit status 0 and a summary.csv; an empty run.log
 * is removed), else why it failed (g_free): the first line of run.log
 * (with the number of lines left out), "killed by signal N (NAME)", or
 * "exit status N".  A failed run's summary.csv (a run that failed its
 * conservation check writes one) is removed, so that the run is not
 * taken for complete, and so are the ".tmp" files that a child killed
 * by a signal it could not catch (SIGKILL, a crash) leaves behind. */
char *nvo_runner_finish(const char *out_dir, int status);

/* The name of a file of an earlier run in 'dir' (the first in name
 * order; g_free), or NULL if there is none or 'dir' cannot be read. */
char *nvo_runner_old_run(const char *dir);

/* Removes every file of an earlier run from 'dir' (only those: other
 * files and folders stay); with 'tmp_only', only the ".tmp" ones.
 * Returns the number removed, or -1 with *reason set (g_free) if one
 * cannot be removed. */
int nvo_runner_clear_run(const char *dir, bool tmp_only, char **reason);

/* True if 'status' says the child was killed by SIGINT or SIGTERM. */
bool nvo_runner_interrupted(int status);

#endif
