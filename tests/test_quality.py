"""Quality metrics against hand-computed 10-row fixtures and pandas / numpy references, on both backends."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import rt_pandas
from rt_pandas import QualityReport, ValidationError
from rt_pandas.quality import quality

# ---------------------------------------------------------------------------
# Hand-computed 10-row fixtures: one per metric, the answer worked out by hand.


def test_completeness_fixture(backend):
    # 10 rows: 2 NaN, 1 None -> 7 present.
    s = pd.Series([1.0, np.nan, 3.0, 4.0, None, 6.0, 7.0, np.nan, 9.0, 10.0])
    assert s.rt.completeness() == 0.7
    # NaN kept as a value when nan_as_missing=False: only... NaN and None are both NaN in float64.
    assert s.rt.completeness(nan_as_missing=False) == 1.0
    masked = pd.Series([1, None, 3, 4, 5, 6, 7, 8, None, 10], dtype="Int64")
    assert masked.rt.completeness() == 0.8


def test_validity_fixture(backend):
    floats = pd.Series([1.0, np.inf, 3.0, -np.inf, np.nan, 6.0, 7.0, 8.0, 9.0, 10.0])
    assert floats.rt.validity() == 7 / 9  # 9 present, 2 infinite
    strings = pd.Series(["a", "  ", "", None, "b", "\t\n", "c", "d\u00a0", "\u3000", "e"])
    assert strings.rt.validity() == 5 / 9  # blanks: "  ", "", "\t\n", "\u3000"
    codes = pd.Series(["AB-1", "AB-2", "ab-3", "AB-44", "X", "AB-5", "AB-6", "AB-7", "AB-8", None])
    assert codes.rt.validity(rule=r"^AB-\d$") == 6 / 9
    colours = pd.Series(["red", "blue", "red", "pink", "blue", "red", "teal", "red", "blue", "red"])
    assert colours.rt.validity(rule={"red", "blue"}) == 0.8
    numbers = pd.Series([0, 5, 10, 11, -1, 3, 4, 5, 6, 100])
    assert numbers.rt.validity(rule=(0, 10)) == 0.7
    stamps = pd.Series(pd.to_datetime(["1850-01-01", "2020-01-01", "2021-06-01", None, "2500-01-01",
                                       "1999-12-31", "2000-01-01", "2001-01-01", "2002-01-01", "2003-01-01"]))
    assert stamps.rt.validity() == 7 / 9


def test_timestamp_consistency_bounds_beyond_the_nanosecond_range(backend):
    """Robust bounds of wide timestamp columns can lie outside pandas' nanosecond Timestamps (1677-2262):
    the report gives them in the column's unit, or at the unit's limit, instead of raising."""
    seconds = pd.Series(pd.to_datetime(["1700-01-01", "2000-01-01", "2000-01-02", "2200-01-01",
                                        "2262-01-01"]).as_unit("s"))
    column = seconds.rt.quality().columns[0]
    lo, hi = column.consistency_bounds
    assert lo < pd.Timestamp("1677-09-22") and hi > pd.Timestamp("2262-04-11")  # a seconds column holds them
    assert column.consistency == 1.0
    nanos = pd.Series(pd.to_datetime(["1680-01-01", "2000-01-01", "2000-01-02", "2260-01-01"]).as_unit("ns"))
    lo, hi = nanos.rt.quality().columns[0].consistency_bounds
    assert (lo, hi) == (pd.Timestamp.min, pd.Timestamp.max)  # beyond what nanoseconds hold: the limits
    assert pd.DataFrame({"t": nanos}).rt.quality().to_json()


def test_accuracy_fixture(backend):
    s = pd.Series([-5.0, 0.0, 10.0, 50.0, 100.0, 100.5, np.nan, 20.0, 30.0, 200.0])
    assert s.rt.accuracy(0, 100) == 6 / 9  # bounds are inclusive
    ints = pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], dtype="int8")
    assert ints.rt.accuracy(3, 7) == 0.5


def test_uniqueness_fixture(backend):
    s = pd.Series([1, 1, 2, 3, 3, 3, 4, 5, None, 6], dtype="Int64")
    assert s.rt.uniqueness() == 4 / 9  # 2, 4, 5, 6 occur once
    strings = pd.Series(["a", "b", "a", "c", "d", "d", None, "e", "f", "g"])
    assert strings.rt.uniqueness() == 5 / 9
    report = pd.DataFrame({"x": strings}).rt.quality()
    assert report.to_frame().loc["x", "distinctness"] == 7 / 9


def test_consistency_fixture(backend):
    # sorted 8, 9, 9.5, 10, 10, 10.5, 11, 11, 12, 100: median 10.25; |x - 10.25| sorted
    # .25 .25 .25 .75 .75 .75 1.25 1.75 2.25 89.75 -> MAD 0.75; scale 1.4826 * 0.75 = 1.11195.
    s = pd.Series([10.0, 11.0, 9.0, 10.5, 9.5, 12.0, 8.0, 10.0, 100.0, 11.0])
    assert s.rt.consistency() == 0.9  # bounds [6.36, 14.14]: only 100 is outside
    assert s.rt.consistency(k=1.0) == 0.6  # bounds [9.138, 11.362]: 9.5, 10, 10, 10.5, 11, 11
    shapes = pd.Series(["AB-12", "CD-34", "x", "EF-5", "GH-678", "12", "IJ-90", "KL-11", "MN 22", None])
    assert shapes.rt.consistency() == 6 / 9  # letters-punct-digits is the dominant shape
    constant = pd.Series([3] * 10)
    assert constant.rt.consistency() == 1.0  # MAD and mean deviation 0: all consistent


def test_overall_fixture(backend):
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, np.nan]})
    r = df.rt.quality(ranges={"x": (0, 5)}, threshold=0.9)
    # completeness 0.9, validity 1, accuracy 5/9, uniqueness 1, consistency 1.
    assert r.overall == pytest.approx((0.9 + 1 + 5 / 9 + 1 + 1) / 5)
    assert not r.passed
    weighted = df.rt.quality(ranges={"x": (0, 5)}, weights={"accuracy": 0, "completeness": 2})
    assert weighted.overall == pytest.approx((2 * 0.9 + 1 + 1 + 1) / 5)
    assert df["x"].rt.overall_quality() == pytest.approx((0.9 + 3) / 4)


# ---------------------------------------------------------------------------
# Against pandas on random data of every dtype


def _frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    floats = rng.normal(50, 20, n)
    floats[rng.random(n) < 0.05] = np.nan
    floats[rng.random(n) < 0.01] = np.inf
    floats = np.round(floats, 1)
    return pd.DataFrame({
        "f64": floats,
        "f32": floats.astype(np.float32),
        "i64": rng.integers(-50, 50, n),
        "i16": rng.integers(0, 300, n).astype(np.int16),
        "u32": rng.integers(0, 2**31, n).astype(np.uint32) % 1000,
        "u8": rng.integers(0, 5, n).astype(np.uint8),
        "b": rng.random(n) < 0.3,
        "Int64": pd.array(np.where(rng.random(n) < 0.1, None, rng.integers(0, 40, n)), dtype="Int64"),
        "Float64": pd.array(np.where(rng.random(n) < 0.1, None, rng.integers(0, 40, n) / 4), dtype="Float64"),
        "boolean": pd.array(np.where(rng.random(n) < 0.1, None, rng.random(n) < 0.5), dtype="boolean"),
        "s": pd.Series(np.where(rng.random(n) < 0.05, None, rng.choice(["ab-1", "cd-22", " ", "", "x"], n)),
                       dtype="str"),
        "obj": pd.Series(rng.choice(["p", "q", "r", "s"], n).astype(object)),
        "arrow_s": pd.Series(rng.choice(["u", "v", "w"], n), dtype=pd.ArrowDtype(pa.large_string())),
        "arrow_i": pd.Series(rng.integers(0, 9, n), dtype=pd.ArrowDtype(pa.int32())),
        "cat": pd.Series(rng.choice(["lo", "mid", "hi", None], n)).astype("category"),
        "t": pd.Series(pd.to_datetime(rng.integers(0, 10**6, n), unit="s")),
        "ttz": pd.Series(pd.to_datetime(rng.integers(0, 10**6, n), unit="s", utc=True)).dt.tz_convert("Asia/Tokyo"),
    })


def _reference(s: pd.Series) -> dict:
    """Metrics computed with plain pandas."""
    present = s.dropna()
    counts = present.value_counts(dropna=True)
    return {"completeness": s.notna().mean(), "uniqueness": (counts == 1).sum() / len(present),
            "distinct": present.nunique()}


@pytest.mark.parametrize("seed", [0, 1])
def test_metrics_match_pandas(backend, seed):
    df = _frame(3000, seed)
    r = df.rt.quality()
    frame = r.to_frame()
    for name in df.columns:
        ref = _reference(df[name])
        assert frame.loc[name, "completeness"] == pytest.approx(ref["completeness"]), name
        assert frame.loc[name, "uniqueness"] == pytest.approx(ref["uniqueness"]), name
        assert frame.loc[name, "distinct"] == ref["distinct"], name
    f = df["f64"].dropna()
    assert frame.loc["f64", "validity"] == pytest.approx(np.isfinite(f).mean())
    s = df["s"].dropna()
    assert frame.loc["s", "validity"] == pytest.approx((s.str.strip() != "").mean())
    finite = f[np.isfinite(f)]
    median = np.median(f)  # infinities count for the median, as in the kernel
    mad = np.median(np.abs(f - median))
    inside = ((f >= median - 3.5 * 1.4826 * mad) & (f <= median + 3.5 * 1.4826 * mad)).sum()
    assert frame.loc["f64", "consistency"] == pytest.approx(inside / len(f))
    assert len(finite) > 0
    assert r.duplicate_rows == df.duplicated().sum()
    ranged = df.rt.quality(ranges={"f64": (20, 80), "t": ("1970-01-03", "1970-01-08")})
    assert ranged.to_frame().loc["f64", "accuracy"] == pytest.approx(f.between(20, 80).mean())
    t = df["t"]
    assert ranged.to_frame().loc["t", "accuracy"] == pytest.approx(t.between("1970-01-03", "1970-01-08").mean())


def test_duplicate_rows_match_pandas(backend):
    rng = np.random.default_rng(5)
    n = 2000
    df = pd.DataFrame({"a": rng.integers(0, 3, n), "b": rng.choice(["x", "y", None], n),
                       "c": np.where(rng.random(n) < 0.3, np.nan, rng.integers(0, 2, n).astype(float))})
    assert df.rt.quality().duplicate_rows == df.duplicated().sum()
    swapped = pd.DataFrame({"a": [1, 2], "b": [2, 1]})  # (1, 2) and (2, 1) differ
    assert swapped.rt.quality().duplicate_rows == 0
    # Enough rows for the row hashes to be counted in partitions: mostly distinct rows with copies mixed
    # in (some many times), and few distinct rows.
    n = 300_000
    wide = pd.DataFrame({"f": rng.standard_normal(n), "i": rng.integers(-2**40, 2**40, n)})
    copies = rng.integers(0, n, 40_000)
    copies[:5000] = 7  # one row many times
    wide = pd.concat([wide, wide.iloc[copies]], ignore_index=True).sample(frac=1.0, random_state=3)
    assert wide.rt.quality().duplicate_rows == wide.duplicated().sum()
    narrow = pd.DataFrame({"a": rng.integers(0, 300, n), "b": rng.integers(0, 300, n)})
    assert narrow.rt.quality().duplicate_rows == narrow.duplicated().sum()


def test_sliced_and_chunked_arrow(backend):
    values = pa.array([None, 1.0, 2.0, 2.0, None, float("nan"), 7.0, 100.0, 3.0, 3.0, 3.0, None, 9.0])
    sliced = values.slice(3, 9)  # offset 3: not a multiple of 8
    expected = pd.Series(sliced.to_pandas())
    assert rt_pandas.quality.completeness(sliced) == pytest.approx(expected.notna().mean())
    assert rt_pandas.quality.uniqueness(sliced) == pytest.approx(_reference(expected)["uniqueness"])
    chunked = pa.chunked_array([values.slice(0, 5), values.slice(5, 3), values.slice(8)])
    full = pd.Series(values.to_pandas())
    assert rt_pandas.quality.uniqueness(chunked) == pytest.approx(_reference(full)["uniqueness"])
    assert rt_pandas.quality.accuracy(chunked, 0, 10) == pytest.approx(full.dropna().between(0, 10).mean())
    strings = pa.array(["a", None, "b", "a", " ", "c", None, "b", "zz", "a", "q"])
    chunked_s = pa.chunked_array([strings.slice(1, 4), strings.slice(5)])
    ref = pd.Series(pa.concat_arrays([strings.slice(1, 4), strings.slice(5)]).to_pandas())
    assert rt_pandas.quality.uniqueness(chunked_s) == pytest.approx(_reference(ref)["uniqueness"])
    assert rt_pandas.quality.validity(chunked_s) == pytest.approx((ref.dropna().str.strip() != "").mean())
    table = pa.table({"x": chunked.slice(2), "s": pa.chunked_array([strings.slice(0, 6), strings.slice(6, 5)])})
    r = quality(table)
    assert r.rows == 11 and r.to_frame().loc["x", "completeness"] == pytest.approx(full[2:].notna().mean())
    assert r.duplicate_rows == table.to_pandas().duplicated().sum()


def test_every_simd_level_gives_the_same_report(backend):
    df = _frame(1500, 3)
    reports = []
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        reports.append(df.rt.quality().to_dict())
    rt_pandas.force_simd(None)
    assert all(r == reports[0] for r in reports)


# ---------------------------------------------------------------------------
# Reports


def test_report_outputs(backend):
    df = pd.DataFrame({"temperature": [10.0, 20.0, 30.0, 150.0, np.nan], "city": ["a", "b", "b", " ", "c"]})
    r = df.rt.quality(ranges={"temperature": (0, 100)}, rules={"city": {"allowed": ["a", "b", "c"]}})
    assert isinstance(r, QualityReport)
    assert "temperature: 25.0% of values outside [0, 100]" in r.findings
    assert "temperature: 20.0% of values missing" in r.findings
    d = json.loads(r.to_json())
    assert d["schema"] == "rt-pandas/quality-report" and d["version"] == 1
    assert [c["name"] for c in d["columns"]] == ["temperature", "city"]
    assert d["columns"][1]["validity"] == 0.8
    assert d == r.to_dict()
    assert "<table" in r._repr_html_() and "temperature" in r._repr_html_()
    assert list(r.to_frame().columns[:3]) == ["dtype", "rows", "missing"]
    single = df["temperature"].rt.quality(ranges=(0, 100))
    assert single.duplicate_rows is None and single.to_frame().loc["temperature", "accuracy"] == 0.75


# ---------------------------------------------------------------------------
# Bad input


def test_empty_and_all_null(backend):
    empty = pd.DataFrame({"x": pd.Series([], dtype=float), "s": pd.Series([], dtype="str")})
    r = empty.rt.quality()
    assert r.rows == 0 and r.overall is None and not r.passed
    assert r.to_frame().loc["x", ["completeness", "validity", "uniqueness"]].isna().all()
    assert "x: no rows" in r.findings
    nulls = pd.DataFrame({"x": [np.nan] * 4, "s": pd.Series([None] * 4, dtype="str")})
    r = nulls.rt.quality()
    frame = r.to_frame()
    assert (frame["completeness"] == 0).all()
    assert frame[["validity", "uniqueness", "consistency"]].isna().all().all()
    assert r.overall == 0.0 and not r.passed
    assert pd.DataFrame().rt.quality().overall is None
    assert pd.Series([], dtype=float).rt.completeness() is None


def test_bad_arguments(backend):
    df = pd.DataFrame({"x": [1.0, 2.0], "s": ["a", "b"]})
    with pytest.raises(ValidationError, match="min > max"):
        df.rt.quality(ranges={"x": (5, 1)})
    with pytest.raises(ValidationError, match="unknown columns"):
        df.rt.quality(ranges={"nope": (0, 1)})
    with pytest.raises(ValidationError, match="unknown columns"):
        df.rt.quality(rules={"nope": "a"})
    with pytest.raises(ValidationError, match="positive"):
        df.rt.quality(weights={m: 0 for m in rt_pandas.quality.METRICS})
    with pytest.raises(ValidationError, match="unknown metrics"):
        df.rt.quality(weights={"speed": 1})
    with pytest.raises(ValidationError, match=">= 0"):
        df.rt.quality(weights={"validity": -1})
    with pytest.raises(ValidationError, match="does not compile"):
        df.rt.quality(rules={"s": "(unclosed"})
    with pytest.raises(ValidationError, match="threshold"):
        df.rt.quality(threshold=2)
    with pytest.raises(ValidationError, match="numeric and timestamp"):
        df.rt.quality(ranges={"s": (0, 1)})
    with pytest.raises(ValidationError, match="NaN"):
        df["x"].rt.accuracy(float("nan"), 1)
    with pytest.raises(ValidationError, match="'c'.*complex"):
        pd.DataFrame({"c": [1 + 2j]}).rt.quality()
    with pytest.raises(ValidationError, match="'iv'.*interval"):
        pd.DataFrame({"iv": [pd.Interval(0, 1)]}).rt.quality()
    with pytest.raises(ValidationError):
        rt_pandas.quality.completeness(pa.array([[1, 2]]))


def test_object_columns_read_as_their_values_type(backend):
    """pandas leaves booleans and integers with None (and datetimes) in object columns: read as typed columns."""
    import datetime as dt

    stamps = [dt.datetime(2020, 1, 1), None, dt.datetime(2021, 6, 1), dt.datetime(2020, 1, 1), None]
    objects = pd.DataFrame({
        "b": pd.Series([True, None, False, True, True], dtype=object),
        "i": pd.Series([1, None, 2**40, 3, 3], dtype=object),
        "f": pd.Series([1, None, 2.5, np.nan, 3], dtype=object),
        "t": pd.Series(stamps, dtype=object),
    })
    typed = pd.DataFrame({
        "b": pd.array([True, None, False, True, True], dtype="boolean"),
        "i": pd.array([1, None, 2**40, 3, 3], dtype="Int64"),
        "f": pd.array([1.0, None, 2.5, None, 3.0], dtype="Float64"),
        "t": pd.to_datetime(pd.Series(stamps)).astype("datetime64[us]"),
    })
    got = objects.rt.quality().to_frame().drop(columns="dtype")
    want = typed.rt.quality().to_frame().drop(columns="dtype")
    pd.testing.assert_frame_equal(got, want)
    assert objects["i"].rt.uniqueness() == pytest.approx(2 / 4)  # 1 and 2**40 occur once among 4 values
    with pytest.raises(ValidationError, match="'big'.*integer"):  # past int64
        pd.DataFrame({"big": pd.Series([2**70, None], dtype=object)}).rt.quality()
    with pytest.raises(ValidationError, match="'m'.*mixed"):
        pd.DataFrame({"m": pd.Series(["a", 1], dtype=object)}).rt.quality()


def test_date_columns_read_as_timestamps_at_midnight(backend):
    import datetime as dt

    days = [dt.date(2020, 1, 1), None, dt.date(1850, 6, 1), dt.date(2020, 1, 1), dt.date(2021, 3, 9)]
    dates = pd.DataFrame({
        "d32": pd.Series(days, dtype="date32[pyarrow]"),
        "d64": pd.Series(pa.array(days, pa.date64()), dtype=pd.ArrowDtype(pa.date64())),
    })
    stamps = pd.to_datetime(pd.Series(days)).astype("datetime64[s]")
    want = pd.DataFrame({"d32": stamps, "d64": stamps}).rt.quality().to_frame().drop(columns="dtype")
    pd.testing.assert_frame_equal(dates.rt.quality().to_frame().drop(columns="dtype"), want)
    assert dates["d32"].rt.validity() == 0.75  # 1850 is outside the plausible range
    assert dates.rt.describe().loc["min", "d64"] == pd.Timestamp("1850-06-01")


@pytest.mark.parametrize("series", [
    pd.Series([1.0, None]), pd.Series([1, 2], dtype="Int8"), pd.Series([True, None], dtype=object),
    pd.Series(["a", 1], dtype=object), pd.Series([1 + 2j]), pd.Series([pd.Interval(0, 1)]),
    pd.Series(pd.period_range("2020", periods=2, freq="D")), pd.Series([[1], [2]]),
    pd.Series(pa.array([[1], [2]]), dtype=pd.ArrowDtype(pa.list_(pa.int64()))),
    pd.Series(pa.array([1, 2], pa.time32("s")), dtype=pd.ArrowDtype(pa.time32("s"))),
    pd.Series(pa.array([1, 2], pa.date32()), dtype=pd.ArrowDtype(pa.date32())),
    pd.Series(["x", "y"], dtype="category"), pd.Series(pd.to_datetime(["2020", None]).tz_localize("UTC")),
    pd.Series(pd.to_timedelta([1, 2], unit="s")), pd.Series(["a", None], dtype="str"),
    pd.Series([1 + 2j, 3], dtype="category"), pd.Series(["a", 1], dtype="category"),
    pd.Series(pa.array(["a", None, "a"]).dictionary_encode(), dtype=pd.ArrowDtype(pa.dictionary(pa.int32(), pa.string()))),
    pd.Series(pa.array([1.5, None]).dictionary_encode(), dtype=pd.ArrowDtype(pa.dictionary(pa.int32(), pa.float64()))),
], ids=lambda s: str(s.dtype))
def test_series_supported_agrees_with_prepare(series):
    """One rule for what can be profiled: prepare, the reports' skip list and the .rt accessor agree."""
    from rt_pandas import _profile

    try:
        _profile.prepare(series)
        prepared = True
    except ValidationError:
        prepared = False
    assert _profile.series_supported(series) == prepared
    assert hasattr(series, "rt") == prepared  # the accessor refuses with an AttributeError, never a late crash


