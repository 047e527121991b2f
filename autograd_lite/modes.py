"""Switches that change how ops behave: gradient recording and anomaly detection.

Each switch belongs to one thread, as in PyTorch: a ``no_grad()`` block in one thread leaves
every other thread recording. Every op reads the switches, so the common case is kept cheap:
``switched`` counts, for the whole process, the threads that have moved a switch away from its
default; while a count is 0 an op needs no thread-local lookup at all.
"""

from __future__ import annotations

import contextlib
import threading

from . import backend

_DEFAULTS = {"grad_enabled": True, "detect_anomaly": False}


class _ThreadModes(threading.local):
    """The calling thread's settings (each thread starts from the defaults)."""

    grad_enabled = True
    detect_anomaly = False
    transform_depth = 0  # how many grad/vjp transformations are running f in this thread


class _Switched:
    """How many threads have each switch away from its default (plain attributes: cheap)."""

    grad_enabled = 0
    detect_anomaly = 0


thread_modes = _ThreadModes()
switched = _Switched()
_count_lock = threading.Lock()


def is_grad_enabled() -> bool:
    """Whether ops in this thread record the graph that ``backward()`` needs."""
    return not switched.grad_enabled or thread_modes.grad_enabled


def is_anomaly_enabled() -> bool:
    """Whether ``detect_anomaly`` is on in this thread."""
    return bool(switched.detect_anomaly) and thread_modes.detect_anomaly


def _set(name: str, value: bool) -> bool:
    """Set this thread's switch ``name``; keep ``switched`` in step; return the old value."""
    old = getattr(thread_modes, name)
    if old != value:
        setattr(thread_modes, name, value)
        change = 1 if value != _DEFAULTS[name] else -1
        with _count_lock:
            setattr(switched, name, getattr(switched, name) + change)
    return old


class _SetMode(contextlib.ContextDecorator):
    """Set one switch of the calling thread inside a ``with`` block or a decorated function."""

    def __init__(self, name: str, value: bool):
        self.name, self.value = name, value
        self._previous = []  # a stack, so that one instance may be entered again while active

    def _recreate_cm(self):
        # A decorated function may run in several threads at once: each call gets its own copy.
        return type(self)(self.name, self.value)

    def __enter__(self):
        self._previous.append(_set(self.name, self.value))
        return self

    def __exit__(self, *exc):
        _set(self.name, self._previous.pop())
        return False


def no_grad():
    """Context manager and decorator: ops inside record no graph (for evaluation and updates).

    Only the calling thread is affected.

    >>> with no_grad():
    ...     prediction = model(x)
    """
    return _SetMode("grad_enabled", False)


def enable_grad():
    """Context manager and decorator: record the graph again inside a ``no_grad`` block."""
    return _SetMode("grad_enabled", True)


def detect_anomaly():
    """Raise RuntimeError at the first op whose forward or backward pass makes a nan or an inf.

    A context manager and decorator, for the calling thread. The error names the op and the
    shapes of its inputs. Checking every result costs time, so use it to find the source of a
    nan, not in normal training.
    """
    return _SetMode("detect_anomaly", True)


@contextlib.contextmanager
def transformation():
    """Mark that a function transformation (``grad``, ``vjp``, …) is running a function.

    A transformation that starts while another one runs must return results that the outer one
    can differentiate again (``grad`` of a function that calls ``grad``).
    """
    thread_modes.transform_depth += 1
    try:
        with enable_grad():
            yield
    finally:
        thread_modes.transform_depth -= 1


def inside_transformation() -> bool:
    return thread_modes.transform_depth > 0


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
