/*
 * Exact distinct counts, values occurring once, quantiles and robust bounds
 * from one sorted copy of a column. Values become order-preserving uint64
 * keys (floats: flip all bits of negatives, the sign bit of the rest;
 * integers: flip the sign bit), so one LSD radix sort serves every dtype and
 * a sorted run of equal keys is a run of equal values.
 */
#include "rt/memory.h"
#include "rt/quality.h"

#include "../core/internal.h"
#include "../stats/gather.h"
#include "keys.h"

int32_t rt_quality_key_kind(int32_t dtype) {
    switch (dtype) {
    case RT_DTYPE_FLOAT32:
    case RT_DTYPE_FLOAT64:
        return RT_KEY_FLOAT;
    case RT_DTYPE_INT32:
    case RT_DTYPE_INT64:
    case RT_DTYPE_UINT8:
        return RT_KEY_INT;
    default:
        return -1;
    }
}

static int64_t int_at(int32_t dtype, const void *data, int64_t i) {
    switch (dtype) {
    case RT_DTYPE_INT32:
        return ((const int32_t *)data)[i];
    case RT_DTYPE_INT64:
        return ((const int64_t *)data)[i];
    default:
        return ((const uint8_t *)data)[i];
    }
}

rt_status rt_quality_gather_keys(int32_t dtype, const void *data, const uint8_t *validity,
                                 int64_t offset, int64_t length, uint64_t *keys,
                                 int64_t *n_keys, rt_error *err) {
    const char *context = "rt_quality_gather_keys";
    RT_RETURN_NOT_OK(rt_gather_check(err, context, dtype, data, offset, length));
    if (n_keys == NULL || (length > 0 && keys == NULL)) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "keys and n_keys must not be NULL");
    }
    int64_t kept = 0;
    for (int64_t i = offset; i < offset + length; i++) {
        int valid = validity == NULL || ((validity[i >> 3] >> (i & 7)) & 1);
        uint64_t key;
        if (dtype == RT_DTYPE_FLOAT64 || dtype == RT_DTYPE_FLOAT32) {
            double v = dtype == RT_DTYPE_FLOAT64 ? ((const double *)data)[i] : (double)((const float *)data)[i];
            valid &= v == v;
            key = rt_float_key(v);
        } else {
            key = (uint64_t)int_at(dtype, data, i) ^ RT_KEY_SIGN_BIT;
        }
        keys[kept] = key;
        kept += valid; /* branch-free compaction */
    }
    *n_keys = kept;
    return RT_OK;
}

/*
 * Sorting. Keys are sorted on their offset from the smallest
 * key, whose width is `bits` = bit length of (max - min), so constant high
 * bytes cost nothing: integers in [0, 10^6) sort on 20 bits, [-50, 50) on 7. Few varying bits or few
 * keys: an LSD radix sort on 8-bit digits. Otherwise one MSD pass on the top
 * (up to) 16 varying bits splits the keys into buckets that fit in cache, then each
 * bucket gets an LSD sort on the bits below (8-bit digits: 256 scatter
 * targets stay in L1). A plain LSD sort of 10^7 keys scatters across all of
 * memory on every pass instead.
 */
enum { DIGIT_BITS = 8, DIGITS = 1 << DIGIT_BITS, MSD_BITS = 16, MSD_MIN = 1 << 16, SMALL = 48, MAX_PASSES = 8 };

static void insertion_sort(uint64_t *keys, int64_t n) {
    for (int64_t i = 1; i < n; i++) {
        uint64_t v = keys[i];
        int64_t j = i - 1;
        while (j >= 0 && keys[j] > v) {
            keys[j + 1] = keys[j];
            j--;
        }
        keys[j + 1] = v;
    }
}

/*
 * LSD radix sort of keys[0..n) on bits [0, bits) of key - base (all keys
 * agree above) with scratch of n keys. Returns where the sorted keys are:
 * keys or scratch.
 */
