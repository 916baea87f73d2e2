"""Quality report and describe() against plain pandas, in one run, single-threaded.

The frame of the issue: N rows (default 10,000,000) x 10 columns: 6 float64
with 2% NaN and 1% out-of-range values, 2 int64, 1 string column with 100k
distinct values (pandas 3's Arrow-backed ``str``), 1 timestamp.

Timed, each once per round (best of ``--rounds``):

* pandas building blocks of the report, as the issue lists them:
  ``isna().mean()``, ``nunique()``, values occurring once
  (``value_counts() == 1``), ``between`` on the ranged columns,
  ``describe()`` and ``duplicated()``; plus the rest of the same numbers
  (validity: ``np.isfinite`` / ``str.strip() != ""``; consistency: median,
  MAD and ``between`` of the robust bounds for numbers);
* ``df.rt.quality(ranges=...)``: every metric with exact distinct counts,
  values occurring once and duplicate rows;
* ``df.describe()`` against ``df.rt.describe()``.

rt-pandas is timed on one thread (the issue's comparison) and with the
default thread count (``*_threads``: columns side by side).

Peak memory of the rt calls = the pool's peak bytes in use plus the peak of
Python-side allocations (tracemalloc, which sees numpy's buffers), as a
multiple of the frame's own size.

    python benchmarks/bench_quality.py [--rows 10000000] [--rounds 1] [--backend native]
    python benchmarks/bench_quality.py --describe-only --rounds 3   # describe() alone, 1 and 2 threads
    python benchmarks/bench_quality.py --describe-kernels           # describe's kernels per column, ns per value

Writes benchmarks/results/quality.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

import rt_pandas
from rt_pandas import memory

RESULTS = Path(__file__).resolve().parent / "results"
RANGE = (-3.0, 3.0)  # the float columns' declared range: about 1% of values fall outside


def make_frame(rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = {}
    for i in range(6):
        x = rng.standard_normal(rows)
        x[rng.random(rows) < 0.01] *= 10.0  # out-of-range values
        x[rng.random(rows) < 0.02] = np.nan
        data[f"f{i}"] = x
    data["i0"] = rng.integers(0, 1_000_000, rows)
    data["i1"] = rng.integers(-50, 50, rows)
    vocabulary = np.array([f"item-{k:06d}" for k in range(100_000)], dtype=object)
    data["s"] = pd.Series(vocabulary[rng.integers(0, len(vocabulary), rows)], dtype="str")
    data["t"] = pd.to_datetime(1_600_000_000 + rng.integers(0, 10**8, rows), unit="s")
    return pd.DataFrame(data)


def pandas_blocks(df: pd.DataFrame) -> dict[str, float]:
    """Seconds per building block, pandas computing the report's numbers."""
    floats = [c for c in df.columns if c.startswith("f")]
    times = {}

    def timed(name, fn):
        start = time.perf_counter()
        fn()
        times[name] = time.perf_counter() - start

    timed("isna_mean", lambda: df.isna().mean())
    timed("nunique", lambda: df.nunique())
    timed("values_once", lambda: {c: (df[c].value_counts() == 1).sum() for c in df.columns})
    timed("between", lambda: {c: df[c].between(*RANGE).mean() for c in floats})
    timed("describe", lambda: df.describe())
    timed("duplicated", lambda: df.duplicated().sum())

    def validity_and_consistency():
        for c in df.columns:
            s = df[c]
            if c.startswith("f"):
                np.isfinite(s.dropna()).mean()
            if c == "s":
                (s.dropna().str.strip() != "").mean()
            elif c != "t":
                median = s.median()
                mad = (s - median).abs().median()
                s.between(median - 3.5 * 1.4826 * mad, median + 3.5 * 1.4826 * mad).sum()

    timed("validity_consistency", validity_and_consistency)
    return times


def measured(fn):
    """(seconds, peak extra bytes: pool peak + Python-side peak) of one call."""
    gc.collect()
    memory.reset_stats()
    base_pool = memory.stats()["bytes_in_use"]
    tracemalloc.start()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    _, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    pool_peak = memory.stats()["peak_bytes_in_use"] - base_pool
    return seconds, pool_peak + python_peak, result


