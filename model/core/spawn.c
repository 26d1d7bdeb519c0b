/* spawn.c: child programs through posix_spawn.  See spawn.h. */
#define _GNU_SOURCE             /* posix_spawn_file_actions_addclosefrom_np */
#include "core/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

extern char **environ;

/* Starts the child; 'out_pipe' and 'err_pipe' are the write ends of the
 * capture pipes (or -1). */
static int
start__(const struct nvo_spawn_opts *o, int out_pipe, int err_pipe,
        pid_t *pid)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none;
    sigemptyset(&none);
    posix_spawn_file_actions_init(&fa);
    if (o->in == NVO_SPAWN_NULL) {
        posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
                                         O_RDONLY, 0);
    }
    if (o->out == NVO_SPAWN_NULL) {
        posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null",
                                         O_WRONLY, 0);
    } else if (o->out == NVO_SPAWN_FILE) {
        posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, o->out_path,
                                         O_WRONLY | O_CREAT | O_TRUNC, 0666);
    } else if (o->out == NVO_SPAWN_CAPTURE) {
        posix_spawn_file_actions_adddup2(&fa, out_pipe, STDOUT_FILENO);
    }
    if (o->err == NVO_SPAWN_NULL) {
        posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null",
                                         O_WRONLY, 0);
    } else if (o->err == NVO_SPAWN_TO_STDOUT) {
        posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    } else if (o->err == NVO_SPAWN_CAPTURE) {
        posix_spawn_file_actions_adddup2(&fa, err_pipe, STDERR_FILENO);
    }
    /* The child gets stdin, stdout, stderr and, as descriptor 3, the one
     * the caller named; nothing else leaks into it (the pipes' other
     * ends, MPI's sockets, other runs' files). */
    if (o->keep && o->keep_fd != 3) {
        posix_spawn_file_actions_adddup2(&fa, o->keep_fd, 3);
    }
    posix_spawn_file_actions_addclosefrom_np(&fa, o->keep ? 4 : 3);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    fflush(NULL);               /* ours first, where it shares a stream */
    char *const *argv = (char *const *) o->argv;
    int error = strchr(o->argv[0], '/')
                ? posix_spawn(pid, o->argv[0], &fa, &attr, argv, environ)
                : posix_spawnp(pid, o->argv[0], &fa, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    return error;
}

int
nvo_spawn_start(const struct nvo_spawn_opts *o, pid_t *pid)
{
    if (o->out == NVO_SPAWN_CAPTURE || o->err == NVO_SPAWN_CAPTURE
        || !o->argv || !o->argv[0]) {
        return EINVAL;
    }
    return start__(o, -1, -1, pid);
}

/* Appends what is readable on 'fd' to *buf; false at its end. */
static bool
drain__(int fd, GString *buf)
{
    char chunk[16384];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return true;
    }
    if (n <= 0) {
        return false;
    }
    g_string_append_len(buf, chunk, n);
    return true;
}

int
nvo_spawn_run(const struct nvo_spawn_opts *o, struct nvo_spawn_result *res)
{
    memset(res, 0, sizeof *res);
    if (!o->argv || !o->argv[0]) {
        return EINVAL;
    }
    int fds[2][2] = { { -1, -1 }, { -1, -1 } };
    bool cap[2] = { o->out == NVO_SPAWN_CAPTURE, o->err == NVO_SPAWN_CAPTURE };
    for (int i = 0; i < 2; i++) {
        if (cap[i] && pipe2(fds[i], O_CLOEXEC)) {
            int error = errno;
            for (int j = 0; j < i; j++) {
                close(fds[j][0]);
                close(fds[j][1]);
            }
            return error;
        }
    }
    pid_t pid;
    int error = start__(o, fds[0][1], fds[1][1], &pid);
    for (int i = 0; i < 2; i++) {
        if (cap[i]) {
            close(fds[i][1]);
        }
    }
    if (error) {
        for (int i = 0; i < 2; i++) {
            if (cap[i]) {
                close(fds[i][0]);
            }
        }
        return error;
    }
    GString *buf[2] = { cap[0] ? g_string_new(NULL) : NULL,
                        cap[1] ? g_string_new(NULL) : NULL };
    struct pollfd pfd[2];
    for (;;) {
        nfds_t n = 0;
        int which[2];
        for (int i = 0; i < 2; i++) {
            if (cap[i] && fds[i][0] >= 0) {
                pfd[n].fd = fds[i][0];
                pfd[n].events = POLLIN;
                which[n++] = i;
            }
        }
        if (!n) {
            break;
        }
        if (poll(pfd, n, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            error = errno;      /* then stop reading, but still reap */
            break;
        }
        for (nfds_t k = 0; k < n; k++) {
            int i = which[k];
            if (pfd[k].revents && !drain__(fds[i][0], buf[i])) {
                close(fds[i][0]);
                fds[i][0] = -1;
            }
        }
    }
    for (int i = 0; i < 2; i++) {
        if (cap[i] && fds[i][0] >= 0) {
            close(fds[i][0]);
        }
    }
    int status = 0;
    while (wait4(pid, &status, 0, &res->rusage) < 0) {
        if (errno != EINTR) {
            error = error ? error : errno;
            break;
        }
    }
    res->status = status;
    if (buf[0]) {
        res->out_len = buf[0]->len;
        res->out = g_string_free(buf[0], FALSE);
    }
    if (buf[1]) {
        res->err_len = buf[1]->len;
        res->err = g_string_free(buf[1], FALSE);
    }
    if (error) {
        nvo_spawn_result_clear(res);
    }
    return error;
}

void
nvo_spawn_result_clear(struct nvo_spawn_result *res)
{
    g_free(res->out);
    g_free(res->err);
    memset(res, 0, sizeof *res);
}

bool
nvo_spawn_succeeded(int status)
{
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

const char *
nvo_spawn_status_text(int status, char *buf, size_t size)
{
    if (WIFSIGNALED(status)) {
        snprintf(buf, size, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    } else {
        snprintf(buf, size, "exit status %d",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    return buf;
}
