/*
 * clamp: out = min(max(x, lower), upper), NaN in gives NaN out.
 *
 * Every variant computes max(x, lower) with x as the operand returned on
 * NaN (x86 MAXPS returns its second operand when either is NaN; wasm pmax
 * returns its first), so NaN passes through exactly as in the scalar code.
 */
#include "rt/math.h"
#include "rt/simd.h"

#include "../core/internal.h"

#if RT_ARCH_X86
#include <immintrin.h>
#endif
#if RT_ARCH_WASM_SIMD
#include <wasm_simd128.h>
#endif

/* Scalar reference: comparisons are false for NaN, so NaN is returned unchanged. */
#define CLAMP_SCALAR(T, x, lo, hi) ((x) < (lo) ? (lo) : ((x) > (hi) ? (hi) : (x)))

static void clamp_f32_scalar(const float *x, int64_t n, float lo, float hi, float *out) {
    for (int64_t i = 0; i < n; i++) {
        out[i] = CLAMP_SCALAR(float, x[i], lo, hi);
    }
}

static void clamp_f64_scalar(const double *x, int64_t n, double lo, double hi, double *out) {
    for (int64_t i = 0; i < n; i++) {
        out[i] = CLAMP_SCALAR(double, x[i], lo, hi);
    }
}

#if RT_ARCH_X86
RT_TARGET_AVX2 static void clamp_f32_avx2(const float *x, int64_t n, float lo, float hi, float *out) {
    const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        _mm256_storeu_ps(out + i, _mm256_min_ps(vhi, _mm256_max_ps(vlo, v)));
    }
    clamp_f32_scalar(x + i, n - i, lo, hi, out + i);
}

RT_TARGET_AVX2 static void clamp_f64_avx2(const double *x, int64_t n, double lo, double hi, double *out) {
    const __m256d vlo = _mm256_set1_pd(lo), vhi = _mm256_set1_pd(hi);
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        __m256d v = _mm256_loadu_pd(x + i);
        _mm256_storeu_pd(out + i, _mm256_min_pd(vhi, _mm256_max_pd(vlo, v)));
    }
    clamp_f64_scalar(x + i, n - i, lo, hi, out + i);
}

RT_TARGET_AVX512 static void clamp_f32_avx512(const float *x, int64_t n, float lo, float hi, float *out) {
    const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 v = _mm512_loadu_ps(x + i);
        _mm512_storeu_ps(out + i, _mm512_min_ps(vhi, _mm512_max_ps(vlo, v)));
    }
    if (i < n) { /* masked tail: no scalar loop */
        __mmask16 tail = (__mmask16)((1u << (n - i)) - 1u);
        __m512 v = _mm512_maskz_loadu_ps(tail, x + i);
        _mm512_mask_storeu_ps(out + i, tail, _mm512_min_ps(vhi, _mm512_max_ps(vlo, v)));
    }
}

RT_TARGET_AVX512 static void clamp_f64_avx512(const double *x, int64_t n, double lo, double hi, double *out) {
    const __m512d vlo = _mm512_set1_pd(lo), vhi = _mm512_set1_pd(hi);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m512d v = _mm512_loadu_pd(x + i);
        _mm512_storeu_pd(out + i, _mm512_min_pd(vhi, _mm512_max_pd(vlo, v)));
    }
    if (i < n) {
        __mmask8 tail = (__mmask8)((1u << (n - i)) - 1u);
        __m512d v = _mm512_maskz_loadu_pd(tail, x + i);
        _mm512_mask_storeu_pd(out + i, tail, _mm512_min_pd(vhi, _mm512_max_pd(vlo, v)));
    }
}
#endif

#if RT_ARCH_WASM_SIMD
static void clamp_f32_wasm(const float *x, int64_t n, float lo, float hi, float *out) {
    const v128_t vlo = wasm_f32x4_splat(lo), vhi = wasm_f32x4_splat(hi);
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        v128_t v = wasm_v128_load(x + i);
        wasm_v128_store(out + i, wasm_f32x4_pmin(wasm_f32x4_pmax(v, vlo), vhi));
    }
    clamp_f32_scalar(x + i, n - i, lo, hi, out + i);
}

static void clamp_f64_wasm(const double *x, int64_t n, double lo, double hi, double *out) {
    const v128_t vlo = wasm_f64x2_splat(lo), vhi = wasm_f64x2_splat(hi);
    int64_t i = 0;
    for (; i + 2 <= n; i += 2) {
        v128_t v = wasm_v128_load(x + i);
        wasm_v128_store(out + i, wasm_f64x2_pmin(wasm_f64x2_pmax(v, vlo), vhi));
    }
    clamp_f64_scalar(x + i, n - i, lo, hi, out + i);
}
#endif

static void clamp_f32(const float *x, int64_t n, float lo, float hi, float *out) {
    switch (rt_simd_active()) {
#if RT_ARCH_X86
    case RT_SIMD_AVX512:
        clamp_f32_avx512(x, n, lo, hi, out);
        return;
    case RT_SIMD_AVX2:
        clamp_f32_avx2(x, n, lo, hi, out);
        return;
#endif
#if RT_ARCH_WASM_SIMD
    case RT_SIMD_WASM128:
        clamp_f32_wasm(x, n, lo, hi, out);
        return;
#endif
    default:
        clamp_f32_scalar(x, n, lo, hi, out);
    }
}

static void clamp_f64(const double *x, int64_t n, double lo, double hi, double *out) {
    switch (rt_simd_active()) {
#if RT_ARCH_X86
    case RT_SIMD_AVX512:
        clamp_f64_avx512(x, n, lo, hi, out);
        return;
    case RT_SIMD_AVX2:
        clamp_f64_avx2(x, n, lo, hi, out);
        return;
#endif
#if RT_ARCH_WASM_SIMD
    case RT_SIMD_WASM128:
        clamp_f64_wasm(x, n, lo, hi, out);
        return;
#endif
    default:
        clamp_f64_scalar(x, n, lo, hi, out);
    }
}

rt_status rt_math_clamp(int32_t dtype, const void *data, int64_t offset, int64_t length,
                        double lower, double upper, void *out, rt_error *err) {
    const char *context = "rt_math_clamp";
    RT_RETURN_NOT_OK(rt_check_column(err, context, data, offset, length, out));
    if (lower != lower || upper != upper) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "bounds must not be NaN");
    }
    if (lower > upper) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "lower bound is greater than upper bound");
    }
    if (dtype != RT_DTYPE_FLOAT32 && dtype != RT_DTYPE_FLOAT64) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "dtype must be float32 or float64");
    }
    if (length == 0) {
        return RT_OK; /* data may be NULL here, and NULL + offset is undefined */
    }
    switch (dtype) {
    case RT_DTYPE_FLOAT32:
        /* Bounds round to the nearest float32, as numpy.clip does for float32 arrays. */
        clamp_f32((const float *)data + offset, length, (float)lower, (float)upper, (float *)out);
        return RT_OK;
    default: /* RT_DTYPE_FLOAT64 */
        clamp_f64((const double *)data + offset, length, lower, upper, (double *)out);
        return RT_OK;
    }
}