static uint64_t *lsd_sort(uint64_t *keys, uint64_t *scratch, int64_t n, uint64_t base, int bits,
                          int64_t *hist) {
    if (n <= SMALL) {
        insertion_sort(keys, n);
        return keys;
    }
    int passes = (bits + DIGIT_BITS - 1) / DIGIT_BITS;
    __builtin_memset(hist, 0, (size_t)passes * DIGITS * sizeof(int64_t));
    for (int64_t i = 0; i < n; i++) { /* every pass's histogram in one read */
        uint64_t key = keys[i] - base;
        for (int pass = 0; pass < passes; pass++) {
            hist[pass * DIGITS + ((key >> (pass * DIGIT_BITS)) & (DIGITS - 1))]++;
        }
    }
    uint64_t *from = keys, *to = scratch;
    for (int pass = 0; pass < passes; pass++) {
        int64_t *h = hist + pass * DIGITS;
        int shift = pass * DIGIT_BITS;
        if (h[((from[0] - base) >> shift) & (DIGITS - 1)] == n) {
            continue; /* every key has this digit: the pass would not move anything */
        }
        int64_t sum = 0;
        for (int d = 0; d < DIGITS; d++) {
            int64_t c = h[d];
            h[d] = sum;
            sum += c;
        }
        for (int64_t i = 0; i < n; i++) {
            uint64_t key = from[i];
            to[h[((key - base) >> shift) & (DIGITS - 1)]++] = key;
        }
        uint64_t *t = from;
        from = to;
        to = t;
    }
    return from;
}

/* The smallest key, and the bit length of max - min (0: all keys are equal). */
static int key_range(const uint64_t *keys, int64_t n, uint64_t *min) {
    uint64_t lo = keys[0], hi = keys[0];
    for (int64_t i = 1; i < n; i++) {
        lo = keys[i] < lo ? keys[i] : lo;
        hi = keys[i] > hi ? keys[i] : hi;
    }
    *min = lo;
    return hi == lo ? 0 : 64 - __builtin_clzll(hi - lo);
}

/*
 * MSD pass on the top min(16, bits - 8) bits into scratch (narrow keys keep
 * one LSD pass per bucket), then an LSD sort of each bucket back into keys.
 */
static void msd_lsd_sort(uint64_t *keys, uint64_t *scratch, int64_t n, uint64_t base, int bits,
                         int64_t *hist, int64_t *starts) {
    int msd_bits = bits - DIGIT_BITS < MSD_BITS ? bits - DIGIT_BITS : MSD_BITS;
    int64_t buckets = (int64_t)1 << msd_bits;
    int shift = bits - msd_bits;
    uint64_t mask = (uint64_t)buckets - 1;
    __builtin_memset(starts, 0, (size_t)(buckets + 1) * sizeof(int64_t));
    for (int64_t i = 0; i < n; i++) {
        starts[(((keys[i] - base) >> shift) & mask) + 1]++;
    }
    for (int64_t b = 0; b < buckets; b++) {
        starts[b + 1] += starts[b];
    }
    /* Scatter into scratch; starts[b] advances and ends at the bucket's end. */
    for (int64_t i = 0; i < n; i++) {
        uint64_t key = keys[i];
        scratch[starts[((key - base) >> shift) & mask]++] = key;
    }
    int64_t begin = 0;
    for (int64_t b = 0; b < buckets; b++) {
        int64_t end = starts[b]; /* now the end of bucket b */
        int64_t size = end - begin;
        if (size > 0) {
            uint64_t *sorted = lsd_sort(scratch + begin, keys + begin, size, base, shift, hist);
            if (sorted != keys + begin) {
                __builtin_memcpy(keys + begin, sorted, (size_t)size * sizeof(uint64_t));
            }
        }
        begin = end;
    }
}

rt_status rt_quality_sort_keys(uint64_t *keys, int64_t n, rt_error *err) {
    const char *context = "rt_quality_sort_keys";
    if (n < 0 || (n > 0 && keys == NULL)) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "keys must hold n >= 0 values");
    }
    uint64_t base = 0;
    int bits = n < 2 ? 0 : key_range(keys, n, &base);
    if (bits == 0) {
        return RT_OK;
    }
    int64_t lsd_hist = MAX_PASSES * DIGITS, msd_buckets = (int64_t)1 << MSD_BITS;
    int64_t hist_bytes = (lsd_hist + msd_buckets + 1) * (int64_t)sizeof(int64_t);
    void *memory = NULL;
    RT_RETURN_NOT_OK(rt_pool_alloc(n * (int64_t)sizeof(uint64_t) + hist_bytes, &memory, err));
    int64_t *hist = (int64_t *)memory, *starts = hist + lsd_hist;
    uint64_t *scratch = (uint64_t *)((char *)memory + hist_bytes);
    if (n < MSD_MIN || bits <= 2 * DIGIT_BITS) {
        uint64_t *sorted = lsd_sort(keys, scratch, n, base, bits, hist);
        if (sorted != keys) {
            __builtin_memcpy(keys, sorted, (size_t)n * sizeof(uint64_t));
        }
    } else {
        msd_lsd_sort(keys, scratch, n, base, bits, hist, starts);
    }
    rt_pool_free(memory, NULL);
    return RT_OK;
}

