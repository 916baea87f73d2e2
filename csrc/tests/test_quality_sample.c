/* C tests of csrc/quality/sample.c against the kernels it stands in for (gather_keys, hll_add, count_between,
 * hash_rows). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rt/rt.h"

enum { N = 2003, P = 10 };

static double f64[N];
static float f32[N];
static int64_t i64[N];
static int32_t i32[N];
static uint8_t u8[N];
static uint8_t validity[(N + 7) / 8 + 1];

static void fill(void) {
    for (int i = 0; i < N; i++) {
        double u = check_uniform();
        f64[i] = u < 0.05 ? NAN : u < 0.07 ? -0.0 : u < 0.08 ? INFINITY : (check_uniform() - 0.5) * 200;
        f32[i] = (float)f64[i];
        i64[i] = (int64_t)((check_uniform() - 0.5) * 4e12);
        i32[i] = (int32_t)((check_uniform() - 0.5) * 2e5);
        u8[i] = (uint8_t)(check_uniform() * 256);
    }
    for (int i = 0; i < (N + 7) / 8 + 1; i++) {
        validity[i] = (uint8_t)(check_uniform() * 256) | 0x11;
    }
}

static const void *column(int32_t dtype) {
    switch (dtype) {
    case RT_DTYPE_FLOAT64:
        return f64;
    case RT_DTYPE_FLOAT32:
        return f32;
    case RT_DTYPE_INT64:
        return i64;
    case RT_DTYPE_INT32:
        return i32;
    default:
        return u8;
    }
}

/* Level 0: the sample is gather_keys' keys, the registers rt_hll_add's, the range counts count_between's,
 * the row hashes rt_quality_hash_rows'. */
static void test_level_zero_matches_the_kernels(void) {
    static uint64_t keys[N], sample[N], sorted[N], rows[N], expected_rows[N];
    static uint8_t expected_registers[1 << P], registers[1 << P];
    const int32_t dtypes[5] = {RT_DTYPE_FLOAT64, RT_DTYPE_FLOAT32, RT_DTYPE_INT64, RT_DTYPE_INT32, RT_DTYPE_UINT8};
    const double bounds[6] = {-3.0, 50.0, 0.0, 0.0, -1e300, 1e300};
    rt_error err;
    for (int d = 0; d < 5; d++) {
        for (int offset = 0; offset < 9; offset += 4) {
            for (int with_validity = 0; with_validity < 2; with_validity++) {
                const uint8_t *bits = with_validity ? validity : NULL;
                int64_t length = N - offset - 3, n_keys = 0, n_sample = -1, n_values = -1;
                CHECK(rt_quality_gather_keys(dtypes[d], column(dtypes[d]), bits, offset, length, keys, &n_keys,
                                             &err) == RT_OK);
                memset(expected_registers, 0, sizeof expected_registers);
                memset(registers, 0, sizeof registers);
                CHECK(rt_hll_add(expected_registers, P, keys, NULL, 0, n_keys, &err) == RT_OK);
                int64_t in_range[3] = {0, 0, 0};
                for (int64_t i = 0; i < length; i++) {
                    expected_rows[i] = rows[i] = (uint64_t)i * 0x2545F4914F6CDD1Dull;
                }
                CHECK(rt_quality_hash_rows(dtypes[d], column(dtypes[d]), bits, offset, length, expected_rows, &err)
                      == RT_OK);
                CHECK(rt_quality_sample_keys(dtypes[d], column(dtypes[d]), bits, offset, length, 0, 7, registers, P,
                                             bounds, 3, in_range, rows, sample, &n_sample, &n_values, &err) == RT_OK);
                CHECK(n_sample == n_keys && n_values == n_keys);
                CHECK(memcmp(sample, keys, (size_t)n_keys * sizeof *keys) == 0);
                CHECK(memcmp(registers, expected_registers, sizeof registers) == 0);
                CHECK(memcmp(rows, expected_rows, (size_t)length * sizeof *rows) == 0);
                memcpy(sorted, keys, (size_t)n_keys * sizeof *keys);
                CHECK(rt_quality_sort_keys(sorted, n_keys, &err) == RT_OK);
                int32_t kind = rt_quality_key_kind(dtypes[d]);
                for (int r = 0; r < 3; r++) {
                    int64_t expected = -1;
                    CHECK(rt_quality_sorted_count_between(kind, sorted, n_keys, bounds[2 * r], bounds[2 * r + 1],
                                                          &expected, &err) == RT_OK);
                    CHECK(in_range[r] == expected);
                }
            }
        }
    }
}

