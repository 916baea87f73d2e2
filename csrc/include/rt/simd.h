/*
 * Run-time choice of the SIMD variant every kernel uses.
 *
 * Native builds detect the widest variant the CPU (and OS) support once;
 * tests force each level in turn to compare it with the scalar reference.
 */
#ifndef RT_SIMD_H
#define RT_SIMD_H

#include "rt/core.h"

#ifdef __cplusplus
extern "C" {
#endif

enum rt_simd_level {
    RT_SIMD_SCALAR = 0,
    RT_SIMD_AVX2 = 1,
    RT_SIMD_AVX512 = 2,
    RT_SIMD_WASM128 = 3
};

/* 1 if this build and this CPU can run `level`, else 0. */
int32_t rt_simd_supported(int32_t level);

/* The widest supported level: the default choice. */
int32_t rt_simd_best(void);

/* The level kernels use now. */
int32_t rt_simd_active(void);

/* Short name of a level ("scalar", "avx2", "avx512", "wasm-simd128"). */
const char *rt_simd_name(int32_t level);

/*
 * Forces every kernel to use `level`; -1 returns to the best level.
 * An unsupported level is a configuration error and changes nothing.
 */
rt_status rt_force_impl(int32_t level, rt_error *err);

#ifdef __cplusplus
}
#endif

#endif /* RT_SIMD_H */
