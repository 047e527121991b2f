"""Reductions (sum, mean, prod, var, std, max, min, argmax, argmin), cumulative sums and the
softmax family, which work along an axis.

The gradient of a reduction is spread back over the elements it reduced (``_spread``).
``dim=``/``keepdim=`` are accepted for ``axis=``/``keepdims=`` (``core.synonyms``); where
PyTorch's answer to a call spelled that way differs from NumPy's (``max``/``min`` return values
and indices, ``var``/``std`` default to the sample estimate), a call with ``dim=`` gets
PyTorch's answer and a call with ``axis=`` NumPy's.
"""

from __future__ import annotations

import builtins
import math
from collections import namedtuple

from .. import backend
from ..primitive import primitive
from .core import TORCH_NAMES, _axes, _constant, _data, _spread, array_module, synonyms
from .elementwise import _masked
from .shape import squeeze, take_along_axis

# ---- sums and products ------------------------------------------------------------------------


@synonyms(**TORCH_NAMES)
@primitive
def sum(x, axis=None, keepdims=False):
    """Σ x over ``axis`` (all axes when None).  ∂/∂x: g copied to every summed element."""
    out = x.sum(axis=axis, keepdims=keepdims)
    return out, (lambda g: _spread(g, x.shape, axis, keepdims),)


@synonyms(**TORCH_NAMES)
@primitive
def mean(x, axis=None, keepdims=False):
    """Mean of x over ``axis``.  ∂/∂x: g / n for each of the n averaged elements."""
    out = x.mean(axis=axis, keepdims=keepdims)
    count = x.size // builtins.max(out.size, 1)
    return out, (lambda g: _spread(g / count, x.shape, axis, keepdims),)


@synonyms(**TORCH_NAMES)
@primitive
def prod(x, axis=None, keepdims=False):
    """Π x over ``axis``.  ∂/∂x_j: g · Π_{k≠j} x_k, the product of the other elements.

    That is g·out/x_j where no element is 0. Where some are, the product of the others is
    built from the non-zero elements n (their product over n_j) and the zeros: it is 0 for
    every element when two or more are 0, and for the one zero it is the product of the rest.
    Written with the zeros themselves rather than constants, so that second derivatives are
    right there too (∂²/∂x_i∂x_j = Π_{k≠i,j} x_k is not 0 next to a single zero).
    """
    xp = array_module(x)
    out = xp.prod(x, axis=axis, keepdims=keepdims)

    def vjp(g):
        g = _spread(g, x.shape, axis, keepdims)
        zero = _data(x) == 0
        if not zero.any():
            return g * _spread(out, x.shape, axis, keepdims) / x
        count = zero.sum(axis=axis, keepdims=True)
        nonzero = xp.where(zero, 1, x)
        others = xp.prod(nonzero, axis=axis, keepdims=True) / nonzero
        zeros_product = xp.prod(xp.where(zero, x, 1), axis=axis, keepdims=True)
        # For a zero x_j: the product of the other zeros: 1 if x_j is the only one, the other
        # one if there are two (0, but with slope 1), 0 if more.
        other_zeros = (count == 1) + (count == 2) * (
            xp.sum(xp.where(zero, x, 0), axis=axis, keepdims=True) - x
        )
        return g * others * xp.where(zero, other_zeros, zeros_product)

    return out, (vjp,)


@synonyms(dim="axis")
@primitive
def cumsum(x, axis=None):
    """Running sums along ``axis`` (of the flattened x when None, as NumPy).
    ∂/∂x_i: Σ_{j ≥ i} g_j, the running sums of g taken from the other end."""
    xp = array_module(x)
    flat = axis is None
    out = xp.cumsum(x.reshape(-1) if flat else x, axis=0 if flat else axis)

    def vjp(g):
        along = 0 if flat else axis % x.ndim
        backwards = (slice(None),) * along + (slice(None, None, -1),)
        return xp.cumsum(g[backwards], axis=along)[backwards].reshape(x.shape)

    return out, (vjp,)


