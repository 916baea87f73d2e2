"""StreamingDetector against a numpy rolling computation over the same window."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from rt_pandas import ValidationError
from rt_pandas.anomaly import StreamingDetector


def rolling_reference(values: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, population std and z-score of each value against the previous `window` values (NaN-free input)."""
    n = len(values)
    mean = np.full(n, np.nan)
    std = np.full(n, np.nan)
    if n > window:
        windows = sliding_window_view(values, window)[: n - window]
        mean[window:] = windows.mean(axis=1)
        std[window:] = windows.std(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.abs(values - mean) / std
    return mean, std, score


def stream(n: int, seed: int = 0, offset: float = 0.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = offset + rng.normal(0, 1, n)
    x[::97] += 8.0
    return x


@pytest.mark.parametrize("window", [2, 3, 10, 64])
def test_update_matches_numpy_rolling(backend, window):
    x = stream(600, seed=window)
    mean, std, score = rolling_reference(x, window)
    detector = StreamingDetector(threshold=3.0, window_size=window)
    for i, value in enumerate(x):
        record = detector.update(value)
        last = detector.last()
        assert last["index"] == i and last["value"] == value
        if i < window:
            assert record is None and np.isnan(last["score"])  # warm-up is never flagged
            continue
        np.testing.assert_allclose([last["mean"], last["std"], last["score"]], [mean[i], std[i], score[i]], rtol=1e-9)
        assert (record is not None) == (score[i] > 3.0)
        if record is not None:
            assert record == last


def test_update_many_matches_update_and_numpy(backend):
    x = stream(5000, seed=1, offset=1e9)  # far from zero: the running sums must not lose digits
    window = 50
    # x - 1e9 is exact here, so the reference works on small numbers and keeps every digit.
    _, _, score = rolling_reference(x - 1e9, window)
    batch = StreamingDetector(3.5, window)
    got = batch.update_many(x)
    np.testing.assert_allclose(got, score, rtol=1e-9, equal_nan=True)
    one_by_one = StreamingDetector(3.5, window)
    flagged = [one_by_one.update(v) is not None for v in x]
    assert batch.statistics()["anomalies"] == sum(flagged) == int(np.nansum(score > 3.5))


def test_long_stream_does_not_drift(backend):
    x = stream(300_000, seed=2, offset=1e6)
    window = 1000
    got = StreamingDetector(3.0, window).update_many(x)
    tail = x[-(5000 + window):] - 1e6  # an exact shift: the reference keeps every digit
    _, _, score = rolling_reference(tail, window)
    np.testing.assert_allclose(got[-5000:], score[-5000:], rtol=1e-9)


def test_missing_values_are_counted_and_skipped(backend):
    detector = StreamingDetector(3.0, 3)
    for value in [1.0, None, 2.0, float("nan"), 3.0, pd.NA, 2.0]:
        assert detector.update(value) is None
    assert detector.last()["score"] == 0.0  # 2.0 against the window [1, 2, 3]
    stats = detector.statistics()
    assert stats["count"] == 7 and stats["missing"] == 3 and stats["window_fill"] == 3
    # The window is [2, 3, 2]: the missing values never entered it.
    assert stats["mean"] == pytest.approx(7 / 3) and stats["std"] == pytest.approx(np.std([2.0, 3.0, 2.0]))
    scores = StreamingDetector(3.0, 2).update_many(pd.Series([1.0, None, 2.0, 3.0], dtype="Float64"))
    assert np.isnan(scores[:3]).all() and scores[3] == pytest.approx(3.0)


def test_constant_stream_never_flags(backend):
    detector = StreamingDetector(1.0, 5)
    assert all(detector.update(4.2) is None for _ in range(50))
    assert detector.last()["score"] == 0.0 and detector.statistics()["std"] == 0.0
    record = detector.update(4.3)
    assert record is not None and record["score"] == np.inf


def test_set_threshold_statistics_and_properties(backend):
    detector = StreamingDetector(threshold=100.0, window_size=4)
    for v in [1.0, 2.0, 1.0, 2.0]:
        detector.update(v)
    assert detector.update(5.0) is None
    detector.set_threshold(2.0)
    assert detector.threshold == 2.0 and detector.window_size == 4
    assert detector.update(9.0) is not None
    stats = detector.statistics()
    assert stats["anomalies"] == 1 and stats["count"] == 6 and stats["throughput"] > 0


def test_serialised_detector_continues_identically(backend):
    x = stream(400, seed=3)
    original = StreamingDetector(2.5, 30)
    original.update_many(x[:250])
    copy = StreamingDetector.from_bytes(original.to_bytes())
    pickled = pickle.loads(pickle.dumps(original))
    want = original.update_many(x[250:])
    np.testing.assert_array_equal(copy.update_many(x[250:]), want)
    np.testing.assert_array_equal(pickled.update_many(x[250:]), want)
    assert copy.statistics()["count"] == 400
    with pytest.raises(ValidationError):
        StreamingDetector.from_bytes(original.to_bytes()[:-1])
    with pytest.raises(ValidationError):
        StreamingDetector.from_bytes(b"\x00" * 200)


def test_bad_input(backend):
    for threshold in (0, -1.0, np.nan, np.inf, "3"):
        with pytest.raises(ValidationError) as info:
            StreamingDetector(threshold, 10)
        assert info.value.context == "threshold"
    for window in (1, 0, -5, 2.5, None):
        with pytest.raises(ValidationError) as info:
            StreamingDetector(3.0, window)
        assert info.value.context == "window_size"
    detector = StreamingDetector(3.0, 10)
    with pytest.raises(ValidationError):
        detector.update("7")
    with pytest.raises(ValidationError):
        detector.set_threshold(0)
    with pytest.raises(ValidationError):
        detector.update_many(pd.Series(["a"]))
    assert detector.update_many(np.array([])).shape == (0,)


def test_detector_is_freed_when_unreachable(backend):
    import gc
    import weakref

    detector = StreamingDetector(3.0, 10)
    detector.update(1.0)
    alive, owner = weakref.ref(detector), weakref.ref(detector._owner)
    gc.disable()
    try:
        del detector
        assert alive() is None and owner() is None  # no reference cycle: freed at once
        detector = StreamingDetector(1.0, 2)
        update, owner = detector.update, weakref.ref(detector._owner)
        del detector  # only the update function is kept, as in `update = StreamingDetector(...).update`
        assert [update(v) for v in (1.0, 2.0, 1.0)][:2] == [None, None]
        assert update(50.0)["value"] == 50.0  # the C detector is still alive behind it
        del update
        assert owner() is None
    finally:
        gc.enable()
