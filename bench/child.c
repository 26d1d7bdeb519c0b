/* child.c: one benchmark run in a forked child process, so that its peak
 * resident memory (ru_maxrss from wait4) and ns-3's process-wide
 * Simulator are its own; the child sends its result struct back through a
 * pipe. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

int
nvo_bench_run_child(const char *what, nvo_bench_child_fn *fn, void *arg,
                    void *result, size_t size, long *maxrss_kib)
{
    int fds[2];
    if (pipe(fds)) {
        return errno;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        int error = errno;
        close(fds[0]);
        close(fds[1]);
        return error;
    }
    if (pid == 0) {
        close(fds[0]);
        fn(arg, result);
        const char *p = result;
        size_t left = size;
        while (left > 0) {
            ssize_t n = write(fds[1], p, left);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                _exit(1);
            }
            p += n;
            left -= (size_t) n;
        }
        _exit(0);
    }
    close(fds[1]);
    char *p = result;
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fds[0], p + got, size - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        got += (size_t) n;
    }
    close(fds[0]);
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            return errno;
        }
    }
    if (got != size || !WIFEXITED(status) || WEXITSTATUS(status)) {
        if (WIFSIGNALED(status)) {
            fprintf(stderr, "nvosim bench %s killed by signal %d\n", what,
                    WTERMSIG(status));
        }
        return EIO;
    }
    *maxrss_kib = ru.ru_maxrss;
    return 0;
}
