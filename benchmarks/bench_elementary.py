"""Speed of rt_pandas.math's elementary functions, pow and clamp next to numpy,
pyarrow.compute and numexpr (one thread), in the same run.

10M elements, best of 5, ns per element; ratios to a plain copy of the same
array (np.copyto into a preallocated buffer) and to numpy. One thread unless
the column says otherwise; "rt AVX2" forces the AVX2 variant; "numpy AVX2" is
the same numpy run in a subprocess with NPY_DISABLE_CPU_FEATURES="X86_V4
AVX512_ICL AVX512_SPR" (no SVML), which is what AVX2-only machines get.
clamp is also measured on an Arrow array with 10% nulls, next to pyarrow's
min/max route (which turns the nulls into the bound).

    python benchmarks/bench_elementary.py [--n 10000000] [--repeat 5] [--dtype float32] [--out FILE]

Writes benchmarks/results/elementary.json, or --out (with --dtype, that dtype's
rows replace their counterparts and the others are kept).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
NUMPY_AVX2_ENV = {"NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR"}

# name: (numpy function, pyarrow.compute name, numexpr expression, input range)
FUNCS = {
    "sinh": (np.sinh, "sinh", "sinh(x)", (-20, 20)),
    "cosh": (np.cosh, "cosh", "cosh(x)", (-20, 20)),
    "tanh": (np.tanh, "tanh", "tanh(x)", (-5, 5)),
    "asin": (np.arcsin, "asin", "arcsin(x)", (-1, 1)),
    "acos": (np.arccos, "acos", "arccos(x)", (-1, 1)),
    "atan": (np.arctan, "atan", "arctan(x)", (-100, 100)),
    "exp": (np.exp, "exp", "exp(x)", (-50, 50)),
    "log": (np.log, "ln", "log(x)", (1e-3, 1e3)),
    "expm1": (np.expm1, "expm1", "expm1(x)", (-5, 5)),
    "log1p": (np.log1p, "log1p", "log1p(x)", (-0.5, 10)),
    "pow": (lambda x, out: np.power(x, x.dtype.type(2.5), out=out), "power", "x ** 2.5", (0, 10)),
    "pow_2.37": (lambda x, out: np.power(x, x.dtype.type(2.37), out=out), "power", "x ** 2.37", (0, 10)),
    "clamp": (lambda x, out: np.clip(x, -1, 1, out=out), None, "where(x < -1, -1, where(x > 1, 1, x))", (-2, 2)),
}
# The pow rows' scalar exponents: 2.5 takes the small half-integer path (products and a square root),
# 2.37 the general one (log and exp).
POW_EXPONENTS = {"pow": 2.5, "pow_2.37": 2.37}
CLAMP_BOUNDS = (-1.0, 1.0)
NULL_FRACTION = 0.1  # the clamp row's Arrow input: nulls must stay nulls


def pyarrow_clamp(arr, lower: float, upper: float):
    """pyarrow's route to a clamp: its min/max kernels skip nulls, so a null row becomes the bound."""
    import pyarrow.compute as pc

    return pc.min_element_wise(pc.max_element_wise(arr, lower), upper)


def rt_call(rtm, name: str, x, buf):
    """The rt call measured for one FUNCS row, writing into buf."""
    if name in POW_EXPONENTS:
        return lambda: rtm.pow(x, POW_EXPONENTS[name], out=buf)
    if name == "clamp":
        return lambda: rtm.clamp(x, *CLAMP_BOUNDS, out=buf)
    return lambda: getattr(rtm, name)(x, out=buf)


def clamp_with_nulls(x: np.ndarray, n: int, repeat: int, rtm) -> dict:
    """clamp on an Arrow array with nulls: rt shares the validity, pyarrow's route fills the bound in."""
    import pyarrow as pa

    mask = np.random.default_rng(2).random(len(x)) < NULL_FRACTION
    arr = pa.array(x, mask=mask)
    assert rtm.clamp(arr, *CLAMP_BOUNDS).null_count == arr.null_count
    return {"rt_arrow_nulls_ns": best_ns(lambda: rtm.clamp(arr, *CLAMP_BOUNDS), n, repeat),
            "pyarrow_nulls_ns": best_ns(lambda: pyarrow_clamp(arr, *CLAMP_BOUNDS), n, repeat),
            "alloc_copy_ns": best_ns(lambda: x.copy(), n, repeat)}


