"""One interface over the two ways of running the C core.

``NativeBackend`` calls the cffi extension directly on host memory.
``WasmBackend`` runs ``rt_core.wasm`` in wasmtime: inputs are copied once into
linear memory (one ``np.copyto`` into a numpy view of it) and outputs stay
there, handed back as numpy views. Kernels are called the same way on both::

    backend.run("rt_math_clamp", dtype_code, In(values), offset, length, lo, hi, Out(out))

where ``In`` marks a read-only array argument and ``Out`` an array the kernel
writes, which must come from ``backend.empty`` (the backend's pool). Three
more markers cover the rest of the ABI:

* ``InValue(ctype, value)``: a pointer to a number or struct the kernel reads
  (``InValue("rt_moments", {"count": 3, ...})``);
* ``OutValue(ctype)``: a pointer to a number, pointer or struct the kernel
  writes; ``run`` returns these values, in order (a struct as a dict);
* ``Ptr(address)``: an opaque handle or pool pointer the core gave out earlier.

A kernel that allocates its own output returns a pool pointer and a size;
``backend.adopt(pointer, nbytes)`` wraps it as a numpy array that frees it.
"""

from __future__ import annotations

import atexit
import ctypes
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from . import _spans
from .errors import ConfigurationError, RtMemoryError, ValidationError, error_from_status

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


@dataclass(frozen=True)
class InValue:
    """A number or struct passed by pointer for the kernel to read."""

    ctype: str
    value: Any


@dataclass(frozen=True)
class OutValue:
    """A number, pointer (``"void *"``) or struct the kernel writes through a pointer."""

    ctype: str


@dataclass(frozen=True)
class Ptr:
    """An address the core handed out (a handle or a pool buffer)."""

    address: int


NULL = Ptr(0)  # a NULL pointer argument (no validity bitmap, no handle)

# Argument types passed to the C function as they are.
_PLAIN_ARGUMENTS = frozenset({int, float, bool, np.int32, np.int64, np.float64, np.intp})

