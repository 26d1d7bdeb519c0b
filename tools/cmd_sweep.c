/* cmd_sweep.c: "nvosim sweep SCENARIO.xml --vary PATH=LIST ... --out DIR":
 * run a scenario over a grid of --set values, R times per point, N runs
 * at a time (or over the ranks of an MPI job), one results folder per
 * run, and one row per run in DIR/sweep.csv.
 *
 * Steps:
 *   1. load the scenario with the --set overrides; the sweep is its
 *      <sweep> element with the --vary lists added (a --vary of a path
 *      the file varies replaces the file's list) and --runs over its
 *      runs (model/run/sweep.h);
 *   2. load it once more per varied value, so that a bad path or value
 *      is reported before anything runs;
 *   3. DIR: a new sweep needs it missing or empty; --resume needs the
 *      same definition in DIR/sweep.def (the scenario path and content,
 *      runs, sets and expanded values).  DIR/sweep.lock (flock) keeps a
 *      second sweep out of DIR while this one, or any of its runs, lives;
 *   4. sweep.csv is rebuilt from the runs' folders (a run is complete iff
 *      its folder holds a valid summary.csv, which "nvosim run" writes
 *      atomically and last) and renamed into place: a row cut off by a
 *      kill -9 is gone, and none is there twice;
 *   5. the missing runs run as child processes (tools/runner.h); this
 *      process alone writes sweep.csv: each finished run's row is
 *      appended with one write() to an O_APPEND descriptor;
 *   6. at the end sweep.csv is rebuilt once more, so that it ends in
 *      (point, run) order whatever order the runs finished in.
 * A failed run has no row; its folder keeps run.log and is run again by
 * --resume.  A live progress line is drawn on stderr when it is a
 * terminal (or NVO_PROGRESS=1).  SIGINT or SIGTERM stops the sweep: runs
 * under way are stopped and left for --resume.  docs/sweeps.md describes
 * the command and the files. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "core/fileio.h"
#include "io/config.h"
#include "io/progress.h"
#include "runner.h"
#include "run/sweep.h"
#include "sweep_mpi.h"

struct opts {
    const char *scenario;
    const char *out;
    GPtrArray *sets;            /* char * */
    GPtrArray *varies;          /* char *, "PATH=LIST" */
    guint64 runs;               /* 0: the file's, or 1 */
    guint64 jobs;               /* 0: the default */
    bool resume;
    bool mpi;
};

struct sweep {
    const struct nvo_sweep_def *def;
    char *dir;                  /* absolute */
    char *csv_path;             /* DIR/sweep.csv */
    int lock_fd;                /* DIR/sweep.lock, locked */
    int csv_fd;                 /* sweep.csv, O_APPEND */
    size_t n_runs;              /* in the sweep */
    size_t n_before;            /* complete when this session started */
    size_t *missing;            /* runs to do, as indexes (point - 1) * runs + run - 1 */
    size_t n_missing, next;
    size_t n_ok, n_failed;      /* in this session */
    GPtrArray *failures;        /* char *, one line each */
    double t0, last_draw;
    bool show_progress, drawn;
};

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
    interrupted = sig;
}

