/* C tests of csrc/quality: counts per SIMD level, radix sort, sorted and unsorted key profiles, strings, counter, HLL. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rt/rt.h"

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Every SIMD level the machine has gives the scalar reference's counts, at every offset. */
static void test_count_values(void) {
    enum { N = 1037 };
    static double x[N];
    static float xf[N];
    static uint8_t validity[(N + 7) / 8];
    for (int i = 0; i < N; i++) {
        double u = check_uniform();
        x[i] = u < 0.1 ? NAN : u < 0.15 ? INFINITY : u < 0.2 ? -INFINITY : u;
        xf[i] = (float)x[i];
    }
    for (int i = 0; i < (N + 7) / 8; i++) {
        validity[i] = (uint8_t)(check_uniform() * 256);
    }
    rt_error err;
    for (int offset = 0; offset < 11; offset++) {
        int64_t length = N - offset - (offset % 3);
        /* Hand count. */
        int64_t nulls = 0, nans = 0, infs = 0;
        for (int64_t i = offset; i < offset + length; i++) {
            if (!((validity[i >> 3] >> (i & 7)) & 1)) {
                nulls++;
            } else if (isnan(x[i])) {
                nans++;
            } else if (isinf(x[i])) {
                infs++;
            }
        }
        for (int level = 0; level < 4; level++) {
            if (!rt_simd_supported(level)) continue;
            CHECK(rt_force_impl(level, &err) == RT_OK);
            rt_value_counts c64, c32, all;
            CHECK(rt_quality_count_values(RT_DTYPE_FLOAT64, x, validity, offset, length, &c64, &err) == RT_OK);
            CHECK(rt_quality_count_values(RT_DTYPE_FLOAT32, xf, validity, offset, length, &c32, &err) == RT_OK);
            CHECK(c64.nulls == nulls && c64.nans == nans && c64.infinities == infs);
            CHECK(c32.nulls == nulls && c32.nans == nans && c32.infinities == infs);
            CHECK(rt_quality_count_values(RT_DTYPE_FLOAT64, x, NULL, offset, length, &all, &err) == RT_OK);
            CHECK(all.nulls == 0 && all.nans + all.infinities >= nans + infs);
        }
    }
    rt_force_impl(-1, &err);
    rt_value_counts c;
    CHECK(rt_quality_count_values(99, x, NULL, 0, 4, &c, &err) == RT_ERR_VALIDATION);
    CHECK(rt_quality_count_values(RT_DTYPE_FLOAT64, NULL, NULL, 0, 0, &c, &err) == RT_OK && c.nulls == 0);
}

