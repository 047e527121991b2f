"""The one place that knows about NumPy and CuPy.

Every op asks ``xp = array_module(x)`` and then writes ``xp.exp(x)``, so one implementation
serves the CPU (NumPy) and the GPU (CuPy).

CuPy is never imported for machines that do not use it: it is imported when a tensor is first
asked to go to a GPU, and CuPy arrays that the user made are recognised as soon as the user has
imported CuPy (a CuPy array cannot exist before that), from the first use on.

Ops run on CuPy's current device, as CuPy's own functions do: device 0 unless the code runs
under ``with cupy.cuda.Device(n):``. A tensor is therefore put on 'cuda:N' only when N is the
current device; anything else is an error that says how to make it current, rather than an op
that quietly computes on another GPU.
"""

from __future__ import annotations

import sys

import numpy

_cupy = None  # the cupy module once loaded (by us or by the user); stays None on most machines
_device_count = 0  # the GPUs CuPy sees, counted the first time one is asked for

CUPY_INSTALL_HINT = (
    "on a machine with an NVIDIA GPU and its driver, install the CuPy of its CUDA version: "
    "`pip install cupy-cuda12x` (CUDA 12) or `pip install cupy-cuda13x` (CUDA 13), or from a "
    'clone of autograd-lite `pip install -e ".[gpu]"` or `".[gpu-cuda13]"`'
)


def cupy():
    """The cupy module, for putting arrays on a GPU; a clear RuntimeError if CuPy or a GPU is
    missing."""
    global _cupy, _device_count
    if _device_count == 0:
        try:
            import cupy as cp
        except ImportError as error:
            raise RuntimeError(
                f"device 'cuda' needs CuPy, which is not installed: {CUPY_INSTALL_HINT}"
            ) from error
        try:
            count = cp.cuda.runtime.getDeviceCount()
        except Exception as error:  # CUDA's errors do not share one base class
            raise RuntimeError(
                f"device 'cuda' needs a CUDA GPU, but CuPy found none ({error}); "
                f"{CUPY_INSTALL_HINT}"
            ) from error
        if count == 0:
            raise RuntimeError(
                f"device 'cuda' needs a CUDA GPU, but none was found; {CUPY_INSTALL_HINT}"
            )
        _cupy, _device_count = cp, count
    return _cupy


def is_array(x) -> bool:
    """Whether ``x`` is a NumPy array or a CuPy array."""
    global _cupy
    if isinstance(x, numpy.ndarray):
        return True
    cp = _cupy if _cupy is not None else sys.modules.get("cupy")  # imported by anyone
    if cp is not None and isinstance(x, cp.ndarray):
        _cupy = cp
        return True
    return False


def can_write_in_place(array) -> bool:
    """Whether ``array`` owns its memory and may be written (not a view, not read-only), so
    that changing it in place changes no other array. CuPy's arrays may always be written."""
    return array.base is None and (array.__class__ is not numpy.ndarray or array.flags.writeable)


def array_module(x):
    """``numpy`` for a NumPy array (or anything on the CPU), ``cupy`` for a CuPy array."""
    global _cupy
    if type(x) is numpy.ndarray:
        return numpy
    cp = _cupy if _cupy is not None else sys.modules.get("cupy")
    if cp is not None and isinstance(x, cp.ndarray):
        _cupy = cp
        return cp
    return numpy


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
    index = _current_gpu(cp, device)
    if array_module(array) is cp:
        return array if array.device.id == index else array.copy()  # copies to the current GPU
    return cp.asarray(array)


def _current_gpu(cp, device: str) -> int:
    """The number N of 'cuda:N', checked to exist and to be CuPy's current device."""
    index = int(device[5:])
    if index >= _device_count:
        gpus = (
            "1 GPU, cuda:0"
            if _device_count == 1
            else f"{_device_count} GPUs, cuda:0 to cuda:{_device_count - 1}"
        )
        raise ValueError(f"device {device!r} does not exist: CuPy sees {gpus}")
    current = cp.cuda.Device().id
    if index != current:
        raise ValueError(
            f"device {device!r} is not CuPy's current device (cuda:{current}), where ops run: "
            f"make it current first, e.g. run this code under `with cupy.cuda.Device({index}):`"
        )
    return index


def check_index(array, index) -> None:
    """Raise IndexError when an integer array in ``index`` points outside a GPU ``array``.

    CuPy wraps such indices around silently (x[[5]] of 5 elements reads x[0]); NumPy raises,
    so NumPy arrays are left to NumPy.
    """
    if type(array) is numpy.ndarray or array_module(array) is numpy:
        return
    parts = index if isinstance(index, tuple) else (index,)
    ellipsis_axes = array.ndim - sum(_axes_indexed(part) for part in parts)
    axis = 0
    for part in parts:
        if part is Ellipsis:
            axis += ellipsis_axes
            continue
        if isinstance(part, list):
            part = numpy.asarray(part)
        if is_array(part) and part.dtype.kind in "iu" and part.size and axis < array.ndim:
            size = array.shape[axis]
            low, high = int(part.min()), int(part.max())
            if low < -size or high >= size:
                raise IndexError(
                    f"index {low if low < -size else high} is out of bounds for "
                    f"axis {axis} with size {size}"
                )
        axis += _axes_indexed(part)


def _axes_indexed(part) -> int:
    """How many axes of the array one part of an index consumes."""
    if part is None or part is Ellipsis:
        return 0
    if isinstance(part, list):
        part = numpy.asarray(part)
    return part.ndim if is_array(part) and part.dtype == bool else 1


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
