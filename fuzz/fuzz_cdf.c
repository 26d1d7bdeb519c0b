/* fuzz_cdf.c: libFuzzer harness for the CDF reader (nvo_cdf_parse() and
 * nvo_cdf_load(), rng.c), which the scenario loader uses for flow-size
 * files.  Loading the input from a file gives what parsing it gave (the
 * same error or the same points).  A parse either fails with a
 * "NAME:LINE: ..." message or gives a CDF of n >= 1 points with
 * probabilities in [0, 1], non-decreasing, ending at 1; then, when its
 * values are finite, below 1e300 (so that the mean's sums cannot
 * overflow) and non-decreasing, its mean and 1000 draws
 * (nvo_rng_empirical()) lie between the first and the last value.
 * (Finite, positive, non-decreasing values are what issue 7 has the
 * reader enforce; until that fix is in, the checks that need them are
 * made only when they hold.) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "fuzz_util.h"
#include "core/rng.h"

static bool
values_sane__(const struct nvo_cdf *c)
{
    for (size_t i = 0; i < c->n; i++) {
        if (!isfinite(c->value[i]) || fabs(c->value[i]) > 1e300
            || (i && c->value[i] < c->value[i - 1])) {
            return false;
        }
    }
    return true;
}

/* nvo_cdf_load() of the same bytes from a file must give what
 * nvo_cdf_parse() gave: the same error, or the same points. */
static void
check_load__(const uint8_t *data, size_t size, int parse_error,
             const struct nvo_cdf *parsed)
{
    const char *path = nvo_fuzz_write("in.cdf", data, size);
    struct nvo_cdf cdf;
    int error = nvo_cdf_load(&cdf, path, NULL, 0);
    bool same = error == parse_error;
    if (same && !error) {
        same = cdf.n == parsed->n
               && !memcmp(cdf.value, parsed->value, cdf.n * sizeof(double))
               && !memcmp(cdf.prob, parsed->prob, cdf.n * sizeof(double));
        nvo_cdf_destroy(&cdf);
    }
    if (!same) {
        fprintf(stderr, "loaded from a file: error %d, parsed: error %d\n",
                error, parse_error);
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = nvo_fuzz_strdup(data, size);
    struct nvo_cdf cdf;
    char err[1024] = "";
    int error = nvo_cdf_parse(&cdf, text, "in.cdf", err, sizeof err);
    g_free(text);
    check_load__(data, size, error, &cdf);
    if (error) {
        if (strncmp(err, "in.cdf:", 7)) {
            fprintf(stderr, "error %d without a file:line message: '%s'\n",
                    error, err);
            abort();
        }
        return 0;
    }
    if (cdf.n < 1 || cdf.prob[cdf.n - 1] != 1.0) {
        fprintf(stderr, "%zu points, the last at %g\n", cdf.n,
                cdf.n ? cdf.prob[cdf.n - 1] : NAN);
        abort();
    }
    for (size_t i = 0; i < cdf.n; i++) {
        if (!(cdf.prob[i] >= 0 && cdf.prob[i] <= 1)
            || (i && cdf.prob[i] < cdf.prob[i - 1])) {
            fprintf(stderr, "point %zu: probability %g after %g\n", i,
                    cdf.prob[i], i ? cdf.prob[i - 1] : 0.0);
            abort();
        }
    }
    if (values_sane__(&cdf)) {
        double lo = cdf.value[0], hi = cdf.value[cdf.n - 1];
        double slack = 1e-9 * fmax(fabs(lo), fabs(hi));
        double mean = nvo_cdf_mean(&cdf);
        if (!(mean >= lo - slack && mean <= hi + slack)) {
            fprintf(stderr, "mean %.17g outside [%.17g, %.17g]\n", mean, lo,
                    hi);
            abort();
        }
        struct nvo_rng rng;
        nvo_rng_init(&rng, 1, 1, "fuzz");
        for (int i = 0; i < 1000; i++) {
            double x = nvo_rng_empirical(&rng, &cdf);
            if (!(x >= lo - slack && x <= hi + slack)) {
                fprintf(stderr, "draw %.17g outside [%.17g, %.17g]\n", x, lo,
                        hi);
                abort();
            }
        }
    }
    nvo_cdf_destroy(&cdf);
    return 0;
}
