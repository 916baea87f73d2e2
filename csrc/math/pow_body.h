/*
 * pow(x, y), written once over vec.h; included at the end of
 * elementary_body.h (it uses exp_core), so it is compiled once per ISA with
 * the other elementary functions. docs/math.md describes the algorithm:
 *
 *   float64: log|x| = lh + ll from a 32-entry table and a degree-12
 *            polynomial (relative error ~2^-68, after ARM's optimized-routines
 *            pow), y * log|x| = eh + el exactly (two_prod), then
 *            e^eh (1 + el) from exp_core: within 1 ULP with no division;
 *   float32: the same log rounded to a double, times y, and a short exp
 *            polynomial in double: error ~2^-40 before the rounding to float32.
 *
 * Special values (C99 Annex F) are fixed up by pow_special, which only runs
 * for vectors that hold a lane with x <= 0, x = inf or NaN, y = inf or NaN.
 */
#include "pow_table.h"

/* The bits of 0x1.69555p-1: log x = k ln2 + log c + log1p(r) with z = x 2^-k in [OFF, 2 OFF). */
#define POW_OFF 0x3fe6955500000000ull

/* log1p(r) - r + r^2/2 = (-r^3/2) Q(r): Taylor terms r^3..r^12 scaled by -2, highest first
 * (|r| < 0.0225, so the first term left out, r^13/13, is below 2^-74). */
static const double POW_LOG_Q[10] = {
    2.0 / 12.0, -2.0 / 11.0, 2.0 / 10.0, -2.0 / 9.0, 2.0 / 8.0, -2.0 / 7.0,
    2.0 / 6.0, -2.0 / 5.0, 2.0 / 4.0, -2.0 / 3.0,
};

/* e^r = sum r^n / n! for n = 10..0, |r| <= ln2/2: error < 2^-41 (float32 pow only). */
static const double POW_EXP_F32[11] = {
    1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0,
    1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 1.0,
};

/*
 * log x = hi + lo for finite x > 0 (other lanes give unused values; the table
 * index is masked, so it is always in range).
 */
static inline void pow_log(vd x, vd *hi_out, vd *lo_out) {
    /* Subnormals: scale by 2^52 and take 52 off the exponent field (wrapping is fine, see k). */
    vm tiny = vd_lt(x, vd_set(0x1p-1022));
    vu ix = vd_bits(vd_sel(tiny, vd_mul(x, vd_set(0x1p52)), x));
    ix = vu_sub(ix, vd_bits(vd_sel(tiny, vu_double(vu_set(52ull << 52)), vd_set(0.0))));
    vu tmp = vu_sub(ix, vu_set(POW_OFF));
    vu index = vu_and(vu_shr(tmp, 52 - 5), vu_set(POW_LOG_N - 1)); /* POW_LOG_N = 32 */
    /* k is the top 12 bits of tmp as a signed number: flip their sign bit, read them offset by 2048. */
    vu k_biased = vu_xor(vu_shr(tmp, 52), vu_set(0x800));
    vd k = vd_sub(vu_double(vu_or(k_biased, vu_set(0x4330000000000000ull))), vd_set(0x1p52 + 2048.0));
    vu iz = vu_sub(ix, vu_and(tmp, vu_set(0xfffull << 52)));
    vd z = vu_double(iz);
    vd invc = vd_lookup32(POW_INVC, index);
    vd logc = vd_lookup32(POW_LOGC, index);
    vd logctail = vd_lookup32(POW_LOGCTAIL, index);
    /* r = z invc - 1 is exact: invc has at most 7 significant bits and |r| < 2^-5.4. */
#if VEC_HAS_FMA
    vd r = vd_mla(z, invc, vd_set(-1.0));
#else
    /* Without FMA: z = zhi + zlo with zhi on 21 bits, so zhi invc - 1, zlo invc and their sum are exact. */
    vd zhi = vu_double(vu_and(vu_add(iz, vu_set(1ull << 31)), vu_set(0xffffffff00000000ull)));
    vd rhi = vd_sub(vd_mul(zhi, invc), vd_set(1.0));
    vd rlo = vd_mul(vd_sub(z, zhi), invc);
    vd r = vd_add(rhi, rlo);
#endif
    vd t1 = vd_add(vd_mul(k, vd_set(POW_LN2_HI)), logc); /* exact: both are multiples of 2^-43 below 2^10 */
    vd t2 = vd_add(t1, r);
    vd lo1 = vd_mla(k, vd_set(POW_LN2_LO), logctail);
    vd lo2 = vd_add(vd_sub(t1, t2), r);
    vd ar = vd_mul(vd_set(-0.5), r);
    vd ar2 = vd_mul(r, ar);
    vd ar3 = vd_mul(r, ar2);
#if VEC_HAS_FMA
    vd hi = vd_add(t2, ar2);
    vd lo3 = vd_mla(ar, r, vd_neg(ar2));
    vd lo4 = vd_add(vd_sub(t2, hi), ar2);
#else
    vd arhi = vd_mul(vd_set(-0.5), rhi);
    vd arhi2 = vd_mul(rhi, arhi); /* exact: rhi has at most 22 significant bits */
    vd hi = vd_add(t2, arhi2);
    vd lo3 = vd_mul(rlo, vd_add(ar, arhi));
    vd lo4 = vd_add(vd_sub(t2, hi), arhi2);
#endif
    vd p = vd_mul(ar3, vd_poly(r, POW_LOG_Q, 10));
    vd lo = vd_add(vd_add(vd_add(vd_add(lo1, lo2), lo3), lo4), p);
    vd sum = vd_add(hi, lo);
    *lo_out = vd_add(vd_sub(hi, sum), lo);
    *hi_out = sum;
}

