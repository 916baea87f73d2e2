"""Foundation hardening: threads, leaks, allocation failure and 64-bit sizes."""

from __future__ import annotations

import gc
import resource
import threading

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import rt_pandas
from rt_pandas import RtMemoryError, memory
from rt_pandas._backend import In, Out


def test_eight_threads_agree_with_one(backend):
    rng = np.random.default_rng(1)
    inputs = [rng.normal(0, 3, 257).astype(dtype) for dtype in (np.float32, np.float64)]
    expected = [np.clip(x, -1, 1) for x in inputs]
    gc.collect()  # buffers held by earlier tests' reference cycles must not return mid-test
    memory.gc()
    memory.reset_stats()
    start = memory.stats()["bytes_in_use"]
    mismatches = []

    def work(seed: int) -> None:
        for i in range(10_000 if backend == "native" else 1_000):
            k = (seed + i) % 2
            if not np.array_equal(rt_pandas.clamp(inputs[k], -1, 1), expected[k]):
                mismatches.append((seed, i))

    threads = [threading.Thread(target=work, args=(s,)) for s in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    gc.collect()
    stats = memory.stats()
    assert not mismatches
    assert stats["allocations"] == stats["hits"] + stats["misses"]
    assert stats["bytes_in_use"] == start


def test_many_calls_leak_nothing(backend):
    values = pd.Series(np.linspace(-5, 5, 100), dtype="Float64")
    arrow = pa.array(np.linspace(-5, 5, 100)).slice(3)
    rt_pandas.clamp(values, 0, 1)  # warm up caches and lazy imports
    gc.collect()
    before_bytes = memory.stats()["bytes_in_use"]
    before_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    calls = 100_000 if backend == "native" else 20_000
    for i in range(calls // 2):
        rt_pandas.clamp(values, 0, 1)
        rt_pandas.clamp(arrow, 0, 1)
    gc.collect()
    assert memory.stats()["bytes_in_use"] == before_bytes
    growth_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before_rss) / 1024
    assert growth_mib < 20


@pytest.mark.parametrize("failing", [1, 2])
def test_allocation_failure_is_clean(backend, failing):
    values = pa.array([1.0, None, 7.0, 4.0, None, 3.0, 2.0, 9.0, -1.0, 5.0]).slice(3)  # unaligned: 2 allocations
    gc.collect()
    before = memory.stats()["bytes_in_use"]
    with memory.failing_allocation(failing):
        with pytest.raises(RtMemoryError) as info:
            rt_pandas.clamp(values, 0, 5)
    assert isinstance(info.value, MemoryError) and info.value.error_type == "MemoryError"
    del info  # its traceback holds the frames, and so the buffers allocated before the failure
    gc.collect()
    assert memory.stats()["bytes_in_use"] == before
    assert rt_pandas.clamp(values, 0, 5).to_pylist() == [4.0, None, 3.0, 2.0, 5.0, 0.0, 5.0]


def test_bitmap_kernels_take_64_bit_offsets_and_lengths():
    """A bitmap of 2**31 + 64 bits, read past bit 2**31: lengths and offsets are int64 throughout."""
    backend = rt_pandas.get_backend("native")
    nbits = 2**31 + 64
    bits = np.zeros(nbits // 8, dtype=np.uint8)
    bits[-8:] = 0b10110001  # 4 set bits in each of the last 8 bytes
    bits[0] = 0xFF
    count = backend.call_scalar(
        "rt_bitmap_count_set", backend.ffi.cast("uint8_t *", bits.ctypes.data), 0, nbits
    )
    assert count == 8 + 32
    out = backend.empty(8, np.uint8)
    backend.run("rt_bitmap_copy", In(bits), 2**31, 64, Out(out))
    assert out.tolist() == [0b10110001] * 8
