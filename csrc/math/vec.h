/*
 * A small portable vector layer for the elementary math kernels.
 *
 * Each ISA variant is its own translation unit (elementary_<isa>.c) that
 * defines VEC_ISA and includes this header and then elementary_body.h, so
 * the algorithm is written once and compiled four times. The header gives
 * a double vector `vd`, a lane mask `vm` and the operations the algorithms
 * need (vd_lookup32, vd_lookup16 and vd_lookup8 read a 32-, 16- or 8-entry table; indices must be in
 * [0, 32), [0, 16) or [0, 8); vd_lookup16_low reads entry index mod 16 of any 64-bit index). Two of
 * them carry the accuracy contract:
 *
 *   vd_mla(a, b, c)  a*b + c, fused where the ISA has FMA (polynomials only);
 *                    vd_nmla(a, b, c) is c - a*b and vd_mls(a, b, c) a*b - c alike;
 *   vd_two_prod      the exact product a*b = p + e (FMA, or Dekker's
 *                    splitting where there is no FMA: wasm and its scalar code).
 *
 * Native scalar code uses the C library's fma(), which glibc runs on the FMA
 * unit when there is one, so the scalar reference is bit-identical to the
 * AVX2 and AVX-512 variants; the wasm build has no libm and no FMA, so its
 * scalar and simd128 code share the unfused path instead.
 */
#ifndef RT_MATH_VEC_H
#define RT_MATH_VEC_H

#include <stdint.h>


#define VEC_SCALAR 0
#define VEC_AVX2 1
#define VEC_AVX512 2
#define VEC_WASM 3

#ifndef VEC_ISA
#error "define VEC_ISA before including vec.h"
#endif

#if VEC_ISA == VEC_SCALAR
/* ---------------------------------------------------------------- scalar */
#define VL 1
typedef double vd;
typedef int vm;
typedef uint64_t vu;

static inline vd vd_set(double a) { return a; }
static inline vd vd_load(const double *p) { return *p; }
static inline void vd_store(double *p, vd a) { *p = a; }
static inline vd vd_load_f32(const float *p) { return (double)*p; }
static inline void vd_store_f32(float *p, vd a) { *p = (float)a; }
static inline vd vd_add(vd a, vd b) { return a + b; }
static inline vd vd_sub(vd a, vd b) { return a - b; }
static inline vd vd_mul(vd a, vd b) { return a * b; }
static inline vd vd_div(vd a, vd b) { return a / b; }
static inline vd vd_sqrt(vd a) { return __builtin_sqrt(a); }
#if defined(__wasm__) || defined(RT_VEC_NO_FMA) /* RT_VEC_NO_FMA: the wasm build's arithmetic, natively */
#define VEC_HAS_FMA 0
static inline vd vd_mla(vd a, vd b, vd c) { return a * b + c; }
static inline vd vd_nmla(vd a, vd b, vd c) { return c - a * b; }
static inline vd vd_mls(vd a, vd b, vd c) { return a * b - c; }
#else
#define VEC_HAS_FMA 1
static inline vd vd_mla(vd a, vd b, vd c) { return __builtin_fma(a, b, c); }
static inline vd vd_nmla(vd a, vd b, vd c) { return __builtin_fma(-a, b, c); }
static inline vd vd_mls(vd a, vd b, vd c) { return __builtin_fma(a, b, -c); }
#endif
static inline vd vd_min(vd a, vd b) { return a < b ? a : b; }
static inline vd vd_max(vd a, vd b) { return a > b ? a : b; }
static inline vm vd_lt(vd a, vd b) { return a < b; }
static inline vm vd_le(vd a, vd b) { return a <= b; }
static inline vm vd_gt(vd a, vd b) { return a > b; }
static inline vm vd_eq(vd a, vd b) { return a == b; }
static inline vm vd_isnan(vd a) { return a != a; }
static inline vm vm_and(vm a, vm b) { return a & b; }
static inline vm vm_or(vm a, vm b) { return a | b; }
static inline vm vm_xor(vm a, vm b) { return a ^ b; }
static inline vm vm_not(vm a) { return !a; }
static inline int vm_any(vm a) { return a; }
static inline int vm_all(vm a) { return a; }
/* vm_lanes: bit i set where lane i of the mask is set (every ISA). */
static inline unsigned vm_lanes(vm a) { return (unsigned)a & 1u; }
static inline vd vd_sel(vm m, vd a, vd b) { return m ? a : b; }
static inline vu vd_bits(vd a) { vu u; __builtin_memcpy(&u, &a, sizeof u); return u; }
static inline vd vu_double(vu u) { vd a; __builtin_memcpy(&a, &u, sizeof a); return a; }
static inline vu vu_set(uint64_t a) { return a; }
static inline vu vu_and(vu a, vu b) { return a & b; }
static inline vu vu_or(vu a, vu b) { return a | b; }
static inline vu vu_xor(vu a, vu b) { return a ^ b; }
static inline vu vu_add(vu a, vu b) { return a + b; }
static inline vu vu_sub(vu a, vu b) { return a - b; }
static inline vd vd_lookup32(const double *table, vu index) { return table[index]; }
static inline vd vd_lookup8(const double *table, vu index) { return table[index]; }
static inline vd vd_lookup16(const double *table, vu index) { return table[index]; }
static inline vd vd_lookup16_low(const double *table, vu index) { return table[index & 15]; }
static inline vu vu_shl(vu a, int n) { return a << n; }
static inline vu vu_shr(vu a, int n) { return a >> n; }
/* Round to nearest even for |a| < 2^51 (callers clamp first); no libm needed. */
static inline vd vd_round(vd a) {
    const double shifter = 0x1.8p52; /* without -ffast-math (a + s) - s is not folded */
    return (a + shifter) - shifter;
}

