/*
 * pow(x, y), written once over vec.h; included at the end of
 * elementary_body.h (it uses exp_fast), so it is compiled once per ISA with
 * the other elementary functions. docs/math.md describes the algorithm:
 *
 *   float64: log|x| = lh + ll from log_table_dd (log_table_body.h, relative
 *            error ~2^-68), y * log|x| = eh + el exactly (two_prod), then
 *            e^(eh + el) from exp_fast: within 1 ULP with no division;
 *   float32: log|x|'s reduction in float lanes (f32_body.h's
 *            log16_f32_reduce, float32 log's 16 subintervals and
 *            pow_table.h's LOG16_*32 tables, r exact), then log1p r,
 *            y log|x| and e^(y log|x|) in double lanes: ~2^-28.6
 *            relative before the rounding to float32, no division.
 *
 * Special values (C99 Annex F) are fixed up by pow_special, which only runs
 * for vectors that hold a lane with x <= 0, x = inf or NaN, y = inf or NaN.
 *
 * Small half-integer exponents (y = +-k/2, k in [1, POW_SMALL_K]: x^2, x^0.5,
 * x^2.5, x^-1, ...) take products instead (pow_small_*): |x|^n by squaring
 * and multiplying, times sqrt|x| for odd k, inverted for y < 0; float64 in
 * double-double, float32 in plain double. Every lane with such a y takes that
 * path, whichever entry point it came through (scalar y or array y), so a
 * result depends only on (x, y); docs/math.md has the error bounds.
 */

/* |x|^y for finite x > 0 and finite y, in double precision (float64 pow), from ix = log_scaled_bits(|x|). */
static inline __attribute__((always_inline)) vd pow_core_f64_bits(vu ix, vd y) {
    vd lh, ll;
    log_table_dd_bits(ix, &lh, &ll);
    vd eh, ee;
    vd_two_prod(y, lh, &eh, &ee);
    /* Outside exp_fast's range the result is 0 or inf whatever the tail says (and the tail may be NaN). */
    vm in_range = vm_and(vd_gt(eh, vd_set(-746.0)), vd_lt(eh, vd_set(711.0)));
    vd el = vd_sel(in_range, vd_mla(y, ll, ee), vd_set(0.0));
    return exp_fast(vd_min(vd_max(eh, vd_set(-746.0)), vd_set(711.0)), el); /* |el| < 2^-43 */
}