static void
usage(FILE *f)
{
    fprintf(f,
"usage: nvosim sweep SCENARIO.xml --vary PATH=LIST [--vary ...] --out DIR\n"
"                    [--runs R] [-j N] [--set PATH=VALUE]... [--resume]\n"
"                    [--mpi]\n"
"\n"
"Runs SCENARIO at every point of the grid of the --vary lists, R times\n"
"per point (run numbers 1..R), each run in its own process and folder\n"
"(DIR/runs/P<point>-R<run>), and writes one row per run to DIR/sweep.csv.\n"
"Points are numbered from 1 with the last --vary varying fastest.\n"
"\n"
"Options:\n"
"  --vary PATH=LIST   a dimension of the grid: a --set PATH and a comma-\n"
"                     separated list of values and ranges: 2:64:x2 (2, 4,\n"
"                     ..., 64), 0.1:0.9:+0.2 (steps), 1:5 (steps of 1);\n"
"                     e.g. --vary underlay.ecmp.function=crc32,toeplitz;\n"
"                     adds to the scenario's <sweep>, or replaces its\n"
"                     list for PATH; repeatable\n"
"  --runs R           replications per point [<sweep runs>, or 1]\n"
"  -j, --jobs N       runs at a time [the number of CPUs; with --mpi, 1\n"
"                     per rank]\n"
"  --out DIR          the sweep's directory (required); must be missing\n"
"                     or empty, unless --resume\n"
"  --set PATH=VALUE   override an attribute in every run (as in nvosim\n"
"                     run); repeatable\n"
"  --resume           continue the same sweep in DIR: run only the runs\n"
"                     that are not complete\n"
"  --mpi              share the runs among the ranks of an MPI job:\n"
"                     mpirun -n K nvosim sweep ... --mpi\n"
"  -h, --help         this help\n"
"\n"
"Exit status: 0 if every run succeeded, 1 if any failed (they are listed\n"
"and have no row) or the scenario does not load, 2 on usage errors and\n"
"for a DIR that holds something else.  docs/sweeps.md has the details.\n"
"MPI: %s.\n",
#ifdef NVO_HAVE_MPI
            "built in"
#else
            "not built in"
#endif
            );
}

/* ---- Options --------------------------------------------------------- */

static void
opts_free(struct opts *o)
{
    g_ptr_array_free(o->sets, TRUE);
    g_ptr_array_free(o->varies, TRUE);
}