#elif VEC_ISA == VEC_AVX2
/* ------------------------------------------------------------------ AVX2 */
#include <immintrin.h>
#define VL 4
#define VEC_HAS_FMA 1
typedef __m256d vd;
typedef __m256d vm;
typedef __m256i vu;

static inline vd vd_set(double a) { return _mm256_set1_pd(a); }
static inline vd vd_load(const double *p) { return _mm256_loadu_pd(p); }
static inline void vd_store(double *p, vd a) { _mm256_storeu_pd(p, a); }
static inline vd vd_load_f32(const float *p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }
static inline void vd_store_f32(float *p, vd a) { _mm_storeu_ps(p, _mm256_cvtpd_ps(a)); }
static inline vd vd_add(vd a, vd b) { return _mm256_add_pd(a, b); }
static inline vd vd_sub(vd a, vd b) { return _mm256_sub_pd(a, b); }
static inline vd vd_mul(vd a, vd b) { return _mm256_mul_pd(a, b); }
static inline vd vd_div(vd a, vd b) { return _mm256_div_pd(a, b); }
static inline vd vd_sqrt(vd a) { return _mm256_sqrt_pd(a); }
static inline vd vd_mla(vd a, vd b, vd c) { return _mm256_fmadd_pd(a, b, c); }
static inline vd vd_nmla(vd a, vd b, vd c) { return _mm256_fnmadd_pd(a, b, c); }
static inline vd vd_mls(vd a, vd b, vd c) { return _mm256_fmsub_pd(a, b, c); }
/* min/max return the second operand when either is NaN, as the scalar a < b ? a : b does. */
static inline vd vd_min(vd a, vd b) { return _mm256_min_pd(a, b); }
static inline vd vd_max(vd a, vd b) { return _mm256_max_pd(a, b); }
static inline vm vd_lt(vd a, vd b) { return _mm256_cmp_pd(a, b, _CMP_LT_OQ); }
static inline vm vd_le(vd a, vd b) { return _mm256_cmp_pd(a, b, _CMP_LE_OQ); }
static inline vm vd_gt(vd a, vd b) { return _mm256_cmp_pd(a, b, _CMP_GT_OQ); }
static inline vm vd_eq(vd a, vd b) { return _mm256_cmp_pd(a, b, _CMP_EQ_OQ); }
static inline vm vd_isnan(vd a) { return _mm256_cmp_pd(a, a, _CMP_UNORD_Q); }
static inline vm vm_and(vm a, vm b) { return _mm256_and_pd(a, b); }
static inline vm vm_or(vm a, vm b) { return _mm256_or_pd(a, b); }
static inline vm vm_xor(vm a, vm b) { return _mm256_xor_pd(a, b); }
static inline vm vm_not(vm a) { return _mm256_xor_pd(a, _mm256_castsi256_pd(_mm256_set1_epi64x(-1))); }
static inline int vm_any(vm a) { return _mm256_movemask_pd(a) != 0; }
static inline int vm_all(vm a) { return _mm256_movemask_pd(a) == 0xf; }
static inline unsigned vm_lanes(vm a) { return (unsigned)_mm256_movemask_pd(a); }
static inline vd vd_sel(vm m, vd a, vd b) { return _mm256_blendv_pd(b, a, m); }
static inline vu vd_bits(vd a) { return _mm256_castpd_si256(a); }
static inline vd vu_double(vu u) { return _mm256_castsi256_pd(u); }
static inline vu vu_set(uint64_t a) { return _mm256_set1_epi64x((long long)a); }
static inline vu vu_and(vu a, vu b) { return _mm256_and_si256(a, b); }
static inline vu vu_or(vu a, vu b) { return _mm256_or_si256(a, b); }
static inline vu vu_xor(vu a, vu b) { return _mm256_xor_si256(a, b); }
static inline vu vu_add(vu a, vu b) { return _mm256_add_epi64(a, b); }
static inline vu vu_sub(vu a, vu b) { return _mm256_sub_epi64(a, b); }
/*
 * Table reads on AVX2 are four scalar loads (each index moved to a general register) combined into
 * one vector, for every table size: faster on Zen 4 than vgatherqpd (about 7 cycles a gather: pow's
 * five gathered tables were 40% of its time) and than the permutes and blends vd_lookup16 used
 * (about 20 operations). In cache, float64: pow(x, 2.37) 6.98 -> 5.59 ns, sinh 2.28 -> 1.89, cosh
 * 2.15 -> 1.53, log 3.07 -> 2.76 (docs/benchmarks.md). The entries are the same either way.
 */
