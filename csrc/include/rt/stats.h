/*
 * Column statistics shared by data quality and anomaly detection.
 *
 * Columns are (dtype, data, validity, offset, length) as in Arrow: element
 * i of the column is data[offset + i], valid when bit offset + i of
 * `validity` is set (NULL = all valid). With nan_as_missing != 0, NaN
 * values of float columns count as missing too, as pandas treats them.
 * Supported dtypes: float32, float64, int32, int64, uint8.
 */
#ifndef RT_STATS_H
#define RT_STATS_H

#include "rt/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * One-pass moments of the valid values, mergeable across chunks (Chan et
 * al.'s parallel update of Welford's algorithm). m2, m3, m4 are the sums of
 * squared, cubed and fourth-power deviations from the mean. With count 0,
 * mean and the sums are 0 and min/max are NaN.
 */
typedef struct rt_moments {
    int64_t count;     /* valid (non-missing) values */
    int64_t missing;   /* nulls, plus NaN when nan_as_missing */
    double mean;
    double m2;
    double m3;
    double m4;
    double min;
    double max;
} rt_moments;

rt_status rt_stats_moments(int32_t dtype, const void *data, const uint8_t *validity,
                           int64_t offset, int64_t length, int32_t nan_as_missing,
                           rt_moments *out, rt_error *err);

/* out = the moments of the union of the two value sets (out may alias a or b). */
rt_status rt_stats_moments_merge(const rt_moments *a, const rt_moments *b, rt_moments *out,
                                 rt_error *err);

/*
 * Exact quantiles of the valid values by selection (no full sort), with
 * numpy's default "linear" interpolation. probs[k] in [0, 1]; out[k] is NaN
 * when there is no valid value. Works on a pool copy of the valid values.
 */
rt_status rt_stats_quantiles(int32_t dtype, const void *data, const uint8_t *validity,
                             int64_t offset, int64_t length, int32_t nan_as_missing,
                             const double *probs, int64_t n_probs, double *out, rt_error *err);

/*
 * Median and median absolute deviation (unscaled: multiply by 1.4826 for a
 * normal-consistent sigma) of the valid values; NaN when there is none.
 */
rt_status rt_stats_median_mad(int32_t dtype, const void *data, const uint8_t *validity,
                              int64_t offset, int64_t length, int32_t nan_as_missing,
                              double *median, double *mad, rt_error *err);

#ifdef __cplusplus
}
#endif

#endif /* RT_STATS_H */
