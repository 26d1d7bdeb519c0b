/* testutil.c: helpers shared by the Check suites.  See testutil.h. */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "io/config.h"
#include "run/sim.h"

int
nvo_test_run(Suite *suite)
{
    SRunner *sr = srunner_create(suite);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

const char *
nvo_test_engine(void)
{
    const char *e = getenv("NVO_TEST_ENGINE");
    return e && *e ? e : "native";
}

const char *
nvo_test_scheduler(void)
{
    const char *s = getenv("NVO_TEST_SCHEDULER");
    return s && *s ? s : NULL;
}

char *
nvo_test_tmpdir(const char *tag)
{
    const char *base = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/nvosim-%s-XXXXXX",
             base && *base ? base : "/tmp", tag);
    char *d = mkdtemp(tmpl);
    if (!d) {
        perror("mkdtemp");
        abort();
    }
    char *copy = malloc(strlen(d) + 1);
    if (!copy) {
        abort();
    }
    strcpy(copy, d);
    return copy;
}

const char *
nvo_test_src(const char *rel)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", NVO_SOURCE_DIR, rel);
    return buf;
}

void
nvo_test_rmdir(char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
            continue;
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        remove(path);
    }
    if (d) {
        closedir(d);
    }
    rmdir(dir);
    free(dir);
}

char *
nvo_test_summary_cell(const char *dir, const char *col)
{
    char *path = g_build_filename(dir, "summary.csv", NULL);
    char *csv;
    ck_assert_msg(g_file_get_contents(path, &csv, NULL, NULL), "%s", path);
    char **lines = g_strsplit(csv, "\n", -1);
    ck_assert_msg(lines[0] && lines[1], "%s: no row", path);
    char **h = g_strsplit(lines[0], ",", -1);
    char **r = g_strsplit(lines[1], ",", -1);
    ck_assert_uint_eq(g_strv_length(h), g_strv_length(r));
    char *out = NULL;
    for (guint i = 0; h[i]; i++) {
        if (!strcmp(h[i], col)) {
            out = g_strdup(r[i]);
        }
    }
    ck_assert_msg(out, "summary.csv has no column %s", col);
    g_strfreev(h);
    g_strfreev(r);
    g_strfreev(lines);
    g_free(csv);
    g_free(path);
    return out;
}

struct nvo_scenario_cfg *
nvo_test_load(const char *path, const char *const *sets, size_t n_sets)
{
    GError *error = NULL;
    struct nvo_scenario_cfg *cfg = nvo_scenario_load(path, sets, n_sets,
                                                     &error);
    ck_assert_msg(cfg, "%s", error ? error->message : "?");
    return cfg;
}

struct nvo_sim *
nvo_test_sim(const struct nvo_scenario_cfg *cfg, const char *tag, bool run,
             char **dir)
{
    GError *error = NULL;
    *dir = nvo_test_tmpdir(tag);
    struct nvo_sim *sim = nvo_sim_create(cfg, nvo_test_engine(), *dir,
                                         &error);
    ck_assert_msg(sim, "%s", error ? error->message : "?");
    if (run) {
        nvo_test_sim_finish(sim);
    }
    return sim;
}

void
nvo_test_scenario(const char *path, const char *const *sets, size_t n_sets,
                  const char *tag, bool run, struct nvo_scenario_cfg **cfg,
                  struct nvo_sim **sim, char **dir)
{
    *cfg = nvo_test_load(path, sets, n_sets);
    *sim = nvo_test_sim(*cfg, tag, run, dir);
}

void
nvo_test_sim_finish(struct nvo_sim *sim)
{
    GError *error = NULL;
    ck_assert_int_eq(nvo_sim_run(sim, false), 0);
    ck_assert_msg(!nvo_sim_write_results(sim, &error), "%s",
                  error ? error->message : "?");
}

void
nvo_test_scenario_free(struct nvo_scenario_cfg *cfg, struct nvo_sim *sim,
                       char *dir)
{
    nvo_sim_destroy(sim);
    nvo_scenario_cfg_destroy(cfg);
    nvo_test_rmdir(dir);
}
