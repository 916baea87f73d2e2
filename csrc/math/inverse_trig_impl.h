/*
 * asin, acos, atan, atan2 on LANES doubles: included once per instruction
 * set by inverse_trig.c, after lanes.h. See inverse_trig.c for the method.
 */

/* Constants as double-double pairs (hi, lo), from mpmath at 50 digits. */
#define PIO2_HI 0x1.921fb54442d18p+0
#define PIO2_LO 0x1.1a62633145c07p-54
#define PI_HI 0x1.921fb54442d18p+1
#define PI_LO 0x1.1a62633145c07p-53

/*
 * atan(u) as a double-double, for u = uh + ul >= 0 (uh may be +inf, ul
 * tiny next to uh). Reduction: atan(u) = atan(c) + atan((u - c) / (1 + c u))
 * with c in {0, 1/2, 1, 3/2, inf} chosen by the breakpoints 7/16, 11/16,
 * 19/16, 39/16, so the reduced t has |t| <= 7/16; t is formed as a
 * double-double (u - c is exact by Sterbenz's lemma in each interval).
 */
KERNEL void LN(atan_dd)(vd uh, vd ul, vd *rh, vd *rl) {
    vl huge = uh > 0x1p60; /* atan(u) rounds to pi/2 beyond 2^60; also keeps inf out */
    uh = LN(vsel)(huge, LN(vsplat)(0x1p60), uh);
    ul = LN(vsel)(huge, LN(vsplat)(0.0), ul);
    vl r1 = uh >= 0.4375, r2 = uh >= 0.6875, r3 = uh >= 1.1875, r4 = uh >= 2.4375;
    const vd zero = LN(vsplat)(0.0), one = LN(vsplat)(1.0);
    /* t = (a*u - b) / (g*u + e): (1, c, c, 1) for finite c, (0, 1, 1, 0) for c = inf. */
    vd a = LN(vsel)(r4, zero, one);
    vd b = LN(vsel)(r4, one, LN(vsel)(r3, LN(vsplat)(1.5), LN(vsel)(r2, one, LN(vsel)(r1, LN(vsplat)(0.5), zero))));
    vd g = LN(vsel)(r4, one, LN(vsel)(r1, b, zero));
    vd e = LN(vsel)(r4, zero, one);
    vd ch = LN(vsel)(r4, LN(vsplat)(PIO2_HI),
             LN(vsel)(r3, LN(vsplat)(0x1.f730bd281f69bp-1),
             LN(vsel)(r2, LN(vsplat)(0x1.921fb54442d18p-1),
             LN(vsel)(r1, LN(vsplat)(0x1.dac670561bb4fp-2), zero))));
    vd cl = LN(vsel)(r4, LN(vsplat)(PIO2_LO),
             LN(vsel)(r3, LN(vsplat)(0x1.007887af0cbbdp-56),
             LN(vsel)(r2, LN(vsplat)(0x1.1a62633145c07p-55),
             LN(vsel)(r1, LN(vsplat)(0x1.a2b7f222f65e2p-56), zero))));

    vd nh = a * uh - b; /* exact */
    vd nl = a * ul;
    vd p, pe, dh, de;
    LN(two_prod)(g, uh, &p, &pe);
    LN(two_sum)(p, e, &dh, &de);
    vd dl = de + (pe + g * ul);

    vd th = nh / dh;
    vd q, qe;
    LN(two_prod)(th, dh, &q, &qe);
    vd tl = (((nh - q) - qe) + (nl - th * dl)) / dh;

    vd z = th * th;
    vd corr = th * z * LN(vpoly)(z, ATAN_P, (int)(sizeof ATAN_P / sizeof ATAN_P[0]));
    vd s, se;
    LN(two_sum)(ch, th, &s, &se);
    LN(fast_two_sum)(s, se + (cl + (tl + corr)), rh, rl);
}

KERNEL vd LN(atan_core)(vd x) {
    vd h, l;
    LN(atan_dd)(LN(vabs)(x), LN(vsplat)(0.0), &h, &l);
    return LN(vcopysign)(h + l, x); /* NaN stays NaN: it takes the first region */
}

/*
 * asin(s) = s + s*z*P(z) with z = s*s <= 1/4, as a double-double for s =
 * sh + sl (sl tiny). The caller reduces |x| >= 1/2 with
 * asin(x) = pi/2 - 2 asin(sqrt((1 - x) / 2)).
 */
