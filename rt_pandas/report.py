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

from ._exact import PassQuantiles
from ._profile import arrow_type_supported, series_supported
from ._report_scan import HISTOGRAM_BINS, LINE_POINTS, MARKED_ANOMALIES, NO_TIME, ColumnScan, chart_range
from .errors import ValidationError
from .quality import QualityReport, QualityState, quality

__all__ = ["DataReport", "FORMATS", "HISTOGRAM_BINS", "LINE_POINTS", "MARKED_ANOMALIES", "frame_report", "read_report"]

FORMATS = ("html", "json", "md")
FILE_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".feather": "ipc", ".arrow": "ipc",
                ".ipc": "ipc", ".arrows": "ipc", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
BATCH_ROWS = 65_536
ANOMALY_METHOD = "mad"
ANOMALY_THRESHOLD = 3.5    # anomaly.DEFAULT_THRESHOLDS["mad"]
CHART_QUANTILES = (0.005, 0.995)
# A file's numeric columns are kept in memory for the anomaly analysis up to this many bytes; a larger
# file is analysed in further passes over it instead (exact statistics, bounded memory).
DEFAULT_MEMORY_LIMIT = 2 << 30
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
    skipped : dict of column -> str
        Columns left out because their type cannot be profiled (lists, structs, times of day, ...), with
        that type: a report without ``columns`` profiles every other column.
    """

    quality: QualityReport
    anomalies: dict = field(default_factory=dict)
    charts: dict = field(default_factory=dict)
    source: str = "DataFrame"
    time_column: str | None = None
    skipped: dict = field(default_factory=dict)

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
        found += [f"{name}: not profiled ({type_} is not supported)" for name, type_ in self.skipped.items()]
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
        out["skipped_columns"] = {str(name): type_ for name, type_ in self.skipped.items()}
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


def _daily_period(times: np.ndarray) -> int | None:
    """Samples per day of a regular time axis finer than a day, else None."""
    steps = np.diff(times)
    steps = steps[steps > 0]
    if steps.size == 0:
        return None
    step = float(np.median(steps))
    per_day = 86_400e9 / step
    return int(round(per_day)) if per_day >= 2 and abs(per_day - round(per_day)) < 1e-6 else None


def _seasonal_window(values: np.ndarray, times: np.ndarray) -> tuple[np.ndarray | None, int | None, str | None]:
    """Seasonal anomaly flags of the latest readings (a daily period when sampled finer, else detected)."""
    from . import anomaly

    # STL needs finite readings: infinities (already robust anomalies) are gaps here, as NaN is
    series = pd.Series(np.where(np.isinf(values), np.nan, values))
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


def _finish_column(scan: ColumnScan, labels: Any = None) -> tuple[ColumnAnomalies, ColumnCharts]:
    """The report's view of a column from its scan; ``labels`` maps row positions to index labels."""
    top = scan.top
    index = top["row"] if labels is None else labels[top["row"]]
    table = pd.DataFrame({"value": top["value"], "score": top["score"]}, index=index)
    if scan.time_span is not None:
        table.insert(0, "time", pd.to_datetime(top["time"], unit="ns"))
    result = ColumnAnomalies(ANOMALY_METHOD, scan.count, table)
    charts = ColumnCharts(scan.edges, scan.hist, scan.outside)
    if scan.time_span is not None:
        latest = scan.latest
        seasonal_flags, period, note = _seasonal_window(latest["value"], latest["time"])
        if seasonal_flags is not None and scan.seen > len(latest):
            note = f"seasonal analysis covers the last {len(latest):,} readings"
        result.seasonal_period, result.note = period, note
        if seasonal_flags is not None:
            result.seasonal_count = int(seasonal_flags.sum())
        charts.times, charts.values = scan.line_points()
        charts.marked_times, charts.marked_values = scan.marked_points(seasonal_flags)
    return result, charts


