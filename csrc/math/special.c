/* Public entry points of erf, erfc, gamma and lgamma: argument checks, then the variant for the active SIMD level. */
#include "rt/math_special.h"
#include "rt/simd.h"

#include "special_kernels.h"

typedef void (*sp_f64_fn)(const double *x, int64_t n, double *out);
typedef void (*sp_f32_fn)(const float *x, int64_t n, float *out);

#if RT_ARCH_X86
#define SP_VARIANTS(fn, type) {rt_sp_##fn##_##type##_scalar, rt_sp_##fn##_##type##_avx2, rt_sp_##fn##_##type##_avx512, NULL}
#elif RT_ARCH_WASM_SIMD
#define SP_VARIANTS(fn, type) {rt_sp_##fn##_##type##_scalar, NULL, NULL, rt_sp_##fn##_##type##_wasm}
#else
#define SP_VARIANTS(fn, type) {rt_sp_##fn##_##type##_scalar, NULL, NULL, NULL}
#endif

static rt_status run_unary(const sp_f64_fn *f64, const sp_f32_fn *f32, const char *context, int32_t dtype,
                           const void *data, int64_t offset, int64_t length, void *out, rt_error *err) {
    RT_RETURN_NOT_OK(rt_check_column(err, context, data, offset, length, out));
    if (dtype != RT_DTYPE_FLOAT32 && dtype != RT_DTYPE_FLOAT64) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "dtype must be float32 or float64");
    }
    if (length == 0) {
        return RT_OK; /* data may be NULL here, and NULL + offset is undefined */
    }
    int32_t level = rt_simd_active();
    level = level >= 0 && level < 4 ? level : RT_SIMD_SCALAR;
    if (dtype == RT_DTYPE_FLOAT64) {
        (f64[level] ? f64[level] : f64[RT_SIMD_SCALAR])((const double *)data + offset, length, (double *)out);
    } else {
        (f32[level] ? f32[level] : f32[RT_SIMD_SCALAR])((const float *)data + offset, length, (float *)out);
    }
    return RT_OK;
}

rt_status rt_math_erf(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out, rt_error *err) {
    static const sp_f64_fn f64[4] = SP_VARIANTS(erf, f64);
    static const sp_f32_fn f32[4] = SP_VARIANTS(erf, f32);
    return run_unary(f64, f32, "rt_math_erf", dtype, data, offset, length, out, err);
}

rt_status rt_math_erfc(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out, rt_error *err) {
    static const sp_f64_fn f64[4] = SP_VARIANTS(erfc, f64);
    static const sp_f32_fn f32[4] = SP_VARIANTS(erfc, f32);
    return run_unary(f64, f32, "rt_math_erfc", dtype, data, offset, length, out, err);
}

rt_status rt_math_gamma(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out, rt_error *err) {
    static const sp_f64_fn f64[4] = SP_VARIANTS(gamma, f64);
    static const sp_f32_fn f32[4] = SP_VARIANTS(gamma, f32);
    return run_unary(f64, f32, "rt_math_gamma", dtype, data, offset, length, out, err);
}

rt_status rt_math_lgamma(int32_t dtype, const void *data, int64_t offset, int64_t length, void *out, rt_error *err) {
    static const sp_f64_fn f64[4] = SP_VARIANTS(lgamma, f64);
    static const sp_f32_fn f32[4] = SP_VARIANTS(lgamma, f32);
    return run_unary(f64, f32, "rt_math_lgamma", dtype, data, offset, length, out, err);
}
