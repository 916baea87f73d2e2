"""Anomaly detection: statistical scores, Isolation Forest, streaming and seasonal.

Every score is "higher is more anomalous" and every detector flags a value
when its score exceeds ``threshold``. Nulls (and NaN) get a NaN score and are
never anomalies; they never enter a statistic.

========================  =====================================================  =================
method                    score                                                  default threshold
========================  =====================================================  =================
``"zscore"``              ``|x - mean| / std`` (population std)                  3.0
``"iqr"``                 distance outside ``[Q1, Q3]`` in IQRs (Tukey fences)   1.5
``"mad"``                 ``|x - median| / (1.4826 * MAD)``                      3.5
``"isolation_forest"``    ``2 ** (-E[h(x)] / c(psi))`` in (0, 1]                 0.5 ("auto")
``"seasonal"``            robust z-score of the STL residual                     3.5
========================  =====================================================  =================

A zero scale (constant data) scores values equal to the centre 0 and any
other value +inf, which is what the fences say; no division by zero.

>>> import pandas as pd, rt_pandas
>>> s = pd.Series([1.0, 1.2, 0.9, None, 1.1, 9.0, 1.0], index=list("abcdefg"))
>>> s.rt.anomalies(method="mad")
   value      score method
f    9.0  53.622015    mad
"""

from __future__ import annotations

import functools
import math
import numbers
import os
import threading
import time
import warnings
import weakref
from typing import Any

import numpy as np
import pandas as pd

from . import _serial, _threads
from ._backend import NULL, In, InValue, Out, OutValue, Ptr, get_backend
from ._columns import DTYPE_CODES, ColumnInput, as_columns, bool_values, unpack_bits
from .errors import ValidationError

__all__ = [
    "IsolationForest",
    "StreamingDetector",
    "anomalies",
    "anomaly_scores",
    "anomaly_statistics",
    "is_anomaly",
    "seasonal_decompose",
    "detect_period",
    "SeriesAnomalyMethods",
    "FrameAnomalyMethods",
]

STATISTICAL_METHODS = {"zscore": 1, "iqr": 2, "mad": 3}
# The statistics each statistical method scores against (anomaly_statistics, statistics=...).
STATISTICS_KEYS = {"zscore": ("mean", "std"), "iqr": ("q1", "q3"), "mad": ("median", "mad")}
MAD_NORMAL_SCALE = 1.4826
DEFAULT_THRESHOLDS = {"zscore": 3.0, "iqr": 1.5, "mad": 3.5, "isolation_forest": None, "seasonal": 3.5}
METHODS = tuple(DEFAULT_THRESHOLDS)
# Format of IsolationForest.to_bytes: the envelope around (score offset, the C forest bytes).
FOREST_BYTES_VERSION = 1


# ---------------------------------------------------------------- inputs


def _threshold(value: Any, name: str = "threshold") -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value <= 0:
        raise ValidationError(f"{name} must be a finite number > 0, got {value!r}", name)
    return float(value)


def _positive_int(value: Any, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValidationError(f"{name} must be an integer >= {minimum}, got {value!r}", name)
    return int(value)


def _as_series(x: Any) -> pd.Series:
    if isinstance(x, pd.Series):
        return x
    if isinstance(x, pd.DataFrame):
        raise ValidationError("expected one column (a Series or 1-D array), got a DataFrame", "x")
    source = as_columns(x)  # validates and gives Arrow / numpy a common path
    values = _float_values_of(source, "x")
    return pd.Series(values, copy=False)  # pandas 3 would copy a numpy array by default


def _float_values_of(source, name: str) -> np.ndarray:
    """All rows of a column as one float64 array, NaN for nulls (a copy unless already float64 without nulls)."""
    parts = []
    for view in source.chunks:
        if view.kind not in ("numeric", "bool"):
            raise ValidationError(f"{name} must be a numeric column, got a {view.kind} column", name)
        values = bool_values(view) if view.kind == "bool" else view.logical_values()
        if values.dtype.kind not in "fiub":
            raise ValidationError(f"{name} must be a numeric column, got dtype {values.dtype}", name)
        if view.validity is not None:
            bits = unpack_bits(view.validity, view.offset, view.length)
            values = np.where(bits.astype(bool), values, np.nan)
        parts.append(np.asarray(values, dtype=np.float64))
    if not parts:
        return np.empty(0)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _column_args(series: pd.Series, name: str) -> tuple:
    """(dtype code, data, validity, offset, length) of a Series for a column kernel, zero-copy when possible."""
    source = as_columns(series)
    if len(source.chunks) == 1:
        view = source.chunks[0]
        if view.kind not in ("numeric", "bool"):
            raise ValidationError(f"{name} must be a numeric column, got a {view.kind} column", name)
        if view.kind == "numeric" and view.dtype in DTYPE_CODES:
            validity = In(view.validity) if view.validity is not None else NULL
            return DTYPE_CODES[view.dtype], In(view.values), validity, view.offset, view.length
    values = _float_values_of(source, name)
    return DTYPE_CODES[np.dtype(np.float64)], In(values), NULL, 0, len(values)


def _matrix(X: Any, name: str = "X") -> tuple[np.ndarray, list | None]:
    """X as a C-contiguous float64 matrix, and its column names if it is a DataFrame."""
    names = None
    if isinstance(X, pd.DataFrame):
        names = [str(c) for c in X.columns]
        bad = [c for c, t in X.dtypes.items()
               if not (pd.api.types.is_numeric_dtype(t) or pd.api.types.is_bool_dtype(t))]
        if bad:
            raise ValidationError(f"{name} has non-numeric columns: {bad}", name)
        X = X.astype("float64").to_numpy(dtype=np.float64, na_value=np.nan)
    try:
        X = np.asarray(X)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"cannot read {name} as a numeric matrix: {exc}", name) from exc
    if X.dtype.kind not in "fiub":
        raise ValidationError(f"{name} must be numeric, got dtype {X.dtype}", name)
    if X.ndim == 1:
        raise ValidationError(f"{name} must be 2-D (n_samples, n_features); reshape a single feature with "
                              "X.reshape(-1, 1)", name)
    if X.ndim != 2:
        raise ValidationError(f"{name} must be 2-D, got {X.ndim} dimensions", name)
    if X.shape[1] < 1:
        raise ValidationError(f"{name} has no features", name)
    return np.ascontiguousarray(X, dtype=np.float64), names


