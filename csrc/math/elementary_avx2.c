/* The AVX2 + FMA variant of the elementary functions (see elementary_body.h). */
#include "../core/internal.h"

#if RT_ARCH_X86
#ifdef __clang__
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif
#define VEC_ISA VEC_AVX2
#define VEC_SUFFIX avx2
#include "vec.h"
#include "elementary_body.h"
#ifdef __clang__
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

/* TANH_ROWS32 (f32_body.h) from TANH_PIECES32: row s = slot s's numbers, row 32 + s the same with its halves
 * swapped. Filled when the library is loaded, by code outside the AVX2 region above: loading never runs AVX2
 * instructions on a CPU without them. */
__attribute__((constructor)) static void elementary_avx2_fill_rows(void) {
    for (int slot = 0; slot < 32; slot++) {
        for (int k = 0; k < 7; k++) {
            TANH_ROWS32[slot][k] = TANH_PIECES32[k][slot];
            TANH_ROWS32[32 + slot][(k + 4) % 8] = TANH_PIECES32[k][slot];
        }
    }
}
#endif
