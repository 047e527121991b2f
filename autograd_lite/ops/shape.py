"""Shape ops, indexing, joins, copies and conversions: they move elements without changing them.

Each VJP moves g back: reshaped, permuted back, summed over broadcast axes, scattered into
zeros at the indexed places, or sliced into the pieces that were joined.
"""

from __future__ import annotations

import builtins

import numpy

from .. import backend
from ..primitive import primitive
from ..tensor import Tensor
from .core import _data, _identity, _shape_arg, array_module

# ---- shape ----------------------------------------------------------------------------------


def reshape(x, *shape):
    """x with a new shape (-1 infers one size).  ∂/∂x: g reshaped back."""
    return _reshape(x, shape=_shape_arg(shape))


@primitive(name="reshape")
def _reshape(x, *, shape):
    return x.reshape(shape), (lambda g: g.reshape(x.shape),)


def transpose(x, *axes):
    """Axes permuted as NumPy's ``transpose`` (no axes: reversed).  ∂/∂x: g permuted back."""
    axes = _shape_arg(axes)
    return _transpose(x, axes=None if axes in ((), (None,)) else tuple(axes))


@primitive(name="transpose")
def _transpose(x, *, axes):
    out = x.transpose(axes)
    # Negative axes count from the end: make them non-negative before inverting the permutation.
    inverse = None if axes is None else tuple(int(i) for i in numpy.argsort(
        [a % x.ndim for a in axes]))
    return out, (lambda g: g.transpose(inverse),)


def swapaxes(x, axis1, axis2):
    """x with two axes exchanged (NumPy's ``swapaxes``)."""
    order = list(range(numpy.ndim(_data(x))))
    order[axis1], order[axis2] = order[axis2], order[axis1]
    return _transpose(x, axes=tuple(order))


def expand_dims(x, axis):
    """x with new axes of size 1 at the positions ``axis`` (an int or a tuple)."""
    shape = numpy.expand_dims(numpy.empty(numpy.shape(_data(x)), dtype=bool), axis).shape
    return _reshape(x, shape=shape)


def squeeze(x, axis=None):
    """x without its axes of size 1 (or only those in ``axis``)."""
    data = _data(x)
    return _reshape(x, shape=backend.array_module(data).squeeze(data, axis=axis).shape)


def expand(x, *shape):
    """x broadcast to ``shape`` (as PyTorch's ``expand``: -1 keeps a size).
    ∂/∂x: g summed over the broadcast axes, which the engine does in ``sum_to``."""
    shape = _shape_arg(shape)
    current = (1,) * (len(shape) - numpy.ndim(_data(x))) + numpy.shape(_data(x))
    shape = tuple(c if s == -1 else s for s, c in zip(shape, current))
    return _expand(x, shape=shape)


def broadcast_to(x, shape):
    """x broadcast to ``shape`` (NumPy's name for ``expand``)."""
    return _expand(x, shape=tuple(shape) if isinstance(shape, (tuple, list)) else (shape,))


@primitive(name="expand")
def _expand(x, *, shape):
    return array_module(x).broadcast_to(x, shape), (_identity,)


@primitive(name="getitem")
def getitem(x, *, index):
    """x[index] with ints, slices, None, Ellipsis, integer arrays or boolean masks.
    ∂/∂x: zeros with g added at the indexed places (repeated indices add up)."""
    backend.check_index(x, index)
    shape = x.shape
    return x[index], (lambda g: unindex(g, shape, index),)


def unindex(values, shape, index):
    """Zeros of ``shape`` with ``values`` added at ``index`` (repeated indices add up): the
    VJP of ``x[index]``, for arrays and Tensors alike."""
    if isinstance(values, Tensor):
        return _unindex(values, shape=shape, index=index)
    xp = backend.array_module(values)
    out = xp.zeros(shape, dtype=values.dtype)
    if _is_basic_index(index):
        out[index] = values  # each element is picked at most once
    else:
        backend.scatter_add(out, index, values)
    return out


@primitive(name="unindex")
def _unindex(values, *, shape, index):
    """Zeros of ``shape`` with ``values`` added at ``index``.  ∂/∂values: g[index]."""
    return unindex(values, shape, index), (lambda g: g[index],)


def _is_basic_index(index):
    parts = index if isinstance(index, tuple) else (index,)
    return builtins.all(
        isinstance(p, (int, numpy.integer, slice)) and not isinstance(p, bool)
        or p is None or p is Ellipsis
        for p in parts
    )


def concatenate(tensors, axis=0):
    """The tensors joined along an existing ``axis``.  ∂/∂each: its slice of g."""
    return _concatenate(*tensors, axis=axis)


@primitive(name="concatenate")
def _concatenate(*arrays, axis=0):
    xp = array_module(*arrays)
    out = xp.concatenate(arrays, axis=axis)
    axis = axis % out.ndim
    bounds = numpy.cumsum([0] + [a.shape[axis] for a in arrays])
    before = (slice(None),) * axis
    return out, tuple(
        (lambda g, s=slice(int(start), int(stop)): g[before + (s,)])
        for start, stop in zip(bounds[:-1], bounds[1:])
    )


def stack(tensors, axis=0):
    """The tensors joined along a new ``axis``.  ∂/∂each: its slice of g."""
    return _stack(*tensors, axis=axis)


@primitive(name="stack")
def _stack(*arrays, axis=0):
    xp = array_module(*arrays)
    out = xp.stack(arrays, axis=axis)
    before = (slice(None),) * (axis % out.ndim)
    return out, tuple((lambda g, i=i: g[before + (i,)]) for i in range(len(arrays)))


# ---- copies and conversions -----------------------------------------------------------------


@primitive
def identity(x):
    """x itself, as a new node of the graph (function transformations use it).  ∂/∂x: g."""
    return x, (_identity,)


@primitive
def clone(x):
    """A copy of x with its own memory.  ∂/∂x: g."""
    return array_module(x).copy(x), (_identity,)


copy = clone  # NumPy's name, so that xp.copy(x) serves arrays and Tensors alike


@primitive(name="astype")
def astype(x, *, dtype):
    """x converted to ``dtype``.  ∂/∂x: g converted back to x's dtype."""
    source = x.dtype
    return x.astype(dtype), (lambda g: g.astype(source),)


@primitive(name="to")
def to_device(x, *, device):
    """x copied to ``device``.  ∂/∂x: g copied back to x's device."""
    source = _device_of(x)
    return _moved(x, device), (lambda g: _moved(g, source),)


def _moved(x, device):
    return x.to(device) if isinstance(x, Tensor) else backend.to_device(x, device)


def _device_of(x):
    return x.device if isinstance(x, Tensor) else backend.device_of(x)
