"""Hinge loss (SVM) against logistic loss (logistic regression), on the same data.

With labels y ∈ {−1, +1} and the margin m_i = y_i⟨x_i, β⟩ (x with a constant 1 appended, so
β = (β_1, β_2, β_0) holds an intercept), the two models minimize

    soft-margin SVM:        Σ_i max(0, 1 − m_i)      + λ‖w‖²
    logistic regression:    Σ_i log(1 + e^{−m_i})    + λ‖w‖²

with the same L2 penalty on w = (β_1, β_2) (the lecture's "very similar objective"). The two
losses agree in shape: both are about linear in −m for badly misclassified points and both
vanish for large m. The hinge is exactly 0 once m ≥ 1, so only the points with m ≤ 1 (the
support vectors) shape the SVM; every point keeps a weight e^{−m}/(1 + e^{−m}) > 0 in logistic
regression. The script shows it by retraining both on the support vectors alone: the SVM does not
move, logistic regression does.

Run: ``python examples/hinge_vs_logistic.py [--quick] [--out DIR]``.
"""

# %%
from __future__ import annotations

import _common
import numpy as np
from _common import plt

import autograd_lite as al
import nn

LAMBDA = 1.0  # λ = 1/C, the same for both models


# %% [markdown]
# ## The two losses as functions of the margin m = y⟨x, β⟩


# %%
def hinge(m: np.ndarray) -> np.ndarray:
    """max(0, 1 − m)."""
    return np.maximum(0.0, 1.0 - m)


def logistic(m: np.ndarray) -> np.ndarray:
    """log(1 + e^{−m}), computed without overflow."""
    return np.logaddexp(0.0, -m)


def plot_losses(folder) -> None:
    m = np.linspace(-3, 4, 400)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(m, (m <= 0).astype(float), color=_common.GREY, lw=1.5, label="0-1 loss 1[m ≤ 0]")
    ax.plot(m, hinge(m), color=_common.RED, lw=2.5, label=r"hinge $\max(0, 1 - m)$")
    ax.plot(m, logistic(m), color=_common.BLUE, lw=2.5, label=r"logistic $\log(1 + e^{-m})$")
    ax.plot(
        m,
        logistic(m) / np.log(2),
        color=_common.BLUE,
        lw=1.2,
        ls="--",
        label=r"logistic $/ \log 2$ (through (0, 1))",
    )
    ax.axvline(1.0, color="k", lw=0.6, ls=":")
    ax.text(1.05, 3.2, "m = 1: the hinge is 0 beyond", fontsize=8)
    ax.set(
        xlabel="margin m = y⟨x, β⟩",
        ylabel="loss",
        ylim=(-0.1, 4),
        xlim=(-3, 4),
        title="Loss of one point against its margin",
    )
    ax.legend(fontsize=8)
    _common.save(fig, folder, "losses.png")


# %% [markdown]
# ## Data and training


