/* test_sweep_mpi.c: "nvosim sweep --mpi" (tools/sweep_mpi.c) with 2 local
 * ranks gives the rows of the local sweep (wall_s aside), and --resume
 * under MPI runs only the missing runs.
 *
 * Needs an nvosim built with MPI ("nvosim sweep --help" says "MPI: built
 * in") and mpirun; without either the suite cannot run and exits 77
 * (ctest: skipped).  mpirun is told it may run as root and oversubscribe
 * the CPUs (OMPI_ALLOW_RUN_AS_ROOT*, --oversubscribe).  Open MPI's own
 * allocations are not freed at exit, so under AddressSanitizer the ranks
 * run with detect_leaks=0; the code they share with the local sweep is
 * leak-checked by test_sweep. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <glib.h>

#include "run/sweep.h"
#include "testutil.h"

#define NVOSIM NVO_BUILD_DIR "/tools/nvosim"

/* Runs argv (NULL-terminated after 'first'); returns the exit status. */
static int
run(char **out, char **err, const char *first, ...)
{
    GPtrArray *argv = g_ptr_array_new();
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a; a = va_arg(ap, const char *)) {
        g_ptr_array_add(argv, (char *) a);
    }
    va_end(ap);
    g_ptr_array_add(argv, NULL);
    int status;
    GError *error = NULL;
    char *o = NULL, *e = NULL;
    ck_assert_msg(g_spawn_sync(NULL, (char **) argv->pdata, NULL,
                               G_SPAWN_SEARCH_PATH, NULL, NULL, &o, &e,
                               &status, &error),
                  "%s", error ? error->message : "");
    g_ptr_array_free(argv, TRUE);
    *out = o;
    *err = e;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* DIR/sweep.csv's rows without wall_s, sorted, one per line. */
static char *
rows_without_wall(const char *dir)
{
    char *path = g_build_filename(dir, "sweep.csv", NULL);
    char *csv = NULL;
    ck_assert_msg(g_file_get_contents(path, &csv, NULL, NULL), "%s", path);
    ck_assert(*csv && csv[strlen(csv) - 1] == '\n');
    char **lines = g_strsplit(csv, "\n", -1);
    GPtrArray *rows = g_ptr_array_new_with_free_func(g_free);
    for (char **l = lines + 1; *l && **l; l++) {
        char *cut = strrchr(*l, ',');
        g_ptr_array_add(rows, g_strndup(*l, (gsize) (cut - *l)));
    }
    g_ptr_array_sort(rows, cmp_str);
    g_ptr_array_add(rows, NULL);
    char *joined = g_strjoinv("\n", (char **) rows->pdata);
    g_ptr_array_free(rows, TRUE);
    g_strfreev(lines);
    g_free(csv);
    g_free(path);
    return joined;
}

/* 20ms of arrivals (the file has 200ms, then a drain): quick runs. */
#define SWEEP_ARGS(scen, out) "sweep", scen, "--vary", \
    "underlay.ecmp.function=crc32,toeplitz", "--vary", "topology.spines=2,4", \
    "--runs", "2", "--set", "run.duration=20ms", "--out", out

