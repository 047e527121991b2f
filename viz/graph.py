"""``draw_graph``: the computation graph of a ``Value`` or ``Tensor`` expression.

One box per value (its label, data and gradient ∂z/∂value; for a tensor its shape and a short
summary of data and gradient) and one small oval per operation, with an arrow from each input of
the operation to the operation and from the operation to its result, as in micrograd's drawing.

The DOT text is deterministic: nodes are numbered by their position in
``topological_order(root)`` (n0 is an input, the last one is ``root``), never by ``id()``.
"""

from __future__ import annotations

import warnings

import graphviz
import numpy

from autograd_lite import backend
from autograd_lite.graph import topological_order
from autograd_lite.tensor import Tensor
from autograd_lite.value import Value

from . import labels
from .drawing import Drawing
from .options import current


class LargeGraphWarning(UserWarning):
    """The graph is large enough that Graphviz will be slow to lay it out."""


def draw_graph(root, rankdir: str = "LR", *, max_elements: int = 6, digits: int | None = None,
               font: str | None = None, title: str | None = None) -> Drawing:
    """Draw the graph of operations that computed ``root`` (a ``Value`` or a ``Tensor``).

    Each value node shows ``data`` and ``grad`` = ∂z/∂(node), where z is the value that
    ``backward()`` was last called on. Drawn before any backward pass, a gradient reads
    "not yet computed", not 0. An intermediate ``Tensor``'s gradient is freed by the engine
    unless ``retain_grad()`` was called on it, and reads "not kept" then.

    Args:
        root: the expression to draw.
        rankdir: 'LR' (inputs on the left) or 'TB' (inputs at the top), as in Graphviz.
        max_elements: a tensor with more elements than this shows its first few and its
            minimum, mean and maximum instead of every element.
        digits: decimals of every number (default ``viz.options.digits``, 4).
        font: the font family (default ``viz.options.font``, DejaVu Sans).
        title: a caption drawn above the graph.

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
    if len(order) > opts.max_nodes:
        warnings.warn(
            f"draw_graph: {len(order)} value nodes (more than {opts.max_nodes}); Graphviz "
            "takes long to lay out graphs this large. Draw the Tensor expression instead of "
            "scalar Values (one node per array), or use viz.draw_network for a Sequential.",
            LargeGraphWarning, stacklevel=2,
        )
    position = {id(node): i for i, node in enumerate(order)}
    # A Tensor graph keeps no gradient on its intermediate nodes (unless retain_grad()): one
    # that is missing after a backward pass was not kept, before one it is not yet computed.
    backward_ran = any(isinstance(node, Tensor) and not node._prev and node.grad is not None
                       for node in order)
    size = opts.font_size
    dot = graphviz.Digraph(
        "computation_graph",
        graph_attr={"rankdir": rankdir, "fontname": opts.font, "bgcolor": "white",
                    "nodesep": "0.25", "ranksep": "0.35"},
        node_attr={"fontname": opts.font, "fontsize": f"{size:g}", "shape": "plain"},
        edge_attr={"fontname": opts.font, "color": opts.border, "arrowsize": "0.7"},
    )
    if title:
        dot.attr(label=f"<{labels.graphviz(labels.literal(title), size=size + 2)}>",
                 labelloc="t", fontsize=f"{size + 2:g}")
    for i, node in enumerate(order):
        name = f"n{i}"
        fill = _fill(node, node is root, opts)
        table = _value_table(node, opts, max_elements, fill, backward_ran)
        dot.node(name, label=f"<{table}>")
        if node._prev:
            op = f"n{i}op"
            dot.node(op, label=f"<{_op_table(node._op, opts)}>", shape="ellipse",
                     style="filled", fillcolor="#f1f3f5", color=opts.border, margin="0.04,0.02",
                     height="0.3", width="0.3", fontsize=f"{size - 2:g}")
            for parent in node._prev:
                dot.edge(f"n{position[id(parent)]}", op)
            dot.edge(op, name)
    kind = "Value" if isinstance(root, Value) else "Tensor"
    return Drawing(dot, title=f"computation graph of a {kind} ({len(order)} values)")


def _fill(node, is_root: bool, opts) -> str:
    if is_root:
        return opts.output_fill
    if not node._prev:
        trainable = isinstance(node, Tensor) and node.requires_grad
        return "#fff9db" if trainable else opts.input_fill
    return "white"


def _op_table(op: str, opts) -> str:
    return labels.graphviz(labels.literal(op or "?"), size=opts.font_size - 2)


def _value_table(node, opts, max_elements: int, fill: str, backward_ran: bool) -> str:
    if isinstance(node, Value):
        head = [labels.literal(node.label)] if node.label else []
        data_lines = [labels.literal(labels.fmt(node.data, opts.digits))]
        grad_lines = ([labels.literal(labels.fmt(node.grad, opts.digits))] if node.has_grad
                      else None)
        grad_note = "not yet computed"
    else:
        head = [labels.literal(node.label)] if node.label else []
        head.append(labels.literal(_shape_text(node)))
        data_lines = [labels.literal(line)
                      for line in summarize(node.numpy(), opts.digits, max_elements)]
        grad_lines, grad_note = _tensor_grad(node, opts, max_elements, backward_ran)
    size = opts.font_size
    muted = lambda text: labels.graphviz(text, size=size - 3, color=opts.muted)  # noqa: E731
    head_cell = ""
    if head:
        lines = [(head[0], "bold" if node.label else "normal")]
        lines += [(line, "small") for line in head[1:]]
        head_cell = f'<TD ROWSPAN="2" VALIGN="MIDDLE">{_lines(lines, opts)}</TD><VR/>'
    if grad_lines is None:
        grad_cell = _lines([(labels.literal(grad_note), "note")], opts)
    else:
        grad_cell = _lines([(line, "normal") for line in grad_lines], opts)
    data_cell = _lines([(line, "normal") for line in data_lines], opts)
    return (f'<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" STYLE="ROUNDED" '
            f'COLOR="{opts.border}" BGCOLOR="{fill}">'
            f'<TR>{head_cell}<TD>{muted("data")}</TD><VR/><TD>{muted("grad")}</TD></TR>'
            f'<TR><TD VALIGN="TOP">{data_cell}</TD><VR/><TD VALIGN="TOP">{grad_cell}</TD></TR>'
            "</TABLE>")


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
        return rows[0][len("<TR><TD>"):-len("</TD></TR>")]
    return f'<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="0">{"".join(rows)}</TABLE>'


def _shape_text(tensor: Tensor) -> str:
    return f"{tuple(tensor.shape)} {tensor.dtype}"


def _tensor_grad(tensor: Tensor, opts, max_elements: int, backward_ran: bool):
    """The lines of a tensor's gradient, or (None, why it is missing)."""
    if tensor.grad is not None:
        grad = backend.to_device(tensor.grad, "cpu")
        return [labels.literal(line) for line in summarize(grad, opts.digits, max_elements)], ""
    if not tensor.requires_grad:
        return None, "none (constant)"
    if backward_ran and tensor._prev and not tensor._retains_grad:
        return None, "not kept (retain_grad())"
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
        return [row(flat[i:i + 4]) for i in range(0, flat.size, 4)]
    flat = array.reshape(-1).astype(numpy.float64)
    head = "[" + ", ".join(labels.fmt(v, digits) for v in flat[:min(3, max_elements)]) + ", …]"
    return [head,
            f"min {labels.fmt(flat.min(), digits)}  mean {labels.fmt(flat.mean(), digits)}",
            f"max {labels.fmt(flat.max(), digits)}"]
