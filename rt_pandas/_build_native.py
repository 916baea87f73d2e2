"""cffi builder (API mode, out-of-line) for the native extension ``rt_pandas._rt_native``.

setup.py runs it through ``cffi_modules``; the declarations come from the
public headers (see ``_abi.py``), the sources from ``csrc/``.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import cffi

_HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("rt_abi", _HERE / "_abi.py")
abi = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(abi)


def _relative(path: Path) -> str:
    # setuptools wants source paths relative to the project root.
    return os.path.relpath(path, abi.ROOT)


def compile_args() -> list[str]:
    if sys.platform == "win32":
        return ["/O2"]
    # A compiler that warns where ours does not can be calmed with CFLAGS=-Wno-error.
    return ["-std=c11", "-O3", "-Wall", "-Wextra", "-Werror", "-fvisibility=hidden"]


ffibuilder = cffi.FFI()
ffibuilder.cdef(abi.cdef_source())
ffibuilder.set_source(
    "rt_pandas._rt_native",
    '#include "rt/rt.h"',
    sources=[_relative(p) for p in abi.core_sources()],
    include_dirs=[_relative(abi.INCLUDE_DIR)],
    extra_compile_args=compile_args(),
    py_limited_api=True,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
