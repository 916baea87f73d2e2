"""Seasonal detection: STL against statsmodels, causal scores against a numpy re-implementation, NAB."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rt_pandas import ValidationError
from rt_pandas.anomaly import detect_period, seasonal_decompose
from rt_pandas._seasonal import causal_scores, stl_params

NAB = Path(__file__).resolve().parents[2] / "shared" / "data" / "nab"


def seasonal_series(n=480, period=24, seed=0, spike_at=300):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    x = 0.01 * t + np.sin(2 * np.pi * t / period) + 0.1 * rng.normal(size=n)
    if spike_at is not None:
        x[spike_at] += 5.0
    return x


@pytest.mark.parametrize("robust", [False, True])
@pytest.mark.parametrize("jumps", [False, True])
def test_stl_matches_statsmodels(backend, robust, jumps):
    STL = pytest.importorskip("statsmodels.tsa.seasonal").STL
    x = seasonal_series()
    p = stl_params(24, robust=robust, jumps=jumps)
    want = STL(x, period=24, seasonal=7, trend=p["trend"], low_pass=p["low_pass"], robust=robust,
               seasonal_jump=p["seasonal_jump"], trend_jump=p["trend_jump"],
               low_pass_jump=p["low_pass_jump"]).fit(inner_iter=p["inner"], outer_iter=p["outer"])
    got = seasonal_decompose(pd.Series(x), period=24, robust=robust, jumps=jumps)
    np.testing.assert_allclose(got["trend"], want.trend, atol=1e-10)
    np.testing.assert_allclose(got["seasonal"], want.seasonal, atol=1e-10)
    np.testing.assert_allclose(got["residual"], want.resid, atol=1e-10)


def test_decomposition_keeps_index_and_gaps(backend):
    index = pd.date_range("2024-01-01", periods=240, freq="h")
    s = pd.Series(seasonal_series(240, 24, spike_at=None), index=index)
    s.iloc[50] = np.nan
    parts = seasonal_decompose(s, period="1D")
    assert parts.index.equals(index) and list(parts.columns) == ["trend", "seasonal", "residual"]
    assert np.isnan(parts["residual"].iloc[50]) and parts["residual"].drop(index[50]).notna().all()
    filled = s.interpolate().to_numpy()
    whole = parts["trend"] + parts["seasonal"] + parts["residual"].fillna(0)
    np.testing.assert_allclose(whole.drop(index[50]), np.delete(filled, 50), atol=1e-12)


def test_detect_period(backend):
    t = np.arange(1000)
    assert detect_period(np.sin(2 * np.pi * t / 50) + 0.2 * np.random.default_rng(0).normal(size=1000)) == 50
    assert detect_period(pd.Series(seasonal_series(480, 24))) == 24
    with pytest.raises(ValidationError):
        detect_period(np.random.default_rng(1).normal(size=200) * 0 + 3.0)  # constant
    with pytest.raises(ValidationError):
        detect_period([1.0, 2.0])


def causal_reference(x: np.ndarray, period: int, n_periods: int = 3, window: int | None = None) -> np.ndarray:
    """The causal score written out plainly with numpy medians (NaN-free input)."""
    window = 2 * period if window is None else window
    n = len(x)
    level = np.full(n, np.nan)
    for t in range(period, n):
        level[t] = np.median(x[t - period : t])
    resid = np.full(n, np.nan)
    for t in range((n_periods + 1) * period, n):
        seasonal = np.median([x[t - j * period] - level[t - j * period] for j in range(1, n_periods + 1)])
        resid[t] = x[t] - (level[t] + seasonal)
    scores = np.full(n, np.nan)
    for t in range(n):
        past = resid[max(0, t - window) : t]
        past = past[~np.isnan(past)]
        if np.isnan(resid[t]) or len(past) < window // 2:
            continue
        center = np.median(past)
        scale = 1.4826 * np.median(np.abs(past - center))
        dev = abs(resid[t] - center)
        scores[t] = dev / scale if scale > 0 else (np.inf if dev > 0 else 0.0)
    return scores


def test_causal_matches_reference_and_sees_only_the_past(backend):
    x = seasonal_series(400, 24)
    want = causal_reference(x, 24)
    got = np.asarray(causal_scores(x, 24))
    np.testing.assert_allclose(got, want, rtol=1e-12, equal_nan=True)
    prefix = np.asarray(causal_scores(x[:310], 24))
    np.testing.assert_array_equal(prefix, got[:310])  # the future does not change the past
    assert np.nanargmax(got) == 300


@pytest.mark.parametrize("outer", [2, 5])
def test_stl_robustness_passes_match_statsmodels(backend, outer):
    STL = pytest.importorskip("statsmodels.tsa.seasonal").STL
    x = seasonal_series()
    p = stl_params(24, outer=outer)
    want = STL(x, period=24, seasonal=7, trend=p["trend"], low_pass=p["low_pass"], robust=True,
               seasonal_jump=p["seasonal_jump"], trend_jump=p["trend_jump"],
               low_pass_jump=p["low_pass_jump"]).fit(inner_iter=p["inner"], outer_iter=outer)
    got = seasonal_decompose(pd.Series(x), period=24, outer=outer)
    np.testing.assert_allclose(got["residual"], want.resid, atol=1e-10)
    # The offline scores are the robust z-scores of that residual with a 13-cycle window and 2 passes.
    if outer == 2:
        residual = seasonal_decompose(pd.Series(x), period=24, seasonal=13, outer=2)["residual"].to_numpy()
        z = (residual - np.median(residual)) / (1.4826 * np.median(np.abs(residual - np.median(residual))))
        np.testing.assert_allclose(pd.Series(x).rt.anomaly_scores("seasonal", period=24), np.abs(z), rtol=1e-9)


def test_series_methods_offline_and_causal(backend):
    index = pd.date_range("2024-01-01", periods=480, freq="h")
    s = pd.Series(seasonal_series(480, 24), index=index, name="temp")
    for mode in ("offline", "causal"):
        got = s.rt.anomalies("seasonal", period="1D", mode=mode)
        assert index[300] in got.index and (got["method"] == "seasonal").all()
        scores = s.rt.anomaly_scores("seasonal", period=24, mode=mode)
        assert scores.index.equals(index) and scores.name == "temp"
    causal = s.rt.anomaly_scores("seasonal", period=24, mode="causal")
    assert causal.iloc[: 4 * 24].isna().all()  # not enough history: NaN, never flagged
    assert not s.rt.is_anomaly("seasonal", period=24, mode="causal").iloc[: 4 * 24].any()


def test_seasonal_bad_input(backend):
    s = pd.Series(seasonal_series(100, 10, spike_at=None))
    with pytest.raises(ValidationError) as info:
        s.rt.anomalies("seasonal", period=60)  # longer than half the series
    assert info.value.context == "period"
    for period in (1, 0, 2.5, "1D"):  # "1D" needs a DatetimeIndex
        with pytest.raises(ValidationError) as info:
            s.rt.anomalies("seasonal", period=period)
        assert info.value.context == "period"
    with pytest.raises(ValidationError):
        s.rt.anomalies("seasonal", period=10, mode="sideways")
    with pytest.raises(ValidationError):
        s.rt.anomalies("seasonal", period=10, seasonal=8)
    for bad in ({"outer": 0}, {"outer": -1}, {"outer": 2.0}, {"outer": 101}, {"outer": 2, "robust": False}):
        with pytest.raises(ValidationError) as info:
            s.rt.anomalies("seasonal", period=10, **bad)
        assert info.value.context == "outer"
    with pytest.raises(ValidationError):
        s.rt.anomalies("seasonal", period=10, n_periods=2)  # causal-only parameter
    with pytest.raises(ValidationError):
        s.rt.anomalies("seasonal", period=10, mode="causal", n_periods=0)
    hourly = pd.Series(np.arange(50.0), index=pd.date_range("2024", periods=50, freq="h"))
    with pytest.raises(ValidationError):
        hourly.rt.anomalies("seasonal", period="90min")  # not a whole number of samples
    assert pd.Series([], dtype=float).rt.anomalies("seasonal", period=2).empty
    nulls = pd.Series([None] * 30, dtype="Float64")
    assert nulls.rt.anomaly_scores("seasonal", period=5).isna().all()
    constant = pd.Series([3.0] * 60)
    assert not constant.rt.is_anomaly("seasonal", period=6).any()


# ---- NAB: the causal seasonal detector against a rolling z-score --------------


def nab_files() -> list[str]:
    readme = (NAB.parent / "README.md").read_text().splitlines()
    return [line.split("|")[1].strip() for line in readme if line.startswith("| real") or line.startswith("| art")]


def nab_series(key: str):
    frame = pd.read_csv(NAB / "data" / key, parse_dates=["timestamp"], index_col="timestamp")
    windows = json.loads((NAB / "labels" / "combined_windows.json").read_text())[key]
    labels = np.zeros(len(frame), dtype=bool)
    for start, end in windows:
        labels |= (frame.index >= pd.Timestamp(start)) & (frame.index <= pd.Timestamp(end))
    return frame["value"].astype(float), labels, windows


def rolling_zscore(values: np.ndarray, window: int) -> np.ndarray:
    s = pd.Series(values)
    mean = s.rolling(window).mean().shift(1)
    std = s.rolling(window).std(ddof=0).shift(1)
    return (np.abs(s - mean) / std).to_numpy()


def point_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    skip = min(int(0.15 * len(labels)), 750)  # NAB's probationary period is not scored
    return roc_auc_score(labels[skip:], np.nan_to_num(scores[skip:], nan=0.0, posinf=1e300))


@pytest.mark.skipif(not NAB.is_dir(), reason="../shared/data/nab is not available on this machine")
def test_nab_causal_seasonal_beats_rolling_zscore():
    pytest.importorskip("sklearn")
    seasonal_aucs, zscore_aucs = [], []
    for key in nab_files():
        values, labels, windows = nab_series(key)
        if not windows:
            continue
        period = "7D" if key.endswith("nyc_taxi.csv") else "1D"
        scores = values.rt.anomaly_scores("seasonal", period=period, mode="causal").to_numpy()
        samples = int(pd.Timedelta(period) / values.index.to_series().diff().median())
        seasonal_aucs.append(point_auc(scores, labels))
        zscore_aucs.append(point_auc(rolling_zscore(values.to_numpy(), samples), labels))
    assert len(seasonal_aucs) == 9
    assert np.mean(seasonal_aucs) > np.mean(zscore_aucs), (seasonal_aucs, zscore_aucs)


@pytest.mark.skipif(not NAB.is_dir(), reason="../shared/data/nab is not available on this machine")
def test_nab_nyc_taxi_weekly_hits_all_five_windows():
    values, _, windows = nab_series("realKnownCause/nyc_taxi.csv")
    flags = values.rt.is_anomaly("seasonal", period="7D", mode="causal")
    assert len(windows) == 5
    for start, end in windows:
        assert flags[pd.Timestamp(start) : pd.Timestamp(end)].any(), (start, end)


def test_causal_mode_does_not_flag_an_exactly_periodic_series(backend):
    """Rounding-level residuals of an exactly seasonal series are not anomalies (as in offline mode)."""
    t = np.arange(336)
    series = pd.Series(20 + 5 * np.sin(2 * np.pi * t / 24))
    flags = series.rt.is_anomaly(method="seasonal", period=24, mode="causal")
    assert not flags.any()
    scores = series.rt.anomaly_scores(method="seasonal", period=24, mode="causal")
    assert np.nanmax(scores.to_numpy()) < 1.0
