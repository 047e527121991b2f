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

__all__ = ["LECTURE_SEED", "LECTURE_SIZES", "lecture_graph", "lecture_network"]

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
        layer = nn.Dense(n_out, activation=activation, input_shape=(n_in,), dtype=numpy.float64)
        layer.weight.data[...] = weight
        layer.bias.data[...] = bias
        layers.append(layer)
    return nn.Sequential(layers), parameters.x.copy()


def lecture_graph(model, x, **options):
    """The computation graph of the network's forward pass, one node per tensor, with every
    gradient, laid out top to bottom with one box per layer (readable at its natural size).

    The tensors are labelled in the lecture's notation: v₀ = x, then for each layer ℓ
    v̄_ℓ = W_{ℓ-1} v_{ℓ-1} + β_ℓ and v_ℓ = s(v̄_ℓ). Returns a ``Drawing``; ``options`` go to
    ``draw_graph`` (``digits``, ``max_elements``, ``title``...).
    """
    from autograd_lite import Tensor

    from .graph import draw_graph

    v = Tensor(
        numpy.asarray(x, dtype=numpy.float64).reshape(1, -1), requires_grad=True, label="v₀ = x"
    )
    clusters = [("input", [v])]
    for index, layer in enumerate(model.layers, start=1):
        layer.weight.label = f"W{_SUB[index - 1]}"
        layer.bias.label = f"β{_SUB[index]}"
        with layer.record_activations() as records:
            v = layer(v)
        pre = records[-1].pre
        pre.label = f"v̄{_SUB[index]}"
        v.label = f"v{_SUB[index]}"
        kind = "output" if index == len(model.layers) else "hidden"
        clusters.append(
            (
                f"layer {index} ({kind}): v̄{_SUB[index]} = v{_SUB[index - 1]} "
                f"W{_SUB[index - 1]}ᵀ + β{_SUB[index]},  v{_SUB[index]} = "
                f"s(v̄{_SUB[index]})",
                [layer.weight, layer.bias, pre, v],
            )
        )
    options.setdefault("rankdir", "TB")
    return draw_graph(v, backward=True, clusters=clusters, **options)
