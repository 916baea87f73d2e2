"""Image batches as the transform kernels see them, and results in the caller's kind.

An :class:`ImageBatch` is a contiguous block of ``batch`` images of
``height x width x channels`` values, in HWC or CHW layout. It comes from

* numpy arrays and sequences: ``(H, W)`` (one channel), ``(H, W, C)`` /
  ``(C, H, W)`` (one image) or ``(N, H, W, C)`` / ``(N, C, H, W)`` (a batch);
* :class:`~rt_pandas.Tensor` objects of those shapes;
* Arrow tensor columns, one image per row: ``fixed_shape_tensor`` arrays
  (row shape ``(H, W)``, ``(H, W, C)`` or ``(C, H, W)``), fixed-size lists
  given an ``image_shape``, chunked arrays of either (one kernel call per
  chunk) and pandas Series with such an ``ArrowDtype``.

Arrow columns are read in place (their values buffer, offset and all) and
results are Arrow arrays over the pool buffer the kernel wrote: no copies in
or out. Null rows stay null (their values are transformed like any other and
hidden by the shared validity bitmap). Nulls inside an image are not allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from ._backend import Backend
from ._columns import ColumnView, shifted_validity
from .errors import ValidationError
from .tensor import Tensor

LAYOUTS = {"HWC": 0, "CHW": 1}


def layout_code(layout: str, function: str) -> int:
    """0 for "HWC", 1 for "CHW" (any case); anything else is a ValidationError."""
    if not isinstance(layout, str) or layout.upper() not in LAYOUTS:
        raise ValidationError(f"layout must be 'HWC' or 'CHW', got {layout!r}", function)
    return LAYOUTS[layout.upper()]


@dataclass
class ImageBatch:
    """``values`` holds ``batch`` contiguous images; ``dims(h, w, c)`` gives one image's shape."""

    values: np.ndarray  # C-contiguous, any shape; the kernel reads it flat
    batch: int
    height: int
    width: int
    channels: int
    layout: int

    def image_shape(self, height: int, width: int) -> tuple[int, int, int]:
        """The (3-D) shape of one image of this batch resized to height x width."""
        if self.layout == 0:
            return (height, width, self.channels)
        return (self.channels, height, width)


def _split_shape(shape: Sequence[int], layout: int, batched: bool, function: str) -> tuple[int, int, int, int]:
    """(batch, height, width, channels) of an array shape."""
    dims = list(shape)
    batch = dims.pop(0) if batched else 1
    if len(dims) == 2:
        height, width = dims
        channels = 1
    elif len(dims) == 3:
        height, width, channels = dims if layout == 0 else (dims[1], dims[2], dims[0])
    else:
        kind = "a batch of images" if batched else "an image"
        raise ValidationError(f"{kind} must have 2 or 3 dimensions per image, got shape {tuple(shape)}", function)
    if min(height, width, channels) <= 0:
        raise ValidationError(f"image sizes must be positive, got shape {tuple(shape)}", function)
    return batch, height, width, channels


@dataclass
class ImageInput:
    """A caller's object as image batches (one per Arrow chunk), and how to rebuild its kind."""

    batches: list[ImageBatch]
    rebuild: Callable[[list[np.ndarray], list[tuple[int, ...]]], Any]
    # the arrays a content hash must cover: values plus, for Arrow, validity
    content: list[np.ndarray]
    # the input's kind, shape and dtype for a cache key; a function, as most calls never need it
    describe: Callable[[], str]


def _numpy_input(array: np.ndarray, layout: int, function: str, wrap: Callable[[np.ndarray], Any]) -> ImageInput:
    if array.dtype.kind not in "biuf":
        raise ValidationError(f"images must hold numbers, got dtype {array.dtype}", function)
    if array.ndim not in (2, 3, 4):
        raise ValidationError(f"expected an image of 2 or 3 dimensions or a batch of 4, got shape {array.shape}",
                              function)
    batched = array.ndim == 4
    batch, height, width, channels = _split_shape(array.shape, layout, batched, function)
    values = np.ascontiguousarray(array)  # a copy only for strided input
    image = ImageBatch(values, batch, height, width, channels, layout)
    two_d = array.ndim == 2

    def rebuild(results: list[np.ndarray], shapes: list[tuple[int, ...]]) -> Any:
        (result,), (shape,) = results, shapes
        if two_d:
            shape = shape[:2] if layout == 0 else shape[1:]
        return wrap(result.reshape(((batch,) if batched else ()) + tuple(shape)))

    return ImageInput([image], rebuild, [values], lambda: f"numpy{array.shape}{array.dtype.str}")


def _tensor_type_shape(type_: pa.DataType, image_shape: Sequence[int] | None, function: str):
    """(value type, per-row shape, list size) of an Arrow tensor column type."""
    if isinstance(type_, pa.FixedShapeTensorType):
        permutation = type_.permutation
        if permutation is not None and list(permutation) != sorted(permutation):
            raise ValidationError("fixed_shape_tensor columns with a permutation are not supported", function)
        return type_.value_type, tuple(type_.shape), int(np.prod(type_.shape))
    if pa.types.is_fixed_size_list(type_):
        if image_shape is None:
            raise ValidationError("a fixed-size list column needs image_shape=(height, width[, channels])", function)
        shape = tuple(int(d) for d in image_shape)
        if int(np.prod(shape)) != type_.list_size:
            raise ValidationError(f"image_shape {shape} does not hold the list size {type_.list_size}", function)
        return type_.value_type, shape, type_.list_size
    raise ValidationError(f"Arrow type {type_} is not an image column (fixed_shape_tensor or fixed-size list)",
                          function)


