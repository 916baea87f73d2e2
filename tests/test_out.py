"""``out=`` on every math module function: the caller's array is filled and returned, with the same
values as without ``out`` (themselves checked against mpmath/numpy elsewhere), nulls as NaN, and a
clear error for an array that does not fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from rt_pandas import math
from rt_pandas.errors import ValidationError

UNARY = ["exp", "expm1", "log", "log1p", "sinh", "cosh", "tanh", "asin", "acos", "atan", "erf", "erfc",
         "gamma", "lgamma"]
CALLS = {name: (lambda f: lambda x, **kw: f(x, **kw))(getattr(math, name)) for name in UNARY}
CALLS["clamp"] = lambda x, **kw: math.clamp(x, -0.5, 0.5, **kw)
CALLS["pow"] = lambda x, **kw: math.pow(x, 2.5, **kw)
CALLS["atan2"] = lambda x, **kw: math.atan2(x, 0.75, **kw)


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_out_is_filled_with_the_same_values(backend, name, dtype):
    x = np.linspace(-0.9, 0.9, 1001).astype(dtype)
    expected = CALLS[name](x)  # atan2(float32, python float) is float64: the scalar decides too
    out = np.full(len(x), 7.0, dtype=expected.dtype)
    assert CALLS[name](x, out=out) is out
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_out_may_be_the_input_itself(backend, name, dtype):
    """In place (``f(x, out=x)``) gives the same values: kernels that take more than one pass over a block
    (float32 lgamma revisits its lanes below 8) must not read what they already wrote. 1,500 values
    from -6 to 30, so blocks of 512 end mid-array and every lgamma path is taken."""
    x = np.linspace(-6.0, 30.0, 1500).astype(dtype)
    expected = CALLS[name](x.copy())
    if expected.dtype != x.dtype:  # atan2(float32, python float) is float64: no in-place form
        return
    result = CALLS[name](x, out=x)
    assert result is x
    np.testing.assert_array_equal(x, expected)


@pytest.mark.parametrize("name", ["sinh", "erf", "clamp", "pow", "atan2"])
def test_out_takes_nulls_as_nan_from_chunked_arrow_and_series(backend, name):
    chunked = pa.chunked_array([pa.array([0.25, None]), pa.array([], pa.float64()), pa.array([None, -0.5, 0.75])])
    out = np.zeros(5)
    CALLS[name](chunked.slice(0), out=out)
    expected = CALLS[name](chunked).to_numpy(zero_copy_only=False)
    np.testing.assert_array_equal(out, expected)
    assert np.isnan(out[[1, 2]]).all()
    series = pd.Series([0.25, None, -0.5], dtype="Float64")
    out = np.zeros(3)
    assert CALLS[name](series, out=out) is out
    assert np.isnan(out[1]) and out[0] == CALLS[name](np.array([0.25]))[0]


def test_out_into_a_strided_view_goes_through_a_copy(backend):
    x = np.linspace(0, 1, 10)
    holder = np.zeros(20)
    math.tanh(x, out=holder[::2])
    np.testing.assert_array_equal(holder[::2], math.tanh(x))
    assert (holder[1::2] == 0).all()


@pytest.mark.parametrize("bad, message", [
    (np.zeros(4), "1-D numpy array of 5 float64"),
    (np.zeros(5, np.float32), "1-D numpy array of 5 float64"),
    (np.zeros((5, 1)), "1-D numpy array"),
    ([0.0] * 5, "1-D numpy array"),
])
@pytest.mark.parametrize("name", sorted(CALLS))
def test_out_that_does_not_fit_is_a_validation_error(name, bad, message):
    with pytest.raises(ValidationError, match=message):
        CALLS[name](np.linspace(0.1, 0.5, 5), out=bad)


def test_read_only_out_is_refused():
    out = np.zeros(3)
    out.flags.writeable = False
    with pytest.raises(ValidationError, match="writeable"):
        math.exp(np.zeros(3), out=out)
