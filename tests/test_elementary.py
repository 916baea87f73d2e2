"""Elementary functions: accuracy against mpmath and long double libm, Annex F
special values, every SIMD variant against the scalar reference, input kinds,
nulls, bad input and threads; on both backends."""

from __future__ import annotations

import os
import sys
import zlib
from pathlib import Path

import mpmath
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import rt_pandas
from rt_pandas import ValidationError
from rt_pandas import math as rtm

sys.path.insert(0, str(Path(__file__).resolve().parent))  # pytest runs with --import-mode=importlib
from ulps import ulp_distance  # noqa: E402

mpmath.mp.dps = 50

# name: (mpmath function, log10 magnitude range f64, f32, signs: True both, False positive, None x > -1)
FUNCTIONS = {
    "exp": (mpmath.exp, (-300, 2.872), (-40, 1.947), True),
    "expm1": (mpmath.expm1, (-300, 2.85), (-40, 1.947), True),
    "log": (mpmath.log, (-320, 308), (-44, 38), False),
    "log1p": (mpmath.log1p, (-300, 308), (-40, 38), None),
    "sinh": (mpmath.sinh, (-300, 2.8515), (-40, 1.951), True),
    "cosh": (mpmath.cosh, (-300, 2.8515), (-40, 1.951), True),
    "tanh": (mpmath.tanh, (-300, 1.4), (-40, 1.1), True),
    "asin": (mpmath.asin, (-300, 0.0), (-40, 0.0), True),
    "acos": (mpmath.acos, (-300, 0.0), (-40, 0.0), True),
    "atan": (mpmath.atan, (-300, 300), (-40, 38), True),
}
LONGDOUBLE = {"exp": np.exp, "expm1": np.expm1, "log": np.log, "log1p": np.log1p, "sinh": np.sinh,
              "cosh": np.cosh, "tanh": np.tanh, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan}
HAVE_LONGDOUBLE = np.finfo(np.longdouble).nmant >= 63


