/*
 * pow on float32 and float64 columns, with an array or a scalar exponent.
 *
 * Offsets and lengths as in rt/elementary.h (validity is not read). Results
 * are within 1 ULP and follow C99 Annex F (F.9.4.4): pow(x, +-0) = 1 and
 * pow(1, y) = 1 even for NaN, a negative finite x with a non-integer y gives
 * NaN, odd integer exponents keep the sign of x (zeros and infinities
 * included). Every SIMD variant gives the same bits as the scalar reference
 * where both have FMA. The dtype must be RT_DTYPE_FLOAT32 or RT_DTYPE_FLOAT64.
 */
#ifndef RT_MATH_POW_H
#define RT_MATH_POW_H

#include "rt/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* out[i] = pow(x[x_offset + i], y[y_offset + i]); x, y and out have the dtype. */
rt_status rt_math_pow(int32_t dtype, const void *x, int64_t x_offset, const void *y, int64_t y_offset,
                      int64_t length, void *out, rt_error *err);

/* out[i] = pow(x[offset + i], y); for float32, y is rounded to float32 first. */
rt_status rt_math_pow_scalar(int32_t dtype, const void *x, int64_t offset, int64_t length, double y,
                             void *out, rt_error *err);

#ifdef __cplusplus
}
#endif

#endif /* RT_MATH_POW_H */