def best_ns(fn, n: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best / n * 1e9


def inputs(n: int, dtype) -> dict[str, np.ndarray]:
    base = np.random.default_rng(1).random(n)
    data = {name: (lo + (hi - lo) * base).astype(dtype) for name, (_, _, _, (lo, hi)) in FUNCS.items()}
    data["atan2_y"] = (base * 2 - 1).astype(dtype)
    data["atan2_x"] = (base[::-1] * 2 - 1).astype(dtype)
    return data


def numpy_only(n: int, repeat: int, dtypes) -> dict:
    """numpy timings alone (run in a subprocess under NUMPY_AVX2_ENV)."""
    result = {}
    for dtype in dtypes:
        data = inputs(n, dtype)
        buf = np.empty(n, dtype)
        for name, (np_fn, _, _, _) in FUNCS.items():
            x = data[name]
            result[f"{name}/{np.dtype(dtype).name}"] = best_ns(lambda: np_fn(x, out=buf), n, repeat)
        y, xs = data["atan2_y"], data["atan2_x"]
        result[f"atan2/{np.dtype(dtype).name}"] = best_ns(lambda: np.arctan2(y, xs, out=buf), n, repeat)
    return result


def numpy_avx2(n: int, repeat: int, dtype: str | None) -> dict:
    env = {**os.environ, **NUMPY_AVX2_ENV}
    command = [sys.executable, __file__, "--n", str(n), "--repeat", str(repeat), "--numpy-only"]
    out = subprocess.run(command + (["--dtype", dtype] if dtype else []),
                         env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def run_rt(fn, n: int, repeat: int, rt_pandas) -> dict:
    """rt timings: widest SIMD level, forced AVX2, two threads."""
    row = {"rt_ns": best_ns(fn, n, repeat)}
    if "avx2" in rt_pandas.simd_levels():
        rt_pandas.force_simd("avx2")
        row["rt_avx2_ns"] = best_ns(fn, n, repeat)
        rt_pandas.force_simd(None)
    rt_pandas.set_num_threads(2)
    row["rt_2threads_ns"] = best_ns(fn, n, repeat)
    rt_pandas.set_num_threads(1)
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dtype", choices=["float32", "float64"], help="measure one dtype only")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "elementary.json")
    parser.add_argument("--numpy-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    n, repeat = args.n, args.repeat
    dtypes = [np.dtype(args.dtype).type] if args.dtype else [np.float64, np.float32]
    if args.numpy_only:
        print(json.dumps(numpy_only(n, repeat, dtypes)))
        return
    import pyarrow as pa
    import pyarrow.compute as pc

    import rt_pandas
    from rt_pandas import math as rtm

    try:
        import numexpr
        numexpr.set_num_threads(1)
    except ImportError:  # optional competitor
        numexpr = None
    avx2_numpy = numpy_avx2(n, repeat, args.dtype)
    rows = []
    rt_pandas.set_num_threads(1)
    for dtype in dtypes:
        data = inputs(n, dtype)
        dname = np.dtype(dtype).name
        buf = np.empty(n, dtype)
        src = data["atan2_y"]
        copy_ns = best_ns(lambda: np.copyto(buf, src), n, repeat)
        add_ns = best_ns(lambda: np.add(src, src, out=buf), n, repeat)
        for name, (np_fn, pc_name, ne_expr, _) in FUNCS.items():
            x = data[name]
            # rt writes into the same preallocated buffer as numpy (out=), so neither pays page faults
            y = POW_EXPONENTS.get(name)
            row = {"function": name, "dtype": dname, "copy_ns": copy_ns,
                   **run_rt(rt_call(rtm, name, x, buf), n, repeat, rt_pandas)}
            row["numpy_ns"] = best_ns(lambda: np_fn(x, out=buf), n, repeat)
            row["numpy_avx2_ns"] = avx2_numpy[f"{name}/{dname}"]
            if name == "clamp":
                row.update(clamp_with_nulls(x, n, repeat, rtm))
            elif dtype == np.float64:
                arr = pa.array(x)
                pc_fn = (lambda: pc.power(arr, y)) if y else (lambda: getattr(pc, pc_name)(arr))
                row["pyarrow_ns"] = best_ns(pc_fn, n, repeat)
            if numexpr is not None:
                row["numexpr_ns"] = best_ns(lambda: numexpr.evaluate(ne_expr, local_dict={"x": x}, out=buf), n,
                                            repeat)
            rows.append(row)
            print(row, flush=True)
        y, xs = data["atan2_y"], data["atan2_x"]
        row = {"function": "atan2", "dtype": dname, "copy_ns": copy_ns, "add_ns": add_ns,
               **run_rt(lambda: rtm.atan2(y, xs, out=buf), n, repeat, rt_pandas),
               "numpy_ns": best_ns(lambda: np.arctan2(y, xs, out=buf), n, repeat),
               "numpy_avx2_ns": avx2_numpy[f"atan2/{dname}"]}
        if dtype == np.float64:
            ya, xa = pa.array(y), pa.array(xs)
            row["pyarrow_ns"] = best_ns(lambda: pc.atan2(ya, xa), n, repeat)
        if numexpr is not None:
            row["numexpr_ns"] = best_ns(lambda: numexpr.evaluate("arctan2(y, x)", local_dict={"y": y, "x": xs},
                                                                 out=buf), n, repeat)
        rows.append(row)
        print(row, flush=True)
    rt_pandas.set_num_threads(None)
    out = args.out
    if args.dtype and out.exists():
        kept = [r for r in json.loads(out.read_text())["rows"] if r["dtype"] != args.dtype]
        rows = [r for r in kept if r["dtype"] == "float64"] + rows + [r for r in kept if r["dtype"] == "float32"]
    meta = {"n": n, "repeat": repeat, "simd": rt_pandas.versions()["simd"], "numpy": np.__version__,
            "numexpr": numexpr.__version__ if numexpr is not None else None}
    out.write_text(json.dumps({**meta, "rows": rows}, indent=1))
    print_table(rows)


def print_table(rows: list[dict]) -> None:
    def cell(r, key):
        return f"{r[key]:.2f}" if key in r else ""

    print("| function | dtype | copy | rt | rt/copy | GB/s | numpy | numpy/rt | numpy AVX2 | numpy AVX2/rt AVX2 "
          "| numexpr | pyarrow | rt AVX2 | rt 2 threads |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        size = 4 if r["dtype"] == "float32" else 8
        gbs = ((2 if r["function"] == "atan2" else 1) + 1) * size / r["rt_ns"]
        avx2_ratio = f"{r['numpy_avx2_ns'] / r['rt_avx2_ns']:.1f}x" if "rt_avx2_ns" in r else ""
        print(f"| {r['function']} | {r['dtype']} | {r['copy_ns']:.2f} | {r['rt_ns']:.2f} | "
              f"{r['rt_ns'] / r['copy_ns']:.1f}x | {gbs:.1f} | {r['numpy_ns']:.2f} | {r['numpy_ns'] / r['rt_ns']:.2f}x "
              f"| {r['numpy_avx2_ns']:.2f} | {avx2_ratio} | {cell(r, 'numexpr_ns')} | {cell(r, 'pyarrow_ns')} "
              f"| {cell(r, 'rt_avx2_ns')} | {r['rt_2threads_ns']:.2f} |")
    for r in rows:
        if "rt_arrow_nulls_ns" in r:
            print(f"clamp {r['dtype']}, Arrow input with {NULL_FRACTION:.0%} nulls (a new result each call): "
                  f"rt {r['rt_arrow_nulls_ns']:.2f} ns ({r['rt_arrow_nulls_ns'] / r['alloc_copy_ns']:.2f}x a numpy "
                  f"copy into a new array, nulls kept), pyarrow min/max {r['pyarrow_nulls_ns']:.2f} ns "
                  f"(nulls become the bound)")


if __name__ == "__main__":
    main()
