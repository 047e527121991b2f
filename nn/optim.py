"""Optimizers: ``SGD`` and ``Adam``, with PyTorch's update rules, step for step.

An optimizer holds a list of parameters θ. ``step()`` changes each ``θ.data`` in place from
its gradient g = ``θ.grad`` with array operations (no graph is recorded), writing what it
computes on the way into arrays it keeps from step to step (``out=``) rather than into new
ones, and ``zero_grad()`` sets every ``θ.grad`` to None (or, with ``set_to_none=False``, fills
it with zeros in place). A parameter whose gradient is None is skipped.

A typical loop:

    optimizer = nn.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for x, y in batches:
        optimizer.zero_grad()
        loss = nn.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()

Updating in place means that a graph kept with ``retain_graph=True`` across a step sees the new
weights (PyTorch would refuse to go back through it). An optimizer's state (momentum buffers,
Adam's moments) follows its parameters when a model moves between the CPU and a GPU.

The settings (``lr``, ``momentum``, ``betas``, ...) are checked whenever they are set, in the
constructor and afterwards: ``optimizer.lr = -5`` or ``optimizer.betas = (0.9, float('nan'))``
raises at once, naming the setting, instead of quietly ruining the next step.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any

from autograd_lite import Tensor, backend
from autograd_lite.backend import array_module

# ---- settings checked when they are set ------------------------------------------------------


class Setting:
    """An optimizer's setting, checked each time it is assigned (``opt.lr = -5`` raises).

    ``check(value)`` returns the value to keep, or raises a TypeError or ValueError that says
    what the value must be; the message is prefixed with the optimizer and the setting's name.
    After a change, the optimizer's ``_check_settings()`` may refuse a combination (Nesterov
    without momentum): the previous value is then restored.
    """

    def __init__(self, check: Callable[[Any], Any]) -> None:
        self.check = check
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, optimizer: Any, owner: type | None = None) -> Any:
        if optimizer is None:
            return self
        return optimizer.__dict__[self.name]

    def __set__(self, optimizer: Any, value: Any) -> None:
        try:
            checked = self.check(value)
        except (TypeError, ValueError) as error:
            raise type(error)(f"{type(optimizer).__name__}: {self.name} {error}") from None
        settings = optimizer.__dict__
        missing = object()
        previous = settings.get(self.name, missing)
        settings[self.name] = checked
        try:
            optimizer._check_settings()
        except ValueError:
            if previous is missing:
                del settings[self.name]
            else:
                settings[self.name] = previous
            raise


def _real(value: Any) -> float:
    """``value`` as a finite float; bools, strings and arrays are refused."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"must be a real number, got {value!r} ({type(value).__name__})")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"must be a finite number, got {number}")
    return number


def number_in(
    low: float, high: float = math.inf, *, low_open: bool = False, high_open: bool = False
) -> Callable[[Any], float]:
    """A check for a finite number within [low, high] (an end is excluded if ``_open``)."""
    if high == math.inf:
        wanted = f"{'>' if low_open else '>='} {low:g}"
    else:
        wanted = f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"

    def check(value: Any) -> float:
        number = _real(value)
        if (
            number < low
            or number > high
            or (low_open and number == low)
            or (high_open and number == high)
        ):
            raise ValueError(f"must be {wanted}, got {value!r}")
        return number

    return check


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"must be True or False, got {value!r}")
    return value


def _betas(value: Any) -> tuple[float, float]:
    """Adam's (β₁, β₂), each in [0, 1): β = 1 would never forget, and makes 1 - βᵗ zero."""
    try:
        beta1, beta2 = value
    except (TypeError, ValueError):
        raise TypeError(f"must be a pair (beta1, beta2), got {value!r}") from None
    unit = number_in(0.0, 1.0, high_open=True)
    try:
        return unit(beta1), unit(beta2)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{error} (betas={value!r})") from None


# ---- optimizers -------------------------------------------------------------------------------


