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


class _SetGradEnabled(contextlib.ContextDecorator):
    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __enter__(self):
        self.previous = modes.grad_enabled
        modes.grad_enabled = self.enabled

    def __exit__(self, *exc):
        modes.grad_enabled = self.previous
        return False


def no_grad():
    """Context manager and decorator: ops inside record no graph (for evaluation and updates).

    >>> with no_grad():
    ...     prediction = model(x)
    """
    return _SetGradEnabled(False)


def enable_grad():
    """Context manager and decorator: record the graph again inside a ``no_grad`` block."""
    return _SetGradEnabled(True)


class detect_anomaly(contextlib.ContextDecorator):
    """Raise RuntimeError at the first op whose forward or backward pass makes a nan or an inf.

    The error names the op and the shapes of its inputs. Checking every result costs time, so
    use it to find the source of a nan, not in normal training.
    """

    def __enter__(self):
        self.previous = modes.detect_anomaly
        modes.detect_anomaly = True
        return self

    def __exit__(self, *exc):
        modes.detect_anomaly = self.previous
        return False


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
