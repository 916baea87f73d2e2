"""Image and tensor transforms, cached pipelines, and column scalers.

Image transforms run in the C core (``csrc/transform/``, SIMD) on uint8,
float32 (and, where noted, float64) images in HWC or CHW layout, one image
or a whole batch per call: numpy arrays, :class:`~rt_pandas.Tensor` objects
and Arrow tensor columns (see ``rt_pandas._images``). Results come back in
the caller's kind.

* :func:`normalize` / :class:`Normalize`: ``(x * pixel_scale - mean) / std`` per channel;
* :func:`resize` / :class:`Resize`: nearest, bilinear, bicubic or area, matching OpenCV's ``cv2.resize``;
* :func:`center_crop` / :class:`CenterCrop`: torchvision's center crop, zero padding when larger;
* :class:`Pipeline`: transforms in order, with a content-addressed LRU cache and statistics;
* :func:`standardize`, :func:`min_max`, :func:`robust_scale`: null-aware column scalers.

>>> import numpy as np, rt_pandas
>>> image = np.arange(16, dtype=np.float32).reshape(4, 4, 1)
>>> rt_pandas.transforms.resize(image, 2, 2, "area")[..., 0]
array([[ 2.5,  4.5],
       [10.5, 12.5]], dtype=float32)
"""

from __future__ import annotations

import json
import math
import numbers
import time
from collections import OrderedDict
from typing import Any, Callable, Sequence

import numpy as np

from . import _serial
from ._backend import NULL, In, InValue, Out, OutValue, get_backend
from ._columns import DTYPE_CODES, as_columns, float_values, shifted_validity, unpack_bits, wrap_like
from ._images import ImageInput, image_input
from .errors import ValidationError

__all__ = [
    "CenterCrop",
    "Normalize",
    "Pipeline",
    "Resize",
    "Transform",
    "center_crop",
    "min_max",
    "normalize",
    "register_transform",
    "registered_transforms",
    "resize",
    "robust_scale",
    "standardize",
]

INTERPOLATIONS = {"nearest": 0, "bilinear": 1, "bicubic": 2, "area": 3}
# dtypes resize takes: bilinear, bicubic and area; nearest (which only copies values) also the rest
RESIZE_DTYPES = (np.dtype(np.uint8), np.dtype(np.float32))
NEAREST_DTYPES = RESIZE_DTYPES + (np.dtype(np.float64), np.dtype(np.int32), np.dtype(np.int64))
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


# ---- argument checks ------------------------------------------------------

def _size(value: Any, name: str, function: str) -> int:
    if type(value) is not int and (isinstance(value, bool) or not isinstance(value, numbers.Integral)):
        raise ValidationError(f"{name} must be an integer, got {value!r}", function)
    if value <= 0:
        raise ValidationError(f"{name} must be positive, got {value}", function)
    if value >= 2**31:
        raise ValidationError(f"{name} must be below 2**31, got {value}", function)
    return int(value)


def _per_channel(values: Any, name: str, function: str) -> tuple[float, ...]:
    if isinstance(values, numbers.Real) and not isinstance(values, bool):
        values = (values,)
    try:
        floats = tuple(float(v) for v in values)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{name} must be a number or a sequence of numbers, got {values!r}", function) from exc
    if not floats:
        raise ValidationError(f"{name} must not be empty", function)
    if not all(np.isfinite(floats)):
        raise ValidationError(f"{name} must be finite, got {floats}", function)
    return floats


def _interpolation(name: Any, function: str) -> int:
    if name not in INTERPOLATIONS:
        raise ValidationError(f"unknown interpolation {name!r}; choose one of {sorted(INTERPOLATIONS)}", function)
    return INTERPOLATIONS[name]


def _kernel_dtype(image_dtype: np.dtype, allowed: Sequence[Any], function: str) -> int:
    if image_dtype not in allowed:  # compares as dtypes: np.dtype("<f4") == np.float32
        names = ", ".join(np.dtype(a).name for a in allowed)
        raise ValidationError(f"{function} takes {names} images, got {image_dtype}; cast first", function)
    return DTYPE_CODES[image_dtype]


def _apply(source: ImageInput, kernel: Callable, out_dtype: Callable[[np.dtype], np.dtype],
           out_size: Callable[[Any], tuple[int, int]]) -> Any:
    """Run ``kernel(backend, batch, out)`` per batch into a pool buffer and rebuild the caller's kind."""
    backend = get_backend()
    results, shapes = [], []
    for batch in source.batches:
        height, width = out_size(batch)
        shape = batch.image_shape(height, width)
        dtype = out_dtype(batch.values.dtype)
        values = batch.batch * math.prod(shape)  # Python ints: no overflow before the check below
        if values * dtype.itemsize >= 2**62:
            raise ValidationError(f"the output of {values} values is too large", "transforms")
        out = backend.empty(values, dtype)
        if batch.batch:
            kernel(backend, batch, out)
        results.append(out)
        shapes.append(shape)
    return source.rebuild(results, shapes)


