/*
 * Error and gamma functions, element-wise.
 *
 * Like the elementary functions: read `length` elements of `data` from
 * element `offset` (float32 or float64, by `dtype`), write `length` results
 * of the same type to `out`. Within 1 ulp; C99 Annex F special values
 * (erf(+-0) = +-0, erf(+-inf) = +-1, erfc(-inf) = 2, erfc(inf) = +0, NaN in
 * gives NaN out); every SIMD variant evaluates the same algorithm.
 */
#ifndef RT_MATH_SPECIAL_H
#define RT_MATH_SPECIAL_H

#include "rt/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Error function 2/sqrt(pi) * integral from 0 to x of exp(-t^2). */
rt_status rt_math_erf(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out, rt_error *err);

/* Complementary error function 1 - erf(x), accurate where erf(x) is close to 1. */
rt_status rt_math_erfc(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out, rt_error *err);

/* Gamma function. gamma(+-0) = +-inf, NaN at negative integers and -inf, overflow to +inf above
 * 171.62 (float64) / 35.04 (float32); within 2 ulp for x > 0. */
rt_status rt_math_gamma(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out, rt_error *err);

/* log |gamma(x)|. +inf at 0, the negative integers and +-inf; within 2 ulp for x > 0 and within
 * 1e-15 absolute near its zeros 1 and 2 (it is +0 at both). */
rt_status rt_math_lgamma(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out, rt_error *err);

#ifdef __cplusplus
}
#endif

#endif /* RT_MATH_SPECIAL_H */
