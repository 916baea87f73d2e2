"""Measure the ULP error of rt_pandas.math against mpmath (50 digits), next to numpy's.

For each function and dtype: N points, log-uniform magnitudes over the whole
domain with both signs, plus edges (near +-1 for asin/acos, near the overflow
thresholds, subnormals). Writes benchmarks/results/math_accuracy.json and
prints the markdown table of docs/math.md.

    python tools/math_accuracy.py [--points 100000] [--only pow,exp] [--dtype float32]

With --only or --dtype the measured rows replace their counterparts in the
existing JSON and the others are kept.
"""

from __future__ import annotations

import argparse
import json
import time
import zlib
from pathlib import Path

import mpmath
import numpy as np

import rt_pandas
from rt_pandas import math as rtm

mpmath.mp.dps = 50
ROOT = Path(__file__).resolve().parent.parent

# name: (mpmath function, log10 magnitude range, both signs, numpy function)
DOMAINS = {
    "exp": (mpmath.exp, (-300, np.log10(745.0)), True, np.exp),
    "expm1": (mpmath.expm1, (-300, np.log10(709.0)), True, np.expm1),
    "log": (mpmath.log, (-320, 308), False, np.log),
    "log1p": (mpmath.log1p, (-300, 308), None, np.log1p),
    "sinh": (mpmath.sinh, (-300, np.log10(710.4)), True, np.sinh),
    "cosh": (mpmath.cosh, (-300, np.log10(710.4)), True, np.cosh),
    "tanh": (mpmath.tanh, (-300, np.log10(25.0)), True, np.tanh),
    "asin": (mpmath.asin, (-300, 0.0), True, np.arcsin),
    "acos": (mpmath.acos, (-300, 0.0), True, np.arccos),
    "atan": (mpmath.atan, (-300, 300), True, np.arctan),
}
F32_LOG_RANGE = {"exp": (-40, np.log10(88.7)), "expm1": (-40, np.log10(88.7)), "log": (-44, 38),
                 "log1p": (-40, 38), "sinh": (-40, np.log10(89.4)), "cosh": (-40, np.log10(89.4)),
                 "tanh": (-40, np.log10(12.0)), "asin": (-40, 0.0), "acos": (-40, 0.0), "atan": (-40, 38)}