/* Returns 0, or the exit status (2 usage, or 0 after --help). */
static int
parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option longopts[] = {
        { "vary", required_argument, NULL, 'V' },
        { "runs", required_argument, NULL, 'R' },
        { "jobs", required_argument, NULL, 'j' },
        { "out", required_argument, NULL, 'o' },
        { "set", required_argument, NULL, 'S' },
        { "resume", no_argument, NULL, 'r' },
        { "mpi", no_argument, NULL, 'M' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    memset(o, 0, sizeof *o);
    o->sets = g_ptr_array_new_with_free_func(g_free);
    o->varies = g_ptr_array_new_with_free_func(g_free);
    int c;
    optind = 1;
    opterr = 0;                 /* nvo_cli_bad_option() says what is wrong */
    while ((c = getopt_long(argc, argv, "j:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'V':
            g_ptr_array_add(o->varies, g_strdup(optarg));
            break;
        case 'R':
            if (!g_ascii_string_to_unsigned(optarg, 10, 1,
                                            NVO_SWEEP_MAX_RUNS, &o->runs,
                                            NULL)) {
                fprintf(stderr, "nvosim sweep: --runs %s: expected a "
                        "number from 1 to %d\n", optarg, NVO_SWEEP_MAX_RUNS);
                return 2;
            }
            break;
        case 'j':
            if (!g_ascii_string_to_unsigned(optarg, 10, 1, 1024, &o->jobs,
                                            NULL)) {
                fprintf(stderr, "nvosim sweep: -j %s: expected a number "
                        "from 1 to 1024\n", optarg);
                return 2;
            }
            break;
        case 'o':
            if (!*optarg) {
                fprintf(stderr, "nvosim sweep: --out: an empty path (name "
                        "the sweep's directory, e.g. --out results/sweep)\n");
                return 2;
            }
            o->out = optarg;
            break;
        case 'S':
            if (g_str_has_prefix(optarg, "run.run=")) {
                fprintf(stderr, "nvosim sweep: --set %s: run numbers are "
                        "the replications (--runs R gives runs 1..R); set "
                        "run.seed instead\n", optarg);
                return 2;
            }
            g_ptr_array_add(o->sets, g_strdup(optarg));
            break;
        case 'r':
            o->resume = true;
            break;
        case 'M':
            o->mpi = true;
            break;
        case 'h':
            usage(stdout);
            return -1;
        default:
            nvo_cli_bad_option("sweep", argv, longopts, "j:h");
            return 2;
        }
    }
    if (optind == argc) {
        fprintf(stderr, "nvosim sweep: which scenario? (nvosim sweep "
                "--help)\n");
        return 2;
    }
    if (optind != argc - 1) {
        fprintf(stderr, "nvosim sweep: one scenario at a time (\"%s\" is "
                "one too many)\n", argv[optind + 1]);
        return 2;
    }
    o->scenario = argv[optind];
    if (!o->out) {
        fprintf(stderr, "nvosim sweep: --out DIR is required (the sweep's "
                "directory)\n");
        return 2;
    }
    return 0;
}

/* ---- The sweep's definition ------------------------------------------ */

/* Loads the scenario and builds the sweep; checks every varied value.
 * Returns the definition, or NULL with *rc set (1 bad input, 2 usage). */
static struct nvo_sweep_def *
define(const struct opts *o, int *rc)
{
    GError *error = NULL;
    struct nvo_scenario_cfg *cfg = nvo_scenario_load(
        o->scenario, (const char *const *) o->sets->pdata, o->sets->len,
        &error);
    if (!cfg) {
        fprintf(stderr, "%s\n", error->message);
        g_error_free(error);
        *rc = 1;
        return NULL;
    }
    struct nvo_sweep_def *def = nvo_sweep_def_create(cfg->path);
    char *both = g_strconcat(cfg->xml, "\n", cfg->topo->xml, NULL);
    char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, both, -1);
    def->content = g_strconcat("sha256:", sum, NULL);
    g_free(sum);
    g_free(both);
    for (guint i = 0; i < o->sets->len; i++) {
        g_ptr_array_add(def->sets, g_strdup(o->sets->pdata[i]));
    }
    def->runs = o->runs ? (uint32_t) o->runs : cfg->sweep.runs;
    char *err = NULL;
    /* The file's lists were checked when it loaded. */
    /* Where the file's <vary> elements are, for messages. */
    GHashTable *vary_line = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                  g_free, NULL);
    for (size_t i = 0; i < cfg->sweep.n_vary; i++) {
        nvo_sweep_def_vary(def, cfg->sweep.vary[i].path,
                           cfg->sweep.vary[i].values, &err);
        g_free(err);
        g_hash_table_insert(vary_line, g_strdup(cfg->sweep.vary[i].path),
                            GINT_TO_POINTER(cfg->sweep.vary[i].line));
    }
    char *file = g_strdup(cfg->path);
    nvo_scenario_cfg_destroy(cfg);
    for (guint i = 0; i < o->varies->len; i++) {
        if (!nvo_sweep_def_vary_arg(def, o->varies->pdata[i], &err)) {
            fprintf(stderr, "nvosim sweep: --vary %s: %s\n",
                    (char *) o->varies->pdata[i], err);
            g_free(err);
            nvo_sweep_def_destroy(def);
            g_hash_table_destroy(vary_line);
            g_free(file);
            *rc = 2;
            return NULL;
        }
    }
    if (!nvo_sweep_def_n_runs(def)) {
        fprintf(stderr, "nvosim sweep: more than %d runs in all\n",
                NVO_SWEEP_MAX_RUNS);
        nvo_sweep_def_destroy(def);
        g_hash_table_destroy(vary_line);
        g_free(file);
        *rc = 2;
        return NULL;
    }

    /* Every value once, with the sweep's overrides. */
    bool ok = true;
    for (guint d = 0; d < def->dims->len; d++) {
        const struct nvo_sweep_dim *dim = def->dims->pdata[d];
        for (size_t v = 0; v < dim->n_values; v++) {
            GPtrArray *sets = g_ptr_array_new_with_free_func(g_free);
            for (guint i = 0; i < def->sets->len; i++) {
                g_ptr_array_add(sets, g_strdup(def->sets->pdata[i]));
            }
            g_ptr_array_add(sets, g_strdup_printf("%s=%s", dim->path,
                                                  dim->values[v]));
            cfg = nvo_scenario_load(o->scenario,
                                    (const char *const *) sets->pdata,
                                    sets->len, &error);
            if (!cfg) {
                int line = GPOINTER_TO_INT(g_hash_table_lookup(vary_line,
                                                               dim->path));
                if (line) {
                    fprintf(stderr, "%s:%d: <vary path=\"%s\">, value %s:"
                            "\n%s\n", file, line, dim->path, dim->values[v],
                            error->message);
                } else {
                    fprintf(stderr, "nvosim sweep: vary %s, value %s:\n%s\n",
                            dim->path, dim->values[v], error->message);
                }
                g_clear_error(&error);
                ok = false;
            }
            nvo_scenario_cfg_destroy(cfg);
            g_ptr_array_free(sets, TRUE);
        }
    }
    g_hash_table_destroy(vary_line);
    g_free(file);
    if (!ok) {
        nvo_sweep_def_destroy(def);
        *rc = 1;
        return NULL;
    }
    return def;
}

