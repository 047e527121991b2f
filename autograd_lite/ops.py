"""The table of ops: each forward formula with its vector-Jacobian products beside it.

Every op takes arrays and returns ``(out, vjps)``: the output array and, per argument, a function
from g = ∂z/∂out to ∂z/∂argument (see ``primitive.py``). Gradients may keep the broadcast
shape: the engine sums them back to each input's shape in one place. ``xp`` is NumPy or CuPy,
whichever holds the data, so one definition serves the CPU and the GPU.

To add an op, write one function here; the Tensor method and the public function follow.
"""

from __future__ import annotations

import builtins

import numpy

from . import backend
from .backend import array_module
from .primitive import primitive

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
    """a / b.  ∂/∂a: g / b,  ∂/∂b: -g·a / b²."""
    out = a / b
    return out, (lambda g: g / b, lambda g: -g * out / b)


@primitive
def neg(a):
    """-a.  ∂/∂a: -g."""
    return -a, (_negative,)


@primitive
def power(a, b):
    """a ** b.  ∂/∂a: g·b·a^(b-1),  ∂/∂b: g·a^b·ln(a) (0 where a = 0 and b ≥ 0)."""
    out = a ** b

    def vjp_exponent(g):
        xp = array_module(out)
        with numpy.errstate(divide="ignore", invalid="ignore"):
            d = out * xp.log(a)
        return g * xp.where((a == 0) & (b >= 0), 0, d)

    return out, (lambda g: g * b * a ** (b - 1), vjp_exponent)


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
def sqrt(x):
    """√x.  ∂/∂x: g / (2√x)."""
    out = array_module(x).sqrt(x)
    return out, (lambda g: g / (2 * out),)


@primitive
def abs(x):
    """|x|.  ∂/∂x: g·sign(x) (0 at x = 0)."""
    xp = array_module(x)
    return xp.abs(x), (lambda g: g * xp.sign(x),)


@primitive
def tanh(x):
    """tanh x.  ∂/∂x: g·(1 - tanh² x)."""
    out = array_module(x).tanh(x)
    return out, (lambda g: g * (1 - out * out),)


@primitive
def sigmoid(x):
    """s(x) = 1 / (1 + e^-x), computed as (1 + tanh(x/2)) / 2, which never overflows.
    ∂/∂x: g·s(x)·(1 - s(x))."""
    out = 0.5 + 0.5 * array_module(x).tanh(0.5 * x)
    return out, (lambda g: g * out * (1 - out),)


@primitive
def relu(x):
    """max(x, 0).  ∂/∂x: g where x > 0, else 0."""
    out = array_module(x).maximum(x, 0)
    return out, (lambda g: g * (out > 0),)


@primitive
def maximum(a, b):
    """Elementwise max(a, b). The gradient goes to the larger one; ties split it in halves."""
    xp = array_module(a if backend.is_array(a) else b)
    return xp.maximum(a, b), (lambda g: g * _share(a, b), lambda g: g * _share(b, a))


@primitive
def minimum(a, b):
    """Elementwise min(a, b). The gradient goes to the smaller one; ties split it in halves."""
    xp = array_module(a if backend.is_array(a) else b)
    return xp.minimum(a, b), (lambda g: g * _share(b, a), lambda g: g * _share(a, b))


def _share(winner, other):
    """1 where ``winner`` is strictly greater, 1/2 where they tie, 0 elsewhere."""
    return (winner > other) + 0.5 * (winner == other)


@primitive
def clip(x, min=None, max=None):
    """x limited to [min, max].  ∂/∂x: g where min ≤ x ≤ max, else 0."""
    xp = array_module(x)
    out = xp.clip(x, min, max)
    return out, (lambda g: g * (out == x),)


@primitive
def where(condition, a, b):
    """a where condition holds, else b.  ∂/∂a: g where condition,  ∂/∂b: g elsewhere."""
    xp = array_module(condition if backend.is_array(condition) else a)
    condition = xp.asarray(condition, dtype=bool)
    return xp.where(condition, a, b), (
        None,
        lambda g: xp.where(condition, g, 0),
        lambda g: xp.where(condition, 0, g),
    )


# ---- reductions -----------------------------------------------------------------------------


def _spread(g, shape, axis, keepdims):
    """g, the gradient of a reduction's output, broadcast back to the input's ``shape``."""
    xp = array_module(g)
    if axis is not None and not keepdims:
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
        hit = x == _spread(out, x.shape, axis, keepdims)
        count = hit.sum(axis=axis, keepdims=True)
        return _spread(g, x.shape, axis, keepdims) * hit / count

    return out, (vjp,)


@primitive
def logsumexp(x, axis=-1, keepdims=False):
    """log Σ e^x over ``axis``, computed as m + log Σ e^(x - m) with m the max (stable).
    ∂/∂x: g · softmax(x)."""
    xp = array_module(x)
    m = x.max(axis=axis, keepdims=True)
    m = xp.where(xp.isfinite(m), m, 0)
    shifted_exp = xp.exp(x - m)
    total = shifted_exp.sum(axis=axis, keepdims=True)
    out = xp.log(total) + m
    if not keepdims:
        out = out.squeeze(axis=axis)
    return out, (lambda g: _spread(g, x.shape, axis, keepdims) * (shifted_exp / total),)


@primitive
def softmax(x, axis=-1):
    """y = e^x / Σ e^x along ``axis`` (max subtracted first).  ∂/∂x: y·(g - Σ g·y)."""
    xp = array_module(x)
    e = xp.exp(x - x.max(axis=axis, keepdims=True))
    y = e / e.sum(axis=axis, keepdims=True)
    return y, (lambda g: y * (g - (g * y).sum(axis=axis, keepdims=True)),)