_NUMPY_OF_CTYPE = {
    "int64_t": "<i8",
    "int32_t": "<i4",
    "uint64_t": "<u8",
    "uint32_t": "<u4",
    "uint8_t": "u1",
    "double": "<f8",
    "float": "<f4",
}


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

    def output_for(self, out: np.ndarray) -> np.ndarray:
        """Where a kernel should write results meant for the caller's array ``out``: ``out`` itself
        when the kernels can write there (native: any C-contiguous array), else a pool array of
        the same shape for :meth:`deliver` to copy over."""
        if self.name == "native" and out.flags.c_contiguous:
            return out
        block = pool_block_of(out)
        if block is not None and block._release == getattr(self, "_release", None) and out.flags.c_contiguous:
            return out
        return self.empty(len(out), out.dtype)

    @staticmethod
    def deliver(result: np.ndarray, out: np.ndarray) -> np.ndarray:
        """``out`` holding ``result`` (a no-op when the kernel wrote into ``out`` directly)."""
        if result is not out:
            np.copyto(out, result)
        return out

    def run(self, function: str, *args: Any) -> Any:
        """Call a C kernel; raise the matching RtError if it fails.

        Returns None, the value of a single ``OutValue`` argument, or a tuple
        of them when there are several.
        """
        raise NotImplementedError

    def adopt(self, pointer: int, nbytes: int) -> np.ndarray:
        """A uint8 array over a pool buffer the core allocated; the buffer is freed with it."""
        raise NotImplementedError

    def _alloc_block(self, nbytes: int) -> PoolBlock:
        raise NotImplementedError

    @staticmethod
    def _outputs(values: list[Any]) -> Any:
        if not values:
            return None
        return values[0] if len(values) == 1 else tuple(values)

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
                f"the native extension rt_pandas._rt_native is not built in {Path(__file__).parent}; if that is "
                "a source checkout run from its root (python -m rt_pandas there imports it instead of the "
                "installed package), use the `rt-pandas` command or another directory, or build it in place "
                "with `pip install -e .`",
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

    def run(self, function: str, *args: Any) -> Any:
        ffi = self.ffi
        converted = []
        outputs = []
        for arg in args:
            kind = type(arg)
            if kind in _PLAIN_ARGUMENTS:  # numbers: most arguments, so checked first and once
                converted.append(arg)
            elif kind is In or kind is Out:
                converted.append(self._pointer(arg.array))
            elif kind is Ptr:
                converted.append(ffi.cast("void *", arg.address))
            elif kind is InValue:
                converted.append(ffi.new(f"{arg.ctype} *", arg.value))
            elif kind is OutValue:
                cell = ffi.new(f"{arg.ctype} *")
                converted.append(cell)
                outputs.append((arg.ctype, cell))
            else:
                converted.append(arg)
        err = self._error()
        status = getattr(self.lib, function)(*converted, err)
        if status != 0:
            self._raise(err)
        return self._outputs([self._read_cell(ctype, cell) for ctype, cell in outputs]) if outputs else None

    def _pointer(self, array: np.ndarray):
        """``void *`` to the array's first byte (ffi.from_buffer is several times cheaper than
        ``__array_interface__``, but only takes contiguous arrays)."""
        try:
            return self.ffi.cast("void *", self.ffi.from_buffer(array))
        except (BufferError, ValueError, TypeError):
            return self.ffi.cast("void *", _address(array))

    def _read_cell(self, ctype: str, cell) -> Any:
        if ctype.endswith("*"):
            return int(self.ffi.cast("uintptr_t", cell[0]))
        if ctype in _NUMPY_OF_CTYPE:
            return cell[0]
        return {name: getattr(cell, name) for name, _ in self.ffi.typeof(ctype).fields}

    def adopt(self, pointer: int, nbytes: int) -> np.ndarray:
        return np.asarray(PoolBlock(pointer, pointer, nbytes, self._release))

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

    Every call's pointer arguments are checked against linear memory first
    (``rt_pandas/_spans.py``): an address or length past its end is a
    ValidationError before the kernel runs (negative sizes and int64
    overflow are the core's to refuse, as natively).

    ``max_memory`` (bytes) caps linear memory with wasmtime's store limits:
    an allocation that would grow it further raises RtMemoryError, and the
    instance stays usable.
    """

    name = "wasm"

    def __init__(self, path: Path = WASM_PATH, max_memory: int | None = None) -> None:
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
        if max_memory is not None:
            if isinstance(max_memory, bool) or not isinstance(max_memory, int) or max_memory <= 0:
                raise ValidationError(f"max_memory must be a positive number of bytes, got {max_memory!r}",
                                      "WasmBackend")
            self._store.set_limits(memory_size=max_memory)
        wasm = path.read_bytes()
        self._spans = _spans.read_section(wasm)
        if not self._spans:
            raise ConfigurationError(f"{path.name} has no {_spans.SECTION} section; rebuild it with "
                                     "`python wasm/build.py`", "wasm backend")
        self._module = wasmtime.Module(self._engine, wasm)
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

    def _check_pointers(self, function: str, args: tuple) -> None:
        """ValidationError unless every pointer argument's bytes lie inside linear memory.

        A call with a negative size or one past int64 is left to the core,
        which refuses it with its own message (as natively).
        """
        table = self._spans.get(function)
        if table is None:
            return
        named = None
        reaches = []
        for index, name, expression in table["pointers"]:
            address = args[index] & 0xFFFFFFFF if index < len(args) else 0
            if address == 0:
                continue  # NULL: the kernel judges whether it may be
            if expression.isdigit():
                nbytes = int(expression)
            else:
                if named is None:
                    named = {param: int(value) for param, value in zip(table["params"], args)
                             if isinstance(value, (int, np.integer))}
                nbytes = _spans.span_bytes(expression, named)
                if not 0 <= nbytes < 2**63:
                    return
            reaches.append((name, address, nbytes))
        size = self._memory.data_len(self._store)
        for name, address, nbytes in reaches:
            if address + nbytes > size:
                raise ValidationError(
                    f"{name} ({address:#x} + {nbytes} bytes) falls outside linear memory ({size} bytes)", function)

    def _call(self, function: str, *args: Any) -> Any:
        self._check_pointers(function, args)
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

    def run(self, function: str, *args: Any) -> Any:
        with self._lock:
            staged: list[PoolBlock] = []
            converted = []
            outputs = []
            for arg in args:
                if isinstance(arg, In):
                    converted.append(self._stage_input(arg.array, staged))
                elif isinstance(arg, Out):
                    block = pool_block_of(arg.array)
                    if block is None or block._release != self._release:
                        raise RtMemoryError("output arrays must come from this backend's pool", function)
                    converted.append(block.device_address + (_address(arg.array) - block.address))
                elif isinstance(arg, Ptr):
                    converted.append(arg.address)
                elif isinstance(arg, InValue):
                    cell = self._stage_value(arg.ctype, staged)
                    self._write_value(arg.ctype, cell, arg.value)
                    converted.append(cell)
                elif isinstance(arg, OutValue):
                    cell = self._stage_value(arg.ctype, staged)
                    converted.append(cell)
                    outputs.append((arg.ctype, cell))
                else:
                    converted.append(arg)
            status = self._call(function, *converted, self._err)
            values = [self._read_value(ctype, cell) for ctype, cell in outputs] if status == 0 else []
            del staged  # inputs and value cells go back to the pool now
            self._check(status)
            return self._outputs(values)

    # Values passed by pointer. wasm32 lays out fixed-width fields exactly as
    # x86-64 and aarch64 do, so the native cffi types give the struct layouts;
    # only pointers differ (4 bytes here).

    def _layout(self, ctype: str) -> tuple[int, list[tuple[str, int, str]]]:
        if ctype.endswith("*"):
            return 4, [("", 0, "<u4")]
        if ctype in _NUMPY_OF_CTYPE:
            return np.dtype(_NUMPY_OF_CTYPE[ctype]).itemsize, [("", 0, _NUMPY_OF_CTYPE[ctype])]
        ffi = get_backend("native").ffi
        fields = []
        for name, field in ffi.typeof(ctype).fields:
            cname = field.type.cname
            if cname not in _NUMPY_OF_CTYPE:
                raise ConfigurationError(f"field {name} of {ctype} has no fixed wasm layout ({cname})", "wasm backend")
            fields.append((name, field.offset, _NUMPY_OF_CTYPE[cname]))
        return ffi.sizeof(ctype), fields

    def _stage_value(self, ctype: str, staged: list[PoolBlock]) -> int:
        size, _ = self._layout(ctype)
        block = self._alloc_block(size)
        staged.append(block)
        return block.device_address

    def _write_value(self, ctype: str, cell: int, value: Any) -> None:
        size, fields = self._layout(ctype)
        raw = self._view(cell, size)
        for name, offset, dtype in fields:
            item = value[name] if name else value
            raw[offset : offset + np.dtype(dtype).itemsize].view(dtype)[0] = item

    def _read_value(self, ctype: str, cell: int) -> Any:
        size, fields = self._layout(ctype)
        raw = self._view(cell, size)
        values = {name: raw[offset : offset + np.dtype(dtype).itemsize].view(dtype)[0].item()
                  for name, offset, dtype in fields}
        return values[""] if "" in values else values

    def adopt(self, pointer: int, nbytes: int) -> np.ndarray:
        return np.asarray(PoolBlock(self._base + pointer, pointer, nbytes, self._release))

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
