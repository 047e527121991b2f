"""The table of ops: each forward formula with its vector-Jacobian products beside it.

Every op takes arrays and returns ``(out, vjps)``: the output array and, per argument, a function
from g = ∂z/∂out to ∂z/∂argument (see ``primitive.py``). Gradients may keep the broadcast
shape: the engine sums them back to each input's shape in one place (``backprop.sum_to``).

Each op is written once, for arrays and Tensors alike. ``xp = array_module(x)`` is NumPy or CuPy
when x is an array and this module when x is a Tensor, so ``xp.exp(x)`` and ``g * out`` compute
on arrays in the forward pass and in a first-order backward pass (nothing recorded: as fast as
plain NumPy), and record Tensor ops when ``backward(create_graph=True)`` runs the op again on its
input Tensors: that is how a derivative is differentiated again. Parts that carry no gradient (a
mask, an argmax, a maximum subtracted for stability) are computed on the data (``_data``) as
constants, and a VJP never changes an array in place unless it made it.

Adding an op: write its function here with ``@primitive``, export it in ``__init__.py`` (and, if
users call it as a method, add the method to ``Tensor``), and add it to the gradient and second
derivative checks in ``tests/``.
"""

from __future__ import annotations

import builtins
import math
import sys

import numpy
from numpy import ndarray

from . import backend
from .primitive import primitive
from .tensor import Tensor


def array_module(x, *more):
    """The module whose functions compute on ``x`` (and ``more``): ``numpy`` or ``cupy`` for
    arrays, and this module, whose functions record Tensor ops, when any of them is a Tensor."""
    if not more:
        kind = x.__class__
        if kind is ndarray:
            return numpy
        if kind is Tensor or isinstance(x, Tensor):
            return _this_module
        return backend.array_module(x)
    module = numpy
    for value in (x,) + more:
        kind = value.__class__
        if kind is ndarray or kind is float or kind is int:
            continue
        if kind is Tensor or isinstance(value, Tensor):
            return _this_module
        if backend.is_array(value):
            module = backend.array_module(value)
    return module


# ---- arithmetic -----------------------------------------------------------------------------


@primitive
def add(a, b):
    """a + b.  ∂/∂a: g,  ∂/∂b: g."""
    return a + b, (_identity, _identity)


@primitive
def sub(a, b):
    """a - b.  ∂/∂a: g,  ∂/∂b: -g."""
    return a - b, (_identity, _negative)


@primitive
def mul(a, b):
    """a · b.  ∂/∂a: g·b,  ∂/∂b: g·a."""
    return a * b, (lambda g: g * b, lambda g: g * a)


@primitive
def div(a, b):
    """a / b.  ∂/∂a: g / b,  ∂/∂b: -g·a / b² = -g·out / b."""
    out = a / b
    return out, (lambda g: g / b, lambda g: -g * out / b)


@primitive
def neg(a):
    """-a.  ∂/∂a: -g."""
    return -a, (_negative,)


@primitive
def power(a, b):
    """a ** b.  ∂/∂a: g·b·a^(b-1) (0 where b = 0),  ∂/∂b: g·a^b·ln(a) (0 where a = 0)."""
    xp = array_module(a, b)
    out = a ** b

    def vjp_base(g):
        # Where b = 0 the derivative is 0; b·a^(b-1) would be 0·∞ = nan at a = 0.
        if isinstance(b, (int, float)):
            return g * b * a ** (b - 1) if b != 0 else g * 0
        return g * b * a ** xp.where(_data(b) == 0, 1, b - 1)

    def vjp_exponent(g):
        # ln a is taken of 1 where a = 0: a^b·ln(a) → 0 there for b > 0, as PyTorch gives.
        with numpy.errstate(divide="ignore", invalid="ignore"):
            return g * out * xp.log(xp.where(_data(a) == 0, 1, a))

    return out, (vjp_base, vjp_exponent)


# ---- elementwise functions ------------------------------------------------------------------


@primitive
def exp(x):
    """e^x.  ∂/∂x: g·e^x."""
    out = array_module(x).exp(x)
    return out, (lambda g: g * out,)


@primitive
def log(x):
    """ln x.  ∂/∂x: g / x."""
    return array_module(x).log(x), (lambda g: g / x,)


@primitive
def log1p(x):
    """ln(1 + x), accurate for small x.  ∂/∂x: g / (1 + x)."""
    return array_module(x).log1p(x), (lambda g: g / (1 + x),)