static inline vd vd_lookup32(const double *table, vu index) {
    __m128i low = _mm256_castsi256_si128(index), high = _mm256_extracti128_si256(index, 1);
    __m128d a = _mm_loadh_pd(_mm_load_sd(table + _mm_cvtsi128_si64(low)), table + _mm_extract_epi64(low, 1));
    __m128d b = _mm_loadh_pd(_mm_load_sd(table + _mm_cvtsi128_si64(high)), table + _mm_extract_epi64(high, 1));
    return _mm256_insertf128_pd(_mm256_castpd128_pd256(a), b, 1);
}
static inline vd vd_lookup8(const double *table, vu index) { return vd_lookup32(table, index); }
static inline vd vd_lookup16(const double *table, vu index) { return vd_lookup32(table, index); }
static inline vd vd_lookup16_low(const double *table, vu index) { return vd_lookup32(table, vu_and(index, vu_set(15))); }
#define vu_shl(a, n) _mm256_slli_epi64((a), (n))
#define vu_shr(a, n) _mm256_srli_epi64((a), (n))
static inline vd vd_round(vd a) { return _mm256_round_pd(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }

#elif VEC_ISA == VEC_AVX512
/* --------------------------------------------------------------- AVX-512 */
#include <immintrin.h>
#define VL 8
#define VEC_HAS_FMA 1
typedef __m512d vd;
typedef __mmask8 vm;
typedef __m512i vu;

static inline vd vd_set(double a) { return _mm512_set1_pd(a); }
static inline vd vd_load(const double *p) { return _mm512_loadu_pd(p); }
static inline void vd_store(double *p, vd a) { _mm512_storeu_pd(p, a); }
static inline vd vd_load_f32(const float *p) { return _mm512_cvtps_pd(_mm256_loadu_ps(p)); }
static inline void vd_store_f32(float *p, vd a) { _mm256_storeu_ps(p, _mm512_cvtpd_ps(a)); }
static inline vd vd_add(vd a, vd b) { return _mm512_add_pd(a, b); }
static inline vd vd_sub(vd a, vd b) { return _mm512_sub_pd(a, b); }
static inline vd vd_mul(vd a, vd b) { return _mm512_mul_pd(a, b); }
static inline vd vd_div(vd a, vd b) { return _mm512_div_pd(a, b); }
static inline vd vd_sqrt(vd a) { return _mm512_sqrt_pd(a); }
static inline vd vd_mla(vd a, vd b, vd c) { return _mm512_fmadd_pd(a, b, c); }
static inline vd vd_nmla(vd a, vd b, vd c) { return _mm512_fnmadd_pd(a, b, c); }
static inline vd vd_mls(vd a, vd b, vd c) { return _mm512_fmsub_pd(a, b, c); }
static inline vd vd_min(vd a, vd b) { return _mm512_min_pd(a, b); }
static inline vd vd_max(vd a, vd b) { return _mm512_max_pd(a, b); }
static inline vm vd_lt(vd a, vd b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
static inline vm vd_le(vd a, vd b) { return _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ); }
static inline vm vd_gt(vd a, vd b) { return _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ); }
static inline vm vd_eq(vd a, vd b) { return _mm512_cmp_pd_mask(a, b, _CMP_EQ_OQ); }
static inline vm vd_isnan(vd a) { return _mm512_cmp_pd_mask(a, a, _CMP_UNORD_Q); }
static inline vm vm_and(vm a, vm b) { return (vm)(a & b); }
static inline vm vm_or(vm a, vm b) { return (vm)(a | b); }
static inline vm vm_xor(vm a, vm b) { return (vm)(a ^ b); }
static inline vm vm_not(vm a) { return (vm)~a; }
static inline int vm_any(vm a) { return a != 0; }
static inline int vm_all(vm a) { return a == 0xff; }
static inline unsigned vm_lanes(vm a) { return (unsigned)a; }
static inline vd vd_sel(vm m, vd a, vd b) { return _mm512_mask_blend_pd(m, b, a); }
static inline vu vd_bits(vd a) { return _mm512_castpd_si512(a); }
static inline vd vu_double(vu u) { return _mm512_castsi512_pd(u); }
static inline vu vu_set(uint64_t a) { return _mm512_set1_epi64((long long)a); }
static inline vu vu_and(vu a, vu b) { return _mm512_and_si512(a, b); }
static inline vu vu_or(vu a, vu b) { return _mm512_or_si512(a, b); }
static inline vu vu_xor(vu a, vu b) { return _mm512_xor_si512(a, b); }
static inline vu vu_add(vu a, vu b) { return _mm512_add_epi64(a, b); }
static inline vu vu_sub(vu a, vu b) { return _mm512_sub_epi64(a, b); }
/* Two 16-entry permutes and a blend: far cheaper than a gather (on Zen 4 a gather costs ~12 cycles). */
static inline vd vd_lookup32(const double *table, vu index) {
    vd low = _mm512_permutex2var_pd(_mm512_loadu_pd(table), index, _mm512_loadu_pd(table + 8));
    vd high = _mm512_permutex2var_pd(_mm512_loadu_pd(table + 16), index, _mm512_loadu_pd(table + 24));
    return _mm512_mask_blend_pd(_mm512_test_epi64_mask(index, _mm512_set1_epi64(16)), low, high);
}
static inline vd vd_lookup8(const double *table, vu index) { return _mm512_permutexvar_pd(index, _mm512_loadu_pd(table)); }
/* One two-register permute: bit 3 of the index picks the register. */
static inline vd vd_lookup16(const double *table, vu index) {
    return _mm512_permutex2var_pd(_mm512_loadu_pd(table), index, _mm512_loadu_pd(table + 8));
}
/* The permute reads only the index's low 4 bits: vd_lookup16_low(t, i) = vd_lookup16(t, i & 15). */
static inline vd vd_lookup16_low(const double *table, vu index) { return vd_lookup16(table, index); }
#define vu_shl(a, n) _mm512_slli_epi64((a), (n))
#define vu_shr(a, n) _mm512_srli_epi64((a), (n))
static inline vd vd_round(vd a) { return _mm512_roundscale_pd(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }

#elif VEC_ISA == VEC_WASM
/* ---------------------------------------------------------- wasm simd128 */
#include <wasm_simd128.h>
#define VL 2
#define VEC_HAS_FMA 0
typedef v128_t vd;
typedef v128_t vm;
typedef v128_t vu;

static inline vd vd_set(double a) { return wasm_f64x2_splat(a); }
static inline vd vd_load(const double *p) { return wasm_v128_load(p); }
static inline void vd_store(double *p, vd a) { wasm_v128_store(p, a); }
static inline vd vd_load_f32(const float *p) { return wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(p)); }
static inline void vd_store_f32(float *p, vd a) { wasm_v128_store64_lane(p, wasm_f32x4_demote_f64x2_zero(a), 0); }
static inline vd vd_add(vd a, vd b) { return wasm_f64x2_add(a, b); }
static inline vd vd_sub(vd a, vd b) { return wasm_f64x2_sub(a, b); }
static inline vd vd_mul(vd a, vd b) { return wasm_f64x2_mul(a, b); }
static inline vd vd_div(vd a, vd b) { return wasm_f64x2_div(a, b); }
static inline vd vd_sqrt(vd a) { return wasm_f64x2_sqrt(a); }
static inline vd vd_mla(vd a, vd b, vd c) { return wasm_f64x2_add(wasm_f64x2_mul(a, b), c); }
static inline vd vd_nmla(vd a, vd b, vd c) { return wasm_f64x2_sub(c, wasm_f64x2_mul(a, b)); }
static inline vd vd_mls(vd a, vd b, vd c) { return wasm_f64x2_sub(wasm_f64x2_mul(a, b), c); }
/* pmin/pmax are the a < b ? a : b forms, so NaN handling matches the scalar code. */
static inline vd vd_min(vd a, vd b) { return wasm_f64x2_pmin(b, a); }
static inline vd vd_max(vd a, vd b) { return wasm_f64x2_pmax(b, a); }
static inline vm vd_lt(vd a, vd b) { return wasm_f64x2_lt(a, b); }
static inline vm vd_le(vd a, vd b) { return wasm_f64x2_le(a, b); }
static inline vm vd_gt(vd a, vd b) { return wasm_f64x2_gt(a, b); }
static inline vm vd_eq(vd a, vd b) { return wasm_f64x2_eq(a, b); }
static inline vm vd_isnan(vd a) { return wasm_f64x2_ne(a, a); }
static inline vm vm_and(vm a, vm b) { return wasm_v128_and(a, b); }
static inline vm vm_or(vm a, vm b) { return wasm_v128_or(a, b); }
static inline vm vm_xor(vm a, vm b) { return wasm_v128_xor(a, b); }
static inline vm vm_not(vm a) { return wasm_v128_not(a); }
static inline int vm_any(vm a) { return wasm_v128_any_true(a); }
static inline int vm_all(vm a) { return wasm_i64x2_all_true(a); }
static inline unsigned vm_lanes(vm a) { return (unsigned)wasm_i64x2_bitmask(a); }
static inline vd vd_sel(vm m, vd a, vd b) { return wasm_v128_bitselect(a, b, m); }
static inline vu vd_bits(vd a) { return a; }
static inline vd vu_double(vu u) { return u; }
static inline vu vu_set(uint64_t a) { return wasm_i64x2_splat((int64_t)a); }
static inline vu vu_and(vu a, vu b) { return wasm_v128_and(a, b); }
static inline vu vu_or(vu a, vu b) { return wasm_v128_or(a, b); }
static inline vu vu_xor(vu a, vu b) { return wasm_v128_xor(a, b); }
static inline vu vu_add(vu a, vu b) { return wasm_i64x2_add(a, b); }
static inline vu vu_sub(vu a, vu b) { return wasm_i64x2_sub(a, b); }
/* No gather in simd128: two scalar loads. */
static inline vd vd_lookup32(const double *table, vu index) {
    return wasm_f64x2_make(table[wasm_i64x2_extract_lane(index, 0)], table[wasm_i64x2_extract_lane(index, 1)]);
}
static inline vd vd_lookup8(const double *table, vu index) { return vd_lookup32(table, index); }
static inline vd vd_lookup16(const double *table, vu index) { return vd_lookup32(table, index); }
static inline vd vd_lookup16_low(const double *table, vu index) { return vd_lookup32(table, wasm_v128_and(index, wasm_i64x2_splat(15))); }
static inline vu vu_shl(vu a, int n) { return wasm_i64x2_shl(a, (uint32_t)n); }
static inline vu vu_shr(vu a, int n) { return wasm_u64x2_shr(a, (uint32_t)n); }
static inline vd vd_round(vd a) { return wasm_f64x2_nearest(a); }

