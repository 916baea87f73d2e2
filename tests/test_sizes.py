"""Lengths and offsets are 64-bit through the public API: columns of 2**31 + 10 rows and
Arrow slices that start beyond row 2**31 (tests/test_hardening.py checks the bitmap
kernels themselves). Each array is built from zero pages plus a few set bytes, so the
tests run at C speed: about 2.5 GB of memory and a few seconds each, native backend
(the wasm module's 4 GiB linear memory cannot hold a copy of these inputs)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import rt_pandas
from rt_pandas import quality as rtq

N = 2**31 + 10
TAIL = 2**31 + 1  # slices start here: past every 32-bit offset


def _available_bytes() -> int:
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return 0


pytestmark = pytest.mark.skipif(_available_bytes() < 8 * 2**30,
                                reason="needs 8 GB of available memory for 2**31-row columns")


@pytest.fixture(scope="module")
def validity() -> tuple[np.ndarray, int]:
    """An Arrow validity bitmap of N rows with nulls at the start, around 2**31 and at the end."""
    bits = np.full((N + 7) // 8, 0xFF, dtype=np.uint8)
    nulls = [0, 1, 9, 2**31 - 1, 2**31, TAIL + 2, TAIL + 5, N - 1]
    for row in nulls:
        bits[row // 8] &= ~np.uint8(1 << (row % 8))
    return bits, len(nulls)


@pytest.fixture(scope="module")
def uint8_column(validity):
    bits, _ = validity
    values = np.zeros(N, dtype=np.uint8)  # zero pages: no 2 GB write
    values[TAIL:TAIL + 9] = [3, 7, 0, 250, 9, 0, 1, 2, 3]
    values[5] = 11
    return pa.Array.from_buffers(pa.uint8(), N, [pa.py_buffer(bits), pa.py_buffer(values)])


@pytest.fixture(autouse=True)
def native():
    rt_pandas.set_backend("native")


def test_completeness_of_a_2_31_row_uint8_column(uint8_column, validity):
    _, null_count = validity
    assert rtq.completeness(uint8_column) == (N - null_count) / N
    series = pd.Series(uint8_column, dtype=pd.ArrowDtype(pa.uint8()), copy=False)
    assert series.rt.completeness() == (N - null_count) / N


def test_completeness_of_a_2_31_row_boolean_column(validity):
    bits, null_count = validity
    values = np.zeros((N + 7) // 8, dtype=np.uint8)
    values[-2:] = 0xFF
    column = pa.Array.from_buffers(pa.bool_(), N, [pa.py_buffer(bits), pa.py_buffer(values)])
    assert rtq.completeness(column) == (N - null_count) / N
    # The set value bits near the end, read through a slice beyond 2**31.
    tail = column.slice(N - 12, 12)
    got = rt_pandas.math.exp(tail)
    want = [None if not tail[i].is_valid else float(np.exp(float(tail[i].as_py()))) for i in range(12)]
    assert got.to_pylist() == want


def test_slices_beyond_2_31(uint8_column):
    view = uint8_column.slice(TAIL, 9)  # rows TAIL .. N - 1: nulls at TAIL + 2, TAIL + 5 and N - 1
    want = [3, 7, None, 250, 9, None, 1, 2, None]
    assert view.offset == TAIL and view.to_pylist() == want
    assert rtq.completeness(view) == 6 / 9
    assert rt_pandas.clamp(view, 0, 8).to_pylist() == [3.0, 7.0, None, 8.0, 8.0, None, 1.0, 2.0, None]
    scores = rt_pandas.anomaly.anomaly_scores(view, "mad").to_numpy()
    present = np.array([3, 7, 250, 9, 1, 2], dtype=np.float64)
    median = np.median(present)
    want_scores = np.abs(present - median) / (1.4826 * np.median(np.abs(present - median)))
    assert np.isnan(scores[[2, 5, 8]]).all()
    assert np.allclose(scores[[0, 1, 3, 4, 6, 7]], want_scores, rtol=1e-15)
    described = rt_pandas.describe(view)
    assert described["count"] == 6 and described["missing"] == 3 and described["max"] == 250
    series = pd.Series(pa.chunked_array([uint8_column.slice(TAIL - 4, 4), view]), dtype=pd.ArrowDtype(pa.uint8()))
    # rows 2**31 - 3 .. 2**31 hold nulls at 2**31 - 1 and 2**31: 5 nulls in 13 rows, in two chunks
    assert series.rt.completeness() == 8 / 13
    assert series.rt.clamp(0, 1).isna().tolist() == [False, False, True, True] + [v is None for v in want]