KERNEL void LN(asin_small_dd)(vd sh, vd sl, vd z, vd *ah, vd *al) {
    vd poly = LN(vpoly)(z, ASIN_P, (int)(sizeof ASIN_P / sizeof ASIN_P[0]));
    *ah = sh;
    *al = sl + sh * z * poly;
}

/* For |x| >= 1/2: z = (1 - |x|) / 2 (exact) and s = sqrt(z) as a double-double. */
KERNEL void LN(asin_reduce)(vd ax, vd *z, vd *sh, vd *sl) {
    vd zz = (1.0 - ax) * 0.5;
    vd s = LN(vsqrt)(zz);
    vd q, qe;
    LN(two_prod)(s, s, &q, &qe);
    vd safe = LN(vsel)(s == 0.0, LN(vsplat)(1.0), s); /* x = +-1: s = 0, no correction */
    *sl = ((zz - q) - qe) * 0.5 / safe;
    *sh = s;
    *z = zz;
}

KERNEL vd LN(asin_core)(vd x) {
    vd ax = LN(vabs)(x);
    vl big = ax >= 0.5;
    vd zr, sh, sl;
    LN(asin_reduce)(ax, &zr, &sh, &sl);
    vd z = LN(vsel)(big, zr, ax * ax);
    sh = LN(vsel)(big, sh, ax);
    sl = LN(vsel)(big, sl, LN(vsplat)(0.0));
    vd ah, al;
    LN(asin_small_dd)(sh, sl, z, &ah, &al);
    /* Big: pi/2 - 2*(ah + al), the leading subtraction done exactly. */
    vd h, he;
    LN(two_sum)(LN(vsplat)(PIO2_HI), -2.0 * ah, &h, &he);
    vd reduced = h + (he + (PIO2_LO - 2.0 * al));
    vd r = LN(vsel)(big, reduced, ah + al);
    r = LN(vcopysign)(r, x);
    return LN(vsel)((ax > 1.0) | LN(visnan)(x), x * 0.0 + __builtin_nan(""), r);
}

KERNEL vd LN(acos_core)(vd x) {
    vd ax = LN(vabs)(x);
    vl big = ax >= 0.5;
    vl negative = LN(vsignmask)(x);
    vd zr, sh, sl;
    LN(asin_reduce)(ax, &zr, &sh, &sl);
    vd z = LN(vsel)(big, zr, x * x);
    sh = LN(vsel)(big, sh, x);
    sl = LN(vsel)(big, sl, LN(vsplat)(0.0));
    vd ah, al;
    LN(asin_small_dd)(sh, sl, z, &ah, &al);
    /* |x| < 1/2: pi/2 - asin(x); x >= 1/2: 2 asin(s); x <= -1/2: pi - 2 asin(s). */
    vd base_hi = LN(vsel)(big, LN(vsel)(negative, LN(vsplat)(PI_HI), LN(vsplat)(0.0)), LN(vsplat)(PIO2_HI));
    vd base_lo = LN(vsel)(big, LN(vsel)(negative, LN(vsplat)(PI_LO), LN(vsplat)(0.0)), LN(vsplat)(PIO2_LO));
    vd scale = LN(vsel)(big, LN(vsel)(negative, LN(vsplat)(-2.0), LN(vsplat)(2.0)), LN(vsplat)(-1.0));
    vd h, he;
    LN(two_sum)(base_hi, scale * ah, &h, &he);
    vd r = h + (he + (base_lo + scale * al));
    return LN(vsel)((ax > 1.0) | LN(visnan)(x), x * 0.0 + __builtin_nan(""), r);
}

/*
 * atan2(y, x): the angle of (x, y). With a = |y|, b = |x|, the ratio
 * u = min(a, b) / max(a, b) <= 1 is formed as a double-double, then
 * theta = atan(u), pi/2 - theta if a > b, pi - that if x < 0 (signbit, so
 * -0 counts), with the sign of y. Infinities and zeros are mapped to ratios
 * that give Annex F's values: (inf, inf) -> 1, (finite, inf) -> 0, (0, 0) -> 0.
 */
