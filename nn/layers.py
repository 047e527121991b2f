"""Layers: ``Linear`` (PyTorch), ``Dense`` (Keras), ``Dropout``, ``Flatten`` and ``Sequential``.

Every weight matrix is stored as (out, in), as in the lecture (W_H ∈ R^{N_H×N_I}, so that
z_H = W_H x + β_H for one column x) and in PyTorch. A batch holds one sample per row, so a layer
computes, for x of shape (N, N_I),

    z = x Wᵀ + β          (N×N_H),  one fused op (``autograd_lite.linear``).

Keras stores the same numbers transposed: its ``kernel`` has shape (N_I, N_H) and it computes
x · kernel + bias. So ``Dense(...).weight`` here is Keras's ``kernel.T``.

Input dtypes. ``Linear`` and ``Dense`` cast a floating, integer or boolean input to their
parameters' dtype (float32 unless chosen otherwise), as Keras casts a layer's inputs to its
compute dtype: a float64 or int64 batch gives float32 outputs, instead of silently making the
whole step float64 (about twice as slow). An input Tensor that needs a gradient is cast by a
differentiable op, and its gradient comes back in its own dtype. (PyTorch refuses such inputs.)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy

from autograd_lite import Tensor, backend, linear, ops
from autograd_lite.deprecation import warn_renamed
from autograd_lite.random import default_generator

from . import activations, init
from .inputs import as_input, cast_input, device_of, on_device
from .module import LayerActivations, Module, Parameter


def example_input(layer: Module) -> Any:
    """A batch of one sample of zeros shaped like ``layer``'s input, on its parameters' device
    and in their dtype, when the layer knows that shape before seeing data: from its
    ``sample_shape`` (a Keras ``input_shape``), or (in_features,) for a built fully connected
    layer. None otherwise."""
    shape = getattr(layer, "sample_shape", None)
    if shape is None:
        width = getattr(layer, "in_features", None)
        if width is None:
            return None
        shape = (width,)
    parameter = next(iter(layer.parameters()), None)
    if parameter is None:
        return numpy.zeros((1,) + tuple(shape), dtype=numpy.float32)
    xp = backend.array_module(parameter.data)
    return xp.zeros((1,) + tuple(shape), dtype=parameter.dtype)


def output_sample(layer: Module, sample: Any = None) -> Any:
    """The output array of ``layer`` for ``sample`` (a batch of one sample, the previous
    layer's output), or for the zeros of ``example_input`` when ``sample`` is None; None when
    the input's shape is not known. Run in evaluation mode without a graph; it builds a lazy
    layer."""
    if sample is None:
        sample = example_input(layer)
        if sample is None:
            return None
    with layer.evaluating():
        out = layer(sample)
    return out.data if isinstance(out, Tensor) else out


class _LastActivations:
    """Where ``Dense.keep_activations = True`` (deprecated) keeps the j̄ and j of the layer's
    last forward pass: a list of records for ``_report_activations`` that keeps only the last."""

    def __init__(self) -> None:
        self.pre: Tensor | None = None
        self.post: Tensor | None = None

    def append(self, record: LayerActivations) -> None:
        self.pre, self.post = record.pre, record.post


class _KeptActivations:
    """``keep_activations``, ``pre_activation`` and ``output``: what ``Dense`` offered for
    drawings before ``Module.record_activations``, which replaces them. They still work, and
    warn (DeprecationWarning)."""

    def _warn_deprecated(self, attribute: str) -> None:
        warn_renamed(
            f"{type(self).__name__}.{attribute}", "Module.record_activations()", stacklevel=4
        )  # the line that used the attribute

    def _last_activations(self: Module) -> _LastActivations:
        kept = self.__dict__.get("_kept_activations")
        if kept is None:
            kept = self._kept_activations = _LastActivations()
        return kept

    @property
    def keep_activations(self: Module) -> bool:
        """Whether each forward pass keeps j̄ and j in ``pre_activation`` and ``output``."""
        self._warn_deprecated("keep_activations")
        kept = self.__dict__.get("_kept_activations")
        return any(records is kept for records in self._activation_records)

    @keep_activations.setter
    def keep_activations(self: Module, keep: bool) -> None:
        self._warn_deprecated("keep_activations")
        kept = self._last_activations()
        others = tuple(records for records in self._activation_records if records is not kept)
        self._set_activation_records(others + (kept,) if keep else others)

    @property
    def pre_activation(self: Module) -> Tensor | None:
        """j̄ of the last forward pass made with ``keep_activations`` on."""
        self._warn_deprecated("pre_activation")
        return self._last_activations().pre

    @pre_activation.setter
    def pre_activation(self: Module, value: Tensor | None) -> None:
        self._warn_deprecated("pre_activation")
        self._last_activations().pre = value

    @property
    def output(self: Module) -> Tensor | None:
        """j of the last forward pass made with ``keep_activations`` on."""
        self._warn_deprecated("output")
        return self._last_activations().post

    @output.setter
    def output(self: Module, value: Tensor | None) -> None:
        self._warn_deprecated("output")
        self._last_activations().post = value


class _FullyConnected(Module):
    """What ``Linear`` and ``Dense`` share: the weight (out, in), the bias (out,), the check of
    the input width and the affine map z = x Wᵀ + β."""

    weight: Parameter | None
    bias: Parameter | None
    name: str

    @property
    def in_features(self) -> int | None:
        """N_I, the input width (None until a lazy layer has seen its first batch)."""
        return None if self.weight is None else int(self.weight.shape[1])

    def _wrong_width(self, x: Any) -> ValueError:
        shape = tuple(x.shape)
        got = shape[-1] if shape else "a scalar"
        return ValueError(
            f"layer {self.name!r} ({type(self).__name__}) expects inputs with "
            f"{self.in_features} features (its weight has shape {tuple(self.weight.shape)}), "
            f"got {got} features (input shape {shape})"
        )

    def _affine(self, x: Any) -> Tensor:
        """z = x Wᵀ + β, after checking that x has N_I columns and casting it to W's dtype."""
        x = as_input(x)
        shape = x.shape
        if not shape or shape[-1] != self.weight.shape[1]:
            raise self._wrong_width(x)
        return linear(cast_input(x, self.weight.dtype), self.weight, self.bias)

    def _make_parameters(
        self, weight: numpy.ndarray, bias: numpy.ndarray | None, device: str
    ) -> None:
        self.weight = Parameter(backend.to_device(weight, device))
        self.bias = None if bias is None else Parameter(backend.to_device(bias, device))


class Linear(_FullyConnected):
    """PyTorch's fully-connected layer: z = x Wᵀ + β, with W of shape (out, in).

    Args:
        in_features: N_I, the input width.
        out_features: N_H, the number of units.
        bias: whether to add the bias β.
        weight_initializer, bias_initializer: names or callables from ``nn.init``; by default
            PyTorch's U(-1/√N_I, 1/√N_I) for both.
        generator: the NumPy generator to draw from (default: ``autograd_lite``'s).
        dtype: the parameters' dtype (float32, as in PyTorch); inputs are cast to it (see the
            module docstring).
        name: a name for ``summary()`` and error messages.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        weight_initializer: str | init.Initializer | None = None,
        bias_initializer: str | init.Initializer | None = None,
        generator: numpy.random.Generator | None = None,
        dtype: Any = numpy.float32,
        name: str | None = None,
    ) -> None:
        super().__init__()
        self.out_features = int(out_features)
        self.name = name or "linear"
        self._auto_named = name is None
        weight, b = init.pytorch_layer(
            (self.out_features, int(in_features)),
            bias,
            weight_initializer,
            bias_initializer,
            generator,
            dtype,
        )
        self.weight: Parameter | None = None
        self.bias: Parameter | None = None
        self._make_parameters(weight, b, "cpu")

    def forward(self, x: Any) -> Tensor:
        """z = x Wᵀ + β for x of shape (..., in_features)."""
        return self._affine(x)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Dense(_FullyConnected, _KeptActivations):
    """Keras's fully-connected layer: j = s(j̄) with j̄ = x Wᵀ + β, for every unit j.

    The weight is stored as (units, in), the lecture's W_H ∈ R^{N_H×N_I} (Keras's kernel is
    its transpose). The input width N_I comes from ``input_shape``, from the layer before it
    in a ``Sequential`` whose input shape is known (the weights are then made by ``add``, as in
    Keras), or else from the first batch the layer sees (the weights are made then, on that
    batch's device).

    Args:
        units: N_H, the number of units.
        activation: s, by name ('sigmoid', 'relu', ... see ``nn.activations``), as a callable,
            or None for none ('linear').
        input_shape: the shape of one sample, e.g. ``(N_I,)``; its last entry is N_I.
        name: the layer's name, shown by ``summary()``; by default 'dense', made unique within
            a ``Sequential``.
        kernel_initializer, bias_initializer: names or callables from ``nn.init``.
        use_bias: whether to add β.
        generator: the NumPy generator to draw from (default: ``autograd_lite``'s).
        dtype: the parameters' dtype (float32, as in Keras); inputs are cast to it, as in
            Keras.

    Attributes (for drawings such as ``viz``):
        weight: W, shape (units, in); None until built.   bias: β, shape (units,).
        activation: the function s.   activation_name: its name, e.g. 'sigmoid'.
        units, name, in_features.

    Each forward pass reports j̄ = x Wᵀ + β and j = s(j̄) to ``Module.record_activations``
    (``keep_activations``, ``pre_activation`` and ``output``, which did this before, are
    deprecated).
    """

    def __init__(
        self,
        units: int,
        activation: str | activations.ActivationFn | None = None,
        input_shape: int | Sequence[int] | None = None,
        name: str | None = None,
        kernel_initializer: str | init.Initializer = "glorot_uniform",
        bias_initializer: str | init.Initializer = "zeros",
        use_bias: bool = True,
        generator: numpy.random.Generator | None = None,
        dtype: Any = numpy.float32,
    ) -> None:
        super().__init__()
        if int(units) < 1:
            raise ValueError(f"Dense needs at least one unit, got units={units}")
        self.weight: Parameter | None = None
        self.bias: Parameter | None = None
        self.units = int(units)
        self.activation = activations.get(activation)
        self.activation_name = activations.name_of(self.activation)
        self.name = name or "dense"
        self._auto_named = name is None
        self.kernel_initializer = init.get(kernel_initializer)
        self.bias_initializer = init.get(bias_initializer)
        self.use_bias = bool(use_bias)
        self.generator = generator
        self.dtype = numpy.dtype(dtype)
        if input_shape is not None:
            width = input_shape if isinstance(input_shape, int) else tuple(input_shape)[-1]
            self.build(int(width))

    @property
    def _lazy_parameters(self) -> tuple[str, ...]:
        return ("weight", "bias") if self.use_bias else ("weight",)

    def build(self, in_features: int, device: str = "cpu") -> None:
        """Create W (units, in_features) and β (units,) with the layer's initializers."""
        rng = self.generator if self.generator is not None else default_generator()
        weight = self.kernel_initializer((self.units, in_features), generator=rng, dtype=self.dtype)
        bias = None
        if self.use_bias:
            bias = self.bias_initializer((self.units,), generator=rng, dtype=self.dtype)
        self._make_parameters(weight, bias, device)

    def _lazy_shape(self, name: str) -> tuple[int | None, ...]:
        return (self.units, None) if name == "weight" else (self.units,)

    def _lazy_dtype(self, name: str) -> numpy.dtype:
        return self.dtype

    def _build_from_state(self, arrays: dict[str, numpy.ndarray]) -> None:
        bias = arrays.get("bias") if self.use_bias else None
        self._make_parameters(
            numpy.array(arrays["weight"], dtype=self.dtype),
            None if bias is None else numpy.array(bias, dtype=self.dtype),
            "cpu",
        )

    def _pre_activation(self, x: Any) -> Tensor:
        if self.weight is None:
            x = as_input(x)
            if not x.shape:
                raise ValueError(
                    f"layer {self.name!r} (Dense) needs inputs with a feature axis, got a scalar"
                )
            self.build(int(x.shape[-1]), device_of(x))
        return self._affine(x)

    def forward(self, x: Any) -> Any:
        """j = s(x Wᵀ + β) for x of shape (..., in_features)."""
        pre = self._pre_activation(x)
        post = self.activation(pre)
        if self._activation_records:
            self._report_activations(pre, post)
        return post

    def forward_logits(self, x: Any) -> Tensor:
        """j̄ = x Wᵀ + β, the values before the activation (``fit`` uses it to fuse a softmax
        or sigmoid output with its cross-entropy)."""
        pre = self._pre_activation(x)
        if self._activation_records:
            self._report_activations(pre, self.activation(pre))
        return pre

    def extra_repr(self) -> str:
        return (
            f"units={self.units}, activation={self.activation_name!r}, "
            f"in_features={self.in_features}, name={self.name!r}"
        )


class Dropout(Module):
    """Inverted dropout: in training, each entry is zeroed with probability ``rate`` and the
    survivors are scaled by 1/(1 - rate), so that the expected output equals the input:

        y = x · m / (1 - rate),   m_i ~ Bernoulli(1 - rate)       ∂y/∂x = m / (1 - rate)

    In evaluation mode (``model.eval()``, and in ``evaluate``/``predict``) it returns x.
    """

    def __init__(
        self, rate: float, generator: numpy.random.Generator | None = None, name: str | None = None
    ) -> None:
        super().__init__()
        if not 0.0 <= float(rate) < 1.0:
            raise ValueError(f"Dropout needs 0 <= rate < 1, got {rate}")
        self.rate = float(rate)
        self.generator = generator
        self.name = name or "dropout"
        self._auto_named = name is None

    def forward(self, x: Any) -> Any:
        if not self.training or self.rate == 0.0:
            return x
        x = as_input(x)
        rng = self.generator if self.generator is not None else default_generator()
        mask = (rng.random(x.shape, dtype=numpy.float32) >= self.rate).astype(x.dtype)
        mask *= 1.0 / (1.0 - self.rate)
        return ops.mul(x, on_device(mask, device_of(x)))

    def extra_repr(self) -> str:
        return f"rate={self.rate}"


class Flatten(Module):
    """Each sample flattened to one row: shape (N, d1, d2, ...) becomes (N, d1·d2·...)."""

    def __init__(self, name: str | None = None) -> None:
        super().__init__()
        self.name = name or "flatten"
        self._auto_named = name is None

    def forward(self, x: Any) -> Tensor:
        x = as_input(x)
        return ops.reshape(x, (x.shape[0], -1))


class Sequential(Module):
    """Layers applied one after the other: ``Sequential([l1, l2])``, ``Sequential(l1, l2)``,
    or ``Sequential()`` followed by ``.add(l1)``, ``.add(l2)``.

    Layers are kept in the list ``.layers``; their parameters are named ``layers.0.weight``,
    ``layers.0.bias``, ``layers.1.weight``, ... Layers left unnamed get unique names within
    the model ('dense', 'dense_1', ...); two layers given the same name raise a ValueError.
    """

    def __init__(self, *layers: Module | Sequence[Module], name: str | None = None) -> None:
        super().__init__()
        self.layers: list[Module] = []
        self.name = name or "sequential"
        self._auto_named = name is None
        self._sample: Any = None  # one output sample of the layers so far, once its shape is known
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        for layer in layers:
            self.add(layer)

    def add(self, layer: Module) -> None:
        """Append ``layer`` (a Module) to the model."""
        if not isinstance(layer, Module):
            raise TypeError(
                f"Sequential.add needs a layer (an nn.Module), got {type(layer).__name__}"
            )
        taken = {getattr(other, "name", None) for other in self.layers}
        name = getattr(layer, "name", None)
        if name is not None and name in taken:
            if not getattr(layer, "_auto_named", False):
                raise ValueError(
                    f"this Sequential already has a layer named {name!r}; "
                    "layer names must be unique"
                )
            base, n = name, 1
            while f"{base}_{n}" in taken:
                n += 1
            layer.name = f"{base}_{n}"
        self.layers.append(layer)
        # Building lazy layers as soon as they are added, as Keras does once the input shape is
        # known: the weights exist right away, in the order of the layers.
        self._sample = output_sample(layer, getattr(self, "_sample", None))

    def forward(self, x: Any) -> Any:
        for layer in self.layers:
            x = layer(x)
        return x

    @property
    def output_activation(self) -> str | None:
        """The name of the last layer's activation ('softmax', 'sigmoid', ...), if it has one."""
        if not self.layers:
            return None
        last = self.layers[-1]
        if isinstance(last, Sequential):
            return last.output_activation
        return getattr(last, "activation_name", None)

    def forward_logits(self, x: Any) -> Tensor:
        """The model's output before its final activation (see ``output_activation``)."""
        if not self.layers:
            raise ValueError("an empty Sequential has no output")
        for layer in self.layers[:-1]:
            x = layer(x)
        last = self.layers[-1]
        if isinstance(last, activations.ActivationLayer):
            return as_input(x)
        return last.forward_logits(x)

    def to(self, device: str) -> Sequential:
        """Move every parameter to ``device``, in place; returns self."""
        super().to(device)
        if self._sample is not None:
            self._sample = backend.to_device(self._sample, backend.normalize_device(device))
        return self

    def __getitem__(self, index: int) -> Module:
        return self.layers[index]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.layers)
