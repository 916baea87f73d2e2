"""Quality report on Dask: rt-pandas on 1 and 2 workers, Dask's describe(), plain pandas, in one run.

The frame: N rows (default 50,000,000) x 8 columns (5 float64 with 2% NaN and
1% out-of-range values, 2 int64, 1 Arrow string column with 10k distinct
values), generated on the workers by ``dd.from_map`` in partitions of
``--partition-rows`` rows and persisted before anything is timed. The same
partitions are generated in the client for plain pandas.

Timed, best of ``--rounds``, on a ``LocalCluster(n_workers=w, threads_per_worker=1)``
for w = 1 and 2:

* ``ddf.rt.quality(ranges=...)``: per-partition states merged in a tree;
* ``ddf.describe().compute()``: Dask's own summary (numeric columns: count,
  mean, std, min, approximate quartiles, max);

(rt-pandas kernel threads set to 1 on the workers; a small warm-up run of
both first, untimed) and in the client, single-threaded: ``df.rt.quality(ranges=...)`` and
``df.describe()`` on the concatenated frame (``--pandas-rows`` caps it, so
the client's copy fits next to the workers').

    python benchmarks/bench_dask.py [--rows 50000000] [--partition-rows 1000000] [--rounds 1]

Writes benchmarks/results/dask.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results"
RANGE = (-3.0, 3.0)


def make_part(seed: int, rows: int) -> pd.DataFrame:
    """One partition (module-level: workers import it by reference from this file's module)."""
    rng = np.random.default_rng(seed)
    data = {}
    for i in range(5):
        x = rng.standard_normal(rows)
        x[rng.random(rows) < 0.01] *= 10.0
        x[rng.random(rows) < 0.02] = np.nan
        data[f"f{i}"] = x
    data["i0"] = rng.integers(0, 1_000_000, rows)
    data["i1"] = rng.integers(-50, 50, rows)
    vocabulary = np.array([f"item-{k:05d}" for k in range(10_000)], dtype=object)
    data["s"] = pd.Series(vocabulary[rng.integers(0, len(vocabulary), rows)], dtype="string[pyarrow]")
    return pd.DataFrame(data)


def best(fn, rounds: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def on_cluster(workers: int, sizes: list[int], rounds: int) -> dict:
    import dask.dataframe as dd
    import distributed

    import rt_pandas
    import rt_pandas.dask  # noqa: F401  (registers ddf.rt)

    ranges = {f"f{i}": RANGE for i in range(5)}
    # The machine's memory shared by the workers, leaving 40% to the client and the OS (the client's pandas
    # copy is made after the clusters close).
    memory = int(0.6 * os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / workers)
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None, memory_limit=memory) as cluster, \
            distributed.Client(cluster) as client:
        client.run(rt_pandas.set_num_threads, 1)  # one process per core: no kernel threads on top
        ddf = dd.from_map(make_part, list(range(len(sizes))), rows=sizes[0]).persist()
        distributed.wait(ddf)
        warm = dd.from_map(make_part, list(range(2 * workers)), rows=1000)  # imports and first calls, untimed
        warm.rt.quality(ranges=ranges)
        warm.describe().compute()
        rt_seconds, report = best(lambda: ddf.rt.quality(ranges=ranges), rounds)
        describe_seconds, _ = best(lambda: ddf.describe().compute(), rounds)
        return {"workers": workers, "memory_limit_bytes": memory, "load_after": os.getloadavg(),
                "rt_quality_s": rt_seconds, "dask_describe_s": describe_seconds,
                "report_exact": report.exact, "distinct_s": report.columns[-1].distinct,
                "rows": report.rows}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000_000)
    parser.add_argument("--partition-rows", type=int, default=1_000_000)
    parser.add_argument("--pandas-rows", type=int, default=None, help="rows for plain pandas (default: --rows)")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    parts = max(1, args.rows // args.partition_rows)
    sizes = [args.partition_rows] * parts
    rows = sum(sizes)

    import rt_pandas

    rt_pandas.set_num_threads(1)
    results = {"load_before": os.getloadavg(), "rows": rows, "columns": 8, "partitions": parts, "partition_rows": args.partition_rows,
               "rounds": args.rounds, "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                                  "simd": rt_pandas.versions()["simd"]}, "dask": []}
    for workers in (1, 2):
        results["dask"].append(on_cluster(workers, sizes, args.rounds))
        print(results["dask"][-1], flush=True)

    pandas_parts = max(1, (args.pandas_rows or rows) // args.partition_rows)
    df = pd.concat([make_part(seed, args.partition_rows) for seed in range(pandas_parts)], ignore_index=True)
    ranges = {f"f{i}": RANGE for i in range(5)}
    pandas_rt, _ = best(lambda: df.rt.quality(ranges=ranges), args.rounds)
    pandas_describe, _ = best(lambda: df.describe(), args.rounds)
    scale = rows / len(df)  # per-row cost scaled to the Dask row count when --pandas-rows is smaller
    results["pandas"] = {"load_after": os.getloadavg(), "rows": len(df), "rt_quality_s": pandas_rt, "describe_s": pandas_describe,
                         "rt_quality_s_scaled": pandas_rt * scale, "describe_s_scaled": pandas_describe * scale}
    one, two = results["dask"]
    results["ratios"] = {
        "scaling_efficiency_2_workers": one["rt_quality_s"] / (2 * two["rt_quality_s"]),
        "dask_describe_over_rt_quality_2_workers": two["dask_describe_s"] / two["rt_quality_s"],
        "dask_describe_over_rt_quality_1_worker": one["dask_describe_s"] / one["rt_quality_s"],
        "pandas_rt_quality_over_dask_rt_quality_2_workers": results["pandas"]["rt_quality_s_scaled"]
        / two["rt_quality_s"],
        "pandas_describe_over_dask_rt_quality_2_workers": results["pandas"]["describe_s_scaled"] / two["rt_quality_s"],
    }
    print(json.dumps(results, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "dask.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
