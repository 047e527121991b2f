"""The lecture's first Keras demo, on autograd-lite's Keras-style API: synthetic 2-D data.

Points x = (x_0, x_1) uniform in the unit square; class 1 is a triangle, bounded by three lines.
A network with one small sigmoid hidden layer and a softmax output learns it:

    model = Sequential()
    model.add(Dense(units=nh, input_shape=(nin,), activation='sigmoid', name='hidden'))
    model.add(Dense(units=nout, activation='softmax', name='output'))
    model.compile(optimizer=Adam(lr=0.03), loss='sparse_categorical_crossentropy',
                  metrics=['accuracy'])
    hist = model.fit(Xtr, ytr, epochs=30, batch_size=100, validation_data=(Xts, yts))

Each hidden unit k is a sigmoid of a linear function, s(W_H[k]·x + β_H[k]); it changes most
across its line W_H[k]·x + β_H[k] = 0, which the script draws over the learned regions: the
lines settle near the triangle's sides. (Keras's default Adam learning rate, 0.001, needs
many more than 30 epochs here; 0.03 gets there in 30.)

Run: ``python examples/keras_demo_synthetic.py [--quick] [--out DIR]``.
"""

# %%
from __future__ import annotations

import _common
import numpy as np
from _common import plt

import autograd_lite as al
from nn import Adam, Dense, Sequential

TRIANGLE = np.array([[0.15, 0.2], [0.9, 0.3], [0.4, 0.9]])  # its corners


# %% [markdown]
# ## Data: class 1 inside a triangle

# %%
def triangle_lines(corners: np.ndarray = TRIANGLE) -> np.ndarray:
    """One row (w_0, w_1, b) per side, oriented so that w·x + b > 0 inside the triangle."""
    lines = []
    for k in range(3):
        p, q, opposite = corners[k], corners[(k + 1) % 3], corners[(k + 2) % 3]
        w = np.array([q[1] - p[1], p[0] - q[0]])  # normal to the side p → q
        b = -w @ p
        if w @ opposite + b < 0:
            w, b = -w, -b
        lines.append(np.r_[w, b])
    return np.array(lines)


def make_data(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n points uniform in [0, 1]², label 1 inside the triangle (integer labels 0/1)."""
    X = np.random.default_rng(seed).random((n, 2))
    inside = (np.column_stack([X, np.ones(n)]) @ triangle_lines().T > 0).all(axis=1)
    return X.astype(np.float32), inside.astype(np.int64)


# %% [markdown]
# ## The model, as in the lecture

# %%
def build_model(nin: int = 2, nh: int = 4, nout: int = 2, lr: float = 0.03,
                seed: int = 0) -> Sequential:
    al.manual_seed(seed)
    model = Sequential()
    model.add(Dense(units=nh, input_shape=(nin,), activation='sigmoid', name='hidden'))
    model.add(Dense(units=nout, activation='softmax', name='output'))
    model.compile(optimizer=Adam(lr=lr), loss='sparse_categorical_crossentropy',
                  metrics=['accuracy'])
    return model


def train(Xtr, ytr, Xts, yts, nh: int = 4, epochs: int = 30, verbose: int = 2):
    model = build_model(nh=nh)
    hist = model.fit(Xtr, ytr, epochs=epochs, batch_size=100, validation_data=(Xts, yts),
                     verbose=verbose)
    return model, hist


# %% [markdown]
# ## Figures: the learned regions with the hidden units' lines, and the training curves

# %%
def plot(model, hist, Xts, yts, folder) -> None:
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))
    ax = axes[0]
    xx, yy, points = _common.grid((0, 1), (0, 1), 200)
    probability = model.predict(points, batch_size=10_000)[:, 1]
    _common.plot_regions(ax, xx, yy, probability - 0.5, vmax=0.5)
    _common.scatter_classes(ax, Xts[:600], yts[:600], s=6, alpha=0.6)
    corners = np.vstack([TRIANGLE, TRIANGLE[:1]])
    ax.plot(corners[:, 0], corners[:, 1], "k--", lw=1, label="true triangle")
    hidden = model.layers[0]
    for k, (w, b) in enumerate(zip(hidden.weight.data, hidden.bias.data)):
        _common.plot_line(ax, w, float(b), (0, 1), color="#f59f00", lw=2,
                          label="hidden units' lines" if k == 0 else None)
    ax.set(xlim=(0, 1), ylim=(0, 1), aspect="equal", xlabel="$x_0$", ylabel="$x_1$",
           title="Learned P(class 1) > 0.5 (black) and the hidden lines")
    ax.legend(loc="upper right", fontsize=7)
    epochs = np.arange(1, len(hist.epoch) + 1)
    for ax, key, label in ((axes[1], "loss", "loss (cross-entropy)"),
                           (axes[2], "accuracy", "accuracy")):
        ax.plot(epochs, hist.history[key], color=_common.BLUE, lw=2, label="training")
        ax.plot(epochs, hist.history["val_" + key], color=_common.RED, lw=2, ls="--",
                label="validation")
        ax.set(xlabel="epoch", ylabel=label, title=f"hist.history['{key}']")
        ax.legend()
    fig.tight_layout()
    _common.save(fig, folder, "keras_demo_synthetic.png")


# %% [markdown]
# ## Run it

# %%
def run(quick: bool = False, out: str = "out", verbose: bool = True) -> dict:
    Xtr, ytr = make_data(4000 if quick else 10000, seed=0)
    Xts, yts = make_data(1000 if quick else 2000, seed=1)
    model, hist = train(Xtr, ytr, Xts, yts, verbose=2 if verbose else 0)
    if verbose:
        model.summary()
    loss, accuracy = model.evaluate(Xts, yts, batch_size=1000, verbose=0)
    hidden = model.layers[0]
    angles = side_angles(hidden.weight.data)
    if verbose:
        print(f"\ntest accuracy {accuracy:.3f} (class 1 is {yts.mean():.0%} of the points)")
        print("each side of the triangle and the angle to the closest hidden unit's line: "
              + ", ".join(f"{a:.1f}°" for a in angles))
    plot(model, hist, Xts, yts, out)
    return {"test_accuracy": float(accuracy), "test_loss": float(loss),
            "history": hist.history, "side_angles": angles}


def side_angles(weights: np.ndarray) -> list[float]:
    """For each side of the triangle, the smallest angle (degrees) between it and a hidden
    unit's line W_H[k]·x + β_H[k] = 0 (compared through their normals)."""
    angles = []
    for side in triangle_lines():
        n = side[:2] / np.linalg.norm(side[:2])
        best = min(np.degrees(np.arccos(min(1.0, abs(float(n @ w) / np.linalg.norm(w)))))
                   for w in weights)
        angles.append(float(best))
    return angles


def main(argv: list[str] | None = None) -> dict:
    args = _common.parse(_common.parser(__doc__), argv)
    return run(quick=args.quick, out=args.out)


if __name__ == "__main__":
    main()
