/*
 * gamma and lgamma, written once over part A's vec.h and compiled once per
 * ISA: special_<isa>.c includes this after special_body.h (whose exp_neg_dd,
 * Cody-Waite ln 2 and loop macro it reuses).
 *
 * lgamma is built as a double-double, then rounded once (lgamma) or fed to
 * the double-double exponential (gamma = sign * exp(lgamma)), so gamma's
 * large exponents (up to 709) cost no accuracy.
 *
 * For y = |x| and the target w = y (x > 0) or w = 1 + y (x < 0, see below):
 * - w < 8: reduced to t = w - n in [1, 2) with lgamma(w) = lgamma(t) + log(prod)
 *   (prod = (w-1)...(w-n), or 1/y when y < 1), prod an exact-ish double-double
 *   of exact factors y - i. lgamma(t) = (t-1)(t-2) F(t - 3/2), F a degree-22
 *   minimax fit: dividing out both zeros keeps lgamma's relative accuracy at
 *   1 and 2. t - 1 and t - 3/2 come straight from y, exactly.
 * - w >= 8: Stirling, (y - 1/2) log y - y + log(2 pi)/2 + G(1/y^2)/y.
 * - x < 0: reflection, lgamma(x) = log(pi / |sin(pi y)|) - lgamma(1 + y),
 *   where lgamma(1 + y) = lgamma(y) + log y is computed from y directly (the
 *   product gains the factor y, Stirling's (y - 1/2) becomes (y + 1/2)), so 1 + y
 *   is never rounded; sin(pi y) from the exact reduction y - round(y).
 * log is the table-driven double-double log of log_table_body.h (relative error
 * ~2^-68) plus xl / xh for a double-double argument, so log y * y stays accurate up to y = 171.
 *
 * Coefficients come from tools/gamma_minimax.py (gamma_coefficients.h).
 */
#include "gamma_coefficients.h"
#include "log_table_body.h"

enum {
    LGAMMA_F_N = sizeof LGAMMA_F / sizeof LGAMMA_F[0],
    LGAMMA_G_N = sizeof LGAMMA_G / sizeof LGAMMA_G[0],
    /* Factors in the product: y - i for i in [0, 7) covers 1 + y < 8. */
    GAMMA_MAX_FACTORS = 7,
};

/* ---------------------------------------------------------- double-double */

/* (ah + al) * b, renormalised. */
static inline void dd_mul_d(vd ah, vd al, vd b, vd *ph, vd *pl) {
    vd p, e;
    vd_two_prod(ah, b, &p, &e);
    vd_fast_two_sum(p, vd_mla(al, b, e), ph, pl);
}

/* (ah + al) * (bh + bl), renormalised. */
static inline void dd_mul(vd ah, vd al, vd bh, vd bl, vd *ph, vd *pl) {
    vd p, e;
    vd_two_prod(ah, bh, &p, &e);
    vd_fast_two_sum(p, vd_add(e, vd_mla(ah, bl, vd_mul(al, bh))), ph, pl);
}

/* (ah + al) + (bh + bl), renormalised; no magnitude order needed. */
static inline void dd_add(vd ah, vd al, vd bh, vd bl, vd *sh, vd *sl) {
    vd s, e;
    vd_two_sum(ah, bh, &s, &e);
    vd_fast_two_sum(s, vd_add(e, vd_add(al, bl)), sh, sl);
}

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

/* |sin(pi y)| as a double-double for finite y >= 0, with the parity of the nearest integer n and
 * whether y > n (together they give the sign of sin(pi y)). */
