/*
 * erf and erfc, written once over part A's vec.h and compiled once per ISA
 * (special_<isa>.c defines VEC_ISA and VEC_SUFFIX, includes vec.h, then this).
 *
 * - erf: 16 pieces of width 13/32 from 0, erf = C0 + C1 t + R(t) (degree 13,
 *   one table read per coefficient: piece_table.h), C1 t exact, R in plain double (erf_abs);
 *   one path for every lane, no double-double exp.
 * - erfc, |x| < 1/2: erf(x) = x + x P(x^2) (degree-13 minimax), the product x P
 *   kept exact (two_prod) so erf is a double-double; erfc = 1 - erf.
 * - erfc, |x| >= 1/2: erfc(|x|) = exp(-x^2) F(|x|), F(x) = exp(x^2) erfc(x) a slowly
 *   varying function fitted piecewise (8 degree-17 polynomials on [1/2, 6),
 *   and x F(x) = G(1/x^2) beyond 6). x^2 is split exactly into hi + lo and
 *   exp takes both parts, so the exponential's large argument costs no
 *   accuracy; exp(-x^2) and F are double-doubles and the product is rounded
 *   once (then scaled by 2^k, which only rounds again for subnormal results).
 *   erfc(-x) = 2 - erfc(x) takes the same double-doubles.
 *
 * Coefficients come from tools/minimax.py (special_coefficients.h).
 */
#include "special_coefficients.h"
#include "special_kernels.h"
#include "piece_table.h"

#define SPECIAL_NAME3(name, suffix) name##_##suffix
#define SPECIAL_NAME2(name, suffix) SPECIAL_NAME3(name, suffix)
#define SPECIAL_NAME(name) SPECIAL_NAME2(name, VEC_SUFFIX)

enum { ERFC_PIECES = sizeof ERFC_MID / sizeof ERFC_MID[0], ERFC_COEFFS = sizeof ERFC_P / sizeof ERFC_P[0] };
_Static_assert(ERFC_PIECES == 8, "erfc_piece_poly looks its pieces up with vd_lookup8");
enum { ERFC_ROWS_STRIDE = ERFC_COEFFS + 2 };
PIECE_ROWS(ERFC_ROWS, ERFC_PIECES, ERFC_ROWS_STRIDE); /* a piece's coefficients (C0 last), C0's tail, its centre */

/* Cody-Waite split of ln 2 (SP_LN2_HI has trailing zeros, so k * SP_LN2_HI is exact for |k| < 2^21). */
static const double SP_LN2_HI = 0x1.62e42fee00000p-1;
static const double SP_LN2_LO = 0x1.a39ef35793c76p-33;
static const double SP_INV_LN2 = 0x1.71547652b82fep0;

/* e^-(sh + sl) = 2^k (h + l), for 0 <= sh <= 800 and |sl| <= ulp(sh) (up to 2^-44 for erfc's x^2). */
static inline void exp_neg_dd(vd sh, vd sl, vd *k_out, vd *h, vd *l) {
    vd a = vd_neg(sh);
    vd k = vd_round(vd_mul(a, vd_set(SP_INV_LN2)));
    vd t = vd_sub(a, vd_mul(k, vd_set(SP_LN2_HI))); /* exact */
    vd p, pe, rh, re;
    vd_two_prod(k, vd_set(SP_LN2_LO), &p, &pe);
    vd_two_sum(t, vd_neg(p), &rh, &re);
    vd rl = vd_sub(vd_sub(re, pe), sl);
    vd s = vd_mul(vd_mul(rh, rh), vd_poly(rh, EXP_P, (int)(sizeof EXP_P / sizeof EXP_P[0])));
    vd h1, e1;
    vd_fast_two_sum(vd_set(1.0), rh, &h1, &e1);
    /* e^(rh + rl) = e^rh (1 + rl) = (1 + rh + s)(1 + rl). rl carries the low part of x^2, up to
     * 2^-44, so its product with the whole e^rh - 1 = rh + s is needed, not only with rh. */
    vd l1 = vd_add(e1, vd_add(vd_mla(rl, vd_add(rh, s), rl), s));
    vd_fast_two_sum(h1, l1, h, l);
    *k_out = k;
}

/* F(x) - c0 for the piece of each lane, and that piece's c0 = c0 + c0_lo (one table read per
 * coefficient: piece_table.h). */
