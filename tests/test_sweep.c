/* test_sweep.c: parameter sweeps and batches (model/run/sweep.c,
 * tools/cmd_sweep.c, tools/cmd_batch.c, tools/runner.c).
 *
 * Unit cases: value lists and ranges (exact lists, order, bad ranges with
 * their messages), the grid order, CSV quoting and splitting, the
 * definition text, sweep.csv rows, rebuilding sweep.csv from run folders.
 * Command cases run the built nvosim binary (NVO_BUILD_DIR/tools/nvosim)
 * on the small web-search scenario: a sweep's rows and folders; two
 * sweeps with the same seeds give the same rows (wall_s aside) and
 * distinct runs distinct fingerprints; a sweep killed with SIGKILL
 * mid-way and resumed has every row once and the rows of an uninterrupted
 * sweep, and reran only the missing runs; SIGINT stops a sweep cleanly
 * (exit 130) for --resume to finish; a failed run is listed and has
 * no row; usage errors and the directory checks; a scenario's <sweep>
 * element; a batch with a good and a bad scenario.  The MPI sweep is in
 * test_sweep_mpi.c. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "run/sim.h"
#include "run/sweep.h"
#include "testutil.h"

#define NVOSIM NVO_BUILD_DIR "/tools/nvosim"

/* ---- Value lists and ranges ------------------------------------------ */

struct list_case {
    const char *list;
    const char *expect;         /* the values joined with '|', or NULL */
    const char *error;          /* the message, if expect is NULL */
};

static const struct list_case list_cases[] = {
    { "crc32,toeplitz", "crc32|toeplitz", NULL },
    { "8", "8", NULL },
    { "2:64:x2", "2|4|8|16|32|64", NULL },
    { "2:100:x2", "2|4|8|16|32|64", NULL },
    { "1:1000:x10", "1|10|100|1000", NULL },
    { "0.001:1:x10", "0.001|0.01|0.1|1", NULL },
    { "0.1:0.9:+0.2", "0.1|0.3|0.5|0.7|0.9", NULL },
    { "-0.3:0.3:+0.1", "-0.3|-0.2|-0.1|0|0.1|0.2|0.3", NULL },
    { "0:1:0.25", "0|0.25|0.5|0.75|1", NULL },
    { "1:5", "1|2|3|4|5", NULL },
    { "5:1:-2", "5|3|1", NULL },
    { "3:3", "3", NULL },
    { "1:10:+4", "1|5|9", NULL },
    { "100us:300us:+100us", "100us|200us|300us", NULL },
    { "10Gbps:40Gbps:+10", "10Gbps|20Gbps|30Gbps|40Gbps", NULL },
    { "1Gbps:100Gbps:x10", "1Gbps|10Gbps|100Gbps", NULL },
    { "a,1:3,b", "a|1|2|3|b", NULL },
    { "0.5:2.5", "0.5|1.5|2.5", NULL },
    { "2:64:x1", NULL, "bad range \"2:64:x1\": the factor must be more than "
      "1" },
    { "2:64:x0.5", NULL, "bad range \"2:64:x0.5\": the factor must be more "
      "than 1" },
    { "5:1", NULL, "bad range \"5:1\": START is more than END (to count "
      "down, write 5:1:-1)" },
    { "a:b", NULL, "bad range \"a:b\": \"a\" is not a number" },
    { "1:b", NULL, "bad range \"1:b\": \"b\" is not a number" },
    { "1:5:+0", NULL, "bad range \"1:5:+0\": the step must not be 0" },
    { "1:5:-1", NULL, "bad range \"1:5:-1\": the step goes away from END" },
    { "1:5:y2", NULL, "bad range \"1:5:y2\": the step \"y2\" is not "
      "+NUMBER, -NUMBER or xFACTOR" },
    { "1:2:3:4", NULL, "bad range \"1:2:3:4\": expected START:END or "
      "START:END:STEP" },
    { "0:8:x2", NULL, "bad range \"0:8:x2\": a geometric range starts "
      "above 0" },
    { "64:2:x2", NULL, "bad range \"64:2:x2\": START is more than END" },
    { "1us:1ms", NULL, "bad range \"1us:1ms\": START and END must have the "
      "same unit" },
    { "1us:5us:+1ms", NULL, "bad range \"1us:5us:+1ms\": the step's unit "
      "must be START's" },
    { "1:4:x2us", NULL, "bad range \"1:4:x2us\": a factor has no unit" },
    { "inf:5", NULL, "bad range \"inf:5\": \"inf\" is not a number" },
    { "0:1000000", NULL, "bad range \"0:1000000\": more than 100000 "
      "values" },
    { "a,,b", NULL, "an empty item in the list" },
    { "", NULL, "the list has no values" },
    { "2,1:3", NULL, "the value 2 is listed twice" },
    { "a\nb", NULL, "a control character in \"a\\nb\"" },
};

START_TEST(lists)
{
    const struct list_case *c = &list_cases[_i];
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(out, g_strdup("before"));
    char *err = NULL;
    bool ok = nvo_sweep_expand(c->list, out, &err);
    if (c->expect) {
        ck_assert_msg(ok, "%s: %s", c->list, err);
        ck_assert_ptr_null(err);
        g_ptr_array_add(out, NULL);
        char *got = g_strjoinv("|", (char **) out->pdata + 1);
        ck_assert_msg(!strcmp(got, c->expect), "%s: got %s, expected %s",
                      c->list, got, c->expect);
        g_free(got);
    } else {
        ck_assert_msg(!ok, "%s: accepted", c->list);
        ck_assert_msg(err && !strcmp(err, c->error), "%s: got \"%s\"",
                      c->list, err);
        ck_assert_int_eq(out->len, 1);      /* nothing appended */
        g_free(err);
    }
    g_ptr_array_free(out, TRUE);
}
END_TEST

/* ---- The grid -------------------------------------------------------- */

START_TEST(grid)
{
    struct nvo_sweep_def *s = nvo_sweep_def_create("/x/s.xml");
    char *err = NULL;
    ck_assert_int_eq(nvo_sweep_def_n_points(s), 1);
    ck_assert(nvo_sweep_def_vary_arg(s, "underlay.ecmp.function=crc32,"
                                     "toeplitz", &err));
    ck_assert(nvo_sweep_def_vary(s, "topology.spines", "2:8:x2", &err));
    s->runs = 2;
    ck_assert_int_eq(nvo_sweep_def_n_points(s), 6);
    ck_assert_int_eq(nvo_sweep_def_n_runs(s), 12);
    /* The last dimension varies fastest. */
    static const char *const want[6][2] = {
        { "crc32", "2" }, { "crc32", "4" }, { "crc32", "8" },
        { "toeplitz", "2" }, { "toeplitz", "4" }, { "toeplitz", "8" },
    };
    for (size_t p = 1; p <= 6; p++) {
        ck_assert_str_eq(nvo_sweep_def_value(s, p, 0), want[p - 1][0]);
        ck_assert_str_eq(nvo_sweep_def_value(s, p, 1), want[p - 1][1]);
    }
    /* Run (5, 2): the sets, each dimension, the run number. */
    g_ptr_array_add(s->sets, g_strdup("run.duration=1ms"));
    GPtrArray *sets = nvo_sweep_def_run_sets(s, 5, 2);
    ck_assert_int_eq(sets->len, 4);
    ck_assert_str_eq(sets->pdata[0], "run.duration=1ms");
    ck_assert_str_eq(sets->pdata[1], "underlay.ecmp.function=toeplitz");
    ck_assert_str_eq(sets->pdata[2], "topology.spines=4");
    ck_assert_str_eq(sets->pdata[3], "run.run=2");
    g_ptr_array_free(sets, TRUE);
    char *rd = nvo_sweep_run_dir("/d", 5, 2);
    ck_assert_str_eq(rd, "/d/runs/P5-R2");
    g_free(rd);

    /* Varying a path again replaces its list in place. */
    ck_assert(nvo_sweep_def_vary(s, "underlay.ecmp.function", "crc16",
                                 &err));
    ck_assert_int_eq(s->dims->len, 2);
    ck_assert_int_eq(nvo_sweep_def_n_points(s), 3);
    ck_assert_str_eq(nvo_sweep_def_value(s, 3, 0), "crc16");
    ck_assert_str_eq(nvo_sweep_def_value(s, 3, 1), "8");

    /* Bad dimensions leave the sweep alone. */
    ck_assert(!nvo_sweep_def_vary(s, "run.run", "1,2", &err));
    ck_assert(strstr(err, "vary run.seed instead"));
    g_free(err);
    ck_assert(!nvo_sweep_def_vary_arg(s, "topology.spines", &err));
    ck_assert(g_str_has_prefix(err, "expected PATH=LIST"));
    g_free(err);
    ck_assert(!nvo_sweep_def_vary_arg(s, "topology.spines=", &err));
    g_free(err);
    ck_assert(!nvo_sweep_def_vary(s, "topology.spines", "4:2", &err));
    g_free(err);
    ck_assert_int_eq(nvo_sweep_def_n_points(s), 3);

    /* Too many runs in all. */
    ck_assert(nvo_sweep_def_vary(s, "a", "1:100000", &err));
    ck_assert(nvo_sweep_def_vary(s, "b", "1:200", &err));
    ck_assert_int_eq(nvo_sweep_def_n_runs(s), 0);
    nvo_sweep_def_destroy(s);
}
END_TEST

