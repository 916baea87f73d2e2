/*
 * Native float32 kernels over vec32.h: float lanes (16 per AVX-512 vector,
 * 4 per wasm simd128 one), float32 polynomials. Kernels written with plain
 * multiplies and adds build each result as a head plus a small correction
 * that round once at the end and give the same bits on every ISA; log and
 * log1p use vf_mla (fused natively, unfused in wasm: within 1 ULP both ways).
 * sinh, cosh and tanh instead widen to double lanes (vec.h) and compute in
 * plain double, without FMA, rounding once to float32.
 * Included by elementary_body.h; docs/math.md describes the algorithms and
 * their measured error.
 */

/* ln 2 = LN2_HI32 + LN2_LO32 + ~5.5e-14: LN2_HI32 has 15 significant bits, so k * LN2_HI32 is exact for |k| < 512. */
static const float LN2_HI32 = 0x1.62e4p-1f;
static const float LN2_LO32 = 0x1.7f7d1cp-20f;
static const float INV_LN2_32 = 0x1.715476p0f;

/*
 * e^r = 1 + r + r^2 Q(r) and e^r = 1 + r + r^2/2 + r^3 Q3(r) for |r| <= 0.347:
 * minimax fits (tools/gen_f32_coefficients.py), highest degree first, errors
 * 2^-30.9 and 2^-30.8 (absolute, after rounding the coefficients to float32).
 */
static const float EXP_Q32[6] = {
    0x1.a17edap-13f, 0x1.6d43d6p-10f, 0x1.1110aap-7f, 0x1.5554e8p-5f, 0x1.555556p-3f, 0x1p-1f,
};
static const float EXP_Q3_32[5] = {
    0x1.a15234p-13f, 0x1.6d119ep-10f, 0x1.1110ccp-7f, 0x1.555518p-5f, 0x1.555556p-3f,
};

/*
 * x + xl = k ln2 + rh + rl, |rh| <= 0.35, for a tail |xl| < 2^-16 (or 0):
 * x - k LN2_HI32 is exact, rl the rounding error of subtracting
 * c = k LN2_LO32 - xl (|c| < 2^-12, so rounding c costs < 2^-36).
 */
static inline vf exp_f32_reduce(vf x, vf xl, vf *k_out, vf *rl) {
    vf k = vf_round(vf_mul(x, vf_set(INV_LN2_32)));
    vf r1 = vf_sub(x, vf_mul(k, vf_set(LN2_HI32)));
    vf c = vf_sub(vf_mul(k, vf_set(LN2_LO32)), xl);
    vf rh = vf_sub(r1, c);
    *rl = vf_sub(vf_sub(r1, rh), c);
    *k_out = k;
    return rh;
}

/* e^(rh + rl) = h + lo with h = 1 + rh rounded, given u ~ e^rh - 1 - rh: e^rh (1 + rl) to 2^-48. */
static inline void exp_f32_assemble(vf rh, vf rl, vf u, vf *h_out, vf *lo_out) {
    vf h = vf_add(vf_set(1.0f), rh);
    vf e1 = vf_sub(rh, vf_sub(h, vf_set(1.0f))); /* 1 + rh = h + e1 exactly */
    *lo_out = vf_add(e1, vf_add(rl, vf_add(vf_mul(rl, rh), u)));
    *h_out = h;
}

/*
 * e^x = 2^k (h + lo) for x in [-110, 110], h = 1 + r rounded and lo the rest
 * (|lo| < 0.1, relative error of h + lo ~2^-26.5: r^2 Q(r) rounded three times).
 */
static inline void exp_f32_core(vf x, vf *k, vf *h, vf *lo) {
    vf rl, rh = exp_f32_reduce(x, vf_set(0.0f), k, &rl);
    exp_f32_assemble(rh, rl, vf_mul(vf_mul(rh, rh), vf_poly(rh, EXP_Q32, 6)), h, lo);
}

/* a + b = s + e exactly (Knuth). */
static inline void vf_two_sum(vf a, vf b, vf *s, vf *e) {
    vf sum = vf_add(a, b);
    vf b_virtual = vf_sub(sum, a);
    vf a_virtual = vf_sub(sum, b_virtual);
    *e = vf_add(vf_sub(a, a_virtual), vf_sub(b, b_virtual));
    *s = sum;
}

