"""IsolationForest against scikit-learn: exact scores on scikit-learn's own trees, ROC-AUC on ODDS."""

from __future__ import annotations

import pickle
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rt_pandas
from rt_pandas import ValidationError, _serial
from rt_pandas.anomaly import IsolationForest

sklearn_ensemble = pytest.importorskip("sklearn.ensemble")
metrics = pytest.importorskip("sklearn.metrics")

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
ODDS = DATA / "odds"


def blobs(n=600, d=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    X[:10] += 6.0
    return X


def test_scores_equal_sklearn_on_sklearn_trees(backend):
    """Same trees, same path lengths and normalisation: scores agree to rounding."""
    X = blobs(1500, 5, seed=1)
    model = sklearn_ensemble.IsolationForest(n_estimators=40, max_samples=200, random_state=0).fit(X)
    forest = IsolationForest.from_sklearn(model)
    X32 = X.astype(np.float32).astype(np.float64)  # scikit-learn compares float32 features
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        np.testing.assert_allclose(forest.score_samples(X32), model.score_samples(X), rtol=1e-12, atol=0)
        np.testing.assert_allclose(forest.decision_function(X32), model.decision_function(X), rtol=0, atol=1e-12)
        np.testing.assert_array_equal(forest.predict(X32), model.predict(X))


def test_sign_convention_scale_and_contamination(backend):
    X = blobs(800, 3, seed=2)
    forest = IsolationForest(n_estimators=60, random_state=1).fit(X)
    scores = forest.score_samples(X)
    assert scores.shape == (800,) and ((scores >= -1) & (scores < 0)).all()
    assert scores[:10].mean() < scores[10:].mean() - 0.1  # anomalies: lower, as scikit-learn
    assert forest.offset_ == -0.5
    np.testing.assert_array_equal(forest.decision_function(X), scores + 0.5)
    np.testing.assert_array_equal(forest.predict(X), np.where(scores + 0.5 < 0, -1, 1))
    np.testing.assert_array_equal(forest.anomaly_score(X), -scores)
    contaminated = IsolationForest(n_estimators=60, contamination=0.05, random_state=1).fit(X)
    assert contaminated.offset_ == pytest.approx(np.percentile(contaminated.score_samples(X), 5))
    assert (contaminated.predict(X) == -1).mean() == pytest.approx(0.05, abs=0.002)
    assert set(np.unique(contaminated.fit_predict(X))) == {-1, 1}


def test_every_simd_level_and_thread_count_give_identical_scores(backend):
    X = blobs(20_011, 6, seed=3)
    forest = IsolationForest(n_estimators=25, random_state=7, n_jobs=1).fit(X)
    rt_pandas.force_simd("scalar")
    want = forest.score_samples(X).copy()
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        for jobs in (1, 2, 3, -1):
            forest.set_params(n_jobs=jobs)
            np.testing.assert_array_equal(forest.score_samples(X), want)


def test_seed_reproducible_and_serialisable(backend):
    X = blobs(500, 3, seed=4)
    a = IsolationForest(n_estimators=30, random_state=11).fit(X)
    b = IsolationForest(n_estimators=30, random_state=11).fit(X)
    np.testing.assert_array_equal(a.score_samples(X), b.score_samples(X))
    restored = IsolationForest.from_bytes(a.to_bytes())
    np.testing.assert_array_equal(restored.score_samples(X), a.score_samples(X))
    assert restored.offset_ == a.offset_ and restored.n_features_in_ == 3 and restored.max_samples_ == 256
    pickled = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(pickled.predict(X), a.predict(X))


def test_bytes_move_between_backends():
    if "wasm" not in rt_pandas.available_backends():
        pytest.skip("rt_core.wasm is not built")
    X = blobs(300, 2, seed=5)
    native = IsolationForest(n_estimators=20, random_state=3).fit(X)
    try:
        rt_pandas.set_backend("wasm")
        in_wasm = IsolationForest.from_bytes(native.to_bytes())
        np.testing.assert_array_equal(in_wasm.score_samples(X), native.score_samples(X))
        wasm_grown = IsolationForest(n_estimators=20, random_state=3).fit(X)
        np.testing.assert_array_equal(wasm_grown.score_samples(X), native.score_samples(X))
    finally:
        rt_pandas.set_backend("native")


def test_corrupt_bytes_are_rejected(backend):
    data = bytearray(IsolationForest(n_estimators=5, random_state=0).fit(blobs(100, 2)).to_bytes())
    for broken in (bytes(data[:-8]), bytes(data[:20]), b"", b"x" * 64):
        with pytest.raises(ValidationError):
            IsolationForest.from_bytes(broken)
    # Python envelope (24) + score offset (8) + the C envelope (24) + 4 header words + tree_start (5 + 1)
    first_node = 24 + 8 + 24 + 8 * (4 + 5 + 1)
    data[first_node + 12 : first_node + 16] = np.int32(10**6).tobytes()  # right child out of the tree
    with pytest.raises(ValidationError, match="checksum"):
        IsolationForest.from_bytes(bytes(data))
    # Resealed (a forger can compute checksums), the structure check still refuses the child index.
    inner = _serial.seal(bytes(data[24 + 8 + 24:]), int.from_bytes(b"RTIF", "little"), 2)
    with pytest.raises(ValidationError, match="malformed tree node"):
        IsolationForest.from_bytes(_serial.seal(bytes(data[24:32]) + inner, _serial.ISOLATION_FOREST, 1))


def test_nan_is_handled_not_rejected(backend):
    X = blobs(400, 3, seed=6)
    X[::7, 1] = np.nan
    X[5] = np.nan
    forest = IsolationForest(n_estimators=30, random_state=0).fit(X)
    scores = forest.score_samples(X)
    assert np.isfinite(scores).all()
    assert scores[:10][~np.isnan(X[:10]).any(axis=1)].mean() < np.median(scores)


def test_dataframe_input_and_feature_names(backend):
    frame = pd.DataFrame(blobs(200, 2, seed=7), columns=["x", "y"])
    forest = IsolationForest(n_estimators=10, random_state=0).fit(frame)
    assert forest.feature_names_in_.tolist() == ["x", "y"]
    assert forest.score_samples(frame).shape == (200,)


def test_bad_input(backend):
    X = blobs(50, 2)
    cases = [
        (dict(n_estimators=0), "n_estimators"),
        (dict(n_estimators=2.5), "n_estimators"),
        (dict(max_samples=0), "max_samples"),
        (dict(max_samples=1.5), "max_samples"),
        (dict(max_samples="all"), "max_samples"),
        (dict(contamination=0.7), "contamination"),
        (dict(contamination=0), "contamination"),
        (dict(random_state=-1), "random_state"),
        (dict(n_jobs=0), "n_jobs"),
    ]
    for params, name in cases:
        with pytest.raises(ValidationError) as info:
            IsolationForest(**params).fit(X)
        assert info.value.context == name, params
    with pytest.raises(ValidationError):
        IsolationForest().fit(np.arange(5.0))  # 1-D
    with pytest.raises(ValidationError):
        IsolationForest().fit(np.empty((0, 3)))
    with pytest.raises(ValidationError):
        IsolationForest().fit(np.array([["a", "b"]]))
    with pytest.raises(ValidationError):
        IsolationForest().score_samples(X)  # not fitted
    forest = IsolationForest(n_estimators=3, random_state=0).fit(X)
    with pytest.raises(ValidationError) as info:
        forest.score_samples(np.zeros((2, 3)))
    assert info.value.context == "X"


def test_max_samples_above_n_warns_and_uses_all_rows(backend):
    X = blobs(40, 2)
    with pytest.warns(UserWarning, match="max_samples"):
        forest = IsolationForest(n_estimators=5, max_samples=1000, random_state=0).fit(X)
    assert forest.max_samples_ == 40
    one = IsolationForest(n_estimators=3, random_state=0).fit(X[:1])
    np.testing.assert_array_equal(one.score_samples(X[:3]), [-1.0, -1.0, -1.0])  # c(1) = 0, as scikit-learn


def test_series_isolation_forest(backend):
    s = pd.Series(np.r_[np.random.default_rng(0).normal(size=300), [25.0], [np.nan]])
    got = s.rt.anomalies("isolation_forest", random_state=0, contamination=0.01)
    assert 300 in got.index and 301 not in got.index
    scores = s.rt.anomaly_scores("isolation_forest", random_state=0)
    assert np.isnan(scores[301]) and scores.idxmax() == 300
    flags = s.rt.is_anomaly("isolation_forest", threshold=0.7, random_state=0)
    np.testing.assert_array_equal(flags, scores.fillna(0) > 0.7)
    with pytest.raises(ValidationError):
        s.rt.anomalies("isolation_forest", n_trees=5)


def test_frame_anomalies_name_the_feature_that_isolated_the_row(backend):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.normal(size=(500, 3)), columns=["a", "b", "c"], index=np.arange(500) * 2)
    frame["label"] = "x"
    frame.loc[20, "b"] = 15.0
    frame.loc[40, "c"] = -15.0
    got = frame.rt.anomalies(contamination=0.004, random_state=0)
    assert got.index.tolist() == [20, 40]
    assert got["top_feature"].tolist() == ["b", "c"]
    assert (got["top_feature_share"] > 0.3).all() and (got["method"] == "isolation_forest").all()
    assert list(got.columns[:3]) == ["a", "b", "c"] and "label" not in got.columns
    scores = frame.rt.anomaly_scores(random_state=0)
    assert scores.index.equals(frame.index)
    with pytest.raises(ValidationError):
        frame.rt.anomalies(columns=["label"])
    with pytest.raises(ValidationError):
        frame.rt.anomalies(columns=["nope"])
    with pytest.raises(ValidationError):
        frame.rt.anomalies(method="zscore")
    with pytest.raises(ValidationError):
        pd.DataFrame({"s": ["a"]}).rt.anomalies()
    assert frame.iloc[:0].rt.anomalies().empty