/* ---- CSV ------------------------------------------------------------- */

START_TEST(csv)
{
    static const char *const fields[][2] = {
        { "plain", "plain" }, { "", "" }, { "a,b", "\"a,b\"" },
        { "say \"hi\"", "\"say \"\"hi\"\"\"" }, { "two\nlines",
          "\"two\nlines\"" }, { "cr\r", "\"cr\r\"" },
    };
    GString *line = g_string_new(NULL);
    for (size_t i = 0; i < NVO_ARRAY_SIZE(fields); i++) {
        GString *s = g_string_new(NULL);
        nvo_sweep_csv_field(s, fields[i][0]);
        ck_assert_str_eq(s->str, fields[i][1]);
        g_string_free(s, TRUE);
        if (i) {
            g_string_append_c(line, ',');
        }
        nvo_sweep_csv_field(line, fields[i][0]);
    }
    /* And back. */
    char **v = nvo_sweep_csv_split(line->str);
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(g_strv_length(v), NVO_ARRAY_SIZE(fields));
    for (size_t i = 0; i < NVO_ARRAY_SIZE(fields); i++) {
        ck_assert_str_eq(v[i], fields[i][0]);
    }
    g_strfreev(v);
    g_string_free(line, TRUE);

    v = nvo_sweep_csv_split("a,,b,");
    ck_assert_int_eq(g_strv_length(v), 4);
    ck_assert_str_eq(v[1], "");
    ck_assert_str_eq(v[3], "");
    g_strfreev(v);
    static const char *const bad[] = {
        "\"open", "a,\"b\"c", "a\"b", "\"a\"\"",
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(bad); i++) {
        v = nvo_sweep_csv_split(bad[i]);
        ck_assert_msg(v == NULL, "%s: accepted", bad[i]);
    }
}
END_TEST

/* ---- Definition ------------------------------------------------------ */

START_TEST(definition)
{
    struct nvo_sweep_def *a = nvo_sweep_def_create("/x/s.xml");
    struct nvo_sweep_def *b = nvo_sweep_def_create("/x/s.xml");
    char *err = NULL;
    a->content = g_strdup("sha256:1");
    b->content = g_strdup("sha256:1");
    a->runs = b->runs = 3;
    g_ptr_array_add(a->sets, g_strdup("run.duration=1ms"));
    g_ptr_array_add(b->sets, g_strdup("run.duration=1ms"));
    ck_assert(nvo_sweep_def_vary(a, "topology.spines", "2:8:x2", &err));
    ck_assert(nvo_sweep_def_vary(b, "topology.spines", "2,4,8", &err));
    char *ta = nvo_sweep_def_text(a), *tb = nvo_sweep_def_text(b);
    ck_assert_str_eq(ta, "# nvosim sweep definition: \"nvosim sweep "
                     "--resume\" continues only this sweep\n"
                     "scenario=/x/s.xml\n"
                     "content=sha256:1\n"
                     "runs=3\n"
                     "set=run.duration=1ms\n"
                     "vary=topology.spines=2,4,8\n");
    ck_assert_ptr_null(nvo_sweep_def_diff(ta, tb));   /* the same values */
    g_free(tb);

    b->runs = 4;
    tb = nvo_sweep_def_text(b);
    char *d = nvo_sweep_def_diff(ta, tb);
    ck_assert_str_eq(d, "it has \"runs=3\" where this command has "
                     "\"runs=4\"");
    g_free(d);
    g_free(tb);
    b->runs = 3;
    ck_assert(nvo_sweep_def_vary(b, "run.seed", "1,2", &err));
    tb = nvo_sweep_def_text(b);
    d = nvo_sweep_def_diff(ta, tb);
    ck_assert_str_eq(d, "this command has \"vary=run.seed=1,2\", which it "
                     "has not");
    g_free(d);
    d = nvo_sweep_def_diff(tb, ta);
    ck_assert_str_eq(d, "it has \"vary=run.seed=1,2\", which this command "
                     "has not");
    g_free(d);
    g_free(tb);
    g_free(b->content);
    b->content = g_strdup("sha256:2");
    tb = nvo_sweep_def_text(b);
    d = nvo_sweep_def_diff(ta, tb);
    ck_assert_str_eq(d, "the scenario or its topology changed since the "
                     "sweep started");
    g_free(d);
    g_free(tb);
    /* A set with a line break stays on its line. */
    g_ptr_array_add(a->sets, g_strdup("name=a\nb"));
    g_free(ta);
    ta = nvo_sweep_def_text(a);
    ck_assert(strstr(ta, "set=name=a\\nb\n"));
    g_free(ta);
    nvo_sweep_def_destroy(a);
    nvo_sweep_def_destroy(b);
}
END_TEST

/* ---- Rows ------------------------------------------------------------ */

/* A summary.csv of run 'run' with fingerprint 'fp'. */
static char *
fake_summary(unsigned run, const char *fp)
{
    char *head = nvo_sim_summary_header();
    char *s = g_strdup_printf("%s\nweb,native,7,%u,0.002,100,10,9,1,0,0.1,"
                              "2,1,1,0,5,5,6,50,40,90,0.9,1.1,0.8,1.2,"
                              ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,%s,0.25\n",
                              head, run, fp);
    g_free(head);
    return s;
}

