"""Numbers that stay right: hard inputs through the public API against exact references.

Catastrophic cancellation (1e9 + small noise), long float32 sums, quantiles
with heavy ties, all-equal columns, alternating infinities and subnormals,
through ``describe``, the quality metrics, ``anomaly_scores``,
``StreamingDetector``, the column scalers and ``QualityState`` merges. The
references are exact: ``fractions.Fraction`` arithmetic on the float values,
exact integer sums, numpy's own order statistics (exact selections).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import rt_pandas
from rt_pandas import QualityState
from rt_pandas import transforms as rtt
from rt_pandas.anomaly import StreamingDetector


def exact_mean_var(x: np.ndarray, ddof: int) -> tuple[Fraction, Fraction]:
    values = [Fraction(v) for v in x.tolist()]
    mean = sum(values, Fraction(0)) / len(values)
    return mean, sum(((v - mean) ** 2 for v in values), Fraction(0)) / (len(values) - ddof)


def relative_error(got: float, exact: Fraction) -> float:
    return float(abs(Fraction(got) - exact) / abs(exact))


def noisy_1e9(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 1e9 + rng.normal(0.0, 1e-3, n)  # the noise is 13 decimal digits below the level


# ---------------------------------------------------------------- cancellation


@pytest.mark.parametrize("form", ["numpy", "arrow_chunked"])
def test_std_of_1e9_plus_noise_is_exact_to_1e12(backend, form):
    x = noisy_1e9(20_000)
    mean, var = exact_mean_var(x, ddof=1)
    column = x if form == "numpy" else pa.chunked_array([x[:7_001], x[7_001:7_002], x[7_002:]])
    described = rt_pandas.describe(column)
    assert relative_error(described["mean"], mean) <= 2**-52
    # Within a chunk everything is relative to its first value. Merging chunks (Chan's update)
    # meets each chunk's mean as a double, rounded to an ulp of 1e9 (1.2e-7): the between-chunk
    # term then carries a relative error of about ulp(mean) / std = 1e-4 of its small share.
    bound = 1e-12 if form == "numpy" else 5e-8
    assert relative_error(described["std"] ** 2, var) <= bound
    # The naive one-pass formula loses every digit here (the reason for this test):
    naive = (np.sum(x * x) - np.sum(x) ** 2 / len(x)) / (len(x) - 1)
    assert relative_error(float(naive), var) > 1e-3


def test_zscore_and_standardize_of_1e9_plus_noise(backend):
    """Scores and standardized values: the spread is exact to 1e-12; the centre is a double, so
    ``x - centre`` is off by at most half an ulp of the mean (6e-8 here, 6e-5 of the 1e-3 std)."""
    x = noisy_1e9(20_000, seed=1)
    mean, var0 = exact_mean_var(x, ddof=0)
    std0 = math.sqrt(var0)
    centre_error = np.spacing(float(mean)) / 2 / std0
    want = np.array([float(abs(Fraction(v) - mean)) for v in x.tolist()]) / std0
    scores = pd.Series(x).rt.anomaly_scores("zscore").to_numpy()
    assert np.max(np.abs(scores - want)) <= centre_error + 1e-12 * np.max(want)
    assert not pd.Series(x).rt.is_anomaly("zscore").to_numpy()[want < 2.9].any()
    _, var1 = exact_mean_var(x, ddof=1)
    standardized = rtt.standardize(x)
    want1 = np.array([float((Fraction(v) - mean)) for v in x.tolist()]) / math.sqrt(var1)
    assert np.max(np.abs(standardized - want1)) <= np.spacing(float(mean)) / 2 / math.sqrt(var1) + 1e-12
    # The naive formula's std (E[x^2] - E[x]^2) would be off by orders of magnitude; numpy's two-pass
    # np.std is off by up to ulp(mean)^2 / var relative: both are checked against the same exact value.
    assert relative_error(float(np.std(x)) ** 2, var0) < 1e-6


def test_streaming_detector_window_of_1e9_plus_noise(backend):
    x = noisy_1e9(3_000, seed=2)
    window = 500
    detector = StreamingDetector(threshold=3.0, window_size=window)
    scores = detector.update_many(x)
    for i in (window, 1_777, len(x) - 1):  # each value is scored against the window before it
        mean, var = exact_mean_var(x[i - window:i], ddof=0)
        want = float(abs(Fraction(x[i]) - mean)) / math.sqrt(var)
        assert abs(scores[i] - want) <= 1e-9 * max(want, 1.0), (i, scores[i], want)
    stats = detector.statistics()
    mean, var = exact_mean_var(x[-window:], ddof=0)
    assert relative_error(stats["std"] ** 2, var) <= 1e-9
    assert relative_error(stats["mean"], mean) <= 2**-52


# ---------------------------------------------------------------- long float32 sums


def exact_float32_sum(x: np.ndarray) -> Fraction:
    """The exact sum of float32 values in [2**-10, 2**10): each is an integer multiple of 2**-33."""
    total = 0
    for start in range(0, len(x), 1 << 20):
        scaled = (x[start:start + (1 << 20)].astype(np.float64) * 2.0**33).astype(np.int64)
        total += int(scaled.sum())  # < 2**20 * 2**43 = 2**63: exact in int64
    return Fraction(total, 2**33)


def test_mean_of_1e8_float32_values(backend):
    """10^8 float32 values (400 MB): the mean, min and max, against the exact sum."""
    if backend == "wasm":
        pytest.skip("400 MB copied into wasm linear memory on top of the input: native only, "
                    "the wasm kernels are the same C source and are tested on the smaller cases")
    n = 10**8
    rng = np.random.default_rng(3)
    # 2**16 distinct values spread over 20 binades (a small hash table for describe's distinct count)
    palette = rng.uniform(2.0**-10, 2.0**10 - 1, 2**16).astype(np.float32)
    x = np.empty(n, dtype=np.float32)
    for start in range(0, n, 1 << 24):  # fill in pieces: no temporary of the whole array
        stop = min(start + (1 << 24), n)
        x[start:stop] = palette[rng.integers(0, len(palette), stop - start)]
    exact = exact_float32_sum(x) / n
    described = rt_pandas.describe(x, percentiles=[0.5])
    assert described["count"] == n
    assert relative_error(described["mean"], exact) <= 1e-13
    assert described["min"] == float(x.min()) and described["max"] == float(x.max())
    assert described["50%"] == float(np.median(x))
    # The exact integer sum rounds to math.fsum's answer (checked on a piece fsum takes quickly) ...
    piece = x[: 10**6]
    assert math.fsum(piece.astype(np.float64)) == float(exact_float32_sum(piece))
    # ... and accumulating in float32, in order, drifts far off it (the reason for this test).
    drift = relative_error(float(np.cumsum(x[: 10**7], dtype=np.float32)[-1]), exact_float32_sum(x[: 10**7]))
    assert drift > 1e-4


# ---------------------------------------------------------------- ties


@pytest.mark.parametrize("n", [1_001, 300_001])  # below and above the sampled-bracket threshold (262,144)
def test_quantiles_iqr_and_mad_with_heavy_ties(backend, n):
    rng = np.random.default_rng(n)
    x = rng.integers(0, 4, n).astype(np.float64) + np.where(rng.random(n) < 0.01, 0.5, 0.0)
    probs = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99]
    described = rt_pandas.describe(x, percentiles=probs)
    for p in probs:
        assert described[f"{100 * p:g}%"] == np.percentile(x, 100 * p), p
    q1, q3 = np.percentile(x, [25, 75])
    iqr_want = np.maximum(np.maximum(q1 - x, x - q3), 0.0) / (q3 - q1)
    assert np.array_equal(pd.Series(x).rt.anomaly_scores("iqr").to_numpy(), iqr_want)
    median = np.median(x)
    mad = np.median(np.abs(x - median))
    mad_want = np.abs(x - median) / (1.4826 * mad)
    assert np.allclose(pd.Series(x).rt.anomaly_scores("mad").to_numpy(), mad_want, rtol=1e-15, atol=0)
    assert np.allclose(rtt.robust_scale(x), (x - median) / (q3 - q1), rtol=1e-15, atol=0)
    # more than half equal: MAD 0, so consistency falls back to the mean absolute deviation
    y = np.concatenate([np.full(n // 2 + 1, 7.0), rng.normal(7.0, 1.0, n - n // 2 - 1)])
    deviation = np.abs(y - 7.0)
    scale = 1.2533 * deviation.mean()
    want = np.mean(deviation <= 3.5 * scale)
    assert pd.Series(y).rt.consistency() == pytest.approx(want, abs=1.0 / n)


# ---------------------------------------------------------------- all equal


@pytest.mark.filterwarnings("error")  # no division-by-zero or invalid-value warning anywhere
@pytest.mark.parametrize("value", [0.1, 1e9 + 0.1, -3.0, 5e-324, 1e300])
def test_all_equal_columns(backend, value):
    n = 5_000
    x = np.full(n, value)
    s = pd.Series(x)
    described = s.rt.describe()
    assert described["mean"] == value and described["std"] == 0.0
    assert described["min"] == described["max"] == described["50%"] == value
    assert described["skew"] == 0.0 and described["kurtosis"] == 0.0 and described["distinct"] == 1
    for method in ("zscore", "iqr", "mad"):
        assert (s.rt.anomaly_scores(method).to_numpy() == 0.0).all(), method
        assert not s.rt.is_anomaly(method, threshold=1e-9).any(), method
        assert s.rt.anomalies(method).empty
    for scaler in (rtt.standardize, rtt.min_max, rtt.robust_scale):
        assert (scaler(x) == 0.0).all(), scaler.__name__
    assert s.rt.consistency() == 1.0 and s.rt.uniqueness() == 0.0 and s.rt.validity() == 1.0
    detector = StreamingDetector(threshold=1e-9, window_size=50)
    scores = detector.update_many(x)
    assert np.isnan(scores[:50]).all() and (scores[50:] == 0.0).all()
    assert detector.statistics()["anomalies"] == 0 and detector.statistics()["std"] == 0.0


# ---------------------------------------------------------------- infinities


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_alternating_infinities(backend):
    x = np.tile([np.inf, -np.inf], 2_000)
    s = pd.Series(x)
    described = s.rt.describe()
    assert np.isnan(described["mean"]) and np.isnan(described["std"])
    assert described["min"] == -np.inf and described["max"] == np.inf and described["distinct"] == 2
    chunked = rt_pandas.describe(pa.chunked_array([x[:1_001], x[1_001:]]))
    assert chunked["min"] == -np.inf and chunked["max"] == np.inf and np.isnan(chunked["mean"])
    assert s.rt.completeness() == 1.0 and s.rt.validity() == 0.0  # present, but not finite
    scores = s.rt.anomaly_scores("zscore").to_numpy()
    assert (scores == np.inf).all() and s.rt.is_anomaly("zscore").all()  # infinities always stand out
    for scaler in (rtt.standardize, rtt.min_max, rtt.robust_scale):
        with pytest.raises(rt_pandas.ValidationError):
            scaler(x)
    # Infinities among finite values: left out of the z-score's statistics, flagged themselves.
    y = np.concatenate([np.arange(100.0), [np.inf, -np.inf]])
    z = pd.Series(y).rt.anomaly_scores("zscore").to_numpy()
    finite = np.arange(100.0)
    assert np.allclose(z[:100], np.abs(finite - finite.mean()) / finite.std(), rtol=1e-14)
    assert (z[100:] == np.inf).all()
    described = pd.Series(y).rt.describe()
    assert described["min"] == -np.inf and described["max"] == np.inf and np.isnan(described["mean"])
    assert described["50%"] == np.percentile(y, 50)


def test_one_infinity_among_chunks(backend):
    x = np.concatenate([np.arange(10.0), [np.inf], np.arange(10.0)])
    for column in (x, pa.chunked_array([x[:10], x[10:11], x[11:]])):
        described = rt_pandas.describe(column)
        assert described["mean"] == np.inf and described["max"] == np.inf and described["min"] == 0.0


# ---------------------------------------------------------------- subnormals


def test_subnormal_values(backend):
    tiny = np.finfo(np.float64).smallest_subnormal
    x = tiny * np.arange(1.0, 1_002.0)  # 1..1001 subnormal ulps: exact, evenly spaced, exact quartiles
    s = pd.Series(x)
    described = s.rt.describe()
    assert described["min"] == tiny and described["max"] == 1_001 * tiny
    for p in (0.01, 0.25, 0.5, 0.75, 0.99):
        assert described[f"{100 * p:g}%"] == np.percentile(x, 100 * p)
    assert described["mean"] == 501 * tiny
    half = pd.Series(x[:1_000]).rt.describe()["mean"]  # 500.5 subnormal ulps: not representable
    assert abs(Fraction(half) - Fraction(1_001, 2) * Fraction(tiny)) <= Fraction(tiny)  # within one ulp
    assert described["distinct"] == 1_001 and s.rt.validity() == 1.0 and s.rt.uniqueness() == 1.0
    # IQR and MAD scores: ratios of exact subnormal differences (the quartiles round to the grid).
    q1, q3 = np.percentile(x, [25, 75])
    iqr_want = np.maximum(np.maximum(q1 - x, x - q3), 0.0) / (q3 - q1)
    assert np.allclose(s.rt.anomaly_scores("iqr").to_numpy(), iqr_want, rtol=1e-15, atol=0)
    median = np.median(x)
    mad_want = np.abs(x - median) / (1.4826 * np.median(np.abs(x - median)))
    assert np.allclose(s.rt.anomaly_scores("mad").to_numpy(), mad_want, rtol=1e-15, atol=0)
    assert np.array_equal(rtt.min_max(x), rtt.min_max(np.arange(1.0, 1_002.0)))
    assert np.array_equal(rtt.robust_scale(x), rtt.robust_scale(np.arange(1.0, 1_002.0)))
    f32 = np.float32(np.finfo(np.float32).smallest_subnormal) * np.arange(1, 65, dtype=np.float32)
    d32 = rt_pandas.describe(f32)
    assert d32["min"] == float(f32[0]) and d32["max"] == float(f32[-1])
    assert d32["50%"] == np.percentile(f32.astype(np.float64), 50)  # exact in float64: 32.5 ulps of float32


# ---------------------------------------------------------------- mergeable states


@pytest.mark.parametrize("parts", [1, 2, 7])
def test_quality_state_merges_hard_columns_like_the_whole(backend, parts):
    rng = np.random.default_rng(parts)
    n = 7_000
    frame = pd.DataFrame({
        "noisy": noisy_1e9(n, seed=parts),
        "ties": rng.integers(0, 3, n).astype(np.float64),
        "constant": np.full(n, 0.1),
        "infinities": np.where(rng.random(n) < 0.1, np.inf, rng.normal(size=n)),
        "subnormal": np.finfo(np.float64).smallest_subnormal * rng.integers(1, 50, n),
    })
    bounds = np.linspace(0, n, parts + 1).astype(int)
    states = []
    for a, b in zip(bounds, bounds[1:]):
        state = QualityState()
        state.update(frame.iloc[a:b])
        states.append(QualityState.from_bytes(state.to_bytes()))
    merged = states[0]
    for other in states[1:]:
        merged = merged.merge(other)
    got = merged.finalize().to_frame()
    want = frame.rt.quality().to_frame()
    for metric in ("completeness", "validity", "uniqueness", "consistency", "distinct"):
        assert np.array_equal(got[metric].to_numpy(dtype=float), want[metric].to_numpy(dtype=float)), metric
    assert got.loc["constant", "consistency"] == 1.0 and got.loc["infinities", "validity"] < 1.0


@pytest.mark.parametrize("unit", [np.finfo(np.float64).smallest_subnormal, 1e-310, 1e-300, 1e-200, 1e-160])
def test_zscore_of_tiny_values_keeps_the_spread(backend, unit):
    """Squared deviations of such data underflow; the statistics are taken on scaled values instead."""
    x = unit * np.arange(1.0, 1_002.0)
    scores = pd.Series(x).rt.anomaly_scores("zscore").to_numpy()
    want = pd.Series(np.arange(1.0, 1_002.0)).rt.anomaly_scores("zscore").to_numpy()
    # subnormal units: the std itself is a multiple of 2**-1074, so its digits are what the grid holds
    tolerance = 1e-3 if unit < np.finfo(np.float64).tiny else 1e-14
    np.testing.assert_allclose(scores, want, rtol=tolerance, atol=tolerance)
    statistics = rt_pandas.anomaly.anomaly_statistics(x)
    np.testing.assert_allclose([statistics["mean"] / unit, statistics["std"] / unit], [501.0, np.arange(1.0, 1_002.0).std()],
                               rtol=tolerance)


def test_zscore_of_tiny_values_next_to_zero_and_of_a_tiny_constant(backend):
    scores = pd.Series([0.0, 0.0, 0.0, 1e-300, np.nan]).rt.anomaly_scores("zscore").to_numpy()
    np.testing.assert_allclose(scores, [1 / np.sqrt(3)] * 3 + [np.sqrt(3), np.nan], rtol=1e-15)
    assert pd.Series([1e-300] * 4).rt.anomaly_scores("zscore").tolist() == [0.0] * 4