#else
#error "unknown VEC_ISA"
#endif

/* ------------------------------------------------- shared, ISA-independent */

static inline vd vd_neg(vd a) { return vu_double(vu_xor(vd_bits(a), vu_set(0x8000000000000000ull))); }
static inline vd vd_abs(vd a) { return vu_double(vu_and(vd_bits(a), vu_set(0x7fffffffffffffffull))); }
/* |a| with the sign bit of s. */
static inline vd vd_copysign(vd a, vd s) {
    vu sign = vu_and(vd_bits(s), vu_set(0x8000000000000000ull));
    return vu_double(vu_or(vd_bits(vd_abs(a)), sign));
}
/* a with the sign bit of s, for a whose sign bit is clear (one operation fewer than vd_copysign). */
static inline vd vd_or_sign(vd a, vd s) { return vu_double(vu_or(vd_bits(a), vu_and(vd_bits(s), vu_set(0x8000000000000000ull)))); }
/* -a in the lanes of m, a elsewhere (exact: the sign bit). AVX-512 fuses the select into a masked XOR;
 * AVX2's mask is a vector, so its sign bits are ANDed out and XORed in (two cheap operations, not a blend). */
static inline vd vd_neg_where(vm m, vd a) {
#if VEC_ISA == VEC_AVX2
    return _mm256_xor_pd(a, _mm256_and_pd(m, vu_double(vu_set(0x8000000000000000ull))));
#else
    return vd_sel(m, vd_neg(a), a);
#endif
}
/* Lanes whose sign bit is set (-0.0 included). */
static inline vm vd_signbit(vd a) { return vd_lt(vd_copysign(vd_set(1.0), a), vd_set(0.0)); }

