"""Generate the polynomial coefficients of csrc/math/elementary_body.h.

Taylor coefficients (exp, sinh r) are exact rationals rounded to double; the
others are minimax fits (Remez exchange, tools/minimax.py): atan's, asin's and
the sinh and tanh series' in z = u*u, weighted so that the error of
u + u^3 P(u^2) is relative to f(u); cosh r - 1 and e^r - 1 (HYP_EVEN,
EXPM1_16_P) in absolute error on |r| <= ln2/32. sinh's tables (SINH_D, SINH_PH,
SINH_QH, SINH_ROWS) are Gal's accurate tables from the recorded offsets, checked
here; --search finds the offsets again. Run:

    python tools/gen_math_coefficients.py [--search] > csrc/math/elementary_coefficients.h
"""
import math
import struct
import sys
from pathlib import Path

import mpmath

sys.path.insert(0, str(Path(__file__).resolve().parent))
from minimax import asin_cubic_ratio, atan_cubic_ratio, odd_weight, remez  # noqa: E402

HYP_R = mpmath.log(2) / 32  # the hyperbolic functions' reduced argument: |r| <= ln2/32
SINH_TABLE_K = 1020  # the largest k of sinh's table path (|x| <= SINH_TABLE_MAX = 707 in elementary_body.h)
# sinh's offsets d_j = SINH_OFFSET_STEPS[j] 2^-SINH_OFFSET_SHIFT[j] (sinh_table_offsets); j = 8 needs the coarser
# step: there P e^d and Q e^-d are one mantissa (Q = P/2), so their errors move together to first order in d
SINH_OFFSET_STEPS = [0, -429055, 773243, -269811, -286232, -643315, -361354, 521164,
                     889072, -521164, 361354, 643315, 286232, 269811, -773243, 429055]
SINH_OFFSET_SHIFT = [47] * 8 + [38] + [47] * 7
SINH_OFFSET_ULPS = 2.0**-11  # P_j and Q_j lie within this many ulps of ph_j and qh_j

mpmath.mp.dps = 60


def c_array(name, coeffs):
    body = ",\n    ".join(f"{float(c).hex()}" for c in coeffs)
    return f"static const double {name}[{len(coeffs)}] = {{\n    {body}\n}};"


# atan's reduced argument with the eight centres k/8 (elementary_body.h, atan_quotient): |u| <= 0.0791
ATAN8_U = mpmath.mpf("0.0795")
# atan_scaled_recip: y0 = bits(MAGIC - bits(b)), y = y0 + y0 (K - b y0) ~ K / b, and the centre
# k = round(8 a y) (elementary_body.h, atan_centre); chosen (over MAGIC and K) to minimise the largest |u|.
ATAN8_RECIP_MAGIC = 0x7FDD8A0000000000
ATAN8_SCALE = 0.936


def atan_recip_range():
    """Smallest and largest b y / K over every mantissa (y = atan_scaled_recip(b)), and y(1)."""
    import numpy as np

    m = np.concatenate([np.linspace(1, 2, 1 << 20, endpoint=False), [np.nextafter(2.0, 1.0)]])
    y0 = (np.uint64(ATAN8_RECIP_MAGIC) - m.view(np.uint64)).view(np.float64)
    y = y0 + y0 * (ATAN8_SCALE - m * y0)
    ratio = y * m / ATAN8_SCALE
    return float(ratio.min()), float(ratio.max())


