"""How a differentiable op is defined, built-in or yours: forward and vector-Jacobian products.

A primitive is a plain function of arrays that returns its output array together with one
vector-Jacobian product (VJP) per argument. A VJP takes g = ∂z/∂out, an array shaped like the
output, and returns ∂z/∂argument = gᵀ·(∂out/∂argument) for that argument:

    @primitive
    def cube(x):
        return x ** 3, (lambda g: g * 3 * x ** 2,)

    cube(Tensor([2.0], requires_grad=True))     # a Tensor that backward() can go through

VJPs may return a gradient shaped like the *broadcast* argument: the engine sums it back to the
argument's own shape in one place (``sum_to``), so no op has to undo broadcasting itself.
Use ``None`` as the VJP of an argument that has no gradient (an index, a mask). A VJP is only
called when its argument needs a gradient, so it costs nothing otherwise.

The arguments without a default value are the op's inputs, which may be differentiated.
Arguments with a default, and keyword-only ones, are parameters (an axis, a shape): passed to
the function as they are, never differentiated.
"""

from __future__ import annotations

import functools
import inspect

import numpy
from numpy import ndarray

from . import backend
from .modes import check_finite, switched, thread_modes
from .tensor import Tensor, versions


def primitive(fn=None, *, name: str | None = None):
    """Make ``fn(*arrays, **params) -> (out, vjps)`` a differentiable function of Tensors.

    The returned function accepts Tensors, arrays and Python numbers, and returns a Tensor that
    records ``fn``'s VJPs when any input requires a gradient. ``name`` (default: the function's
    name) is the op name shown by ``repr`` and by the drawings. ``gradcheck`` tests a
    user-written VJP against finite differences.
    """

    def wrap(fn):
        op_name = name or fn.__name__
        n_inputs, parameter_names = _split_signature(fn)

        @functools.wraps(fn)
        def differentiable(*args, **params):
            # Every op of every model runs this function, and its cost is mostly Python's own
            # per call: so it does all the work itself, without calling helpers on the way, and
            # stays in one piece (with the argument loop and the making of the node as two
            # helpers, W2's chain of 4x4 ops took 4-5% longer per op, forward and backward).
            if len(args) > n_inputs:  # parameters given by position, as in sum(x, 0)
                params.update(_by_position(op_name, parameter_names, args[n_inputs:], params))
                args = args[:n_inputs]
            arrays = []
            parents = []  # the Tensor arguments, in order
            needs_grad = False
            for arg in args:
                kind = arg.__class__
                if kind is Tensor or isinstance(arg, Tensor):
                    arrays.append(arg.data)
                    parents.append(arg)
                    needs_grad = needs_grad or arg.requires_grad
                elif kind is ndarray or kind is float or kind is int:
                    arrays.append(arg)
                elif isinstance(arg, (list, tuple)) and op_name not in _OPERATORS:
                    # A function takes lists where NumPy's does: np.mean([a, b]).
                    return differentiable(*(as_operand(a) for a in args), **params)
                else:
                    arrays.append(constant_argument(arg, op_name))
            if backend._cupy is not None:
                _check_one_device(op_name, arrays)

            out, vjps = fn(*arrays, **params) if params else fn(*arrays)

            if out.__class__ is not ndarray and not backend.is_array(out):
                out = numpy.asarray(out)
            if switched.detect_anomaly and thread_modes.detect_anomaly:
                check_finite(out, op_name, "forward", arrays)
            if not needs_grad or (switched.grad_enabled and not thread_modes.grad_enabled):
                return Tensor._from_op(out, (), None, op_name)
            if out.dtype.kind != "f":
                if out.dtype.kind == "c":
                    raise TypeError(
                        f"op {op_name} made a complex result, which has no "
                        "gradient here; complex numbers are not supported"
                    )
                return Tensor._from_op(out, (), None, op_name)  # integer or boolean: no gradient
            n_args = len(args)
            if len(vjps) != n_args:
                raise TypeError(
                    f"op {op_name} returned {len(vjps)} vector-Jacobian products "
                    f"for {n_args} arguments"
                )
            if len(parents) != n_args:  # keep the VJPs of the Tensor arguments only
                vjps = [vjp for arg, vjp in zip(args, vjps) if isinstance(arg, Tensor)]
                parents = tuple(parents)
            else:
                parents = args  # the same Tensors, in a tuple already: saves making one
            # The output node, as Tensor._from_op makes it, made here: saves a call per op.
            node = _new_object(Tensor)
            node.data = out
            node.grad = None
            node.requires_grad = True
            node.label = ""
            node._prev = parents
            node._vjps = vjps
            node._op = op_name
            node._retains_grad = False
            node._replay = (fn, args, params or _NO_PARAMETERS)
            node._version = 0
            node._created = versions.latest
            return node

        differentiable.forward_and_vjps = fn
        differentiable.op_name = op_name
        return differentiable

    return wrap(fn) if fn is not None else wrap


_new_object = object.__new__
_NO_PARAMETERS = {}  # the parameters of the ops called without any: shared, never changed


def _split_signature(fn):
    """How many leading arguments are inputs, and the names of the positional parameters."""
    inputs, parameters = 0, []
    for p in inspect.signature(fn).parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            return float("inf"), []
        if p.kind is p.POSITIONAL_OR_KEYWORD:
            if p.default is p.empty:
                inputs += 1
            else:
                parameters.append(p.name)
    return inputs, parameters


def _by_position(op_name, names, values, given):
    if len(values) > len(names):
        raise TypeError(
            f"{op_name} takes at most {len(names)} parameters after its inputs "
            f"({', '.join(names)}), got {len(values)}"
        )
    bound = dict(zip(names, values))
    repeated = sorted(bound.keys() & given.keys())
    if repeated:
        raise TypeError(f"{op_name} got {', '.join(repeated)} both by position and by name")
    return bound


# The ops behind +, -, *, / and **: like PyTorch's operators, they take no lists.
_OPERATORS = frozenset({"add", "sub", "mul", "div", "power"})


def as_operand(arg):
    """A (nested) list or tuple as one operand, as NumPy reads ``np.mean([a, b])``: the stack of
    its items, a Tensor if any of them is one (so gradients reach them), else an array."""
    if not isinstance(arg, (list, tuple)):
        return arg
    items = [as_operand(item) for item in arg]
    if any(isinstance(item, Tensor) for item in items):
        from .ops import stack

        return stack(items)
    return numpy.asarray(items)


def constant_argument(arg, name):
    """The array or number that an argument which is not a Tensor stands for."""
    if isinstance(arg, numpy.generic):
        if isinstance(arg, numpy.complexfloating):
            raise TypeError(f"op {name}: complex numbers are not supported")
        # A NumPy scalar counts as a Python number, so float32 * np.float64(2) stays float32.
        return arg.item()
    if isinstance(arg, complex) or (backend.is_array(arg) and arg.dtype.kind == "c"):
        raise TypeError(f"op {name}: complex numbers are not supported (got {arg!r:.60})")
    if isinstance(arg, (int, float)) or backend.is_array(arg):
        return arg
    raise TypeError(
        f"unsupported operand type for {name}: {type(arg).__name__} "
        "(use a Tensor, an ndarray or a Python number)"
    )


def _check_one_device(name, arrays):
    devices = {backend.device_of(a) for a in arrays if backend.is_array(a)}
    if len(devices) > 1:
        raise ValueError(
            f"op {name} got inputs on different devices: {' and '.join(sorted(devices))}; "
            "move them to one device with .to(device)"
        )
