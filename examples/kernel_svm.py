"""An RBF-kernel SVM trained by gradient descent: only the support vectors classify.

The kernel is the lecture's k(x, x') = exp(−γ‖x − x'‖²) (γ = 1; change it with --gamma). The
model is a weighted sum of kernels centred on the n training points,

    f(x) = Σ_j α_j k(x_j, x) + b,         f = Kα + b on the training points (K_ij = k(x_i, x_j)),

which is ⟨φ(x), β⟩ + b for β = Σ_j α_j φ(x_j), so ‖β‖² = αᵀKα. The kernelized soft-margin
objective (1) is then

    J(α, b) = Σ_i max(0, 1 − y_i f(x_i)) + λ αᵀKα,          λ = 1/C.

Its gradient is ∇_α J = K (g + 2λα), where g_i = ∂(Σ hinge)/∂f_i = −y_i for the points inside
the margin (y_i f(x_i) < 1) and 0 for the others. At the minimum (K invertible) g + 2λα = 0,
so α_i = −g_i / (2λ): **every point outside the margin has α_i = 0** (the lecture's exercise),
and classifying a new point, sign f(x), needs k(x_j, x) for the support vectors j only.
Kernel logistic regression, with log(1 + e^{−y f}) in place of the hinge, has
α_i = y_i σ(−y_i f(x_i)) / (2λ) ≠ 0 for every i: it needs all the training points.

The last part checks the lecture's "if K is full rank then perfect separation is always
possible": with a narrow kernel (γ = 50) K is full rank, numerically too, so f = Kα can take any
values on the training points (α = K⁻¹y gives f(x_i) = y_i exactly), and the kernel SVM with
λ = 10⁻³ (C = 1000) reaches y_i f(x_i) ≥ 1 for every i: the hard margin exists, 100 % training
accuracy. At γ = 1 the same matrix is full rank only in exact arithmetic: its eigenvalues fall
to 10⁻¹⁵ and its numerical rank is well below n. Separating perfectly is not generalizing well:
the narrow kernel's test accuracy is lower.

We step along g + 2λα = K⁻¹∇_α J, the gradient in the space of functions f (each step changes
f by −ηK(g + 2λα), a gradient step on f in the kernel's norm): the engine gives g as the gradient
of the loss with respect to the scores f. The plain gradient K(g + 2λα) would also work, but K's
eigenvalues range from about 10⁻¹⁵ to n, which makes plain steps very slow.

Run: ``python examples/kernel_svm.py [--quick] [--out DIR] [--gamma G]``.
"""

# %%
from __future__ import annotations

from dataclasses import dataclass

import _common
import numpy as np
from _common import plt

import autograd_lite as al
import nn

LAMBDA = 0.5  # λ = 1/C
FULL_RANK_GAMMA = 50.0  # a narrow RBF: each kernel barely reaches a point's neighbours
HARD_LAMBDA = 1e-3  # C = 1000: every point must leave the margin


# %% [markdown]
# ## Data and kernel


# %%
def make_data(n: int = 200, seed: int = 0, noise: float = 0.2):
    """Two interleaved half-moons (not linearly separable), labels y ∈ {−1, +1}."""
    from sklearn.datasets import make_moons

    X, y = make_moons(n, noise=noise, random_state=seed)
    return X, 2.0 * y - 1.0


def kernel_text(gamma: float) -> str:
    """'exp(−‖x − x'‖²)' for γ = 1, else 'exp(−γ‖x − x'‖²)' with the number."""
    factor = "" if gamma == 1 else f"{gamma:g}"
    return f"exp(−{factor}‖x − x'‖²)"


def rbf_kernel(A: np.ndarray, B: np.ndarray, gamma: float = 1.0) -> np.ndarray:
    """K_ij = exp(−γ‖a_i − b_j‖²)."""
    squared = (A**2).sum(1)[:, None] + (B**2).sum(1)[None, :] - 2 * A @ B.T
    return np.exp(-gamma * np.maximum(squared, 0.0))


