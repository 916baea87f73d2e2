/*
 * gamma and lgamma, written once over part A's vec.h and compiled once per
 * ISA: special_<isa>.c includes this after special_body.h (whose loop macro
 * it reuses).
 *
 * With y = |x| and v = y (x >= 3/4) or v = 1 + y (0 < x < 3/4 and x < 0, the
 * "shifted" lanes; 1 + y is never rounded), L = lgamma(v) is built as a
 * double-double hi + lo:
 * - v < 8 (positive x) or 1 + y < 8.75 (negative x): 16 pieces centred on
 *   c = 1, 1.5, ..., 8.5: m = round(2y), t = y - m/2 (exact, |t| <= 1/4),
 *   L = C0 + C1 t + R(t) with one 16-entry table lookup per coefficient (R of
 *   degree 19 in plain double, C1 t exact); the pieces on lgamma's zeros 1 and 2
 *   have C0 = 0, so lgamma keeps its relative accuracy there (exactly +0 on them).
 * - lgamma only, x in [8, 2^52): Stirling's series rounded once, (x - 1/2)(log x - 1) + D + G(1/x^2)/x
 *   with log x on float64 log's 16 subintervals (lgamma_fast: good to ~2^-55 of lgamma, not to the
 *   ~2^-60 absolute that gamma's exponential needs up to 710, nor to the absolute accuracy the
 *   reflection's cancellation next to lgamma's negative zeros needs: x < 0 never takes it);
 * - otherwise Stirling: a (log y - 1) + D + G(1/y^2)/y with a = y -+ 1/2,
 *   D = log(2 pi)/2 -+ 1/2 (+ for the shifted lanes: lgamma(1 + y) = lgamma(y) + log y);
 *   a as hi + lo, log y - 1 is exact and a (log y - 1) an exact product (two_prod), log y the
 *   table-driven double-double log of log_table_body.h (relative error ~2^-68).
 * Then, with Dn = x (0 < x < 3/4) or |sin(pi y)| / pi (x < 0):
 * - lgamma(x) = L - log Dn (0 < x < 3/4), -L - log Dn (x < 0, reflection), L otherwise;
 * - gamma(x) = e^L / Dn (x > 0) or sign * e^-L / Dn (x < 0): a table-driven exponential
 *   of the double-double argument (2^(j/16), degree-7 Taylor series) times 1/Dn as a
 *   double-double, rounded once: no second logarithm.
 * A vector whose lanes are all in [8, 2^52) (lgamma) or [8, 2^990) (gamma) takes
 * lgamma_fast or Stirling alone, and the negative lanes' work runs only in
 * vectors that hold one (float64 lgamma packs those lanes into vectors of their own:
 * see its two passes below).
 *
 * Coefficients come from tools/gamma_minimax.py (gamma_coefficients.h).
 */
#include "gamma_coefficients.h"
#include "log_table_body.h"
#include "piece_table.h"

enum {
    LGAMMA_PIECES = sizeof LGAMMA_C0 / sizeof LGAMMA_C0[0],
    LGAMMA_R_N = sizeof LGAMMA_R / sizeof LGAMMA_R[0],
    LGAMMA_G_N = sizeof LGAMMA_G / sizeof LGAMMA_G[0],
    LGAMMA_FAST_P_N = sizeof LGAMMA_FAST_P / sizeof LGAMMA_FAST_P[0],
    LGAMMA_FAST_G_N = sizeof LGAMMA_FAST_G / sizeof LGAMMA_FAST_G[0],
};
_Static_assert(LGAMMA_FAST_P_N % 2 == 0, "lgamma_fast evaluates P as even and odd chains");
_Static_assert(LGAMMA_PIECES == 16, "lgamma_table_dd looks its pieces up with vd_lookup16");
PIECE_ROWS(LGAMMA_ROWS, 16, LGAMMA_R_N + 2); /* a piece's R, then C1 and C0 (AVX2: piece_table.h) */
_Static_assert(LGAMMA_G_N % 2 == 0, "lgamma_stirling_dd splits G into odd and even halves of equal length");