# ---- the image functions --------------------------------------------------

def normalize(x: Any, mean: Any = IMAGENET_MEAN, std: Any = IMAGENET_STD, *, layout: str = "HWC",
              pixel_scale: float | None = None, image_shape=None) -> Any:
    """Per-channel ``(x * pixel_scale - mean[c]) / std[c]``.

    Parameters
    ----------
    x : image array, Tensor or Arrow tensor column
        uint8, float32 or float64; see ``rt_pandas._images`` for shapes.
    mean, std : float or sequence of float
        One value per channel (or one for all). ``std`` must not be 0.
        Defaults: the ImageNet statistics for values in [0, 1].
    layout : {"HWC", "CHW"}
    pixel_scale : float, optional
        Multiplies the input first. Default: 1/255 for uint8 (so the ImageNet
        defaults apply to 8-bit images), 1 for floats.
    image_shape : tuple, optional
        Row shape of a fixed-size list column.

    Returns
    -------
    The caller's kind; float32 (float64 for float64 input). NaN input gives
    NaN output.

    Raises
    ------
    ValidationError
        A zero or non-finite std, mean/std of the wrong length, a bad shape,
        layout or dtype.

    Examples
    --------
    >>> import numpy as np
    >>> normalize(np.array([[[0, 255]]], dtype=np.uint8), mean=[0.5, 0.5], std=[0.5, 0.25])
    array([[[-1.,  2.]]], dtype=float32)
    """
    function = "normalize"
    mean = _per_channel(mean, "mean", function)
    std = _per_channel(std, "std", function)
    if any(s == 0 for s in std):
        raise ValidationError("std must not be 0", function)
    source = image_input(x, layout, function, get_backend(), image_shape)

    def kernel(backend, batch, out):
        dtype = _kernel_dtype(batch.values.dtype, (np.uint8, np.float32, np.float64), function)
        means, stds = (_broadcast(values, batch.channels, name, function)
                       for values, name in ((mean, "mean"), (std, "std")))
        scale = pixel_scale if pixel_scale is not None else (1 / 255 if batch.values.dtype == np.uint8 else 1.0)
        backend.run("rt_transform_normalize", dtype, In(batch.values), batch.batch, batch.height, batch.width,
                    batch.channels, batch.layout, In(means), In(stds), float(scale), Out(out))

    def out_dtype(dtype):
        _kernel_dtype(dtype, (np.uint8, np.float32, np.float64), function)
        return np.dtype(np.float64 if dtype == np.float64 else np.float32)

    return _apply(source, kernel, out_dtype, lambda batch: (batch.height, batch.width))


def _broadcast(values: tuple[float, ...], channels: int, name: str, function: str) -> np.ndarray:
    if len(values) == 1:
        values = values * channels
    if len(values) != channels:
        raise ValidationError(f"{name} has {len(values)} values for {channels} channels", function)
    return np.array(values, dtype=np.float64)


def resize(x: Any, height: int, width: int, interpolation: str = "bilinear", *, layout: str = "HWC",
           image_shape=None) -> Any:
    """Resize images to ``height x width``, as OpenCV's ``cv2.resize`` does.

    Parameters
    ----------
    x : image array, Tensor or Arrow tensor column
        uint8 or float32 (nearest also takes float64, int32 and int64).
    height, width : int
        Output size, positive.
    interpolation : {"nearest", "bilinear", "bicubic", "area"}
        OpenCV's INTER_NEAREST, INTER_LINEAR, INTER_CUBIC and INTER_AREA,
        with their pixel-centre conventions (see docs/transforms.md): no
        antialiasing except "area", which averages when shrinking.
    layout : {"HWC", "CHW"}
    image_shape : tuple, optional
        Row shape of a fixed-size list column.

    Returns
    -------
    The caller's kind, same dtype. uint8 results are rounded and saturated.

    Examples
    --------
    >>> import numpy as np
    >>> resize(np.array([[0, 100]], dtype=np.uint8), 1, 4)
    array([[  0,  25,  75, 100]], dtype=uint8)
    >>> resize(np.arange(4.0, dtype=np.float32).reshape(1, 4), 1, 2, "nearest")
    array([[0., 2.]], dtype=float32)
    """
    function = "resize"
    height = _size(height, "height", function)
    width = _size(width, "width", function)
    code = _interpolation(interpolation, function)
    allowed = RESIZE_DTYPES if code else NEAREST_DTYPES
    source = image_input(x, layout, function, get_backend(), image_shape)

    def kernel(backend, batch, out):  # after out_dtype checked the dtype
        backend.run("rt_transform_resize", DTYPE_CODES[batch.values.dtype], In(batch.values), batch.batch,
                    batch.height, batch.width, batch.channels, batch.layout, height, width, code, Out(out))

    def out_dtype(dtype):
        _kernel_dtype(dtype, allowed, function)
        return dtype

    return _apply(source, kernel, out_dtype, lambda batch: (height, width))


