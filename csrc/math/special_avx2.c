/* The AVX2 + FMA variant of erf, erfc, gamma and lgamma (see special_body.h, gamma_body.h, special_f32_body.h). */
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
#include "special_body.h"
#include "gamma_body.h"
#include "special_f32_body.h"
#ifdef __clang__
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

/* rows[piece][k] = r[k][piece] for k < n, then c1[piece] and c0[piece] where given (piece_table.h). */
static void piece_rows_fill(double *rows, int stride, const double (*r)[16], int n, const double *c1,
                            const double *c0) {
    for (int piece = 0; piece < 16; piece++) {
        double *row = rows + piece * stride;
        for (int k = 0; k < n; k++) {
            row[k] = r[k][piece];
        }
        if (c1 != NULL) {
            row[n] = c1[piece];
            row[n + 1] = c0[piece];
        }
    }
}

/* The piece-major tables this variant reads, filled when the library is loaded, by code outside the AVX2
 * region above: loading never runs AVX2 instructions on a CPU without them. */
__attribute__((constructor)) static void special_avx2_fill_rows(void) {
    piece_rows_fill(ERF_ROWS, ERF_ROWS_STRIDE, ERF_R, ERF_R_N, ERF_C1, ERF_C0);
    piece_rows_fill(ERF32_ROWS, ERF32_N, ERF32_P, ERF32_N, NULL, NULL);
    piece_rows_fill(LGAMMA_ROWS, LGAMMA_R_N + 2, LGAMMA_R, LGAMMA_R_N, LGAMMA_C1, LGAMMA_C0);
    piece_rows_fill(LGAMMA_MID_ROWS, LGAMMA_MID_R_N + 2, LGAMMA_MID_R, LGAMMA_MID_R_N, LGAMMA_MID_C1, LGAMMA_MID_C0);
}
#endif
