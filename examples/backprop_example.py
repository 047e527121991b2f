"""The lecture's BACKPROP EXAMPLE: a 2-3-3-1 sigmoid network, every number of both passes.

Nodes: inputs a, b; hidden layers c, d, e and f, g, h; output z. For a node j, j̄ is its value
before the non-linearity s (the sigmoid) and j = s(j̄) its value after:

    j̄ = Σ_i i·W_{i,j} + β_j,          j = s(j̄)                             (forward pass)
    ∂z/∂j̄ = ∂z/∂j · s'(j̄),            ∂z/∂i = Σ_j ∂z/∂j̄ · W_{i,j}            (backward pass)
    ∂z/∂β_j = ∂z/∂j̄,                   ∂z/∂W_{i,j} = ∂z/∂j̄ · i

and in the lecture's linear-algebra view, with v_ℓ = the values of layer ℓ (v_0 = (a, b)),
v̄_ℓ before s, δ_ℓ = ∂z/∂v_ℓ, δ̄_ℓ = ∂z/∂v̄_ℓ and W_ℓ the weights from layer ℓ to ℓ+1 (one row
per node of layer ℓ+1):

    δ̄_ℓ = s'(v̄_ℓ) × δ_ℓ,        δ_ℓ = W_ℓᵀ δ̄_{ℓ+1},        Δ_ℓ = v_ℓ δ̄_{ℓ+1}ᵀ,

where Δ_ℓ holds ∂z/∂W_{i,j} (row i, column j). Two slips of the slides, which the script prints
and checks:

* the slide writes Δ_ℓ = v_ℓ δ_{ℓ+1}ᵀ, but ∂z/∂W_{i,j} = ∂z/∂j̄ · i uses the derivative *before*
  the non-linearity: v_ℓ δ_{ℓ+1}ᵀ is not the gradient;
* the slide writes v̄_1 = [c̄, d̄, f̄]; layer 1 is c, d, e, so v̄_1 = [c̄, d̄, ē].

And one layout note: W_ℓ has one row per neuron of layer ℓ+1 (W_0 is 3 × 2, rows c, d, e), but
Δ_ℓ = v_ℓ δ̄_{ℓ+1}ᵀ has one row per neuron of layer ℓ (Δ_0 is 2 × 3, rows a, b): Δ_ℓ is laid out
as W_ℓᵀ, Δ_ℓ[k, m] = ∂z/∂W_ℓ[m, k]. A gradient step on W_ℓ subtracts a multiple of Δ_ℓᵀ.

The network is ``autograd_lite.lecture``'s (seeded weights rounded to two decimals, the input
(a, b) = (1.0, 0.5)): the one ``python -m viz lecture`` draws and ``python -m autograd_lite``
prints. Every number comes from the Tensor engine; the script checks them against the formulas
above and against the scalar engine (``autograd_lite.lecture.scalar_network``, one ``Value`` per
number), then writes the step-by-step frames and the HTML page with ``viz``
(which needs the ``graphviz`` Python package, the ``viz`` extra; drawing to files also needs
Graphviz's ``dot`` program, without which the script skips the files).

Run: ``python examples/backprop_example.py [--quick] [--out DIR]``.
"""

# %%
from __future__ import annotations

import unicodedata

import _common
import numpy as np

from autograd_lite import Tensor
from autograd_lite.lecture import NEURONS as NAMES
from autograd_lite.lecture import LectureParameters, scalar_network


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# %% [markdown]
# ## The network and one forward and backward pass


# %%
def lecture_model():
    """The lecture's 2-3-3-1 sigmoid network (float64) and its example input."""
    from viz.lecture import lecture_network

    return lecture_network()


