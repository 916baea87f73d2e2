"""rt-pandas on Dask: the ``.rt`` accessors on Dask DataFrames and Series.

``import rt_pandas.dask`` registers ``ddf.rt`` and ``dds.rt`` through Dask's
own ``register_dataframe_accessor`` / ``register_series_accessor``. The work
is Dask's: every function that runs on a worker is defined at module level
here, so unpickling it imports this module, which registers the accessors on
the worker too.

* ``ddf.rt.quality(...)``: one :class:`~rt_pandas.QualityState` per
  partition (exact counts, Chan moments, min/max, exact keys or HyperLogLog
  and KLL sketches), merged pairwise in a tree of ``split_every`` states and
  finalised once on the client (docs/scale-out.md).
* ``dds.rt.anomaly_scores / is_anomaly / anomalies``: global statistics
  first (z-score: one reduction of Chan moments; IQR and MAD: exact
  quantiles by a sample-then-bracket selection), then ``map_partitions``
  scores every partition against them. ``"isolation_forest"`` fits on a
  sample gathered from all partitions and broadcasts the serialised forest.
* ``ddf.rt.anomaly_scores / anomalies``: a multivariate isolation forest over
  the frame's numeric ``columns``, fitted on a sample from every partition
  and scored with ``map_partitions`` (per-row score and top feature).
* element-wise math (``dds.rt.erf()``, ``exp``, ``clamp``, ...) as
  ``map_partitions``.

>>> import pandas as pd, dask.dataframe as dd, rt_pandas.dask
>>> ddf = dd.from_pandas(pd.DataFrame({"x": [1.0, 2.0, None, 2.0]}), npartitions=2)
>>> ddf.rt.quality(scheduler="sync").to_frame().loc["x", ["completeness", "uniqueness"]].tolist()
[0.75, 0.3333333333333333]
"""

from __future__ import annotations

import math
from typing import Any, Callable

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd

from . import anomaly as rt_anomaly
from .errors import ValidationError
from .quality import QualityReport, _check_threshold, check_weights
from .state import QualityState

__all__ = ["DaskFrameAccessor", "DaskSeriesAccessor", "ELEMENTWISE", "exact_quantiles", "fit_frame_forest",
           "quality"]

#: ``dds.rt`` methods that map one partition to one partition.
ELEMENTWISE = ("clamp", "atan2", "erf", "erfc", "exp", "expm1", "log", "log1p", "sinh", "cosh", "tanh", "asin",
               "acos", "atan")

SAMPLE_PER_PARTITION = 4096  # order statistics each partition sends to bracket a quantile


# ---------------------------------------------------------------- tree reduction


def _tree_reduce(parts: list, merge: Callable, split_every: int) -> Any:
    """Merge delayed values ``split_every`` at a time until one is left (Dask's reduction shape)."""
    if not parts:
        raise ValidationError("the collection has no partitions", "partitions")
    merge_many = dask.delayed(merge, pure=True)
    while len(parts) > 1:
        parts = [merge_many(*parts[i : i + split_every]) for i in range(0, len(parts), split_every)]
    return parts[0]


def _partitions(collection: Any) -> list:
    return list(collection.to_delayed(optimize_graph=True))


def _check_split_every(split_every: Any) -> int:
    if not (isinstance(split_every, int) and not isinstance(split_every, bool) and split_every >= 2):
        raise ValidationError(f"split_every must be an int >= 2, got {split_every!r}", "split_every")
    return split_every


# ---------------------------------------------------------------- quality


def partition_state(partition: pd.DataFrame | pd.Series, settings: dict, index: int = 0) -> bytes:
    """The serialised QualityState of one partition (runs on a worker); ``index`` seeds its sample."""
    state = QualityState(**settings)
    state.update(partition, seed=index)
    return state.to_bytes()


def merge_states(*payloads: bytes) -> bytes:
    """Several serialised states merged into one (runs on a worker)."""
    states = [QualityState.from_bytes(p) for p in payloads]
    merged = states[0]
    for state in states[1:]:
        merged = merged.merge(state)
    return merged.to_bytes()


