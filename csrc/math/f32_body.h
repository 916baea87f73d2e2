/*
 * Native float32 kernels over vec32.h: float lanes (16 per AVX-512 vector,
 * 4 per wasm simd128 one), float32 polynomials. Each result is built as a
 * head plus a small correction that round once at the end. The kernels use
 * vf_mla (vec32.h: fused natively, two roundings in wasm) and stay within
 * 1 ULP both ways; those that don't give the same bits on every ISA.
 * Included by elementary_body.h; docs/math.md describes the algorithms and
 * their measured error.
 */

/* ln 2 = LN2_HI32 + LN2_LO32 + ~5.5e-14: LN2_HI32 has 15 significant bits, so k * LN2_HI32 is exact for |k| < 512. */
static const float LN2_HI32 = 0x1.62e4p-1f;
static const float LN2_LO32 = 0x1.7f7d1cp-20f;

/* r >= +0 with the sign bit of s. */
static inline vf vf_or_sign(vf r, vf s) {
    return vfi_float_bits(vfi_or(vf_bits(r), vfi_and(vf_bits(s), vfi_set((int32_t)0x80000000u))));
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

/* lo + (e^r - 1), lo the table's relative error for kbits (e^x = A (1 + this)), with r joining lo first. */
static inline vf exp32_tail(vf r, vfi kbits) {
    return vf_mla(vf_mul(r, r), vf_mla(r, vf_set(EXP_R32[0]), vf_set(EXP_R32[1])),
                  vf_add(vf_lookup16(EXP2_F16_LO, kbits), r));
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

/*
 * log1p r = r + r^2 P(r) for |r| <= 0.044272 (log and log1p's 16 subintervals): a minimax fit
 * (tools/gen_f32_coefficients.py), highest degree first, relative error 2^-28.7 against log1p r after
 * rounding the coefficients to float32.
 */
static const float LOG1P16_P32[4] = {0x1.9a8cbp-3f, -0x1.006adp-2f, 0x1.55553ep-2f, -0x1.fffff2p-2f};

/*
 * r = z invc - 1 exactly: pow_table.h's LOG16_INVC32 have 5 significant bits and |r| < 2^-4.49 (log, log1p
 * and pow's 16 subintervals), so r is a multiple of 2^-28 that fits in 24 bits. With FMA
 * one rounding (of the exact value) gives it; without, z splits into an 18-bit head and a 6-bit tail whose
 * products with invc are exact, and the head's product minus 1 is exact (Sterbenz), so the one rounding of
 * the last sum is again of the exact value: the same bits both ways.
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
 * z in [OFF, 2 OFF) split into 16 subintervals (LOG16_*32: log, log1p and pow) by the top 4 mantissa bits of
 * ix = bits(x) - bits(OFF): one vpermps per table on AVX-512, two permutes and a blend on AVX2 (a 32-entry
 * table took four and three). r = z invc - 1 exact, a = k LN2_HI32 + logc_hi exact (both terms are multiples
 * of 2^-15 below 2^7) and lo = k LN2_LO32 + logc_lo rounded once (|lo| < 2^-11). Returns r, with invc and
 * k's exponent bits (k << 23).
 */
static inline vf log16_f32_reduce(vf x, vfi koff, vf *a, vf *lo, vf *invc, vfi *kbits) {
    vfi ix = vfi_sub(vf_bits(x), vfi_set(POW_OFF32));
    vfi index = vfi_sar(ix, 23 - 4); /* vf_lookup16 reads the low 4 bits */
    vf k = vfi_to_float(vfi_add(vfi_sar(ix, 23), koff));
    *kbits = vfi_and(ix, vfi_set((int32_t)0xff800000u));
    *invc = vf_lookup16(LOG16_INVC32, index);
    *a = vf_mla(k, vf_set(LN2_HI32), vf_lookup16(LOG16_LOGC_HI32, index));
    *lo = vf_mla(k, vf_set(LN2_LO32), vf_lookup16(LOG16_LOGC_LO32, index));
    return log_f32_r(vfi_float_bits(vfi_sub(vf_bits(x), *kbits)), *invc);
}

/* Subnormal lanes of x scaled by 2^23, with koff = -23 there (0 elsewhere), for log16_f32_reduce. */
static inline vf log_f32_scale_subnormals(vf x, vfi *koff) {
    vfm sub = vf_lt(x, vf_set(0x1p-126f));
    *koff = vf_bits(vf_sel(sub, vfi_float_bits(vfi_set(-23)), vf_set(0.0f)));
    return vf_sel(sub, vf_mul(x, vf_set(0x1p23f)), x);
}

/*
 * log x = s + tail in float lanes (log16_f32_reduce's terms): log1p r = r + r^2 P(r), and a + r is a fast
 * two-sum (a = 0, or its exponent is at least r's: tools/gen_pow_table.py asserts it per subinterval) whose
 * error joins tail = r^2 P(r) + lo. |tail| < 2^-10, so the two final roundings cost ~0.5 ULP and the rest
 * (P's 2^-28.7, the tail's roundings) ~0.15. For log1p the caller adds a correction d (1 - r) for x + e, d = e invc 2^-k
 * (inv_scale = 2^-k, 0 for k = 127 and -inf for k = 128).
 */
static inline vf log_f32_parts(vf x, vfi koff, vf *tail, vf *r_out, vf *invc, vf *inv_scale) {
    vf a, lo;
    vfi kbits;
    vf r = log16_f32_reduce(x, koff, &a, &lo, invc, &kbits);
    vf s, e;
    vf_fast_two_sum(a, r, &s, &e);
    vf p = vf_poly_mla(r, LOG1P16_P32, 4);
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
static inline __attribute__((always_inline)) vf log_f32(vf x) {
    if (!log_f32_any_outside(x, 0x1.fffffep-127f)) {
        return log_f32_normal(x, vfi_set(0));
    }
    vfi koff;
    vf xs = log_f32_scale_subnormals(x, &koff);
    return log_f32_special(x, log_f32_normal(xs, koff));
}

/*
 * log1p x = log(u + e), u = 1 + x rounded and e its rounding error, through log_f32_parts with d = e / u ~
 * e invc 2^-k (1 - r). e = x - (u - 1) is exact while u < 2^24 (u - 1 is exact there: Sterbenz from 1/2 to 2,
 * both multiples of ulp(u) above, and 1 + x is exact below 1/2) and off by at most 1 beyond, where
 * e / u < 2^-24 of a log >= 16.6. u >= 2^-24 for x > -1, so u is normal; for tiny x, u = 1, r = 0 and the
 * result is d = x. log1p x has the sign of x, so or-ing it in keeps -0 and changes nothing else.
 */
static inline vf log1p_f32(vf x) {
    vf one = vf_set(1.0f);
    vf u = vf_add(one, x);
    vf e = vf_sub(x, vf_sub(u, one));
    vf tail, r, invc, inv_scale;
    vf s = log_f32_parts(u, vfi_set(0), &tail, &r, &invc, &inv_scale);
    vf d = vf_mul(vf_mul(e, invc), vf_max(inv_scale, vf_set(0.0f))); /* 0 for k >= 127, where e / u < 2^-126 */
    vf result = vf_or_sign(vf_add(s, vf_add(tail, vf_nmla(d, r, d))), x);
    return log_f32_any_outside(x, -1.0f) ? log_f32_special(u, result) : result;
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
    vf v = exp32_tail(r, kbits);
    vf nh, nl;
    vf_two_sum(a, vf_set(-1.0f), &nh, &nl);
    vf big = vf_add(nh, vf_mla(a, v, nl));
    vf small = vf_mla(vf_mul(x, x), vf_poly_mla(x, EXPM1_Q32, 5), x);
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
    r = vf_sel(vf_lt(ax, vf_set(0.8f)), vf_mla(vf_mul(ax, z), vf_poly_mla(z, SINH_P32, 4), ax), r);
    return vf_or_sign(r, x); /* r >= +0 */
}

/*
 * tanh |x| piecewise (tools/gen_f32_coefficients.py, tanh_pieces): 16 pieces, read by vf_lookup16 (one permute
 * on AVX-512, two and a blend on AVX2) at slot (bits >> 22) mod 16 of u = max(|x|, 2|x| - 4) raised to 2^-4:
 * half octaves of u (the exponent's low 3 bits and the top mantissa bit), so half octaves of |x| up to 4, and
 * [4, 5), [5, 6), [6, 8), [8, 9.5] above (2|x| - 4 is exact there: e^-2|x| needs the narrower pieces), piece 0
 * = [0, 0x1.8p-4) at slot 6. Rows: the centre b (a multiple of the piece's ulp, so y = |x| - b is exact), the
 * head C0, then Q's 6 coefficients, highest degree first. tanh = h + y Q(y) with h = min(C0, |x|): C0 = tanh b
 * rounded (b chosen so that tanh b is within 0.01 ULP of it, and C0 at most the piece's lower end, so h = C0),
 * or for piece 0, b = 0 and C0 = inf, so h = |x| and tanh x = x + x Q(x) keeps its relative accuracy down to
 * the subnormals. Fit error <= 0.14 ULP; with Q's roundings (|y Q| < ~1/4 of the result) and the last
 * rounding, at most 1 ULP over every float32, fused or not (docs/math.md).
 */
/* tanh's pieces: fit error at most 0.139 ULP before the kernel's roundings */
static const float TANH_PIECES32[8][16] = {
    {0x1.3ffd9p+1f, 0x1.bfdd1p+1f, 0x1.2002d8p+2f, 0x1.600618p+2f, 0x1.bfe6p+2f, 0x1.156b22p+3f, 0x0p+0f, 0x1.81073p-4f, 0x1.01191p-3f, 0x1.848b7p-3f, 0x1.0566p-2f, 0x1.9395ep-2f, 0x1.192bep-1f, 0x1.bffbfp-1f, 0x1.400a9p+0f, 0x1.bfe87p+0f},
    {0x1.f9254p-1f, 0x1.ff10aap-1f, 0x1.ffdfaap-1f, 0x1.fffbap-1f, 0x1.ffffc8p-1f, 0x1.fffffep-1f, __builtin_inff(), 0x1.7fe5e4p-4f, 0x1.ff82f8p-4f, 0x1.7ff2fcp-3f, 0x1.ffbabep-3f, 0x1.7fe8f6p-2f, 0x1.ffe3d4p-2f, 0x1.686444p-1f, 0x1.b25828p-1f, 0x1.e1f69cp-1f},
    {-0x1.6cfa56p-11f, -0x1.4ac26p-13f, -0x1.7ae0b4p-16f, -0x1.2efab4p-19f, -0x1.6cc964p-23f, 0x1.c2db9cp-25f, -0x1.e0252ep-7f, -0x1.e3697ap+4f, -0x1.368a6ep+0f, -0x1.000d82p+2f, 0x1.9ab8bp-5f, 0x1.1baeaep-5f, -0x1.a37eecp-6f, 0x1.d2de3ap-7f, 0x1.ecf892p-7f, 0x1.12e5b2p-9f},
    {0x1.7a6ac6p-9f, 0x1.01985p-11f, 0x1.1e37p-14f, 0x1.32ee78p-17f, 0x1.16fde4p-21f, 0x1.2fee26p-26f, 0x1.1417b2p-3f, 0x1.42ecaap+1f, 0x1.46b35ep-2f, 0x1.7fc4dep-1f, 0x1.f371bcp-6f, -0x1.8df7bp-7f, -0x1.5ef44ep-5f, -0x1.e2667p-5f, -0x1.42606ep-6f, 0x1.c82aep-9f},
    {-0x1.07e066p-7f, -0x1.3a8dd4p-10f, -0x1.580012p-13f, -0x1.7aaddp-16f, -0x1.278e9ep-20f, -0x1.ac23fp-24f, -0x1.191c38p-14f, -0x1.f8207p-9f, 0x1.134176p-4f, 0x1.348466p-4f, 0x1.2b5a8p-3f, 0x1.5e45f2p-3f, 0x1.404912p-3f, 0x1.f1d10cp-5f, -0x1.9cc04ep-7f, -0x1.818702p-6f},
    {0x1.16db48p-6f, 0x1.3cc856p-9f, 0x1.5845cp-12f, 0x1.752ad6p-15f, 0x1.25ffa4p-19f, 0x1.50309cp-24f, -0x1.5554fep-2f, -0x1.48c642p-2f, -0x1.3fedc8p-2f, -0x1.259dbp-2f, -0x1.044f36p-2f, -0x1.5353bep-3f, -0x1.005bfp-4f, 0x1.4f11bap-4f, 0x1.bbabaep-4f, 0x1.01e448p-4f},
    {-0x1.ade9f8p-6f, -0x1.dd5df8p-9f, -0x1.02982ap-11f, -0x1.17d47ap-14f, -0x1.bfd806p-19f, -0x1.b82366p-24f, -0x1.0c2a8cp-27f, -0x1.7c86b6p-4f, -0x1.f78cc2p-4f, -0x1.7278aep-3f, -0x1.dfc5ep-3f, -0x1.49f316p-2f, -0x1.7ff908p-2f, -0x1.6ba9b8p-2f, -0x1.e70db2p-3f, -0x1.b71f7ap-4f},
    {0x1.b3c0a4p-6f, 0x1.de3e78p-9f, 0x1.02a918p-11f, 0x1.17fd82p-14f, 0x1.c0409ap-19f, 0x1.fb0148p-24f, 0x0p+0f, 0x1.fb809cp-1f, 0x1.f803e8p-1f, 0x1.ee0138p-1f, 0x1.e008a8p-1f, 0x1.b808a4p-1f, 0x1.800e16p-1f, 0x1.0252ecp-1f, 0x1.1f10f2p-2f, 0x1.d27d64p-4f},
};

static const float TANH_BOTTOM32 = 0x1p-4f, TANH_STEP32 = 5.0f, TANH_TOP32 = 9.5f; /* float32 tanh is 1 from 9.01 on */

/*
 * The slot of |x| <= 9.5 (not NaN): (bits >> 22) of u = max(|x|, 2|x| - 4) raised to 2^-4, which is that of
 * |x| raised, plus one from |x| = 5 on (2|x| - 4 is in [6, 8) from 5 to 6, [8, 12) to 8, [12, 15] beyond: one
 * half octave above |x|'s each time): a compare and an add (a masked add on AVX-512, the mask subtracted on AVX2).
 */
static inline __attribute__((always_inline)) vfi tanh_slot(vf ax) {
    vfi raised = vfi_sar(vf_bits(vf_max(ax, vf_set(TANH_BOTTOM32))), 22);
#if VEC_ISA == VEC_AVX512
    return _mm512_mask_add_epi32(raised, _mm512_cmp_ps_mask(ax, vf_set(TANH_STEP32), _CMP_GE_OQ), raised, vfi_set(1));
#elif VEC_ISA == VEC_AVX2
    return vfi_sub(raised, _mm256_castps_si256(_mm256_cmp_ps(ax, vf_set(TANH_STEP32), _CMP_GE_OQ)));
#else
    vf one_bit = vf_sel(vf_lt(ax, vf_set(TANH_STEP32)), vf_set(0.0f), vf_set(0x1p-126f)); /* bits 0 or 1 << 23 */
    return vfi_add(raised, vfi_sar(vf_bits(one_bit), 23));
#endif
}

/* tanh by its pieces, the sign of x put back (-0 kept); |x| clamped at 9.5 (NaN kept: y is NaN). */
static inline __attribute__((always_inline)) vf tanh_f32(vf x) {
    vf ax = vf_min(vf_set(TANH_TOP32), vf_abs(x)), c[8];
    vfi slot = tanh_slot(ax);
    for (int k = 0; k < 8; k++) {
        c[k] = vf_lookup16(TANH_PIECES32[k], slot);
    }
    vf y = vf_sub(ax, c[0]);
    vf q = c[2];
    for (int k = 3; k < 8; k++) {
        q = vf_mla(q, y, c[k]);
    }
    return vf_or_sign(vf_mla(y, q, vf_min(c[1], ax)), x); /* >= +0 before the sign */
}

/* ------------------------------------------------------ atan, atan2, asin, acos */

/* max relative error of u + u^3 ATAN_Q32(u^2) against atan u over |u| <= 0.6016: 2.89e-9 (2^-28.4) (tools/gen_f32_coefficients.py) */
static const float ATAN_Q32[6] = {
    0x1.e2ada6p-6f, -0x1.28052ep-4f, 0x1.b6b0c8p-4f, -0x1.23a348p-3f, 0x1.998cd4p-3f, -0x1.555538p-2f,
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

/* 1/x within 5.1% for normal x, from the bit pattern: bits(RECIP_MAGIC32 - bits(x)) */
static const int32_t RECIP_MAGIC32 = 0x7ef311c3;

/*
 * mh + atan(uh) + low rounded once, for |uh| <= 0.6016 (ATAN_Q32's range), mh = m PI_4_H21 (m in
 * {0, ..., 4}, exact) with mh + uh >= 0, and low a correction below ~2^-22 (m PI_4_L21 and, for
 * atan2, the quotient's tail). atan uh = uh + uh z Q(z), z = uh^2; mh + uh is summed exactly (a
 * fast two-sum: mh >= 0.78 > |uh| or mh = 0) and meets the polynomial and low in the last rounding.
 */
static inline vf atan_sum_f32(vf uh, vf low, vf mh) {
    vf z = vf_mul(uh, uh);
    vf q = vf_poly_mla(z, ATAN_Q32, 6);
    vf rest = vf_mla(vf_mul(uh, z), q, low);
    vf h, e;
    vf_fast_two_sum(mh, uh, &h, &e);
    return vf_add(h, vf_add(e, rest));
}

/* m PI_4_L21 from mh = m PI_4_H21 (to ~2^-47: far below the result's ulp) */
static inline vf atan_offset_lo_f32(vf mh) { return vf_mul(mh, vf_set(PI_4_L21 / PI_4_H21)); }

/*
 * atan |x| = atan |x| (m = 0) for |x| <= ~0.6016, pi/4 + atan((|x| - 1) / (|x| + 1)) (m = 1) for
 * |x| up to ~1.797, pi/2 - atan(1 / |x|) (m = 2) beyond, with the sign of x: one division, and no
 * tail for it. Where m = 0 the quotient |x| / 1 is exact; where m = 1 |u| <= 1/4 and the result is
 * above 0.54, and where m = 2 the result is above 1, so the quotient's rounding and |x| + 1's cost
 * at most ~0.35 of the result's ulp (docs/math.md). The centre test, a + a > b + 13/64 on
 * a = min(|x|, 1), b = max(|x|, 1), takes adds. A NaN x flows through as a (vf_min and vf_max
 * return their second operand when one is NaN); an infinite |x| gives u = -0 and pi/2.
 */
static inline vf atan_f32(vf x) {
    vf one = vf_set(1.0f), zero = vf_set(0.0f);
    vf ax = vf_abs(x);
    vfm big = vf_gt(ax, one);
    vf a = vf_min(one, ax), b = vf_max(ax, one);
    vfm centre = vf_gt(vf_add(a, a), vf_add(b, vf_set(0.203125f)));
    vf num = vf_sel(centre, vf_sub(ax, one), vf_sel(big, vf_set(-1.0f), a));
    vf den = vf_sel(centre, vf_add(b, a), b);
    vf mh = vf_sel(centre, vf_set(PI_4_H21), vf_sel(big, vf_set(2 * PI_4_H21), zero));
    vf r = atan_sum_f32(vf_div(num, den), atan_offset_lo_f32(mh), mh);
    return vf_or_sign(r, x); /* r >= +0 */
}

/* atan2's centre: min(a, b) > ATAN2_CENTRE32 max(a, b), as atan's (|u| <= 0.6016 elsewhere, results >= 0.54 there) */
static const float ATAN2_CENTRE32 = 0.6015625f;

/*
 * atan2(|y|, x) for a = |y|, b = |x|, mn = min(a, b), mx = max(a, b), s = a + b below 2^100 and
 * mn above 2^-100 or the quotient exact (b = 1 or a = 1: atan2_rare_f32's tiny quotients), so
 * that every denominator is normal and below 2^100 and the residuals below are exact, as
 * k pi/4 + atan u with |u| <= 0.6016 (ATAN_Q32's range, atan's regions): where mn > 0.6016 mx
 * (the centre) u = sigma (mn - mx) / s and k = 1 (x > 0) or 3; elsewhere u = sigma mn / mx and
 * k = 0, 2 (a > b: the swap) or 4 (x < 0, no swap), 4 - k where x < 0. sigma = +-1 is the sign
 * of x, negated by the swap, so the numerators are ys = copysign(a, x), -x and ys - x, each exact
 * (Sterbenz for the last). The quotient is rounded once by the division; its tail
 * (num - uh den) / (den (1 + uh^2)) (atan's slope), from the exact residual times
 * 1/(den + num uh) to 5.1% (RECIP_MAGIC32), joins the low part: it matters where u and atan u fall
 * in different binades. The centre's results are above 0.54 (|u| <= 0.249), so s's rounding
 * (up to 2^-24 relative) costs at most ~0.24 of their ULP and is not carried. k pi/4's 21-bit
 * head (exact for k <= 4) is summed with uh exactly (a fast two-sum by FMAs: k PI_4_H21 >= |uh|
 * or k = 0); its tail k PI_4_L21, the quotient's tail and the polynomial meet in the last rounding.
 */
static inline vf atan2_folded_f32(vf a, vf b, vf mn, vf mx, vf s, vf x) {
    vf zero = vf_set(0.0f), pi4h = vf_set(PI_4_H21);
    vfm swap = vf_gt(a, b), centre = vf_gt(mn, vf_mul(mx, vf_set(ATAN2_CENTRE32)));
    vf ys = vf_or_sign(a, x);
    vf num = vf_sel(centre, vf_sub(ys, x), vf_sel(swap, vf_sub(zero, x), ys));
    vf den = vf_sel(centre, s, mx);
    vf k = vf_sel(centre, vf_set(1.0f), vf_sel(swap, vf_set(2.0f), zero));
    k = vf_sel(vf_lt(x, zero), vf_sub(vf_set(4.0f), k), k);
    vf uh = vf_div(num, den);
    vf z = vf_mul(uh, uh);
    vf t = vf_exact_residual(num, den, uh);
    vf inv = vfi_float_bits(vfi_sub(vfi_set(RECIP_MAGIC32), vf_bits(vf_mla(num, uh, den))));
    vf h = vf_mla(k, pi4h, uh);
    vf low = vf_sub(uh, vf_nmla(k, pi4h, h)); /* k pi/4 + uh - h, exact */
    low = vf_mla(k, vf_set(PI_4_L21), low);
    low = vf_mla(t, inv, low);
    vf q = vf_poly_mla(z, ATAN_Q32, 6);
    return vf_add(h, vf_mla(vf_mul(uh, z), q, low));
}

/*
 * the lanes atan2_folded_f32 takes as they are: false for a NaN, an infinity, a zero,
 * min(a, b) <= 2^-100 or a + b >= 2^100 (vf_exact_residual's Dekker product, in wasm, needs
 * its factors below 2^100)
 */
static inline vfm atan2_ordinary_f32(vf mn, vf s) {
    return vfm_and(vf_lt(s, vf_set(0x1p100f)), vf_gt(mn, vf_set(0x1p-100f)));
}

/*
 * atan2 for vectors with a lane atan2_folded_f32 cannot take as it is. Such a lane becomes a
 * point with the same angle that it can: an infinity or (0, 0) a finite point, max(|y|, |x|)
 * outside [2^-60, 2^60] is scaled by 2^-100 or 2^100, and a quotient A / B below 2^-30 is
 * divided out first and taken as the point (1, A / B) (its atan rounds as A / B itself, and B = 1
 * makes the quotient exact); a NaN input is returned. The other lanes go through as they are, so
 * that a lane's result never depends on its neighbours.
 */
static __attribute__((noinline)) vf atan2_rare_f32(vf y, vf x) {
    vf a = vf_abs(y), b = vf_abs(x), zero = vf_set(0.0f), one = vf_set(1.0f), inf = vf_set(__builtin_inff());
    vfm ordinary = atan2_ordinary_f32(vf_min(a, b), vf_add(a, b));
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
    vf as = vf_sel(ordinary, a, vf_sel(tiny, vf_sel(swap, one, q), vf_mul(am, scale)));
    vf bs = vf_sel(ordinary, b, vf_sel(tiny, vf_sel(swap, q, one), vf_mul(bm, scale)));
    vf r = atan2_folded_f32(as, bs, vf_min(as, bs), vf_max(as, bs), vf_add(as, bs), vf_or_sign(bs, x));
    r = vf_or_sign(r, y);
    return vf_sel(vf_isnan(x), x, vf_sel(vf_isnan(y), y, r));
}

static inline __attribute__((always_inline)) vf atan2_f32(vf y, vf x) {
    vf a = vf_abs(y), b = vf_abs(x), mn = vf_min(a, b), s = vf_add(a, b);
    vf r = vf_or_sign(atan2_folded_f32(a, b, mn, vf_max(a, b), s, x), y); /* the angle is >= +0 */
    if (vfm_any(vfm_not(atan2_ordinary_f32(mn, s)))) { /* a rare vector branch */
        return atan2_rare_f32(y, x);
    }
    return r;
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
