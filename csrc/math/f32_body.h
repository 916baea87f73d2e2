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

/* max relative error of u + u^3 ATAN_Q32(u^2) against atan u over |u| <= 1/2: 2^-27.4 (tools/gen_f32_coefficients.py) */
static const float ATAN_Q32[5] = {
    -0x1.a3d942p-5f, 0x1.9ffb94p-4f, -0x1.2249b2p-3f, 0x1.997b06p-3f, -0x1.555512p-2f,
};

/* pi/4 = PI_4_H21 + PI_4_L21 + ~2^-48.3: the head has 21 significant bits, so k PI_4_H21 is exact for k <= 4. */
static const float PI_4_H21 = 0x1.921fbp-1f, PI_4_L21 = 0x1.5110b4p-23f;
/* pi/2 and pi as float heads and tails (value = hi + lo to ~2^-50), for asin and acos. */
static const float PI_2_HI32 = 0x1.921fb6p0f, PI_2_LO32 = -0x1.777a5cp-25f;
static const float PI_HI32 = 0x1.921fb6p1f, PI_LO32 = -0x1.777a5cp-24f;

/* a - b c rounded once, exact where c is within a few ulps of a / b (no underflow): one FMA, or vf_two_prod. */
static inline vf vf_exact_residual(vf a, vf b, vf c) {
#if VF_HAS_FMA
    return vf_nmla(b, c, a);
#else
    vf p, e;
    vf_two_prod(b, c, &p, &e);
    return vf_sub(vf_sub(a, p), e);
#endif
}

/* r >= +0 with the sign bit of s. */
static inline vf vf_or_sign(vf r, vf s) {
    return vfi_float_bits(vfi_or(vf_bits(r), vfi_and(vf_bits(s), vfi_set((int32_t)0x80000000u))));
}

/* 1/x within 5.1% for normal x, from the bit pattern: bits(RECIP_MAGIC32 - bits(x)) */
static const int32_t RECIP_MAGIC32 = 0x7ef311c3;

/*
 * m pi/4 + atan(num / (dh + dl)) rounded once, for |num / dh| <= 1/2, dl the exact tail of the
 * denominator (|dl| <= ulp(dh) / 2), m in {0, ..., 4} with the sum >= 0. uh = num / dh is
 * rounded once and the quotient's tail ul = (num - uh dh - uh dl) / dh comes from the exact
 * residual times 1/dh to 5.1% (RECIP_MAGIC32; |ul| <= ~1 ulp of uh, so that costs <= 0.03 ULP
 * and no second division). atan(uh + ul) = atan uh + ul (1 - z) + ..., z = uh^2 (ul alone would
 * be off by up to z/2 ulp); atan uh = uh + uh z Q(z). m pi/4 + uh (m PI_4_H21 is exact) is summed
 * exactly (a fast two-sum: m pi/4 >= 0.78 > |uh| or m = 0) and meets the tail, m PI_4_L21 and
 * the polynomial in the last rounding.
 */
static inline vf atan_quotient_sum_f32(vf num, vf dh, vf dl, vf m) {
    vf uh = vf_div(num, dh);
    vf inv = vfi_float_bits(vfi_sub(vfi_set(RECIP_MAGIC32), vf_bits(dh)));
    vf t = vf_nmla(uh, dl, vf_exact_residual(num, dh, uh));
    vf ul = vf_mul(t, inv);
    vf z = vf_mul(uh, uh);
    vf low = vf_nmla(z, ul, vf_mla(m, vf_set(PI_4_L21), ul));
    vf q = vf_poly_mla(z, ATAN_Q32, 5);
    vf rest = vf_mla(vf_mul(uh, z), q, low);
    vf head = vf_mul(m, vf_set(PI_4_H21));
    vf h = vf_add(head, uh);
    vf e = vf_add(vf_sub(head, h), uh);
    return vf_add(h, vf_add(e, rest));
}

/*
 * k pi/4 + s atan(A / B) rounded once, for 0 <= A <= B, s = +-1, k in {0, ..., 4} with the sum
 * >= 0, given a = s A; B in [2^-60, 2^60] and A >= 2^-30 B (atan2's rare path sees to it). Two
 * centres: where `centre` (A > B/2), atan(A / B) = pi/4 + atan u with u = (A - B) / (B + A),
 * else u = A / B, so |u| <= 1/2. With c = s or 0 (the centre, signed), the numerator
 * a - c B = s (A - c B) is exact (Sterbenz), the denominator B + c a the exact pair dh + dl
 * (dh in [B, 2B]), and m = k + c.
 */
static inline vf atan_offset_f32(vf a, vf b, vfm centre, vf s, vf k) {
    vf c = vf_sel(centre, s, vf_set(0.0f));
    vf dh = vf_mla(c, a, b);
    return atan_quotient_sum_f32(vf_nmla(c, b, a), dh, vf_mla(c, a, vf_sub(b, dh)), vf_add(k, c));
}

