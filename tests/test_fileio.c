/* test_fileio.c: writing files whole or not at all, mkdir -p (fileio.c),
 * and starting child programs (spawn.c). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "testutil.h"
#include "core/fileio.h"
#include "core/spawn.h"
#include "io/config.h"
#include "run/sim.h"

static char *
path_in(const char *dir, const char *name)
{
    return g_build_filename(dir, name, NULL);
}

static char *
slurp(const char *path, size_t *len)
{
    char *text = NULL;
    int error = nvo_file_read(path, 1 << 20, &text, len);
    ck_assert_msg(!error, "%s: %s", path, g_strerror(error));
    return text;
}

static bool
exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static gint
cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* The names in 'dir', comma-separated, sorted. */
static char *
listing(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    ck_assert_ptr_nonnull(d);
    GPtrArray *v = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(d))) {
        g_ptr_array_add(v, g_strdup(name));
    }
    g_dir_close(d);
    g_ptr_array_sort(v, cmp_names);
    g_ptr_array_add(v, NULL);
    char *s = g_strjoinv(",", (char **) v->pdata);
    g_ptr_array_free(v, TRUE);
    return s;
}

START_TEST(write_atomic_contents)
{
    char *dir = nvo_test_tmpdir("fileio");
    char *p = path_in(dir, "out.bin");
    /* Bytes with a NUL in the middle and no final newline. */
    static const char data[] = { 'a', '\0', 'b', '\n', 'c' };
    ck_assert_int_eq(nvo_file_write_atomic(p, data, sizeof data), 0);
    size_t len;
    char *got = slurp(p, &len);
    ck_assert_uint_eq(len, 5);
    ck_assert_int_eq(memcmp(got, data, 5), 0);
    g_free(got);
    /* Replaced whole by a shorter file; empty is a file too. */
    ck_assert_int_eq(nvo_file_write_atomic(p, "xy", 2), 0);
    got = slurp(p, &len);
    ck_assert_uint_eq(len, 2);
    ck_assert_str_eq(got, "xy");
    g_free(got);
    ck_assert_int_eq(nvo_file_write_atomic(p, NULL, 0), 0);
    got = slurp(p, &len);
    ck_assert_uint_eq(len, 0);
    g_free(got);
    char *tmp = nvo_file_tmp_path(p);
    ck_assert_str_eq(tmp + strlen(p), ".tmp");
    ck_assert(!exists(tmp));
    char *names = listing(dir);
    ck_assert_str_eq(names, "out.bin");
    g_free(names);
    g_free(tmp);
    g_free(p);
    g_free(dir);
}
END_TEST

START_TEST(write_atomic_failures)
{
    char *dir = nvo_test_tmpdir("fileio");
    char *file = path_in(dir, "plain");
    ck_assert_int_eq(nvo_file_write_atomic(file, "old\n", 4), 0);

    /* The parent is a regular file (root can write anywhere, but not
     * under a file). */
    char *under = path_in(file, "x.csv");
    ck_assert_int_eq(nvo_file_write_atomic(under, "new", 3), ENOTDIR);
    ck_assert(!exists(under));

    /* A name too long: PATH fits in NAME_MAX but PATH.tmp does not, so
     * the old file (created under its own name) stays as it was. */
    char name[NAME_MAX + 1];
    memset(name, 'n', NAME_MAX - 2);
    name[NAME_MAX - 2] = '\0';
    char *longp = path_in(dir, name);
    FILE *f = fopen(longp, "w");
    ck_assert_ptr_nonnull(f);
    fputs("kept", f);
    fclose(f);
    ck_assert_int_eq(nvo_file_write_atomic(longp, "new", 3), ENAMETOOLONG);
    size_t len;
    char *got = slurp(longp, &len);
    ck_assert_str_eq(got, "kept");
    g_free(got);

    /* The rename fails (the target is a non-empty directory): PATH.tmp
     * is removed again and the directory is untouched. */
    char *sub = path_in(dir, "sub");
    ck_assert_int_eq(nvo_mkdir_p(sub), 0);
    char *inside = path_in(sub, "f");
    ck_assert_int_eq(nvo_file_write_atomic(inside, "i", 1), 0);
    ck_assert_int_eq(nvo_file_write_atomic(sub, "new", 3), EISDIR);
    char *subtmp = nvo_file_tmp_path(sub);
    ck_assert(!exists(subtmp));
    ck_assert(exists(inside));

    got = slurp(file, &len);
    ck_assert_str_eq(got, "old\n");
    g_free(got);
    char *names = listing(dir);
    char *expect = g_strdup_printf("%s,plain,sub", name);
    ck_assert_str_eq(names, expect);
    g_free(expect);
    g_free(names);
    g_free(subtmp);
    g_free(inside);
    g_free(sub);
    g_free(longp);
    g_free(under);
    g_free(file);
    g_free(dir);
}
END_TEST

