/*
 * Native float32 kernels over vec32.h: float lanes (16 per AVX-512 vector,
 * 4 per wasm simd128 one), float32 polynomials, no FMA (vec32.h says why),
 * so each result is built as a head plus a small correction that round
 * once at the end. exp, expm1, sinh, cosh and tanh use FMA (vf_mla: two
 * roundings in wasm) and stay within 1 ULP both ways.
 * Included by elementary_body.h; docs/math.md describes the algorithms and
 * their measured error.
 */

/* ln 2 = LN2_HI32 + LN2_LO32 + ~5.5e-14: LN2_HI32 has 15 significant bits, so k * LN2_HI32 is exact for |k| < 512. */
static const float LN2_HI32 = 0x1.62e4p-1f;
static const float LN2_LO32 = 0x1.7f7d1cp-20f;
static const float INV_LN2_32 = 0x1.715476p0f;

/*
 * e^r = 1 + r + r^2/2 + r^3 Q3(r) for |r| <= 0.347 (pow's precise core): a
 * minimax fit (tools/gen_f32_coefficients.py), highest degree first, error
 * 2^-30.8 (absolute, after rounding the coefficients to float32).
 */
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

/*
 * The table-driven e^x of exp, expm1, sinh, cosh and tanh: x = k ln2/16 + r
 * with k = 16 m + j, e^x = 2^m 2^(j/16) e^r. EXP2_F16_HI[j] is 2^(j/16)
 * rounded to float32 with j << 19 taken off its bits, so adding k << 19 (the
 * low bits of the rounding shifter) gives 2^m 2^(j/16) in one integer add
 * while the result is normal; EXP2_F16_LO[j] is 2^(j/16)'s rounding error
 * relative to it (tools/gen_f32_coefficients.py). 16 entries fit one AVX-512
 * register (one vpermps) and two AVX2 ones (two permutes and a blend).
 */
static const float EXP2_F16_HI[16] = {
    0x1p+0f, 0x1.fb5586p-1f, 0x1.f72b84p-1f, 0x1.f387a6p-1f, 0x1.f06fep-1f, 0x1.edea64p-1f, 0x1.ebfdaep-1f, 0x1.eab07ep-1f,
    0x1.ea09e6p-1f, 0x1.ea1148p-1f, 0x1.eace54p-1f, 0x1.ec4918p-1f, 0x1.ee89fap-1f, 0x1.f199bep-1f, 0x1.f5818ep-1f,
    0x1.fa4afap-1f,
};
static const float EXP2_F16_LO[16] = {
    0x0p+0f, 0x1.8d96d4p-25f, -0x1.9c0c22p-27f, 0x1.964904p-25f, 0x1.125002p-25f, 0x1.370be4p-25f, -0x1.0a355p-25f,
    -0x1.00d8acp-27f, 0x1.26055cp-26f, -0x1.05cb44p-25f, 0x1.67a1cap-28f, 0x1.a3b5e4p-28f, -0x1.f9c304p-27f,
    -0x1.6961b4p-28f, -0x1.a5217cp-28f, 0x1.61428ep-28f,
};
/* ln2/16 = LN2_F16_HI + LN2_F16_LO + ~2e-13: LN2_F16_HI has 11 bits, so k LN2_F16_HI is exact for |k| < 8192. */
static const float LN2_F16_HI = 0x1.62cp-5f, LN2_F16_LO = 0x1.217f7ep-16f, INV_LN2_F16 = 0x1.715476p+4f;
/* e^r - 1 = r + r^2 EXP_R32(r) for |r| <= ln2/32 (+0.2%): relative error of e^r 2^-29.2. */
static const float EXP_R32[2] = {0x1.55559cp-3f, 0x1.00022p-1f};
static const float EXP_SHIFTER32 = 0x1.8p23f;

/*
 * x = k ln2/16 + r for |x| <= 104 (|r| <= ln2/32 plus ~2^-29): k rounded
 * through the shifter, x - k LN2_F16_HI exact (fused or not), then one
 * rounding for k LN2_F16_LO: r is within 2^-30 of the exact value and below
 * 0.022, so its error costs < 0.02 ULP. *kbits holds k - offset in its low
 * bits (offset a multiple of 16 below 2^20: it lowers the exponent m that
 * exp32_scale gives by offset / 16 at no cost).
 */
