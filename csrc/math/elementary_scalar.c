/* The scalar reference of the elementary functions (see elementary_body.h). */
#define VEC_ISA VEC_SCALAR
#define VEC_SUFFIX scalar
#include "vec.h"
#include "elementary_body.h"
