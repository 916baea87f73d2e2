"""Minimax fits for the float32 erf, erfc, gamma and lgamma kernels (csrc/math/special_f32_body.h).

These kernels widen float32 to double and evaluate short polynomials in plain
double arithmetic (no double-double), so each fit only needs a relative error
of about 2^-37 (the final rounding to float32 is 2^-24); erf's pieces, the
speed-critical ones, stop at 2^-28.5 (0.5 + 0.044 ulp after the rounding). Run::

    python tools/special_f32_minimax.py > csrc/math/special_f32_coefficients.h

and commit both. Fits use tools/minimax.py's Remez exchange (mpmath); the
printed error is measured after rounding the coefficients to double.

- ERF32_P: erf(a) / a = P_k(4a - k - 1/2) on the 16 pieces [k/4, (k+1)/4] of [0, 4].
- ERFC32_P: F(x) = exp(x^2) erfc(x) = P_i(x - mid_i) on the quarter octaves
  [2^e (1 + j/4), 2^e (1 + (j+1)/4)) from 1/2 to 12 (18 pieces, padded to 32).
- EXP32_P: e^r = P(r), |r| <= ln(2)/2.
- LGAMMA32_F: lgamma(t) = (t - 1)(t - 2) F(t - 3/2), t in [1, 2].
- LGAMMA32_G: Stirling's remainder w (lgamma(w) - (w - 1/2) log w + w - log(2 pi)/2) = G(1/w^2), w >= 8.
- SINPI32_S, COSPI32_C: sin(pi v) = v S(v^2), cos(pi u) = C(u^2) for v, u in [0, 1/4].
"""

from __future__ import annotations

import mpmath as mp

from minimax import emit, remez, rounded_error

ERF_DEGREE = 5  # 2^-28.5: the erf speed goal (degree 6, 2^-33.6, was 11% slower)
ERFC_DEGREE = 8
ERFC_PIECES = 18
EXP_DEGREE = 8
LGAMMA_F_DEGREE = 13
LGAMMA_G_DEGREE = 4
SINPI_DEGREE = 6
COSPI_DEGREE = 6


def emit_table(name, rows, comment):
    """rows[i] = coefficients of piece i, lowest degree first; printed transposed, highest degree first."""
    degree = len(rows[0]) - 1
    width = 16 if len(rows) <= 16 else 32
    padded = rows + [[mp.mpf(0)] * (degree + 1)] * (width - len(rows))
    print(f"/* {comment}. Transposed: [j][i] is coefficient j (highest degree first) of piece i. */")
    print(f"static const double {name}[{degree + 1}][{width}] = {{")
    for j in range(degree, -1, -1):
        print("    {" + ", ".join(float(r[j]).hex() for r in padded) + "},")
    print("};\n")


def erf_over_x(a):
    return 2 / mp.sqrt(mp.pi) * (1 - a * a / 3) if a < mp.mpf("1e-20") else mp.erf(a) / a


def erf_pieces():
    rows, worst = [], 0
    for k in range(16):
        lo, hi = mp.mpf(k) / 4, mp.mpf(k + 1) / 4
        mid = (lo + hi) / 2

        def g(t, mid=mid):
            return erf_over_x(mid + t)

        c = remez(g, lo - mid, hi - mid, ERF_DEGREE)
        worst = max(worst, rounded_error(g, lo - mid, hi - mid, c))
        rows.append([cj / 4**j for j, cj in enumerate(c)])  # in s = 4 (a - mid): exact power-of-two scaling
    emit_table("ERF32_P", rows, f"erf(a) / a = P_k(4a - k - 1/2), k/4 <= a <= (k+1)/4; max rel error {mp.nstr(worst, 3)}")


