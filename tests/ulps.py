"""ULP distance between two float arrays, shared by the tests that compare backends and SIMD levels."""

from __future__ import annotations

import numpy as np


def ulp_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """ULP distance per element, exact (0 where both are NaN; inf where only one is).

    >>> ulp_distance(np.array([1.0, np.nan], np.float32), np.nextafter(np.float32([1.0, 2.0]), np.float32(3)))
    array([ 1., inf])
    """
    int_type = np.int32 if a.dtype == np.float32 else np.int64
    def ordered(x):  # the bit patterns as integers in the floats' order (python ints: no overflow)
        i = x.view(int_type).astype(object)
        return np.where(i < 0, np.iinfo(int_type).min - i, i)
    distance = np.abs(ordered(a) - ordered(b)).astype(np.float64)
    distance[np.isnan(a) & np.isnan(b)] = 0
    distance[np.isnan(a) ^ np.isnan(b)] = np.inf
    return distance
