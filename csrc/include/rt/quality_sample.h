/*
 * One pass over a numeric column chunk for a sketching quality state: what
 * the state needs of every value (HyperLogLog registers, counts within
 * ranges, row hashes) together with a Bernoulli sample of the values' sortable keys for
 * its KLL sketch, so only the sample is sorted (see docs/quality.md,
 * "Mergeable states").
 */
#ifndef RT_QUALITY_SAMPLE_H
#define RT_QUALITY_SAMPLE_H

#include "rt/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * For every valid, non-NaN value v among rows [offset, offset + length) of
 * a float32 / float64 / int32 / int64 / uint8 column:
 *
 * - adds its sortable key (rt_quality_gather_keys' key) to the HyperLogLog
 *   `registers` (2^precision, precision 4..18) exactly as rt_hll_add does;
 * - counts, for each r < n_ranges, lo <= v <= hi with (lo, hi) =
 *   (bounds[2r], bounds[2r + 1]) compared as doubles, into in_range[r]
 *   (added to what it holds; bounds as rt_quality_sorted_count_between's,
 *   n_ranges at most 8);
 * - mixes every row, nulls and NaN included, into row_hashes[0..length)
 *   (row offset + i at index i) exactly as rt_quality_hash_rows does
 *   (row_hashes NULL: no row hashes);
 * - keeps its key in sample[0..*n_sample) with probability 2^-level: the
 *   row is kept when the top `level` bits of a 64-bit mix of (seed, row)
 *   are zero, so the same seed keeps the same rows. Level 0 keeps every
 *   key (then sample holds what rt_quality_gather_keys writes); level must
 *   be in 0..32. `sample` must hold `length` keys.
 *
 * *n_values is the number of valid, non-NaN values.
 */
rt_status rt_quality_sample_keys(int32_t dtype, const void *data, const uint8_t *validity, int64_t offset,
                                 int64_t length, int32_t level, uint64_t seed, uint8_t *registers,
                                 int32_t precision, const double *bounds, int64_t n_ranges, int64_t *in_range,
                                 uint64_t *row_hashes, uint64_t *sample, int64_t *n_sample, int64_t *n_values,
                                 rt_error *err);

#ifdef __cplusplus
}
#endif

#endif /* RT_QUALITY_SAMPLE_H */