def erfc_pieces():
    rows, mids, worst = [], [], 0
    for i in range(ERFC_PIECES):
        e, j = divmod(i, 4)
        lo = mp.mpf(2) ** (e - 1) * (1 + mp.mpf(j) / 4)
        hi = mp.mpf(2) ** (e - 1) * (1 + mp.mpf(j + 1) / 4)
        mid = (lo + hi) / 2

        def g(t, mid=mid):
            x = mid + t
            return mp.exp(x * x) * mp.erfc(x)

        c = remez(g, lo - mid, hi - mid, ERFC_DEGREE)
        worst = max(worst, rounded_error(g, lo - mid, hi - mid, c))
        rows.append(c)
        mids.append(mid)
    mids += [mp.mpf(0)] * (32 - len(mids))
    print(f"static const double ERFC32_MID[32] = {{{', '.join(float(m).hex() for m in mids)}}};")
    emit_table("ERFC32_P", rows, f"exp(x^2) erfc(x) = P_i(x - mid_i) on quarter octaves from 1/2; max rel error {mp.nstr(worst, 3)}")


def exp_fit():
    h = mp.log(2) / 2 + mp.mpf("1e-3")
    c = remez(mp.exp, -h, h, EXP_DEGREE)
    emit("EXP32_P", c, f"e^r = P(r), |r| <= ln(2)/2; max rel error {mp.nstr(rounded_error(mp.exp, -h, h, c), 3)}")


def lgamma_fits():
    def f(z):
        t = z + mp.mpf(1.5)
        if abs(t - 1) < mp.mpf("1e-40"):
            return mp.euler
        if abs(t - 2) < mp.mpf("1e-40"):
            return 1 - mp.euler
        return mp.loggamma(t) / ((t - 1) * (t - 2))

    h = mp.mpf(1) / 2
    c = remez(f, -h, h, LGAMMA_F_DEGREE)
    emit("LGAMMA32_F", c, f"lgamma(t) = (t-1)(t-2) F(t - 3/2), t in [1, 2]; max rel error {mp.nstr(rounded_error(f, -h, h, c), 3)}")

    def g(u):
        if u < mp.mpf("1e-40"):
            return mp.mpf(1) / 12
        w = 1 / mp.sqrt(u)
        return w * (mp.loggamma(w) - (w - mp.mpf(0.5)) * mp.log(w) + w - mp.log(2 * mp.pi) / 2)

    top = mp.mpf(1) / 64
    c = remez(g, mp.mpf(0), top, LGAMMA_G_DEGREE)
    emit("LGAMMA32_G", c, "Stirling's remainder w (lgamma(w) - (w-1/2) log w + w - log(2pi)/2) = G(1/w^2), w >= 8; "
         f"max rel error {mp.nstr(rounded_error(g, 0, top, c), 3)}")


def sincos_fits():
    def s(w):
        v = mp.sqrt(w)
        return mp.pi if v < mp.mpf("1e-30") else mp.sin(mp.pi * v) / v

    def c(w):
        return mp.cos(mp.pi * mp.sqrt(w))

    top = mp.mpf(1) / 16
    cs = remez(s, mp.mpf(0), top, SINPI_DEGREE)
    emit("SINPI32_S", cs, f"sin(pi v) = v S(v^2), v in [0, 1/4]; max rel error {mp.nstr(rounded_error(s, 0, top, cs), 3)}")
    cc = remez(c, mp.mpf(0), top, COSPI_DEGREE)
    emit("COSPI32_C", cc, f"cos(pi u) = C(u^2), u in [0, 1/4]; max rel error {mp.nstr(rounded_error(c, 0, top, cc), 3)}")


def main() -> None:
    mp.mp.dps = 40
    print("/* Generated by tools/special_f32_minimax.py: do not edit by hand. Highest degree first. */")
    print("#ifndef RT_SPECIAL_F32_COEFFICIENTS_H\n#define RT_SPECIAL_F32_COEFFICIENTS_H\n")
    erf_pieces()
    erfc_pieces()
    exp_fit()
    lgamma_fits()
    sincos_fits()
    print("#endif")


if __name__ == "__main__":
    main()