def atan_centres():
    """atan(k/8) and pi/2 - atan(k/8) as hi + lo, after checking the centre choice keeps |u| <= ATAN8_U."""
    lo_ratio, hi_ratio = atan_recip_range()
    lo_ratio, hi_ratio = lo_ratio - 1e-9, hi_ratio + 1e-9  # room for the estimate's own roundings
    assert 8 * ATAN8_SCALE * hi_ratio < 7.5, "k = 8 would be reachable"
    worst = 0.0
    for k in range(8):  # a / b in [lo, hi] takes centre k/8 when round(8 K (a / b) ratio) = k
        lo = 0.0 if k == 0 else (k - 0.5) / (8 * ATAN8_SCALE * hi_ratio)
        hi = 1.0 if k == 7 else (k + 0.5) / (8 * ATAN8_SCALE * lo_ratio)
        worst = max(worst, *(abs((t - k / 8) / (1 + k / 8 * t)) for t in (lo, hi)))
    assert worst <= ATAN8_U, worst
    print(f"/* atan_scaled_recip: y0 = bits(ATAN8_RECIP_MAGIC - bits(b)), y0 + y0 (ATAN8_SCALE - b y0) = "
          f"ATAN8_SCALE / b within [{lo_ratio - 1:.5f}, {hi_ratio - 1:.5f}]; largest |u| {worst:.5f} */")
    print(f"static const uint64_t ATAN8_RECIP_MAGIC = {ATAN8_RECIP_MAGIC:#x}ull;")
    print(f"static const double ATAN8_SCALE = {float(ATAN8_SCALE).hex()};")
    centres = [mpmath.atan(mpmath.mpf(k) / 8) for k in range(8)]
    centres += [mpmath.pi / 2 - c for c in centres]
    centres += [mpmath.pi / 2 + c for c in centres]  # atan2 where x < 0: pi/2 added, rounded once
    hi = [float(c) for c in centres]
    lo = [float(c - mpmath.mpf(h)) for c, h in zip(centres, hi)]
    print("/* atan(k/8) (k < 8), pi/2 - atan((k - 8)/8) (8 <= k < 16) and pi/2 plus entry k - 16 (k >= 16)")
    print(" * = ATAN8_HI[k] + ATAN8_LO[k]; ATAN8_ROWS[k] = {ATAN8_HI[k], ATAN8_LO[k]} for AVX2's row reads */")
    print(c_array("ATAN8_HI", hi))
    print(c_array("ATAN8_LO", lo))
    rows = ",\n    ".join(f"{{{h.hex()}, {l.hex()}}}" for h, l in zip(hi, lo))
    print(f"static _Alignas(16) const double ATAN8_ROWS[{len(hi)}][2] = {{\n    {rows}\n}};")
ASIN_S = mpmath.mpf("0.5")  # asin's polynomial argument: s <= 1/2
# sinh's and tanh's series ranges (elementary_body.h: SINH_SERIES_MAX = 1/8 uses a fit on [0, 1/4], TANH_SERIES_MAX)
SINH_SERIES = mpmath.mpf("0.25")
TANH_SERIES = mpmath.mpf("0.1")


def sinh_cubic_ratio(z):
    """(sinh(u) - u) / u^3 with z = u^2."""
    u = mpmath.sqrt(z)
    return (mpmath.sinh(u) - u) / u**3 if z > mpmath.mpf("1e-30") else mpmath.mpf(1) / 6 + z / 120


def tanh_cubic_ratio(z):
    """(tanh(u) - u) / u^3 with z = u^2."""
    u = mpmath.sqrt(z)
    return (mpmath.tanh(u) - u) / u**3 if z > mpmath.mpf("1e-30") else -mpmath.mpf(1) / 3 + 2 * z / 15


def cosh_ratio(z):
    """(cosh(r) - 1) / r^2 with z = r^2."""
    return (mpmath.cosh(mpmath.sqrt(z)) - 1) / z if z > mpmath.mpf("1e-30") else mpmath.mpf(1) / 2 + z / 24


def expm1_ratio(r):
    """(e^r - 1 - r) / r^2."""
    return (mpmath.expm1(r) - r) / r**2 if abs(r) > mpmath.mpf("1e-30") else mpmath.mpf(1) / 2 + r / 6


def scaled_fit(name, g, a, b, terms, power, label):
    """P with g(t) ~ P(t) on [a, b], minimax in absolute error; the comment gives max |t^power (P - g)| after rounding."""
    coeffs = remez(g, a, b, terms - 1, weight=lambda t: 1)
    rounded = [mpmath.mpf(float(c)) for c in coeffs]
    err = max(abs((mpmath.polyval(rounded[::-1], t) - g(t)) * t**power)
              for t in (a + (b - a) * i / 4000 for i in range(4001)))
    print(f"/* {label}: max absolute error after rounding 2^{mpmath.nstr(mpmath.log(err, 2), 3)} */")
    print(c_array(name, rounded[::-1]))
    return rounded[::-1]


def odd_fit(name, g, f, top, terms, label):
    """P with f(u) = u + u^3 P(u^2) on |u| <= top (minimax, the error relative to f(u)), highest degree first."""
    weight = odd_weight(f)
    coeffs = remez(g, mpmath.mpf("1e-12"), top**2, terms - 1, weight=weight)
    rounded = [mpmath.mpf(float(c)) for c in coeffs]
    err = max(abs((mpmath.polyval(rounded[::-1], z) - g(z)) / weight(z))
              for z in (top**2 * i / 2000 for i in range(1, 2001)))
    print(f"/* {label} = u + u^3 {name}(u^2) for |u| <= {top}: max relative error after rounding "
          f"2^{mpmath.nstr(mpmath.log(err, 2), 3)} */")
    print(c_array(name, rounded[::-1]))


def ulps_off(v):
    """|v - round(v)| in ulps of the double nearest v (0 < v)."""
    h = mpmath.mpf(float(v))
    return abs(v - h) / mpmath.mpf(math.ulp(float(h)))


