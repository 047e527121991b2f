"""Batch normalization: PyTorch's ``BatchNorm1d`` and ``BatchNorm2d``, Keras's
``BatchNormalization``.

For each channel c, over the batch (and the image positions):

    x̂ = (x - μ_c) / √(σ²_c + ε),      y = γ_c · x̂ + β_c.

In training mode μ and σ² are the mean and the (biased) variance of the batch, and each step
moves the running statistics towards them; in evaluation mode (``model.eval()``, ``evaluate``,
``predict``) the running statistics are used instead. The two libraries differ in their
defaults and in how they update the running statistics:

- PyTorch: ε = 1e-5; running = (1 - m)·running + m·batch with momentum m = 0.1, the
  running variance taking the unbiased batch variance (n/(n-1)·σ²); ``momentum=None`` keeps a
  plain average of all batches. Parameters ``weight`` (γ) and ``bias`` (β), statistics
  ``running_mean`` and ``running_var``. Channels on axis 1: (N, C), (N, C, L), (N, C, H, W).
- Keras: ε = 1e-3; moving = m·moving + (1 - m)·batch with momentum m = 0.99, the biased
  variance. ``gamma``, ``beta``, ``moving_mean``, ``moving_variance``; channels on the last
  axis.

The statistics are Parameters that do not require a gradient: optimizers leave them alone,
``summary()`` counts them as non-trainable (as Keras does) and ``save_weights`` saves them.
"""

from __future__ import annotations

from typing import Any

import numpy

from autograd_lite import Tensor, backend, no_grad, ops

from . import init
from .inputs import as_input, cast_input, device_of
from .module import Module, Parameter


class _BatchNorm(Module):
    """Normalization over every axis but ``axis`` (see the module docstring).

    Subclasses set the names of the four arrays (``_names``: scale, shift, mean, variance),
    ``eps``, the update rule (``new_weight``: the weight of the batch's statistic in the
    update, or None for a plain average; ``unbiased``: whether the running variance takes
    n/(n-1)·σ²) and the expected numbers of dimensions.
    """

    _names = ("weight", "bias", "running_mean", "running_var")
    _dimensions: tuple[int, ...] = ()
    axis = 1
    unbiased = True
    new_weight: float | None = 0.1

    def _setup(
        self,
        features: int | None,
        eps: float,
        scale: bool,
        shift: bool,
        dtype: Any,
        initializers: tuple,
    ) -> None:
        self.eps = float(eps)
        self.scale, self.shift = bool(scale), bool(shift)
        self.dtype = numpy.dtype(dtype)
        self.initializers = tuple(init.get(i) for i in initializers)
        self.batches_seen = 0
        for name in self._names:
            setattr(self, name, None)
        if features is not None:
            self.build(int(features))

    @property
    def _lazy_parameters(self) -> tuple[str, ...]:
        scale, shift, mean, variance = self._names
        return tuple(
            name
            for name, used in (
                (scale, self.scale),
                (shift, self.shift),
                (mean, True),
                (variance, True),
            )
            if used
        )

    @property
    def num_features(self) -> int | None:
        return (
            None
            if getattr(self, self._names[2]) is None
            else int(getattr(self, self._names[2]).shape[0])
        )

    def build(self, features: int, device: str = "cpu") -> None:
        """Create γ (ones), β (zeros) and the running mean (zeros) and variance (ones)."""
        for name, make, trainable in zip(
            self._names, self.initializers, (True, True, False, False)
        ):
            if name in self._lazy_parameters:
                values = make((features,), dtype=self.dtype)
                setattr(
                    self,
                    name,
                    Parameter(backend.to_device(values, device), requires_grad=trainable),
                )

    def _lazy_shape(self, name: str) -> tuple[int | None, ...]:
        return (None,)

    def _lazy_dtype(self, name: str) -> numpy.dtype:
        return self.dtype

    def _build_from_state(self, arrays: dict[str, numpy.ndarray]) -> None:
        self.build(len(next(iter(arrays.values()))))

    def forward(self, x: Any) -> Tensor:
        x = as_input(x)
        shape = tuple(x.shape)
        if self.num_features is None and len(shape) in self._dimensions:
            self.build(int(shape[self.axis]), device_of(x))
        if len(shape) not in self._dimensions or shape[self.axis] != self.num_features:
            raise ValueError(
                f"layer {self.name!r} ({type(self).__name__}) expects inputs of "
                f"{' or '.join(str(n) for n in self._dimensions)} dimensions with "
                f"{self.num_features} features on axis {self.axis}, got shape {shape}"
            )
        x = cast_input(x, getattr(self, self._names[2]).dtype)
        axis = self.axis % len(shape)
        axes = tuple(a for a in range(len(shape)) if a != axis)
        along = tuple(-1 if a == axis else 1 for a in range(len(shape)))  # a channel vector
        scale, shift, mean_name, variance_name = self._names
        if self.training:
            if self.unbiased and x.size == shape[axis]:
                raise ValueError(
                    f"layer {self.name!r} ({type(self).__name__}) needs more than "
                    f"one value per channel in training mode, got shape {shape}"
                )
            mean = ops.mean(x, axis=axes, keepdims=True)
            centered = x - mean
            variance = ops.mean(centered * centered, axis=axes, keepdims=True)
            self._update(mean.data.reshape(-1), variance.data.reshape(-1), x.size // shape[axis])
        else:
            mean = ops.reshape(getattr(self, mean_name), along)
            centered = x - mean
            variance = ops.reshape(getattr(self, variance_name), along)
        out = centered / ops.sqrt(variance + self.eps)
        if self.scale:
            out = out * ops.reshape(getattr(self, scale), along)
        if self.shift:
            out = out + ops.reshape(getattr(self, shift), along)
        return out

    def _update(self, mean: Any, variance: Any, count: int) -> None:
        """Move the running statistics towards the batch's (in place, not recorded)."""
        self.batches_seen += 1
        weight = self.new_weight if self.new_weight is not None else 1.0 / self.batches_seen
        if self.unbiased:
            variance = variance * (count / (count - 1))
        _, _, mean_name, variance_name = self._names
        with no_grad():
            for name, batch in ((mean_name, mean), (variance_name, variance)):
                running = getattr(self, name)
                running.mul_(1.0 - weight).add_(batch.astype(running.dtype) * weight)

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}"


