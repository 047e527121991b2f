"""Keras-style training: what ``Module.compile``, ``fit``, ``evaluate`` and ``predict`` do, and
the ``History`` that ``fit`` returns.

    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy',
                  metrics=['accuracy'])
    hist = model.fit(Xtr, ytr, epochs=30, batch_size=100, validation_data=(Xts, yts))
    hist.history['val_accuracy']

The methods of ``nn.Module`` (``nn/module.py``) hold the arguments' defaults and documentation
and call the functions of the same names here, with the model first. They import this module
when first called, not when ``nn.module`` is imported: training needs the layers, losses and
activations, which are Modules themselves.

One step of ``fit`` is exactly the hand-written loop

    optimizer.zero_grad(); loss = loss_fn(model(x_batch), y_batch); loss.backward();
    optimizer.step()

over the same batches. The labels are checked and converted once, before the first epoch, and
the training accuracy is counted from the outputs of that same forward pass (the weights before
each update, as in Keras), so fit adds almost nothing per step.

Everything that can be checked before the first batch is: ``batch_size`` and ``epochs`` must be
integers (not bools, strings or floats) within range, and the validation data must have the
training samples' shape and valid targets, so a mistake costs no training time.

Not-a-number policy. If a batch's loss is nan or infinite, or if its loss is finite but a
gradient is not (``sqrt`` at 0, say), ``fit`` stops before that batch's update with a
RuntimeWarning naming the epoch, the batch and the culprit, as Keras's ``TerminateOnNaN`` does:
the weights (and the optimizer's state) are those from before that batch, never a mix of
numbers and NaN, and the History holds the epochs completed before it.

Fused output layers. When the loss is Keras's 'categorical_crossentropy',
'sparse_categorical_crossentropy' or 'binary_crossentropy' on probabilities and the model is a
``Sequential`` whose last layer ends in the matching activation (softmax, or sigmoid), ``fit``
and ``evaluate`` compute the loss from that layer's pre-activation z with the fused op
(``cross_entropy`` or ``binary_cross_entropy_with_logits``), as Keras does. The value is
exactly -log softmax(z)_y (or the binary cross-entropy of s(z)), the same number as on the
probabilities wherever they lie within [1e-7, 1 - 1e-7]; beyond that, the clipped version
would flatten the loss and zero its gradient, while the fused one keeps learning. The
accuracy is taken from the same z: argmax z = argmax softmax(z), and s(z) > 0.5 is evaluated on
s(z) itself. ``predict`` always returns the probabilities.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy

from autograd_lite import Tensor, backend, no_grad
from autograd_lite.ops import stable_sigmoid
from autograd_lite.random import default_generator

from . import activations, losses, metrics, optim
from .progbar import ProgressBar, format_logs

if TYPE_CHECKING:
    from .module import Module


class History:
    """What ``fit`` returns: ``history`` maps 'loss', each metric ('accuracy') and, with
    validation data, 'val_loss' and 'val_accuracy' to one value per epoch.

    Attributes:
        history: dict name -> list of floats, one per completed epoch.
        epoch: the indices (0, 1, ...) of the completed epochs.
        params: {'epochs', 'steps', 'batch_size', 'verbose'}, the settings of the fit.
    """

    def __init__(self, params: dict[str, Any] | None = None) -> None:
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.params: dict[str, Any] = dict(params or {})

    def append(self, epoch: int, logs: dict[str, float]) -> None:
        self.epoch.append(epoch)
        for name, value in logs.items():
            self.history.setdefault(name, []).append(value)

    def __repr__(self) -> str:
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"


class _Config:
    """What ``compile`` set: the optimizer (or its name until the model is built), the loss
    and the metrics."""

    def __init__(
        self,
        optimizer: str | optim.Optimizer,
        loss: losses.Loss,
        metric_list: list[tuple[str, Callable[..., Any] | None]],
    ) -> None:
        self.optimizer = optimizer
        self.loss = loss
        self.metrics = metric_list

    def ready_optimizer(self, model: Module) -> optim.Optimizer:
        """The optimizer, made now (from its name) or given the model's parameters if it has
        none."""
        if isinstance(self.optimizer, str):
            self.optimizer = optim.get(self.optimizer, model.parameters())
        elif not self.optimizer.params:
            self.optimizer.add_params(model.parameters())
        return self.optimizer


def _as_array(data: Any, what: str) -> Any:
    if isinstance(data, Tensor):
        data = data.data
    elif not backend.is_array(data):
        try:
            data = numpy.asarray(data)
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"{what} must be an array, a nested list or a Tensor ({error})"
            ) from None
    if data.ndim == 0:
        raise ValueError(f"{what} must hold one sample per row, got a scalar")
    if data.dtype.kind not in "biuf":
        raise TypeError(f"{what} must hold numbers, got dtype {data.dtype}")
    return data


def _checked_xy(x: Any, y: Any, what: str) -> tuple[Any, Any]:
    """The samples x and their targets y as arrays, as many of each, at least one."""
    x, y = _as_array(x, f"{what} x"), _as_array(y, f"{what} y")
    if len(x) != len(y):
        raise ValueError(
            f"{what}: x and y have different numbers of samples: x has {len(x)}, y has {len(y)}"
        )
    if len(x) == 0:
        raise ValueError(f"{what}: x and y hold no samples")
    return x, y


class _Plan:
    """How a model is run on data: device, dtype, forward function, loss and accuracy."""

    def __init__(self, model: Module, config: _Config | None, sample: Any) -> None:
        self.model = model
        self.device = backend.device_of(sample)
        self.dtype = numpy.dtype(numpy.float32)
        self._placement(model)
        out = _build(model, self.inputs(sample))
        self._placement(model)  # a lazy model has its parameters now
        self.output_tail = tuple(out.shape[1:])
        self.fused = False
        self.forward: Callable[[Any], Any] = model
        if config is None:
            return
        loss = config.loss
        if loss.reduction == "none":
            raise ValueError(
                "fit and evaluate need a loss that gives one number: use reduction='mean' or 'sum'"
            )
        final = getattr(model, "output_activation", None)
        if loss.from_logits and final in ("softmax", "sigmoid"):
            warnings.warn(
                f"the loss {loss.name!r} expects logits, but the model's output "
                f"layer applies a {final}: its probabilities will be treated as "
                f"logits. Use a loss on probabilities or drop the {final}.",
                UserWarning,
                stacklevel=4,
            )
        if (
            loss.fused_activation is not None
            and final == loss.fused_activation
            and hasattr(model, "forward_logits")
        ):
            self.fused = True
            self.forward = model.forward_logits
            loss = loss.on_logits()
        self.loss = loss
        self.final_activation = activations.get(final) if self.fused else None
        self.signed = loss.signed_labels
        self.threshold = 0.0 if (loss.signed_labels or loss.from_logits) and not self.fused else 0.5
        self.sigmoid_output = self.fused and final == "sigmoid"
        self.metrics = config.metrics

    def _placement(self, model: Module) -> None:
        """Take the device and dtype of the model's parameters, if it has any."""
        for parameter in model.parameters():
            self.device, self.dtype = parameter.device, parameter.dtype
            return

    def inputs(self, x: Any) -> Any:
        """``x`` on the model's device, as the parameters' dtype."""
        x = backend.to_device(x, self.device)
        return x.astype(self.dtype, copy=False)

    def targets(self, y: Any) -> Any:
        return self.loss.prepare_target(y, (len(y),) + self.output_tail, self.dtype, self.device)

    def for_metrics(self, output: Any) -> Any:
        """The output array that accuracy compares (probabilities for a fused sigmoid)."""
        if self.sigmoid_output:
            return stable_sigmoid(output)
        return output

    def probabilities(self, output: Any) -> Any:
        """The model's real output (for user metrics) from what ``forward`` returned."""
        if not self.fused:
            return output
        with no_grad():
            return self.final_activation(Tensor(output)).data


