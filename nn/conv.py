"""Convolutional and pooling layers, in PyTorch's layout and in Keras's.

PyTorch's ``Conv2d``, ``MaxPool2d`` and ``AvgPool2d`` take images (N, C, H, W); Keras's
``Conv2D``, ``MaxPooling2D`` and ``AveragePooling2D`` take (N, H, W, C) ("channels last"), so a
Keras CNN runs with only its import changed:

    model = Sequential()
    model.add(Conv2D(8, (5, 5), activation='relu', input_shape=(28, 28, 1)))
    model.add(MaxPooling2D((2, 2)))
    model.add(Flatten())
    model.add(Dense(10, activation='softmax'))

Both store the kernel as PyTorch does, ``weight`` of shape (out_channels, in_channels/groups,
kh, kw) (Keras's ``kernel`` is the same numbers as (kh, kw, in, out)), and compute with the ops
``autograd_lite.conv2d``, ``max_pool2d`` and ``avg_pool2d``; a Keras layer transposes its
input to NCHW and its output back, which moves no data (transposes are views).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy

from autograd_lite import Tensor, avg_pool2d, backend, conv2d, max_pool2d, ops
from autograd_lite.random import default_generator

from . import activations, init
from .inputs import as_input, cast_input, device_of
from .module import Module, Parameter

_LAYOUTS = ("channels_last", "channels_first")


def _pair(value: int | Sequence[int], name: str) -> tuple[int, int]:
    pair = (value, value) if isinstance(value, (int, numpy.integer)) else tuple(value)
    if len(pair) != 2:
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    return int(pair[0]), int(pair[1])


class _Convolution(Module):
    """What ``Conv2d`` and ``Conv2D`` share: the kernel (out, in/groups, kh, kw), the bias
    (out,), the check of the input's channels, and the convolution of NCHW images."""

    weight: Parameter | None
    bias: Parameter | None
    name: str
    out_channels: int
    kernel_size: tuple[int, int]
    groups: int

    @property
    def in_channels(self) -> int | None:
        """The number of input channels (None until a lazy layer has seen its first batch)."""
        return None if self.weight is None else int(self.weight.shape[1]) * self.groups

    def _settings(self, out_channels, kernel_size, stride, padding, dilation, groups) -> None:
        self.out_channels = int(out_channels)
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.stride = _pair(stride, "stride")
        self.padding = padding if isinstance(padding, str) else _pair(padding, "padding")
        self.dilation = _pair(dilation, "dilation")
        self.groups = int(groups)
        if self.out_channels < 1 or self.groups < 1 or self.out_channels % self.groups:
            raise ValueError(
                f"{type(self).__name__} needs a positive number of output channels "
                f"divisible by groups, got {out_channels} and groups={groups}"
            )

    def _make_parameters(self, weight: Any, bias: Any, device: str = "cpu") -> None:
        self.weight = Parameter(backend.to_device(weight, device))
        self.bias = None if bias is None else Parameter(backend.to_device(bias, device))

    def _kernel_shape(self, in_channels: int) -> tuple[int, ...]:
        if in_channels % self.groups:
            raise ValueError(
                f"layer {self.name!r}: {in_channels} input channels cannot be split "
                f"into groups={self.groups}"
            )
        return (self.out_channels, in_channels // self.groups) + self.kernel_size

    def _wrong_channels(
        self, shape: tuple, channel_axis: int, layout: str, other: str
    ) -> ValueError:
        got = shape[channel_axis] if len(shape) >= 3 else None
        message = (
            f"layer {self.name!r} ({type(self).__name__}) expects images {layout} with "
            f"{self.in_channels} channels (its weight has shape "
            f"{tuple(self.weight.shape)}), got input of shape {shape}"
        )
        if got is not None and got != self.in_channels:
            message += f", whose channel axis has {got}"
            if shape[-1 if channel_axis == -3 else -3] == self.in_channels:
                message += f": is it {other} data? {self._layout_hint}"
        return ValueError(message)

    _layout_hint = ""

    def _convolve(self, x: Any) -> Tensor:
        """conv2d of NCHW images (in the kernel's dtype) with this layer's kernel and
        settings."""
        return conv2d(
            cast_input(x, self.weight.dtype),
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            self.dilation,
            self.groups,
        )


class Conv2d(_Convolution):
    """PyTorch's 2-D convolution of images (N, C, H, W) or (C, H, W):

        out[n, o] = β_o + Σ_c w[o, c] ⋆ x[n, c]       (⋆: cross-correlation; see conv2d)

    Args:
        in_channels, out_channels: C and O.
        kernel_size, stride, padding, dilation: an int or a pair (along H, along W); padding
            may also be 'valid' or 'same'.
        groups: channels in groups, each convolved with its own kernels.
        bias: whether to add β.
        weight_initializer, bias_initializer: names or callables from ``nn.init``; by default
            PyTorch's U(-1/√fan_in, 1/√fan_in), fan_in = C/groups·kh·kw, for both.
        generator, dtype, name: as for ``Linear``.
    """

    _layout_hint = (
        "Conv2d takes (N, C, H, W): transpose channels-last images with "
        "x.transpose(0, 3, 1, 2), or use the Keras layer Conv2D"
    )

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: int | Sequence[int] | str = 0,
        dilation: int | Sequence[int] = 1,
        groups: int = 1,
        bias: bool = True,
        weight_initializer: str | init.Initializer | None = None,
        bias_initializer: str | init.Initializer | None = None,
        generator: numpy.random.Generator | None = None,
        dtype: Any = numpy.float32,
        name: str | None = None,
    ) -> None:
        super().__init__()
        self.name = name or "conv2d"
        self._auto_named = name is None
        self._settings(out_channels, kernel_size, stride, padding, dilation, groups)
        weight, b = init.pytorch_layer(
            self._kernel_shape(int(in_channels)),
            bias,
            weight_initializer,
            bias_initializer,
            generator,
            dtype,
        )
        self.weight: Parameter | None = None
        self.bias: Parameter | None = None
        self._make_parameters(weight, b)

    def forward(self, x: Any) -> Tensor:
        x = as_input(x)
        shape = tuple(x.shape)
        if len(shape) not in (3, 4) or shape[-3] != self.in_channels:
            raise self._wrong_channels(shape, -3, "(N, C, H, W)", "channels-last (N, H, W, C)")
        return self._convolve(x)

    def extra_repr(self) -> str:
        return (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, padding={self.padding}, dilation={self.dilation}, "
            f"groups={self.groups}, bias={self.bias is not None}"
        )


