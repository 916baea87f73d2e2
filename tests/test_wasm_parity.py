"""The JS module (wasm/index.js in Node) against the Python backends on the same inputs.

`wasm/tools/parity.mjs` runs a manifest of cases through the JS API; the same
inputs go through the native backend at every SIMD level this machine runs
and through the Python wasm backend (wasmtime, the same rt_core.wasm).

- JS and the Python wasm backend run the same binary: results are bit-identical.
- JS and native run the same C source compiled for different SIMD variants
  (scalar, AVX2, AVX-512 against wasm simd128). Every kernel evaluates one
  algorithm in the same operation order on every variant (docs/math.md,
  docs/transforms.md), so these are bit-identical too (ULP distance 0, the
  distance reported when it is not), except the float64 math kernels on
  FMA machines: their polynomials fuse multiply-adds natively and cannot in
  wasm, so there the bound is the documented 1 ULP.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

import rt_pandas
from rt_pandas import transforms as T

sys.path.insert(0, str(Path(__file__).resolve().parent))  # pytest runs with --import-mode=importlib
from ulps import ulp_distance  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NODE = shutil.which("node")
REQUIRE_WASM = os.environ.get("RT_PANDAS_REQUIRE_WASM") == "1"

UNARY_DOMAINS = {
    "sinh": (-80, 80), "cosh": (-80, 80), "tanh": (-20, 20), "asin": (-1, 1), "acos": (-1, 1),
    "atan": (-1e4, 1e4), "exp": (-700, 700), "expm1": (-5, 5), "log": (1e-300, 1e300),
    "log1p": (-0.999, 1e10), "erf": (-6, 6), "erfc": (-6, 27),
}
SPECIALS = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-310, -1e-310, 1.0, -1.0, 0.5]
N = 20_000
IMAGE_SHAPE = (37, 53, 3)


def _sample(name: str, dtype) -> np.ndarray:
    lo, hi = UNARY_DOMAINS[name]
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    if name in ("log", "log1p") and hi / max(lo, 1e-300) > 1e6:
        values = np.exp(rng.uniform(np.log(max(lo, 1e-30) + 1), np.log(hi), N)) - (1 if name == "log1p" else 0)
    else:
        values = rng.uniform(lo, hi, N)
    largest = np.finfo(dtype).max
    values = np.clip(values, -largest, largest).astype(dtype)
    values[: len(SPECIALS)] = SPECIALS
    return values


def _cases() -> list[dict]:
    """(name, op, dtype, inputs, shape, params) for every case; inputs are numpy arrays."""
    cases = []
    for name in UNARY_DOMAINS:
        for dtype in ("float32", "float64"):
            cases.append({"name": f"{name}_{dtype}", "op": name, "dtype": dtype, "inputs": [_sample(name, dtype)]})
    cases.append({"name": "tanh_tensor", "op": "tanh", "dtype": "float32", "inputs": [_sample("tanh", "float32")],
                  "shape": [100, 200]})
    rng = np.random.default_rng(7)
    for dtype in ("float32", "float64"):
        y, x = rng.normal(size=(2, N)).astype(dtype)
        y[:5], x[:5] = [0.0, -0.0, np.inf, 1, np.nan], [-0.0, 0.0, np.inf, -np.inf, 1]
        cases.append({"name": f"atan2_{dtype}", "op": "atan2", "dtype": dtype, "inputs": [y, x]})
        values = rng.normal(scale=3, size=N).astype(dtype)
        values[:3] = [np.nan, np.inf, -np.inf]
        cases.append({"name": f"clamp_{dtype}", "op": "clamp", "dtype": dtype, "inputs": [values],
                      "params": {"lower": -1.1, "upper": 2.3}})
    image = rng.uniform(0, 1, IMAGE_SHAPE).astype(np.float32)
    cases.append({"name": "normalize", "op": "normalize", "dtype": "float32", "inputs": [image],
                  "shape": list(IMAGE_SHAPE), "params": {"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}})
    for interpolation in ("nearest", "bilinear", "bicubic", "area"):
        for height, width in ((19, 26), (64, 80)):
            cases.append({"name": f"resize_{interpolation}_{height}x{width}", "op": "resize", "dtype": "float32",
                          "inputs": [image], "shape": list(IMAGE_SHAPE),
                          "params": {"height": height, "width": width, "interpolation": interpolation}})
    cases.append({"name": "center_crop", "op": "center_crop", "dtype": "float32", "inputs": [image],
                  "shape": list(IMAGE_SHAPE), "params": {"height": 30, "width": 60}})
    return cases


def _python_result(case: dict) -> np.ndarray:
    """The case through rt_pandas on the current backend, flattened."""
    op, inputs, params = case["op"], case["inputs"], case.get("params", {})
    if op == "atan2":
        return rt_pandas.atan2(*inputs)
    if op == "clamp":
        return rt_pandas.clamp(inputs[0], params["lower"], params["upper"])
    if op == "normalize":
        return T.normalize(inputs[0], params["mean"], params["std"]).ravel()
    if op == "resize":
        return T.resize(inputs[0], params["height"], params["width"], params["interpolation"]).ravel()
    if op == "center_crop":
        return T.center_crop(inputs[0], params["height"], params["width"]).ravel()
    return getattr(rt_pandas.math, op)(inputs[0])


# float64 kernels evaluate their polynomials with fused multiply-adds where the ISA has them
# (native) and with a multiply and an add in wasm simd128, which has none: different roundings
# inside the algorithm, so these may differ in the last bit (docs/math.md). Everything else is
# the same operations in the same order on every ISA and must be bit-identical.
# float32 kernels that use vf_mla (csrc/math/vec32.h) join them, one name per line.
FMA_EVALUATED_FLOAT32: set[str] = {
    "log_float32",
    "log1p_float32",
    "asin_float32",
    "acos_float32",
    "atan_float32",
    "atan2_float32",
    "cosh_float32",
    "exp_float32",
    "expm1_float32",
    "sinh_float32",
    "tanh_float32",
    "tanh_tensor",  # the float32 tanh kernel on a 2-d input
}
FMA_EVALUATED = {f"{name}_float64" for name in UNARY_DOMAINS} | {"atan2_float64"} | FMA_EVALUATED_FLOAT32


@pytest.fixture(scope="module")
def js_results(tmp_path_factory):
    """Runs every case through the JS module once; returns {name: result array}."""
    if NODE is None or not (ROOT / "rt_pandas" / "rt_core.wasm").exists():
        if REQUIRE_WASM:
            pytest.fail("node and rt_core.wasm are required (RT_PANDAS_REQUIRE_WASM=1)")
        pytest.skip("needs node and a built rt_core.wasm")
    directory = tmp_path_factory.mktemp("parity")
    manifest = []
    for case in _cases():
        files = []
        for i, array in enumerate(case["inputs"]):
            files.append(f"{case['name']}.in{i}")
            np.ascontiguousarray(array).tofile(directory / files[-1])
        manifest.append({k: v for k, v in case.items() if k != "inputs"} | {"inputs": files})
    (directory / "manifest.json").write_text(json.dumps({"cases": manifest}))
    subprocess.run([NODE, str(ROOT / "wasm" / "tools" / "parity.mjs"), str(directory)], check=True, timeout=300)
    return {case["name"]: np.fromfile(directory / f"{case['name']}.out", dtype=case["dtype"]) for case in _cases()}


@pytest.fixture
def restore_backend():
    yield
    rt_pandas.force_simd(None)
    rt_pandas.set_backend("native")


CASES = _cases()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_js_is_bit_identical_to_the_python_wasm_backend(js_results, case, restore_backend):
    try:
        rt_pandas.set_backend("wasm")
    except rt_pandas.ConfigurationError:
        if REQUIRE_WASM:
            raise
        pytest.skip("the Python wasm backend is not available")
    expected = np.asarray(_python_result(case))
    actual = js_results[case["name"]]
    assert actual.dtype == expected.dtype
    assert np.array_equal(actual.view(f"u{actual.itemsize}"), expected.view(f"u{expected.itemsize}")) or (
        np.array_equal(actual, expected, equal_nan=True)
    )


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_js_matches_native_at_every_simd_level(js_results, case, restore_backend):
    rt_pandas.set_backend("native")
    actual = js_results[case["name"]]
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        expected = np.asarray(_python_result(case))
        assert actual.shape == expected.shape and actual.dtype == expected.dtype
        distance = ulp_distance(actual, expected)
        bound = 1 if case["name"] in FMA_EVALUATED else 0
        assert distance.max(initial=0) <= bound, (
            f"{case['name']} at {level}: {int((distance > bound).sum())} values differ by more than {bound} ulp, "
            f"by up to {distance.max()}"
        )