# %% [markdown]
# ## Training by gradient descent


# %%
def hinge(scores, y):
    """Σ_i max(0, 1 − y_i f_i)."""
    return nn.hinge_loss(scores, y, reduction="sum")


def logistic(scores, y):
    """Σ_i log(1 + e^{−y_i f_i}) (binary cross-entropy on logits, labels mapped to {0, 1})."""
    return nn.binary_cross_entropy_with_logits(scores, (y + 1) / 2, reduction="sum")


@dataclass
class KernelModel:
    """f(x) = Σ_j α_j k(x_j, x) + b over the training points X."""

    X: np.ndarray
    alpha: np.ndarray
    b: float
    gamma: float
    objective: float

    def scores(self, points: np.ndarray, keep: np.ndarray | None = None) -> np.ndarray:
        """f at ``points``, summing over all training points or only those in ``keep``."""
        index = slice(None) if keep is None else keep
        return rbf_kernel(points, self.X[index], self.gamma) @ self.alpha[index] + self.b

    def predict(self, points, keep=None) -> np.ndarray:
        return np.sign(self.scores(points, keep))


def train(
    X, y, loss, lam: float = LAMBDA, gamma: float = 1.0, steps: int = 6000, lr: float = 0.02
) -> KernelModel:
    """Minimize Σ loss(f_i, y_i) + λαᵀKα by gradient steps α ← α − η_t (∂loss/∂f + 2λα),
    b ← b − η_t ∂loss/∂b, with η_t = lr / (1 + 20 t/steps) (a decaying step lets α settle
    at the kinks of the hinge)."""
    K = al.Tensor(rbf_kernel(X, X, gamma))
    alpha = al.Tensor(np.zeros(len(X)), requires_grad=True)
    b = al.Tensor(np.zeros(1), requires_grad=True)
    for t in range(steps):
        eta = lr / (1.0 + 20.0 * t / steps)
        scores = K @ alpha + b  # f = Kα + b
        scores.retain_grad()  # keep ∂J/∂f
        J = loss(scores, y) + lam * al.sum(alpha * (K @ alpha))
        alpha.grad = b.grad = None
        J.backward()
        step = scores.grad + 2 * lam * alpha.data  # = K⁻¹ ∇_α J
        alpha.data -= eta * step
        b.data -= eta * b.grad
    return KernelModel(X, alpha.data.copy(), float(b.data[0]), gamma, float(J.data))


def check_function_space_step(
    X, y, lam: float = LAMBDA, gamma: float = 1.0, seed: int = 0
) -> float:
    """max |∇_α J − K(∂J/∂f + 2λα)| at a random α: the engine's gradient with respect to α is
    K times the step the training takes."""
    rng = np.random.default_rng(seed)
    Kn = rbf_kernel(X, X, gamma)
    K = al.Tensor(Kn)
    alpha = al.Tensor(rng.normal(0, 0.1, len(X)), requires_grad=True)
    scores = K @ alpha + 0.1
    scores.retain_grad()
    J = hinge(scores, y) + lam * al.sum(alpha * (K @ alpha))
    J.backward()
    return float(np.abs(alpha.grad - Kn @ (scores.grad + 2 * lam * alpha.data)).max())


def support_vectors(model: KernelModel, y: np.ndarray, tolerance: float = 1e-2) -> np.ndarray:
    """Indices i on or inside the margin: y_i f(x_i) ≤ 1 (+ tolerance)."""
    return np.flatnonzero(y * model.scores(model.X) <= 1.0 + tolerance)


def sklearn_support_count(X, y, lam: float = LAMBDA, gamma: float = 1.0) -> int:
    """The number of support vectors of scikit-learn's SVC on the same problem (its objective
    ½‖β‖² + C Σ hinge is ours divided by 2λ, so C = 1/(2λ))."""
    from sklearn.svm import SVC

    return int(len(SVC(kernel="rbf", gamma=gamma, C=1 / (2 * lam), tol=1e-8).fit(X, y).support_))


