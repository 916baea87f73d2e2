"""The rt-pandas command: report on real files of every format, the demo end to end, exit codes.

Reference values come from pandas and numpy directly (notna().mean(), duplicated(),
the MAD rule written out in numpy), not from the report code.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest

import rt_pandas
from rt_pandas.cli import main, run_demo
from rt_pandas.demo import DEMO_RANGES, demo_frame
from rt_pandas.report import frame_report, read_report

HOSTILE = '<script>alert("x")</script>'


def sample_frame(rows: int = 3_000, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    value = rng.normal(10, 1, rows)
    value[rng.choice(rows, 30, replace=False)] = np.nan
    value[rng.choice(rows, 12, replace=False)] = 500.0
    frame = pd.DataFrame({
        "time": pd.date_range("2026-01-01", periods=rows, freq="h"),
        "value": value,
        "count": rng.integers(0, 100, rows),
        HOSTILE: rng.choice(["a", "b", "<img src=x onerror=alert(1)>"], rows),
    })
    return pd.concat([frame, frame.iloc[:25]], ignore_index=True)  # 25 duplicate rows


def write(frame: pd.DataFrame, path: Path) -> Path:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    suffix = path.suffix
    if suffix == ".parquet":
        pq.write_table(table, path, row_group_size=1_000)
    elif suffix == ".feather":
        feather.write_feather(table, path, chunksize=1_000)
    elif suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.assign(time=frame["time"].dt.strftime("%Y-%m-%dT%H:%M:%S")).to_json(path, orient="records", lines=True)
    return path


def mad_count(values: np.ndarray) -> int:
    """Robust z-score above 3.5, written out in numpy (the reference for the anomaly counts)."""
    x = values[~np.isnan(values)]
    median = np.median(x)
    mad = np.median(np.abs(x - median))
    return int((np.abs(x - median) / (1.4826 * mad) > 3.5).sum())


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".feather", ".jsonl"])
def test_report_json_of_each_format_matches_pandas(tmp_path, suffix, backend):
    frame = sample_frame()
    path = write(frame, tmp_path / f"data{suffix}")
    out = tmp_path / "report.json"
    assert main(["report", str(path), "--format", "json", "-o", str(out), "--batch-rows", "700"]) == 0
    report = json.loads(out.read_text(), parse_constant=lambda name: pytest.fail(f"{name} is not JSON"))
    assert report["rows"] == len(frame)
    assert report["duplicate_rows"] == int(frame.duplicated().sum()) == 25
    completeness = {c["name"]: c["completeness"] for c in report["columns"]}
    for name in frame.columns:
        assert completeness[name] == pytest.approx(float(frame[name].notna().mean()), abs=1e-12)
    assert [c["name"] for c in report["columns"]] == list(frame.columns)
    assert report["anomalies"]["value"]["count"] == mad_count(frame["value"].to_numpy())
    assert report["anomalies"]["count"]["count"] == mad_count(frame["count"].to_numpy(float))
    assert HOSTILE not in report["anomalies"]  # strings get no anomaly detection


def test_batches_give_the_report_of_the_whole_file(tmp_path):
    frame = sample_frame(rows=20_000)
    path = write(frame, tmp_path / "big.parquet")
    whole = frame_report(frame, time_column="time").to_dict()
    batched = read_report(path, batch_rows=1_024, time_column="time").to_dict()
    seen = []
    read_report(path, batch_rows=1_024, progress=seen.append)
    assert len(seen) > 10 and sum(seen) == len(frame)
    for key in ("rows", "overall", "passed", "duplicate_rows"):
        assert batched[key] == pytest.approx(whole[key])
    for a, b in zip(batched["columns"], whole["columns"]):
        for metric in ("completeness", "validity", "uniqueness", "consistency"):
            assert a[metric] == pytest.approx(b[metric], abs=1e-12), (a["name"], metric)
    assert batched["anomalies"] == whole["anomalies"]


def test_seasonal_anomalies_over_the_time_column(tmp_path, backend):
    frame = demo_frame(rows=288 * 14)
    report = frame_report(frame, time_column="time", ranges=DEMO_RANGES)
    temperature = report.anomalies["temperature"]
    assert temperature.seasonal_period == 288  # five-minute readings: a day is 288 samples
    assert temperature.seasonal_count > 0
    flags = rt_pandas.anomaly.is_anomaly(frame["temperature"].reset_index(drop=True), "seasonal", period=288)
    assert temperature.seasonal_count == int(flags.sum())


def test_seasonal_analysis_of_long_series_covers_the_latest_readings(monkeypatch):
    from rt_pandas import report as report_module

    monkeypatch.setattr(report_module, "SEASONAL_MAX_ROWS", 288 * 7)
    frame = demo_frame(rows=288 * 14)
    result = frame_report(frame, time_column="time").anomalies["temperature"]
    tail = frame["temperature"].iloc[-288 * 7:].reset_index(drop=True)
    assert result.seasonal_count == int(rt_pandas.anomaly.is_anomaly(tail, "seasonal", period=288).sum())
    assert result.note == "seasonal analysis covers the last 2,016 readings"


def test_threshold_not_met_exits_1_and_markdown_goes_to_stdout(tmp_path, capsys):
    path = write(sample_frame(), tmp_path / "data.parquet")
    assert main(["report", str(path), "--format", "md", "--threshold", "0.99"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("# Data quality report")
    assert "FAILED" in captured.err
    assert "<script>" not in captured.out and "&lt;script&gt;" in captured.out and "| value |" in captured.out


def test_html_report_default_name_and_escaping(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write(sample_frame(), tmp_path / "sensors.csv")
    assert main(["report", str(path), "--columns", "value", HOSTILE, "--time-column", "time"]) == 0
    page = (tmp_path / "sensors-report.html").read_text()
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert page.count("<svg") >= 2  # histogram and line chart of value
    assert "count" not in [c.name for c in read_report(path, columns=["value"]).quality.columns]


@pytest.mark.parametrize("args, sentence", [
    (["missing.parquet"], "no such file"),
    (["data.txt"], "cannot tell the format"),
    (["corrupt.parquet"], "cannot read"),
    (["corrupt.feather"], "cannot read"),
    (["data.parquet", "--columns", "nope"], "unknown column 'nope'"),
    (["data.parquet", "--time-column", "value"], "cannot be read as timestamps"),
])
def test_input_errors_exit_2_with_one_sentence(tmp_path, monkeypatch, capsys, args, sentence):
    monkeypatch.chdir(tmp_path)
    write(sample_frame(200), tmp_path / "data.parquet")
    (tmp_path / "data.txt").write_text("a,b\n1,2\n")
    (tmp_path / "corrupt.parquet").write_bytes(b"PAR1" + b"\x00garbage" * 50)
    (tmp_path / "corrupt.feather").write_bytes(b"ARROW1\x00\x00" + bytes(range(256)))
    assert main(["report", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("rt-pandas: error: ") and sentence in err
    assert len(err.splitlines()) == 1


def test_usage_errors_exit_2(capsys):
    for argv in (["report"], ["report", "x.csv", "--threshold", "2"], ["frobnicate"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
    capsys.readouterr()


def test_empty_and_all_null_files(tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_text("x,y\n")
    assert main(["report", str(empty), "--format", "json", "-o", str(tmp_path / "e.json")]) == 1  # no score
    nulls = write(pd.DataFrame({"x": [np.nan] * 50}), tmp_path / "nulls.parquet")
    assert main(["report", str(nulls), "--format", "json", "-o", str(tmp_path / "n.json")]) == 1
    report = json.loads((tmp_path / "n.json").read_text())
    assert report["columns"][0]["completeness"] == 0.0
    capsys.readouterr()


def test_versions_command(capsys):
    assert main(["versions"]) == 0
    versions = json.loads(capsys.readouterr().out)
    assert versions["core"] == "0.1.0" and versions["anomaly"] == "0.1.0"
    assert main(["version"]) == 0


def test_demo_writes_report_and_summary(tmp_path):
    out = io.StringIO()
    report = run_demo(tmp_path / "demo.html", out=out)
    text = out.getvalue()
    page = (tmp_path / "demo.html").read_text()
    frame = demo_frame()
    assert f"{len(frame):,} sensor readings" in text and str(tmp_path / "demo.html") in text
    assert report.quality.duplicate_rows == int(frame.duplicated().sum()) > 0
    temperature = next(c for c in report.quality.columns if c.name == "temperature")
    assert temperature.completeness == pytest.approx(float(frame["temperature"].notna().mean()))
    lo, hi = DEMO_RANGES["temperature"]
    present = frame["temperature"].dropna()
    assert temperature.accuracy == pytest.approx(float(present.between(lo, hi).mean()))
    assert all(report.anomalies[name].count > 0 for name in ("temperature", "humidity", "power_kw"))
    assert "temperature" in page and page.count("<svg") >= 6


def test_python_dash_m_demo_end_to_end(tmp_path):
    result = subprocess.run([sys.executable, "-m", "rt_pandas", "demo"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "rt-pandas-demo.html").is_file()
    assert "Report written to" in result.stdout and "overall quality" in result.stdout
    assert result.stderr == ""  # no progress bar or warnings when not on a terminal


def test_all_null_csv_column_and_unsupported_dtype(tmp_path, capsys):
    path = tmp_path / "nulls.csv"
    path.write_text("x,y\n1,\n2,\n3,\n")
    out = tmp_path / "r.json"
    assert main(["report", str(path), "--format", "json", "-o", str(out)]) == 1
    columns = {c["name"]: c for c in json.loads(out.read_text())["columns"]}
    assert columns["y"]["completeness"] == 0.0 and columns["x"]["completeness"] == 1.0
    lists = tmp_path / "lists.parquet"
    pq.write_table(pa.table({"x": [[1, 2], [3]], "y": [1.0, 2.0]}), lists)
    # Every column the file has: the list column is left out and the report says so.
    assert main(["report", str(lists), "--format", "json", "-o", str(out)]) == 0
    written = json.loads(out.read_text())
    assert [c["name"] for c in written["columns"]] == ["y"]
    assert written["skipped_columns"] == {"x": "list<element: int64>"}
    assert "x: not profiled (list<element: int64> is not supported)" in written["findings"]
    # Named on the command line, it is an error.
    assert main(["report", str(lists), "--columns", "x", "y"]) == 2
    assert "column 'x' has dtype list" in capsys.readouterr().err
    assert main(["report", str(lists), "--columns", "y", "--format", "md"]) == 0


def test_csv_dates_and_times_of_day(tmp_path):
    """pyarrow reads 2020-01-01 as date32 and 10:00:00 as time32: dates are profiled as timestamps at midnight,
    times of day are left out (named in the report)."""
    path = tmp_path / "days.csv"
    path.write_text("day,v,at\n2020-01-01,1.5,10:00:00\n2020-01-02,2.5,11:00:00\n,3.5,12:00:00\n2020-01-02,,\n")
    out = tmp_path / "r.json"
    assert main(["report", str(path), "--format", "json", "-o", str(out)]) == 0
    written = json.loads(out.read_text())
    columns = {c["name"]: c for c in written["columns"]}
    assert set(columns) == {"day", "v"} and written["skipped_columns"] == {"at": "time32[s]"}
    assert columns["day"]["completeness"] == 0.75 and columns["day"]["distinct"] == 2
    assert columns["day"]["uniqueness"] == pytest.approx(1 / 3)  # 2020-01-01 once among 3 dates


def test_nullable_and_arrow_dtypes_in_a_frame(backend):
    frame = pd.DataFrame({
        "a": pd.array([1.0, None, 3.0, 4.0, 50.0] * 20, dtype="Float64"),
        "b": pd.Series([1, 2, None, 4, 5] * 20, dtype="int64[pyarrow]"),
        "c": pd.array(["x", None, "y", "x", "z"] * 20, dtype="string"),
    })
    report = frame.rt.quality_report()
    assert [c.name for c in report.quality.columns] == ["a", "b", "c"]
    assert report.anomalies["a"].count == mad_count(frame["a"].to_numpy(float, na_value=np.nan))
    assert report.anomalies["b"].count == mad_count(frame["b"].to_numpy(float, na_value=np.nan))
    assert "c" not in report.anomalies
    with pytest.raises(rt_pandas.ValidationError, match="unknown column 'nope'"):
        frame.rt.quality_report(columns=["nope"])
    page = frame.rt.quality_report(format="html")
    assert report._repr_html_() in page  # Jupyter shows the page's body
    with pytest.raises(rt_pandas.ValidationError, match="format must be one of"):
        frame.rt.quality_report(format="pdf")


def test_progress_bar_only_on_a_terminal(tmp_path, monkeypatch):
    path = write(sample_frame(5_000), tmp_path / "data.parquet")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["report", str(path), "-o", str(tmp_path / "r.html"), "--batch-rows", "1000"]) == 0
    assert "rows" in terminal.getvalue() and "5.03k" in terminal.getvalue()  # tqdm's bar reached the total
