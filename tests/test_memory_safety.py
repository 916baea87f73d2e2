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
    """Resident set size now (not the peak), in MiB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


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


# --- leaks ------------------------------------------------------------------

C_LEVEL_CALLS = 100_000  # per C entry point ...
C_LEVEL_SECONDS = 1.0  # ... or about this long for the few kernels slower than 10 us a call (STL)
PUBLIC_PASSES = {"native": 50, "wasm": 10}  # passes over the whole table of public calls


class _Recorder:
    """Records every ``backend.run`` the public calls make, to replay them straight into the C core.

    A call that creates a handle (an ``OutValue`` of a pointer type) opens a
    session; the calls that pass that handle and the ``*_free`` that ends it
    belong to the session, which is replayed as a whole (create, use, free).
    """

    def __init__(self, backend):
        self.backend = backend
        self.calls: dict[str, tuple] = {}  # function -> its first handle-free call's args
        self.sessions: dict[str, list] = {}  # creating function -> [(function, args), ...]
        self._open: dict[int, list] = {}

    def run(self, function, *args):
        from rt_pandas._backend import OutValue, Ptr

        result = self._run(function, *args)
        handles = [a.address for a in args if isinstance(a, Ptr) and a.address in self._open]
        if handles:
            session = self._open[handles[0]]
            session.append((function, args))
            if function.endswith("_free"):
                del self._open[handles[0]]
                self.sessions.setdefault(session[0][0], session)
        elif any(isinstance(a, OutValue) and a.ctype.endswith("*") for a in args):
            self._open[result] = [(function, args)]
        elif not any(isinstance(a, Ptr) and a.address for a in args):
            self.calls.setdefault(function, args)
        return result

    def __enter__(self):
        self._run = self.backend.run
        self.backend.run = self.run
        return self

    def __exit__(self, *exc):
        del self.backend.run


def _c_arguments(backend, args, handle=None):
    """cffi arguments for a recorded call; the out-cells of handle-creating calls come last."""
    from rt_pandas._backend import In, InValue, Out, OutValue, Ptr

    ffi, converted, keep, handle_cell = backend.ffi, [], [], None
    for arg in args:
        if isinstance(arg, (In, Out)):
            keep.append(arg.array)
            converted.append(ffi.cast("void *", arg.array.__array_interface__["data"][0]))
        elif isinstance(arg, Ptr):
            converted.append(ffi.cast("void *", handle if arg.address and handle is not None else arg.address))
        elif isinstance(arg, InValue):
            converted.append(ffi.new(f"{arg.ctype} *", arg.value))
        elif isinstance(arg, OutValue):
            converted.append(ffi.new(f"{arg.ctype} *"))
            if arg.ctype.endswith("*"):
                handle_cell = converted[-1]
        else:
            converted.append(arg)
    return converted, keep, handle_cell


def _recorded_c_calls():
    backend = rt_pandas.get_backend("native")
    with _Recorder(backend) as recorder:
        for _, call in PUBLIC_CALLS:
            call()
    gc.collect()  # the sessions of objects freed by the cyclic GC end now
    return backend, recorder


def test_c_entry_points_leak_nothing_over_100k_calls():
    """Every C kernel the public API reaches, 100,000 times straight through cffi (native)."""
    backend, recorder = _recorded_c_calls()
    lib, err = backend.lib, backend.ffi.new("rt_error *")
    assert len(recorder.calls) >= 30 and len(recorder.sessions) >= 3, (sorted(recorder.calls), recorder.sessions)
    before, rss = _bytes_in_use(), _rss_mib()
    started, slow = time.perf_counter(), []
    for function, args in recorder.calls.items():
        converted, keep, _ = _c_arguments(backend, args)
        kernel = getattr(lib, function)
        status, started_kernel = 0, time.thread_time()
        for _ in range(1000):
            status |= kernel(*converted, err)
        per_call = (time.thread_time() - started_kernel) / 1000  # CPU time: other processes do not count
        calls = C_LEVEL_CALLS if per_call < 10e-6 else max(1000, int(C_LEVEL_SECONDS / per_call))
        for _ in range(calls - 1000):
            status |= kernel(*converted, err)
        if calls < C_LEVEL_CALLS:
            slow.append(f"{function} {calls}")
        assert status == 0, (function, backend.ffi.string(err.message))
        assert memory.stats()["bytes_in_use"] == before, function
    for creator, session in recorder.sessions.items():
        (_, create_args), rest = session[0], session[1:]
        create, create_converted = getattr(lib, creator), _c_arguments(backend, create_args)
        calls = []
        for _ in range(C_LEVEL_CALLS // 100):  # create, use and free: 1,000 cycles of each handle kind
            assert create(*create_converted[0], err) == 0, creator
            handle = int(backend.ffi.cast("uintptr_t", create_converted[2][0]))
            calls = [(getattr(lib, f), _c_arguments(backend, a, handle)) for f, a in rest]
            for kernel, (converted, _keep, _) in calls:
                assert kernel(*converted, err) == 0, (creator, backend.ffi.string(err.message))
        assert memory.stats()["bytes_in_use"] == before, creator
    seconds = time.perf_counter() - started
    print(f"\n{len(recorder.calls)} C entry points x {C_LEVEL_CALLS} calls and "
          f"{len(recorder.sessions)} handle kinds x {C_LEVEL_CALLS // 100} cycles in {seconds:.1f} s "
          f"(fewer calls: {', '.join(slow) or 'none'}); "
          f"RSS growth {_rss_mib() - rss:.1f} MiB")
    assert _bytes_in_use(before) == before
    assert _rss_mib() - rss < 20


def test_public_calls_leak_nothing(backend):
    """Every public entry point, PUBLIC_PASSES times: pool bytes back where they were, RSS flat."""
    for _, call in PUBLIC_CALLS:
        call()  # warm up lazy imports and caches
    before, rss = _bytes_in_use(), _rss_mib()
    started = time.perf_counter()
    for _ in range(PUBLIC_PASSES[backend]):
        for _, call in PUBLIC_CALLS:
            call()
    seconds = time.perf_counter() - started
    growth = _rss_mib() - rss
    print(f"\n{backend}: {len(PUBLIC_CALLS)} public calls x {PUBLIC_PASSES[backend]} in {seconds:.1f} s, "
          f"pool delta {_bytes_in_use(before) - before} B, RSS growth {growth:.1f} MiB")
    assert _bytes_in_use(before) == before
    assert growth < 20


def _make_tensor():
    tensor = rt_pandas.Tensor(VALUES[:12], shape=(3, 4))
    rt_pandas.clamp(tensor.data(), -1, 1)
    return tensor


def _make_forest():
    from rt_pandas.anomaly import IsolationForest

    forest = IsolationForest(n_estimators=4, max_samples=16, random_state=0).fit(MATRIX)
    forest.score_samples(MATRIX[:4])
    return forest


def _make_detector():
    from rt_pandas.anomaly import StreamingDetector

    detector = StreamingDetector(window_size=4)
    detector.update_many(VALUES[:8])
    return detector


def _make_pipeline():
    pipeline = rt_pandas.Pipeline(["resize:4x4", "center_crop:2x2"])
    pipeline.execute(IMAGE)
    return pipeline


def _make_state():
    state = rt_pandas.QualityState()
    state.update(SERIES[:8])
    return state


STATEFUL = {"Tensor": _make_tensor, "IsolationForest": _make_forest, "StreamingDetector": _make_detector,
            "Pipeline": _make_pipeline, "QualityState": _make_state}


@pytest.mark.parametrize("kind", list(STATEFUL))
def test_create_free_cycles_leak_nothing(backend, kind):
    """1,000 objects made, used and dropped: each frees its C state and pool buffers when it dies."""
    make = STATEFUL[kind]
    make()
    before, rss = _bytes_in_use(), _rss_mib()
    for _ in range(1000):
        obj = make()
        if kind == "Tensor":
            obj.free()
        del obj
    assert memory.stats()["bytes_in_use"] == before  # freed by reference counting, without the cyclic GC
    assert _rss_mib() - rss < 20


# --- threads ----------------------------------------------------------------

THREADS, ITERATIONS = 8, 10_000
THREAD_MIX = [  # (name, call): math, quality, anomaly and transform kernels on small inputs
    ("clamp", lambda: rt_pandas.clamp(VALUES, -1, 1)),
    ("erf", lambda: rt_pandas.math.erf(VALUES)),
    ("pow", lambda: rt_pandas.math.pow(np.abs(VALUES), 0.5)),
    ("completeness", lambda: rt_pandas.quality.completeness(SERIES)),
    ("zscore", lambda: rt_pandas.anomaly.anomaly_scores(VALUES, method="zscore").to_numpy()),
    ("resize", lambda: rt_pandas.transforms.resize(IMAGE, 4, 4)),
    ("normalize", lambda: rt_pandas.transforms.normalize(IMAGE)),
    ("standardize", lambda: rt_pandas.transforms.standardize(VALUES)),
]


def test_eight_threads_over_a_kernel_mix_agree_with_one(backend):
    """8 threads x 10,000 calls (500 on the serialised wasm backend) give one thread's results."""
    expected = [call() for _, call in THREAD_MIX]
    iterations = ITERATIONS if backend == "native" else ITERATIONS // 20
    gc.collect()
    memory.reset_stats()
    start = memory.stats()["bytes_in_use"]
    mismatches: list[tuple] = []
    errors: list[BaseException] = []

    def work(seed: int) -> None:
        try:
            for i in range(iterations):
                k = (seed + i) % len(THREAD_MIX)
                if not np.array_equal(THREAD_MIX[k][1](), expected[k], equal_nan=True):
                    mismatches.append((seed, i, THREAD_MIX[k][0]))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(s,)) for s in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    stats = memory.stats()
    print(f"\n{backend}: {THREADS} threads x {iterations} calls in {seconds:.1f} s; "
          f"allocations {stats['allocations']} = hits {stats['hits']} + misses {stats['misses']}")
    assert not errors and not mismatches, (errors, mismatches[:5])
    assert stats["allocations"] == stats["hits"] + stats["misses"]
    assert stats["allocations"] >= THREADS * iterations
    assert _bytes_in_use(start) == start
    assert memory.stats()["frees"] == stats["allocations"]