def describe_bench(df: pd.DataFrame, rounds: int) -> dict:
    """df.describe() against df.rt.describe() on 1 and 2 threads, best of ``rounds``, interleaved.

    pandas' ``df.describe()`` (pandas 3) covers the 9 numeric and timestamp
    columns: count, mean, std, min, 25/50/75%, max. ``df.rt.describe()`` is
    timed on the same 9 columns (like for like; ``df[same]`` is taken once,
    before the clock starts) and on all 10 (the string column too); per column it adds missing, 1/5/95/99%, skew, kurtosis, exact
    distinct values and the mode (top, freq).
    """
    same = list(df.describe().columns)
    numeric = df[same]  # selected once, outside the timings: the copy is not describe's work
    cases = {"pandas_describe": lambda: df.describe()}
    for threads in (1, 2):
        cases[f"rt_describe_same_columns_{threads}t"] = (threads, lambda: numeric.rt.describe())
        cases[f"rt_describe_all_columns_{threads}t"] = (threads, lambda: df.rt.describe())
    best: dict[str, float] = {}
    cpu: dict[str, float] = {}  # process CPU seconds: less sensitive than wall time to other processes' load
    for _ in range(rounds):
        for name, case in cases.items():
            threads, fn = case if isinstance(case, tuple) else (1, case)
            rt_pandas.set_num_threads(threads)
            gc.collect()
            start, start_cpu = time.perf_counter(), time.process_time()
            fn()
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - start)
            cpu[name] = min(cpu.get(name, float("inf")), time.process_time() - start_cpu)
    rt_pandas.set_num_threads(None)
    pandas, pandas_cpu = best["pandas_describe"], cpu["pandas_describe"]
    return {"pandas_columns": same, "seconds": best, "cpu_seconds": cpu, "rounds": rounds,
            "load_after": os.getloadavg(),
            "ratios": {name: pandas / seconds for name, seconds in best.items() if name.startswith("rt_")},
            "cpu_ratios_1_thread": {name: pandas_cpu / seconds for name, seconds in cpu.items()
                                    if name.endswith("_1t")}}


