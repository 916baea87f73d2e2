"""Inverse trigonometric, error and gamma functions (the math issue's part B).

Each function follows :mod:`rt_pandas.math`: it takes a numpy array, pandas
Series, pyarrow Array / ChunkedArray (sliced ones included) or anything with
``__arrow_c_array__``, and returns the same kind; float32 stays float32,
integers become float64, nulls stay null (validity shared, never turned into
NaN), a Series keeps its index and name. They are exported from
:mod:`rt_pandas.math` and as ``s.rt.<name>()``; ``atan2`` also from
:mod:`rt_pandas`.

>>> import numpy as np
>>> from rt_pandas import math
>>> math.atan(np.array([0.0, 1.0, np.inf]))
array([0.        , 0.78539816, 1.57079633])
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ._backend import In, Out, get_backend
from ._columns import DTYPE_CODES, ColumnInput, as_columns, wrap_like
from .errors import ValidationError

__all__ = ["asin", "acos", "atan", "atan2", "SeriesSpecialMethods"]


def _float_values(view, function: str) -> np.ndarray:
    """The rows of a numeric view as float32/float64 (a view for floats, a float64 copy otherwise)."""
    if view.kind != "numeric":
        raise ValidationError(f"{function} needs a numeric column, got a {view.kind} column", function)
    values = view.logical_values()
    if values.dtype in (np.float32, np.float64):
        return values
    if values.dtype.kind in "iub":
        return values.astype(np.float64)
    raise ValidationError(f"{function} needs a numeric column, got dtype {values.dtype}", function)


def _check_out(out: Any, source: ColumnInput, dtype: np.dtype, function: str) -> None:
    if not isinstance(out, np.ndarray) or source.kind != "numpy":
        raise ValidationError("out= works with numpy input and a numpy output array", function)
    if out.shape != (source.length,) or out.dtype != dtype:
        raise ValidationError(
            f"out must have shape ({source.length},) and dtype {dtype}, got {out.shape} {out.dtype}", function)
    if not out.flags.writeable:
        raise ValidationError("out is read-only", function)


def _unary(c_function: str, name: str, x: Any, out: np.ndarray | None) -> Any:
    """Run a unary kernel chunk by chunk and package the result like ``x`` (or into ``out``)."""
    source = as_columns(x)
    backend = get_backend()
    results = []
    for view in source.chunks:
        values = _float_values(view, name)
        result = backend.empty(view.length, values.dtype)
        backend.run(c_function, DTYPE_CODES[values.dtype], In(values), 0, view.length, Out(result))
        results.append(result)
    if out is not None:
        dtype = results[0].dtype if results else np.dtype(np.float64)
        _check_out(out, source, dtype, name)
        if results:
            np.copyto(out, results[0])
        return out
    return wrap_like(source, results, backend)


def asin(x: Any, out: np.ndarray | None = None) -> Any:
    """Arc sine, element-wise, in radians; NaN outside ``[-1, 1]``.

    Parameters
    ----------
    x : array-like
        numpy array, pandas Series, pyarrow Array / ChunkedArray or any
        object with ``__arrow_c_array__``.
    out : numpy.ndarray, optional
        For numpy input: the array to write the result into (same length and
        result dtype).

    Returns
    -------
    Same kind as ``x``: float32 stays float32, other numbers become float64;
    nulls stay null. At most 1 ulp from the exact value.

    Examples
    --------
    >>> import numpy as np
    >>> asin(np.array([0.0, 0.5, 1.0, 2.0]))
    array([0.        , 0.52359878, 1.57079633,        nan])
    """
    return _unary("rt_math_asin", "asin", x, out)


def acos(x: Any, out: np.ndarray | None = None) -> Any:
    """Arc cosine, element-wise, in ``[0, pi]``; NaN outside ``[-1, 1]``.

    Parameters and result as in :func:`asin`.

    Examples
    --------
    >>> import pandas as pd
    >>> acos(pd.Series([1.0, None, -1.0], name="c")).round(6).tolist()
    [0.0, nan, 3.141593]
    """
    return _unary("rt_math_acos", "acos", x, out)


def atan(x: Any, out: np.ndarray | None = None) -> Any:
    """Arc tangent, element-wise, in ``[-pi/2, pi/2]``.

    Parameters and result as in :func:`asin`.

    Examples
    --------
    >>> import pyarrow as pa
    >>> atan(pa.array([0.0, None, float("-inf")])).to_pylist()
    [0.0, None, -1.5707963267948966]
    """
    return _unary("rt_math_atan", "atan", x, out)


# atan2 ------------------------------------------------------------------------


def _is_scalar(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) or (
        isinstance(value, np.generic) and value.dtype.kind in "iuf")


def _flat(source: ColumnInput, name: str) -> tuple[np.ndarray, np.ndarray | None]:
    """One contiguous float array and a bool null mask (None without nulls) for a whole column."""
    values, masks = [], []
    for view in source.chunks:
        values.append(_float_values(view, name))
        if view.validity is not None:
            bits = np.unpackbits(view.validity, bitorder="little")[view.offset : view.offset + view.length]
            masks.append(bits == 0)
        else:
            masks.append(np.zeros(view.length, bool))
    if len(values) == 1:
        flat = values[0]
    else:
        flat = np.concatenate(values) if values else np.empty(0, np.float64)
    has_nulls = any(view.null_count for view in source.chunks)
    return flat, (np.concatenate(masks) if has_nulls else None)


def _wrap_binary(primary: ColumnInput, values: np.ndarray, mask: np.ndarray | None) -> Any:
    """The result in the kind of ``primary`` (the first array argument), with the combined nulls."""
    if primary.kind == "numpy":
        return values
    if primary.arrow:
        validity = None if mask is None else pa.py_buffer(np.packbits(~mask, bitorder="little"))
        null_count = 0 if mask is None else int(mask.sum())
        array = pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), len(values),
                                      [validity, pa.py_buffer(values)], null_count)
        if primary.kind == "arrow":
            return array
        if primary.kind == "chunked":
            return pa.chunked_array([array])
        return pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array([array])),
                         index=primary.series.index, name=primary.series.name, copy=False)
    series = primary.series
    if mask is not None or primary.masked:
        mask = np.zeros(len(values), bool) if mask is None else mask
        return pd.Series(pd.arrays.FloatingArray(values, mask), index=series.index, name=series.name, copy=False)
    return pd.Series(values, index=series.index, name=series.name, copy=False)


def atan2(y: Any, x: Any, out: np.ndarray | None = None) -> Any:
    """The angle of the point ``(x, y)``, element-wise, in ``[-pi, pi]``.

    Parameters
    ----------
    y, x : array-like or real number
        Columns of the same length (numpy, Series, Arrow, ...) or a number
        broadcast to every row; at least one must be a column. Both columns
        are computed in the wider of their float types (float32 only if
        both are float32; integers become float64).
    out : numpy.ndarray, optional
        For numpy input: the array to write the result into.

    Returns
    -------
    Same kind as ``y`` (or ``x`` when ``y`` is a number), index and name
    included. A row is null where either input is null. Signed zeros and
    infinities follow C99 Annex F (``atan2(0.0, -0.0) == pi``).

    Raises
    ------
    ValidationError
        Lengths differ, neither argument is a column, or a column is not numeric.

    Examples
    --------
    >>> import numpy as np
    >>> atan2(np.array([1.0, -1.0, 0.0]), -1.0)
    array([ 2.35619449, -2.35619449,  3.14159265])
    >>> import pandas as pd
    >>> atan2(pd.Series([1.0, None], index=["a", "b"]), pd.Series([1.0, 2.0], index=["a", "b"]))
    a    0.785398
    b         NaN
    dtype: float64
    """
    if _is_scalar(y) and _is_scalar(x):
        raise ValidationError("atan2 needs at least one column; use math.atan2 for two numbers", "atan2")
    sources = {name: None if _is_scalar(v) else as_columns(v) for name, v in (("y", y), ("x", x))}
    flats = {name: _flat(src, "atan2") if src is not None else None for name, src in sources.items()}
    lengths = {len(f[0]) for f in flats.values() if f is not None}
    if len(lengths) != 1:
        raise ValidationError(f"y and x must have the same length, got {sorted(lengths)}", "atan2")
    (length,) = lengths
    dtypes = [f[0].dtype for f in flats.values() if f is not None]
    dtype = np.dtype(np.float32) if all(d == np.float32 for d in dtypes) else np.dtype(np.float64)

    def operand(name, raw):
        if flats[name] is None:
            return np.array([raw], dtype=dtype), 0
        return flats[name][0].astype(dtype, copy=False), 1

    (y_values, y_stride), (x_values, x_stride) = operand("y", y), operand("x", x)
    backend = get_backend()
    result = backend.empty(length, dtype)
    backend.run("rt_math_atan2", DTYPE_CODES[dtype], In(y_values), 0, y_stride, In(x_values), 0, x_stride,
                length, Out(result))
    masks = [f[1] for f in flats.values() if f is not None and f[1] is not None]
    mask = None if not masks else (masks[0] | masks[1] if len(masks) == 2 else masks[0])
    primary = sources["y"] if sources["y"] is not None else sources["x"]
    if out is not None:
        _check_out(out, primary, dtype, "atan2")
        np.copyto(out, result)
        return out
    return _wrap_binary(primary, result, mask)


class SeriesSpecialMethods:
    """The part-B math methods of ``s.rt`` (mixed into the Series accessor)."""

    _series: Any

    def asin(self) -> Any:
        """Arc sine; see :func:`rt_pandas.math.asin`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([0.0, 1.0], name="s").rt.asin().round(4).tolist()
        [0.0, 1.5708]
        """
        return asin(self._series)

    def acos(self) -> Any:
        """Arc cosine; see :func:`rt_pandas.math.acos`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([1.0, 0.0]).rt.acos().round(4).tolist()
        [0.0, 1.5708]
        """
        return acos(self._series)

    def atan(self) -> Any:
        """Arc tangent; see :func:`rt_pandas.math.atan`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([0.0, 1.0]).rt.atan().round(4).tolist()
        [0.0, 0.7854]
        """
        return atan(self._series)

    def atan2(self, x: Any) -> Any:
        """``atan2(self, x)``: the angle of ``(x, self)``; see :func:`rt_pandas.atan2`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([1.0, -1.0]).rt.atan2(0.0).round(4).tolist()
        [1.5708, -1.5708]
        """
        return atan2(self._series, x)
