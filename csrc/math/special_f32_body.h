/*
 * float32 erf, erfc, gamma and lgamma: float32 lanes widened to double and
 * computed in plain double arithmetic (no double-double) with short minimax
 * polynomials, then rounded once to float32. Each kernel keeps its relative
 * error near 2^-37 before that rounding (erf 2^-28.5; the fits in
 * special_f32_coefficients.h, from tools/special_f32_minimax.py, plus a few
 * double roundings), so results are within 0.5 + 2^-9.6 ULP of float32 (erf 0.5 + 0.044). special_<isa>.c includes this after
 * special_body.h and gamma_body.h, whose ln 2 split and log table (pow_table.h) it uses.
 *
 * - erf: a = |x| clamped below 4 (erf rounds to 1 from 3.92), k = floor(4a),
 *   erf(a) = a P_k(4a - k - 1/2) with 16 degree-5 pieces (one vd_lookup16 per
 *   coefficient); P_k ~ 2/sqrt(pi) near 0, so erf keeps its relative accuracy
 *   down to the subnormals.
 * - erfc: x < 1/2 as 1 - erf(x); above, exp(-x^2) F(x) with F = exp(x^2) erfc(x)
 *   in 18 quarter-octave degree-8 pieces from 1/2 to 12 (x clamped to 10.25,
 *   where erfc is below half the smallest float32 subnormal). x^2 is exact in
 *   double, so the exponential (Cody-Waite reduction, degree-8 polynomial, 2^k)
 *   costs no accuracy.
 * - lgamma: w = x, or 1 + |x| for x < 0 (exact); w < 8 reduces to t in [1, 2)
 *   with lgamma(t) = (t-1)(t-2) F(t - 3/2) (relative accuracy at both zeros) plus
 *   the log of the product of the factors w - i (or minus log w below 1); w >= 8
 *   takes Stirling, (w - 1/2)(log w - 1) + log(2 pi)/2 - 1/2 + G(1/w^2)/w. x < 0:
 *   lgamma(x) = log pi - log|sin(pi x)| - lgamma(1 - x), sin(pi x) from the
 *   exact reduction |x| - round(|x|). The loop takes two passes per block:
 *   Stirling on every vector (its log on float64 lgamma's 16 subintervals of [1, 2):
 *   log32_minus_one), then the lanes below 8 packed into vectors.
 * - gamma: sign * exp(lgamma), the exponential as erfc's; lgamma below 100 in
 *   magnitude, so its absolute error (~2^-45) is gamma's relative one.
 */
#include "special_f32_coefficients.h"
#include "piece_table.h"

enum {
    ERF32_N = sizeof ERF32_P / sizeof ERF32_P[0],
    ERFC32_N = sizeof ERFC32_P / sizeof ERFC32_P[0],
    EXP32_N = sizeof EXP32_P / sizeof EXP32_P[0],
    LGAMMA32_F_N = sizeof LGAMMA32_F / sizeof LGAMMA32_F[0],
    LGAMMA32_G_N = sizeof LGAMMA32_G / sizeof LGAMMA32_G[0],
};

PIECE_ROWS(ERF32_ROWS, 16, ERF32_N); /* AVX2: piece_table.h */

static const double SP32_LOG_PI = 0x1.250d048e7a1bdp+0;
static const double SP32_HALF_LOG_2PI_MINUS_HALF = 0x1.acfe390c97d69p-2; /* log(2 pi)/2 - 1/2 */

/* erf(a) for a = |x| >= 0 or NaN (NaN out). */
static inline vd erf32_abs(vd a) {
    a = vd_min(vd_set(3.96875), a); /* NaN stays NaN (vd_min returns its second operand then) */
    /* k = floor(4a) (or k - 1 at the boundary k/4, which both pieces cover) in the low mantissa bits of
     * 4a - 1/2 + 1.5 * 2^52. 4a - 1/2 is exact from the second piece on (in the first it is off by at
     * most 2^-54, which moves P_0 ~ 2/sqrt(pi) by far less than its error), and so is t = 4a - k - 1/2. */
    vd y = vd_mla(a, vd_set(4.0), vd_set(-0.5));
    vd shifted = vd_add(y, vd_set(0x1.8p52));
    vu index = vu_and(vd_bits(shifted), vu_set(15));
    vd t = vd_sub(y, vd_sub(shifted, vd_set(0x1.8p52)));
    return vd_mul(a, piece_horner(piece_locate(ERF32_ROWS, ERF32_N, 16, index), ERF32_P[0], 16, ERF32_N, t));
}

