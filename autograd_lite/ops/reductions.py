"""Reductions (sum, mean, max, min) and the softmax family, which reduce along an axis.

The gradient of a reduction is spread back over the elements it reduced (``_spread``).
"""

from __future__ import annotations

import builtins

from .. import backend
from ..primitive import primitive
from .core import _data, _spread, array_module
from .elementwise import _masked

# ---- reductions -----------------------------------------------------------------------------


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
