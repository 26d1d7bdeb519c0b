/* rng.h: random streams, one per named entity.
 *
 * A run has a master seed and a run number (as ns-3's RngSeed / RngRun).
 * Every entity (a node, a traffic source, a link) draws from its own
 * stream, derived from (seed, run, entity name), so adding an entity does
 * not change the numbers of the others, and the same seed and run give the
 * same numbers, byte for byte.
 *
 * Generator: xoshiro256** (Blackman and Vigna, 2018), 256-bit state,
 * period 2^256 - 1.  Derivation: the name is hashed with 64-bit FNV-1a;
 * the four state words are the first four outputs of SplitMix64 started at
 * seed * 0x9e3779b97f4a7c15 ^ run * 0xd1b54a32d192ed03 ^ fnv1a(name).
 * See docs/rng.md. */
#ifndef NVO_RNG_H
#define NVO_RNG_H

#include "core/nvo.h"

struct nvo_rng {
    uint64_t s[4];
};

/* Seeds 'r' as the stream of entity 'name' in run (seed, run). */
void nvo_rng_init(struct nvo_rng *r, uint64_t seed, uint64_t run,
                  const char *name);

/* Next 64 random bits. */
static inline uint64_t
nvo_rng_next(struct nvo_rng *r)
{
    uint64_t *s = r->s;
    uint64_t x = s[1] * 5;
    uint64_t result = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

/* Uniform in [0, 1), 53 bits of precision. */
static inline double
nvo_rng_uniform(struct nvo_rng *r)
{
    return (double) (nvo_rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform in (0, 1]: safe to take the logarithm of. */
static inline double
nvo_rng_uniform_pos(struct nvo_rng *r)
{
    return (double) ((nvo_rng_next(r) >> 11) + 1) * 0x1.0p-53;
}

/* Uniform in [a, b). */
double nvo_rng_uniform_range(struct nvo_rng *r, double a, double b);

/* Uniform integer in [0, n) without modulo bias (n > 0). */
uint64_t nvo_rng_below(struct nvo_rng *r, uint64_t n);

/* Exponential with the given mean. */
double nvo_rng_exponential(struct nvo_rng *r, double mean);

/* Pareto with scale (minimum) 'xm' and shape 'alpha' (> 0). */
double nvo_rng_pareto(struct nvo_rng *r, double xm, double alpha);

/* An empirical distribution of flow sizes: a piecewise-linear CDF, as in
 * the files of data/flow-sizes/: one "flow_size_bytes cumulative_percent"
 * pair per line, sizes non-decreasing, finite, from 1 to NVO_FLOW_SIZE_MAX
 * (units.h) bytes, or 0 at 0 percent (where the CDF starts); percents
 * non-decreasing from any start to exactly 100.  Lines that are empty or
 * start with '#' are skipped. */
struct nvo_cdf {
    size_t n;
    double *value;              /* n values */
    double *prob;               /* n cumulative probabilities in [0, 1] */
};

/* The largest CDF file read: 64 MiB. */
#define NVO_CDF_MAX_FILE_SIZE ((size_t) 64 << 20)

/* Reads a CDF file (a regular file only: see fileio.h).  Returns 0, or an
 * errno and, in 'err' (if not NULL), a message "FILE:LINE: what is wrong"
 * (EINVAL) or "FILE: why it cannot be read". */
int nvo_cdf_load(struct nvo_cdf *cdf, const char *path, char *err,
                 size_t err_size);

/* Parses CDF text (same format); 'name' is used in error messages. */
int nvo_cdf_parse(struct nvo_cdf *cdf, const char *text, const char *name,
                  char *err, size_t err_size);

void nvo_cdf_destroy(struct nvo_cdf *cdf);

/* Mean of the distribution (exact for the piecewise-linear CDF). */
double nvo_cdf_mean(const struct nvo_cdf *cdf);

/* A draw by inverse transform, interpolating linearly between points. */
double nvo_rng_empirical(struct nvo_rng *r, const struct nvo_cdf *cdf);

#endif /* NVO_RNG_H */
