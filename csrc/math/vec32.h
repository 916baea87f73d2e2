/*
 * The float32 vector layer of the math kernels: float lanes `vf` (16 on
 * AVX-512, 8 on AVX2, 4 on wasm simd128, 1 in scalar code), their masks
 * `vfm` and int32 lanes `vfi` for bit manipulation. Included after vec.h
 * (which defines VEC_ISA) by the kernel bodies that have float32 algorithms.
 *
 * vf_mla(a, b, c) = a*b + c and vf_nmla(a, b, c) = c - a*b are fused where
 * the ISA has FMA (AVX2, AVX-512, and native scalar code through the C
 * library's fmaf) and two roundings in wasm simd128, which has none, as
 * vd_mla is in vec.h: a kernel that uses them must stay within its bound
 * both ways (build with -DRT_VEC_NO_FMA to run the unfused arithmetic of the
 * wasm build natively, in the scalar variant), and the browser build then
 * differs from the native one by up to its bound (tests/test_wasm_parity.py).
 * Kernels written with plain vf_mul/vf_add give the same bits everywhere.
 * vf_two_prod's error term is exact, so Dekker's product gives the same bits
 * as the FMA. Every operation below is an IEEE operation
 * (add, sub, mul, div, compare, select, integer bit work), so the scalar
 * reference and each SIMD variant agree bit for bit (vf_lookup16 reads a
 * 16-entry table at the low 4 bits of each index); vf_scale2 multiplies by
 * a power of two with one rounding on every ISA (vscalefps on AVX-512).
 */
#ifndef RT_MATH_VEC32_H
#define RT_MATH_VEC32_H

#include <stdint.h>

#ifndef VEC_ISA
#error "include vec.h before vec32.h"
#endif

#if VEC_ISA == VEC_SCALAR
/* ---------------------------------------------------------------- scalar */
#define VF 1
typedef float vf;
typedef int vfm;
typedef int32_t vfi;

static inline vf vf_set(float a) { return a; }
static inline vf vf_load(const float *p) { return *p; }
static inline void vf_store(float *p, vf a) { *p = a; }
static inline vf vf_add(vf a, vf b) { return a + b; }
static inline vf vf_sub(vf a, vf b) { return a - b; }
static inline vf vf_mul(vf a, vf b) { return a * b; }
static inline vf vf_div(vf a, vf b) { return a / b; }
static inline vf vf_sqrt(vf a) { return __builtin_sqrtf(a); }
#if defined(__wasm__) || defined(RT_VEC_NO_FMA)
#define VF_HAS_FMA 0
static inline vf vf_mla(vf a, vf b, vf c) { return a * b + c; }
static inline vf vf_nmla(vf a, vf b, vf c) { return c - a * b; }
#else
#define VF_HAS_FMA 1
static inline vf vf_mla(vf a, vf b, vf c) { return __builtin_fmaf(a, b, c); }
static inline vf vf_nmla(vf a, vf b, vf c) { return __builtin_fmaf(-a, b, c); }
#endif
static inline vf vf_min(vf a, vf b) { return a < b ? a : b; }
static inline vf vf_max(vf a, vf b) { return a > b ? a : b; }
static inline vfm vf_lt(vf a, vf b) { return a < b; }
static inline vfm vf_gt(vf a, vf b) { return a > b; }
static inline vfm vf_eq(vf a, vf b) { return a == b; }
static inline vfm vf_isnan(vf a) { return a != a; }
static inline vfm vfm_and(vfm a, vfm b) { return a & b; }
static inline vfm vfm_or(vfm a, vfm b) { return a | b; }
static inline vfm vfm_not(vfm a) { return !a; }
static inline int vfm_any(vfm a) { return a; }
static inline vf vf_sel(vfm m, vf a, vf b) { return m ? a : b; }
static inline vfi vf_bits(vf a) { vfi u; __builtin_memcpy(&u, &a, sizeof u); return u; }
static inline vf vfi_float_bits(vfi u) { vf a; __builtin_memcpy(&a, &u, sizeof a); return a; }
static inline vf vfi_to_float(vfi a) { return (float)a; }
static inline vf vf_lookup16(const float *table, vfi index) { return table[index & 15]; }
static inline vfi vfi_set(int32_t a) { return a; }
static inline vfi vfi_add(vfi a, vfi b) { return (vfi)((uint32_t)a + (uint32_t)b); }
static inline vfi vfi_sub(vfi a, vfi b) { return (vfi)((uint32_t)a - (uint32_t)b); }
static inline vfi vfi_and(vfi a, vfi b) { return a & b; }
static inline vfi vfi_or(vfi a, vfi b) { return a | b; }
static inline vfi vfi_shl(vfi a, int n) { return (vfi)((uint32_t)a << n); }
static inline vfi vfi_sar(vfi a, int n) { return a >> n; } /* arithmetic on every supported compiler */
/* Round to nearest even for |a| < 2^22 (callers clamp first; the SIMD variants round the same way). */
static inline vf vf_round(vf a) {
    const float shifter = 0x1.8p23f; /* without -ffast-math (a + s) - s is not folded */
    return (a + shifter) - shifter;
}

