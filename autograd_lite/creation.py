"""Functions that make new tensors."""

from __future__ import annotations

import numpy

from .ops import _shape_arg
from .random import default_generator
from .tensor import Tensor


def tensor(data, requires_grad=False, dtype=None, device=None) -> Tensor:
    """``Tensor(data, ...)``, named as in PyTorch."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, device=device)


def zeros(*shape, dtype=numpy.float32, requires_grad=False, device=None) -> Tensor:
    return Tensor(numpy.zeros(_shape_arg(shape), dtype), requires_grad=requires_grad, device=device)


def ones(*shape, dtype=numpy.float32, requires_grad=False, device=None) -> Tensor:
    return Tensor(numpy.ones(_shape_arg(shape), dtype), requires_grad=requires_grad, device=device)


def randn(*shape, dtype=numpy.float32, requires_grad=False, device=None,
          generator=None) -> Tensor:
    """Samples of the standard normal distribution."""
    rng = generator or default_generator()
    data = rng.standard_normal(_shape_arg(shape)).astype(dtype)
    return Tensor(data, requires_grad=requires_grad, device=device)


def rand(*shape, dtype=numpy.float32, requires_grad=False, device=None,
         generator=None) -> Tensor:
    """Samples of the uniform distribution on [0, 1)."""
    rng = generator or default_generator()
    data = rng.random(_shape_arg(shape)).astype(dtype)
    return Tensor(data, requires_grad=requires_grad, device=device)
