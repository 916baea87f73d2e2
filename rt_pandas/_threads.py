"""A small thread pool that splits large element-wise kernels across cores.

cffi releases the GIL around every C call, so chunks of one array run in
parallel on the native backend. Small inputs stay on the calling thread (a
thread hand-off costs more than the work); the wasm backend is single-threaded.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, TypeVar

from .errors import ValidationError

# Below this many elements per thread a split does not pay for the hand-off.
MIN_ELEMENTS_PER_THREAD = 1 << 16
# More threads than any machine has cores only costs memory (a stack each); a typo like 10**9 is an error.
MAX_THREADS = 1024

T = TypeVar("T")
R = TypeVar("R")

_lock = threading.Lock()
_num_threads = os.cpu_count() or 1
_executor: ThreadPoolExecutor | None = None


def set_num_threads(n: int) -> None:
    """Use up to ``n`` threads for large arrays (1 = only the calling thread).

    >>> import rt_pandas
    >>> rt_pandas.set_num_threads(1); rt_pandas.get_num_threads()
    1
    >>> rt_pandas.set_num_threads(None)  # back to the core count
    """
    global _num_threads, _executor
    if n is None:
        n = os.cpu_count() or 1
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_THREADS:
        raise ValidationError(f"the number of threads must be an integer in [1, {MAX_THREADS}], got {n!r}",
                              "set_num_threads")
    with _lock:
        _num_threads = n
        if _executor is not None:
            _executor.shutdown(wait=True)
            _executor = None


def get_num_threads() -> int:
    """The number of threads large element-wise kernels use.

    >>> import rt_pandas
    >>> rt_pandas.get_num_threads() >= 1
    True
    """
    return _num_threads


def _get_executor() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=_num_threads, thread_name_prefix="rt-pandas")
        return _executor


def parallel_ranges(length: int, run: Callable[[int, int], None], threaded: bool) -> None:
    """Call ``run(start, stop)`` over ``[0, length)``, in parallel where it pays."""
    threads = min(_num_threads, length // MIN_ELEMENTS_PER_THREAD) if threaded else 1
    if threads <= 1:
        run(0, length)
        return
    executor = _get_executor()
    step = -(-length // threads)
    step += -step % 16  # chunk starts stay 64-byte aligned for float32 and float64
    futures = [executor.submit(run, start, min(start + step, length)) for start in range(0, length, step)]
    for future in futures:
        future.result()


def parallel_map(function: Callable[[T], R], items: Iterable[T], threaded: bool) -> list[R]:
    """``[function(item) for item in items]``, the items spread over the thread pool when ``threaded``.

    For independent pieces of work whose kernels release the GIL (the columns
    of a frame). ``function`` must not itself wait on the pool.

    >>> parallel_map(abs, [-1, 2, -3], threaded=True)
    [1, 2, 3]
    """
    items = list(items)
    if not threaded or _num_threads <= 1 or len(items) <= 1:
        return [function(item) for item in items]
    return list(_get_executor().map(function, items))
