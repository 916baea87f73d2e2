/*
 * Public entry points of the elementary functions: argument checks, then the
 * variant for the active SIMD level (scalar where a level has no variant).
 */
#include "rt/elementary.h"
#include "rt/simd.h"

#include "elementary_kernels.h"

typedef struct unary_variants {
    rt_vm_f64_fn f64[4]; /* indexed by rt_simd_level */
    rt_vm_f32_fn f32[4];
} unary_variants;

#if RT_ARCH_X86
#define RT_VM_VARIANTS(fn, type)                                                   \
    {rt_vm_##fn##_##type##_scalar, rt_vm_##fn##_##type##_avx2, rt_vm_##fn##_##type##_avx512, NULL}
#elif RT_ARCH_WASM_SIMD
#define RT_VM_VARIANTS(fn, type) {rt_vm_##fn##_##type##_scalar, NULL, NULL, rt_vm_##fn##_##type##_wasm}
#else
#define RT_VM_VARIANTS(fn, type) {rt_vm_##fn##_##type##_scalar, NULL, NULL, NULL}
#endif

#define RT_VM_UNARY(fn) {RT_VM_VARIANTS(fn, f64), RT_VM_VARIANTS(fn, f32)}

static int32_t active_index(void) {
    int32_t level = rt_simd_active();
    return level >= 0 && level < 4 ? level : RT_SIMD_SCALAR;
}

static rt_status check_dtype(rt_error *err, const char *context, int32_t dtype) {
    if (dtype != RT_DTYPE_FLOAT32 && dtype != RT_DTYPE_FLOAT64) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "dtype must be float32 or float64");
    }
    return RT_OK;
}

static rt_status run_unary(const unary_variants *variants, const char *context, int32_t dtype,
                           const void *data, int64_t offset, int64_t length, void *out, rt_error *err) {
    RT_RETURN_NOT_OK(rt_check_column(err, context, data, offset, length, out));
    RT_RETURN_NOT_OK(check_dtype(err, context, dtype));
    if (length == 0) {
        return RT_OK; /* data may be NULL here, and NULL + offset is undefined */
    }
    int32_t level = active_index();
    if (dtype == RT_DTYPE_FLOAT64) {
        rt_vm_f64_fn fn = variants->f64[level] ? variants->f64[level] : variants->f64[RT_SIMD_SCALAR];
        fn((const double *)data + offset, length, (double *)out);
    } else {
        rt_vm_f32_fn fn = variants->f32[level] ? variants->f32[level] : variants->f32[RT_SIMD_SCALAR];
        fn((const float *)data + offset, length, (float *)out);
    }
    return RT_OK;
}

#define RT_VM_PUBLIC(fn)                                                                        \
    rt_status rt_math_##fn(int32_t dtype, const void *data, int64_t offset, int64_t length,     \
                           void *out, rt_error *err) {                                          \
        static const unary_variants variants = RT_VM_UNARY(fn);                                 \
        return run_unary(&variants, "rt_math_" #fn, dtype, data, offset, length, out, err);     \
    }

RT_VM_PUBLIC(exp)
RT_VM_PUBLIC(expm1)
RT_VM_PUBLIC(log)
RT_VM_PUBLIC(log1p)
RT_VM_PUBLIC(sinh)
RT_VM_PUBLIC(cosh)
RT_VM_PUBLIC(tanh)
RT_VM_PUBLIC(asin)
RT_VM_PUBLIC(acos)
RT_VM_PUBLIC(atan)

rt_status rt_math_atan2(int32_t dtype, const void *y, int64_t y_offset, const void *x,
                        int64_t x_offset, int64_t length, void *out, rt_error *err) {
    const char *context = "rt_math_atan2";
    static const rt_vm_f64_fn2 f64[4] = RT_VM_VARIANTS(atan2, f64);
    static const rt_vm_f32_fn2 f32[4] = RT_VM_VARIANTS(atan2, f32);
    RT_RETURN_NOT_OK(rt_check_column(err, context, y, y_offset, length, out));
    RT_RETURN_NOT_OK(rt_check_column(err, context, x, x_offset, length, out));
    RT_RETURN_NOT_OK(check_dtype(err, context, dtype));
    if (length == 0) {
        return RT_OK;
    }
    int32_t level = active_index();
    if (dtype == RT_DTYPE_FLOAT64) {
        rt_vm_f64_fn2 fn = f64[level] ? f64[level] : f64[RT_SIMD_SCALAR];
        fn((const double *)y + y_offset, (const double *)x + x_offset, length, (double *)out);
    } else {
        rt_vm_f32_fn2 fn = f32[level] ? f32[level] : f32[RT_SIMD_SCALAR];
        fn((const float *)y + y_offset, (const float *)x + x_offset, length, (float *)out);
    }
    return RT_OK;
}