/*
 * exp_f32_core of x + xl (|xl| < 2^-16, may be 0) with r^2 / 2 taken exactly:
 * r^2 Q(r) = p/2 + (pe/2 + r^3 Q'(r)), so h + lo is within ~2^-29 of e^r;
 * for expm1, whose results can be much smaller than e^r's pieces (near 0.35:
 * 0.42 from 2 (h + lo) - 1), and pow, whose exponent y log x comes as x + xl.
 */
static inline void exp_f32_core_precise(vf x, vf xl, vf *k, vf *h, vf *lo) {
    vf rl, rh = exp_f32_reduce(x, xl, k, &rl); /* xl joins rh (rl must stay ~2^-24 |rh| for the assembly) */
    vf p, pe;
    vf_two_prod(rh, rh, &p, &pe);
    pe = vf_sel(vf_lt(vf_abs(rh), vf_set(0x1p-50f)), vf_set(0.0f), pe); /* outside vf_two_prod's range; far below h's ulp */
    vf cube = vf_mul(p, rh);
    vf tail = vf_add(vf_mul(vf_set(0.5f), pe), vf_mul(cube, vf_poly(rh, EXP_Q3_32, 5)));
    exp_f32_assemble(rh, rl, vf_add(vf_mul(vf_set(0.5f), p), tail), h, lo);
}

/*
 * (h + lo) 2^k rounded once, for h in [0.7, 1.5], |lo| < 0.1 and integral k in
 * [-150, 128]. Rounding h + lo and then scaling rounds twice where the result
 * is subnormal (k < -125; up to 0.75 ULP): there (a rare vector branch) the
 * scaled result moves one step when the first sum's exact error ev takes the
 * sum across the midpoint the scaling rounded to (v - back is exact).
 */
static inline vf vf_scale2_sum(vf h, vf lo, vf k) {
    vf v = vf_add(h, lo);
    vf r = vf_scale2(v, k);
    vfm sub = vf_lt(k, vf_set(-125.0f));
    if (!vfm_any(sub)) {
        return r;
    }
    vf ev = vf_sub(lo, vf_sub(v, h));
    vf kk = vf_sel(sub, k, vf_set(-126.0f)); /* keeps the other lanes' scalings in range */
    vf back = vf_scale2(r, vf_sub(vf_set(0.0f), kk));
    vf d = vf_add(vf_sub(v, back), ev);
    vf half_step = vf_pow2(vf_sub(vf_set(-150.0f), kk)); /* half the subnormal spacing, in v's units */
    vf step = vf_set(0x1p-149f);
    vf adj = vf_sel(vf_gt(d, half_step), step, vf_sel(vf_lt(d, vf_mul(half_step, vf_set(-1.0f))), vf_mul(step, vf_set(-1.0f)), vf_set(0.0f)));
    return vf_sel(sub, vf_add(r, adj), r);
}

static inline vf exp_f32(vf x) {
    /* float32 e^x is 0 below -104 and inf above 88.73. */
    vf k, h, lo;
    exp_f32_core(vf_min(vf_max(x, vf_set(-104.0f)), vf_set(89.0f)), &k, &h, &lo);
    vf r = vf_scale2_sum(h, lo, k);
    return vf_sel(vf_isnan(x), x, r);
}

/*
 * e^x - 1 = 2^k (h - 1 + lo) + (2^k - 1) = (2^k h - 1) + 2^k lo, the first
 * sum made exact by two_sum; h - 1 is exact, so for k = 0 (|x| < 0.35) this
 * is (h - 1) + lo with lo carrying x itself: full relative accuracy near 0.
 * Above 20 the - 1 is far below an ULP and e^x is used.
 */
static inline vf expm1_f32(vf x) {
    vf k, h, lo;
    exp_f32_core_precise(vf_min(vf_max(x, vf_set(-25.0f)), vf_set(89.0f)), vf_set(0.0f), &k, &h, &lo);
    vf big = vf_scale2(vf_add(h, lo), k);
    vf scale = vf_pow2(vf_min(k, vf_set(40.0f)));
    vf s, e;
    vf_two_sum(vf_mul(scale, h), vf_set(-1.0f), &s, &e);
    vf r = vf_add(s, vf_add(e, vf_mul(scale, lo)));
    r = vf_sel(vf_gt(x, vf_set(20.0f)), big, r);
    r = vf_sel(vf_eq(x, vf_set(0.0f)), x, r); /* keeps -0 */
    return vf_sel(vf_isnan(x), x, r);
}

