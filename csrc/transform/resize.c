/*
 * resize, following OpenCV's cv2.resize (imgproc/src/resize.cpp) in its
 * source coordinates, border rules and weights, so results match it:
 *
 * - nearest: source index floor(d * scale), clamped (OpenCV's INTER_NEAREST,
 *   which, unlike INTER_NEAREST_EXACT, does not use pixel centres);
 * - bilinear and bicubic: source coordinate (d + 0.5) * scale - 0.5 (pixel
 *   centres), bicubic with the Keys kernel a = -0.75, rows and columns
 *   outside the image replicated, no antialiasing when shrinking;
 * - area: when both axes shrink, each output pixel is the mean of the source
 *   area it covers (partial pixels weighted by their overlap); otherwise
 *   OpenCV's bilinear variant with area-derived weights.
 *
 * Here scale = 1 / (dst / src), computed as OpenCV computes it. The filter
 * is separable: each source row needed is resampled horizontally once (kept
 * in a small row cache), and each output row combines those rows with the
 * vertical weights. uint8 uses OpenCV's fixed-point weights (11 bits) for
 * bilinear and bicubic, so its rounding matches; float32 computes in float.
 * The vertical pass has SIMD variants that perform the same operations in
 * the same order as the scalar reference, so they give identical results.
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

enum { FIXED_BITS = 11, FIXED_ONE = 1 << FIXED_BITS };

/* Most source rows one output row may combine (area shrinking by up to 254). */
enum { MAX_ROW_TAPS = 256 };

/* ---- rounding without libm (wasm has none) ---------------------------- */

static int64_t floor_to_int(double v) {
    int64_t i = (int64_t)v;
    return i - (i > v);
}

/* Round half to even, as OpenCV's cvRound does (for |v| < 2**22). */
static float round_even(float v) {
    const float magic = 12582912.0f; /* 1.5 * 2**23: adding it leaves no fraction bits */
    return v >= 0 ? (v + magic) - magic : -((-v + magic) - magic);
}

static int32_t to_fixed(float weight) {
    return (int32_t)round_even(weight * (float)FIXED_ONE);
}

/* ---- per-axis tap tables ---------------------------------------------- */

/* Output i reads source pixels index[i * max_taps + j], j < count[i], with weight[...]. */
typedef struct axis_taps {
    int32_t max_taps;
    int32_t *count;
    int32_t *index;
    float *weight;
    int32_t *fixed; /* weight * 2**11 rounded: uint8 bilinear / bicubic */
} axis_taps;

static int32_t clamp_index(int64_t i, int64_t size) {
    return (int32_t)(i < 0 ? 0 : (i >= size ? size - 1 : i));
}

static void set_tap(axis_taps *t, int64_t out, int32_t j, int64_t index, int64_t size, float weight) {
    t->index[out * t->max_taps + j] = clamp_index(index, size);
    t->weight[out * t->max_taps + j] = weight;
    t->fixed[out * t->max_taps + j] = to_fixed(weight);
}

/*
 * Bilinear taps. `horizontal`: OpenCV moves a column left of the image to
 * column 0 with weights (1, 0) and gives a column at or past the last one a
 * single tap of weight 1; rows are only clamped.
 * `area_mode`: the coordinates INTER_AREA uses when it does not shrink.
 */
static void bilinear_taps(int64_t src, int64_t dst, double scale, double inv_scale, int area_mode,
                          int horizontal, axis_taps *t) {
    for (int64_t d = 0; d < dst; d++) {
        float f;
        int64_t s;
        if (!area_mode) {
            f = (float)((d + 0.5) * scale - 0.5);
            s = floor_to_int(f);
            f -= (float)s;
        } else {
            s = floor_to_int(d * scale);
            f = (float)((d + 1) - (s + 1) * inv_scale);
            f = f <= 0 ? 0.0f : f - (float)floor_to_int(f);
        }
        if (horizontal && s < 0) {
            f = 0.0f;
            s = 0;
        }
        if (horizontal && s >= src - 1) {
            t->count[d] = 1;
            set_tap(t, d, 0, src - 1, src, 1.0f);
            continue;
        }
        t->count[d] = 2;
        set_tap(t, d, 0, s, src, 1.0f - f);
        set_tap(t, d, 1, s + 1, src, f);
    }
}

