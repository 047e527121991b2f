"""Initializers: the starting values of weights and biases, as named in the lecture.

An initializer is a function ``init(shape, generator=None, dtype=float32) -> ndarray``. For a
weight matrix W ∈ R^{N_H×N_I} (shape (out, in), the layout of every layer here), the fan-in is
N_I (the inputs each unit adds up) and the fan-out is N_H; for a vector of length n both are n.

| name                 | distribution                                                     |
| -------------------- | ---------------------------------------------------------------- |
| zeros, ones          | the constant 0 or 1                                              |
| random_uniform       | U(-0.05, 0.05)  (Keras's RandomUniform)                          |
| random_normal        | N(0, 0.05²)     (Keras's RandomNormal)                           |
| glorot_uniform       | U(-a, a),  a = √(6 / (fan_in + fan_out))    (Xavier; Keras's default) |
| glorot_normal        | N(0, σ²),  σ = √(2 / (fan_in + fan_out))                          |
| he_uniform           | U(-a, a),  a = √(6 / fan_in)               (He / Kaiming)        |
| he_normal            | N(0, σ²),  σ = √(2 / fan_in)                                      |

``xavier_uniform``/``xavier_normal`` and ``kaiming_uniform``/``kaiming_normal`` are the same
functions under PyTorch's names. The normal ones are plain (not truncated) normals, as in
PyTorch's ``xavier_normal_`` and ``kaiming_normal_``.

Every draw comes from ``generator`` or, without one, from ``autograd_lite``'s default generator,
so ``autograd_lite.manual_seed(n)`` makes a whole model reproducible.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy

from autograd_lite.random import default_generator

Initializer = Callable[..., numpy.ndarray]
Shape = tuple[int, ...]


def _fans(shape: Shape) -> tuple[int, int]:
    """(fan_in, fan_out): (in, out) for an (out, in) matrix; (n, n) for a vector of length n."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[2:])  # 1 for a matrix
    return shape[1] * receptive, shape[0] * receptive


def _rng(generator: numpy.random.Generator | None) -> numpy.random.Generator:
    return generator if generator is not None else default_generator()


def zeros(
    shape: Shape, generator: numpy.random.Generator | None = None, dtype: Any = numpy.float32
) -> numpy.ndarray:
    """All entries 0 (the usual start for biases β)."""
    return numpy.zeros(shape, dtype=dtype)


def ones(
    shape: Shape, generator: numpy.random.Generator | None = None, dtype: Any = numpy.float32
) -> numpy.ndarray:
    """All entries 1."""
    return numpy.ones(shape, dtype=dtype)


def random_uniform(
    shape: Shape,
    generator: numpy.random.Generator | None = None,
    dtype: Any = numpy.float32,
    minval: float = -0.05,
    maxval: float = 0.05,
) -> numpy.ndarray:
    """Each entry drawn from U(minval, maxval), by default U(-0.05, 0.05) as in Keras."""
    return _rng(generator).uniform(minval, maxval, size=shape).astype(dtype)


def random_normal(
    shape: Shape,
    generator: numpy.random.Generator | None = None,
    dtype: Any = numpy.float32,
    mean: float = 0.0,
    stddev: float = 0.05,
) -> numpy.ndarray:
    """Each entry drawn from N(mean, stddev²), by default N(0, 0.05²) as in Keras."""
    return _rng(generator).normal(mean, stddev, size=shape).astype(dtype)


def glorot_uniform(
    shape: Shape, generator: numpy.random.Generator | None = None, dtype: Any = numpy.float32
) -> numpy.ndarray:
    """Glorot/Xavier uniform: U(-a, a) with a = √(6 / (fan_in + fan_out)).

    This keeps the variance of z_H = W_H x about that of x, going forward and backward.
    """
    fan_in, fan_out = _fans(shape)
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return _rng(generator).uniform(-limit, limit, size=shape).astype(dtype)


