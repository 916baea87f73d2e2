/*
 * asin, acos, atan, atan2 for float32 and float64.
 *
 * Method (float64; float32 runs the same code on values widened to double
 * and rounds once at the end, which makes it correctly rounded in practice):
 *
 * - atan: atan(u) = atan(c) + atan(t), t = (u - c) / (1 + c u), with
 *   c in {0, 1/2, 1, 3/2, inf} (fdlibm's breakpoints), so |t| <= 7/16; atan(t)
 *   = t + t^3 P(t^2) with a degree-12 minimax P (tools/minimax.py). t and
 *   atan(c) are carried as double-doubles and the sum is rounded once, so the
 *   error is 0.5 ulp plus a few 2^-60: within the 1-ulp bar with margin, FMA
 *   or not. Division-free alternatives (one polynomial on [0, 1]) need twice
 *   the degree for the same accuracy.
 * - asin/acos: |x| < 1/2 uses asin(x) = x + x^3 P(x^2) (degree-13 minimax);
 *   |x| >= 1/2 uses asin(x) = pi/2 - 2 asin(s), s = sqrt((1 - |x|) / 2), with
 *   s corrected to a double-double; acos(x) is pi/2 - asin(x), 2 asin(s) or
 *   pi - 2 asin(s). 1 - |x| is exact there, which is why this reduction keeps
 *   full accuracy next to +-1.
 * - atan2: the ratio min(|x|,|y|) / max(|x|,|y|) <= 1 as a double-double,
 *   then the atan kernel, then pi/2 - . and pi - . in double-double.
 *
 * Every variant is branch-free: the regions are computed for all lanes and
 * selected, which is what makes the SIMD code the same algorithm as the
 * scalar reference (lanes.h).
 */
#include "rt/math_special.h"

#include "special_coeffs.h"
#include "special_dispatch.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF /* a*b + c must round twice unless we ask for vfma */
#endif

#define LANES_SCALAR
#include "lanes.h"
#include "inverse_trig_impl.h"
#undef LANES_SCALAR

#if RT_ARCH_X86
#define LANES_AVX2
#include "lanes.h"
#include "inverse_trig_impl.h"
#undef LANES_AVX2

#define LANES_AVX512
#include "lanes.h"
#include "inverse_trig_impl.h"
#undef LANES_AVX512
#endif

#if RT_ARCH_WASM_SIMD
#define LANES_WASM
#include "lanes.h"
#include "inverse_trig_impl.h"
#undef LANES_WASM
#endif

#if RT_ARCH_X86
#define X86_VARIANTS(name, type) name##_##type##_avx2, name##_##type##_avx512
#else
#define X86_VARIANTS(name, type) NULL, NULL
#endif
#if RT_ARCH_WASM_SIMD
#define WASM_VARIANT(name, type) name##_##type##_wasm
#else
#define WASM_VARIANT(name, type) NULL
#endif
#define VARIANTS(name)                                                                      \
    {{name##_f64_scalar, X86_VARIANTS(name, f64), WASM_VARIANT(name, f64)},                 \
     {name##_f32_scalar, X86_VARIANTS(name, f32), WASM_VARIANT(name, f32)}}

static const rt_unary_variants asin_variants = VARIANTS(asin);
static const rt_unary_variants acos_variants = VARIANTS(acos);
static const rt_unary_variants atan_variants = VARIANTS(atan);

rt_status rt_math_asin(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out, rt_error *err) {
    return rt_special_unary("rt_math_asin", &asin_variants, dtype, data, offset, length, out, err);
}

rt_status rt_math_acos(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out, rt_error *err) {
    return rt_special_unary("rt_math_acos", &acos_variants, dtype, data, offset, length, out, err);
}

rt_status rt_math_atan(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out, rt_error *err) {
    return rt_special_unary("rt_math_atan", &atan_variants, dtype, data, offset, length, out, err);
}

typedef void (*atan2_f64_fn)(const double *, int64_t, const double *, int64_t, int64_t, double *);
typedef void (*atan2_f32_fn)(const float *, int64_t, const float *, int64_t, int64_t, float *);

static const atan2_f64_fn atan2_f64_variants[4] = {atan2_f64_scalar, X86_VARIANTS(atan2, f64),
                                                   WASM_VARIANT(atan2, f64)};
static const atan2_f32_fn atan2_f32_variants[4] = {atan2_f32_scalar, X86_VARIANTS(atan2, f32),
                                                   WASM_VARIANT(atan2, f32)};

rt_status rt_math_atan2(int32_t dtype, const void *y, int64_t y_offset, int64_t y_stride, const void *x,
                        int64_t x_offset, int64_t x_stride, int64_t length, void *out, rt_error *err) {
    const char *context = "rt_math_atan2";
    RT_RETURN_NOT_OK(rt_check_column(err, context, y, y_offset, length, out));
    RT_RETURN_NOT_OK(rt_check_column(err, context, x, x_offset, length, out));
    if ((y_stride != 0 && y_stride != 1) || (x_stride != 0 && x_stride != 1)) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "strides must be 0 (broadcast) or 1");
    }
    if (dtype != RT_DTYPE_FLOAT32 && dtype != RT_DTYPE_FLOAT64) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "dtype must be float32 or float64");
    }
    if (length == 0) {
        return RT_OK;
    }
    int32_t level = rt_special_level();
    if (dtype == RT_DTYPE_FLOAT32) {
        atan2_f32_fn fn = atan2_f32_variants[level] ? atan2_f32_variants[level] : atan2_f32_variants[0];
        fn((const float *)y + y_offset, y_stride, (const float *)x + x_offset, x_stride, length, (float *)out);
    } else {
        atan2_f64_fn fn = atan2_f64_variants[level] ? atan2_f64_variants[level] : atan2_f64_variants[0];
        fn((const double *)y + y_offset, y_stride, (const double *)x + x_offset, x_stride, length, (double *)out);
    }
    return RT_OK;
}
