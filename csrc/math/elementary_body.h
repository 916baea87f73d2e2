/*
 * The elementary functions, written once over vec.h and compiled once per
 * ISA (elementary_<isa>.c defines VEC_ISA and VEC_SUFFIX, then includes
 * vec.h and this file). The algorithms are described in docs/math.md; in
 * short, every function builds its result as an unevaluated sum hi + lo of
 * two doubles (error-free transformations around a polynomial) and rounds
 * once at the end, which keeps float64 within 1 ULP with small tables at most
 * (exp's 2^(j/32), log's, the 2^(+-j/16) of sinh, cosh, tanh and expm1); float32
 * has its own float-lane algorithms (f32_body.h, pow's in pow_body.h).
 */
#include "elementary_coefficients.h"
#include "elementary_kernels.h"

#define VEC_NAME3(name, suffix) name##_##suffix
#define VEC_NAME2(name, suffix) VEC_NAME3(name, suffix)
#define VEC_NAME(name) VEC_NAME2(name, VEC_SUFFIX)

/* Cody-Waite split of ln 2: LN2_HI has 21 trailing zero bits, so k * LN2_HI is exact for |k| < 2^21. */
static const double LN2_HI = 0x1.62e42fee00000p-1;
static const double LN2_LO = 0x1.a39ef35793c76p-33;
static const double INV_LN2 = 0x1.71547652b82fep0;
/* ln2/32 split alike (LN2_HI / 32, LN2_LO / 32: exact), and 32/ln2 (INV_LN2_BY32). */
static const double LN2_32_HI = 0x1.62e42fee00000p-6;
static const double LN2_32_LO = 0x1.a39ef35793c76p-38;
static const double INV_LN2_BY32 = 0x1.71547652b82fep5;
static const double SQRT2 = 0x1.6a09e667f3bcdp0;
static const double PI_HI = 0x1.921fb54442d18p1, PI_LO = 0x1.1a62633145c07p-53;
static const double PI_2_HI = 0x1.921fb54442d18p0, PI_2_LO = 0x1.1a62633145c07p-54;

/*
 * e^(x + xt) for x in [-746, 711] and |xt| < 2^-40, rounded once at the end (used where no
 * cancellation follows: exp and pow). x = (32 k + j) ln2/32 + r with |r| <= ln2/64, so
 * e^x = 2^k 2^(j/32) e^r, 2^(j/32) = th + tl from a table and e^r - 1 = r + r^2 P(r) with P the
 * Taylor series to r^6 (error < 2^-58): y = th + (th p + tl) is e^(x + xt) / 2^k to ~0.52 ulp.
 * 2^k goes into y's exponent field by an integer add where the result stays normal.
 */
static inline vd exp_fast(vd x, vd xt) {
    vd shifted = vd_add(vd_mul(x, vd_set(INV_LN2_BY32)), vd_set(0x1.8p52)); /* 32 k + j in the low bits */
    vd kn = vd_sub(shifted, vd_set(0x1.8p52));
    vd r = vd_sub(x, vd_mul(kn, vd_set(LN2_32_HI))); /* exact */
    r = vd_add(vd_mla(kn, vd_set(-LN2_32_LO), r), xt);
    vu j = vu_and(vd_bits(shifted), vu_set(31));
    vd th = vd_lookup32(EXP2_32_HI, j), tl = vd_lookup32(EXP2_32_LO, j);
    vd p = vd_mla(vd_mul(r, r), vd_poly(r, EXP_FAST_P, 5), r);
    vd y = vd_add(th, vd_mla(th, p, tl)); /* in [0.98, 2) */
    if (!vm_any(vd_gt(vd_abs(x), vd_set(707.0)))) {
        /* ((32 k + j) - j) << 47 = k << 52 (the shifter's own bits leave the word). */
        return vu_double(vu_add(vd_bits(y), vu_shl(vu_sub(vd_bits(shifted), j), 47)));
    }
    vd jd = vd_sub(vu_double(vu_or(j, vu_set(0x4330000000000000ull))), vd_set(0x1p52));
    return vd_ldexp(y, vd_mul(vd_sub(kn, jd), vd_set(1.0 / 32.0)));
}

static inline vd exp_v(vd x) {
    vd xc = vd_min(vd_max(x, vd_set(-746.0)), vd_set(711.0));
    vd r = exp_fast(xc, vd_set(0.0));
    return vd_sel(vd_isnan(x), x, r);
}

#include "log_table_body.h"

static inline vd log_special(vd x, vd r) {
    r = vd_sel(vd_eq(x, vd_set(0.0)), vd_set(-__builtin_inf()), r);
    r = vd_sel(vd_eq(x, vd_set(__builtin_inf())), x, r);
    r = vd_sel(vd_lt(x, vd_set(0.0)), vd_set(__builtin_nan("")), r);
    return vd_sel(vd_isnan(x), x, r);
}

/* log for vectors with a lane that is not a normal finite x > 0: subnormals scaled, the rest log_special's. */
static __attribute__((noinline)) vd log_rare(vd x) {
    vm positive = vm_and(vd_gt(x, vd_set(0.0)), vd_lt(x, vd_set(__builtin_inf())));
    log_reduced p = log16_reduce(log_scaled_bits(vd_sel(positive, x, vd_set(1.0))));
    return log_special(x, log_table_fast(p, log_table_r(p), p.logctail));
}

/* log x by the table (log_table_fast); vectors with a zero, negative, subnormal, infinite or NaN lane
 * take log_rare, which gives the other lanes the same bits. */
static inline __attribute__((always_inline)) vd log_v(vd x) {
    if (!vm_all(vm_and(vd_le(vd_set(0x1p-1022), x), vd_lt(x, vd_set(__builtin_inf()))))) {
        return log_rare(x);
    }
    log_reduced p = log16_reduce(vd_bits(x));
    return log_table_fast(p, log_table_r(p), p.logctail);
}

/*
 * log1p x = log(u + e), u = 1 + x rounded and e = x - (u - 1) its rounding error (exact while u < 2^53,
 * where u - 1 is exact: Sterbenz from 1/2 to 2, both multiples of ulp(u) above, 1 + x exact below 1/2;
 * off by at most 1 beyond, 2^-53 of a log above 36), through log_table_fast with d (1 - r) added to logctail,
 * d = e invc 2^-k ~ e / u (2^-k from k's exponent bits: 0 for k >= 1023, where e / u is below 2^-1022).
 * u >= 2^-53 is normal for x > -1, and for tiny x, u = 1, r = 0 and the result is d = x. log1p x has the
 * sign of x, so or-ing it in keeps -0 and changes nothing else. Lanes outside (-1, inf) are fixed after.
 */