/* 2^k for integral k in [-1022, 1023], built from the exponent bits. */
static inline vd vd_pow2(vd k) {
    /* k + 1023 lands in the low mantissa bits of 0x1.8p52 + k + 1023; shift them into the exponent. */
    vd biased = vd_add(k, vd_set(0x1.8p52 + 1023.0));
    return vu_double(vu_shl(vd_bits(biased), 52));
}

/* For normal a > 0: its exponent k = floor(log2 a) as a double, and its mantissa a 2^-k in [1, 2) (exact):
 * AVX-512's vgetexppd and vgetmantpd, elsewhere from the bits (three and two operations). */
#if VEC_ISA == VEC_AVX512
static inline vd vd_exponent(vd a) { return _mm512_getexp_pd(a); }
static inline vd vd_mantissa(vd a) { return _mm512_getmant_pd(a, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src); }
#else
static inline vd vd_exponent(vd a) {
    return vd_sub(vu_double(vu_or(vu_shr(vd_bits(a), 52), vu_set(0x4330000000000000ull))), vd_set(0x1p52 + 1023.0));
}
static inline vd vd_mantissa(vd a) {
    return vu_double(vu_or(vu_and(vd_bits(a), vu_set(0x000fffffffffffffull)), vu_set(0x3ff0000000000000ull)));
}
#endif

