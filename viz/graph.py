"""``draw_graph``: the computation graph of a ``Value`` or ``Tensor`` expression.

One box per value (its label, data and gradient ∂z/∂value; for a tensor its shape and a short
summary of data and gradient) and one small oval per operation, with an arrow from each input of
the operation to the operation and from the operation to its result, as in micrograd's drawing.

``draw_graph(loss, backward=True)`` shows every gradient, the root's ∂z/∂z = 1 included: it
runs a backward pass of its own that keeps the graph (for a Tensor, ``al.gradients`` of the
root with respect to every node, which changes no ``.grad``; for a Value, ``backward()``, after
which every ``.grad`` is put back as it was). Without it a drawing shows the gradients the
nodes hold: a ``Tensor``'s intermediate nodes hold none unless ``retain_grad()`` was called on
them before ``backward()``, and ``backward()`` releases the graph it went through unless
``retain_graph=True``, after which the graph cannot be drawn at all.

The graph is read through the nodes' public accessors: a Tensor's ``parents``, ``op`` and
``retains_grad``; a Value's ``_prev`` and ``_op`` (micrograd's names, which
``autograd_lite.graph`` walks for both engines).

The DOT text is deterministic: nodes are numbered by their position in
``topological_order(root)`` (n0 is an input, the last one is ``root``), never by ``id()``.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import graphviz
import numpy

from autograd_lite import backend, gradients
from autograd_lite.graph import topological_order
from autograd_lite.tensor import Tensor
from autograd_lite.value import Value

from . import labels
from .drawing import Drawing
from .options import current


class LargeGraphWarning(UserWarning):
    """The graph is large enough that Graphviz will be slow to lay it out."""


@dataclass
class _Graph:
    """What a drawing shows: the root, every node in topological order, the parameters' names
    (id → 'layers.0.weight') and, after ``draw_graph``'s own backward pass over a Tensor graph,
    every node's gradient (id → ∂root/∂node); without that pass (None), each tensor's ``.grad``.
    """

    root: Value | Tensor
    order: list
    names: dict
    own_gradients: dict | None = None


def draw_graph(
    root,
    rankdir: str = "LR",
    *,
    backward: bool = False,
    model=None,
    clusters=None,
    max_elements: int = 6,
    digits: int | None = None,
    font: str | None = None,
    title: str | None = None,
) -> Drawing:
    """Draw the graph of operations that computed ``root`` (a ``Value`` or a ``Tensor``).

    Each value node shows ``data`` and ``grad`` = ∂z/∂(node), where z is the value that
    ``backward()`` was last called on. Drawn before any backward pass, a gradient reads
    "not yet computed", not 0.

    Args:
        root: the expression to draw.
        rankdir: 'LR' (inputs on the left) or 'TB' (inputs at the top), as in Graphviz.
        backward: run a backward pass from ``root`` first and show ∂root/∂node on every node,
            the root's 1 and every intermediate tensor's included. The pass keeps the graph
            (``retain_graph=True``) and every ``.grad`` is restored afterwards, so a later
            ``root.backward()`` and optimizer step see exactly what they would have seen.
            ``root`` must be one number (a loss).
        model: an ``nn`` module (anything with ``named_parameters()``): its parameters are
            labelled with their names in the module tree ('layers.0.weight') unless they carry
            a label of their own.
        clusters: a list of (title, nodes): each group of value nodes (and the operations that
            made them) is drawn in one box with its title, as a network's layers; each box
            follows the one before it in the list (below it with ``rankdir='TB'``).
        max_elements: a tensor with more elements than this shows its first few and its
            minimum, mean and maximum instead of every element.
        digits: decimals of every number (default ``viz.options.digits``, 4).
        font: the font family (default ``viz.options.font``, DejaVu Sans).
        title: a caption drawn above the graph.

    Raises:
        RuntimeError: the graph was released by a ``backward()`` without
            ``retain_graph=True``, so the operations that made ``root`` are no longer known.

    Warns:
        LargeGraphWarning: above ``viz.options.max_nodes`` value nodes (1,000); a Tensor
        expression draws each array as one node instead of one node per number.
    """
    if not isinstance(root, (Value, Tensor)):
        raise TypeError(f"draw_graph draws a Value or a Tensor, got {type(root).__name__}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"rankdir must be 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    opts = current(digits=digits, font=font)
    order = topological_order(root)
    _check_not_released(order)
    if len(order) > opts.max_nodes:
        warnings.warn(
            f"draw_graph: {len(order)} value nodes (more than {opts.max_nodes}); Graphviz "
            "takes long to lay out graphs this large. Draw the Tensor expression instead of "
            "scalar Values (one node per array), or use viz.draw_network for a Sequential.",
            LargeGraphWarning,
            stacklevel=2,
        )
    graph = _Graph(root, order, _parameter_names(model))
    if not backward:
        return _digraph(graph, rankdir, opts, clusters, max_elements, title)
    if isinstance(root, Tensor):
        graph.own_gradients = _tensor_gradients(root, order)
        return _digraph(graph, rankdir, opts, clusters, max_elements, title)
    with _value_backward_pass(root, order):
        return _digraph(graph, rankdir, opts, clusters, max_elements, title)


def _parents(node) -> tuple:
    return node.parents if isinstance(node, Tensor) else node._prev


def _op_name(node) -> str:
    return node.op if isinstance(node, Tensor) else node._op


def _check_not_released(order) -> None:
    """Refuse a graph whose links ``backward()`` released: made by an op, needing a gradient,
    but with no parents any more. Drawn, it would look like an input."""
    for node in order:
        if isinstance(node, Tensor) and node.op and node.requires_grad and not node.parents:
            raise RuntimeError(
                f"this graph was released by backward() (a tensor made by {node.op!r} no "
                "longer knows its inputs), so it cannot be drawn. Draw it before backward(): "
                "viz.draw_graph(loss, backward=True) runs a backward pass of its own and shows "
                "every gradient; or call loss.backward(retain_graph=True)."
            )


def _tensor_gradients(root: Tensor, order) -> dict:
    """id(node) → ∂root/∂node for every tensor of the graph that requires grad, the root's 1
    included: one backward pass that keeps the graph and reads or changes no ``.grad``."""
    if not root.requires_grad:
        raise RuntimeError(
            "draw_graph(backward=True): nothing in this graph requires a "
            "gradient (no input has requires_grad=True)"
        )
    if root.size != 1:
        raise ValueError(
            f"draw_graph(backward=True) differentiates one number (a loss); "
            f"this root has shape {root.shape}: reduce it first (.sum())"
        )
    nodes = [node for node in order if node.requires_grad]
    found = gradients(root, nodes, retain_graph=True, allow_unused=True)
    return {id(node): grad for node, grad in zip(nodes, found) if grad is not None}


@contextmanager
def _value_backward_pass(root: Value, order):
    """∂root/∂node on every Value while the drawing is made; every ``.grad`` restored after."""
    saved = [(node, node.grad, node.has_grad) for node in order]
    try:
        for node in order:
            node.grad = 0.0  # leaves accumulate: start them from 0
        root.backward()
        yield
    finally:
        for node, grad, has_grad in saved:
            node.grad, node.has_grad = grad, has_grad


def _parameter_names(model) -> dict:
    """id(parameter) → its dotted name in ``model`` ('layers.0.weight')."""
    if model is None:
        return {}
    if not hasattr(model, "named_parameters"):
        raise TypeError(
            f"model must be an nn module (with named_parameters()), got {type(model).__name__}"
        )
    return {id(parameter): name for name, parameter in model.named_parameters()}


def _digraph(graph: _Graph, rankdir, opts, clusters, max_elements, title) -> Drawing:
    root, order = graph.root, graph.order
    position = {id(node): i for i, node in enumerate(order)}
    tensor_grads = _tensor_grads(graph)
    size = opts.font_size
    dot = graphviz.Digraph(
        "computation_graph",
        graph_attr={
            "rankdir": rankdir,
            "fontname": opts.font,
            "bgcolor": "white",
            "nodesep": "0.25",
            "ranksep": "0.35",
        },
        node_attr={"fontname": opts.font, "fontsize": f"{size:g}", "shape": "plain"},
        edge_attr={"fontname": opts.font, "color": opts.border, "arrowsize": "0.7"},
    )
    if title:
        dot.attr(
            label=f"<{labels.graphviz(labels.literal(title), size=size + 2)}>",
            labelloc="t",
            fontsize=f"{size + 2:g}",
        )
    groups = _cluster_of(clusters, position)
    boxes = {None: dot}
    for number, (cluster_title, _) in enumerate(clusters or ()):
        box = graphviz.Digraph(f"cluster_{number}")
        box.attr(
            label=f"<{labels.graphviz(labels.literal(cluster_title), size=size)}>",
            style="rounded,dashed",
            color=opts.border,
            labeljust="l",
            margin="10",
        )
        boxes[number] = box
    for i, node in enumerate(order):
        name = f"n{i}"
        fill = _fill(node, node is root, opts)
        label = node.label or graph.names.get(id(node), "")
        table = _value_table(node, label, opts, max_elements, fill, tensor_grads)
        box = boxes[groups.get(i)]
        box.node(name, label=f"<{table}>")
        if _parents(node):
            op = f"n{i}op"
            box.node(
                op,
                label=f"<{_op_table(_op_name(node), opts)}>",
                shape="ellipse",
                style="filled",
                fillcolor="#f1f3f5",
                color=opts.border,
                margin="0.04,0.02",
                height="0.3",
                width="0.3",
                fontsize=f"{size - 2:g}",
            )
            for parent in _parents(node):
                dot.edge(f"n{position[id(parent)]}", op)
            dot.edge(op, name)
    for number in range(len(clusters or ())):
        dot.subgraph(boxes[number])
    _stack_clusters(dot, order, groups)
    kind = "Value" if isinstance(root, Value) else "Tensor"
    return Drawing(dot, title=f"computation graph of a {kind} ({len(order)} values)")


def _stack_clusters(dot, order, groups) -> None:
    """Each cluster after the one before it (below it, for rankdir='TB'): an invisible edge
    from the previous cluster's last node to each input of the cluster (a parameter, say),
    which would otherwise sit beside the previous cluster."""
    last = {}
    for i in range(len(order)):
        if i in groups:
            last[groups[i]] = i
    for i, node in enumerate(order):
        number = groups.get(i)
        if number is not None and not _parents(node) and number - 1 in last:
            dot.edge(f"n{last[number - 1]}", f"n{i}", style="invis")


def _cluster_of(clusters, position) -> dict:
    """Position in the order → the number of its cluster."""
    groups = {}
    for number, (cluster_title, nodes) in enumerate(clusters or ()):
        for node in nodes:
            if id(node) not in position:
                raise ValueError(
                    f"cluster {cluster_title!r} holds a value that is not in the graph of root"
                )
            groups[position[id(node)]] = number
    return groups


def _fill(node, is_root: bool, opts) -> str:
    if is_root:
        return opts.output_fill
    if not _parents(node):
        trainable = isinstance(node, Tensor) and node.requires_grad
        return "#fff9db" if trainable else opts.input_fill
    return "white"


def _op_table(op: str, opts) -> str:
    return labels.graphviz(labels.literal(op or "?"), size=opts.font_size - 2)


def _value_table(
    node, label: str, opts, max_elements: int, fill: str, tensor_grads: _TensorGrads
) -> str:
    if isinstance(node, Value):
        head = [labels.literal(label)] if label else []
        data_lines = [labels.literal(labels.fmt(node.data, opts.digits))]
        grad_lines = [labels.literal(labels.fmt(node.grad, opts.digits))] if node.has_grad else None
        grad_note = "not yet computed"
    else:
        head = [labels.literal(label)] if label else []
        head.append(labels.literal(_shape_text(node)))
        data_lines = [
            labels.literal(line) for line in summarize(node.numpy(), opts.digits, max_elements)
        ]
        grad_lines, grad_note = _tensor_grad(node, opts, max_elements, tensor_grads)
    size = opts.font_size
    muted = lambda text: labels.graphviz(text, size=size - 3, color=opts.muted)  # noqa: E731
    head_cell = ""
    if head:
        lines = [(head[0], "bold" if label else "normal")]
        lines += [(line, "small") for line in head[1:]]
        head_cell = f'<TD ROWSPAN="2" VALIGN="MIDDLE">{_lines(lines, opts)}</TD><VR/>'
    if grad_lines is None:
        grad_cell = _lines([(labels.literal(grad_note), "note")], opts)
    else:
        grad_cell = _lines([(line, "normal") for line in grad_lines], opts)
    data_cell = _lines([(line, "normal") for line in data_lines], opts)
    return (
        f'<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" STYLE="ROUNDED" '
        f'COLOR="{opts.border}" BGCOLOR="{fill}">'
        f"<TR>{head_cell}<TD>{muted('data')}</TD><VR/><TD>{muted('grad')}</TD></TR>"
        f'<TR><TD VALIGN="TOP">{data_cell}</TD><VR/><TD VALIGN="TOP">{grad_cell}</TD></TR>'
        "</TABLE>"
    )


def _lines(lines, opts) -> str:
    """Lines of text, one under the other; each is (pieces, style), style 'bold', 'normal',
    'small' or 'note' (a gradient that is missing)."""
    size = opts.font_size
    rows = []
    for pieces, style in lines:
        if style == "note":
            cell = labels.graphviz(pieces, size=size - 2, color=opts.muted)
        elif style == "small":
            cell = labels.graphviz(pieces, size=size - 2)
        else:
            cell = labels.graphviz(pieces, size=size, bold=(style == "bold"))
        rows.append(f"<TR><TD>{cell}</TD></TR>")
    if len(rows) == 1:
        return rows[0][len("<TR><TD>") : -len("</TD></TR>")]
    return f'<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="0">{"".join(rows)}</TABLE>'


def _shape_text(tensor: Tensor) -> str:
    return f"{tuple(tensor.shape)} {tensor.dtype}"


@dataclass(frozen=True)
class _TensorGrads:
    """Where a drawing takes the tensors' gradients from: ``own`` (id → gradient) after
    ``draw_graph``'s own backward pass, else each tensor's ``.grad``; ``backward_ran``: a
    backward pass has filled the leaves' ``.grad``, so a missing intermediate gradient was not
    kept (``retain_grad()``) rather than not yet computed."""

    own: dict | None
    backward_ran: bool


def _tensor_grads(graph: _Graph) -> _TensorGrads:
    backward_ran = any(
        isinstance(node, Tensor) and not node.parents and node.grad is not None
        for node in graph.order
    )
    return _TensorGrads(graph.own_gradients, backward_ran)


def _tensor_grad(tensor: Tensor, opts, max_elements: int, grads: _TensorGrads):
    """The lines of a tensor's gradient, or (None, why it is missing)."""
    grad = tensor.grad if grads.own is None else grads.own.get(id(tensor))
    if grad is not None:
        grad = backend.to_device(grad, "cpu")
        return [labels.literal(line) for line in summarize(grad, opts.digits, max_elements)], ""
    if not tensor.requires_grad:
        return None, "none (constant)"
    if grads.own is None and grads.backward_ran and tensor.parents and not tensor.retains_grad:
        return None, "not kept: draw with backward=True"
    return None, "not yet computed"


def summarize(array, digits: int = 4, max_elements: int = 6) -> list:
    """A few lines of text for an array: every element up to ``max_elements``, else a summary.

    A scalar is one number; a small vector one bracketed line; a small matrix one line per
    row; a larger array its first elements, then its minimum, mean and maximum.
    """
    array = numpy.asarray(array)
    if array.size == 1:
        return [labels.fmt(array.reshape(-1)[0], digits)]
    if array.size == 0:
        return ["[]"]

    def row(values):
        return "[" + ", ".join(labels.fmt(v, digits) for v in values) + "]"

    if array.size <= max_elements:
        if array.ndim == 2:
            return [row(r) for r in array]
        flat = array.reshape(-1)
        return [row(flat[i : i + 4]) for i in range(0, flat.size, 4)]
    flat = array.reshape(-1).astype(numpy.float64)
    head = "[" + ", ".join(labels.fmt(v, digits) for v in flat[: min(3, max_elements)]) + ", …]"
    return [
        head,
        f"min {labels.fmt(flat.min(), digits)}  mean {labels.fmt(flat.mean(), digits)}",
        f"max {labels.fmt(flat.max(), digits)}",
    ]
