"""autograd_lite's Tensor engine, written the way a user would write it.

W1 comes in two versions. The ``lite`` engine uses the ``nn`` package (``nn.Sequential`` of
``nn.Linear`` and ``nn.ReLU``, ``nn.cross_entropy``, ``nn.SGD``), as PyTorch's tutorials write
a model. The ``lite_ops`` engine writes the same network with the engine's ops alone, as the
lecture and most students do: ``h = x @ W + b`` with W of shape (in, out), ``relu``,
``log_softmax`` picked at the labels, and ``p.data -= lr * p.grad``. The environment variable
BENCH_LITE_API ('auto', 'nn' or 'ops', set by ``--lite-api`` and by the ``lite_ops`` engine)
chooses; 'auto' uses ``nn`` when it can be imported. ``describe()`` says which was used.
"""

from __future__ import annotations

import os

import numpy

import autograd_lite as al
from autograd_lite import backend

LABEL = "autograd_lite"
_used = {}  # workload -> how it was written, for describe()


def setup(threads: int) -> dict:
    return {
        "autograd_lite": al.__version__,
        "numpy": numpy.__version__,
        "api": os.environ.get("BENCH_LITE_API", "auto"),
    }


def describe() -> dict:
    return dict(_used)


def to_numpy(x) -> numpy.ndarray:
    if isinstance(x, al.Tensor):
        return x.numpy()
    return numpy.asarray(backend.to_device(x, "cpu") if backend.is_array(x) else x)


# ---- W1: the MLP ------------------------------------------------------------------------------


def _use_nn(api: str) -> bool:
    if api == "ops":
        return False
    try:
        import nn  # noqa: F401
    except ImportError:
        if api == "nn":
            raise
        return False
    return True


def _nn_step(problem, x, y, device):
    """nn.Sequential(nn.Linear, nn.ReLU, nn.Linear, ...), nn.cross_entropy and nn.SGD."""
    import nn

    layers = []
    for i, (w, b) in enumerate(zip(problem.weights, problem.biases)):
        layer = nn.Linear(w.shape[1], w.shape[0])
        layer.weight.data = backend.to_device(w.copy(), device)
        layer.bias.data = backend.to_device(b.copy(), device)
        layers.append(layer)
        if i < len(problem.weights) - 1:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    params = [p for layer in layers[::2] for p in (layer.weight, layer.bias)]
    _used["mlp"] = {
        "layers": "nn.Sequential(nn.Linear, nn.ReLU, ...)",
        "loss": "nn.cross_entropy",
        "optimizer": "nn.SGD",
    }
    return _training_step(model, params, x, y, problem.lr)


def _training_step(model, params, x, y, lr):
    """A training step as a PyTorch loop writes it: nn.cross_entropy on the logits, nn.SGD."""
    import nn

    optimizer = nn.SGD(params, lr=lr)

    def step():
        loss = nn.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item(), [p.grad for p in params]

    return step


def _ops_step(problem, x, y, device):
    """The same network from the engine's ops: h = x @ W + b, relu, log_softmax, SGD by hand.

    W is stored (in, out), as ``x @ W`` needs; its gradient is returned transposed, in the
    (out, in) layout of the other engines.
    """
    weights = [al.Tensor(w.T.copy(), requires_grad=True, device=device) for w in problem.weights]
    biases = [al.Tensor(b.copy(), requires_grad=True, device=device) for b in problem.biases]
    params = [p for pair in zip(weights, biases) for p in pair]
    rows = backend.array_module(y).arange(len(y))
    lr = problem.lr
    _used["mlp"] = {
        "layers": "x @ W + b, al.relu",
        "loss": "-log_softmax(z)[rows, y].mean()",
        "optimizer": "p.data -= lr * p.grad",
    }

    def model(h):
        for i, (W, b) in enumerate(zip(weights, biases)):
            h = h @ W + b
            if i < len(weights) - 1:
                h = al.relu(h)
        return h

    def step():
        loss = -model(x).log_softmax(axis=1)[rows, y].mean()
        for p in params:
            p.grad = None
        loss.backward()
        for p in params:
            p.data -= lr * p.grad
        return loss.item(), [g for W, b in zip(weights, biases) for g in (W.grad.T, b.grad)]

    return step


def mlp(problem, device="cpu"):
    """W1: forward, loss, backward and SGD, as a user of autograd_lite writes a training step."""
    x = al.Tensor(problem.x, device=device)
    y = backend.to_device(problem.y, device)
    if _use_nn(os.environ.get("BENCH_LITE_API", "auto")):
        return _nn_step(problem, x, y, device)
    return _ops_step(problem, x, y, device)


def gpu_mlp(problem):
    """W6: the same step with every array on the GPU (CuPy)."""
    return mlp(problem, device="cuda")


def gpu_available() -> str | None:
    """Why autograd_lite cannot run on a GPU here (no CuPy, or no device), or None."""
    try:
        backend.cupy()
    except RuntimeError as error:
        return str(error)
    return None


# ---- W7: the CNN ------------------------------------------------------------------------------


def cnn(problem):
    """W7: one training step of the CNN of ``examples/cnn_mnist.py``, its layers written as that
    Keras-style example writes them (``nn.Conv2D``, ``nn.MaxPooling2D``, ``nn.Flatten``,
    ``nn.Dense`` on channels-last images) and the step as a PyTorch loop (``nn.cross_entropy``
    on the logits, ``nn.SGD``)."""
    import nn

    model = nn.Sequential(
        nn.Conv2D(8, (5, 5), activation="relu", input_shape=(28, 28, 1)),
        nn.MaxPooling2D((2, 2)),
        nn.Conv2D(16, (5, 5), activation="relu"),
        nn.MaxPooling2D((2, 2)),
        nn.Flatten(),
        nn.Dense(10),
    )
    layers = [model.layers[0], model.layers[2], model.layers[5]]
    weights = [*problem.conv_weights, problem.dense_weight]
    biases = [*problem.conv_biases, problem.dense_bias]
    for layer, w, b in zip(layers, weights, biases):
        layer.weight.data = w.copy()
        layer.bias.data = b.copy()
    params = [p for layer in layers for p in (layer.weight, layer.bias)]
    _used["cnn"] = {
        "layers": "nn.Sequential(nn.Conv2D, nn.MaxPooling2D, ..., nn.Dense)",
        "loss": "nn.cross_entropy",
        "optimizer": "nn.SGD",
    }
    return _training_step(model, params, problem.x, problem.y, problem.lr)


# ---- W2: framework overhead ---------------------------------------------------------------------


def chain(problem):
    """W2: forward through ``n_ops`` elementwise ops on 4x4 tensors, then backward."""
    x = al.Tensor(problem.x, requires_grad=True)
    c = al.Tensor(problem.c)
    tanh = al.Tensor.tanh  # h.tanh(), as a user writes it

    def run():
        x.grad = None
        out = problem.forward(x, c, tanh).sum()
        out.backward()
        return out.item(), [x.grad]

    return run


# ---- W4: depth ----------------------------------------------------------------------------------


def depth(problem):
    """W4: a chain of ``n_ops`` ops on a one-element float64 Tensor, then backward."""
    start = numpy.array([problem.x0])

    def run():
        x = al.Tensor(start, requires_grad=True)
        y = problem.forward(x)
        y.backward()
        return y.item(), [x.grad]

    return run
