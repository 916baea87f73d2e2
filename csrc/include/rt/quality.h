/*
 * Data quality kernels: missing-value counts, sortable keys for exact
 * distinct counts and quantiles, string scans over Arrow string buffers,
 * a hash counter in pool memory, and a HyperLogLog.
 *
 * Columns are (dtype, data, validity, offset, length) as in rt/stats.h.
 * Per-row outputs are written from index 0 (row `offset` of the input).
 */
#ifndef RT_QUALITY_H
#define RT_QUALITY_H

#include "rt/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Missing and non-finite values of one column chunk. */
typedef struct rt_value_counts {
    int64_t nulls;      /* rows whose validity bit is clear */
    int64_t nans;       /* valid rows holding NaN (float dtypes only) */
    int64_t infinities; /* valid rows holding +inf or -inf */
} rt_value_counts;

/*
 * Counts nulls (validity bitmap), NaN and infinities of a column with the
 * active SIMD level. Integer dtypes have no NaN or infinities.
 */
rt_status rt_quality_count_values(int32_t dtype, const void *data, const uint8_t *validity,
                                  int64_t offset, int64_t length, rt_value_counts *out,
                                  rt_error *err);

/* Key kinds of rt_quality_gather_keys: how a key decodes back to a number. */
enum rt_key_kind {
    RT_KEY_FLOAT = 0, /* float32 / float64 columns */
    RT_KEY_INT = 1    /* int32 / int64 / uint8 columns */
};

/* The key kind of a dtype, or -1 for an unsupported dtype. */
int32_t rt_quality_key_kind(int32_t dtype);

/*
 * Writes an order-preserving uint64 key for every valid, non-NaN value
 * (unsigned key order = numeric order; -0.0 is stored as +0.0 so they are
 * one value) to keys[0..), and their number to *n_keys. `keys` must hold
 * `length` values.
 */
rt_status rt_quality_gather_keys(int32_t dtype, const void *data, const uint8_t *validity,
                                 int64_t offset, int64_t length, uint64_t *keys,
                                 int64_t *n_keys, rt_error *err);

/*
 * Sorts keys in place: radix sort on the bits of key - min (an MSD pass on
 * the top 16, then LSD on 8-bit digits; constant digits skipped).
 */
rt_status rt_quality_sort_keys(uint64_t *keys, int64_t n, rt_error *err);

/* What one pass over sorted keys gives. With n = 0 numbers are NaN and counts 0. */
typedef struct rt_sorted_profile {
    int64_t count;
    int64_t distinct;
    int64_t singletons;   /* values occurring exactly once */
    int64_t mode_count;   /* occurrences of the most frequent value (smallest on ties) */
    double mode;
    double median;
    double mad;           /* median of |x - median|, unscaled */
    double mean_abs_dev;  /* mean of |x - median|, computed only when mad is 0 (else NaN) */
    double consistent_lo; /* robust bounds median -/+ k * scale (see docs/quality.md) */
    double consistent_hi;
    int64_t consistent;   /* values within [consistent_lo, consistent_hi] */
} rt_sorted_profile;

/*
 * Distinct values, values occurring once, mode, median, MAD and the count
 * within the modified z-score bounds median +/- k * 1.4826 * MAD (with
 * 1.2533 * mean absolute deviation in place of 1.4826 * MAD when MAD is 0;
 * every value is consistent when both are 0). `keys` must be sorted.
 */
rt_status rt_quality_sorted_profile(int32_t key_kind, const uint64_t *keys, int64_t n, double k,
                                    rt_sorted_profile *out, rt_error *err);

/* Quantiles of sorted keys with numpy's linear interpolation; NaN when n = 0. */
rt_status rt_quality_sorted_quantiles(int32_t key_kind, const uint64_t *keys, int64_t n,
                                      const double *probs, int64_t n_probs, double *out,
                                      rt_error *err);

/* Number of sorted values v with lo <= v <= hi (lo > hi or a NaN bound is an error). */
rt_status rt_quality_sorted_count_between(int32_t key_kind, const uint64_t *keys, int64_t n,
                                          double lo, double hi, int64_t *out, rt_error *err);

/* What rt_quality_key_profile counts. With n = 0 the counts are 0 and mode is NaN. */
typedef struct rt_key_profile {
    int64_t count;
    int64_t distinct;
    int64_t singletons; /* values occurring exactly once */
    int64_t mode_count; /* occurrences of the most frequent value (the smallest on ties) */
    double mode;
    uint64_t mode_key;  /* the mode's key (for keys that are hashes rather than numbers) */
} rt_key_profile;

/*
 * Exact quantiles (numpy's linear interpolation; NaN when n = 0) and, when
 * `out` is not NULL, distinct values, values occurring once and the mode of
 * unsorted keys (as rt_quality_gather_keys writes them), without sorting:
 * histograms on the top bits of key - min split the keys into partitions
 * in key order, which are counted in small hash tables and searched by
 * quickselect (see key_profile.c). Either part may be left out: n_probs = 0
 * (distinct counts only) or out = NULL (quantiles only, which gathers only
 * the partitions holding a wanted rank). The keys are used as scratch:
 * their content afterwards is unspecified.
 */
