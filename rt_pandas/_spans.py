"""How many bytes each pointer argument of the C ABI reaches, for the wasm bindings' bounds check.

A wasm host hands the core addresses in linear memory. Before a call, the
bindings (``WasmBackend`` in Python, ``wasm/src/core.js`` in JavaScript,
which gets this table as ``wasm/src/abi_spans.js`` from ``wasm/build.py``)
check that every non-NULL pointer argument and the bytes the kernel reads
or writes through it lie inside linear memory; anything else is a
ValidationError before the kernel runs (instead of a trap or a read of
another buffer's bytes past the end of memory).

``SPANS[function][parameter]`` is a byte count: factors joined by ``*``,
each an integer, a parameter name, a sum of them (``offset+length``), the
element size of a dtype parameter (``#dtype``) or a bit count rounded up to
bytes (``bits(offset+length)``). The counts are lower bounds where a size
is not a function of the arguments (a handle, a HyperLogLog register
array), so the check never refuses a valid call. A pointer parameter not
listed reaches 1 byte (its address must lie in memory); ``err`` reaches an
``rt_error`` (388 bytes). A negative count or one past int64 is not the
bindings' to judge: the core refuses those itself, natively as in wasm.

``wasm/build.py`` stores the table, resolved against the headers' parameter
lists (``_abi.pointer_spans``), in the module's custom section
``rt_pointer_spans``, so each rt_core.wasm carries the table of its own ABI.
This file is loaded by path by ``wasm/build.py``: it must not import the package.
"""

from __future__ import annotations

import json

SECTION = "rt_pointer_spans"  # custom section: {function: {"params": [names], "pointers": [[index, name, span]]}}

ERROR_BYTES = 388  # sizeof(rt_error)
DTYPE_BYTES = {1: 4, 2: 8, 3: 4, 4: 8, 5: 1}  # enum rt_dtype -> element size

_COLUMN = {"data": "offset+length*#dtype", "validity": "bits(offset+length)"}
_UNARY = {"data": "offset+length*#dtype", "out": "length*#dtype"}
_IMAGE = "batch*height*width*channels"

SPANS: dict[str, dict[str, str]] = {
    "rt_error_clear": {},
    "rt_bitmap_copy": {"src": "bits(src_offset+length)", "dst": "bits(length)"},
    "rt_bitmap_count_set": {"bits": "bits(offset+length)"},
    "rt_pool_alloc": {"out": "4"},
    "rt_pool_get_stats": {"out": "112"},
    "rt_pool_free": {"ptr": "1"},
    "rt_pool_capacity": {"ptr": "1"},
    **{f"rt_math_{name}": _UNARY for name in (
        "exp", "expm1", "log", "log1p", "sinh", "cosh", "tanh", "asin", "acos", "atan", "clamp",
        "erf", "erfc", "gamma", "lgamma")},
    "rt_math_atan2": {"y": "y_offset+length*#dtype", "x": "x_offset+length*#dtype", "out": "length*#dtype"},
    "rt_math_pow": {"x": "x_offset+length*#dtype", "y": "y_offset+length*#dtype", "out": "length*#dtype"},
    "rt_math_pow_scalar": {"x": "offset+length*#dtype", "out": "length*#dtype"},
    "rt_quality_count_values": {**_COLUMN, "out": "24"},
    "rt_quality_gather_keys": {**_COLUMN, "keys": "length*8", "n_keys": "8"},
    "rt_quality_sort_keys": {"keys": "n*8"},
    "rt_quality_sorted_profile": {"keys": "n*8", "out": "88"},
    "rt_quality_sorted_quantiles": {"keys": "n*8", "probs": "n_probs*8", "out": "n_probs*8"},
    "rt_quality_sorted_count_between": {"keys": "n*8", "out": "8"},
    "rt_quality_kll_compact": {"items": "n*8", "n_promoted": "8"},
    "rt_quality_key_profile": {"keys": "n*8", "probs": "n_probs*8", "quantiles": "n_probs*8", "out": "48"},
    "rt_quality_key_counts": {"keys": "n*8", "out": "48"},
    "rt_quality_scan_strings": {"data": "data_nbytes", "offsets": "offset+length+1*offset_width", "validity": "bits(offset+length)",
                                "value_hashes": "length*8", "shape_hashes": "length*8", "row_hashes": "length*8",
                                "out": "16"},
    "rt_quality_hash_rows": {**_COLUMN, "row_hashes": "length*8"},
    "rt_quality_sample_keys": {**_COLUMN, "bounds": "n_ranges*16", "in_range": "n_ranges*8",
                               "row_hashes": "length*8", "sample": "length*8", "n_sample": "8", "n_values": "8"},
    "rt_envelope_seal": {"buffer": "capacity"},
    "rt_envelope_open": {"data": "nbytes", "version": "4", "payload_offset": "8", "payload_len": "8"},
    "rt_hash_counter_new": {"out": "4"},
    "rt_hash_counter_add": {"keys": "offset+length*8", "validity": "bits(offset+length)"},
    "rt_hash_counter_summary": {"out": "24"},
    "rt_hash_counter_top": {"first_rows": "k*8", "counts": "k*8", "n_out": "8"},
    "rt_hll_add": {"keys": "offset+length*8", "validity": "bits(offset+length)"},
    "rt_hll_estimate": {"out": "8"},
    "rt_stats_moments": {**_COLUMN, "out": "64"},
    "rt_stats_moments_merge": {"a": "64", "b": "64", "out": "64"},
    "rt_stats_quantiles": {**_COLUMN, "probs": "n_probs*8", "out": "n_probs*8"},
    "rt_stats_median_mad": {**_COLUMN, "median": "8", "mad": "8"},
    "rt_anomaly_statistical": {**_COLUMN, "scores": "length*8", "flags": "length", "summary": "64"},
    "rt_anomaly_score_summary": {**_COLUMN, "summary": "64", "scores": "length*8", "flags": "length", "counts": "16"},
    "rt_anomaly_score_band": {**_COLUMN, "scores": "length*8", "flags": "length", "n_anomalies": "8"},
    "rt_anomaly_detector_new": {"out": "4"},
    "rt_anomaly_detector_update": {"out": "48"},
    "rt_anomaly_detector_last": {"out": "48"},
    "rt_anomaly_detector_update_many": {**_COLUMN, "scores": "length*8", "flags": "length", "n_anomalies": "8"},
    "rt_anomaly_detector_statistics": {"out": "64"},
    "rt_anomaly_detector_serialized_size": {"nbytes": "8"},
    "rt_anomaly_detector_serialize": {"out": "capacity"},
    "rt_anomaly_detector_deserialize": {"data": "nbytes", "out": "4"},
    "rt_iforest_fit": {"x": "n_rows*n_features*8", "out": "4"},
    "rt_iforest_score": {"x": "n_rows*n_features*8", "scores": "n_rows*8"},
    "rt_iforest_explain": {"x": "n_rows*n_features*8", "top_feature": "n_rows*4", "share": "n_rows*8"},
    "rt_iforest_info_get": {"out": "40"},
    "rt_iforest_serialized_size": {"nbytes": "8"},
    "rt_iforest_serialize": {"out": "capacity"},
    "rt_iforest_deserialize": {"data": "nbytes", "out": "4"},
    "rt_iforest_from_trees": {"tree_start": "n_trees+1*8", "out": "4"},
    "rt_anomaly_isolation_forest": {"x": "n_rows*n_features*8", "scores": "n_rows*8"},
    "rt_anomaly_stl": {"x": "n*8", "params": "80", "trend": "n*8", "seasonal": "n*8", "residual": "n*8"},
    "rt_anomaly_seasonal_causal": {"x": "n*8", "residual": "n*8", "scores": "n*8"},
    "rt_transform_normalize": {"data": f"{_IMAGE}*#dtype", "mean": "channels*8", "std": "channels*8",
                               "out": f"{_IMAGE}*4"},  # float32 or float64 out: 4 bytes is the lower bound
    "rt_transform_resize": {"data": f"{_IMAGE}*#dtype", "out": "batch*out_height*out_width*channels*#dtype"},
    "rt_transform_center_crop": {"data": f"{_IMAGE}*#dtype",
                                 "out": "batch*out_height*out_width*channels*#dtype"},
    "rt_transform_hash": {"data": "nbytes", "out": "8"},
    "rt_transform_hash128": {"data": "nbytes", "out": "16"},
}


