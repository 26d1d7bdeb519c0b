/* cmd_run.c: "nvosim run SCENARIO.xml": load and check a scenario, build
 * the network, run it with a live progress line, check conservation, and
 * write results.xml and summary.csv into the output directory.
 *
 * The output directory may not hold an earlier run's files (runner.h
 * lists them), so that new results never sit beside an old run's pcaps
 * and traces; --force removes those files first.  A directory that holds
 * a sweep (sweep.def) is refused even so.  SIGINT, SIGTERM and SIGHUP
 * remove the run's unfinished ".tmp" files before the process dies. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "core/fileio.h"
#include "io/config.h"
#include "runner.h"
#include "run/sim.h"

/* The ".tmp" files of the run under way, for the signal handler. */
static char **tmp_files;
static const int signals[] = { SIGINT, SIGTERM, SIGHUP };

static void
on_signal(int sig)
{
    for (char **p = tmp_files; p && *p; p++) {
        unlink(*p);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void
catch_signals(const struct nvo_sim *sim, struct sigaction *old)
{
    tmp_files = g_new0(char *, sim->files->len + 1);
    for (guint i = 0; i < sim->files->len; i++) {
        tmp_files[i] = nvo_file_tmp_path(sim->files->pdata[i]);
    }
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < G_N_ELEMENTS(signals); i++) {
        sigaction(signals[i], &sa, &old[i]);
    }
}

static void
release_signals(const struct sigaction *old)
{
    for (size_t i = 0; i < G_N_ELEMENTS(signals); i++) {
        sigaction(signals[i], &old[i], NULL);
    }
    g_strfreev(tmp_files);
    tmp_files = NULL;
}

/* Makes 'dir' ready for a run: refuses a sweep's directory, and an
 * earlier run's unless 'force' (then removes its files).  Returns 0 or
 * the exit status. */
static int
check_out_dir(const char *dir, bool force, bool quiet)
{
    char *def = g_build_filename(dir, "sweep.def", NULL);
    bool sweep = g_file_test(def, G_FILE_TEST_EXISTS);
    g_free(def);
    if (sweep) {
        fprintf(stderr, "nvosim run: %s holds a sweep (sweep.def): choose "
                "another --out\n", dir);
        return 2;
    }
    char *old = nvo_runner_old_run(dir);
    if (!old) {
        return 0;
    }
    if (!force) {
        fprintf(stderr, "nvosim run: %s holds an earlier run (%s): add "
                "--force to replace it, or choose another --out\n", dir,
                old);
        g_free(old);
        return 2;
    }
    g_free(old);
    char *reason = NULL;
    int n = nvo_runner_clear_run(dir, false, &reason);
    if (n < 0) {
        fprintf(stderr, "nvosim run: %s\n", reason);
        g_free(reason);
        return 1;
    }
    if (!quiet) {
        printf("nvosim run: removed the %d file%s of an earlier run from "
               "%s\n", n, n == 1 ? "" : "s", dir);
    }
    return 0;
}

static void
usage(FILE *f)
{
    fprintf(f,
"usage: nvosim run SCENARIO.xml [OPTIONS]\n"
"\n"
"Runs a scenario and writes DIR/results.xml and DIR/summary.csv.\n"
"\n"
"Options:\n"
"  --set PATH=VALUE   override an attribute of the scenario or of the\n"
"                     topology generator, e.g. --set run.duration=20ms,\n"
"                     --set underlay.ecmp.seed=per-switch,\n"
"                     --set topology.spines=8 (docs/scenarios.md); repeatable\n"
"  --seed N           random seed (same as --set run.seed=N)\n"
"  --run N            run number (same as --set run.run=N)\n"
"  --engine NAME      event engine: %s (same as --set run.engine=NAME)\n"
"  --scheduler NAME   the engine's event queue: native ladder (default)\n"
"                     or heap4; ns3 map (default), heap, list, calendar,\n"
"                     priority-queue (same as --set run.scheduler=NAME)\n"
"  --out DIR          output directory [the scenario's <output dir>, or\n"
"                     results/SCENARIO-NAME]; it may not hold an earlier\n"
"                     run's files (results.xml, summary.csv, trace.txt,\n"
"                     *.pcap, *.mrt)\n"
"  --force            replace an earlier run in DIR: remove those files\n"
"                     first (nothing else)\n"
"  --quiet            no progress line and no summary on stdout\n"
"  --list-settings    list every PATH --set takes for this scenario, with\n"
"                     its type, unit, default and current value, and exit\n"
"  -h, --help         this help\n"
"\n"
"Exit status: 0 on success, 1 if the run failed (bad input, a failed\n"
"conservation check, an output that cannot be written), 2 on usage errors\n"
"and for a DIR that holds an earlier run (without --force) or a sweep.\n",
            nvo_engine_names());
}

/* --list-settings: one line per --set PATH, in columns. */
static int
list_settings(const char *path, const GPtrArray *sets, GError **error)
{
    GPtrArray *list = nvo_settings_list(path, (const char *const *)
                                        sets->pdata, sets->len, error);
    if (!list) {
        fprintf(stderr, "%s\n", (*error)->message);
        g_clear_error(error);
        return 1;
    }
    int w_path = 4, w_type = 4, w_unit = 4, w_dflt = 7;
    for (guint i = 0; i < list->len; i++) {
        const struct nvo_setting *s = list->pdata[i];
        w_path = NVO_MAX(w_path, (int) strlen(s->path));
        w_type = NVO_MAX(w_type, (int) strlen(s->type));
        w_unit = NVO_MAX(w_unit, (int) strlen(s->unit));
        w_dflt = NVO_MAX(w_dflt, (int) strlen(s->dflt));
    }
    printf("%-*s  %-*s  %-*s  %-*s  %s\n", w_path, "PATH", w_type, "TYPE",
           w_unit, "UNIT", w_dflt, "DEFAULT", "VALUE");
    for (guint i = 0; i < list->len; i++) {
        const struct nvo_setting *s = list->pdata[i];
        printf("%-*s  %-*s  %-*s  %-*s  %s\n", w_path, s->path, w_type,
               s->type, w_unit, *s->unit ? s->unit : "-", w_dflt, s->dflt,
               s->value ? s->value : "-");
    }
    g_ptr_array_free(list, TRUE);
    return 0;
}

int
nvo_cmd_run_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "set", required_argument, NULL, 'S' },
        { "seed", required_argument, NULL, 's' },
        { "run", required_argument, NULL, 'r' },
        { "engine", required_argument, NULL, 'e' },
        { "scheduler", required_argument, NULL, 'Q' },
        { "out", required_argument, NULL, 'o' },
        { "force", no_argument, NULL, 'f' },
        { "quiet", no_argument, NULL, 'q' },
        { "list-settings", no_argument, NULL, 'L' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    GPtrArray *sets = g_ptr_array_new_with_free_func(g_free);
    const char *out = NULL;
    bool quiet = false, force = false, list = false;
    uint64_t num;
    int c;
    optind = 1;
    opterr = 0;                 /* nvo_cli_bad_option() says what is wrong */
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'S':
            g_ptr_array_add(sets, g_strdup(optarg));
            break;
        case 's':
        case 'r':
            if (!nvo_cli_u64("run", c == 's' ? "--seed" : "--run", optarg, 0,
                             UINT64_MAX, &num)) {
                g_ptr_array_free(sets, TRUE);
                return 2;
            }
            g_ptr_array_add(sets, g_strdup_printf("run.%s=%" PRIu64,
                                                  c == 's' ? "seed" : "run",
                                                  num));
            break;
        case 'L':
            list = true;
            break;
        case 'e':
            g_ptr_array_add(sets, g_strdup_printf("run.engine=%s", optarg));
            break;
        case 'Q':
            g_ptr_array_add(sets, g_strdup_printf("run.scheduler=%s",
                                                  optarg));
            break;
        case 'o':
            if (!*optarg) {
                fprintf(stderr, "nvosim run: --out: an empty path (name "
                        "the output directory, e.g. --out results/x)\n");
                g_ptr_array_free(sets, TRUE);
                return 2;
            }
            out = optarg;
            break;
        case 'f':
            force = true;
            break;
        case 'q':
            quiet = true;
            break;
        case 'h':
            usage(stdout);
            g_ptr_array_free(sets, TRUE);
            return 0;
        default:
            nvo_cli_bad_option("run", argv, longopts, "h");
            g_ptr_array_free(sets, TRUE);
            return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, optind == argc
                ? "nvosim run: which scenario? (nvosim run --help)\n"
                : "nvosim run: one scenario at a time (nvosim batch runs "
                  "several)\n");
        g_ptr_array_free(sets, TRUE);
        return 2;
    }
    const char *path = argv[optind];

    GError *error = NULL;
    if (list) {
        int rc = list_settings(path, sets, &error);
        g_ptr_array_free(sets, TRUE);
        return rc;
    }
    struct nvo_scenario_cfg *cfg = nvo_scenario_load(
        path, (const char *const *) sets->pdata, sets->len, &error);
    g_ptr_array_free(sets, TRUE);
    if (!cfg) {
        fprintf(stderr, "%s\n", error->message);
        g_error_free(error);
        return 1;
    }
    int rc = check_out_dir(out ? out : cfg->output.dir, force, quiet);
    if (rc) {
        nvo_scenario_cfg_destroy(cfg);
        return rc;
    }
    struct nvo_sim *sim = nvo_sim_create(cfg, NULL, out, &error);
    if (!sim) {
        fprintf(stderr, "%s\n", error->message);
        g_error_free(error);
        nvo_scenario_cfg_destroy(cfg);
        return 1;
    }
    struct sigaction old[G_N_ELEMENTS(signals)];
    catch_signals(sim, old);
    int err = nvo_sim_run(sim, !quiet);
    if (err) {
        fprintf(stderr, "nvosim run: %s: conservation check failed: %" PRIu64
                " frames generated, %" PRIu64 " delivered, %" PRIu64
                " dropped, %" PRIu64 " in flight; %" PRIu64 " flows "
                "started, %" PRIu64 " completed, %" PRIu64 " running, %"
                PRIu64 " lost, %" PRIu64 " unaccounted for\n", cfg->name,
                sim->generated, sim->delivered, sim->dropped, sim->in_flight,
                sim->flows_started, sim->flows_completed, sim->flows_running,
                sim->flows_lost, sim->flows_unaccounted);
        rc = 1;
    }
    if (cfg->drain && (sim->drain_limit_hit || sim->flows_running)) {
        char t[NVO_TIME_STRLEN];
        fprintf(stderr, "nvosim run: %s: warning: the drain %s with %"
                PRIu64 " flow%s still running and %" PRIu64 " frame%s in "
                "flight\n", cfg->name, sim->drain_limit_hit
                ? "stopped at its limit" : "ended (hosts that cannot send)",
                sim->flows_running, sim->flows_running == 1 ? "" : "s",
                sim->in_flight, sim->in_flight == 1 ? "" : "s");
        if (sim->drain_limit_hit) {
            fprintf(stderr, "nvosim run: %s: raise run.drain-limit (now "
                    "%s) to let it finish\n", cfg->name,
                    nvo_time_format(cfg->drain_limit, t, sizeof t));
        }
    }
    /* Results are written even when conservation failed: they show it. */
    if (nvo_sim_write_results(sim, &error)) {
        fprintf(stderr, "nvosim run: %s\n", error->message);
        g_error_free(error);
        rc = 1;
    } else if (!quiet) {
        char *row = nvo_sim_summary_values(sim);
        char *head = nvo_sim_summary_header();
        gchar **names = g_strsplit(head, ",", -1);
        gchar **vals = g_strsplit(row, ",", -1);
        printf("nvosim run: %s (%s engine, seed %" PRIu64 ", run %" PRIu64
               ")\n", cfg->name, sim->engine->ops->name, cfg->seed, cfg->run);
        /* names[] starts with "scenario", vals[] one column later. */
        for (int i = 4; names[i] && vals[i - 1]; i++) {
            printf("  %-26s %s\n", names[i],
                   *vals[i - 1] ? vals[i - 1] : "(missing: no samples)");
        }
        for (guint i = 0; i < sim->files->len; i++) {
            const char *f = sim->files->pdata[i];
            if (g_file_test(f, G_FILE_TEST_IS_REGULAR)) {
                printf("  wrote %s\n", f);
            }
        }
        g_strfreev(names);
        g_strfreev(vals);
        g_free(row);
        g_free(head);
    }
    nvo_sim_destroy(sim);
    release_signals(old);
    nvo_scenario_cfg_destroy(cfg);
    return rc;
}