static inline vd erf32_v(vd x) {
    return vd_copysign(erf32_abs(vd_abs(x)), x);
}

/* e^-s = 2^k P(r) for |s| <= 120 given exactly (-s = k ln2 + r; -s - k LN2_HI is exact). */
static inline vd exp32_neg(vd s) {
    vd k = vd_round(vd_mul(s, vd_set(-SP_INV_LN2)));
    vd r = vd_sub(vd_neg(s), vd_mul(k, vd_set(SP_LN2_HI)));
    r = vd_mla(k, vd_set(-SP_LN2_LO), r);
    return vd_mul(vd_poly(r, EXP32_P, EXP32_N), vd_pow2(k));
}

/* erfc(x) for 1/2 <= x (x clamped to 10.25; NaN lanes give an unused value). */
static inline vd erfc32_big(vd x) {
    vd u = vd_min(vd_max(x, vd_set(0.5)), vd_set(10.25));
    /* Quarter octaves: the exponent and the top two mantissa bits, counted from 1/2. */
    vu index = vu_sub(vu_shr(vd_bits(u), 50), vu_set(1022u * 4u));
    vd t = vd_sub(u, vd_lookup32(ERFC32_MID, index)); /* exact */
    vd f = vd_lookup32(ERFC32_P[0], index);
    for (int j = 1; j < ERFC32_N; j++) {
        f = vd_mla(f, t, vd_lookup32(ERFC32_P[j], index));
    }
    return vd_mul(exp32_neg(vd_mul(u, u)), f); /* u * u exact: u holds a float32 value */
}

static inline vd erfc32_v(vd x) {
    vm near = vd_lt(x, vd_set(0.5));
    vd near_r = vd_set(0.0), far_r = vd_set(0.0);
    if (vm_any(near)) {
        near_r = vd_sub(vd_set(1.0), vd_copysign(erf32_abs(vd_abs(x)), x));
    }
    if (!vm_all(near)) {
        far_r = erfc32_big(x);
    }
    return vd_sel(vd_isnan(x), x, vd_sel(near, near_r, far_r));
}

/* log w for normal w > 0 in plain double, from log_table_dd's 32-entry table (pow_table.h):
 * w = 2^k z, log w = k ln2 + log c + log1p(z/c - 1), log1p(r) = r + r^2 P(r) with P the Taylor terms
 * r^2..r^6 (|r| < 0.0225: error < 2^-41 absolute, r^6/7 < 2^-35.7 relative to r). */
static inline vd log32_sp(vd w) {
    vu ix = vd_bits(w);
    vu tmp = vu_sub(ix, vu_set(POW_OFF));
    vu index = vu_and(vu_shr(tmp, 52 - 5), vu_set(POW_LOG_N - 1));
    vu k_biased = vu_xor(vu_shr(tmp, 52), vu_set(0x800));
    vd k = vd_sub(vu_double(vu_or(k_biased, vu_set(0x4330000000000000ull))), vd_set(0x1p52 + 2048.0));
    vd z = vu_double(vu_sub(ix, vu_and(tmp, vu_set(0xfffull << 52))));
    vd r = vd_mla(z, vd_lookup32(POW_INVC, index), vd_set(-1.0));
    vd head = vd_mla(k, vd_set(POW_LN2_HI), vd_lookup32(POW_LOGC, index));
    /* r + r^2 (-1/2 + r/3 + r^2 (-1/4 + r/5 - r^2/6)): Estrin's split shortens the dependency chain */
    vd r2 = vd_mul(r, r);
    vd high = vd_mla(r2, vd_set(-1.0 / 6.0), vd_mla(r, vd_set(0.2), vd_set(-0.25)));
    vd p = vd_mla(r2, high, vd_mla(r, vd_set(1.0 / 3.0), vd_set(-0.5)));
    return vd_add(head, vd_mla(r2, p, r));
}

