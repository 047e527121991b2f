"""Gradient checking for the scalar engine by central finite differences.

The slope of ``f`` at ``x`` is approximately

    ∂f/∂x_i ≈ (f(x + eps·e_i) - f(x - eps·e_i)) / (2·eps)

with an error of order eps² (plus rounding of order |f|·1e-16/eps), so it is an independent
check of the gradients that backpropagation computes.
"""

from __future__ import annotations

import math

from autograd_lite import Value


def numeric_grad_scalar(f, xs, eps=1e-6):
    """Central finite differences of ``f`` at ``xs``.

    ``f`` takes a list of Python floats and returns a float; the result is the list of
    ∂f/∂xs[i], one per input.
    """
    xs = [float(x) for x in xs]
    grads = []
    for i in range(len(xs)):
        plus = xs.copy()
        minus = xs.copy()
        plus[i] += eps
        minus[i] -= eps
        grads.append((f(plus) - f(minus)) / (2 * eps))
    return grads


def assert_value_grads(build, xs, atol=1e-6, rtol=1e-5):
    """Check backpropagation through ``build`` against finite differences, input by input.

    ``build`` takes a list of Values and returns a Value. It is run once on ``Value(x)`` inputs
    and ``backward()`` fills their ``.grad``; the reference is the finite difference of the
    forward value ``build([Value(x) for x in floats]).data``. Returns the output Value.
    """
    inputs = [Value(x) for x in xs]
    out = build(inputs)
    out.backward()

    def forward(floats):
        return build([Value(x) for x in floats]).data

    expected = numeric_grad_scalar(forward, xs)
    for i, (value, slope) in enumerate(zip(inputs, expected)):
        assert math.isclose(value.grad, slope, rel_tol=rtol, abs_tol=atol), (
            f"input {i} (x = {xs[i]!r}): backward gives {value.grad!r}, "
            f"finite differences give {slope!r}"
        )
    return out
