"""One interface over the two ways of running the C core.

``NativeBackend`` calls the cffi extension directly on host memory.
``WasmBackend`` runs ``rt_core.wasm`` in wasmtime: inputs are copied once into
linear memory (one ``np.copyto`` into a numpy view of it) and outputs stay
there, handed back as numpy views. Kernels are called the same way on both::

    backend.run("rt_math_clamp", dtype_code, In(values), offset, length, lo, hi, Out(out))

where ``In`` marks a read-only array argument and ``Out`` an array the kernel
writes, which must come from ``backend.empty`` (the backend's pool).
"""

from __future__ import annotations

import atexit
import ctypes
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .errors import ConfigurationError, RtMemoryError, error_from_status

WASM_PATH = Path(__file__).resolve().parent / "rt_core.wasm"

# Field order of rt_pool_stats in csrc/include/rt/memory.h (all int64_t).
POOL_STATS_FIELDS = (
    "allocations",
    "hits",
    "misses",
    "frees",
    "memory_saved_bytes",
    "bytes_in_use",
    "peak_bytes_in_use",
    "cached_bytes",
    "cached_small",
    "cached_medium",
    "cached_large",
    "max_buffers",
    "max_cached_bytes",
    "enabled",
)
COMPONENTS = ("core", "math", "quality", "anomaly", "transforms")
SIMD_LEVELS = {"scalar": 0, "avx2": 1, "avx512": 2, "wasm-simd128": 3}


@dataclass(frozen=True)
class In:
    """A read-only array argument: a 1-D numpy array in host memory."""

    array: np.ndarray


@dataclass(frozen=True)
class Out:
    """An array argument the kernel writes: a numpy array from ``backend.empty``."""

    array: np.ndarray


