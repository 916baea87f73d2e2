/* C tests of csrc/stats: moments, merges, quantiles and MAD against naive references. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rt/rt.h"

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double naive_quantile(const double *sorted, int64_t n, double p) {
    double h = (double)(n - 1) * p;
    int64_t k = (int64_t)h;
    if (k >= n - 1) {
        return sorted[n - 1];
    }
    return sorted[k] + (sorted[k + 1] - sorted[k]) * (h - (double)k);
}

static int close_to(double a, double b, double rel) {
    return fabs(a - b) <= rel * (fabs(b) + 1e-300) || (isnan(a) && isnan(b));
}

static void test_moments(void) {
    enum { N = 5000 };
    static double x[N];
    for (int i = 0; i < N; i++) {
        x[i] = 1e6 + check_uniform() * 10.0; /* a large offset: naive sum-of-squares would lose digits */
    }
    rt_error err;
    rt_moments m;
    CHECK(rt_stats_moments(RT_DTYPE_FLOAT64, x, NULL, 0, N, 1, &m, &err) == RT_OK);
    double mean = 0;
    for (int i = 0; i < N; i++) mean += x[i];
    mean /= N;
    double m2 = 0, m3 = 0, m4 = 0, lo = x[0], hi = x[0];
    for (int i = 0; i < N; i++) {
        double d = x[i] - mean;
        m2 += d * d;
        m3 += d * d * d;
        m4 += d * d * d * d;
        lo = fmin(lo, x[i]);
        hi = fmax(hi, x[i]);
    }
    CHECK(m.count == N && m.missing == 0);
    CHECK(close_to(m.mean, mean, 1e-14) && close_to(m.m2, m2, 1e-10));
    CHECK(fabs(m.m3 - m3) <= 1e-8 * m2 * 10 && close_to(m.m4, m4, 1e-9));
    CHECK(m.min == lo && m.max == hi);

    /* Merging the moments of any split equals the moments of the whole. */
    for (int split = 0; split <= N; split += 997) {
        rt_moments a, b, merged;
        rt_stats_moments(RT_DTYPE_FLOAT64, x, NULL, 0, split, 1, &a, &err);
        rt_stats_moments(RT_DTYPE_FLOAT64, x, NULL, split, N - split, 1, &b, &err);
        CHECK(rt_stats_moments_merge(&a, &b, &merged, &err) == RT_OK);
        CHECK(merged.count == N && close_to(merged.mean, mean, 1e-14) && close_to(merged.m2, m2, 1e-10));
        CHECK(close_to(merged.m4, m4, 1e-9) && merged.min == lo && merged.max == hi);
    }
}