/* log w - 1 for normal w > 0 in plain double, on float64 lgamma's 16 subintervals of [1, 2) (gamma_body.h's
 * lgamma_fast): k the exponent of w, z = w 2^-k, r = z invc - 1 (|r| <= 0.0371), log c - 1 from LGAMMA_LOG_HEAD
 * (its tail, below 2^-44, left out), log1p(r) the Taylor series to r^7 (r^8/8 < 2^-41). Two permutes on
 * AVX-512 and vgetexppd / vgetmantpd, where log32_sp reads two 32-entry tables: the first pass's log. */
static inline vd log32_minus_one(vd w) {
    vu j = vu_shr(vd_bits(w), 48);
    vd r = vd_mla(vd_mantissa(w), vd_lookup16_low(LGAMMA_LOG_INVC, j), vd_set(-1.0));
    vd head = vd_mla(vd_exponent(w), vd_set(POW_LN2_HI), vd_lookup16_low(LGAMMA_LOG_HEAD, j));
    vd r2 = vd_mul(r, r);
    vd high = vd_mla(r2, vd_mla(r, vd_set(1.0 / 7.0), vd_set(-1.0 / 6.0)), vd_mla(r, vd_set(0.2), vd_set(-0.25)));
    vd p = vd_mla(r2, high, vd_mla(r, vd_set(1.0 / 3.0), vd_set(-0.5)));
    return vd_add(head, vd_mla(r2, p, r));
}

/* lgamma(w) for w >= 8 given lm = log w - 1: Stirling's (w - 1/2)(log w - 1) + log(2 pi)/2 - 1/2 + G(1/w^2)/w. */
static inline vd lgamma32_stirling(vd w, vd lm) {
    vd inv = vd_div(vd_set(1.0), w);
    vd tail = vd_mla(inv, vd_poly(vd_mul(inv, inv), LGAMMA32_G, LGAMMA32_G_N), vd_set(SP32_HALF_LOG_2PI_MINUS_HALF));
    return vd_mla(vd_sub(w, vd_set(0.5)), lm, tail);
}

/* lgamma(w) for finite w > 0. */
static inline vd lgamma32_positive(vd w) {
    vm stirling = vd_le(vd_set(8.0), w);
    vd core = vd_set(0.0), prod = vd_set(1.0), log_sign = vd_set(1.0);
    if (vm_any(vm_not(stirling))) {
        vd wc = vd_min(w, vd_set(0x1.fffffffffffffp2)); /* below 8; Stirling lanes discard this part */
        vd fl = vd_round(wc);
        fl = vd_sub(fl, vd_sel(vd_gt(fl, wc), vd_set(1.0), vd_set(0.0))); /* floor */
        vd a = vd_sub(wc, fl);                                             /* t - 1, exact */
        core = vd_mul(vd_mul(a, vd_sub(a, vd_set(1.0))), vd_poly(vd_sub(a, vd_set(0.5)), LGAMMA32_F, LGAMMA32_F_N));
        /* lgamma(w) = lgamma(t) + log((w-1)...(w-n)) for w >= 2, lgamma(t) - log w below 1. */
        vm below_one = vd_lt(wc, vd_set(1.0));
        log_sign = vd_sel(below_one, vd_set(-1.0), vd_set(1.0));
        prod = vd_sel(below_one, wc, vd_set(1.0));
        for (int i = 1; i < 7; i++) {
            prod = vd_mul(prod, vd_sel(vd_le(vd_set((double)i + 1.0), fl), vd_sub(wc, vd_set((double)i)), vd_set(1.0)));
        }
    }
    vd lw = log32_sp(vd_sel(stirling, w, prod));
    vd r = vd_mla(log_sign, lw, core);
    if (vm_any(stirling)) {
        r = vd_sel(stirling, lgamma32_stirling(w, vd_sub(lw, vd_set(1.0))), r);
    }
    return r;
}

