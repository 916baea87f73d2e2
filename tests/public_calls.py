"""Every public Python entry point, called once on a small valid input.

One table (``PUBLIC_CALLS``) that the allocation-failure sweep, the leak
checks and the thread test share, so a new public function is added in one
place. Each entry is ``(name, call)``; ``call()`` takes no arguments, runs on
the current backend and returns a plain value (numbers, lists, dicts) that
``same`` compares.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import pandas as pd
import pyarrow as pa

import rt_pandas
from rt_pandas import anomaly, quality, transforms
from rt_pandas.anomaly import IsolationForest, StreamingDetector
from rt_pandas.quality import QualityState

_RNG = np.random.default_rng(11)
VALUES = np.round(_RNG.normal(0.0, 2.0, 64), 3)
VALUES[[5, 40]] = [25.0, -30.0]  # outliers
POSITIVE = np.abs(VALUES) + 0.25
UNIT = np.clip(VALUES / 40.0, -0.99, 0.99)
SERIES = pd.Series(VALUES, dtype="Float64")
SERIES[[3, 17]] = pd.NA
ARROW = pa.array(VALUES).slice(3)  # an Arrow slice: offset 3
ARROW_NULLS = pa.array(np.where(np.arange(64) % 9 == 4, np.nan, VALUES), from_pandas=True).slice(3)  # bitmap at bit 3
FRAME = pd.DataFrame({
    "temperature": SERIES,
    "city": pd.Series(["oslo", "rome", None, "lima"] * 16, dtype="string"),
    "kind": pd.Categorical(["a", "b", "a", "c"] * 16),
    "count": np.arange(64, dtype=np.int64) % 7,
})
MATRIX = np.c_[VALUES, np.roll(VALUES, 7)]
SEASONAL = 10 + np.sin(np.arange(96) * 2 * math.pi / 12) + _RNG.normal(0, 0.05, 96)
SEASONAL[50] += 6.0
IMAGE = (np.arange(8 * 8 * 3) % 251).astype(np.float32).reshape(8, 8, 3) / 251
IMAGE_U8 = (np.arange(8 * 8 * 3) % 251).astype(np.uint8).reshape(8, 8, 3)


def plain(value: Any) -> Any:
    """Results as nested lists / dicts / floats, NaN and NA as None, for comparison."""
    if isinstance(value, rt_pandas.QualityReport):
        return plain(value.to_dict())
    if isinstance(value, (pd.Series, pd.Index)):
        return [plain(v) for v in value.astype(object).tolist()] + [plain(list(getattr(value, "index", [])))]
    if isinstance(value, pd.DataFrame):
        return {str(c): plain(value[c]) for c in value.columns}
    if isinstance(value, (pa.Array, pa.ChunkedArray)):
        return plain(value.to_pylist())
    if isinstance(value, rt_pandas.Tensor):
        return plain(value.numpy())
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()] + [list(value.shape), str(value.dtype)]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (np.generic,)):
        return plain(value.item())
    if value is pd.NA or value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def same(a: Any, b: Any) -> bool:
    """Whether two results are equal, bit for bit (NaN equal to NaN)."""
    return plain(a) == plain(b)


# --- calls that need more than one line ----------------------------------


def _quality_state() -> Any:
    first, second = QualityState(ranges={"temperature": (-5, 5)}), QualityState(ranges={"temperature": (-5, 5)})
    first.update(FRAME.iloc[:40, :2])
    second.update(FRAME.iloc[40:, :2])
    merged = first.merge(second)
    return [merged.finalize(), QualityState.from_bytes(merged.to_bytes()).finalize()]


def _isolation_forest() -> Any:
    forest = IsolationForest(n_estimators=8, max_samples=32, random_state=3).fit(MATRIX)
    restored = IsolationForest.from_bytes(forest.to_bytes())
    return [forest.score_samples(MATRIX), forest.predict(MATRIX), forest.explain(MATRIX[:4]),
            restored.decision_function(MATRIX[:4])]


def _streaming() -> Any:
    detector = StreamingDetector(threshold=2.5, window_size=8)
    records = [detector.update(v) for v in VALUES[:20]]
    scores = detector.update_many(VALUES[20:])
    restored = StreamingDetector.from_bytes(detector.to_bytes())
    statistics = [{k: v for k, v in d.statistics().items() if k != "throughput"} for d in (detector, restored)]
    return [records, scores, statistics, restored.update(99.0)]


def _pipeline() -> Any:
    pipeline = rt_pandas.Pipeline(["resize:4x4:bilinear", "center_crop:2x2",
                                   rt_pandas.Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25])])
    return [pipeline.execute(IMAGE), pipeline.execute(IMAGE)]  # the second comes from the cache


def _tensor() -> Any:
    tensor = rt_pandas.Tensor(VALUES[:12], shape=(3, 4), dtype=np.float32)
    out = [tensor.shape(), rt_pandas.math.sinh(tensor.data()), rt_pandas.clamp(tensor.data(), -1, 1)]
    tensor.free()
    return out


# --- the table --------------------------------------------------------------

PUBLIC_CALLS: list[tuple[str, Callable[[], Any]]] = [
    ("clamp numpy", lambda: rt_pandas.clamp(VALUES, -1, 1)),
    ("clamp float32", lambda: rt_pandas.clamp(VALUES.astype(np.float32), -1, 1)),
    ("clamp Series Float64", lambda: SERIES.rt.clamp(-1, 1)),
    ("clamp Arrow slice", lambda: rt_pandas.clamp(ARROW, -1, 1)),
    ("clamp Arrow slice with nulls", lambda: rt_pandas.clamp(ARROW_NULLS, -1, 1)),
    ("clamp DataFrame", lambda: FRAME[["temperature", "count"]].rt.clamp(0, 3)),
    *[(f"math.{name}", (lambda name=name, x=x: getattr(rt_pandas.math, name)(x)))
      for name, x in [("exp", UNIT), ("expm1", UNIT), ("log", POSITIVE), ("log1p", POSITIVE),
                      ("sinh", UNIT), ("cosh", UNIT), ("tanh", VALUES), ("asin", UNIT), ("acos", UNIT),
                      ("atan", VALUES), ("erf", VALUES), ("erfc", VALUES), ("gamma", POSITIVE),
                      ("lgamma", POSITIVE)]],
    ("math.sinh Series", lambda: SERIES.rt.sinh()),
    ("math.erf Arrow", lambda: rt_pandas.math.erf(ARROW)),
    ("atan2", lambda: rt_pandas.atan2(VALUES, np.roll(VALUES, 1))),
    ("atan2 Series", lambda: SERIES.rt.atan2(SERIES[::-1].reset_index(drop=True))),
    ("pow arrays", lambda: rt_pandas.math.pow(POSITIVE, UNIT)),
    ("pow scalar", lambda: rt_pandas.math.pow(POSITIVE, 1.5)),
    ("pow Series", lambda: SERIES.rt.pow(2.0)),
    ("completeness", lambda: quality.completeness(SERIES)),
    ("validity", lambda: quality.validity(FRAME["city"], r"^[a-z]+$")),
    ("accuracy", lambda: quality.accuracy(SERIES, -3, 3)),
    ("uniqueness", lambda: quality.uniqueness(FRAME["kind"])),
    ("consistency", lambda: quality.consistency(SERIES)),
    ("overall_quality", lambda: quality.overall_quality(SERIES, ranges=(-3, 3))),
    ("quality DataFrame", lambda: FRAME.rt.quality(ranges={"temperature": (-5, 5)})),
    ("quality Series", lambda: SERIES.rt.quality()),
    ("describe DataFrame", lambda: rt_pandas.describe(FRAME)),
    ("describe Series", lambda: SERIES.rt.describe(percentiles=[0.1, 0.9])),
    ("QualityState update/merge/bytes", _quality_state),
    *[(f"anomaly {method}", (lambda method=method: anomaly.anomaly_scores(SERIES, method=method)))
      for method in ("zscore", "iqr", "mad")],
    ("anomalies mad", lambda: SERIES.rt.anomalies(method="mad")),
    ("is_anomaly iqr", lambda: anomaly.is_anomaly(ARROW, method="iqr")),
    ("anomaly isolation_forest Series", lambda: anomaly.anomaly_scores(SERIES, method="isolation_forest",
                                                                       n_estimators=8, random_state=1)),
    ("anomalies isolation_forest DataFrame", lambda: pd.DataFrame(MATRIX, columns=["a", "b"]).rt.anomalies(
        n_estimators=8, random_state=1)),
    ("IsolationForest fit/score/bytes", _isolation_forest),
    ("StreamingDetector", _streaming),
    ("anomaly seasonal", lambda: anomaly.anomaly_scores(pd.Series(SEASONAL), method="seasonal", period=12)),
    ("anomaly seasonal causal", lambda: anomaly.anomaly_scores(pd.Series(SEASONAL), method="seasonal", period=12,
                                                               mode="causal")),
    ("seasonal_decompose", lambda: anomaly.seasonal_decompose(pd.Series(SEASONAL), period=12)),
    ("detect_period", lambda: anomaly.detect_period(SEASONAL)),
    ("normalize", lambda: transforms.normalize(IMAGE)),
    ("normalize uint8", lambda: transforms.normalize(IMAGE_U8, [0.5] * 3, [0.25] * 3)),
    ("resize bilinear", lambda: transforms.resize(IMAGE, 5, 3)),
    ("resize area", lambda: transforms.resize(IMAGE_U8, 4, 4, "area")),
    ("center_crop", lambda: transforms.center_crop(IMAGE, 4, 6)),
    ("Resize/CenterCrop/Normalize objects", lambda: rt_pandas.Normalize([0.5] * 3, [0.5] * 3)(
        rt_pandas.CenterCrop(4, 4)(rt_pandas.Resize(6, 6)(IMAGE)))),
    ("Pipeline", _pipeline),
    ("standardize", lambda: transforms.standardize(SERIES)),
    ("min_max", lambda: transforms.min_max(ARROW)),
    ("robust_scale", lambda: SERIES.rt.robust_scale()),
    ("Tensor", _tensor),
]