/* |x|^y for finite x > 0 and finite y, in double precision (float64 pow). */
static inline vd pow_core_f64(vd ax, vd y) {
    vd lh, ll;
    pow_log(ax, &lh, &ll);
    vd eh, ee;
    vd_two_prod(y, lh, &eh, &ee);
    /* Outside exp_core's range the result is 0 or inf whatever the tail says (and the tail may be NaN). */
    vm in_range = vm_and(vd_gt(eh, vd_set(-746.0)), vd_lt(eh, vd_set(711.0)));
    vd el = vd_sel(in_range, vd_mla(y, ll, ee), vd_set(0.0));
    vd k, h, l;
    exp_core(vd_min(vd_max(eh, vd_set(-746.0)), vd_set(711.0)), &k, &h, &l);
    /* e^(eh + el) = e^eh (1 + el) to 2^-100: |el| < 2^-43. */
    return vd_ldexp(vd_add(h, vd_mla(h, el, l)), k);
}

/* |x|^y for finite x > 0 and finite y, with ~2^-40 relative error (float32 pow). */
static inline vd pow_core_f32(vd ax, vd y) {
    vd lh, ll;
    pow_log(ax, &lh, &ll);
    /* float32 results are 0 or inf outside [-104, 89]; the clamp keeps 2^k a normal double. */
    vd t = vd_min(vd_max(vd_mul(y, lh), vd_set(-160.0)), vd_set(160.0));
    vd k = vd_round(vd_mul(t, vd_set(INV_LN2)));
    vd r = vd_mla(k, vd_set(-LN2_HI), t);
    r = vd_mla(k, vd_set(-LN2_LO), r);
    return vd_mul(vd_poly(r, POW_EXP_F32, 11), vd_pow2(k));
}

/* Integer and odd-integer lanes of y (every |y| >= 2^53 is an even integer). */
static inline void pow_classify_y(vd y, vm *is_int, vm *is_odd) {
    vd ay = vd_abs(y);
    vm big = vm_not(vd_lt(ay, vd_set(0x1p52)));
    /* Below 2^53, subtracting 2^52 keeps the parity and brings w into vd_round's range. */
    vd w = vd_sel(big, vd_sel(vd_lt(ay, vd_set(0x1p53)), vd_sub(ay, vd_set(0x1p52)), vd_set(0.0)), ay);
    vd half = vd_mul(w, vd_set(0.5));
    vd frac = vd_abs(vd_sub(half, vd_round(half)));
    *is_odd = vd_eq(frac, vd_set(0.5));
    *is_int = vm_or(big, vm_or(*is_odd, vd_eq(frac, vd_set(0.0))));
}

/* C99 F.9.4.4 on top of r = |x|^y computed for the ordinary lanes. */
static inline vd pow_special(vd x, vd y, vd r) {
    vm y_int, y_odd;
    pow_classify_y(y, &y_int, &y_odd);
    vd zero = vd_set(0.0), one = vd_set(1.0), inf = vd_set(__builtin_inf());
    vd ax = vd_abs(x);
    /* Negative finite x: odd integer y flips the sign, a non-integer y has no real result. */
    vm negative = vd_lt(x, zero);
    r = vd_sel(vm_and(negative, y_odd), vd_neg(r), r);
    r = vd_sel(vm_and(negative, vm_not(y_int)), vd_set(__builtin_nan("")), r);
    /* x = +-0 or +-inf: 0 or inf by the sign of y, carrying x's sign for odd integer y. */
    vm y_negative = vd_lt(y, zero);
    vm x_zero = vd_eq(ax, zero), x_inf = vd_eq(ax, inf);
    vd edge = vd_sel(x_zero, vd_sel(y_negative, inf, zero), vd_sel(y_negative, zero, inf));
    edge = vd_sel(y_odd, vd_copysign(edge, x), edge);
    r = vd_sel(vm_or(x_zero, x_inf), edge, r);
    /* y = +-inf: 1 at |x| = 1 (x = -1 included), else inf exactly when |x| > 1 and y > 0 or |x| < 1 and y < 0. */
    vm x_big = vd_gt(ax, one);
    vm to_inf = vm_or(vm_and(x_big, vm_not(y_negative)), vm_and(vm_not(x_big), y_negative));
    vd y_inf_case = vd_sel(vd_eq(ax, one), one, vd_sel(to_inf, inf, zero));
    r = vd_sel(vd_eq(vd_abs(y), inf), y_inf_case, r);
    r = vd_sel(vm_or(vd_isnan(x), vd_isnan(y)), vd_add(x, y), r);
    /* pow(x, +-0) = 1 and pow(1, y) = 1 even for NaN. */
    return vd_sel(vm_or(vd_eq(y, zero), vd_eq(x, one)), one, r);
}