/* |sin(pi y)| for 0 <= y <= 2^30, whether sin(pi y) < 0 and whether y is an integer. */
static inline vd sinpi32_abs(vd y, vm *negative_sin, vm *integer) {
    vd n = vd_round(y);
    vd r = vd_sub(y, n); /* exact, |r| <= 1/2 */
    *integer = vd_eq(r, vd_set(0.0));
    vd half = vd_mul(n, vd_set(0.5));
    vm odd = vm_not(vd_eq(vd_round(half), half));
    vm above = vd_gt(r, vd_set(0.0));
    *negative_sin = vm_not(vm_or(vm_and(odd, vm_not(above)), vm_and(vm_not(odd), above)));
    vd v = vd_abs(r);
    vd u = vd_sub(vd_set(0.5), v); /* exact */
    vd s = vd_mul(v, vd_poly(vd_mul(v, v), SINPI32_S, (int)(sizeof SINPI32_S / sizeof SINPI32_S[0])));
    vd c = vd_poly(vd_mul(u, u), COSPI32_C, (int)(sizeof COSPI32_C / sizeof COSPI32_C[0]));
    return vd_sel(vd_le(v, vd_set(0.25)), s, c);
}

/* lgamma(x), the sign of gamma(x) and the poles x < 0 (negative integers and -inf) for x that is
 * not 0, inf or NaN (those lanes get unused values). */
static inline vd lgamma32_signed(vd x, vd *sign, vm *pole) {
    vm negative = vd_lt(x, vd_set(0.0));
    vd y = vd_abs(x); /* 0, inf and NaN lanes run through harmlessly (no traps; table indices are masked) */
    vd lg = lgamma32_positive(vd_sel(negative, vd_add(y, vd_set(1.0)), y));
    *sign = vd_set(1.0);
    *pole = vd_lt(x, x); /* none */
    if (vm_any(negative)) {
        /* gamma(x) = pi / (sin(pi x) gamma(1 - x)), sin(pi x) = -sin(pi y). */
        vm negative_sin, integer;
        vd s = sinpi32_abs(vd_min(y, vd_set(0x1p30)), &negative_sin, &integer); /* from 2^23 every float32 is a pole */
        *pole = vm_and(negative, integer);
        vd reflected = vd_sub(vd_sub(vd_set(SP32_LOG_PI), log32_sp(s)), lg);
        lg = vd_sel(negative, reflected, lg);
        *sign = vd_sel(vm_and(negative, vm_not(negative_sin)), vd_set(-1.0), vd_set(1.0));
    }
    return lg;
}

/* Lanes that are 0, inf or NaN: only vectors with one of them pay for those special cases. */
static inline vm sp32_zero_or_not_finite(vd x) {
    return vm_or(vm_not(vd_lt(vd_abs(x), vd_set(__builtin_inf()))), vd_eq(x, vd_set(0.0)));
}

/* The 0, inf and NaN lanes of lgamma: +inf for +-0 and +-inf, NaN for NaN. */
static inline vd lgamma32_special(vd x, vd r) {
    if (vm_any(sp32_zero_or_not_finite(x))) {
        r = vd_sel(vm_or(vd_eq(x, vd_set(0.0)), vd_eq(vd_abs(x), vd_set(__builtin_inf()))), vd_set(__builtin_inf()), r);
        r = vd_sel(vd_isnan(x), x, r);
    }
    return r;
}

static inline vd lgamma32_v(vd x) {
    vd sign;
    vm pole;
    vd r = lgamma32_signed(x, &sign, &pole); /* lgamma(1) = lgamma(2) = +0: log(1) is +0, the core -0 */
    return lgamma32_special(x, vd_sel(pole, vd_set(__builtin_inf()), r));
}

/* lgamma32_v for the lanes x >= 8 (and +inf, NaN): Stirling alone, the same steps as there. */
static inline vd lgamma32_big(vd x) {
    return lgamma32_special(x, lgamma32_stirling(x, log32_minus_one(vd_max(x, vd_set(8.0)))));
}

