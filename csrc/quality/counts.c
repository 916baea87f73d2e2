/*
 * Null, NaN and infinity counts. Nulls are a popcount of the validity
 * bitmap; NaN and infinities are counted eight rows at a time: the SIMD
 * variants turn a comparison into an 8-bit mask, AND it with the matching
 * validity byte (so a NaN under a null is not counted twice) and popcount it.
 */
#include "rt/quality.h"
#include "rt/simd.h"

#include "../core/internal.h"
#include "../stats/gather.h"

#if RT_ARCH_X86
#include <immintrin.h>
#endif
#if RT_ARCH_WASM_SIMD
#include <wasm_simd128.h>
#endif

/* The 8 validity bits of rows pos..pos+7 (pos counted from bit 0); reads only bytes holding them. */
static inline uint32_t validity_byte(const uint8_t *validity, int64_t pos) {
    if (validity == NULL) {
        return 0xFFu;
    }
    int shift = (int)(pos & 7);
    uint32_t low = validity[pos >> 3];
    if (shift == 0) {
        return low;
    }
    uint32_t high = validity[(pos >> 3) + 1];
    return ((low | (high << 8)) >> shift) & 0xFFu;
}

static inline int valid_at(const uint8_t *validity, int64_t pos) {
    return validity == NULL || ((validity[pos >> 3] >> (pos & 7)) & 1);
}

/* Scalar reference over rows [start, end) (absolute element indices). */
#define COUNT_SCALAR(T, ABS_INF)                                                   \
    for (int64_t i = start; i < end; i++) {                                        \
        T v = x[i];                                                                \
        if (!valid_at(validity, i)) {                                              \
            continue;                                                              \
        }                                                                          \
        out->nans += v != v;                                                       \
        out->infinities += (v == (T)(ABS_INF)) | (v == -(T)(ABS_INF));             \
    }

static void count_f64_scalar(const double *x, const uint8_t *validity, int64_t start, int64_t end,
                             rt_value_counts *out) {
    COUNT_SCALAR(double, __builtin_inf())
}

static void count_f32_scalar(const float *x, const uint8_t *validity, int64_t start, int64_t end,
                             rt_value_counts *out) {
    COUNT_SCALAR(float, __builtin_inff())
}

#if RT_ARCH_X86
RT_TARGET_AVX2 static void count_f64_avx2(const double *x, const uint8_t *validity, int64_t start,
                                          int64_t end, rt_value_counts *out) {
    const __m256d abs_mask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7FFFFFFFFFFFFFFFll));
    const __m256d inf = _mm256_set1_pd(__builtin_inf());
    int64_t i = start;
    for (; i + 8 <= end; i += 8) {
        __m256d a = _mm256_loadu_pd(x + i), b = _mm256_loadu_pd(x + i + 4);
        uint32_t nan_bits = (uint32_t)_mm256_movemask_pd(_mm256_cmp_pd(a, a, _CMP_UNORD_Q)) |
                            ((uint32_t)_mm256_movemask_pd(_mm256_cmp_pd(b, b, _CMP_UNORD_Q)) << 4);
        uint32_t inf_bits =
            (uint32_t)_mm256_movemask_pd(_mm256_cmp_pd(_mm256_and_pd(a, abs_mask), inf, _CMP_EQ_OQ)) |
            ((uint32_t)_mm256_movemask_pd(_mm256_cmp_pd(_mm256_and_pd(b, abs_mask), inf, _CMP_EQ_OQ)) << 4);
        uint32_t valid = validity_byte(validity, i);
        out->nans += __builtin_popcount(nan_bits & valid);
        out->infinities += __builtin_popcount(inf_bits & valid);
    }
    count_f64_scalar(x, validity, i, end, out);
}

RT_TARGET_AVX2 static void count_f32_avx2(const float *x, const uint8_t *validity, int64_t start,
                                          int64_t end, rt_value_counts *out) {
    const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
    const __m256 inf = _mm256_set1_ps(__builtin_inff());
    int64_t i = start;
    for (; i + 8 <= end; i += 8) {
        __m256 a = _mm256_loadu_ps(x + i);
        uint32_t nan_bits = (uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(a, a, _CMP_UNORD_Q));
        uint32_t inf_bits = (uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(_mm256_and_ps(a, abs_mask), inf, _CMP_EQ_OQ));
        uint32_t valid = validity_byte(validity, i);
        out->nans += __builtin_popcount(nan_bits & valid);
        out->infinities += __builtin_popcount(inf_bits & valid);
    }
    count_f32_scalar(x, validity, i, end, out);
}

RT_TARGET_AVX512 static void count_f64_avx512(const double *x, const uint8_t *validity, int64_t start,
                                              int64_t end, rt_value_counts *out) {
    const __m512d inf = _mm512_set1_pd(__builtin_inf());
    int64_t i = start;
    for (; i + 8 <= end; i += 8) {
        __m512d a = _mm512_loadu_pd(x + i);
        uint32_t nan_bits = _mm512_cmp_pd_mask(a, a, _CMP_UNORD_Q);
        uint32_t inf_bits = _mm512_cmp_pd_mask(_mm512_abs_pd(a), inf, _CMP_EQ_OQ);
        uint32_t valid = validity_byte(validity, i);
        out->nans += __builtin_popcount(nan_bits & valid);
        out->infinities += __builtin_popcount(inf_bits & valid);
    }
    count_f64_scalar(x, validity, i, end, out);
}

