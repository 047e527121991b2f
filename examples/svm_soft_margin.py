"""The soft-margin SVM, trained by gradient descent on the lecture's objective (1).

    min_β  Σ_i max(0, 1 − y_i⟨x_i, β⟩) + λ‖β‖²,        λ = 1/C,   y_i ∈ {−1, +1}        (1)

Each x_i is a point (x_1, x_2) of the plane with a constant 1 appended, x = (x_1, x_2, 1), so
that ⟨x, β⟩ = β_1 x_1 + β_2 x_2 + β_0 has an intercept β_0, as the lecture's ⟨x, β⟩ implies.
We regularize only the weights w = (β_1, β_2), not the intercept β_0 (``penalize_bias=False``,
the usual SVM, and what scikit-learn does): the margin is then m = 1/‖w‖, the distance from the
boundary ⟨x, β⟩ = 0 to either margin line ⟨x, β⟩ = ±1. Penalizing β_0 too (the lecture's
formula taken literally) pulls the boundary toward the origin; the script prints how little that
changes here, where the data sit around the origin.

It shows the lecture's "effect of C":

* smaller C (larger λ) → a wider margin and more support vectors (points on or inside it);
* large C on separable data → the hard-margin (maximum-margin) separator, which we compute
  independently with scikit-learn's ``SVC(kernel='linear', C=1e6)``.

Run: ``python examples/svm_soft_margin.py [--quick] [--out DIR]``.
"""

# %%
from __future__ import annotations

from dataclasses import dataclass

import _common
import numpy as np
from _common import plt

import autograd_lite as al
import nn

C_VALUES = (0.01, 0.1, 1.0, 10.0, 100.0)
SV_TOLERANCE = 0.01  # a support vector has y⟨x, β⟩ ≤ 1 + this (it is on or inside the margin)


# %% [markdown]
# ## Data: two clouds of points that a line can separate


