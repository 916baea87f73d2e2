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
 * bilinear and bicubic, so its rounding matches; float32 computes in float,
 * and when rows shrink it blends the source rows first and resamples one
 * row per output row (fewer gathers; only the float rounding order differs).
 *
 * Both passes have SIMD variants (AVX2, AVX-512, wasm simd128) that perform
 * the same operations in the same order as the scalar reference, so they
 * give identical results: the horizontal pass gathers each tap from
 * per-value offset tables (uint8: int16 weight pairs and multiply-add), or,
 * for three-channel bilinear rows, reads both taps' pixels with one 8-value
 * load per output pixel (float32 rows that shrink: fused with the vertical
 * blend, two output rows at a time); the vertical pass blends whole rows.
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

/* Output rows ahead whose source rows filter_plane asks memory for. */
enum { PREFETCH_AHEAD = 2 };

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
    int32_t *fixed; /* weight * 2**11 rounded: uint8 bilinear / bicubic; NULL for the rows that need none */
} axis_taps;

static int32_t clamp_index(int64_t i, int64_t size) {
    return (int32_t)(i < 0 ? 0 : (i >= size ? size - 1 : i));
}

static void set_tap(axis_taps *t, int64_t out, int32_t j, int64_t index, int64_t size, float weight) {
    t->index[out * t->max_taps + j] = clamp_index(index, size);
    t->weight[out * t->max_taps + j] = weight;
    if (t->fixed) {
        t->fixed[out * t->max_taps + j] = to_fixed(weight);
    }
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

/* Columns [first, d) done by the two-tap loop; the rest by the general one. */
static int64_t two_tap_prefix_f32(const float *src, const axis_taps *t, int64_t first, int64_t dst_width, int64_t cn,
                                  float *out) {
    int64_t d = first;
    const float *weights = t->weight;
    if (t->max_taps != 2) {
        return first;
    }
    switch (cn) {
    case 1: HORIZONTAL_TWO_TAPS(float, float, 1, AS_FLOAT) break;
    case 3: HORIZONTAL_TWO_TAPS(float, float, 3, AS_FLOAT) break;
    case 4: HORIZONTAL_TWO_TAPS(float, float, 4, AS_FLOAT) break;
    default: HORIZONTAL_TWO_TAPS(float, float, cn, AS_FLOAT)
    }
    return d;
}

static int64_t two_tap_prefix_u8(const uint8_t *src, const axis_taps *t, int64_t first, int64_t dst_width,
                                 int64_t cn, int32_t *out) {
    int64_t d = first;
    const int32_t *weights = t->fixed;
    if (t->max_taps != 2) {
        return first;
    }
    switch (cn) {
    case 1: HORIZONTAL_TWO_TAPS(uint8_t, int32_t, 1, AS_INT) break;
    case 3: HORIZONTAL_TWO_TAPS(uint8_t, int32_t, 3, AS_INT) break;
    case 4: HORIZONTAL_TWO_TAPS(uint8_t, int32_t, 4, AS_INT) break;
    default: HORIZONTAL_TWO_TAPS(uint8_t, int32_t, cn, AS_INT)
    }
    return d;
}

/* Output columns [first, dst_width) of one row; the SIMD gathers below did the ones before. */
static void horizontal_f32(const float *src, const axis_taps *t, int64_t first, int64_t dst_width, int64_t cn,
                           float *out) {
    /* Left-border columns have two taps too, so the prefix covers all but the right border. */
    for (int64_t d = two_tap_prefix_f32(src, t, first, dst_width, cn, out); d < dst_width; d++) {
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

static void horizontal_u8_fixed(const uint8_t *src, const axis_taps *t, int64_t first, int64_t dst_width,
                                int64_t cn, int32_t *out) {
    for (int64_t d = two_tap_prefix_u8(src, t, first, dst_width, cn, out); d < dst_width; d++) {
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

/* ---- horizontal pass: SIMD gathers -------------------------------------- */

/*
 * The horizontal taps flattened per output value (k = column * cn + channel)
 * for the SIMD variants: value k of a row is sum_j src[offset[j][k]] *
 * weight[j][k], the same products added in the same order as the scalar
 * loops above, so results are identical. It covers the leading `values`
 * values whose columns have all `taps` taps (bilinear and bicubic have 2 and
 * 4; OpenCV's one-tap right border is left to the scalar loops) and, for
 * uint8, whose 4-byte gathers stay inside the row. uint8 packs the fixed
 * weights of taps 2i and 2i+1 into one int32 as two int16, for multiply-add.
 * Three-channel pixels one 8-value load covers (rgb_pixels: both taps'
 * pixels) need no gathers: they read rgb_offset, and rgb_weight (float32)
 * or fixed_pair (uint8). For float32, offset and weight then hold just the
 * values from the last such pixel's on (the kernels' scalar tails).
 */
typedef struct gather_table {
    int64_t values;      /* leading values of a row the gathers compute; 0: none */
    int32_t taps;
    int32_t *offset;     /* [taps][values]: element offset of tap j of value k */
    float *weight;       /* [taps][values] */
    int32_t *fixed_pair; /* [taps / 2][values]: fixed weights of taps 2i, 2i+1 as int16 (low, high) */
    int32_t pair_step;   /* uint8 two taps always `cn` <= 3 bytes apart: one 4-byte gather reads both; else 0 */
    int64_t rgb_pixels;  /* 3 channels, adjacent taps: leading columns one 8-value load covers; else 0 */
    float *rgb_weight;   /* float32: [rgb_pixels][8]: w0 w0 w0 w1 w1 w1 0 0 */
    int32_t *rgb_offset; /* [rgb_pixels]: element offset of each pixel's left tap */
    int32_t *rgb_fixed;  /* uint8: [rgb_pixels][4]: fixed_pair of the pixel's 3 values, then 0 */
} gather_table;

/* Scalar gather of values [from, g->values): the SIMD variants' tails. */
static void gather_f32_tail(const float *src, const gather_table *g, int64_t from, float *out) {
    for (int64_t k = from; k < g->values; k++) {
        float v = src[g->offset[k]] * g->weight[k];
        for (int32_t j = 1; j < g->taps; j++) {
            float term = src[g->offset[j * g->values + k]] * g->weight[j * g->values + k];
            v = v + term;
        }
        out[k] = v;
    }
}

static void gather_u8_tail(const uint8_t *src, const gather_table *g, int64_t from, int32_t *out) {
    for (int64_t k = from; k < g->values; k++) {
        int32_t v = 0;
        for (int32_t j = 0; j < g->taps; j++) {
            uint32_t pair = (uint32_t)g->fixed_pair[(j / 2) * g->values + k];
            int16_t w = (int16_t)(uint16_t)(pair >> (16 * (j % 2)));
            v += src[g->offset[j * g->values + k]] * w;
        }
        out[k] = v;
    }
}

/*
 * The output rows of a float32 three-channel bilinear plane whose rows
 * shrink, blended and resampled in one pass (see filter_plane_rgb): `count`
 * (1 or 2) output rows, row i blending source rows src[i][0] and src[i][1]
 * with weights w[i][0] and w[i][1] into out[i]. Two rows at a time keep four
 * source streams in flight, which reads memory faster than two.
 */
typedef struct rgb_rows {
    int32_t count;
    const float *src[2][2];
    float w[2][2];
    float *out[2];
} rgb_rows;

#if RT_ARCH_X86
/*
 * Float32 with three channels and two adjacent taps (bilinear): one 8-float
 * load at the left tap holds both taps' pixels; multiplied by (w0 w0 w0 w1
 * w1 w1 0 0), lanes 0-2 plus lanes 3-5 are the pixel (the scalar loop's two
 * products and one sum). Each 4-float store also writes the next pixel's
 * first value, which that pixel then overwrites; the last pixel is scalar.
 */
RT_TARGET_AVX2 static void gather_f32_rgb_avx2(const float *src, const gather_table *g, float *out) {
    const __m256i upper = _mm256_setr_epi32(3, 4, 5, 3, 4, 5, 6, 7);
    int64_t d = 0;
    for (; d + 1 < g->rgb_pixels; d++) {
        __m256 p = _mm256_mul_ps(_mm256_loadu_ps(src + g->rgb_offset[d]), _mm256_loadu_ps(g->rgb_weight + 8 * d));
        __m256 sum = _mm256_add_ps(p, _mm256_permutevar8x32_ps(p, upper));
        _mm_storeu_ps(out + 3 * d, _mm256_castps256_ps128(sum));
    }
    gather_f32_tail(src, g, 3 * d, out);
}


/*
 * One pixel of gather_f32_rgb_avx2 fused with the two-row vertical blend:
 * the 8 floats at `at` blended as the vertical pass would (same products,
 * same sum), then weighed by `wx` and lanes 0-2 added to lanes 3-5. Returns
 * the pixel in lanes 0-2 (lane 3: the next pixel's first value, garbage).
 */
RT_TARGET_AVX2 static inline __m128 blend_rgb_pixel_avx2(const float *r0, const float *r1, __m256 a, __m256 b,
                                                         __m256 wx, __m256i upper) {
    __m256 v = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(r0), a), _mm256_mul_ps(_mm256_loadu_ps(r1), b));
    __m256 p = _mm256_mul_ps(v, wx);
    return _mm256_castps256_ps128(_mm256_add_ps(p, _mm256_permutevar8x32_ps(p, upper)));
}

/* Lanes 0-2 of v to out[0..2] only. */
RT_TARGET_AVX2 static inline void store_rgb_avx2(float *out, __m128 v) {
    _mm_storel_pi((__m64 *)out, v);
    _mm_store_ss(out + 2, _mm_movehl_ps(v, v));
}

/*
 * Columns [0, g->rgb_pixels) of the rows in r. Each 4-float store also
 * writes the next pixel's first value, which that pixel then overwrites;
 * the row's last pixel stores exactly three. Returns the pixels done.
 */
RT_TARGET_AVX2 static int64_t blend_rgb_avx2(const rgb_rows *r, const gather_table *g) {
    const __m256i upper = _mm256_setr_epi32(3, 4, 5, 3, 4, 5, 6, 7);
    const int32_t *offset = g->rgb_offset;
    const float *weight = g->rgb_weight;
    const int64_t last = g->rgb_pixels - 1;
    if (last < 0) {
        return 0;
    }
    const __m256 a0 = _mm256_set1_ps(r->w[0][0]), b0 = _mm256_set1_ps(r->w[0][1]);
    const float *s00 = r->src[0][0], *s01 = r->src[0][1];
    float *o0 = r->out[0];
    if (r->count == 2) {
        const __m256 a1 = _mm256_set1_ps(r->w[1][0]), b1 = _mm256_set1_ps(r->w[1][1]);
        const float *s10 = r->src[1][0], *s11 = r->src[1][1];
        float *o1 = r->out[1];
        for (int64_t d = 0; d < last; d++) {
            int64_t at = offset[d];
            __m256 wx = _mm256_loadu_ps(weight + 8 * d);
            _mm_storeu_ps(o0 + 3 * d, blend_rgb_pixel_avx2(s00 + at, s01 + at, a0, b0, wx, upper));
            _mm_storeu_ps(o1 + 3 * d, blend_rgb_pixel_avx2(s10 + at, s11 + at, a1, b1, wx, upper));
        }
        int64_t at = offset[last];
        __m256 wx = _mm256_loadu_ps(weight + 8 * last);
        store_rgb_avx2(o1 + 3 * last, blend_rgb_pixel_avx2(s10 + at, s11 + at, a1, b1, wx, upper));
    } else {
        for (int64_t d = 0; d < last; d++) {
            int64_t at = offset[d];
            __m256 wx = _mm256_loadu_ps(weight + 8 * d);
            _mm_storeu_ps(o0 + 3 * d, blend_rgb_pixel_avx2(s00 + at, s01 + at, a0, b0, wx, upper));
        }
    }
    int64_t at = offset[last];
    store_rgb_avx2(o0 + 3 * last,
                   blend_rgb_pixel_avx2(s00 + at, s01 + at, a0, b0, _mm256_loadu_ps(weight + 8 * last), upper));
    return last + 1;
}

RT_TARGET_AVX2 static void gather_f32_avx2(const float *src, const gather_table *g, float *out) {
    if (g->rgb_pixels) {
        gather_f32_rgb_avx2(src, g, out);
        return;
    }
    int64_t k = 0, n = g->values;
    for (; k + 8 <= n; k += 8) {
        __m256i at = _mm256_loadu_si256((const __m256i *)(g->offset + k));
        __m256 v = _mm256_mul_ps(_mm256_i32gather_ps(src, at, 4), _mm256_loadu_ps(g->weight + k));
        for (int32_t j = 1; j < g->taps; j++) {
            at = _mm256_loadu_si256((const __m256i *)(g->offset + j * n + k));
            v = _mm256_add_ps(v, _mm256_mul_ps(_mm256_i32gather_ps(src, at, 4), _mm256_loadu_ps(g->weight + j * n + k)));
        }
        _mm256_storeu_ps(out + k, v);
    }
    gather_f32_tail(src, g, k, out);
}

/* Byte src[offset] of each lane (a 4-byte gather kept inside the row by the table). */
RT_TARGET_AVX2 static __m256i gather_bytes_avx2(const uint8_t *src, const int32_t *offset) {
    __m256i at = _mm256_loadu_si256((const __m256i *)offset);
    return _mm256_and_si256(_mm256_i32gather_epi32((const int *)src, at, 1), _mm256_set1_epi32(0xFF));
}

/* Per 32-bit lane: byte 0 to the low int16, byte `step` to the high one (pshufb control, per 128-bit lane). */
RT_TARGET_AVX2 static __m256i pair_control_avx2(int32_t step) {
    int32_t lane[4];
    for (uint32_t i = 0; i < 4; i++) {
        lane[i] = (int32_t)((4 * i) | 0x80u << 8 | (4 * i + (uint32_t)step) << 16 | 0x80u << 24);
    }
    return _mm256_setr_epi32(lane[0], lane[1], lane[2], lane[3], lane[0], lane[1], lane[2], lane[3]);
}

/* Two taps `step` bytes apart from one gather: both bytes of each lane's 4-byte load, as two int16. */
RT_TARGET_AVX2 static void gather_u8_pairs_avx2(const uint8_t *src, const gather_table *g, int32_t *out) {
    const __m256i control = pair_control_avx2(g->pair_step);
    int64_t k = 0;
    for (; k + 8 <= g->values; k += 8) {
        __m256i at = _mm256_loadu_si256((const __m256i *)(g->offset + k));
        __m256i pair = _mm256_shuffle_epi8(_mm256_i32gather_epi32((const int *)src, at, 1), control);
        __m256i w = _mm256_loadu_si256((const __m256i *)(g->fixed_pair + k));
        _mm256_storeu_si256((__m256i *)(out + k), _mm256_madd_epi16(pair, w));
    }
    gather_u8_tail(src, g, k, out);
}

/*
 * uint8 with three channels and adjacent taps: one 8-byte load at the left
 * tap holds both taps' pixels; pshufb makes each channel's two bytes one
 * int16 pair (the layout gather_u8_pairs_avx2 builds from its gathers) and
 * multiply-add weighs them: two pixels per 256-bit vector, no gathers. Each
 * 4-value store also writes the next pixel's first value, which that pixel
 * then overwrites; the last pixel is scalar.
 */
RT_TARGET_AVX2 static void gather_u8_rgb_avx2(const uint8_t *src, const gather_table *g, int32_t *out) {
    const __m128i lane = _mm_setr_epi8(0, -1, 3, -1, 1, -1, 4, -1, 2, -1, 5, -1, -1, -1, -1, -1);
    const __m256i control = _mm256_set_m128i(lane, lane);
    const int32_t *offset = g->rgb_offset, *weight = g->fixed_pair;
    int64_t d = 0;
    for (; d + 2 < g->rgb_pixels; d += 2) {
        __m256i pixels = _mm256_set_m128i(_mm_loadl_epi64((const __m128i *)(src + offset[d + 1])),
                                          _mm_loadl_epi64((const __m128i *)(src + offset[d])));
        __m256i w = _mm256_set_m128i(_mm_loadu_si128((const __m128i *)(weight + 3 * d + 3)),
                                     _mm_loadu_si128((const __m128i *)(weight + 3 * d)));
        __m256i v = _mm256_madd_epi16(_mm256_shuffle_epi8(pixels, control), w);
        _mm_storeu_si128((__m128i *)(out + 3 * d), _mm256_castsi256_si128(v));
        _mm_storeu_si128((__m128i *)(out + 3 * d + 3), _mm256_extracti128_si256(v, 1));
    }
    gather_u8_tail(src, g, 3 * d, out);
}

RT_TARGET_AVX2 static void gather_u8_avx2(const uint8_t *src, const gather_table *g, int32_t *out) {
    if (g->rgb_pixels) {
        gather_u8_rgb_avx2(src, g, out);
        return;
    }
    if (g->pair_step) {
        gather_u8_pairs_avx2(src, g, out);
        return;
    }
    int64_t k = 0, n = g->values;
    for (; k + 8 <= n; k += 8) {
        __m256i v = _mm256_setzero_si256();
        for (int32_t j = 0; j < g->taps; j += 2) {
            __m256i pair = _mm256_or_si256(gather_bytes_avx2(src, g->offset + j * n + k),
                                           _mm256_slli_epi32(gather_bytes_avx2(src, g->offset + (j + 1) * n + k), 16));
            __m256i w = _mm256_loadu_si256((const __m256i *)(g->fixed_pair + (j / 2) * n + k));
            v = _mm256_add_epi32(v, _mm256_madd_epi16(pair, w));
        }
        _mm256_storeu_si256((__m256i *)(out + k), v);
    }
    gather_u8_tail(src, g, k, out);
}

RT_TARGET_AVX512 static void gather_f32_avx512(const float *src, const gather_table *g, float *out) {
    if (g->rgb_pixels) {
        gather_f32_rgb_avx2(src, g, out);
        return;
    }
    int64_t k = 0, n = g->values;
    for (; k + 16 <= n; k += 16) {
        __m512i at = _mm512_loadu_si512((const void *)(g->offset + k));
        __m512 v = _mm512_mul_ps(_mm512_i32gather_ps(at, src, 4), _mm512_loadu_ps(g->weight + k));
        for (int32_t j = 1; j < g->taps; j++) {
            at = _mm512_loadu_si512((const void *)(g->offset + j * n + k));
            v = _mm512_add_ps(v, _mm512_mul_ps(_mm512_i32gather_ps(at, src, 4), _mm512_loadu_ps(g->weight + j * n + k)));
        }
        _mm512_storeu_ps(out + k, v);
    }
    gather_f32_tail(src, g, k, out);
}

RT_TARGET_AVX512 static __m512i gather_bytes_avx512(const uint8_t *src, const int32_t *offset) {
    __m512i at = _mm512_loadu_si512((const void *)offset);
    return _mm512_and_si512(_mm512_i32gather_epi32(at, src, 1), _mm512_set1_epi32(0xFF));
}

RT_TARGET_AVX512 static void gather_u8_pairs_avx512(const uint8_t *src, const gather_table *g, int32_t *out) {
    const __m512i control = _mm512_broadcast_i32x4(_mm256_castsi256_si128(pair_control_avx2(g->pair_step)));
    int64_t k = 0;
    for (; k + 16 <= g->values; k += 16) {
        __m512i at = _mm512_loadu_si512((const void *)(g->offset + k));
        __m512i pair = _mm512_shuffle_epi8(_mm512_i32gather_epi32(at, src, 1), control);
        __m512i w = _mm512_loadu_si512((const void *)(g->fixed_pair + k));
        _mm512_storeu_si512((void *)(out + k), _mm512_madd_epi16(pair, w));
    }
    gather_u8_tail(src, g, k, out);
}

/*
 * gather_u8_rgb_avx2 four pixels at a time: one 128-bit lane per pixel, the
 * results compacted to 12 values and stored under a mask (no overlap).
 */
RT_TARGET_AVX512 static void gather_u8_rgb_avx512(const uint8_t *src, const gather_table *g, int32_t *out) {
    const __m128i lane = _mm_setr_epi8(0, -1, 3, -1, 1, -1, 4, -1, 2, -1, 5, -1, -1, -1, -1, -1);
    const __m512i control = _mm512_broadcast_i32x4(lane);
    const __m512i compact = _mm512_setr_epi32(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0, 0, 0, 0);
    const int32_t *offset = g->rgb_offset;
    int64_t d = 0;
    for (; d + 4 <= g->rgb_pixels; d += 4) {
        __m256i low = _mm256_set_m128i(_mm_loadl_epi64((const __m128i *)(src + offset[d + 1])),
                                       _mm_loadl_epi64((const __m128i *)(src + offset[d])));
        __m256i high = _mm256_set_m128i(_mm_loadl_epi64((const __m128i *)(src + offset[d + 3])),
                                        _mm_loadl_epi64((const __m128i *)(src + offset[d + 2])));
        __m512i pixels = _mm512_inserti64x4(_mm512_castsi256_si512(low), high, 1);
        __m512i v = _mm512_madd_epi16(_mm512_shuffle_epi8(pixels, control),
                                      _mm512_loadu_si512((const void *)(g->rgb_fixed + 4 * d)));
        _mm512_mask_storeu_epi32(out + 3 * d, 0x0FFF, _mm512_permutexvar_epi32(compact, v));
    }
    gather_u8_tail(src, g, 3 * d, out);
}

RT_TARGET_AVX512 static void gather_u8_avx512(const uint8_t *src, const gather_table *g, int32_t *out) {
    if (g->rgb_pixels) {
        gather_u8_rgb_avx512(src, g, out);
        return;
    }
    if (g->pair_step) {
        gather_u8_pairs_avx512(src, g, out);
        return;
    }
    int64_t k = 0, n = g->values;
    for (; k + 16 <= n; k += 16) {
        __m512i v = _mm512_setzero_si512();
        for (int32_t j = 0; j < g->taps; j += 2) {
            __m512i pair = _mm512_or_si512(gather_bytes_avx512(src, g->offset + j * n + k),
                                           _mm512_slli_epi32(gather_bytes_avx512(src, g->offset + (j + 1) * n + k), 16));
            __m512i w = _mm512_loadu_si512((const void *)(g->fixed_pair + (j / 2) * n + k));
            v = _mm512_add_epi32(v, _mm512_madd_epi16(pair, w));
        }
        _mm512_storeu_si512((void *)(out + k), v);
    }
    gather_u8_tail(src, g, k, out);
}
#endif

#if RT_ARCH_WASM_SIMD
/* simd128 has no gather: four lane loads. */
static void gather_f32_wasm(const float *src, const gather_table *g, float *out) {
    int64_t k = 0, n = g->values;
    for (; k + 4 <= n; k += 4) {
        v128_t v = wasm_f32x4_splat(0.0f);
        for (int32_t j = 0; j < g->taps; j++) {
            const int32_t *o = g->offset + j * n + k;
            v128_t x = wasm_f32x4_make(src[o[0]], src[o[1]], src[o[2]], src[o[3]]);
            v128_t term = wasm_f32x4_mul(x, wasm_v128_load(g->weight + j * n + k));
            v = j == 0 ? term : wasm_f32x4_add(v, term);
        }
        wasm_v128_store(out + k, v);
    }
    gather_f32_tail(src, g, k, out);
}

static void gather_u8_wasm(const uint8_t *src, const gather_table *g, int32_t *out) {
    int64_t k = 0, n = g->values;
    for (; k + 4 <= n; k += 4) {
        v128_t v = wasm_i32x4_splat(0);
        for (int32_t j = 0; j < g->taps; j += 2) {
            const int32_t *a = g->offset + j * n + k, *b = a + n;
            v128_t pair = wasm_i32x4_make(src[a[0]] | src[b[0]] << 16, src[a[1]] | src[b[1]] << 16,
                                          src[a[2]] | src[b[2]] << 16, src[a[3]] | src[b[3]] << 16);
            v = wasm_i32x4_add(v, wasm_i32x4_dot_i16x8(pair, wasm_v128_load(g->fixed_pair + (j / 2) * n + k)));
        }
        wasm_v128_store(out + k, v);
    }
    gather_u8_tail(src, g, k, out);
}
#endif

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

/* Where value x of a vertical pass's output row goes: float32, or uint8 when `to_u8`. */
static void *output_at(void *out, int64_t x, int32_t to_u8) {
    return to_u8 ? (void *)((uint8_t *)out + x) : (void *)((float *)out + x);
}

/*
 * Float rows combined with the vertical weights: float32 output, or with
 * `to_u8` uint8 saturated as OpenCV's saturate_cast does (uint8 area shrink,
 * which OpenCV computes in float).
 */
static void vertical_float_scalar(const float *const *rows, const float *w, int32_t taps, int64_t n, void *out,
                                  int32_t to_u8) {
    for (int64_t x = 0; x < n; x++) {
        float v = rows[0][x] * w[0];
        for (int32_t j = 1; j < taps; j++) {
            float term = rows[j][x] * w[j];
            v = v + term;
        }
        if (to_u8) {
            ((uint8_t *)out)[x] = saturate_u8_float(v);
        } else {
            ((float *)out)[x] = v;
        }
    }
}

/* The scalar tail of a SIMD vertical pass, from value x on. */
static void vertical_float_tail(const float *const *rows, const float *w, int32_t taps, int64_t x, int64_t n,
                                void *out, int32_t to_u8) {
    const float *tail[MAX_ROW_TAPS];
    for (int32_t j = 0; j < taps; j++) tail[j] = rows[j] + x;
    vertical_float_scalar(tail, w, taps, n - x, output_at(out, x, to_u8), to_u8);
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

#if RT_ARCH_X86
/* Eight int32 in [0, 255] to eight bytes. */
RT_TARGET_AVX2 static void store_u8x8(uint8_t *out, __m256i v) {
    __m256i words = _mm256_packus_epi32(v, v);
    __m256i bytes = _mm256_packus_epi16(words, words);
    __m256i joined = _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 0, 0, 0, 0, 0, 0));
    _mm_storel_epi64((__m128i *)out, _mm256_castsi256_si128(joined));
}

/*
 * The vertical kernels below call _mm256_zeroupper() before their scalar
 * tails: GCC 12 inserts no vzeroupper there (it does in the other kernels),
 * and SSE code running with the upper register halves dirty (the tails, and
 * whatever the caller runs next) pays for it: cv2.resize of uint8 took
 * 0.33 ms instead of 0.107 ms right after one of our uint8 resizes.
 */
RT_TARGET_AVX2 static void vertical_float_avx2(const float *const *rows, const float *w, int32_t taps, int64_t n,
                                               void *out, int32_t to_u8) {
    int64_t x = 0;
    for (; x + 8 <= n; x += 8) {
        __m256 v = _mm256_mul_ps(_mm256_loadu_ps(rows[0] + x), _mm256_set1_ps(w[0]));
        for (int32_t j = 1; j < taps; j++) {
            v = _mm256_add_ps(v, _mm256_mul_ps(_mm256_loadu_ps(rows[j] + x), _mm256_set1_ps(w[j])));
        }
        if (to_u8) {
            v = _mm256_min_ps(_mm256_max_ps(v, _mm256_setzero_ps()), _mm256_set1_ps(255.0f));
            store_u8x8((uint8_t *)out + x, _mm256_cvtps_epi32(v)); /* rounds half to even */
        } else {
            _mm256_storeu_ps((float *)out + x, v);
        }
    }
    _mm256_zeroupper();
    vertical_float_tail(rows, w, taps, x, n, out, to_u8);
}

/* Sixteen int32 row values >> 4 as int16, in packs' per-lane order (bilinear rows stay below 2**19). */
RT_TARGET_AVX2 static __m256i shifted_int16_avx2(const int32_t *row) {
    return _mm256_packs_epi32(_mm256_srai_epi32(_mm256_loadu_si256((const __m256i *)row), 4),
                              _mm256_srai_epi32(_mm256_loadu_si256((const __m256i *)(row + 8)), 4));
}

/*
 * bilinear_u8_opencv on 16 values at a time in int16 lanes, as OpenCV's own
 * vector code does: rows >> 4 fit in int16 (at most 255 * 2049 >> 4), so
 * ((r >> 4) * w) >> 16 is the high half of an int16 product. Returns the
 * values done.
 */
RT_TARGET_AVX2 static int64_t bilinear_u8_rows_avx2(const int32_t *r0, const int32_t *r1, int32_t w0, int32_t w1,
                                                    int64_t n, uint8_t *out) {
    const __m256i a = _mm256_set1_epi16((int16_t)w0), b = _mm256_set1_epi16((int16_t)w1);
    const __m256i two = _mm256_set1_epi16(2), order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    int64_t x = 0;
    for (; x + 16 <= n; x += 16) {
        __m256i v = _mm256_add_epi16(_mm256_mulhi_epi16(shifted_int16_avx2(r0 + x), a),
                                     _mm256_mulhi_epi16(shifted_int16_avx2(r1 + x), b));
        v = _mm256_srai_epi16(_mm256_add_epi16(v, two), 2);
        __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_packus_epi16(v, v), order); /* undo both packs' lanes */
        _mm_storeu_si128((__m128i *)(out + x), _mm256_castsi256_si128(bytes));
    }
    return x;
}

RT_TARGET_AVX2 static void vertical_u8_fixed_avx2(const int32_t *const *rows, const int32_t *w, int32_t taps,
                                                  int64_t n, uint8_t *out) {
    const __m256i half = _mm256_set1_epi32(1 << (2 * FIXED_BITS - 1));
    int64_t x = taps == 2 ? bilinear_u8_rows_avx2(rows[0], rows[1], w[0], w[1], n, out) : 0;
    for (; taps != 2 && x + 8 <= n; x += 8) {
        __m256i v = _mm256_setzero_si256();
        for (int32_t j = 0; j < taps; j++) {
            __m256i r = _mm256_loadu_si256((const __m256i *)(rows[j] + x));
            v = _mm256_add_epi32(v, _mm256_mullo_epi32(r, _mm256_set1_epi32(w[j])));
        }
        v = _mm256_srai_epi32(_mm256_add_epi32(v, half), 2 * FIXED_BITS);
        store_u8x8(out + x, v); /* packus saturates to [0, 255] as saturate_u8_fixed does */
    }
    _mm256_zeroupper();
    const int32_t *tail[MAX_ROW_TAPS];
    for (int32_t j = 0; j < taps; j++) tail[j] = rows[j] + x;
    vertical_u8_fixed_scalar(tail, w, taps, n - x, out + x);
}

RT_TARGET_AVX512 static void vertical_float_avx512(const float *const *rows, const float *w, int32_t taps,
                                                   int64_t n, void *out, int32_t to_u8) {
    int64_t x = 0;
    for (; x + 16 <= n; x += 16) {
        __m512 v = _mm512_mul_ps(_mm512_loadu_ps(rows[0] + x), _mm512_set1_ps(w[0]));
        for (int32_t j = 1; j < taps; j++) {
            v = _mm512_add_ps(v, _mm512_mul_ps(_mm512_loadu_ps(rows[j] + x), _mm512_set1_ps(w[j])));
        }
        if (to_u8) {
            v = _mm512_min_ps(_mm512_max_ps(v, _mm512_setzero_ps()), _mm512_set1_ps(255.0f));
            _mm_storeu_si128((__m128i *)((uint8_t *)out + x), _mm512_cvtusepi32_epi8(_mm512_cvtps_epi32(v)));
        } else {
            _mm512_storeu_ps((float *)out + x, v);
        }
    }
    _mm256_zeroupper();
    vertical_float_tail(rows, w, taps, x, n, out, to_u8);
}

RT_TARGET_AVX512 static void vertical_u8_fixed_avx512(const int32_t *const *rows, const int32_t *w,
                                                      int32_t taps, int64_t n, uint8_t *out) {
    const __m512i half = _mm512_set1_epi32(1 << (2 * FIXED_BITS - 1));
    int64_t x = taps == 2 ? bilinear_u8_rows_avx2(rows[0], rows[1], w[0], w[1], n, out) : 0; /* int16 lanes: faster */
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
    _mm256_zeroupper();
    const int32_t *tail[MAX_ROW_TAPS];
    for (int32_t j = 0; j < taps; j++) tail[j] = rows[j] + x;
    vertical_u8_fixed_scalar(tail, w, taps, n - x, out + x);
}

#endif

#if RT_ARCH_WASM_SIMD
/* Four int32 to four bytes with saturation to [0, 255]. */
static void store_u8x4(uint8_t *out, v128_t v) {
    v128_t words = wasm_i16x8_narrow_i32x4(v, v);
    v128_t bytes = wasm_u8x16_narrow_i16x8(words, words);
    wasm_v128_store32_lane(out, bytes, 0);
}

static void vertical_float_wasm(const float *const *rows, const float *w, int32_t taps, int64_t n, void *out,
                                int32_t to_u8) {
    int64_t x = 0;
    for (; x + 4 <= n; x += 4) {
        v128_t v = wasm_f32x4_mul(wasm_v128_load(rows[0] + x), wasm_f32x4_splat(w[0]));
        for (int32_t j = 1; j < taps; j++) {
            v = wasm_f32x4_add(v, wasm_f32x4_mul(wasm_v128_load(rows[j] + x), wasm_f32x4_splat(w[j])));
        }
        if (to_u8) {
            v = wasm_f32x4_pmin(wasm_f32x4_pmax(v, wasm_f32x4_splat(0.0f)), wasm_f32x4_splat(255.0f));
            store_u8x4((uint8_t *)out + x, wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_nearest(v)));
        } else {
            wasm_v128_store((float *)out + x, v);
        }
    }
    vertical_float_tail(rows, w, taps, x, n, out, to_u8);
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

#endif

typedef void (*vertical_float_fn)(const float *const *, const float *, int32_t, int64_t, void *, int32_t);
typedef void (*vertical_u8_fixed_fn)(const int32_t *const *, const int32_t *, int32_t, int64_t, uint8_t *);
typedef void (*gather_f32_fn)(const float *, const gather_table *, float *);
typedef void (*gather_u8_fn)(const uint8_t *, const gather_table *, int32_t *);
typedef int64_t (*blend_rgb_fn)(const rgb_rows *, const gather_table *);

/* The SIMD level's kernels; the scalar reference has no gathers (NULL): its loops do every column. */
typedef struct resize_kernels {
    vertical_float_fn vertical_float;
    vertical_u8_fixed_fn u8_fixed;
    gather_f32_fn gather_f32;
    gather_u8_fn gather_u8;
    blend_rgb_fn blend_rgb; /* NULL where there is none */
} resize_kernels;

static resize_kernels pick_kernels(void) {
    switch (rt_simd_active()) {
#if RT_ARCH_X86
    case RT_SIMD_AVX512:
        return (resize_kernels){vertical_float_avx512, vertical_u8_fixed_avx512, gather_f32_avx512, gather_u8_avx512,
                                blend_rgb_avx2};
    case RT_SIMD_AVX2:
        return (resize_kernels){vertical_float_avx2, vertical_u8_fixed_avx2, gather_f32_avx2, gather_u8_avx2,
                                blend_rgb_avx2};
#endif
#if RT_ARCH_WASM_SIMD
    case RT_SIMD_WASM128:
        return (resize_kernels){vertical_float_wasm, vertical_u8_fixed_wasm, gather_f32_wasm, gather_u8_wasm, NULL};
#endif
    default:
        return (resize_kernels){vertical_float_scalar, vertical_u8_fixed_scalar, NULL, NULL, NULL};
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
    void *slot_data;     /* slots * row_values values of 4 bytes; vertical first: one source-width row */
    int vertical_first;  /* float32 shrinking rows: blend source rows first, then resample that one row */
    gather_table gather; /* the horizontal taps per value, for the SIMD levels */
    resize_kernels kernels;
    void *memory;        /* the one pool buffer everything above lives in */
} filter_plan;

static int64_t taps_bytes(int64_t outputs, int32_t max_taps) {
    return outputs * (int64_t)sizeof(int32_t) * (1 + 3 * (int64_t)max_taps);
}

static void carve_taps(axis_taps *t, int64_t outputs, int32_t max_taps, int fixed, uint8_t **cursor) {
    t->max_taps = max_taps;
    t->count = (int32_t *)*cursor;
    t->index = t->count + outputs;
    t->weight = (float *)(t->index + outputs * max_taps);
    t->fixed = fixed ? (int32_t *)(t->weight + outputs * max_taps) : NULL;
    *cursor += taps_bytes(outputs, max_taps);
}

/* Whether the horizontal pass has SIMD gathers: two or four taps per column, fixed-point or float32 rows. */
static int gathers_apply(const filter_plan *plan, int64_t src_row_values) {
    return (plan->x.max_taps == 2 || plan->x.max_taps == 4) && plan->kind != ROWS_U8_FLOAT &&
           src_row_values <= INT32_MAX;
}

static int64_t gather_bytes(int64_t values, int32_t taps) {
    return values * (int64_t)sizeof(int32_t) * (2 * (int64_t)taps + taps / 2 + 8);
}

/*
 * Leading output columns the gathers can compute: all taps present, and for
 * uint8 the 4-byte load at each tap's byte inside the source row.
 */
static int64_t gather_columns(const axis_taps *t, int64_t dst_width, int64_t cn, int64_t src_row_values,
                              int32_t kind) {
    int64_t read = kind == ROWS_U8_FIXED ? 4 : 1; /* elements each gather lane reads */
    int64_t d = 0;
    for (; d < dst_width && t->count[d] == t->max_taps; d++) {
        int32_t last = 0;
        for (int32_t j = 0; j < t->max_taps; j++) {
            last = t->index[d * t->max_taps + j] > last ? t->index[d * t->max_taps + j] : last;
        }
        if ((int64_t)last * cn + cn - 1 + read > src_row_values) {
            break;
        }
    }
    return d;
}

/* Leading columns whose two taps are adjacent pixels and whose 8-float load from the left one stays in the row. */
static int64_t rgb_columns(const axis_taps *t, int64_t columns, int64_t src_row_values) {
    int64_t d = 0;
    while (d < columns && t->index[2 * d + 1] == t->index[2 * d] + 1 && 3 * (int64_t)t->index[2 * d] + 8 <= src_row_values) {
        d++;
    }
    return d;
}

/* `rgb`: the SIMD level has the three-channel float32 kernels (rgb_pixels stays 0 without). */
static void build_gather(const axis_taps *t, int64_t columns, int64_t cn, int32_t kind, int rgb,
                         int64_t src_row_values, gather_table *g) {
    int64_t n = columns * cn;
    g->values = n;
    g->taps = t->max_taps;
    g->pair_step = g->taps == 2 && cn <= 3 ? (int32_t)cn : 0;
    for (int64_t d = 0; d < columns && g->pair_step; d++) {
        g->pair_step = t->index[2 * d + 1] == t->index[2 * d] + 1 ? g->pair_step : 0;
    }
    g->rgb_pixels = rgb && g->taps == 2 && cn == 3 ? rgb_columns(t, columns, src_row_values) : 0;
    for (int64_t d = 0; d < g->rgb_pixels; d++) {
        g->rgb_offset[d] = 3 * t->index[2 * d];
        for (int32_t i = 0; i < 8 && kind == ROWS_F32; i++) {
            g->rgb_weight[8 * d + i] = i < 6 ? t->weight[2 * d + i / 3] : 0.0f;
        }
    }
    for (int64_t d = kind == ROWS_F32 && g->rgb_pixels ? g->rgb_pixels - 1 : 0; d < columns; d++) {
        for (int64_t c = 0; c < cn; c++) {
            int64_t k = d * cn + c;
            for (int32_t j = 0; j < g->taps; j++) {
                int64_t tap = d * t->max_taps + j;
                g->offset[j * n + k] = (int32_t)(t->index[tap] * cn + c);
                g->weight[j * n + k] = t->weight[tap];
            }
            for (int32_t j = 0; j < g->taps && kind == ROWS_U8_FIXED; j += 2) {
                uint32_t low = (uint16_t)(int16_t)t->fixed[d * t->max_taps + j];
                uint32_t high = (uint16_t)(int16_t)t->fixed[d * t->max_taps + j + 1];
                g->fixed_pair[(j / 2) * n + k] = (int32_t)(low | high << 16);
            }
        }
    }
    for (int64_t d = 0; d < g->rgb_pixels && kind == ROWS_U8_FIXED; d++) {
        for (int32_t i = 0; i < 4; i++) {
            g->rgb_fixed[4 * d + i] = i < 3 ? g->fixed_pair[3 * d + i] : 0;
        }
    }
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
    plan->x.max_taps = x_taps;
    plan->kernels = pick_kernels();
    int64_t src_row_values = im->width * im->cn;
    int gathers = plan->kernels.gather_f32 != NULL && gathers_apply(plan, src_row_values);
    plan->vertical_first = plan->kind == ROWS_F32 && out_height < im->height;
    int64_t slot_bytes = plan->vertical_first ? 4 * src_row_values : 4 * plan->row_values * y_taps;
    int64_t bytes = taps_bytes(out_width, x_taps) + taps_bytes(out_height, y_taps) +
                    (int64_t)sizeof(int32_t) * y_taps + slot_bytes + 64 +
                    (gathers ? gather_bytes(plan->row_values, x_taps) : 0);
    RT_RETURN_NOT_OK(rt_pool_alloc(bytes, &plan->memory, err));
    uint8_t *cursor = plan->memory;
    int fixed = plan->kind == ROWS_U8_FIXED;
    carve_taps(&plan->x, out_width, x_taps, fixed, &cursor);
    carve_taps(&plan->y, out_height, y_taps, fixed, &cursor);
    plan->slot_row = (int32_t *)cursor;
    cursor += sizeof(int32_t) * y_taps;
    cursor = (uint8_t *)(((uintptr_t)cursor + 63) & ~(uintptr_t)63);
    plan->slot_data = cursor;
    cursor += slot_bytes;
    build_taps(&px, interpolation, area_shrink, 1, &plan->x);
    build_taps(&py, interpolation, area_shrink, 0, &plan->y);
    plan->gather = (gather_table){0};
    if (gathers) {
        int64_t n = plan->row_values;
        plan->gather.offset = (int32_t *)cursor;
        plan->gather.weight = (float *)(plan->gather.offset + x_taps * n);
        plan->gather.fixed_pair = (int32_t *)(plan->gather.weight + x_taps * n);
        plan->gather.rgb_weight = (float *)(plan->gather.fixed_pair + x_taps / 2 * n);
        plan->gather.rgb_offset = (int32_t *)(plan->gather.rgb_weight + 8 * (n / 3)); /* 13 * n / 3 <= 8 * n */
        plan->gather.rgb_fixed = plan->gather.rgb_offset + n / 3;
        build_gather(&plan->x, gather_columns(&plan->x, out_width, im->cn, src_row_values, plan->kind), im->cn,
                     plan->kind, plan->kernels.blend_rgb != NULL, src_row_values, &plan->gather);
    }
    return RT_OK;
}

/* One source row resampled horizontally: SIMD gathers for the leading columns, the scalar loops for the rest. */
static void resample_row(const filter_plan *plan, const void *src_row, int64_t cn, void *dst_row) {
    int64_t width = plan->row_values / cn;
    int64_t first = plan->gather.values / cn;
    switch (plan->kind) {
    case ROWS_F32:
        if (first) plan->kernels.gather_f32(src_row, &plan->gather, dst_row);
        horizontal_f32(src_row, &plan->x, first, width, cn, dst_row);
        return;
    case ROWS_U8_FIXED:
        if (first) plan->kernels.gather_u8(src_row, &plan->gather, dst_row);
        horizontal_u8_fixed(src_row, &plan->x, first, width, cn, dst_row);
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

/*
 * Touches the source rows output row `y` will read, a cache line at a time,
 * before the current row computes: the gathers jump through a row, which
 * the hardware prefetcher does not follow, so a batch not in cache would
 * otherwise arrive one miss at a time.
 */
static void prefetch_rows(const uint8_t *src, int64_t row_bytes, const axis_taps *t, int64_t y, int64_t rows) {
    if (y >= rows) {
        return;
    }
    for (int32_t j = 0; j < t->count[y]; j++) {
        const uint8_t *row = src + (int64_t)t->index[y * t->max_taps + j] * row_bytes;
        for (int64_t b = 0; b < row_bytes; b += 64) {
#if RT_ARCH_X86 /* inline: GCC 12 drops __builtin_prefetch and _mm_prefetch here */
            __asm__ volatile("prefetcht0 %0" : : "m"(row[b]));
#else
            (void)row;
#endif
        }
    }
}

static void filter_plane(filter_plan *plan, const uint8_t *src,
                         int64_t src_row_bytes, int64_t cn, int64_t out_height, void *dst, int64_t dst_row_bytes) {
    for (int32_t s = 0; s < plan->slots; s++) {
        plan->slot_row[s] = -1;
    }
    for (int64_t y = 0; y < out_height; y++) {
        const axis_taps *t = &plan->y;
        int32_t taps = t->count[y];
        const int32_t *needed = t->index + y * t->max_taps;
        if (!plan->gather.rgb_pixels) { /* the RGB kernels read rows in order: the hardware prefetcher keeps up */
            prefetch_rows(src, src_row_bytes, t, y + PREFETCH_AHEAD, out_height);
        }
        const void *rows[MAX_ROW_TAPS];
        for (int32_t j = 0; j < taps; j++) {
            rows[j] = cached_row(plan, src, src_row_bytes, cn, needed[j], needed, taps);
        }
        void *line = (uint8_t *)dst + y * dst_row_bytes;
        switch (plan->kind) {
        case ROWS_F32:
            plan->kernels.vertical_float((const float *const *)rows, t->weight + y * t->max_taps, taps, plan->row_values,
                                        line, 0);
            break;
        case ROWS_U8_FIXED:
            plan->kernels.u8_fixed((const int32_t *const *)rows, t->fixed + y * t->max_taps, taps, plan->row_values,
                              line);
            break;
        default:
            plan->kernels.vertical_float((const float *const *)rows, t->weight + y * t->max_taps, taps,
                                         plan->row_values, line, 1);
        }
    }
}

/* Whether output row y of a vertical-first plane goes through the fused three-channel kernel. */
static int fused_rgb_row(const filter_plan *plan, int64_t y) {
    return plan->y.count[y] == 2 && plan->gather.rgb_pixels > 0 && plan->kernels.blend_rgb != NULL;
}

/*
 * Output row y, and y + 1 when it is fused too, by the fused kernel; the
 * columns it leaves (past gather.rgb_pixels) blend the source values from
 * the first one they read on (taps only move right) and resample as usual.
 * Returns the rows done.
 */
static int64_t fused_rgb_rows(const filter_plan *plan, const float *src, int64_t src_row_values, int64_t y,
                              int64_t out_height, float *dst) {
    const axis_taps *t = &plan->y;
    rgb_rows r;
    r.count = y + 1 < out_height && fused_rgb_row(plan, y + 1) ? 2 : 1;
    for (int32_t i = 0; i < r.count; i++) {
        for (int32_t j = 0; j < 2; j++) {
            r.src[i][j] = src + (int64_t)t->index[(y + i) * t->max_taps + j] * src_row_values;
            r.w[i][j] = t->weight[(y + i) * t->max_taps + j];
        }
        r.out[i] = dst + (y + i) * plan->row_values;
    }
    int64_t done = plan->kernels.blend_rgb(&r, &plan->gather), width = plan->row_values / 3;
    if (done < width) {
        int64_t from = (int64_t)plan->x.index[done * plan->x.max_taps] * 3;
        float *blended = plan->slot_data;
        for (int32_t i = 0; i < r.count; i++) {
            const float *rest[2] = {r.src[i][0] + from, r.src[i][1] + from};
            plan->kernels.vertical_float(rest, r.w[i], 2, src_row_values - from, blended + from, 0);
            horizontal_f32(blended, &plan->x, done, width, 3, r.out[i]);
        }
    }
    return r.count;
}

/*
 * Float32 planes whose rows shrink, vertical pass first: each output row
 * blends its source rows over the full width (contiguous loads the hardware
 * prefetcher follows), then resamples that one row horizontally from cache.
 * Fewer gathers than resampling every source row first, and the same
 * weights; only the order of float rounding differs from OpenCV's.
 * Bilinear three-channel rows (the common case) fuse the two: blending only
 * the 8 floats each output pixel reads, two output rows at a time.
 */
static void filter_plane_vertical_first(filter_plan *plan, const float *src, int64_t src_row_values, int64_t cn,
                                        int64_t out_height, float *dst) {
    const axis_taps *t = &plan->y;
    float *blended = plan->slot_data;
    for (int64_t y = 0; y < out_height;) {
        if (fused_rgb_row(plan, y)) {
            y += fused_rgb_rows(plan, src, src_row_values, y, out_height, dst);
            continue;
        }
        int32_t taps = t->count[y];
        const float *rows[MAX_ROW_TAPS];
        for (int32_t j = 0; j < taps; j++) {
            rows[j] = src + (int64_t)t->index[y * t->max_taps + j] * src_row_values;
        }
        plan->kernels.vertical_float(rows, t->weight + y * t->max_taps, taps, src_row_values, blended, 0);
        resample_row(plan, blended, cn, dst + y * plan->row_values);
        y++;
    }
}

static rt_status resize_filtered(const image_batch *im, int32_t dtype, const void *data, int64_t out_height,
                                 int64_t out_width, int32_t interpolation, void *out, rt_error *err) {
    filter_plan plan;
    RT_RETURN_NOT_OK(plan_filter(im, dtype, out_height, out_width, interpolation, &plan, err));
    int64_t element = rt_dtype_size(dtype);
    int64_t src_row_bytes = im->width * im->cn * element, dst_row_bytes = out_width * im->cn * element;
    for (int64_t p = 0; p < im->planes && plan.vertical_first; p++) {
        filter_plane_vertical_first(&plan, (const float *)data + p * im->height * im->width * im->cn,
                                    im->width * im->cn, im->cn, out_height,
                                    (float *)out + p * out_height * out_width * im->cn);
    }
    for (int64_t p = 0; p < im->planes && !plan.vertical_first; p++) {
        filter_plane(&plan, (const uint8_t *)data + p * im->height * src_row_bytes, src_row_bytes,
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
