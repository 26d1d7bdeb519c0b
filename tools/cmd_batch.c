/* cmd_batch.c: "nvosim batch FILES...": run many scenarios, one results
 * folder each, N at a time, each in its own process (runner.h); go on
 * past a scenario that does not load or a run that fails, and end with
 * the list of what failed and why.
 *
 * Every file is loaded here first (with the --set overrides), so that a
 * bad file is reported at once and the folder can be named after the
 * scenario: DIR/NAME with --out, else the scenario's own output
 * directory.  Two scenarios that would share a folder get "-2", "-3", ...
 * on the later one's.  A folder that holds an earlier run's files
 * (runner.h) fails its scenario, as "nvosim run" would, unless --force:
 * then the run replaces them.  docs/sweeps.md describes the command. */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "io/config.h"
#include "io/progress.h"
#include "runner.h"

struct job {
    const char *file;
    char *name;                 /* the scenario's name, or NULL */
    char *dir;                  /* its results folder, or NULL */
    char *reason;               /* why it failed, or NULL */
    double t0, wall;
    bool ok;
};

static void
usage(FILE *f)
{
    fprintf(f,
"usage: nvosim batch FILES... [OPTIONS]\n"
"\n"
"Runs each scenario file, each in its own process, and writes its results\n"
"folder; goes on past a file or a run that fails, and lists the failures\n"
"at the end.\n"
"\n"
"Options:\n"
"  --out DIR          write each scenario's results into DIR/NAME (NAME:\n"
"                     the scenario's name) [each scenario's own output\n"
"                     directory]; two scenarios with one folder get -2,\n"
"                     -3, ... on the later one's\n"
"  --force            replace the earlier runs in those folders (as\n"
"                     nvosim run --force); without it a folder that holds\n"
"                     one fails its scenario\n"
"  --set PATH=VALUE   override an attribute of every scenario (as in\n"
"                     nvosim run); repeatable\n"
"  -j, --jobs N       run N scenarios at a time [the number of CPUs]\n"
"  -h, --help         this help\n"
"\n"
"Exit status: 0 if every scenario ran, 1 if any failed, 2 on usage\n"
"errors.\n");
}

/* "FAILED  FILE (NAME): REASON" on stderr, the first line of it. */
static void
print_failed__(const struct job *j)
{
    const char *nl = strchr(j->reason, '\n');
    int len = nl ? (int) (nl - j->reason) : (int) strlen(j->reason);
    fprintf(stderr, "FAILED  %s%s%s%s: %.*s%s\n", j->file,
            j->name ? " (" : "", j->name ? j->name : "", j->name ? ")" : "",
            len, j->reason, nl ? " ..." : "");
}

/* A folder not used by an earlier job: 'base', else base-2, base-3... */
static char *
unique_dir__(GHashTable *used, const char *base)
{
    char *dir = g_strdup(base);
    for (unsigned i = 2; g_hash_table_contains(used, dir); i++) {
        g_free(dir);
        dir = g_strdup_printf("%s-%u", base, i);
    }
    g_hash_table_add(used, g_strdup(dir));
    return dir;
}

