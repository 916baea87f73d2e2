/*
 * Lane-generic arithmetic for the part-B math kernels (asin ... lgamma).
 *
 * Each kernel's algorithm is written once, on the types `vd` (LANES doubles)
 * and `vl` (LANES int64 masks/bits), with GCC/Clang vector extensions. This
 * header is included once per instruction set, after defining one of
 * LANES_SCALAR, LANES_AVX2, LANES_AVX512 or LANES_WASM; it names every
 * function with that set's suffix (LN(f)), so the same source compiles into
 * a scalar reference (1 lane), AVX2 (4), AVX-512 (8) and wasm simd128 (2)
 * variants of exactly the same algorithm.
 *
 * vfma is a fused multiply-add wherever the target has one: the native
 * scalar reference calls the C library's correctly rounded fma and the AVX
 * variants use the instruction, so all native variants give bit-identical
 * results; wasm has no fma, so its scalar and simd128 variants use a
 * multiply and an add (and Dekker's exact product), and agree with each other.
 */
#include <stdint.h>

#include "../core/internal.h"

#if RT_ARCH_X86
#include <immintrin.h>
#endif
#if RT_ARCH_WASM_SIMD
#include <wasm_simd128.h>
#endif

#undef LANES
#undef LANES_HAS_FMA
#undef KERNEL
#undef LOOP
#undef LN
#undef vd
#undef vl
#undef vf

#define LANES_CAT_(a, b) a##b
#define LANES_CAT(a, b) LANES_CAT_(a, b)

#if defined(LANES_SCALAR)
#define LANES 1
#define LN(f) LANES_CAT(f, _scalar)
#define KERNEL static inline __attribute__((always_inline))
#define LOOP static
typedef double vd_scalar __attribute__((vector_size(8)));
typedef int64_t vl_scalar __attribute__((vector_size(8)));
typedef float vf_scalar __attribute__((vector_size(4)));
#if defined(__wasm__)
#define LANES_HAS_FMA 0
#else
#define LANES_HAS_FMA 1
#endif
#elif defined(LANES_AVX2)
#define LANES 4
#define LN(f) LANES_CAT(f, _avx2)
#define KERNEL static inline __attribute__((always_inline)) RT_TARGET_AVX2
#define LOOP static RT_TARGET_AVX2
#define LANES_HAS_FMA 1
typedef double vd_avx2 __attribute__((vector_size(32)));
typedef int64_t vl_avx2 __attribute__((vector_size(32)));
typedef float vf_avx2 __attribute__((vector_size(16)));
#elif defined(LANES_AVX512)
#define LANES 8
#define LN(f) LANES_CAT(f, _avx512)
#define KERNEL static inline __attribute__((always_inline)) RT_TARGET_AVX512
#define LOOP static RT_TARGET_AVX512
#define LANES_HAS_FMA 1
typedef double vd_avx512 __attribute__((vector_size(64)));
typedef int64_t vl_avx512 __attribute__((vector_size(64)));
typedef float vf_avx512 __attribute__((vector_size(32)));
#elif defined(LANES_WASM)
#define LANES 2
#define LN(f) LANES_CAT(f, _wasm)
#define KERNEL static inline __attribute__((always_inline))
#define LOOP static
#define LANES_HAS_FMA 0
typedef double vd_wasm __attribute__((vector_size(16)));
typedef int64_t vl_wasm __attribute__((vector_size(16)));
typedef float vf_wasm __attribute__((vector_size(8)));
#else
#error "define LANES_SCALAR, LANES_AVX2, LANES_AVX512 or LANES_WASM before including lanes.h"
#endif

#define vd LN(vd)
#define vl LN(vl)
#define vf LN(vf)

/* a where mask m is set, b elsewhere (m lanes are all ones or all zeros). */
KERNEL vd LN(vsel)(vl m, vd a, vd b) {
    return (vd)((m & (vl)a) | (~m & (vl)b));
}

KERNEL vd LN(vsplat)(double x) {
    return (vd){0} + x;
}

KERNEL vd LN(vabs)(vd x) {
    return (vd)((vl)x & 0x7fffffffffffffffLL);
}

/* |mag| with the sign bit of sgn. */
KERNEL vd LN(vcopysign)(vd mag, vd sgn) {
    return (vd)(((vl)mag & 0x7fffffffffffffffLL) | ((vl)sgn & (int64_t)0x8000000000000000ULL));
}

/* All-ones where the sign bit is set (also for -0.0 and negative NaN). */
KERNEL vl LN(vsignmask)(vd x) {
    return (vl)x >> 63;
}

KERNEL vl LN(visnan)(vd x) {
    return x != x;
}

