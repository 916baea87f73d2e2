"""clamp against numpy.clip on every input kind, both backends, every SIMD level."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import rt_pandas
from rt_pandas import ValidationError

SPECIALS = [np.nan, np.inf, -np.inf, 0.0, -0.0, 5e-324, -5e-324, 1e300, -1e300]


def reference(values: np.ndarray, lower: float, upper: float) -> np.ndarray:
    """numpy.clip keeps NaN, like clamp."""
    dtype = values.dtype if values.dtype in (np.float32, np.float64) else np.float64
    values = values.astype(dtype)
    return np.clip(values, dtype.type(lower), dtype.type(upper))


def random_values(n: int, dtype, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = rng.normal(0, 3, n)
    values[::7] = np.resize(SPECIALS, len(values[::7]))
    with np.errstate(over="ignore"):  # 1e300 becomes inf in float32, on purpose
        return values.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [0, 1, 3, 4, 7, 8, 15, 16, 17, 33, 1000])
def test_numpy_matches_clip_at_every_simd_level(backend, dtype, n):
    values = random_values(n, dtype, seed=n)
    want = reference(values, -2.5, 1.5)
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        got = rt_pandas.clamp(values, -2.5, 1.5)
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, want)
        # -0.0 clamped by [-2.5, 1.5] stays -0.0, as in the scalar C reference
        assert np.array_equal(np.signbit(got), np.signbit(want))


def test_large_array_all_levels(backend):
    values = random_values(1_000_003, np.float32, seed=3)
    want = reference(values, -1, 1)
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        np.testing.assert_array_equal(rt_pandas.clamp(values, -1, 1), want)


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint16, np.bool_])
def test_integers_become_float64(backend, dtype):
    values = np.array([0, 1, 5, 2, 1], dtype=dtype)
    got = rt_pandas.clamp(values, 1, 2)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, np.clip(values.astype(np.float64), 1, 2))


def test_open_bounds_and_equal_bounds(backend):
    values = np.array([-np.inf, -1.0, 0.0, 3.0, np.inf, np.nan])
    np.testing.assert_array_equal(rt_pandas.clamp(values, -np.inf, np.inf), values)
    np.testing.assert_array_equal(rt_pandas.clamp(values, 2, 2), [2, 2, 2, 2, 2, np.nan])


def test_float32_bounds_round_like_numpy(backend):
    values = np.array([0.1, 0.2, 0.3], dtype=np.float32)
    got = rt_pandas.clamp(values, 0.15, 0.25)
    np.testing.assert_array_equal(got, reference(values, 0.15, 0.25))


def test_series_keeps_index_name_and_nan(backend):
    series = pd.Series([1.0, None, 5.0], index=["a", "b", "c"], name="speed")
    got = series.rt.clamp(0, 2)
    pd.testing.assert_series_equal(got, pd.Series([1.0, np.nan, 2.0], index=["a", "b", "c"], name="speed"))


def test_float32_series_stays_float32(backend):
    got = pd.Series(np.array([3, -3], dtype=np.float32)).rt.clamp(-1, 1)
    assert got.dtype == np.float32
    assert got.tolist() == [1.0, -1.0]


@pytest.mark.parametrize("dtype", ["Float64", "Int64", "boolean"])
def test_masked_series_keep_their_nulls(backend, dtype):
    series = pd.Series([1, None, 0, None], dtype=dtype, name="m")
    got = series.rt.clamp(0.5, 0.75)
    assert got.dtype == "Float64"
    assert got.isna().tolist() == [False, True, False, True]
    assert got.dropna().tolist() == [0.75, 0.5]
    assert got.name == "m"


@pytest.mark.parametrize("arrow_type", [pa.float32(), pa.float64(), pa.int64()])
def test_arrow_dtype_series(backend, arrow_type):
    series = pd.Series(pa.array([1, None, 9, -9], type=arrow_type), dtype=pd.ArrowDtype(arrow_type))
    got = series.rt.clamp(0, 2)
    assert isinstance(got.dtype, pd.ArrowDtype)
    expected_type = pa.float32() if arrow_type == pa.float32() else pa.float64()
    assert got.dtype.pyarrow_dtype == expected_type
    assert got.tolist()[0] == 1 and pd.isna(got.tolist()[1]) and got.tolist()[2:] == [2, 0]


@pytest.mark.parametrize("offset", [0, 1, 5, 8, 9, 13])
def test_sliced_arrow_arrays(backend, offset):
    raw = [None if i % 3 == 0 else float(i - 20) for i in range(40)]
    array = pa.array(raw, type=pa.float64()).slice(offset, 25)
    got = rt_pandas.clamp(array, -5, 5)
    assert isinstance(got, pa.Array) and got.offset == 0
    expected = [None if v is None else min(max(v, -5.0), 5.0) for v in raw[offset : offset + 25]]
    assert got.to_pylist() == expected
    assert got.null_count == sum(v is None for v in expected)
    got.validate(full=True)


def test_chunked_array(backend):
    chunked = pa.chunked_array([pa.array([1.0, None]), pa.array([], pa.float64()), pa.array([9.0, -9.0]).slice(1)])
    got = rt_pandas.clamp(chunked, 0, 2)
    assert isinstance(got, pa.ChunkedArray) and got.num_chunks == 3
    assert got.to_pylist() == [1.0, None, 0.0]


class OnlyArrowCapsule:
    """Exposes nothing but the Arrow PyCapsule interface (like polars or duckdb)."""

    def __init__(self, array):
        self._array = array

    def __arrow_c_array__(self, requested_schema=None):
        return self._array.__arrow_c_array__(requested_schema)


class OnlyArrowStream:
    def __init__(self, chunked):
        self._chunked = chunked

    def __arrow_c_stream__(self, requested_schema=None):
        return self._chunked.__arrow_c_stream__(requested_schema)


def test_arrow_pycapsule_objects(backend):
    got = rt_pandas.clamp(OnlyArrowCapsule(pa.array([5.0, None, -5.0])), -1, 1)
    assert got.to_pylist() == [1.0, None, -1.0]
    stream = OnlyArrowStream(pa.chunked_array([pa.array([5.0]), pa.array([None, -5.0])]))
    assert rt_pandas.clamp(stream, -1, 1).to_pylist() == [1.0, None, -1.0]


def test_all_null_and_empty(backend):
    assert rt_pandas.clamp(pa.array([None, None], pa.float64()), 0, 1).to_pylist() == [None, None]
    assert rt_pandas.clamp(pa.array([], pa.float32()), 0, 1).type == pa.float32()
    assert len(rt_pandas.clamp(np.array([], np.float64), 0, 1)) == 0
    got = pd.Series([None, None], dtype="Float64").rt.clamp(0, 1)
    assert got.isna().all() and got.dtype == "Float64"
    assert pd.Series([], dtype=float).rt.clamp(0, 1).empty


def test_read_only_and_strided_numpy(backend):
    values = np.arange(10, dtype=np.float64)
    values.setflags(write=False)
    np.testing.assert_array_equal(rt_pandas.clamp(values, 2, 5), np.clip(values, 2, 5))
    strided = np.arange(20, dtype=np.float32)[::2]
    np.testing.assert_array_equal(rt_pandas.clamp(strided, 2, 5), np.clip(strided, 2, 5))


def test_python_list(backend):
    np.testing.assert_array_equal(rt_pandas.clamp([1.0, 5.0, -3.0], 0, 2), [1.0, 2.0, 0.0])


@pytest.mark.parametrize(
    "lower, upper, message",
    [(3, 1, "lower bound is greater than upper bound"), (np.nan, 1, "NaN"), (0, np.nan, "NaN")],
)
def test_bad_bounds_are_validation_errors(backend, lower, upper, message):
    with pytest.raises(ValidationError, match=message) as info:
        rt_pandas.clamp(np.array([1.0]), lower, upper)
    assert info.value.context == "rt_math_clamp"
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("bound", ["1", None, True, 1 + 2j])
def test_non_numeric_bounds(backend, bound):
    with pytest.raises(ValidationError, match="real number"):
        rt_pandas.clamp(np.array([1.0]), bound, 2)


@pytest.mark.parametrize(
    "bad_input",
    [np.zeros((2, 2)), np.array(["a", "b"]), pa.array(["x", None]), "text", 3.0, pd.DataFrame({"a": [1.0]})],
)
def test_bad_inputs_are_validation_errors(backend, bad_input):
    with pytest.raises(ValidationError):
        rt_pandas.clamp(bad_input, 0, 1)


def test_dataframe_accessor_clamps_numeric_columns(backend):
    frame = pd.DataFrame({"x": [0.5, 9.0], "n": [-4, 4], "name": ["a", "b"]}, index=[10, 20])
    got = frame.rt.clamp(0, 1)
    assert got["x"].tolist() == [0.5, 1.0] and got["n"].tolist() == [0.0, 1.0]
    assert got["name"].tolist() == ["a", "b"] and got.index.tolist() == [10, 20]
    assert frame["x"].tolist() == [0.5, 9.0]  # input untouched


def test_polars_series_through_the_arrow_stream_interface(backend):
    pl = pytest.importorskip("polars")
    got = rt_pandas.clamp(pl.Series("x", [1.0, None, 5.0, -2.0]), 0, 2)
    assert isinstance(got, pa.ChunkedArray)
    assert got.to_pylist() == [1.0, None, 2.0, 0.0]
