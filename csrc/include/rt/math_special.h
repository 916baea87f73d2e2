/*
 * Inverse trigonometric, error and gamma functions, element-wise.
 *
 * Unary kernels follow rt_math_clamp: they read `length` elements of
 * `data` from element `offset` (float32 or float64, by `dtype`) and write
 * `length` results of the same type to `out`. They never fail on values:
 * C99 Annex F special values (NaN, signed zeros, infinities, poles) come out
 * as the standard says. Accuracy: at most 1 ulp (gamma, lgamma: 2 ulp for
 * x > 0); every SIMD variant evaluates the same algorithm.
 */
#ifndef RT_MATH_SPECIAL_H
#define RT_MATH_SPECIAL_H

#include "rt/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Arc sine; NaN outside [-1, 1]. */
rt_status rt_math_asin(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out, rt_error *err);

/* Arc cosine in [0, pi]; NaN outside [-1, 1]. */
rt_status rt_math_acos(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out, rt_error *err);

/* Arc tangent in [-pi/2, pi/2]. */
rt_status rt_math_atan(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out, rt_error *err);

/*
 * out[i] = atan2(y[y_offset + i * y_stride], x[x_offset + i * x_stride]), the
 * angle of the point (x, y) in [-pi, pi]. A stride is 1 (a column) or 0 (one
 * value broadcast to every row); both inputs have type `dtype`.
 */
rt_status rt_math_atan2(int32_t dtype, const void *y, int64_t y_offset, int64_t y_stride, const void *x,
                        int64_t x_offset, int64_t x_stride, int64_t length, void *out, rt_error *err);

#ifdef __cplusplus
}
#endif

#endif /* RT_MATH_SPECIAL_H */