/* OpenCV's interpolateCubic (a = -0.75), in float as it computes them. */
static void cubic_weights(float x, float w[4]) {
    const float a = -0.75f;
    w[0] = ((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a;
    w[1] = ((a + 2) * x - (a + 3)) * x * x + 1;
    w[2] = ((a + 2) * (1 - x) - (a + 3)) * (1 - x) * (1 - x) + 1;
    w[3] = 1.f - w[0] - w[1] - w[2];
}

static void bicubic_taps(int64_t src, int64_t dst, double scale, axis_taps *t) {
    for (int64_t d = 0; d < dst; d++) {
        float f = (float)((d + 0.5) * scale - 0.5);
        int64_t s = floor_to_int(f);
        float w[4];
        cubic_weights(f - (float)s, w);
        t->count[d] = 4;
        for (int32_t j = 0; j < 4; j++) {
            set_tap(t, d, j, s - 1 + j, src, w[j]);
        }
    }
}

/*
 * Area taps (OpenCV's computeResizeAreaTab): output d covers source
 * [d * scale, (d + 1) * scale); whole pixels weigh 1 / cell, partial ones
 * their overlap / cell. Returns the number of taps of output d (and fills
 * them when t is not NULL), so the table can be sized first.
 */
static int32_t area_taps_of(int64_t src, int64_t d, double scale, axis_taps *t) {
    double start = d * scale, end = start + scale;
    double cell = scale < src - start ? scale : src - start;
    int64_t first = -floor_to_int(-start), last = floor_to_int(end);
    last = last < src - 1 ? last : src - 1;
    first = first < last ? first : last;
    int32_t n = 0;
    if (first - start > 1e-3) {
        if (t) set_tap(t, d, n, first - 1, src, (float)((first - start) / cell));
        n++;
    }
    for (int64_t s = first; s < last; s++) {
        if (t) set_tap(t, d, n, s, src, (float)(1.0 / cell));
        n++;
    }
    if (end - last > 1e-3) {
        double part = end - last < 1.0 ? end - last : 1.0;
        if (t) set_tap(t, d, n, last, src, (float)((part < cell ? part : cell) / cell));
        n++;
    }
    return n;
}

static void area_taps(int64_t src, int64_t dst, double scale, axis_taps *t) {
    for (int64_t d = 0; d < dst; d++) {
        t->count[d] = area_taps_of(src, d, scale, t);
    }
}

typedef struct axis_plan {
    int64_t src, dst;
    double scale, inv_scale;
} axis_plan;

static axis_plan plan_axis(int64_t src, int64_t dst) {
    axis_plan p = {src, dst, 0, 0};
    p.inv_scale = (double)dst / (double)src;
    p.scale = 1.0 / p.inv_scale;
    return p;
}

static int32_t max_taps_of(const axis_plan *p, int32_t interpolation, int area_shrink) {
    if (interpolation == RT_INTERP_BICUBIC) {
        return 4;
    }
    if (interpolation != RT_INTERP_AREA || !area_shrink) {
        return 2;
    }
    int32_t most = 1;
    for (int64_t d = 0; d < p->dst; d++) {
        int32_t n = area_taps_of(p->src, d, p->scale, NULL);
        most = n > most ? n : most;
    }
    return most;
}

static void build_taps(const axis_plan *p, int32_t interpolation, int area_shrink, int horizontal,
                       axis_taps *t) {
    if (interpolation == RT_INTERP_BICUBIC) {
        bicubic_taps(p->src, p->dst, p->scale, t);
    } else if (interpolation == RT_INTERP_AREA && area_shrink) {
        area_taps(p->src, p->dst, p->scale, t);
    } else {
        bilinear_taps(p->src, p->dst, p->scale, p->inv_scale, interpolation == RT_INTERP_AREA, horizontal, t);
    }
}

/* ---- horizontal pass (scalar) ----------------------------------------- */

/*
 * Two-tap columns (bilinear) with `cn` fixed at compile time: the common
 * case, kept free of the per-tap loop so the compiler keeps it in registers.
 * Same operations in the same order as the general loop below.
 */
#define HORIZONTAL_TWO_TAPS(T, W, CN, TO_W)                                             \
    for (; d < dst_width && t->count[d] == 2; d++) {                                    \
        const T *s0 = src + (int64_t)t->index[2 * d] * (CN);                            \
        const T *s1 = src + (int64_t)t->index[2 * d + 1] * (CN);                        \
        W w0 = weights[2 * d], w1 = weights[2 * d + 1];                                 \
        for (int64_t c = 0; c < (CN); c++) {                                            \
            W a = TO_W(s0[c]) * w0, b = TO_W(s1[c]) * w1;                               \
            out[d * (CN) + c] = a + b;                                                  \
        }                                                                               \
    }

#define AS_FLOAT(v) ((float)(v))
#define AS_INT(v) ((int32_t)(v))

/* Columns [0, d) done by the two-tap loop; the rest by the general one. */
static int64_t two_tap_prefix_f32(const float *src, const axis_taps *t, int64_t dst_width, int64_t cn, float *out) {
    int64_t d = 0;
    const float *weights = t->weight;
    if (t->max_taps != 2) {
        return 0;
    }
    switch (cn) {
    case 1: HORIZONTAL_TWO_TAPS(float, float, 1, AS_FLOAT) break;
    case 3: HORIZONTAL_TWO_TAPS(float, float, 3, AS_FLOAT) break;
    case 4: HORIZONTAL_TWO_TAPS(float, float, 4, AS_FLOAT) break;
    default: HORIZONTAL_TWO_TAPS(float, float, cn, AS_FLOAT)
    }
    return d;
}

static int64_t two_tap_prefix_u8(const uint8_t *src, const axis_taps *t, int64_t dst_width, int64_t cn,
                                 int32_t *out) {
    int64_t d = 0;
    const int32_t *weights = t->fixed;
    if (t->max_taps != 2) {
        return 0;
    }
    switch (cn) {
    case 1: HORIZONTAL_TWO_TAPS(uint8_t, int32_t, 1, AS_INT) break;
    case 3: HORIZONTAL_TWO_TAPS(uint8_t, int32_t, 3, AS_INT) break;
    case 4: HORIZONTAL_TWO_TAPS(uint8_t, int32_t, 4, AS_INT) break;
    default: HORIZONTAL_TWO_TAPS(uint8_t, int32_t, cn, AS_INT)
    }
    return d;
}

static void horizontal_f32(const float *src, const axis_taps *t, int64_t dst_width, int64_t cn, float *out) {
    /* Left-border columns have two taps too, so the prefix covers all but the right border. */
    for (int64_t d = two_tap_prefix_f32(src, t, dst_width, cn, out); d < dst_width; d++) {
        const int32_t *index = t->index + d * t->max_taps;
        const float *weight = t->weight + d * t->max_taps;
        for (int64_t c = 0; c < cn; c++) {
            float v = src[index[0] * cn + c] * weight[0];
            for (int32_t j = 1; j < t->count[d]; j++) {
                float term = src[index[j] * cn + c] * weight[j];
                v = v + term;
            }
            out[d * cn + c] = v;
        }
    }
}

static void horizontal_u8_fixed(const uint8_t *src, const axis_taps *t, int64_t dst_width, int64_t cn,
                                int32_t *out) {
    for (int64_t d = two_tap_prefix_u8(src, t, dst_width, cn, out); d < dst_width; d++) {
        const int32_t *index = t->index + d * t->max_taps;
        const int32_t *weight = t->fixed + d * t->max_taps;
        if (t->count[d] == 1) { /* OpenCV's one-tap border columns: exactly FIXED_ONE */
            for (int64_t c = 0; c < cn; c++) {
                out[d * cn + c] = src[index[0] * cn + c] * FIXED_ONE;
            }
            continue;
        }
        for (int64_t c = 0; c < cn; c++) {
            int32_t v = 0;
            for (int32_t j = 0; j < t->count[d]; j++) {
                v += src[index[j] * cn + c] * weight[j];
            }
            out[d * cn + c] = v;
        }
    }
}

static void horizontal_u8_float(const uint8_t *src, const axis_taps *t, int64_t dst_width, int64_t cn,
                                float *out) {
    for (int64_t d = 0; d < dst_width; d++) {
        const int32_t *index = t->index + d * t->max_taps;
        const float *weight = t->weight + d * t->max_taps;
        for (int64_t c = 0; c < cn; c++) {
            float v = (float)src[index[0] * cn + c] * weight[0];
            for (int32_t j = 1; j < t->count[d]; j++) {
                float term = (float)src[index[j] * cn + c] * weight[j];
                v = v + term;
            }
            out[d * cn + c] = v;
        }
    }
}

/* ---- vertical pass: scalar reference and SIMD variants ----------------- */

/* A uint8 from a float: clamp to [0, 255], round half to even (OpenCV's saturate_cast). */
static uint8_t saturate_u8_float(float v) {
    v = v > 0.0f ? v : 0.0f; /* NaN becomes 0 */
    v = v < 255.0f ? v : 255.0f;
    return (uint8_t)round_even(v);
}

static uint8_t saturate_u8_fixed(int32_t v) {
    v = (v + (1 << (2 * FIXED_BITS - 1))) >> (2 * FIXED_BITS);
    return (uint8_t)(v < 0 ? 0 : (v > 255 ? 255 : v));
}

static void vertical_f32_scalar(const float *const *rows, const float *w, int32_t taps, int64_t n, float *out) {
    for (int64_t x = 0; x < n; x++) {
        float v = rows[0][x] * w[0];
        for (int32_t j = 1; j < taps; j++) {
            float term = rows[j][x] * w[j];
            v = v + term;
        }
        out[x] = v;
    }
}

/*
 * Two-row uint8 bilinear as OpenCV's vectorised code computes it
 * (VResizeLinearVec_32s8u), which is what cv2.resize runs for all but the
 * last few values of a row: rows shifted right by 4, 16-bit high products,
 * then a rounding shift by 2. Its own scalar formula rounds differently for
 * about one value in eight.
 */
static uint8_t bilinear_u8_opencv(int32_t r0, int32_t r1, int32_t w0, int32_t w1) {
    int32_t v = (((r0 >> 4) * w0) >> 16) + (((r1 >> 4) * w1) >> 16);
    v = (v + 2) >> 2;
    return (uint8_t)(v < 0 ? 0 : (v > 255 ? 255 : v));
}

static void vertical_u8_fixed_scalar(const int32_t *const *rows, const int32_t *w, int32_t taps, int64_t n,
                                     uint8_t *out) {
    if (taps == 2) {
        for (int64_t x = 0; x < n; x++) {
            out[x] = bilinear_u8_opencv(rows[0][x], rows[1][x], w[0], w[1]);
        }
        return;
    }
    for (int64_t x = 0; x < n; x++) {
        int32_t v = 0;
        for (int32_t j = 0; j < taps; j++) {
            v += rows[j][x] * w[j];
        }
        out[x] = saturate_u8_fixed(v);
    }
}

static void vertical_u8_float_scalar(const float *const *rows, const float *w, int32_t taps, int64_t n,
                                     uint8_t *out) {
    for (int64_t x = 0; x < n; x++) {
        float v = rows[0][x] * w[0];
        for (int32_t j = 1; j < taps; j++) {
            float term = rows[j][x] * w[j];
            v = v + term;
        }
        out[x] = saturate_u8_float(v);
    }
}

#if RT_ARCH_X86
RT_TARGET_AVX2 static void vertical_f32_avx2(const float *const *rows, const float *w, int32_t taps, int64_t n,
                                             float *out) {
    int64_t x = 0;
    for (; x + 8 <= n; x += 8) {
        __m256 v = _mm256_mul_ps(_mm256_loadu_ps(rows[0] + x), _mm256_set1_ps(w[0]));
        for (int32_t j = 1; j < taps; j++) {
            v = _mm256_add_ps(v, _mm256_mul_ps(_mm256_loadu_ps(rows[j] + x), _mm256_set1_ps(w[j])));
        }
        _mm256_storeu_ps(out + x, v);
    }
    const float *tail[MAX_ROW_TAPS];
    for (int32_t j = 0; j < taps; j++) tail[j] = rows[j] + x;
    vertical_f32_scalar(tail, w, taps, n - x, out + x);
}

/* Eight int32 in [0, 255] to eight bytes. */
RT_TARGET_AVX2 static void store_u8x8(uint8_t *out, __m256i v) {
    __m256i words = _mm256_packus_epi32(v, v);
    __m256i bytes = _mm256_packus_epi16(words, words);
    __m256i joined = _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 0, 0, 0, 0, 0, 0));
    _mm_storel_epi64((__m128i *)out, _mm256_castsi256_si128(joined));
}

