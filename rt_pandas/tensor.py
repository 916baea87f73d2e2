"""``Tensor``: an n-dimensional array with a shape, as the browser's ``WasmTensor``.

A Tensor wraps one contiguous numpy buffer without copying it: built from a
numpy array of float32, float64 or uint8 it shares the array's memory, and
``np.asarray(tensor)`` shares it back. Anything else (Python lists, integer
arrays, ...) becomes float32, the default, in one copy.

>>> import numpy as np, rt_pandas
>>> pixels = np.zeros((2, 3), dtype=np.float32)
>>> with rt_pandas.Tensor(pixels) as t:
...     t.shape(), t.dtype, np.shares_memory(np.asarray(t), pixels)
((2, 3), dtype('float32'), True)
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .errors import ValidationError

__all__ = ["Tensor"]

# dtypes a Tensor keeps as they are; everything else becomes float32.
KEPT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.uint8))


def _as_shape(shape: Any, function: str) -> tuple[int, ...]:
    try:
        dims = tuple(int(d) for d in shape)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"shape must be a sequence of integers, got {shape!r}", function) from exc
    if any(d < 0 for d in dims):
        raise ValidationError(f"shape must not have negative sizes, got {dims}", function)
    return dims


class Tensor:
    """A contiguous n-dimensional array of float32 (default), float64 or uint8.

    Parameters
    ----------
    data : array-like
        A numpy array (float32, float64 and uint8 ones are shared, not
        copied, when C-contiguous), a Tensor, a buffer or a nested sequence.
    shape : sequence of int, optional
        The tensor's shape; its product must equal the number of values.
        Default: the shape of ``data``.
    dtype : numpy dtype, optional
        float32, float64 or uint8; converts (copies) when it differs.

    Raises
    ------
    ValidationError
        A shape that does not match the data, a negative size, or an
        unsupported dtype.

    Examples
    --------
    >>> import numpy as np
    >>> t = Tensor([1, 2, 3, 4, 5, 6], shape=(2, 3))
    >>> t.dtype, t.shape()
    (dtype('float32'), (2, 3))
    >>> t.data()
    array([1., 2., 3., 4., 5., 6.], dtype=float32)
    >>> Tensor(np.ones(2)).dtype          # float64 is kept
    dtype('float64')
    >>> t.free(); t.is_freed
    True
    """

    __slots__ = ("_array",)

    def __init__(self, data: Any, shape: Sequence[int] | None = None, dtype: Any = None) -> None:
        array = data.numpy() if isinstance(data, Tensor) else data
        try:
            array = np.asarray(array)
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"cannot read {type(data).__name__} as a tensor: {exc}", "Tensor") from exc
        target = np.dtype(dtype) if dtype is not None else (
            array.dtype if array.dtype in KEPT_DTYPES else np.dtype(np.float32))
        if target not in KEPT_DTYPES:
            raise ValidationError(f"a Tensor holds float32, float64 or uint8, not {target}", "Tensor")
        if array.dtype.kind not in "biuf":
            raise ValidationError(f"a Tensor holds numbers, got dtype {array.dtype}", "Tensor")
        array = np.ascontiguousarray(array, dtype=target)  # no copy when already right
        if shape is not None:
            dims = _as_shape(shape, "Tensor")
            if int(np.prod(dims, dtype=np.int64)) != array.size:
                raise ValidationError(f"shape {dims} holds {int(np.prod(dims))} values, the data has {array.size}",
                                      "Tensor")
            array = array.reshape(dims)
        self._array: np.ndarray | None = array

    # The WasmTensor interface -------------------------------------------

    def data(self) -> np.ndarray:
        """The values as a flat 1-D array sharing the tensor's memory."""
        return self.numpy().reshape(-1)

    def shape(self) -> tuple[int, ...]:
        """The shape, as a tuple."""
        return self.numpy().shape

    @property
    def dtype(self) -> np.dtype:
        """float32, float64 or uint8."""
        return self.numpy().dtype

    def free(self) -> None:
        """Drop the tensor's reference to its memory (a pool buffer goes back
        to the pool when no other array uses it). Using it afterwards raises."""
        self._array = None

    # numpy interoperability ----------------------------------------------

    @property
    def is_freed(self) -> bool:
        """True after :meth:`free`."""
        return self._array is None

    def numpy(self) -> np.ndarray:
        """The values with their shape, sharing the tensor's memory."""
        if self._array is None:
            raise ValidationError("this tensor has been freed", "Tensor")
        return self._array

    @property
    def ndim(self) -> int:
        return self.numpy().ndim

    @property
    def nbytes(self) -> int:
        return self.numpy().nbytes

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        array = self.numpy()
        if copy:
            return array.astype(dtype or array.dtype, copy=True)
        if dtype is not None and np.dtype(dtype) != array.dtype:
            if copy is False:
                raise ValueError("converting a Tensor to another dtype needs a copy")
            return array.astype(dtype)
        return array

    def __len__(self) -> int:
        return len(self.numpy())

    def __enter__(self) -> "Tensor":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.free()

    def __repr__(self) -> str:
        if self._array is None:
            return "Tensor(<freed>)"
        return f"Tensor(shape={self._array.shape}, dtype={self._array.dtype})"