rt_status rt_quality_key_profile(int32_t key_kind, uint64_t *keys, int64_t n, const double *probs,
                                 int64_t n_probs, double *quantiles, rt_key_profile *out, rt_error *err);

/*
 * Distinct values, values occurring once and the mode (the smallest on ties)
 * of unsorted keys, exactly as rt_quality_key_profile counts them, without
 * ordering them: keys with few distinct values are counted in one hash table
 * in cache, others split into cache-sized partitions by the top bits of a
 * hash and each partition counted in a hash table; a narrow range of integer
 * keys is counted one counter a value (see key_counts.c). The keys are not
 * changed (any uint64 keys: row hashes too). With n = 0 the counts are 0 and
 * mode is NaN.
 */
rt_status rt_quality_key_counts(int32_t key_kind, const uint64_t *keys, int64_t n, rt_key_profile *out,
                                rt_error *err);

/*
 * One KLL compaction step: sorts items[0..n) ascending in place (NaN last)
 * and writes every other item of the first n - n % 2, starting at index
 * `parity` (0 or 1), to promoted; *n_promoted = (n - n % 2) / 2. With an odd
 * n the largest item is left over for the caller to keep at its level.
 */
rt_status rt_quality_kll_compact(double *items, int64_t n, int32_t parity, double *promoted,
                                 int64_t *n_promoted, rt_error *err);

/* Counts of a string column chunk. */
typedef struct rt_string_counts {
    int64_t nulls;
    int64_t blank; /* valid strings that are empty after stripping whitespace */
} rt_string_counts;

/*
 * One pass over an Arrow string (offset_width 4) or large_string (8)
 * column: counts nulls and blank strings (whitespace as Python's
 * str.isspace, UTF-8 decoded), and optionally writes per row a 64-bit hash
 * of the bytes (value_hashes), a hash of the shape - the sequence of runs of
 * letters, digits, whitespace and punctuation (shape_hashes) - and mixes the
 * value into a row hash (row_hashes, combined in place). Null rows get hash
 * 0 in value_hashes and shape_hashes. Any of the three may be NULL.
 * `offsets` holds offset + length + 1 entries and `data` data_nbytes bytes;
 * the offsets are validated (none negative, never decreasing, the last at
 * most data_nbytes) before any string is read: corrupt ones are an
 * RT_ERR_VALIDATION.
 */
rt_status rt_quality_scan_strings(const uint8_t *data, int64_t data_nbytes, const void *offsets,
                                  int32_t offset_width, const uint8_t *validity, int64_t offset, int64_t length,
                                  uint64_t *value_hashes, uint64_t *shape_hashes,
                                  uint64_t *row_hashes, rt_string_counts *out, rt_error *err);

/*
 * Mixes each row's value of a numeric column into row_hashes[0..length)
 * for duplicate-row detection. Nulls and NaN hash alike (both are missing
 * to pandas' duplicated()); -0.0 hashes as +0.0.
 */
rt_status rt_quality_hash_rows(int32_t dtype, const void *data, const uint8_t *validity,
                               int64_t offset, int64_t length, uint64_t *row_hashes,
                               rt_error *err);

/* Exact counts of 64-bit keys in an open-addressing table in pool memory. */
typedef struct rt_hash_counter rt_hash_counter;

typedef struct rt_hash_summary {
    int64_t total;      /* keys added */
    int64_t distinct;   /* different keys */
    int64_t singletons; /* keys added exactly once */
} rt_hash_summary;

/* A new, empty counter sized for about `expected_distinct` keys (it grows). */
rt_status rt_hash_counter_new(int64_t expected_distinct, rt_hash_counter **out, rt_error *err);

/*
 * Counts keys[offset + i] for the valid i in [0, length) (validity bit
 * offset + i; NULL = all valid). Row `first_row + i` is remembered as the
 * first occurrence of a key not seen before.
 */
rt_status rt_hash_counter_add(rt_hash_counter *counter, const uint64_t *keys,
                              const uint8_t *validity, int64_t offset, int64_t length,
                              int64_t first_row, rt_error *err);

rt_status rt_hash_counter_summary(const rt_hash_counter *counter, rt_hash_summary *out,
                                  rt_error *err);

/*
 * The (at most) k most frequent keys: their first rows and counts, most
 * frequent first, earlier first occurrence first on ties; *n_out = how many.
 */
rt_status rt_hash_counter_top(const rt_hash_counter *counter, int64_t k, int64_t *first_rows,
                              int64_t *counts, int64_t *n_out, rt_error *err);

/* Frees the counter; NULL is ignored. */
rt_status rt_hash_counter_free(rt_hash_counter *counter, rt_error *err);

/*
 * HyperLogLog with 2^precision one-byte registers (precision 4..18): adds
 * the valid keys (mixed by a 64-bit finaliser first, so keys need not be
 * random). Merging two sketches is the element-wise maximum of registers.
 */
rt_status rt_hll_add(uint8_t *registers, int32_t precision, const uint64_t *keys,
                     const uint8_t *validity, int64_t offset, int64_t length, rt_error *err);

/* Ertl's (2017) improved raw estimator: no bias tables, unbiased over the whole range. */
rt_status rt_hll_estimate(const uint8_t *registers, int32_t precision, double *out,
                          rt_error *err);

#ifdef __cplusplus
}
#endif

#endif /* RT_QUALITY_H */
