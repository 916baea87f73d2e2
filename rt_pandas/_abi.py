"""The C ABI as the bindings see it, read from the public headers.

The headers in ``csrc/include/rt/`` are the single source of truth: the cffi
``cdef`` is their declarations with preprocessor lines dropped, and the wasm
export list is every ``rt_*`` function they declare. Both build scripts load
this file by path, so it must not import the rest of the package.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INCLUDE_DIR = ROOT / "csrc" / "include"
# The base headers come first (the others use their types); domain headers follow by name.
BASE_HEADERS = ("core.h", "simd.h", "memory.h")

_FUNCTION = re.compile(r"^[A-Za-z_][\w \*]*?\b(rt_\w+)\s*\(", re.MULTILINE)


def header_names() -> list[str]:
    """Every public header except the umbrella rt.h, base headers first."""
    others = sorted(p.name for p in (INCLUDE_DIR / "rt").glob("*.h") if p.name not in BASE_HEADERS + ("rt.h",))
    return [*BASE_HEADERS, *others]


def _header_texts() -> list[str]:
    return [(INCLUDE_DIR / "rt" / name).read_text() for name in header_names()]


def cdef_source() -> str:
    """Declarations of every header, without preprocessor lines or C++ guards."""
    kept = []
    for text in _header_texts():
        lines = [
            line
            for line in text.splitlines()
            if not line.lstrip().startswith("#") and line.strip() not in ('extern "C" {', "}")
        ]
        kept.append("\n".join(lines))
    return "\n".join(kept)


def exported_functions() -> list[str]:
    """Names of the functions the wasm module exports: all that the headers declare."""
    names: list[str] = []
    for text in _header_texts():
        without_comments = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
        names.extend(_FUNCTION.findall(without_comments))
    return names


def core_sources() -> list[Path]:
    """The C sources of the core: every csrc/<domain>/*.c except the tests, in a stable order."""
    return sorted(p for p in (ROOT / "csrc").glob("*/*.c") if p.parent.name != "tests")


_DECLARATION = re.compile(r"\b(rt_\w+)\s*\(([^)]*)\)\s*;")


def parameters() -> dict[str, list[tuple[str, str]]]:
    """Every declared function's parameters as ``(type, name)`` pairs, in order."""
    found: dict[str, list[tuple[str, str]]] = {}
    for text in _header_texts():
        without_comments = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
        for name, params in _DECLARATION.findall(without_comments):
            pairs = []
            for param in (p.strip() for p in params.split(",")):
                if param and param != "void":
                    match = re.match(r"(.*?)(\w+)$", param)
                    pairs.append((match.group(1).replace(" ", ""), match.group(2)))
            found[name] = pairs
    return found


def pointer_spans() -> dict[str, dict]:
    """For each function with pointer parameters: its parameter names and ``[index, name, span]`` per pointer.

    The spans come from ``_spans.SPANS`` (bytes the pointer reaches);
    ``err`` reaches an ``rt_error``, an unlisted pointer 1 byte. wasm/build.py
    stores this table in the module (``_spans.section_bytes``).
    """
    spans_module = _load_sibling("_spans")
    table = {}
    for function, params in parameters().items():
        listed = spans_module.SPANS.get(function, {})
        pointers = []
        for index, (ctype, name) in enumerate(params):
            if "*" in ctype:
                expression = str(spans_module.ERROR_BYTES) if name == "err" else listed.get(name, "1")
                pointers.append([index, name, expression])
        if pointers:
            table[function] = {"params": [name for _, name in params], "pointers": pointers}
    return table


def _load_sibling(name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"rt_abi_{name}", Path(__file__).resolve().parent / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
