"""``draw_network``: a network of Dense layers on one example, in the lecture's notation.

One column per layer, left to right (inputs a, b; hidden c, d, e and f, g, h; output z for the
lecture's 2-3-3-1 network). Each neuron j shows

    forward:   j̄ = Σ_i i·W_{i,j} + β_j   (before the non-linearity),   j = s(j̄),   β_j
    backward:  ∂z/∂j,   ∂z/∂j̄ = ∂z/∂j · s'(j̄),   ∂z/∂β_j = ∂z/∂j̄

and each edge i → j its weight W_{i,j} and ∂z/∂W_{i,j} = ∂z/∂j̄ · i. An edge is blue for a
positive weight and vermilion for a negative one, and thicker for a larger |W_{i,j}|.

The numbers are the engine's own (see ``viz.trace``). The same builder draws the frames of
``backprop_steps``: a frame shows only what has been computed so far (the rest is drawn in
ink of the colour of their background, so every frame has the same layout) and highlights the
current step. (Not Graphviz's 'transparent': its SVG output writes transparent text as the
near-white #fffffe, which shows on a coloured background.)

Every quantity has a key, used for visibility and highlighting:

    ('post', ℓ, k)   neuron k of layer ℓ (ℓ = 0: the inputs)     ('gpost', ℓ, k)  ∂z/∂ of it
    ('pre', ℓ, k)    its value before the non-linearity            ('gpre', ℓ, k)   ∂z/∂ of it
    ('bias', ℓ, k)   its bias β                                    ('gbias', ℓ, k)  ∂z/∂β
    ('w', ℓ, k, m)   the weight from (ℓ, k) to (ℓ+1, m)            ('gw', ℓ, k, m)  ∂z/∂W
    ('loss',)        the loss L, when there is one                 ('gloss',)       ∂L/∂L = 1
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import graphviz
import numpy

from . import labels
from .drawing import Drawing
from .options import Options, current
from .trace import NetworkTrace, trace_network


@dataclass(frozen=True)
class Show:
    """What a network drawing shows: the forward values, the backward ones, edge gradients."""

    forward: bool = True
    backward: bool = True
    edge_grads: bool = True
    linear_algebra: bool = False


@dataclass
class Frame:
    """The state of one frame of the step-by-step view.

    Attributes:
        visible: the keys of the quantities computed so far (inputs and parameters included).
        current: the key of the quantity this step computes.
        operands: the keys of the quantities its formula uses.
        caption: the lines of the caption (markup), the same number in every frame.
        caption_width: the width in points of the caption's cells, the same in every frame.
    """

    visible: frozenset
    current: tuple | None = None
    operands: frozenset = frozenset()
    caption: list = field(default_factory=list)
    caption_width: float = 0.0


def draw_network(
    model,
    x,
    y=None,
    loss=None,
    *,
    forward: bool = True,
    backward: bool = True,
    edge_grads: bool = True,
    linear_algebra: bool = False,
    digits: int | None = None,
    font: str | None = None,
    title: str | None = None,
) -> Drawing:
    """Draw ``model`` (a Sequential of Dense layers) on the example ``x``.

    z, the number that is differentiated, is the network's single output or, given ``loss``
    and ``y``, the loss L(z, y); the title says which.

    Args:
        model: a ``nn.Sequential`` of ``nn.Dense`` layers.
        x: one example, shape (n_inputs,) or (1, n_inputs).
        y: the target, for ``loss``.
        loss: None, a loss name ('binary_crossentropy', 'mse', ...) or a callable
            ``loss(prediction, target)``.
        forward: show j̄, j and β_j in each neuron and W_{i,j} on each edge.
        backward: show ∂z/∂j, ∂z/∂j̄ and ∂z/∂β_j in each neuron.
        edge_grads: show ∂z/∂W_{i,j} on each edge (with ``backward``).
        linear_algebra: add under each layer ℓ the lecture's vectors v_ℓ, v̄_ℓ, δ_ℓ, δ̄_ℓ and
            the matrices W_{ℓ-1} and Δ_{ℓ-1} = v_{ℓ-1} δ̄_ℓᵀ.
        digits: decimals (default ``viz.options.digits``, 4).
        font: font family (default ``viz.options.font``, DejaVu Sans).
        title: replaces the first line of the title.
    """
    trace = trace_network(model, x, y, loss)
    opts = current(digits=digits, font=font)
    show = Show(forward, backward, edge_grads, linear_algebra)
    dot = network_digraph(trace, opts, show, title=title)
    return Drawing(dot, title=plain_title(trace))


# ---- titles -----------------------------------------------------------------------------------


def activation_symbols(trace: NetworkTrace) -> list:
    """The symbol of each layer's non-linearity: 's' when every layer has the same one (as in
    the lecture), otherwise the activation's name."""
    names = [layer.activation for layer in trace.layers]
    if len(set(names)) == 1:
        return ["s"] * len(names)
    return [labels.quote(name) for name in names]


