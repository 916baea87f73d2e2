"""The ``.rt`` accessors on pandas Series and DataFrames.

They register on ``import rt_pandas``, hold nothing but the object they were
built on (pandas 3 builds a new accessor on every access) and only delegate
to the module functions.

>>> import pandas as pd, rt_pandas
>>> pd.Series([1.0, None, 5.0]).rt.clamp(0, 2).tolist()
[1.0, nan, 2.0]
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from . import math as rt_math

SUPPORTED = "numeric (float, int, bool, nullable Float64/Int64/boolean, Arrow numeric), string or datetime"


def _is_supported(series: pd.Series) -> bool:
    dtype = series.dtype
    if dtype == object:
        # pandas 2 keeps strings in object columns; anything else there is not a column we can read.
        return pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty")
    if isinstance(dtype, pd.ArrowDtype):
        t = dtype.pyarrow_dtype
        return (
            pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t)
            or pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_timestamp(t)
        )
    api = pd.api.types
    return (
        api.is_numeric_dtype(dtype) and not api.is_complex_dtype(dtype)
        or api.is_string_dtype(dtype) or api.is_datetime64_any_dtype(dtype)
    )


@pd.api.extensions.register_series_accessor("rt")
class SeriesAccessor:
    """``s.rt``: rt-pandas on one column."""

    def __init__(self, series: pd.Series) -> None:
        if not _is_supported(series):
            raise AttributeError(f"the .rt accessor works on {SUPPORTED} Series; this one has dtype {series.dtype}")
        self._series = series

    def clamp(self, lower: float, upper: float) -> pd.Series:
        """Limit values to ``[lower, upper]``; see :func:`rt_pandas.math.clamp`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([-3, 4], index=["a", "b"]).rt.clamp(-1, 1)
        a   -1.0
        b    1.0
        dtype: float64
        """
        return rt_math.clamp(self._series, lower, upper)


@pd.api.extensions.register_dataframe_accessor("rt")
class DataFrameAccessor:
    """``df.rt``: rt-pandas on a whole frame."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame

    def _numeric_columns(self, columns) -> list:
        if columns is not None:
            return list(columns)
        return [name for name, dtype in self._frame.dtypes.items() if pd.api.types.is_numeric_dtype(dtype)
                and not pd.api.types.is_bool_dtype(dtype)]

    def clamp(self, lower: float, upper: float, columns=None) -> pd.DataFrame:
        """Clamp the numeric columns (or ``columns``); other columns are returned unchanged.

        >>> import pandas as pd, rt_pandas
        >>> pd.DataFrame({"x": [0.5, 9.0], "name": ["a", "b"]}).rt.clamp(0, 1)
             x name
        0  0.5    a
        1  1.0    b
        """
        result = self._frame.copy(deep=False)
        for name in self._numeric_columns(columns):
            result[name] = rt_math.clamp(self._frame[name], lower, upper)
        return result
