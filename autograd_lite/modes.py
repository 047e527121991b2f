"""Switches that change how ops behave: gradient recording and anomaly detection."""

from __future__ import annotations

import contextlib

from . import backend


class _Modes:
    """The current settings, read by every op (plain attributes, so reading them is cheap)."""

    grad_enabled = True
    detect_anomaly = False


modes = _Modes()


def is_grad_enabled() -> bool:
    """Whether ops record the graph that ``backward()`` needs."""
    return modes.grad_enabled


class _SetMode(contextlib.ContextDecorator):
    """Set one attribute of ``modes`` inside a ``with`` block or a decorated function.

    The previous values are kept on a stack, so one decorated function may call itself.
    """

    def __init__(self, name: str, value: bool):
        self.name, self.value = name, value
        self._previous = []

    def __enter__(self):
        self._previous.append(getattr(modes, self.name))
        setattr(modes, self.name, self.value)
        return self

    def __exit__(self, *exc):
        setattr(modes, self.name, self._previous.pop())
        return False


def no_grad():
    """Context manager and decorator: ops inside record no graph (for evaluation and updates).

    >>> with no_grad():
    ...     prediction = model(x)
    """
    return _SetMode("grad_enabled", False)


def enable_grad():
    """Context manager and decorator: record the graph again inside a ``no_grad`` block."""
    return _SetMode("grad_enabled", True)


def detect_anomaly():
    """Raise RuntimeError at the first op whose forward or backward pass makes a nan or an inf.

    A context manager and decorator. The error names the op and the shapes of its inputs.
    Checking every result costs time, so use it to find the source of a nan, not in normal
    training.
    """
    return _SetMode("detect_anomaly", True)


def check_finite(array, op_name, direction, inputs) -> None:
    """Under ``detect_anomaly``: raise if a floating-point result holds a nan or an inf."""
    if array.dtype.kind != "f":
        return
    xp = backend.array_module(array)
    if not bool(xp.isfinite(array).all()):
        shapes = ", ".join(str(getattr(a, "shape", "scalar")) for a in inputs)
        raise RuntimeError(
            f"detect_anomaly: op {op_name} produced nan or inf in its {direction} pass "
            f"(input shapes: {shapes}; output shape {array.shape})"
        )
