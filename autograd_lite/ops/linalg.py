"""Linear algebra: products (matmul, dot, outer, tensordot, einsum), the fused affine map of a
fully connected layer, and the diagonal and triangles of matrices.

The VJPs of a product are products of g with the other factors: for a contraction written as
einsum, ∂/∂(one operand) is the einsum of g with all the others, into that operand's indices.
"""

from __future__ import annotations

import math

import numpy

from .. import backend
from ..primitive import primitive
from .core import _data, _on_device, _operand, _shape_of, array_module, synonyms
from .elementwise import mul, where
from .shape import _unindex, getitem, moveaxis, reshape

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
        grad = xp.matmul(as_matrix_grad(g), b2.swapaxes(-1, -2))
        return xp.squeeze(grad, axis=-2) if a.ndim == 1 else grad

    def vjp_b(g):
        grad = xp.matmul(a2.swapaxes(-1, -2), as_matrix_grad(g))
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
    x_shape = getattr(x, "shape", ())  # () for a number
    if x_shape[-1:] != weight.shape[1:]:
        raise ValueError(
            f"linear: input of shape {x_shape} does not fit a weight of shape "
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
    a_shape, b_shape = getattr(a, "shape", ()), getattr(b, "shape", ())  # () for a number
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


# ---- products ---------------------------------------------------------------------------------


def dot(a, b):
    """NumPy's ``dot``: a product for numbers (0-d), the inner product for two vectors, the
    matrix product for matrices, and for N-d arrays the sum over a's last axis and b's
    second-to-last one: dot(a, b)[i, j, k, m] = Σ_s a[i, j, s] · b[k, s, m].

    Made of ``mul``, ``matmul`` (where it agrees with ``dot``: b of at most 2 axes, or a a
    vector) and ``tensordot``, so its gradients are theirs."""
    a, b = _operand(a), _operand(b)
    a_ndim, b_ndim = len(_shape_of(a)), len(_shape_of(b))
    if a_ndim == 0 or b_ndim == 0:
        return mul(a, b)
    if b_ndim <= 2 or a_ndim == 1:
        return matmul(a, b)
    return tensordot(a, b, axes=([-1], [-2]))


def outer(a, b):
    """The outer product a bᵀ of two vectors (flattened first, as NumPy does): out[i, j] =
    a[i] · b[j]. A broadcast ``mul``: ∂/∂a = g b, ∂/∂b = gᵀ a."""
    return mul(reshape(a, (-1, 1)), reshape(b, (1, -1)))


def tensordot(a, b, axes=2):
    """Σ a·b over pairs of axes (NumPy's ``tensordot``): ``axes`` is a number n (a's last n
    axes with b's first n) or two lists (a's axes, b's axes) that are paired in order. The
    output has a's remaining axes, then b's.

    ∂/∂a: g contracted with b over b's remaining axes, then a's axes put back in order; the
    same for b."""
    a, b = _operand(a), _operand(b)
    a_ndim, b_ndim = len(_shape_of(a)), len(_shape_of(b))
    if isinstance(axes, (int, numpy.integer)):
        pairs = (tuple(range(a_ndim - axes, a_ndim)), tuple(range(axes)))
    else:
        a_axes, b_axes = axes
        a_axes = (a_axes,) if isinstance(a_axes, (int, numpy.integer)) else tuple(a_axes)
        b_axes = (b_axes,) if isinstance(b_axes, (int, numpy.integer)) else tuple(b_axes)
        if len(a_axes) != len(b_axes):
            raise ValueError(f"tensordot: {len(a_axes)} axes of a but {len(b_axes)} of b")
        pairs = (tuple(int(i) % a_ndim for i in a_axes), tuple(int(i) % b_ndim for i in b_axes))
    return _tensordot(a, b, axes=pairs)


@primitive(name="tensordot")
def _tensordot(a, b, *, axes):
    xp = array_module(a, b)
    a_axes, b_axes = axes
    out = xp.tensordot(a, b, axes=axes)
    a_kept = [i for i in range(a.ndim) if i not in a_axes]
    b_kept = [i for i in range(b.ndim) if i not in b_axes]
    g_of_a = list(range(len(a_kept)))  # the axes of g that come from a
    g_of_b = list(range(len(a_kept), len(a_kept) + len(b_kept)))

    def vjp_a(g):
        # Its axes: a's kept ones, then b's summed ones in b's order, which pair with a's.
        grad = xp.tensordot(g, b, axes=(g_of_b, b_kept))
        order = a_kept + [a_axes[b_axes.index(i)] for i in sorted(b_axes)]
        return xp.transpose(grad, tuple(int(i) for i in numpy.argsort(order)))

    def vjp_b(g):
        grad = xp.tensordot(a, g, axes=(a_kept, g_of_a))
        order = [b_axes[a_axes.index(i)] for i in sorted(a_axes)] + b_kept
        return xp.transpose(grad, tuple(int(i) for i in numpy.argsort(order)))

    return out, (vjp_a, vjp_b)


def einsum(subscripts, *operands, optimize=False):
    """Einstein summation (NumPy's ``einsum``): ``einsum('ij,jk->ik', a, b)`` is a @ b. Implicit
    outputs ('ij,jk'), ``...`` for broadcast axes, repeated indices (diagonals, 'ii->i') and
    indices summed in one operand only ('ij->i') are all supported; ``optimize`` is NumPy's.

    ∂/∂(operand k) is the einsum of g with the other operands, into operand k's indices;
    an index that appears in operand k only is put back with a vector of ones, a repeated
    one with an identity matrix (see ``_einsum``)."""
    operands = tuple(_operand(x) for x in operands)
    inputs, output = _explicit(subscripts, [len(_shape_of(x)) for x in operands])
    return _einsum(*operands, inputs=tuple(inputs), output=output, optimize=optimize)


@primitive(name="einsum")
def _einsum(*operands, inputs, output, optimize):
    xp = array_module(*operands)
    out = xp.einsum(",".join(inputs) + "->" + output, *operands, optimize=optimize)

    def vjp(k):
        def gradient(g):
            own = inputs[k]
            others = [(s, x) for i, (s, x) in enumerate(zip(inputs, operands)) if i != k]
            elsewhere = set(output).union(*(s for s, _ in others))
            constants = []  # (subscript, array) of the ones and identities
            target = ""
            unused = iter(sorted(set(_LETTERS) - set(output).union(*inputs)))
            on = backend.array_module(_data(g))
            for position, letter in enumerate(own):
                size = operands[k].shape[position]
                if letter in own[:position]:  # a repeated index: a new one, tied to it by I
                    twin = next(unused)
                    constants.append((letter + twin, on.eye(size, dtype=g.dtype)))
                    target += twin
                    continue
                if letter not in elsewhere:  # summed in this operand only
                    constants.append((letter, on.ones(size, dtype=g.dtype)))
                    elsewhere.add(letter)
                target += letter
            spec = ",".join([output] + [s for s, _ in others] + [s for s, _ in constants])
            return xp.einsum(
                spec + "->" + target,
                g,
                *[x for _, x in others],
                *[c for _, c in constants],
                optimize=optimize,
            )

        return gradient

    return out, tuple(vjp(k) for k in range(len(operands)))


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _explicit(subscripts, ndims):
    """The subscripts of each operand and of the output, with '...' written out as letters and
    the implicit output (the indices seen once, in alphabetical order) made explicit."""
    text = subscripts.replace(" ", "")
    if "->" in text:
        left, output = text.split("->")
    else:
        left, output = text, None
    inputs = left.split(",")
    if len(inputs) != len(ndims):
        raise ValueError(f"einsum: {len(inputs)} operands in {subscripts!r}, {len(ndims)} given")
    free = iter([c for c in _LETTERS if c not in text])
    widest = max([n - len(s.replace("...", "")) for s, n in zip(inputs, ndims) if "..." in s] + [0])
    broadcast = "".join(next(free) for _ in range(widest))
    written = []
    for s, n in zip(inputs, ndims):
        if "..." in s:
            count = n - len(s.replace("...", ""))
            s = s.replace("...", broadcast[len(broadcast) - count :] if count else "")
        if len(s) != n:
            raise ValueError(
                f"einsum: operand {s!r} has {n} dimensions, but its subscripts name {len(s)}"
            )
        written.append(s)
    if output is None:
        counts = "".join(written)
        output = broadcast + "".join(
            sorted(c for c in set(counts) if counts.count(c) == 1 and c not in broadcast)
        )
    elif broadcast and "..." not in output:
        raise ValueError(f"einsum: {subscripts!r} has '...' in its operands but not in its output")
    else:
        output = output.replace("...", broadcast)
    return written, output


# ---- diagonals and triangles ------------------------------------------------------------------


def diag(v, k=0):
    """NumPy's ``diag``: for a vector, the square matrix with v on its k-th diagonal (zeros
    elsewhere); for a matrix, its k-th diagonal as a vector. Indexing, and its reverse."""
    v = _operand(v)
    shape = _shape_of(v)
    if len(shape) == 1:
        n = shape[0] + abs(k)
        rows, cols = _diagonal_indices(n, n, k, v)
        return _unindex(v, shape=(n, n), index=(rows, cols))
    if len(shape) == 2:
        return getitem(v, index=_diagonal_indices(*shape, k, v))
    raise ValueError(f"diag needs a vector or a matrix, got shape {shape}")


@synonyms(dim1="axis1", dim2="axis2")
def diagonal(a, offset=0, axis1=0, axis2=1):
    """The ``offset`` diagonal of the matrices over axes ``axis1`` and ``axis2`` (NumPy's
    ``diagonal``): those axes are removed and the diagonal becomes the last axis."""
    a = _operand(a)
    a = moveaxis(a, (axis1, axis2), (-2, -1))
    rows, cols = _diagonal_indices(*_shape_of(a)[-2:], offset, a)
    return getitem(a, index=(Ellipsis, rows, cols))


def trace(a, offset=0, axis1=0, axis2=1):
    """The sum of the ``offset`` diagonal (NumPy's ``trace``)."""
    return diagonal(a, offset, axis1, axis2).sum(axis=-1)


@synonyms(diagonal="k")
def tril(m, k=0):
    """m with the elements above its k-th diagonal set to 0 (over the last two axes)."""
    m = _operand(m)
    rows, cols = _shape_of(m)[-2:]
    return where(_on_device(numpy.tri(rows, cols, k, dtype=bool), m), m, 0)


@synonyms(diagonal="k")
def triu(m, k=0):
    """m with the elements below its k-th diagonal set to 0 (over the last two axes)."""
    m = _operand(m)
    rows, cols = _shape_of(m)[-2:]
    return where(_on_device(~numpy.tri(rows, cols, k - 1, dtype=bool), m), m, 0)


def _diagonal_indices(rows, cols, k, like):
    """(row indices, column indices) of the k-th diagonal of a rows × cols matrix."""
    length = max(0, min(rows, cols - k) if k >= 0 else min(rows + k, cols))
    steps = numpy.arange(length)
    return _on_device(steps + max(-k, 0), like), _on_device(steps + max(k, 0), like)
