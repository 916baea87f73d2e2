"""Error and gamma functions (the math issue's part B): erf, erfc, gamma and lgamma.

They follow :mod:`rt_pandas.elementary`: numpy arrays, pandas Series, pyarrow
Array / ChunkedArray (sliced ones included) or anything with
``__arrow_c_array__`` in, the same kind out; float32 stays float32, integers
become float64, nulls stay null, a Series keeps its index and name. Exported
from :mod:`rt_pandas.math` and as ``s.rt.erf()``, ``.erfc()``, ``.gamma()``, ``.lgamma()``.

>>> import numpy as np
>>> from rt_pandas import math
>>> math.erf(np.array([0.0, 1.0, np.inf]))
array([0.        , 0.84270079, 1.        ])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import elementary

__all__ = ["erf", "erfc", "gamma", "lgamma", "SeriesSpecialMethods"]


def erf(x: Any, out: np.ndarray | None = None) -> Any:
    """Error function ``2/sqrt(pi) * integral_0^x exp(-t**2) dt``, element-wise.

    Parameters
    ----------
    x : array-like
        numpy array, pandas Series, pyarrow Array / ChunkedArray or any
        object with ``__arrow_c_array__`` / ``__arrow_c_stream__``.
    out : numpy.ndarray, optional
        A writeable 1-D array of the result's length and dtype to fill (null rows become NaN); it is returned.

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
    return elementary._unary("erf", x, out)


def erfc(x: Any, out: np.ndarray | None = None) -> Any:
    """Complementary error function ``1 - erf(x)``, accurate where ``erf(x)`` is near 1.

    Parameters and result as in :func:`erf`; ``erfc(-inf) = 2``, ``erfc(inf) = 0``.

    Examples
    --------
    >>> import pyarrow as pa
    >>> erfc(pa.array([0.0, None, 10.0])).to_pylist()
    [1.0, None, 2.088487583762545e-45]
    """
    return elementary._unary("erfc", x, out)


def gamma(x: Any, out: np.ndarray | None = None) -> Any:
    """Gamma function, element-wise.

    Parameters
    ----------
    x : array-like
        numpy array, pandas Series, pyarrow Array / ChunkedArray or any
        object with ``__arrow_c_array__`` / ``__arrow_c_stream__``.
    out : numpy.ndarray, optional
        A writeable 1-D array of the result's length and dtype to fill (null rows become NaN); it is returned.

    Returns
    -------
    Same kind as ``x``: float32 stays float32, other numbers become float64,
    nulls stay null. Within 2 ulp for ``x > 0`` (about 0.6 measured);
    ``gamma(+-0) = +-inf``, NaN at the negative integers and at ``-inf``,
    ``+inf`` above 171.62 (float64) or 35.04 (float32), ``+-0`` for large
    negative non-integers.

    Raises
    ------
    ValidationError
        A non-numeric column, an input that is not 1-D, or a bad ``out``.

    Examples
    --------
    >>> import numpy as np
    >>> gamma(np.array([0.5, 5.0, -1.5, 0.0, -0.0, -2.0, 200.0]))
    array([ 1.77245385, 24.        ,  2.3632718 ,         inf,        -inf,
                   nan,         inf])
    """
    return elementary._unary("gamma", x, out)


def lgamma(x: Any, out: np.ndarray | None = None) -> Any:
    """Natural log of the absolute value of the gamma function, element-wise.

    Parameters and result kinds as in :func:`gamma`. Within 2 ulp for
    ``x > 0`` and within 1e-15 absolute next to its zeros at 1 and 2 (where
    it is exactly +0); ``+inf`` at 0, the negative integers and ``+-inf``.

    Examples
    --------
    >>> import pyarrow as pa
    >>> lgamma(pa.array([1.0, None, 10.0, -0.5])).to_pylist()
    [0.0, None, 12.801827480081469, 1.2655121234846454]
    """
    return elementary._unary("lgamma", x, out)


class SeriesSpecialMethods:
    """The error- and gamma-function methods of ``s.rt`` (mixed into the Series accessor)."""

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

    def gamma(self) -> Any:
        """Gamma function; see :func:`rt_pandas.math.gamma`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([4.0, 0.5]).rt.gamma().round(6).tolist()
        [6.0, 1.772454]
        """
        return gamma(self._series)

    def lgamma(self) -> Any:
        """log |gamma(x)|; see :func:`rt_pandas.math.lgamma`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([3.0, 100.0]).rt.lgamma().round(6).tolist()
        [0.693147, 359.134205]
        """
        return lgamma(self._series)