class PoolBlock:
    """Owner of one pool buffer; the buffer goes back to the pool when this dies.

    numpy arrays made by ``np.asarray(block)`` and pyarrow buffers made with
    ``pa.foreign_buffer(..., base=block)`` keep it alive, so the memory lives
    exactly as long as the last Python object that can reach it.
    """

    __slots__ = ("address", "device_address", "nbytes", "_release", "__weakref__")

    def __init__(self, address: int, device_address: int, nbytes: int, release: Callable[[int], None]):
        self.address = address  # in host memory (what numpy and pyarrow see)
        self.device_address = device_address  # what the C core sees (differs in wasm)
        self.nbytes = nbytes
        self._release = release

    @property
    def __array_interface__(self) -> dict[str, Any]:
        return {"shape": (self.nbytes,), "typestr": "|u1", "data": (self.address, False), "version": 3}

    def __del__(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release(self.device_address)


def _address(array: np.ndarray) -> int:
    # Not array.ctypes.data: ndarray.ctypes makes a reference cycle that keeps
    # the array (and its pool buffer) alive until the cyclic GC runs.
    return array.__array_interface__["data"][0]


def pool_block_of(array: np.ndarray) -> PoolBlock | None:
    """The PoolBlock an array's memory belongs to, or None if it is not pool memory."""
    base = array
    while base is not None and not isinstance(base, PoolBlock):
        base = getattr(base, "base", None)
    return base


class Backend:
    """Shared logic; subclasses provide the raw calls and memory moves."""

    name = "abstract"

    def empty(self, length: int, dtype: np.dtype) -> np.ndarray:
        """A new uninitialised 1-D array of ``length`` elements in pool memory."""
        dtype = np.dtype(dtype)
        block = self._alloc_block(length * dtype.itemsize)
        return np.asarray(block)[: length * dtype.itemsize].view(dtype)

    def run(self, function: str, *args: Any) -> None:
        """Call a C kernel; raise the matching RtError if it fails."""
        raise NotImplementedError

    def _alloc_block(self, nbytes: int) -> PoolBlock:
        raise NotImplementedError

    # Small, typed entry points used by memory.py, versions() and the tests.

    def pool_stats(self) -> dict[str, int]:
        raise NotImplementedError

    def call_scalar(self, function: str, *args: Any) -> Any:
        """Call a C function that takes and returns plain numbers (no rt_error)."""
        raise NotImplementedError

    def string(self, function: str, *args: Any) -> str | None:
        """Call a C function returning ``const char *``; None for NULL."""
        raise NotImplementedError

    def versions(self) -> dict[str, str]:
        return {name: self.string("rt_version", i) for i, name in enumerate(COMPONENTS)}

    def simd_level(self) -> str:
        return self.string("rt_simd_name", self.call_scalar("rt_simd_active"))

    def supported_simd_levels(self) -> list[str]:
        return [name for name, code in SIMD_LEVELS.items() if self.call_scalar("rt_simd_supported", code)]

    def force_simd(self, level: str | None) -> None:
        if level is not None and level not in SIMD_LEVELS:
            raise ConfigurationError(f"unknown SIMD level {level!r}; known: {sorted(SIMD_LEVELS)}", "force_simd")
        self.run("rt_force_impl", -1 if level is None else SIMD_LEVELS[level])


class NativeBackend(Backend):
    """The cffi extension: kernels run on the caller's memory, with the GIL released."""

    name = "native"

    def __init__(self) -> None:
        try:
            from . import _rt_native
        except ImportError as exc:  # pragma: no cover - only on a broken install
            raise ConfigurationError(
                "the native extension rt_pandas._rt_native is not built; reinstall with `pip install -e .`",
                "native backend",
            ) from exc
        self.ffi = _rt_native.ffi
        self.lib = _rt_native.lib
        self._free_ptr = self.lib.rt_pool_free
        self._local = threading.local()

    def _error(self):
        # One rt_error per thread: kernels run without the GIL, concurrently.
        err = getattr(self._local, "err", None)
        if err is None:
            err = self._local.err = self.ffi.new("rt_error *")
        return err

    def _raise(self, err) -> None:
        raise error_from_status(
            err.kind, self.ffi.string(err.message).decode(), self.ffi.string(err.context).decode()
        )

    def run(self, function: str, *args: Any) -> None:
        ffi = self.ffi
        converted = []
        for arg in args:
            if isinstance(arg, (In, Out)):
                converted.append(ffi.cast("void *", _address(arg.array)))
            else:
                converted.append(arg)
        err = self._error()
        status = getattr(self.lib, function)(*converted, err)
        if status != 0:
            self._raise(err)

    def _alloc_block(self, nbytes: int) -> PoolBlock:
        out = self.ffi.new("void **")
        err = self._error()
        if self.lib.rt_pool_alloc(nbytes, out, err) != 0:
            self._raise(err)
        address = int(self.ffi.cast("uintptr_t", out[0]))
        return PoolBlock(address, address, nbytes, self._release)

    def _release(self, address: int) -> None:
        self._free_ptr(self.ffi.cast("void *", address), self.ffi.NULL)

    def pool_stats(self) -> dict[str, int]:
        stats = self.ffi.new("rt_pool_stats *")
        self.lib.rt_pool_get_stats(stats)
        return {name: getattr(stats, name) for name in POOL_STATS_FIELDS}

    def call_scalar(self, function: str, *args: Any) -> Any:
        return getattr(self.lib, function)(*args)

    def string(self, function: str, *args: Any) -> str | None:
        pointer = getattr(self.lib, function)(*args)
        return None if pointer == self.ffi.NULL else self.ffi.string(pointer).decode()


class WasmBackend(Backend):
    """rt_core.wasm in wasmtime: the same kernels, sandboxed, single-threaded.

    The module is compiled once per process and instantiated once per backend.
    Calls are serialised by a lock, because wasmtime releases the GIL while
    wasm runs and an instance must not be entered from two threads.
    """

    name = "wasm"

    def __init__(self, path: Path = WASM_PATH) -> None:
        try:
            import wasmtime
        except ImportError as exc:
            raise ConfigurationError(
                "the wasm backend needs wasmtime: pip install 'rt-pandas[wasm]'", "wasm backend"
            ) from exc
        if not path.exists():
            raise ConfigurationError(
                f"{path.name} is not built; install clang-19 and lld-19 "
                "(apt-get install -y clang-19 lld-19), then run `python wasm/build.py` "
                "or reinstall rt-pandas from source",
                "wasm backend",
            )
        self._engine = wasmtime.Engine()
        self._store = wasmtime.Store(self._engine)
        self._module = wasmtime.Module.from_file(self._engine, str(path))
        instance = wasmtime.Instance(self._store, self._module, [])
        self._exports = instance.exports(self._store)
        self._memory = self._exports["memory"]
        self._lock = threading.RLock()
        self._closed = False
        atexit.register(self.close)
        self._base = self._memory_base()
        scratch = self._call("rt_binding_scratch")
        self._err = scratch  # rt_error: kind at +0, message at +4 (256 bytes), context at +260 (128)
        self._out_slot = scratch + 512  # out-parameters: a pointer or rt_pool_stats (112 bytes)

    # Raw memory access ---------------------------------------------------

    def _memory_base(self) -> int:
        return ctypes.cast(self._memory.data_ptr(self._store), ctypes.c_void_p).value

    def _view(self, device_address: int, nbytes: int) -> np.ndarray:
        return np.ctypeslib.as_array(
            (ctypes.c_uint8 * nbytes).from_address(self._base + device_address)
        ) if nbytes else np.empty(0, np.uint8)

    def _read_c_string(self, device_address: int, limit: int = 256) -> str:
        raw = bytes(self._view(device_address, limit))
        return raw.split(b"\0", 1)[0].decode()

    def _call(self, function: str, *args: Any) -> Any:
        result = self._exports[function](self._store, *args)
        if self._memory_base() != self._base:  # pragma: no cover - wasmtime reserves 4 GiB up front
            raise RtMemoryError("wasm linear memory moved; outstanding views are invalid", function)
        return result

    def _check(self, status: int) -> None:
        if status != 0:
            message = self._read_c_string(self._err + 4, 256)
            context = self._read_c_string(self._err + 260, 128)
            raise error_from_status(status, message, context)

    def _alloc_raw(self, nbytes: int) -> int:
        self._check(self._call("rt_pool_alloc", nbytes, self._out_slot, self._err))
        return int(self._view(self._out_slot, 4).view(np.uint32)[0])

    # Backend interface ---------------------------------------------------

    def _alloc_block(self, nbytes: int) -> PoolBlock:
        with self._lock:
            device = self._alloc_raw(nbytes)
        return PoolBlock(self._base + device, device, nbytes, self._release)

    def _release(self, device_address: int) -> None:
        with self._lock:
            if not self._closed:
                self._call("rt_pool_free", device_address, 0)

    def close(self) -> None:
        """Free the wasm instance (at interpreter exit); pool views made before become invalid."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            # wasmtime objects must go store first, then module and engine,
            # before the interpreter tears down the ctypes bindings they need.
            self._exports = self._memory = None
            for managed in (self._store, self._module, self._engine):
                managed.close()

    def run(self, function: str, *args: Any) -> None:
        with self._lock:
            staged: list[PoolBlock] = []
            converted = []
            for arg in args:
                if isinstance(arg, In):
                    converted.append(self._stage_input(arg.array, staged))
                elif isinstance(arg, Out):
                    block = pool_block_of(arg.array)
                    if block is None or block._release != self._release:
                        raise RtMemoryError("output arrays must come from this backend's pool", function)
                    converted.append(block.device_address + (_address(arg.array) - block.address))
                else:
                    converted.append(arg)
            status = self._call(function, *converted, self._err)
            del staged  # inputs go back to the pool now
            self._check(status)

    def _stage_input(self, array: np.ndarray, staged: list[PoolBlock]) -> int:
        block = pool_block_of(array)
        if block is not None and block._release == self._release:
            return block.device_address + (_address(array) - block.address)  # already in linear memory
        flat = array.reshape(-1).view(np.uint8)
        copy = self._alloc_block(flat.nbytes)
        np.copyto(np.asarray(copy)[: flat.nbytes], flat)
        staged.append(copy)
        return copy.device_address

    def pool_stats(self) -> dict[str, int]:
        with self._lock:
            self._call("rt_pool_get_stats", self._out_slot)
            values = self._view(self._out_slot, 8 * len(POOL_STATS_FIELDS)).view(np.int64)
            return dict(zip(POOL_STATS_FIELDS, (int(v) for v in values)))

    def call_scalar(self, function: str, *args: Any) -> Any:
        with self._lock:
            return self._call(function, *args)

    def string(self, function: str, *args: Any) -> str | None:
        with self._lock:
            pointer = self._call(function, *args)
            return None if pointer == 0 else self._read_c_string(pointer)


_backends: dict[str, Backend] = {}
_current = "native"
_FACTORIES: dict[str, Callable[[], Backend]] = {"native": NativeBackend, "wasm": WasmBackend}


def get_backend(name: str | None = None) -> Backend:
    """The backend called ``name`` (default: the current one), created on first use."""
    name = name or _current
    if name not in _FACTORIES:
        raise ConfigurationError(f"unknown backend {name!r}; choose 'native' or 'wasm'", "set_backend")
    backend = _backends.get(name)
    if backend is None:
        backend = _backends[name] = _FACTORIES[name]()
    return backend


def set_backend(name: str) -> None:
    """Run every following call on the ``"native"`` (default) or ``"wasm"`` backend.

    >>> import rt_pandas
    >>> rt_pandas.set_backend("native")
    >>> rt_pandas.get_backend_name()
    'native'
    """
    global _current
    get_backend(name)  # fail now, not at the next call, if it cannot load
    _current = name


def get_backend_name() -> str:
    """Name of the backend calls run on."""
    return _current


def available_backends() -> list[str]:
    """Backends that load on this machine."""
    names = []
    for name in _FACTORIES:
        try:
            get_backend(name)
        except ConfigurationError:
            continue
        names.append(name)
    return names