/* Level h keeps each value with probability 2^-h, in column order, the same rows for the same seed. */
static void test_sampling(void) {
    enum { M = 200000 };
    static double x[M];
    static uint64_t all[M], sample[M], again[M];
    static uint8_t registers[1 << P];
    rt_error err;
    for (int i = 0; i < M; i++) {
        x[i] = check_uniform();
    }
    int64_t n_all, n_values;
    CHECK(rt_quality_sample_keys(RT_DTYPE_FLOAT64, x, NULL, 0, M, 0, 1, registers, P, NULL, 0, NULL, NULL, all, &n_all,
                                 &n_values, &err) == RT_OK);
    for (int level = 1; level <= 8; level++) {
        int64_t kept, kept_again;
        CHECK(rt_quality_sample_keys(RT_DTYPE_FLOAT64, x, NULL, 0, M, level, 42, registers, P, NULL, 0, NULL, NULL,
                                     sample, &kept, &n_values, &err) == RT_OK);
        double p = ldexp(1.0, -level), mean = M * p, sd = sqrt(M * p * (1 - p));
        CHECK(fabs((double)kept - mean) < 5 * sd);
        int64_t j = 0, i = 0; /* the sample is a subsequence of all keys */
        for (; i < kept && j < n_all; j++) {
            i += all[j] == sample[i];
        }
        CHECK(i == kept);
        CHECK(rt_quality_sample_keys(RT_DTYPE_FLOAT64, x, NULL, 0, M, level, 42, registers, P, NULL, 0, NULL, NULL,
                                     again, &kept_again, &n_values, &err) == RT_OK);
        CHECK(kept_again == kept && memcmp(again, sample, (size_t)kept * sizeof *sample) == 0);
        CHECK(rt_quality_sample_keys(RT_DTYPE_FLOAT64, x, NULL, 0, M, level, 43, registers, P, NULL, 0, NULL, NULL,
                                     again, &kept_again, &n_values, &err) == RT_OK);
        CHECK(kept_again != kept || memcmp(again, sample, (size_t)kept * sizeof *sample) != 0);
    }
}

static void test_bad_arguments(void) {
    static uint8_t registers[1 << P];
    uint64_t sample[4];
    int64_t in_range[1], n_sample, n_values;
    double x[4] = {1, 2, 3, 4}, nan_bounds[2] = {NAN, 1}, reversed[2] = {2, 1};
    rt_error err;
    CHECK(rt_quality_sample_keys(RT_DTYPE_FLOAT64, x, NULL, 0, 4, 33, 0, registers, P, NULL, 0, NULL, NULL, sample,
                                 &n_sample, &n_values, &err) == RT_ERR_VALIDATION);
    CHECK(rt_quality_sample_keys(RT_DTYPE_FLOAT64, x, NULL, 0, 4, -1, 0, registers, P, NULL, 0, NULL, NULL, sample,
                                 &n_sample, &n_values, &err) == RT_ERR_VALIDATION);
    CHECK(rt_quality_sample_keys(RT_DTYPE_FLOAT64, x, NULL, 0, 4, 0, 0, registers, 3, NULL, 0, NULL, NULL, sample,
                                 &n_sample, &n_values, &err) == RT_ERR_VALIDATION);
    CHECK(rt_quality_sample_keys(RT_DTYPE_FLOAT64, x, NULL, 0, 4, 0, 0, NULL, P, NULL, 0, NULL, NULL, sample, &n_sample,
                                 &n_values, &err) == RT_ERR_VALIDATION);
    CHECK(rt_quality_sample_keys(RT_DTYPE_FLOAT64, x, NULL, 0, 4, 0, 0, registers, P, nan_bounds, 1, in_range,
                                 NULL, sample, &n_sample, &n_values, &err) == RT_ERR_VALIDATION);
    CHECK(rt_quality_sample_keys(RT_DTYPE_FLOAT64, x, NULL, 0, 4, 0, 0, registers, P, reversed, 1, in_range, NULL,
                                 sample, &n_sample, &n_values, &err) == RT_ERR_VALIDATION);
    CHECK(rt_quality_sample_keys(RT_DTYPE_FLOAT64, x, NULL, 0, 4, 0, 0, registers, P, NULL, 1, in_range, NULL, sample,
                                 &n_sample, &n_values, &err) == RT_ERR_VALIDATION);
    double many[18] = {0};
    int64_t counts[9];
    CHECK(rt_quality_sample_keys(RT_DTYPE_FLOAT64, x, NULL, 0, 4, 0, 0, registers, P, many, 9, counts, NULL, sample,
                                 &n_sample, &n_values, &err) == RT_ERR_VALIDATION);
    CHECK(rt_quality_sample_keys(RT_DTYPE_FLOAT64, x, NULL, 0, 4, 0, 0, registers, P, NULL, 0, NULL, NULL, NULL,
                                 &n_sample, &n_values, &err) == RT_ERR_VALIDATION);
    CHECK(rt_quality_sample_keys(RT_DTYPE_FLOAT64, x, NULL, -1, 4, 0, 0, registers, P, NULL, 0, NULL, NULL, sample,
                                 &n_sample, &n_values, &err) == RT_ERR_VALIDATION);
    CHECK(rt_quality_sample_keys(99, x, NULL, 0, 4, 0, 0, registers, P, NULL, 0, NULL, NULL, sample, &n_sample,
                                 &n_values, &err) == RT_ERR_VALIDATION);
    CHECK(rt_quality_sample_keys(RT_DTYPE_FLOAT64, NULL, NULL, 0, 0, 0, 0, registers, P, NULL, 0, NULL, NULL, NULL,
                                 &n_sample, &n_values, &err) == RT_OK);
    CHECK(n_sample == 0 && n_values == 0);
}

int main(void) {
    fill();
    test_level_zero_matches_the_kernels();
    test_sampling();
    test_bad_arguments();
    return check_report("test_quality_sample");
}
