"""Exact quantiles of data read in several passes, in bounded memory.

:class:`PassQuantiles` finds order statistics by radix selection on the
values' order-preserving 64-bit keys, 16 bits a pass: pass 1 counts the top
16 bits of every key, which names the bucket holding each wanted rank; later
passes count the next 16 bits inside that bucket, or gather its values once
at most ``gather_limit`` of them are left. Typical data needs two passes,
any data at most five, and memory stays at 65,536 counters per open bucket
plus one gathered bucket. The result is exact and interpolated with numpy's
"linear" rule (the same lerp as ``np.percentile``), so it equals numpy on the
same values. Callers that can keep the data in memory do not need this: the
report uses it for files larger than its memory budget.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> chunks = [rng.normal(size=1000) for _ in range(5)]
>>> q = PassQuantiles([0.25, 0.5], gather_limit=100)
>>> while not q.done:
...     for chunk in chunks:
...         q.feed(chunk)
...     q.end_pass()
>>> np.allclose(q.result(), np.percentile(np.concatenate(chunks), [25, 50]), rtol=0, atol=0)
True
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["PassQuantiles", "float_keys", "lerp"]

DIGIT_BITS = 16
DIGITS = 1 << DIGIT_BITS
SIGN = np.uint64(1 << 63)


def float_keys(values: np.ndarray) -> np.ndarray:
    """Unsigned 64-bit keys in the order of the float64 ``values`` (NaN excluded by the caller)."""
    bits = np.ascontiguousarray(values, dtype=np.float64).view(np.uint64)
    return np.where(bits & SIGN, ~bits, bits | SIGN)


def _key_values(keys: np.ndarray) -> np.ndarray:
    keys = np.asarray(keys, dtype=np.uint64)
    return np.where(keys & SIGN, keys ^ SIGN, ~keys).view(np.float64)


def lerp(a: float, b: float, fraction: float) -> float:
    """numpy's linear interpolation between order statistics, operation for operation (so -0.0,
    infinities and rounding come out as ``np.percentile`` and the C kernels give them)."""
    return a + (b - a) * fraction if fraction < 0.5 else b - (b - a) * (1.0 - fraction)


class _Bucket:
    """The keys sharing their top ``16 * depth`` bits (``prefix``); ``below`` keys are smaller."""

    def __init__(self, depth: int, prefix: int, below: int, size: int, gather: bool) -> None:
        self.depth, self.prefix, self.below, self.size, self.gather = depth, prefix, below, size, gather
        self.counts = np.zeros(DIGITS, dtype=np.int64)
        self.gathered: list[np.ndarray] = []

    def members(self, keys: np.ndarray) -> np.ndarray:
        if self.depth == 0:
            return keys
        return keys[(keys >> np.uint64(64 - DIGIT_BITS * self.depth)) == np.uint64(self.prefix)]

    def feed(self, keys: np.ndarray) -> None:
        inside = self.members(keys)
        if self.gather:
            self.gathered.append(inside)
        else:
            digits = (inside >> np.uint64(64 - DIGIT_BITS * (self.depth + 1))) & np.uint64(DIGITS - 1)
            self.counts += np.bincount(digits.astype(np.int64), minlength=DIGITS)


class PassQuantiles:
    """Exact quantiles (numpy's "linear" rule) of the values fed over several passes.

    Feed every chunk of the data (NaN is skipped) in each pass, call
    :meth:`end_pass` after it, and repeat while :attr:`done` is false; each
    pass must see the same values. :meth:`result` gives one float per
    probability (NaN when there were no values).

    Parameters
    ----------
    probs : sequence of float
        Probabilities in [0, 1].
    gather_limit : int
        Largest bucket gathered into memory instead of counted once more.
    """

    def __init__(self, probs, gather_limit: int = 1 << 20) -> None:
        self.probs = [float(p) for p in probs]
        self.gather_limit = int(gather_limit)
        self.count = 0
        self.passes = 0
        self._found: dict[int, float] = {}
        self._buckets: dict[tuple[int, int], _Bucket] = {(0, 0): _Bucket(0, 0, 0, -1, False)}
        self._wanted: dict[int, tuple[int, int]] = {}  # rank -> the bucket holding it

    @property
    def done(self) -> bool:
        """True once every wanted order statistic is known."""
        return not self._buckets

    def feed(self, values: np.ndarray) -> None:
        """One chunk of the current pass (any float dtype; NaN ignored)."""
        values = np.asarray(values, dtype=np.float64)
        values = values[~np.isnan(values)]
        if self.passes == 0:
            self.count += len(values)
        if len(values) and self._buckets:
            keys = float_keys(values)
            for bucket in self._buckets.values():
                bucket.feed(keys)

    def end_pass(self) -> None:
        """Resolve what this pass's counts or gathered values tell."""
        if self.passes == 0:
            self._wanted = {r: (0, 0) for r in self._ranks()}
        self.passes += 1
        buckets, self._buckets = self._buckets, {}
        for rank, where in list(self._wanted.items()):
            self._place(rank, buckets[where])

    def result(self) -> list[float]:
        """The quantiles, in the order of ``probs``."""
        if not self.done:
            raise RuntimeError("PassQuantiles.result() before the last pass")
        out = []
        for p in self.probs:
            if self.count == 0:
                out.append(math.nan)
                continue
            h = (self.count - 1) * p
            below = math.floor(h)
            out.append(lerp(self._found[below], self._found[min(below + 1, self.count - 1)], h - below))
        return out

    def _ranks(self) -> set[int]:
        if self.count == 0:
            return set()
        return {r for p in self.probs for h in [(self.count - 1) * p]
                for r in (math.floor(h), min(math.floor(h) + 1, self.count - 1))}

    def _place(self, rank: int, bucket: _Bucket) -> None:
        if bucket.gather:
            keys = np.sort(np.concatenate(bucket.gathered)) if bucket.gathered else np.zeros(0, np.uint64)
            self._found[rank] = float(_key_values(keys[rank - bucket.below: rank - bucket.below + 1])[0])
            del self._wanted[rank]
            return
        cumulative = np.cumsum(bucket.counts)
        digit = int(np.searchsorted(cumulative, rank - bucket.below, side="right"))
        below = bucket.below + (int(cumulative[digit - 1]) if digit else 0)
        depth, prefix = bucket.depth + 1, (bucket.prefix << DIGIT_BITS) | digit
        if depth * DIGIT_BITS == 64:  # the whole key is known
            self._found[rank] = float(_key_values(np.array([prefix], dtype=np.uint64))[0])
            del self._wanted[rank]
            return
        size = int(bucket.counts[digit])
        if (depth, prefix) not in self._buckets:
            self._buckets[(depth, prefix)] = _Bucket(depth, prefix, below, size, size <= self.gather_limit)
        self._wanted[rank] = (depth, prefix)
