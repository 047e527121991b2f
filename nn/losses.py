"""Losses: functions ``loss(prediction, target)`` (PyTorch's order) and classes, by name too.

Each loss is one op with its own vector-Jacobian product, so a training step adds a single node
to the graph. For a prediction f (p: a probability, z: a logit) and a target y, the loss ℓ_i of
one sample (or entry) and its derivative are:

    mse_loss                          (f - y)²                               ∂/∂f: 2(f - y)
    hinge_loss, y ∈ {-1, +1}          max(0, 1 - y f)                        ∂/∂f: -y·1[y f < 1]
    binary_cross_entropy              -y log p̃ - (1 - y) log(1 - p̃)          ∂/∂p: (1-y)/(1-p̃) - y/p̃
    binary_cross_entropy_with_logits  max(z, 0) - z y + log(1 + e^-|z|)     ∂/∂z: s(z) - y
    cross_entropy (logits, one row)   -Σ_c y_c log softmax(z)_c              ∂/∂z: softmax(z)Σy - y
    categorical_cross_entropy         -Σ_c y_c log p̃_c                       ∂/∂p_c: -y_c / p̃_c

(integer labels y stand for one-hot rows; the gradient through a clipped p̃ is 0). With N
samples, ``reduction='mean'`` averages the ℓ_i, ``'sum'`` adds them, ``'none'`` returns them.

p̃ is p clipped to [ε, 1 - ε] with ε = 1e-7, as Keras does, so log never sees 0. With a
one-hot y and mean reduction the gradient of ``cross_entropy`` is (softmax(z) - onehot(y)) / N.

``svm_objective(scores, y, beta, lam)`` is the lecture's soft-margin SVM objective (1):
Σ_i max(0, 1 - y_i⟨x_i, β⟩) + λ‖β‖², with λ = 1/C.

By name (for ``compile``), as in Keras: 'hinge', 'binary_crossentropy',
'categorical_crossentropy' (one-hot rows), 'sparse_categorical_crossentropy' (integer labels)
and 'mse'. Like Keras's, the cross-entropies take probabilities unless ``from_logits=True``
(``get('binary_crossentropy', from_logits=True)`` or ``BinaryCrossentropy(from_logits=True)``).
Every loss object here is called as ``loss(prediction, target)``, PyTorch's order, which is
the reverse of Keras's ``loss(y_true, y_pred)``.

Targets may be arrays, lists or Tensors; a target of the prediction's size but another shape
((N,) against (N, 1)) is reshaped to it rather than broadcast to (N, N). Labels that do not fit
a loss raise a ValueError that says what the loss needs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy

from autograd_lite import Tensor, backend, ops, primitive
from autograd_lite.ops import _data, array_module, stable_sigmoid

from .inputs import as_input, device_of, on_device

EPSILON = 1e-7  # Keras's epsilon: probabilities are clipped to [EPSILON, 1 - EPSILON]
REDUCTIONS = ("mean", "sum", "none")


# ---- reductions -------------------------------------------------------------------------------


def _reduce(per: Any, reduction: str) -> Any:
    if reduction == "mean":
        return per.mean()
    if reduction == "sum":
        return per.sum()
    return per


def _scale(g: Any, reduction: str, count: int) -> Any:
    """∂(reduced)/∂ℓ_i times g: g/count for a mean, g for a sum or no reduction."""
    return g / count if reduction == "mean" else g


def _row_scale(g: Any, reduction: str, count: int) -> Any:
    """Like ``_scale``, for a per-sample loss whose gradient has a class axis."""
    if reduction == "mean":
        return g / count
    return g[..., None] if reduction == "none" else g


def _check_reduction(reduction: str) -> str:
    if reduction not in REDUCTIONS:
        raise ValueError(f"unknown reduction {reduction!r}; use one of {', '.join(REDUCTIONS)}")
    return reduction


# ---- the ops ----------------------------------------------------------------------------------


@primitive(name="mse_loss")
def _mse(prediction: Any, target: Any, reduction: str = "mean") -> tuple[Any, tuple]:
    diff = prediction - target
    count = diff.size
    return _reduce(diff * diff, reduction), (
        lambda g: 2 * diff * _scale(g, reduction, count),
        lambda g: -2 * diff * _scale(g, reduction, count),
    )


@primitive(name="hinge_loss")
def _hinge(scores: Any, target: Any, reduction: str = "mean") -> tuple[Any, tuple]:
    xp = array_module(scores)
    margin = 1 - target * scores
    active = margin > 0
    count = margin.size
    return _reduce(xp.maximum(margin, 0), reduction), (
        lambda g: -target * active * _scale(g, reduction, count),
        lambda g: -scores * active * _scale(g, reduction, count),
    )


@primitive(name="binary_cross_entropy")
def _bce(probabilities: Any, target: Any, reduction: str = "mean") -> tuple[Any, tuple]:
    xp = array_module(probabilities)
    clipped = xp.clip(probabilities, EPSILON, 1 - EPSILON)
    log_p, log_q = xp.log(clipped), xp.log(1 - clipped)
    count = clipped.size

    def vjp_probabilities(g: Any) -> Any:
        inside = (probabilities >= EPSILON) & (probabilities <= 1 - EPSILON)
        slope = (1 - target) / (1 - clipped) - target / clipped
        return slope * inside * _scale(g, reduction, count)

    return _reduce(-(target * log_p + (1 - target) * log_q), reduction), (
        vjp_probabilities,
        lambda g: (log_q - log_p) * _scale(g, reduction, count),
    )


@primitive(name="binary_cross_entropy_with_logits")
def _bce_logits(logits: Any, target: Any, reduction: str = "mean") -> tuple[Any, tuple]:
    xp = array_module(logits)
    per = xp.maximum(logits, 0) - logits * target + xp.log1p(xp.exp(-xp.abs(logits)))
    count = per.size

    def vjp_logits(g: Any) -> Any:
        return (stable_sigmoid(logits) - target) * _scale(g, reduction, count)

    return _reduce(per, reduction), (
        vjp_logits,
        lambda g: -logits * _scale(g, reduction, count),
    )


@primitive(name="cross_entropy")
def _softmax_cross_entropy(logits: Any, target: Any, reduction: str = "mean") -> tuple[Any, tuple]:
    xp = array_module(logits)
    shifted = logits - _data(logits).max(axis=-1, keepdims=True)
    exp = xp.exp(shifted)
    total = exp.sum(axis=-1, keepdims=True)
    log_p = shifted - xp.log(total)
    n = logits.shape[0]
    labels = target.ndim == 1
    if labels:
        rows = backend.array_module(_data(logits)).arange(n)
        target = _data(target)
        per = -log_p[rows, target]
    else:
        per = -(target * log_p).sum(axis=-1)

    def vjp_logits(g: Any) -> Any:
        probabilities = exp / total  # softmax(z), a fresh array
        if labels:
            grad = _minus_one_hot(probabilities, rows, target)
        else:
            grad = probabilities * target.sum(axis=-1, keepdims=True) - target
        return grad * _row_scale(g, reduction, n)

    vjp_target = None if labels else (lambda g: -log_p * _row_scale(g, reduction, n))
    return _reduce(per, reduction), (vjp_logits, vjp_target)


@primitive(name="categorical_cross_entropy")
def _categorical_cross_entropy(
    probabilities: Any, target: Any, reduction: str = "mean"
) -> tuple[Any, tuple]:
    xp = array_module(probabilities)
    clipped = xp.clip(probabilities, EPSILON, 1 - EPSILON)
    n = probabilities.shape[0]
    labels = target.ndim == 1
    if labels:
        rows = backend.array_module(_data(probabilities)).arange(n)
        target = _data(target)
        picked = clipped[rows, target]
        per = -xp.log(picked)
    else:
        log_p = xp.log(clipped)
        per = -(target * log_p).sum(axis=-1)

    def vjp_probabilities(g: Any) -> Any:
        inside = (probabilities >= EPSILON) & (probabilities <= 1 - EPSILON)
        if labels:
            grad = ops.unindex(-1 / picked, probabilities.shape, (rows, target))
        else:
            grad = -target / clipped
        return grad * inside * _row_scale(g, reduction, n)

    vjp_target = None if labels else (lambda g: -log_p * _row_scale(g, reduction, n))
    return _reduce(per, reduction), (vjp_probabilities, vjp_target)


def _minus_one_hot(probabilities: Any, rows: Any, labels: Any) -> Any:
    """probabilities - onehot(labels): in place for an array the caller made, recorded (so that
    it can be differentiated again) for a Tensor."""
    if isinstance(probabilities, Tensor):
        data = probabilities.data
        ones = backend.array_module(data).ones(len(rows), dtype=data.dtype)
        return probabilities - ops.unindex(ones, data.shape, (rows, labels))
    probabilities[rows, labels] -= 1
    return probabilities


# ---- targets ----------------------------------------------------------------------------------


def _as_target(target: Any, loss: str) -> Any:
    """A Tensor target stays a Tensor (gradients may flow into it); anything else, an array."""
    if isinstance(target, Tensor) or backend.is_array(target):
        return target
    try:
        return numpy.asarray(target)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{loss}: the target must be an array, a list or a Tensor ({error})"
        ) from None


def _fit_shape(target: Any, shape: tuple, loss: str) -> Any:
    """``target`` with the prediction's ``shape``: same shape, or same size and reshaped."""
    if tuple(target.shape) == tuple(shape):
        return target
    if (
        int(numpy.prod(target.shape)) == int(numpy.prod(shape))
        and len(shape) > 0
        and target.shape[:1] == shape[:1]
    ):
        return ops.reshape(target, shape) if isinstance(target, Tensor) else target.reshape(shape)
    raise ValueError(
        f"{loss}: the target has shape {tuple(target.shape)} but the prediction "
        f"has shape {tuple(shape)}; they need the same number of samples and "
        "values per sample"
    )