@primitive
def log_softmax(x, axis=-1):
    """y = x - logsumexp(x) along ``axis``.  ∂/∂x: g - e^y · Σ g."""
    xp = array_module(x)
    shifted = x - x.max(axis=axis, keepdims=True)
    y = shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))
    return y, (lambda g: g - xp.exp(y) * g.sum(axis=axis, keepdims=True),)


# ---- linear algebra -------------------------------------------------------------------------


@primitive
def matmul(a, b):
    """a @ b for 1-D, 2-D and batched (…, n, k) @ (…, k, m) arrays, as NumPy defines it.
    ∂/∂a: g @ bᵀ,  ∂/∂b: aᵀ @ g (transposes over the last two axes; batch axes broadcast)."""
    _check_matmul_shapes(a, b)
    xp = array_module(a)
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
        return grad.squeeze(-2) if a.ndim == 1 else grad

    def vjp_b(g):
        grad = xp.matmul(xp.swapaxes(a2, -1, -2), as_matrix_grad(g))
        return grad.squeeze(-1) if b.ndim == 1 else grad

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
    xp = array_module(weight)
    if weight.ndim != 2:
        raise ValueError(f"linear: the weight must be a matrix (out, in), got shape {weight.shape}")
    if numpy.shape(x)[-1:] != weight.shape[1:]:
        raise ValueError(
            f"linear: input of shape {numpy.shape(x)} does not fit a weight of shape "
            f"{weight.shape} (out, in): its last axis must be {weight.shape[1]}"
        )
    out = xp.matmul(x, weight.T)
    if backend.is_array(bias) and bias.dtype == out.dtype:
        out += bias  # in place: out is a fresh array
    elif not (bias.__class__ is float and bias == 0.0):
        out = out + bias

    def vjp_weight(g):
        return xp.matmul(g.reshape(-1, g.shape[-1]).T, x.reshape(-1, x.shape[-1]))

    def vjp_bias(g):
        return g.reshape(-1, g.shape[-1]).sum(axis=0)

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
    return _transpose(x, axes=_shape_arg(axes) or None)


@primitive(name="transpose")
def _transpose(x, *, axes):
    out = x.transpose(axes)
    # Negative axes count from the end: make them non-negative before inverting the permutation.
    inverse = None if axes is None else tuple(numpy.argsort([a % x.ndim for a in axes]))
    return out, (lambda g: g.transpose(inverse),)


def expand(x, *shape):
    """x broadcast to ``shape`` (as PyTorch's ``expand``: -1 keeps a size).
    ∂/∂x: g summed over the broadcast axes, which the engine does in ``sum_to``."""
    shape = _shape_arg(shape)
    current = (1,) * (len(shape) - numpy.ndim(_data(x))) + numpy.shape(_data(x))
    shape = tuple(c if s == -1 else s for s, c in zip(shape, current))
    return _expand(x, shape=shape)


@primitive(name="expand")
def _expand(x, *, shape):
    return array_module(x).broadcast_to(x, shape), (_identity,)


@primitive(name="getitem")
def getitem(x, *, index):
    """x[index] with ints, slices, None, Ellipsis, integer arrays or boolean masks.
    ∂/∂x: zeros with g added at the indexed places (repeated indices add up)."""
    out = x[index]
    shape, basic = x.shape, _is_basic_index(index)

    def vjp(g):
        grad = array_module(g).zeros(shape, dtype=g.dtype)
        if basic:
            grad[index] = g  # each element is picked at most once
        else:
            backend.scatter_add(grad, index, g)
        return grad

    return out, (vjp,)


def _is_basic_index(index):
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        isinstance(p, (int, numpy.integer, slice)) and not isinstance(p, bool)
        or p is None or p is Ellipsis
        for p in parts
    )


def concatenate(tensors, axis=0):
    """The tensors joined along an existing ``axis``.  ∂/∂each: its slice of g."""
    return _concatenate(*tensors, axis=axis)


@primitive(name="concatenate")
def _concatenate(*arrays, axis=0):
    xp = array_module(arrays[0])
    out = xp.concatenate(arrays, axis=axis)
    axis = axis % out.ndim
    bounds = numpy.cumsum([0] + [a.shape[axis] for a in arrays])
    before = (slice(None),) * axis
    return out, tuple(
        (lambda g, s=slice(start, stop): g[before + (s,)])
        for start, stop in zip(bounds[:-1], bounds[1:])
    )


def stack(tensors, axis=0):
    """The tensors joined along a new ``axis``.  ∂/∂each: its slice of g."""
    return _stack(*tensors, axis=axis)


@primitive(name="stack")
def _stack(*arrays, axis=0):
    xp = array_module(arrays[0])
    out = xp.stack(arrays, axis=axis)
    before = (slice(None),) * (axis % out.ndim)
    return out, tuple((lambda g, i=i: g[before + (i,)]) for i in range(len(arrays)))


# ---- devices --------------------------------------------------------------------------------


@primitive(name="to")
def to_device(x, *, device):
    """x copied to ``device``.  ∂/∂x: g copied back to x's device."""
    source = backend.device_of(x)
    return backend.to_device(x, device), (lambda g: backend.to_device(g, source),)


# ---- helpers --------------------------------------------------------------------------------


def _identity(g):
    return g


def _negative(g):
    return -g


def _data(x):
    from .tensor import Tensor

    return x.data if isinstance(x, Tensor) else x
