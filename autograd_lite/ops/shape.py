"""Shape ops, indexing, joins, copies and conversions: they move elements without changing them.

Each VJP moves g back: reshaped, permuted back, summed over broadcast axes, scattered into
zeros at the indexed places, or sliced into the pieces that were joined. Many functions here are
made of a few of these primitives (``flip`` and ``split`` are slices, ``repeat`` and ``roll``
are indexing, ``tile`` is a broadcast), so their gradients are the primitives' own.
"""

from __future__ import annotations

import builtins

import numpy

from .. import backend
from ..primitive import primitive
from ..tensor import Tensor
from .core import (
    _axes,
    _data,
    _identity,
    _on_device,
    _operand,
    _shape_arg,
    _shape_of,
    array_module,
    synonyms,
)

# ---- reshaping --------------------------------------------------------------------------------


def reshape(x, *shape):
    """x with a new shape (-1 infers one size).  ∂/∂x: g reshaped back."""
    return _reshape(x, shape=_shape_arg(shape))


@primitive(name="reshape")
def _reshape(x, *, shape):
    return x.reshape(shape), (lambda g: g.reshape(x.shape),)


def view(x, *shape):
    """PyTorch's ``view``: ``reshape`` (here it copies when the memory layout needs it).

    NumPy's ``ndarray.view(dtype)`` reinterprets the bytes as another dtype, which has no
    gradient: a dtype is refused with a TypeError rather than read as a shape."""
    if len(shape) == 1 and not isinstance(shape[0], (int, numpy.integer, tuple, list)):
        raise TypeError(
            f"view({shape[0]!r}): only shapes are accepted (PyTorch's view); to "
            "change the dtype use astype()"
        )
    return reshape(x, *shape)


def ravel(x):
    """x as one row (NumPy's ``ravel``)."""
    return _reshape(x, shape=(-1,))


def flatten(x, start_dim=0, end_dim=-1):
    """Axes ``start_dim`` to ``end_dim`` merged into one (PyTorch's ``flatten``); with the
    defaults, x as one row, as NumPy's ``ndarray.flatten()``."""
    shape = _shape_of(x)
    if not shape:
        return _reshape(x, shape=(1,))
    first, last = _axes((start_dim, end_dim), len(shape))
    merged = 1
    for n in shape[first : last + 1]:
        merged *= n
    return _reshape(x, shape=shape[:first] + (merged,) + shape[last + 1 :])


@synonyms(dim="axis")
def expand_dims(x, axis):
    """x with new axes of size 1 at the positions ``axis`` (an int or a tuple)."""
    shape = numpy.expand_dims(numpy.empty(_shape_of(x), dtype=bool), axis).shape
    return _reshape(x, shape=shape)


unsqueeze = expand_dims  # PyTorch's name


@synonyms(dim="axis")
def squeeze(x, axis=None):
    """x without its axes of size 1 (or only those in ``axis``, which must have size 1)."""
    data = _data(_operand(x))
    return _reshape(x, shape=backend.array_module(data).squeeze(data, axis=axis).shape)


def expand(x, *shape):
    """x broadcast to ``shape`` (as PyTorch's ``expand``: -1 keeps a size).
    ∂/∂x: g summed over the broadcast axes, which the engine does in ``sum_to``."""
    shape = _shape_arg(shape)
    current = (1,) * (len(shape) - len(_shape_of(x))) + _shape_of(x)
    shape = tuple(c if s == -1 else s for s, c in zip(shape, current))
    return _expand(x, shape=shape)


def broadcast_to(x, shape):
    """x broadcast to ``shape`` (NumPy's name for ``expand``)."""
    return _expand(x, shape=tuple(shape) if isinstance(shape, (tuple, list)) else (shape,))


@primitive(name="expand")
def _expand(x, *, shape):
    return array_module(x).broadcast_to(x, shape), (_identity,)


# ---- permuting axes ---------------------------------------------------------------------------