/* ---- The sweep's directory ------------------------------------------- */

static bool
dir_is_empty(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    bool empty = !d || !g_dir_read_name(d);
    if (d) {
        g_dir_close(d);
    }
    return empty;
}

/* Prepares DIR for 'def': creates it, takes its lock, checks or writes
 * sweep.def.  Returns the lock's descriptor (kept open: runs inherit it,
 * so the lock lives while any of them does), or -1 with *rc set. */
static int
prepare_dir(const struct opts *o, const struct nvo_sweep_def *def, int *rc)
{
    const char *dir = o->out;
    *rc = 2;
    if (g_file_test(dir, G_FILE_TEST_EXISTS)
        && !g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        fprintf(stderr, "nvosim sweep: %s is not a directory\n", dir);
        return -1;
    }
    bool fresh = dir_is_empty(dir);
    if (!fresh && !o->resume) {
        fprintf(stderr, "nvosim sweep: %s is not empty: add --resume to "
                "continue the sweep in it, or choose another --out\n", dir);
        return -1;
    }
    char *runs = g_build_filename(dir, "runs", NULL);
    int err = nvo_mkdir_p(runs);
    g_free(runs);
    if (err) {
        fprintf(stderr, "nvosim sweep: cannot create %s: %s\n", dir,
                g_strerror(err));
        *rc = 1;
        return -1;
    }
    char *lock = g_build_filename(dir, "sweep.lock", NULL);
    int fd;
    for (int tries = 0;; tries++) {
        fd = open(lock, O_RDWR | O_CREAT, 0666);
        if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB)) {
            break;
        }
        /* A sweep that ends removes the file: if it went between open()
         * and flock(), this lock is on a file no one else will find. */
        struct stat a, b;
        if ((!fstat(fd, &a) && !stat(lock, &b) && a.st_dev == b.st_dev
             && a.st_ino == b.st_ino) || tries == 100) {
            break;
        }
        close(fd);
    }
    if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB)) {
        err = errno;
        fprintf(stderr, "nvosim sweep: %s: %s\n", lock,
                err == EWOULDBLOCK
                ? "the directory is in use by another nvosim sweep (or by "
                  "runs of an interrupted one that are still finishing)"
                : g_strerror(err));
        g_free(lock);
        if (fd >= 0) {
            close(fd);
        }
        *rc = 1;
        return -1;
    }
    g_free(lock);

    char *path = g_build_filename(dir, "sweep.def", NULL);
    char *text = nvo_sweep_def_text(def);
    char *old = NULL;
    if (!fresh) {
        if (!g_file_get_contents(path, &old, NULL, NULL)) {
            fprintf(stderr, "nvosim sweep: %s holds no sweep (no "
                    "sweep.def); choose another --out\n", dir);
            goto fail;
        }
        char *diff = nvo_sweep_def_diff(old, text);
        if (diff) {
            fprintf(stderr, "nvosim sweep: %s holds a different sweep: %s; "
                    "resume it with the same scenario, --vary, --runs and "
                    "--set, or choose another --out\n", dir, diff);
            g_free(diff);
            goto fail;
        }
    } else if ((err = nvo_file_write_atomic(path, text, strlen(text)))) {
        fprintf(stderr, "nvosim sweep: %s: %s\n", path, g_strerror(err));
        *rc = 1;
        goto fail;
    }
    g_free(old);
    g_free(text);
    g_free(path);
    return fd;
fail:
    g_free(old);
    g_free(text);
    g_free(path);
    close(fd);
    return -1;
}

/* Rebuilds DIR/sweep.csv from the run folders (atomically); fills
 * 'done' if not NULL.  Returns false after printing why. */
