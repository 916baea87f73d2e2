"""Data quality metrics, reports and mergeable states.

The five metrics (definitions and reasons in docs/quality.md):

* **completeness**: non-missing values / rows (Deequ's Completeness);
* **validity**: share of non-missing values that satisfy the column's rule;
* **accuracy**: share of non-missing values within a declared ``[min, max]``;
* **uniqueness**: share of non-missing values that occur exactly once;
* **consistency**: share of values within median +/- k * 1.4826 * MAD
  (numbers) or with the column's dominant shape (strings).

A ratio whose denominator is zero (a zero-row column; validity, uniqueness
and consistency of an all-missing column) is ``None``: not applicable, and
left out of the overall score.

>>> import pandas as pd, rt_pandas
>>> s = pd.Series([1.0, 2.0, None, 2.0, 250.0], name="t")
>>> s.rt.completeness()
0.8
>>> s.rt.accuracy(0, 100)
0.75
>>> report = pd.DataFrame({"t": s}).rt.quality(ranges={"t": (0, 100)})
>>> report.findings[:2]
['t: 20.0% of values missing', 't: 25.0% of values outside [0, 100]']
"""

from __future__ import annotations

import html
import io
import json
import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import _profile as prof
from ._backend import In, InValue, NULL, Out, OutValue, get_backend
from ._threads import MIN_ELEMENTS_PER_THREAD, get_num_threads, parallel_map
from .errors import ValidationError

__all__ = [
    "METRICS",
    "QualityReport",
    "QualityState",
    "accuracy",
    "completeness",
    "consistency",
    "overall_quality",
    "quality",
    "uniqueness",
    "validity",
]

METRICS = ("completeness", "validity", "accuracy", "uniqueness", "consistency")
SCHEMA = "rt-pandas/quality-report"
SCHEMA_VERSION = 1


# ---------------------------------------------------------------------------
# Arguments


@dataclass(frozen=True)
class Rule:
    """A validity rule: ``kind`` is "allowed", "regex" or "range"."""

    kind: str
    value: Any

    def describe(self) -> str:
        if self.kind == "allowed":
            return f"in the allowed set of {len(self.value)} values"
        if self.kind == "regex":
            return f"matching /{self.value}/"
        return f"within [{self.value[0]:g}, {self.value[1]:g}]" if _is_number(self.value[0]) else \
            f"within [{self.value[0]}, {self.value[1]}]"


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_range(range_: Any, context: str) -> tuple[Any, Any]:
    try:
        lo, hi = range_
    except (TypeError, ValueError):
        raise ValidationError(f"a range is a pair (min, max), got {range_!r}", context) from None
    if _is_number(lo) and _is_number(hi):
        if math.isnan(lo) or math.isnan(hi):
            raise ValidationError("range bounds must not be NaN", context)
    elif not (isinstance(lo, (str, pd.Timestamp, np.datetime64)) and isinstance(hi, (str, pd.Timestamp, np.datetime64))):
        raise ValidationError(f"range bounds must be numbers or timestamps, got {range_!r}", context)
    else:
        lo, hi = pd.Timestamp(lo), pd.Timestamp(hi)
    if lo > hi:
        raise ValidationError(f"range {range_!r} has min > max", context)
    return lo, hi


def _check_regex(pattern: str, context: str) -> None:
    try:
        pc.match_substring_regex(pa.array([""]), pattern)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise ValidationError(f"regular expression {pattern!r} does not compile: {exc}", context) from None


def as_rule(rule: Any, context: str = "rule") -> Rule | None:
    """A user rule from its short forms: a str is a regex, a set/list the allowed values,
    a pair of numbers or timestamps a range; or ``{"regex" | "allowed" | "range": value}``."""
    if rule is None or isinstance(rule, Rule):
        return rule
    if isinstance(rule, dict):
        if len(rule) != 1 or next(iter(rule)) not in ("allowed", "regex", "range"):
            raise ValidationError(f"a rule dict has one key, 'allowed', 'regex' or 'range'; got {rule!r}", context)
        ((kind, value),) = rule.items()
        return _checked_rule(kind, value, context)
    if isinstance(rule, str):
        return _checked_rule("regex", rule, context)
    if isinstance(rule, tuple) and len(rule) == 2 and not isinstance(rule[0], str):
        return Rule("range", _check_range(rule, context))
    if isinstance(rule, (set, frozenset, list, tuple, np.ndarray, pd.Index)):
        return _checked_rule("allowed", list(rule), context)
    raise ValidationError(f"unsupported rule {rule!r}: use a regex string, a set of values or a (min, max) pair",
                          context)


