/* The wasm simd128 variant of the elementary functions (see elementary_body.h). */
#include "../core/internal.h"

#if RT_ARCH_WASM_SIMD
#define VEC_ISA VEC_WASM
#define VEC_SUFFIX wasm
#include "vec.h"
#include "elementary_body.h"
#endif