START_TEST(rows)
{
    struct nvo_sweep_def *s = nvo_sweep_def_create("/x/s.xml");
    char *err = NULL;
    ck_assert(nvo_sweep_def_vary(s, "underlay.ecmp.function",
                                 "crc32,toeplitz", &err));
    ck_assert(nvo_sweep_def_vary(s, "name", "a\"b", &err));
    ck_assert(nvo_sweep_def_vary(s, "traffic.flows[2].pattern", "x", &err));
    s->runs = 2;
    /* The header: the paths (quoted if need be), seed, run, then the
     * summary's columns after "run". */
    char *h = nvo_sweep_def_csv_header(s);
    ck_assert_str_eq(h, "point,underlay.ecmp.function,name,"
                     "traffic.flows[2].pattern,seed,run,sim_time_s,events,"
                     "frames_generated,frames_delivered,frames_dropped,"
                     "frames_in_flight,drop_rate,flows_started,"
                     "flows_completed,flows_running,flows_lost,"
                     "latency_mean_us,latency_p50_us,"
                     "latency_p99_us,fct_mean_us,fct_p50_us,fct_p99_us,"
                     "leaf_up_jain,leaf_up_max_over_mean,spine_up_jain,"
                     "spine_up_max_over_mean,overlay_frames_sent,"
                     "overlay_frames_delivered,overlay_frames_dropped,"
                     "bum_frames,bum_copies,bum_link_bytes,"
                     "bum_unwanted_deliveries,mac_entries_max,"
                     "mac_entries_mean,encap_overhead_bytes,"
                     "goodput_efficiency,pe_cpu_cycles,"
                     "pe_cpu_cycles_per_frame,overlay_vteps,overlay_vtep,"
                     "arp_requests,vm_moves,mcast_state_entries,"
                     "control_plane,bgp_sessions,bgp_messages,bgp_bytes,"
                     "bgp_updates,evpn_type2_routes,evpn_type3_routes,"
                     "rib_entries_max,rr_rib_entries,ldp_sessions,"
                     "ldp_messages,ldp_bytes,pseudowires,"
                     "control_link_bytes,convergence_max_ms,"
                     "frames_lost_convergence,arp_suppressed,"
                     "fingerprint,wall_s");
    g_free(h);

    char *sum = fake_summary(2, "00000000000000ab");
    char *row = nvo_sweep_def_csv_row(s, 2, 2, sum, &err);
    ck_assert_msg(row, "%s", err);
    ck_assert_str_eq(row, "2,toeplitz,\"a\"\"b\",x,7,2,0.002,100,10,9,1,0,"
                     "0.1,2,1,1,0,5,5,6,50,40,90,0.9,1.1,0.8,1.2,"
                     ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"
                     "00000000000000ab,0.25");
    g_free(row);
    /* Another run number, another header, a broken row: no row. */
    ck_assert_ptr_null(nvo_sweep_def_csv_row(s, 2, 1, sum, &err));
    ck_assert_str_eq(err, "it is the summary of run 2, not run 1");
    g_free(err);
    ck_assert_ptr_null(nvo_sweep_def_csv_row(s, 1, 1, "a,b\n1,2\n", &err));
    ck_assert_str_eq(err, "not a summary.csv of this version of nvosim");
    g_free(err);
    sum[strlen(sum) - 8] = '\0';        /* cut inside the row */
    ck_assert_ptr_null(nvo_sweep_def_csv_row(s, 2, 2, sum, &err));
    g_free(err);
    g_free(sum);
    nvo_sweep_def_destroy(s);
}
END_TEST

static void
put(const char *dir, const char *name, const char *text)
{
    ck_assert_int_eq(g_mkdir_with_parents(dir, 0777), 0);
    char *path = g_build_filename(dir, name, NULL);
    ck_assert(g_file_set_contents(path, text, -1, NULL));
    g_free(path);
}

START_TEST(rebuild)
{
    char *dir = nvo_test_tmpdir("sweep-rebuild");
    struct nvo_sweep_def *s = nvo_sweep_def_create("/x/s.xml");
    char *err = NULL;
    ck_assert(nvo_sweep_def_vary(s, "run.seed", "5,6", &err));
    s->runs = 2;
    /* P1-R2 and P2-R1 complete (written in that order), P1-R1 has only
     * results.xml (killed), P2-R2 has a summary cut short. */
    char *rd = nvo_sweep_run_dir(dir, 2, 1), *sum = fake_summary(1, "21");
    put(rd, "summary.csv", sum);
    g_free(sum);
    g_free(rd);
    rd = nvo_sweep_run_dir(dir, 1, 2);
    sum = fake_summary(2, "12");
    put(rd, "summary.csv", sum);
    g_free(sum);
    g_free(rd);
    rd = nvo_sweep_run_dir(dir, 1, 1);
    put(rd, "results.xml", "<results/>\n");
    g_free(rd);
    rd = nvo_sweep_run_dir(dir, 2, 2);
    sum = fake_summary(2, "22");
    sum[strlen(sum) / 2] = '\0';
    put(rd, "summary.csv", sum);
    g_free(sum);
    g_free(rd);

    bool done[4];
    size_t n_done = 99;
    char *csv = nvo_sweep_def_rebuild(s, dir, done, &n_done);
    ck_assert_int_eq(n_done, 2);
    ck_assert(!done[0] && done[1] && done[2] && !done[3]);
    char **lines = g_strsplit(csv, "\n", -1);
    ck_assert_int_eq(g_strv_length(lines), 4);
    char *h = nvo_sweep_def_csv_header(s);
    ck_assert_str_eq(lines[0], h);
    g_free(h);
    ck_assert(g_str_has_prefix(lines[1], "1,5,7,2,"));
    ck_assert(g_str_has_suffix(lines[1], ",12,0.25"));
    ck_assert(g_str_has_prefix(lines[2], "2,6,7,1,"));
    ck_assert_str_eq(lines[3], "");
    g_strfreev(lines);
    g_free(csv);
    nvo_sweep_def_destroy(s);
    g_free(dir);
}
END_TEST

/* ---- The commands ---------------------------------------------------- */

static bool exists(const char *dir, const char *name);

/* Runs nvosim with 'args' (NULL-terminated); returns its exit status
 * (-signal if killed) and its output. */
static int
nvosim(char **out, char **err, const char *first, ...)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (char *) NVOSIM);
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
    ck_assert_msg(g_spawn_sync(NULL, (char **) argv->pdata, NULL, 0, NULL,
                               NULL, &o, &e, &status, &error),
                  "%s", error ? error->message : "");
    g_ptr_array_free(argv, TRUE);
    if (out) {
        *out = o;
    } else {
        g_free(o);
    }
    if (err) {
        *err = e;
    } else {
        g_free(e);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

/* scenarios/websearch.xml with its topology and CDF at absolute paths,
 * and 20ms of arrivals instead of 200ms (then the drain), so that the
 * many sweeps here stay quick; written once. */
static const char *
websearch(void)
{
    static char *path;
    if (!path) {
        char *text = NULL;
        ck_assert(g_file_get_contents(nvo_test_src("scenarios/websearch.xml"),
                                      &text, NULL, NULL));
        static const char *const subst[][2] = {
            { "\"../topologies/", "topologies/" },
            { "\"cdf/", "scenarios/cdf/" },
            { "duration=\"200ms\"", NULL },
        };
        for (size_t i = 0; i < NVO_ARRAY_SIZE(subst); i++) {
            char *at = strstr(text, subst[i][0]);
            ck_assert_msg(at, "websearch.xml has no %s", subst[i][0]);
            char *to = subst[i][1]
                       ? g_strdup_printf("\"%s", nvo_test_src(subst[i][1]))
                       : g_strdup("duration=\"20ms\"");
            *at = '\0';
            char *t = g_strconcat(text, to, at + strlen(subst[i][0]), NULL);
            g_free(to);
            g_free(text);
            text = t;
        }
        char *dir = nvo_test_tmpdir("websearch");
        path = g_build_filename(dir, "websearch.xml", NULL);
        ck_assert(g_file_set_contents(path, text, -1, NULL));
        g_free(text);
        g_free(dir);
    }
    return path;
}

static char *
slurp(const char *dir, const char *name)
{
    char *path = g_build_filename(dir, name, NULL);
    char *text = NULL;
    ck_assert_msg(g_file_get_contents(path, &text, NULL, NULL), "%s", path);
    g_free(path);
    return text;
}

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* DIR/sweep.csv checked line by line (whole lines only, as many fields
 * as the header, no (point, run) twice); returns its rows without the
 * wall_s column, sorted, joined with '\n', and the header in *head. */
static char *
rows_without_wall(const char *dir, char **head)
{
    char *csv = slurp(dir, "sweep.csv");
    ck_assert_msg(*csv && csv[strlen(csv) - 1] == '\n', "%s/sweep.csv: "
                  "does not end with a line break", dir);
    char **lines = g_strsplit(csv, "\n", -1);
    guint n = g_strv_length(lines) - 1;     /* the last is "" */
    char **h = g_strsplit(lines[0], ",", -1);
    guint n_cols = g_strv_length(h), run_col = 0;
    ck_assert_str_eq(h[n_cols - 1], "wall_s");
    while (h[run_col] && strcmp(h[run_col], "run")) {
        run_col++;
    }
    ck_assert_uint_lt(run_col, n_cols);
    g_strfreev(h);
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                             NULL);
    GPtrArray *rows = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 1; i < n; i++) {
        char **f = nvo_sweep_csv_split(lines[i]);
        ck_assert_msg(f && g_strv_length(f) == n_cols, "%s/sweep.csv:%u: "
                      "broken row: %s", dir, i + 1, lines[i]);
        char *key = g_strdup_printf("%s/%s", f[0], f[run_col]);
        ck_assert_msg(g_hash_table_add(seen, key), "%s/sweep.csv: (point, "
                      "run) %s twice", dir, key);
        char *cut = strrchr(lines[i], ',');
        g_ptr_array_add(rows, g_strndup(lines[i],
                                        (gsize) (cut - lines[i])));
        g_strfreev(f);
    }
    g_ptr_array_sort(rows, cmp_str);
    g_hash_table_destroy(seen);
    if (head) {
        *head = g_strdup(lines[0]);
    }
    g_ptr_array_add(rows, NULL);
    char *joined = g_strjoinv("\n", (char **) rows->pdata);
    g_ptr_array_free(rows, TRUE);
    g_strfreev(lines);
    g_free(csv);
    return joined;
}