def _build(model: Module, sample: Any) -> Any:
    """One forward pass of one sample, without a graph, in evaluation mode: builds lazy layers
    and gives the output's shape."""
    with model.evaluating():
        out = model(sample)
    return out.data if isinstance(out, Tensor) else numpy.asarray(out)


def _count_argument(value: Any, name: str, method: str, minimum: int) -> int:
    """``value`` as an int >= ``minimum``; bools, floats and strings are refused (``int()``
    would make 2.7 into 2 and True into 1, which is never what was meant)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{method}: {name} must be an integer, got {value!r} ({type(value).__name__})"
        )
    if value < minimum:
        raise ValueError(f"{method}: {name} must be >= {minimum}, got {value}")
    return int(value)


def _batch_size(value: Any, method: str) -> int:
    """The batch size: 32 for None (Keras's default), else an integer >= 1."""
    return 32 if value is None else _count_argument(value, "batch_size", method, 1)


# Accuracy waits for at most this many output values before it is counted (1 MiB of float32).
PENDING_OUTPUT_VALUES = 1 << 18


class _Totals:
    """Running sums over the batches of an epoch.

    Accuracy is counted in groups of batches: the outputs wait in ``pending`` until they hold
    ``PENDING_OUTPUT_VALUES`` values, or the logs are read (at the end of the epoch, or when a
    terminal's progress bar redraws), and are then compared with their labels in one vectorized
    pass. That keeps the per-step cost at a list append while the memory stays bounded however
    large the epoch is (an epoch's outputs of 50,000 samples × 2,000 classes would be 400 MB).
    """

    def __init__(self, plan: _Plan, targets: Any) -> None:
        self.plan = plan
        self.targets = targets  # the epoch's targets, in the order the batches use them
        self.seen = 0
        self.counted = 0  # samples whose accuracy is already in ``correct``
        self.loss = 0.0
        self.correct = 0
        self.pending: list[Any] = []
        self.pending_values = 0
        self.sums = {name: 0.0 for name, fn in plan.metrics if fn is not None}
        self.accuracy = any(fn is None for _, fn in plan.metrics)

    def add(self, output: Any, loss_value: float, count: int) -> None:
        """Record one batch: its output array, its loss and its number of samples."""
        plan = self.plan
        if self.accuracy:
            self.pending.append(output)
            self.pending_values += output.size
        if self.sums:
            target = self.targets[self.seen : self.seen + count]
            probabilities = plan.probabilities(output)
            for name, fn in plan.metrics:
                if fn is not None:
                    self.sums[name] += metrics.call_metric(fn, target, probabilities) * count
        self.seen += count
        self.loss += loss_value * count
        if self.pending_values >= PENDING_OUTPUT_VALUES:
            self._count()

    def _count(self) -> None:
        if not self.pending:
            return
        plan = self.plan
        outputs = (
            self.pending[0]
            if len(self.pending) == 1
            else backend.array_module(self.pending[0]).concatenate(self.pending)
        )
        self.correct += metrics.correct_count(
            plan.for_metrics(outputs),
            self.targets[self.counted : self.seen],
            plan.threshold,
            plan.signed,
        )
        self.counted = self.seen
        self.pending = []
        self.pending_values = 0

    def logs(self, prefix: str = "") -> dict[str, float]:
        self._count()
        seen = max(self.seen, 1)
        logs = {prefix + "loss": self.loss / seen}
        for name, fn in self.plan.metrics:
            logs[prefix + name] = (self.correct if fn is None else self.sums[name]) / seen
        return logs


def compile(
    model: Module,
    optimizer: str | optim.Optimizer,
    loss: str | losses.Loss | Callable[[Any, Any], Tensor] | None,
    chosen_metrics: Sequence[str | Callable[[Any, Any], Any]] | None,
) -> None:
    """``model.compile(optimizer, loss, metrics)``: check the choices and keep them on the
    model for ``fit`` and ``evaluate`` (``Module.compile`` documents the arguments)."""
    if loss is None:
        raise ValueError("compile needs a loss, e.g. loss='sparse_categorical_crossentropy'")
    if isinstance(optimizer, str):
        optim.get(optimizer, [])  # an unknown name fails here, listing the valid ones
    elif not isinstance(optimizer, optim.Optimizer):
        raise TypeError(
            f"optimizer must be a name or an nn.optim.Optimizer, got {type(optimizer).__name__}"
        )
    metric_list = [metrics.get(m) for m in (chosen_metrics or [])]
    if isinstance(optimizer, str) and model.built:
        optimizer = optim.get(optimizer, model.parameters())
    model._config = _Config(optimizer, losses.get(loss), metric_list)


def compiled_optimizer(model: Module) -> optim.Optimizer | None:
    """The optimizer ``compile`` chose, once it exists (one given by name is made at the first
    ``fit``, or by ``compile`` itself when the model is built)."""
    config = model._config
    return config.optimizer if config and not isinstance(config.optimizer, str) else None


def _compiled(model: Module, method: str) -> _Config:
    if model._config is None:
        raise RuntimeError(
            f"{method}() needs compile() first, e.g. model.compile("
            "optimizer='adam', loss='sparse_categorical_crossentropy', "
            "metrics=['accuracy'])"
        )
    return model._config


def fit(
    model: Module,
    x: Any,
    y: Any,
    batch_size: int | None,
    epochs: int,
    verbose: int,
    validation_data: tuple[Any, Any] | None,
    shuffle: bool,
) -> History:
    """``model.fit(...)``: ``epochs`` passes over (x, y), each followed by the validation data's
    loss and metrics; the History (``Module.fit`` documents the arguments)."""
    config = _compiled(model, "fit")
    batch_size = _batch_size(batch_size, "fit")
    epochs = _count_argument(epochs, "epochs", "fit", 0)
    x, y = _checked_xy(x, y, "fit")
    plan = _Plan(model, config, x[:1])
    x, y = plan.inputs(x), plan.targets(y)
    validation = _validation_set(plan, validation_data, x)
    optimizer = config.ready_optimizer(model)
    steps = -(-len(x) // batch_size)
    history = History(
        {"epochs": epochs, "steps": steps, "batch_size": batch_size, "verbose": verbose}
    )
    model.history = history
    training = model.training
    try:
        for epoch in range(epochs):
            if verbose:
                print(f"Epoch {epoch + 1}/{epochs}", flush=True)
            model.train()
            x_epoch, y_epoch = _epoch_order(x, y, shuffle, plan.device)
            bar = (
                ProgressBar(steps, interactive=None if verbose == 1 else False) if verbose else None
            )
            totals = _train_one_epoch(
                model, plan, optimizer, x_epoch, y_epoch, batch_size, epoch, bar
            )
            if totals is None:  # stopped before a batch whose numbers are not finite
                return history
            logs = totals.logs()
            if validation is not None:
                logs.update(_evaluate(model, plan, *validation, batch_size).logs("val_"))
            history.append(epoch, logs)
            if bar is not None:
                bar.finish(logs)
    finally:
        model.train(training)
    return history


def _validation_set(plan: _Plan, validation_data: Any, x: Any) -> tuple[Any, Any] | None:
    """``validation_data`` checked (a pair, samples shaped like the training ones, valid
    targets) and prepared as ``plan`` prepares the training data; None without it."""
    if validation_data is None:
        return None
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
        raise ValueError("validation_data must be a pair (x_val, y_val)")
    x_val, y_val = _checked_xy(*validation_data, "fit validation_data")
    if x_val.shape[1:] != x.shape[1:]:
        raise ValueError(
            f"fit validation_data: each x_val sample has shape "
            f"{tuple(x_val.shape[1:])}, but each training sample has "
            f"shape {tuple(x.shape[1:])}"
        )
    return plan.inputs(x_val), plan.targets(y_val)


def _epoch_order(x: Any, y: Any, shuffle: bool, device: str) -> tuple[Any, Any]:
    """The samples in the order of one epoch: shuffled with ``autograd_lite``'s generator (on
    the CPU, so that a seeded run takes the same batches on every device), or as they are."""
    if not shuffle:
        return x, y
    order = default_generator().permutation(len(x))
    if device != "cpu":
        order = backend.to_device(order, device)
    return x[order], y[order]


def _train_one_epoch(
    model: Module,
    plan: _Plan,
    optimizer: optim.Optimizer,
    x: Any,
    y: Any,
    batch_size: int,
    epoch: int,
    bar: ProgressBar | None,
) -> _Totals | None:
    """One epoch of training steps, each the hand-written loop of the module docstring; the
    epoch's totals, or None when it stopped, with a warning, before a batch whose loss or
    gradients are not finite (see the not-a-number policy)."""
    forward, loss_fn = plan.forward, plan.loss
    totals = _Totals(plan, y)
    for step in range(-(-len(x) // batch_size)):
        start = step * batch_size
        x_batch = x[start : start + batch_size]
        y_batch = y[start : start + batch_size]
        optimizer.zero_grad()
        output = forward(x_batch)
        loss = loss_fn.compute(output, y_batch)
        value = float(loss.data)
        if not math.isfinite(value):
            _warn_not_finite(f"the loss is {value}", epoch, step, bar)
            return None
        loss.backward()
        if not _gradients_finite(optimizer.params):
            culprit = _non_finite_gradient(model, optimizer.params)
            _warn_not_finite(
                f"the gradient of {culprit} is not finite (it holds nan "
                f"or inf) while the loss is {value}",
                epoch,
                step,
                bar,
            )
            return None
        optimizer.step()
        totals.add(output.data, value, len(x_batch))
        if bar is not None and bar.due():
            bar.update(step + 1, totals.logs())
    return totals


def evaluate(
    model: Module, x: Any, y: Any, batch_size: int | None, verbose: int
) -> float | list[float]:
    """``model.evaluate(...)``: the loss, or [loss, metric, ...] (``Module.evaluate``)."""
    config = _compiled(model, "evaluate")
    batch_size = _batch_size(batch_size, "evaluate")
    x, y = _checked_xy(x, y, "evaluate")
    plan = _Plan(model, config, x[:1])
    bar = ProgressBar(-(-len(x) // batch_size), interactive=False) if verbose else None
    logs = _evaluate(model, plan, plan.inputs(x), plan.targets(y), batch_size).logs()
    if bar is not None:
        bar.finish(logs)
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def predict(model: Module, x: Any, batch_size: int | None, verbose: int) -> numpy.ndarray:
    """``model.predict(...)``: the outputs for x as a NumPy array (``Module.predict``)."""
    batch_size = _batch_size(batch_size, "predict")
    x = _as_array(x, "predict x")
    plan = _Plan(model, None, x[:1])
    x = plan.inputs(x)
    outputs = []
    with model.evaluating():
        for start in range(0, len(x), batch_size):
            out = model(x[start : start + batch_size])
            outputs.append(out.data if isinstance(out, Tensor) else out)
    result = (
        backend.array_module(outputs[0]).concatenate(outputs)
        if outputs
        else numpy.zeros((0,) + plan.output_tail)
    )
    if verbose:
        print(f"predicted {len(x)} samples", flush=True)
    return backend.to_device(result, "cpu")


def _evaluate(model: Module, plan: _Plan, x: Any, y: Any, batch_size: int) -> _Totals:
    """Loss and metrics over (x, y), prepared by ``plan``, in evaluation mode, without a graph."""
    totals = _Totals(plan, y)
    with model.evaluating():
        for start in range(0, len(x), batch_size):
            x_batch, y_batch = x[start : start + batch_size], y[start : start + batch_size]
            output = plan.forward(x_batch)
            loss = float(plan.loss.compute(output, y_batch).data)
            totals.add(output.data, loss, len(x_batch))
    return totals


def _gradients_finite(parameters: list[Tensor]) -> bool:
    """Whether every gradient is finite.

    A nan or an infinity anywhere makes the sum of a gradient nan or infinite, so one sum per
    gradient (added up on the device, read once) settles the usual case; only when that total
    is not finite, which a sum of huge finite values can also cause, is every entry looked at.
    """
    total = 0.0
    with numpy.errstate(over="ignore", invalid="ignore"):  # that case is looked at below
        for parameter in parameters:
            if parameter.grad is not None:
                total = total + parameter.grad.sum()
    if math.isfinite(float(total)):
        return True
    return all(
        bool(backend.array_module(p.grad).isfinite(p.grad).all())
        for p in parameters
        if p.grad is not None
    )


def _non_finite_gradient(model: Module, parameters: list[Tensor]) -> str:
    """The name of the first parameter whose gradient holds nan or inf."""
    names = {id(parameter): name for name, parameter in model.named_parameters()}
    for parameter in parameters:
        grad = parameter.grad
        if grad is not None and not bool(backend.array_module(grad).isfinite(grad).all()):
            return names.get(id(parameter), "a parameter")
    return "a parameter"


def _warn_not_finite(what: str, epoch: int, step: int, bar: ProgressBar | None) -> None:
    if bar is not None and bar.interactive:
        bar.stream.write("\n")
    warnings.warn(
        f"fit: {what} at epoch {epoch + 1}, batch {step + 1}; training stopped "
        f"there, as Keras's TerminateOnNaN does. The weights are those from before that batch, "
        f"and the History holds the {epoch} epoch(s) completed before it.",
        RuntimeWarning,
        stacklevel=5,
    )  # the line that called model.fit


__all__ = ["History", "compile", "evaluate", "fit", "format_logs", "predict"]
