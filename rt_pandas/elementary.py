"""Elementary functions: exp, expm1, log, log1p, sinh, cosh, tanh, asin, acos, atan, atan2.

Each takes a numpy array, pandas Series, pyarrow Array / ChunkedArray (sliced
ones too) or anything with ``__arrow_c_array__`` and returns the same kind:
float32 stays float32, float64 stays float64, float16 becomes float32,
integers become float64, nulls stay null and a Series keeps its index and
name. Results are within 1 ULP of the exact value (see docs/math.md) and
follow C99 Annex F on special values.

>>> import numpy as np
>>> from rt_pandas import math
>>> math.sinh(np.array([0.0, 1.0]))
array([0.        , 1.17520119])
"""

from __future__ import annotations

import numbers
from typing import Any, Callable

import numpy as np
import pandas as pd

from . import _threads
from ._backend import In, Out, get_backend
from ._columns import (DTYPE_CODES, ColumnInput, ColumnView, as_columns, check_out, float_values, unpack_bits,
                       wrap_like)
from .errors import ValidationError

UNARY = ("exp", "expm1", "log", "log1p", "sinh", "cosh", "tanh", "asin", "acos", "atan")
__all__ = [*UNARY, "atan2", "SeriesElementaryMethods"]


def _kernel_output(backend, length: int, dtype: np.dtype, target: np.ndarray | None) -> np.ndarray:
    """Where a kernel writes: a new pool array, or for the caller's ``target`` what
    ``backend.output_for`` picks (``target`` itself natively)."""
    return backend.empty(length, dtype) if target is None else backend.output_for(target)


def _run_unary(name: str, values: np.ndarray, target: np.ndarray | None = None) -> np.ndarray:
    """``rt_math_<name>`` over ``values`` into a new pool array, or into ``target`` (the caller's)."""
    backend = get_backend()
    out = _kernel_output(backend, len(values), values.dtype, target)
    code = DTYPE_CODES[values.dtype]

    def run(start: int, stop: int) -> None:
        backend.run(f"rt_math_{name}", code, In(values[start:stop]), 0, stop - start, Out(out[start:stop]))

    _threads.parallel_ranges(len(values), run, threaded=backend.name == "native")
    return out if target is None else backend.deliver(out, target)


def chunk_by_chunk(x: Any, function: str, compute: Callable, out: np.ndarray | None) -> Any:
    """A unary kernel over every chunk of ``x``: ``compute(values, target)`` returns the chunk's
    float results, written into ``target`` (a slice of ``out``) when ``out`` is given. The results
    are packaged like ``x`` (nulls keep the input's validity), or ``out`` is returned with NaN in
    the null rows."""
    source = as_columns(x)
    chunks = [(view, float_values(view, function)) for view in source.chunks]
    if out is None:
        return wrap_like(source, [compute(values, None) for _, values in chunks], get_backend())
    dtype = chunks[0][1].dtype if chunks else np.dtype(np.float64)
    check_out(out, sum(view.length for view, _ in chunks), dtype, function)
    start = 0
    for view, values in chunks:
        target = out[start:start + view.length]
        compute(values, target)
        _nan_where_null(target, _null_mask(view))
        start += view.length
    return out


