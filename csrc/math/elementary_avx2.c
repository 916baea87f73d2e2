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
#endif