int
nvo_cmd_batch_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "out", required_argument, NULL, 'o' },
        { "force", no_argument, NULL, 'f' },
        { "set", required_argument, NULL, 'S' },
        { "jobs", required_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    GPtrArray *sets = g_ptr_array_new_with_free_func(g_free);
    const char *out = NULL;
    bool force = false;
    long n_cpus = sysconf(_SC_NPROCESSORS_ONLN);
    guint64 jobs = n_cpus > 0 ? (guint64) n_cpus : 1;
    int c, rc = 0;
    optind = 1;
    opterr = 0;                 /* nvo_cli_bad_option() says what is wrong */
    while ((c = getopt_long(argc, argv, "j:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            if (!*optarg) {
                fprintf(stderr, "nvosim batch: --out: an empty path (name "
                        "the directory, e.g. --out results/batch)\n");
                g_ptr_array_free(sets, TRUE);
                return 2;
            }
            out = optarg;
            break;
        case 'f':
            force = true;
            break;
        case 'S':
            g_ptr_array_add(sets, g_strdup(optarg));
            break;
        case 'j':
            if (!g_ascii_string_to_unsigned(optarg, 10, 1, 1024, &jobs,
                                            NULL)) {
                fprintf(stderr, "nvosim batch: -j %s: expected a number "
                        "from 1 to 1024\n", optarg);
                g_ptr_array_free(sets, TRUE);
                return 2;
            }
            break;
        case 'h':
            usage(stdout);
            g_ptr_array_free(sets, TRUE);
            return 0;
        default:
            nvo_cli_bad_option("batch", argv, longopts, "j:h");
            g_ptr_array_free(sets, TRUE);
            return 2;
        }
    }
    if (optind == argc) {
        fprintf(stderr, "nvosim batch: which scenarios? (nvosim batch "
                "--help)\n");
        g_ptr_array_free(sets, TRUE);
        return 2;
    }

    /* Load every file: its name and folder, or why it cannot run. */
    size_t n_jobs = (size_t) (argc - optind);
    struct job *jv = g_new0(struct job, n_jobs);
    GHashTable *used = g_hash_table_new_full(g_str_hash, g_str_equal,
                                             g_free, NULL);
    for (size_t i = 0; i < n_jobs; i++) {
        struct job *j = &jv[i];
        j->file = argv[optind + (int) i];
        GError *error = NULL;
        struct nvo_scenario_cfg *cfg = nvo_scenario_load(
            j->file, (const char *const *) sets->pdata, sets->len, &error);
        if (!cfg) {
            j->reason = g_strdup(error->message);
            g_error_free(error);
            continue;
        }
        j->name = g_strdup(cfg->name);
        char *base = out ? g_build_filename(out, cfg->name, NULL)
                         : g_strdup(cfg->output.dir);
        j->dir = unique_dir__(used, base);
        g_free(base);
        nvo_scenario_cfg_destroy(cfg);
        char *old = force ? NULL : nvo_runner_old_run(j->dir);
        if (old) {
            j->reason = g_strdup_printf("%s holds an earlier run (%s): add "
                                        "--force to replace it, or choose "
                                        "another --out", j->dir, old);
            g_free(old);
        }
    }
    g_hash_table_destroy(used);

    /* Run them, 'jobs' at a time. */
    pid_t *pids = g_new0(pid_t, jobs);
    size_t *slot_job = g_new0(size_t, jobs);
    size_t n_active = 0, next = 0, n_failed = 0;
    for (;;) {
        while (n_active < jobs && next < n_jobs) {
            struct job *j = &jv[next++];
            if (j->reason) {
                print_failed__(j);
                n_failed++;
                continue;
            }
            j->t0 = nvo_wall_seconds();
            if (nvo_runner_start(j->file, j->dir,
                                 (const char *const *) sets->pdata,
                                 sets->len, &pids[n_active], &j->reason)) {
                print_failed__(j);
                n_failed++;
                continue;
            }
            slot_job[n_active++] = (size_t) (j - jv);
        }
        if (!n_active) {
            break;
        }
        int status;
        int k = nvo_runner_wait(pids, n_active, -1, &status);
        if (k < 0) {
            continue;
        }
        struct job *j = &jv[slot_job[k]];
        j->wall = nvo_wall_seconds() - j->t0;
        j->reason = nvo_runner_finish(j->dir, status);
        if (j->reason) {
            print_failed__(j);
            n_failed++;
        } else {
            j->ok = true;
            printf("ok      %s -> %s (%.2f s)\n", j->name, j->dir, j->wall);
            fflush(stdout);
        }
        n_active--;
        pids[k] = pids[n_active];
        slot_job[k] = slot_job[n_active];
    }

    printf("nvosim batch: %zu scenario%s, %zu ran, %zu failed\n", n_jobs,
           n_jobs == 1 ? "" : "s", n_jobs - n_failed, n_failed);
    if (n_failed) {
        fflush(stdout);
        fprintf(stderr, "nvosim batch: %zu of %zu failed:\n", n_failed,
                n_jobs);
        for (size_t i = 0; i < n_jobs; i++) {
            const struct job *j = &jv[i];
            if (j->ok) {
                continue;
            }
            /* A load error may have several lines: indent them all. */
            char **lines = g_strsplit(j->reason, "\n", -1);
            fprintf(stderr, "  %s: %s\n", j->file, lines[0]);
            for (char **l = lines + 1; *l; l++) {
                fprintf(stderr, "    %s\n", *l);
            }
            g_strfreev(lines);
        }
        rc = 1;
    }
    for (size_t i = 0; i < n_jobs; i++) {
        g_free(jv[i].name);
        g_free(jv[i].dir);
        g_free(jv[i].reason);
    }
    g_free(jv);
    g_free(pids);
    g_free(slot_job);
    g_ptr_array_free(sets, TRUE);
    return rc;
}