static int
count_lines(const char *text)
{
    int n = 0;
    for (const char *p = text; *p; p++) {
        n += *p == '\n';
    }
    return n + (*text != '\0');
}

START_TEST(sweep_rows)
{
    char *base = nvo_test_tmpdir("sweep-rows");
    char *a = g_build_filename(base, "a", NULL);
    char *b = g_build_filename(base, "b", NULL);
    char *out = NULL, *err = NULL;
    int rc = nvosim(&out, &err, "sweep", websearch(), "--vary",
                    "underlay.ecmp.function=crc32,toeplitz", "--vary",
                    "topology.spines=2:4:+2", "--runs", "3", "-j", "2",
                    "--out", a, NULL);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    ck_assert_msg(strstr(out, "4 points x 3 runs = 12 runs"), "%s", out);
    ck_assert_msg(strstr(out, "12 of 12 runs done, 0 failed"), "%s", out);
    ck_assert(!exists(a, "sweep.lock"));    /* gone with the sweep */
    g_free(out);
    g_free(err);
    char *head = NULL;
    char *ra = rows_without_wall(a, &head);
    ck_assert(g_str_has_prefix(head, "point,underlay.ecmp.function,"
                               "topology.spines,seed,run,sim_time_s,"));
    ck_assert_int_eq(count_lines(ra), 12);
    /* At the end sweep.csv is in (point, run) order, and each run has
     * its folder. */
    char *csv = slurp(a, "sweep.csv");
    char **lines = g_strsplit(csv, "\n", -1);
    for (int p = 1, i = 1; p <= 4; p++) {
        for (int r = 1; r <= 3; r++, i++) {
            char *want = g_strdup_printf("%d,%s,%s,1,%d,", p,
                                         p <= 2 ? "crc32" : "toeplitz",
                                         p % 2 ? "2" : "4", r);
            ck_assert_msg(g_str_has_prefix(lines[i], want), "line %d: %s",
                          i + 1, lines[i]);
            g_free(want);
            char *rd = nvo_sweep_run_dir(a, (size_t) p, (uint32_t) r);
            char *sum = g_build_filename(rd, "results.xml", NULL);
            ck_assert_msg(g_file_test(sum, G_FILE_TEST_EXISTS), "%s", sum);
            g_free(sum);
            g_free(rd);
        }
    }
    /* Distinct runs of a point: distinct fingerprints. */
    for (int i = 1; i <= 12; i += 3) {
        char **f1 = g_strsplit(lines[i], ",", -1);
        char **f2 = g_strsplit(lines[i + 1], ",", -1);
        char **f3 = g_strsplit(lines[i + 2], ",", -1);
        guint fp = g_strv_length(f1) - 2;
        ck_assert_str_ne(f1[fp], f2[fp]);
        ck_assert_str_ne(f1[fp], f3[fp]);
        ck_assert_str_ne(f2[fp], f3[fp]);
        g_strfreev(f1);
        g_strfreev(f2);
        g_strfreev(f3);
    }
    g_strfreev(lines);
    g_free(csv);

    /* The same sweep again, one run at a time: the same rows. */
    rc = nvosim(NULL, &err, "sweep", websearch(), "--vary",
                "underlay.ecmp.function=crc32,toeplitz", "--vary",
                "topology.spines=2,4", "--runs", "3", "-j", "1", "--out", b,
                NULL);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    g_free(err);
    char *rb = rows_without_wall(b, NULL);
    ck_assert_str_eq(ra, rb);
    g_free(rb);

    /* --resume of a complete sweep runs nothing; its rows stay. */
    rc = nvosim(&out, &err, "sweep", websearch(), "--vary",
                "underlay.ecmp.function=crc32,toeplitz", "--vary",
                "topology.spines=2,4", "--runs", "3", "--out", b, "--resume",
                NULL);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    ck_assert_msg(strstr(out, "12 done before, 0 to run"), "%s", out);
    g_free(out);
    g_free(err);
    rb = rows_without_wall(b, NULL);
    ck_assert_str_eq(ra, rb);
    g_free(rb);
    g_free(ra);
    g_free(head);
    g_free(a);
    g_free(b);
    g_free(base);
}
END_TEST

/* The index of column 'name' in the CSV header line 'head'. */
static int
header_col(const char *head, const char *name)
{
    char **h = g_strsplit(head, ",", -1);
    int col = -1;
    for (int i = 0; h[i]; i++) {
        if (!strcmp(h[i], name)) {
            col = i;
        }
    }
    g_strfreev(h);
    ck_assert_msg(col >= 0, "no column %s in %s", name, head);
    return col;
}

START_TEST(missing_cells)
{
    /* spine-failure runs on a 3-stage fabric: spine_up_jain is missing in
     * every run; in 100us no flow completes, so the FCTs are missing
     * there.  Missing cells stay empty from summary.csv to sweep.csv, and
     * summarize counts only the values present. */
    char *base = nvo_test_tmpdir("sweep-missing");
    char *dir = g_build_filename(base, "s", NULL);
    char scenario[4096];
    snprintf(scenario, sizeof scenario, "%s",
             nvo_test_src("scenarios/spine-failure.xml"));
    char *out = NULL, *err = NULL;
    int rc = nvosim(&out, &err, "sweep", scenario, "--vary",
                    "run.duration=100us,300us", "--runs", "2", "--out", dir,
                    NULL);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    g_free(out);
    g_free(err);

    char *csv = slurp(dir, "sweep.csv");
    char **lines = g_strsplit(csv, "\n", -1);
    ck_assert_uint_eq(g_strv_length(lines), 6);
    int c_done = header_col(lines[0], "flows_completed");
    int c_fct = header_col(lines[0], "fct_mean_us");
    int c_p99 = header_col(lines[0], "fct_p99_us");
    int c_lat = header_col(lines[0], "latency_p50_us");
    int c_sj = header_col(lines[0], "spine_up_jain");
    int c_sm = header_col(lines[0], "spine_up_max_over_mean");
    int fct_n[2] = { 0, 0 };
    for (int i = 1; i <= 4; i++) {
        char **f = g_strsplit(lines[i], ",", -1);
        int point = i <= 2 ? 1 : 2;
        ck_assert_int_eq(atoi(f[0]), point);
        ck_assert_str_eq(f[c_sj], "");
        ck_assert_str_eq(f[c_sm], "");
        ck_assert_msg(*f[c_lat], "line %d: no latency", i + 1);
        /* An FCT exactly when a flow completed. */
        bool completed = strcmp(f[c_done], "0") != 0;
        ck_assert_msg(completed == (*f[c_fct] != '\0')
                      && completed == (*f[c_p99] != '\0'), "line %d: %s",
                      i + 1, lines[i]);
        if (point == 1) {
            ck_assert_str_eq(f[c_done], "0");
        }
        fct_n[point - 1] += completed;
        g_strfreev(f);
    }
    ck_assert_int_gt(fct_n[1], 0);
    g_strfreev(lines);
    g_free(csv);

    rc = nvosim(&out, &err, "summarize", dir, "--metrics",
                "fct_mean_us,spine_up_jain,latency_p50_us", NULL);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    char *re1 = g_strdup("(?m)^1 +100us +2 +- \\(n=0\\) +- \\(n=0\\) +"
                         "[0-9.]+ ± [0-9.e+-]+ \\(n=2\\)$");
    char *re2 = g_strdup_printf("(?m)^2 +300us +2 +[0-9.]+( ± [0-9.e+-]+)? "
                                "\\(n=%d\\) +- \\(n=0\\) +[0-9.]+ ± "
                                "[0-9.e+-]+ \\(n=2\\)$", fct_n[1]);
    ck_assert_msg(g_regex_match_simple(re1, out, 0, 0), "%s", out);
    ck_assert_msg(g_regex_match_simple(re2, out, 0, 0), "%s", out);
    g_free(re1);
    g_free(re2);
    g_free(out);
    g_free(err);

    /* summary-stats.csv: n per point, nothing where there is no value. */
    csv = slurp(dir, "summary-stats.csv");
    lines = g_strsplit(csv, "\n", -1);
    ck_assert_uint_eq(g_strv_length(lines), 4);
    int s_fn = header_col(lines[0], "fct_mean_us_n");
    int s_fm = header_col(lines[0], "fct_mean_us_mean");
    int s_sn = header_col(lines[0], "spine_up_jain_n");
    int s_sm = header_col(lines[0], "spine_up_jain_mean");
    for (int p = 1; p <= 2; p++) {
        char **f = g_strsplit(lines[p], ",", -1);
        ck_assert_int_eq(atoi(f[s_fn]), fct_n[p - 1]);
        ck_assert_int_eq(*f[s_fm] != '\0', fct_n[p - 1] > 0);
        ck_assert_str_eq(f[s_sn], "0");
        ck_assert_str_eq(f[s_sm], "");
        g_strfreev(f);
    }
    g_strfreev(lines);
    g_free(csv);

    /* Nothing to plot where every cell is empty. */
    rc = nvosim(&out, &err, "plot", dir, "-x", "run.duration", "-y",
                "spine_up_jain", NULL);
    ck_assert_int_eq(rc, 1);
    ck_assert_msg(strstr(err, "-y spine_up_jain: no run of the points "
                         "plotted has a value of it"), "%s", err);
    g_free(out);
    g_free(err);
    g_free(dir);
    g_free(base);
}
END_TEST

