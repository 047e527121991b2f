"""PyTorch in eager mode (the default), on the CPU, and on CUDA for W6.

Written as PyTorch's tutorials write it: ``torch.nn`` layers, ``F.cross_entropy``,
``torch.optim.SGD``. The thread count is fixed with ``torch.set_num_threads`` (and the
OMP/MKL environment variables, set before import by the benchmark).
"""

from __future__ import annotations

import numpy
import torch
import torch.nn.functional as F

LABEL = "PyTorch eager"


def setup(threads: int) -> dict:
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(threads)
    return {
        "torch": torch.__version__,
        "cuda": torch.version.cuda,  # None for a build without CUDA
        "num_threads": torch.get_num_threads(),
        "num_interop_threads": torch.get_num_interop_threads(),
        "config": torch.__config__.show(),
        "parallel_info": torch.__config__.parallel_info(),
    }


def to_numpy(x) -> numpy.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return numpy.asarray(x)


def mlp(problem, device="cpu"):
    """W1: one training step of an ``nn.Sequential`` MLP."""
    layers = []
    for i, (w, b) in enumerate(zip(problem.weights, problem.biases)):
        layers.append(_with_weights(torch.nn.Linear(w.shape[1], w.shape[0]), w, b))
        if i < len(problem.weights) - 1:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers).to(device)
    params = list(model.parameters())
    optimizer = torch.optim.SGD(params, lr=problem.lr)
    x = torch.from_numpy(problem.x).to(device)
    y = torch.from_numpy(problem.y).to(device)

    def step():
        loss = F.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item(), [p.grad for p in params]  # .item() waits for the GPU

    return step


def gpu_mlp(problem):
    return mlp(problem, device="cuda")


def gpu_available():
    return None if torch.cuda.is_available() else "torch.cuda.is_available() is False"


def chain(problem):
    """W2: the elementwise chain on 4x4 tensors, forward and backward."""
    x = torch.tensor(problem.x, requires_grad=True)
    c = torch.tensor(problem.c)
    tanh = torch.Tensor.tanh  # h.tanh(), as a user writes it

    def run():
        x.grad = None
        out = problem.forward(x, c, tanh).sum()
        out.backward()
        return out.item(), [x.grad]

    return run


def depth(problem):
    """W4: the scalar chain on a one-element float64 tensor."""

    def run():
        x = torch.tensor([problem.x0], dtype=torch.float64, requires_grad=True)
        y = problem.forward(x)
        y.backward()
        return y.item(), [x.grad]

    return run


def cnn(problem):
    """W7: one training step of the CNN, ``torch.nn`` layers on NCHW images as PyTorch takes
    them. The dense layer reads the last images flattened in Keras's order (row, column,
    channel), as the other engines do, hence the permute before ``flatten``."""
    convolutions = []
    for w, b in zip(problem.conv_weights, problem.conv_biases):
        layer = _with_weights(torch.nn.Conv2d(w.shape[1], w.shape[0], w.shape[2]), w, b)
        convolutions += [layer, torch.nn.ReLU(), torch.nn.MaxPool2d(2)]
    features = torch.nn.Sequential(*convolutions)
    dense = _with_weights(
        torch.nn.Linear(*problem.dense_weight.shape[::-1]), problem.dense_weight, problem.dense_bias
    )
    params = [
        convolutions[0].weight,
        convolutions[0].bias,
        convolutions[3].weight,
        convolutions[3].bias,
        dense.weight,
        dense.bias,
    ]
    optimizer = torch.optim.SGD(params, lr=problem.lr)
    x = torch.from_numpy(problem.x).permute(0, 3, 1, 2).contiguous()
    y = torch.from_numpy(problem.y)

    def step():
        h = features(x).permute(0, 2, 3, 1).flatten(1)
        loss = F.cross_entropy(dense(h), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item(), [p.grad for p in params]

    return step


def _with_weights(layer, weight, bias):
    """``layer`` with the problem's initial weight and bias copied in."""
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(weight))
        layer.bias.copy_(torch.from_numpy(bias))
    return layer
