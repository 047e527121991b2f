"""The shared inputs of every workload: seeded data and initial weights, as NumPy arrays.

Every engine builds its workload from the same ``*_problem`` object, made here from a fixed seed,
so that all engines compute the same loss and the same gradients, which ``checks.py`` verifies
before anything is timed. Only NumPy and the standard library are used, so every worker process
can make the same arrays without sending them over a pipe.

Workloads:
    W1 ``mlp_problem``: an MLP 784-256-256-10 (ReLU, softmax cross-entropy, SGD) on random
       float32 data. Weights are stored (out, in), as in PyTorch and in ``autograd_lite.linear``.
    W2 ``chain_problem``: a chain of elementwise ops (add, mul, tanh, repeating) on 4x4 tensors.
    W3 ``moons_problem``: micrograd's demo, an MLP 2-16-16-1 with a hinge loss on two moons.
    W4 ``depth_problem``: a chain of scalar ops y = y + a, y = y * m, ... a million long.
    W6 is W1's ``mlp_problem`` with every array on the GPU.
    W7 ``cnn_problem``: the LeNet-style CNN of ``examples/cnn_mnist.py`` (conv 5×5, ReLU,
       max-pool 2×2, twice, then a dense layer; softmax cross-entropy, SGD) on a batch of
       28 × 28 images, channels last as Keras takes them.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy

SEED = 0
MLP_SIZES = (784, 256, 256, 10)
LEARNING_RATE = 0.01
CHAIN_OPS = ("add", "mul", "tanh")  # op i of the W2 chain is CHAIN_OPS[i % 3]


@dataclass(frozen=True)
class MLPProblem:
    """W1: one batch and the initial weights of an MLP with ReLU hidden layers.

    Attributes:
        weights: one float32 matrix per layer, shape (out, in).
        biases: one float32 vector per layer, shape (out,).
        x: the inputs, float32, shape (batch, sizes[0]).
        y: the class labels, int64, shape (batch,).
        lr: the SGD learning rate.
    """

    weights: tuple
    biases: tuple
    x: numpy.ndarray
    y: numpy.ndarray
    lr: float = LEARNING_RATE

    @property
    def parameters(self) -> list:
        """W1, b1, W2, b2, ...: the order in which every engine returns its gradients."""
        return [p for pair in zip(self.weights, self.biases) for p in pair]


def mlp_problem(batch: int, sizes=MLP_SIZES, seed: int = SEED) -> MLPProblem:
    """He-initialised weights, small random biases, standard-normal inputs, random labels."""
    rng = numpy.random.default_rng(seed)
    weights = tuple(
        (rng.standard_normal((n_out, n_in)) * math.sqrt(2.0 / n_in)).astype(numpy.float32)
        for n_in, n_out in zip(sizes[:-1], sizes[1:])
    )
    # Non-zero biases, so that a wrong bias gradient cannot hide behind zeros.
    biases = tuple((0.01 * rng.standard_normal(n)).astype(numpy.float32) for n in sizes[1:])
    x = rng.standard_normal((batch, sizes[0])).astype(numpy.float32)
    y = rng.integers(0, sizes[-1], size=batch, dtype=numpy.int64)
    return MLPProblem(weights, biases, x, y)


@dataclass(frozen=True)
class ChainProblem:
    """W2: h = x, then h = h + c, h = h * c, h = tanh(h), ... (``n_ops`` ops), then sum(h)."""

    x: numpy.ndarray
    c: numpy.ndarray
    n_ops: int

    @functools.cached_property
    def kinds(self) -> list:
        """The ops in order: 'add', 'mul', 'tanh', 'add', ..."""
        return [CHAIN_OPS[i % len(CHAIN_OPS)] for i in range(self.n_ops)]

    def forward(self, h, c, tanh):
        """The chain on an engine's own values, from h = x: ``c`` is the constant as the engine
        holds it, ``tanh`` the engine's tanh. Returns the last h."""
        for kind in self.kinds:
            if kind == "add":
                h = h + c
            elif kind == "mul":
                h = h * c
            else:
                h = tanh(h)
        return h


def chain_problem(n_ops: int = 100, shape=(4, 4), seed: int = SEED) -> ChainProblem:
    """float32 inputs; c in [0.5, 1] keeps the values and the gradient away from 0 and inf."""
    rng = numpy.random.default_rng(seed + 1)
    x = rng.standard_normal(shape).astype(numpy.float32)
    c = rng.uniform(0.5, 1.0, shape).astype(numpy.float32)
    return ChainProblem(x, c, n_ops)


@dataclass(frozen=True)
class MoonsProblem:
    """W3: micrograd's demo. Plain Python floats, as a scalar engine takes them.

    Attributes:
        X: the points, a list of [x0, x1].
        y: their labels, -1.0 or 1.0.
        weights: per layer, a list of rows (one per neuron) of input weights.
        biases: per layer, one bias per neuron.
        alpha: the L2 regularisation strength; the loss is
            mean_i relu(1 - y_i·score_i) + alpha · Σ p² over all parameters.
        lr: the SGD learning rate.
    """

    X: list
    y: list
    weights: list
    biases: list
    alpha: float = 1e-4
    lr: float = 0.1

    @property
    def parameters(self) -> list:
        """Neuron by neuron, its weights then its bias: micrograd's ``parameters()`` order."""
        return [
            p
            for w_layer, b_layer in zip(self.weights, self.biases)
            for w_row, b in zip(w_layer, b_layer)
            for p in [*w_row, b]
        ]


