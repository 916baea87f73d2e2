/*
 * normalize: out = x * scale[c] + shift[c], with scale = pixel_scale / std
 * and shift = -mean / std per channel c.
 *
 * In HWC the channel of value i is i % channels, so the coefficients form a
 * pattern of period `channels`. Laid out `lanes` times (channels * lanes
 * values), the pattern lines up with whole vectors: a block of
 * channels * lanes values takes `channels` vector loads of the pattern and
 * no shuffles. CHW planes have a constant coefficient (period 1).
 *
 * Every variant multiplies, then adds (no fused multiply-add, which wasm
 * simd128 lacks), so all variants give the scalar reference's bits.
 */
#include "rt/memory.h"
#include "rt/simd.h"
#include "rt/transform.h"

#include "image.h"

#if RT_ARCH_X86
#include <immintrin.h>
#endif
#if RT_ARCH_WASM_SIMD
#include <wasm_simd128.h>
#endif

/* Widest vector, in values: the pattern is laid out this many times. */
#define PATTERN_LANES 16

/* ---- scalar reference ------------------------------------------------- */

/* `pattern_scale`/`pattern_shift` hold at least `n` values from the block start. */
static void affine_f32_scalar(const float *x, int64_t n, const float *scale, const float *shift,
                              int64_t period, float *out) {
    for (int64_t i = 0; i < n; i++) {
        float scaled = x[i] * scale[i % period]; /* two statements: never contracted to an FMA */
        out[i] = scaled + shift[i % period];
    }
}

static void affine_u8_scalar(const uint8_t *x, int64_t n, const float *scale, const float *shift,
                             int64_t period, float *out) {
    for (int64_t i = 0; i < n; i++) {
        float scaled = (float)x[i] * scale[i % period];
        out[i] = scaled + shift[i % period];
    }
}

static void affine_f64_scalar(const double *x, int64_t n, const double *scale, const double *shift,
                              int64_t period, double *out) {
    for (int64_t i = 0; i < n; i++) {
        double scaled = x[i] * scale[i % period];
        out[i] = scaled + shift[i % period];
    }
}

/*
 * The SIMD loop shape shared by every variant: whole pattern blocks of
 * period * LANES values with vector code, the rest with the scalar
 * reference, whose pattern index restarts at the block boundary.
 */
#define AFFINE_BLOCKS(LANES, VEC_STEP)                                  \
    int64_t block = period * (LANES), i = 0;                            \
    for (; i + block <= n; i += block) {                                \
        for (int64_t k = 0; k < block; k += (LANES)) {                  \
            VEC_STEP;                                                   \
        }                                                               \
    }

#if RT_ARCH_X86
RT_TARGET_AVX2 static void affine_f32_avx2(const float *x, int64_t n, const float *scale,
                                           const float *shift, int64_t period, float *out) {
    AFFINE_BLOCKS(8, {
        __m256 v = _mm256_mul_ps(_mm256_loadu_ps(x + i + k), _mm256_loadu_ps(scale + k));
        _mm256_storeu_ps(out + i + k, _mm256_add_ps(v, _mm256_loadu_ps(shift + k)));
    })
    affine_f32_scalar(x + i, n - i, scale, shift, period, out + i);
}

RT_TARGET_AVX2 static void affine_u8_avx2(const uint8_t *x, int64_t n, const float *scale,
                                          const float *shift, int64_t period, float *out) {
    AFFINE_BLOCKS(8, {
        __m256 f = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(x + i + k))));
        __m256 v = _mm256_mul_ps(f, _mm256_loadu_ps(scale + k));
        _mm256_storeu_ps(out + i + k, _mm256_add_ps(v, _mm256_loadu_ps(shift + k)));
    })
    affine_u8_scalar(x + i, n - i, scale, shift, period, out + i);
}

RT_TARGET_AVX2 static void affine_f64_avx2(const double *x, int64_t n, const double *scale,
                                           const double *shift, int64_t period, double *out) {
    AFFINE_BLOCKS(4, {
        __m256d v = _mm256_mul_pd(_mm256_loadu_pd(x + i + k), _mm256_loadu_pd(scale + k));
        _mm256_storeu_pd(out + i + k, _mm256_add_pd(v, _mm256_loadu_pd(shift + k)));
    })
    affine_f64_scalar(x + i, n - i, scale, shift, period, out + i);
}

RT_TARGET_AVX512 static void affine_f32_avx512(const float *x, int64_t n, const float *scale,
                                               const float *shift, int64_t period, float *out) {
    AFFINE_BLOCKS(16, {
        __m512 v = _mm512_mul_ps(_mm512_loadu_ps(x + i + k), _mm512_loadu_ps(scale + k));
        _mm512_storeu_ps(out + i + k, _mm512_add_ps(v, _mm512_loadu_ps(shift + k)));
    })
    affine_f32_scalar(x + i, n - i, scale, shift, period, out + i);
}