def forward_backward(model, x) -> dict:
    """Run the model on x recording every layer's j̄ and j, backpropagate from z, and collect
    v_ℓ, v̄_ℓ, δ_ℓ, δ̄_ℓ, W_ℓ, β_ℓ and the engine's ∂z/∂W, ∂z/∂β (lists indexed by ℓ)."""
    layers = model.layers
    for layer in layers:
        layer.weight.grad = layer.bias.grad = None
    inputs = Tensor(np.asarray(x, dtype=np.float64).reshape(1, -1), requires_grad=True)
    with model.record_activations() as records:  # one (j̄, j) per layer, in order
        z = model(inputs)
    for record in records:
        record.pre.retain_grad()
        record.post.retain_grad()
    z.backward()
    row = lambda t: np.asarray(t).reshape(-1)  # noqa: E731 (one sample: a row → a vector)
    return {
        "v": [row(inputs.data)] + [row(record.post.data) for record in records],
        "v_bar": [None] + [row(record.pre.data) for record in records],
        "delta": [row(inputs.grad)] + [row(record.post.grad) for record in records],
        "delta_bar": [None] + [row(record.pre.grad) for record in records],
        "W": [layer.weight.data.copy() for layer in layers],
        "beta": [None] + [layer.bias.data.copy() for layer in layers],
        "grad_W": [layer.weight.grad.copy() for layer in layers],
        "grad_beta": [None] + [layer.bias.grad.copy() for layer in layers],
        "z": float(row(z.data)[0]),
    }


# %% [markdown]
# ## The numbers, node by node


# %%
def node_table(n: dict) -> str:
    """Every node's j̄, j, ∂z/∂j̄ and ∂z/∂j."""
    lines = [f"{'node':>5} {'j̄':>9} {'j':>9} {'∂z/∂j̄':>10} {'∂z/∂j':>10}"]
    for layer, names in enumerate(NAMES):
        for k, name in enumerate(names):
            if layer == 0:
                lines.append(
                    f"{name:>5} {'':>9} {n['v'][0][k]:9.4f} {'':>10} {n['delta'][0][k]:10.4f}"
                )
            else:
                lines.append(
                    f"{name:>5} {n['v_bar'][layer][k]:9.4f} {n['v'][layer][k]:9.4f} "
                    f"{n['delta_bar'][layer][k]:10.4f} {n['delta'][layer][k]:10.4f}"
                )
    return "\n".join(lines)


def parameter_table(n: dict) -> str:
    """∂z/∂β_j and every ∂z/∂W_{i,j}, each next to the formula's value ∂z/∂j̄ · i."""
    lines = []
    for layer in range(len(NAMES) - 1, 0, -1):
        for m, j in enumerate(NAMES[layer]):
            lines.append(f"  ∂z/∂β_{j} = ∂z/∂{j}̄ = {n['grad_beta'][layer][m]: .6f}")
            for k, i in enumerate(NAMES[layer - 1]):
                formula = n["delta_bar"][layer][m] * n["v"][layer - 1][k]
                lines.append(
                    f"  ∂z/∂W_{i},{j} = {n['grad_W'][layer - 1][m, k]: .6f}"
                    f"   (∂z/∂{j}̄ · {i} = {formula: .6f})"
                )
    return "\n".join(lines)


# %% [markdown]
# ## Checks: the lecture's formulas, the linear-algebra view, the scalar engine


# %%
def check_formulas(n: dict) -> dict[str, float]:
    """The largest error of each of the lecture's formulas against the engine's numbers."""
    L = len(NAMES) - 1
    errors = {
        "delta_bar = s'(v_bar) × delta": 0.0,
        "delta = W^T delta_bar": 0.0,
        "Delta = v delta_bar^T": 0.0,
        "dz/dbeta = delta_bar": 0.0,
    }

    def worse(key, a, b):
        errors[key] = max(errors[key], float(np.abs(np.asarray(a) - np.asarray(b)).max()))

    for layer in range(1, L + 1):
        s = sigmoid(n["v_bar"][layer])
        worse(
            "delta_bar = s'(v_bar) × delta", n["delta_bar"][layer], s * (1 - s) * n["delta"][layer]
        )
        worse("dz/dbeta = delta_bar", n["grad_beta"][layer], n["delta_bar"][layer])
    for layer in range(L):
        worse(
            "delta = W^T delta_bar", n["delta"][layer], n["W"][layer].T @ n["delta_bar"][layer + 1]
        )
        Delta = np.outer(n["v"][layer], n["delta_bar"][layer + 1])
        worse("Delta = v delta_bar^T", n["grad_W"][layer].T, Delta)
    return errors


