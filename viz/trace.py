"""Running a network on one example and collecting the engine's own numbers.

For every neuron j of a ``Sequential`` of ``Dense`` layers, the lecture's quantities are

    j̄ = Σ_i i·W_{i,j} + β_j,      j = s(j̄)                                   (forward)
    ∂z/∂j̄ = ∂z/∂j · s'(j̄),    ∂z/∂W_{i,j} = ∂z/∂j̄ · i,    ∂z/∂β_j = ∂z/∂j̄,
    ∂z/∂i = Σ_j ∂z/∂j̄ · W_{i,j}                                              (backward)

``trace_network`` computes none of them itself: it runs the model's forward pass inside
``record_activations()`` (the hook through which ``nn`` layers report each pass's j̄ and j
Tensors), calls ``retain_grad()`` on those Tensors, runs ``backward()`` and reads ``.data`` and
``.grad``. The drawings show these numbers, and the tests check them against the formulas above
and against finite differences.

z is the network's single output, or, when a loss is given, the loss L(z, y).
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field

import numpy

from autograd_lite import Tensor, backend
from autograd_lite.modes import enable_grad

from .names import Names, name_neurons


@dataclass
class LayerTrace:
    """The numbers of one Dense layer ℓ (ℓ = 1 for the first hidden layer), for one example.

    Arrays are float64 NumPy copies. With n = the layer's units and m = its input width:
    ``weight`` (n, m) is the lecture's W_{ℓ-1} (rows: this layer's neurons), ``bias`` (n,),
    ``pre`` j̄ (n,), ``post`` j (n,), ``grad_post`` ∂z/∂j (n,), ``grad_pre`` ∂z/∂j̄ (n,),
    ``grad_weight`` ∂z/∂W (n, m), ``grad_bias`` ∂z/∂β (n,).
    """

    index: int
    name: str
    activation: str
    has_bias: bool
    weight: numpy.ndarray
    bias: numpy.ndarray
    pre: numpy.ndarray
    post: numpy.ndarray
    grad_post: numpy.ndarray
    grad_pre: numpy.ndarray
    grad_weight: numpy.ndarray
    grad_bias: numpy.ndarray

    @property
    def units(self) -> int:
        return int(self.weight.shape[0])


@dataclass
class NetworkTrace:
    """A network's forward and backward pass on one example.

    Attributes:
        x: the input (the values of the input neurons a, b, ...).
        grad_x: ∂z/∂(each input).
        layers: one ``LayerTrace`` per Dense layer.
        names: the neurons' names (``viz.names``).
        symbol: 'z' when the output is differentiated, 'L' for a loss.
        value: the value of that z or L.
        loss_name: the loss's name, or None.
        y: the target, or None.
    """

    x: numpy.ndarray
    grad_x: numpy.ndarray
    layers: list
    names: Names
    symbol: str = "z"
    value: float = 0.0
    loss_name: str | None = None
    y: object = None
    sizes: tuple = field(default=())

    def values(self, layer: int) -> numpy.ndarray:
        """v_ℓ: the values of layer ℓ's neurons after the non-linearity (ℓ = 0: the input)."""
        return self.x if layer == 0 else self.layers[layer - 1].post

    def grads(self, layer: int) -> numpy.ndarray:
        """δ_ℓ: ∂z/∂j for the neurons j of layer ℓ."""
        return self.grad_x if layer == 0 else self.layers[layer - 1].grad_post


def dense_layers(model) -> list:
    """The Dense layers of ``model`` (a Sequential of Dense layers, or a list of them)."""
    layers = list(getattr(model, "layers", model))
    if not layers:
        raise ValueError("the model has no layers")
    for position, layer in enumerate(layers):
        missing = [
            a
            for a in ("weight", "bias", "activation_name", "record_activations")
            if not hasattr(layer, a)
        ]
        if missing:
            raise TypeError(
                f"viz draws a Sequential of Dense layers; layer {position} is a "
                f"{type(layer).__name__}, which has no {', '.join(missing)}"
            )
    return layers


def _numpy(array) -> numpy.ndarray:
    return numpy.asarray(backend.to_device(array, "cpu"), dtype=numpy.float64).copy()


def _one_example(x) -> numpy.ndarray:
    array = _numpy(x.data if isinstance(x, Tensor) else numpy.asarray(x, dtype=numpy.float64))
    if array.ndim == 2 and array.shape[0] == 1:
        array = array[0]
    if array.ndim != 1:
        raise ValueError(
            f"draw one example: x must have shape (n_inputs,) or (1, n_inputs), "
            f"got shape {array.shape}"
        )
    return array


