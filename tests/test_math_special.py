"""asin, acos, atan, atan2 (part A's kernels, merged from math-a), erf, erfc, gamma and lgamma against mpmath at 50 digits.

The accuracy sweeps use at least 100,000 points per function and dtype
(log-uniform magnitudes of both signs over the whole domain, plus the
edges), compute the exact value once per session with mpmath, and measure
every SIMD level against it in ulps of the target type: the error is
``|got - exact| / ulp(exact)``, so 0.5 is a correctly rounded result. The
helpers here are written to fold into the shared mpmath harness.
"""

from __future__ import annotations

import functools
import zlib

import mpmath
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import scipy.special as scipy_special

import rt_pandas
from rt_pandas import ValidationError
from rt_pandas import math as rt_math

mpmath.mp.dps = 50
N_POINTS = 100_000
F64_BAR = 1.0  # the bar: max error <= 1 ulp (asin, acos, atan, atan2, erf, erfc)

PI = np.pi
PIO2 = np.pi / 2


# Reference harness ----------------------------------------------------------------


def exact_hi_lo(fn, *args: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """mpmath values at 50 digits as double-doubles (hi, lo); NaN where mpmath has none."""
    hi = np.empty(len(args[0]))
    lo = np.zeros(len(args[0]))
    for i, point in enumerate(zip(*args)):
        try:
            value = fn(*(mpmath.mpf(float(v)) for v in point))
        except (ValueError, ZeroDivisionError):
            hi[i] = np.nan
            continue
        if isinstance(value, mpmath.mpc):
            hi[i] = np.nan
            continue
        hi[i] = float(value)
        if np.isfinite(hi[i]):
            lo[i] = float(value - mpmath.mpf(hi[i]))
    return hi, lo


def ulp_errors(got: np.ndarray, hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """|got - exact| in ulps of got's type at the exact value (subnormal ulp below the normal range)."""
    info = np.finfo(got.dtype)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        exact_t = hi.astype(got.dtype)
        magnitude = np.maximum(np.abs(exact_t.astype(np.float64)), float(info.tiny))
        exponent = np.floor(np.log2(magnitude))
        # A value just below a power of two that rounds up to it still has the smaller ulp.
        exponent = np.where(np.abs(hi) < 2.0 ** exponent, exponent - 1, exponent)
        exponent = np.maximum(exponent, info.minexp)  # subnormals share the smallest ulp
        ulp = np.ldexp(1.0, (exponent - info.nmant).astype(int))
        diff = np.abs((got.astype(np.float64) - hi) - lo)
        errors = diff / ulp
    both_nan = np.isnan(got) & np.isnan(hi)
    same_inf = np.isinf(hi) & (got.astype(np.float64) == hi)
    return np.where(both_nan | same_inf, 0.0, np.where(np.isnan(errors), np.inf, errors))


def log_uniform(rng, n: int, low: float, high: float, signed: bool = True) -> np.ndarray:
    values = np.exp(rng.uniform(np.log(low), np.log(high), n))
    return values * rng.choice([-1.0, 1.0], n) if signed else values


# Point sets per function and dtype: >= 100,000 points over the whole domain.


def asin_points(rng, dtype) -> np.ndarray:
    tiny = 1e-300 if dtype == np.float64 else 1e-40
    n = N_POINTS // 4
    near_one = 1.0 - log_uniform(rng, n, 1e-17, 0.5, signed=False)
    return np.concatenate([
        rng.uniform(-1.0, 1.0, n), log_uniform(rng, n, tiny, 1.0), near_one, -near_one[: n // 2],
        rng.uniform(0.45, 0.55, n // 2) * rng.choice([-1.0, 1.0], n // 2),
    ])


def atan_points(rng, dtype) -> np.ndarray:
    tiny, huge = (1e-300, 1e300) if dtype == np.float64 else (1e-40, 3e38)
    n = N_POINTS // 2
    return np.concatenate([log_uniform(rng, n, tiny, huge), rng.uniform(-3.0, 3.0, n)])


FUNCTIONS: dict = {
    "asin": (rt_math.asin, mpmath.asin, asin_points),
    "acos": (rt_math.acos, mpmath.acos, asin_points),
    "atan": (rt_math.atan, mpmath.atan, atan_points),
}


@functools.lru_cache(maxsize=None)
def sweep(name: str, dtype) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points and their exact values, computed once per session."""
    _, reference, points = FUNCTIONS[name]
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    with np.errstate(over="ignore", under="ignore"):
        x = points(rng, dtype).astype(dtype)
    hi, lo = exact_hi_lo(reference, x)
    return x, hi, lo


@functools.lru_cache(maxsize=None)
def atan2_sweep(dtype) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    tiny, huge = (1e-300, 1e300) if dtype == np.float64 else (1e-38, 1e38)
    n = N_POINTS // 2
    close = log_uniform(rng, n, 1e-5, 1e5)
    y = np.concatenate([log_uniform(rng, n, tiny, huge), close])
    x = np.concatenate([log_uniform(rng, n, tiny, huge), close * (1 + log_uniform(rng, n, 1e-12, 0.5))])
    with np.errstate(over="ignore", under="ignore"):
        y, x = y.astype(dtype), x.astype(dtype)
    hi, lo = exact_hi_lo(mpmath.atan2, y, x)
    return y, x, hi, lo


# Accuracy ------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_accuracy_against_mpmath_every_level(backend, name, dtype):
    function = FUNCTIONS[name][0]
    x, hi, lo = sweep(name, dtype)
    assert len(x) >= N_POINTS
    reference = None
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        got = function(x)
        assert got.dtype == dtype
        errors = ulp_errors(got, hi, lo)
        worst = int(np.argmax(errors))
        assert errors.max() <= F64_BAR, f"{name} {level}: {errors.max():.3f} ulp at x={x[worst]!r}"
        if reference is None:
            reference = got  # the scalar reference: every variant runs the same algorithm
        np.testing.assert_array_equal(got, reference)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_atan2_accuracy_every_level(backend, dtype):
    y, x, hi, lo = atan2_sweep(dtype)
    reference = None
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        got = rt_pandas.atan2(y, x)
        errors = ulp_errors(got, hi, lo)
        worst = int(np.argmax(errors))
        assert errors.max() <= F64_BAR, f"{level}: {errors.max():.3f} ulp at ({y[worst]!r}, {x[worst]!r})"
        if reference is None:
            reference = got
        np.testing.assert_array_equal(got, reference)


# Special values (C99 Annex F) -----------------------------------------------------

INF, NAN = np.inf, np.nan
SPECIALS = {
    "asin": [(0.0, 0.0), (-0.0, -0.0), (1.0, PIO2), (-1.0, -PIO2), (NAN, NAN), (INF, NAN), (-INF, NAN),
             (1.5, NAN), (-2.0, NAN), (5e-324, 5e-324)],
    "acos": [(1.0, 0.0), (-1.0, PI), (0.0, PIO2), (-0.0, PIO2), (NAN, NAN), (INF, NAN), (-INF, NAN), (1.5, NAN)],
    "atan": [(0.0, 0.0), (-0.0, -0.0), (INF, PIO2), (-INF, -PIO2), (NAN, NAN), (5e-324, 5e-324),
             (-5e-324, -5e-324)],
}


def assert_same_values(got: np.ndarray, want: np.ndarray) -> None:
    """Equal values, NaN where NaN, and the same sign on zeros."""
    np.testing.assert_array_equal(got, want)
    assert np.array_equal(np.signbit(got[~np.isnan(want)]), np.signbit(want[~np.isnan(want)]))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(SPECIALS))
def test_special_values(backend, name, dtype):
    with np.errstate(under="ignore"):
        x = np.array([p[0] for p in SPECIALS[name]], dtype=dtype)
        want = np.array([p[1] for p in SPECIALS[name]], dtype=dtype)
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        assert_same_values(FUNCTIONS[name][0](x), want)


ATAN2_SPECIALS = [
    # every signed zero / infinity pair of Annex F.10.1.4
    (0.0, -0.0, PI), (-0.0, -0.0, -PI), (0.0, 0.0, 0.0), (-0.0, 0.0, -0.0),
    (0.0, -1.0, PI), (-0.0, -1.0, -PI), (0.0, 1.0, 0.0), (-0.0, 1.0, -0.0),
    (0.0, -INF, PI), (-0.0, -INF, -PI), (0.0, INF, 0.0), (-0.0, INF, -0.0),
    (-1.0, 0.0, -PIO2), (-1.0, -0.0, -PIO2), (1.0, 0.0, PIO2), (1.0, -0.0, PIO2),
    (1.0, -INF, PI), (-1.0, -INF, -PI), (1.0, INF, 0.0), (-1.0, INF, -0.0),
    (INF, 1.0, PIO2), (-INF, 1.0, -PIO2), (INF, -0.0, PIO2), (-INF, 0.0, -PIO2),
    (INF, -INF, 3 * PI / 4), (-INF, -INF, -3 * PI / 4), (INF, INF, PI / 4), (-INF, INF, -PI / 4),
    (NAN, 1.0, NAN), (1.0, NAN, NAN), (NAN, NAN, NAN), (INF, NAN, NAN),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_atan2_every_signed_zero_and_infinity_pair(backend, dtype):
    y = np.array([c[0] for c in ATAN2_SPECIALS], dtype=dtype)
    x = np.array([c[1] for c in ATAN2_SPECIALS], dtype=dtype)
    want = np.array([c[2] for c in ATAN2_SPECIALS], dtype=dtype)
    np.testing.assert_array_equal(np.arctan2(y, x), want)  # the table agrees with numpy (C99)
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        assert_same_values(rt_pandas.atan2(y, x), want)


# Input kinds, nulls, broadcasting, errors ----------------------------------------


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_input_kinds_keep_nulls_index_and_dtype(backend, name):
    function = FUNCTIONS[name][0]
    values = [0.25, None, -0.5, 0.75, None, 1.0]
    want = np.array([getattr(np, "arc" + name[1:] if name != "atan" else "arctan")(v) if v is not None
                     else np.nan for v in values])
    series = pd.Series(values, index=list("abcdef"), name="v")
    got = function(series)
    assert got.name == "v" and list(got.index) == list("abcdef")
    np.testing.assert_allclose(got.to_numpy(), want, rtol=1e-15)
    masked = function(pd.Series(values, dtype="Float64"))
    assert masked.dtype == "Float64" and masked.isna().tolist() == [v is None for v in values]
    arrow = function(pa.array(values))
    assert arrow.null_count == 2 and arrow.type == pa.float64()
    sliced = function(pa.array(values, pa.float32()).slice(1, 4))
    assert sliced.type == pa.float32() and sliced.is_null().to_pylist() == [True, False, False, True]
    np.testing.assert_allclose(sliced.to_numpy(zero_copy_only=False)[1:3], want[2:4].astype(np.float32), rtol=1e-7)
    chunked = function(pa.chunked_array([pa.array(values[:3]), pa.array(values[3:])]))
    assert chunked.num_chunks == 2 and chunked.null_count == 2
    integers = function(np.array([0, 1], dtype=np.int32))
    assert integers.dtype == np.float64
    float32 = function(pd.Series(np.array([0.5], dtype=np.float32)))
    assert float32.dtype == np.float32
    assert getattr(series.rt, name)().equals(got)


@pytest.mark.parametrize("bad", [pa.array(["a", "b"]), pd.Series(["x"]), np.array([[0.5]]), "text"])
def test_bad_inputs_raise_validation_error(backend, bad):
    with pytest.raises(ValidationError):
        rt_math.atan(bad)


def test_empty_and_all_null(backend):
    assert len(rt_math.asin(np.array([], dtype=np.float64))) == 0
    all_null = rt_math.acos(pa.array([None, None], pa.float64()))
    assert all_null.null_count == 2
    assert rt_math.atan(pd.Series([], dtype="float32")).dtype == np.float32


def test_atan2_broadcasting_and_kinds(backend):
    y = np.array([1.0, -2.0, 0.0, 3.0])
    x = np.array([1.0, 1.0, -1.0, -3.0])
    np.testing.assert_allclose(rt_pandas.atan2(y, x), np.arctan2(y, x), rtol=1e-15)
    np.testing.assert_allclose(rt_pandas.atan2(y, 2.0), np.arctan2(y, 2.0), rtol=1e-15)
    np.testing.assert_allclose(rt_pandas.atan2(-1.5, x), np.arctan2(-1.5, x), rtol=1e-15)
    series = pd.Series(y, index=list("wxyz"), name="dy")
    got = series.rt.atan2(pd.Series(x, index=list("wxyz")))
    assert got.name == "dy" and list(got.index) == list("wxyz")
    np.testing.assert_allclose(got.to_numpy(), np.arctan2(y, x), rtol=1e-15)
    arrow = rt_pandas.atan2(pa.array([1.0, None, 2.0]), pa.chunked_array([[1.0], [None, -1.0]]))
    assert arrow.to_pylist()[:2] == [pytest.approx(PI / 4), None]
    masked = rt_pandas.atan2(pd.Series([1.0, None], dtype="Float64"), pa.array([1.0, 2.0]))
    assert masked.dtype == "Float64" and masked.isna().tolist() == [False, True]
    assert rt_pandas.atan2(np.float32([1.0]), np.float32([1.0])).dtype == np.float32
    assert rt_pandas.atan2(np.float32([1.0]), np.float64([1.0])).dtype == np.float64
    assert rt_pandas.atan2(np.int64([1]), 1).dtype == np.float64


def test_atan2_errors(backend):
    with pytest.raises(ValidationError, match="rows"):
        rt_pandas.atan2(np.ones(3), np.ones(4))
    with pytest.raises(ValidationError, match="array"):
        rt_pandas.atan2(1.0, 2.0)
    with pytest.raises(ValidationError):
        rt_pandas.atan2(pa.array(["a"]), 1.0)


def test_large_sliced_arrow_every_level(backend):
    values = np.random.default_rng(5).uniform(-1.2, 1.2, 300_007)
    array = pa.array(values).slice(3, 300_000)
    with np.errstate(invalid="ignore"):
        want = np.arcsin(values[3:300_003])
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        got = rt_math.asin(array).to_numpy(zero_copy_only=False)
        np.testing.assert_allclose(got, want, rtol=2.3e-16, atol=0, equal_nan=True)


# erf and erfc ----------------------------------------------------------------------


def erf_points(rng, dtype) -> np.ndarray:
    tiny = 1e-310 if dtype == np.float64 else 1e-44
    n = N_POINTS // 4
    return np.concatenate([log_uniform(rng, n, tiny, 30.0), rng.uniform(-6.0, 6.0, n),
                           rng.uniform(0.45, 0.55, n // 2) * rng.choice([-1.0, 1.0], n // 2),
                           rng.uniform(-27.5, 27.5, n), rng.uniform(5.8, 6.2, n // 2)])


FUNCTIONS["erf"] = (rt_math.erf, mpmath.erf, erf_points)
FUNCTIONS["erfc"] = (rt_math.erfc, mpmath.erfc, erf_points)
ERF_LEVEL_CASES = [("erf", np.float64), ("erf", np.float32), ("erfc", np.float32), ("erfc", np.float64)]


@pytest.mark.parametrize("name,dtype", ERF_LEVEL_CASES)
def test_erf_accuracy_against_mpmath_every_level(backend, name, dtype):
    test_accuracy_against_mpmath_every_level(backend, name, dtype)


SPECIALS["erf"] = [(0.0, 0.0), (-0.0, -0.0), (INF, 1.0), (-INF, -1.0), (NAN, NAN), (30.0, 1.0), (-30.0, -1.0)]
SPECIALS["erfc"] = [(INF, 0.0), (-INF, 2.0), (0.0, 1.0), (-0.0, 1.0), (NAN, NAN), (30.0, 0.0), (-30.0, 2.0),
                    (28.0, 0.0)]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", ["erf", "erfc"])
def test_erf_special_values(backend, name, dtype):
    test_special_values(backend, name, dtype)


def test_erf_subnormal_in_and_out(backend):
    x = np.array([5e-324, -1e-310, 2.5e-308])
    want = np.array([float(mpmath.erf(mpmath.mpf(float(v)))) for v in x])
    np.testing.assert_array_equal(rt_math.erf(x), want)


def test_erf_kinds_nulls_and_out(backend):
    values = [0.25, None, -0.5, 3.0]
    got = pd.Series(values, index=list("abcd"), name="z").rt.erfc()
    assert got.name == "z" and got.isna().tolist() == [False, True, False, False]
    arrow = rt_math.erf(pa.chunked_array([pa.array(values[:2], pa.float32()), pa.array(values[2:], pa.float32())]))
    assert arrow.type == pa.float32() and arrow.null_count == 1
    out = np.empty(3)
    assert rt_math.erf(np.array([0.0, 1.0, 2.0]), out=out) is out
    np.testing.assert_allclose(out, [0.0, 0.8427007929497149, 0.9953222650189527], rtol=2e-16)
    with pytest.raises(ValidationError):
        rt_math.erf(np.ones(3), out=np.empty(2))
    with pytest.raises(ValidationError):
        rt_math.erfc(pa.array(["a"]))


# gamma and lgamma ------------------------------------------------------------------

LGAMMA_ZERO_ABS = 1e-15  # the bar next to lgamma's zeros at 1 and 2 (float64)
# Negative x has no bar in the issue; these are ours: gamma within 2 ulp everywhere, lgamma within
# 2 ulp or, next to its negative zeros (-2.457..., -2.747..., ...) where relative error is unbounded
# for any method, within an absolute 2 ulps of 1 (float64: 4.4e-16, float32: 2.4e-7).
GAMMA_BAR = 2.0


def gamma_points(rng, dtype) -> np.ndarray:
    """>= 100,000 points: log-uniform magnitudes of both signs over the whole domain, the poles'
    neighbourhoods, lgamma's zeros, the overflow edge, and (appended, so the others stay the same) the edges of
    lgamma's former half-octave pieces (still range edges); exact negative integers are left to the specials."""
    f64 = dtype == np.float64
    tiny, huge, edge = (1e-310, 1e306, 171.62) if f64 else (1e-44, 3e38, 35.04)
    n = N_POINTS // 7
    poles = -rng.integers(1, 60 if f64 else 30, n).astype(float)
    near_pole = poles + rng.choice([-1.0, 1.0], n) * log_uniform(rng, n, 1e-13 if f64 else 1e-5, 0.5, signed=False)
    near_zeros = np.concatenate([1.0 + log_uniform(rng, n // 2, 1e-17, 0.2), 2.0 + log_uniform(rng, n // 2, 1e-17, 0.2)])
    x = np.concatenate([
        log_uniform(rng, n, tiny, huge, signed=False), log_uniform(rng, n, tiny, 200.0),
        rng.uniform(0.0, 10.0, n), rng.uniform(-12.0, 0.0, n), near_pole, near_zeros,
        rng.uniform(edge - 2, edge + 2, n // 2), -log_uniform(rng, n // 2, 10.0, 2e15 if f64 else 1e7, signed=False),
        rng.uniform(-190.0 if f64 else -45.0, -10.0, n),
    ])
    # The former half-octave pieces on [8, 2048) (lgamma_fast's log subintervals 2^k (1 + j/16) are in
    # csrc/tests/test_math_special.c): each edge 2^k, 1.5 2^k within 1/64 of it, and the top unit.
    edges = np.array([b * m for b in 2.0 ** np.arange(3, 11) for m in (1.0, 1.5)] + [2048.0])
    x = np.concatenate([x, rng.choice(edges, n // 8) * (1 + rng.uniform(-1 / 64, 1 / 64, n // 8)),
                        rng.uniform(2046.0, 2048.5, n // 16)]).astype(dtype)
    return x[~((x <= 0) & (x == np.round(x)))]


@functools.lru_cache(maxsize=None)
def gamma_sweep(dtype) -> tuple[np.ndarray, tuple, tuple]:
    """Points, (hi, lo) of gamma and (hi, lo) of lgamma: one mpmath loggamma at 50 digits per point."""
    rng = np.random.default_rng(zlib.crc32(b"gamma"))
    with np.errstate(over="ignore", under="ignore"):
        x = gamma_points(rng, dtype)
    g_hi, g_lo, l_hi, l_lo = (np.zeros(len(x)) for _ in range(4))
    for i, v in enumerate(x):
        value = mpmath.loggamma(mpmath.mpf(float(v)))
        log_abs = mpmath.re(value)
        negative = int(mpmath.nint(mpmath.im(value) / mpmath.pi)) % 2 == 1  # log gamma(x) = log|.| + i k pi
        exact_gamma = (-1 if negative else 1) * mpmath.exp(log_abs)
        for hi, lo, exact in ((g_hi, g_lo, exact_gamma), (l_hi, l_lo, log_abs)):
            hi[i] = float(exact)
            if np.isfinite(hi[i]):
                lo[i] = float(exact - mpmath.mpf(hi[i]))
    return x, (g_hi, g_lo), (l_hi, l_lo)


def gamma_errors(name: str, dtype) -> dict:
    """ulp errors of every SIMD level (each asserted bit-identical to the scalar reference)."""
    x, gamma_exact, lgamma_exact = gamma_sweep(dtype)
    function, (hi, lo) = (rt_math.gamma, gamma_exact) if name == "gamma" else (rt_math.lgamma, lgamma_exact)
    with np.errstate(over="ignore"):
        overflow = np.isinf(hi.astype(dtype)) & np.isfinite(hi)  # exact values that round to +-inf in dtype
    hi, lo = np.where(overflow, hi.astype(dtype), hi), np.where(overflow, 0.0, lo)
    reference = None
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        got = function(x)
        assert got.dtype == dtype
        if reference is None:
            reference = got
        np.testing.assert_array_equal(got, reference, err_msg=f"{name} {level} differs from scalar")
    return {"x": x, "got": reference, "hi": hi, "ulp": ulp_errors(reference, hi, lo)}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gamma_accuracy_against_mpmath_every_level(backend, dtype):
    r = gamma_errors("gamma", dtype)
    assert len(r["x"]) >= N_POINTS
    worst = int(np.argmax(r["ulp"]))
    assert r["ulp"].max() <= GAMMA_BAR, f"{r['ulp'].max():.3f} ulp at x={r['x'][worst]!r}"


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_lgamma_accuracy_against_mpmath_every_level(backend, dtype):
    r = gamma_errors("lgamma", dtype)
    x, ulp = r["x"], r["ulp"]
    positive = x > 0
    worst = int(np.argmax(np.where(positive, ulp, 0)))
    assert ulp[positive].max() <= GAMMA_BAR, f"{ulp[worst]:.3f} ulp at x={x[worst]!r}"
    if dtype == np.float64:
        near_zeros = (np.abs(x - 1) < 0.2) | (np.abs(x - 2) < 0.2)
        absolute = np.abs(r["got"][near_zeros] - r["hi"][near_zeros])
        assert near_zeros.sum() > 10_000 and absolute.max() <= LGAMMA_ZERO_ABS
        # x <= -7.75 takes Stirling (double-double log) for lgamma(1 + y): relative accuracy even next to the
        # negative zeros there (measured 0.688 ulp; 7.4 through the former half-octave pieces' plain double).
        far = x <= -7.75
        assert far.sum() > 30_000 and ulp[far].max() <= 1.0, f"{ulp[far].max():.3f} ulp"
    # x < 0: 2 ulp, or 2 ulps of 1 in absolute terms next to lgamma's negative zeros.
    eps = float(np.finfo(dtype).eps)
    with np.errstate(invalid="ignore"):
        absolute = np.abs(r["got"].astype(np.float64) - r["hi"])
    bad = ~positive & (ulp > GAMMA_BAR) & ~(absolute <= 2 * eps)
    assert not bad.any(), f"x={x[bad][:5]!r}: {ulp[bad][:5]} ulp, {absolute[bad][:5]} absolute"


GAMMA_SPECIALS = {
    "gamma": [(0.0, INF), (-0.0, -INF), (INF, INF), (-INF, NAN), (NAN, NAN), (-1.0, NAN), (-2.0, NAN),
              (-171.0, NAN), (-1e300, NAN), (1.0, 1.0), (2.0, 1.0), (3.0, 2.0), (5.0, 24.0), (11.0, 3628800.0),
              (0.5, float(mpmath.sqrt(mpmath.pi))), (172.0, INF), (1e300, INF), (-200.5, -0.0), (-201.5, 0.0)],
    "lgamma": [(0.0, INF), (-0.0, INF), (INF, INF), (-INF, INF), (NAN, NAN), (-1.0, INF), (-3.0, INF),
               (-1e300, INF), (1.0, 0.0), (2.0, 0.0), (3.0, float(np.log(2.0))), (1e306, INF)],
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", ["gamma", "lgamma"])
def test_gamma_special_values(backend, name, dtype):
    function = rt_math.gamma if name == "gamma" else rt_math.lgamma
    with np.errstate(over="ignore", under="ignore"):
        x = np.array([p[0] for p in GAMMA_SPECIALS[name]], dtype=dtype)
        want = np.array([p[1] for p in GAMMA_SPECIALS[name]], dtype=dtype)
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        assert_same_values(function(x), want)


def test_gamma_overflow_edges_and_subnormals(backend):
    # float64 gamma overflows between 171.6243769 and 171.6243770, float32 between 35.0400 and 35.0401.
    assert np.isfinite(rt_math.gamma(np.array([171.6243769]))[0]) and rt_math.gamma(np.array([171.624377]))[0] == INF
    assert np.isfinite(rt_math.gamma(np.float32([35.04]))[0]) and rt_math.gamma(np.float32([35.0401]))[0] == INF
    # Subnormal in: gamma(x) = 1/x - euler... overflows for x below 1/DBL_MAX; lgamma(x) = -log x.
    x = np.array([5e-324, 1e-310, -1e-310, 3e-308])
    assert rt_math.gamma(x)[:3].tolist() == [INF, INF, -INF]
    np.testing.assert_allclose(rt_math.gamma(x[3:]), [1 / 3e-308], rtol=2.3e-16)
    np.testing.assert_array_equal(rt_math.lgamma(x), [float(-mpmath.log(mpmath.mpf(float(v)) if v > 0 else -mpmath.mpf(float(v))))
                                                     for v in x])
    # Subnormal out: gamma of large negative non-integers (and float32 below -38.5).
    want = [float(mpmath.gamma(mpmath.mpf(v))) for v in (-177.5, -178.25)]
    got = rt_math.gamma(np.array([-177.5, -178.25]))
    assert 0 < abs(got[0]) < 2.2e-308 and got.tolist() == want
    small32 = rt_math.gamma(np.float32([-38.5]))
    assert 0 < abs(small32[0]) < np.finfo(np.float32).tiny and small32[0] == np.float32(mpmath.gamma(-38.5))


def test_gamma_kinds_nulls_and_out(backend):
    values = [0.5, None, 4.0, -2.5]
    got = pd.Series(values, index=list("abcd"), name="g").rt.gamma()
    assert got.name == "g" and list(got.index) == list("abcd") and got.isna().tolist() == [False, True, False, False]
    np.testing.assert_allclose(got.dropna().to_numpy(), [np.sqrt(np.pi), 6.0, -0.9453087204829419], rtol=2.3e-16)
    masked = pd.Series(values, dtype="Float64").rt.lgamma()
    assert masked.dtype == "Float64" and masked.isna().tolist() == [False, True, False, False]
    chunked = rt_math.lgamma(pa.chunked_array([pa.array(values[:2], pa.float32()), pa.array(values[2:], pa.float32())]))
    assert chunked.type == pa.float32() and chunked.null_count == 1 and chunked.num_chunks == 2
    sliced = rt_math.gamma(pa.array(values).slice(2, 2))
    assert sliced.to_pylist() == [pytest.approx(6.0, rel=2.3e-16), pytest.approx(-0.9453087204829419, rel=2.3e-16)]
    assert rt_math.gamma(np.array([3, 4], dtype=np.int16)).tolist() == [2.0, 6.0]
    assert len(rt_math.lgamma(np.array([], dtype=np.float32))) == 0
    assert rt_math.gamma(pa.array([None, None], pa.float64())).null_count == 2
    out = np.empty(2)
    assert rt_math.lgamma(np.array([1.0, 3.0]), out=out) is out and out[0] == 0.0
    with pytest.raises(ValidationError):
        rt_math.gamma(np.ones(3), out=np.empty(3, dtype=np.float32))
    with pytest.raises(ValidationError):
        rt_math.lgamma(pa.array(["a"]))
    with pytest.raises(ValidationError):
        rt_math.gamma(np.ones((2, 2)))


def test_gamma_large_sliced_arrow_every_level(backend):
    values = np.random.default_rng(11).uniform(-30.0, 60.0, 100_003)
    array = pa.array(values).slice(3, 100_000)
    want = scipy_special.gamma(values[3:100_003])
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        got = rt_math.gamma(array).to_numpy(zero_copy_only=False)
        np.testing.assert_allclose(got, want, rtol=1e-14)