static inline vd log1p_v(vd x) {
    vd one = vd_set(1.0);
    vd u = vd_add(one, x);
    vd e = vd_sub(x, vd_sub(u, one));
    log_reduced p = log16_reduce(vd_bits(u));
    vd r = log_table_r(p);
    vd inv_scale = vd_max(vu_double(vu_sub(vu_set(0x3ff0000000000000ull), p.kbits)), vd_set(0.0));
    vd d = vd_mul(vd_mul(e, p.invc), inv_scale);
    vd result = vd_or_sign(log_table_fast(p, r, vd_add(p.logctail, vd_nmla(d, r, d))), x);
    if (vm_all(vm_and(vd_gt(x, vd_set(-1.0)), vd_lt(x, vd_set(__builtin_inf()))))) {
        return result;
    }
    /* -1 -> -inf, inf -> inf, below -1 -> NaN (u <= 0 there, or -inf), NaN kept */
    return log_special(vd_sel(vd_isnan(x), x, u), result);
}

static inline vd exact_residual(vd a, vd b, vd c);

/*
 * Whether every lane's ax is in [lo, hi] (NaN is not), by one compare: |ax - (lo + hi)/2| against a
 * half-width a little below (hi - lo)/2, so a lane counted in is in (the rounding of ax - mid costs far
 * less than the margin); lanes near the ends may be counted out, and then take the per-lane path.
 */
static inline int vd_all_within(vd ax, double lo, double hi) {
    vd d = vd_abs(vd_sub(ax, vd_set((lo + hi) * 0.5)));
    return vm_all(vd_le(d, vd_set((hi - lo) * 0.5 * (1.0 - 0x1p-20))));
}

/*
 * sinh, cosh, tanh, expm1: a = m ln2/16 + r for a in [-40, 711], m = 16 k + j the nearest integer to a 16/ln2
 * (j in [0, 16)), |r| <= ln2/32; ln2/16 split Cody-Waite, so a - m LN2_16_HI is exact (m < 2^21)
 * and r = that - m LN2_16_LO rounds once. Returns r, j (in the low 4 bits of a 64-bit lane) and
 * k << 52 (integer lanes, for the exponent).
 */
static const double LN2_16_HI = 0x1.62e42fee00000p-5;
static const double LN2_16_LO = 0x1.a39ef35793c76p-37;
static const double INV_LN2_BY16 = 0x1.71547652b82fep4;
static const double SINH_SERIES_MAX = 0.125, TANH_SERIES_MAX = 0.1;
/* sinh's table path (k <= 1020: qh 2^-k stays normal; tools/gen_math_coefficients.py asserts it) */
static const double SINH_TABLE_MAX = 707.0;
/* tanh_big's range (k <= 53), and the least double whose tanh rounds to 1, ln(2^55 - 1)/2 rounded up:
 * from TANH_QUOTIENT_MAX to it tanh rounds to 1 - 2^-53 (so does tanh_big(TANH_QUOTIENT_MAX)). */
static const double TANH_QUOTIENT_MAX = 18.6, TANH_ONE = 0x1.30fc1931f09cap+4;

static inline vd hyp_reduce(vd a, vd *m_out, vu *j, vu *k52) {
    vd shifted = vd_mla(a, vd_set(INV_LN2_BY16), vd_set(0x1.8p52)); /* m in the low bits */
    vd m = vd_sub(shifted, vd_set(0x1.8p52));
    vd t = vd_mla(m, vd_set(-LN2_16_HI), a); /* exact */
    *j = vd_bits(shifted); /* j = m mod 16 in the low 4 bits (the table reads mask or ignore the rest) */
    /* (16 k + j) >> 4 << 52 = k << 52 (the shifter's own bits leave the word). */
    *k52 = vu_shl(vu_shr(vd_bits(shifted), 4), 52);
    *m_out = m;
    return vd_mla(m, vd_set(-LN2_16_LO), t);
}

/* k = floor(m / 16) for hyp_reduce's m = 16 k + j (round to nearest of m/16 - 15/32, exact). */
static inline vd hyp_exponent(vd m) {
    return vd_round(vd_mla(m, vd_set(1.0 / 16.0), vd_set(-15.0 / 32.0)));
}

/*
 * hi + (lo + hi (cosh r - 1) + other sinh r) rounded once, cosh r - 1 = z HYP_EVEN(z) and sinh r =
 * r + r z HYP_ODD(z), z = r^2: the last step of cosh (hi + lo = C, other = S) and sinh (hi + lo = S,
 * other = C) below.
 */
static inline vd hyp_combine(vd r, vd hi, vd lo, vd other) {
    vd z = vd_mul(r, r);
    vd odd = vd_mla(vd_mul(r, z), vd_poly(z, HYP_ODD, 3), r);
    return vd_add(hi, vd_mla(other, odd, vd_mla(vd_mul(hi, z), vd_poly(z, HYP_EVEN, 3), lo)));
}

/*
 * cosh a for a in [0, 711]: e^a / 2 = 2^k P e^r and e^-a / 2 = 2^k Q e^-r with
 * P = 2^(j/16) / 2 = ph + pl and Q = s 2^(-j/16) / 2 = s (qh + ql), s = 2^-2k (tables HYP_POS, HYP_NEG):
 *   cosh a = 2^k (C cosh r + S sinh r), C = P + Q, S = P - Q,
 * cosh r = 1 + z HYP_EVEN(z), sinh r = O = r + r z HYP_ODD(z), z = r^2. C is the pair hi + lo and S is
 * needed to one rounding only (it multiplies O <= 0.022): y = hi + (lo + hi z HYP_EVEN(z) + S O) and the
 * result is 2^k y. s qh is exact: qh's exponent field less 2k (k <= 510 where a <= 354); ph >= s qh, so
 * hi = ph + s qh is a fast two-sum whose error (ph - hi) + s qh is exact.
 * `wide` is for vectors with a lane above 354 or NaN: s = 0 beyond (e^-a < 2^-950 e^a there)
 * and 2^k y by vd_ldexp (k from m), which overflows to inf where cosh does; other vectors put
 * k into y's exponent field with an integer add (y is normal, or k = 0).
 */