# ---- variance ---------------------------------------------------------------------------------


def var(
    x,
    axis=None,
    ddof=None,
    keepdims=False,
    *,
    dim=None,
    keepdim=None,
    unbiased=None,
    correction=None,
):
    """Σ (x - x̄)² / (n - ddof) over ``axis``: NumPy's ``var``, the population variance (ddof 0)
    unless told otherwise. ``correction=`` (NumPy 2, PyTorch) and ``unbiased=True`` (PyTorch)
    set ddof too. Spelled PyTorch's way (``dim=``) it is PyTorch's default, the sample variance
    (ddof 1).  ∂/∂x: g · 2(x - x̄) / (n - ddof)."""
    axis, ddof, keepdims = _estimator(
        "var", axis, ddof, keepdims, dim, keepdim, unbiased, correction
    )
    return _variance(x, axis=axis, ddof=ddof, keepdims=keepdims)


def std(
    x,
    axis=None,
    ddof=None,
    keepdims=False,
    *,
    dim=None,
    keepdim=None,
    unbiased=None,
    correction=None,
):
    """√var: the standard deviation, with ``var``'s arguments and defaults.
    ∂/∂x: g · (x - x̄) / ((n - ddof) · std)."""
    axis, ddof, keepdims = _estimator(
        "std", axis, ddof, keepdims, dim, keepdim, unbiased, correction
    )
    return _standard_deviation(x, axis=axis, ddof=ddof, keepdims=keepdims)


@primitive(name="var")
def _variance(x, *, axis, ddof, keepdims):
    centered, divisor = _centered(x, axis, ddof)
    out = (centered * centered).sum(axis=axis, keepdims=keepdims) / divisor
    return out, (lambda g: _spread(g, x.shape, axis, keepdims) * centered * (2 / divisor),)


@primitive(name="std")
def _standard_deviation(x, *, axis, ddof, keepdims):
    xp = array_module(x)
    centered, divisor = _centered(x, axis, ddof)
    out = xp.sqrt((centered * centered).sum(axis=axis, keepdims=keepdims) / divisor)
    return out, (lambda g: _spread(g / (divisor * out), x.shape, axis, keepdims) * centered,)


def _centered(x, axis, ddof):
    """x - x̄ over ``axis`` and n - ddof, the divisor of the sum of squares."""
    count = x.size if axis is None else math.prod(x.shape[a] for a in _axes(axis, x.ndim))
    return x - x.mean(axis=axis, keepdims=True), count - ddof


def _estimator(name, axis, ddof, keepdims, dim, keepdim, unbiased, correction):
    """(axis, ddof, keepdims) from NumPy's and PyTorch's spellings of them."""
    torch_spelling = dim is not None or keepdim is not None
    if dim is not None:
        if axis is not None:
            raise TypeError(
                f"{name}() got axis={axis!r} and dim={dim!r}, two names for one parameter"
            )
        axis = dim
    if keepdim is not None:
        keepdims = keepdim
    given = {
        k: v
        for k, v in (("ddof", ddof), ("unbiased", unbiased), ("correction", correction))
        if v is not None
    }
    if len(given) > 1:
        raise TypeError(
            f"{name}() got {' and '.join(f'{k}=' for k in given)}: they say the same "
            "thing (ddof = correction = int(unbiased)); give one"
        )
    if unbiased is not None:
        ddof = int(bool(unbiased))
    elif correction is not None:
        ddof = correction
    elif ddof is None:
        ddof = 1 if torch_spelling else 0
    return axis, ddof, keepdims


# ---- extremes ---------------------------------------------------------------------------------

ValuesIndices = namedtuple("ValuesIndices", "values indices")
ValuesIndices.__doc__ = "What ``max``/``min`` with PyTorch's ``dim=`` return: (values, indices)."