/* a * 2^k for integral k in [-2044, 2046], rounded once: AVX-512's vscalefpd, elsewhere two steps
 * (so 2^k itself never overflows; the first product is exact wherever the result is not 0). */
#if VEC_ISA == VEC_AVX512
static inline vd vd_ldexp(vd a, vd k) { return _mm512_scalef_pd(a, k); }
#else
static inline vd vd_ldexp(vd a, vd k) {
    vd half = vd_round(vd_mul(k, vd_set(0.5)));
    return vd_mul(vd_mul(a, vd_pow2(half)), vd_pow2(vd_sub(k, half)));
}
#endif

/*
 * Entry index mod 16 of three 16-entry tables t0, t1, t2 (float64 log's LOG16_*, sinh's SINH_*, lgamma's
 * LGAMMA_LOG_*): one vd_lookup16_low each (one permute on AVX-512), but on AVX2 entries 0, 1, 2 of `rows`,
 * the same numbers as one 32-byte aligned row per index, rows[i] = {t0[i], t1[i], t2[i], 0}: one row load
 * per lane and a transpose, 4 loads and 7 shuffles where the three lookups take 12 scalar loads and 9 shuffles.
 */
static inline void vd_lookup16_3(const double (*rows)[4], const double *t0, const double *t1, const double *t2,
                                 vu index, vd *e0, vd *e1, vd *e2) {
#if VEC_ISA == VEC_AVX2
    (void)t0;
    (void)t1;
    (void)t2;
    __m256i j = _mm256_and_si256(index, _mm256_set1_epi64x(15));
    __m128i low = _mm256_castsi256_si128(j), high = _mm256_extracti128_si256(j, 1);
    __m256d r0 = _mm256_load_pd(rows[_mm_cvtsi128_si64(low)]);
    __m256d r1 = _mm256_load_pd(rows[_mm_extract_epi64(low, 1)]);
    __m256d r2 = _mm256_load_pd(rows[_mm_cvtsi128_si64(high)]);
    __m256d r3 = _mm256_load_pd(rows[_mm_extract_epi64(high, 1)]);
    __m256d even01 = _mm256_unpacklo_pd(r0, r1), odd01 = _mm256_unpackhi_pd(r0, r1); /* entries 0, 2 | 1, 3 */
    __m256d even23 = _mm256_unpacklo_pd(r2, r3), odd23 = _mm256_unpackhi_pd(r2, r3);
    *e0 = _mm256_permute2f128_pd(even01, even23, 0x20);
    *e1 = _mm256_permute2f128_pd(odd01, odd23, 0x20);
    *e2 = _mm256_permute2f128_pd(even01, even23, 0x31);
#else
    (void)rows;
    *e0 = vd_lookup16_low(t0, index);
    *e1 = vd_lookup16_low(t1, index);
    *e2 = vd_lookup16_low(t2, index);
#endif
}