def title_lines(
    trace: NetworkTrace, opts: Options, title: str | None = None, computed: bool = True
) -> list:
    """Two lines of markup: the network, and what z is, with z's value once ``computed`` (a
    frame of the forward pass before z's step has not computed it yet)."""
    sizes = "-".join(str(n) for n in trace.sizes)
    names = [labels.quote(layer.activation) for layer in trace.layers]
    if len(set(names)) == 1:
        act = f"s = {names[0]}"
    else:
        act = ", ".join(f"layer {i}: {n}" for i, n in enumerate(names, start=1))
    first = title if title is not None else f"A {sizes} network, {act}"
    output = trace.names.neurons[-1]
    value = labels.fmt(trace.value, opts.digits) if computed else "not yet computed"
    if trace.symbol == "z":
        second = f"z = the output, {value}; ∂z/∂· is its derivative"
    else:
        out = output[0] if len(output) == 1 else "output"
        y = labels.short_values(trace.y, limit=4)
        second = (
            f"L = {labels.quote(trace.loss_name)}({out}, y = {y}) = "
            f"{value}; ∂L/∂· is the derivative of this loss (the lecture's ∂z/∂· with z "
            "the loss)"
        )
    return [labels.literal(first) if title is not None else first, second]


def plain_title(trace: NetworkTrace) -> str:
    return f"network {'-'.join(str(n) for n in trace.sizes)}, z = " + (
        "the output" if trace.symbol == "z" else f"the loss {trace.loss_name}"
    )


# ---- the digraph ------------------------------------------------------------------------------


def value_of(trace: NetworkTrace, key: tuple) -> float:
    """The engine's number for a key (see the module's doc)."""
    kind = key[0]
    if kind == "loss":
        return trace.value
    if kind == "gloss":
        return 1.0
    layer, k = key[1], key[2]
    if kind == "post":
        return float(trace.values(layer)[k])
    if kind == "gpost":
        return float(trace.grads(layer)[k])
    t = trace.layers[layer - 1] if kind not in ("w", "gw") else trace.layers[layer]
    if kind == "pre":
        return float(t.pre[k])
    if kind == "gpre":
        return float(t.grad_pre[k])
    if kind == "bias":
        return float(t.bias[k])
    if kind == "gbias":
        return float(t.grad_bias[k])
    m = key[3]
    if kind == "w":
        return float(t.weight[m, k])
    if kind == "gw":
        return float(t.grad_weight[m, k])
    raise KeyError(key)


class _Ink:
    """Decides the colour and background of each quantity in one drawing or frame."""

    def __init__(self, trace: NetworkTrace, opts: Options, frame: Frame | None):
        self.trace = trace
        self.opts = opts
        self.frame = frame

    def shown(self, key) -> bool:
        return self.frame is None or key in self.frame.visible

    def color(self, key, normal: str, background: str | None) -> str:
        """``normal`` for a quantity already computed, else the background's colour: the text
        is there, taking its space, but cannot be seen."""
        return normal if self.shown(key) else (background or "white")

    def background(self, key) -> str | None:
        if self.frame is None:
            return None
        if key == self.frame.current:
            return self.opts.highlight
        if key in self.frame.operands:
            return self.opts.operand
        return None


