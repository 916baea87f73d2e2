"""Speed of rt_pandas.math's elementary functions next to numpy, scipy-free
pyarrow.compute and numexpr (when installed), in the same run.

10M elements, best of 5, ns per element; ratios to a plain copy of the same
array (np.copyto into a preallocated buffer) and to numpy. One thread unless
the row says otherwise; the "avx2" rows force the AVX2 variant.

    python benchmarks/bench_elementary.py [--n 10000000] [--repeat 5]

Writes benchmarks/results/elementary.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import rt_pandas
from rt_pandas import math as rtm

try:
    import numexpr
except ImportError:  # optional competitor
    numexpr = None

ROOT = Path(__file__).resolve().parent.parent
FUNCS = {
    "sinh": (np.sinh, "sinh", (-20, 20)),
    "cosh": (np.cosh, "cosh", (-20, 20)),
    "tanh": (np.tanh, "tanh", (-5, 5)),
    "asin": (np.arcsin, "asin", (-1, 1)),
    "acos": (np.arccos, "acos", (-1, 1)),
    "atan": (np.arctan, "atan", (-100, 100)),
    "exp": (np.exp, "exp", (-50, 50)),
    "log": (np.log, "ln", (1e-3, 1e3)),
    "expm1": (np.expm1, "expm1", (-5, 5)),
    "log1p": (np.log1p, "log1p", (-0.5, 10)),
}


def best_ns(fn, n: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best / n * 1e9


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    n, repeat = args.n, args.repeat
    rng = np.random.default_rng(1)
    rows = []
    rt_pandas.set_num_threads(1)
    if numexpr is not None:
        numexpr.set_num_threads(1)
    for dtype in (np.float64, np.float32):
        base = rng.random(n)
        buf = np.empty(n, dtype)
        copy_ns = best_ns(lambda: np.copyto(buf, base.astype(dtype, copy=False)), n, repeat)
        src = base.astype(dtype)
        copy_ns = best_ns(lambda: np.copyto(buf, src), n, repeat)
        add_ns = best_ns(lambda: np.add(src, src, out=buf), n, repeat)
        for name, (np_fn, pc_name, (lo, hi)) in FUNCS.items():
            x = (lo + (hi - lo) * base).astype(dtype)
            row = {"function": name, "dtype": np.dtype(dtype).name, "copy_ns": copy_ns}
            row["rt_ns"] = best_ns(lambda: getattr(rtm, name)(x), n, repeat)
            row["numpy_ns"] = best_ns(lambda: np_fn(x, out=buf), n, repeat)
            if dtype == np.float64:
                arr = pa.array(x)
                row["pyarrow_ns"] = best_ns(lambda: getattr(pc, pc_name)(arr), n, repeat)
            if numexpr is not None:
                expr = {"asin": "arcsin", "acos": "arccos", "atan": "arctan"}.get(name, name)
                row["numexpr_ns"] = best_ns(lambda: numexpr.evaluate(f"{expr}(x)"), n, repeat)
            rt_pandas.force_simd("avx2") if "avx2" in rt_pandas.simd_levels() else None
            row["rt_avx2_ns"] = best_ns(lambda: getattr(rtm, name)(x), n, repeat)
            rt_pandas.force_simd(None)
            rt_pandas.set_num_threads(2)
            row["rt_2threads_ns"] = best_ns(lambda: getattr(rtm, name)(x), n, repeat)
            rt_pandas.set_num_threads(1)
            rows.append(row)
            print(row, flush=True)
        y = (base * 2 - 1).astype(dtype)
        xs = (base[::-1] * 2 - 1).astype(dtype)
        row = {"function": "atan2", "dtype": np.dtype(dtype).name, "copy_ns": copy_ns, "add_ns": add_ns,
               "rt_ns": best_ns(lambda: rtm.atan2(y, xs), n, repeat),
               "numpy_ns": best_ns(lambda: np.arctan2(y, xs, out=buf), n, repeat)}
        if dtype == np.float64:
            ya, xa = pa.array(y), pa.array(xs)
            row["pyarrow_ns"] = best_ns(lambda: pc.atan2(ya, xa), n, repeat)
        rt_pandas.force_simd("avx2") if "avx2" in rt_pandas.simd_levels() else None
        row["rt_avx2_ns"] = best_ns(lambda: rtm.atan2(y, xs), n, repeat)
        rt_pandas.force_simd(None)
        rt_pandas.set_num_threads(2)
        row["rt_2threads_ns"] = best_ns(lambda: rtm.atan2(y, xs), n, repeat)
        rt_pandas.set_num_threads(1)
        rows.append(row)
        print(row, flush=True)
    rt_pandas.set_num_threads(None)
    out = ROOT / "benchmarks" / "results" / "elementary.json"
    out.write_text(json.dumps({"n": n, "repeat": repeat, "simd": rt_pandas.versions()["simd"], "rows": rows}, indent=1))
    print("| function | dtype | copy | rt | rt/copy | numpy | numpy/rt | pyarrow | rt AVX2 | rt 2 threads | GB/s (rt) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        size = 4 if r["dtype"] == "float32" else 8
        inputs = 2 if r["function"] == "atan2" else 1
        gbs = (inputs + 1) * size / r["rt_ns"]
        pa_ns = f"{r['pyarrow_ns']:.2f}" if "pyarrow_ns" in r else ""
        print(f"| {r['function']} | {r['dtype']} | {r['copy_ns']:.2f} | {r['rt_ns']:.2f} | {r['rt_ns'] / r['copy_ns']:.1f}x "
              f"| {r['numpy_ns']:.2f} | {r['numpy_ns'] / r['rt_ns']:.2f}x | {pa_ns} | {r['rt_avx2_ns']:.2f} "
              f"| {r['rt_2threads_ns']:.2f} | {gbs:.1f} |")


if __name__ == "__main__":
    main()
