"""Minimax fits (tools/minimax.py's Remez exchange) for the float32 kernels of csrc/math/f32_body.h
(and pow_body.h's float32 path).

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
from minimax import _extrema, asin_cubic_ratio, atan_cubic_ratio, odd_weight, remez  # noqa: E402



def _q(z):  # (e^z - 1 - z) / z^2
    return (mp.expm1(z) - z) / z**2 if abs(z) > mp.mpf("1e-20") else mp.mpf(0.5) + z / 6


def _hex(c) -> str:
    mantissa, exponent = float(c).hex().split("p")
    return f"{mantissa.rstrip('0').rstrip('.')}p{exponent}f"


U = mp.mpf("0.6016")  # atan's reduced argument: |u| <= 0.6016 (atan_f32's and atan2_folded_f32's regions)
S = mp.mpf("0.5")  # asin's polynomial range: s <= 1/2


def remez_fixed(g, a, b, degree, weight, fixed, iterations=10):
    """remez with the coefficients in `fixed` ({power: value}) held: the others minimax the rest."""
    free = [k for k in range(degree + 1) if k not in fixed]
    m = len(free) + 1
    nodes = [a + (b - a) * (1 - mp.cos(mp.pi * (i + mp.mpf(0.5)) / m)) / 2 for i in range(m)]
    for _ in range(iterations):
        rows = [[z**k for k in free] + [(-1) ** i * weight(z)] for i, z in enumerate(nodes)]
        rhs = [g(z) - sum(c * z**k for k, c in fixed.items()) for z in nodes]
        sol = mp.lu_solve(mp.matrix(rows), mp.matrix(rhs))
        coeffs = {**fixed, **{k: sol[j] for j, k in enumerate(free)}}
        c = [coeffs[k] for k in range(degree + 1)]
        nodes = _extrema(lambda z, c=c: (mp.polyval(c[::-1], z) - g(z)) / weight(z), a, b, m)
    return c


def fit_odd(name, g, f, top, degree, label, sequential=False):
    """P with f(u) = u + u^3 P(u^2) on |u| <= top, weighted so u^3 P's error is relative to f(u).

    sequential: round the coefficients to float32 one at a time, lowest degree first, refitting the
    higher ones around each (rounding them all at once loses bits where the fit is ill-conditioned).
    """
    weight = odd_weight(f)
    if sequential:
        fixed = {}
        for k in range(degree + 1):
            fixed[k] = mp.mpf(float(np.float32(float(remez_fixed(g, mp.mpf("1e-12"), top**2, degree, weight, fixed)[k]))))
        rounded = [fixed[k] for k in range(degree + 1)]
    else:
        coeffs = remez(g, mp.mpf("1e-12"), top**2, degree, weight=weight)
        rounded = [mp.mpf(float(np.float32(float(c)))) for c in coeffs]
    err = max(abs((mp.polyval(rounded[::-1], z) - g(z)) / weight(z))
              for z in (top**2 * i / 2000 for i in range(1, 2001)))
    print(f"/* max relative error of u + u^3 {name}(u^2) against {label} over |u| <= {top}: {mp.nstr(err, 3)} "
          f"(2^{mp.nstr(mp.log(err, 2), 3)}) */")
    print(f"static const float {name}[{degree + 1}] = {{")
    print("    " + ", ".join(_hex(c) for c in reversed(rounded)) + ",")
    print("};")


def _log1p_q(z):  # (log1p(r) - r) / r^2
    return (mp.log1p(z) - z) / z**2 if abs(z) > mp.mpf("1e-12") else -mp.mpf(1) / 2 + z / 3


RL16 = mp.mpf("0.044272")  # |r| over the 16 subintervals of float32 log and log1p (LOG16_*32): below 0.0442710


def fit_log1p(degree):
    """P with log1p r = r + r^2 P(r) on |r| <= RL16, weighted so r^2 P's error is relative to log1p r."""
    weight = lambda z: 1 / abs(z) if z else mp.mpf(10) ** 30  # noqa: E731
    coeffs = remez(_log1p_q, -RL16, RL16, degree, weight=weight)
    rounded = [mp.mpf(float(np.float32(float(c)))) for c in coeffs]
    err = max(abs((z**2 * mp.polyval(rounded[::-1], z) - (mp.log1p(z) - z)) / mp.log1p(z))
              for z in (-RL16 + 2 * RL16 * i / 2001 for i in range(2002)))
    print(f"/* max relative error of r + r^2 LOG1P16_P32(r) over |r| <= {RL16}: 2^{mp.nstr(mp.log(err, 2), 3)} */")
    print(f"static const float LOG1P16_P32[{degree + 1}] = {{" + ", ".join(_hex(c) for c in reversed(rounded)) + "};")


