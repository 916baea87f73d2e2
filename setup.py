"""Build hooks that pyproject.toml cannot express: the cffi extension and the wasm module."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def _load_wasm_builder():
    spec = importlib.util.spec_from_file_location("rt_wasm_build", ROOT / "wasm" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildExtWithWasm(build_ext):
    """Builds the native extension, then rt_core.wasm when clang-19 and wasm-ld-19 exist."""

    def run(self) -> None:
        super().run()
        wasm_build = _load_wasm_builder()
        package_dir = ROOT / "rt_pandas" if self.inplace else Path(self.build_lib) / "rt_pandas"
        try:
            path = wasm_build.build(package_dir / "rt_core.wasm")
        except wasm_build.WasmToolchainMissing as exc:
            print(f"rt-pandas: skipping the wasm module ({exc})", file=sys.stderr)
            return
        print(f"rt-pandas: built {path}")


setup(
    cffi_modules=["rt_pandas/_build_native.py:ffibuilder"],
    cmdclass={"build_ext": BuildExtWithWasm},
    options={"bdist_wheel": {"py_limited_api": "cp310"}},
)