def _in_memory_scan(values: np.ndarray, times: np.ndarray | None) -> ColumnScan:
    """A column in memory scanned in one chunk: scores from the C kernel, chart range from numpy."""
    from . import anomaly

    scores = anomaly.anomaly_scores(pd.Series(values, copy=False), method=ANOMALY_METHOD).to_numpy()
    finite = values[np.isfinite(values)]
    bounds = None
    if finite.size:
        lo, hi = np.quantile(finite, CHART_QUANTILES)
        bounds = chart_range(float(lo), float(hi), float(finite.min()), float(finite.max()))
    span = None if times is None or not len(times) else (int(times.min()), int(times.max()))
    scan = ColumnScan(ANOMALY_THRESHOLD, bounds, span, SEASONAL_MAX_ROWS, finite.size)
    scan.feed(values, scores, np.arange(len(values)), times)
    return scan


def column_anomalies(name: Any, values: np.ndarray, times: np.ndarray | None) -> tuple[ColumnAnomalies, ColumnCharts]:
    """Robust anomalies, seasonal anomalies over ``times`` (int64 ns) and the charts of one column."""
    return _finish_column(_in_memory_scan(values, times))


def _timestamps(column: Any, time_column: str) -> np.ndarray:
    """A time column (pandas or Arrow) as int64 ns UTC, NaT as NO_TIME; a ValidationError if it is not one."""
    column = column.to_pandas() if isinstance(column, (pa.Array, pa.ChunkedArray)) else column
    if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype):
        raise ValidationError(f"time column {time_column!r} cannot be read as timestamps: it holds {column.dtype} "
                              f"values", "time_column")
    try:
        stamps = pd.to_datetime(pd.Series(column, copy=False), utc=True)
    except (ValueError, TypeError) as exc:
        raise ValidationError(f"time column {time_column!r} cannot be read as timestamps: {exc}",
                              "time_column") from None
    return stamps.dt.tz_localize(None).to_numpy().astype("datetime64[ns]").astype("int64")