def max(x, axis=None, keepdims=False, *, dim=None, keepdim=None):
    """Largest element over ``axis`` (NumPy's ``max``). The gradient goes to it; equal maxima
    share it evenly.

    Spelled PyTorch's way, ``max(x, dim=1)`` returns PyTorch's pair ``(values, indices)`` (also
    as ``.values`` and ``.indices``), the gradient going to the element at ``indices``."""
    return _extreme_or_pair("max", _max, argmax, x, axis, keepdims, dim, keepdim)


def min(x, axis=None, keepdims=False, *, dim=None, keepdim=None):
    """Smallest element over ``axis``; ``min(x, dim=1)`` returns ``(values, indices)`` (see
    ``max``)."""
    return _extreme_or_pair("min", _min, argmin, x, axis, keepdims, dim, keepdim)


def _extreme_or_pair(name, reduce, locate, x, axis, keepdims, dim, keepdim):
    if keepdim is not None:
        keepdims = keepdim
    if dim is None:
        return reduce(x, axis=axis, keepdims=keepdims)
    if axis is not None:
        raise TypeError(
            f"{name}() got axis={axis!r} and dim={dim!r}: axis= gives the values "
            f"(NumPy), dim= the pair (values, indices) (PyTorch); give one"
        )
    indices = locate(x, axis=dim, keepdims=True)
    values = take_along_axis(x, indices, axis=dim)
    if not keepdims:
        values, indices = squeeze(values, axis=dim), squeeze(indices, axis=dim)
    return ValuesIndices(values, indices)


@primitive(name="max")
def _max(x, axis=None, keepdims=False):
    return _extreme(x, x.max(axis=axis, keepdims=keepdims), axis, keepdims)


@primitive(name="min")
def _min(x, axis=None, keepdims=False):
    return _extreme(x, x.min(axis=axis, keepdims=keepdims), axis, keepdims)


def _extreme(x, out, axis, keepdims):
    def vjp(g):
        data = _data(x)
        hit = data == _spread(_data(out), data.shape, axis, keepdims)
        share = hit / hit.sum(axis=axis, keepdims=True)
        return _masked(_spread(g, data.shape, axis, keepdims), share)

    return out, (vjp,)


@synonyms(**TORCH_NAMES)
def argmax(x, axis=None, keepdims=False):
    """The index of the largest element over ``axis`` (of the flattened x when None; the first
    one if several are equal): an integer Tensor, with no gradient."""
    data = _operand_data(x)
    return _constant(backend.array_module(data).argmax(data, axis=axis, keepdims=keepdims))


@synonyms(**TORCH_NAMES)
def argmin(x, axis=None, keepdims=False):
    """The index of the smallest element over ``axis`` (see ``argmax``); no gradient."""
    data = _operand_data(x)
    return _constant(backend.array_module(data).argmin(data, axis=axis, keepdims=keepdims))


def _operand_data(x):
    """The array of a Tensor, an array, a number or a (nested) list of them."""
    from ..primitive import as_operand

    data = _data(as_operand(x))
    return data if backend.is_array(data) else backend.array_module(data).asarray(data)


# ---- the softmax family -----------------------------------------------------------------------


@synonyms(**TORCH_NAMES)
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


@synonyms(dim="axis")
@primitive
def softmax(x, axis=-1):
    """y = e^x / Σ e^x along ``axis`` (max subtracted first).  ∂/∂x: y·(g - Σ g·y)."""
    xp = array_module(x)
    e = xp.exp(x - _data(x).max(axis=axis, keepdims=True))
    y = e / e.sum(axis=axis, keepdims=True)
    return y, (lambda g: y * (g - (g * y).sum(axis=axis, keepdims=True)),)


@synonyms(dim="axis")
@primitive
def log_softmax(x, axis=-1):
    """y = x - logsumexp(x) along ``axis``.  ∂/∂x: g - e^y · Σ g."""
    xp = array_module(x)
    shifted = x - _data(x).max(axis=axis, keepdims=True)
    y = shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))
    return y, (lambda g: g - xp.exp(y) * g.sum(axis=axis, keepdims=True),)
