"""``describe()``: summary statistics of every column, from one pass of the C kernels.

Numbers get count, missing, mean, std (ddof 1), min, quantiles (numpy's
linear interpolation, exact), max, skew and kurtosis (bias-corrected, as
pandas' ``skew()`` / ``kurt()`` and ``scipy.stats.skew(bias=False)``),
distinct values and the most frequent value. Strings and categoricals get
count, missing, distinct, top and freq. Timestamps give Timestamps (with
their time zone) and a Timedelta std.

The columns of a frame are computed side by side on up to
``rt_pandas.set_num_threads`` threads (native backend, 65,536 rows or more).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from . import _profile as prof
from ._backend import get_backend
from ._threads import MIN_ELEMENTS_PER_THREAD, parallel_map
from .errors import ValidationError

__all__ = ["describe"]


def _labels(percentiles) -> list[str]:
    return [f"{100 * p:g}%" for p in percentiles]


def _check_percentiles(percentiles: Any) -> tuple[float, ...]:
    if percentiles is None:
        return prof.QUANTILE_PROBS
    values = tuple(float(p) for p in percentiles)
    if not all(0 <= p <= 1 for p in values) or len(set(values)) != len(values):
        raise ValidationError("percentiles must be distinct numbers in [0, 1]", "percentiles")
    return tuple(sorted(values))


def _skew_kurtosis(m: dict) -> tuple[float, float]:
    """Adjusted Fisher-Pearson skewness G1 and excess kurtosis G2 (pandas' and scipy's bias=False)."""
    n, m2, m3, m4 = m["count"], m["m2"], m["m3"], m["m4"]
    skew = kurt = math.nan
    if n >= 3:
        skew = 0.0 if m2 == 0 else math.sqrt(n * (n - 1)) / (n - 2) * (m3 / n) / (m2 / n) ** 1.5
    if n >= 4:
        if m2 == 0:
            kurt = 0.0
        else:
            g2 = n * m4 / (m2 * m2) - 3.0
            kurt = ((n + 1) * g2 + 6.0) * (n - 1) / ((n - 2) * (n - 3))
    return skew, kurt


def _numeric(col: prof.Prepared, probs) -> dict:
    p = prof.unsorted_profile(col, probs=probs)
    m = p.moments
    n = m["count"]
    std = math.sqrt(m["m2"] / (n - 1)) if n > 1 else math.nan
    skew, kurt = _skew_kurtosis(m)
    stats = {"count": n, "missing": m["missing"], "mean": m["mean"] if n else math.nan, "std": std,
             "min": m["min"], **dict(zip(_labels(probs), (p.quantiles[q] for q in probs))), "max": m["max"],
             "skew": skew, "kurtosis": kurt, "distinct": p.distinct,
             "top": p.top[0][0] if p.top else None, "freq": p.top[0][1] if p.top else 0}
    if col.kind == "int":
        stats["top"] = None if stats["top"] is None else int(stats["top"])
    if col.kind == "bool":
        stats["top"] = None if stats["top"] is None else bool(stats["top"])
    if col.kind == "timestamp":
        stats = _as_timestamps(col, stats, probs)
    if col.kind == "duration":
        stats = _as_durations(col, stats, probs)
    return stats


def _as_durations(col: prof.Prepared, stats: dict, probs) -> dict:
    """Location and spread as Timedeltas (skew and kurtosis have no unit and stay numbers)."""
    unit_ns = prof._UNIT_NS[col.unit]
    for key in ("mean", "std", "min", "max", "top", *_labels(probs)):
        value = stats[key]
        stats[key] = pd.NaT if value is None or value != value else pd.Timedelta(round(value * unit_ns), unit="ns")
    return stats


def _as_timestamps(col: prof.Prepared, stats: dict, probs) -> dict:
    unit_ns = prof._UNIT_NS[col.unit]

    def stamp(value):
        if value is None or value != value:
            return pd.NaT
        result = pd.Timestamp(round(value * unit_ns), unit="ns")
        return result.tz_localize("UTC").tz_convert(col.tz) if col.tz is not None else result

    for key in ("mean", "min", "max", "top", *_labels(probs)):
        stats[key] = stamp(stats[key])
    stats["std"] = pd.NaT if stats["std"] != stats["std"] else pd.Timedelta(round(stats["std"] * unit_ns), unit="ns")
    stats["skew"] = stats["kurtosis"] = math.nan
    return stats


def _string(col: prof.Prepared) -> dict:
    p = prof.string_profile(col, top=1, shapes=False)
    top, freq = p.top[0] if p.top else (None, 0)
    return {"count": p.rows - p.nulls, "missing": p.nulls, "distinct": p.distinct, "top": top, "freq": freq}


def _categorical(col: prof.Prepared) -> dict:
    counts, missing = prof.categorical_counts(col)
    best = int(np.argmax(counts)) if len(counts) and counts.max() > 0 else None
    top = None if best is None else col.categories[best].as_py()
    return {"count": col.rows - missing, "missing": missing, "distinct": int((counts > 0).sum()), "top": top,
            "freq": 0 if best is None else int(counts[best])}


def _column_stats(col: prof.Prepared, probs) -> dict:
    if col.kind == "string":
        return _string(col)
    if col.kind == "categorical":
        return _categorical(col)
    return _numeric(col, probs)


def describe(obj: Any, percentiles: Any = None) -> pd.Series | pd.DataFrame:
    """Summary statistics of a Series / array (a Series) or of every column of a frame (a DataFrame).

    Parameters
    ----------
    obj : Series, DataFrame, numpy array, pyarrow Array / ChunkedArray / Table
    percentiles : sequence of float, optional
        Quantiles to report, in [0, 1]; default 1, 5, 25, 50, 75, 95 and 99%.

    Returns
    -------
    Series (one column) or DataFrame (statistics as rows, columns as columns).

    Examples
    --------
    >>> import pandas as pd
    >>> d = describe(pd.Series([1.0, 2.0, 4.0, None]))
    >>> d[["count", "missing", "mean", "50%", "max"]].tolist()
    [3, 1, 2.3333333333333335, 2.0, 4.0]
    >>> describe(pd.Series(["a", "b", "a"]))[["distinct", "top", "freq"]].tolist()
    [2, 'a', 2]
    """
    probs = _check_percentiles(percentiles)
    index = ["count", "missing", "mean", "std", "min", *_labels(probs), "max", "skew", "kurtosis", "distinct",
             "top", "freq"]
    if isinstance(obj, (pd.DataFrame, pa.Table, pa.RecordBatch)):
        names = list(obj.columns) if isinstance(obj, pd.DataFrame) else obj.schema.names
        def stats_of(name):
            return _column_stats(prof.prepare(obj[name] if isinstance(obj, pd.DataFrame) else obj.column(name),
                                              name), probs)

        # Columns run side by side on the thread pool (the kernels release the GIL).
        threaded = get_backend().name == "native" and len(obj) >= MIN_ELEMENTS_PER_THREAD
        columns = dict(zip(names, parallel_map(stats_of, names, threaded)))
        frame = pd.DataFrame({name: pd.Series(stats, dtype=object) for name, stats in columns.items()},
                             index=index, columns=names)
        return frame
    col = prof.prepare(obj)
    stats = _column_stats(col, probs)
    return pd.Series(stats, dtype=object, name=col.name).reindex(index)
