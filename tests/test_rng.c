/* test_rng.c: random streams and distributions (rng.c). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "core/rng.h"
#include "testutil.h"

START_TEST(xoshiro_reference)
{
    /* xoshiro256** from state {1, 2, 3, 4}: first outputs from the
     * reference implementation (Blackman and Vigna). */
    struct nvo_rng r = { { 1, 2, 3, 4 } };
    ck_assert_uint_eq(nvo_rng_next(&r), 11520);
    ck_assert_uint_eq(nvo_rng_next(&r), 0);
    ck_assert_uint_eq(nvo_rng_next(&r), 1509978240);
    ck_assert_uint_eq(nvo_rng_next(&r), 1215971899390074240ull);
}
END_TEST

START_TEST(streams)
{
    struct nvo_rng a1, a2, b, a_run2, a_seed2;
    nvo_rng_init(&a1, 1, 1, "leaf1");
    nvo_rng_init(&a2, 1, 1, "leaf1");
    nvo_rng_init(&b, 1, 1, "leaf2");
    nvo_rng_init(&a_run2, 1, 2, "leaf1");
    nvo_rng_init(&a_seed2, 2, 1, "leaf1");
    int same_b = 0, same_run = 0, same_seed = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = nvo_rng_next(&a1);
        /* Drawing from other streams in between changes nothing. */
        ck_assert_uint_eq(x, nvo_rng_next(&a2));
        same_b += x == nvo_rng_next(&b);
        same_run += x == nvo_rng_next(&a_run2);
        same_seed += x == nvo_rng_next(&a_seed2);
    }
    ck_assert_int_eq(same_b, 0);
    ck_assert_int_eq(same_run, 0);
    ck_assert_int_eq(same_seed, 0);
}
END_TEST

START_TEST(moments)
{
    const int n = 1000000;
    struct nvo_rng r;
    nvo_rng_init(&r, 3, 1, "moments");
    double su = 0, se = 0, se2 = 0, sp = 0;
    double umin = 1, umax = 0;
    for (int i = 0; i < n; i++) {
        double u = nvo_rng_uniform(&r);
        umin = fmin(umin, u);
        umax = fmax(umax, u);
        su += u;
        double x = nvo_rng_exponential(&r, 2.0);
        se += x;
        se2 += x * x;
        sp += nvo_rng_pareto(&r, 1.0, 3.0);
    }
    ck_assert(umin >= 0 && umax < 1);
    /* Means within 5 standard errors of theory. */
    ck_assert_double_eq_tol(su / n, 0.5, 5 * sqrt(1.0 / 12 / n));
    ck_assert_double_eq_tol(se / n, 2.0, 5 * 2.0 / sqrt(n));
    double var = se2 / n - (se / n) * (se / n);
    ck_assert_double_eq_tol(var, 4.0, 0.05);
    /* Pareto(xm 1, alpha 3): mean 1.5, variance 0.75. */
    ck_assert_double_eq_tol(sp / n, 1.5, 5 * sqrt(0.75 / n));
}
END_TEST

START_TEST(below)
{
    struct nvo_rng r;
    nvo_rng_init(&r, 9, 1, "below");
    int count[7] = { 0 };
    const int n = 700000;
    for (int i = 0; i < n; i++) {
        uint64_t v = nvo_rng_below(&r, 7);
        ck_assert_uint_lt(v, 7);
        count[v]++;
    }
    /* Each bin: binomial(n, 1/7), sd = sqrt(n p (1-p)) ~ 293. */
    for (int i = 0; i < 7; i++) {
        ck_assert_int_lt(abs(count[i] - n / 7), 5 * 293);
    }
}
END_TEST

START_TEST(cdf_small)
{
    struct nvo_cdf cdf;
    char err[256];
    /* 40% at exactly 100, then uniform 100-300 up to 100%. */
    ck_assert_int_eq(nvo_cdf_parse(&cdf, "# comment\n100 40\n\n300 100\n",
                                   "mem", err, sizeof err), 0);
    ck_assert_uint_eq(cdf.n, 2);
    ck_assert_double_eq_tol(nvo_cdf_mean(&cdf), 0.4 * 100 + 0.6 * 200, 1e-9);
    struct nvo_rng r;
    nvo_rng_init(&r, 1, 1, "cdf");
    int at100 = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        double v = nvo_rng_empirical(&r, &cdf);
        ck_assert(v >= 100 && v <= 300);
        at100 += v == 100;
    }
    ck_assert_int_lt(abs(at100 - n * 4 / 10), 5 * 220);
    nvo_cdf_destroy(&cdf);
}
END_TEST

