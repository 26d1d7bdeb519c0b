/* units.h: simulated time, link rates and byte sizes, with their units.
 *
 * Simulated time is a signed 64-bit count of picoseconds: one bit at
 * 400 Gb/s is 2.5 ps and 2^63 ps is about 106 days.  Every parser here
 * requires an explicit unit: "1.5us", "200ms", "10Gbps", "9KiB". */
#ifndef NVO_UNITS_H
#define NVO_UNITS_H

#include "core/nvo.h"

typedef int64_t nvo_time_t;

#define NVO_PS ((nvo_time_t) 1)
#define NVO_NS ((nvo_time_t) 1000)
#define NVO_US ((nvo_time_t) 1000000)
#define NVO_MS ((nvo_time_t) 1000000000)
#define NVO_SEC ((nvo_time_t) 1000000000000)
#define NVO_TIME_MAX INT64_MAX

/* The largest flow size, in bytes: 2^53 (9 PB), the largest whole number
 * a double holds exactly.  Configured sizes above it are refused; drawn
 * sizes (an exponential tail) saturate at it. */
#define NVO_FLOW_SIZE_MAX (UINT64_C(1) << 53)

/* Longest string nvo_time_format() writes, with its NUL. */
#define NVO_TIME_STRLEN 32

/* Parses a time with a unit (ps, ns, us, ms, s), a decimal number with an
 * optional fraction: "1.5us", "0s", "250ns".  The value must be a whole
 * number of picoseconds and fit in nvo_time_t.  Returns 0, EINVAL for bad
 * syntax or unit, ERANGE when out of range or not a whole picosecond. */
int nvo_time_parse(const char *s, nvo_time_t *out);

/* Formats 't' exactly, in the largest unit that keeps it short:
 * 1500000 -> "1.5us", 0 -> "0s", 1000 -> "1ns".  Returns 'buf'. */
char *nvo_time_format(nvo_time_t t, char *buf, size_t size);

/* Formats 't' as seconds with 12 decimals ("0.000001500000"), the form the
 * ASCII trace and results use. */
char *nvo_time_format_sec(nvo_time_t t, char *buf, size_t size);

/* Parses a rate in bits per second with a unit: bps, kbps, Mbps, Gbps,
 * Tbps (decimal prefixes, case of the prefix as written here, also "Kbps").
 * Returns 0, EINVAL, or ERANGE (zero, or does not fit in 64 bits). */
int nvo_rate_parse(const char *s, uint64_t *bps_out);

/* Formats a rate: 10000000000 -> "10Gbps". */
char *nvo_rate_format(uint64_t bps, char *buf, size_t size);

/* Parses a byte size: "1500", "1500B", "64KiB", "1MiB", "100KB", "2MB".
 * KiB/MiB/GiB are powers of two, KB/MB/GB powers of ten; a bare number is
 * bytes.  Returns 0, EINVAL or ERANGE. */
int nvo_size_parse(const char *s, uint64_t *bytes_out);

/* ---- Range-checked conversions from floating point ----
 *
 * Every double that becomes a simulated time or a count goes through one
 * of these: a cast of a NaN, an infinity or a value out of the target's
 * range is undefined behaviour in C (llround() of 1e20 gives INT64_MIN on
 * x86, a time before the start of the run).  Values are rounded to the
 * nearest integer, halfway cases away from zero (as llround()). */

/* Converts 'ps' picoseconds to a time.  Returns true with *out set, or
 * false (leaving *out alone) if 'ps' is not finite or its rounded value
 * is outside [INT64_MIN, NVO_TIME_MAX]. */
bool nvo_time_from_ps(double ps, nvo_time_t *out);

/* The same, saturating: 'ps' rounded and clamped to [lo, hi] (lo <= hi);
 * NaN gives 'hi'. */
nvo_time_t nvo_time_from_ps_clamp(double ps, nvo_time_t lo, nvo_time_t hi);

/* Converts 'v' to a count in [0, max].  Returns true with *out set, or
 * false (leaving *out alone) if 'v' is not finite or its rounded value is
 * below 0 or above 'max'. */
bool nvo_count_from_double(double v, uint64_t max, uint64_t *out);

/* The same, saturating: 'v' rounded and clamped to [min, max]; NaN gives
 * 'max'. */
uint64_t nvo_count_from_double_clamp(double v, uint64_t min, uint64_t max);

/* t + d for t, d >= 0, saturating at NVO_TIME_MAX (a time never reached):
 * a link delay or timer of up to 106 days added to the current time. */
static inline nvo_time_t
nvo_time_add_sat(nvo_time_t t, nvo_time_t d)
{
    return d > NVO_TIME_MAX - t ? NVO_TIME_MAX : t + d;
}

/* Time to serialize 'bytes' at 'bps' (> 0), rounded up to a whole
 * picosecond; NVO_TIME_MAX if that does not fit (more than 1.15 MB at
 * 1 bps, 1.15 PB at 1 Gbps). */
static inline nvo_time_t
nvo_tx_time(uint64_t bytes, uint64_t bps)
{
    /* bytes * 8e12 overflows 64 bits past 2.3 MB; use 128-bit math. */
    unsigned __int128 num = (unsigned __int128) bytes * 8u * 1000000000000u;
    unsigned __int128 t = (num + bps - 1) / bps;
    return t > (unsigned __int128) NVO_TIME_MAX ? NVO_TIME_MAX
                                                : (nvo_time_t) t;
}

#endif /* NVO_UNITS_H */