static inline vd hyp_eval(vd a, int wide) {
    vd m;
    vu j, k52;
    vd r = hyp_reduce(a, &m, &j, &k52);
    vd ph = vd_lookup16_low(HYP_POS_HI, j), pl = vd_lookup16_low(HYP_POS_LO, j);
    vu k53 = vu_add(k52, k52);
    vd qh = vd_lookup16_low(HYP_NEG_HI, j), ql = vd_lookup16_low(HYP_NEG_LO, j);
    vd qs = vu_double(vu_sub(vd_bits(qh), k53));
    vd s = vu_double(vu_sub(vu_set(0x3ff0000000000000ull), k53));
    if (wide) {
        vm beyond = vd_gt(a, vd_set(354.0));
        qs = vd_sel(beyond, vd_set(0.0), qs);
        s = vd_sel(beyond, vd_set(0.0), s);
    }
    vd hi = vd_add(ph, qs);
    vd lo = vd_mla(ql, s, vd_add(vd_add(vd_sub(ph, hi), qs), pl));
    vd y = hyp_combine(r, hi, lo, vd_sub(ph, qs));
    if (!wide) {
        return vu_double(vu_add(vd_bits(y), k52));
    }
    return vd_ldexp(y, hyp_exponent(m));
}

/*
 * sinh a for a in [0, SINH_TABLE_MAX] (wide: [0, 711], overflowing to inf where sinh does), the
 * reduction and polynomials of hyp_eval but from Gal's accurate tables, so neither half has a low part:
 * a = m ln2/16 + d_j + r, m = 16 k + j the nearest integer to a 16/ln2, d_j = SINH_D[j] (|d_j| < 2^-18)
 * chosen so that P = 2^(j/16) e^(d_j) / 2 and Q = 2^(-j/16) e^(-d_j) / 2 are doubles ph, qh to 2^-11 ulp;
 * r = (a - m LN2_16_HI) - (m LN2_16_LO + d_j), the first exact, so r rounds once, |r| < ln2/32 + 2^-18.
 * Everything is scaled by 2^k up front: ph 2^k and qs = qh 2^-k by exponent arithmetic, one shift
 * b = (16 k + j) << 48 of the shifter's bits serving both (SINH_PH / SINH_QH hold bits(ph) - (j << 48) and
 * bits(qh) + (j << 48)); qs stays normal up to SINH_TABLE_MAX (k <= 1020). Then, as in hyp_eval,
 *   sinh a = 2^k P e^r - 2^-k Q e^-r = S cosh r + C sinh r, S = ph 2^k - qs, C = ph 2^k + qs,
 * S = hi + lo exactly (a fast two-sum, ph 2^k >= qs), C to one rounding, and
 * sinh a = hi + (lo + hi z HYP_EVEN(z) + C O) rounded once. The `wide` variant scales lanes past
 * SINH_TABLE_MAX by a further 2^-64 (qs = 0 there: e^-2a < 2^-2000) and multiplies by 2^64 at the end;
 * other lanes take the same arithmetic as the narrow variant.
 */
static inline vd sinh_table(vd a, int wide) {
    vd shifted = vd_mla(a, vd_set(INV_LN2_BY16), vd_set(0x1.8p52)); /* m in the low bits */
    vd m = vd_sub(shifted, vd_set(0x1.8p52));
    vu j = vd_bits(shifted), b = vu_shl(j, 48); /* the shifter's own bits leave the word */
    vd t = vd_mla(m, vd_set(-LN2_16_HI), a);    /* exact */
    vd d, ph, qh;
    vd_lookup16_3(SINH_ROWS, SINH_D, SINH_PH, SINH_QH, j, &d, &ph, &qh);
    vd r = vd_sub(t, vd_mla(m, vd_set(LN2_16_LO), d));
    vm beyond = vd_gt(a, vd_set(SINH_TABLE_MAX));
    vu bp = wide ? vu_sub(b, vd_bits(vd_sel(beyond, vu_double(vu_set(64ull << 52)), vd_set(0.0)))) : b;
    ph = vu_double(vu_add(vd_bits(ph), bp));
    vd qs = vu_double(vu_sub(vd_bits(qh), b));
    qs = wide ? vd_sel(beyond, vd_set(0.0), qs) : qs;
    vd hi = vd_sub(ph, qs);
    vd lo = vd_sub(vd_sub(ph, hi), qs);
    vd y = hyp_combine(r, hi, lo, vd_add(ph, qs));
    return wide ? vd_mul(y, vd_sel(beyond, vd_set(0x1p64), vd_set(1.0))) : y;
}

/* hyp_eval for ax = |x| (or NaN), the wide variant only in vectors that need it; NaN x is returned. */
static inline vd hyp_eval_any(vd ax, vd x) {
    if (vm_all(vd_le(ax, vd_set(354.0)))) {
        return hyp_eval(ax, 0);
    }
    vd r = hyp_eval(vd_min(ax, vd_set(711.0)), 1);
    return vd_sel(vd_isnan(x), x, r);
}

/* |x| < SINH_SERIES_MAX: x + x^3 Q(x^2), Q a minimax fit (relative error 2^-60.1); keeps -0. */
static inline vd sinh_series(vd x) {
    vd z = vd_mul(x, x);
    return vd_mla(vd_mul(x, z), vd_poly(z, SINH_Q, 5), x);
}

/*
 * sinh_v for vectors with a lane below SINH_SERIES_MAX, past SINH_TABLE_MAX or NaN: each range for its
 * lanes (the wide sinh_table only in vectors that need it, |x| clamped to 711 where sinh has overflowed;
 * NaN x returned).
 */
static __attribute__((noinline)) vd sinh_mixed(vd x) {
    vd ax = vd_abs(x);
    vm small = vd_lt(ax, vd_set(SINH_SERIES_MAX));
    if (vm_all(small)) {
        return sinh_series(x);
    }
    vd sign = vu_double(vu_xor(vd_bits(x), vd_bits(ax)));
    vd r = vm_all(vd_le(ax, vd_set(SINH_TABLE_MAX))) ? sinh_table(ax, 0) : sinh_table(vd_min(ax, vd_set(711.0)), 1);
    r = vu_double(vu_or(vd_bits(vd_sel(vd_isnan(x), x, r)), vd_bits(sign)));
    return vm_any(small) ? vd_sel(small, sinh_series(x), r) : r;
}

/* sinh x for ax = |x| in [SINH_SERIES_MAX, SINH_TABLE_MAX]: sinh_table with x's sign bit. */
static inline vd sinh_table_signed(vd x, vd ax) {
    return vu_double(vu_or(vd_bits(sinh_table(ax, 0)), vu_xor(vd_bits(x), vd_bits(ax))));
}

/* The series below SINH_SERIES_MAX, sinh_table above: a vector runs only the ranges its lanes are in. */
static inline vd sinh_v(vd x) {
    vd ax = vd_abs(x);
    if (!vd_all_within(ax, SINH_SERIES_MAX, SINH_TABLE_MAX)) {
        return sinh_mixed(x);
    }
    return sinh_table_signed(x, ax);
}

