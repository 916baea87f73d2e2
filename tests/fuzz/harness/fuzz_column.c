/*
 * Column views: every kernel that takes (dtype, data, validity, offset,
 * length) gets a dtype (valid or not), an offset, a length, a validity
 * bitmap and values all taken from the input, with data and bitmap buffers
 * exactly as long as the view says, so any read past them is an ASan report.
 * Hostile arguments (negative offset or length, unknown dtype, bad
 * parameters) must be errors; pool bytes in use must come back to the start.
 */
#include "fuzz_input.h"

enum { MAX_LENGTH = 600, MAX_OFFSET = 70 };

typedef struct column {
    int32_t dtype;
    int32_t esize; /* 0 for an unknown dtype */
    const void *data;
    const uint8_t *validity; /* NULL = all valid */
    int64_t offset;
    int64_t length;
} column;

static void fuzz_stats(const column *c, fuzz_input *in) {
    int32_t nan_missing = fuzz_u8(in) & 1;
    rt_moments m, merged;
    if (rt_stats_moments(c->dtype, c->data, c->validity, c->offset, c->length, nan_missing, &m, NULL) == RT_OK) {
        fuzz_require(m.count + m.missing == c->length);
        rt_stats_moments_merge(&m, &m, &merged, NULL);
    }
    double probs[8], out[8];
    int64_t n_probs = fuzz_below(in, 9);
    for (int64_t i = 0; i < n_probs; i++) {
        probs[i] = (fuzz_u8(in) & 1) ? fuzz_double(in) : (double)fuzz_u8(in) / 255.0;
    }
    rt_stats_quantiles(c->dtype, c->data, c->validity, c->offset, c->length, nan_missing, probs, n_probs, out, NULL);
    double median, mad;
    rt_stats_median_mad(c->dtype, c->data, c->validity, c->offset, c->length, nan_missing, &median, &mad, NULL);
}

static void fuzz_quality(const column *c, fuzz_input *in) {
    rt_value_counts counts;
    if (rt_quality_count_values(c->dtype, c->data, c->validity, c->offset, c->length, &counts, NULL) == RT_OK) {
        fuzz_require(counts.nulls >= 0 && counts.nulls <= c->length);
    }
    uint64_t *keys = malloc((size_t)(c->length > 0 ? c->length : 1) * sizeof(uint64_t));
    int64_t n_keys = 0;
    int32_t kind = rt_quality_key_kind(c->dtype);
    if (rt_quality_gather_keys(c->dtype, c->data, c->validity, c->offset, c->length, keys, &n_keys, NULL) == RT_OK) {
        fuzz_require(n_keys >= 0 && n_keys <= c->length);
        rt_quality_sort_keys(keys, n_keys, NULL);
        for (int64_t i = 1; i < n_keys; i++) {
            fuzz_require(keys[i - 1] <= keys[i]);
        }
        rt_sorted_profile profile;
        int sorted_ok = rt_quality_sorted_profile(kind, keys, n_keys, fuzz_double(in), &profile, NULL) == RT_OK;
        double probs[3] = {0.0, (double)fuzz_u8(in) / 255.0, 1.0}, out[3], unsorted_out[3];
        rt_quality_sorted_quantiles(kind, keys, n_keys, probs, 3, out, NULL);
        /* The sort-free profile of the same keys, in reverse order, gives the sorted one's answers. */
        uint64_t *reversed = malloc((size_t)(n_keys > 0 ? n_keys : 1) * sizeof(uint64_t));
        for (int64_t i = 0; i < n_keys; i++) {
            reversed[i] = keys[n_keys - 1 - i];
        }
        rt_key_profile unsorted;
        if (rt_quality_key_profile(kind, reversed, n_keys, probs, 3, unsorted_out, &unsorted, NULL) == RT_OK &&
            sorted_ok) {
            fuzz_require(unsorted.count == n_keys && unsorted.distinct == profile.distinct &&
                         unsorted.singletons == profile.singletons && unsorted.mode_count == profile.mode_count);
            for (int j = 0; j < 3; j++) {
                fuzz_require(memcmp(&out[j], &unsorted_out[j], sizeof out[j]) == 0 || (out[j] != out[j] && unsorted_out[j] != unsorted_out[j]));
            }
        }
        /* The hash-partitioned counts of the same reversed keys: the sorted profile's counts and mode. */
        rt_key_profile hashed;
        for (int64_t i = 0; i < n_keys; i++) {
            reversed[i] = keys[n_keys - 1 - i];
        }
        if (rt_quality_key_counts(kind, reversed, n_keys, &hashed, NULL) == RT_OK && sorted_ok) {
            fuzz_require(hashed.count == n_keys && hashed.distinct == profile.distinct &&
                         hashed.singletons == profile.singletons && hashed.mode_count == profile.mode_count);
            fuzz_require(n_keys == 0 ? hashed.mode != hashed.mode
                                     : memcmp(&hashed.mode, &profile.mode, sizeof hashed.mode) == 0);
        }
        free(reversed);
        int64_t between;
        rt_quality_sorted_count_between(kind, keys, n_keys, fuzz_double(in), fuzz_double(in), &between, NULL);
    }
    free(keys);
    uint64_t *row_hashes = calloc((size_t)(c->length > 0 ? c->length : 1), sizeof(uint64_t));
    rt_quality_hash_rows(c->dtype, c->data, c->validity, c->offset, c->length, row_hashes, NULL);
    /* The one-pass sample of a sketching state: any level, seed and ranges (bad ones refused). */
    uint8_t registers[1 << 8] = {0};
    double bounds[4] = {fuzz_double(in), fuzz_double(in), fuzz_double(in), fuzz_double(in)};
    int64_t in_range[2] = {0, 0}, n_sample = -1, n_values = -1;
    uint64_t *sample = malloc((size_t)(c->length > 0 ? c->length : 1) * sizeof(uint64_t));
    if (rt_quality_sample_keys(c->dtype, c->data, c->validity, c->offset, c->length, (int32_t)fuzz_below(in, 36) - 1,
                               fuzz_bits(in, 8), registers, 8, bounds, fuzz_below(in, 3), in_range, row_hashes, sample,
                               &n_sample, &n_values, NULL) == RT_OK) {
        fuzz_require(0 <= n_sample && n_sample <= n_values && n_values <= c->length);
        fuzz_require(in_range[0] <= n_values && in_range[1] <= n_values);
    }
    free(sample);
    free(row_hashes);
}

