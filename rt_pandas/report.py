"""Data reports: quality plus anomalies, from a frame or a file, as HTML, JSON or Markdown.

A :class:`DataReport` joins the quality report of every column
(:mod:`rt_pandas.quality`) with the anomalies of every numeric column
(robust MAD scores, and seasonal scores over a time column when there is
one), a histogram per numeric column and a downsampled series for line charts.
:func:`read_report` streams a Parquet, CSV, Feather/Arrow IPC or JSON-lines
file in record batches (the quality metrics through a mergeable
:class:`~rt_pandas.QualityState`); :func:`frame_report` works on a DataFrame
already in memory. The HTML rendering is in :mod:`rt_pandas._html`.

>>> import pandas as pd, rt_pandas
>>> df = pd.DataFrame({"x": [1.0, 1.1, 0.9, 1.0, 1.2, 40.0, None]})
>>> r = df.rt.quality_report()
>>> r.anomaly_counts
{'x': 1}
>>> r.passed
True
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from .errors import ValidationError
from .quality import QualityReport, QualityState, quality

__all__ = ["DataReport", "FORMATS", "frame_report", "read_report"]

FORMATS = ("html", "json", "md")
FILE_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".feather": "ipc", ".arrow": "ipc",
                ".ipc": "ipc", ".arrows": "ipc", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
BATCH_ROWS = 65_536
HISTOGRAM_BINS = 30
LINE_POINTS = 600          # a line chart keeps at most this many (min, max) buckets
MARKED_ANOMALIES = 200     # and marks at most this many anomalies (the largest scores)
ANOMALY_METHOD = "mad"
# The seasonal decomposition (STL) costs about 14 us per reading at a daily period of 288 samples:
# the report decomposes the most recent readings only, so a 10M-row file still reports in seconds.
SEASONAL_MAX_ROWS = 100_000


@dataclass
class ColumnCharts:
    """What the charts of one numeric column need: histogram and (optionally) a time series."""

    edges: np.ndarray
    counts: np.ndarray
    outside: int = 0                      # finite values beyond the charts' robust range
    times: np.ndarray | None = None      # int64 ns of the downsampled line
    values: np.ndarray | None = None
    marked_times: np.ndarray | None = None
    marked_values: np.ndarray | None = None


@dataclass
class ColumnAnomalies:
    """Anomalies of one numeric column: robust (MAD) and, with a time column, seasonal."""

    method: str
    count: int
    top: pd.DataFrame                     # the largest scores: value, score (and time)
    seasonal_count: int | None = None
    seasonal_period: int | None = None
    note: str | None = None


@dataclass
class DataReport:
    """Quality, anomalies and charts of a dataset; render with :meth:`to_html`, :meth:`to_json`, :meth:`to_markdown`.

    Attributes
    ----------
    quality : QualityReport
    anomalies : dict of column -> ColumnAnomalies
    charts : dict of column -> ColumnCharts
    source : str
        Where the data came from (a path, or "DataFrame").
    time_column : str or None
    """

    quality: QualityReport
    anomalies: dict = field(default_factory=dict)
    charts: dict = field(default_factory=dict)
    source: str = "DataFrame"
    time_column: str | None = None

    @property
    def passed(self) -> bool:
        """True when the overall quality score meets the threshold."""
        return self.quality.passed

    @property
    def anomaly_counts(self) -> dict:
        """Column -> number of anomalies (robust method)."""
        return {name: a.count for name, a in self.anomalies.items()}

    def findings(self) -> list[str]:
        """The quality findings plus one sentence per column with anomalies."""
        found = list(self.quality.findings)
        for name, a in self.anomalies.items():
            if a.count:
                found.append(f"{name}: {a.count:,} anomalies ({a.method}, robust z-score above 3.5)")
            if a.seasonal_count:
                found.append(f"{name}: {a.seasonal_count:,} seasonal anomalies (period {a.seasonal_period} samples)")
            if a.note:
                found.append(f"{name}: {a.note}")
        return found

    def to_dict(self) -> dict:
        """The quality report's dict (docs/quality.md schema) plus ``source``, ``anomalies`` and all findings."""
        out = self.quality.to_dict()
        out["source"] = self.source
        out["time_column"] = self.time_column
        out["anomalies"] = {
            str(name): {"method": a.method, "count": a.count, "seasonal_count": a.seasonal_count,
                        "seasonal_period": a.seasonal_period, "note": a.note,
                        "top": json.loads(a.top.to_json(orient="records", date_format="iso"))}
            for name, a in self.anomalies.items()
        }
        out["findings"] = self.findings()
        return out

    def to_json(self, **kwargs: Any) -> str:
        """:meth:`to_dict` as JSON."""
        return json.dumps(self.to_dict(), **kwargs)

    def to_markdown(self) -> str:
        """An overview table and the findings, as Markdown."""
        from ._html import markdown
        return markdown(self)

    def to_html(self) -> str:
        """One self-contained HTML page (inline CSS and SVG, no scripts, no network requests)."""
        from ._html import page
        return page(self)

    def render(self, format: str) -> str:  # noqa: A002 - the CLI's word
        """The report as ``"html"``, ``"json"`` or ``"md"``."""
        if format not in FORMATS:
            raise ValidationError(f"format must be one of {list(FORMATS)}, got {format!r}", "format")
        return {"html": self.to_html, "json": lambda: self.to_json(indent=2), "md": self.to_markdown}[format]()

    def _repr_html_(self) -> str:
        from ._html import fragment
        return fragment(self)

    def __repr__(self) -> str:
        return f"<DataReport of {self.source}: {self.quality!r}, {sum(self.anomaly_counts.values())} anomalies>"


