"""Anomaly detection benchmark: rt-pandas side by side with what users would call instead.

One process, same data, same run; figures are medians of a few repeats, in
wall seconds and in CPU seconds of this process, and the ratios are what to
compare (the machine is shared and noisy):

* Isolation Forest fit + score_samples, 1,000,000 x 8 float64, 100 trees:
  rt-pandas n_jobs=1 and 2 against scikit-learn n_jobs=1 and 2.
* z-score, IQR and MAD scores of 10,000,000 float64 against numpy
  (``np.abs((x - x.mean()) / x.std())``, ``np.percentile`` + Tukey fences,
  ``np.median`` twice).
* Streaming: ``StreamingDetector.update`` from a Python loop and
  ``update_many`` on one array, against a plain-Python rolling z-score over a
  deque and river's HalfSpaceTrees (if installed).
* Seasonal: STL of NAB's machine_temperature_system_failure.csv (22,695
  points, period 288, robust) against statsmodels' STL (if installed).

Results go to benchmarks/results/anomaly.json. ``--only statistical`` (or
another section) reruns that section and replaces it in the existing file,
with its own load average, so one part can be remeasured after a change
without rerunning scikit-learn and statsmodels for minutes.

    python benchmarks/bench_anomaly.py [--quick] [--repeats 3] [--only statistical]
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

import rt_pandas
from rt_pandas.anomaly import IsolationForest, StreamingDetector, anomaly_scores, seasonal_decompose

RESULTS = Path(__file__).resolve().parent / "results"
SECTIONS = ("isolation_forest", "statistical", "streaming", "seasonal")
NAB = Path(__file__).resolve().parents[2] / "shared" / "data" / "nab"


CPU_TIMES: dict[int, float] = {}


def timed(step, repeats: int) -> float:
    """Median wall seconds of `repeats` calls; the median CPU seconds go to CPU_TIMES[id(step)].

    On a shared machine a process waits for a core part of the time; CPU
    seconds (this process, all its threads) do not count the waits, so for
    single-threaded work their ratios are the steadier figure.
    """
    times, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        step()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    CPU_TIMES[id(step)] = statistics.median(cpu)
    return statistics.median(times)


def timed_both(step, repeats: int) -> tuple[float, float]:
    """(median wall seconds, median CPU seconds)."""
    wall = timed(step, repeats)
    return wall, CPU_TIMES.pop(id(step))


def bench_isolation_forest(rows: int, repeats: int) -> dict:
    from sklearn.ensemble import IsolationForest as SkIsolationForest

    X = np.random.default_rng(0).normal(size=(rows, 8))
    X[: rows // 100] += 4.0
    out = {"rows": rows, "features": 8, "trees": 100}

    def rt(jobs):
        return lambda: IsolationForest(n_estimators=100, random_state=0, n_jobs=jobs).fit(X).score_samples(X)

    def sk(jobs):
        return lambda: SkIsolationForest(n_estimators=100, random_state=0, n_jobs=jobs).fit(X).score_samples(X)

    for jobs in (1, 2):
        out[f"rt_n_jobs_{jobs}_s"], out[f"rt_n_jobs_{jobs}_cpu_s"] = timed_both(rt(jobs), repeats)
        out[f"sklearn_n_jobs_{jobs}_s"], out[f"sklearn_n_jobs_{jobs}_cpu_s"] = timed_both(sk(jobs), max(1, repeats - 1))
    best_sklearn_2core = min(out["sklearn_n_jobs_1_s"], out["sklearn_n_jobs_2_s"])
    out["speedup_1_thread"] = out["sklearn_n_jobs_1_s"] / out["rt_n_jobs_1_s"]
    out["speedup_1_thread_cpu"] = out["sklearn_n_jobs_1_cpu_s"] / out["rt_n_jobs_1_cpu_s"]
    out["speedup_2_threads_vs_best_sklearn"] = best_sklearn_2core / out["rt_n_jobs_2_s"]
    return out


def bench_statistical(size: int, repeats: int) -> dict:
    x = np.random.default_rng(1).normal(50, 4, size)

    def numpy_zscore():
        return np.abs((x - x.mean()) / x.std())

    def numpy_iqr():
        q1, q3 = np.percentile(x, [25, 75])
        iqr = q3 - q1
        return np.maximum(np.maximum(q1 - x, x - q3), 0) / iqr

    def numpy_mad():
        median = np.median(x)
        mad = np.median(np.abs(x - median))
        return np.abs(x - median) / (1.4826 * mad)

    def timed_on(threads, method):
        """rt's time with ``threads`` threads (set outside the timed calls: a change restarts the pool)."""
        rt_pandas.set_num_threads(threads)
        try:
            return timed_both(lambda: anomaly_scores(x, method), repeats)
        finally:
            rt_pandas.set_num_threads(None)

    out = {"size": size, "threads": rt_pandas.get_num_threads()}
    for method, reference in (("zscore", numpy_zscore), ("iqr", numpy_iqr), ("mad", numpy_mad)):
        rt_s, rt_cpu = timed_on(1, method)  # one thread, as numpy
        threads_s, _ = timed_on(None, method)  # the default: the scoring pass on every core
        np_s, np_cpu = timed_both(reference, repeats)
        out[method] = {"rt_s": rt_s, "numpy_s": np_s, "speedup": np_s / rt_s,
                       "rt_cpu_s": rt_cpu, "numpy_cpu_s": np_cpu, "speedup_cpu": np_cpu / rt_cpu,
                       "rt_threads_s": threads_s, "speedup_threads": np_s / threads_s}
    return out