def points(name: str, dtype, n: int, rng: np.random.Generator) -> np.ndarray:
    _, (lo, hi), signed, _ = DOMAINS[name]
    if dtype == np.float32:
        lo, hi = F32_LOG_RANGE[name]
    mags = 10.0 ** rng.uniform(lo, hi, n)
    if signed is None:  # log1p: x > -1
        neg = rng.random(n) < 0.5
        mags = np.where(neg, -rng.random(n), mags)
    elif signed:
        mags = np.where(rng.random(n) < 0.5, -mags, mags)
    edges = {"asin": 1 - 10.0 ** rng.uniform(-16, -1, n // 20), "acos": 1 - 10.0 ** rng.uniform(-16, -1, n // 20)}
    x = mags.astype(dtype)
    if name in edges:
        e = edges[name].astype(dtype)
        x[: len(e)] = np.where(rng.random(len(e)) < 0.5, e, -e)
    return x


def ulp_errors(got: np.ndarray, x: np.ndarray, fn) -> np.ndarray:
    dtype = got.dtype
    finfo = np.finfo(dtype)
    errs = np.zeros(len(x))
    for i, (g, xi) in enumerate(zip(got.tolist(), x.tolist())):
        exact = fn(mpmath.mpf(xi))
        want = dtype.type(float(exact)) if dtype == np.float64 else np.float32(float(exact))
        if not np.isfinite(want) or not np.isfinite(g):
            errs[i] = 0.0 if (g == want or (np.isnan(g) and np.isnan(want))) else np.inf
            continue
        e = max(mpmath.floor(mpmath.log(abs(exact), 2)) if exact != 0 else finfo.minexp, finfo.minexp)
        ulp = mpmath.ldexp(1, int(e) - finfo.nmant)
        errs[i] = float(abs(mpmath.mpf(float(g)) - exact) / ulp)
    return errs


def pow_points(dtype, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Bases over the whole range (30% near 1, 20% negative), exponents sending x**y across the
    whole result range including overflow and the subnormals (30% integers)."""
    finfo = np.finfo(dtype)
    top = np.log(float(finfo.max))
    x = 10.0 ** rng.uniform(np.log10(float(finfo.smallest_subnormal)), np.log10(float(finfo.max)), n)
    x = np.where(rng.random(n) < 0.3, 1 + rng.uniform(-1, 1, n) * 10.0 ** rng.uniform(-7, -1, n), x)
    x = np.where(rng.random(n) < 0.2, -x, x)
    log_x = np.log(np.abs(x))
    target = rng.uniform(-1.1, 1.05, n) * (top + 30)
    y = np.where(log_x != 0, target / np.where(log_x != 0, log_x, 1), rng.uniform(-10, 10, n))
    y = np.where(rng.random(n) < 0.3, np.round(y), y)
    return x.astype(dtype), np.where(np.isfinite(y), y, 1.0).astype(dtype)


def pow_small_points(dtype, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The product path's exponents y = +-k/2 (k = 1..64) with bases sending x**y from below the
    subnormals to past overflow (20% negative)."""
    finfo = np.finfo(dtype)
    y = rng.integers(1, 65, n) / 2.0 * np.where(rng.random(n) < 0.5, -1.0, 1.0)
    span = np.log2(float(finfo.max))
    log2_x = np.clip(rng.uniform(-1.1, 1.05, n) * span / np.abs(y), np.log2(float(finfo.smallest_subnormal)),
                     span - 0.01)
    x = np.exp2(log2_x) * np.where(rng.random(n) < 0.2, -1.0, 1.0)
    return x.astype(dtype), y.astype(dtype)


def pow_ulp_errors(got: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    dtype = got.dtype
    finfo = np.finfo(dtype)
    errs = np.zeros(len(x))
    for i, (g, xi, yi) in enumerate(zip(got.tolist(), x.tolist(), y.tolist())):
        if xi < 0 and yi != int(yi):
            errs[i] = 0.0 if np.isnan(g) else np.inf
            continue
        exact = mpmath.power(mpmath.mpf(xi), mpmath.mpf(yi))
        with np.errstate(over="ignore"):
            big = abs(exact) >= mpmath.mpf(2) ** 1024
            want = dtype.type(np.copysign(np.inf, float(mpmath.sign(exact))) if big else float(exact))
        if not np.isfinite(want) or not np.isfinite(g) or exact == 0:
            errs[i] = 0.0 if (g == want or (np.isnan(g) and np.isnan(want))) else np.inf
            continue
        e = max(mpmath.floor(mpmath.log(abs(exact), 2)), finfo.minexp)
        errs[i] = float(abs(mpmath.mpf(float(g)) - exact) / mpmath.ldexp(1, int(e) - finfo.nmant))
    return errs


def pow_rows(n: int, rng: np.random.Generator) -> list[dict]:
    """pow on the general sweep and on the small half-integer exponents (array exponents: the same
    bits as a scalar one, tests/test_pow.py)."""
    rows = []
    for function, make_points in (("pow", pow_points), ("pow (y = +-k/2, k <= 64)", pow_small_points)):
        for dtype in (np.float32, np.float64):
            x, y = make_points(dtype, n, rng)
            ours = pow_ulp_errors(rtm.pow(x, y), x, y)
            with np.errstate(all="ignore"):
                theirs = pow_ulp_errors(np.power(x, y), x, y)
            rows.append({"function": function, "dtype": np.dtype(dtype).name, "points": len(x),
                         "max_ulp": float(ours.max()), "mean_ulp": float(ours.mean()),
                         "numpy_max_ulp": float(theirs.max()), "numpy_mean_ulp": float(theirs.mean())})
            print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--only", help="comma-separated function names (pow included)")
    parser.add_argument("--dtype", choices=["float32", "float64"], help="measure one dtype only")
    args = parser.parse_args()
    dtypes = [np.dtype(args.dtype).type] if args.dtype else [np.float32, np.float64]
    rng = np.random.default_rng(20251125)
    only = set(args.only.split(",")) if args.only else None
    rows = []
    for name, (fn, _, _, np_fn) in DOMAINS.items():
        if only is not None and name not in only:
            continue
        for dtype in dtypes:
            # Seeded per function and dtype, so a run with --only/--dtype measures the same points.
            x = points(name, dtype, args.points, np.random.default_rng([20251125, zlib.crc32(name.encode()),
                                                                        np.dtype(dtype).itemsize]))
            started = time.time()
            ours = ulp_errors(getattr(rtm, name)(x), x, fn)
            with np.errstate(all="ignore"):
                theirs = ulp_errors(np_fn(x), x, fn)
            row = {"function": name, "dtype": np.dtype(dtype).name, "points": len(x),
                   "max_ulp": float(ours.max()), "mean_ulp": float(ours.mean()),
                   "numpy_max_ulp": float(theirs.max()), "numpy_mean_ulp": float(theirs.mean())}
            rows.append(row)
            print(row, f"{time.time() - started:.0f}s", flush=True)
    if only is None or "pow" in only:
        rows += [r for r in pow_rows(args.points, rng) if np.dtype(r["dtype"]).type in dtypes]
    out = ROOT / "benchmarks" / "results" / "math_accuracy.json"
    if (only is not None or args.dtype) and out.exists():
        measured = {(r["function"], r["dtype"]): r for r in rows}
        kept = json.loads(out.read_text())["rows"]
        rows = [measured.pop((r["function"], r["dtype"]), r) for r in kept] + list(measured.values())
    out.write_text(json.dumps({"simd": rt_pandas.versions()["simd"], "rows": rows}, indent=1))
    print("| function | dtype | max ULP | mean ULP | numpy max ULP | numpy mean ULP |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['function']} | {r['dtype']} | {r['max_ulp']:.3f} | {r['mean_ulp']:.3f} | "
              f"{r['numpy_max_ulp']:.3f} | {r['numpy_mean_ulp']:.3f} |")


if __name__ == "__main__":
    main()