/* log(xh + xl) as a double-double, for finite xh > 0 (subnormal included) and |xl| <= ulp(xh):
 * log xh from the 32-entry table (log_table_body.h, relative error ~2^-68, no division), plus
 * xl / xh. */
static inline void log_dd(vd xh, vd xl, vd *lh, vd *ll) {
    vd h, l;
    log_table_dd(xh, &h, &l);
    if (vm_any(vm_not(vd_eq(xl, vd_set(0.0))))) { /* the division only in vectors that need it */
        l = vd_add(l, vd_div(xl, xh));
    }
    vd_two_sum(h, l, lh, ll);
}

/* Dn = |sin(pi y)| / pi as a double-double for finite y >= 0, with the parity of the nearest integer n
 * and whether y > n (together they give the sign of sin(pi y)). With v = |y - n| <= 1/2 (exact) and
 * w = v^2 exact as w + wl: Dn = v + v A, A = -(pi^2/6) w + w^2 S1(w) (|A| <= 0.41), the first term of A
 * an exact product, so Dn keeps ~2^-57 relative accuracy next to the poles and at v = 1/2 alike. */
static inline void sinpi_over_pi_dd(vd y, vd *dh, vd *dl, vm *odd, vm *above) {
    /* Above 2^52 every double is an integer; from 2^51 subtract 2^51 (even, exact) so round() works. */
    vd yr = vd_sel(vd_le(vd_set(0x1p52), y), vd_set(0.0),
                   vd_sel(vd_le(vd_set(0x1p51), y), vd_sub(y, vd_set(0x1p51)), y));
    vd n = vd_round(yr);
    vd r = vd_sub(yr, n); /* exact, |r| <= 1/2 */
    vd half = vd_mul(n, vd_set(0.5));
    *odd = vm_not(vd_eq(vd_round(half), half));
    *above = vd_gt(r, vd_set(0.0));
    vd v = vd_abs(r);
    vd w, wl, ah, ae, ph, pe, s, e;
    vd_two_prod(v, v, &w, &wl);
    vd quartic = vd_mul(vd_mul(w, w), vd_poly(w, SINPI_S1, (int)(sizeof SINPI_S1 / sizeof SINPI_S1[0])));
    vd_two_prod(vd_set(-GAMMA_PI_SQ_6_HI), w, &ah, &ae);
    vd al = vd_add(vd_add(ae, vd_mla(vd_set(-GAMMA_PI_SQ_6_HI), wl, vd_mul(vd_set(-GAMMA_PI_SQ_6_LO), w))), quartic);
    vd_two_prod(v, ah, &ph, &pe);
    vd_fast_two_sum(v, ph, &s, &e);
    vd_fast_two_sum(s, vd_add(e, vd_mla(v, al, pe)), dh, dl); /* v al is not small: renormalise */
}

/* C0 + C1 t + R(t) of the lanes' pieces (at: piece_table.h) as hi + lo: C1 t exact (two_prod), C0 + its head
 * a fast two-sum, and R (r[k] its coefficient k, highest degree first; C1 and C0 follow it in the AVX2 rows) in
 * plain double as O(t^2) t + E(t^2): two Horner chains of half the length (the loop's latency, not its work, is
 * what an iteration waits on), the one holding R's leading coefficient a term longer when n is odd. */
static inline void lgamma_piece_sum(piece_at at, const double (*r)[16], int n, const double *c0, const double *c1,
                                    vd t, vd *h, vd *l) {
    vd t2 = vd_mul(t, t);
    vd lead, next, a, b;
    piece_coeff2(at, 0, r[0], r[1], &lead, &next);
    int k = 2;
    for (; k + 1 < n; k += 2) {
        piece_coeff2(at, k, r[k], r[k + 1], &a, &b);
        lead = vd_mla(lead, t2, a);
        next = vd_mla(next, t2, b);
    }
    vd c1v, c0v;
    if (k < n) { /* R's last coefficient and C1 share a read, C0 is read alone */
        piece_coeff2(at, k, r[k], c1, &a, &c1v);
        lead = vd_mla(lead, t2, a);
        c0v = piece_coeff(at, n + 1, c0);
    } else {
        piece_coeff2(at, n, c1, c0, &c1v, &c0v);
    }
    vd poly = n % 2 ? vd_mla(next, t, lead) : vd_mla(lead, t, next); /* the odd chain times t */
    vd ph, pl, e;
    vd_two_prod(c1v, t, &ph, &pl);
    vd_fast_two_sum(c0v, ph, h, &e);
    *l = vd_add(vd_add(e, pl), poly);
}

