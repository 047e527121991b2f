"""autograd_lite's Tensor engine, written the way a user would write it.

W1 uses the ``nn`` package's public API (``nn.Sequential`` of ``nn.Linear`` and ``nn.ReLU``,
``nn.cross_entropy``, ``nn.SGD``) where the package provides it, and the engine's own ops
otherwise: ``al.linear`` and ``al.relu``, a softmax cross-entropy written with the public
``al.primitive`` (below), and SGD as ``p.data -= lr * p.grad``. ``describe()`` says which
parts were used; the environment variable BENCH_LITE_API ('auto', 'nn' or 'ops', set by
``--lite-api``) forces one or the other.
"""

from __future__ import annotations

import os

import numpy

import autograd_lite as al
from autograd_lite import backend

LABEL = "autograd_lite"
_used = {}  # workload -> how it was written, for describe()


def setup(threads: int) -> dict:
    return {"autograd_lite": al.__version__, "numpy": numpy.__version__,
            "api": os.environ.get("BENCH_LITE_API", "auto")}


def describe() -> dict:
    return dict(_used)


def to_numpy(x) -> numpy.ndarray:
    if isinstance(x, al.Tensor):
        return x.numpy()
    return numpy.asarray(backend.to_device(x, "cpu") if backend.is_array(x) else x)


# ---- W1: the MLP ------------------------------------------------------------------------------


@al.primitive
def softmax_cross_entropy(logits, labels):
    """mean_i (logsumexp(z_i) - z_i[y_i]) over the rows of ``logits``, in one op.

    ∂/∂logits: (softmax(z) - onehot(y)) · g / batch;  labels get no gradient.
    """
    xp = backend.array_module(logits)
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = xp.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    rows = xp.arange(len(labels))
    loss = xp.mean(xp.log(total[:, 0]) - shifted[rows, labels])

    def vjp(g):
        grad = exp / total
        grad[rows, labels] -= 1
        grad *= g / len(labels)
        return grad

    return xp.asarray(loss, dtype=logits.dtype), (vjp, None)


def _nn_parts(api: str) -> dict:
    """The parts of the ``nn`` API that exist (all of them, none, or what 'auto' finds)."""
    if api == "ops":
        return {}
    try:
        import nn
    except ImportError:
        if api == "nn":
            raise
        return {}
    wanted = {"layers": ("Sequential", "Linear", "ReLU"), "loss": ("cross_entropy",),
              "optimizer": ("SGD",)}
    parts = {part: nn for part, names in wanted.items()
             if all(hasattr(nn, name) for name in names)}
    if api == "nn" and len(parts) < len(wanted):
        missing = sorted(set(wanted) - set(parts))
        raise RuntimeError(f"--lite-api nn: the nn package has no {', '.join(missing)} yet")
    return parts


def _nn_model(nn, problem, device):
    """nn.Sequential(nn.Linear, nn.ReLU, nn.Linear, ...) holding the problem's weights."""
    layers = []
    for i, (w, b) in enumerate(zip(problem.weights, problem.biases)):
        layer = nn.Linear(w.shape[1], w.shape[0])
        layer.weight.data = backend.to_device(w.copy(), device)
        layer.bias.data = backend.to_device(b.copy(), device)
        layers.append(layer)
        if i < len(problem.weights) - 1:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    return model, [p for layer in layers[::2] for p in (layer.weight, layer.bias)]


def _ops_model(problem, device):
    """The same network from the engine's ops: al.linear (x Wᵀ + b in one op) and al.relu."""
    params = [al.Tensor(p.copy(), requires_grad=True, device=device)
              for p in problem.parameters]

    def model(h):
        for i in range(0, len(params), 2):
            h = al.linear(h, params[i], params[i + 1])
            if i + 2 < len(params):
                h = al.relu(h)
        return h

    return model, params


def mlp(problem, device="cpu"):
    """W1: forward, loss, backward and SGD, as a user of autograd_lite writes a training step."""
    api = os.environ.get("BENCH_LITE_API", "auto")
    parts = _nn_parts(api)
    x = al.Tensor(problem.x, device=device)
    y = backend.to_device(problem.y, device)
    fallback_reason = None

    if "layers" in parts:
        try:
            model, params = _nn_model(parts["layers"], problem, device)
        except Exception as error:  # nn is work in progress: in 'auto', use the ops instead
            if api == "nn":
                raise
            fallback_reason = f"nn layers failed: {type(error).__name__}: {error}"
            del parts["layers"]
    if "layers" not in parts:
        model, params = _ops_model(problem, device)

    loss_fn = parts["loss"].cross_entropy if "loss" in parts else softmax_cross_entropy

    if "optimizer" in parts:
        optimizer = parts["optimizer"].SGD(params, lr=problem.lr)
        zero_grad, update = optimizer.zero_grad, optimizer.step
    else:
        def zero_grad():
            for p in params:
                p.grad = None

        def update():
            for p in params:
                p.data -= problem.lr * p.grad

    _used["mlp"] = {
        "layers": "nn.Sequential(nn.Linear, nn.ReLU, ...)" if "layers" in parts
        else "al.linear + al.relu",
        "loss": "nn.cross_entropy" if "loss" in parts
        else "softmax_cross_entropy (al.primitive, benchmarks/engines/lite.py)",
        "optimizer": "nn.SGD" if "optimizer" in parts else "p.data -= lr * p.grad",
    }
    if fallback_reason:
        _used["mlp"]["why not nn"] = fallback_reason

    def step():
        loss = loss_fn(model(x), y)
        zero_grad()
        loss.backward()
        update()
        return loss.item(), [p.grad for p in params]

    return step


def gpu_mlp(problem):
    """W6: the same step with every array on the GPU (CuPy)."""
    return mlp(problem, device="cuda")


def gpu_available():
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
    optimizer = nn.SGD(params, lr=problem.lr)
    x, y = problem.x, problem.y
    _used["cnn"] = {"layers": "nn.Sequential(nn.Conv2D, nn.MaxPooling2D, ..., nn.Dense)",
                    "loss": "nn.cross_entropy", "optimizer": "nn.SGD"}

    def step():
        loss = nn.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item(), [p.grad for p in params]

    return step


# ---- W2: framework overhead ---------------------------------------------------------------------


def chain(problem):
    """W2: forward through ``n_ops`` elementwise ops on 4x4 tensors, then backward."""
    x = al.Tensor(problem.x, requires_grad=True)
    c = al.Tensor(problem.c)
    kinds = [problem.op(i) for i in range(problem.n_ops)]

    def run():
        x.grad = None
        h = x
        for kind in kinds:
            if kind == "add":
                h = h + c
            elif kind == "mul":
                h = h * c
            else:
                h = h.tanh()
        out = h.sum()
        out.backward()
        return out.item(), [x.grad]

    return run


# ---- W4: depth ----------------------------------------------------------------------------------


def depth(problem):
    """W4: a chain of ``n_ops`` ops on a one-element float64 Tensor, then backward."""
    n, add, mul = problem.n_ops, problem.add, problem.mul
    start = numpy.array([problem.x0])

    def run():
        x = al.Tensor(start, requires_grad=True)
        y = x
        for i in range(n):
            y = y + add if i % 2 == 0 else y * mul
        y.backward()
        return y.item(), [x.grad]

    return run
