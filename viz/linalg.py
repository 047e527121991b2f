"""The lecture's linear-algebra view of backpropagation, from the engine's numbers.

For layer ℓ (ℓ = 0: the inputs) the lecture stacks the neurons' values into vectors:

    v_ℓ   the values j after the non-linearity        (v_1 = [c, d, e] in the 2-3-3-1 network)
    v̄_ℓ   the values j̄ before it                     (v̄_1 = [c̄, d̄, ē]; v_ℓ = s(v̄_ℓ))
    δ_ℓ   ∂z/∂j                                       (δ_3 = [1] for the output z)
    δ̄_ℓ   ∂z/∂j̄                                       (δ̄_ℓ = s′(v̄_ℓ) × δ_ℓ, entrywise)

and the weights between layers ℓ and ℓ+1 into W_ℓ, one row per neuron of layer ℓ+1
(W_0 = [[W_{a,c}, W_{b,c}], [W_{a,d}, W_{b,d}], [W_{a,e}, W_{b,e}]]). Then

    v̄_{ℓ+1} = W_ℓ v_ℓ + β_{ℓ+1},     δ_ℓ = W_ℓᵀ δ̄_{ℓ+1},     Δ_ℓ = v_ℓ δ̄_{ℓ+1}ᵀ

where Δ_ℓ holds ∂z/∂W_{i,j} with one row per neuron i of layer ℓ (so Δ_ℓ = (∂z/∂W_ℓ)ᵀ). The
lecture's slides write Δ_ℓ = v_ℓ δ_{ℓ+1}ᵀ and v̄_1 = [c̄, d̄, f̄]: both are slips. The weight
gradient uses δ̄_{ℓ+1}, the derivatives *before* the non-linearity (∂z/∂W_{i,j} = ∂z/∂j̄ · i),
and v̄_1 = [c̄, d̄, ē].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy

from . import labels
from .trace import NetworkTrace


@dataclass(frozen=True)
class Quantity:
    """A named vector or matrix of the lecture, entry by entry.

    Attributes:
        name: its name in markup ('v_1', '~v_1', 'δ_1', '~δ_1', 'W_0', 'Δ_0').
        entries: the name of each entry in markup, a tuple (vector) or tuple of tuples (matrix).
        keys: the key of each entry (see ``viz.network``), the same shape.
        values: the engine's numbers, a NumPy array of the same shape.
    """

    name: str
    entries: tuple
    keys: tuple
    values: numpy.ndarray

    def plain(self):
        """The entries' names as plain text (h̄ as 'h' + U+0304, composed)."""
        if self.values.ndim == 1:
            return [labels.plain(e) for e in self.entries]
        return [[labels.plain(e) for e in row] for row in self.entries]


@dataclass(frozen=True)
class LinearAlgebra:
    """Every vector and matrix of the lecture for one traced network.

    ``v``, ``v_bar``, ``delta``, ``delta_bar`` are indexed by layer ℓ = 0 ... L (``v_bar[0]`` and
    ``delta_bar[0]`` are None: the inputs have no non-linearity); ``W`` and ``Delta`` by
    ℓ = 0 ... L-1, between layers ℓ and ℓ+1.
    """

    v: list
    v_bar: list
    delta: list
    delta_bar: list
    W: list
    Delta: list


def layer_vectors(trace: NetworkTrace) -> LinearAlgebra:
    """The lecture's v_ℓ, v̄_ℓ, δ_ℓ, δ̄_ℓ, W_ℓ and Δ_ℓ, filled with the engine's numbers."""
    names = trace.names
    d = f"∂{trace.symbol}/∂"
    v, v_bar, delta, delta_bar, weights, deltas = [], [], [], [], [], []
    for layer, neurons in enumerate(names.neurons):
        n = len(neurons)
        v.append(
            Quantity(
                f"v_{{{layer}}}",
                tuple(neurons),
                tuple(("post", layer, k) for k in range(n)),
                trace.values(layer),
            )
        )
        delta.append(
            Quantity(
                f"δ_{{{layer}}}",
                tuple(f"{d}{j}" for j in neurons),
                tuple(("gpost", layer, k) for k in range(n)),
                trace.grads(layer),
            )
        )
        if layer == 0:
            v_bar.append(None)
            delta_bar.append(None)
            continue
        t = trace.layers[layer - 1]
        v_bar.append(
            Quantity(
                f"~v_{{{layer}}}",
                tuple(f"~{j}" for j in neurons),
                tuple(("pre", layer, k) for k in range(n)),
                t.pre,
            )
        )
        delta_bar.append(
            Quantity(
                f"~δ_{{{layer}}}",
                tuple(f"{d}~{j}" for j in neurons),
                tuple(("gpre", layer, k) for k in range(n)),
                t.grad_pre,
            )
        )
    for layer, t in enumerate(trace.layers):
        rows, cols = t.weight.shape
        weights.append(
            Quantity(
                f"W_{{{layer}}}",
                tuple(tuple(names.weight(layer, k, m) for k in range(cols)) for m in range(rows)),
                tuple(tuple(("w", layer, k, m) for k in range(cols)) for m in range(rows)),
                t.weight.copy(),
            )
        )
        deltas.append(
            Quantity(
                f"Δ_{{{layer}}}",
                tuple(
                    tuple(f"{d}{names.weight(layer, k, m)}" for m in range(rows))
                    for k in range(cols)
                ),
                tuple(tuple(("gw", layer, k, m) for m in range(rows)) for k in range(cols)),
                t.grad_weight.T.copy(),
            )
        )
    return LinearAlgebra(v, v_bar, delta, delta_bar, weights, deltas)