START_TEST(mpi_same_rows)
{
    char *base = nvo_test_tmpdir("sweep-mpi");
    char *local = g_build_filename(base, "local", NULL);
    char *mpi = g_build_filename(base, "mpi", NULL);
    const char *scen = nvo_test_src("scenarios/websearch.xml");
    char *scen_copy = g_strdup(scen);
    char *out, *err;
    int rc = run(&out, &err, NVOSIM, SWEEP_ARGS(scen_copy, local), "-j", "2",
                 NULL);
    ck_assert_msg(rc == 0, "local sweep: exit %d: %s", rc, err);
    g_free(out);
    g_free(err);

    rc = run(&out, &err, "mpirun", "--oversubscribe", "-n", "2", NVOSIM,
             SWEEP_ARGS(scen_copy, mpi), "--mpi", NULL);
    ck_assert_msg(rc == 0, "mpi sweep: exit %d: %s%s", rc, out, err);
    ck_assert_msg(strstr(out, "8 runs, 2 MPI ranks x 1 at a time"), "%s",
                  out);
    ck_assert_msg(strstr(out, "8 of 8 runs done, 0 failed"), "%s", out);
    g_free(out);
    g_free(err);
    char *rl = rows_without_wall(local), *rm = rows_without_wall(mpi);
    ck_assert_str_eq(rl, rm);
    g_free(rm);

    /* Take 3 runs away and cut sweep.csv inside a row: --resume under MPI
     * (2 runs at a time per rank) runs those 3 and nothing else. */
    static const char *const gone[] = { "P1-R2", "P3-R1", "P4-R2" };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(gone); i++) {
        char *p = g_build_filename(mpi, "runs", gone[i], "summary.csv",
                                   NULL);
        ck_assert_int_eq(remove(p), 0);
        g_free(p);
    }
    char *csv_path = g_build_filename(mpi, "sweep.csv", NULL);
    char *csv = NULL;
    gsize len;
    ck_assert(g_file_get_contents(csv_path, &csv, &len, NULL));
    ck_assert(g_file_set_contents(csv_path, csv, (gssize) (len * 2 / 3),
                                  NULL));
    g_free(csv);
    rc = run(&out, &err, "mpirun", "--oversubscribe", "-n", "2", NVOSIM,
             SWEEP_ARGS(scen_copy, mpi), "--mpi", "--resume", "-j", "2",
             NULL);
    ck_assert_msg(rc == 0, "mpi resume: exit %d: %s%s", rc, out, err);
    ck_assert_msg(strstr(out, "5 done before, 3 to run"), "%s", out);
    ck_assert_msg(strstr(out, "8 of 8 runs done, 0 failed"), "%s", out);
    g_free(out);
    g_free(err);
    rm = rows_without_wall(mpi);
    ck_assert_str_eq(rl, rm);
    g_free(rm);
    g_free(rl);
    g_free(csv_path);
    g_free(scen_copy);
    g_free(local);
    g_free(mpi);
    g_free(base);
}
END_TEST

/* Whether this build has MPI and mpirun is there; says why not. */
static bool
can_run(void)
{
    char *out = NULL, *err = NULL;
    int status;
    const char *argv[] = { NVOSIM, "sweep", "--help", NULL };
    if (!g_spawn_sync(NULL, (char **) argv, NULL, 0, NULL, NULL, &out, &err,
                      &status, NULL)) {
        printf("test_sweep_mpi: cannot run %s\n", NVOSIM);
        return false;
    }
    bool built = out && strstr(out, "MPI: built in") != NULL;
    g_free(out);
    g_free(err);
    if (!built) {
        printf("test_sweep_mpi: nvosim was built without MPI; cannot "
               "test MPI sweeps (skipped)\n");
        return false;
    }
    char *mpirun = g_find_program_in_path("mpirun");
    if (!mpirun) {
        printf("test_sweep_mpi: no mpirun in PATH; cannot test MPI sweeps "
               "(skipped)\n");
        return false;
    }
    g_free(mpirun);
    return true;
}

int
main(void)
{
    if (!can_run()) {
        return 77;
    }
    g_setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", TRUE);
    g_setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", TRUE);
    /* Open MPI in a container: no bind-to-core warnings. */
    g_setenv("OMPI_MCA_hwloc_base_binding_policy", "none", TRUE);
    const char *asan = g_getenv("ASAN_OPTIONS");
    char *opts = g_strdup_printf("%s%sdetect_leaks=0", asan ? asan : "",
                                 asan && *asan ? ":" : "");
    g_setenv("ASAN_OPTIONS", opts, TRUE);
    g_free(opts);
    Suite *s = suite_create("sweep-mpi");
    TCase *tc = tcase_create("mpi");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, mpi_same_rows);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