def _checked_rule(kind: str, value: Any, context: str) -> Rule:
    if kind == "regex":
        if not isinstance(value, str):
            raise ValidationError("a regex rule needs a string pattern", context)
        _check_regex(value, context)
        return Rule("regex", value)
    if kind == "allowed":
        return Rule("allowed", list(value))
    return Rule("range", _check_range(value, context))


def check_weights(weights: dict | None) -> dict[str, float]:
    """Metric weights (equal by default); unknown metrics, negative or NaN weights are errors."""
    if weights is None:
        return {m: 1.0 for m in METRICS}
    if not isinstance(weights, dict):
        raise ValidationError(f"weights must be a dict of metric -> weight, got {type(weights).__name__}", "weights")
    unknown = set(weights) - set(METRICS)
    if unknown:
        raise ValidationError(f"unknown metrics in weights: {sorted(unknown)}; known: {list(METRICS)}", "weights")
    result = {m: 1.0 for m in METRICS}
    for metric, weight in weights.items():
        if not _is_number(weight) or not weight >= 0 or math.isinf(weight):
            raise ValidationError(f"weight of {metric} must be a finite number >= 0, got {weight!r}", "weights")
        result[metric] = float(weight)
    if sum(result.values()) <= 0:
        raise ValidationError("weights must sum to a positive number", "weights")
    return result


def _check_threshold(threshold: Any) -> float:
    if not _is_number(threshold) or not 0 <= threshold <= 1:
        raise ValidationError(f"threshold must be a number in [0, 1], got {threshold!r}", "threshold")
    return float(threshold)


def _check_k(k: Any) -> float:
    if not _is_number(k) or not k > 0 or math.isinf(k):
        raise ValidationError(f"k must be a positive finite number, got {k!r}", "k")
    return float(k)


# ---------------------------------------------------------------------------
# Metrics of one column


def _ratio(part: int | float, whole: int | float) -> float | None:
    return None if whole == 0 else float(part) / float(whole)


def _rule_count(col: prof.Prepared, rule: Rule, profile: prof.Profile | None) -> int:
    """Non-missing values of a column that satisfy a user rule."""
    if rule.kind == "range":
        if col.kind not in prof.RANGE_KINDS:
            raise ValidationError(f"column {col.name!r}: a range rule needs a numeric or timestamp column, "
                                  f"got {col.dtype}", str(col.name))
        return profile.in_range[rule.value]
    arrow = prof.arrow_of(col)
    if rule.kind == "regex":
        if not (pa.types.is_string(arrow.type) or pa.types.is_large_string(arrow.type)):
            arrow = arrow.cast(pa.string())
        hits = pc.match_substring_regex(arrow, rule.value)
    else:
        try:
            hits = pc.is_in(arrow, value_set=pa.array(rule.value, type=arrow.type))
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
            raise ValidationError(f"column {col.name!r}: allowed values do not fit dtype {col.dtype}: {exc}",
                                  str(col.name)) from None
    return int(pc.sum(pc.fill_null(hits, False)).as_py() or 0)


@dataclass
class ColumnQuality:
    """Metrics and the counts behind them, for one column."""

    name: Any
    dtype: str
    kind: str
    rows: int
    missing: int
    completeness: float | None
    validity: float | None
    validity_rule: str
    accuracy: float | None
    accuracy_range: tuple | None
    uniqueness: float | None
    distinctness: float | None
    distinct: int | None
    consistency: float | None
    consistency_bounds: tuple | None = None

    def metric(self, name: str) -> float | None:
        return getattr(self, name)

    def overall(self, weights: dict[str, float]) -> float | None:
        """Weighted mean of the metrics that apply (accuracy only with a declared range)."""
        total = weight_sum = 0.0
        for metric in METRICS:
            value = self.metric(metric)
            if value is None or weights[metric] == 0:
                continue
            total += weights[metric] * value
            weight_sum += weights[metric]
        return None if weight_sum == 0 else total / weight_sum

    def to_dict(self, weights: dict[str, float]) -> dict:
        def plain(value):
            if isinstance(value, (pd.Timestamp, np.datetime64, pd.Timedelta)):
                return str(value)
            return value.item() if isinstance(value, np.generic) else value

        return {
            "name": str(self.name), "dtype": self.dtype, "kind": self.kind, "rows": self.rows,
            "missing": self.missing, **{m: self.metric(m) for m in METRICS},
            "overall": self.overall(weights), "validity_rule": self.validity_rule,
            "accuracy_range": None if self.accuracy_range is None else [plain(v) for v in self.accuracy_range],
            "distinctness": self.distinctness, "distinct": self.distinct,
            "consistency_bounds": None if self.consistency_bounds is None
            else [plain(v) for v in self.consistency_bounds],
        }


