"""Hostile bytes for every from_bytes: the versioned, checksummed envelope (rt/serial.h)
is checked before anything is parsed, so truncated, corrupted, foreign, future and
oversized inputs raise ValidationError naming what was wrong, on both backends.
Also: Arrow string offsets are validated before the C core reads a string."""

from __future__ import annotations

import io
import json
import struct

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import rt_pandas
from rt_pandas import ValidationError, _serial
from rt_pandas._backend import NULL, In, OutValue, get_backend
from rt_pandas.anomaly import IsolationForest, StreamingDetector
from rt_pandas.state import QualityState
from rt_pandas.transforms import CenterCrop, Normalize, Pipeline, Resize, Transform


def quality_state() -> QualityState:
    state = QualityState()
    state.update(pd.DataFrame({"x": [1.0, 2.0, None, 4.0], "s": ["a", "", None, "b"]}))
    return state


def isolation_forest() -> IsolationForest:
    return IsolationForest(n_estimators=4, max_samples=16, random_state=0).fit(
        np.random.default_rng(0).normal(size=(40, 2)))


def streaming_detector() -> StreamingDetector:
    detector = StreamingDetector(threshold=2.5, window_size=5)
    for value in [1.0, 2.0, np.nan, 1.5, 9.0, 1.2, 1.1]:
        detector.update(value)
    return detector


def pipeline() -> Pipeline:
    return Pipeline(["resize:4x4:area", CenterCrop(2, 2), Normalize([0.5], [0.25], layout="HWC")], cache_bytes=1 << 20)


# (make an object, its class, its envelope magic, its format version)
KINDS = {
    "QualityState": (quality_state, QualityState, _serial.QUALITY_STATE, 2),
    "IsolationForest": (isolation_forest, IsolationForest, _serial.ISOLATION_FOREST, 1),
    "StreamingDetector": (streaming_detector, StreamingDetector, int.from_bytes(b"RTSD", "little"), 2),
    "Pipeline": (pipeline, Pipeline, _serial.PIPELINE, 1),
}


def header(data: bytes) -> tuple[int, int, int, int, int]:
    """(magic, version, reserved, length, checksum) of an envelope."""
    return struct.unpack_from("<IHHQQ", data)


def with_header(data: bytes, **fields: int) -> bytes:
    magic, version, reserved, length, checksum = header(data)
    values = {"magic": magic, "version": version, "reserved": reserved, "length": length, "checksum": checksum}
    values.update(fields)
    return struct.pack("<IHHQQ", *values.values()) + data[24:]


def reseal(payload: bytes, magic: int, version: int) -> bytes:
    return _serial.seal(payload, magic, version)


@pytest.fixture(params=sorted(KINDS))
def kind(request, backend):
    return request.param


def test_round_trip(kind):
    make, cls, magic, version = KINDS[kind]
    data = make().to_bytes()
    assert header(data)[:4] == (magic, version, 0, len(data) - 24)
    assert cls.from_bytes(data).to_bytes() == data


@pytest.mark.parametrize("cut", [0, 1, 23, 24, -1])
def test_truncated(kind, cut):
    make, cls, *_ = KINDS[kind]
    data = make().to_bytes()
    with pytest.raises(ValidationError, match=f"not a serialised {kind}: truncated"):
        cls.from_bytes(data[:cut] if cut >= 0 else data[:cut])


def test_every_flipped_byte_is_caught(kind):
    make, cls, *_ = KINDS[kind]
    data = make().to_bytes()
    positions = sorted(set(np.linspace(24, len(data) - 1, 40).astype(int)) | {16, 23})
    for position in positions:
        broken = bytearray(data)
        broken[position] ^= 0x10
        with pytest.raises(ValidationError, match="checksum mismatch"):
            cls.from_bytes(bytes(broken))


def test_wrong_magic(kind):
    make, cls, *_ = KINDS[kind]
    data = make().to_bytes()
    with pytest.raises(ValidationError, match="wrong magic"):
        cls.from_bytes(with_header(data, magic=int.from_bytes(b"XXXX", "little")))
    other = next(k for k in KINDS if k != kind)
    with pytest.raises(ValidationError, match="wrong magic"):
        cls.from_bytes(KINDS[other][0]().to_bytes())