def sinh_table_offsets(search=False):
    """Gal's accurate tables for sinh: per j an offset d_j (|d_j| < 2^-18) such that both P_j = 2^(j/16) e^(d_j) / 2
    and Q_j = 2^(-j/16) e^(-d_j) / 2 are within SINH_OFFSET_ULPS of a double, so neither needs a low part.
    With search, scans d = i 2^-shift for |i| < 2^20 (fixed point, about a minute) and prints the best steps
    (the ones recorded)."""
    if search:
        fixed = 200
        steps = []
        for j, shift in enumerate(SINH_OFFSET_SHIFT):
            best = (1.0, 0)
            for sign in (1, -1) if j else ():
                grow = int(mpmath.nint(mpmath.exp(sign * mpmath.mpf(2) ** -shift) * 2**fixed))
                shrink = int(mpmath.nint(mpmath.exp(-sign * mpmath.mpf(2) ** -shift) * 2**fixed))
                p0, q0 = (mpmath.mpf(2) ** (s * mpmath.mpf(j) / 16) / 2 for s in (1, -1))
                p, q = int(p0 * 2**fixed), int(q0 * 2**fixed)
                p_ulp, q_ulp = (fixed - 53 - int(-mpmath.floor(mpmath.log(v, 2))) + 1 for v in (p0, q0))
                for i in range(1 << 20):
                    off = [min(v % (1 << u), (1 << u) - v % (1 << u)) / 2.0**u for v, u in ((p, p_ulp), (q, q_ulp))]
                    if max(off) < best[0]:
                        best = (max(off), sign * i)
                    p, q = (p * grow) >> fixed, (q * shrink) >> fixed
            steps.append(best[1])
        print("# SINH_OFFSET_STEPS =", steps, file=sys.stderr)
    else:
        steps = SINH_OFFSET_STEPS
    return [mpmath.mpf(i) * mpmath.mpf(2) ** -shift for i, shift in zip(steps, SINH_OFFSET_SHIFT)]


def sinh_tables():
    """SINH_D (d_j), SINH_PH and SINH_QH: ph_j and qh_j as bit patterns less / plus j << 48 (sinh_table)."""
    offsets = sinh_table_offsets("--search" in sys.argv)
    p = [mpmath.mpf(2) ** (mpmath.mpf(j) / 16) * mpmath.exp(d) / 2 for j, d in enumerate(offsets)]
    q = [mpmath.mpf(2) ** (-mpmath.mpf(j) / 16) * mpmath.exp(-d) / 2 for j, d in enumerate(offsets)]
    worst = max(ulps_off(v) for v in p + q)
    assert worst <= SINH_OFFSET_ULPS, worst
    # qh 2^-k stays normal up to SINH_TABLE_K (qh >= 1/4), ph 2^k finite (ph < 1)
    assert min(q) >= 0.25 and max(p) < 1 and -2 - SINH_TABLE_K >= -1022
    bits = [struct.unpack("<q", struct.pack("<d", float(v)))[0] for v in (*p, *q)]
    shifted_p = [struct.unpack("<d", struct.pack("<q", b - (j << 48)))[0] for j, b in enumerate(bits[:16])]
    shifted_q = [struct.unpack("<d", struct.pack("<q", b + (j << 48)))[0] for j, b in enumerate(bits[16:])]
    print(f"/* sinh_table: |x| = m ln2/16 + d_j + r, m = 16 k + j; 2^(j/16) e^(d_j) / 2 and 2^(-j/16) e^(-d_j) / 2 are "
          f"within 2^{mpmath.nstr(mpmath.log(worst, 2), 3)} ulp of doubles ph_j, qh_j (Gal's accurate tables, "
          "tools/gen_math_coefficients.py sinh_table_offsets); SINH_PH[j] / SINH_QH[j] hold bits(ph_j) - (j << 48) / "
          "bits(qh_j) + (j << 48), so that adding / subtracting (16 k + j) << 48 gives ph_j 2^k / qh_j 2^-k */")
    print(c_array("SINH_D", offsets))
    print(c_array("SINH_PH", shifted_p))
    print(c_array("SINH_QH", shifted_q))
    # AVX2 reads the three as one 32-byte row per lane (vd_lookup16_3), as log16_lookup reads LOG16_ROWS
    rows = ",\n    ".join(f"{{{float(d).hex()}, {float(p).hex()}, {float(q).hex()}, 0.0}}"
                         for p, q, d in zip(shifted_p, shifted_q, offsets))
    print("/* SINH_ROWS[j] = {SINH_D[j], SINH_PH[j], SINH_QH[j], 0} */")
    print(f"static _Alignas(32) const double SINH_ROWS[16][4] = {{\n    {rows}\n}};")


