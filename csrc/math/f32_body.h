/*
 * Native float32 kernels over vec32.h: float lanes (16 per AVX-512 vector,
 * 4 per wasm simd128 one), float32 polynomials, no FMA (vec32.h says why),
 * so each result is built as a head plus a small correction that round
 * once at the end. Included by elementary_body.h; docs/math.md describes
 * the algorithms and their measured error.
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

/* x = k ln2 + rh + rl, |rh| <= 0.35: x - k LN2_HI32 is exact, rl the rounding error of subtracting k LN2_LO32. */
static inline vf exp_f32_reduce(vf x, vf *k_out, vf *rl) {
    vf k = vf_round(vf_mul(x, vf_set(INV_LN2_32)));
    vf r1 = vf_sub(x, vf_mul(k, vf_set(LN2_HI32)));
    vf c = vf_mul(k, vf_set(LN2_LO32));
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
    vf rl, rh = exp_f32_reduce(x, k, &rl);
    exp_f32_assemble(rh, rl, vf_mul(vf_mul(rh, rh), vf_poly(rh, EXP_Q32, 6)), h, lo);
}

/* a * a = p + e exactly (Dekker's splitting: no FMA here). */
static inline void vf_two_square(vf a, vf *p, vf *e) {
    vf t = vf_mul(a, vf_set(4097.0f)); /* 2^12 + 1 */
    vf hi = vf_sub(t, vf_sub(t, a));
    vf lo = vf_sub(a, hi);
    vf prod = vf_mul(a, a);
    *e = vf_add(vf_add(vf_sub(vf_mul(hi, hi), prod), vf_mul(vf_add(hi, hi), lo)), vf_mul(lo, lo));
    *p = prod;
}

/*
 * exp_f32_core with r^2 / 2 taken exactly: r^2 Q(r) = p/2 + (pe/2 + r^3 Q'(r)), so
 * h + lo is within ~2^-29 of e^r; for expm1, sinh and cosh, whose results
 * can be much smaller than e^r's pieces (expm1 near 0.35: 0.42 from 2 (h + lo) - 1).
 */
static inline void exp_f32_core_precise(vf x, vf *k, vf *h, vf *lo) {
    vf rl, rh = exp_f32_reduce(x, k, &rl);
    vf p, pe;
    vf_two_square(rh, &p, &pe);
    vf cube = vf_mul(p, rh);
    vf tail = vf_add(vf_mul(vf_set(0.5f), pe), vf_mul(cube, vf_poly(rh, EXP_Q3_32, 5)));
    exp_f32_assemble(rh, rl, vf_add(vf_mul(vf_set(0.5f), p), tail), h, lo);
}

