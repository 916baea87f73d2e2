/*
 * Public entry points of pow: argument checks, then the variant for the
 * active SIMD level (the kernels are in pow_body.h, compiled with the
 * elementary functions).
 */
#include "rt/math_pow.h"
#include "rt/simd.h"

#include "elementary_kernels.h"

#if RT_ARCH_X86
#define POW_VARIANTS(fn) {fn##_scalar, fn##_avx2, fn##_avx512, NULL}
#elif RT_ARCH_WASM_SIMD
#define POW_VARIANTS(fn) {fn##_scalar, NULL, NULL, fn##_wasm}
#else
#define POW_VARIANTS(fn) {fn##_scalar, NULL, NULL, NULL}
#endif

/* The variant for the active level, the scalar reference where the level has none. */
#define POW_PICK(table) ((table)[level] ? (table)[level] : (table)[RT_SIMD_SCALAR])

static int32_t active_level(void) {
    int32_t level = rt_simd_active();
    return level >= 0 && level < 4 ? level : RT_SIMD_SCALAR;
}

static rt_status check_dtype(rt_error *err, const char *context, int32_t dtype) {
    if (dtype != RT_DTYPE_FLOAT32 && dtype != RT_DTYPE_FLOAT64) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "dtype must be float32 or float64");
    }
    return RT_OK;
}

rt_status rt_math_pow(int32_t dtype, const void *x, int64_t x_offset, const void *y, int64_t y_offset,
                      int64_t length, void *out, rt_error *err) {
    const char *context = "rt_math_pow";
    static const rt_vm_f64_fn2 f64[4] = POW_VARIANTS(rt_vm_pow_f64);
    static const rt_vm_f32_fn2 f32[4] = POW_VARIANTS(rt_vm_pow_f32);
    RT_RETURN_NOT_OK(rt_check_column(err, context, x, x_offset, length, out));
    RT_RETURN_NOT_OK(rt_check_column(err, context, y, y_offset, length, out));
    RT_RETURN_NOT_OK(check_dtype(err, context, dtype));
    if (length == 0) {
        return RT_OK; /* x may be NULL here, and NULL + offset is undefined */
    }
    int32_t level = active_level();
    if (dtype == RT_DTYPE_FLOAT64) {
        POW_PICK(f64)((const double *)x + x_offset, (const double *)y + y_offset, length, (double *)out);
    } else {
        POW_PICK(f32)((const float *)x + x_offset, (const float *)y + y_offset, length, (float *)out);
    }
    return RT_OK;
}

rt_status rt_math_pow_scalar(int32_t dtype, const void *x, int64_t offset, int64_t length, double y,
                             void *out, rt_error *err) {
    const char *context = "rt_math_pow_scalar";
    static const rt_vm_pow_scalar_f64_fn f64[4] = POW_VARIANTS(rt_vm_pow_scalar_f64);
    static const rt_vm_pow_scalar_f32_fn f32[4] = POW_VARIANTS(rt_vm_pow_scalar_f32);
    RT_RETURN_NOT_OK(rt_check_column(err, context, x, offset, length, out));
    RT_RETURN_NOT_OK(check_dtype(err, context, dtype));
    if (length == 0) {
        return RT_OK;
    }
    int32_t level = active_level();
    if (dtype == RT_DTYPE_FLOAT64) {
        POW_PICK(f64)((const double *)x + offset, y, length, (double *)out);
    } else {
        POW_PICK(f32)((const float *)x + offset, (float)y, length, (float *)out);
    }
    return RT_OK;
}