RT_TARGET_AVX512 static void count_f32_avx512(const float *x, const uint8_t *validity, int64_t start,
                                              int64_t end, rt_value_counts *out) {
    const __m256 inf = _mm256_set1_ps(__builtin_inff());
    const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
    int64_t i = start;
    for (; i + 8 <= end; i += 8) {
        __m256 a = _mm256_loadu_ps(x + i);
        uint32_t nan_bits = _mm256_cmp_ps_mask(a, a, _CMP_UNORD_Q);
        uint32_t inf_bits = _mm256_cmp_ps_mask(_mm256_and_ps(a, abs_mask), inf, _CMP_EQ_OQ);
        uint32_t valid = validity_byte(validity, i);
        out->nans += __builtin_popcount(nan_bits & valid);
        out->infinities += __builtin_popcount(inf_bits & valid);
    }
    count_f32_scalar(x, validity, i, end, out);
}
#endif

#if RT_ARCH_WASM_SIMD
static void count_f64_wasm(const double *x, const uint8_t *validity, int64_t start, int64_t end,
                           rt_value_counts *out) {
    const v128_t inf = wasm_f64x2_splat(__builtin_inf());
    int64_t i = start;
    for (; i + 8 <= end; i += 8) {
        uint32_t nan_bits = 0, inf_bits = 0;
        for (int part = 0; part < 4; part++) {
            v128_t a = wasm_v128_load(x + i + 2 * part);
            nan_bits |= wasm_i64x2_bitmask(wasm_f64x2_ne(a, a)) << (2 * part);
            inf_bits |= wasm_i64x2_bitmask(wasm_f64x2_eq(wasm_f64x2_abs(a), inf)) << (2 * part);
        }
        uint32_t valid = validity_byte(validity, i);
        out->nans += __builtin_popcount(nan_bits & valid);
        out->infinities += __builtin_popcount(inf_bits & valid);
    }
    count_f64_scalar(x, validity, i, end, out);
}

static void count_f32_wasm(const float *x, const uint8_t *validity, int64_t start, int64_t end,
                           rt_value_counts *out) {
    const v128_t inf = wasm_f32x4_splat(__builtin_inff());
    int64_t i = start;
    for (; i + 8 <= end; i += 8) {
        v128_t a = wasm_v128_load(x + i), b = wasm_v128_load(x + i + 4);
        uint32_t nan_bits = wasm_i32x4_bitmask(wasm_f32x4_ne(a, a)) | (wasm_i32x4_bitmask(wasm_f32x4_ne(b, b)) << 4);
        uint32_t inf_bits = wasm_i32x4_bitmask(wasm_f32x4_eq(wasm_f32x4_abs(a), inf)) |
                            (wasm_i32x4_bitmask(wasm_f32x4_eq(wasm_f32x4_abs(b), inf)) << 4);
        uint32_t valid = validity_byte(validity, i);
        out->nans += __builtin_popcount(nan_bits & valid);
        out->infinities += __builtin_popcount(inf_bits & valid);
    }
    count_f32_scalar(x, validity, i, end, out);
}
#endif

static void count_f64(const double *x, const uint8_t *validity, int64_t start, int64_t end, rt_value_counts *out) {
    switch (rt_simd_active()) {
#if RT_ARCH_X86
    case RT_SIMD_AVX512:
        count_f64_avx512(x, validity, start, end, out);
        return;
    case RT_SIMD_AVX2:
        count_f64_avx2(x, validity, start, end, out);
        return;
#endif
#if RT_ARCH_WASM_SIMD
    case RT_SIMD_WASM128:
        count_f64_wasm(x, validity, start, end, out);
        return;
#endif
    default:
        count_f64_scalar(x, validity, start, end, out);
    }
}

static void count_f32(const float *x, const uint8_t *validity, int64_t start, int64_t end, rt_value_counts *out) {
    switch (rt_simd_active()) {
#if RT_ARCH_X86
    case RT_SIMD_AVX512:
        count_f32_avx512(x, validity, start, end, out);
        return;
    case RT_SIMD_AVX2:
        count_f32_avx2(x, validity, start, end, out);
        return;
#endif
#if RT_ARCH_WASM_SIMD
    case RT_SIMD_WASM128:
        count_f32_wasm(x, validity, start, end, out);
        return;
#endif
    default:
        count_f32_scalar(x, validity, start, end, out);
    }
}

rt_status rt_quality_count_values(int32_t dtype, const void *data, const uint8_t *validity,
                                  int64_t offset, int64_t length, rt_value_counts *out,
                                  rt_error *err) {
    const char *context = "rt_quality_count_values";
    RT_RETURN_NOT_OK(rt_gather_check(err, context, dtype, data, offset, length));
    if (out == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "out must not be NULL");
    }
    out->nulls = validity == NULL ? 0 : length - rt_bitmap_count_set(validity, offset, length);
    out->nans = out->infinities = 0;
    if (length == 0) {
        return RT_OK;
    }
    if (dtype == RT_DTYPE_FLOAT64) {
        count_f64((const double *)data, validity, offset, offset + length, out);
    } else if (dtype == RT_DTYPE_FLOAT32) {
        count_f32((const float *)data, validity, offset, offset + length, out);
    }
    return RT_OK;
}