static inline vf exp_f32(vf x) {
    /* float32 e^x is 0 below -104 and inf above 88.73. */
    vf k, h, lo;
    exp_f32_core(vf_min(vf_max(x, vf_set(-104.0f)), vf_set(89.0f)), &k, &h, &lo);
    vf r = vf_scale2(vf_add(h, lo), k);
    return vf_sel(vf_isnan(x), x, r);
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
 * e^x - 1 = 2^k (h - 1 + lo) + (2^k - 1) = (2^k h - 1) + 2^k lo, the first
 * sum made exact by two_sum; h - 1 is exact, so for k = 0 (|x| < 0.35) this
 * is (h - 1) + lo with lo carrying x itself: full relative accuracy near 0.
 * Above 20 the - 1 is far below an ULP and e^x is used.
 */
static inline vf expm1_f32(vf x) {
    vf k, h, lo;
    exp_f32_core_precise(vf_min(vf_max(x, vf_set(-25.0f)), vf_set(89.0f)), &k, &h, &lo);
    vf big = vf_scale2(vf_add(h, lo), k);
    vf scale = vf_pow2(vf_min(k, vf_set(40.0f)));
    vf s, e;
    vf_two_sum(vf_mul(scale, h), vf_set(-1.0f), &s, &e);
    vf r = vf_add(s, vf_add(e, vf_mul(scale, lo)));
    r = vf_sel(vf_gt(x, vf_set(20.0f)), big, r);
    r = vf_sel(vf_eq(x, vf_set(0.0f)), x, r); /* keeps -0 */
    return vf_sel(vf_isnan(x), x, r);
}

/* (log1p(f) - 2s + s*(f - 2s)...) core: minimax of R(z) ~ (log((1+s)/(1-s)) - 2s) / s over z = s^2 <= 0.0295. */
static const float LOG_R1 = 0xaaaaaa.0p-24f, LOG_R2 = 0xccce13.0p-25f, LOG_R3 = 0x91e9ee.0p-25f,
                   LOG_R4 = 0xf89e26.0p-26f;

/*
 * log(2^k (1 + f) + c 2^k (1 + f)) for |f| <= sqrt(2) - 1 and a small
 * correction c (relative, |c| < 2^-23): with s = f / (2 + f),
 * log1p f = f - f^2/2 + s (f^2/2 + R(s^2)), summed from the smallest term
 * up so the large ones (k ln2, f) enter last, each exactly.
 */
static inline vf log_f32_reduced(vf f, vf k, vf c) {
    vf s = vf_div(f, vf_add(vf_set(2.0f), f));
    vf z = vf_mul(s, s), w = vf_mul(z, z);
    vf odd = vf_mul(z, vf_add(vf_set(LOG_R1), vf_mul(w, vf_set(LOG_R3))));
    vf even = vf_mul(w, vf_add(vf_set(LOG_R2), vf_mul(w, vf_set(LOG_R4))));
    vf half_f2 = vf_mul(vf_mul(vf_set(0.5f), f), f);
    vf tail = vf_add(vf_mul(s, vf_add(half_f2, vf_add(odd, even))), vf_add(vf_mul(k, vf_set(LN2_LO32)), c));
    return vf_sub(vf_mul(k, vf_set(LN2_HI32)), vf_sub(vf_sub(half_f2, tail), f));
}

/* x = 2^k m with m in [sqrt(1/2), sqrt(2)) for finite x > 0 (subnormals scaled first); f = m - 1 exactly. */
static inline vf log_f32_split(vf x, vf *k) {
    vfm sub = vf_lt(x, vf_set(0x1p-126f));
    vf xs = vf_sel(sub, vf_mul(x, vf_set(0x1p23f)), x);
    vfi ix = vfi_sub(vf_bits(xs), vfi_set(0x3f3504f3)); /* the bits of sqrt(1/2) */
    vf kk = vfi_to_float(vfi_sar(ix, 23));
    *k = vf_sel(sub, vf_sub(kk, vf_set(23.0f)), kk);
    vf m = vfi_float_bits(vfi_add(vfi_and(ix, vfi_set(0x007fffff)), vfi_set(0x3f3504f3)));
    return vf_sub(m, vf_set(1.0f));
}

/* log's Annex F values: log 0 = -inf, log inf = inf, log of a negative = NaN, NaN kept. */
static inline vf log_f32_special(vf x, vf r) {
    r = vf_sel(vf_eq(x, vf_set(0.0f)), vf_set(-__builtin_inff()), r);
    r = vf_sel(vf_eq(x, vf_set(__builtin_inff())), x, r);
    r = vf_sel(vf_lt(x, vf_set(0.0f)), vf_set(__builtin_nanf("")), r);
    return vf_sel(vf_isnan(x), x, r);
}

static inline vf log_f32(vf x) {
    vf k, f = log_f32_split(x, &k);
    return log_f32_special(x, log_f32_reduced(f, k, vf_set(0.0f)));
}

/*
 * log1p x = log(u + e) with u = 1 + x rounded and e its rounding error:
 * log u + e / u. Where u's exponent is 0 (-0.29 < x < 0.41) f = x itself,
 * so small x keep their relative accuracy.
 */
static inline vf log1p_f32(vf x) {
    vf one = vf_set(1.0f);
    vf u = vf_add(one, x);
    vf e = vf_sel(vf_lt(x, one), vf_sub(x, vf_sub(u, one)), vf_sub(one, vf_sub(u, x)));
    vf k, f = log_f32_split(vf_max(u, vf_set(0x1p-126f)), &k);
    vfm near_one = vf_eq(k, vf_set(0.0f));
    f = vf_sel(near_one, x, f);
    vf c = vf_sel(near_one, vf_set(0.0f), vf_div(e, u));
    vf r = log_f32_special(u, log_f32_reduced(f, k, c));
    r = vf_sel(vf_eq(x, vf_set(0.0f)), x, r); /* keeps -0 */
    return vf_sel(vf_isnan(x), x, r);
}

/* cosh x - 1 = x^2 C(x^2) for |x| < 1/2 and sinh x = x + x^3 S(x^2) for |x| < 1: Taylor series, highest first (error < 2^-33). */
static const float COSH_C32[5] = {1.0f / 3628800.0f, 1.0f / 40320.0f, 1.0f / 720.0f, 1.0f / 24.0f, 0.5f};
static const float SINH_S32[6] = {
    1.0f / 6227020800.0f, 1.0f / 39916800.0f, 1.0f / 362880.0f, 1.0f / 5040.0f, 1.0f / 120.0f, 1.0f / 6.0f,
};

/*
 * e^a / 2 + sign e^-a / 2 for a <= 90 where k = round(a / ln2) >= 1 (sign = +1
 * for cosh, -1 for sinh): with e^a = 2^k (h + lo) it is
 * 2^(k-1) ((h + t) + lo), t = sign 2^-2k / (h + lo), the first sum made exact
 * (|h| >= 0.7 > |t|). t is rounded twice, but is at most 0.16 of the result
 * for sinh (a >= 1) and 0.28 for cosh (a >= 1/2), where that costs < 0.25 ULP.
 */
static inline vf exp_pair_f32(vf a, float sign) {
    vf k, h, lo;
    exp_f32_core(a, &k, &h, &lo);
    vf scale = vf_pow2(vf_max(vf_mul(k, vf_set(-2.0f)), vf_set(-126.0f)));
    vf t = vf_div(vf_mul(vf_set(sign), scale), vf_add(h, lo));
    vf s = vf_add(h, t);
    vf e = vf_sub(t, vf_sub(s, h)); /* h + t = s + e exactly */
    return vf_scale2(vf_add(s, vf_add(e, lo)), vf_sub(k, vf_set(1.0f)));
}

static inline vf cosh_f32(vf x) {
    vf a = vf_min(vf_abs(x), vf_set(90.0f));
    vf z = vf_mul(a, a);
    vf small = vf_add(vf_set(1.0f), vf_mul(z, vf_poly(z, COSH_C32, 5)));
    vf r = vf_sel(vf_lt(a, vf_set(0.5f)), small, exp_pair_f32(vf_max(a, vf_set(0.5f)), 1.0f));
    return vf_sel(vf_isnan(x), x, r);
}

static inline vf sinh_f32(vf x) {
    vf a = vf_min(vf_abs(x), vf_set(90.0f));
    vf z = vf_mul(x, x);
    vf small = vf_add(x, vf_mul(vf_mul(x, z), vf_poly(z, SINH_S32, 6)));
    vf big = vf_copysign(exp_pair_f32(vf_max(a, vf_set(1.0f)), -1.0f), x);
    vf r = vf_sel(vf_lt(a, vf_set(1.0f)), small, big);
    return vf_sel(vf_isnan(x), x, r);
}

/* tanh x = x + x^3 P(x^2) for |x| < 0.625: minimax fit (tools/gen_f32_coefficients.py), relative error 2^-28.5. */
static const float TANH_P32[6] = {
    0x1.18e1dcp-9f, -0x1.0bf4fcp-7f, 0x1.638b58p-6f, -0x1.b9ee9p-5f, 0x1.111066p-3f, -0x1.555554p-2f,
};

/*
 * tanh a = 1 - t, t = 2 / (e^2a + 1), for 0.625 <= a <= 10 (t <= 0.445).
 * e^2a + 1 = dh + dl (two-sum of 2^k h and 1, plus 2^k lo, renormalised);
 * t0 = 2 / dh is corrected for dl (t0 dl / dh, to first order), and 1 - t0 is
 * made exact by a fast two-sum, so the one rounding that matters is the
 * division's (< 1/4 ULP of the result) before the final one.
 */
static inline vf tanh_big_f32(vf a) {
    vf k, h, lo;
    exp_f32_core(vf_add(a, a), &k, &h, &lo);
    vf scale = vf_pow2(k); /* k <= 29 */
    vf d1, de;
    vf_two_sum(vf_mul(scale, h), vf_set(1.0f), &d1, &de);
    vf d2 = vf_add(de, vf_mul(scale, lo)); /* up to 0.1 d1: lo holds r^2/2 */
    vf dh = vf_add(d1, d2);
    vf dl = vf_sub(d2, vf_sub(dh, d1)); /* d1 + d2 = dh + dl exactly (|d1| > |d2|) */
    vf t0 = vf_div(vf_set(2.0f), dh);
    vf correction = vf_mul(vf_mul(t0, vf_mul(t0, vf_set(0.5f))), dl); /* t0 dl / dh */
    vf s = vf_sub(vf_set(1.0f), t0);
    vf e = vf_sub(vf_sub(vf_set(1.0f), s), t0); /* 1 - t0 = s + e exactly */
    return vf_add(s, vf_add(e, correction));
}

static inline vf tanh_f32(vf x) {
    vf a = vf_min(vf_abs(x), vf_set(10.0f)); /* float32 tanh is 1 from 9.01 on */
    vf z = vf_mul(x, x);
    vf small = vf_add(x, vf_mul(vf_mul(x, z), vf_poly(z, TANH_P32, 6)));
    vf big = vf_copysign(tanh_big_f32(vf_max(a, vf_set(0.625f))), x);
    vf r = vf_sel(vf_lt(a, vf_set(0.625f)), small, big);
    r = vf_sel(vf_eq(x, vf_set(0.0f)), x, r); /* keeps -0 (x^3 P(x^2) is +0 there) */
    return vf_sel(vf_isnan(x), x, r);
}
