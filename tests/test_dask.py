"""rt_pandas.dask on a two-worker LocalCluster: results equal the pandas accessors on the same data."""

from __future__ import annotations

import os
import sys

import numpy as np
import pandas as pd
import pytest

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
cloudpickle = pytest.importorskip("cloudpickle")

import rt_pandas  # noqa: E402
import rt_pandas.dask as rd  # noqa: E402
from rt_pandas import ValidationError  # noqa: E402

# The loaders and the plugin below run on the workers, which cannot import this test file: ship them by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


class BackendPlugin(distributed.WorkerPlugin):
    """Selects the test's backend on every worker, including one the nanny restarts."""

    def __init__(self, backend: str) -> None:
        self.backend = backend

    def setup(self, worker) -> None:
        rt_pandas.set_backend(self.backend)


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                                  processes=True) as cluster:
        # Connect by address, as to a remote scheduler.
        with distributed.Client(cluster.scheduler_address) as c:
            yield c


@pytest.fixture
def on_cluster(client, backend):
    client.register_plugin(BackendPlugin(backend), name="rt-backend")
    yield client
    client.register_plugin(BackendPlugin("native"), name="rt-backend")


def frame(rows: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(20, 5, rows)
    x[::17] = np.nan
    if rows > 50:
        x[3], x[50] = np.inf, 400.0
    return pd.DataFrame({
        "x": x,
        "n": pd.array(np.where(np.arange(rows) % 11 == 0, None, rng.integers(0, 30, rows)), dtype="Int64"),
        "s": pd.Series(rng.choice(["AB-12", "CD-34", " ", "x"], rows)).astype(object).where(
            np.arange(rows) % 13 != 0, None),
        "b": rng.random(rows) < 0.3,
        "t": pd.date_range("2024-01-01", periods=rows, freq="h"),
    })


def same_report(dask_report, pandas_report) -> None:
    got, want = dask_report.to_dict(), pandas_report.to_dict()
    assert got == want


def from_parts(parts: list[pd.DataFrame | pd.Series]):
    return dd.from_delayed([dask.delayed(p) for p in parts], meta=parts[0].iloc[:0], verify_meta=False)


# ---------------------------------------------------------------- quality


def test_quality_equals_pandas(on_cluster):
    df = frame()
    rules = {"s": r"^[A-Z]{2}-\d+$", "n": (0, 20)}
    ranges = {"x": (0, 40)}
    ddf = dd.from_pandas(df, npartitions=5)
    whole = ddf.compute()  # the concatenated frame (Dask stores object strings as Arrow strings)
    assert len(whole) == len(df)
    same_report(ddf.rt.quality(ranges=ranges, rules=rules, split_every=2),
                whole.rt.quality(ranges=ranges, rules=rules))


def test_quality_of_a_series_equals_pandas(on_cluster):
    s = frame()["x"]
    same_report(dd.from_pandas(s, npartitions=3).rt.quality(ranges=(0, 40)), s.rt.quality(ranges=(0, 40)))


def test_quality_with_empty_one_row_and_all_null_partitions(on_cluster):
    df = frame(60)[["x", "n", "b"]]
    nulls = df.iloc[10:20].copy()
    nulls["x"], nulls["n"] = np.nan, pd.array([None] * len(nulls), dtype="Int64")
    parts = [df.iloc[:10], nulls, df.iloc[:0], df.iloc[20:21], df.iloc[21:]]
    whole = pd.concat(parts)
    same_report(from_parts(parts).rt.quality(), whole.rt.quality())


def test_quality_sketches_beyond_exact_limit(on_cluster):
    df = pd.DataFrame({"v": np.arange(6000) % 2500 + 0.5})
    report = dd.from_pandas(df, npartitions=4).rt.quality(exact_limit=1000)
    exact = df.rt.quality()
    assert not report.exact
    got, want = report.columns[0], exact.columns[0]
    assert (got.rows, got.missing, got.completeness, got.validity) == (want.rows, want.missing, 1.0, 1.0)
    assert abs(got.distinct - 2500) <= 3 * 0.0081 * 2500  # HyperLogLog p=14: 0.81% standard error
    assert got.uniqueness is None  # no sketch gives values occurring once


def test_quality_bad_arguments(client):
    ddf = dd.from_pandas(frame(20), npartitions=2)
    with pytest.raises(ValidationError):
        ddf.rt.quality(ranges={"missing": (0, 1)})
    with pytest.raises(ValidationError):
        ddf.rt.quality(split_every=1)
    with pytest.raises(ValidationError):
        ddf.rt.quality(threshold=2)


# ---------------------------------------------------------------- anomalies


def anomaly_series(rows: int = 500) -> pd.Series:
    rng = np.random.default_rng(3)
    x = rng.normal(0, 1, rows)
    x[::23] = np.nan
    x[7], x[100], x[101] = 12.0, -9.0, np.inf
    return pd.Series(x, name="v", index=np.arange(rows) * 2)


@pytest.mark.parametrize("method", ["zscore", "iqr", "mad"])
def test_statistical_anomalies_equal_pandas(on_cluster, method):
    s = anomaly_series()
    ds = dd.from_pandas(s, npartitions=6)
    np.testing.assert_allclose(ds.rt.anomaly_scores(method).compute(), s.rt.anomaly_scores(method), rtol=1e-12)
    pd.testing.assert_frame_equal(ds.rt.anomalies(method).compute(), s.rt.anomalies(method), rtol=1e-12)
    pd.testing.assert_series_equal(ds.rt.is_anomaly(method, threshold=2.0).compute(),
                                   s.rt.is_anomaly(method, threshold=2.0))


@pytest.mark.parametrize("method", ["zscore", "iqr", "mad"])
def test_anomalies_with_empty_one_row_all_null_and_nullable_partitions(on_cluster, method):
    s = pd.Series(pd.array([5, 6, None, 7, 5, 6, 90, 6, 5, 7, 6, 5], dtype="Int64"), name="load")
    parts = [s.iloc[:4], s.iloc[:0], pd.Series(pd.array([None, None], dtype="Int64"), name="load", index=[20, 21]),
             s.iloc[4:5], s.iloc[5:]]
    whole = pd.concat(parts)
    got = from_parts(parts).rt.anomaly_scores(method).compute()
    np.testing.assert_allclose(got.to_numpy(), whole.rt.anomaly_scores(method).to_numpy(), rtol=1e-12)
    pd.testing.assert_frame_equal(from_parts(parts).rt.anomalies(method).compute(), whole.rt.anomalies(method))


def test_all_null_series_scores_nan(on_cluster):
    s = pd.Series([np.nan] * 6)
    for method in ("zscore", "iqr", "mad"):
        got = dd.from_pandas(s, npartitions=2).rt.anomaly_scores(method).compute()
        assert got.isna().all() and s.rt.anomaly_scores(method).isna().all()


def test_exact_quantiles_match_numpy(client):
    rng = np.random.default_rng(5)
    x = np.round(rng.normal(size=30_000), 2)  # many ties
    x[::9] = np.nan
    probs = [0.0, 0.001, 0.25, 0.5, 0.75, 0.999, 1.0]
    got = rd.exact_quantiles(dd.from_pandas(pd.Series(x), npartitions=7), probs)
    np.testing.assert_allclose(got, np.nanquantile(x, probs), rtol=1e-15, atol=0)


def test_isolation_forest_flags_the_outliers(on_cluster):
    rng = np.random.default_rng(1)
    x = rng.normal(0, 1, 3000)
    x[[10, 1501, 2901]] = [15.0, -14.0, 18.0]
    x[::50] = np.nan
    ds = dd.from_pandas(pd.Series(x), npartitions=4)
    scores = ds.rt.anomaly_scores("isolation_forest", random_state=0, sample_size=1000).compute()
    assert scores.isna().sum() == np.isnan(x).sum()
    assert set(scores.nlargest(3).index) == {10, 1501, 2901}
    assert ((scores.dropna() > 0) & (scores.dropna() <= 1)).all()
    found = ds.rt.anomalies("isolation_forest", threshold=0.7, random_state=0, sample_size=1000).compute()
    assert {10, 1501, 2901} <= set(found.index)


def forest_frame(rows: int = 2000, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"a": rng.normal(0, 1, rows), "b": rng.normal(5, 2, rows),
                       "n": pd.array(rng.integers(0, 9, rows), dtype="Int64"), "s": ["x"] * rows})
    df.loc[[7, rows * 9 // 20, rows - 1], ["a", "b"]] = [[12.0, 5.0], [0.0, 40.0], [-9.0, -20.0]]
    df.loc[::97, "a"] = np.nan
    return df


def test_frame_isolation_forest_equals_pandas_with_the_same_forest(on_cluster):
    """A forest fitted on a sample from every partition scores each row as pandas would with that forest."""
    df = forest_frame()
    ddf = dd.from_pandas(df, npartitions=5)
    cols, forest = rd.fit_frame_forest(ddf, ["a", "b", "n"], sample_size=500, random_state=0)
    assert cols == ["a", "b", "n"] and forest.n_features_in_ == 3
    X = df[cols].astype("float64").to_numpy(na_value=np.nan)
    want_scores = forest.anomaly_score(X)
    got_scores = ddf.rt.anomaly_scores(columns=cols, forest=forest).compute()
    assert got_scores.index.equals(df.index) and got_scores.name == "score"
    np.testing.assert_array_equal(got_scores.to_numpy(), want_scores)
    want_flags = forest.predict(X) == -1
    top, share = forest.explain(X[want_flags])
    got = ddf.rt.anomalies(columns=cols, forest=forest).compute()
    assert list(got.columns) == [*cols, "score", "method", "top_feature", "top_feature_share"]
    assert got.index.tolist() == df.index[want_flags].tolist() and {7, 900, 1999} <= set(got.index)
    np.testing.assert_array_equal(got["score"].to_numpy(), want_scores[want_flags])
    assert got["top_feature"].tolist() == [cols[i] for i in top]
    np.testing.assert_array_equal(got["top_feature_share"].to_numpy(), share)
    assert (got["method"] == "isolation_forest").all()
    cut = ddf.rt.anomalies(columns=cols, forest=forest, threshold=0.6).compute()
    assert cut.index.tolist() == df.index[want_scores > 0.6].tolist()


def test_frame_isolation_forest_on_a_small_frame_is_the_pandas_result(on_cluster):
    """With every row in the sample (in order) the fitted forest is pandas' own: the results are equal."""
    df = forest_frame(600)
    parts = [df.iloc[:250], df.iloc[250:250], df.iloc[250:251], df.iloc[251:]]  # with empty and one-row parts
    ddf = from_parts(parts)
    params = {"n_estimators": 50, "contamination": 0.01, "random_state": 4}
    want = df.rt.anomalies(columns=["a", "b"], **params)
    got = ddf.rt.anomalies(columns=["a", "b"], sample_size=10_000, **params).compute()
    pd.testing.assert_frame_equal(got, want)
    pd.testing.assert_series_equal(ddf.rt.anomaly_scores(columns=["a", "b"], **params).compute(),
                                   df.rt.anomaly_scores(columns=["a", "b"], **params))


def test_frame_isolation_forest_bad_input(client):
    ddf = dd.from_pandas(forest_frame(100), npartitions=2)
    for bad in ({"columns": ["s"]}, {"columns": ["nope"]}, {"method": "zscore"}, {"sample_size": 0},
                {"n_trees": 3}, {"threshold": -1.0}):
        with pytest.raises(ValidationError):
            ddf.rt.anomalies(**bad)
    _, forest = rd.fit_frame_forest(ddf, ["a"], random_state=0)
    with pytest.raises(ValidationError, match="would not be used"):
        ddf.rt.anomalies(columns=["a"], forest=forest, n_estimators=5)
    with pytest.raises(ValidationError):
        from_parts([forest_frame(100).iloc[:0]]).rt.anomalies()


def test_anomaly_bad_input(client):
    ds = dd.from_pandas(pd.Series(["a", "b"]), npartitions=1)
    with pytest.raises(ValidationError):
        ds.rt.anomaly_scores("zscore")
    num = dd.from_pandas(pd.Series([1.0, 2.0]), npartitions=1)
    for bad in ({"method": "nope"}, {"method": "seasonal"}, {"method": "zscore", "threshold": -1},
                {"method": "iqr", "n_estimators": 3}):
        with pytest.raises(ValidationError):
            num.rt.anomalies(**bad)
    with pytest.raises(ValidationError):
        dd.from_pandas(pd.Series([np.nan]), npartitions=1).rt.anomalies("isolation_forest")


# ---------------------------------------------------------------- element-wise


@pytest.mark.parametrize("name, args", [("erf", ()), ("exp", ()), ("log1p", ()), ("clamp", (-0.5, 0.5)),
                                        ("atan2", (2.0,))])
def test_elementwise_equals_pandas(on_cluster, name, args):
    s = pd.Series([0.1, -0.3, None, 2.0, 0.0, -1.5, np.inf], name="v")
    got = getattr(dd.from_pandas(s, npartitions=3).rt, name)(*args).compute()
    pd.testing.assert_series_equal(got, getattr(s.rt, name)(*args))


def test_atan2_of_two_dask_series(on_cluster):
    y, x = pd.Series([1.0, -1.0, 0.5, 2.0]), pd.Series([1.0, 1.0, -2.0, 0.0])
    got = dd.from_pandas(y, npartitions=2).rt.atan2(dd.from_pandas(x, npartitions=2)).compute()
    pd.testing.assert_series_equal(got, y.rt.atan2(x))


def test_unknown_method(client):
    with pytest.raises(AttributeError):
        dd.from_pandas(pd.Series([1.0]), npartitions=1).rt.not_a_method


# ---------------------------------------------------------------- a worker dies


def load_part(i: int, marker: str) -> pd.DataFrame:
    """Partition ``i`` of a deterministic frame; the first attempt at partition 2 kills its worker."""
    if i == 2 and not os.path.exists(marker):
        open(marker, "w").close()
        os._exit(1)  # the worker process dies mid-computation; the nanny restarts it
    return frame(100, seed=i)


def test_worker_dies_mid_computation(on_cluster, tmp_path):
    marker = str(tmp_path / "died")
    ddf = dd.from_map(load_part, range(4), marker=marker, meta=frame(0), enforce_metadata=False)
    report = ddf.rt.quality()
    assert os.path.exists(marker)  # a worker did die
    whole = ddf.compute()  # the marker exists now: no worker dies here
    expected = pd.concat([frame(100, seed=i) for i in range(4)])
    pd.testing.assert_frame_equal(whole.drop(columns="s"), expected.drop(columns="s"))
    same_report(report, whole.rt.quality())
