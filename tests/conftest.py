"""Shared fixtures: every test that takes ``backend`` runs on native and on wasm."""

from __future__ import annotations

import os

import pytest

import rt_pandas
from rt_pandas import ConfigurationError

# CI sets this so a missing wasm module fails the run instead of skipping half of it.
REQUIRE_WASM = os.environ.get("RT_PANDAS_REQUIRE_WASM") == "1"


def _wasm_available() -> bool:
    try:
        rt_pandas.get_backend("wasm")
    except ConfigurationError:
        if REQUIRE_WASM:
            raise
        return False
    return True


@pytest.fixture(params=["native", "wasm"])
def backend(request):
    """Select a backend for the test, restore native and the default SIMD level after."""
    if request.param == "wasm" and not _wasm_available():
        pytest.skip("rt_core.wasm is not built (needs clang-19 and lld-19)")
    rt_pandas.set_backend(request.param)
    try:
        yield request.param
    finally:
        rt_pandas.force_simd(None)
        rt_pandas.set_backend("native")
