/* fuzz_util.h: what the libFuzzer harnesses in fuzz/ share: a scratch
 * directory laid out like the source tree, writing an input there as a
 * file for the loaders that take a path, and a guard that keeps the
 * harnesses from opening anything but regular files for reading. */
#ifndef NVO_FUZZ_UTIL_H
#define NVO_FUZZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The libFuzzer entry point every harness defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A scratch directory (made once per process under $TMPDIR, else
 * /dev/shm, else /tmp; removed at exit) holding
 * scenarios/ and links topologies -> the source tree's topologies/ and
 * scenarios/cdf -> its scenarios/cdf/, so that the shipped scenarios'
 * relative references ("../topologies/leaf-spine-small.xml",
 * "cdf/websearch.cdf") resolve there.  Never NULL (aborts on failure). */
const char *nvo_fuzz_dir(void);

/* Writes 'size' bytes of 'data' to nvo_fuzz_dir()/REL (REL such as
 * "scenarios/in.xml") and returns that path (a static buffer). */
const char *nvo_fuzz_write(const char *rel, const uint8_t *data,
                           size_t size);

/* Removes every file in 'dir' and the directory itself (one level). */
void nvo_fuzz_rmdir(const char *dir);

/* Whether the 'size' bytes of 'data' contain the string 'needle'. */
bool nvo_fuzz_contains(const uint8_t *data, size_t size, const char *needle);

/* A NUL-terminated copy of the input (the caller frees it). */
char *nvo_fuzz_strdup(const uint8_t *data, size_t size);

#endif
