/* runner.c: runs in child processes for batch and sweep.  See runner.h. */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/fileio.h"
#include "core/spawn.h"

static int inherit_fd__ = -1;   /* see nvo_runner_inherit_fd() */

static int
cmp_names__(const char *const *a, const char *const *b)
{
    return strcmp(*a, *b);
}

#define REASON_MAX 400

const char *
nvo_runner_self(void)
{
    static char exe[PATH_MAX];
    if (!exe[0]) {
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n <= 0) {
            exe[0] = '\0';
            return NULL;
        }
        exe[n] = '\0';
    }
    return exe;
}

int
nvo_runner_start(const char *scenario, const char *out_dir,
                 const char *const *sets, size_t n_sets, pid_t *pid,
                 char **reason)
{
    const char *self = nvo_runner_self();
    if (!self) {
        *reason = g_strdup_printf("cannot find the nvosim binary "
                                  "(/proc/self/exe): %s", g_strerror(errno));
        return ENOENT;
    }
    int err = nvo_mkdir_p(out_dir);
    if (err) {
        *reason = g_strdup_printf("cannot create %s: %s", out_dir,
                                  g_strerror(err));
        return err;
    }
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(argv, g_strdup(self));
    g_ptr_array_add(argv, g_strdup("run"));
    g_ptr_array_add(argv, g_strdup(scenario));
    g_ptr_array_add(argv, g_strdup("--quiet"));
    g_ptr_array_add(argv, g_strdup("--force"));
    g_ptr_array_add(argv, g_strdup("--out"));
    g_ptr_array_add(argv, g_strdup(out_dir));
    for (size_t i = 0; i < n_sets; i++) {
        g_ptr_array_add(argv, g_strdup("--set"));
        g_ptr_array_add(argv, g_strdup(sets[i]));
    }
    g_ptr_array_add(argv, NULL);

    char *log = g_build_filename(out_dir, "run.log", NULL);
    /* The child gets stdin, stdout, stderr and, as descriptor 3, the one
     * the caller named (the sweep's lock); nothing else leaks into it
     * (MPI's sockets, other runs' files). */
    struct nvo_spawn_opts so = {
        .argv = (const char *const *) argv->pdata, .in = NVO_SPAWN_NULL,
        .out = NVO_SPAWN_FILE, .out_path = log, .err = NVO_SPAWN_TO_STDOUT,
        .keep = inherit_fd__ >= 0, .keep_fd = inherit_fd__,
    };
    err = nvo_spawn_start(&so, pid);
    if (err) {
        *reason = g_strdup_printf("cannot start %s: %s", self,
                                  g_strerror(err));
    }
    g_free(log);
    g_ptr_array_free(argv, TRUE);
    return err;
}

void
nvo_runner_inherit_fd(int fd)
{
    inherit_fd__ = fd;
}

int
nvo_runner_wait(const pid_t *pids, size_t n, int timeout_ms, int *status)
{
    for (int waited = 0;; waited += 2) {
        for (size_t i = 0; i < n; i++) {
            pid_t r = waitpid(pids[i], status, WNOHANG);
            if (r == pids[i]) {
                return (int) i;
            }
            if (r < 0 && errno == ECHILD) {
                /* Reaped elsewhere (SIGCHLD ignored): ended, status
                 * unknown; count it as a failure (exit status 1). */
                *status = 1 << 8;
                return (int) i;
            }
        }
        if (timeout_ms >= 0 && waited >= timeout_ms) {
            return -1;
        }
        struct timespec ts = { 0, 2000000 };
        if (nanosleep(&ts, NULL) && errno == EINTR) {
            return -1;
        }
    }
}

/* The first line of 'log' and how many lines follow it; NULL if empty. */
static char *
log_first_line__(const char *log)
{
    char *text = NULL;
    if (!g_file_get_contents(log, &text, NULL, NULL)) {
        return NULL;
    }
    char *s = g_strstrip(text);
    if (!*s) {
        g_free(text);
        return NULL;
    }
    char *nl = strchr(s, '\n');
    unsigned more = 0;
    if (nl) {
        *nl = '\0';
        for (char *p = nl + 1; *p; p++) {
            more += *p == '\n';
        }
        more++;
    }
    char *line = g_strndup(s, REASON_MAX);
    char *r = more ? g_strdup_printf("%s (and %u more line%s in %s)", line,
                                     more, more == 1 ? "" : "s", log)
                   : g_strdup(line);
    g_free(line);
    g_free(text);
    return r;
}