def _add_anomalies(report: DataReport, frame: pd.DataFrame, time_column: str | None) -> None:
    """Anomalies and charts of every numeric column of a frame in memory (rows without a time dropped)."""
    times = None
    if time_column is not None:
        times = _timestamps(frame[time_column], time_column)
        keep = times != NO_TIME
        frame, times = frame[keep], times[keep]
    for name in frame.columns:
        if name == time_column or not _is_numeric(frame[name]):
            continue
        scan = _in_memory_scan(_floats(frame[name]), times)
        report.anomalies[name], report.charts[name] = _finish_column(scan, frame.index.to_numpy())


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
        Columns to report on (default all that can be profiled: the others are named in ``skipped``).
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
    wanted = _check_columns(list(frame.columns), columns, time_column)
    skipped = {}
    if columns is None:  # every column: leave out what cannot be profiled, and say so
        skipped = {name: str(frame[name].dtype) for name in wanted
                   if name != time_column and not series_supported(frame[name])}
    frame = frame[[name for name in wanted if name not in skipped]]
    report = DataReport(quality(frame, threshold=threshold, ranges=ranges, rules=rules), source=source,
                        time_column=time_column, skipped=skipped)
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
                time_column: str | None = None, batch_rows: int = BATCH_ROWS, progress: Any = None,
                memory_limit: int = DEFAULT_MEMORY_LIMIT) -> DataReport:
    """The :class:`DataReport` of a Parquet, CSV, Feather/Arrow IPC or JSON-lines file, read in batches.

    Quality metrics stream through a :class:`~rt_pandas.QualityState` (exact up to
    a million values per column, sketches beyond). The anomalies and charts keep the
    numeric columns (and the time column) in memory, 8 bytes per row per column,
    while that stays within ``memory_limit``; beyond it they are computed in further
    passes over the file instead (typically five: exact median and MAD by radix
    selection, then the scores), with the same result in bounded memory. String
    columns are never kept.

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
        Called as ``progress(rows)`` for each batch of the first pass and
        ``progress(rows, stage)`` for each batch of a further pass (the CLI's progress bar).
    memory_limit : int
        Bytes of numeric data to hold in memory for the anomaly analysis (default 2 GiB).

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
        return _read_report(path, threshold, columns, time_column, batch_rows, progress, int(memory_limit))
    except (pa.ArrowException, OSError, ValueError) as exc:
        if isinstance(exc, ValidationError):
            raise
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValidationError(f"cannot read {str(path)!r} as {file_format(path)}: {first_line}", "path") from None


def _read_report(path: Path, threshold: float, columns: list | None, time_column: str | None,
                 batch_rows: int, progress: Any, memory_limit: int) -> DataReport:
    schema = _no_null_type(read_schema(path))
    wanted = _check_columns(schema.names, columns, time_column)
    skipped = {}
    if columns is None:  # every column the file has: leave out what cannot be profiled, and say so
        skipped = {name: str(schema.field(name).type) for name in wanted
                   if name != time_column and not arrow_type_supported(schema.field(name).type)}
        wanted = [name for name in wanted if name not in skipped]
    numeric = [n for n in wanted if n != time_column and (pa.types.is_integer(schema.field(n).type)
                                                          or pa.types.is_floating(schema.field(n).type))]
    kept_names = numeric + ([time_column] if time_column is not None and numeric else [])
    state = QualityState()
    kept: dict[Any, list] | None = {name: [] for name in kept_names}
    kept_bytes = 0
    empty = pa.RecordBatch.from_pylist([], schema=pa.schema([schema.field(name) for name in wanted]))
    for batch in iter_batches(path, wanted, batch_rows):
        state.update(batch)
        if kept is not None:
            kept_bytes += 8 * batch.num_rows * len(kept_names)
            if kept_bytes > memory_limit:
                kept = None  # too large to hold: the anomalies get passes of their own
            else:
                for name in kept_names:
                    kept[name].append(batch.column(name))
        if progress is not None:
            progress(batch.num_rows)
    if not state.columns:  # no batches at all: the columns are still there, with zero rows
        state.update(empty)
    report = DataReport(state.finalize(threshold=threshold), source=str(path), time_column=time_column,
                        skipped=skipped)
    if not numeric:
        return report
    if kept is None:
        batches = lambda: iter_batches(path, kept_names, batch_rows)  # noqa: E731 - re-read per pass
        _add_streamed_anomalies(report, batches, numeric, time_column, progress)
    else:
        frame = pa.table({name: pa.chunked_array(chunks, schema.field(name).type)
                          for name, chunks in kept.items()}).to_pandas()
        _add_anomalies(report, frame, time_column)
    return report


# ---------------------------------------------------------------------------
# Files larger than the memory limit: the anomaly analysis in passes


def _batch_floats(column: pa.Array) -> np.ndarray:
    return column.cast(pa.float64(), safe=False).fill_null(np.nan).to_numpy(zero_copy_only=False)


def _batch_chunks(batches: Any, numeric: list, time_column: str | None) -> Iterator[tuple]:
    """Per batch: (row positions, times or None, {column: float64 values}), rows without a time dropped."""
    row = 0
    for batch in batches():
        rows = np.arange(row, row + batch.num_rows)
        row += batch.num_rows
        values = {name: _batch_floats(batch.column(name)) for name in numeric}
        times = None
        if time_column is not None:
            times = _timestamps(batch.column(time_column), time_column)
            keep = times != NO_TIME
            if not keep.all():
                rows, times = rows[keep], times[keep]
                values = {name: v[keep] for name, v in values.items()}
        yield batch.num_rows, rows, times, values


def _passes(batches: Any, numeric: list, time_column: str | None, progress: Any, stage: str, feed: Any) -> None:
    """One more read of the file, each chunk handed to ``feed(rows, times, values)``."""
    for num_rows, rows, times, values in _batch_chunks(batches, numeric, time_column):
        feed(rows, times, values)
        if progress is not None:
            progress(num_rows, stage)


class _PassStatistics:
    """A column's median, MAD, chart quantiles and finite range, gathered over passes of the file."""

    def __init__(self) -> None:
        self.median = PassQuantiles([0.5])
        self.chart = PassQuantiles(CHART_QUANTILES)
        self.mad: PassQuantiles | None = None  # the MAD's selection starts once the median is known
        self.finite_min, self.finite_max, self.finite_count = np.inf, -np.inf, 0

    @property
    def done(self) -> bool:
        return self.chart.done and self.mad is not None and self.mad.done

    def feed(self, values: np.ndarray, first_pass: bool) -> None:
        finite = values[np.isfinite(values)]
        if first_pass and finite.size:
            self.finite_min, self.finite_max = min(self.finite_min, finite.min()), max(self.finite_max, finite.max())
            self.finite_count += finite.size
        if not self.median.done:
            self.median.feed(values)
        if not self.chart.done:
            self.chart.feed(finite)
        if self.mad is not None and not self.mad.done:
            self.mad.feed(np.abs(values - self.median.result()[0]))

    def end_pass(self) -> None:
        for selector in (self.median, self.chart, self.mad):
            if selector is not None and not selector.done:
                selector.end_pass()
        if self.mad is None and self.median.done:
            self.mad = PassQuantiles([0.5])

    def scan(self, time_span: tuple[int, int] | None) -> ColumnScan:
        """The scoring pass's accumulator, with this column's chart range."""
        bounds = None
        if self.finite_count:
            lo, hi = self.chart.result()
            bounds = chart_range(lo, hi, float(self.finite_min), float(self.finite_max))
        return ColumnScan(ANOMALY_THRESHOLD, bounds, time_span, SEASONAL_MAX_ROWS, self.finite_count)

    def band(self) -> dict:
        """The statistics the MAD score is computed against (``statistics=`` of anomaly_scores)."""
        return {"median": self.median.result()[0], "mad": self.mad.result()[0]}