/* lgamma(v) as hi + lo from the pieces, v = y or 1 + y (shifted lanes), for 0 <= y (y above 7.75
 * is clamped to 8: those lanes take Stirling). m = round(2y), t = y - m/2 exactly, piece m - 2 (m shifted). */
static inline void lgamma_table_dd(vd y, vm shifted, vd *h, vd *l) {
    vd yc = vd_min(y, vd_set(8.0));
    vd m = vd_round(vd_add(yc, yc));
    vd t = vd_mla(m, vd_set(-0.5), yc); /* exact */
    vd piece = vd_add(m, vd_sel(shifted, vd_set(0x1.8p52), vd_set(0x1.8p52 - 2.0)));
    vu j = vu_and(vd_bits(piece), vu_set(LGAMMA_PIECES - 1));
    lgamma_piece_sum(piece_locate(LGAMMA_ROWS, LGAMMA_R_N + 2, 16, j), LGAMMA_R, LGAMMA_R_N, LGAMMA_C0, LGAMMA_C1, t, h, l);
}

/* lgamma_fast's range: from 8 (where G's degree-5 fit holds) to 2^52 (x - 1/2 exact). */
static const double LGAMMA_FAST_FROM = 8.0, LGAMMA_FAST_TO = 0x1p52;

/*
 * lgamma(x) for x in [8, 2^52), rounded once: (x - 1/2)(log x - 1) + D + G(1/x^2)/x. log x = k ln2 + log c +
 * log1p(r) with k the exponent of x, z = x 2^-k in [1, 2) on 16 subintervals (x's top 4 mantissa bits) and
 * r = z invc - 1 exact (|r| <= 0.0371): the head m = k ln2_hi + (logc - 1) is exact (multiples of 2^-43 below
 * 2^6), a = x - 1/2 is exact, and a m is kept exact as ph + pe (two_prod); the rest, a (r + r^2 P(r) + k ln2_lo +
 * logctail), is below 0.038 a, so plain double costs it ~2^-58 of the result, and P's 2^-57.8 (absolute, in
 * log x) is below 2^-57.9 of lgamma since L - 1 >= 1.08. G/x + D (D = log(2 pi)/2 - 1/2) is below 0.43, its
 * fit 2^-54.5 / x. No double-double log: a third of the operations of the old half-octave pieces.
 */
static inline vd lgamma_fast(vd x) {
    log_reduced p = {.z = vd_mantissa(x)};
    p.iz = vd_bits(p.z);
    vd head, tail;
    vd_lookup16_3(LGAMMA_LOG_ROWS, LGAMMA_LOG_INVC, LGAMMA_LOG_HEAD, LGAMMA_LOG_TAIL, vu_shr(vd_bits(x), 48), &p.invc,
                  &head, &tail);
    vd r = log_table_r(p);
    vd k = vd_exponent(x);
    vd m = vd_mla(k, vd_set(POW_LN2_HI), head); /* log x - 1's head, exact */
    tail = vd_mla(k, vd_set(POW_LN2_LO), tail);
    vd r2 = vd_mul(r, r);
    vd rest = vd_mla(r2, vd_poly_even_odd(r, r2, LGAMMA_FAST_P, LGAMMA_FAST_P_N), vd_add(r, tail));
    vd a = vd_sub(x, vd_set(0.5));
    vd ph, pe;
    vd_two_prod(a, m, &ph, &pe);
    vd rx = vd_div(vd_set(1.0), x);
    vd g = vd_mla(rx, vd_poly(vd_mul(rx, rx), LGAMMA_FAST_G, LGAMMA_FAST_G_N), vd_set(GAMMA_STIRLING_D_MINUS_HI));
    return vd_add(ph, vd_add(vd_mla(a, rest, pe), g));
}

