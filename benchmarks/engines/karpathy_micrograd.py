"""micrograd (Andrej Karpathy's, from PyPI), run exactly as its demo notebook runs it.

Its ``backward`` sorts the graph with a recursive function, so a chain longer than Python's
recursion limit (1000 frames by default) raises RecursionError: W4 reports that as "fails".
The limit is left at Python's default on purpose.
"""

from __future__ import annotations

import numpy
from micrograd.engine import Value
from micrograd.nn import MLP

LABEL = "micrograd"


def setup(threads: int) -> dict:
    from importlib.metadata import version

    return {"micrograd": version("micrograd")}


def to_numpy(x) -> numpy.ndarray:
    return numpy.asarray(x, dtype=numpy.float64)


def moons(problem):
    """W3: the demo's training step, with the shared initial weights."""
    sizes = [len(layer) for layer in problem.weights]
    model = MLP(len(problem.X[0]), sizes)
    params = model.parameters()
    for p, value in zip(params, problem.parameters, strict=True):
        p.data = value
    X, Y, alpha, lr = problem.X, problem.y, problem.alpha, problem.lr

    def step():
        inputs = [list(map(Value, row)) for row in X]
        scores = list(map(model, inputs))
        losses = [(1 + -y * score).relu() for y, score in zip(Y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = alpha * sum(p * p for p in params)
        total_loss = data_loss + reg_loss
        model.zero_grad()
        total_loss.backward()
        for p in params:
            p.data -= lr * p.grad
        return total_loss.data, [p.grad for p in params]

    return step


def depth(problem):
    """W4: the scalar chain, then micrograd's (recursive) backward."""
    n, add, mul = problem.n_ops, problem.add, problem.mul

    def run():
        x = Value(problem.x0)
        y = x
        for i in range(n):
            y = y + add if i % 2 == 0 else y * mul
        y.backward()
        return y.data, [x.grad]

    return run