def _add_streamed_anomalies(report: DataReport, batches: Any, numeric: list, time_column: str | None,
                            progress: Any) -> None:
    """The same anomalies and charts as :func:`_add_anomalies`, computed over passes of the file: exact
    median, MAD and chart range by radix selection (:class:`~rt_pandas._exact.PassQuantiles`, usually
    two passes each, the MAD's after the median's), then one pass scoring every row into a
    :class:`ColumnScan`."""
    statistics = {name: _PassStatistics() for name in numeric}
    span = [np.iinfo(np.int64).max, np.iinfo(np.int64).min]
    first_pass = True

    def feed_statistics(rows, times, values):
        for name, v in values.items():
            statistics[name].feed(v, first_pass)
        if first_pass and times is not None and len(times):
            span[0], span[1] = min(span[0], int(times.min())), max(span[1], int(times.max()))

    while not all(s.done for s in statistics.values()):
        _passes(batches, numeric, time_column, progress, "statistics", feed_statistics)
        for s in statistics.values():
            s.end_pass()
        first_pass = False

    time_span = (span[0], span[1]) if time_column is not None and span[0] <= span[1] else None
    scans = {name: s.scan(time_span) for name, s in statistics.items()}
    bands = {name: s.band() for name, s in statistics.items()}

    def feed_scores(rows, times, values):
        from . import anomaly

        for name, v in values.items():
            band = bands[name]
            if all(np.isfinite(x) for x in band.values()):
                scores = anomaly.anomaly_scores(v, method=ANOMALY_METHOD, statistics=band).to_numpy()
            else:  # no valid value at all (or infinite statistics): nothing to score against
                scores = np.full(len(v), np.nan)
            scans[name].feed(v, scores, rows, times)

    _passes(batches, numeric, time_column, progress, "scoring", feed_scores)
    for name, scan in scans.items():
        report.anomalies[name], report.charts[name] = _finish_column(scan)


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