/* Stirling for y >= 7.75 (finite, below 2^990 so that Dekker's two_prod splits a without overflow),
 * given log y = lh + ll: lgamma(y), or lgamma(1 + y) where shifted, as a (log y - 1) + D + G(1/y^2)/y,
 * a = y -+ 1/2, D = log(2 pi)/2 -+ 1/2. */
static inline void lgamma_stirling_dd(vd y, vm shifted, vd lh, vd ll, vd *h, vd *l) {
    vd a, al, ph, pe, s, e;
    vd_fast_two_sum(y, vd_sel(shifted, vd_set(0.5), vd_set(-0.5)), &a, &al); /* y + 1/2 rounds at 2^k - 1/2 */
    vd m = vd_sub(lh, vd_set(1.0));                                          /* exact */
    vd_two_prod(a, m, &ph, &pe);
    vd r = vd_div(vd_set(1.0), y);
    vd u = vd_mul(r, r), u2 = vd_mul(u, u); /* G(u) = O(u^2) u + E(u^2): two half-length chains */
    vd odd = vd_set(LGAMMA_G[0]), even = vd_set(LGAMMA_G[1]);
    for (int k = 2; k < LGAMMA_G_N; k += 2) {
        odd = vd_mla(odd, u2, vd_set(LGAMMA_G[k]));
        even = vd_mla(even, u2, vd_set(LGAMMA_G[k + 1]));
    }
    vd tail = vd_mul(r, vd_mla(odd, u, even));
    vd d_lo = vd_sel(shifted, vd_set(GAMMA_STIRLING_D_PLUS_LO), vd_set(GAMMA_STIRLING_D_MINUS_LO));
    vd small = vd_add(vd_mla(a, ll, vd_mla(al, m, pe)), vd_add(tail, d_lo));
    vd_fast_two_sum(ph, vd_sel(shifted, vd_set(GAMMA_STIRLING_D_PLUS_HI), vd_set(GAMMA_STIRLING_D_MINUS_HI)), &s, &e);
    *h = s;
    *l = vd_add(e, small);
}

/* |x| with NaN and inf mapped to 2^1023 and 0 to the smallest subnormal (those lanes are replaced later). */
static inline vd gamma_abs(vd x) {
    vd y = vd_abs(x);
    y = vd_sel(vm_or(vd_isnan(y), vd_eq(y, vd_set(__builtin_inf()))), vd_set(0x1p1023), y);
    return vd_max(y, vd_set(0x1p-1074));
}

/* gamma's parts for x that is not special: L = lgamma(v) as h + l (v = y or 1 + y, see the top; pieces below 8,
 * Stirling above), log y (lyh + lyl), and which lanes are shifted. */
typedef struct {
    vd y, h, l, lyh, lyl;
    vm negative, shifted;
} gamma_parts;

static inline gamma_parts gamma_lgamma_v(vd x) {
    gamma_parts p;
    p.y = gamma_abs(x);
    p.negative = vd_lt(x, vd_set(0.0));
    p.shifted = vm_or(p.negative, vd_lt(p.y, vd_set(0.75)));
    log_table_dd(p.y, &p.lyh, &p.lyl);
    vm stirling = vd_le(vd_sel(p.negative, vd_set(GAMMA_STIRLING_FROM), vd_set(8.0)), p.y);
    if (vm_all(stirling)) {
        lgamma_stirling_dd(p.y, p.negative, p.lyh, p.lyl, &p.h, &p.l);
        return p;
    }
    lgamma_table_dd(p.y, p.shifted, &p.h, &p.l);
    if (vm_any(stirling)) {
        vd sh, sl;
        lgamma_stirling_dd(p.y, p.negative, p.lyh, p.lyl, &sh, &sl);
        p.h = vd_sel(stirling, sh, p.h);
        p.l = vd_sel(stirling, sl, p.l);
    }
    return p;
}

/* For negative lanes: Dn = |sin(pi y)| / pi as wh + wl, whether x is a pole (sin(pi y) = 0: the negative
 * integers and every x <= -2^52), and the sign of gamma(x) (+-1; 1 in the other lanes). */