# --- wasm memory --------------------------------------------------------------


def _wasm_backend():
    if "wasm" not in rt_pandas.available_backends():
        pytest.skip("rt_core.wasm is not built")
    return rt_pandas.get_backend("wasm")


def test_wasm_pointers_outside_linear_memory_are_refused_before_the_kernel_runs():
    from rt_pandas import ValidationError
    from rt_pandas._backend import In, Out, OutValue, Ptr

    backend = _wasm_backend()
    size = backend._memory.data_len(backend._store)
    out = backend.empty(8, np.float64)
    before = backend.pool_stats()
    cases = [
        ("rt_math_clamp", (2, Ptr(size + 64), 0, 8, 0.0, 1.0, Out(out))),  # a pointer past the end
        ("rt_math_clamp", (2, Ptr(-64), 0, 8, 0.0, 1.0, Out(out))),  # a negative (wrapped) pointer
        ("rt_math_clamp", (2, In(np.ones(8)), 0, size, 0.0, 1.0, Out(out))),  # a length past the end
        ("rt_math_tanh", (2, In(np.ones(8)), 2**40, 1, Out(out))),  # an offset past the end
        ("rt_quality_count_values", (2, In(np.ones(8)), Ptr(size - 1), 0, 64, OutValue("rt_value_counts"))),
        ("rt_iforest_fit", (In(np.ones(8)), 1 << 20, 8, 4, 16, 1, OutValue("void *"))),  # a matrix
        ("rt_anomaly_detector_deserialize", (In(np.ones(8, np.uint8)), size, OutValue("void *"))),
        ("rt_iforest_free", (Ptr(size + 4096),)),  # a handle
    ]
    for function, args in cases:
        with pytest.raises(ValidationError, match="outside linear memory") as info:
            backend.run(function, *args)
        assert info.value.context == function
    assert backend.pool_stats()["bytes_in_use"] == before["bytes_in_use"]
    with pytest.raises(ValidationError, match="outside linear memory"):
        backend.call_scalar("rt_pool_free", size + 64, 0)
    backend.run("rt_math_clamp", 2, In(np.full(8, 3.0)), 0, 8, 0.0, 1.0, Out(out))
    assert out.tolist() == [1.0] * 8