RT_TARGET_AVX2 static void vertical_u8_fixed_avx2(const int32_t *const *rows, const int32_t *w, int32_t taps,
                                                  int64_t n, uint8_t *out) {
    const __m256i half = _mm256_set1_epi32(1 << (2 * FIXED_BITS - 1));
    int64_t x = 0;
    if (taps == 2) {
        const __m256i w0 = _mm256_set1_epi32(w[0]), w1 = _mm256_set1_epi32(w[1]), two = _mm256_set1_epi32(2);
        for (; x + 8 <= n; x += 8) {
            __m256i r0 = _mm256_srai_epi32(_mm256_loadu_si256((const __m256i *)(rows[0] + x)), 4);
            __m256i r1 = _mm256_srai_epi32(_mm256_loadu_si256((const __m256i *)(rows[1] + x)), 4);
            __m256i v = _mm256_add_epi32(_mm256_srai_epi32(_mm256_mullo_epi32(r0, w0), 16),
                                         _mm256_srai_epi32(_mm256_mullo_epi32(r1, w1), 16));
            store_u8x8(out + x, _mm256_srai_epi32(_mm256_add_epi32(v, two), 2));
        }
    }
    for (; taps != 2 && x + 8 <= n; x += 8) {
        __m256i v = _mm256_setzero_si256();
        for (int32_t j = 0; j < taps; j++) {
            __m256i r = _mm256_loadu_si256((const __m256i *)(rows[j] + x));
            v = _mm256_add_epi32(v, _mm256_mullo_epi32(r, _mm256_set1_epi32(w[j])));
        }
        v = _mm256_srai_epi32(_mm256_add_epi32(v, half), 2 * FIXED_BITS);
        store_u8x8(out + x, v); /* packus saturates to [0, 255] as saturate_u8_fixed does */
    }
    const int32_t *tail[MAX_ROW_TAPS];
    for (int32_t j = 0; j < taps; j++) tail[j] = rows[j] + x;
    vertical_u8_fixed_scalar(tail, w, taps, n - x, out + x);
}

