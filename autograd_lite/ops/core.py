"""What every family of ops shares: the array module of an input, a Tensor's data, axes, and
PyTorch's names for NumPy's parameters.

``array_module(x)`` is NumPy or CuPy when x is an array and the ops namespace
(``autograd_lite.ops``) when x is a Tensor, so that one op body serves both (see the package's
docstring).
"""

from __future__ import annotations

import functools
import inspect

import numpy
from numpy import ndarray

from .. import backend
from ..primitive import as_operand
from ..tensor import Tensor

_namespace = None  # the autograd_lite.ops package, set when it has finished importing


def array_module(x, *more):
    """The module whose functions compute on ``x`` (and ``more``): ``numpy`` or ``cupy`` for
    arrays, and ``autograd_lite.ops``, whose functions record Tensor ops, when any of them is a
    Tensor."""
    if not more:
        kind = x.__class__
        if kind is ndarray:
            return numpy
        if kind is Tensor or isinstance(x, Tensor):
            return _namespace
        return backend.array_module(x)
    module = numpy
    for value in (x,) + more:
        kind = value.__class__
        if kind is ndarray or kind is float or kind is int:
            continue
        if kind is Tensor or isinstance(value, Tensor):
            return _namespace
        if backend.is_array(value):
            module = backend.array_module(value)
    return module


def _data(x):
    """The array inside a Tensor; anything else as it is."""
    return x.data if isinstance(x, Tensor) else x


def _operand(x):
    """``x`` as an op takes it: a (nested) list of Tensors and numbers becomes one Tensor, or one
    array when it holds no Tensor (NumPy reads ``np.flip([a, b])`` the same way)."""
    return as_operand(x) if isinstance(x, (list, tuple)) else x


def _shape_of(x):
    """The shape of a Tensor, an array, a number or a list of them."""
    return numpy.shape(_data(x))


def _on_device(array, like):
    """A NumPy array (an index, a mask) moved to the device of ``like``'s data."""
    data = _data(like)
    return (
        array
        if backend.array_module(data) is numpy
        else backend.to_device(array, backend.device_of(data))
    )


def _constant(array):
    """``array`` as a Tensor that carries no gradient."""
    return Tensor._from_op(array, (), None, "")


def _identity(g):
    return g


def _negative(g):
    return -g


def _axes(axis, ndim):
    """``axis`` (an int or a tuple, negatives allowed) as a tuple of non-negative ints."""
    axes = axis if isinstance(axis, tuple) else (axis,)
    return tuple(a % ndim if -ndim <= a < ndim else _axis_error(a, ndim) for a in axes)


def _axis_error(axis, ndim):
    raise ValueError(f"axis {axis} is out of range for a tensor with {ndim} dimensions")


def _spread(g, shape, axis, keepdims):
    """g, the gradient of a reduction's output, broadcast back to the input's ``shape``."""
    xp = array_module(g)
    if axis is not None and not keepdims and len(shape) > 0:
        g = xp.expand_dims(g, _axes(axis, len(shape)))
    return xp.broadcast_to(g, shape)


def _shape_arg(shape):
    """Accept f(2, 3) and f((2, 3)) alike."""
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape


# ---- PyTorch's names for NumPy's parameters -------------------------------------------------

TORCH_NAMES = {"dim": "axis", "keepdim": "keepdims"}


def synonyms(**names):
    """Let a function also take other libraries' names for its parameters, e.g.
    ``@synonyms(dim="axis", keepdim="keepdims")``: ``f(x, dim=0)`` is ``f(x, axis=0)``.

    Giving a parameter under both names, with different values, is a TypeError. A value equal
    to the parameter's default counts as not given (Tensor methods pass their defaults on).
    """

    def wrap(fn):
        defaults = {p.name: p.default for p in inspect.signature(fn).parameters.values()}

        @functools.wraps(fn)
        def call(*args, **params):
            if params:
                for other, name in names.items():
                    if other in params:
                        value = params.pop(other)
                        given = params.get(name, defaults.get(name))
                        if not _same(given, defaults.get(name)) and not _same(given, value):
                            raise TypeError(
                                f"{fn.__name__}() got {name}={given!r} and "
                                f"{other}={value!r}, two names for one parameter"
                            )
                        params[name] = value
            return fn(*args, **params)

        call.synonyms = dict(names)
        return call

    return wrap


def _same(a, b):
    return a is b or (type(a) is type(b) and a == b)