def test_categories_arrow_cannot_hold_are_a_typed_error(backend):
    frame = pd.DataFrame({"z": pd.Series([1 + 2j, 3], dtype="category"), "x": [1.0, 2.0]})
    with pytest.raises(ValidationError, match="'z'"):
        frame.rt.quality()
    assert frame.rt.quality_report().skipped == {"z": "category"}


def test_frame_report_leaves_out_what_it_cannot_profile(backend):
    frame = pd.DataFrame({"x": [1.0, 2.0, 30.0], "when": pd.Series(pa.array([1, 2, 3], pa.time32("s")),
                                                               dtype=pd.ArrowDtype(pa.time32("s")))})
    report = frame.rt.quality_report()
    assert [c.name for c in report.quality.columns] == ["x"] and report.skipped == {"when": "time32[s][pyarrow]"}
    assert "when: not profiled (time32[s][pyarrow] is not supported)" in report.findings()
    with pytest.raises(ValidationError, match="'when'"):
        frame.rt.quality_report(columns=["x", "when"])


def test_duration_columns(backend):
    """timedelta64 and Arrow durations: the metrics of their integer ticks, bounds and describe() as Timedeltas."""
    rng = np.random.default_rng(7)
    ticks = rng.integers(0, 50, 400) * 1000
    ticks[::37] = 10**9  # far-off values the robust bounds leave out
    seconds = pd.Series(pd.to_timedelta(ticks, unit="ms"), name="d").astype("timedelta64[ms]")
    seconds[::50] = pd.NaT
    as_ints = pd.Series(seconds.to_numpy().view(np.int64), name="d").where(seconds.notna()).astype("Int64")
    got = seconds.rt.quality().to_dict()["columns"][0]
    want = as_ints.rt.quality().to_dict()["columns"][0]
    for metric in ("completeness", "validity", "uniqueness", "distinctness", "distinct", "consistency"):
        assert got[metric] == want[metric]
    assert got["kind"] == "duration"
    lo, hi = seconds.rt.quality().columns[0].consistency_bounds
    assert isinstance(lo, pd.Timedelta) and hi == pd.Timedelta(want["consistency_bounds"][1], unit="ms")
    arrow = pd.Series(pa.array(seconds.to_numpy().view(np.int64), pa.int64()).cast(pa.duration("ms")).to_pandas())
    described = seconds.rt.describe()
    reference = seconds.describe()
    for key in ("count", "min", "25%", "50%", "75%", "max"):
        assert described[key] == reference[key], key
    for key in ("mean", "std"):  # pandas cuts them to the column's unit (ms); ours keep nanoseconds
        assert abs(described[key] - reference[key]) < pd.Timedelta(1, unit="ms"), key
    state = rt_pandas.quality.QualityState()
    state.update(pd.DataFrame({"d": seconds[:150]}))
    other = rt_pandas.quality.QualityState()
    other.update(pd.DataFrame({"d": seconds[150:]}))
    merged = rt_pandas.quality.QualityState.from_bytes(state.to_bytes()).merge(other).finalize()
    assert merged.to_dict()["columns"][0]["uniqueness"] == got["uniqueness"]
    assert arrow.rt.uniqueness() == as_ints.dropna().rt.uniqueness()
    with pytest.raises(ValidationError, match="numeric and timestamp"):
        seconds.rt.quality(ranges=(0, 1))