static void test_sort_and_profile(void) {
    enum { N = 20000 };
    static double x[N], sorted[N];
    static uint64_t keys[N];
    for (int i = 0; i < N; i++) {
        double u = check_uniform();
        x[i] = u < 0.3 ? (double)(int)(u * 100) - 15.0 : (u - 0.5) * 1e6; /* duplicates and negatives */
        if (i == 7) x[i] = -0.0;
        if (i == 8) x[i] = 0.0;
        if (i == 9) x[i] = NAN;
        if (i == 10) x[i] = -INFINITY;
    }
    rt_error err;
    int64_t n = 0;
    CHECK(rt_quality_gather_keys(RT_DTYPE_FLOAT64, x, NULL, 0, N, keys, &n, &err) == RT_OK);
    CHECK(n == N - 1); /* the NaN is left out */
    CHECK(rt_quality_sort_keys(keys, n, &err) == RT_OK);
    int m = 0;
    for (int i = 0; i < N; i++) {
        if (!isnan(x[i])) sorted[m++] = x[i] == 0.0 ? 0.0 : x[i];
    }
    qsort(sorted, (size_t)m, sizeof(double), compare_doubles);
    /* Distinct values, singletons and the mode by hand from the sorted copy. */
    int64_t distinct = 0, singletons = 0, mode_count = 0;
    for (int i = 0; i < m;) {
        int j = i;
        while (j < m && sorted[j] == sorted[i]) j++;
        distinct++;
        singletons += j - i == 1;
        if (j - i > mode_count) mode_count = j - i;
        i = j;
    }
    rt_sorted_profile p;
    CHECK(rt_quality_sorted_profile(RT_KEY_FLOAT, keys, n, 3.5, &p, &err) == RT_OK);
    CHECK(p.count == m && p.distinct == distinct && p.singletons == singletons && p.mode_count == mode_count);
    double median = (sorted[m / 2 - 1] + sorted[m / 2]) / 2;
    CHECK(p.median == median || m % 2 == 1);
    static double dev[N];
    for (int i = 0; i < m; i++) dev[i] = fabs(sorted[i] - p.median);
    qsort(dev, (size_t)m, sizeof(double), compare_doubles);
    double mad = m % 2 ? dev[m / 2] : (dev[m / 2 - 1] + dev[m / 2]) / 2;
    CHECK(fabs(p.mad - mad) <= 1e-9 * mad);
    int64_t consistent = 0;
    for (int i = 0; i < m; i++) consistent += fabs(sorted[i] - p.median) <= 3.5 * 1.4826 * p.mad;
    CHECK(p.consistent == consistent);
    int64_t between = 0, expected = 0;
    for (int i = 0; i < m; i++) expected += sorted[i] >= -10 && sorted[i] <= 1000;
    CHECK(rt_quality_sorted_count_between(RT_KEY_FLOAT, keys, n, -10, 1000, &between, &err) == RT_OK);
    CHECK(between == expected);
    CHECK(rt_quality_sorted_count_between(RT_KEY_FLOAT, keys, n, 1, 0, &between, &err) == RT_ERR_VALIDATION);
    double probs[3] = {0.0, 0.25, 1.0}, q[3];
    CHECK(rt_quality_sorted_quantiles(RT_KEY_FLOAT, keys, n, probs, 3, q, &err) == RT_OK);
    CHECK(q[0] == -INFINITY && q[2] == sorted[m - 1]);

    /* Integers: a random permutation of keys sorts like qsort does. */
    static int64_t ints[N];
    static uint64_t ikeys[N], expected_keys[N];
    for (int i = 0; i < N; i++) ints[i] = (int64_t)((check_uniform() - 0.5) * 4e18);
    CHECK(rt_quality_gather_keys(RT_DTYPE_INT64, ints, NULL, 0, N, ikeys, &n, &err) == RT_OK && n == N);
    memcpy(expected_keys, ikeys, sizeof ikeys);
    qsort(expected_keys, N, sizeof(uint64_t), compare_u64);
    CHECK(rt_quality_sort_keys(ikeys, n, &err) == RT_OK);
    CHECK(memcmp(ikeys, expected_keys, sizeof ikeys) == 0);

    /* Large and skewed (normal-like doubles crowd a few exponents): the MSD + LSD path. */
    enum { BIG = 300000 };
    uint64_t *big = malloc(BIG * sizeof(uint64_t)), *big_expected = malloc(BIG * sizeof(uint64_t));
    double *big_values = malloc(BIG * sizeof(double));
    for (int i = 0; i < BIG; i++) {
        double u = check_uniform();
        big_values[i] = i % 7 == 0 ? (double)(i % 13) : (u - 0.5) * (i % 3 == 0 ? 1e-3 : 2.0);
    }
    CHECK(rt_quality_gather_keys(RT_DTYPE_FLOAT64, big_values, NULL, 0, BIG, big, &n, &err) == RT_OK && n == BIG);
    memcpy(big_expected, big, BIG * sizeof(uint64_t));
    qsort(big_expected, BIG, sizeof(uint64_t), compare_u64);
    CHECK(rt_quality_sort_keys(big, n, &err) == RT_OK);
    CHECK(memcmp(big, big_expected, BIG * sizeof(uint64_t)) == 0);
    /* Integers of narrow ranges (sorted on the bits of key - min): 7, 20, 0 and 28 varying bits. */
    const int64_t spans[4] = {100, 1000000, 1, (int64_t)1 << 28};
    int64_t *big_ints = malloc(BIG * sizeof(int64_t));
    for (int s = 0; s < 4; s++) {
        for (int i = 0; i < BIG; i++) big_ints[i] = (int64_t)(check_uniform() * (double)spans[s]) - spans[s] / 2;
        CHECK(rt_quality_gather_keys(RT_DTYPE_INT64, big_ints, NULL, 0, BIG, big, &n, &err) == RT_OK && n == BIG);
        memcpy(big_expected, big, BIG * sizeof(uint64_t));
        qsort(big_expected, BIG, sizeof(uint64_t), compare_u64);
        CHECK(rt_quality_sort_keys(big, n, &err) == RT_OK);
        CHECK(memcmp(big, big_expected, BIG * sizeof(uint64_t)) == 0);
        CHECK(rt_quality_sort_keys(big, 1000, &err) == RT_OK); /* small and already sorted */
        CHECK(memcmp(big, big_expected, 1000 * sizeof(uint64_t)) == 0);
    }
    free(big_ints);
    free(big);
    free(big_expected);
    free(big_values);

    /* A constant column: MAD and mean deviation are 0, every value is consistent. */
    int32_t constant[5] = {4, 4, 4, 4, 4};
    CHECK(rt_quality_gather_keys(RT_DTYPE_INT32, constant, NULL, 0, 5, ikeys, &n, &err) == RT_OK);
    CHECK(rt_quality_sorted_profile(RT_KEY_INT, ikeys, n, 3.5, &p, &err) == RT_OK);
    CHECK(p.distinct == 1 && p.singletons == 0 && p.consistent == 5 && p.median == 4 && p.mad == 0);
    /* Empty. */
    CHECK(rt_quality_sorted_profile(RT_KEY_INT, ikeys, 0, 3.5, &p, &err) == RT_OK);
    CHECK(p.count == 0 && isnan(p.median) && p.distinct == 0);
    CHECK(rt_quality_sorted_profile(RT_KEY_INT, ikeys, 0, -1, &p, &err) == RT_ERR_VALIDATION);
}