def quality(collection: Any, threshold: float = 0.8, ranges: dict | None = None, rules: dict | None = None,
            weights: dict | None = None, k: float = 3.5, nan_as_missing: bool = True, *,
            exact_limit: int = 1_000_000, split_every: int = 8, **compute_kwargs: Any) -> QualityReport:
    """The quality report of a Dask DataFrame or Series, from per-partition states merged in a tree.

    Parameters
    ----------
    collection : dask DataFrame or Series
    threshold, ranges, rules, weights, k, nan_as_missing
        As in :func:`rt_pandas.quality.quality`.
    exact_limit : int
        While the collection has at most this many rows, states keep every
        value and the report is exact; beyond, every partition's state
        sketches from the start: HyperLogLog (0.81% standard error) and a KLL
        sketch fed a Bernoulli sample of each partition's values, sized from
        the collection's length (``QualityState(sample_rows=...)``).
    split_every : int
        States merged per task of the tree (>= 2).
    **compute_kwargs
        Passed to ``dask.compute`` (``scheduler=...``); by default the
        active ``distributed.Client`` or Dask's default scheduler.

    Returns
    -------
    QualityReport
        Equal to ``quality(collection.compute(), ...)`` while every column has
        at most ``exact_limit`` values (``report.exact`` says so).

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd, rt_pandas.dask
    >>> df = pd.DataFrame({"t": [5.0, 150.0, 7.0, None], "s": ["a", "b", "a", " "]})
    >>> r = dd.from_pandas(df, npartitions=3).rt.quality(ranges={"t": (0, 100)}, scheduler="sync")
    >>> r.to_frame().loc["t", ["completeness", "accuracy"]].tolist()
    [0.75, 0.6666666666666666]
    """
    threshold = _check_threshold(threshold)
    weights = check_weights(weights)
    split_every = _check_split_every(split_every)
    settings = {"ranges": ranges, "rules": rules, "k": k, "nan_as_missing": nan_as_missing,
                "exact_limit": exact_limit}
    QualityState(**settings)  # argument errors on the client, before any task runs
    if isinstance(collection, dd.DataFrame) and not collection.columns.is_unique:
        raise ValidationError("column names must be unique", "frame")
    (rows,) = dask.compute(collection.shape[0], **compute_kwargs)
    if rows > exact_limit:
        # The merged state would sketch anyway: partitions sketch from the start (a state of a few hundred KB
        # instead of every key, and no sketch rebuilt from exact keys at each merge). States merge only with
        # equal settings, so all of them use the same limit. Knowing the length, a partition sorts only a sample
        # for its KLL sketch, sized so that sampling adds no more rank error than the sketch has anyway.
        settings["exact_limit"] = 0
        settings["sample_rows"] = int(rows)
    states = [dask.delayed(partition_state, pure=True)(part, settings, index)
              for index, part in enumerate(_partitions(collection))]
    (payload,) = dask.compute(_tree_reduce(states, merge_states, split_every), **compute_kwargs)
    report = QualityState.from_bytes(payload).finalize(threshold, weights)
    if isinstance(collection, dd.Series):  # a column has no duplicate rows, as in the pandas report
        report = QualityReport(report.columns, rows=report.rows, threshold=threshold, weights=weights,
                               duplicate_rows=None, exact=report.exact)
    return report


# ---------------------------------------------------------------- exact quantiles


def _valid_values(part: pd.Series) -> np.ndarray:
    values = rt_anomaly._as_series(part)
    values = rt_anomaly._float_values_of(rt_anomaly.as_columns(values), "x") if len(values) else np.empty(0)
    return values[~np.isnan(values)]


def partition_sample(part: pd.Series, size: int) -> tuple[int, np.ndarray, np.ndarray]:
    """(valid count, evenly spaced order statistics, their 0-based ranks) of one partition."""
    values = np.sort(_valid_values(part))
    n = len(values)
    ranks = np.arange(n) if n <= size else np.unique(np.linspace(0, n - 1, size).round().astype(np.int64))
    return n, values[ranks], ranks


def partition_bracket(part: pd.Series, brackets: list[tuple[float, float]]) -> list[tuple[int, np.ndarray]]:
    """For each bracket [lo, hi]: (values below lo, the values inside) of one partition."""
    values = _valid_values(part)
    return [(int(np.count_nonzero(values < lo)), values[(values >= lo) & (values <= hi)]) for lo, hi in brackets]


def partition_deviations(part: pd.Series, centre: float) -> pd.Series:
    """``|x - centre|`` of one partition (the MAD's second selection)."""
    return pd.Series(np.abs(_valid_values(part) - centre))


