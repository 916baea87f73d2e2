"""describe() against pandas/scipy, and QualityState merges, sketches and bytes, on both backends."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import scipy.stats

import rt_pandas
from rt_pandas import QualityState, ValidationError
from rt_pandas.quality import quality
from rt_pandas.state import KLLSketch


def test_describe_matches_pandas_and_scipy(backend):
    rng = np.random.default_rng(1)
    x = rng.gamma(2.0, 3.0, 5000)
    x[rng.random(5000) < 0.03] = np.nan
    s = pd.Series(x, name="g")
    d = s.rt.describe()
    ref = s.describe(percentiles=[0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99])
    for key in ("count", "mean", "std", "min", "1%", "5%", "25%", "50%", "75%", "95%", "99%", "max"):
        assert d[key] == pytest.approx(ref[key], rel=1e-12), key
    present = x[~np.isnan(x)]
    assert d["skew"] == pytest.approx(scipy.stats.skew(present, bias=False), rel=1e-9)
    assert d["kurtosis"] == pytest.approx(scipy.stats.kurtosis(present, bias=False), rel=1e-9)
    assert d["missing"] == 5000 - len(present) and d["distinct"] == len(np.unique(present))
    ints = pd.Series(rng.integers(0, 7, 999), dtype="Int64")
    di = ints.rt.describe()
    assert di["top"] == ints.mode()[0] and di["freq"] == ints.value_counts().max()
    assert di["skew"] == pytest.approx(ints.skew()) and di["kurtosis"] == pytest.approx(ints.kurt())


def _numpy_profile(values: np.ndarray, probs) -> tuple:
    """Quantiles (numpy's linear rule), distinct values, values once and the mode (smallest on ties)."""
    present = values[~np.isnan(values)] if values.dtype.kind == "f" else values
    if present.dtype.kind == "f":
        present = np.where(present == 0, 0.0, present)  # -0.0 and +0.0 are one value
    if len(present) == 0:
        return [np.nan] * len(probs), 0, 0, 0
    uniques, counts = np.unique(present, return_counts=True)
    mode = uniques[np.argmax(counts)]
    with np.errstate(invalid="ignore"):  # inf - inf in numpy's interpolation
        quantiles = list(np.percentile(present, np.array(probs) * 100))
    return (quantiles, len(uniques), int((counts == 1).sum()),
            (mode, counts.max()))


def _shaped_column(shape: str, rng: np.random.Generator, n: int) -> np.ndarray:
    """A column of about n values of the named shape, for the unsorted profile and key counting tests."""
    return {
        "normal": lambda: np.where(rng.random(n) < 0.02, np.nan, rng.standard_normal(n)),
        "ties": lambda: np.round(rng.standard_normal(n), 2),
        "mode_ties": lambda: rng.permutation(np.concatenate([np.arange(1000.0, 0, -1).repeat(3),
                                                             rng.standard_normal(n) + 5000])),
        "signed_zeros": lambda: np.where(rng.random(n) < 0.5, -0.0, 0.0),
        "infinities": lambda: np.select([rng.random(n) < 0.01, rng.random(n) < 0.01], [np.inf, -np.inf],
                                        rng.standard_normal(n) * 1e300),
        "all_equal": lambda: np.full(n, -2.5),
        "empty": lambda: np.array([], dtype=float),
        "one": lambda: np.array([7.0]),
        "narrow_ints": lambda: rng.integers(-50, 50, n),
        "wide_ints": lambda: rng.integers(-2**40, 2**40, n),
        "int64_extremes": lambda: np.concatenate([rng.integers(0, 10**6, n), [np.iinfo(np.int64).min,
                                                                             np.iinfo(np.int64).max] * 3]),
        "timestamps": lambda: (1_600_000_000 + rng.integers(0, 10**8, n)) * 10**6,
        # 2^20 distinct values, 100,000 of them twice more: many partitions, a mode tie among 100,000 values.
        "many_distinct": lambda: rng.permutation(np.concatenate([np.arange(2**20) * 7919 - 2**40,
                                                                 np.repeat(np.arange(100_000) * 7919 - 2**40, 2)])),
    }[shape]()


@pytest.mark.parametrize("shape", ["normal", "ties", "signed_zeros", "infinities", "all_equal", "empty", "one",
                                   "narrow_ints", "wide_ints", "int64_extremes", "timestamps"])
def test_unsorted_profile_matches_numpy(backend, shape):
    """rt_quality_key_profile (no sort) gives numpy's exact quantiles and np.unique's counts and mode."""
    from rt_pandas import _profile as prof

    rng = np.random.default_rng(11)
    n = 150_000
    values = _shaped_column(shape, rng, n)
    probs = (0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1.0)
    p = prof.unsorted_profile(prof.prepare(pd.Series(values)), probs=probs)
    quantiles, distinct, once, mode = _numpy_profile(values, probs)
    if shape == "infinities":  # numpy's (b - a) * 0 is NaN next to an infinity; the order statistic is meant
        ordered = np.sort(values)
        quantiles = [ordered[int((n - 1) * q)] if np.isnan(v) else v for q, v in zip(probs, quantiles)]
    np.testing.assert_array_equal([p.quantiles[q] for q in probs], quantiles)
    assert (p.distinct, p.singletons) == (distinct, once)
    assert (p.top[0] if p.top else 0) == mode


def _key_counts(values: np.ndarray) -> dict:
    """rt_quality_key_counts of a column's keys, called directly."""
    from rt_pandas import _profile as prof
    from rt_pandas._backend import NULL, In, Out, OutValue, get_backend
    from rt_pandas._columns import DTYPE_CODES

    backend = get_backend()
    view = prof.prepare(pd.Series(values)).chunks[0]
    keys = backend.empty(max(view.length, 1), np.uint64)
    validity = In(view.validity) if view.validity is not None else NULL
    n = backend.run("rt_quality_gather_keys", DTYPE_CODES[view.values.dtype], In(view.values), validity, view.offset,
                    view.length, Out(keys), OutValue("int64_t"))
    before = keys[:n].copy()
    kind = prof.KEY_FLOAT if view.values.dtype.kind == "f" else prof.KEY_INT
    counts = backend.run("rt_quality_key_counts", kind, In(keys) if n else NULL, n, OutValue("rt_key_profile"))
    np.testing.assert_array_equal(keys[:n], before)  # the keys are left as they were
    return counts


@pytest.mark.parametrize("shape", ["normal", "ties", "mode_ties", "signed_zeros", "infinities", "all_equal", "empty",
                                   "one", "narrow_ints", "wide_ints", "int64_extremes", "timestamps",
                                   "many_distinct"])
def test_key_counts_match_pandas(backend, shape):
    """rt_quality_key_counts (hash partitions) against pandas' nunique and value_counts: distinct values, values
    occurring once, and the mode with its count (the smallest value on ties)."""
    rng = np.random.default_rng(5)
    n = 120_000
    values = _shaped_column(shape, rng, n)
    s = pd.Series(values)
    counts = s.value_counts()  # NaN dropped, -0.0 and +0.0 one value
    got = _key_counts(values)
    assert got["count"] == s.count()
    assert (got["distinct"], got["singletons"]) == (s.nunique(), int((counts == 1).sum()))
    if len(counts):
        top = counts[counts == counts.max()].index.min()
        assert (got["mode"], got["mode_count"]) == (top, counts.max())
    else:
        assert got["mode_count"] == 0 and np.isnan(got["mode"])
    d = s.rt.describe()
    assert (d["distinct"], d["freq"]) == (s.nunique(), counts.max() if len(counts) else 0)


def test_describe_strings_timestamps_frames(backend):
    strings = pd.Series(["b", "a", "b", None, "c", "b"])
    d = strings.rt.describe()
    assert (d["count"], d["missing"], d["distinct"], d["top"], d["freq"]) == (5, 1, 3, "b", 3)
    cat = strings.astype("category")
    assert cat.rt.describe()[["count", "distinct", "top", "freq"]].tolist() == [5, 3, "b", 3]
    stamps = pd.Series(pd.to_datetime(["2020-01-01", "2020-01-03", None, "2020-01-02"]).tz_localize("UTC"))
    dt = stamps.rt.describe()
    assert dt["min"] == stamps.min() and dt["max"] == stamps.max() and dt["mean"] == stamps.mean()
    assert dt["50%"] == stamps.quantile(0.5) and dt["std"] == stamps.std()
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "s": ["a", "a", "b"]})
    frame = df.rt.describe()
    assert list(frame.columns) == ["x", "s"] and frame.loc["mean", "x"] == 2.0 and frame.loc["top", "s"] == "a"
    empty = pd.Series([], dtype=float).rt.describe()
    assert empty["count"] == 0 and np.isnan(empty["mean"])
    with pytest.raises(ValidationError, match="percentiles"):
        pd.Series([1.0]).rt.describe(percentiles=[1.5])


