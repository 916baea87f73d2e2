"""Sampled quality states (``QualityState(sample_rows=...)``, what Dask partitions build beyond
``exact_limit``): every count, moment and HyperLogLog equals the unsampled sketching state's; the
KLL sketch's rank error over random splits stays within the documented 4 / kll_capacity."""

import numpy as np
import pandas as pd
import pytest

from rt_pandas import ValidationError
from rt_pandas.state import QualityState


def mixed_frame(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=rows)
    x[rng.random(rows) < 0.05] = np.nan
    x[rng.random(rows) < 0.01] = np.inf
    x[rng.random(rows) < 0.01] = -0.0
    stamps = pd.Series(pd.to_datetime(rng.integers(-2_300_000_000, 2_000_000_000, rows), unit="s"))
    stamps[rng.random(rows) < 0.1] = pd.NaT
    words = np.array(["a1", "b 2", "  ", "", "Ünï", "x-y"], dtype=object)[rng.integers(0, 6, rows)]
    words[rng.random(rows) < 0.1] = None
    return pd.DataFrame({
        "x": x,
        "f32": x.astype(np.float32),
        "n": pd.array(np.where(rng.random(rows) < 0.2, None, rng.integers(-5, 50, rows)), dtype="Int64"),
        "u8": rng.integers(0, 255, rows).astype(np.uint8),
        "flag": rng.random(rows) < 0.3,
        "t": stamps,
        "tz": stamps.dt.tz_localize("UTC"),
        "s": pd.Series(words, dtype="string"),
    })


SETTINGS = {"ranges": {"x": (-1.0, 2.0), "t": ("1990-01-01", "2100-01-01")}, "rules": {"n": {"range": (0, 40)}},
            "exact_limit": 0, "kll_capacity": 8}


def build(parts: list[pd.DataFrame], **settings) -> QualityState:
    merged = None
    for i, part in enumerate(parts):
        state = QualityState(**{**SETTINGS, **settings})
        state.update(part, seed=i)
        merged = state if merged is None else merged.merge(state)
    return QualityState.from_bytes(merged.to_bytes())


@pytest.mark.parametrize("nan_as_missing", [True, False])
def test_sampled_state_counts_moments_and_hll_equal_the_unsampled(backend, nan_as_missing):
    df = mixed_frame(6000, 1)
    parts = [df.iloc[:2500], df.iloc[2500:2501], df.iloc[2501:2501], df.iloc[2501:]]
    plain = build(parts, nan_as_missing=nan_as_missing)
    sampled = build(parts, nan_as_missing=nan_as_missing, sample_rows=len(df))
    assert sampled.sample_level(5000, 5000) > 0  # kll_capacity 8: the test does sample
    for name, a in plain.columns.items():
        b = sampled.columns[name]
        for field in ("rows", "missing", "valid", "in_range", "nans", "moments", "shapes", "key_kind", "sketched"):
            assert getattr(a, field) == getattr(b, field), (name, field)
        assert np.array_equal(a.hll, b.hll), name
    assert np.array_equal(plain.row_state.hll, sampled.row_state.hll)
    want, got = plain.finalize().to_frame(), sampled.finalize().to_frame()
    columns = ["rows", "missing", "completeness", "validity", "accuracy", "distinct"]
    pd.testing.assert_frame_equal(got[columns], want[columns])
    assert sampled.finalize().duplicate_rows == plain.finalize().duplicate_rows


def test_sampled_state_repeats_with_its_seed(backend):
    df = mixed_frame(3000, 2)[["x", "n"]]
    settings = {"exact_limit": 0, "kll_capacity": 8, "sample_rows": 100_000}

    def levels(seed):
        state = QualityState(**settings)
        state.update(df, seed=seed)
        return [level.tolist() for level in state.columns["x"].kll.levels]

    assert levels(7) == levels(7)
    assert levels(7) != levels(8)


def test_sampled_rank_error_over_random_splits():
    """Max rank error over the 1st..99th percentiles of merged sampled sketches: within 4 / k
    (measured at most 2.6 / k; docs/quality.md)."""
    rng = np.random.default_rng(5)
    n, k = 1_000_000, 256
    values = {"normal": rng.normal(size=n), "lognormal": rng.lognormal(size=n),
              "integers": rng.integers(0, 1000, n).astype(np.float64)}
    probs = np.linspace(0.01, 0.99, 99)
    assert QualityState(exact_limit=0, kll_capacity=k, sample_rows=n).sample_level(n, n) == 5
    for split in range(24):
        x = values[list(values)[split % 3]]
        ordered = np.sort(x)
        cuts = np.sort(rng.choice(np.arange(1, n), rng.integers(0, 40), replace=False))
        merged = None
        for i, chunk in enumerate(np.split(x, cuts)):
            state = QualityState(exact_limit=0, kll_capacity=k, sample_rows=n)
            state.update(pd.DataFrame({"x": chunk}), seed=i)
            merged = state if merged is None else merged.merge(state)
        kll = merged.columns["x"].kll
        assert abs(kll.count - n) < 0.03 * n  # items weigh 2**level: the total weight estimates n
        estimates = np.array([kll.quantile(p) for p in probs])
        below = np.searchsorted(ordered, estimates, side="left") / n
        at_most = np.searchsorted(ordered, estimates, side="right") / n
        error = np.maximum(np.maximum(below - probs, probs - at_most), 0).max()
        assert error <= 4 / k, (split, len(cuts) + 1, error)


def test_sample_rows_must_exceed_exact_limit_and_states_must_agree():
    with pytest.raises(ValidationError):
        QualityState(sample_rows=10)  # at most exact_limit: nothing would sketch
    with pytest.raises(ValidationError):
        QualityState(exact_limit=0, sample_rows=-1)
    with pytest.raises(ValidationError):
        QualityState(exact_limit=0, sample_rows=2.5)
    a, b = QualityState(exact_limit=0, sample_rows=10), QualityState(exact_limit=0)
    a.update(pd.DataFrame({"x": [1.0]}))
    b.update(pd.DataFrame({"x": [1.0]}))
    with pytest.raises(ValidationError):
        a.merge(b)
    assert QualityState.from_bytes(a.to_bytes()).sample_rows == 10


def test_dask_partition_states_are_seeded_by_their_index():
    pytest.importorskip("dask")
    from rt_pandas.dask import partition_state

    df = mixed_frame(2000, 3)[["x", "u8"]]
    settings = {"exact_limit": 0, "kll_capacity": 8, "sample_rows": 4000}  # level 7: about 14 of 1800 values
    first = QualityState.from_bytes(partition_state(df, settings, 3)).columns["x"].kll.levels
    again = QualityState.from_bytes(partition_state(df, settings, 3)).columns["x"].kll.levels
    other = QualityState.from_bytes(partition_state(df, settings, 4)).columns["x"].kll.levels
    assert [a.tolist() for a in first] == [a.tolist() for a in again]
    assert [a.tolist() for a in first] != [a.tolist() for a in other]