/*
 * atan |x| = atan(|x| / 1), or pi/2 - atan(1 / |x|) for |x| > 1 (-1 / |x|, m = 2), with the sign
 * of x; for |x| in (1/2, 2) the second centre, pi/4 + atan((|x| - 1) / (|x| + 1)) (m = 1) either
 * way, its numerator and denominator pair from adds (dh - 1 is exact), not FMAs: the kernel is
 * bound by the FMA pipes. |x| is clamped at 2^40, where float32 atan is already pi/2 (so infinities need no
 * case of their own); vf_min and vf_max return their second operand when one is NaN, so a NaN x
 * flows through as a (b = 1).
 */
static inline vf atan_f32(vf x) {
    vf one = vf_set(1.0f);
    vf ax = vf_min(vf_set(0x1p40f), vf_abs(x));
    vfm big = vf_gt(ax, one);
    vf a = vf_min(one, ax), b = vf_max(ax, one);
    vfm centre = vf_gt(vf_add(a, a), b);
    vf dh = vf_add(ax, one);
    vf dl = vf_add(vf_sub(one, dh), ax);
    vf r = atan_quotient_sum_f32(vf_sel(centre, vf_sub(ax, one), vf_sel(big, vf_set(-1.0f), a)), vf_sel(centre, dh, b),
                                 vf_sel(centre, dl, vf_set(0.0f)),
                                 vf_sel(centre, one, vf_sel(big, vf_set(2.0f), vf_set(0.0f))));
    return vf_or_sign(r, x); /* r >= +0 */
}

/*
 * The angle of (b, a) = (|x|, |y|) folded into [0, pi/2]: atan(A / B) on A = min, B = max, or
 * pi/2 - atan(A / B) where a > b, then pi minus that where x < 0 (its sign bit), as
 * k pi/4 + s atan(A / B): (k, s) = (0, 1), (2, -1), (4, -1) or (2, 1).
 */
static inline vf atan2_folded_f32(vf a, vf b, vf x) {
    vf one = vf_set(1.0f), two = vf_set(2.0f);
    vfm swap = vf_gt(a, b);
    vf sx = vf_or_sign(one, x);
    vf s = vf_mul(vf_sel(swap, vf_set(-1.0f), one), sx);
    vf k = vf_sel(swap, two, vf_nmla(two, sx, two));
    vf mn = vf_min(a, b), mx = vf_max(a, b);
    return atan_offset_f32(vf_mul(s, mn), mx, vf_gt(vf_add(mn, mn), mx), s, k);
}

/*
 * atan2 for vectors with a lane atan2_folded_f32 cannot take as it is: an infinity or (0, 0)
 * becomes a finite point with the same angle, max(|y|, |x|) outside [2^-60, 2^60] is scaled by
 * 2^-100 or 2^100, a quotient A / B below 2^-30 is divided out first and taken as the point
 * (1, A / B) (its atan rounds as A / B itself, and B = 1 makes the quotient exact), and a NaN
 * input is returned.
 */
static __attribute__((noinline)) vf atan2_rare_f32(vf y, vf x) {
    vf a = vf_abs(y), b = vf_abs(x), zero = vf_set(0.0f), one = vf_set(1.0f), inf = vf_set(__builtin_inff());
    vfm a_inf = vf_eq(a, inf), b_inf = vf_eq(b, inf);
    vf am = vf_sel(a_inf, one, vf_sel(b_inf, zero, a));
    vf bm = vf_sel(b_inf, one, vf_sel(a_inf, zero, b));
    bm = vf_sel(vfm_and(vf_eq(am, zero), vf_eq(bm, zero)), one, bm);
    vf mn = vf_min(am, bm), mx = vf_max(am, bm);
    vfm big = vf_gt(mx, vf_set(0x1p60f)), small = vf_lt(mx, vf_set(0x1p-60f));
    vf scale = vf_sel(big, vf_set(0x1p-100f), vf_sel(small, vf_set(0x1p100f), one));
    vfm tiny = vf_lt(mn, vf_mul(mx, vf_set(0x1p-30f))), swap = vf_gt(am, bm);
    /* tiny lanes: the point (1, q) or (q, 1), q = A / B correctly rounded, whose angle the quotient is exact */
    vf q = vf_div(mn, mx);
    vf as = vf_sel(tiny, vf_sel(swap, one, q), vf_mul(am, scale));
    vf bs = vf_sel(tiny, vf_sel(swap, q, one), vf_mul(bm, scale));
    vf r = atan2_folded_f32(as, bs, x);
    r = vf_or_sign(r, y);
    return vf_sel(vf_isnan(x), x, vf_sel(vf_isnan(y), y, r));
}

static inline __attribute__((always_inline)) vf atan2_f32(vf y, vf x) {
    vf a = vf_abs(y), b = vf_abs(x);
    vf mn = vf_min(a, b);
    /* false for a NaN (a + b), an infinity, a zero, max(|y|, |x|) outside [2^-60, 2^59] and quotients below 2^-30 */
    vf sum = vf_add(a, b);
    vfm ordinary = vfm_and(vf_lt(sum, vf_set(0x1p60f)), vf_gt(mn, vf_set(0x1p-60f)));
    ordinary = vfm_and(ordinary, vfm_not(vf_lt(mn, vf_mul(sum, vf_set(0x1p-30f)))));
    if (vfm_any(vfm_not(ordinary))) { /* a rare vector branch */
        return atan2_rare_f32(y, x);
    }
    return vf_or_sign(atan2_folded_f32(a, b, x), y); /* the angle is >= +0 */
}

