/* fileio.h: reading the input files a user names (topologies, scenarios,
 * CDFs) safely; writing output files whole or not at all (PATH.tmp, then
 * rename); creating directories with their parents; the I/O error domain.
 *
 * Only regular files are read.  A FIFO would block open() until a writer
 * comes (forever, for a user who typed a wrong path), a device such as
 * /dev/zero never ends, and a directory reads as an error: so the file is
 * opened with O_NONBLOCK, checked with fstat() and refused unless it is a
 * regular file, with a message saying what it is. */
#ifndef NVO_FILEIO_H
#define NVO_FILEIO_H

#include <stdio.h>

#include <glib.h>

#include "core/nvo.h"

/* GError domain of failures to read, write or create files and
 * directories, and to start programs, past the configuration (which
 * reports bad input as NVO_CONFIG_ERROR).  Messages read
 * "PATH: what is wrong" (docs/architecture.md, Error convention). */
#define NVO_IO_ERROR (nvo_io_error_quark())
GQuark nvo_io_error_quark(void);

enum nvo_io_error_code {
    NVO_IO_ERROR_FAILED,        /* the errno is in the message */
};

/* Reads the whole regular file 'path' (at most 'max_size' bytes) into a
 * new NUL-terminated buffer *text (g_free), its length in *len.  Returns
 * 0, an errno from open() or read(), EISDIR for a directory, EFBIG for a
 * file larger than 'max_size', or EINVAL for anything else that is not a
 * regular file (FIFO, socket, device). */
int nvo_file_read(const char *path, size_t max_size, char **text,
                  size_t *len);

/* Why nvo_file_read('path') failed with 'error', for messages: "a
 * directory, not a regular file", "a FIFO, not a regular file", "larger
 * than the limit", or strerror(error).  A static string. */
const char *nvo_file_strerror(const char *path, int error);

/* ---- Writing: whole or not at all ---- */

/* The temporary name of 'path' while it is written: "PATH.tmp" (g_free).
 * Every output file of nvosim is written under it and renamed when
 * complete, so a reader sees the old file or the whole new one, and a
 * run killed half-way leaves only ".tmp" files (which "nvosim run"'s
 * signal handler and nvo_runner_clear_run() remove). */
char *nvo_file_tmp_path(const char *path);

/* Writes the 'len' bytes of 'data' to PATH.tmp and renames it to 'path'.
 * Returns 0, or an errno (from open, write, close or rename) with
 * PATH.tmp removed and an existing 'path' untouched. */
int nvo_file_write_atomic(const char *path, const void *data, size_t len);

/* A file written as a stream under PATH.tmp: open, write through 'f',
 * then commit (rename into place) or abort (remove).  For traces, pcaps
 * and CSV files written line by line. */
struct nvo_atomic_file {
    FILE *f;                    /* open on 'tmp_path'; the caller writes */
    char *path, *tmp_path;      /* g_malloc'ed */
};

/* Opens PATH.tmp for writing (truncated) into *af.  Returns 0, or an
 * errno with *af cleared. */
int nvo_atomic_open(struct nvo_atomic_file *af, const char *path);

/* Flushes and closes 'f' and renames PATH.tmp to PATH.  Returns 0, or an
 * errno (of an earlier write seen by ferror() as EIO, of fflush, fclose
 * or rename) with PATH.tmp removed.  A caller that handed 'f' to a
 * library that closes it (libpcap's pcap_dump_close) sets f to NULL
 * first; then only the rename is done.  Frees *af's names either way. */
int nvo_atomic_commit(struct nvo_atomic_file *af);

/* Closes 'f' (unless NULL) and removes PATH.tmp; frees the names. */
void nvo_atomic_abort(struct nvo_atomic_file *af);

/* Puts PATH.tmp, written by another program (gnuplot), into place as
 * 'path'.  Returns 0, or rename's errno with PATH.tmp removed. */
int nvo_file_commit_tmp(const char *path);

/* ---- Directories ---- */

/* Creates directory 'path' and its missing parents (mode 0777 less the
 * umask), as "mkdir -p".  Returns 0 (also if it exists as a directory),
 * EINVAL for "", ENOTDIR if a component is not a directory, EEXIST if
 * 'path' itself exists and is not a directory, or mkdir's errno. */
int nvo_mkdir_p(const char *path);

#endif /* NVO_FILEIO_H */