def fit_pow_double(log1p_degree, exp_degree):
    """pow_body.h's float32 path in double lanes: log1p r = r + r^2 P(r) on |r| <= RL16 (the 16 subintervals of
    log16_f32_reduce, as float32 log) and e^r on |r| <= H."""
    weight = lambda z: 1 / abs(z) if z else mp.mpf(10) ** 30  # noqa: E731
    coeffs = [mp.mpf(float(c)) for c in remez(_log1p_q, -RL16, RL16, log1p_degree, weight=weight)]
    err = max(abs((z**2 * mp.polyval(coeffs[::-1], z) + z) / mp.log1p(z) - 1)
              for z in (-RL16 + 2 * RL16 * i / 2001 for i in range(2002)) if z)
    print(f"/* POW_LOG1P_D32: relative error 2^{mp.nstr(mp.log(err, 2), 3)} */")
    print(f"static const double POW_LOG1P_D32[{log1p_degree + 1}] = {{"
          + ", ".join(float(c).hex() for c in reversed(coeffs)) + "};")
    coeffs = [mp.mpf(float(c)) for c in remez(mp.exp, -H, H, exp_degree, weight=mp.exp)]
    err = max(abs(mp.polyval(coeffs[::-1], z) / mp.exp(z) - 1) for z in (-H + 2 * H * i / 2000 for i in range(2001)))
    print(f"/* POW_EXP_D32: relative error 2^{mp.nstr(mp.log(err, 2), 3)} */")
    print(f"static const double POW_EXP_D32[{exp_degree + 1}] = {{"
          + ", ".join(float(c).hex() for c in reversed(coeffs)) + "};")


H = mp.log(2) / 2 * mp.mpf("1.0001")  # |r| after pow's reduction t = n ln2 + r (n ln2 rounded once)
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


# tanh's pieces (f32_body.h, tanh_f32, tanh_slot): |x| clamped to TANH_TOP (float32 tanh is 1 from 9.01 on); the
# slot is (bits >> 22) mod 16 (the exponent's low 3 bits and the top mantissa bit) of u = max(|x|, 2|x| - 4) raised
# to TANH_BOTTOM: half octaves of |x| from TANH_BOTTOM = 2^-4 (slot 6) to 4, then [4, 5), [5, 6), [6, 8), [8, 9.5]
# (e^-2|x| needs them narrower; the half octave [4, 6) missed by 0.72 ULP at degree 6), piece 0 being all of
# [0, 0x1.8p-4). On piece i, tanh(b + y) = h + y Q(y), y = |x| - b exact (b a multiple of the piece's ulp),
# h = C0 = tanh b rounded (b chosen so that tanh b is within 0.01 ULP of a float32 and C0 <= the piece's
# lower end: h = min(C0, |x|)), Q of degree TANH_DEGREE - 1; piece 0 has b = 0, C0 = inf, so h = |x|.
TANH_BOTTOM_BITS = 0x3D800000
TANH_STRETCH = 4.0
TANH_TOP = 9.5
TANH_PIECES = 16
TANH_DEGREE = 6
TANH_SHIFT = 22  # the slot is (bits >> TANH_SHIFT) mod TANH_PIECES


def _f32(v) -> float:
    return float(np.float32(float(v)))


def _ulp32(t):
    """float32 ULPs of float64 values t (the spacing at t's binade, as tools/f32_exhaustive.c)."""
    _, e = np.frexp(np.maximum(np.abs(t), 2.0**-126))
    return np.ldexp(1.0, e - 24)


def tanh_piece_bounds(i):
    lo_bits = ((TANH_BOTTOM_BITS >> TANH_SHIFT) + i) << TANH_SHIFT
    lower = 0.0 if i == 0 else tanh_from_u(float(np.array([lo_bits], np.uint32).view(np.float32)[0]))
    upper = tanh_from_u(float(np.array([lo_bits + (1 << TANH_SHIFT)], np.uint32).view(np.float32)[0]))
    return lower, min(upper, TANH_TOP)


def tanh_from_u(u):
    """|x| from the index argument u = max(|x|, 2|x| - TANH_STRETCH) (exact in float32 for |x| <= TANH_TOP)."""
    return u if u <= TANH_STRETCH else (u + TANH_STRETCH) / 2


def tanh_centre(lower, upper):
    """A float b in [lower, upper) whose tanh is within 0.01 ULP of its float32 rounding C0 <= lower
    (nearest the middle first; for the low pieces, where tanh b > lower there, from lower up)."""
    ulp = float(np.spacing(np.float32(lower)))
    step = max(1, int((upper - lower) / 2 / ulp / 20000))
    middle = (lower + upper) / 2
    candidates = [middle + s * k * step * ulp for k in range(20000) for s in (1, -1)]
    candidates += [lower + k * ulp for k in range(200000)]
    best = None
    for b in candidates:
        b = _f32(b)
        if not lower <= b < upper:
            continue
        t = mp.tanh(mp.mpf(b))
        c0 = _f32(t)
        if c0 > lower:
            continue
        miss = abs(float(t - mp.mpf(c0))) / float(_ulp32(c0))
        if best is None or miss < best[0]:
            best = (miss, b)
        if miss < 0.01:
            break
    return best[1]