def center_crop(x: Any, height: int, width: int, *, layout: str = "HWC", image_shape=None) -> Any:
    """The central ``height x width`` window, as torchvision's ``center_crop``.

    The window's top row is ``round((H - height) / 2)`` (ties to even, as
    Python rounds); a window larger than the image pads with zeros,
    ``(height - H) // 2`` rows before and the rest after (columns alike).

    Examples
    --------
    >>> import numpy as np
    >>> center_crop(np.arange(16).reshape(4, 4), 2, 2)
    array([[ 5,  6],
           [ 9, 10]])
    >>> center_crop(np.ones((1, 1), np.uint8), 2, 3)
    array([[0, 1, 0],
           [0, 0, 0]], dtype=uint8)
    """
    function = "center_crop"
    height = _size(height, "height", function)
    width = _size(width, "width", function)
    allowed = (np.uint8, np.float32, np.float64, np.int32, np.int64)
    source = image_input(x, layout, function, get_backend(), image_shape)

    def kernel(backend, batch, out):
        dtype = _kernel_dtype(batch.values.dtype, allowed, function)
        backend.run("rt_transform_center_crop", dtype, In(batch.values), batch.batch, batch.height, batch.width,
                    batch.channels, batch.layout, height, width, Out(out))

    def out_dtype(dtype):
        _kernel_dtype(dtype, allowed, function)
        return dtype

    return _apply(source, kernel, out_dtype, lambda batch: (height, width))


# ---- transform objects and the registry -----------------------------------

class Transform:
    """A callable image transform with a name and a parameter string.

    ``key()`` must change whenever the output could: the pipeline cache uses
    it. Subclass and implement ``__call__`` and ``key`` to add your own, and
    :func:`register_transform` it to use it by name.
    """

    name = "transform"

    def __call__(self, x: Any) -> Any:
        raise NotImplementedError

    def key(self) -> str:
        raise NotImplementedError

    def params(self) -> dict[str, Any]:
        """The constructor's keyword arguments as JSON values, for :meth:`Pipeline.to_bytes`.
        Only the built-in transforms have them; others cannot be serialised."""
        raise ValidationError(f"{type(self).__name__} cannot be serialised: only the built-in transforms "
                              f"({', '.join(sorted(_SERIALISABLE))}) can", "Pipeline.to_bytes")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key()})"


class Normalize(Transform):
    """:func:`normalize` as an object (the browser's ``WasmNormalize``).

    >>> import numpy as np
    >>> Normalize(mean=[0.5], std=[0.5])(np.ones((1, 2, 1), np.float32))[..., 0]
    array([[1., 1.]], dtype=float32)
    """

    name = "normalize"

    def __init__(self, mean: Any = IMAGENET_MEAN, std: Any = IMAGENET_STD, *, layout: str = "HWC",
                 pixel_scale: float | None = None) -> None:
        self.mean = _per_channel(mean, "mean", "Normalize")
        self.std = _per_channel(std, "std", "Normalize")
        if any(s == 0 for s in self.std):
            raise ValidationError("std must not be 0", "Normalize")
        self.layout = layout
        self.pixel_scale = pixel_scale

    def __call__(self, x: Any) -> Any:
        return normalize(x, self.mean, self.std, layout=self.layout, pixel_scale=self.pixel_scale)

    def key(self) -> str:
        return f"normalize:{self.mean!r}:{self.std!r}:{self.layout}:{self.pixel_scale!r}"

    def params(self) -> dict[str, Any]:
        return {"mean": list(self.mean), "std": list(self.std), "layout": self.layout, "pixel_scale": self.pixel_scale}


class Resize(Transform):
    """:func:`resize` as an object (the browser's ``WasmResize``).

    >>> import numpy as np
    >>> Resize(1, 1, "area")(np.array([[1.0, 3.0]], np.float32))
    array([[2.]], dtype=float32)
    """

    name = "resize"

    def __init__(self, height: int, width: int, interpolation: str = "bilinear", *, layout: str = "HWC") -> None:
        self.height = _size(height, "height", "Resize")
        self.width = _size(width, "width", "Resize")
        _interpolation(interpolation, "Resize")
        self.interpolation = interpolation
        self.layout = layout

    def __call__(self, x: Any) -> Any:
        return resize(x, self.height, self.width, self.interpolation, layout=self.layout)

    def key(self) -> str:
        return f"resize:{self.height}x{self.width}:{self.interpolation}:{self.layout}"

    def params(self) -> dict[str, Any]:
        return {"height": self.height, "width": self.width, "interpolation": self.interpolation, "layout": self.layout}