def _bracket(samples: list, total: int, rank: int) -> tuple[float, float]:
    """Values around global ``rank`` from the partitions' samples, wide enough for their rank error."""
    values = np.concatenate([s[1] for s in samples])
    # A partition's sampled value at rank r stands for its ranks up to the next sampled one; global rank
    # estimates are then off by at most the sum of the partitions' sample steps: two steps either side leave margin.
    weights = np.concatenate([np.diff(np.append(r, n)) for n, _, r in samples])
    steps = sum(float(w.max()) for w in (np.diff(np.append(r, n)) for n, _, r in samples) if len(w))
    order = np.argsort(values, kind="stable")
    values, weights = values[order], weights[order]
    cumulative = np.cumsum(weights) - weights  # estimated values before each sampled one
    lo_i = np.searchsorted(cumulative, rank - 2 * steps, side="right") - 1
    hi_i = np.searchsorted(cumulative, rank + 2 * steps, side="left")
    lo = values[lo_i] if lo_i >= 0 else -math.inf
    hi = values[hi_i] if hi_i < len(values) else math.inf
    return float(lo), float(hi)


def exact_quantiles(series: Any, probs: list[float], **compute_kwargs: Any) -> list[float]:
    """Exact quantiles (numpy's "linear" rule) of a Dask Series' valid values, in two passes.

    Pass 1 gathers each partition's count and evenly spaced order statistics;
    they bracket each needed order statistic. Pass 2 counts the values below
    each bracket and gathers those inside, and the order statistic is
    selected exactly. A bracket that missed (it cannot while the samples'
    rank bound holds) is widened to everything and selected again.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd, rt_pandas.dask
    >>> s = dd.from_pandas(pd.Series([4.0, 1.0, None, 3.0, 2.0]), npartitions=2)
    >>> exact_quantiles(s, [0.25, 0.5], scheduler="sync")
    [1.75, 2.5]
    """
    parts = _partitions(series)
    samples = dask.compute(*[dask.delayed(partition_sample, pure=True)(p, SAMPLE_PER_PARTITION) for p in parts],
                           **compute_kwargs)
    total = sum(s[0] for s in samples)
    if total == 0:
        return [math.nan for _ in probs]
    positions = [(total - 1) * p for p in probs]
    ranks = sorted({r for h in positions for r in (math.floor(h), min(math.floor(h) + 1, total - 1))})
    brackets = [_bracket(samples, total, r) for r in ranks]
    chosen = _select(parts, ranks, brackets, compute_kwargs)
    missed = [r for r in ranks if chosen[r] is None]
    if missed:
        chosen.update(_select(parts, missed, [(-math.inf, math.inf)] * len(missed), compute_kwargs))
    result = []
    for h in positions:
        below, above = chosen[math.floor(h)], chosen[min(math.floor(h) + 1, total - 1)]
        fraction = h - math.floor(h)
        result.append(below if fraction == 0 or below == above else below + fraction * (above - below))
    return result


def _select(parts: list, ranks: list[int], brackets: list, compute_kwargs: dict) -> dict:
    found = dask.compute(*[dask.delayed(partition_bracket, pure=True)(p, brackets) for p in parts], **compute_kwargs)
    chosen = {}
    for i, rank in enumerate(ranks):
        below = sum(f[i][0] for f in found)
        inside = np.sort(np.concatenate([f[i][1] for f in found]))
        chosen[rank] = float(inside[rank - below]) if 0 <= rank - below < len(inside) else None
    return chosen


# ---------------------------------------------------------------- anomalies


def partition_moments(part: pd.Series) -> tuple[int, float, float]:
    """(count, mean, sum of squared deviations) of one partition's finite values."""
    values = _valid_values(part)
    values = values[np.isfinite(values)]
    if not len(values):
        return 0, 0.0, 0.0
    mean = float(values.mean())
    return len(values), mean, float(np.square(values - mean).sum())


def merge_moments(*moments: tuple[int, float, float]) -> tuple[int, float, float]:
    """Chan et al.'s pairwise update of (count, mean, M2)."""
    n, mean, m2 = 0, 0.0, 0.0
    for nb, mb, m2b in moments:
        if nb == 0:
            continue
        total = n + nb
        delta = mb - mean
        mean += delta * nb / total
        m2 += m2b + delta * delta * n * nb / total
        n = total
    return n, mean, m2


