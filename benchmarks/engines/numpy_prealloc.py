"""Hand-written NumPy at its best: every buffer allocated once, every result written in place.

The same arithmetic as ``numpy_hand.py`` (the plain floor, written as a lecture writes it), but
no array is allocated inside the step: the forward activations, the softmax, the backward
signals, the gradients and the scaled update each have a buffer made before the first step, and
each NumPy call writes into its buffer. Large fresh arrays cost more than their arithmetic
(the operating system maps new pages for them each time), so this is the floor that an engine
built on NumPy can reach at best.
"""

from __future__ import annotations

import numpy

from .numpy_hand import gpu_available, setup, to_numpy  # noqa: F401  (the engine's interface)

LABEL = "NumPy by hand, preallocated"


def mlp(problem, xp=numpy):
    """W1: forward, softmax cross-entropy, backward and SGD, all in preallocated buffers.

    The formulas are ``numpy_hand.mlp``'s. A hidden layer's ReLU overwrites its pre-activation z
    (max(z, 0) > 0 exactly where z > 0, so the backward mask can be read from it afterwards).
    """
    weights = [xp.asarray(w).copy() for w in problem.weights]
    biases = [xp.asarray(b).copy() for b in problem.biases]
    x, y, lr = xp.asarray(problem.x), xp.asarray(problem.y), problem.lr
    batch, last = len(problem.y), len(weights) - 1
    rows = xp.arange(batch)
    dtype = weights[0].dtype

    activations = [xp.empty((batch, w.shape[0]), dtype) for w in weights]  # z, then relu(z)
    signals = [xp.empty((batch, w.shape[0]), dtype) for w in weights]  # ∂L/∂z
    masks = [xp.empty((batch, w.shape[0]), bool) for w in weights[:-1]]  # z > 0
    grads = [xp.empty_like(p) for pair in zip(weights, biases) for p in pair]
    scaled = [xp.empty_like(g) for g in grads]  # lr · grad
    row_max = xp.empty((batch, 1), dtype)
    row_sum = xp.empty((batch, 1), dtype)
    params = [p for pair in zip(weights, biases) for p in pair]

    def step():
        h = x
        for i, (w, b) in enumerate(zip(weights, biases)):
            z = activations[i]
            xp.matmul(h, w.T, out=z)
            z += b
            if i < last:
                xp.maximum(z, 0, out=z)
            h = z
        # softmax cross-entropy on the logits h, its gradient into signals[last]
        g = signals[last]
        h.max(axis=1, keepdims=True, out=row_max)
        xp.subtract(h, row_max, out=g)  # shifted logits
        picked = g[rows, y]  # the labels' shifted logits (batch,)
        xp.exp(g, out=g)
        g.sum(axis=1, keepdims=True, out=row_sum)
        loss = float(xp.mean(xp.log(row_sum[:, 0]) - picked))
        g /= row_sum  # softmax
        g[rows, y] -= 1  # p - Y
        g *= 1.0 / batch
        for i in range(last, -1, -1):
            g = signals[i]
            if i < last:
                xp.matmul(signals[i + 1], weights[i + 1], out=g)  # ∂L/∂h
                xp.greater(activations[i], 0, out=masks[i])
                g *= masks[i]  # through the ReLU
            h = x if i == 0 else activations[i - 1]
            xp.matmul(g.T, h, out=grads[2 * i])  # ∂L/∂W
            g.sum(axis=0, out=grads[2 * i + 1])  # ∂L/∂b
        for p, grad, buffer in zip(params, grads, scaled):
            xp.multiply(grad, lr, out=buffer)
            p -= buffer
        return loss, grads

    return step


def gpu_mlp(problem):
    """W6: the same code on CuPy arrays."""
    import cupy

    return mlp(problem, xp=cupy)
