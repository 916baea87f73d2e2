"""rt-pandas' quality report and describe() against whylogs and ydata-profiling, in one run.

whylogs 1.6 and ydata-profiling 4.x need numpy < 2 (whylogs uses ``np.unicode_``;
ydata-profiling pins numpy and pandas below this project's), so they run in their own
virtual environment, given by ``--profilers-python``; create it once with

    python3 -m venv .venv-profilers
    .venv-profilers/bin/pip install "numpy<2" "pandas<2.2" "pyarrow<16" whylogs ydata-profiling

then

    python benchmarks/bench_profilers.py --profilers-python .venv-profilers/bin/python [--rows 10000000]

The frame is bench_quality.py's (6 float64 columns with NaN and outliers, 2 int64, a
string column with 100k distinct values, a timestamp column). It is written once to a
Parquet file that both sides read; each side is timed on the frame in memory (reading the
file is not timed). Timed, best of ``--rounds``:

* ``why.log(df).view()``: whylogs' column profiles (counts, KLL quantile sketch, mean and
  std, HyperLogLog cardinality, frequent items);
* ``ProfileReport(df, minimal=True).get_description()``: ydata-profiling's minimal
  profile (exact distinct and unique counts, moments, quantiles, histograms, duplicate rows);
* ``df.rt.quality(ranges=...)`` (every metric, exact distinct counts, values occurring once,
  duplicate rows) and ``df.rt.describe()``, single-threaded and with the default threads.

Writes benchmarks/results/profilers.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import rt_pandas

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_quality import RANGE, make_frame  # noqa: E402  (the same frame as the quality benchmark)

RESULTS = Path(__file__).resolve().parent / "results"

# Runs in the profilers' environment: times each tool on the frame read from `path`, prints JSON.
PROFILERS_CHILD = r"""
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy, pandas as pd
path, rounds = sys.argv[1], int(sys.argv[2])
df = pd.read_parquet(path)
def best(fn):
    times = []
    for _ in range(rounds):
        start = time.perf_counter(); fn(); times.append(time.perf_counter() - start)
    return min(times)
out = {"numpy": numpy.__version__, "pandas": pd.__version__, "seconds": {}}
import whylogs as why
out["whylogs"] = why.__version__
out["seconds"]["whylogs_profile"] = best(lambda: why.log(df).view().to_pandas())
from ydata_profiling import ProfileReport, __version__ as ydata_version
out["ydata_profiling"] = ydata_version
out["seconds"]["ydata_minimal"] = best(
    lambda: ProfileReport(df, minimal=True, progress_bar=False).get_description())
print(json.dumps(out))
"""


def best_of(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def time_rt(df, rounds: int) -> dict[str, float]:
    """Seconds of the rt-pandas report and describe(), one thread and the default threads."""
    ranges = {c: RANGE for c in df.columns if c.startswith("f")}
    default_threads = rt_pandas.get_num_threads()
    seconds = {}
    for threads in (1, default_threads):
        rt_pandas.set_num_threads(threads)
        seconds[f"rt_quality_{threads}t"] = best_of(lambda: df.rt.quality(ranges=ranges), rounds)
        seconds[f"rt_describe_{threads}t"] = best_of(lambda: df.rt.describe(), rounds)
    rt_pandas.set_num_threads(default_threads)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--profilers-python", required=True,
                        help="the Python of a virtual environment with whylogs and ydata-profiling")
    args = parser.parse_args()

    df = make_frame(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "frame.parquet")
        df.to_parquet(path)
        load_before = os.getloadavg()
        child = subprocess.run([args.profilers_python, "-c", PROFILERS_CHILD, path, str(args.rounds)],
                               check=True, capture_output=True, text=True)
        profilers = json.loads(child.stdout.strip().splitlines()[-1])
    rt_seconds = time_rt(df, args.rounds)
    seconds = {**profilers.pop("seconds"), **rt_seconds}
    ratios = {f"{tool}_over_{rt}": seconds[tool] / seconds[rt]
              for tool in ("whylogs_profile", "ydata_minimal")
              for rt in rt_seconds}
    result = {
        "benchmark": "profilers",
        "command": "python benchmarks/bench_profilers.py --profilers-python .venv-profilers/bin/python"
                   + ("" if args.rows == 10_000_000 else f" --rows {args.rows}"),
        "rows": args.rows,
        "rounds": args.rounds,
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "python": platform.python_version(),
        "rt_pandas": rt_pandas.__version__,
        "simd": rt_pandas.versions()["simd"],
        "profilers_env": profilers,
        "seconds": seconds,
        "ratios": ratios,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "profilers.json").write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({"seconds": seconds, "ratios": ratios}, indent=1))


if __name__ == "__main__":
    main()
