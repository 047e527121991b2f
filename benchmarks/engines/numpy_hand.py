"""The floor for array engines: forward and backward written by hand in NumPy (or CuPy).

No graph, no framework: each derivative is written out, as in a lecture's worked example.
Any engine built on NumPy runs the same array operations and more, so its time over this one is
what the framework costs. The code is straightforward NumPy, not tuned (no ``out=`` buffers).
"""

from __future__ import annotations

import numpy

LABEL = "NumPy by hand"


def setup(threads: int) -> dict:
    return {"numpy": numpy.__version__}


def to_numpy(x) -> numpy.ndarray:
    if hasattr(x, "get"):  # a CuPy array
        x = x.get()
    return numpy.asarray(x)


def mlp(problem, xp=numpy):
    """W1: the MLP's forward pass, softmax cross-entropy, backward pass and SGD, by hand.

    For each layer z = h Wᵀ + b and, on the hidden layers, h' = max(z, 0). With
    p = softmax(z_last) and Y the one-hot labels, ∂L/∂z_last = (p - Y) / batch; then, going
    back, ∂L/∂W = gᵀ h, ∂L/∂b = Σ_rows g, ∂L/∂h = g W, and ∂L/∂z = ∂L/∂h' where z > 0.
    """
    weights = [xp.asarray(w).copy() for w in problem.weights]
    biases = [xp.asarray(b).copy() for b in problem.biases]
    x, y, lr = xp.asarray(problem.x), xp.asarray(problem.y), problem.lr
    rows = xp.arange(len(problem.y))
    last = len(weights) - 1

    def step():
        # forward: keep each layer's input h and pre-activation z for the backward pass
        inputs, pre_activations = [], []
        h = x
        for i, (w, b) in enumerate(zip(weights, biases)):
            inputs.append(h)
            z = h @ w.T + b
            pre_activations.append(z)
            h = xp.maximum(z, 0) if i < last else z
        shifted = h - h.max(axis=1, keepdims=True)
        exp = xp.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        loss = xp.mean(xp.log(total[:, 0]) - shifted[rows, y])
        # backward
        g = exp / total                      # softmax
        g[rows, y] -= 1                      # p - Y
        g /= len(rows)                       # ∂L/∂z of the last layer
        grads = [None] * (2 * len(weights))
        for i in range(last, -1, -1):
            if i < last:
                g = g * (pre_activations[i] > 0)  # through the ReLU
            grads[2 * i] = g.T @ inputs[i]        # ∂L/∂W
            grads[2 * i + 1] = g.sum(axis=0)      # ∂L/∂b
            if i > 0:
                g = g @ weights[i]                # ∂L/∂h of the layer below
        # SGD, in place
        for p, grad in zip([p for pair in zip(weights, biases) for p in pair], grads):
            p -= lr * grad
        return float(loss), grads

    return step


def gpu_mlp(problem):
    """W6: the same code on CuPy arrays."""
    import cupy

    return mlp(problem, xp=cupy)


def gpu_available():
    try:
        import cupy

        return None if cupy.cuda.runtime.getDeviceCount() > 0 else "no CUDA device"
    except Exception as error:  # ImportError, or CUDA's own errors
        return f"CuPy or a CUDA device is missing ({type(error).__name__}: {error})"


def chain(problem):
    """W2: h = x; h = h + c, h·c, tanh(h), ...; then sum(h). Backward by hand, storing the
    inputs of the multiplications and the outputs of the tanh steps:
    ∂(h + c)/∂h = 1,  ∂(h·c)/∂h = c,  ∂tanh(h)/∂h = 1 - tanh²(h)."""
    x, c = problem.x, problem.c
    kinds = [problem.op(i) for i in range(problem.n_ops)]

    def run():
        saved = []
        h = x
        for kind in kinds:
            if kind == "add":
                h = h + c
            elif kind == "mul":
                h = h * c
            else:
                h = numpy.tanh(h)
                saved.append(h)
        out = h.sum()
        g = numpy.ones_like(h)
        for kind in reversed(kinds):
            if kind == "mul":
                g = g * c
            elif kind == "tanh":
                t = saved.pop()
                g = g * (1 - t * t)
        return float(out), [g]

    return run