# %%
def make_data(n_per_class: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian clouds, labels y ∈ {−1, +1}, linearly separable (points that would fall in
    a band around the line x_1 + 0.7 x_2 = 0 are redrawn), so that the hard margin exists."""
    rng = np.random.default_rng(seed)
    points, labels = [], []
    while len(points) < 2 * n_per_class:
        label = 1.0 if len(points) % 2 else -1.0
        p = rng.normal([1.2 * label, 0.8 * label], 0.9)
        if label * (p[0] + 0.7 * p[1]) > 0.3:
            points.append(p)
            labels.append(label)
    return np.array(points), np.array(labels)


def augment(X: np.ndarray) -> np.ndarray:
    """x = (x_1, x_2) → (x_1, x_2, 1): the constant feature carries the intercept β_0."""
    return np.column_stack([X, np.ones(len(X))])


# %% [markdown]
# ## Training: gradient descent on (1)


# %%
@dataclass
class SVMResult:
    """A trained linear SVM: β = (β_1, β_2, β_0) and what the lecture reads off it."""

    C: float
    beta: np.ndarray
    margin: float  # m = 1/‖w‖, w = (β_1, β_2)
    support: np.ndarray  # indices i with y_i⟨x_i, β⟩ ≤ 1 + SV_TOLERANCE
    objective: float  # the value of (1)
    accuracy: float

    @property
    def n_support(self) -> int:
        return int(len(self.support))


def objective(
    beta: np.ndarray, X: np.ndarray, y: np.ndarray, C: float, penalize_bias: bool = False
) -> float:
    """The value of (1) with NumPy: Σ_i max(0, 1 − y_i⟨x_i, β⟩) + (1/C)‖w‖²."""
    penalized = beta if penalize_bias else beta[:2]
    return float(np.maximum(0.0, 1.0 - y * (augment(X) @ beta)).sum() + (penalized**2).sum() / C)


def train_svm(
    X: np.ndarray,
    y: np.ndarray,
    C: float,
    steps: int = 3000,
    lr: float = 0.05,
    penalize_bias: bool = False,
) -> SVMResult:
    """Minimize (1) over β with full-batch gradient steps (Adam, learning rate decaying
    linearly to 0), the objective built by ``nn.svm_objective`` and differentiated by the engine.

    The hinge has a kink at y⟨x, β⟩ = 1, where its (sub)gradient jumps; a step size that goes
    to 0 lets the iterates settle on the kink instead of jumping over it.
    """
    Xa = al.Tensor(augment(X))
    beta = al.Tensor(np.zeros(3), requires_grad=True)
    keep = np.array([1.0, 1.0, 1.0 if penalize_bias else 0.0])  # which entries λ‖·‖² sees
    optimizer = nn.Adam([beta], lr=lr)
    for t in range(steps):
        optimizer.lr = lr * (1.0 - t / steps)
        loss = nn.svm_objective(Xa @ beta, y, beta * keep, lam=1.0 / C)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return describe(beta.data.copy(), X, y, C, penalize_bias)


def describe(
    beta: np.ndarray, X: np.ndarray, y: np.ndarray, C: float, penalize_bias: bool = False
) -> SVMResult:
    """Margin, support vectors, objective and accuracy of a linear classifier β."""
    functional_margin = y * (augment(X) @ beta)
    return SVMResult(
        C=C,
        beta=beta,
        margin=1.0 / float(np.linalg.norm(beta[:2])),
        support=np.flatnonzero(functional_margin <= 1.0 + SV_TOLERANCE),
        objective=objective(beta, X, y, C, penalize_bias),
        accuracy=float((np.sign(augment(X) @ beta) == y).mean()),
    )


def hard_margin_reference(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The maximum-margin separator, independently: scikit-learn's SVC with C = 10⁶ (its
    objective is ½‖w‖² + C Σ ε_i, and it does not penalize the intercept)."""
    from sklearn.svm import SVC

    svc = SVC(kernel="linear", C=1e6, tol=1e-8).fit(X, y)
    return np.r_[svc.coef_[0], svc.intercept_]


def soft_margin_svc(X: np.ndarray, y: np.ndarray, C: float):
    """The soft margin of the same objective by scikit-learn's SVC: its ½‖w‖² + C' Σ ε_i is
    ours halved, so C' = C/2. Returns (β, the indices of SVC's support vectors)."""
    from sklearn.svm import SVC

    svc = SVC(kernel="linear", C=C / 2, tol=1e-10).fit(X, y)
    return np.r_[svc.coef_[0], svc.intercept_], np.sort(svc.support_)


def normal_angle(a: np.ndarray, b: np.ndarray) -> float:
    """The angle in degrees between the normals w = (β_1, β_2) of two separators."""
    w, v = a[:2], b[:2]
    cosine = float(w @ v / (np.linalg.norm(w) * np.linalg.norm(v)))
    return float(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))))


def sweep(
    X: np.ndarray, y: np.ndarray, C_values=C_VALUES, steps: int = 3000, penalize_bias: bool = False
) -> list[SVMResult]:
    """One trained SVM per C."""
    return [train_svm(X, y, C, steps=steps, penalize_bias=penalize_bias) for C in C_values]


def compare_with_hard_margin(result: SVMResult, reference: np.ndarray) -> dict[str, float]:
    """How close the large-C solution is to the maximum-margin separator."""
    return {
        "reference_margin": 1.0 / float(np.linalg.norm(reference[:2])),
        "margin": result.margin,
        "angle_degrees": normal_angle(result.beta, reference),
        "intercept": float(result.beta[2]),
        "reference_intercept": float(reference[2]),
    }


# %% [markdown]
# ## Figures


