"""The one place that knows about NumPy and CuPy.

Every op asks ``xp = array_module(x)`` and then writes ``xp.exp(x)``, so one implementation
serves the CPU (NumPy) and the GPU (CuPy). CuPy is imported only when a GPU array is asked for.
"""

from __future__ import annotations

import numpy

_cupy = None  # the cupy module once imported; stays None on machines without it

CUPY_INSTALL_HINT = (
    "install CuPy with `pip install autograd-lite[gpu]` (or `pip install cupy-cuda12x`) "
    "on a machine with an NVIDIA GPU and its driver"
)


def cupy():
    """The cupy module, imported on first use; a clear RuntimeError if CuPy or a GPU is missing."""
    global _cupy
    if _cupy is None:
        try:
            import cupy as cp
        except ImportError as error:
            raise RuntimeError(f"device 'cuda' needs CuPy, which is not installed: "
                               f"{CUPY_INSTALL_HINT}") from error
        try:
            count = cp.cuda.runtime.getDeviceCount()
        except Exception as error:  # CUDA's errors do not share one base class
            raise RuntimeError(f"device 'cuda' needs a CUDA GPU, but CuPy found none ({error}); "
                               f"{CUPY_INSTALL_HINT}") from error
        if count == 0:
            raise RuntimeError(f"device 'cuda' needs a CUDA GPU, but none was found; "
                               f"{CUPY_INSTALL_HINT}")
        _cupy = cp
    return _cupy


def is_array(x) -> bool:
    """Whether ``x`` is a NumPy array, or a CuPy array when CuPy is loaded."""
    return isinstance(x, numpy.ndarray) or (_cupy is not None and isinstance(x, _cupy.ndarray))


def array_module(x):
    """``numpy`` for a NumPy array (or anything on the CPU), ``cupy`` for a CuPy array."""
    if type(x) is numpy.ndarray or _cupy is None:
        return numpy
    return _cupy if isinstance(x, _cupy.ndarray) else numpy


def device_of(array) -> str:
    """'cpu' for NumPy arrays, 'cuda:N' for CuPy arrays on GPU N."""
    if array_module(array) is numpy:
        return "cpu"
    return f"cuda:{array.device.id}"


def normalize_device(device) -> str:
    """'cpu', 'cuda' or 'cuda:N' from what a user may write (None means 'cpu')."""
    if device is None:
        return "cpu"
    name = str(device).lower()
    if name == "cpu":
        return "cpu"
    if name == "cuda":
        return "cuda:0"
    if name.startswith("cuda:") and name[5:].isdigit():
        return name
    raise ValueError(f"unknown device {device!r}: use 'cpu', 'cuda' or 'cuda:N'")


def to_device(array, device: str):
    """A copy of ``array`` on ``device`` (the same array when it is already there)."""
    device = normalize_device(device)
    if device == "cpu":
        return array if array_module(array) is numpy else _cupy.asnumpy(array)
    cp = cupy()
    with cp.cuda.Device(int(device.split(":")[1])):
        return cp.asarray(array)


def scatter_add(target, index, values) -> None:
    """``target[index] += values`` in place, adding once per occurrence of a repeated index."""
    xp = array_module(target)
    if xp is numpy:
        numpy.add.at(target, index, values)
    else:
        import cupyx

        cupyx.scatter_add(target, index, values)


def is_floating(dtype) -> bool:
    return numpy.issubdtype(dtype, numpy.floating)