def _default_rule_text(kind: str) -> str:
    return {"float": "finite", "string": "non-empty after stripping whitespace",
            "timestamp": "between 1900-01-01 and 2200-01-01"}.get(kind, "any value")


def column_quality(col: prof.Prepared, *, rule: Rule | None = None, range_: tuple | None = None, k: float = 3.5,
                   nan_as_missing: bool = True, row_hashes: np.ndarray | None = None) -> ColumnQuality:
    """Every metric of one prepared column in one pass of the kernels."""
    if range_ is not None and col.kind not in prof.RANGE_KINDS:
        raise ValidationError(f"column {col.name!r}: accuracy ranges apply to numeric and timestamp columns, "
                              f"not {col.dtype}", str(col.name))
    if col.kind == "categorical":
        return _categorical_quality(col, rule=rule, nan_as_missing=nan_as_missing, row_hashes=row_hashes)
    if col.kind == "string":
        return _string_quality(col, rule=rule, row_hashes=row_hashes)
    return _numeric_quality(col, rule=rule, range_=range_, k=k, nan_as_missing=nan_as_missing, row_hashes=row_hashes)


def _numeric_quality(col, *, rule, range_, k, nan_as_missing, row_hashes) -> ColumnQuality:
    ranges = [r for r in (range_, rule.value if rule is not None and rule.kind == "range" else None) if r]
    plausible = prof.PLAUSIBLE_TIMESTAMPS if col.kind == "timestamp" else None
    if plausible and col.tz is not None:
        plausible = tuple(t.tz_localize("UTC") for t in plausible)
    if plausible:
        ranges.append(plausible)
    p = prof.numeric_profile(col, k=k, ranges=ranges, row_hashes=row_hashes)
    missing = p.missing(nan_as_missing)
    present = p.rows - missing
    nans_present = 0 if nan_as_missing else p.nans  # NaN as a value: invalid, inconsistent, one distinct value
    if rule is not None:
        valid, rule_text = _rule_count(col, rule, p), rule.describe()
    elif col.kind == "float":
        valid, rule_text = present - p.infinities - nans_present, _default_rule_text("float")
    elif col.kind == "timestamp":
        valid, rule_text = p.in_range[plausible], _default_rule_text("timestamp")
    else:
        valid, rule_text = present, _default_rule_text(col.kind)
    s = p.sorted_
    distinct = s["distinct"] + (1 if nans_present else 0)
    singletons = s["singletons"] + (1 if nans_present == 1 else 0)
    numeric = col.kind != "bool"
    bounds = None
    if numeric and s["count"]:
        bounds = (_from_unit(s["consistent_lo"], col), _from_unit(s["consistent_hi"], col))
    return ColumnQuality(
        col.name, col.dtype, col.kind, p.rows, missing,
        completeness=_ratio(present, p.rows),
        validity=_ratio(valid, present),
        validity_rule=rule_text,
        accuracy=_ratio(p.in_range[range_], present) if range_ is not None else None,
        accuracy_range=range_,
        uniqueness=_ratio(singletons, present),
        distinctness=_ratio(distinct, present),
        distinct=distinct,
        consistency=_ratio(s["consistent"], present) if numeric else None,
        consistency_bounds=bounds,
    )


