/* The per-ISA loops of erf, erfc, gamma and lgamma (defined by special_body.h and gamma_body.h in special_<isa>.c). */
#ifndef RT_MATH_SPECIAL_KERNELS_H
#define RT_MATH_SPECIAL_KERNELS_H

#include <stdint.h>

#include "../core/internal.h"

#define RT_SP_DECLARE(suffix)                                                    \
    void rt_sp_erf_f64_##suffix(const double *x, int64_t n, double *out);       \
    void rt_sp_erf_f32_##suffix(const float *x, int64_t n, float *out);         \
    void rt_sp_erfc_f64_##suffix(const double *x, int64_t n, double *out);      \
    void rt_sp_erfc_f32_##suffix(const float *x, int64_t n, float *out);       \
    void rt_sp_gamma_f64_##suffix(const double *x, int64_t n, double *out);     \
    void rt_sp_gamma_f32_##suffix(const float *x, int64_t n, float *out);       \
    void rt_sp_lgamma_f64_##suffix(const double *x, int64_t n, double *out);    \
    void rt_sp_lgamma_f32_##suffix(const float *x, int64_t n, float *out);

RT_SP_DECLARE(scalar)
#if RT_ARCH_X86
RT_SP_DECLARE(avx2)
RT_SP_DECLARE(avx512)
#endif
#if RT_ARCH_WASM_SIMD
RT_SP_DECLARE(wasm)
#endif

#endif /* RT_MATH_SPECIAL_KERNELS_H */
