"""The lecture's JAX snippet, ``grad(loss, (0, 1))(W, b)``, on autograd-lite's ``grad``.

Logistic regression on three examples: predictions p_i = s(⟨x_i, W⟩ + b) with the sigmoid s,
and the negative log-likelihood

    loss(W, b) = −Σ_i log(p_i y_i + (1 − p_i)(1 − y_i)),          y_i ∈ {0, 1}.

``grad(loss, (0, 1))`` is a new function that returns (∂loss/∂W, ∂loss/∂b) instead of the loss.
The script checks the result three ways: against central finite differences
(``autograd_lite.gradcheck``), against the closed form ∂loss/∂W = Σ_i (p_i − y_i) x_i,
∂loss/∂b = Σ_i (p_i − y_i), and by taking gradient steps with it.

The slide's snippet reads ``label_probs = preds * targets + (1 - preds)``: the factor
``* (1 - targets)`` of the second term was lost (JAX's tutorial has it). We use the full form,
and show that the slide's version is a different function with a different gradient.

Run: ``python examples/jax_style_grad.py [--quick] [--out DIR]``.
"""

# %%
from __future__ import annotations

import _common
import numpy as np
from _common import plt

import autograd_lite as al
from autograd_lite import grad, gradcheck

# Three examples from JAX's tutorial (which the lecture's snippet comes from), as in README.md.
inputs = np.array([[0.52, 1.12, 0.77], [0.88, -1.08, 0.15], [0.52, 0.06, -1.30]])
targets = np.array([1.0, 1.0, 0.0])


# %% [markdown]
# ## The lecture's code, line for line (``jnp`` → ``al``)


# %%
def predict(W, b, inputs):
    return al.sigmoid(al.dot(inputs, W) + b)


def loss(W, b):
    preds = predict(W, b, inputs)
    label_probs = preds * targets + (1 - preds) * (1 - targets)
    return -al.sum(al.log(label_probs))


def slide_loss(W, b):
    """The snippet as printed on the slide (the factor (1 - targets) missing)."""
    preds = predict(W, b, inputs)
    label_probs = preds * targets + (1 - preds)
    return -al.sum(al.log(label_probs))


# %% [markdown]
# ## Checks


# %%
def closed_form(W: np.ndarray, b: float) -> tuple[np.ndarray, float]:
    """∂loss/∂W = Σ_i (p_i − y_i) x_i and ∂loss/∂b = Σ_i (p_i − y_i)."""
    p = 1.0 / (1.0 + np.exp(-(inputs @ W + b)))
    return inputs.T @ (p - targets), float((p - targets).sum())


def finite_differences(f, W: np.ndarray, b: float, eps: float = 1e-6):
    """Central differences (f(θ + εe_k) − f(θ − εe_k)) / 2ε for every entry of W and for b."""

    def value(W_, b_):
        return float(f(al.Tensor(W_), al.Tensor(np.array(b_))).data)

    dW = np.zeros_like(W)
    for k in range(len(W)):
        e = np.zeros_like(W)
        e[k] = eps
        dW[k] = (value(W + e, b) - value(W - e, b)) / (2 * eps)
    db = (value(W, b + eps) - value(W, b - eps)) / (2 * eps)
    return dW, db


def gradient_descent(W: np.ndarray, b: np.ndarray, steps: int = 100, lr: float = 0.1):
    """W ← W − η ∂loss/∂W, b ← b − η ∂loss/∂b, with the gradients from ``grad``; returns the
    losses along the way."""
    loss_grad = grad(loss, (0, 1))
    losses = []
    for _ in range(steps):
        losses.append(float(loss(al.Tensor(W), al.Tensor(b)).data))
        W_grad, b_grad = loss_grad(W, b)
        W, b = W - lr * W_grad, b - lr * b_grad
    return W, b, losses


# %% [markdown]
# ## Run it


# %%
def run(quick: bool = False, out: str = "out", verbose: bool = True) -> dict:
    W, b = np.array([0.1, -0.2, 0.3]), np.array(0.0)
    W_grad, b_grad = grad(loss, (0, 1))(W, b)
    closed_W, closed_b = closed_form(W, float(b))
    numeric_W, numeric_b = finite_differences(loss, W, float(b))
    checked = gradcheck(loss, [W, b])
    slide_W, slide_b = grad(slide_loss, (0, 1))(W, b)
    _, _, losses = gradient_descent(W, b, steps=30 if quick else 100)
    result = {
        "W_grad": W_grad,
        "b_grad": float(b_grad),
        "gradcheck": checked,
        "closed_form_error": max(
            float(np.abs(W_grad - closed_W).max()), abs(float(b_grad) - closed_b)
        ),
        "finite_difference_error": max(
            float(np.abs(W_grad - numeric_W).max()), abs(float(b_grad) - numeric_b)
        ),
        "slide_W_grad": slide_W,
        "slide_b_grad": float(slide_b),
        "losses": losses,
    }
    if verbose:
        print("W_grad", W_grad)
        print("b_grad", b_grad)
        print(f"\ngradcheck(loss, [W, b]) = {checked}")
        print(
            f"closed form Σ(p − y)x, Σ(p − y):   largest difference "
            f"{result['closed_form_error']:.1e}"
        )
        print(
            f"central finite differences:      largest difference "
            f"{result['finite_difference_error']:.1e}"
        )
        print(
            f"\nThe slide's loss (without '* (1 - targets)') has another gradient: "
            f"W_grad {np.round(slide_W, 4)}, b_grad {float(slide_b):.4f}"
        )
        print(
            f"\n{len(losses)} gradient steps (η = 0.1) with grad: loss {losses[0]:.4f} → "
            f"{losses[-1]:.4f}"
        )
    plot(W_grad, float(b_grad), numeric_W, numeric_b, losses, out)
    return result


def plot(W_grad, b_grad, numeric_W, numeric_b, losses, folder) -> None:
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    ax = axes[0]
    names = ["∂/∂W₁", "∂/∂W₂", "∂/∂W₃", "∂/∂b"]
    reverse = np.r_[W_grad, b_grad]
    numeric = np.r_[numeric_W, numeric_b]
    positions = np.arange(len(names))
    ax.bar(
        positions - 0.2, reverse, width=0.4, color=_common.BLUE, label="grad(loss, (0, 1))(W, b)"
    )
    ax.bar(positions + 0.2, numeric, width=0.4, color=_common.GREY, label="finite differences")
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xticks(positions, names)
    ax.set(title="The gradient at W = (0.1, −0.2, 0.3), b = 0", ylabel="value")
    ax.legend(fontsize=8)
    ax = axes[1]
    ax.plot(losses, color=_common.BLUE, lw=2)
    ax.set(xlabel="gradient step", ylabel="loss(W, b)", title="Gradient descent with grad, η = 0.1")
    fig.tight_layout()
    _common.save(fig, folder, "jax_style_grad.png")


def main(argv: list[str] | None = None) -> dict:
    args = _common.parse(_common.parser(__doc__), argv)
    return run(quick=args.quick, out=args.out)


if __name__ == "__main__":
    main()