/* numpy's linear interpolation between order statistics. */
static double quantile_at(int32_t key_kind, const uint64_t *keys, int64_t n, double p) {
    double h = (double)(n - 1) * p;
    int64_t k = (int64_t)h;
    if (k >= n - 1) {
        return rt_key_value(key_kind, keys[n - 1]);
    }
    return rt_key_lerp(rt_key_value(key_kind, keys[k]), rt_key_value(key_kind, keys[k + 1]), h - (double)k);
}

/* First index whose value is >= lo (strict = 0) or > lo (strict = 1). */
static int64_t lower_bound(int32_t key_kind, const uint64_t *keys, int64_t n, double lo, int strict) {
    int64_t a = 0, b = n;
    while (a < b) {
        int64_t mid = a + (b - a) / 2;
        double v = rt_key_value(key_kind, keys[mid]);
        if (strict ? v <= lo : v < lo) {
            a = mid + 1;
        } else {
            b = mid;
        }
    }
    return a;
}

static int64_t count_between(int32_t key_kind, const uint64_t *keys, int64_t n, double lo, double hi) {
    return lower_bound(key_kind, keys, n, hi, 1) - lower_bound(key_kind, keys, n, lo, 0);
}

/*
 * The k-th smallest (0-based) of |x - m| over sorted x. Left of m the
 * deviations grow leftwards (left[j] = m - x[split - 1 - j]), right of m
 * they grow rightwards (right[j] = x[split + j] - m): the k-th smallest of
 * two sorted sequences, found by binary search on how many come from the
 * left in O(log n).
 */
static double left_dev(int32_t key_kind, const uint64_t *keys, int64_t split, double m, int64_t j) {
    return m - rt_key_value(key_kind, keys[split - 1 - j]);
}

static double right_dev(int32_t key_kind, const uint64_t *keys, int64_t split, double m, int64_t j) {
    return rt_key_value(key_kind, keys[split + j]) - m;
}

static double kth_deviation(int32_t key_kind, const uint64_t *keys, int64_t n, double m, int64_t k) {
    int64_t split = lower_bound(key_kind, keys, n, m, 0);
    int64_t n_left = split, n_right = n - split, want = k + 1;
    /* Take i from the left and want - i from the right; find the i where both sides fit. */
    int64_t lo = want > n_right ? want - n_right : 0, hi = want < n_left ? want : n_left;
    while (lo < hi) {
        int64_t i = lo + (hi - lo) / 2; /* i < hi <= n_left, want - i - 1 >= 0 */
        if (left_dev(key_kind, keys, split, m, i) < right_dev(key_kind, keys, split, m, want - i - 1)) {
            lo = i + 1;
        } else {
            hi = i;
        }
    }
    int64_t i = lo, j = want - lo;
    double a = i > 0 ? left_dev(key_kind, keys, split, m, i - 1) : -__builtin_inf();
    double b = j > 0 ? right_dev(key_kind, keys, split, m, j - 1) : -__builtin_inf();
    return a > b ? a : b;
}

static double median_deviation(int32_t key_kind, const uint64_t *keys, int64_t n, double m) {
    int64_t half = (n - 1) / 2;
    double low = kth_deviation(key_kind, keys, n, m, half);
    if (n % 2 == 1) {
        return low;
    }
    double high = kth_deviation(key_kind, keys, n, m, half + 1);
    return low + (high - low) * 0.5;
}

/* One pass over runs of equal keys: distinct values, singletons and the mode (keys only, no decoding). */
static void scan_runs(int32_t key_kind, const uint64_t *keys, int64_t n, rt_sorted_profile *out) {
    uint64_t mode_key = keys[0];
    for (int64_t start = 0; start < n;) {
        int64_t end = start + 1;
        while (end < n && keys[end] == keys[start]) {
            end++;
        }
        int64_t run = end - start;
        out->distinct++;
        out->singletons += run == 1;
        if (run > out->mode_count) {
            out->mode_count = run;
            mode_key = keys[start];
        }
        start = end;
    }
    out->mode = rt_key_value(key_kind, mode_key);
}

static double mean_abs_deviation(int32_t key_kind, const uint64_t *keys, int64_t n, double m) {
    double sum = 0.0;
    for (int64_t i = 0; i < n; i++) {
        double v = rt_key_value(key_kind, keys[i]);
        sum += v > m ? v - m : m - v;
    }
    return sum / (double)n;
}