/*
 * log1p r = r + r^2 P(r) for |r| <= 0.02247: a minimax fit (tools/gen_f32_coefficients.py), highest degree first,
 * relative error 2^-26.7 against log1p r after rounding the coefficients to float32.
 */
static const float LOG1P_P32[3] = {-0x1.001f36p-2f, 0x1.556b46p-2f, -0x1.fffffep-2f};

/*
 * r = z invc - 1 exactly: pow_table.h's invc have 6 significant bits and |r| < 2^-5.47, so r is a multiple
 * of 2^-29 that fits in 24 bits. With FMA one rounding (of the exact value) gives it; without, z splits into
 * an 18-bit head and a 6-bit tail whose products with invc are exact, and the head's product minus 1 is
 * exact (Sterbenz), so the one rounding of the last sum is again of the exact value: the same bits both ways.
 */
static inline vf log_f32_r(vf z, vf invc) {
#if VF_HAS_FMA
    return vf_mla(z, invc, vf_set(-1.0f));
#else
    vf head = vfi_float_bits(vfi_and(vf_bits(z), vfi_set((int32_t)0xffffffc0u)));
    return vf_mla(vf_sub(z, head), invc, vf_mla(head, invc, vf_set(-1.0f)));
#endif
}

/*
 * log x = a + lo + log1p r for finite x >= 2^-126 (x 2^koff taken as x, for scaled subnormals): x = 2^k z with
 * z in [OFF, 2 OFF) split into pow_table.h's 32 subintervals by z's top mantissa bits, r = z invc - 1 exact,
 * a = k LN2_HI32 + logc_hi exact (both terms are multiples of 2^-15 below 2^7) and lo = k LN2_LO32 + logc_lo
 * rounded once (|lo| < 2^-11). Returns r, with invc and k's exponent bits (k << 23).
 */
static inline vf log_f32_reduce(vf x, vfi koff, vf *a, vf *lo, vf *invc, vfi *kbits) {
    vfi ix = vfi_sub(vf_bits(x), vfi_set(POW_OFF32));
    vfi index = vfi_and(vfi_sar(ix, 23 - 5), vfi_set(POW_LOG_N - 1));
    vf k = vfi_to_float(vfi_add(vfi_sar(ix, 23), koff));
    *kbits = vfi_and(ix, vfi_set((int32_t)0xff800000u));
    *invc = vf_lookup32(POW_INVC32, index);
    *a = vf_mla(k, vf_set(LN2_HI32), vf_lookup32(POW_LOGC_HI32, index));
    *lo = vf_mla(k, vf_set(LN2_LO32), vf_lookup32(POW_LOGC_LO32, index));
    return log_f32_r(vfi_float_bits(vfi_sub(vf_bits(x), *kbits)), *invc);
}

/* Subnormal lanes of x scaled by 2^23, with koff = -23 there (0 elsewhere), for log_f32_reduce. */
static inline vf log_f32_scale_subnormals(vf x, vfi *koff) {
    vfm sub = vf_lt(x, vf_set(0x1p-126f));
    *koff = vf_bits(vf_sel(sub, vfi_float_bits(vfi_set(-23)), vf_set(0.0f)));
    return vf_sel(sub, vf_mul(x, vf_set(0x1p23f)), x);
}

/*
 * log x = s + tail in float lanes (log_f32_reduce's terms): log1p r = r + r^2 P(r), and a + r is a fast
 * two-sum (a = 0, or its exponent is at least r's: |logc_hi| >= 0.0157 > 2^-6 > |r| / 2) whose error joins
 * tail = r^2 P(r) + lo. |tail| < 2^-11, so the two final roundings cost ~0.5 ULP and the rest (P's 2^-26.7,
 * the tail's roundings) ~0.15. For log1p the caller adds a correction d (1 - r) for x + e, d = e invc 2^-k
 * (inv_scale = 2^-k, 0 for k = 127 and -inf for k = 128).
 */
