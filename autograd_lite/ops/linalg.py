"""Linear algebra: matmul and the fused affine map of a fully connected layer.

The VJPs of a product are products with the other factor, transposed.
"""

from __future__ import annotations

import math

import numpy

from .. import backend
from ..primitive import primitive
from .core import array_module

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
