"""rt-pandas: data quality, anomaly detection and fast SIMD math for pandas and Arrow.

Importing the package registers the ``.rt`` accessors on Series and DataFrames.

>>> import pandas as pd, rt_pandas
>>> pd.Series([1.0, None, 5.0]).rt.clamp(0, 2).tolist()
[1.0, nan, 2.0]
>>> rt_pandas.versions()["core"]
'0.1.0'
"""

from __future__ import annotations

from . import accessors, memory
from . import anomaly, math, transforms
from . import quality
from .describe import describe
from .quality import QualityReport, QualityState
from ._backend import available_backends, get_backend, get_backend_name, set_backend
from .errors import ComputationError, ConfigurationError, RtError, RtMemoryError, ValidationError
from .math import clamp
from .math import atan2
from ._threads import get_num_threads, set_num_threads
from .tensor import Tensor
from .transforms import CenterCrop, Normalize, Pipeline, Resize

__version__ = "0.1.0"

__all__ = [
    "CenterCrop",
    "Normalize",
    "Pipeline",
    "Resize",
    "Tensor",
    "ComputationError",
    "QualityReport",
    "QualityState",
    "ConfigurationError",
    "RtError",
    "RtMemoryError",
    "ValidationError",
    "anomaly",
    "atan2",
    "available_backends",
    "clamp",
    "describe",
    "force_simd",
    "get_num_threads",
    "get_backend_name",
    "math",
    "memory",
    "quality",
    "set_backend",
    "set_num_threads",
    "simd_levels",
    "transforms",
    "versions",
]


def versions() -> dict:
    """Versions of the package and each C component, the SIMD level in use and the backends.

    >>> import rt_pandas
    >>> v = rt_pandas.versions()
    >>> sorted(v)
    ['anomaly', 'backend', 'backends_available', 'core', 'math', 'quality', 'rt_pandas', 'simd', 'transforms']
    """
    backend = get_backend()
    return {
        "rt_pandas": __version__,
        **backend.versions(),
        "simd": backend.simd_level(),
        "backend": backend.name,
        "backends_available": available_backends(),
    }


def simd_levels() -> list[str]:
    """SIMD levels this machine and the current backend can run, narrowest first.

    >>> import rt_pandas
    >>> "scalar" in rt_pandas.simd_levels()
    True
    """
    return get_backend().supported_simd_levels()


def force_simd(level: str | None) -> None:
    """Make every kernel of the current backend use ``level`` ("scalar", "avx2",
    "avx512", "wasm-simd128"); None returns to the widest supported level.

    Raises ConfigurationError for a level the machine cannot run.

    >>> import rt_pandas
    >>> rt_pandas.force_simd("scalar"); rt_pandas.versions()["simd"]
    'scalar'
    >>> rt_pandas.force_simd(None)
    """
    get_backend().force_simd(level)