static inline vf log_f32_parts(vf x, vfi koff, vf *tail, vf *r_out, vf *invc, vf *inv_scale) {
    vf a, lo;
    vfi kbits;
    vf r = log_f32_reduce(x, koff, &a, &lo, invc, &kbits);
    vf s, e;
    vf_fast_two_sum(a, r, &s, &e);
    vf p = vf_mla(vf_mla(vf_set(LOG1P_P32[0]), r, vf_set(LOG1P_P32[1])), r, vf_set(LOG1P_P32[2]));
    *tail = vf_add(e, vf_mla(vf_mul(r, r), p, lo));
    *r_out = r;
    *inv_scale = vfi_float_bits(vfi_sub(vfi_set(0x3f800000), kbits));
    return s;
}

/* log x for finite x >= 2^-126 (x 2^koff taken as x). */
static inline vf log_f32_normal(vf x, vfi koff) {
    vf tail, r, invc, inv_scale;
    vf s = log_f32_parts(x, koff, &tail, &r, &invc, &inv_scale);
    return vf_add(s, tail);
}

/* log's Annex F values: log 0 = -inf, log inf = inf, log of a negative = NaN, NaN kept. */
static inline vf log_f32_special(vf x, vf r) {
    r = vf_sel(vf_eq(x, vf_set(0.0f)), vf_set(-__builtin_inff()), r);
    r = vf_sel(vf_eq(x, vf_set(__builtin_inff())), x, r);
    r = vf_sel(vf_lt(x, vf_set(0.0f)), vf_set(__builtin_nanf("")), r);
    return vf_sel(vf_isnan(x), x, r);
}

/* Lanes outside [lo, inf) (NaN too): the vectors that need log_f32_special. */
static inline int log_f32_any_outside(vf x, float lo) {
    return vfm_any(vfm_not(vfm_and(vf_gt(x, vf_set(lo)), vf_lt(x, vf_set(__builtin_inff())))));
}

/* Subnormals are scaled by 2^23 (k - 23); zeros, negatives, inf and NaN fixed up (a rare vector branch). */
static inline vf log_f32(vf x) {
    if (!log_f32_any_outside(x, 0x1.fffffep-127f)) {
        return log_f32_normal(x, vfi_set(0));
    }
    vfi koff;
    vf xs = log_f32_scale_subnormals(x, &koff);
    return log_f32_special(x, log_f32_normal(xs, koff));
}

/*
 * log1p x = log(u + e), u = 1 + x rounded and e its rounding error (a fast two-sum of the larger and the
 * smaller of x and 1), through log_f32_parts with d = e / u ~ e invc 2^-k (1 - r). u >= 2^-24 for x > -1,
 * so u is normal; for tiny x, u = 1, r = 0 and the result is d = x.
 */
static inline vf log1p_f32(vf x) {
    vf one = vf_set(1.0f);
    vf u = vf_add(one, x);
    vf e = vf_add(vf_sub(vf_max(x, one), u), vf_min(x, one));
    vf tail, r, invc, inv_scale;
    vf s = log_f32_parts(u, vfi_set(0), &tail, &r, &invc, &inv_scale);
    vf d = vf_mul(vf_mul(e, invc), vf_max(inv_scale, vf_set(0.0f))); /* 0 for k >= 127, where e / u < 2^-126 */
    vf result = vf_add(s, vf_add(tail, vf_nmla(d, r, d)));
    result = vf_sel(vf_eq(x, vf_set(0.0f)), x, result); /* keeps -0 */
    return log_f32_any_outside(x, -1.0f) ? log_f32_special(u, result) : result;
}

/*
 * sinh, cosh and tanh in double lanes (float32 x widened exactly, the result
 * rounded once to float32): x = n ln2 + r, |r| <= ln2/2, with n ln2 rounded
 * once (|n| <= 130: an error below 2^-46 in r); e^(+-r) = E(r^2) +- r O(r^2),
 * E ~ cosh r and O ~ sinh(r)/r minimax fits (tools/gen_f32_coefficients.py,
 * relative errors 2^-34.3 and 2^-37.5), highest degree first.
 */
