"""The versioned, checksummed envelope around every ``to_bytes()`` payload.

Bytes handed to ``from_bytes`` come from the network (Flight, Dask) and from
files: they are checked by the C core (``rt_envelope_open``, rt/serial.h)
before anything is parsed. An envelope is a 24-byte header - magic, format
version, payload length and an XXH64 checksum - followed by the payload, so
truncated, corrupted, foreign and future bytes all raise a
:class:`~rt_pandas.errors.ValidationError` that says which check failed.

>>> data = seal(b"payload", QUALITY_STATE, 2)
>>> bytes(open_envelope(data, QUALITY_STATE, 2, 2, "QualityState"))
b'payload'
>>> try:
...     open_envelope(data[:-1], QUALITY_STATE, 2, 2, "QualityState")
... except ValidationError as exc:
...     print(exc.message)
not a serialised QualityState: truncated: declared payload length exceeds the bytes given
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._backend import NULL, In, Out, OutValue, get_backend
from .errors import ValidationError

__all__ = ["seal", "open_envelope", "QUALITY_STATE", "PIPELINE", "ISOLATION_FOREST"]

HEADER_BYTES = 24  # RT_ENVELOPE_HEADER_BYTES


def _magic(text: bytes) -> int:
    """Four ASCII bytes as the little-endian uint32 the header stores."""
    return int.from_bytes(text, "little")


QUALITY_STATE = _magic(b"RTQS")
PIPELINE = _magic(b"RTPL")
ISOLATION_FOREST = _magic(b"RTPF")  # the Python wrapper (score offset + the C forest's own "RTIF" bytes)


def seal(payload: bytes, magic: int, version: int) -> bytes:
    """``payload`` in an envelope with ``magic`` and format ``version``."""
    backend = get_backend()
    buffer = backend.empty(HEADER_BYTES + len(payload), np.uint8)
    buffer[HEADER_BYTES:] = np.frombuffer(payload, np.uint8)
    backend.run("rt_envelope_seal", Out(buffer), len(buffer), magic, version, len(payload))
    return bytes(buffer)


def open_envelope(data: Any, magic: int, min_version: int, max_version: int, what: str) -> memoryview:
    """The payload of ``data`` after every envelope check; a ValidationError naming what was wrong otherwise."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ValidationError(f"not a serialised {what}: expected bytes, got {type(data).__name__}",
                              "from_bytes")
    raw = np.frombuffer(data, np.uint8)
    try:
        _, offset, length = get_backend().run(
            "rt_envelope_open", In(raw) if len(raw) else NULL, len(raw), magic, min_version, max_version,
            OutValue("int32_t"), OutValue("int64_t"), OutValue("int64_t"))
    except ValidationError as exc:
        raise ValidationError(f"not a serialised {what}: {exc.message}", "from_bytes") from None
    return memoryview(bytes(data))[offset:offset + length]