def test_huge_range_bounds_and_infinities(backend):
    s = pd.Series([1.0, np.inf, -np.inf, 5.0])
    assert s.rt.accuracy(-np.inf, np.inf) == 1.0
    assert s.rt.accuracy(0, 10) == 0.5
    big = pd.Series(np.array([2**62, -(2**62), 0, 2**62], dtype=np.int64))
    assert big.rt.uniqueness() == 0.5
    u64 = pd.Series(np.array([2**64 - 1, 2**64 - 1, 3], dtype=np.uint64))
    assert u64.rt.uniqueness() == pytest.approx(1 / 3)


@pytest.mark.parametrize("threads", [2, 3])
def test_report_is_the_same_on_any_thread_count(backend, threads):
    """Columns profiled side by side (row hashes first, in column order) give the one-thread report:
    every metric, the duplicate rows and the findings, on a frame of every kind of column with nulls."""
    rng = np.random.default_rng(21)
    n = 70_000  # above the 65,536 rows from which columns go to threads
    base = pd.DataFrame({
        "f": np.where(rng.random(n) < 0.02, np.nan, rng.standard_normal(n)),
        "i": pd.array(np.where(rng.random(n) < 0.01, None, rng.integers(0, 50, n)), dtype="Int64"),
        "s": pd.Series(np.array(["a-1", "b-22", " ", "zz"], dtype=object)[rng.integers(0, 4, n)], dtype="str"),
        "c": pd.Categorical(rng.choice(["x", "y", None], n)),
        "t": pd.to_datetime(1_600_000_000 + rng.integers(0, 1000, n), unit="s"),
        "b": rng.random(n) < 0.5,
    })
    df = pd.concat([base, base.iloc[:500]], ignore_index=True)  # 500 duplicate rows at least
    kwargs = dict(ranges={"f": (-2, 2)}, rules={"s": r"^[a-z]-\d+$"})
    rt_pandas.set_num_threads(1)
    try:
        single = quality(df, **kwargs)
        rt_pandas.set_num_threads(threads)
        split = quality(df, **kwargs)
    finally:
        rt_pandas.set_num_threads(None)
    assert split.to_dict() == single.to_dict()
    assert split.findings == single.findings
    assert single.to_dict()["duplicate_rows"] == df.duplicated().sum()
