"""The backward pass: the chain rule over a recorded graph, run once or itself recorded.

For every node of the graph, the output first (reverse topological order):

    ∂z/∂parent += vjp_parent(∂z/∂node)

A first-order pass runs the VJPs that each op saved when it ran, on arrays: nothing is recorded,
so it costs what the array arithmetic costs. With ``create_graph=True`` each op is run again on
its input Tensors (``node._replay``), which gives VJPs written in Tensor ops: the gradients they
return are Tensors with a graph of their own, so they can be differentiated again (second and
higher derivatives). The op table writes each VJP once, in operations that serve both kinds of
input (see ``ops``).

Broadcasting is undone here, in one place (``sum_to``), for every op.
"""

from __future__ import annotations

import sys

from . import backend, modes
from .graph import topological_order
from .modes import check_finite
from .tensor import Tensor


def backward(
    root: Tensor, grad=None, *, retain_graph: bool = False, create_graph: bool = False
) -> None:
    """``root.backward()``: accumulate ∂root/∂leaf into ``.grad`` of every leaf that requires
    grad, and of every node that called ``retain_grad()``."""
    if not root.requires_grad:
        raise RuntimeError(
            "backward() on a tensor that does not require grad: no input of the ops that "
            "made it has requires_grad=True (or it was made under no_grad())"
        )
    seed = _seed(root, grad, create_graph)
    _propagate([root], [seed], retain_graph=retain_graph, create_graph=create_graph)


def gradients(
    outputs,
    inputs,
    grad_outputs=None,
    *,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple:
    """∂outputs/∂inputs, returned as a tuple with one gradient per input (PyTorch's
    ``torch.autograd.grad``). No ``.grad`` attribute is read or changed.

    Args:
        outputs: a Tensor or a sequence of Tensors; their gradients (``grad_outputs``) are
            summed over, as for one call of ``backward`` on each.
        inputs: a Tensor or a sequence of Tensors the outputs depend on (leaves or not).
        grad_outputs: ∂z/∂output for each output (None: 1 for a one-element output).
        retain_graph: keep the graph for another pass (default: ``create_graph``).
        create_graph: record this pass, so that the gradients are Tensors that can be
            differentiated again; otherwise they are arrays.
        allow_unused: give None for an input the outputs do not depend on, instead of raising.
    """
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, Tensor) or backend.is_array(grad_outputs):
        grad_outputs = [grad_outputs]
    else:
        grad_outputs = list(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"gradients: {len(outputs)} outputs but {len(grad_outputs)} grad_outputs")
    for position, tensor in enumerate(inputs):
        if not isinstance(tensor, Tensor):
            raise TypeError(
                f"gradients: input {position} is a {type(tensor).__name__}, not a Tensor"
            )
    roots, seeds = [], []
    for output, grad in zip(outputs, grad_outputs):
        if output.requires_grad:
            roots.append(output)
            seeds.append(_seed(output, grad, create_graph))
    found = _propagate(
        roots,
        seeds,
        retain_graph=create_graph if retain_graph is None else retain_graph,
        create_graph=create_graph,
        wanted=set(inputs),
    )
    results = []
    handed_out = set()
    for position, tensor in enumerate(inputs):
        grad = found.get(tensor)
        if grad is None:
            if not allow_unused:
                raise RuntimeError(
                    f"gradients: input {position} (shape {tensor.shape}) is not used to compute "
                    "the outputs (or does not require grad); pass allow_unused=True to get None"
                )
        elif not create_graph:
            grad = _owned(grad, handed_out)
        results.append(grad)
    return tuple(results)


def _propagate(roots, seeds, *, retain_graph, create_graph, wanted=None) -> dict:
    """The backward pass from ``roots`` (with ∂z/∂root = ``seeds``).

    Without ``wanted``, gradients accumulate into ``.grad`` of leaves and retained nodes. With
    ``wanted`` (a set of nodes), they are returned instead, as ``{node: ∂z/∂node}``, and only
    the part of the graph that leads to those nodes is visited. Nodes are dictionary keys by
    identity (see ``graph.topological_order``).
    """
    order = topological_order(*roots)
    needed = _leading_to(order, wanted) if wanted is not None else None
    grads = {}  # ∂z/∂node for the nodes reached and not yet passed on
    for root, seed in zip(roots, seeds):
        grads[root] = grads[root] + seed if root in grads else seed
    if create_graph:  # the VJPs' own ops must be recorded, whatever the caller's mode
        with modes.enable_grad():
            return _run(order, grads, needed, wanted, retain_graph, create_graph)
    return _run(order, grads, needed, wanted, retain_graph, create_graph)