static void test_missing_values(void) {
    double x[10] = {1, NAN, 3, 4, 5, 6, 7, 8, 9, 10};
    uint8_t validity[2] = {0xFF & ~(1u << 3), 0x03}; /* element 3 is null */
    rt_error err;
    rt_moments m;
    CHECK(rt_stats_moments(RT_DTYPE_FLOAT64, x, validity, 0, 10, 1, &m, &err) == RT_OK);
    CHECK(m.count == 8 && m.missing == 2);
    CHECK(close_to(m.mean, (1 + 3 + 5 + 6 + 7 + 8 + 9 + 10) / 8.0, 1e-15));
    CHECK(rt_stats_moments(RT_DTYPE_FLOAT64, x, validity, 0, 10, 0, &m, &err) == RT_OK);
    CHECK(m.count == 9 && m.missing == 1 && isnan(m.mean) && isnan(m.min));
    /* Sliced: offset 2 skips 1 and NaN. */
    CHECK(rt_stats_moments(RT_DTYPE_FLOAT64, x, validity, 2, 8, 0, &m, &err) == RT_OK);
    CHECK(m.count == 7 && m.missing == 1 && m.min == 3 && m.max == 10);
    CHECK(rt_stats_moments(RT_DTYPE_FLOAT64, x, NULL, 0, 0, 1, &m, &err) == RT_OK);
    CHECK(m.count == 0 && isnan(m.min));
    /* +inf and -inf make the mean NaN, but min and max are still -inf and +inf. */
    double infinities[4] = {1, INFINITY, -INFINITY, 2};
    CHECK(rt_stats_moments(RT_DTYPE_FLOAT64, infinities, NULL, 0, 4, 1, &m, &err) == RT_OK);
    CHECK(isnan(m.mean) && m.min == -INFINITY && m.max == INFINITY);
    /* Merging a part with an infinite mean keeps it infinite (Chan's update alone gives NaN). */
    rt_moments with_inf, finite, merged;
    CHECK(rt_stats_moments(RT_DTYPE_FLOAT64, infinities, NULL, 1, 1, 1, &with_inf, &err) == RT_OK);
    CHECK(rt_stats_moments(RT_DTYPE_FLOAT64, infinities, NULL, 3, 1, 1, &finite, &err) == RT_OK);
    CHECK(rt_stats_moments_merge(&with_inf, &finite, &merged, &err) == RT_OK);
    CHECK(merged.count == 2 && merged.mean == INFINITY && merged.min == 2 && merged.max == INFINITY);
    CHECK(rt_stats_moments_merge(&finite, &with_inf, &merged, &err) == RT_OK);
    CHECK(merged.mean == INFINITY && isnan(merged.m2));
    /* A constant column: the exact mean and no spread, whatever the rounding of its sum. */
    static double constant[5000];
    for (int i = 0; i < 5000; i++) {
        constant[i] = 0.1;
    }
    CHECK(rt_stats_moments(RT_DTYPE_FLOAT64, constant, NULL, 0, 5000, 1, &m, &err) == RT_OK);
    CHECK(m.mean == 0.1 && m.m2 == 0.0 && m.m3 == 0.0 && m.m4 == 0.0);
    /* The shifted sums still give a correctly rounded mean where the sum is exact: 7/3. */
    double seven[3] = {1, 2, 4};
    CHECK(rt_stats_moments(RT_DTYPE_FLOAT64, seven, NULL, 0, 3, 1, &m, &err) == RT_OK);
    CHECK(m.mean == 7.0 / 3.0);
    int32_t ints[4] = {-2, 7, 1, 2};
    CHECK(rt_stats_moments(RT_DTYPE_INT32, ints, NULL, 0, 4, 1, &m, &err) == RT_OK);
    CHECK(m.mean == 2.0 && m.min == -2 && m.max == 7);
    CHECK(rt_stats_moments(99, ints, NULL, 0, 4, 1, &m, &err) == RT_ERR_VALIDATION);
    CHECK(rt_stats_moments(RT_DTYPE_INT32, ints, NULL, -1, 4, 1, &m, &err) == RT_ERR_VALIDATION);
}