def slide_slip(n: dict) -> float:
    """The largest difference between the slide's v_ℓ δ_{ℓ+1}ᵀ and the true Δ_ℓ: not 0."""
    L = len(NAMES) - 1
    return max(
        float(np.abs(np.outer(n["v"][layer], n["delta"][layer + 1]) - n["grad_W"][layer].T).max())
        for layer in range(L)
    )


def scalar_engine(n: dict) -> dict:
    """The same network built from ``Value``s, one per number, with the model's weights: returns
    z and every ∂z/∂W, ∂z/∂β and ∂z/∂(input) from the scalar engine."""
    net = scalar_network(
        LectureParameters(weights=tuple(n["W"]), biases=tuple(n["beta"][1:]), x=n["v"][0])
    )
    z = net.output
    z.backward()
    grad_W = [
        np.array([[net.weight[i, j].grad for i in sources] for j in targets])
        for sources, targets in zip(NAMES, NAMES[1:])
    ]
    return {
        "z": z.data,
        "grad_W": grad_W,
        "grad_beta": [np.array([net.bias[j].grad for j in targets]) for targets in NAMES[1:]],
        "grad_x": np.array([net.node[i].grad for i in NAMES[0]]),
    }


def layout_notes(n: dict) -> dict:
    """The shapes of W_ℓ and Δ_ℓ = v_ℓ δ̄_{ℓ+1}ᵀ (Δ_ℓ is laid out as W_ℓᵀ), and the names in v̄_1
    (the slide's [c̄, d̄, f̄] takes f̄ from layer 2)."""
    L = len(NAMES) - 1
    deltas = [np.outer(n["v"][layer], n["delta_bar"][layer + 1]) for layer in range(L)]
    return {
        "W_shapes": [n["W"][layer].shape for layer in range(L)],
        "Delta_shapes": [Delta.shape for Delta in deltas],
        "Delta_is_W_transposed": all(
            np.array_equal(Delta, n["grad_W"][layer].T) for layer, Delta in enumerate(deltas)
        ),
        "v_bar_1": [unicodedata.normalize("NFC", f"{j}\u0304") for j in NAMES[1]],
    }


def print_layout_notes(notes: dict) -> None:
    shape = lambda s: " × ".join(map(str, s))  # noqa: E731
    v_bar = ", ".join(notes["v_bar_1"])
    print(f"  the slide's v̄_1 = [c̄, d̄, f̄] is a slip: layer 1 is c, d, e, so v̄_1 = [{v_bar}]")
    print(
        f"  layout: W_0 is {shape(notes['W_shapes'][0])} (one row per neuron of layer 1: c, d, "
        f"e), Δ_0 = v_0 δ̄_1ᵀ is {shape(notes['Delta_shapes'][0])} (one row per input: a, b):\n"
        "          Δ_ℓ is laid out as W_ℓᵀ, Δ_ℓ[k, m] = ∂z/∂W_ℓ[m, k]"
    )


def compare_engines(n: dict, s: dict) -> float:
    """The largest difference between the Tensor and the scalar engine's numbers."""
    diffs = [abs(n["z"] - s["z"]), np.abs(n["delta"][0] - s["grad_x"]).max()]
    diffs += [np.abs(a - b).max() for a, b in zip(n["grad_W"], s["grad_W"])]
    diffs += [np.abs(a - b).max() for a, b in zip(n["grad_beta"][1:], s["grad_beta"])]
    return float(max(diffs))


# %% [markdown]
# ## The drawings: the network, one frame per step, and an HTML page (needs Graphviz's dot)


