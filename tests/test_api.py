"""Errors, versions, SIMD levels, backends and accessors as a user meets them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rt_pandas
from rt_pandas import ComputationError, ConfigurationError, RtError, RtMemoryError, ValidationError
from rt_pandas._backend import WASM_PATH, WasmBackend
from rt_pandas.errors import error_from_status


@pytest.mark.parametrize(
    "kind, cls, builtin, error_type",
    [
        (1, ValidationError, ValueError, "ValidationError"),
        (2, ComputationError, ArithmeticError, "ComputationError"),
        (3, RtMemoryError, MemoryError, "MemoryError"),
        (4, ConfigurationError, RtError, "ConfigurationError"),
    ],
)
def test_error_kinds_map_to_typed_exceptions(kind, cls, builtin, error_type):
    error = error_from_status(kind, "went wrong", "rt_thing")
    assert type(error) is cls and isinstance(error, builtin) and isinstance(error, RtError)
    assert error.to_dict() == {"message": "went wrong", "error_type": error_type, "context": "rt_thing"}
    assert str(error) == "went wrong (in rt_thing)"


def test_unknown_status_is_still_an_rt_error():
    error = error_from_status(99, "", "rt_x")
    assert type(error) is RtError and "99" in error.message


def test_c_errors_carry_message_and_context(backend):
    with pytest.raises(ValidationError) as info:
        rt_pandas.clamp(np.ones(3), 2, 1)
    assert info.value.to_dict() == {
        "message": "lower bound is greater than upper bound",
        "error_type": "ValidationError",
        "context": "rt_math_clamp",
    }


def test_versions(backend):
    versions = rt_pandas.versions()
    assert versions["rt_pandas"] == rt_pandas.__version__
    assert versions["core"] == versions["math"] == "0.1.0"
    assert versions["backend"] == backend
    assert backend in versions["backends_available"]
    assert versions["simd"] in rt_pandas.simd_levels()


def test_simd_levels_and_forcing(backend):
    levels = rt_pandas.simd_levels()
    assert levels[0] == "scalar"
    if backend == "wasm":
        assert levels == ["scalar", "wasm-simd128"]
    for level in levels:
        rt_pandas.force_simd(level)
        assert rt_pandas.versions()["simd"] == level
    rt_pandas.force_simd(None)
    assert rt_pandas.versions()["simd"] == levels[-1]


def test_unsupported_simd_level_is_a_configuration_error(backend):
    unsupported = "avx2" if backend == "wasm" else "wasm-simd128"
    with pytest.raises(ConfigurationError, match="not supported"):
        rt_pandas.force_simd(unsupported)
    with pytest.raises(ConfigurationError, match="unknown SIMD level"):
        rt_pandas.force_simd("neon9000")


def test_unknown_backend():
    with pytest.raises(ConfigurationError, match="unknown backend"):
        rt_pandas.set_backend("gpu")
    assert rt_pandas.get_backend_name() == "native"


def test_missing_wasm_module_says_how_to_build_it(tmp_path: Path):
    with pytest.raises(ConfigurationError, match="clang-19") as info:
        WasmBackend(tmp_path / "rt_core.wasm")
    assert "wasm/build.py" in info.value.message


def test_wasm_module_has_no_imports():
    if not WASM_PATH.exists():
        pytest.skip("wasm module not built")
    wasmtime = pytest.importorskip("wasmtime")
    module = wasmtime.Module.from_file(wasmtime.Engine(), str(WASM_PATH))
    assert list(module.imports) == []
    exports = {e.name for e in module.exports}
    assert {"memory", "rt_math_clamp", "rt_pool_alloc", "rt_pool_free"} <= exports


@pytest.mark.parametrize(
    "series",
    [
        pd.Series([1 + 2j]),
        pd.Series(["a", 1], dtype=object),
        pd.Series(pd.period_range("2020-01-01", periods=2, freq="D")),
        pd.Series([pd.Interval(0, 1)]),
    ],
    ids=["complex", "mixed-object", "period", "interval"],
)
def test_accessor_rejects_unsupported_dtypes(series):
    with pytest.raises(AttributeError, match="the .rt accessor works on"):
        series.rt


def test_accessor_is_stateless():
    series = pd.Series([1.0, 2.0])
    assert series.rt is not series.rt  # pandas builds a new accessor each time
    assert set(vars(series.rt)) == {"_series"}


def test_string_series_has_accessor_but_clamp_is_a_validation_error():
    series = pd.Series(["a", None, "c"], dtype="str")
    with pytest.raises(ValidationError):
        series.rt.clamp(0, 1)
