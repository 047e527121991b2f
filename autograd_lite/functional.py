"""Function transformations, as in JAX and HIPS autograd: functions in, functions out.

    W_grad, b_grad = grad(loss, (0, 1))(W, b)

``grad(f)`` is a new function: called with the same arguments as ``f``, it returns ∂f/∂(the
chosen arguments) instead of f's value. ``f`` must return a one-element Tensor.

- ``grad``, ``value_and_grad`` (``argnums``, ``has_aux``), ``vjp`` (JAX's), ``jacobian``,
  ``hessian``, ``hvp`` (a Hessian-vector product, without forming the Hessian) and
  ``elementwise_grad`` (HIPS's).
- Arguments may be nested lists, tuples and dicts of arrays ("pytrees"), as HIPS's examples pass
  a list of (W, b) pairs; the gradient comes back in the same structure.
- They compose to any order: ``grad(grad(f))``, ``grad`` of a function that calls ``grad``,
  ``hessian(f)`` = ``jacobian(grad(f))``. A transformation that runs inside another one (or is
  given Tensors that require grad) records its own backward pass and returns Tensors, which the
  outer one differentiates; at the top level it returns arrays, as before.
- Gradients are computed even inside ``no_grad()``, as ``torch.func.grad`` does: they never come
  back as zeros because recording was off. No ``.grad`` attribute is read or changed.
"""

from __future__ import annotations

import numbers

import numpy

from . import backend, modes
from .backprop import gradients
from .tensor import Tensor


def grad(f, argnums=0, has_aux=False):
    """The function that returns the gradient of ``f`` with respect to argument(s) ``argnums``.

    With an int ``argnums`` it returns one gradient (shaped like that argument, a pytree for a
    pytree); with a tuple, a tuple of them in that order. With ``has_aux=True``, ``f`` returns
    ``(output, aux)`` and the new function returns ``(gradient, aux)``.
    """

    def gradient(*args, **kwargs):
        (_, aux), grads = _value_and_grad(f, argnums, has_aux, args, kwargs)
        return (grads, aux) if has_aux else grads

    gradient.__name__ = f"grad_of_{getattr(f, '__name__', 'f')}"
    return gradient


def value_and_grad(f, argnums=0, has_aux=False):
    """Like ``grad``, but the new function returns ``(f's value, gradient)``, or
    ``((value, aux), gradient)`` with ``has_aux=True``."""

    def value_and_gradient(*args, **kwargs):
        (value, aux), grads = _value_and_grad(f, argnums, has_aux, args, kwargs)
        return ((value, aux) if has_aux else value), grads

    return value_and_gradient


def elementwise_grad(f, argnum=0):
    """HIPS autograd's ``elementwise_grad``: for an f that acts element by element, the
    derivative of each output element with respect to its input element (the gradient of
    Σ f(x), which is the same thing), shaped like the argument."""

    def derivative(*args, **kwargs):
        return grad(lambda *a, **k: _total(f(*a, **k)), argnum)(*args, **kwargs)

    return derivative


def vjp(f, *primals, has_aux=False):
    """JAX's ``vjp``: ``(f(*primals), vjp_fn)``, where ``vjp_fn(cotangent)`` returns a tuple with
    the gradient of ⟨cotangent, f⟩ for each primal (cotangent shaped like f's output, a
    pytree of them if f returns one). ``vjp_fn`` may be called any number of times. With
    ``has_aux=True`` it returns ``(output, vjp_fn, aux)``."""
    nested = _nested(primals)
    with modes.transformation():
        rebuilt, variables, rebuilders = _variables(primals, range(len(primals)), nested)
        result = f(*rebuilt)
    result, aux = _split_aux(result, has_aux, "vjp")
    out_leaves, out_rebuild = _flatten(result)
    for leaf in out_leaves:
        if not isinstance(leaf, Tensor):
            raise TypeError(f"vjp needs f to return Tensors, got {type(leaf).__name__}")

    def vjp_fn(cotangent):
        ct_leaves, _ = _flatten(cotangent)
        if len(ct_leaves) != len(out_leaves):
            raise ValueError(
                f"vjp_fn needs one cotangent per output ({len(out_leaves)}), got {len(ct_leaves)}"
            )
        record = nested or any(isinstance(c, Tensor) and c.requires_grad for c in ct_leaves)
        with modes.transformation():
            grads = _gradients(out_leaves, variables, ct_leaves, record, retain_graph=True)
        return tuple(_rebuild_all(grads, variables, rebuilders, record))

    value = out_rebuild([_result(leaf, nested) for leaf in out_leaves])
    return (value, vjp_fn, aux) if has_aux else (value, vjp_fn)