static inline __attribute__((always_inline)) vd pow_core_f64(vd ax, vd y) {
    return pow_core_f64_bits(log_scaled_bits(ax), y);
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

/* ------------------------------------------- small half-integer exponents */

/* y = +-k/2 with k an integer in [1, POW_SMALL_K] takes the product path: n = floor(k/2) <= 32 has 6 bits. */
#define POW_SMALL_K 64
#define POW_SMALL_BITS 6

/* k = |2y| when y is a nonzero multiple of 1/2 with |y| <= POW_SMALL_K / 2, else 0 (scalar exponents). */
static inline int pow_small_k(double y) {
    double k = y < 0 ? -2.0 * y : 2.0 * y;
    if (!(k >= 1.0 && k <= (double)POW_SMALL_K) || (double)(int)k != k) { /* NaN fails the first test */
        return 0;
    }
    return (int)k;
}

/* The lanes of y that pow_small_k accepts and y = +-0 (which Annex F makes 1 on either path), and their
 * k = |2y| (0 in the other lanes). */
static inline vm pow_small_lanes(vd y, vd *k) {
    vd t = vd_abs(vd_add(y, y));
    vm small = vm_and(vd_le(t, vd_set((double)POW_SMALL_K)), vd_eq(vd_round(t), t));
    *k = vd_sel(small, t, vd_set(0.0));
    return small;
}

/* Lanes where bit `bit` of the integer-valued k in [0, 2^52) is set. */
static inline vm pow_k_bit(vd k, int bit) {
    vu low = vu_and(vd_bits(vd_add(k, vd_set(0x1p52))), vu_set(1ull << bit));
    return vd_gt(vu_double(vu_or(low, vu_set(0x4330000000000000ull))), vd_set(0x1p52));
}

/*
 * float64: double-double steps on P = h + l (all exact but the dropped l*l-size terms, ~2^-104 relative):
 * P^2, P a, P (s + sl) with s + sl = sqrt a, and 1 / P. The caller keeps every partial result
 * inside [2^-960, 2^960], where two_prod is exact (no underflow, no Dekker overflow).
 */
static inline void pow_dd_square(vd *h, vd *l) {
    vd p, e;
    vd_two_prod(*h, *h, &p, &e);
    *l = vd_add(e, vd_mul(vd_add(*h, *h), *l));
    *h = p;
}

static inline void pow_dd_times(vd a, vd *h, vd *l) {
    vd p, e;
    vd_two_prod(*h, a, &p, &e);
    *l = vd_add(e, vd_mul(*l, a));
    *h = p;
}

static inline void pow_dd_times_dd(vd bh, vd bl, vd *h, vd *l) {
    vd p, e;
    vd_two_prod(*h, bh, &p, &e);
    *l = vd_add(e, vd_add(vd_mul(*h, bl), vd_mul(*l, bh)));
    *h = p;
}

/* 1/t within 5.05% for normal t, from the bit pattern: bits(POW_RECIP_MAGIC - bits(t)) */
static const uint64_t POW_RECIP_MAGIC = 0x7fde623800000000ull;

/*
 * 1/t from below, within 2^-17.2 relative, for normal t and no division (a vdivpd cost as much as the rest
 * of x^2.5): two Newton steps y (1 + (1 - t y)) from the bit-pattern estimate, each giving (1/t)(1 - e^2)
 * for the previous relative error e, the second aimed 2^-48 low so that its roundings (~2^-52, fused or
 * not) cannot lift it above 1/t.
 */
static inline vd pow_recip_below(vd t) {
    vd y = vu_double(vu_sub(vu_set(POW_RECIP_MAGIC), vd_bits(t)));
    y = vd_mla(y, vd_nmla(t, y, vd_set(1.0)), y);
    return vd_mla(y, vd_nmla(t, y, vd_set(1.0 - 0x1p-48)), y);
}

/*
 * sqrt a = s + sl: s rounded, sl = (a - s^2) y with a - s^2 exact (s^2 = q + qe exactly, a - q by Sterbenz)
 * and y = pow_recip_below(2s): sl is within 2^-17.2 of the exact correction and below it in magnitude, so
 * below half an ulp of s (s + sl rounds to s: x^0.5 is sqrt x).
 */
static inline void pow_dd_sqrt(vd a, vd *s_out, vd *sl) {
    vd s = vd_sqrt(a), q, qe;
    vd_two_prod(s, s, &q, &qe);
    *sl = vd_mul(vd_sub(vd_sub(a, q), qe), pow_recip_below(vd_add(s, s)));
    *s_out = s;
}

/* 1 / (h + l) = r + rl: r rounded, 1 - r h exact (two_prod and Sterbenz), rl = r (1 - r h - r l). */
static inline void pow_dd_recip(vd *h, vd *l) {
    vd r = vd_div(vd_set(1.0), *h), p, e;
    vd_two_prod(r, *h, &p, &e);
    *l = vd_mul(r, vd_sub(vd_sub(vd_sub(vd_set(1.0), p), e), vd_mul(r, *l)));
    *h = r;
}

/* Partial results must stay here for the double-double steps to be exact (see above). */
static inline vm pow_dd_safe(vd v) { return vm_and(vd_le(vd_set(0x1p-960), v), vd_le(v, vd_set(0x1p960))); }

/*
 * a^(k/2) or a^(-k/2) for finite a > 0: left-to-right powering over the bits of n = floor(k/2)
 * (k's bits 1 and up), times sqrt a for odd k, inverted for y < 0. Every partial product is
 * a^j with 0 < j <= k/2, so it lies between 1 and a^(k/2): `safe` clears the lanes where a or
 * a^(k/2) leaves pow_dd_safe's range (they take the general path). The array form chooses each
 * step per lane; the scalar-exponent form below runs the same steps only where they are taken
 * (before n's top bit a lane squares 1, which is exact), so both give the same bits.
 */
static inline vd pow_small_f64_lanes(vd a, vd k, vm y_negative, vm *safe) {
    vd h = vd_set(1.0), l = vd_set(0.0);
    for (int bit = POW_SMALL_BITS; bit >= 1; bit--) {
        pow_dd_square(&h, &l);
        vd th = h, tl = l;
        pow_dd_times(a, &th, &tl);
        vm set = pow_k_bit(k, bit);
        h = vd_sel(set, th, h);
        l = vd_sel(set, tl, l);
    }
    vd s, sl, oh = h, ol = l;
    pow_dd_sqrt(a, &s, &sl);
    pow_dd_times_dd(s, sl, &oh, &ol);
    vm odd = pow_k_bit(k, 0);
    h = vd_sel(odd, oh, h);
    l = vd_sel(odd, ol, l);
    *safe = vm_and(pow_dd_safe(a), pow_dd_safe(h));
    vd rh = h, rl = l;
    pow_dd_recip(&rh, &rl);
    return vd_add(vd_sel(y_negative, rh, h), vd_sel(y_negative, rl, l));
}

/* pow_small_f64_lanes with one k and one sign for every lane. */
static inline __attribute__((always_inline)) vd pow_small_f64_uniform(vd a, int k, int y_negative, vm *safe) {
    int top = 0; /* k's top bit (k <= POW_SMALL_K) */
    for (int bit = 1; bit <= POW_SMALL_BITS; bit++) {
        top = (k >> bit) != 0 ? bit : top;
    }
    vd h = vd_set(1.0), l = vd_set(0.0);
    if (top >= 1) {
        /* the lanes form's first steps (1 squared, times a) give a exactly, and its next square of a + 0 the
         * two_prod a^2 = h + l (for a > 0 its error term is never -0, fused or Dekker's, so adding 2a 0 to it
         * changes nothing) */
        h = a;
        for (int bit = top - 1; bit >= 1; bit--) {
            if (bit == top - 1) {
                vd_two_prod(a, a, &h, &l);
            } else {
                pow_dd_square(&h, &l);
            }
            if ((k >> bit) & 1) {
                pow_dd_times(a, &h, &l);
            }
        }
    }
    if (k & 1) {
        vd s, sl;
        pow_dd_sqrt(a, &s, &sl);
        pow_dd_times_dd(s, sl, &h, &l);
    }
    *safe = vm_and(pow_dd_safe(a), pow_dd_safe(h));
    if (y_negative) {
        pow_dd_recip(&h, &l);
    }
    return vd_add(h, l);
}

/* Lanes of a small-y result that need the general path: a finite, nonzero |x| outside the safe range. */
static inline vm pow_small_fallback(vd ax, vm small_safe) {
    return vm_and(vm_not(small_safe), vm_and(vd_gt(ax, vd_set(0.0)), vd_lt(ax, vd_set(__builtin_inf()))));
}

/* The general path alone (scalar exponents that are not small half-integers), every check made. */
static __attribute__((noinline)) vd pow_general_f64_checked(vd x, vd y) {
    vd r = pow_core_f64(vd_abs(x), y);
    return vm_any(pow_needs_special(x, y)) ? pow_special(x, y, r) : r;
}

/*
 * The same, with no check where every lane has a normal x > 0 other than 1 and a finite y (what
 * pow_needs_special passes, subnormals aside): the out-of-line code gives those lanes the same bits.
 */
static inline __attribute__((always_inline)) vd pow_general_f64_v(vd x, vd y) {
    vm plain = vm_and(vm_and(vd_le(vd_set(0x1p-1022), x), vd_lt(x, vd_set(__builtin_inf()))),
                      vm_and(vm_not(vd_eq(x, vd_set(1.0))), vd_lt(vd_abs(y), vd_set(__builtin_inf()))));
    return vm_all(plain) ? pow_core_f64_bits(vd_bits(x), y) : pow_general_f64_checked(x, y);
}

/* pow_f64_v's vectors that hold a small half-integer y (kept out of line: the general loop stays lean). */
static __attribute__((noinline)) vd pow_mixed_f64(vd x, vd y, vm small, vd k) {
    vd ax = vd_abs(x);
    vm safe;
    vd r = pow_small_f64_lanes(vd_sel(small, ax, vd_set(1.0)), k, vd_lt(y, vd_set(0.0)), &safe);
    vm general = pow_small_fallback(ax, vm_and(small, safe));
    if (vm_any(general)) {
        r = vd_sel(general, pow_core_f64(ax, y), r);
    }
    return vm_any(pow_needs_special(x, y)) ? pow_special(x, y, r) : r;
}

static inline vd pow_f64_v(vd x, vd y) {
    vd k;
    vm small = pow_small_lanes(y, &k);
    return vm_any(small) ? pow_mixed_f64(x, y, small, k) : pow_general_f64_v(x, y);
}

/* pow_f64_v for one exponent y = +-k/2 shared by every lane (k = pow_small_k(y) > 0), every check made. */
static __attribute__((noinline)) vd pow_small_f64_checked(vd x, vd y, int k, int y_negative) {
    vd ax = vd_abs(x);
    vm safe;
    vd r = pow_small_f64_uniform(ax, k, y_negative, &safe);
    vm general = pow_small_fallback(ax, safe);
    if (vm_any(general)) {
        r = vd_sel(general, pow_core_f64(ax, y), r);
    }
    return vm_any(pow_needs_special(x, y)) ? pow_special(x, y, r) : r;
}

/*
 * The lanes pow_small_f64_checked would hand to neither the general path nor pow_special, by x alone:
 * x in [2^-e, 2^e] with e = min(960, 1920/k - 1) is positive and finite, and a = x and every partial
 * product a^j, j <= k/2, lie inside pow_dd_safe's range (e k/2 <= 960 - k/2). x = 1 is among them: the
 * products give 1 exactly, as pow_special does. Returns the bits of 2^e.
 */
static inline uint64_t pow_small_plain_bound(int k) {
    int e = 1920 / k - 1;
    return (uint64_t)(1023 + (e < 960 ? e : 960)) << 52;
}

/* pow_small_f64_checked's result: by the products alone when every lane of x is in [lo, hi] = [2^-e, 2^e]. */
static inline __attribute__((always_inline)) vd pow_small_f64_v(vd x, vd y, int k, int y_negative, vd lo, vd hi) {
    if (vm_all(vm_and(vd_le(lo, x), vd_le(x, hi)))) {
        vm safe;
        return pow_small_f64_uniform(x, k, y_negative, &safe);
    }
    return pow_small_f64_checked(x, y, k, y_negative);
}

/* ------------------------------------------------------------- float32 */

/*
 * log1p r = r + r^2 P(r) for |r| <= 0.044272 (the 16 subintervals of log16_f32_reduce) and e^r for
 * |r| <= 1.0001 ln2/2: double minimax fits (tools/gen_f32_coefficients.py), highest degree first, relative
 * errors 2^-40.4 and 2^-29.0.
 */
static const double POW_LOG1P_D32[6] = {
    0x1.258de608b9707p-3, -0x1.56361489eedabp-3, 0x1.999942adc3f57p-3, -0x1.ffffc7ce88384p-3, 0x1.55555559dcdd2p-2,
    -0x1.00000000df6a1p-1,
};
static const double POW_EXP_D32[7] = {
    0x1.6ab96e7f56e82p-10, 0x1.126d1dab08d3bp-7, 0x1.55589a98d3897p-5, 0x1.55540a5c318dfp-3,
    0x1.fffffaae829f4p-2, 0x1.0000009c195a6p+0, 0x1.0000000261cc7p+0,
};
static const double POW_LN2_D32 = 0x1.62e42fefa39efp-1;
static const double POW_INV_LN2_D32 = 0x1.71547652b82fep0;

/*
 * e^t for |t| <= 110 in double lanes: t = n ln2 + r with n rounded by the 1.5 2^52 shifter (whose low
 * mantissa bits then hold n) and |r| <= 1.0001 ln2/2, 2^n added to the exponent bits of e^r's polynomial.
 */
static inline vd pow_exp_wide_f32(vd t) {
    vd shifter = vd_set(0x1.8p52);
    vd shifted = vd_mla(t, vd_set(POW_INV_LN2_D32), shifter);
    vd r = vd_nmla(vd_sub(shifted, shifter), vd_set(POW_LN2_D32), t);
    return vu_double(vu_add(vd_bits(vd_poly(r, POW_EXP_D32, 7)), vu_shl(vd_bits(shifted), 52)));
}

/*
 * |x|^y = e^(y log x) for one double half of the lanes, from log16_f32_reduce's terms (float32, widened
 * exactly): log x = a + (r + (r^2 P(r) + lo)) in double, relative error below 2^-37.0 (lo's rounding and
 * table errors, at most 2^-41 absolute for k = 0, against |log x| >= 0.0357 off the subintervals of 1,
 * where lo = 0; P's 2^-40.4); t = y log x clamped to [-110, 100] (0 and inf either way). Rounding e^t
 * (relative error 2^-29.0, plus |t| 2^-37.0 <= 2^-30.3 where the result is a float) to float32 is the only
 * rounding that matters: within 0.5 + 0.045 ULP.
 */
static inline vd pow_wide_f32(vd r, vd a, vd lo, vd y) {
    vd log1p_tail = vd_mla(vd_mul(r, r), vd_poly(r, POW_LOG1P_D32, 6), lo);
    vd t = vd_mul(y, vd_add(a, vd_add(r, log1p_tail)));
    return pow_exp_wide_f32(vd_min(vd_max(t, vd_set(-110.0)), vd_set(100.0)));
}

/*
 * |x|^y for finite x > 0 and finite y: log x reduced in float lanes (log16_f32_reduce, subnormals scaled in a
 * rare vector branch), the rest in double lanes (pow_wide_f32), VL lanes at a time through small buffers.
 */
static inline vf pow_core_f32(vf ax, vf y) {
    vfi koff = vfi_set(0);
    vf xs = vfm_any(vf_lt(ax, vf_set(0x1p-126f))) ? log_f32_scale_subnormals(ax, &koff) : ax;
    vf a, lo, invc;
    vfi kbits;
    vf r = log16_f32_reduce(xs, koff, &a, &lo, &invc, &kbits);
    float rs[VF], as[VF], los[VF], ys[VF], out[VF];
    vf_store(rs, r);
    vf_store(as, a);
    vf_store(los, lo);
    vf_store(ys, y);
    for (int j = 0; j < VF; j += VL) {
        vd wide = pow_wide_f32(vd_load_f32(rs + j), vd_load_f32(as + j), vd_load_f32(los + j), vd_load_f32(ys + j));
        vd_store_f32(out + j, wide);
    }
    return vf_load(out);
}

/* Integer and odd-integer lanes of y (every |y| >= 2^24 is an even integer). */
static inline void pow_classify_y_f32(vf y, vfm *is_int, vfm *is_odd) {
    vf ay = vf_abs(y);
    vfm big = vf_gt(ay, vf_set(0x1.fffffep22f));
    /* Below 2^24, subtracting 2^23 keeps the parity and brings w into vf_round's range. */
    vf w = vf_sel(big, vf_sel(vf_lt(ay, vf_set(0x1p24f)), vf_sub(ay, vf_set(0x1p23f)), vf_set(0.0f)), ay);
    vf half = vf_mul(w, vf_set(0.5f));
    vf frac = vf_abs(vf_sub(half, vf_round(half)));
    *is_odd = vf_eq(frac, vf_set(0.5f));
    *is_int = vfm_or(big, vfm_or(*is_odd, vf_eq(frac, vf_set(0.0f))));
}

/* C99 F.9.4.4 on top of r = |x|^y computed for the ordinary lanes (pow_special in float lanes). */
static inline vf pow_special_f32(vf x, vf y, vf r) {
    vfm y_int, y_odd;
    pow_classify_y_f32(y, &y_int, &y_odd);
    vf zero = vf_set(0.0f), one = vf_set(1.0f), inf = vf_set(__builtin_inff()), nan = vf_set(__builtin_nanf(""));
    vf ax = vf_abs(x);
    vfm negative = vf_lt(x, zero);
    r = vf_sel(vfm_and(negative, y_odd), vf_mul(r, vf_set(-1.0f)), r);
    r = vf_sel(negative, vf_sel(y_int, r, nan), r);
    vfm y_negative = vf_lt(y, zero);
    vfm x_zero = vf_eq(ax, zero), x_inf = vf_eq(ax, inf);
    vf edge = vf_sel(x_zero, vf_sel(y_negative, inf, zero), vf_sel(y_negative, zero, inf));
    edge = vf_sel(y_odd, vf_copysign(edge, x), edge);
    r = vf_sel(vfm_or(x_zero, x_inf), edge, r);
    vfm x_big = vf_gt(ax, one);
    vf to_inf = vf_sel(x_big, vf_sel(y_negative, zero, inf), vf_sel(y_negative, inf, zero));
    vf y_inf_case = vf_sel(vf_eq(ax, one), one, to_inf);
    r = vf_sel(vf_eq(vf_abs(y), inf), y_inf_case, r);
    r = vf_sel(vfm_or(vf_isnan(x), vf_isnan(y)), vf_add(x, y), r);
    return vf_sel(vfm_or(vf_eq(y, zero), vf_eq(x, one)), one, r);
}

/* Lanes pow_core_f32 cannot take: x <= 0 (-0 too), x not finite, y not finite, and x = 1. */
static inline vfm pow_needs_special_f32(vf x, vf y) {
    vf inf = vf_set(__builtin_inff());
    vfm ordinary = vfm_and(vfm_and(vf_gt(x, vf_set(0.0f)), vf_lt(x, inf)), vf_lt(vf_abs(y), inf));
    return vfm_or(vfm_not(ordinary), vf_eq(x, vf_set(1.0f)));
}

static inline vf pow_f32(vf x, vf y) {
    vf r = pow_core_f32(vf_abs(x), y);
    return vfm_any(pow_needs_special_f32(x, y)) ? pow_special_f32(x, y, r) : r;
}

/*
 * Small half-integer exponents in float32: the steps of pow_small_f64_lanes in plain double
 * (a float's square is exact in double; the relative error stays below (2n + 5) 2^-53 < 2^-46.8,
 * so the rounding to float is within 0.5 + 2^-22.8 ULP; no FMA, so every ISA gives the same bits).
 */
static inline vd pow_small_f32_lanes(vd a, vd k, vm y_negative) {
    vd p = vd_set(1.0);
    for (int bit = POW_SMALL_BITS; bit >= 1; bit--) {
        p = vd_mul(p, p);
        p = vd_sel(pow_k_bit(k, bit), vd_mul(p, a), p);
    }
    p = vd_sel(pow_k_bit(k, 0), vd_mul(p, vd_sqrt(a)), p);
    return vd_sel(y_negative, vd_div(vd_set(1.0), p), p);
}

/* pow_small_f32_lanes with one k and one sign for every lane (the same steps where they are taken). */
static inline __attribute__((always_inline)) vd pow_small_f32_uniform(vd a, int k, int y_negative) {
    vd p = vd_set(1.0);
    for (int bit = 31 - __builtin_clz((unsigned)k); bit >= 1; bit--) {
        p = vd_mul(p, p);
        p = (k >> bit) & 1 ? vd_mul(p, a) : p;
    }
    p = k & 1 ? vd_mul(p, vd_sqrt(a)) : p;
    return y_negative ? vd_div(vd_set(1.0), p) : p;
}

/* float32 x^y (x and y widened to double, exactly) for one exponent y = +-k/2 shared by every lane. */
static __attribute__((noinline)) vd pow_small_f32_checked(vd x, vd y, int k, int y_negative) {
    vd r = pow_small_f32_uniform(vd_abs(x), k, y_negative);
    return vm_any(pow_needs_special(x, y)) ? pow_special(x, y, r) : r;
}

/* The same, by the products alone when every lane of x is positive and finite (x = 1 gives 1 exactly there). */
static inline __attribute__((always_inline)) vd pow_small_f32_v(vd x, vd y, int k, int y_negative) {
    if (vm_all(vm_and(vd_gt(x, vd_set(0.0)), vd_lt(x, vd_set(__builtin_inf()))))) {
        return pow_small_f32_uniform(x, k, y_negative);
    }
    return pow_small_f32_checked(x, y, k, y_negative);
}

/* The lanes of y that pow_small_lanes accepts, tested in float lanes (2y is exact). */
static inline vfm pow_small_lanes_f32(vf y) {
    vf t = vf_abs(vf_add(y, y));
    return vfm_and(vfm_not(vf_gt(t, vf_set((float)POW_SMALL_K))), vf_eq(vf_round(t), t)); /* NaN: not equal */
}

/* pow_f32_at's vectors that hold a small half-integer y: those lanes in double (out of line, as pow_mixed_f64). */
static __attribute__((noinline)) vf pow_mixed_f32(const float *xp, const float *yp, vfm small) {
    vf x = vf_load(xp), y = vf_load(yp);
    float buf[VF];
    for (int j = 0; j < VF; j += VL) {
        vd yd = vd_load_f32(yp + j), k;
        vm lanes = pow_small_lanes(yd, &k);
        vd a = vd_sel(lanes, vd_abs(vd_load_f32(xp + j)), vd_set(1.0));
        vd_store_f32(buf + j, pow_small_f32_lanes(a, k, vd_lt(yd, vd_set(0.0))));
    }
    vf r = vf_load(buf);
    if (vfm_any(vfm_not(small))) {
        r = vf_sel(small, r, pow_core_f32(vf_abs(x), y));
    }
    return vfm_any(pow_needs_special_f32(x, y)) ? pow_special_f32(x, y, r) : r;
}

/* pow_f32 on VF elements of x and y; the lanes with a small half-integer y take pow_small_f32_lanes. */
static inline vf pow_f32_at(const float *xp, const float *yp) {
    vf y = vf_load(yp);
    vfm small = pow_small_lanes_f32(y);
    return vfm_any(small) ? pow_mixed_f32(xp, yp, small) : pow_f32(vf_load(xp), y);
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
    for (; i + VF <= n; i += VF) {
        vf_store(out + i, pow_f32_at(x + i, y + i));
    }
    if (i < n) {
        float bx[VF] = {0}, by[VF] = {0};
        __builtin_memcpy(bx, x + i, (size_t)(n - i) * sizeof(float));
        __builtin_memcpy(by, y + i, (size_t)(n - i) * sizeof(float));
        vf_store(bx, pow_f32_at(bx, by));
        __builtin_memcpy(out + i, bx, (size_t)(n - i) * sizeof(float));
    }
}

/* pow with one small half-integer exponent (k = pow_small_k(y) > 0): float64 lanes. */
static inline __attribute__((always_inline)) void pow_small_scalar_f64_k(const double *x, double y, int k, int64_t n,
                                                                        double *out) {
    vd yv = vd_set(y);
    int negative = y < 0;
    uint64_t bound = pow_small_plain_bound(k);
    vd hi = vu_double(vu_set(bound)), lo = vu_double(vu_set((2046ull << 52) - bound)); /* 2^e and 2^-e */
    int64_t i = 0;
    for (; i + VL <= n; i += VL) {
        vd_store(out + i, pow_small_f64_v(vd_load(x + i), yv, k, negative, lo, hi));
    }
    if (i < n) {
        double bx[VL] = {0};
        __builtin_memcpy(bx, x + i, (size_t)(n - i) * sizeof(double));
        vd_store(bx, pow_small_f64_v(vd_load(bx), yv, k, negative, lo, hi));
        __builtin_memcpy(out + i, bx, (size_t)(n - i) * sizeof(double));
    }
}

/*
 * loop(x, y, k, n, out) with k a constant for the common exponents (x^0.5, x^1.5, x^2, x^2.5, x^3 and their
 * inverses), so that the powering steps compile to straight-line code; the others share one loop that walks
 * k's bits per vector.
 */
#define POW_SMALL_BY_K(loop, x, y, k, n, out)                                                                  \
    switch (k) {                                                                                               \
    case 1: loop(x, y, 1, n, out); break;                                                                      \
    case 3: loop(x, y, 3, n, out); break;                                                                      \
    case 4: loop(x, y, 4, n, out); break;                                                                      \
    case 5: loop(x, y, 5, n, out); break;                                                                      \
    case 6: loop(x, y, 6, n, out); break;                                                                      \
    default: loop(x, y, k, n, out); break;                                                                     \
    }

static void pow_small_scalar_f64(const double *x, double y, int k, int64_t n, double *out) {
    POW_SMALL_BY_K(pow_small_scalar_f64_k, x, y, k, n, out)
}

/* The same for float32, widened to double lanes (the tail buffer holds the 4 floats wasm's narrowing store writes). */
static inline __attribute__((always_inline)) void pow_small_scalar_f32_k(const float *x, float y, int k, int64_t n,
                                                                        float *out) {
    vd yv = vd_set((double)y);
    int negative = y < 0;
    int64_t i = 0;
    for (; i + VL <= n; i += VL) {
        vd_store_f32(out + i, pow_small_f32_v(vd_load_f32(x + i), yv, k, negative));
    }
    if (i < n) {
        float bx[VL < 4 ? 4 : VL] = {0};
        __builtin_memcpy(bx, x + i, (size_t)(n - i) * sizeof(float));
        vd_store_f32(bx, pow_small_f32_v(vd_load_f32(bx), yv, k, negative));
        __builtin_memcpy(out + i, bx, (size_t)(n - i) * sizeof(float));
    }
}

static void pow_small_scalar_f32(const float *x, float y, int k, int64_t n, float *out) {
    POW_SMALL_BY_K(pow_small_scalar_f32_k, x, y, k, n, out)
}

void VEC_NAME(rt_vm_pow_scalar_f64)(const double *x, double y, int64_t n, double *out) {
    int k = pow_small_k(y);
    if (k > 0) {
        pow_small_scalar_f64(x, y, k, n, out);
        return;
    }
    vd yv = vd_set(y);
    int64_t i = 0;
    for (; i + VL <= n; i += VL) {
        vd_store(out + i, pow_general_f64_v(vd_load(x + i), yv));
    }
    if (i < n) {
        double bx[VL] = {0};
        __builtin_memcpy(bx, x + i, (size_t)(n - i) * sizeof(double));
        vd_store(bx, pow_general_f64_v(vd_load(bx), yv));
        __builtin_memcpy(out + i, bx, (size_t)(n - i) * sizeof(double));
    }
}

void VEC_NAME(rt_vm_pow_scalar_f32)(const float *x, float y, int64_t n, float *out) {
    int k = pow_small_k((double)y);
    if (k > 0) {
        pow_small_scalar_f32(x, y, k, n, out);
        return;
    }
    vf yv = vf_set(y);
    int64_t i = 0;
    for (; i + VF <= n; i += VF) {
        vf_store(out + i, pow_f32(vf_load(x + i), yv));
    }
    if (i < n) {
        float bx[VF] = {0};
        __builtin_memcpy(bx, x + i, (size_t)(n - i) * sizeof(float));
        vf_store(bx, pow_f32(vf_load(bx), yv));
        __builtin_memcpy(out + i, bx, (size_t)(n - i) * sizeof(float));
    }
}