/* max relative error of u + u^3 ASIN_R32(u^2) against asin u over |u| <= 0.5: 2^-27.6 (tools/gen_f32_coefficients.py) */
static const float ASIN_R32[5] = {
    0x1.595c56p-5f, 0x1.8c3e54p-6f, 0x1.747bb8p-5f, 0x1.330204p-4f, 0x1.5555c8p-3f,
};
/* 1/(2 sqrt x) within 3.5% for normal x >= 0, from the bit pattern: bits(HALF_RSQRT_MAGIC32 - (bits(x) >> 1)) */
static const int32_t HALF_RSQRT_MAGIC32 = 0x5f3759df - (1 << 23);

/*
 * asin s = yh + yl for s in [0, 1/2], with s = |x| where |x| <= 1/2 and s = sqrt(z),
 * z = (1 - |x|) / 2 otherwise (`big`): 1 - |x| and the halving are exact (one FMA), s is the
 * correctly rounded root and its tail (z - s^2) / (2 s) comes from the exact residual z - s^2
 * times 1/(2 sqrt z) to 3.5% (HALF_RSQRT_MAGIC32: no division). asin s = s + s z R(z), R a
 * degree-4 minimax fit. Outside [-1, 1] z < 0 and its square root is NaN.
 */
static inline void asin_half_f32(vf ax, vfm big, vf *yh, vf *yl) {
    vf zb = vf_nmla(ax, vf_set(0.5f), vf_set(0.5f));
    vf s = vf_sqrt(zb);
    vf half_rsqrt = vfi_float_bits(vfi_sub(vfi_set(HALF_RSQRT_MAGIC32), vfi_sar(vf_bits(zb), 1)));
    vf sl = vf_sel(big, vf_mul(vf_exact_residual(zb, s, s), half_rsqrt), vf_set(0.0f));
    vf sh = vf_sel(big, s, ax);
    vf z = vf_sel(big, zb, vf_mul(ax, ax));
    *yh = sh;
    *yl = vf_mla(vf_mul(sh, z), vf_poly_mla(z, ASIN_R32, 5), sl);
}

/* base + sign (yh + yl) rounded once, sign in {+-1, +-2}, where |base_hi| >= |sign yh| or base = 0 (a fast two-sum). */
static inline vf offset_sum_f32(vf base_hi, vf base_lo, vf sign, vf yh, vf yl) {
    vf h = vf_mla(sign, yh, base_hi); /* sign yh is exact */
    vf e = vf_mla(sign, yh, vf_sub(base_hi, h));
    return vf_add(h, vf_add(e, vf_mla(sign, yl, base_lo)));
}

/*
 * asin |x| = |x| + ... for |x| <= 1/2, pi/2 - 2 asin s beyond, with the sign of x. Outside
 * [-1, 1] the square root's NaN, with the sign of x (as float64 asin); a NaN x takes the
 * |x| <= 1/2 path and stays NaN.
 */
static inline vf asin_f32(vf x) {
    vf ax = vf_abs(x), zero = vf_set(0.0f);
    vfm big = vf_gt(ax, vf_set(0.5f));
    vf yh, yl;
    asin_half_f32(ax, big, &yh, &yl);
    vf r = offset_sum_f32(vf_sel(big, vf_set(PI_2_HI32), zero), vf_sel(big, vf_set(PI_2_LO32), zero),
                          vf_sel(big, vf_set(-2.0f), vf_set(1.0f)), yh, yl);
    return vf_copysign(r, x); /* r >= +0, or the root's NaN, whose sign x's replaces */
}

/*
 * acos x = pi/2 - asin x for |x| <= 1/2, 2 asin s for x > 1/2, pi - 2 asin s for x < -1/2.
 * Outside [-1, 1] the square root's NaN, as is every result of a NaN x: the absolute value makes
 * each of them +NaN (as float64 acos; acos 1 = +0).
 */
static inline vf acos_f32(vf x) {
    vf ax = vf_abs(x), zero = vf_set(0.0f);
    vfm big = vf_gt(ax, vf_set(0.5f)), negative = vf_lt(x, zero);
    vf yh, yl;
    asin_half_f32(ax, big, &yh, &yl);
    vf base_hi = vf_sel(big, vf_sel(negative, vf_set(PI_HI32), zero), vf_set(PI_2_HI32));
    vf base_lo = vf_sel(big, vf_sel(negative, vf_set(PI_LO32), zero), vf_set(PI_2_LO32));
    vf sign = vf_sel(big, vf_sel(negative, vf_set(-2.0f), vf_set(2.0f)), vf_sel(negative, vf_set(1.0f), vf_set(-1.0f)));
    return vf_abs(offset_sum_f32(base_hi, base_lo, sign, yh, yl)); /* every NaN +NaN (acos is never negative) */
}