static inline vd erfc_piece_poly(vd x, vd *c0, vd *c0_lo) {
    /* The piece index counted in the low mantissa bits of 2^52 + index (exact). */
    vd piece = vd_set(0x1p52);
    for (int b = 1; b < ERFC_PIECES; b++) {
        piece = vd_add(piece, vd_sel(vd_le(vd_set(ERFC_BREAKS[b]), x), vd_set(1.0), vd_set(0.0)));
    }
    vu index = vu_and(vd_bits(piece), vu_set(ERFC_PIECES - 1));
    piece_at at = piece_locate(ERFC_ROWS, ERFC_ROWS_STRIDE, ERFC_PIECES, index);
    vd t = vd_sub(x, piece_coeff(at, ERFC_COEFFS + 1, ERFC_MID));
    vd q = piece_horner(at, ERFC_P[0], ERFC_PIECES, ERFC_COEFFS - 1, t);
    piece_coeff2(at, ERFC_COEFFS - 1, ERFC_P[ERFC_COEFFS - 1], ERFC_C0_LO, c0, c0_lo);
    return vd_mul(t, q); /* F(x) - c0 */
}

/* F(x) = exp(x^2) erfc(x) as a double-double, for 1/2 <= x <= 28. */
static inline void erfc_scaled_dd(vd x, vd *fh, vd *fl) {
    vd c0, c0_lo;
    vd rest = erfc_piece_poly(x, &c0, &c0_lo);
    vd ph, pl;
    vd_fast_two_sum(c0, rest, &ph, &pl);
    pl = vd_add(pl, c0_lo);
    vm tail = vd_le(vd_set(6.0), x);
    if (!vm_any(tail)) {
        *fh = ph;
        *fl = pl;
        return;
    }
    /* x >= 6: F = (1/x) G(1/x^2), with 1/x as a double-double. */
    vd r = vd_div(vd_set(1.0), x);
    vd q, qe;
    vd_two_prod(r, x, &q, &qe);
    vd rl = vd_div(vd_sub(vd_sub(vd_set(1.0), q), qe), x);
    vd u = vd_mul(r, r);
    int n = (int)(sizeof ERFC_TAIL / sizeof ERFC_TAIL[0]);
    vd gq = vd_mul(u, vd_poly(u, ERFC_TAIL, n - 1));
    vd gh, gl;
    vd_fast_two_sum(vd_set(ERFC_TAIL[n - 1]), gq, &gh, &gl);
    gl = vd_add(gl, vd_set(ERFC_TAIL_C0_LO));
    vd th, te;
    vd_two_prod(r, gh, &th, &te);
    vd tl = vd_add(te, vd_add(vd_mul(r, gl), vd_mul(rl, gh)));
    *fh = vd_sel(tail, th, ph);
    *fl = vd_sel(tail, tl, pl);
}

/* erfc(a) = 2^k (ch + cl) for 1/2 <= a (a clamped to 28: beyond, erfc underflows to 0). */
static inline void erfc_big_dd(vd a, vd *k, vd *ch, vd *cl) {
    a = vd_min(a, vd_set(28.0));
    vd sh, sl, eh, el, fh, fl, ph, pe;
    vd_two_prod(a, a, &sh, &sl);
    exp_neg_dd(sh, sl, k, &eh, &el);
    erfc_scaled_dd(a, &fh, &fl);
    vd_two_prod(eh, fh, &ph, &pe);
    vd pl = vd_add(pe, vd_add(vd_mul(eh, fl), vd_mul(el, fh)));
    vd_fast_two_sum(ph, pl, ch, cl);
}

/* erf(a) for 0 <= a < 1/2 as a double-double; tiny a is scaled up so x P(x^2) keeps its bits. */
static inline void erf_small_dd(vd a, vd *eh, vd *el) {
    vd p = vd_poly(vd_mul(a, a), ERF_P, (int)(sizeof ERF_P / sizeof ERF_P[0]));
    vd ph, pl;
    vd_two_prod(a, p, &ph, &pl);
    vd_fast_two_sum(a, ph, eh, el);
    *el = vd_add(*el, pl);
}

