"""The scalar engine: one ``Value`` per number, micrograd's API.

Every operation makes a new ``Value`` and records, right beside its forward formula, the local
derivative of its output with respect to each input. For ``out = a * b`` those are
``∂out/∂a = b`` and ``∂out/∂b = a``. The backward pass then needs only the chain rule:

    ∂z/∂parent += ∂out/∂parent · ∂z/∂out        for every node, output first.

Storing numbers instead of closures keeps nodes free of reference cycles, so Python frees a
graph as soon as the last reference to it goes. Every elementary op has one or two inputs, so a
node keeps them in two fields (``_left``, ``_right``) rather than in a tuple: one object per node
instead of three, which matters because Python's garbage collector visits every object that holds
others. The one node with more inputs is ``WeightedSum`` (a neuron's j̄ = Σ_i w_i·x_i + β, 2n + 1
inputs), which keeps its weights and its inputs in two tuples and β in ``_left``.
"""

from __future__ import annotations

import math
import numbers


class Value:
    """A scalar that remembers how it was computed.

    Attributes:
        data: the number (a float).
        grad: ∂z/∂(this value) after ``z.backward()``; 0.0 before.
        has_grad: whether a backward pass has reached this node (a drawing made earlier shows
            the gradient as not yet computed rather than 0).
        label: an optional name, used by drawings.
        _prev: the Values this one was computed from (its parents), as a tuple.
        _op: the name of the operation that made it ('' for inputs).
        _left, _right: the parents (None where there is none).
        _d_left, _d_right: ∂(this value)/∂_left and ∂(this value)/∂_right.
    """

    __slots__ = (
        "data",
        "grad",
        "has_grad",
        "label",
        "_op",
        "_left",
        "_d_left",
        "_right",
        "_d_right",
    )

    def __init__(self, data, _children=(), _op="", label="", _local_grads=()):
        if data.__class__ is not float:
            data = _as_float(data)
        if len(_children) > 2 or len(_local_grads) != len(_children):
            raise ValueError(
                "a Value is made from at most two parents, with one local derivative each: "
                f"got {len(_children)} parents and {len(_local_grads)} derivatives"
            )
        self.data = data
        self.grad = 0.0
        self.has_grad = False
        self.label = label
        self._op = _op
        self._left, self._right = (tuple(_children) + (None, None))[:2]
        self._d_left, self._d_right = (tuple(_local_grads) + (0.0, 0.0))[:2]

    @property
    def _prev(self) -> tuple:
        if self._right is not None:
            return (self._left, self._right)
        return () if self._left is None else (self._left,)

    # ---- arithmetic: forward value, then ∂out/∂input for each input ------------------------

    def __add__(self, other):
        if other.__class__ is not Value:  # tested here: saves a call for Value + Value
            other = _as_value(other)
        out = _new_value(Value)  # _result(...), inlined here and in __mul__: saves a call
        out.data = self.data + other.data
        out.grad = 0.0
        out.has_grad = False
        out.label = ""
        out._op = "+"
        out._left = self
        out._d_left = 1.0
        out._right = other
        out._d_right = 1.0
        return out

    def __mul__(self, other):
        if other.__class__ is not Value:
            other = _as_value(other)
        out = _new_value(Value)
        out.data = self.data * other.data
        out.grad = 0.0
        out.has_grad = False
        out.label = ""
        out._op = "*"
        out._left = self
        out._d_left = other.data
        out._right = other
        out._d_right = self.data
        return out

    def __pow__(self, exponent):
        """a ** b. ∂/∂a = b·a^(b-1); for a Value exponent also ∂/∂b = a^b·ln(a) (needs a > 0)."""
        if isinstance(exponent, Value):
            return _power_with_value_exponent(self, exponent)
        if not isinstance(exponent, numbers.Real):
            raise TypeError(
                f"the exponent must be an int, a float or a Value, got {type(exponent).__name__}"
            )
        a, b = self.data, float(exponent)
        _check_real_power(a, b)
        return _result(a**b, f"**{_short(exponent)}", left=self, d_left=_power_derivative(a, b))

    def __rpow__(self, base):
        """base ** self for a plain number ``base``."""
        return _as_value(base) ** self

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-_as_value(other))

    def __truediv__(self, other):
        return self * _as_value(other) ** -1

    def __radd__(self, other):
        return self + other

    def __rsub__(self, other):
        return _as_value(other) - self

    def __rmul__(self, other):
        return self * other

    def __rtruediv__(self, other):
        return _as_value(other) / self

    # ---- non-linearities ---------------------------------------------------------------------

    def relu(self):
        """max(0, x); derivative 1 for x > 0, else 0."""
        x = self.data
        return _result(x if x > 0 else 0.0, "ReLU", left=self, d_left=1.0 if x > 0 else 0.0)

    def tanh(self):
        """tanh(x); derivative 1 - tanh(x)^2."""
        t = math.tanh(self.data)
        return _result(t, "tanh", left=self, d_left=1.0 - t * t)

    def sigmoid(self):
        """s(x) = 1 / (1 + e^-x); derivative s(x)·(1 - s(x))."""
        x = self.data
        if x >= 0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        return _result(s, "sigmoid", left=self, d_left=s * (1.0 - s))

    def exp(self):
        """e^x; derivative e^x."""
        e = math.exp(self.data)
        return _result(e, "exp", left=self, d_left=e)

    def log(self):
        """ln(x) for x > 0; derivative 1/x."""
        x = self.data
        if x <= 0:
            raise ValueError(f"log is defined for positive numbers only, got {x}")
        return _result(math.log(x), "log", left=self, d_left=1.0 / x)

    # ---- backward pass -------------------------------------------------------------------------

    def backward(self):
        """Fill ``.grad`` of every node this one depends on with ∂self/∂node.

        Inputs (leaves) accumulate, as in PyTorch: a second call adds the same gradients again.
        Intermediate nodes hold the gradient of this pass only.
        """
        order = _backward_order(self)  # also sets has_grad, and grad = 0.0 on non-leaves
        if self._left is not None:
            self.grad = 1.0
        else:
            self.grad += 1.0
        for node in reversed(order):
            if node.__class__ is Value:  # _chain_rule, inlined: saves a method call per node
                grad = node.grad
                node._left.grad += node._d_left * grad
                right = node._right
                if right is not None:
                    right.grad += node._d_right * grad
            else:
                node._chain_rule()

    def _chain_rule(self) -> None:
        """Pass ∂z/∂self on to the parents: ∂z/∂parent += ∂self/∂parent · ∂z/∂self."""
        left = self._left
        if left is not None:
            grad = self.grad
            left.grad += self._d_left * grad
            right = self._right
            if right is not None:
                right.grad += self._d_right * grad

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"