@primitive
def sqrt(x):
    """√x.  ∂/∂x: g / (2√x)."""
    out = array_module(x).sqrt(x)
    return out, (lambda g: g / (2 * out),)


@primitive
def abs(x):
    """|x|.  ∂/∂x: g·sign(x) (0 at x = 0)."""
    xp = array_module(x)
    return xp.abs(x), (lambda g: g * xp.sign(_data(x)),)


@primitive
def tanh(x):
    """tanh x.  ∂/∂x: g·(1 - tanh² x)."""
    out = array_module(x).tanh(x)
    return out, (lambda g: g * (1 - out * out),)


@primitive
def sigmoid(x):
    """s(x) = 1 / (1 + e^-x).  ∂/∂x: g·s(x)·(1 - s(x)).

    Computed from e = e^-|x|, which never overflows, as 1 / (1 + e) for x ≥ 0 and e / (1 + e)
    for x < 0: accurate to the last digit over the whole line (1 - s is never subtracted from
    1 for very negative x, so s(-40) is 4.2e-18, not 0)."""
    out = stable_sigmoid(x)
    return out, (lambda g: g * out * (1 - out),)


def stable_sigmoid(x):
    """s(x) for an array, without overflow and without cancellation (see ``sigmoid``); for a
    Tensor, the recorded ``sigmoid`` op."""
    if isinstance(x, Tensor):
        return sigmoid(x)
    xp = backend.array_module(x)
    e = xp.exp(-xp.abs(x))
    # The numerator is 1 for x ≥ 0 and e for x < 0: max(e, 1[x ≥ 0]) picks it without a branch.
    return xp.maximum(e, x >= 0) / (1 + e)


@primitive
def relu(x):
    """max(x, 0).  ∂/∂x: g where x > 0, else 0 (also where g is inf or nan)."""
    out = array_module(x).maximum(x, 0)
    return out, (lambda g: _masked(g, _data(out) > 0),)


@primitive
def maximum(a, b):
    """Elementwise max(a, b). The gradient goes to the larger one; ties split it in halves."""
    xp = array_module(a, b)
    return xp.maximum(a, b), (lambda g: _masked(g, _share(a, b)),
                              lambda g: _masked(g, _share(b, a)))


@primitive
def minimum(a, b):
    """Elementwise min(a, b). The gradient goes to the smaller one; ties split it in halves."""
    xp = array_module(a, b)
    return xp.minimum(a, b), (lambda g: _masked(g, _share(b, a)),
                              lambda g: _masked(g, _share(a, b)))


def _share(winner, other):
    """1 where ``winner`` is strictly greater, 1/2 where they tie, 0 elsewhere."""
    winner, other = _data(winner), _data(other)
    return (winner > other) + 0.5 * (winner == other)


@primitive
def clip(x, min=None, max=None):
    """x limited to [min, max].  ∂/∂x: g where min ≤ x ≤ max, else 0."""
    out = array_module(x).clip(x, min, max)
    return out, (lambda g: _masked(g, _data(out) == _data(x)),)


def _masked(g, weight):
    """g·weight for a weight array that is 0 where no gradient passes (a mask, say), with 0
    there also where g is inf or nan, which g·0 would turn into nan (PyTorch gives 0 too).

    On arrays the plain product is used when g is finite, which a sum tells cheaply: in NumPy
    a branch-free product is several times faster than ``where`` on a random mask.
    """
    if isinstance(g, Tensor):
        return where(weight != 0, g * weight, 0)
    xp = backend.array_module(g)
    if xp.isfinite(g.sum()):
        return g * weight
    with numpy.errstate(invalid="ignore"):  # rare: an inf or nan came from upstream
        return xp.where(weight != 0, g * weight, 0)


@primitive
def where(condition, a, b):
    """a where condition holds, else b.  ∂/∂a: g where condition,  ∂/∂b: g elsewhere."""
    xp = array_module(a, b)
    condition = _data(condition)
    on_device = next((v for v in (condition, _data(a), _data(b)) if backend.is_array(v)), None)
    condition = backend.array_module(on_device).asarray(condition, dtype=bool)
    return xp.where(condition, a, b), (
        None,
        lambda g: xp.where(condition, g, 0),
        lambda g: xp.where(condition, 0, g),
    )


# ---- reductions -----------------------------------------------------------------------------


