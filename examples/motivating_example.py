"""The lecture's motivating example: divide the plane with several linear classifiers.

Points x = (x_0, x_1) of the unit square; class 1 is a diamond in the middle, which no single line
separates from the rest. Four lines do. For each line k with coefficients β_k, the sign feature

    u_k = sign(⟨(x_0, x_1, 1), β_k⟩) ∈ {−1, +1}

says on which side of the line x lies, and x → u = (u_1, u_2, u_3, u_4) is the lecture's table
(x = (.2, .8) → u = (−1, −1, +1, −1), ...). Class 1 is exactly u = (−1, +1, +1, −1), which a
*linear* function of u finds: z_O = W_O u + β_O with W_O = (−1, +1, +1, −1) is 4 there and at
most 2 elsewhere, so u_O = 1[z_O > 3]. That is the lecture's first model,

    z_H = W_H x + β_H,   u_H = sign(z_H),   z_O = W_O u_H + β_O,   u_O = 1[z_O > λ],

with N_I = 2 inputs, N_H = 4 hidden variables and N_O = 1 output. Its gradient is 0 almost
everywhere (sign and step are flat), so it cannot be trained by gradient descent; with the
sigmoid s(z) = 1/(1 + e^{−z}) instead and the binary cross-entropy, both layers are learned.
The last part answers "how many hidden variables are needed?" by training N_H = 1, ..., 6.

It also draws the lecture's two kinds of features for the learned hidden layer: with the step
activation, u_k = 1[W_H[k]·x + β_H[k] > 0] is binary, 0 or 1 depending on the side of the
learned line; with the sigmoid, s(W_H[k]·x + β_H[k]) is real, in [0, 1], and mimics the binary
feature: it is near 0 or 1 except in a band around the line, of width 2 ln 9 / ‖W_H[k]‖ between
the values 0.1 and 0.9, and it is above 1/2 exactly where the step feature is 1.

Run: ``python examples/motivating_example.py [--quick] [--out DIR]``.
"""

# %%
from __future__ import annotations

import _common
import numpy as np
from _common import plt

import autograd_lite as al
import nn

# The four lines, one row β_k = (β_k0, β_k1, β_k2) each: u_k = sign(β_k0 x_0 + β_k1 x_1 + β_k2).
LINES = np.array(
    [
        [-1.0, -1.0, 0.55],  # u_1 = +1 below-left of x_0 + x_1 = 0.55
        [1.0, -1.0, 0.45],  # u_2 = +1 below x_1 = x_0 + 0.45
        [-1.0, -1.0, 1.45],  # u_3 = +1 below-left of x_0 + x_1 = 1.45
        [1.0, -1.0, -0.45],  # u_4 = +1 below x_1 = x_0 − 0.45
    ]
)
W_OUT = np.array([-1.0, 1.0, 1.0, -1.0])  # z_O = W_O u: 4 inside the diamond, ≤ 2 outside
THRESHOLD = 3.0  # λ in u_O = 1[z_O > λ]
LECTURE_POINTS = np.array([[0.2, 0.8], [0.5, 0.5], [0.5, 1.0]])
LABEL_AT = np.array([[0.1, 0.45], [0.25, 0.7], [0.75, 0.7], [0.85, 0.4]])  # a point on each line


# %% [markdown]
# ## Data and the sign features u


# %%
def sign_features(X: np.ndarray, lines: np.ndarray = LINES) -> np.ndarray:
    """u_ik = sign(⟨(x_i0, x_i1, 1), β_k⟩), one row u_i per point."""
    return np.sign(np.column_stack([X, np.ones(len(X))]) @ lines.T)


def label(X: np.ndarray) -> np.ndarray:
    """Class 1 inside the diamond: 1[W_O u > λ]."""
    return (sign_features(X) @ W_OUT > THRESHOLD).astype(np.float64)


