"""pow: accuracy against mpmath and long double powl, C99 Annex F special
values (F.9.4.4), every SIMD variant against the scalar reference, broadcasting,
input kinds, nulls, out= and bad input; on both backends."""

from __future__ import annotations

import functools

import mpmath
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import rt_pandas
from rt_pandas import ValidationError
from rt_pandas import math as rtm

mpmath.mp.dps = 50
INF, NAN = np.inf, np.nan
HAVE_LONGDOUBLE = np.finfo(np.longdouble).nmant >= 63


def sample(dtype, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Bases over the whole positive and negative range, exponents that send x**y
    across the whole result range (overflow, subnormals and underflow included)."""
    rng = np.random.default_rng(seed)
    finfo = np.finfo(dtype)
    top = np.log(float(finfo.max))
    x = 10.0 ** rng.uniform(np.log10(float(finfo.smallest_subnormal)), np.log10(float(finfo.max)), n)
    near_one = rng.random(n) < 0.3  # bases near 1 with large exponents
    x = np.where(near_one, 1 + rng.uniform(-1, 1, n) * 10.0 ** rng.uniform(-7, -1, n), x)
    x = np.where(rng.random(n) < 0.2, -x, x)
    log_x = np.log(np.abs(x))
    target = rng.uniform(-1.1, 1.05, n) * (top + 30)  # y * log|x| up to a bit past over/underflow
    y = np.where(log_x != 0, target / np.where(log_x != 0, log_x, 1), rng.uniform(-10, 10, n))
    y = np.where(rng.random(n) < 0.1, rng.uniform(-20, 20, n), y)
    integral = rng.random(n) < 0.3  # negative bases need integer exponents for a real result
    y = np.where(integral, np.round(y), y)
    x, y = x.astype(dtype), y.astype(dtype)
    return x, np.where(np.isfinite(y), y, 1.0).astype(dtype)


def ulp_error(got: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """|got - x**y| in ULPs of the exact value (mpmath, 50 digits); 0 where both are the same inf/NaN/0."""
    dtype = got.dtype
    finfo = np.finfo(dtype)
    errors = np.zeros(len(got))
    for i, (xi, yi, gi) in enumerate(zip(x.tolist(), y.tolist(), got.tolist())):
        if xi < 0 and yi != int(yi):
            errors[i] = 0.0 if np.isnan(gi) else np.inf
            continue
        exact = mpmath.power(mpmath.mpf(xi), mpmath.mpf(yi))
        if exact == 0:
            errors[i] = 0.0 if gi == 0 else np.inf
            continue
        e = int(mpmath.floor(mpmath.log(abs(exact), 2)))
        if e > finfo.maxexp - 1:  # beyond the largest finite value: it must round to that or overflow
            with np.errstate(over="ignore"):
                rounded = np.array(float(exact)).astype(dtype) if abs(exact) < 2 ** 1024 else np.inf
            errors[i] = 0.0 if gi == rounded or np.isinf(gi) and np.isinf(rounded) else np.inf
            continue
        ulp = mpmath.mpf(2) ** max(e - finfo.nmant, finfo.minexp - finfo.nmant)
        errors[i] = float(abs(mpmath.mpf(gi) - exact) / ulp)
    return errors


@functools.lru_cache(maxsize=None)
def mp_case(dtype_name: str):
    dtype = np.dtype(dtype_name)
    x, y = sample(dtype, 3000, seed=11 if dtype == np.float64 else 12)
    return x, y


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_within_one_ulp_of_mpmath_every_level(backend, dtype):
    x, y = mp_case(dtype)
    rt_pandas.force_simd("scalar")
    reference = rtm.pow(x, y)
    assert reference.dtype == dtype
    assert ulp_error(reference, x, y).max() <= 1.0
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        assert np.array_equal(rtm.pow(x, y), reference, equal_nan=True), level


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_scalar_exponent_within_one_ulp(backend, dtype):
    rng = np.random.default_rng(5)
    x = (10.0 ** rng.uniform(-30, 30, 1000)).astype(dtype)
    for y in (2.5, -1.75, 0.5, 3.0, -2.0, 1e-3, 77.25):
        got = rtm.pow(x, y)
        assert got.dtype == dtype
        y_typed = np.full(len(x), y, dtype=dtype)
        assert ulp_error(got, x, y_typed).max() <= 1.0, y
        assert np.array_equal(got, rtm.pow(x, y_typed), equal_nan=True)


SMALL_EXPONENTS = (0.5, -0.5, 1.0, -1.0, 1.5, 2.0, -2.0, 2.5, -2.5, 3.0, -3.0, 4.0, 7.5, -16.0, 31.5, -32.0)
FINITE_EDGES = [1.0, -1.0, -2.0, 5e-324, 1e-45, 1.7e308, -1.7e308, 3.4e38, -3.4e38, 2.0**-960, 2.0**960]


def annex_f_edge(x: float, y: float) -> float:
    """pow(x, y) for x in {+-0, +-inf, NaN} and a finite y != 0 (C99 F.9.4.4)."""
    if np.isnan(x):
        return NAN
    odd = y == int(y) and int(y) % 2 == 1
    big = (x == 0) == (y < 0)  # 0 to a negative power and inf to a positive one
    r = INF if big else 0.0
    return np.copysign(r, x) if odd else r


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_small_half_integer_exponents(backend, dtype):
    """y = +-k/2 with k <= 64 takes the product path (docs/math.md): within 1 ULP of mpmath from
    underflow to overflow, negative bases, the Annex F edges, the same bits at every level, and the
    same bits through an array exponent that mixes small and general exponents."""
    rng = np.random.default_rng(8)
    dtype = np.dtype(dtype).type
    finfo = np.finfo(dtype)
    span = np.log2(float(finfo.max))
    with np.errstate(over="ignore"):
        finite_edges = np.array(FINITE_EDGES).astype(dtype)
    finite_edges = finite_edges[np.isfinite(finite_edges) & (finite_edges != 0)]
    specials = np.array([0.0, -0.0, INF, -INF, NAN], dtype=dtype)
    for y in SMALL_EXPONENTS:
        log2_x = np.clip(rng.uniform(-1.1, 1.05, 150) * span / abs(y), np.log2(float(finfo.smallest_subnormal)), span - 0.01)
        x = np.exp2(log2_x) * np.where(rng.random(150) < 0.25, -1.0, 1.0)
        x = np.concatenate([x.astype(dtype), finite_edges])
        both = np.concatenate([x, specials])
        rt_pandas.force_simd("scalar")
        reference = rtm.pow(both, y)
        assert ulp_error(reference[: len(x)], x, np.full(len(x), y, dtype=dtype)).max() <= 1.0, y
        want = np.array([annex_f_edge(float(v), y) for v in specials], dtype=dtype)
        got = reference[len(x):]
        assert np.array_equal(got, want, equal_nan=True) and np.array_equal(np.signbit(got), np.signbit(want)), y
        y_array = np.where(rng.random(len(both)) < 0.5, y, y + 0.25).astype(dtype)
        for level in rt_pandas.simd_levels():
            rt_pandas.force_simd(level)
            assert np.array_equal(rtm.pow(both, y), reference, equal_nan=True), (level, y)
            mixed = rtm.pow(both, y_array)
            small = y_array == dtype(y)
            assert np.array_equal(mixed[small], reference[small], equal_nan=True), (level, y)
        rt_pandas.force_simd(None)


def test_small_exponent_fast_range_edges(backend):
    """A scalar y = +-k/2 runs the products without checks on vectors whose x all lie in [2^-e, 2^e],
    e = min(960, 1920 // k - 1) (docs/math.md): x at, just inside and just outside those edges, whole
    vectors of them and single lanes among ordinary ones, give the bits of the checked path (an array
    exponent, every lane its own checks) at every level, within 1 ULP of mpmath."""
    for k in (1, 2, 3, 4, 5, 6, 7, 13, 64):
        e = min(960, 1920 // k - 1)
        edges = [2.0**e, 2.0**-e, np.nextafter(2.0**e, INF), np.nextafter(2.0**-e, 0), np.nextafter(2.0**e, 0),
                 np.nextafter(2.0**-e, INF), 1.0, 1.5]
        x = np.array(edges * 3 + [1.25] * 16 + edges[:1] + [3.0] * 7 + edges[3:4] + [0.75] * 7)
        for y in (k / 2, -k / 2):
            want = rtm.pow(x, np.full(len(x), y))
            assert ulp_error(want, x, np.full(len(x), y)).max() <= 1.0, (k, y)
            for level in rt_pandas.simd_levels():
                rt_pandas.force_simd(level)
                assert np.array_equal(rtm.pow(x, y), want, equal_nan=True), (level, k, y)
            rt_pandas.force_simd(None)


def test_square_root_exponent_is_sqrt(backend):
    """x^0.5 is sqrt x, correctly rounded, wherever the product path runs (x in [2^-960, 2^960] for
    float64; the root's correction stays under half an ulp, docs/math.md)."""
    rng = np.random.default_rng(21)
    x = np.exp2(rng.uniform(-960, 960, 200_000))
    assert np.array_equal(rtm.pow(x, 0.5), np.sqrt(x))
    x32 = np.exp2(rng.uniform(-148, 126, 200_000)).astype(np.float32)
    assert np.array_equal(rtm.pow(x32, 0.5), np.sqrt(x32))


@pytest.mark.skipif(not HAVE_LONGDOUBLE, reason="needs 80-bit long double")
def test_100k_points_against_long_double_every_level():
    """100,000 points per dtype against long double powl (2^11 finer than a double ULP)."""
    for dtype in (np.float64, np.float32):
        x, y = sample(dtype, 100_000, seed=21)
        x = np.abs(x)  # long double pow is exact enough for positive bases; signs are tested above
        with np.errstate(all="ignore"):
            want = np.power(x.astype(np.longdouble), y.astype(np.longdouble))
            hi = want.astype(np.float64)
            lo = (want - hi.astype(np.longdouble)).astype(np.float64)
        rt_pandas.force_simd("scalar")
        reference = rtm.pow(x, y)
        finfo = np.finfo(dtype)
        exponent = np.floor(np.log2(np.maximum(np.abs(hi), float(finfo.smallest_normal))))
        ulp = np.exp2(exponent - finfo.nmant)
        finite = np.isfinite(hi) & (np.abs(hi) < float(finfo.max))
        err = np.abs((reference[finite].astype(np.float64) - hi[finite]) - lo[finite]) / ulp[finite]
        assert err.max() <= 1.0, dtype
        with np.errstate(over="ignore"):
            assert np.array_equal(reference[~finite], hi[~finite].astype(dtype))
        for level in rt_pandas.simd_levels():
            rt_pandas.force_simd(level)
            assert np.array_equal(rtm.pow(x, y), reference, equal_nan=True), level
        rt_pandas.force_simd(None)


# (x, y, pow(x, y)) from C99 F.9.4.4, with signs.
SPECIAL = [
    (NAN, 0.0, 1.0), (NAN, -0.0, 1.0), (INF, 0.0, 1.0), (-3.5, -0.0, 1.0),
    (1.0, NAN, 1.0), (1.0, INF, 1.0), (1.0, -INF, 1.0), (1.0, 7.5, 1.0),
    (NAN, 1.0, NAN), (2.0, NAN, NAN), (-1.0, NAN, NAN), (NAN, INF, NAN),
    (0.0, -3.0, INF), (-0.0, -3.0, -INF), (0.0, -2.0, INF), (-0.0, -2.0, INF), (-0.0, -0.5, INF),
    (0.0, -INF, INF), (-0.0, -INF, INF),
    (0.0, 3.0, 0.0), (-0.0, 3.0, -0.0), (-0.0, 2.0, 0.0), (-0.0, 0.5, 0.0), (-0.0, INF, 0.0),
    (-1.0, INF, 1.0), (-1.0, -INF, 1.0),
    (0.5, -INF, INF), (-0.5, -INF, INF), (2.0, -INF, 0.0), (-2.0, -INF, 0.0),
    (0.5, INF, 0.0), (-0.5, INF, 0.0), (2.0, INF, INF), (-2.0, INF, INF),
    (-INF, -3.0, -0.0), (-INF, -2.0, 0.0), (-INF, -0.5, 0.0), (-INF, 3.0, -INF), (-INF, 2.0, INF),
    (-INF, 0.5, INF), (INF, -1.0, 0.0), (INF, 0.5, INF), (INF, -INF, 0.0), (INF, INF, INF),
    (-2.0, 0.5, NAN), (-8.0, 1.0 / 3.0, NAN), (-2.0, 3.0, -8.0), (-2.0, -3.0, -0.125), (-2.0, 2.0, 4.0),
    (-1.0, 2.0**60, 1.0), (-1.0, 2.0**52 + 1, -1.0), (-2.0, 2.0**52 + 1, -INF), (-0.5, 2.0**52 + 1, -0.0),
    (-1.0, 2.0**23 + 1, -1.0), (-1.0, 2.0**24, 1.0),
    (2.0, 1024.0, INF), (2.0, -1074.0, 5e-324), (2.0, -1075.0, 0.0), (0.5, 1074.0, 5e-324),
    (5e-324, 1.0, 5e-324), (5e-324, -1.0, INF), (5e-324, 0.5, 2.2227587494850775e-162),
    (10.0, 308.0, 1e308), (2.0, 0.5, np.sqrt(2.0)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_annex_f_special_values(backend, dtype):
    x, y, want = (np.array(col, dtype=np.float64) for col in zip(*SPECIAL))
    with np.errstate(over="ignore"):
        keep = ((x.astype(dtype) == x) | np.isnan(x)) & ((y.astype(dtype) == y) | np.isnan(y))
        keep &= (want.astype(dtype) == want) | np.isnan(want) | (want == 0)
    x, y, want = x[keep].astype(dtype), y[keep].astype(dtype), want[keep].astype(dtype)
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        arrays = rtm.pow(x, y)
        scalars = np.concatenate([rtm.pow(x[i:i + 1], y[i].item()) for i in range(len(x))])
        for got in (arrays, scalars):
            assert np.array_equal(got, want, equal_nan=True), (level, x, y, got, want)
            assert np.array_equal(np.signbit(got), np.signbit(want)), (level, got, want)


def test_float32_specials_and_ranges(backend):
    x = np.array([2.0, 2.0, 2.0, 2.0, -2.0, 10.0], dtype=np.float32)
    y = np.array([128.0, 127.0, -149.0, -151.0, 127.0, -45.0], dtype=np.float32)
    got = rtm.pow(x, y)
    want = np.array([INF, 2.0**127, 2.0**-149, 0.0, -(2.0**127), 1e-45], dtype=np.float32)
    assert np.array_equal(got, want)


def test_kinds_broadcasting_and_nulls(backend):
    s = pd.Series([4.0, None, 2.0], index=["a", "b", "c"], name="v")
    got = s.rt.pow(0.5)
    assert list(got.index) == ["a", "b", "c"] and got.name == "v"
    assert got.iloc[0] == 2.0 and np.isnan(got.iloc[1]) and got.iloc[2] == np.sqrt(2.0)
    masked = pd.Series([2, None, 3], dtype="Int64").rt.pow(2)
    assert str(masked.dtype) == "Float64" and masked.isna().tolist() == [False, True, False]
    assert masked.iloc[2] == 9.0
    arrow = pa.chunked_array([[1.0, 2.0, None], [3.0, 4.0]])
    assert rtm.pow(arrow, 2.0).to_pylist() == [1.0, 4.0, None, 9.0, 16.0]
    sliced = pa.array([0.0, 1.0, None, 3.0, 4.0, 5.0]).slice(2, 3)
    exponents = pa.array([1.0, None, 2.0])
    assert rtm.pow(sliced, exponents).to_pylist() == [None, None, 16.0]
    assert rtm.pow(2.0, np.array([1.0, 3.0])).tolist() == [2.0, 8.0]
    assert rtm.pow(np.array([3, 4]), 2).dtype == np.float64  # integers become float64
    f32 = np.array([1.5, 2.0], dtype=np.float32)
    assert rtm.pow(f32, 2.0).dtype == np.float32  # a Python scalar follows the array
    assert rtm.pow(f32, np.float64(2.0)).dtype == np.float64
    assert rtm.pow(f32, np.array([2.0, 2.0])).dtype == np.float64
    assert rtm.pow(f32, f32).dtype == np.float32
    assert rtm.pow(np.array([], dtype=np.float32), 2.0).dtype == np.float32
    assert rtm.pow(pa.array([None, None], pa.float64()), 2.0).null_count == 2


def test_out(backend):
    x = np.array([1.0, 2.0, 3.0])
    out = np.empty(3)
    assert rtm.pow(x, 2.0, out=out) is out
    assert out.tolist() == [1.0, 4.0, 9.0]
    out = np.empty(3)
    rtm.pow(pa.array([1.0, None, 3.0]), np.array([2.0, 2.0, 2.0]), out=out)
    assert out[0] == 1.0 and np.isnan(out[1]) and out[2] == 9.0
    for bad in (np.empty(2), np.empty(3, np.float32), [0.0, 0.0, 0.0], np.empty((3, 1))):
        with pytest.raises(ValidationError):
            rtm.pow(x, 2.0, out=bad)
    frozen = np.empty(3)
    frozen.flags.writeable = False
    with pytest.raises(ValidationError):
        rtm.pow(x, 2.0, out=frozen)


def test_bad_input(backend):
    with pytest.raises(ValidationError):
        rtm.pow(2.0, 3.0)
    with pytest.raises(ValidationError):
        rtm.pow(np.ones(3), np.ones(4))
    with pytest.raises(ValidationError):
        rtm.pow(pa.array(["a", "b"]), 2.0)
    with pytest.raises(ValidationError):
        rtm.pow(np.ones((2, 2)), 2.0)
    with pytest.raises((ValidationError, TypeError)):
        rtm.pow(np.ones(2), "2")


def test_threads_match_one_thread():
    x, y = sample(np.float64, 300_000, seed=3)
    rt_pandas.set_num_threads(1)
    one = rtm.pow(x, y)
    one_scalar = rtm.pow(x, 1.5)
    rt_pandas.set_num_threads(2)
    try:
        assert np.array_equal(rtm.pow(x, y), one, equal_nan=True)
        assert np.array_equal(rtm.pow(x, 1.5), one_scalar, equal_nan=True)
    finally:
        rt_pandas.set_num_threads(None)