static inline vf exp32_reduce(vf x, float offset, vfi *kbits, vf *k) {
    const float shifter = EXP_SHIFTER32 - offset; /* still spaced 1 apart */
    vf shifted = vf_mla(x, vf_set(INV_LN2_F16), vf_set(shifter));
    *k = vf_sub(shifted, vf_set(shifter));
    *kbits = vf_bits(shifted);
    /* k (-c), not -(k c): a NaN k keeps its sign in the scalar reference's fmaf as in vfmadd */
    return vf_mla(*k, vf_set(-LN2_F16_LO), vf_mla(*k, vf_set(-LN2_F16_HI), x));
}

/* e^r - 1 for |r| <= 0.0217, to 2^-29 of e^r. */
static inline vf exp32_poly(vf r) {
    return vf_mla(vf_mul(r, r), vf_mla(r, vf_set(EXP_R32[0]), vf_set(EXP_R32[1])), r);
}

/* 2^m 2^(j/16) (rounded to float32) for k = 16 m + j in kbits' low bits and a normal result. */
static inline vf exp32_scale(vfi kbits) {
    vf t = vf_lookup16(EXP2_F16_HI, kbits);
    return vfi_float_bits(vfi_add(vf_bits(t), vfi_shl(kbits, 19)));
}

/*
 * e^x = A (1 + (lo + u)) rounded once, A = 2^m 2^(j/16) exact, lo the table's
 * relative error and u = e^r - 1 (|lo + u| < 0.022: its rounding errors stay
 * below 2^-30 of the result, fused or not), so the error is 0.5 ULP plus
 * ~2^-29 relative (A (lo + u) stays normal: unfused, it is a rounded
 * product). Vectors with a lane beyond +-80 (overflow, subnormal results,
 * infinities) scale 2^(j/16) (1 + lo + u) by 2^m with vf_scale2
 * instead, which rounds a second time for subnormal results: within 0.75 ULP.
 */
