"""Newton's method with second derivatives from the engine: ``grad(grad(f))`` and ``hessian(f)``.

To minimize f, Newton's method replaces f near the current point x by its second-order Taylor
polynomial and jumps to that polynomial's minimum:

    1-D:   x ← x − f′(x) / f″(x)                 f′ = grad(f),  f″ = grad(grad(f))
    n-D:   x ← x − H(x)⁻¹ ∇f(x)                  ∇f = grad(f),  H = hessian(f)

Near a minimum x* where f″ (or H) is invertible, the error e_k = |x_k − x*| *squares* at each
step, e_{k+1} ≈ C·e_k² (quadratic convergence): the number of correct digits doubles, and a
handful of steps reach machine precision. For the 1-D function the constant is known exactly,
C = |f‴(x*)| / (2 f″(x*)) (expand f′ around x* in the update).

Three functions, each with its minimum in closed form:

* 1-D: f(x) = eˣ − 2x. f′ = eˣ − 2 vanishes at x* = ln 2, and f‴ = f″ = eˣ, so C = 1/2.
* 2-D, smooth and convex: Boyd & Vandenberghe's example (Convex Optimization, §9.5),
  f(x) = e^(x₁+3x₂−0.1) + e^(x₁−3x₂−0.1) + e^(−x₁−0.1), minimum at x* = (−ln 2 / 2, 0).
* 2-D, not convex: Rosenbrock's banana, f(x) = (1 − x₁)² + 100(x₂ − x₁²)², minimum at (1, 1),
  from its classic start (−1.2, 1), where gradient descent crawls along the curved valley.

The Hessians are checked against their closed forms, and the Rosenbrock steps are also taken
without forming H: conjugate gradients solve H p = −∇f with Hessian-vector products alone
(``hvp``), as one does when x has millions of entries.

Run: ``python examples/newton.py [--quick] [--out DIR]``.
"""

# %%
from __future__ import annotations

import math

import _common
import numpy as np
from _common import plt

import autograd_lite as al

# %% [markdown]
# ## The three functions, written with autograd-lite's ops


# %%
def f_1d(x):
    """eˣ − 2x, minimum at ln 2."""
    return al.exp(x) - 2 * x


def boyd(x):
    """e^(x₁+3x₂−0.1) + e^(x₁−3x₂−0.1) + e^(−x₁−0.1), minimum at (−ln 2 / 2, 0)."""
    return al.exp(x[0] + 3 * x[1] - 0.1) + al.exp(x[0] - 3 * x[1] - 0.1) + al.exp(-x[0] - 0.1)


def rosenbrock(x):
    """(1 − x₁)² + 100(x₂ − x₁²)², minimum at (1, 1)."""
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


MINIMA = {
    "1-D": math.log(2),
    "Boyd": np.array([-math.log(2) / 2, 0.0]),
    "Rosenbrock": np.array([1.0, 1.0]),
}
# Gradient descent on Rosenbrock, for comparison: its step must stay below 2/λ_max = 0.0020, where
# λ_max ≈ 1002 is the Hessian's largest eigenvalue at the minimum (larger steps diverge there).
DESCENT_LR = 0.0015
STARTS = {"1-D": 2.0, "Boyd": np.array([-1.0, 1.0]), "Rosenbrock": np.array([-1.2, 1.0])}


def rosenbrock_hessian(x: np.ndarray) -> np.ndarray:
    """The closed form [[2 − 400(x₂ − 3x₁²), −400x₁], [−400x₁, 200]]."""
    return np.array([[2 - 400 * (x[1] - 3 * x[0] ** 2), -400 * x[0]], [-400 * x[0], 200.0]])


def boyd_hessian(x: np.ndarray) -> np.ndarray:
    """With a = e^(x₁+3x₂−0.1), b = e^(x₁−3x₂−0.1), c = e^(−x₁−0.1):
    [[a + b + c, 3(a − b)], [3(a − b), 9(a + b)]]."""
    a, b = math.exp(x[0] + 3 * x[1] - 0.1), math.exp(x[0] - 3 * x[1] - 0.1)
    c = math.exp(-x[0] - 0.1)
    return np.array([[a + b + c, 3 * (a - b)], [3 * (a - b), 9 * (a + b)]])


# %% [markdown]
# ## Newton's method


# %%
def newton_1d(f, x0: float, steps: int = 8) -> list[float]:
    """x ← x − f′(x)/f″(x), with f″ = grad(grad(f)); the iterates x_0 … x_steps."""
    first, second = al.grad(f), al.grad(al.grad(f))
    xs = [float(x0)]
    for _ in range(steps):
        x = np.array(xs[-1])
        xs.append(float(x - first(x) / second(x)))
    return xs


