/*
 * pow(x, y), written once over vec.h; included at the end of
 * elementary_body.h (it uses exp_fast), so it is compiled once per ISA with
 * the other elementary functions. docs/math.md describes the algorithm:
 *
 *   float64: log|x| = lh + ll from log_table_dd (log_table_body.h, relative
 *            error ~2^-68), y * log|x| = eh + el exactly (two_prod), then
 *            e^eh (1 + el) from exp_core: within 1 ULP with no division;
 *   float32: log32_core (the same table, a short series, plain double),
 *            times y, and a short exp polynomial in double: error ~2^-40
 *            before the rounding to float32.
 *
 * Special values (C99 Annex F) are fixed up by pow_special, which only runs
 * for vectors that hold a lane with x <= 0, x = inf or NaN, y = inf or NaN.
 */

/* |x|^y for finite x > 0 and finite y, in double precision (float64 pow). */
static inline vd pow_core_f64(vd ax, vd y) {
    vd lh, ll;
    log_table_dd(ax, &lh, &ll);
    vd eh, ee;
    vd_two_prod(y, lh, &eh, &ee);
    /* Outside exp_core's range the result is 0 or inf whatever the tail says (and the tail may be NaN). */
    vm in_range = vm_and(vd_gt(eh, vd_set(-746.0)), vd_lt(eh, vd_set(711.0)));
    vd el = vd_sel(in_range, vd_mla(y, ll, ee), vd_set(0.0));
    return exp_fast(vd_min(vd_max(eh, vd_set(-746.0)), vd_set(711.0)), el); /* |el| < 2^-43 */
}

/* |x|^y for finite x > 0 and finite y, with ~2^-40 relative error (float32 pow). */
static inline vd pow_core_f32(vd ax, vd y) {
    /* ax is a widened float32, never a subnormal double; log32_core's error is ~2^-50 relative. */
    vd lh = log32_core(ax);
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