/* Completed runs: the number of DIR/runs/ * /summary.csv; their inodes
 * in 'inodes' (path -> inode) if not NULL. */
static int
complete_runs(const char *dir, GHashTable *inodes)
{
    char *runs = g_build_filename(dir, "runs", NULL);
    GDir *d = g_dir_open(runs, 0, NULL);
    int n = 0;
    const char *name;
    while (d && (name = g_dir_read_name(d))) {
        char *p = g_build_filename(runs, name, "summary.csv", NULL);
        struct stat st;
        if (!stat(p, &st)) {
            n++;
            if (inodes) {
                g_hash_table_insert(inodes, g_strdup(p),
                                    GSIZE_TO_POINTER((gsize) st.st_ino));
            }
        }
        g_free(p);
    }
    if (d) {
        g_dir_close(d);
    }
    g_free(runs);
    return n;
}

static void
own_group(gpointer data)
{
    (void) data;
    setpgid(0, 0);
}

/* Waits until DIR/sweep.lock is free: every process of a killed sweep
 * has gone.  (A sweep that ended removed it: free.) */
static void
wait_lock_free(const char *dir)
{
    char *lock = g_build_filename(dir, "sweep.lock", NULL);
    int fd = open(lock, O_RDWR);
    if (fd < 0 && errno == ENOENT) {
        g_free(lock);
        return;
    }
    ck_assert_int_ge(fd, 0);
    int i;
    for (i = 0; i < 5000 && flock(fd, LOCK_EX | LOCK_NB); i++) {
        g_usleep(2000);
    }
    ck_assert_msg(i < 5000, "%s stays locked", lock);
    close(fd);
    g_free(lock);
}

START_TEST(kill_and_resume)
{
    char *base = nvo_test_tmpdir("sweep-kill");
    char *k = g_build_filename(base, "killed", NULL);
    char *u = g_build_filename(base, "whole", NULL);
    const char *vary = "underlay.ecmp.function=crc32,crc16,toeplitz";
    const char *argv[] = {
        NVOSIM, "sweep", websearch(), "--vary", vary, "--runs", "4",
        "-j", "1", "--out", k, NULL,
    };
    GPid pid;
    GError *error = NULL;
    ck_assert(g_spawn_async(NULL, (char **) argv, NULL,
                            G_SPAWN_DO_NOT_REAP_CHILD
                            | G_SPAWN_STDOUT_TO_DEV_NULL
                            | G_SPAWN_STDERR_TO_DEV_NULL,
                            own_group, NULL, &pid, &error));
    /* Kill the sweep and its run (its process group) once 3 runs are
     * complete. */
    int done = 0;
    for (int i = 0; i < 30000 && done < 3; i++) {
        g_usleep(1000);
        done = complete_runs(k, NULL);
    }
    ck_assert_int_ge(done, 3);
    kill(-pid, SIGKILL);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFSIGNALED(status), "the sweep ended before the kill");
    wait_lock_free(k);
    GHashTable *before = g_hash_table_new_full(g_str_hash, g_str_equal,
                                               g_free, NULL);
    done = complete_runs(k, before);
    ck_assert_msg(done < 12, "every run was complete before the kill");
    /* Whole rows only, none twice. */
    char *killed_rows = rows_without_wall(k, NULL);
    ck_assert_int_le(count_lines(killed_rows), done);
    g_free(killed_rows);

    /* Without --resume the directory is refused. */
    char *err = NULL, *out = NULL;
    int rc = nvosim(NULL, &err, "sweep", websearch(), "--vary", vary,
                    "--runs", "4", "--out", k, NULL);
    ck_assert_int_eq(rc, 2);
    ck_assert_msg(strstr(err, "is not empty: add --resume"), "%s", err);
    g_free(err);
    /* Nor a different sweep with it. */
    rc = nvosim(NULL, &err, "sweep", websearch(), "--vary", vary, "--runs",
                "5", "--out", k, "--resume", NULL);
    ck_assert_int_eq(rc, 2);
    ck_assert_msg(strstr(err, "holds a different sweep: it has \"runs=4\" "
                         "where this command has \"runs=5\""), "%s", err);
    g_free(err);

    rc = nvosim(&out, &err, "sweep", websearch(), "--vary", vary, "--runs",
                "4", "-j", "2", "--out", k, "--resume", NULL);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    char *want = g_strdup_printf("%d done before, %d to run", done,
                                 12 - done);
    ck_assert_msg(strstr(out, want), "%s", out);
    g_free(want);
    g_free(out);
    g_free(err);
    /* The runs complete before were not run again. */
    GHashTable *after = g_hash_table_new_full(g_str_hash, g_str_equal,
                                              g_free, NULL);
    ck_assert_int_eq(complete_runs(k, after), 12);
    GHashTableIter it;
    gpointer key, ino;
    g_hash_table_iter_init(&it, before);
    while (g_hash_table_iter_next(&it, &key, &ino)) {
        ck_assert_msg(g_hash_table_lookup(after, key) == ino, "%s was "
                      "written again", (char *) key);
    }
    g_hash_table_destroy(before);
    g_hash_table_destroy(after);

    rc = nvosim(NULL, &err, "sweep", websearch(), "--vary", vary, "--runs",
                "4", "-j", "2", "--out", u, NULL);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    g_free(err);
    char *rk = rows_without_wall(k, NULL);
    char *ru = rows_without_wall(u, NULL);
    ck_assert_int_eq(count_lines(rk), 12);
    ck_assert_str_eq(rk, ru);
    g_free(rk);
    g_free(ru);
    g_free(k);
    g_free(u);
    g_free(base);
}
END_TEST

/* SIGINT to the sweep alone: it stops its run, keeps the rows of the
 * finished ones, exits with 130; --resume does the rest. */