static inline void sinpi_abs_dd(vd y, vd *sh, vd *sl, vm *odd, vm *above) {
    /* Above 2^52 every double is an integer; from 2^51 subtract 2^51 (even, exact) so round() works. */
    vd yr = vd_sel(vd_le(vd_set(0x1p52), y), vd_set(0.0),
                   vd_sel(vd_le(vd_set(0x1p51), y), vd_sub(y, vd_set(0x1p51)), y));
    vd n = vd_round(yr);
    vd r = vd_sub(yr, n); /* exact, |r| <= 1/2 */
    vd half = vd_mul(n, vd_set(0.5));
    *odd = vm_not(vd_eq(vd_round(half), half));
    *above = vd_gt(r, vd_set(0.0));
    vd v = vd_abs(r);
    /* v <= 1/4: sin(pi v) = pi v + v^3 S(v^2). */
    vd w = vd_mul(v, v);
    vd ph, pe, s1h, s1e;
    vd_two_prod(vd_set(GAMMA_PI_HI), v, &ph, &pe);
    vd_two_sum(ph, vd_mul(vd_mul(v, w), vd_poly(w, SINPI_S, (int)(sizeof SINPI_S / sizeof SINPI_S[0]))), &s1h, &s1e);
    vd s1l = vd_add(s1e, vd_mla(vd_set(GAMMA_PI_LO), v, pe));
    /* v > 1/4: cos(pi u), u = 1/2 - v (exact) = 1 - (pi^2/2) u^2 + u^4 C(u^2), u^2 as a double-double. */
    vd u = vd_sub(vd_set(0.5), v);
    vd uh, ul, ah, ae, c1h, c1e;
    vd_two_prod(u, u, &uh, &ul);
    vd_two_prod(vd_set(GAMMA_HALF_PI_SQ_HI), uh, &ah, &ae);
    vd al = vd_add(ae, vd_mla(vd_set(GAMMA_HALF_PI_SQ_HI), ul, vd_mul(vd_set(GAMMA_HALF_PI_SQ_LO), uh)));
    vd_fast_two_sum(vd_set(1.0), vd_neg(ah), &c1h, &c1e);
    vd quartic = vd_mul(vd_mul(uh, uh), vd_poly(uh, COSPI_C, (int)(sizeof COSPI_C / sizeof COSPI_C[0])));
    vd c1l = vd_add(vd_sub(c1e, al), quartic);
    vm use_sin = vd_le(v, vd_set(0.25));
    vd_fast_two_sum(vd_sel(use_sin, s1h, c1h), vd_sel(use_sin, s1l, c1l), sh, sl);
}

/* lgamma(t) for t in [1, 2), from a = t - 1 and z = t - 3/2 (both exact): (t-1)(t-2) F(z). */
static inline void lgamma_core_dd(vd a, vd z, vd *gh, vd *gl) {
    vd bh, bl, qh, qe, fh, fl;
    vd_two_sum(a, vd_set(-1.0), &bh, &bl);
    vd_two_prod(a, bh, &qh, &qe);
    vd ql = vd_mla(a, bl, qe);
    vd rest = vd_mul(z, vd_poly(z, LGAMMA_F, LGAMMA_F_N - 1));
    vd_fast_two_sum(vd_set(LGAMMA_F[LGAMMA_F_N - 1]), rest, &fh, &fl);
    fl = vd_add(fl, vd_set(LGAMMA_F_C0_LO));
    dd_mul(qh, ql, fh, fl, gh, gl);
}

/* Stirling for y >= 8, given log y: (y + h) log y - y + log(2 pi)/2 + G(1/y^2)/y, h = -1/2 for
 * lgamma(y), +1/2 for lgamma(1 + y). Scaled by 2^-600 above 2^600 so the products stay finite
 * (the result overflows only where lgamma itself does). */
static inline void lgamma_stirling_dd(vd y, vd h, vd lh, vd ll, vd *gh, vd *gl) {
    vm huge = vd_lt(vd_set(0x1p600), y);
    vd down = vd_sel(huge, vd_set(0x1p-600), vd_set(1.0));
    vd ah, al, ph, pl, ch, ce, sh, sl;
    vd_two_sum(y, h, &ah, &al);
    dd_mul(vd_mul(ah, down), vd_mul(al, down), lh, ll, &ph, &pl);
    vd r = vd_div(vd_set(1.0), y);
    vd tail = vd_mul(r, vd_poly(vd_mul(r, r), LGAMMA_G, LGAMMA_G_N));
    vd_two_sum(vd_set(GAMMA_HALF_LOG_2PI_HI), tail, &ch, &ce);
    vd cl = vd_add(ce, vd_set(GAMMA_HALF_LOG_2PI_LO));
    dd_add(ph, pl, vd_neg(vd_mul(y, down)), vd_set(0.0), &sh, &sl);
    dd_add(sh, sl, vd_mul(ch, down), vd_mul(cl, down), &sh, &sl);
    vd up = vd_sel(huge, vd_set(0x1p600), vd_set(1.0));
    *gh = vd_mul(sh, up);
    *gl = vd_mul(sl, up);
}

