"""WasmQualityMetrics and WasmAnomalyDetector (wasm/index.js in Node) against rt_pandas.quality and
rt_pandas.anomaly on the same float data, on both Python backends and at every native SIMD level.

`wasm/tools/parity_quality_anomaly.mjs` runs the cases through the JS API once. Quality reports must
be equal (the metrics are ratios of the same integer counts; the robust bounds come from the same C
code). Statistical anomaly scores are bit-identical to the Python wasm backend (the same binary)
and within the documented 1e-12 (relative, absolute below 1; docs/anomaly.md) of native, whose
SIMD variants sum the mean and variance in other lane orders. Streaming records and
isolation-forest scores (same seed) are bit-identical everywhere: every variant keeps the scalar
reference's operation order.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rt_pandas
from rt_pandas import anomaly as A

ROOT = Path(__file__).resolve().parent.parent
NODE = shutil.which("node")
REQUIRE_WASM = os.environ.get("RT_PANDAS_REQUIRE_WASM") == "1"


def _series_data() -> dict[str, tuple[np.ndarray, list[int]]]:
    """name -> (values, rows that are null in JS and NaN in Python)."""
    rng = np.random.default_rng(11)
    walk = np.cumsum(rng.normal(size=3000))
    walk[[100, 1500, 2900]] += [40, -35, 60]
    with_gaps = rng.normal(10, 2, 500).round(1)
    with_gaps[[3, 50, 51, 400]] = [np.nan, np.inf, -np.inf, 1e6]
    return {
        "walk_f64": (walk, []),
        "walk_f32": (walk.astype(np.float32), []),
        "gaps_f64": (with_gaps, [0, 7, 8, 499]),
        "mad_zero": (np.array([5.0, 5, 5, 5, 5, 6, 5, 5, 7]), []),
        "constant": (np.full(50, 2.5), []),
        "all_null": (np.zeros(6), list(range(6))),
        "empty": (np.zeros(0), []),
        "one": (np.array([3.0]), []),
    }


def _cases() -> list[dict]:
    cases = []
    for name, (values, nulls) in _series_data().items():
        dtype = str(values.dtype)
        base = {"dtype": dtype, "nulls": nulls, "values": values}
        cases.append(base | {"name": f"quality_{name}", "op": "quality", "threshold": 0.8, "range": None})
        cases.append(base | {"name": f"quality_{name}_range", "op": "quality", "threshold": 0.9, "range": [-5.0, 12.0]})
        for method, threshold in (("zscore", 2.5), ("iqr", 1.5), ("mad", 3.5)):
            cases.append(base | {"name": f"{method}_{name}", "op": "statistical", "method": method,
                                 "threshold": threshold})
        cases.append(base | {"name": f"streaming_{name}", "op": "streaming", "threshold": 2.5, "window_size": 20})
    rng = np.random.default_rng(5)
    cloud = rng.normal(size=(600, 3)).astype(np.float32)
    cloud[[17, 300]] = [[6, 6, -6], [0, 9, 0]]
    cases.append({"name": "iforest_3d", "op": "iforest", "dtype": "float32", "nulls": [], "values": cloud,
                  "tensor": True, "shape": [600, 3], "n_trees": 50, "seed": 7})
    walk = _series_data()["walk_f64"][0]
    cases.append({"name": "iforest_1d", "op": "iforest", "dtype": "float64", "nulls": [], "values": walk,
                  "n_trees": 100, "seed": 123})
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def js_results(tmp_path_factory):
    if NODE is None or not (ROOT / "rt_pandas" / "rt_core.wasm").exists():
        if REQUIRE_WASM:
            pytest.fail("node and rt_core.wasm are required (RT_PANDAS_REQUIRE_WASM=1)")
        pytest.skip("needs node and a built rt_core.wasm")
    directory = tmp_path_factory.mktemp("parity_qa")
    manifest = []
    for case in CASES:
        np.ascontiguousarray(case["values"]).tofile(directory / f"{case['name']}.in")
        manifest.append({k: v for k, v in case.items() if k != "values"})
    (directory / "manifest.json").write_text(json.dumps({"cases": manifest}))
    subprocess.run([NODE, str(ROOT / "wasm" / "tools" / "parity_quality_anomaly.mjs"), str(directory)],
                   check=True, timeout=120)
    return json.loads((directory / "results.json").read_text(), object_hook=_numbers)


def _number(value):
    return float(value) if value in ("NaN", "Infinity", "-Infinity") else value


def _numbers(obj: dict) -> dict:
    """Non-finite numbers arrive as strings (JSON has none): back to floats, in lists too."""
    return {key: [_number(v) for v in value] if isinstance(value, list) else _number(value)
            for key, value in obj.items()}


def _python_values(case: dict) -> np.ndarray:
    values = np.array(case["values"], dtype=case["dtype"])
    values[case["nulls"]] = np.nan
    return values


def _levels(backend: str) -> list:
    return rt_pandas.simd_levels() if backend == "native" else [None]


def _nan_list(values) -> np.ndarray:
    return np.array([np.nan if v is None else _number(v) for v in values], dtype=np.float64)


def _same(a, b, where: str) -> None:
    """Equal JSON-like values; floats compared bit for bit (NaN and None both stand for missing)."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            _same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, (int, float)) and not isinstance(a, bool) and isinstance(b, (int, float)):
        assert a == b or (math.isnan(a) and math.isnan(b)), f"{where}: {a!r} != {b!r}"
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


