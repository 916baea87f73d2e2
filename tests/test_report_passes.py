"""Files larger than the report's memory limit: the anomaly analysis in passes over the file.

The reference is the in-memory analysis of the same file (itself checked against numpy in
test_cli.py) and numpy directly: a report read with ``memory_limit=1`` must equal the report
read whole, whatever the batch size and the order of the rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rt_pandas import report as report_module
from rt_pandas._exact import PassQuantiles
from rt_pandas.cli import main
from rt_pandas.report import read_report


def sensor_frame(rows: int, seed: int = 5, shuffled: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = np.arange(rows)
    level = 20 + 5 * np.sin(2 * np.pi * t / 48) + rng.normal(0, 0.5, rows)
    level[rng.choice(rows, 40, replace=False)] = np.nan
    level[rng.choice(rows, 15, replace=False)] += rng.choice([-30.0, 30.0], 15)
    level[rng.choice(rows, 3, replace=False)] = -999.0          # a sentinel outside the chart range
    level[rng.choice(rows, 2, replace=False)] = np.inf
    counts = rng.integers(0, 50, rows).astype("float64")
    counts[rng.choice(rows, 30, replace=False)] = np.nan
    times = pd.Series(pd.date_range("2026-03-01", periods=rows, freq="30min"))
    times[rng.choice(rows, 7, replace=False)] = pd.NaT           # rows without a time are left out
    frame = pd.DataFrame({"time": times, "level": level,
                          "counts": pd.array(counts, dtype="Int64"),  # an integer column with nulls
                          "flat": np.full(rows, 4.0),                # MAD 0: anything else is infinitely far
                          "empty": np.full(rows, np.nan),
                          "label": rng.choice(["a", "b"], rows)})
    frame.loc[rng.choice(rows, 5, replace=False), "flat"] = 4.5
    if shuffled:
        frame = frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    return frame


def assert_same_analysis(whole, passes):
    assert whole.anomalies.keys() == passes.anomalies.keys()
    for name, a in whole.anomalies.items():
        b = passes.anomalies[name]
        assert (a.count, a.seasonal_count, a.seasonal_period, a.note) == \
               (b.count, b.seasonal_count, b.seasonal_period, b.note), name
        pd.testing.assert_frame_equal(a.top, b.top)
        ca, cb = whole.charts[name], passes.charts[name]
        for field in ("edges", "counts", "times", "values", "marked_times", "marked_values"):
            np.testing.assert_array_equal(getattr(ca, field), getattr(cb, field), err_msg=f"{name}.{field}")
        assert ca.outside == cb.outside


@pytest.mark.parametrize("shuffled", [False, True])
def test_passes_over_a_file_equal_the_analysis_in_memory(tmp_path, monkeypatch, shuffled):
    monkeypatch.setattr(report_module, "SEASONAL_MAX_ROWS", 1_500)  # a window smaller than the file
    frame = sensor_frame(6_000, shuffled=shuffled)
    path = tmp_path / "sensor.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=700)
    whole = read_report(path, time_column="time", batch_rows=512)
    passes = read_report(path, time_column="time", batch_rows=512, memory_limit=1)
    assert_same_analysis(whole, passes)
    assert whole.anomalies["level"].note == "seasonal analysis covers the last 1,500 readings"
    assert passes.quality.to_dict() == whole.quality.to_dict()


def test_passes_without_a_time_column_count_the_mad_rule_in_numpy(tmp_path):
    frame = sensor_frame(5_000, seed=9)
    path = tmp_path / "sensor.csv"
    frame.drop(columns="time").to_csv(path, index=False)
    passes = read_report(path, batch_rows=300, memory_limit=1)
    assert_same_analysis(read_report(path, batch_rows=300), passes)
    x = frame["level"].to_numpy()
    x = x[~np.isnan(x)]
    median = np.median(x)
    scores = np.abs(x - median) / (1.4826 * np.median(np.abs(x - median)))
    assert passes.anomalies["level"].count == int((scores > 3.5).sum())
    assert passes.anomalies["empty"].count == 0
    assert passes.anomalies["flat"].count == 5
    top = passes.anomalies["level"].top
    assert list(top.index) == sorted(top.index, key=lambda i: (-top.loc[i, "score"], i))  # file row numbers


def test_the_command_takes_a_memory_limit(tmp_path, capsys):
    path = tmp_path / "sensor.parquet"
    pq.write_table(pa.Table.from_pandas(sensor_frame(2_000), preserve_index=False), path)
    out = tmp_path / "r.json"
    assert main(["report", str(path), "--time-column", "time", "--memory-limit", "1KB", "--format", "json",
                 "-o", str(out)]) in (0, 1)
    with pytest.raises(SystemExit) as exit_info:
        main(["report", str(path), "--memory-limit", "lots"])
    assert exit_info.value.code == 2 and "memory limit must be a size" in capsys.readouterr().err


def test_pass_quantiles_equal_numpy_on_hostile_values():
    rng = np.random.default_rng(2)
    for trial in range(200):
        n = int(rng.integers(0, 2_000))
        x = np.where(rng.random(n) < 0.1, rng.choice([np.inf, -np.inf, np.nan, 0.0, 5e-324], n),
                     rng.standard_cauchy(n) * 10.0 ** rng.integers(-300, 300))
        probs = [*rng.random(3), 0.0, 0.5, 1.0]
        q = PassQuantiles(probs, gather_limit=int(rng.choice([1, 16, 1 << 20])))
        chunks = np.array_split(x, int(rng.integers(1, 6)))
        while not q.done:
            for chunk in chunks:
                q.feed(chunk)
            q.end_pass()
        valid = x[~np.isnan(x)]
        with np.errstate(invalid="ignore"):
            expected = np.quantile(valid, probs) if valid.size else np.full(len(probs), np.nan)
        np.testing.assert_array_equal(q.result(), expected)
        assert q.passes <= 5