@pytest.mark.parametrize("version", [0, 99, 0xFFFF])
def test_wrong_version(kind, version):
    make, cls, *_ = KINDS[kind]
    with pytest.raises(ValidationError, match="unsupported format version"):
        cls.from_bytes(with_header(make().to_bytes(), version=version))


@pytest.mark.parametrize("length", [2**31, 2**63, 2**64 - 1])
def test_huge_declared_length(kind, length):
    make, cls, *_ = KINDS[kind]
    with pytest.raises(ValidationError, match="declared payload length exceeds"):
        cls.from_bytes(with_header(make().to_bytes(), length=length))


def test_trailing_bytes_and_reserved_field(kind):
    make, cls, *_ = KINDS[kind]
    data = make().to_bytes()
    with pytest.raises(ValidationError, match="trailing bytes"):
        cls.from_bytes(data + b"\0")
    with pytest.raises(ValidationError, match="reserved header field"):
        cls.from_bytes(with_header(data, reserved=1))


def test_not_bytes(kind):
    _, cls, *_ = KINDS[kind]
    with pytest.raises(ValidationError):
        cls.from_bytes("a string")


# -- resealed payloads: the checks behind the checksum ----------------------------------

def test_quality_state_payload_checks(backend):
    data = quality_state().to_bytes()
    magic, version = _serial.QUALITY_STATE, 2
    with pytest.raises(ValidationError, match="not a serialised QualityState"):
        QualityState.from_bytes(reseal(b"not an npz archive", magic, version))
    archive = np.load(io.BytesIO(data[24:]), allow_pickle=False)
    arrays = {name: archive[name] for name in archive.files}
    meta = json.loads(bytes(arrays["meta"]).decode())

    def rebuilt(**changes) -> bytes:
        buffer = io.BytesIO()
        np.savez(buffer, **{**arrays, **changes})
        return reseal(buffer.getvalue(), magic, version)

    # HLL registers the C core would read past: refused, not read.
    with pytest.raises(ValidationError, match="c0_hll"):
        QualityState.from_bytes(rebuilt(c0_hll=np.zeros(16, np.uint8)))
    with pytest.raises(ValidationError, match="c1_exact"):
        QualityState.from_bytes(rebuilt(c1_exact=np.zeros(3, np.float32)))
    broken = dict(meta, columns=[dict(meta["columns"][0], moments={"count": "many"})] + meta["columns"][1:])
    with pytest.raises(ValidationError, match="moments"):
        QualityState.from_bytes(rebuilt(meta=np.frombuffer(json.dumps(broken).encode(), np.uint8)))
    with pytest.raises(ValidationError, match="malformed payload"):
        QualityState.from_bytes(rebuilt(meta=np.frombuffer(json.dumps({**meta, "settings": {}}).encode(), np.uint8)))


def test_isolation_forest_structure_checked_behind_the_checksum(backend):
    data = isolation_forest().to_bytes()
    inner = bytearray(data[24 + 8:])  # the C core's own envelope around the trees
    n_trees = 4
    first_node = 24 + 8 * (4 + n_trees + 1)
    inner[first_node + 12:first_node + 16] = np.int32(10**6).tobytes()  # a right child outside the tree
    inner = reseal(bytes(inner[24:]), int.from_bytes(b"RTIF", "little"), 2)
    resealed = reseal(data[24:32] + inner, _serial.ISOLATION_FOREST, 1)
    with pytest.raises(ValidationError, match="malformed tree node"):
        IsolationForest.from_bytes(resealed)
    with pytest.raises(ValidationError, match="score offset is not finite"):
        IsolationForest.from_bytes(reseal(np.float64(np.nan).tobytes() + data[32:], _serial.ISOLATION_FOREST, 1))


