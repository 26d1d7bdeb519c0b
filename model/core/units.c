/* units.c: parsing and formatting of times, rates and sizes with units.
 * See units.h.  Parsing is exact: "1.5us" is 1500000 ps, with no
 * floating point on the way. */
#include "core/units.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

struct unit {
    const char *name;
    uint64_t scale;
};

/* Parses "[-]DIGITS[.DIGITS]UNIT" where UNIT is one of 'units' (or, if
 * 'bare' is not NULL, absent: then 'bare' is the scale).  The result must
 * be an integer multiple of 1 after scaling. */
static int
parse_scaled__(const char *s, const struct unit *units, size_t n_units,
               const uint64_t *bare, bool allow_negative, int64_t *out)
{
    if (!s) {
        return EINVAL;
    }
    const char *p = s;
    bool neg = false;
    if (*p == '-') {
        if (!allow_negative) {
            return ERANGE;
        }
        neg = true;
        p++;
    }
    if (*p < '0' || *p > '9') {
        return EINVAL;
    }
    unsigned __int128 whole = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        whole = whole * 10 + (unsigned) (*p - '0');
        if (whole > UINT64_MAX) {
            return ERANGE;
        }
    }
    unsigned __int128 frac = 0, frac_div = 1;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9') {
            return EINVAL;
        }
        for (; *p >= '0' && *p <= '9'; p++) {
            if (frac_div > (unsigned __int128) 1 << 100) {
                return ERANGE;          /* absurd number of digits */
            }
            frac = frac * 10 + (unsigned) (*p - '0');
            frac_div *= 10;
        }
    }
    uint64_t scale = 0;
    if (*p == '\0') {
        if (!bare) {
            return EINVAL;              /* a unit is required */
        }
        scale = *bare;
    } else {
        size_t i;
        for (i = 0; i < n_units; i++) {
            if (!strcmp(p, units[i].name)) {
                scale = units[i].scale;
                break;
            }
        }
        if (i == n_units) {
            return EINVAL;
        }
    }
    unsigned __int128 v = whole * scale;
    unsigned __int128 f = frac * scale;
    if (f % frac_div) {
        return ERANGE;                  /* finer than the base unit */
    }
    v += f / frac_div;
    if (v > (unsigned __int128) INT64_MAX) {
        return ERANGE;
    }
    *out = neg ? -(int64_t) v : (int64_t) v;
    return 0;
}

static const struct unit time_units[] = {
    { "ps", 1 }, { "ns", 1000 }, { "us", 1000000 },
    { "ms", 1000000000 }, { "s", 1000000000000 },
};

int
nvo_time_parse(const char *s, nvo_time_t *out)
{
    int64_t v;
    int error = parse_scaled__(s, time_units, NVO_ARRAY_SIZE(time_units),
                               NULL, true, &v);
    if (!error) {
        *out = v;
    }
    return error;
}

/* Formats 'v' / 'scale' exactly, without trailing zeros. */
static void
format_fixed__(char *buf, size_t size, uint64_t v, uint64_t scale,
               const char *neg, const char *unit)
{
    uint64_t whole = v / scale, frac = v % scale;
    if (!frac) {
        snprintf(buf, size, "%s%" PRIu64 "%s", neg, whole, unit);
        return;
    }
    int digits = 0;
    for (uint64_t s = scale; s > 1; s /= 10) {
        digits++;
    }
    while (frac % 10 == 0) {
        frac /= 10;
        digits--;
    }
    snprintf(buf, size, "%s%" PRIu64 ".%0*" PRIu64 "%s",
             neg, whole, digits, frac, unit);
}

char *
nvo_time_format(nvo_time_t t, char *buf, size_t size)
{
    const char *neg = t < 0 ? "-" : "";
    uint64_t v = t < 0 ? -(uint64_t) t : (uint64_t) t;
    size_t i = NVO_ARRAY_SIZE(time_units);
    while (i > 1 && v < time_units[i - 1].scale) {
        i--;
    }
    if (v == 0) {
        i = NVO_ARRAY_SIZE(time_units);
    }
    format_fixed__(buf, size, v, time_units[i - 1].scale, neg,
                   time_units[i - 1].name);
    return buf;
}