def make_data(n: int = 1000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n points uniform in the unit square and their labels."""
    X = np.random.default_rng(seed).random((n, 2))
    return X, label(X)


def table(X: np.ndarray) -> str:
    """The lecture's table x → u → class, one row per point."""
    rows = [f"{'x':>14}   {'u = sign(⟨x, β_k⟩), k = 1..4':>28}   class"]
    for x, u, y in zip(X, sign_features(X), label(X)):
        signs = ", ".join(f"{int(v):+d}" for v in u)
        rows.append(
            f"[{x[0]:.2f}, {x[1]:.2f}]".rjust(14) + f"   [{signs}]".rjust(31) + f"   {int(y)}"
        )
    return "\n".join(rows)


# %% [markdown]
# ## The lecture's first model: sign units and a step, weights set by hand


# %%
def perceptron() -> nn.Sequential:
    """u_H = sign(W_H x + β_H), u_O = 1[W_O u_H + β_O > 0] with β_O = −λ, the four lines'
    coefficients as W_H, β_H (``nn.Dense`` stores W as (units, inputs))."""
    model = nn.Sequential()
    model.add(
        nn.Dense(units=4, input_shape=(2,), activation="sign", name="hidden", dtype=np.float64)
    )
    model.add(nn.Dense(units=1, activation="step", name="output", dtype=np.float64))
    hidden, output = model.layers
    hidden.weight.data[...] = LINES[:, :2]
    hidden.bias.data[...] = LINES[:, 2]
    output.weight.data[...] = W_OUT
    output.bias.data[...] = -THRESHOLD
    return model


def perceptron_gradient_norm(model: nn.Sequential, X: np.ndarray, y: np.ndarray) -> float:
    """‖∂L/∂W_H‖ for the squared error L = mean (u_O − y)² of the step model: 0, since sign
    and step are flat wherever their derivative exists."""
    hidden = model.layers[0]
    hidden.weight.grad = None
    loss = nn.mse_loss(model(X), y.reshape(-1, 1))
    loss.backward()
    grad = hidden.weight.grad
    return 0.0 if grad is None else float(np.linalg.norm(grad))


# %% [markdown]
# ## Learning both layers: sigmoid units and binary cross-entropy


# %%
def train_mlp(
    X, y, hidden: int, epochs: int = 600, seed: int = 0, lr: float = 0.1, batch_size: int = 50
) -> nn.Sequential:
    """s(W_H x + β_H) → s(W_O h + β_O), Adam on the binary cross-entropy."""
    al.manual_seed(seed)
    model = nn.Sequential()
    model.add(nn.Dense(units=hidden, input_shape=(2,), activation="sigmoid", name="hidden"))
    model.add(nn.Dense(units=1, activation="sigmoid", name="output"))
    model.compile(optimizer=nn.Adam(lr=lr), loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=0)
    return model


def accuracy(model, X, y) -> float:
    return float(((model.predict(X, batch_size=1000).reshape(-1) > 0.5) == (y > 0.5)).mean())


def hidden_unit_sweep(
    X, y, X_test, y_test, sizes=range(1, 7), restarts: int = 3, epochs: int = 600
) -> dict[int, dict]:
    """For N_H = 1, 2, ...: the model with the best training accuracy over a few random starts
    (what N_H units *can* do; one start may get stuck), its training and test accuracy."""
    results = {}
    for hidden in sizes:
        best = None
        for seed in range(restarts):
            model = train_mlp(X, y, hidden, epochs=epochs, seed=seed)
            train_acc = accuracy(model, X, y)
            if best is None or train_acc > best["train"]:
                best = {"train": train_acc, "test": accuracy(model, X_test, y_test), "model": model}
        results[hidden] = best
    return results


# %% [markdown]
# ## Step features and sigmoid features of the learned hidden layer


# %%
def hidden_features(model, X) -> dict:
    """The learned hidden layer's features of the points X, with a step and with the sigmoid:
    1[W_H x + β_H > 0] and s(W_H x + β_H), by two float64 layers with its weights."""
    hidden = model.layers[0]
    features = {}
    for activation in ("step", "sigmoid"):
        layer = nn.Dense(
            units=hidden.units, input_shape=(2,), activation=activation, dtype=np.float64
        )
        layer.weight.data[...] = hidden.weight.data
        layer.bias.data[...] = hidden.bias.data
        features[activation] = layer(np.asarray(X, dtype=np.float64)).data
    features["band_width"] = 2 * np.log(9) / np.linalg.norm(hidden.weight.data, axis=1)
    return features


def describe_features(features: dict) -> dict:
    """What the lecture says of them, measured: the values a step feature takes, the range of
    the sigmoid's, how many of the sigmoid's are near-binary (within 0.1 of 0 or 1), and how
    often s > 1/2 agrees with the step."""
    step, sigmoid = features["step"], features["sigmoid"]
    return {
        "step_values": sorted(set(np.unique(step).tolist())),
        "sigmoid_min": float(sigmoid.min()),
        "sigmoid_max": float(sigmoid.max()),
        "sigmoid_max_gap": float((1 - sigmoid).min()),  # 1 − the largest, in float64
        "near_binary": float(((sigmoid < 0.1) | (sigmoid > 0.9)).mean()),
        "between": float(((sigmoid >= 0.1) & (sigmoid <= 0.9)).mean()),
        "threshold_agreement": float(((sigmoid > 0.5) == (step > 0.5)).mean()),
        "band_width": features["band_width"],
    }


# %% [markdown]
# ## Figures


# %%
def _square(ax, title):
    ax.set(xlim=(0, 1), ylim=(0, 1), aspect="equal", xlabel="$x_0$", ylabel="$x_1$", title=title)


def _draw_lines(ax, **style) -> None:
    for line in LINES:
        _common.plot_line(ax, line[:2], line[2], (0, 1), **style)


def plot(X, y, model, sweep, folder) -> None:
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.8))
    ax = axes[0]
    _common.scatter_classes(ax, X, y, s=8)
    _draw_lines(ax, color="k", lw=1.2)
    for k, (line, at) in enumerate(zip(LINES, LABEL_AT)):
        normal = line[:2] / np.linalg.norm(line[:2])  # points to the side where u_k = +1
        ax.text(
            *at,
            f"$u_{k + 1}$",
            fontsize=10,
            ha="center",
            va="center",
            bbox=dict(boxstyle="round", fc="white", ec="k", lw=0.5),
        )
        for sign, text in ((1, "+"), (-1, "−")):
            ax.text(
                *(at + sign * 0.06 * normal),
                text,
                fontsize=12,
                weight="bold",
                ha="center",
                va="center",
            )
    for p, u in zip(LECTURE_POINTS, sign_features(LECTURE_POINTS)):
        ax.plot(*p, marker="*", ms=14, color="#f59f00", mec="k", clip_on=False)
        text = "(" + ", ".join(f"{int(v):+d}" for v in u) + ")"
        ax.annotate(
            text,
            p,
            xytext=(6, -12),
            textcoords="offset points",
            fontsize=8,
            bbox=dict(boxstyle="round", fc="#fff3bf", ec="none"),
        )
    _square(ax, "Four fixed lines; class 1 ⇔ u = (−1, +1, +1, −1)\n(★: the lecture's table, x → u)")

    ax = axes[1]
    xx, yy, points = _common.grid((0, 1), (0, 1), 200)
    probability = model.predict(points, batch_size=10_000).reshape(-1)
    _common.plot_regions(ax, xx, yy, probability - 0.5, vmax=0.5)
    _common.scatter_classes(ax, X, y, s=6, alpha=0.5)
    _draw_lines(ax, color="k", lw=0.8, ls="--")
    hidden = model.layers[0]
    for k, (w, b) in enumerate(zip(hidden.weight.data, hidden.bias.data)):
        _common.plot_line(
            ax,
            w,
            float(b),
            (0, 1),
            color="#f59f00",
            lw=2,
            label="hidden unit k: W_H[k]·x + β_H[k] = 0" if k == 0 else None,
        )
    ax.plot([], [], color="k", lw=0.8, ls="--", label="the four lines of the data")
    ax.legend(loc="upper right", fontsize=7)
    _square(
        ax,
        f"Learned: {hidden.units} sigmoid hidden units\n"
        f"training accuracy {accuracy(model, X, y):.3f}",
    )

    ax = axes[2]
    sizes = list(sweep)
    ax.bar(
        [s - 0.18 for s in sizes],
        [sweep[s]["train"] for s in sizes],
        width=0.36,
        color=_common.BLUE,
        label="training",
    )
    ax.bar(
        [s + 0.18 for s in sizes],
        [sweep[s]["test"] for s in sizes],
        width=0.36,
        color=_common.GREY,
        label="test",
    )
    ax.axhline(1 - y.mean(), color="k", ls=":", lw=1, label="always class 0")
    ax.set(
        xlabel="hidden variables N_H",
        ylabel="accuracy",
        ylim=(0.5, 1.0),
        title="How many hidden variables?\n(accuracy of the best start)",
        xticks=sizes,
    )
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    _common.save(fig, folder, "motivating_example.png")