RT_TARGET_AVX512 static void affine_u8_avx512(const uint8_t *x, int64_t n, const float *scale,
                                              const float *shift, int64_t period, float *out) {
    AFFINE_BLOCKS(16, {
        __m512 f = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(x + i + k))));
        __m512 v = _mm512_mul_ps(f, _mm512_loadu_ps(scale + k));
        _mm512_storeu_ps(out + i + k, _mm512_add_ps(v, _mm512_loadu_ps(shift + k)));
    })
    affine_u8_scalar(x + i, n - i, scale, shift, period, out + i);
}

RT_TARGET_AVX512 static void affine_f64_avx512(const double *x, int64_t n, const double *scale,
                                               const double *shift, int64_t period, double *out) {
    AFFINE_BLOCKS(8, {
        __m512d v = _mm512_mul_pd(_mm512_loadu_pd(x + i + k), _mm512_loadu_pd(scale + k));
        _mm512_storeu_pd(out + i + k, _mm512_add_pd(v, _mm512_loadu_pd(shift + k)));
    })
    affine_f64_scalar(x + i, n - i, scale, shift, period, out + i);
}
#endif

#if RT_ARCH_WASM_SIMD
static void affine_f32_wasm(const float *x, int64_t n, const float *scale, const float *shift,
                            int64_t period, float *out) {
    AFFINE_BLOCKS(4, {
        v128_t v = wasm_f32x4_mul(wasm_v128_load(x + i + k), wasm_v128_load(scale + k));
        wasm_v128_store(out + i + k, wasm_f32x4_add(v, wasm_v128_load(shift + k)));
    })
    affine_f32_scalar(x + i, n - i, scale, shift, period, out + i);
}

static void affine_u8_wasm(const uint8_t *x, int64_t n, const float *scale, const float *shift,
                           int64_t period, float *out) {
    AFFINE_BLOCKS(4, {
        v128_t bytes = wasm_v128_load32_zero(x + i + k);
        v128_t wide = wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(bytes));
        v128_t v = wasm_f32x4_mul(wasm_f32x4_convert_u32x4(wide), wasm_v128_load(scale + k));
        wasm_v128_store(out + i + k, wasm_f32x4_add(v, wasm_v128_load(shift + k)));
    })
    affine_u8_scalar(x + i, n - i, scale, shift, period, out + i);
}

static void affine_f64_wasm(const double *x, int64_t n, const double *scale, const double *shift,
                            int64_t period, double *out) {
    AFFINE_BLOCKS(2, {
        v128_t v = wasm_f64x2_mul(wasm_v128_load(x + i + k), wasm_v128_load(scale + k));
        wasm_v128_store(out + i + k, wasm_f64x2_add(v, wasm_v128_load(shift + k)));
    })
    affine_f64_scalar(x + i, n - i, scale, shift, period, out + i);
}
#endif

/* ---- dispatch --------------------------------------------------------- */

typedef void (*affine_f32_fn)(const float *, int64_t, const float *, const float *, int64_t, float *);
typedef void (*affine_u8_fn)(const uint8_t *, int64_t, const float *, const float *, int64_t, float *);
typedef void (*affine_f64_fn)(const double *, int64_t, const double *, const double *, int64_t, double *);

static affine_f32_fn pick_f32(void) {
    switch (rt_simd_active()) {
#if RT_ARCH_X86
    case RT_SIMD_AVX512: return affine_f32_avx512;
    case RT_SIMD_AVX2: return affine_f32_avx2;
#endif
#if RT_ARCH_WASM_SIMD
    case RT_SIMD_WASM128: return affine_f32_wasm;
#endif
    default: return affine_f32_scalar;
    }
}

static affine_u8_fn pick_u8(void) {
    switch (rt_simd_active()) {
#if RT_ARCH_X86
    case RT_SIMD_AVX512: return affine_u8_avx512;
    case RT_SIMD_AVX2: return affine_u8_avx2;
#endif
#if RT_ARCH_WASM_SIMD
    case RT_SIMD_WASM128: return affine_u8_wasm;
#endif
    default: return affine_u8_scalar;
    }
}

static affine_f64_fn pick_f64(void) {
    switch (rt_simd_active()) {
#if RT_ARCH_X86
    case RT_SIMD_AVX512: return affine_f64_avx512;
    case RT_SIMD_AVX2: return affine_f64_avx2;
#endif
#if RT_ARCH_WASM_SIMD
    case RT_SIMD_WASM128: return affine_f64_wasm;
#endif
    default: return affine_f64_scalar;
    }
}

