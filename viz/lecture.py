"""The lecture's backpropagation example for the drawings: a 2-3-3-1 network of sigmoid units.

Inputs a, b; hidden layers c, d, e and f, g, h; output z, with

    j̄ = Σ_i i·W_{i,j} + β_j,   j = s(j̄),   s(x) = 1 / (1 + e^-x).

The numbers (seeded weights rounded to two decimals, the input (1, 0.5)) are defined once, in
``autograd_lite.lecture``, which ``python -m autograd_lite`` computes with the scalar engine;
here they become ``nn.Dense`` layers.
"""

from __future__ import annotations

import numpy

from autograd_lite.lecture import SEED as LECTURE_SEED
from autograd_lite.lecture import SIZES as LECTURE_SIZES
from autograd_lite.lecture import lecture_parameters

__all__ = ["LECTURE_SEED", "LECTURE_SIZES", "lecture_graph_root", "lecture_network"]

_SUB = "₀₁₂₃₄₅₆₇₈₉"


def lecture_network(seed: int = LECTURE_SEED, sizes=LECTURE_SIZES, activation="sigmoid"):
    """The lecture's network as an ``nn.Sequential`` of ``nn.Dense`` layers (float64).

    Returns ``(model, x)``: the model and the example input (1.0, 0.5). ``seed`` and ``sizes``
    give other networks of the same kind (see ``autograd_lite.lecture.lecture_parameters``).
    """
    import nn  # the drawings of graphs do not need nn; this example does

    parameters = lecture_parameters(seed, sizes)
    layers = []
    for weight, bias in zip(parameters.weights, parameters.biases):
        n_out, n_in = weight.shape
        layer = nn.Dense(n_out, activation=activation, input_shape=(n_in,),
                         dtype=numpy.float64)
        layer.weight.data[...] = weight
        layer.bias.data[...] = bias
        layers.append(layer)
    return nn.Sequential(layers), parameters.x.copy()


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
