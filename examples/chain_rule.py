"""The lecture's chain-rule example, computed and drawn with the scalar engine.

Let y(x) = x³ and z(x) = x², and f(y, z) = y·z. The multivariate chain rule adds one term per
path from x to f:

    df/dx = df/dy · dy/dx + df/dz · dz/dx = z · 3x² + y · 2x = 3x⁴ + 2x⁴ = 5x⁴,

as it must, since f = x⁵. The engine does exactly this: x is used twice, by y and by z, so the
backward pass brings it two contributions and adds them. The script builds the expression from
``Value``s, draws its graph with ``viz`` before the backward pass (every gradient "not yet
computed") and after it (x = 2: ∂f/∂y = z = 4, ∂f/∂z = y = 8, df/dx = 4·12 + 8·4 = 80), and
checks f′(x) = 5x⁴ at several x, against the formula and against central differences.

The drawings need the ``graphviz`` Python package and Graphviz's ``dot`` (without ``dot`` the
script skips them); the plot of f and f′ needs only Matplotlib.

Run: ``python examples/chain_rule.py [--quick] [--out DIR]``.
"""

# %%
from __future__ import annotations

import _common
import numpy as np
from _common import plt

from autograd_lite import Value

X_DRAWN = 2.0  # the x of the drawings: whole numbers throughout
X_CHECKED = (-1.5, -0.7, -0.2, 0.4, 1.0, 1.3, 2.0)


# %% [markdown]
# ## The expression: y = x³, z = x², f = y·z


# %%
def expression(x: float) -> dict:
    """The lecture's example as labelled ``Value``s: {'x', 'y', 'z', 'f'}."""
    xv = Value(x, label="x")
    y = xv**3
    y.label = "y = x³"
    z = xv**2
    z.label = "z = x²"
    f = y * z
    f.label = "f = y·z"
    return {"x": xv, "y": y, "z": z, "f": f}


def chain_rule_terms(x: float) -> dict:
    """One backward pass at x: the engine's df/dx, and the two terms of the chain rule, each
    the engine's ∂f/∂y (or ∂f/∂z) times the derivative dy/dx = 3x² (or dz/dx = 2x)."""
    v = expression(x)
    v["f"].backward()
    via_y = v["y"].grad * 3 * x**2
    via_z = v["z"].grad * 2 * x
    return {
        "f": v["f"].data,
        "df_dx": v["x"].grad,
        "df_dy": v["y"].grad,
        "df_dz": v["z"].grad,
        "y": v["y"].data,
        "z": v["z"].data,
        "via_y": via_y,
        "via_z": via_z,
    }


def central_difference(x: float, h: float = 1e-5) -> float:
    """(f(x + h) − f(x − h)) / 2h for f = x³·x², computed with the engine's forward pass."""
    return (expression(x + h)["f"].data - expression(x - h)["f"].data) / (2 * h)


# %% [markdown]
# ## The drawings: forward, then backward (needs Graphviz's dot)


# %%
def draw(x: float, out) -> list:
    """The graph before and after ``f.backward()``; returns the paths written."""
    import viz
    from viz import render

    if not render.has_dot():
        print("Graphviz's dot is not installed: skipping the drawings (apt-get install graphviz)")
        return []
    folder = _common.out_dir(out)
    v = expression(x)
    paths = [
        viz.draw_graph(v["f"], title=f"Forward pass at x = {x:g}: gradients not yet computed").save(
            folder / "chain_rule_forward.png", dpi=100
        )
    ]
    v["f"].backward()
    paths.append(
        viz.draw_graph(
            v["f"], title=f"After f.backward(): df/dx = z·3x² + y·2x = {v['x'].grad:g}"
        ).save(folder / "chain_rule_backward.png", dpi=100)
    )
    for path in paths:
        print(f"wrote {path}")
    return paths