static void test_strings(void) {
    /* "a", "  ", "", null, "ab-12", "xy-99", "\u00a0", "a" */
    const char *data = "a  ab-12xy-99\xc2\xa0" "a";
    int32_t offsets[9] = {0, 1, 3, 3, 3, 8, 13, 15, 16};
    uint8_t validity[1] = {0xF7}; /* row 3 null */
    uint64_t values[8], shapes[8], rows[8] = {0};
    rt_string_counts c;
    rt_error err;
    CHECK(rt_quality_scan_strings((const uint8_t *)data, 16, offsets, 4, validity, 0, 8, values, shapes, rows, &c, &err) == RT_OK);
    CHECK(c.nulls == 1 && c.blank == 3);
    CHECK(values[0] == values[7] && values[0] != values[4] && shapes[4] == shapes[5] && shapes[0] != shapes[4]);
    CHECK(rows[0] == rows[7] && rows[4] != rows[5]);
    /* Sliced by two rows: same hashes for the same strings. */
    uint64_t sliced[6];
    CHECK(rt_quality_scan_strings((const uint8_t *)data, 16, offsets, 4, validity, 2, 6, sliced, NULL, NULL, &c, &err) == RT_OK);
    CHECK(sliced[2] == values[4] && c.nulls == 1 && c.blank == 2);
    /* Corrupt offsets are rejected before any byte is read, null rows included. */
    int32_t decreasing[3] = {0, 5, 2}, negative[3] = {-4, 1, 2}, past_end[3] = {0, 1, 17};
    int64_t large_negative[3] = {0, -1, 3};
    CHECK(rt_quality_scan_strings((const uint8_t *)data, 16, decreasing, 4, NULL, 0, 2, NULL, NULL, NULL, &c, &err) == RT_ERR_VALIDATION);
    CHECK(strstr(err.message, "not monotonic") != NULL && strcmp(err.context, "rt_quality_scan_strings") == 0);
    CHECK(rt_quality_scan_strings((const uint8_t *)data, 16, negative, 4, NULL, 0, 2, NULL, NULL, NULL, &c, &err) == RT_ERR_VALIDATION);
    CHECK(strstr(err.message, "negative") != NULL);
    CHECK(rt_quality_scan_strings((const uint8_t *)data, 16, past_end, 4, NULL, 0, 2, NULL, NULL, NULL, &c, &err) == RT_ERR_VALIDATION);
    CHECK(strstr(err.message, "past the end") != NULL);
    uint8_t all_null[1] = {0};
    CHECK(rt_quality_scan_strings((const uint8_t *)data, 16, decreasing, 4, all_null, 0, 2, NULL, NULL, NULL, &c, &err) == RT_ERR_VALIDATION);
    CHECK(rt_quality_scan_strings((const uint8_t *)data, 16, large_negative, 8, NULL, 0, 2, NULL, NULL, NULL, &c, &err) == RT_ERR_VALIDATION);
    CHECK(rt_quality_scan_strings((const uint8_t *)data, 16, offsets, 4, NULL, 0, 0, NULL, NULL, NULL, &c, &err) == RT_OK && c.nulls == 0);
    /* Only empty strings: no data buffer at all (found by fuzz_strings: NULL + 0 was undefined). */
    int32_t empty[3] = {0, 0, 0};
    CHECK(rt_quality_scan_strings(NULL, 0, empty, 4, NULL, 0, 2, values, shapes, NULL, &c, &err) == RT_OK && c.blank == 2);
    CHECK(rt_quality_scan_strings((const uint8_t *)data, 16, offsets, 3, NULL, 0, 2, NULL, NULL, NULL, &c, &err) == RT_ERR_VALIDATION);
}

