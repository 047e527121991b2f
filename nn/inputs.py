"""What layers and losses take as input, and where it lives.

A layer or a loss accepts a Tensor, a NumPy or CuPy array, or anything NumPy reads as an array
(a nested list, a number). Tensors and arrays pass as they are, so an array input stays on its
device and is never copied; anything else becomes a Tensor.
"""

from __future__ import annotations

from typing import Any

from autograd_lite import Tensor, backend


def as_input(x: Any) -> Any:
    """Tensors and arrays as they are; lists and numbers as Tensors."""
    if isinstance(x, Tensor) or backend.is_array(x):
        return x
    return Tensor(x)


def device_of(x: Any) -> str:
    """The device of a Tensor or an array: 'cpu' or 'cuda:N'."""
    return x.device if isinstance(x, Tensor) else backend.device_of(x)


def on_device(array: Any, device: str) -> Any:
    """A NumPy array made by nn (a dropout mask, converted labels) on ``device``."""
    return array if device == "cpu" else backend.to_device(array, device)


def cast_input(x: Any, dtype: Any) -> Any:
    """``x`` (a Tensor or an array of numbers) as ``dtype``; other kinds are left as they are.

    A layer casts its input to its parameters' dtype, as Keras does (see ``nn.layers``). An
    input Tensor that needs a gradient is cast by the differentiable ``astype``, so that its
    gradient comes back in its own dtype.
    """
    if x.dtype == dtype or x.dtype.kind not in "biuf":
        return x
    if isinstance(x, Tensor) and not x.requires_grad:
        x = x.data
    return x.astype(dtype)  # for a Tensor, the differentiable ops.astype
