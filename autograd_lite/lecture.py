"""The lecture's BACKPROP EXAMPLE: a 2-3-3-1 network of sigmoid units, defined once.

Inputs a, b; hidden layers c, d, e and f, g, h; output z. For a node j, j̄ is its value before
the non-linearity s(x) = 1 / (1 + e^-x) and j = s(j̄) its value after:

    j̄ = Σ_i i·W_{i,j} + β_j,        j = s(j̄).

The weights and biases come from a seeded generator, rounded to two decimals so that a student
can redo every step by hand: W ~ N(0, 1), β ~ N(0, 0.5²); the example input is (a, b) = (1, 0.5).
Seed 4 (the default) gives derivatives large enough to read at four decimals (z = 0.7118).

``python -m autograd_lite`` computes this network with ``Value``s (``scalar_network``),
``viz.lecture`` builds it from ``nn.Dense`` layers for the drawings, and
``examples/backprop_example.py`` checks the two engines against each other on it: all three
take their numbers from ``lecture_parameters``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy

from .value import Value, weighted_sum

NEURONS = (("a", "b"), ("c", "d", "e"), ("f", "g", "h"), ("z",))
SIZES = (2, 3, 3, 1)
X = (1.0, 0.5)
SEED = 4


@dataclass(frozen=True)
class LectureParameters:
    """The numbers of a network of the lecture's kind.

    Attributes:
        weights: one float64 array per layer ℓ = 0, 1, ..., shape (units of ℓ+1, units of ℓ):
            the lecture's W_ℓ, one row per neuron j of layer ℓ+1, so ``weights[ℓ][m, k]`` is
            W_{i,j} for the k-th neuron i of layer ℓ and the m-th neuron j of layer ℓ+1.
        biases: one array per layer ℓ = 1, 2, ... (``biases[0]`` belongs to layer 1): β_j.
        x: the example input, the values of the input neurons.
    """

    weights: tuple
    biases: tuple
    x: numpy.ndarray


def lecture_parameters(seed: int = SEED, sizes=SIZES) -> LectureParameters:
    """The lecture network's weights, biases and example input (float64, two decimals).

    ``sizes`` (default 2-3-3-1) and ``seed`` (default 4) give other networks of the same kind;
    an input wider than two numbers is drawn from N(0, 1) as well.
    """
    sizes = tuple(int(n) for n in sizes)
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sizes must be at least two positive layer widths, got {sizes}")
    rng = numpy.random.default_rng(seed)
    weights = tuple(
        numpy.round(rng.normal(0, 1, (n_out, n_in)), 2)
        for n_in, n_out in zip(sizes[:-1], sizes[1:])
    )
    biases = tuple(numpy.round(rng.normal(0, 0.5, n_out), 2) for n_out in sizes[1:])
    x = numpy.array(X[: sizes[0]]) if sizes[0] <= len(X) else rng.normal(0, 1, sizes[0]).round(2)
    return LectureParameters(weights, biases, x)


@dataclass
class ScalarNetwork:
    """The lecture network built from ``Value``s, one per number, named as in the lecture.

    Attributes:
        node: j for every neuron name ('a' ... 'z'), after the non-linearity.
        pre_activation: j̄ for every neuron of layers 1 and up.
        weight: W_{i,j} for every edge (i, j).
        bias: β_j for every neuron of layers 1 and up.
    """

    node: dict
    pre_activation: dict
    weight: dict
    bias: dict

    @property
    def output(self) -> Value:
        """z, the network's single output."""
        return self.node[NEURONS[-1][0]]


def scalar_network(parameters: LectureParameters | None = None) -> ScalarNetwork:
    """The forward pass of the 2-3-3-1 lecture network with ``Value``s, left to right.

    Each j̄ is one ``weighted_sum`` node (Σ_i W_{i,j}·i + β_j, as the lecture draws a neuron)
    and each j its sigmoid. Every Value is labelled: 'a', 'W_a,c', 'β_c', 'c̄', 'c', ...
    """
    p = lecture_parameters() if parameters is None else parameters
    shape = tuple(len(layer) for layer in NEURONS)
    given = (len(p.x),) + tuple(len(b) for b in p.biases)
    if given != shape:
        raise ValueError(
            f"scalar_network draws the lecture's {'-'.join(map(str, shape))} "
            f"network; these parameters are for {'-'.join(map(str, given))}"
        )
    node = {name: Value(float(v), label=name) for name, v in zip(NEURONS[0], p.x)}
    pre_activation, weight, bias = {}, {}, {}
    for layer, (sources, targets) in enumerate(zip(NEURONS, NEURONS[1:])):
        for m, j in enumerate(targets):
            bias[j] = Value(float(p.biases[layer][m]), label=f"β_{j}")
            for k, i in enumerate(sources):
                weight[i, j] = Value(float(p.weights[layer][m, k]), label=f"W_{i},{j}")
            bar = weighted_sum([weight[i, j] for i in sources], [node[i] for i in sources], bias[j])
            bar.label = unicodedata.normalize("NFC", f"{j}\u0304")  # j̄ (ē is one letter)
            pre_activation[j] = bar
            node[j] = bar.sigmoid()
            node[j].label = j
    return ScalarNetwork(node, pre_activation, weight, bias)