static void test_counter_and_hll(void) {
    enum { N = 200000 };
    static uint64_t keys[N];
    for (int i = 0; i < N; i++) keys[i] = (uint64_t)(i % 70000) * 2654435761u; /* 70000 distinct */
    rt_error err;
    rt_hash_counter *counter = NULL;
    CHECK(rt_hash_counter_new(10, &counter, &err) == RT_OK);
    CHECK(rt_hash_counter_add(counter, keys, NULL, 0, N, 0, &err) == RT_OK);
    keys[0] = 12345; /* one more key seen once */
    CHECK(rt_hash_counter_add(counter, keys, NULL, 0, 1, N, &err) == RT_OK);
    rt_hash_summary s;
    CHECK(rt_hash_counter_summary(counter, &s, &err) == RT_OK);
    CHECK(s.total == N + 1 && s.distinct == 70001 && s.singletons == 1);
    int64_t rows[3], counts[3], n;
    CHECK(rt_hash_counter_top(counter, 3, rows, counts, &n, &err) == RT_OK);
    CHECK(n == 3 && counts[0] == 3 && rows[0] == 0 && rows[1] == 1 && rows[2] == 2);
    /* k = 0 wrote best[-1] on the stack (found by fuzz_column). */
    CHECK(rt_hash_counter_top(counter, 0, NULL, NULL, &n, &err) == RT_OK && n == 0);
    CHECK(rt_hash_counter_free(counter, &err) == RT_OK);

    /* HyperLogLog within 4 standard errors (1.04 / 128 at precision 14) across cardinalities. */
    static uint8_t registers[1 << 14];
    static uint64_t values[1000000];
    for (int i = 0; i < 1000000; i++) values[i] = (uint64_t)i;
    int64_t sizes[5] = {0, 10, 1000, 50000, 1000000};
    for (int t = 0; t < 5; t++) {
        memset(registers, 0, sizeof registers);
        CHECK(rt_hll_add(registers, 14, values, NULL, 0, sizes[t], &err) == RT_OK);
        double estimate;
        CHECK(rt_hll_estimate(registers, 14, &estimate, &err) == RT_OK);
        CHECK(fabs(estimate - (double)sizes[t]) <= 4 * 0.0082 * (double)sizes[t] + 0.5);
    }
    CHECK(rt_hll_add(registers, 3, values, NULL, 0, 1, &err) == RT_ERR_VALIDATION);
}

