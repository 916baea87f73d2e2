/* Helpers shared by the C sources; not part of the public ABI. */
#ifndef RT_INTERNAL_H
#define RT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "rt/core.h"

#if defined(__x86_64__) || defined(__i386__)
#define RT_ARCH_X86 1
#define RT_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define RT_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,fma")))
#else
#define RT_ARCH_X86 0
#endif

#if defined(__wasm_simd128__)
#define RT_ARCH_WASM_SIMD 1
#else
#define RT_ARCH_WASM_SIMD 0
#endif

/* Fills `err` (if not NULL) and returns `kind`, so callers can `return rt_fail(...)`. */
rt_status rt_fail(rt_error *err, int32_t kind, const char *context, const char *message);

/* Propagates a failing status to the caller. */
#define RT_RETURN_NOT_OK(expr)            \
    do {                                  \
        rt_status rt_status_ = (expr);    \
        if (rt_status_ != RT_OK) {        \
            return rt_status_;            \
        }                                 \
    } while (0)

/* Checks the arguments every column kernel shares. */
rt_status rt_check_column(rt_error *err, const char *context, const void *data,
                          int64_t offset, int64_t length, const void *out);

/* Element i of a column of a kernel dtype (float32, float64, int32, int64, uint8) as a double. */
static inline double rt_element_as_double(int32_t dtype, const void *data, int64_t i) {
    switch (dtype) {
    case RT_DTYPE_FLOAT32:
        return (double)((const float *)data)[i];
    case RT_DTYPE_FLOAT64:
        return ((const double *)data)[i];
    case RT_DTYPE_INT32:
        return (double)((const int32_t *)data)[i];
    case RT_DTYPE_INT64:
        return (double)((const int64_t *)data)[i];
    case RT_DTYPE_UINT8:
        return (double)((const uint8_t *)data)[i];
    default:
        return __builtin_nan("");
    }
}

#endif /* RT_INTERNAL_H */
