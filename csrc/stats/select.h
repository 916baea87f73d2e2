/*
 * Order statistics in place: shared by the stats core (exact quantiles) and
 * anomaly detection (exact IQR / MAD brackets). Internal, not part of the ABI.
 */
#ifndef RT_STATS_SELECT_H
#define RT_STATS_SELECT_H

#include <stdint.h>

/*
 * Introselect: puts the k-th smallest of x[lo..hi] at x[k], smaller values
 * left of it and larger ones right. Quickselect with a median-of-three pivot
 * and Hoare partitioning (duplicates stay O(n)); after 64 lopsided rounds it
 * heapsorts the range, so adversarial input costs O(n log n), not O(n^2).
 */
void rt_select_kth(double *x, int64_t lo, int64_t hi, int64_t k);

/* rt_select_kth for unsigned 64-bit keys (the order-preserving keys of the quality kernels). */
void rt_select_kth_key(uint64_t *x, int64_t lo, int64_t hi, int64_t k);

/* After rt_select_kth(x, 0, n - 1, k) with k + 1 < n: the (k + 1)-th smallest, the right side's minimum. */
double rt_select_min_after(const double *x, int64_t n, int64_t k);

#endif /* RT_STATS_SELECT_H */
