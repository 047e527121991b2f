"""Elementwise ops: arithmetic, functions of one number, maximum/minimum, clip and where.

Each output element depends on the input elements at the same place only (after
broadcasting), so each VJP is g times the local derivative, element by element.
"""

from __future__ import annotations

import numpy

from .. import backend
from ..primitive import primitive
from ..tensor import Tensor
from .core import _constant, _data, _identity, _negative, array_module, synonyms

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
    out = a**b

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
def sin(x):
    """sin x.  ∂/∂x: g·cos x."""
    xp = array_module(x)
    return xp.sin(x), (lambda g: g * xp.cos(x),)


@primitive
def cos(x):
    """cos x.  ∂/∂x: -g·sin x."""
    xp = array_module(x)
    return xp.cos(x), (lambda g: -g * xp.sin(x),)


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
    return xp.maximum(a, b), (
        lambda g: _masked(g, _share(a, b)),
        lambda g: _masked(g, _share(b, a)),
    )


@primitive
def minimum(a, b):
    """Elementwise min(a, b). The gradient goes to the smaller one; ties split it in halves."""
    xp = array_module(a, b)
    return xp.minimum(a, b), (
        lambda g: _masked(g, _share(b, a)),
        lambda g: _masked(g, _share(a, b)),
    )


def _share(winner, other):
    """1 where ``winner`` is strictly greater, 1/2 where they tie, 0 elsewhere."""
    winner, other = _data(winner), _data(other)
    return (winner > other) + 0.5 * (winner == other)


@synonyms(min="a_min", max="a_max")
@primitive
def clip(x, a_min=None, a_max=None):
    """x limited to [a_min, a_max] (NumPy's names; ``min=``/``max=`` as in NumPy 2 and PyTorch's
    ``clamp``).  ∂/∂x: g where a_min ≤ x ≤ a_max, else 0."""
    out = array_module(x).clip(x, a_min, a_max)
    return out, (lambda g: _masked(g, _data(out) == _data(x)),)


clamp = clip  # PyTorch's name


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


# ---- functions without a gradient (masks and tests), for arrays and Tensors -----------------


def sign(x):
    """-1, 0 or +1 by the sign of each element; carries no gradient (its derivative is 0)."""
    return _constant(backend.array_module(_data(x)).sign(_data(x)))


def isfinite(x):
    """Whether each element is neither inf nor nan; carries no gradient."""
    return _constant(backend.array_module(_data(x)).isfinite(_data(x)))
