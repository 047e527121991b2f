"""The hard margin is not robust; the soft margin with a small C is.

The lecture lists two issues of the hard-margin SVM, min ‖β‖² subject to y_i⟨x_i, β⟩ ≥ 1:

* "Hard-margin SVM classifiers are not robust": one outlier can swing the hyperplane;
* "Data might not be linearly separable, in which case the maximum margin classifier is not even
  defined": no β satisfies every constraint;

and says that "a smaller value of C might lead to a more robust solution". The script takes the
separable data of ``svm_soft_margin.py`` and adds one point of class +1:

* outlier A, near class −1 but still separable: the hard margin must squeeze past it, so its
  normal turns by about 30° and its margin collapses to a tenth; the soft margin with C = 0.1
  turns by a degree or two, and sacrifices the outlier (ε > 1);
* outlier B, deep inside class −1: the data are no longer separable. A linear program finds no
  β with y_i⟨x_i, β⟩ ≥ 1 for all i (SciPy's ``linprog`` reports the constraints infeasible), so
  the hard margin does not exist; the soft margin does, for every C.

The hard margin is computed by scikit-learn's ``SVC(kernel='linear', C=10⁶)``; the soft margins by
gradient descent in autograd-lite on objective (1), λ = 1/C (``svm_soft_margin.train_svm``),
and, for the sweep over C, by SVC (objective ½‖w‖² + C' Σ ε_i, C' = C/2). As there, ‖·‖²
penalizes the weights w = (β_1, β_2), not the intercept.

Run: ``python examples/svm_robustness.py [--quick] [--out DIR]``.
"""

# %%
from __future__ import annotations

import _common
import numpy as np
from _common import plt
from svm_soft_margin import (
    augment,
    hard_margin_reference,
    make_data,
    normal_angle,
    soft_margin_svc,
    train_svm,
)

OUTLIERS = {
    "A": np.array([-1.5, 0.8]),  # class +1 near class −1, still separable
    "B": np.array([-0.5, -1.5]),
}  # class +1 inside class −1: not separable
C_SMALL = 0.1
C_SWEEP = (0.01, 0.1, 1.0, 10.0, 100.0)


# %% [markdown]
# ## Separable or not: a linear program


# %%
def separable(X: np.ndarray, y: np.ndarray) -> bool:
    """Whether some β has y_i⟨x_i, β⟩ ≥ 1 for every i (the hard margin's constraints), by
    SciPy's ``linprog`` on a zero objective: feasible, or proved infeasible."""
    from scipy.optimize import linprog

    result = linprog(
        np.zeros(3),
        A_ub=-(y[:, None] * augment(X)),
        b_ub=-np.ones(len(X)),
        bounds=[(None, None)] * 3,
        method="highs",
    )
    if result.status not in (0, 2):
        raise RuntimeError(f"linprog could not decide separability: {result.message}")
    return result.status == 0


def with_outlier(X, y, name: str):
    return np.vstack([X, OUTLIERS[name]]), np.r_[y, 1.0]


def accuracy(beta, X, y) -> float:
    return float((np.sign(augment(X) @ beta) == y).mean())


# %% [markdown]
# ## Figure