def network_digraph(
    trace: NetworkTrace,
    opts: Options,
    show: Show,
    frame: Frame | None = None,
    title: str | None = None,
) -> graphviz.Digraph:
    """The Graphviz digraph of a traced network (a whole drawing, or one frame)."""
    ink = _Ink(trace, opts, frame)
    size = opts.font_size
    dot = graphviz.Digraph(
        "network",
        graph_attr={
            "rankdir": "LR",
            "fontname": opts.font,
            "bgcolor": "white",
            "nodesep": "0.35",
            "ranksep": "1.6",
            "newrank": "true",
            "labelloc": "t",
            "labeljust": "l",
            "pad": "0.3",
        },
        node_attr={"fontname": opts.font, "fontsize": f"{size:g}", "shape": "plain"},
        edge_attr={"fontname": opts.font, "fontsize": f"{size - 3:g}", "arrowsize": "0.6"},
    )
    dot.attr(label=f"<{_heading(trace, opts, frame, title)}>")
    names = trace.names
    for layer, layer_names in enumerate(names.neurons):
        with dot.subgraph(name=f"layer{layer}") as column:
            column.attr(rank="same")
            for k in range(len(layer_names)):
                column.node(
                    _node_id(layer, k), label=f"<{_neuron_table(trace, layer, k, opts, show, ink)}>"
                )
            ids = [_node_id(layer, k) for k in range(len(layer_names))]
            if show.linear_algebra:
                from .linalg import panel_tables  # the panels are optional

                for n, table in enumerate(panel_tables(trace, layer, opts, ink)):
                    ids.append(f"L{layer}panel{n}")
                    column.node(ids[-1], label=f"<{table}>")
            for top, bottom in zip(ids, ids[1:]):  # keep the lecture's order, top to bottom
                column.edge(top, bottom, style="invis")
    scale = max((numpy.abs(t.weight).max() for t in trace.layers), default=1.0) or 1.0
    for layer in range(len(names.neurons) - 1):
        weights = trace.layers[layer].weight
        for m in range(weights.shape[0]):
            for k in range(weights.shape[1]):
                _edge(dot, trace, layer, k, m, opts, show, ink, scale)
    if trace.symbol == "L":
        dot.node("loss", label=f"<{_loss_table(trace, opts, show, ink)}>")
        for k in range(len(names.neurons[-1])):
            dot.edge(_node_id(len(names.neurons) - 1, k), "loss", color=opts.border, penwidth="1.2")
    return dot


def _node_id(layer: int, k: int) -> str:
    return f"L{layer}n{k}"


def output_key(trace: NetworkTrace) -> tuple:
    """The key of z: the loss, or the network's single output."""
    return ("loss",) if trace.symbol == "L" else ("post", len(trace.names.neurons) - 1, 0)


def _heading(trace, opts, frame, title) -> str:
    size = opts.font_size
    computed = frame is None or output_key(trace) in frame.visible
    first, second = title_lines(trace, opts, title, computed)
    lines = [(first, size + 3, True), (second, size, False)]
    width = max(labels.text_width(text, s, bold=b) for text, s, b in lines)
    if frame is not None:  # the same width in every frame, z's value shown or not
        other = title_lines(trace, opts, title, not computed)[1]
        width = max(width, frame.caption_width, labels.text_width(other, size))
    rows = [
        f'<TR><TD ALIGN="LEFT">'
        f"{labels.graphviz(text, size=s, bold=b, width=width, align='LEFT')}</TD></TR>"
        for text, s, b in lines
    ]
    if frame is not None:
        height = math.ceil(labels.line_height(size + 1)) + 8
        for n, line in enumerate(frame.caption):
            text = labels.graphviz(
                line or " ", size=size + 1, bold=(n == 0), width=width, align="LEFT"
            )
            rows.append(
                f'<TR><TD ALIGN="LEFT" WIDTH="{width:.0f}" HEIGHT="{height}" '
                f'BGCOLOR="#f8f9fa">{text}</TD></TR>'
            )
    return (
        '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3">'
        + "".join(rows)
        + "</TABLE>"
    )


def _rows(lines, opts: Options, ink: _Ink, size: float) -> list:
    """Table rows for (symbol, key, colour, fill) lines: the symbol ('∂z/∂~h =') and the number
    each in its own cell, the symbols right-aligned in a column of one width."""
    width = max((labels.text_width(symbol + " =", size) for symbol, *_ in lines), default=0)
    rows = []
    for symbol, key, color, fill in lines:
        if symbol == "<HR/>":
            rows.append("<HR/>")
            continue
        text_color = ink.color(key, color, fill)
        bg = ink.background(key) or fill
        bg_attr = f' BGCOLOR="{bg}"' if bg else ""
        number = labels.fmt(value_of(ink.trace, key), opts.digits)
        sym = labels.graphviz(symbol + " =", size=size, color=text_color, width=width)
        rows.append(
            f'<TR><TD ALIGN="RIGHT"{bg_attr}>{sym}</TD>'
            f'<TD ALIGN="RIGHT"{bg_attr}>'
            f"{labels.graphviz(number, size=size, color=text_color)}</TD></TR>"
        )
    return rows


