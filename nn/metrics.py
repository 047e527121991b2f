"""Metrics for ``compile(metrics=[...])``: accuracy as Keras computes it, or your own function.

Accuracy counts the samples whose predicted class is the true one:

* one output unit: the class is 1[f(x) > 0.5] on probabilities, 1[f(x) > 0] on logits, and
  sign(f(x)) ∈ {-1, +1} for the hinge loss (labels -1/+1);
* several units: the class is argmax_c f(x)_c, against integer labels or one-hot rows.

``fit`` computes the training accuracy from the outputs of its training forward pass (no extra
pass), so it is the accuracy of the weights *before* each batch's update, as in Keras.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd_lite import Tensor, backend
from autograd_lite.backend import array_module

METRICS = ("accuracy", "acc")


def correct_count(output: Any, target: Any, threshold: float = 0.5, signed: bool = False) -> int:
    """How many rows of ``output`` (N, units) or (N,) predict ``target`` right.

    Args:
        output: the model's outputs as an array: probabilities, or logits with
            ``threshold=0``.
        target: labels (N,) or (N, 1), or one-hot rows (N, C).
        threshold: the cut for a single unit (0.5 for probabilities, 0 for logits).
        signed: labels are -1/+1 and the predicted class is the sign of the output.
    """
    xp = array_module(output)
    if output.ndim == 2 and output.shape[1] > 1:
        predicted = output.argmax(axis=1)
        labels = (
            target.argmax(axis=1)
            if target.ndim == 2 and target.shape[1] > 1
            else target.reshape(-1)
        )
        return int((predicted == labels).sum())
    scores = output.reshape(-1)
    labels = target.reshape(-1)
    if signed:
        predicted = xp.where(scores > threshold, 1, -1)
    else:
        predicted = scores > threshold
    return int((predicted == labels).sum())


def get(identifier: str | Callable[[Any, Any], Any]) -> tuple[str, Callable[..., Any] | None]:
    """(history key, function) for a metric: ('accuracy', None) for accuracy (computed by fit
    itself), or (its __name__, fn) for a function ``fn(y_true, y_pred) -> number`` (Keras's
    order), averaged over the samples of each batch."""
    if isinstance(identifier, str):
        if identifier.lower() in METRICS:
            return "accuracy", None
        raise ValueError(
            f"unknown metric {identifier!r}; valid names: {', '.join(METRICS)}, "
            "or a function (y_true, y_pred) -> number"
        )
    if callable(identifier):
        return getattr(identifier, "__name__", "metric"), identifier
    raise TypeError(f"a metric is a name or a function, got {type(identifier).__name__}")


def call_metric(fn: Callable[..., Any], target: Any, output: Any) -> float:
    """A user metric's value on one batch, as a float."""
    value = fn(target, output)
    if isinstance(value, Tensor):
        value = value.data
    if backend.is_array(value):
        value = value.mean()
    return float(value)
