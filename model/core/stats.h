/* stats.h: the statistics results are made of.
 *
 * A log-linear histogram (as HdrHistogram): exact below 256, then 128
 * buckets per power of two, so a percentile read from it is within 0.4% of
 * the true value (the bucket's midpoint is reported).  Balance measures of
 * a load vector: max/mean, coefficient of variation, Jain's fairness
 * index (Jain, Chiu and Hawe, DEC-TR-301, 1984). */
#ifndef NVO_STATS_H
#define NVO_STATS_H

#include "core/nvo.h"

#define NVO_HIST_BINS (256 + 55 * 128)

struct nvo_hist {
    uint64_t n;
    double sum;
    int64_t min, max;
    uint64_t bins[NVO_HIST_BINS];
};

void nvo_hist_init(struct nvo_hist *);
/* Records a value >= 0 (negative values count as 0). */
void nvo_hist_add(struct nvo_hist *, int64_t v);
/* The value at quantile q in [0, 1], and the mean: NAN if the histogram
 * is empty (no samples: a missing value, not 0). */
double nvo_hist_quantile(const struct nvo_hist *, double q);
double nvo_hist_mean(const struct nvo_hist *);

/* A measure that is undefined is NAN: mean, max and min when n is 0;
 * max_over_mean, cov and jain also when the mean is 0 (nothing to
 * balance). */
struct nvo_balance {
    uint32_t n;                 /* entries */
    double mean, max, min;
    double max_over_mean;       /* 1 = perfect */
    double cov;                 /* standard deviation / mean */
    double jain;                /* (sum x)^2 / (n sum x^2): 1 = perfect,
                                 * 1/n = everything on one entry */
};

/* Balance of x[0..n-1] (n may be 0: everything undefined). */
void nvo_balance(const double *x, uint32_t n, struct nvo_balance *out);

#endif