# %%
def plot(X, y, models, sweep, folder) -> None:
    fig, axes = plt.subplots(1, 4, figsize=(21, 5.4), width_ratios=(1, 1, 1, 1.1))
    lo, hi = X.min(axis=0) - 0.8, X.max(axis=0) + 0.8
    soft = f"C = {C_SMALL:g} turns {{:.1f}}°"
    titles = {
        "clean": "Separable data",
        "A": "+ outlier A (still separable):\nthe hard margin turns {:.1f}°, " + soft,
        "B": "+ outlier B (not separable):\nno hard margin exists; " + soft,
    }
    for ax, key in zip(axes, ("clean", "A", "B")):
        m = models[key]
        Xk, yk = m["X"], m["y"]
        _common.scatter_classes(ax, Xk, yk, labels=("y = −1", "y = +1"), s=16)
        if key != "clean":
            ax.scatter(
                *OUTLIERS[key],
                s=260,
                marker="*",
                color=_common.BLUE,
                edgecolors="k",
                zorder=5,
                label=f"outlier {key} (y = +1)",
            )
            for beta, style in ((models["clean"]["hard"], ":"), (models["clean"]["soft"], ":")):
                color = "#f59f00" if beta is models["clean"]["hard"] else "k"
                _common.plot_line(
                    ax, beta[:2], beta[2], (lo[0], hi[0]), color=color, ls=style, lw=1.2
                )
        if m["hard"] is not None:
            _common.plot_line(
                ax,
                m["hard"][:2],
                m["hard"][2],
                (lo[0], hi[0]),
                color="#f59f00",
                lw=2.5,
                label=f"hard margin (m = {m['hard_margin']:.3f})",
            )
        else:
            ax.text(
                0.03,
                0.03,
                "no β has y_i⟨x_i, β⟩ ≥ 1 for all i\n(linprog: infeasible)",
                transform=ax.transAxes,
                fontsize=9,
                color="#f59f00",
                bbox=dict(fc="white", ec="#f59f00"),
            )
        _common.plot_line(
            ax,
            m["soft"][:2],
            m["soft"][2],
            (lo[0], hi[0]),
            color="k",
            lw=2,
            label=f"soft margin, C = {C_SMALL:g} (m = {m['soft_margin']:.3f})",
        )
        if key != "clean":
            ax.plot([], [], color="grey", ls=":", label="both, without the outlier")
            angles = (m["soft_angle"],) if m["hard"] is None else (m["hard_angle"], m["soft_angle"])
            ax.set_title(titles[key].format(*angles))
        else:
            ax.set_title(titles[key])
        ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]), aspect="equal")
        ax.legend(loc="lower right", fontsize=7)
    ax = axes[3]
    for key, marker in (("A", "o"), ("B", "s")):
        ax.semilogx(
            [row["C"] for row in sweep],
            [row[key] for row in sweep],
            marker=marker,
            label=f"outlier {key}",
        )
    ax.axhline(models["A"]["hard_angle"], color="#f59f00", ls="--", label="hard margin, outlier A")
    ax.set(
        xlabel="C",
        ylabel="turn of the normal w (degrees)",
        title="How far one outlier turns the soft margin, by C\n(the hard margin: dashed)",
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    _common.save(fig, folder, "svm_robustness.png")


# %% [markdown]
# ## Run it


# %%
def run(quick: bool = False, out: str = "out", verbose: bool = True) -> dict:
    X, y = make_data(n_per_class=40)
    steps = 1500 if quick else 4000
    models = {}
    for key in ("clean", "A", "B"):
        Xk, yk = (X, y) if key == "clean" else with_outlier(X, y, key)
        is_separable = separable(Xk, yk)
        hard = hard_margin_reference(Xk, yk) if is_separable else None
        soft = train_svm(Xk, yk, C_SMALL, steps=steps).beta
        models[key] = {
            "X": Xk,
            "y": yk,
            "separable": is_separable,
            "hard": hard,
            "soft": soft,
            "soft_svc": soft_margin_svc(Xk, yk, C_SMALL)[0],
            "hard_margin": None if hard is None else 1 / np.linalg.norm(hard[:2]),
            "soft_margin": 1 / np.linalg.norm(soft[:2]),
            "hard_accuracy": None if hard is None else accuracy(hard, Xk, yk),
            "soft_accuracy": accuracy(soft, Xk, yk),
        }
    for key in ("A", "B"):
        m = models[key]
        m["soft_angle"] = normal_angle(m["soft"], models["clean"]["soft"])
        m["hard_angle"] = (
            None if m["hard"] is None else normal_angle(m["hard"], models["clean"]["hard"])
        )
        m["outlier_eps_soft"] = float(max(0.0, 1 - augment(OUTLIERS[key][None])[0] @ m["soft"]))
    reference = {C: soft_margin_svc(X, y, C)[0] for C in C_SWEEP}
    sweep = [
        {
            "C": C,
            **{
                key: normal_angle(soft_margin_svc(*with_outlier(X, y, key), C)[0], reference[C])
                for key in ("A", "B")
            },
        }
        for C in C_SWEEP
    ]
    if verbose:
        print(
            f"{len(X)} separable points, then one outlier of class +1 (C = {C_SMALL:g} for the "
            "soft margin)\n"
        )
        for key, text in (
            ("clean", "separable data"),
            ("A", f"+ outlier A at {OUTLIERS['A']}"),
            ("B", f"+ outlier B at {OUTLIERS['B']}"),
        ):
            m = models[key]
            print(f"{text}: separable (linprog) = {m['separable']}")
            if m["hard"] is None:
                print("  hard margin: none exists (the constraints y_i⟨x_i, β⟩ ≥ 1 are infeasible)")
            else:
                turn = f", normal turned {m['hard_angle']:.1f}°" if key != "clean" else ""
                print(
                    f"  hard margin: m = {m['hard_margin']:.4f}, training accuracy "
                    f"{m['hard_accuracy']:.3f}{turn}"
                )
            turn = f", normal turned {m['soft_angle']:.1f}°" if key != "clean" else ""
            print(
                f"  soft margin, C = {C_SMALL:g}: m = {m['soft_margin']:.4f}, training accuracy "
                f"{m['soft_accuracy']:.3f}{turn}"
                + (f"; the outlier's ε = {m['outlier_eps_soft']:.2f}" if key != "clean" else "")
            )
        print("\nhow far the outlier turns the soft margin's normal, by C (SVC):")
        print(f"  {'C':>6} {'outlier A':>10} {'outlier B':>10}")
        for row in sweep:
            print(f"  {row['C']:6g} {row['A']:9.2f}° {row['B']:9.2f}°")
        print(f"  hard margin: outlier A {models['A']['hard_angle']:.2f}°, outlier B: undefined")
    plot(X, y, models, sweep, out)
    return {
        "models": models,
        "sweep": sweep,
        "engine_vs_svc": max(
            float(np.abs(m["soft"] - m["soft_svc"]).max()) for m in models.values()
        ),
    }


def main(argv: list[str] | None = None) -> dict:
    args = _common.parse(_common.parser(__doc__), argv)
    return run(quick=args.quick, out=args.out)


if __name__ == "__main__":
    main()