def _spread(g, shape, axis, keepdims):
    """g, the gradient of a reduction's output, broadcast back to the input's ``shape``."""
    xp = array_module(g)
    if axis is not None and not keepdims and len(shape) > 0:
        g = xp.expand_dims(g, _axes(axis, len(shape)))
    return xp.broadcast_to(g, shape)


def _axes(axis, ndim):
    """``axis`` (an int or a tuple, negatives allowed) as a tuple of non-negative ints."""
    axes = axis if isinstance(axis, tuple) else (axis,)
    return tuple(a % ndim if -ndim <= a < ndim else _axis_error(a, ndim) for a in axes)


def _axis_error(axis, ndim):
    raise ValueError(f"axis {axis} is out of range for a tensor with {ndim} dimensions")


@primitive
def sum(x, axis=None, keepdims=False):
    """Σ x over ``axis`` (all axes when None).  ∂/∂x: g copied to every summed element."""
    out = x.sum(axis=axis, keepdims=keepdims)
    return out, (lambda g: _spread(g, x.shape, axis, keepdims),)


@primitive
def mean(x, axis=None, keepdims=False):
    """Mean of x over ``axis``.  ∂/∂x: g / n for each of the n averaged elements."""
    out = x.mean(axis=axis, keepdims=keepdims)
    count = x.size // builtins.max(out.size, 1)
    return out, (lambda g: _spread(g / count, x.shape, axis, keepdims),)


@primitive
def max(x, axis=None, keepdims=False):
    """Largest element over ``axis``. The gradient goes to it; equal maxima share it evenly."""
    return _extreme(x, x.max(axis=axis, keepdims=keepdims), axis, keepdims)


@primitive
def min(x, axis=None, keepdims=False):
    """Smallest element over ``axis``. The gradient goes to it; equal minima share it evenly."""
    return _extreme(x, x.min(axis=axis, keepdims=keepdims), axis, keepdims)


def _extreme(x, out, axis, keepdims):
    def vjp(g):
        data = _data(x)
        hit = data == _spread(_data(out), data.shape, axis, keepdims)
        share = hit / hit.sum(axis=axis, keepdims=True)
        return _masked(_spread(g, data.shape, axis, keepdims), share)

    return out, (vjp,)


@primitive
def logsumexp(x, axis=-1, keepdims=False):
    """log Σ e^x over ``axis``, computed as m + log Σ e^(x - m) with m the max (stable).
    ∂/∂x: g · softmax(x) = g · e^(x - out)."""
    xp = array_module(x)
    m = _data(x).max(axis=axis, keepdims=True)
    m = backend.array_module(m).where(backend.array_module(m).isfinite(m), m, 0)
    shifted_exp = xp.exp(x - m)
    total = shifted_exp.sum(axis=axis, keepdims=True)
    out = xp.log(total) + m
    if not keepdims:
        out = xp.squeeze(out, axis=axis)
    return out, (lambda g: _spread(g, x.shape, axis, keepdims) * (shifted_exp / total),)


@primitive
def softmax(x, axis=-1):
    """y = e^x / Σ e^x along ``axis`` (max subtracted first).  ∂/∂x: y·(g - Σ g·y)."""
    xp = array_module(x)
    e = xp.exp(x - _data(x).max(axis=axis, keepdims=True))
    y = e / e.sum(axis=axis, keepdims=True)
    return y, (lambda g: y * (g - (g * y).sum(axis=axis, keepdims=True)),)


@primitive
def log_softmax(x, axis=-1):
    """y = x - logsumexp(x) along ``axis``.  ∂/∂x: g - e^y · Σ g."""
    xp = array_module(x)
    shifted = x - _data(x).max(axis=axis, keepdims=True)
    y = shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))
    return y, (lambda g: g - xp.exp(y) * g.sum(axis=axis, keepdims=True),)


# ---- linear algebra -------------------------------------------------------------------------