char *
nvo_runner_finish(const char *out_dir, int status)
{
    char *log = g_build_filename(out_dir, "run.log", NULL);
    char *summary = g_build_filename(out_dir, "summary.csv", NULL);
    char *reason = NULL;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        if (!g_file_test(summary, G_FILE_TEST_IS_REGULAR)) {
            reason = g_strdup_printf("%s was not written", summary);
        }
    } else if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        struct stat st;
        bool has_log = !stat(log, &st) && st.st_size > 0;
        reason = g_strdup_printf("killed by signal %d (%s)%s%s", sig,
                                 strsignal(sig), has_log ? "; see " : "",
                                 has_log ? log : "");
    } else {
        reason = log_first_line__(log);
        if (!reason) {
            reason = g_strdup_printf("exit status %d",
                                     WIFEXITED(status) ? WEXITSTATUS(status)
                                                       : -1);
        }
    }
    if (reason) {
        remove(summary);
        char *why = NULL;
        if (nvo_runner_clear_run(out_dir, true, &why) < 0) {
            char *r = g_strdup_printf("%s; %s", reason, why);
            g_free(reason);
            reason = r;
            g_free(why);
        }
    } else {
        struct stat st;
        if (!stat(log, &st) && st.st_size == 0) {
            remove(log);
        }
    }
    g_free(summary);
    g_free(log);
    return reason;
}

/* Is 'name' a file that "nvosim run" writes (or its ".tmp")? */
static bool
is_run_file__(const char *name, bool tmp_only)
{
    static const char *const names[] = {
        "results.xml", "summary.csv", "trace.txt", "series.csv",
        "flows.csv",
    };
    size_t len = strlen(name);
    bool tmp = g_str_has_suffix(name, ".tmp");
    if (tmp_only && !tmp) {
        return false;
    }
    if (tmp) {
        len -= 4;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        if (len == strlen(names[i]) && !strncmp(name, names[i], len)) {
            return true;
        }
    }
    return (len > 5 && !strncmp(name + len - 5, ".pcap", 5))
           || (len > 4 && !strncmp(name + len - 4, ".mrt", 4));
}

/* The run files in 'dir', sorted; NULL if it cannot be read. */
static GPtrArray *
run_files__(const char *dir, bool tmp_only)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    if (!d) {
        return NULL;
    }
    GPtrArray *v = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(d))) {
        if (!is_run_file__(name, tmp_only)) {
            continue;
        }
        char *path = g_build_filename(dir, name, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
            g_ptr_array_add(v, g_strdup(name));
        }
        g_free(path);
    }
    g_dir_close(d);
    g_ptr_array_sort(v, (GCompareFunc) cmp_names__);
    return v;
}

char *
nvo_runner_old_run(const char *dir)
{
    GPtrArray *v = run_files__(dir, false);
    char *first = v && v->len ? g_strdup(v->pdata[0]) : NULL;
    if (v) {
        g_ptr_array_free(v, TRUE);
    }
    return first;
}

int
nvo_runner_clear_run(const char *dir, bool tmp_only, char **reason)
{
    GPtrArray *v = run_files__(dir, tmp_only);
    int n = 0;
    for (guint i = 0; v && i < v->len; i++) {
        char *path = g_build_filename(dir, v->pdata[i], NULL);
        if (remove(path)) {
            *reason = g_strdup_printf("cannot remove %s: %s", path,
                                      g_strerror(errno));
            g_free(path);
            n = -1;
            break;
        }
        g_free(path);
        n++;
    }
    if (v) {
        g_ptr_array_free(v, TRUE);
    }
    return n;
}

bool
nvo_runner_interrupted(int status)
{
    return WIFSIGNALED(status)
           && (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM);
}
