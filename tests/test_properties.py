"""Hypothesis strategies and reference helpers shared by the property tests.

:func:`columns` draws one logical column (a dtype, values with NaN / inf
sprinkled in, a null pattern) and one physical form of it: a numpy array, a
pandas Series (numpy, masked or Arrow-backed), a sliced ``pyarrow.Array``
(odd offsets) or a ``pyarrow.ChunkedArray`` whose chunks are odd-offset
slices of one padded array. The test compares what rt-pandas returns for that
form with an independent reference computed on the plain logical values.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# One bounded, deadline-free, repeatable budget for every property test
# (RT_PROPS_EXAMPLES scales it; RT_PROPS_RANDOM=1 explores new examples).
EXAMPLES = int(os.environ.get("RT_PROPS_EXAMPLES", "25"))
PROPS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("RT_PROPS_RANDOM") != "1",
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

FLOATS = ("float32", "float64")
INTEGERS = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
NUMERIC = (*FLOATS, *INTEGERS, "bool")
FORMS = ("numpy", "series", "masked", "arrow_series", "arrow", "chunked")
SPECIALS = (np.nan, np.inf, -np.inf, 0.0, -0.0)


@dataclass
class Column:
    """A drawn column: the object handed to rt-pandas and its logical content."""

    obj: Any
    form: str
    dtype: np.dtype
    values: np.ndarray  # the logical values in their own dtype (null rows hold arbitrary values)
    null: np.ndarray  # True where the row is null (Arrow null, pandas NA); numpy forms have NaN instead
    chunk_lengths: list[int] | None = None

    @property
    def floats(self) -> np.ndarray:
        """float64 values with NaN at the null rows: what pandas and numpy references read."""
        out = self.values.astype(np.float64)
        out[self.null] = np.nan
        return out

    @property
    def valid(self) -> np.ndarray:
        return ~self.null

    def present(self) -> np.ndarray:
        """The non-missing values (nulls and NaN dropped) as float64."""
        f = self.floats
        return f[~np.isnan(f)]


def float_elements(dtype: np.dtype, magnitude: float | None):
    """Values of a float dtype: the whole range (magnitude None) or |x| <= magnitude, specials sprinkled."""
    width = 32 if dtype == np.float32 else 64
    if magnitude is None:
        body = st.floats(width=width, allow_nan=False, allow_infinity=False)
    else:
        body = st.floats(-magnitude, magnitude, width=width)
    return st.one_of(body, body, body, body, st.sampled_from(SPECIALS))


def elements_for(dtype: np.dtype, magnitude: float | None):
    if dtype.kind == "f":
        return float_elements(dtype, magnitude)
    if dtype == np.bool_:
        return st.booleans()
    info = np.iinfo(dtype)
    if magnitude is not None:
        return st.integers(max(info.min, -int(magnitude)), min(info.max, int(magnitude)))
    return st.integers(info.min, info.max)


def _masked_array(values: np.ndarray, null: np.ndarray):
    if values.dtype == np.bool_:
        return pd.arrays.BooleanArray(values, null)
    if values.dtype.kind == "f":
        return pd.arrays.FloatingArray(values, null)
    return pd.arrays.IntegerArray(values, null)


@st.composite
def columns(draw, dtypes=NUMERIC, forms=FORMS, max_size=40, magnitude: float | None = None,
            min_size=0, nulls=True, values_strategy=None) -> Column:
    """One column: dtype, values, null pattern (none, random, all) and physical form."""
    dtype = np.dtype(draw(st.sampled_from(dtypes)))
    n = draw(st.integers(min_size, max_size))
    elements = values_strategy(dtype) if values_strategy is not None else elements_for(dtype, magnitude)
    values = draw(hnp.arrays(dtype, n, elements=elements))
    form = draw(st.sampled_from(forms))
    pattern = draw(st.sampled_from(("none", "random", "all") if nulls else ("none",)))
    if pattern == "random":
        null = draw(hnp.arrays(np.bool_, n))
    else:
        null = np.full(n, pattern == "all")
    if form in ("numpy", "series"):
        if dtype.kind == "f":
            values = values.copy()
            values[null] = np.nan  # numpy forms have no nulls: missing values are NaN values
        null = np.zeros(n, bool)
        obj = values if form == "numpy" else pd.Series(values, index=np.arange(n) * 3 + 7, name="v")
        return Column(obj, form, dtype, values, null)
    if form == "masked":
        obj = pd.Series(_masked_array(values, null), index=np.arange(n) * 3 + 7, name="v")
        return Column(obj, form, dtype, values, null)
    # Arrow: the rows sit inside a padded array at an odd offset; chunks are slices of it.
    arrow_type = pa.from_numpy_dtype(dtype)
    prefix = draw(st.sampled_from((1, 3, 5, 13)))
    suffix = draw(st.integers(0, 5))
    padding_before = np.resize(values, prefix) if n else np.zeros(prefix, dtype)
    padding_after = np.resize(values, suffix) if n else np.zeros(suffix, dtype)
    padded_values = np.concatenate([padding_before, values, padding_after]).astype(dtype)
    padded_null = np.concatenate([np.arange(prefix) % 2 == 0, null, np.arange(suffix) % 2 == 1])
    padded = pa.array(padded_values, type=arrow_type, mask=padded_null)
    if form == "arrow":
        return Column(padded.slice(prefix, n), form, dtype, values, null)
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=4)))
    bounds = [0, *cuts, n]
    chunks = [padded.slice(prefix + a, b - a) for a, b in zip(bounds, bounds[1:])]
    chunked = pa.chunked_array(chunks, type=arrow_type)
    lengths = [b - a for a, b in zip(bounds, bounds[1:])]
    if form == "chunked":
        return Column(chunked, form, dtype, values, null, lengths)
    obj = pd.Series(pd.arrays.ArrowExtensionArray(chunked), index=np.arange(n) * 3 + 7, name="v")
    return Column(obj, form, dtype, values, null, lengths)


def read_result(result: Any, column: Column, same_chunks: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(values as a float64 numpy array, null mask) of an element-wise result, checking its kind
    (and, for a ChunkedArray, its chunk lengths; binary functions return one chunk)."""
    n = len(column.values)
    if column.form == "numpy":
        assert isinstance(result, np.ndarray) and result.shape == (n,)
        return result.astype(np.float64), np.zeros(n, bool)
    if column.form == "arrow":
        assert isinstance(result, pa.Array) and len(result) == n
        return _arrow_floats(result)
    if column.form == "chunked":
        assert isinstance(result, pa.ChunkedArray) and len(result) == n
        assert not same_chunks or [len(c) for c in result.chunks] == column.chunk_lengths
        return _arrow_floats(result.combine_chunks() if result.num_chunks else pa.array([], result.type))
    assert isinstance(result, pd.Series)
    assert result.index.equals(column.obj.index) and result.name == column.obj.name
    if column.form == "masked":
        return result.array._data.astype(np.float64), result.array._mask.copy()
    if column.form == "arrow_series":
        return _arrow_floats(pa.chunked_array(result.array._pa_array).combine_chunks())
    return result.to_numpy(dtype=np.float64), np.zeros(n, bool)