RT_TARGET_AVX2 static void vertical_u8_float_avx2(const float *const *rows, const float *w, int32_t taps,
                                                  int64_t n, uint8_t *out) {
    int64_t x = 0;
    for (; x + 8 <= n; x += 8) {
        __m256 v = _mm256_mul_ps(_mm256_loadu_ps(rows[0] + x), _mm256_set1_ps(w[0]));
        for (int32_t j = 1; j < taps; j++) {
            v = _mm256_add_ps(v, _mm256_mul_ps(_mm256_loadu_ps(rows[j] + x), _mm256_set1_ps(w[j])));
        }
        v = _mm256_min_ps(_mm256_max_ps(v, _mm256_setzero_ps()), _mm256_set1_ps(255.0f));
        store_u8x8(out + x, _mm256_cvtps_epi32(v)); /* rounds half to even */
    }
    const float *tail[MAX_ROW_TAPS];
    for (int32_t j = 0; j < taps; j++) tail[j] = rows[j] + x;
    vertical_u8_float_scalar(tail, w, taps, n - x, out + x);
}

RT_TARGET_AVX512 static void vertical_f32_avx512(const float *const *rows, const float *w, int32_t taps,
                                                 int64_t n, float *out) {
    int64_t x = 0;
    for (; x + 16 <= n; x += 16) {
        __m512 v = _mm512_mul_ps(_mm512_loadu_ps(rows[0] + x), _mm512_set1_ps(w[0]));
        for (int32_t j = 1; j < taps; j++) {
            v = _mm512_add_ps(v, _mm512_mul_ps(_mm512_loadu_ps(rows[j] + x), _mm512_set1_ps(w[j])));
        }
        _mm512_storeu_ps(out + x, v);
    }
    const float *tail[MAX_ROW_TAPS];
    for (int32_t j = 0; j < taps; j++) tail[j] = rows[j] + x;
    vertical_f32_scalar(tail, w, taps, n - x, out + x);
}

