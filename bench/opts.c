/* opts.c: command-line helpers shared by the benchmarks.  See bench.h. */
#include <string.h>

#include "bench.h"

int
nvo_bench_opt_value(int argc, char **argv, int *i, const char *const *names,
                    size_t n, const char **val)
{
    const char *opt = argv[*i];
    for (size_t k = 0; k < n; k++) {
        size_t len = strlen(names[k]);
        if (strncmp(opt, names[k], len)
            || (opt[len] != '\0' && opt[len] != '=')) {
            continue;
        }
        if (opt[len] == '=') {
            *val = opt + len + 1;
        } else if (*i + 1 < argc) {
            *val = argv[++*i];
        } else {
            return -1;
        }
        return (int) k;
    }
    return (int) n;
}
