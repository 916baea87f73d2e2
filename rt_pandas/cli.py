"""The ``rt-pandas`` command (also ``python -m rt_pandas``).

``rt-pandas demo`` runs the built-in demo; ``rt-pandas version`` prints the
component versions as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np
import pandas as pd

import rt_pandas
from rt_pandas import memory


def _demo_frame(rows: int, seed: int) -> pd.DataFrame:
    """Sensor readings with gaps and a few wild values, as a pipeline would see them."""
    rng = np.random.default_rng(seed)
    temperature = rng.normal(21.0, 2.0, rows)
    temperature[rng.choice(rows, rows // 50, replace=False)] = rng.choice([-273.0, 900.0], rows // 50)
    frame = pd.DataFrame(
        {
            "temperature": pd.array(temperature, dtype="Float64"),
            "humidity": rng.uniform(0, 110, rows).astype(np.float32),
            "station": rng.choice(["north", "south", "east"], rows),
        },
        index=pd.date_range("2026-01-01", periods=rows, freq="min", name="time"),
    )
    frame.loc[frame.index[:: max(rows // 20, 1)], "temperature"] = pd.NA
    return frame


def run_demo(rows: int = 100_000, seed: int = 7, out=sys.stdout) -> dict:
    """Clamp a demo frame on every available backend and report what happened."""
    frame = _demo_frame(rows, seed)
    print(f"rt-pandas {rt_pandas.__version__}: demo on {rows:,} rows of sensor readings", file=out)
    print(frame.head(3).to_string(), file=out)
    summary = {}
    for backend in rt_pandas.available_backends():
        rt_pandas.set_backend(backend)
        try:
            memory.reset_stats()
            for _ in range(20):  # a pipeline runs the same step again and again
                clamped = frame.assign(
                    temperature=frame["temperature"].rt.clamp(-40, 60),
                    humidity=frame["humidity"].rt.clamp(0, 100),
                )
            stats = memory.stats()
            summary[backend] = {
                "simd": rt_pandas.versions()["simd"],
                "temperature_max": float(clamped["temperature"].max()),
                "temperature_nulls": int(clamped["temperature"].isna().sum()),
                "humidity_max": float(clamped["humidity"].max()),
                "pool_hit_rate": stats["hit_rate"],
                "pool_peak_bytes": stats["peak_bytes_in_use"],
            }
        finally:
            rt_pandas.set_backend("native")
    for backend, result in summary.items():
        print(
            f"\n[{backend} backend, SIMD {result['simd']}]\n"
            f"  temperature clamped to [-40, 60]: max {result['temperature_max']:.1f}, "
            f"{result['temperature_nulls']:,} nulls kept\n"
            f"  humidity clamped to [0, 100]: max {result['humidity_max']:.1f}\n"
            f"  memory pool: {result['pool_hit_rate']:.1f}% of allocations reused, "
            f"peak {result['pool_peak_bytes'] / 2**20:.1f} MiB in use",
            file=out,
        )
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rt-pandas", description="rt-pandas command line")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run the built-in demo")
    demo.add_argument("--rows", type=int, default=100_000)
    commands.add_parser("version", help="print component versions as JSON")
    from . import flight  # the Flight worker's command: `rt-pandas flight serve ...` (rt_pandas/flight.py)

    flight.add_cli(commands)
    args = parser.parse_args(argv)
    if args.command == "flight":
        return flight.run_cli(args)
    if args.command == "demo":
        run_demo(rows=args.rows)
    else:
        print(json.dumps(rt_pandas.versions(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
