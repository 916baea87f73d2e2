"""Mergeable quality states: build a report from batches, partitions or streams.

A :class:`QualityState` is updated batch by batch, merged with states built
elsewhere (other Dask partitions, other Flight streams) and serialised with
``to_bytes()``. What it keeps per column:

* counts (rows, missing, valid, within the declared range), moments
  (Chan's parallel update), min and max: exact after any merge;
* while a column has at most ``exact_limit`` values, the values themselves
  (as sortable keys, or 64-bit hashes for strings): distinct counts,
  values occurring once, median, MAD and consistency are then exact;
* beyond that, a HyperLogLog (precision 14: standard error 1.04 / 128 =
  0.81%) for distinct values and a KLL sketch for quantiles, MAD and
  consistency (rank error measured below 0.5% with the default capacity);
  uniqueness (values occurring once) is then None: no sketch gives it;
* with ``sample_rows`` (Dask partitions of a large collection), a KLL sketch
  fed a Bernoulli sample of each numeric batch (:meth:`QualityState.sample_level`),
  everything else as above;
* string shape counts: exact.

>>> import pandas as pd
>>> a, b = QualityState(), QualityState()
>>> a.update(pd.DataFrame({"x": [1.0, 2.0, None]}))
>>> b.update(pd.DataFrame({"x": [2.0, 3.0]}))
>>> merged = QualityState.from_bytes(a.merge(b).to_bytes())
>>> merged.finalize().to_frame().loc["x", ["completeness", "uniqueness"]].tolist()
[0.8, 0.5]
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from . import _profile as prof
from . import _serial
from ._backend import NULL, In, InValue, Out, OutValue, get_backend
from .errors import ValidationError

__all__ = ["QualityState", "KLLSketch"]

SIGN = np.uint64(1 << 63)
FORMAT_VERSION = 2  # 2: in the checksummed envelope of _serial.py


def decode_keys(keys: np.ndarray, key_kind: int) -> np.ndarray:
    """Sortable uint64 keys back to float64 values (see csrc/quality/keys.c)."""
    keys = np.asarray(keys, dtype=np.uint64)
    if key_kind == prof.KEY_INT:
        return (keys ^ SIGN).view(np.int64).astype(np.float64)
    bits = np.where(keys & SIGN, keys ^ SIGN, ~keys)
    return bits.view(np.float64)


class KLLSketch:
    """A mergeable quantile sketch: a KLL hierarchy of compactors of equal capacity.

    Level h holds items of weight 2**h. When a level outgrows ``capacity`` it
    is sorted and every other item (odd or even positions, chosen by a
    deterministic coin) moves up one level, so rank errors cancel on average.
    """

    def __init__(self, capacity: int = 4096, coin: int = 0x2545F4914F6CDD1D) -> None:
        self.capacity = capacity
        self.levels: list[np.ndarray] = [np.empty(0)]
        self.coin = coin

    def _flip(self) -> int:
        self.coin = (self.coin * 6364136223846793005 + 1442695040888963407) % 2**64
        return (self.coin >> 63) & 1

    def update(self, values: np.ndarray) -> None:
        self.levels[0] = np.concatenate([self.levels[0], np.asarray(values, dtype=np.float64)])
        self._compress()

    def update_sorted_keys(self, keys: np.ndarray, key_kind: int, level: int = 0) -> None:
        """Add sorted keys (rt_quality_sort_keys order) without sorting them again.

        Compacting a sorted run is a stride pick and what it promotes is sorted
        too, so a fresh sketch gets the levels ``update`` would build, with the
        same coin flips, and only the kept items are decoded to floats. A sketch
        that already holds items merges a sketch built this way. ``level`` h
        enters the keys with weight 2**h: a sample that kept each value with
        probability 2**-h (the KLL paper's sampler below level h).

        >>> a, b = KLLSketch(8), KLLSketch(8)
        >>> values = np.arange(100.0)
        >>> keys, kind = prof.sorted_keys(prof.prepare(values), get_backend())
        >>> a.update(values); b.update_sorted_keys(keys, kind)
        >>> all(np.array_equal(x, y) for x, y in zip(a.levels, b.levels)), len(a.levels) == len(b.levels)
        (True, True)
        """
        if any(len(items) for items in self.levels):
            fresh = KLLSketch(self.capacity, self.coin)
            fresh.update_sorted_keys(keys, key_kind, level)
            self.coin = fresh.coin
            self.merge(fresh)
            return
        levels, run = [keys[:0]] * level, keys
        while len(run) > self.capacity:
            parity, n = self._flip(), len(run)
            levels.append(run[n - 1 :] if n % 2 else run[:0])  # the odd item out stays at its level
            run = run[parity : n - n % 2 : 2]
        levels.append(run)
        self.levels = [decode_keys(np.ascontiguousarray(items), key_kind) for items in levels]

    def merge(self, other: "KLLSketch") -> None:
        for h, items in enumerate(other.levels):
            if h == len(self.levels):
                self.levels.append(np.empty(0))
            self.levels[h] = np.concatenate([self.levels[h], items])
        self._compress()

    def _compress(self) -> None:
        h = 0
        while h < len(self.levels):
            if len(self.levels[h]) > self.capacity:
                promoted, keep = _compact(self.levels[h], self._flip())
                if h + 1 == len(self.levels):
                    self.levels.append(np.empty(0))
                self.levels[h + 1] = np.concatenate([self.levels[h + 1], promoted])
                self.levels[h] = keep
            h += 1

    def weighted(self) -> tuple[np.ndarray, np.ndarray]:
        """All items sorted, with their weights."""
        items = np.concatenate(self.levels)
        weights = np.concatenate([np.full(len(level), 2.0**h) for h, level in enumerate(self.levels)])
        order = np.argsort(items, kind="stable")
        return items[order], weights[order]

    @property
    def count(self) -> float:
        return float(sum(len(level) * 2.0**h for h, level in enumerate(self.levels)))

    def quantile(self, p: float) -> float:
        items, weights = self.weighted()
        if not len(items):
            return math.nan
        cumulative = np.cumsum(weights)
        return float(items[min(np.searchsorted(cumulative, p * cumulative[-1], side="left"), len(items) - 1)])

    def count_between(self, lo: float, hi: float) -> float:
        items, weights = self.weighted()
        return float(weights[(items >= lo) & (items <= hi)].sum())

    def median_mad(self) -> tuple[float, float]:
        items, weights = self.weighted()
        if not len(items):
            return math.nan, math.nan
        median = self.quantile(0.5)
        deviations = np.abs(items - median)
        order = np.argsort(deviations, kind="stable")
        cumulative = np.cumsum(weights[order])
        mad = deviations[order][min(np.searchsorted(cumulative, 0.5 * cumulative[-1]), len(items) - 1)]
        return median, float(mad)


def _compact(items: np.ndarray, parity: int) -> tuple[np.ndarray, np.ndarray]:
    """One compaction by the C kernel: (every other sorted item, the odd item out or nothing)."""
    backend = get_backend()
    n = len(items)
    work = backend.empty(n, np.float64)
    work[:] = items
    promoted = backend.empty(n // 2 + 1, np.float64)
    count = backend.run("rt_quality_kll_compact", Out(work), n, parity, Out(promoted), OutValue("int64_t"))
    keep = np.array(work[n - 1 :]) if n % 2 else np.empty(0)
    return np.array(promoted[:count]), keep


@dataclass
class _ColumnState:
    name: Any
    kind: str
    dtype: str
    unit: str | None = None
    tz: str | None = None
    key_kind: int = prof.KEY_FLOAT
    rows: int = 0
    missing: int = 0
    valid: int = 0
    in_range: int = 0
    nans: int = 0  # NaN counted as values (nan_as_missing=False)
    moments: dict | None = None
    exact: list = field(default_factory=list)  # arrays of keys or string hashes while exact
    exact_count: int = 0
    sketched: bool = False
    hll: np.ndarray | None = None
    kll: KLLSketch | None = None
    shapes: dict = field(default_factory=dict)


def _sorted_union(parts: list[np.ndarray]) -> np.ndarray:
    """Sorted key arrays as one sorted array (one array is returned as it is)."""
    if len(parts) <= 1:
        return parts[0] if parts else np.zeros(0, np.uint64)
    backend = get_backend()
    n = sum(len(part) for part in parts)
    keys = backend.empty(max(n, 1), np.uint64)[:n]
    np.concatenate(parts, out=keys)
    if n:
        backend.run("rt_quality_sort_keys", Out(keys), n)
    return np.array(keys)


def _mix_seed(*parts: int) -> int:
    """A 64-bit seed from integers (splitmix64 steps): nearby inputs give unrelated seeds."""
    mixed = 0x9E3779B97F4A7C15
    for part in parts:
        mixed = (mixed ^ (int(part) & 0xFFFFFFFFFFFFFFFF)) * 0xBF58476D1CE4E5B9 & 0xFFFFFFFFFFFFFFFF
        mixed = (mixed ^ (mixed >> 31)) * 0x94D049BB133111EB & 0xFFFFFFFFFFFFFFFF
        mixed ^= mixed >> 29
    return mixed


def _registers(precision: int) -> np.ndarray:
    return np.zeros(1 << precision, dtype=np.uint8)


def _hll_add(registers: np.ndarray, precision: int, keys: np.ndarray) -> np.ndarray:
    backend = get_backend()
    out = backend.empty(len(registers), np.uint8)
    out[:] = registers
    if len(keys):
        backend.run("rt_hll_add", Out(out), precision, In(np.ascontiguousarray(keys, dtype=np.uint64)), NULL, 0,
                    len(keys))
    return np.array(out)


def _hll_estimate(registers: np.ndarray, precision: int) -> float:
    backend = get_backend()
    return backend.run("rt_hll_estimate", In(registers), precision, OutValue("double"))


def _valid_mask(view) -> np.ndarray:
    if view.validity is None:
        return np.ones(view.length, dtype=bool)
    return np.unpackbits(view.validity, bitorder="little")[view.offset : view.offset + view.length].astype(bool)


class QualityState:
    """Mergeable, serialisable quality state; ``finalize()`` gives the QualityReport.

    Parameters
    ----------
    ranges, rules, k, nan_as_missing
        As in :func:`rt_pandas.quality.quality`; fixed for the state's life
        (states merge only with states of the same settings).
    exact_limit : int
        Values per column kept exactly (default 1,000,000); beyond, sketches.
    hll_precision : int
        HyperLogLog registers: 2**hll_precision (14: 0.81% standard error).
    kll_capacity : int
        Items per KLL level (4096).
    sample_rows : int
        0 (default), or the rows of all the states that will be merged, when
        known and above ``exact_limit`` (Dask's quality passes the
        collection's length). Columns then sketch from their first batch, and
        a numeric batch sends its KLL a Bernoulli sample of its values instead
        of all of them (see :meth:`sample_level`): only the sample is sorted.
        Counts, moments, range counts and HyperLogLogs are the same as without.

    Examples
    --------
    >>> import pandas as pd
    >>> state = QualityState(ranges={"t": (0, 100)})
    >>> for part in (pd.DataFrame({"t": [5.0, 150.0]}), pd.DataFrame({"t": [7.0, None]})):
    ...     state.update(part)
    >>> report = state.finalize()
    >>> report.to_frame().loc["t", ["completeness", "accuracy"]].tolist()
    [0.75, 0.6666666666666666]
    """

    def __init__(self, ranges: dict | None = None, rules: dict | None = None, k: float = 3.5,
                 nan_as_missing: bool = True, exact_limit: int = 1_000_000, hll_precision: int = 14,
                 kll_capacity: int = 4096, sample_rows: int = 0) -> None:
        from . import quality as q

        self.ranges = {key: q._check_range(value, f"ranges[{key!r}]") for key, value in (ranges or {}).items()}
        self._raw_rules = dict(rules or {})
        self.rules = {key: q.as_rule(value, f"rules[{key!r}]") for key, value in self._raw_rules.items()}
        self.k = q._check_k(k)
        self.nan_as_missing = bool(nan_as_missing)
        if not (isinstance(exact_limit, int) and exact_limit >= 0):
            raise ValidationError("exact_limit must be an int >= 0", "exact_limit")
        if not (isinstance(hll_precision, int) and 4 <= hll_precision <= 18):
            raise ValidationError("hll_precision must be an int in 4..18", "hll_precision")
        if not (isinstance(kll_capacity, int) and kll_capacity >= 8):
            raise ValidationError("kll_capacity must be an int >= 8", "kll_capacity")
        if not (isinstance(sample_rows, int) and (sample_rows == 0 or sample_rows > exact_limit)):
            raise ValidationError("sample_rows must be 0 or an int above exact_limit", "sample_rows")
        self.exact_limit = exact_limit
        self.hll_precision = hll_precision
        self.kll_capacity = kll_capacity
        self.sample_rows = sample_rows
        self.rows = 0
        self.columns: dict[Any, _ColumnState] = {}
        self.row_state = self._new_column("<rows>", "rows", "row hashes")

    def _new_column(self, name: Any, kind: str, dtype: str, unit: str | None = None,
                    tz: str | None = None) -> _ColumnState:
        """An empty column state: sketching from the start when sampling (``sample_rows``)."""
        state = _ColumnState(name, kind, dtype, unit, tz)
        state.hll = _registers(self.hll_precision)
        if self.sample_rows:
            state.sketched = True
            state.kll = KLLSketch(self.kll_capacity) if kind in prof.NUMERIC_KINDS else None
        return state

    # -- settings ---------------------------------------------------------

    def _settings(self) -> dict:
        def plain(value):
            return str(value) if isinstance(value, pd.Timestamp) else value

        return {"ranges": {str(k): [plain(v) for v in r] for k, r in self.ranges.items()},
                "rules": {str(k): [r.kind, [plain(v) for v in r.value] if isinstance(r.value, (list, tuple))
                                   else r.value] for k, r in self.rules.items()},
                "k": self.k, "nan_as_missing": self.nan_as_missing, "exact_limit": self.exact_limit,
                "hll_precision": self.hll_precision, "kll_capacity": self.kll_capacity,
                "sample_rows": self.sample_rows}

    def _empty_like(self) -> "QualityState":
        clone = QualityState.__new__(QualityState)
        clone.__dict__.update({key: value for key, value in self.__dict__.items()
                               if key not in ("columns", "row_state", "rows")})
        clone.rows = 0
        clone.columns = {}
        clone.row_state = clone._new_column("<rows>", "rows", "row hashes")
        return clone

    # -- update -----------------------------------------------------------

    def update(self, batch: Any, *, seed: int = 0) -> None:
        """Add a batch: DataFrame, pyarrow Table / RecordBatch, or one Series / array.

        ``seed`` (with the rows already added and the column's position)
        picks the sampled rows when ``sample_rows`` is set: the same batch and
        seed give the same state. Dask passes the partition's index.
        """
        from . import quality as q

        columns = q._frame_columns(batch)
        names = [name for name, _ in columns]
        if self.columns and list(self.columns) != names:
            raise ValidationError(f"batch columns {names} differ from the state's {list(self.columns)}", "update")
        for key in list(self.ranges) + list(self.rules):
            if key not in names:
                raise ValidationError(f"ranges/rules name unknown column {key!r}; the columns are {names}", "update")
        prepared = [prof.prepare(_plain_categorical(column), name) for name, column in columns]
        rows = prepared[0].rows if prepared else 0
        backend = get_backend()
        row_hashes = backend.empty(max(rows, 1), np.uint64)
        row_hashes[:] = 0
        for position, col in enumerate(prepared):
            state = self.columns.get(col.name)
            if state is None:
                state = self.columns[col.name] = self._new_column(col.name, col.kind, col.dtype, col.unit,
                                                                  None if col.tz is None else str(col.tz))
            elif state.kind != col.kind:
                raise ValidationError(f"column {col.name!r} was {state.dtype} and is now {col.dtype}", "update")
            if col.kind == "string":
                self._update_strings(state, col, row_hashes[:rows])
            else:
                self._update_numeric(state, col, row_hashes[:rows], _mix_seed(seed, self.rows, position))
        if prepared:
            self._add_exact(self.row_state, row_hashes[:rows])
            self.rows += rows

    def _add_exact(self, state: _ColumnState, keys: np.ndarray, numeric: bool = False) -> None:
        """Keep keys exactly until the limit; HLL always; KLL (of ``numeric`` sorted keys) once sketched."""
        state.hll = _hll_add(state.hll, self.hll_precision, keys)
        if state.sketched:
            if numeric:
                state.kll.update_sorted_keys(keys, state.key_kind)
            return
        state.exact.append(np.array(keys))  # a copy: ``keys`` may be a view of a kernel's buffer
        state.exact_count += len(keys)
        if state.exact_count > self.exact_limit:
            self._to_sketch(state)

    def _to_sketch(self, state: _ColumnState) -> None:
        state.sketched = True
        if state.kind in prof.NUMERIC_KINDS:
            state.kll = KLLSketch(self.kll_capacity)
            state.kll.update_sorted_keys(_sorted_union(state.exact), state.key_kind)
        state.exact = []
        state.exact_count = 0

    def _update_numeric(self, state: _ColumnState, col: prof.Prepared, row_hashes: np.ndarray, seed: int) -> None:
        from . import quality as q

        backend = get_backend()
        range_ = self.ranges.get(col.name)
        rule = self.rules.get(col.name)
        plausible = None
        if col.kind == "timestamp":
            plausible = prof.PLAUSIBLE_TIMESTAMPS
            if col.tz is not None:
                plausible = tuple(bound.tz_localize("UTC") for bound in plausible)
        ranges = [r for r in (range_, rule.value if rule is not None and rule.kind == "range" else None, plausible)
                  if r]
        if self.sample_rows:
            p, sample, level = self._sample_numeric(state, col, ranges, row_hashes, seed)
        else:
            p = prof.numeric_profile(col, k=self.k, ranges=ranges, row_hashes=row_hashes, keep_keys=True)
        state.key_kind = p.key_kind
        missing = p.missing(self.nan_as_missing)
        present = p.rows - missing
        nans = 0 if self.nan_as_missing else p.nans
        if rule is not None:
            valid = q._rule_count(col, rule, p)
        elif col.kind == "float":
            valid = present - p.infinities - nans
        elif col.kind == "timestamp":
            valid = p.in_range[plausible]
        else:
            valid = present
        state.rows += p.rows
        state.missing += missing
        state.valid += valid
        state.nans += nans
        state.in_range += p.in_range[range_] if range_ is not None else 0
        state.moments = prof._merge_moments(backend, state.moments, p.moments)
        if self.sample_rows:
            state.kll.update_sorted_keys(sample, p.key_kind, level)
        else:
            self._add_exact(state, p.keys, numeric=True)

    def sample_level(self, values: int, rows: int) -> int:
        """The sampling level h of a batch with ``values`` valid values in ``rows`` rows.

        The batch's share of valid values, times ``sample_rows``, estimates
        the values V of the column in all the states; h is the largest with
        2**h <= 4 V / k**2 (k = ``kll_capacity``), 0 if none. Keeping each
        value with probability 2**-h and weight 2**h adds a rank error of
        standard deviation sqrt(q (1 - q) V 2**h) <= V / k at rank q V: the
        order of the compactors' own (docs/quality.md, "Mergeable states").

        >>> QualityState(exact_limit=0, sample_rows=50_000_000).sample_level(980_000, 1_000_000)
        3
        >>> QualityState(exact_limit=0, sample_rows=2_000_000).sample_level(980_000, 1_000_000)
        0
        """
        if not self.sample_rows or rows <= 0 or values <= 0:
            return 0
        bound = 4.0 * self.sample_rows * values / rows / self.kll_capacity**2
        return min(max(int(math.floor(math.log2(bound))), 0), 32) if bound >= 1 else 0

    def _sample_numeric(self, state: _ColumnState, col: prof.Prepared, ranges: list, row_hashes: np.ndarray,
                        seed: int) -> tuple[prof.Profile, np.ndarray, int]:
        """A sketching batch's profile (counts, moments, range counts; HLL added to ``state``, the column
        mixed into ``row_hashes``) and its sorted sample of keys at its level: after the counts and
        moments, one kernel pass per chunk."""
        backend = get_backend()
        p = prof.Profile(col.kind, rows=col.rows)
        position = 0
        for view, code, validity in prof._numeric_chunks(col):
            counts = backend.run("rt_quality_count_values", code, In(view.values), validity, view.offset,
                                 view.length, OutValue("rt_value_counts"))
            p.nulls, p.nans, p.infinities = (p.nulls + counts["nulls"], p.nans + counts["nans"],
                                             p.infinities + counts["infinities"])
            part = backend.run("rt_stats_moments", code, In(view.values), validity, view.offset, view.length, 1,
                               OutValue("rt_moments"))
            p.moments = prof._merge_moments(backend, p.moments, part)
        level = self.sample_level(col.rows - p.nulls - p.nans, col.rows)
        bounds = np.array([prof._to_unit(bound, col) for r in ranges for bound in r], dtype=np.float64)
        in_range = backend.empty(max(len(ranges), 1), np.int64)
        in_range[:] = 0
        registers = backend.empty(len(state.hll), np.uint8)
        registers[:] = state.hll
        sample = backend.empty(max(col.rows, 1), np.uint64)
        kept = position = 0
        p.key_kind = prof.KEY_INT
        for chunk, (view, code, validity) in enumerate(prof._numeric_chunks(col)):
            p.key_kind = prof.KEY_FLOAT if view.values.dtype.kind == "f" else prof.KEY_INT
            n_sample, _ = backend.run(
                "rt_quality_sample_keys", code, In(view.values), validity, view.offset, view.length, level,
                _mix_seed(seed, chunk), Out(registers), self.hll_precision, In(bounds) if len(ranges) else NULL,
                len(ranges), Out(in_range) if len(ranges) else NULL, Out(row_hashes[position : position + view.length]),
                Out(sample[kept:]), OutValue("int64_t"), OutValue("int64_t"))
            kept += n_sample
            position += view.length
        state.hll = np.array(registers)
        p.in_range = {r: int(count) for r, count in zip(ranges, in_range[: len(ranges)])}
        if kept:
            backend.run("rt_quality_sort_keys", Out(sample), kept)
        return p, np.array(sample[:kept]), level

    def _update_strings(self, state: _ColumnState, col: prof.Prepared, row_hashes: np.ndarray) -> None:
        from . import quality as q

        backend = get_backend()
        rows = max(col.rows, 1)
        values, shapes = backend.empty(rows, np.uint64), backend.empty(rows, np.uint64)
        nulls = blank = position = 0
        masks, chunks = [], []
        for view in col.chunks:
            counts = backend.run(
                "rt_quality_scan_strings", In(view.values) if len(view.values) else NULL, view.values.nbytes,
                In(view.offsets), view.offsets.dtype.itemsize,
                In(view.validity) if view.validity is not None else NULL, view.offset, view.length,
                Out(values[position:]), Out(shapes[position:]),
                Out(row_hashes[position : position + view.length]), OutValue("rt_string_counts"))
            nulls += counts["nulls"]
            blank += counts["blank"]
            if view.validity is not None:
                masks.append((_valid_mask(view), position))
            chunks.append((view, position))
            position += view.length
        present = col.rows - nulls
        rule = self.rules.get(col.name)
        state.rows += col.rows
        state.missing += nulls
        state.valid += q._rule_count(col, rule, None) if rule is not None else present - blank
        with prof.HashCounter(backend, 64) as counter:  # the valid rows' shapes (a handful of distinct ones)
            prof._add_rows(counter, shapes, chunks)
            for row, count in counter.top(counter.summary()["distinct"]):
                shape = int(shapes[row])
                state.shapes[shape] = state.shapes.get(shape, 0) + count
        valid_values = values[: col.rows]
        if masks:
            mask = np.ones(col.rows, dtype=bool)
            for chunk_mask, start in masks:
                mask[start : start + len(chunk_mask)] = chunk_mask
            valid_values = valid_values[mask]
        self._add_exact(state, valid_values)

    # -- merge ------------------------------------------------------------

    def merge(self, other: "QualityState") -> "QualityState":
        """A new state holding both states' data (neither input changes)."""
        if not isinstance(other, QualityState):
            raise ValidationError(f"can only merge a QualityState, got {type(other).__name__}", "merge")
        if self._settings() != other._settings():
            raise ValidationError("states with different settings (ranges, rules, k, limits) cannot be merged",
                                  "merge")
        if self.columns and other.columns and list(self.columns) != list(other.columns):
            raise ValidationError(f"states have different columns: {list(self.columns)} and {list(other.columns)}",
                                  "merge")
        merged = self._empty_like()
        merged.rows = self.rows + other.rows
        backend = get_backend()
        names = list(self.columns) or list(other.columns)
        for name in names:
            a, b = self.columns.get(name), other.columns.get(name)
            if a is not None and b is not None and a.kind != b.kind:
                raise ValidationError(f"column {name!r} is {a.dtype} in one state and {b.dtype} in the other", "merge")
            merged.columns[name] = self._merge_column(a, b, backend)
        merged.row_state = self._merge_column(self.row_state, other.row_state, backend)
        return merged

    def _merge_column(self, a: _ColumnState | None, b: _ColumnState | None, backend) -> _ColumnState:
        if a is None or b is None:
            return _copy_state(a if b is None else b)
        m = _ColumnState(a.name, a.kind, a.dtype, a.unit, a.tz, a.key_kind if a.rows else b.key_kind)
        for counter in ("rows", "missing", "valid", "in_range", "nans"):
            setattr(m, counter, getattr(a, counter) + getattr(b, counter))
        if a.moments is None or b.moments is None:
            m.moments = a.moments or b.moments
        else:
            m.moments = prof._merge_moments(backend, dict(a.moments), b.moments)
        m.hll = np.maximum(a.hll, b.hll)
        m.shapes = dict(a.shapes)
        for shape, count in b.shapes.items():
            m.shapes[shape] = m.shapes.get(shape, 0) + count
        if not a.sketched and not b.sketched and a.exact_count + b.exact_count <= self.exact_limit:
            m.exact = [*a.exact, *b.exact]
            m.exact_count = a.exact_count + b.exact_count
            return m
        m.sketched = True
        if m.kind in prof.NUMERIC_KINDS:
            m.kll = KLLSketch(self.kll_capacity)
            for part in (a, b):
                if part.sketched:
                    m.kll.merge(part.kll)
                elif part.exact:
                    m.kll.update_sorted_keys(_sorted_union(part.exact), part.key_kind)
        return m

    # -- finalize ---------------------------------------------------------

    def finalize(self, threshold: float = 0.8, weights: dict | None = None):
        """The QualityReport of everything added (exact while under ``exact_limit``; see the class doc)."""
        from . import quality as q

        threshold = q._check_threshold(threshold)
        weights = q.check_weights(weights)
        columns = [self._column_quality(state) for state in self.columns.values()]
        duplicates = None
        if self.columns:
            distinct, _ = self._distinct(self.row_state)
            duplicates = self.rows - int(round(distinct)) if self.rows else 0
        exact = not any(s.sketched for s in [*self.columns.values(), self.row_state])
        return q.QualityReport(columns, rows=self.rows, threshold=threshold, weights=weights,
                               duplicate_rows=duplicates, exact=exact)

    def _distinct(self, state: _ColumnState) -> tuple[float, int | None]:
        """Distinct values and values occurring once (None once sketched)."""
        if state.sketched:
            return _hll_estimate(state.hll, self.hll_precision), None
        keys = np.concatenate(state.exact) if state.exact else np.zeros(0, np.uint64)
        backend = get_backend()
        with prof.HashCounter(backend, len(keys)) as counter:
            if len(keys):
                counter.add(keys, NULL, 0, len(keys), 0)
            summary = counter.summary()
        return summary["distinct"], summary["singletons"]

    def _column_quality(self, s: _ColumnState):
        from . import quality as q

        present = s.rows - s.missing
        range_ = self.ranges.get(s.name)
        rule = self.rules.get(s.name)
        rule_text = rule.describe() if rule is not None else q._default_rule_text(s.kind)
        distinct, singletons = self._distinct(s)
        if s.nans:
            distinct, singletons = distinct + 1, None if singletons is None else singletons + (s.nans == 1)
        consistency = bounds = None
        if s.kind == "string":
            consistency = q._ratio(max(s.shapes.values()), present) if s.shapes else None
        elif s.kind != "bool":
            consistent, bounds = self._consistent(s)
            consistency = q._ratio(consistent, present)
        col_view = prof.Prepared(s.name, s.kind, s.dtype, [], unit=s.unit, tz=s.tz)
        if bounds is not None:
            bounds = tuple(q._from_unit(v, col_view) for v in bounds)
        return q.ColumnQuality(
            s.name, s.dtype, s.kind, s.rows, s.missing,
            completeness=q._ratio(present, s.rows), validity=q._ratio(s.valid, present), validity_rule=rule_text,
            accuracy=q._ratio(s.in_range, present) if range_ is not None else None, accuracy_range=range_,
            uniqueness=None if singletons is None else q._ratio(singletons, present),
            distinctness=q._ratio(distinct, present), distinct=int(round(distinct)),
            consistency=consistency, consistency_bounds=bounds,
        )

    def _consistent(self, s: _ColumnState) -> tuple[float, tuple | None]:
        if s.sketched:
            median, mad = s.kll.median_mad()
            if median != median:
                return 0, None
            items, weights = s.kll.weighted()
            mean_dev = float((np.abs(items - median) * weights).sum() / weights.sum())
            scale = 1.4826 * mad if mad > 0 else 1.253314 * mean_dev
            lo, hi = (median - self.k * scale, median + self.k * scale) if scale > 0 else (median, median)
            # The sketch's share of weight within the bounds, of the values it stands for (a sampled sketch's
            # total weight is itself an estimate; an unsampled one's is exact, and the share is its count).
            share = s.kll.count_between(lo, hi) / s.kll.count
            return share * (s.rows - s.missing - s.nans), (lo, hi)
        keys = np.concatenate(s.exact) if s.exact else np.zeros(0, np.uint64)
        backend = get_backend()
        buffer = backend.empty(max(len(keys), 1), np.uint64)
        buffer[: len(keys)] = keys
        backend.run("rt_quality_sort_keys", Out(buffer), len(keys))
        p = backend.run("rt_quality_sorted_profile", s.key_kind, In(buffer) if len(keys) else NULL, len(keys), self.k,
                        OutValue("rt_sorted_profile"))
        bounds = (p["consistent_lo"], p["consistent_hi"]) if p["count"] else None
        return p["consistent"], bounds

    # -- bytes ------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """A portable, pickle-free serialisation: a numpy ``.npz`` (arrays and a JSON
        header) in the versioned, checksummed envelope of :mod:`rt_pandas._serial`."""
        meta = {"format": "rt-pandas/quality-state", "version": FORMAT_VERSION, "settings": self._settings(),
                "raw_rules": {str(k): _jsonable_rule(v) for k, v in self.rules.items()},
                "rows": self.rows, "columns": []}
        arrays: dict[str, np.ndarray] = {}
        for i, state in enumerate([self.row_state, *self.columns.values()]):
            entry = {key: getattr(state, key) for key in ("kind", "dtype", "unit", "tz", "key_kind", "rows",
                                                          "missing", "valid", "in_range", "nans", "exact_count",
                                                          "sketched")}
            entry["name"] = state.name if isinstance(state.name, (str, int, float)) or state.name is None \
                else str(state.name)
            entry["moments"] = state.moments
            entry["shapes"] = [[str(k), v] for k, v in state.shapes.items()]
            arrays[f"c{i}_hll"] = state.hll
            arrays[f"c{i}_exact"] = np.concatenate(state.exact) if state.exact else np.zeros(0, np.uint64)
            if state.kll is not None:
                entry["kll"] = {"levels": len(state.kll.levels), "coin": str(state.kll.coin)}
                for h, level in enumerate(state.kll.levels):
                    arrays[f"c{i}_kll{h}"] = level
            meta["columns"].append(entry)
        buffer = io.BytesIO()
        np.savez(buffer, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8), **arrays)
        return _serial.seal(buffer.getvalue(), _serial.QUALITY_STATE, FORMAT_VERSION)

    @classmethod
    def from_bytes(cls, data: bytes) -> "QualityState":
        """The state ``to_bytes()`` wrote. The envelope (magic, version, length,
        checksum) is checked before anything is parsed, then every field and
        array shape: truncated, corrupted, foreign or malformed bytes raise
        ValidationError saying what was wrong."""
        payload = _serial.open_envelope(data, _serial.QUALITY_STATE, FORMAT_VERSION, FORMAT_VERSION, "QualityState")
        try:
            archive = np.load(io.BytesIO(payload), allow_pickle=False)
            meta = json.loads(bytes(archive["meta"]).decode())
        except Exception as exc:  # noqa: BLE001 - any parse failure means "not a state"
            raise ValidationError(f"not a serialised QualityState: {exc}", "from_bytes") from None
        if not isinstance(meta, dict) or meta.get("format") != "rt-pandas/quality-state" \
                or meta.get("version") != FORMAT_VERSION:
            raise ValidationError("not a serialised QualityState of this version", "from_bytes")
        try:
            state = cls._from_parts(meta, archive)
        except ValidationError as exc:
            raise ValidationError(f"not a serialised QualityState: {exc.message}", "from_bytes") from None
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            raise ValidationError(f"not a serialised QualityState: malformed payload ({type(exc).__name__}: {exc})",
                                  "from_bytes") from None
        return state

    @classmethod
    def _from_parts(cls, meta: dict, archive) -> "QualityState":
        """The state of a parsed header and archive; every array the C core will read is checked here."""
        settings = meta["settings"]
        ranges = {k: tuple(v) for k, v in settings["ranges"].items()}
        rules = {k: _rule_from_json(v) for k, v in meta["raw_rules"].items()}
        state = cls(ranges=ranges, rules=rules, k=settings["k"], nan_as_missing=settings["nan_as_missing"],
                    exact_limit=settings["exact_limit"], hll_precision=settings["hll_precision"],
                    kll_capacity=settings["kll_capacity"], sample_rows=settings.get("sample_rows", 0))
        state.rows = meta["rows"]
        restored = []
        for i, entry in enumerate(meta["columns"]):
            s = _ColumnState(entry["name"], entry["kind"], entry["dtype"], entry["unit"], entry["tz"],
                             entry["key_kind"])
            for key in ("rows", "missing", "valid", "in_range", "nans", "exact_count", "sketched"):
                setattr(s, key, entry[key])
            s.moments = _stored_moments(entry["moments"])
            if s.key_kind not in (prof.KEY_FLOAT, prof.KEY_INT):
                raise ValidationError(f"unknown key kind {s.key_kind!r}", "from_bytes")
            s.shapes = {int(k): v for k, v in entry["shapes"]}
            s.hll = _stored_array(archive, f"c{i}_hll", np.uint8, 1 << state.hll_precision)
            exact = _stored_array(archive, f"c{i}_exact", np.uint64)
            s.exact = [exact] if len(exact) else []
            if "kll" in entry:
                s.kll = KLLSketch(settings["kll_capacity"], int(entry["kll"]["coin"]))
                s.kll.levels = [_stored_array(archive, f"c{i}_kll{h}", np.float64)
                                for h in range(int(entry["kll"]["levels"]))]
            restored.append(s)
        if not restored:
            raise ValidationError("no row state", "from_bytes")
        state.row_state = restored[0]
        state.columns = {s.name: s for s in restored[1:]}
        return state


def _stored_array(archive, name: str, dtype, length: int | None = None) -> np.ndarray:
    """A 1-d array of the archive with the dtype (and length) the C kernels expect of it."""
    array = np.array(archive[name])
    if array.dtype != dtype or array.ndim != 1 or (length is not None and len(array) != length):
        expected = f"{np.dtype(dtype).name}[{length if length is not None else 'n'}]"
        raise ValidationError(f"array {name} is {array.dtype}{list(array.shape)}, expected {expected}", "from_bytes")
    return np.ascontiguousarray(array)


MOMENT_FIELDS = ("count", "missing", "mean", "m2", "m3", "m4", "min", "max")


def _stored_moments(value: Any) -> dict | None:
    """Moments as rt_moments fields (numbers), or None."""
    if value is None:
        return None
    if not isinstance(value, dict) or sorted(value) != sorted(MOMENT_FIELDS) or \
            not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value.values()):
        raise ValidationError(f"moments must be a dict of the numbers {MOMENT_FIELDS}", "from_bytes")
    return value


def _jsonable_rule(rule) -> dict:
    """A normalised Rule as ``{kind: value}``, the dict form ``as_rule`` reads back."""
    value = rule.value
    if isinstance(value, (list, tuple)):
        value = [str(v) if isinstance(v, pd.Timestamp) else v.item() if isinstance(v, np.generic) else v
                 for v in value]
    return {rule.kind: value}


def _rule_from_json(value: Any) -> Any:
    return value


def _copy_state(s: _ColumnState) -> _ColumnState:
    copy = _ColumnState(**{k: getattr(s, k) for k in s.__dataclass_fields__})
    copy.exact = list(s.exact)
    copy.shapes = dict(s.shapes)
    copy.moments = None if s.moments is None else dict(s.moments)
    if s.kll is not None:
        copy.kll = KLLSketch(s.kll.capacity, s.kll.coin)
        copy.kll.levels = [level.copy() for level in s.kll.levels]
    return copy


def _plain_categorical(column: Any) -> Any:
    """Categoricals become their values in states (category sets differ between batches)."""
    if isinstance(column, pd.Series) and isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories
        if categories.dtype == object or pd.api.types.is_string_dtype(categories.dtype):
            return pd.Series(pa.array(column.astype(object).to_numpy(), type=pa.string(), from_pandas=True)
                             .to_pandas(types_mapper=pd.ArrowDtype), name=column.name)
        return column.astype(categories.dtype)
    if isinstance(column, (pa.Array, pa.ChunkedArray)) and pa.types.is_dictionary(column.type):
        return column.cast(column.type.value_type)
    return column