static inline vd cosh_v(vd x) {
    return hyp_eval_any(vd_abs(x), x);
}

/* base + ph p + extra = v + ev with v = base + ph p rounded (one FMA) and ev its error plus extra (exact
 * in one FMA where base - v is, Sterbenz: |ph p| small next to base; a two-product without FMA). */
static inline void table_mla_pair(vd ph, vd p, vd base, vd extra, vd *v, vd *ev) {
#if VEC_HAS_FMA
    *v = vd_mla(ph, p, base);
    *ev = vd_add(vd_mla(ph, p, vd_sub(base, *v)), extra);
#else
    vd pp, pe;
    vd_two_prod(ph, p, &pp, &pe);
    *v = vd_add(base, pp);
    *ev = vd_add(vd_add(vd_sub(base, *v), pp), vd_add(pe, extra));
#endif
}

/* ph (1 + p) + extra as that pair with base ph: expm1's table value times e^r. */
static inline void table_times_one_plus(vd ph, vd p, vd extra, vd *v, vd *ev) {
    table_mla_pair(ph, p, ph, extra, v, ev);
}

/*
 * tanh |x| for |x| >= TANH_SERIES_MAX: N / D with D = e^y / 2 + 1/2 and N = D - 1, y = 2|x| <= 40
 * (tanh_v clamps |x| to 20, where tanh rounds to 1). y is reduced as hyp_reduce would, but from |x| with
 * halved constants: the same m (INV_LN2_BY16 times 2 is exact) and h = r/2 exactly, so y is never formed.
 * e^y / 2 = 2^k P (1 + p), P = 2^(j/16)/2 = ph + pl with ph = TANH_POS_HI / 2 a multiple of 2^-52, and
 * p = e^r - 1: p/2 = h + h^2 TANH_HALF_P(h) is EXPM1_16_P's polynomial at r, halved (bit for bit), so
 * ph p = TANH_POS_HI (p/2). With c = 2^(-k-1) (from k's bits) D / 2^k = ph + c + ph p + pl = v + ev:
 * ph + c is exact (multiples of 2^-52 below 2; past k = 52 the c lost is below 2^-53 of D where tanh
 * rounds to 1 - 2^-53 or 1), v = ph + c + ph p rounded once (in [0.49, 1.5]), ev its error
 * (table_mla_pair) plus pl (pl p < 2^-58.5 left out). N / 2^k = n + ev with n = v - 2c exact for
 * k <= 53 (both multiples of 2^-53, the difference in [0, 2)). t0 = n / v (the one division), its
 * remainder n - t0 v exact (exact_residual), and tanh = t0 + (n - t0 v + ev (1 - t0)) / (v + ev) with
 * 1 / v = 2^k (1 - t0), within 2^(k-53) relative (1 - t0 is exact, but t0's rounding is 2^-54 next to
 * 1 - t = 2^-k / v; the correction is at most half an ulp of t0, so that costs at most 0.1 ULP up to
 * k = 50 and a measured 0.1 at k = 53). For |x| <= TANH_QUOTIENT_MAX = 18.6 (k <= 53).
 */
static inline vd tanh_big(vd ax) {
    vd shifted = vd_mla(ax, vd_set(2.0 * INV_LN2_BY16), vd_set(0x1.8p52)); /* m in the low bits */
    vd m = vd_sub(shifted, vd_set(0x1.8p52));
    vd h = vd_mla(m, vd_set(-0.5 * LN2_16_LO), vd_mla(m, vd_set(-0.5 * LN2_16_HI), ax));
    vu j = vd_bits(shifted), k52 = vu_shl(vu_shr(vd_bits(shifted), 4), 52);
    vd ph2 = vd_lookup16_low(TANH_POS_HI, j), pl = vd_lookup16_low(TANH_POS_LO, j);
    vd p2 = vd_mla(vd_mul(h, h), vd_poly(h, TANH_HALF_P, 6), h); /* p/2 */
    vd c = vu_double(vu_sub(vu_set(0x3fe0000000000000ull), k52));
    vd v, ev;
    table_mla_pair(ph2, p2, vd_mla(ph2, vd_set(0.5), c), pl, &v, &ev);
    vd n = vd_sub(v, vd_add(c, c));
    vd t0 = vd_div(n, v);
    vd omt = vd_sub(vd_set(1.0), t0);
    vd rho = vd_mla(ev, omt, exact_residual(n, v, t0));
    return vd_mla(rho, vu_double(vu_add(vd_bits(omt), k52)), t0);
}

/* 0 <= a < TANH_SERIES_MAX: a + a^3 Q(a^2), Q a minimax fit (relative error 2^-60.6). */
static inline vd tanh_series(vd a) {
    vd z = vd_mul(a, a);
    return vd_mla(vd_mul(a, z), vd_poly(z, TANH_Q, 5), a);
}

/*
 * tanh |x| by the series below TANH_SERIES_MAX and tanh_big above (a vector runs only the ranges its
 * lanes are in), then the sign bit of x (which also makes tanh(-0) = -0). Vectors with a lane above
 * TANH_QUOTIENT_MAX or NaN clamp |x| to it (1 - 2^-53, tanh's rounding there), take 1 from TANH_ONE
 * on and return NaN x.
 */
static inline vd tanh_v(vd x) {
    vd ax = vd_abs(x);
    vu sign = vu_xor(vd_bits(x), vd_bits(ax));
    vm small = vd_lt(ax, vd_set(TANH_SERIES_MAX));
    if (vm_all(small)) {
        return vu_double(vu_or(vd_bits(tanh_series(ax)), sign));
    }
    int wide = !vm_all(vd_le(ax, vd_set(TANH_QUOTIENT_MAX)));
    vd r = tanh_big(wide ? vd_min(ax, vd_set(TANH_QUOTIENT_MAX)) : ax);
    r = wide ? vd_sel(vd_lt(ax, vd_set(TANH_ONE)), r, vd_set(1.0)) : r;
    r = vm_any(small) ? vd_sel(small, tanh_series(ax), r) : r;
    r = vu_double(vu_or(vd_bits(r), sign));
    return wide ? vd_sel(vd_isnan(x), x, r) : r;
}