# %%
def make_data(n_per_class: int = 100, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Two overlapping Gaussian clouds (not separable), labels y ∈ {−1, +1}."""
    rng = np.random.default_rng(seed)
    minus = rng.normal([-1.0, -0.5], [1.1, 0.9], size=(n_per_class, 2))
    plus = rng.normal([1.0, 0.7], [1.0, 1.2], size=(n_per_class, 2))
    X = np.vstack([minus, plus])
    y = np.r_[-np.ones(n_per_class), np.ones(n_per_class)]
    return X, y


def augment(X: np.ndarray) -> np.ndarray:
    """x → (x_1, x_2, 1)."""
    return np.column_stack([X, np.ones(len(X))])


def hinge_objective(scores, y, w, lam):
    """Σ max(0, 1 − y⟨x, β⟩) + λ‖w‖² (the SVM objective, ``nn.svm_objective``)."""
    return nn.svm_objective(scores, y, w, lam)


def logistic_objective(scores, y, w, lam):
    """Σ log(1 + e^{−y⟨x, β⟩}) + λ‖w‖²: binary cross-entropy on the logits ⟨x, β⟩ with the
    labels mapped to {0, 1} is exactly Σ log(1 + e^{−y⟨x, β⟩})."""
    loss = nn.binary_cross_entropy_with_logits(scores, (y + 1) / 2, reduction="sum")
    return loss + lam * al.sum(w * w)


def train(X, y, objective, lam: float = LAMBDA, steps: int = 3000, lr: float = 0.05):
    """β minimizing ``objective``: full-batch Adam, learning rate decaying linearly to 0."""
    Xa = al.Tensor(augment(X))
    beta = al.Tensor(np.zeros(3), requires_grad=True)
    keep = np.array([1.0, 1.0, 0.0])  # λ penalizes w, not the intercept β_0
    optimizer = nn.Adam([beta], lr=lr)
    for t in range(steps):
        optimizer.lr = lr * (1.0 - t / steps)
        loss = objective(Xa @ beta, y, beta * keep, lam)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return beta.data.copy()


def relative_change(b1: np.ndarray, b2: np.ndarray) -> float:
    """‖β₁ − β₂‖ / ‖β₁‖."""
    return float(np.linalg.norm(b1 - b2) / np.linalg.norm(b1))


def angle(b1: np.ndarray, b2: np.ndarray) -> float:
    """The angle in degrees between the normals w of two boundaries."""
    w1, w2 = b1[:2], b2[:2]
    cosine = w1 @ w2 / (np.linalg.norm(w1) * np.linalg.norm(w2))
    return float(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))))


def accuracy(beta: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    return float((np.sign(augment(X) @ beta) == y).mean())


def sklearn_reference(X, y, lam: float = LAMBDA) -> dict[str, np.ndarray]:
    """The same two models fitted by scikit-learn, whose objectives are ½‖w‖² + C Σ loss_i:
    dividing ours by 2λ gives its form with C = 1/(2λ)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import SVC

    C = 1.0 / (2 * lam)
    svc = SVC(kernel="linear", C=C, tol=1e-8).fit(X, y)
    lr = LogisticRegression(C=C, tol=1e-10, max_iter=10_000).fit(X, y)
    return {
        "hinge": np.r_[svc.coef_[0], svc.intercept_],
        "logistic": np.r_[lr.coef_[0], lr.intercept_],
    }


# %% [markdown]
# ## Figure: the two boundaries


# %%
def plot_boundaries(X, y, betas: dict, support: np.ndarray, changes: dict, folder) -> None:
    """Left: both boundaries. Right: how much each point pulls on β at the solution, −∂loss/∂m,
    against its margin m: 1[m < 1] for the hinge, 1/(1 + e^m) for the logistic loss."""
    lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8))
    ax = axes[0]
    _common.scatter_classes(ax, X, y, labels=("y = −1", "y = +1"))
    sv = X[support]
    ax.scatter(
        sv[:, 0],
        sv[:, 1],
        s=70,
        facecolors="none",
        edgecolors=_common.RED,
        lw=0.8,
        label="SVM support vectors (m ≤ 1)",
    )
    for name, color, label in (
        ("hinge", _common.RED, "SVM (hinge)"),
        ("logistic", _common.BLUE, "logistic regression"),
    ):
        beta = betas[name]
        _common.plot_line(ax, beta[:2], beta[2], (lo[0], hi[0]), lw=2.5, color=color, label=label)
    for offset in (-1, 1):
        _common.plot_line(
            ax,
            betas["hinge"][:2],
            betas["hinge"][2],
            (lo[0], hi[0]),
            offset=offset,
            color=_common.RED,
            lw=0.8,
            ls="--",
        )
    ax.set(
        xlim=(lo[0], hi[0]),
        ylim=(lo[1], hi[1]),
        aspect="equal",
        title=f"Boundaries, angle {angle(betas['hinge'], betas['logistic']):.1f}° apart "
        "(dashed: SVM margins)",
    )
    ax.legend(fontsize=7, loc="upper left")
    ax = axes[1]
    for name, color, pull, label in (
        ("logistic", _common.BLUE, lambda m: 1 / (1 + np.exp(m)), "logistic: 1/(1 + e^m)"),
        ("hinge", _common.RED, lambda m: (m < 1).astype(float), "hinge: 1[m < 1]"),
    ):
        m = y * (augment(X) @ betas[name])
        ax.scatter(m, pull(m), s=14, color=color, alpha=0.7, label=label)
    ax.axvline(1, color="k", lw=0.6, ls=":")
    ax.set(
        xlabel="margin m = y⟨x, β⟩ of each training point at the solution",
        ylabel="its pull on β, −∂loss/∂m",
        title=f"Retrained on the {len(support)} support vectors alone: SVM β changes "
        f"{changes['hinge']:.1%},\nlogistic β {changes['logistic']:.1%} "
        "(every point pulls on it)",
    )
    ax.legend(loc="center right")
    fig.suptitle(f"Hinge vs logistic loss: same data, same penalty λ‖w‖² (λ = {LAMBDA:g})")
    fig.tight_layout()
    _common.save(fig, folder, "hinge_vs_logistic.png")