KERNEL vd LN(atan2_core)(vd y, vd x) {
    vd a = LN(vabs)(y), b = LN(vabs)(x);
    const vd one = LN(vsplat)(1.0), zero = LN(vsplat)(0.0);
    const double inf = __builtin_inf();
    vl both_inf = (a == inf) & (b == inf);
    a = LN(vsel)(both_inf, one, a);
    b = LN(vsel)(both_inf, one, b);
    vl swap = a > b;
    vd num = LN(vsel)(swap, b, a), den = LN(vsel)(swap, a, b);
    vl degenerate = (den == inf) | (den == 0.0);
    num = LN(vsel)(degenerate, zero, num);
    den = LN(vsel)(degenerate, one, den);
    /* Scale by a power of two (exact) so the exact products below cannot overflow. */
    vd scale = LN(vsel)(den > 0x1p900, LN(vsplat)(0x1p-600), LN(vsel)(den < 0x1p-900, LN(vsplat)(0x1p600), one));
    num *= scale;
    den *= scale;

    vd uh = num / den;
    vd q, qe;
    LN(two_prod)(uh, den, &q, &qe);
    vd ul = ((num - q) - qe) / den;

    vd th, tl, h, he;
    LN(atan_dd)(uh, ul, &th, &tl);
    /* a > b: pi/2 - theta. */
    LN(two_sum)(LN(vsplat)(PIO2_HI), -th, &h, &he);
    vd sl = he + (PIO2_LO - tl);
    th = LN(vsel)(swap, h, th);
    tl = LN(vsel)(swap, sl, tl);
    LN(fast_two_sum)(th, tl, &th, &tl);
    /* x < 0: pi - theta. */
    LN(two_sum)(LN(vsplat)(PI_HI), -th, &h, &he);
    sl = he + (PI_LO - tl);
    vl negative_x = LN(vsignmask)(x);
    th = LN(vsel)(negative_x, h, th);
    tl = LN(vsel)(negative_x, sl, tl);
    vd r = LN(vcopysign)(th + tl, y);
    return LN(vsel)(LN(visnan)(x) | LN(visnan)(y), x + y, r);
}

/* Binary loop; a stride of 0 broadcasts that argument's single value. */
LOOP void LN(atan2_f64)(const double *y, int64_t ys, const double *x, int64_t xs, int64_t n, double *out) {
    int64_t i = 0;
    for (; i + LANES <= n; i += LANES) {
        vd vy = LN(vsplat)(y[0]), vx = LN(vsplat)(x[0]);
        if (ys) {
            __builtin_memcpy(&vy, y + i, sizeof vy);
        }
        if (xs) {
            __builtin_memcpy(&vx, x + i, sizeof vx);
        }
        vd r = LN(atan2_core)(vy, vx);
        __builtin_memcpy(out + i, &r, sizeof r);
    }
    if (i < n) {
        vd vy = LN(vsplat)(ys ? y[i] : y[0]), vx = LN(vsplat)(xs ? x[i] : x[0]);
        for (int64_t k = i; k < n; k++) {
            vy[k - i] = y[k * ys];
            vx[k - i] = x[k * xs];
        }
        vd r = LN(atan2_core)(vy, vx);
        __builtin_memcpy(out + i, &r, (size_t)(n - i) * sizeof(double));
    }
}

LOOP void LN(atan2_f32)(const float *y, int64_t ys, const float *x, int64_t xs, int64_t n, float *out) {
    int64_t i = 0;
    for (; i + LANES <= n; i += LANES) {
        vf fy, fx;
        for (int k = 0; k < LANES; k++) {
            fy[k] = y[(i + k) * ys];
            fx[k] = x[(i + k) * xs];
        }
        vf r = __builtin_convertvector(
            LN(atan2_core)(__builtin_convertvector(fy, vd), __builtin_convertvector(fx, vd)), vf);
        __builtin_memcpy(out + i, &r, sizeof r);
    }
    if (i < n) {
        vf fy = {0}, fx = {0};
        for (int64_t k = i; k < n; k++) {
            fy[k - i] = y[k * ys];
            fx[k - i] = x[k * xs];
        }
        vf r = __builtin_convertvector(
            LN(atan2_core)(__builtin_convertvector(fy, vd), __builtin_convertvector(fx, vd)), vf);
        __builtin_memcpy(out + i, &r, (size_t)(n - i) * sizeof(float));
    }
}

LANES_UNARY_LOOPS(atan, LN(atan_core), 0.0)
LANES_UNARY_LOOPS(asin, LN(asin_core), 0.0)
LANES_UNARY_LOOPS(acos, LN(acos_core), 0.0)
