"""Writes the seed corpus of the libFuzzer harnesses to tests/fuzz/corpus/<harness>/.

Each seed follows the byte layout its harness reads (tests/fuzz/harness/*.c):
valid serialised forests and detectors made by the native backend, column
views of every dtype with and without bitmaps, string arrays, envelopes and
image shapes, plus a few edge cases. Files named ``regression-*`` are inputs
that once crashed a harness; this script never touches them.

    python tests/fuzz/make_corpus.py          # rewrite the generated seeds
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

CORPUS = Path(__file__).resolve().parent / "corpus"


def u8(v: int) -> bytes:
    return struct.pack("<B", v & 0xFF)


def u16(v: int) -> bytes:
    return struct.pack("<H", v)


def u32(v: int) -> bytes:
    return struct.pack("<I", v & 0xFFFFFFFF)


def f64(v: float) -> bytes:
    return struct.pack("<d", v)


def column_seed(simd: int, dtype: int, values: np.ndarray, offset: int, validity: bytes | None,
                params: bytes = b"") -> bytes:
    """fuzz_column: simd, dtype, offset, length, has-validity, bitmap, values, then per-kernel parameters."""
    length = len(values) - offset
    head = u8(simd) + u8(dtype) + u32(offset) + u32(length) + u8(1 if validity is not None else 0)
    return head + (validity or b"") + values.tobytes() + params


def column_seeds() -> dict[str, bytes]:
    rng = np.random.default_rng(11)
    normal = rng.normal(size=40)
    special = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 1e308, -1e-308, 5e-324, 1.0, 1.0, 2.0, np.nan])
    params = u8(1) + u32(3) + f64(0.25) * 3 + u8(3) + u8(0) + u8(40) + u32(8) + f64(-1.0) + f64(1.0) + u8(2)
    return {
        "float64-normal": column_seed(0, 2, normal, 0, None, params),
        "float64-special-sliced-bitmap": column_seed(2, 2, special, 3, bytes([0b10110111, 0b00001111]), params),
        "float32-avx2": column_seed(1, 1, normal.astype(np.float32), 5, None, params),
        "int32-bitmap": column_seed(1, 3, rng.integers(-5, 5, 30, dtype=np.int32), 2, bytes([0xAA] * 4), params),
        "int64-extremes": column_seed(2, 4, np.array([-2**63, 2**63 - 1, 0, 7, 7], np.int64), 0, None, params),
        "uint8-all-null": column_seed(0, 5, np.arange(20, dtype=np.uint8), 4, bytes(3), params),
        "unknown-dtype": column_seed(0, 6, np.arange(9, dtype=np.uint8), 0, None, b"\x01" * 16),
        "empty": column_seed(0, 2, np.zeros(0), 0, None),
    }


def strings_seed(flags: int, offset: int, length: int, data: bytes, steps: list[int],
                 validity: bytes | None = None) -> bytes:
    """fuzz_strings: flags, offset, length, data size, offsets mode (1 = stepped), start, steps, bitmap, data."""
    return (u8(flags) + u32(offset) + u32(length) + u32(len(data)) + u8(1) + u32(0) + bytes(steps)
            + (validity or b"") + data)


def strings_seeds() -> dict[str, bytes]:
    text = "a  ab-12xy-99\u00a0a caf\u00e9 \u2003 Z9".encode()
    steps = [1, 2, 0, 0, 5, 5, 2, 1, 2, 5, 2, 3]
    return {
        "utf8-int32": strings_seed(0b1100, 0, 11, text, steps),
        "utf8-int64-bitmap": strings_seed(0b1111, 1, 10, text, steps, bytes([0xF7, 0x07])),
        "all-empty": strings_seed(0b0100, 0, 4, b"", [0, 0, 0, 0, 0]),
        "decreasing": strings_seed(0b0100, 0, 3, b"abcdef", [2, 0xFF, 3, 1]),
        "past-end": strings_seed(0b0101, 0, 2, b"abc", [1, 0xFE, 1]),
        "raw-negative": u8(0) + u32(0) + u32(2) + u32(4) + u8(0) + u32(0xFFFFFFF0) + u32(1) + u32(2) + b"abcd",
    }


def framed(mode: int, body: bytes) -> bytes:
    """fuzz_iforest / fuzz_detector: mode, a 2-byte length, then the bytes (serialised or payload)."""
    return u8(mode) + u16(len(body)) + body


def c_bytes(backend, size_function: str, serialize_function: str, handle: int) -> bytes:
    from rt_pandas._backend import Out, OutValue, Ptr

    nbytes = backend.run(size_function, Ptr(handle), OutValue("int64_t"))
    out = backend.empty(nbytes, np.uint8)
    backend.run(serialize_function, Ptr(handle), Out(out), nbytes)
    return bytes(out)


def iforest_seeds() -> dict[str, bytes]:
    from rt_pandas.anomaly import IsolationForest

    rng = np.random.default_rng(3)
    seeds = {}
    for name, (rows, features, trees, samples) in {"small": (16, 2, 2, 8), "wide": (12, 5, 3, 6),
                                                  "one-tree": (4, 1, 1, 4)}.items():
        forest = IsolationForest(n_estimators=trees, max_samples=samples, random_state=1)
        forest.fit(rng.normal(size=(rows, features)))
        data = c_bytes(forest._backend, "rt_iforest_serialized_size", "rt_iforest_serialize", forest._handle)
        seeds[f"{name}-serialised"] = framed(0, data) + u8(3) + rng.normal(size=3 * features).tobytes()
        seeds[f"{name}-payload"] = framed(1, data[24:]) + u8(2)
    seeds["from-trees"] = u8(2) + u32(3) + u32(3) + u32(10) + bytes([3, 0, 1, 0, 3, 0]) + bytes(range(64))
    seeds["truncated"] = framed(0, data[:40])
    return seeds


def detector_seeds() -> dict[str, bytes]:
    from rt_pandas.anomaly import StreamingDetector

    seeds = {}
    for name, (window, values) in {"warm": (4, [1.0, 2.0, 1.5, 9.0, 1.0, float("nan")]),
                                   "cold": (8, [3.0])}.items():
        detector = StreamingDetector(threshold=2.0, window_size=window)
        for v in values:
            detector.update(v)
        data = c_bytes(detector._backend, "rt_anomaly_detector_serialized_size", "rt_anomaly_detector_serialize",
                       detector._handle)
        more = u32(4) + b"".join(u8(1) + f64(v) for v in (1.0, 50.0, -3.0, float("inf")))
        seeds[f"{name}-serialised"] = framed(0, data) + more
        seeds[f"{name}-payload"] = framed(1, data[24:]) + more
    seeds["wrong-magic"] = framed(0, b"XXXX" + data[4:])
    return seeds


def envelope_seeds() -> dict[str, bytes]:
    from rt_pandas import _serial

    seeds = {}
    for name, (magic, version, payload) in {"quality": (_serial.QUALITY_STATE, 2, b"npz-bytes"),
                                            "pipeline": (_serial.PIPELINE, 1, b'{"transforms": []}'),
                                            "empty-payload": (0, 1, b"")}.items():
        sealed = _serial.seal(payload, magic, version)
        seeds[name] = u32(magic) + u16(1) + u16(3) + sealed
    seeds["huge-length"] = u32(0) + u16(1) + u16(1) + u32(0) + u16(1) + u16(0) + b"\xff" * 8 + bytes(8)
    return seeds


def transform_seeds() -> dict[str, bytes]:
    """fuzz_transform: simd, dtype, layout, interpolation, op, six dimensions, then pixels."""
    def seed(simd, dtype, layout, interp, op, dims, pixels=b""):
        return bytes([simd, dtype, layout, interp, op, *dims]) + pixels

    rng = np.random.default_rng(5)
    pixels = rng.integers(0, 256, 400, dtype=np.uint8).tobytes()
    return {
        "resize-u8-bilinear": seed(2, 5, 0, 1, 0, [1, 6, 5, 3, 3, 4], pixels),
        "resize-f32-area-chw": seed(1, 1, 1, 3, 0, [2, 4, 4, 1, 2, 2], pixels),
        "resize-bicubic-grow": seed(0, 1, 0, 2, 0, [1, 3, 3, 1, 7, 5], pixels),
        "crop-pad": seed(0, 4, 0, 0, 1, [1, 3, 2, 2, 5, 5], pixels),
        "normalize-f64": seed(2, 2, 1, 0, 2, [1, 2, 2, 3, 0, 0], pixels),
        "overflowing-shape": seed(0, 1, 0, 1, 0, [0xF2, 0xF2, 0xF2, 0xF2, 2, 2]),
        "negative-size": seed(0, 5, 0, 1, 1, [1, 0xF0, 0, 0, 0, 2, 2, 1, 1]),
    }


def main() -> None:
    families = {"fuzz_column": column_seeds, "fuzz_strings": strings_seeds, "fuzz_iforest": iforest_seeds,
                "fuzz_detector": detector_seeds, "fuzz_envelope": envelope_seeds,
                "fuzz_transform": transform_seeds}
    total = 0
    for harness, make in families.items():
        folder = CORPUS / harness
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("seed-*"):
            old.unlink()
        for name, data in make().items():
            (folder / f"seed-{name}").write_bytes(data)
            total += len(data)
    print(f"wrote the seed corpus to {CORPUS} ({total} bytes of seeds)")


if __name__ == "__main__":
    main()
