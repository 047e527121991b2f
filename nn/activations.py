"""Activation functions s(·), as functions, as layers, and by name.

In the lecture's notation a unit j computes j̄ (before the non-linearity) and j = s(j̄) (after
it); these are the choices of s, applied entry by entry (softmax row by row):

| name        | s(z)                                   | s'(z)                                    |
| ----------- | -------------------------------------- | ---------------------------------------- |
| sigmoid     | 1 / (1 + e^-z)                         | s(z)(1 - s(z))                           |
| tanh        | (e^z - e^-z) / (e^z + e^-z)            | 1 - tanh² z                              |
| relu        | max(0, z)                              | 1[z > 0]                                 |
| leaky_relu  | z if z > 0 else a·z   (a = 0.01)       | 1 if z > 0 else a                        |
| softmax     | e^{z_k} / Σ_c e^{z_c}  (over the last axis) | diag(s) - s sᵀ                      |
| linear      | z  (the function ``identity``)         | 1                                        |
| step        | 1[z > t]  (threshold t = 0)            | 0 wherever it exists (all z ≠ t)         |
| sign        | -1, 0 or +1 as z <0, =0 or >0          | 0 wherever it exists (all z ≠ 0)         |

``step`` (the lecture's u_O = 1[z_O > λ]) and ``sign`` (u_H = sign(z_H)) are the perceptron's
units. Their derivative is zero everywhere except at the jump, where it does not exist, so
backpropagation passes a zero gradient through them and gradient descent cannot learn the
weights before them: that is the lecture's reason for smooth activations such as the sigmoid.
They are here to run the lecture's first model, not to train it.

'linear' is Keras's name for no activation, s(z) = z; its function is ``identity`` here, because
``nn.linear`` is something else: the affine op z = x Wᵀ + β of a layer (PyTorch's
``F.linear``). Given as an activation, that op is refused with a message that says so.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from autograd_lite import Tensor, backend, ops, primitive
from autograd_lite.deprecation import renamed_attributes
from autograd_lite.ops import array_module

from .module import Module

ActivationFn = Callable[[Any], Any]


def sigmoid(x: Any) -> Tensor:
    """s(z) = 1 / (1 + e^-z), the lecture's smooth activation; s'(z) = s(z)(1 - s(z))."""
    return ops.sigmoid(x)


def tanh(x: Any) -> Tensor:
    """tanh z; derivative 1 - tanh² z."""
    return ops.tanh(x)


def relu(x: Any) -> Tensor:
    """max(0, z); derivative 1[z > 0]."""
    return ops.relu(x)


def leaky_relu(x: Any, negative_slope: float = 0.01) -> Tensor:
    """z for z > 0, negative_slope·z otherwise; derivative 1 or negative_slope."""
    return _leaky_relu(x, negative_slope=negative_slope)


@primitive(name="leaky_relu")
def _leaky_relu(x: Any, negative_slope: float = 0.01) -> tuple[Any, tuple]:
    xp = array_module(x)
    positive = ops._data(x) > 0
    slope = negative_slope + (1 - negative_slope) * positive  # 1 or negative_slope
    return xp.where(positive, x, negative_slope * x), (lambda g: g * slope,)


def softmax(x: Any, axis: int = -1) -> Tensor:
    """e^{z_k} / Σ_c e^{z_c} along ``axis``: a probability row per sample."""
    return ops.softmax(x, axis=axis)


def identity(x: Any) -> Any:
    """s(z) = z: Keras's 'linear' activation, also written ``None``."""
    return x


def step(x: Any, threshold: float = 0.0) -> Tensor:
    """1[z > threshold] (the lecture's u_O = 1[z_O > λ]); gradient 0 (see the module doc)."""
    return _step(x, threshold=threshold)


@primitive(name="step")
def _step(x: Any, threshold: float = 0.0) -> tuple[Any, tuple]:
    return (x > threshold).astype(x.dtype), (_zero_gradient,)


def sign(x: Any) -> Tensor:
    """sign(z) ∈ {-1, 0, +1} (the lecture's u_H = sign(z_H)); gradient 0 (see the module doc)."""
    return _sign(x)


@primitive(name="sign")
def _sign(x: Any) -> tuple[Any, tuple]:
    return array_module(x).sign(x), (_zero_gradient,)


def _zero_gradient(g: Any) -> Any:
    """The VJP of a piecewise-constant function: 0 (a constant, also in a recorded pass)."""
    data = ops._data(g)
    return backend.array_module(data).zeros_like(data)


