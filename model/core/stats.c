/* stats.c: log-linear histograms and balance measures.  See stats.h. */
#include "core/stats.h"

#include <math.h>

void
nvo_hist_init(struct nvo_hist *h)
{
    memset(h, 0, sizeof *h);
}

static inline uint32_t
hist_index__(uint64_t v)
{
    if (v < 256) {
        return (uint32_t) v;
    }
    int msb = 63 - __builtin_clzll(v);
    int shift = msb - 7;                /* >= 1 */
    uint64_t top = v >> shift;          /* 128..255 */
    return 256 + (uint32_t) (shift - 1) * 128 + (uint32_t) (top - 128);
}

/* Midpoint of bucket i. */
static double
hist_value__(uint32_t i)
{
    if (i < 256) {
        return i;
    }
    uint32_t shift = (i - 256) / 128 + 1;
    uint64_t top = (i - 256) % 128 + 128;
    double lo = (double) (top << shift);
    return lo + (double) (1ull << shift) / 2 - 0.5;
}

void
nvo_hist_add(struct nvo_hist *h, int64_t v)
{
    if (v < 0) {
        v = 0;
    }
    if (!h->n || v < h->min) {
        h->min = v;
    }
    if (!h->n || v > h->max) {
        h->max = v;
    }
    h->n++;
    h->sum += (double) v;
    h->bins[hist_index__((uint64_t) v)]++;
}

double
nvo_hist_quantile(const struct nvo_hist *h, double q)
{
    if (!h->n) {
        return NAN;
    }
    if (q <= 0) {
        return (double) h->min;
    }
    if (q >= 1) {
        return (double) h->max;
    }
    /* The smallest value with at least ceil(q n) values at or below it. */
    uint64_t rank = (uint64_t) ceil(q * (double) h->n);
    if (rank < 1) {
        rank = 1;
    }
    uint64_t seen = 0;
    for (uint32_t i = 0; i < NVO_HIST_BINS; i++) {
        seen += h->bins[i];
        if (seen >= rank) {
            double v = hist_value__(i);
            return v < (double) h->min ? (double) h->min
                 : v > (double) h->max ? (double) h->max : v;
        }
    }
    return (double) h->max;
}

double
nvo_hist_mean(const struct nvo_hist *h)
{
    return h->n ? h->sum / (double) h->n : NAN;
}

void
nvo_balance(const double *x, uint32_t n, struct nvo_balance *out)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    out->mean = out->max = out->min = NAN;
    out->max_over_mean = out->cov = out->jain = NAN;
    if (!n) {
        return;
    }
    double sum = 0, sum2 = 0;
    out->max = out->min = x[0];
    for (uint32_t i = 0; i < n; i++) {
        sum += x[i];
        sum2 += x[i] * x[i];
        out->max = fmax(out->max, x[i]);
        out->min = fmin(out->min, x[i]);
    }
    out->mean = sum / n;
    if (out->mean > 0) {
        out->max_over_mean = out->max / out->mean;
        double var = sum2 / n - out->mean * out->mean;
        out->cov = sqrt(var > 0 ? var : 0) / out->mean;
        out->jain = sum * sum / (n * sum2);
    }
}