static bool
rebuild_csv(struct sweep *sw, bool *done, size_t *n_done)
{
    char *csv = nvo_sweep_def_rebuild(sw->def, sw->dir, done, n_done);
    char *path = g_build_filename(sw->dir, "sweep.csv", NULL);
    int err = nvo_file_write_atomic(path, csv, strlen(csv));
    if (err) {
        fprintf(stderr, "nvosim sweep: %s: %s\n", path, g_strerror(err));
    }
    bool ok = !err;
    g_free(path);
    g_free(csv);
    return ok;
}

/* ---- Progress and results -------------------------------------------- */

static char *
format_secs(double s)
{
    if (s < 100) {
        return g_strdup_printf("%.0fs", s);
    }
    unsigned t = (unsigned) (s + 0.5);
    if (t < 3600) {
        return g_strdup_printf("%um%02us", t / 60, t % 60);
    }
    return g_strdup_printf("%uh%02um", t / 3600, t / 60 % 60);
}

static void
clear_progress(struct sweep *sw)
{
    if (sw->drawn) {
        fprintf(stderr, "\r%*s\r", 79, "");
        sw->drawn = false;
    }
}

static void
draw_progress(struct sweep *sw, bool force)
{
    double now = nvo_wall_seconds();
    if (!sw->show_progress || (!force && now - sw->last_draw < 0.5)) {
        return;
    }
    size_t finished = sw->n_ok + sw->n_failed;
    double elapsed = now - sw->t0;
    char *el = format_secs(elapsed);
    char *eta = finished ? format_secs(elapsed / (double) finished
                                       * (double) (sw->n_missing - finished))
                         : g_strdup("?");
    fprintf(stderr, "\rsweep: %zu/%zu runs done, %zu failed, %s elapsed, "
            "ETA %s   ", sw->n_before + sw->n_ok, sw->n_runs, sw->n_failed,
            el, eta);
    g_free(el);
    g_free(eta);
    sw->last_draw = now;
    sw->drawn = true;
}

/* The point of run index 'idx' ((point - 1) * runs + run - 1), and its
 * run number in *run. */
static size_t
run_of(const struct sweep *sw, size_t idx, uint32_t *run)
{
    *run = (uint32_t) (idx % sw->def->runs + 1);
    return idx / sw->def->runs + 1;
}

/* "P3-R2 (PATH=VALUE, ...; run 2)". */
static char *
run_label(const struct sweep *sw, size_t idx)
{
    uint32_t run;
    size_t point = run_of(sw, idx, &run);
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "P%zu-R%" PRIu32 " (", point, run);
    for (guint d = 0; d < sw->def->dims->len; d++) {
        const struct nvo_sweep_dim *dim = sw->def->dims->pdata[d];
        g_string_append_printf(s, "%s%s=%s", d ? ", " : "", dim->path,
                               nvo_sweep_def_value(sw->def, point, d));
    }
    g_string_append_printf(s, "%srun %" PRIu32 ")",
                           sw->def->dims->len ? "; " : "", run);
    return g_string_free(s, FALSE);
}

static void
record_failure(struct sweep *sw, size_t idx, const char *reason)
{
    char *label = run_label(sw, idx);
    char *line = g_strdup_printf("%s: %s", label, reason);
    clear_progress(sw);
    fprintf(stderr, "nvosim sweep: %s failed: %s\n", label, reason);
    g_ptr_array_add(sw->failures, line);
    sw->n_failed++;
    g_free(label);
}