def _from_unit(value: float, col: prof.Prepared) -> Any:
    """A number in a column's units back to what a user reads (timestamps become Timestamps, durations
    Timedeltas)."""
    if col.kind not in ("timestamp", "duration") or value != value:
        return value
    if col.kind == "duration":
        return pd.Timedelta(value * prof._UNIT_NS[col.unit], unit="ns") if math.isfinite(value) else value
    # In the column's own unit (a fence of a seconds column can lie outside the nanosecond range), and
    # within int64 (a robust fence of a very wide column can lie beyond what the unit holds at all).
    limit = 2**63 - 1  # -2**63 is NaT
    ticks = min(max(int(value), -limit), limit) if math.isfinite(value) else (limit if value > 0 else -limit)
    stamp = pd.Timestamp(np.datetime64(ticks, col.unit))
    return stamp.tz_localize("UTC").tz_convert(col.tz) if col.tz is not None else stamp


def _string_quality(col, *, rule, row_hashes) -> ColumnQuality:
    p = prof.string_profile(col, row_hashes=row_hashes)
    present = p.rows - p.nulls
    if rule is not None:
        valid, rule_text = _rule_count(col, rule, p), rule.describe()
    else:
        valid, rule_text = present - p.blank, _default_rule_text("string")
    return ColumnQuality(
        col.name, col.dtype, col.kind, p.rows, p.nulls,
        completeness=_ratio(present, p.rows), validity=_ratio(valid, present), validity_rule=rule_text,
        accuracy=None, accuracy_range=None,
        uniqueness=_ratio(p.singletons, present), distinctness=_ratio(p.distinct, present), distinct=p.distinct,
        consistency=_ratio(p.dominant_shape_count, present),
    )


def _categorical_quality(col, *, rule, nan_as_missing, row_hashes) -> ColumnQuality:
    counts, missing = prof.categorical_counts(col)
    if row_hashes is not None:
        prof.hash_rows_of(col, row_hashes)
    rows = col.rows
    present = rows - missing
    categories = col.categories
    category_kind = prof._kind_of_arrow(categories.type)
    if rule is not None:
        if rule.kind == "range":
            raise ValidationError(f"column {col.name!r}: a range rule needs a numeric column, got {col.dtype}",
                                  str(col.name))
        sub = prof.Prepared(col.name, category_kind, col.dtype, [], arrow=pa.chunked_array([categories]))
        ok = _category_mask(sub, rule)
        valid, rule_text = int(counts[ok].sum()), rule.describe()
    elif category_kind == "string":
        valid, rule_text = int(counts[~prof.blank_mask(categories)].sum()), _default_rule_text("string")
    elif category_kind == "float":
        finite = np.isfinite(np.asarray(categories.to_numpy(zero_copy_only=False), dtype=float))
        valid, rule_text = int(counts[finite].sum()), _default_rule_text("float")
    else:
        valid, rule_text = present, _default_rule_text(category_kind)
    consistency = None
    if category_kind == "string" and present:
        shapes = prof.shape_groups(categories)
        _, group = np.unique(shapes, return_inverse=True)
        consistency = float(np.bincount(group, weights=counts).max()) / present
    distinct = int((counts > 0).sum())
    return ColumnQuality(
        col.name, col.dtype, col.kind, rows, missing,
        completeness=_ratio(present, rows), validity=_ratio(valid, present), validity_rule=rule_text,
        accuracy=None, accuracy_range=None,
        uniqueness=_ratio(int((counts == 1).sum()), present), distinctness=_ratio(distinct, present),
        distinct=distinct, consistency=consistency,
    )


def _category_mask(sub: prof.Prepared, rule: Rule) -> np.ndarray:
    arrow = sub.arrow
    if rule.kind == "regex":
        hits = pc.match_substring_regex(arrow if pa.types.is_string(arrow.type) else arrow.cast(pa.string()),
                                        rule.value)
    else:
        hits = pc.is_in(arrow, value_set=pa.array(rule.value, type=arrow.type))
    return np.asarray(pc.fill_null(hits, False).to_numpy(zero_copy_only=False), dtype=bool)


# ---------------------------------------------------------------------------
# Reports


def _percent(share: float) -> str:
    return f"{100 * share:.1f}%"


def _bound(value: Any) -> str:
    return f"{value:g}" if _is_number(value) else str(value)