/*
 * expm1 x for x in [-40, 36] (m = round(x 16/ln2) may be negative): with P = 2^(j/16) / 2 = ph + pl
 * and r's rounding error rl = (t - r) - m LN2_16_LO (t - r exact), e^x = 2^(k+1) P e^(r + rl) and
 * P e^(r + rl) = v + ev: v = ph + ph r (one FMA), ev its exact error (a two-product without FMA)
 * plus ph (r^2 EXPM1_16_P(r) + rl) + pl (1 + r) (pl r^2 EXPM1_16_P(r) < 2^-66 P left out).
 * w = 2^(k+1) v (exponent arithmetic: v is normal); h = w - 1 is exact for w in [1/2, 2^53]
 * (Sterbenz, then w and 1 multiples of ulp(w)), below 1/2 its error e = w - (h + 1) is exact (a fast
 * two-sum, |-1| >= w) and e = 0 above. expm1 = h + (e + 2^(k+1) ev): every piece exact but the
 * polynomial's and ev's roundings, so no cancellation; only near 0 (|x| < 2^-12, where e^x - 1 is
 * not far from its own rounding error in w) does ev come close to h. Also returns w, 2^(k+1) ev and
 * v + ev = e^x / 2^(k+1).
 */
static inline vd expm1_core(vd x, vd *w_out, vd *ew_out, vd *e_out) {
    vd m;
    vu j, k52;
    vd r = hyp_reduce(x, &m, &j, &k52);
    vd t = vd_mla(m, vd_set(-LN2_16_HI), x); /* hyp_reduce's t (the compiler shares it) */
    vd rl = vd_mla(m, vd_set(-LN2_16_LO), vd_sub(t, r));
    vd ph = vd_lookup16_low(HYP_POS_HI, j), pl = vd_lookup16_low(HYP_POS_LO, j);
    vd rest = vd_mla(ph, vd_mla(vd_mul(r, r), vd_poly(r, EXPM1_16_P, 6), rl), vd_mla(pl, r, pl));
    vd v, ev;
    table_times_one_plus(ph, r, rest, &v, &ev);
    vu k1 = vu_add(k52, vu_set(1ull << 52)); /* (k + 1) << 52 */
    vd w = vu_double(vu_add(vd_bits(v), k1));
    vd ew = vd_mul(ev, vu_double(vu_add(k1, vu_set(0x3ff0000000000000ull))));
    vd h = vd_sub(w, vd_set(1.0));
    vd e = vd_sub(w, vd_add(h, vd_set(1.0)));
    *w_out = w;
    *ew_out = ew;
    *e_out = vd_add(v, ev); /* e^x / 2^(k+1) */
    return vd_add(h, vd_add(e, ew));
}

/*
 * Vectors with a lane outside 2^-12 <= |x| <= 36 (or NaN): x below 2^-60 in magnitude (x + x^2/2 rounds
 * within 2^-8 ulp of x; keeps -0 and subnormals), the Taylor series to x^5 below 2^-12 (next term
 * < 2^-60 |x|), expm1_core's pieces as w + (ew - 1) in (36, 700] (w > 2^52: w - 1 is not exact
 * there, w and -1 a fast two-sum), e^x (vd_ldexp, overflow at 709.78) above, -1 below -40 (the core
 * at -40 already rounds to -1). Every lane inside takes the same arithmetic as in expm1_v.
 */
static __attribute__((noinline)) vd expm1_rare(vd x) {
    vd ax = vd_abs(x), w, ew, ex;
    vd r = expm1_core(vd_min(vd_max(x, vd_set(-40.0)), vd_set(36.0)), &w, &ew, &ex);
    vm above = vd_gt(x, vd_set(36.0));
    if (vm_any(above)) {
        vd xc = vd_min(x, vd_set(711.0)), m;
        expm1_core(vd_min(xc, vd_set(700.0)), &w, &ew, &ex);
        r = vd_sel(above, vd_add(w, vd_sub(ew, vd_set(1.0))), r);
        expm1_core(xc, &w, &ew, &ex);
        vu j, k52;
        hyp_reduce(xc, &m, &j, &k52);
        r = vd_sel(vd_gt(x, vd_set(700.0)), vd_ldexp(ex, vd_add(hyp_exponent(m), vd_set(1.0))), r);
    }
    vd series = vd_mla(vd_mla(vd_mla(vd_set(1.0 / 120.0), x, vd_set(1.0 / 24.0)), x, vd_set(1.0 / 6.0)), x, vd_set(0.5));
    r = vd_sel(vd_lt(ax, vd_set(0x1p-12)), vd_mla(vd_mul(x, x), series, x), r);
    r = vd_sel(vd_lt(ax, vd_set(0x1p-60)), x, r);
    return vd_sel(vd_isnan(x), x, r);
}

static inline vd expm1_v(vd x) {
    vd w, ew, ex;
    return vd_all_within(vd_abs(x), 0x1p-12, 36.0) ? expm1_core(x, &w, &ew, &ex) : expm1_rare(x);
}

/* a - b c exactly, where c is the correctly rounded a / b or sqrt a (c = b): one FMA, or two_prod.
 * Where c is only within a few ulps of a / b, a - b c rounded once (the same bits both ways). */
static inline vd exact_residual(vd a, vd b, vd c) {
#if VEC_HAS_FMA
    return vd_nmla(b, c, a);
#else
    vd p, e;
    vd_two_prod(b, c, &p, &e);
    return vd_sub(vd_sub(a, p), e);
#endif
}

/*
 * ATAN8_SCALE / b within 0.11% (relative), for normal b: a bit-pattern estimate y0 (within 5%) and one
 * step y0 + y0 (K - b y0), Newton's for 1/b with K in place of 1 (it converges to K / b, linearly
 * with ratio 1 - K: the error stays below 0.11% over every mantissa; tools/gen_math_coefficients.py).
 * No division.
 */
static inline vd atan_scaled_recip(vd b) {
    vd y0 = vu_double(vu_sub(vu_set(ATAN8_RECIP_MAGIC), vd_bits(b)));
    return vd_mla(y0, vd_nmla(b, y0, vd_set(ATAN8_SCALE)), y0);
}

/* atan's eight centres: t + ATAN8_SHIFT rounds t to a multiple of 1/8 (its ulp). */
static const double ATAN8_SHIFT = 0x1.8p49;

/*
 * The centre of atan(a / b) for a = s A (s = +-1, `negative`: s = -1), 0 <= A <= b, from
 * y = atan_scaled_recip(b): c = s k/8 with k = round(8 K A / b (1 +- 0.0011)) <= 7 (K = ATAN8_SCALE),
 * so k >= 1 only where A / b >= 1/16 and |u| <= 0.0791 below. The shifter leaves k + 8 (s < 0) in
 * the low bits: the index of atan(k/8) (s = 1) or pi/2 - atan(k/8) (s = -1) in ATAN8_HI/LO.
 */