def transpose(x, *axes, **names):
    """Axes permuted; ∂/∂x: g permuted back. NumPy and PyTorch read two arguments differently,
    and the rule here never makes a swap a silent no-op:

    - ``transpose(x)``: all axes reversed (NumPy; ``x.T``).
    - ``transpose(x, (2, 0, 1))``, ``axes=(2, 0, 1)``, or N separate axes of an N-d tensor with
      N > 2: NumPy's permutation.
    - ``transpose(x, a, b)`` with two separate axes (or ``dim0=a, dim1=b``): PyTorch's swap of
      axes a and b, whatever the number of dimensions. On a 2-D tensor ``transpose(0, 1)``
      therefore swaps (NumPy would read it as the identity permutation ``(0, 1)``).
    """
    if names:
        axes = _transpose_keywords(axes, names)
    if len(axes) == 2 and builtins.all(_is_int(a) for a in axes):
        return swapaxes(x, *axes)
    axes = _shape_arg(axes)
    return _transpose(x, axes=None if axes in ((), (None,)) else tuple(axes))


def _transpose_keywords(axes, names):
    if set(names) == {"dim0", "dim1"} and not axes:
        return (names["dim0"], names["dim1"])
    if set(names) == {"axes"} and not axes:
        return (names["axes"],)
    raise TypeError(
        f"transpose() takes the axes by position, as axes=(...) (NumPy) or as "
        f"dim0=, dim1= (PyTorch); got {', '.join(f'{k}=' for k in names)}"
    )


def _is_int(value):
    return isinstance(value, (int, numpy.integer)) and not isinstance(value, bool)


@primitive(name="transpose")
def _transpose(x, *, axes):
    out = x.transpose(axes)
    # Negative axes count from the end: make them non-negative before inverting the permutation.
    inverse = (
        None if axes is None else tuple(int(i) for i in numpy.argsort([a % x.ndim for a in axes]))
    )
    return out, (lambda g: g.transpose(inverse),)


def permute(x, *dims):
    """Axes in the order ``dims`` (PyTorch's ``permute``; NumPy's ``transpose(x, dims)``)."""
    return _transpose(x, axes=tuple(_shape_arg(dims)))


def swapaxes(x, axis1, axis2):
    """x with two axes exchanged (NumPy's ``swapaxes``; PyTorch's ``transpose(a, b)``)."""
    order = list(range(len(_shape_of(x))))
    order[axis1], order[axis2] = order[axis2], order[axis1]
    return _transpose(x, axes=tuple(order))


def moveaxis(x, source, destination):
    """x with the axes ``source`` moved to the positions ``destination`` (NumPy's
    ``moveaxis``, PyTorch's ``movedim``), the other axes keeping their order."""
    ndim = len(_shape_of(x))
    source = _axes(tuple(source) if isinstance(source, (list, tuple)) else source, ndim)
    destination = _axes(
        tuple(destination) if isinstance(destination, (list, tuple)) else destination, ndim
    )
    if len(source) != len(destination):
        raise ValueError(f"moveaxis: {len(source)} source axes but {len(destination)} destinations")
    order = [a for a in range(ndim) if a not in source]
    for to, axis in sorted(zip(destination, source)):
        order.insert(to, axis)
    return _transpose(x, axes=tuple(order))


movedim = moveaxis  # PyTorch's name


# ---- indexing ---------------------------------------------------------------------------------


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
        isinstance(p, (int, numpy.integer, slice))
        and not isinstance(p, bool)
        or p is None
        or p is Ellipsis
        for p in parts
    )


@synonyms(dim="axis")
def take_along_axis(x, indices, axis):
    """``x`` picked at ``indices`` along ``axis`` (NumPy's ``take_along_axis``, PyTorch's
    ``gather``): out[..., i, ...] = x[..., indices[..., i, ...], ...]. The gradient goes to the
    picked elements (``getitem``)."""
    x = _operand(x)
    indices = _data(indices)
    xp = backend.array_module(indices)
    if axis is None:
        return getitem(ravel(x), index=indices)
    ndim = len(_shape_of(x))
    axis = _axes(axis, ndim)[0]
    if getattr(indices, "ndim", 0) != ndim:
        raise ValueError(
            f"take_along_axis: indices of shape {numpy.shape(indices)} for an "
            f"input of {ndim} dimensions; they need as many"
        )
    index = tuple(
        indices if a == axis else xp.arange(n).reshape((1,) * a + (n,) + (1,) * (ndim - a - 1))
        for a, n in enumerate(_shape_of(x))
    )
    return getitem(x, index=index)