def jacobian(f, argnums=0):
    """The function that returns the Jacobian of ``f`` with respect to argument(s) ``argnums``:
    an array of shape ``f's output shape + the argument's shape`` (a tuple of them for a tuple
    ``argnums``). One backward pass per output element."""

    def jacobian_of(*args, **kwargs):
        positions = _positions(argnums, len(args))
        chosen = [args[n] for n in positions]

        def of_chosen(*values):
            full = list(args)
            for n, value in zip(positions, values):
                full[n] = value
            return f(*full, **kwargs)

        out, vjp_fn = vjp(of_chosen, *chosen)
        if isinstance(out, Tensor):
            out_shape, dtype, xp = out.shape, out.dtype, backend.array_module(out.data)
        else:
            if not backend.is_array(out):
                raise TypeError(f"jacobian needs f to return one Tensor, got {type(out).__name__}")
            out_shape, dtype, xp = out.shape, out.dtype, backend.array_module(out)
        size = int(numpy.prod(out_shape, dtype=numpy.int64))
        rows = []
        for i in range(size):
            cotangent = xp.zeros(size, dtype=dtype)
            cotangent[i] = 1
            rows.append(vjp_fn(cotangent.reshape(out_shape)))
        jacobians = []
        for k, value in enumerate(chosen):
            shape = out_shape + tuple(numpy.shape(_data(value)))
            jacobians.append(_stack([row[k] for row in rows], shape, value))
        return jacobians[0] if isinstance(argnums, int) else tuple(jacobians)

    return jacobian_of


def hessian(f, argnums=0):
    """The function that returns the Hessian of a scalar ``f``: ``jacobian(grad(f))``, of shape
    ``x.shape + x.shape`` for an int ``argnums``; for a tuple, a tuple of tuples of blocks
    ∂²f/∂x_i∂x_j."""
    if isinstance(argnums, int):
        return jacobian(grad(f, argnums), argnums)

    def hessian_of(*args, **kwargs):
        rows = []
        for i in range(len(argnums)):

            def part(*a, i=i, **k):
                return grad(f, tuple(argnums))(*a, **k)[i]

            rows.append(tuple(jacobian(part, j)(*args, **kwargs) for j in argnums))
        return tuple(rows)

    return hessian_of


def hvp(f, x, v):
    """The Hessian of scalar ``f`` at ``x`` times ``v``: ∇²f(x)·v, computed as the gradient of
    ⟨∇f(x), v⟩ (two backward passes), without forming the Hessian. ``x`` and ``v`` may be
    pytrees of the same structure; the result has that structure too."""
    v_leaves, _ = _flatten(v)

    def directional(point):
        g_leaves, _ = _flatten(grad(f)(point))
        if len(g_leaves) != len(v_leaves):
            raise ValueError("hvp: v must have the structure of x")
        return sum((g * _data(u)).sum() for g, u in zip(g_leaves, v_leaves))

    return grad(directional)(x)


# ---- the shared machinery ------------------------------------------------------------------


def _value_and_grad(f, argnums, has_aux, args, kwargs):
    positions = _positions(argnums, len(args))
    nested = _nested([args[n] for n in positions])
    with modes.transformation():
        rebuilt, variables, rebuilders = _variables(args, positions, nested)
        result = f(*rebuilt, **kwargs)
        out, aux = _split_aux(result, has_aux, "grad")
        if not isinstance(out, Tensor):
            raise TypeError(f"grad needs f to return a Tensor, got {type(out).__name__}")
        if out.size != 1:
            raise TypeError(f"grad needs f to return one number; its output has shape {out.shape}")
        grads = _gradients([out], variables, [None], nested, retain_graph=nested)
    grads = _rebuild_all(grads, variables, rebuilders, nested)
    value = _result(out, nested)
    return (value, aux), grads[0] if isinstance(argnums, int) else tuple(grads)


def _nested(arguments) -> bool:
    """Whether the result must stay differentiable: another transformation is running, or an
    argument requires grad (a backward pass will go through us)."""
    if not modes.is_grad_enabled():
        return False
    if modes.inside_transformation():
        return True
    return any(
        isinstance(leaf, Tensor) and leaf.requires_grad
        for argument in arguments
        for leaf in _flatten(argument)[0]
    )


def _variables(args, positions, nested):
    """``args`` with the leaves of the chosen ones replaced by Tensors to differentiate by."""
    args = list(args)
    variables, rebuilders = [], []
    for n in positions:
        leaves, rebuild = _flatten(args[n])
        tensors = [_variable(leaf, n, nested) for leaf in leaves]
        args[n] = rebuild(tensors)
        variables.append(tensors)
        rebuilders.append(rebuild)
    return args, variables, rebuilders