def _arrow_chunk(chunk: pa.Array, value_type: pa.DataType, row_shape: tuple[int, ...], list_size: int,
                 layout: int, function: str) -> tuple[ImageBatch, ColumnView, list[np.ndarray]]:
    storage = chunk.storage if isinstance(chunk, pa.ExtensionArray) else chunk
    child = storage.values  # the whole child: the parent's offset is applied below
    if child.null_count:
        raise ValidationError("images with null pixels are not supported; fill them first", function)
    dtype = np.dtype(value_type.to_pandas_dtype())
    start = child.offset + storage.offset * list_size
    count = len(storage) * list_size
    buffer = child.buffers()[1]
    values = np.frombuffer(buffer, dtype, count=start + count)[start:] if count else np.empty(0, dtype)
    batch, height, width, channels = _split_shape((len(storage),) + row_shape, layout, True, function)
    image = ImageBatch(values, batch, height, width, channels, layout)
    validity = None
    if storage.null_count:
        validity = np.frombuffer(storage.buffers()[0], np.uint8, count=(storage.offset + len(storage) + 7) // 8)
    view = ColumnView(values, storage.offset, len(storage), validity, storage.null_count)
    content = [values] + ([np.unpackbits(validity, bitorder="little")[storage.offset:][: len(storage)]]
                          if validity is not None else [])
    return image, view, content


def _arrow_input(obj: Any, layout: int, function: str, backend: Backend, image_shape,
                 series: pd.Series | None) -> ImageInput:
    chunked = obj if isinstance(obj, pa.ChunkedArray) else pa.chunked_array([obj])
    type_ = chunked.type
    value_type, row_shape, list_size = _tensor_type_shape(type_, image_shape, function)
    if not (pa.types.is_integer(value_type) or pa.types.is_floating(value_type)):
        raise ValidationError(f"image values must be numbers, got {value_type}", function)
    parts = [_arrow_chunk(c, value_type, row_shape, list_size, layout, function) for c in chunked.chunks]
    two_d = len(row_shape) == 2

    def rebuild(results: list[np.ndarray], shapes: list[tuple[int, ...]]) -> Any:
        arrays = []
        out_type = None
        for (image, view, _), result, shape in zip(parts, results, shapes):
            if two_d:
                shape = shape[:2] if layout == 0 else shape[1:]
            out_value_type = pa.from_numpy_dtype(result.dtype)
            size = int(np.prod(shape))
            values = pa.Array.from_buffers(out_value_type, image.batch * size, [None, pa.py_buffer(result)])
            storage_type = pa.list_(out_value_type, size)
            storage = pa.Array.from_buffers(storage_type, image.batch, [shifted_validity(backend, view)],
                                            null_count=view.null_count, children=[values])
            if isinstance(type_, pa.FixedShapeTensorType):
                out_type = pa.fixed_shape_tensor(out_value_type, shape, dim_names=type_.dim_names)
                arrays.append(pa.ExtensionArray.from_storage(out_type, storage))
            else:
                out_type = storage_type
                arrays.append(storage)
        if out_type is None:  # no chunks: nothing was computed, keep the type's row shape
            out_type = type_
        result = pa.chunked_array(arrays, type=out_type)
        if series is not None:
            return pd.Series(pd.arrays.ArrowExtensionArray(result), index=series.index, name=series.name, copy=False)
        if isinstance(obj, pa.ChunkedArray):
            return result
        return result.chunk(0)

    content = [array for _, _, part in parts for array in part]
    return ImageInput([p[0] for p in parts], rebuild, content, lambda: f"arrow{type_}")


def image_input(obj: Any, layout: str, function: str, backend: Backend, image_shape=None) -> ImageInput:
    """Read ``obj`` as image batches; see the module docstring for what it accepts."""
    code = layout_code(layout, function)
    if type(obj) is np.ndarray:  # the common case, before the checks for the other kinds
        return _numpy_input(obj, code, function, _same)
    if isinstance(obj, Tensor):
        return _numpy_input(obj.numpy(), code, function, Tensor)
    if isinstance(obj, pd.Series):
        if isinstance(obj.dtype, pd.ArrowDtype):
            return _arrow_input(obj.array.__arrow_array__(), code, function, backend, image_shape, obj)
        raise ValidationError("an image Series must have an Arrow tensor dtype "
                              "(pd.ArrowDtype of fixed_shape_tensor or fixed_size_list)", function)
    if isinstance(obj, (pa.Array, pa.ChunkedArray)):
        return _arrow_input(obj, code, function, backend, image_shape, None)
    if isinstance(obj, (pd.DataFrame, dict, str, bytes)) or np.isscalar(obj):
        raise ValidationError(f"expected an image array, Tensor or Arrow tensor column, got {type(obj).__name__}",
                              function)
    try:
        array = np.asarray(obj)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"cannot read {type(obj).__name__} as an image: {exc}", function) from exc
    return _numpy_input(array, code, function, _same)


def _same(array: np.ndarray) -> np.ndarray:
    return array