@pytest.mark.parametrize("spec, message", [
    (b"\xff\xfe", "not JSON"),
    (b"[]", "missing format"),
    (b'{"format": "rt-pandas/pipeline", "cache": true, "transforms": [{"name": "os.system", "params": {}}]}',
     "unknown transform 'os.system'"),
    (b'{"format": "rt-pandas/pipeline", "cache": true, "transforms": [{"name": "resize", '
     b'"params": {"height": -1, "width": 2}}]}', "height must be positive"),
    (b'{"format": "rt-pandas/pipeline", "cache": true, "transforms": [{"name": "resize", '
     b'"params": {"height": 2, "width": 2, "evil": 1}}]}', "bad parameters"),
    (b'{"format": "rt-pandas/pipeline", "cache": true, "transforms": [{"name": "center_crop", '
     b'"params": {"height": 2, "width": 2, "layout": "XYZ"}}]}', "bad layout"),
    (b'{"format": "rt-pandas/pipeline", "cache": true, "cache_bytes": -5, "transforms": []}', "cache_bytes"),
])
def test_pipeline_payload_checks(backend, spec, message):
    with pytest.raises(ValidationError, match=message):
        Pipeline.from_bytes(reseal(spec, _serial.PIPELINE, 1))


def test_pipeline_round_trip_runs_the_same(backend):
    original = pipeline()
    copy = Pipeline.from_bytes(original.to_bytes())
    image = np.random.default_rng(1).random((8, 8, 1)).astype(np.float32)
    np.testing.assert_array_equal(copy.execute(image), original.execute(image))
    assert [t.key() for t in copy.transforms] == [t.key() for t in original.transforms]
    assert (copy.cache_enabled, copy.cache_bytes) == (original.cache_enabled, original.cache_bytes)
    assert isinstance(copy.transforms[0], Resize)


def test_custom_transforms_are_not_serialised():
    class Invert(Transform):
        name = "invert"

        def __call__(self, x):
            return 255 - x

        def key(self):
            return "invert"

    with pytest.raises(ValidationError, match="cannot be serialised"):
        Pipeline([Invert()]).to_bytes()


# -- Arrow string offsets --------------------------------------------------------------

def scan(data: np.ndarray, offsets: np.ndarray, length: int, offset: int = 0):
    return get_backend().run(
        "rt_quality_scan_strings", In(data) if len(data) else NULL, data.nbytes, In(offsets),
        offsets.dtype.itemsize, NULL, offset, length, NULL, NULL, NULL, OutValue("rt_string_counts"))


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
@pytest.mark.parametrize("offsets, message", [
    ([0, 3, 1, 4], "not monotonic"),
    ([-2, 1, 2, 3], "negative"),
    ([0, 1, 2, 9], "past the end"),
    ([0, 1, 2, 2**31 - 1], "past the end"),
])
def test_corrupt_string_offsets_are_rejected(backend, dtype, offsets, message):
    data = np.frombuffer(b"abcd", np.uint8)
    with pytest.raises(ValidationError, match=f"corrupt string offsets: .*{message}") as info:
        scan(data, np.array(offsets, dtype), 3)
    assert info.value.context == "rt_quality_scan_strings"


def test_valid_and_sliced_offsets_pass(backend):
    data = np.frombuffer(b"ab  cd", np.uint8)
    counts = scan(data, np.array([0, 2, 4, 6], np.int32), 2, offset=1)
    assert (counts["nulls"], counts["blank"]) == (0, 1)
    assert scan(np.zeros(0, np.uint8), np.array([0, 0, 0], np.int64), 2)["blank"] == 2


def test_arrow_array_with_corrupt_offsets(backend):
    good = pa.array(["abc", "de", "f"])
    offsets = pa.py_buffer(np.array([0, 3, 1, 6], np.int32).tobytes())
    corrupt = pa.StringArray.from_buffers(3, offsets, good.buffers()[2])
    with pytest.raises(ValidationError, match="corrupt string offsets"):
        pd.DataFrame({"s": pd.Series(corrupt, dtype=pd.ArrowDtype(pa.string()))}).rt.quality()
    assert rt_pandas is not None