static void test_quantiles(void) {
    static const int64_t sizes[] = {1, 2, 3, 10, 17, 100, 1001, 20000};
    static const double probs[] = {0.99, 0.0, 0.25, 0.5, 0.75, 1.0, 0.01, 0.333};
    enum { P = 8 };
    rt_error err;
    for (unsigned s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int64_t n = sizes[s];
        double *x = malloc((size_t)n * sizeof(double));
        double *sorted = malloc((size_t)n * sizeof(double));
        for (int64_t i = 0; i < n; i++) {
            /* many duplicates, to exercise equal keys */
            x[i] = s % 2 ? floor(check_uniform() * 20) : check_uniform() * 1e3 - 500;
        }
        memcpy(sorted, x, (size_t)n * sizeof(double));
        qsort(sorted, (size_t)n, sizeof(double), compare_doubles);
        double got[P];
        CHECK(rt_stats_quantiles(RT_DTYPE_FLOAT64, x, NULL, 0, n, 1, probs, P, got, &err) == RT_OK);
        for (int p = 0; p < P; p++) {
            CHECK(close_to(got[p], naive_quantile(sorted, n, probs[p]), 1e-12));
        }
        double median, mad;
        CHECK(rt_stats_median_mad(RT_DTYPE_FLOAT64, x, NULL, 0, n, 1, &median, &mad, &err) == RT_OK);
        CHECK(close_to(median, naive_quantile(sorted, n, 0.5), 1e-12));
        for (int64_t i = 0; i < n; i++) {
            sorted[i] = fabs(x[i] - median);
        }
        qsort(sorted, (size_t)n, sizeof(double), compare_doubles);
        CHECK(close_to(mad, naive_quantile(sorted, n, 0.5), 1e-12));
        free(x);
        free(sorted);
    }
    /* Sorted and reverse-sorted input stay fast and right (a naive quickselect degrades). */
    enum { M = 100000 };
    static double ramp[M];
    for (int i = 0; i < M; i++) ramp[i] = (double)(M - i);
    double q;
    double half = 0.5;
    CHECK(rt_stats_quantiles(RT_DTYPE_FLOAT64, ramp, NULL, 0, M, 1, &half, 1, &q, &err) == RT_OK);
    CHECK(q == (M + 1) / 2.0);
    double bad = 1.5;
    CHECK(rt_stats_quantiles(RT_DTYPE_FLOAT64, ramp, NULL, 0, M, 1, &bad, 1, &q, &err) == RT_ERR_VALIDATION);
    double with_nan[3] = {1, NAN, 2};
    CHECK(rt_stats_quantiles(RT_DTYPE_FLOAT64, with_nan, NULL, 0, 3, 0, &half, 1, &q, &err) == RT_OK && isnan(q));
    CHECK(rt_stats_quantiles(RT_DTYPE_FLOAT64, with_nan, NULL, 0, 3, 1, &half, 1, &q, &err) == RT_OK && q == 1.5);
    CHECK(rt_stats_quantiles(RT_DTYPE_FLOAT64, NULL, NULL, 0, 0, 1, &half, 1, &q, &err) == RT_OK && isnan(q));
    rt_pool_stats stats;
    rt_pool_get_stats(&stats);
    CHECK(stats.bytes_in_use == 0); /* every scratch buffer went back */
}

/* Every SIMD level gives the scalar reference's moments bit for bit (NaN, a bitmap, odd lengths). */
static void test_moments_per_level(void) {
    enum { N = 5003 };
    static double x[N];
    static uint8_t validity[(N + 7) / 8];
    for (int i = 0; i < N; i++) {
        double u = check_uniform();
        x[i] = u < 0.02 ? NAN : (u - 0.3) * 1e3;
    }
    for (int i = 0; i < (N + 7) / 8; i++) {
        validity[i] = (uint8_t)(255 - (i % 7 == 0));
    }
    rt_error err;
    for (int offset = 0; offset < 3; offset++) {
        rt_moments reference, plain_reference;
        CHECK(rt_force_impl(RT_SIMD_SCALAR, &err) == RT_OK);
        CHECK(rt_stats_moments(RT_DTYPE_FLOAT64, x, validity, offset, N - offset, 1, &reference, &err) == RT_OK);
        CHECK(rt_stats_moments(RT_DTYPE_FLOAT64, x, NULL, offset, N - offset, 1, &plain_reference, &err) == RT_OK);
        for (int level = 1; level < 4; level++) {
            if (!rt_simd_supported(level)) continue;
            CHECK(rt_force_impl(level, &err) == RT_OK);
            rt_moments m, plain;
            CHECK(rt_stats_moments(RT_DTYPE_FLOAT64, x, validity, offset, N - offset, 1, &m, &err) == RT_OK);
            CHECK(rt_stats_moments(RT_DTYPE_FLOAT64, x, NULL, offset, N - offset, 1, &plain, &err) == RT_OK);
            CHECK(memcmp(&m, &reference, sizeof m) == 0 && memcmp(&plain, &plain_reference, sizeof m) == 0);
        }
    }
    rt_force_impl(-1, &err);
}

int main(void) {
    test_moments_per_level();
    test_moments();
    test_missing_values();
    test_quantiles();
    rt_pool_gc();
    return check_report("test_stats");
}