def _run(order, grads, needed, wanted, retain_graph, create_graph) -> dict:
    found = {}
    handed_out = set()  # ids of the arrays already stored in some .grad
    anomaly = modes.is_anomaly_enabled()
    for node in reversed(order):
        g = grads.pop(node, None)
        if g is None:
            continue
        op = node._op
        if wanted is None:
            if not op or node._retains_grad:
                _accumulate(node, g, handed_out)
        elif node in wanted:
            found[node] = g
        if not op:  # a leaf
            continue
        vjps = node._vjps
        if vjps is None:
            raise RuntimeError(
                f"backward through op {op} a second time: its saved arrays were "
                "released by the first backward(); pass retain_graph=True to the first "
                "call to keep them"
            )
        created = node._created
        if node._version > created:
            node._check_version(node)
        if create_graph:
            vjps = _recorded_vjps(node)
        for parent, vjp in zip(node._prev, vjps):
            if parent._version > created:
                parent._check_version(node)
            if vjp is None or not parent.requires_grad:
                continue  # a None VJP: this argument has no gradient (an index, a mask)
            if needed is not None and parent not in needed:
                continue
            parent_grad = vjp(g)
            if create_graph:
                parent_grad = _fit_tensor(parent_grad, parent, op)
            else:
                like = parent.data
                if (
                    parent_grad.__class__ is not like.__class__
                    or parent_grad.shape != like.shape
                    or parent_grad.dtype != like.dtype
                ):
                    parent_grad = _fit_array(parent_grad, like, op)
            if anomaly:
                check_finite(_array(parent_grad), op, "backward", [_array(g)])
            grads[parent] = grads[parent] + parent_grad if parent in grads else parent_grad
        if not retain_graph:  # release what the op saved, and its links to its inputs
            node._vjps = node._replay = None
            node._prev = ()
    return found


def _leading_to(order, wanted) -> set:
    """The nodes in ``order`` (parents first) from which a wanted node is reached."""
    needed = set()
    for node in order:
        if node in wanted or any(parent in needed for parent in node._prev):
            needed.add(node)
    return needed


def _recorded_vjps(node) -> list:
    """The VJPs of ``node``'s op, made by running the op again on its input Tensors, so that
    applying them records a graph."""
    from .primitive import constant_argument

    fn, args, params = node._replay
    args = [arg if isinstance(arg, Tensor) else constant_argument(arg, node._op) for arg in args]
    try:
        _, vjps = fn(*args, **params)
    except Exception as error:
        raise RuntimeError(
            f"op {node._op} cannot be differentiated a second time: running it on Tensors "
            f"failed ({type(error).__name__}: {error}). For create_graph=True, an op's forward "
            "and VJPs must use operators, Tensor methods and the functions of "
            "xp = array_module(x), which work on arrays and Tensors alike"
        ) from error
    return [vjp for arg, vjp in zip(args, vjps) if isinstance(arg, Tensor)]


def _seed(root: Tensor, grad, create_graph: bool):
    """∂z/∂root to start from: 1 for a one-element root, else the given gradient."""
    if grad is None:
        if root.data.size != 1:
            raise RuntimeError(
                f"backward() without a grad argument needs a one-element output; this "
                f"tensor has shape {root.shape}: reduce it (e.g. .sum()) or pass "
                "grad= with that shape"
            )
        seed = backend.array_module(root.data).ones_like(root.data)
        return Tensor(seed) if create_graph else seed
    if isinstance(grad, Tensor):
        shape = grad.shape
    else:
        grad = backend.to_device(
            grad if backend.is_array(grad) else backend.array_module(root.data).asarray(grad),
            root.device,
        )
        shape = grad.shape
    if shape != root.shape:
        raise ValueError(f"backward(grad=...) needs a gradient of shape {root.shape}, got {shape}")
    if create_graph:
        grad = grad if isinstance(grad, Tensor) else Tensor(grad)
        return grad if grad.dtype == root.dtype else grad.astype(root.dtype)
    grad = grad.data if isinstance(grad, Tensor) else grad
    return backend.to_device(grad, root.device).astype(root.dtype, copy=True)