def plot_features(model, X, y, folder) -> None:
    """One column per hidden unit: its step feature (binary) above its sigmoid feature."""
    xx, yy, points = _common.grid((0, 1), (0, 1), 200)
    features = hidden_features(model, points)
    units = features["step"].shape[1]
    fig, axes = plt.subplots(2, units, figsize=(3.3 * units + 1, 7.2))
    hidden = model.layers[0]
    for k in range(units):
        for row, kind in enumerate(("step", "sigmoid")):
            ax = axes[row, k]
            image = ax.imshow(
                features[kind][:, k].reshape(xx.shape),
                origin="lower",
                extent=(0, 1, 0, 1),
                vmin=0,
                vmax=1,
                cmap="viridis",
            )
            _common.plot_line(
                ax,
                hidden.weight.data[k],
                float(hidden.bias.data[k]),
                (0, 1),
                color="w",
                lw=1,
                ls="--",
            )
            ax.scatter(X[y > 0.5, 0], X[y > 0.5, 1], s=2, c="w", alpha=0.5)
            ax.set(xlim=(0, 1), ylim=(0, 1), xticks=[], yticks=[])
            if row == 0:
                ax.set_title(f"unit {k + 1}: 1[W_H[{k + 1}]·x + β_H[{k + 1}] > 0]", fontsize=9)
            else:
                ax.set_title(
                    f"s(W_H[{k + 1}]·x + β_H[{k + 1}])\nfrom 0.1 to 0.9 over "
                    f"{features['band_width'][k]:.3f}",
                    fontsize=9,
                )
    axes[0, 0].set_ylabel("step: binary features", fontsize=11)
    axes[1, 0].set_ylabel("sigmoid: real, in [0, 1]", fontsize=11)
    fig.colorbar(image, ax=axes, shrink=0.8, label="feature value")
    fig.suptitle("The learned hidden layer's features (white dots: class 1)", y=0.98)
    _common.save(fig, folder, "motivating_features.png")