def kernel_rank(X, gamma: float) -> dict:
    """K's numerical rank (NumPy's, tolerance n·ε·λ_max), its eigenvalues, and how well
    f = Kα can hit f(x_i) = y_i: the largest |Kα − y| for the least-squares α."""
    K = rbf_kernel(X, X, gamma)
    return {
        "gamma": gamma,
        "n": len(X),
        "rank": int(np.linalg.matrix_rank(K, hermitian=True)),
        "eigenvalues": np.linalg.eigvalsh(K)[::-1],
        "K": K,
    }


def full_rank_separation(X, y, X_test, y_test, steps: int) -> dict:
    """The lecture's "if K is full rank, perfect separation is possible", at γ = 1 and at the
    narrow γ = 50: the rank, the interpolant α = K⁻¹y, and a kernel SVM with C = 1000."""
    rows = {}
    for gamma in (1.0, FULL_RANK_GAMMA):
        row = kernel_rank(X, gamma)
        K = row.pop("K")
        alpha = np.linalg.lstsq(K, y, rcond=None)[0]
        row["interpolation_error"] = float(np.abs(K @ alpha - y).max())
        rows[gamma] = row
    narrow = train(X, y, hinge, lam=HARD_LAMBDA, gamma=FULL_RANK_GAMMA, steps=steps, lr=0.1)
    rows[FULL_RANK_GAMMA].update(
        model=narrow,
        min_margin=float((y * narrow.scores(X)).min()),
        train_accuracy=float((narrow.predict(X) == y).mean()),
        test_accuracy=float((narrow.predict(X_test) == y_test).mean()),
    )
    return rows


# %% [markdown]
# ## Figures


# %%
def plot_models(X, y, svm, keep_svm, klr, keep_klr, folder) -> None:
    lo, hi = X.min(0) - 0.6, X.max(0) + 0.6
    xx, yy, points = _common.grid((lo[0], hi[0]), (lo[1], hi[1]), 200)
    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5))
    panels = [
        (axes[0, 0], svm, None, f"SVM, all {len(X)} training points in f(x)"),
        (axes[0, 1], svm, keep_svm, f"SVM, only its {len(keep_svm)} support vectors in f(x)"),
        (axes[1, 0], klr, None, f"Kernel logistic regression, all {len(X)} points"),
        (
            axes[1, 1],
            klr,
            keep_klr,
            f"Kernel logistic regression, only its {len(keep_klr)} largest |α_j| "
            "(its hardest points)",
        ),
    ]
    for ax, model, keep, title in panels:
        scores = model.scores(points, keep)
        _common.plot_regions(ax, xx, yy, scores, vmax=2.0)
        if model is svm:
            ax.contour(
                xx,
                yy,
                scores.reshape(xx.shape),
                levels=[-1, 1],
                colors="k",
                linewidths=0.8,
                linestyles="--",
            )
        if keep is None:
            _common.scatter_classes(ax, X, y, labels=("y = −1", "y = +1"), s=14)
        else:
            mask = np.zeros(len(X), bool)
            mask[keep] = True
            _common.scatter_classes(ax, X[~mask], y[~mask], labels=(None, None), s=10, alpha=0.25)
            _common.scatter_classes(ax, X[mask], y[mask], labels=("used", None), s=30)
            full = model.predict(points)
            changed = float((model.predict(points, keep) != full).mean())
            title += f"\npredictions changed on {changed:.1%} of the plane"
        ax.set(title=title, xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]))
    fig.suptitle(
        f"RBF kernel k(x, x') = {kernel_text(svm.gamma)}, λ = {LAMBDA:g}: "
        "solid f(x) = 0, dashed f(x) = ±1 (SVM margins)"
    )
    fig.tight_layout()
    _common.save(fig, folder, "kernel_svm.png")