def span_bytes(expression: str, arguments: dict[str, int]) -> int:
    """The byte count an expression of SPANS gives for these arguments.

    >>> span_bytes("offset+length*#dtype", {"offset": 2, "length": 3, "dtype": 2})
    40
    >>> span_bytes("bits(offset+length)", {"offset": 3, "length": 6})
    2
    """
    total = 1
    for factor in expression.split("*"):
        if factor.startswith("bits("):
            total *= (_sum(factor[5:-1], arguments) + 7) // 8
        elif factor.startswith("#"):
            total *= DTYPE_BYTES.get(arguments[factor[1:]], 0)
        else:
            total *= _sum(factor, arguments)
    return total


def _sum(terms: str, arguments: dict[str, int]) -> int:
    return sum(int(term) if term.isdigit() else int(arguments[term]) for term in terms.split("+"))


def sections(wasm: bytes):
    """(section id, first byte, end) of every section of a module's bytes."""
    if wasm[:4] != b"\0asm":
        raise ValueError("not a wasm module")
    pos = 8  # magic and version
    while pos < len(wasm):
        section_id = wasm[pos]
        size, pos = uleb(wasm, pos + 1)
        yield section_id, pos, pos + size
        pos += size


def read_section(wasm: bytes) -> dict:
    """The ``rt_pointer_spans`` table stored in a module's bytes, or {} if it has none."""
    for section_id, start, end in sections(wasm):
        if section_id == 0:
            name_length, name_at = uleb(wasm, start)
            if wasm[name_at:name_at + name_length] == SECTION.encode():
                return json.loads(wasm[name_at + name_length:end])
    return {}


def section_bytes(table: dict) -> bytes:
    """A custom section holding ``table`` (as ``read_section`` reads it back)."""
    name = SECTION.encode()
    body = _uleb_bytes(len(name)) + name + json.dumps(table, separators=(",", ":")).encode()
    return b"\0" + _uleb_bytes(len(body)) + body


def uleb(data: bytes, pos: int) -> tuple[int, int]:
    """The unsigned LEB128 number at ``data[pos]`` and the position after it."""
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def _uleb_bytes(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)
