"""Build ``rt_pandas/rt_core.wasm`` from the C core with clang and wasm-ld.

The module is freestanding (no libc, no WASI) and must have zero imports:
the check at the end fails the build otherwise. Usage::

    python wasm/build.py [--out PATH] [--clang clang-19] [--wasm-ld wasm-ld-19]

Tools are looked up as given, then from the RT_CLANG / RT_WASM_LD
environment variables, then as clang-19 / wasm-ld-19 on PATH.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "rt_pandas" / "rt_core.wasm"
# libc headers vendored code includes (csrc/vendor/xxhash), for a target without libc
FREESTANDING_INCLUDE = ROOT / "csrc" / "freestanding"

COMPILE_FLAGS = [
    "--target=wasm32",
    "-msimd128",
    "-mbulk-memory",  # memcpy/memset become memory.copy/memory.fill, not libc calls
    "-O3",
    "-std=c11",
    "-nostdlib",
    "-ffreestanding",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wshadow",
    "-Wstrict-prototypes",
]
LINK_FLAGS = [
    "--no-entry",
    "--strip-all",
    "-z",
    "stack-size=1048576",
    "--max-memory=4294967296",
]


class WasmToolchainMissing(RuntimeError):
    """clang-19 or wasm-ld-19 is not installed."""


def _load_abi():
    spec = importlib.util.spec_from_file_location("rt_abi", ROOT / "rt_pandas" / "_abi.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def find_tool(explicit: str | None, env_var: str, default: str) -> str:
    name = explicit or os.environ.get(env_var) or default
    path = shutil.which(name)
    if path is None:
        raise WasmToolchainMissing(
            f"{name} not found; install it with `apt-get install -y clang-19 lld-19` "
            f"or set {env_var}"
        )
    return path


def count_imports(wasm: bytes) -> int:
    """Number of entries in the module's import section (id 2), read from the binary."""
    spans = _load_abi()._load_sibling("_spans")
    for section_id, start, _ in spans.sections(wasm):
        if section_id == 2:
            return spans.uleb(wasm, start)[0]
    return 0


def build(out: Path = DEFAULT_OUT, clang: str | None = None, wasm_ld: str | None = None) -> Path:
    """Compile and link the core; return the path of the written module."""
    abi = _load_abi()
    clang_path = find_tool(clang, "RT_CLANG", "clang-19")
    ld_path = find_tool(wasm_ld, "RT_WASM_LD", "wasm-ld-19")
    with tempfile.TemporaryDirectory() as tmp:
        objects = []
        for source in abi.core_sources():
            obj = Path(tmp) / (source.parent.name + "_" + source.stem + ".o")
            cmd = [clang_path, *COMPILE_FLAGS, f"-I{abi.INCLUDE_DIR}", f"-isystem{FREESTANDING_INCLUDE}", "-c",
                   str(source), "-o", str(obj)]
            subprocess.run(cmd, check=True)
            objects.append(str(obj))
        exports = [f"--export={name}" for name in abi.exported_functions()]
        tmp_out = Path(tmp) / "rt_core.wasm"
        subprocess.run([ld_path, *LINK_FLAGS, *exports, *objects, "-o", str(tmp_out)], check=True)
        wasm = tmp_out.read_bytes()
    imports = count_imports(wasm)
    if imports:
        raise RuntimeError(f"rt_core.wasm has {imports} imports; it must have none")
    wasm += abi._load_sibling("_spans").section_bytes(abi.pointer_spans())  # the bindings' bounds check
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(wasm)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--clang")
    parser.add_argument("--wasm-ld")
    args = parser.parse_args(argv)
    try:
        path = build(args.out, args.clang, args.wasm_ld)
    except WasmToolchainMissing as exc:
        print(f"wasm build skipped: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
