"""Minimax fits for gamma and lgamma (csrc/math/gamma_body.h), with tools/minimax.py's Remez exchange.

Run::

    python tools/gamma_minimax.py > csrc/math/gamma_coefficients.h

and commit both. The fits (mpmath at 60 digits, coefficients highest degree first):

- LGAMMA_C0, LGAMMA_C1, LGAMMA_R: lgamma(c_j + t) = C0 + C1 t + R_j(t) on 16 pieces centred on
  c_j = 1 + j/2 (j = 0 .. 15), |t| <= 1/4 (t is exact in the kernel, so no margin). C0 and C1 are
  lgamma(c) and digamma(c) rounded to double; R (absolute minimax) holds the rest, its constant and
  linear terms the rounding errors of C0 and C1. The pieces on lgamma's zeros (c = 1, 2) have C0 = 0
  and R(t) = t S(t), S a fit relative to lgamma(c + t) / t, so lgamma keeps its relative accuracy there.
- LGAMMA_LOG_*, LGAMMA_FAST_P, LGAMMA_FAST_G: lgamma only, x in [8, 2^52) (lgamma_fast in gamma_body.h),
  Stirling's (x - 1/2)(log x - 1) + D + G(1/x^2)/x with log x = k ln2 + log c + log1p(r) on 16 subintervals
  of [1, 2) (x's exponent and top 4 mantissa bits: invc, log c - 1 as a head on 2^-43 and its tail),
  log1p r = r + r^2 P(r), P an absolute minimax fit of degree 7 over |r| <= 0.0371 (2^-57.8 of r^2 P),
  and G an absolute minimax fit of degree 5 over x >= 8 (2^-54.5): both a few hundredths of an ulp of
  lgamma, where (L - 1) >= 1.08 scales the log's absolute error.
- LGAMMA_G: Stirling's remainder, y (lgamma(y) - (y - 1/2) log y + y - log(2 pi)/2) = G(1/y^2)
  for y >= 7.75.
- SINPI_S: sin(pi v) = pi v + v w S(w), w = v^2, v in [0, 1/4].
- GAMMA_EXP2_16_HI/LO: 2^(j/16) = hi + lo, and GAMMA_EXP_P: e^r - 1 = r + r^2 P(r), the Taylor
  series to r^7 (|r| <= ln 2 / 32: the first term left out is below 2^-59 of the result).
- COSPI_C: cos(pi u) = 1 - (pi^2 / 2) w + w^2 C(w), w = u^2, u in [0, 1/4].
"""

from __future__ import annotations

import mpmath as mp

from gen_pow_table import log1p_ratio
from minimax import emit, remez, rounded_error

mp.mp.dps = 60

LGAMMA_PIECES = 16
LGAMMA_R_DEGREE = 19
LGAMMA_FAST_P_DEGREE = 7
LGAMMA_FAST_G_DEGREE = 5
STIRLING_FROM = mp.mpf(31) / 4  # lgamma(y) by Stirling's series for y >= 7.75 (8 for positive x)
LGAMMA_G_DEGREE = 9
SINPI_S1_DEGREE = 8


def relative_error(g, a, b, coeffs, exact_c0=False, n=2000):
    """max |p - g| / |g| with the coefficients rounded to double (the constant kept exact if asked)."""
    cs = [coeffs[0] if exact_c0 else mp.mpf(float(coeffs[0]))] + [mp.mpf(float(c)) for c in coeffs[1:]]
    return max(abs((mp.polyval(cs[::-1], z) - g(z)) / g(z)) for z in (a + (b - a) * i / n for i in range(n + 1)))


def lgamma_pieces():
    """Rows [C0, C1, r_0 .. r_degree] (R lowest degree first) and the worst error of R after rounding."""
    quarter = mp.mpf(1) / 4
    rows, worst = [], 0
    for j in range(LGAMMA_PIECES):
        c = 1 + mp.mpf(j) / 2
        on_zero = c in (1, 2)
        c0 = mp.mpf(0) if on_zero else mp.mpf(float(mp.loggamma(c)))
        c1 = mp.mpf(float(mp.digamma(c)))
        if on_zero:
            # S(t) = (lgamma(c + t) - C1 t) / t, relative to lgamma(c + t) / t (series at t = 0).
            def s(t, c=c, c1=c1):
                if abs(t) < mp.mpf("1e-30"):
                    return mp.digamma(c) - c1 + mp.psi(1, c) / 2 * t
                return (mp.loggamma(c + t) - c1 * t) / t

            def w(t, c=c):
                return abs(mp.digamma(c) + mp.psi(1, c) / 2 * t) if abs(t) < mp.mpf("1e-30") else abs(mp.loggamma(c + t) / t)

            r = remez(s, -quarter, quarter, LGAMMA_R_DEGREE - 1, weight=w, iterations=8)
            worst = max(worst, rounded_error(s, -quarter, quarter, r, weight=w))
            r = [mp.mpf(0)] + r
        else:
            def f(t, c=c, c0=c0, c1=c1):
                return mp.loggamma(c + t) - c0 - c1 * t

            r = remez(f, -quarter, quarter, LGAMMA_R_DEGREE, weight=lambda t: 1, iterations=8)
            worst = max(worst, rounded_error(f, -quarter, quarter, r, weight=lambda t: 1))
        rows.append([c0, c1] + r)
    return rows, worst