def _neuron_table(
    trace: NetworkTrace, layer: int, k: int, opts: Options, show: Show, ink: _Ink
) -> str:
    size = opts.font_size
    name = trace.names.neuron(layer, k)
    sym = trace.symbol
    black, back = "black", opts.backward_text
    ffill, bfill = opts.forward_fill, opts.backward_fill
    forward, backward = [], []
    has_bias = layer > 0 and trace.layers[layer - 1].has_bias
    if layer == 0:
        forward.append((name, ("post", 0, k), black, ffill))
    else:
        forward.append((f"~{name}", ("pre", layer, k), black, ffill))
        forward.append((name, ("post", layer, k), black, ffill))
        if has_bias:
            forward.append((trace.names.bias(layer, k), ("bias", layer, k), black, ffill))
    backward.append((f"∂{sym}/∂{name}", ("gpost", layer, k), back, bfill))
    if layer > 0:
        backward.append((f"∂{sym}/∂~{name}", ("gpre", layer, k), back, bfill))
        if has_bias:
            backward.append(
                (f"∂{sym}/∂{trace.names.bias(layer, k)}", ("gbias", layer, k), back, bfill)
            )
    lines = (forward if show.forward else []) + (backward if show.backward else [])
    rows = _rows(lines, opts, ink, size)
    if show.forward and show.backward:
        rows.insert(len(forward), "<HR/>")
    last = layer == len(trace.names.neurons) - 1
    fill = opts.input_fill if layer == 0 else (opts.output_fill if last else "white")
    head_width = labels.text_width(name, size + 4, bold=True)
    head = labels.graphviz(name, size=size + 4, bold=True, width=head_width, align="CENTER")
    header = f'<TR><TD COLSPAN="2" BGCOLOR="{fill}">{head}</TD></TR>'
    return (
        f'<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2" '
        f'COLOR="{opts.border}">' + header + ("<HR/>" if rows else "") + "".join(rows) + "</TABLE>"
    )


def _edge(dot, trace, layer, k, m, opts: Options, show: Show, ink: _Ink, scale: float) -> None:
    size = opts.font_size - 3
    weight = trace.layers[layer].weight[m, k]
    color = opts.positive if weight >= 0 else opts.negative
    lines = []
    symbol = trace.names.weight(layer, k, m)
    if show.forward:
        lines.append((symbol, ("w", layer, k, m), color, None))
    if show.backward and show.edge_grads:
        lines.append((f"∂{trace.symbol}/∂{symbol}", ("gw", layer, k, m), opts.backward_text, None))
    rows = _rows(lines, opts, ink, size)
    attrs = {"color": color, "penwidth": f"{0.6 + 3.4 * abs(weight) / scale:.2f}"}
    if ink.frame is not None and ("gw", layer, k, m) == ink.frame.current:
        attrs["color"] = f"{opts.highlight}:{color}:{opts.highlight}"
    if rows:
        attrs["label"] = (
            '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1" '
            f'BGCOLOR="white">{"".join(rows)}</TABLE>>'
        )
    dot.edge(_node_id(layer, k), _node_id(layer + 1, m), **attrs)


def _loss_table(trace: NetworkTrace, opts: Options, show: Show, ink: _Ink) -> str:
    size = opts.font_size
    lines = []
    if show.forward:
        lines.append(("L", ("loss",), "black", opts.forward_fill))
    if show.backward:
        lines.append(("∂L/∂L", ("gloss",), opts.backward_text, opts.backward_fill))
    rows = _rows(lines, opts, ink, size)
    if show.forward and show.backward:
        rows.insert(1, "<HR/>")
    header = (
        f'<TR><TD COLSPAN="2" BGCOLOR="{opts.output_fill}">'
        f"{labels.graphviz('L', size=size + 4, bold=True)}</TD></TR>"
    )
    return (
        f'<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2" '
        f'COLOR="{opts.border}">' + header + "<HR/>" + "".join(rows) + "</TABLE>"
    )