def _band(series: Any, method: str, split_every: int, compute_kwargs: dict) -> tuple[float, float, float]:
    """(lo, hi, scale) of a statistical method over the whole Series: score = outside [lo, hi] / scale."""
    if method == "zscore":
        parts = [dask.delayed(partition_moments, pure=True)(p) for p in _partitions(series)]
        (n, mean, m2), = dask.compute(_tree_reduce(parts, merge_moments, split_every), **compute_kwargs)
        if n == 0:
            return math.nan, math.nan, math.nan
        return mean, mean, math.sqrt(m2 / n)
    if method == "iqr":
        q1, _, q3 = exact_quantiles(series, [0.25, 0.5, 0.75], **compute_kwargs)
        return q1, q3, q3 - q1
    (median,) = exact_quantiles(series, [0.5], **compute_kwargs)
    deviations = series.map_partitions(partition_deviations, median, meta=pd.Series(dtype=np.float64))
    (mad,) = exact_quantiles(deviations, [0.5], **compute_kwargs)
    return median, median, 1.4826 * mad


def score_partition(part: pd.Series, lo: float, hi: float, scale: float) -> pd.Series:
    """Scores of one partition against global statistics: ``rt_anomaly_score_band``, the kernel
    ``rt_anomaly_statistical`` scores with (NaN everywhere when there were no statistics to take)."""
    series = rt_anomaly._as_series(part)
    if len(series) and all(math.isfinite(v) for v in (lo, hi, scale)):
        scores, _ = rt_anomaly._banded(series, "zscore", rt_anomaly.DEFAULT_THRESHOLDS["zscore"], (lo, hi, scale),
                                       want_flags=False)
    else:
        scores = np.full(len(series), np.nan)
    return pd.Series(scores, index=part.index, name=part.name)


def forest_partition(part: pd.Series, forest_bytes: bytes, params: dict) -> pd.Series:
    """Isolation-forest scores of one partition with the broadcast forest (NaN for nulls)."""
    forest = rt_anomaly.IsolationForest.from_bytes(forest_bytes, **params)
    values = rt_anomaly._float_values_of(rt_anomaly.as_columns(rt_anomaly._as_series(part)), "x") \
        if len(part) else np.empty(0)
    scores = np.full(len(values), np.nan)
    valid = ~np.isnan(values)
    if valid.any():
        scores[valid] = forest.anomaly_score(values[valid].reshape(-1, 1))
    return pd.Series(scores, index=part.index, name=part.name)


def flag_partition(scores: pd.Series, threshold: float) -> pd.Series:
    """Scores above ``threshold`` (NaN never is)."""
    return scores > threshold


def anomaly_frame(values: pd.Series, scores: pd.Series, threshold: float, method: str) -> pd.DataFrame:
    """The anomalous rows of one partition: ``value``, ``score``, ``method``."""
    flags = (scores > threshold).to_numpy()
    column = rt_anomaly._float_values_of(rt_anomaly.as_columns(rt_anomaly._as_series(values)), "x") \
        if len(values) else np.empty(0)
    return pd.DataFrame({"value": column[flags], "score": scores.to_numpy()[flags], "method": method},
                        index=values.index[flags])


def _forest(series: Any, params: dict, sample_size: int, compute_kwargs: dict):
    """Fit on up to ``sample_size`` valid values gathered from all partitions."""
    valid = series.dropna()
    total = int(dask.compute(valid.count(), **compute_kwargs)[0])
    if total == 0:
        raise ValidationError("the series has no valid values; cannot fit an isolation forest", "x")
    fraction = min(1.0, sample_size / total)
    seed = params.get("random_state")
    sample = valid.sample(frac=fraction, random_state=seed if isinstance(seed, int) else None) \
        if fraction < 1 else valid
    (values,) = dask.compute(sample, **compute_kwargs)
    forest = rt_anomaly._forest_from_params(params)
    forest.fit(rt_anomaly._float_values_of(rt_anomaly.as_columns(values), "x").reshape(-1, 1))
    return forest


