"""The pool seen from Python: reuse, statistics, limits, release, both backends."""

from __future__ import annotations

import gc
import threading

import numpy as np
import pytest

import rt_pandas
from rt_pandas import RtMemoryError, ValidationError, memory


@pytest.fixture
def fresh_pool(backend):
    """An empty cache and zeroed counters. Buffers that earlier tests still hold
    (pytest keeps failed and xfailed tests' tracebacks) stay in use: tests
    compare bytes_in_use with its value at the start (``pool_baseline``)."""
    gc.collect()
    memory.set_enabled(True)
    memory.init_pool(64)
    memory.gc()
    memory.reset_stats()
    yield backend
    memory.set_enabled(True)
    memory.init_pool(64)


def pool_allocations_per_call(backend: str) -> int:
    """Native kernels allocate their output; wasm also stages the input in linear memory."""
    return 1 if backend == "native" else 2


def in_use_since_start(baseline: int) -> int:
    return memory.stats()["bytes_in_use"] - baseline


def test_buffers_are_reused_after_the_last_reference_dies(fresh_pool):
    per_call = pool_allocations_per_call(fresh_pool)
    baseline = memory.stats()["bytes_in_use"]
    values = np.ones(1000, dtype=np.float64)
    first = rt_pandas.clamp(values, 0, 1)
    view = first[10:]  # a view keeps the buffer alive
    del first
    stats = memory.stats()
    assert in_use_since_start(baseline) >= 8000 and stats["misses"] == per_call
    del view
    gc.collect()
    assert in_use_since_start(baseline) == 0
    for _ in range(9):
        rt_pandas.clamp(values, 0, 1)
    stats = memory.stats()
    assert stats["allocations"] == 10 * per_call and stats["hits"] == 9 * per_call
    assert stats["hit_rate"] == 90.0
    assert memory.cache_efficiency() == pytest.approx(0.9)
    assert stats["memory_saved_bytes"] >= 9 * 8000
    assert stats["medium"] == per_call and stats["small"] == 0 and stats["large"] == 0


def test_size_categories(fresh_pool):
    for n in (10, 1000, 300_000):  # 80 B small, 8 KB medium, 2.4 MB large
        rt_pandas.clamp(np.zeros(n), 0, 1)
    stats = memory.stats()
    per_call = pool_allocations_per_call(fresh_pool)
    assert (stats["small"], stats["medium"], stats["large"]) == (per_call, per_call, per_call)


def test_peak_and_gc(fresh_pool):
    results = [rt_pandas.clamp(np.zeros(100_000), 0, 1) for _ in range(3)]
    peak = memory.stats()["peak_bytes_in_use"]
    assert peak >= 3 * 800_000
    del results
    assert memory.stats()["cached_bytes"] >= 3 * 800_000
    assert memory.gc() >= 3 * 800_000
    stats = memory.stats()
    assert stats["cached_bytes"] == 0 and stats["peak_bytes_in_use"] == peak


def test_disabled_pool_never_hits(fresh_pool):
    with memory.disabled():
        for _ in range(5):
            rt_pandas.clamp(np.zeros(100), 0, 1)
        stats = memory.stats()
        assert stats["hits"] == 0 and stats["misses"] == 5 * pool_allocations_per_call(fresh_pool) and stats["cached_bytes"] == 0
    assert memory.stats()["enabled"] is True


def test_limits(fresh_pool):
    memory.init_pool(2)
    arrays = [rt_pandas.clamp(np.zeros(10), 0, 1) for _ in range(5)]
    del arrays
    assert memory.stats()["small"] == 2  # the limit, whatever the backend allocated
    memory.init_pool(10, max_cached_bytes=0)
    assert memory.stats()["cached_bytes"] == 0
    with pytest.raises(ValidationError):
        memory.init_pool(-1)


def test_huge_allocation_is_a_memory_error(backend):
    be = rt_pandas.get_backend()
    with pytest.raises(RtMemoryError) as info:
        be.empty(1 << 61, np.uint8)
    assert isinstance(info.value, MemoryError)
    assert info.value.context == "rt_pool_alloc"


def test_spec_shaped_stats(backend):
    stats = memory.stats()
    for key in ("small", "medium", "large", "hit_rate", "memory_saved_bytes"):
        assert key in stats
    assert stats["backend"] == backend


def test_threads_share_the_pool_safely(fresh_pool):
    baseline = memory.stats()["bytes_in_use"]
    values = np.random.default_rng(0).normal(size=50_000)
    expected = np.clip(values, -1, 1)
    failures = []

    def work():
        for _ in range(50):
            if not np.array_equal(rt_pandas.clamp(values, -1, 1), expected):
                failures.append(1)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    gc.collect()
    stats = memory.stats()
    assert stats["allocations"] == 200 * pool_allocations_per_call(fresh_pool)
    assert in_use_since_start(baseline) == 0