static inline vu atan_centre(vd a, vd y, vm negative, vd *c) {
    vd shift = vd_sel(negative, vd_set(-(ATAN8_SHIFT + 1.0)), vd_set(ATAN8_SHIFT));
    vd kshift = vd_mla(a, y, shift);
    *c = vd_sub(kshift, shift);
    return vu_and(vd_bits(kshift), vu_set(15));
}

/* b + c a = hi + lo exactly, for 0 <= c a <= b where the sum's rounding error is a double (atan_quotient). */
static inline void mla_pair(vd c, vd a, vd b, vd *hi, vd *lo) {
#if VEC_HAS_FMA
    vd h = vd_mla(c, a, b);
    *lo = vd_mla(c, a, vd_sub(b, h)); /* b - h is exact (h in [b, 2b]) */
    *hi = h;
#else
    vd p, pe, h, e;
    vd_two_prod(c, a, &p, &pe);
    vd_fast_two_sum(b, p, &h, &e);
    *lo = vd_add(e, pe);
    *hi = h;
#endif
}

/* atan_quotient up to its division: the exact numerator, the denominator's pair and 1/dh. */
typedef struct {
    vd num, dh, dl, inv;
} atan_division;

static inline atan_division atan_divide(vd a, vd b, vd c) {
    atan_division d;
    d.num = exact_residual(a, b, c);
    mla_pair(c, a, b, &d.dh, &d.dl);
    d.inv = vd_div(vd_set(1.0), d.dh);
    return d;
}

/* atan_quotient after its division. */
static inline void atan_quotient_finish(atan_division d, vd low, vd *uh_out, vd *rest) {
    vd uh = vd_mul(d.num, d.inv);
    vd ul_low = vd_mla(vd_nmla(uh, d.dl, exact_residual(d.num, uh, d.dh)), d.inv, low);
    vd z = vd_mul(uh, uh);
    *rest = vd_mla(vd_mul(uh, z), vd_poly(z, ATAN8_P, 5), ul_low);
    *uh_out = uh;
}

/*
 * atan u + low = uh + rest for u = (a - c b) / (b + c a), with a, b, c from atan_centre: within
 * 2^-57.1 |u| before the caller's one rounding (docs/math.md), for b in [2^-900, 2^960] and A / b >= 2^-30,
 * or b = 1 (atan), and |low| <= 2^-50 (atan c's tail). The numerator is exact (one FMA, or
 * exact_residual's two-product: c has at most 3 significant bits and |a / b - c| <= 0.094), the
 * denominator the exact pair dh + dl, and the quotient uh + ul from one division: uh = num (1/dh),
 * ul = (num - uh dh - uh dl)(1/dh), added to low in the same rounding. atan u = uh + (uh z P(z) + ul),
 * z = uh^2 (ul z <= 2^-58.7 |u| left out), P a 5-term minimax fit on |u| <= 0.0795 (2^-58.3 relative).
 */
static inline void atan_quotient(vd a, vd b, vd c, vd low, vd *uh_out, vd *rest) {
    atan_quotient_finish(atan_divide(a, b, c), low, uh_out, rest);
}

/* th + uh + rest rounded once, where |th| >= |uh| or th = 0 (atan c >= 0.124 > 0.0791 for k >= 1). */
static inline vd atan_sum(vd th, vd uh, vd rest) {
    vd h, e;
    vd_fast_two_sum(th, uh, &h, &e);
    return vd_add(h, vd_add(e, rest));
}

#if VEC_ISA == VEC_AVX2
/* Entries j (< 32) of ATAN8_HI and ATAN8_LO from their piece-major copy: a 16-byte row per lane, lanes 0
 * and 2, 1 and 3 sharing a register, then two unpacks (4 loads and 4 shuffles for both numbers, where
 * two scalar-load lookups took 8 loads and 6 shuffles). */
static inline void atan_rows(vu j, vd *hi, vd *lo) {
    __m128i low = _mm256_castsi256_si128(j), high = _mm256_extracti128_si256(j, 1);
    __m256d even = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_load_pd(ATAN8_ROWS[_mm_cvtsi128_si64(low)])),
                                        _mm_load_pd(ATAN8_ROWS[_mm_cvtsi128_si64(high)]), 1);
    __m256d odd = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_load_pd(ATAN8_ROWS[_mm_extract_epi64(low, 1)])),
                                       _mm_load_pd(ATAN8_ROWS[_mm_extract_epi64(high, 1)]), 1);
    *hi = _mm256_unpacklo_pd(even, odd);
    *lo = _mm256_unpackhi_pd(even, odd);
}
#endif

/* atan(k/8) or pi/2 - atan(k/8) as hi + lo for atan_centre's index (its low 4 bits). */
static inline void atan_base(vu index, vd *hi, vd *lo) {
#if VEC_ISA == VEC_AVX2
    atan_rows(vu_and(index, vu_set(15)), hi, lo);
#else
    *hi = vd_lookup16_low(ATAN8_HI, index);
    *lo = vd_lookup16_low(ATAN8_LO, index);
#endif
}

/* atan2's base: atan_base's entry, plus pi/2 (rounded once in the table, entries 16-31) where x < 0. */
static inline void atan2_base(vu index, vm x_negative, vd *hi, vd *lo) {
#if VEC_ISA == VEC_AVX2
    atan_rows(vu_or(vu_and(index, vu_set(15)), vu_and(vd_bits(x_negative), vu_set(16))), hi, lo);
#else
    *hi = vd_sel(x_negative, vd_lookup16_low(ATAN8_HI + 16, index), vd_lookup16_low(ATAN8_HI, index));
    *lo = vd_sel(x_negative, vd_lookup16_low(ATAN8_LO + 16, index), vd_lookup16_low(ATAN8_LO, index));
#endif
}

/* atan_v up to its division (atan_start) and after it (atan_finish): the two stages of AVX2's pipelined loop. */
typedef struct {
    vd x, th, tl;
    atan_division d;
} atan_stage;

static inline atan_stage atan_start(vd x) {
    /* atan|x| rounds to pi/2 long before 2^600; the clamp keeps inf finite. vd_min and vd_max return
     * their second operand when one is NaN: a NaN x flows through as a (b = 1). */
    vd one = vd_set(1.0);
    vd ax = vd_min(vd_set(0x1p600), vd_abs(x));
    vm big = vd_gt(ax, one);
    /* |x| > 1: atan |x| = pi/2 - atan(1 / |x|), the minus sign carried by a = -1. */
    vd a = vd_sel(big, vd_set(-1.0), ax), b = vd_max(ax, one);
    vd c;
    atan_stage s;
    vu index = atan_centre(a, atan_scaled_recip(b), big, &c);
    atan_base(index, &s.th, &s.tl);
    s.d = atan_divide(a, b, c);
    s.x = x;
    return s;
}