static inline vd gamma32_v(vd x) {
    vd sign;
    vm pole;
    vd lg = lgamma32_signed(x, &sign, &pole);
    /* Beyond [-120, 100] gamma is 0 or inf in float32 anyway. */
    lg = vd_min(vd_max(lg, vd_set(-120.0)), vd_set(100.0));
    vd r = vd_mul(exp32_neg(vd_neg(lg)), sign);
    r = vd_sel(pole, vd_set(__builtin_nan("")), r); /* negative integers and -inf */
    if (vm_any(sp32_zero_or_not_finite(x))) {
        vd inf = vd_set(__builtin_inf());
        r = vd_sel(vd_eq(x, vd_set(0.0)), vd_copysign(inf, x), r); /* gamma(+-0) = +-inf */
        r = vd_sel(vd_eq(x, inf), inf, r);
        r = vd_sel(vd_isnan(x), x, r);
    }
    return r;
}

SPECIAL_UNARY_LOOPS(erf)
SPECIAL_UNARY_LOOPS(erfc)
SPECIAL_UNARY_LOOPS(gamma)

/*
 * float32 lgamma in blocks: the first pass takes Stirling's formula on every vector and notes the lanes
 * below 8 (x < 0 included: 3% of bench_special.py's inputs, but a fifth of AVX-512's 8-lane vectors
 * hold one, and each would cost the whole vector the reflection and the reduction to [1, 2)); the
 * second pass runs lgamma32_v on those lanes only, packed into whole vectors. A lane's arithmetic is
 * the same whichever vector it sits in, so every ISA still gives the scalar reference's bits.
 */
enum { LGAMMA32_BLOCK = 512 };

/* lgamma32_v of the noted values[0..count) into out[index[...]], VL lanes at a time. */
static void lgamma32_small_pass(const float *values, const int32_t *index, int count, float *out) {
    for (int k = 0; k < count; k += VL) {
        int m = count - k < VL ? count - k : VL;
        double xb[VL], rb[VL];
        for (int j = 0; j < VL; j++) {
            xb[j] = (double)values[k + (j < m ? j : 0)];
        }
        vd_store(rb, lgamma32_v(vd_load(xb)));
        for (int j = 0; j < m; j++) {
            out[index[k + j]] = (float)rb[j];
        }
    }
}

/* The first pass over the vector at x (block position i): out gets lgamma32_big, index and values the
 * positions and inputs of the lanes below 8 (kept, as out may be x itself); returns the new count. */
static inline int lgamma32_big_pass(const float *x, int32_t i, float *out, int32_t *index, float *values,
                                    int count) {
    vd xv = vd_load_f32(x);
    vm small = vd_lt(xv, vd_set(8.0));
    if (vm_any(small)) {
        for (unsigned bits = vm_lanes(small); bits != 0; bits &= bits - 1) {
            int lane = __builtin_ctz(bits);
            index[count] = i + lane;
            values[count++] = x[lane];
        }
    }
    vd_store_f32(out, lgamma32_big(xv));
    return count;
}

void SPECIAL_NAME(rt_sp_lgamma_f32)(const float *x, int64_t n, float *out) {
    int32_t index[LGAMMA32_BLOCK];
    float values[LGAMMA32_BLOCK];
    for (int64_t start = 0; start < n; start += LGAMMA32_BLOCK) {
        int32_t m = (int32_t)(n - start < LGAMMA32_BLOCK ? n - start : LGAMMA32_BLOCK);
        const float *xs = x + start;
        float *os = out + start;
        int count = 0;
        int32_t i = 0;
        for (; i + VL <= m; i += VL) {
            count = lgamma32_big_pass(xs + i, i, os + i, index, values, count);
        }
        if (i < m) { /* the tail through buffers, padded with 8 (a Stirling lane, never noted) */
            float bx[VL < 4 ? 4 : VL], bo[VL < 4 ? 4 : VL];
            for (int j = 0; j < (VL < 4 ? 4 : VL); j++) {
                bx[j] = 8.0f; /* Stirling's: not noted */
            }
            __builtin_memcpy(bx, xs + i, (size_t)(m - i) * sizeof(float));
            count = lgamma32_big_pass(bx, i, bo, index, values, count);
            __builtin_memcpy(os + i, bo, (size_t)(m - i) * sizeof(float));
        }
        lgamma32_small_pass(values, index, count, os);
    }
}