def test_describe_frame_threads_match_pandas():
    """Columns computed side by side (2 threads) equal one thread and pandas on a frame above the split size."""
    rng = np.random.default_rng(7)
    n = 70_000
    df = pd.DataFrame({"f": rng.standard_normal(n), "narrow": rng.integers(-50, 50, n),
                       "wide": rng.integers(0, 1_000_000, n), "big": rng.integers(-2**62, 2**62, n),
                       "s": pd.Series(rng.integers(0, 500, n).astype(str), dtype="str")})
    try:
        rt_pandas.set_num_threads(1)
        one = df.rt.describe()
        rt_pandas.set_num_threads(2)
        two = df.rt.describe()
    finally:
        rt_pandas.set_num_threads(None)
    assert one.equals(two)
    ref = df.describe(percentiles=[0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99])
    for col in ("f", "narrow", "wide", "big"):
        for key in ("count", "min", "1%", "25%", "50%", "99%", "max"):
            assert float(two.loc[key, col]) == pytest.approx(ref.loc[key, col], rel=1e-12), (col, key)
        assert two.loc["distinct", col] == df[col].nunique()
        assert two.loc["freq", col] == df[col].value_counts().max()
    assert two.loc["distinct", "s"] == df["s"].nunique()


def _state_frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = np.round(rng.normal(0, 1, n), 2)
    x[rng.random(n) < 0.05] = np.nan
    return pd.DataFrame({
        "x": x,
        "i": rng.integers(0, 50, n),
        "s": rng.choice(["ab-1", "cd-2", "  ", "e", None], n),
        "t": pd.to_datetime(rng.integers(0, 10**5, n), unit="s"),
    })