def _float_target(target: Any, dtype: Any, device: str) -> Any:
    if isinstance(target, Tensor):
        return target
    if target.dtype.kind not in "biuf":
        raise TypeError(f"the target must hold numbers, got dtype {target.dtype}")
    return on_device(
        target.astype(dtype if numpy.dtype(dtype).kind == "f" else numpy.float32, copy=False),
        device,
    )


def _all(condition: Any) -> bool:
    return bool(condition.all())


def _first(values: Any) -> Any:
    """The first of some array entries, as a Python number (for messages)."""
    return numpy.asarray(backend.to_device(values, "cpu")).ravel()[0].item()


def _check_signed(y: Any, loss: str) -> None:
    """Labels in {-1, +1} (the hinge loss and the SVM)."""
    if _all((y == 1) | (y == -1)):
        return
    if _all((y == 0) | (y == 1)):
        raise ValueError(
            f"{loss} needs labels in {{-1, +1}}, but these are in {{0, 1}}: "
            "map them first with y = 2 * y - 1"
        )
    bad = _first(y[(y != 1) & (y != -1)])
    raise ValueError(f"{loss} needs labels in {{-1, +1}}, got the label {bad!r}")


def _check_binary(y: Any, loss: str) -> None:
    """Labels (or soft labels) in [0, 1] (binary cross-entropy)."""
    if _all((y >= 0) & (y <= 1)):
        return
    if _all((y == -1) | (y == 1)):
        raise ValueError(
            f"{loss} needs labels in {{0, 1}}, but these are in {{-1, +1}}: "
            "map them first with y = (y + 1) / 2"
        )
    bad = _first(y[~((y >= 0) & (y <= 1))])
    raise ValueError(
        f"{loss} needs labels in {{0, 1}} (or probabilities in [0, 1]), got the label {bad!r}"
    )