def test_every_pointer_parameter_of_the_abi_has_a_span():
    """The span table names only real parameters; only handles and opaque inputs are left at 1 byte."""
    from rt_pandas import _abi, _spans

    parameters = _abi.parameters()
    for function, spans in _spans.SPANS.items():
        names = [name for _, name in parameters[function]]
        for parameter, expression in spans.items():
            assert parameter in names, (function, parameter)
            _spans.span_bytes(expression, {name: 1 for name in names})  # every name it uses exists
    opaque = {"detector", "forest", "counter", "data", "promoted", "registers", "feature", "right",
              "threshold", "n_samples"}
    for function, table in _abi.pointer_spans().items():
        for _, name, expression in table["pointers"]:
            assert expression != "1" or name in opaque or function in ("rt_pool_free", "rt_pool_capacity"), \
                (function, name)


def test_wasm_max_memory_makes_allocation_fail_cleanly():
    from rt_pandas import ValidationError
    from rt_pandas._backend import WasmBackend

    _wasm_backend()
    limited = WasmBackend(max_memory=16 << 20)
    try:
        small = limited.empty(1000, np.float64)
        with pytest.raises(RtMemoryError):
            limited.empty(32 << 20, np.uint8)  # past the cap: memory.grow fails, the pool says so
        big = limited.empty(1 << 20, np.float64)  # 8 MiB still fits
        with pytest.raises(RtMemoryError):
            limited.empty(1 << 20, np.float64)  # a second one does not
        small[:] = 2.0
        from rt_pandas._backend import In, Out
        limited.run("rt_math_clamp", 2, In(small), 0, 1000, 0.0, 1.0, Out(small))
        assert small.max() == 1.0  # the instance lives on
        del big
        assert limited.pool_stats()["allocations"] == limited.pool_stats()["hits"] + limited.pool_stats()["misses"]
    finally:
        limited.close()
    with pytest.raises(ValidationError):
        WasmBackend(max_memory=0)