def _variable(leaf, position, nested) -> Tensor:
    if isinstance(leaf, Tensor):
        if leaf.requires_grad and nested:
            # A new node on top of the caller's tensor: the gradient taken here is by this
            # node alone, while the outer transformation still sees the path to the tensor.
            from .ops import identity

            return identity(leaf)
        data = leaf.data
    elif backend.is_array(leaf):
        data = leaf
    elif isinstance(leaf, (numbers.Real, numpy.generic)) and not isinstance(leaf, bool):
        data = numpy.asarray(leaf, dtype=numpy.float64)
    else:
        raise TypeError(
            f"cannot differentiate with respect to argument {position}: it holds a "
            f"{type(leaf).__name__}, not an array or a number"
        )
    if data.dtype.kind != "f":
        raise TypeError(
            f"cannot differentiate with respect to argument {position}: its dtype "
            f"is {data.dtype}; only floating-point arrays have gradients"
        )
    return Tensor(data, requires_grad=True)


def _gradients(outputs, variables, cotangents, record, retain_graph):
    flat = [tensor for group in variables for tensor in group]
    roots = [o for o in outputs if o.requires_grad]
    seeds = [c for o, c in zip(outputs, cotangents) if o.requires_grad]
    if roots and flat:
        found = gradients(
            roots, flat, seeds, retain_graph=retain_graph, create_graph=record, allow_unused=True
        )
    else:
        found = [None] * len(flat)
    grads, start = [], 0
    for group in variables:
        grads.append(list(found[start : start + len(group)]))
        start += len(group)
    return grads


def _rebuild_all(grads, variables, rebuilders, record):
    """Each argument's gradients in its own structure: Tensors when recorded, else arrays."""
    results = []
    for group_grads, group, rebuild in zip(grads, variables, rebuilders):
        leaves = []
        for g, tensor in zip(group_grads, group):
            if g is None:  # the output does not depend on this leaf
                g = backend.array_module(tensor.data).zeros_like(tensor.data)
            leaves.append(_result(g, record))
        results.append(rebuild(leaves))
    return results


def _result(x, record):
    """A Tensor when the result must stay differentiable, else the plain array."""
    if record:
        return x if isinstance(x, Tensor) else Tensor(x)
    return x.data if isinstance(x, Tensor) else x


def _split_aux(result, has_aux, name):
    if not has_aux:
        return result, None
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise TypeError(f"{name}(has_aux=True) needs f to return a pair (output, aux)")
    return result[0], result[1]


def _positions(argnums, count):
    positions = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for n in positions:
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"argnums must be an int or a tuple of ints, got {argnums!r}")
        if not -count <= n < count:
            raise ValueError(f"argnums {n} is out of range for {count} positional arguments")
    return positions


def _total(out):
    if not isinstance(out, Tensor):
        raise TypeError(f"elementwise_grad needs f to return a Tensor, got {type(out).__name__}")
    return out.sum()


def _stack(rows, shape, like):
    """The Jacobian from its rows (one gradient per output element), reshaped to ``shape``."""
    if not rows:
        data = _data(like)
        return backend.array_module(data).zeros(
            shape, dtype=data.dtype if data.dtype.kind == "f" else numpy.float64
        )
    if isinstance(rows[0], Tensor):
        from .ops import reshape, stack

        return reshape(stack(rows), shape)
    return backend.array_module(rows[0]).stack(rows).reshape(shape)


def _data(x):
    if isinstance(x, Tensor):
        return x.data
    return x if backend.is_array(x) else numpy.asarray(x)


# ---- pytrees: nested lists, tuples and dicts ----------------------------------------------


def _flatten(tree):
    """``(leaves, rebuild)``: the leaves of a nested list/tuple/dict in order, and a function
    that builds the same structure from new leaves (None counts as an empty structure)."""
    leaves = []
    structure = _describe(tree, leaves)

    def rebuild(new_leaves):
        return _build(structure, iter(new_leaves))

    return leaves, rebuild


def _describe(node, leaves):
    if node is None:
        return ("none",)
    if isinstance(node, dict):
        keys = list(node)
        return ("dict", type(node), keys, [_describe(node[k], leaves) for k in keys])
    if isinstance(node, (list, tuple)):
        return ("sequence", type(node), [_describe(child, leaves) for child in node])
    leaves.append(node)
    return ("leaf",)


def _build(structure, leaves):
    kind = structure[0]
    if kind == "leaf":
        return next(leaves)
    if kind == "none":
        return None
    if kind == "dict":
        _, cls, keys, children = structure
        return cls(zip(keys, [_build(child, leaves) for child in children]))
    _, cls, children = structure
    built = [_build(child, leaves) for child in children]
    if cls is list or cls is tuple:
        return cls(built)
    return cls(*built) if hasattr(cls, "_fields") else cls(built)  # namedtuples take fields