static void test_kll_compact(void) {
    enum { N = 1001 };
    static double items[N], expected[N], promoted[N];
    for (int i = 0; i < N; i++) {
        items[i] = expected[i] = (check_uniform() - 0.5) * 100;
    }
    qsort(expected, N, sizeof(double), compare_doubles);
    rt_error err;
    int64_t n_promoted = -1;
    CHECK(rt_quality_kll_compact(items, N, 1, promoted, &n_promoted, &err) == RT_OK);
    CHECK(n_promoted == 500 && memcmp(items, expected, sizeof items) == 0);
    int ok = 1;
    for (int i = 0; i < 500; i++) ok &= promoted[i] == expected[2 * i + 1];
    CHECK(ok);
    CHECK(rt_quality_kll_compact(items, N, 2, promoted, &n_promoted, &err) == RT_ERR_VALIDATION);
    CHECK(rt_quality_kll_compact(items, 1, 0, promoted, &n_promoted, &err) == RT_OK && n_promoted == 0);
}

/* A standard normal draw (Box-Muller). */
static double normal_draw(void) {
    double u = check_uniform(), v = check_uniform();
    return sqrt(-2.0 * log(u > 0.0 ? u : 1e-300)) * cos(6.283185307179586 * v);
}

/* rt_quality_key_profile of `keys` equals what sorting them gives (quantiles, distinct, once, mode). */
static void check_key_profile(int32_t key_kind, const uint64_t *keys, int64_t n) {
    static const double probs[] = {0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1.0, 0.3333};
    enum { P = sizeof probs / sizeof probs[0] };
    rt_error err;
    uint64_t *sorted = malloc((size_t)(n + 1) * sizeof(uint64_t)), *work = malloc((size_t)(n + 1) * sizeof(uint64_t));
    memcpy(sorted, keys, (size_t)n * sizeof(uint64_t));
    CHECK(rt_quality_sort_keys(sorted, n, &err) == RT_OK);
    double expected[P], got[P], only[P];
    rt_sorted_profile sp;
    CHECK(rt_quality_sorted_quantiles(key_kind, sorted, n, probs, P, expected, &err) == RT_OK);
    CHECK(rt_quality_sorted_profile(key_kind, sorted, n, 3.5, &sp, &err) == RT_OK);
    rt_key_profile kp;
    memcpy(work, keys, (size_t)n * sizeof(uint64_t));
    CHECK(rt_quality_key_profile(key_kind, work, n, probs, P, got, &kp, &err) == RT_OK);
    memcpy(work, keys, (size_t)n * sizeof(uint64_t));
    CHECK(rt_quality_key_profile(key_kind, work, n, probs, P, only, NULL, &err) == RT_OK);
    int same = 1;
    for (int i = 0; i < P; i++) {
        same &= (got[i] == expected[i] || (isnan(got[i]) && isnan(expected[i]))) && memcmp(&got[i], &only[i], 8) == 0;
    }
    CHECK(same);
    CHECK(kp.count == n && kp.distinct == sp.distinct && kp.singletons == sp.singletons);
    CHECK(kp.mode_count == sp.mode_count && (n == 0 ? isnan(kp.mode) : kp.mode == sp.mode));
    /* The hash-partitioned counts of the same keys: key_profile's counts, and the keys left as they were. */
    rt_key_profile kc;
    memcpy(work, keys, (size_t)n * sizeof(uint64_t));
    CHECK(rt_quality_key_counts(key_kind, work, n, &kc, &err) == RT_OK);
    CHECK(n == 0 || memcmp(work, keys, (size_t)n * sizeof(uint64_t)) == 0);
    CHECK(kc.count == kp.count && kc.distinct == kp.distinct && kc.singletons == kp.singletons);
    CHECK(kc.mode_count == kp.mode_count && kc.mode_key == kp.mode_key);
    CHECK(n == 0 ? isnan(kc.mode) : memcmp(&kc.mode, &kp.mode, sizeof kc.mode) == 0);
    free(sorted);
    free(work);
}

