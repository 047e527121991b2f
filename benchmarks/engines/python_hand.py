"""The floor for scalar engines: forward and backward written by hand in pure Python.

Plain floats and lists, no graph: what the arithmetic of W3 and W4 costs in the interpreter
before any autodiff engine adds its nodes.
"""

from __future__ import annotations

import numpy

LABEL = "Python by hand"


def setup(threads: int) -> dict:
    return {}


def to_numpy(x) -> numpy.ndarray:
    return numpy.asarray(x, dtype=numpy.float64)


def moons(problem):
    """W3: micrograd's demo step by hand: MLP 2-16-16-1 (ReLU hidden layers, linear output),
    loss = mean_i relu(1 - y_i·s_i) + alpha·Σp², backward by the chain rule, SGD.

    A point with margin 1 - y·s > 0 sends ∂loss/∂s = -y/n back; a ReLU passes the gradient
    where its input was > 0; for a layer z_j = Σ_k W_jk a_k + b_j:
    ∂/∂W_jk = g_j·a_k, ∂/∂b_j = g_j, ∂/∂a_k = Σ_j g_j·W_jk.
    """
    weights = [[list(row) for row in layer] for layer in problem.weights]
    biases = [list(layer) for layer in problem.biases]
    X, Y, alpha, lr = problem.X, problem.y, problem.alpha, problem.lr
    n, last = len(X), len(weights) - 1

    def step():
        grad_w = [[[0.0] * len(row) for row in layer] for layer in weights]
        grad_b = [[0.0] * len(layer) for layer in biases]
        hinge_sum = 0.0
        for x, y in zip(X, Y):
            activations, pre_activations = [x], []
            h = x
            for i, (w_layer, b_layer) in enumerate(zip(weights, biases)):
                z = [sum(w * a for w, a in zip(row, h)) + b for row, b in zip(w_layer, b_layer)]
                pre_activations.append(z)
                h = [v if v > 0 else 0.0 for v in z] if i < last else z
                activations.append(h)
            margin = 1.0 - y * h[0]
            if margin <= 0:
                continue  # relu(margin) = 0: no loss, no gradient from this point
            hinge_sum += margin
            g = [-y / n]
            for i in range(last, -1, -1):
                if i < last:
                    g = [gj if zj > 0 else 0.0 for gj, zj in zip(g, pre_activations[i])]
                a = activations[i]
                for j, gj in enumerate(g):
                    if gj:
                        row = grad_w[i][j]
                        for k, ak in enumerate(a):
                            row[k] += gj * ak
                        grad_b[i][j] += gj
                if i > 0:
                    w_layer = weights[i]
                    g = [sum(g[j] * w_layer[j][k] for j in range(len(g))) for k in range(len(a))]
        params_squared = 0.0
        grads = []
        for i, (w_layer, b_layer) in enumerate(zip(weights, biases)):
            for j, (row, b) in enumerate(zip(w_layer, b_layer)):
                for k, w in enumerate(row):
                    params_squared += w * w
                    grads.append(grad_w[i][j][k] + 2 * alpha * w)
                    row[k] = w - lr * grads[-1]
                params_squared += b * b
                grads.append(grad_b[i][j] + 2 * alpha * b)
                b_layer[j] = b - lr * grads[-1]
        return hinge_sum / n + alpha * params_squared, grads

    return step


def depth(problem):
    """W4: y = x0, y + a, y·m, ...; ∂y/∂x0 is the product of the multipliers, gathered going
    backward through the ops (the local derivative of y + a is 1, of y·m is m)."""
    n, x0, add, mul = problem.n_ops, problem.x0, problem.add, problem.mul

    def run():
        y = x0
        for i in range(n):
            y = y + add if i % 2 == 0 else y * mul
        grad = 1.0
        for i in range(n - 1, -1, -1):
            if i % 2 == 1:
                grad *= mul
        return y, [grad]

    return run