/* A run succeeded: append its row (one write() of the whole line). */
static void
record_result(struct sweep *sw, size_t idx, const char *summary)
{
    uint32_t run;
    size_t point = run_of(sw, idx, &run);
    char *err = NULL;
    char *row = nvo_sweep_def_csv_row(sw->def, point, run, summary, &err);
    if (!row) {
        char *reason = g_strdup_printf("its summary.csv: %s", err);
        record_failure(sw, idx, reason);
        g_free(reason);
        g_free(err);
        return;
    }
    char *line = g_strconcat(row, "\n", NULL);
    size_t len = strlen(line);
    struct stat st;
    bool sized = sw->csv_fd >= 0 && !fstat(sw->csv_fd, &st);
    ssize_t n = sw->csv_fd >= 0 ? write(sw->csv_fd, line, len) : -1;
    if (n != (ssize_t) len) {
        /* Rare (a full disk).  Cut off a partial row, so that no later
         * row is appended to it, and stop appending: the row is rebuilt
         * at the end or by --resume from the run's folder. */
        int e = errno;
        if (n > 0 && sized && ftruncate(sw->csv_fd, st.st_size)) {
            /* The final rebuild rewrites the file anyway. */
        }
        if (sw->csv_fd >= 0) {
            clear_progress(sw);
            fprintf(stderr, "nvosim sweep: cannot append to %s/sweep.csv: "
                    "%s; the file is rebuilt from the run folders at the "
                    "end\n", sw->dir, n < 0 ? g_strerror(e) : "short write");
            close(sw->csv_fd);
            sw->csv_fd = -1;
        }
    }
    sw->n_ok++;
    g_free(line);
    g_free(row);
}

/* A local run ended: its result from its folder. */
static void
finish_local(struct sweep *sw, size_t idx, int status)
{
    uint32_t run;
    size_t point = run_of(sw, idx, &run);
    char *dir = nvo_sweep_run_dir(sw->dir, point, run);
    char *reason = nvo_runner_finish(dir, status);
    if (reason) {
        record_failure(sw, idx, reason);
    } else {
        char *path = g_build_filename(dir, "summary.csv", NULL);
        char *text = NULL;
        GError *error = NULL;
        if (g_file_get_contents(path, &text, NULL, &error)) {
            record_result(sw, idx, text);
        } else {
            record_failure(sw, idx, error->message);
            g_error_free(error);
        }
        g_free(text);
        g_free(path);
    }
    g_free(reason);
    g_free(dir);
}

/* ---- Running ----------------------------------------------------------- */

/* Runs the missing runs: up to 'slots' here, and, with MPI, on the other
 * 'mpi_size' - 1 ranks.  Returns false if interrupted. */
static bool
run_all(struct sweep *sw, int slots, bool mpi, int mpi_size)
{
    pid_t *pids = g_new0(pid_t, slots);
    size_t *slot_idx = g_new0(size_t, slots);
    size_t n_active = 0;
    /* MPI: ranks not yet told to stop, and runs handed out to ranks and
     * not yet reported (a rank told to stop still finishes its runs). */
    int workers = mpi ? mpi_size - 1 : 0;
    size_t n_remote = 0;
    bool stopping = false;
    while (sw->next < sw->n_missing || n_active || workers > 0 || n_remote) {
        if (interrupted && !stopping) {
            for (size_t i = 0; i < n_active; i++) {
                kill(pids[i], SIGTERM);
            }
            stopping = true;
        }
        while (!interrupted && n_active < (size_t) slots
               && sw->next < sw->n_missing) {
            size_t idx = sw->missing[sw->next++];
            uint32_t run;
            size_t point = run_of(sw, idx, &run);
            char *dir = nvo_sweep_run_dir(sw->dir, point, run);
            GPtrArray *sets = nvo_sweep_def_run_sets(sw->def, point, run);
            char *reason = NULL;
            if (nvo_runner_start(sw->def->scenario, dir,
                                 (const char *const *) sets->pdata,
                                 sets->len, &pids[n_active], &reason)) {
                record_failure(sw, idx, reason);
                g_free(reason);
            } else {
                slot_idx[n_active++] = idx;
            }
            g_ptr_array_free(sets, TRUE);
            g_free(dir);
        }
        if (interrupted && !n_active) {
            break;
        }
        int status;
        int k = nvo_runner_wait(pids, n_active,
                                workers > 0 || n_remote ? 2 : 250, &status);
        if (k >= 0) {
            size_t idx = slot_idx[k];
            n_active--;
            pids[k] = pids[n_active];
            slot_idx[k] = slot_idx[n_active];
            if (!(interrupted && nvo_runner_interrupted(status))) {
                finish_local(sw, idx, status);
            }
        }
#ifdef NVO_HAVE_MPI
        struct nvo_mpi_msg m;
        while ((workers > 0 || n_remote) && nvo_mpi_poll(&m)) {
            if (m.kind == NVO_MPI_REQUEST) {
                if (sw->next < sw->n_missing) {
                    size_t idx = sw->missing[sw->next++];
                    uint32_t run;
                    size_t point = run_of(sw, idx, &run);
                    char *dir = nvo_sweep_run_dir(sw->dir, point, run);
                    GPtrArray *sets = nvo_sweep_def_run_sets(sw->def, point,
                                                             run);
                    nvo_mpi_send_task(m.from, idx, sw->def->scenario, dir,
                                      sets);
                    n_remote++;
                    g_ptr_array_free(sets, TRUE);
                    g_free(dir);
                } else {
                    nvo_mpi_send_stop(m.from);
                    workers--;
                }
            } else if (m.task < sw->n_runs) {
                n_remote -= n_remote > 0;
                if (m.ok) {
                    record_result(sw, m.task, m.text);
                } else {
                    record_failure(sw, m.task, m.text);
                }
            }
            g_free(m.text);
        }
#endif
        draw_progress(sw, k >= 0);
    }
    g_free(pids);
    g_free(slot_idx);
    return !interrupted;
}