# ---- joining and splitting --------------------------------------------------------------------


@synonyms(dim="axis")
def concatenate(tensors, axis=0):
    """The tensors joined along an existing ``axis``.  ∂/∂each: its slice of g."""
    return _concatenate(*tensors, axis=axis)


cat = concat = concatenate  # PyTorch's and NumPy 2's names


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


@synonyms(dim="axis")
def stack(tensors, axis=0):
    """The tensors joined along a new ``axis``.  ∂/∂each: its slice of g."""
    return _stack(*tensors, axis=axis)


@primitive(name="stack")
def _stack(*arrays, axis=0):
    xp = array_module(*arrays)
    out = xp.stack(arrays, axis=axis)
    before = (slice(None),) * (axis % out.ndim)
    return out, tuple((lambda g, i=i: g[before + (i,)]) for i in range(len(arrays)))


def split(x, indices_or_sections, axis=0, *, dim=None):
    """x cut into pieces along ``axis``, returned as a list of views (slices).

    NumPy's ``split``: an int n cuts x into n equal pieces (a ValueError if they cannot be
    equal), a list gives the indices where pieces start. Spelled PyTorch's way (``dim=``, and
    always as the method ``x.split(...)``, which NumPy arrays do not have), it is
    ``torch.split``: an int is the size of every piece (the last may be smaller), a list the
    sizes of the pieces."""
    x = _operand(x)
    if dim is not None:
        axis = dim
    shape = _shape_of(x)
    axis = _axes(axis, len(shape))[0]
    length = shape[axis]
    cuts = indices_or_sections
    if dim is not None:
        sizes = _piece_sizes(cuts, length)
        starts = numpy.cumsum([0] + sizes[:-1]).tolist()
    elif _is_int(cuts):
        if cuts <= 0 or length % cuts:
            raise ValueError(
                f"split: axis {axis} of length {length} cannot be cut into {cuts} "
                "equal pieces (numpy.split's rule; PyTorch's, with dim=, takes "
                "the size of each piece)"
            )
        starts = list(range(0, length, length // cuts)) if length else [0] * cuts
    else:
        starts = [0] + [int(i) for i in cuts]
    stops = starts[1:] + [length]
    before = (slice(None),) * axis
    return [getitem(x, index=before + (slice(a, b),)) for a, b in zip(starts, stops)]


def _piece_sizes(cuts, length):
    """The sizes of torch.split's pieces: ``cuts`` is one size, or the list of them."""
    if _is_int(cuts):
        if cuts <= 0:
            raise ValueError(f"split: the size of a piece must be positive, got {cuts}")
        return [builtins.min(cuts, length - start) for start in range(0, length, cuts)] or [0]
    sizes = [int(n) for n in cuts]
    if builtins.sum(sizes) != length:
        raise ValueError(
            f"split: piece sizes {sizes} add up to {builtins.sum(sizes)}, but the "
            f"axis has length {length}"
        )
    return sizes


# ---- repeating, rolling, flipping, padding ----------------------------------------------------


@synonyms(dim="axis")
def repeat(x, repeats, axis=None):
    """Each element repeated ``repeats`` times along ``axis`` (of the flattened x when None):
    NumPy's ``repeat``, PyTorch's ``repeat_interleave``. ``repeats`` is an int or one count
    per element. ∂/∂x: the sum of g over the copies of each element."""
    x = _operand(x)
    if axis is None:
        x, axis = ravel(x), 0
    shape = _shape_of(x)
    axis = _axes(axis, len(shape))[0]
    counts = _data(repeats)
    counts = backend.to_device(counts, "cpu") if backend.is_array(counts) else counts
    picks = numpy.repeat(numpy.arange(shape[axis]), counts)
    return getitem(x, index=(slice(None),) * axis + (_on_device(picks, x),))


repeat_interleave = repeat  # PyTorch's name


@synonyms(dims="reps")
def tile(x, reps):
    """x repeated as a whole ``reps`` times along each axis (NumPy's and PyTorch's ``tile``;
    PyTorch's ``x.repeat(*reps)``). A broadcast and a reshape: ∂/∂x is g summed over the
    copies."""
    reps = (reps,) if _is_int(reps) else tuple(reps)
    shape = _shape_of(x)
    ndim = builtins.max(len(shape), len(reps))
    shape = (1,) * (ndim - len(shape)) + shape
    reps = (1,) * (ndim - len(reps)) + reps
    spread = tuple(n for pair in zip((1,) * ndim, shape) for n in pair)
    copies = tuple(n for pair in zip(reps, shape) for n in pair)
    tiled = tuple(r * n for r, n in zip(reps, shape))
    return _reshape(_expand(_reshape(x, shape=spread), shape=copies), shape=tiled)


@synonyms(shifts="shift", dims="axis")
def roll(x, shift, axis=None):
    """x shifted by ``shift`` places along ``axis``, the elements that fall off one end coming
    back at the other (of the flattened x when None). Two slices joined: ∂/∂x is g rolled back.
    """
    x = _operand(x)
    if axis is None:
        return reshape(roll(ravel(x), shift, 0), _shape_of(x))
    shifts = shift if isinstance(shift, (tuple, list)) else (shift,)
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    if len(shifts) != len(axes):
        raise ValueError(f"roll: {len(shifts)} shifts for {len(axes)} axes")
    out = x
    for k, a in zip(shifts, axes):
        a = _axes(a, len(_shape_of(x)))[0]
        n = _shape_of(x)[a]
        k = int(k) % n if n else 0
        if k:
            before = (slice(None),) * a
            out = concatenate(
                [
                    getitem(out, index=before + (slice(n - k, None),)),
                    getitem(out, index=before + (slice(0, n - k),)),
                ],
                axis=a,
            )
    return clone(x) if out is x else out


@synonyms(dims="axis")
def flip(x, axis=None):
    """x with the order of the elements along ``axis`` (all axes when None) reversed; a slice,
    so ∂/∂x is g flipped back."""
    ndim = len(_shape_of(x))
    axes = (
        range(ndim)
        if axis is None
        else _axes(tuple(axis) if isinstance(axis, (list, tuple)) else axis, ndim)
    )
    return getitem(
        x, index=tuple(slice(None, None, -1) if a in axes else slice(None) for a in range(ndim))
    )


_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def pad(x, pad_width, mode="constant", constant_values=0):
    """x with ``pad_width`` = ((before, after), ...) elements added around each axis (NumPy's
    ``pad``; one pair or one number stands for every axis).

    ``mode``: 'constant' (``constant_values``), or 'edge', 'reflect', 'symmetric' and 'wrap',
    which copy elements of x: those are indexing (the gradient of a copied element adds up over
    its copies). ∂/∂x for 'constant': the middle of g."""
    x = _operand(x)
    shape = _shape_of(x)
    widths = numpy.asarray(pad_width, dtype=int)
    if widths.ndim == 2 and widths.shape[1] == 1:  # ((n,), (m,)): n before and after axis 0
        widths = numpy.repeat(widths, 2, axis=1)
    widths = numpy.broadcast_to(widths, (len(shape), 2))
    if (widths < 0).any():
        raise ValueError(f"pad: widths must be >= 0, got {pad_width}")
    widths = tuple((int(a), int(b)) for a, b in widths)
    if mode == "constant":
        return _pad(x, pad_width=widths, constant_values=constant_values)
    if mode not in _PAD_MODES:
        raise ValueError(f"pad: mode {mode!r} is not supported; use one of {_PAD_MODES}")
    picks = [numpy.pad(numpy.arange(n), w, mode=mode) for n, w in zip(shape, widths)]
    return getitem(x, index=tuple(_on_device(p, x) for p in numpy.ix_(*picks)))


@primitive(name="pad")
def _pad(x, *, pad_width, constant_values):
    out = array_module(x).pad(x, pad_width, mode="constant", constant_values=constant_values)
    middle = tuple(slice(before, before + n) for (before, _), n in zip(pad_width, x.shape))
    return out, (lambda g: g[middle],)


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
def to(x, *, device):
    """x copied to ``device``.  ∂/∂x: g copied back to x's device."""
    source = _device_of(x)
    return _moved(x, device), (lambda g: _moved(g, source),)


def _moved(x, device):
    return x.to(device) if isinstance(x, Tensor) else backend.to_device(x, device)


def _device_of(x):
    return x.device if isinstance(x, Tensor) else backend.device_of(x)