static inline vd atan_finish(atan_stage s) {
    vd uh, rest;
    atan_quotient_finish(s.d, s.tl, &uh, &rest);
    return vd_or_sign(atan_sum(s.th, uh, rest), s.x); /* the sum is >= +0 */
}

static inline vd atan_v(vd x) { return atan_finish(atan_start(x)); }

/*
 * The angle of (b, a) = (|x|, |y|) folded into [0, pi/2], then reflected about pi/2 where x < 0:
 * atan(A / B) on A = min, B = max, with s = -1 (pi/2 - atan(A / B)) where a > b, negated again
 * where x < 0 (pi - ...), and pi/2 added where x < 0 (pi/2 + (pi/2 -+ ...): the table's entries 16-31,
 * atan2_base). The parts th + uh + rest (atan_sum) come from atan_centre and atan_quotient. Here b and a
 * are finite with max(a, b) in [2^-900, 2^960] and min(a, b) >= 2^-30 max(a, b) (atan2_v's rare path sees
 * to it, and replaces uh where the last fails).
 */
static inline void atan2_folded(vd a, vd b, vm x_negative, vd *th, vd *tl, vd *uh, vd *rest, vm *negative) {
    vm swap = vd_gt(a, b);
    *negative = vm_xor(swap, x_negative);
    vd mn = vd_min(a, b), mx = vd_max(b, a); /* NaN where b or a is NaN, respectively (atan2_v) */
    vd sa = vd_neg_where(*negative, mn);
    vd c;
    vu index = atan_centre(sa, atan_scaled_recip(mx), *negative, &c);
    atan2_base(index, x_negative, th, tl);
    atan_quotient(sa, mx, c, *tl, uh, rest);
}

/*
 * atan2 for the lanes atan2_folded cannot take as they are: an infinity or (0, 0) becomes a finite
 * point with the same angle, max(|y|, |x|) outside [2^-900, 2^960] is scaled by 2^-100 or 2^600,
 * quotients below 2^-30 are `tiny` (atan(A / B) rounds as A / B itself: A / B - atan(A / B) < 2^-61.6
 * A / B), and a NaN input is returned. Lanes that need none of it go through the same operations as in
 * atan2_v, so every vector gives each lane the same bits.
 */
static inline vd atan2_rare(vd y, vd x) {
    vd inf = vd_set(__builtin_inf()), one = vd_set(1.0), zero = vd_set(0.0);
    vd a = vd_abs(y), b = vd_abs(x);
    vm a_inf = vd_eq(a, inf), b_inf = vd_eq(b, inf);
    vd am = vd_sel(a_inf, one, vd_sel(b_inf, zero, a));
    vd bm = vd_sel(b_inf, one, vd_sel(a_inf, zero, b));
    bm = vd_sel(vm_and(vd_eq(am, zero), vd_eq(bm, zero)), one, bm);
    vd mx = vd_max(am, bm);
    vm big = vd_gt(mx, vd_set(0x1p960)), small = vd_lt(mx, vd_set(0x1p-900));
    vd scale = vd_sel(big, vd_set(0x1p-100), vd_sel(small, vd_set(0x1p600), one));
    vm tiny = vd_lt(vd_min(am, bm), vd_mul(mx, vd_set(0x1p-30)));
    vd th, tl, uh, rest;
    vm negative;
    atan2_folded(vd_mul(am, scale), vd_mul(bm, scale), vd_signbit(x), &th, &tl, &uh, &rest, &negative);
    if (vm_any(tiny)) {
        vd q = vd_div(vd_min(am, bm), mx);
        uh = vd_sel(tiny, vd_neg_where(negative, q), uh);
        rest = vd_sel(tiny, tl, rest);
    }
    vd r = vd_copysign(atan_sum(th, uh, rest), y);
    return vd_sel(vd_isnan(x), x, vd_sel(vd_isnan(y), y, r));
}

static inline vd atan2_v(vd y, vd x) {
    vd a = vd_abs(y), b = vd_abs(x);
    vd mn = vd_min(a, b), mx = vd_max(b, a); /* a NaN b makes mn NaN, a NaN a makes mx NaN */
    /* max in [2^-900, 2^960] and min >= 2^-30 max, checked as min >= 2^-870 (then max is too), max <=
     * 2^960 and 2^-30 max <= min: false for NaN, infinities and (0, 0), which the rare path maps. */
    vm ordinary = vm_and(vm_and(vd_le(vd_set(0x1p-870), mn), vd_le(mx, vd_set(0x1p960))),
                         vd_le(vd_mul(mx, vd_set(0x1p-30)), mn));
    if (!vm_all(ordinary)) { /* a rare vector branch */
        return atan2_rare(y, x);
    }
    vd th, tl, uh, rest;
    vm negative;
    atan2_folded(a, b, vd_lt(x, vd_set(0.0)), &th, &tl, &uh, &rest, &negative);
    return vd_or_sign(atan_sum(th, uh, rest), y); /* the angle is >= +0 */
}

/*
 * asin s = yh + yl for s in [0, 1/2] (relative error ~2^-59) where |x| <= 1/2, s = |x|, and 2 asin s
 * (`big`) otherwise, s = sqrt(z), z = (1 - |x|) / 2: 1 - |x| and the halving are exact, s is the
 * correctly rounded root, doubled by an add, and its tail 2 (z - s^2) / (2 s) comes from the exact
 * residual z - s^2 times 1/sqrt z to 3.5% (a bit-pattern estimate: no division, no Newton step).
 * asin s = s + s^3 R(s^2), R a minimax fit (12 terms) as E(z^2) + z O(z^2), z = s^2: two chains of five
 * FMAs instead of one of eleven after the square root (AVX2 acos 1.60 -> 1.25 ns in cache, AVX-512 1% less).
 * Doubling s and its tail before the polynomial scales every later step exactly by 2, so big lanes need no
 * multiply by 2 afterwards: the kernels are bound by the multiply-add pipes (about 18 of the ~36 operations
 * per vector go there) more than by the count of operations.
 */
static inline void asin_half(vd ax, vm big, vd *yh, vd *yl) {
    vd zb = vd_mla(ax, vd_set(-0.5), vd_set(0.5));
    vd s = vd_sqrt(zb);
    /* 1/sqrt z to 3.5% from the bit pattern (the classic 1/sqrt constant). */
    vd rsqrt = vu_double(vu_sub(vu_set(0x5fe6eb50c7b537a9ull), vu_shr(vd_bits(zb), 1)));
    vd sl = vd_sel(big, vd_mul(exact_residual(zb, s, s), rsqrt), vd_set(0.0));
    vd sh = vd_sel(big, vd_add(s, s), ax);
    vd z = vd_sel(big, zb, vd_mul(ax, ax));
    *yh = sh;
    *yl = vd_mla(vd_mul(sh, z), vd_poly_even_odd(z, vd_mul(z, z), ASIN_R, 12), sl);
}