def newton(f, x0: np.ndarray, steps: int = 10) -> list[np.ndarray]:
    """x ← x − H(x)⁻¹ ∇f(x), with H = hessian(f); the iterates."""
    gradient, hessian = al.grad(f), al.hessian(f)
    xs = [np.asarray(x0, dtype=float)]
    for _ in range(steps):
        x = xs[-1]
        xs.append(x - np.linalg.solve(hessian(x), gradient(x)))
    return xs


def newton_cg(f, x0: np.ndarray, steps: int = 10) -> list[np.ndarray]:
    """Newton's method without forming H: the step p solves H p = −∇f by conjugate gradients,
    which needs only products H·v = hvp(f, x, v)."""
    gradient = al.grad(f)
    xs = [np.asarray(x0, dtype=float)]
    for _ in range(steps):
        x = xs[-1]
        xs.append(x + conjugate_gradients(lambda v, x=x: al.hvp(f, x, v), -gradient(x)))
    return xs


def conjugate_gradients(product, b: np.ndarray, tolerance: float = 1e-14) -> np.ndarray:
    """The solution p of A p = b for a symmetric A given as ``product(v) = A v``; exact after
    n iterations in exact arithmetic for an n × n matrix."""
    p, residual = np.zeros_like(b), b.copy()
    direction = residual.copy()
    norm = residual @ residual
    for _ in range(2 * len(b)):
        if norm <= tolerance**2 * (b @ b):
            break
        a_direction = product(direction)
        step = norm / (direction @ a_direction)
        p += step * direction
        residual -= step * a_direction
        norm, previous = residual @ residual, norm
        direction = residual + (norm / previous) * direction
    return p


def gradient_descent(f, x0: np.ndarray, steps: int, lr: float) -> list[np.ndarray]:
    """x ← x − η ∇f(x), for comparison; the iterates."""
    gradient = al.grad(f)
    xs = [np.asarray(x0, dtype=float)]
    for _ in range(steps):
        xs.append(xs[-1] - lr * gradient(xs[-1]))
    return xs


def errors(xs, minimum) -> list[float]:
    """|x_k − x*| (the Euclidean norm in 2-D) for each iterate."""
    return [float(np.linalg.norm(np.asarray(x) - minimum)) for x in xs]


def squaring_ratios(errs, floor: float = 1e-13) -> list[float]:
    """e_{k+1} / e_k² for the steps that start within 0.1 of the minimum and end above
    rounding level: about constant when convergence is quadratic."""
    return [b / a**2 for a, b in zip(errs, errs[1:]) if a < 0.1 and b > floor]


# %% [markdown]
# ## Run it


# %%
def run(quick: bool = False, out: str = "out", verbose: bool = True) -> dict:
    paths = {
        "1-D": newton_1d(f_1d, STARTS["1-D"]),
        "Boyd": newton(boyd, STARTS["Boyd"]),
        "Rosenbrock": newton(rosenbrock, STARTS["Rosenbrock"]),
    }
    errs = {name: errors(xs, MINIMA[name]) for name, xs in paths.items()}
    cg_path = newton_cg(rosenbrock, STARTS["Rosenbrock"])
    descent_steps = 2000 if quick else 10000
    descent = gradient_descent(rosenbrock, STARTS["Rosenbrock"], descent_steps, lr=DESCENT_LR)
    points = [np.array(p) for p in ([0.3, -0.2], [-1.2, 1.0], [1.0, 1.0])]
    result = {
        "paths": paths,
        "errors": errs,
        "ratios": {name: squaring_ratios(e) for name, e in errs.items()},
        "steps_to_1e-10": {
            name: next(k for k, e in enumerate(v) if e < 1e-10) for name, v in errs.items()
        },
        "hessian_errors": {
            "Rosenbrock": max(
                float(np.abs(al.hessian(rosenbrock)(p) - rosenbrock_hessian(p)).max())
                for p in points
            ),
            "Boyd": max(float(np.abs(al.hessian(boyd)(p) - boyd_hessian(p)).max()) for p in points),
        },
        "cg_difference": max(
            float(np.abs(a - b).max()) for a, b in zip(cg_path, paths["Rosenbrock"])
        ),
        "descent_steps": descent_steps,
        "descent_error": errors(descent, MINIMA["Rosenbrock"])[-1],
        "descent_path": descent,
    }
    if verbose:
        report(result)
    plot(result, out)
    return result