def trace_network(model, x, y=None, loss=None) -> NetworkTrace:
    """Run ``model`` on the single example ``x`` and backpropagate from z (or from the loss).

    Args:
        model: a ``nn.Sequential`` of ``nn.Dense`` layers.
        x: one example, shape (n_inputs,) or (1, n_inputs).
        y: the target, needed with ``loss``.
        loss: None (z is the single output), a loss name for ``nn.losses.get`` such as
            'binary_crossentropy' or 'mse', or a callable ``loss(prediction, target)``.

    The model is left as it was: every parameter's ``.grad`` is restored.
    """
    layers = dense_layers(model)
    x = _one_example(x)
    if loss is not None and y is None:
        raise ValueError("a loss needs the target: pass y=...")
    parameters = [p for layer in layers for p in (layer.weight, layer.bias) if p is not None]
    saved_grads = [(p, p.grad) for p in parameters]
    try:
        with enable_grad():
            x_tensor = Tensor(x.reshape(1, -1), requires_grad=True)
            out, activations = _forward(model, layers, x_tensor)
            for p in parameters:
                p.grad = None
            root, symbol, loss_name = _differentiated(out, y, loss)
            root.backward()
        traces = [
            _layer_trace(index, layer, pre, post)
            for index, (layer, (pre, post)) in enumerate(zip(layers, activations), start=1)
        ]
        grad_x = (
            _numpy(x_tensor.grad).reshape(-1) if x_tensor.grad is not None else numpy.zeros_like(x)
        )
        sizes = (x.size,) + tuple(t.units for t in traces)
        return NetworkTrace(
            x=x,
            grad_x=grad_x,
            layers=traces,
            names=name_neurons(sizes),
            symbol=symbol,
            value=float(_numpy(root.data).reshape(-1)[0]),
            loss_name=loss_name,
            y=y,
            sizes=sizes,
        )
    finally:
        for p, grad in saved_grads:
            p.grad = grad


def _forward(model, layers, x_tensor):
    """The network's output for ``x_tensor``, and each layer's (j̄, j) Tensors of that pass,
    which will keep their gradients (``retain_grad``)."""
    with ExitStack() as stack:
        records = [stack.enter_context(layer.record_activations()) for layer in layers]
        out = model(x_tensor) if hasattr(model, "layers") else _run(layers, x_tensor)
    activations = []
    for layer, layer_records in zip(layers, records):
        if not layer_records:
            raise RuntimeError(
                f"layer {layer.name!r} did not report its activations to record_activations()"
            )
        pre, post = layer_records[-1].pre, layer_records[-1].post
        pre.retain_grad()
        post.retain_grad()
        activations.append((pre, post))
    return out, activations


def _differentiated(out, y, loss):
    """(z, 'z', None) for the network's single output, or (L, 'L', the loss's name) for the
    loss of ``out`` and ``y``: the number the backward pass starts from."""
    if loss is None:
        if out.size != 1:
            raise ValueError(
                f"the network has {out.size} outputs; z must be one number: pass "
                "loss=... and y=... to differentiate the loss instead"
            )
        return out, "z", None
    loss_fn = _loss_function(loss)
    root = loss_fn(out, _target(y))
    if root.size != 1:
        raise ValueError(f"the loss must be one number, got shape {root.shape}")
    return root, "L", getattr(loss_fn, "name", getattr(loss, "__name__", "loss"))


def _layer_trace(index: int, layer, pre, post) -> LayerTrace:
    """The numbers of one layer after the backward pass, as float64 NumPy copies."""
    weight = _numpy(layer.weight.data)
    has_bias = layer.bias is not None
    return LayerTrace(
        index=index,
        name=str(getattr(layer, "name", f"layer {index}")),
        activation=str(layer.activation_name),
        has_bias=has_bias,
        weight=weight,
        bias=_numpy(layer.bias.data) if has_bias else numpy.zeros(weight.shape[0]),
        pre=_numpy(pre.data).reshape(-1),
        post=_numpy(post.data).reshape(-1),
        grad_post=_grad(post, weight.shape[0]),
        grad_pre=_grad(pre, weight.shape[0]),
        grad_weight=(
            _numpy(layer.weight.grad) if layer.weight.grad is not None else numpy.zeros_like(weight)
        ),
        grad_bias=(
            _numpy(layer.bias.grad)
            if has_bias and layer.bias.grad is not None
            else numpy.zeros(weight.shape[0])
        ),
    )


def _run(layers, x):
    for layer in layers:
        x = layer(x)
    return x


def _grad(tensor, n: int) -> numpy.ndarray:
    if tensor.grad is None:  # no path from this tensor to z
        return numpy.zeros(n)
    return _numpy(tensor.grad).reshape(-1)


def _target(y):
    if isinstance(y, Tensor):
        return y
    array = numpy.asarray(y)
    return array.reshape(1, -1) if array.dtype.kind == "f" else array.reshape(-1)


def _loss_function(loss):
    if isinstance(loss, str):
        from nn import losses  # imported here: viz's graph drawing does not need nn

        return losses.get(loss)
    if not callable(loss):
        raise TypeError(
            f"loss must be a name or a function (prediction, target), got {type(loss).__name__}"
        )
    return loss