# ---------------------------------------------------------------- statistical


def _statistical(series: pd.Series, method: str, threshold: float,
                 want_flags: bool = True) -> tuple[np.ndarray, np.ndarray | None, dict]:
    """Scores, flags (if wanted) and the C summary of a statistical method on one column.

    The statistics take one C call; the scoring pass (two thirds of the memory traffic) is split
    across the thread pool for large columns, each slice scored against the whole column's summary,
    so the result has the same bits for every thread count.
    """
    backend = get_backend()
    column = _column_args(series, "x")
    code, data, validity, offset, length = column
    scores = backend.empty(length, np.float64)
    flags = backend.empty(length, np.uint8) if want_flags else None
    summary = _statistics_summary(column, method, threshold)
    counts = np.zeros(2, np.int64)  # flagged, valid
    lock = threading.Lock()

    def run(start: int, stop: int) -> None:
        part = backend.empty(2, np.int64)
        backend.run("rt_anomaly_score_summary", STATISTICAL_METHODS[method], threshold, InValue("rt_anomaly_summary",
                    summary), code, data, validity, offset + start, stop - start, Out(scores[start:stop]),
                    Out(flags[start:stop]) if want_flags else NULL, Out(part))
        with lock:
            counts[:] += part

    _threads.parallel_ranges(length, run, threaded=backend.name == "native")
    summary = dict(summary, anomalies=int(counts[0]), count=int(counts[1]))
    return scores, flags.view(bool) if want_flags else None, summary


def _statistics_summary(column: tuple, method: str, threshold: float) -> dict:
    """The C summary (centre, scale, fences, quartiles) of a statistical method on ``_column_args``, unscored."""
    code, data, validity, offset, length = column
    return get_backend().run("rt_anomaly_statistical", STATISTICAL_METHODS[method], threshold, code, data, validity,
                             offset, length, NULL, NULL, OutValue("rt_anomaly_summary"))


def _method(method: Any) -> str:
    if method not in METHODS:
        raise ValidationError(f"method must be one of {list(METHODS)}, got {method!r}", "method")
    return method


def _band(method: str, statistics: Any, name: str = "statistics") -> tuple[float, float, float]:
    """(lo, hi, scale) of ``statistics`` for ``method``: score = distance outside [lo, hi] / scale.

    >>> _band("iqr", {"q1": 1.0, "q3": 3.0})
    (1.0, 3.0, 2.0)
    """
    keys = STATISTICS_KEYS[method]
    if not isinstance(statistics, dict) or set(statistics) != set(keys):
        got = sorted(statistics) if isinstance(statistics, dict) else type(statistics).__name__
        raise ValidationError(f"{name} for method {method!r} must be a dict with exactly the keys "
                              f"{list(keys)}, got {got}", name)
    values = []
    for key in keys:
        value = statistics[key]
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
            raise ValidationError(f"{name}[{key!r}] must be a finite number, got {value!r}", name)
        values.append(float(value))
    first, second = values
    if method == "iqr":
        if first > second:
            raise ValidationError(f"{name}: q1 ({first}) must not exceed q3 ({second})", name)
        return first, second, second - first
    if second < 0:
        raise ValidationError(f"{name}[{keys[1]!r}] must be >= 0, got {second}", name)
    return first, first, second * MAD_NORMAL_SCALE if method == "mad" else second


def _view_args(view, name: str) -> tuple:
    """(dtype code, data, validity, offset, length) of one ColumnView for a column kernel (no copy for the
    five kernel dtypes; other numeric types become float64)."""
    if view.kind != "numeric":
        raise ValidationError(f"{name} must be a numeric column, got a {view.kind} column", name)
    validity = In(view.validity) if view.validity is not None else NULL
    if view.dtype in DTYPE_CODES:
        return DTYPE_CODES[view.dtype], In(view.values), validity, view.offset, view.length
    values = _float_values_of(ColumnInput("view", [view]), name)  # float64 copy, NaN for nulls
    return DTYPE_CODES[np.dtype(np.float64)], In(values), NULL, 0, view.length


