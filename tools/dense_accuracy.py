"""Dense ULP checks of the float64 sinh, cosh, tanh and expm1 near their range switches.

Uniform points in each range (both signs but for expm1), on the native backend
(the active SIMD level, whose bits the tests hold equal to the scalar
reference) and the wasm backend (no FMA), against 80-bit long double libm
(sinhl, coshl, tanhl, expm1l: ~2^-63 relative, far below the errors measured).
Prints the markdown rows of docs/math.md ("float64 sinh, cosh, tanh, expm1:
error bound"): max / mean ULP native, max ULP wasm, where the native maximum
is, and how many points differ in the last bit between the backends.

    python tools/dense_accuracy.py [--points 1000000] [--only sinh,tanh]

>>> float(ulp_errors("sinh", np.array([1.0]), np.array([np.sinh(1.0)]))[0]) < 0.5
True
"""

from __future__ import annotations

import argparse

import numpy as np

import rt_pandas
from rt_pandas import math as rtm

REFERENCE = {"sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "expm1": np.expm1}
# |x| ranges (x itself for expm1), with the switches inside or at their ends:
# sinh's series below 1/8 and its wide variant past 707 (cosh's past 354), tanh's series below 0.1, its clamp at 18.6 and 1 from 19.0615,
# expm1's series below 2^-12, m = 0 below ln2/32 = 0.0217, its rare path past 36 and 700.
RANGES = {
    "sinh": [(0.1, 0.125), (0.125, 0.15), (0.15, 0.25), (0.25, 0.5), (0.5, 1), (1, 3), (3, 22), (22, 330), (330, 706),
             (706, 708), (708, 710.4758)],
    "cosh": [(0, 0.02), (0.02, 0.25), (0.25, 1), (1, 3), (3, 22), (22, 354), (353, 355), (355, 709),
             (709, 710.4758)],
    "expm1": [(-40, -5), (-5, -0.5), (-0.5, -0.0217), (-0.0217, -2**-12), (2**-14, 2**-12), (2**-12, 0.0217),
              (0.0217, 0.065), (0.065, 0.5), (0.5, 5), (5, 36), (35.9, 36.1), (36, 700), (700, 709.78)],
    "tanh": [(0.05, 0.1), (0.1, 0.15), (0.15, 0.2), (0.2, 0.5), (0.5, 1), (1, 3), (3, 18.6), (18.5, 18.7), (18.6, 19.1), (19, 21)],
}


def ulp_errors(name: str, x: np.ndarray, got: np.ndarray) -> np.ndarray:
    """|got - f(x)| in ULPs of f(x) rounded to double, f in long double."""
    ref = REFERENCE[name](x.astype(np.longdouble))
    spacing = np.spacing(np.abs(ref.astype(np.float64))).astype(np.longdouble)
    return np.abs((got.astype(np.longdouble) - ref) / spacing).astype(np.float64)


def row(name: str, lo: float, hi: float, n: int, rng: np.random.Generator) -> str:
    x = rng.uniform(lo, hi, n)
    if name != "expm1":
        x *= rng.choice([-1.0, 1.0], n)
    results = {}
    for backend in ("native", "wasm"):
        rt_pandas.set_backend(backend)
        results[backend] = getattr(rtm, name)(x)
    rt_pandas.set_backend("native")
    native, wasm = ulp_errors(name, x, results["native"]), ulp_errors(name, x, results["wasm"])
    worst = x[np.argmax(native)] if name == "expm1" else abs(x[np.argmax(native)])
    differ = int(np.count_nonzero(results["native"] != results["wasm"]))
    return (f"| {name} | [{lo:g}, {hi:g}] | {native.max():.3f} / {native.mean():.3f} | {wasm.max():.3f} "
            f"| {worst:.4g} | {differ} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--only", help="comma-separated function names")
    args = parser.parse_args()
    rng = np.random.default_rng(2026)
    print("| function | \\|x\\| in | native max / mean ULP | wasm max ULP | at | wasm != native |")
    print("|---|---|---|---|---|---|")
    for name in (args.only.split(",") if args.only else RANGES):
        for lo, hi in RANGES[name]:
            print(row(name, lo, hi, args.points, rng), flush=True)


if __name__ == "__main__":
    main()