def _class_labels(target: Any, n: int, classes: int, loss: str, device: str) -> Any:
    """Integer labels 0 ≤ y < classes of shape (n,), from shape (n,) or (n, 1)."""
    y = _data(target)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.reshape(-1)
    if y.ndim != 1 or y.shape[0] != n:
        raise ValueError(
            f"{loss} needs integer class labels of shape ({n},), got shape "
            f"{tuple(_data(target).shape)}"
        )
    if y.dtype.kind == "f":
        if not _all(y == array_module(y).round(y)):
            raise ValueError(
                f"{loss} needs integer class labels, got non-integer values "
                "such as probabilities or one-hot rows"
            )
    elif y.dtype.kind not in "iub":
        raise TypeError(f"{loss} needs integer class labels, got dtype {y.dtype}")
    if y.size and not (y.min() >= 0 and y.max() < classes):
        bad = _first(y[(y < 0) | (y >= classes)])
        raise ValueError(
            f"{loss}: the label {bad!r} is not a class of this output, which "
            f"has {classes} units (labels 0 to {classes - 1})"
        )
    return on_device(y.astype(numpy.intp, copy=False), device)


def _class_rows(target: Any, shape: tuple, dtype: Any, device: str, loss: str) -> Any:
    """One-hot (or probability) rows of the prediction's shape (N, C)."""
    if tuple(target.shape) != tuple(shape):
        hint = ""
        if target.ndim == 1 or (target.ndim == 2 and target.shape[1] == 1):
            hint = (
                "; these look like integer labels: use sparse_categorical_crossentropy, "
                "or cross_entropy, which takes either"
            )
        raise ValueError(
            f"{loss} needs one-hot rows of shape {tuple(shape)}, got a target of "
            f"shape {tuple(target.shape)}{hint}"
        )
    return _float_target(target, dtype, device)