START_TEST(interrupt)
{
    char *dir = nvo_test_tmpdir("sweep-int");
    const char *argv[] = {
        NVOSIM, "sweep", websearch(), "--vary", "run.seed=1:3", "--runs",
        "4", "-j", "1", "--out", dir, NULL,
    };
    GPid pid;
    GError *error = NULL;
    ck_assert(g_spawn_async(NULL, (char **) argv, NULL,
                            G_SPAWN_DO_NOT_REAP_CHILD
                            | G_SPAWN_STDOUT_TO_DEV_NULL
                            | G_SPAWN_STDERR_TO_DEV_NULL,
                            NULL, NULL, &pid, &error));
    int done = 0;
    for (int i = 0; i < 30000 && done < 2; i++) {
        g_usleep(1000);
        done = complete_runs(dir, NULL);
    }
    kill(pid, SIGINT);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 130,
                  "status %#x", status);
    /* It stopped its run and waited for it: the lock is gone with it. */
    char *lock = g_build_filename(dir, "sweep.lock", NULL);
    ck_assert_msg(!g_file_test(lock, G_FILE_TEST_EXISTS), "%s is left", lock);
    g_free(lock);
    done = complete_runs(dir, NULL);
    ck_assert_int_lt(done, 12);
    char *rows = rows_without_wall(dir, NULL);
    ck_assert_int_eq(count_lines(rows), done);
    g_free(rows);
    char *out = NULL, *err = NULL;
    int rc = nvosim(&out, &err, "sweep", websearch(), "--vary",
                    "run.seed=1:3", "--runs", "4", "--out", dir, "--resume",
                    NULL);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    ck_assert_msg(strstr(out, "12 of 12 runs done, 0 failed"), "%s", out);
    g_free(out);
    g_free(err);
    /* Nothing of the interrupted runs is left: no ".tmp", no lock. */
    char *cmd = g_strdup_printf("find '%s' -name '*.tmp' -o -name "
                                "sweep.lock", dir);
    char *found = NULL;
    ck_assert(g_spawn_command_line_sync(cmd, &found, NULL, NULL, NULL));
    ck_assert_str_eq(found, "");
    g_free(found);
    g_free(cmd);
    g_free(dir);
}
END_TEST

/* A run that fails (a start after the end of the run: each value loads
 * alone, not the two together) is listed, has no row, and --resume runs
 * it again. */
START_TEST(failed_run)
{
    char *dir = nvo_test_tmpdir("sweep-fail");
    char *out = NULL, *err = NULL;
    int rc = nvosim(&out, &err, "sweep", websearch(), "--vary",
                    "run.duration=500us,2ms", "--vary",
                    "traffic.flows.start=0s,1ms", "--out", dir, "-j", "2",
                    NULL);
    ck_assert_msg(rc == 1, "exit %d: %s", rc, err);
    ck_assert_msg(strstr(out, "3 of 4 runs done, 1 failed"), "%s", out);
    ck_assert_msg(strstr(err, "nvosim sweep: 1 run failed"), "%s", err);
    ck_assert_msg(strstr(err, "  P2-R1 (run.duration=500us, "
                         "traffic.flows.start=1ms; run 1): "), "%s", err);
    ck_assert_msg(strstr(err, "must be earlier than the end of the run"),
                  "%s", err);
    g_free(out);
    g_free(err);
    char *rows = rows_without_wall(dir, NULL);
    ck_assert_int_eq(count_lines(rows), 3);
    ck_assert(!strstr(rows, "\n2,") && !g_str_has_prefix(rows, "2,"));
    g_free(rows);
    char *log = g_build_filename(dir, "runs", "P2-R1", "run.log", NULL);
    ck_assert(g_file_test(log, G_FILE_TEST_EXISTS));
    g_free(log);
    rc = nvosim(&out, &err, "sweep", websearch(), "--vary",
                "run.duration=500us,2ms", "--vary",
                "traffic.flows.start=0s,1ms", "--out", dir, "--resume", NULL);
    ck_assert_int_eq(rc, 1);
    ck_assert_msg(strstr(out, "3 done before, 1 to run"), "%s", out);
    g_free(out);
    g_free(err);
    g_free(dir);
}
END_TEST

START_TEST(usage_errors)
{
    char *base = nvo_test_tmpdir("sweep-usage");
    char *dir = g_build_filename(base, "s", NULL);
    static const struct {
        const char *args[6];
        int rc;
        const char *msg;
    } cases[] = {
        { { "--vary", "topology.spines=2:64:x1" }, 2,
          "nvosim sweep: --vary topology.spines=2:64:x1: bad range "
          "\"2:64:x1\": the factor must be more than 1" },
        { { "--vary", "run.seed=5:1" }, 2, "bad range \"5:1\": START is "
          "more than END" },
        { { "--vary", "run.seed=a:b" }, 2, "\"a\" is not a number" },
        { { "--vary", "run.run=1,2" }, 2, "vary run.seed instead" },
        { { "--vary", "run.seed" }, 2, "expected PATH=LIST" },
        { { "--set", "run.run=3" }, 2, "run numbers are the replications" },
        { { "--runs", "0" }, 2, "--runs 0: expected a number from 1" },
        { { "-j", "0" }, 2, "-j 0: expected a number from 1 to 1024" },
        { { "--vary", "underlay.ecmp.function=crc32,nope" }, 1,
          "nvosim sweep: vary underlay.ecmp.function, value nope:\n"
          "--set underlay.ecmp.function=nope: <ecmp function=\"nope\">: "
          "expected crc32, crc16, toeplitz, xor-fold, jenkins or random" },
        { { "--vary", "underlay.ecmp.nope=1" }, 1,
          "no such element or attribute \"nope\" in <ecmp>" },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(cases); i++) {
        char *err = NULL;
        const char *const *a = cases[i].args;
        int rc = nvosim(NULL, &err, "sweep", websearch(), "--out", dir,
                        a[0], a[1], a[2], a[3], NULL);
        ck_assert_msg(rc == cases[i].rc, "%s: exit %d", a[1], rc);
        ck_assert_msg(strstr(err, cases[i].msg), "%s: %s", a[1], err);
        g_free(err);
        ck_assert_msg(!g_file_test(dir, G_FILE_TEST_EXISTS), "%s: made "
                      "the directory", a[1]);
    }
    char *err = NULL;
    ck_assert_int_eq(nvosim(NULL, &err, "sweep", websearch(), NULL), 2);
    ck_assert(strstr(err, "--out DIR is required"));
    g_free(err);
    ck_assert_int_eq(nvosim(NULL, &err, "sweep", "--out", dir, NULL), 2);
    ck_assert(strstr(err, "which scenario?"));
    g_free(err);
    /* A directory that holds something else. */
    put(dir, "notes.txt", "mine\n");
    ck_assert_int_eq(nvosim(NULL, &err, "sweep", websearch(), "--out", dir,
                            NULL), 2);
    ck_assert(strstr(err, "is not empty: add --resume"));
    g_free(err);
    ck_assert_int_eq(nvosim(NULL, &err, "sweep", websearch(), "--out", dir,
                            "--resume", NULL), 2);
    ck_assert_msg(strstr(err, "holds no sweep (no sweep.def)"), "%s", err);
    g_free(err);
    g_free(dir);
    g_free(base);
}
END_TEST

/* A <sweep> in the scenario file; --vary adds to it and --runs
 * overrides it. */
START_TEST(sweep_element)
{
    char *dir = nvo_test_tmpdir("sweep-element");
    char *text = g_strdup_printf(
        "<scenario name=\"sw\">\n"
        "<topology file=\"%s\"/>\n"
        "<run duration=\"1ms\"/>\n"
        "<traffic>\n<flows pattern=\"permutation\">\n"
        "<size fixed=\"20KB\"/>\n<arrival load=\"0.3\"/>\n</flows>\n"
        "</traffic>\n"
        "<sweep runs=\"2\">\n"
        "<vary path=\"underlay.ecmp.function\" values=\"crc32,toeplitz\"/>\n"
        "<vary path=\"topology.spines\" values=\"2:4:+2\"/>\n"
        "</sweep>\n</scenario>\n",
        nvo_test_src("topologies/leaf-spine-small.xml"));
    put(dir, "s.xml", text);
    g_free(text);
    char *scen = g_build_filename(dir, "s.xml", NULL);
    char *a = g_build_filename(dir, "a", NULL);
    char *b = g_build_filename(dir, "b", NULL);
    char *out = NULL, *err = NULL;
    int rc = nvosim(&out, &err, "sweep", scen, "--out", a, NULL);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    ck_assert_msg(strstr(out, "4 points x 2 runs = 8 runs"), "%s", out);
    g_free(out);
    g_free(err);
    char *head = NULL;
    char *rows = rows_without_wall(a, &head);
    ck_assert(g_str_has_prefix(head, "point,underlay.ecmp.function,"
                               "topology.spines,seed,run,"));
    ck_assert(g_str_has_prefix(rows, "1,crc32,2,1,1,"));
    g_free(rows);
    g_free(head);
    /* --vary of a path the file varies replaces its list; a new one comes
     * last; --runs wins. */
    rc = nvosim(&out, &err, "sweep", scen, "--out", b, "--runs", "1",
                "--vary", "topology.spines=4", "--vary", "run.seed=3,4",
                NULL);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    ck_assert_msg(strstr(out, "4 points x 1 run = 4 runs"), "%s", out);
    g_free(out);
    g_free(err);
    rows = rows_without_wall(b, &head);
    ck_assert(g_str_has_prefix(head, "point,underlay.ecmp.function,"
                               "topology.spines,run.seed,seed,run,"));
    ck_assert_msg(g_str_has_prefix(rows, "1,crc32,4,3,3,1,\n")
                  || g_str_has_prefix(rows, "1,crc32,4,3,3,1,"), "%s", rows);
    ck_assert(strstr(rows, "\n4,toeplitz,4,4,4,1,"));
    g_free(rows);
    g_free(head);
    g_free(scen);
    g_free(a);
    g_free(b);
    g_free(dir);
}
END_TEST