RT_TARGET_AVX512 static void vertical_u8_fixed_avx512(const int32_t *const *rows, const int32_t *w,
                                                      int32_t taps, int64_t n, uint8_t *out) {
    const __m512i half = _mm512_set1_epi32(1 << (2 * FIXED_BITS - 1));
    int64_t x = 0;
    if (taps == 2) {
        const __m512i w0 = _mm512_set1_epi32(w[0]), w1 = _mm512_set1_epi32(w[1]), two = _mm512_set1_epi32(2);
        for (; x + 16 <= n; x += 16) {
            __m512i r0 = _mm512_srai_epi32(_mm512_loadu_si512((const void *)(rows[0] + x)), 4);
            __m512i r1 = _mm512_srai_epi32(_mm512_loadu_si512((const void *)(rows[1] + x)), 4);
            __m512i v = _mm512_add_epi32(_mm512_srai_epi32(_mm512_mullo_epi32(r0, w0), 16),
                                         _mm512_srai_epi32(_mm512_mullo_epi32(r1, w1), 16));
            v = _mm512_max_epi32(_mm512_srai_epi32(_mm512_add_epi32(v, two), 2), _mm512_setzero_si512());
            _mm_storeu_si128((__m128i *)(out + x), _mm512_cvtusepi32_epi8(v));
        }
    }
    for (; taps != 2 && x + 16 <= n; x += 16) {
        __m512i v = _mm512_setzero_si512();
        for (int32_t j = 0; j < taps; j++) {
            __m512i r = _mm512_loadu_si512((const void *)(rows[j] + x));
            v = _mm512_add_epi32(v, _mm512_mullo_epi32(r, _mm512_set1_epi32(w[j])));
        }
        v = _mm512_srai_epi32(_mm512_add_epi32(v, half), 2 * FIXED_BITS);
        v = _mm512_max_epi32(v, _mm512_setzero_si512());
        _mm_storeu_si128((__m128i *)(out + x), _mm512_cvtusepi32_epi8(v));
    }
    const int32_t *tail[MAX_ROW_TAPS];
    for (int32_t j = 0; j < taps; j++) tail[j] = rows[j] + x;
    vertical_u8_fixed_scalar(tail, w, taps, n - x, out + x);
}

RT_TARGET_AVX512 static void vertical_u8_float_avx512(const float *const *rows, const float *w, int32_t taps,
                                                      int64_t n, uint8_t *out) {
    int64_t x = 0;
    for (; x + 16 <= n; x += 16) {
        __m512 v = _mm512_mul_ps(_mm512_loadu_ps(rows[0] + x), _mm512_set1_ps(w[0]));
        for (int32_t j = 1; j < taps; j++) {
            v = _mm512_add_ps(v, _mm512_mul_ps(_mm512_loadu_ps(rows[j] + x), _mm512_set1_ps(w[j])));
        }
        v = _mm512_min_ps(_mm512_max_ps(v, _mm512_setzero_ps()), _mm512_set1_ps(255.0f));
        _mm_storeu_si128((__m128i *)(out + x), _mm512_cvtusepi32_epi8(_mm512_cvtps_epi32(v)));
    }
    const float *tail[MAX_ROW_TAPS];
    for (int32_t j = 0; j < taps; j++) tail[j] = rows[j] + x;
    vertical_u8_float_scalar(tail, w, taps, n - x, out + x);
}
#endif

#if RT_ARCH_WASM_SIMD
static void vertical_f32_wasm(const float *const *rows, const float *w, int32_t taps, int64_t n, float *out) {
    int64_t x = 0;
    for (; x + 4 <= n; x += 4) {
        v128_t v = wasm_f32x4_mul(wasm_v128_load(rows[0] + x), wasm_f32x4_splat(w[0]));
        for (int32_t j = 1; j < taps; j++) {
            v = wasm_f32x4_add(v, wasm_f32x4_mul(wasm_v128_load(rows[j] + x), wasm_f32x4_splat(w[j])));
        }
        wasm_v128_store(out + x, v);
    }
    const float *tail[MAX_ROW_TAPS];
    for (int32_t j = 0; j < taps; j++) tail[j] = rows[j] + x;
    vertical_f32_scalar(tail, w, taps, n - x, out + x);
}

/* Four int32 to four bytes with saturation to [0, 255]. */
static void store_u8x4(uint8_t *out, v128_t v) {
    v128_t words = wasm_i16x8_narrow_i32x4(v, v);
    v128_t bytes = wasm_u8x16_narrow_i16x8(words, words);
    wasm_v128_store32_lane(out, bytes, 0);
}

