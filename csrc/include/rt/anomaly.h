/*
 * Anomaly detection: statistical scores (z-score, IQR, MAD), a streaming
 * detector over a sliding window, an Isolation Forest and seasonal
 * decomposition.
 *
 * The functions map one to one onto the JavaScript API of the spec:
 *   new WasmAnomalyDetector(threshold, window_size) -> rt_anomaly_detector_new
 *   detector.detect_statistical(data)               -> rt_anomaly_statistical
 *   detector.detect_isolation_forest(tensor, n)     -> rt_anomaly_isolation_forest
 *   detector.detect_realtime(value)                 -> rt_anomaly_detector_update
 *   detector.get_statistics()                       -> rt_anomaly_detector_statistics
 *   detector.set_threshold(t)                       -> rt_anomaly_detector_set_threshold
 * Stateful objects (the streaming detector, a fitted forest) are opaque
 * handles with _new/_free and explicit serialise/deserialise functions, so
 * their state moves between processes and between native and wasm.
 *
 * A score is never NaN for a valid value and always NaN for a missing one
 * (null, or NaN); missing values are never anomalies.
 */
#ifndef RT_ANOMALY_H
#define RT_ANOMALY_H

#include "rt/core.h"

#ifdef __cplusplus
extern "C" {
#endif

enum rt_anomaly_method {
    RT_ANOMALY_ZSCORE = 1, /* |x - mean| / std (population std, ddof 0) */
    RT_ANOMALY_IQR = 2,    /* distance outside [Q1, Q3] in IQRs: flagged past Tukey's fences */
    RT_ANOMALY_MAD = 3     /* |x - median| / (1.4826 * MAD) */
};

/*
 * What a statistical detection used: valid count, flagged count, the centre
 * (mean, median, or median for IQR), the scale (std, IQR, or 1.4826 * MAD)
 * and the value fences: values below `lower` or above `upper` are flagged.
 * q1 and q3 are the quartiles for IQR (NaN for the other methods).
 */
typedef struct rt_anomaly_summary {
    int64_t count;
    int64_t anomalies;
    double center;
    double scale;
    double lower;
    double upper;
    double q1;
    double q3;
} rt_anomaly_summary;

/*
 * Scores every element of a column with `method` and flags those whose
 * score exceeds `threshold` (> 0). A zero denominator (constant data) gives
 * score 0 to values equal to the centre and +inf to others, which is exactly
 * what the value fences say. flags (length bytes, 1 = anomaly) and summary
 * may be NULL. With scores NULL (then flags NULL and summary not) only the
 * statistics are computed: summary's count and anomalies stay 0, and
 * rt_anomaly_score_summary scores the column, or slices of it, with them.
 */
rt_status rt_anomaly_statistical(int32_t method, double threshold, int32_t dtype, const void *data,
                                 const uint8_t *validity, int64_t offset, int64_t length,
                                 double *scores, uint8_t *flags, rt_anomaly_summary *summary,
                                 rt_error *err);

/*
 * The scoring pass of rt_anomaly_statistical on its own: scores (and flags)
 * of a column, or of any slice of it, against the summary the statistics
 * call returned for the whole column, bit for bit what one
 * rt_anomaly_statistical call gives those elements. This is how a large
 * column's scoring pass is split across threads. counts (2 int64, may be
 * NULL) receives the flagged and the valid (not NaN) elements.
 */
rt_status rt_anomaly_score_summary(int32_t method, double threshold, const rt_anomaly_summary *summary,
                                   int32_t dtype, const void *data, const uint8_t *validity, int64_t offset,
                                   int64_t length, double *scores, uint8_t *flags, int64_t *counts,
                                   rt_error *err);

/*
 * Scores a column against statistics the caller already has instead of the
 * column's own: score = max(lo - x, x - hi, 0) / scale, flagged when it
 * exceeds threshold, with the same constant-data rule (scale 0) as above.
 * This is how a batch of a stream is scored with the statistics of the
 * whole stream (or of a reference sample): z-score lo = hi = mean, scale =
 * std; IQR lo = Q1, hi = Q3, scale = Q3 - Q1; MAD lo = hi = median, scale =
 * 1.4826 * MAD. lo <= hi finite, scale >= 0 finite, threshold > 0.
 * scores must not be NULL; flags and n_anomalies may be NULL.
 */
rt_status rt_anomaly_score_band(double lo, double hi, double scale, double threshold, int32_t dtype,
                                const void *data, const uint8_t *validity, int64_t offset, int64_t length,
                                double *scores, uint8_t *flags, int64_t *n_anomalies, rt_error *err);

/* ---- streaming detector ------------------------------------------------ */

/*
 * The result of one value: its position in the stream (nulls count), the
 * value, its z-score against the previous window_size valid values, and
 * that window's mean and population std. Score, mean and std are NaN while
 * fewer than window_size valid values have been seen (warm-up, never
 * flagged) and for a missing value.
 */
typedef struct rt_anomaly_record {
    int64_t index;
    double value;
    double score;
    double mean;
    double std;
    int32_t is_anomaly;
    int32_t reserved;
} rt_anomaly_record;

/* Totals of a streaming detector; mean and std are those of the current window. */
typedef struct rt_anomaly_detector_stats {
    int64_t count;       /* values seen, missing included */
    int64_t anomalies;   /* values flagged */
    int64_t missing;     /* nulls and NaN */
    int64_t window_size;
    int64_t window_fill; /* valid values now in the window */
    double threshold;
    double mean;
    double std;
} rt_anomaly_detector_stats;

/* A streaming z-score detector; threshold > 0, window_size >= 2. */
rt_status rt_anomaly_detector_new(double threshold, int64_t window_size, void **out, rt_error *err);

rt_status rt_anomaly_detector_free(void *detector, rt_error *err);

rt_status rt_anomaly_detector_set_threshold(void *detector, double threshold, rt_error *err);

/* Scores one value, then adds it to the window (NaN is counted as missing). */
rt_status rt_anomaly_detector_update(void *detector, double value, rt_anomaly_record *out,
                                     rt_error *err);

/*
 * The hot path of update() for bindings that pay per call: returns 1 when
 * the value is an anomaly, 0 when not, -1 for a NULL handle. The record of
 * the last value is then read with rt_anomaly_detector_last.
 */
int32_t rt_anomaly_detector_push(void *detector, double value);

rt_status rt_anomaly_detector_last(const void *detector, rt_anomaly_record *out, rt_error *err);

/*
 * update() over a whole column in one call. scores (length doubles) and
 * flags (length bytes) may each be NULL; *n_anomalies gets the count flagged.
 */
rt_status rt_anomaly_detector_update_many(void *detector, int32_t dtype, const void *data,
                                          const uint8_t *validity, int64_t offset, int64_t length,
                                          double *scores, uint8_t *flags, int64_t *n_anomalies,
                                          rt_error *err);

rt_status rt_anomaly_detector_statistics(const void *detector, rt_anomaly_detector_stats *out,
                                         rt_error *err);

/* Bytes rt_anomaly_detector_serialize writes (header plus the window). */
rt_status rt_anomaly_detector_serialized_size(const void *detector, int64_t *nbytes, rt_error *err);

rt_status rt_anomaly_detector_serialize(const void *detector, uint8_t *out, int64_t capacity,
                                        rt_error *err);

/* A new detector from serialize's bytes; corrupt or truncated bytes are a validation error. */
rt_status rt_anomaly_detector_deserialize(const uint8_t *data, int64_t nbytes, void **out,
                                          rt_error *err);

/* ---- isolation forest -------------------------------------------------- */

/* Shape of a fitted forest. */
typedef struct rt_iforest_info {
    int64_t n_trees;
    int64_t n_features;
    int64_t max_samples; /* the sub-sample size psi each tree was grown on */
    int64_t n_nodes;     /* over all trees */
    int64_t max_depth;
} rt_iforest_info;

/*
 * Grows n_trees isolation trees on x (n_rows x n_features float64, row
 * major), as Liu et al. and scikit-learn do: each tree on a sub-sample of
 * min(max_samples, n_rows) rows drawn without replacement, each node split
 * on a random non-constant feature at a uniform random threshold, depth
 * capped at ceil(log2(psi)). Values x <= threshold go left; NaN goes right
 * and is ignored when finding a feature's range. `seed` fixes the forest.
 */
rt_status rt_iforest_fit(const double *x, int64_t n_rows, int64_t n_features, int32_t n_trees,
                         int64_t max_samples, uint64_t seed, void **out, rt_error *err);

/*
 * scores[i] = 2^(-E[h(x_i)] / c(psi)) in (0, 1]: near 1 is anomalous, below
 * 0.5 is normal (scikit-learn's score_samples is its negation). Rows are
 * scored several at a time with the active SIMD level; n_threads > 1 splits
 * the rows across threads (native builds only; wasm ignores it).
 */
rt_status rt_iforest_score(const void *forest, const double *x, int64_t n_rows,
                           int64_t n_features, int32_t n_threads, double *scores, rt_error *err);

/*
 * For each row, the feature that did most to isolate it: each split on the
 * row's path credits its feature with log2(n_parent / n_child), the bits of
 * isolation it gave; top_feature[i] is the feature with the most credit and
 * share[i] its fraction of the total (0 when the row was never split off).
 */
rt_status rt_iforest_explain(const void *forest, const double *x, int64_t n_rows,
                             int64_t n_features, int32_t *top_feature, double *share,
                             rt_error *err);

rt_status rt_iforest_info_get(const void *forest, rt_iforest_info *out, rt_error *err);

rt_status rt_iforest_free(void *forest, rt_error *err);

rt_status rt_iforest_serialized_size(const void *forest, int64_t *nbytes, rt_error *err);

rt_status rt_iforest_serialize(const void *forest, uint8_t *out, int64_t capacity, rt_error *err);

rt_status rt_iforest_deserialize(const uint8_t *data, int64_t nbytes, void **out, rt_error *err);

/*
 * A forest from explicit trees (to load one grown elsewhere, e.g. by
 * scikit-learn). Tree t owns nodes [tree_start[t], tree_start[t + 1]) in
 * preorder: node k's left child is k + 1, its right child right[k] (an
 * index within the tree), feature[k] = -1 marks a leaf. n_samples[k] is the
 * number of training rows that reached node k.
 */
rt_status rt_iforest_from_trees(int32_t n_trees, int64_t n_features, int64_t max_samples,
                                const int64_t *tree_start, const int32_t *feature,
                                const int32_t *right, const double *threshold,
                                const int64_t *n_samples, void **out, rt_error *err);

/* c(n): the average path length of an unsuccessful BST search among n points. */
double rt_iforest_average_path_length(double n);

/*
 * detect_isolation_forest(tensor, n_trees): fit on x and score x in one call
 * (max_samples 256, the given seed).
 */
rt_status rt_anomaly_isolation_forest(const double *x, int64_t n_rows, int64_t n_features,
                                      int32_t n_trees, uint64_t seed, double *scores,
                                      rt_error *err);

/* ---- seasonal ---------------------------------------------------------- */

/* STL's smoothing parameters: odd window lengths (>= 3) and LOESS degrees (0 or 1). */
typedef struct rt_stl_params {
    int64_t period;       /* >= 2, at most half the series */
    int64_t seasonal;     /* seasonal (cycle-subseries) window, odd >= 3; 7 is STL's usual choice */
    int64_t trend;        /* trend window, odd >= 3 */
    int64_t low_pass;     /* low-pass window, odd >= 3, > period */
    int32_t seasonal_deg;
    int32_t trend_deg;
    int32_t low_pass_deg;
    int32_t robust;       /* 1: bisquare robustness weights from the residuals (outer loop) */
    int64_t seasonal_jump; /* LOESS is evaluated every `jump` points and interpolated between */
    int64_t trend_jump;
    int64_t low_pass_jump;
    int32_t inner;        /* inner-loop passes */
    int32_t outer;        /* robustness passes (0 when not robust) */
} rt_stl_params;

/*
 * STL (Cleveland et al. 1990): x = trend + seasonal + residual by LOESS
 * smoothing of the cycle-subseries and of the deseasonalised series, with
 * robustness weights in the outer loop. x must have no NaN (interpolate
 * first) and at least 2 periods. trend, seasonal, residual: n doubles each.
 */
rt_status rt_anomaly_stl(const double *x, int64_t n, const rt_stl_params *params, double *trend,
                         double *seasonal, double *residual, rt_error *err);

/*
 * Causal seasonal scores: each point sees only its past. level[t] is the
 * median of the previous `period` values; the seasonal term at t is the
 * median over the previous n_periods cycles of x - level at the same phase;
 * the residual x[t] - (level[t] + seasonal) is scored by its robust z-score
 * (median and 1.4826 MAD) among the previous residual_window residuals.
 * Points with less history (the first (n_periods + 1) periods) and NaN
 * values get NaN. residual (may be NULL) and scores: n doubles.
 */
rt_status rt_anomaly_seasonal_causal(const double *x, int64_t n, int64_t period, int64_t n_periods,
                                     int64_t residual_window, double *residual, double *scores,
                                     rt_error *err);

#ifdef __cplusplus
}
#endif

#endif /* RT_ANOMALY_H */
