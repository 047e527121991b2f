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
across its line W_H[k]·x + β_H[k] = 0, which the script draws over the learned regions. The
script measures how these lines relate to the triangle: each side has a unit's line parallel to
it (within a couple of degrees after 30 epochs), but a few hundredths *outside* it, not on it.
The class boundary P(class 1) = 1/2 is where the output's weighted sum of the units crosses its
threshold; near side k the other units are saturated, so that happens where unit k's value
reaches some c_k ≠ 1/2 fixed by the output's weights: on the level line s(z_k) = c_k, parallel to
unit k's line z_k = 0 at a distance |logit(c_k)| / ‖W_H[k]‖. The script predicts that distance
from the weights and measures it; the boundary itself lies within about 0.02 of the sides.
(Keras's default Adam learning rate, 0.001, needs many more than 30 epochs here; 0.03 gets
there in 30.)

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
def build_model(
    nin: int = 2, nh: int = 4, nout: int = 2, lr: float = 0.03, seed: int = 0
) -> Sequential:
    al.manual_seed(seed)
    model = Sequential()
    model.add(Dense(units=nh, input_shape=(nin,), activation="sigmoid", name="hidden"))
    model.add(Dense(units=nout, activation="softmax", name="output"))
    model.compile(
        optimizer=Adam(lr=lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    return model


def train(Xtr, ytr, Xts, yts, nh: int = 4, epochs: int = 30, verbose: int = 2):
    model = build_model(nh=nh)
    hist = model.fit(
        Xtr, ytr, epochs=epochs, batch_size=100, validation_data=(Xts, yts), verbose=verbose
    )
    return model, hist


# %% [markdown]
# ## Figures: the learned regions with the hidden units' lines, and the training curves


# %%
def plot(model, hist, Xts, yts, relations, folder) -> None:
    fig, axes = plt.subplots(1, 4, figsize=(20, 4.6))
    ax = axes[0]
    xx, yy, points = _common.grid((0, 1), (0, 1), 200)
    probability = model.predict(points, batch_size=10_000)[:, 1]
    _common.plot_regions(ax, xx, yy, probability - 0.5, vmax=0.5)
    _common.scatter_classes(ax, Xts[:600], yts[:600], s=6, alpha=0.6)
    corners = np.vstack([TRIANGLE, TRIANGLE[:1]])
    ax.plot(corners[:, 0], corners[:, 1], "k--", lw=1, label="true triangle")
    hidden = model.layers[0]
    for k, (w, b) in enumerate(zip(hidden.weight.data, hidden.bias.data)):
        _common.plot_line(
            ax,
            w,
            float(b),
            (0, 1),
            color="#f59f00",
            lw=2,
            label="hidden units' lines" if k == 0 else None,
        )
    ax.set(
        xlim=(0, 1),
        ylim=(0, 1),
        aspect="equal",
        xlabel="$x_0$",
        ylabel="$x_1$",
        title="P(class 1) = 0.5 (black), the triangle (dashed)\nand the hidden units' lines",
    )
    ax.legend(loc="upper right", fontsize=7)
    ax = axes[1]
    sides = np.arange(1, len(relations) + 1)
    for shift, key, color, label in (
        (-0.2, "line_offset", "#f59f00", "the closest unit's line"),
        (0.2, "boundary_offset", "k", "the boundary P = 0.5"),
    ):
        ax.bar(sides + shift, [-r[key] for r in relations], width=0.4, color=color, label=label)
    ax.set(
        xlabel="side of the triangle",
        ylabel="distance outside the side",
        xticks=sides,
        title="Parallel to the sides ("
        + ", ".join(f"{r['angle']:.1f}°" for r in relations)
        + "),\nthe units' lines lie outside them",
    )
    ax.legend(fontsize=8)
    epochs = np.arange(1, len(hist.epoch) + 1)
    for ax, key, label in (
        (axes[2], "loss", "loss (cross-entropy)"),
        (axes[3], "accuracy", "accuracy"),
    ):
        ax.plot(epochs, hist.history[key], color=_common.BLUE, lw=2, label="training")
        ax.plot(
            epochs, hist.history["val_" + key], color=_common.RED, lw=2, ls="--", label="validation"
        )
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
    relations = side_relations(model)
    if verbose:
        print(f"\ntest accuracy {accuracy:.3f} (class 1 is {yts.mean():.0%} of the points)")
        print(
            "\nthe triangle's sides, the closest hidden unit's line and the class boundary "
            "(distances: negative = outside the triangle):"
        )
        print(
            f"  {'side':>4} {'unit':>4} {'angle':>6} {'unit line':>10} {'boundary':>9} "
            f"{'(max |·|)':>9} {'line→boundary':>14} {'predicted':>10}"
        )
        for k, r in enumerate(relations):
            print(
                f"  {k + 1:4d} {r['unit'] + 1:4d} {r['angle']:5.1f}° {r['line_offset']:+10.3f} "
                f"{r['boundary_offset']:+9.3f} {r['boundary_max']:9.3f} {r['gap']:14.3f} "
                f"{r['predicted_gap']:10.3f}"
            )
        print(
            "  the units' lines are parallel to the sides but outside them; the boundary "
            "P = 1/2 is where each unit reaches the value c_k the output needs, at "
            "|logit(c_k)|/‖W_H[k]‖ from its line"
        )
    plot(model, hist, Xts, yts, relations, out)
    return {
        "test_accuracy": float(accuracy),
        "test_loss": float(loss),
        "history": hist.history,
        "side_angles": [r["angle"] for r in relations],
        "sides": relations,
    }


def side_relations(model) -> list[dict]:
    """For each side of the triangle: the hidden unit whose line is closest in direction, the
    angle between them, how far that line and the class boundary P(class 1) = 1/2 lie from the
    side (signed: negative outside the triangle), and the distance from the unit's line to the
    boundary that the output's weights predict, |logit(c_k)| / ‖W_H[k]‖."""
    hidden, output = model.layers
    W = hidden.weight.data.astype(np.float64)
    b = hidden.bias.data.astype(np.float64)
    u = (output.weight.data[1] - output.weight.data[0]).astype(np.float64)  # logit of class 1
    u0 = float(output.bias.data[1] - output.bias.data[0])
    relations = []
    for k, side in enumerate(triangle_lines()):
        inward = side[:2] / np.linalg.norm(side[:2])
        p, q = TRIANGLE[k], TRIANGLE[(k + 1) % 3]
        angles = [
            np.degrees(np.arccos(min(1.0, abs(float(inward @ w)) / np.linalg.norm(w)))) for w in W
        ]
        j = int(np.argmin(angles))
        # where the unit's line crosses the inward normal through each end of the side
        line = np.mean([-(W[j] @ x + b[j]) / (W[j] @ inward) for x in (p, q)])
        boundary = boundary_offsets(model, p, q, inward)
        # at the side's midpoint, the value of unit j that puts the output at its threshold
        s = 1 / (1 + np.exp(-(W @ ((p + q) / 2) + b)))
        c = -(u0 + u @ s - u[j] * s[j]) / u[j]
        predicted = abs(np.log(c / (1 - c))) / np.linalg.norm(W[j]) if 0 < c < 1 else float("nan")
        relations.append(
            {
                "unit": j,
                "angle": float(angles[j]),
                "line_offset": float(line),
                "boundary_offset": float(np.median(boundary)),
                "boundary_max": float(np.abs(boundary).max()),
                "gap": float(abs(line - np.median(boundary))),
                "predicted_gap": float(predicted),
            }
        )
    return relations


def boundary_offsets(model, p, q, inward, steps: int = 41, reach: float = 0.15) -> np.ndarray:
    """Where P(class 1) = 1/2 crosses the inward normal through points of the middle half of
    the side p → q (the corners are rounded), as signed distances from the side, by bisection
    on the model's output."""
    t = np.linspace(0.25, 0.75, steps)[:, None]
    base = p + t * (q - p)
    lo, hi = np.full(steps, -reach), np.full(steps, reach)

    def excess(d):
        points = (base + d[:, None] * inward).astype(np.float32)
        return model.predict(points, batch_size=10_000)[:, 1] - 0.5

    at_lo = excess(lo)
    if (np.sign(at_lo) == np.sign(excess(hi))).any():
        raise RuntimeError(
            "the class boundary does not cross the normals of the middle of a "
            f"side within {reach}: the network did not learn the triangle"
        )
    for _ in range(40):
        mid = (lo + hi) / 2
        at_mid = excess(mid)
        same = np.sign(at_mid) == np.sign(at_lo)
        lo, at_lo = np.where(same, mid, lo), np.where(same, at_mid, at_lo)
        hi = np.where(same, hi, mid)
    return (lo + hi) / 2


def main(argv: list[str] | None = None) -> dict:
    args = _common.parse(_common.parser(__doc__), argv)
    return run(quick=args.quick, out=args.out)


if __name__ == "__main__":
    main()
