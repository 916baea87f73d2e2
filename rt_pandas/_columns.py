"""Turn what callers pass into column views without copying, and results back.

A :class:`ColumnView` is what the C ABI wants: a values buffer, Arrow's
offset and length, and an Arrow validity bitmap (or none). :func:`as_columns`
accepts

* numpy arrays (1-D; a non-contiguous one is copied once), read-only included;
* pandas Series backed by numpy, by masked arrays (``Float64``, ``Int64``,
  ``boolean``: their bool mask is packed into a bitmap, 1/8 of a copy) or by
  Arrow (``ArrowDtype``, pandas 3's ``str``); object columns of Python
  strings are converted to Arrow strings (a copy);
* pyarrow ``Array`` and ``ChunkedArray``, sliced ones included (the offset
  applies to the bitmap as well), and any object with ``__arrow_c_array__``
  or ``__arrow_c_stream__`` (polars, duckdb, nanoarrow);
* Python sequences (converted with ``numpy.asarray``, a copy).

:func:`wrap_like` builds the result in the caller's own kind: a Series keeps
its index, name and null representation; an Arrow input gives an Arrow output
whose validity bitmap is shared (or, for a sliced array whose offset is not a
multiple of 8, copied by ``rt_bitmap_copy``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ._backend import Backend, In, Out
from .errors import ValidationError

# numpy dtype -> rt_dtype code (csrc/include/rt/core.h)
DTYPE_CODES = {
    np.dtype(np.float32): 1,
    np.dtype(np.float64): 2,
    np.dtype(np.int32): 3,
    np.dtype(np.int64): 4,
    np.dtype(np.uint8): 5,
}


@dataclass(frozen=True)
class ColumnView:
    """One contiguous chunk of a column, laid out as Arrow lays it out.

    ``kind`` says how to read ``values``:

    * ``"numeric"``: ``values[offset : offset + length]`` are the values
      (floats, integers, numpy bools, datetime64);
    * ``"bool"``: ``values`` is an Arrow bit-packed boolean buffer (bit ``offset + i``);
    * ``"string"``: ``values`` is the UTF-8 data buffer (uint8) and
      ``offsets[offset + i] : offsets[offset + i + 1]`` the bytes of row ``i``;
    * ``"temporal"``: Arrow dates, times, timestamps, durations as their
      int32/int64 storage (``values[offset + i]``).

    ``validity`` is an Arrow bitmap (bit ``offset + i`` set = row ``i`` is
    valid) or None when there are no nulls. Buffers are views of the caller's memory.
    """

    values: np.ndarray
    offset: int
    length: int
    validity: np.ndarray | None = None
    null_count: int = 0
    kind: str = "numeric"
    offsets: np.ndarray | None = None

    @property
    def dtype(self) -> np.dtype:
        return self.values.dtype

    @property
    def address(self) -> int:
        """Address of element 0 of ``values`` (what the C kernel receives)."""
        return self.values.__array_interface__["data"][0]

    def logical_values(self) -> np.ndarray:
        """The ``length`` values of a numeric view (a view, not a copy)."""
        if self.kind != "numeric":
            raise ValidationError(f"a {self.kind} column has no numeric values", "input")
        return self.values[self.offset : self.offset + self.length]


@dataclass
class ColumnInput:
    """A caller's object as column views, with what is needed to rebuild its kind."""

    kind: str  # "numpy", "series", "arrow", "chunked"
    chunks: list[ColumnView]
    series: pd.Series | None = None
    masked: bool = False  # Series backed by a pandas masked array
    arrow: bool = False  # Series or object backed by Arrow memory
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def length(self) -> int:
        return sum(chunk.length for chunk in self.chunks)


def _numpy_view(array: np.ndarray) -> ColumnView:
    if array.ndim != 1:
        raise ValidationError(f"expected a 1-D array, got {array.ndim} dimensions", "input")
    if not array.flags.c_contiguous:
        array = np.ascontiguousarray(array)  # the one documented copy: strided input
    return ColumnView(array, 0, len(array))