/* lgamma(y) in lanes where !shifted, lgamma(1 + y) where shifted, for finite y > 0. */
static inline void lgamma_positive_dd(vd y, vm shifted, vd *gh, vd *gl) {
    vm stirling = vd_le(vd_set(GAMMA_STIRLING_FROM), y);
    vd prod_h = vd_set(1.0), prod_l = vd_set(0.0), core_h = vd_set(0.0), core_l = vd_set(0.0);
    vd log_sign = vd_set(1.0);
    if (vm_any(vm_not(stirling))) {
        vd yc = vd_min(y, vd_set(0x1.fffffffffffffp2)); /* below 8; Stirling lanes discard this part */
        vd fl = vd_round(yc);
        fl = vd_sub(fl, vd_sel(vd_gt(fl, yc), vd_set(1.0), vd_set(0.0))); /* floor */
        vd a = vd_sub(yc, fl);                                             /* t - 1, exact */
        lgamma_core_dd(a, vd_sub(a, vd_set(0.5)), &core_h, &core_l);
        /* Factors y - i, i = 1 .. floor(y) - 1; shifted lanes also take y itself (i = 0); unshifted
         * lanes below 1 take y and subtract its log instead. */
        vm below_one = vd_lt(yc, vd_set(1.0));
        vm take0 = vm_or(vm_and(shifted, vm_not(below_one)), vm_and(vm_not(shifted), below_one));
        log_sign = vd_sel(vm_and(vm_not(shifted), below_one), vd_set(-1.0), vd_set(1.0));
        prod_h = vd_sel(take0, yc, vd_set(1.0));
        for (int i = 1; i < GAMMA_MAX_FACTORS; i++) {
            vd factor = vd_sel(vd_le(vd_set((double)i + 1.0), fl), vd_sub(yc, vd_set((double)i)), vd_set(1.0));
            vd p, e;
            vd_two_prod(prod_h, factor, &p, &e);
            prod_l = vd_mla(prod_l, factor, e);
            prod_h = p;
        }
    }
    vd lh, ll;
    log_dd(vd_sel(stirling, y, prod_h), vd_sel(stirling, vd_set(0.0), prod_l), &lh, &ll);
    if (vm_all(stirling)) {
        lgamma_stirling_dd(y, vd_sel(shifted, vd_set(0.5), vd_set(-0.5)), lh, ll, gh, gl);
        return;
    }
    dd_add(core_h, core_l, vd_mul(log_sign, lh), vd_mul(log_sign, ll), gh, gl);
    if (vm_any(stirling)) {
        vd sh, sl;
        lgamma_stirling_dd(y, vd_sel(shifted, vd_set(0.5), vd_set(-0.5)), lh, ll, &sh, &sl);
        *gh = vd_sel(stirling, sh, *gh);
        *gl = vd_sel(stirling, sl, *gl);
    }
}

/* lgamma(x) as a double-double and the sign of gamma(x) (+-1), for finite non-zero x that is not
 * a negative integer (other lanes carry garbage that the callers replace). */
