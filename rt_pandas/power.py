"""pow: ``x ** y`` element-wise with broadcasting, within 1 ULP, C99 Annex F special values.

``rt_pandas.math.pow(x, y, out=None)`` and ``s.rt.pow(exponent)``. Either
operand may be a scalar (broadcast) or an array of the other's length: numpy
arrays, pandas Series, pyarrow Array / ChunkedArray (sliced ones too) or
anything with ``__arrow_c_array__``. The result has the kind of the first
array operand; float32 stays float32 when every array operand is float32
(Python scalars follow the array's type, as in numpy), otherwise float64; a
row is null where either operand is null.

>>> import numpy as np
>>> from rt_pandas import math
>>> math.pow(np.array([4.0, 2.0, -8.0]), np.array([0.5, 10.0, 1.0 / 3.0]))
array([   2., 1024.,   nan])
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from . import _threads
from ._backend import In, Out, get_backend
from ._columns import DTYPE_CODES, check_out
from .elementary import _kernel_output, _operand, _package
from .errors import ValidationError

__all__ = ["pow", "SeriesPowerMethods"]


def _is_scalar(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _result_dtype(x: Any, x_values: np.ndarray, y: Any, y_values: np.ndarray) -> np.dtype:
    """float32 when every array operand is float32 and no scalar is an explicit float64/integer numpy scalar."""
    kinds = []
    for value, values in ((x, x_values), (y, y_values)):
        if _is_scalar(value):
            if isinstance(value, np.generic) and not isinstance(value, np.float32):
                kinds.append(np.float64)  # np.float64(2.5) is not a "weak" Python scalar
        else:
            kinds.append(values.dtype.type)
    return np.dtype(np.float32) if all(k is np.float32 for k in kinds) else np.dtype(np.float64)


def _compute(x_values: np.ndarray, y_values: np.ndarray | None, y_scalar: float | None,
             dtype: np.dtype, length: int, out: np.ndarray | None) -> np.ndarray:
    """The kernel over [0, length): an array exponent, or ``y_scalar`` broadcast inside the kernel;
    written where ``_kernel_output`` says for ``out``."""
    backend = get_backend()
    result = _kernel_output(backend, length, dtype, out)
    code = DTYPE_CODES[dtype]
    if length == 0:
        return result

    def run(start: int, stop: int) -> None:
        if y_values is None:
            backend.run("rt_math_pow_scalar", code, In(x_values[start:stop]), 0, stop - start, y_scalar,
                        Out(result[start:stop]))
        else:
            backend.run("rt_math_pow", code, In(x_values[start:stop]), 0, In(y_values[start:stop]), 0,
                        stop - start, Out(result[start:stop]))

    _threads.parallel_ranges(length, run, threaded=backend.name == "native")
    return result


def pow(x: Any, y: Any, out: np.ndarray | None = None) -> Any:  # noqa: A001 (the issue's name)
    """``x`` raised to the power ``y``, element-wise, within 1 ULP.

    Special values follow C99 Annex F: ``pow(x, +-0) = 1`` and ``pow(1, y) = 1``
    even for NaN, a negative finite ``x`` with a non-integer ``y`` is NaN, odd
    integer exponents keep the sign of ``x`` (zeros and infinities included),
    ``pow(-1, +-inf) = 1``, results overflow to ``inf`` and underflow through
    the subnormals to 0.

    Parameters
    ----------
    x, y : array-like or float
        numpy arrays, pandas Series, pyarrow Array / ChunkedArray, objects
        with ``__arrow_c_array__``, or Python / numpy scalars (broadcast).
        Arrays must have the same length; at least one operand is an array.
    out : numpy.ndarray, optional
        A writeable 1-D array of the result's length and dtype to fill; it
        is returned (null rows are NaN in it).

    Returns
    -------
    The kind of the first array operand (or ``out``): float32 if every array
    operand is float32, else float64; null where either operand is null; a
    Series keeps its index and name.

    Raises
    ------
    ValidationError
        Lengths differ, both operands are scalars, a column is not numeric,
        or ``out`` does not fit.

    Examples
    --------
    >>> import numpy as np
    >>> from rt_pandas import math
    >>> math.pow(np.array([2.0, -2.0, 0.0]), 3)
    array([ 8., -8.,  0.])
    >>> math.pow(np.array([-0.0, -np.inf, np.nan]), -1.0)
    array([-inf,  -0.,  nan])
    >>> math.pow(2.0, np.array([0.5, -1.0], dtype=np.float32))
    array([1.4142135, 0.5      ], dtype=float32)
    >>> import pyarrow as pa
    >>> math.pow(pa.array([9.0, None]), 0.5).to_pylist()
    [3.0, None]
    """
    x_source, x_values, x_mask = _operand(x, "pow")
    y_source, y_values, y_mask = _operand(y, "pow")
    if x_source is None and y_source is None:
        raise ValidationError("pow needs at least one array argument", "pow")
    length = len(x_values) if x_source is not None else len(y_values)
    if x_source is not None and y_source is not None and len(y_values) != length:
        raise ValidationError(f"x has {length} rows but y has {len(y_values)}", "pow")
    dtype = _result_dtype(x, x_values, y, y_values)
    if out is not None:
        check_out(out, length, dtype, "pow")
    x_values = np.ascontiguousarray(np.broadcast_to(x_values.astype(dtype, copy=False), length))
    if y_source is None:
        result = _compute(x_values, None, float(y_values[0]), dtype, length, out)
    else:
        y_values = np.ascontiguousarray(np.broadcast_to(y_values.astype(dtype, copy=False), length))
        result = _compute(x_values, y_values, None, dtype, length, out)
    return _package(x_source if x_source is not None else y_source, result, (x_mask, y_mask), get_backend(), out)


class SeriesPowerMethods:
    """The ``pow`` method of ``s.rt`` (mixed into the Series accessor)."""

    _series: Any

    def pow(self, exponent: Any) -> Any:
        """``self ** exponent`` within 1 ULP; see :func:`rt_pandas.math.pow`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([4.0, None, 2.0], name="v").rt.pow(2.5).round(4).tolist()
        [32.0, nan, 5.6569]
        """
        return pow(self._series, exponent)