class CenterCrop(Transform):
    """:func:`center_crop` as an object.

    >>> import numpy as np
    >>> CenterCrop(1, 1)(np.arange(9).reshape(3, 3))
    array([[4]])
    """

    name = "center_crop"

    def __init__(self, height: int, width: int, *, layout: str = "HWC") -> None:
        self.height = _size(height, "height", "CenterCrop")
        self.width = _size(width, "width", "CenterCrop")
        self.layout = layout

    def __call__(self, x: Any) -> Any:
        return center_crop(x, self.height, self.width, layout=self.layout)

    def key(self) -> str:
        return f"center_crop:{self.height}x{self.width}:{self.layout}"

    def params(self) -> dict[str, Any]:
        return {"height": self.height, "width": self.width, "layout": self.layout}


# The transforms Pipeline.from_bytes rebuilds, by name: nothing else is ever constructed from bytes.
_SERIALISABLE: dict[str, type] = {"normalize": Normalize, "resize": Resize, "center_crop": CenterCrop}


def _parse_size(text: str, function: str) -> tuple[int, int]:
    """ "224x160" -> (224, 160) as (height, width); "224" -> (224, 224)."""
    parts = text.lower().split("x")
    try:
        sizes = [int(p) for p in parts]
    except ValueError as exc:
        raise ValidationError(f"size must look like HEIGHTxWIDTH or SIZE, got {text!r}", function) from exc
    if len(sizes) == 1:
        sizes *= 2
    if len(sizes) != 2:
        raise ValidationError(f"size must look like HEIGHTxWIDTH or SIZE, got {text!r}", function)
    return sizes[0], sizes[1]


def _parse_floats(text: str, function: str) -> tuple[float, ...]:
    try:
        return tuple(float(v) for v in text.split(","))
    except ValueError as exc:
        raise ValidationError(f"expected comma-separated numbers, got {text!r}", function) from exc


def _resize_from_spec(size: str = "224x224", interpolation: str = "bilinear", layout: str = "HWC") -> Resize:
    return Resize(*_parse_size(size, "resize"), interpolation, layout=layout)


def _crop_from_spec(size: str = "224x224", layout: str = "HWC") -> CenterCrop:
    return CenterCrop(*_parse_size(size, "center_crop"), layout=layout)


def _normalize_from_spec(mean: str | None = None, std: str | None = None, layout: str = "HWC") -> Normalize:
    return Normalize(_parse_floats(mean, "normalize") if mean else IMAGENET_MEAN,
                     _parse_floats(std, "normalize") if std else IMAGENET_STD, layout=layout)


_REGISTRY: dict[str, Callable[..., Transform]] = {
    "normalize": _normalize_from_spec,
    "resize": _resize_from_spec,
    "center_crop": _crop_from_spec,
}


def register_transform(name: str, factory: Callable[..., Transform]) -> None:
    """Make ``"name:arg1:arg2"`` build ``factory("arg1", "arg2")`` in pipelines.

    The factory gets the ``:``-separated fields after the name as strings
    (none for a bare name) and returns a :class:`Transform`.

    >>> class Invert(Transform):
    ...     name = "invert"
    ...     def __call__(self, x):
    ...         return 255 - x
    ...     def key(self):
    ...         return "invert"
    >>> register_transform("invert", Invert)
    >>> import numpy as np
    >>> Pipeline(["invert"]).execute(np.zeros((1, 1), np.uint8))
    array([[255]], dtype=uint8)
    """
    if not isinstance(name, str) or not name or ":" in name:
        raise ValidationError(f"a transform name is a non-empty string without ':', got {name!r}",
                              "register_transform")
    if not callable(factory):
        raise ValidationError("factory must be callable", "register_transform")
    _REGISTRY[name] = factory


def registered_transforms() -> list[str]:
    """Names usable in pipelines.

    >>> [name for name in registered_transforms() if name in ("normalize", "resize", "center_crop")]
    ['center_crop', 'normalize', 'resize']
    """
    return sorted(_REGISTRY)


def transform_from_spec(spec: str) -> Transform:
    """Build a transform from ``"name[:arg...]"``: ``"resize:224x224:bilinear"``,
    ``"center_crop:200"``, ``"normalize:0.5,0.5,0.5:0.2,0.2,0.2"``; a bare name
    uses the defaults (224x224 bilinear, 224x224, ImageNet mean and std).

    >>> transform_from_spec("resize:128x96:area")
    Resize(resize:128x96:area:HWC)
    """
    if not isinstance(spec, str):
        raise ValidationError(f"a transform is a Transform or a 'name:args' string, got {spec!r}", "Pipeline")
    name, *args = spec.split(":")
    if name not in _REGISTRY:
        raise ValidationError(f"unknown transform {name!r}; registered: {registered_transforms()}", "Pipeline")
    try:
        transform = _REGISTRY[name](*args)
    except TypeError as exc:
        raise ValidationError(f"bad arguments for {name!r} in {spec!r}: {exc}", "Pipeline") from exc
    return transform


# ---- the pipeline ---------------------------------------------------------

