"""A network's loss is not convex: restarts end at different minima, all of them good.

The lecture: least squares, logistic regression and SVMs, with or without kernels, have convex
losses; "neural networks very much do not", yet training still works ("many local minima are
global minima? SGD finds 'good' local minima?"). The script measures this on the motivating
example's diamond with the 2-4-1 sigmoid network, loss

    L(θ) = mean binary cross-entropy + λ (‖W_H‖² + ‖W_O‖²),        λ = 10⁻⁴

(the small penalty gives every minimum finite weights: without it the loss of separable data
keeps falling as the weights grow).

* Restarts: from several random starts θ₀ ~ N(0, 1), each run goes to a minimum: BFGS (SciPy)
  on the loss and gradient computed by autograd-lite, until the gradient vanishes (the script
  stops if ‖∇L‖ > 10⁻⁴ at the end; it is about 10⁻⁹). Each end point is a
  local minimum: no eigenvalue of the Hessian (central differences of the engine's gradient)
  is negative. Their weights differ; their losses are all far below the start's and within
  about 10 % of each other; so are their accuracies. Some minima switch a hidden unit off
  (W_H[k] = 0 and W_O[k] = 0, leaving its bias a flat direction, a zero eigenvalue): a
  three-unit solution, a little worse than the four-unit ones, and still good.
* Symmetries: permuting the hidden units, or flipping one (W_H[k], β_H[k], W_O[k]) →
  −(W_H[k], β_H[k], W_O[k]) with β_O += W_O[k], as s(−z) = 1 − s(z), changes θ but not the
  function. Modulo these, some restarts found the same minimum, others different ones (their
  losses differ).
* Slices: along the straight line from one minimum θ_a to another θ_b the loss rises far above
  the chord between them, which a convex function never does. The line from θ_a to its own
  permuted copy, whose loss is exactly L(θ_a), rises too: a proof of non-convexity by symmetry.
  Once θ_b's units are matched to θ_a's, the line between the two minima is nearly flat: the
  high barrier came from the symmetry.

Run: ``python examples/non_convexity.py [--quick] [--out DIR]``.
"""

# %%
from __future__ import annotations

import _common
import numpy as np
from _common import plt
from motivating_example import make_data

import nn

HIDDEN = 4
LAMBDA = 1e-4
GRADIENT_TOLERANCE = 1e-4
SLICE = np.linspace(-0.25, 1.25, 61)  # t: θ(t) = (1 − t) θ_a + t θ_b


# %% [markdown]
# ## The loss as a function of one flat vector θ