# %%
def plot_sweep(X, y, results: list[SVMResult], reference: np.ndarray, folder) -> None:
    """One panel per C (boundary, both margins, support vectors), and margin/#SV against C."""
    n = len(results)
    cols = 3
    rows = -(-(n + 1) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 4.0 * rows))
    axes = axes.ravel()
    lo, hi = X.min(axis=0) - 0.8, X.max(axis=0) + 0.8
    for ax, r in zip(axes, results):
        _common.scatter_classes(ax, X, y, labels=("y = −1", "y = +1"))
        sv = X[r.support]
        ax.scatter(
            sv[:, 0],
            sv[:, 1],
            s=110,
            facecolors="none",
            edgecolors="k",
            linewidths=1.2,
            label="support vectors",
        )
        w, b = r.beta[:2], r.beta[2]
        _common.plot_margins(ax, w, b, (lo[0], hi[0]))
        if r is results[-1]:
            _common.plot_line(
                ax,
                reference[:2],
                reference[2],
                (lo[0], hi[0]),
                color="#f59f00",
                ls=":",
                lw=2.5,
                label="hard margin (SVC)",
            )
        ax.set(
            xlim=(lo[0], hi[0]),
            ylim=(lo[1], hi[1]),
            aspect="equal",
            title=f"C = {r.C:g}:  m = 1/‖w‖ = {r.margin:.2f},  {r.n_support} SVs",
        )
    handles, labels = axes[n - 1].get_legend_handles_labels()
    ax = axes[n]
    Cs = [r.C for r in results]
    ax.semilogx(Cs, [r.margin for r in results], "o-", color=_common.BLUE)
    ax.set(xlabel="C", title="smaller C: wider margin, more SVs")
    ax.set_ylabel("margin m = 1/‖w‖", color=_common.BLUE)
    twin = ax.twinx()
    twin.semilogx(Cs, [r.n_support for r in results], "s--", color=_common.RED)
    twin.set_ylabel("support vectors", color=_common.RED)
    for extra in axes[n + 1 :]:
        extra.axis("off")
    fig.suptitle(
        "Soft-margin SVM trained by gradient descent on Σ max(0, 1 − y⟨x, β⟩) + λ‖w‖², λ = 1/C"
    )
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=9)
    _common.save(fig, folder, "svm_soft_margin.png")


# %% [markdown]
# ## Run it


# %%
def run(quick: bool = False, out: str = "out", verbose: bool = True) -> dict:
    """Train the sweep, compare with the hard margin, print and plot. Returns the numbers."""
    X, y = make_data(n_per_class=25 if quick else 40)
    steps = 1500 if quick else 4000
    results = sweep(X, y, steps=steps)
    reference = hard_margin_reference(X, y)
    hard = compare_with_hard_margin(results[-1], reference)
    lecture = sweep(X, y, C_values=(C_VALUES[0], C_VALUES[-1]), steps=steps, penalize_bias=True)
    if verbose:
        print(
            f"{len(X)} points; x = (x_1, x_2, 1), β = (β_1, β_2, β_0); λ = 1/C penalizes "
            "w = (β_1, β_2) only.\n"
        )
        print(
            f"{'C':>8} {'margin 1/‖w‖':>13} {'support vectors':>16} {'objective (1)':>14} "
            f"{'train acc':>10}"
        )
        for r in results:
            print(
                f"{r.C:8g} {r.margin:13.4f} {r.n_support:16d} {r.objective:14.4f} "
                f"{r.accuracy:10.3f}"
            )
        print(f"\nLarge C = {results[-1].C:g} against the maximum-margin separator (SVC, C = 1e6):")
        print(
            f"  margin {hard['margin']:.4f} vs {hard['reference_margin']:.4f}; angle between "
            f"the two w: {hard['angle_degrees']:.2f}°; intercept {hard['intercept']:.4f} vs "
            f"{hard['reference_intercept']:.4f}"
        )
        print("\nThe lecture's objective taken literally (β_0 penalized too):")
        for r, plain in zip(lecture, (results[0], results[-1])):
            print(
                f"  C = {r.C:g}: margin {r.margin:.4f} (vs {plain.margin:.4f}), "
                f"{r.n_support} SVs (vs {plain.n_support}), β_0 = {r.beta[2]:.4f} "
                f"(vs {plain.beta[2]:.4f})"
            )
    plot_sweep(X, y, results, reference, out)
    return {
        "C": [r.C for r in results],
        "margins": [r.margin for r in results],
        "n_support": [r.n_support for r in results],
        "accuracy": [r.accuracy for r in results],
        "hard_margin": hard,
        "lecture_margins": [r.margin for r in lecture],
        "results": results,
    }


def main(argv: list[str] | None = None) -> dict:
    args = _common.parse(_common.parser(__doc__), argv)
    return run(quick=args.quick, out=args.out)


if __name__ == "__main__":
    main()