static int is_finite(double v) {
    return v == v && v - v == 0.0;
}

static rt_status check_coefficients(rt_error *err, const char *context, const double *mean,
                                    const double *std, int64_t channels, double pixel_scale) {
    if (mean == NULL || std == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "mean and std must not be NULL");
    }
    if (!is_finite(pixel_scale)) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "pixel_scale must be finite");
    }
    for (int64_t c = 0; c < channels; c++) {
        if (!is_finite(mean[c]) || !is_finite(std[c])) {
            return rt_fail(err, RT_ERR_VALIDATION, context, "mean and std must be finite");
        }
        if (std[c] == 0.0) {
            return rt_fail(err, RT_ERR_VALIDATION, context, "std must not be 0");
        }
    }
    return RT_OK;
}

/*
 * Lays the per-channel coefficients of channels [first, first + period)
 * out PATTERN_LANES times, in float (f32 != 0) or double.
 */
static void fill_pattern(const double *mean, const double *std, double pixel_scale, int64_t first,
                         int64_t period, int f32, void *scale, void *shift) {
    for (int64_t i = 0; i < period * PATTERN_LANES; i++) {
        int64_t c = first + i % period;
        double a = pixel_scale / std[c], b = -mean[c] / std[c];
        if (f32) {
            ((float *)scale)[i] = (float)a;
            ((float *)shift)[i] = (float)b;
        } else {
            ((double *)scale)[i] = a;
            ((double *)shift)[i] = b;
        }
    }
}

/* Applies the pattern to `n` values starting at value `start` of data/out. */
static void apply(int32_t dtype, const void *data, int64_t start, int64_t n, const void *scale,
                  const void *shift, int64_t period, void *out) {
    switch (dtype) {
    case RT_DTYPE_FLOAT32:
        pick_f32()((const float *)data + start, n, scale, shift, period, (float *)out + start);
        return;
    case RT_DTYPE_UINT8:
        pick_u8()((const uint8_t *)data + start, n, scale, shift, period, (float *)out + start);
        return;
    default: /* RT_DTYPE_FLOAT64 */
        pick_f64()((const double *)data + start, n, scale, shift, period, (double *)out + start);
    }
}

rt_status rt_transform_normalize(int32_t dtype, const void *data, int64_t batch, int64_t height,
                                 int64_t width, int64_t channels, int32_t layout,
                                 const double *mean, const double *std, double pixel_scale,
                                 void *out, rt_error *err) {
    const char *context = "rt_transform_normalize";
    image_batch image;
    if (dtype != RT_DTYPE_FLOAT32 && dtype != RT_DTYPE_FLOAT64 && dtype != RT_DTYPE_UINT8) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "dtype must be float32, float64 or uint8");
    }
    RT_RETURN_NOT_OK(rt_image_batch_check(err, context, dtype, data, batch, height, width, channels,
                                          layout, &image));
    RT_RETURN_NOT_OK(check_coefficients(err, context, mean, std, channels, pixel_scale));
    int32_t out_dtype = dtype == RT_DTYPE_FLOAT64 ? RT_DTYPE_FLOAT64 : RT_DTYPE_FLOAT32;
    RT_RETURN_NOT_OK(rt_image_output_check(err, context, &image, out_dtype, height, width, out));
    if (image.total_values == 0) {
        return RT_OK;
    }
    int f32 = out_dtype == RT_DTYPE_FLOAT32;
    int64_t period = layout == RT_LAYOUT_HWC ? channels : 1;
    int64_t pattern_bytes = period * PATTERN_LANES * (f32 ? 4 : 8);
    void *scale = NULL, *shift = NULL;
    RT_RETURN_NOT_OK(rt_pool_alloc(pattern_bytes, &scale, err));
    rt_status status = rt_pool_alloc(pattern_bytes, &shift, err);
    if (status != RT_OK) {
        rt_pool_free(scale, NULL);
        return status;
    }
    if (layout == RT_LAYOUT_HWC) {
        /* Every image starts with channel 0, so the whole batch is one pattern run. */
        fill_pattern(mean, std, pixel_scale, 0, period, f32, scale, shift);
        apply(dtype, data, 0, image.total_values, scale, shift, period, out);
    } else {
        int64_t plane = height * width;
        for (int64_t c = 0; c < channels; c++) {
            fill_pattern(mean, std, pixel_scale, c, 1, f32, scale, shift);
            for (int64_t b = 0; b < batch; b++) {
                apply(dtype, data, (b * channels + c) * plane, plane, scale, shift, 1, out);
            }
        }
    }
    rt_pool_free(scale, NULL);
    rt_pool_free(shift, NULL);
    return RT_OK;
}
