/* fuzz_util.c: see fuzz_util.h.
 *
 * The fopen() guard: the harnesses are linked with -Wl,--wrap=fopen, so
 * every fopen() in libnvosim (a static library) comes here first.  A file
 * opened for reading that is not a regular file (a FIFO, a device such as
 * /dev/zero or /dev/stdin, a directory) is refused with EINVAL before it
 * can block or be read forever: an input could name one in a topology or
 * CDF reference.  The loaders are being taught to refuse those themselves
 * (issue 7, "accept regular files only"); until then the guard keeps the
 * fuzzers from hanging on it, and afterwards it changes nothing. */
#include "fuzz_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>

#ifndef NVO_SOURCE_DIR
#error "NVO_SOURCE_DIR must name the source tree"
#endif

FILE *__real_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode);

FILE *
__wrap_fopen(const char *path, const char *mode)
{
    if (mode[0] == 'r' && !strchr(mode, '+')) {
        struct stat st;
        if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
            errno = EINVAL;
            return NULL;
        }
    }
    return __real_fopen(path, mode);
}

static char *dir__;

static void
cleanup__(void)
{
    if (!dir__) {
        return;
    }
    char *scen = g_build_filename(dir__, "scenarios", NULL);
    char *cdf = g_build_filename(scen, "cdf", NULL);
    char *topo = g_build_filename(dir__, "topologies", NULL);
    g_unlink(cdf);
    g_unlink(topo);
    nvo_fuzz_rmdir(scen);
    nvo_fuzz_rmdir(dir__);
    g_free(cdf);
    g_free(topo);
    g_free(scen);
    g_free(dir__);
    dir__ = NULL;
}

const char *
nvo_fuzz_dir(void)
{
    if (dir__) {
        return dir__;
    }
    /* $TMPDIR, else /dev/shm (a file is written per input: on a disk that
     * can cost milliseconds each), else /tmp. */
    const char *base = getenv("TMPDIR");
    if (!base || !*base) {
        base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    }
    char *tmpl = g_strdup_printf("%s/nvosim-fuzz-XXXXXX", base);
    if (!g_mkdtemp(tmpl)) {
        perror("mkdtemp");
        abort();
    }
    dir__ = tmpl;
    char *scen = g_build_filename(dir__, "scenarios", NULL);
    char *cdf = g_build_filename(scen, "cdf", NULL);
    char *topo = g_build_filename(dir__, "topologies", NULL);
    if (g_mkdir(scen, 0700)
        || symlink(NVO_SOURCE_DIR "/scenarios/cdf", cdf)
        || symlink(NVO_SOURCE_DIR "/topologies", topo)) {
        perror(dir__);
        abort();
    }
    g_free(cdf);
    g_free(topo);
    g_free(scen);
    atexit(cleanup__);
    return dir__;
}

const char *
nvo_fuzz_write(const char *rel, const uint8_t *data, size_t size)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", nvo_fuzz_dir(), rel);
    FILE *f = __real_fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f)) {
        perror(path);
        abort();
    }
    return path;
}

void
nvo_fuzz_rmdir(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    if (d) {
        const char *name;
        while ((name = g_dir_read_name(d))) {
            char *p = g_build_filename(dir, name, NULL);
            g_unlink(p);
            g_free(p);
        }
        g_dir_close(d);
    }
    g_rmdir(dir);
}

char *
nvo_fuzz_strdup(const uint8_t *data, size_t size)
{
    char *s = g_malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

bool
nvo_fuzz_contains(const uint8_t *data, size_t size, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n <= size && i <= size - n; i++) {
        if (!memcmp(data + i, needle, n)) {
            return true;
        }
    }
    return false;
}