def anomaly_scores(series: Any, method: str = "zscore", threshold: float | None = None, *,
                   split_every: int = 8, sample_size: int = 100_000, compute_kwargs: dict | None = None,
                   **params: Any) -> tuple[Any, float]:
    """Lazy scores of a Dask Series and the threshold that flags them; statistics are computed now."""
    method = rt_anomaly._method(method)
    if method == "seasonal":
        raise ValidationError("seasonal scoring needs the series in order on one worker; use "
                              "dds.compute().rt.anomalies('seasonal') or map_partitions with whole cycles", "method")
    if threshold is not None:
        threshold = rt_anomaly._threshold(threshold)
    split_every = _check_split_every(split_every)
    compute_kwargs = compute_kwargs or {}
    meta = pd.Series(dtype=np.float64, name=series.name)
    if method in rt_anomaly.STATISTICAL_METHODS:
        if params:
            raise ValidationError(f"method {method!r} takes no parameters besides threshold, got {sorted(params)}",
                                  "params")
        if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_complex_dtype(series.dtype):
            raise ValidationError(f"x must be a numeric column, got dtype {series.dtype}", "x")
        lo, hi, scale = _band(series, method, split_every, compute_kwargs)
        scores = series.map_partitions(score_partition, lo, hi, scale, meta=meta)
        return scores, threshold or rt_anomaly.DEFAULT_THRESHOLDS[method]
    if not (isinstance(sample_size, int) and sample_size >= 1):
        raise ValidationError(f"sample_size must be an int >= 1, got {sample_size!r}", "sample_size")
    forest = _forest(series, params, sample_size, compute_kwargs)
    payload = dask.delayed(forest.to_bytes(), pure=True)  # one copy in the graph, shared by every partition
    scores = series.map_partitions(forest_partition, payload, {}, meta=meta)
    return scores, threshold if threshold is not None else -forest.offset_


# ---------------------------------------------------------------- frame isolation forest


def forest_frame_scores(part: pd.DataFrame, columns: list, forest_bytes: bytes) -> pd.Series:
    """Isolation-forest score of every row of one partition over ``columns`` (runs on a worker)."""
    X, _ = rt_anomaly._matrix(part[columns])
    scores = rt_anomaly.IsolationForest.from_bytes(forest_bytes).anomaly_score(X) if len(X) else np.empty(0)
    return pd.Series(scores, index=part.index, name="score")


def forest_frame_anomalies(part: pd.DataFrame, columns: list, forest_bytes: bytes, threshold: float | None,
                           method: str) -> pd.DataFrame:
    """The anomalous rows of one partition, as ``df.rt.anomalies`` gives them (runs on a worker)."""
    forest = rt_anomaly.IsolationForest.from_bytes(forest_bytes)
    X, _ = rt_anomaly._matrix(part[columns])
    scores = forest.anomaly_score(X) if len(X) else np.empty(0)
    flags = rt_anomaly.forest_flags(forest, X, scores, threshold)
    return rt_anomaly.anomaly_rows(part, columns, X, scores, flags, forest, method)


def _frame_columns(frame: Any, columns: Any) -> list:
    """The numeric columns of a Dask DataFrame that ``columns`` names (default: all), checked as pandas does."""
    return rt_anomaly.anomaly_columns(frame._meta, columns)


def fit_frame_forest(frame: Any, columns: Any = None, *, sample_size: int = 100_000,
                     compute_kwargs: dict | None = None, **params: Any) -> tuple[list, "rt_anomaly.IsolationForest"]:
    """(columns, forest fitted on up to ``sample_size`` rows sampled from every partition).

    The sample is ``frame.sample(frac=sample_size / rows)`` (all rows, in
    order, when the frame has at most ``sample_size``), so with a small frame
    the forest is the one ``df.rt.anomalies`` fits on the whole frame.

    >>> import pandas as pd, dask.dataframe as dd, rt_pandas.dask
    >>> ddf = dd.from_pandas(pd.DataFrame({"a": [1.0, 1.1, 0.9, 9.0], "b": [2.0, 2.1, 1.9, 2.0]}), npartitions=2)
    >>> cols, forest = fit_frame_forest(ddf, random_state=0, compute_kwargs={"scheduler": "sync"})
    >>> cols, forest.n_features_in_
    (['a', 'b'], 2)
    """
    cols = _frame_columns(frame, columns)
    if not (isinstance(sample_size, int) and not isinstance(sample_size, bool) and sample_size >= 1):
        raise ValidationError(f"sample_size must be an int >= 1, got {sample_size!r}", "sample_size")
    compute_kwargs = compute_kwargs or {}
    forest = rt_anomaly._forest_from_params(params)
    (rows,) = dask.compute(frame.shape[0], **compute_kwargs)
    if rows == 0:
        raise ValidationError("the frame has no rows; cannot fit an isolation forest", "frame")
    selected = frame[cols]
    if rows > sample_size:
        seed = params.get("random_state")
        selected = selected.sample(frac=sample_size / rows, random_state=seed if isinstance(seed, int) else None)
    (sample,) = dask.compute(selected, **compute_kwargs)
    X, _ = rt_anomaly._matrix(sample)
    return cols, forest.fit(X)


