/*
 * Coefficients of 8- or 16-piece polynomials (erf, erfc, float32 erf, lgamma's pieces), read for each
 * lane's piece.
 *
 * The generators write a table coefficient-major, table[k][piece], and vd_lookup16 (vd_lookup8) reads
 * coefficient k of every lane's piece: one permute on AVX-512, two scalar loads in wasm. On AVX2 a
 * lookup is four scalar loads and three shuffles per coefficient, so there the kernels read a
 * piece-major copy instead, rows[piece][k] = table[k][piece] (then the piece's other numbers: C1 and C0,
 * or erfc's C0 tail and centre),
 * two adjacent coefficients of four lanes per four 128-bit loads and two unpacks: 3 operations per
 * coefficient instead of ~7 (in cache, AVX2 erf 3.95 -> 2.85 ns; docs/benchmarks.md). The copies are
 * filled when the library is loaded (special_avx2.c, by code built for the baseline ISA).
 *
 * A kernel reads coefficient k through piece_coeff(at, k, table[k]) or two through piece_coeff2: the
 * row position k serves AVX2, the coefficient-major table the others, and both name the same number.
 */
#ifndef RT_MATH_PIECE_TABLE_H
#define RT_MATH_PIECE_TABLE_H

#if VEC_ISA == VEC_AVX2
/* The piece-major copy of a table, `stride` numbers per piece (filled in special_avx2.c). */
#define PIECE_ROWS(name, pieces, stride) static double name[(pieces) * (stride)]

typedef struct {
    const double *lane[4];
} piece_at;

/* The rows of the lanes' pieces j (in [0, pieces)) in a piece-major copy of `stride` numbers per piece. */
static inline piece_at piece_locate(const double *rows, int stride, int pieces, vu j) {
    (void)pieces;
    __m128i low = _mm256_castsi256_si128(j), high = _mm256_extracti128_si256(j, 1);
    piece_at at = {{rows + _mm_cvtsi128_si64(low) * stride, rows + _mm_extract_epi64(low, 1) * stride,
                    rows + _mm_cvtsi128_si64(high) * stride, rows + _mm_extract_epi64(high, 1) * stride}};
    return at;
}

/* Coefficients k and k + 1 of each lane's piece: lanes 0 and 2, 1 and 3 share a register, then unpack. */
static inline void piece_coeff2(piece_at at, int k, const double *table_k, const double *table_k1, vd *a, vd *b) {
    (void)table_k;
    (void)table_k1;
    __m256d even = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(at.lane[0] + k)),
                                        _mm_loadu_pd(at.lane[2] + k), 1);
    __m256d odd = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(at.lane[1] + k)),
                                       _mm_loadu_pd(at.lane[3] + k), 1);
    *a = _mm256_unpacklo_pd(even, odd);
    *b = _mm256_unpackhi_pd(even, odd);
}

static inline vd piece_coeff(piece_at at, int k, const double *table_k) {
    (void)table_k;
    __m128d low = _mm_loadh_pd(_mm_load_sd(at.lane[0] + k), at.lane[1] + k);
    __m128d high = _mm_loadh_pd(_mm_load_sd(at.lane[2] + k), at.lane[3] + k);
    return _mm256_insertf128_pd(_mm256_castpd128_pd256(low), high, 1);
}
#else
#define PIECE_ROWS(name, pieces, stride) /* AVX2 only */
/* Elsewhere the lanes' piece indices and the table size (8 or 16). */
typedef struct {
    vu j;
    int pieces;
} piece_at;

static inline piece_at piece_at_of(vu j, int pieces) {
    piece_at at = {j, pieces};
    return at;
}
/* The rows are not evaluated: they exist on AVX2 only. */
#define piece_locate(rows, stride, pieces, j) piece_at_of((j), (pieces))

static inline vd piece_coeff(piece_at at, int k, const double *table_k) {
    (void)k;
    return at.pieces == 8 ? vd_lookup8(table_k, at.j) : vd_lookup16(table_k, at.j);
}

static inline void piece_coeff2(piece_at at, int k, const double *table_k, const double *table_k1, vd *a, vd *b) {
    *a = piece_coeff(at, k, table_k);
    *b = piece_coeff(at, k + 1, table_k1);
}
#endif

/*
 * r[0] t^(n-1) + ... + r[n-1] by Horner's rule, r coefficient-major (r[k * pieces + piece]), the
 * coefficients read two at a time (highest degree first). The same operations in the same order as one
 * vd_mla per coefficient.
 */
static inline vd piece_horner(piece_at at, const double *r, int pieces, int n, vd t) {
    vd a, b, p;
    int k;
    if (n % 2) {
        p = piece_coeff(at, 0, r);
        k = 1;
    } else {
        piece_coeff2(at, 0, r, r + pieces, &a, &b);
        p = vd_mla(a, t, b);
        k = 2;
    }
    for (; k + 1 < n; k += 2) {
        piece_coeff2(at, k, r + k * pieces, r + (k + 1) * pieces, &a, &b);
        p = vd_mla(vd_mla(p, t, a), t, b);
    }
    return p;
}

#endif /* RT_MATH_PIECE_TABLE_H */