def _findings(columns: list[ColumnQuality], duplicate_share: float | None) -> list[str]:
    """Plain sentences about what is less than perfect, column by column."""
    found = []
    for c in columns:
        name = c.name
        if c.rows == 0:
            found.append(f"{name}: no rows")
            continue
        if c.completeness is not None and c.completeness < 1:
            found.append(f"{name}: {_percent(1 - c.completeness)} of values missing")
        if c.completeness == 0:
            continue
        if c.accuracy is not None and c.accuracy < 1:
            lo, hi = c.accuracy_range
            found.append(f"{name}: {_percent(1 - c.accuracy)} of values outside [{_bound(lo)}, {_bound(hi)}]")
        if c.validity is not None and c.validity < 1:
            found.append(f"{name}: {_percent(1 - c.validity)} of values invalid (rule: {c.validity_rule})")
        if c.consistency is not None and c.consistency < 1:
            if c.consistency_bounds is not None:
                lo, hi = c.consistency_bounds
                found.append(f"{name}: {_percent(1 - c.consistency)} of values outside the robust bounds "
                             f"[{_bound(lo)}, {_bound(hi)}]")
            else:
                found.append(f"{name}: {_percent(1 - c.consistency)} of values differ from the dominant shape")
        if c.uniqueness is not None and c.uniqueness < 1:
            found.append(f"{name}: {_percent(c.uniqueness)} of values occur exactly once "
                         f"({c.distinct} distinct values)")
    if duplicate_share:
        found.append(f"{_percent(duplicate_share)} of rows duplicate an earlier row")
    return found


class QualityReport:
    """The result of ``df.rt.quality()``: per-column metrics, the overall score and findings.

    Attributes
    ----------
    columns : list of ColumnQuality
    overall : float or None
        Mean of the columns' overall scores (each a weighted mean of its
        applicable metrics); None when no metric applies (e.g. no rows).
    passed : bool
        ``overall >= threshold`` (False when overall is None).
    rows : int
    duplicate_rows : int or None
        Rows equal to an earlier row (frames only).
    findings : list of str

    Examples
    --------
    >>> import pandas as pd, rt_pandas
    >>> r = pd.DataFrame({"x": [1.0, 2.0, 3.0, None]}).rt.quality(threshold=0.9)
    >>> round(r.overall, 4), r.passed
    (0.9375, True)
    >>> float(r.to_frame().loc["x", "completeness"])
    0.75
    """

    def __init__(self, columns: list[ColumnQuality], *, rows: int, threshold: float, weights: dict[str, float],
                 duplicate_rows: int | None = None, exact: bool = True) -> None:
        self.columns = columns
        self.rows = rows
        self.threshold = threshold
        self.weights = weights
        self.duplicate_rows = duplicate_rows
        self.exact = exact
        scores = [s for s in (c.overall(weights) for c in columns) if s is not None]
        self.overall = float(np.mean(scores)) if scores else None
        self.passed = self.overall is not None and self.overall >= threshold
        self.findings = _findings(columns, self.duplicate_share)

    @property
    def duplicate_share(self) -> float | None:
        """Share of rows that duplicate an earlier row (``df.duplicated().mean()``)."""
        if self.duplicate_rows is None:
            return None
        return _ratio(self.duplicate_rows, self.rows)

    def to_frame(self) -> pd.DataFrame:
        """One row per column, one column per metric (plus overall, distinctness, counts)."""
        records = [c.to_dict(self.weights) for c in self.columns]
        keep = ["dtype", "rows", "missing", *METRICS, "overall", "distinctness", "distinct"]
        frame = pd.DataFrame.from_records(records, columns=["name", *keep])
        frame.index = pd.Index([c.name for c in self.columns])
        return frame[keep]

    def to_dict(self) -> dict:
        """The report as plain Python objects, in the versioned schema of docs/quality.md."""
        return {
            "schema": SCHEMA, "version": SCHEMA_VERSION, "rows": self.rows, "threshold": self.threshold,
            "overall": self.overall, "passed": self.passed, "exact": self.exact,
            "duplicate_rows": self.duplicate_rows, "duplicate_row_share": self.duplicate_share,
            "weights": dict(self.weights), "columns": [c.to_dict(self.weights) for c in self.columns],
            "findings": list(self.findings),
        }

    def to_json(self, **kwargs: Any) -> str:
        """``to_dict()`` as JSON (the spec's ``quality_report`` string)."""
        return json.dumps(self.to_dict(), **kwargs)

    def __repr__(self) -> str:
        score = "n/a" if self.overall is None else f"{self.overall:.3f}"
        verdict = "passed" if self.passed else "failed"
        return f"<QualityReport {len(self.columns)} columns, {self.rows} rows, overall {score} ({verdict})>"

    def _repr_html_(self) -> str:
        score = "n/a" if self.overall is None else f"{self.overall:.3f}"
        items = "".join(f"<li>{html.escape(f)}</li>" for f in self.findings)
        table = self.to_frame().to_html(float_format=lambda v: f"{v:.4f}", na_rep="")
        verdict = "passed" if self.passed else "failed"
        return (f"<div><p><b>Quality</b> {score} ({verdict}, threshold {self.threshold})</p>"
                f"{table}<ul>{items}</ul></div>")


