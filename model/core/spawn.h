/* spawn.h: starting a child program, the one way nvosim does it.
 *
 * posix_spawn(), so that nothing of the parent's memory is touched in the
 * child before exec (MPI transports that register memory need this).
 * The child gets an empty signal mask, stdin/stdout/stderr as asked, at
 * most one more descriptor (as its descriptor 3), and nothing else of the
 * parent's open files.  "nvosim batch" and "sweep" start runs with
 * nvo_spawn_start() and wait for them themselves (tools/runner.c);
 * "nvosim plot" (gnuplot) and "bench fabric --compare" (ns3-leafspine)
 * run a program to its end with nvo_spawn_run(), capturing its output. */
#ifndef NVO_SPAWN_H
#define NVO_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

/* Where one of the child's standard descriptors goes. */
enum nvo_spawn_io {
    NVO_SPAWN_INHERIT,          /* the parent's */
    NVO_SPAWN_NULL,             /* /dev/null */
    NVO_SPAWN_CAPTURE,          /* a pipe read into the result (run only) */
    NVO_SPAWN_FILE,             /* stdout only: 'out_path', truncated */
    NVO_SPAWN_TO_STDOUT,        /* stderr only: wherever stdout goes */
};

struct nvo_spawn_opts {
    const char *const *argv;    /* NULL-terminated; argv[0] is the program:
                                 * a path, or a name without '/' looked up
                                 * in PATH */
    enum nvo_spawn_io in;       /* INHERIT or NULL */
    enum nvo_spawn_io out;      /* INHERIT, NULL, CAPTURE or FILE */
    enum nvo_spawn_io err;      /* INHERIT, NULL, CAPTURE or TO_STDOUT */
    const char *out_path;       /* for out = FILE */
    bool keep;                  /* pass 'keep_fd' on, as descriptor 3 */
    int keep_fd;
};

/* What a program run to its end did. */
struct nvo_spawn_result {
    int status;                 /* waitpid() status */
    char *out, *err;            /* captured output, NUL-terminated (g_free);
                                 * NULL if not captured */
    size_t out_len, err_len;
    struct rusage rusage;       /* of the child (wait4): ru_maxrss, times */
};

/* Starts opts->argv without waiting for it.  Returns 0 with *pid set, or
 * an errno: ENOENT if the program does not exist (or is not in PATH),
 * EACCES if it cannot be executed, EINVAL for CAPTURE, another errno of
 * posix_spawn. */
int nvo_spawn_start(const struct nvo_spawn_opts *opts, pid_t *pid);

/* Runs opts->argv to its end, reading the captured descriptors while it
 * runs.  Returns 0 with *res filled in (whatever the program's exit
 * status; see res->status), or an errno as nvo_spawn_start() (or of
 * pipe, poll, wait4) with *res cleared. */
int nvo_spawn_run(const struct nvo_spawn_opts *opts,
                  struct nvo_spawn_result *res);

/* Frees the captured output and clears *res. */
void nvo_spawn_result_clear(struct nvo_spawn_result *res);

/* True if 'status' is a normal exit with status 0. */
bool nvo_spawn_succeeded(int status);

/* 'status' in words, for messages: "exit status 3" or "killed by signal
 * 9 (Killed)"; into 'buf' of 'size' bytes, which is returned. */
const char *nvo_spawn_status_text(int status, char *buf, size_t size);

#endif /* NVO_SPAWN_H */
