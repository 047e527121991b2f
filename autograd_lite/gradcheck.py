"""Checking reverse-mode gradients against central finite differences.

For an input x and a scalar function z(x), the central difference

    ∂z/∂x[i] ≈ (z(x + ε·e_i) - z(x - ε·e_i)) / (2ε)

has an error of order ε², which in float64 is far below any real bug in a derivative.
``gradgradcheck`` applies the same test to the first derivatives, which checks the second ones.
"""

from __future__ import annotations

import numpy

from . import backend
from .modes import no_grad
from .tensor import Tensor


class GradcheckError(AssertionError):
    """A reverse-mode gradient disagrees with its finite-difference estimate."""


def gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, *, max_checks=2000, seed=0):
    """Check the gradients of ``f`` at ``inputs`` against central finite differences.

    Args:
        f: a function of Tensors, one per input, that returns a Tensor. A non-scalar output
            is checked through a seeded random projection z = Σ out·v, which catches any wrong
            entry of the Jacobian with probability one.
        inputs: a sequence of arrays or Tensors (floating point); they are copied to float64,
            never changed.
        eps: the finite-difference step.
        atol, rtol: an entry passes when |reverse - numeric| <= atol + rtol·|numeric|.
        max_checks: inputs larger than this are checked on a seeded random sample of this many
            elements; smaller ones on every element.
        seed: seeds the projection and the sample.

    Returns:
        True when every checked entry passes.

    Raises:
        GradcheckError: naming the input, the worst index, both values and their difference.
    """
    arrays = [_as_float64(x, position) for position, x in enumerate(inputs)]
    rng = numpy.random.default_rng(seed)
    objective = _scalar_objective(f, arrays, rng)
    gradients = _reverse_mode_gradients(objective, arrays)
    for position, (array, gradient) in enumerate(zip(arrays, gradients)):
        indices = _indices_to_check(array.size, max_checks, rng)
        worst = _worst_mismatch(objective, arrays, position, gradient, indices, eps, atol, rtol)
        if worst is not None:
            raise _mismatch_error(position, array, worst, atol, rtol)
    return True


def gradgradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, *, max_checks=2000, seed=0):
    """Check the second derivatives of ``f`` at ``inputs`` against finite differences of its
    first derivatives.

    The first derivatives are the function x ↦ ∂⟨f(x), v⟩/∂x, for a seeded random v shaped like
    f's output (v = 1 for one element): the gradients of all inputs, concatenated. ``gradcheck``
    then compares its reverse-mode derivative, which runs backward through the recorded backward
    pass of f, with central differences of it. Arguments and errors as for ``gradcheck``.
    """
    from .functional import vjp
    from .ops import concatenate

    arrays = [_as_float64(x, position) for position, x in enumerate(inputs)]
    with no_grad():
        first = _call(f, [Tensor(a) for a in arrays])
    rng = numpy.random.default_rng(seed + 1)
    xp = backend.array_module(first.data)
    cotangent = (
        xp.asarray(rng.standard_normal(first.shape)) if first.size != 1 else xp.ones(first.shape)
    )

    def first_derivatives(*tensors):
        _, vjp_fn = vjp(lambda *t: _call(f, t), *tensors)
        grads = [g if isinstance(g, Tensor) else Tensor(g) for g in vjp_fn(cotangent)]
        return concatenate([g.reshape(-1) for g in grads])

    return gradcheck(first_derivatives, arrays, eps, atol, rtol, max_checks=max_checks, seed=seed)


def _scalar_objective(f, arrays, rng):
    """z = the sum of f's output, or Σ out·v for a seeded random v when the output has more than
    one element (a wrong Jacobian entry then changes z with probability one)."""
    with no_grad():
        first = _call(f, [Tensor(a) for a in arrays])
    projection = None
    if first.size != 1:
        xp = backend.array_module(first.data)
        projection = xp.asarray(rng.standard_normal(first.shape))

    def objective(tensors):
        out = _call(f, tensors)
        return out.sum() if projection is None else (out * projection).sum()

    return objective


def _reverse_mode_gradients(objective, arrays):
    """∂z/∂x for every input x, by one backward pass, each flattened and on the CPU."""
    leaves = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    z = objective(leaves)
    if z.requires_grad:  # else z does not depend on the inputs: every gradient is 0
        z.backward()
    gradients = []
    for array, leaf in zip(arrays, leaves):
        reverse = leaf.grad if leaf.grad is not None else array * 0
        gradients.append(backend.to_device(reverse.reshape(-1), "cpu"))
    return gradients


def _indices_to_check(size, max_checks, rng):
    """Every flat index of an input, or a seeded random sample of ``max_checks`` of them."""
    if size > max_checks:
        return rng.choice(size, size=max_checks, replace=False)
    return range(size)


def _worst_mismatch(objective, arrays, position, reverse, indices, eps, atol, rtol):
    """Among ``indices`` of input ``position``, the entry whose reverse-mode gradient misses its
    central difference by the most beyond atol + rtol·|numeric|, as (excess, flat index,
    reverse, numeric); None when every entry passes."""
    flat = arrays[position].reshape(-1)  # a view: changing it changes the input f sees
    worst = None
    for i in indices:
        numeric = _central_difference(objective, arrays, flat, i, eps)
        analytic = float(reverse[i])
        excess = abs(analytic - numeric) - (atol + rtol * abs(numeric))
        if not excess <= 0 and (worst is None or not excess <= worst[0]):
            worst = (excess, i, analytic, numeric)
    return worst


def _central_difference(objective, arrays, flat, i, eps):
    """(z(x + ε·e_i) - z(x - ε·e_i)) / (2ε), where ``flat`` is a flat view of the input x; the
    entry is restored afterwards."""
    original = flat[i].item()
    with no_grad():
        flat[i] = original + eps
        plus = objective([Tensor(a) for a in arrays]).item()
        flat[i] = original - eps
        minus = objective([Tensor(a) for a in arrays]).item()
    flat[i] = original
    return (plus - minus) / (2 * eps)


def _mismatch_error(position, array, worst, atol, rtol):
    _, i, analytic, numeric = worst
    index = tuple(int(n) for n in numpy.unravel_index(i, array.shape))
    return GradcheckError(
        f"gradcheck: input {position} (shape {array.shape}) at index {index}: "
        f"reverse-mode gradient {analytic!r} != finite difference {numeric!r}, "
        f"difference {abs(analytic - numeric):.3g} "
        f"(allowed {atol} + {rtol}·|finite difference|)"
    )


def _as_float64(x, position):
    data = x.data if isinstance(x, Tensor) else x
    if not backend.is_array(data):
        data = numpy.asarray(data)
    if data.dtype.kind != "f":
        raise TypeError(
            f"gradcheck: input {position} has dtype {data.dtype}; only floating-point inputs "
            "have gradients (pass integer arrays, such as indices, through a closure)"
        )
    # A C-ordered copy, so that its flat view below changes the input f sees (an F-ordered or
    # strided copy would make reshape(-1) a copy, and every finite difference 0).
    return backend.array_module(data).array(data, dtype=numpy.float64, order="C", copy=True)


def _call(f, tensors):
    out = f(*tensors)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: f must return a Tensor, got {type(out).__name__}")
    return out