class WeightedSum(Value):
    """j̄ = Σ_i w_i·x_i + β as one node: the lecture's pre-activation of a neuron j.

    Its parents are every w_i, every x_i and β; the local derivatives are
    ∂j̄/∂w_i = x_i, ∂j̄/∂x_i = w_i and ∂j̄/∂β = 1. One node instead of 2n makes a scalar network's
    graph several times smaller, and draws as the lecture draws a neuron.
    """

    __slots__ = ("_weights", "_inputs")

    @property
    def _prev(self) -> tuple:
        return (*self._weights, *self._inputs, self._left)

    def _chain_rule(self) -> None:
        grad = self.grad
        for w, x in zip(self._weights, self._inputs):
            w.grad += x.data * grad
            x.grad += w.data * grad
        self._left.grad += grad  # β


def weighted_sum(weights, inputs, bias=0.0) -> Value:
    """Σ_i w_i·x_i + β as one ``Value`` node (see ``WeightedSum``); numbers become Values."""
    weights = tuple(_as_value(w) for w in weights)
    inputs = tuple(_as_value(x) for x in inputs)
    if len(weights) != len(inputs):
        raise ValueError(
            f"weighted_sum needs one weight per input: got {len(weights)} weights "
            f"and {len(inputs)} inputs"
        )
    bias = _as_value(bias)
    total = bias.data
    for w, x in zip(weights, inputs):
        total += w.data * x.data
    out = _result(total, "Σw·x+β", left=bias, d_left=1.0, kind=WeightedSum)  # ∂j̄/∂β = 1
    out._weights = weights
    out._inputs = inputs
    return out


