"""Speed of rt_pandas.math's erf, erfc, gamma and lgamma next to scipy.special, in the same run.

10M elements, best of 5, ns per element, float32 and float64, one thread
(rt_pandas.set_num_threads(1); scipy's ufuncs are single-threaded). Also the
forced AVX2 variant on AVX-512 machines, and 2 threads. Ratios are scipy / rt
(higher is better for rt-pandas); the issue's goals: erf >= 20x scipy in
float32 and >= 10x in float64, gamma and lgamma >= 5x.

    python benchmarks/bench_special.py [--n 10000000] [--repeat 5] [--out FILE]

Writes benchmarks/results/special.json, or --out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

import numpy as np
import scipy
import scipy.special as sc

import rt_pandas
from rt_pandas import math as rtm

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_elementary import best_ns  # noqa: E402  (the one timer of the math benchmarks)

ROOT = Path(__file__).resolve().parent.parent
# name -> (scipy ufunc, input range): the ranges where each function has work to do.
FUNCS = {
    "erf": (sc.erf, (-4.0, 4.0)),
    "erfc": (sc.erfc, (-4.0, 10.0)),
    "gamma": (sc.gamma, (-30.0, 170.0)),
    "lgamma": (sc.gammaln, (-30.0, 1000.0)),
}
GOALS = {("erf", "float32"): 20.0, ("erf", "float64"): 10.0}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "special.json")
    args = parser.parse_args()
    n, repeat = args.n, args.repeat
    base = np.random.default_rng(1).random(n)
    levels = rt_pandas.simd_levels()
    rows = []
    for dtype in (np.float32, np.float64):
        out = np.empty(n, dtype)
        for name, (scipy_fn, (lo, hi)) in FUNCS.items():
            x = (lo + (hi - lo) * base).astype(dtype)
            rt_fn = getattr(rtm, name)
            row = {"function": name, "dtype": np.dtype(dtype).name, "simd": levels[-1]}
            rt_pandas.set_num_threads(1)
            row["rt_ns"] = best_ns(lambda: rt_fn(x, out=out), n, repeat)
            with np.errstate(all="ignore"):
                row["scipy_ns"] = best_ns(lambda: scipy_fn(x, out=out), n, repeat)
            if "avx2" in levels and levels[-1] != "avx2":
                rt_pandas.force_simd("avx2")
                row["rt_avx2_ns"] = best_ns(lambda: rt_fn(x, out=out), n, repeat)
                rt_pandas.force_simd(levels[-1])
            rt_pandas.set_num_threads(2)
            row["rt_2threads_ns"] = best_ns(lambda: rt_fn(x, out=out), n, repeat)
            rt_pandas.set_num_threads(1)
            row["scipy_over_rt"] = row["scipy_ns"] / row["rt_ns"]
            row["goal"] = GOALS.get((name, row["dtype"]), 5.0 if "gamma" in name else None)
            rows.append(row)
            print(f"{name:7s} {row['dtype']:8s} rt {row['rt_ns']:6.2f} ns  scipy {row['scipy_ns']:6.2f} ns  "
                  f"scipy/rt {row['scipy_over_rt']:5.1f}x  avx2 {row.get('rt_avx2_ns', float('nan')):6.2f} ns  "
                  f"2 threads {row['rt_2threads_ns']:6.2f} ns", flush=True)
    meta = {"n": n, "repeat": repeat, "simd_levels": levels, "cpu_count": os.cpu_count(),
            "numpy": np.__version__, "scipy": scipy.__version__, "python": platform.python_version()}
    path = args.out
    path.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
