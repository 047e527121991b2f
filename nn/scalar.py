"""Neurons, layers and MLPs over the scalar engine ``autograd_lite.Value`` (micrograd's nn).

Every weight is its own ``Value``: each can be printed and drawn. A neuron j computes, in the
lecture's notation,

    j̄ = Σ_i W_{i,j} · i + β_j,       j = s(j̄)

with j̄ as one graph node (``autograd_lite.weighted_sum``), as the lecture draws it, rather
than micrograd's chain of one node per multiply and add, which is 2n times larger and slower.

and an MLP chains layers of such neurons, the last layer linear (no s), as in micrograd:

    model = MLP(2, [16, 16, 1])                    # 2 inputs, two hidden layers of 16, 1 output
    scores = [model(x) for x in X]                 # one Value per sample
    loss = sum((1 - y * s).relu() for y, s in zip(Y, scores)) / len(Y)   # hinge loss
    loss = loss + 1e-4 * sum(p * p for p in model.parameters())          # + L2
    model.zero_grad(); loss.backward()
    for p in model.parameters():
        p.data -= learning_rate * p.grad                                  # SGD

Weights start uniform in [-1, 1], drawn one by one with ``random.uniform(-1, 1)`` from Python's
``random`` module, in micrograd's order (layer by layer, neuron by neuron, input by input), so
``random.seed(1337)`` gives micrograd's own initial weights and micrograd's demo reproduces its
printed losses with only the imports changed. ``autograd_lite.manual_seed(n)`` seeds that
generator too; ``generator=`` takes any object with ``uniform(low, high)``, such as a
``random.Random`` or a NumPy ``Generator``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from autograd_lite import Value, weighted_sum
from autograd_lite.deprecation import renamed_attributes

_ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")


class ScalarModule:
    """What every scalar model has: its parameters and ``zero_grad`` (micrograd's ``Module``;
    ``nn.Module`` is the base of the Tensor layers, a different class)."""

    def parameters(self) -> list[Value]:
        return []

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (a ``Value`` keeps its gradient as a float)."""
        for p in self.parameters():
            p.grad = 0.0


class Neuron(ScalarModule):
    """One unit: j = s(Σ_i w_i x_i + b), with s = ``activation`` (ReLU by default).

    Args:
        nin: the number of inputs.
        nonlin: False makes the unit linear (j = j̄), as micrograd's last layer.
        activation: 'relu', 'tanh', 'sigmoid' or 'linear'.
        generator: where the weights are drawn from: anything with ``uniform(low, high)``
            (Python's ``random`` module by default, as in micrograd).
    """

    def __init__(
        self, nin: int, nonlin: bool = True, activation: str = "relu", generator: Any = None
    ) -> None:
        if activation not in _ACTIVATIONS:
            raise ValueError(
                f"unknown activation {activation!r}; valid names: {', '.join(_ACTIVATIONS)}"
            )
        rng = generator if generator is not None else random
        self.w = [Value(float(rng.uniform(-1, 1)), label="w") for _ in range(nin)]
        self.b = Value(0.0, label="b")
        self.activation = activation if nonlin else "linear"

    def __call__(self, x: Sequence[Value | float]) -> Value:
        if len(x) != len(self.w):
            raise ValueError(f"this neuron has {len(self.w)} inputs, got {len(x)} values")
        pre = weighted_sum(self.w, x, self.b)  # j̄ = Σ_i w_i·x_i + β, one graph node
        if self.activation == "linear":
            return pre
        return getattr(pre, self.activation)()

    def parameters(self) -> list[Value]:
        return self.w + [self.b]

    def __repr__(self) -> str:
        return f"{self.activation.capitalize()}Neuron({len(self.w)})"


class Layer(ScalarModule):
    """``nout`` neurons that all read the same ``nin`` inputs."""

    def __init__(
        self,
        nin: int,
        nout: int,
        nonlin: bool = True,
        activation: str = "relu",
        generator: Any = None,
    ) -> None:
        self.neurons = [Neuron(nin, nonlin, activation, generator) for _ in range(nout)]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        out = [neuron(x) for neuron in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(ScalarModule):
    """A multilayer perceptron: ``MLP(2, [16, 16, 1])`` has layers of 16, 16 and 1 neurons;
    every layer but the last applies ``activation``, the last is linear (scores)."""

    def __init__(
        self, nin: int, nouts: Sequence[int], activation: str = "relu", generator: Any = None
    ) -> None:
        sizes = [nin, *nouts]
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                nonlin=i != len(nouts) - 1,
                activation=activation,
                generator=generator,
            )
            for i in range(len(nouts))
        ]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        for layer in self.layers:
            x = layer(x)
            if isinstance(x, Value):
                x = [x]
        return x[0] if len(x) == 1 else x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"


# ScalarModule was nn.scalar.Module, a second class of that name beside nn.Module
__getattr__ = renamed_attributes(__name__, {"Module": "ScalarModule"})
