"""The lecture's backpropagation example: a 2-3-3-1 network of sigmoid units.

Inputs a, b; hidden layers c, d, e and f, g, h; output z, with

    j̄ = Σ_i i·W_{i,j} + β_j,   j = s(j̄),   s(x) = 1 / (1 + e^-x).

The weights and biases are drawn from a seeded generator and rounded to two decimals, so that a
student can redo every step by hand: W ~ N(0, 1), β ~ N(0, 0.5²). Seed 4 (the default) gives
derivatives large enough to read at four decimals.
"""

from __future__ import annotations

import numpy

LECTURE_SIZES = (2, 3, 3, 1)
LECTURE_X = (1.0, 0.5)
LECTURE_SEED = 4
_SUB = "₀₁₂₃₄₅₆₇₈₉"


def lecture_network(seed: int = LECTURE_SEED, sizes=LECTURE_SIZES, activation="sigmoid"):
    """The lecture's network as an ``nn.Sequential`` of ``nn.Dense`` layers (float64).

    Returns ``(model, x)``: the model and the example input (1.0, 0.5).
    """
    import nn  # the drawings of graphs do not need nn; this example does

    rng = numpy.random.default_rng(seed)
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layer = nn.Dense(n_out, activation=activation, input_shape=(n_in,),
                         dtype=numpy.float64)
        layers.append(layer)
    weights = [numpy.round(rng.normal(0, 1, (n_out, n_in)), 2)
               for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    biases = [numpy.round(rng.normal(0, 0.5, n_out), 2) for n_out in sizes[1:]]
    for layer, weight, bias in zip(layers, weights, biases):
        layer.weight.data[...] = weight
        layer.bias.data[...] = bias
    x = numpy.array(LECTURE_X[:sizes[0]] if sizes[0] <= len(LECTURE_X)
                    else rng.normal(0, 1, sizes[0]).round(2))
    return nn.Sequential(layers), x


def lecture_graph_root(model, x):
    """The Tensor expression of the network's forward pass, labelled in the lecture's notation
    and backpropagated, for ``draw_graph``: v_0 = x, then v̄_ℓ = W_{ℓ-1} v_{ℓ-1} + β_ℓ and
    v_ℓ = s(v̄_ℓ) for each layer, with every intermediate gradient kept."""
    from autograd_lite import Tensor

    v = Tensor(numpy.asarray(x, dtype=numpy.float64).reshape(1, -1), requires_grad=True,
               label="v₀ = x")
    for index, layer in enumerate(model.layers, start=1):
        layer.weight.label = f"W{_SUB[index - 1]}"
        layer.bias.label = f"β{_SUB[index]}"
        layer.keep_activations = True
        v = layer(v)
        layer.keep_activations = False
        layer.pre_activation.label = f"v̄{_SUB[index]}"
        layer.pre_activation.retain_grad()
        v.label = f"v{_SUB[index]}"
        v.retain_grad()
        layer.pre_activation, layer.output = None, None
    v.backward()
    return v