def plain_python_rolling_z(values, window: int, threshold: float) -> int:
    """The rolling z-score a user writes in plain Python: a deque and running sums."""
    buf = collections.deque()
    total = total_sq = 0.0
    flagged = 0
    for v in values:
        if len(buf) == window:
            mean = total / window
            var = total_sq / window - mean * mean
            if var > 0 and abs(v - mean) / math.sqrt(var) > threshold:
                flagged += 1
            old = buf.popleft()
            total -= old
            total_sq -= old * old
        buf.append(v)
        total += v
        total_sq += v * v
    return flagged


def bench_streaming(n_update: int, n_many: int, n_river: int, repeats: int) -> dict:
    rng = np.random.default_rng(2)
    values = rng.normal(size=n_many)
    as_list = values[:n_update].tolist()
    out = {}

    def loop():
        update = StreamingDetector(3.0, 100).update
        for v in as_list:
            update(v)

    wall, cpu = timed_both(loop, repeats)
    out["update_values_per_s"], out["update_values_per_cpu_s"] = n_update / wall, n_update / cpu
    wall, cpu = timed_both(lambda: StreamingDetector(3.0, 100).update_many(values), repeats)
    out["update_many_values_per_s"], out["update_many_values_per_cpu_s"] = n_many / wall, n_many / cpu
    wall, cpu = timed_both(lambda: plain_python_rolling_z(as_list, 100, 3.0), repeats)
    out["python_deque_values_per_s"], out["python_deque_values_per_cpu_s"] = n_update / wall, n_update / cpu
    try:
        from river import anomaly as river_anomaly
    except ImportError:
        out["river_half_space_trees_values_per_s"] = None
    else:
        scaled = ((values[:n_river] - values.min()) / (values.max() - values.min())).tolist()

        def river_loop():
            model = river_anomaly.HalfSpaceTrees(seed=0)
            for v in scaled:
                model.score_one({"x": v})
                model.learn_one({"x": v})

        out["river_half_space_trees_values_per_s"] = n_river / timed(river_loop, 1)
    out["update_vs_python_deque"] = out["update_values_per_s"] / out["python_deque_values_per_s"]
    if out["river_half_space_trees_values_per_s"]:
        out["update_vs_river"] = out["update_values_per_s"] / out["river_half_space_trees_values_per_s"]
    return out


def bench_seasonal(repeats: int) -> dict | None:
    path = NAB / "data" / "realKnownCause" / "machine_temperature_system_failure.csv"
    if not path.exists():
        return None
    values = pd.read_csv(path)["value"].to_numpy(dtype=np.float64)
    out = {"points": len(values), "period": 288}
    out["rt_robust_s"], out["rt_robust_cpu_s"] = timed_both(
        lambda: seasonal_decompose(values, period=288, robust=True), repeats)
    out["rt_robust_no_jumps_s"] = timed(lambda: seasonal_decompose(values, period=288, robust=True, jumps=False), 1)
    try:
        from statsmodels.tsa.seasonal import STL
    except ImportError:
        return out
    out["statsmodels_robust_s"], out["statsmodels_robust_cpu_s"] = timed_both(
        lambda: STL(values, period=288, robust=True).fit(), 1)
    out["speedup"] = out["statsmodels_robust_s"] / out["rt_robust_s"]
    out["speedup_cpu"] = out["statsmodels_robust_cpu_s"] / out["rt_robust_cpu_s"]
    out["speedup_no_jumps"] = out["statsmodels_robust_s"] / out["rt_robust_no_jumps_s"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the script runs")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", choices=SECTIONS, action="append",
                        help="rerun only these sections and replace them in the existing results file")
    args = parser.parse_args()
    rows, size, n_update, n_many, n_river = (
        (20_000, 200_000, 20_000, 200_000, 500) if args.quick else (1_000_000, 10_000_000, 1_000_000, 10_000_000, 20_000)
    )
    rt_pandas.set_backend("native")
    runs = {
        "isolation_forest": lambda: bench_isolation_forest(rows, args.repeats),
        "statistical": lambda: bench_statistical(size, args.repeats),
        "streaming": lambda: bench_streaming(n_update, n_many, n_river, args.repeats),
        "seasonal": lambda: bench_seasonal(args.repeats),
    }
    machine = {"platform": platform.platform(), "cpus": os.cpu_count(), "simd": rt_pandas.versions()["simd"],
               "load_average": os.getloadavg()}
    path = RESULTS / "anomaly.json"
    if args.only:
        result = json.loads(path.read_text()) if path.exists() else {}
        for section in args.only:
            result[section] = runs[section]()
            result.setdefault("section_runs", {})[section] = {
                **machine, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "repeats": args.repeats}
    else:
        result = {"machine": machine, **{section: run() for section, run in runs.items()}}
    print(json.dumps(result, indent=2))
    if not args.quick:
        RESULTS.mkdir(exist_ok=True)
        path.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