def _validity_of(array: pa.Array) -> np.ndarray | None:
    buffer = array.buffers()[0]
    if buffer is None or array.null_count == 0:
        return None
    return np.frombuffer(buffer, dtype=np.uint8, count=(array.offset + len(array) + 7) // 8)


def _arrow_view(array: pa.Array) -> ColumnView:
    """A view of an Arrow array's buffers, offset and all (no copy)."""
    type_ = array.type
    end = array.offset + len(array)
    common = {"offset": array.offset, "length": len(array), "validity": _validity_of(array),
              "null_count": array.null_count}
    if pa.types.is_dictionary(type_) or isinstance(type_, pa.ExtensionType):
        raise ValidationError(f"Arrow type {type_} is not supported; cast it to its value type first", "input")
    if pa.types.is_string(type_) or pa.types.is_large_string(type_):
        _, offsets_buffer, data_buffer = array.buffers()
        offsets = np.frombuffer(offsets_buffer, np.int32 if pa.types.is_string(type_) else np.int64, count=end + 1)
        data = np.frombuffer(data_buffer, np.uint8) if data_buffer is not None else np.empty(0, np.uint8)
        return ColumnView(data, kind="string", offsets=offsets, **common)
    if pa.types.is_boolean(type_):
        return ColumnView(np.frombuffer(array.buffers()[1], np.uint8, count=(end + 7) // 8), kind="bool", **common)
    if pa.types.is_temporal(type_) and type_.bit_width in (32, 64):
        # Dates, times, timestamps and durations: their integer storage, flagged as temporal.
        dtype = np.dtype(np.int64 if type_.bit_width == 64 else np.int32)
        return ColumnView(np.frombuffer(array.buffers()[1], dtype, count=end), kind="temporal", **common)
    if not (pa.types.is_integer(type_) or pa.types.is_floating(type_)):
        raise ValidationError(f"Arrow type {type_} is not a type rt-pandas reads", "input")
    dtype = np.dtype(type_.to_pandas_dtype())
    values = np.frombuffer(array.buffers()[1], dtype=dtype, count=end) if end else np.empty(0, dtype)
    return ColumnView(values, **common)


def _masked_view(array: pd.api.extensions.ExtensionArray) -> ColumnView:
    values = array._data  # pandas' masked arrays: values + bool mask (True = missing)
    mask = array._mask
    validity = None
    null_count = int(mask.sum())
    if null_count:
        validity = np.packbits(~mask, bitorder="little")
    return ColumnView(values, 0, len(values), validity, null_count)


def _arrow_chunks(obj: pa.ChunkedArray) -> list[ColumnView]:
    return [_arrow_view(chunk) for chunk in obj.chunks]


def as_columns(obj: Any) -> ColumnInput:
    """Column views of ``obj`` without copying where its memory allows.

    >>> import pyarrow as pa
    >>> view = as_columns(pa.array([1.0, None, 3.0]).slice(1)).chunks[0]
    >>> view.offset, view.length, view.null_count
    (1, 2, 1)
    """
    if isinstance(obj, pd.Series):
        return _series_columns(obj)
    if isinstance(obj, np.ndarray):
        return ColumnInput("numpy", [_numpy_view(obj)])
    if isinstance(obj, pa.ChunkedArray):
        return ColumnInput("chunked", _arrow_chunks(obj), arrow=True, extra={"type": obj.type})
    if isinstance(obj, pa.Array):
        return ColumnInput("arrow", [_arrow_view(obj)], arrow=True, extra={"type": obj.type})
    if hasattr(obj, "__arrow_c_array__"):
        return as_columns(pa.array(obj))
    if hasattr(obj, "__arrow_c_stream__"):
        return as_columns(pa.chunked_array(obj))
    if isinstance(obj, (pd.DataFrame, dict, str, bytes)) or np.isscalar(obj):
        raise ValidationError(f"expected a 1-D array or Series, got {type(obj).__name__}", "input")
    try:
        array = np.asarray(obj)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"cannot read {type(obj).__name__} as a column: {exc}", "input") from exc
    return ColumnInput("numpy", [_numpy_view(array)])


def _series_columns(series: pd.Series) -> ColumnInput:
    array = series.array
    if isinstance(array, pd.arrays.ArrowExtensionArray) or isinstance(series.dtype, pd.ArrowDtype):
        chunked = array.__arrow_array__()
        if isinstance(chunked, pa.Array):
            chunked = pa.chunked_array([chunked])
        return ColumnInput("series", _arrow_chunks(chunked), series=series, arrow=True, extra={"type": chunked.type})
    if hasattr(array, "_mask") and hasattr(array, "_data"):
        return ColumnInput("series", [_masked_view(array)], series=series, masked=True)
    if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
        # Python strings: Arrow gives them a buffer layout the core can read (one copy).
        arrow = pa.array(series.to_numpy(), from_pandas=True)
        return ColumnInput("series", [_arrow_view(arrow)], series=series, arrow=True, extra={"type": arrow.type})
    values = series.to_numpy(copy=False)
    return ColumnInput("series", [_numpy_view(values)], series=series)


def shifted_validity(backend: Backend, view: ColumnView) -> pa.Buffer | None:
    """An offset-free Arrow validity buffer for a result of ``view``'s rows.

    Byte-aligned offsets share the input's bitmap; others are copied by the C core.
    """
    if view.validity is None:
        return None
    nbytes = (view.length + 7) // 8
    if view.offset % 8 == 0:
        start = view.offset // 8
        return pa.py_buffer(view.validity[start : start + nbytes])
    out = backend.empty(nbytes, np.uint8)
    backend.run("rt_bitmap_copy", In(view.validity), view.offset, view.length, Out(out))
    return pa.py_buffer(out)


def _arrow_result(backend: Backend, view: ColumnView, values: np.ndarray) -> pa.Array:
    validity = shifted_validity(backend, view)
    type_ = pa.from_numpy_dtype(values.dtype)
    return pa.Array.from_buffers(type_, view.length, [validity, pa.py_buffer(values)], view.null_count)


def wrap_like(source: ColumnInput, results: list[np.ndarray], backend: Backend) -> Any:
    """Package per-chunk result arrays in the same kind of object as the input."""
    if source.arrow:
        arrays = [_arrow_result(backend, view, values) for view, values in zip(source.chunks, results)]
        if source.kind == "arrow":
            return arrays[0]
        type_ = pa.from_numpy_dtype(results[0].dtype) if results else source.extra["type"]
        chunked = pa.chunked_array(arrays, type=type_)
        if source.kind == "chunked":
            return chunked
        return pd.Series(pd.arrays.ArrowExtensionArray(chunked), index=source.series.index, name=source.series.name, copy=False)
    (values,) = results
    if source.kind == "numpy":
        return values
    if source.masked:
        mask = source.series.array._mask  # shared: pandas never writes into a mask in place
        return pd.Series(pd.arrays.FloatingArray(values, mask), index=source.series.index, name=source.series.name, copy=False)
    return pd.Series(values, index=source.series.index, name=source.series.name, copy=False)


def check_out(out: Any, length: int, dtype: np.dtype, function: str) -> np.ndarray:
    """``out`` if it can take ``length`` results of ``dtype`` (a writeable 1-D numpy array), else a
    ValidationError naming what is wrong."""
    if not isinstance(out, np.ndarray) or out.ndim != 1 or len(out) != length or out.dtype != dtype:
        raise ValidationError(f"out must be a 1-D numpy array of {length} {np.dtype(dtype)} values", function)
    if not out.flags.writeable:
        raise ValidationError("out must be writeable", function)
    return out


def unpack_bits(bits: np.ndarray, offset: int, length: int) -> np.ndarray:
    """Bits ``offset .. offset + length`` of an Arrow bitmap as 0/1 uint8 (only their bytes are read)."""
    start = offset // 8
    skip = offset - 8 * start
    return np.unpackbits(bits[start:(offset + length + 7) // 8], bitorder="little", count=skip + length)[skip:]


def bool_values(view: ColumnView) -> np.ndarray:
    """The rows of an Arrow boolean view as 0/1 uint8 (a copy: Arrow packs booleans into bits)."""
    return unpack_bits(view.values, view.offset, view.length)


def float_values(view: ColumnView, function: str) -> np.ndarray:
    """The rows of a numeric view as float32/float64 for a float kernel: a view for
    floats, a float32 copy for float16 (exact; the result is float32, as numpy's
    float16 math runs in float32 too), a float64 copy for integers and booleans
    (numpy's or Arrow's bit-packed ones); anything else is a ValidationError."""
    if view.kind == "bool":
        return bool_values(view).astype(np.float64)
    if view.kind != "numeric":
        raise ValidationError(f"{function} needs a numeric column, got a {view.kind} column", function)
    values = view.logical_values()
    if values.dtype in (np.float32, np.float64):
        return values
    if values.dtype == np.float16:
        return values.astype(np.float32)
    if values.dtype.kind in "iub":
        return values.astype(np.float64)
    raise ValidationError(f"{function} needs a numeric column, got dtype {values.dtype}", function)