START_TEST(stream_commit_abort)
{
    char *dir = nvo_test_tmpdir("fileio");
    char *p = path_in(dir, "trace.txt");
    ck_assert_int_eq(nvo_file_write_atomic(p, "before\n", 7), 0);

    /* Abort: PATH.tmp goes, the old PATH stays. */
    struct nvo_atomic_file af;
    ck_assert_int_eq(nvo_atomic_open(&af, p), 0);
    ck_assert_str_eq(af.path, p);
    ck_assert(exists(af.tmp_path));
    fputs("half a line", af.f);
    nvo_atomic_abort(&af);
    ck_assert_ptr_null(af.f);
    ck_assert_ptr_null(af.tmp_path);
    size_t len;
    char *got = slurp(p, &len);
    ck_assert_str_eq(got, "before\n");
    g_free(got);
    char *names = listing(dir);
    ck_assert_str_eq(names, "trace.txt");
    g_free(names);

    /* Commit: the lines written, nothing else left. */
    ck_assert_int_eq(nvo_atomic_open(&af, p), 0);
    for (int i = 0; i < 1000; i++) {
        fprintf(af.f, "line %d\n", i);
    }
    ck_assert_int_eq(nvo_atomic_commit(&af), 0);
    got = slurp(p, &len);
    ck_assert_uint_eq(len, 10 * 7 + 90 * 8 + 900 * 9);
    ck_assert(g_str_has_suffix(got, "line 998\nline 999\n"));
    g_free(got);
    names = listing(dir);
    ck_assert_str_eq(names, "trace.txt");
    g_free(names);

    /* A stream closed by its user (libpcap's way): commit only renames. */
    ck_assert_int_eq(nvo_atomic_open(&af, p), 0);
    fputs("closed elsewhere", af.f);
    fclose(af.f);
    af.f = NULL;
    ck_assert_int_eq(nvo_atomic_commit(&af), 0);
    got = slurp(p, &len);
    ck_assert_str_eq(got, "closed elsewhere");
    g_free(got);

    /* PATH.tmp written by another program, put into place; with no
     * PATH.tmp, ENOENT and PATH stays. */
    char *tmp = nvo_file_tmp_path(p);
    FILE *o = fopen(tmp, "w");
    ck_assert_ptr_nonnull(o);
    fputs("from gnuplot", o);
    fclose(o);
    ck_assert_int_eq(nvo_file_commit_tmp(p), 0);
    ck_assert(!exists(tmp));
    got = slurp(p, &len);
    ck_assert_str_eq(got, "from gnuplot");
    g_free(got);
    ck_assert_int_eq(nvo_file_commit_tmp(p), ENOENT);
    got = slurp(p, &len);
    ck_assert_str_eq(got, "from gnuplot");
    g_free(got);
    g_free(tmp);

    /* A stream that cannot be opened: nothing is made. */
    char *bad = path_in(p, "x");
    ck_assert_int_eq(nvo_atomic_open(&af, bad), ENOTDIR);
    ck_assert_ptr_null(af.f);
    ck_assert_ptr_null(af.path);
    names = listing(dir);
    ck_assert_str_eq(names, "trace.txt");
    g_free(names);
    g_free(bad);
    g_free(p);
    g_free(dir);
}
END_TEST