def _frame_forest(frame: Any, method: str, columns: Any, params: dict) -> tuple[list, Any, Any]:
    rt_anomaly._check_frame_method(method)
    forest = params.pop("forest", None)
    if forest is None:
        cols, forest = fit_frame_forest(frame, columns, **params)
    else:
        cols = _frame_columns(frame, columns)
        unused = sorted(set(params) - {"compute_kwargs"})
        if unused:
            raise ValidationError(f"a fitted forest was given; {unused} would not be used", "params")
    return cols, forest, dask.delayed(forest.to_bytes(), pure=True)  # one copy in the graph


# ---------------------------------------------------------------- element-wise math


def apply_method(part: pd.Series, name: str, args: tuple, kwargs: dict) -> pd.Series:
    """``part.rt.<name>(*args, **kwargs)`` on one partition (runs on a worker)."""
    return getattr(part.rt, name)(*args, **kwargs)


def apply_binary(part: pd.Series, other: pd.Series, name: str) -> pd.Series:
    """``part.rt.<name>(other)`` for two aligned partitions (``atan2`` of two Dask Series)."""
    return getattr(part.rt, name)(other)


def _elementwise(series: Any, name: str) -> Callable:
    def method(*args: Any, **kwargs: Any) -> Any:
        if name == "atan2" and args and isinstance(args[0], dd.Series):
            meta = apply_binary(series._meta_nonempty, args[0]._meta_nonempty, name).iloc[:0]
            return series.map_partitions(apply_binary, args[0], name, meta=meta)
        meta = apply_method(series._meta_nonempty, name, args, kwargs).iloc[:0]
        return series.map_partitions(apply_method, name, args, kwargs, meta=meta)

    method.__name__ = name
    method.__doc__ = f"``{name}`` of every value, partition by partition (see ``pandas.Series.rt.{name}``)."
    return method


# ---------------------------------------------------------------- accessors


@dd.extensions.register_series_accessor("rt")
class DaskSeriesAccessor:
    """``dds.rt``: the pandas ``s.rt`` methods on a Dask Series.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd, rt_pandas.dask
    >>> s = dd.from_pandas(pd.Series([0.0, 1.0, None, 9.0] * 3), npartitions=3)
    >>> s.rt.erf().compute().round(4).tolist()[:3]
    [0.0, 0.8427, nan]
    >>> t = dd.from_pandas(pd.Series([1.0, 2.0, None, 2.0, 3.0, 40.0]), npartitions=3)
    >>> t.rt.anomaly_scores("iqr", compute_kwargs={"scheduler": "sync"}).compute(scheduler="sync").tolist()
    [1.0, 0.0, nan, 0.0, 0.0, 37.0]
    """

    def __init__(self, series: Any) -> None:
        self._series = series

    def __getattr__(self, name: str) -> Any:
        if name in ELEMENTWISE:
            return _elementwise(self._series, name)
        raise AttributeError(f"dds.rt has no method {name!r}")

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *ELEMENTWISE})

    def quality(self, threshold: float = 0.8, ranges: Any = None, rule: Any = None, weights: dict | None = None,
                k: float = 3.5, nan_as_missing: bool = True, **kwargs: Any) -> QualityReport:
        """The QualityReport of this column; see :func:`rt_pandas.dask.quality`."""
        name = self._series.name
        return quality(self._series, threshold, None if ranges is None else {name: ranges},
                       None if rule is None else {name: rule}, weights, k, nan_as_missing, **kwargs)

    def anomaly_scores(self, method: str = "zscore", threshold: float | None = None, **params: Any) -> Any:
        """Lazy scores (a Dask Series); the global statistics are computed when this is called.

        ``split_every``, ``sample_size`` (isolation forest training rows) and
        ``compute_kwargs`` (for the statistics) may be given with ``params``.
        """
        return anomaly_scores(self._series, method, threshold, **params)[0]

    def is_anomaly(self, method: str = "zscore", threshold: float | None = None, **params: Any) -> Any:
        """Lazy boolean flags (a Dask Series): score above the method's threshold."""
        scores, cut = anomaly_scores(self._series, method, threshold, **params)
        return scores.map_partitions(flag_partition, cut, meta=pd.Series(dtype=bool, name=self._series.name))

    def anomalies(self, method: str = "zscore", threshold: float | None = None, **params: Any) -> Any:
        """Lazy anomalous rows (a Dask DataFrame of ``value``, ``score``, ``method``), as the pandas method."""
        scores, cut = anomaly_scores(self._series, method, threshold, **params)
        meta = pd.DataFrame({"value": pd.Series(dtype=np.float64), "score": pd.Series(dtype=np.float64),
                             "method": pd.Series(dtype=object)})
        return self._series.map_partitions(anomaly_frame, scores, cut, method, meta=meta)


