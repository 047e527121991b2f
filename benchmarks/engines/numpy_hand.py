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
        loss, g = _softmax_cross_entropy(h, y, rows, xp)  # and g = ∂L/∂z of the last layer
        # backward
        grads = [None] * (2 * len(weights))
        for i in range(last, -1, -1):
            if i < last:
                g = g * (pre_activations[i] > 0)  # through the ReLU
            grads[2 * i] = g.T @ inputs[i]  # ∂L/∂W
            grads[2 * i + 1] = g.sum(axis=0)  # ∂L/∂b
            if i > 0:
                g = g @ weights[i]  # ∂L/∂h of the layer below
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
    kinds = problem.kinds

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


def cnn(problem):
    """W7: the CNN's forward pass, softmax cross-entropy, backward pass and SGD, by hand.

    Each block is a 5×5 convolution, ReLU and 2×2 max-pooling (``_conv_block``, and
    ``_conv_block_backward`` for its derivatives); the dense layer reads the last block's output
    flattened in Keras's order (row, column, channel).
    """
    kernels = [k.copy() for k in problem.conv_weights]
    biases = [b.copy() for b in problem.conv_biases]
    dense_w, dense_b = problem.dense_weight.copy(), problem.dense_bias.copy()
    x = numpy.ascontiguousarray(problem.x.transpose(0, 3, 1, 2))  # NCHW
    y, lr = problem.y, problem.lr
    rows = numpy.arange(len(y))

    def step():
        saved = []  # what each block's backward pass needs
        h = x
        for w, b in zip(kernels, biases):
            h, block = _conv_block(h, w, b)
            saved.append(block)
        n = len(h)
        features = h.transpose(0, 2, 3, 1).reshape(n, -1)  # Keras's order: row, column, channel
        logits = features @ dense_w.T + dense_b
        loss, g = _softmax_cross_entropy(logits, y, rows)
        grads = [None] * 6
        grads[4], grads[5] = g.T @ features, g.sum(axis=0)
        g = (g @ dense_w).reshape(h.transpose(0, 2, 3, 1).shape).transpose(0, 3, 1, 2)
        for i in (1, 0):  # ∂L/∂(the first block's input) is not needed
            grads[2 * i], grads[2 * i + 1], g = _conv_block_backward(
                g, kernels[i], saved[i], input_grad=i > 0
            )
        params = [kernels[0], biases[0], kernels[1], biases[1], dense_w, dense_b]
        for p, grad in zip(params, grads):
            p -= lr * grad
        return float(loss), grads

    return step


def _softmax_cross_entropy(logits, y, rows, xp=numpy):
    """The mean over the rows of -log softmax(logits)[row, y], and its gradient
    ∂L/∂logits = (p - Y) / batch, with p = softmax(logits) and Y the one-hot labels."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = xp.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    loss = xp.mean(xp.log(total[:, 0]) - shifted[rows, y])
    g = exp / total  # softmax
    g[rows, y] -= 1  # p - Y
    g /= len(rows)
    return loss, g


def _columns(h):
    """im2col: the 5×5 windows of the images h (N, C, H, W) as a strided view, copied to
    columns (N, C·25, Ho·Wo)."""
    n, c, height, width = h.shape
    s_n, s_c, s_h, s_w = h.strides
    windows = numpy.lib.stride_tricks.as_strided(
        h, (n, c, 5, 5, height - 4, width - 4), (s_n, s_c, s_h, s_w, s_h, s_w)
    )
    return windows.reshape(n, c * 25, (height - 4) * (width - 4))


def _conv_block(h, w, b):
    """Convolution as im2col and a matrix product, z = W cols + b; then a = max(z, 0), and
    max-pooling 2×2: the largest of the four corners of each window.

    Returns the pooled output and what the backward pass needs: the input, its columns, z,
    the window corners and the maxima.
    """
    n, c, height, width = h.shape
    cols = _columns(h)
    z = (w.reshape(len(w), -1) @ cols + b[:, None]).reshape(n, len(w), height - 4, width - 4)
    a = numpy.maximum(z, 0)
    corners = [a[:, :, r::2, s::2] for r in (0, 1) for s in (0, 1)]
    pooled = numpy.maximum(
        numpy.maximum(corners[0], corners[1]), numpy.maximum(corners[2], corners[3])
    )
    return pooled, (h, cols, z, corners, pooled)


def _conv_block_backward(g, w, saved, input_grad):
    """From g = ∂L/∂(the pooled output): ∂L/∂W, ∂L/∂b and, if ``input_grad``, ∂L/∂(input).

    Pooling passes g back to each window's maximum (ties cannot occur among the positive values
    that ReLU lets through), ReLU where z > 0; then ∂L/∂W = Σ_n g colsᵀ, ∂L/∂b = Σ g, and
    ∂L/∂cols = Wᵀ g added back over the windows ("col2im", one kernel entry at a time).
    """
    h_in, cols, z, corners, pooled = saved
    n, o, height, width = z.shape
    g_z = numpy.zeros(z.shape, dtype=z.dtype)
    for corner, (r, s) in zip(corners, [(0, 0), (0, 1), (1, 0), (1, 1)]):
        g_z[:, :, r::2, s::2] = g * (corner == pooled)  # to each window's maximum
    g = (g_z * (z > 0)).reshape(n, o, -1)  # through the ReLU
    grad_w = (g @ cols.transpose(0, 2, 1)).sum(axis=0).reshape(w.shape)
    grad_b = g.sum(axis=(0, 2))
    if not input_grad:
        return grad_w, grad_b, None
    g_cols = (w.reshape(o, -1).T @ g).reshape(n, -1, 5, 5, height, width)
    g_in = numpy.zeros(h_in.shape, dtype=g.dtype)
    for r in range(5):
        for s in range(5):
            g_in[:, :, r : r + height, s : s + width] += g_cols[:, :, r, s]
    return grad_w, grad_b, g_in