static inline void gamma_reflection(vd y, vm negative, vd *wh, vd *wl, vm *pole, vd *sign) {
    vm odd, above;
    sinpi_over_pi_dd(y, wh, wl, &odd, &above);
    *pole = vm_and(negative, vd_eq(*wh, vd_set(0.0)));
    vm positive_sin = vm_or(vm_and(odd, above), vm_and(vm_not(odd), vm_not(above)));
    *sign = vd_sel(vm_and(negative, vm_not(positive_sin)), vd_set(-1.0), vd_set(1.0));
}

static inline vm gamma_special(vd x, double low) {
    vd a = vd_abs(x);
    return vm_not(vm_and(vd_le(vd_set(low), a), vd_lt(a, vd_set(0x1p990))));
}

/* lgamma: pieces below 8 (8.75 shifted), lgamma_fast on [8, 2^52), Stirling above and for x <= -7.75;
 * log y only in vectors with a Stirling lane or a lane in (0, 3/4). gamma_v and lgamma_v are forced inline: the loop
 * macro calls them twice (whole vectors, tail) and gcc otherwise makes them calls, 7% slower. */
static inline __attribute__((always_inline)) vd lgamma_v(vd x) {
    vm fast = vm_and(vd_le(vd_set(LGAMMA_FAST_FROM), x), vd_lt(x, vd_set(LGAMMA_FAST_TO)));
    if (vm_all(fast)) { /* the bulk of the first pass below */
        return lgamma_fast(x);
    }
    vd y = gamma_abs(x);
    vm negative = vd_lt(x, vd_set(0.0));
    vm shifted = vm_or(negative, vd_lt(y, vd_set(0.75)));
    vm small = vd_lt(y, vd_sel(negative, vd_set(GAMMA_STIRLING_FROM), vd_set(8.0)));
    vm big = vm_or(vm_and(negative, vm_not(small)), vd_le(vd_set(LGAMMA_FAST_TO), y));
    vd h = vd_set(0.0), l = vd_set(0.0);
    if (vm_any(small)) {
        lgamma_table_dd(y, shifted, &h, &l);
    }
    vd lyh = vd_set(0.0), lyl = vd_set(0.0);
    if (vm_any(vm_or(big, vm_and(shifted, vm_not(negative))))) {
        log_table_dd(y, &lyh, &lyl);
        if (vm_any(big)) {
            vd sh, sl;
            lgamma_stirling_dd(y, negative, lyh, lyl, &sh, &sl);
            h = vd_sel(big, sh, h);
            l = vd_sel(big, sl, l);
        }
    }
    vd r = vd_add(h, l);
    if (vm_any(fast)) {
        r = vd_sel(fast, lgamma_fast(vd_min(vd_max(x, vd_set(LGAMMA_FAST_FROM)), vd_set(LGAMMA_FAST_TO))), r);
    }
    if (vm_any(shifted)) {
        /* Shifted lanes: +-L - log Dn, Dn = y (x > 0) or |sin(pi y)| / pi (x < 0). */
        vd dh = lyh, dl = lyl;
        vm pole = vd_lt(vd_set(1.0), vd_set(0.0)); /* none */
        if (vm_any(negative)) {
            vd wh, wl, sign, nh, nl;
            gamma_reflection(y, negative, &wh, &wl, &pole, &sign);
            log_dd(vd_max(wh, vd_set(0x1p-1074)), wl, &nh, &nl);
            dh = vd_sel(negative, nh, dh);
            dl = vd_sel(negative, nl, dl);
            h = vd_sel(negative, vd_neg(h), h);
            l = vd_sel(negative, vd_neg(l), l);
        }
        vd a, ae;
        vd_two_sum(h, vd_neg(dh), &a, &ae);
        r = vd_sel(shifted, vd_add(a, vd_add(ae, vd_sub(l, dl))), r);
        r = vd_sel(pole, vd_set(__builtin_inf()), r);
    }
    r = vd_sel(vd_eq(r, vd_set(0.0)), vd_set(0.0), r); /* lgamma(1) = lgamma(2) = +0 */
    if (vm_any(gamma_special(x, 0x1p-1074))) {
        /* From 2^990 lgamma is x (log x - 1) to within an ulp (and overflows from 2.55e305). */
        vd huge = vd_mul(y, vd_add(vd_sub(lyh, vd_set(1.0)), lyl));
        r = vd_sel(vd_le(vd_set(0x1p990), x), huge, r);
        r = vd_sel(vm_or(vd_eq(x, vd_set(0.0)), vd_eq(vd_abs(x), vd_set(__builtin_inf()))), vd_set(__builtin_inf()), r);
        r = vd_sel(vd_isnan(x), x, r);
    }
    return r;
}

