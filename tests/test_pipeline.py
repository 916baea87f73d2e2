"""Pipeline (registry, cache correctness, statistics), the content hash, and the column scalers."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import xxhash

import rt_pandas
from rt_pandas import CenterCrop, Normalize, Pipeline, Resize, ValidationError
from rt_pandas import transforms as T
from rt_pandas._backend import In, Out, OutValue


def images(seed=0, shape=(2, 32, 40, 3)):
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


@pytest.mark.parametrize("n", [0, 1, 3, 4, 7, 8, 31, 32, 33, 63, 100, 1000])
def test_hash_equals_the_xxhash_library(backend, n):
    data = np.random.default_rng(n).integers(0, 256, n, dtype=np.uint8)
    for seed in (0, 1, 2**64 - 1):
        got = rt_pandas.get_backend().run("rt_transform_hash", In(data), n, seed, OutValue("uint64_t"))
        assert got == xxhash.xxh64_intdigest(data.tobytes(), seed=seed)


@pytest.mark.parametrize("n", [0, 1, 3, 4, 7, 8, 16, 17, 31, 32, 33, 63, 100, 128, 129, 240, 241, 1000, 1024,
                               1025, 4096, 100_003])
def test_hash128_equals_the_xxhash_library(backend, n):
    """XXH3-128 (xxHash's short paths and, above 240 bytes, the long loop of every SIMD level)."""
    data = np.random.default_rng(n).integers(0, 256, n, dtype=np.uint8)
    be = rt_pandas.get_backend()
    digest = be.empty(2, np.uint64)
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        for seed in (0, 1, 2**64 - 1):
            be.run("rt_transform_hash128", In(data), n, seed, Out(digest))
            want = xxhash.xxh3_128_intdigest(data.tobytes(), seed=seed)
            assert int(digest[0]) | int(digest[1]) << 64 == want, (level, seed)


def test_pipeline_matches_the_transforms_it_chains(backend):
    batch = images()
    pipeline = Pipeline(["resize:24x30:area", "center_crop:20", "normalize"])
    want = T.normalize(T.center_crop(T.resize(batch, 24, 30, "area"), 20, 20))
    np.testing.assert_array_equal(pipeline.execute(batch), want)
    np.testing.assert_array_equal(pipeline.execute(batch), want)  # from the cache
    stats = pipeline.stats()
    assert stats["calls"] == 2 and stats["cache_misses"] == 3 and stats["cache_hits"] == 3
    assert [s["name"] for s in stats["transforms"]] == ["resize", "center_crop", "normalize"]
    assert all(s["calls"] == 1 for s in stats["transforms"])
    assert json.loads(pipeline.get_stats()) == pipeline.stats()


def test_changed_input_or_parameter_never_hits_a_stale_entry(backend):
    batch = images(1)
    pipeline = Pipeline([Resize(16, 16), Normalize()])
    first = pipeline.execute(batch).copy()
    changed = batch.copy()
    changed[1, 31, 39, 2] ^= 1  # one bit of the last value
    np.testing.assert_array_equal(pipeline.execute(changed), T.normalize(T.resize(changed, 16, 16)))
    assert pipeline.stats()["cache_hits"] == 0
    # same bytes, other shape or dtype: other keys
    reshaped = batch.reshape(2, 40, 32, 3)
    np.testing.assert_array_equal(pipeline.execute(reshaped), T.normalize(T.resize(reshaped, 16, 16)))
    assert pipeline.stats()["cache_hits"] == 0
    # other parameters of the same transform: a different pipeline, same cache object semantics
    other = Pipeline([Resize(16, 16, "bicubic"), Normalize()])
    other._cache = pipeline._cache  # share the store: keys must still differ
    np.testing.assert_array_equal(other.execute(batch), T.normalize(T.resize(batch, 16, 16, "bicubic")))
    assert other.stats()["cache_hits"] == 0
    np.testing.assert_array_equal(pipeline.execute(batch), first)
    assert pipeline.stats()["cache_hits"] == 2


def test_prefix_of_a_longer_pipeline_is_reused(backend):
    batch = images(2)
    pipeline = Pipeline(["resize:16x16"])
    pipeline.execute(batch)
    pipeline.add_transform("normalize")
    pipeline.execute(batch)
    steps = pipeline.stats()["transforms"]
    assert steps[0]["calls"] == 1 and steps[0]["hits"] == 1 and steps[1]["misses"] == 1


def test_cache_is_bounded_by_bytes_lru(backend):
    pipeline = Pipeline([Normalize()], cache_bytes=3 * 32 * 40 * 3 * 2 * 4)  # three float32 results
    inputs = [images(seed) for seed in range(4)]
    for batch in inputs:
        pipeline.execute(batch)
    stats = pipeline.stats()
    assert stats["cached_entries"] == 3 and stats["cached_bytes"] <= stats["cache_limit_bytes"]
    pipeline.execute(inputs[0])  # evicted first: recomputed
    assert pipeline.stats()["cache_misses"] == 5
    pipeline.execute(inputs[3])
    assert pipeline.stats()["cache_hits"] == 1


def test_cached_results_are_read_only_and_cache_can_be_off(backend):
    batch = images(3)
    cached = Pipeline(["normalize"]).execute(batch)
    with pytest.raises(ValueError):
        cached[0, 0, 0, 0] = 1
    uncached = Pipeline(["normalize"], cache=False)
    result = uncached.execute(batch)
    result[0, 0, 0, 0] = 1  # writable: nothing shares it
    uncached.execute(batch)
    stats = uncached.stats()
    assert stats["cache_hits"] == 0 and stats["cached_entries"] == 0 and stats["transforms"][0]["calls"] == 2


def test_pipeline_on_arrow_tensor_columns(backend):
    batch = images(4, (5, 12, 10, 3))
    column = pa.FixedShapeTensorArray.from_numpy_ndarray(batch)
    pipeline = Pipeline(["resize:6x5:bilinear", "normalize"])
    first = pipeline.execute(column)
    again = pipeline.execute(column)
    assert again is first and pipeline.stats()["cache_hits"] == 2
    want = T.normalize(T.resize(batch, 6, 5))
    np.testing.assert_array_equal(first.to_numpy_ndarray(), want)
    pipeline.execute(column.slice(1))  # other rows: other content
    assert pipeline.stats()["cache_misses"] == 4


def test_names_defaults_and_registry(backend):
    assert Pipeline(["normalize"]).transforms[0].mean == T.IMAGENET_MEAN
    resize = T.transform_from_spec("resize")
    assert (resize.height, resize.width, resize.interpolation) == (224, 224, "bilinear")
    crop = T.transform_from_spec("center_crop:100x50")
    assert (crop.height, crop.width) == (100, 50)
    norm = T.transform_from_spec("normalize:0.5,0.5:0.1,0.2")
    assert norm.mean == (0.5, 0.5) and norm.std == (0.1, 0.2)

    class AddOne(T.Transform):
        name = "add_one"

        def __init__(self, amount="1"):
            self.amount = float(amount)

        def __call__(self, x):
            return x + self.amount

        def key(self):
            return f"add_one:{self.amount}"

    T.register_transform("add_one", AddOne)
    np.testing.assert_array_equal(Pipeline(["add_one:2.5"]).execute(np.zeros(3)), [2.5, 2.5, 2.5])


@pytest.mark.parametrize("spec, message", [
    ("blur:3", "unknown transform"),
    ("resize:abc", "HEIGHTxWIDTH"),
    ("resize:0x5", "positive"),
    ("resize:10x10:spline", "unknown interpolation"),
    ("normalize:a,b", "numbers"),
    ("normalize:0.5:0", "std must not be 0"),
    ("center_crop:1x2x3", "HEIGHTxWIDTH"),
    ("resize:1:bilinear:HWC:extra", "bad arguments"),
    (42, "needs __call__"),
])
def test_bad_transform_specs(spec, message):
    with pytest.raises(ValidationError, match=message):
        Pipeline([spec])


def test_bad_registrations_and_cache_sizes():
    with pytest.raises(ValidationError):
        T.register_transform("a:b", Resize)
    with pytest.raises(ValidationError):
        T.register_transform("x", 3)
    with pytest.raises(ValidationError):
        Pipeline(cache_bytes=-1)
    with pytest.raises(ValidationError):
        Pipeline([object()])


# ---- column scalers -----------------------------------------------------------

def test_standardize_matches_pandas_and_keeps_nulls(backend):
    series = pd.Series([1.0, None, 4.0, 2.5, np.nan, -3.0], index=list("abcdef"), name="x")
    got = series.rt.standardize()
    pd.testing.assert_series_equal(got, (series - series.mean()) / series.std())
    ddof0 = series.rt.standardize(ddof=0)
    valid = series.dropna().to_numpy()
    np.testing.assert_allclose(ddof0.dropna(), (valid - valid.mean()) / valid.std(), rtol=1e-14)


@pytest.mark.parametrize("dtype", ["Float64", "Int64"])
def test_scalers_on_masked_series(backend, dtype):
    series = pd.Series([3, None, 1, 10, None, 6], dtype=dtype)
    valid = series.dropna().to_numpy(dtype=float)
    got = series.rt.min_max()
    assert got.isna().tolist() == series.isna().tolist()
    np.testing.assert_allclose(got.dropna(), (valid - valid.min()) / (valid.max() - valid.min()), rtol=1e-15)
    robust = series.rt.robust_scale()
    q1, median, q3 = np.percentile(valid, [25, 50, 75])
    np.testing.assert_allclose(robust.dropna(), (valid - median) / (q3 - q1), rtol=1e-14)


def test_scalers_on_sliced_and_chunked_arrow(backend):
    raw = [None if i % 4 == 0 else float((i * 7) % 11) for i in range(30)]
    chunked = pa.chunked_array([pa.array(raw[:13]), pa.array(raw[13:]).slice(3)])
    values = [v for v in raw[:13] + raw[16:]]
    valid = np.array([v for v in values if v is not None])
    got = T.standardize(chunked)
    assert isinstance(got, pa.ChunkedArray) and got.null_count == sum(v is None for v in values)
    want = [None if v is None else (v - valid.mean()) / valid.std(ddof=1) for v in values]
    np.testing.assert_allclose(np.array(got.to_pylist(), dtype=float), np.array(want, dtype=float), rtol=1e-13)
    sliced = pa.array(raw).slice(5, 17)
    svalid = np.array([v for v in raw[5:22] if v is not None])
    q1, med, q3 = np.percentile(svalid, [10, 50, 90])
    got = T.robust_scale(sliced, quantile_range=(10, 90)).to_pylist()
    want = [None if v is None else (v - med) / (q3 - q1) for v in raw[5:22]]
    assert [g is None for g in got] == [w is None for w in want]
    np.testing.assert_allclose([g for g in got if g is not None], [w for w in want if w is not None], rtol=1e-13)


def test_scalers_on_degenerate_columns(backend):
    np.testing.assert_array_equal(T.standardize(np.array([2.0, 2.0, 2.0])), [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(T.min_max(np.array([5.0, np.nan])), [0.0, np.nan])
    assert T.standardize(pa.array([None, None], pa.float64())).to_pylist() == [None, None]
    assert len(T.robust_scale(np.array([], np.float64))) == 0
    with pytest.raises(ValidationError, match="infinite"):
        T.min_max(np.array([np.inf, 1.0, 2.0]))
    with pytest.raises(ValidationError):
        T.robust_scale(np.array([1.0]), quantile_range=(80, 20))
    with pytest.raises(ValidationError):
        T.standardize(pa.array(["a", "b"]))
    with pytest.raises(ValidationError):
        T.min_max(np.zeros((2, 2)))