class Conv2D(_Convolution):
    """Keras's 2-D convolution of images (N, H, W, C), followed by its activation.

    Args:
        filters: the number of output channels.
        kernel_size, strides, dilation_rate: an int or a pair (along H, along W).
        padding: 'valid' (none) or 'same' (an output of ⌈H/stride⌉ rows, as Keras).
        activation: by name ('relu', ...), a callable, or None.
        input_shape: (H, W, C) of one image; without it the layer learns C from its first
            batch (``summary()`` then shows shapes once the model has seen data).
        data_format: 'channels_last' (Keras's default: (N, H, W, C)) or 'channels_first'.
        groups, use_bias, kernel_initializer ('glorot_uniform'), bias_initializer ('zeros'),
        name, generator, dtype: as Keras's and ``Dense``'s.

    ``weight`` has PyTorch's shape (filters, C/groups, kh, kw); Keras's kernel is its
    transpose (kh, kw, C/groups, filters).
    """

    _layout_hint = (
        "Conv2D takes channels-last images (N, H, W, C), as Keras; transpose "
        "NCHW images with x.transpose(0, 2, 3, 1), or use nn.Conv2d"
    )

    def __init__(
        self,
        filters: int,
        kernel_size: int | Sequence[int],
        strides: int | Sequence[int] = (1, 1),
        padding: str = "valid",
        activation: str | activations.ActivationFn | None = None,
        input_shape: Sequence[int] | None = None,
        data_format: str = "channels_last",
        dilation_rate: int | Sequence[int] = (1, 1),
        groups: int = 1,
        use_bias: bool = True,
        kernel_initializer: str | init.Initializer = "glorot_uniform",
        bias_initializer: str | init.Initializer = "zeros",
        name: str | None = None,
        generator: numpy.random.Generator | None = None,
        dtype: Any = numpy.float32,
    ) -> None:
        super().__init__()
        if padding not in ("valid", "same"):
            raise ValueError(f"Conv2D: padding must be 'valid' or 'same', got {padding!r}")
        if data_format not in _LAYOUTS:
            raise ValueError(f"Conv2D: data_format must be one of {_LAYOUTS}, got {data_format!r}")
        self.name = name or "conv2d"
        self._auto_named = name is None
        self._settings(filters, kernel_size, strides, padding, dilation_rate, groups)
        self.filters = self.out_channels
        self.activation = activations.get(activation)
        self.activation_name = activations.name_of(self.activation)
        self.data_format = data_format
        self.use_bias = bool(use_bias)
        self.kernel_initializer = init.get(kernel_initializer)
        self.bias_initializer = init.get(bias_initializer)
        self.generator = generator
        self.dtype = numpy.dtype(dtype)
        self.weight: Parameter | None = None
        self.bias: Parameter | None = None
        self.sample_shape = None if input_shape is None else tuple(int(n) for n in input_shape)
        if self.sample_shape is not None:
            if len(self.sample_shape) != 3:
                raise ValueError(
                    f"Conv2D: input_shape is the shape of one image, (H, W, C), got {input_shape!r}"
                )
            self.build(self.sample_shape[self._channel_axis])

    @property
    def _channel_axis(self) -> int:
        return -1 if self.data_format == "channels_last" else -3

    @property
    def _lazy_parameters(self) -> tuple[str, ...]:
        return ("weight", "bias") if self.use_bias else ("weight",)

    def build(self, in_channels: int, device: str = "cpu") -> None:
        """Create the kernel (filters, C/groups, kh, kw) and the bias (filters,)."""
        rng = self.generator if self.generator is not None else default_generator()
        weight = self.kernel_initializer(
            self._kernel_shape(in_channels), generator=rng, dtype=self.dtype
        )
        bias = (
            self.bias_initializer((self.out_channels,), generator=rng, dtype=self.dtype)
            if self.use_bias
            else None
        )
        self._make_parameters(weight, bias, device)

    def _lazy_shape(self, name: str) -> tuple[int | None, ...]:
        return (
            (self.out_channels, None) + self.kernel_size
            if name == "weight"
            else (self.out_channels,)
        )

    def _lazy_dtype(self, name: str) -> numpy.dtype:
        return self.dtype

    def _build_from_state(self, arrays: dict[str, numpy.ndarray]) -> None:
        bias = arrays.get("bias") if self.use_bias else None
        self._make_parameters(
            numpy.array(arrays["weight"], dtype=self.dtype),
            None if bias is None else numpy.array(bias, dtype=self.dtype),
        )

    def forward(self, x: Any) -> Any:
        x = as_input(x)
        shape = tuple(x.shape)
        if self.weight is None and len(shape) == 4:
            self.build(int(shape[self._channel_axis]), device_of(x))
        layout = "(N, H, W, C)" if self.data_format == "channels_last" else "(N, C, H, W)"
        if len(shape) != 4 or shape[self._channel_axis] != self.in_channels:
            if self.weight is None:
                raise ValueError(
                    f"layer {self.name!r} (Conv2D) expects images {layout}, got "
                    f"input of shape {shape}"
                )
            other = (
                "channels-first (N, C, H, W)"
                if self.data_format == "channels_last"
                else "channels-last (N, H, W, C)"
            )
            raise self._wrong_channels(shape, self._channel_axis, layout, other)
        if self.data_format == "channels_first":
            pre = self._convolve(x)
        else:
            pre = ops.transpose(self._convolve(ops.transpose(x, (0, 3, 1, 2))), (0, 2, 3, 1))
        post = self.activation(pre)
        if self._activation_records:
            self._report_activations(pre, post)
        return post

    def extra_repr(self) -> str:
        return (
            f"filters={self.filters}, kernel_size={self.kernel_size}, strides={self.stride}, "
            f"padding={self.padding!r}, activation={self.activation_name!r}, "
            f"name={self.name!r}"
        )


