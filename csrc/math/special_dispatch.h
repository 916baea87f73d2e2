/* Picks the variant of a part-B math kernel for the active SIMD level and checks arguments. */
#ifndef RT_MATH_SPECIAL_DISPATCH_H
#define RT_MATH_SPECIAL_DISPATCH_H

#include "rt/math_special.h"
#include "rt/simd.h"

#include "../core/internal.h"

typedef void (*rt_unary_f64_fn)(const double *x, int64_t n, double *out);
typedef void (*rt_unary_f32_fn)(const float *x, int64_t n, float *out);

/* One entry per SIMD level (indexed by enum rt_simd_level); NULL means "use scalar". */
typedef struct rt_unary_variants {
    rt_unary_f64_fn f64[4];
    rt_unary_f32_fn f32[4];
} rt_unary_variants;

/* The active SIMD level, as an index into the variant tables. */
static inline int32_t rt_special_level(void) {
    int32_t level = rt_simd_active();
    return (level >= 0 && level < 4) ? level : RT_SIMD_SCALAR;
}

static inline rt_status rt_special_unary(const char *context, const rt_unary_variants *variants, int32_t dtype,
                                         const void *data, int64_t offset, int64_t length, void *out,
                                         rt_error *err) {
    RT_RETURN_NOT_OK(rt_check_column(err, context, data, offset, length, out));
    if (dtype != RT_DTYPE_FLOAT32 && dtype != RT_DTYPE_FLOAT64) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "dtype must be float32 or float64");
    }
    if (length == 0) {
        return RT_OK; /* data may be NULL here, and NULL + offset is undefined */
    }
    if (dtype == RT_DTYPE_FLOAT32) {
        rt_unary_f32_fn fn = variants->f32[rt_special_level()];
        (fn ? fn : variants->f32[RT_SIMD_SCALAR])((const float *)data + offset, length, (float *)out);
    } else {
        rt_unary_f64_fn fn = variants->f64[rt_special_level()];
        (fn ? fn : variants->f64[RT_SIMD_SCALAR])((const double *)data + offset, length, (double *)out);
    }
    return RT_OK;
}

#endif /* RT_MATH_SPECIAL_DISPATCH_H */