def sample(name: str, dtype, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    _, r64, r32, signs = FUNCTIONS[name]
    lo, hi = r64 if dtype == np.float64 else r32
    x = 10.0 ** rng.uniform(lo, hi, n)
    if signs is None:
        x = np.where(rng.random(n) < 0.3, -rng.random(n), x)
    elif signs:
        x = np.where(rng.random(n) < 0.5, -x, x)
    if name in ("asin", "acos"):  # the edges near +-1
        k = n // 10
        x[:k] = np.copysign(1 - 10.0 ** rng.uniform(-16, -1, k), rng.random(k) - 0.5)
    return x.astype(dtype)


def ulp_of(want: np.ndarray, dtype) -> np.ndarray:
    finfo = np.finfo(dtype)
    exponent = np.floor(np.log2(np.maximum(np.abs(want), finfo.tiny)))
    return np.exp2(exponent - finfo.nmant)


def mp_reference(name: str, x: np.ndarray) -> np.ndarray:
    """Exact values (50 digits) as float64 plus the float64 residual, for a ULP error in float64 or float32."""
    fn = FUNCTIONS[name][0]
    hi = np.empty(len(x))
    lo = np.empty(len(x))
    for i, xi in enumerate(x.tolist()):
        exact = fn(mpmath.mpf(xi))
        hi[i] = float(exact)
        lo[i] = float(exact - mpmath.mpf(hi[i])) if mpmath.isfinite(exact) and abs(hi[i]) != np.inf else 0.0
    return hi, lo


def max_ulp(got: np.ndarray, hi: np.ndarray, lo: np.ndarray) -> float:
    finite = np.isfinite(hi) & (np.abs(hi.astype(got.dtype)) < np.finfo(got.dtype).max)
    err = np.abs((got[finite].astype(np.float64) - hi[finite]) - lo[finite]) / ulp_of(hi[finite], got.dtype)
    # Where the exact value overflows the type, the result must be the rounded (infinite) value.
    assert np.array_equal(got[~finite], hi[~finite].astype(got.dtype), equal_nan=True)
    return float(err.max()) if err.size else 0.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_within_one_ulp_of_mpmath(backend, name, dtype):
    x = sample(name, dtype, 3000, seed=zlib.crc32(name.encode()))
    hi, lo = mp_reference(name, x)
    got = getattr(rtm, name)(x)
    assert got.dtype == dtype
    assert max_ulp(got, hi, lo) <= 1.0


@pytest.mark.skipif(not HAVE_LONGDOUBLE, reason="needs 80-bit long double")
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_100k_points_every_simd_level(name):
    """100,000 points per dtype against long double libm (2^11 finer than a double ULP)."""
    for dtype in (np.float64, np.float32):
        x = sample(name, dtype, 100_000, seed=7)
        with np.errstate(all="ignore"):
            want = LONGDOUBLE[name](x.astype(np.longdouble))
        rt_pandas.force_simd("scalar")
        reference = getattr(rtm, name)(x)
        with np.errstate(over="ignore"):
            hi = want.astype(np.float64)
        lo = (want - hi.astype(np.longdouble)).astype(np.float64)
        lo[~np.isfinite(hi)] = 0.0
        assert max_ulp(reference, hi, lo) <= 1.0
        for level in rt_pandas.simd_levels():
            rt_pandas.force_simd(level)
            assert np.array_equal(getattr(rtm, name)(x), reference, equal_nan=True), level
        rt_pandas.force_simd(None)


def test_atan2_accuracy_and_simd_levels(backend):
    rng = np.random.default_rng(3)
    y = np.copysign(10.0 ** rng.uniform(-30, 30, 3000), rng.random(3000) - 0.5)
    x = np.copysign(10.0 ** rng.uniform(-30, 30, 3000), rng.random(3000) - 0.5)
    hi = np.empty(len(x))
    lo = np.empty(len(x))
    for i, (yi, xi) in enumerate(zip(y.tolist(), x.tolist())):
        exact = mpmath.atan2(yi, xi)
        hi[i] = float(exact)
        lo[i] = float(exact - mpmath.mpf(hi[i]))
    rt_pandas.force_simd("scalar")
    reference = rtm.atan2(y, x)
    assert max_ulp(reference, hi, lo) <= 1.0
    assert max_ulp(rtm.atan2(y.astype(np.float32), x.astype(np.float32)),
                   *_mp_atan2_f32(y.astype(np.float32), x.astype(np.float32))) <= 1.0
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        assert np.array_equal(rtm.atan2(y, x), reference)


def _same_bits(got, want):
    """Equal bit patterns, any NaN equal to any NaN (payloads are not specified)."""
    nan = np.isnan(want)
    return np.array_equal(np.isnan(got), nan) and np.array_equal(got.view(np.uint32)[~nan],
                                                                  want.view(np.uint32)[~nan])


# float32 kernels evaluated with vf_mla (csrc/math/vec32.h: fused natively, two roundings in wasm),
# as FMA_EVALUATED_FLOAT32 in tests/test_wasm_parity.py: the wasm backend gives its own scalar
# reference's bits at every level, within 1 ULP of the native one.
FMA_EVALUATED_F32 = {"asin", "acos", "atan", "atan2", "exp", "expm1", "pow"}


def test_float32_bit_patterns_match_the_native_scalar_reference(backend):
    """Random float32 bit patterns (every exponent, subnormals, infinities, NaNs) through the
    float-lane kernels whose exact products use an FMA on x86 and Dekker's splitting in the scalar
    reference and wasm: every SIMD level of either backend gives the native scalar reference's bits
    (FMA_EVALUATED_F32 in wasm: the wasm scalar reference's, within 1 ULP of the native one)."""
    rng = np.random.default_rng(17)
    y, x = rng.integers(0, 2**32, (2, 50_000), dtype=np.uint64).astype(np.uint32).view(np.float32)
    calls = {"asin": lambda: rtm.asin(x), "acos": lambda: rtm.acos(x), "atan": lambda: rtm.atan(x),
             "atan2": lambda: rtm.atan2(y, x), "pow": lambda: rtm.pow(np.abs(x), y),
             "pow_scalar": lambda: rtm.pow(x, 2.5), "exp": lambda: rtm.exp(x), "expm1": lambda: rtm.expm1(x)}
    rt_pandas.set_backend("native")
    rt_pandas.force_simd("scalar")
    reference = {name: call() for name, call in calls.items()}
    rt_pandas.set_backend(backend)
    if backend == "wasm":
        rt_pandas.force_simd("scalar")
        for name in FMA_EVALUATED_F32:
            unfused = calls[name]()
            assert ulp_distance(unfused, reference[name]).max() <= 1, name
            reference[name] = unfused
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        for name, call in calls.items():
            assert _same_bits(call(), reference[name]), (name, level)


def _near(points, width, n, rng):
    """n points within a relative `width` of each of `points`, both signs."""
    centres = np.repeat(np.asarray(points, dtype=np.float64), n)
    x = centres * (1 + rng.uniform(-width, width, len(centres)))
    return np.where(rng.random(len(x)) < 0.5, -x, x)


# float64 asin/acos switch to s = sqrt((1 - |x|) / 2) above 1/2; atan/atan2 change their centre k/8 at
# t = a/b ~ (k + 1/2) / (8 K), K = 0.936 (ATAN8_SCALE; the estimate of 1/b moves each switch by up to
# 0.11%, inside the +-1% around them), and reflect at 1 (docs/math.md).
ATAN_SWITCHES = [(k + 0.5) / (8 * 0.936) for k in range(7)] + [1.0]
# The analysed ULP bounds of docs/math.md ("float64 asin, acos, atan, atan2: error bound"): asin and
# acos 0.84 since their polynomial has 12 terms (0.72 with 13), atan and atan2 0.56.
FLOAT64_INVERSE_TRIG_BOUND = {"asin": 0.84, "acos": 0.84, "atan": 0.56, "atan2": 0.56}


def test_float64_reduction_switches(backend):
    """asin, acos, atan, atan2 next to where their reductions change (where the error bound is
    largest: docs/math.md), against mpmath: within the documented bounds (FLOAT64_INVERSE_TRIG_BOUND),
    and every SIMD level identical."""
    rng = np.random.default_rng(11)
    cases = {
        "asin": _near([0.5, 0.25, 1.0], 0.02, 1500, rng),
        "acos": _near([0.5, 0.25, 1.0], 0.02, 1500, rng),
        "atan": _near(ATAN_SWITCHES + [1 / t for t in ATAN_SWITCHES], 0.01, 500, rng),
    }
    cases["asin"], cases["acos"] = (np.clip(v, -1, 1) for v in (cases["asin"], cases["acos"]))
    for name, x in cases.items():
        hi, lo = mp_reference(name, x)
        rt_pandas.force_simd("scalar")
        reference = getattr(rtm, name)(x)
        assert max_ulp(reference, hi, lo) <= FLOAT64_INVERSE_TRIG_BOUND[name], name
        for level in rt_pandas.simd_levels():
            rt_pandas.force_simd(level)
            assert np.array_equal(getattr(rtm, name)(x), reference), (name, level)
    # atan2: the same ratios at magnitudes that take the scaled (huge, tiny) and direct paths.
    ratio = np.abs(_near(ATAN_SWITCHES, 0.01, 400, rng))
    x = np.copysign(10.0 ** rng.choice([-305.0, -200.0, 0.0, 200.0, 307.0], len(ratio)), rng.random(len(ratio)) - 0.5)
    y = np.copysign(ratio * np.abs(x), rng.random(len(ratio)) - 0.5)
    swap = rng.random(len(x)) < 0.5
    x, y = np.where(swap, y, x), np.where(swap, x, y)
    hi, lo = np.empty(len(x)), np.empty(len(x))
    for i, (yi, xi) in enumerate(zip(y.tolist(), x.tolist())):
        exact = mpmath.atan2(yi, xi)
        hi[i], lo[i] = float(exact), float(exact - mpmath.mpf(float(exact)))
    rt_pandas.force_simd("scalar")
    reference = rtm.atan2(y, x)
    assert max_ulp(reference, hi, lo) <= FLOAT64_INVERSE_TRIG_BOUND["atan2"]
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        assert np.array_equal(rtm.atan2(y, x), reference), level
    rt_pandas.force_simd(None)


def _mp_atan2_f32(y, x):
    hi = np.empty(len(x))
    lo = np.empty(len(x))
    for i, (yi, xi) in enumerate(zip(y.tolist(), x.tolist())):
        exact = mpmath.atan2(yi, xi)
        hi[i] = float(exact)
        lo[i] = float(exact - mpmath.mpf(hi[i]))
    return hi, lo


INF, NAN, PI = np.inf, np.nan, np.pi
SPECIAL = {
    "exp": [(-0.0, 1.0), (INF, INF), (-INF, 0.0), (710.0, INF), (-746.0, 0.0), (-745.0, 5e-324)],
    "expm1": [(-0.0, -0.0), (INF, INF), (-INF, -1.0), (5e-324, 5e-324)],
    "log": [(0.0, -INF), (-0.0, -INF), (-1.0, NAN), (INF, INF), (-INF, NAN), (1.0, 0.0), (5e-324, -744.4400719213812)],
    "log1p": [(-0.0, -0.0), (-1.0, -INF), (-2.0, NAN), (INF, INF), (5e-324, 5e-324)],
    "sinh": [(-0.0, -0.0), (INF, INF), (-INF, -INF), (711.0, INF), (5e-324, 5e-324)],
    "cosh": [(-0.0, 1.0), (INF, INF), (-INF, INF), (-711.0, INF)],
    "tanh": [(-0.0, -0.0), (INF, 1.0), (-INF, -1.0), (-5e-324, -5e-324)],
    "asin": [(-0.0, -0.0), (1.0, PI / 2), (-1.0, -PI / 2), (1.0000000000000002, NAN), (INF, NAN), (-5e-324, -5e-324)],
    "acos": [(1.0, 0.0), (-1.0, PI), (-0.0, PI / 2), (-1.0000000000000002, NAN), (-INF, NAN)],
    "atan": [(-0.0, -0.0), (INF, PI / 2), (-INF, -PI / 2), (5e-324, 5e-324)],
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(SPECIAL))
def test_annex_f_special_values(backend, name, dtype):
    x = np.array([a for a, _ in SPECIAL[name]] + [NAN], dtype=np.float64)
    want = np.array([b for _, b in SPECIAL[name]] + [NAN], dtype=np.float64)
    keep = (x.astype(dtype) == x) | np.isnan(x)  # points that are exact in float32 too
    x, want = x[keep].astype(dtype), want[keep].astype(dtype)
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        got = getattr(rtm, name)(x)
        assert np.array_equal(got, want, equal_nan=True), (level, got, want)
        assert np.array_equal(np.signbit(got), np.signbit(want)), level


def test_float64_asin_nan_sign_outside(backend):
    """float64 asin outside [-1, 1] is the square root's NaN with the sign of x (docs/math.md), at
    every SIMD level (float32 asin and acos give +NaN, float64 acos a NaN of either sign)."""
    x = np.array([-INF, -2.0, -1.0000000000000002, 1.0000000000000002, 2.0, INF])
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        got = rtm.asin(x)
        assert np.isnan(got).all(), level
        assert np.array_equal(np.signbit(got), x < 0), level


def test_atan2_signed_zeros_and_infinities(backend):
    pairs = [(0.0, 0.0, 0.0), (-0.0, 0.0, -0.0), (0.0, -0.0, PI), (-0.0, -0.0, -PI), (0.0, -1.0, PI),
             (-0.0, -1.0, -PI), (-0.0, 1.0, -0.0), (1.0, 0.0, PI / 2), (-1.0, -0.0, -PI / 2),
             (1.0, -INF, PI), (-1.0, -INF, -PI), (-1.0, INF, -0.0), (INF, 3.0, PI / 2), (-INF, -3.0, -PI / 2),
             (INF, INF, PI / 4), (-INF, INF, -PI / 4), (INF, -INF, 3 * PI / 4), (-INF, -INF, -3 * PI / 4),
             (NAN, 1.0, NAN), (1.0, NAN, NAN), (INF, NAN, NAN)]
    y, x, want = (np.array(col) for col in zip(*pairs))
    for dtype in (np.float32, np.float64):
        for level in rt_pandas.simd_levels():
            rt_pandas.force_simd(level)
            got = rtm.atan2(y.astype(dtype), x.astype(dtype))
            assert np.array_equal(got, want.astype(dtype), equal_nan=True)
            assert np.array_equal(np.signbit(got), np.signbit(want.astype(dtype)))


@pytest.mark.filterwarnings("ignore:overflow encountered")
def test_float32_overflow_and_subnormals(backend):
    x = np.array([88.72, 88.73, -103.0, -104.0, 1e-45], dtype=np.float32)
    assert np.array_equal(rtm.exp(x), np.exp(x.astype(np.float64)).astype(np.float32))
    s = np.array([89.41, 89.42, 1e-45], dtype=np.float32)
    assert np.array_equal(rtm.sinh(s), np.sinh(s.astype(np.float64)).astype(np.float32))


def test_float32_log_and_log1p_range_ends(backend):
    """log of subnormals (scaled by 2^23 in a rare branch) and of the largest floats; log1p where 1 + x has
    exponent 127 or 128 (its correction's 2^-k is no longer a normal float) and next to -1 and 0."""
    x = np.array([1e-45, 3e-42, 1.1754942e-38, 1.1754944e-38, 1.7e38, 2.4e38, 3.4028235e38], dtype=np.float32)
    z = np.array([1.7e38, 2.4e38, 3.4028235e38, -0.99999994, -0.5, -1e-30, 1e-30, 1e-7], dtype=np.float32)
    for got, want in ((rtm.log(x), np.log(x.astype(np.float64))), (rtm.log1p(z), np.log1p(z.astype(np.float64)))):
        assert np.all(np.abs(got.astype(np.float64) - want) <= ulp_of(want, np.float32)), (got, want)



# float32 atan changes region at |x| ~ 0.6016 and ~1.797 (a + a > b + 13/64) and gives 1/2 at
# 0.5463 (the result's ULP halves below it); atan2 changes region at a quotient of 0.6015625 and its
# inverse (docs/math.md).
ATAN32_POINTS = [0.5463025, 0.6015625, 0.60156, 1.796875, 1.5544, 2.0]
ATAN2_32_QUOTIENTS = [0.5, 0.5463025, 0.6015625, 1.6623377, 2.0, 1.0]


def test_float32_atan_and_atan2_region_switches(backend):
    """float32 atan next to its region switches and the result 1/2, atan2 next to its region switch
    (a quotient of 0.6015625), 1/2 and their inverses, over a spread of scales and every sign: within 1 ULP of mpmath, and every SIMD
    level gives the scalar reference's bits."""
    rng = np.random.default_rng(23)
    x = _near(ATAN32_POINTS, 0.01, 150, rng).astype(np.float32)
    q = np.abs(_near(ATAN2_32_QUOTIENTS, 0.01, 120, rng))
    xs = np.copysign(10.0 ** rng.uniform(-20, 20, len(q)), rng.random(len(q)) - 0.5).astype(np.float32)
    ys = np.copysign(q * np.abs(xs.astype(np.float64)), rng.random(len(q)) - 0.5).astype(np.float32)
    rt_pandas.force_simd("scalar")
    atan_ref, atan2_ref = rtm.atan(x), rtm.atan2(ys, xs)
    assert max_ulp(atan_ref, *mp_reference("atan", x)) <= 1.0
    assert max_ulp(atan2_ref, *_mp_atan2_f32(ys, xs)) <= 1.0
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        assert _same_bits(rtm.atan(x), atan_ref) and _same_bits(rtm.atan2(ys, xs), atan2_ref), level
    rt_pandas.force_simd(None)

def test_kinds_dtypes_and_nulls(backend):
    s = pd.Series([0.5, None, -0.25], index=["a", "b", "c"], name="v")
    got = s.rt.asin()
    assert list(got.index) == ["a", "b", "c"] and got.name == "v"
    np.testing.assert_allclose(got.to_numpy()[[0, 2]], np.arcsin([0.5, -0.25]), rtol=1e-15)
    assert np.isnan(got.iloc[1])
    masked = pd.Series([1, None, 3], dtype="Int64").rt.tanh()
    assert str(masked.dtype) == "Float64" and masked.isna().tolist() == [False, True, False]
    assert rtm.sinh(np.array([1, 2], dtype=np.int32)).dtype == np.float64
    assert rtm.sinh(np.array([1, 2], dtype=np.float32)).dtype == np.float32
    half = np.array([0.5, -1.0, 65504.0, np.nan], dtype=np.float16)  # float16 is read exactly as float32
    for got in (rtm.sinh(half), rtm.sinh(pa.array(half)).to_numpy(zero_copy_only=False)):
        assert got.dtype == np.float32
        np.testing.assert_array_equal(got, rtm.sinh(half.astype(np.float32)))
    assert pd.Series(half).rt.erf().dtype == np.float32
    sliced = pa.array([9.0, 1.0, None, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, None, 0.5]).slice(1, 9)
    out = rtm.atan(sliced)
    assert out.null_count == 2 and out.is_null().to_pylist() == sliced.is_null().to_pylist()
    np.testing.assert_allclose(out.to_numpy(zero_copy_only=False), np.arctan(sliced.to_numpy(zero_copy_only=False)))
    chunked = pa.chunked_array([[1.0, None], [], [3.0]])
    out = rtm.log(chunked)
    assert isinstance(out, pa.ChunkedArray) and out.to_pylist() == [0.0, None, np.log(3.0)]
    assert len(rtm.exp(np.array([], dtype=np.float64))) == 0
    all_null = rtm.cosh(pa.array([None, None], type=pa.float64()))
    assert all_null.null_count == 2
    arrow_series = pd.Series(pa.array([1.0, None]), dtype=pd.ArrowDtype(pa.float64())).rt.exp()
    assert arrow_series.isna().tolist() == [False, True]


def test_bad_input_is_a_validation_error(backend):
    with pytest.raises(ValidationError):
        rtm.sinh(pa.array(["a", "b"]))
    with pytest.raises(ValidationError):
        rtm.sinh(np.ones((2, 2)))
    with pytest.raises(ValidationError):
        rtm.atan2(np.ones(3), np.ones(4))
    with pytest.raises(ValidationError):
        rtm.atan2(1.0, 2.0)
    with pytest.raises(AttributeError):
        pd.Series(["x"], dtype=object).rt.no_such_function()


def test_atan2_broadcasting_and_null_union(backend):
    y = pd.Series([1.0, None, -1.0, 2.0], name="y")
    x = pa.array([1.0, 1.0, None, 0.0])
    got = rt_pandas.atan2(y, x)
    assert got.name == "y" and got.isna().tolist() == [False, True, True, False]
    assert got.iloc[0] == np.arctan2(1.0, 1.0) and got.iloc[3] == np.pi / 2
    assert np.array_equal(rtm.atan2(np.array([1.0, -1.0]), -1.0), np.arctan2([1.0, -1.0], -1.0))
    assert np.array_equal(rtm.atan2(2.0, np.array([1.0, -1.0])), np.arctan2(2.0, [1.0, -1.0]))
    out32 = rtm.atan2(np.float32([1, 2]), np.float32([3, 4]))
    assert out32.dtype == np.float32
    masked = pd.Series([1.0, None], dtype="Float64").rt.atan2(pd.Series([None, 1.0], dtype="Float64"))
    assert masked.isna().tolist() == [True, True]
    chunked = rtm.atan2(pa.chunked_array([[1.0], [None, 3.0]]), np.array([1.0, 1.0, 1.0]))
    assert chunked.to_pylist()[1] is None


def test_threads_give_the_same_bits():
    x = np.linspace(-30, 30, 300_001)
    rt_pandas.set_num_threads(1)
    try:
        one = rtm.tanh(x)
        y1 = rtm.atan2(x, 1.5)
        rt_pandas.set_num_threads(2)
        assert np.array_equal(rtm.tanh(x), one)
        assert np.array_equal(rtm.atan2(x, 1.5), y1)
    finally:
        rt_pandas.set_num_threads(None)
    for bad in (0, -1, 10**9, 2.0, True):
        with pytest.raises(ValidationError, match="number of threads"):
            rt_pandas.set_num_threads(bad)
    assert rt_pandas.get_num_threads() == (os.cpu_count() or 1)  # a rejected value changes nothing


@pytest.mark.skipif(not HAVE_LONGDOUBLE, reason="needs 80-bit long double")
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_float32_random_bit_patterns(name):
    """float32 over its whole range: random bit patterns (every exponent equally likely, subnormals
    included) plus uniform points where the function is not flat, against long double libm."""
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    x = rng.integers(0, 2**32, 100_000, dtype=np.uint64).astype(np.uint32).view(np.float32)
    x = np.concatenate([x, (rng.random(50_000) * 2 - 1).astype(np.float32) * {"tanh": 10, "asin": 1, "acos": 1}.get(
        name, 100)])
    with np.errstate(all="ignore"):
        want = LONGDOUBLE[name](x.astype(np.longdouble))
        rounded = want.astype(np.float32)
    got = getattr(rtm, name)(x)
    exact = ~np.isfinite(rounded) | np.isnan(x)
    assert np.array_equal(got[exact], rounded[exact], equal_nan=True)
    magnitude = np.maximum(np.abs(want[~exact]), np.longdouble(2.0**-126))
    ulp = np.exp2(np.floor(np.log2(magnitude)) - 23)
    assert float((np.abs(got[~exact].astype(np.longdouble) - want[~exact]) / ulp).max()) <= 1.0
    rt_pandas.force_simd("scalar")
    try:
        reference = getattr(rtm, name)(x)
        for level in rt_pandas.simd_levels():
            rt_pandas.force_simd(level)
            assert np.array_equal(getattr(rtm, name)(x), reference, equal_nan=True), level
    finally:
        rt_pandas.force_simd(None)