def plot(checked: list, folder) -> None:
    """f(x) = x⁵ with the engine's tangents, and f′(x): the engine against 5x⁴, split into
    the two paths' terms 3x⁴ (through y) and 2x⁴ (through z)."""
    xs = np.linspace(-1.7, 2.1, 400)
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.4))
    ax = axes[0]
    ax.plot(xs, xs**5, color="k", lw=1.5, label="f(x) = y·z = x⁵")
    for x, r in checked:
        ts = np.array([x - 0.25, x + 0.25])
        ax.plot(ts, r["f"] + r["df_dx"] * (ts - x), color=_common.BLUE, lw=2.5)
        ax.plot(x, r["f"], "o", color=_common.BLUE, ms=4)
    ax.plot([], [], color=_common.BLUE, lw=2.5, label="tangent, slope = the engine's df/dx")
    ax.set(xlabel="x", ylabel="f", ylim=(-15, 45), title="f(x) and the engine's derivative")
    ax.legend(loc="upper left")
    ax = axes[1]
    ax.plot(xs, 5 * xs**4, color="k", lw=1.5, label="5x⁴")
    ax.plot(
        xs, 3 * xs**4, color=_common.RED, ls="--", lw=1.2, label="df/dy · dy/dx = z · 3x² = 3x⁴"
    )
    ax.plot(xs, 2 * xs**4, color=_common.GREY, ls=":", lw=1.5, label="df/dz · dz/dx = y · 2x = 2x⁴")
    ax.plot(
        [x for x, _ in checked],
        [r["df_dx"] for _, r in checked],
        "o",
        color=_common.BLUE,
        label="the engine's x.grad",
    )
    ax.set(
        xlabel="x",
        ylabel="df/dx",
        ylim=(-5, 110),
        title="The two paths from x to f add up: 3x⁴ + 2x⁴ = 5x⁴",
    )
    ax.legend(loc="upper left", fontsize=9)
    fig.tight_layout()
    _common.save(fig, folder, "chain_rule.png")


# %% [markdown]
# ## Run it


# %%
def run(quick: bool = False, out: str = "out", verbose: bool = True) -> dict:
    drawn = chain_rule_terms(X_DRAWN)
    checked = [(x, chain_rule_terms(x)) for x in X_CHECKED]
    formula_error = max(abs(r["df_dx"] - 5 * x**4) / max(1.0, 5 * x**4) for x, r in checked)
    sum_error = max(abs(r["df_dx"] - (r["via_y"] + r["via_z"])) for _, r in checked)
    difference_error = max(abs(r["df_dx"] - central_difference(x)) for x, r in checked)
    if verbose:
        x = X_DRAWN
        print(
            f"x = {x:g}: y = x³ = {drawn['y']:g}, z = x² = {drawn['z']:g}, f = y·z = {drawn['f']:g}"
        )
        print(f"  engine: ∂f/∂y = {drawn['df_dy']:g} (= z), ∂f/∂z = {drawn['df_dz']:g} (= y)")
        print(
            f"  df/dx = df/dy · dy/dx + df/dz · dz/dx = {drawn['df_dy']:g}·{3 * x**2:g} + "
            f"{drawn['df_dz']:g}·{2 * x:g} = {drawn['via_y']:g} + {drawn['via_z']:g} = "
            f"{drawn['df_dx']:g} = 5x⁴ = {5 * x**4:g}\n"
        )
        print(f"{'x':>6} {'f = x⁵':>10} {'engine df/dx':>13} {'5x⁴':>10} {'z·3x²':>9} {'y·2x':>9}")
        for x, r in checked:
            print(
                f"{x:6g} {r['f']:10.5f} {r['df_dx']:13.6f} {5 * x**4:10.6f} "
                f"{r['via_y']:9.5f} {r['via_z']:9.5f}"
            )
        print(
            f"\nlargest error against 5x⁴: {formula_error:.1e} (relative); against the sum of "
            f"the two terms: {sum_error:.1e}; against central differences: "
            f"{difference_error:.1e}"
        )
    files = draw(X_DRAWN, out)
    plot(checked, out)
    return {
        "x": X_DRAWN,
        "drawn": drawn,
        "checked": checked,
        "formula_error": formula_error,
        "sum_error": sum_error,
        "difference_error": difference_error,
        "files": files,
    }


def main(argv: list[str] | None = None) -> dict:
    args = _common.parse(_common.parser(__doc__), argv)
    return run(quick=args.quick, out=args.out)


if __name__ == "__main__":
    main()