#elif VEC_ISA == VEC_AVX2
/* ------------------------------------------------------------------ AVX2 */
#define VF 8
typedef __m256 vf;
typedef __m256 vfm;
typedef __m256i vfi;

static inline vf vf_set(float a) { return _mm256_set1_ps(a); }
static inline vf vf_load(const float *p) { return _mm256_loadu_ps(p); }
static inline void vf_store(float *p, vf a) { _mm256_storeu_ps(p, a); }
static inline vf vf_add(vf a, vf b) { return _mm256_add_ps(a, b); }
static inline vf vf_sub(vf a, vf b) { return _mm256_sub_ps(a, b); }
static inline vf vf_mul(vf a, vf b) { return _mm256_mul_ps(a, b); }
static inline vf vf_div(vf a, vf b) { return _mm256_div_ps(a, b); }
static inline vf vf_sqrt(vf a) { return _mm256_sqrt_ps(a); }
#define VF_HAS_FMA 1
static inline vf vf_mla(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
static inline vf vf_nmla(vf a, vf b, vf c) { return _mm256_fnmadd_ps(a, b, c); }
#define VF_HAS_EXACT_FMS 1
/* a * b - p rounded once: exact when p = a * b rounded (vf_two_prod). */
static inline vf vf_fms_native(vf a, vf b, vf p) { return _mm256_fmsub_ps(a, b, p); }
/* min/max return the second operand when either is NaN, as the scalar a < b ? a : b does. */
static inline vf vf_min(vf a, vf b) { return _mm256_min_ps(a, b); }
static inline vf vf_max(vf a, vf b) { return _mm256_max_ps(a, b); }
static inline vfm vf_lt(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
static inline vfm vf_gt(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
static inline vfm vf_eq(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
static inline vfm vf_isnan(vf a) { return _mm256_cmp_ps(a, a, _CMP_UNORD_Q); }
static inline vfm vfm_and(vfm a, vfm b) { return _mm256_and_ps(a, b); }
static inline vfm vfm_or(vfm a, vfm b) { return _mm256_or_ps(a, b); }
static inline vfm vfm_not(vfm a) { return _mm256_xor_ps(a, _mm256_castsi256_ps(_mm256_set1_epi32(-1))); }
static inline int vfm_any(vfm a) { return _mm256_movemask_ps(a) != 0; }
static inline vf vf_sel(vfm m, vf a, vf b) { return _mm256_blendv_ps(b, a, m); }
static inline vfi vf_bits(vf a) { return _mm256_castps_si256(a); }
static inline vf vfi_float_bits(vfi u) { return _mm256_castsi256_ps(u); }
static inline vf vfi_to_float(vfi a) { return _mm256_cvtepi32_ps(a); }
/* The 16-entry table as two permutes and one blend on index bit 3. */
static inline vf vf_lookup16(const float *table, vfi index) {
    vf q0 = _mm256_permutevar8x32_ps(_mm256_loadu_ps(table), index);
    vf q1 = _mm256_permutevar8x32_ps(_mm256_loadu_ps(table + 8), index);
    return _mm256_blendv_ps(q0, q1, _mm256_castsi256_ps(_mm256_slli_epi32(index, 28)));
}
static inline vfi vfi_set(int32_t a) { return _mm256_set1_epi32(a); }
static inline vfi vfi_add(vfi a, vfi b) { return _mm256_add_epi32(a, b); }
static inline vfi vfi_sub(vfi a, vfi b) { return _mm256_sub_epi32(a, b); }
static inline vfi vfi_and(vfi a, vfi b) { return _mm256_and_si256(a, b); }
static inline vfi vfi_or(vfi a, vfi b) { return _mm256_or_si256(a, b); }
#define vfi_shl(a, n) _mm256_slli_epi32((a), (n))
#define vfi_sar(a, n) _mm256_srai_epi32((a), (n))
static inline vf vf_round(vf a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }

#elif VEC_ISA == VEC_AVX512
/* --------------------------------------------------------------- AVX-512 */
#define VF 16
typedef __m512 vf;
typedef __mmask16 vfm;
typedef __m512i vfi;

static inline vf vf_set(float a) { return _mm512_set1_ps(a); }
static inline vf vf_load(const float *p) { return _mm512_loadu_ps(p); }
static inline void vf_store(float *p, vf a) { _mm512_storeu_ps(p, a); }
static inline vf vf_add(vf a, vf b) { return _mm512_add_ps(a, b); }
static inline vf vf_sub(vf a, vf b) { return _mm512_sub_ps(a, b); }
static inline vf vf_mul(vf a, vf b) { return _mm512_mul_ps(a, b); }
static inline vf vf_div(vf a, vf b) { return _mm512_div_ps(a, b); }
static inline vf vf_sqrt(vf a) { return _mm512_sqrt_ps(a); }
#define VF_HAS_FMA 1
static inline vf vf_mla(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }
static inline vf vf_nmla(vf a, vf b, vf c) { return _mm512_fnmadd_ps(a, b, c); }
#define VF_HAS_EXACT_FMS 1
static inline vf vf_fms_native(vf a, vf b, vf p) { return _mm512_fmsub_ps(a, b, p); }
static inline vf vf_min(vf a, vf b) { return _mm512_min_ps(a, b); }
static inline vf vf_max(vf a, vf b) { return _mm512_max_ps(a, b); }
static inline vfm vf_lt(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
static inline vfm vf_gt(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
static inline vfm vf_eq(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
static inline vfm vf_isnan(vf a) { return _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q); }
static inline vfm vfm_and(vfm a, vfm b) { return (vfm)(a & b); }
static inline vfm vfm_or(vfm a, vfm b) { return (vfm)(a | b); }
static inline vfm vfm_not(vfm a) { return (vfm)~a; }
static inline int vfm_any(vfm a) { return a != 0; }
static inline vf vf_sel(vfm m, vf a, vf b) { return _mm512_mask_blend_ps(m, b, a); }
static inline vfi vf_bits(vf a) { return _mm512_castps_si512(a); }
static inline vf vfi_float_bits(vfi u) { return _mm512_castsi512_ps(u); }
static inline vf vfi_to_float(vfi a) { return _mm512_cvtepi32_ps(a); }
/* The 16-entry table in one register (vpermps reads the low 4 index bits). */
static inline vf vf_lookup16(const float *table, vfi index) { return _mm512_permutexvar_ps(index, _mm512_loadu_ps(table)); }
static inline vfi vfi_set(int32_t a) { return _mm512_set1_epi32(a); }
static inline vfi vfi_add(vfi a, vfi b) { return _mm512_add_epi32(a, b); }
static inline vfi vfi_sub(vfi a, vfi b) { return _mm512_sub_epi32(a, b); }
static inline vfi vfi_and(vfi a, vfi b) { return _mm512_and_si512(a, b); }
static inline vfi vfi_or(vfi a, vfi b) { return _mm512_or_si512(a, b); }
#define vfi_shl(a, n) _mm512_slli_epi32((a), (n))
#define vfi_sar(a, n) _mm512_srai_epi32((a), (n))
static inline vf vf_round(vf a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
#define VF_HAS_SCALEF 1
/* a * 2^k for integral k, rounded once (as the two-step product of vf_scale2 below). */
static inline vf vf_scale2_native(vf a, vf k) { return _mm512_scalef_ps(a, k); }

#elif VEC_ISA == VEC_WASM
/* ---------------------------------------------------------- wasm simd128 */
#define VF 4
typedef v128_t vf;
typedef v128_t vfm;
typedef v128_t vfi;

static inline vf vf_set(float a) { return wasm_f32x4_splat(a); }
static inline vf vf_load(const float *p) { return wasm_v128_load(p); }
static inline void vf_store(float *p, vf a) { wasm_v128_store(p, a); }
static inline vf vf_add(vf a, vf b) { return wasm_f32x4_add(a, b); }
static inline vf vf_sub(vf a, vf b) { return wasm_f32x4_sub(a, b); }
static inline vf vf_mul(vf a, vf b) { return wasm_f32x4_mul(a, b); }
static inline vf vf_div(vf a, vf b) { return wasm_f32x4_div(a, b); }
static inline vf vf_sqrt(vf a) { return wasm_f32x4_sqrt(a); }
#define VF_HAS_FMA 0
static inline vf vf_mla(vf a, vf b, vf c) { return wasm_f32x4_add(wasm_f32x4_mul(a, b), c); }
static inline vf vf_nmla(vf a, vf b, vf c) { return wasm_f32x4_sub(c, wasm_f32x4_mul(a, b)); }
/* pmin/pmax are the a < b ? a : b forms, so NaN handling matches the scalar code. */
static inline vf vf_min(vf a, vf b) { return wasm_f32x4_pmin(b, a); }
static inline vf vf_max(vf a, vf b) { return wasm_f32x4_pmax(b, a); }
static inline vfm vf_lt(vf a, vf b) { return wasm_f32x4_lt(a, b); }
static inline vfm vf_gt(vf a, vf b) { return wasm_f32x4_gt(a, b); }
static inline vfm vf_eq(vf a, vf b) { return wasm_f32x4_eq(a, b); }
static inline vfm vf_isnan(vf a) { return wasm_f32x4_ne(a, a); }
static inline vfm vfm_and(vfm a, vfm b) { return wasm_v128_and(a, b); }
static inline vfm vfm_or(vfm a, vfm b) { return wasm_v128_or(a, b); }
static inline vfm vfm_not(vfm a) { return wasm_v128_not(a); }
static inline int vfm_any(vfm a) { return wasm_v128_any_true(a); }
static inline vf vf_sel(vfm m, vf a, vf b) { return wasm_v128_bitselect(a, b, m); }
static inline vfi vf_bits(vf a) { return a; }
static inline vf vfi_float_bits(vfi u) { return u; }
static inline vf vfi_to_float(vfi a) { return wasm_f32x4_convert_i32x4(a); }
static inline vf vf_lookup16(const float *table, vfi index) {
    index = wasm_v128_and(index, wasm_i32x4_splat(15));
    return wasm_f32x4_make(table[wasm_i32x4_extract_lane(index, 0)], table[wasm_i32x4_extract_lane(index, 1)],
                           table[wasm_i32x4_extract_lane(index, 2)], table[wasm_i32x4_extract_lane(index, 3)]);
}
static inline vfi vfi_set(int32_t a) { return wasm_i32x4_splat(a); }
static inline vfi vfi_add(vfi a, vfi b) { return wasm_i32x4_add(a, b); }
static inline vfi vfi_sub(vfi a, vfi b) { return wasm_i32x4_sub(a, b); }
static inline vfi vfi_and(vfi a, vfi b) { return wasm_v128_and(a, b); }
static inline vfi vfi_or(vfi a, vfi b) { return wasm_v128_or(a, b); }
static inline vfi vfi_shl(vfi a, int n) { return wasm_i32x4_shl(a, (uint32_t)n); }
static inline vfi vfi_sar(vfi a, int n) { return wasm_i32x4_shr(a, (uint32_t)n); }
static inline vf vf_round(vf a) { return wasm_f32x4_nearest(a); }

#else
#error "unknown VEC_ISA"
#endif

/* ------------------------------------------------- shared, ISA-independent */

static inline vf vf_abs(vf a) { return vfi_float_bits(vfi_and(vf_bits(a), vfi_set(0x7fffffff))); }
/* |a| with the sign bit of s. */
static inline vf vf_copysign(vf a, vf s) {
    vfi sign = vfi_and(vf_bits(s), vfi_set((int32_t)0x80000000u));
    return vfi_float_bits(vfi_or(vf_bits(vf_abs(a)), sign));
}

/* 2^k for integral k in [-126, 127], built from the exponent bits. */
static inline vf vf_pow2(vf k) {
    /* k + 127 lands in the low mantissa bits of 1.5 * 2^23 + k + 127; shift them into the exponent. */
    vf biased = vf_add(k, vf_set(0x1.8p23f + 127.0f));
    return vfi_float_bits(vfi_shl(vf_bits(biased), 23));
}

/*
 * a * 2^k for integral k in [-200, 200] and a in [2^-2, 2^2]: a * 2^h is exact
 * (h = k/2 rounded, so a * 2^h is normal), so the second product rounds once, as
 * AVX-512's vscalefps does; results may be subnormal or overflow to inf.
 */
static inline vf vf_scale2(vf a, vf k) {
#ifdef VF_HAS_SCALEF
    return vf_scale2_native(a, k);
#else
    vf half = vf_round(vf_mul(k, vf_set(0.5f)));
    return vf_mul(vf_mul(a, vf_pow2(half)), vf_pow2(vf_sub(k, half)));
#endif
}

/*
 * a * b = p + e exactly, for |a|, |b| < 2^100 and |a b| >= 2^-100 or a b = 0
 * (no partial product underflows): the FMA's exact a*b - p where the ISA has
 * one, Dekker's product elsewhere. e is exact either way, so every ISA gives
 * the same bits; outside that range the lane's e is unspecified (mask it).
 */
static inline void vf_two_prod(vf a, vf b, vf *p, vf *e) {
    vf prod = vf_mul(a, b);
#ifdef VF_HAS_EXACT_FMS
    *e = vf_fms_native(a, b, prod);
#else
    vf split = vf_set(4097.0f); /* 2^12 + 1 */
    vf ta = vf_mul(a, split), tb = vf_mul(b, split);
    vf ah = vf_sub(ta, vf_sub(ta, a)), bh = vf_sub(tb, vf_sub(tb, b));
    vf al = vf_sub(a, ah), bl = vf_sub(b, bh);
    *e = vf_add(vf_add(vf_add(vf_sub(vf_mul(ah, bh), prod), vf_mul(ah, bl)), vf_mul(al, bh)), vf_mul(al, bl));
#endif
    *p = prod;
}

/* a + b = s + e exactly when |a| >= |b| or a = 0 (Dekker's fast two-sum). */
static inline void vf_fast_two_sum(vf a, vf b, vf *s, vf *e) {
    vf sum = vf_add(a, b);
    *e = vf_sub(b, vf_sub(sum, a));
    *s = sum;
}

/* Horner's rule with vf_mla (fused where the ISA has FMA: see the top of this file), highest degree first. */
static inline vf vf_poly_mla(vf x, const float *c, int n) {
    vf acc = vf_set(c[0]);
    for (int i = 1; i < n; i++) {
        acc = vf_mla(acc, x, vf_set(c[i]));
    }
    return acc;
}

/* Whole vectors in place, the tail through a zero-padded vector-sized buffer. */
#define VF_UNARY_LOOP(name32, fn32)                                                  \
    void name32(const float *x, int64_t n, float *out) {                             \
        int64_t i = 0;                                                               \
        for (; i + VF <= n; i += VF) {                                               \
            vf_store(out + i, fn32(vf_load(x + i)));                                 \
        }                                                                            \
        if (i < n) {                                                                 \
            float buf[VF] = {0};                                                     \
            __builtin_memcpy(buf, x + i, (size_t)(n - i) * sizeof(float));           \
            vf_store(buf, fn32(vf_load(buf)));                                       \
            __builtin_memcpy(out + i, buf, (size_t)(n - i) * sizeof(float));         \
        }                                                                            \
    }

/* The two-input form: out[i] = fn32(a[i], b[i]), the tail through zero-padded buffers. */
#define VF_BINARY_LOOP(name32, fn32)                                                 \
    void name32(const float *a, const float *b, int64_t n, float *out) {             \
        int64_t i = 0;                                                               \
        for (; i + VF <= n; i += VF) {                                               \
            vf_store(out + i, fn32(vf_load(a + i), vf_load(b + i)));                 \
        }                                                                            \
        if (i < n) {                                                                 \
            float ba[VF] = {0}, bb[VF] = {0};                                        \
            __builtin_memcpy(ba, a + i, (size_t)(n - i) * sizeof(float));           \
            __builtin_memcpy(bb, b + i, (size_t)(n - i) * sizeof(float));           \
            vf_store(ba, fn32(vf_load(ba), vf_load(bb)));                            \
            __builtin_memcpy(out + i, ba, (size_t)(n - i) * sizeof(float));          \
        }                                                                            \
    }

#endif /* RT_MATH_VEC32_H */