static void vertical_u8_fixed_wasm(const int32_t *const *rows, const int32_t *w, int32_t taps, int64_t n,
                                   uint8_t *out) {
    const v128_t half = wasm_i32x4_splat(1 << (2 * FIXED_BITS - 1));
    int64_t x = 0;
    if (taps == 2) {
        const v128_t w0 = wasm_i32x4_splat(w[0]), w1 = wasm_i32x4_splat(w[1]), two = wasm_i32x4_splat(2);
        for (; x + 4 <= n; x += 4) {
            v128_t r0 = wasm_i32x4_shr(wasm_v128_load(rows[0] + x), 4);
            v128_t r1 = wasm_i32x4_shr(wasm_v128_load(rows[1] + x), 4);
            v128_t v = wasm_i32x4_add(wasm_i32x4_shr(wasm_i32x4_mul(r0, w0), 16),
                                      wasm_i32x4_shr(wasm_i32x4_mul(r1, w1), 16));
            store_u8x4(out + x, wasm_i32x4_shr(wasm_i32x4_add(v, two), 2));
        }
    }
    for (; taps != 2 && x + 4 <= n; x += 4) {
        v128_t v = wasm_i32x4_splat(0);
        for (int32_t j = 0; j < taps; j++) {
            v = wasm_i32x4_add(v, wasm_i32x4_mul(wasm_v128_load(rows[j] + x), wasm_i32x4_splat(w[j])));
        }
        store_u8x4(out + x, wasm_i32x4_shr(wasm_i32x4_add(v, half), 2 * FIXED_BITS));
    }
    const int32_t *tail[MAX_ROW_TAPS];
    for (int32_t j = 0; j < taps; j++) tail[j] = rows[j] + x;
    vertical_u8_fixed_scalar(tail, w, taps, n - x, out + x);
}

static void vertical_u8_float_wasm(const float *const *rows, const float *w, int32_t taps, int64_t n,
                                   uint8_t *out) {
    int64_t x = 0;
    for (; x + 4 <= n; x += 4) {
        v128_t v = wasm_f32x4_mul(wasm_v128_load(rows[0] + x), wasm_f32x4_splat(w[0]));
        for (int32_t j = 1; j < taps; j++) {
            v = wasm_f32x4_add(v, wasm_f32x4_mul(wasm_v128_load(rows[j] + x), wasm_f32x4_splat(w[j])));
        }
        v = wasm_f32x4_pmin(wasm_f32x4_pmax(v, wasm_f32x4_splat(0.0f)), wasm_f32x4_splat(255.0f));
        store_u8x4(out + x, wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_nearest(v)));
    }
    const float *tail[MAX_ROW_TAPS];
    for (int32_t j = 0; j < taps; j++) tail[j] = rows[j] + x;
    vertical_u8_float_scalar(tail, w, taps, n - x, out + x);
}
#endif

typedef void (*vertical_f32_fn)(const float *const *, const float *, int32_t, int64_t, float *);
typedef void (*vertical_u8_fixed_fn)(const int32_t *const *, const int32_t *, int32_t, int64_t, uint8_t *);
typedef void (*vertical_u8_float_fn)(const float *const *, const float *, int32_t, int64_t, uint8_t *);

typedef struct vertical_kernels {
    vertical_f32_fn f32;
    vertical_u8_fixed_fn u8_fixed;
    vertical_u8_float_fn u8_float;
} vertical_kernels;

static vertical_kernels pick_vertical(void) {
    switch (rt_simd_active()) {
#if RT_ARCH_X86
    case RT_SIMD_AVX512:
        return (vertical_kernels){vertical_f32_avx512, vertical_u8_fixed_avx512, vertical_u8_float_avx512};
    case RT_SIMD_AVX2:
        return (vertical_kernels){vertical_f32_avx2, vertical_u8_fixed_avx2, vertical_u8_float_avx2};
#endif
#if RT_ARCH_WASM_SIMD
    case RT_SIMD_WASM128:
        return (vertical_kernels){vertical_f32_wasm, vertical_u8_fixed_wasm, vertical_u8_float_wasm};
#endif
    default:
        return (vertical_kernels){vertical_f32_scalar, vertical_u8_fixed_scalar, vertical_u8_float_scalar};
    }
}

/* ---- nearest ---------------------------------------------------------- */

static void nearest_indices(const axis_plan *p, int32_t *index) {
    for (int64_t d = 0; d < p->dst; d++) {
        index[d] = clamp_index(floor_to_int(d * p->scale), p->src);
    }
}

static void nearest_plane(const uint8_t *src, int64_t src_width, const int32_t *rows, const int32_t *cols,
                          int64_t dst_height, int64_t dst_width, int64_t pixel_bytes, uint8_t *dst) {
    for (int64_t y = 0; y < dst_height; y++) {
        const uint8_t *line = src + (int64_t)rows[y] * src_width * pixel_bytes;
        uint8_t *o = dst + y * dst_width * pixel_bytes;
        switch (pixel_bytes) { /* fixed sizes let the compiler use plain moves */
        case 1:
            for (int64_t x = 0; x < dst_width; x++) o[x] = line[cols[x]];
            break;
        case 3:
            for (int64_t x = 0; x < dst_width; x++) __builtin_memcpy(o + 3 * x, line + 3 * (int64_t)cols[x], 3);
            break;
        case 4:
            for (int64_t x = 0; x < dst_width; x++) __builtin_memcpy(o + 4 * x, line + 4 * (int64_t)cols[x], 4);
            break;
        case 12:
            for (int64_t x = 0; x < dst_width; x++) __builtin_memcpy(o + 12 * x, line + 12 * (int64_t)cols[x], 12);
            break;
        default:
            for (int64_t x = 0; x < dst_width; x++) {
                __builtin_memcpy(o + pixel_bytes * x, line + pixel_bytes * (int64_t)cols[x], (size_t)pixel_bytes);
            }
        }
    }
}

