"""Functions that make new tensors.

Defaults follow PyTorch, like ``Tensor`` itself: floating-point values are float32 unless a
dtype is given, integers int64. The ``*_like`` functions keep their model's dtype and device.
"""

from __future__ import annotations

import numpy

from . import backend
from .ops import _shape_arg, synonyms
from .random import default_generator
from .tensor import Tensor


def tensor(data, requires_grad=False, dtype=None, device=None) -> Tensor:
    """``Tensor(data, ...)``, named as in PyTorch."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, device=device)


def from_numpy(array) -> Tensor:
    """A Tensor that shares ``array``'s memory (PyTorch's ``from_numpy``): changing one changes
    the other. The dtype is kept."""
    if not isinstance(array, numpy.ndarray):
        raise TypeError(f"from_numpy needs a NumPy array, got {type(array).__name__}")
    return Tensor(array)


def zeros(*shape, dtype=numpy.float32, requires_grad=False, device=None) -> Tensor:
    return Tensor(numpy.zeros(_shape_arg(shape), dtype), requires_grad=requires_grad, device=device)


def ones(*shape, dtype=numpy.float32, requires_grad=False, device=None) -> Tensor:
    return Tensor(numpy.ones(_shape_arg(shape), dtype), requires_grad=requires_grad, device=device)


def full(shape, fill_value, dtype=None, requires_grad=False, device=None) -> Tensor:
    """A tensor of ``shape`` filled with ``fill_value`` (float32 for a float, int64 for an int,
    bool for a bool, unless ``dtype`` says otherwise)."""
    shape = (shape,) if isinstance(shape, (int, numpy.integer)) else tuple(shape)
    return _made(numpy.full(shape, fill_value, dtype=dtype), dtype, requires_grad, device)


def zeros_like(x, dtype=None, requires_grad=False, device=None) -> Tensor:
    """Zeros with the shape, dtype and device of ``x`` (a Tensor or an array)."""
    return full_like(x, 0, dtype, requires_grad, device)


def ones_like(x, dtype=None, requires_grad=False, device=None) -> Tensor:
    """Ones with the shape, dtype and device of ``x``."""
    return full_like(x, 1, dtype, requires_grad, device)


def full_like(x, fill_value, dtype=None, requires_grad=False, device=None) -> Tensor:
    """``fill_value`` everywhere, with the shape, dtype and device of ``x``."""
    data = x.data if isinstance(x, Tensor) else x
    if not backend.is_array(data):
        data = numpy.asarray(data)
    xp = backend.array_module(data)
    out = xp.full(data.shape, fill_value, dtype=dtype or data.dtype)
    return Tensor(out, requires_grad=requires_grad, device=device)


def arange(start, stop=None, step=1, dtype=None, requires_grad=False, device=None) -> Tensor:
    """start, start + step, ... below stop (``arange(n)``: 0 … n-1), as NumPy's and PyTorch's
    ``arange``; int64 for whole numbers, float32 otherwise."""
    values = numpy.arange(start, stop, step) if stop is not None else numpy.arange(start)
    return _made(values, dtype, requires_grad, device)


@synonyms(end="stop", steps="num")
def linspace(
    start, stop, num=50, endpoint=True, dtype=numpy.float32, requires_grad=False, device=None
) -> Tensor:
    """``num`` evenly spaced numbers from start to stop (stop included unless ``endpoint`` is
    False); PyTorch's ``linspace(start, end, steps)`` too."""
    values = numpy.linspace(start, stop, int(num), endpoint=endpoint)
    return Tensor(values, dtype=dtype, requires_grad=requires_grad, device=device)


def eye(N, M=None, k=0, dtype=numpy.float32, requires_grad=False, device=None) -> Tensor:
    """The N × M matrix (M = N by default) with ones on its k-th diagonal, zeros elsewhere."""
    return Tensor(numpy.eye(N, M, k, dtype=dtype), requires_grad=requires_grad, device=device)


def randn(*shape, dtype=numpy.float32, requires_grad=False, device=None, generator=None) -> Tensor:
    """Samples of the standard normal distribution."""
    rng = generator or default_generator()
    data = rng.standard_normal(_shape_arg(shape)).astype(dtype)
    return Tensor(data, requires_grad=requires_grad, device=device)


def rand(*shape, dtype=numpy.float32, requires_grad=False, device=None, generator=None) -> Tensor:
    """Samples of the uniform distribution on [0, 1)."""
    rng = generator or default_generator()
    data = rng.random(_shape_arg(shape)).astype(dtype)
    return Tensor(data, requires_grad=requires_grad, device=device)


def _made(values, dtype, requires_grad, device) -> Tensor:
    """``values`` as a Tensor: float64 becomes float32 unless ``dtype`` was asked for."""
    if dtype is None and values.dtype == numpy.float64:
        values = values.astype(numpy.float32)
    return Tensor(values, dtype=dtype, requires_grad=requires_grad, device=device)
