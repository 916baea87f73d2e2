/*
 * The per-ISA loops of the elementary functions (defined by elementary_body.h
 * in elementary_<isa>.c) and the dispatch tables that choose among them.
 */
#ifndef RT_MATH_ELEMENTARY_KERNELS_H
#define RT_MATH_ELEMENTARY_KERNELS_H

#include <stdint.h>

#include "../core/internal.h"

typedef void (*rt_vm_f64_fn)(const double *x, int64_t n, double *out);
typedef void (*rt_vm_f32_fn)(const float *x, int64_t n, float *out);
typedef void (*rt_vm_f64_fn2)(const double *y, const double *x, int64_t n, double *out);
typedef void (*rt_vm_f32_fn2)(const float *y, const float *x, int64_t n, float *out);

#define RT_VM_DECLARE(suffix)                                                          \
    void rt_vm_exp_f64_##suffix(const double *x, int64_t n, double *out);               \
    void rt_vm_exp_f32_##suffix(const float *x, int64_t n, float *out);                 \
    void rt_vm_expm1_f64_##suffix(const double *x, int64_t n, double *out);             \
    void rt_vm_expm1_f32_##suffix(const float *x, int64_t n, float *out);               \
    void rt_vm_log_f64_##suffix(const double *x, int64_t n, double *out);               \
    void rt_vm_log_f32_##suffix(const float *x, int64_t n, float *out);                 \
    void rt_vm_log1p_f64_##suffix(const double *x, int64_t n, double *out);             \
    void rt_vm_log1p_f32_##suffix(const float *x, int64_t n, float *out);               \
    void rt_vm_sinh_f64_##suffix(const double *x, int64_t n, double *out);              \
    void rt_vm_sinh_f32_##suffix(const float *x, int64_t n, float *out);                \
    void rt_vm_cosh_f64_##suffix(const double *x, int64_t n, double *out);              \
    void rt_vm_cosh_f32_##suffix(const float *x, int64_t n, float *out);                \
    void rt_vm_tanh_f64_##suffix(const double *x, int64_t n, double *out);              \
    void rt_vm_tanh_f32_##suffix(const float *x, int64_t n, float *out);                \
    void rt_vm_asin_f64_##suffix(const double *x, int64_t n, double *out);              \
    void rt_vm_asin_f32_##suffix(const float *x, int64_t n, float *out);                \
    void rt_vm_acos_f64_##suffix(const double *x, int64_t n, double *out);              \
    void rt_vm_acos_f32_##suffix(const float *x, int64_t n, float *out);                \
    void rt_vm_atan_f64_##suffix(const double *x, int64_t n, double *out);              \
    void rt_vm_atan_f32_##suffix(const float *x, int64_t n, float *out);                \
    void rt_vm_atan2_f64_##suffix(const double *y, const double *x, int64_t n, double *out); \
    void rt_vm_atan2_f32_##suffix(const float *y, const float *x, int64_t n, float *out);

RT_VM_DECLARE(scalar)
#if RT_ARCH_X86
RT_VM_DECLARE(avx2)
RT_VM_DECLARE(avx512)
#endif
#if RT_ARCH_WASM_SIMD
RT_VM_DECLARE(wasm)
#endif

#endif /* RT_MATH_ELEMENTARY_KERNELS_H */
