"""``backprop_steps``: backpropagation node by node, in the order of the lecture.

The forward pass goes left to right, layer by layer: first every j̄ of a layer, then every j,

    j̄ = Σ_i i·W_{i,j} + β_j,        j = s(j̄)

(for the lecture's 2-3-3-1 network: c̄, d̄, ē, c, d, e, f̄, ḡ, h̄, f, g, h, z̄, z). The backward
pass goes right to left, starting from ∂z/∂z = 1; for each layer, from the last one down:

    ∂z/∂i = Σ_j ∂z/∂j̄ · W_{i,j}        (a neuron's derivative; δ_ℓ = W_ℓᵀ δ̄_{ℓ+1})
    ∂z/∂j̄ = ∂z/∂j · s′(j̄)             (through the non-linearity; δ̄_ℓ = s′(v̄_ℓ) × δ_ℓ)
    ∂z/∂β_j = ∂z/∂j̄ · 1,  ∂z/∂W_{i,j} = ∂z/∂j̄ · i     (the parameters; Δ_ℓ = v_ℓ δ̄_{ℓ+1}ᵀ)

Each step has its target, its formula in symbols, the same formula with the numbers, and the
engine's value. One frame per step draws the network with what has been computed so far,
highlights the step's target (yellow) and the quantities its formula uses (pale yellow), and
writes the formula above the network. Quantities not yet computed are drawn in the colour of
their background, so every frame has the same layout and the same size.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import labels, render
from .drawing import Drawing
from .names import Names
from .network import Frame, Show, activation_symbols, network_digraph, value_of
from .options import Options, current
from .trace import NetworkTrace, trace_network


@dataclass(frozen=True)
class Step:
    """One step of backpropagation.

    Attributes:
        number: 1, 2, ... in the order of the lecture.
        phase: 'forward' or 'backward'.
        layer: the layer of the target (0: the inputs).
        target: the key of the quantity computed (see ``viz.network``).
        symbol: the target in markup ('~h', '∂z/∂W_{c,h}').
        formula: its formula in symbols (markup), right of the '='.
        numbers: the same formula with the numbers (markup); '' when there is nothing to
            substitute (∂z/∂z = 1).
        value: the engine's number for the target.
        operands: the keys of the quantities the formula uses.
        note: an extra line (markup), e.g. the sigmoid's s′(h̄) = h·(1 − h).
    """

    number: int
    phase: str
    layer: int
    target: tuple
    symbol: str
    formula: str
    numbers: str
    value: float
    operands: tuple = ()
    note: str = ""

    def equation(self, digits: int = 4) -> str:
        """The whole step in markup: target = formula = numbers = value."""
        parts = [self.symbol, self.formula]
        if self.numbers:
            parts.append(self.numbers)
        if not _is_number(parts[-1], self.value):
            parts.append(labels.fmt(self.value, digits))
        return " = ".join(parts)

    def text(self, digits: int = 4) -> str:
        """The step as plain text: 'h̄ = c·W_{c,h} + ... = 0.6995·(-0.7300) + ... = -1.0176'."""
        return labels.plain(self.equation(digits))

    def __str__(self) -> str:
        return f"{self.number:3d}. {self.phase:8s} {self.text()}"


def lecture_steps(trace: NetworkTrace, digits: int = 4) -> list:
    """The steps of the forward and the backward pass of a traced network, lecture order."""
    builder = _Builder(trace, digits)
    builder.forward()
    builder.backward()
    return builder.steps


class _Builder:
    """Writes the steps; one method per kind of formula."""

    def __init__(self, trace: NetworkTrace, digits: int):
        self.trace = trace
        self.names: Names = trace.names
        self.digits = digits
        self.acts = activation_symbols(trace)
        self.steps: list = []
        self.partial = f"∂{trace.symbol}/∂"  # '∂z/∂' or '∂L/∂'

    def number(self, x) -> str:
        """A number as the formulas show it: '0.5000', '-1.0176'."""
        return labels.fmt(x, self.digits)

    def factor(self, x) -> str:
        """A number as a factor of a product: negative ones in parentheses, '(-0.7300)'."""
        return labels.fmt_factor(x, self.digits)

    def add(self, phase, layer, target, symbol, formula, numbers, operands=(), note=""):
        self.steps.append(
            Step(
                len(self.steps) + 1,
                phase,
                layer,
                target,
                symbol,
                formula,
                numbers,
                value_of(self.trace, target),
                tuple(operands),
                note,
            )
        )

    # ---- forward ------------------------------------------------------------------------

    def forward(self):
        trace, names = self.trace, self.names
        for layer in range(1, len(names.neurons)):
            t = trace.layers[layer - 1]
            sources = range(len(names.neurons[layer - 1]))
            inputs = trace.values(layer - 1)
            for m in range(t.units):
                terms = [
                    (names.neuron(layer - 1, k), names.weight(layer - 1, k, m)) for k in sources
                ]
                symbolic = [f"{i}·{w}" for i, w in terms]
                numeric = [
                    f"{self.factor(inputs[k])}·{self.factor(t.weight[m, k])}" for k in sources
                ]
                operands = [("post", layer - 1, k) for k in sources]
                operands += [("w", layer - 1, k, m) for k in sources]
                if t.has_bias:
                    symbolic.append(names.bias(layer, m))
                    numeric.append(self.factor(t.bias[m]))
                    operands.append(("bias", layer, m))
                if len(terms) > 4:
                    symbolic = ["Σ_i i·W_{i,j}"] + (["β_j"] if t.has_bias else [])
                    numeric = (
                        numeric[:3]
                        + [f"… ({len(terms)} products)"]
                        + (numeric[-1:] if t.has_bias else [])
                    )
                self.add(
                    "forward",
                    layer,
                    ("pre", layer, m),
                    names.bar(layer, m),
                    " + ".join(symbolic),
                    " + ".join(numeric),
                    operands,
                )
            for m in range(t.units):
                name = names.neuron(layer, m)
                s = self.acts[layer - 1]
                if t.activation == "softmax":
                    bars = [names.bar(layer, k) for k in range(t.units)]
                    formula = f"e^{names.bar(layer, m)} / Σ_k e^~k"
                    if t.units <= 4:
                        formula = f"e^{bars[m]} / (" + " + ".join(f"e^{b}" for b in bars) + ")"
                    operands = [("pre", layer, k) for k in range(t.units)]
                    numbers = f"softmax({self.number(t.pre[m])}, …)"
                else:
                    formula = f"{s}({names.bar(layer, m)})"
                    operands = [("pre", layer, m)]
                    numbers = f"{s}({self.number(t.pre[m])})"
                self.add("forward", layer, ("post", layer, m), name, formula, numbers, operands)
        if trace.symbol == "L":
            last = len(names.neurons) - 1
            outputs = ", ".join(names.neurons[last])
            values = ", ".join(self.number(v) for v in trace.values(last))
            y = labels.short_values(trace.y)
            loss = labels.quote(trace.loss_name)
            self.add(
                "forward",
                last + 1,
                ("loss",),
                "L",
                f"{loss}({outputs}, y)",
                f"{loss}({values}, {y})",
                [("post", last, k) for k in range(len(names.neurons[last]))],
            )

    # ---- backward -----------------------------------------------------------------------

    def backward(self):
        trace, names = self.trace, self.names
        last = len(names.neurons) - 1
        if trace.symbol == "z":
            self.add(
                "backward",
                last,
                ("gpost", last, 0),
                f"∂z/∂{names.neuron(last, 0)}",
                "1",
                "",
                note="the start of the backward pass: δ for the output is [1]",
            )
        else:
            self.add(
                "backward",
                last + 1,
                ("gloss",),
                "∂L/∂L",
                "1",
                "",
                note="the start of the backward pass",
            )
            for k in range(len(names.neurons[last])):
                self._loss_grad(last, k)
        for layer in range(last, 0, -1):
            t = trace.layers[layer - 1]
            if layer < last:
                for k in range(t.units):
                    self._node_grad(layer, k)
            for k in range(t.units):
                self._pre_grad(layer, k)
            for m in range(t.units):
                self._param_grads(layer, m)
        for k in range(len(names.neurons[0])):
            self._node_grad(0, k)

    def _loss_grad(self, last, k):
        trace, names = self.trace, self.names
        name = names.neuron(last, k)
        z = trace.values(last)
        key = ("gpost", last, k)
        n_out = len(z)
        y = _as_float_list(trace.y)
        loss = (trace.loss_name or "").lower()
        operands = [("post", last, k), ("gloss",)]
        if loss in ("binary_crossentropy", "bce") and n_out == 1 and y is not None:
            formula = f"(1 − y)/(1 − {name}) − y/{name}"
            numbers = f"(1 − {y[0]:g})/(1 − {self.number(z[0])}) − {y[0]:g}/{self.number(z[0])}"
        elif loss in ("mse", "mean_squared_error") and y is not None and len(y) == n_out:
            div = f"/{n_out}" if n_out > 1 else ""
            formula = f"2({name} − y_{k + 1}){div}" if n_out > 1 else f"2({name} − y)"
            numbers = f"2({self.number(z[k])} − {y[k]:g}){div}"
        elif (
            loss in ("categorical_crossentropy", "sparse_categorical_crossentropy")
            and _one_hot(y, n_out, loss) is not None
        ):
            target = _one_hot(y, n_out, loss)
            formula = f"−y_{{{k + 1}}}/{name}"
            numbers = f"−{target[k]:g}/{self.number(z[k])}"
        else:
            formula, numbers = "given by the loss's own backward step", ""
        self.add("backward", last, key, f"∂L/∂{name}", formula, numbers, operands)

    def _node_grad(self, layer, k):
        """∂z/∂i = Σ_j ∂z/∂j̄ · W_{i,j} over the neurons j of the next layer."""
        trace, names = self.trace, self.names
        nxt = trace.layers[layer]  # the layer after ``layer``
        partial = self.partial
        targets = range(nxt.units)
        symbolic = [
            f"{partial}{names.bar(layer + 1, m)}·{names.weight(layer, k, m)}" for m in targets
        ]
        numeric = [
            f"{self.factor(nxt.grad_pre[m])}·{self.factor(nxt.weight[m, k])}" for m in targets
        ]
        if len(symbolic) > 4:
            symbolic = [f"Σ_j {partial}~j·W_{{i,j}}"]
            numeric = numeric[:3] + [f"… ({nxt.units} products)"]
        operands = [("gpre", layer + 1, m) for m in targets]
        operands += [("w", layer, k, m) for m in targets]
        note = (
            "not needed for the gradient, shown for completeness: δ_0 = W_0ᵀ δ̄_1"
            if layer == 0
            else ""
        )
        self.add(
            "backward",
            layer,
            ("gpost", layer, k),
            f"{partial}{names.neuron(layer, k)}",
            " + ".join(symbolic),
            " + ".join(numeric),
            operands,
            note,
        )

    def _pre_grad(self, layer, k):
        """∂z/∂j̄ = ∂z/∂j · s′(j̄)."""
        trace, names = self.trace, self.names
        t = trace.layers[layer - 1]
        partial = self.partial
        name, bar = names.neuron(layer, k), names.bar(layer, k)
        s = self.acts[layer - 1]
        operands = [("gpost", layer, k), ("pre", layer, k)]
        if t.activation == "softmax":
            formula = f"{name}·({partial}{name} − Σ_k k·{partial}k)"
            weighted = float((t.post * t.grad_post).sum())
            numbers = (
                f"{self.factor(t.post[k])}·({self.number(t.grad_post[k])} − "
                f"{self.factor(weighted)})"
            )
            note = "softmax mixes its inputs: its Jacobian is diag(s) − s sᵀ"
            operands += [("post", layer, j) for j in range(t.units)]
            operands += [("gpost", layer, j) for j in range(t.units) if j != k]
        else:
            formula = f"{partial}{name} · {s}′({bar})"
            slope = _slope(t.activation, t.pre[k], t.post[k], name, bar)
            if slope is None:
                numbers, note = "", ""
            else:
                expression, number = slope
                numbers = f"{self.factor(t.grad_post[k])} · {self.factor(number)}"
                note = f"for {labels.quote(t.activation)}, {s}′({bar}) = {expression}"
                if expression != self.number(number):
                    note += f" = {self.number(number)}"
                if t.activation in ("sigmoid", "tanh"):
                    operands.append(("post", layer, k))
        self.add(
            "backward",
            layer,
            ("gpre", layer, k),
            f"{partial}{bar}",
            formula,
            numbers,
            operands,
            note,
        )

    def _param_grads(self, layer, m):
        """∂z/∂β_j = ∂z/∂j̄ · 1 and ∂z/∂W_{i,j} = ∂z/∂j̄ · i for the inputs i of j."""
        trace, names = self.trace, self.names
        t = trace.layers[layer - 1]
        partial = self.partial
        bar = names.bar(layer, m)
        if t.has_bias:
            self.add(
                "backward",
                layer,
                ("gbias", layer, m),
                f"{partial}{names.bias(layer, m)}",
                f"{partial}{bar} · 1",
                f"{self.factor(t.grad_pre[m])} · 1",
                [("gpre", layer, m)],
            )
        inputs = trace.values(layer - 1)
        for k in range(len(names.neurons[layer - 1])):
            source = names.neuron(layer - 1, k)
            self.add(
                "backward",
                layer,
                ("gw", layer - 1, k, m),
                f"{partial}{names.weight(layer - 1, k, m)}",
                f"{partial}{bar} · {source}",
                f"{self.factor(t.grad_pre[m])} · {self.factor(inputs[k])}",
                [("gpre", layer, m), ("post", layer - 1, k)],
            )


def _is_number(text: str, value: float) -> bool:
    """Whether ``text`` is a number equal to ``value`` (∂z/∂z = 1 needs no '= 1.0000')."""
    try:
        return float(text) == value
    except ValueError:
        return False


def _slope(activation, pre, post, name, bar):
    """s′(j̄) for an element-wise activation: (its expression in markup, its value)."""
    if activation == "sigmoid":
        return f"{name}·(1 − {name})", post * (1 - post)
    if activation == "tanh":
        return f"1 − {name}²", 1 - post * post
    if activation == "relu":
        return (f"1, as {bar} > 0", 1.0) if pre > 0 else (f"0, as {bar} ≤ 0", 0.0)
    if activation == "leaky_relu":
        return (f"1, as {bar} > 0", 1.0) if pre > 0 else (f"0.01, as {bar} ≤ 0", 0.01)
    if activation == "linear":
        return "1", 1.0
    if activation in ("step", "sign"):
        return "0 (flat on both sides of its jump)", 0.0
    return None


def _one_hot(y, n: int, loss: str):
    """The target as n numbers y_1 ... y_n (a class label becomes a one-hot row)."""
    values = _as_float_list(y)
    if values is None:
        return None
    if loss.startswith("sparse"):
        if len(values) != 1 or not 0 <= values[0] < n:
            return None
        return [1.0 if k == int(values[0]) else 0.0 for k in range(n)]
    return values if len(values) == n else None


def _as_float_list(y):
    if y is None:
        return None
    import numpy

    try:
        return [float(v) for v in numpy.asarray(y, dtype=float).reshape(-1)]
    except (TypeError, ValueError):
        return None


# ---- frames -----------------------------------------------------------------------------------


class BackpropSteps:
    """The steps of backpropagation through one network on one example, and their frames.

    A list of ``Step``s (``len``, indexing, iteration), plus:

    - ``frame(i)``: the drawing of step i (from 0), a ``Drawing``;
    - ``frames()``: all of them;
    - ``render(folder, fmt)``: every frame to ``folder/step_001.svg``, ... in one ``dot`` run;
    - ``save_html(path)``: one self-contained page with previous/next/play buttons, a slider
      and the arrow keys;
    - ``save_gif(path)``: an animated GIF of the frames (needs Pillow);
    - ``linear_algebra()``: the lecture's vectors and matrices (see ``viz.linalg``).
    """

    def __init__(self, trace: NetworkTrace, opts: Options, show: Show):
        self.trace = trace
        self.options = opts
        self.show = show
        self.steps = lecture_steps(trace, opts.digits)
        self._caption_width = (
            max(
                (
                    labels.text_width(line, opts.font_size + 1, bold=(n == 0))
                    for step in self.steps
                    for n, line in enumerate(self.caption(step))
                ),
                default=0.0,
            )
            + 12
        )

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, index):
        return self.steps[index]

    def __iter__(self):
        return iter(self.steps)

    def __repr__(self) -> str:
        return f"<BackpropSteps: {len(self)} steps; print(steps.table()) lists them>"

    def table(self) -> str:
        """Every step on one line of plain text."""
        return "\n".join(str(step) for step in self.steps)

    def caption(self, step: Step) -> list:
        """The four caption lines of a frame (markup): where we are, the formula, the numbers,
        a note."""
        where = (
            "forward pass, left to right"
            if step.phase == "forward"
            else "backward pass, right to left"
        )
        head = f"Step {step.number} of {len(self.steps)} · {where} · layer {step.layer}"
        value = labels.fmt(step.value, self.options.digits)
        formula = f"{step.symbol} = {step.formula}"
        numbers = f"{' ' * 3}= {step.numbers} = {value}" if step.numbers else f"{' ' * 3}= {value}"
        if not step.numbers and _is_number(step.formula, step.value):
            numbers = ""
        return [head, formula, numbers, step.note]

    def visible_after(self, index: int) -> frozenset:
        """The keys shown in frame ``index``: inputs, parameters, and steps 0..index."""
        return self._base() | {step.target for step in self.steps[: index + 1]}

    def _base(self) -> frozenset:
        trace = self.trace
        keys = {("post", 0, k) for k in range(len(trace.x))}
        for layer, t in enumerate(trace.layers, start=1):
            for m in range(t.units):
                keys.add(("bias", layer, m))
                for k in range(t.weight.shape[1]):
                    keys.add(("w", layer - 1, k, m))
        return frozenset(keys)

    def frame_state(self, index: int) -> Frame:
        step = self.steps[index]
        return Frame(
            visible=self.visible_after(index),
            current=step.target,
            operands=frozenset(step.operands),
            caption=self.caption(step),
            caption_width=self._caption_width,
        )

    def frame(self, index: int) -> Drawing:
        """The drawing of step ``index`` (from 0)."""
        step = self.steps[index]
        dot = network_digraph(self.trace, self.options, self.show, self.frame_state(index))
        return Drawing(dot, title=f"step {step.number}: {step.text(self.options.digits)}")

    def frames(self) -> list:
        """One ``Drawing`` per step."""
        return [self.frame(i) for i in range(len(self.steps))]

    def render(
        self, folder, fmt: str = "svg", *, dpi: float | None = None, prefix: str = "step_"
    ) -> list:
        """Write every frame to ``folder/step_001.<fmt>``, ... with one ``dot`` process."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        width = max(3, len(str(len(self.steps))))
        paths = [folder / f"{prefix}{step.number:0{width}d}.{fmt}" for step in self.steps]
        sources = [frame.source for frame in self.frames()]
        if fmt in ("dot", "gv"):
            for path, source in zip(paths, sources):
                path.write_text(source, encoding="utf-8")
            return paths
        return render.render_many(sources, paths, fmt, dpi=dpi)

    def save_html(self, path, *, title: str | None = None) -> Path:
        """One self-contained HTML page of all the frames (see ``viz.html.save_html``)."""
        from .html import save_html

        return save_html(self, path, title=title)

    def save_gif(self, path, *, dpi: float = 72, delay_ms: int = 1200) -> Path:
        """All the frames as one animated GIF (needs Pillow: ``pip install pillow``)."""
        import tempfile

        try:
            from PIL import Image
        except ImportError as error:
            raise ImportError("save_gif needs Pillow: pip install pillow") from error
        path = Path(path)
        with tempfile.TemporaryDirectory(prefix="viz-gif-") as folder:
            pngs = self.render(folder, "png", dpi=dpi)
            images = [Image.open(p).convert("RGB") for p in pngs]
            images[0].save(
                path,
                save_all=True,
                append_images=images[1:],
                duration=delay_ms,
                loop=0,
                optimize=False,
            )
        return path

    def linear_algebra(self) -> list:
        """The lecture's vectors and matrices per layer (see ``viz.linalg.layer_vectors``)."""
        from .linalg import layer_vectors

        return layer_vectors(self.trace)