def _backward_order(root: Value) -> list:
    """The nodes of ``root``'s graph that have parents, each one after its parents, with every
    node reached readied for the backward pass: ``has_grad`` set, and ``grad = 0.0`` where the
    node has parents (an input keeps its gradient: inputs accumulate).

    A depth-first search like ``graph.topological_order``'s, made for Values because the
    backward pass of a scalar network spends most of its time here. It reads a node's two
    parent fields instead of building its ``_prev`` tuple, and leaves inputs out of the order
    (their place in it does not matter), which makes it 3× faster on micrograd's network. A
    ``WeightedSum``, with more parents, is read through ``_prev``.
    """
    order = []
    visited = set()  # a Value hashes by identity (it defines no ==)
    stack = [root]
    expanded = []  # below each expanded node's parents, the stack holds a None: "list it now"
    while stack:
        node = stack.pop()
        if node is None:
            order.append(expanded.pop())
            continue
        node.has_grad = True
        if node._left is None or node in visited:  # an input, or a node already expanded
            continue
        visited.add(node)
        node.grad = 0.0
        stack.append(None)
        expanded.append(node)
        if node.__class__ is Value:
            right = node._right
            if right is not None and right not in visited:
                stack.append(right)
            stack.append(node._left)
        else:
            stack.extend(node._prev)
    return order


def _result(
    data: float,
    op: str,
    *,
    left: Value,
    d_left: float,
    right: Value | None = None,
    d_right: float = 0.0,
    kind: type = Value,
) -> Value:
    """The output of an op: its value ``data``, its name ``op``, and each parent with
    ∂output/∂parent (``d_left`` for ``left``, ``d_right`` for ``right``). The parents are named
    at every call, so that a reader sees which derivative goes with which input."""
    out = _new_value(kind)
    out.data = data
    out.grad = 0.0
    out.has_grad = False
    out.label = ""
    out._op = op
    out._left = left
    out._d_left = d_left
    out._right = right
    out._d_right = d_right
    return out


_new_value = object.__new__


def _as_value(x) -> Value:
    return x if x.__class__ is Value or isinstance(x, Value) else Value(x)


def _as_float(data) -> float:
    if isinstance(data, Value):
        return data.data
    if not isinstance(data, numbers.Real):
        raise TypeError(f"Value needs a real number, got {type(data).__name__}: {data!r}")
    return float(data)


def _short(number) -> str:
    return f"{number:g}" if isinstance(number, float) else str(number)


def _check_real_power(base: float, exponent: float) -> None:
    if base < 0 and not float(exponent).is_integer():
        raise ValueError(
            f"{base} ** {exponent} is not a real number (negative base, fractional exponent)"
        )


def _power_derivative(a: float, b: float) -> float:
    """∂(a^b)/∂a = b·a^(b-1): 0 for b = 0, and +inf at a = 0 for 0 < b < 1 (as for √a)."""
    if b == 0:
        return 0.0
    if a == 0 and b < 1:
        return math.inf if b > 0 else _undefined_power(a, b)
    return b * a ** (b - 1)


def _undefined_power(a: float, b: float):
    raise ZeroDivisionError(f"{a} cannot be raised to the negative power {b}")


def _power_with_value_exponent(base: Value, exponent: Value) -> Value:
    a, b = base.data, exponent.data
    _check_real_power(a, b)
    out = a**b
    if a > 0:
        d_exponent = out * math.log(a)
    elif a == 0 and b > 0:
        d_exponent = 0.0  # the limit of a^b·ln(a) as a -> 0+
    else:
        raise ValueError(
            f"the gradient of {a} ** b with respect to the exponent b needs a positive base"
        )
    d_base = _power_derivative(a, b)
    return _result(out, "**", left=base, d_left=d_base, right=exponent, d_right=d_exponent)
