/* sweep_mpi.c: the MPI side of "nvosim sweep --mpi".  See sweep_mpi.h.
 *
 * Rank 0 never blocks in MPI: it polls (MPI_Iprobe) between checks on
 * its own runs, so a request is answered within a few milliseconds.  The
 * other ranks block only while waiting for that answer, and poll their
 * runs with waitpid() every 2 ms, sleeping in between, so an idle rank
 * takes next to no CPU from the runs. */
#ifdef NVO_HAVE_MPI

#include "sweep_mpi.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "runner.h"

enum {
    TAG_REQUEST = 1,
    TAG_TASK,
    TAG_STOP,
    TAG_RESULT,
};

void
nvo_mpi_init(int *rank, int *size)
{
    MPI_Init(NULL, NULL);
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
}

void
nvo_mpi_finalize(void)
{
    MPI_Finalize();
}

void
nvo_mpi_start(int *go, int *slots)
{
    int v[2] = { *go, *slots };
    MPI_Bcast(v, 2, MPI_INT, 0, MPI_COMM_WORLD);
    *go = v[0];
    *slots = v[1];
}

/* Receives the message that MPI_Probe/Iprobe found: its bytes and a NUL. */
static char *
recv__(const MPI_Status *st, int *len)
{
    MPI_Get_count(st, MPI_CHAR, len);
    char *buf = g_malloc((size_t) *len + 1);
    MPI_Recv(buf, *len, MPI_CHAR, st->MPI_SOURCE, st->MPI_TAG,
             MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    buf[*len] = '\0';
    return buf;
}

static void
send_result__(size_t task, bool ok, const char *text)
{
    char *msg = g_strdup_printf("%zu\n%d\n%s", task, ok ? 1 : 0, text);
    MPI_Send(msg, (int) strlen(msg), MPI_CHAR, 0, TAG_RESULT,
             MPI_COMM_WORLD);
    g_free(msg);
}

struct wslot {
    size_t task;
    char *dir;
};

void
nvo_mpi_worker(int slots)
{
    pid_t *pids = g_new0(pid_t, slots);
    struct wslot *ws = g_new0(struct wslot, slots);
    int n_active = 0;
    bool stopped = false;
    for (;;) {
        while (!stopped && n_active < slots) {
            MPI_Send(NULL, 0, MPI_CHAR, 0, TAG_REQUEST, MPI_COMM_WORLD);
            MPI_Status st;
            MPI_Probe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
            int len;
            char *buf = recv__(&st, &len);
            if (st.MPI_TAG != TAG_TASK) {
                stopped = true;
                g_free(buf);
                break;
            }
            /* INDEX\0SCENARIO\0DIR\0SET\0...: split at the NULs. */
            GPtrArray *f = g_ptr_array_new();
            for (int i = 0; i < len; i += (int) strlen(buf + i) + 1) {
                g_ptr_array_add(f, buf + i);
            }
            size_t task = (size_t) g_ascii_strtoull(f->pdata[0], NULL, 10);
            char *reason = NULL;
            if (f->len < 3) {
                send_result__(task, false, "malformed task message");
            } else if (nvo_runner_start(f->pdata[1], f->pdata[2],
                                        (const char *const *) f->pdata + 3,
                                        f->len - 3, &pids[n_active],
                                        &reason)) {
                send_result__(task, false, reason);
                g_free(reason);
            } else {
                ws[n_active].task = task;
                ws[n_active].dir = g_strdup(f->pdata[2]);
                n_active++;
            }
            g_ptr_array_free(f, TRUE);
            g_free(buf);
        }
        if (!n_active) {
            break;
        }
        int status;
        int k = nvo_runner_wait(pids, (size_t) n_active, -1, &status);
        if (k < 0) {
            continue;
        }
        char *reason = nvo_runner_finish(ws[k].dir, status);
        if (reason) {
            send_result__(ws[k].task, false, reason);
        } else {
            char *path = g_build_filename(ws[k].dir, "summary.csv", NULL);
            char *text = NULL;
            GError *error = NULL;
            if (g_file_get_contents(path, &text, NULL, &error)) {
                send_result__(ws[k].task, true, text);
            } else {
                send_result__(ws[k].task, false, error->message);
                g_error_free(error);
            }
            g_free(text);
            g_free(path);
        }
        g_free(reason);
        g_free(ws[k].dir);
        n_active--;
        pids[k] = pids[n_active];
        ws[k] = ws[n_active];
    }
    g_free(ws);
    g_free(pids);
}

bool
nvo_mpi_poll(struct nvo_mpi_msg *m)
{
    int flag = 0;
    MPI_Status st;
    memset(m, 0, sizeof *m);
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
    if (!flag) {
        return false;
    }
    int len;
    char *buf = recv__(&st, &len);
    m->from = st.MPI_SOURCE;
    if (st.MPI_TAG == TAG_REQUEST) {
        m->kind = NVO_MPI_REQUEST;
        g_free(buf);
        return true;
    }
    /* RESULT: "INDEX\nOK\nTEXT". */
    char *nl1 = strchr(buf, '\n');
    char *nl2 = nl1 ? strchr(nl1 + 1, '\n') : NULL;
    m->kind = NVO_MPI_RESULT;
    m->task = (size_t) g_ascii_strtoull(buf, NULL, 10);
    m->ok = nl2 && nl1[1] == '1';
    m->text = g_strdup(nl2 ? nl2 + 1 : "malformed result message");
    g_free(buf);
    return true;
}

void
nvo_mpi_send_task(int to, size_t task, const char *scenario,
                  const char *dir, const GPtrArray *sets)
{
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "%zu", task);
    g_string_append_len(s, "", 1);
    g_string_append_len(s, scenario, (gssize) strlen(scenario) + 1);
    g_string_append_len(s, dir, (gssize) strlen(dir) + 1);
    for (guint i = 0; i < sets->len; i++) {
        const char *v = sets->pdata[i];
        g_string_append_len(s, v, (gssize) strlen(v) + 1);
    }
    MPI_Send(s->str, (int) s->len, MPI_CHAR, to, TAG_TASK, MPI_COMM_WORLD);
    g_string_free(s, TRUE);
}

void
nvo_mpi_send_stop(int to)
{
    MPI_Send(NULL, 0, MPI_CHAR, to, TAG_STOP, MPI_COMM_WORLD);
}

#else

/* Built without MPI: nothing here (cmd_sweep.c says so for --mpi). */
typedef int nvo_sweep_mpi_empty_unit;

#endif /* NVO_HAVE_MPI */
