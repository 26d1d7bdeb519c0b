/* test_units.c: time, rate and size parsing and formatting (units.c). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "testutil.h"
#include "core/units.h"

START_TEST(time_parse_ok)
{
    static const struct { const char *s; nvo_time_t t; } cases[] = {
        { "0s", 0 }, { "1ps", 1 }, { "1ns", 1000 }, { "1.5us", 1500000 },
        { "200ms", 200 * NVO_MS }, { "2s", 2 * NVO_SEC },
        { "0.000001s", NVO_US }, { "2.5ps", -1 /* error, see below */ },
        { "-3ns", -3000 }, { "1.000ns", 1000 }, { "9223372s", 9223372 * NVO_SEC },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(cases); i++) {
        nvo_time_t t = 12345;
        int error = nvo_time_parse(cases[i].s, &t);
        if (cases[i].t == -1) {
            ck_assert_int_eq(error, ERANGE);        /* not a whole ps */
            ck_assert_int_eq(t, 12345);
        } else {
            ck_assert_msg(!error, "%s: %d", cases[i].s, error);
            ck_assert_int_eq(t, cases[i].t);
        }
    }
}
END_TEST

START_TEST(time_parse_bad)
{
    static const struct { const char *s; int error; } cases[] = {
        { "", EINVAL }, { "10", EINVAL }, { "us", EINVAL }, { "1.us", EINVAL },
        { "1 us", EINVAL }, { "1usec", EINVAL }, { "1h", EINVAL },
        { "1e3ns", EINVAL }, { "9223373s", ERANGE },
        { "99999999999999999999999ps", ERANGE },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(cases); i++) {
        nvo_time_t t;
        ck_assert_msg(nvo_time_parse(cases[i].s, &t) == cases[i].error,
                      "%s", cases[i].s);
    }
}
END_TEST

START_TEST(time_format)
{
    static const struct { nvo_time_t t; const char *s; } cases[] = {
        { 0, "0s" }, { 1, "1ps" }, { 999, "999ps" }, { 1000, "1ns" },
        { 1500000, "1.5us" }, { 200 * NVO_MS, "200ms" },
        { 2 * NVO_SEC, "2s" }, { NVO_SEC + 1, "1.000000000001s" },
        { -2500, "-2.5ns" },
    };
    char buf[NVO_TIME_STRLEN];
    for (size_t i = 0; i < NVO_ARRAY_SIZE(cases); i++) {
        ck_assert_str_eq(nvo_time_format(cases[i].t, buf, sizeof buf),
                         cases[i].s);
        nvo_time_t back;
        ck_assert_int_eq(nvo_time_parse(buf, &back), 0);
        ck_assert_int_eq(back, cases[i].t);
    }
    ck_assert_str_eq(nvo_time_format_sec(1500000, buf, sizeof buf),
                     "0.000001500000");
    ck_assert_str_eq(nvo_time_format(NVO_TIME_MAX, buf, sizeof buf),
                     "9223372.036854775807s");
}
END_TEST

START_TEST(rate_and_size)
{
    uint64_t v;
    ck_assert_int_eq(nvo_rate_parse("10Gbps", &v), 0);
    ck_assert_uint_eq(v, 10000000000ull);
    ck_assert_int_eq(nvo_rate_parse("2.5Gbps", &v), 0);
    ck_assert_uint_eq(v, 2500000000ull);
    ck_assert_int_eq(nvo_rate_parse("100kbps", &v), 0);
    ck_assert_uint_eq(v, 100000);
    ck_assert_int_eq(nvo_rate_parse("0Gbps", &v), ERANGE);
    ck_assert_int_eq(nvo_rate_parse("10G", &v), EINVAL);
    ck_assert_int_eq(nvo_rate_parse("10", &v), EINVAL);
    ck_assert_int_eq(nvo_rate_parse("-1Gbps", &v), ERANGE);
    char buf[32];
    ck_assert_str_eq(nvo_rate_format(10000000000ull, buf, sizeof buf), "10Gbps");
    ck_assert_str_eq(nvo_rate_format(2500000000ull, buf, sizeof buf), "2.5Gbps");
    ck_assert_str_eq(nvo_rate_format(100000, buf, sizeof buf), "100kbps");

    ck_assert_int_eq(nvo_size_parse("1500", &v), 0);
    ck_assert_uint_eq(v, 1500);
    ck_assert_int_eq(nvo_size_parse("1500B", &v), 0);
    ck_assert_uint_eq(v, 1500);
    ck_assert_int_eq(nvo_size_parse("64KiB", &v), 0);
    ck_assert_uint_eq(v, 65536);
    ck_assert_int_eq(nvo_size_parse("2MB", &v), 0);
    ck_assert_uint_eq(v, 2000000);
    ck_assert_int_eq(nvo_size_parse("1.5KiB", &v), 0);
    ck_assert_uint_eq(v, 1536);
    ck_assert_int_eq(nvo_size_parse("1.1B", &v), ERANGE);
    ck_assert_int_eq(nvo_size_parse("12 kB", &v), EINVAL);
}
END_TEST