def minimax_lp(ys, target, weight, coeffs, fixed):
    """coeffs (lowest degree first, a start) refined to min max |p(y) - target| / weight over the grid ys with
    the degrees in `fixed` held: a linear program (scipy's HiGHS) on the correction, rows scaled by the
    weight and columns to unit size (the fit's error is ~1e-9 of the values, below the solver's tolerances
    if posed directly)."""
    from scipy.optimize import linprog

    h = np.max(np.abs(ys))
    powers = np.stack([(ys / h) ** k for k in range(len(coeffs))], axis=1)
    a = np.array([c * h**k for k, c in enumerate(coeffs)])
    free = [k for k in range(len(coeffs)) if k not in fixed]
    for _ in range(2):
        residual = (target - powers @ a) / weight
        m = powers[:, free] / weight[:, None]
        scale = np.max(np.abs(m), axis=0)
        m = m / scale
        ones = np.ones((len(ys), 1))
        res = linprog(np.r_[np.zeros(len(free)), 1.0], A_ub=np.vstack([np.hstack([m, -ones]), np.hstack([-m, -ones])]),
                      b_ub=np.r_[residual, -residual], bounds=[(None, None)] * (len(free) + 1), method="highs")
        a[free] += res.x[:-1] / scale
    return [a[k] / h**k for k in range(len(coeffs))]


def tanh_piece(i, points=1200):
    """(b, C0, [c1..cD]) for piece i, the c_k rounded to float32 one at a time (lowest first, the rest refit
    around each), and the fit's max error in ULPs of tanh (before the kernel's roundings)."""
    lower, upper = tanh_piece_bounds(i)
    b = 0.0 if i == 0 else tanh_centre(lower, upper)
    lo, hi = (1e-6 if i == 0 else lower) - b, upper - b
    ys = lo + (hi - lo) * (1 - np.cos(np.pi * np.arange(points + 1) / points)) / 2
    target = np.array([float(mp.tanh(mp.mpf(b) + mp.mpf(float(y)))) for y in ys])
    weight = _ulp32(target)
    # piece 0: tanh x = x + x Q(x) (c0 = 0, c1 = 1 held); the others C0 + y Q(y)
    fixed = {0: 0.0, 1: 1.0} if i == 0 else {0: _f32(mp.tanh(mp.mpf(b)))}
    powers = np.stack([ys**k for k in range(TANH_DEGREE + 1)], axis=1)
    coeffs = list(np.linalg.lstsq(powers / weight[:, None], target / weight, rcond=None)[0])
    for k in range(TANH_DEGREE + 1):
        if k in fixed:
            coeffs[k] = fixed[k]
            continue
        coeffs = minimax_lp(ys, target, weight, coeffs, fixed)
        fixed[k] = _f32(coeffs[k])
        coeffs[k] = fixed[k]
    err = np.max(np.abs(np.polyval(coeffs[::-1], ys) - target) / weight)
    c0 = float("inf") if i == 0 else coeffs[0]
    q = [0.0 if (i == 0 and k == 1) else coeffs[k] for k in range(1, TANH_DEGREE + 1)]
    return b, c0, q, err


def tanh_pieces():
    """TANH_PIECES32[row][slot]: row 0 the centre b, row 1 the head C0, rows 2.. Q highest degree first."""
    rows = [[0.0] * TANH_PIECES for _ in range(TANH_DEGREE + 2)]
    worst = 0.0
    for i in range(TANH_PIECES):
        b, c0, q, err = tanh_piece(i)
        worst = max(worst, err)
        slot = ((TANH_BOTTOM_BITS >> TANH_SHIFT) + i) % TANH_PIECES
        for r, v in enumerate([b, c0] + q[::-1]):
            rows[r][slot] = v
    print(f"/* tanh's pieces: fit error at most {worst:.3f} ULP before the kernel's roundings */")
    print(f"static const float TANH_PIECES32[{TANH_DEGREE + 2}][{TANH_PIECES}] = {{")
    for row in rows:
        text = ", ".join("__builtin_inff()" if v == float("inf") else _hex(np.float32(v)) for v in row)
        print(f"    {{{text}}},")
    print("};")


if __name__ == "__main__":
    mp.mp.dps = 40
    fit_log1p(3)
    fit_pow_double(5, 6)
    fit_odd("ATAN_Q32", atan_cubic_ratio, mp.atan, U, 5, "atan u")
    fit_odd("ASIN_R32", asin_cubic_ratio, mp.asin, S, 4, "asin u", sequential=True)
    exp2_table()
    fit_relative("EXP_R32", _q, mp.exp, -RN, RN, 1)  # e^r = 1 + r + r^2 Q(r)
    fit_relative("EXPM1_Q32", _q, mp.expm1, -mp.mpf("0.25"), mp.mpf("0.25"), 4)
    fit_odd("SINH_P32", _sinh_p, mp.sinh, mp.mpf("0.8"), 3, "sinh x")
    tanh_pieces()