static const double HYP_E[4] = {0x1.6d96368ee7e76p-10, 0x1.5554809d29f89p-5, 0x1.00000042e6e67p-1, 1.0};
static const double HYP_O[4] = {0x1.a16f89629b66ep-13, 0x1.1110b2096b568p-7, 0x1.555555735e13cp-3, 1.0};
static const double HYP_LN2 = 0x1.62e42fefa39efp-1;
static const double HYP_INV_LN2 = 0x1.71547652b82fep0;

/*
 * sinh x and cosh x for x clamped to [-bound, bound] (NaN kept): with
 * S = 2^(n-1) and S' = 2^(-n-1) built from the exponent bits,
 * sinh x = (S + S') r O - (S' - S) E and cosh x = (S + S') E - (S' - S) r O.
 * Where n = 0, S' - S = 0 and S + S' = 1, so sinh x = r O keeps its relative
 * accuracy down to the subnormals and the sign of -0 (-0 - +0 = -0); for
 * |n| = 1 the cancellation in S' - S is exact. No division, no table, no
 * separate series: the relative error before the last rounding is ~2^-34.
 * Plain multiplies and adds (no FMA), so every ISA gives the same bits.
 */
static inline void sinh_cosh_wide(vd x, double bound, vd *sinh_out, vd *cosh_out) {
    const double shifter = 0x1.8p52;
    x = vd_max(vd_set(-bound), vd_min(vd_set(bound), x)); /* NaN stays NaN (the second operand) */
    vd shifted = vd_add(vd_mul(x, vd_set(HYP_INV_LN2)), vd_set(shifter)); /* n in the low mantissa bits */
    vd n = vd_sub(shifted, vd_set(shifter));
    vd r = vd_sub(x, vd_mul(n, vd_set(HYP_LN2)));
    vd z = vd_mul(r, r);
    vd even = vd_poly_unfused(z, HYP_E, 4);
    vd odd = vd_mul(r, vd_poly_unfused(z, HYP_O, 4));
    vu exponent = vu_shl(vd_bits(shifted), 52); /* n << 52 */
    vd s = vu_double(vu_add(vd_bits(vd_set(0.5)), exponent));
    vd s_inv = vu_double(vu_sub(vd_bits(vd_set(0.5)), exponent));
    vd sum = vd_add(s, s_inv), diff = vd_sub(s_inv, s);
    *sinh_out = vd_sub(vd_mul(sum, odd), vd_mul(diff, even));
    *cosh_out = vd_sub(vd_mul(sum, even), vd_mul(diff, odd));
}

/* float32 sinh overflows from 89.416 on, so the clamp at 90 overflows to inf in the narrowing. */
static inline vd sinh_wide_f32(vd x) {
    vd s, c;
    sinh_cosh_wide(x, 90.0, &s, &c);
    return s;
}

static inline vd cosh_wide_f32(vd x) {
    vd s, c;
    sinh_cosh_wide(x, 90.0, &s, &c);
    return c;
}

/* tanh = sinh / cosh, one division (float32 tanh is +-1 from 9.01 on, so x is clamped at 10; -0 stays -0). */
static inline vd tanh_wide_f32(vd x) {
    vd s, c;
    sinh_cosh_wide(x, 10.0, &s, &c);
    return vd_div(s, c);
}

/* ------------------------------------------------------ atan, atan2, asin, acos */

/* max relative error of u + u^3 ATAN_P32(u^2) against atan u over |u| <= 0.1624: 2^-31.5 (tools/gen_f32_coefficients.py) */
static const float ATAN_P32[4] = {
    0x1.b00492p-4f, -0x1.245194p-3f, 0x1.99990ap-3f, -0x1.555556p-2f,
};

/* atan(1/4), atan(1/2), pi/4, pi/2 and pi as float heads and tails (value = hi + lo to ~2^-50). */
static const float ATAN_QUARTER_HI32 = 0x1.f5b76p-3f, ATAN_QUARTER_LO32 = -0x1.b4dfc8p-29f;
static const float ATAN_HALF_HI32 = 0x1.dac67p-2f, ATAN_HALF_LO32 = 0x1.586ed4p-28f;
static const float PI_4_HI32 = 0x1.921fb6p-1f, PI_4_LO32 = -0x1.777a5cp-26f;
static const float PI_2_HI32 = 0x1.921fb6p0f, PI_2_LO32 = -0x1.777a5cp-25f;
static const float PI_HI32 = 0x1.921fb6p1f, PI_LO32 = -0x1.777a5cp-24f;

