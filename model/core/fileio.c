/* fileio.c: reading regular input files, writing output files whole
 * (PATH.tmp and rename), mkdir -p.  See fileio.h. */
#include "core/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

G_DEFINE_QUARK(nvo-io-error-quark, nvo_io_error)

int
nvo_file_read(const char *path, size_t max_size, char **text, size_t *len)
{
    /* O_NONBLOCK: opening a FIFO without a writer returns at once instead
     * of waiting for one; fstat() then refuses it. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        return errno;
    }
    struct stat st;
    if (fstat(fd, &st)) {
        int error = errno;
        close(fd);
        return error;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
    }
    if ((uintmax_t) st.st_size > max_size) {
        close(fd);
        return EFBIG;
    }
    /* A regular file may still grow while it is read: read to its end,
     * within the limit.  Room for the size, a NUL and one more byte, so
     * that the read that finds the end needs no larger buffer. */
    size_t cap = (size_t) st.st_size + 2, n = 0;
    char *buf = g_malloc(cap);
    for (;;) {
        if (n + 1 == cap) {
            if (cap > max_size) {
                g_free(buf);
                close(fd);
                return EFBIG;
            }
            cap *= 2;
            buf = g_realloc(buf, cap);
        }
        ssize_t got = read(fd, buf + n, cap - n - 1);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            int error = errno;
            g_free(buf);
            close(fd);
            return error;
        }
        if (got == 0) {
            break;
        }
        n += (size_t) got;
    }
    close(fd);
    if (n > max_size) {
        g_free(buf);
        return EFBIG;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

const char *
nvo_file_strerror(const char *path, int error)
{
    if (error == EISDIR) {
        return "a directory, not a regular file";
    }
    if (error == EFBIG) {
        return "too large to read";
    }
    struct stat st;
    if (error == EINVAL && !stat(path, &st)) {
        if (S_ISFIFO(st.st_mode)) {
            return "a FIFO, not a regular file";
        } else if (S_ISCHR(st.st_mode)) {
            return "a character device, not a regular file";
        } else if (S_ISBLK(st.st_mode)) {
            return "a block device, not a regular file";
        } else if (S_ISSOCK(st.st_mode)) {
            return "a socket, not a regular file";
        }
        return "not a regular file";
    }
    return g_strerror(error);
}

char *
nvo_file_tmp_path(const char *path)
{
    return g_strconcat(path, ".tmp", NULL);
}

int
nvo_atomic_open(struct nvo_atomic_file *af, const char *path)
{
    memset(af, 0, sizeof *af);
    char *tmp = nvo_file_tmp_path(path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        int error = errno;
        g_free(tmp);
        return error;
    }
    af->f = f;
    af->path = g_strdup(path);
    af->tmp_path = tmp;
    return 0;
}

static void
atomic_free__(struct nvo_atomic_file *af)
{
    g_free(af->path);
    g_free(af->tmp_path);
    memset(af, 0, sizeof *af);
}

int
nvo_atomic_commit(struct nvo_atomic_file *af)
{
    int error = 0;
    if (af->f) {
        errno = 0;
        if (ferror(af->f)) {
            error = EIO;
        } else if (fflush(af->f)) {
            error = errno ? errno : EIO;
        }
        if (fclose(af->f) && !error) {
            error = errno ? errno : EIO;
        }
        af->f = NULL;
    }
    if (!error && rename(af->tmp_path, af->path)) {
        error = errno;
    }
    if (error) {
        unlink(af->tmp_path);
    }
    atomic_free__(af);
    return error;
}

void
nvo_atomic_abort(struct nvo_atomic_file *af)
{
    if (af->f) {
        fclose(af->f);
        af->f = NULL;
    }
    if (af->tmp_path) {
        unlink(af->tmp_path);
    }
    atomic_free__(af);
}

int
nvo_file_write_atomic(const char *path, const void *data, size_t len)
{
    struct nvo_atomic_file af;
    int error = nvo_atomic_open(&af, path);
    if (error) {
        return error;
    }
    errno = 0;
    if (len && fwrite(data, 1, len, af.f) != len) {
        error = errno ? errno : EIO;
        nvo_atomic_abort(&af);
        return error;
    }
    return nvo_atomic_commit(&af);
}

int
nvo_file_commit_tmp(const char *path)
{
    struct nvo_atomic_file af = {
        .f = NULL, .path = g_strdup(path), .tmp_path = nvo_file_tmp_path(path),
    };
    return nvo_atomic_commit(&af);
}

/* mkdir(), with an existing directory counted as success. */
static int
mkdir1__(const char *path)
{
    if (!mkdir(path, 0777)) {
        return 0;
    }
    int error = errno;
    if (error != EEXIST) {
        return error;
    }
    struct stat st;
    if (stat(path, &st)) {
        return errno;
    }
    return S_ISDIR(st.st_mode) ? 0 : EEXIST;
}

int
nvo_mkdir_p(const char *path)
{
    if (!*path) {
        return EINVAL;          /* "": no directory at all */
    }
    char *buf = g_strdup(path);
    int error = 0;
    /* Each parent in turn; one that exists but is not a directory makes
     * the next mkdir() fail with ENOTDIR. */
    for (char *q = buf + 1; *q && !error; q++) {
        if (*q == '/' && q[-1] != '/') {
            *q = '\0';
            if (mkdir(buf, 0777) && errno != EEXIST) {
                error = errno;
            }
            *q = '/';
        }
    }
    if (!error) {
        error = mkdir1__(buf);
    }
    g_free(buf);
    return error;
}