@dd.extensions.register_dataframe_accessor("rt")
class DaskFrameAccessor:
    """``ddf.rt``: the pandas ``df.rt.quality``, ``anomaly_scores`` and ``anomalies`` on a Dask DataFrame."""

    def __init__(self, frame: Any) -> None:
        self._frame = frame

    def quality(self, threshold: float = 0.8, ranges: dict | None = None, rules: dict | None = None,
                weights: dict | None = None, k: float = 3.5, nan_as_missing: bool = True,
                **kwargs: Any) -> QualityReport:
        """See :func:`rt_pandas.dask.quality`.

        >>> import pandas as pd, dask.dataframe as dd, rt_pandas.dask
        >>> ddf = dd.from_pandas(pd.DataFrame({"a": [1, 1, 2, 2, 3]}), npartitions=2)
        >>> ddf.rt.quality(scheduler="sync").duplicate_rows
        2
        """
        return quality(self._frame, threshold, ranges, rules, weights, k, nan_as_missing, **kwargs)

    def anomaly_scores(self, method: str = "isolation_forest", columns: Any = None, **params: Any) -> Any:
        """Lazy per-row isolation forest scores (a Dask Series named ``score``), as ``df.rt.anomaly_scores``.

        The forest is fitted now on a sample from every partition
        (:func:`fit_frame_forest`: ``sample_size``, ``compute_kwargs`` and the
        :class:`~rt_pandas.anomaly.IsolationForest` parameters), or given
        fitted as ``forest=``; it is serialised once into the graph and every
        partition is scored with ``map_partitions``.
        """
        cols, forest, payload = _frame_forest(self._frame, method, columns, params)
        return self._frame.map_partitions(forest_frame_scores, cols, payload,
                                          meta=pd.Series(dtype=np.float64, name="score"))

    def anomalies(self, method: str = "isolation_forest", columns: Any = None, threshold: float | None = None,
                  **params: Any) -> Any:
        """Lazy anomalous rows (a Dask DataFrame), as ``df.rt.anomalies``: the rows' ``columns``, ``score``,
        ``method``, ``top_feature`` and ``top_feature_share``; see :meth:`anomaly_scores` for the fit.

        >>> import pandas as pd, dask.dataframe as dd, rt_pandas.dask
        >>> df = pd.DataFrame({"a": [1.0, 1.1, 0.9, 1.0, 1.05, 0.95] * 5 + [1.0],
        ...                    "b": [2.0, 2.1, 1.9, 2.0, 2.05, 1.95] * 5 + [40.0]})
        >>> ddf = dd.from_pandas(df, npartitions=3)
        >>> found = ddf.rt.anomalies(contamination=0.03, random_state=0, compute_kwargs={"scheduler": "sync"})
        >>> found.compute(scheduler="sync")[["b", "top_feature"]]
               b top_feature
        30  40.0           b
        """
        if threshold is not None:
            threshold = rt_anomaly._threshold(threshold)
        cols, forest, payload = _frame_forest(self._frame, method, columns, params)
        meta = forest_frame_anomalies(self._frame._meta, cols, forest.to_bytes(), threshold, method)
        return self._frame.map_partitions(forest_frame_anomalies, cols, payload, threshold, method, meta=meta)