def plot_coefficients(svm, klr, folder) -> None:
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for model, color, label in (
        (svm, _common.RED, "SVM (hinge)"),
        (klr, _common.BLUE, "kernel logistic regression"),
    ):
        ax.semilogy(np.sort(np.abs(model.alpha))[::-1], "o", ms=3, color=color, label=label)
    ax.set(
        xlabel=r"training points, sorted by $|\alpha_j|$",
        ylabel=r"$|\alpha_j|$",
        ylim=(1e-9, 10),
        title=r"Coefficients $\alpha_j$: the SVM's are 0 outside the margin",
    )
    ax.legend()
    _common.save(fig, folder, "kernel_coefficients.png")


def plot_full_rank(X, y, rows, folder) -> None:
    """The narrow kernel's SVM (every training point outside its margin) and the eigenvalues
    of K for both bandwidths."""
    narrow = rows[FULL_RANK_GAMMA]
    model = narrow["model"]
    lo, hi = X.min(0) - 0.6, X.max(0) + 0.6
    xx, yy, points = _common.grid((lo[0], hi[0]), (lo[1], hi[1]), 250)
    fig, axes = plt.subplots(1, 2, figsize=(13, 5))
    ax = axes[0]
    scores = model.scores(points)
    _common.plot_regions(ax, xx, yy, scores, vmax=2.0)
    ax.contour(
        xx,
        yy,
        scores.reshape(xx.shape),
        levels=[-1, 1],
        colors="k",
        linewidths=0.6,
        linestyles="--",
    )
    _common.scatter_classes(ax, X, y, labels=("y = −1", "y = +1"), s=14)
    ax.set(
        xlim=(lo[0], hi[0]),
        ylim=(lo[1], hi[1]),
        title=f"k(x, x') = {kernel_text(FULL_RANK_GAMMA)}, C = {1 / HARD_LAMBDA:g}: "
        f"min y_i f(x_i) = {narrow['min_margin']:.3f}\ntraining accuracy "
        f"{narrow['train_accuracy']:.0%}, test {narrow['test_accuracy']:.1%}",
    )
    ax.legend(loc="lower right", fontsize=8)
    ax = axes[1]
    for gamma, row in rows.items():
        eig = np.maximum(row["eigenvalues"], 1e-18)
        ax.semilogy(
            np.arange(1, len(eig) + 1),
            eig,
            lw=2,
            label=f"γ = {gamma:g}: numerical rank {row['rank']} of {row['n']}",
        )
        tolerance = row["eigenvalues"][0] * row["n"] * np.finfo(float).eps
        ax.axhline(tolerance, color="grey", ls=":", lw=1)
    ax.set(
        xlabel="k",
        ylabel="k-th largest eigenvalue of K",
        ylim=(1e-18, 1e3),
        title="Eigenvalues of K (dotted: NumPy's rank tolerance)",
    )
    ax.legend()
    fig.tight_layout()
    _common.save(fig, folder, "kernel_full_rank.png")


# %% [markdown]
# ## Run it


