/* rng.c: per-entity random streams (xoshiro256** seeded by SplitMix64 from
 * seed, run and the entity's name), distributions, empirical CDFs.
 * See rng.h and docs/rng.md. */
#include "core/rng.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "core/fileio.h"
#include "core/units.h"

static uint64_t
splitmix64__(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t
fnv1a64__(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++) {
        h ^= (uint8_t) *s;
        h *= 0x100000001b3ull;
    }
    return h;
}

void
nvo_rng_init(struct nvo_rng *r, uint64_t seed, uint64_t run,
             const char *name)
{
    uint64_t x = seed * 0x9e3779b97f4a7c15ull ^ run * 0xd1b54a32d192ed03ull
                 ^ fnv1a64__(name ? name : "");
    for (int i = 0; i < 4; i++) {
        r->s[i] = splitmix64__(&x);
    }
    /* xoshiro's one bad state is all zeros; SplitMix64 outputs of four
     * consecutive counters are never all zero, but be explicit. */
    if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3])) {
        r->s[0] = 1;
    }
}

double
nvo_rng_uniform_range(struct nvo_rng *r, double a, double b)
{
    return a + (b - a) * nvo_rng_uniform(r);
}

uint64_t
nvo_rng_below(struct nvo_rng *r, uint64_t n)
{
    /* Lemire's multiply-and-reject: unbiased, usually one multiply. */
    unsigned __int128 m = (unsigned __int128) nvo_rng_next(r) * n;
    uint64_t lo = (uint64_t) m;
    if (lo < n) {
        uint64_t threshold = -n % n;
        while (lo < threshold) {
            m = (unsigned __int128) nvo_rng_next(r) * n;
            lo = (uint64_t) m;
        }
    }
    return (uint64_t) (m >> 64);
}

double
nvo_rng_exponential(struct nvo_rng *r, double mean)
{
    return -mean * log(nvo_rng_uniform_pos(r));
}

double
nvo_rng_pareto(struct nvo_rng *r, double xm, double alpha)
{
    return xm / pow(nvo_rng_uniform_pos(r), 1.0 / alpha);
}

/* ---- Empirical CDFs ---- */

static int
cdf_error__(char *err, size_t err_size, const char *name, int line,
            const char *what)
{
    if (err && err_size) {
        if (line > 0) {
            snprintf(err, err_size, "%s:%d: %s", name, line, what);
        } else {
            snprintf(err, err_size, "%s: %s", name, what);
        }
    }
    return EINVAL;
}