def _check_class_scores(shape: tuple, loss: str) -> None:
    """A prediction of shape (N, C): one row of class scores (or probabilities) per sample."""
    if len(shape) != 2:
        raise ValueError(
            f"{loss} needs a prediction of shape (N, C) (one row of class scores "
            f"per sample), got shape {tuple(shape)}"
        )


def _labels_or_rows(target: Any, shape: tuple, dtype: Any, device: str, loss: str) -> Any:
    """For a prediction of shape (N, C): ``target`` as one-hot (or probability) rows of that
    shape, or as integer labels (N,), whichever it is."""
    target = _as_target(target, loss)
    _check_class_scores(shape, loss)
    if tuple(target.shape) == tuple(shape) and shape[1] > 1:
        return _class_rows(target, shape, dtype, device, loss)
    return _class_labels(target, shape[0], shape[1], loss, device)


# ---- the loss classes -------------------------------------------------------------------------


class Loss:
    """A loss function with its settings; ``loss(prediction, target)`` returns a Tensor.

    ``fit`` calls ``prepare_target`` once on all the labels (checks and conversion) and
    ``compute`` on each batch, so the checks cost nothing per step.

    Attributes:
        name: the name used by ``compile`` and in messages.
        reduction: 'mean', 'sum' or 'none'.
        from_logits: whether the prediction is a score (logit) rather than a probability.
        fused_activation: for a loss on probabilities, the output activation ('sigmoid' or
            'softmax') whose logits ``on_logits()`` can take instead.
        signed_labels: whether labels are -1/+1 (so accuracy compares signs).
    """

    name = "loss"
    from_logits = False
    fused_activation: str | None = None
    signed_labels = False

    def __init__(self, reduction: str = "mean") -> None:
        self.reduction = _check_reduction(reduction)

    def __call__(self, prediction: Any, target: Any) -> Tensor:
        prediction = as_input(prediction)
        target = self.prepare_target(
            target, tuple(prediction.shape), prediction.dtype, device_of(prediction)
        )
        return self.compute(prediction, target)

    def prepare_target(self, target: Any, shape: tuple, dtype: Any, device: str) -> Any:
        """Check ``target`` against a prediction of ``shape`` and convert it for ``compute``."""
        raise NotImplementedError

    def compute(self, prediction: Any, target: Any) -> Tensor:
        """The loss of a prediction and a target prepared by ``prepare_target``."""
        raise NotImplementedError

    def on_logits(self) -> Loss:
        """The same loss taking the logits of ``fused_activation`` (exactly equal, unclipped)."""
        raise NotImplementedError(f"{self.name} has no logits form")

    def __repr__(self) -> str:
        extra = ", from_logits=True" if self.from_logits else ""
        return f"{type(self).__name__}(reduction={self.reduction!r}{extra})"