def _frame_columns(obj: Any) -> list[tuple[Any, Any]]:
    if isinstance(obj, pd.DataFrame):
        if not obj.columns.is_unique:
            raise ValidationError("column names must be unique", "frame")
        return [(name, obj[name]) for name in obj.columns]
    if isinstance(obj, (pa.Table, pa.RecordBatch)):
        return [(name, obj.column(name)) for name in obj.schema.names]
    if isinstance(obj, pd.Series):
        return [(obj.name, obj)]
    return [(None, obj)]


def _check_names(mapping: dict | None, names: list, what: str) -> dict:
    mapping = dict(mapping or {})
    unknown = [key for key in mapping if key not in names]
    if unknown:
        raise ValidationError(f"{what} name unknown columns {unknown}; the columns are {list(names)}", what)
    return mapping


def quality(obj: Any, threshold: float = 0.8, ranges: dict | None = None, rules: dict | None = None,
            weights: dict | None = None, k: float = 3.5, nan_as_missing: bool = True) -> QualityReport:
    """The quality report of a DataFrame, Series, Arrow table or array.

    Columns of frames with 65,536 rows or more are profiled side by side on
    ``rt_pandas.set_num_threads`` threads (native backend); the report is the
    same for any thread count.

    Parameters
    ----------
    obj : DataFrame, Series, pyarrow Table / RecordBatch / Array / ChunkedArray, numpy array
    threshold : float
        ``passed`` is ``overall >= threshold``.
    ranges : dict, optional
        Column -> ``(min, max)`` for accuracy (numbers, or timestamps for timestamp columns).
        A Series or array takes ``ranges={None: (lo, hi)}`` or the Series' name.
    rules : dict, optional
        Column -> validity rule: a regex string (RE2 through ``pyarrow.compute``,
        search semantics: anchor with ``^...$``), a set/list of allowed values,
        a ``(min, max)`` pair, or ``{"regex" | "allowed" | "range": value}``.
    weights : dict, optional
        Metric -> weight (equal by default; 0 leaves a metric out).
    k : float
        Width of the robust bounds in MAD-based standard deviations (3.5).
    nan_as_missing : bool
        Count NaN / NaT as missing, as pandas does (default).

    Returns
    -------
    QualityReport

    Raises
    ------
    ValidationError
        Unknown columns in ``ranges`` / ``rules``, ``min > max``, bad weights
        or threshold, a regex that does not compile, an unsupported dtype.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"t": [20.0, 21.5, None, 140.0], "city": ["Oslo", " ", "Bergen", "Oslo"]})
    >>> r = quality(df, ranges={"t": (0, 100)})
    >>> r.to_frame()[["completeness", "validity", "accuracy"]]
          completeness  validity  accuracy
    t             0.75      1.00  0.666667
    city          1.00      0.75       NaN
    """
    threshold = _check_threshold(threshold)
    weights = check_weights(weights)
    k = _check_k(k)
    columns = _frame_columns(obj)
    names = [name for name, _ in columns]
    ranges = {key: _check_range(value, f"ranges[{key!r}]") for key, value in _check_names(ranges, names, "ranges").items()}
    rules = {key: as_rule(value, f"rules[{key!r}]") for key, value in _check_names(rules, names, "rules").items()}
    prepared = [prof.prepare(column, name) for name, column in columns]  # all dtype errors before any work
    rows = prepared[0].rows if prepared else (len(obj) if hasattr(obj, "__len__") else 0)
    backend = get_backend()
    frame_like = isinstance(obj, (pd.DataFrame, pa.Table, pa.RecordBatch))
    row_hashes = None
    if frame_like and rows:
        row_hashes = backend.empty(rows, np.uint64)
        row_hashes[:] = 0

    def quality_of(col: prof.Prepared, hashes: np.ndarray | None) -> ColumnQuality:
        return column_quality(col, rule=rules.get(col.name), range_=ranges.get(col.name), k=k,
                              nan_as_missing=nan_as_missing, row_hashes=hashes)

    threaded = backend.name == "native" and len(prepared) > 1 and rows >= MIN_ELEMENTS_PER_THREAD
    if threaded and get_num_threads() > 1:
        # Columns run side by side on the thread pool (the kernels release the GIL). Every column mixes
        # itself into the shared row hashes, in column order, so that part runs first, one column after
        # another; the results are the same as on one thread.
        if row_hashes is not None:
            for col in prepared:
                prof.hash_rows_of(col, row_hashes)
        results = parallel_map(lambda col: quality_of(col, None), prepared, threaded)
    else:
        results = [quality_of(col, row_hashes) for col in prepared]
    duplicates = None
    if frame_like:
        duplicates = prof.duplicate_rows(backend, row_hashes, rows) if prepared and rows else 0
    return QualityReport(results, rows=rows, threshold=threshold, weights=weights, duplicate_rows=duplicates)