static rt_status resize_nearest(const image_batch *im, int32_t dtype, const void *data, int64_t out_height,
                                int64_t out_width, void *out, rt_error *err) {
    axis_plan py = plan_axis(im->height, out_height), px = plan_axis(im->width, out_width);
    int32_t *rows = NULL;
    RT_RETURN_NOT_OK(rt_pool_alloc((out_height + out_width) * (int64_t)sizeof(int32_t), (void **)&rows, err));
    int32_t *cols = rows + out_height;
    nearest_indices(&py, rows);
    nearest_indices(&px, cols);
    int64_t pixel_bytes = im->cn * rt_dtype_size(dtype);
    int64_t src_plane = im->height * im->width * pixel_bytes, dst_plane = out_height * out_width * pixel_bytes;
    for (int64_t p = 0; p < im->planes; p++) {
        nearest_plane((const uint8_t *)data + p * src_plane, im->width, rows, cols, out_height, out_width,
                      pixel_bytes, (uint8_t *)out + p * dst_plane);
    }
    rt_pool_free(rows, NULL);
    return RT_OK;
}

/* ---- filtered resize: plan, row cache, planes --------------------------- */

enum row_kind { ROWS_F32, ROWS_U8_FIXED, ROWS_U8_FLOAT };

typedef struct filter_plan {
    axis_taps x, y;
    int32_t kind;        /* enum row_kind */
    int64_t row_values;  /* out_width * cn: values of one resampled row */
    int32_t slots;       /* cached resampled rows (y.max_taps) */
    int32_t *slot_row;   /* source row held by each slot, -1 if none */
    void *slot_data;     /* slots * row_values values of 4 bytes */
    void *memory;        /* the one pool buffer everything above lives in */
} filter_plan;

static int64_t taps_bytes(int64_t outputs, int32_t max_taps) {
    return outputs * (int64_t)sizeof(int32_t) * (1 + 3 * (int64_t)max_taps);
}

static void carve_taps(axis_taps *t, int64_t outputs, int32_t max_taps, uint8_t **cursor) {
    t->max_taps = max_taps;
    t->count = (int32_t *)*cursor;
    t->index = t->count + outputs;
    t->weight = (float *)(t->index + outputs * max_taps);
    t->fixed = (int32_t *)(t->weight + outputs * max_taps);
    *cursor += taps_bytes(outputs, max_taps);
}

static rt_status plan_filter(const image_batch *im, int32_t dtype, int64_t out_height, int64_t out_width,
                             int32_t interpolation, filter_plan *plan, rt_error *err) {
    axis_plan py = plan_axis(im->height, out_height), px = plan_axis(im->width, out_width);
    int area_shrink = px.scale >= 1 && py.scale >= 1; /* OpenCV's condition for the true area filter */
    int32_t x_taps = max_taps_of(&px, interpolation, area_shrink);
    int32_t y_taps = max_taps_of(&py, interpolation, area_shrink);
    if (y_taps > MAX_ROW_TAPS) {
        return rt_fail(err, RT_ERR_VALIDATION, "rt_transform_resize",
                       "area shrink factors above 254 are not supported; resize in two steps");
    }
    plan->kind = dtype == RT_DTYPE_FLOAT32 ? ROWS_F32
                 : (interpolation == RT_INTERP_AREA && area_shrink ? ROWS_U8_FLOAT : ROWS_U8_FIXED);
    plan->row_values = out_width * im->cn;
    plan->slots = y_taps;
    int64_t bytes = taps_bytes(out_width, x_taps) + taps_bytes(out_height, y_taps) +
                    (int64_t)sizeof(int32_t) * y_taps + 4 * plan->row_values * y_taps + 64;
    RT_RETURN_NOT_OK(rt_pool_alloc(bytes, &plan->memory, err));
    uint8_t *cursor = plan->memory;
    carve_taps(&plan->x, out_width, x_taps, &cursor);
    carve_taps(&plan->y, out_height, y_taps, &cursor);
    plan->slot_row = (int32_t *)cursor;
    cursor += sizeof(int32_t) * y_taps;
    cursor = (uint8_t *)(((uintptr_t)cursor + 63) & ~(uintptr_t)63);
    plan->slot_data = cursor;
    build_taps(&px, interpolation, area_shrink, 1, &plan->x);
    build_taps(&py, interpolation, area_shrink, 0, &plan->y);
    return RT_OK;
}