# ---------------------------------------------------------------------------
# Columns and anomalies


def _is_numeric(series: pd.Series) -> bool:
    dtype = series.dtype
    if isinstance(dtype, pd.ArrowDtype):
        t = dtype.pyarrow_dtype
        return pa.types.is_integer(t) or pa.types.is_floating(t)
    return (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
            and not pd.api.types.is_complex_dtype(dtype))


def _floats(series: pd.Series) -> np.ndarray:
    """A numeric column as float64 with NaN for nulls."""
    return pd.to_numeric(series, errors="coerce").astype("float64").to_numpy(na_value=np.nan)


def chart_range(values: np.ndarray) -> tuple[float, float] | None:
    """The 0.5-99.5 percentile range widened by a quarter on each side: a sentinel such as
    -999 must not squeeze the rest of the data into one bar (values beyond are counted, and
    drawn at the edge of line charts)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return None
    lo, hi = np.percentile(finite, [0.5, 99.5])
    pad = 0.25 * (hi - lo)
    return max(float(finite.min()), lo - pad), min(float(finite.max()), hi + pad)


def _histogram(values: np.ndarray, bounds: tuple[float, float] | None) -> tuple[np.ndarray, np.ndarray, int]:
    if bounds is None:
        return np.zeros(0), np.zeros(0, dtype=np.int64), 0
    finite = values[np.isfinite(values)]
    inside = finite[(finite >= bounds[0]) & (finite <= bounds[1])]
    counts, edges = np.histogram(inside, bins=HISTOGRAM_BINS, range=bounds if bounds[1] > bounds[0] else None)
    return edges, counts, int(finite.size - inside.size)


def _downsample(times: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """At most LINE_POINTS buckets, each drawn by its minimum and maximum (spikes stay visible)."""
    keep = np.isfinite(values)
    times, values = times[keep], values[keep]
    if values.size <= 2 * LINE_POINTS:
        return times, values
    picks = []
    for bucket in np.array_split(np.arange(values.size), LINE_POINTS):
        part = values[bucket]
        picks.extend(sorted({int(bucket[np.argmin(part)]), int(bucket[np.argmax(part)])}))
    picks = np.asarray(picks)
    return times[picks], values[picks]


def _daily_period(times: np.ndarray) -> int | None:
    """Samples per day of a regular time axis finer than a day, else None."""
    steps = np.diff(times)
    steps = steps[steps > 0]
    if steps.size == 0:
        return None
    step = float(np.median(steps))
    per_day = 86_400e9 / step
    return int(round(per_day)) if per_day >= 2 and abs(per_day - round(per_day)) < 1e-6 else None


def _seasonal(values: np.ndarray, times: np.ndarray) -> tuple[np.ndarray | None, int | None, str | None]:
    """Seasonal anomaly flags over the time axis (a daily period when sampled finer, else detected),
    for the last SEASONAL_MAX_ROWS readings."""
    start = max(len(values) - SEASONAL_MAX_ROWS, 0)
    flags, period, note = _seasonal_window(values[start:], times[start:])
    if start and flags is not None:
        flags = np.concatenate([np.zeros(start, dtype=bool), flags])
        note = f"seasonal analysis covers the last {SEASONAL_MAX_ROWS:,} readings"
    return flags, period, note


def _seasonal_window(values: np.ndarray, times: np.ndarray) -> tuple[np.ndarray | None, int | None, str | None]:
    from . import anomaly

    series = pd.Series(values)
    period = _daily_period(times)
    if period is None or period > len(values) // 2:
        try:
            period = anomaly.detect_period(series)
        except ValidationError as exc:
            return None, None, f"no seasonal analysis ({exc.message})"
    try:
        flags = anomaly.is_anomaly(series, method="seasonal", period=period)
    except ValidationError as exc:
        return None, period, f"no seasonal analysis ({exc.message})"
    return flags.to_numpy(dtype=bool), period, None


def column_anomalies(name: Any, values: np.ndarray, times: np.ndarray | None) -> tuple[ColumnAnomalies, ColumnCharts]:
    """Robust anomalies, seasonal anomalies over ``times`` (int64 ns, sorted) and the charts of one column."""
    from . import anomaly

    series = pd.Series(values, copy=False)
    scores = anomaly.anomaly_scores(series, method=ANOMALY_METHOD).to_numpy()
    flags = anomaly.is_anomaly(series, method=ANOMALY_METHOD).to_numpy(dtype=bool)
    order = np.argsort(-np.where(flags, scores, -np.inf), kind="stable")[: min(int(flags.sum()), 10)]
    top = pd.DataFrame({"value": values[order], "score": scores[order]}, index=order)
    if times is not None:
        top.insert(0, "time", pd.to_datetime(times[order], unit="ns"))
    result = ColumnAnomalies(ANOMALY_METHOD, int(flags.sum()), top)
    bounds = chart_range(values)
    charts = ColumnCharts(*_histogram(values, bounds))
    if times is not None:
        seasonal_flags, period, note = _seasonal(values, times)
        result.seasonal_period, result.note = period, note
        marked = flags
        if seasonal_flags is not None:
            result.seasonal_count = int(seasonal_flags.sum())
            marked = flags | seasonal_flags
        shown = values if bounds is None else np.clip(values, *bounds)
        charts.times, charts.values = _downsample(times, shown)
        idx = np.flatnonzero(marked)
        if idx.size > MARKED_ANOMALIES:
            idx = np.sort(idx[np.argsort(-np.nan_to_num(scores[idx], nan=0.0))[:MARKED_ANOMALIES]])
        charts.marked_times, charts.marked_values = times[idx], shown[idx]
    return result, charts


def _time_axis(frame: pd.DataFrame, time_column: str | None) -> tuple[pd.DataFrame, np.ndarray | None]:
    """The frame sorted by its time column and that column as int64 ns (NaT rows dropped)."""
    if time_column is None:
        return frame, None
    column = frame[time_column]
    if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype):
        raise ValidationError(f"time column {time_column!r} cannot be read as timestamps: it holds {column.dtype} "
                              f"values", "time_column")
    try:
        stamps = pd.to_datetime(column, utc=True)
    except (ValueError, TypeError) as exc:
        raise ValidationError(f"time column {time_column!r} cannot be read as timestamps: {exc}",
                              "time_column") from None
    keep = stamps.notna().to_numpy()
    stamps = stamps[keep].dt.tz_localize(None)
    frame = frame[keep]
    order = np.argsort(stamps.to_numpy().astype("int64"), kind="stable")
    return frame.iloc[order], stamps.to_numpy().astype("datetime64[ns]").astype("int64")[order]


def _add_anomalies(report: DataReport, frame: pd.DataFrame, time_column: str | None) -> None:
    frame, times = _time_axis(frame, time_column)
    for name in frame.columns:
        if name == time_column or not _is_numeric(frame[name]):
            continue
        report.anomalies[name], report.charts[name] = column_anomalies(name, _floats(frame[name]), times)


def _check_columns(names: list, columns: list | None, time_column: str | None) -> list:
    wanted = list(names) if columns is None else list(columns)
    missing = [c for c in wanted + ([time_column] if time_column is not None else []) if c not in names]
    if missing:
        quoted = ", ".join(repr(c) for c in missing)
        raise ValidationError(f"unknown column{'s' if len(missing) > 1 else ''} {quoted}; "
                              f"the columns are {', '.join(map(str, names))}", "columns")
    if time_column is not None and time_column not in wanted:
        wanted.append(time_column)
    return wanted


def frame_report(frame: pd.DataFrame, threshold: float = 0.8, columns: list | None = None,
                 time_column: str | None = None, ranges: dict | None = None, rules: dict | None = None,
                 source: str = "DataFrame") -> DataReport:
    """The :class:`DataReport` of a DataFrame in memory.

    Parameters
    ----------
    frame : DataFrame
    threshold : float
        The report passes when the overall quality score is at least this.
    columns : list, optional
        Columns to report on (default all).
    time_column : str, optional
        A timestamp column: numeric columns get seasonal anomalies and line charts over it.
    ranges, rules : dict, optional
        As in :func:`rt_pandas.quality.quality`.
    source : str
        Shown as the report's title.

    Returns
    -------
    DataReport

    Examples
    --------
    >>> import pandas as pd
    >>> r = frame_report(pd.DataFrame({"x": [1.0, 2.0, None]}), threshold=0.95)
    >>> round(r.quality.overall, 3), r.passed   # mean of completeness 2/3, validity, uniqueness, consistency 1
    (0.917, False)
    """
    if not isinstance(frame, pd.DataFrame):
        raise ValidationError(f"frame_report needs a DataFrame, got {type(frame).__name__}", "frame")
    frame = frame[_check_columns(list(frame.columns), columns, time_column)]
    report = DataReport(quality(frame, threshold=threshold, ranges=ranges, rules=rules), source=source,
                        time_column=time_column)
    _add_anomalies(report, frame, time_column)
    return report


# ---------------------------------------------------------------------------
# Files


def file_format(path: str | os.PathLike) -> str:
    """"parquet", "csv", "ipc" or "jsonl" from the file name's extension."""
    suffix = Path(path).suffix.lower()
    if suffix not in FILE_FORMATS:
        raise ValidationError(f"cannot tell the format of {str(path)!r} from its extension; use one of "
                              f"{', '.join(sorted(FILE_FORMATS))}", "path")
    return FILE_FORMATS[suffix]


