"""Pointer tests: inputs reach the C kernel without copies, outputs wrap pool buffers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import rt_pandas
from rt_pandas import _backend
from rt_pandas._backend import In, pool_block_of
from rt_pandas._columns import as_columns


def address(array: np.ndarray) -> int:
    return array.__array_interface__["data"][0]


def test_numpy_views_share_memory():
    values = np.arange(10, dtype=np.float64)
    assert as_columns(values).chunks[0].address == address(values)
    values.setflags(write=False)  # pandas 3 hands out read-only views
    assert as_columns(values).chunks[0].address == address(values)


def test_strided_numpy_is_copied_once():
    values = np.arange(10, dtype=np.float64)[::2]
    assert as_columns(values).chunks[0].address != address(values)


def test_series_views_share_memory():
    series = pd.Series(np.arange(5, dtype=np.float32))
    assert as_columns(series).chunks[0].address == address(series.to_numpy())
    masked = pd.Series([1.0, None, 3.0], dtype="Float64")
    view = as_columns(masked).chunks[0]
    assert view.address == address(masked.array._data)
    assert view.null_count == 1
    arrow = pd.Series([1.0, None], dtype=pd.ArrowDtype(pa.float64()))
    chunk = arrow.array.__arrow_array__().chunk(0)
    assert as_columns(arrow).chunks[0].address == chunk.buffers()[1].address


@pytest.mark.parametrize("offset", [0, 3, 8, 11])
def test_sliced_arrow_views_keep_buffers_and_offset(offset):
    full = pa.array([float(i) if i % 4 else None for i in range(64)])
    sliced = full.slice(offset, 40)
    view = as_columns(sliced).chunks[0]
    assert view.address == full.buffers()[1].address
    assert view.offset == offset and view.length == 40
    assert address(view.validity) == full.buffers()[0].address
    assert address(view.logical_values()) == full.buffers()[1].address + 8 * offset


def test_chunked_views_share_each_chunk():
    chunked = pa.chunked_array([pa.array([1.0, 2.0]), pa.array([3.0])])
    views = as_columns(chunked).chunks
    assert [v.address for v in views] == [c.buffers()[1].address for c in chunked.chunks]


def test_native_kernel_receives_the_callers_pointer(monkeypatch):
    backend = rt_pandas.get_backend("native")
    seen = []
    original = type(backend).run

    def recording_run(self, function, *args):
        seen.extend(address(a.array) for a in args if isinstance(a, In))
        return original(self, function, *args)

    monkeypatch.setattr(type(backend), "run", recording_run)
    values = np.linspace(-3, 3, 101)
    rt_pandas.clamp(values, -1, 1)
    arrow = pa.array(values).slice(5)
    rt_pandas.clamp(arrow, -1, 1)
    assert seen == [address(values), arrow.buffers()[1].address + 5 * 8]


def test_outputs_wrap_pool_buffers(backend):
    result = rt_pandas.clamp(np.arange(100, dtype=np.float32), 0, 50)
    block = pool_block_of(result)
    assert block is not None and address(result) == block.address
    series = pd.Series(np.arange(10.0), name="x").rt.clamp(0, 5)
    assert pool_block_of(series.to_numpy()) is not None
    before = rt_pandas.memory.stats()["bytes_in_use"]
    arrow = rt_pandas.clamp(pa.array(np.arange(1000.0)), 0, 2)
    assert rt_pandas.memory.stats()["bytes_in_use"] >= before + 8000  # the Arrow buffer is pool memory
    del arrow
    assert rt_pandas.memory.stats()["bytes_in_use"] == before


def test_arrow_output_shares_byte_aligned_validity(backend):
    full = pa.array([None if i % 5 == 0 else float(i) for i in range(100)])
    for offset in (0, 16):
        sliced = full.slice(offset, 50)
        got = rt_pandas.clamp(sliced, 0, 10)
        assert got.buffers()[0].address == full.buffers()[0].address + offset // 8
    got = rt_pandas.clamp(full.slice(3, 50), 0, 10)  # unaligned: a fresh bitmap
    assert got.buffers()[0].address != full.buffers()[0].address


def test_masked_output_shares_the_mask(backend):
    series = pd.Series([1.0, None, 5.0], dtype="Float64")
    got = series.rt.clamp(0, 2)
    assert np.shares_memory(got.array._mask, series.array._mask)


def test_wasm_results_are_views_of_linear_memory():
    if "wasm" not in rt_pandas.available_backends():
        pytest.skip("wasm module not built")
    wasm = rt_pandas.get_backend("wasm")
    rt_pandas.set_backend("wasm")
    try:
        result = rt_pandas.clamp(np.arange(64, dtype=np.float64), 0, 10)
    finally:
        rt_pandas.set_backend("native")
    block = pool_block_of(result)
    assert block is not None and block._release == wasm._release
    assert block.address == wasm._base + block.device_address
    assert isinstance(wasm, _backend.WasmBackend)


@pytest.mark.parametrize("arrow_type", [pa.string(), pa.large_string()])
def test_string_views_share_offsets_and_data(arrow_type):
    full = pa.array(["alpha", None, "", "delta", "épsilon", None, "zeta"], type=arrow_type)
    sliced = full.slice(2, 4)
    view = as_columns(sliced).chunks[0]
    _, offsets_buffer, data_buffer = full.buffers()
    assert view.kind == "string" and view.offset == 2 and view.length == 4
    assert address(view.offsets) == offsets_buffer.address
    assert view.address == data_buffer.address
    rows = [
        None if not (view.validity[(view.offset + i) // 8] >> ((view.offset + i) % 8)) & 1
        else bytes(view.values[view.offsets[view.offset + i] : view.offsets[view.offset + i + 1]]).decode()
        for i in range(view.length)
    ]
    assert rows == sliced.to_pylist()


def test_pandas_default_str_dtype_is_read_from_arrow_without_copy():
    series = pd.Series(["a", None, "ccc"], dtype="str")
    view = as_columns(series).chunks[0]
    assert view.kind == "string" and view.null_count == 1
    chunk = series.array.__arrow_array__().chunk(0)
    assert view.address == chunk.buffers()[2].address


def test_object_strings_are_converted_once():
    series = pd.Series(["x", None, "yy"], dtype=object)
    view = as_columns(series).chunks[0]
    assert view.kind == "string" and view.null_count == 1 and view.length == 3


def test_bool_and_temporal_views():
    flags = pa.array([True, None, False, True]).slice(1)
    view = as_columns(flags).chunks[0]
    assert view.kind == "bool" and view.offset == 1 and view.address == flags.buffers()[1].address
    stamps = pa.array(pd.to_datetime(["2026-01-01", None, "2026-03-01"]))
    view = as_columns(stamps).chunks[0]
    assert view.kind == "temporal" and view.dtype == np.int64 and view.null_count == 1
    with pytest.raises(rt_pandas.ValidationError, match="numeric column"):
        rt_pandas.clamp(stamps, 0, 1)


def test_unsupported_arrow_types_are_validation_errors():
    for array in (pa.array([[1, 2]]), pa.array(["a", "b"]).dictionary_encode(), pa.array([{"a": 1}])):
        with pytest.raises(rt_pandas.ValidationError, match="Arrow type"):
            as_columns(array)