if __name__ == "__main__":
    print("/* Generated by tools/gen_math_coefficients.py: do not edit by hand. */")
    print("#ifndef RT_MATH_ELEMENTARY_COEFFICIENTS_H\n#define RT_MATH_ELEMENTARY_COEFFICIENTS_H")
    print("#include <stdint.h>")
    # exp (single rounding, exp_fast): 2^(j/32) = hi + lo, and e^r - 1 - r = r^2 * P(r),
    # P = sum r^(n-2)/n!, n = 2..6 (|r| <= ln2/64, first term left out r^7/7! < 2^-58)
    table = [mpmath.mpf(2) ** (mpmath.mpf(j) / 32) for j in range(32)]
    print("/* 2^(j/32) = EXP2_32_HI[j] + EXP2_32_LO[j] */")
    print(c_array("EXP2_32_HI", [float(t) for t in table]))
    print(c_array("EXP2_32_LO", [float(t - mpmath.mpf(float(t))) for t in table]))
    print(c_array("EXP_FAST_P", [1 / mpmath.factorial(n) for n in range(6, 1, -1)]))
    # sinh, cosh, tanh (hyperbolic_parts): 2^(j/16) / 2 and 2^(-j/16) / 2 as hi + lo, j = 0..15
    print("/* 2^(j/16) / 2 = HYP_POS_HI[j] + HYP_POS_LO[j], 2^(-j/16) / 2 = HYP_NEG_HI[j] + HYP_NEG_LO[j] */")
    for name, sign in (("POS", 1), ("NEG", -1)):
        halves = [mpmath.mpf(2) ** (sign * mpmath.mpf(j) / 16) / 2 for j in range(16)]
        print(c_array(f"HYP_{name}_HI", [float(t) for t in halves]))
        print(c_array(f"HYP_{name}_LO", [float(t - mpmath.mpf(float(t))) for t in halves]))
    sinh_tables()
    # tanh (tanh_big): 2^(j/16) / 2 = TANH_POS_HI[j] / 2 + TANH_POS_LO[j] with TANH_POS_HI[j] = 2^(j/16)
    # rounded to a multiple of 2^-51 (one bit short of a double in [1, 2)), so that its half plus 2^(-k-1)
    # is exact for every k in [0, 52]
    print("/* 2^(j/16) / 2 = TANH_POS_HI[j] / 2 + TANH_POS_LO[j], TANH_POS_HI[j] a multiple of 2^-51 */")
    halves = [mpmath.mpf(2) ** (mpmath.mpf(j) / 16) / 2 for j in range(16)]
    heads = [mpmath.nint(t * 2**52) / 2**52 for t in halves]
    print(c_array("TANH_POS_HI", [float(2 * h) for h in heads]))
    print(c_array("TANH_POS_LO", [float(t - h) for t, h in zip(halves, heads)]))
    # sinh r - r = r z HYP_ODD(z), z = r^2, |r| <= ln2/32: Taylor to r^7 (first term left out r^9/9! < 2^-68 r)
    print(c_array("HYP_ODD", [1 / mpmath.factorial(n) for n in range(7, 2, -2)]))
    scaled_fit("HYP_EVEN", cosh_ratio, mpmath.mpf(0), HYP_R**2, 3, 1,
               "cosh r - 1 = z HYP_EVEN(z), z = r^2, |r| <= ln2/32 (minimax)")
    expm1_p = scaled_fit("EXPM1_16_P", expm1_ratio, -HYP_R, HYP_R, 6, 2,
                         "e^r - 1 = r + r^2 EXPM1_16_P(r), |r| <= ln2/32 (minimax)")
    # tanh_big reduces |x| rather than 2|x| (h = r/2): (e^r - 1)/2 = h + h^2 TANH_HALF_P(h), the same
    # polynomial with the coefficient of h^n times 2^(n+1) (exact), so every Horner step is 2^n times its twin's
    print("/* (e^(2h) - 1) / 2 = h + h^2 TANH_HALF_P(h): EXPM1_16_P's coefficient of r^n times 2^(n+1) */")
    print(c_array("TANH_HALF_P", [c * 2 ** (len(expm1_p) - i) for i, c in enumerate(expm1_p)]))
    odd_fit("ATAN8_P", atan_cubic_ratio, mpmath.atan, ATAN8_U, 5, "atan u")
    atan_centres()
    odd_fit("ASIN_R", asin_cubic_ratio, mpmath.asin, ASIN_S, 12, "asin u")
    odd_fit("SINH_Q", sinh_cubic_ratio, mpmath.sinh, SINH_SERIES, 5, "sinh u")
    odd_fit("TANH_Q", tanh_cubic_ratio, mpmath.tanh, TANH_SERIES, 5, "tanh u")
    print("#endif")