PIPELINE_FORMAT_VERSION = 1


def _transform_from_params(entry: Any) -> Transform:
    """A built-in transform from its serialised ``{"name", "params"}``; anything else is a ValidationError."""
    if not isinstance(entry, dict) or not isinstance(entry.get("params"), dict):
        raise ValidationError(f"not a serialised Pipeline: a transform must be {{name, params}}, got {entry!r}",
                              "from_bytes")
    name = entry.get("name")
    if name not in _SERIALISABLE:
        raise ValidationError(f"not a serialised Pipeline: unknown transform {name!r}", "from_bytes")
    params = entry["params"]
    if params.get("layout", "HWC") not in ("HWC", "CHW"):
        raise ValidationError(f"not a serialised Pipeline: bad layout {params['layout']!r}", "from_bytes")
    scale = params.get("pixel_scale")
    if scale is not None and (isinstance(scale, bool) or not isinstance(scale, (int, float))
                              or not np.isfinite(scale)):
        raise ValidationError(f"not a serialised Pipeline: bad pixel_scale {scale!r}", "from_bytes")
    try:
        return _SERIALISABLE[name](**params)
    except TypeError as exc:
        raise ValidationError(f"not a serialised Pipeline: bad parameters for {name!r}: {exc}", "from_bytes") from None


def _content_key(source_arrays: Sequence[np.ndarray], description: str) -> tuple:
    """The input's part of a cache key: its description (shape, dtype, type) and XXH3-128 of each array's bytes."""
    backend = get_backend()
    digest = backend.empty(2, np.uint64)
    key: list[Any] = [description]
    for array in source_arrays:
        data = array.reshape(-1).view(np.uint8)
        backend.run("rt_transform_hash128", In(data), data.nbytes, 0, Out(digest))
        key.append(int(digest[0]) | int(digest[1]) << 64)
    return tuple(key)


def _nbytes(value: Any) -> int:
    if hasattr(value, "nbytes"):
        return int(value.nbytes)
    return 0


def _freeze(value: Any) -> Any:
    """Cached numpy results are shared with callers: make them read-only so nobody edits the cache."""
    array = value.numpy() if hasattr(value, "numpy") and not isinstance(value, np.ndarray) else value
    if isinstance(array, np.ndarray):
        array.flags.writeable = False
    return value