class Optimizer:
    """The parameter list, ``zero_grad`` and the learning rate shared by every optimizer.

    ``params`` may be left out (or empty) when the optimizer is given to ``compile``: ``fit``
    then attaches the model's parameters.
    """

    lr = Setting(number_in(0.0))

    def __init__(self, params: Iterable[Tensor] | None, lr: float) -> None:
        self.lr = lr
        self.params: list[Tensor] = []
        self._scratch: list[Any] = []  # per parameter: where each step writes its update
        if params is not None:
            self.add_params(params)

    @property
    def learning_rate(self) -> float:
        """Keras's name for ``lr``."""
        return self.lr

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self.lr = value

    def _check_settings(self) -> None:
        """Refuse a combination of settings that cannot work (called after every change)."""

    def add_params(self, params: Iterable[Tensor]) -> None:
        """Add parameters to optimize (each one once)."""
        known = {id(p) for p in self.params}
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"an optimizer takes Tensors (parameters), got {type(p).__name__}")
            if id(p) not in known:
                known.add(id(p))
                self.params.append(p)
                self._scratch.append(None)
                self._add_state()

    def _add_state(self) -> None:
        """Make room for one more parameter's state (momentum buffers, moments)."""

    def _scratch_like(self, i: int, g: Any) -> Any:
        """An array shaped like gradient ``g`` of parameter ``i``, kept from step to step, for
        the update to be written into (``out=``): saves allocating it anew at every step."""
        buffer = self._scratch[i]
        if (
            buffer is None
            or buffer.__class__ is not g.__class__
            or buffer.shape != g.shape
            or buffer.dtype != g.dtype
        ):
            buffer = self._scratch[i] = array_module(g).empty_like(g)
        return buffer

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient; see ``zero_gradients``."""
        zero_gradients(self.params, set_to_none)

    def step(self) -> None:
        raise NotImplementedError


def zero_gradients(parameters: Iterable[Tensor], set_to_none: bool = True) -> None:
    """Forget the gradients of ``parameters``, as PyTorch's ``zero_grad(set_to_none=...)``.

    By default each ``.grad`` becomes None, which costs nothing. With ``set_to_none=False``
    each gradient array is filled with zeros in place instead (an array you kept becomes zeros
    too, as in PyTorch), and the next ``backward()`` adds into the same array; a gradient that
    is a Tensor (from ``create_graph=True``) or a view is replaced by new zeros. A ``.grad``
    that is None stays None.
    """
    for p in parameters:
        grad = p.grad
        if set_to_none or grad is None:
            p.grad = None
        elif backend.is_array(grad) and backend.can_write_in_place(grad):
            grad.fill(0)
        else:
            data = grad.data if isinstance(grad, Tensor) else grad
            p.grad = array_module(data).zeros_like(data)


def _beside(state: Any, parameter: Any) -> Any:
    """An optimizer's ``state`` array on the device of its ``parameter``'s array: moved there if
    the model moved (CPU and GPU arrays are of different classes) since the state was made."""
    if state.__class__ is parameter.__class__:
        return state
    return backend.to_device(state, backend.device_of(parameter))


class SGD(Optimizer):
    """Stochastic gradient descent, with PyTorch's ``torch.optim.SGD`` rule. For each θ:

        g ← ∇θ + λ θ                                   (weight decay λ, when λ ≠ 0)
        b ← g                        at the first step  (momentum μ ≠ 0)
        b ← μ b + (1 - τ) g          afterwards         (dampening τ)
        g ← g + μ b  if nesterov,  else  g ← b         (when μ ≠ 0)
        θ ← θ - η g                                     (learning rate η)

    Args:
        params: the parameters (e.g. ``model.parameters()``).
        lr: η.   momentum: μ.   dampening: τ.   weight_decay: λ (an L2 penalty λ/2·‖θ‖²).
        nesterov: Nesterov momentum (needs μ > 0 and τ = 0).
        learning_rate: Keras's name for ``lr`` (overrides it).

    Each setting must be finite: η ≥ 0, 0 ≤ μ ≤ 1 (μ > 1 makes the steps grow without
    bound), 0 ≤ τ ≤ 1, λ ≥ 0.
    """

    momentum = Setting(number_in(0.0, 1.0))
    dampening = Setting(number_in(0.0, 1.0))
    weight_decay = Setting(number_in(0.0))
    nesterov = Setting(_flag)

    def __init__(
        self,
        params: Iterable[Tensor] | None = None,
        lr: float = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
        dampening: float = 0.0,
        *,
        learning_rate: float | None = None,
    ) -> None:
        super().__init__(params, lr if learning_rate is None else learning_rate)
        self.momentum = momentum
        self.dampening = dampening
        self.weight_decay = weight_decay
        self.nesterov = nesterov
        self.momentum_buffers: list[Any] = [None] * len(self.params)

    def _check_settings(self) -> None:
        settings = self.__dict__
        if settings.get("nesterov") and (settings["momentum"] <= 0 or settings["dampening"] != 0):
            raise ValueError(
                f"SGD: Nesterov momentum needs momentum > 0 and dampening = 0, got "
                f"momentum={settings['momentum']} and "
                f"dampening={settings['dampening']}"
            )

    def _add_state(self) -> None:
        if hasattr(self, "momentum_buffers"):
            self.momentum_buffers.append(None)

    def step(self) -> None:
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        for i, p in enumerate(self.params):
            g = p.grad
            if g is None:
                continue
            if wd:
                g = g + wd * p.data
            if mu:
                buffer = self.momentum_buffers[i]
                if buffer is None:
                    buffer = self.momentum_buffers[i] = g.copy()
                else:
                    buffer = self.momentum_buffers[i] = _beside(buffer, g)
                    buffer *= mu
                    buffer += (1 - self.dampening) * g if self.dampening else g
                g = g + mu * buffer if self.nesterov else buffer
            p.data -= array_module(g).multiply(g, lr, out=self._scratch_like(i, g))  # η g

    def __repr__(self) -> str:
        return (
            f"SGD(lr={self.lr}, momentum={self.momentum}, nesterov={self.nesterov}, "
            f"weight_decay={self.weight_decay})"
        )


class Adam(Optimizer):
    """Adam, with PyTorch's ``torch.optim.Adam`` rule (bias-corrected moments). For each θ, at
    its t-th step (t = 1, 2, ...):

        g ← ∇θ + λ θ                                   (weight decay λ, when λ ≠ 0)
        m ← β₁ m + (1 - β₁) g                          (m₀ = 0)
        v ← β₂ v + (1 - β₂) g²                         (v₀ = 0)
        θ ← θ - (η / (1 - β₁ᵗ)) · m / (√v / √(1 - β₂ᵗ) + ε)

    Args:
        params: the parameters.   lr: η.   betas: (β₁, β₂).   eps: ε.
        weight_decay: λ, added to the gradient (the L2 form, not AdamW's).
        learning_rate: Keras's name for ``lr`` (overrides it).

    Each setting must be finite: η ≥ 0, 0 ≤ β₁, β₂ < 1, ε > 0 (with ε = 0, a parameter whose
    gradient is still exactly 0 gets 0/0), λ ≥ 0.
    """

    betas = Setting(_betas)
    eps = Setting(number_in(0.0, low_open=True))
    weight_decay = Setting(number_in(0.0))

    def __init__(
        self,
        params: Iterable[Tensor] | None = None,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        *,
        learning_rate: float | None = None,
    ) -> None:
        super().__init__(params, lr if learning_rate is None else learning_rate)
        self.betas = betas
        self.eps = eps
        self.weight_decay = weight_decay
        self.steps: list[int] = [0] * len(self.params)
        self.first_moments: list[Any] = [None] * len(self.params)
        self.second_moments: list[Any] = [None] * len(self.params)

    def _add_state(self) -> None:
        if hasattr(self, "steps"):
            self.steps.append(0)
            self.first_moments.append(None)
            self.second_moments.append(None)

    def step(self) -> None:
        lr, (beta1, beta2), eps, wd = self.lr, self.betas, self.eps, self.weight_decay
        for i, p in enumerate(self.params):
            g = p.grad
            if g is None:
                continue
            if wd:
                g = g + wd * p.data
            m, v = self.first_moments[i], self.second_moments[i]
            xp = array_module(p.data)
            if m is None:
                m = self.first_moments[i] = xp.zeros_like(p.data)
                v = self.second_moments[i] = xp.zeros_like(p.data)
            elif m.__class__ is not p.data.__class__:
                m = self.first_moments[i] = _beside(m, p.data)
                v = self.second_moments[i] = _beside(v, p.data)
            t = self.steps[i] = self.steps[i] + 1
            # Each intermediate result goes into one buffer kept between steps (``out=``)
            # instead of a new array: the same arithmetic, in the same order.
            scratch = self._scratch_like(i, m)
            m *= beta1
            m += xp.multiply(g, 1 - beta1, out=scratch)
            v *= beta2
            scratch = xp.multiply(g, g, out=scratch)
            scratch *= 1 - beta2
            v += scratch
            step_size = lr / (1 - beta1**t)
            denominator = xp.sqrt(v, out=scratch)
            denominator /= math.sqrt(1 - beta2**t)
            denominator += eps
            update = xp.divide(m, denominator, out=scratch)
            update *= step_size
            p.data -= update

    def __repr__(self) -> str:
        return (
            f"Adam(lr={self.lr}, betas={self.betas}, eps={self.eps}, "
            f"weight_decay={self.weight_decay})"
        )


OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {
    "sgd": lambda params: SGD(params, lr=0.01),  # Keras's default learning rate
    "adam": lambda params: Adam(params, lr=1e-3),
}


def get(identifier: str | Optimizer, params: Iterable[Tensor] | None = None) -> Optimizer:
    """An optimizer by name ('sgd' with lr 0.01, 'adam' with lr 0.001, Keras's defaults) over
    ``params``, or an Optimizer as it is. Unknown names list the valid ones."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in OPTIMIZERS:
        return OPTIMIZERS[identifier.lower()](params)
    raise ValueError(
        f"unknown optimizer {identifier!r}; valid names: "
        f"{', '.join(OPTIMIZERS)}, or an nn.optim.Optimizer such as "
        "nn.SGD(model.parameters(), lr=0.1)"
    )
