"""The ``rt-pandas`` command (also ``python -m rt_pandas``).

``rt-pandas demo``
    Builds the demo dataset in memory, writes ``rt-pandas-demo.html`` and
    prints a summary.
``rt-pandas report PATH [--format html|json|md] [-o OUT] [--columns ...] [--time-column C] [--threshold T]``
    The quality and anomaly report of a Parquet, CSV, Feather/Arrow IPC or
    JSON-lines file.
``rt-pandas versions``
    Component versions, SIMD level and backends as JSON (``version`` too).

Exit codes: 0 report written and threshold met; 1 threshold not met;
2 usage or input error (one sentence on stderr).

Other domains add commands (``rt-pandas flight serve`` from
``rt_pandas.flight``) through :data:`COMMAND_MODULES`: a module there that
defines ``register_cli(subparsers)`` gets its commands added, each with a
``handler(args) -> int`` set through ``set_defaults``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
import time
from pathlib import Path
from typing import TextIO

import rt_pandas

from .errors import RtError
from .report import DEFAULT_MEMORY_LIMIT, FORMATS, DataReport, file_rows, frame_report, read_report

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2
DEMO_OUTPUT = "rt-pandas-demo.html"
# Modules that add their own commands when present (the Flight worker: ``rt-pandas flight serve``).
COMMAND_MODULES = ("rt_pandas.flight",)


def summary_table(report: DataReport) -> str:
    """A short plain-text table: per column completeness, validity, accuracy, overall and anomalies."""
    headers = ("column", "complete", "valid", "accurate", "overall", "anomalies")
    rows = []
    for c in report.quality.columns:
        d = c.to_dict(report.quality.weights)
        anomalies = report.anomalies.get(c.name)
        rows.append((str(c.name), *(_percent(d[m]) for m in ("completeness", "validity", "accuracy", "overall")),
                     "" if anomalies is None else f"{anomalies.count:,}"))
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)  # noqa: E731
                                   for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _verdict(report: DataReport) -> str:
    q = report.quality
    score = "n/a" if q.overall is None else f"{100 * q.overall:.1f}%"
    return f"overall quality {score}, threshold {100 * q.threshold:.1f}%: {'passed' if q.passed else 'FAILED'}"


def run_demo(output: str | Path = DEMO_OUTPUT, rows: int | None = None, out: TextIO = sys.stdout) -> DataReport:
    """Build the demo dataset, write its HTML report to ``output`` and print where it is and a summary."""
    from .demo import DEMO_RANGES, DEMO_ROWS, demo_frame

    started = time.perf_counter()
    frame = demo_frame(rows or DEMO_ROWS)
    report = frame_report(frame, time_column="time", ranges=DEMO_RANGES, source="rt-pandas demo: sensor readings")
    output = Path(output)
    output.write_text(report.to_html(), encoding="utf-8")
    elapsed = time.perf_counter() - started
    print(f"rt-pandas {rt_pandas.__version__} ({rt_pandas.get_backend_name()} backend, SIMD "
          f"{rt_pandas.versions()['simd']}): {len(frame):,} sensor readings checked in {elapsed:.1f} s", file=out)
    print(f"Report written to {output.resolve()}\n", file=out)
    print(summary_table(report), file=out)
    print(f"\n{_verdict(report)}; {report.quality.duplicate_rows:,} duplicate rows", file=out)
    for finding in report.findings()[:6]:
        print(f"  - {finding}", file=out)
    return report


def _progress(path: str):
    """A tqdm bar on a terminal (stderr), restarted for each further pass over the file; None when
    stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None, None
    from tqdm import tqdm

    total = file_rows(path)
    bar = tqdm(total=total, unit=" rows", unit_scale=True, desc="reading", file=sys.stderr, leave=False)

    def update(rows: int, stage: str = "reading") -> None:
        if stage != bar.desc:
            bar.reset(total=total)
            bar.set_description(stage)
        bar.update(rows)

    return update, bar


def cmd_report(args: argparse.Namespace) -> int:
    update, bar = _progress(args.path)
    try:
        report = read_report(args.path, threshold=args.threshold, columns=args.columns,
                             time_column=args.time_column, batch_rows=args.batch_rows, progress=update,
                             memory_limit=args.memory_limit)
    finally:
        if bar is not None:
            bar.close()
    text = report.render(args.format)
    output = args.output
    if output is None and args.format == "html":
        output = Path(args.path).with_suffix("").name + "-report.html"
    if output is None or output == "-":
        sys.stdout.write(text)
    else:
        Path(output).write_text(text, encoding="utf-8")
        print(f"Report written to {output}", file=sys.stderr)
    print(_verdict(report), file=sys.stderr)
    return EXIT_OK if report.passed else EXIT_FAILED


def cmd_demo(args: argparse.Namespace) -> int:
    run_demo(args.output, rows=args.rows)
    return EXIT_OK


def cmd_versions(args: argparse.Namespace) -> int:
    print(json.dumps(rt_pandas.versions(), indent=2))
    return EXIT_OK


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"threshold must be a number in [0, 1], got {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"threshold must be a number in [0, 1], got {text!r}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


BYTE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def _bytes(text: str) -> int:
    """A byte count such as ``512MB``, ``2G`` or ``1.5GiB`` (binary units)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d*)?)\s*([KMGT]?)(?:I?B)?\s*", text, re.IGNORECASE)
    value = float(match[1]) * BYTE_UNITS[match[2].upper()] if match else 0
    if not value >= 1:
        raise argparse.ArgumentTypeError(f"memory limit must be a size such as 512MB or 2GB, got {text!r}")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rt-pandas", description="Data quality and anomaly reports for data files.",
                                     epilog="Exit codes: 0 report written and threshold met, 1 threshold not met, "
                                            "2 usage or input error.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    report = commands.add_parser("report", help="write the quality and anomaly report of a data file")
    report.add_argument("path", help="a .parquet, .csv, .feather/.arrow or .jsonl file")
    report.add_argument("--format", choices=FORMATS, default="html", help="html (default), json or md")
    report.add_argument("-o", "--output", help="where to write (default: PATH-report.html for html, stdout else)")
    report.add_argument("--columns", nargs="+", metavar="COLUMN", help="report on these columns only")
    report.add_argument("--time-column", metavar="COLUMN", help="timestamp column for seasonal anomalies and charts")
    report.add_argument("--threshold", type=_threshold, default=0.8, help="overall score to pass (default 0.8)")
    report.add_argument("--memory-limit", type=_bytes, default=DEFAULT_MEMORY_LIMIT, metavar="SIZE",
                        help="numeric data to hold in memory for the anomalies (default 2GB); a larger file is "
                             "analysed in further passes over it, with the same result")
    report.add_argument("--batch-rows", type=_positive, default=65_536, help=argparse.SUPPRESS)
    report.set_defaults(handler=cmd_report)

    demo = commands.add_parser("demo", help="report on a built-in sensor dataset and write rt-pandas-demo.html")
    demo.add_argument("-o", "--output", default=DEMO_OUTPUT, help=f"where to write (default {DEMO_OUTPUT})")
    demo.add_argument("--rows", type=_positive, default=None, help=argparse.SUPPRESS)
    demo.set_defaults(handler=cmd_demo)

    commands.add_parser("versions", help="print component versions as JSON").set_defaults(handler=cmd_versions)
    commands.add_parser("version").set_defaults(handler=cmd_versions)  # the old name, kept working

    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register_cli(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except RtError as exc:
        print(f"rt-pandas: error: {exc.message}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