def _nan_where_null(target: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    if mask is not None:
        target[mask] = np.nan
    return target


def _unary(name: str, x: Any, out: np.ndarray | None = None) -> Any:
    return chunk_by_chunk(x, name, lambda values, target: _run_unary(name, values, target), out)


def _make_unary(name: str, summary: str, example_in: str, example_out: str):
    def function(x: Any, out: np.ndarray | None = None) -> Any:
        return _unary(name, x, out)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"""{summary}

    Parameters
    ----------
    x : array-like
        numpy array, pandas Series, pyarrow Array / ChunkedArray, or any
        object with ``__arrow_c_array__`` / ``__arrow_c_stream__``.
    out : numpy.ndarray, optional
        A writeable 1-D array of the result's length and dtype to fill (null
        rows become NaN); it is returned. Natively the kernel writes straight
        into it, so a loop over equal-sized inputs allocates nothing.

    Returns
    -------
    Same kind as ``x`` (or ``out``): float32 stays float32, other numbers
    become float64, nulls stay null, a Series keeps its index and name.

    Raises
    ------
    ValidationError
        A non-numeric column, an input that is not 1-D, or an ``out`` that does not fit.

    Examples
    --------
    >>> import numpy as np
    >>> from rt_pandas import math
    >>> math.{name}(np.array({example_in}))
    {example_out}
    """
    return function


exp = _make_unary("exp", "e raised to ``x``, element-wise.", "[0.0, 1.0]", "array([1.        , 2.71828183])")
expm1 = _make_unary("expm1", "``exp(x) - 1``, accurate for ``x`` near 0.", "[1e-10]", "array([1.e-10])")
log = _make_unary("log", "Natural logarithm; ``-inf`` at 0, NaN below 0.", "[1.0, np.e]", "array([0., 1.])")
log1p = _make_unary("log1p", "``log(1 + x)``, accurate for ``x`` near 0.", "[1e-10]", "array([1.e-10])")
sinh = _make_unary("sinh", "Hyperbolic sine.", "[0.0, 1.0]", "array([0.        , 1.17520119])")
cosh = _make_unary("cosh", "Hyperbolic cosine.", "[0.0, 1.0]", "array([1.        , 1.54308063])")
tanh = _make_unary("tanh", "Hyperbolic tangent.", "[0.0, 1.0]", "array([0.        , 0.76159416])")
asin = _make_unary("asin", "Arc sine in ``[-pi/2, pi/2]``; NaN outside ``[-1, 1]``.", "[0.0, 1.0]",
                   "array([0.        , 1.57079633])")
acos = _make_unary("acos", "Arc cosine in ``[0, pi]``; NaN outside ``[-1, 1]``.", "[1.0, -1.0]",
                   "array([0.        , 3.14159265])")
atan = _make_unary("atan", "Arc tangent in ``[-pi/2, pi/2]``.", "[0.0, np.inf]", "array([0.        , 1.57079633])")


def _operand(value: Any, function: str) -> tuple[ColumnInput | None, np.ndarray, np.ndarray | None]:
    """(columns or None for a scalar, float values, null mask or None)."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return None, np.array([value], dtype=np.float32 if isinstance(value, np.float32) else np.float64), None
    source = as_columns(value)
    parts = [float_values(view, function) for view in source.chunks]
    dtype = np.result_type(*parts) if parts else np.dtype(np.float64)
    values = np.concatenate(parts).astype(dtype, copy=False) if len(parts) != 1 else parts[0]
    masks = [_null_mask(view) for view in source.chunks]
    mask = None if all(m is None for m in masks) else np.concatenate(
        [m if m is not None else np.zeros(view.length, bool) for m, view in zip(masks, source.chunks)])
    return source, values, mask


def _null_mask(view: ColumnView) -> np.ndarray | None:
    if view.validity is None or view.null_count == 0:
        return None
    return unpack_bits(view.validity, view.offset, view.length) == 0


def atan2(y: Any, x: Any, out: np.ndarray | None = None) -> Any:
    """The angle of the point ``(x, y)`` in ``[-pi, pi]``, element-wise.

    ``y`` and ``x`` are arrays of the same length or one of them is a scalar
    (broadcast). The result has the kind of the first array argument; a row
    is null where either input is null. float32 if both are float32.

    Parameters
    ----------
    y, x : array-like or float
        As for :func:`sinh`; Python / numpy scalars broadcast.
    out : numpy.ndarray, optional
        As for :func:`sinh`.

    Returns
    -------
    Same kind as ``y`` (or ``x`` when ``y`` is a scalar), or ``out``.

    Raises
    ------
    ValidationError
        Lengths differ, both are scalars, a column is not numeric, or ``out`` does not fit.

    Examples
    --------
    >>> import numpy as np
    >>> from rt_pandas import math
    >>> math.atan2(np.array([1.0, -1.0]), np.array([1.0, -0.0]))
    array([ 0.78539816, -1.57079633])
    >>> math.atan2(np.array([1.0, 0.0]), -1.0)
    array([2.35619449, 3.14159265])
    """
    y_source, y_values, y_mask = _operand(y, "atan2")
    x_source, x_values, x_mask = _operand(x, "atan2")
    if y_source is None and x_source is None:
        raise ValidationError("atan2 needs at least one array argument", "atan2")
    length = len(y_values) if y_source is not None else len(x_values)
    if y_source is not None and x_source is not None and len(x_values) != length:
        raise ValidationError(f"y has {length} rows but x has {len(x_values)}", "atan2")
    dtype = np.dtype(np.float32) if y_values.dtype == x_values.dtype == np.float32 else np.dtype(np.float64)
    y_values = np.broadcast_to(y_values.astype(dtype, copy=False), length)
    x_values = np.broadcast_to(x_values.astype(dtype, copy=False), length)
    y_values, x_values = np.ascontiguousarray(y_values), np.ascontiguousarray(x_values)
    backend = get_backend()
    if out is not None:
        check_out(out, length, dtype, "atan2")
    result = _kernel_output(backend, length, dtype, out)
    if length:
        def run(start: int, stop: int) -> None:
            backend.run("rt_math_atan2", DTYPE_CODES[dtype], In(y_values[start:stop]), 0,
                        In(x_values[start:stop]), 0, stop - start, Out(result[start:stop]))

        _threads.parallel_ranges(length, run, threaded=backend.name == "native")
    return _package(y_source if y_source is not None else x_source, result, (y_mask, x_mask), backend, out)


def _package(source: ColumnInput, values: np.ndarray, masks: tuple, backend, out: np.ndarray | None = None) -> Any:
    """A binary kernel's result on the concatenated rows, null where either operand's mask is set:
    packaged like ``source``, or delivered into ``out`` with NaN in the null rows."""
    masks = [m for m in masks if m is not None]
    mask = np.logical_or.reduce(masks) if masks else None
    if out is not None:
        return _nan_where_null(backend.deliver(values, out), mask)
    null_count = int(mask.sum()) if mask is not None else 0
    validity = np.packbits(~mask, bitorder="little") if null_count else None
    if source.masked:
        return pd.Series(pd.arrays.FloatingArray(values, mask if mask is not None else np.zeros(len(values), bool)),
                         index=source.series.index, name=source.series.name, copy=False)
    if not source.arrow and null_count:
        values[mask] = np.nan  # numpy-backed pandas keeps missing values as NaN
    view = ColumnView(values, 0, len(values), validity, null_count)
    single = ColumnInput(source.kind, [view], series=source.series, arrow=source.arrow, extra=source.extra)
    return wrap_like(single, [values], backend)


class SeriesElementaryMethods:
    """The elementary-function methods of ``s.rt`` (mixed into the Series accessor)."""

    _series: Any

    def atan2(self, x: Any) -> Any:
        """``atan2(self, x)``: see :func:`rt_pandas.math.atan2`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([1.0, -1.0], name="y").rt.atan2(0.0).round(4).tolist()
        [1.5708, -1.5708]
        """
        return atan2(self._series, x)


def _make_method(name: str):
    def method(self) -> Any:
        return globals()[name](self._series)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"""``{name}`` of every value; see :func:`rt_pandas.math.{name}`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([0.0, None], index=["a", "b"]).rt.{name}().index.tolist()
        ['a', 'b']
        """
    return method


for _name in UNARY:
    setattr(SeriesElementaryMethods, _name, _make_method(_name))
del _name