rt_status rt_quality_sorted_profile(int32_t key_kind, const uint64_t *keys, int64_t n, double k,
                                    rt_sorted_profile *out, rt_error *err) {
    const char *context = "rt_quality_sorted_profile";
    if (out == NULL || n < 0 || (n > 0 && keys == NULL)) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "keys must hold n >= 0 values and out must not be NULL");
    }
    if (key_kind != RT_KEY_FLOAT && key_kind != RT_KEY_INT) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "unknown key kind");
    }
    if (!(k > 0.0)) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "k must be a positive number");
    }
    double nan = __builtin_nan("");
    *out = (rt_sorted_profile){0, 0, 0, 0, nan, nan, nan, nan, nan, nan, 0};
    out->count = n;
    if (n == 0) {
        return RT_OK;
    }
    double m = quantile_at(key_kind, keys, n, 0.5);
    out->median = m;
    scan_runs(key_kind, keys, n, out);
    out->mad = median_deviation(key_kind, keys, n, m);
    /* Only needed as the fallback scale, so only computed when MAD is 0. */
    out->mean_abs_dev = out->mad > 0.0 ? __builtin_nan("") : mean_abs_deviation(key_kind, keys, n, m);
    /* Iglewicz and Hoaglin's scale: 1.4826 MAD, or 1.2533 mean |x - m| when MAD is 0. */
    double scale = out->mad > 0.0 ? 1.4826 * out->mad : 1.253314 * out->mean_abs_dev;
    if (scale > 0.0) {
        out->consistent_lo = m - k * scale;
        out->consistent_hi = m + k * scale;
    } else {
        out->consistent_lo = out->consistent_hi = m;
    }
    out->consistent = count_between(key_kind, keys, n, out->consistent_lo, out->consistent_hi);
    return RT_OK;
}

rt_status rt_quality_sorted_quantiles(int32_t key_kind, const uint64_t *keys, int64_t n,
                                      const double *probs, int64_t n_probs, double *out,
                                      rt_error *err) {
    const char *context = "rt_quality_sorted_quantiles";
    if (n < 0 || (n > 0 && keys == NULL) || n_probs < 0 || (n_probs > 0 && (probs == NULL || out == NULL))) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "keys, probs and out must hold n, n_probs values");
    }
    for (int64_t i = 0; i < n_probs; i++) {
        if (!(probs[i] >= 0.0 && probs[i] <= 1.0)) {
            return rt_fail(err, RT_ERR_VALIDATION, context, "quantile probabilities must be in [0, 1]");
        }
        out[i] = n == 0 ? __builtin_nan("") : quantile_at(key_kind, keys, n, probs[i]);
    }
    return RT_OK;
}

rt_status rt_quality_sorted_count_between(int32_t key_kind, const uint64_t *keys, int64_t n,
                                          double lo, double hi, int64_t *out, rt_error *err) {
    const char *context = "rt_quality_sorted_count_between";
    if (out == NULL || n < 0 || (n > 0 && keys == NULL)) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "keys must hold n >= 0 values and out must not be NULL");
    }
    if (lo != lo || hi != hi) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "bounds must not be NaN");
    }
    if (lo > hi) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "lower bound is greater than upper bound");
    }
    *out = count_between(key_kind, keys, n, lo, hi);
    return RT_OK;
}

rt_status rt_quality_kll_compact(double *items, int64_t n, int32_t parity, double *promoted,
                                 int64_t *n_promoted, rt_error *err) {
    const char *context = "rt_quality_kll_compact";
    if (n < 0 || n_promoted == NULL || (n > 1 && (items == NULL || promoted == NULL))) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "items, promoted and n_promoted must hold n >= 0 values");
    }
    if (parity != 0 && parity != 1) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "parity must be 0 or 1");
    }
    *n_promoted = 0;
    if (n < 2) {
        return RT_OK;
    }
    void *memory = NULL;
    RT_RETURN_NOT_OK(rt_pool_alloc(n * (int64_t)sizeof(uint64_t), &memory, err));
    uint64_t *keys = (uint64_t *)memory;
    for (int64_t i = 0; i < n; i++) {
        /* NaN keeps its bits (not float_key's zero rule): positive NaN sorts last */
        keys[i] = items[i] == items[i] ? rt_float_key(items[i]) : ~(uint64_t)0;
    }
    rt_status status = rt_quality_sort_keys(keys, n, err);
    if (status == RT_OK) {
        for (int64_t i = 0; i < n; i++) {
            items[i] = keys[i] == ~(uint64_t)0 ? __builtin_nan("") : rt_key_value(RT_KEY_FLOAT, keys[i]);
        }
        int64_t pairs = n - n % 2;
        for (int64_t i = parity; i < pairs; i += 2) {
            promoted[(*n_promoted)++] = items[i];
        }
    }
    rt_pool_free(memory, NULL);
    return status;
}
