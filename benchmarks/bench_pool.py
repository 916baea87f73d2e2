"""Memory pool benchmark: 1,000 clamp calls on 1M float32 values, pool on and off.

Runs in one process, side by side: rt-pandas with the pool on, with it off,
and numpy.clip (what a user would call instead). Reports time per call, the
speed ratios, the pool's hit rate and peak bytes in use, and the process's
peak RSS. Results go to benchmarks/results/pool.json.

glibc's malloc keeps freed memory for reuse too (after the first free of a
large block it raises its mmap threshold), which hides most of what a pool
saves. The benchmark therefore also runs the native backend in a child
process with MALLOC_MMAP_THRESHOLD_ fixed at 64 KiB: every large allocation
is then a fresh mmap with its page faults, as with allocators that return
large blocks to the OS at once.

    python benchmarks/bench_pool.py [--calls 1000] [--size 1000000] [--backend native|wasm]
"""

from __future__ import annotations

import argparse
import json
import platform
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import rt_pandas
from rt_pandas import memory

RESULTS = Path(__file__).resolve().parent / "results"


def _rss_peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed_loop(step, calls: int) -> list[float]:
    """Per-call seconds; results are dropped at once, as in a pipeline step."""
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return times


def run(calls: int, size: int, backend: str, rounds: int = 4, system_allocator: str | None = None) -> dict:
    rt_pandas.set_backend(backend)
    values = np.random.default_rng(0).normal(0, 2, size).astype(np.float32)
    configs = {
        "pool_on": lambda: rt_pandas.clamp(values, -1, 1),
        "numpy_clip": lambda: np.clip(values, -1, 1),
    }
    per_call: dict[str, list[float]] = {"pool_on": [], "pool_off": [], "numpy_clip": []}
    pool: dict[str, dict] = {}
    # Alternate the configurations in rounds so machine noise hits them all alike.
    for _ in range(rounds):
        for name in ("pool_on", "pool_off", "numpy_clip"):
            memory.gc()
            memory.reset_stats()
            memory.set_enabled(name != "pool_off")
            step = configs.get(name, configs["pool_on"])
            per_call[name].extend(_timed_loop(step, calls // rounds))
            if name != "numpy_clip":
                pool[name] = memory.stats()
    memory.set_enabled(True)
    median = {name: statistics.median(times) for name, times in per_call.items()}
    return {
        "backend": backend,
        "system_allocator": system_allocator or ("glibc default" if backend == "native" else "wasm free lists"),
        "simd": rt_pandas.versions()["simd"],
        "calls": calls // rounds * rounds,
        "size": size,
        "dtype": "float32",
        "median_ms_per_call": {k: round(v * 1e3, 4) for k, v in median.items()},
        "speedup_pool_on_vs_off": round(median["pool_off"] / median["pool_on"], 3),
        "speedup_pool_on_vs_numpy_clip": round(median["numpy_clip"] / median["pool_on"], 3),
        "hit_rate_percent": {k: v["hit_rate"] for k, v in pool.items()},
        "pool_peak_bytes_in_use": {k: v["peak_bytes_in_use"] for k, v in pool.items()},
        "memory_saved_bytes": pool["pool_on"]["memory_saved_bytes"],
        "process_peak_rss_mib": round(_rss_peak_mib(), 1),
    }


def _run_with_fresh_system_memory(calls: int, size: int) -> dict:
    env = dict(os.environ, MALLOC_MMAP_THRESHOLD_=str(64 * 1024))
    child = subprocess.run(
        [sys.executable, __file__, "--child", "--calls", str(calls), "--size", str(size)],
        env=env, capture_output=True, text=True, check=True,
    )
    return json.loads(child.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--backend", action="append", choices=["native", "wasm"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run(args.calls, args.size, "native", system_allocator="glibc, mmap threshold 64 KiB")))
        return
    backends = args.backend or rt_pandas.available_backends()
    runs = [run(args.calls, args.size, backend) for backend in backends]
    if "native" in backends:
        runs.append(_run_with_fresh_system_memory(args.calls, args.size))
    results = {
        "benchmark": "bench_pool",
        "machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine()},
        "versions": {k: v for k, v in rt_pandas.versions().items() if k != "backend"},
        "runs": runs,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pool.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