def moons_problem(
    n_points: int = 100, sizes=(2, 16, 16, 1), noise: float = 0.1, seed: int = SEED
) -> MoonsProblem:
    """Two interleaved half circles (scikit-learn's ``make_moons``), weights U(-1, 1)."""
    rng = numpy.random.default_rng(seed + 2)
    n_outer = n_points // 2
    n_inner = n_points - n_outer
    t_outer = numpy.linspace(0, math.pi, n_outer)
    t_inner = numpy.linspace(0, math.pi, n_inner)
    X = numpy.concatenate(
        [
            numpy.stack([numpy.cos(t_outer), numpy.sin(t_outer)], axis=1),
            numpy.stack([1 - numpy.cos(t_inner), 0.5 - numpy.sin(t_inner)], axis=1),
        ]
    ) + noise * rng.standard_normal((n_points, 2))
    y = numpy.concatenate([-numpy.ones(n_outer), numpy.ones(n_inner)])
    order = rng.permutation(n_points)
    weights = [
        rng.uniform(-1, 1, (n_out, n_in)).tolist() for n_in, n_out in zip(sizes[:-1], sizes[1:])
    ]
    biases = [[0.0] * n_out for n_out in sizes[1:]]
    return MoonsProblem(X[order].tolist(), y[order].tolist(), weights, biases)


@dataclass(frozen=True)
class DepthProblem:
    """W4: y = x0, then y = y + add, y = y * mul, y = y + add, ... (``n_ops`` ops, float64).

    ∂y/∂x0 is ``mul`` to the power of the number of multiplications: ``expected_grad``.
    """

    n_ops: int
    x0: float = 0.5
    add: float = 0.001
    mul: float = 1.000001

    @property
    def expected_grad(self) -> float:
        return self.mul ** (self.n_ops // 2)

    def forward(self, y):
        """The chain on an engine's own values, from y = x0. Returns the last y."""
        add, mul = self.add, self.mul
        for i in range(self.n_ops):
            y = y + add if i % 2 == 0 else y * mul
        return y


def depth_problem(n_ops: int) -> DepthProblem:
    return DepthProblem(n_ops)


@dataclass(frozen=True)
class CNNProblem:
    """W7: one batch and the initial weights of the CNN.

    Attributes:
        conv_weights: per convolution, float32 kernels (out, in, 5, 5) (PyTorch's layout).
        conv_biases: per convolution, (out,).
        dense_weight: (10, 4·4·16), its columns in Keras's flattening order (row, column,
            channel) of the last pooled images (N, 4, 4, 16).
        dense_bias: (10,).
        x: the images, float32, (batch, 28, 28, 1).
        y: the labels, int64, (batch,).
        lr: the SGD learning rate.
    """

    conv_weights: tuple
    conv_biases: tuple
    dense_weight: numpy.ndarray
    dense_bias: numpy.ndarray
    x: numpy.ndarray
    y: numpy.ndarray
    lr: float = LEARNING_RATE

    @property
    def parameters(self) -> list:
        """conv1 kernel and bias, conv2 kernel and bias, dense weight and bias: the order in
        which every engine returns its gradients."""
        return [
            self.conv_weights[0],
            self.conv_biases[0],
            self.conv_weights[1],
            self.conv_biases[1],
            self.dense_weight,
            self.dense_bias,
        ]


CNN_CHANNELS = (1, 8, 16)  # the images' channels, then each convolution's filters


def cnn_problem(batch: int, seed: int = SEED) -> CNNProblem:
    """He-initialised kernels and dense weight, small random biases, pixels in [0, 1)."""
    rng = numpy.random.default_rng(seed + 3)
    kernels, biases = [], []
    for n_in, n_out in zip(CNN_CHANNELS[:-1], CNN_CHANNELS[1:]):
        kernels.append(
            (rng.standard_normal((n_out, n_in, 5, 5)) * math.sqrt(2.0 / (n_in * 25))).astype(
                numpy.float32
            )
        )
        biases.append((0.01 * rng.standard_normal(n_out)).astype(numpy.float32))
    features = 4 * 4 * CNN_CHANNELS[-1]
    dense = (rng.standard_normal((10, features)) * math.sqrt(2.0 / features)).astype(numpy.float32)
    x = rng.random((batch, 28, 28, 1), dtype=numpy.float32)
    y = rng.integers(0, 10, size=batch, dtype=numpy.int64)
    return CNNProblem(
        tuple(kernels),
        tuple(biases),
        dense,
        (0.01 * rng.standard_normal(10)).astype(numpy.float32),
        x,
        y,
    )


def make(workload: str, params: dict):
    """The problem of ``workload`` ('mlp', 'gpu_mlp', 'chain', 'moons', 'depth', 'cnn') for
    ``params``."""
    if workload in ("mlp", "gpu_mlp"):
        return mlp_problem(params["batch"], sizes=tuple(params.get("sizes", MLP_SIZES)))
    if workload == "chain":
        return chain_problem(params.get("n_ops", 100))
    if workload == "moons":
        return moons_problem(params.get("n_points", 100))
    if workload == "depth":
        return depth_problem(params["n_ops"])
    if workload == "cnn":
        return cnn_problem(params["batch"])
    raise ValueError(f"unknown workload {workload!r}")
