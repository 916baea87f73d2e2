"""Minimax fits (tools/minimax.py's Remez exchange) for the float32 kernels of csrc/math/f32_body.h.

The fits are rounded to float32 and printed as C arrays, highest degree first;
copy them into f32_body.h. The error printed is measured after rounding to
float32: absolute for r^3 Q'(r) (pow's precise exp core), relative to the
function for the others. The exp family's 2^(j/16) table is printed the same
way (its high parts with j << 19 taken off their bits). Run::

    python tools/gen_f32_coefficients.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import mpmath as mp
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from minimax import asin_cubic_ratio, atan_cubic_ratio, odd_weight, remez  # noqa: E402

R = mp.mpf("0.3470")  # |rh| after exp's reduction: ln2/2 plus k LN2_LO32's share


def _q(z):  # (e^z - 1 - z) / z^2
    return (mp.expm1(z) - z) / z**2 if abs(z) > mp.mpf("1e-20") else mp.mpf(0.5) + z / 6


def _q3(z):  # (e^z - 1 - z - z^2/2) / z^3
    return (mp.expm1(z) - z - z**2 / 2) / z**3 if abs(z) > mp.mpf("1e-15") else mp.mpf(1) / 6 + z / 24


def _hex(c) -> str:
    mantissa, exponent = float(c).hex().split("p")
    return f"{mantissa.rstrip('0').rstrip('.')}p{exponent}f"


def fit(name, g, power, degree, fixed_lead=None):
    coeffs = remez(g, -R, R, degree, weight=lambda z: 1)
    rounded = [mp.mpf(float(np.float32(float(c)))) for c in coeffs]
    if fixed_lead is not None:
        rounded[0] = mp.mpf(fixed_lead)
    err = max(abs((mp.polyval(rounded[::-1], z) - g(z)) * z**power)
              for z in (-R + 2 * R * i / 2000 for i in range(2001)))
    print(f"/* max |error| of r^{power} {name}(r) over |r| <= {R}: {mp.nstr(err, 3)} (2^{mp.nstr(mp.log(err, 2), 3)}) */")
    print(f"static const float {name}[{degree + 1}] = {{")
    print("    " + ", ".join(_hex(c) for c in reversed(rounded)) + ",")
    print("};")


U = mp.mpf("0.1624")  # atan's reduced argument: |u| <= tan(0.16087) (see atan_ratio_f32)
S = mp.mpf("0.5")  # asin's polynomial range: s <= 1/2


def fit_odd(name, g, f, top, degree, label):
    """P with f(u) = u + u^3 P(u^2) on |u| <= top, weighted so u^3 P's error is relative to f(u)."""
    weight = odd_weight(f)
    coeffs = remez(g, mp.mpf("1e-12"), top**2, degree, weight=weight)
    rounded = [mp.mpf(float(np.float32(float(c)))) for c in coeffs]
    err = max(abs((mp.polyval(rounded[::-1], z) - g(z)) / weight(z))
              for z in (top**2 * i / 2000 for i in range(1, 2001)))
    print(f"/* max relative error of u + u^3 {name}(u^2) against {label} over |u| <= {top}: {mp.nstr(err, 3)} "
          f"(2^{mp.nstr(mp.log(err, 2), 3)}) */")
    print(f"static const float {name}[{degree + 1}] = {{")
    print("    " + ", ".join(_hex(c) for c in reversed(rounded)) + ",")
    print("};")


N = 16  # the exp family's table: x = k ln2/16 + r, e^x = 2^(k/16) e^r (f32_body.h)
RN = mp.log(2) / (2 * N) * mp.mpf("1.002")  # |r| after exp32_reduce (k rounded unfused may be one off)


def exp2_table():
    """EXP2_F16_HI (2^(j/16) rounded, j << 19 taken off its bits) and EXP2_F16_LO (its relative rounding error)."""
    hi, lo = [], []
    for j in range(N):
        t = mp.mpf(2) ** (mp.mpf(j) / N)
        h = np.float32(float(t))
        hi.append((np.array([h]).view(np.uint32) - np.uint32(j << 19)).view(np.float32)[0])
        lo.append(np.float32(float((t - mp.mpf(float(h))) / mp.mpf(float(h)))))
    for name, values in (("EXP2_F16_HI", hi), ("EXP2_F16_LO", lo)):
        print(f"static const float {name}[{N}] = {{" + ", ".join(_hex(v) for v in values) + "};")
    ln2_hi = mp.mpf(float.fromhex("0x1.62cp-5"))  # 11 bits: k LN2_F16_HI exact for |k| < 8192
    print(f"LN2_F16_LO = {_hex(np.float32(float(mp.log(2) / N - ln2_hi)))}, INV_LN2_F16 = {_hex(np.float32(float(N / mp.log(2))))}")


def fit_relative(name, g, f, lo, hi, degree):
    """Q with f(r) = r + r^2 Q(r) (e^r - 1, or e^x - 1) on [lo, hi], the error relative to f(r) + 1 or f(r)."""
    weight = lambda z: abs(f(z)) / z**2 if z != 0 else mp.mpf(10) ** 30  # noqa: E731
    coeffs = remez(g, lo, hi, degree, weight=weight)
    rounded = [mp.mpf(float(np.float32(float(c)))) for c in coeffs]
    err = max(abs((mp.polyval(rounded[::-1], z) - g(z)) / weight(z))
              for z in (lo + (hi - lo) * i / 3000 for i in range(3001)) if z != 0)
    print(f"/* r + r^2 {name}(r) over [{mp.nstr(lo, 4)}, {mp.nstr(hi, 4)}]: relative error 2^{mp.nstr(mp.log(err, 2), 3)} */")
    print(f"static const float {name}[{degree + 1}] = {{" + ", ".join(_hex(c) for c in reversed(rounded)) + "};")


def _sinh_p(z):  # (sinh(x) - x) / x^3 with z = x^2
    x = mp.sqrt(z)
    return (mp.sinh(x) - x) / x**3 if z > mp.mpf("1e-30") else mp.mpf(1) / 6 + z / 120


def _tanh_p(z):  # (tanh(x) - x) / x^3 with z = x^2
    x = mp.sqrt(z)
    return (mp.tanh(x) - x) / x**3 if z > mp.mpf("1e-30") else -mp.mpf(1) / 3 + 2 * z / 15


if __name__ == "__main__":
    mp.mp.dps = 40
    fit("EXP_Q3_32", _q3, 3, 4)
    fit_odd("ATAN_P32", atan_cubic_ratio, mp.atan, U, 3, "atan u")
    fit_odd("ASIN_R32", asin_cubic_ratio, mp.asin, S, 5, "asin u")
    exp2_table()
    fit_relative("EXP_R32", _q, mp.exp, -RN, RN, 1)  # e^r = 1 + r + r^2 Q(r)
    fit_relative("EXPM1_Q32", _q, mp.expm1, -mp.mpf("0.25"), mp.mpf("0.25"), 4)
    fit_odd("SINH_P32", _sinh_p, mp.sinh, mp.mpf("0.8"), 3, "sinh x")
    fit_odd("TANH_P32", _tanh_p, mp.tanh, mp.mpf("0.125"), 2, "tanh x")