# ---------------------------------------------------------------------------
# Single metrics


def _single(x: Any, **kwargs: Any) -> ColumnQuality:
    return column_quality(prof.prepare(x), **kwargs)


def completeness(x: Any, nan_as_missing: bool = True) -> float | None:
    """Non-missing values / rows; None for zero rows.

    >>> completeness([1.0, float("nan"), 3.0, 4.0])
    0.75
    """
    col = prof.prepare(x)
    if col.kind in prof.NUMERIC_KINDS:
        backend = get_backend()
        missing = 0
        for view, code, validity in prof._numeric_chunks(col):
            c = backend.run("rt_quality_count_values", code, In(view.values), validity, view.offset, view.length,
                            OutValue("rt_value_counts"))
            missing += c["nulls"] + (c["nans"] if nan_as_missing else 0)
        return _ratio(col.rows - missing, col.rows)
    missing = sum(view.null_count for view in col.chunks)
    return _ratio(col.rows - missing, col.rows)


def validity(x: Any, rule: Any = None, nan_as_missing: bool = True) -> float | None:
    """Share of non-missing values satisfying ``rule`` (default: the dtype's rule, see docs/quality.md).

    >>> validity(["a", "  ", None, "b"])
    0.6666666666666666
    >>> validity(["ab1", "xy", "zz9"], rule=r"^[a-z]+\\d$")
    0.6666666666666666
    """
    return _single(x, rule=as_rule(rule), nan_as_missing=nan_as_missing).validity


def accuracy(x: Any, min: Any, max: Any, nan_as_missing: bool = True) -> float | None:  # noqa: A002 - spec names
    """Share of non-missing values within ``[min, max]``.

    >>> accuracy([1.0, 5.0, 50.0, None], 0, 10)
    0.6666666666666666
    """
    range_ = _check_range((min, max), "accuracy")
    return _single(x, range_=range_, nan_as_missing=nan_as_missing).accuracy


def uniqueness(x: Any, nan_as_missing: bool = True) -> float | None:
    """Share of non-missing values that occur exactly once.

    >>> uniqueness([1, 2, 2, 3])
    0.5
    """
    return _single(x, nan_as_missing=nan_as_missing).uniqueness


def consistency(x: Any, k: float = 3.5, nan_as_missing: bool = True) -> float | None:
    """Share of values within median +/- k * 1.4826 * MAD (numbers) or of the dominant shape (strings).

    >>> consistency([10.0, 11.0, 9.0, 10.5, 9.5, 100.0])
    0.8333333333333334
    >>> consistency(["AB-12", "CD-34", "EF-56", "7"])
    0.75
    """
    return _single(x, k=_check_k(k), nan_as_missing=nan_as_missing).consistency