# %% [markdown]
# ## Run it


# %%
def run(quick: bool = False, out: str = "out", verbose: bool = True) -> dict:
    n = 400 if quick else 1000
    epochs = 300 if quick else 600
    X, y = make_data(n)
    X_test, y_test = make_data(1000, seed=1)
    step_model = perceptron()
    step_accuracy = float((step_model(X).data.reshape(-1) == y).mean())
    step_gradient = perceptron_gradient_norm(step_model, X, y)
    sweep = hidden_unit_sweep(X, y, X_test, y_test, restarts=1 if quick else 3, epochs=epochs)
    model = sweep[4]["model"]
    features = describe_features(hidden_features(model, X))
    if verbose:
        print("The lecture's table, x → u (the sign of x against each of the four lines):\n")
        print(table(np.vstack([LECTURE_POINTS, X[:4]])))
        print(
            f"\nSign units + a step, weights set by hand (W_O = {W_OUT}, λ = {THRESHOLD:g}): "
            f"accuracy {step_accuracy:.3f}; gradient of the loss for W_H: {step_gradient:g}"
        )
        print(
            f"Sigmoid MLP 2-4-1 learned by Adam on the cross-entropy (the best start of the "
            f"sweep below): training accuracy "
            f"{accuracy(model, X, y):.3f}, test {accuracy(model, X_test, y_test):.3f}"
        )
        print("\nHow many hidden variables? (best training accuracy of the starts, and its test)")
        for hidden, r in sweep.items():
            print(f"  N_H = {hidden}: training {r['train']:.3f}   test {r['test']:.3f}")
        print(
            "One line per side of the diamond: 4. With 3, sigmoid units bend the corners and "
            "get close; 1 or 2 cannot enclose it."
        )
        print(
            f"\nThe 2-4-1 network's hidden features of the {n} points: with a step, values "
            f"{features['step_values']} (binary); with the sigmoid, from "
            f"{features['sigmoid_min']:.1e} to 1 − {features['sigmoid_max_gap']:.1e}, "
            f"{features['near_binary']:.0%} of them within 0.1 of 0 or 1 and "
            f"{features['between']:.0%} between (each unit's band from 0.1 to 0.9 is "
            + ", ".join(f"{w:.3f}" for w in features["band_width"])
            + f" wide); s > 1/2 exactly where the step is 1: "
            f"{features['threshold_agreement']:.0%}"
        )
    plot(X, y, model, sweep, out)
    plot_features(model, X, y, out)
    return {
        "step_accuracy": step_accuracy,
        "step_gradient": step_gradient,
        "mlp_accuracy": accuracy(model, X, y),
        "mlp_test_accuracy": accuracy(model, X_test, y_test),
        "sweep": sweep,
        "lecture_u": sign_features(LECTURE_POINTS),
        "lecture_class": label(LECTURE_POINTS),
        "features": features,
    }


def main(argv: list[str] | None = None) -> dict:
    args = _common.parse(_common.parser(__doc__), argv)
    return run(quick=args.quick, out=args.out)


if __name__ == "__main__":
    main()
