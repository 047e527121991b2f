"""The names of a network's neurons, weights and biases, as in the lecture.

Neurons are lettered a, b, c, ... layer by layer, inputs first, and a single output is z: the
lecture's 2-3-3-1 network has inputs a, b, hidden layers c, d, e and f, g, h, and output z.
The letters run out after y, so a network with more neurons names neuron k of layer ℓ
``v_{ℓ,k}``, entry k of the lecture's vector v_ℓ (k from 1; the inputs are layer 0).

A weight is W_{i,j}, from neuron i to neuron j; in the subscripted scheme it is written as the
entry of the lecture's matrix W_ℓ (rows: the neurons of layer ℓ+1, columns: those of layer ℓ),
W_{ℓ}[m,k]. The bias of neuron j is β_j. All names are in the markup of ``viz.labels``.
"""

from __future__ import annotations

from dataclasses import dataclass

LETTERS = "abcdefghijklmnopqrstuvwxy"  # z is kept for a single output


@dataclass(frozen=True)
class Names:
    """The names of one network.

    Attributes:
        neurons: one list per layer (inputs first) of neuron names in markup ('c', 'v_{1,2}').
        lettered: True for the letter scheme (a, b, ..., z), False for v_{ℓ,k}.
    """

    neurons: tuple
    lettered: bool

    def neuron(self, layer: int, k: int) -> str:
        """Neuron k (from 0) of layer ``layer`` (0: the inputs)."""
        return self.neurons[layer][k]

    def bar(self, layer: int, k: int) -> str:
        """j̄, the neuron's value before its non-linearity: '~c' or '~v_{1,2}'."""
        return "~" + self.neurons[layer][k]

    def weight(self, layer: int, k: int, m: int) -> str:
        """The weight from neuron k of ``layer`` to neuron m of ``layer + 1``: W_{i,j}."""
        if self.lettered:
            return f"W_{{{self.neurons[layer][k]},{self.neurons[layer + 1][m]}}}"
        return f"W_{{{layer}}}[{m + 1},{k + 1}]"

    def bias(self, layer: int, m: int) -> str:
        """β_j for neuron m of ``layer`` (layer ≥ 1)."""
        name = self.neurons[layer][m]
        if self.lettered:
            return f"β_{name}"
        return f"β_{{{layer},{m + 1}}}"


def name_neurons(sizes) -> Names:
    """Names for a network with ``sizes[ℓ]`` neurons in layer ℓ (``sizes[0]``: the inputs)."""
    sizes = [int(n) for n in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"a network needs an input layer and at least one layer, got {sizes}")
    single_output = sizes[-1] == 1
    lettered_count = sum(sizes) - (1 if single_output else 0)
    if lettered_count <= len(LETTERS):
        letters = iter(LETTERS)
        neurons = [[next(letters) for _ in range(n)] for n in sizes[:-1]]
        neurons.append(["z"] if single_output else [next(letters) for _ in range(sizes[-1])])
        return Names(tuple(tuple(layer) for layer in neurons), True)
    neurons = tuple(
        tuple(f"v_{{{layer},{k + 1}}}" for k in range(n)) for layer, n in enumerate(sizes)
    )
    return Names(neurons, False)
