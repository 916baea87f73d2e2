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

/* rows[piece][k] = r[k][piece] for k < n (r coefficient-major, `pieces` wide), then extra[0][piece] and
 * extra[1][piece] where given (piece_table.h). */
static void piece_rows_fill(double *rows, int stride, int pieces, const double *r, int n, const double *extra0,
                            const double *extra1) {
    for (int piece = 0; piece < pieces; piece++) {
        double *row = rows + piece * stride;
        for (int k = 0; k < n; k++) {
            row[k] = r[k * pieces + piece];
        }
        if (extra0 != NULL) {
            row[n] = extra0[piece];
            row[n + 1] = extra1[piece];
        }
    }
}

/* The piece-major tables this variant reads, filled when the library is loaded, by code outside the AVX2
 * region above: loading never runs AVX2 instructions on a CPU without them. */
__attribute__((constructor)) static void special_avx2_fill_rows(void) {
    piece_rows_fill(ERF_ROWS, ERF_ROWS_STRIDE, 16, ERF_R[0], ERF_R_N, ERF_C1, ERF_C0);
    piece_rows_fill(ERFC_ROWS, ERFC_ROWS_STRIDE, ERFC_PIECES, ERFC_P[0], ERFC_COEFFS, ERFC_C0_LO, ERFC_MID);
    piece_rows_fill(ERF32_ROWS, ERF32_N, 16, ERF32_P[0], ERF32_N, NULL, NULL);
    piece_rows_fill(LGAMMA_ROWS, LGAMMA_R_N + 2, 16, LGAMMA_R[0], LGAMMA_R_N, LGAMMA_C1, LGAMMA_C0);
}
#endif