def lgamma_log_rows():
    """[invc, head, tail] of the 16 subintervals of [1, 2) that lgamma_fast's log reads, and the largest |r|."""
    rows, top = [], 0
    for j in range(16):
        low, high = 1 + mp.mpf(j) / 16, 1 + mp.mpf(j + 1) / 16
        invc = mp.nint(128 / (low + high)) / 64
        top = max(top, abs(low * invc - 1), abs(high * invc - 1))
        log_c = -mp.log(invc)
        head = mp.nint(log_c * 2**43) / 2**43
        rows.append([invc, head - 1, log_c - head])
    return rows, top


def stirling_g(u):
    if u < mp.mpf("1e-40"):
        return mp.mpf(1) / 12
    y = 1 / mp.sqrt(u)
    return y * (mp.loggamma(y) - (y - mp.mpf(0.5)) * mp.log(y) + y - mp.log(2 * mp.pi) / 2)


def sinpi_s1(w):
    if w < mp.mpf("1e-30"):
        return mp.pi ** 4 / 120 - mp.pi ** 6 / 5040 * w
    v = mp.sqrt(w)
    return (mp.sin(mp.pi * v) / (mp.pi * v) - 1 + mp.pi ** 2 * w / 6) / (w * w)


def print_piece_tables(prefix: str, columns: tuple[str, ...], rows: list, degree: int) -> None:
    """C tables of piecewise fits: one array per leading column of ``rows`` (PREFIX_NAME[pieces]), then
    the remaining coefficients transposed (PREFIX_R[k][j]: coefficient k, highest degree first, of piece j)."""
    for k, name in enumerate(columns):
        print(f"static const double {prefix}_{name}[{len(rows)}] = {{{', '.join(float(r[k]).hex() for r in rows)}}};")
    print(f"/* Transposed: {prefix}_R[k][j] is coefficient k (highest degree first) of piece j. */")
    print(f"static const double {prefix}_R[{degree + 1}][{len(rows)}] = {{")
    for k in reversed(range(degree + 1)):
        print("    {" + ", ".join(float(r[len(columns) + k]).hex() for r in rows) + "},")
    print("};\n")


