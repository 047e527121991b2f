"""micrograd's two-moons demo on the scalar engine: an MLP where every number is a ``Value``.

``nn.scalar.MLP(2, [16, 16, 1])`` has two hidden layers of 16 ReLU units and a linear output
f(x): 337 parameters, each its own node in the graph. As in micrograd's demo, labels are
y ∈ {−1, +1} and the loss is the SVM's, averaged, plus a small L2 penalty:

    L = (1/n) Σ_i max(0, 1 − y_i f(x_i)) + α Σ_θ θ²,       α = 10⁻⁴

minimized by full-batch gradient descent with a learning rate going from 1.0 down to 0.1 over
100 steps. The data (``make_moons`` from seed 1337) and the initial weights
(``random.uniform(-1, 1)`` after seeding Python's ``random`` with 1337) are micrograd's own, so
the losses are the ones micrograd's demo notebook prints, to the last digit or two (final loss
0.010978...). ``L.backward()`` walks the graph of every single multiply and add (about 70,000 nodes
per step here): slow, but any node can be printed. The decision boundary is drawn from the same
weights copied into NumPy (checked to give the same scores).

Run: ``python examples/micrograd_demo.py [--quick] [--out DIR]``.
"""

# %%
from __future__ import annotations

import time

import _common
import numpy as np
from _common import plt

import autograd_lite as al
from autograd_lite import Value
from nn.scalar import MLP

ALPHA = 1e-4


# %% [markdown]
# ## Data and loss


# %%
def make_data(n: int = 100, seed: int = 1337):
    """micrograd's data: two moons, noise 0.1, labels y ∈ {−1, +1}.

    The notebook calls ``np.random.seed(1337)`` then ``make_moons(n_samples=100, noise=0.1)``;
    ``random_state=1337`` draws the same numbers.
    """
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=n, noise=0.1, random_state=seed)
    return X, 2 * y - 1


def loss(model: MLP, X, y) -> tuple[Value, float]:
    """The mean hinge loss plus α Σθ², and the accuracy of sign f(x)."""
    scores = [model([Value(float(a)), Value(float(b))]) for a, b in X]
    losses = [(1 + -float(yi) * s).relu() for yi, s in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    accuracy = np.mean([(yi > 0) == (s.data > 0) for yi, s in zip(y, scores)])
    return data_loss + reg_loss, float(accuracy)


def train(X, y, sizes=(16, 16), steps: int = 100, seed: int = 1337, verbose: bool = True):
    """Full-batch gradient descent, learning rate 1.0 − 0.9 k/steps at step k."""
    al.manual_seed(seed)
    model = MLP(2, [*sizes, 1])
    history = []
    started = time.perf_counter()
    for k in range(steps):
        total, accuracy = loss(model, X, y)
        model.zero_grad()
        total.backward()
        learning_rate = 1.0 - 0.9 * k / steps
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        history.append((total.data, accuracy))
        if verbose and (k % 10 == 0 or k == steps - 1):
            print(
                f"step {k:3d} loss {total.data:.4f}, accuracy {accuracy:.0%} "
                f"({time.perf_counter() - started:.1f} s)"
            )
    return model, history


# %% [markdown]
# ## Drawing the boundary: the same weights in NumPy


# %%
def numpy_scores(model: MLP, points: np.ndarray) -> np.ndarray:
    """f(x) for many points at once: each layer's weights as a matrix (one row per neuron)."""
    h = points
    for layer in model.layers:
        W = np.array([[w.data for w in n.w] for n in layer.neurons])
        b = np.array([n.b.data for n in layer.neurons])
        h = h @ W.T + b
        if layer.neurons[0].activation == "relu":
            h = np.maximum(h, 0.0)
    return h[:, 0]


def plot(model, X, y, history, folder) -> None:
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), gridspec_kw={"width_ratios": [1.3, 1]})
    ax = axes[0]
    lo, hi = X.min(0) - 0.5, X.max(0) + 0.5
    xx, yy, points = _common.grid((lo[0], hi[0]), (lo[1], hi[1]), 250)
    _common.plot_regions(ax, xx, yy, numpy_scores(model, points), vmax=2.0)
    _common.scatter_classes(ax, X, y, labels=("y = −1", "y = +1"), s=25)
    ax.set(
        xlim=(lo[0], hi[0]),
        ylim=(lo[1], hi[1]),
        title=f"MLP(2, {[len(layer.neurons) for layer in model.layers]}) on Values: "
        f"f(x) = 0 (black), accuracy {history[-1][1]:.0%}",
    )
    ax.legend(loc="upper right", fontsize=8)
    ax = axes[1]
    steps = np.arange(len(history))
    ax.plot(steps, [h[0] for h in history], color=_common.BLUE, lw=2, label="loss")
    ax.set(xlabel="step", ylabel="loss (hinge + L2)", yscale="log", title="Training")
    twin = ax.twinx()
    twin.plot(steps, [h[1] for h in history], color=_common.RED, lw=1.5, ls="--")
    twin.set_ylabel("accuracy", color=_common.RED)
    fig.tight_layout()
    _common.save(fig, folder, "micrograd_demo.png")


# %% [markdown]
# ## Run it


# %%
def run(quick: bool = False, out: str = "out", verbose: bool = True) -> dict:
    X, y = make_data(50 if quick else 100)
    model, history = train(X, y, steps=30 if quick else 100, verbose=verbose)
    value_scores = np.array([model([float(a), float(b)]).data for a, b in X])
    numpy_error = float(np.abs(value_scores - numpy_scores(model, X)).max())
    if verbose:
        print(
            f"{len(model.parameters())} parameters; final loss {history[-1][0]:.4f}, "
            f"accuracy {history[-1][1]:.0%}"
        )
        print(f"NumPy copy of the weights gives the same scores to {numpy_error:.1e}")
    plot(model, X, y, history, out)
    return {
        "final_loss": history[-1][0],
        "final_accuracy": history[-1][1],
        "first_loss": history[0][0],
        "numpy_error": numpy_error,
        "parameters": len(model.parameters()),
    }


def main(argv: list[str] | None = None) -> dict:
    args = _common.parse(_common.parser(__doc__), argv)
    return run(quick=args.quick, out=args.out)


if __name__ == "__main__":
    main()