# %%
def run(quick: bool = False, out: str = "out", gamma: float = 1.0, verbose: bool = True) -> dict:
    n = 100 if quick else 200
    steps = 3000 if quick else 6000
    X, y = make_data(n)
    X_test, y_test = make_data(1000, seed=1)
    svm = train(X, y, hinge, gamma=gamma, steps=steps)
    klr = train(X, y, logistic, gamma=gamma, steps=steps)
    keep_svm = support_vectors(svm, y)
    keep_klr = np.argsort(-np.abs(klr.alpha))[: len(keep_svm)]
    outside = np.setdiff1d(np.arange(n), keep_svm)

    def agreement(model, keep):
        return float((model.predict(X_test, keep) == model.predict(X_test)).mean())

    result = {
        "n": n,
        "n_support": len(keep_svm),
        "sklearn_n_support": sklearn_support_count(X, y, gamma=gamma),
        "gradient_check": check_function_space_step(X, y, gamma=gamma),
        "max_alpha_outside_margin": float(np.abs(svm.alpha[outside]).max()),
        "min_alpha_logistic": float(np.abs(klr.alpha).min()),
        "svm_agreement": agreement(svm, keep_svm),
        "svm_max_score_change": float(
            np.abs(svm.scores(X_test, keep_svm) - svm.scores(X_test)).max()
        ),
        "logistic_agreement": agreement(klr, keep_klr),
        "logistic_max_score_change": float(
            np.abs(klr.scores(X_test, keep_klr) - klr.scores(X_test)).max()
        ),
        "test_accuracy": {
            "svm": float((svm.predict(X_test) == y_test).mean()),
            "logistic": float((klr.predict(X_test) == y_test).mean()),
        },
        "svm": svm,
        "logistic": klr,
    }
    full_rank = full_rank_separation(X, y, X_test, y_test, steps)
    result["full_rank"] = full_rank
    if verbose:
        print(f"{n} training points, k(x, x') = {kernel_text(gamma)}, λ = {LAMBDA:g}")
        print(f"check: ∇_α J = K (∂J/∂f + 2λα) to {result['gradient_check']:.1e}\n")
        print(
            f"SVM: {len(keep_svm)} support vectors (scikit-learn's SVC on the same problem: "
            f"{result['sklearn_n_support']}); test accuracy {result['test_accuracy']['svm']:.3f}"
        )
        print(
            f"  largest |α_j| outside the margin: {result['max_alpha_outside_margin']:.1e} "
            f"(inside it, |α_j| ≤ 1/(2λ) = {1 / (2 * LAMBDA):g})"
        )
        print(
            f"  predicting 1000 new points with the support vectors only: "
            f"{result['svm_agreement']:.1%} identical, scores change by at most "
            f"{result['svm_max_score_change']:.1e}"
        )
        print(
            f"Kernel logistic regression: test accuracy "
            f"{result['test_accuracy']['logistic']:.3f}; smallest |α_j| = "
            f"{result['min_alpha_logistic']:.3f} (none is 0)"
        )
        print(
            f"  predicting with its {len(keep_klr)} largest |α_j| only (the hardest points): "
            f"{result['logistic_agreement']:.1%} identical, scores change by up to "
            f"{result['logistic_max_score_change']:.2f}"
        )
        print("\nIf K is full rank, perfect separation is possible:")
        for g, row in full_rank.items():
            print(
                f"  k = {kernel_text(g)}: numerical rank {row['rank']} of {row['n']}, "
                f"smallest eigenvalue {row['eigenvalues'][-1]:.1e}; α = K⁻¹y hits "
                f"f(x_i) = y_i to {row['interpolation_error']:.1e}"
            )
        narrow = full_rank[FULL_RANK_GAMMA]
        print(
            f"  kernel SVM at γ = {FULL_RANK_GAMMA:g}, C = {1 / HARD_LAMBDA:g}: "
            f"min y_i f(x_i) = {narrow['min_margin']:.4f} (≥ 1: the hard margin exists), "
            f"training accuracy {narrow['train_accuracy']:.1%}, test "
            f"{narrow['test_accuracy']:.1%} (γ = {gamma:g}, λ = {LAMBDA:g}: "
            f"{result['test_accuracy']['svm']:.1%})"
        )
    plot_models(X, y, svm, keep_svm, klr, keep_klr, out)
    plot_coefficients(svm, klr, out)
    plot_full_rank(X, y, full_rank, out)
    return result


def main(argv: list[str] | None = None) -> dict:
    p = _common.parser(__doc__)
    p.add_argument(
        "--gamma",
        type=float,
        default=1.0,
        help="kernel bandwidth γ in exp(−γ‖x − x'‖²) (default 1, the lecture's)",
    )
    args = _common.parse(p, argv)
    return run(quick=args.quick, out=args.out, gamma=args.gamma)


if __name__ == "__main__":
    main()