def glorot_normal(
    shape: Shape, generator: numpy.random.Generator | None = None, dtype: Any = numpy.float32
) -> numpy.ndarray:
    """Glorot/Xavier normal: N(0, σ²) with σ = √(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(shape)
    std = math.sqrt(2.0 / (fan_in + fan_out))
    return _rng(generator).normal(0.0, std, size=shape).astype(dtype)


def he_uniform(
    shape: Shape, generator: numpy.random.Generator | None = None, dtype: Any = numpy.float32
) -> numpy.ndarray:
    """He/Kaiming uniform: U(-a, a) with a = √(6 / fan_in), suited to ReLU units."""
    fan_in, _ = _fans(shape)
    limit = math.sqrt(6.0 / fan_in)
    return _rng(generator).uniform(-limit, limit, size=shape).astype(dtype)


def he_normal(
    shape: Shape, generator: numpy.random.Generator | None = None, dtype: Any = numpy.float32
) -> numpy.ndarray:
    """He/Kaiming normal: N(0, σ²) with σ = √(2 / fan_in), suited to ReLU units."""
    fan_in, _ = _fans(shape)
    std = math.sqrt(2.0 / fan_in)
    return _rng(generator).normal(0.0, std, size=shape).astype(dtype)


def uniform_fan_in(
    shape: Shape,
    generator: numpy.random.Generator | None = None,
    dtype: Any = numpy.float32,
    fan_in: int | None = None,
) -> numpy.ndarray:
    """PyTorch's default for ``Linear`` (weight and bias): U(-1/√N_I, 1/√N_I).

    ``fan_in`` defaults to the fan-in of ``shape``; a bias passes its layer's N_I.
    """
    n = fan_in if fan_in is not None else _fans(shape)[0]
    limit = 1.0 / math.sqrt(n) if n > 0 else 0.0
    return _rng(generator).uniform(-limit, limit, size=shape).astype(dtype)


def pytorch_layer(
    shape: Shape,
    bias: bool,
    weight_initializer: str | Initializer | None,
    bias_initializer: str | Initializer | None,
    generator: numpy.random.Generator | None,
    dtype: Any,
) -> tuple[numpy.ndarray, numpy.ndarray | None]:
    """The initial weight of ``shape`` (out, in, ...) and bias (out,) of a PyTorch-style layer
    (None without a bias): the given initializers, or else PyTorch's default for both,
    U(-1/√fan_in, 1/√fan_in) with the weight's fan-in."""
    rng = _rng(generator)
    if weight_initializer is None:
        weight = uniform_fan_in(shape, rng, dtype)
    else:
        weight = get(weight_initializer)(shape, generator=rng, dtype=dtype)
    if not bias:
        return weight, None
    if bias_initializer is None:
        return weight, uniform_fan_in((shape[0],), rng, dtype, fan_in=_fans(shape)[0])
    return weight, get(bias_initializer)((shape[0],), generator=rng, dtype=dtype)


INITIALIZERS: dict[str, Initializer] = {
    "zeros": zeros,
    "ones": ones,
    "random_uniform": random_uniform,
    "random_normal": random_normal,
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "xavier_uniform": glorot_uniform,
    "xavier_normal": glorot_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "kaiming_uniform": he_uniform,
    "kaiming_normal": he_normal,
    "uniform_fan_in": uniform_fan_in,
}


def get(identifier: str | Initializer) -> Initializer:
    """The initializer for a name in ``INITIALIZERS`` or a callable.

    A callable is called as ``fn(shape, generator=..., dtype=...)``; one that takes only a shape
    (``lambda shape: numpy.full(shape, 0.1)``) also works. Unknown names raise a ValueError that
    lists the valid ones.
    """
    if callable(identifier):
        return _accepting_keywords(identifier)
    if isinstance(identifier, str) and identifier.lower() in INITIALIZERS:
        return INITIALIZERS[identifier.lower()]
    raise ValueError(
        f"unknown initializer {identifier!r}; valid names: "
        f"{', '.join(sorted(INITIALIZERS))}, or a callable (shape, generator, dtype)"
    )


def _accepting_keywords(fn: Initializer) -> Initializer:
    """``fn`` itself if it takes ``generator`` and ``dtype``, else a wrapper that drops them."""
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return fn
    if (
        any(p.kind is p.VAR_KEYWORD for p in parameters.values())
        or {"generator", "dtype"} <= parameters.keys()
    ):
        return fn

    def wrapped(
        shape: Shape, generator: numpy.random.Generator | None = None, dtype: Any = numpy.float32
    ) -> numpy.ndarray:
        return numpy.asarray(fn(shape), dtype=dtype)

    wrapped.__name__ = getattr(fn, "__name__", "initializer")
    return wrapped


def name_of(initializer: Initializer) -> str:
    """A short name for an initializer, for ``repr`` and summaries."""
    return getattr(initializer, "__name__", type(initializer).__name__)