static void fuzz_anomaly(const column *c, fuzz_input *in) {
    size_t n = (size_t)(c->length > 0 ? c->length : 1);
    double *scores = malloc(n * sizeof(double));
    uint8_t *flags = malloc(n);
    rt_anomaly_summary summary;
    int32_t method = (int32_t)(fuzz_u8(in) % 5);
    double threshold = (fuzz_u8(in) & 1) ? fuzz_double(in) : 0.5 + fuzz_u8(in) / 16.0;
    if (rt_anomaly_statistical(method, threshold, c->dtype, c->data, c->validity, c->offset, c->length, scores, flags,
                               &summary, NULL) == RT_OK && c->length > 0) {
        /* The scoring pass alone, on two slices, against the statistics alone: the same bits. */
        rt_anomaly_summary stats;
        double *again = malloc(n * sizeof(double));
        int64_t cut = fuzz_below(in, c->length + 1), counts[2] = {0, 0}, rest[2] = {0, 0};
        fuzz_require(rt_anomaly_statistical(method, threshold, c->dtype, c->data, c->validity, c->offset, c->length,
                                            NULL, NULL, &stats, NULL) == RT_OK);
        fuzz_require(rt_anomaly_score_summary(method, threshold, &stats, c->dtype, c->data, c->validity, c->offset,
                                              cut, again, NULL, counts, NULL) == RT_OK);
        fuzz_require(rt_anomaly_score_summary(method, threshold, &stats, c->dtype, c->data, c->validity,
                                              c->offset + cut, c->length - cut, again + cut, NULL, rest, NULL) == RT_OK);
        fuzz_require(memcmp(again, scores, (size_t)c->length * sizeof(double)) == 0);
        fuzz_require(counts[0] + rest[0] == summary.anomalies && counts[1] + rest[1] == summary.count);
        free(again);
    }
    void *detector = NULL;
    int64_t window = fuzz_below(in, 40) - 2;
    if (rt_anomaly_detector_new(threshold, window, &detector, NULL) == RT_OK) {
        int64_t flagged = 0;
        rt_anomaly_detector_update_many(detector, c->dtype, c->data, c->validity, c->offset, c->length, scores,
                                        flags, &flagged, NULL);
        rt_anomaly_detector_stats stats;
        fuzz_require(rt_anomaly_detector_statistics(detector, &stats, NULL) == RT_OK);
        rt_anomaly_record record;
        rt_anomaly_detector_update(detector, fuzz_double(in), &record, NULL);
        rt_anomaly_detector_push(detector, fuzz_double(in));
        rt_anomaly_detector_last(detector, &record, NULL);
        rt_anomaly_detector_free(detector, NULL);
    }
    free(scores);
    free(flags);
}