/*
 * atan(a / b) = wh + wl for 0 <= a <= b, b in [2^-60, 2^61] and a / b >= 2^-39
 * (relative error ~2^-30 before the caller's last rounding). a / b = t is
 * reduced to u = (t - c) / (1 + c t) with c in {0, 1/4, 1/2, 1}
 * (|u| <= 0.1624), so atan t = atan c + u + u^3 P(u^2). The numerator
 * a - c b is exact (Sterbenz: each c is used only where a / (c b) is in
 * [1/2, 2]), the denominator b + c a is kept as dh + dl, and the quotient as
 * uh + ul: uh = num (1 / dh) and ul = (num - uh (dh + dl)) / dh from the
 * exact product uh * dh, so one division serves both.
 */
static inline void atan_ratio_f32(vf a, vf b, vf *wh, vf *wl) {
    vfm r1 = vf_gt(a, vf_mul(b, vf_set(0.125f)));
    vfm r2 = vf_gt(a, vf_mul(b, vf_set(0x1.7a5e36p-2f))); /* 0.3695 = tan((atan 1/4 + atan 1/2) / 2) */
    vfm r3 = vf_gt(a, vf_mul(b, vf_set(0x1.716872p-1f))); /* 0.7215 = tan((atan 1/2 + pi/4) / 2) */
    vf c = vf_sel(r3, vf_set(1.0f), vf_sel(r2, vf_set(0.5f), vf_sel(r1, vf_set(0.25f), vf_set(0.0f))));
    vf num = vf_sub(a, vf_mul(c, b));
    vf dh, dl;
    vf_fast_two_sum(b, vf_mul(c, a), &dh, &dl);
    vf inv = vf_div(vf_set(1.0f), dh);
    vf uh = vf_mul(num, inv);
    vf p, e;
    vf_two_prod(uh, dh, &p, &e); /* num - p is exact: p is within 2^-22 of num */
    vf ul = vf_mul(vf_sub(vf_sub(vf_sub(num, p), e), vf_mul(uh, dl)), inv);
    vf z = vf_mul(uh, uh);
    vf corr = vf_mul(vf_mul(uh, z), vf_poly(z, ATAN_P32, 4));
    vf ch = vf_sel(r3, vf_set(PI_4_HI32), vf_sel(r2, vf_set(ATAN_HALF_HI32), vf_sel(r1, vf_set(ATAN_QUARTER_HI32), vf_set(0.0f))));
    vf cl = vf_sel(r3, vf_set(PI_4_LO32), vf_sel(r2, vf_set(ATAN_HALF_LO32), vf_sel(r1, vf_set(ATAN_QUARTER_LO32), vf_set(0.0f))));
    vf t;
    vf_fast_two_sum(ch, uh, wh, &t); /* ch >= 0.24 > |uh| or ch = 0 */
    *wl = vf_add(t, vf_add(cl, vf_add(ul, corr)));
}

/* Where atan_ratio_f32's wh is below 2^-39, atan(a / b) rounds as a / b itself: divided out directly (a rare vector branch). */
static inline void atan_tiny_f32(vf a, vf b, vf *wh, vf *wl) {
    vfm tiny = vf_lt(*wh, vf_set(0x1p-39f));
    if (vfm_any(tiny)) {
        *wh = vf_sel(tiny, vf_div(a, b), *wh);
        *wl = vf_sel(tiny, vf_set(0.0f), *wl);
    }
}

/*
 * atan(a / b) for any finite 0 <= a <= b, b > 0: atan_ratio_f32 after scaling
 * both by 2^100 or 2^-100 when b is outside [2^-60, 2^60] (a rare vector
 * branch). Where a / b < 2^-39 (also rare; it covers a scaled a below
 * 2^-100, where the exact product may not be, and quotients whose tail ul
 * would underflow) atan(a / b) rounds as a / b itself: divided out directly.
 */