# ---- the panels drawn under each layer --------------------------------------------------------


def panel_tables(trace: NetworkTrace, layer: int, opts, ink) -> list:
    """Graphviz tables for the panels under layer ℓ, one node each: the vectors v̄_ℓ, v_ℓ, δ_ℓ,
    δ̄_ℓ side by side; W_{ℓ-1}; Δ_{ℓ-1} = v_{ℓ-1} δ̄_ℓᵀ; and the formulas that link them.

    Each is a flat table (Graphviz stretches a nested table to fill its cell)."""
    la = layer_vectors(trace)
    size = opts.font_size - 3
    vectors = [
        q
        for q in (la.v_bar[layer], la.v[layer], la.delta[layer], la.delta_bar[layer])
        if q is not None
    ]
    tables = [_grid(vectors, opts, ink, size)]
    if layer >= 1:
        tables.append(_grid([la.W[layer - 1]], opts, ink, size))
        tables.append(_grid([la.Delta[layer - 1]], opts, ink, size))
    notes = panel_notes(layer, len(trace.layers))
    width = max(labels.text_width(note, size) for note in notes)
    rows = "".join(
        f'<TR><TD ALIGN="LEFT">'
        f"{labels.graphviz(note, size=size, color=opts.muted, width=width, align='LEFT')}"
        "</TD></TR>"
        for note in notes
    )
    tables.append(
        f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{rows}</TABLE>'
    )
    return tables


def panel_notes(layer: int, n_layers: int) -> list:
    """The formulas (markup) that link the vectors and matrices of layer ℓ's panel."""
    notes = []
    if layer >= 1:
        notes.append(f"~δ_{{{layer}}} = s′(~v_{{{layer}}}) × δ_{{{layer}}}")
    if layer < n_layers:
        notes.append(f"δ_{{{layer}}} = W_{{{layer}}}ᵀ ~δ_{{{layer + 1}}}")
    if layer >= 1:
        # δ̄, not the slides' δ: ∂z/∂W_{i,j} = ∂z/∂j̄ · i
        notes.append(f"Δ_{{{layer - 1}}} = v_{{{layer - 1}}} ~δ_{{{layer}}}ᵀ")
    return notes


def _grid(quantities, opts, ink, size) -> str:
    """One flat table: for each quantity 'name =', a bracket, the entries, a bracket (a vector
    is a column)."""
    blocks = []
    for q in quantities:
        values = q.values if q.values.ndim == 2 else q.values.reshape(-1, 1)
        keys = q.keys if q.values.ndim == 2 else tuple((key,) for key in q.keys)
        blocks.append((q.name, values, keys))
    n_rows = max(values.shape[0] for _, values, _ in blocks)
    body = []
    for r in range(n_rows):
        cells = []
        for b, (name, values, keys) in enumerate(blocks):
            rows, cols = values.shape
            if r == 0 and b:
                cells.append(f'<TD ROWSPAN="{n_rows}" WIDTH="8"></TD>')
            # the name sits in the middle row: a table in a cell of several rows would be
            # stretched to their height, pulling its bar and subscript away from the letter
            label = labels.graphviz(name + " =", size=size + 1) if r == (n_rows - 1) // 2 else ""
            cells.append(f'<TD ALIGN="RIGHT">{label}</TD>')
            if r == 0:
                cells.append(
                    f'<TD ROWSPAN="{rows}" BORDER="1" SIDES="LTB" WIDTH="3" '
                    f'COLOR="{opts.border}"></TD>'
                )
            if r < rows:
                for c in range(cols):
                    key = keys[r][c]
                    normal = opts.backward_text if key[0].startswith("g") else "black"
                    color = ink.color(key, normal, None)
                    bg = ink.background(key)
                    bg_attr = f' BGCOLOR="{bg}"' if bg else ""
                    number = labels.fmt(values[r, c], opts.digits)
                    cells.append(
                        f'<TD ALIGN="RIGHT"{bg_attr}>'
                        f"{labels.graphviz(number, size=size, color=color)}</TD>"
                    )
            elif r == rows:
                cells.append(f'<TD ROWSPAN="{n_rows - rows}" COLSPAN="{cols + 2}"></TD>')
            if r == 0:
                cells.append(
                    f'<TD ROWSPAN="{rows}" BORDER="1" SIDES="RTB" WIDTH="3" '
                    f'COLOR="{opts.border}"></TD>'
                )
        body.append(f"<TR>{''.join(cells)}</TR>")
    return (
        '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">'
        + "".join(body)
        + "</TABLE>"
    )
