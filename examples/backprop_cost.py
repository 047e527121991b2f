"""One backward pass costs O(P): time forward and backward against the number of parameters P.

The lecture's takeaway: the forward pass computes every j̄ = Σ_i i·W_{i,j} + β_j, one multiply-add
per weight; the backward pass computes δ_ℓ = W_ℓᵀ δ̄_{ℓ+1} (one multiply-add per weight) and
Δ_ℓ = v_ℓ δ̄_{ℓ+1}ᵀ (one more per weight). Both are linear in P, the number of weights and
biases, and backward costs about twice forward, except in the first layer: the input is not a
parameter, so δ_0 = W_0ᵀ δ̄_1 is not computed, and a network with one hidden layer (most of its
weights in W_0) backpropagates in about the time of its forward pass.

We time fully-connected ReLU networks (width w, depth d: d hidden layers of w units, w inputs,
10 outputs, so P = d·(w² + w) + 10w + 10) on a batch of B = 256 examples (a batch of B costs B
times one example), for a grid of widths and depths, and fit log(time) = a + k·log P. Slope
k ≈ 1 means linear. Small networks sit above the line: each op also costs a fixed few
microseconds of Python, whatever its size, so the fit is also reported for P ≥ 10⁵ only.

Timings are machine-dependent and noisy: each is the fastest of several rounds.

Run: ``python examples/backprop_cost.py [--quick] [--out DIR]``.
"""

# %%
from __future__ import annotations

import time

import _common
import numpy as np
from _common import plt

import autograd_lite as al
import nn

BATCH = 256
LARGE = 1e5  # the fit 'for large P' uses P ≥ this
WIDTHS = (32, 64, 128, 256, 512, 1024)
DEPTHS = (1, 2, 4, 8)


# %% [markdown]
# ## Networks and their parameter count P


# %%
def build(width: int, depth: int) -> nn.Sequential:
    """width inputs → depth × (Linear(width, width), ReLU) → Linear(width, 10)."""
    al.manual_seed(0)
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.ReLU()]
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)


def parameter_count(width: int, depth: int) -> int:
    """P = d·(w·w + w) + (w·10 + 10): each Linear(n_in, n_out) has n_in·n_out + n_out."""
    return depth * (width * width + width) + width * 10 + 10


# %% [markdown]
# ## Timing one forward and one backward pass


# %%
def time_passes(model, x, y, repeats: int) -> tuple[float, float]:
    """The fastest forward (model and loss) and backward (``loss.backward()``) of ``repeats``."""
    forward = backward = float("inf")
    for _ in range(repeats):
        for p in model.parameters():
            p.grad = None
        t0 = time.perf_counter()
        loss = nn.cross_entropy(model(x), y)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        forward, backward = min(forward, t1 - t0), min(backward, t2 - t1)
    return forward, backward


def measure(widths=WIDTHS, depths=DEPTHS, repeats: int = 7, batch: int = BATCH) -> list[dict]:
    """Forward and backward times of every network, each the fastest of ``repeats`` rounds;
    a round times every network once, so that a burst of other work on the machine spoils one
    round of every size rather than all the repeats of one size."""
    rng = np.random.default_rng(0)
    rows, cases = [], []
    for depth in depths:
        for width in widths:
            model = build(width, depth)
            x = rng.standard_normal((batch, width)).astype(np.float32)
            y = rng.integers(0, 10, batch)
            time_passes(model, x, y, repeats=1)  # the first pass pays one-time costs
            cases.append((model, x, y))
            rows.append(
                {
                    "width": width,
                    "depth": depth,
                    "P": sum(int(p.size) for p in model.parameters()),
                    "P_formula": parameter_count(width, depth),
                    "forward": float("inf"),
                    "backward": float("inf"),
                }
            )
    for _ in range(repeats):
        for row, (model, x, y) in zip(rows, cases):
            forward, backward = time_passes(model, x, y, repeats=2)  # the 1st warms the caches
            row["forward"] = min(row["forward"], forward)
            row["backward"] = min(row["backward"], backward)
    return rows


def fit_slope(P, seconds) -> float:
    """k in log(seconds) = a + k·log(P), by least squares."""
    return float(np.polyfit(np.log(P), np.log(seconds), 1)[0])


def summarize(rows: list[dict], large: float = LARGE) -> dict:
    P = np.array([r["P"] for r in rows], dtype=float)
    forward = np.array([r["forward"] for r in rows])
    backward = np.array([r["backward"] for r in rows])
    big = P >= large
    summary = {
        "slope_forward": fit_slope(P, forward),
        "slope_backward": fit_slope(P, backward),
        "slope_total": fit_slope(P, forward + backward),
        "ratio_median": float(np.median(backward / forward)),
        "ratio_large": float(np.median(backward[big] / forward[big]))
        if big.any()
        else float("nan"),
    }
    if big.sum() >= 3:
        summary["slope_total_large"] = fit_slope(P[big], forward[big] + backward[big])
    return summary


