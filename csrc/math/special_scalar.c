/* The scalar reference of the elementary functions (see special_body.h). */
#define VEC_ISA VEC_SCALAR
#define VEC_SUFFIX scalar
#include "vec.h"
#include "special_body.h"
#include "gamma_body.h"
#include "special_f32_body.h"
