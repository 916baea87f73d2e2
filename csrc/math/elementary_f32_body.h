/*
 * The float32 elementary functions without a native float32 algorithm yet
 * (f32_body.h has exp, expm1, log, log1p, sinh, cosh and tanh): float32 lanes
 * widened to double and computed in plain double arithmetic (no
 * double-double), then rounded once to float32. Every kernel keeps its relative error below ~2^-35 before that
 * rounding, so results are within 0.5 + 2^-11 ULP, with no tables beyond
 * pow's 32-entry log table and at most one division per element.
 * Included by elementary_body.h (it shares constants, log_special and the
 * pow table); docs/math.md describes the algorithms.
 */

/* e^r = sum r^n / n! for n = 10..0, |r| <= ln2/2: error < 2^-41 (float32 pow). */
static const double POW_EXP_F32[11] = {
    1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0,
    1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 1.0,
};

/* log1p(r) = r + r^2 P(r): Taylor terms r^2..r^8, highest first (|r| < 0.0225: error < 2^-47 relative). */
static const double LOG1P_P32[7] = {
    -1.0 / 8.0, 1.0 / 7.0, -1.0 / 6.0, 1.0 / 5.0, -1.0 / 4.0, 1.0 / 3.0, -0.5,
};

/* log x for x > 0 finite (other lanes give unused values): pow's table, log1p(r) as a short series. */
static inline vd log32_core(vd x) {
    vu ix = vd_bits(x);
    vu tmp = vu_sub(ix, vu_set(POW_OFF));
    vu index = vu_and(vu_shr(tmp, 52 - 5), vu_set(POW_LOG_N - 1));
    vu k_biased = vu_xor(vu_shr(tmp, 52), vu_set(0x800));
    vd k = vd_sub(vu_double(vu_or(k_biased, vu_set(0x4330000000000000ull))), vd_set(0x1p52 + 2048.0));
    vd z = vu_double(vu_sub(ix, vu_and(tmp, vu_set(0xfffull << 52))));
    vd r = vd_mla(z, vd_lookup32(POW_INVC, index), vd_set(-1.0));
    vd head = vd_mla(k, vd_set(POW_LN2_HI), vd_lookup32(POW_LOGC, index));
    return vd_add(head, vd_mla(vd_mul(r, r), vd_poly(r, LOG1P_P32, 7), r));
}

/*
 * The angle of the point (d, n) (n, d >= 0 finite, not both 0; the point's x
 * coordinate negative where x_negative) in [0, pi], as angle_core but in
 * plain double: atan t = atan c + atan u, u = (a - c b) / (b + c a) with
 * a = min, b = max, c in {0, 1/2, 1} chosen by comparing a with b (one division).
 */
static inline vd angle32(vd n, vd d, vm x_negative) {
    vm swap = vd_gt(n, d);
    vd a = vd_min(n, d), b = vd_max(n, d);
    vm r1 = vm_not(vd_lt(a, vd_mul(b, vd_set(7.0 / 16.0))));
    vm r2 = vm_not(vd_lt(a, vd_mul(b, vd_set(11.0 / 16.0))));
    vd c = vd_sel(r2, vd_set(1.0), vd_sel(r1, vd_set(0.5), vd_set(0.0)));
    vd u = vd_div(vd_sub(a, vd_mul(c, b)), vd_mla(c, a, b));
    vd z = vd_mul(u, u);
    vd atan_c = vd_sel(r2, vd_set(PI_4_HI), vd_sel(r1, vd_set(ATAN_HALF_HI), vd_set(0.0)));
    vd v = vd_add(atan_c, vd_mla(vd_mul(u, z), vd_poly(z, ATAN32_P, 8), u));
    v = vd_sel(swap, vd_sub(vd_set(PI_2_HI), v), v);
    return vd_sel(x_negative, vd_sub(vd_set(PI_HI), v), v);
}

static inline vd atan32_v(vd x) {
    vd ax = vd_abs(x);
    vm inf = vd_eq(ax, vd_set(__builtin_inf())); /* the point (0, 1) has the same angle */
    vd r = angle32(vd_sel(inf, vd_set(1.0), ax), vd_sel(inf, vd_set(0.0), vd_set(1.0)), vd_lt(x, x));
    return vd_sel(vd_isnan(x), x, vd_copysign(r, x));
}

static inline vd atan2_32_v(vd y, vd x) {
    vd a = vd_abs(y), b = vd_abs(x), zero = vd_set(0.0), one = vd_set(1.0), inf = vd_set(__builtin_inf());
    /* Infinities and (0, 0) become finite points with the same angle (as atan2_v). */
    vm a_inf = vd_eq(a, inf), b_inf = vd_eq(b, inf);
    vd a2 = vd_sel(a_inf, one, vd_sel(b_inf, zero, a));
    vd b2 = vd_sel(b_inf, one, vd_sel(a_inf, zero, b));
    b2 = vd_sel(vm_and(vd_eq(a2, zero), vd_eq(b2, zero)), one, b2);
    vd r = vd_copysign(angle32(a2, b2, vd_signbit(x)), y);
    return vd_sel(vd_isnan(x), x, vd_sel(vd_isnan(y), y, r));
}

/* sqrt(1 - x^2) for |x| <= 1: x^2 of a float32 is exact in double, 1 - x^2 exact where it cancels. */
static inline vd sqrt_one_minus_square32(vd ax) {
    return vd_sqrt(vd_max(vd_sub(vd_set(1.0), vd_mul(ax, ax)), vd_set(0.0)));
}

static inline vd asin32_v(vd x) {
    vd ax = vd_abs(x);
    vm outside = vd_gt(ax, vd_set(1.0));
    ax = vd_min(ax, vd_set(1.0));
    vd r = vd_copysign(angle32(ax, sqrt_one_minus_square32(ax), vd_lt(x, x)), x);
    r = vd_sel(outside, vd_set(__builtin_nan("")), r);
    return vd_sel(vd_isnan(x), x, r);
}

static inline vd acos32_v(vd x) {
    vd ax = vd_min(vd_abs(x), vd_set(1.0));
    vd r = angle32(sqrt_one_minus_square32(ax), ax, vd_signbit(x));
    r = vd_sel(vd_gt(vd_abs(x), vd_set(1.0)), vd_set(__builtin_nan("")), r);
    return vd_sel(vd_isnan(x), x, r);
}