static void fuzz_math(const column *c, fuzz_input *in) {
    size_t nbytes = (size_t)(c->length > 0 ? c->length : 1) * (size_t)(c->esize ? c->esize : 8);
    void *out = malloc(nbytes);
    rt_math_clamp(c->dtype, c->data, c->offset, c->length, fuzz_double(in), fuzz_double(in), out, NULL);
    typedef rt_status (*unary)(int32_t, const void *, int64_t, int64_t, void *, rt_error *);
    static const unary functions[] = {rt_math_exp,  rt_math_expm1, rt_math_log,  rt_math_log1p, rt_math_sinh,
                                      rt_math_cosh, rt_math_tanh,  rt_math_asin, rt_math_acos,  rt_math_atan,
                                      rt_math_erf,  rt_math_erfc,  rt_math_gamma, rt_math_lgamma};
    int which = fuzz_u8(in) % (int)(sizeof functions / sizeof functions[0] + 3);
    if (which < (int)(sizeof functions / sizeof functions[0])) {
        functions[which](c->dtype, c->data, c->offset, c->length, out, NULL);
    } else if (which == (int)(sizeof functions / sizeof functions[0])) {
        rt_math_atan2(c->dtype, c->data, c->offset, c->data, c->offset, c->length, out, NULL);
    } else if (which == (int)(sizeof functions / sizeof functions[0]) + 1) {
        rt_math_pow(c->dtype, c->data, c->offset, c->data, c->offset, c->length, out, NULL);
    } else {
        rt_math_pow_scalar(c->dtype, c->data, c->offset, c->length, fuzz_double(in), out, NULL);
    }
    free(out);
}

/* Bitmaps, the hash counter and the HyperLogLog read the values as 64-bit keys. */
static void fuzz_bits_and_keys(const column *c, fuzz_input *in) {
    if (c->validity != NULL) {
        uint8_t *copy = malloc(c->length > 0 ? (size_t)(c->length + 7) / 8 : 1);
        if (rt_bitmap_copy(c->validity, c->offset, c->length, copy, NULL) == RT_OK) {
            fuzz_require(rt_bitmap_count_set(copy, 0, c->length) ==
                         rt_bitmap_count_set(c->validity, c->offset, c->length));
        }
        free(copy);
    }
    if (c->dtype != RT_DTYPE_INT64 && c->dtype != RT_DTYPE_FLOAT64) {
        return;
    }
    rt_hash_counter *counter = NULL;
    if (rt_hash_counter_new(fuzz_below(in, 64) - 1, &counter, NULL) == RT_OK) {
        rt_hash_counter_add(counter, c->data, c->validity, c->offset, c->length, fuzz_below(in, 1000), NULL);
        rt_hash_counter_add(counter, c->data, c->validity, c->offset, c->length, 0, NULL);
        rt_hash_summary summary;
        rt_hash_counter_summary(counter, &summary, NULL);
        int64_t k = fuzz_below(in, 12) - 1, n_out = 0;
        int64_t *rows = malloc((size_t)(k > 0 ? k : 1) * 8), *counts = malloc((size_t)(k > 0 ? k : 1) * 8);
        rt_hash_counter_top(counter, k, rows, counts, &n_out, NULL);
        fuzz_require(n_out <= (k > 0 ? k : 0));
        free(rows);
        free(counts);
        rt_hash_counter_free(counter, NULL);
    }
    int32_t precision = (int32_t)(fuzz_u8(in) % 22);
    size_t registers_bytes = precision >= 4 && precision <= 18 ? (size_t)1 << precision : 1;
    uint8_t *registers = calloc(registers_bytes, 1);
    double estimate;
    if (rt_hll_add(registers, precision, c->data, c->validity, c->offset, c->length, NULL) == RT_OK) {
        rt_hll_estimate(registers, precision, &estimate, NULL);
        /* registers as a deserialised QualityState may carry them: any byte values */
        for (size_t i = 0; i < registers_bytes; i += 1 + (size_t)fuzz_u8(in)) {
            registers[i] = fuzz_u8(in);
        }
        fuzz_require(rt_hll_estimate(registers, precision, &estimate, NULL) == RT_OK && !(estimate < 0.0));
    }
    free(registers);
    if (c->dtype == RT_DTYPE_FLOAT64 && c->length > 0) {
        double *items = malloc((size_t)c->length * sizeof(double)), *promoted = malloc((size_t)c->length * 4 + 8);
        memcpy(items, (const double *)c->data + c->offset, (size_t)c->length * sizeof(double));
        int64_t n_promoted = 0;
        rt_quality_kll_compact(items, c->length, (int32_t)(fuzz_u8(in) % 3), promoted, &n_promoted, NULL);
        free(items);
        free(promoted);
    }
}