/* Error-free transformations (Knuth, Dekker): s + e == a + b, p + e == a * b exactly. */
static inline void vd_two_sum(vd a, vd b, vd *s, vd *e) {
    vd sum = vd_add(a, b);
    vd b_virtual = vd_sub(sum, a);
    vd a_virtual = vd_sub(sum, b_virtual);
    *e = vd_add(vd_sub(a, a_virtual), vd_sub(b, b_virtual));
    *s = sum;
}

/* Requires |a| >= |b| (or a == 0). */
static inline void vd_fast_two_sum(vd a, vd b, vd *s, vd *e) {
    vd sum = vd_add(a, b);
    *e = vd_sub(b, vd_sub(sum, a));
    *s = sum;
}

#if VEC_HAS_FMA
static inline void vd_two_prod(vd a, vd b, vd *p, vd *e) {
    vd prod = vd_mul(a, b);
    *e = vd_mls(a, b, prod); /* fmsub: vd_mla with vd_neg(prod) costs gcc an extra xor */
    *p = prod;
}
#else
static inline void vd_split(vd a, vd *hi, vd *lo) {
    vd c = vd_mul(a, vd_set(134217729.0)); /* 2^27 + 1 */
    vd h = vd_sub(c, vd_sub(c, a));
    *hi = h;
    *lo = vd_sub(a, h);
}
/* Exact for |a*b| well inside the normal range, which is how the kernels use it. */
static inline void vd_two_prod(vd a, vd b, vd *p, vd *e) {
    vd prod = vd_mul(a, b);
    vd ah, al, bh, bl;
    vd_split(a, &ah, &al);
    vd_split(b, &bh, &bl);
    vd err = vd_sub(vd_mul(ah, bh), prod);
    err = vd_add(err, vd_mul(ah, bl));
    err = vd_add(err, vd_mul(al, bh));
    *e = vd_add(err, vd_mul(al, bl));
    *p = prod;
}
#endif

/* Horner's rule with the coefficients highest degree first. */
static inline vd vd_poly(vd x, const double *c, int n) {
    vd acc = vd_set(c[0]);
    for (int i = 1; i < n; i++) {
        acc = vd_mla(acc, x, vd_set(c[i]));
    }
    return acc;
}

/*
 * The same polynomial (n even, highest degree first) as E(x^2) + x O(x^2), given x2 = x^2: its odd- and
 * even-degree coefficients by Horner's rule in x2, two independent chains of n/2 - 1 FMAs and one more,
 * where vd_poly chains n - 1: no more operations, half the latency (what limits a kernel whose other work
 * is short, as on AVX2). Rounds differently from vd_poly.
 */