@primitive
def matmul(a, b):
    """a @ b for 1-D, 2-D and batched (…, n, k) @ (…, k, m) arrays, as NumPy defines it.
    ∂/∂a: g @ bᵀ,  ∂/∂b: aᵀ @ g (transposes over the last two axes; batch axes broadcast)."""
    _check_matmul_shapes(a, b)
    xp = array_module(a, b)
    out = xp.matmul(a, b)
    # Treat a vector as a one-row (for a) or one-column (for b) matrix, then drop that axis.
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b

    def as_matrix_grad(g):
        if b.ndim == 1:  # first, so that the 0-d g of vector @ vector becomes (1,) then (1, 1)
            g = xp.expand_dims(g, -1)
        if a.ndim == 1:
            g = xp.expand_dims(g, -2)
        return g

    def vjp_a(g):
        grad = xp.matmul(as_matrix_grad(g), xp.swapaxes(b2, -1, -2))
        return xp.squeeze(grad, axis=-2) if a.ndim == 1 else grad

    def vjp_b(g):
        grad = xp.matmul(xp.swapaxes(a2, -1, -2), as_matrix_grad(g))
        return xp.squeeze(grad, axis=-1) if b.ndim == 1 else grad

    return out, (vjp_a, vjp_b)


def linear(x, weight, bias=None):
    """z = x Wᵀ + β: the affine map of a fully connected layer, on a batch of rows.

    For weights W ∈ R^{N_H×N_I} (the lecture's layout, shape (out, in)) the lecture's
    z_H = W_H x + β_H for one column x becomes, for rows x of shape (…, N_I), z = x Wᵀ + β.
    ``bias`` (out,) is optional. The same as ``x @ weight.T + bias``, as one op, whose
    vector-Jacobian products for g = ∂L/∂z are

        ∂L/∂x = g W          ∂L/∂W = gᵀ x          ∂L/∂β = Σ_rows g

    (the lecture's δ_i = W_iᵀ δ̄_{i+1} and weight gradients v_i δ̄_{i+1}ᵀ, for a whole batch at
    once). The weight gradient comes out in W's own layout, with no transposed copy.
    """
    if bias is None:
        return _linear(x, weight, 0.0)
    return _linear(x, weight, bias)


@primitive(name="linear")
def _linear(x, weight, bias):
    xp = array_module(x, weight, bias)
    if weight.ndim != 2:
        raise ValueError(f"linear: the weight must be a matrix (out, in), got shape {weight.shape}")
    if numpy.shape(x)[-1:] != weight.shape[1:]:
        raise ValueError(
            f"linear: input of shape {numpy.shape(x)} does not fit a weight of shape "
            f"{weight.shape} (out, in): its last axis must be {weight.shape[1]}"
        )
    out = xp.matmul(x, weight.T)
    if backend.is_array(bias) and bias.dtype == out.dtype and backend.is_array(out):
        out += bias  # in place: out is a fresh array
    elif not (bias.__class__ is float and bias == 0.0):
        out = out + bias
    n_out, n_in = weight.shape
    rows = math.prod(x.shape[:-1])  # explicit sizes: reshape(-1, 0) fails for 0 features

    def vjp_weight(g):
        return xp.matmul(g.reshape(rows, n_out).T, x.reshape(rows, n_in))

    def vjp_bias(g):
        return g.reshape(rows, n_out).sum(axis=0)

    return out, (lambda g: xp.matmul(g, weight), vjp_weight, vjp_bias)


def _check_matmul_shapes(a, b):
    a_shape, b_shape = numpy.shape(a), numpy.shape(b)
    if len(a_shape) == 0 or len(b_shape) == 0:
        raise ValueError(
            f"matmul needs arrays of at least 1 dimension, got shapes {a_shape} and {b_shape}"
        )
    inner_b = b_shape[0] if len(b_shape) == 1 else b_shape[-2]
    if a_shape[-1] != inner_b:
        raise ValueError(
            f"matmul shapes {a_shape} and {b_shape} do not match: "
            f"{a_shape[-1]} (last axis of the first) != {inner_b} (the second's rows)"
        )


# ---- shape ----------------------------------------------------------------------------------


def _shape_arg(shape):
    """Accept f(2, 3) and f((2, 3)) alike."""
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape


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


# ---- functions without a gradient (masks and tests), for arrays and Tensors -----------------


def sign(x):
    """-1, 0 or +1 by the sign of each element; carries no gradient (its derivative is 0)."""
    return _constant(backend.array_module(_data(x)).sign(_data(x)))


def isfinite(x):
    """Whether each element is neither inf nor nan; carries no gradient."""
    return _constant(backend.array_module(_data(x)).isfinite(_data(x)))


def _constant(array):
    return Tensor._from_op(array, (), None, "")


# ---- helpers --------------------------------------------------------------------------------


def _identity(g):
    return g


def _negative(g):
    return -g


def _data(x):
    """The array inside a Tensor; anything else as it is."""
    return x.data if isinstance(x, Tensor) else x


_this_module = sys.modules[__name__]