char *
nvo_time_format_sec(nvo_time_t t, char *buf, size_t size)
{
    const char *neg = t < 0 ? "-" : "";
    uint64_t v = t < 0 ? -(uint64_t) t : (uint64_t) t;
    snprintf(buf, size, "%s%" PRIu64 ".%012" PRIu64, neg,
             v / 1000000000000u, v % 1000000000000u);
    return buf;
}

static const struct unit rate_units[] = {
    { "bps", 1 }, { "kbps", 1000 }, { "Kbps", 1000 },
    { "Mbps", 1000000 }, { "Gbps", 1000000000 }, { "Tbps", 1000000000000 },
};

int
nvo_rate_parse(const char *s, uint64_t *bps_out)
{
    int64_t v;
    int error = parse_scaled__(s, rate_units, NVO_ARRAY_SIZE(rate_units),
                               NULL, false, &v);
    if (!error && v == 0) {
        error = ERANGE;
    }
    if (!error) {
        *bps_out = (uint64_t) v;
    }
    return error;
}

char *
nvo_rate_format(uint64_t bps, char *buf, size_t size)
{
    size_t i = NVO_ARRAY_SIZE(rate_units);
    while (i > 1 && (bps < rate_units[i - 1].scale || !strcmp(rate_units[i - 1].name, "Kbps"))) {
        i--;
    }
    format_fixed__(buf, size, bps, rate_units[i - 1].scale, "",
                   rate_units[i - 1].name);
    return buf;
}

static const struct unit size_units[] = {
    { "B", 1 }, { "KB", 1000 }, { "MB", 1000000 }, { "GB", 1000000000 },
    { "KiB", 1024 }, { "MiB", 1048576 }, { "GiB", 1073741824 },
};

int
nvo_size_parse(const char *s, uint64_t *bytes_out)
{
    static const uint64_t bytes = 1;
    int64_t v;
    int error = parse_scaled__(s, size_units, NVO_ARRAY_SIZE(size_units),
                               &bytes, false, &v);
    if (!error) {
        *bytes_out = (uint64_t) v;
    }
    return error;
}

/* ---- Range-checked conversions from floating point ---- */

/* 2^63 and 2^64 as doubles (exact): a rounded double r fits in int64_t
 * if -2^63 <= r < 2^63, in uint64_t if 0 <= r < 2^64. */
#define TWO_63 9223372036854775808.0
#define TWO_64 18446744073709551616.0

bool
nvo_time_from_ps(double ps, nvo_time_t *out)
{
    if (!isfinite(ps)) {
        return false;
    }
    double r = round(ps);
    if (r < -TWO_63 || r >= TWO_63) {
        return false;
    }
    *out = (nvo_time_t) r;
    return true;
}

nvo_time_t
nvo_time_from_ps_clamp(double ps, nvo_time_t lo, nvo_time_t hi)
{
    if (isnan(ps)) {
        return hi;
    }
    double r = round(ps);
    if (r <= (double) lo) {
        return lo;
    }
    if (r >= (double) hi) {
        return hi;
    }
    /* lo < r < hi, both in range: the cast is exact. */
    return (nvo_time_t) r;
}

bool
nvo_count_from_double(double v, uint64_t max, uint64_t *out)
{
    if (!isfinite(v)) {
        return false;
    }
    double r = round(v);
    if (r < 0 || r >= TWO_64 || (uint64_t) r > max) {
        return false;
    }
    *out = (uint64_t) r;
    return true;
}

uint64_t
nvo_count_from_double_clamp(double v, uint64_t min, uint64_t max)
{
    if (isnan(v)) {
        return max;
    }
    double r = round(v);
    if (r <= (double) min) {
        return min;
    }
    if (r >= (double) max) {
        return max;
    }
    return (uint64_t) r;
}