/* Prepares the sweep on rank 0 (or without MPI): DIR, its lock and
 * sweep.def, sweep.csv rebuilt from the folders and opened for appending,
 * the list of missing runs.  Returns false with *rc set. */
static bool
sweep_prepare(struct sweep *sw, const struct opts *o,
              struct nvo_sweep_def *def, int *rc)
{
    memset(sw, 0, sizeof *sw);
    sw->csv_fd = -1;
    sw->lock_fd = prepare_dir(o, def, rc);
    nvo_runner_inherit_fd(sw->lock_fd);
    if (sw->lock_fd < 0) {
        return false;
    }
    sw->def = def;
    /* Absolute: the path goes to the runs and to other MPI ranks. */
    sw->dir = g_canonicalize_filename(o->out, NULL);
    sw->csv_path = g_build_filename(sw->dir, "sweep.csv", NULL);
    sw->n_runs = nvo_sweep_def_n_runs(def);
    sw->failures = g_ptr_array_new_with_free_func(g_free);
    const char *env = getenv("NVO_PROGRESS");
    sw->show_progress = (env && !strcmp(env, "1"))
                        || isatty(STDERR_FILENO);
    bool *done = g_new0(bool, sw->n_runs);
    *rc = 1;
    if (!rebuild_csv(sw, done, &sw->n_before)) {
        g_free(done);
        return false;
    }
    sw->csv_fd = open(sw->csv_path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (sw->csv_fd < 0) {
        fprintf(stderr, "nvosim sweep: %s: %s\n", sw->csv_path,
                g_strerror(errno));
        g_free(done);
        return false;
    }
    sw->missing = g_new(size_t, sw->n_runs - sw->n_before + 1);
    for (size_t i = 0; i < sw->n_runs; i++) {
        if (!done[i]) {
            sw->missing[sw->n_missing++] = i;
        }
    }
    g_free(done);
    *rc = 0;
    return true;
}

static void
sweep_close(struct sweep *sw)
{
    if (sw->csv_fd >= 0) {
        close(sw->csv_fd);
    }
    if (sw->lock_fd >= 0) {
        /* Every run has ended (the runs hold the lock too): the lock goes
         * with the sweep.  Removed before it is unlocked, so that no
         * other sweep locks a file that is then removed. */
        char *lock = g_build_filename(sw->dir, "sweep.lock", NULL);
        unlink(lock);
        g_free(lock);
        close(sw->lock_fd);
    }
    g_free(sw->dir);
    g_free(sw->csv_path);
    g_free(sw->missing);
    if (sw->failures) {
        g_ptr_array_free(sw->failures, TRUE);
    }
}

/* Runs the prepared sweep and reports.  Returns the exit status. */
static int
sweep_execute(struct sweep *sw, bool mpi, int mpi_size, int slots)
{
    int rc = 0;
    const struct nvo_sweep_def *def = sw->def;
    size_t n_points = nvo_sweep_def_n_points(def);
    printf("sweep: %s: %zu point%s x %" PRIu32 " run%s = %zu runs",
           def->scenario, n_points, n_points == 1 ? "" : "s", def->runs,
           def->runs == 1 ? "" : "s", sw->n_runs);
    if (mpi) {
        printf(", %d MPI rank%s x %d at a time", mpi_size,
               mpi_size == 1 ? "" : "s", slots);
    } else {
        printf(", %d at a time", slots);
    }
    if (sw->n_before) {
        printf("; %zu done before, %zu to run", sw->n_before, sw->n_missing);
    }
    printf("\n");
    fflush(stdout);

    struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    if (!mpi) {
        sigaction(SIGINT, &sa, &old_int);
        sigaction(SIGTERM, &sa, &old_term);
    }
    sw->t0 = nvo_wall_seconds();
    draw_progress(sw, true);
    bool complete = run_all(sw, slots, mpi, mpi_size);
    clear_progress(sw);
    if (!mpi) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
    }
    if (sw->csv_fd >= 0) {
        close(sw->csv_fd);
        sw->csv_fd = -1;
    }