def main() -> None:
    print("/* Generated by tools/gamma_minimax.py: do not edit by hand. Highest degree first. */")
    print("#ifndef RT_GAMMA_COEFFICIENTS_H\n#define RT_GAMMA_COEFFICIENTS_H\n")
    rows, worst = lgamma_pieces()
    print(f"/* lgamma(c_j + t) = C0 + C1 t + R_j(t), c_j = 1 + j/2, |t| <= 1/4; max error of R after rounding "
          f"{mp.nstr(worst, 3)} (absolute; relative to lgamma on the zeros' pieces j = 0, 2) */")
    print_piece_tables("LGAMMA", ("C0", "C1"), rows, LGAMMA_R_DEGREE)

    rows, top_r = lgamma_log_rows()
    print("/* lgamma for x >= 8: log x = k ln2 + log c + log1p(r), z = x 2^-k in [1, 2) on 16 subintervals "
          "[1 + j/16, 1 + (j+1)/16), invc = 1/c a multiple of 2^-6 (so r = z invc - 1 is exact with one FMA), "
          f"|r| <= {mp.nstr(top_r, 6)}; HEAD = log c rounded to a multiple of 2^-43, minus 1 (k LN2_HI + HEAD "
          "is exact), TAIL = log c - (HEAD + 1). A row {invc, head, tail, 0} per subinterval for AVX2. */")
    for k, name in enumerate(("INVC", "HEAD", "TAIL")):
        print(f"static const double LGAMMA_LOG_{name}[16] = {{{', '.join(float(row[k]).hex() for row in rows)}}};")
    print("static _Alignas(32) const double LGAMMA_LOG_ROWS[16][4] = {\n    "
          + ",\n    ".join("{" + ", ".join(float(v).hex() for v in row) + ", 0.0}" for row in rows) + "\n};\n")
    c = remez(log1p_ratio, -top_r, top_r, LGAMMA_FAST_P_DEGREE, weight=lambda t: 1, iterations=8)
    err = rounded_error(lambda t: log1p_ratio(t) * t * t, -top_r, top_r, [mp.mpf(0), mp.mpf(0)] + c,
                        weight=lambda t: 1)
    emit("LGAMMA_FAST_P", c, f"lgamma for x >= 8: log1p r = r + r^2 P(r), |r| <= {mp.nstr(top_r, 6)}; "
         f"max absolute error of r^2 P after rounding 2^{mp.nstr(mp.log(err, 2), 3)}")
    top_u = mp.mpf(1) / 64
    c = remez(stirling_g, mp.mpf(0), top_u, LGAMMA_FAST_G_DEGREE, weight=lambda u: 1, iterations=8)
    err = rounded_error(stirling_g, mp.mpf(0), top_u, c, weight=lambda u: 1)
    emit("LGAMMA_FAST_G", c, "lgamma for x >= 8: Stirling's remainder x (lgamma(x) - (x-1/2) log x + x - log(2pi)/2) "
         f"= G(1/x^2); max absolute error after rounding 2^{mp.nstr(mp.log(err, 2), 3)}")

    top = mp.mpf(1) / STIRLING_FROM ** 2
    c = remez(stirling_g, mp.mpf(0), top, LGAMMA_G_DEGREE, iterations=8)
    err = relative_error(stirling_g, mp.mpf(0), top, c)
    emit("LGAMMA_G", c, f"Stirling's remainder y (lgamma(y) - (y-1/2) log y + y - log(2pi)/2) = G(1/y^2), "
         f"y >= {STIRLING_FROM}; max rel error {mp.nstr(err, 3)}")

    q = mp.mpf(1) / 4
    c = remez(sinpi_s1, mp.mpf(0), q, SINPI_S1_DEGREE, iterations=8)
    emit("SINPI_S1", c, "sin(pi v) / pi = v (1 - (pi^2/6) w + w^2 S1(w)), w = v*v <= 1/4; "
         f"max rel error of S1 {mp.nstr(relative_error(sinpi_s1, 0, q, c), 3)}")

    print("/* 2^(j/16) = GAMMA_EXP2_16_HI[j] + GAMMA_EXP2_16_LO[j] */")
    exp2 = [mp.mpf(2) ** (mp.mpf(j) / 16) for j in range(16)]
    print(f"static const double GAMMA_EXP2_16_HI[16] = {{{', '.join(float(v).hex() for v in exp2)}}};")
    print(f"static const double GAMMA_EXP2_16_LO[16] = {{{', '.join(float(v - mp.mpf(float(v))).hex() for v in exp2)}}};")
    print("/* e^r - 1 = r + r^2 P(r), P the Taylor series 1/2 + r/6 + ... + r^5/5040, highest first */")
    print(f"static const double GAMMA_EXP_P[6] = {{{', '.join(float(1 / mp.factorial(n)).hex() for n in range(7, 1, -1))}}};")
    print(f"static const double GAMMA_LN2_16_HI = {(float.fromhex('0x1.62e42fee00000p-1') / 16).hex()}; /* 21 trailing zero bits */")
    print(f"static const double GAMMA_LN2_16_LO = {float((mp.log(2) - mp.mpf(float.fromhex('0x1.62e42fee00000p-1'))) / 16).hex()};")
    print(f"static const double GAMMA_INV_LN2_16 = {float(16 / mp.log(2)).hex()};\n")
    for name, value in [("PI_SQ_6", mp.pi ** 2 / 6)]:
        hi = float(value)
        print(f"static const double GAMMA_{name}_HI = {hi.hex()};")
        print(f"static const double GAMMA_{name}_LO = {float(value - mp.mpf(hi)).hex()};")
    print(f"static const double GAMMA_STIRLING_FROM = {float(STIRLING_FROM)};")
    print(f"static const double GAMMA_EULER = {float(mp.euler).hex()};")
    for name, value in [("STIRLING_D_MINUS", mp.log(2 * mp.pi) / 2 - mp.mpf(0.5)), ("STIRLING_D_PLUS", mp.log(2 * mp.pi) / 2 + mp.mpf(0.5))]:
        hi = float(value)
        print(f"static const double GAMMA_{name}_HI = {hi.hex()};")
        print(f"static const double GAMMA_{name}_LO = {float(value - mp.mpf(hi)).hex()};")
    print("\n#endif")


if __name__ == "__main__":
    main()