/*
 * float64 lgamma in blocks, as float32 lgamma (special_f32_body.h): the first pass runs lgamma_v on every
 * vector with its lanes outside [8, inf) replaced by 8, so a vector of [8, 2^52) lanes takes lgamma_fast
 * alone, and notes those lanes (x < 8, negative x included, and NaN: 4% of bench_special.py's inputs,
 * but with 8 lanes a quarter of the vectors hold one, and each would cost its whole vector the reflection's
 * sine and second logarithm); the second pass runs lgamma_v on the noted lanes only, packed into whole
 * vectors of one class (0 < x < 8: the pieces below 8; -7.75 < x <= 0: the pieces and the reflection; x <= -7.75
 * and NaN: Stirling and the reflection). Noted lanes that do not
 * fill a whole vector wait for the next block (their positions made relative to it): only the call's last
 * vector of each class is padded. lgamma_v's arithmetic on a lane does not depend on the
 * other lanes, so every ISA still gives the scalar reference's bits.
 */
enum { LGAMMA_BLOCK = 512 };

/* lgamma_v of the noted values[0..count) into out[index[...]], VL lanes at a time, loaded straight from values
 * (a copy lane by lane would stall the vector load: 2.5 ns per noted lane on Zen 4), whose last vector is
 * padded with 8 if count is not a multiple of VL. */
static void lgamma_noted_pass(double *values, const int32_t *index, int count, double *out) {
    for (int j = count; j % VL != 0; j++) {
        values[j] = 8.0;
    }
    for (int k = 0; k < count; k += VL) {
        int m = count - k < VL ? count - k : VL;
        double rb[VL];
        vd_store(rb, lgamma_v(vd_load(values + k)));
        for (int j = 0; j < m; j++) {
            out[index[k + j]] = rb[j];
        }
    }
}

/* The noted lanes of a block, in three classes that share little work in lgamma_v: 0 < x < 8 (the pieces below
 * 8, the log for x < 3/4), -7.75 < x <= 0 (the pieces and the reflection: its sine and second logarithm) and the
 * rest (x <= -7.75 and NaN: Stirling and the reflection). */
enum { LGAMMA_CLASSES = 3 };
typedef struct {
    int32_t index[LGAMMA_CLASSES][LGAMMA_BLOCK + VL];
    double values[LGAMMA_CLASSES][LGAMMA_BLOCK + 2 * VL];
    int count[LGAMMA_CLASSES];
    int32_t block_index[LGAMMA_BLOCK + VL]; /* the first pass's notes, in block order (classed after it) */
    double block_values[LGAMMA_BLOCK + VL];
} lgamma_noted;

/*
 * The first pass over the vector at x (block position i): out gets lgamma_v of the lanes in [8, inf), and the
 * positions and inputs of the others go to block_index / block_values from `count` on (kept, as out may be x
 * itself); returns the new count. No branch on the data but the rare one for lanes from 2^52: with a quarter of
 * the vectors holding a noted lane at random, a branch on that mispredicts (at 10M: 2.06 against 1.81 ns), so
 * every lane is written and the count moves by the noted ones only.
 */
static inline __attribute__((always_inline)) int lgamma_first_pass(const double *x, int32_t i, double *out,
                                                                  lgamma_noted *noted, int count) {
    vd xv = vd_load(x);
    vm other = vm_not(vm_and(vd_le(vd_set(8.0), xv), vd_lt(xv, vd_set(__builtin_inf()))));
#if VEC_ISA == VEC_AVX512
    /* the noted lanes packed in registers, then stored (a compress straight to memory is microcoded on Zen 4) */
    _mm512_storeu_pd(noted->block_values + count, _mm512_maskz_compress_pd(other, xv));
    __m256i lanes = _mm256_add_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(i));
    _mm256_storeu_si256((__m256i *)(noted->block_index + count), _mm256_maskz_compress_epi32(other, lanes));
    count += __builtin_popcount(vm_lanes(other));
