/*
 * Elementary functions on float32 and float64 columns: exp, expm1, log,
 * log1p, sinh, cosh, tanh, asin, acos, atan and atan2.
 *
 * Each reads `length` elements of `data` from element `offset` (Arrow's
 * offset) and writes `length` elements to `out` from element 0; validity is
 * not read (the binding keeps the input's nulls). Results are within 1 ULP
 * (float64 and float32), special values follow C99 Annex F, and every SIMD
 * variant gives the same bits as the scalar reference where both have FMA.
 * The dtype must be RT_DTYPE_FLOAT32 or RT_DTYPE_FLOAT64; `out` has that dtype.
 */
#ifndef RT_ELEMENTARY_H
#define RT_ELEMENTARY_H

#include "rt/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* e^x; overflows to inf above 709.78 (88.72 for float32). */
rt_status rt_math_exp(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out,
                      rt_error *err);

/* e^x - 1, accurate near 0. */
rt_status rt_math_expm1(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out,
                        rt_error *err);

/* Natural logarithm: -inf at +-0, NaN below 0. */
rt_status rt_math_log(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out,
                      rt_error *err);

/* log(1 + x), accurate near 0: -inf at -1, NaN below -1. */
rt_status rt_math_log1p(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out,
                        rt_error *err);

/* Hyperbolic sine. */
rt_status rt_math_sinh(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out,
                       rt_error *err);

/* Hyperbolic cosine. */
rt_status rt_math_cosh(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out,
                       rt_error *err);

/* Hyperbolic tangent. */
rt_status rt_math_tanh(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out,
                       rt_error *err);

/* Arc sine in [-pi/2, pi/2]; NaN outside [-1, 1]. */
rt_status rt_math_asin(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out,
                       rt_error *err);

/* Arc cosine in [0, pi]; NaN outside [-1, 1]. */
rt_status rt_math_acos(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out,
                       rt_error *err);

/* Arc tangent in [-pi/2, pi/2]. */
rt_status rt_math_atan(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out,
                       rt_error *err);

/*
 * out[i] = atan2(y[y_offset + i], x[x_offset + i]) in [-pi, pi], the angle of
 * the point (x, y), with Annex F's results for every signed zero and infinity.
 */
rt_status rt_math_atan2(int32_t dtype, const void *y, int64_t y_offset, const void *x,
                        int64_t x_offset, int64_t length, void *out, rt_error *err);

#ifdef __cplusplus
}
#endif

#endif /* RT_ELEMENTARY_H */