START_TEST(mkdir_p)
{
    char *dir = nvo_test_tmpdir("fileio");
    char *deep = g_build_filename(dir, "a", "b", "c", NULL);
    ck_assert_int_eq(nvo_mkdir_p(deep), 0);
    struct stat st;
    ck_assert_int_eq(stat(deep, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    /* Existing: fine, also with a trailing or doubled slash. */
    ck_assert_int_eq(nvo_mkdir_p(deep), 0);
    char *slash = g_strconcat(dir, "//a/b/", NULL);
    ck_assert_int_eq(nvo_mkdir_p(slash), 0);
    ck_assert_int_eq(nvo_mkdir_p("."), 0);
    ck_assert_int_eq(nvo_mkdir_p("/"), 0);
    ck_assert_int_eq(nvo_mkdir_p(""), EINVAL);

    /* A file in the way: as the directory itself, EEXIST; as a parent,
     * ENOTDIR; nothing is created beside it. */
    char *file = path_in(dir, "f");
    ck_assert_int_eq(nvo_file_write_atomic(file, "x", 1), 0);
    ck_assert_int_eq(nvo_mkdir_p(file), EEXIST);
    char *below = g_build_filename(file, "d", NULL);
    ck_assert_int_eq(nvo_mkdir_p(below), ENOTDIR);
    char *below2 = g_build_filename(file, "d", "e", NULL);
    ck_assert_int_eq(nvo_mkdir_p(below2), ENOTDIR);
    char *names = listing(dir);
    ck_assert_str_eq(names, "a,f");
    g_free(names);
    ck_assert_int_eq(stat(file, &st), 0);
    ck_assert(S_ISREG(st.st_mode));
    ck_assert_int_eq(st.st_size, 1);

    /* A component too long. */
    char name[NAME_MAX + 2];
    memset(name, 'n', NAME_MAX + 1);
    name[NAME_MAX + 1] = '\0';
    char *longp = g_build_filename(dir, name, "x", NULL);
    ck_assert_int_eq(nvo_mkdir_p(longp), ENAMETOOLONG);
    g_free(longp);
    g_free(below2);
    g_free(below);
    g_free(file);
    g_free(slash);
    g_free(deep);
    g_free(dir);
}
END_TEST

START_TEST(spawn_run_capture)
{
    const char *argv[] = { "/bin/sh", "-c", "echo x; echo e >&2; exit 3",
                           NULL };
    struct nvo_spawn_opts o = {
        .argv = argv, .in = NVO_SPAWN_NULL, .out = NVO_SPAWN_CAPTURE,
        .err = NVO_SPAWN_CAPTURE,
    };
    struct nvo_spawn_result r;
    ck_assert_int_eq(nvo_spawn_run(&o, &r), 0);
    ck_assert(WIFEXITED(r.status));
    ck_assert_int_eq(WEXITSTATUS(r.status), 3);
    ck_assert(!nvo_spawn_succeeded(r.status));
    ck_assert_uint_eq(r.out_len, 2);
    ck_assert_str_eq(r.out, "x\n");
    ck_assert_uint_eq(r.err_len, 2);
    ck_assert_str_eq(r.err, "e\n");
    ck_assert_int_gt(r.rusage.ru_maxrss, 0);
    char buf[64];
    ck_assert_str_eq(nvo_spawn_status_text(r.status, buf, sizeof buf),
                     "exit status 3");
    nvo_spawn_result_clear(&r);
    ck_assert_ptr_null(r.out);

    /* Exactly "echo x; exit 3", stdout only, from PATH ("sh"); stderr
     * merged into stdout; more output than a pipe holds (64 KiB). */
    const char *argv2[] = { "sh", "-c", "echo x; exit 3", NULL };
    o.argv = argv2;
    o.err = NVO_SPAWN_INHERIT;
    ck_assert_int_eq(nvo_spawn_run(&o, &r), 0);
    ck_assert_int_eq(WEXITSTATUS(r.status), 3);
    ck_assert_str_eq(r.out, "x\n");
    ck_assert_ptr_null(r.err);
    nvo_spawn_result_clear(&r);

    const char *argv3[] = { "/bin/sh", "-c",
                            "head -c 200000 /dev/zero; echo err >&2; "
                            "kill -9 $$", NULL };
    o.argv = argv3;
    o.err = NVO_SPAWN_TO_STDOUT;
    ck_assert_int_eq(nvo_spawn_run(&o, &r), 0);
    ck_assert(WIFSIGNALED(r.status));
    ck_assert_int_eq(WTERMSIG(r.status), 9);
    ck_assert_uint_eq(r.out_len, 200004);
    ck_assert_str_eq(r.out + 200000, "err\n");
    ck_assert_str_eq(nvo_spawn_status_text(r.status, buf, sizeof buf),
                     "killed by signal 9 (Killed)");
    nvo_spawn_result_clear(&r);
}
END_TEST

START_TEST(spawn_missing_and_start)
{
    const char *argv[] = { "/nonexistent/nvosim-no-such-program", NULL };
    struct nvo_spawn_opts o = { .argv = argv, .out = NVO_SPAWN_CAPTURE };
    struct nvo_spawn_result r;
    ck_assert_int_eq(nvo_spawn_run(&o, &r), ENOENT);
    ck_assert_ptr_null(r.out);
    const char *argv2[] = { "nvosim-no-such-program-in-path", NULL };
    o.argv = argv2;
    ck_assert_int_eq(nvo_spawn_run(&o, &r), ENOENT);
    /* Not executable: a directory. */
    const char *argv3[] = { "/tmp", NULL };
    o.argv = argv3;
    ck_assert_int_eq(nvo_spawn_run(&o, &r), EACCES);
    /* Capturing needs nvo_spawn_run(). */
    pid_t pid;
    ck_assert_int_eq(nvo_spawn_start(&o, &pid), EINVAL);

    /* Started in the background: stdout to a file, stderr with it, one
     * descriptor passed on as 3, no other descriptor of ours. */
    char *dir = nvo_test_tmpdir("fileio");
    char *log = path_in(dir, "run.log");
    char *kept = path_in(dir, "kept");
    FILE *k = fopen(kept, "w");
    ck_assert_ptr_nonnull(k);
    int extra = dup(fileno(k));        /* some other open descriptor */
    ck_assert_int_ge(extra, 4);
    char script[256];
    snprintf(script, sizeof script,
             "echo out; echo err >&2; echo three >&3; "
             "if (: >&%d) 2>/dev/null; then echo leaked; fi; exit 0", extra);
    const char *argv4[] = { "/bin/sh", "-c", script, NULL };
    struct nvo_spawn_opts bg = {
        .argv = argv4, .in = NVO_SPAWN_NULL, .out = NVO_SPAWN_FILE,
        .out_path = log, .err = NVO_SPAWN_TO_STDOUT, .keep = true,
        .keep_fd = fileno(k),
    };
    ck_assert_int_eq(nvo_spawn_start(&bg, &pid), 0);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(nvo_spawn_succeeded(status));
    fclose(k);
    close(extra);
    size_t len;
    char *text = slurp(log, &len);
    ck_assert_str_eq(text, "out\nerr\n");
    g_free(text);
    text = slurp(kept, &len);
    ck_assert_str_eq(text, "three\n");
    g_free(text);
    g_free(kept);
    g_free(log);
    g_free(dir);
}
END_TEST

/* A run's output that cannot be created is an I/O error (NVO_IO_ERROR),
 * not a configuration error, with the message "PATH: what is wrong". */
START_TEST(sim_io_errors)
{
    static const char *const sets[] = { "output.trace=true" };
    GError *error = NULL;
    struct nvo_scenario_cfg *cfg = nvo_scenario_load(
        nvo_test_src("scenarios/spine-failure.xml"), sets, 1, &error);
    ck_assert_msg(cfg, "%s", error ? error->message : "?");
    char *dir = nvo_test_tmpdir("fileio");
    char *file = path_in(dir, "f");
    ck_assert_int_eq(nvo_file_write_atomic(file, "x", 1), 0);

    char *out = path_in(file, "out");
    struct nvo_sim *sim = nvo_sim_create(cfg, "native", out, &error);
    ck_assert_ptr_null(sim);
    ck_assert_ptr_nonnull(error);
    ck_assert(error->domain == NVO_IO_ERROR);
    ck_assert_int_eq(error->code, NVO_IO_ERROR_FAILED);
    char *want = g_strdup_printf("%s: cannot create the output directory: "
                                 "%s", out, g_strerror(ENOTDIR));
    ck_assert_str_eq(error->message, want);
    g_free(want);
    g_clear_error(&error);

    /* trace.txt.tmp cannot be created: a directory is in its way. */
    char *run = path_in(dir, "run");
    char *blocker = g_build_filename(run, "trace.txt.tmp", "x", NULL);
    ck_assert_int_eq(nvo_mkdir_p(blocker), 0);
    sim = nvo_sim_create(cfg, "native", run, &error);
    ck_assert_ptr_null(sim);
    ck_assert(error->domain == NVO_IO_ERROR);
    char *trace = path_in(run, "trace.txt");
    want = g_strdup_printf("%s: %s", trace, g_strerror(EISDIR));
    ck_assert_str_eq(error->message, want);
    g_free(want);
    g_clear_error(&error);
    char *names = listing(run);
    ck_assert_str_eq(names, "trace.txt.tmp");
    g_free(names);

    g_free(trace);
    g_free(blocker);
    g_free(run);
    g_free(out);
    g_free(file);
    g_free(dir);
    nvo_scenario_cfg_destroy(cfg);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("fileio");
    TCase *tc = tcase_create("fileio");
    tcase_add_test(tc, write_atomic_contents);
    tcase_add_test(tc, write_atomic_failures);
    tcase_add_test(tc, stream_commit_abort);
    tcase_add_test(tc, mkdir_p);
    tcase_add_test(tc, spawn_run_capture);
    tcase_add_test(tc, spawn_missing_and_start);
    tcase_add_test(tc, sim_io_errors);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