/* base + (wh + wl) rounded once, the pair negated where `flip` (exactly: a sign bit), where |base_hi| >= |wh|
 * or base = 0. */
static inline vd flip_sum(vd base_hi, vd base_lo, vm flip, vd wh, vd wl) {
    vd h, e;
    vd_fast_two_sum(base_hi, vd_neg_where(flip, wh), &h, &e);
    return vd_add(h, vd_add(e, vd_add(vd_neg_where(flip, wl), base_lo)));
}

/*
 * asin |x| = |x| + ... for |x| <= 1/2, pi/2 - 2 asin s beyond; sign of x. Outside [-1, 1] z < 0
 * and its square root is NaN: NaN with the sign of x (no compare and select for it: 5% of the time).
 * A NaN x takes the |x| <= 1/2 path and stays NaN, with its sign.
 */
static inline vd asin_v(vd x) {
    vd ax = vd_abs(x);
    vm big = vd_gt(ax, vd_set(0.5));
    vd yh, yl, zero = vd_set(0.0);
    asin_half(ax, big, &yh, &yl);
    vd r = flip_sum(vd_sel(big, vd_set(PI_2_HI), zero), vd_sel(big, vd_set(PI_2_LO), zero), big, yh, yl);
    return vd_or_sign(r, x); /* r >= +0 (or NaN) */
}

/*
 * acos x = pi/2 - asin x for |x| <= 1/2, 2 asin s for x > 1/2, pi - 2 asin s for x < -1/2: the pair from
 * asin_half negated where |x| <= 1/2 and x >= 0 or |x| > 1/2 and x < 0. Outside [-1, 1] z < 0 and its
 * square root is NaN, as is every result of a NaN x (its sign bit either way: acos 2 is -NaN on x86, acos -2
 * +NaN); acos 1 = +0 + +0 = +0.
 */
static inline vd acos_v(vd x) {
    vd ax = vd_abs(x), zero = vd_set(0.0);
    vm big = vd_gt(ax, vd_set(0.5)), negative = vd_lt(x, zero), flip = vm_xor(big, vd_le(zero, x));
    vd yh, yl;
    asin_half(ax, big, &yh, &yl);
    vd base_hi = vd_sel(big, vd_sel(negative, vd_set(PI_HI), zero), vd_set(PI_2_HI));
    vd base_lo = vd_sel(big, vd_sel(negative, vd_set(PI_LO), zero), vd_set(PI_2_LO));
    /* flip: |x| <= 1/2 and x >= 0, or |x| > 1/2 and x < 0. No |r| for NaN's sign: 2.5% of the time */
    return flip_sum(base_hi, base_lo, flip, yh, yl);
}

/* --------------------------------------------------------------- loops */

#include "vec32.h"
#include "f32_body.h"

/* float64 lanes use fn##_v, float32 lanes fn##_f32 (float32 lanes, f32_body.h). */
#define UNARY_LOOPS_F32(fn)                              \
    VEC_UNARY_LOOP64(VEC_NAME(rt_vm_##fn##_f64), fn##_v) \
    VF_UNARY_LOOP(VEC_NAME(rt_vm_##fn##_f32), fn##_f32)

UNARY_LOOPS_F32(exp)
UNARY_LOOPS_F32(expm1)
UNARY_LOOPS_F32(log)
UNARY_LOOPS_F32(log1p)
#if VEC_ISA == VEC_AVX2
/* AVX2: two vectors per iteration where both take the table path alone (their latencies overlap). The tail
 * stays in this function (VEC_UNARY_TAIL64): handing it to a VEC_UNARY_LOOP64 function, inlined or not,
 * made the loop 5-7% slower in cache (code layout). */
VF_UNARY_LOOP(VEC_NAME(rt_vm_sinh_f32), sinh_f32)
void VEC_NAME(rt_vm_sinh_f64)(const double *x, int64_t n, double *out) {
    int64_t i = 0;
    for (; i + 2 * VL <= n; i += 2 * VL) {
        vd x0 = vd_load(x + i), x1 = vd_load(x + i + VL);
        vd a0 = vd_abs(x0), a1 = vd_abs(x1);
        if (vd_all_within(a0, SINH_SERIES_MAX, SINH_TABLE_MAX) &&
            vd_all_within(a1, SINH_SERIES_MAX, SINH_TABLE_MAX)) {
            vd r0 = sinh_table_signed(x0, a0), r1 = sinh_table_signed(x1, a1);
            vd_store(out + i, r0);
            vd_store(out + i + VL, r1);
        } else {
            vd_store(out + i, sinh_v(x0));
            vd_store(out + i + VL, sinh_v(x1));
        }
    }
    for (; i + VL <= n; i += VL) {
        vd_store(out + i, sinh_v(vd_load(x + i)));
    }
    VEC_UNARY_TAIL64(sinh_v)
}
#else
UNARY_LOOPS_F32(sinh)
#endif
UNARY_LOOPS_F32(cosh)
UNARY_LOOPS_F32(tanh)
UNARY_LOOPS_F32(asin)
UNARY_LOOPS_F32(acos)
#if VEC_ISA == VEC_AVX2
VF_UNARY_LOOP(VEC_NAME(rt_vm_atan_f32), atan_f32)
VEC_PIPELINED_LOOP64(VEC_NAME(rt_vm_atan_f64), atan_stage, atan_start, atan_finish, atan_v)
#else
UNARY_LOOPS_F32(atan)
#endif

void VEC_NAME(rt_vm_atan2_f64)(const double *y, const double *x, int64_t n, double *out) {
    int64_t i = 0;
    for (; i + VL <= n; i += VL) {
        vd_store(out + i, atan2_v(vd_load(y + i), vd_load(x + i)));
    }
    if (i < n) {
        double by[VL] = {0}, bx[VL] = {0};
        __builtin_memcpy(by, y + i, (size_t)(n - i) * sizeof(double));
        __builtin_memcpy(bx, x + i, (size_t)(n - i) * sizeof(double));
        vd_store(by, atan2_v(vd_load(by), vd_load(bx)));
        __builtin_memcpy(out + i, by, (size_t)(n - i) * sizeof(double));
    }
}

VF_BINARY_LOOP(VEC_NAME(rt_vm_atan2_f32), atan2_f32)

#include "pow_body.h"