# %% [markdown]
# ## Run it


# %%
def run(quick: bool = False, out: str = "out", verbose: bool = True) -> dict:
    X, y = make_data(n_per_class=60 if quick else 100)
    steps = 1500 if quick else 4000
    betas = {
        "hinge": train(X, y, hinge_objective, steps=steps),
        "logistic": train(X, y, logistic_objective, steps=steps),
    }
    margins = y * (augment(X) @ betas["hinge"])
    support = np.flatnonzero(margins <= 1.0 + 1e-2)
    Xs, ys = X[support], y[support]
    subset = {
        "hinge": train(Xs, ys, hinge_objective, steps=steps),
        "logistic": train(Xs, ys, logistic_objective, steps=steps),
    }
    reference = sklearn_reference(X, y)
    result = {
        "accuracy": {k: accuracy(b, X, y) for k, b in betas.items()},
        "angle_between_models": angle(betas["hinge"], betas["logistic"]),
        "n_points": len(X),
        "n_support": len(support),
        "turned_when_retrained": {k: angle(betas[k], subset[k]) for k in betas},
        "changed_when_retrained": {k: relative_change(betas[k], subset[k]) for k in betas},
        "sklearn_error": {k: float(np.abs(betas[k] - reference[k]).max()) for k in betas},
        "betas": betas,
        "subset_betas": subset,
    }
    if verbose:
        print(f"{len(X)} points, λ = {LAMBDA:g} for both models, x = (x_1, x_2, 1)\n")
        for k, b in betas.items():
            print(
                f"{k:>9}: β = ({b[0]: .4f}, {b[1]: .4f}, {b[2]: .4f}), training accuracy "
                f"{result['accuracy'][k]:.3f}, largest difference from scikit-learn "
                f"{result['sklearn_error'][k]:.1e}"
            )
        print(f"\nangle between the two boundaries: {result['angle_between_models']:.2f}°")
        print(f"support vectors of the SVM (m ≤ 1): {len(support)} of {len(X)} points")
        print("retrained on those points only:")
        for k, name in (("hinge", "SVM"), ("logistic", "logistic regression")):
            print(
                f"  {name:>19}: β = ({subset[k][0]: .4f}, {subset[k][1]: .4f}, "
                f"{subset[k][2]: .4f}), ‖Δβ‖/‖β‖ = {result['changed_when_retrained'][k]:.1%}"
                f", boundary turned by {result['turned_when_retrained'][k]:.2f}°"
            )
    plot_losses(out)
    plot_boundaries(X, y, betas, support, result["changed_when_retrained"], out)
    return result


def main(argv: list[str] | None = None) -> dict:
    args = _common.parse(_common.parser(__doc__), argv)
    return run(quick=args.quick, out=args.out)


if __name__ == "__main__":
    main()
