#include "rt/simd.h"

#include "internal.h"

/* -1 until the first query: detection runs once, lazily. */
static int32_t active_level = -1;

static int32_t cpu_supports(int32_t level) {
    switch (level) {
    case RT_SIMD_SCALAR:
        return 1;
#if RT_ARCH_X86
    case RT_SIMD_AVX2:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case RT_SIMD_AVX512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("fma");
#endif
#if RT_ARCH_WASM_SIMD
    case RT_SIMD_WASM128:
        return 1;
#endif
    default:
        return 0;
    }
}

int32_t rt_simd_supported(int32_t level) {
    return cpu_supports(level);
}

int32_t rt_simd_best(void) {
    static const int32_t widest_first[] = {RT_SIMD_AVX512, RT_SIMD_AVX2, RT_SIMD_WASM128};
    for (unsigned i = 0; i < sizeof widest_first / sizeof widest_first[0]; i++) {
        if (cpu_supports(widest_first[i])) {
            return widest_first[i];
        }
    }
    return RT_SIMD_SCALAR;
}

int32_t rt_simd_active(void) {
    int32_t level = __atomic_load_n(&active_level, __ATOMIC_RELAXED);
    if (level < 0) {
        level = rt_simd_best();
        __atomic_store_n(&active_level, level, __ATOMIC_RELAXED);
    }
    return level;
}

const char *rt_simd_name(int32_t level) {
    switch (level) {
    case RT_SIMD_SCALAR:
        return "scalar";
    case RT_SIMD_AVX2:
        return "avx2";
    case RT_SIMD_AVX512:
        return "avx512";
    case RT_SIMD_WASM128:
        return "wasm-simd128";
    default:
        return NULL;
    }
}

rt_status rt_force_impl(int32_t level, rt_error *err) {
    if (level == -1) {
        __atomic_store_n(&active_level, rt_simd_best(), __ATOMIC_RELAXED);
        return RT_OK;
    }
    if (!cpu_supports(level)) {
        return rt_fail(err, RT_ERR_CONFIGURATION, "rt_force_impl",
                       "this SIMD level is not supported by this build or CPU");
    }
    __atomic_store_n(&active_level, level, __ATOMIC_RELAXED);
    return RT_OK;
}
