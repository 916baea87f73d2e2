"""What a report shows of one numeric column, gathered chunk by chunk.

Once a column's robust statistics are known (median and MAD, and the
0.5-99.5 percentile range its charts use), :class:`ColumnScan` takes the
column in chunks - the whole column at once for data in memory, or one
record batch at a time for a file read in passes - and keeps only what the
report draws: the anomaly count, the largest scores, a histogram, a line of
per-bucket minima and maxima over time, the anomalies to mark on it and the
latest readings for the seasonal analysis. Both ways of reading give the same
report because both feed this one class; order ties are broken by time, then
row position, so the order chunks arrive in does not matter.
"""

from __future__ import annotations

import numpy as np

HISTOGRAM_BINS = 30
LINE_POINTS = 600          # a line chart keeps at most this many (min, max) buckets
MARKED_ANOMALIES = 200     # and marks at most this many anomalies (the largest scores)
TOP_ANOMALIES = 10         # the table of the largest scores
NO_TIME = np.iinfo(np.int64).min


def chart_range(lo: float, hi: float, finite_min: float, finite_max: float) -> tuple[float, float]:
    """The 0.5-99.5 percentile range [lo, hi] widened by a quarter each side, within the data: a
    sentinel such as -999 must not squeeze the rest of the data into one bar (values beyond are
    counted, and drawn at the edge of line charts)."""
    pad = 0.25 * (hi - lo)
    return max(finite_min, lo - pad), min(finite_max, hi + pad)


def histogram_range(bounds: tuple[float, float]) -> tuple[float, float]:
    """numpy's own widening of an empty range, so chunk histograms add up to the whole one."""
    lo, hi = bounds
    return (lo - 0.5, hi + 0.5) if lo == hi else (lo, hi)


def _first_per_group(groups: np.ndarray) -> np.ndarray:
    """Positions where a sorted ``groups`` array starts a new group."""
    return np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]]) if len(groups) else np.zeros(0, np.int64)


class _Points:
    """Columns of equal length (score, time, row, value...) kept as one record array."""

    FIELDS = [("score", "f8"), ("time", "i8"), ("row", "i8"), ("value", "f8"), ("shown", "f8")]

    @classmethod
    def make(cls, **columns: np.ndarray) -> np.ndarray:
        n = len(columns["row"])
        points = np.empty(n, dtype=cls.FIELDS)
        for name, _ in cls.FIELDS:
            points[name] = columns.get(name, np.zeros(n))
        return points

    @staticmethod
    def largest(points: np.ndarray, limit: int) -> np.ndarray:
        """The ``limit`` largest scores (NaN as 0), ties to the earlier time and row."""
        score = np.nan_to_num(points["score"], nan=0.0)
        return points[np.lexsort((points["row"], points["time"], -score))[:limit]]

    @staticmethod
    def in_time_order(points: np.ndarray) -> np.ndarray:
        return points[np.lexsort((points["row"], points["time"]))]