START_TEST(tx_time)
{
    /* 1500 bytes at 10 Gb/s: 1.2 us exactly; at 400 Gb/s: 30 ns. */
    ck_assert_int_eq(nvo_tx_time(1500, 10000000000ull), 1200000);
    ck_assert_int_eq(nvo_tx_time(1500, 400000000000ull), 30000);
    /* 1 bit at 400 Gb/s is 2.5 ps: one byte is 20 ps. */
    ck_assert_int_eq(nvo_tx_time(1, 400000000000ull), 20);
    /* Rounds up: 1 byte at 3 bps = 8/3 s. */
    ck_assert_int_eq(nvo_tx_time(1, 3), 2666666666667);
    /* Large: 64 MiB at 1 Gb/s. */
    ck_assert_int_eq(nvo_tx_time(64ull << 20, 1000000000ull),
                     (nvo_time_t) (64ull << 20) * 8 * 1000);
}
END_TEST

START_TEST(double_to_time)
{
    nvo_time_t t = 7;
    ck_assert(nvo_time_from_ps(1.5, &t));
    ck_assert_int_eq(t, 2);                     /* halfway: away from 0 */
    ck_assert(nvo_time_from_ps(-2.5, &t));
    ck_assert_int_eq(t, -3);
    ck_assert(nvo_time_from_ps(1e18, &t));
    ck_assert_int_eq(t, 1000000000000000000);
    /* The largest double below 2^63 fits; 2^63 does not. */
    ck_assert(nvo_time_from_ps(0x1.fffffffffffffp62, &t));
    ck_assert_int_eq(t, INT64_MAX - 1023);
    t = 7;
    ck_assert(!nvo_time_from_ps(0x1p63, &t));
    ck_assert(!nvo_time_from_ps(1e20, &t));     /* rate 1e-8: mean gap */
    ck_assert(!nvo_time_from_ps(-1e19, &t));
    ck_assert(!nvo_time_from_ps(NAN, &t));
    ck_assert(!nvo_time_from_ps(INFINITY, &t));
    ck_assert_int_eq(t, 7);                     /* left alone */
    ck_assert(nvo_time_from_ps(-0x1p63, &t));
    ck_assert_int_eq(t, INT64_MIN);

    ck_assert_int_eq(nvo_time_from_ps_clamp(1e20, 0, NVO_TIME_MAX),
                     NVO_TIME_MAX);
    ck_assert_int_eq(nvo_time_from_ps_clamp(-1e20, 0, NVO_TIME_MAX), 0);
    ck_assert_int_eq(nvo_time_from_ps_clamp(NAN, 0, 100), 100);
    ck_assert_int_eq(nvo_time_from_ps_clamp(41.5, 0, 100), 42);
    ck_assert_int_eq(nvo_time_from_ps_clamp(0x1p63, 5, NVO_TIME_MAX),
                     NVO_TIME_MAX);
}
END_TEST

START_TEST(double_to_count)
{
    uint64_t n = 7;
    ck_assert(nvo_count_from_double(2.5, UINT64_MAX, &n));
    ck_assert_uint_eq(n, 3);
    ck_assert(nvo_count_from_double(-0.4, 10, &n));  /* rounds to 0 */
    ck_assert_uint_eq(n, 0);
    ck_assert(nvo_count_from_double(0x1.fffffffffffffp63, UINT64_MAX, &n));
    ck_assert_uint_eq(n, UINT64_MAX - 2047);
    n = 7;
    ck_assert(!nvo_count_from_double(0x1p64, UINT64_MAX, &n));
    ck_assert(!nvo_count_from_double(1e30, UINT64_MAX, &n));
    ck_assert(!nvo_count_from_double(-1, UINT64_MAX, &n));
    ck_assert(!nvo_count_from_double(10.6, 10, &n));
    ck_assert(!nvo_count_from_double(NAN, 10, &n));
    ck_assert_uint_eq(n, 7);
    /* Flow sizes: at least 1 byte, at most 2^53. */
    ck_assert_uint_eq(nvo_count_from_double_clamp(1e30, 1, NVO_FLOW_SIZE_MAX),
                      NVO_FLOW_SIZE_MAX);
    ck_assert_uint_eq(nvo_count_from_double_clamp(0.2, 1, NVO_FLOW_SIZE_MAX),
                      1);
    ck_assert_uint_eq(nvo_count_from_double_clamp(-5, 1, 10), 1);
    ck_assert_uint_eq(nvo_count_from_double_clamp(1499.5, 1, 1 << 20), 1500);
    ck_assert_uint_eq(nvo_count_from_double_clamp(NAN, 1, 10), 10);
    /* Serialization times saturate instead of wrapping. */
    ck_assert_int_eq(nvo_tx_time(NVO_FLOW_SIZE_MAX, 1), NVO_TIME_MAX);
    ck_assert_int_eq(nvo_tx_time(1152921, 1), 1152921 * 8 * NVO_SEC);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("units");
    TCase *tc = tcase_create("units");
    tcase_add_test(tc, time_parse_ok);
    tcase_add_test(tc, time_parse_bad);
    tcase_add_test(tc, time_format);
    tcase_add_test(tc, rate_and_size);
    tcase_add_test(tc, tx_time);
    tcase_add_test(tc, double_to_time);
    tcase_add_test(tc, double_to_count);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