def score_view(view, method: str, threshold: float | None = None, band: tuple | None = None,
               want_flags: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """Scores (and flags) of one column view, in pool memory: the column's own statistics, or ``band``
    = (lo, hi, scale) from :func:`_band`. No pandas, no copy of float64 input; the GIL is released
    while the kernel runs. What the Flight worker calls per batch.

    >>> import pyarrow as pa
    >>> from rt_pandas._columns import as_columns
    >>> view = as_columns(pa.array([1.0, None, 3.0, 9.0])).chunks[0]
    >>> scores, flags = score_view(view, "zscore", band=(2.0, 2.0, 0.5), want_flags=True)
    >>> scores.tolist(), flags.tolist()
    ([2.0, nan, 2.0, 14.0], [False, False, False, True])
    """
    backend = get_backend()
    threshold = threshold or DEFAULT_THRESHOLDS[method]
    code, data, validity, offset, length = _view_args(view, "x")
    scores = backend.empty(length, np.float64)
    flags = backend.empty(length, np.uint8) if want_flags else None
    flags_arg = Out(flags) if want_flags else NULL
    if band is None:
        backend.run("rt_anomaly_statistical", STATISTICAL_METHODS[method], threshold, code, data, validity, offset,
                    length, Out(scores), flags_arg, NULL)
    else:
        lo, hi, scale = band
        backend.run("rt_anomaly_score_band", lo, hi, scale, threshold, code, data, validity, offset, length,
                    Out(scores), flags_arg, NULL)
    return scores, flags.view(bool) if want_flags else None


def _banded(series: pd.Series, method: str, threshold: float, band: tuple,
            want_flags: bool) -> tuple[np.ndarray, np.ndarray | None]:
    source = as_columns(series)
    if len(source.chunks) == 1:
        return score_view(source.chunks[0], method, threshold, band, want_flags)
    values = _float_values_of(source, "x")
    return score_view(as_columns(values).chunks[0], method, threshold, band, want_flags)


def _score_and_flag(series: pd.Series, method: str, threshold: Any, params: dict,
                    want_flags: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Scores and anomaly flags (None unless ``want_flags``, for the statistical methods) by `method`."""
    method = _method(method)
    if threshold is not None:
        threshold = _threshold(threshold)
    if method in STATISTICAL_METHODS:
        if set(params) - {"statistics"}:
            raise ValidationError(f"method {method!r} takes no parameters besides threshold and statistics, "
                                  f"got {sorted(params)}", "params")
        threshold = threshold or DEFAULT_THRESHOLDS[method]
        if params.get("statistics") is not None:
            return _banded(series, method, threshold, _band(method, params["statistics"]), want_flags)
        scores, flags, _ = _statistical(series, method, threshold, want_flags)
        return scores, flags
    if method == "isolation_forest":
        return _series_isolation_forest(series, threshold, params)
    return _series_seasonal(series, threshold or DEFAULT_THRESHOLDS["seasonal"], params)


def anomaly_statistics(x: Any, method: str = "zscore") -> dict:
    """The statistics a statistical method scores ``x`` against, to score other data the same way.

    ``zscore``: ``{"mean", "std"}`` (finite values, population std); ``iqr``:
    ``{"q1", "q3"}``; ``mad``: ``{"median", "mad"}`` (the raw MAD; scores divide
    by 1.4826 * mad). Pass the dict as ``statistics=`` to :func:`anomaly_scores`
    (or to a Flight worker) to score a batch against a whole table, a reference
    sample or an earlier stream instead of the batch's own statistics.

    Examples
    --------
    >>> import numpy as np
    >>> from rt_pandas.anomaly import anomaly_statistics, anomaly_scores
    >>> anomaly_statistics(np.array([1.0, 2.0, 3.0, 4.0]))
    {'mean': 2.5, 'std': 1.118033988749895}
    >>> anomaly_scores(np.array([2.5, 10.0]), statistics={"mean": 2.5, "std": 1.25}).tolist()
    [0.0, 6.0]
    """
    method = _method(method)
    if method not in STATISTICAL_METHODS:
        raise ValidationError(f"method must be one of {list(STATISTICAL_METHODS)}, got {method!r}", "method")
    summary = _statistics_summary(_column_args(_as_series(x), "x"), method, DEFAULT_THRESHOLDS[method])
    if method == "zscore":
        return {"mean": summary["center"], "std": summary["scale"]}
    if method == "iqr":
        return {"q1": summary["q1"], "q3": summary["q3"]}
    return {"median": summary["center"], "mad": summary["scale"] / MAD_NORMAL_SCALE}


def anomaly_scores(x: Any, method: str = "zscore", threshold: float | None = None, **params) -> pd.Series:
    """Anomaly score of every row: higher is more anomalous, NaN for nulls.

    Parameters
    ----------
    x : Series or array-like
        A numeric column (numpy, pandas, Arrow).
    method : {"zscore", "iqr", "mad", "isolation_forest", "seasonal"}
        See the module docstring for what each score means.
    threshold : float, optional
        Only used by the isolation forest (to decide flags); scores do not depend on it.
    **params
        Method parameters: ``n_estimators``, ``max_samples``, ``contamination``,
        ``random_state`` for ``"isolation_forest"``; ``period``, ``robust``,
        ``mode`` for ``"seasonal"`` (see :func:`seasonal_decompose`);
        ``statistics`` for the statistical methods: score against given
        statistics (see :func:`anomaly_statistics`) instead of ``x``'s own.

    Returns
    -------
    Series of float64, aligned with ``x`` (same index and name).

    Examples
    --------
    >>> import pandas as pd, rt_pandas
    >>> pd.Series([1.0, 2.0, 3.0, None]).rt.anomaly_scores("zscore").round(4).tolist()
    [1.2247, 0.0, 1.2247, nan]
    """
    series = _as_series(x)
    scores, _ = _score_and_flag(series, method, threshold, params, want_flags=False)
    return pd.Series(np.asarray(scores, dtype=np.float64), index=series.index, name=series.name, copy=False)


def is_anomaly(x: Any, method: str = "zscore", threshold: float | None = None, **params) -> pd.Series:
    """True where a row is an anomaly (its score exceeds ``threshold``); nulls are never anomalies.

    Parameters are those of :func:`anomaly_scores`; ``threshold`` defaults per
    method (zscore 3, iqr 1.5, mad 3.5, seasonal 3.5, isolation forest: its
    ``contamination`` rule).

    Examples
    --------
    >>> import pandas as pd, rt_pandas
    >>> pd.Series([1, 2, 3, 2, 40]).rt.is_anomaly("iqr").tolist()
    [False, False, False, False, True]
    """
    series = _as_series(x)
    _, flags = _score_and_flag(series, method, threshold, params)
    return pd.Series(np.asarray(flags, dtype=bool), index=series.index, name=series.name, copy=False)


def anomalies(x: Any, method: str = "zscore", threshold: float | None = None, **params) -> pd.DataFrame:
    """The anomalous rows: a DataFrame with columns ``value``, ``score``, ``method``, indexed like ``x``.

    Parameters are those of :func:`anomaly_scores`.

    Examples
    --------
    >>> import pandas as pd, rt_pandas
    >>> pd.Series([10.0, 11, 10, 12, 11, 50], name="load").rt.anomalies("iqr")
       value  score method
    5   50.0   25.5    iqr
    """
    series = _as_series(x)
    scores, flags = _score_and_flag(series, method, threshold, params)
    flags = np.asarray(flags, dtype=bool)
    values = _float_values_of(as_columns(series), "x") if len(series) else np.empty(0)
    return pd.DataFrame(
        {"value": values[flags], "score": np.asarray(scores)[flags], "method": method},
        index=series.index[flags],
    )


# ---------------------------------------------------------------- handles


def _free_handle(backend, function: str, address: int) -> None:
    try:
        backend.run(function, Ptr(address))
    except Exception:  # pragma: no cover - at interpreter exit the wasm instance may be gone
        pass


def _random_seed(random_state: Any) -> int:
    if random_state is None:
        return int(np.random.randint(0, 2**31 - 1))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**31 - 1))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**63 - 1))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool) and random_state >= 0:
        return int(random_state)
    raise ValidationError(f"random_state must be None, a non-negative int, a RandomState or a Generator, "
                          f"got {random_state!r}", "random_state")


# ---------------------------------------------------------------- isolation forest


class IsolationForest:
    """Isolation Forest with scikit-learn's parameters, attributes and sign conventions.

    The same algorithm as :class:`sklearn.ensemble.IsolationForest`: each of
    ``n_estimators`` trees is grown on ``min(max_samples, n)`` rows drawn
    without replacement, each node splits a random non-constant feature at a
    uniform random threshold, depth is capped at ``ceil(log2(max_samples))``,
    and a row's score is ``2 ** (-E[h(x)] / c(max_samples))`` where ``h`` is
    its path length plus ``c(n)`` at the leaf. Trees are stored flat in C and
    scored several rows at a time with SIMD, without the GIL.

    NaN is accepted: a NaN feature value is ignored when a node's range is
    found and always goes to the right child, so rows with missing features
    are scored rather than rejected.

    Parameters
    ----------
    n_estimators : int, default 100
    max_samples : "auto", int or float, default "auto"
        "auto" is ``min(256, n_samples)``; a float is a fraction of the rows.
        More than ``n_samples`` uses all rows, with a warning (as scikit-learn).
    contamination : "auto" or float in (0, 0.5], default "auto"
        "auto" puts ``offset_`` at -0.5 (the original paper's rule); a float
        puts it at that quantile of the training scores.
    random_state : None, int, RandomState or Generator
    n_jobs : int or None, default 1
        Threads used to score (-1: all cores). Fitting is single-threaded and cheap.

    Attributes
    ----------
    offset_ : float
    max_samples_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str (only when fitted on a DataFrame)

    Examples
    --------
    >>> import numpy as np
    >>> from rt_pandas.anomaly import IsolationForest
    >>> X = np.r_[np.random.default_rng(0).normal(size=(200, 2)), [[8.0, 8.0]]]
    >>> forest = IsolationForest(n_estimators=50, random_state=0).fit(X)
    >>> int(forest.predict(X)[-1]), forest.score_samples(X).shape
    (-1, (201,))
    >>> restored = IsolationForest.from_bytes(forest.to_bytes())
    >>> bool(np.array_equal(restored.score_samples(X), forest.score_samples(X)))
    True
    """

    def __init__(self, n_estimators: int = 100, max_samples: Any = "auto", contamination: Any = "auto",
                 random_state: Any = None, n_jobs: int | None = 1) -> None:
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.contamination = contamination
        self.random_state = random_state
        self.n_jobs = n_jobs
        self._handle = 0
        self._backend = None
        self._finalizer = None

    # --- parameters

    def get_params(self, deep: bool = True) -> dict:
        """The constructor parameters (scikit-learn's estimator protocol)."""
        return {name: getattr(self, name) for name in
                ("n_estimators", "max_samples", "contamination", "random_state", "n_jobs")}

    def set_params(self, **params) -> "IsolationForest":
        """Set constructor parameters; returns self."""
        for name, value in params.items():
            if name not in self.get_params():
                raise ValidationError(f"unknown parameter {name!r}", name)
            setattr(self, name, value)
        return self

    def _threads(self) -> int:
        if self.n_jobs is None:
            return 1
        if isinstance(self.n_jobs, bool) or not isinstance(self.n_jobs, numbers.Integral) or self.n_jobs == 0:
            raise ValidationError(f"n_jobs must be a non-zero integer or None, got {self.n_jobs!r}", "n_jobs")
        return (os.cpu_count() or 1) if self.n_jobs < 0 else int(self.n_jobs)

    def _psi(self, n_rows: int) -> int:
        ms = self.max_samples
        if ms == "auto":
            return min(256, n_rows)
        if isinstance(ms, numbers.Integral) and not isinstance(ms, bool):
            if ms < 1:
                raise ValidationError(f"max_samples must be >= 1, got {ms}", "max_samples")
            if ms > n_rows:
                warnings.warn(f"max_samples ({ms}) is greater than the number of samples ({n_rows}); "
                              "all samples will be used", UserWarning, stacklevel=3)
                return n_rows
            return int(ms)
        if isinstance(ms, numbers.Real) and not isinstance(ms, bool) and 0.0 < ms <= 1.0:
            return max(1, int(ms * n_rows))
        raise ValidationError(f"max_samples must be 'auto', an int >= 1 or a float in (0, 1], got {ms!r}",
                              "max_samples")

    def _check_contamination(self) -> None:
        c = self.contamination
        if c == "auto":
            return
        if isinstance(c, bool) or not isinstance(c, numbers.Real) or not 0.0 < c <= 0.5:
            raise ValidationError(f"contamination must be 'auto' or a float in (0, 0.5], got {c!r}", "contamination")

    # --- fitting and scoring

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> "IsolationForest":
        """Grow the forest on ``X`` (n_samples, n_features); ``y`` is ignored.

        ``sample_weight`` is not supported (a ValidationError if given).
        """
        if sample_weight is not None:
            raise ValidationError("sample_weight is not supported", "sample_weight")
        n_trees = _positive_int(self.n_estimators, "n_estimators")
        self._check_contamination()
        X, names = _matrix(X)
        if X.shape[0] < 1:
            raise ValidationError("X has no rows; cannot fit an isolation forest", "X")
        psi = self._psi(X.shape[0])
        self._threads()
        seed = _random_seed(self.random_state)
        backend = get_backend()
        handle = backend.run("rt_iforest_fit", In(X), X.shape[0], X.shape[1], n_trees, psi, seed, OutValue("void *"))
        self._adopt(backend, handle)
        self.max_samples_ = psi
        self.n_features_in_ = X.shape[1]
        if names is not None:
            self.feature_names_in_ = np.asarray(names, dtype=object)
        self.offset_ = -0.5
        if self.contamination != "auto":
            self.offset_ = float(np.percentile(self.score_samples(X), 100.0 * self.contamination))
        return self

    def _adopt(self, backend, handle: int) -> None:
        if self._finalizer is not None:
            self._finalizer()
        self._backend, self._handle = backend, handle
        self._finalizer = weakref.finalize(self, _free_handle, backend, "rt_iforest_free", handle)

    def _check_fitted(self) -> None:
        if not self._handle:
            raise ValidationError("this IsolationForest is not fitted yet; call fit first", "IsolationForest")

    def _rows(self, X: Any) -> np.ndarray:
        """``X`` as the float64 matrix the fitted forest scores; a ValidationError if it cannot."""
        self._check_fitted()
        X, _ = _matrix(X)
        if X.shape[1] != self.n_features_in_:
            raise ValidationError(f"X has {X.shape[1]} features, but the forest was fitted on "
                                  f"{self.n_features_in_}", "X")
        return X

    def anomaly_score(self, X: Any) -> np.ndarray:
        """The paper's score ``2 ** (-E[h(x)] / c(psi))`` in (0, 1]: about 1 for anomalies,
        well below 0.5 for normal rows (the negation of :meth:`score_samples`)."""
        X = self._rows(X)
        out = self._backend.empty(X.shape[0], np.float64)
        self._backend.run("rt_iforest_score", Ptr(self._handle), In(X), X.shape[0], X.shape[1], self._threads(), Out(out))
        return out

    def score_samples(self, X: Any) -> np.ndarray:
        """Opposite of the anomaly score, as scikit-learn: in [-1, 0), lower is more abnormal."""
        return -self.anomaly_score(X)

    def decision_function(self, X: Any) -> np.ndarray:
        """``score_samples(X) - offset_``: negative for outliers, positive for inliers."""
        return self.score_samples(X) - self.offset_

    def predict(self, X: Any) -> np.ndarray:
        """+1 for inliers, -1 for outliers."""
        return np.where(self.decision_function(X) < 0, -1, 1)

    def fit_predict(self, X: Any, y: Any = None) -> np.ndarray:
        """``fit(X).predict(X)``."""
        return self.fit(X).predict(X)

    def explain(self, X: Any) -> tuple[np.ndarray, np.ndarray]:
        """For each row, the feature that did most to isolate it, and that feature's share.

        Each split on the row's path in every tree credits its feature with
        ``log2(n_parent / n_child)`` (the bits of isolation it gave); returns
        the index of the feature with the most credit and its fraction of the total.
        """
        X = self._rows(X)
        top = self._backend.empty(X.shape[0], np.int32)
        share = self._backend.empty(X.shape[0], np.float64)
        self._backend.run("rt_iforest_explain", Ptr(self._handle), In(X), X.shape[0], X.shape[1], Out(top), Out(share))
        return top, share

    # --- serialisation

    def to_bytes(self) -> bytes:
        """The fitted forest (trees, offset and parameters) as bytes; see :meth:`from_bytes`."""
        self._check_fitted()
        nbytes = self._backend.run("rt_iforest_serialized_size", Ptr(self._handle), OutValue("int64_t"))
        out = self._backend.empty(nbytes, np.uint8)
        self._backend.run("rt_iforest_serialize", Ptr(self._handle), Out(out), nbytes)
        header = np.array([self.offset_], dtype="<f8").tobytes()
        return _serial.seal(header + bytes(out), _serial.ISOLATION_FOREST, FOREST_BYTES_VERSION)

    @classmethod
    def from_bytes(cls, data: bytes, **params) -> "IsolationForest":
        """A fitted forest from :meth:`to_bytes` (on the current backend).

        The envelope (magic, version, length, checksum) and then the trees'
        structure are checked before use: corrupt, truncated or foreign bytes
        raise ValidationError.
        """
        payload = _serial.open_envelope(data, _serial.ISOLATION_FOREST, FOREST_BYTES_VERSION, FOREST_BYTES_VERSION,
                                        "IsolationForest")
        if len(payload) < 8:
            raise ValidationError("not a serialised IsolationForest: payload shorter than its score offset",
                                  "from_bytes")
        offset = float(np.frombuffer(payload[:8], dtype="<f8")[0])
        if not math.isfinite(offset):
            raise ValidationError("not a serialised IsolationForest: the score offset is not finite", "from_bytes")
        forest = cls(**params)
        backend = get_backend()
        trees = np.frombuffer(payload, dtype=np.uint8, offset=8)
        try:
            handle = backend.run("rt_iforest_deserialize", In(trees), len(trees), OutValue("void *"))
        except ValidationError as exc:
            raise ValidationError(f"not a serialised IsolationForest: {exc.message}", "from_bytes") from None
        forest._adopt(backend, handle)
        forest.offset_ = offset
        info = backend.run("rt_iforest_info_get", Ptr(handle), OutValue("rt_iforest_info"))
        forest.max_samples_ = int(info["max_samples"])
        forest.n_features_in_ = int(info["n_features"])
        forest.n_estimators = int(info["n_trees"])
        return forest

    def __getstate__(self) -> dict:
        state = {k: v for k, v in self.__dict__.items() if k not in ("_handle", "_backend", "_finalizer")}
        state["_forest_bytes"] = self.to_bytes() if self._handle else None
        return state

    def __setstate__(self, state: dict) -> None:
        data = state.pop("_forest_bytes")
        self.__dict__.update(state)
        self._handle, self._backend, self._finalizer = 0, None, None
        if data is not None:
            restored = IsolationForest.from_bytes(data)
            self._adopt(restored._backend, restored._handle)
            restored._finalizer.detach()
            restored._handle = 0

    @classmethod
    def from_sklearn(cls, model: Any) -> "IsolationForest":
        """The trees of a fitted :class:`sklearn.ensemble.IsolationForest`, scored by rt-pandas.

        scikit-learn compares float32 features, so scores match its own when
        ``X`` is rounded to float32 first (``X.astype(np.float32)``).
        """
        features, rights, thresholds, counts, starts = [], [], [], [], [0]
        for tree, columns in zip(model.estimators_, model.estimators_features_):
            t = tree.tree_
            order = _preorder(t.children_left, t.children_right)
            new_id = np.empty(len(order), dtype=np.int64)
            new_id[order] = np.arange(len(order))
            left = t.children_left[order]
            leaf = left == -1
            features.append(np.where(leaf, -1, np.asarray(columns)[np.maximum(t.feature[order], 0)]).astype(np.int32))
            rights.append(np.where(leaf, 0, new_id[np.maximum(t.children_right[order], 0)]).astype(np.int32))
            thresholds.append(np.where(leaf, 0.0, t.threshold[order]).astype(np.float64))
            counts.append(t.n_node_samples[order].astype(np.int64))
            starts.append(starts[-1] + len(order))
        backend = get_backend()
        handle = backend.run(
            "rt_iforest_from_trees", len(model.estimators_), model.n_features_in_, int(model.max_samples_),
            In(np.asarray(starts, dtype=np.int64)), In(np.concatenate(features)), In(np.concatenate(rights)),
            In(np.concatenate(thresholds)), In(np.concatenate(counts)), OutValue("void *"))
        forest = cls(n_estimators=len(model.estimators_), max_samples=int(model.max_samples_),
                     contamination=model.contamination)
        forest._adopt(backend, handle)
        forest.max_samples_ = int(model.max_samples_)
        forest.n_features_in_ = int(model.n_features_in_)
        forest.offset_ = float(model.offset_)
        return forest


def _preorder(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Node ids of a binary tree in preorder, left subtree first."""
    order, stack = [], [0]
    while stack:
        node = stack.pop()
        order.append(node)
        if left[node] != -1:
            stack.append(right[node])
            stack.append(left[node])
    return np.asarray(order, dtype=np.int64)


_FOREST_PARAMS = ("n_estimators", "max_samples", "contamination", "random_state", "n_jobs")


def _forest_from_params(params: dict) -> IsolationForest:
    unknown = sorted(set(params) - set(_FOREST_PARAMS))
    if unknown:
        raise ValidationError(f"unknown isolation_forest parameters {unknown}; known: {list(_FOREST_PARAMS)}", "params")
    return IsolationForest(**params)


def _series_isolation_forest(series: pd.Series, threshold: float | None, params: dict):
    """Univariate isolation forest on the valid rows; nulls score NaN and are never flagged."""
    values = _float_values_of(as_columns(series), "x")
    valid = ~np.isnan(values)
    scores = np.full(len(values), np.nan)
    flags = np.zeros(len(values), dtype=bool)
    if valid.any():
        forest = _forest_from_params(params)
        X = values[valid].reshape(-1, 1)
        forest.fit(X)
        scores[valid] = forest.anomaly_score(X)
        flags[valid] = scores[valid] > threshold if threshold is not None else forest.predict(X) == -1
    return scores, flags


# ---------------------------------------------------------------- streaming


class StreamingDetector:
    """A z-score detector over a sliding window, O(1) per value.

    Each value is scored against the mean and population standard deviation
    of the previous ``window_size`` valid values, then joins the window.
    Until the window is full (warm-up) values get a NaN score and are never
    flagged; NaN and None are missing: counted, never flagged, never in the
    window. Running sums are re-anchored every ``window_size`` values, so
    long streams do not drift.

    A detector is not thread-safe (C runs without the GIL): give each thread
    its own, or guard one with a lock.

    Parameters
    ----------
    threshold : float, default 3.0
        A value is an anomaly when its score exceeds this (> 0).
    window_size : int, default 100
        Values in the window (>= 2).

    Examples
    --------
    >>> from rt_pandas.anomaly import StreamingDetector
    >>> detector = StreamingDetector(threshold=3.0, window_size=4)
    >>> [detector.update(v) for v in [1.0, 2.0, 1.0, 2.0, 1.5]]
    [None, None, None, None, None]
    >>> record = detector.update(10.0)   # the window is [2, 1, 2, 1.5]
    >>> {k: round(v, 4) for k, v in record.items()}
    {'index': 5, 'value': 10.0, 'score': 20.2013, 'mean': 1.625, 'std': 0.4146}
    >>> detector.statistics()["anomalies"]
    1
    """

    def __init__(self, threshold: float = 3.0, window_size: int = 100) -> None:
        threshold = _threshold(threshold)
        window_size = _positive_int(window_size, "window_size", minimum=2)
        backend = get_backend()
        handle = backend.run("rt_anomaly_detector_new", threshold, window_size, OutValue("void *"))
        self._init(backend, handle)

    def _init(self, backend, handle: int) -> None:
        self._backend = backend
        self._handle = handle
        self._created = time.perf_counter()
        # The C detector belongs to a small owner object that the detector and its update
        # closure both hold: `update = StreamingDetector(...).update` keeps it alive, and
        # neither reference makes a cycle, so it is freed as soon as both are gone.
        self._owner = _HandleOwner(backend, "rt_anomaly_detector_free", handle)
        if backend.name == "native":
            # update() is called once per value: call the C hot path directly, without run()'s wrapping.
            self._push = backend.lib.rt_anomaly_detector_push
            self._cdata = backend.ffi.cast("void *", handle)
        else:
            call = backend.call_scalar
            self._push = lambda h, v: call("rt_anomaly_detector_push", h, v)
            self._cdata = handle
        # The per-value path as a closure on the instance: no bound method and no attribute
        # lookups per call (about 10% more values per second than the method below).
        self.update = _fast_update(self._push, self._cdata, functools.partial(_last_record, backend, handle),
                                   self._owner)

    def update(self, value: float) -> dict | None:
        """Score one value; returns its record if it is an anomaly, else None.

        The record is ``{"index", "value", "score", "mean", "std"}``: the
        value's position in the stream, its z-score and the window's statistics.
        """
        try:
            hit = self._push(self._cdata, value)
        except TypeError:
            hit = self._push(self._cdata, _stream_value(value))
        if hit == 0:
            return None
        if hit < 0:
            raise ValidationError("this detector has been freed", "StreamingDetector")
        return self.last()

    def last(self) -> dict:
        """The record of the last value, anomalous or not."""
        return _last_record(self._backend, self._handle)

    def update_many(self, values: Any) -> np.ndarray:
        """``update`` every value of a column in one C call; returns their scores.

        Scores are NaN for warm-up and missing values; the anomalies are the
        scores above ``threshold`` (``statistics()["anomalies"]`` counts them).

        >>> import numpy as np
        >>> from rt_pandas.anomaly import StreamingDetector
        >>> d = StreamingDetector(threshold=3.0, window_size=3)
        >>> d.update_many(np.array([1.0, 2.0, 3.0, 2.0, 30.0])).round(3).tolist()
        [nan, nan, nan, 0.0, 58.69]
        """
        series = _as_series(values) if not isinstance(values, pd.Series) else values
        code, data, validity, offset, length = _column_args(series, "values")
        scores = self._backend.empty(length, np.float64)
        self._backend.run("rt_anomaly_detector_update_many", Ptr(self._handle), code, data, validity, offset, length,
                          Out(scores), NULL, OutValue("int64_t"))
        return scores

    def set_threshold(self, threshold: float) -> None:
        """Change the threshold for the values that follow (> 0)."""
        self._backend.run("rt_anomaly_detector_set_threshold", Ptr(self._handle), _threshold(threshold))

    @property
    def threshold(self) -> float:
        return self.statistics()["threshold"]

    @property
    def window_size(self) -> int:
        return self.statistics()["window_size"]

    def statistics(self) -> dict:
        """``count`` (values seen), ``anomalies``, ``missing``, the current window's ``mean`` and
        ``std``, ``threshold``, ``window_size``, ``window_fill`` and ``throughput`` (values per
        second since the detector was created)."""
        stats = self._backend.run("rt_anomaly_detector_statistics", Ptr(self._handle),
                                  OutValue("rt_anomaly_detector_stats"))
        elapsed = time.perf_counter() - self._created
        stats["throughput"] = stats["count"] / elapsed if elapsed > 0 else 0.0
        return stats

    def to_bytes(self) -> bytes:
        """The detector's whole state (window included) as bytes; see :meth:`from_bytes`."""
        nbytes = self._backend.run("rt_anomaly_detector_serialized_size", Ptr(self._handle), OutValue("int64_t"))
        out = self._backend.empty(nbytes, np.uint8)
        self._backend.run("rt_anomaly_detector_serialize", Ptr(self._handle), Out(out), nbytes)
        return bytes(out)

    @classmethod
    def from_bytes(cls, data: bytes) -> "StreamingDetector":
        """A detector that continues exactly where the serialised one stopped."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise ValidationError(f"not a serialised StreamingDetector: expected bytes, got {type(data).__name__}",
                                  "from_bytes")
        raw = np.frombuffer(bytes(data), dtype=np.uint8)
        backend = get_backend()
        try:  # the C core checks the envelope (magic, version, length, checksum), then the window
            handle = backend.run("rt_anomaly_detector_deserialize", In(raw) if len(raw) else NULL, len(raw),
                                 OutValue("void *"))
        except ValidationError as exc:
            raise ValidationError(f"not a serialised StreamingDetector: {exc.message}", "from_bytes") from None
        detector = cls.__new__(cls)
        detector._init(backend, handle)
        return detector

    def __reduce__(self):
        return (StreamingDetector.from_bytes, (self.to_bytes(),))


def _last_record(backend, handle: int) -> dict:
    rec = backend.run("rt_anomaly_detector_last", Ptr(handle), OutValue("rt_anomaly_record"))
    return {"index": rec["index"], "value": rec["value"], "score": rec["score"], "mean": rec["mean"], "std": rec["std"]}


class _HandleOwner:
    """Owns one C handle and frees it when the last reference to this object dies."""

    __slots__ = ("__weakref__",)

    def __init__(self, backend, free_function: str, handle: int) -> None:
        weakref.finalize(self, _free_handle, backend, free_function, handle)


def _fast_update(push, handle, last, owner):
    def update(value):
        owner  # noqa: B018  (a reference from the closure keeps the C detector alive)
        try:
            hit = push(handle, value)
        except TypeError:
            hit = push(handle, _stream_value(value))
        # hit is 1 for an anomaly, 0 for none, -1 for a freed handle (last() then raises).
        return None if hit == 0 else last()

    update.__doc__ = StreamingDetector.update.__doc__
    return update


def _stream_value(value: Any) -> float:
    if value is None or value is pd.NA:
        return float("nan")
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    raise ValidationError(f"value must be a real number or None, got {type(value).__name__}", "value")


# ---------------------------------------------------------------- seasonal (see _seasonal.py)

from ._seasonal import _series_seasonal, detect_period, seasonal_decompose  # noqa: E402


# ---------------------------------------------------------------- accessors


class SeriesAnomalyMethods:
    """The anomaly methods of ``s.rt`` (mixed into the Series accessor)."""

    _series: Any

    def anomalies(self, method: str = "zscore", threshold: float | None = None, **params) -> pd.DataFrame:
        """Anomalous rows (``value``, ``score``, ``method``); see :func:`rt_pandas.anomaly.anomalies`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([5.0, 5.1, 4.9, 5.0, 5.2, 4.8, 5.0, 5.1, 4.9, 5.0, 25.0]).rt.anomalies().index.tolist()
        [10]
        """
        return anomalies(self._series, method, threshold, **params)

    def anomaly_scores(self, method: str = "zscore", threshold: float | None = None, **params) -> pd.Series:
        """Scores aligned with the Series; see :func:`rt_pandas.anomaly.anomaly_scores`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([1.0, 2.0, 3.0]).rt.anomaly_scores("mad").round(3).tolist()
        [0.674, 0.0, 0.674]
        """
        return anomaly_scores(self._series, method, threshold, **params)

    def is_anomaly(self, method: str = "zscore", threshold: float | None = None, **params) -> pd.Series:
        """Boolean flags aligned with the Series; see :func:`rt_pandas.anomaly.is_anomaly`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([1.0, None, 1.0, 1.0]).rt.is_anomaly("zscore").tolist()
        [False, False, False, False]
        """
        return is_anomaly(self._series, method, threshold, **params)


class FrameAnomalyMethods:
    """The anomaly methods of ``df.rt`` (mixed into the DataFrame accessor)."""

    _frame: Any

    def _forest_scores(self, columns, threshold, params):
        cols = anomaly_columns(self._frame, columns)
        X, _ = _matrix(self._frame[cols])
        if X.shape[0] == 0:
            return cols, X, np.empty(0), np.empty(0, bool), None
        forest = _forest_from_params(params).fit(X)
        scores = forest.anomaly_score(X)
        return cols, X, scores, forest_flags(forest, X, scores, threshold), forest

    def anomaly_scores(self, method: str = "isolation_forest", columns=None, threshold: float | None = None,
                       **params) -> pd.Series:
        """Per-row isolation forest score (higher is more anomalous), aligned with the frame.

        >>> import pandas as pd, rt_pandas
        >>> df = pd.DataFrame({"a": [1.0, 1.1, 0.9, 1.0, 9.0], "b": [2.0, 2.1, 1.9, 2.0, 2.0]})
        >>> bool(df.rt.anomaly_scores(random_state=0).idxmax() == 4)
        True
        """
        _check_frame_method(method)
        _, _, scores, _, _ = self._forest_scores(columns, threshold, params)
        return pd.Series(scores, index=self._frame.index, name="score", copy=False)

    def anomalies(self, method: str = "isolation_forest", columns=None, threshold: float | None = None,
                  **params) -> pd.DataFrame:
        """Anomalous rows by an isolation forest over ``columns`` (default: all numeric ones).

        Returns those rows' values plus ``score`` (higher is more anomalous),
        ``method``, ``top_feature`` (the column that did most to isolate the
        row, see :meth:`IsolationForest.explain`) and ``top_feature_share``.
        Parameters of :class:`IsolationForest` pass through (``n_estimators``,
        ``contamination``, ``random_state``, ...); ``threshold`` flags rows whose
        score exceeds it instead of the ``contamination`` rule.

        >>> import pandas as pd, rt_pandas
        >>> df = pd.DataFrame({"a": [1.0, 1.1, 0.9, 1.0, 1.05, 0.95] * 5 + [1.0],
        ...                    "b": [2.0, 2.1, 1.9, 2.0, 2.05, 1.95] * 5 + [40.0]})
        >>> df.rt.anomalies(contamination=0.03, random_state=0)[["b", "top_feature"]]
               b top_feature
        30  40.0           b
        """
        _check_frame_method(method)
        cols, X, scores, flags, forest = self._forest_scores(columns, threshold, params)
        return anomaly_rows(self._frame, cols, X, scores, flags, forest, method)


def anomaly_columns(frame: Any, columns: Any) -> list:
    """The numeric columns of ``frame`` that ``columns`` names (None: all of them), checked."""
    if columns is None:
        columns = [c for c, t in frame.dtypes.items()
                   if pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_complex_dtype(t)]
        if not columns:
            raise ValidationError("the DataFrame has no numeric columns", "columns")
        return columns
    columns = list(columns)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValidationError(f"unknown columns {missing}", "columns")
    bad = [c for c in columns if not pd.api.types.is_numeric_dtype(frame[c].dtype)]
    if bad:
        raise ValidationError(f"columns {bad} are not numeric", "columns")
    if not columns:
        raise ValidationError("columns must name at least one column", "columns")
    return columns


def forest_flags(forest: IsolationForest, X: np.ndarray, scores: np.ndarray, threshold: float | None) -> np.ndarray:
    """Rows flagged by a fitted forest: score above ``threshold``, or its ``contamination`` rule when None."""
    if not len(scores):
        return np.empty(0, bool)
    return scores > _threshold(threshold) if threshold is not None else forest.predict(X) == -1


def anomaly_rows(frame: pd.DataFrame, cols: list, X: np.ndarray, scores: np.ndarray, flags: np.ndarray,
                 forest: IsolationForest | None, method: str) -> pd.DataFrame:
    """The flagged rows of ``frame[cols]`` with ``score``, ``method``, ``top_feature`` and its share."""
    result = frame.loc[flags, cols].copy() if len(flags) else frame[cols].iloc[:0].copy()
    result["score"] = scores[flags]
    result["method"] = method
    if forest is not None and flags.any():
        top, share = forest.explain(X[flags])
        result["top_feature"] = pd.Series([cols[i] for i in top], index=result.index, dtype=object)
        result["top_feature_share"] = np.asarray(share)
    else:
        result["top_feature"] = pd.Series([], dtype=object)
        result["top_feature_share"] = pd.Series([], dtype=np.float64)
    return result


def _check_frame_method(method: str) -> None:
    if method != "isolation_forest":
        raise ValidationError(f"df.rt anomaly methods support method='isolation_forest' (multivariate rows); "
                              f"use s.rt for {method!r} on one column", "method")
