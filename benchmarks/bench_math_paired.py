"""rt_pandas.math against numpy / scipy.special as paired ratios, for machines too noisy for one-shot tables.

On a shared machine the speed of the whole machine moves by 20-30% within minutes, and a numpy
function's own time can differ from one process to the next. Here each round times the reference and
rt back to back in one process (best of --best calls each) and keeps their ratio; the report is the
median ratio over --rounds rounds with its quartiles, per function and dtype. One thread; the widest
SIMD level unless --simd says otherwise (numpy is what the machine gives: on an AVX2-only machine
that is numpy's AVX2 code, the issue's "numpy AVX2").

    python benchmarks/bench_math_paired.py [--n 2000000] [--rounds 11] [--best 3] [--only atan,erf]
        [--simd avx2] [--out benchmarks/results/math_paired.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

import numpy as np

import rt_pandas
from rt_pandas import math as rtm

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_elementary import FUNCS as ELEMENTARY, best_ns  # noqa: E402  (the same timer and input ranges)
from bench_special import FUNCS as SPECIAL  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

# name: (reference ufunc, input range), from the two benchmarks' tables; the issue's AVX2 goals name sinh,
# asin, acos, atan and atan2
UNARY = {
    **{name: (ELEMENTARY[name][0], ELEMENTARY[name][3]) for name in ("sinh", "tanh", "asin", "acos", "atan")},
    **{name: SPECIAL[name] for name in ("erf", "gamma", "lgamma")},
}


def cases(n: int, only: set[str] | None):
    """(name, dtype, reference call, rt call) for every function and dtype asked for."""
    rng = np.random.default_rng(0)
    for dtype in (np.float64, np.float32):
        out = np.empty(n, dtype)
        for name, (ref, (lo, hi)) in UNARY.items():
            if only is None or name in only:
                x = rng.uniform(lo, hi, n).astype(dtype)
                yield (name, np.dtype(dtype).name, lambda x=x, f=ref, o=out: f(x, out=o),
                       lambda x=x, f=getattr(rtm, name), o=out: f(x, out=o))
        if only is None or "atan2" in only:
            y, x = rng.uniform(-10, 10, n).astype(dtype), rng.uniform(-10, 10, n).astype(dtype)
            yield ("atan2", np.dtype(dtype).name, lambda y=y, x=x, o=out: np.arctan2(y, x, out=o),
                   lambda y=y, x=x, o=out: rtm.atan2(y, x, out=o))


def paired(ref, ours, n: int, rounds: int, best: int) -> dict:
    ref_ns, rt_ns, ratios = [], [], []
    for _ in range(rounds):
        a, b = best_ns(ref, n, best), best_ns(ours, n, best)
        ref_ns.append(a)
        rt_ns.append(b)
        ratios.append(a / b)
    q1, median, q3 = np.percentile(ratios, [25, 50, 75])
    return {"reference_ns": float(np.median(ref_ns)), "rt_ns": float(np.median(rt_ns)),
            "ratio_median": float(median), "ratio_q1": float(q1), "ratio_q3": float(q3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2_000_000)
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--best", type=int, default=3)
    parser.add_argument("--only", help="comma-separated function names (default: all)")
    parser.add_argument("--simd", help="force this SIMD level in rt (default: the widest)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "math_paired.json")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    rt_pandas.set_num_threads(1)
    if args.simd:
        rt_pandas.force_simd(args.simd)
    rows = []
    try:
        with np.errstate(all="ignore"):  # scipy's gamma overflows on part of the range, as intended
            for name, dtype, ref, ours in cases(args.n, only):
                row = {"function": name, "dtype": dtype, **paired(ref, ours, args.n, args.rounds, args.best)}
                rows.append(row)
                print(f"{name:7s} {dtype:8s} reference {row['reference_ns']:6.2f} ns  rt {row['rt_ns']:5.2f} ns  "
                      f"reference/rt median {row['ratio_median']:5.2f}x (q1 {row['ratio_q1']:.2f}, "
                      f"q3 {row['ratio_q3']:.2f})", flush=True)
    finally:
        rt_pandas.force_simd(None)
        rt_pandas.set_num_threads(None)
    meta = {"n": args.n, "rounds": args.rounds, "best": args.best, "simd": rt_pandas.versions()["simd"],
            "forced_simd": args.simd, "numpy": np.__version__, "cpu_count": os.cpu_count(),
            "python": platform.python_version(), "load": os.getloadavg()}
    args.out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