def _ipc_batches(path: Path) -> Iterator[pa.RecordBatch]:
    import pyarrow.ipc as ipc

    try:
        reader = ipc.open_file(path)
        for i in range(reader.num_record_batches):
            yield reader.get_batch(i)
    except pa.ArrowInvalid:  # not the file format: maybe the stream format (.arrows)
        with ipc.open_stream(path) as stream:
            yield from stream


def _no_null_type(schema: pa.Schema) -> pa.Schema:
    """CSV and JSON readers type a column with no values at all as ``null``; read it as float64,
    as pandas does (all missing), so the report says 0% complete instead of refusing the file."""
    return pa.schema([f.with_type(pa.float64()) if pa.types.is_null(f.type) else f for f in schema])


def iter_batches(path: str | os.PathLike, columns: list | None = None,
                 batch_rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
    """Record batches of a data file, read with pyarrow without loading the whole file."""
    path = Path(path)
    kind = file_format(path)
    if not path.is_file():
        raise ValidationError(f"no such file: {str(path)!r}", "path")
    if kind == "parquet":
        import pyarrow.parquet as pq
        yield from pq.ParquetFile(path).iter_batches(batch_size=batch_rows, columns=columns)
        return
    if kind == "csv":
        import pyarrow.csv as csv
        reader = csv.open_csv(path, read_options=csv.ReadOptions(block_size=max(batch_rows * 64, 1 << 16)))
    elif kind == "jsonl":
        import pyarrow.json as pjson
        options = pjson.ReadOptions(block_size=max(batch_rows * 64, 1 << 16))
        if hasattr(pjson, "open_json"):  # pyarrow >= 19 streams JSON lines
            reader = pjson.open_json(path, read_options=options)
        else:
            reader = pjson.read_json(path, read_options=options).to_batches()
    else:
        reader = _ipc_batches(path)
    for batch in reader:
        batch = batch.select(columns) if columns is not None else batch
        if any(pa.types.is_null(t) for t in batch.schema.types):
            batch = batch.cast(_no_null_type(batch.schema))
        for start in range(0, batch.num_rows, batch_rows):
            yield batch.slice(start, batch_rows)


def read_schema(path: Path) -> pa.Schema:
    """The Arrow schema of a data file, read without its data."""
    kind = file_format(path)
    if kind == "parquet":
        import pyarrow.parquet as pq
        return pq.ParquetFile(path).schema_arrow
    if kind == "csv":
        import pyarrow.csv as csv
        return csv.open_csv(path).schema
    if kind == "jsonl":
        import pyarrow.json as pjson
        if hasattr(pjson, "open_json"):
            return pjson.open_json(path).schema
        return pjson.read_json(path).schema
    import pyarrow.ipc as ipc
    try:
        return ipc.open_file(path).schema
    except pa.ArrowInvalid:
        with ipc.open_stream(path) as stream:
            return stream.schema


def read_report(path: str | os.PathLike, threshold: float = 0.8, columns: list | None = None,
                time_column: str | None = None, batch_rows: int = BATCH_ROWS, progress: Any = None) -> DataReport:
    """The :class:`DataReport` of a Parquet, CSV, Feather/Arrow IPC or JSON-lines file, read in batches.

    Quality metrics stream through a :class:`~rt_pandas.QualityState` (exact up to
    a million values per column, sketches beyond). Anomalies and charts need the
    numeric columns (and the time column) in memory: 8 bytes per row per column;
    string columns are never kept.

    Parameters
    ----------
    path : str or Path
        ``.parquet``/``.pq``, ``.csv``, ``.feather``/``.arrow``/``.ipc``/``.arrows``,
        ``.jsonl``/``.ndjson``/``.json`` (JSON lines).
    threshold, columns, time_column
        As in :func:`frame_report`.
    batch_rows : int
        Rows per batch.
    progress : callable, optional
        Called with the rows of each batch read (the CLI's progress bar).

    Raises
    ------
    ValidationError
        Missing file, unknown extension, unreadable content, unknown column.
    """
    path = Path(path)
    file_format(path)
    if not path.is_file():
        raise ValidationError(f"no such file: {str(path)!r}", "path")
    try:
        return _read_report(path, threshold, columns, time_column, batch_rows, progress)
    except (pa.ArrowException, OSError, ValueError) as exc:
        if isinstance(exc, ValidationError):
            raise
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValidationError(f"cannot read {str(path)!r} as {file_format(path)}: {first_line}", "path") from None


def _read_report(path: Path, threshold: float, columns: list | None, time_column: str | None,
                 batch_rows: int, progress: Any) -> DataReport:
    schema = _no_null_type(read_schema(path))
    wanted = _check_columns(schema.names, columns, time_column)
    state = QualityState()
    kept: dict[Any, list] = {}
    empty = pa.RecordBatch.from_pylist([], schema=pa.schema([schema.field(name) for name in wanted]))
    for batch in iter_batches(path, wanted, batch_rows):
        state.update(batch)
        for name in batch.schema.names:
            t = batch.schema.field(name).type
            if name == time_column or pa.types.is_integer(t) or pa.types.is_floating(t):
                kept.setdefault(name, []).append(batch.column(name))
        if progress is not None:
            progress(batch.num_rows)
    if not state.columns:  # no batches at all: the columns are still there, with zero rows
        state.update(empty)
    report = DataReport(state.finalize(threshold=threshold), source=str(path), time_column=time_column)
    if kept:
        frame = pa.table({name: pa.chunked_array(chunks) for name, chunks in kept.items()}).to_pandas()
        _add_anomalies(report, frame, time_column)
    return report


def file_rows(path: str | os.PathLike) -> int | None:
    """Rows of a file when its metadata says so cheaply (Parquet), else None."""
    if file_format(path) == "parquet":
        import pyarrow.parquet as pq
        try:
            return pq.ParquetFile(path).metadata.num_rows
        except (pa.ArrowException, OSError):
            return None
    return None



class FrameReportMethods:
    """The report method of ``df.rt`` (mixed into the DataFrame accessor)."""

    _frame: Any

    def quality_report(self, format: str | None = None, threshold: float = 0.8,  # noqa: A002 - the spec's name
                       columns: list | None = None, time_column: str | None = None, ranges: dict | None = None,
                       rules: dict | None = None) -> DataReport | str:
        """The quality and anomaly report of this frame: a :class:`DataReport`, or rendered.

        Parameters
        ----------
        format : {None, "html", "json", "md"}
            None returns the DataReport (shown as HTML in Jupyter); else the rendered text.
        threshold, columns, time_column, ranges, rules
            As in :func:`frame_report`.

        Examples
        --------
        >>> import pandas as pd, rt_pandas
        >>> df = pd.DataFrame({"<b>x</b>": [1.0, 2.0, None]})
        >>> page = df.rt.quality_report(format="html")
        >>> page.startswith("<!DOCTYPE html>"), "<b>x</b>" in page, "&lt;b&gt;x&lt;/b&gt;" in page
        (True, False, True)
        >>> df.rt.quality_report().passed
        True
        """
        report = frame_report(self._frame, threshold=threshold, columns=columns, time_column=time_column,
                              ranges=ranges, rules=rules)
        return report if format is None else report.render(format)