def overall_quality(x: Any, threshold: float = 0.8, ranges: Any = None, weights: dict | None = None,
                    rule: Any = None, k: float = 3.5) -> float | None:
    """Weighted mean of the metrics that apply to one column (``ranges`` is one ``(min, max)`` pair).

    >>> overall_quality([1.0, 2.0, 3.0, 4.0], ranges=(0, 10))
    1.0
    """
    _check_threshold(threshold)
    weights = check_weights(weights)
    range_ = _check_range(ranges, "ranges") if ranges is not None else None
    return _single(x, rule=as_rule(rule), range_=range_, k=_check_k(k)).overall(weights)


from .describe import describe  # noqa: E402  (describe builds on the profile kernels too)
from .state import QualityState  # noqa: E402


class SeriesQualityMethods:
    """The quality methods of ``s.rt`` (mixed into the Series accessor)."""

    _series: Any

    def completeness(self, nan_as_missing: bool = True) -> float | None:
        """See :func:`rt_pandas.quality.completeness`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([1, None, 3], dtype="Int64").rt.completeness()
        0.6666666666666666
        """
        return completeness(self._series, nan_as_missing)

    def validity(self, rule: Any = None, nan_as_missing: bool = True) -> float | None:
        """See :func:`rt_pandas.quality.validity`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series(["red", "blue", "pink"]).rt.validity(rule={"red", "blue"})
        0.6666666666666666
        """
        return validity(self._series, rule, nan_as_missing)

    def accuracy(self, min: Any, max: Any) -> float | None:  # noqa: A002
        """See :func:`rt_pandas.quality.accuracy`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([1, 5, 50]).rt.accuracy(0, 10)
        0.6666666666666666
        """
        return accuracy(self._series, min, max)

    def uniqueness(self) -> float | None:
        """See :func:`rt_pandas.quality.uniqueness`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series(["a", "b", "b"]).rt.uniqueness()
        0.3333333333333333
        """
        return uniqueness(self._series)

    def consistency(self, k: float = 3.5) -> float | None:
        """See :func:`rt_pandas.quality.consistency`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([1.0, 1.1, 0.9, 1.0, 9.0]).rt.consistency()
        0.8
        """
        return consistency(self._series, k)

    def overall_quality(self, threshold: float = 0.8, ranges: Any = None, weights: dict | None = None,
                        rule: Any = None, k: float = 3.5) -> float | None:
        """See :func:`rt_pandas.quality.overall_quality`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([1.0, 2.0, 3.0, 4.0]).rt.overall_quality()
        1.0
        """
        return overall_quality(self._series, threshold, ranges, weights, rule, k)

    def quality(self, threshold: float = 0.8, ranges: Any = None, rule: Any = None, weights: dict | None = None,
                k: float = 3.5, nan_as_missing: bool = True) -> QualityReport:
        """The QualityReport of this one column (``ranges`` is one ``(min, max)`` pair).

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([1.0, 2.0, 30.0], name="x").rt.quality(ranges=(0, 10)).findings[0]
        'x: 33.3% of values outside [0, 10]'
        """
        name = self._series.name
        return quality(self._series, threshold, None if ranges is None else {name: ranges},
                       None if rule is None else {name: rule}, weights, k, nan_as_missing)

    def describe(self, percentiles: Any = None) -> pd.Series:
        """See :func:`rt_pandas.describe.describe`.

        >>> import pandas as pd, rt_pandas
        >>> pd.Series([1.0, 2.0, 3.0]).rt.describe()["50%"]
        2.0
        """
        return describe(self._series, percentiles)


class FrameQualityMethods:
    """The quality methods of ``df.rt`` (mixed into the DataFrame accessor)."""

    _frame: Any

    def quality(self, threshold: float = 0.8, ranges: dict | None = None, rules: dict | None = None,
                weights: dict | None = None, k: float = 3.5, nan_as_missing: bool = True) -> QualityReport:
        """See :func:`rt_pandas.quality.quality`.

        >>> import pandas as pd, rt_pandas
        >>> pd.DataFrame({"a": [1, 1, 2]}).rt.quality().duplicate_rows
        1
        """
        return quality(self._frame, threshold, ranges, rules, weights, k, nan_as_missing)

    def describe(self, percentiles: Any = None) -> pd.DataFrame:
        """See :func:`rt_pandas.describe.describe`.

        >>> import pandas as pd, rt_pandas
        >>> pd.DataFrame({"a": [1.0, 3.0]}).rt.describe().loc["mean", "a"]
        2.0
        """
        return describe(self._frame, percentiles)