/* Keys of every shape the recursion meets: wide and narrow ranges, ties, extremes, tiny inputs. */
static void test_key_profile(void) {
    enum { BIG = 300000 };
    static double values[BIG];
    static int64_t ints[BIG];
    static uint64_t keys[BIG];
    rt_error err;
    int64_t n;
    for (int shape = 0; shape < 6; shape++) {
        for (int i = 0; i < BIG; i++) {
            double u = check_uniform(), v = normal_draw();
            values[i] = shape == 0   ? v
                        : shape == 1 ? round(v * 100) / 100
                        : shape == 2 ? (u < 0.5 ? -0.0 : 0.0)
                        : shape == 3 ? (u < 0.01 ? INFINITY : u < 0.02 ? -INFINITY : u < 0.03 ? NAN : v * 1e300)
                        : shape == 4 ? (v < 0 ? -1 : 1) * exp(u * 1400 - 700) /* log-uniform over the doubles */
                                     : (double)(i % 7) * 1e12 + v * 1e-3;  /* tight clusters far apart */
        }
        CHECK(rt_quality_gather_keys(RT_DTYPE_FLOAT64, values, NULL, 0, BIG, keys, &n, &err) == RT_OK);
        check_key_profile(RT_KEY_FLOAT, keys, n);
        check_key_profile(RT_KEY_FLOAT, keys, 1);
        check_key_profile(RT_KEY_FLOAT, keys, 1500);
    }
    int64_t spans[] = {1, 100, 1000000, 3000000000LL, 1LL << 40};
    for (int s = 0; s < 5; s++) {
        for (int i = 0; i < BIG; i++) ints[i] = (int64_t)(check_uniform() * (double)spans[s]) * (s == 4 ? 1000000 : 1) - spans[s] / 2;
        CHECK(rt_quality_gather_keys(RT_DTYPE_INT64, ints, NULL, 0, BIG, keys, &n, &err) == RT_OK);
        check_key_profile(RT_KEY_INT, keys, n);
    }
    for (int i = 0; i < BIG; i++) ints[i] = i % 3 == 0 ? INT64_MIN : i % 3 == 1 ? INT64_MAX : (int64_t)(check_uniform() * 1e6);
    CHECK(rt_quality_gather_keys(RT_DTYPE_INT64, ints, NULL, 0, BIG, keys, &n, &err) == RT_OK);
    check_key_profile(RT_KEY_INT, keys, n);
    check_key_profile(RT_KEY_INT, keys, 2);
    check_key_profile(RT_KEY_INT, keys, 0);
    double probs[] = {0.5}, q[1];
    rt_key_profile kp;
    CHECK(rt_quality_key_profile(RT_KEY_INT, keys, 0, probs, 1, q, &kp, &err) == RT_OK && isnan(q[0]) && kp.distinct == 0);
    probs[0] = 1.5;
    CHECK(rt_quality_key_profile(RT_KEY_INT, keys, 10, probs, 1, q, &kp, &err) == RT_ERR_VALIDATION);
    CHECK(rt_quality_key_profile(7, keys, 10, NULL, 0, NULL, &kp, &err) == RT_ERR_VALIDATION);
    CHECK(rt_quality_key_profile(RT_KEY_INT, NULL, 10, NULL, 0, NULL, &kp, &err) == RT_ERR_VALIDATION);
    CHECK(rt_quality_key_profile(RT_KEY_INT, keys, 10, probs, 1, NULL, &kp, &err) == RT_ERR_VALIDATION);
    CHECK(rt_quality_key_counts(RT_KEY_INT, keys, 0, &kp, &err) == RT_OK && kp.distinct == 0 && isnan(kp.mode));
    CHECK(rt_quality_key_counts(7, keys, 10, &kp, &err) == RT_ERR_VALIDATION);
    CHECK(rt_quality_key_counts(RT_KEY_INT, NULL, 10, &kp, &err) == RT_ERR_VALIDATION);
    CHECK(rt_quality_key_counts(RT_KEY_INT, keys, -1, &kp, &err) == RT_ERR_VALIDATION);
    CHECK(rt_quality_key_counts(RT_KEY_INT, keys, 10, NULL, &err) == RT_ERR_VALIDATION);
}