KERNEL vd LN(vfma)(vd a, vd b, vd c) {
#if defined(LANES_SCALAR) && LANES_HAS_FMA
    return (vd){__builtin_fma(a[0], b[0], c[0])};
#elif defined(LANES_AVX2)
    return (vd)_mm256_fmadd_pd((__m256d)a, (__m256d)b, (__m256d)c);
#elif defined(LANES_AVX512)
    return (vd)_mm512_fmadd_pd((__m512d)a, (__m512d)b, (__m512d)c);
#else
    return a * b + c;
#endif
}

KERNEL vd LN(vsqrt)(vd x) {
#if defined(LANES_SCALAR)
    return (vd){__builtin_sqrt(x[0])};
#elif defined(LANES_AVX2)
    return (vd)_mm256_sqrt_pd((__m256d)x);
#elif defined(LANES_AVX512)
    return (vd)_mm512_sqrt_pd((__m512d)x);
#else
    return (vd)wasm_f64x2_sqrt((v128_t)x);
#endif
}

/* Nearest integer (ties to even) of |x| < 2^51, as a double: exact, branch-free. */
KERNEL vd LN(vround)(vd x) {
    const double shifter = 0x1.8p52;
    return (x + shifter) - shifter;
}

/* Horner evaluation of c[0]*z^(n-1) + ... + c[n-1] (coefficients highest first). */
KERNEL vd LN(vpoly)(vd z, const double *c, int n) {
    vd p = LN(vsplat)(c[0]);
    for (int i = 1; i < n; i++) {
        p = LN(vfma)(p, z, LN(vsplat)(c[i]));
    }
    return p;
}

/* Double-double building blocks: hi + lo carries about 106 bits. */

/* s + e = a + b exactly. */
KERNEL void LN(two_sum)(vd a, vd b, vd *s, vd *e) {
    vd sum = a + b;
    vd bb = sum - a;
    *e = (a - (sum - bb)) + (b - bb);
    *s = sum;
}

/* s + e = a + b exactly, when |a| >= |b| (or a == 0). */
KERNEL void LN(fast_two_sum)(vd a, vd b, vd *s, vd *e) {
    vd sum = a + b;
    *e = b - (sum - a);
    *s = sum;
}

/* p + e = a * b exactly (no overflow, no underflow of the low parts). */
KERNEL void LN(two_prod)(vd a, vd b, vd *p, vd *e) {
    vd prod = a * b;
#if LANES_HAS_FMA
    *e = LN(vfma)(a, b, -prod);
#else
    /* Dekker: split each factor into 26-bit halves whose products are exact. */
    const double split = 134217729.0; /* 2^27 + 1 */
    vd ca = a * split, cb = b * split;
    vd ah = ca - (ca - a), bh = cb - (cb - b);
    vd al = a - ah, bl = b - bh;
    *e = ((ah * bh - prod) + ah * bl + al * bh) + al * bl;
#endif
    *p = prod;
}

/* Loops over whole arrays: full vectors, then one padded vector for the tail. */
#define LANES_UNARY_LOOPS(name, core, pad)                                             \
    LOOP void LN(name##_f64)(const double *x, int64_t n, double *out) {                \
        int64_t i = 0;                                                                 \
        for (; i + LANES <= n; i += LANES) {                                           \
            vd v;                                                                      \
            __builtin_memcpy(&v, x + i, sizeof v);                                     \
            v = core(v);                                                               \
            __builtin_memcpy(out + i, &v, sizeof v);                                   \
        }                                                                              \
        if (i < n) {                                                                   \
            vd v = LN(vsplat)(pad);                                                    \
            __builtin_memcpy(&v, x + i, (size_t)(n - i) * sizeof(double));            \
            v = core(v);                                                               \
            __builtin_memcpy(out + i, &v, (size_t)(n - i) * sizeof(double));          \
        }                                                                              \
    }                                                                                  \
    LOOP void LN(name##_f32)(const float *x, int64_t n, float *out) {                  \
        int64_t i = 0;                                                                 \
        for (; i + LANES <= n; i += LANES) {                                           \
            vf f;                                                                      \
            __builtin_memcpy(&f, x + i, sizeof f);                                     \
            f = __builtin_convertvector(core(__builtin_convertvector(f, vd)), vf);     \
            __builtin_memcpy(out + i, &f, sizeof f);                                   \
        }                                                                              \
        if (i < n) {                                                                   \
            vf f = __builtin_convertvector(LN(vsplat)(pad), vf);                       \
            __builtin_memcpy(&f, x + i, (size_t)(n - i) * sizeof(float));             \
            f = __builtin_convertvector(core(__builtin_convertvector(f, vd)), vf);     \
            __builtin_memcpy(out + i, &f, (size_t)(n - i) * sizeof(float));           \
        }                                                                              \
    }