ACTIVATIONS: dict[str, ActivationFn] = {
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "softmax": softmax,
    "linear": identity,
    "step": step,
    "sign": sign,
}


def get(identifier: str | ActivationFn | None) -> ActivationFn:
    """The activation function for a name in ``ACTIVATIONS``, ``None`` ('linear') or a callable.

    Unknown names raise a ValueError that lists the valid ones, and so does ``nn.linear``, the
    affine op, which is not an activation (see the module's docstring).
    """
    if identifier is None:
        return identity
    if identifier is ops.linear:
        raise ValueError(
            "nn.linear is the affine op z = x Wᵀ + β (PyTorch's F.linear), not an "
            "activation; for no activation write activation=None or 'linear' "
            "(the function nn.activations.identity)"
        )
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in ACTIVATIONS:
        return ACTIVATIONS[identifier.lower()]
    raise ValueError(
        f"unknown activation {identifier!r}; valid names: "
        f"{', '.join(ACTIVATIONS)}, None, or a callable"
    )


def name_of(activation: ActivationFn) -> str:
    """'sigmoid', 'leaky_relu', ...: the registered name, else the callable's own name."""
    if isinstance(activation, ActivationLayer):
        return activation.activation_name
    if isinstance(activation, functools.partial):
        activation = activation.func
    for name, fn in ACTIVATIONS.items():
        if fn is activation:
            return name
    return getattr(activation, "__name__", type(activation).__name__)


# ---- layers -----------------------------------------------------------------------------------


class ActivationLayer(Module):
    """A layer with no parameters that applies an activation function to its input."""

    activation_name: str = ""

    @property
    def name(self) -> str:
        """The layer's name for ``summary()``: its activation's name."""
        return self.__dict__.get("_name") or self.activation_name

    @name.setter
    def name(self, value: str) -> None:
        self._name = value


class Sigmoid(ActivationLayer):
    """The layer form of ``sigmoid``."""

    activation_name = "sigmoid"

    def forward(self, x: Any) -> Tensor:
        return ops.sigmoid(x)


class Tanh(ActivationLayer):
    """The layer form of ``tanh``."""

    activation_name = "tanh"

    def forward(self, x: Any) -> Tensor:
        return ops.tanh(x)


class ReLU(ActivationLayer):
    """The layer form of ``relu``."""

    activation_name = "relu"

    def forward(self, x: Any) -> Tensor:
        return ops.relu(x)


class LeakyReLU(ActivationLayer):
    """The layer form of ``leaky_relu``, slope ``negative_slope`` (0.01) for z ≤ 0."""

    activation_name = "leaky_relu"

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = float(negative_slope)

    def forward(self, x: Any) -> Tensor:
        return _leaky_relu(x, negative_slope=self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Softmax(ActivationLayer):
    """The layer form of ``softmax``, along ``axis`` (the last by default)."""

    activation_name = "softmax"

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.axis = axis
        if axis != -1:
            self.activation_name = f"softmax(axis={axis})"

    def forward(self, x: Any) -> Tensor:
        return ops.softmax(x, axis=self.axis)

    def extra_repr(self) -> str:
        return "" if self.axis == -1 else f"axis={self.axis}"


class Identity(ActivationLayer):
    """The layer form of ``identity`` (Keras's 'linear'): returns its input."""

    activation_name = "linear"

    def forward(self, x: Any) -> Any:
        return x


class Step(ActivationLayer):
    """The layer form of ``step``: 1[z > threshold], zero gradient."""

    activation_name = "step"

    def __init__(self, threshold: float = 0.0) -> None:
        super().__init__()
        self.threshold = float(threshold)

    def forward(self, x: Any) -> Tensor:
        return _step(x, threshold=self.threshold)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}"


class Sign(ActivationLayer):
    """The layer form of ``sign``: -1, 0 or +1, zero gradient."""

    activation_name = "sign"

    def forward(self, x: Any) -> Tensor:
        return _sign(x)


class Activation(ActivationLayer):
    """Keras's ``Activation('relu')``: a layer for any activation given by name or callable."""

    def __init__(self, activation: str | ActivationFn | None) -> None:
        super().__init__()
        self.function = get(activation)
        self.activation_name = name_of(self.function)

    def forward(self, x: Any) -> Any:
        return self.function(x)

    def extra_repr(self) -> str:
        return repr(self.activation_name)


# identity was nn.activations.linear, the name nn.linear has for the affine op
__getattr__ = renamed_attributes(__name__, {"linear": "identity"})
