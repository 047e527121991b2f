"""W3 and W4 for the engines with micrograd's API (``Value``, ``MLP``): micrograd itself and
autograd_lite's ``Value``. Written once, so that both run the same program.

This module imports nothing: each engine passes its own classes in.
"""

from __future__ import annotations


def moons(problem, mlp_class, value_class):
    """W3: one step of micrograd's demo, as its notebook writes it: forward over all points,
    hinge loss + L2, backward, SGD; the model starts from the problem's weights."""
    sizes = [len(layer) for layer in problem.weights]
    model = mlp_class(len(problem.X[0]), sizes)
    params = model.parameters()
    for p, value in zip(params, problem.parameters, strict=True):
        p.data = value
    X, Y, alpha, lr = problem.X, problem.y, problem.alpha, problem.lr
    Value = value_class

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


def depth(problem, value_class):
    """W4: the scalar chain from one ``Value``, then ``backward``."""

    def run():
        x = value_class(problem.x0)
        y = problem.forward(x)
        y.backward()
        return y.data, [x.grad]

    return run