static inline void lgamma_dd(vd x, vd *gh, vd *gl, vd *sign) {
    vm negative = vd_lt(x, vd_set(0.0));
    vd y = vd_abs(x);
    y = vd_sel(vm_or(vd_isnan(y), vd_lt(vd_set(0x1p1023), y)), vd_set(0x1p1023), y); /* keep inf/NaN out */
    y = vd_max(y, vd_set(0x1p-1074));
    lgamma_positive_dd(y, negative, gh, gl);
    *sign = vd_set(1.0);
    if (vm_any(negative)) {
        /* lgamma(x) = -log(|sin(pi y)| / pi) - lgamma(1 + y); gamma's sign is that of sin(pi x). */
        vd sh, sl, wh, wl, lh, ll, rh, rl;
        vm odd, above;
        sinpi_abs_dd(y, &sh, &sl, &odd, &above);
        dd_mul(sh, sl, vd_set(GAMMA_INV_PI_HI), vd_set(GAMMA_INV_PI_LO), &wh, &wl);
        /* Tiny y: sin(pi y) / pi = y to double-double accuracy, and pi y may be subnormal (inexact). */
        vm tiny = vd_lt(y, vd_set(0x1p-900));
        wh = vd_sel(tiny, y, wh);
        wl = vd_sel(tiny, vd_set(0.0), wl);
        log_dd(vd_max(wh, vd_set(0x1p-1074)), wl, &lh, &ll);
        dd_add(lh, ll, *gh, *gl, &rh, &rl);
        *gh = vd_sel(negative, vd_neg(rh), *gh);
        *gl = vd_sel(negative, vd_neg(rl), *gl);
        vm positive_sin = vm_or(vm_and(odd, above), vm_and(vm_not(odd), vm_not(above)));
        *sign = vd_sel(vm_and(negative, vm_not(positive_sin)), vd_set(-1.0), vd_set(1.0));
    }
}

/* Poles: x = +-0 and the negative integers (every x <= -2^52). */
static inline vm gamma_pole(vd x) {
    vd n = vd_round(vd_min(vd_max(x, vd_set(-0x1p51)), vd_set(0.0))); /* vd_round needs |x| < 2^51 */
    return vm_or(vd_eq(x, vd_set(0.0)), vm_and(vd_lt(x, vd_set(0.0)), vm_or(vd_eq(n, x), vd_le(x, vd_set(-0x1p52)))));
}

/* Lanes that are not finite and positive: only vectors with one of them pay for the special cases. */
static inline vm gamma_not_positive_finite(vd x) {
    return vm_not(vm_and(vd_lt(vd_set(0.0), x), vd_lt(x, vd_set(__builtin_inf()))));
}

static inline vd lgamma_v(vd x) {
    vd gh, gl, sign;
    lgamma_dd(x, &gh, &gl, &sign);
    vd r = vd_add(gh, gl);
    r = vd_sel(vd_eq(r, vd_set(0.0)), vd_set(0.0), r); /* lgamma(1) = lgamma(2) = +0 */
    if (vm_any(gamma_not_positive_finite(x))) {
        vm to_inf = vm_or(gamma_pole(x), vd_eq(vd_abs(x), vd_set(__builtin_inf())));
        r = vd_sel(to_inf, vd_set(__builtin_inf()), r);
        r = vd_sel(vd_isnan(x), x, r);
    }
    return r;
}

static inline vd gamma_v(vd x) {
    vd gh, gl, sign, k, eh, el;
    lgamma_dd(x, &gh, &gl, &sign);
    /* Beyond [-1100, 720] the result is 0 or inf anyway; keeps exp's 2^k within vd_ldexp's range. */
    vm clamped = vm_or(vd_lt(gh, vd_set(-1100.0)), vd_lt(vd_set(720.0), gh));
    gh = vd_min(vd_max(gh, vd_set(-1100.0)), vd_set(720.0));
    gl = vd_sel(clamped, vd_set(0.0), gl);
    exp_neg_dd(vd_neg(gh), vd_neg(gl), &k, &eh, &el);
    vd r = vd_mul(vd_ldexp(vd_add(eh, el), k), sign);
    if (vm_any(gamma_not_positive_finite(x))) {
        vd inf = vd_set(__builtin_inf());
        r = vd_sel(gamma_pole(x), vd_set(__builtin_nan("")), r);       /* negative integers (and -inf below) */
        r = vd_sel(vd_eq(x, vd_set(0.0)), vd_copysign(inf, x), r);     /* gamma(+-0) = +-inf */
        r = vd_sel(vd_eq(x, inf), inf, r);
        r = vd_sel(vd_eq(x, vd_neg(inf)), vd_set(__builtin_nan("")), r);
        r = vd_sel(vd_isnan(x), x, r);
    }
    return r;
}