int
nvo_cdf_parse(struct nvo_cdf *cdf, const char *text, const char *name,
              char *err, size_t err_size)
{
    memset(cdf, 0, sizeof *cdf);
    size_t cap = 0;
    int line = 0, last_line = 0;
    int error = 0;
    const char *p = text;
    while (*p) {
        line++;
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t) (eol - p) : strlen(p);
        char buf[256];
        if (len >= sizeof buf) {
            error = cdf_error__(err, err_size, name, line, "line too long");
            goto fail;
        }
        memcpy(buf, p, len);
        buf[len] = '\0';
        p = eol ? eol + 1 : p + len;

        char *s = buf;
        while (*s == ' ' || *s == '\t' || *s == '\r') {
            s++;
        }
        if (*s == '\0' || *s == '#') {
            continue;
        }
        char *end;
        double v = strtod(s, &end);
        if (end == s) {
            error = cdf_error__(err, err_size, name, line,
                                "expected \"flow_size_bytes "
                                "cumulative_percent\"");
            goto fail;
        }
        char *s2 = end;
        double pct = strtod(s2, &end);
        if (end == s2) {
            error = cdf_error__(err, err_size, name, line,
                                "missing cumulative percent (column 2) "
                                "after the flow size");
            goto fail;
        }
        while (*end == ' ' || *end == '\t' || *end == '\r') {
            end++;
        }
        if (*end != '\0') {
            error = cdf_error__(err, err_size, name, line,
                                "unexpected text after the percent");
            goto fail;
        }
        char what[160];
        if (!isfinite(v)) {
            error = cdf_error__(err, err_size, name, line,
                                "flow size (column 1) is not a finite "
                                "number");
            goto fail;
        } else if (!isfinite(pct)) {
            error = cdf_error__(err, err_size, name, line,
                                "cumulative percent (column 2) is not a "
                                "finite number");
            goto fail;
        } else if (pct < 0 || pct > 100) {
            error = cdf_error__(err, err_size, name, line,
                                "cumulative percent (column 2) must be "
                                "between 0 and 100");
            goto fail;
        } else if (v < 0) {
            error = cdf_error__(err, err_size, name, line,
                                "flow size (column 1) must not be negative");
            goto fail;
        } else if (v < 1 && !(v == 0 && pct == 0)) {
            /* Mass at sizes below 1 byte: flows of no data. */
            error = cdf_error__(err, err_size, name, line,
                                "flow size (column 1) must be at least 1 "
                                "byte (0 only at 0 percent, where the CDF "
                                "starts)");
            goto fail;
        } else if (v > (double) NVO_FLOW_SIZE_MAX) {
            snprintf(what, sizeof what, "flow size (column 1) must be at "
                     "most %" PRIu64 " bytes (2^53)", NVO_FLOW_SIZE_MAX);
            error = cdf_error__(err, err_size, name, line, what);
            goto fail;
        } else if (cdf->n > 0 && v < cdf->value[cdf->n - 1]) {
            snprintf(what, sizeof what, "flow size (column 1) must not "
                     "decrease (%.17g after %.17g)", v,
                     cdf->value[cdf->n - 1]);
            error = cdf_error__(err, err_size, name, line, what);
            goto fail;
        } else if (cdf->n > 0 && pct / 100 < cdf->prob[cdf->n - 1]) {
            snprintf(what, sizeof what, "cumulative percent (column 2) must "
                     "not decrease (%.17g after %.17g)", pct,
                     cdf->prob[cdf->n - 1] * 100);
            error = cdf_error__(err, err_size, name, line, what);
            goto fail;
        }
        last_line = line;
        if (cdf->n == cap) {
            cap = cap ? cap * 2 : 32;
            double *nv = realloc(cdf->value, cap * sizeof *nv);
            if (!nv) {
                error = ENOMEM;
                goto fail;
            }
            cdf->value = nv;
            double *np = realloc(cdf->prob, cap * sizeof *np);
            if (!np) {
                error = ENOMEM;
                goto fail;
            }
            cdf->prob = np;
        }
        cdf->value[cdf->n] = v;
        cdf->prob[cdf->n] = pct / 100;
        cdf->n++;
    }
    if (cdf->n == 0) {
        error = cdf_error__(err, err_size, name, 0, "no points");
        goto fail;
    }
    if (cdf->prob[cdf->n - 1] != 1.0) {
        error = cdf_error__(err, err_size, name, last_line,
                            "the last point's cumulative percent (column 2) "
                            "must be 100");
        goto fail;
    }
    return 0;

fail:
    nvo_cdf_destroy(cdf);
    return error;
}

int
nvo_cdf_load(struct nvo_cdf *cdf, const char *path, char *err,
             size_t err_size)
{
    memset(cdf, 0, sizeof *cdf);
    char *text = NULL;
    size_t len;
    int error = nvo_file_read(path, NVO_CDF_MAX_FILE_SIZE, &text, &len);
    if (error) {
        if (err && err_size) {
            snprintf(err, err_size, "%s: %s", path,
                     nvo_file_strerror(path, error));
        }
        return error;
    }
    error = nvo_cdf_parse(cdf, text, path, err, err_size);
    g_free(text);
    return error;
}

void
nvo_cdf_destroy(struct nvo_cdf *cdf)
{
    if (cdf) {
        free(cdf->value);
        free(cdf->prob);
        memset(cdf, 0, sizeof *cdf);
    }
}

double
nvo_cdf_mean(const struct nvo_cdf *cdf)
{
    /* The probability mass below the first point sits at the first value;
     * between points it is uniform, so each segment contributes its
     * probability times its midpoint. */
    double mean = cdf->prob[0] * cdf->value[0];
    for (size_t i = 1; i < cdf->n; i++) {
        double dp = cdf->prob[i] - cdf->prob[i - 1];
        mean += dp * (cdf->value[i] + cdf->value[i - 1]) / 2;
    }
    return mean;
}

double
nvo_rng_empirical(struct nvo_rng *r, const struct nvo_cdf *cdf)
{
    double u = nvo_rng_uniform(r);
    /* First point with prob > u (binary search). */
    size_t lo = 0, hi = cdf->n - 1;
    if (u < cdf->prob[0]) {
        return cdf->value[0];
    }
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cdf->prob[mid] > u) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    /* prob[lo - 1] <= u < prob[lo]; lo >= 1 here. */
    double p0 = cdf->prob[lo - 1], p1 = cdf->prob[lo];
    double v0 = cdf->value[lo - 1], v1 = cdf->value[lo];
    return v0 + (v1 - v0) * (u - p0) / (p1 - p0);
}
