"""Error functions (the math issue's part B): erf and erfc; gamma and lgamma are to follow.

They follow :mod:`rt_pandas.elementary`: numpy arrays, pandas Series, pyarrow
Array / ChunkedArray (sliced ones included) or anything with
``__arrow_c_array__`` in, the same kind out; float32 stays float32, integers
become float64, nulls stay null, a Series keeps its index and name. Exported
from :mod:`rt_pandas.math` and as ``s.rt.erf()`` / ``s.rt.erfc()``.

>>> import numpy as np
>>> from rt_pandas import math
>>> math.erf(np.array([0.0, 1.0, np.inf]))
array([0.        , 0.84270079, 1.        ])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import elementary
from .errors import ValidationError

__all__ = ["erf", "erfc", "SeriesSpecialMethods"]


def _unary(name: str, x: Any, out: np.ndarray | None) -> Any:
    """Run ``rt_math_<name>`` through part A's machinery (threads, chunks, nulls); fill ``out`` if given."""
    result = elementary._unary(name, x)
    if out is None:
        return result
    if not isinstance(out, np.ndarray) or not isinstance(result, np.ndarray):
        raise ValidationError("out= works with numpy input and a numpy output array", name)
    if out.shape != result.shape or out.dtype != result.dtype or not out.flags.writeable:
        raise ValidationError(
            f"out must be a writeable array of shape {result.shape} and dtype {result.dtype}", name)
    np.copyto(out, result)
    return out


def erf(x: Any, out: np.ndarray | None = None) -> Any:
    """Error function ``2/sqrt(pi) * integral_0^x exp(-t**2) dt``, element-wise.

    Parameters
    ----------
    x : array-like
        numpy array, pandas Series, pyarrow Array / ChunkedArray or any
        object with ``__arrow_c_array__`` / ``__arrow_c_stream__``.
    out : numpy.ndarray, optional
        For numpy input: the array to write into (same length, result dtype).

    Returns
    -------
    Same kind as ``x``: float32 stays float32, other numbers become float64,
    nulls stay null. Within 1 ulp; ``erf(+-inf) = +-1``, ``erf(-0.0) = -0.0``.

    Raises
    ------
    ValidationError
        A non-numeric column, an input that is not 1-D, or a bad ``out``.

    Examples
    --------
    >>> import pandas as pd
    >>> erf(pd.Series([0.5, None], name="z")).round(6).tolist()
    [0.5205, nan]
    """
    return _unary("erf", x, out)


def erfc(x: Any, out: np.ndarray | None = None) -> Any:
    """Complementary error function ``1 - erf(x)``, accurate where ``erf(x)`` is near 1.

    Parameters and result as in :func:`erf`; ``erfc(-inf) = 2``, ``erfc(inf) = 0``.

    Examples
    --------
    >>> import pyarrow as pa
    >>> erfc(pa.array([0.0, None, 10.0])).to_pylist()
    [1.0, None, 2.088487583762545e-45]
    """
    return _unary("erfc", x, out)


class SeriesSpecialMethods:
    """The error-function methods of ``s.rt`` (mixed into the Series accessor)."""

    _series: Any

    def erf(self) -> Any:
        """Error function; see :func:`rt_pandas.math.erf`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([0.0, 2.0]).rt.erf().round(6).tolist()
        [0.0, 0.995322]
        """
        return erf(self._series)

    def erfc(self) -> Any:
        """Complementary error function; see :func:`rt_pandas.math.erfc`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([0.0, 2.0]).rt.erfc().round(6).tolist()
        [1.0, 0.004678]
        """
        return erfc(self._series)