/*
 * rt_quality_key_counts on inputs that reach every path: many partitions (2^20 distinct keys, some
 * repeated, with mode ties), a partition that holds far more distinct keys than expected (its table
 * grows: keys built to share the top hash bits), a few keys repeated many times, few distinct keys
 * (one table, no partitions) and few first then many (the one table overflows late), a direct count
 * at the width limit, and a failing allocation at each step (no leak, an error).
 */
static void test_key_counts(void) {
    enum { N = (1 << 20) + 300000 };
    uint64_t *keys = malloc((size_t)N * sizeof(uint64_t));
    rt_error err;
    for (int64_t i = 0; i < N; i++) { /* 2^20 distinct, the first 300000 of them twice or three times */
        int64_t v = i < (1 << 20) ? i : (i - (1 << 20)) % 150000;
        keys[i] = (uint64_t)(v * 2654435761LL) ^ 0x8000000000000000ull;
    }
    check_key_profile(RT_KEY_INT, keys, N);
    check_key_profile(RT_KEY_INT, keys, 1 << 15); /* one table, no scatter */
    check_key_profile(RT_KEY_INT, keys, (1 << 15) + 1);
    /* Keys whose hash shares its top 16 bits: all in one partition, which grows its table. */
    uint64_t inverse = 0x9E3779B97F4A7C15ull; /* of the multiplier mod 2^64, by Newton's iteration */
    for (int i = 0; i < 6; i++) inverse *= 2 - 0x9E3779B97F4A7C15ull * inverse;
    int64_t m = 200000;
    int shared = 1;
    for (int64_t i = 0; i < m; i++) {
        uint64_t y = ((0x1234ull << 48) | ((uint64_t)i * 0x5851F42D4C957F2Dull >> 16)) * inverse;
        keys[i] = y ^ (y >> 29) ^ (y >> 58); /* undoes k ^ (k >> 29) */
        shared &= (((keys[i] ^ (keys[i] >> 29)) * 0x9E3779B97F4A7C15ull) >> 48) == 0x1234;
    }
    CHECK(shared);
    for (int64_t i = 0; i < 100000; i++) keys[m + i] = keys[(i * 7) % m];
    check_key_profile(RT_KEY_INT, keys, m + 100000);
    for (int64_t i = 0; i < N; i++) keys[i] = i % 5 == 0 ? 42 : (uint64_t)i * 0x9E3779B97F4A7C15ull; /* one key 20% */
    check_key_profile(RT_KEY_INT, keys, N);
    for (int64_t i = 0; i < N; i++) keys[i] = (uint64_t)(i % 5000) * 0x9E3779B97F4A7C15ull; /* few, wide: one table */
    check_key_profile(RT_KEY_INT, keys, N);
    for (int64_t i = 0; i < N; i++) { /* few values first, then many: the one table overflows late */
        keys[i] = i < 1000000 ? (uint64_t)(i % 100) << 40 : (uint64_t)i * 0x9E3779B97F4A7C15ull;
    }
    check_key_profile(RT_KEY_INT, keys, N);
    for (int64_t i = 0; i < N; i++) keys[i] = 1000 + (uint64_t)((i * 7919) % (1 << 22)); /* 22 bits: direct */
    keys[0] = 1000 + (1 << 22) - 1;
    check_key_profile(RT_KEY_INT, keys, N);
    for (int64_t i = 0; i < N; i++) keys[i] = (uint64_t)i * 0x9E3779B97F4A7C15ull;
    rt_key_profile kc;
    for (int fail = 1; fail <= 4; fail++) {
        rt_pool_stats before, after;
        rt_pool_get_stats(&before);
        rt_pool_fail_after(fail); /* the first table, the scatter buffer, the partition offsets, the table */
        rt_status status = rt_quality_key_counts(RT_KEY_INT, keys, N, &kc, &err);
        rt_pool_fail_after(0);
        rt_pool_get_stats(&after);
        CHECK(status == RT_ERR_MEMORY && after.bytes_in_use == before.bytes_in_use);
    }
    free(keys);
}

int main(void) {
    test_key_profile();
    test_key_counts();
    test_kll_compact();
    test_count_values();
    test_sort_and_profile();
    test_strings();
    test_counter_and_hll();
    return check_report("test_quality");
}