# %%
def draw(model, x, out, frames: bool = True) -> dict:
    """Draw with ``viz``: the network with every number, the frames of the steps, the page.
    Returns the steps and the paths written (none of the renders without ``dot``)."""
    import viz
    from viz import render

    folder = _common.out_dir(out)
    steps = viz.backprop_steps(model, x)
    written = {"steps": steps, "files": []}
    if not render.has_dot():
        print("Graphviz's dot is not installed: skipping the drawings (apt-get install graphviz)")
        return written
    network = viz.draw_network(model, x)
    written["files"].append(network.save(folder / "backprop_network.png", dpi=100))
    written["files"].append(network.save(folder / "backprop_network.svg"))
    for path in written["files"]:
        print(f"wrote {path}")
    if frames:
        paths = steps.render(folder / "backprop_frames", "svg")
        written["files"] += paths
        print(f"wrote {len(paths)} frames, {paths[0]} to {paths[-1].name}")
    written["files"].append(steps.save_html(folder / "backprop.html"))
    print(f"wrote {written['files'][-1]} (open it in a browser: one frame per step)")
    return written


# %% [markdown]
# ## Run it


# %%
def run(quick: bool = False, out: str = "out", verbose: bool = True) -> dict:
    model, x = lecture_model()
    n = forward_backward(model, x)
    errors = check_formulas(n)
    slip = slide_slip(n)
    engines = compare_engines(n, scalar_engine(n))
    notes = layout_notes(n)
    if verbose:
        print(
            f"The lecture's 2-3-3-1 sigmoid network on (a, b) = ({x[0]:g}, {x[1]:g}); "
            f"z = {n['z']:.6f}\n"
        )
        print(node_table(n))
        print("\nParameters, deepest layer first (∂z/∂W_{i,j} = ∂z/∂j̄ · i):")
        print(parameter_table(n))
        print("\nThe linear-algebra view against the engine (largest error):")
        for formula, error in errors.items():
            print(f"  {formula:32s} {error:.1e}")
        print(
            f"  the slide's v_ℓ δ_(ℓ+1)ᵀ instead of v_ℓ δ̄_(ℓ+1)ᵀ is off by up to {slip:.4f}: "
            "a slip; the weight gradient needs δ̄"
        )
        print_layout_notes(notes)
        print(
            f"Tensor engine against the scalar engine (Value), largest difference: {engines:.1e}\n"
        )
    drawn = draw(model, x, out, frames=not quick)
    steps, files = drawn["steps"], drawn["files"]
    viz_steps = len(steps)
    viz_error = max(abs(step.value - _engine_value(n, step.target)) for step in steps)
    if verbose:
        print(
            f"\nviz.backprop_steps: {viz_steps} steps in lecture order; their numbers "
            f"match the engine's to {viz_error:.1e}. The first and last few:"
        )
        lines = steps.table().splitlines()
        print("\n".join(lines[:4] + ["  ..."] + lines[-4:]))
    return {
        "numbers": n,
        "formula_errors": errors,
        "slide_slip": slip,
        "engine_difference": engines,
        "layout": notes,
        "viz_steps": viz_steps,
        "viz_error": viz_error,
        "files": files,
    }


def _engine_value(n: dict, key: tuple) -> float:
    """The engine's number for one of viz's keys (see ``viz.network``)."""
    kind = key[0]
    if kind == "post":
        return n["v"][key[1]][key[2]]
    if kind == "pre":
        return n["v_bar"][key[1]][key[2]]
    if kind == "gpost":
        return n["delta"][key[1]][key[2]]
    if kind == "gpre":
        return n["delta_bar"][key[1]][key[2]]
    if kind == "gbias":
        return n["grad_beta"][key[1]][key[2]]
    if kind == "gw":
        layer, k, m = key[1:]
        return n["grad_W"][layer][m, k]
    raise KeyError(key)


def main(argv: list[str] | None = None) -> dict:
    args = _common.parse(_common.parser(__doc__), argv)
    return run(quick=args.quick, out=args.out)


if __name__ == "__main__":
    main()
