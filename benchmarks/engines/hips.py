"""HIPS autograd: NumPy code differentiated by tracing (``autograd.value_and_grad``).

Written as its README writes it: ``autograd.numpy`` in the loss function, gradients of a list
of parameters, and a plain NumPy SGD update.
"""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy
from autograd.scipy.special import logsumexp

LABEL = "HIPS autograd"


def setup(threads: int) -> dict:
    from importlib.metadata import version

    return {"autograd": version("autograd"), "numpy": numpy.__version__}


def to_numpy(x) -> numpy.ndarray:
    return numpy.asarray(x)


def mlp(problem):
    """W1: value_and_grad of the loss in the parameters, then SGD in place."""
    params = [p.copy() for p in problem.parameters]
    x, y, lr = problem.x, problem.y, problem.lr
    rows = numpy.arange(len(y))

    def loss_fn(params):
        h = x
        for i in range(0, len(params), 2):
            h = anp.dot(h, params[i].T) + params[i + 1]
            if i + 2 < len(params):
                h = anp.maximum(h, 0)
        return anp.mean(logsumexp(h, axis=1) - h[rows, y])

    value_and_grad = autograd.value_and_grad(loss_fn)

    def step():
        loss, grads = value_and_grad(params)
        for p, g in zip(params, grads):
            p -= lr * g
        return float(loss), grads

    return step


def chain(problem):
    """W2: value_and_grad of the elementwise chain."""
    c = problem.c

    def f(x):
        return anp.sum(problem.forward(x, c, anp.tanh))

    value_and_grad = autograd.value_and_grad(f)

    def run():
        out, grad = value_and_grad(problem.x)
        return float(out), [grad]

    return run


def depth(problem):
    """W4: value_and_grad of the scalar chain (a 0-d float64 array)."""
    value_and_grad = autograd.value_and_grad(problem.forward)

    def run():
        y, grad = value_and_grad(numpy.array(problem.x0))
        return float(y), [grad]

    return run