class MeanSquaredError(Loss):
    """Mean squared error, mean_i (f_i - y_i)² (Keras's 'mse', PyTorch's ``MSELoss``)."""

    name = "mse"

    def prepare_target(self, target: Any, shape: tuple, dtype: Any, device: str) -> Any:
        target = _fit_shape(_as_target(target, self.name), shape, self.name)
        return _float_target(target, dtype, device)

    def compute(self, prediction: Any, target: Any) -> Tensor:
        return _mse(prediction, target, reduction=self.reduction)


class Hinge(Loss):
    """The hinge loss max(0, 1 - y f(x)) for labels y ∈ {-1, +1} (Keras's 'hinge').

    Labels in {0, 1} raise a ValueError that says to map them with y = 2y - 1. Accuracy for
    this loss compares sign(f(x)) with y.
    """

    name = "hinge"
    signed_labels = True

    def prepare_target(self, target: Any, shape: tuple, dtype: Any, device: str) -> Any:
        target = _fit_shape(_as_target(target, self.name), shape, self.name)
        _check_signed(_data(target), self.name)
        return _float_target(target, dtype, device)

    def compute(self, prediction: Any, target: Any) -> Tensor:
        return _hinge(prediction, target, reduction=self.reduction)


class BinaryCrossentropy(Loss):
    """Binary cross-entropy for labels y ∈ {0, 1}: -y log p - (1 - y) log(1 - p).

    On probabilities p (clipped to [1e-7, 1 - 1e-7], as Keras), or, with ``from_logits=True``,
    on scores z with p = s(z), computed as max(z, 0) - z y + log(1 + e^-|z|), which stays
    finite for any z (±1000 included).
    """

    name = "binary_crossentropy"

    def __init__(self, from_logits: bool = False, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.from_logits = bool(from_logits)
        self.fused_activation = None if self.from_logits else "sigmoid"

    def prepare_target(self, target: Any, shape: tuple, dtype: Any, device: str) -> Any:
        target = _fit_shape(_as_target(target, self.name), shape, self.name)
        _check_binary(_data(target), self.name)
        return _float_target(target, dtype, device)

    def compute(self, prediction: Any, target: Any) -> Tensor:
        if self.from_logits:
            return _bce_logits(prediction, target, reduction=self.reduction)
        return _bce(prediction, target, reduction=self.reduction)

    def on_logits(self) -> Loss:
        return BinaryCrossentropy(from_logits=True, reduction=self.reduction)


class BCELoss(BinaryCrossentropy):
    """PyTorch's name for binary cross-entropy on probabilities."""

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__(from_logits=False, reduction=reduction)


class BCEWithLogitsLoss(BinaryCrossentropy):
    """PyTorch's name for binary cross-entropy on logits."""

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__(from_logits=True, reduction=reduction)


class CrossEntropyLoss(Loss):
    """Softmax cross-entropy on logits z of shape (N, C), as PyTorch's: the target is either
    integer labels of shape (N,) or one-hot/probability rows of shape (N, C).

    ℓ_i = -log softmax(z_i)_{y_i}  (labels)   or   -Σ_c y_ic log softmax(z_i)_c  (rows);
    ∂ℓ/∂z_i = softmax(z_i) - onehot(y_i) for labels, divided by N for the mean.
    """

    name = "cross_entropy"
    from_logits = True

    def prepare_target(self, target: Any, shape: tuple, dtype: Any, device: str) -> Any:
        return _labels_or_rows(target, shape, dtype, device, self.name)

    def compute(self, prediction: Any, target: Any) -> Tensor:
        return _softmax_cross_entropy(prediction, target, reduction=self.reduction)


_CROSS_ENTROPY = {reduction: CrossEntropyLoss(reduction) for reduction in REDUCTIONS}


class CategoricalCrossentropy(Loss):
    """Keras's categorical cross-entropy, -Σ_c y_c log p_c, for one-hot rows y of shape (N, C).

    On probabilities (clipped to [1e-7, 1 - 1e-7], as Keras; the rows are assumed to sum to 1),
    or, with ``from_logits=True``, on logits through one fused softmax.
    """

    name = "categorical_crossentropy"

    def __init__(self, from_logits: bool = False, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.from_logits = bool(from_logits)
        self.fused_activation = None if self.from_logits else "softmax"

    def prepare_target(self, target: Any, shape: tuple, dtype: Any, device: str) -> Any:
        _check_class_scores(shape, self.name)
        return _class_rows(_as_target(target, self.name), shape, dtype, device, self.name)

    def compute(self, prediction: Any, target: Any) -> Tensor:
        if self.from_logits:
            return _softmax_cross_entropy(prediction, target, reduction=self.reduction)
        return _categorical_cross_entropy(prediction, target, reduction=self.reduction)

    def on_logits(self) -> Loss:
        return CategoricalCrossentropy(from_logits=True, reduction=self.reduction)


class SparseCategoricalCrossentropy(CategoricalCrossentropy):
    """Keras's sparse categorical cross-entropy, -log p_{y}, for integer labels y of shape (N,)
    (or (N, 1)), on probabilities (clipped like Keras) or, with ``from_logits=True``, logits."""

    name = "sparse_categorical_crossentropy"

    def prepare_target(self, target: Any, shape: tuple, dtype: Any, device: str) -> Any:
        _check_class_scores(shape, self.name)
        target = _as_target(target, self.name)
        if target.ndim == 2 and tuple(target.shape) == tuple(shape) and shape[1] > 1:
            raise ValueError(
                f"{self.name} needs integer class labels of shape ({shape[0]},), "
                f"got one-hot rows of shape {tuple(target.shape)}: use "
                "categorical_crossentropy for those"
            )
        return _class_labels(target, shape[0], shape[1], self.name, device)

    def on_logits(self) -> Loss:
        return SparseCategoricalCrossentropy(from_logits=True, reduction=self.reduction)


class _LabelsOrRowsCategoricalCrossentropy(Loss):
    """``categorical_cross_entropy``'s loss: on probabilities, like ``CategoricalCrossentropy``,
    with the targets of ``CrossEntropyLoss`` (integer labels or rows)."""

    name = "categorical_cross_entropy"

    def prepare_target(self, target: Any, shape: tuple, dtype: Any, device: str) -> Any:
        return _labels_or_rows(target, shape, dtype, device, self.name)

    def compute(self, prediction: Any, target: Any) -> Tensor:
        return _categorical_cross_entropy(prediction, target, reduction=self.reduction)


MSELoss = MeanSquaredError
HingeLoss = Hinge


class FunctionLoss(Loss):
    """Any function ``fn(prediction, target) -> Tensor`` used as a loss (no target checks)."""

    def __init__(self, fn: Callable[[Any, Any], Tensor]) -> None:
        super().__init__("mean")
        self.fn = fn
        self.name = getattr(fn, "__name__", type(fn).__name__)

    def prepare_target(self, target: Any, shape: tuple, dtype: Any, device: str) -> Any:
        target = _as_target(target, self.name)
        if not isinstance(target, Tensor) and target.dtype.kind == "f":
            target = _float_target(target, dtype, device)
        return target

    def compute(self, prediction: Any, target: Any) -> Tensor:
        return self.fn(prediction, target)

    def __repr__(self) -> str:
        return f"FunctionLoss({self.name})"


LOSSES: dict[str, Callable[..., Loss]] = {
    "hinge": lambda from_logits=False: Hinge(),
    "binary_crossentropy": lambda from_logits=False: BinaryCrossentropy(from_logits),
    "categorical_crossentropy": lambda from_logits=False: CategoricalCrossentropy(from_logits),
    "sparse_categorical_crossentropy": lambda from_logits=False: SparseCategoricalCrossentropy(
        from_logits
    ),
    "mse": lambda from_logits=False: MeanSquaredError(),
    "mean_squared_error": lambda from_logits=False: MeanSquaredError(),
    "cross_entropy": lambda from_logits=False: CrossEntropyLoss(),
}


def get(identifier: str | Loss | Callable[[Any, Any], Tensor], from_logits: bool = False) -> Loss:
    """The Loss for a name in ``LOSSES`` (with ``from_logits`` for the cross-entropies), a Loss,
    or a function ``fn(prediction, target) -> Tensor``. Unknown names list the valid ones."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        key = identifier.lower()
        if key not in LOSSES:
            raise ValueError(
                f"unknown loss {identifier!r}; valid names: {', '.join(LOSSES)}, "
                "a Loss object or a function (prediction, target) -> Tensor"
            )
        if from_logits and key in ("hinge", "mse", "mean_squared_error"):
            raise ValueError(f"loss {identifier!r} has no from_logits form")
        return LOSSES[key](from_logits)
    if callable(identifier):
        return FunctionLoss(identifier)
    raise TypeError(f"a loss is a name, a Loss or a function, got {type(identifier).__name__}")


# ---- the functions ----------------------------------------------------------------------------


def mse_loss(prediction: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error: mean_i (f_i - y_i)² over every entry (``reduction='mean'``)."""
    return MeanSquaredError(reduction)(prediction, target)


def hinge_loss(scores: Any, target: Any, reduction: str = "mean") -> Tensor:
    """The hinge loss max(0, 1 - y_i f_i) for labels y_i ∈ {-1, +1}.

    Labels in {0, 1} raise a ValueError telling to map them with y = 2y - 1.
    """
    return Hinge(reduction)(scores, target)


def svm_objective(scores: Any, y: Any, beta: Any, lam: float) -> Tensor:
    """The lecture's soft-margin SVM objective (1), exactly:

        Σ_i max(0, 1 - y_i⟨x_i, β⟩) + λ‖β‖²₂,      λ = 1/C,

    where ``scores`` holds ⟨x_i, β⟩ (e.g. ``X @ beta``), ``y`` the labels in {-1, +1},
    ``beta`` the weights penalized (a Tensor, or an array) and ``lam`` = λ. The hinge terms
    are summed, not averaged.
    """
    beta = beta if isinstance(beta, Tensor) else Tensor(numpy.asarray(beta))
    return hinge_loss(scores, y, reduction="sum") + lam * ops.sum(beta * beta)


def binary_cross_entropy(probabilities: Any, target: Any, reduction: str = "mean") -> Tensor:
    """-y log p - (1 - y) log(1 - p) for y ∈ {0, 1}, with p clipped to [1e-7, 1 - 1e-7]."""
    return BinaryCrossentropy(False, reduction)(probabilities, target)


def binary_cross_entropy_with_logits(logits: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of p = s(z), computed from z as max(z, 0) - z y + log(1 + e^-|z|):
    finite for any z; gradient s(z) - y."""
    return BinaryCrossentropy(True, reduction)(logits, target)


def cross_entropy(logits: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Softmax cross-entropy on logits (N, C), target integer labels (N,) or rows (N, C), as
    ``torch.nn.functional.cross_entropy``. Gradient (softmax(z) - onehot(y)) / N for the mean."""
    loss = _CROSS_ENTROPY.get(reduction) or CrossEntropyLoss(reduction)
    return loss(logits, target)


def categorical_cross_entropy(probabilities: Any, target: Any, reduction: str = "mean") -> Tensor:
    """-Σ_c y_c log p_c on probabilities (N, C) clipped to [1e-7, 1 - 1e-7], the target integer
    labels (N,) or one-hot rows (N, C). Prefer ``cross_entropy`` on logits when you have them."""
    return _LabelsOrRowsCategoricalCrossentropy(reduction)(probabilities, target)