def odds_reference() -> dict[str, float]:
    """The scikit-learn ROC-AUC column of the ODDS table in ../shared/data/README.md."""
    table = {}
    for line in (DATA / "README.md").read_text().splitlines():
        match = re.match(r"\|\s*(\S+\.npz)\s*\|.*\|\s*([0-9.]+)\s*\|\s*$", line)
        if match:
            table[match.group(1)] = float(match.group(2))
    return table


@pytest.mark.skipif(not ODDS.is_dir(), reason="../shared/data/odds is not available on this machine")
def test_odds_roc_auc_within_0_01_of_sklearn():
    reference = odds_reference()
    assert len(reference) == 6
    for name, want in reference.items():
        data = np.load(ODDS / name)
        X, y = data["X"], data["y"]
        aucs = [metrics.roc_auc_score(y, -IsolationForest(random_state=seed).fit(X).score_samples(X))
                for seed in range(5)]
        assert abs(np.mean(aucs) - want) <= 0.01, (name, np.mean(aucs), want)


@pytest.mark.skipif(not ODDS.is_dir(), reason="../shared/data/odds is not available on this machine")
def test_odds_in_wasm_matches_native(backend):
    data = np.load(ODDS / "38_thyroid.npz")
    X = data["X"]
    forest = IsolationForest(random_state=0).fit(X)
    rt_pandas.set_backend("native")
    native = IsolationForest(random_state=0).fit(X)
    np.testing.assert_array_equal(forest.score_samples(X), native.score_samples(X))


def test_frame_with_nullable_arrow_and_bool_columns(backend):
    import pyarrow as pa

    rng = np.random.default_rng(2)
    frame = pd.DataFrame({
        "a": pd.array(list(rng.integers(0, 10, 300)) + [None], dtype="Int64"),
        "b": pd.Series(list(rng.normal(size=300)) + [50.0], dtype=pd.ArrowDtype(pa.float64())),
        "flag": [True, False] * 150 + [True],
        "name": ["x"] * 301,
    })
    got = frame.rt.anomalies(contamination=0.005, random_state=0)
    assert 300 in got.index and got.loc[300, "top_feature"] == "b"
    assert list(got.columns[:3]) == ["a", "b", "flag"]
    scores = frame.rt.anomaly_scores(random_state=0)
    assert np.isfinite(scores).all() and scores.idxmax() == 300
