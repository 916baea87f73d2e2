"""Flight round trip against the in-process call on the same data.

10M rows x 4 float64 columns, streamed in 64k-row batches to a worker in its
own process on loopback, for a quality report and for anomaly scores. The
in-process figure runs the same work on the same batches in this process
(QualityState updated batch by batch; anomaly_scores per batch and column),
so the ratio is what the network, the Arrow IPC framing and the worker cost.

    python benchmarks/bench_flight.py            # writes benchmarks/results/flight.json
    python benchmarks/bench_flight.py --rows 1000000 --repeats 1
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

import rt_pandas
from rt_pandas import anomaly, flight
from rt_pandas.state import QualityState

BATCH_ROWS = 65_536


def make_table(rows: int, seed: int = 0) -> pa.Table:
    rng = np.random.default_rng(seed)
    return pa.table({f"c{i}": rng.normal(i, 1.0 + i, rows) for i in range(4)})


def in_process_quality(table: pa.Table):
    state = QualityState()
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        state.update(batch)
    return state.finalize()


def in_process_scores(table: pa.Table) -> int:
    rows = 0
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        for column in batch.columns:
            rows += len(anomaly.anomaly_scores(column, "zscore"))
    return rows


def best_of(repeats: int, function) -> tuple[float, float, object]:
    """(best wall seconds, CPU seconds of this process in that run, the result)."""
    best = (float("inf"), 0.0, None)
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        elapsed = (time.perf_counter() - wall, time.process_time() - cpu, result)
        best = min(best, elapsed, key=lambda item: item[0])
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "flight.json"))
    args = parser.parse_args()

    table = make_table(args.rows)
    locations, processes = flight.serve_workers(1)
    results = {"rows": args.rows, "columns": 4, "batch_rows": BATCH_ROWS, "machine": platform.machine(),
               "cpus": os.cpu_count(), "simd": rt_pandas.versions()["simd"], "location": locations[0], "ops": {}}
    try:
        client = flight.Client(locations[0])
        client.ping()
        cases = {
            "quality": (lambda: in_process_quality(table),
                        lambda: client.quality(table.to_reader(max_chunksize=BATCH_ROWS))),
            "anomaly_scores": (lambda: in_process_scores(table),
                               lambda: client.anomaly_scores(table.to_reader(max_chunksize=BATCH_ROWS)).num_rows),
        }
        for op, (local, remote) in cases.items():
            local_s, local_cpu, local_result = best_of(args.repeats, local)
            remote_s, remote_cpu, remote_result = best_of(args.repeats, remote)
            if op == "quality":
                assert remote_result.to_dict() == local_result.to_dict()
            results["ops"][op] = {
                "in_process_s": round(local_s, 4), "flight_s": round(remote_s, 4),
                "in_process_rows_per_s": round(args.rows / local_s), "flight_rows_per_s": round(args.rows / remote_s),
                "flight_over_in_process": round(remote_s / local_s, 3),
                "client_cpu_s": round(remote_cpu, 4), "goal": "flight_over_in_process <= 1.5",
            }
            print(f"{op:15s} in-process {local_s:7.3f} s ({args.rows / local_s / 1e6:6.1f} M rows/s)  "
                  f"flight {remote_s:7.3f} s ({args.rows / remote_s / 1e6:6.1f} M rows/s)  "
                  f"ratio {remote_s / local_s:5.2f}x", flush=True)
        client.close()
    finally:
        for process in processes:
            process.terminate()
            process.join(10)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
