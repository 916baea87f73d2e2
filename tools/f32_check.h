/*
 * What the float32 accuracy harnesses (tools/f32_exhaustive.c, tools/f32_atan2_sampled.c,
 * tools/f32_pow_sampled.c) share: forcing a SIMD level by name, the sampled ones' arguments, a seeded
 * xorshift generator and the error of a float32 result in ULPs of the exact (long double) value, subnormal results in
 * units of 2^-149. Header-only: each harness is one translation unit built with the library.
 */
#ifndef RT_TOOLS_F32_CHECK_H
#define RT_TOOLS_F32_CHECK_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rt/rt.h"

/* Forces the SIMD level named "scalar", "avx2" or "avx512"; false (with a message) if the machine lacks it. */
static inline int force_level(const char *name) {
    int32_t level = !strcmp(name, "scalar") ? RT_SIMD_SCALAR : !strcmp(name, "avx2") ? RT_SIMD_AVX2 : RT_SIMD_AVX512;
    if (rt_force_impl(level, NULL) == RT_OK) return 1;
    fprintf(stderr, "level %s not supported here\n", name);
    return 0;
}

static uint64_t xorshift_state = 88172645463325252ull;

static inline uint64_t next(void) {
    xorshift_state ^= xorshift_state << 13;
    xorshift_state ^= xorshift_state >> 7;
    xorshift_state ^= xorshift_state << 17;
    return xorshift_state;
}

/*
 * The sampled harnesses' common arguments, `millions [scalar|avx2|avx512] [seed]` (more may follow, `extra`
 * in the usage line): forces the level, offsets the generator by the seed and returns the count of pairs
 * to draw, or 0 after a message for a bad call.
 */
static inline long sampled_pairs(int argc, char **argv, const char *extra) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s millions [scalar|avx2|avx512] [seed]%s\n", argv[0], extra);
        return 0;
    }
    if (argc > 2 && !force_level(argv[2])) return 0;
    if (argc > 3) xorshift_state += (uint64_t)atol(argv[3]);
    return atol(argv[1]) * 1000000L;
}

/* uniform on [0, 1) with 53 random bits */
static inline double uniform(void) { return (double)(next() >> 11) * 0x1p-53; }

/* |got - want| in float32 ULPs of want (below 2^-126 in units of 2^-149) */
static inline double f32_ulp_error(float got, long double want) {
    int e;
    frexpl(fabsl(want) < 0x1p-126L ? 0x1p-126L : want, &e);
    return (double)(fabsl((long double)got - want) / ldexpl(1.0L, e - 24));
}

#endif