static void resample_row(const filter_plan *plan, const void *src_row, int64_t cn, void *dst_row) {
    int64_t width = plan->row_values / cn;
    switch (plan->kind) {
    case ROWS_F32:
        horizontal_f32(src_row, &plan->x, width, cn, dst_row);
        return;
    case ROWS_U8_FIXED:
        horizontal_u8_fixed(src_row, &plan->x, width, cn, dst_row);
        return;
    default:
        horizontal_u8_float(src_row, &plan->x, width, cn, dst_row);
    }
}

/*
 * The resampled source row `row`, from the cache or computed into a slot
 * that no tap of the current output row needs.
 */
static const void *cached_row(filter_plan *plan, const uint8_t *src_plane, int64_t src_row_bytes, int64_t cn,
                              int32_t row, const int32_t *needed, int32_t n_needed) {
    int32_t free_slot = -1;
    for (int32_t s = 0; s < plan->slots; s++) {
        if (plan->slot_row[s] == row) {
            return (const uint8_t *)plan->slot_data + 4 * plan->row_values * s;
        }
        int in_use = 0;
        for (int32_t j = 0; j < n_needed; j++) {
            in_use |= plan->slot_row[s] == needed[j];
        }
        if (!in_use && free_slot < 0) {
            free_slot = s;
        }
    }
    void *slot = (uint8_t *)plan->slot_data + 4 * plan->row_values * free_slot;
    resample_row(plan, src_plane + (int64_t)row * src_row_bytes, cn, slot);
    plan->slot_row[free_slot] = row;
    return slot;
}

static void filter_plane(filter_plan *plan, const vertical_kernels *kernels, const uint8_t *src,
                         int64_t src_row_bytes, int64_t cn, int64_t out_height, void *dst, int64_t dst_row_bytes) {
    for (int32_t s = 0; s < plan->slots; s++) {
        plan->slot_row[s] = -1;
    }
    for (int64_t y = 0; y < out_height; y++) {
        const axis_taps *t = &plan->y;
        int32_t taps = t->count[y];
        const int32_t *needed = t->index + y * t->max_taps;
        const void *rows[MAX_ROW_TAPS];
        for (int32_t j = 0; j < taps; j++) {
            rows[j] = cached_row(plan, src, src_row_bytes, cn, needed[j], needed, taps);
        }
        void *line = (uint8_t *)dst + y * dst_row_bytes;
        switch (plan->kind) {
        case ROWS_F32:
            kernels->f32((const float *const *)rows, t->weight + y * t->max_taps, taps, plan->row_values, line);
            break;
        case ROWS_U8_FIXED:
            kernels->u8_fixed((const int32_t *const *)rows, t->fixed + y * t->max_taps, taps, plan->row_values,
                              line);
            break;
        default:
            kernels->u8_float((const float *const *)rows, t->weight + y * t->max_taps, taps, plan->row_values,
                              line);
        }
    }
}

static rt_status resize_filtered(const image_batch *im, int32_t dtype, const void *data, int64_t out_height,
                                 int64_t out_width, int32_t interpolation, void *out, rt_error *err) {
    filter_plan plan;
    RT_RETURN_NOT_OK(plan_filter(im, dtype, out_height, out_width, interpolation, &plan, err));
    vertical_kernels kernels = pick_vertical();
    int64_t element = rt_dtype_size(dtype);
    int64_t src_row_bytes = im->width * im->cn * element, dst_row_bytes = out_width * im->cn * element;
    for (int64_t p = 0; p < im->planes; p++) {
        filter_plane(&plan, &kernels, (const uint8_t *)data + p * im->height * src_row_bytes, src_row_bytes,
                     im->cn, out_height, (uint8_t *)out + p * out_height * dst_row_bytes, dst_row_bytes);
    }
    rt_pool_free(plan.memory, NULL);
    return RT_OK;
}

rt_status rt_transform_resize(int32_t dtype, const void *data, int64_t batch, int64_t height, int64_t width,
                              int64_t channels, int32_t layout, int64_t out_height, int64_t out_width,
                              int32_t interpolation, void *out, rt_error *err) {
    const char *context = "rt_transform_resize";
    image_batch image;
    RT_RETURN_NOT_OK(rt_image_batch_check(err, context, dtype, data, batch, height, width, channels, layout,
                                          &image));
    RT_RETURN_NOT_OK(rt_image_output_check(err, context, &image, dtype, out_height, out_width, out));
    if (interpolation < RT_INTERP_NEAREST || interpolation > RT_INTERP_AREA) {
        return rt_fail(err, RT_ERR_VALIDATION, context,
                       "interpolation must be nearest (0), bilinear (1), bicubic (2) or area (3)");
    }
    if (interpolation != RT_INTERP_NEAREST && dtype != RT_DTYPE_FLOAT32 && dtype != RT_DTYPE_UINT8) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "bilinear, bicubic and area resize take uint8 or float32");
    }
    if (image.total_values == 0) {
        return RT_OK;
    }
    if (out_height == height && out_width == width) { /* OpenCV copies, so NaN never leaks into neighbours */
        __builtin_memcpy(out, data, (size_t)(image.total_values * rt_dtype_size(dtype)));
        return RT_OK;
    }
    if (interpolation == RT_INTERP_NEAREST) {
        return resize_nearest(&image, dtype, data, out_height, out_width, out, err);
    }
    return resize_filtered(&image, dtype, data, out_height, out_width, interpolation, out, err);
}