def report(result: dict) -> None:
    errs = result["errors"]
    print("error |x_k − x*| after each Newton step:")
    print(" step " + "".join(f"{name:>13}" for name in errs))
    for k in range(max(len(v) for v in errs.values())):
        print(
            f" {k:4} " + "".join(f"{v[k]:13.2e}" if k < len(v) else " " * 13 for v in errs.values())
        )
    print("\nquadratic convergence: e_{k+1} / e_k² near the minimum (exact limit for 1-D: 1/2)")
    for name, ratios in result["ratios"].items():
        print(f"  {name:11} " + "  ".join(f"{r:.3f}" for r in ratios))
    print(
        "\nsteps to reach an error below 1e-10: "
        + ", ".join(f"{name} {k}" for name, k in result["steps_to_1e-10"].items())
    )
    print(
        "\nhessian(f) against the closed form, largest difference: "
        + ", ".join(f"{name} {e:.1e}" for name, e in result["hessian_errors"].items())
    )
    print(
        f"Rosenbrock's Newton steps from hvp and conjugate gradients, without forming H: the "
        f"same iterates to {result['cg_difference']:.1e}"
    )
    print(
        f"\ngradient descent on Rosenbrock (η = {DESCENT_LR}): error "
        f"{result['descent_error']:.1e} after {result['descent_steps']:,} steps; Newton: "
        f"{errs['Rosenbrock'][result['steps_to_1e-10']['Rosenbrock']]:.0e} after "
        f"{result['steps_to_1e-10']['Rosenbrock']}"
    )


def plot(result: dict, folder) -> None:
    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5))
    ax = axes[0, 0]
    xs = np.array(result["paths"]["1-D"])
    grid = np.linspace(-0.3, 2.2, 200)
    ax.plot(grid, np.exp(grid) - 2 * grid, color=_common.GREY)
    ax.plot(xs, np.exp(xs) - 2 * xs, "o-", color=_common.BLUE, ms=5)
    for k, x in enumerate(xs[:4]):
        ax.annotate(
            f"x{k}".translate(str.maketrans("0123", "₀₁₂₃")),
            (x, math.exp(x) - 2 * x),
            textcoords="offset points",
            xytext=(4, 6),
        )
    ax.set(title="1-D: f(x) = eˣ − 2x,  x ← x − f′/f″", xlabel="x", ylabel="f(x)")

    for ax, name, f, box in (
        (axes[0, 1], "Boyd", boyd, ((-1.3, 0.6), (-0.4, 1.1))),
        (axes[1, 0], "Rosenbrock", rosenbrock, ((-1.6, 1.6), (-3.6, 2.4))),
    ):
        xx, yy, grid_points = _common.grid(*box, steps=150)
        values = f(al.Tensor(grid_points.T)).data  # x[0], x[1]: every grid point at once
        levels = (
            np.quantile(values, np.linspace(0.0, 0.95, 16))
            if name == "Boyd"
            else (np.logspace(-1, 3.5, 14))
        )
        ax.contour(
            xx, yy, values.reshape(xx.shape), levels=levels, colors=_common.GREY, linewidths=0.6
        )
        path = np.array(result["paths"][name])
        ax.plot(
            path[:, 0],
            path[:, 1],
            "o-",
            color=_common.BLUE,
            ms=4,
            label=f"Newton, {result['steps_to_1e-10'][name]} steps",
        )
        if name == "Rosenbrock":
            descent = np.array(result["descent_path"])
            ax.plot(
                descent[:, 0],
                descent[:, 1],
                color=_common.RED,
                lw=1,
                label=f"gradient descent, {result['descent_steps']:,} steps",
            )
        ax.plot(*MINIMA[name], "*", color="k", ms=12)
        ax.set(title=f"{name}: x ← x − H⁻¹∇f", xlabel="x₁", ylabel="x₂")
        ax.legend(fontsize=8, loc="lower right" if name == "Boyd" else "upper center")

    ax = axes[1, 1]
    for (name, errs), color in zip(
        result["errors"].items(), (_common.GREY, _common.BLUE, _common.RED)
    ):
        reached = next((k for k, e in enumerate(errs) if e < 1e-15), len(errs) - 1)
        shown = [e for e in errs[: reached + 1] if e > 0]  # an exact 0 has no place on a log axis
        ax.semilogy(range(len(shown)), shown, "o-", color=color, label=name)
    ax.set(
        xlabel="Newton step k", ylabel="|x_k − x*|", title="The error squares at each step near x*"
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    _common.save(fig, folder, "newton.png")


def main(argv: list[str] | None = None) -> dict:
    args = _common.parse(_common.parser(__doc__), argv)
    return run(quick=args.quick, out=args.out)


if __name__ == "__main__":
    main()