    /* In (point, run) order now. */
    size_t n_done = 0;
    if (!rebuild_csv(sw, NULL, &n_done)) {
        rc = 1;
    }
    double wall = nvo_wall_seconds() - sw->t0;
    if (!complete) {
        fprintf(stderr, "nvosim sweep: interrupted after %.1f s: %zu of %zu "
                "runs done; rerun the same command with --resume to run "
                "the rest\n", wall, n_done, sw->n_runs);
        return 128 + (int) interrupted;
    }
    printf("sweep: %zu of %zu runs done, %zu failed, in %.1f s; wrote %s\n",
           n_done, sw->n_runs, sw->n_failed, wall, sw->csv_path);
    if (sw->n_failed) {
        fflush(stdout);
        fprintf(stderr, "nvosim sweep: %zu run%s failed (no row in "
                "sweep.csv; --resume runs them again):\n", sw->n_failed,
                sw->n_failed == 1 ? "" : "s");
        for (guint i = 0; i < sw->failures->len; i++) {
            fprintf(stderr, "  %s\n", (char *) sw->failures->pdata[i]);
        }
        rc = 1;
    }
    return rc;
}

int
nvo_cmd_sweep_main(int argc, char **argv)
{
    /* --mpi decides, before anything else, whether this is one rank of
     * many; ranks other than 0 only run what rank 0 hands them. */
    bool mpi = false;
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
        mpi |= !strcmp(argv[i], "--mpi");
    }
    int size = 1;
    if (mpi) {
#ifdef NVO_HAVE_MPI
        int rank = 0;
        nvo_mpi_init(&rank, &size);
        if (rank != 0) {
            int go = 0, slots = 0;
            nvo_mpi_start(&go, &slots);
            if (go) {
                nvo_mpi_worker(slots);
            }
            nvo_mpi_finalize();
            return 0;
        }
#else
        fprintf(stderr, "nvosim sweep: --mpi: this nvosim was built without "
                "MPI (install libopenmpi-dev, or run scripts/setup, and "
                "build again)\n");
        return 2;
#endif
    }

    struct opts o;
    int rc = parse_opts(argc, argv, &o);
    struct nvo_sweep_def *def = NULL;
    if (!rc) {
        def = define(&o, &rc);
    }
    int slots = o.jobs ? (int) o.jobs : 1;
    if (!o.jobs && !mpi) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        slots = n > 0 ? (int) n : 1;
    }
    /* The other ranks start only once DIR is ready. */
    struct sweep sw = { .csv_fd = -1, .lock_fd = -1 };
    bool ready = def && sweep_prepare(&sw, &o, def, &rc);
#ifdef NVO_HAVE_MPI
    if (mpi) {
        int go = ready;
        nvo_mpi_start(&go, &slots);
    }
#endif
    if (ready) {
        rc = sweep_execute(&sw, mpi, size, slots);
    }
    sweep_close(&sw);
#ifdef NVO_HAVE_MPI
    if (mpi) {
        nvo_mpi_finalize();
    }
#endif
    nvo_sweep_def_destroy(def);
    opts_free(&o);
    return rc < 0 ? 0 : rc;
}
