/* fileio.c: reading regular input files.  See fileio.h. */
#include "core/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

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
