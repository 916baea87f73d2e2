"""Flight round trip against the in-process call on the same data.

10M rows x 4 float64 columns, streamed in 64k-row batches to a worker in its
own process on loopback, for a quality report and for anomaly scores. The
in-process figure runs the same work on the same batches in this process
(QualityState updated batch by batch; anomaly_scores per batch and column),
so the ratio is what the network, the Arrow IPC framing and the worker cost.

Where the anomaly round trip's time goes is measured beside it, on the same
table: the kernels alone in process (score_view per batch and column: no
pandas), the transport alone (an echo worker that sends every batch straight
back, and a sink that only receives), and the optional smaller answers
(float32 scores, bool flags) and global statistics.

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
import pyarrow.flight as fl

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


def in_process_kernels(table: pa.Table) -> int:
    """The same scores without the pandas API: the C kernel on each batch's Arrow buffers."""
    from rt_pandas._columns import as_columns

    rows = 0
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        for column in batch.columns:
            rows += len(anomaly.score_view(as_columns(column).chunks[0], "zscore")[0])
    return rows


class TransportServer(fl.FlightServerBase):
    """The transport alone: command b"echo" sends each batch straight back, b"sink" only counts rows."""

    def do_exchange(self, context, descriptor, reader, writer):
        rows, started = 0, False
        for chunk in reader:
            rows += chunk.data.num_rows
            if descriptor.command == b"echo":
                if not started:
                    writer.begin(chunk.data.schema)
                    started = True
                writer.write_batch(chunk.data)
        if descriptor.command == b"sink":
            answer = pa.record_batch([pa.array([rows])], names=["rows"])
            writer.begin(answer.schema)
            writer.write_batch(answer)


def _transport_main(ready) -> None:
    server = TransportServer("grpc://127.0.0.1:0")
    ready.put(server.port)
    server.serve()


def transport(location: str, mode: str, table: pa.Table) -> int:
    """Stream ``table`` in BATCH_ROWS batches to the transport server; rows received back."""
    client = fl.FlightClient(location)
    writer, reader = client.do_exchange(fl.FlightDescriptor.for_command(mode.encode()))

    def send() -> None:
        writer.begin(table.schema)
        for batch in table.to_batches(max_chunksize=BATCH_ROWS):
            writer.write_batch(batch)
        writer.done_writing()

    import threading

    sender = threading.Thread(target=send)
    sender.start()
    rows = sum(chunk.data.num_rows for chunk in reader)
    sender.join()
    writer.close()
    client.close()
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
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    echo = context.Process(target=_transport_main, args=(ready,), daemon=True)
    echo.start()
    processes.append(echo)
    transport_location = f"grpc://127.0.0.1:{ready.get(timeout=60)}"
    results = {"rows": args.rows, "columns": 4, "batch_rows": BATCH_ROWS, "machine": platform.machine(),
               "cpus": os.cpu_count(), "simd": rt_pandas.versions()["simd"], "location": locations[0],
               "load_average": os.getloadavg(), "ops": {}, "anomaly_breakdown": {}}
    try:
        client = flight.Client(locations[0])
        client.ping()
        statistics = {name: anomaly.anomaly_statistics(table.column(name)) for name in table.column_names}
        reader = lambda: table.to_reader(max_chunksize=BATCH_ROWS)  # noqa: E731
        cases = {
            "quality": (lambda: in_process_quality(table), lambda: client.quality(reader())),
            "anomaly_scores": (lambda: in_process_scores(table), lambda: client.anomaly_scores(reader()).num_rows),
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
        # where the anomaly round trip's time goes, and the optional smaller answers (same run, same table)
        local_s = results["ops"]["anomaly_scores"]["in_process_s"]
        parts = {
            "kernels_in_process": lambda: in_process_kernels(table),
            "transport_sink": lambda: transport(transport_location, "sink", table),
            "transport_echo": lambda: transport(transport_location, "echo", table),
            "flight_scores_float64": lambda: client.anomaly_scores(reader()).num_rows,
            "flight_global_statistics": lambda: client.anomaly_scores(reader(), statistics=statistics).num_rows,
            "flight_scores_float32": lambda: client.anomaly_scores(reader(), output="scores_float32").num_rows,
            "flight_flags": lambda: client.anomaly_scores(reader(), output="flags").num_rows,
        }
        for name, function in parts.items():
            seconds = best_of(args.repeats, function)[0]
            results["anomaly_breakdown"][name] = {"s": round(seconds, 4), "over_in_process": round(seconds / local_s, 3)}
            print(f"  {name:26s} {seconds:7.3f} s  {seconds / local_s:5.2f}x in-process", flush=True)
        client.close()
    finally:
        for process in processes:
            process.terminate()
            process.join(10)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