static inline vd vd_poly_even_odd(vd x, vd x2, const double *c, int n) {
    vd odd = vd_set(c[0]), even = vd_set(c[1]);
    for (int i = 2; i < n; i += 2) {
        odd = vd_mla(odd, x2, vd_set(c[i]));
        even = vd_mla(even, x2, vd_set(c[i + 1]));
    }
    return vd_mla(odd, x, even);
}

/*
 * The loops every unary kernel family defines: whole vectors in place, the
 * tail through a zero-padded vector-sized buffer. name64/name32 are the
 * functions to define, fn64/fn32 the float64 and float32 lane functions
 * (float32 widened to double lanes; vec32.h has the native float32 loop).
 * VEC_UNARY_TAIL64 is the tail, elements i to n - 1 (fewer than VL) of a
 * loop over x and out.
 */
#define VEC_UNARY_TAIL64(fn64)                                                       \
    if (i < n) {                                                                     \
        double buf[VL] = {0};                                                        \
        __builtin_memcpy(buf, x + i, (size_t)(n - i) * sizeof(double));              \
        vd_store(buf, fn64(vd_load(buf)));                                           \
        __builtin_memcpy(out + i, buf, (size_t)(n - i) * sizeof(double));            \
    }

#define VEC_UNARY_LOOP64(name64, fn64)                                               \
    void name64(const double *x, int64_t n, double *out) {                           \
        int64_t i = 0;                                                               \
        for (; i + VL <= n; i += VL) {                                               \
            vd_store(out + i, fn64(vd_load(x + i)));                                 \
        }                                                                            \
        VEC_UNARY_TAIL64(fn64)                                                       \
    }

/*
 * A unary loop software-pipelined in two stages, fn64(v) = finish(start(v)): each iteration starts
 * vector i + 1 before it finishes vector i, so a long-latency operation at the end of `start` (a
 * division) runs while `finish` works on the previous vector. For a kernel whose cost is one long
 * dependency chain rather than its operation count: operations waiting on the chain fill the
 * out-of-order window, so few vectors overlap, and on Zen 3, whose scheduler is small, dispatch stalls
 * (float64 atan on AVX2 there: 13-16% less time in cache; docs/benchmarks.md). Same operations per
 * vector, same bits. `stage` is start's result type.
 */
#define VEC_PIPELINED_LOOP64(name64, stage, start, finish, fn64)                     \
    void name64(const double *x, int64_t n, double *out) {                           \
        int64_t i = 0;                                                               \
        if (n >= 2 * VL) {                                                           \
            stage current = start(vd_load(x));                                       \
            for (; i + 2 * VL <= n; i += VL) {                                       \
                stage next = start(vd_load(x + i + VL));                             \
                vd_store(out + i, finish(current));                                  \
                current = next;                                                      \
            }                                                                        \
            vd_store(out + i, finish(current));                                      \
            i += VL;                                                                 \
        }                                                                            \
        for (; i + VL <= n; i += VL) {                                               \
            vd_store(out + i, fn64(vd_load(x + i)));                                 \
        }                                                                            \
        VEC_UNARY_TAIL64(fn64)                                                       \
    }

#define VEC_UNARY_LOOPS(name64, name32, fn64, fn32)                                  \
    VEC_UNARY_LOOP64(name64, fn64)                                                   \
    void name32(const float *x, int64_t n, float *out) {                             \
        int64_t i = 0;                                                               \
        for (; i + VL <= n; i += VL) {                                               \
            vd_store_f32(out + i, fn32(vd_load_f32(x + i)));                         \
        }                                                                            \
        if (i < n) {                                                                 \
            float buf[VL < 4 ? 4 : VL] = {0};                                        \
            __builtin_memcpy(buf, x + i, (size_t)(n - i) * sizeof(float));           \
            vd_store_f32(buf, fn32(vd_load_f32(buf)));                               \
            __builtin_memcpy(out + i, buf, (size_t)(n - i) * sizeof(float));         \
        }                                                                            \
    }

#endif /* RT_MATH_VEC_H */
