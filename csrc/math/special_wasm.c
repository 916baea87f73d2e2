/* The wasm simd128 variant of erf, erfc, gamma and lgamma (see special_body.h, gamma_body.h, special_f32_body.h). */
#include "../core/internal.h"

#if RT_ARCH_WASM_SIMD
#define VEC_ISA VEC_WASM
#define VEC_SUFFIX wasm
#include "vec.h"
#include "special_body.h"
#include "gamma_body.h"
#include "special_f32_body.h"
#endif
