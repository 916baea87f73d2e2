"""One pass of the C quality kernels over a column: the counts every metric is built from.

A column is first *prepared* (:func:`prepare`): its dtype decides its kind
(``float``, ``int``, ``bool``, ``timestamp``, ``string``, ``categorical``)
and its chunks become views the C core reads without copying (a few
documented conversions copy: small integers widen to int32, Arrow booleans
and uint32 widen, NaT becomes a null bit). :func:`profile` then runs the
kernels and returns a :class:`Profile` of plain counts and statistics, from
which ``quality.py`` and ``describe.py`` compute metrics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._backend import NULL, In, InValue, Out, OutValue, Ptr, get_backend
from ._columns import DTYPE_CODES, ColumnView, as_columns
from .errors import ValidationError

KEY_FLOAT, KEY_INT = 0, 1
QUANTILE_PROBS = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
# Timestamps outside [1900-01-01, 2200-01-01) are implausible (see docs/quality.md).
PLAUSIBLE_TIMESTAMPS = (pd.Timestamp("1900-01-01"), pd.Timestamp("2200-01-01"))
_UNIT_NS = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}
TOP_VALUES = 5


@dataclass
class Prepared:
    """A column ready for the kernels."""

    name: Any
    kind: str  # float, int, bool, timestamp, duration, string, categorical
    dtype: str  # the caller's dtype, for messages and reports
    chunks: list[ColumnView]
    arrow: pa.ChunkedArray | None = None  # for pyarrow.compute rules and top values
    unit: str | None = None  # timestamps
    tz: Any = None
    categories: pa.Array | None = None  # categorical: the categories; chunks hold int32 codes

    @property
    def rows(self) -> int:
        return sum(chunk.length for chunk in self.chunks)


def _unsupported(name: Any, dtype: Any) -> ValidationError:
    return ValidationError(
        f"column {name!r} has dtype {dtype}, which rt-pandas quality does not support "
        "(supported: float, int, uint, bool, nullable masked dtypes, strings, categorical, timestamps, dates, "
        "durations, object columns of one of those)",
        str(name),
    )


def _widen(view: ColumnView) -> ColumnView:
    """Integers the C core has no dtype for, widened (a copy); others unchanged."""
    values = view.values
    if values.dtype in DTYPE_CODES:
        return view
    if values.dtype == np.bool_:
        return ColumnView(values.view(np.uint8), view.offset, view.length, view.validity, view.null_count)
    if values.dtype.kind == "f":  # float16
        target = np.float32
    elif values.dtype.kind in "i" or values.dtype in (np.uint16,):
        target = np.int32 if values.dtype.itemsize <= 2 else np.int64
    elif values.dtype == np.uint32:
        target = np.int64
    elif values.dtype == np.uint64:
        # Values below 2**63 keep exact as int64; larger ones become float64 (53-bit precision).
        target = np.int64 if (values.size == 0 or values.max() < 2**63) else np.float64
    else:
        raise ValidationError(f"dtype {values.dtype} is not supported", "input")
    return ColumnView(values.astype(target), view.offset, view.length, view.validity, view.null_count)


def _nat_view(values: np.ndarray) -> ColumnView:
    """int64 storage of numpy datetimes or timedeltas with NaT turned into a null bit (pandas' missing)."""
    ints = values.view(np.int64)
    missing = ints == np.iinfo(np.int64).min
    count = int(missing.sum())
    validity = np.packbits(~missing, bitorder="little") if count else None
    return ColumnView(ints, 0, len(ints), validity, count)


def _kind_of_arrow(type_: pa.DataType) -> str | None:
    if pa.types.is_floating(type_):
        return "float"
    if pa.types.is_integer(type_):
        return "int"
    if pa.types.is_boolean(type_):
        return "bool"
    if pa.types.is_timestamp(type_):
        return "timestamp"
    if pa.types.is_string(type_) or pa.types.is_large_string(type_):
        return "string"
    if pa.types.is_dictionary(type_):
        return "categorical"
    if pa.types.is_date(type_):
        return "date"
    if pa.types.is_duration(type_):
        return "duration"
    return None


# Kinds held as numbers (float or int64 keys): moments, quantiles, a KLL sketch in mergeable states.
NUMERIC_KINDS = ("float", "int", "bool", "timestamp", "duration")
# Kinds an accuracy range or a range rule applies to.
RANGE_KINDS = ("float", "int", "timestamp")
# The kinds of values a categorical's categories may have.
CATEGORY_KINDS = ("string", "float", "int", "bool", "timestamp")


def _categories(dtype: pd.CategoricalDtype) -> pa.Array | None:
    """The categories as an Arrow array of a kind in CATEGORY_KINDS, or None (complex, Decimal, mixed ...)."""
    try:
        categories = pa.array(dtype.categories.to_numpy(), from_pandas=True)
    except pa.ArrowException:  # categories Arrow has no type for: complex numbers, mixed objects
        return None
    return categories if _kind_of_arrow(categories.type) in CATEGORY_KINDS else None


def arrow_type_supported(type_: pa.DataType) -> bool:
    """Whether a column of this Arrow type can be profiled (what ``rt-pandas report`` checks in a file's schema).

    >>> arrow_type_supported(pa.date32()), arrow_type_supported(pa.list_(pa.int64()))
    (True, False)
    """
    if pa.types.is_dictionary(type_):
        return _kind_of_arrow(type_.value_type) in CATEGORY_KINDS
    return _kind_of_arrow(type_) is not None


def _prepare_arrow(name: Any, chunked: pa.ChunkedArray, dtype_text: str) -> Prepared:
    type_ = chunked.type
    kind = _kind_of_arrow(type_)
    if kind is None:
        raise _unsupported(name, dtype_text)
    if kind == "categorical":
        series = pd.Series(chunked.to_pandas(), name=name)
        return _prepare_series(series.astype("category"))
    if kind == "date":  # days (date32) or milliseconds (date64) since the epoch: timestamps at midnight
        kind, type_ = "timestamp", pa.timestamp("s" if pa.types.is_date32(type_) else "ms")
        chunked = chunked.cast(type_)
    if kind == "bool":
        chunked = chunked.cast(pa.uint8())  # bit-packed -> one byte per row (a copy)
    elif kind == "int" and type_.bit_width < 32 and not pa.types.is_uint8(type_):
        chunked = chunked.cast(pa.int32())  # uint8 has a C dtype and stays as it is, as numpy uint8 does
    elif kind == "int" and pa.types.is_unsigned_integer(type_) and type_.bit_width >= 32:
        # uint32 widens exactly; uint64 stays exact as int64 below 2**63, else becomes float64.
        largest = pc.max(chunked).as_py() if len(chunked) else None
        chunked = chunked.cast(pa.float64() if largest is not None and largest >= 2**63 else pa.int64())
    elif kind == "float" and type_.bit_width == 16:
        chunked = chunked.cast(pa.float32())
    views = [_arrow_chunk_view(chunk) for chunk in chunked.chunks]
    unit = type_.unit if kind in ("timestamp", "duration") else None
    tz = type_.tz if kind == "timestamp" else None
    return Prepared(name, kind, dtype_text, views, chunked, unit=unit, tz=tz)


# What an object column's values (missing skipped, as pandas' infer_dtype sees them) become in Arrow; pandas
# leaves strings, booleans with None and integers with None in object columns.
OBJECT_ARROW_TYPES = {
    "string": pa.string(),
    "empty": pa.string(),
    "boolean": pa.bool_(),
    "integer": pa.int64(),
    "floating": pa.float64(),
    "mixed-integer-float": pa.float64(),
    "datetime": None,  # timestamps: Arrow infers the unit and the time zone
}


def object_to_arrow(series: pd.Series) -> pa.Array:
    """An object (or pandas string) column as one Arrow array; None and NaN become nulls.

    >>> object_to_arrow(pd.Series([True, None, False], dtype=object)).to_pylist()
    [True, None, False]
    """
    inferred = pd.api.types.infer_dtype(series, skipna=True)
    if inferred not in OBJECT_ARROW_TYPES:
        raise _unsupported(series.name, f"{series.dtype} ({inferred} values)")
    try:
        return pa.array(series.to_numpy(), type=OBJECT_ARROW_TYPES[inferred], from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:  # ints past int64, mixed time zones
        raise _unsupported(series.name, f"{series.dtype} ({inferred} values: {exc})") from exc


def _arrow_chunk_view(chunk: pa.Array) -> ColumnView:
    view = as_columns(chunk).chunks[0]
    if view.kind == "temporal":
        return ColumnView(view.values, view.offset, view.length, view.validity, view.null_count)
    return view


def _prepare_series(series: pd.Series) -> Prepared:
    name, dtype = series.name, series.dtype
    text = str(dtype)
    if isinstance(dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy().astype(np.int32)
        missing = codes < 0
        count = int(missing.sum())
        validity = np.packbits(~missing, bitorder="little") if count else None
        categories = _categories(dtype)
        if categories is None:
            raise _unsupported(name, text)
        return Prepared(name, "categorical", text, [ColumnView(codes, 0, len(codes), validity, count)],
                        categories=categories)
    if isinstance(dtype, pd.ArrowDtype) or isinstance(series.array, pd.arrays.ArrowExtensionArray):
        # before the datetime test: pandas calls date32[pyarrow] a datetime dtype but has no .dt.unit for it
        chunked = series.array.__arrow_array__()
        if isinstance(chunked, pa.Array):
            chunked = pa.chunked_array([chunked])
        return _prepare_arrow(name, chunked, text)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        unit = series.dt.unit
        values = series.array.asi8 if getattr(dtype, "tz", None) is not None else series.to_numpy()
        return Prepared(name, "timestamp", text, [_nat_view(np.asarray(values).view(f"M8[{unit}]"))], unit=unit,
                        tz=getattr(dtype, "tz", None))
    if pd.api.types.is_timedelta64_dtype(dtype):
        unit = series.dt.unit
        return Prepared(name, "duration", text, [_nat_view(series.to_numpy().view(f"m8[{unit}]"))], unit=unit)
    if dtype == object or isinstance(dtype, pd.StringDtype):
        return _prepare_arrow(name, pa.chunked_array([object_to_arrow(series)]), text)
    api = pd.api.types
    if api.is_bool_dtype(dtype) or (api.is_numeric_dtype(dtype) and not api.is_complex_dtype(dtype)):
        view = _widen(as_columns(series).chunks[0])
        # uint64 values above 2**63 arrive as float64 and are then read as floats.
        kind = "bool" if api.is_bool_dtype(dtype) else "float" if view.values.dtype.kind == "f" else "int"
        return Prepared(name, kind, text, [view])
    raise _unsupported(name, text)


def series_supported(series: pd.Series) -> bool:
    """Whether :func:`prepare` takes this Series, decided from its dtype without converting it.

    >>> series_supported(pd.Series([1.0])), series_supported(pd.Series([1 + 2j]))
    (True, False)
    """
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return _categories(dtype) is not None
    if isinstance(dtype, pd.ArrowDtype) or isinstance(series.array, pd.arrays.ArrowExtensionArray):
        return arrow_type_supported(series.array.__arrow_array__().type)
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        return True
    if dtype == object or isinstance(dtype, pd.StringDtype):
        return pd.api.types.infer_dtype(series, skipna=True) in OBJECT_ARROW_TYPES
    api = pd.api.types
    return bool(api.is_bool_dtype(dtype) or (api.is_numeric_dtype(dtype) and not api.is_complex_dtype(dtype)))


def prepare(obj: Any, name: Any = None) -> Prepared:
    """Prepare a Series, numpy array, pyarrow Array or ChunkedArray."""
    if isinstance(obj, pd.Series):
        return _prepare_series(obj)
    if isinstance(obj, pa.Array):
        obj = pa.chunked_array([obj])
    if isinstance(obj, pa.ChunkedArray):
        return _prepare_arrow(name, obj, str(obj.type))
    if isinstance(obj, np.ndarray):
        if obj.ndim != 1:
            raise ValidationError(f"expected a 1-D array, got {obj.ndim} dimensions", "input")
        return _prepare_series(pd.Series(obj, name=name, copy=False))
    if hasattr(obj, "__arrow_c_array__") or hasattr(obj, "__arrow_c_stream__"):
        return prepare(pa.chunked_array(obj) if hasattr(obj, "__arrow_c_stream__") else pa.array(obj), name)
    if isinstance(obj, (pd.DataFrame, dict, str, bytes)) or np.isscalar(obj):
        raise ValidationError(f"expected a 1-D array or Series, got {type(obj).__name__}", "input")
    return _prepare_series(pd.Series(list(obj), name=name))


def arrow_of(col: Prepared) -> pa.ChunkedArray:
    """The column as Arrow (for pyarrow.compute rules): shared memory where possible."""
    if col.arrow is not None:
        return col.arrow
    arrays = []
    for view in col.chunks:
        values = view.values[view.offset : view.offset + view.length]
        validity = None
        if view.validity is not None:
            bits = np.unpackbits(view.validity, bitorder="little")[view.offset : view.offset + view.length]
            validity = pa.array(bits.astype(bool))
        arrays.append(pa.array(values, mask=None if validity is None else pc.invert(validity)))
    return pa.chunked_array(arrays) if arrays else pa.chunked_array([], pa.float64())


# ---------------------------------------------------------------------------
# Kernels


@dataclass
class Profile:
    """Counts and statistics of one column (None where they do not apply)."""

    kind: str
    rows: int = 0
    nulls: int = 0
    nans: int = 0
    infinities: int = 0
    blank: int = 0  # strings
    moments: dict | None = None
    sorted_: dict | None = None  # rt_sorted_profile
    quantiles: dict[float, float] = field(default_factory=dict)
    in_range: dict[tuple, int] = field(default_factory=dict)  # (lo, hi) -> count of values within
    distinct: int | None = None
    singletons: int | None = None
    dominant_shape_count: int | None = None
    top: list[tuple[Any, int]] = field(default_factory=list)
    keys: np.ndarray | None = None  # sorted keys of numeric columns, kept when asked
    key_kind: int | None = None

    def missing(self, nan_as_missing: bool) -> int:
        return self.nulls + (self.nans if nan_as_missing else 0)


def _numeric_chunks(col: Prepared):
    for view in col.chunks:
        code = DTYPE_CODES[view.values.dtype]
        validity = In(view.validity) if view.validity is not None else NULL
        yield view, code, validity


def _merge_moments(backend, total: dict | None, part: dict) -> dict:
    if total is None:
        return part
    return backend.run("rt_stats_moments_merge", InValue("rt_moments", total), InValue("rt_moments", part),
                       OutValue("rt_moments"))


class HashCounter:
    """An ``rt_hash_counter`` handle, freed when the ``with`` block ends."""

    def __init__(self, backend, expected: int) -> None:
        self.backend = backend
        self.handle = backend.run("rt_hash_counter_new", expected, OutValue("rt_hash_counter *"))

    def __enter__(self) -> "HashCounter":
        return self

    def __exit__(self, *exc) -> None:
        self.backend.run("rt_hash_counter_free", Ptr(self.handle))

    def add(self, keys: np.ndarray, validity, offset: int, length: int, first_row: int) -> None:
        self.backend.run("rt_hash_counter_add", Ptr(self.handle), In(keys), validity, offset, length, first_row)

    def summary(self) -> dict:
        return self.backend.run("rt_hash_counter_summary", Ptr(self.handle), OutValue("rt_hash_summary"))

    def top(self, k: int) -> list[tuple[int, int]]:
        rows = self.backend.empty(k, np.int64)
        counts = self.backend.empty(k, np.int64)
        n = self.backend.run("rt_hash_counter_top", Ptr(self.handle), k, Out(rows), Out(counts), OutValue("int64_t"))
        return [(int(rows[i]), int(counts[i])) for i in range(n)]


def sorted_keys(col: Prepared, backend) -> tuple[np.ndarray, int]:
    """The valid non-NaN values of a numeric column as sorted uint64 keys (one pool buffer)."""
    keys = backend.empty(max(col.rows, 1), np.uint64)
    n = 0
    key_kind = KEY_INT
    for view, code, validity in _numeric_chunks(col):
        key_kind = KEY_FLOAT if view.values.dtype.kind == "f" else KEY_INT
        n += backend.run("rt_quality_gather_keys", code, In(view.values), validity, view.offset, view.length,
                         Out(keys[n:]), OutValue("int64_t"))
    backend.run("rt_quality_sort_keys", Out(keys), n)
    return keys[:n], key_kind


def _to_unit(value: Any, col: Prepared) -> float:
    """A bound in a column's own units: timestamps (or strings) become integers in the column's unit."""
    if col.kind == "timestamp":
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is None and col.tz is not None:
            stamp = stamp.tz_localize(col.tz)
        elif stamp.tzinfo is not None and col.tz is None:
            stamp = stamp.tz_convert(None)
        return float(stamp.as_unit("ns").value // _UNIT_NS[col.unit])
    return float(value)


def numeric_profile(col: Prepared, *, k: float = 3.5, ranges=(), probs=(), row_hashes=None,
                    keep_keys: bool = False) -> Profile:
    """Counts, moments, sorted profile, quantiles and range counts of a float/int/bool/timestamp column."""
    backend = get_backend()
    prof = Profile(col.kind, rows=col.rows)
    moments = None
    position = 0
    for view, code, validity in _numeric_chunks(col):
        counts = backend.run("rt_quality_count_values", code, In(view.values), validity, view.offset, view.length,
                             OutValue("rt_value_counts"))
        prof.nulls += counts["nulls"]
        prof.nans += counts["nans"]
        prof.infinities += counts["infinities"]
        part = backend.run("rt_stats_moments", code, In(view.values), validity, view.offset, view.length, 1,
                           OutValue("rt_moments"))
        moments = _merge_moments(backend, moments, part)
        if row_hashes is not None:
            backend.run("rt_quality_hash_rows", code, In(view.values), validity, view.offset, view.length,
                        Out(row_hashes[position : position + view.length]))
        position += view.length
    prof.moments = moments
    keys, key_kind = sorted_keys(col, backend)
    prof.key_kind = key_kind
    n = len(keys)
    prof.sorted_ = backend.run("rt_quality_sorted_profile", key_kind, In(keys) if n else NULL, n, float(k),
                               OutValue("rt_sorted_profile"))
    prof.distinct, prof.singletons = prof.sorted_["distinct"], prof.sorted_["singletons"]
    if probs:
        probs_array = np.asarray(probs, dtype=np.float64)
        out = backend.empty(len(probs_array), np.float64)
        backend.run("rt_quality_sorted_quantiles", key_kind, In(keys) if n else NULL, n, In(probs_array),
                    len(probs_array), Out(out))
        prof.quantiles = dict(zip(probs, (float(v) for v in out)))
    for lo, hi in ranges:
        prof.in_range[(lo, hi)] = backend.run("rt_quality_sorted_count_between", key_kind, In(keys) if n else NULL,
                                              n, _to_unit(lo, col), _to_unit(hi, col), OutValue("int64_t"))
    if prof.sorted_["mode_count"] > 0:
        prof.top = [(prof.sorted_["mode"], prof.sorted_["mode_count"])]
    if keep_keys:
        prof.keys = keys
    return prof


def unsorted_profile(col: Prepared, probs=()) -> Profile:
    """Moments, exact quantiles, distinct values, values once and the mode of a float/int/bool/timestamp
    column, without sorting it (``rt_quality_key_profile``): what ``describe()`` reports.

    The moments' ``missing`` counts nulls and NaN together (pandas' missing); ``nulls`` and ``nans`` are
    not told apart here.

    >>> p = unsorted_profile(prepare(pd.Series([3.0, 1.0, None, 3.0])), probs=(0.5,))
    >>> p.moments["count"], p.moments["missing"], p.quantiles[0.5], p.distinct, p.singletons, p.top
    (3, 1, 3.0, 2, 1, [(3.0, 2)])
    """
    backend = get_backend()
    prof = Profile(col.kind, rows=col.rows)
    keys = backend.empty(max(col.rows, 1), np.uint64)
    n = 0
    prof.key_kind = KEY_INT
    for view, code, validity in _numeric_chunks(col):
        part = backend.run("rt_stats_moments", code, In(view.values), validity, view.offset, view.length, 1,
                           OutValue("rt_moments"))
        prof.moments = _merge_moments(backend, prof.moments, part)
        prof.key_kind = KEY_FLOAT if view.values.dtype.kind == "f" else KEY_INT
        n += backend.run("rt_quality_gather_keys", code, In(view.values), validity, view.offset, view.length,
                         Out(keys[n:]), OutValue("int64_t"))
    probs_array = np.asarray(probs, dtype=np.float64)
    out = backend.empty(max(len(probs_array), 1), np.float64)
    # One call for counts and quantiles. rt_quality_key_counts (hash partitions, then the quantiles alone)
    # was measured against it: 1-12% faster on mostly distinct floats, 10% slower with few distinct
    # values, 2.5x slower on narrow clusters, which the direct count here serves (docs/benchmarks.md).
    counts = backend.run("rt_quality_key_profile", prof.key_kind, Out(keys) if n else NULL, n,
                         In(probs_array) if len(probs_array) else NULL, len(probs_array),
                         Out(out) if len(probs_array) else NULL, OutValue("rt_key_profile"))
    prof.quantiles = dict(zip(probs, (float(v) for v in out)))
    prof.distinct, prof.singletons = counts["distinct"], counts["singletons"]
    if counts["mode_count"] > 0:
        prof.top = [(counts["mode"], counts["mode_count"])]
    return prof


def string_profile(col: Prepared, *, row_hashes=None, top: int = 0, shapes: bool = True,
                   values: bool = True) -> Profile:
    """Null and blank counts, exact distinct values, values once, dominant shape of a string column."""
    backend = get_backend()
    prof = Profile(col.kind, rows=col.rows)
    rows = max(col.rows, 1)
    value_hashes = backend.empty(rows, np.uint64) if values else None
    shape_hashes = backend.empty(rows, np.uint64) if shapes else None
    validity_of_rows = []
    position = 0
    for view in col.chunks:
        width = view.offsets.dtype.itemsize
        counts = backend.run(
            "rt_quality_scan_strings", In(view.values) if len(view.values) else NULL, view.values.nbytes,
            In(view.offsets), width, In(view.validity) if view.validity is not None else NULL, view.offset, view.length,
            Out(value_hashes[position:]) if values else NULL, Out(shape_hashes[position:]) if shapes else NULL,
            Out(row_hashes[position : position + view.length]) if row_hashes is not None else NULL,
            OutValue("rt_string_counts"))
        prof.nulls += counts["nulls"]
        prof.blank += counts["blank"]
        validity_of_rows.append((view, position))
        position += view.length
    if values:
        with HashCounter(backend, 1024) as counter:
            _add_rows(counter, value_hashes, validity_of_rows)
            summary = counter.summary()
            prof.distinct, prof.singletons = summary["distinct"], summary["singletons"]
            if top:
                arrow = col.arrow
                prof.top = [(arrow[row].as_py(), count) for row, count in counter.top(top)]
    if shapes:
        with HashCounter(backend, 64) as counter:
            _add_rows(counter, shape_hashes, validity_of_rows)
            best = counter.top(1)
            prof.dominant_shape_count = best[0][1] if best else 0
    return prof


def _add_rows(counter: HashCounter, hashes: np.ndarray, chunks) -> None:
    """Count the per-row hashes of valid rows; the validity bits are the chunk's, at its own offset."""
    for view, position in chunks:
        if view.length == 0:
            continue
        if view.validity is None:
            counter.add(hashes, NULL, position, view.length, position)
        else:
            # Realign the chunk's bitmap with the hashes (they start at row 0 of the chunk).
            bits = np.unpackbits(view.validity, bitorder="little")[view.offset : view.offset + view.length]
            packed = np.packbits(np.concatenate([np.zeros(position % 8, np.uint8), bits]), bitorder="little")
            counter.add(hashes[position - position % 8 :], In(packed), position % 8, view.length, position)


def categorical_counts(col: Prepared) -> tuple[np.ndarray, int]:
    """Rows per category and the number of missing rows of a categorical column."""
    (view,) = col.chunks
    codes = view.values
    counts = np.bincount(codes[codes >= 0], minlength=len(col.categories))
    return counts, int((codes < 0).sum())


def shape_groups(strings: pa.Array) -> np.ndarray:
    """Shape hash of each string of a (small) Arrow string array, by the C scan."""
    backend = get_backend()
    strings = strings.cast(pa.large_string()) if pa.types.is_large_string(strings.type) else strings.cast(pa.string())
    view = as_columns(strings).chunks[0]
    out = backend.empty(max(view.length, 1), np.uint64)
    backend.run("rt_quality_scan_strings", In(view.values) if len(view.values) else NULL, view.values.nbytes,
                In(view.offsets), view.offsets.dtype.itemsize, In(view.validity) if view.validity is not None else NULL,
                view.offset, view.length, NULL, Out(out), NULL, OutValue("rt_string_counts"))
    return out[: view.length].copy()


def blank_mask(strings: pa.Array) -> np.ndarray:
    """True where a string is empty after stripping whitespace (Python's str.isspace set)."""
    stripped = pc.utf8_trim_whitespace(strings)
    return np.asarray(pc.fill_null(pc.equal(pc.utf8_length(stripped), 0), False))


def hash_rows_of(col: Prepared, row_hashes: np.ndarray) -> None:
    """Mix a column into the frame's row hashes (for columns not otherwise scanned)."""
    backend = get_backend()
    position = 0
    if col.kind == "string":
        string_profile(col, row_hashes=row_hashes, shapes=False, values=False)
        return
    for view, code, validity in _numeric_chunks(col):
        backend.run("rt_quality_hash_rows", code, In(view.values), validity, view.offset, view.length,
                    Out(row_hashes[position : position + view.length]))
        position += view.length


def duplicate_rows(backend, row_hashes: np.ndarray, rows: int) -> int:
    """Rows equal (by 64-bit row hash) to an earlier row: what ``DataFrame.duplicated().sum()`` counts.

    Rows less distinct row hashes, by ``rt_quality_key_counts``: the hashes split into cache-sized
    partitions by their top bits and each counted in a hash table in cache (2.7x faster than
    radix-sorting them and comparing neighbours, see docs/benchmarks.md). The hashes are not changed.

    >>> from rt_pandas._backend import get_backend
    >>> duplicate_rows(get_backend(), np.array([7, 3, 7, 7, 5], dtype=np.uint64), 5)
    2
    """
    if rows == 0:
        return 0
    counts = backend.run("rt_quality_key_counts", KEY_INT, In(row_hashes), rows, OutValue("rt_key_profile"))
    return rows - counts["distinct"]