def _accumulate(node: Tensor, g, handed_out: set) -> None:
    """Add ``g`` into ``node.grad``."""
    if isinstance(g, Tensor):  # a recorded pass: .grad becomes a Tensor with a graph
        if id(g) in handed_out:  # the same Tensor for two .grad attributes: copy it
            from .ops import clone

            g = clone(g)
        node.grad = g if node.grad is None else node.grad + g
        handed_out.add(id(node.grad))
        return
    if node.grad is None:
        node.grad = _owned(g, handed_out)
        return
    if sys.getrefcount(node.grad) == 2 and _can_add_into(node.grad, g):
        # Nothing but node.grad (and this call's argument) refers to the array, so nobody can
        # see it change: add in place, which saves an array of the gradient's size.
        node.grad += g
    else:  # someone kept the array (g = w.grad, or a graph that reads it): leave it as it is
        _check_grad_shape(node, g)
        node.grad = node.grad + g
    handed_out.add(id(node.grad))


def _check_grad_shape(node: Tensor, g) -> None:
    """Refuse to add into a ``.grad`` that is not an array of the tensor's shape (one set by
    hand, as ``w.grad = 0.0``): broadcasting would give ``.grad`` another shape, silently."""
    held = getattr(node.grad, "shape", None)
    if held != g.shape:
        raise RuntimeError(
            f"backward() cannot add the gradient of a tensor of shape {g.shape} into its .grad, "
            f"which holds {type(node.grad).__name__}"
            + ("" if held is None else f" of shape {held}")
            + ": .grad must be None or an array of the tensor's shape (set it to None to start "
            "again)"
        )


def _can_add_into(grad, g) -> bool:
    """Whether ``grad += g`` gives what ``grad + g`` would: an array of g's kind, shape and
    dtype that owns its memory and may be written (CuPy's arrays always may)."""
    return (
        grad.__class__ is g.__class__
        and backend.is_array(grad)
        and grad.shape == g.shape
        and grad.dtype == g.dtype
        and backend.can_write_in_place(grad)
    )


def _owned(g, handed_out: set):
    """``g``, copied if it shares memory with an array handed out already or is a view.

    A gradient must own its memory: a user may change it in place (clipping, say), which must
    not touch another tensor's gradient that happens to share the array.
    """
    if g.base is not None or id(g) in handed_out:
        g = g.copy()
    handed_out.add(id(g))
    return g


def _fit_array(grad, like, op: str):
    """``grad`` as an array of ``like``'s shape, dtype and kind: sums out broadcast axes."""
    if not backend.is_array(grad):
        grad = backend.array_module(like).asarray(grad)
    if grad.shape != like.shape:
        grad = _sum_to_checked(grad, like.shape, op)
    if grad.dtype != like.dtype:
        grad = grad.astype(like.dtype)
    if grad.__class__ is not like.__class__:
        grad = backend.to_device(grad, backend.device_of(like))
    return grad


def _fit_tensor(grad, parent: Tensor, op: str) -> Tensor:
    """The recorded-pass version of ``_fit_array``: the same steps, as Tensor ops."""
    if not isinstance(grad, Tensor):
        grad = Tensor(
            grad if backend.is_array(grad) else backend.array_module(parent.data).asarray(grad)
        )
    if grad.shape != parent.shape:
        grad = _sum_to_checked(grad, parent.shape, op)
    if grad.dtype != parent.dtype:
        grad = grad.astype(parent.dtype)
    if grad.device != parent.device:
        grad = grad.to(parent.device)
    return grad


def _sum_to_checked(grad, shape, op):
    grad = sum_to(grad, shape)
    if grad.shape != shape:
        raise RuntimeError(
            f"the vector-Jacobian product of op {op} returned shape {grad.shape} for an "
            f"input of shape {shape}"
        )
    return grad


def sum_to(grad, shape: tuple):
    """Sum ``grad`` (an array or a Tensor) over the axes that broadcasting added or stretched,
    to get ``shape``.

    The one place where broadcasting is undone: an input of shape (3, 1) that was broadcast to
    (2, 3, 4) gets the sum of its gradient over axis 0 and over axis 2.
    """
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    if 1 in shape:  # tested first: most shapes have no axis of size 1 that may be stretched
        stretched = tuple(
            i for i, n in enumerate(shape) if n == 1 and i < grad.ndim and grad.shape[i] != 1
        )
        if stretched:
            grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def _array(x):
    return x.data if isinstance(x, Tensor) else x