#else
    unsigned bits = vm_lanes(other);
    for (int lane = 0; lane < VL; lane++) {
        noted->block_index[count] = i + lane;
        noted->block_values[count] = x[lane];
        count += (int)((bits >> lane) & 1u);
    }
#endif
    xv = vd_sel(other, vd_set(8.0), xv);
    if (__builtin_expect(vm_any(vd_le(vd_set(LGAMMA_FAST_TO), xv)), 0)) {
        vd_store(out, lgamma_v(xv));
    } else {
        vd_store(out, lgamma_fast(xv)); /* lgamma_v's own choice for such a vector, without its test */
    }
    return count;
}

/* The first pass's notes into the three classes, behind the lanes carried over from the previous block. */
static void lgamma_class_notes(lgamma_noted *noted, int count) {
    for (int j = 0; j < count; j++) {
        double v = noted->block_values[j];
        int c = v > 0.0 ? 0 : v > -GAMMA_STIRLING_FROM ? 1 : 2;
        noted->index[c][noted->count[c]] = noted->block_index[j];
        noted->values[c][noted->count[c]++] = v;
    }
}

void SPECIAL_NAME(rt_sp_lgamma_f64)(const double *x, int64_t n, double *out) {
    lgamma_noted noted;
    for (int c = 0; c < LGAMMA_CLASSES; c++) {
        noted.count[c] = 0; /* lanes carried over from the previous block (fewer than VL) */
    }
    for (int64_t start = 0; start < n; start += LGAMMA_BLOCK) {
        int32_t m = (int32_t)(n - start < LGAMMA_BLOCK ? n - start : LGAMMA_BLOCK);
        const double *xs = x + start;
        double *os = out + start;
        int32_t i = 0;
        int listed = 0;
        for (; i + VL <= m; i += VL) {
            listed = lgamma_first_pass(xs + i, i, os + i, &noted, listed);
        }
        if (i < m) { /* the tail through buffers, padded with 8 (never noted) */
            double bx[VL], bo[VL];
            for (int j = 0; j < VL; j++) {
                bx[j] = 8.0;
            }
            __builtin_memcpy(bx, xs + i, (size_t)(m - i) * sizeof(double));
            listed = lgamma_first_pass(bx, i, bo, &noted, listed);
            __builtin_memcpy(os + i, bo, (size_t)(m - i) * sizeof(double));
        }
        lgamma_class_notes(&noted, listed);
        for (int c = 0; c < LGAMMA_CLASSES; c++) {
            double *values = noted.values[c];
            int32_t *index = noted.index[c];
            int count = noted.count[c];
            int whole = start + m == n ? count : count - count % VL;
            lgamma_noted_pass(values, index, whole, os);
            for (int j = whole; j < count; j++) { /* the rest waits for the next block, VL - 1 lanes at most */
                values[j - whole] = values[j];
                index[j - whole] = index[j] - LGAMMA_BLOCK;
            }
            noted.count[c] = count - whole;
        }
    }
}

/* e^(xh + xl) (q + ql), rounded once (then scaled by 2^k), for xh in [-1100, 720] and |xl| below |xh|'s
 * exponent (normalised here). xh + xl = (16 k + j) ln2/16 + r with |r| <= ln2/32, so e^x = 2^k 2^(j/16) e^r
 * = 2^k (th + (th p + tl)), th + tl = 2^(j/16) from a 16-entry table, p = e^r - 1 = r + r^2 P(r) (Taylor to
 * r^7, error below 2^-59); the product with q + ql is folded in before the one rounding. */