static inline vf exp_f32(vf x) {
    vfi kbits;
    vf k;
    if (!vfm_any(vf_gt(vf_abs(x), vf_set(80.0f)))) {
        vf r = exp32_reduce(x, 0.0f, &kbits, &k);
        vf a = exp32_scale(kbits);
        return vf_mla(a, vf_add(exp32_poly(r), vf_lookup16(EXP2_F16_LO, kbits)), a);
    }
    /* float32 e^x is 0 below -104 and inf above 88.73; the constant first keeps NaN. */
    x = vf_min(vf_set(89.0f), vf_max(vf_set(-104.0f), x));
    vf r = exp32_reduce(x, 0.0f, &kbits, &k);
    vfi j = vfi_and(kbits, vfi_set(15));
    vf t = vfi_float_bits(vfi_add(vf_bits(vf_lookup16(EXP2_F16_HI, j)), vfi_shl(j, 19)));
    vf m = vf_round(vf_mul(vf_sub(k, vf_set(7.5f)), vf_set(0x1p-4f)));
    return vf_scale2(vf_mla(t, vf_add(exp32_poly(r), vf_lookup16(EXP2_F16_LO, j)), t), m);
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

/* Horner's rule with FMA (fused natively, two roundings in wasm), coefficients highest degree first. */
static inline vf hyp_horner(vf x, const float *c, int n) {
    vf acc = vf_set(c[0]);
    for (int i = 1; i < n; i++) {
        acc = vf_mla(acc, x, vf_set(c[i]));
    }
    return acc;
}

/* e^x - 1 = x + x^2 EXPM1_Q32(x) for |x| <= 0.25: relative error 2^-28.4 (tools/gen_f32_coefficients.py). */
static const float EXPM1_Q32[5] = {0x1.6c007p-10f, 0x1.11a1e6p-7f, 0x1.5555a2p-5f, 0x1.555528p-3f, 0x1p-1f};

/*
 * e^x - 1 = (A - 1) + A v with e^x = A (1 + v) (exp32_reduce, A exact):
 * A - 1 = nh + nl exactly (two-sum), so only the last addition rounds at
 * full weight; x is clamped at -25 (e^x - 1 is -1 in float32 from -17.4 on)
 * and 80. Below 0.25 in magnitude, where v's ~2^-29 absolute error would
 * show, the polynomial; above 80 (a rare vector branch) e^x itself; -0 kept.
 */
static inline vf expm1_f32(vf x) {
    vfi kbits;
    vf k, y = vf_min(vf_set(80.0f), vf_max(vf_set(-25.0f), x)); /* NaN kept */
    vf r = exp32_reduce(y, 0.0f, &kbits, &k);
    vf a = exp32_scale(kbits);
    vf v = vf_mla(vf_mul(r, r), vf_mla(r, vf_set(EXP_R32[0]), vf_set(EXP_R32[1])),
                  vf_add(vf_lookup16(EXP2_F16_LO, kbits), r));
    vf nh, nl;
    vf_two_sum(a, vf_set(-1.0f), &nh, &nl);
    vf big = vf_add(nh, vf_mla(a, v, nl));
    vf small = vf_mla(vf_mul(x, x), hyp_horner(x, EXPM1_Q32, 5), x);
    vf res = vf_sel(vf_lt(vf_abs(x), vf_set(0.25f)), small, big);
    vfm huge = vf_gt(x, vf_set(80.0f));
    if (vfm_any(huge)) {
        res = vf_sel(huge, exp_f32(x), res);
    }
    return vf_sel(vf_eq(x, vf_set(0.0f)), x, res);
}

/*
 * e^x / 2 = a (1 + va) and e^-x / 2 = b (1 + vb) for x in [0, 90], scaled by
 * 2^-bias: one reduction x = k ln2/16 + r serves both (-x = -k ln2/16 - r),
 * a = 2^(m-1-bias) 2^(j/16) and b likewise for -k, exact from the table and
 * the exponent bits while both are normal (bias 0 up to x = 80; bias 64 up
 * to 90, where b is below 2^-126 from x = 84 on and the caller drops it);
 * va = lo + r + r^2 (c2 + c3 r) and vb = lo' - r + r^2 (c2 - c3 r), the odd
 * and even parts of one polynomial (EXP_R32), |va|, |vb| < 0.022.
 */
static inline void exp_pm_f32(vf x, int bias, vf *a, vf *va, vf *b, vf *vb) {
    const int offset = 16 * (1 + bias);
    vfi kbits;
    vf k;
    vf r = exp32_reduce(x, (float)offset, &kbits, &k);
    vfi nkbits = vfi_sub(vfi_set(-2 * offset), kbits); /* -k - offset */
    vf z = vf_mul(r, r), t = vf_mul(r, vf_set(EXP_R32[0]));
    *va = vf_mla(z, vf_add(vf_set(EXP_R32[1]), t), vf_add(vf_lookup16(EXP2_F16_LO, kbits), r));
    *vb = vf_mla(z, vf_sub(vf_set(EXP_R32[1]), t), vf_sub(vf_lookup16(EXP2_F16_LO, nkbits), r));
    *a = exp32_scale(kbits);
    *b = exp32_scale(nkbits);
}

/*
 * The vectors with a lane beyond 80 (rare): x clamped to 90 (NaN kept; float32
 * sinh and cosh overflow from 89.416), the pieces scaled by 2^-64 and the
 * result by 2^64 (exact, or the overflow to inf); b dropped above 20, where
 * it is below 2^-57 of a.
 */
static inline void exp_pm_f32_wide(vf ax, vf *a, vf *va, vf *b, vf *vb) {
    ax = vf_min(vf_set(90.0f), ax);
    exp_pm_f32(ax, 64, a, va, b, vb);
    *b = vf_sel(vf_gt(ax, vf_set(20.0f)), vf_set(0.0f), *b);
}

/*
 * cosh x = a + (b + (a va + b vb)): a va + b vb is below 0.023 of the
 * result, so its roundings cost < 0.01 ULP, and b + (...), at most half the
 * result, rounds once before the last addition: within 0.5 + 0.25 ULP.
 */
static inline vf cosh_combine(vf a, vf va, vf b, vf vb) {
    return vf_add(a, vf_add(b, vf_mla(a, va, vf_mul(b, vb))));
}

/*
 * sinh x = a - (b + (b vb - a va)), the same way, for x >= 0.8 (below, b is
 * above a quarter of the result and its sum's rounding would cost more).
 */
static inline vf sinh_combine(vf a, vf va, vf b, vf vb) {
    return vf_sub(a, vf_add(b, vf_nmla(a, va, vf_mul(b, vb))));
}

/* sinh x = x + x^3 SINH_P32(x^2) for |x| <= 0.8: relative error 2^-28.3 (tools/gen_f32_coefficients.py). */
static const float SINH_P32[4] = {0x1.771f22p-19f, 0x1.a00ec2p-13f, 0x1.11111ap-7f, 0x1.555556p-3f};

static inline vf cosh_f32(vf x) {
    vf ax = vf_abs(x), a, va, b, vb;
    if (!vfm_any(vf_gt(ax, vf_set(80.0f)))) {
        exp_pm_f32(ax, 0, &a, &va, &b, &vb);
        return cosh_combine(a, va, b, vb);
    }
    exp_pm_f32_wide(ax, &a, &va, &b, &vb);
    return vf_mul(cosh_combine(a, va, b, vb), vf_set(0x1p64f));
}

/*
 * sinh |x| from e^|x| and e^-|x| (above) or, where a vector holds a lane
 * below 0.8, the odd polynomial there; the sign of x put back (-0 kept).
 */
static inline vf sinh_f32(vf x) {
    vf ax = vf_abs(x), a, va, b, vb, r;
    if (!vfm_any(vf_gt(ax, vf_set(80.0f)))) {
        exp_pm_f32(ax, 0, &a, &va, &b, &vb);
        r = sinh_combine(a, va, b, vb);
    } else {
        exp_pm_f32_wide(ax, &a, &va, &b, &vb);
        r = vf_mul(sinh_combine(a, va, b, vb), vf_set(0x1p64f));
    }
    vf z = vf_mul(ax, ax); /* in every vector: a branch mispredicts on mixed data (0.72 against 0.45 ns at 10M) */
    r = vf_sel(vf_lt(ax, vf_set(0.8f)), vf_mla(vf_mul(ax, z), hyp_horner(z, SINH_P32, 4), ax), r);
    return vfi_float_bits(vfi_or(vf_bits(r), vfi_and(vf_bits(x), vfi_set((int32_t)0x80000000u))));
}

/* tanh x = x + x^3 TANH_P32(x^2) for |x| <= 0.125: relative error 2^-33.6 (tools/gen_f32_coefficients.py). */
static const float TANH_P32[3] = {-0x1.b4c6ccp-5f, 0x1.110dfcp-3f, -0x1.555554p-2f};

/*
 * tanh |x| = n / d with n = e^2|x| - 1 and d = e^2|x| + 1, from e^2|x| =
 * A (1 + v) (exp32_reduce, A exact): n = nh + nl and d = dh + dl, A -+ 1
 * made exact by fast two-sums, A v joining the tails (|v| < 0.022, its
 * ~2^-29 absolute error below 2^-27 of n from |x| = 0.125 on). The
 * quotient q0 = (nh + nl) (1 / (dh + dl)) is corrected by its residual,
 * n - q0 d = (nh - q0 dh) + nl - q0 dl with q0 dh exact (vf_two_prod) and
 * nh - q0 dh exact (Sterbenz), times the same reciprocal (a ~2^-23
 * residual, so its error is second order): only the last FMA rounds at
 * full weight.
 * |x| is clamped at 9.5 (float32 tanh is 1 from 9.01 on).
 */
static inline vf tanh_quotient_f32(vf ax) {
    vfi kbits;
    vf k, y = vf_min(vf_set(9.5f), ax); /* NaN kept */
    vf r = exp32_reduce(vf_add(y, y), 0.0f, &kbits, &k);
    vf v = vf_mla(vf_mul(r, r), vf_mla(r, vf_set(EXP_R32[0]), vf_set(EXP_R32[1])),
                  vf_add(vf_lookup16(EXP2_F16_LO, kbits), r));
    vf a = exp32_scale(kbits), one = vf_set(1.0f);
    vf nh = vf_sub(a, one), dh = vf_add(a, one);
    vf nl = vf_mla(a, v, vf_sub(vf_sub(a, nh), one)); /* a >= 1 */
    vf neg_dl = vf_nmla(a, v, vf_sub(vf_sub(dh, a), one)); /* -dl, so no NaN is negated below */
    vf rcp = vf_div(one, vf_sub(dh, neg_dl));
    vf q0 = vf_mul(vf_add(nh, nl), rcp), p, e; /* within ~2^-23 of n / d */
    vf_two_prod(q0, dh, &p, &e);
    vf residual = vf_mla(q0, neg_dl, vf_add(vf_sub(vf_sub(nh, p), e), nl));
    return vf_mla(residual, rcp, q0);
}

/* tanh by the quotient above or, below 0.125, the odd polynomial; the sign of x put back (-0 kept). */
static inline vf tanh_f32(vf x) {
    vf ax = vf_abs(x);
    vf z = vf_mul(ax, ax);
    vf small = vf_mla(vf_mul(ax, z), hyp_horner(z, TANH_P32, 3), ax);
    vf r = vf_sel(vf_lt(ax, vf_set(0.125f)), small, tanh_quotient_f32(ax));
    return vfi_float_bits(vfi_or(vf_bits(r), vfi_and(vf_bits(x), vfi_set((int32_t)0x80000000u))));
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