class Pipeline:
    """Transforms applied in order, with a content-addressed cache (the spec's
    ``WasmTransformPipeline``).

    The cache keys each intermediate result by the input's shape and dtype,
    a 128-bit hash (XXH3) of its bytes, and the parameter strings
    (``key()``) of every transform up to it, so a changed input or parameter
    never finds a stale entry. It holds at most
    ``cache_bytes`` bytes and drops the least recently used entries first.
    Cached numpy results are shared, so they are read-only.

    Parameters
    ----------
    transforms : sequence of Transform or str
        Objects or registered names with parameters (``"resize:224x224:bilinear"``).
    cache : bool
        Keep intermediate results (the spec's ``cache_enabled``).
    cache_bytes : int
        Bound of the cache in bytes (default 256 MiB).

    Examples
    --------
    >>> import numpy as np
    >>> pipeline = Pipeline(["resize:4x4:area", "center_crop:2x2", Normalize([0.5], [0.5])])
    >>> image = np.full((8, 8, 1), 0.75, np.float32)
    >>> pipeline.execute(image)[..., 0]
    array([[0.5, 0.5],
           [0.5, 0.5]], dtype=float32)
    >>> _ = pipeline.execute(image)
    >>> stats = pipeline.stats()
    >>> stats["calls"], stats["cache_hits"], stats["cache_misses"]
    (2, 3, 3)
    """

    def __init__(self, transforms: Sequence[Transform | str] = (), cache: bool = True,
                 cache_bytes: int = 256 << 20) -> None:
        self._transforms: list[Transform] = []
        self.cache_enabled = bool(cache)
        if isinstance(cache_bytes, bool) or not isinstance(cache_bytes, numbers.Integral) or cache_bytes < 0:
            raise ValidationError(f"cache_bytes must be a non-negative integer, got {cache_bytes!r}", "Pipeline")
        self.cache_bytes = int(cache_bytes)
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        self._cached_bytes = 0
        self.reset_stats()
        for transform in transforms:
            self.add_transform(transform)

    def add_transform(self, transform: Transform | str) -> "Pipeline":
        """Append a transform (object or ``"name:args"``); returns the pipeline."""
        if isinstance(transform, str):
            transform = transform_from_spec(transform)
        if not callable(transform) or not hasattr(transform, "key"):
            raise ValidationError(f"a transform needs __call__ and key(), got {transform!r}", "Pipeline")
        self._transforms.append(transform)
        self._step_stats.append({"name": transform.name, "key": transform.key(), "calls": 0, "hits": 0,
                                 "misses": 0, "seconds": 0.0})
        return self

    @property
    def transforms(self) -> list[Transform]:
        return list(self._transforms)

    def execute(self, x: Any) -> Any:
        """Run every transform on ``x`` (any input the transforms take); returns the last result."""
        self._calls += 1
        if not self.cache_enabled:
            for i, transform in enumerate(self._transforms):
                x = self._run_step(i, transform, x)
            return x
        keys = self._chain_keys(x)
        # The deepest cached step: everything before it need not run.
        start, value = 0, x
        for i in range(len(keys) - 1, -1, -1):
            if keys[i] in self._cache:
                self._cache.move_to_end(keys[i])
                start, value = i + 1, self._cache[keys[i]]
                break
        for i in range(start):
            self._step_stats[i]["hits"] += 1
        self._hits += start
        for i in range(start, len(self._transforms)):
            value = _freeze(self._run_step(i, self._transforms[i], value))
            self._misses += 1
            self._step_stats[i]["misses"] += 1
            self._store(keys[i], value)
        return value

    __call__ = execute

    def _chain_keys(self, x: Any) -> list[tuple]:
        """Key of each step's result: the input's content key and the keys of the transforms up to it."""
        if not self._transforms:
            return []
        if isinstance(x, np.ndarray):
            array = np.ascontiguousarray(x)
            content = _content_key([array], f"numpy{array.shape}{array.dtype}")
        else:
            source = image_input(x, "HWC", "Pipeline", get_backend())
            content = _content_key(source.content, source.describe())
        steps = tuple(transform.key() for transform in self._transforms)
        return [(content, steps[: i + 1]) for i in range(len(steps))]

    def _run_step(self, i: int, transform: Transform, x: Any) -> Any:
        started = time.perf_counter()
        result = transform(x)
        self._step_stats[i]["seconds"] += time.perf_counter() - started
        self._step_stats[i]["calls"] += 1
        return result

    def _store(self, key: tuple, value: Any) -> None:
        size = _nbytes(value)
        if size > self.cache_bytes:
            return
        if key in self._cache:
            self._cached_bytes -= _nbytes(self._cache.pop(key))
        self._cache[key] = value
        self._cached_bytes += size
        while self._cached_bytes > self.cache_bytes:
            _, dropped = self._cache.popitem(last=False)
            self._cached_bytes -= _nbytes(dropped)

    def clear_cache(self) -> None:
        """Drop every cached result."""
        self._cache.clear()
        self._cached_bytes = 0

    def reset_stats(self) -> None:
        """Zero the counters and timings (the cache is kept)."""
        self._calls = self._hits = self._misses = 0
        self._step_stats = [{"name": t.name, "key": t.key(), "calls": 0, "hits": 0, "misses": 0, "seconds": 0.0}
                            for t in getattr(self, "_transforms", [])]

    def stats(self) -> dict[str, Any]:
        """``{"calls", "cache_hits", "cache_misses", "hit_rate", "cached_entries",
        "cached_bytes", "cache_limit_bytes", "cache_enabled", "transforms": [{"name", "key",
        "calls", "hits", "misses", "seconds"}]}``. A step counts as a hit when
        its result did not have to be computed (it, or a later step, was cached)."""
        lookups = self._hits + self._misses
        return {
            "calls": self._calls,
            "cache_hits": self._hits,
            "cache_misses": self._misses,
            "hit_rate": self._hits / lookups if lookups else 0.0,
            "cached_entries": len(self._cache),
            "cached_bytes": self._cached_bytes,
            "cache_limit_bytes": self.cache_bytes,
            "cache_enabled": self.cache_enabled,
            "transforms": [dict(step) for step in self._step_stats],
        }

    def get_stats(self) -> str:
        """:meth:`stats` as the JSON string the spec's ``get_stats`` returns."""
        return json.dumps(self.stats())

    def __repr__(self) -> str:
        return f"Pipeline({[t.key() for t in self._transforms]}, cache={self.cache_enabled})"

    # -- bytes ------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The transforms and cache settings (not the cached results) as bytes: JSON in the
        versioned, checksummed envelope of :mod:`rt_pandas._serial`; no pickle.

        >>> pipeline = Pipeline(["resize:4x4:area", CenterCrop(2, 2)], cache_bytes=1 << 20)
        >>> Pipeline.from_bytes(pipeline.to_bytes())
        Pipeline(['resize:4x4:area:HWC', 'center_crop:2x2:HWC'], cache=True)
        """
        spec = {"format": "rt-pandas/pipeline", "cache": self.cache_enabled, "cache_bytes": self.cache_bytes,
                "transforms": [{"name": t.name, "params": t.params()} for t in self._transforms]}
        return _serial.seal(json.dumps(spec).encode(), _serial.PIPELINE, PIPELINE_FORMAT_VERSION)

    @classmethod
    def from_bytes(cls, data: bytes) -> "Pipeline":
        """The pipeline :meth:`to_bytes` wrote. The envelope (magic, version, length, checksum)
        is checked first, then the JSON: only built-in transforms with valid parameters are
        built; anything else raises ValidationError saying what was wrong."""
        payload = _serial.open_envelope(data, _serial.PIPELINE, PIPELINE_FORMAT_VERSION, PIPELINE_FORMAT_VERSION,
                                        "Pipeline")
        try:
            spec = json.loads(bytes(payload).decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ValidationError(f"not a serialised Pipeline: the payload is not JSON ({exc})", "from_bytes") from None
        if not isinstance(spec, dict) or spec.get("format") != "rt-pandas/pipeline" \
                or not isinstance(spec.get("transforms"), list) or not isinstance(spec.get("cache"), bool):
            raise ValidationError("not a serialised Pipeline: missing format, cache or transforms", "from_bytes")
        transforms = [_transform_from_params(entry) for entry in spec["transforms"]]
        return cls(transforms, cache=spec["cache"], cache_bytes=spec.get("cache_bytes"))


# ---- column transforms ----------------------------------------------------

def _affine_column(x: Any, stats: Callable[[Any, Any, Any], tuple[float, float]], function: str) -> Any:
    """``(x - center) / scale`` per chunk-free column, with (center, scale) from ``stats``.

    The statistics come from the stats core over all valid values; the
    affine step reuses the normalize kernel on the values (nulls kept by
    sharing the input's validity, NaN stays NaN) in two passes: first
    ``x - c`` with ``c`` the centre in the column's dtype (exact for values
    near it), then ``/ scale`` less the small rest ``center - c``. One pass of
    ``x * (1 / scale) - center / scale`` would cancel catastrophically when
    the centre is large against the spread (1e9 + noise lost 4 digits).
    """

    source = as_columns(x)
    backend = get_backend()
    values = [float_values(view, function) for view in source.chunks]
    center, scale = stats(backend, source, values)
    if not (np.isfinite(center) and np.isfinite(scale)):
        raise ValidationError(f"{function} needs finite values; this column holds infinite ones", function)
    if scale == 0:
        scale = 1.0  # a constant column maps to 0, as scikit-learn's scalers do
    results = []
    for view, chunk in zip(source.chunks, values):
        out = backend.empty(view.length, chunk.dtype)
        if view.length:
            near = float(chunk.dtype.type(center))  # the centre as the column's dtype holds it
            factor = _power_of_two_for(scale, chunk.dtype)
            backend.run("rt_transform_normalize", DTYPE_CODES[chunk.dtype], In(chunk), 1, 1, view.length, 1, 0,
                        In(np.array([near])), In(np.array([1.0 / factor])), 1.0, Out(out))
            backend.run("rt_transform_normalize", DTYPE_CODES[chunk.dtype], In(out), 1, 1, view.length, 1, 0,
                        In(np.array([(center - near) * factor])), In(np.array([scale * factor])), 1.0, Out(out))
        results.append(out)
    return wrap_like(source, results, backend)


def _power_of_two_for(scale: float, dtype: np.dtype) -> float:
    """1, or for a scale so small that 1 / scale overflows ``dtype`` (subnormal data) the power of
    two that brings it near 1: multiplying by it is exact, and the second pass divides by a normal number."""
    finfo = np.finfo(dtype)
    if scale >= 4.0 / float(finfo.max):
        return 1.0
    return float(2.0 ** min(-np.floor(np.log2(scale)), finfo.maxexp - 2))


def _chunk_moments(backend, source, values):
    """Moments of all valid values, merged over the chunks (None for no chunks)."""
    merged = None
    for view, chunk in zip(source.chunks, values):
        validity = shifted_validity(backend, view)  # offset-free, to match ``chunk``, the logical rows
        bits = In(np.frombuffer(validity, np.uint8)) if validity is not None else NULL
        moments = backend.run("rt_stats_moments", DTYPE_CODES[chunk.dtype], In(chunk), bits, 0, view.length, 1,
                              OutValue("rt_moments"))
        merged = moments if merged is None else backend.run(
            "rt_stats_moments_merge", InValue("rt_moments", merged), InValue("rt_moments", moments),
            OutValue("rt_moments"))
    return merged


def standardize(x: Any, ddof: int = 1) -> Any:
    """``(x - mean) / std`` over the valid values; nulls and NaN stay missing.

    ``ddof=1`` gives pandas' ``(s - s.mean()) / s.std()``; ``ddof=0`` gives
    scikit-learn's ``StandardScaler``. A constant column (a single value
    included) becomes 0.

    >>> import pandas as pd, rt_pandas
    >>> pd.Series([1.0, None, 3.0]).rt.standardize().tolist()
    [-0.7071067811865475, nan, 0.7071067811865475]
    >>> pd.Series([5.0, None]).rt.standardize().tolist()
    [0.0, nan]
    """
    def stats(backend, source, values):
        m = _chunk_moments(backend, source, values)
        if m is None or m["count"] == 0:
            return 0.0, 1.0
        if m["count"] - ddof <= 0:
            return m["mean"], 1.0  # one value: no spread, so it maps to 0 like any constant column
        return m["mean"], float(np.sqrt(m["m2"] / (m["count"] - ddof)))

    return _affine_column(x, stats, "standardize")


def min_max(x: Any) -> Any:
    """``(x - min) / (max - min)`` into [0, 1]; nulls and NaN stay missing, a constant column becomes 0.

    >>> import numpy as np
    >>> min_max(np.array([2.0, 4.0, np.nan, 6.0]))
    array([0. , 0.5, nan, 1. ])
    """
    def stats(backend, source, values):
        m = _chunk_moments(backend, source, values)
        if m is None or m["count"] == 0:
            return 0.0, 1.0
        return m["min"], m["max"] - m["min"]

    return _affine_column(x, stats, "min_max")


def robust_scale(x: Any, quantile_range: tuple[float, float] = (25.0, 75.0)) -> Any:
    """``(x - median) / (q_high - q_low)``, scikit-learn's ``RobustScaler``
    (numpy's linear quantiles of the valid values). Nulls and NaN stay missing.

    >>> import numpy as np
    >>> robust_scale(np.array([1.0, 2.0, 3.0, 4.0, 100.0]))
    array([-1. , -0.5,  0. ,  0.5, 48.5])
    """
    low, high = (float(q) for q in quantile_range)
    if not 0 <= low <= high <= 100:
        raise ValidationError(f"quantile_range must satisfy 0 <= low <= high <= 100, got {quantile_range}",
                              "robust_scale")

    def stats(backend, source, values):
        valid = [chunk if view.validity is None else chunk[_valid_mask(view)]
                 for view, chunk in zip(source.chunks, values)]
        joined = np.concatenate(valid) if valid else np.empty(0)
        joined = joined.astype(np.float64) if joined.dtype not in DTYPE_CODES else joined
        if np.isinf(joined).any():
            # As for standardize and min_max; the quartiles alone may be finite and hide them.
            raise ValidationError("robust_scale needs finite values; this column holds infinite ones", "robust_scale")
        probs = np.array([0.5, low / 100, high / 100])
        out = backend.empty(3, np.float64)
        backend.run("rt_stats_quantiles", DTYPE_CODES[joined.dtype], In(joined), NULL, 0,
                    len(joined), 1, In(probs), 3, Out(out))
        median, q_low, q_high = (float(v) for v in out)
        if median != median:
            return 0.0, 1.0  # no values (all missing): nothing to scale
        return median, q_high - q_low

    return _affine_column(x, stats, "robust_scale")


def _valid_mask(view) -> np.ndarray:
    return unpack_bits(view.validity, view.offset, view.length).astype(bool)


# ---- accessor mixins ------------------------------------------------------

class SeriesTransformMethods:
    """The transform methods of ``s.rt``: image ops on Arrow tensor columns, scalers on numeric columns."""

    _series: Any

    def resize(self, height: int, width: int, interpolation: str = "bilinear", *, layout: str = "HWC",
               image_shape=None) -> Any:
        """Resize every image of a tensor column in one C call; see :func:`resize`.

        >>> import numpy as np, pandas as pd, pyarrow as pa, rt_pandas
        >>> images = pa.FixedShapeTensorArray.from_numpy_ndarray(np.zeros((3, 8, 8, 3), np.uint8))
        >>> s = pd.Series(images, dtype=pd.ArrowDtype(images.type))
        >>> s.rt.resize(4, 4).dtype.pyarrow_dtype.shape
        [4, 4, 3]
        """
        return resize(self._series, height, width, interpolation, layout=layout, image_shape=image_shape)

    def normalize(self, mean: Any = IMAGENET_MEAN, std: Any = IMAGENET_STD, *, layout: str = "HWC",
                  pixel_scale: float | None = None, image_shape=None) -> Any:
        """Normalize every image of a tensor column; see :func:`normalize`."""
        return normalize(self._series, mean, std, layout=layout, pixel_scale=pixel_scale, image_shape=image_shape)

    def center_crop(self, height: int, width: int, *, layout: str = "HWC", image_shape=None) -> Any:
        """Center-crop every image of a tensor column; see :func:`center_crop`."""
        return center_crop(self._series, height, width, layout=layout, image_shape=image_shape)

    def standardize(self, ddof: int = 1) -> Any:
        """``(s - mean) / std``, nulls kept; see :func:`standardize`."""
        return standardize(self._series, ddof)

    def min_max(self) -> Any:
        """Scale to [0, 1], nulls kept; see :func:`min_max`."""
        return min_max(self._series)

    def robust_scale(self, quantile_range: tuple[float, float] = (25.0, 75.0)) -> Any:
        """``(s - median) / IQR``, nulls kept; see :func:`robust_scale`."""
        return robust_scale(self._series, quantile_range)