enum { ERF_R_N = sizeof ERF_R / sizeof ERF_R[0], ERF_ROWS_STRIDE = ERF_R_N + 2 };
PIECE_ROWS(ERF_ROWS, 16, ERF_ROWS_STRIDE); /* a piece's R, then C1 and C0 (AVX2: piece_table.h) */
_Static_assert(sizeof ERF_C0 / sizeof ERF_C0[0] == 16, "erf_abs looks its pieces up with vd_lookup16");

/* erf(a) for a >= 0 or NaN (clamped to 5.95, where erf already rounds to 1), from
 * piece k = round(a 32/13): C0 + C1 t + R(t) with t = a - 13k/32 exact, C1 t exact (two_prod) and R, below
 * 0.02 of erf, in plain double, so the sum is rounded once with an error far below half an ulp. Piece 0
 * has C0 = 0 and R(t) = t S(t): relative accuracy down to the subnormals, with no separate path. */
static inline vd erf_abs(vd a) {
    a = vd_min(vd_set(5.95), a); /* NaN stays NaN (vd_min returns its second operand then) */
    /* k (near a boundary either neighbour will do: each piece's fit covers a margin of 2^-9). */
    vd shifted = vd_mla(a, vd_set(32.0 / 13.0), vd_set(0x1.8p52));
    vu index = vu_and(vd_bits(shifted), vu_set(15));
    vd t = vd_mla(vd_sub(shifted, vd_set(0x1.8p52)), vd_set(-13.0 / 32.0), a); /* exact */
    piece_at at = piece_locate(ERF_ROWS, ERF_ROWS_STRIDE, 16, index);
    vd r = piece_horner(at, ERF_R[0], 16, ERF_R_N, t);
    vd c1, c0, ph, pl, s, e;
    piece_coeff2(at, ERF_R_N, ERF_C1, ERF_C0, &c1, &c0);
    vd_two_prod(c1, t, &ph, &pl);
    vd_fast_two_sum(c0, ph, &s, &e);
    return vd_add(s, vd_add(vd_add(e, pl), r));
}

static inline vd erf_v(vd x) {
    vd a = vd_abs(x);
    vd r = erf_abs(a);
    vm tiny = vd_lt(a, vd_set(0x1p-900));
    if (vm_any(tiny)) {
        /* erf is C1 a to 2^-1800 there: scaled up, C1 t stays exact without FMA too (Dekker's two_prod
         * is exact only for normal products), and the result is rounded to the subnormal grid at the end. */
        r = vd_sel(tiny, vd_mul(erf_abs(vd_mul(a, vd_set(0x1p600))), vd_set(0x1p-600)), r);
    }
    return vd_copysign(r, x);
}

static inline __attribute__((always_inline)) vd erfc_v(vd x) {
    vd a = vd_abs(x);
    vm small = vd_lt(a, vd_set(0.5));
    vm negative = vd_signbit(x);
    vd small_r = vd_set(0.0), big_r = vd_set(0.0);
    if (vm_any(small)) {
        vd eh, el, s, se;
        erf_small_dd(a, &eh, &el);
        vd sign = vd_sel(negative, vd_set(-1.0), vd_set(1.0));
        vd_fast_two_sum(vd_set(1.0), vd_neg(vd_mul(sign, eh)), &s, &se);
        small_r = vd_add(s, vd_sub(se, vd_mul(sign, el)));
    }
    if (!vm_all(small)) {
        vd k, ch, cl, s, se;
        erfc_big_dd(vd_max(a, vd_set(0.5)), &k, &ch, &cl);
        vd positive_r = vd_ldexp(vd_add(ch, cl), k);
        vd scale = vd_pow2(vd_max(k, vd_set(-1000.0)));
        vd_fast_two_sum(vd_set(2.0), vd_neg(vd_mul(ch, scale)), &s, &se);
        vd negative_r = vd_add(s, vd_sub(se, vd_mul(cl, scale)));
        big_r = vd_sel(negative, negative_r, positive_r);
    }
    vd r = vd_sel(small, small_r, big_r);
    return vd_sel(vd_isnan(x), x, r);
}

/* float64 lanes run fn_v, float32 lanes (widened to double) fn32_v of special_f32_body.h, which
 * instantiates the loops of all four functions but float64 lgamma's (two passes per block, gamma_body.h). */
#define SPECIAL_UNARY_LOOPS(fn) \
    VEC_UNARY_LOOPS(SPECIAL_NAME(rt_sp_##fn##_f64), SPECIAL_NAME(rt_sp_##fn##_f32), fn##_v, fn##32_v)