SETTINGS = {"ranges": {"x": (-1, 1), "t": ("1970-01-01 01:00", "1970-01-01 20:00")}, "rules": {"s": r"^[a-z]+-\d$"}}


def test_merged_states_equal_single_pass_on_100_splits(backend):
    df = _state_frame(600, 0)
    expected = quality(df, **SETTINGS).to_dict()
    rng = np.random.default_rng(7)
    for _ in range(100):
        cuts = np.sort(rng.choice(np.arange(1, len(df)), size=rng.integers(1, 4), replace=False))
        parts = np.split(np.arange(len(df)), cuts)
        states = []
        for part in parts:
            state = QualityState(**SETTINGS)
            state.update(df.iloc[part])
            states.append(state)
        merged = states[0]
        for state in states[1:]:
            merged = merged.merge(state)
        got = merged.finalize().to_dict()
        for key in ("rows", "overall", "duplicate_rows"):
            assert got[key] == pytest.approx(expected[key]), key
        for a, b in zip(got["columns"], expected["columns"]):
            for key in ("completeness", "validity", "accuracy", "uniqueness", "consistency", "distinct", "missing"):
                assert a[key] == pytest.approx(b[key]), (a["name"], key)


def test_state_round_trips_through_bytes(backend):
    df = _state_frame(300, 1)
    state = QualityState(**SETTINGS)
    state.update(df)
    restored = QualityState.from_bytes(state.to_bytes())
    assert restored.finalize().to_dict() == state.finalize().to_dict()
    allowed = QualityState(rules={"s": {"ab-1", "cd-2"}, "t": {"range": ("1970-01-01", "1970-01-02")}})
    allowed.update(df)
    again = QualityState.from_bytes(allowed.to_bytes())
    assert again.finalize().to_dict() == allowed.finalize().to_dict()
    assert again.finalize().to_dict()["columns"][2]["validity"] == pytest.approx(
        df["s"].dropna().isin(["ab-1", "cd-2"]).mean())
    with pytest.raises(ValidationError, match="not a serialised"):
        QualityState.from_bytes(b"garbage")
    with pytest.raises(ValidationError, match="different settings"):
        state.merge(QualityState())
    with pytest.raises(ValidationError, match="differ"):
        state.update(pd.DataFrame({"other": [1.0]}))


def test_hll_estimate_within_stated_error(backend):
    # 10**6 values with 300,000 distinct: the HyperLogLog (precision 14, 0.81% standard error) within 3%.
    rng = np.random.default_rng(2)
    values = rng.integers(0, 300_000, 1_000_000)
    exact = len(np.unique(values))
    state = QualityState(exact_limit=1000)
    state.update(pd.DataFrame({"v": values}))
    report = state.finalize()
    assert not report.exact
    distinct = report.to_frame().loc["v", "distinct"]
    assert abs(distinct - exact) / exact < 0.03
    assert report.to_frame().loc["v", "uniqueness"] is None or np.isnan(report.to_frame().loc["v", "uniqueness"])


def test_sketched_state_quantiles_and_consistency(backend):
    rng = np.random.default_rng(3)
    x = rng.standard_cauchy(200_000)
    state = QualityState(exact_limit=10_000)
    for chunk in np.array_split(x, 7):
        state.update(pd.DataFrame({"x": chunk}))
    sketched = state.finalize().to_frame().loc["x", "consistency"]
    exact = quality(pd.DataFrame({"x": x})).to_frame().loc["x", "consistency"]
    assert abs(sketched - exact) < 0.01  # a rank error below 1% moves the share by less than 1%


def test_kll_rank_error(backend):
    rng = np.random.default_rng(4)
    values = rng.normal(size=300_000)
    sketches = [KLLSketch(4096) for _ in range(3)]
    for i, part in enumerate(np.array_split(values, 30)):
        sketches[i % 3].update(part)
    sketches[0].merge(sketches[1])
    sketches[0].merge(sketches[2])
    assert sketches[0].count == len(values)
    ordered = np.sort(values)
    for p in (0.01, 0.25, 0.5, 0.75, 0.99):
        rank = np.searchsorted(ordered, sketches[0].quantile(p)) / len(values)
        assert abs(rank - p) < 0.005


def test_state_handles_arrow_batches_and_categoricals(backend):
    table = pa.table({"s": pa.array(["a", None, "b", "a"]).dictionary_encode(), "v": [1.0, 2.0, None, 2.0]})
    state = QualityState()
    state.update(table)
    state.update(table.to_pandas())
    report = state.finalize()
    frame = report.to_frame()
    assert frame.loc["s", "completeness"] == 0.75 and frame.loc["v", "distinct"] == 2
    assert report.duplicate_rows == 4  # the second batch repeats the first