START_TEST(cdf_files)
{
    struct nvo_cdf cdf;
    char err[256];
    ck_assert_int_eq(nvo_cdf_load(&cdf, nvo_test_src("scenarios/cdf/fb-hadoop.cdf"),
                                  err, sizeof err), 0);
    ck_assert_uint_eq(cdf.n, 20);
    /* 60% of Hadoop flows are at most 1000 bytes. */
    struct nvo_rng r;
    nvo_rng_init(&r, 5, 1, "hadoop");
    const int n = 400000;
    int small = 0;
    double sum = 0;
    for (int i = 0; i < n; i++) {
        double v = nvo_rng_empirical(&r, &cdf);
        small += v <= 1000;
        sum += v;
    }
    ck_assert_double_eq_tol((double) small / n, 0.60, 0.005);
    double mean = nvo_cdf_mean(&cdf);
    /* Heavy tail: 3% of the mass spread to 10 MB; check within 5%. */
    ck_assert_double_eq_tol(sum / n, mean, 0.05 * mean);
    nvo_cdf_destroy(&cdf);

    ck_assert_int_eq(nvo_cdf_load(&cdf, nvo_test_src("scenarios/cdf/websearch.cdf"),
                                  err, sizeof err), 0);
    ck_assert_uint_eq(cdf.n, 12);
    nvo_cdf_destroy(&cdf);
}
END_TEST

START_TEST(cdf_errors)
{
    static const struct { const char *text; const char *msg; } cases[] = {
        { "", "t.cdf: no points" },
        { "100 50\n# end\n", "t.cdf:1: the last point's cumulative percent "
          "(column 2) must be 100" },
        { "100 50\n50 100\n", "t.cdf:2: flow size (column 1) must not "
          "decrease (50 after 100)" },
        { "100 50\n200 40\n", "t.cdf:2: cumulative percent (column 2) must "
          "not decrease (40 after 50)" },
        { "100\n", "t.cdf:1: missing cumulative percent (column 2) after the "
          "flow size" },
        { "# x\nabc 10\n", "t.cdf:2: expected \"flow_size_bytes "
          "cumulative_percent\"" },
        { "1 10 x\n", "t.cdf:1: unexpected text after the percent" },
        { "1 101\n", "t.cdf:1: cumulative percent (column 2) must be between "
          "0 and 100" },
        /* Sizes: positive, finite, at most 2^53 bytes; 0 only at 0%. */
        { "0 0\n0 100\n", "t.cdf:2: flow size (column 1) must be at least 1 "
          "byte (0 only at 0 percent, where the CDF starts)" },
        { "0 50\n10 100\n", "t.cdf:1: flow size (column 1) must be at least "
          "1 byte (0 only at 0 percent, where the CDF starts)" },
        { "0 0\n0.5 100\n", "t.cdf:2: flow size (column 1) must be at least "
          "1 byte (0 only at 0 percent, where the CDF starts)" },
        { "-5 0\n10 100\n", "t.cdf:1: flow size (column 1) must not be "
          "negative" },
        { "100 10\n1e30 100\n", "t.cdf:2: flow size (column 1) must be at "
          "most 9007199254740992 bytes (2^53)" },
        { "nan 10\n100 100\n", "t.cdf:1: flow size (column 1) is not a "
          "finite number" },
        { "10 10\ninf 100\n", "t.cdf:2: flow size (column 1) is not a "
          "finite number" },
        { "10 nan\n100 100\n", "t.cdf:1: cumulative percent (column 2) is "
          "not a finite number" },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(cases); i++) {
        struct nvo_cdf cdf;
        char err[256] = "";
        ck_assert_int_eq(nvo_cdf_parse(&cdf, cases[i].text, "t.cdf", err,
                                       sizeof err), EINVAL);
        ck_assert_str_eq(err, cases[i].msg);
        ck_assert_ptr_null(cdf.value);
    }
    struct nvo_cdf cdf;
    char err[256];
    ck_assert_int_eq(nvo_cdf_load(&cdf, "/nonexistent/x.cdf", err, sizeof err),
                     ENOENT);
    ck_assert_str_eq(err, "/nonexistent/x.cdf: No such file or directory");
    /* A directory says it is one. */
    ck_assert_int_eq(nvo_cdf_load(&cdf, "/tmp", err, sizeof err), EISDIR);
    ck_assert_str_eq(err, "/tmp: a directory, not a regular file");
    /* So does a device (/dev/zero would never end). */
    ck_assert_int_eq(nvo_cdf_load(&cdf, "/dev/zero", err, sizeof err), EINVAL);
    ck_assert_str_eq(err, "/dev/zero: a character device, not a regular "
                     "file");
    /* The largest size and 0 at 0% are fine. */
    ck_assert_int_eq(nvo_cdf_parse(&cdf, "0 0\n9007199254740992 100\n", "t",
                                   err, sizeof err), 0);
    ck_assert_uint_eq(cdf.n, 2);
    nvo_cdf_destroy(&cdf);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("rng");
    TCase *tc = tcase_create("rng");
    tcase_add_test(tc, xoshiro_reference);
    tcase_add_test(tc, streams);
    tcase_add_test(tc, moments);
    tcase_add_test(tc, below);
    tcase_add_test(tc, cdf_small);
    tcase_add_test(tc, cdf_files);
    tcase_add_test(tc, cdf_errors);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
