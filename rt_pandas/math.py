"""Element-wise math on numpy arrays, pandas Series and Arrow arrays.

Every function keeps the input's kind (numpy in, numpy out; Series in,
Series out with the same index and name; Arrow in, Arrow out), keeps float32
as float32 and float64 as float64, turns integers into float64, and keeps
nulls as nulls (Arrow validity is shared, a pandas mask is shared, NaN stays
NaN). Results live in the rt-pandas memory pool.

>>> import numpy as np
>>> from rt_pandas import math
>>> math.clamp(np.array([-1.0, 0.5, 7.0]), 0.0, 1.0)
array([0. , 0.5, 1. ])
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd

from ._backend import In, Out, get_backend
from ._columns import DTYPE_CODES
from .errors import ValidationError
from . import elementary
from .elementary import acos, asin, atan, atan2, cosh, exp, expm1, log, log1p, sinh, tanh  # noqa: F401

__all__ = ["clamp", "SeriesMathMethods", "FrameMathMethods", *elementary.__all__, "erf", "erfc", "gamma", "lgamma",
           "pow"]


def _number(value: Any, name: str, function: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValidationError(f"{name} must be a real number, got {type(value).__name__}", function)
    return float(value)


def _elementwise(c_function: str, public_name: str, x: Any, scalars: tuple, out: np.ndarray | None) -> Any:
    """Run a unary C kernel (with trailing scalar arguments) chunk by chunk, as
    :func:`rt_pandas.elementary.chunk_by_chunk` packages it.

    The kernel gets each chunk's logical rows (a view, so offset 0 and no copy
    natively; the wasm backend copies only those rows). Nulls need no work:
    the result reuses the input's validity, which describes the same rows.
    """
    backend = get_backend()

    def compute(values: np.ndarray, target: np.ndarray | None) -> np.ndarray:
        result = elementary._kernel_output(backend, len(values), values.dtype, target)
        backend.run(c_function, DTYPE_CODES[values.dtype], In(values), 0, len(values), *scalars, Out(result))
        return result if target is None else backend.deliver(result, target)

    return elementary.chunk_by_chunk(x, public_name, compute, out)


def clamp(x: Any, lower: float, upper: float, out: np.ndarray | None = None) -> Any:
    """Limit every value to ``[lower, upper]``; NaN and nulls pass through.

    Parameters
    ----------
    x : array-like
        numpy array, pandas Series, pyarrow Array / ChunkedArray, or any
        object with ``__arrow_c_array__`` / ``__arrow_c_stream__``.
    lower, upper : float
        Bounds, ``lower <= upper``; ``-inf`` / ``inf`` leave a side open.
        For float32 input they are rounded to float32 first, as ``numpy.clip`` does.
    out : numpy.ndarray, optional
        A writeable 1-D array of the result's length and dtype to fill (null
        rows become NaN); it is returned.

    Returns
    -------
    Same kind as ``x`` (or ``out``); float32 stays float32, other numbers become float64.

    Raises
    ------
    ValidationError
        ``lower > upper``, a NaN bound, a non-numeric column, or an ``out`` that does not fit.

    Examples
    --------
    >>> import pandas as pd
    >>> clamp(pd.Series([1.0, None, 5.0], name="v"), 0, 2).tolist()
    [1.0, nan, 2.0]
    >>> import pyarrow as pa
    >>> clamp(pa.array([1, None, -3]), -1, 1).to_pylist()
    [1.0, None, -1.0]
    """
    lower = _number(lower, "lower", "clamp")
    upper = _number(upper, "upper", "clamp")
    return _elementwise("rt_math_clamp", "clamp", x, (lower, upper), out)


class SeriesMathMethods:
    """The math methods of ``s.rt`` (mixed into the Series accessor)."""

    _series: Any

    def clamp(self, lower: float, upper: float) -> Any:
        """Limit values to ``[lower, upper]``; see :func:`rt_pandas.math.clamp`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([-3, 4], index=["a", "b"]).rt.clamp(-1, 1)
        a   -1.0
        b    1.0
        dtype: float64
        """
        return clamp(self._series, lower, upper)


class FrameMathMethods:
    """The math methods of ``df.rt`` (mixed into the DataFrame accessor)."""

    _frame: Any

    def _numeric_columns(self, columns) -> list:
        if columns is not None:
            return list(columns)
        return [name for name, dtype in self._frame.dtypes.items()
                if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)]

    def clamp(self, lower: float, upper: float, columns=None) -> Any:
        """Clamp the numeric columns (or ``columns``); other columns are returned unchanged.

        >>> import pandas as pd, rt_pandas
        >>> pd.DataFrame({"x": [0.5, 9.0], "name": ["a", "b"]}).rt.clamp(0, 1)
             x name
        0  0.5    a
        1  1.0    b
        """
        result = self._frame.copy(deep=False)
        for name in self._numeric_columns(columns):
            result[name] = clamp(self._frame[name], lower, upper)
        return result


# Part B (error and gamma functions) lives in special.py.
from . import special  # noqa: E402
from .special import erf, erfc, gamma, lgamma  # noqa: E402,F401
from . import power  # noqa: E402
from .power import pow  # noqa: E402,F401,A004