class BatchNorm1d(_BatchNorm):
    """PyTorch's batch normalization of (N, C) or (N, C, L) inputs, per channel C.

    Args:
        num_features: C.   eps: ε (1e-5).   momentum: m (0.1), or None for a plain average.
        affine: whether to learn γ and β.   dtype, name: as for ``Linear``.
    """

    _dimensions = (2, 3)

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        dtype: Any = numpy.float32,
        name: str | None = None,
    ) -> None:
        super().__init__()
        self.momentum = momentum
        self.new_weight = None if momentum is None else float(momentum)
        self.name = name or "batch_norm"
        self._auto_named = name is None
        self._setup(num_features, eps, affine, affine, dtype, ("ones", "zeros", "zeros", "ones"))


class BatchNorm2d(BatchNorm1d):
    """PyTorch's batch normalization of images (N, C, H, W), per channel C (over N, H, W);
    arguments as ``BatchNorm1d``."""

    _dimensions = (4,)


class BatchNormalization(_BatchNorm):
    """Keras's batch normalization, per feature on the last axis (channels last): (N, C),
    (N, H, W, C), ...

    Args:
        axis: the feature axis (-1).   momentum: m (0.99).   epsilon: ε (1e-3).
        center, scale: whether to learn β and γ.
        beta_initializer, gamma_initializer, moving_mean_initializer,
        moving_variance_initializer: as Keras's.
        input_shape: the shape of one sample (its last entry is the number of features);
            without it the layer learns it from its first batch.
        name, dtype: as for ``Dense``.
    """

    _names = ("gamma", "beta", "moving_mean", "moving_variance")
    _dimensions = (2, 3, 4, 5)
    unbiased = False

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        moving_mean_initializer: Any = "zeros",
        moving_variance_initializer: Any = "ones",
        input_shape: Any = None,
        name: str | None = None,
        dtype: Any = numpy.float32,
    ) -> None:
        super().__init__()
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.new_weight = 1.0 - self.momentum
        self.name = name or "batch_normalization"
        self._auto_named = name is None
        self.sample_shape = None if input_shape is None else tuple(int(n) for n in input_shape)
        features = (
            None
            if self.sample_shape is None
            else self.sample_shape[self.axis - 1 if self.axis > 0 else self.axis]
        )
        self._setup(
            features,
            epsilon,
            scale,
            center,
            dtype,
            (
                gamma_initializer,
                beta_initializer,
                moving_mean_initializer,
                moving_variance_initializer,
            ),
        )
