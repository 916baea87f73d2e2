/*
 * Element-wise math kernels.
 *
 * A kernel reads `length` elements of `data` starting at element `offset`
 * (Arrow's offset, so sliced arrays need no copy) and writes `length`
 * elements to `out` starting at element 0. Validity bitmaps are not read:
 * element-wise results keep the input's nulls, which the binding shares.
 */
#ifndef RT_MATH_H
#define RT_MATH_H

#include "rt/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * out[i] = min(max(data[offset + i], lower), upper) for float32 or float64.
 * NaN values stay NaN. `lower > upper` or a NaN bound is a validation error.
 */
rt_status rt_math_clamp(int32_t dtype, const void *data, int64_t offset, int64_t length,
                        double lower, double upper, void *out, rt_error *err);

#ifdef __cplusplus
}
#endif

#endif /* RT_MATH_H */