# ---- pooling ------------------------------------------------------------------------------------


class _Pooling(Module):
    """A pooling op applied to NCHW images, or to (N, H, W, C) images through two views."""

    channels_last = False

    def _pool(self, x: Tensor) -> Tensor:
        raise NotImplementedError

    def forward(self, x: Any) -> Tensor:
        x = as_input(x)
        shape = tuple(x.shape)
        if len(shape) != 4 and not (len(shape) == 3 and not self.channels_last):
            layout = "(N, H, W, C)" if self.channels_last else "(N, C, H, W) or (C, H, W)"
            raise ValueError(
                f"layer {self.name!r} ({type(self).__name__}) expects images "
                f"{layout}, got input of shape {shape}"
            )
        if not self.channels_last:
            return self._pool(x)
        return ops.transpose(self._pool(ops.transpose(x, (0, 3, 1, 2))), (0, 2, 3, 1))


class MaxPool2d(_Pooling):
    """PyTorch's max pooling of images (N, C, H, W): the largest value of each window."""

    def __init__(
        self,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] | None = None,
        padding: int | Sequence[int] = 0,
        dilation: int | Sequence[int] = 1,
        name: str | None = None,
    ) -> None:
        super().__init__()
        self.kernel_size, self.stride, self.padding, self.dilation = (
            kernel_size,
            stride,
            padding,
            dilation,
        )
        self.name = name or "max_pool2d"
        self._auto_named = name is None

    def _pool(self, x: Tensor) -> Tensor:
        return max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(_Pooling):
    """PyTorch's average pooling of images (N, C, H, W): the mean of each window."""

    def __init__(
        self,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] | None = None,
        padding: int | Sequence[int] = 0,
        count_include_pad: bool = True,
        name: str | None = None,
    ) -> None:
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.count_include_pad = bool(count_include_pad)
        self.name = name or "avg_pool2d"
        self._auto_named = name is None

    def _pool(self, x: Tensor) -> Tensor:
        return avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _KerasPooling(_Pooling):
    """Keras's pooling layers: pool_size, strides (default: pool_size), padding 'valid' or
    'same', data_format."""

    def __init__(
        self,
        pool_size: int | Sequence[int] = (2, 2),
        strides: int | Sequence[int] | None = None,
        padding: str = "valid",
        data_format: str = "channels_last",
        name: str | None = None,
    ) -> None:
        super().__init__()
        if padding not in ("valid", "same"):
            raise ValueError(
                f"{type(self).__name__}: padding must be 'valid' or 'same', got {padding!r}"
            )
        if data_format not in _LAYOUTS:
            raise ValueError(
                f"{type(self).__name__}: data_format must be one of {_LAYOUTS}, got {data_format!r}"
            )
        self.pool_size = _pair(pool_size, "pool_size")
        self.strides = self.pool_size if strides is None else _pair(strides, "strides")
        self.padding = padding
        self.data_format = data_format
        self.channels_last = data_format == "channels_last"
        self.name = name or self._default_name
        self._auto_named = name is None

    _default_name = "pooling"

    def extra_repr(self) -> str:
        return f"pool_size={self.pool_size}, strides={self.strides}, padding={self.padding!r}"


class MaxPooling2D(_KerasPooling):
    """Keras's max pooling of images (N, H, W, C): the largest value of each window."""

    _default_name = "max_pooling2d"

    def _pool(self, x: Tensor) -> Tensor:
        return max_pool2d(x, self.pool_size, self.strides, self.padding)


class AveragePooling2D(_KerasPooling):
    """Keras's average pooling of images (N, H, W, C); with padding='same', the windows at the
    border average the pixels inside the image only, as Keras does."""

    _default_name = "average_pooling2d"

    def _pool(self, x: Tensor) -> Tensor:
        return avg_pool2d(x, self.pool_size, self.strides, self.padding, count_include_pad=False)
