/* sweep_mpi.h: "nvosim sweep --mpi": the sweep's runs shared by the ranks
 * of an MPI job (mpirun -n K nvosim sweep ... --mpi).
 *
 * Rank 0 coordinates: it checks the sweep, owns DIR/sweep.csv and hands
 * out runs one at a time (dynamic assignment, so long and short runs
 * balance).  Every rank, rank 0 included, runs up to -j runs at a time as
 * child processes (runner.h).  A rank other than 0 asks rank 0 for a run
 * whenever it has a free slot, runs it in its folder and sends back the
 * text of its summary.csv (or why it failed); rank 0 turns that into the
 * sweep.csv row.  With K = 1 rank 0 does everything.  The run folders
 * must be on a file system every rank sees (--resume reads them on rank
 * 0).  docs/sweeps.md describes cluster use.
 *
 * Messages (MPI_COMM_WORLD, MPI_CHAR):
 *   REQUEST  rank -> 0   (empty) a slot is free
 *   TASK     0 -> rank   "INDEX\0SCENARIO\0DIR\0SET\0SET\0..."
 *   STOP     0 -> rank   (empty) no run left: end when yours are done
 *   RESULT   rank -> 0   "INDEX\nOK\nTEXT": OK 1 and the summary.csv
 *                        text, or OK 0 and the reason
 * Before any of these rank 0 broadcasts two ints: whether to start (0 if
 * its checks failed) and the slots per rank.
 *
 * Compiled only with NVO_HAVE_MPI (CMake found MPI); the MPI library is
 * linked into the nvosim command only, never into libnvosim. */
#ifndef NVO_SWEEP_MPI_H
#define NVO_SWEEP_MPI_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

enum nvo_mpi_kind {
    NVO_MPI_NONE,
    NVO_MPI_REQUEST,
    NVO_MPI_RESULT,
};

struct nvo_mpi_msg {
    enum nvo_mpi_kind kind;
    int from;                   /* the sender's rank */
    size_t task;                /* RESULT: the run's index */
    bool ok;                    /* RESULT: the run succeeded */
    char *text;                 /* RESULT: summary.csv or the reason */
};

/* MPI_Init(); *rank and *size of MPI_COMM_WORLD. */
void nvo_mpi_init(int *rank, int *size);
void nvo_mpi_finalize(void);

/* Rank 0: sends 'go' and 'slots'; the others: receive them. */
void nvo_mpi_start(int *go, int *slots);

/* A rank other than 0: asks for runs, runs up to 'slots' at a time, and
 * reports them, until rank 0 says STOP and its runs are done. */
void nvo_mpi_worker(int slots);

/* Rank 0: the next message if one is there (never blocks); false if
 * none.  g_free(msg->text). */
bool nvo_mpi_poll(struct nvo_mpi_msg *msg);

/* Rank 0: the run 'task' for rank 'to', or STOP. */
void nvo_mpi_send_task(int to, size_t task, const char *scenario,
                       const char *dir, const GPtrArray *sets);
void nvo_mpi_send_stop(int to);

#endif