/* Lanes pow_core cannot take: x <= 0 (-0 too), x not finite, y not finite, and x = 1 (exactly 1). */
static inline vm pow_needs_special(vd x, vd y) {
    vm ordinary = vm_and(vm_and(vd_gt(x, vd_set(0.0)), vd_lt(x, vd_set(__builtin_inf()))),
                         vd_lt(vd_abs(y), vd_set(__builtin_inf())));
    return vm_or(vm_not(ordinary), vd_eq(x, vd_set(1.0)));
}

static inline vd pow_f64_v(vd x, vd y) {
    vd r = pow_core_f64(vd_abs(x), y);
    return vm_any(pow_needs_special(x, y)) ? pow_special(x, y, r) : r;
}

static inline vd pow_f32_v(vd x, vd y) {
    vd r = pow_core_f32(vd_abs(x), y);
    return vm_any(pow_needs_special(x, y)) ? pow_special(x, y, r) : r;
}

/* --------------------------------------------------------------- loops */

void VEC_NAME(rt_vm_pow_f64)(const double *x, const double *y, int64_t n, double *out) {
    int64_t i = 0;
    for (; i + VL <= n; i += VL) {
        vd_store(out + i, pow_f64_v(vd_load(x + i), vd_load(y + i)));
    }
    if (i < n) {
        double bx[VL] = {0}, by[VL] = {0};
        __builtin_memcpy(bx, x + i, (size_t)(n - i) * sizeof(double));
        __builtin_memcpy(by, y + i, (size_t)(n - i) * sizeof(double));
        vd_store(bx, pow_f64_v(vd_load(bx), vd_load(by)));
        __builtin_memcpy(out + i, bx, (size_t)(n - i) * sizeof(double));
    }
}

void VEC_NAME(rt_vm_pow_f32)(const float *x, const float *y, int64_t n, float *out) {
    int64_t i = 0;
    for (; i + VL <= n; i += VL) {
        vd_store_f32(out + i, pow_f32_v(vd_load_f32(x + i), vd_load_f32(y + i)));
    }
    if (i < n) {
        float bx[VL < 4 ? 4 : VL] = {0}, by[VL < 4 ? 4 : VL] = {0};
        __builtin_memcpy(bx, x + i, (size_t)(n - i) * sizeof(float));
        __builtin_memcpy(by, y + i, (size_t)(n - i) * sizeof(float));
        vd_store_f32(bx, pow_f32_v(vd_load_f32(bx), vd_load_f32(by)));
        __builtin_memcpy(out + i, bx, (size_t)(n - i) * sizeof(float));
    }
}

void VEC_NAME(rt_vm_pow_scalar_f64)(const double *x, double y, int64_t n, double *out) {
    vd yv = vd_set(y);
    int64_t i = 0;
    for (; i + VL <= n; i += VL) {
        vd_store(out + i, pow_f64_v(vd_load(x + i), yv));
    }
    if (i < n) {
        double bx[VL] = {0};
        __builtin_memcpy(bx, x + i, (size_t)(n - i) * sizeof(double));
        vd_store(bx, pow_f64_v(vd_load(bx), yv));
        __builtin_memcpy(out + i, bx, (size_t)(n - i) * sizeof(double));
    }
}

void VEC_NAME(rt_vm_pow_scalar_f32)(const float *x, float y, int64_t n, float *out) {
    vd yv = vd_set((double)y);
    int64_t i = 0;
    for (; i + VL <= n; i += VL) {
        vd_store_f32(out + i, pow_f32_v(vd_load_f32(x + i), yv));
    }
    if (i < n) {
        float bx[VL < 4 ? 4 : VL] = {0};
        __builtin_memcpy(bx, x + i, (size_t)(n - i) * sizeof(float));
        vd_store_f32(bx, pow_f32_v(vd_load_f32(bx), yv));
        __builtin_memcpy(out + i, bx, (size_t)(n - i) * sizeof(float));
    }
}