def _arrow_floats(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    null = np.asarray(array.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    values = np.asarray(array.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.float64) if len(array) \
        else np.empty(0)
    return values, null


def result_dtype(result: Any) -> np.dtype:
    if isinstance(result, np.ndarray):
        return result.dtype
    if isinstance(result, (pa.Array, pa.ChunkedArray)):
        return np.dtype(result.type.to_pandas_dtype())
    dtype = result.dtype
    if isinstance(dtype, pd.ArrowDtype):
        return np.dtype(dtype.pyarrow_dtype.to_pandas_dtype())
    return np.dtype(dtype.numpy_dtype if hasattr(dtype, "numpy_dtype") else dtype)


def ulp_of(want: np.ndarray, dtype) -> np.ndarray:
    finfo = np.finfo(dtype)
    exponent = np.floor(np.log2(np.maximum(np.abs(want), finfo.smallest_normal)))
    return np.exp2(exponent - finfo.nmant)


# ---------------------------------------------------------------- references

import math as pymath  # noqa: E402

import mpmath  # noqa: E402
import pytest  # noqa: E402
import scipy.special  # noqa: E402
import scipy.stats  # noqa: E402
from hypothesis import given  # noqa: E402

import rt_pandas  # noqa: E402
from rt_pandas import ValidationError  # noqa: E402
from rt_pandas import anomaly as rt_anomaly  # noqa: E402
from rt_pandas import math as rtm  # noqa: E402
from rt_pandas import quality as rtq  # noqa: E402
from rt_pandas import transforms as rtt  # noqa: E402

mpmath.mp.dps = 40


def _mp_lgamma(v):
    return mpmath.re(mpmath.loggamma(v))


# name: (exact mpmath function, numpy/scipy function used for special inputs, documented bar in ulps)
UNARY = {
    "exp": (mpmath.exp, np.exp, 1.0),
    "expm1": (mpmath.expm1, np.expm1, 1.0),
    "log": (mpmath.log, np.log, 1.0),
    "log1p": (mpmath.log1p, np.log1p, 1.0),
    "sinh": (mpmath.sinh, np.sinh, 1.0),
    "cosh": (mpmath.cosh, np.cosh, 1.0),
    "tanh": (mpmath.tanh, np.tanh, 1.0),
    "asin": (mpmath.asin, np.arcsin, 1.0),
    "acos": (mpmath.acos, np.arccos, 1.0),
    "atan": (mpmath.atan, np.arctan, 1.0),
    "erf": (mpmath.erf, scipy.special.erf, 1.0),
    "erfc": (mpmath.erfc, scipy.special.erfc, 1.0),
    "gamma": (mpmath.gamma, None, 2.0),
    "lgamma": (_mp_lgamma, None, 2.0),
}


def _c99_gamma(x: float) -> float:
    """tgamma at the inputs mpmath cannot take (C99 Annex F.9.5.4)."""
    if x != x or x == -np.inf:
        return np.nan
    if x == 0:
        return np.copysign(np.inf, x)
    if x == np.inf:
        return np.inf
    return np.nan  # a negative integer


def _c99_lgamma(x: float) -> float:
    return np.nan if x != x else np.inf  # +-0, +-inf and the negative integers are poles


def _exact(fn, *args) -> tuple[float, float] | None:
    """The exact result as hi + lo doubles, or None where it is not a finite real number."""
    try:
        with mpmath.workdps(40):
            value = fn(*(mpmath.mpf(float(a)) for a in args))
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    if not isinstance(value, mpmath.mpf) or not mpmath.isfinite(value):
        return None
    hi = float(value)
    lo = float(value - mpmath.mpf(hi)) if np.isfinite(hi) else 0.0
    return hi, lo


def assert_within_ulps(got: np.ndarray, hi: np.ndarray, lo: np.ndarray, dtype, bar: float,
                       absolute: np.ndarray | None = None) -> None:
    """|got - exact| <= bar ulps of the exact value (in ``dtype``); overflow must give the rounded inf."""
    dtype = np.dtype(dtype)
    with np.errstate(over="ignore"):
        rounded = hi.astype(dtype)
    finite = np.isfinite(rounded)
    assert np.array_equal(got[~finite], rounded[~finite]), (got[~finite], hi[~finite])
    err = np.abs((got[finite].astype(np.float64) - hi[finite]) - lo[finite])
    ulps = err / ulp_of(hi[finite], dtype)
    ok = ulps <= bar
    if absolute is not None:
        ok |= err <= absolute[finite]
    assert ok.all(), (got[finite][~ok], hi[finite][~ok], ulps[~ok])


def check_unary(name: str, x: np.ndarray, got: np.ndarray) -> None:
    """rt's ``name`` of the float values ``x`` (their own dtype) against mpmath within the bar."""
    fn, special_fn, bar = UNARY[name]
    dtype = x.dtype
    x64 = x.astype(np.float64)
    hi = np.empty(len(x))
    lo = np.zeros(len(x))
    special = ~np.isfinite(x64) | (x64 == 0)
    for i, v in enumerate(x64.tolist()):
        if special[i]:
            continue
        exact = _exact(fn, v)
        if exact is None:
            special[i] = True
        else:
            hi[i], lo[i] = exact
    if special.any():
        with np.errstate(all="ignore"):
            if name == "gamma":
                want = np.array([_c99_gamma(v) for v in x64[special]])
            elif name == "lgamma":
                want = np.array([_c99_lgamma(v) for v in x64[special]])
            else:
                want = special_fn(x64[special])
        want = want.astype(dtype)
        assert np.array_equal(got[special], want, equal_nan=True), (name, x[special], got[special], want)
        zero_in = x64[special] == 0
        assert np.array_equal(np.signbit(got[special][zero_in]), np.signbit(want[zero_in])), name
    normal = ~special
    absolute = None
    if name == "lgamma" and dtype == np.float64:
        # Next to lgamma's negative zeros only absolute accuracy exists: 2 ulps of 1 (docs/math.md).
        absolute = np.where(x64[normal] < 0, 2 * np.spacing(1.0), 0.0)
    assert_within_ulps(got[normal], hi[normal], lo[normal], dtype, bar if dtype == np.float64 else 1.0, absolute)


def float_input(column: Column) -> np.ndarray:
    """What a float kernel computes on: float32 stays float32, everything else becomes float64."""
    return column.values.astype(np.float32 if column.dtype == np.float32 else np.float64)


def check_elementwise_kind(column: Column, result, want_dtype) -> tuple[np.ndarray, np.ndarray]:
    values, null = read_result(result, column)
    assert result_dtype(result) == want_dtype, (result_dtype(result), want_dtype)
    assert np.array_equal(null, column.null)
    return values, null


def call(column: Column, method: str, *args, **kwargs):
    """``s.rt.<method>`` for Series forms, the module function of the same name for the others."""
    if isinstance(column.obj, pd.Series):
        return getattr(column.obj.rt, method)(*args, **kwargs)
    return MODULE_FUNCTIONS[method](column.obj, *args, **kwargs)


MODULE_FUNCTIONS = {
    **{name: getattr(rtm, name) for name in UNARY}, "clamp": rtm.clamp, "pow": rtm.pow, "atan2": rtm.atan2,
    **{name: getattr(rtq, name) for name in ("completeness", "validity", "accuracy", "uniqueness", "consistency",
                                             "overall_quality")},
    "describe": rt_pandas.describe,
    "anomaly_scores": rt_anomaly.anomaly_scores, "is_anomaly": rt_anomaly.is_anomaly,
    "anomalies": rt_anomaly.anomalies,
    "standardize": rtt.standardize, "min_max": rtt.min_max, "robust_scale": rtt.robust_scale,
}


# ---------------------------------------------------------------- math


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name", list(UNARY))
@PROPS
@given(column=columns())
def test_unary_math_matches_mpmath(backend, name, column):
    result = call(column, name)
    x = float_input(column)
    values, null = check_elementwise_kind(column, result, x.dtype)
    check_unary(name, x[~null], values[~null].astype(x.dtype))


@PROPS
@given(column=columns(), bounds=st.lists(st.floats(allow_nan=False), min_size=2, max_size=2))
def test_clamp_matches_numpy_clip(backend, column, bounds):
    lower, upper = sorted(bounds)
    result = call(column, "clamp", lower, upper)
    x = float_input(column)
    values, null = check_elementwise_kind(column, result, x.dtype)
    lo, hi = np.array([lower, upper]).astype(x.dtype)  # float32 rounds its bounds first, as numpy.clip
    want = np.clip(x, lo, hi)
    assert np.array_equal(values[~null], want[~null].astype(np.float64), equal_nan=True)


@st.composite
def pairs(draw):
    """Two aligned columns (x, y) of the same length, each in its own form."""
    x = draw(columns(max_size=30))
    n = len(x.values)
    y = draw(columns(min_size=n, max_size=n))
    return x, y


def _binary_dtype(x: Column, y: Column | float) -> np.dtype:
    both32 = x.dtype == np.float32 and (not isinstance(y, Column) or y.dtype == np.float32)
    return np.dtype(np.float32 if both32 else np.float64)


def binary_nulls(result_column: Column, values: np.ndarray, got_null: np.ndarray, null: np.ndarray) -> None:
    """A binary result is null where either operand is; numpy forms show those rows as NaN."""
    if result_column.form in ("numpy", "series"):
        assert not got_null.any() and np.isnan(values[null]).all()
    else:
        assert np.array_equal(got_null, null)


def check_binary(fn, np_fn, xs: np.ndarray, ys: np.ndarray, got: np.ndarray, dtype) -> None:
    hi = np.empty(len(xs))
    lo = np.zeros(len(xs))
    special = ~np.isfinite(xs) | ~np.isfinite(ys) | (xs == 0) | (ys == 0) | (xs == 1)
    for i, (a, b) in enumerate(zip(xs.tolist(), ys.tolist())):
        if not special[i]:
            exact = _exact(fn, a, b)
            if exact is None:
                special[i] = True
            else:
                hi[i], lo[i] = exact
    with np.errstate(all="ignore"):
        want = np_fn(xs[special], ys[special]).astype(dtype)
    assert np.array_equal(got[special], want, equal_nan=True), (xs[special], ys[special], got[special], want)
    zeros = want == 0
    assert np.array_equal(np.signbit(got[special][zeros]), np.signbit(want[zeros]))
    assert_within_ulps(got[~special], hi[~special], lo[~special], dtype, 1.0)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@PROPS
@given(xy=pairs(), scalar=st.one_of(st.none(), st.floats(), st.sampled_from([2.0, -1.0, 0.5, 3.0, -3.0])))
def test_pow_matches_mpmath(backend, xy, scalar):
    x, y = xy
    if scalar is None:
        result = call(x, "pow", y.obj)
        ys = float_input(y).astype(np.float64)
        null = x.null | y.null
        dtype = _binary_dtype(x, y)
    else:
        result = call(x, "pow", scalar)
        ys = np.full(len(x.values), scalar)
        null = x.null
        dtype = _binary_dtype(x, scalar)
    values, got_null = read_result(result, x, same_chunks=False)
    assert result_dtype(result) == dtype
    binary_nulls(x, values, got_null, null)
    xs = float_input(x).astype(dtype).astype(np.float64)
    ys = ys.astype(dtype).astype(np.float64)
    check_binary(mpmath.power, np.power, xs[~null], ys[~null], values[~null].astype(dtype), dtype)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@PROPS
@given(yx=pairs())
def test_atan2_matches_mpmath(backend, yx):
    y, x = yx
    result = call(y, "atan2", x.obj)
    null = x.null | y.null
    dtype = _binary_dtype(y, x)
    values, got_null = read_result(result, y, same_chunks=False)
    assert result_dtype(result) == dtype
    binary_nulls(y, values, got_null, null)
    ys = float_input(y).astype(dtype).astype(np.float64)
    xs = float_input(x).astype(dtype).astype(np.float64)
    special = ~np.isfinite(xs) | ~np.isfinite(ys) | (xs == 0) | (ys == 0)
    got = values[~null].astype(dtype)
    ys, xs, special = ys[~null], xs[~null], special[~null]
    with np.errstate(all="ignore"):
        want = np.arctan2(ys[special], xs[special]).astype(dtype)
    assert np.array_equal(got[special], want, equal_nan=True)
    assert np.array_equal(np.signbit(got[special]), np.signbit(want))
    hi = np.empty(int((~special).sum()))
    lo = np.empty_like(hi)
    for i, (a, b) in enumerate(zip(ys[~special].tolist(), xs[~special].tolist())):
        hi[i], lo[i] = _exact(mpmath.atan2, a, b)
    assert_within_ulps(got[~special], hi, lo, dtype, 1.0)


# ---------------------------------------------------------------- quality metrics


def _ratio(part, whole):
    return None if whole == 0 else part / whole


def _assert_ratio(got, want, what):
    if want is None:
        assert got is None, (what, got)
    else:
        assert got is not None and abs(got - want) <= 1e-12, (what, got, want)


def _present_exact(column: Column) -> list:
    """Present values as exact Python numbers (ints stay ints), for counting and range checks."""
    keep = column.valid & ~np.isnan(column.floats)
    return column.values[keep].tolist()


def _uniqueness(present: list) -> float | None:
    counts = pd.Series([v if isinstance(v, str) else v + 0 for v in present], dtype=object).value_counts()
    # (v + 0 makes -0.0 and 0.0 one value, as pandas and rt-pandas count them)
    return _ratio(int((counts == 1).sum()), len(present))


def _consistency_bounds(present: np.ndarray, k: float) -> tuple[float, float] | None:
    """median +- k * scale with scale 1.4826 MAD, or 1.2533 mean |x - median| when MAD is 0 (docs/quality.md)."""
    median = np.median(present)
    deviation = np.abs(present - median)
    mad = np.median(deviation)
    scale = 1.4826 * mad if mad > 0 else 1.2533 * np.mean(deviation)
    if not scale > 0:
        return None  # a constant column: every value is consistent
    return median - k * scale, median + k * scale


def _consistent_counts(present: np.ndarray, k: float) -> tuple[int, int]:
    """(lowest, highest) count of consistent values allowing for rounding at the bounds."""
    with np.errstate(all="ignore"):
        bounds = _consistency_bounds(present, k)
    if bounds is None:
        return len(present), len(present)
    lo, hi = bounds
    slack = 1e-9 * max(abs(lo), abs(hi), 1e-300)
    inner = int(((present >= lo + slack) & (present <= hi - slack)).sum())
    outer = int(((present >= lo - slack) & (present <= hi + slack)).sum())
    return inner, outer


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@PROPS
@given(column=columns(), bounds=st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=2),
       k=st.sampled_from([3.5, 1.0, 0.5]))
def test_numeric_quality_metrics_match_pandas(backend, column, bounds, k):
    lo, hi = sorted(bounds)
    n = len(column.values)
    present = _present_exact(column)
    floats = np.array(present, dtype=np.float64)
    _assert_ratio(call(column, "completeness"), _ratio(len(present), n), "completeness")
    missing_nulls_only = int(column.null.sum())
    _assert_ratio(MODULE_FUNCTIONS["completeness"](column.obj, nan_as_missing=False),
                  _ratio(n - missing_nulls_only, n), "completeness(nan_as_missing=False)")
    valid = int(np.isfinite(floats).sum()) if column.dtype.kind == "f" else len(present)
    _assert_ratio(call(column, "validity"), _ratio(valid, len(present)), "validity")
    within = sum(1 for v in present if lo <= v <= hi)
    if column.dtype == np.bool_:
        with pytest.raises(ValidationError):  # ranges apply to numbers and timestamps (docs/quality.md)
            call(column, "accuracy", lo, hi)
    else:
        _assert_ratio(call(column, "accuracy", lo, hi), _ratio(within, len(present)), "accuracy")
    _assert_ratio(call(column, "uniqueness"), _uniqueness(present), "uniqueness")
    consistency = MODULE_FUNCTIONS["consistency"](column.obj, k=k)
    if column.dtype == np.bool_ or not present:
        assert consistency is None
    else:
        inner, outer = _consistent_counts(floats, k)
        assert inner / len(present) - 1e-12 <= consistency <= outer / len(present) + 1e-12, (consistency, inner, outer)
    default_consistency = MODULE_FUNCTIONS["consistency"](column.obj)  # overall_quality's k = 3.5
    metrics = [m for m in (_ratio(len(present), n), _ratio(valid, len(present)), _uniqueness(present),
                           default_consistency) if m is not None]
    want_overall = None if not metrics else sum(metrics) / len(metrics)
    _assert_ratio(call(column, "overall_quality"), want_overall, "overall_quality")


STRINGS = st.one_of(st.none(), st.sampled_from(["a", "b", "AB-12", "XY-9876", "7", " ", "", "\u00a0", "é1", "a b"]),
                    st.text(alphabet="aZ9 -é\u00a0.", max_size=4))


@st.composite
def string_columns(draw) -> tuple[Any, list]:
    """A string column in one of its forms, and its values as a list (None for nulls)."""
    items = draw(st.lists(STRINGS, max_size=30))
    form = draw(st.sampled_from(("object", "string", "arrow_series", "arrow", "large", "chunked")))
    if form == "object":
        return pd.Series(items, dtype=object), items
    if form == "string":
        return pd.Series(items, dtype="string"), items
    prefix = draw(st.sampled_from((1, 3, 7)))
    padded = pa.array(["pad"] * prefix + items + [None], type=pa.large_string() if form == "large" else pa.string())
    if form in ("arrow", "large"):
        return padded.slice(prefix, len(items)), items
    cut = draw(st.integers(0, len(items)))
    chunked = pa.chunked_array([padded.slice(prefix, cut), padded.slice(prefix + cut, len(items) - cut)])
    if form == "chunked":
        return chunked, items
    return pd.Series(pd.arrays.ArrowExtensionArray(chunked)), items


def _shape(text: str) -> tuple:
    """Runs of character classes (docs/quality.md): letters (any non-ASCII non-space too), digits, space, punctuation."""
    classes = []
    for ch in text:
        cls = "s" if ch.isspace() else "d" if ch in "0123456789" else "l" if (ch.isalpha() or not ch.isascii()) \
            else "p"
        if not classes or classes[-1] != cls:
            classes.append(cls)
    return tuple(classes)


@PROPS
@given(data=string_columns())
def test_string_quality_metrics_match_python(backend, data):
    obj, items = data
    present = [s for s in items if s is not None]
    n = len(items)
    single = (lambda name: getattr(obj.rt, name)()) if isinstance(obj, pd.Series) else \
        (lambda name: MODULE_FUNCTIONS[name](obj))
    _assert_ratio(single("completeness"), _ratio(len(present), n), "completeness")
    _assert_ratio(single("validity"), _ratio(sum(1 for s in present if s.strip() != ""), len(present)), "validity")
    _assert_ratio(single("uniqueness"), _uniqueness(present), "uniqueness")
    shapes = pd.Series([_shape(s) for s in present], dtype=object).value_counts()
    _assert_ratio(single("consistency"), _ratio(int(shapes.max()) if len(shapes) else 0, len(present)),
                  "consistency")
    described = rt_pandas.describe(obj)
    counts = pd.Series(present, dtype=object).value_counts()
    assert described["count"] == len(present) and described["missing"] == n - len(present)
    assert described["distinct"] == len(counts)
    assert described["freq"] == (int(counts.max()) if len(counts) else 0)
    if len(counts):
        assert described["top"] in set(counts.index[counts == counts.max()])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@PROPS
@given(a=columns(forms=("numpy", "masked"), max_size=25, magnitude=5.0),
       b=st.lists(st.sampled_from(["x", "y", None]), max_size=25))
def test_frame_quality_matches_per_column_and_pandas_duplicates(backend, a, b):
    n = min(len(a.values), len(b))
    frame = pd.DataFrame({"a": a.obj[:n], "b": pd.Series(b[:n], dtype=object, index=a.obj[:n].index
                                                        if isinstance(a.obj, pd.Series) else None)})
    report = frame.rt.quality()
    assert report.rows == n
    assert report.duplicate_rows == (int(frame.duplicated().sum()) if n else 0)
    table = report.to_frame()
    for name in ("a", "b"):
        alone = rtq.quality(frame[name])
        for metric in ("completeness", "validity", "uniqueness", "consistency"):
            want = alone.columns[0].metric(metric)
            got = table.loc[name, metric]
            assert (want is None and pd.isna(got)) or got == want, (name, metric, got, want)
    scores = [s for s in (rtq.overall_quality(frame[name]) for name in ("a", "b")) if s is not None]
    _assert_ratio(report.overall, sum(scores) / len(scores) if scores else None, "overall")
    assert frame.rt.quality_report().passed == report.passed


# ---------------------------------------------------------------- describe


def linear_quantile(x: np.ndarray, p: float) -> float:
    """numpy's default (linear) quantile, numpy's own lerp, except that between two equal values
    it is that value (numpy gives NaN between two infinities: inf + (inf - inf) * t)."""
    if not len(x):
        return np.nan
    x = np.sort(x)
    h = (len(x) - 1) * p
    i = int(np.floor(h))
    t = h - i
    a, b = x[i], x[min(i + 1, len(x) - 1)]
    if a == b:
        return float(a)
    with np.errstate(all="ignore"):
        return float(a + (b - a) * t if t < 0.5 else b - (b - a) * (1 - t))


def _close(got, want, scale, rel=1e-12):
    if want is None or (isinstance(want, float) and np.isnan(want)):
        return got is None or (isinstance(got, float) and np.isnan(got))
    if np.isinf(want):
        return got == want
    return abs(got - want) <= rel * max(abs(want), scale, 1e-300)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@PROPS
@given(column=columns(magnitude=1e6))
def test_describe_matches_pandas(backend, column):
    described = call(column, "describe")
    present = np.array(_present_exact(column), dtype=np.float64)
    n = len(present)
    reference = pd.Series(present)
    scale = float(np.max(np.abs(present[np.isfinite(present)]), initial=0.0))
    assert described["count"] == n and described["missing"] == len(column.values) - n
    assert _close(described["mean"], reference.mean() if n else np.nan, scale), (described["mean"], reference.mean())
    assert _close(described["min"], reference.min() if n else np.nan, scale)
    assert _close(described["max"], reference.max() if n else np.nan, scale)
    std = reference.std() if n > 1 else np.nan
    assert _close(described["std"], std, scale, rel=1e-9), (described["std"], std)
    for p in (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99):
        want = linear_quantile(present, p)
        assert _close(described[f"{100 * p:g}%"], want, scale), (p, described[f"{100 * p:g}%"], want)
    finite = present[np.isfinite(present)]
    well_conditioned = len(finite) == n and n >= 4 and np.std(finite) > 1e-3 * scale
    if well_conditioned:
        assert _close(described["skew"], scipy.stats.skew(present, bias=False), 1.0, rel=1e-6)
        assert _close(described["kurtosis"], scipy.stats.kurtosis(present, bias=False), 1.0, rel=1e-6)
    counts = pd.Series(column.values[column.valid & ~np.isnan(column.floats)]).map(lambda v: v + 0).value_counts()
    assert described["distinct"] == len(counts)
    assert described["freq"] == (int(counts.max()) if n else 0)
    if n:
        assert described["top"] in set(counts.index[counts == counts.max()])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@PROPS
@given(a=columns(forms=("numpy", "masked"), max_size=20, magnitude=100.0, min_size=20),
       b=columns(forms=("numpy", "masked"), max_size=20, magnitude=100.0, min_size=20))
def test_frame_describe_is_the_series_describes(backend, a, b):
    frame = pd.DataFrame({"a": pd.Series(a.obj).reset_index(drop=True), "b": pd.Series(b.obj).reset_index(drop=True)})
    table = frame.rt.describe(percentiles=[0.1, 0.5])
    for name in ("a", "b"):
        alone = frame[name].rt.describe(percentiles=[0.1, 0.5])
        for key in alone.index:
            got, want = table.loc[key, name], alone[key]
            assert got == want or (pd.isna(got) and pd.isna(want)), (name, key, got, want)


# ---------------------------------------------------------------- anomaly scores


def reference_scores(method: str, floats: np.ndarray) -> np.ndarray | None:
    """zscore / iqr / mad scores as docs/anomaly.md defines them, in numpy; None where the
    IQR / MAD centre is itself infinite (differences of infinities: only consistency is checked)."""
    scores = np.full(len(floats), np.nan)
    present = ~np.isnan(floats)
    x = floats[present]
    if not len(x):
        return scores
    with np.errstate(all="ignore"):
        if method == "zscore":
            finite = x[np.isfinite(x)]
            centre = finite.mean() if len(finite) else np.nan
            spread = finite.std() if len(finite) else np.nan
            distance = np.abs(x - centre)
            s = np.where(spread > 0, distance / spread, np.where(distance == 0, 0.0, np.inf))
            s[~np.isfinite(x)] = np.inf
        elif method == "iqr":
            q1, q3 = linear_quantile(x, 0.25), linear_quantile(x, 0.75)
            if np.isinf([q1, q3]).any():
                return None
            # inside the band scores 0 (also an infinite value equal to an infinite quartile)
            distance = np.where((x >= q1) & (x <= q3), 0.0, np.maximum(np.maximum(q1 - x, x - q3), 0.0))
            iqr = q3 - q1
            s = np.where(iqr > 0, distance / iqr, np.where(distance == 0, 0.0, np.inf))
            if np.isnan([q1, q3, iqr]).any():
                s[:] = np.nan  # undefined quartiles: no score (docs/anomaly.md)
        else:
            median = linear_quantile(x, 0.5)
            if np.isinf(median):
                return None
            deviation = np.where(x == median, 0.0, np.abs(x - median))  # equal to the centre: 0
            mad = 1.4826 * linear_quantile(deviation, 0.5)
            s = np.where(mad > 0, deviation / mad, np.where(deviation == 0, 0.0, np.inf))
            if np.isnan([median, mad]).any():
                s[:] = np.nan  # undefined median or MAD: no score (docs/anomaly.md)
    scores[present] = s
    return scores


def assert_scores_close(got: np.ndarray, want: np.ndarray) -> None:
    same_special = (np.isnan(got) & np.isnan(want)) | ((got == want) & ~np.isfinite(want))
    finite = np.isfinite(want)
    close = np.zeros(len(want), bool)
    close[finite] = np.abs(got[finite] - want[finite]) <= 1e-12 * np.maximum(np.abs(want[finite]), 1.0)
    assert (same_special | close).all(), (got[~(same_special | close)], want[~(same_special | close)])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("method", ["zscore", "iqr", "mad"])
@PROPS
@given(column=columns(magnitude=1e6), threshold=st.sampled_from([None, 0.5, 2.0]))
def test_statistical_anomalies_match_numpy(backend, method, column, threshold):
    want = reference_scores(method, column.floats)
    scores = call(column, "anomaly_scores", method)
    flags = call(column, "is_anomaly", method, threshold)
    found = call(column, "anomalies", method, threshold)
    assert isinstance(scores, pd.Series) and scores.dtype == np.float64 and len(scores) == len(column.values)
    limit = threshold or rt_anomaly.DEFAULT_THRESHOLDS[method]
    flags = flags.to_numpy()
    if want is None:  # an infinite centre: scores are NaN for missing rows and flags follow the scores
        assert np.isnan(scores.to_numpy()[np.isnan(column.floats)]).all()
        assert np.array_equal(flags, scores.to_numpy() > limit)
        return
    assert_scores_close(scores.to_numpy(), want)
    decided = np.isnan(want) | (np.abs(want - limit) > 1e-9 * limit)
    assert np.array_equal(flags[decided], (want > limit)[decided])
    assert not flags[np.isnan(want)].any()
    assert list(found.index) == list(scores.index[flags])
    assert np.array_equal(found["score"].to_numpy(), scores.to_numpy()[flags])
    assert np.array_equal(found["value"].to_numpy(), column.floats[flags])
    if isinstance(column.obj, pd.Series):
        assert scores.index.equals(column.obj.index)


# ---------------------------------------------------------------- column scalers


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("scaler", ["standardize", "standardize_ddof0", "min_max", "robust_scale"])
@PROPS
@given(column=columns(magnitude=1e6))
def test_scalers_match_numpy(backend, scaler, column):
    x = float_input(column)
    present = column.valid & ~np.isnan(x)
    values = x[present].astype(np.float64)
    with np.errstate(all="ignore"):
        if scaler.startswith("standardize"):
            ddof = 0 if scaler.endswith("ddof0") else 1
            centre = values.mean() if len(values) else 0.0
            scale = values.std(ddof=ddof) if len(values) > ddof else 1.0
        elif scaler == "min_max":
            centre = values.min() if len(values) else 0.0
            scale = values.max() - centre if len(values) else 1.0
        else:
            median, q1, q3 = (linear_quantile(values, p) for p in (0.5, 0.25, 0.75)) if len(values) \
                else (0.0, 0.0, 1.0)
            centre, scale = (median, q3 - q1) if np.isfinite(values).all() else (np.inf, np.inf)
    name, args = (("standardize", (0,)) if scaler == "standardize_ddof0" else (scaler, ()))
    if not (np.isfinite(centre) and np.isfinite(scale)):
        with pytest.raises(ValidationError):
            call(column, name, *args)
        return
    result = call(column, name, *args)
    got, null = check_elementwise_kind(column, result, x.dtype)
    want = (x.astype(np.float64) - centre) / (scale if scale != 0 else 1.0)
    ok = present & ~null
    tolerance = (1e-12 if x.dtype == np.float64 else 1e-6) * np.maximum(np.abs(want[ok]), 1.0)
    assert (np.abs(got[ok] - want[ok]) <= tolerance).all(), (got[ok], want[ok])
    assert np.isnan(got[~present & ~null]).all()


def test_every_accessor_method_is_covered():
    """The property tests above (and the frame / image ones below) name every public .rt method."""
    series_methods = {m for m in dir(pd.Series([1.0]).rt) if not m.startswith("_")}
    frame_methods = {m for m in dir(pd.DataFrame({"a": [1.0]}).rt) if not m.startswith("_")}
    covered = set(MODULE_FUNCTIONS) | {"quality", "resize", "center_crop", "normalize"}
    assert series_methods <= covered, series_methods - covered
    assert frame_methods <= {"quality", "quality_report", "describe", "anomalies", "anomaly_scores", "clamp"}


# ---------------------------------------------------------------- frames


@st.composite
def numeric_frames(draw, min_rows=0, max_rows=30):
    """A frame of two or three numeric columns (numpy, masked or Arrow-backed) and a string column."""
    n = draw(st.integers(min_rows, max_rows))
    data = {}
    for name in ("a", "b", "c")[:draw(st.integers(2, 3))]:
        column = draw(columns(min_size=n, max_size=n, magnitude=50.0,
                              forms=("numpy", "series", "masked", "arrow_series")))
        data[name] = pd.Series(column.obj).reset_index(drop=True)
    data["label"] = pd.Series(draw(st.lists(st.sampled_from(["x", "y", None]), min_size=n, max_size=n)),
                              dtype=object)
    return pd.DataFrame(data)


def _numeric_names(frame: pd.DataFrame) -> list:
    return [name for name, dtype in frame.dtypes.items()
            if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@PROPS
@given(frame=numeric_frames(), bounds=st.lists(st.floats(-60, 60), min_size=2, max_size=2))
def test_frame_clamp_clamps_numeric_columns_only(backend, frame, bounds):
    lower, upper = sorted(bounds)
    result = frame.rt.clamp(lower, upper)
    assert list(result.columns) == list(frame.columns) and result.index.equals(frame.index)
    numeric = _numeric_names(frame)
    for name in frame.columns:
        if name not in numeric:
            assert result[name].equals(frame[name])
            continue
        source = frame[name].astype("float64").to_numpy(dtype=np.float64, na_value=np.nan)
        if frame[name].dtype == np.float32 or str(frame[name].dtype) in ("Float32", "float[pyarrow]"):
            lo, hi = np.float32(lower), np.float32(upper)
        else:
            lo, hi = lower, upper
        want = np.clip(source, lo, hi)
        got = result[name].astype("float64").to_numpy(dtype=np.float64, na_value=np.nan)
        assert np.array_equal(got, want, equal_nan=True), (name, got, want)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@PROPS
@given(frame=numeric_frames(min_rows=2), seed=st.integers(0, 2**31 - 1))
def test_frame_isolation_forest_scores(backend, frame, seed):
    numeric = [n for n, t in frame.dtypes.items() if pd.api.types.is_numeric_dtype(t)]  # booleans too
    scores = frame.rt.anomaly_scores(random_state=seed, n_estimators=20)
    assert isinstance(scores, pd.Series) and scores.index.equals(frame.index)
    values = scores.to_numpy()
    assert np.all((values > 0) & (values <= 1)), values
    # The same rows as plain float64 numpy columns (nulls as NaN) score the same.
    plain = pd.DataFrame({n: frame[n].astype("float64").to_numpy(dtype=np.float64, na_value=np.nan)
                          for n in numeric})
    assert np.array_equal(plain.rt.anomaly_scores(random_state=seed, n_estimators=20).to_numpy(), values)
    # Equal rows get equal scores.
    rows = {}
    for key, score in zip(map(tuple, plain.to_numpy().tolist()), values.tolist()):
        key = tuple("nan" if v != v else v + 0 for v in key)
        assert rows.setdefault(key, score) == score, key
    found = frame.rt.anomalies(random_state=seed, n_estimators=20, threshold=0.6)
    assert list(found.index) == list(frame.index[values > 0.6])
    assert set(found["top_feature"]) <= set(numeric)


@PROPS
@given(names=st.lists(st.text(alphabet="<>&\"'ab /", min_size=1, max_size=6).map(lambda t: f"zq{t}qz"),
                      min_size=1, max_size=3, unique=True),
       values=st.lists(st.one_of(st.none(), st.floats(-5, 5)), min_size=1, max_size=8))
def test_quality_report_escapes_and_agrees(backend, names, values):
    import html as html_module
    frame = pd.DataFrame({name: pd.Series(values, dtype="float64") for name in names})
    page = frame.rt.quality_report(format="html")
    for name in names:
        assert name in html_module.unescape(page)
        if set(name) & set("<>&"):
            assert name not in page  # markup characters are always escaped
    assert frame.rt.quality_report().passed == frame.rt.quality().passed


# ---------------------------------------------------------------- mergeable quality states


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@PROPS
@given(frame=numeric_frames(), cuts=st.lists(st.integers(0, 30), max_size=3), order=st.randoms(use_true_random=False))
def test_quality_state_merged_over_partitions_equals_whole(backend, frame, cuts, order):
    n = len(frame)
    bounds = [0, *sorted(min(c, n) for c in cuts), n]
    states = []
    for a, b in zip(bounds, bounds[1:]):
        state = rt_pandas.QualityState()
        state.update(frame.iloc[a:b])
        states.append(rt_pandas.QualityState.from_bytes(state.to_bytes()))  # as if from another worker
    order.shuffle(states)
    merged = states[0]
    for other in states[1:]:
        merged = merged.merge(other)
    whole = rt_pandas.QualityState()
    whole.update(frame)
    got, want = merged.finalize(), whole.finalize()
    assert got.rows == want.rows == n and got.duplicate_rows == want.duplicate_rows
    direct = frame.rt.quality()
    assert got.duplicate_rows == direct.duplicate_rows
    got_table, want_table, direct_table = got.to_frame(), want.to_frame(), direct.to_frame()
    for metric in ("completeness", "validity", "uniqueness", "consistency", "distinct"):
        for table in (want_table, direct_table):
            a, b = got_table[metric].to_numpy(dtype=float), table[metric].to_numpy(dtype=float)
            assert np.allclose(a, b, rtol=1e-12, atol=0, equal_nan=True), (metric, a, b)


# ---------------------------------------------------------------- image columns


@st.composite
def image_columns(draw):
    """A fixed-shape tensor column of HWC images (uint8 or float32), possibly sliced, and its numpy content."""
    dtype = draw(st.sampled_from([np.uint8, np.float32]))
    batch, height, width = draw(st.integers(1, 4)), draw(st.integers(1, 9)), draw(st.integers(1, 9))
    channels = draw(st.sampled_from([1, 3]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    offset = draw(st.integers(0, 2))
    shape = (batch + offset, height, width, channels)
    images = rng.integers(0, 256, shape, dtype=np.uint8) if dtype == np.uint8 else rng.random(shape).astype(dtype)
    tensors = pa.FixedShapeTensorArray.from_numpy_ndarray(images)
    if offset:
        tensors = tensors.slice(offset)
    return pd.Series(tensors, dtype=pd.ArrowDtype(tensors.type)), images[offset:]


def _images_of(series: pd.Series) -> np.ndarray:
    return np.asarray(series.array._pa_array.combine_chunks().to_numpy_ndarray())


def _reference_crop(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """torchvision's center_crop on one HWC image (zero padding first when the window is larger)."""
    h, w = image.shape[:2]
    pad_h, pad_w = max(height - h, 0), max(width - w, 0)
    image = np.pad(image, ((pad_h // 2, pad_h - pad_h // 2), (pad_w // 2, pad_w - pad_w // 2), (0, 0)))
    h, w = image.shape[:2]
    top, left = int(round((h - height) / 2)), int(round((w - width) / 2))
    return image[top:top + height, left:left + width]


@PROPS
@given(data=image_columns(), size=st.tuples(st.integers(1, 11), st.integers(1, 11)))
def test_center_crop_matches_torchvision_rule(backend, data, size):
    series, images = data
    got = _images_of(series.rt.center_crop(*size))
    want = np.stack([_reference_crop(image, *size) for image in images])
    assert got.dtype == images.dtype and np.array_equal(got.reshape(want.shape), want)


@PROPS
@given(data=image_columns(), mean=st.floats(-1, 1), std=st.floats(0.1, 2))
def test_normalize_matches_numpy(backend, data, mean, std):
    series, images = data
    channels = images.shape[-1]
    got = _images_of(series.rt.normalize(mean=[mean] * channels, std=[std] * channels))
    scale = 1 / 255 if images.dtype == np.uint8 else 1.0
    want = (images.astype(np.float64) * scale - mean) / std
    assert got.dtype == np.float32
    np.testing.assert_allclose(got.reshape(want.shape), want, rtol=1e-5, atol=1e-5)


@PROPS
@given(data=image_columns(), size=st.tuples(st.integers(1, 12), st.integers(1, 12)))
def test_resize_matches_opencv(backend, data, size):
    import cv2
    series, images = data
    height, width = size
    got = _images_of(series.rt.resize(height, width)).reshape(len(images), height, width, images.shape[-1])
    for image, out in zip(images, got):
        want = cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR).reshape(out.shape)
        bound = 1 if images.dtype == np.uint8 else 1e-4
        assert np.abs(out.astype(np.float64) - want.astype(np.float64)).max() <= bound
    same = _images_of(series.rt.resize(*images.shape[1:3])).reshape(images.shape)
    assert np.array_equal(same, images)  # the identity size changes nothing