@pytest.mark.parametrize("case", [c for c in CASES if c["op"] == "quality"], ids=lambda c: c["name"])
def test_quality_report_matches_python(js_results, case, backend):
    for level in _levels(backend):
        rt_pandas.force_simd(level)
        series = pd.Series(_python_values(case), name="x")
        expected = series.rt.quality(case["threshold"], ranges=None if case["range"] is None else tuple(case["range"]))
        _same(json.loads(expected.to_json()), js_results[case["name"]], f"{case['name']}@{level}")


def _assert_scores_close(actual: np.ndarray, expected: np.ndarray, where: str) -> None:
    """Within 1e-12 of max(|expected|, 1), infinities and NaN in the same places."""
    assert np.array_equal(np.isnan(actual), np.isnan(expected)), where
    assert np.array_equal(actual[np.isinf(expected)], expected[np.isinf(expected)]), where
    finite = np.isfinite(expected)
    error = np.abs(actual[finite] - expected[finite]) / np.maximum(np.abs(expected[finite]), 1.0)
    assert error.size == 0 or error.max() <= 1e-12, f"{where}: {error.max():.3g}"


@pytest.mark.parametrize("case", [c for c in CASES if c["op"] == "statistical"], ids=lambda c: c["name"])
def test_statistical_scores_match_python(js_results, case, backend):
    result = js_results[case["name"]]
    for level in _levels(backend):
        rt_pandas.force_simd(level)
        values = _python_values(case)
        scores = A.anomaly_scores(values, case["method"]).to_numpy()
        js = _nan_list(result["scores"])
        if backend == "wasm" and case["dtype"] == "float64":
            np.testing.assert_array_equal(js, scores, err_msg=case["name"])
        elif backend == "wasm":
            # The Python wasm backend hands this float32 column to the kernel as float64; JS
            # passes float32 (as native does, and JS equals native scalar here bit for bit).
            _assert_scores_close(js, scores, case["name"])
        else:
            _assert_scores_close(js, scores, f"{case['name']}@{level}")
        flags = A.is_anomaly(values, case["method"], case["threshold"]).to_numpy()
        assert result["anomalies"] == np.flatnonzero(flags).tolist()


@pytest.mark.parametrize("case", [c for c in CASES if c["op"] == "streaming"], ids=lambda c: c["name"])
def test_streaming_records_match_python(js_results, case, backend):
    result = js_results[case["name"]]
    for level in _levels(backend):
        rt_pandas.force_simd(level)
        detector = A.StreamingDetector(case["threshold"], case["window_size"])
        records = [r for r in (detector.update(float(v)) for v in _python_values(case)) if r is not None]
        _same(records, result["records"], f"{case['name']}@{level}")
        stats = detector.statistics()
        for key in ("count", "anomalies", "missing", "window_size", "window_fill", "threshold"):
            assert result["statistics"][key] == stats[key], key


@pytest.mark.parametrize("case", [c for c in CASES if c["op"] == "iforest"], ids=lambda c: c["name"])
def test_isolation_forest_scores_match_python(js_results, case, backend):
    X = np.asarray(case["values"], dtype=np.float64).reshape(len(case["values"]), -1)
    for level in _levels(backend):
        rt_pandas.force_simd(level)
        forest = A.IsolationForest(n_estimators=case["n_trees"], random_state=case["seed"]).fit(X)
        np.testing.assert_array_equal(_nan_list(js_results[case["name"]]), forest.anomaly_score(X),
                                      err_msg=f"{case['name']}@{level}")