static inline vd gamma_exp_mul(vd xh, vd xl, vd q, vd ql) {
    vd h, l;
    vd_fast_two_sum(xh, xl, &h, &l);
    vd shifted = vd_mla(h, vd_set(GAMMA_INV_LN2_16), vd_set(0x1.8p52)); /* 16 k + j in the low bits */
    vd kn = vd_sub(shifted, vd_set(0x1.8p52));
    vd r = vd_mla(kn, vd_set(-GAMMA_LN2_16_HI), h); /* exact */
    r = vd_add(vd_mla(kn, vd_set(-GAMMA_LN2_16_LO), r), l);
    vu j = vu_and(vd_bits(shifted), vu_set(15));
    vd th = vd_lookup16(GAMMA_EXP2_16_HI, j);
    vd p = vd_mla(vd_mul(r, r), vd_poly(r, GAMMA_EXP_P, (int)(sizeof GAMMA_EXP_P / sizeof GAMMA_EXP_P[0])), r);
    vd el = vd_mla(th, p, vd_lookup16(GAMMA_EXP2_16_LO, j)); /* e^x / 2^k = th + el */
    vd jd = vd_sub(vu_double(vu_or(j, vu_set(0x4330000000000000ull))), vd_set(0x1p52));
    vd k = vd_mul(vd_sub(kn, jd), vd_set(1.0 / 16.0));
    return vd_ldexp(vd_mla(th, q, vd_mla(el, q, vd_mul(th, ql))), k);
}

static inline __attribute__((always_inline)) vd gamma_v(vd x) {
    gamma_parts p = gamma_lgamma_v(x);
    /* e^L (x > 0) or e^-L (x < 0); beyond [-1100, 720] the result is 0 or inf anyway. */
    vd xh = vd_sel(p.negative, vd_neg(p.h), p.h), xl = vd_sel(p.negative, vd_neg(p.l), p.l);
    vm clamped = vm_or(vd_lt(xh, vd_set(-1100.0)), vd_lt(vd_set(720.0), xh));
    xh = vd_min(vd_max(xh, vd_set(-1100.0)), vd_set(720.0));
    xl = vd_sel(clamped, vd_set(0.0), xl);
    vd r;
    if (!vm_any(p.shifted)) {
        r = gamma_exp_mul(xh, xl, vd_set(1.0), vd_set(0.0));
    } else {
        /* Divided by Dn = y (0 < x < 3/4) or |sin(pi y)| / pi (x < 0), 1 elsewhere: 1/Dn = q + ql. */
        vd dh = vd_sel(p.shifted, p.y, vd_set(1.0)), dl = vd_set(0.0), sign = vd_set(1.0);
        vm pole = vd_lt(vd_set(1.0), vd_set(0.0)); /* none */
        if (vm_any(p.negative)) {
            vd wh, wl;
            gamma_reflection(p.y, p.negative, &wh, &wl, &pole, &sign);
            dh = vd_sel(p.negative, wh, dh);
            dl = vd_sel(p.negative, wl, dl);
        }
        vd q = vd_div(vd_set(1.0), dh);
        vd qp, qe;
        vd_two_prod(q, dh, &qp, &qe);
        vd ql = vd_mul(vd_sub(vd_sub(vd_sub(vd_set(1.0), qp), qe), vd_mul(q, dl)), q);
        r = vd_mul(gamma_exp_mul(xh, xl, q, ql), sign);
        r = vd_sel(pole, vd_set(__builtin_nan("")), r);
    }
    if (vm_any(gamma_special(x, 0x1p-54))) {
        vd inf = vd_set(__builtin_inf());
        /* |x| < 2^-54: gamma(x) = 1/x - euler + O(x) (and +-inf below 1/DBL_MAX). */
        vd tiny = vd_sub(vd_div(vd_set(1.0), x), vd_set(GAMMA_EULER));
        r = vd_sel(vd_lt(vd_abs(x), vd_set(0x1p-54)), tiny, r);
        r = vd_sel(vd_le(vd_set(0x1p990), x), inf, r);
        r = vd_sel(vd_eq(x, vd_set(0.0)), vd_copysign(inf, x), r); /* gamma(+-0) = +-inf */
        r = vd_sel(vd_eq(x, vd_neg(inf)), vd_set(__builtin_nan("")), r);
        r = vd_sel(vd_isnan(x), x, r);
    }
    return r;
}