START_TEST(batch)
{
    char *dir = nvo_test_tmpdir("batch");
    put(dir, "bad.xml", "<scenario name=\"bad\">\n<run duration=\"soon\"/>\n"
        "</scenario>\n");
    char *bad = g_build_filename(dir, "bad.xml", NULL);
    char *out_dir = g_build_filename(dir, "out", NULL);
    char *out = NULL, *err = NULL;
    int rc = nvosim(&out, &err, "batch", websearch(), bad, websearch(),
                    "--out", out_dir, "--set", "run.duration=1ms", "--set",
                    "run.drain=false", "-j", "2",
                    NULL);
    ck_assert_msg(rc == 1, "exit %d: %s", rc, err);
    ck_assert_msg(strstr(out, "3 scenarios, 2 ran, 1 failed"), "%s", out);
    /* The failure, with its reason, at the end. */
    char *want = g_strdup_printf("nvosim batch: 1 of 3 failed:\n  %s: %s:1: "
                                 "<scenario>: missing element <topology>\n",
                                 bad, bad);
    ck_assert_msg(strstr(err, want), "%s", err);
    g_free(want);
    g_free(out);
    g_free(err);
    /* The good ones' results; the second of one name gets -2. */
    static const char *const files[] = {
        "websearch/results.xml", "websearch/summary.csv",
        "websearch-2/summary.csv",
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(files); i++) {
        char *p = g_build_filename(out_dir, files[i], NULL);
        ck_assert_msg(g_file_test(p, G_FILE_TEST_EXISTS), "%s", p);
        g_free(p);
    }
    char *sum = g_build_filename(out_dir, "websearch", "summary.csv", NULL);
    char *text = NULL;
    ck_assert(g_file_get_contents(sum, &text, NULL, NULL));
    ck_assert(strstr(text, "\nwebsearch,native,1,1,0.001000000000,"));
    g_free(text);
    g_free(sum);

    /* The folders hold those runs now: refused, and left alone... */
    char *inode = g_build_filename(out_dir, "websearch", "results.xml", NULL);
    struct stat st0, st1;
    ck_assert_int_eq(stat(inode, &st0), 0);
    rc = nvosim(&out, &err, "batch", websearch(), "--out", out_dir, NULL);
    ck_assert_msg(rc == 1, "exit %d: %s", rc, err);
    want = g_strdup_printf("%s/websearch holds an earlier run (results.xml): "
                           "add --force to replace it", out_dir);
    ck_assert_msg(strstr(err, want), "%s", err);
    g_free(want);
    ck_assert_int_eq(stat(inode, &st1), 0);
    ck_assert_uint_eq(st0.st_ino, st1.st_ino);
    ck_assert_int_eq(st0.st_mtim.tv_nsec, st1.st_mtim.tv_nsec);
    g_free(out);
    g_free(err);
    /* ... unless --force: all good, exit 0, a new results.xml. */
    rc = nvosim(&out, &err, "batch", websearch(), "--out", out_dir,
                "--force", NULL);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    ck_assert_int_eq(stat(inode, &st1), 0);
    ck_assert(st0.st_mtim.tv_sec != st1.st_mtim.tv_sec
              || st0.st_mtim.tv_nsec != st1.st_mtim.tv_nsec);
    g_free(inode);
    g_free(out);
    g_free(err);
    ck_assert_int_eq(nvosim(NULL, NULL, "batch", NULL), 2);
    ck_assert_int_eq(nvosim(NULL, NULL, "batch", "-j", "x", bad, NULL), 2);
    g_free(bad);
    g_free(out_dir);
    g_free(dir);
}
END_TEST

/* mtime and inode of DIR/NAME, to see whether it was written again. */
static void
file_id(const char *dir, const char *name, struct stat *st)
{
    char *p = g_build_filename(dir, name, NULL);
    ck_assert_msg(!stat(p, st), "%s: %s", p, g_strerror(errno));
    g_free(p);
}

static bool
exists(const char *dir, const char *name)
{
    char *p = g_build_filename(dir, name, NULL);
    bool e = g_file_test(p, G_FILE_TEST_EXISTS);
    g_free(p);
    return e;
}

/* nvosim run into a folder that holds an earlier run: refused, the old
 * files untouched; --force replaces them whole; every file written is
 * listed. */
START_TEST(run_folders)
{
    char *base = nvo_test_tmpdir("run-folders");
    char *d = g_build_filename(base, "r", NULL);
    const char *spine = nvo_test_src("scenarios/spine-failure.xml");
    char *spine_copy = g_strdup(spine);
    char *out = NULL, *err = NULL;
    int rc = nvosim(&out, &err, "run", spine_copy, "--set",
                    "run.duration=500us", "--set", "output.trace=true",
                    "--out", d, NULL);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    char *want = g_strdup_printf("  wrote %s/results.xml\n  wrote %s/"
                                 "summary.csv\n  wrote %s/trace.txt\n  wrote "
                                 "%s/leaf1-2.pcap\n", d, d, d, d);
    ck_assert_msg(g_str_has_suffix(out, want), "%s", out);
    g_free(want);
    g_free(out);
    g_free(err);
    struct stat r0, p0, r1, p1;
    file_id(d, "results.xml", &r0);
    file_id(d, "leaf1-2.pcap", &p0);

    /* Again: refused (exit 2), nothing touched. */
    rc = nvosim(&out, &err, "run", websearch(), "--out", d, NULL);
    ck_assert_int_eq(rc, 2);
    want = g_strdup_printf("nvosim run: %s holds an earlier run "
                           "(leaf1-2.pcap): add --force to replace it, or "
                           "choose another --out\n", d);
    ck_assert_str_eq(err, want);
    ck_assert_str_eq(out, "");
    g_free(want);
    g_free(out);
    g_free(err);
    file_id(d, "results.xml", &r1);
    file_id(d, "leaf1-2.pcap", &p1);
    ck_assert_uint_eq(r0.st_ino, r1.st_ino);
    ck_assert_int_eq(r0.st_mtim.tv_nsec, r1.st_mtim.tv_nsec);
    ck_assert_uint_eq(p0.st_ino, p1.st_ino);
    ck_assert(exists(d, "trace.txt"));

    /* --force: the other scenario's results alone; no old pcap or trace
     * beside them; a file of the user's stays. */
    put(d, "notes.txt", "mine\n");
    rc = nvosim(&out, &err, "run", websearch(), "--set", "run.duration=1ms",
                "--out", d, "--force", NULL);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    want = g_strdup_printf("nvosim run: removed the 4 files of an earlier run "
                           "from %s\n", d);
    ck_assert_msg(g_str_has_prefix(out, want), "%s", out);
    g_free(want);
    want = g_strdup_printf("  wrote %s/results.xml\n  wrote %s/summary.csv\n",
                           d, d);
    ck_assert_msg(g_str_has_suffix(out, want), "%s", out);
    g_free(want);
    g_free(out);
    g_free(err);
    ck_assert(!exists(d, "leaf1-2.pcap"));
    ck_assert(!exists(d, "trace.txt"));
    ck_assert(exists(d, "notes.txt"));
    char *xml = slurp(d, "results.xml");
    ck_assert(strstr(xml, "<run scenario=\"websearch\""));
    g_free(xml);

    /* A sweep's folder: refused even with --force. */
    char *s = g_build_filename(base, "s", NULL);
    put(s, "sweep.def", "scenario=x\n");
    rc = nvosim(NULL, &err, "run", websearch(), "--out", s, "--force", NULL);
    ck_assert_int_eq(rc, 2);
    want = g_strdup_printf("nvosim run: %s holds a sweep (sweep.def): choose "
                           "another --out\n", s);
    ck_assert_str_eq(err, want);
    g_free(want);
    g_free(err);
    ck_assert(!exists(s, "results.xml"));
    g_free(s);
    g_free(spine_copy);
    g_free(d);
    g_free(base);
}
END_TEST