def backprop_steps(
    model,
    x,
    y=None,
    loss=None,
    *,
    linear_algebra: bool = False,
    edge_grads: bool = True,
    digits: int | None = None,
    font: str | None = None,
) -> BackpropSteps:
    """The steps of backpropagation through ``model`` on the example ``x``, lecture order.

    Args:
        model: a ``nn.Sequential`` of ``nn.Dense`` layers.
        x: one example, shape (n_inputs,) or (1, n_inputs).
        y, loss: as for ``draw_network``: without a loss z is the single output.
        linear_algebra: draw under each layer ℓ the vectors v_ℓ, v̄_ℓ, δ_ℓ, δ̄_ℓ and the
            matrices W_{ℓ-1} and Δ_{ℓ-1} = v_{ℓ-1} δ̄_ℓᵀ, filled in as the steps go.
        edge_grads: show ∂z/∂W_{i,j} on the edges.
        digits, font: as for ``draw_network``.

    Returns:
        A ``BackpropSteps``: a list of ``Step``s that also draws and saves the frames.
    """
    trace = trace_network(model, x, y, loss)
    opts = current(digits=digits, font=font)
    show = Show(forward=True, backward=True, edge_grads=edge_grads, linear_algebra=linear_algebra)
    return BackpropSteps(trace, opts, show)
