/* opts.c: command-line helpers shared by the benchmarks.  See bench.h. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
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

/* A whole number in [lo, hi]: "100000", "1e5", "2.5e6". */
bool
nvo_bench_parse_count(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    if (!*s || *s == '-' || *s == '+') {
        return false;
    }
    char *end;
    errno = 0;
    uint64_t v = strtoull(s, &end, 10);
    if (*end) {
        errno = 0;
        double d = strtod(s, &end);
        if (*end || errno || !(d >= 0) || d > 1.8e19 || d != floor(d)) {
            return false;
        }
        v = (uint64_t) d;
    } else if (errno) {
        return false;
    }
    if (v < lo || v > hi) {
        return false;
    }
    *out = v;
    return true;
}
