"""Typed errors raised by rt-pandas.

Every failure the C core reports arrives as a subclass of :class:`RtError`
that also derives from the matching built-in exception, so existing
``except ValueError`` / ``except MemoryError`` handlers keep working.

>>> import rt_pandas
>>> try:
...     rt_pandas.clamp([1.0, 2.0], 3, 1)
... except rt_pandas.ValidationError as exc:
...     print(exc.error_type, exc.context)
ValidationError rt_math_clamp
"""

from __future__ import annotations

from typing import Any

# The numeric kinds of rt_error.kind in csrc/include/rt/core.h.
KIND_VALIDATION = 1
KIND_COMPUTATION = 2
KIND_MEMORY = 3
KIND_CONFIGURATION = 4


class RtError(Exception):
    """Base class of every rt-pandas error.

    Attributes
    ----------
    message : str
        What went wrong, in a sentence.
    context : str
        Where: the C function or Python argument concerned.
    error_type : str
        The class name, as the JavaScript ``WasmError.error_type`` gives it.
    """

    error_type = "RtError"

    def __init__(self, message: str, context: str = "") -> None:
        super().__init__(f"{message} (in {context})" if context else message)
        self.message = message
        self.context = context

    def to_dict(self) -> dict[str, Any]:
        """``{"message", "error_type", "context"}``, the shape of the spec's WasmError."""
        return {"message": self.message, "error_type": self.error_type, "context": self.context}


class ValidationError(RtError, ValueError):
    """Invalid input: a bad parameter, dtype or shape."""

    error_type = "ValidationError"


class ComputationError(RtError, ArithmeticError):
    """A computation could not produce a meaningful result."""

    error_type = "ComputationError"


class RtMemoryError(RtError, MemoryError):
    """An allocation failed or the memory pool was misused."""

    error_type = "MemoryError"


class ConfigurationError(RtError):
    """The environment or set-up is wrong (missing backend, unsupported SIMD level)."""

    error_type = "ConfigurationError"


_BY_KIND = {
    KIND_VALIDATION: ValidationError,
    KIND_COMPUTATION: ComputationError,
    KIND_MEMORY: RtMemoryError,
    KIND_CONFIGURATION: ConfigurationError,
}


def error_from_status(kind: int, message: str, context: str) -> RtError:
    """The exception for a failing C status (unknown kinds become RtError)."""
    return _BY_KIND.get(kind, RtError)(message or f"C core failed with status {kind}", context)
