"""The memory pool kernel outputs live in: limits, statistics, release.

Each backend has its own pool (native memory, or wasm linear memory); these
functions act on the current backend's pool.

>>> from rt_pandas import memory
>>> memory.init_pool(100)
>>> sorted(memory.stats())[:4]
['allocations', 'backend', 'bytes_in_use', 'cached_bytes']
"""

from __future__ import annotations

import contextlib
from typing import Iterator

from ._backend import get_backend

__all__ = [
    "init_pool", "stats", "cache_efficiency", "gc", "set_enabled", "disabled", "reset_stats", "failing_allocation",
]


def init_pool(max_buffers: int = 64, max_cached_bytes: int | None = None) -> None:
    """Set the cache limits: ``max_buffers`` cached buffers per size category
    (small < 1 KiB, medium < 1 MiB, large) and ``max_cached_bytes`` in all.

    The pool also works without this call. Lowering a limit releases the excess.
    """
    backend = get_backend()
    if max_cached_bytes is None:
        max_cached_bytes = backend.pool_stats()["max_cached_bytes"]
    backend.run("rt_pool_init", int(max_buffers), int(max_cached_bytes))


def stats() -> dict:
    """Pool statistics, shaped like the spec's ``MemoryManager.get_stats()``.

    ``small`` / ``medium`` / ``large`` are cached buffers per category,
    ``hit_rate`` is the percentage of allocations served from the cache,
    ``memory_saved_bytes`` the bytes those hits did not have to allocate;
    ``bytes_in_use`` / ``peak_bytes_in_use`` count live buffers' capacity.
    """
    backend = get_backend()
    raw = backend.pool_stats()
    allocations = raw["allocations"]
    return {
        "small": raw["cached_small"],
        "medium": raw["cached_medium"],
        "large": raw["cached_large"],
        "hit_rate": round(100.0 * raw["hits"] / allocations, 2) if allocations else 0.0,
        "memory_saved_bytes": raw["memory_saved_bytes"],
        "allocations": allocations,
        "hits": raw["hits"],
        "misses": raw["misses"],
        "frees": raw["frees"],
        "bytes_in_use": raw["bytes_in_use"],
        "peak_bytes_in_use": raw["peak_bytes_in_use"],
        "cached_bytes": raw["cached_bytes"],
        "max_buffers": raw["max_buffers"],
        "max_cached_bytes": raw["max_cached_bytes"],
        "enabled": bool(raw["enabled"]),
        "backend": backend.name,
    }


def cache_efficiency() -> float:
    """Share of allocations served from the cache, in [0, 1] (0 before any allocation)."""
    raw = get_backend().pool_stats()
    return raw["hits"] / raw["allocations"] if raw["allocations"] else 0.0


def gc() -> int:
    """Give every cached buffer back to the system; return the bytes released.

    In wasm, linear memory cannot shrink: released blocks are reused by later
    allocations of any pool class of the same size instead.
    """
    return int(get_backend().call_scalar("rt_pool_gc"))


def set_enabled(enabled: bool) -> None:
    """Turn buffer caching on or off (off releases the cache); for comparisons."""
    get_backend().call_scalar("rt_pool_set_enabled", 1 if enabled else 0)


def reset_stats() -> None:
    """Zero the counters; the peak restarts from the bytes in use now."""
    get_backend().call_scalar("rt_pool_reset_stats")


@contextlib.contextmanager
def failing_allocation(n: int = 1) -> Iterator[None]:
    """Test hook: inside the block, the ``n``-th pool allocation fails with RtMemoryError.

    Lets tests prove that every function handles an allocation failure
    cleanly: a typed error, nothing leaked, and the next call works.

    >>> import numpy as np, rt_pandas
    >>> from rt_pandas import memory
    >>> with memory.failing_allocation(1):
    ...     try:
    ...         rt_pandas.clamp(np.ones(3), 0, 1)
    ...     except rt_pandas.RtMemoryError as exc:
    ...         print(exc.context)
    rt_pool_alloc
    """
    backend = get_backend()
    backend.call_scalar("rt_pool_fail_after", int(n))
    try:
        yield
    finally:
        backend.call_scalar("rt_pool_fail_after", 0)


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Run a block with caching off, then restore the previous setting.

    >>> from rt_pandas import memory
    >>> with memory.disabled():
    ...     memory.stats()["enabled"]
    False
    """
    was_enabled = stats()["enabled"]
    set_enabled(False)
    try:
        yield
    finally:
        set_enabled(was_enabled)
