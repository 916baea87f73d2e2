"""z-score, IQR and MAD against numpy/scipy on every input kind, both backends, every SIMD level."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from scipy import stats

import rt_pandas
from rt_pandas import ValidationError
from rt_pandas import anomaly
from rt_pandas._backend import NULL, In, InValue, Out
from rt_pandas._columns import DTYPE_CODES

TOL = 1e-12


def reference_scores(values: np.ndarray, method: str) -> np.ndarray:
    """Scores from numpy/scipy statistics of the non-NaN values (NaN stays NaN)."""
    x = np.asarray(values, dtype=np.float64)
    valid = x[~np.isnan(x)]
    if method == "zscore":
        finite = valid[np.isfinite(valid)]
        lo = hi = finite.mean()
        scale = finite.std()  # ddof 0, as scipy.stats.zscore
    elif method == "mad":
        lo = hi = np.median(valid)
        scale = stats.median_abs_deviation(valid, scale=1 / 1.4826)
    else:
        lo, hi = np.percentile(valid, [25, 75])
        scale = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        distance = np.maximum(np.maximum(lo - x, x - hi), 0.0)
        scores = np.where(distance == 0, 0.0, distance / scale) if scale == 0 else distance / scale
    return np.where(np.isnan(x), np.nan, scores)


def assert_scores(got, want):
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    # Relative to max(|score|, 1): a score near 0 is |x - centre| with x near the centre,
    # where the last bit of the centre dominates any relative comparison.
    np.testing.assert_allclose(got, want, rtol=TOL, atol=TOL, equal_nan=True)


def sample(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.normal(50.0, 4.0, n)
    x[:: max(n // 13, 1)] += 40.0  # a few outliers
    return x


@pytest.mark.parametrize("method", ["zscore", "iqr", "mad"])
@pytest.mark.parametrize("n", [1, 2, 3, 7, 8, 9, 17, 1000, 100_003])
def test_matches_numpy_scipy_at_every_simd_level(backend, method, n):
    x = sample(n, seed=n)
    want = reference_scores(x, method)
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        got = pd.Series(x).rt.anomaly_scores(method)
        assert_scores(got, want)
        flags = pd.Series(x).rt.is_anomaly(method, threshold=2.0)
        np.testing.assert_array_equal(flags.to_numpy(), np.asarray(got) > 2.0)


def test_zscore_equals_scipy_zscore(backend):
    x = sample(5000, seed=3)
    assert_scores(pd.Series(x).rt.anomaly_scores("zscore"), np.abs(stats.zscore(x)))


def test_iqr_flags_are_tukey_fences(backend):
    x = sample(2001, seed=4)
    q1, q3 = np.percentile(x, [25, 75])
    for k in (1.5, 3.0):
        want = (x < q1 - k * (q3 - q1)) | (x > q3 + k * (q3 - q1))
        np.testing.assert_array_equal(pd.Series(x).rt.is_anomaly("iqr", threshold=k), want)


def test_default_thresholds(backend):
    x = sample(3000, seed=5)
    for method, k in (("zscore", 3.0), ("iqr", 1.5), ("mad", 3.5)):
        np.testing.assert_array_equal(pd.Series(x).rt.is_anomaly(method), reference_scores(x, method) > k)


def test_anomalies_frame_keeps_the_series_index(backend):
    s = pd.Series([10.0, 11, None, 10, 12, 11, 50], index=list("abcdefg"), name="load")
    got = s.rt.anomalies("iqr")
    assert list(got.columns) == ["value", "score", "method"]
    assert got.index.tolist() == ["g"]
    assert got["value"].tolist() == [50.0] and got["method"].tolist() == ["iqr"]
    assert_scores(got["score"], reference_scores(s.to_numpy(), "iqr")[[6]])
    scores = s.rt.anomaly_scores("iqr")
    assert scores.index.equals(s.index) and scores.name == "load" and np.isnan(scores["c"])


@pytest.mark.parametrize("method", ["zscore", "iqr", "mad"])
def test_nulls_never_anomalies_nor_in_statistics(backend, method):
    values = [1.0, 2.0, None, 3.0, 100.0, None, 2.5, 2.0, 1.5, 2.2]
    plain = np.array([v for v in values if v is not None])
    want_valid = reference_scores(plain, method)
    inputs = [
        pd.Series(values, dtype="Float64"),
        pd.Series(values, dtype=pd.ArrowDtype(pa.float64())),
        pd.Series(values, dtype="float64"),
        pd.Series([None if v is None else int(v) for v in values], dtype="Int64"),
    ]
    for s in inputs:
        got = s.rt.anomaly_scores(method)
        mask = s.isna().to_numpy()
        assert np.isnan(got[mask]).all()
        flags = s.rt.is_anomaly(method, threshold=1.0)
        assert not flags[mask].any()
        if s.dtype != "Int64":
            assert_scores(got[~mask], want_valid)


@pytest.mark.parametrize("offset", [0, 1, 5, 8, 9, 13])
def test_sliced_arrow(backend, offset):
    raw = [None if i % 4 == 0 else float((i * 7919) % 101) for i in range(64)]
    arrow = pa.array(raw, type=pa.float64()).slice(offset, 40)
    window = np.array([np.nan if v is None else v for v in raw[offset : offset + 40]])
    for method in ("zscore", "iqr", "mad"):
        got = rt_pandas.anomaly.anomaly_scores(arrow, method)
        assert_scores(got, reference_scores(window, method))


def test_chunked_arrow_series(backend):
    chunked = pa.chunked_array([pa.array([1.0, None, 2.0]), pa.array([], pa.float64()), pa.array([3.0, 50.0, 2.5])])
    s = pd.Series(pd.arrays.ArrowExtensionArray(chunked))
    want = reference_scores(np.array([1.0, np.nan, 2.0, 3.0, 50.0, 2.5]), "mad")
    assert_scores(s.rt.anomaly_scores("mad"), want)


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64, np.uint8, np.int8, np.uint16, bool])
def test_other_dtypes(backend, dtype):
    x = (np.arange(40) % 7).astype(dtype)
    if dtype is not bool:
        x[5] = 60 if dtype not in (np.int8,) else 100
    want = reference_scores(x.astype(np.float64), "zscore")
    assert_scores(pd.Series(x).rt.anomaly_scores("zscore"), want)


def test_empty_all_null_constant(backend):
    empty = pd.Series([], dtype=float)
    assert anomaly.anomaly_scores(empty).empty and anomaly.anomalies(empty).empty
    nulls = pd.Series([None, None], dtype="Float64")
    for method in ("zscore", "iqr", "mad"):
        assert np.isnan(nulls.rt.anomaly_scores(method)).all()
        assert not nulls.rt.is_anomaly(method).any()
        constant = pd.Series([4.0] * 9)
        assert (constant.rt.anomaly_scores(method) == 0).all()
        assert constant.rt.anomalies(method).empty


def test_infinity_is_flagged_and_left_out_of_the_zscore_statistics(backend):
    x = np.array([1.0, 2.0, 3.0, np.inf, -np.inf, np.nan])
    got = pd.Series(x).rt.anomaly_scores("zscore").to_numpy()
    assert_scores(got, reference_scores(x, "zscore"))
    assert np.isinf(got[3]) and np.isinf(got[4])
    assert pd.Series(x).rt.is_anomaly("zscore").tolist() == [False, False, False, True, True, False]


def test_large_float32(backend):
    x = sample(1_000_003, seed=9).astype(np.float32)
    assert_scores(pd.Series(x).rt.anomaly_scores("mad"), reference_scores(x.astype(np.float64), "mad"))


@pytest.mark.parametrize("threshold", [0, -1, np.nan, np.inf, "3", True])
def test_bad_threshold(backend, threshold):
    with pytest.raises(ValidationError) as info:
        pd.Series([1.0, 2.0]).rt.anomalies("zscore", threshold=threshold)
    assert info.value.context == "threshold"


def test_bad_method_and_params(backend):
    with pytest.raises(ValidationError) as info:
        pd.Series([1.0, 2.0]).rt.anomalies("nope")
    assert info.value.context == "method"
    with pytest.raises(ValidationError):
        pd.Series([1.0, 2.0]).rt.anomalies("zscore", window=3)


def test_non_numeric_columns(backend):
    with pytest.raises(ValidationError):
        pd.Series(["a", "b"]).rt.anomaly_scores()
    with pytest.raises(ValidationError):
        pd.Series(pd.date_range("2024", periods=3)).rt.anomalies("mad")
    with pytest.raises(ValidationError):
        anomaly.anomaly_scores(pd.DataFrame({"a": [1.0]}))


@pytest.mark.parametrize("case", ["normal", "ties", "nan", "int32", "skewed"])
def test_large_columns_take_the_one_pass_paths(backend, case):
    """Columns above 262,144 values use sampled brackets (IQR, MAD) and blocked SIMD moments (z-score)."""
    rng = np.random.default_rng(len(case))
    n = 300_001
    if case == "ties":
        x = rng.integers(0, 3, n).astype(np.float64)  # brackets overflow: the exact fallback answers
    elif case == "int32":
        x = rng.integers(-1000, 1000, n).astype(np.int32)
    elif case == "skewed":
        x = rng.lognormal(0, 2, n)
    else:
        x = rng.normal(10, 3, n)
    if case == "nan":
        x[rng.random(n) < 0.1] = np.nan
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        for method in ("zscore", "iqr", "mad"):
            assert_scores(pd.Series(x).rt.anomaly_scores(method), reference_scores(x, method))


@pytest.mark.parametrize("method", ["zscore", "iqr", "mad"])
def test_scoring_split_across_threads_gives_the_same_bits(method):
    """The scoring pass of a large column runs in slices on the thread pool (each slice against the whole
    column's summary): scores, flags and counts equal one thread's bit for bit, here on a sliced Arrow
    column with nulls whose slices start at odd bit offsets."""
    rng = np.random.default_rng(5)
    n = 3 * 65_536 + 1_001
    x = rng.normal(5.0, 2.0, n + 3)
    x[rng.random(n + 3) < 0.01] = 40.0
    mask = rng.random(n + 3) < 0.05
    column = pa.array(x, mask=mask).slice(3)
    series = pd.Series(column, dtype=pd.ArrowDtype(pa.float64()))
    try:
        rt_pandas.set_num_threads(1)
        one = anomaly.anomaly_scores(series, method).to_numpy(np.float64, na_value=np.nan)
        one_flags = anomaly.is_anomaly(series, method).to_numpy()
        one_frame = anomaly.anomalies(series, method)
        for threads in (2, 3):
            rt_pandas.set_num_threads(threads)
            many = anomaly.anomaly_scores(series, method).to_numpy(np.float64, na_value=np.nan)
            assert np.array_equal(one.view(np.int64), many.view(np.int64))
            np.testing.assert_array_equal(anomaly.is_anomaly(series, method).to_numpy(), one_flags)
            pd.testing.assert_frame_equal(anomaly.anomalies(series, method), one_frame)
    finally:
        rt_pandas.set_num_threads(None)
    assert_scores(one, reference_scores(column.to_numpy(zero_copy_only=False), method))
    assert one_flags.sum() == len(one_frame) > 0


def test_score_summary_rejects_bad_arguments():
    backend = rt_pandas._backend.get_backend()
    x = np.arange(4.0)
    scores = backend.empty(4, np.float64)
    summary = InValue("rt_anomaly_summary", {"center": 1.0, "scale": 1.0, "q1": np.nan, "q3": np.nan})
    column = (DTYPE_CODES[x.dtype], In(x), NULL, 0, 4, Out(scores), NULL, NULL)
    with pytest.raises(ValidationError, match="summary and scores"):
        backend.run("rt_anomaly_score_summary", 1, 3.0, NULL, *column)
    with pytest.raises(ValidationError, match="method"):
        backend.run("rt_anomaly_score_summary", 9, 3.0, summary, *column)
    with pytest.raises(ValidationError, match="threshold"):
        backend.run("rt_anomaly_score_summary", 1, -1.0, summary, *column)
    backend.run("rt_anomaly_score_summary", 1, 3.0, summary, *column)  # z-score: |x - 1| / 1
    np.testing.assert_array_equal(scores, [1.0, 0.0, 1.0, 2.0])


# ---------------------------------------------------------------- given statistics


@pytest.mark.parametrize("method", ["zscore", "iqr", "mad"])
def test_own_statistics_reproduce_the_scores(backend, method):
    x = sample(10_007)
    x[5] = np.nan
    statistics = anomaly.anomaly_statistics(x, method)
    assert set(statistics) == set(anomaly.STATISTICS_KEYS[method])
    own = anomaly.anomaly_scores(x, method).to_numpy()
    given = anomaly.anomaly_scores(x, method, statistics=statistics).to_numpy()
    assert_scores(given, own)
    if method != "mad":  # mad goes through scale / 1.4826 * 1.4826: equal to the last bit or two
        np.testing.assert_array_equal(given, own)
    flags = anomaly.is_anomaly(x, method, statistics=statistics)
    np.testing.assert_array_equal(flags.to_numpy(), anomaly.is_anomaly(x, method).to_numpy())


@pytest.mark.parametrize("method", ["zscore", "iqr", "mad"])
def test_scores_against_a_reference_sample(backend, method):
    reference, batch = sample(5000, seed=1), sample(333, seed=2) + 3.0
    batch[7] = np.nan
    statistics = anomaly.anomaly_statistics(reference, method)
    got = anomaly.anomaly_scores(pd.Series(batch, index=np.arange(333) * 2), method, statistics=statistics)
    assert list(got.index[:2]) == [0, 2]
    valid = reference[~np.isnan(reference)]
    if method == "zscore":
        lo = hi = valid.mean()
        scale = valid.std()
    elif method == "iqr":
        lo, hi = np.percentile(valid, [25, 75])
        scale = hi - lo
    else:
        lo = hi = np.median(valid)
        scale = stats.median_abs_deviation(valid, scale=1 / 1.4826)
    want = np.maximum(np.maximum(lo - batch, batch - hi), 0.0) / scale
    assert_scores(got.to_numpy(), np.where(np.isnan(batch), np.nan, want))


def test_given_statistics_hand_fixture(backend):
    s = pd.Series([2.0, 3.0, None, 0.0, 2.5], dtype="Float64")
    got = anomaly.anomaly_scores(s, "zscore", statistics={"mean": 2.0, "std": 0.5})
    assert got.tolist()[:2] == [0.0, 2.0] and np.isnan(got.iloc[2]) and got.tolist()[3:] == [4.0, 1.0]
    flagged = anomaly.anomalies(s, "zscore", threshold=1.5, statistics={"mean": 2.0, "std": 0.5})
    assert flagged.index.tolist() == [1, 3] and flagged["score"].tolist() == [2.0, 4.0]
    iqr = anomaly.anomaly_scores(pa.array([1, 5, 9], pa.int32()), "iqr", statistics={"q1": 2, "q3": 6})
    assert iqr.tolist() == [0.25, 0.0, 0.75]
    constant = anomaly.anomaly_scores([4.0, 5.0], "mad", statistics={"median": 4.0, "mad": 0.0})
    assert constant.tolist() == [0.0, np.inf]


@pytest.mark.parametrize("method, statistics, message", [
    ("zscore", {"mean": 1.0}, "exactly the keys ['mean', 'std']"),
    ("zscore", {"mean": 1.0, "std": 1.0, "n": 3}, "exactly the keys"),
    ("zscore", [1.0, 2.0], "must be a dict"),
    ("zscore", {"mean": "1", "std": 1.0}, "statistics['mean'] must be a finite number"),
    ("zscore", {"mean": np.nan, "std": 1.0}, "finite number"),
    ("zscore", {"mean": 0.0, "std": np.inf}, "finite number"),
    ("zscore", {"mean": 0.0, "std": -1.0}, "statistics['std'] must be >= 0"),
    ("iqr", {"q1": 3.0, "q3": 1.0}, "q1 (3.0) must not exceed q3 (1.0)"),
    ("mad", {"median": 0.0, "mad": -2}, "statistics['mad'] must be >= 0"),
    ("mad", {"mean": 0.0, "std": 1.0}, "exactly the keys ['median', 'mad']"),
])
def test_bad_statistics(backend, method, statistics, message):
    with pytest.raises(ValidationError, match=re.escape(message)) as info:
        anomaly.anomaly_scores([1.0, 2.0, 3.0], method, statistics=statistics)
    assert info.value.context == "statistics"


def test_anomaly_statistics_bad_input(backend):
    with pytest.raises(ValidationError) as info:
        anomaly.anomaly_statistics([1.0, 2.0], "isolation_forest")
    assert info.value.context == "method"
    with pytest.raises(ValidationError):
        anomaly.anomaly_statistics(["a", "b"], "zscore")
    assert np.isnan(anomaly.anomaly_statistics(np.array([np.nan]), "zscore")["mean"])
