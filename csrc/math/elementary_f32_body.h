/*
 * The float32 elementary functions without a native float32 algorithm yet
 * (f32_body.h has exp, expm1, log, log1p, sinh, cosh, tanh, asin, acos, atan
 * and atan2): float32 lanes widened to double and computed in plain double
 * arithmetic (no double-double), then rounded once to float32, with a
 * relative error below ~2^-35 before that rounding, so results are within
 * 0.5 + 2^-11 ULP; no tables beyond pow's 32-entry log table.
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
