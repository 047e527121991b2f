"""``Module`` and ``Parameter``: the containers every layer and model is built from.

A ``Module`` owns ``Parameter``s (tensors that an optimizer changes) and other Modules. Nothing
has to be registered: the parameters of a module are the ``Parameter`` attributes it holds,
directly or in a list or tuple, and its children are the ``Module`` attributes it holds the same
way, in the order they were assigned. A parameter's name is its place in that tree, the
attribute names joined by dots, list positions included: ``layers.0.weight`` is the ``weight``
of the first entry of the ``layers`` list. Names depend only on the model's structure, never on
how many models were made before, so a file of weights fits any model of the same architecture.

A module may declare parameters that do not exist yet (a ``Dense`` layer that learns its input
width from the first batch): it lists their names in ``_lazy_parameters`` and keeps them as
``None`` until it is built. ``load_state_dict`` can build such a module from the shapes it loads.

Every Module also has Keras's Model methods (``compile``, ``fit``, ``evaluate``, ``predict``,
``summary``, ``save_weights``, ``load_weights``). They are written here, with their arguments
and documentation, and do their work in ``nn/training.py``, ``nn/summary.py`` and
``nn/serialization.py``, which each method imports when it is first called: those modules use
the layers and losses, which are built on this one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy

from autograd_lite import Tensor, backend, no_grad

from .optim import zero_gradients

if TYPE_CHECKING:
    from . import losses, optim
    from .serialization import PathLike
    from .training import History, _Config


class Parameter(Tensor):
    """A Tensor that a model learns: it requires a gradient, and ``Module`` finds it.

    Args:
        data: an array, a number, a nested list or a Tensor (its data is used, not copied).
        requires_grad: False freezes the parameter (optimizers skip it).
        dtype: the dtype to convert to; by default arrays keep theirs, Python floats become
            float32.
    """

    __slots__ = ()

    def __init__(self, data: Any, requires_grad: bool = True, dtype: Any = None) -> None:
        super().__init__(data, requires_grad=requires_grad, dtype=dtype)

    def __repr__(self) -> str:
        return "Parameter" + super().__repr__()[len("Tensor") :]


class Module:
    """The base class of layers and models: ``model(x)`` runs ``model.forward(x)``.

    Subclasses write ``forward`` and assign their Parameters and sub-Modules as attributes
    (calling ``super().__init__()`` is allowed but not needed). Every Module also has Keras's
    ``compile``, ``fit``, ``evaluate``, ``predict``, ``summary``, ``save_weights`` and
    ``load_weights`` (the last section of this class).

    Attributes:
        training: True in training mode (``train()``), False in evaluation mode (``eval()``);
            layers such as ``Dropout`` behave differently in the two.
        history: the ``History`` of the last ``fit`` (None before).
    """

    training: bool = True
    history: History | None = None
    _config: _Config | None = None  # what compile() chose
    _activation_records: tuple[list[LayerActivations], ...] = ()  # see record_activations
    _lazy_parameters: tuple[str, ...] = ()
    _auto_named: bool = True  # a default name, which Sequential may make unique

    def __init__(self) -> None:
        self.training = True

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # ---- the module tree ---------------------------------------------------------------------

    def _own_entries(self) -> Iterator[tuple[str, Any]]:
        """(name, value) for the attributes, with lists and tuples opened one level deep."""
        for name, value in vars(self).items():
            if isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    yield f"{name}.{i}", item
            else:
                yield name, value

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct sub-Modules, with their attribute names, in assignment order."""
        for name, value in self._own_entries():
            if isinstance(value, Module):
                yield name, value

    def children(self) -> Iterator[Module]:
        for _, child in self.named_children():
            yield child

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and every module below it, parents before children, each one once."""
        seen: set[int] = set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [
                (f"{name}.{child_name}" if name else child_name, child)
                for child_name, child in module.named_children()
            ]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def _parameter_slots(self) -> Iterator[tuple[str, Parameter | None]]:
        """This module's own parameters, and the declared ones not built yet (as None)."""
        for name, value in self._own_entries():
            if isinstance(value, Parameter):
                yield name, value
        for name in self._lazy_parameters:
            if getattr(self, name, None) is None:
                yield name, None

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, Parameter) for every parameter of the tree, each one once.

        The order is deterministic: modules parents first, in assignment order, and within a
        module its parameters in assignment order.
        """
        seen: set[int] = set()
        for module_name, module in self.named_modules():
            for name, parameter in module._parameter_slots():
                if parameter is None or id(parameter) in seen:
                    continue
                seen.add(id(parameter))
                yield (f"{module_name}.{name}" if module_name else name), parameter

    def parameters(self) -> list[Parameter]:
        """Every parameter of the tree, in the order of ``named_parameters``."""
        return [parameter for _, parameter in self.named_parameters()]

    @property
    def built(self) -> bool:
        """Whether every parameter of the tree exists (False while a lazy layer waits for data)."""
        return all(
            parameter is not None
            for module in self.modules()
            for _, parameter in module._parameter_slots()
        )

    # ---- modes and gradients -----------------------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Set training mode (``mode=True``) or evaluation mode on the whole tree; returns self."""
        for module in self.modules():
            module.training = bool(mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode: ``Dropout`` passes its input through unchanged. Returns self."""
        return self.train(False)

    @contextmanager
    def evaluating(self) -> Iterator[Module]:
        """Inside the block: evaluation mode, and no graph recorded (``no_grad``). After it,
        the mode the module had is restored. ``evaluate``, ``predict``, ``summary`` and the
        building of lazy layers run the model this way.

            with model.evaluating():
                probabilities = model(x)
        """
        training = self.training
        self.eval()
        try:
            with no_grad():
                yield self
        finally:
            self.train(training)

    # ---- what the layers compute ------------------------------------------------------------

    @contextmanager
    def record_activations(self) -> Iterator[list[LayerActivations]]:
        """Record, inside the block, what every layer of this tree computes on either side of
        its non-linearity: for each forward pass of a layer that computes j = s(j̄) (``Dense``,
        ``Conv2D``), one ``LayerActivations(layer, pre, post)`` holding the Tensors j̄ and j of
        that pass, appended, in the order the layers ran, to the list the block receives.

            with model.record_activations() as records:
                z = model(x)
            for record in records:                   # keep ∂z/∂j̄ and ∂z/∂j after backward
                record.pre.retain_grad()
                record.post.retain_grad()
            z.backward()                             # record.pre.grad is ∂z/∂j̄

        The drawings of ``viz`` read a network's numbers this way. After the block nothing is
        recorded any more, and nothing is kept on the layers.
        """
        records: list[LayerActivations] = []
        modules = list(self.modules())
        for module in modules:
            module._set_activation_records((*module._activation_records, records))
        try:
            yield records
        finally:
            for module in modules:
                module._set_activation_records(
                    tuple(kept for kept in module._activation_records if kept is not records)
                )

    def _set_activation_records(self, records: tuple[list[LayerActivations], ...]) -> None:
        if records:
            self._activation_records = records
        else:
            self.__dict__.pop("_activation_records", None)

    def _report_activations(self, pre: Tensor, post: Tensor) -> None:
        """What a layer's forward pass calls with its j̄ and j while ``_activation_records``
        is not empty (inside ``record_activations``)."""
        record = LayerActivations(self, pre, post)
        for records in self._activation_records:
            records.append(record)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient: ``grad = None`` (cheaper than filling zeros), or
        zeros written into each gradient array with ``set_to_none=False`` (PyTorch's option;
        see ``nn.optim.zero_gradients``)."""
        zero_gradients(self.parameters(), set_to_none)

    def to(self, device: str) -> Module:
        """Move every parameter to ``device`` ('cpu', 'cuda', 'cuda:N'), in place; returns self.

        An optimizer's state follows the parameters at its next step. A model whose weights
        are not made yet (layers without ``input_shape``, never called) cannot move to a GPU:
        there is nothing to move yet, and ``fit`` would make them on the CPU.
        """
        device = backend.normalize_device(device)
        unbuilt = [name for name, slot in self._expected_state().items() if not slot.built]
        if unbuilt and device != "cpu":
            raise ValueError(
                f"this model is not built yet ({', '.join(unbuilt)} do not exist), so nothing "
                f"would move to {device}: give its first layer input_shape=..., or call it once "
                f"on a batch that lives on {device}, which builds it there"
            )
        for parameter in self.parameters():
            parameter.data = backend.to_device(parameter.data, device)
            parameter.grad = None
        return self

    # ---- state -------------------------------------------------------------------------------

    def state_dict(self) -> dict[str, numpy.ndarray]:
        """A copy of every parameter's values as NumPy arrays, keyed by dotted name."""
        return {
            name: numpy.array(backend.to_device(p.data, "cpu"), copy=True)
            for name, p in self.named_parameters()
        }

    def _expected_state(self) -> dict[str, _Slot]:
        """For every parameter name: where it lives and what an array loaded into it must
        look like (see ``_Slot``)."""
        expected: dict[str, _Slot] = {}
        seen: set[int] = set()
        for module_name, module in self.named_modules():
            for name, parameter in module._parameter_slots():
                full = f"{module_name}.{name}" if module_name else name
                if parameter is None:
                    expected[full] = _Slot(
                        module, name, module._lazy_shape(name), module._lazy_dtype(name), False
                    )
                elif id(parameter) not in seen:
                    seen.add(id(parameter))
                    expected[full] = _Slot(
                        module, name, tuple(parameter.shape), numpy.dtype(parameter.dtype), True
                    )
        return expected

    def _lazy_shape(self, name: str) -> tuple[int | None, ...]:
        """The shape that declared-but-unbuilt parameter ``name`` will have (None: unknown)."""
        raise NotImplementedError(
            f"{type(self).__name__} declares lazy parameter {name!r} but does not say its shape"
        )

    def _lazy_dtype(self, name: str) -> numpy.dtype:
        """The dtype that declared-but-unbuilt parameter ``name`` will have."""
        raise NotImplementedError(
            f"{type(self).__name__} declares lazy parameter {name!r} but does not say its dtype"
        )

    def _build_from_state(self, arrays: dict[str, numpy.ndarray]) -> None:
        """Create the unbuilt parameters to fit ``arrays`` (their local names to values)."""
        raise NotImplementedError(f"{type(self).__name__} cannot be built from saved weights")

    def _state_problems(
        self, described: Mapping[str, tuple[tuple[int, ...], Any] | None]
    ) -> list[str]:
        """Why arrays with these (shape, dtype), by name, cannot be loaded: missing and
        unexpected names, dtypes that are not numbers, shapes that do not fit. An entry of
        None is a name whose array was not looked at (only its name is checked)."""
        expected = self._expected_state()
        problems = []
        missing = [name for name in expected if name not in described]
        unexpected = [name for name in described if name not in expected]
        if missing:
            problems.append(f"missing: {', '.join(missing)}")
        if unexpected:
            problems.append(f"unexpected: {', '.join(unexpected)}")
        for name, slot in expected.items():
            if described.get(name) is None:
                continue
            shape, dtype = described[name]
            if numpy.dtype(dtype).kind not in "fiu":
                problems.append(f"{name} holds dtype {dtype}, not numbers")
            elif not _fits(tuple(shape), slot.shape):
                problems.append(
                    f"{name} has shape {tuple(shape)}, the model needs {slot.shape_text}"
                )
        return problems

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Copy ``state`` (name -> array) into the parameters, all of them or none.

        Every name of ``state_dict()`` must be present with the same shape, and no other name,
        and the values must be finite and within the range of the parameter's dtype (a float64
        1e39 would become inf in float32): otherwise a ValueError lists the missing, unexpected,
        mis-shaped and non-finite arrays, and the model is left as it was. Values are converted
        to each parameter's dtype and device.
        """
        expected = self._expected_state()
        arrays: dict[str, numpy.ndarray] = {}
        for name, value in state.items():
            if name in expected:
                array = value.data if isinstance(value, Tensor) else value
                arrays[name] = numpy.asarray(backend.to_device(array, "cpu"))
        problems = self._state_problems(
            {
                name: (arrays[name].shape, arrays[name].dtype) if name in arrays else None
                for name in state
            }
        )
        if not problems:
            problems = [
                problem
                for name, slot in expected.items()
                if (problem := _value_problem(name, arrays[name], slot.dtype))
            ]
        if problems:
            raise ValueError(
                "load_state_dict: the weights do not fit this model; " + "; ".join(problems)
            )
        unbuilt: dict[int, tuple[Module, dict[str, numpy.ndarray]]] = {}
        for name, slot in expected.items():
            if not slot.built:
                unbuilt.setdefault(id(slot.module), (slot.module, {}))[1][slot.attribute] = arrays[
                    name
                ]
        for module, local_arrays in unbuilt.values():
            module._build_from_state(local_arrays)
        for name, slot in expected.items():
            parameter = getattr(slot.module, slot.attribute)
            xp = backend.array_module(parameter.data)
            parameter.data[...] = xp.asarray(arrays[name], dtype=parameter.dtype)

    # ---- Keras's Model methods ---------------------------------------------------------------

    def compile(
        self,
        optimizer: str | optim.Optimizer = "adam",
        loss: str | losses.Loss | Callable[[Any, Any], Tensor] | None = None,
        metrics: Sequence[str | Callable[[Any, Any], Any]] | None = None,
    ) -> None:
        """Choose how ``fit`` trains: the optimizer, the loss and the metrics to report.

        Args:
            optimizer: 'sgd' (lr 0.01), 'adam' (lr 0.001), or an optimizer such as
                ``nn.SGD(lr=0.1, momentum=0.9)`` (without parameters it gets the model's).
            loss: a Keras name ('hinge', 'binary_crossentropy', 'categorical_crossentropy',
                'sparse_categorical_crossentropy', 'mse'), 'cross_entropy' (on logits), a Loss
                object (``nn.CrossEntropyLoss()``, ``nn.BinaryCrossentropy(from_logits=True)``)
                or a function (prediction, target) -> Tensor.
            metrics: e.g. ``['accuracy']``, or functions (y_true, y_pred) -> number.
        """
        from . import training

        training.compile(self, optimizer, loss, metrics)

    @property
    def optimizer(self) -> optim.Optimizer | None:
        """The optimizer chosen by ``compile`` (made at the first ``fit`` if given by name)."""
        from . import training

        return training.compiled_optimizer(self)

    def fit(
        self,
        x: Any,
        y: Any,
        batch_size: int | None = 32,
        epochs: int = 1,
        verbose: int = 1,
        validation_data: tuple[Any, Any] | None = None,
        shuffle: bool = True,
    ) -> History:
        """Train for ``epochs`` passes over (x, y) in batches of ``batch_size``.

        Args:
            x, y: the samples (one per row) and their targets; arrays, lists or Tensors.
            batch_size: samples per step, an integer >= 1 (None means 32, the default; the
                last batch may be smaller).
            epochs: passes over the data, an integer >= 0.
            verbose: 0 silent, 1 a progress bar per epoch, 2 one line per epoch (to stdout).
            validation_data: (x_val, y_val), evaluated after every epoch; checked before
                the first batch (samples of the training samples' shape, valid targets).
            shuffle: reorder the samples before every epoch (with ``autograd_lite``'s
                default generator, so ``manual_seed`` makes it reproducible).

        Returns:
            a History; it is also kept as ``model.history``. If the loss, or a gradient,
            becomes nan or infinite, training stops before that batch's update with a
            RuntimeWarning naming the epoch and the batch, and the History holds the epochs
            completed before it (see ``nn/training.py``).
        """
        from . import training

        return training.fit(self, x, y, batch_size, epochs, verbose, validation_data, shuffle)

    def evaluate(
        self, x: Any, y: Any, batch_size: int | None = 32, verbose: int = 1
    ) -> float | list[float]:
        """The loss on (x, y), and the metrics: a float without metrics, else
        ``[loss, metric, ...]`` in the order of ``compile``, as Keras returns them."""
        from . import training

        return training.evaluate(self, x, y, batch_size, verbose)

    def predict(self, x: Any, batch_size: int | None = 32, verbose: int = 0) -> numpy.ndarray:
        """The model's outputs for x as a NumPy array, in evaluation mode, without a graph."""
        from . import training

        return training.predict(self, x, batch_size, verbose)

    def summary(self, print_fn: Callable[[str], Any] | None = None) -> None:
        """Print the layers, their output shapes and parameter counts, and the totals."""
        from .summary import summary_text

        (print_fn or print)(summary_text(self))

    def save_weights(self, path: PathLike) -> None:
        """Save the parameters to ``path`` (.npz; see ``nn.serialization``)."""
        from .serialization import save_weights

        save_weights(self, path)

    def load_weights(self, path: PathLike) -> None:
        """Load parameters saved by ``save_weights``, all or none (see ``nn.serialization``)."""
        from .serialization import load_weights

        load_weights(self, path)

    # ---- printing ----------------------------------------------------------------------------

    def extra_repr(self) -> str:
        """The arguments shown between the parentheses of ``repr`` (override in layers)."""
        return ""

    def __repr__(self) -> str:
        children = list(self.named_children())
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = [f"{type(self).__name__}({self.extra_repr()}"]
        for name, child in children:
            body = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {body}")
        return "\n".join(lines) + "\n)"


@dataclass(frozen=True)
class LayerActivations:
    """What one forward pass of a layer computed, in the lecture's notation (see
    ``Module.record_activations``): for its units j, ``pre`` = j̄, the values before the
    non-linearity s, and ``post`` = j = s(j̄), the values after it, as the Tensors of that pass.
    """

    layer: Module
    pre: Tensor
    post: Tensor


@dataclass(frozen=True)
class _Slot:
    """Where a parameter named in ``state_dict`` lives, and what a loaded array must fit."""

    module: Module
    attribute: str
    shape: tuple[int | None, ...]  # None: a size an unbuilt module takes from what it loads
    dtype: numpy.dtype
    built: bool

    @property
    def shape_text(self) -> str:
        """The shape as a tuple is written, with '?' for a size not fixed yet: '(4, ?)'."""
        sizes = ", ".join("?" if n is None else str(n) for n in self.shape)
        return f"({sizes},)" if len(self.shape) == 1 else f"({sizes})"


def _value_problem(name: str, array: numpy.ndarray, dtype: numpy.dtype) -> str | None:
    """Why the values of ``array`` cannot become a parameter of ``dtype``: nan or infinity,
    or values beyond the dtype's range. The minimum and the maximum settle it: a nan makes
    both nan, an infinity one of them infinite."""
    if array.dtype.kind not in "fiu" or array.size == 0:
        return None
    low, high = float(array.min()), float(array.max())
    if not (math.isfinite(low) and math.isfinite(high)):
        bad = int(array.size - numpy.count_nonzero(numpy.isfinite(array)))
        return f"{name} holds {bad} nan or infinite value(s)"
    if dtype.kind == "f":
        limit = float(numpy.finfo(dtype).max)
        if max(-low, high) > limit:
            return (
                f"{name} holds values up to {max(-low, high):.4g} in magnitude, beyond "
                f"the range of {dtype} (±{limit:.4g})"
            )
    return None


def _fits(shape: tuple[int, ...], wanted: tuple[int | None, ...]) -> bool:
    return len(shape) == len(wanted) and all(
        w is None or w == s for s, w in zip(shape, wanted, strict=True)
    )