/* Seasonal decomposition and causal seasonal scores over the float64 values (small, mostly valid parameters). */
static void fuzz_seasonal(const column *c, fuzz_input *in) {
    if (c->dtype != RT_DTYPE_FLOAT64 || c->length > 300) {
        return;
    }
    const double *x = (const double *)c->data + c->offset;
    size_t n = (size_t)(c->length > 0 ? c->length : 1);
    double *trend = malloc(n * 8), *seasonal = malloc(n * 8), *residual = malloc(n * 8);
    int64_t period = fuzz_below(in, 24);
    rt_stl_params params = {
        .period = period, .seasonal = 2 * fuzz_below(in, 6) + 1, .trend = 2 * fuzz_below(in, 12) + 1,
        .low_pass = period + 1 + fuzz_below(in, 4), .seasonal_deg = (int32_t)fuzz_below(in, 3),
        .trend_deg = (int32_t)fuzz_below(in, 2), .low_pass_deg = (int32_t)fuzz_below(in, 2),
        .robust = (int32_t)fuzz_below(in, 2), .seasonal_jump = fuzz_below(in, 4), .trend_jump = 1 + fuzz_below(in, 3),
        .low_pass_jump = 1 + fuzz_below(in, 3), .inner = (int32_t)fuzz_below(in, 3), .outer = (int32_t)fuzz_below(in, 3),
    };
    rt_anomaly_stl(x, c->length, &params, trend, seasonal, residual, NULL);
    rt_anomaly_seasonal_causal(x, c->length, period, fuzz_below(in, 6), fuzz_below(in, 40), residual, trend, NULL);
    free(trend);
    free(seasonal);
    free(residual);
}

/* Negative offsets and lengths, and unknown dtypes, must be errors: nothing may be read. */
static void fuzz_hostile(const column *c, fuzz_input *in) {
    int64_t offset = c->offset, length = c->length;
    switch (fuzz_u8(in) % 4) {
    case 0: offset = -1 - (int64_t)fuzz_below(in, 1 << 30); break;
    case 1: length = -1 - (int64_t)fuzz_below(in, 1 << 30); break;
    case 2: offset = INT64_MIN; break;
    default: return;
    }
    double scores[1];
    rt_moments m;
    rt_value_counts counts;
    fuzz_require(rt_stats_moments(c->dtype, c->data, c->validity, offset, length, 0, &m, NULL) != RT_OK);
    fuzz_require(rt_quality_count_values(c->dtype, c->data, c->validity, offset, length, &counts, NULL) != RT_OK);
    fuzz_require(rt_anomaly_statistical(RT_ANOMALY_MAD, 3.0, c->dtype, c->data, c->validity, offset, length, scores,
                                        NULL, NULL, NULL) != RT_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int initialised = 0;
    if (!initialised) { /* no pool cache: freed blocks go back to ASan, which then sees any use after free */
        rt_pool_set_enabled(0);
        initialised = 1;
    }
    int64_t pool_before = fuzz_pool_in_use();
    fuzz_input in = fuzz_begin(data, size);
    fuzz_simd_level(&in);
    column c;
    c.dtype = (int32_t)(fuzz_u8(&in) % 7); /* 0 and 6 are unknown dtypes */
    c.esize = rt_dtype_size(c.dtype);
    c.offset = fuzz_below(&in, MAX_OFFSET);
    c.length = fuzz_below(&in, MAX_LENGTH);
    int with_validity = fuzz_u8(&in) & 1;
    uint8_t *validity = with_validity ? fuzz_bytes(&in, (size_t)(c.offset + c.length + 7) / 8) : NULL;
    uint8_t *values = fuzz_bytes(&in, (size_t)(c.offset + c.length) * (size_t)(c.esize ? c.esize : 1));
    c.validity = validity;
    c.data = values; /* an unknown dtype still gets a buffer; the kernels must refuse it */
    fuzz_stats(&c, &in);
    fuzz_quality(&c, &in);
    fuzz_anomaly(&c, &in);
    fuzz_math(&c, &in);
    fuzz_bits_and_keys(&c, &in);
    fuzz_seasonal(&c, &in);
    fuzz_hostile(&c, &in);
    free(values);
    free(validity);
    fuzz_require(fuzz_pool_in_use() == pool_before);
    return 0;
}
