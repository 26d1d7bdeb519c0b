/* fileio.h: reading the input files a user names (topologies, scenarios,
 * CDFs) safely.
 *
 * Only regular files are read.  A FIFO would block open() until a writer
 * comes (forever, for a user who typed a wrong path), a device such as
 * /dev/zero never ends, and a directory reads as an error: so the file is
 * opened with O_NONBLOCK, checked with fstat() and refused unless it is a
 * regular file, with a message saying what it is. */
#ifndef NVO_FILEIO_H
#define NVO_FILEIO_H

#include "core/nvo.h"

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

#endif /* NVO_FILEIO_H */