def kernel_bench(df: pd.DataFrame, rounds: int) -> dict:
    """ns per value of describe's kernels on the f0, i0, i1 and t columns and three more float shapes
    (log-uniform over the doubles, rounded to 2 decimals, 7 narrow clusters), one thread, best of ``rounds``.

    ``gather`` (the values' order-preserving keys) is timed alone and subtracted
    from the rest: ``sort`` = the radix sort + one pass over the sorted keys
    (what describe used first) + the quantiles; ``key_profile`` =
    ``rt_quality_key_profile`` (quantiles, distinct, values once, mode, no sort;
    what describe used next); ``quantiles_only`` = the same kernel without the
    counts; ``key_counts`` = ``rt_quality_key_counts`` (distinct, values once,
    mode by hash partitions); ``key_counts_then_quantiles`` = key_counts +
    quantiles_only, the alternative to ``key_profile`` for describe. Last, the
    report's duplicate rows: ``key_counts`` of the frame's row hashes against
    ``sort_neighbours`` (radix sort, then equal neighbours), ns per row.
    """
    from rt_pandas import _profile as prof
    from rt_pandas._backend import NULL, In, Out, OutValue, get_backend
    from rt_pandas._columns import DTYPE_CODES

    backend = get_backend()
    probs = np.array(prof.QUANTILE_PROBS)
    out: dict = {"load_before": os.getloadavg(), "rounds": rounds}
    rng = np.random.default_rng(1)
    rows = len(df)
    shapes = {  # float shapes beside the frame's columns, where the two ways of counting differ
        "f_log_uniform": np.where(rng.random(rows) < 0.5, -1.0, 1.0) * np.exp(rng.random(rows) * 1400 - 700),
        "f_rounded": np.round(df["f0"].to_numpy(), 2),  # about 1,000 distinct values
        "f_clusters": (np.arange(rows) % 7) * 1e12 + df["f0"].to_numpy() * 1e-3,  # 7 narrow clusters
    }
    for name in ("f0", "i0", "i1", "t", *shapes):
        view = prof.prepare(shapes[name] if name in shapes else df[name]).chunks[0]
        code, n = DTYPE_CODES[view.values.dtype], view.length
        validity = In(view.validity) if view.validity is not None else NULL
        kind = prof.KEY_FLOAT if view.values.dtype.kind == "f" else prof.KEY_INT
        keys, q = backend.empty(n, np.uint64), backend.empty(len(probs), np.float64)

        def gather():
            return backend.run("rt_quality_gather_keys", code, In(view.values), validity, 0, n, Out(keys),
                               OutValue("int64_t"))

        def sort():
            k = gather()
            backend.run("rt_quality_sort_keys", Out(keys), k)
            backend.run("rt_quality_sorted_profile", kind, In(keys), k, 3.5, OutValue("rt_sorted_profile"))
            backend.run("rt_quality_sorted_quantiles", kind, In(keys), k, In(probs), len(probs), Out(q))

        def key_profile(counts=True, k=None):
            backend.run("rt_quality_key_profile", kind, Out(keys), gather() if k is None else k, In(probs),
                        len(probs), Out(q), OutValue("rt_key_profile") if counts else NULL)

        def key_counts():
            k = gather()
            backend.run("rt_quality_key_counts", kind, In(keys), k, OutValue("rt_key_profile"))
            return k

        cases = {"gather": gather, "sort": sort, "key_profile": key_profile,
                 "quantiles_only": lambda: key_profile(False), "key_counts": key_counts,
                 "key_counts_then_quantiles": lambda: key_profile(False, key_counts())}
        best: dict[str, float] = {}
        for _ in range(rounds):
            for case, fn in cases.items():
                start = time.perf_counter()
                fn()
                best[case] = min(best.get(case, float("inf")), time.perf_counter() - start)
        per_value = {case: seconds * 1e9 / n for case, seconds in best.items()}
        out[name] = {case: v if case == "gather" else v - per_value["gather"] for case, v in per_value.items()}
    # The report's duplicate rows: rows - distinct row hashes, by key_counts, against the radix sort of the
    # hashes and a comparison of neighbours (what the report did before). Hashes of the frame's 10 columns.
    hashes = backend.empty(rows, np.uint64)
    work = backend.empty(rows, np.uint64)
    hashes[:] = 0
    for name in df.columns:
        prof.hash_rows_of(prof.prepare(df[name], name), hashes)

    def sort_neighbours():
        work[:] = hashes
        backend.run("rt_quality_sort_keys", Out(work), rows)
        return rows - 1 - int(np.count_nonzero(work[1:] != work[:-1]))

    def counted():
        work[:] = hashes
        return rows - backend.run("rt_quality_key_counts", prof.KEY_INT, In(work), rows,
                                  OutValue("rt_key_profile"))["distinct"]

    best = {}
    for _ in range(rounds):
        for case, fn in {"copy": lambda: work.__setitem__(slice(None), hashes), "sort_neighbours": sort_neighbours,
                         "key_counts": counted}.items():
            start = time.perf_counter()
            fn()
            best[case] = min(best.get(case, float("inf")), time.perf_counter() - start)
    assert sort_neighbours() == counted()
    out["duplicate_rows"] = {case: (best[case] - best["copy"]) * 1e9 / rows for case in ("sort_neighbours", "key_counts")}
    out["load_after"] = os.getloadavg()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--backend", default="native", choices=["native", "wasm"])
    parser.add_argument("--skip-pandas", action="store_true", help="time only rt-pandas")
    parser.add_argument("--describe-kernels", action="store_true",
                        help="only describe's kernels per column (ns per value); updates 'describe_kernels'")
    parser.add_argument("--describe-only", action="store_true",
                        help="only describe() (1 and 2 threads); updates the 'describe' entry of the results file")
    args = parser.parse_args()
    rt_pandas.set_backend(args.backend)
    df = make_frame(args.rows)
    out = RESULTS / ("quality.json" if args.backend == "native" else f"quality_{args.backend}.json")
    if args.describe_kernels:
        rt_pandas.set_num_threads(1)
        results = json.loads(out.read_text()) if out.exists() else {"benchmark": "quality"}
        results["describe_kernels"] = {"rows": args.rows, **kernel_bench(df, max(args.rounds, 5))}
        out.write_text(json.dumps(results, indent=2) + "\n")
        print(json.dumps(results["describe_kernels"], indent=2))
        return
    if args.describe_only:
        df.rt.describe()  # warm-up: the pool's pages
        results = json.loads(out.read_text()) if out.exists() else {"benchmark": "quality"}
        results["describe"] = {"rows": args.rows, "load_before": os.getloadavg(), **describe_bench(df, args.rounds)}
        out.write_text(json.dumps(results, indent=2) + "\n")
        print(json.dumps(results["describe"], indent=2))
        return
    frame_bytes = int(df.memory_usage(deep=True).sum())
    ranges = {c: RANGE for c in df.columns if c.startswith("f")}

    best: dict[str, float] = {}
    peaks: dict[str, int] = {}
    for _ in range(args.rounds):
        if not args.skip_pandas:
            for name, seconds in pandas_blocks(df).items():
                best[f"pandas_{name}"] = min(best.get(f"pandas_{name}", float("inf")), seconds)
        # The issue's comparison is single-threaded ("rt_quality", "rt_describe"); the default thread
        # count (columns side by side) is what a user gets without asking ("..._threads").
        for suffix, threads in (("", 1), ("_threads", None)):
            rt_pandas.set_num_threads(threads)
            seconds, peak, report = measured(lambda: df.rt.quality(ranges=ranges))
            best["rt_quality" + suffix] = min(best.get("rt_quality" + suffix, float("inf")), seconds)
            peaks["rt_quality" + suffix] = max(peaks.get("rt_quality" + suffix, 0), peak)
            seconds, peak, _ = measured(lambda: df.rt.describe())
            best["rt_describe" + suffix] = min(best.get("rt_describe" + suffix, float("inf")), seconds)
            peaks["rt_describe" + suffix] = max(peaks.get("rt_describe" + suffix, 0), peak)
        rt_pandas.set_num_threads(None)

    issue_blocks = ["isna_mean", "nunique", "values_once", "between", "describe", "duplicated"]
    results = {
        "benchmark": "quality", "rows": args.rows, "columns": df.shape[1], "backend": args.backend,
        "simd": rt_pandas.versions()["simd"], "rounds": args.rounds, "frame_bytes": frame_bytes,
        "python": platform.python_version(), "pandas": pd.__version__, "numpy": np.__version__,
        "cpus": os.cpu_count(), "seconds": best,
        "peak_extra_bytes": peaks,
        "peak_vs_frame": {k: v / frame_bytes for k, v in peaks.items()},
        "report_overall": report.overall, "duplicate_rows": report.duplicate_rows,
    }
    if not args.skip_pandas:
        pandas_issue = sum(best[f"pandas_{b}"] for b in issue_blocks)
        pandas_same = pandas_issue + best["pandas_validity_consistency"]
        results["pandas_issue_blocks_seconds"] = pandas_issue
        results["pandas_same_numbers_seconds"] = pandas_same
        results["ratios"] = {
            "quality_vs_pandas_issue_blocks": pandas_issue / best["rt_quality"],
            "quality_vs_pandas_same_numbers": pandas_same / best["rt_quality"],
            "describe_vs_pandas_describe": best["pandas_describe"] / best["rt_describe"],
            "quality_threads_vs_pandas_same_numbers": pandas_same / best["rt_quality_threads"],
            "describe_threads_vs_pandas_describe": best["pandas_describe"] / best["rt_describe_threads"],
        }
        results["threads"] = rt_pandas.get_num_threads()
    RESULTS.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