# %% [markdown]
# ## Figure


# %%
def plot(rows: list[dict], summary: dict, folder) -> None:
    P = np.array([r["P"] for r in rows], dtype=float)
    forward = np.array([r["forward"] for r in rows]) * 1e3
    backward = np.array([r["backward"] for r in rows]) * 1e3
    depth = np.array([r["depth"] for r in rows])
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
    ax = axes[0]
    markers = dict(zip(sorted(set(depth)), "osD^v"))
    for d, marker in markers.items():
        m = depth == d
        ax.loglog(
            P[m], forward[m], marker, color=_common.BLUE, mfc="none", label=f"forward, depth {d}"
        )
        ax.loglog(P[m], backward[m], marker, color=_common.RED, label=f"backward, depth {d}")
    big = P >= LARGE
    grid = np.geomspace(P[big].min(), P.max(), 50)
    for seconds, color, name in (
        (forward, _common.BLUE, "forward"),
        (backward, _common.RED, "backward"),
    ):
        slope, intercept = np.polyfit(np.log(P[big]), np.log(seconds[big]), 1)
        ax.loglog(
            grid,
            np.exp(intercept) * grid**slope,
            color=color,
            lw=1.5,
            label=f"{name} fit for P ≥ 10⁵: slope {slope:.2f}",
        )
    full = np.geomspace(P.min(), P.max(), 50)
    anchor = backward[np.argmax(P)] / P.max()
    ax.loglog(full, anchor * full, "k:", lw=1, label="slope 1 (linear in P)")
    ax.set(
        xlabel="parameters P",
        ylabel=f"milliseconds (batch of {BATCH})",
        title="Time of one pass against P: linear for large P",
    )
    ax.legend(fontsize=7, ncol=2, loc="lower right")
    ax = axes[1]
    for d, marker in markers.items():
        m = depth == d
        ax.semilogx(P[m], backward[m] / forward[m], marker, color=_common.GREY, label=f"depth {d}")
    ax.axhline(2, color="k", ls=":", lw=1, label="2: two multiply-adds per weight")
    ax.set(
        xlabel="parameters P",
        ylabel="backward time / forward time",
        title=f"Backward / forward time: median {summary['ratio_median']:.2f} (theory: about 2)",
        ylim=(0, max(2.5, float((backward / forward).max())) * 1.2),
    )
    ax.legend(fontsize=8, ncol=3, loc="upper left")
    shallow = np.flatnonzero(depth == min(markers))
    if len(shallow):
        last = shallow[np.argmax(P[shallow])]
        ax.annotate(
            "one hidden layer: no δ_0 for the input,\nso about one multiply-add per weight",
            (P[last], backward[last] / forward[last]),
            xytext=(-10, -40),
            textcoords="offset points",
            ha="right",
            fontsize=8,
            arrowprops=dict(arrowstyle="->", lw=0.6),
        )
    fig.tight_layout()
    _common.save(fig, folder, "backprop_cost.png")


# %% [markdown]
# ## Run it


# %%
def run(quick: bool = False, out: str = "out", verbose: bool = True) -> dict:
    widths, depths, repeats = ((32, 64, 128, 256), (1, 2, 4), 3) if quick else (WIDTHS, DEPTHS, 5)
    rows = measure(widths, depths, repeats)
    summary = summarize(rows)
    if verbose:
        print(f"{'depth':>5} {'width':>5} {'P':>9} {'forward':>10} {'backward':>10} {'ratio':>6}")
        for r in rows:
            print(
                f"{r['depth']:5d} {r['width']:5d} {r['P']:9d} {r['forward'] * 1e3:8.3f}ms "
                f"{r['backward'] * 1e3:8.3f}ms {r['backward'] / r['forward']:6.2f}"
            )
        print(
            f"\nfitted slope of log(time) against log(P): forward {summary['slope_forward']:.2f}"
            f", backward {summary['slope_backward']:.2f}, both {summary['slope_total']:.2f}"
        )
        if "slope_total_large" in summary:
            print(
                f"for P ≥ 10⁵ only (where the fixed cost per op is negligible): "
                f"{summary['slope_total_large']:.2f}"
            )
        print(
            f"backward / forward time: median {summary['ratio_median']:.2f} "
            f"({summary['ratio_large']:.2f} for P ≥ 10⁵)"
        )
    plot(rows, summary, out)
    return {"rows": rows, **summary}


def main(argv: list[str] | None = None) -> dict:
    args = _common.parse(_common.parser(__doc__), argv)
    return run(quick=args.quick, out=args.out)


if __name__ == "__main__":
    main()