class ColumnScan:
    """Anomaly count, top scores, histogram, line chart and seasonal window of one column.

    Parameters
    ----------
    threshold : float
        Scores above it are anomalies.
    bounds : (float, float) or None
        The charts' range (:func:`chart_range`); None when the column has no finite value.
    time_span : (int, int) or None
        First and last timestamp (int64 ns) of the column's rows, when the report has a time axis.
    window : int
        How many of the latest readings to keep for the seasonal analysis.
    finite_rows : int
        Finite values in the whole column: a line of at most ``2 * LINE_POINTS`` of them is drawn whole.
    """

    def __init__(self, threshold: float, bounds: tuple[float, float] | None, time_span: tuple[int, int] | None,
                 window: int, finite_rows: int) -> None:
        self.threshold, self.bounds, self.time_span, self.window_size = threshold, bounds, time_span, window
        self.count = self.seen = 0
        self.top = _Points.make(row=np.zeros(0, np.int64))
        self.hist = np.zeros(HISTOGRAM_BINS, dtype=np.int64)
        self.edges = np.histogram_bin_edges([], HISTOGRAM_BINS, histogram_range(bounds)) if bounds else np.zeros(0)
        self.outside = 0
        self.whole_line = finite_rows <= 2 * LINE_POINTS
        self.line = _Points.make(row=np.zeros(0, np.int64))
        self.marked = _Points.make(row=np.zeros(0, np.int64))
        self.latest = _Points.make(row=np.zeros(0, np.int64))

    def feed(self, values: np.ndarray, scores: np.ndarray, rows: np.ndarray, times: np.ndarray | None) -> None:
        """One chunk: float64 values (NaN = missing), their scores, row positions and int64 ns times."""
        times = np.full(len(values), NO_TIME) if times is None else times
        shown = values if self.bounds is None else np.clip(values, *self.bounds)
        chunk = {"score": scores, "time": times, "row": rows, "value": values, "shown": shown}

        def take(which: np.ndarray) -> np.ndarray:  # only small selections become records
            return _Points.make(**{name: column[which] for name, column in chunk.items()})

        self.seen += len(values)
        flags = scores > self.threshold
        self.count += int(flags.sum())
        flagged = take(flags)
        self.top = _Points.largest(np.concatenate([self.top, flagged]), TOP_ANOMALIES)
        self._histogram(values)
        if self.time_span is not None:
            self.marked = _Points.largest(np.concatenate([self.marked, flagged]), MARKED_ANOMALIES)
            finite = np.flatnonzero(np.isfinite(values))
            if not self.whole_line:
                finite = finite[self._extremes(times[finite], rows[finite], shown[finite])]
            self._line(take(finite))
            self._keep_latest(take(self._latest_candidates(times)))

    def _histogram(self, values: np.ndarray) -> None:
        if self.bounds is None:
            return
        finite = values[np.isfinite(values)]
        inside = finite[(finite >= self.bounds[0]) & (finite <= self.bounds[1])]
        self.hist += np.histogram(inside, bins=HISTOGRAM_BINS, range=histogram_range(self.bounds))[0]
        self.outside += int(finite.size - inside.size)

    def _extremes(self, times: np.ndarray, rows: np.ndarray, shown: np.ndarray) -> np.ndarray:
        """Positions of each time bucket's lowest and highest value, each at its earliest time and row."""
        first, last = self.time_span
        bucket = ((times - first) // ((last - first) // LINE_POINTS + 1)).astype(np.int16)
        order = np.argsort(bucket, kind="stable")  # a radix sort for 16-bit keys
        starts = _first_per_group(bucket[order])
        ordered, sizes = shown[order], np.diff(np.r_[starts, len(order)])
        keep = []
        for extreme in (np.minimum, np.maximum):
            hits = order[ordered == np.repeat(extreme.reduceat(ordered, starts), sizes)] if len(order) else order
            ranked = hits[np.lexsort((rows[hits], times[hits], bucket[hits]))]
            keep.append(ranked[_first_per_group(bucket[ranked])])
        return np.unique(np.concatenate(keep))

    def _line(self, points: np.ndarray) -> None:
        """Per time bucket the lowest and the highest shown value (spikes stay visible)."""
        points = np.concatenate([self.line, points])
        if not self.whole_line:
            points = points[self._extremes(points["time"], points["row"], points["shown"])]
        self.line = points

    def _latest_candidates(self, times: np.ndarray) -> np.ndarray:
        """Positions of the chunk that may be among the ``window`` latest readings."""
        if len(times) <= self.window_size:
            return np.arange(len(times))
        cutoff = np.partition(times, len(times) - self.window_size)[len(times) - self.window_size]
        return np.flatnonzero(times >= cutoff)

    def _keep_latest(self, points: np.ndarray) -> None:
        """The ``window`` latest readings by (time, row): sorted input just appends."""
        points = _Points.in_time_order(points)
        latest = self.latest
        if len(latest) and len(points) and (points["time"][0], points["row"][0]) < (latest["time"][-1],
                                                                                     latest["row"][-1]):
            latest = _Points.in_time_order(np.concatenate([latest, points]))  # out of order: merge
        else:
            latest = np.concatenate([latest, points])
        self.latest = latest[-self.window_size:]

    # -- results -------------------------------------------------------------

    def line_points(self) -> tuple[np.ndarray, np.ndarray]:
        """(times, shown values) of the line chart, in time order."""
        line = _Points.in_time_order(self.line)
        return line["time"], line["shown"]

    def marked_points(self, seasonal_flags: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """(times, shown values) of the anomalies to mark: robust ones and those of the seasonal window."""
        candidates = self.marked
        if seasonal_flags is not None:
            candidates = np.concatenate([candidates, self.latest[seasonal_flags]])
            candidates = candidates[np.unique(candidates["row"], return_index=True)[1]]
        chosen = _Points.in_time_order(_Points.largest(candidates, MARKED_ANOMALIES))
        return chosen["time"], chosen["shown"]