# %%
class Loss:
    """L(θ) and ∇L(θ) of the 2-HIDDEN-1 network on (X, y), θ = (W_H, β_H, W_O, β_O) flattened
    in the order of ``model.parameters()``."""

    def __init__(self, X, y, hidden: int = HIDDEN, lam: float = LAMBDA):
        self.X, self.y, self.hidden, self.lam = X, y.reshape(-1, 1), hidden, lam
        self.model = nn.Sequential(
            nn.Dense(hidden, activation="sigmoid", input_shape=(2,), dtype=np.float64),
            nn.Dense(1, input_shape=(hidden,), dtype=np.float64),
        )  # a logit
        self.parameters = self.model.parameters()
        self.size = sum(p.size for p in self.parameters)

    def set(self, theta: np.ndarray) -> None:
        start = 0
        for p in self.parameters:
            p.data[...] = theta[start : start + p.size].reshape(p.shape)
            start += p.size

    def __call__(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """(L(θ), ∇L(θ)) from one forward and one backward pass of the engine."""
        self.set(theta)
        for p in self.parameters:
            p.grad = None
        hidden, output = self.model.layers
        loss = nn.binary_cross_entropy_with_logits(self.model(self.X), self.y) + self.lam * (
            (hidden.weight**2).sum() + (output.weight**2).sum()
        )
        loss.backward()
        return float(loss.data), np.concatenate([p.grad.ravel() for p in self.parameters])

    def value(self, theta: np.ndarray) -> float:
        return self(theta)[0]

    def accuracy(self, theta: np.ndarray) -> float:
        self.set(theta)
        return float(((self.model(self.X).data > 0) == (self.y > 0.5)).mean())


# %% [markdown]
# ## Restarts, each to a minimum


# %%
def restart(loss: Loss, seed: int) -> dict:
    """From θ₀ ~ N(0, 1) to a minimum by BFGS on the engine's loss and gradient."""
    from scipy.optimize import minimize

    theta0 = np.random.default_rng(seed).normal(0, 1, loss.size)
    result = minimize(
        loss, theta0, jac=True, method="BFGS", options={"maxiter": 5000, "gtol": 1e-9}
    )
    value, gradient = loss(result.x)
    if np.linalg.norm(gradient) > GRADIENT_TOLERANCE:
        raise RuntimeError(
            f"restart {seed} stopped at ‖∇L‖ = {np.linalg.norm(gradient):.1e}, "
            f"not at a minimum: {result.message}"
        )
    rows, _ = units(result.x)
    return {
        "seed": seed,
        "theta": result.x,
        "loss": value,
        "active_units": int((np.abs(rows[:, 3]) > 1e-3).sum()),
        "grad_norm": float(np.linalg.norm(gradient)),
        "iterations": int(result.nit),
        "accuracy": loss.accuracy(result.x),
        "hessian_eigenvalues": hessian_eigenvalues(loss, result.x),
    }


def hessian_eigenvalues(loss: Loss, theta: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """The eigenvalues of ∇²L(θ), column by column from central differences of the engine's
    gradient: (∇L(θ + h e_i) − ∇L(θ − h e_i)) / 2h."""
    H = np.empty((loss.size, loss.size))
    for i in range(loss.size):
        step = np.zeros(loss.size)
        step[i] = h
        H[:, i] = (loss(theta + step)[1] - loss(theta - step)[1]) / (2 * h)
    return np.linalg.eigvalsh((H + H.T) / 2)


# %% [markdown]
# ## The network's symmetries


# %%
def units(theta: np.ndarray, hidden: int = HIDDEN):
    """θ → (one row (W_H[k, 0], W_H[k, 1], β_H[k], W_O[k]) per hidden unit k, β_O)."""
    W = theta[: 2 * hidden].reshape(hidden, 2)
    b, v, bo = theta[2 * hidden : 3 * hidden], theta[3 * hidden : 4 * hidden], theta[4 * hidden]
    return np.column_stack([W, b, v]), float(bo)


def from_units(rows: np.ndarray, bo: float) -> np.ndarray:
    return np.r_[rows[:, :2].ravel(), rows[:, 2], rows[:, 3], bo]


def with_positive_output_weights(theta: np.ndarray) -> np.ndarray:
    """The same function with every W_O[k] ≥ 0: flip unit k (s(−z) = 1 − s(z)), β_O += W_O[k]."""
    rows, bo = units(theta)
    rows = rows.copy()
    for row in rows:
        if row[3] < 0:
            bo += row[3]
            row[:] = -row
    return from_units(rows, bo)


def aligned(theta_a: np.ndarray, theta_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """θ_a and θ_b with positive output weights, θ_b's units put in the order that matches
    θ_a's best (the assignment of least squared distance): the same two functions."""
    from scipy.optimize import linear_sum_assignment

    a, b = with_positive_output_weights(theta_a), with_positive_output_weights(theta_b)
    (rows_a, _), (rows_b, bo_b) = units(a), units(b)
    cost = ((rows_a[:, None, :] - rows_b[None, :, :]) ** 2).sum(axis=2)
    _, order = linear_sum_assignment(cost)
    return a, from_units(rows_b[order], bo_b)


def relative_distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / np.linalg.norm(a))


def permuted(theta: np.ndarray) -> np.ndarray:
    """θ with its hidden units in another order (each one moved down by one): the same
    function, other weights."""
    rows, bo = units(theta)
    return from_units(np.roll(rows, 1, axis=0), bo)


# %% [markdown]
# ## 1-D slices of the loss


# %%
def slice_of(loss: Loss, a: np.ndarray, b: np.ndarray) -> dict:
    """L((1 − t) a + t b) along SLICE, and how far it rises above the chord between its ends
    for t in [0, 1] (≤ 0 for a convex function)."""
    values = np.array([loss.value((1 - t) * a + t * b) for t in SLICE])
    ends = loss.value(a), loss.value(b)
    inside = (SLICE >= 0) & (SLICE <= 1)
    chord = (1 - SLICE) * ends[0] + SLICE * ends[1]
    return {
        "t": SLICE,
        "loss": values,
        "ends": ends,
        "above_chord": float((values - chord)[inside].max()),
    }


# %% [markdown]
# ## Figure


# %%
def plot(X, y, runs, pair, slices, start_loss, folder) -> None:
    fig, axes = plt.subplots(1, 3, figsize=(18, 5.2), width_ratios=(1, 1, 1.2))
    ax = axes[0]
    losses = [r["loss"] for r in runs]
    ax.bar(
        range(len(runs)),
        losses,
        color=[_common.BLUE if i in pair else _common.GREY for i in range(len(runs))],
    )
    for i, r in enumerate(runs):
        ax.text(i, r["loss"], f"{r['accuracy']:.1%}", ha="center", va="bottom", fontsize=8)
    ax.axhline(start_loss, color="k", ls=":", lw=1, label=f"loss at θ = 0: {start_loss:.3f}")
    ax.set(
        xlabel="restart (random start θ₀)",
        ylabel="loss at the minimum",
        ylim=(0, 1.1 * start_loss),
        xticks=range(len(runs)),
        title="Each restart ends at a local minimum\n(bars: loss; text: training accuracy)",
    )
    ax.legend(loc="upper right", fontsize=8)
    ax = axes[1]
    _common.scatter_classes(ax, X, y, s=5, alpha=0.35)
    for index, color, style in zip(pair, (_common.BLUE, "#f59f00"), ("-", "--")):
        rows, _ = units(runs[index]["theta"])
        on = rows[np.abs(rows[:, 3]) > 1e-3]  # a unit switched off has no line
        for k, row in enumerate(on):
            _common.plot_line(
                ax,
                row[:2],
                row[2],
                (0, 1),
                color=color,
                ls=style,
                lw=2,
                label=f"restart {index}: L = {runs[index]['loss']:.4f}, {len(on)} units on"
                if k == 0
                else None,
            )
    ax.set(
        xlim=(0, 1),
        ylim=(0, 1),
        aspect="equal",
        title="Two different minima: their hidden units' lines",
    )
    ax.legend(loc="upper right", fontsize=8)
    ax = axes[2]
    for key, color, label in (
        ("between", _common.RED, f"restart {pair[0]} → restart {pair[1]}, as found"),
        ("aligned", _common.BLUE, f"restart {pair[0]} → restart {pair[1]}, units matched"),
        ("permuted", "k", f"restart {pair[0]} → its units permuted (same function)"),
    ):
        s = slices[key]
        ax.plot(
            s["t"],
            s["loss"],
            color=color,
            lw=2,
            label=f"{label}: {s['above_chord']:+.3f} above the chord",
        )
        ax.plot([0, 1], s["ends"], color=color, ls=":", lw=1)
    ax.set_yscale("log")
    ax.set(
        xlabel="t:  θ(t) = (1 − t) θ_a + t θ_b",
        ylabel="L(θ(t))",
        title="1-D slices of the loss (dotted: chords; convex ⇒ never above)",
    )
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    _common.save(fig, folder, "non_convexity.png")


# %% [markdown]
# ## Run it


# %%
def run(quick: bool = False, out: str = "out", verbose: bool = True) -> dict:
    X, y = make_data(300 if quick else 1000)
    loss = Loss(X, y)
    runs = [restart(loss, seed) for seed in range(4 if quick else 8)]
    n = len(runs)
    distance = np.zeros((n, n))
    symmetric = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            a, b = runs[i]["theta"], runs[j]["theta"]
            distance[i, j] = relative_distance(a, b)
            symmetric[i, j] = relative_distance(*aligned(a, b))
    # the first restart at the lowest minimum, and the first at another one (modulo the
    # symmetries); losses equal to 6 decimals count as one minimum
    order = sorted(range(n), key=lambda i: (round(runs[i]["loss"], 6), i))
    first = order[0]
    second = next(j for j in order[1:] if symmetric[first, j] > 0.05)
    pair = (first, second)
    a, b = runs[first]["theta"], runs[second]["theta"]
    slices = {
        "between": slice_of(loss, a, b),
        "aligned": slice_of(loss, *aligned(a, b)),
        "permuted": slice_of(loss, a, permuted(a)),
    }
    losses = np.array([r["loss"] for r in runs])
    result = {
        "runs": runs,
        "distance": distance,
        "symmetric_distance": symmetric,
        "pair": pair,
        "slices": slices,
        "n_points": len(X),
        "loss_spread": float((losses.max() - losses.min()) / losses.min()),
        "start_loss": loss.value(np.zeros(loss.size)),
    }
    if verbose:
        print(
            f"{len(X)} points of the diamond; the 2-{HIDDEN}-1 sigmoid network, mean "
            f"cross-entropy + {LAMBDA:g}·‖W‖² ({loss.size} parameters); loss at θ = 0: "
            f"{result['start_loss']:.4f}\n"
        )
        print(
            f"{'restart':>7} {'loss':>9} {'accuracy':>9} {'‖∇L‖':>8} {'iterations':>10} "
            f"{'units on':>8}   Hessian eigenvalues"
        )
        for r in runs:
            eig = r["hessian_eigenvalues"]
            print(
                f"{r['seed']:7d} {r['loss']:9.5f} {r['accuracy']:9.1%} {r['grad_norm']:8.1e} "
                f"{r['iterations']:10d} {r['active_units']:8d}   from {eig[0]:.1e} to "
                f"{eig[-1]:.2f}"
            )
        print(
            f"\nlosses within {result['loss_spread']:.1%} of the best; distance between the "
            "restarts' weights, ‖θ_i − θ_j‖/‖θ_i‖:"
        )
        print(
            "  as found:                  "
            + "  ".join(f"{d:.2f}" for d in distance[np.triu_indices(n, 1)])
        )
        print(
            "  modulo the symmetries:     "
            + "  ".join(f"{d:.2f}" for d in symmetric[np.triu_indices(n, 1)])
        )
        print(
            f"\nslices from restart {first} (L = {runs[first]['loss']:.5f}) to restart "
            f"{second} (L = {runs[second]['loss']:.5f}), highest point above the chord:"
        )
        for key, text in (
            ("between", "the two minima, as found"),
            ("aligned", "the two minima, units matched"),
            ("permuted", f"restart {first} to its own units permuted"),
        ):
            s = slices[key]
            print(f"  {text:40s} {s['above_chord']:+.4f} (max L {s['loss'].max():.3f})")
    plot(X, y, runs, pair, slices, result["start_loss"], out)
    return result


def main(argv: list[str] | None = None) -> dict:
    args = _common.parse(_common.parser(__doc__), argv)
    return run(quick=args.quick, out=args.out)


if __name__ == "__main__":
    main()