static inline void atan_ratio_any_f32(vf a, vf b, vf *wh, vf *wl) {
    vfm big = vf_gt(b, vf_set(0x1p60f)), small = vf_lt(b, vf_set(0x1p-60f));
    vf as = a, bs = b;
    if (vfm_any(vfm_or(big, small))) {
        vf scale = vf_sel(big, vf_set(0x1p-100f), vf_sel(small, vf_set(0x1p100f), vf_set(1.0f)));
        as = vf_mul(a, scale);
        bs = vf_mul(b, scale);
    }
    atan_ratio_f32(as, bs, wh, wl);
    atan_tiny_f32(a, b, wh, wl);
}

/* base + sign (wh + wl) rounded once, where |base_hi| >= |wh| or base = 0. */
static inline vf vf_offset_sum(vf base_hi, vf base_lo, vf sign, vf wh, vf wl) {
    vf h, e;
    vf_fast_two_sum(base_hi, vf_mul(sign, wh), &h, &e);
    return vf_add(h, vf_add(e, vf_add(base_lo, vf_mul(sign, wl))));
}

/*
 * The angle of the point (d, n) for finite n, d >= 0, not both 0, in [0, pi]
 * (x_negative: the point is (-d, n)): atan(min / max), reflected about pi/4
 * when n > d and about pi/2 when x_negative, as one offset and one sign.
 */
static inline vf angle_f32(vf n, vf d, vfm x_negative) {
    vfm swap = vf_gt(n, d);
    vf wh, wl;
    atan_ratio_any_f32(vf_min(n, d), vf_max(n, d), &wh, &wl);
    vf zero = vf_set(0.0f), one = vf_set(1.0f), minus_one = vf_set(-1.0f);
    vf base_hi = vf_sel(swap, vf_set(PI_2_HI32), vf_sel(x_negative, vf_set(PI_HI32), zero));
    vf base_lo = vf_sel(swap, vf_set(PI_2_LO32), vf_sel(x_negative, vf_set(PI_LO32), zero));
    vf sign = vf_sel(swap, minus_one, one);
    sign = vf_sel(x_negative, vf_mul(sign, minus_one), sign);
    return vf_offset_sum(base_hi, base_lo, sign, wh, wl);
}

/*
 * |x| > 1: atan |x| = pi/2 - atan(1 / |x|). |x| is clamped at 2^40, where
 * float32 atan is already pi/2 (so infinities need no case of their own), and
 * b = max(|x|, 1) stays in atan_ratio_f32's range without scaling.
 */
static inline vf atan_f32(vf x) {
    vf ax = vf_min(vf_set(0x1p40f), vf_abs(x));
    vf a = vf_min(ax, vf_set(1.0f));
    vf b = vf_max(ax, vf_set(1.0f));
    vfm big = vf_gt(ax, vf_set(1.0f));
    vf wh, wl;
    atan_ratio_f32(a, b, &wh, &wl);
    atan_tiny_f32(a, b, &wh, &wl);
    vf r = vf_offset_sum(vf_sel(big, vf_set(PI_2_HI32), vf_set(0.0f)), vf_sel(big, vf_set(PI_2_LO32), vf_set(0.0f)),
                         vf_sel(big, vf_set(-1.0f), vf_set(1.0f)), wh, wl);
    r = vf_copysign(r, x);
    return vf_sel(vf_isnan(x), x, r);
}

static inline vf atan2_f32(vf y, vf x) {
    vf a = vf_abs(y), b = vf_abs(x), zero = vf_set(0.0f), one = vf_set(1.0f), inf = vf_set(__builtin_inff());
    /* Infinities and (0, 0) become finite points with the same angle (as atan2_v). */
    vfm a_inf = vf_eq(a, inf), b_inf = vf_eq(b, inf);
    vf a2 = vf_sel(a_inf, one, vf_sel(b_inf, zero, a));
    vf b2 = vf_sel(b_inf, one, vf_sel(a_inf, zero, b));
    b2 = vf_sel(vfm_and(vf_eq(a2, zero), vf_eq(b2, zero)), one, b2);
    vfm x_negative = vf_lt(vf_copysign(one, x), zero); /* the sign bit, -0 included */
    vf r = vf_copysign(angle_f32(a2, b2, x_negative), y);
    return vf_sel(vf_isnan(x), x, vf_sel(vf_isnan(y), y, r));
}

