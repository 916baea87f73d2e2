"""The ``.rt`` accessors on pandas Series and DataFrames.

They register on ``import rt_pandas``, hold nothing but the object they were
built on (pandas 3 builds a new accessor on every access) and only delegate
to the module functions. The methods come from one mixin per domain
(``rt_pandas.math.SeriesMathMethods``, ...).

>>> import pandas as pd, rt_pandas
>>> pd.Series([1.0, None, 5.0]).rt.clamp(0, 2).tolist()
[1.0, nan, 2.0]
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from . import anomaly as rt_anomaly
from ._profile import series_supported
from . import math as rt_math
from . import quality as rt_quality
from . import report as rt_report
from . import transforms as rt_transforms

SUPPORTED = ("numeric (float, int, bool, nullable Float64/Int64/boolean, Arrow numeric), string, categorical "
             "(pandas or Arrow dictionary) of those or datetimes, datetime, timedelta, Arrow date and duration, "
             "object columns of one of those, or Arrow tensor (fixed_shape_tensor, fixed-size list)")


def _is_supported(series: pd.Series) -> bool:
    """What the profiler takes (one rule for ``s.rt`` and ``df.rt``), plus image (tensor) columns."""
    if series_supported(series):
        return True
    if isinstance(series.dtype, pd.ArrowDtype):
        t = series.dtype.pyarrow_dtype
        return pa.types.is_fixed_size_list(t) or isinstance(t, pa.FixedShapeTensorType)
    return False


@pd.api.extensions.register_series_accessor("rt")
class SeriesAccessor(
    rt_math.SeriesMathMethods,
    rt_math.elementary.SeriesElementaryMethods,
    rt_math.special.SeriesSpecialMethods,
    rt_math.power.SeriesPowerMethods,
    rt_transforms.SeriesTransformMethods,
    rt_quality.SeriesQualityMethods,
    rt_anomaly.SeriesAnomalyMethods,
):
    """``s.rt``: rt-pandas on one column.

    Each domain (math, quality, anomaly, ...) contributes a mixin of methods
    that work on ``self._series``; this class only validates and composes.
    """

    def __init__(self, series: pd.Series) -> None:
        if not _is_supported(series):
            raise AttributeError(f"the .rt accessor works on {SUPPORTED} Series; this one has dtype {series.dtype}")
        self._series = series


@pd.api.extensions.register_dataframe_accessor("rt")
class DataFrameAccessor(
    rt_math.FrameMathMethods,
    rt_quality.FrameQualityMethods,
    rt_anomaly.FrameAnomalyMethods,
    rt_report.FrameReportMethods,
):
    """``df.rt``: rt-pandas on a whole frame (domain mixins work on ``self._frame``)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame
