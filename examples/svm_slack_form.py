"""The soft-margin SVM in its three forms, which the lecture says are all equivalent.

    (S)  min_β,ε  ‖β‖² + C Σ_i ε_i    subject to  y_i⟨x_i, β⟩ ≥ 1 − ε_i,  ε_i ≥ 0   (slack form)
    (C)  min_β    ‖β‖² + C Σ_i max(0, 1 − y_i⟨x_i, β⟩)                            (hinge form)
    (λ)  min_β    Σ_i max(0, 1 − y_i⟨x_i, β⟩) + λ‖β‖²,   λ = 1/C                  (objective (1))

Why they agree: for a fixed β the best slack is the smallest one allowed,
ε_i = max(0, 1 − y_i⟨x_i, β⟩), which turns (S) into (C); and (C) is C times (λ). The script
solves them with three independent methods on the same overlapping data and compares:

* (S), the constrained problem as the lecture writes it, by SciPy's SLSQP over (β, ε);
* (S) again by scikit-learn's SVC (``svm_soft_margin.soft_margin_svc``), whose objective
  ½‖β‖² + C' Σ ε_i is (S) halved, C' = C/2;
* (λ) by gradient descent in autograd-lite (``svm_soft_margin.train_svm``), λ = 1/C.

As in ``svm_soft_margin.py`` each x has a constant 1 appended, so ⟨x, β⟩ has an intercept β_0,
and ‖·‖² penalizes the weights w = (β_1, β_2) only (what SVC solves).

ε_i is per point: 0 outside the margin, in (0, 1] inside it on the right side, > 1 on the wrong
side, and ε_i/‖w‖ is the distance it travels past its margin line. The lecture says "ε_i ≥ 1
corresponds to a misclassification"; the exact statement is ε_i **>** 1: ε_i = 1 means
y_i⟨x_i, β⟩ = 0, a point on the boundary itself, which no side claims. The script checks that
the misclassified points are exactly those with ε_i > 1, and that every point with ε_i > 0 is a
support vector.

Run: ``python examples/svm_slack_form.py [--quick] [--out DIR]``.
"""

# %%
from __future__ import annotations

import _common
import numpy as np
from _common import plt
from hinge_vs_logistic import make_data
from svm_soft_margin import augment, normal_angle, soft_margin_svc, train_svm

C_MAIN = 1.0
C_SWEEP = (0.1, 1.0, 10.0)
TOLERANCE = 1e-6  # ε_i above this is non-zero


# %% [markdown]
# ## The three objectives


# %%
def slack(beta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """ε_i = max(0, 1 − y_i⟨x_i, β⟩): the smallest slack that satisfies point i's constraint."""
    return np.maximum(0.0, 1.0 - y * (augment(X) @ beta))


def objectives(beta: np.ndarray, X, y, C: float, eps: np.ndarray | None = None) -> dict:
    """The value of each form at β (and, for (S), at the given slacks, else the smallest)."""
    w2 = float(beta[:2] @ beta[:2])
    hinge = float(slack(beta, X, y).sum())
    eps = slack(beta, X, y) if eps is None else eps
    return {"S": w2 + C * float(eps.sum()), "C": w2 + C * hinge, "lambda": hinge + w2 / C}


# %% [markdown]
# ## Three solvers


# %%
def solve_slack_slsqp(X, y, C: float) -> tuple[np.ndarray, np.ndarray]:
    """(S) as written, over the n + 3 variables (β, ε), by SciPy's SLSQP.

    Returns (β, ε). The constraints are linear: y_i⟨x_i, β⟩ + ε_i − 1 ≥ 0 and ε_i ≥ 0."""
    from scipy.optimize import minimize

    n = len(X)
    Xa = augment(X)
    A = np.hstack([y[:, None] * Xa, np.eye(n)])  # A @ (β, ε) − 1 ≥ 0

    def objective(v):
        return v[0] ** 2 + v[1] ** 2 + C * v[3:].sum()

    def gradient(v):
        g = np.r_[2 * v[:2], 0.0, np.full(n, C)]
        return g

    start = np.r_[np.zeros(3), np.ones(n)]  # β = 0, ε = 1: feasible
    result = minimize(
        objective,
        start,
        jac=gradient,
        method="SLSQP",
        bounds=[(None, None)] * 3 + [(0, None)] * n,
        constraints=[{"type": "ineq", "fun": lambda v: A @ v - 1.0, "jac": lambda v: A}],
        options={"ftol": 1e-10, "maxiter": 1000},
    )
    if not result.success:
        raise RuntimeError(f"SLSQP did not solve the slack form: {result.message}")
    return result.x[:3], result.x[3:]


def solve_lambda_form(X, y, C: float, steps: int) -> np.ndarray:
    """(λ) with λ = 1/C by gradient descent in autograd-lite (``svm_soft_margin``)."""
    return train_svm(X, y, C, steps=steps).beta


def on_the_boundary(x: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """x moved along the normal w onto the boundary ⟨x, β⟩ = 0."""
    w = beta[:2]
    return x - (augment(x[None])[0] @ beta) / (w @ w) * w


# %% [markdown]
# ## Figure


# %%
def plot(X, y, beta, eps, sweep, folder) -> None:
    """The points with their ε_i and the distance ε_i/‖w‖ past their margin; ε_i against
    the margin y⟨x, β⟩; the margin against C for the three solvers."""
    fig, axes = plt.subplots(1, 3, figsize=(18, 6.2), width_ratios=(1.4, 1, 1))
    ax = axes[0]
    lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    w, b = beta[:2], beta[2]
    _common.scatter_classes(ax, X, y, labels=("y = −1", "y = +1"), s=22)
    _common.plot_margins(ax, w, b, (lo[0], hi[0]))
    unit = w / np.linalg.norm(w)
    for x, label, e in zip(X, y, eps):
        if e <= TOLERANCE:
            continue
        # ε_i/‖w‖ along the normal, from the point to its own margin line ⟨x, β⟩ = y_i
        end = x + label * unit * e / np.linalg.norm(w)
        ax.plot(*np.c_[x, end], color="#f59f00", lw=1.5)
        ax.annotate(f"{e:.2f}", x, xytext=(4, 3), textcoords="offset points", fontsize=7)
    wrong = eps > 1
    ax.scatter(
        X[wrong, 0],
        X[wrong, 1],
        s=140,
        facecolors="none",
        edgecolors="k",
        lw=1.5,
        label=f"misclassified ({wrong.sum()}): exactly ε_i > 1",
    )
    ax.plot([], [], color="#f59f00", lw=1.5, label="ε_i/‖w‖ past the margin (ε_i written)")
    ax.set(
        xlim=(lo[0], hi[0]),
        ylim=(lo[1], hi[1]),
        aspect="equal",
        title=f"Slack form, C = {C_MAIN:g}: ε_i per point",
    )
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, fontsize=8)

    ax = axes[1]
    margins = y * (augment(X) @ beta)
    grid = np.linspace(margins.min() - 0.3, margins.max() + 0.3, 200)
    ax.plot(grid, np.maximum(0, 1 - grid), color="k", lw=1, label="max(0, 1 − m): the hinge")
    inside = (eps > TOLERANCE) & ~wrong
    for mask, color, label in (
        (eps <= TOLERANCE, _common.GREY, "ε_i = 0: outside the margin"),
        (inside, _common.BLUE, "0 < ε_i ≤ 1: inside, right side"),
        (wrong, _common.RED, "ε_i > 1: wrong side"),
    ):
        ax.plot(margins[mask], eps[mask], "o", ms=5, color=color, label=label)
    ax.axvline(0, color="k", ls=":", lw=1)
    ax.axhline(1, color="k", ls=":", lw=1)
    ax.set(
        xlabel="margin m_i = y_i⟨x_i, β⟩",
        ylabel="ε_i (from SLSQP)",
        title="ε_i = max(0, 1 − m_i): misclassified (m_i < 0) ⇔ ε_i > 1",
    )
    ax.legend(fontsize=8)

    ax = axes[2]
    Cs = [row["C"] for row in sweep]
    for key, marker, label in (
        ("svc", "s", "(S) by scikit-learn's SVC, C' = C/2"),
        ("slsqp", "o", "(S) by SciPy's SLSQP"),
        ("engine", "x", "(λ) by gradient descent, λ = 1/C"),
    ):
        ax.semilogx(
            Cs,
            [1 / np.linalg.norm(row[key][:2]) for row in sweep],
            marker=marker,
            ls="-" if key == "svc" else "none",
            ms=9 if key == "slsqp" else 8,
            mfc="none" if key == "slsqp" else None,
            label=label,
        )
    ax.set(xlabel="C", ylabel="margin 1/‖w‖", title="Three forms, three solvers, one answer")
    ax.legend(fontsize=8)
    fig.tight_layout()
    _common.save(fig, folder, "svm_slack_form.png")


# %% [markdown]
# ## Run it


# %%
def run(quick: bool = False, out: str = "out", verbose: bool = True) -> dict:
    X, y = make_data(n_per_class=25 if quick else 40, seed=3)
    steps = 1500 if quick else 5000
    beta_s, eps = solve_slack_slsqp(X, y, C_MAIN)
    beta_svc, support = soft_margin_svc(X, y, C_MAIN)
    beta_l = solve_lambda_form(X, y, C_MAIN, steps)
    solutions = {"(S) SLSQP": beta_s, "(S) SVC": beta_svc, "(λ) autograd-lite": beta_l}
    values = {name: objectives(beta, X, y, C_MAIN) for name, beta in solutions.items()}
    values["(S) SLSQP"]["S"] = objectives(beta_s, X, y, C_MAIN, eps)["S"]  # its own ε
    margins = y * (augment(X) @ beta_s)
    misclassified = np.flatnonzero(margins < 0)  # on the wrong side of ⟨x, β⟩ = 0
    probe = on_the_boundary(X[0], beta_s)
    sweep = [
        {
            "C": C,
            "slsqp": solve_slack_slsqp(X, y, C)[0],
            "svc": soft_margin_svc(X, y, C)[0],
            "engine": beta_l if C == C_MAIN else solve_lambda_form(X, y, C, steps),
        }
        for C in C_SWEEP
    ]
    result = {
        "n": len(X),
        "C": C_MAIN,
        "solutions": solutions,
        "objectives": values,
        "eps": eps,
        "eps_is_the_hinge": float(np.abs(eps - slack(beta_s, X, y)).max()),
        "beta_difference": max(float(np.abs(a - beta_s).max()) for a in (beta_svc, beta_l)),
        "angle_degrees": max(normal_angle(a, beta_s) for a in (beta_svc, beta_l)),
        "misclassified": misclassified,
        "eps_above_1": np.flatnonzero(eps > 1),
        "eps_at_least_1": np.flatnonzero(eps >= 1),
        "inside_margin": np.flatnonzero((eps > TOLERANCE) & (eps <= 1)),
        "nonzero_eps": np.flatnonzero(eps > TOLERANCE),
        "svc_support": support,
        "boundary_point": {
            "eps": {y_: float(slack(beta_s, probe[None], np.array([y_]))[0]) for y_ in (-1.0, 1.0)},
            "score": float(augment(probe[None])[0] @ beta_s),
        },
        "sweep": [
            {"C": row["C"], **{key: row[key] for key in ("slsqp", "svc", "engine")}}
            for row in sweep
        ],
        "sweep_margin_spread": max(
            float(
                np.ptp([1 / np.linalg.norm(row[k][:2]) for k in ("slsqp", "svc", "engine")])
                / (1 / np.linalg.norm(row["svc"][:2]))
            )
            for row in sweep
        ),
    }
    if verbose:
        print(
            f"{len(X)} overlapping points, C = {C_MAIN:g} (λ = 1/C = {1 / C_MAIN:g}); "
            "‖·‖² penalizes w = (β_1, β_2)\n"
        )
        print(
            f"{'solution':>18} {'β_1':>9} {'β_2':>9} {'β_0':>9}   {'(S)':>9} {'(C)':>9} {'(λ)':>9}"
        )
        for name, beta in solutions.items():
            v = values[name]
            print(
                f"{name:>18} {beta[0]:9.5f} {beta[1]:9.5f} {beta[2]:9.5f}   {v['S']:9.5f} "
                f"{v['C']:9.5f} {v['lambda']:9.5f}"
            )
        print(
            f"\nlargest difference between the solvers' β: {result['beta_difference']:.1e} "
            f"(normals {result['angle_degrees']:.3f}° apart); (C) = C·(λ) at every β"
        )
        print(f"SLSQP's ε_i against max(0, 1 − y_i⟨x_i, β⟩): {result['eps_is_the_hinge']:.1e}")
        print(
            f"\nε_i per point: {int((eps <= TOLERANCE).sum())} are 0 (outside the margin), "
            f"{len(result['inside_margin'])} in (0, 1] (inside it, right side), "
            f"{len(result['eps_above_1'])} above 1"
        )
        print(
            f"misclassified points: {misclassified.tolist()}; ε_i > 1: "
            f"{result['eps_above_1'].tolist()}; ε_i ≥ 1: {result['eps_at_least_1'].tolist()}"
        )
        b = result["boundary_point"]
        print(
            "  the lecture's 'ε_i ≥ 1 is a misclassification' is a slip: a point on the "
            f"boundary itself (⟨x, β⟩ = {b['score']:.0e}) has ε = {b['eps'][1.0]:.6f} with "
            "either label,\n  and lies on neither side; misclassified ⇔ ε_i > 1"
        )
        print(
            f"every x_i with ε_i > 0 is a support vector: "
            f"{set(result['nonzero_eps']) <= set(support)} ({len(result['nonzero_eps'])} "
            f"with ε_i > 0, {len(support)} support vectors in SVC)"
        )
        print("\nmargin 1/‖w‖ against C, per solver:")
        for row in sweep:
            margins = "   ".join(
                f"{k} {1 / np.linalg.norm(row[k][:2]):.4f}" for k in ("slsqp", "svc", "engine")
            )
            print(f"  C = {row['C']:<5g} {margins}")
    plot(X, y, beta_s, eps, sweep, out)
    return result


def main(argv: list[str] | None = None) -> dict:
    args = _common.parse(_common.parser(__doc__), argv)
    return run(quick=args.quick, out=args.out)


if __name__ == "__main__":
    main()
