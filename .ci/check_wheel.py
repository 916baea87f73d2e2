"""Build the wheel and check it: abi3 tag, native extension and wasm module inside."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path


def main() -> int:
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", out, "."], check=True)
        (wheel,) = Path(out).glob("*.whl")
        names = zipfile.ZipFile(wheel).namelist()
    problems = []
    if "-abi3-" not in wheel.name:
        problems.append(f"wheel is not tagged abi3: {wheel.name}")
    if "rt_pandas/rt_core.wasm" not in names:
        problems.append("rt_pandas/rt_core.wasm is missing from the wheel")
    if not any(n.startswith("rt_pandas/_rt_native") and n.endswith(".abi3.so") for n in names):
        problems.append("the abi3 native extension is missing from the wheel")
    for problem in problems:
        print(f"check_wheel: {problem}", file=sys.stderr)
    print(f"check_wheel: {wheel.name}: {'FAILED' if problems else 'ok'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