/* max relative error of u + u^3 ASIN_R32(u^2) against asin u over |u| <= 0.5: 2^-29.8 (tools/gen_f32_coefficients.py) */
static const float ASIN_R32[6] = {
    0x1.3355c6p-5f, 0x1.d91f98p-7f, 0x1.0491a2p-5f, 0x1.6caed2p-5f, 0x1.33387cp-4f, 0x1.55554cp-3f,
};

/*
 * asin s = yh + yl for s in [0, 1/2] (|error| ~2^-30 relative), with s = |x|
 * where |x| <= 1/2 and s = sqrt((1 - |x|) / 2) otherwise (`big`): 1 - |x| and
 * the halving are exact, s is rounded, and its tail (z - sh^2) / (2 sh) comes
 * from the exact square. asin s = s + s^3 R(s^2), R a minimax fit.
 */
static inline void asin_half_f32(vf ax, vfm big, vf *yh, vf *yl) {
    vf zb = vf_mul(vf_sub(vf_set(1.0f), ax), vf_set(0.5f));
    vf z = vf_sel(big, zb, vf_mul(ax, ax));
    vf sh = vf_sel(big, vf_sqrt(zb), ax);
    vf p, e;
    vf_two_prod(sh, sh, &p, &e); /* sh >= 2^-13 where used */
    vf resid = vf_sub(vf_sub(zb, p), e);
    vf sl = vf_sel(big, vf_div(resid, vf_max(vf_add(sh, sh), vf_set(0x1p-60f))), vf_set(0.0f));
    vf corr = vf_mul(vf_mul(sh, z), vf_poly(z, ASIN_R32, 6));
    *yh = sh;
    *yl = vf_add(sl, corr);
}

/* asin |x| = |x| + ... for |x| <= 1/2, pi/2 - 2 asin s beyond; sign of x, NaN outside [-1, 1]. */
static inline vf asin_f32(vf x) {
    vf ax = vf_abs(x);
    vfm outside = vf_gt(ax, vf_set(1.0f));
    ax = vf_min(ax, vf_set(1.0f));
    vfm big = vf_gt(ax, vf_set(0.5f));
    vf yh, yl;
    asin_half_f32(ax, big, &yh, &yl);
    vf zero = vf_set(0.0f);
    vf r = vf_offset_sum(vf_sel(big, vf_set(PI_2_HI32), zero), vf_sel(big, vf_set(PI_2_LO32), zero),
                         vf_sel(big, vf_set(-2.0f), vf_set(1.0f)), yh, yl);
    r = vf_copysign(r, x);
    r = vf_sel(outside, vf_set(__builtin_nanf("")), r);
    return vf_sel(vf_isnan(x), x, r);
}

/* acos x = pi/2 - asin x for |x| <= 1/2, 2 asin s for x > 1/2, pi - 2 asin s for x < -1/2. */
static inline vf acos_f32(vf x) {
    vf ax = vf_abs(x);
    vfm outside = vf_gt(ax, vf_set(1.0f));
    ax = vf_min(ax, vf_set(1.0f));
    vfm big = vf_gt(ax, vf_set(0.5f));
    vfm negative = vf_lt(x, vf_set(0.0f));
    vf yh, yl;
    asin_half_f32(ax, big, &yh, &yl);
    vf zero = vf_set(0.0f);
    vf base_hi = vf_sel(big, vf_sel(negative, vf_set(PI_HI32), zero), vf_set(PI_2_HI32));
    vf base_lo = vf_sel(big, vf_sel(negative, vf_set(PI_LO32), zero), vf_set(PI_2_LO32));
    vf sign = vf_sel(big, vf_sel(negative, vf_set(-2.0f), vf_set(2.0f)), vf_sel(negative, vf_set(1.0f), vf_set(-1.0f)));
    vf r = vf_offset_sum(base_hi, base_lo, sign, yh, yl);
    r = vf_sel(outside, vf_set(__builtin_nanf("")), r);
    return vf_sel(vf_isnan(x), x, r);
}