/* SIGTERM in the middle of a run: its unfinished .tmp files go with it. */
START_TEST(run_interrupted)
{
    char *d = nvo_test_tmpdir("run-term");
    char *tmp = g_build_filename(d, "trace.txt.tmp", NULL);
    const char *argv[] = {
        NVOSIM, "run", nvo_test_src("scenarios/spine-failure.xml"), "--set",
        "run.duration=100s", "--set", "output.trace=true", "--quiet", "--out",
        d, NULL,
    };
    char *argv0 = g_strdup(argv[2]);
    argv[2] = argv0;
    GPid pid;
    GError *error = NULL;
    ck_assert(g_spawn_async(NULL, (char **) argv, NULL,
                            G_SPAWN_DO_NOT_REAP_CHILD
                            | G_SPAWN_STDOUT_TO_DEV_NULL
                            | G_SPAWN_STDERR_TO_DEV_NULL,
                            NULL, NULL, &pid, &error));
    for (int i = 0; i < 20000 && !g_file_test(tmp, G_FILE_TEST_EXISTS); i++) {
        g_usleep(1000);
    }
    ck_assert_msg(g_file_test(tmp, G_FILE_TEST_EXISTS), "no %s", tmp);
    g_usleep(20000);
    kill(pid, SIGTERM);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
                  "status %#x", status);
    GDir *dir = g_dir_open(d, 0, NULL);
    ck_assert_ptr_nonnull(dir);
    const char *name;
    while ((name = g_dir_read_name(dir))) {
        ck_assert_msg(!g_str_has_suffix(name, ".tmp"), "%s/%s is left", d,
                      name);
    }
    g_dir_close(dir);
    g_free(argv0);
    g_free(tmp);
    g_free(d);
}
END_TEST

/* A run of a sweep killed by SIGKILL (it cannot clean up): the sweep
 * lists it as failed and removes the .tmp files it left. */
START_TEST(killed_run_cleaned)
{
    char *d = nvo_test_tmpdir("sweep-killed-run");
    char *run = g_build_filename(d, "runs", "P1-R1", NULL);
    char *tmp = g_build_filename(run, "trace.txt.tmp", NULL);
    const char *argv[] = {
        NVOSIM, "sweep", nvo_test_src("scenarios/spine-failure.xml"),
        "--set", "run.duration=100s", "--set", "output.trace=true",
        "--vary", "run.seed=1", "-j", "1", "--out", d, NULL,
    };
    char *scen = g_strdup(argv[2]);
    argv[2] = scen;
    GPid pid;
    GError *error = NULL;
    int fd_out, fd_err;
    ck_assert(g_spawn_async_with_pipes(NULL, (char **) argv, NULL,
                                       G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                       &pid, NULL, &fd_out, &fd_err, &error));
    for (int i = 0; i < 20000 && !g_file_test(tmp, G_FILE_TEST_EXISTS); i++) {
        g_usleep(1000);
    }
    ck_assert_msg(g_file_test(tmp, G_FILE_TEST_EXISTS), "no %s", tmp);
    char *children_path = g_strdup_printf("/proc/%d/task/%d/children",
                                          (int) pid, (int) pid);
    char *children = NULL;
    ck_assert(g_file_get_contents(children_path, &children, NULL, NULL));
    int child = atoi(children);
    ck_assert_int_gt(child, 0);
    kill(child, SIGKILL);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1,
                  "status %#x", status);
    char buf[4096];
    ssize_t n = read(fd_err, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    ck_assert_msg(strstr(buf, "killed by signal 9"), "%s", buf);
    ck_assert(!g_file_test(tmp, G_FILE_TEST_EXISTS));
    ck_assert(exists(run, "run.log"));
    ck_assert(!exists(d, "sweep.lock"));
    close(fd_out);
    close(fd_err);
    g_free(children);
    g_free(children_path);
    g_free(scen);
    g_free(tmp);
    g_free(run);
    g_free(d);
}
END_TEST

/* --out "" (and summarize --csv ""): refused by every command, exit 2,
 * nothing written (sweep used to fill the current directory). */
START_TEST(empty_out)
{
    char *cwd = nvo_test_tmpdir("empty-out");
    static const struct {
        const char *args[6];
        const char *msg;
    } cases[] = {
        { { "run", "@", "--out", "" },
          "nvosim run: --out: an empty path (name the output directory, "
          "e.g. --out results/x)\n" },
        { { "batch", "@", "--out", "" },
          "nvosim batch: --out: an empty path (name the directory, e.g. "
          "--out results/batch)\n" },
        { { "sweep", "@", "--vary", "run.seed=1,2", "--out", "" },
          "nvosim sweep: --out: an empty path (name the sweep's directory, "
          "e.g. --out results/sweep)\n" },
        { { "tunnel", "--out", "" }, "nvosim tunnel: --out: an empty path\n" },
        { { "plot", ".", "-x", "a", "--out", "" },
          "nvosim plot: --out: an empty path\n" },
        { { "summarize", ".", "--csv", "" },
          "nvosim summarize: --csv: an empty path\n" },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(cases); i++) {
        GPtrArray *argv = g_ptr_array_new();
        g_ptr_array_add(argv, (char *) NVOSIM);
        for (size_t k = 0; k < 6 && cases[i].args[k]; k++) {
            const char *a = cases[i].args[k];
            g_ptr_array_add(argv, (char *) (strcmp(a, "@") ? a : websearch()));
        }
        g_ptr_array_add(argv, NULL);
        char *err = NULL;
        int status;
        ck_assert(g_spawn_sync(cwd, (char **) argv->pdata, NULL,
                               G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                               &err, &status, NULL));
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 2,
                      "%s: status %#x", cases[i].args[0], status);
        ck_assert_str_eq(err, cases[i].msg);
        g_free(err);
        g_ptr_array_free(argv, TRUE);
        GDir *d = g_dir_open(cwd, 0, NULL);
        ck_assert_msg(!g_dir_read_name(d), "%s wrote into %s",
                      cases[i].args[0], cwd);
        g_dir_close(d);
    }
    g_free(cwd);
}
END_TEST

static Suite *
sweep_suite(void)
{
    Suite *s = suite_create("sweep");
    TCase *tc = tcase_create("unit");
    tcase_add_loop_test(tc, lists, 0, NVO_ARRAY_SIZE(list_cases));
    tcase_add_test(tc, grid);
    tcase_add_test(tc, csv);
    tcase_add_test(tc, definition);
    tcase_add_test(tc, rows);
    tcase_add_test(tc, rebuild);
    suite_add_tcase(s, tc);
    tc = tcase_create("commands");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sweep_rows);
    tcase_add_test(tc, missing_cells);
    tcase_add_test(tc, kill_and_resume);
    tcase_add_test(tc, interrupt);
    tcase_add_test(tc, failed_run);
    tcase_add_test(tc, usage_errors);
    tcase_add_test(tc, sweep_element);
    tcase_add_test(tc, batch);
    tcase_add_test(tc, run_folders);
    tcase_add_test(tc, run_interrupted);
    tcase_add_test(tc, killed_run_cleaned);
    tcase_add_test(tc, empty_out);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return nvo_test_run(sweep_suite());
}
